/*
 * arch/arm32/hyp.c - the Hyp-mode controls of ARMv7-A with the
 * virtualization extensions, all of them CP15 registers: HCR (what traps),
 * VTCR/VTTBR (stage 2), HVBAR (the Hyp vectors), the PL1 state a world
 * switch swaps, TLB maintenance, and guest address translation.
 * arch/aarch64/hyp.c does the same with MSR/MRS at EL2.
 * Register pages: ARM DDI 0487, G8.2 (the AArch32 System registers).
 */
#include "minihyp.h"

/*
 * VTCR (DDI 0487, G8.2, "VTCR"): the AArch32 layout differs from VTCR_EL2's. T0SZ is a
 * 4-bit signed field (bits [3:0]) with its sign repeated in S (bit 4); the
 * IPA size is 32 - T0SZ bits. T0SZ = 0, S = 0: a 32-bit IPA space, as the
 * AArch64 build's T0SZ = 32. SL0 = 1: walks start at level 1 (4 entries of
 * 1 GiB, stage2.c). Table walks inner/outer write-back, inner shareable.
 * No PS field: the output is 40 bits (LPAE). Bit 31 is RES1.
 */
#define VTCR_T0SZ_32BIT (0u << 0)
#define VTCR_S          (0u << 4)       /* = T0SZ[3] */
#define VTCR_SL0_L1     (1u << 6)
#define VTCR_IRGN0_WB   (1u << 8)
#define VTCR_ORGN0_WB   (1u << 10)
#define VTCR_SH0_IS     (3u << 12)
#define VTCR_RES1       (1u << 31)
#define VTCR_VALUE (VTCR_RES1 | VTCR_SH0_IS | VTCR_ORGN0_WB | VTCR_IRGN0_WB | \
		    VTCR_SL0_L1 | VTCR_S | VTCR_T0SZ_32BIT)

/*
 * HCR (G8.2, "HCR"): the same bits at the same places as HCR_EL2's low word,
 * minus RW (there is no AArch64 to choose).
 *   VM   stage-2 translation on
 *   FMO, IMO, AMO  physical FIQ/IRQ/asynchronous abort go to Hyp mode
 *   TWI  WFI traps (HSR.EC 0x01)
 *   TSC  SMC traps (HSR.EC 0x13)
 */
#define HCR_VM   (1u << 0)
#define HCR_FMO  (1u << 3)
#define HCR_IMO  (1u << 4)
#define HCR_AMO  (1u << 5)
#define HCR_TWI  (1u << 13)
#define HCR_TSC  (1u << 19)
#define HCR_GUEST (HCR_TSC | HCR_TWI | HCR_AMO | HCR_IMO | HCR_FMO | HCR_VM)

extern char hyp_vectors[];              /* entry.S */

/* HVBAR (G8.2, "HVBAR"): the Hyp vector table; its Hyp trap entry (0x14) takes
 * every synchronous exit from a guest, the IRQ entry (0x18) the rest. */
void arch_init(void)
{
	MCR(4, c12, c0, 0, hyp_vectors);
	isb();
}

void hyp_init(void)
{
	MCR(4, c2, c1, 2, VTCR_VALUE);                  /* VTCR */
	MCR(4, c1, c1, 0, HCR_GUEST);                   /* HCR */
	/* HSTR: no CP15 register of c0-c15 traps. (HCPTR keeps its reset
	 * value: the guests use no VFP/NEON, and minihyp saves none.) */
	MCR(4, c1, c1, 3, 0);
	/* VPIDR, VMPIDR: what the guest reads as MIDR and MPIDR: this CPU's
	 * part number, and CPU 0 (bit 31 is RES1). */
	MCR(4, c0, c0, 0, MRC(0, c0, c0, 0));
	MCR(4, c0, c0, 5, 0x80000000u);
	/* CNTHCTL: PL1 may read the physical counter (PL1PCTEN), its timer
	 * registers trap (PL1PCEN = 0): guests get the virtual timer. */
	MCR(4, c14, c1, 0, 1);
	isb();
}

/* SCTLR's reset value for a guest: MMU and caches off, AFE/TRE clear,
 * exceptions in A32 (G8.2, "SCTLR"). */
#define SCTLR_RESET 0x00c50078u

void vm_init_sysregs(struct vm *vm)
{
	vm->sys.sctlr = SCTLR_RESET;
}

/* The banked registers of the guest's modes: MRS/MSR (banked register),
 * which the virtualization extensions added for Hyp mode's use. */
#define BANKED(X) \
	X(sp_usr, SP_usr) X(sp_svc, SP_svc) X(lr_svc, LR_svc) X(spsr_svc, SPSR_svc) \
	X(sp_abt, SP_abt) X(lr_abt, LR_abt) X(spsr_abt, SPSR_abt) \
	X(sp_und, SP_und) X(lr_und, LR_und) X(spsr_und, SPSR_und) \
	X(sp_irq, SP_irq) X(lr_irq, LR_irq) X(spsr_irq, SPSR_irq) \
	X(r8_fiq, r8_fiq) X(r9_fiq, r9_fiq) X(r10_fiq, r10_fiq) X(r11_fiq, r11_fiq) \
	X(r12_fiq, r12_fiq) X(sp_fiq, SP_fiq) X(lr_fiq, LR_fiq) X(spsr_fiq, SPSR_fiq)
#define SAVE_BANKED(f, r) __asm__ volatile("mrs %0, " #r : "=r"(vm->sys.f));
#define LOAD_BANKED(f, r) __asm__ volatile("msr " #r ", %0" : : "r"(vm->sys.f));

