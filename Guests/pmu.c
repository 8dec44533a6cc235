/*
 * pmu.c - the Performance Monitors (PMUv3) as EL2, EL1 and EL0 see them.
 *
 * Starts at EL2, where it partitions the six event counters with
 * MDCR_EL2.HPMN = 4 (counters 4 and 5 are EL2's, enabled by HPME), then
 * drops to EL1 in the same image. EL1 checks, printing PASS or FAIL each:
 *   - PMCR_EL0.N reads HPMN, PMCEID0_EL0 lists the events counted;
 *   - INST_RETIRED over a known loop, exactly (enable, N x {subs, b.ne},
 *     read: 2N + 2 instructions, the enabling MSR and the MOV included);
 *   - LD_RETIRED, ST_RETIRED and BR_RETIRED over N x {ldr, str, subs, b.ne},
 *     exactly N each (the last B.NE falls through and still counts: a branch
 *     counts taken or not), and BR_IMMED_RETIRED / BR_RETURN_RETIRED over
 *     calls and returns;
 *   - filtering by EL: one counter counts EL1 only, one EL0 only, one the
 *     exceptions taken from EL0, across a visit to EL0 that runs a loop and
 *     reads a counter itself (PMUSERENR_EL0.ER), then returns with SVC;
 *   - EL0 without PMUSERENR_EL0 access traps to EL1 (EC 0x18);
 *   - a counter preset near 2^32 overflows and raises the PMU interrupt
 *     through the GIC (INTID from the DT /pmu node), with PMOVSSET set; the
 *     same on LD_RETIRED, where the interrupt is taken right after the load
 *     that wrapped the counter;
 *   - LD_RETIRED and BR_RETIRED filtered to EL0 count EL0's loop alone;
 *   - the partition: counter 4 is UNDEFINED at EL1, its enable bit is
 *     invisible, and EL2's counter 4 (INST_RETIRED at EL2 only) counts
 *     EL2's instructions only, whatever EL1 does with PMCR_EL0;
 *   - MDCR_EL2.TPMCR traps PMCR_EL0 alone, TPM every PMU register, to EL2
 *     with EC 0x18.
 *
 * Register encodings and rules: ARM DDI 0487, D11 and D13.4 (PMCR_EL0,
 * PMEVTYPER<n>_EL0, PMUSERENR_EL0), D13.2.78 (MDCR_EL2).
 *
 * Under QEMU 7.2 (-M virt,virtualization=on -cpu cortex-a57 -icount shift=0;
 * expected/pmu-qemu-icount.txt) the exact counts agree: INST_RETIRED 2002 over
 * the loop, 4000 more for 2000 more iterations, SW_INCR, EL0's counter 2n + 2
 * by the SVC, EL1's counter not counting EL0, PMUSERENR traps, TPM. QEMU differs
 * where it models less: no EXC_* events (PMCEID0, EXC_TAKEN), EL0's read of its
 * own counter gives 2n + 1 (QEMU counts the reading MRS), the overflow sets
 * PMOVSSET but the interrupt is raised only at the next PMU access (so not
 * inside the loop), counters at or above HPMN stay visible and EL2's counter 4
 * does not count, and MDCR_EL2.TPMCR is not implemented. Without -icount QEMU
 * counts no instructions at all. QEMU 7.2 implements none of the instruction
 * class events (LD_RETIRED, ST_RETIRED, BR_RETIRED, BR_IMMED_RETIRED,
 * BR_RETURN_RETIRED): their PMCEID bits are clear and their counters stay 0.
 * Its interrupt in the LD_RETIRED overflow check is the flag the INST_RETIRED
 * check left set, raised at the next PMU access.
 */
#include "guest.h"
#include "gic.h"

#define PMCR_E   (1ul << 0)
#define PMCR_P   (1ul << 1)
#define PMCR_C   (1ul << 2)
#define PMCR_LC  (1ul << 6)
#define EXCLUDE_EL1 (1ul << 31)   /* PMEVTYPER.P */
#define EXCLUDE_EL0 (1ul << 30)   /* PMEVTYPER.U */
#define INCLUDE_EL2 (1ul << 27)   /* PMEVTYPER.NSH */
#define EV_SW_INCR      0x00
#define EV_LD_RETIRED   0x06
#define EV_ST_RETIRED   0x07
#define EV_INST_RETIRED 0x08
#define EV_EXC_TAKEN    0x09
#define EV_EXC_RETURN   0x0a
#define EV_BR_IMMED_RETIRED  0x0d
#define EV_BR_RETURN_RETIRED 0x0e
#define EV_CPU_CYCLES   0x11
#define EV_BR_RETIRED   0x21
#define EV_EXC_SVC      0x82

