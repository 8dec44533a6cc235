/*
 * evtchn.c - Xen event channels between guests, the 2-level ABI.
 *
 * An event channel joins a port in one domain to a port in another:
 * "sending" on one end sets a pending bit at the other end, in that
 * guest's shared_info page (layout in common/xen.h, mapped with
 * XENMEM_add_to_physmap), and injects the "upcall" PPI its DT names (31).
 * It is a doorbell only: data would go through grant tables, not here.
 *
 * HYPERVISOR_event_channel_op(cmd, &arg) (public/event_channel.h):
 *   alloc_unbound     a new port of mine that domain `remote_dom` may bind
 *   bind_interdomain  a new port of mine, joined to the remote's unbound port
 *   send              ring the other end
 *   unmask            clear my port's mask bit; deliver what waited
 *   close             free my port; an interdomain peer's end is unbound
 *                     again, offered to me (Xen's evtchn_close)
 *   status            the state of a port of mine or of any domain's
 *                     (Xen's XSM default: another domain's is -EPERM)
 * Ports count from 1 (port 0 is reserved: it exists, closed, and cannot
 * be used), lowest free first: a domain's first port is 1. Xen's
 * port_is_valid says whether a port exists: here, below EVTCHN_PORTS.
 * HYPERVISOR_sched_op's SCHEDOP_block and SCHEDOP_poll wait for events:
 * event_pending and sched_poll below. Not here: virq, ipi, several vCPUs.
 * The two ends may run on different physical CPUs: the sender then kicks
 * the receiver's CPU (vgic_inject, vm_kick), which delivers the upcall.
 */
#include "minihyp.h"

static struct vm *domain(struct vm *self, unsigned domid)
{
	return domid == DOMID_SELF || domid == (unsigned)self->id ? self : vm_by_id((int)domid);
}

static long alloc_port(struct vm *vm)
{
	long p = 1;

	while (p < EVTCHN_PORTS && vm->ports[p].state != ECS_FREE)
		p++;
	return p < EVTCHN_PORTS ? p : -XEN_ENOSPC;
}

/*
 * Xen's evtchn_2l_set_pending and vcpu_mark_events_pending: the port's
 * pending bit; unless masked, its word's bit in evtchn_pending_sel; then
 * evtchn_upcall_pending and PPI 31. A step that finds its bit already set
 * stops there: the guest has yet to look anyway.
 */
static void set_pending(struct vm *vm, uint32_t port)
{
	struct shared_info *s = vm->shinfo;
	struct vcpu_info *v = &s->vcpu_info[0];
	uint64_t bit = 1ul << (port % 64), word = port / 64;
	/* The guest may be running on another CPU and clearing bits of the
	 * same words: set ours atomically (arch.h). */
	if (test_and_set_bit64(&s->evtchn_pending[word], bit))
		return;
	/* Xen's evtchn_check_pollers: a poll on this port ends, masked or not */
	if (vm->blocked == BLOCKED_EVENT && (vm->poll_ports >> port & 1)) {
		vm->blocked = BLOCKED_NOT;
		vm_kick(vm);    /* on another CPU, that CPU must see it is ready */
	}
	if ((s->evtchn_mask[word] & bit) || test_and_set_bit64(&v->evtchn_pending_sel, 1ul << word))
		return;
	if (v->evtchn_upcall_pending)
		return;
	v->evtchn_upcall_pending = 1;
	/* An upcall ends SCHEDOP_block and SCHEDOP_poll (Xen's vcpu_kick),
	 * even if the guest has yet to enable PPI 31 in its GIC. */
	if (vm->blocked == BLOCKED_EVENT)
		vm->blocked = BLOCKED_NOT;
	vgic_inject(vm, GUEST_EVTCHN_PPI);
}

/* A port of this domain's that exists (Xen's port_is_valid), free or not. */
static int port_valid(uint64_t port)
{
	return port < EVTCHN_PORTS;
}

static int port_pending(struct vm *vm, uint32_t port)
{
	return vm->shinfo->evtchn_pending[port / 64] >> (port % 64) & 1;
}

/*
 * Would SCHEDOP_block return at once? Xen's local_events_need_delivery,
 * once block has enabled delivery: a virtual interrupt waits, or the
 * guest's evtchn_upcall_pending is set (by us, or by the guest itself).
 */
int event_pending(struct vm *vm)
{
	return vgic_has_pending(vm) ||
	       *(volatile uint8_t *)&vm->shinfo->vcpu_info[0].evtchn_upcall_pending;
}

