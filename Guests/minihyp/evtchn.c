/*
 * evtchn.c - Xen event channels between guests, the 2-level ABI.
 *
 * An event channel is a pair of ports, one in each domain; "sending" on
 * one end sets a pending bit at the other end and interrupts that domain.
 * Carrying data is left to shared memory (grant tables, not here): an
 * event is only a doorbell. The guest finds its pending bits in its
 * shared_info page (common/xen.h has the layout), which it maps with
 * XENMEM_add_to_physmap, and the interrupt is the "upcall" PPI named in the
 * hypervisor node of its device tree (INTID 31).
 *
 * The calls, HYPERVISOR_event_channel_op(cmd, &arg) (public/event_channel.h):
 *   alloc_unbound     a new port in my domain that domain `remote_dom` may bind
 *   bind_interdomain  a new port in my domain, connected to the remote's
 *                     unbound port; both ends are now bound to each other
 *   send              ring the other end
 *   unmask            clear my port's mask bit; deliver what waited
 * Ports are small numbers from 1 (0 is never valid), allocated lowest
 * first, so a domain's first port is always 1. This subset has no close,
 * status, virq or ipi ports, and one vCPU per domain.
 */
#include "minihyp.h"

#define SHINFO(vm) ((vm)->shinfo)

static int port_valid(uint64_t port)
{
	return port > 0 && port < EVTCHN_PORTS;
}

static struct vm *domain(struct vm *self, unsigned domid)
{
	return domid == DOMID_SELF || domid == (unsigned)self->id ? self : vm_by_id((int)domid);
}

static long alloc_port(struct vm *vm)
{
	long p;

	for (p = 1; p < EVTCHN_PORTS; p++)
		if (vm->ports[p].state == ECS_FREE)
			return p;
	return -XEN_ENOSPC;
}

/*
 * Xen's evtchn_2l_set_pending, then vcpu_mark_events_pending: set the
 * port's pending bit; unless it was set already or the port is masked, set
 * its word's bit in evtchn_pending_sel, and then raise the upcall: set
 * evtchn_upcall_pending and, if it was clear, inject PPI 31. Each step
 * that finds its bit set stops: the guest has yet to look anyway.
 */
static void set_pending(struct vm *vm, uint32_t port)
{
	struct shared_info *s = SHINFO(vm);
	struct vcpu_info *v = &s->vcpu_info[0];
	uint64_t bit = 1ul << (port % 64);
	unsigned word = port / 64;

	if (s->evtchn_pending[word] & bit)
		return;
	s->evtchn_pending[word] |= bit;
	if (s->evtchn_mask[word] & bit)
		return;
	if (v->evtchn_pending_sel & (1ul << word))
		return;
	v->evtchn_pending_sel |= 1ul << word;
	if (v->evtchn_upcall_pending)
		return;
	v->evtchn_upcall_pending = 1;
	vgic_inject(vm, GUEST_EVTCHN_PPI);
}

long evtchn_op(struct vm *vm, uint64_t cmd, uint64_t arg)
{
	struct vm *remote;
	long port;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		struct evtchn_alloc_unbound a;

		if (guest_read(vm, arg, &a, sizeof(a)) < 0)
			return -14;
		if (domain(vm, a.dom) != vm)
			return -1;                      /* -EPERM: only for myself */
		if ((port = alloc_port(vm)) < 0)
			return port;
		vm->ports[port].state = ECS_UNBOUND;
		vm->ports[port].remote_dom = a.remote_dom == DOMID_SELF ? vm->id : a.remote_dom;
		a.port = (uint32_t)port;
		return guest_write(vm, arg, &a, sizeof(a));
	}
	case EVTCHNOP_bind_interdomain: {
		struct evtchn_bind_interdomain b;
		struct evtchn *r;

		if (guest_read(vm, arg, &b, sizeof(b)) < 0)
			return -14;
		remote = domain(vm, b.remote_dom);
		if (!remote || !port_valid(b.remote_port))
			return -XEN_EINVAL;
		r = &remote->ports[b.remote_port];
		if (r->state != ECS_UNBOUND || r->remote_dom != vm->id)
			return -XEN_EINVAL;     /* not (yet) offered to us */
		if ((port = alloc_port(vm)) < 0)
			return port;
		vm->ports[port] = (struct evtchn){ ECS_INTERDOMAIN, remote->id, b.remote_port };
		*r = (struct evtchn){ ECS_INTERDOMAIN, vm->id, (uint32_t)port };
		b.local_port = (uint32_t)port;
		if (guest_write(vm, arg, &b, sizeof(b)) < 0)
			return -14;
		/* As Xen does: the remote may have signalled the unbound port
		 * before we bound it, so conservatively mark ours pending. */
		set_pending(vm, (uint32_t)port);
		return 0;
	}
	case EVTCHNOP_send: {
		struct evtchn_send s;
		struct evtchn *e;

		if (guest_read(vm, arg, &s, sizeof(s)) < 0)
			return -14;
		if (!port_valid(s.port))
			return -XEN_EINVAL;
		e = &vm->ports[s.port];
		if (e->state == ECS_UNBOUND)
			return 0;               /* nobody listens yet: dropped, as in Xen */
		if (e->state != ECS_INTERDOMAIN)
			return -XEN_EINVAL;
		remote = vm_by_id(e->remote_dom);
		if (remote)                     /* a peer that shut down hears nothing */
			set_pending(remote, e->remote_port);
		return 0;
	}
	case EVTCHNOP_unmask: {
		struct evtchn_unmask u;
		struct shared_info *s = SHINFO(vm);
		uint64_t bit;
		unsigned word;

		if (guest_read(vm, arg, &u, sizeof(u)) < 0)
			return -14;
		if (!port_valid(u.port))
			return -XEN_EINVAL;
		bit = 1ul << (u.port % 64);
		word = u.port / 64;
		s->evtchn_mask[word] &= ~bit;
		/* Something arrived while masked: deliver it now. */
		if (s->evtchn_pending[word] & bit) {
			s->evtchn_pending[word] &= ~bit;
			set_pending(vm, u.port);
		}
		return 0;
	}
	}
	return -XEN_ENOSYS;
}

/*
 * XENMEM_add_to_physmap with XENMAPSPACE_shared_info: the guest asks to see
 * its shared_info page at guest frame `gpfn`. minihyp points that stage-2
 * page at the page it keeps for the guest (vm_create allocated it), so
 * both write the same memory; the RAM page that was there is hidden.
 */
long memory_op(struct vm *vm, uint64_t cmd, uint64_t arg)
{
	struct xen_add_to_physmap x;

	if (cmd != XENMEM_add_to_physmap)
		return -XEN_ENOSYS;
	if (guest_read(vm, arg, &x, sizeof(x)) < 0)
		return -14;
	if (x.space != XENMAPSPACE_shared_info || x.idx != 0 ||
	    domain(vm, x.domid) != vm || x.gpfn >= (1ul << 20))
		return -XEN_EINVAL;
	if (vm_map_page(vm, x.gpfn << 12, (uint64_t)vm->shinfo, 0) < 0)
		return -12;                     /* -ENOMEM */
	return 0;
}
