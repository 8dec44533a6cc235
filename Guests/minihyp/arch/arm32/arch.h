/*
 * arch/arm32/arch.h - what minihyp's shared code needs from the CPU, for
 * ARMv7-A Hyp mode (the virtualization extensions; AArch32 EL2 in the
 * Arm ARM, DDI 0487 part G). arch/aarch64/arch.h is the same interface.
 *
 * Every EL2 register here is a CP15 register (MRC/MCR, or MRRC/MCRR for
 * the 64-bit ones) with opc1 = 4, where AArch64 names it with MRS/MSR.
 */
#ifndef MINIHYP_ARCH_H
#define MINIHYP_ARCH_H

#include "guest.h"

#define ARCH_EL2_NAME   "in Hyp mode"
#define ARCH_GIC_V3     0       /* GICv2 only (arndale's GIC-400, virt's GICv2) */
#define ARCH_AARCH64_GUESTS 0   /* an ARMv7 CPU has no AArch64 */

/*
 * The guest's registers while minihyp runs (arch/arm32/entry.S saves it on
 * SP_hyp). In Hyp mode r0-r12 and LR are the User-mode registers: a
 * guest's r0-r12 (in any mode but FIQ) and LR_usr, so the exit path saves
 * those. SP and LR of the guest's own mode (SP_svc, LR_svc...) are banked
 * and untouched by Hyp mode: only a world switch (hyp.c) saves them.
 * `x` keeps the AArch64 frame's name so that shared code reads r0 as x[0].
 */
struct exc_frame {
	reg_t x[15];            /* r0-r12, [13] unused, [14] LR_usr; offset 0 */
	reg_t elr;              /* 60: ELR_hyp, the preferred return address */
	reg_t spsr;             /* 64: SPSR_hyp, the guest's CPSR */
	reg_t esr;              /* 68: HSR, the syndrome */
	reg_t far;              /* 72: HDFAR */
	reg_t pad;              /* an 8-byte multiple, for the AAPCS stack */
};

/* Xen's AArch32 hypercall ABI: the number in r12, arguments r0-r4. */
#define HYPERCALL_NR_REG(vm)    12
/* HSR.ISS.SRT names r0-r14 of the guest's mode (SPSR_hyp.M): r0-r12 are
 * in the frame, SP and LR are banked per mode (hyp.c). A guest in FIQ
 * mode has its own r8-r12 too: minihyp does not emulate those accesses. */
#define PSR_MODE(spsr)  ((spsr) & 0x1f)
#define PSR_MODE_FIQ    0x11
static inline int guest_reg_valid(const struct exc_frame *f, unsigned n)
{
	return n <= 14 && !(PSR_MODE(f->spsr) == PSR_MODE_FIQ && n >= 8);
}
uint32_t guest_reg_read(const struct exc_frame *f, unsigned n);
void guest_reg_write(struct exc_frame *f, unsigned n, uint32_t v);

/* The PL1 state a VM owns (CP15 registers and the banked registers of
 * its modes); swapped when VMs switch (hyp.c). */
struct el1_sysregs {
	uint32_t sctlr, actlr, cpacr, ttbcr, prrr, nmrr, amair0, amair1;
	uint32_t vbar, dacr, dfsr, ifsr, dfar, ifar, adfsr, aifsr, contextidr;
	uint32_t tpidrurw, tpidruro, tpidrprw, cntkctl, csselr;
	uint64_t ttbr0, ttbr1, par;
	/* Banked: SP_usr (= SP_sys); SP, LR, SPSR of SVC, ABT, UND, IRQ, FIQ;
	 * and FIQ's own r8-r12. LR_usr is in the frame. */
	uint32_t sp_usr, sp_svc, lr_svc, spsr_svc, sp_abt, lr_abt, spsr_abt;
	uint32_t sp_und, lr_und, spsr_und, sp_irq, lr_irq, spsr_irq;
	uint32_t r8_fiq, r9_fiq, r10_fiq, r11_fiq, r12_fiq, sp_fiq, lr_fiq, spsr_fiq;
};

/* ---- CP15 access ---------------------------------------------------------- */
#define MRC(op1, crn, crm, op2) ({ uint32_t __v; __asm__ volatile( \
	"mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(__v)); __v; })
#define MCR(op1, crn, crm, op2, v) __asm__ volatile( \
	"mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : : "r"((uint32_t)(v)) : "memory")
