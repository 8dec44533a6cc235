/*
 * vgic-v3.c - GICv3's virtual interface (IHI 0069 chapter 6): the ICH_*_EL2
 * system registers, and the guest's ICC_*_EL1 registers, which HCR_EL2.IMO
 * turns into the virtual CPU interface (ICV_*): no frame to map. AArch64
 * build only (`virt --gic 3`); the 32-bit minihyp drives GICv2.
 */
#include "vgic.h"

/* ICH_* by their generic names (ARM DDI 0487, the ICH_ register pages). */
#define ICH_AP1R0_EL2 "S3_4_C12_C9_0"
#define ICH_HCR_EL2   "S3_4_C12_C11_0"
#define ICH_VMCR_EL2  "S3_4_C12_C11_7"
#define ICC_IAR1_EL1  "S3_0_C12_C12_0"
#define MRS(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " r : "=r"(__v)); __v; })
#define MSR(r, v) __asm__ volatile("msr " r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define HCR_EN     1u                   /* the virtual interface works */

/*
 * ICH_LR<n>_EL2, 64 bits: vINTID 31:0, EOI 41, priority 55:48, Group 60,
 * state 63:62. A GICv3 guest acknowledges with ICC_IAR1_EL1, Group 1 only:
 * so Group 1.
 */
static uint64_t lr_make(unsigned intid, int eoi)
{
	return 1ul << 62 | 1ul << 60 | (uint64_t)LR_PRIORITY << 48 |
	       (eoi ? 1ul << 41 : 0) | intid;
}

static unsigned lr_state(uint64_t v) { return v >> 62; }
static unsigned lr_intid(uint64_t v) { return (uint32_t)v; }
static int lr_eoi(uint64_t v) { return (v >> 41) & 1; }

/* Read or write ICH_LR<n>_EL2, whose number is part of the instruction. */
#define ICH_LR(n, wr, v) do { if (wr) MSR("S3_4_C12_C12_" #n, v); \
			      else v = MRS("S3_4_C12_C12_" #n); } while (0)
static uint64_t ich_lr(int n, int wr, uint64_t v)
{
	switch (n) {
	case 0: ICH_LR(0, wr, v); break;
	case 1: ICH_LR(1, wr, v); break;
	case 2: ICH_LR(2, wr, v); break;
	default: ICH_LR(3, wr, v); break;
	}
	return v;
}

static uint64_t lr_read(int n) { return ich_lr(n, 0, 0); }
static void lr_write(int n, uint64_t v) { ich_lr(n, 1, v); }

static void save(struct vgic *g)
{
	g->hcr = MRS(ICH_HCR_EL2);
	g->vmcr = MRS(ICH_VMCR_EL2);
	g->apr = MRS(ICH_AP1R0_EL2);    /* Group 1's active priorities */
	MSR(ICH_HCR_EL2, 0);            /* off: no maintenance interrupts for it */
}

static void load(const struct vgic *g)
{
	MSR(ICH_VMCR_EL2, g->vmcr);
	MSR(ICH_AP1R0_EL2, g->apr);
	MSR(ICH_HCR_EL2, g->hcr | HCR_EN);
	isb();
}

static int vm_init(struct vm *vm)
{
	(void)vm;               /* the CPU interface is system registers */
	return 0;
}

/* interrupt-controller/arm,gic-v3.yaml: distributor, one redistributor. */
static void dt_node(struct fdtw *w)
{
	uint32_t reg[8] = { 0, GUEST_GICD_BASE, 0, GUEST_GICD_SIZE, 0, GUEST_GICR_BASE, 0, GUEST_GICR_SIZE };

	fdtw_begin_node(w, "interrupt-controller");
	fdtw_prop_str(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop(w, "interrupt-controller", 0, 0);
	fdtw_prop_cells(w, "reg", reg, 8);
	fdtw_prop_u32(w, "phandle", 2);
	fdtw_end_node(w);
}

/*
 * The emulated distributor and redistributor (IHI 0069 12.9-12.11): kept
 * are GICD_CTLR, the PPI enables (in the redistributor's SGI frame) and
 * GICR_WAKER; the ID registers answer, the rest is RAZ/WI.
 */
#define PIDR2           0xffe8
#define RD              0x100000        /* marks redistributor offsets */
#define GICR_TYPER      (RD | 0x0008)
#define GICR_WAKER      (RD | 0x0014)
#define SGI_FRAME       0x10000

static int mmio(struct vm *vm, struct mmio_access *a)
{
	uint64_t off = a->addr - GUEST_GICD_BASE, *val = &a->value;

	if (off >= GUEST_GICD_SIZE) {
		off = a->addr - GUEST_GICR_BASE;
		if (off >= GUEST_GICR_SIZE)
			return -1;
		off = off >= SGI_FRAME ? off - SGI_FRAME : off | RD;
	}
	switch (off) {
	case GICD_CTLR:                 /* ARE_NS is one, always */
		if (a->write)
			vm->gic.gicd_ctlr = (uint32_t)*val;
		*val = vm->gic.gicd_ctlr | BIT(4);
		break;
	case GICD_TYPER:                /* 64 INTIDs, 10 ID bits */
		*val = 9u << 19 | 1; break;
	case ISENABLER0:                /* in the SGI frame, and GICD's (SPIs 0-31: none) */
	case ICENABLER0:
		*val = vgic_ppi_enable(vm, a->write, off == ISENABLER0, (uint32_t)*val);
		break;
	case 0xfe8:                     /* GICv2's PIDR2 offset, as a v2 driver probes */
	case PIDR2:
	case RD | PIDR2:
		*val = 0x30; break;     /* ArchRev 3 */
	case GICR_TYPER:
		*val = BIT(4); break;   /* Last: the only redistributor */
	case GICR_WAKER:        /* asleep until the guest clears ProcessorSleep */
		if (a->write)
			vm->gic.waker = (*val & BIT(1)) ? BIT(1) | BIT(2) : 0;
		*val = vm->gic.waker;
		break;
	default:
		*val = 0;
	}
	return 0;
}

/* ICC_IAR1_EL1: the INTID, 24 bits (no source CPU: SGIs are per source). */
static unsigned ack(void)
{
	return (unsigned)MRS(ICC_IAR1_EL1) & 0xffffff;
}

const struct vgic_ops vgic_v3_ops = {
	.version = 3, .lr_make = lr_make, .lr_pending = 1ul << 62, .lr_state = lr_state,
	.lr_intid = lr_intid, .lr_eoi = lr_eoi, .lr_read = lr_read, .lr_write = lr_write,
	.save = save, .load = load, .vm_init = vm_init, .dt_node = dt_node,
	.ppi_flags = 0x4,       /* level-high */
	.mmio = mmio, .ack = ack,
};
