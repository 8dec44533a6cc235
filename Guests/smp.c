/*
 * smp.c - two CPUs: PSCI CPU_ON, SGIs both ways, AFFINITY_INFO, CPU_OFF.
 *
 * CPU 0 starts CPU 1 with PSCI CPU_ON at secondary_entry. CPU 1 sets up its
 * own stack and GIC interface, says hello, and waits for SGIs. CPU 0 sends
 * it SGI 1 three times; CPU 1 answers each with SGI 2 back. Then CPU 1
 * turns itself off (CPU_OFF) and CPU 0 waits until AFFINITY_INFO says OFF.
 *
 * Expected output (--smp 2):
 *   smp: cpu0 up, GICv2
 *   smp: cpu1 up (MPIDR 0x80000001)
 *   smp: round trip 1 ... 3
 *   smp: cpu1 off
 */
#include "guest.h"
#include "gic.h"

#define PSCI_CPU_ON        0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_CPU_OFF       0x84000002u

static volatile unsigned cpu1_ready, pings, pongs;
uint64_t cpu1_stack[512] __attribute__((aligned(16), used));

void secondary_main(void);

/* CPU 1 enters here, MMU off, DAIF masked, x0 = context (unused). */
__asm__(
	"	.text\n"
	"	.global secondary_entry\n"
	"secondary_entry:\n"
	"	msr	SPSel, #1\n"
	"	adrp	x1, cpu1_stack + 4096\n"
	"	add	x1, x1, :lo12:cpu1_stack + 4096\n"
	"	mov	sp, x1\n"
	"	mrs	x1, CurrentEL\n"
	"	cmp	x1, #8\n"
	"	b.ne	1f\n"
	"	adrp	x2, vectors_el2\n"
	"	add	x2, x2, :lo12:vectors_el2\n"
	"	msr	VBAR_EL2, x2\n"
	"	b	2f\n"
	"1:	adrp	x2, vectors_el1\n"
	"	add	x2, x2, :lo12:vectors_el1\n"
	"	msr	VBAR_EL1, x2\n"
	"2:	isb\n"
	"	bl	secondary_main\n"
	"3:	wfi\n"
	"	b	3b\n");
extern char secondary_entry[];

static unsigned this_cpu(void) { return (unsigned)read_sysreg(MPIDR_EL1) & 0xff; }

static int irq_hook(struct exc_frame *f, int kind)
{
	(void)f;
	if ((kind & 3) != EXC_IRQ)
		return 0;
	unsigned id = gic_ack();
	if (id == GIC_SPURIOUS)
		return 1;
	gic_eoi(id);
	if (this_cpu() == 1 && id == 1) {
		pings++;
		gic_send_sgi(0, 2);
	} else if (this_cpu() == 0 && id == 2) {
		pongs++;
	} else {
		printf("smp: cpu%u unexpected INTID %u\n", this_cpu(), id);
	}
	return 1;
}

static void route_irqs_here(void)
{
	/* At EL2, IRQs are taken at EL2 only when HCR_EL2.IMO routes them. */
	if (current_el() == 2) {
		write_sysreg(HCR_EL2, read_sysreg(HCR_EL2) | (1u << 4) | (1u << 31));
		isb();
	}
}

void secondary_main(void)
{
	route_irqs_here();
	gic_cpu_init(1);
	gic_enable(1, 1);
	printf("smp: cpu1 up (MPIDR 0x%lx)\n", read_sysreg(MPIDR_EL1));
	cpu1_ready = 1;
	__asm__ volatile("sev; msr daifclr, #2" ::: "memory");
	while (pings < 3)
		__asm__ volatile("wfi");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	printf("smp: CPU_OFF returned\n");
}

int main(const void *dtb)
{
	int v = gic_init(dtb);
	if (!v) {
		printf("smp: no GIC\n");
		return 1;
	}
	route_irqs_here();
	exception_hook = irq_hook;
	gic_cpu_init(0);
	gic_enable(0, 2);
	printf("smp: cpu0 up, GICv%d\n", v);

	int64_t r = (int64_t)psci_call(PSCI_CPU_ON, 1, (uint64_t)(uintptr_t)secondary_entry, 0);
	if (r != 0) {
		printf("smp: CPU_ON failed: %ld\n", r);
		return 1;
	}
	while (!cpu1_ready)
		__asm__ volatile("wfe");
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (unsigned i = 1; i <= 3; i++) {
		gic_send_sgi(1, 1);
		while (pongs < i)
			__asm__ volatile("wfi");
		printf("smp: round trip %u\n", i);
	}
	while (psci_call(PSCI_AFFINITY_INFO, 1, 0, 0) != 1)
		__asm__ volatile("wfe");
	printf("smp: cpu1 off\n");
	return 0;
}
