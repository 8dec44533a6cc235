/*
 * hyptraps32.c - ARMv7 Hyp mode (AArch32 EL2): does each trap reach Hyp mode with the
 * right syndrome? The 32-bit counterpart of traps.c, for the Cortex-A15.
 *
 * The image must be entered in Hyp mode (CPSR.M = 0x1a), as a hypervisor-aware boot
 * loader hands over. The Hyp half installs its vector table at HVBAR
 * (arm32/hyp-vectors.S), builds a stage-2 identity map (VTCR/VTTBR, LPAE long
 * descriptors) of the devices and RAM with a hole and a read-only page in it, sets the
 * trap controls (HCR, HSTR, HCPTR, HDCR) and ERETs to SVC mode in T32 state. The PL1
 * half executes one instruction per check; the Hyp half records what it receives (HSR,
 * ELR_hyp, HDFAR, HIFAR, HPFAR, the vector offset), emulates what it must and ERETs,
 * stepping ELR_hyp by 4 or 2 as HSR.IL says. The PL1 half compares and prints one TAP
 * line per check ("ok N - ..." / "not ok N - ..."), then asks Hyp mode to print the
 * summary and power off (PSCI SYSTEM_OFF; semihosting SYS_EXIT(1) first if any failed).
 *
 * Expected values come from ARM DDI 0487G.b, part G (AArch32 system registers: HSR and
 * the ISS encoding of each exception class, shared with ESR_ELx; HCR, HSTR, HCPTR, HDCR;
 * "Exception vectors and the exception base address" for the Hyp vector table; the
 * preferred return addresses: a trapped instruction returns to itself, HVC and SVC to
 * the next, an interrupt or asynchronous abort to the next instruction not executed).
 * The Cortex-A15 is ARMv7 (ARM DDI 0406C.c, "Use of the HSR"); where ARMv7 and ARMv8
 * AArch32 differ (HSR.IL where the ISS is not valid, HSR.ISS.coproc for HCPTR traps),
 * the comment says so and the check accepts what both allow.
 *
 * QEMU (qemu-system-arm -M virt,virtualization=on -cpu cortex-a15) does not model a few
 * of these; with its device tree (it has QEMU's fw-cfg node) those checks print
 * "ok N - ... # skip QEMU: reason" when, and only when, QEMU behaves as described.
 * Anywhere else they pass or fail.
 */
#include "guest.h"

#define XSTR(x) STR(x)
#define STR(x) #x

/* ---- CP15 ------------------------------------------------------------------------- */

#define MRC(op1, crn, crm, op2) ({ uint32_t v_;                                        \
	__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v_)); v_; })
#define MCR(op1, crn, crm, op2, v) \
	__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
	                 : : "r"((uint32_t)(v)) : "memory")

#define read_hsr()      MRC(4, c5, c2, 0)
#define read_hdfar()    MRC(4, c6, c0, 0)
#define read_hifar()    MRC(4, c6, c0, 2)
#define read_hpfar()    MRC(4, c6, c0, 4)
#define read_hcr()      MRC(4, c1, c1, 0)
#define write_hcr(v)    MCR(4, c1, c1, 0, v)
#define write_hstr(v)   MCR(4, c1, c1, 3, v)
#define write_hcptr(v)  MCR(4, c1, c1, 2, v)
#define read_hdcr()     MRC(4, c1, c1, 1)
#define write_hdcr(v)   MCR(4, c1, c1, 1, v)
#define write_hvbar(v)  MCR(4, c12, c0, 0, v)
#define write_vtcr(v)   MCR(4, c2, c1, 2, v)
#define write_vpidr(v)  MCR(4, c0, c0, 0, v)
#define write_vmpidr(v) MCR(4, c0, c0, 5, v)

/* HCR, Hyp Configuration Register. */
#define HCR_VM    (1u << 0)
#define HCR_FMO   (1u << 3)
#define HCR_IMO   (1u << 4)
#define HCR_AMO   (1u << 5)
#define HCR_VF    (1u << 6)
#define HCR_VI    (1u << 7)
#define HCR_VA    (1u << 8)
#define HCR_TWI   (1u << 13)
#define HCR_TWE   (1u << 14)
#define HCR_TID1  (1u << 16)
#define HCR_TID2  (1u << 17)
#define HCR_TID3  (1u << 18)
#define HCR_TSC   (1u << 19)
#define HCR_TIDCP (1u << 20)
#define HCR_TAC   (1u << 21)
#define HCR_TSW   (1u << 22)
#define HCR_TPC   (1u << 23)
#define HCR_TPU   (1u << 24)
#define HCR_TTLB  (1u << 25)
#define HCR_TVM   (1u << 26)
#define HCR_TRAPS (HCR_VM | HCR_TWI | HCR_TWE | HCR_TID1 | HCR_TID2 | HCR_TID3 | HCR_TSC | \
                   HCR_TIDCP | HCR_TAC | HCR_TSW | HCR_TPC | HCR_TPU | HCR_TTLB | HCR_TVM)
/* HSTR.T<n> traps MCR/MRC with CRn = n and MCRR/MRRC with CRm = n. */
#define HSTR_T(n) (1u << (n))
/* HCPTR: TCP10/TCP11 trap CP10/CP11 (FP and Advanced SIMD); bits [13:12] and [9:0] are
 * RES1 in ARMv8 (in ARMv7 TCP0-9 trap coprocessors the A15 does not have). */
#define HCPTR_RES1    0x33ffu
#define HCPTR_TRAP_FP (1u << 10 | 1u << 11 | HCPTR_RES1)
#define HDCR_TDA  (1u << 9)

/* VTCR: T0SZ = 0 (32-bit IPA), SL0 = 1 (start at level 1), inner/outer write-back
 * write-allocate walks, inner shareable; bit 31 RES1. */
#define VTCR_VALUE (1u << 31 | 3u << 12 | 1u << 10 | 1u << 8 | 1u << 6)
/* Stage-2 descriptors (the VMSAv8-32 long-descriptor format): block 0b01 (levels 1, 2), table/page 0b11; MemAttr
 * [5:2] (0b0001 Device-nGnRE, 0b1111 Normal write-back), S2AP [7:6] (0b11 read/write,
 * 0b01 read-only), SH [9:8], AF [10]. */
#define S2_DEVICE (1u << 2 | 3u << 6 | 1u << 10)
#define S2_NORMAL (0xfu << 2 | 3u << 6 | 3u << 8 | 1u << 10)
#define S2_NORMAL_RO (0xfu << 2 | 1u << 6 | 3u << 8 | 1u << 10)

