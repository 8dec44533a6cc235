/*
 * traps.c - does each HCR_EL2 trap route to EL2, with the right syndrome?
 *
 * Starts at EL2, where it sets HCR_EL2 and a stage-2 identity map, then
 * drops to EL1 in the same image. The EL1 half executes one instruction per
 * check; the EL2 half (the exception hook, running at EL2) records the
 * syndrome it receives (ESR_EL2, ELR_EL2, FAR_EL2, HPFAR_EL2), emulates what
 * it must and returns. The EL1 half then compares and prints PASS or FAIL.
 *
 * Expected values come from ARM DDI 0487: ESR_EL2 (D17.2.37) and its ISS
 * encodings for each exception class; the preferred return address of
 * each (D1.10.2: a trapped instruction returns to itself, HVC to the next).
 *
 * Stage 2 (VTCR_EL2 as in minihyp: 4 KiB granule, 32-bit IPA, level-1
 * start) maps IPA 0-1 GiB (the devices, the console UART among them) as
 * Device memory and 1-2 GiB (RAM, this image) as Normal memory, both
 * identity, with two level-1 block descriptors; 2-4 GiB are unmapped, so a
 * load there is a stage-2 translation fault at level 1.
 */
#include "guest.h"

#define HCR_VM    (1ul << 0)
#define HCR_FMO   (1ul << 3)
#define HCR_IMO   (1ul << 4)
#define HCR_AMO   (1ul << 5)
#define HCR_VF    (1ul << 6)
#define HCR_VI    (1ul << 7)
#define HCR_VSE   (1ul << 8)
#define HCR_TWI   (1ul << 13)
#define HCR_TWE   (1ul << 14)
#define HCR_TID1  (1ul << 16)
#define HCR_TID2  (1ul << 17)
#define HCR_TID3  (1ul << 18)
#define HCR_TSC   (1ul << 19)
#define HCR_TACR  (1ul << 21)
#define HCR_TVM   (1ul << 26)
#define HCR_TRVM  (1ul << 30)
#define HCR_RW    (1ul << 31)
#define HCR_ALL   (HCR_RW | HCR_VM | HCR_TWI | HCR_TWE | HCR_TID1 | HCR_TID2 | \
                   HCR_TID3 | HCR_TSC | HCR_TACR | HCR_TVM | HCR_TRVM)

#define VTCR_VALUE (1ul << 31 | 2ul << 16 | 3ul << 12 | 1ul << 10 | 1ul << 8 | \
                    1ul << 6 | 32)
/* Level-1 block descriptors: bits [1:0] = 0b01, MemAttr [5:2], S2AP [7:6]
 * = read/write, SH [9:8], AF [10]. */
#define S2_BLOCK_DEVICE (0x1ul | 0x1ul << 2 | 0x3ul << 6 | 1ul << 10)
#define S2_BLOCK_NORMAL (0x1ul | 0xful << 2 | 0x3ul << 6 | 0x3ul << 8 | 1ul << 10)

#define UNMAPPED_IPA     0x80000010ul
#define VPIDR_VALUE      0x41affd07ul   /* what EL1 should read as MIDR_EL1 */
#define VMPIDR_VALUE     0x80000003ul   /* ... and as MPIDR_EL1 */
#define EMULATED(rt)     (0xe1e10000ul | (rt))  /* what EL2 puts in Xt */

/* HVC immediates EL1 uses to talk to the EL2 half (not checks). */
#define HVC_SET_HCR 1
#define HVC_DONE    0xffff

static uint64_t s2_l1[512] __attribute__((aligned(4096)));
static uint8_t el1_stack[8192] __attribute__((aligned(16)));

/* Written by the EL2 half at each trap, read by the EL1 half. */
static volatile struct {
	uint64_t esr, elr, far, hpfar;
	unsigned count;
} trap;
static int checks, failures;

/* Written by the EL1 half's own vector for each virtual interrupt it takes. */
static volatile struct {
	unsigned irq, fiq, serror;
	uint64_t elr, esr;
} virt;

static void set_hcr(uint64_t v);

/* ---- EL2 half ---------------------------------------------------------- */

static void finish(void)
{
	printf("traps: %d checks, %d failed\n", checks, failures);
	guest_exit(failures ? 1 : 0);
}

