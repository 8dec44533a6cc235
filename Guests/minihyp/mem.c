/*
 * mem.c - memory, from minihyp's side: a bump allocator over free host RAM
 * (one per NUMA node), word-wise copies, and reading or writing a guest's
 * memory by the guest's own virtual address (hypercall buffers).
 *
 * minihyp runs with its own MMU off, so every address minihyp uses is a
 * host physical address (PA). A guest's addresses are intermediate physical
 * addresses (IPA) that stage 2 (stage2.c) translates to PAs.
 */
#include "minihyp.h"

#define MiB (1024ul * 1024ul)
#define PAGE_SIZE 4096ul

extern char __stack_top[];      /* the end of minihyp's image (guest.ld) */

/*
 * NUMA (Linux's Documentation/devicetree/bindings/numa.txt): each memory
 * node may carry a numa-node-id. minihyp keeps a bump pointer per NUMA
 * node and allocates from the node mem_use_node() chose, so a guest's RAM
 * and stage-2 tables all come from one node. No numa-node-id: node 0.
 */
#define MAX_NODES 4
static struct { unsigned long next, end; } nodes[MAX_NODES];
static int node_count = 1, node_now;

static unsigned long align_up(unsigned long v, unsigned long a)
{
	return (v + a - 1) & ~(a - 1);
}

static int numa_id(const void *dtb, int node)
{
	int len;
	const void *p = fdt_getprop(dtb, node, "numa-node-id", &len);

	return p && len == 4 ? (int)fdt_be32(p) : 0;
}

/*
 * Free RAM is what lies above minihyp itself, the DTB and every boot
 * module (the kernels armvm or a boot loader placed for us), up to the end
 * of each memory node. Nothing is ever freed: guests live until power-off.
 */
void mem_init(const void *dtb)
{
	uint64_t base = 0, size = 0, a, s;
	unsigned long top, end;
	const char *type;
	int node = -1, id;

	top = (unsigned long)__stack_top;
	if ((unsigned long)dtb + fdt_totalsize(dtb) > top)
		top = (unsigned long)dtb + fdt_totalsize(dtb);
	while ((node = fdt_node_offset_by_compatible(dtb, node, "multiboot,module")) >= 0)
		if (fdt_get_reg(dtb, node, 0, &a, &s) == 0 && a + s > top)
			top = (unsigned long)(a + s);
	top = align_up(top, 2 * MiB);
	node = -1;
	while ((node = fdt_next_subnode(dtb, 0, node)) >= 0) {
		type = fdt_getprop_string(dtb, node, "device_type");
		id = numa_id(dtb, node);
		if (!type || strcmp(type, "memory") || id >= MAX_NODES ||
		    fdt_get_reg(dtb, node, 0, &base, &size) < 0)
			continue;
		/* A 32-bit minihyp addresses the first 4 GiB only (its MMU is off). */
		end = base + size - 1 > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)(base + size);
		nodes[id].end = end;
		nodes[id].next = top > base ? (top < end ? top : end) : align_up(base, 2 * MiB);
		if (id >= node_count)
			node_count = id + 1;
	}
	if (node_count == 1) {
		printf("minihyp: free host RAM 0x%lx-0x%lx\n", nodes[0].next, nodes[0].end);
		return;
	}
	for (id = 0; id < node_count; id++)
		printf("minihyp: NUMA node %d: free host RAM 0x%lx-0x%lx\n", id, nodes[id].next, nodes[id].end);
}

/* Allocate from NUMA node `node` (modulo the node count) from now on; returns it. */
int mem_use_node(int node)
{
	node_now = node % node_count;
	return node_now;
}

int mem_node_count(void)
{
	return node_count;
}

/* `size` bytes aligned to `align`, or 0 when the node's RAM has run out. */
unsigned long mem_alloc(unsigned long size, unsigned long align)
{
	unsigned long at = align_up(nodes[node_now].next, align);

	if (at < nodes[node_now].next || at > nodes[node_now].end || nodes[node_now].end - at < size)
		return 0;
	nodes[node_now].next = at + size;
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
