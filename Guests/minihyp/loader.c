/*
 * vm.c - building a guest: its memory, its stage-2 tables, its kernel,
 * its device tree, and the EL2 controls that keep it in its box.
 *
 * minihyp runs with its own MMU off, so every address minihyp uses is a
 * host physical address (PA). A guest's addresses are intermediate physical
 * addresses (IPA) that stage 2 translates to PAs using tables minihyp
 * writes here (ARM DDI 0487, D8 "The AArch64 Virtual Memory System
 * Architecture").
 */
#include "minihyp.h"

#define KiB 1024ul
#define MiB (1024ul * KiB)
#define PAGE_SIZE 4096ul

/* ---- Host memory: a bump allocator over what nobody else uses -------------- */

static uint64_t mem_next, mem_end;
static void zero(uint64_t dst, uint64_t len);
extern char __stack_top[];      /* the end of minihyp's image (guest.ld) */

static uint64_t align_up(uint64_t v, uint64_t a)
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
	uint64_t base = 0, size = 0, a, s, top;
	int node = -1;

	fdt_get_reg(dtb, fdt_path_offset(dtb, "/memory"), 0, &base, &size);
	top = (uint64_t)__stack_top;
	if ((uint64_t)dtb + fdt_totalsize(dtb) > top)
		top = (uint64_t)dtb + fdt_totalsize(dtb);
	while ((node = fdt_node_offset_by_compatible(dtb, node, "multiboot,module")) >= 0)
		if (fdt_get_reg(dtb, node, 0, &a, &s) == 0 && a + s > top)
			top = a + s;
	mem_next = align_up(top, 2 * MiB);
	mem_end = base + size;
	printf("minihyp: free host RAM 0x%lx-0x%lx\n", mem_next, mem_end);
}

/* `size` bytes aligned to `align`, or 0 when RAM has run out. */
static uint64_t mem_alloc(uint64_t size, uint64_t align)
{
	uint64_t at = align_up(mem_next, align);

	if (at < mem_next || at > mem_end || mem_end - at < size)
		return 0;
	mem_next = at + size;
	return at;
}

uint64_t mem_alloc_page(void)
{
	uint64_t pa = mem_alloc(PAGE_SIZE, PAGE_SIZE);

	if (pa)
		zero(pa, PAGE_SIZE);
	return pa;
}

/* 8 bytes at a time where both ends allow it (MMU off: no unaligned). */
void copy(uint64_t dst, uint64_t src, uint64_t len)
{
	if (!((dst | src | len) & 7)) {
		for (uint64_t i = 0; i < len; i += 8)
			*(volatile uint64_t *)(dst + i) = *(volatile uint64_t *)(src + i);
		return;
	}
	memcpy((void *)dst, (const void *)src, len);
}

static void zero(uint64_t dst, uint64_t len)
{
	if (!((dst | len) & 7)) {
		for (uint64_t i = 0; i < len; i += 8)
			*(volatile uint64_t *)(dst + i) = 0;
		return;
	}
	memset((void *)dst, 0, len);
}

/* ---- Stage 2 ------------------------------------------------------------------ */

/*
 * VTCR_EL2 (D17.2.151): a 32-bit IPA space (T0SZ = 32: 4 GiB, enough for
 * Xen's guest map below GUEST_RAM0_BASE + 3 GiB), 4 KiB granule (TG0 = 0),
 * walks starting at level 1 (SL0 = 1), table walks cacheable and inner
 * shareable, and a 40-bit output (PS = 2: armvm's 1 TiB of PA space).
 * A level-1 table then has 4 entries of 1 GiB, a level-2 table 512 of
 * 2 MiB, a level-3 table 512 pages of 4 KiB.
 */