/*
 * SCHEDOP_poll(&struct sched_poll), in the order of Xen's do_poll: more
 * than 128 ports is -EINVAL; a pending upcall returns at once; then port
 * by port, an unreadable one is -EFAULT, one that does not exist -EINVAL,
 * a pending one returns 0 (the ports after it are not looked at).
 * Otherwise the vCPU sleeps until one of its ports becomes pending, an
 * upcall or interrupt arrives, or the timeout passes, and returns 0. The
 * timeout is Xen's system time in ns: here, CNTPCT's count in ns.
 * Returns 1 for "sleep", after recording what ends the sleep. `spsr` is
 * the guest's PSTATE at the call.
 */
long sched_poll(struct vm *vm, unsigned long arg, unsigned long spsr)
{
	struct sched_poll p;
	uint32_t i, port, ports = 0;
	if (guest_read(vm, arg, &p, sizeof(p)) < 0)
		return -XEN_EFAULT;
	if (p.nr_ports > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	/* Xen checks with event delivery as the guest has it (PSTATE.I). */
	if (!(spsr & SPSR_I) && event_pending(vm))
		return 0;
	for (i = 0; i < p.nr_ports; i++) {
		if (guest_read(vm, p.ports + 4 * (uint64_t)i, &port, 4) < 0)
			return -XEN_EFAULT;
		if (!port_valid(port))
			return -XEN_EINVAL;
		if (port_pending(vm, port))
			return 0;
		ports |= 1u << port;
	}
	vm->poll_ports = ports;
	vm->poll_deadline = 0;
	if (p.timeout) {
		/* timeout * CNTFRQ / 1e9 with no 128-bit product (a 32-bit CPU
		 * has none): seconds and the rest apart, each fits 64 bits. */
		uint64_t t = p.timeout / 1000000000u * cntfrq() +
		             p.timeout % 1000000000u * cntfrq() / 1000000000u;

		vm->poll_deadline = t ? t : 1;
	}
	vm->blocked = BLOCKED_EVENT;
	return 1;
}

/* When (in CNTPCT ticks) a sleeping poll times out; 0 if it never does. */
int poll_deadline(struct vm *vm, uint64_t *when)
{
	if (!vm->running || vm->blocked != BLOCKED_EVENT || !vm->poll_deadline)
		return 0;
	*when = vm->poll_deadline;
	return 1;
}

void poll_check(struct vm *vm)
{
	uint64_t when;
	if (poll_deadline(vm, &when) && cntpct() >= when)
		vm->blocked = BLOCKED_NOT;
}

/* EVTCHNOP_status: fill in `st` for port st->port of domain st->dom. */
static long port_status(struct vm *vm, struct evtchn_status *st)
{
	struct vm *d = domain(vm, st->dom);
	struct evtchn *e;
	if (!d)
		return -XEN_ESRCH;
	if (!port_valid(st->port))
		return -XEN_EINVAL;
	if (d != vm)
		return -XEN_EPERM;      /* Xen's XSM_TARGET: myself only */
	e = &d->ports[st->port];
	st->status = e->state == ECS_UNBOUND ? EVTCHNSTAT_unbound :
		     e->state == ECS_INTERDOMAIN ? EVTCHNSTAT_interdomain : EVTCHNSTAT_closed;
	if (e->state == ECS_UNBOUND)
		st->u.unbound.dom = (uint16_t)e->remote_dom;
	if (e->state == ECS_INTERDOMAIN) {
		st->u.interdomain.dom = (uint16_t)e->remote_dom;
		st->u.interdomain.port = e->remote_port;
	}
	st->vcpu = 0;           /* one vCPU: events go to vCPU 0 */
	return 0;
}

/* EVTCHNOP_close: Xen's evtchn_close for the states minihyp has. */
static long port_close(struct vm *vm, uint32_t port)
{
	struct evtchn *e;
	struct vm *remote;
	if (!port_valid(port) || port == 0)
		return -XEN_EINVAL;     /* port 0 is reserved: Xen says -EINVAL too */
	e = &vm->ports[port];
	if (e->state == ECS_FREE)
		return -XEN_EINVAL;
	/* The peer's end is offered back to us, as a new alloc_unbound's
	 * would be: it may bind again. (A peer that shut down keeps none.) */
	if (e->state == ECS_INTERDOMAIN && (remote = domain(vm, (unsigned)e->remote_dom)) != 0)
		remote->ports[e->remote_port] = (struct evtchn){ ECS_UNBOUND, vm->id, 0 };
	/* Xen clears the pending bit, so that a rebound port starts clean. */
	vm->shinfo->evtchn_pending[port / 64] &= ~(1ul << (port % 64));
	*e = (struct evtchn){ ECS_FREE, 0, 0 };
	return 0;
}

long evtchn_op(struct vm *vm, uint64_t cmd, uint64_t arg)
{
	static const uint8_t arg_size[] = {
		[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
		[EVTCHNOP_send] = sizeof(struct evtchn_send),
		[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
		[EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
		[EVTCHNOP_close] = sizeof(struct evtchn_close),
		[EVTCHNOP_status] = sizeof(struct evtchn_status),
	};
	union {
		struct evtchn_alloc_unbound alloc;
		struct evtchn_bind_interdomain bind;
		struct evtchn_send send;        /* also the layout of unmask, close */
		struct evtchn_status status;
	} u;
	struct evtchn *e;
	struct vm *remote;
	long port;
	if (cmd >= sizeof(arg_size) || !arg_size[cmd])
		return -XEN_ENOSYS;
	if (guest_read(vm, arg, &u, arg_size[cmd]) < 0)
		return -XEN_EFAULT;
	switch (cmd) {
	case EVTCHNOP_close:
		return port_close(vm, u.send.port);
	case EVTCHNOP_status:
		if ((port = port_status(vm, &u.status)) < 0)
			return port;
		return guest_write(vm, arg, &u, sizeof(u.status));
	case EVTCHNOP_alloc_unbound:
		if (domain(vm, u.alloc.dom) != vm)
			return -1;              /* -EPERM: only for myself */
		if ((port = alloc_port(vm)) < 0)
			return port;
		vm->ports[port] = (struct evtchn){ ECS_UNBOUND,
			u.alloc.remote_dom == DOMID_SELF ? vm->id : u.alloc.remote_dom, 0 };
		u.alloc.port = (uint32_t)port;
		return guest_write(vm, arg, &u, sizeof(u.alloc));
	case EVTCHNOP_bind_interdomain:
		remote = domain(vm, u.bind.remote_dom);
		if (!remote || u.bind.remote_port - 1 >= EVTCHN_PORTS - 1)
			return -XEN_EINVAL;
		e = &remote->ports[u.bind.remote_port];
		if (e->state != ECS_UNBOUND || e->remote_dom != vm->id)
			return -XEN_EINVAL;     /* not (yet) offered to us */
		if ((port = alloc_port(vm)) < 0)
			return port;
		vm->ports[port] = (struct evtchn){ ECS_INTERDOMAIN, remote->id, u.bind.remote_port };
		*e = (struct evtchn){ ECS_INTERDOMAIN, vm->id, (uint32_t)port };
		u.bind.local_port = (uint32_t)port;
		/* As Xen does: the remote may have rung its unbound port before
		 * we bound it, so conservatively mark our new port pending. */
		set_pending(vm, (uint32_t)port);
		return guest_write(vm, arg, &u, sizeof(u.bind));
	}
	/* send and unmask: a port of mine */
	if (u.send.port - 1 >= EVTCHN_PORTS - 1)
		return -XEN_EINVAL;
	e = &vm->ports[u.send.port];
	if (cmd == EVTCHNOP_unmask) {
		uint64_t bit = 1ul << (u.send.port % 64), word = u.send.port / 64;

		vm->shinfo->evtchn_mask[word] &= ~bit;
		if (vm->shinfo->evtchn_pending[word] & bit) {   /* it waited: deliver */
			vm->shinfo->evtchn_pending[word] &= ~bit;
			set_pending(vm, u.send.port);
		}
		return 0;
	}
	if (e->state == ECS_UNBOUND)
		return 0;                       /* nobody listens yet: dropped, as in Xen */
	if (e->state != ECS_INTERDOMAIN)
		return -XEN_EINVAL;
	if ((remote = vm_by_id(e->remote_dom)) != 0)   /* a peer that shut down hears nothing */
		set_pending(remote, e->remote_port);
	return 0;
}

/*
 * XENMEM_add_to_physmap with XENMAPSPACE_shared_info: the guest wants its
 * shared_info page at guest frame `gpfn`. minihyp points that stage-2 page
 * at the page it keeps for the guest (allocated by vm_create), so both see
 * the same memory; the RAM page that was there is hidden.
 */
long memory_op(struct vm *vm, uint64_t cmd, uint64_t arg)
{
	struct xen_add_to_physmap x;
	if (cmd != XENMEM_add_to_physmap)
		return -XEN_ENOSYS;
	if (guest_read(vm, arg, &x, sizeof(x)) < 0)
		return -XEN_EFAULT;
	if (x.space != XENMAPSPACE_shared_info || x.idx != 0 || x.gpfn >> 20 ||
	    domain(vm, x.domid) != vm)
		return -XEN_EINVAL;
	return vm_map_page(vm, x.gpfn << 12, (unsigned long)vm->shinfo, 0) < 0 ? -XEN_EINVAL : 0;
}
