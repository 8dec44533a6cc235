/*
 * loop.c - a tight integer loop for benchmarking the interpreter.
 *
 * ITERATIONS (default 100 million, set with -DITERATIONS=...) passes of a
 * 5-instruction body: about 5e8 instructions. Nothing is printed before
 * the loop ends; then one line, `loop: 0x<checksum>`, and PSCI SYSTEM_OFF.
 * The checksum depends on every iteration (multiply, shifted-register eor,
 * add, flags, branch), so a wrong emulation shows.
 *
 * The body is written in assembly so that it stays the same whatever the
 * compiler does. In C it would be:
 *   for (i = n; i != 0; i--) { x = x * K + i; x ^= x >> 29; s += x; }
 *   return x ^ s;
 */
#include "guest.h"

#ifndef ITERATIONS
#define ITERATIONS 100000000ul
#endif

/* uint64_t loop_kernel(uint64_t n) */
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.global loop_kernel\n"
	"	.type loop_kernel, %function\n"
	"loop_kernel:\n"
	"	mov	x1, #0x1234\n"          /* x: the state, seeded */
	/* K = 6364136223846793005, Knuth's MMIX LCG multiplier */
	"	movz	x2, #0x7f2d\n"
	"	movk	x2, #0x4c95, lsl #16\n"
	"	movk	x2, #0xf42d, lsl #32\n"
	"	movk	x2, #0x5851, lsl #48\n"
	"	mov	x3, #0\n"               /* s: running sum */
	"	cbz	x0, 2f\n"
	"1:	madd	x1, x1, x2, x0\n"       /* x = x * K + i */
	"	eor	x1, x1, x1, lsr #29\n"  /* x ^= x >> 29 */
	"	add	x3, x3, x1\n"           /* s += x */
	"	subs	x0, x0, #1\n"           /* i-- */
	"	b.ne	1b\n"
	"2:	eor	x0, x1, x3\n"
	"	ret\n");

uint64_t loop_kernel(uint64_t n);

int main(const void *dtb)
{
	(void)dtb;
	printf("loop: 0x%016lx\n", loop_kernel(ITERATIONS));
	return 0;
}