#define VPIDR_VALUE  0x414fc0f5u     /* what PL1 reads as MIDR */
#define VMPIDR_VALUE 0x80000003u     /* ... and as MPIDR */
#define EMULATED(rt) (0xe1e10000u | (rt))   /* what Hyp mode puts in a trapped read's Rt */
#define UNMAPPED_L1  0x90000040u     /* stage 2 has no entry for 2-4 GiB */

/* HSR, Hyp Syndrome Register: EC [31:26], IL [25], ISS [24:0]. For the trapped-instruction
 * classes (WFx, MCR/MRC, MCRR/MRRC, CP10), ISS.CV [24] and ISS.COND [23:20]: "When an A32
 * instruction is trapped, CV is set to 1 ... When a T32 instruction is trapped, it is
 * IMPLEMENTATION DEFINED whether CV is set to 1 or set to 0" (COND is then 0xe outside an
 * IT block). SMC differs: see its check. */
#define HSR_EC(h)   ((h) >> 26)
#define HSR_IL      (1u << 25)
#define HSR_CV_COND (0x1fu << 20)
#define A32COND     (1u << 24 | 0xeu << 20)   /* CV = 1, COND = AL */
#define EC(e)       ((uint32_t)(e) << 26)
/* ISS of EC 0x03/0x05 (MCR/MRC): Opc2 [19:17] Opc1 [16:14] CRn [13:10] Rt [8:5] CRm [4:1]
 * Direction [0] (1 = read). */
#define ISS_MCR(opc1, crn, crm, opc2, rt, rd) \
	((opc2) << 17 | (opc1) << 14 | (crn) << 10 | (rt) << 5 | (crm) << 1 | (rd))
/* ISS of EC 0x04 (MCRR/MRRC): Opc1 [19:16] Rt2 [14:10] Rt [9:5] CRm [4:1] Direction [0]. */
#define ISS_MCRR(opc1, crm, rt, rt2, rd) ((opc1) << 16 | (rt2) << 10 | (rt) << 5 | (crm) << 1 | (rd))

/* HVC immediates PL1 uses to talk to Hyp mode (the checks use others). */
#define HVC_SET_HCR   0xff01
#define HVC_GET_HCR   0xff02
#define HVC_SET_HSTR  0xff03
#define HVC_SET_HCPTR 0xff04
#define HVC_GICH_LR0  0xff10    /* r0 -> GICH_LR0, GICH_HCR.En = 1 */
#define HVC_GICH_SNAP 0xff11    /* GICH state -> gich_snap */
#define HVC_GICH_OFF  0xff12    /* LR0 = 0, GICH_HCR = 0 */
#define HVC_FAIL      0xfffe
#define HVC_DONE      0xffff

#define HYPCALL(imm, arg) ({ register uint32_t r0_ __asm__("r0") = (arg);          \
	__asm__ volatile("hvc #" XSTR(imm) : "+r"(r0_) : : "memory"); r0_; })

/* GICv2 virtualization (ARM IHI 0048B, chapter 5: GICH, the virtual interface control
 * registers; GICV, the virtual CPU interface, laid out as GICC). */
#define GICH_HCR    0x000
#define GICH_VTR    0x004
#define GICH_MISR   0x010
#define GICH_EISR0  0x020
#define GICH_ELRSR0 0x030
#define GICH_LR0    0x100
#define GICV_CTLR   0x000
#define GICV_PMR    0x004
#define GICV_IAR    0x00c
#define GICV_EOIR   0x010
#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
/* A list register: State [29:28] (01 pending, 10 active), Priority [27:23], EOI [19]
 * (HW = 0: a maintenance interrupt request when the guest EOIs it), VirtualID [9:0]. */
#define VIRQ_ID   42u
#define LR_STATE(lr) (((lr) >> 28) & 3)
#define LR_PENDING_42 (1u << 28 | (0xa0u >> 3) << 23 | 1u << 19 | VIRQ_ID)

/* ---- State shared by the two halves ----------------------------------------------- */

struct hyp_frame { uint32_t elr, spsr, r[13], lr; };
struct pl1_frame { uint32_t spsr, pad, r[13], ret; };

extern char hyp_vectors[], pl1_vectors[];
void pl1_entry_t32(void);
uint64_t t32_wfi(void);
uint64_t t32_mrc(void);
void hyp_exception(struct hyp_frame *f, unsigned off);
void pl1_exception(struct pl1_frame *f, unsigned off);
void pl1_main(uint32_t magic) __attribute__((noreturn));

/* Stage 2: level 1 (4 x 1 GiB), level 2 for 1-2 GiB (2 MiB each), level 3 for the
 * 2 MiB that hold this image, where hole_page is left unmapped and ro_page read-only. */
static uint64_t s2_l1[4] __attribute__((aligned(4096)));
static uint64_t s2_l2[512] __attribute__((aligned(4096)));
static uint64_t s2_l3[512] __attribute__((aligned(4096)));
static uint32_t hole_page[1024] __attribute__((aligned(4096)));
static uint32_t ro_page[1024] __attribute__((aligned(4096)));

static uint8_t svc_stack[8192] __attribute__((aligned(16)));
static uint8_t irq_stack[2048] __attribute__((aligned(16)));
static uint8_t fiq_stack[2048] __attribute__((aligned(16)));
static uint8_t abt_stack[2048] __attribute__((aligned(16)));
static uint8_t und_stack[2048] __attribute__((aligned(16)));

/* What Hyp mode saw at the last trap. */
static volatile struct {
	uint32_t hsr, elr, spsr, hdfar, hifar, hpfar, off;
	unsigned count;
} trap;

/* What the PL1 vectors saw. */
static volatile struct {
	unsigned irq, fiq, abt;
	uint32_t ret, mode, dfsr, hcr, iar, iar2;
	uint32_t lr_acked, lr_eoied, elrsr_eoied, eisr_eoied, misr_eoied;
} virt;
static volatile int gic_test;

static volatile struct { uint32_t hcr, vtr, misr, eisr0, elrsr0, lr0; } gich_snap;

static uintptr_t gich, gicv;
static uint32_t site, r5val;    /* RUN's results */
/* What trapped() saw when it failed, printed after the check's line. */
static struct { int pending; unsigned traps; } diag;
static int on_qemu;
static volatile int checks, failures, skips;

/* ---- Reporting ---------------------------------------------------------------------- */

/* One TAP line. `qemu_skip`: a reason why QEMU differs from the Arm ARM here; a check that
 * fails under QEMU (and only there) is then reported as skipped. */
static void report(int ok, const char *qemu_skip, const char *fmt, ...)
	__attribute__((format(__printf__, 3, 4)));