#define VTCR_T0SZ(n)   ((uint64_t)(n))
#define VTCR_SL0_L1    (1ul << 6)
#define VTCR_IRGN0_WB  (1ul << 8)
#define VTCR_ORGN0_WB  (1ul << 10)
#define VTCR_SH0_IS    (3ul << 12)
#define VTCR_PS_40BIT  (2ul << 16)
#define VTCR_RES1      (1ul << 31)
#define VTCR_VALUE (VTCR_RES1 | VTCR_PS_40BIT | VTCR_SH0_IS | VTCR_ORGN0_WB | \
		    VTCR_IRGN0_WB | VTCR_SL0_L1 | VTCR_T0SZ(32))

/*
 * Stage-2 descriptors (D8.3): bits [1:0] = 0b11 make a table (levels 1, 2)
 * or a page (level 3); a page adds MemAttr[5:2] = 0b1111 (Normal,
 * write-back), S2AP[7:6] = 0b11 (read/write), SH[9:8] = 0b11 (inner
 * shareable) and AF[10] = 1 (accessed, so no access-flag fault).
 */
#define S2_TABLE      0x3ul
#define S2_PAGE       (0x3ul | 0xful << 2 | 0x3ul << 6 | 0x3ul << 8 | 1ul << 10)
/* A device page: MemAttr 0b0001 (Device-nGnRE), read/write, never executable
 * (XN[54:53] = 0b10), not shareable (ignored for Device memory). */
#define S2_DEVICE     (0x3ul | 0x1ul << 2 | 0x3ul << 6 | 1ul << 10 | 2ul << 53)
#define S2_ADDR_MASK  0x0000fffffffff000ul

/* The next-level table behind entry `e` of `table`, made if missing. */
static uint64_t *s2_next(uint64_t *table, unsigned e)
{
	uint64_t *t;

	if (table[e] & 1)
		return (uint64_t *)(table[e] & S2_ADDR_MASK);
	t = (uint64_t *)mem_alloc_page();
	if (t)
		table[e] = (uint64_t)t | S2_TABLE;
	return t;
}

/* Map one 4 KiB page: IPA `ipa` -> PA `pa`. Returns -1 out of memory. */
static int s2_map_page(uint64_t *l1, uint64_t ipa, uint64_t pa, uint64_t attrs)
{
	uint64_t *l2 = s2_next(l1, (ipa >> 30) & 3);
	uint64_t *l3 = l2 ? s2_next(l2, (ipa >> 21) & 511) : 0;

	if (!l3)
		return -1;
	l3[(ipa >> 12) & 511] = pa | attrs;
	return 0;
}

/*
 * Map (or remap) one page of a VM. A live mapping changed needs TLBI
 * IPAS2E1IS (the stage-2 entry) and VMALLE1IS (stage-1+2 entries built
 * from it) for the running VM's VMID (ARM DDI 0487, D8.13), or it stays.
 */
int vm_map_page(struct vm *vm, uint64_t ipa, uint64_t pa, int device)
{
	uint64_t *l1 = (uint64_t *)(vm->vttbr & S2_ADDR_MASK);

	if (ipa >> 32 || s2_map_page(l1, ipa, pa, device ? S2_DEVICE : S2_PAGE) < 0)
		return -1;
	if (vm == current)
		__asm__ volatile("dsb ishst\n tlbi ipas2e1is, %0\n dsb ish\n"
		                 "tlbi vmalle1is\n dsb ish\n isb" : : "r"(ipa >> 12) : "memory");
	return 0;
}

/* ---- Loading the kernel ------------------------------------------------------- */

/* Little-endian reads one byte at a time: the module may be anything. */
static uint64_t le(uint64_t pa, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *(volatile uint8_t *)(pa + n);
	return v;
}

/* Is [ipa, ipa + len) inside the guest's RAM? */
static int in_guest_ram(struct vm *vm, uint64_t ipa, uint64_t len)
{
	return ipa >= vm->ram_ipa && ipa - vm->ram_ipa <= vm->ram_size &&
	       len <= vm->ram_size - (ipa - vm->ram_ipa);
}

