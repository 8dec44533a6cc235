/*
 * arch/arm32/entry.S - minihyp32's entry, its Hyp vector table, the exit
 * path (saving the guest's registers into a struct exc_frame, arch.h) and
 * the first entry into a guest. The AArch64 build gets the same from
 * common/start.S, common/vectors.S and arch/aarch64/entry.S.
 *
 * ARMv7 Hyp mode differs from AArch64 EL2 in what the CPU banks: Hyp mode
 * has its own SP_hyp, ELR_hyp and SPSR_hyp, but uses the User-mode r0-r12
 * and LR. So on an exit, r0-r12 and LR are still the guest's, and saving
 * them is the whole of the exit path's work.
 */
	.syntax unified
	.arm
	.arch_extension virt

#define FRAME_SIZE  80          /* sizeof(struct exc_frame) */
#define FRAME_LR    56          /* x[14] */
#define FRAME_ELR   60

	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	/* Entered as Linux's arm boot protocol says (booting.rst), in Hyp
	 * mode: r2 = DTB (0 when QEMU starts a bare ELF; runtime_init then
	 * looks at the bottom of RAM). MMU off, IRQ/FIQ masked. */
	mov	r4, r2
	ldr	sp, =__stack_top		@ SP_hyp in Hyp mode

	ldr	r0, =__bss_start		@ zero .bss, 16-byte aligned ends
	ldr	r1, =__bss_end
	mov	r2, #0
	mov	r3, #0
1:	cmp	r0, r1
	stmlo	r0!, {r2, r3}
	blo	1b

	mrs	r0, cpsr			@ HVBAR exists for Hyp mode only;
	and	r0, r0, #0x1f			@ main() says why it stops if
	cmp	r0, #0x1a			@ we are not in it
	ldreq	r0, =hyp_vectors
	mcreq	p15, 4, r0, c12, c0, 0		@ HVBAR
	isb

	mov	r0, r4
	bl	runtime_init			@ the checked DTB, or 0
	bl	main
	bl	guest_exit			@ never returns
2:	wfi
	b	2b
	.size _start, . - _start

/*
 * arch_secondary_entry - where PSCI CPU_ON starts a secondary CPU (smp.c):
 * in Hyp mode, MMU off, IRQ/FIQ masked, r0 = the context minihyp passed,
 * its struct pcpu, whose first word is the top of the CPU's own stack.
 * The CPU takes that stack as SP_hyp, keeps its pcpu in HTPIDR, points its
 * own HVBAR at the same vectors and goes to C.
 */
	.text
	.global arch_secondary_entry
	.type arch_secondary_entry, %function
arch_secondary_entry:
	ldr	sp, [r0]			@ pcpu->stack_top
	mcr	p15, 4, r0, c13, c0, 2		@ HTPIDR = pcpu
	ldr	r1, =hyp_vectors
	mcr	p15, 4, r1, c12, c0, 0		@ HVBAR
	isb
	bl	secondary_main			@ r0 = the pcpu; never returns
1:	wfi
	b	1b
	.size arch_secondary_entry, . - arch_secondary_entry

/*
 * The Hyp vector table (DDI 0487, G1.12.2 "Exception vectors": HVBAR, 32
 * bytes). Exceptions from the guest (Non-secure PL1/PL0) come to the Hyp
 * trap entry, 0x14, with the syndrome in HSR, whatever their kind: there
 * is no separate table for "lower EL" as VBAR_EL2 has. IRQs (HCR.IMO)
 * come to 0x18. The other entries are for exceptions in Hyp mode itself.
 */
	.text
	.align	5
	.global	hyp_vectors
hyp_vectors:
	b	hyp_bug_reset			@ 0x00 (not used)
	b	hyp_bug_undef			@ 0x04 undefined instruction in Hyp mode
	b	hyp_svc				@ 0x08 SVC or HVC in Hyp mode
	b	hyp_bug_pabt			@ 0x0c prefetch abort in Hyp mode
	b	hyp_bug_dabt			@ 0x10 data abort in Hyp mode
	b	hyp_trap			@ 0x14 Hyp trap: every guest exit
	b	hyp_irq				@ 0x18 IRQ
	b	hyp_bug_fiq			@ 0x1c FIQ

/* The one SVC minihyp makes is semihosting's (SVC #0x123456). Taken, not
 * intercepted by a debugger or emulator, it means no semihosting: return
 * -1 in r0, as the AArch64 library does for its HLT. */
hyp_svc:
	mvn	r0, #0
	eret

/* Save the guest: r0-r12 and LR_usr, then ELR_hyp (where it resumes),
 * SPSR_hyp (its CPSR), HSR and HDFAR. */
.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
	stmia	sp, {r0-r12}
	str	lr, [sp, #FRAME_LR]
	mrs	r0, ELR_hyp
	mrs	r1, spsr			@ in Hyp mode: SPSR_hyp
	mrc	p15, 4, r2, c5, c2, 0		@ HSR
	mrc	p15, 4, r3, c6, c0, 0		@ HDFAR
	add	r4, sp, #FRAME_ELR
	stmia	r4, {r0-r3}
	mov	r0, sp
.endm

hyp_trap:
	save_frame
	mov	r1, #0				@ guest_exit_taken(frame, irq = 0)
	bl	guest_exit_taken
	b	hyp_return

hyp_irq:
	save_frame
	mov	r1, #1				@ guest_exit_taken(frame, irq = 1)
	bl	guest_exit_taken
	/* fall through */

/* The handler may have moved ELR, or put another VM's frame here. */
hyp_return:
	ldr	r0, [sp, #FRAME_ELR]
	ldr	r1, [sp, #FRAME_ELR + 4]
	msr	ELR_hyp, r0
	msr	spsr_fsxc, r1			@ SPSR_hyp
	ldr	lr, [sp, #FRAME_LR]
	ldmia	sp, {r0-r12}
	add	sp, sp, #FRAME_SIZE
	eret

/* guest_enter(frame): the first entry into a guest, with no exception to
 * return from: the second half of the exit path, by hand. */
	.global	guest_enter
	.type	guest_enter, %function
guest_enter:
	ldr	r1, [r0, #FRAME_ELR]
	ldr	r2, [r0, #FRAME_ELR + 4]
	msr	ELR_hyp, r1
	msr	spsr_fsxc, r2
	ldr	lr, [r0, #FRAME_LR]
	ldmia	r0, {r0-r12}			@ r0 last: it held the frame pointer
	eret
	.size	guest_enter, . - guest_enter

/* An exception in Hyp mode is a bug in minihyp: hyp_bug(vector offset,
 * ELR_hyp, HSR) reports it and stops. A fresh stack: SP may be the fault. */
.macro	bug	name, offset
hyp_bug_\name:
	mov	r0, #\offset
	b	hyp_bug_common
.endm
	bug	reset, 0x00
	bug	undef, 0x04
	bug	pabt, 0x0c
	bug	dabt, 0x10
	bug	fiq, 0x1c
hyp_bug_common:
	mrs	r1, ELR_hyp
	mrc	p15, 4, r2, c5, c2, 0		@ HSR
	ldr	sp, =__stack_top
	bl	hyp_bug
3:	wfi
	b	3b
	.ltorg

	.section .note.GNU-stack, "", %progbits
