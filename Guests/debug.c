/*
 * debug.c - self-hosted debug: hardware breakpoints, watchpoints and
 * software step (ARM DDI 0487, chapter D2), taken at EL2 and at EL1.
 *
 * Starts at EL2 and runs three parts, each check printing PASS or FAIL:
 *
 *  1. At EL2 with MDCR_EL2.TDE set (debug exceptions go to EL2, ELd = EL2):
 *     a breakpoint, a store watchpoint and a step of EL2's own code, which
 *     need MDSCR_EL1.KDE and PSTATE.D clear (D2.1); the OS lock, KDE and D
 *     each keep the breakpoint from firing.
 *  1b. An AArch32 EL1 (HCR_EL2.RW 0) under TDE: an A32 breakpoint goes to
 *     EL2 as EC 0x30; and EL0 under HCR_EL2.TGE (TDE clear): so does an
 *     EL0 breakpoint.
 *  2. At EL1, still with TDE: the same events are routed to EL2 with the
 *     lower-EL classes (0x30, 0x32, 0x34). TDE also traps EL1's debug
 *     register accesses (TDA), so EL1 asks EL2 to arm each point by HVC.
 *  3. At EL1 with TDE clear (ELd = EL1): breakpoint, store and load
 *     watchpoints with byte lanes (BAS), a step, a step over SVC (the
 *     step completes with the SVC: the exception follows its return, ISV 0),
 *     a linked context-ID breakpoint, VMID breakpoints (linked and not), a
 *     MASK watchpoint range, and the OS lock and PSTATE.D.
 *
 * The handler records ESR, ELR and FAR of each debug exception, disarms every
 * breakpoint, watchpoint and step (so the instruction can run when it
 * returns to it) and returns.
 */
#include "guest.h"

#define HCR_RW     (1ul << 31)
#define HCR_TGE    (1ul << 27)
#define MDCR_TDE   (1ul << 8)
#define MDSCR_SS   (1ul << 0)
#define MDSCR_KDE  (1ul << 13)
#define MDSCR_MDE  (1ul << 15)
#define SPSR_SS    (1ul << 21)

/* DBGBCR<n>_EL1: E [0], PMC [2:1], BAS [8:5], HMC [13], SSC [15:14],
 * LBN [19:16], BT [23:20]. */
#define BCR_E        1ul
#define BCR_AT_EL1   (1ul << 1)                  /* PMC 0b01 */
#define BCR_AT_EL2   (1ul << 13 | 1ul << 14)     /* HMC 1, SSC 0b01, PMC 0b00 */
#define BCR_BAS      (0xful << 5)
#define BCR_LBN(n)   ((uint64_t)(n) << 16)
#define BCR_BT(t)    ((uint64_t)(t) << 20)
/* DBGWCR<n>_EL1: E [0], PAC [2:1], LSC [4:3], BAS [12:5], HMC, SSC, LBN, WT. */
#define WCR_LOAD     (1ul << 3)
#define WCR_STORE    (2ul << 3)
#define WCR_BAS(b)   ((uint64_t)(b) << 5)
#define WCR_MASK(m)  ((uint64_t)(m) << 24)

/* ESR_ELx: EC [31:26], IL [25], ISS; debug ISS: ISV [24], CM [8], WnR [6],
 * xFSC [5:0] = 0b100010 (debug exception). */
#define ESR(ec, iss) ((uint64_t)(ec) << 26 | 1ul << 25 | (iss))
#define DEBUG_FSC    0x22ul
#define ISS_WNR      (1ul << 6)
#define ISS_ISV      (1ul << 24)

/* HVCs EL1 sends to EL2. */
#define HVC_ARM_BP   1   /* x0 = address, x1 = DBGBCR0 */
#define HVC_ARM_WP   2   /* x0 = address, x1 = DBGWCR0 */
#define HVC_STEP     3   /* step the instruction after the HVC */
#define HVC_TDE_OFF  4
#define HVC_DONE     0xffff

static uint8_t el1_stack[8192] __attribute__((aligned(16)));

/* A32 code for an AArch32 EL1: NOP; NOP; HVC #0 (the HVC brings EL2 back). */
extern const uint32_t a32_code[];
__asm__(".pushsection .text\n\t.balign 4\n"
        "a32_code:\n\t.word 0xe320f000\n\t.word 0xe320f000\n\t.word 0xe1400070\n"
        ".popsection");
