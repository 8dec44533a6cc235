/*
 * start.S - entry point of every library-based guest.
 *
 * Entered at EL2 or EL1, MMU off, interrupts masked, SP undefined,
 * x0 = DTB address (armvm) or 0 (QEMU with a bare ELF).
 */
	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	mov	x19, x0			// keep the DTB pointer (x19 is callee-saved)

	// A stack of our own: SP is undefined at entry. Select SP_ELx
	// (ELxh), the stack exceptions are taken on, so that one stack serves
	// both the program and its exception handlers.
	msr	SPSel, #1
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1

	// Zero .bss. The linker script keeps both ends 16-byte aligned.
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	// Install the vector table of the EL we run at (CurrentEL[3:2]).
	mrs	x1, CurrentEL
	ubfx	x1, x1, #2, #2
	cmp	x1, #2
	b.ne	3f
	adrp	x2, vectors_el2
	add	x2, x2, :lo12:vectors_el2
	msr	VBAR_EL2, x2
	b	4f
3:	adrp	x2, vectors_el1
	add	x2, x2, :lo12:vectors_el1
	msr	VBAR_EL1, x2
4:	isb				// the new VBAR is used from here on

	mov	x0, x19
	bl	runtime_init		// returns the checked DTB, or 0
	bl	main			// x0 = dtb
	bl	guest_exit		// x0 = main's return code; never returns
5:	wfi
	b	5b
	.size _start, . - _start
