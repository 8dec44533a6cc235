/*
 * pmu32.c - the PMU's instruction-class events as 32-bit code at PL1 (SVC
 * mode, --el 1) sees them through CP15: PMCEID0/1 list LD_RETIRED,
 * ST_RETIRED, BR_IMMED_RETIRED, BR_RETURN_RETIRED and BR_RETIRED, and each
 * counts exactly over known loops in A32 and T32:
 *   - N x {ldr, str, subs, bne}: N loads, N stores, N - 1 branches, since
 *     the last BNE fails its condition code check, and BR_RETIRED excludes
 *     such CCFAIL branches (ARM DDI 0487, D11.11.2);
 *   - N x {push {r4-r7}, pop {r4-r7}, ldrd, cmp, ldreq (fails), subs, bne}:
 *     a block transfer or LDRD is one instruction (2N loads, N stores), a
 *     load that fails its condition is none;
 *   - N calls of a leaf that returns with BX LR: 2N immediate branches
 *     (BL, BNE but the last, the final B), N returns, 3N branches;
 *   - the same first loop in T32, with an LDREQ in an IT block that never
 *     passes: N loads.
 * Counters are programmed through PMSELR/PMXEVTYPER/PMXEVCNTR, which the
 * Cortex-A15's PMUv2 and a PMUv3 in AArch32 both have.
 */
#include "guest.h"

#define EV_LD_RETIRED        0x06
#define EV_ST_RETIRED        0x07
#define EV_BR_IMMED_RETIRED  0x0d
#define EV_BR_RETURN_RETIRED 0x0e
#define EV_BR_RETIRED        0x21

static volatile uint32_t buf[2] __attribute__((aligned(8)));
static int checks, failures;

static void check(const char *name, int ok, const char *what)
{
	checks++;
	if (!ok)
		failures++;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, what);
}

static inline uint32_t pmceid(int n)
{
	uint32_t v;
	if (n)
		__asm__ volatile("mrc p15, 0, %0, c9, c12, 7" : "=r"(v));
	else
		__asm__ volatile("mrc p15, 0, %0, c9, c12, 6" : "=r"(v));
	return v;
}

/* Counters 0-2 count events[0-2] (no filter: PL1 and PL0), from zero. */
static void setup(const uint32_t events[3])
{
	for (uint32_t n = 0; n < 3; n++) {
		__asm__ volatile("mcr p15, 0, %0, c9, c12, 5\n\t"    /* PMSELR */
		                 "isb\n\t"
		                 "mcr p15, 0, %1, c9, c13, 1\n\t"    /* PMXEVTYPER */
		                 "mcr p15, 0, %2, c9, c13, 2"        /* PMXEVCNTR */
		                 : : "r"(n), "r"(events[n]), "r"(0u) : "memory");
	}
	isb();
}

static void read3(uint32_t out[3])
{
	for (uint32_t n = 0; n < 3; n++)
		__asm__ volatile("mcr p15, 0, %1, c9, c12, 5\n\t"
		                 "isb\n\t"
		                 "mrc p15, 0, %0, c9, c13, 2"
		                 : "=r"(out[n]) : "r"(n) : "memory");
}

/* The loops: each enables counters 0-2 (PMCNTENSET) and disables them
 * (PMCNTENCLR) inside its asm, so that nothing else is counted. */
static void a32_ldst(uint32_t n)
{
	__asm__ volatile("mcr p15, 0, %[en], c9, c12, 1\n\t"
	                 "mov r1, %[n]\n"
	                 "1:\tldr r2, [%[buf]]\n\t"
	                 "str r2, [%[buf], #4]\n\t"
	                 "subs r1, r1, #1\n\t"
	                 "bne 1b\n\t"
	                 "mcr p15, 0, %[en], c9, c12, 2"
	                 : : [en] "r"(7u), [n] "r"(n), [buf] "r"(buf) : "r1", "r2", "cc", "memory");
}

static void a32_blocks(uint32_t n)
{
	__asm__ volatile("mcr p15, 0, %[en], c9, c12, 1\n\t"
	                 "mov r1, %[n]\n"
	                 "1:\tpush {r4-r7}\n\t"
	                 "pop {r4-r7}\n\t"
	                 "ldrd r2, r3, [%[buf]]\n\t"
	                 "cmp r1, #0\n\t"
	                 "ldreq r2, [%[buf]]\n\t"
	                 "subs r1, r1, #1\n\t"
	                 "bne 1b\n\t"
	                 "mcr p15, 0, %[en], c9, c12, 2"
	                 : : [en] "r"(7u), [n] "r"(n), [buf] "r"(buf) : "r1", "r2", "r3", "cc", "memory");
}