#define MDCR_HPMN(n) ((uint64_t)(n))
#define MDCR_TPMCR  (1ul << 5)
#define MDCR_TPM    (1ul << 6)
#define MDCR_HPME   (1ul << 7)
#define HCR_RW      (1ul << 31)

/* HVC immediates EL1 uses to ask the EL2 half for things. */
#define HVC_SET_MDCR   1     /* x0: new MDCR_EL2 */
#define HVC_READ_C4    2     /* returns EL2's counter 4 in x0 */
#define HVC_DONE       0xffff

static uint8_t el1_stack[8192] __attribute__((aligned(16)));
static int checks, failures;
static unsigned pmu_intid;

/* What the EL2 half saw of the last trap; what EL1's own hook saw. */
static volatile struct { uint64_t esr; unsigned count; } el2_trap;
static volatile struct { uint64_t esr; unsigned count; uint64_t resume; } el1_trap;
static volatile struct { unsigned count, intid; uint64_t ovs, value, x1; } irq;
/* What the loops of the instruction-class checks load and store. */
static volatile uint64_t ldst_buf[2];

static void check(const char *name, int ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, what);
}

/* ---- EL2 half ---------------------------------------------------------- */

static int el2_sync(struct exc_frame *f)
{
	uint32_t ec = ESR_EC(f->esr), iss = ESR_ISS(f->esr);

	if (ec == EC_HVC64 && (iss & 0xffff) == HVC_SET_MDCR) {
		write_sysreg(MDCR_EL2, f->x[0]);
		isb();
		return 1;
	}
	if (ec == EC_HVC64 && (iss & 0xffff) == HVC_READ_C4) {
		f->x[0] = read_sysreg(PMEVCNTR4_EL0);
		return 1;
	}
	if (ec == EC_HVC64 && (iss & 0xffff) == HVC_DONE) {
		printf("pmu: %d checks, %d failed\n", checks, failures);
		guest_exit(failures ? 1 : 0);
	}
	if (ec == 0x18) {       /* a trapped MRS/MSR: reads get 0x5a, skip it */
		el2_trap.esr = f->esr;
		el2_trap.count++;
		if (iss & 1)
			f->x[(iss >> 5) & 31] = 0x5a;
		f->elr += 4;
		return 1;
	}
	return 0;
}

/* ---- EL1 (and EL0) half ------------------------------------------------ */

static int hook(struct exc_frame *f, int kind)
{
	if (current_el() == 2)
		return kind == (EXC_LOWER_A64 | EXC_SYNC) ? el2_sync(f) : 0;
	if ((kind & 3) == EXC_IRQ) {
		unsigned id = gic_ack();
		if (id == pmu_intid) {
			irq.count++;
			irq.intid = id;
			irq.ovs = read_sysreg(PMOVSCLR_EL0);
			irq.value = read_sysreg(PMEVCNTR0_EL0);
			irq.x1 = f->x[1];       /* the interrupted loop's counter */
			write_sysreg(PMOVSCLR_EL0, irq.ovs);   /* drops the level */
			write_sysreg(PMINTENCLR_EL1, 1ul);
			isb();
		}
		if (id != GIC_SPURIOUS)
			gic_eoi(id);
		return 1;
	}
	if ((kind & 3) != EXC_SYNC)
		return 0;
	uint32_t ec = ESR_EC(f->esr);
	el1_trap.esr = f->esr;
	el1_trap.count++;
	if (kind == (EXC_LOWER_A64 | EXC_SYNC)) {
		/* From EL0: SVC (done) or a trapped PMU access; either way back
		 * to EL1 at `resume`, in EL1h with interrupts masked. */
		f->elr = el1_trap.resume;
		f->spsr = 0x3c5;
		return 1;
	}
	if (ec == EC_UNKNOWN || ec == 0x18) {   /* UNDEFINED at EL1: skip it */
		f->elr += 4;
		return 1;
	}
	return 0;
}

