/*
 * arm32/start.S - entry point of the 32-bit (AArch32, A32 state) guests.
 *
 * Entered as Linux's arm boot protocol asks (Documentation/arch/arm/booting.rst):
 * SVC mode (or Hyp), MMU off, IRQ and FIQ masked, r0 = 0, r1 = ~0 (no
 * machine number: the device tree describes the board), r2 = DTB address.
 */
	.syntax unified
	.arm
	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	mov	r4, r2			@ keep the DTB pointer (r4 is callee-saved)

	ldr	sp, =__stack_top

	@ Zero .bss; the linker script keeps both ends 16-byte aligned.
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
	mov	r3, #0
1:	cmp	r0, r1
	stmlo	r0!, {r2, r3}
	blo	1b

	@ In SVC mode (a hypervisor's guest), IRQ mode gets a stack of its
	@ own for the IRQ vector below: the top 1 KiB of ours.
	mrs	r0, cpsr
	and	r0, r0, #0x1f
	cmp	r0, #0x13
	bne	3f
	cps	#0x12				@ IRQ mode
	ldr	sp, =__stack_top
	cps	#0x13				@ back to SVC
	sub	sp, sp, #1024
3:
	@ Vectors at VBAR (SCTLR.V = 0 after reset).
	ldr	r0, =vectors32
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	isb

	mov	r0, r4
	bl	runtime_init		@ returns the checked DTB, or 0
	bl	main			@ r0 = dtb
	bl	guest_exit		@ r0 = main's return code; never returns
2:	wfi
	b	2b
	.size _start, . - _start

/*
 * The AArch32 vector table (ARM DDI 0487, G1.12: reset, undefined, SVC,
 * prefetch abort, data abort, reserved, IRQ, FIQ), 32-byte aligned. Every
 * entry reports itself and exits: these guests expect no exceptions.
 */
	.align	5
	.global vectors32
vectors32:
	b	.			@ reset: never taken through VBAR
	b	1f			@ undefined
	b	2f			@ SVC
	b	3f			@ prefetch abort
	b	4f			@ data abort
	b	.
	b	irq32			@ IRQ
	b	7f			@ FIQ
1:	mov	r0, #1
	b	9f
2:	mov	r0, #2
	b	9f
3:	mov	r0, #3
	b	9f
4:	mov	r0, #4
	b	9f
6:	mov	r0, #6
	b	9f
7:	mov	r0, #7
9:	mov	r1, lr
	mrs	r2, spsr
	ldr	sp, =__stack_top	@ a fresh stack in whatever mode we are in now
	bl	guest_exception32	@ (vector, lr, spsr); never returns

/* An IRQ: the caller-saved registers on SP_irq, guest_irq32() (which
 * offers it to exception_hook, or reports it), and back to where it came
 * in: LR_irq is that address + 4, and SUBS PC restores CPSR from SPSR_irq. */
irq32:
	push	{r0-r3, r12, lr}		@ 24 bytes: SP_irq stays 8-aligned
	mov	r0, lr
	mrs	r1, spsr
	bl	guest_irq32			@ (lr, spsr)
	pop	{r0-r3, r12, lr}
	subs	pc, lr, #4
	.ltorg

	.section .note.GNU-stack, "", %progbits