static int el2_hook(struct exc_frame *f, int kind)
{
	uint32_t ec = ESR_EC(f->esr), iss = ESR_ISS(f->esr);

	if (current_el() == 1 && (kind & 3) != EXC_SYNC) {
		/* A virtual interrupt taken at EL1 (D1.14.4). ELR_EL1 is the next
		 * instruction to execute: return there unchanged. The pending bit
		 * is HCR_EL2's, so ask EL2 to clear VI/VF (VSE clears itself). */
		virt.elr = f->elr;
		virt.esr = f->esr;
		if ((kind & 3) == EXC_IRQ)
			virt.irq++;
		else if ((kind & 3) == EXC_FIQ)
			virt.fiq++;
		else
			virt.serror++;
		set_hcr(HCR_RW | HCR_VM | HCR_IMO | HCR_FMO | HCR_AMO);
		return 1;
	}
	if (current_el() != 2 || kind != (EXC_LOWER_A64 | EXC_SYNC))
		return 0;
	if (ec == EC_HVC64 && (iss & 0xffff) == HVC_SET_HCR) {
		write_sysreg(HCR_EL2, f->x[0]);
		isb();
		return 1;
	}
	if (ec == EC_HVC64 && (iss & 0xffff) == HVC_DONE)
		finish();

	trap.esr = f->esr;
	trap.elr = f->elr;
	trap.far = f->far;
	trap.hpfar = read_sysreg(HPFAR_EL2);
	trap.count++;

	switch (ec) {
	case EC_HVC64:
		break;          /* ELR is already the next instruction */
	case 0x18:      /* MSR/MRS: a read gets a recognisable value in Xt */
		if (iss & 1)
			f->x[(iss >> 5) & 31] = EMULATED((iss >> 5) & 31);
		f->elr += 4;    /* ELR is the trapped MRS/MSR: skip it */
		break;
	case EC_DABT_LOWER:     /* a load gets one in its SRT register */
		if (!(iss & (1u << 6)) && ((iss >> 16) & 31) != 31)
			f->x[(iss >> 16) & 31] = EMULATED((iss >> 16) & 31);
		f->elr += 4;    /* ELR is the load/store: emulated, so skip it */
		break;
	default:                /* WFx, SMC: ELR is the instruction itself */
		f->elr += 4;
		break;
	}
	return 1;
}

/* ---- EL1 half ---------------------------------------------------------- */

static void check(const char *name, int ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, what);
	if (!ok)
		printf("     got ESR 0x%lx ELR 0x%lx FAR 0x%lx HPFAR 0x%lx (%u traps)\n",
		       trap.esr, trap.elr, trap.far, trap.hpfar, trap.count);
}

/*
 * Run one instruction `insn` (which may use x5..x15; x13 holds
 * UNMAPPED_IPA and x14 0x1234 beforehand), recording its address (the "1:"
 * label) and afterwards the register `dest` in `value`. Expect exactly one
 * trap with syndrome `esr_want` and ELR = the instruction + `next`.
 */
static uint64_t value;

#define TRAP(name, what, esr_want, next, insn, dest) do {                   \
	uint64_t site, v_;                                                  \
	unsigned before = trap.count;                                       \
	__asm__ volatile("movz x13, #0x8000, lsl #16\n\tmovk x13, #0x10\n\t" \
	                 "mov x14, #0x1234\n\tadr %0, 1f\n1:\t" insn "\n\t"   \
	                 "mov %1, " dest                                    \
	                 : "=&r"(site), "=&r"(v_) : :                         \
	                 "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",  \
	                 "x13", "x14", "x15", "memory");                     \
	value = v_;                                                         \
	check(name, trap.count == before + 1 && trap.esr == (esr_want) &&   \
	      trap.elr == site + (next), what);                             \
} while (0)

static void set_hcr(uint64_t v)
{
	register uint64_t x0 __asm__("x0") = v;
	__asm__ volatile("hvc #1" : "+r"(x0) : : "memory");
}

