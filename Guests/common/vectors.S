/*
 * vectors.S - exception vector tables for EL1 and EL2.
 *
 * ARM DDI 0487, "Exception vectors": VBAR_ELx points to a 2 KiB-aligned
 * table of 16 entries of 128 bytes each, in four groups of four
 * (synchronous, IRQ, FIQ, SError) for: current EL with SP_EL0, current EL
 * with SP_ELx, lower EL in AArch64, lower EL in AArch32.
 *
 * Every entry saves x0/x1, puts its index (0..15) in x1 and branches to a
 * common routine that saves the rest of the frame (struct exc_frame in
 * guest.h), calls guest_exception(frame, kind) and restores everything,
 * including ELR and SPSR, which the handler may have changed, then erets.
 *
 * The same code is needed for EL1 and EL2 except for the register names
 * (ELR_EL1 vs ELR_EL2, ...), so a macro builds one table per EL.
 */

#define EXC_FRAME_SIZE 288	/* sizeof(struct exc_frame), multiple of 16 */
#define EXC_FRAME_ELR  248
#define EXC_FRAME_ESR  264

/* One 128-byte vector entry. */
.macro ventry el, kind
	.balign 128
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	exc_common_el\el
.endm

.macro vector_table el
	.section .text.vectors_el\el, "ax"
	.balign 2048
	.global vectors_el\el
vectors_el\el:
	ventry \el, 0		/* current EL, SP_EL0: sync */
	ventry \el, 1		/*                     IRQ */
	ventry \el, 2		/*                     FIQ */
	ventry \el, 3		/*                     SError */
	ventry \el, 4		/* current EL, SP_ELx: sync */
	ventry \el, 5
	ventry \el, 6
	ventry \el, 7
	ventry \el, 8		/* lower EL, AArch64: sync */
	ventry \el, 9
	ventry \el, 10
	ventry \el, 11
	ventry \el, 12		/* lower EL, AArch32: sync */
	ventry \el, 13
	ventry \el, 14
	ventry \el, 15
	.balign 128

exc_common_el\el:
	/* x0 and x1 are saved already; x1 = kind. */
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x2, ELR_EL\el
	mrs	x3, SPSR_EL\el
	stp	x2, x3, [sp, #EXC_FRAME_ELR]
	mrs	x2, ESR_EL\el
	mrs	x3, FAR_EL\el
	stp	x2, x3, [sp, #EXC_FRAME_ESR]

	mov	x0, sp			/* guest_exception(frame, kind) */
	bl	guest_exception

	/* The handler may have moved ELR (e.g. past a faulting instruction). */
	ldp	x2, x3, [sp, #EXC_FRAME_ELR]
	msr	ELR_EL\el, x2
	msr	SPSR_EL\el, x3
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #EXC_FRAME_SIZE
	eret
.endm

	vector_table 1
	vector_table 2
