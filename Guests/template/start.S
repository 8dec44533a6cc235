/*
 * start.S - the first instructions of a bare-metal AArch64 guest.
 *
 * Entry state, under armvm and under QEMU's -kernel with an ELF:
 *   - EL2 (armvm's default; QEMU -M virt,virtualization=on) or EL1 (armvm
 *     --el 1; QEMU -M virt), in AArch64;
 *   - MMU and caches off, so every address is physical; DAIF masked;
 *   - x0 = the device tree's address under armvm (QEMU passes it to Linux
 *     Images only, so this template does not depend on it);
 *   - no stack: SP is whatever it was, so set it before any C code runs.
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =__stack_top        /* the stack grows down from the end of .stack */
	mov	sp, x1

	ldr	x1, =__bss_start        /* C expects .bss to read as zero */
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b

2:	bl	main                    /* x0 (the DTB, or 0) is main's argument */
	bl	exit                    /* main's result is the exit status */
3:	wfi
	b	3b
