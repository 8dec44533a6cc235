/*
 * arm32/zimage-header.S - makes a 32-bit guest a Linux zImage too, the format
 * Xen boots 32-bit kernels in (Linux Documentation/arch/arm/booting.rst and
 * the header of arch/arm/boot/compressed/head.S): code at offset 0, the magic
 * 0x016F2818 at 0x24, then the address the image must be loaded at and the
 * end of its loaded bytes, then a word that tells the byte order.
 * guest.ld puts .text.head first and _start follows it, so the ELF entry point
 * and the branch here lead to the same place.
 */
	.syntax unified
	.arm
	.section .text.head, "ax"
	.global _zimage_head
_zimage_head:
	b	_start			@ 0x00: jump over the header
	.rept	8
	nop				@ 0x04-0x23
	.endr
	.word	0x016f2818		@ 0x24: zImage magic
	.word	_zimage_head		@ 0x28: start, not position independent
	.word	__zimage_end		@ 0x2c: end of the loaded bytes
	.word	0x04030201		@ 0x30: little-endian
