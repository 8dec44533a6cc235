/*
 * mem.c - memory, from minihyp's side: a bump allocator over free host RAM,
 * word-wise copies, and reading or writing a guest's memory by the guest's
 * own virtual address (hypercall buffers).
 *
 * minihyp runs with its own MMU off, so every address minihyp uses is a
 * host physical address (PA). A guest's addresses are intermediate physical
 * addresses (IPA) that stage 2 (stage2.c) translates to PAs.
 */
#include "minihyp.h"

#define MiB (1024ul * 1024ul)
#define PAGE_SIZE 4096ul

static unsigned long mem_next, mem_end;
extern char __stack_top[];      /* the end of minihyp's image (guest.ld) */

static unsigned long align_up(unsigned long v, unsigned long a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Free RAM is what lies above minihyp itself, the DTB and every boot
 * module (the kernels armvm or a boot loader placed for us), up to the end
 * of /memory. Nothing is ever freed: guests live until power-off.
 */
void mem_init(const void *dtb)
{
	uint64_t base = 0, size = 0, a, s;
	unsigned long top;
	int node = -1;

	fdt_get_reg(dtb, fdt_path_offset(dtb, "/memory"), 0, &base, &size);
	top = (unsigned long)__stack_top;
	if ((unsigned long)dtb + fdt_totalsize(dtb) > top)
		top = (unsigned long)dtb + fdt_totalsize(dtb);
	while ((node = fdt_node_offset_by_compatible(dtb, node, "multiboot,module")) >= 0)
		if (fdt_get_reg(dtb, node, 0, &a, &s) == 0 && a + s > top)
			top = (unsigned long)(a + s);
	mem_next = align_up(top, 2 * MiB);
	/* A 32-bit minihyp addresses the first 4 GiB only (its MMU is off). */
	mem_end = base + size - 1 > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)(base + size);
	printf("minihyp: free host RAM 0x%lx-0x%lx\n", mem_next, mem_end);
}

/* `size` bytes aligned to `align`, or 0 when RAM has run out. */
unsigned long mem_alloc(unsigned long size, unsigned long align)
{
	unsigned long at = align_up(mem_next, align);

	if (at < mem_next || at > mem_end || mem_end - at < size)
		return 0;
	mem_next = at + size;
	return at;
}

unsigned long mem_alloc_page(void)
{
	unsigned long pa = mem_alloc(PAGE_SIZE, PAGE_SIZE);

	if (pa)
		zero(pa, PAGE_SIZE);
	return pa;
}

/* A register at a time where both ends allow it (MMU off: no unaligned). */
void copy(unsigned long dst, unsigned long src, unsigned long len)
{
	if (!((dst | src | len) & (sizeof(long) - 1))) {
		for (unsigned long i = 0; i < len; i += sizeof(long))
			*(volatile unsigned long *)(dst + i) = *(volatile unsigned long *)(src + i);
		return;
	}
	memcpy((void *)dst, (const void *)src, len);
}

void zero(unsigned long dst, unsigned long len)
{
	if (!((dst | len) & (sizeof(long) - 1))) {
		for (unsigned long i = 0; i < len; i += sizeof(long))
			*(volatile unsigned long *)(dst + i) = 0;
		return;
	}
	memset((void *)dst, 0, len);
}

/* ---- Guest memory -------------------------------------------------------------- */

/* Is [ipa, ipa + len) inside the guest's RAM? */
int in_guest_ram(struct vm *vm, uint64_t ipa, uint64_t len)
{
	return ipa >= vm->ram_ipa && ipa - vm->ram_ipa <= vm->ram_size &&
	       len <= vm->ram_size - (ipa - vm->ram_ipa);
}

unsigned long ipa_to_pa(struct vm *vm, uint64_t ipa)
{
	return vm->ram_pa + (unsigned long)(ipa - vm->ram_ipa);
}

/*
 * A guest passes hypercall buffers by virtual address: its own stage 1
 * (the arch layer asks the MMU) gives the IPA, which must lie in the
 * guest's RAM. Returns 0, or -14 (-EFAULT).
 */
static int guest_va_to_pa(struct vm *vm, uint64_t va, unsigned long *pa)
{
	uint64_t ipa;

	if (guest_va_to_ipa(va, &ipa) < 0 || !in_guest_ram(vm, ipa, 1))
		return -14;
	*pa = ipa_to_pa(vm, ipa);
	return 0;
}

/* Copy between guest memory at `va` and `buf`, either way. */
int guest_copy(struct vm *vm, uint64_t va, void *buf, unsigned long len, int to_guest)
{
	uint8_t *b = buf;
	unsigned long pa = 0, i;

	for (i = 0; i < len; i++) {
		/* Translate again at each page boundary, and at the start. */
		if (i == 0 || ((va + i) & 0xfff) == 0)
			if (guest_va_to_pa(vm, va + i, &pa) < 0)
				return -14;
		if (to_guest)
			*(volatile uint8_t *)pa++ = b[i];
		else
			b[i] = *(volatile uint8_t *)pa++;
	}
	return 0;
}