static void hvc_set_mdcr(uint64_t v)
{
	register uint64_t x0 __asm__("x0") = v;
	__asm__ volatile("hvc #1" : "+r"(x0) : : "memory");
}

static uint64_t hvc_read_c4(void)
{
	register uint64_t x0 __asm__("x0") = 0;
	__asm__ volatile("hvc #2" : "+r"(x0) : : "memory");
	return x0;
}

/* INST_RETIRED over `n` iterations of subs + b.ne: the enabling MSR, the
 * MOV and 2n loop instructions retire between the enable and the read. */
static uint64_t count_loop(uint64_t n)
{
	uint64_t v;
	write_sysreg(PMCNTENCLR_EL0, 1ul);
	write_sysreg(PMEVCNTR0_EL0, 0);
	write_sysreg(PMEVTYPER0_EL0, EXCLUDE_EL0 | EV_INST_RETIRED);
	isb();
	__asm__ volatile("msr pmcntenset_el0, %1\n\t"
	                 "mov x1, %2\n"
	                 "1:\tsubs x1, x1, #1\n\t"
	                 "b.ne 1b\n\t"
	                 "mrs %0, pmevcntr0_el0"
	                 : "=r"(v) : "r"(1ul), "r"(n) : "x1", "cc");
	write_sysreg(PMCNTENCLR_EL0, 1ul);
	return v;
}

/* Counters 0-2 stopped, counting events[0-2] at EL1, from zero: the asm of
 * each caller enables them around what it measures. */
static void program_three(const uint64_t events[3])
{
	write_sysreg(PMCNTENCLR_EL0, 7ul);
	write_sysreg(PMEVTYPER0_EL0, EXCLUDE_EL0 | events[0]);
	write_sysreg(PMEVTYPER1_EL0, EXCLUDE_EL0 | events[1]);
	write_sysreg(PMEVTYPER2_EL0, EXCLUDE_EL0 | events[2]);
	write_sysreg(PMEVCNTR0_EL0, 0);
	write_sysreg(PMEVCNTR1_EL0, 0);
	write_sysreg(PMEVCNTR2_EL0, 0);
	isb();
}

/* Counters 0-2 count events[0-2] at EL1 over `n` iterations of
 * {ldr, str, subs, b.ne}, enabled and disabled inside the asm: between the
 * two MSRs only the loop runs. */
static void count_ldst(uint64_t n, const uint64_t events[3], uint64_t out[3])
{
	uint64_t a, b, c;
	program_three(events);
	__asm__ volatile("msr pmcntenset_el0, %[en]\n\t"
	                 "mov x1, %[n]\n"
	                 "1:\tldr x2, [%[buf]]\n\t"
	                 "str x2, [%[buf], #8]\n\t"
	                 "subs x1, x1, #1\n\t"
	                 "b.ne 1b\n\t"
	                 "msr pmcntenclr_el0, %[en]\n\t"
	                 "mrs %[a], pmevcntr0_el0\n\t"
	                 "mrs %[b], pmevcntr1_el0\n\t"
	                 "mrs %[c], pmevcntr2_el0"
	                 : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c)
	                 : [en] "r"(7ul), [n] "r"(n), [buf] "r"(ldst_buf)
	                 : "x1", "x2", "cc", "memory");
	out[0] = a;
	out[1] = b;
	out[2] = c;
}

/* The same counters over `n` calls of a leaf that returns at once:
 * n x {bl, ret, subs, b.ne}, then one B over the leaf. */
static void count_calls(uint64_t n, const uint64_t events[3], uint64_t out[3])
{
	uint64_t a, b, c;
	program_three(events);
	__asm__ volatile("msr pmcntenset_el0, %[en]\n\t"
	                 "mov x1, %[n]\n"
	                 "1:\tbl 2f\n\t"
	                 "subs x1, x1, #1\n\t"
	                 "b.ne 1b\n\t"
	                 "b 3f\n"
	                 "2:\tret\n"
	                 "3:\tmsr pmcntenclr_el0, %[en]\n\t"
	                 "mrs %[a], pmevcntr0_el0\n\t"
	                 "mrs %[b], pmevcntr1_el0\n\t"
	                 "mrs %[c], pmevcntr2_el0"
	                 : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c)
	                 : [en] "r"(7ul), [n] "r"(n)
	                 : "x1", "x30", "cc", "memory");
	out[0] = a;
	out[1] = b;
	out[2] = c;
}

