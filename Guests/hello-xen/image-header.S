/*
 * image-header.S - makes hello-xen an arm64 Linux "Image" too, so that Xen
 * (which boots domU kernels in that format, not as ELF) can run it.
 *
 * Linux Documentation/arch/arm64/booting.rst, "Call the kernel image": the
 * first 64 bytes of the image are this header, the image is loaded
 * text_offset bytes above a 2 MiB-aligned base in RAM (Xen and minihyp use
 * the start of guest RAM, 0x40000000) and entered at its first byte.
 * guest.ld puts .text.head first; start.S's _start follows it, so the ELF
 * entry point and this branch lead to the same place.
 */
	.section .text.head, "ax"
	.global _image_head
_image_head:
	b	_start			/* code0: jump over the header */
	.long	0			/* code1 */
	.quad	0x200000		/* text_offset: linked at 0x40200000 */
	.quad	__image_size		/* image_size, .bss and stack included */
	.quad	0x2			/* flags: little-endian, 4 KiB pages, */
					/* base near the start of RAM */
	.quad	0, 0, 0			/* res2, res3, res4 */
	.long	0x644d5241		/* magic "ARM\x64" */
	.long	0			/* res5: no PE/COFF header */