static void report(int ok, const char *qemu_skip, const char *fmt, ...)
{
	va_list ap;
	int skip = !ok && qemu_skip && on_qemu;

	checks++;
	if (skip)
		skips++;
	else if (!ok)
		failures++;
	printf("%s %d - ", ok || skip ? "ok" : "not ok", checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (skip)
		printf(" # skip QEMU: %s", qemu_skip);
	printf("\n");
	if (!ok && diag.pending && !diag.traps)
		printf("#   no trap\n");
	else if (!ok && diag.pending)
		printf("#   got %u trap(s), the last: vector 0x%02x HSR 0x%08x, ELR_hyp - site = %d\n",
		       diag.traps, trap.off, trap.hsr, (int)(trap.elr - site));
	diag.pending = 0;
}

static void finish(void) __attribute__((noreturn));
static void finish(void)
{
	printf("1..%d\n", checks);
	printf("hyptraps32: %d checks, %d passed, %d skipped, %d failed\n", checks,
	       checks - skips - failures, skips, failures);
	/* We own Hyp mode: PSCI is the firmware's, through SMC (DEN 0022), whatever the DT
	 * /psci says for a PL1 guest. */
	psci_set_conduit(PSCI_CONDUIT_SMC);
	guest_exit(failures ? 1 : 0);
}

/* ---- Hyp half --------------------------------------------------------------------- */

void hyp_exception(struct hyp_frame *f, unsigned off)
{
	uint32_t hsr = read_hsr(), ec = HSR_EC(hsr), iss = hsr & 0x1ffffff;
	unsigned rt;
	/* The trapped instruction's size, to step over it: HSR.IL, except where the ISS is
	 * not valid (a data abort with ISV = 0, a prefetch abort), where ARMv7 makes IL
	 * UNK/SBZP (DDI 0406C.c, "Use of the HSR") and ARMv8 RES1; there A32 is 4 and T32
	 * is 2 or 4 by its first halfword (0b11101, 0b11110, 0b11111 start a 32-bit one). */
	uint32_t step = (hsr & HSR_IL) ? 4 : 2;
	if (ec == 0x24 && !(iss & (1u << 24))) {
		uint16_t hw = *(volatile uint16_t *)(uintptr_t)f->elr;
		step = !(f->spsr & (1u << 5)) || (hw >> 11) >= 0x1d ? 4 : 2;
	}

	/* SVC in Hyp mode (EC 0x11, vector 0x08): semihosting is absent (guest_exit). */
	if (off == 0x08 && ec == 0x11) {
		f->r[0] = (uint32_t)-1;
		return;             /* ELR_hyp is already the next instruction */
	}
	if (off == 0x14 && ec == 0x12 && (iss & 0xffff) >= 0xff00) {
		switch (iss & 0xffff) {
		case HVC_SET_HCR:
			write_hcr(f->r[0]);
			isb();
			return;
		case HVC_GET_HCR:
			f->r[0] = read_hcr();
			return;
		case HVC_SET_HSTR:
			write_hstr(f->r[0]);
			isb();
			return;
		case HVC_SET_HCPTR:
			write_hcptr(f->r[0]);
			isb();
			return;
		case HVC_GICH_LR0:
			R32(gich + GICH_LR0) = f->r[0];
			R32(gich + GICH_HCR) = 1;       /* En */
			return;
		case HVC_GICH_SNAP:
			gich_snap.hcr = R32(gich + GICH_HCR);
			gich_snap.vtr = R32(gich + GICH_VTR);
			gich_snap.misr = R32(gich + GICH_MISR);
			gich_snap.eisr0 = R32(gich + GICH_EISR0);
			gich_snap.elrsr0 = R32(gich + GICH_ELRSR0);
			gich_snap.lr0 = R32(gich + GICH_LR0);
			return;
		case HVC_GICH_OFF:
			R32(gich + GICH_LR0) = 0;
			R32(gich + GICH_HCR) = 0;
			return;
		case HVC_DONE:
			finish();
		case HVC_FAIL:          /* an unexpected PL1 exception, reported already */
			failures++;
			finish();
		}
	}

	trap.hsr = hsr;
	trap.elr = f->elr;
	trap.spsr = f->spsr;
	trap.hdfar = read_hdfar();
	trap.hifar = read_hifar();
	trap.hpfar = read_hpfar();
	trap.off = off;
	trap.count++;

	if (!(off == 0x14 || (off == 0x08 && ec == 0x12))) {
		printf("hyptraps32: unexpected exception in Hyp mode: vector 0x%02x HSR 0x%08x "
		       "ELR_hyp 0x%08x\n", off, hsr, f->elr);
		failures++;
		finish();
	}

	switch (ec) {
	case 0x12:      /* HVC: ELR_hyp is already the next instruction */
		break;
	case 0x20:      /* stage-2 prefetch abort in code reached by BLX: return to the caller */
		__asm__ volatile("mrs %0, LR_svc" : "=r"(f->elr));
		break;
	case 0x24:      /* stage-2 data abort: a load (ISV, WnR = 0) gets a value in SRT */
		rt = (iss >> 16) & 15;
		if ((iss & (1u << 24)) && !(iss & (1u << 6)) && rt < 13)
			f->r[rt] = EMULATED(rt);
		f->elr += step;
		break;
	case 0x03: case 0x05: case 0x08:    /* MRC, VMRS: a read gets a value in Rt */
		rt = (iss >> 5) & 15;
		if ((iss & 1) && rt < 13)
			f->r[rt] = EMULATED(rt);
		f->elr += step;
		break;
	case 0x04:      /* MRRC: Rt and Rt2 */
		if (iss & 1) {
			rt = (iss >> 5) & 15;
			if (rt < 13)
				f->r[rt] = EMULATED(rt);
			rt = (iss >> 10) & 15;
			if (rt < 13)
				f->r[rt] = EMULATED(rt);
		}
		f->elr += step;
		break;
	default:        /* WFx, SMC, CP10: skip the trapped instruction */
		f->elr += step;
		break;
	}
}

/* ---- PL1 half: its own exceptions -------------------------------------------------- */

void pl1_exception(struct pl1_frame *f, unsigned off)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	virt.ret = f->ret;
	virt.mode = cpsr & 0x1f;
	switch (off) {
	case 0x18:
		virt.irq++;
		if (gic_test) {
			/* A virtual interrupt from the list register, through GICV. */
			virt.iar = R32(gicv + GICV_IAR);
			HYPCALL(HVC_GICH_SNAP, 0);
			virt.lr_acked = gich_snap.lr0;
			R32(gicv + GICV_EOIR) = virt.iar;
			HYPCALL(HVC_GICH_SNAP, 0);
			virt.lr_eoied = gich_snap.lr0;
			virt.elrsr_eoied = gich_snap.elrsr0;
			virt.eisr_eoied = gich_snap.eisr0;
			virt.misr_eoied = gich_snap.misr;
			virt.iar2 = R32(gicv + GICV_IAR);
		} else {
			/* HCR.VI: pending until Hyp mode clears it. */
			HYPCALL(HVC_SET_HCR, HCR_VM);
		}
		return;
	case 0x1c:
		virt.fiq++;
		HYPCALL(HVC_SET_HCR, HCR_VM);
		return;
	case 0x10:
		/* The virtual abort: asynchronous, so the return address is the next
		 * instruction not executed. Taking it clears HCR.VA (DDI 0406C.c, "Virtual
		 * Abort exception"; KVM's arm32 world switch relied on that). */
		virt.abt++;
		virt.dfsr = MRC(0, c5, c0, 0);
		virt.hcr = HYPCALL(HVC_GET_HCR, 0);
		HYPCALL(HVC_SET_HCR, HCR_VM);
		return;
	}
	printf("hyptraps32: unexpected PL1 exception: vector 0x%02x, return address 0x%08x, "
	       "SPSR 0x%08x\n", off, f->ret, f->spsr);
	HYPCALL(HVC_FAIL, 0);
}