/* The start of an EL0 visit: the EL1 hook resumes at label 2 (saved in
 * el1_trap.resume, operand %[resume]); the ERET that follows enters label 1
 * at EL0t with DAIF masked. x9 is clobbered. */
#define ENTER_EL0_AT_1F \
	"adr x9, 2f\n\t" \
	"str x9, %[resume]\n\t" \
	"adr x9, 1f\n\t" \
	"msr elr_el1, x9\n\t" \
	"mov x9, #0x3c0\n\t" \
	"msr spsr_el1, x9\n\t"

/* Run at EL0: x1 iterations of {ldr, subs, b.ne}, then SVC back to EL1,
 * which resumes at the label after the ERET. */
static void visit_el0_loads(uint64_t n)
{
	__asm__ volatile(ENTER_EL0_AT_1F
	                 "mov x1, %[n]\n\t"
	                 "mov x4, %[buf]\n\t"
	                 "eret\n"
	                 "1:\tldr x3, [x4]\n\t"
	                 "subs x1, x1, #1\n\t"
	                 "b.ne 1b\n\t"
	                 "svc #0\n"
	                 "2:"
	                 : [resume] "=m"(el1_trap.resume)
	                 : [n] "r"(n), [buf] "r"(ldst_buf)
	                 : "x1", "x3", "x4", "x9", "cc", "memory");
}

/* Run at EL0: x1 iterations of subs + b.ne, then read PMEVCNTR2_EL0 into
 * x2 (if PMUSERENR_EL0 allows it), then SVC back. The EL1 hook resumes at
 * the label after the ERET. */
static uint64_t visit_el0(uint64_t n)
{
	uint64_t x2;
	__asm__ volatile(ENTER_EL0_AT_1F
	                 "mov x1, %[n]\n\t"
	                 "mov x2, #0\n\t"
	                 "eret\n"
	                 "1:\tsubs x1, x1, #1\n\t"
	                 "b.ne 1b\n\t"
	                 "mrs x2, pmevcntr2_el0\n\t"
	                 "svc #0\n"
	                 "2:\tmov %[x2], x2"
	                 : [x2] "=r"(x2), [resume] "=m"(el1_trap.resume)
	                 : [n] "r"(n)
	                 : "x1", "x2", "x9", "cc", "memory");
	return x2;
}

