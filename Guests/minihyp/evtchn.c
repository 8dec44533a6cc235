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
 * Ports count from 1 (0 is never valid), lowest free first: a domain's
 * first port is 1. Not here: close, status, virq, ipi; several vCPUs.
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
	if (s->evtchn_pending[word] & bit)
		return;
	s->evtchn_pending[word] |= bit;
	if ((s->evtchn_mask[word] & bit) || (v->evtchn_pending_sel & (1ul << word)))
		return;
	v->evtchn_pending_sel |= 1ul << word;
	if (v->evtchn_upcall_pending)
		return;
	v->evtchn_upcall_pending = 1;
	vgic_inject(vm, GUEST_EVTCHN_PPI);
}

long evtchn_op(struct vm *vm, uint64_t cmd, uint64_t arg)
{
	static const uint8_t arg_size[] = {
		[EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
		[EVTCHNOP_send] = sizeof(struct evtchn_send),
		[EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
		[EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
	};
	union {
		struct evtchn_alloc_unbound alloc;
		struct evtchn_bind_interdomain bind;
		struct evtchn_send send;        /* also the layout of unmask */
	} u;
	struct evtchn *e;
	struct vm *remote;
	long port;
	if (cmd >= sizeof(arg_size) || !arg_size[cmd])
		return -XEN_ENOSYS;
	if (guest_read(vm, arg, &u, arg_size[cmd]) < 0)
		return -14;                     /* -EFAULT */
	switch (cmd) {
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
		return -14;
	if (x.space != XENMAPSPACE_shared_info || x.idx != 0 || x.gpfn >> 20 ||
	    domain(vm, x.domid) != vm)
		return -XEN_EINVAL;
	return vm_map_page(vm, x.gpfn << 12, (uint64_t)vm->shinfo, 0) < 0 ? -XEN_EINVAL : 0;
}