/* ---- PL1 half: the checks ------------------------------------------------------------ */

/*
 * Run `insn` (A32) once with r6 = a6 and r7 = a7 (it may use r2-r8, r12), recording its
 * address (the "1:" label) in `site` and r5 afterwards in `r5val`.
 */
#define RUN(insn, a6, a7) do {                                                        \
	register uint32_t r6_ __asm__("r6") = (a6);                                   \
	register uint32_t r7_ __asm__("r7") = (a7);                                   \
	uint32_t s_, v_;                                                              \
	__asm__ volatile("mov r5, #0\n\tadr %0, 1f\n1:\t" insn "\n\tmov %1, r5"       \
	                 : "=&r"(s_), "=&r"(v_), "+r"(r6_), "+r"(r7_) : :             \
	                 "r2", "r3", "r4", "r5", "r8", "r12", "memory", "cc");        \
	site = s_;                                                                    \
	r5val = v_;                                                                   \
} while (0)

/* Exactly one trap since `before`, through the Hyp Trap vector (0x14), with HSR `want`
 * (bits in `mask` only) and ELR_hyp = site + `elr_off`. */
static int trapped(unsigned before, uint32_t want, uint32_t mask, uint32_t elr_off)
{
	int ok = trap.count == before + 1 && trap.off == 0x14 &&
	         (trap.hsr & mask) == want && trap.elr == site + elr_off;

	diag.traps = trap.count - before;
	diag.pending = !ok;
	return ok;
}

#define EXPECT(name, insn, want, elr_off, qemu_skip) do {                              \
	unsigned b_ = trap.count;                                                     \
	RUN(insn, 0, 0);                                                              \
	report(trapped(b_, want, ~0u, elr_off), qemu_skip, "%s: HSR=0x%08x", name,     \
	       (uint32_t)(want));                                                     \
} while (0)

static void set_hcr(uint32_t v)
{
	HYPCALL(HVC_SET_HCR, v);
}