/* Where the HVC32 handler resumes EL2 (see aarch32_part). */
static uint64_t resume_el2;
static volatile uint64_t wvar __attribute__((aligned(8)));
static volatile uint8_t wbuf[128] __attribute__((aligned(64)));
static volatile struct {
	uint64_t esr, elr, far;
	unsigned el, count, svcs;
} hit;
static int checks, failures;

static void disarm(void)
{
	write_sysreg(DBGBCR0_EL1, 0);
	write_sysreg(DBGBCR4_EL1, 0);
	write_sysreg(DBGBCR5_EL1, 0);
	write_sysreg(DBGWCR0_EL1, 0);
	write_sysreg(MDSCR_EL1, read_sysreg(MDSCR_EL1) & ~MDSCR_SS);
	isb();
}

static void finish(void)
{
	printf("debug: %d checks, %d failed\n", checks, failures);
	guest_exit(failures ? 1 : 0);
}

static int hook(struct exc_frame *f, int kind)
{
	uint32_t ec = ESR_EC(f->esr);

	if ((kind & 3) != EXC_SYNC)
		return 0;
	if (ec >= 0x30 && ec <= 0x35) {
		hit.esr = f->esr;
		hit.elr = f->elr;
		hit.far = ec >= 0x34 ? f->far : 0;
		hit.el = current_el();
		hit.count++;
		disarm();
		return 1;
	}
	if ((ec == 0x12 || ec == EC_SVC64) && resume_el2 && current_el() == 2) {
		/* HVC32 from the A32 code, SVC from the EL0 code: back to EL2
		 * right after its ERET, on the same stack (the frame is popped
		 * on the way). */
		f->elr = resume_el2;
		f->spsr = 0x3c9;
		resume_el2 = 0;
		return 1;
	}
	if (ec == EC_SVC64) {
		hit.svcs++;
		return 1;
	}
	if (ec != EC_HVC64 || current_el() != 2)
		return 0;
	switch (ESR_ISS(f->esr) & 0xffff) {
	case HVC_ARM_BP:
		write_sysreg(DBGBVR0_EL1, f->x[0]);
		write_sysreg(DBGBCR0_EL1, f->x[1]);
		break;
	case HVC_ARM_WP:
		write_sysreg(DBGWVR0_EL1, f->x[0]);
		write_sysreg(DBGWCR0_EL1, f->x[1]);
		break;
	case HVC_STEP:
		write_sysreg(MDSCR_EL1, read_sysreg(MDSCR_EL1) | MDSCR_SS);
		f->spsr |= SPSR_SS;
		break;
	case HVC_TDE_OFF:
		write_sysreg(MDCR_EL2, 0);
		break;
	case HVC_DONE:
		finish();
		break;
	default:
		return 0;
	}
	isb();
	return 1;
}

static void check(const char *name, int ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, what);
	if (!ok)
		printf("     got ESR 0x%lx ELR 0x%lx FAR 0x%lx at EL%u (%u hits)\n",
		       hit.esr, hit.elr, hit.far, hit.el, hit.count);
}

/* One hit since `before`, with this syndrome, return address and FAR. */
static int one_hit(unsigned before, uint64_t esr, uint64_t elr, uint64_t far, unsigned el)
{
	return hit.count == before + 1 && hit.esr == esr && hit.elr == elr &&
	       hit.far == far && hit.el == el;
}

__attribute__((noinline)) static void bp_target(void)
{
	__asm__ volatile("" ::: "memory");
}

static void hvc2(uint64_t imm_sel, uint64_t a, uint64_t b)
{
	register uint64_t x0 __asm__("x0") = a;
	register uint64_t x1 __asm__("x1") = b;
	if (imm_sel == HVC_ARM_BP)
		__asm__ volatile("hvc #1" : "+r"(x0), "+r"(x1) : : "memory");
	else if (imm_sel == HVC_ARM_WP)
		__asm__ volatile("hvc #2" : "+r"(x0), "+r"(x1) : : "memory");
	else if (imm_sel == HVC_TDE_OFF)
		__asm__ volatile("hvc #4" : "+r"(x0), "+r"(x1) : : "memory");
	else
		__asm__ volatile("hvc #0xffff" : "+r"(x0), "+r"(x1) : : "memory");
}

