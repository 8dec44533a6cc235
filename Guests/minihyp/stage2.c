/*
 * stage2.c - a guest's IPA space: the stage-2 translation tables minihyp
 * writes for each VM. The descriptors are the VMSAv8-64 stage-2 format
 * (ARM DDI 0487, D8.3), which is also ARMv7's LPAE long-descriptor format
 * for stage 2 (G5.5): one table layout serves both architectures. What
 * differs, VTCR and VTTBR and their access, is in arch/.../hyp.c.
 *
 * Both use a 32-bit IPA space with walks from level 1: a level-1 table has
 * 4 entries of 1 GiB, a level-2 table 512 of 2 MiB, a level-3 table 512
 * pages of 4 KiB.
 */
#include "minihyp.h"

#define PAGE_SIZE 4096ul

/*
 * Stage-2 descriptors: bits [1:0] = 0b11 make a table (levels 1, 2) or a
 * page (level 3); a page adds MemAttr[5:2] = 0b1111 (Normal, write-back),
 * S2AP[7:6] = 0b11 (read/write), SH[9:8] = 0b11 (inner shareable) and
 * AF[10] = 1 (accessed, so no access-flag fault).
 */
#define S2_TABLE      0x3ull
#define S2_PAGE       (0x3ull | 0xfull << 2 | 0x3ull << 6 | 0x3ull << 8 | 1ull << 10)
/* A device page: MemAttr 0b0001 (Device-nGnRE), read/write, never executable
 * (XN[54:53] = 0b10), not shareable (ignored for Device memory). */
#define S2_DEVICE     (0x3ull | 0x1ull << 2 | 0x3ull << 6 | 1ull << 10 | 2ull << 53)
#define S2_ADDR_MASK  0x0000fffffffff000ull

/* The next-level table behind entry `e` of `table`, made if missing. */
static uint64_t *s2_next(uint64_t *table, unsigned e)
{
	uint64_t *t;

	if (table[e] & 1)
		return (uint64_t *)(unsigned long)(table[e] & S2_ADDR_MASK);
	t = (uint64_t *)mem_alloc_page();
	if (t)
		table[e] = (unsigned long)t | S2_TABLE;
	return t;
}

/* Map one 4 KiB page: IPA `ipa` -> PA `pa`. Returns -1 out of memory. */
static int s2_map_page(uint64_t *l1, uint64_t ipa, unsigned long pa, uint64_t attrs)
{
	uint64_t *l2 = s2_next(l1, (ipa >> 30) & 3);
	uint64_t *l3 = l2 ? s2_next(l2, (ipa >> 21) & 511) : 0;

	if (!l3)
		return -1;
	l3[(ipa >> 12) & 511] = pa | attrs;
	return 0;
}

/*
 * A VM's stage 2: a level-1 table with all of its RAM mapped, and its
 * VTTBR: the table and, in bits [55:48], the VMID (= domain id), which tags
 * its TLB entries.
 */
int stage2_create(struct vm *vm)
{
	uint64_t *l1 = (uint64_t *)mem_alloc_page();
	unsigned long off;

	if (!l1)
		return -1;
	for (off = 0; off < vm->ram_size; off += PAGE_SIZE)
		if (s2_map_page(l1, vm->ram_ipa + off, vm->ram_pa + off, S2_PAGE) < 0)
			return -1;
	vm->vttbr = (uint64_t)vm->id << 48 | (unsigned long)l1;
	return 0;
}

/* Map (or remap) one page of a VM; a live mapping changed needs TLB
 * maintenance for the running VM, or the old translation stays. */
int vm_map_page(struct vm *vm, uint64_t ipa, unsigned long pa, int device)
{
	uint64_t *l1 = (uint64_t *)(unsigned long)(vm->vttbr & S2_ADDR_MASK);

	if (ipa >> 32 || s2_map_page(l1, ipa, pa, device ? S2_DEVICE : S2_PAGE) < 0)
		return -1;
	if (vm == current)
		stage2_flush_ipa(ipa);
	return 0;
}