static void check_traps(void)
{
	unsigned before;

	/* WFI: EC 0x01, TI = 0; ELR_hyp at the WFI (the IRQ and FIQ masks are set and no
	 * interrupt is pending, so the WFI would wait: HCR.TWI traps exactly that). */
	EXPECT("TWI: WFI traps, EC 0x01 CV 1 COND 0xe TI 0, ELR_hyp at the WFI", "wfi",
	       EC(0x01) | HSR_IL | A32COND | 0, 0, 0);

	/* WFE: HCR.TWE traps a WFE that would wait, i.e. with the event register clear
	 * (HCR.TWE: "if the instruction would otherwise have caused the PE to enter a
	 * low-power state"). An exception return sets the event register ("The Event
	 * Register", in "Wait For Event and Send Event"), so the
	 * first WFE only clears it and the second one traps. */
	before = trap.count;
	RUN("sev\n\twfe\n\twfe", 0, 0);
	site += 8;      /* the second WFE */
	report(trapped(before, EC(0x01) | HSR_IL | A32COND | 1, ~0u, 0),
	       on_qemu && trap.count == before ?
	       "QEMU 7.2 never traps WFE (it treats WFE as YIELD, target/arm/op_helper.c)" : 0,
	       "TWE: the second of two WFEs traps, EC 0x01 TI 1, the first one (event register set) does not");

	/* SMC: EC 0x13, ELR_hyp at the SMC. ISS = 0: ARMv7 makes it UNK/SBZP; in ARMv8 it is
	 * CV [24], COND [23:20], CCKNOWNPASS [19], where CV and COND are valid only if
	 * CCKNOWNPASS is 1 (else RES0), and CCKNOWNPASS is 0 for an unconditional SMC. */
	EXPECT("TSC: SMC traps, EC 0x13 ISS 0 (unconditional), ELR_hyp at the SMC",
	       ".arch_extension sec\n\tsmc #0", EC(0x13) | HSR_IL, 0, 0);

	/* HVC from PL1: EC 0x12 with imm16, through the Hyp Trap vector; ELR_hyp after it. */
	EXPECT("HVC #0x4321 from SVC mode: EC 0x12 imm16, vector 0x14, ELR_hyp after the HVC",
	       "hvc #0x4321", EC(0x12) | HSR_IL | 0x4321, 4, 0);

	/* TVM: writes of the stage-1 control registers trap (reads do not: ARMv7 has no
	 * TRVM). MCR: EC 0x03; MCRR: EC 0x04. */
	EXPECT("TVM: MCR SCTLR (c1, c0, 0) from r5 traps, EC 0x03 write",
	       "mcr p15, 0, r5, c1, c0, 0",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 1, 0, 0, 5, 0), 0, 0);
	EXPECT("TVM: MCRR TTBR0 (c2) from r6, r7 traps, EC 0x04 Rt 6 Rt2 7 write",
	       "mcrr p15, 0, r6, r7, c2",
	       EC(0x04) | HSR_IL | A32COND | ISS_MCRR(0, 2, 6, 7, 0), 0, 0);
	EXPECT("TVM: MCR DACR (c3, c0, 0) traps", "mcr p15, 0, r5, c3, c0, 0",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 3, 0, 0, 5, 0), 0, 0);
	before = trap.count;
	RUN("mrc p15, 0, r5, c1, c0, 0", 0, 0);
	report(trap.count == before, 0, "TVM: MRC SCTLR does not trap");

	/* TID3: the ID_* group 3 registers, and MVFR0/MVFR1 through VMRS (EC 0x08: the MRC
	 * ISS with Opc1 0b111, CRn = the VMRS reg field, CRm 0, Opc2 0). */
	/* (ARMv7's TID3 set, DDI 0406C.c, HCR: ID_PFR0-1, ID_DFR0, ID_AFR0, ID_MMFR0-3,
	 * ID_ISAR0-5, MVFR0-1.) */
	EXPECT("TID3: MRC ID_PFR0 (c0, c1, 0) into r5 traps, EC 0x03 read",
	       "mrc p15, 0, r5, c0, c1, 0",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 0, 1, 0, 5, 1), 0, "QEMU 7.2 traps the AArch32 ID registers on HCR.TID3 only for ARMv8 CPUs (access_aa32_tid3)");
	report(r5val == EMULATED(5), "QEMU 7.2 traps the AArch32 ID registers on HCR.TID3 only for ARMv8 CPUs (access_aa32_tid3)", "TID3: r5 holds the value Hyp mode emulated");
	EXPECT("TID3: MRC ID_MMFR0 (c0, c1, 4) traps", "mrc p15, 0, r5, c0, c1, 4",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 0, 1, 4, 5, 1), 0, "QEMU 7.2 traps the AArch32 ID registers on HCR.TID3 only for ARMv8 CPUs (access_aa32_tid3)");
	EXPECT("TID3: VMRS r5, MVFR0 traps, EC 0x08 Opc1 7 CRn 7",
	       ".fpu vfpv4\n\tvmrs r5, mvfr0",
	       EC(0x08) | HSR_IL | A32COND | ISS_MCR(7, 7, 0, 0, 5, 1), 0, 0);
	/* TID1: TCMTR, TLBTR, REVIDR, AIDR; TID2: CTR, CCSIDR, CLIDR, CSSELR. */
	EXPECT("TID1: MRC AIDR (c0, c0, 7, Opc1 1) traps", "mrc p15, 1, r5, c0, c0, 7",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(1, 0, 0, 7, 5, 1), 0, 0);
	EXPECT("TID2: MRC CTR (c0, c0, 1) traps", "mrc p15, 0, r5, c0, c0, 1",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 0, 0, 1, 5, 1), 0, 0);
	EXPECT("TID2: MRC CLIDR (c0, c0, 1, Opc1 1) traps", "mrc p15, 1, r5, c0, c0, 1",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(1, 0, 0, 1, 5, 1), 0, 0);
	/* TIDCP: the IMPLEMENTATION DEFINED encodings (CRn 9 with CRm c0-c2/c5-c8, CRn 10 with
	 * c0/c1/c4/c8, CRn 11); here the Cortex-A15's L2CTLR (c9, c0, 2, Opc1 1). */
	EXPECT("TIDCP: MRC L2CTLR (c9, c0, 2, Opc1 1) traps", "mrc p15, 1, r5, c9, c0, 2",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(1, 9, 0, 2, 5, 1), 0,
	       "QEMU 7.2 does not implement HCR.TIDCP (QEMU added it in September 2023)");
	/* TAC: ACTLR. */
	EXPECT("TAC: MRC ACTLR (c1, c0, 1) traps", "mrc p15, 0, r5, c1, c0, 1",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 1, 0, 1, 5, 1), 0, 0);
	/* TTLB, TPU, TPC, TSW: TLB and cache maintenance. */
	EXPECT("TTLB: MCR TLBIALL (c8, c7, 0) traps", "mcr p15, 0, r5, c8, c7, 0",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 8, 7, 0, 5, 0), 0, 0);
	EXPECT("TPU: MCR ICIALLU (c7, c5, 0) traps", "mcr p15, 0, r5, c7, c5, 0",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 7, 5, 0, 5, 0), 0, "QEMU 7.2 does not trap ARMv7 CPUs' c7 cache maintenance on HCR.TPU/TPC/TSW");
	EXPECT("TPC: MCR DCCMVAC (c7, c10, 1) traps", "mcr p15, 0, r5, c7, c10, 1",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 7, 10, 1, 5, 0), 0, "QEMU 7.2 does not trap ARMv7 CPUs' c7 cache maintenance on HCR.TPU/TPC/TSW");
	EXPECT("TSW: MCR DCISW (c7, c6, 2) traps", "mcr p15, 0, r5, c7, c6, 2",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 7, 6, 2, 5, 0), 0, "QEMU 7.2 does not trap ARMv7 CPUs' c7 cache maintenance on HCR.TPU/TPC/TSW");

	/* HSTR.T13 and T2: MRC with CRn 13 (TPIDRURO), MRRC with CRm 2 (TTBR0). */
	HYPCALL(HVC_SET_HSTR, HSTR_T(13) | HSTR_T(2));
	EXPECT("HSTR.T13: MRC TPIDRURO (c13, c0, 3) into r5 traps, EC 0x03 read",
	       "mrc p15, 0, r5, c13, c0, 3",
	       EC(0x03) | HSR_IL | A32COND | ISS_MCR(0, 13, 0, 3, 5, 1), 0, 0);
	report(r5val == EMULATED(5), 0, "HSTR.T13: r5 holds the value Hyp mode emulated");
	EXPECT("HSTR.T2: MRRC TTBR0 (c2) into r5, r6 traps, EC 0x04 read",
	       "mrrc p15, 0, r5, r6, c2",
	       EC(0x04) | HSR_IL | A32COND | ISS_MCRR(0, 2, 5, 6, 1), 0, 0);
	HYPCALL(HVC_SET_HSTR, 0);
	before = trap.count;
	RUN("mrc p15, 0, r5, c13, c0, 3", 0, 0);
	report(trap.count == before, 0, "HSTR = 0: MRC TPIDRURO does not trap");

	/* HDCR.TDA: CP14 debug registers, EC 0x05 (the MCR/MRC ISS). */
	EXPECT("HDCR.TDA: MRC p14 DBGBVR0 (c0, c0, 4) traps, EC 0x05 read",
	       "mrc p14, 0, r5, c0, c0, 4",
	       EC(0x05) | HSR_IL | A32COND | ISS_MCR(0, 0, 0, 4, 5, 1), 0, 0);

	/* HCPTR.TCP10: CP10 (FP) traps, EC 0x07. ISS: CV, COND, TA [5] = 0, coproc [3:0]:
	 * 0xa on ARMv7 (DDI 0406C.c, "Use of the HSR"), RES0 in ARMv8; the Cortex-A15 is
	 * ARMv7. CPACR gives PL1 full access, so it is HCPTR that traps, not an UNDEF. */
	HYPCALL(HVC_SET_HCPTR, HCPTR_TRAP_FP);
	EXPECT("HCPTR.TCP10: VMRS r5, FPEXC traps, EC 0x07 coproc 0xa",
	       ".fpu vfpv4\n\tvmrs r5, fpexc", EC(0x07) | HSR_IL | A32COND | 0xa, 0, 0);
	HYPCALL(HVC_SET_HCPTR, HCPTR_RES1);
	before = trap.count;
	RUN(".fpu vfpv4\n\tvmrs r5, fpexc", 0, 0);
	report(trap.count == before, 0, "HCPTR.TCP10 clear: VMRS FPEXC does not trap");
}

