/*
 * arch/aarch64/hyp.c - the EL2 controls of AArch64: HCR_EL2 (what traps),
 * VTCR_EL2/VTTBR_EL2 (stage 2), the EL1 registers a world switch swaps,
 * stage-2 TLB maintenance, and guest virtual address translation.
 * arch/arm32/hyp.c does the same for ARMv7 Hyp mode through CP15.
 */
#include "minihyp.h"

/*
 * VTCR_EL2 (D17.2.151): a 32-bit IPA space (T0SZ = 32: 4 GiB, enough for
 * Xen's guest map below GUEST_RAM0_BASE + 3 GiB), 4 KiB granule (TG0 = 0),
 * walks starting at level 1 (SL0 = 1), table walks cacheable and inner
 * shareable, and a 40-bit output (PS = 2: armvm's 1 TiB of PA space).
 * A level-1 table then has 4 entries of 1 GiB (stage2.c).
 */
#define VTCR_T0SZ(n)   ((uint64_t)(n))
#define VTCR_SL0_L1    (1ul << 6)
#define VTCR_IRGN0_WB  (1ul << 8)
#define VTCR_ORGN0_WB  (1ul << 10)
#define VTCR_SH0_IS    (3ul << 12)
#define VTCR_PS_40BIT  (2ul << 16)
#define VTCR_RES1      (1ul << 31)
#define VTCR_VALUE (VTCR_RES1 | VTCR_PS_40BIT | VTCR_SH0_IS | VTCR_ORGN0_WB | \
		    VTCR_IRGN0_WB | VTCR_SL0_L1 | VTCR_T0SZ(32))

/*
 * HCR_EL2 (D17.2.48): what the guests may not do themselves.
 *   VM   stage-2 translation on: every guest access goes through our tables
 *   FMO, IMO, AMO  physical FIQ/IRQ/SError go to EL2, not to the guest
 *   TWI  WFI traps (we run another guest instead of idling)
 *   TSC  SMC traps (the guest must not call the firmware directly)
 *   RW   EL1 is AArch64
 */
#define HCR_VM   (1ul << 0)
#define HCR_FMO  (1ul << 3)
#define HCR_IMO  (1ul << 4)
#define HCR_AMO  (1ul << 5)
#define HCR_TWI  (1ul << 13)
#define HCR_TSC  (1ul << 19)
#define HCR_RW   (1ul << 31)
#define HCR_GUEST (HCR_TSC | HCR_TWI | HCR_AMO | HCR_IMO | HCR_FMO | HCR_VM)

void hyp_init(void)
{
	write_sysreg(VTCR_EL2, VTCR_VALUE);
	write_sysreg(HCR_EL2, HCR_GUEST | HCR_RW);
	/* What the guest reads as MIDR_EL1 / MPIDR_EL1: this CPU's part
	 * number, and "CPU 0" (bit 31 is RES1). */
	write_sysreg(VPIDR_EL2, read_sysreg(MIDR_EL1));
	write_sysreg(VMPIDR_EL2, 0x80000000ul);
	/* CNTHCTL_EL2: EL1 may read the physical counter (EL1PCTEN), but its
	 * timer registers trap (EL1PCEN = 0): guests get the virtual timer. */
	write_sysreg(CNTHCTL_EL2, 1);
	isb();
}

#define SAVE(field, reg) vm->sys.field = read_sysreg(reg)
#define LOAD(field, reg) write_sysreg(reg, vm->sys.field)
#define EL1_SYSREGS(X) \
	X(sctlr, SCTLR_EL1) X(actlr, ACTLR_EL1) X(cpacr, CPACR_EL1) \
	X(ttbr0, TTBR0_EL1) X(ttbr1, TTBR1_EL1) X(tcr, TCR_EL1) \
	X(mair, MAIR_EL1) X(amair, AMAIR_EL1) X(vbar, VBAR_EL1) \
	X(esr, ESR_EL1) X(far, FAR_EL1) X(afsr0, AFSR0_EL1) X(afsr1, AFSR1_EL1) \
	X(par, PAR_EL1) X(contextidr, CONTEXTIDR_EL1) X(tpidr_el0, TPIDR_EL0) \
	X(tpidrro_el0, TPIDRRO_EL0) X(tpidr_el1, TPIDR_EL1) X(sp_el0, SP_EL0) \
	X(sp_el1, SP_EL1) X(elr, ELR_EL1) X(spsr, SPSR_EL1) \
	X(cntkctl, CNTKCTL_EL1) X(csselr, CSSELR_EL1) \
	X(dacr32, DACR32_EL2) X(ifsr32, IFSR32_EL2) X(spsr_abt, SPSR_abt) \
	X(spsr_und, SPSR_und) X(spsr_irq, SPSR_irq) X(spsr_fiq, SPSR_fiq)