/* A 64-bit register: %Q is the low word's register, %R the high one's. */
#define MRRC(op1, crm) ({ uint64_t __v; __asm__ volatile( \
	"mrrc p15, " #op1 ", %Q0, %R0, " #crm : "=r"(__v)); __v; })
#define MCRR(op1, crm, v) __asm__ volatile( \
	"mcrr p15, " #op1 ", %Q0, %R0, " #crm : : "r"((uint64_t)(v)) : "memory")

/* ---- Generic timer (DDI 0487, G8.4: the AArch32 CNT* encodings) ------------ */
static inline uint64_t cntpct(void) { isb(); return MRRC(0, c14); }
static inline uint32_t cntfrq(void) { return MRC(0, c14, c0, 0); }
static inline uint64_t cntv_ctl_read(void) { return MRC(0, c14, c3, 1); }
static inline void cntv_ctl_write(uint64_t v) { MCR(0, c14, c3, 1, v); }
static inline uint64_t cntv_cval_read(void) { return MRRC(3, c14); }
static inline void cntv_cval_write(uint64_t v) { MCRR(3, c14, v); }
static inline void cntvoff_write(uint64_t v) { MCRR(4, c14, v); }
static inline void cnthp_cval_write(uint64_t v) { MCRR(6, c14, v); }
static inline void cnthp_ctl_write(uint64_t v) { MCR(4, c14, c2, 1, v); }

/* HPFAR: IPA[39:12] of a stage-2 fault in bits [31:4], as HPFAR_EL2. */
static inline uint64_t fault_ipa_page(void) { return (uint64_t)MRC(4, c6, c0, 4) >> 4 << 12; }

/* ---- Several CPUs (smp.c) ----------------------------------------------- */
#define PSCI_CPU_ON_FN  0x84000003u     /* CPU_ON, SMC32 (DEN 0022, 5.1.4) */

/* This CPU's struct pcpu lives in HTPIDR, Hyp mode's own software thread
 * ID register (TPIDR_EL2 at AArch64 EL2): one per CPU. */
static inline unsigned long arch_this_cpu(void) { return MRC(4, c13, c0, 2); }
static inline void arch_set_this_cpu(unsigned long p) { MCR(4, c13, c0, 2, p); }
/* MPIDR's affinity fields Aff2..Aff0 (23:0): the CPU's DT reg and PSCI name. */
static inline uint64_t arch_mpidr(void) { return MRC(0, c0, c0, 5) & 0xffffffu; }

/*
 * The spinlock, ARMv7's way: LDREX/STREX (the exclusive monitor, as
 * AArch64's LDXR/STXR) and DMB barriers around the locked code, since
 * ARMv7 has no acquire/release forms. WFE waits for the holder's SEV.
 */
static inline void spin_lock(volatile uint32_t *lock)
{
	uint32_t tmp;

	__asm__ volatile(
	"1:	ldrex	%0, [%1]\n"
	"	cmp	%0, #0\n"
	"	wfene\n"                /* taken: wait for an event, then again */
	"	bne	1b\n"
	"	strex	%0, %2, [%1]\n"
	"	cmp	%0, #0\n"
	"	bne	1b\n"           /* someone came between: again */
	"	dmb\n"
	: "=&r"(tmp) : "r"(lock), "r"(1u) : "cc", "memory");
}

static inline void spin_unlock(volatile uint32_t *lock)
{
	__asm__ volatile("dmb\n str %1, [%0]\n dsb\n sev" : : "r"(lock), "r"(0u) : "memory");
}

/* Set `bit` in a word of a guest's shared_info, which the guest may be
 * changing from another CPU: LDREXD/STREXD, the 64-bit exclusive pair.
 * Returns whether it was set already. */
static inline int test_and_set_bit64(volatile uint64_t *word, uint64_t bit)
{
	uint64_t old, new;
	uint32_t fail;

	__asm__ volatile(
	"1:	ldrexd	%0, %H0, [%3]\n"
	"	orr	%Q1, %Q0, %Q4\n"
	"	orr	%R1, %R0, %R4\n"
	"	strexd	%2, %1, %H1, [%3]\n"
	"	cmp	%2, #0\n"
	"	bne	1b\n"
	: "=&r"(old), "=&r"(new), "=&r"(fail) : "r"(word), "r"(bit) : "cc", "memory");
	return (old & bit) != 0;
}

#endif
