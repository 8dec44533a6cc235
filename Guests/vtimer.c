/*
 * vtimer.c - a guest that counts its virtual timer's ticks, for minihyp
 * (or any hypervisor that gives it a GIC and the arch timer in its DT).
 *
 * It programs CNTV, the EL1 virtual timer, to fire every millisecond of
 * virtual time, takes 5 interrupts through its GIC (under minihyp: virtual
 * PPI 27, injected through a list register) and checks that each came on
 * time. It also checks that its virtual counter started near zero: the
 * hypervisor gave it its own CNTVOFF_EL2.
 *
 * With bootargs "spin" it busy-waits instead of sleeping in WFI, so that
 * it never gives the CPU up: another guest then runs only because the
 * hypervisor preempts this one.
 *
 * Expected output (GIC version and INTID from the DT):
 *   vtimer: GICv2, CNTV on INTID 27, waiting in WFI
 *   vtimer: the virtual counter started at 0 ms
 *   vtimer: 5 ticks, 1 ms apart, each within 200 us of its deadline
 */
#include "guest.h"
#include "gic.h"
#include "xen.h"

#define TICKS    5
#define CTL_ENABLE 1u

static volatile unsigned ticks;
static unsigned intid;
static uint64_t period, worst_late;

static int irq_hook(struct exc_frame *f, int kind)
{
	unsigned id;

	(void)f;
	if ((kind & 3) != EXC_IRQ)
		return 0;
	id = gic_ack();
	if (id == intid) {
		uint64_t cval = read_sysreg(CNTV_CVAL_EL0);
		uint64_t late = read_sysreg(CNTVCT_EL0) - cval;

		if (late > worst_late)
			worst_late = late;
		/* Rearm from the deadline, not from now, so ticks do not drift;
		 * after the last one switch the timer off. */
		if (++ticks < TICKS)
			write_sysreg(CNTV_CVAL_EL0, cval + period);
		else
			write_sysreg(CNTV_CTL_EL0, 0);
	} else if (id != GIC_SPURIOUS) {
		printf("vtimer: unexpected INTID %u\n", id);
	}
	if (id != GIC_SPURIOUS)
		gic_eoi(id);
	return 1;
}

/* The virtual timer's PPI: the third of /timer's four interrupts. */
static unsigned vtimer_ppi(const void *dtb)
{
	int len = 0, node = fdt_path_offset(dtb, "/timer");
	const uint8_t *p = node >= 0 ? fdt_getprop(dtb, node, "interrupts", &len) : 0;

	return p && len >= 36 ? 16 + fdt_be32(p + 28) : 27;
}

int main(const void *dtb)
{
	const char *args = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs");
	int spin = args && strcmp(args, "spin") == 0;
	uint64_t freq = read_sysreg(CNTFRQ_EL0), start, elapsed;
	int v;

	console_sink = xen_console_putc;
	period = freq / 1000;
	start = read_sysreg(CNTVCT_EL0);
	v = gic_init(dtb);
	if (!v) {
		printf("vtimer: no GIC in the device tree\n");
		xen_shutdown();
	}
	intid = vtimer_ppi(dtb);
	printf("vtimer: GICv%d, CNTV on INTID %u, %s\n", v, intid,
	       spin ? "spinning" : "waiting in WFI");
	printf("vtimer: the virtual counter started at %lu ms\n", (unsigned long)(start / period));

	gic_cpu_init(0);
	gic_enable(0, intid);
	exception_hook = irq_hook;
	start = read_sysreg(CNTVCT_EL0);
	write_sysreg(CNTV_CVAL_EL0, start + period);
	write_sysreg(CNTV_CTL_EL0, CTL_ENABLE);
	isb();
	if (spin) {
		irq_enable();
		while (ticks < TICKS)
			;
	} else {
		/* Look with IRQs masked, sleep, then let the IRQ in: WFI wakes
		 * on a pending interrupt even while masked, so none is missed. */
		for (;;) {
			irq_disable();
			if (ticks >= TICKS)
				break;
			__asm__ volatile("wfi");
			irq_enable();
		}
		irq_enable();
	}
	elapsed = read_sysreg(CNTVCT_EL0) - start;
	printf("vtimer: %u ticks, %lu ms apart, %s\n", ticks, (unsigned long)(elapsed / ticks / period),
	       worst_late <= freq / 5000 ? "each within 200 us of its deadline" :
	       "some late by more than 200 us");
	xen_shutdown();
	return 0;
}