static void check_stage2(void)
{
	uint32_t hole = (uintptr_t)hole_page, ro = (uintptr_t)ro_page;
	unsigned before;

	/* EC 0x24, ISS: ISV [24] SAS [23:22] SSE [21] SRT [19:16] AR [14] EA [9] CM [8]
	 * S1PTW [7] WnR [6] DFSC [5:0] (0b0001LL translation fault at level LL, 0b0011LL
	 * permission fault). HPFAR [31:4] = IPA [39:12]. */
	before = trap.count;
	RUN("ldr r5, [r6]", hole + 0x10, 0);
	report(trapped(before, EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 5u << 16 | 0x07, ~0u, 0),
	       0, "stage-2 data abort: LDR r5 from the hole: HSR=0x%08x (ISV, SAS word, SRT 5, "
	       "level-3 translation fault)", EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 5u << 16 | 0x07);
	report(trap.hdfar == hole + 0x10 && trap.hpfar == (hole >> 12) << 4, 0,
	       "stage-2 data abort: HDFAR is the address, HPFAR holds IPA[39:12] in [31:4]");
	report(r5val == EMULATED(5), 0, "stage-2 data abort: r5 holds the value Hyp mode emulated");

	before = trap.count;
	RUN("strh r7, [r6]", hole + 0x22, 0x1234);
	report(trapped(before, EC(0x24) | HSR_IL | 1u << 24 | 1u << 22 | 7u << 16 | 1u << 6 | 0x07, ~0u, 0)
	       && trap.hdfar == hole + 0x22, 0,
	       "stage-2 data abort: STRH r7: HSR=0x%08x (SAS halfword, SRT 7, WnR), HDFAR",
	       EC(0x24) | HSR_IL | 1u << 24 | 1u << 22 | 7u << 16 | 1u << 6 | 0x07);

	before = trap.count;
	RUN("ldrsb r5, [r6]", hole + 0x33, 0);
	report(trapped(before, EC(0x24) | HSR_IL | 1u << 24 | 1u << 21 | 5u << 16 | 0x07, ~0u, 0)
	       && trap.hdfar == hole + 0x33, 0,
	       "stage-2 data abort: LDRSB r5: HSR=0x%08x (SAS byte, SSE), HDFAR",
	       EC(0x24) | HSR_IL | 1u << 24 | 1u << 21 | 5u << 16 | 0x07);

	before = trap.count;
	RUN("ldm r6, {r3, r4}", hole + 0x40, 0);
	/* ISV = 0: IL is UNK/SBZP in ARMv7 (DDI 0406C.c, "Use of the HSR"), RES1 in ARMv8:
	 * not checked. */
	report(trapped(before, EC(0x24) | 0x07, ~HSR_IL, 0) && trap.hdfar == hole + 0x40, 0,
	       "stage-2 data abort: LDM: HSR=0x%08x (ISV 0: no instruction syndrome; IL not checked)",
	       EC(0x24) | HSR_IL | 0x07);

	before = trap.count;
	RUN("ldr r5, [r6]", UNMAPPED_L1, 0);
	report(trapped(before, EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 5u << 16 | 0x05, ~0u, 0)
	       && trap.hdfar == UNMAPPED_L1 && trap.hpfar == (UNMAPPED_L1 >> 12) << 4, 0,
	       "stage-2 data abort: LDR from IPA 0x%08x: HSR=0x%08x (level-1 translation fault), "
	       "HDFAR, HPFAR=0x%08x", UNMAPPED_L1,
	       EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 5u << 16 | 0x05, (UNMAPPED_L1 >> 12) << 4);

	/* A permission fault: HPFAR is UNKNOWN for it (valid only for translation, access
	 * flag and address size faults, and for S1PTW), so only HDFAR is checked. */
	before = trap.count;
	RUN("str r7, [r6]", ro + 0x8, 0x5678);
	report(trapped(before, EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 7u << 16 | 1u << 6 | 0x0f, ~0u, 0)
	       && trap.hdfar == ro + 0x8, 0,
	       "stage-2 data abort: STR r7 to a read-only page: HSR=0x%08x (level-3 permission "
	       "fault), HDFAR", EC(0x24) | HSR_IL | 1u << 24 | 2u << 22 | 7u << 16 | 1u << 6 | 0x0f);
	before = trap.count;
	RUN("ldr r5, [r6]", ro + 0x8, 0);
	report(trap.count == before && r5val == 0xc0de0008u, 0,
	       "stage 2: a load from the read-only page does not trap");

	/* EC 0x20, ISS: S1PTW [7], EA [9], IFSC [5:0]. ELR_hyp and HIFAR are the branch
	 * target; Hyp mode returns to LR_svc (a banked MRS). */
	before = trap.count;
	RUN("adr lr, 3f\n\tblx r6\n3:", hole, 0);
	report(trap.count == before + 1 && trap.off == 0x14 &&
	       (trap.hsr & ~HSR_IL) == (EC(0x20) | 0x07) && trap.elr == hole &&
	       trap.hifar == hole && trap.hpfar == (hole >> 12) << 4, 0,
	       "stage-2 prefetch abort: BLX into the hole: HSR=0x%08x (level-3 translation "
	       "fault; IL not checked, as for LDM), ELR_hyp = HIFAR = the target, HPFAR",
	       EC(0x20) | HSR_IL | 0x07);
	if (trap.count != before + 1 || (trap.hsr & ~HSR_IL) != (EC(0x20) | 0x07))
		printf("# got HSR 0x%08x HIFAR 0x%08x HPFAR 0x%08x ELR_hyp 0x%08x\n",
		       trap.hsr, trap.hifar, trap.hpfar, trap.elr);
}

static void check_t32(void)
{
	unsigned before = trap.count;
	uint64_t r;

	/* T32: a 16-bit WFI gives IL = 0 and Hyp mode steps ELR_hyp by 2 (the function
	 * then returns normally). CV/COND are IMPLEMENTATION DEFINED for T32. */
	r = t32_wfi();
	site = (uint32_t)r;
	report(trapped(before, EC(0x01) | 0, ~HSR_CV_COND, 0) && (trap.spsr & (1u << 5)), 0,
	       "T32: 16-bit WFI traps with IL 0, SPSR_hyp.T 1, ELR_hyp at the WFI; ERET to T32 "
	       "with ELR_hyp + 2");

	before = trap.count;
	r = t32_mrc();
	site = (uint32_t)r;
	report(trapped(before, EC(0x03) | HSR_IL | ISS_MCR(0, 1, 0, 1, 2, 1), ~HSR_CV_COND, 0) &&
	       (uint32_t)(r >> 32) == EMULATED(2), 0,
	       "T32: 32-bit MRC ACTLR into r2 traps (TAC) with IL 1, ELR_hyp + 4, r2 emulated");
}

