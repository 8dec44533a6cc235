/*
 * pong.c - the other end of ping.c's ping-pong (read ping.c first for the
 * rendezvous). As domain 2 it binds to domain 1's port 1, rings once to
 * say so, then answers each ring with one of its own.
 *
 * Expected output (with ping's, interleaved):
 *   pong: bound to d1 port 1 as port 1
 *   pong: round 1: ping arrived  ...  round 10
 *   pong: done
 */
#include "guest.h"
#include "gic.h"
#include "xen.h"
#include "evtchn-client.h"

#define PEER      1
#define PEER_PORT 1

int main(const void *dtb)
{
	struct evtchn_bind_interdomain b = { .remote_dom = PEER, .remote_port = PEER_PORT };
	struct evtchn_send ring;
	unsigned long rounds = xen_bootarg(dtb, "rounds", 10), i;
	long rc;

	console_sink = xen_console_putc;
	shinfo = xen_map_shared_info();
	if (!shinfo || !gic_init(dtb)) {
		printf("pong: no shared_info page or no GIC\n");
		xen_shutdown();
	}
	upcall = xen_upcall_intid(dtb);

	/* Until ping has offered its port, binding fails with -EINVAL. */
	while ((rc = xen_evtchn_op(EVTCHNOP_bind_interdomain, &b)) == -XEN_EINVAL)
		xen_yield();
	if (rc) {
		printf("pong: bind_interdomain failed: %ld\n", rc);
		xen_shutdown();
	}
	printf("pong: bound to d%d port %d as port %u\n", PEER, PEER_PORT, b.local_port);
	/* Binding marks the new port pending (in case the other end rang
	 * before); nothing can have, so clear it before listening. */
	xen_evtchn_scan(shinfo);

	gic_cpu_init(0);
	gic_enable(0, upcall);
	exception_hook = irq_hook;
	irq_enable();

	ring.port = b.local_port;
	xen_evtchn_op(EVTCHNOP_send, &ring);            /* "I am here" */
	for (i = 1; i <= rounds; i++) {
		wait_for(b.local_port);
		if (i <= 10)
			printf("pong: round %lu: ping arrived\n", i);
		xen_evtchn_op(EVTCHNOP_send, &ring);
	}
	printf("pong: done\n");
	xen_shutdown();
	return 0;
}
