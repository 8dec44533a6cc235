/*
 * vtimer.c - a virtual-timer interrupt every 10 us of guest time, taken
 * and handled at EL1 (armvm --el 1, QEMU -M virt), through a GICv2.
 *
 * N interrupts (bootargs, default 100000: one second of guest time). Each
 * one is acknowledged at the GIC, the timer is rearmed 10 us after its
 * previous deadline (CNTV_CVAL_EL0 += CNTFRQ / 100000, so no drift; a late
 * interrupt is followed at once by the next), and ended. Between them the
 * CPU waits in WFI. Output: `vtimer: N interrupts, 10 us apart, INTID 27`.
 *
 * Its own few lines of GICv2 instead of common/gic.c: QEMU names the node
 * intc@8000000, so it is found by compatible string, not by path.
 */
#include "bench.h"

#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
/* ARM IHI 0048B, 4.3 and 4.4 */
#define GICD_CTLR        0x000
#define GICD_ISENABLER   0x100
#define GICD_IPRIORITYR  0x400
#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10
#define SPURIOUS         1023u

static uintptr_t gicd, gicc;
static volatile unsigned long ticks;
static unsigned long target;
static unsigned intid;
static uint64_t period;

static int irq_hook(struct exc_frame *f, int kind)
{
	(void)f;
	if ((kind & 3) != EXC_IRQ)
		return 0;
	unsigned id = R32(gicc + GICC_IAR) & 0x3ff;
	if (id == intid) {
		if (++ticks >= target)
			write_sysreg(CNTV_CTL_EL0, 3);   /* ENABLE | IMASK: done */
		else
			write_sysreg(CNTV_CVAL_EL0, read_sysreg(CNTV_CVAL_EL0) + period);
		isb();
	}
	if (id != SPURIOUS)
		R32(gicc + GICC_EOIR) = id;
	return 1;
}

static int find_gicv2(const void *dtb)
{
	static const char *const compat[] = { "arm,cortex-a15-gic", "arm,gic-400" };
	uint64_t size, base;

	for (unsigned i = 0; i < 2; i++) {
		int node = fdt_node_offset_by_compatible(dtb, -1, compat[i]);
		if (node < 0 || fdt_get_reg(dtb, node, 0, &base, &size) != 0)
			continue;
		gicd = base;
		if (fdt_get_reg(dtb, node, 1, &base, &size) != 0)
			return 0;
		gicc = base;
		return 1;
	}
	return 0;
}

/* The virtual timer's PPI: the third of /timer's four (arm,arch_timer binding). */
static unsigned vtimer_ppi(const void *dtb)
{
	int len = 0, node = fdt_path_offset(dtb, "/timer");
	const uint8_t *p = node >= 0 ? fdt_getprop(dtb, node, "interrupts", &len) : 0;
	if (!p || len < 36)
		return 27;
	return 16 + fdt_be32(p + 28);
}

int main(const void *dtb)
{
	target = bench_count(dtb, 100000);
	if (current_el() != 1) {
		printf("vtimer: run me at EL1 (armvm --el 1, QEMU -M virt)\n");
		return 1;
	}
	if (!dtb || !find_gicv2(dtb)) {
		printf("vtimer: no GICv2 in the device tree\n");
		return 1;
	}
	intid = vtimer_ppi(dtb);
	period = read_sysreg(CNTFRQ_EL0) / 100000;

	R32(gicd + GICD_CTLR) = 1;
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = 0xa0;
	R32(gicd + GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
	R32(gicc + GICC_PMR) = 0xff;
	R32(gicc + GICC_CTLR) = 1;
	exception_hook = irq_hook;

	if (target) {
		write_sysreg(CNTV_CVAL_EL0, read_sysreg(CNTVCT_EL0) + period);
		write_sysreg(CNTV_CTL_EL0, 1);
		isb();
		__asm__ volatile("msr daifclr, #2" ::: "memory");
		while (ticks < target)
			__asm__ volatile("wfi");
		__asm__ volatile("msr daifset, #2" ::: "memory");
	}
	printf("vtimer: %lu interrupts, 10 us apart, INTID %u\n", (unsigned long)ticks, intid);
	return 0;
}
