/*
 * exceptions.c - take three synchronous exceptions at EL1 and return from
 * each: an undefined instruction, an SVC, and a data abort on a physical
 * address where nothing is mapped.
 *
 * If started at EL2 it first drops to EL1, so the test runs at EL1 either
 * way. Expected output (then PSCI SYSTEM_OFF):
 *   exceptions: running at EL1
 *   exception: EC=0x00 (UNKNOWN) ELR=udf_site
 *   exception: EC=0x15 (SVC64) ISS=0x42
 *   exception: EC=0x25 (DABT_CUR) DFSC=0x10 FAR=0x300000000
 *   exceptions: 3 taken, all handled
 * ELR is printed as the label of the faulting instruction when it matches,
 * so that the output does not change whenever the code moves.
 */
#include "guest.h"

/*
 * 12 GiB: above RAM and every device of armvm's boards and of QEMU's virt
 * (its high regions start at 256 GiB), and below the 44-bit PA limit, so
 * with the MMU off the access is a synchronous external abort (DFSC 0x10),
 * not an address size fault.
 */
#define UNMAPPED_PA 0x300000000ul

#define HCR_EL2_RW      (1ul << 31)   /* EL1 is AArch64 */
#define SCTLR_EL1_RES1  0x30d00800ul  /* RES1 bits of ARMv8.0; M, C, I = 0 */
#define SPSR_EL1H_DAIF  0x3c5ul       /* M = EL1h (0b0101), D, A, I, F masked */

/*
 * The faulting instructions, each in a tiny function and with a label the
 * handler compares ELR against. UDF #0 is `.inst 0`: permanently undefined.
 */
__asm__(
	"	.pushsection .text.triggers, \"ax\"\n"
	"	.balign 4\n"
	"	.global trigger_udf, trigger_svc, trigger_dabt\n"
	"	.global udf_site, svc_site, dabt_site\n"
	"	.type trigger_udf, %function\n"
	"	.type trigger_svc, %function\n"
	"	.type trigger_dabt, %function\n"
	"trigger_udf:\n"
	"udf_site:	.inst 0x00000000\n"
	"	ret\n"
	"trigger_svc:\n"
	"svc_site:	svc #0x42\n"
	"	ret\n"
	"trigger_dabt:\n"
	"dabt_site:	ldr x0, [x0]\n"
	"	ret\n"
	"	.popsection\n");

void trigger_udf(void);
void trigger_svc(void);
uint64_t trigger_dabt(uint64_t pa);
extern char udf_site[], svc_site[], dabt_site[];

static int taken, wrong;

/* Print where ELR points: the label if it is the one expected. */
static void print_elr(uint64_t elr, const char *label, uint64_t expected)
{
	if (elr == expected) {
		printf("%s", label);
	} else {
		printf("0x%lx (expected %s = 0x%lx)", elr, label, expected);
		wrong++;
	}
}

static int on_exception(struct exc_frame *f, int kind)
{
	uint32_t ec = ESR_EC(f->esr), iss = ESR_ISS(f->esr), dfsc;

	if (kind != (EXC_CUR_SPX | EXC_SYNC))
		return 0;       /* unexpected: the default handler reports it */

	switch (ec) {
	case EC_UNKNOWN:
		if (f->elr != (uintptr_t)udf_site)
			return 0;   /* e.g. a semihosting HLT: not ours */
		taken++;
		printf("exception: EC=0x%02x (UNKNOWN) ELR=", ec);
		print_elr(f->elr, "udf_site", (uintptr_t)udf_site);
		printf("\n");
		/* ELR is the undefined instruction itself: skip it. */
		f->elr += 4;
		return 1;
	case EC_SVC64:
		taken++;
		printf("exception: EC=0x%02x (SVC64) ISS=0x%x", ec, iss);
		if (iss != 0x42)
			wrong++;
		/*
		 * ARM DDI 0487, "Preferred exception return address": for an
		 * SVC it is the next instruction, so ELR is left alone here.
		 */
		if (f->elr != (uintptr_t)svc_site + 4) {
			printf(" ELR=");
			print_elr(f->elr, "svc_site+4", (uintptr_t)svc_site + 4);
		}
		printf("\n");
		return 1;
	case EC_DABT_CUR:
		taken++;
		dfsc = iss & 0x3f;
		printf("exception: EC=0x%02x (DABT_CUR) DFSC=0x%02x FAR=0x%lx",
		       ec, dfsc, f->far);
		if (dfsc != 0x10 || f->far != UNMAPPED_PA)
			wrong++;
		if (f->elr != (uintptr_t)dabt_site) {
			printf(" ELR=");
			print_elr(f->elr, "dabt_site", (uintptr_t)dabt_site);
		}
		printf("\n");
		/* ELR is the faulting load: skip it (x0 keeps the address). */
		f->elr += 4;
		return 1;
	default:
		return 0;
	}
}

static int run_tests(void)
{
	printf("exceptions: running at EL%u\n", current_el());
	exception_hook = on_exception;
	trigger_udf();
	trigger_svc();
	trigger_dabt(UNMAPPED_PA);
	exception_hook = 0;

	if (taken == 3 && wrong == 0) {
		printf("exceptions: %d taken, all handled\n", taken);
		return 0;
	}
	printf("exceptions: %d taken, %d wrong\n", taken, wrong);
	return 1;
}

/* ---- Dropping from EL2 to EL1 ------------------------------------------- */

static uint64_t el1_stack[2048] __attribute__((aligned(16)));   /* 16 KiB */

/* Where the eret lands, at EL1 on el1_stack. There is nowhere to return to. */
static void __attribute__((noreturn)) el1_entry(void)
{
	guest_exit(run_tests());
}

static void __attribute__((noreturn)) drop_to_el1(void)
{
	write_sysreg(HCR_EL2, HCR_EL2_RW);     /* no traps, no stage 2, EL1 AArch64 */
	write_sysreg(SCTLR_EL1, SCTLR_EL1_RES1);
	write_sysreg(VBAR_EL1, (uintptr_t)vectors_el1);
	write_sysreg(SP_EL1, (uintptr_t)(el1_stack + 2048));
	write_sysreg(SPSR_EL2, SPSR_EL1H_DAIF);
	write_sysreg(ELR_EL2, (uintptr_t)el1_entry);
	isb();
	__asm__ volatile("eret");
	__builtin_unreachable();
}

int main(const void *dtb)
{
	(void)dtb;
	if (current_el() == 2) {
		/*
		 * We own EL2, so above us there is only firmware, reached with
		 * SMC; HCR_EL2.TSC = 0 lets EL1's SMC go to it.
		 */
		psci_set_conduit(PSCI_CONDUIT_SMC);
		drop_to_el1();
	}
	return run_tests();
}