static void check_virtual(void)
{
	uint32_t s, isr;

	/* HCR.VI with IMO: a virtual IRQ, masked by CPSR.I, taken in IRQ mode at VBAR + 0x18
	 * with LR_irq = the next instruction + 4. ISR.I (c12, c1, 0, bit 7) shows it. */
	set_hcr(HCR_VM | HCR_IMO | HCR_VI);
	isr = MRC(0, c12, c1, 0);
	report(isr == 1u << 7 && virt.irq == 0, 0,
	       "HCR.VI: ISR=0x%08x shows the pending virtual IRQ, CPSR.I masks it", 1u << 7);
	__asm__ volatile("adr %0, 1f\n\tcpsie i\n1:\tcpsid i" : "=r"(s) : : "memory");
	report(virt.irq == 1 && virt.ret == s && virt.mode == 0x12, 0,
	       "HCR.VI: taken in IRQ mode at VBAR + 0x18 once unmasked, returning to the next "
	       "instruction");

	set_hcr(HCR_VM | HCR_FMO | HCR_VF);
	__asm__ volatile("adr %0, 1f\n\tcpsie f\n1:\tcpsid f" : "=r"(s) : : "memory");
	report(virt.fiq == 1 && virt.ret == s && virt.mode == 0x11, 0,
	       "HCR.VF: a virtual FIQ, taken in FIQ mode at VBAR + 0x1c once unmasked");

	/* HCR.VA with AMO: a virtual asynchronous abort, taken in Abort mode at VBAR + 0x10;
	 * DFSR.FS (short-descriptor, TTBCR.EAE = 0) = 0b10110, asynchronous external abort;
	 * taking it clears HCR.VA. */
	set_hcr(HCR_VM | HCR_AMO | HCR_VA);
	__asm__ volatile("adr %0, 1f\n\tcpsie a\n1:\tcpsid a" : "=r"(s) : : "memory");
	report(virt.abt == 1 && virt.ret == s && virt.mode == 0x17 &&
	       (virt.dfsr & 0x40f) == 0x406, 0,
	       "HCR.VA: a virtual abort, taken in Abort mode at VBAR + 0x10, DFSR.FS 0b10110");
	report(virt.abt == 1 && !(virt.hcr & HCR_VA), 0, "HCR.VA: cleared when the abort is taken");

	/* Without IMO, VI has no effect. */
	set_hcr(HCR_VM | HCR_VI);
	__asm__ volatile("cpsie i\n\tnop\n\tcpsid i" : : : "memory");
	report(virt.irq == 1, 0, "HCR.VI without HCR.IMO: no virtual IRQ");
	set_hcr(HCR_VM);
}

static void check_gich(void)
{
	uint32_t s;

	if (!gich || !gicv) {
		report(0, 0, "GICH: the DT's GIC has GICH and GICV frames");
		return;
	}
	/* Hyp mode enables the virtual interface and puts a pending virtual IRQ 42 in LR0
	 * (priority 0xa0, group 0, EOI maintenance request); PL1 enables its virtual CPU
	 * interface, through GICV, and unmasks IRQs. */
	set_hcr(HCR_VM | HCR_IMO);
	R32(gicv + GICV_PMR) = 0xf0;
	R32(gicv + GICV_CTLR) = 1;                  /* EnableGrp0 */
	HYPCALL(HVC_GICH_LR0, LR_PENDING_42);
	HYPCALL(HVC_GICH_SNAP, 0);
	report(gich_snap.hcr == 1 && LR_STATE(gich_snap.lr0) == 1 && !(gich_snap.elrsr0 & 1) &&
	       !(gich_snap.eisr0 & 1) && (gich_snap.misr & 1) == 0, 0,
	       "GICH: LR0 pending, GICH_ELRSR0 bit 0 clear, no EOI maintenance yet");

	gic_test = 1;
	__asm__ volatile("adr %0, 1f\n\tcpsie i\n1:\tcpsid i" : "=r"(s) : : "memory");
	gic_test = 0;
	report(virt.irq == 2 && virt.ret == s && virt.mode == 0x12 && virt.iar == VIRQ_ID, 0,
	       "GICH: the virtual IRQ is taken in IRQ mode, GICV_IAR = %u", VIRQ_ID);
	report(LR_STATE(virt.lr_acked) == 2, 0, "GICH: after GICV_IAR, LR0 is active");
	/* IHI 0048B, GICH_EISR0/GICH_ELRSR0/GICH_MISR: an invalid LR with EOI = 1 and HW = 0 is an EOI maintenance
	 * request (its GICH_EISR0 bit set, so GICH_MISR.EOI); it is not free (GICH_ELRSR0
	 * bit clear: free means invalid and HW = 1 or EOI = 0) until the hypervisor
	 * rewrites it. */
	report(LR_STATE(virt.lr_eoied) == 0 && !(virt.elrsr_eoied & 1) && (virt.eisr_eoied & 1) &&
	       (virt.misr_eoied & 1), 0,
	       "GICH: after GICV_EOIR, LR0 is invalid, GICH_EISR0 bit 0 and GICH_MISR.EOI set, "
	       "GICH_ELRSR0 bit 0 still clear");
	report(virt.iar2 == 1023, 0, "GICH: then GICV_IAR reads 1023 (spurious)");
	HYPCALL(HVC_GICH_OFF, 0);
	HYPCALL(HVC_GICH_SNAP, 0);
	report(gich_snap.misr == 0 && !(gich_snap.eisr0 & 1) && (gich_snap.elrsr0 & 1), 0,
	       "GICH: LR0 rewritten as 0: GICH_MISR 0, EISR0 bit 0 clear, ELRSR0 bit 0 set");
	set_hcr(HCR_VM);
}

void pl1_main(uint32_t magic)
{
	uint32_t cpsr, midr, mpidr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	report(magic == 0x5a && (cpsr & 0x1f) == 0x13, 0,
	       "ERET from Hyp mode to SVC mode in T32 state (SPSR_hyp.T = 1)");
	midr = MRC(0, c0, c0, 0);
	mpidr = MRC(0, c0, c0, 5);
	report(midr == VPIDR_VALUE, 0, "VPIDR: MIDR at PL1 reads 0x%08x", VPIDR_VALUE);
	report(mpidr == VMPIDR_VALUE, 0, "VMPIDR: MPIDR at PL1 reads 0x%08x", VMPIDR_VALUE);

	set_hcr(HCR_TRAPS);
	check_traps();
	set_hcr(HCR_VM | HCR_TWI | HCR_TAC);
	check_t32();
	set_hcr(HCR_VM);
	check_stage2();
	check_virtual();
	check_gich();

	HYPCALL(HVC_DONE, 0);
	for (;;)
		;
}

