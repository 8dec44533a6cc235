/*
 * entry.S - the first entry into a guest.
 *
 * Every later entry is the ordinary return from an exception: vectors.S
 * (in common/) saves the guest's registers into a struct exc_frame on the
 * EL2 stack, minihyp handles the exit (and may replace the whole frame
 * with another VM's), and vectors.S restores the frame and ERETs.
 *
 * The very first time there is no exception to return from, so
 * guest_enter(frame) does the second half of that by hand: ELR_EL2 and
 * SPSR_EL2 from the frame (where ERET goes, and the PSTATE it sets:
 * EL1h with interrupts masked), then x0..x30, then ERET.
 */
#define EXC_FRAME_ELR  248	/* offsetof(struct exc_frame, elr), guest.h */

	.text
	.global guest_enter
	.type guest_enter, %function
guest_enter:
	ldp	x2, x3, [x0, #EXC_FRAME_ELR]
	msr	ELR_EL2, x2
	msr	SPSR_EL2, x3
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]	/* x0 last: it held the frame pointer */
	eret
	.size guest_enter, . - guest_enter

/*
 * arch_secondary_entry - where PSCI CPU_ON starts a secondary CPU (smp.c):
 * at EL2, MMU off, interrupts masked, x0 = the context minihyp passed,
 * its struct pcpu, whose first word is the top of the CPU's own EL2 stack.
 * The CPU gets that stack, remembers its pcpu in TPIDR_EL2, takes the same
 * vector table as the boot CPU (VBAR_EL2 is per CPU), and goes to C.
 */
	.global arch_secondary_entry
	.type arch_secondary_entry, %function
arch_secondary_entry:
	msr	SPSel, #1		/* exceptions use SP_EL2: this stack */
	ldr	x1, [x0]		/* pcpu->stack_top */
	mov	sp, x1
	msr	TPIDR_EL2, x0
	adrp	x2, vectors_el2
	add	x2, x2, :lo12:vectors_el2
	msr	VBAR_EL2, x2
	isb
	bl	secondary_main		/* x0 = the pcpu; never returns */
1:	wfi
	b	1b
	.size arch_secondary_entry, . - arch_secondary_entry
