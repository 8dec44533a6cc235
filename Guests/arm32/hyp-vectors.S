/*
 * arm32/hyp-vectors.S - the two vector tables of hyptraps32.c: Hyp mode's (HVBAR) and
 * PL1's (VBAR), plus the T32 pieces it runs in SVC mode.
 *
 * Hyp vector table (ARM DDI 0487G.b, "Exception vectors and the exception base
 * address", table "The Hyp mode vector table"): 0x00 not used, 0x04 Undefined Instruction
 * from Hyp mode, 0x08 Hypervisor Call (or Supervisor Call) from Hyp mode, 0x0C Prefetch
 * Abort from Hyp mode, 0x10 Data Abort from Hyp mode, 0x14 Hyp Trap (every exception
 * routed to Hyp mode from a Non-secure PL0/PL1 mode, HVC from PL1 among them), 0x18 IRQ,
 * 0x1C FIQ. Entry to Hyp mode saves the preferred return address in ELR_hyp and CPSR in
 * SPSR_hyp; Hyp mode has no banked LR (it uses LR_usr), so the stub saves r0-r12 and LR.
 *
 * In Hyp mode, ELR_hyp is read and written with the banked MRS/MSR forms, but SPSR_hyp
 * with the plain SPSR forms: MRS/MSR SPSR_hyp are UNPREDICTABLE outside Monitor mode
 * ("MRS (Banked register)", SPSRaccessValid()), and QEMU makes them UNDEFINED.
 *
 * Frame given to hyp_exception(frame, offset):
 *     { ELR_hyp, SPSR_hyp, r0..r12, lr }         (16 words, 8-byte aligned)
 * The C code may change any of them; ERET then returns through ELR_hyp/SPSR_hyp.
 *
 * PL1 vector table (the same section, for the PL1 modes): each entry is taken in
 * its own mode (Undefined, Supervisor, Abort, IRQ, FIQ) with LR = preferred return address
 * + an offset ("Link values saved on exception entry"): 4 for
 * Undefined (A32; 2 in T32) and IRQ/FIQ and Prefetch Abort, 8 for Data Abort (also an
 * asynchronous one, the virtual abort). Frame given to pl1_exception(frame, offset):
 *     { SPSR, pad, r0..r12, return address }     (16 words)
 * returned from with LDM ..., {..., pc}^ (which also restores CPSR from SPSR).
 */
	.syntax unified
	.arch armv7ve
	.arch_extension virt
	.arm
	.text

	.macro HYP_ENTRY off
	push	{r0-r12, lr}
	mrs	r0, ELR_hyp
	mrs	r1, spsr		@ SPSR_hyp (the banked form is for Monitor mode only)
	push	{r0, r1}
	mov	r0, sp
	mov	r1, #\off
	bl	hyp_exception
	pop	{r0, r1}
	msr	ELR_hyp, r0
	msr	spsr_cxsf, r1
	pop	{r0-r12, lr}
	eret
	.endm

	.align	5
	.global hyp_vectors
hyp_vectors:
	b	hyp_0x00
	b	hyp_0x04
	b	hyp_0x08
	b	hyp_0x0c
	b	hyp_0x10
	b	hyp_0x14
	b	hyp_0x18
	b	hyp_0x1c

hyp_0x00:	HYP_ENTRY 0x00
hyp_0x04:	HYP_ENTRY 0x04
hyp_0x08:	HYP_ENTRY 0x08
hyp_0x0c:	HYP_ENTRY 0x0c
hyp_0x10:	HYP_ENTRY 0x10
hyp_0x14:	HYP_ENTRY 0x14
hyp_0x18:	HYP_ENTRY 0x18
hyp_0x1c:	HYP_ENTRY 0x1c

	.macro PL1_ENTRY off, lroff
	sub	lr, lr, #\lroff
	push	{r0-r12, lr}
	mrs	r0, spsr
	push	{r0, r1}
	mov	r0, sp
	mov	r1, #\off
	bl	pl1_exception
	pop	{r0, r1}
	msr	spsr_cxsf, r0
	ldm	sp!, {r0-r12, pc}^
	.endm

	.align	5
	.global pl1_vectors
pl1_vectors:
	b	pl1_0x00
	b	pl1_0x04
	b	pl1_0x08
	b	pl1_0x0c
	b	pl1_0x10
	b	pl1_0x14
	b	pl1_0x18
	b	pl1_0x1c

pl1_0x00:	PL1_ENTRY 0x00, 0
pl1_0x04:	PL1_ENTRY 0x04, 4	@ (A32 LR offset; hyptraps32 expects no UNDEF)
pl1_0x08:	PL1_ENTRY 0x08, 0	@ SVC: LR is the next instruction already
pl1_0x0c:	PL1_ENTRY 0x0c, 4
pl1_0x10:	PL1_ENTRY 0x10, 8
pl1_0x14:	PL1_ENTRY 0x14, 0
pl1_0x18:	PL1_ENTRY 0x18, 4
pl1_0x1c:	PL1_ENTRY 0x1c, 4

/*
 * T32 code, entered in SVC mode.
 *
 * pl1_entry_t32: where Hyp mode's first ERET lands, with SPSR_hyp.T = 1 (the ERET must
 * switch to T32 state); 16-bit instructions that mean something else in A32, then an
 * interworking branch to pl1_main (A32). r0 = 0x5a is pl1_main's argument, proof that
 * these instructions ran as T32.
 */
	.thumb
	.align	2
	.global pl1_entry_t32
	.type	pl1_entry_t32, %function
	.thumb_func
pl1_entry_t32:
	movs	r0, #0x2d		@ 16-bit: 0x202d
	adds	r0, r0, r0		@ 16-bit: 0x1840 -> r0 = 0x5a
	ldr	r1, =pl1_main
	bx	r1
	.ltorg
	.size	pl1_entry_t32, . - pl1_entry_t32

/*
 * t32_wfi: a 16-bit WFI (encoding 0xbf30), which HCR.TWI traps with HSR.IL = 0; Hyp mode
 * steps ELR_hyp by 2. t32_mrc: a 32-bit T32 MRC of ACTLR (TAC traps it, IL = 1).
 * Each returns in r0 the address of its trapping instruction (for the check of ELR_hyp),
 * in r1 what the MRC left in r2.
 */
	.align	2
	.global t32_wfi
	.type	t32_wfi, %function
	.thumb_func
t32_wfi:
	adr	r0, 1f			@ the WFI's address (T32 ADR: Align(PC, 4) + imm)
	.align	2
1:	wfi.n
	nop.n
	bx	lr
	.size	t32_wfi, . - t32_wfi

	.align	2
	.global t32_mrc
	.type	t32_mrc, %function
	.thumb_func
t32_mrc:
	push	{r4, lr}
	mov	r2, #0
	adr	r0, 1f
	.align	2
1:	mrc	p15, 0, r2, c1, c0, 1	@ ACTLR, 32-bit T32 encoding
	mov	r1, r2
	pop	{r4, pc}
	.size	t32_mrc, . - t32_mrc

	.section .note.GNU-stack, "", %progbits