#define SAVE_ONE(f, r) SAVE(f, r);
#define LOAD_ONE(f, r) LOAD(f, r);

void vm_save_sysregs(struct vm *vm)
{
	EL1_SYSREGS(SAVE_ONE)
}

/*
 * The guest's EL1 registers, and its stage-2 tables with its VMID. TLB
 * entries are tagged with the VMID, so the other guests' entries need no
 * TLBI: they just stop matching.
 */
void vm_load_sysregs(struct vm *vm)
{
	EL1_SYSREGS(LOAD_ONE)
	/* HCR_EL2.RW is the guest's width: 0 runs its EL1 in AArch32. */
	write_sysreg(HCR_EL2, HCR_GUEST | (vm->aarch32 ? 0 : HCR_RW));
	write_sysreg(VTTBR_EL2, vm->vttbr);
	isb();
}

/* A new EL1 register file: AArch64 EL1 with MMU and caches off, or AArch32
 * SCTLR's reset value (MMU off, AFE/TRE clear). */
#define SCTLR32_RESET   0x00c50078ul
#define SCTLR_EL1_RES1  0x30d00800ul

void vm_init_sysregs(struct vm *vm)
{
	vm->sys.sctlr = vm->aarch32 ? SCTLR32_RESET : SCTLR_EL1_RES1;
}

/*
 * A live stage-2 mapping changed: TLBI IPAS2E1IS (the stage-2 entry) and
 * VMALLE1IS (stage-1+2 entries built from it) for the running VM's VMID
 * (ARM DDI 0487, D8.13), or the old translation stays.
 */
void stage2_flush_ipa(uint64_t ipa)
{
	__asm__ volatile("dsb ishst\n tlbi ipas2e1is, %0\n dsb ish\n"
	                 "tlbi vmalle1is\n dsb ish\n isb" : : "r"(ipa >> 12) : "memory");
}

/*
 * A guest passes hypercall buffers by virtual address. With its MMU off
 * that is the IPA; with it on, AT S1E1R asks the MMU to walk the guest's
 * own stage-1 tables (PAR_EL1 bit 0 = 1 means it faulted). Returns 0, or
 * -14 (-EFAULT).
 */
int guest_va_to_ipa(uint64_t va, uint64_t *ipa)
{
	uint64_t par;

	*ipa = va;
	if (!(read_sysreg(SCTLR_EL1) & 1))
		return 0;
	__asm__ volatile("at s1e1r, %0" : : "r"(va));
	isb();
	par = read_sysreg(PAR_EL1);
	if (par & 1)
		return -14;
	*ipa = (par & 0x0000fffffffff000ul) | (va & 0xfff);
	return 0;
}

/*
 * common/vectors.S calls the exception hook with the vector's index. A
 * guest's exits arrive through the lower-EL vectors, AArch64 (0x400) or
 * AArch32 (0x600); both save the same frame. Anything else is a bug in
 * minihyp, left to the library's default handler, which reports it.
 */
static int on_exception(struct exc_frame *f, int kind)
{
	if ((kind & ~3) == EXC_LOWER_A32)
		kind = EXC_LOWER_A64 | (kind & 3);
	if (kind == (EXC_LOWER_A64 | EXC_IRQ))
		guest_exit_taken(f, 1);
	else if (kind == (EXC_LOWER_A64 | EXC_SYNC))
		guest_exit_taken(f, 0);
	else
		return 0;
	return 1;
}

void arch_init(void)
{
	exception_hook = on_exception;
}