/* ERET to the next instruction at the same EL with SPSR.SS = 1 and D clear:
 * one instruction (the first nop) runs, then the step exception, whose ELR
 * is returned in *site (the second nop). */
#define STEP_SELF(el, site) __asm__ volatile(                                  \
	"adr x9, 1f\n\tmsr elr_" el ", x9\n\t"                                  \
	"mov x9, #(0x1c0 | " #site ")\n\t"                                      \
	"movk x9, #0x20, lsl #16\n\tmsr spsr_" el ", x9\n\t"                     \
	"adr %0, 2f\n\teret\n1:\tnop\n2:\tnop" : "=&r"(step_site) : : "x9", "memory")

static uint64_t step_site;

static void el2_part(void)
{
	unsigned before;

	printf("debug: EL2, MDCR_EL2.TDE set\n");
	write_sysreg(MDCR_EL2, MDCR_TDE);
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE);
	__asm__ volatile("msr daifclr, #8" ::: "memory");

	before = hit.count;
	write_sysreg(DBGBVR0_EL1, (uint64_t)bp_target);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL2 | BCR_BAS);
	isb();
	bp_target();
	check("bp-el2", one_hit(before, ESR(0x31, DEBUG_FSC), (uint64_t)bp_target, 0, 2),
	      "a breakpoint at EL2 (HMC, SSC 01) is EC 0x31, ELR at the instruction");

	before = hit.count;
	write_sysreg(DBGWVR0_EL1, (uint64_t)&wvar);
	write_sysreg(DBGWCR0_EL1, BCR_E | BCR_AT_EL2 | WCR_STORE | WCR_BAS(0xf0));
	isb();
	((volatile uint8_t *)&wvar)[2] = 1;
	check("wp-el2", hit.count == before, "a store to a byte outside BAS 0xf0 is not watched");
	((volatile uint8_t *)&wvar)[5] = 1;
	check("wp-el2", hit.count == before + 1 && hit.esr == ESR(0x35, ISS_WNR | DEBUG_FSC) &&
	      hit.far == (uint64_t)&wvar + 5 && hit.el == 2,
	      "a store to byte 5 is EC 0x35, WnR, FAR the address");

	/* MDSCR_EL1.SS with PSTATE.SS 0 is active-pending: set it with D masked. */
	before = hit.count;
	__asm__ volatile("msr daifset, #8" ::: "memory");
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE | MDSCR_SS);
	STEP_SELF("el2", 9);
	check("step-el2", one_hit(before, ESR(0x33, ISS_ISV | DEBUG_FSC), step_site, 0, 2),
	      "a step at EL2 is EC 0x33, ISV, ELR at the next instruction");

	/* What keeps a breakpoint from firing at ELd. */
	write_sysreg(OSLAR_EL1, 1);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL2 | BCR_BAS);
	isb();
	before = hit.count;
	bp_target();
	check("oslock-el2", hit.count == before && (read_sysreg(OSLSR_EL1) & 2),
	      "with the OS lock set (OSLSR_EL1.OSLK) no breakpoint fires");
	write_sysreg(OSLAR_EL1, 0);
	write_sysreg(MDSCR_EL1, MDSCR_MDE);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL2 | BCR_BAS);
	isb();
	before = hit.count;
	bp_target();
	check("kde-el2", hit.count == before, "at ELd, MDSCR_EL1.KDE clear: none either");
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL2 | BCR_BAS);
	__asm__ volatile("msr daifset, #8" ::: "memory");
	isb();
	before = hit.count;
	bp_target();
	check("d-el2", hit.count == before, "at ELd, PSTATE.D set: none either");
	__asm__ volatile("msr daifclr, #8" ::: "memory");
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL2 | BCR_BAS);
	isb();
	before = hit.count;
	bp_target();
	check("d-el2", hit.count == before + 1, "unlocked, KDE set, D clear: it fires");
}

