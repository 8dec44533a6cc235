/*
 * hvc-bench.c - the cost of one HVC round trip, EL1 -> EL2 -> EL1.
 *
 * The count N comes from /chosen/bootargs (armvm --append N, QEMU -append N;
 * default 1000000). Time a run with a large N and one with N = 0; the
 * difference divided by N is the host time of one round trip.
 *
 * Started at EL2 (armvm's default, QEMU -M virt,virtualization=on), it is
 * its own hypervisor: a vector table whose lower-EL synchronous entry is a
 * bare ERET answers every HVC at once, and EL1 runs the loop:
 *
 *     1: hvc #0 ; subs x1, x1, #1 ; b.ne 1b
 *
 * Started at EL1 (as a guest of minihyp: armvm minihyp.elf --guest
 * hvc-bench.elf), the loop makes Xen's xen_version hypercall instead, which
 * minihyp answers through its whole exit path, then shuts down.
 */
#include "guest.h"

static unsigned long parse_count(const void *dtb)
{
	const char *s = dtb ? fdt_getprop_string(dtb, fdt_path_offset(dtb, "/chosen"),
	                                         "bootargs") : 0;
	unsigned long n = 0;

	if (!s || *s < '0' || *s > '9')
		return 1000000;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

/*
 * The EL2 stub: only entry 8 (lower EL, AArch64, synchronous) is used.
 * x0 != 0: a benchmark HVC, return at once (ELR already points after it).
 * x0 == 0: the loop is over; continue in C at EL2.
 */
__asm__(
	"	.pushsection .text.bench_vectors, \"ax\"\n"
	"	.balign 2048\n"
	"bench_vectors:\n"
	"	.fill 0x400 / 4, 4, 0xd503207f\n"   /* other entries: wfi */
	"	cbz	x0, 1f\n"
	"	eret\n"
	"1:	b	bench_done\n"
	"	.popsection\n");
extern char bench_vectors[];

static unsigned long count;

void bench_done(void) __attribute__((noreturn, used));
void bench_done(void)
{
	printf("hvc-bench: %lu HVC round trips from EL1 to an EL2 stub\n", count);
	guest_exit(0);
}

/* EL1, under our own stub: x0 = 1 marks the benchmark calls. */
static void el1_loop(void)
{
	__asm__ volatile(
		"	mov	x0, #1\n"
		"	cbz	%0, 2f\n"
		"1:	hvc	#0\n"
		"	subs	%0, %0, #1\n"
		"	b.ne	1b\n"
		"2:	mov	x0, #0\n"
		"	hvc	#0\n"
		: : "r"(count) : "x0", "memory");
	for (;;)
		;
}

/* EL1, under minihyp: xen_version (x16 = 17, x0 = XENVER_version). */
static void xen_loop(void)
{
	static struct { uint32_t reason; } off = { 0 };    /* SHUTDOWN_poweroff */
	unsigned long n = count;

	while (n--) {
		register unsigned long x0 __asm__("x0") = 0;
		register unsigned long x16 __asm__("x16") = 17;
		__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x16) : : "x1", "x2", "x3", "x4");
	}
	printf("hvc-bench: %lu xen_version hypercalls\n", count);
	{
		register unsigned long x0 __asm__("x0") = 2;    /* SCHEDOP_shutdown */
		register unsigned long x1 __asm__("x1") = (unsigned long)&off;
		register unsigned long x16 __asm__("x16") = 29; /* sched_op */
		__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x1), "+r"(x16) : : "x2", "x3", "x4", "memory");
	}
	for (;;)
		;
}

int main(const void *dtb)
{
	count = parse_count(dtb);
	if (current_el() == 1) {
		xen_loop();
	}
	/* EL2: our stub, no stage 2, EL1 in AArch64 with its MMU off. */
	write_sysreg(VBAR_EL2, (uint64_t)bench_vectors);
	write_sysreg(HCR_EL2, 1ul << 31);
	write_sysreg(SCTLR_EL1, 0x30d00800ul);
	write_sysreg(ELR_EL2, (uint64_t)el1_loop);
	write_sysreg(SPSR_EL2, 0x3c5ul);        /* EL1h, DAIF masked */
	isb();
	__asm__ volatile("eret");
	return 1;
}
