/*
 * arch/aarch64/arch.h - what minihyp's shared code needs from the CPU, for
 * AArch64 EL2. arch/arm32/arch.h is the same interface for ARMv7 Hyp mode;
 * read the two side by side.
 *
 * The guest's registers while minihyp runs are common/vectors.S's struct
 * exc_frame (guest.h): x0-x30, ELR_EL2, SPSR_EL2, ESR_EL2, FAR_EL2. An
 * AArch32 guest's r0-r14 (and its banked registers) are in x0-x30 as the
 * Arm ARM maps them (DDI 0487, D1.20.1), so the frame serves both widths.
 */
#ifndef MINIHYP_ARCH_H
#define MINIHYP_ARCH_H

#include "guest.h"

#define ARCH_EL2_NAME   "at EL2"
#define ARCH_GIC_V3     1       /* this build drives GICv2 and GICv3 */
#define ARCH_AARCH64_GUESTS 1   /* HCR_EL2.RW chooses each guest's width */

/* The register that holds a Xen hypercall's number: x16 from an AArch64
 * guest, r12 (X12) from an AArch32 one (xen/include/public/arch-arm.h). */
#define HYPERCALL_NR_REG(vm)    ((vm)->aarch32 ? 12 : 16)
/* A data abort's ISS.SRT names x0-x30, or 31 for XZR (reads 0, writes lost). */
static inline int guest_reg_valid(const struct exc_frame *f, unsigned n)
{
	(void)f;
	return n <= 31;
}
static inline uint64_t guest_reg_read(const struct exc_frame *f, unsigned n)
{
	return n == 31 ? 0 : f->x[n];
}
static inline void guest_reg_write(struct exc_frame *f, unsigned n, uint64_t v)
{
	if (n != 31)
		f->x[n] = v;
}

/* The EL1 system registers a VM owns; swapped when VMs switch (hyp.c). */
struct el1_sysregs {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair;
	uint64_t vbar, esr, far, afsr0, afsr1, par, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1;
	uint64_t elr, spsr, cntkctl, csselr;
	/* AArch32 EL1 state with no AArch64 EL1 register of its own. */
	uint64_t dacr32, ifsr32, spsr_abt, spsr_und, spsr_irq, spsr_fiq;
};

/* ---- Generic timer (DDI 0487, D11): one MRS/MSR each ------------------- */
static inline uint64_t cntpct(void) { return read_sysreg(CNTPCT_EL0); }
static inline uint32_t cntfrq(void) { return (uint32_t)read_sysreg(CNTFRQ_EL0); }
static inline uint64_t cntv_ctl_read(void) { return read_sysreg(CNTV_CTL_EL0); }
static inline void cntv_ctl_write(uint64_t v) { write_sysreg(CNTV_CTL_EL0, v); }
static inline uint64_t cntv_cval_read(void) { return read_sysreg(CNTV_CVAL_EL0); }
static inline void cntv_cval_write(uint64_t v) { write_sysreg(CNTV_CVAL_EL0, v); }
static inline void cntvoff_write(uint64_t v) { write_sysreg(CNTVOFF_EL2, v); }
static inline void cnthp_cval_write(uint64_t v) { write_sysreg(CNTHP_CVAL_EL2, v); }
static inline void cnthp_ctl_write(uint64_t v) { write_sysreg(CNTHP_CTL_EL2, v); }

/* HPFAR_EL2: IPA[47:12] of a stage-2 fault in bits [43:4]. */
static inline uint64_t fault_ipa_page(void) { return read_sysreg(HPFAR_EL2) >> 4 << 12; }

/* ---- Several CPUs (smp.c) ----------------------------------------------- */
#define PSCI_CPU_ON_FN  0xc4000003u     /* CPU_ON, SMC64 (DEN 0022, 5.1.4) */

/* This CPU's struct pcpu lives in TPIDR_EL2, a register EL2 keeps for its
 * own software: every CPU has its own, so it says "which CPU am I". */
static inline unsigned long arch_this_cpu(void) { return read_sysreg(TPIDR_EL2); }
static inline void arch_set_this_cpu(unsigned long p) { write_sysreg(TPIDR_EL2, p); }
/* MPIDR_EL1's affinity fields Aff3 (39:32), Aff2..Aff0 (23:0): the CPU's
 * name in the DT's /cpus reg, in PSCI and in GICv3 SGIs. */
static inline uint64_t arch_mpidr(void) { return read_sysreg(MPIDR_EL1) & 0xff00fffffful; }

/*
 * A spinlock (0 free, 1 taken), the classic exclusive pair: LDAXR reads
 * the lock and marks its address in this CPU's exclusive monitor; STXR
 * writes 1 only if no other CPU wrote there since (status 0), else we try
 * again. The acquire (LDAXR) and release (STLR) keep the locked code's
 * loads and stores inside (DDI 0487, B2.3.11). While it is taken, WFE
 * waits for the holder's SEV instead of hammering memory.
 */
static inline void spin_lock(volatile uint32_t *lock)
{
	uint32_t tmp;

	__asm__ volatile(
	"	sevl\n"                 /* the first WFE falls through */
	"1:	wfe\n"
	"2:	ldaxr	%w0, [%1]\n"
	"	cbnz	%w0, 1b\n"      /* taken: wait */
	"	stxr	%w0, %w2, [%1]\n"
	"	cbnz	%w0, 2b\n"      /* someone came between: again */
	: "=&r"(tmp) : "r"(lock), "r"(1u) : "memory");
}

static inline void spin_unlock(volatile uint32_t *lock)
{
	__asm__ volatile("stlr wzr, [%0]\n sev" : : "r"(lock) : "memory");
}

/*
 * Set `bit` in a word a guest on another CPU may be changing at the same
 * moment (its shared_info: the guest clears pending bits with exclusives
 * of its own). Returns whether it was set already.
 */
static inline int test_and_set_bit64(volatile uint64_t *word, uint64_t bit)
{
	uint64_t old, new;
	uint32_t fail;

	__asm__ volatile(
	"1:	ldxr	%0, [%3]\n"
	"	orr	%1, %0, %4\n"
	"	stxr	%w2, %1, [%3]\n"
	"	cbnz	%w2, 1b\n"
	: "=&r"(old), "=&r"(new), "=&r"(fail) : "r"(word), "r"(bit) : "memory");
	return (old & bit) != 0;
}

#endif