static uint64_t ipa_to_pa(struct vm *vm, uint64_t ipa)
{
	return vm->ram_pa + (ipa - vm->ram_ipa);
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
			printf("minihyp: d%d: ELF segment at 0x%lx does not fit\n", vm->id, paddr);
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
static int build_guest_dtb(struct vm *vm, uint64_t pa, uint32_t cap, const char *bootargs)
{
	static struct fdtw w;
	uint32_t mem[4] = { vm->ram_ipa >> 32, (uint32_t)vm->ram_ipa,
	                    vm->ram_size >> 32, (uint32_t)vm->ram_size };
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
#define SCTLR32_RESET   0x00c50078ul    /* AArch32 SCTLR at reset: MMU off, AFE/TRE clear */
#define SCTLR_EL1_RES1  0x30d00800ul    /* MMU and caches off */

/*
 * Build VM number `id` from its "xen,domain" node: memory = <KiB> (64-bit),
 * cpus, and a child compatible "multiboot,kernel" whose reg says where
 * its kernel is in host RAM, with optional bootargs.
 */
int vm_create(struct vm *vm, int id, const void *dtb, int domain)
{
	const void *p;
	const char *bootargs = 0;
	uint64_t mod = 0, mod_size = 0, entry = 0, end = 0, ipa, *l1;
	int thumb = 0;
	int len, node = -1;

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

	/* RAM, and stage 2 mapping all of it (VMID = domain id). */
	vm->ram_ipa = GUEST_RAM0_BASE;
	vm->ram_pa = mem_alloc(vm->ram_size, 2 * MiB);
	l1 = (uint64_t *)mem_alloc_page();
	if (!vm->ram_pa || !l1) {
		printf("minihyp: d%d: out of host memory; skipped\n", id);
		return -1;
	}
	for (ipa = 0; ipa < vm->ram_size; ipa += PAGE_SIZE)
		if (s2_map_page(l1, vm->ram_ipa + ipa, vm->ram_pa + ipa, S2_PAGE) < 0) {
			printf("minihyp: d%d: out of memory for stage-2 tables\n", id);
			return -1;
		}
	vm->vttbr = (uint64_t)id << 48 | (uint64_t)l1;
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
		vm->sys.sctlr = SCTLR32_RESET;
	} else {
		/* arm64/booting.rst: x0 = the DTB, MMU off, interrupts masked, at EL1. */
		vm->regs.x[0] = dtb_ipa;
		vm->regs.spsr = SPSR_EL1H_DAIF;
	}
	if (!vm->aarch32)
		vm->sys.sctlr = SCTLR_EL1_RES1;
	vm->running = 1;
	printf("minihyp: d%d: %lu MiB at IPA 0x%lx (host 0x%lx), entry 0x%lx, DTB 0x%lx%s\n",
	       id, vm->ram_size / MiB, vm->ram_ipa, vm->ram_pa, entry, dtb_ipa,
	       vm->aarch32 ? ", AArch32" : "");
	return 0;
}

/* ---- EL2 controls and world switches ---------------------------------------------- */

/*
 * HCR_EL2 (D17.2.48): what the guests may not do themselves.
 *   VM   stage-2 translation on: every guest access goes through our tables
 *   FMO, IMO, AMO  physical FIQ/IRQ/SError go to EL2, not to the guest
 *   TWI  WFI traps (we run another guest instead of idling)
 *   TSC  SMC traps (the guest must not call the firmware directly)
 *   RW   EL1 is AArch64
 */
#define HCR_VM   (1ul << 0)
#define HCR_FMO  (1ul << 3)
#define HCR_IMO  (1ul << 4)
#define HCR_AMO  (1ul << 5)
#define HCR_TWI  (1ul << 13)
#define HCR_TSC  (1ul << 19)
#define HCR_RW   (1ul << 31)
#define HCR_GUEST (HCR_TSC | HCR_TWI | HCR_AMO | HCR_IMO | HCR_FMO | HCR_VM)

void hyp_init(void)
{
	write_sysreg(VTCR_EL2, VTCR_VALUE);
	write_sysreg(HCR_EL2, HCR_GUEST | HCR_RW);
	/* What the guest reads as MIDR_EL1 / MPIDR_EL1: this CPU's part
	 * number, and "CPU 0" (bit 31 is RES1). */
	write_sysreg(VPIDR_EL2, read_sysreg(MIDR_EL1));
	write_sysreg(VMPIDR_EL2, 0x80000000ul);
	/* CNTHCTL_EL2: EL1 may read the physical counter (EL1PCTEN), but its
	 * timer registers trap (EL1PCEN = 0): guests get the virtual timer. */
	write_sysreg(CNTHCTL_EL2, 1);
	isb();
}

#define SAVE(field, reg) vm->sys.field = read_sysreg(reg)
#define LOAD(field, reg) write_sysreg(reg, vm->sys.field)
#define EL1_SYSREGS(X) \
	X(sctlr, SCTLR_EL1) X(actlr, ACTLR_EL1) X(cpacr, CPACR_EL1) \
	X(ttbr0, TTBR0_EL1) X(ttbr1, TTBR1_EL1) X(tcr, TCR_EL1) \
	X(mair, MAIR_EL1) X(amair, AMAIR_EL1) X(vbar, VBAR_EL1) \
	X(esr, ESR_EL1) X(far, FAR_EL1) X(afsr0, AFSR0_EL1) X(afsr1, AFSR1_EL1) \
	X(par, PAR_EL1) X(contextidr, CONTEXTIDR_EL1) X(tpidr_el0, TPIDR_EL0) \
	X(tpidrro_el0, TPIDRRO_EL0) X(tpidr_el1, TPIDR_EL1) X(sp_el0, SP_EL0) \
	X(sp_el1, SP_EL1) X(elr, ELR_EL1) X(spsr, SPSR_EL1) \
	X(cntkctl, CNTKCTL_EL1) X(csselr, CSSELR_EL1) \
	X(dacr32, DACR32_EL2) X(ifsr32, IFSR32_EL2) X(spsr_abt, SPSR_abt) \
	X(spsr_und, SPSR_und) X(spsr_irq, SPSR_irq) X(spsr_fiq, SPSR_fiq)
#define SAVE_ONE(f, r) SAVE(f, r);
#define LOAD_ONE(f, r) LOAD(f, r);

void vm_save_sysregs(struct vm *vm)
{
	EL1_SYSREGS(SAVE_ONE)
}

/*
 * The guest's EL1 registers, and its stage-2 tables with its VMID. TLB
 * entries are tagged with the VMID, so the other guests' entries need no
 * TLBI: they just stop matching.
 */
void vm_load_sysregs(struct vm *vm)
{
	EL1_SYSREGS(LOAD_ONE)
	/* HCR_EL2.RW is the guest's width: 0 runs its EL1 in AArch32. */
	write_sysreg(HCR_EL2, HCR_GUEST | (vm->aarch32 ? 0 : HCR_RW));
	write_sysreg(VTTBR_EL2, vm->vttbr);
	isb();
}

/* ---- Reading guest memory ------------------------------------------------------------ */

/*
 * A guest passes hypercall buffers by virtual address. With its MMU off
 * that is the IPA; with it on, AT S1E1R asks the MMU to walk the guest's
 * own stage-1 tables (PAR_EL1 bit 0 = 1 means it faulted). Then the IPA
 * must lie in the guest's RAM. Returns 0, or -14 (-EFAULT).
 */
static int guest_va_to_pa(struct vm *vm, uint64_t va, uint64_t *pa)
{
	uint64_t ipa = va, par;

	if (read_sysreg(SCTLR_EL1) & 1) {
		__asm__ volatile("at s1e1r, %0" : : "r"(va));
		isb();
		par = read_sysreg(PAR_EL1);
		if (par & 1)
			return -14;
		ipa = (par & S2_ADDR_MASK) | (va & 0xfff);
	}
	if (!in_guest_ram(vm, ipa, 1))
		return -14;
	*pa = ipa_to_pa(vm, ipa);
	return 0;
}

/* Copy between guest memory at `va` and `buf`, either way. */
int guest_copy(struct vm *vm, uint64_t va, void *buf, uint64_t len, int to_guest)
{
	uint8_t *b = buf;
	uint64_t pa = 0, i;

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