/* The PL1 CP15 registers (op1, CRn, CRm, op2), as a table. */
#define CP15_32(X) \
	X(sctlr, 0, c1, c0, 0) X(actlr, 0, c1, c0, 1) X(cpacr, 0, c1, c0, 2) \
	X(ttbcr, 0, c2, c0, 2) X(dacr, 0, c3, c0, 0) X(dfsr, 0, c5, c0, 0) \
	X(ifsr, 0, c5, c0, 1) X(adfsr, 0, c5, c1, 0) X(aifsr, 0, c5, c1, 1) \
	X(dfar, 0, c6, c0, 0) X(ifar, 0, c6, c0, 2) X(prrr, 0, c10, c2, 0) \
	X(nmrr, 0, c10, c2, 1) X(amair0, 0, c10, c3, 0) X(amair1, 0, c10, c3, 1) \
	X(vbar, 0, c12, c0, 0) X(contextidr, 0, c13, c0, 1) \
	X(tpidrurw, 0, c13, c0, 2) X(tpidruro, 0, c13, c0, 3) X(tpidrprw, 0, c13, c0, 4) \
	X(cntkctl, 0, c14, c1, 0) X(csselr, 2, c0, c0, 0)
#define SAVE_CP15(f, o1, n, m, o2) vm->sys.f = MRC(o1, n, m, o2);
#define LOAD_CP15(f, o1, n, m, o2) MCR(o1, n, m, o2, vm->sys.f);

void vm_save_sysregs(struct vm *vm)
{
	CP15_32(SAVE_CP15)
	vm->sys.ttbr0 = MRRC(0, c2);
	vm->sys.ttbr1 = MRRC(1, c2);
	vm->sys.par = MRRC(0, c7);
	BANKED(SAVE_BANKED)
}

/* The guest's PL1 state, and VTTBR (G8.2, "VTTBR"): its stage-2 table and, in
 * bits [55:48], its VMID, which keeps its TLB entries apart. */
void vm_load_sysregs(struct vm *vm)
{
	CP15_32(LOAD_CP15)
	MCRR(0, c2, vm->sys.ttbr0);
	MCRR(1, c2, vm->sys.ttbr1);
	MCRR(0, c7, vm->sys.par);
	BANKED(LOAD_BANKED)
	MCRR(6, c2, vm->vttbr);                         /* VTTBR */
	isb();
}

/*
 * A live stage-2 mapping changed. ARMv7 has no invalidate-by-IPA (ARMv8's
 * TLBIIPAS2 is AArch32 too, but a Cortex-A15 lacks it): TLBIALLNSNHIS
 * drops every non-secure PL1&0 entry, all VMIDs, Inner Shareable.
 */
void stage2_flush_ipa(uint64_t ipa)
{
	(void)ipa;
	__asm__ volatile("dsb ishst\n mcr p15, 4, %0, c8, c3, 4\n dsb ish\n isb"
	                 : : "r"(0) : "memory");
}

/*
 * A guest's virtual address: with its MMU off that is the IPA; with it on,
 * ATS1CPR walks the guest's own stage 1 as a PL1 read would, and PAR says
 * where (G8.2, "PAR"): F (bit 0) set means it faulted; LPAE (bit 11) set
 * means the 64-bit format, PA[39:12] in bits [39:12], else PA[31:12].
 * Returns 0, or -14 (-EFAULT).
 */
int guest_va_to_ipa(uint64_t va, uint64_t *ipa)
{
	uint64_t par;

	*ipa = va;
	if (!(MRC(0, c1, c0, 0) & 1))           /* the guest's SCTLR.M */
		return 0;
	MCR(0, c7, c8, 0, (uint32_t)va);        /* ATS1CPR */
	isb();
	par = MRRC(0, c7);
	if (par & 1)
		return -14;
	par &= par & (1u << 11) ? 0x000000fffffff000ull : 0xfffff000ull;
	*ipa = par | (va & 0xfff);
	return 0;
}

/*
 * A data abort's SRT register, as the guest's mode sees it: r0-r12 from
 * the frame; SP and LR of its mode through the banked MRS/MSR. In User and
 * System mode they are SP_usr and LR_usr, and LR_usr is in the frame (it
 * is Hyp mode's LR, which the exit path restores).
 */
#define BANKED_SP_LR(X) \
	X(0x12, SP_irq, LR_irq) X(0x13, SP_svc, LR_svc) X(0x17, SP_abt, LR_abt) \
	X(0x1b, SP_und, LR_und) X(0x11, SP_fiq, LR_fiq)
#define READ_CASE(mode, sp, lr) case mode: \
	if (n == 13) __asm__ volatile("mrs %0, " #sp : "=r"(v)); \
	else __asm__ volatile("mrs %0, " #lr : "=r"(v)); \
	return v;
#define WRITE_CASE(mode, sp, lr) case mode: \
	if (n == 13) __asm__ volatile("msr " #sp ", %0" : : "r"(v)); \
	else __asm__ volatile("msr " #lr ", %0" : : "r"(v)); \
	return;

uint32_t guest_reg_read(const struct exc_frame *f, unsigned n)
{
	uint32_t v;

	if (n < 13)
		return f->x[n];
	switch (PSR_MODE(f->spsr)) {
	BANKED_SP_LR(READ_CASE)
	}
	if (n == 14)
		return f->x[14];
	__asm__ volatile("mrs %0, SP_usr" : "=r"(v));
	return v;
}

void guest_reg_write(struct exc_frame *f, unsigned n, uint32_t v)
{
	if (n < 13) {
		f->x[n] = v;
		return;
	}
	switch (PSR_MODE(f->spsr)) {
	BANKED_SP_LR(WRITE_CASE)
	}
	if (n == 14)
		f->x[14] = v;
	else
		__asm__ volatile("msr SP_usr, %0" : : "r"(v));
}