static void el1_part(void)
{
	unsigned before;
	uint64_t v;

	printf("debug: EL1, debug exceptions routed to EL2 (MDCR_EL2.TDE)\n");
	before = hit.count;
	hvc2(HVC_ARM_BP, (uint64_t)bp_target, BCR_E | BCR_AT_EL1 | BCR_BAS);
	bp_target();
	check("bp-tde", one_hit(before, ESR(0x30, DEBUG_FSC), (uint64_t)bp_target, 0, 2),
	      "an EL1 breakpoint is taken to EL2 as EC 0x30 (lower EL)");

	before = hit.count;
	hvc2(HVC_ARM_WP, (uint64_t)&wvar, BCR_E | BCR_AT_EL1 | WCR_LOAD | WCR_BAS(0xff));
	v = wvar;
	(void)v;
	check("wp-tde", hit.count == before + 1 && hit.esr == ESR(0x34, DEBUG_FSC) &&
	      hit.far == (uint64_t)&wvar && hit.el == 2,
	      "an EL1 load watchpoint is taken to EL2 as EC 0x34, FAR the address");

	before = hit.count;
	__asm__ volatile("hvc #3\n\tnop\n\tadr %0, 1f\n1:\tnop" : "=&r"(step_site) : : "memory");
	check("step-tde", hit.count == before + 1 && hit.esr == ESR(0x32, ISS_ISV | DEBUG_FSC) &&
	      hit.elr == step_site - 4 && hit.el == 2,
	      "stepping EL1 from EL2 (SPSR_EL2.SS): EC 0x32 after one instruction");

	hvc2(HVC_TDE_OFF, 0, 0);
	printf("debug: EL1, debug exceptions at EL1\n");
	write_sysreg(OSLAR_EL1, 0);
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE);
	__asm__ volatile("msr daifclr, #8" ::: "memory");

	before = hit.count;
	write_sysreg(DBGBVR0_EL1, (uint64_t)bp_target);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS);
	isb();
	bp_target();
	check("bp-el1", one_hit(before, ESR(0x31, DEBUG_FSC), (uint64_t)bp_target, 0, 1),
	      "a breakpoint at EL1 is EC 0x31 to EL1");

	before = hit.count;
	write_sysreg(DBGWVR0_EL1, (uint64_t)&wvar);
	write_sysreg(DBGWCR0_EL1, BCR_E | BCR_AT_EL1 | WCR_STORE | WCR_BAS(0x0c));
	isb();
	((volatile uint8_t *)&wvar)[1] = 1;
	v = ((volatile uint16_t *)&wvar)[1];
	check("wp-el1", hit.count == before, "a store to byte 1 and a load of bytes 2-3: not watched (BAS 0x0c, stores)");
	((volatile uint16_t *)&wvar)[1] = 7;
	check("wp-el1", hit.count == before + 1 && hit.esr == ESR(0x35, ISS_WNR | DEBUG_FSC) &&
	      hit.far == (uint64_t)&wvar + 2 && hit.el == 1,
	      "a halfword store to bytes 2-3 is EC 0x35, WnR, FAR the address");
	check("wp-el1", ((volatile uint16_t *)&wvar)[1] == 7, "the store is made once the handler returns");

	before = hit.count;
	write_sysreg(DBGWCR0_EL1, BCR_E | BCR_AT_EL1 | WCR_LOAD | WCR_BAS(0xff));
	isb();
	v = wvar;
	check("wp-el1", hit.count == before + 1 && hit.esr == ESR(0x35, DEBUG_FSC) &&
	      hit.far == (uint64_t)&wvar, "a load is EC 0x35 without WnR");

	before = hit.count;
	__asm__ volatile("msr daifset, #8" ::: "memory");
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE | MDSCR_SS);
	STEP_SELF("el1", 5);
	check("step-el1", one_hit(before, ESR(0x33, ISS_ISV | DEBUG_FSC), step_site, 0, 1),
	      "a step at EL1 is EC 0x33, ISV, ELR at the next instruction");

	before = hit.count;
	__asm__ volatile("msr daifset, #8" ::: "memory");
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE | MDSCR_SS);
	__asm__ volatile("adr x9, 1f\n\tmsr elr_el1, x9\n\tmov x9, #0x1c5\n\t"
	                 "movk x9, #0x20, lsl #16\n\tmsr spsr_el1, x9\n\t"
	                 "adr %0, 2f\n\teret\n1:\tldxr x10, [%1]\n2:\tnop"
	                 : "=&r"(step_site) : "r"(&wvar) : "x9", "x10", "memory");
	check("step-ldxr", one_hit(before, ESR(0x33, ISS_ISV | 1ul << 6 | DEBUG_FSC), step_site, 0, 1),
	      "stepping a Load-Exclusive sets EX in the step syndrome");

	before = hit.count;
	unsigned svcs = hit.svcs;
	__asm__ volatile("msr daifset, #8" ::: "memory");
	write_sysreg(MDSCR_EL1, MDSCR_KDE | MDSCR_MDE | MDSCR_SS);
	__asm__ volatile("adr x9, 1f\n\tmsr elr_el1, x9\n\tmov x9, #0x1c5\n\t"
	                 "movk x9, #0x20, lsl #16\n\tmsr spsr_el1, x9\n\t"
	                 "adr %0, 2f\n\teret\n1:\tsvc #0\n2:\tnop" : "=&r"(step_site) : : "x9", "memory");
	check("step-svc", hit.svcs == svcs + 1 &&
	      one_hit(before, ESR(0x33, DEBUG_FSC), step_site, 0, 1),
	      "stepping SVC: the step exception follows its return (SPSR.SS 0), ISV 0");

	/* A linked context breakpoint: BRP4 (context-aware) matches
	 * CONTEXTIDR_EL1 = 0x55; BRP0 (linked address) needs it. */
	write_sysreg(DBGBVR4_EL1, 0x55);
	write_sysreg(CONTEXTIDR_EL1, 0x66);
	before = hit.count;
	write_sysreg(DBGBCR4_EL1, BCR_E | BCR_AT_EL1 | BCR_BT(3));
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS | BCR_BT(1) | BCR_LBN(4));
	isb();
	bp_target();
	check("ctx-el1", hit.count == before, "a linked breakpoint with another context ID does not fire");
	write_sysreg(CONTEXTIDR_EL1, 0x55);
	isb();
	bp_target();
	check("ctx-el1", one_hit(before, ESR(0x31, DEBUG_FSC), (uint64_t)bp_target, 0, 1),
	      "with CONTEXTIDR_EL1 = DBGBVR4 it does");

	/* A VMID breakpoint on BRP5: EL2 set VTTBR_EL2.VMID = 7 (stage 2 off).
	 * Linked to BRP0, it needs the VMID; unlinked, it fires at once. */
	write_sysreg(DBGBVR5_EL1, 8ul << 32);
	write_sysreg(DBGBCR5_EL1, BCR_E | BCR_AT_EL1 | BCR_BT(9));
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS | BCR_BT(1) | BCR_LBN(5));
	isb();
	before = hit.count;
	bp_target();
	check("vmid-el1", hit.count == before, "a breakpoint linked to VMID 8 does not fire under VMID 7");
	write_sysreg(DBGBVR5_EL1, 7ul << 32);
	isb();
	bp_target();
	check("vmid-el1", one_hit(before, ESR(0x31, DEBUG_FSC), (uint64_t)bp_target, 0, 1),
	      "linked to VMID 7 it fires");
	before = hit.count;
	__asm__ volatile("adr %0, 1f\n\tmsr dbgbcr5_el1, %1\n1:\tisb\n\tnop"
	                 : "=&r"(step_site) : "r"(BCR_E | BCR_AT_EL1 | BCR_BT(8)) : "memory");
	/* The MSR may take effect at once or only after the ISB (debug register
	 * writes need a context synchronization event to be seen). */
	check("vmid-el1", hit.count == before + 1 && hit.esr == ESR(0x31, DEBUG_FSC) &&
	      (hit.elr == step_site || hit.elr == step_site + 4),
	      "an unlinked VMID breakpoint fires at once (ELR at the ISB or after it)");

	/* MASK: a 64-byte range (BAS all ones). */
	write_sysreg(DBGWVR0_EL1, (uint64_t)wbuf);
	write_sysreg(DBGWCR0_EL1, BCR_E | BCR_AT_EL1 | WCR_STORE | WCR_BAS(0xff) | WCR_MASK(6));
	isb();
	before = hit.count;
	wbuf[64] = 1;
	check("mask-el1", hit.count == before, "a store past a 64-byte MASK range is not watched");
	wbuf[40] = 1;
	check("mask-el1", hit.count == before + 1 && hit.esr == ESR(0x35, ISS_WNR | DEBUG_FSC) &&
	      hit.far == (uint64_t)&wbuf[40], "a store inside it is, FAR the address");

	write_sysreg(OSLAR_EL1, 1);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS);
	isb();
	before = hit.count;
	bp_target();
	check("oslock-el1", hit.count == before, "the OS lock keeps a breakpoint at EL1 from firing");
	write_sysreg(OSLAR_EL1, 0);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS);
	__asm__ volatile("msr daifset, #8" ::: "memory");
	isb();
	before = hit.count;
	bp_target();
	check("d-el1", hit.count == before, "so does PSTATE.D at EL1");
	__asm__ volatile("msr daifclr, #8" ::: "memory");
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS);
	isb();
	before = hit.count;
	bp_target();
	check("d-el1", hit.count == before + 1, "and with neither it fires");

	hvc2(HVC_DONE, 0, 0);
	for (;;)
		;
}

