/*
 * vgic-v2.c - GICv2's virtualization extensions (IHI 0048B chapter 5): the
 * virtual interface control registers GICH, memory-mapped, and the virtual
 * CPU interface GICV, which stage 2 maps where the guest's GICC is. The
 * same memory-mapped registers on AArch64 and ARMv7: the only GIC of the
 * 32-bit build (arndale's GIC-400).
 */
#include "vgic.h"

static uintptr_t gich, gicv, gicc;      /* the host's frames, from its DT */

#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))

/* GICH registers (IHI 0048B, 5.3). */
#define GICH_HCR   0x000
#define GICH_VMCR  0x008
#define GICH_APR   0x0f0
#define GICH_LR(n) (0x100 + 4 * (n))
#define GICC_IAR   0x00c                /* the physical CPU interface (IHI 0048B, 4.4) */
#define HCR_EN     1u                   /* the virtual interface works */

int vgic_v2_probe(void)
{
	gich = gic_frame(GIC_FRAME_GICH);
	gicv = gic_frame(GIC_FRAME_GICV);
	gicc = gic_frame(GIC_FRAME_GICC);
	return gich && gicv ? 0 : -1;
}

/*
 * GICH_LR<n>, 32 bits: vINTID 9:0, EOI 19 (maintenance when EOIed),
 * priority 27:23 (the top 5 bits), state 29:28, Grp1 30. A GICv2 guest
 * acknowledges through GICV_IAR, which returns Group 0 interrupts (Group 1
 * reads as 1022 unless AckCtl): so Group 0.
 */
static uint64_t lr_make(unsigned intid, int eoi)
{
	return 1u << 28 | (LR_PRIORITY >> 3) << 23 | (eoi ? 1u << 19 : 0) | intid;
}

static unsigned lr_state(uint64_t v) { return (v >> 28) & 3; }
static unsigned lr_intid(uint64_t v) { return v & 0x3ff; }
static int lr_eoi(uint64_t v) { return (v >> 19) & 1; }
static uint64_t lr_read(int n) { return R32(gich + GICH_LR(n)); }
static void lr_write(int n, uint64_t v) { R32(gich + GICH_LR(n)) = (uint32_t)v; }

static void save(struct vgic *g)
{
	g->hcr = R32(gich + GICH_HCR);
	g->vmcr = R32(gich + GICH_VMCR);
	g->apr = R32(gich + GICH_APR);
	R32(gich + GICH_HCR) = 0;       /* off: no maintenance interrupts for it */
}

static void load(const struct vgic *g)
{
	R32(gich + GICH_VMCR) = (uint32_t)g->vmcr;
	R32(gich + GICH_APR) = (uint32_t)g->apr;
	R32(gich + GICH_HCR) = (uint32_t)g->hcr | HCR_EN;
}

/* GICV (two 4 KiB pages: the registers, then GICV_DIR) at the guest's
 * GICC address. */
static int vm_init(struct vm *vm)
{
	return vm_map_page(vm, GUEST_GICC_BASE, gicv, 1) < 0 ||
	       vm_map_page(vm, GUEST_GICC_BASE + 0x1000, gicv + 0x1000, 1) < 0 ? -1 : 0;
}

/* interrupt-controller/arm,gic.yaml: the distributor and the CPU interface. */
static void dt_node(struct fdtw *w)
{
	uint32_t reg[8] = { 0, GUEST_GICD_BASE, 0, 0x1000, 0, GUEST_GICC_BASE, 0, GUEST_GICC_SIZE };

	fdtw_begin_node(w, "interrupt-controller");
	fdtw_prop_str(w, "compatible", "arm,cortex-a15-gic");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop(w, "interrupt-controller", 0, 0);
	fdtw_prop_cells(w, "reg", reg, 8);
	fdtw_prop_u32(w, "phandle", 2);
	fdtw_end_node(w);
}

/*
 * The emulated distributor (IHI 0048B 4.3), 4 KiB: GICD_CTLR and the PPI
 * enables are kept, the ID registers answer, the rest is RAZ/WI (minihyp
 * chooses priorities, groups, configuration itself). Setting a->value on a
 * write is harmless: only loads use it.
 */
#define PIDR2 0xfe8

static int mmio(struct vm *vm, struct mmio_access *a)
{
	uint64_t off = a->addr - GUEST_GICD_BASE, *val = &a->value;

	if (off >= 0x1000)
		return -1;
	switch (off) {
	case GICD_CTLR:
		if (a->write)
			vm->gic.gicd_ctlr = (uint32_t)*val;
		*val = vm->gic.gicd_ctlr;
		break;
	case GICD_TYPER:                /* 64 INTIDs, 1 CPU */
		*val = 1; break;
	case ISENABLER0:
	case ICENABLER0:
		*val = vgic_ppi_enable(vm, a->write, off == ISENABLER0, (uint32_t)*val);
		break;
	case PIDR2:
		*val = 0x20; break;     /* ArchRev 2 */
	default:
		*val = 0;
	}
	return 0;
}

/* GICC_IAR: INTID 9:0 and, for an SGI, the sending CPU in 12:10. */
static unsigned ack(void)
{
	return R32(gicc + GICC_IAR) & 0x1fff;
}

const struct vgic_ops vgic_v2_ops = {
	.version = 2, .lr_make = lr_make, .lr_pending = 1u << 28, .lr_state = lr_state,
	.lr_intid = lr_intid, .lr_eoi = lr_eoi, .lr_read = lr_read, .lr_write = lr_write,
	.save = save, .load = load, .vm_init = vm_init, .dt_node = dt_node,
	.ppi_flags = 0x104,     /* level-high, CPU mask (15:8) = CPU 0 */
	.mmio = mmio, .ack = ack,
};
