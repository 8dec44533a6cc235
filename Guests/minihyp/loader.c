/*
 * loader.c - building a guest from its "xen,domain" node: its RAM and
 * stage 2 (mem.c, stage2.c), its kernel (an ELF, 64- or 32-bit, or an
 * arm64 Image), its device tree, and the registers it starts with.
 */
#include "minihyp.h"

#define KiB 1024ul
#define MiB (1024ul * KiB)
#define PAGE_SIZE 4096ul

static unsigned long align_up(unsigned long v, unsigned long a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ---- Loading the kernel ------------------------------------------------------- */

/* Little-endian reads one byte at a time: the module may be anything. */
static uint64_t le(unsigned long pa, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *(volatile uint8_t *)(pa + n);
	return v;
}

/*
 * Where the fields of an ELF file sit, per class (the System V gABI): ELF64
 * for AArch64 guests (EM_AARCH64 = 183), ELF32 for AArch32 ones (EM_ARM = 40).
 */
struct elf_layout {
	unsigned word;                          /* 8 or 4 bytes */
	unsigned ehsize, phsize, machine;
	unsigned e_entry, e_phoff, e_phentsize, e_phnum;
	unsigned p_offset, p_paddr, p_filesz, p_memsz;
};

static const struct elf_layout elf64 = { 8, 64, 56, 183, 24, 32, 54, 56, 8, 24, 32, 40 };
static const struct elf_layout elf32 = { 4, 52, 32, 40, 24, 28, 42, 44, 4, 12, 16, 20 };

/*
 * An ELF image: copy each PT_LOAD segment to its physical address, which for
 * a guest is an IPA, and zero the rest of its memory size (.bss). The class
 * (byte 4: 1 ELF32, 2 ELF64) says the guest's width; in ELF32, bit 0 of the
 * entry point says it starts in T32 state. Returns the entry point, or 0.
 */
static uint64_t load_elf(struct vm *vm, uint64_t mod, uint64_t size, uint64_t *end, int *thumb)
{
	const struct elf_layout *l = le(mod + 4, 1) == 1 ? &elf32 : &elf64;
	uint64_t phoff = le(mod + l->e_phoff, l->word), entry = le(mod + l->e_entry, l->word);
	unsigned phnum = le(mod + l->e_phnum, 2), phentsize = le(mod + l->e_phentsize, 2), i;

	if (size < l->ehsize || le(mod + 18, 2) != l->machine || phentsize < l->phsize ||
	    phoff > size || (uint64_t)phnum * phentsize > size - phoff)
		return 0;
	for (i = 0; i < phnum; i++) {
		uint64_t ph = mod + phoff + (uint64_t)i * phentsize;
		uint64_t off = le(ph + l->p_offset, l->word), paddr = le(ph + l->p_paddr, l->word);
		uint64_t filesz = le(ph + l->p_filesz, l->word), memsz = le(ph + l->p_memsz, l->word);

		if (le(ph, 4) != 1 /* PT_LOAD */ || memsz == 0)
			continue;
		if (filesz > memsz || off > size || filesz > size - off ||
		    !in_guest_ram(vm, paddr, memsz)) {
			printf("minihyp: d%d: ELF segment at 0x%lx does not fit\n", vm->id, (unsigned long)paddr);
			return 0;
		}
		copy(ipa_to_pa(vm, paddr), mod + off, filesz);
		zero(ipa_to_pa(vm, paddr) + filesz, memsz - filesz);
		if (paddr + memsz > *end)
			*end = paddr + memsz;
	}
	vm->aarch32 = l == &elf32;
	*thumb = vm->aarch32 && (entry & 1);
	entry &= ~(uint64_t)*thumb;
	return in_guest_ram(vm, entry, 2) ? entry : 0;
}

/*
 * An arm64 Linux Image (Linux Documentation/arch/arm64/booting.rst): a
 * 64-byte header with "ARM\x64" at 0x38; it runs text_offset bytes above a
 * 2 MiB-aligned base, which for us, as for Xen, is the start of guest RAM.
 */
static uint64_t load_image(struct vm *vm, uint64_t mod, uint64_t size, uint64_t *end)
{
	uint64_t text_offset = le(mod + 8, 8), image_size = le(mod + 16, 8);
	uint64_t at, need;

	if (image_size == 0)
		text_offset = 0x80000;  /* booting.rst: pre-3.17 kernels */
	need = image_size > size ? image_size : size;
	at = vm->ram_ipa + text_offset;
	if (text_offset >= vm->ram_size || !in_guest_ram(vm, at, need)) {
		printf("minihyp: d%d: the Image does not fit in guest RAM\n", vm->id);
		return 0;
	}
	copy(ipa_to_pa(vm, at), mod, size);
	*end = at + need;
	return at;
}

/* ---- The guest's device tree ---------------------------------------------------- */

/*
 * What the guest sees: its RAM, one CPU, PSCI through HVC, the emulated
 * PL011 (as "arm,pl011", with the clocks Linux's driver asks for), and the
 * Xen hypervisor node a Xen-aware kernel looks for (Linux's
 * bindings/arm/xen.txt: reg = the grant-table region, interrupts = the
 * event-channel PPI), and from vgic.c the interrupt controller (the
 * interrupt-parent of everything, phandle 2) and the timer.
 */
static int build_guest_dtb(struct vm *vm, unsigned long pa, uint32_t cap, const char *bootargs)
{
	static struct fdtw w;
	uint32_t mem[4] = { (uint64_t)vm->ram_ipa >> 32, (uint32_t)vm->ram_ipa,
	                    (uint64_t)vm->ram_size >> 32, (uint32_t)vm->ram_size };
	uint32_t uart[4] = { 0, GUEST_PL011_BASE, 0, GUEST_PL011_SIZE };
	uint32_t gnttab[4] = { 0, GUEST_GNTTAB_BASE, 0, GUEST_GNTTAB_SIZE };
	/* PPI 31 is GIC PPI number 15; flags from vgic_dt_nodes(). */
	uint32_t evtchn[3] = { 1, GUEST_EVTCHN_PPI - 16, 0 };
	uint32_t clocks[2] = { 1, 1 };

	fdtw_init(&w, (void *)pa, cap);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_str(&w, "model", "minihyp guest");
	PROP_STRS(&w, "compatible", "xen,xenvm-4.17\0xen,xenvm");
	fdtw_prop_u32(&w, "interrupt-parent", 2);

	fdtw_begin_node(&w, "chosen");
	if (bootargs)
		fdtw_prop_str(&w, "bootargs", bootargs);
	fdtw_prop_str(&w, "stdout-path", "/serial@22000000");
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "memory@40000000");
	fdtw_prop_str(&w, "device_type", "memory");
	fdtw_prop_cells(&w, "reg", mem, 4);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "cpus");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	fdtw_begin_node(&w, "cpu@0");
	fdtw_prop_str(&w, "device_type", "cpu");
	fdtw_prop_str(&w, "compatible", "arm,armv8");
	fdtw_prop_u32(&w, "reg", 0);
	fdtw_prop_str(&w, "enable-method", "psci");
	fdtw_end_node(&w);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "psci");
	PROP_STRS(&w, "compatible", "arm,psci-1.0\0arm,psci-0.2");
	fdtw_prop_str(&w, "method", "hvc");
	fdtw_end_node(&w);

	evtchn[2] = vgic_dt_nodes(&w);

	fdtw_begin_node(&w, "hypervisor");
	PROP_STRS(&w, "compatible", "xen,xen-4.17\0xen,xen");
	fdtw_prop_cells(&w, "reg", gnttab, 4);
	fdtw_prop_cells(&w, "interrupts", evtchn, 3);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "apb-pclk");
	fdtw_prop_str(&w, "compatible", "fixed-clock");
	fdtw_prop_u32(&w, "#clock-cells", 0);
	fdtw_prop_u32(&w, "clock-frequency", 24000000);
	fdtw_prop_u32(&w, "phandle", 1);
	fdtw_end_node(&w);

	fdtw_begin_node(&w, "serial@22000000");
	PROP_STRS(&w, "compatible", "arm,pl011\0arm,primecell");
	fdtw_prop_cells(&w, "reg", uart, 4);
	fdtw_prop_cells(&w, "clocks", clocks, 2);
	PROP_STRS(&w, "clock-names", "uartclk\0apb_pclk");
	fdtw_end_node(&w);

	fdtw_end_node(&w);
	return fdtw_finish(&w);
}