static void a32_calls(uint32_t n)
{
	__asm__ volatile("mcr p15, 0, %[en], c9, c12, 1\n\t"
	                 "mov r1, %[n]\n"
	                 "1:\tbl 2f\n\t"
	                 "subs r1, r1, #1\n\t"
	                 "bne 1b\n\t"
	                 "b 3f\n"
	                 "2:\tbx lr\n"
	                 "3:\tmcr p15, 0, %[en], c9, c12, 2"
	                 : : [en] "r"(7u), [n] "r"(n) : "r1", "lr", "cc", "memory");
}

__attribute__((target("thumb"), noinline))
static void t32_ldst(uint32_t n)
{
	__asm__ volatile("mcr p15, 0, %[en], c9, c12, 1\n\t"
	                 "mov r1, %[n]\n"
	                 "1:\tldr r2, [%[buf]]\n\t"
	                 "cmp r1, #0\n\t"
	                 "it eq\n\t"
	                 "ldreq r2, [%[buf]]\n\t"
	                 "str r2, [%[buf], #4]\n\t"
	                 "subs r1, r1, #1\n\t"
	                 "bne 1b\n\t"
	                 "mcr p15, 0, %[en], c9, c12, 2"
	                 : : [en] "r"(7u), [n] "r"(n), [buf] "r"(buf) : "r1", "r2", "cc", "memory");
}

int main(const void *dtb)
{
	static const uint32_t ldst[3] = { EV_LD_RETIRED, EV_ST_RETIRED, EV_BR_RETIRED };
	static const uint32_t calls[3] = { EV_BR_IMMED_RETIRED, EV_BR_RETURN_RETIRED, EV_BR_RETIRED };
	uint32_t c[3];

	(void)dtb;
	printf("pmu32: at EL%u (PL1, SVC mode)\n", current_el());
	check("PMCEID0", (pmceid(0) & 0x60c0) == 0x60c0,
	      "LD_RETIRED, ST_RETIRED, BR_IMMED_RETIRED, BR_RETURN_RETIRED are there");
	check("PMCEID1", (pmceid(1) & 2) == 2, "BR_RETIRED (0x21) is there");
	__asm__ volatile("mcr p15, 0, %0, c9, c12, 0" : : "r"(1u));    /* PMCR.E */

	setup(ldst);
	a32_ldst(1000);
	read3(c);
	printf("pmu32: A32 1000 x {ldr, str, subs, bne}: LD %lu ST %lu BR %lu\n",
	       (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2]);
	check("A32", c[0] == 1000 && c[1] == 1000, "one load and one store per iteration");
	check("A32", c[2] == 999, "the last BNE fails its condition: not a branch retired");

	setup(ldst);
	a32_blocks(100);
	read3(c);
	printf("pmu32: A32 100 x {push, pop, ldrd, cmp, ldreq, subs, bne}: LD %lu ST %lu BR %lu\n",
	       (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2]);
	check("LDM/STM", c[0] == 200 && c[1] == 100, "PUSH, POP and LDRD one each; the failed LDREQ none");

	setup(calls);
	a32_calls(100);
	read3(c);
	printf("pmu32: A32 100 x {bl, bx lr, subs, bne} and a b: BR_IMMED %lu BR_RETURN %lu BR %lu\n",
	       (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2]);
	check("BR_IMMED_RETIRED", c[0] == 200, "BL, BNE but the last, and the B (2n)");
	check("BR_RETURN_RETIRED", c[1] == 100, "one BX LR per call");
	check("BR_RETIRED", c[2] == 300, "3n");

	setup(ldst);
	t32_ldst(1000);
	read3(c);
	printf("pmu32: T32 1000 x {ldr, cmp, it eq, ldreq, str, subs, bne}: LD %lu ST %lu BR %lu\n",
	       (unsigned long)c[0], (unsigned long)c[1], (unsigned long)c[2]);
	check("T32", c[0] == 1000 && c[1] == 1000 && c[2] == 999,
	      "the LDREQ in the IT block never passes: one load, one store per iteration");

	printf("pmu32: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