/* An AArch32 EL1 (HCR_EL2.RW 0) under TDE: a breakpoint on its second
 * instruction is taken to EL2 as EC 0x30 with IL set. */
static void aarch32_part(void)
{
	unsigned before = hit.count;

	printf("debug: AArch32 EL1, debug exceptions routed to EL2\n");
	write_sysreg(MDCR_EL2, MDCR_TDE);
	write_sysreg(MDSCR_EL1, MDSCR_MDE);
	write_sysreg(DBGBVR0_EL1, (uint64_t)&a32_code[1]);
	write_sysreg(DBGBCR0_EL1, BCR_E | BCR_AT_EL1 | BCR_BAS);
	write_sysreg(HCR_EL2, 0);
	write_sysreg(SCTLR_EL1, 0x00c50838ul);
	isb();
	__asm__ volatile("adr x9, 1f\n\tstr x9, [%0]\n\t"
	                 "msr elr_el2, %1\n\tmov x9, #0x1d3\n\tmsr spsr_el2, x9\n\t"
	                 "eret\n1:" : : "r"(&resume_el2), "r"(a32_code)
	                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	                   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x30", "memory");
	check("bp-a32", one_hit(before, ESR(0x30, DEBUG_FSC), (uint64_t)&a32_code[1], 0, 2),
	      "an A32 breakpoint is taken to an AArch64 EL2 as EC 0x30, IL set");
	write_sysreg(MDCR_EL2, 0);
	disarm();
}

/* EL0 under HCR_EL2.TGE (with TDE clear): TGE alone routes its debug
 * exceptions to EL2 (D2.3.1). */
static void tge_part(void)
{
	unsigned before = hit.count;

	printf("debug: EL0, HCR_EL2.TGE set\n");
	write_sysreg(MDCR_EL2, 0);
	write_sysreg(MDSCR_EL1, MDSCR_MDE);
	write_sysreg(DBGBVR0_EL1, (uint64_t)bp_target);
	write_sysreg(DBGBCR0_EL1, BCR_E | 2ul << 1 | BCR_BAS);   /* PMC 0b10: EL0 */
	write_sysreg(HCR_EL2, HCR_RW | HCR_TGE);
	write_sysreg(SP_EL0, (uint64_t)(el1_stack + sizeof(el1_stack)));
	isb();
	__asm__ volatile("adr x9, 1f\n\tstr x9, [%0]\n\tadr x9, 2f\n\tmsr elr_el2, x9\n\t"
	                 "mov x9, #0x3c0\n\tmsr spsr_el2, x9\n\teret\n"
	                 "2:\tbl bp_target\n\tsvc #0\n1:" : : "r"(&resume_el2)
	                 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	                   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x30", "memory");
	check("bp-tge", one_hit(before, ESR(0x30, DEBUG_FSC), (uint64_t)bp_target, 0, 2),
	      "an EL0 breakpoint goes to EL2 as EC 0x30");
	write_sysreg(HCR_EL2, HCR_RW);
	disarm();
}

int main(const void *dtb)
{
	(void)dtb;
	if (current_el() != 2) {
		printf("debug: needs to start at EL2\n");
		return 1;
	}
	exception_hook = hook;
	write_sysreg(OSLAR_EL1, 0);   /* the OS lock is set at reset */
	el2_part();
	disarm();
	aarch32_part();
	tge_part();

	/* EL1 in the same image, with debug still routed to EL2. */
	write_sysreg(MDCR_EL2, MDCR_TDE);
	write_sysreg(MDSCR_EL1, MDSCR_MDE);
	write_sysreg(HCR_EL2, HCR_RW);
	write_sysreg(VTTBR_EL2, 7ul << 48);   /* VMID 7, for the VMID breakpoints (stage 2 stays off) */
	enter_el1(el1_part, el1_stack + sizeof(el1_stack), vectors_el1);
}