/* ---- Creating a VM --------------------------------------------------------------- */

#define GUEST_DTB_MAX   (16 * KiB)
#define SPSR_EL1H_DAIF  0x3c5ul         /* EL1h, D, A, I, F masked */
#define SPSR_SVC32_AIF  0x1d3ul         /* AArch32 (M[4]) SVC, A, I, F masked */
#define SPSR_T          0x20ul          /* ... in T32 state */

/*
 * Build VM number `id` from its "xen,domain" node: memory = <KiB> (64-bit),
 * cpus, and a child compatible "multiboot,kernel" whose reg says where
 * its kernel is in host RAM, with optional bootargs.
 */
int vm_create(struct vm *vm, int id, const void *dtb, int domain)
{
	const void *p;
	const char *bootargs = 0;
	uint64_t mod = 0, mod_size = 0, entry = 0, end = 0;
	int thumb = 0;
	int len, node = -1;
	struct pcpu *cpu;

	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	p = fdt_getprop(dtb, domain, "memory", &len);
	if (!p || (len != 4 && len != 8)) {
		printf("minihyp: d%d: no memory property; skipped\n", id);
		return -1;
	}
	vm->ram_size = align_up(fdt_read_cells(p, len / 4) * KiB, PAGE_SIZE);
	p = fdt_getprop(dtb, domain, "cpus", &len);
	if (p && len == 4 && fdt_be32(p) > 1)
		printf("minihyp: d%d asks for %u vCPUs; minihyp gives each guest one\n",
		       id, fdt_be32(p));
	while ((node = fdt_next_subnode(dtb, domain, node)) >= 0)
		if (fdt_node_is_compatible(dtb, node, "multiboot,kernel")) {
			fdt_get_reg(dtb, node, 0, &mod, &mod_size);
			bootargs = fdt_getprop_string(dtb, node, "bootargs");
			break;
		}
	if (!mod_size || vm->ram_size < 2 * MiB || vm->ram_size > GUEST_RAM0_MAX) {
		printf("minihyp: d%d: no kernel module, or memory not 2 MiB..3 GiB; skipped\n", id);
		return -1;
	}

	/* RAM, and stage 2 mapping all of it (VMID = domain id), from one
	 * NUMA node: guests take the nodes in turn. */
	vm->node = mem_use_node(id - 1);
	vm->ram_ipa = GUEST_RAM0_BASE;
	vm->ram_pa = mem_alloc(vm->ram_size, 2 * MiB);
	if (!vm->ram_pa || stage2_create(vm) < 0) {
		printf("minihyp: d%d: out of host memory; skipped\n", id);
		return -1;
	}
	vm->shinfo = (struct shared_info *)mem_alloc_page();
	if (!vm->shinfo || vgic_vm_init(vm) < 0) {
		printf("minihyp: d%d: out of host memory; skipped\n", id);
		return -1;
	}

	/* armvm's RAM starts zeroed, as after power-on. A hypervisor that
	 * reuses memory must scrub it before giving it to another guest. */
	if (le(mod + 0x38, 4) == 0x644d5241)            /* "ARM\x64" */
		entry = load_image(vm, mod, mod_size, &end);
	else if (le(mod, 4) == 0x464c457f)              /* "\x7fELF" */
		entry = load_elf(vm, mod, mod_size, &end, &thumb);
	else
		printf("minihyp: d%d: the kernel is neither ELF nor an arm64 Image\n", id);
	if (!entry)
		return -1;
	if (!vm->aarch32 && !ARCH_AARCH64_GUESTS) {
		/* An ARMv7 CPU has no AArch64 to run it in. */
		printf("minihyp: d%d: a 64-bit kernel; this minihyp runs 32-bit guests only\n", id);
		return -1;
	}

	/* The DTB goes in the last 16 KiB of guest RAM. */
	uint64_t dtb_ipa = vm->ram_ipa + vm->ram_size - GUEST_DTB_MAX;
	if (end > dtb_ipa || build_guest_dtb(vm, ipa_to_pa(vm, dtb_ipa),
	                                     GUEST_DTB_MAX, bootargs) < 0) {
		printf("minihyp: d%d: no room for the device tree\n", id);
		return -1;
	}

	vm->regs.elr = entry;
	if (vm->aarch32) {
		/* arm/booting.rst: SVC mode, IRQ and FIQ masked, r0 = 0,
		 * r1 = ~0 (the DT describes the machine), r2 = the DTB. The
		 * registers are X0-X2: AArch32's r0-r2 live there. */
		vm->regs.x[0] = 0;
		vm->regs.x[1] = 0xffffffffu;
		vm->regs.x[2] = dtb_ipa;
		vm->regs.spsr = SPSR_SVC32_AIF | (thumb ? SPSR_T : 0);
	} else {
		/* arm64/booting.rst: x0 = the DTB, MMU off, interrupts masked, at EL1. */
		vm->regs.x[0] = dtb_ipa;
		vm->regs.spsr = SPSR_EL1H_DAIF;
	}
	vm_init_sysregs(vm);
	vm->running = 1;
	printf("minihyp: d%d: %lu MiB at IPA 0x%lx (host 0x%lx), entry 0x%lx, DTB 0x%lx%s\n",
	       id, vm->ram_size / MiB, vm->ram_ipa, vm->ram_pa, (unsigned long)entry,
	       (unsigned long)dtb_ipa,
	       vm->aarch32 ? ", AArch32" : "");
	/* Its vCPU goes to a CPU of the same node (smp.c). */
	cpu = smp_place(vm);
	if (mem_node_count() > 1)
		printf("minihyp: d%d: vCPU 0 on cpu%d (node %d), RAM 0x%lx on node %d\n",
		       id, cpu->index, cpu->node, vm->ram_pa, vm->node);
	return 0;
}