static void el1_main(void)
{
	uint64_t v, before, n;

	printf("pmu: at EL%u, MDCR_EL2.HPMN = 4\n", current_el());
	v = read_sysreg(PMCR_EL0);
	printf("pmu: PMCR_EL0 = 0x%lx (IMP 0x%lx, N %lu)\n", v, v >> 24, (v >> 11) & 0x1f);
	check("N", ((v >> 11) & 0x1f) == 4, "PMCR_EL0.N at EL1 is MDCR_EL2.HPMN");
	v = read_sysreg(PMCEID0_EL0);
	check("PMCEID0", (v & 0x20701) == 0x20701,
	      "SW_INCR, INST_RETIRED, EXC_TAKEN, EXC_RETURN, CPU_CYCLES are there");
	check("PMCEID0", (v & 0x60c0) == 0x60c0,
	      "LD_RETIRED, ST_RETIRED, BR_IMMED_RETIRED, BR_RETURN_RETIRED are there");
	v = read_sysreg(PMCEID1_EL0);
	check("PMCEID1", (v & 2) == 2, "BR_RETIRED (0x21) is there");

	/* Exact counting. */
	write_sysreg(PMCR_EL0, PMCR_E | PMCR_P | PMCR_C | PMCR_LC);
	isb();
	v = count_loop(1000);
	printf("pmu: INST_RETIRED over 1000 x {subs, b.ne}: %lu\n", v);
	check("INST_RETIRED", v == 2002, "2n + 2: the loop, its MOV and the enabling MSR");
	n = count_loop(3000) - v;
	check("INST_RETIRED", n == 4000, "2000 more iterations count 4000 more");

	/* Instruction classes, exactly. */
	{
		static const uint64_t ldst[3] = { EV_LD_RETIRED, EV_ST_RETIRED, EV_BR_RETIRED };
		static const uint64_t calls[3] = { EV_BR_IMMED_RETIRED, EV_BR_RETURN_RETIRED, EV_BR_RETIRED };
		uint64_t c[3];

		count_ldst(1000, ldst, c);
		printf("pmu: LD/ST/BR_RETIRED over 1000 x {ldr, str, subs, b.ne}: %lu %lu %lu\n", c[0], c[1], c[2]);
		check("LD_RETIRED", c[0] == 1000, "one per LDR, nothing else between the MSRs loads");
		check("ST_RETIRED", c[1] == 1000, "one per STR");
		check("BR_RETIRED", c[2] == 1000, "one per B.NE, the last (not taken) included");
		count_calls(100, calls, c);
		printf("pmu: BR_IMMED/BR_RETURN/BR_RETIRED over 100 x {bl, ret, subs, b.ne} and a b: %lu %lu %lu\n",
		       c[0], c[1], c[2]);
		check("BR_IMMED_RETIRED", c[0] == 201, "BL and B.NE per iteration, and the B (2n + 1)");
		check("BR_RETURN_RETIRED", c[1] == 100, "one RET per iteration");
		check("BR_RETIRED", c[2] == 301, "BL, RET, B.NE per iteration, and the B (3n + 1)");
	}

	/* Software increment. */
	write_sysreg(PMEVTYPER3_EL0, EV_SW_INCR);
	write_sysreg(PMEVCNTR3_EL0, 0);
	write_sysreg(PMCNTENSET_EL0, 1ul << 3);
	write_sysreg(PMSWINC_EL0, 1ul << 3);
	write_sysreg(PMSWINC_EL0, 1ul << 3 | 1ul << 2);
	v = read_sysreg(PMEVCNTR3_EL0);
	check("SW_INCR", v == 2, "two writes of PMSWINC_EL0 count 2");
	write_sysreg(PMCNTENCLR_EL0, 1ul << 3);

	/* Filtering by EL across a visit to EL0. */
	write_sysreg(PMEVTYPER1_EL0, EXCLUDE_EL0 | EV_INST_RETIRED);    /* EL1 */
	write_sysreg(PMEVTYPER2_EL0, EXCLUDE_EL1 | EV_INST_RETIRED);    /* EL0 */
	write_sysreg(PMEVTYPER3_EL0, EXCLUDE_EL1 | EV_EXC_TAKEN);       /* from EL0 */
	write_sysreg(PMEVCNTR1_EL0, 0);
	write_sysreg(PMEVCNTR2_EL0, 0);
	write_sysreg(PMEVCNTR3_EL0, 0);
	write_sysreg(PMUSERENR_EL0, 1ul << 3);      /* ER: EL0 may read counters */
	write_sysreg(PMCNTENSET_EL0, 0xeul);
	isb();
	before = read_sysreg(PMEVCNTR1_EL0);
	v = visit_el0(500);
	write_sysreg(PMCNTENCLR_EL0, 0xeul);
	printf("pmu: EL0 ran 500 x {subs, b.ne}; it read %lu from PMEVCNTR2_EL0\n", v);
	check("U/P", v == 1000, "EL0's counter at EL0 had counted its loop only (2n)");
	v = read_sysreg(PMEVCNTR2_EL0);
	check("U/P", v == 1002, "EL0's counter: the loop, the MRS and the SVC (2n + 2)");
	v = read_sysreg(PMEVCNTR1_EL0) - before;
	check("U/P", v > 0 && v < 1000, "EL1's counter did not count EL0's loop");
	v = read_sysreg(PMEVCNTR3_EL0);
	check("EXC_TAKEN", v == 1, "one exception taken from EL0 (the SVC)");

	/* Classes filtered by EL: LD and BR at EL0 only, LD at EL1 only. */
	write_sysreg(PMEVTYPER0_EL0, EXCLUDE_EL1 | EV_LD_RETIRED);
	write_sysreg(PMEVTYPER1_EL0, EXCLUDE_EL1 | EV_BR_RETIRED);
	write_sysreg(PMEVTYPER2_EL0, EXCLUDE_EL0 | EV_LD_RETIRED);
	write_sysreg(PMEVCNTR0_EL0, 0);
	write_sysreg(PMEVCNTR1_EL0, 0);
	write_sysreg(PMEVCNTR2_EL0, 0);
	write_sysreg(PMCNTENSET_EL0, 7ul);
	isb();
	visit_el0_loads(500);
	write_sysreg(PMCNTENCLR_EL0, 7ul);
	v = read_sysreg(PMEVCNTR0_EL0);
	n = read_sysreg(PMEVCNTR1_EL0);
	printf("pmu: EL0 ran 500 x {ldr, subs, b.ne}: LD_RETIRED %lu, BR_RETIRED %lu at EL0\n", v, n);
	check("U/P", v == 500 && n == 500, "LD and BR counted at EL0 only: EL0's loop, exactly");
	v = read_sysreg(PMEVCNTR2_EL0);
	check("U/P", v > 0 && v < 500, "EL1's LD counter saw EL1's loads (the SVC handler), not EL0's");

	/* EL0 without access: PMUSERENR_EL0 = 0 traps PMCCNTR_EL0 to EL1. */
	write_sysreg(PMUSERENR_EL0, 0);
	isb();
	before = el1_trap.count;
	visit_el0(1);
	check("PMUSERENR", el1_trap.count == before + 1 && ESR_EC(el1_trap.esr) == 0x18,
	      "EL0's MRS of PMEVCNTR2_EL0 traps to EL1 with EC 0x18");

	/* Overflow: counter 0 starts 100 instructions short of 2^32. */
	gic_cpu_init(0);
	gic_enable(0, pmu_intid);
	write_sysreg(PMEVTYPER0_EL0, EXCLUDE_EL0 | EV_INST_RETIRED);
	write_sysreg(PMEVCNTR0_EL0, 0xffffffffu - 99);
	write_sysreg(PMINTENSET_EL1, 1ul);
	write_sysreg(PMCNTENSET_EL0, 1ul);
	isb();
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (n = 0; n < 1000 && irq.count == 0; n++)
		__asm__ volatile("nop");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	write_sysreg(PMCNTENCLR_EL0, 1ul);
	printf("pmu: overflow interrupt on INTID %u, PMOVSCLR_EL0 0x%lx\n", irq.intid, irq.ovs);
	check("overflow", irq.count == 1 && irq.intid == pmu_intid && (irq.ovs & 1),
	      "counter 0 wrapped, set PMOVSSET bit 0 and raised the PMU interrupt");
	check("overflow", irq.value < 200, "the interrupt came right after the wrap");
	if (irq.count != 1)
		printf("     %u interrupts; PMOVSSET_EL0 0x%lx, PMEVCNTR0_EL0 0x%lx\n", irq.count,
		       read_sysreg(PMOVSSET_EL0), read_sysreg(PMEVCNTR0_EL0));
	check("overflow", read_sysreg(PMOVSSET_EL0) == 0, "PMOVSCLR_EL0 cleared the flag");

	/* Overflow on LD_RETIRED: 100 loads short of 2^32, a loop of 200
	 * {ldr, add, cmp, b.ne} counting in x1. The interrupt comes right after
	 * the 100th load, before its ADD: the handler sees x1 = 99. */
	irq.count = 0;
	irq.x1 = 0;
	write_sysreg(PMEVTYPER0_EL0, EXCLUDE_EL0 | EV_LD_RETIRED);
	write_sysreg(PMEVCNTR0_EL0, 0xffffffffu - 99);
	write_sysreg(PMINTENSET_EL1, 1ul);
	isb();
	__asm__ volatile("msr daifclr, #2\n\t"
	                 "msr pmcntenset_el0, %[en]\n\t"
	                 "mov x1, #0\n"
	                 "1:\tldr x2, [%[buf]]\n\t"
	                 "add x1, x1, #1\n\t"
	                 "cmp x1, #200\n\t"
	                 "b.ne 1b\n\t"
	                 "msr daifset, #2"
	                 : : [en] "r"(1ul), [buf] "r"(ldst_buf) : "x1", "x2", "cc", "memory");
	write_sysreg(PMCNTENCLR_EL0, 1ul);
	printf("pmu: LD_RETIRED overflow interrupt on INTID %u after %lu loads of the loop\n", irq.intid, irq.x1 + 1);
	check("overflow", irq.count == 1 && irq.intid == pmu_intid && (irq.ovs & 1),
	      "LD_RETIRED wrapped counter 0 and raised the PMU interrupt");
	check("overflow", irq.x1 == 99, "taken right after the load that wrapped it");
	check("overflow", read_sysreg(PMOVSSET_EL0) == 0, "PMOVSCLR_EL0 cleared the flag");

	/* The partition: counter 4 is EL2's. */
	before = el1_trap.count;
	v = read_sysreg(PMEVCNTR4_EL0);
	check("HPMN", el1_trap.count == before + 1 && ESR_EC(el1_trap.esr) == 0,
	      "PMEVCNTR4_EL0 is UNDEFINED at EL1");
	write_sysreg(PMCNTENSET_EL0, 1ul << 4);
	check("HPMN", (read_sysreg(PMCNTENSET_EL0) & 0x30) == 0, "EL1 cannot see or set counter 4's enable");
	before = hvc_read_c4();
	write_sysreg(PMCR_EL0, PMCR_P);     /* E clear, event counters reset */
	isb();
	for (n = 0; n < 5000; n++)
		__asm__ volatile("nop");
	v = hvc_read_c4();
	printf("pmu: EL2's counter 4 went from %lu to %lu over an HVC\n", before, v);
	check("HPMN", v > before && v - before < 1000,
	      "EL2's counter counts EL2 only, and PMCR_EL0.P at EL1 does not reset it");

	/* Traps to EL2. */
	hvc_set_mdcr(MDCR_HPMN(4) | MDCR_HPME | MDCR_TPMCR);
	before = el2_trap.count;
	v = read_sysreg(PMCR_EL0);
	check("TPMCR", el2_trap.count == before + 1 && (el2_trap.esr & ~0x3e0ul) == 0x6230e419 && v == 0x5a,
	      "MRS of PMCR_EL0 traps to EL2 (EC 0x18, Op0 3, Op1 3, CRn 9, CRm 12, read)");
	if (el2_trap.count != before + 1)
		printf("     %u traps, last ESR 0x%lx\n", el2_trap.count - (unsigned)before, el2_trap.esr);
	v = read_sysreg(PMCNTENSET_EL0);
	check("TPMCR", el2_trap.count == before + 1, "PMCNTENSET_EL0 does not trap with TPMCR");
	hvc_set_mdcr(MDCR_HPMN(4) | MDCR_HPME | MDCR_TPM);
	before = el2_trap.count;
	v = read_sysreg(PMCNTENSET_EL0);
	write_sysreg(PMSELR_EL0, 0);
	check("TPM", el2_trap.count == before + 2, "with TPM every PMU register traps to EL2");
	hvc_set_mdcr(MDCR_HPMN(6));

	__asm__ volatile("hvc #0xffff");
	for (;;)
		;
}

