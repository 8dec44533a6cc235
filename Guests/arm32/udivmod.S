/*
 * arm32/divide.S - __aeabi_uldivmod, the run-time ABI's 64-bit unsigned
 * division (ARM IHI 0043, "Integer (32/32 -> 32) division functions" and
 * the 64-bit ones after it): numerator r0:r1, denominator r2:r3; returns
 * the quotient in r0:r1 and the remainder in r2:r3, which no C function can
 * do, hence this wrapper around udivmod64() (divide.c).
 */
	.syntax unified
	.arm
	.text
	.global	__aeabi_uldivmod
	.type	__aeabi_uldivmod, %function
__aeabi_uldivmod:
	push	{r4, lr}			@ 8 bytes: the stack stays 8-aligned
	sub	sp, sp, #16
	add	r4, sp, #8			@ the remainder's slot
	str	r4, [sp]			@ fifth argument: &remainder
	bl	udivmod64
	ldr	r2, [sp, #8]
	ldr	r3, [sp, #12]
	add	sp, sp, #16
	pop	{r4, pc}
	.size	__aeabi_uldivmod, . - __aeabi_uldivmod

	.section .note.GNU-stack, "", %progbits
