/*
 * evtchn-client.h - the event-channel receive side shared by ping.c and
 * pong.c: the upcall interrupt handler, which collects the ports Xen (or
 * minihyp) marked pending in shared_info, and a sleep until a given port
 * fires. Included by each guest (static: one copy per guest).
 */
#ifndef EVTCHN_CLIENT_H
#define EVTCHN_CLIENT_H

#include "guest.h"
#include "gic.h"
#include "xen.h"

static struct shared_info *shinfo;
static unsigned upcall;
static volatile uint64_t fired;         /* ports that fired, not yet seen */

static int irq_hook(struct exc_frame *f, int kind)
{
	unsigned id;

	(void)f;
	if ((kind & 3) != EXC_IRQ)
		return 0;
	id = gic_ack();
	if (id == upcall)
		fired |= xen_evtchn_scan(shinfo);
	if (id != GIC_SPURIOUS)
		gic_eoi(id);
	return 1;
}

/* Sleep until `port` fires. IRQs are masked while we look, and WFI wakes
 * on a pending interrupt even then, so no event slips in between. */
static void wait_for(unsigned port)
{
	for (;;) {
		irq_disable();
		if (fired & (1ull << port))
			break;
		__asm__ volatile("wfi");
		irq_enable();
	}
	fired &= ~(1ull << port);
	irq_enable();
}

#endif