/* The PMU's PPI from the DT: /pmu interrupts = <1 ppi flags>. */
static unsigned pmu_ppi(const void *dtb)
{
	int len = 0, node = fdt_path_offset(dtb, "/pmu");
	const uint8_t *p = node >= 0 ? fdt_getprop(dtb, node, "interrupts", &len) : 0;
	if (!p || len < 12)
		return 0;
	return 16 + fdt_be32(p + 4);
}

int main(const void *dtb)
{
	uint64_t v;

	if (current_el() != 2) {
		printf("pmu: needs to start at EL2\n");
		return 1;
	}
	exception_hook = hook;
	v = read_sysreg(ID_AA64DFR0_EL1);
	pmu_intid = pmu_ppi(dtb);
	printf("pmu: ID_AA64DFR0_EL1.PMUVer = %lu, PMU interrupt INTID %u\n", (v >> 8) & 0xf, pmu_intid);
	if (!gic_init(dtb) || !pmu_intid) {
		printf("pmu: no GIC or no /pmu node in the device tree\n");
		return 1;
	}
	v = read_sysreg(PMCR_EL0);
	printf("pmu: PMCR_EL0.N at EL2 = %lu\n", (v >> 11) & 0x1f);

	/* EL2's counter 4: INST_RETIRED at EL2 only, enabled by HPME. */
	write_sysreg(PMEVTYPER4_EL0, EXCLUDE_EL1 | EXCLUDE_EL0 | INCLUDE_EL2 | EV_INST_RETIRED);
	write_sysreg(PMEVCNTR4_EL0, 0);
	write_sysreg(PMCNTENSET_EL0, 1ul << 4);
	write_sysreg(MDCR_EL2, MDCR_HPMN(4) | MDCR_HPME);
	write_sysreg(HCR_EL2, HCR_RW);

	/* EL1's own state, then ERET to el1_main at EL1h, DAIF masked. */
	enter_el1(el1_main, el1_stack + sizeof(el1_stack), vectors_el1);
}
