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

#endif