static void el1_main(void)
{
	uint64_t v;
	unsigned before;

	printf("traps: at EL%u, HCR_EL2 = 0x%lx\n", current_el(), HCR_ALL);

	TRAP("TWI", "WFI traps as EC 0x01, TI = 0, ELR at the WFI", 0x07e00000, 0, "wfi", "xzr");
	TRAP("TWE", "WFE traps as EC 0x01, TI = 1, ELR at the WFE", 0x07e00001, 0, "wfe", "xzr");
	TRAP("TSC", "SMC #0x12 traps as EC 0x17 with its immediate, ELR at the SMC",
	     0x5e000012, 0, "smc #0x12", "xzr");
	TRAP("HVC", "HVC #0x34 is EC 0x16 with its immediate, ELR after the HVC",
	     0x5a000034, 4, "hvc #0x34", "xzr");
	/* EC 0x18 ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
	 * Rt [9:5], CRm [4:1], Direction [0] (1 = read). */
	TRAP("TID3", "MRS x5, ID_AA64PFR0_EL1 traps as EC 0x18, read, Rt = 5",
	     0x623000a9, 0, "mrs x5, id_aa64pfr0_el1", "x5");
	check("TID3", value == EMULATED(5), "x5 holds the value EL2 emulated");
	TRAP("TID1", "MRS x6, AIDR_EL1 traps as EC 0x18 (Op1 1, Op2 7)",
	     0x623e40c1, 0, "mrs x6, aidr_el1", "x6");
	TRAP("TID2", "MRS x7, CTR_EL0 traps as EC 0x18 (Op1 3, Op2 1)",
	     0x6232c0e1, 0, "mrs x7, ctr_el0", "x7");
	TRAP("TVM", "MSR SCTLR_EL1, x8 traps as EC 0x18, write, Rt = 8",
	     0x62300500, 0, "msr sctlr_el1, x8", "xzr");
	TRAP("TRVM", "MRS x9, TTBR0_EL1 traps as EC 0x18, read, CRn 2",
	     0x62300921, 0, "mrs x9, ttbr0_el1", "x9");
	TRAP("TACR", "MSR ACTLR_EL1, x10 traps as EC 0x18 (Op2 1), write",
	     0x62320540, 0, "msr actlr_el1, x10", "xzr");

	/* Stage 2: DABT_LOW (EC 0x24) with ISV = 1 and the access described. */
	TRAP("VM", "LDR w12 from an unmapped IPA: ISV, SAS word, SRT 12, level-1 translation fault",
	     0x938c0005, 0, "ldr w12, [x13]", "x12");
	check("VM", trap.far == UNMAPPED_IPA && trap.hpfar == (UNMAPPED_IPA >> 12 << 4),
	      "FAR_EL2 is the address, HPFAR_EL2 holds IPA[47:12] in bits [43:4]");
	check("VM", value == EMULATED(12), "w12 holds the value EL2 emulated");
	TRAP("VM", "STR x14 to an unmapped IPA: ISV, SAS doubleword, SF, WnR, SRT 14",
	     0x93ce8045, 0, "str x14, [x13]", "xzr");
	TRAP("VM", "LDRSB x15: SAS byte, SSE (sign-extend), SF, SRT 15",
	     0x932f8005, 0, "ldrsb x15, [x13]", "xzr");

	/* Not trapped: EL1 reads the virtualized identity registers. */
	v = read_sysreg(MIDR_EL1);
	check("VPIDR", v == VPIDR_VALUE, "MIDR_EL1 at EL1 reads VPIDR_EL2");
	v = read_sysreg(MPIDR_EL1);
	check("VMPIDR", v == VMPIDR_VALUE, "MPIDR_EL1 at EL1 reads VMPIDR_EL2");

	/* With the control clear, the same instructions do not trap. */
	set_hcr(HCR_RW | HCR_VM);
	before = trap.count;
	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
	__asm__ volatile("mrs %0, actlr_el1" : "=r"(v));
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
	__asm__ volatile("msr sctlr_el1, %0" : : "r"(v));
	check("clear", trap.count == before, "with TID3, TACR, TVM, TRVM clear nothing traps");

	/* Virtual interrupts: pending while HCR_EL2.VI/VF/VSE are set (with
	 * IMO/FMO/AMO), masked by PSTATE like physical ones, taken at EL1. */
	uint64_t site;
	set_hcr(HCR_RW | HCR_VM | HCR_IMO | HCR_VI);
	check("VI", read_sysreg(ISR_EL1) == 1u << 7, "ISR_EL1.I shows the pending virtual IRQ");
	check("VI", virt.irq == 0, "PSTATE.I masks it");
	__asm__ volatile("adr %0, 1f\n\tmsr daifclr, #2\n1:\tmsr daifset, #2" : "=r"(site) : : "memory");
	check("VI", virt.irq == 1 && virt.elr == site, "taken at EL1 once unmasked, ELR at the next instruction");
	set_hcr(HCR_RW | HCR_VM | HCR_FMO | HCR_VF);
	__asm__ volatile("adr %0, 1f\n\tmsr daifclr, #1\n1:\tmsr daifset, #1" : "=r"(site) : : "memory");
	check("VF", virt.fiq == 1 && virt.elr == site, "a virtual FIQ, taken at EL1 once unmasked");
	set_hcr(HCR_RW | HCR_VM | HCR_AMO | HCR_VSE);
	__asm__ volatile("adr %0, 1f\n\tmsr daifclr, #4\n1:\tmsr daifset, #4" : "=r"(site) : : "memory");
	check("VSE", virt.serror == 1 && virt.elr == site && ESR_EC(virt.esr) == 0x2f,
	      "a virtual SError, taken at EL1 with ESR_EL1.EC = 0x2f (SError)");
	set_hcr(HCR_RW | HCR_VM | HCR_VI);
	__asm__ volatile("msr daifclr, #2\n\tnop\n\tmsr daifset, #2" : : : "memory");
	check("VI", virt.irq == 1, "without IMO, HCR_EL2.VI has no effect");

	__asm__ volatile("hvc #0xffff");
	for (;;)
		;
}

int main(const void *dtb)
{
	(void)dtb;
	if (current_el() != 2) {
		printf("traps: needs to start at EL2\n");
		return 1;
	}
	exception_hook = el2_hook;

	s2_l1[0] = 0x00000000ul | S2_BLOCK_DEVICE;
	s2_l1[1] = 0x40000000ul | S2_BLOCK_NORMAL;
	write_sysreg(VTCR_EL2, VTCR_VALUE);
	write_sysreg(VTTBR_EL2, 1ul << 48 | (uint64_t)s2_l1);    /* VMID 1 */
	write_sysreg(VPIDR_EL2, VPIDR_VALUE);
	write_sysreg(VMPIDR_EL2, VMPIDR_VALUE);
	write_sysreg(HCR_EL2, HCR_ALL);

	/* EL1's own state, then ERET to el1_main at EL1h, DAIF masked. */
	enter_el1(el1_main, el1_stack + sizeof(el1_stack), vectors_el1);
}
