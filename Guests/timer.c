/*
 * timer.c - the EL1 physical timer through the GIC, without a hypervisor.
 *
 * Programs CNTP to fire every millisecond of virtual time, takes 10 timer
 * interrupts (acknowledge, rearm, end of interrupt), then sleeps 10 seconds
 * of virtual time in WFI with one deadline: armvm jumps its clock to the
 * deadline instead of spinning, so this takes milliseconds of host time.
 * At EL2 it sets HCR_EL2.IMO so that the IRQ is taken at EL2 instead.
 *
 * Expected output (GIC version and INTID from the DT):
 *   timer: GICv2, CNTP on INTID 30, 62500000 Hz
 *   timer: 10 ticks, 1 ms apart
 *   timer: slept 10 s in WFI
 */
#include "guest.h"
#include "gic.h"

static volatile unsigned ticks;
static unsigned timer_intid;
static uint64_t period;

#define CNTP_CTL_ENABLE 1u
#define CNTP_CTL_IMASK  2u

static int irq_hook(struct exc_frame *f, int kind)
{
	(void)f;
	if ((kind & 3) != EXC_IRQ)
		return 0;
	unsigned id = gic_ack();
	if (id == timer_intid) {
		ticks++;
		/* Rearm relative to the previous deadline, so ticks do not drift. */
		write_sysreg(CNTP_CVAL_EL0, read_sysreg(CNTP_CVAL_EL0) + period);
		if (ticks >= 10)
			write_sysreg(CNTP_CTL_EL0, CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
	} else if (id != GIC_SPURIOUS) {
		printf("timer: unexpected INTID %u\n", id);
	}
	if (id != GIC_SPURIOUS)
		gic_eoi(id);
	return 1;
}

/* The non-secure physical timer's PPI: the second of /timer's four. */
static unsigned timer_ppi(const void *dtb)
{
	int len = 0, node = fdt_path_offset(dtb, "/timer");
	const uint8_t *p = node >= 0 ? fdt_getprop(dtb, node, "interrupts", &len) : 0;
	if (!p || len < 24)
		return 30;
	return 16 + fdt_be32(p + 16);
}

int main(const void *dtb)
{
	uint64_t freq = read_sysreg(CNTFRQ_EL0);
	int v = gic_init(dtb);

	if (!v) {
		printf("timer: no GIC in the device tree\n");
		return 1;
	}
	timer_intid = timer_ppi(dtb);
	printf("timer: GICv%d, CNTP on INTID %u, %lu Hz\n", v, timer_intid, freq);
	if (current_el() == 2) {
		write_sysreg(HCR_EL2, read_sysreg(HCR_EL2) | (1u << 4) | (1u << 31));   /* IMO, RW */
		isb();
	}
	gic_cpu_init(0);
	gic_enable(0, timer_intid);
	exception_hook = irq_hook;

	period = freq / 1000;
	uint64_t start = read_sysreg(CNTPCT_EL0);
	write_sysreg(CNTP_CVAL_EL0, start + period);
	write_sysreg(CNTP_CTL_EL0, CNTP_CTL_ENABLE);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	while (ticks < 10)
		__asm__ volatile("wfi");
	uint64_t elapsed = read_sysreg(CNTPCT_EL0) - start;
	printf("timer: %u ticks, %lu ms apart\n", ticks, (elapsed / ticks) / period);

	/* One long sleep: 10 s of virtual time. */
	unsigned before = ticks;
	write_sysreg(CNTP_CVAL_EL0, read_sysreg(CNTPCT_EL0) + 10 * freq);
	write_sysreg(CNTP_CTL_EL0, CNTP_CTL_ENABLE);
	while (ticks == before)
		__asm__ volatile("wfi");
	printf("timer: slept 10 s in WFI\n");
	return 0;
}
