/*
 * ping.c - one end of an event-channel ping-pong (pong.c is the other),
 * for minihyp, using Xen's interfaces only: the event_channel_op and
 * memory_op hypercalls, the shared_info page, and the upcall interrupt
 * through the GIC its device tree describes.
 *
 * The rendezvous, with no xenstore to ask: ping runs as domain 1 and pong
 * as domain 2 (the order of the --guest options), and a domain's first
 * port is port 1. So ping offers its port 1 to d2 (alloc_unbound), and
 * pong binds to "d1, port 1" (bind_interdomain), retrying until ping has
 * offered it, then rings once to say it is there. Then, `rounds` times
 * (bootargs "rounds=N", default 10): ping rings, pong answers. Only the
 * first 10 rounds are printed, so that runs of any length can be timed
 * against each other; with "rounds=N" ping also prints the virtual time
 * (so, at 1 ns per instruction, the instructions) per round trip.
 *
 * Expected output (with pong's, interleaved):
 *   ping: GICv2, event channel upcall on INTID 31
 *   ping: port 1 offered to d2
 *   ping: d2 is bound
 *   ping: round 1: pong answered  ...  round 10
 *   ping: 10 round trips
 */
#include "guest.h"
#include "gic.h"
#include "xen.h"
#include "evtchn-client.h"

#define PEER 2

int main(const void *dtb)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = PEER };
	struct evtchn_send ring;
	unsigned long rounds = xen_bootarg(dtb, "rounds", 0), i;
	int timed = rounds != 0;
	uint64_t t0, t1;
	long rc;
	int v;

	console_sink = xen_console_putc;
	shinfo = xen_map_shared_info();
	v = gic_init(dtb);
	if (!shinfo || !v) {
		printf("ping: no shared_info page or no GIC\n");
		xen_shutdown();
	}
	if (!timed)
		rounds = 10;
	upcall = xen_upcall_intid(dtb);
	printf("ping: GICv%d, event channel upcall on INTID %u\n", v, upcall);
	gic_cpu_init(0);
	gic_enable(0, upcall);
	exception_hook = irq_hook;
	irq_enable();

	rc = xen_evtchn_op(EVTCHNOP_alloc_unbound, &a);
	if (rc) {
		printf("ping: alloc_unbound failed: %ld\n", rc);
		xen_shutdown();
	}
	printf("ping: port %u offered to d%d\n", a.port, PEER);
	wait_for(a.port);
	printf("ping: d%d is bound\n", PEER);

	ring.port = a.port;
	t0 = read_sysreg(CNTVCT_EL0);
	for (i = 1; i <= rounds; i++) {
		xen_evtchn_op(EVTCHNOP_send, &ring);
		wait_for(a.port);
		if (i <= 10)
			printf("ping: round %lu: pong answered\n", i);
	}
	t1 = read_sysreg(CNTVCT_EL0);
	printf("ping: %lu round trips\n", rounds);
	if (timed)
		printf("ping: %lu ns of virtual time each\n",
		       (unsigned long)((t1 - t0) * 1000000000ul / read_sysreg(CNTFRQ_EL0) / rounds));
	xen_shutdown();
	return 0;
}
