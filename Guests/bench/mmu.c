/*
 * mmu.c - the MMU on, with a working set far larger than a TLB, so that
 * translation table walks dominate. Runs at EL1 (armvm --el 1, QEMU -M virt).
 *
 * Stage 1 of the EL1&0 regime, 4 KiB granule, 39-bit VAs (T0SZ = 25, the
 * walk starts at level 1; ARM DDI 0487, D8.2):
 *   L1[0]  0x0000_0000-0x3fff_ffff  1 GiB block, Device-nGnRnE (UART, GIC)
 *   L1[1]  0x4000_0000-0x7fff_ffff  1 GiB block, Normal WB (code, data, DTB)
 *   L1[4]  0x1_0000_0000 + 256 MiB  one L2 table, 128 L3 tables: 65,536 pages
 * Every one of those 65,536 VA pages maps to one of 16 physical pages of
 * `pool` (page v -> pool page v % 16): little RAM, many translations.
 *
 * The kernel touches one doubleword per page, page v = i * STRIDE mod 65536
 * for i = 1, 2, ... (an odd stride visits every page once per 65,536
 * touches), word v % 512 of the page: 8 instructions per touch. N passes
 * of 65,536 touches (bootargs, default 100); the sum of the doublewords
 * read is compared with the same sum computed without the MMU and printed.
 * Output: `mmu: N x 65536 touches of 65536 pages, sum 0x<16 hex> ok`.
 */
#include "bench.h"

#define NPAGES  65536u
#define NPOOL   16u
#define STRIDE  4113u            /* odd: a permutation of the pages */
#define VBASE   0x100000000ul    /* L1 index 4 */

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l3[NPAGES / 512][512] __attribute__((aligned(4096)));
static uint64_t pool[NPOOL][512] __attribute__((aligned(4096)));

/* Descriptor bits (D8.3): valid, table/page, AttrIndx, SH inner, AF, PXN, UXN. */
#define D_VALID   1ul
#define D_TABLE   3ul            /* table (levels 0-2) or page (level 3) */
#define D_ATTR(i) ((uint64_t)(i) << 2)
#define D_ISH     (3ul << 8)
#define D_AF      (1ul << 10)
#define D_XN      (3ul << 53)

/* uint64_t mmu_kernel(uint64_t vbase, uint64_t touches, uint64_t stride), touches > 0 */
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.global mmu_kernel\n"
	"	.type mmu_kernel, %function\n"
	"mmu_kernel:\n"
	"	mov	x4, #0\n"               /* sum */
	"	mov	x5, #0\n"               /* v */
	"1:	add	x5, x5, x2\n"
	"	and	x5, x5, #0xffff\n"
	"	add	x6, x0, x5, lsl #12\n"  /* the page */
	"	ubfiz	x7, x5, #3, #9\n"       /* (v % 512) * 8 */
	"	ldr	x7, [x6, x7]\n"
	"	add	x4, x4, x7\n"
	"	subs	x1, x1, #1\n"
	"	b.ne	1b\n"
	"	mov	x0, x4\n"
	"	ret\n");

uint64_t mmu_kernel(uint64_t vbase, uint64_t touches, uint64_t stride);

static uint64_t pool_word(unsigned q, unsigned k)
{
	return (uint64_t)(q + 1) * 0x9e3779b97f4a7c15ull ^ k;
}

int main(const void *dtb)
{
	unsigned long passes = bench_count(dtb, 100);
	uint64_t want = 0, got;

	if (current_el() != 1) {
		printf("mmu: run me at EL1 (armvm --el 1, QEMU -M virt)\n");
		return 1;
	}
	for (unsigned q = 0; q < NPOOL; q++)
		for (unsigned k = 0; k < 512; k++)
			pool[q][k] = pool_word(q, k);
	/* Every page is visited once per pass: the sum without the MMU. */
	for (unsigned v = 0; v < NPAGES; v++)
		want += pool_word(v % NPOOL, v % 512);
	want *= passes;

	l1[0] = 0x00000000ul | D_AF | D_ATTR(0) | D_XN | D_VALID;
	l1[1] = 0x40000000ul | D_AF | D_ISH | D_ATTR(1) | D_VALID;
	l1[4] = (uint64_t)l2 | D_TABLE;
	for (unsigned i = 0; i < NPAGES / 512; i++) {
		l2[i] = (uint64_t)l3[i] | D_TABLE;
		for (unsigned j = 0; j < 512; j++)
			l3[i][j] = (uint64_t)pool[(i * 512 + j) % NPOOL] | D_AF | D_ISH |
			           D_ATTR(1) | D_XN | D_TABLE;
	}
	write_sysreg(MAIR_EL1, 0xff00ul);        /* attr0 Device-nGnRnE, attr1 Normal WB */
	/* T0SZ 25, IRGN0/ORGN0 WB, SH0 inner, TG0 4 KiB, EPD1 (no TTBR1 walks), IPS 40 bits */
	write_sysreg(TCR_EL1, 25ul | 1ul << 8 | 1ul << 10 | 3ul << 12 | 1ul << 23 | 2ul << 32);
	write_sysreg(TTBR0_EL1, (uint64_t)l1);
	__asm__ volatile("dsb ish; tlbi vmalle1; dsb ish" ::: "memory");
	isb();
	write_sysreg(SCTLR_EL1, read_sysreg(SCTLR_EL1) | 1ul | 1ul << 2 | 1ul << 12);  /* M, C, I */
	isb();

	got = passes ? mmu_kernel(VBASE, passes * NPAGES, STRIDE) : 0;
	printf("mmu: %lu x %u touches of %u pages, sum 0x%016lx %s\n", passes, NPAGES, NPAGES,
	       got, got == want ? "ok" : "MISMATCH");
	return got == want ? 0 : 1;
}