/* ---- Hyp half: set-up ------------------------------------------------------------- */

static void find_gic(const void *dtb)
{
	static const char *const compat[] = { "arm,cortex-a15-gic", "arm,gic-400" };
	uint64_t base, size;
	unsigned i;

	for (i = 0; dtb && i < 2; i++) {
		int node = fdt_node_offset_by_compatible(dtb, -1, compat[i]);

		if (node < 0)
			continue;
		/* reg: GICD, GICC, GICH, GICV (Linux's arm,gic.yaml). */
		if (fdt_get_reg(dtb, node, 2, &base, &size) == 0)
			gich = (uintptr_t)base;
		if (fdt_get_reg(dtb, node, 3, &base, &size) == 0)
			gicv = (uintptr_t)base;
		return;
	}
}

static int build_stage2(void)
{
	uint32_t img2m = (uintptr_t)hole_page & ~0x1fffffu, a;
	unsigned i;

	/* One level-3 table covers both pages: they must share a 2 MiB block of RAM. */
	if (((uintptr_t)ro_page & ~0x1fffffu) != img2m || img2m < 0x40000000u || img2m >= 0x80000000u) {
		printf("hyptraps32: hole_page 0x%08x and ro_page 0x%08x are not in one 2 MiB block "
		       "of 1-2 GiB\n", (unsigned)(uintptr_t)hole_page, (unsigned)(uintptr_t)ro_page);
		return -1;
	}

	s2_l1[0] = 0x00000000u | S2_DEVICE | 1;             /* devices: 1 GiB block */
	s2_l1[1] = (uintptr_t)s2_l2 | 3;                    /* RAM: a table */
	for (i = 0; i < 512; i++)
		s2_l2[i] = (0x40000000u + (i << 21)) | S2_NORMAL | 1;
	s2_l2[(img2m - 0x40000000u) >> 21] = (uintptr_t)s2_l3 | 3;
	for (i = 0; i < 512; i++) {
		a = img2m + (i << 12);
		if (a == (uintptr_t)hole_page)
			s2_l3[i] = 0;                       /* the hole */
		else
			s2_l3[i] = a | (a == (uintptr_t)ro_page ? S2_NORMAL_RO : S2_NORMAL) | 3;
	}
	for (i = 0; i < 1024; i++)
		ro_page[i] = 0xc0de0000u + 4 * i;

	write_vtcr(VTCR_VALUE);
	/* VTTBR: BADDR, VMID [55:48] = 1. */
	__asm__ volatile("mcrr p15, 6, %Q0, %R0, c2" : : "r"(1ull << 48 | (uintptr_t)s2_l1));
	__asm__ volatile("dsb\n\tmcr p15, 4, %0, c8, c7, 4\n\tdsb\n\tisb"  /* TLBIALLNSNH */
	                 : : "r"(0) : "memory");
	return 0;
}

int main(const void *dtb)
{
	uint32_t cpsr, v, sp;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	if ((cpsr & 0x1f) != 0x1a) {
		printf("hyptraps32: entered in mode 0x%02x, not Hyp mode (0x1a): the loader must "
		       "enter this image in Hyp mode (PL2)\n", (unsigned)(cpsr & 0x1f));
		return 1;
	}
	on_qemu = dtb && fdt_node_offset_by_compatible(dtb, -1, "qemu,fw-cfg-mmio") >= 0;
	report(1, 0, "entered in Hyp mode: CPSR.M = 0x1a");
	find_gic(dtb);

	write_hvbar((uintptr_t)hyp_vectors);
	isb();

	/* HVC in Hyp mode: taken to Hyp mode through vector 0x08 (not 0x14), HSR EC 0x12. */
	{
		unsigned before = trap.count;
		__asm__ volatile("adr %0, 1f\n\thvc #0x1234\n1:" : "=r"(site) : : "memory");
		report(trap.count == before + 1 && trap.off == 0x08 &&
		       trap.hsr == (EC(0x12) | HSR_IL | 0x1234) && trap.elr == site &&
		       (trap.spsr & 0x1f) == 0x1a, 0,
		       "HVC #0x1234 in Hyp mode: vector 0x08, HSR=0x%08x, ELR_hyp after the HVC",
		       EC(0x12) | HSR_IL | 0x1234);
	}

	if (build_stage2() < 0) {
		failures++;
		finish();
	}
	write_vpidr(VPIDR_VALUE);
	write_vmpidr(VMPIDR_VALUE);

	/* PL1's state: SCTLR with the MMU, caches, alignment checks, high vectors, TE and EE
	 * off; VBAR; CPACR giving CP10/CP11 to PL0/PL1 (so that HCPTR traps them);
	 * TTBCR.EAE = 0 (short-descriptor DFSR format). */
	v = MRC(0, c1, c0, 0);
	v &= ~(1u << 0 | 1u << 1 | 1u << 2 | 1u << 12 | 1u << 13 | 1u << 25 | 1u << 30);
	MCR(0, c1, c0, 0, v);
	MCR(0, c12, c0, 0, (uintptr_t)pl1_vectors);
	MCR(0, c1, c0, 2, 0xfu << 20);
	MCR(0, c2, c0, 2, 0);

	/* The PL1 modes' stacks, through the banked MSR forms (Hyp mode may write them). */
	sp = (uintptr_t)(svc_stack + sizeof(svc_stack));
	__asm__ volatile("msr SP_svc, %0" : : "r"(sp));
	__asm__ volatile("msr SP_irq, %0" : : "r"((uintptr_t)(irq_stack + sizeof(irq_stack))));
	__asm__ volatile("msr SP_fiq, %0" : : "r"((uintptr_t)(fiq_stack + sizeof(fiq_stack))));
	__asm__ volatile("msr SP_abt, %0" : : "r"((uintptr_t)(abt_stack + sizeof(abt_stack))));
	__asm__ volatile("msr SP_und, %0" : : "r"((uintptr_t)(und_stack + sizeof(und_stack))));
	__asm__ volatile("mrs %0, SP_svc" : "=r"(v));
	report(v == sp, 0, "banked MSR/MRS SP_svc from Hyp mode");

	write_hdcr((read_hdcr() & 0x1fu) | HDCR_TDA);
	write_hcptr(HCPTR_RES1);
	write_hstr(0);
	write_hcr(HCR_VM);
	isb();

	/* ERET to SVC mode, T32 state, A/I/F masked: SPSR_hyp = 0x1f3. */
	__asm__ volatile("msr ELR_hyp, %0\n\tmsr spsr_cxsf, %1\n\teret"
	                 : : "r"((uintptr_t)pl1_entry_t32 & ~1u), "r"(0x1f3u) : "memory");
	return 1;
}
