/*
 * vgic.c - the interrupt controller, twice over.
 *
 * Physically, minihyp owns the GIC (HCR_EL2.IMO sends every IRQ to EL2) and
 * enables three PPIs: the EL2 timer (26, the time slice), the running
 * guest's virtual timer (27) and the maintenance interrupt (25).
 *
 * Virtually, each guest's CPU interface is the GIC's virtual CPU interface,
 * with nothing to emulate: on GICv2 the GICV frame, mapped by stage 2 where
 * the guest's DT puts its GICC; on GICv3 the guest's own ICC_*_EL1
 * registers, which HCR_EL2.IMO turns into ICV_*. Behind both are the list
 * registers (LRs), one virtual interrupt each: minihyp writes an LR
 * "pending"; the guest acknowledges it (active), handles and EOIs it
 * (invalid). With the LR's EOI bit set, that raises the maintenance
 * interrupt: so minihyp learns the guest is done with its timer interrupt.
 * (IHI 0048B chapter 5 for GICv2's GICH; IHI 0069 chapter 6 for GICv3.)
 * The guest's distributor (and redistributor) is emulated, minimally.
 */
#include "minihyp.h"

static int gic_v;                       /* 2 or 3 */
static uintptr_t gich, gicv;            /* GICv2's virtualization frames */
static struct vm *loaded;               /* whose LRs are in the hardware */

#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define BIT(n) (1u << (n))

/* GICH registers (IHI 0048B, 5.3). */
#define GICH_HCR   0x000
#define GICH_VMCR  0x008
#define GICH_APR   0x0f0
#define GICH_LR(n) (0x100 + 4 * (n))
#define HCR_EN     1u                   /* the virtual interface works */

/* ICH_* by their generic names (ARM DDI 0487, the ICH_ register pages). */
#define ICH_AP1R0_EL2 "S3_4_C12_C9_0"
#define ICH_HCR_EL2   "S3_4_C12_C11_0"
#define ICH_VMCR_EL2  "S3_4_C12_C11_7"
#define MRS(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " r : "=r"(__v)); __v; })
#define MSR(r, v) __asm__ volatile("msr " r ", %0" : : "r"((uint64_t)(v)) : "memory")

int vgic_init(const void *dtb)
{
	gic_v = gic_init(dtb);
	if (gic_v == 2) {
		gich = gic_frame(GIC_FRAME_GICH);
		gicv = gic_frame(GIC_FRAME_GICV);
		if (!gich || !gicv)
			return gic_v = 0;       /* no virtualization extensions */
	}
	if (!gic_v)
		return 0;
	gic_cpu_init(0);
	gic_enable(0, PPI_MAINTENANCE);
	gic_enable(0, PPI_HYP_TIMER);
	gic_enable(0, PPI_VIRT_TIMER);
	return gic_v;
}

/*
 * The two LR layouts (GICv2 GICH_LR<n>, 32-bit; GICv3 ICH_LR<n>_EL2):
 *            vINTID   EOI   priority    state    group
 *   GICv2    9:0      19    27:23 (5b)  29:28    30 (Grp1)
 *   GICv3    31:0     41    55:48       63:62    60 (Group)
 * Group: a GICv2 guest acknowledges through GICV_IAR, which returns Group 0
 * interrupts (Group 1 reads as 1022 unless AckCtl); a GICv3 guest uses
 * ICC_IAR1_EL1, Group 1 only. So: Group 0 on GICv2, Group 1 on GICv3.
 */
#define LR_PRIORITY 0xa0u               /* above the guests' PMR of 0xf0 */
#define LR_PENDING  (gic_v == 3 ? 1ul << 62 : 1ul << 28)

static uint64_t lr_make(unsigned intid, int eoi)
{
	if (gic_v == 3)
		return 1ul << 62 | 1ul << 60 | (uint64_t)LR_PRIORITY << 48 |
		       (eoi ? 1ul << 41 : 0) | intid;
	return 1u << 28 | (LR_PRIORITY >> 3) << 23 | (eoi ? 1u << 19 : 0) | intid;
}

static unsigned lr_state(uint64_t v) { return gic_v == 3 ? v >> 62 : (v >> 28) & 3; }
static unsigned lr_intid(uint64_t v) { return gic_v == 3 ? (uint32_t)v : v & 0x3ff; }
static int lr_eoi(uint64_t v) { return (gic_v == 3 ? v >> 41 : v >> 19) & 1; }

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

/* A VM's LR n: in the hardware while the VM is loaded, else in memory. */
static uint64_t lr_get(struct vm *vm, int n)
{
	if (vm != loaded)
		return vm->gic.lr[n];
	return gic_v == 3 ? ich_lr(n, 0, 0) : R32(gich + GICH_LR(n));
}

static void lr_set(struct vm *vm, int n, uint64_t v)
{
	if (vm != loaded)
		vm->gic.lr[n] = v;
	else if (gic_v == 3)
		ich_lr(n, 1, v);
	else
		R32(gich + GICH_LR(n)) = (uint32_t)v;
}

/*
 * Put the VM's pending, enabled PPIs into list registers. One already in
 * an LR (say active: the guest is handling it) just gains the pending
 * state; else it takes a free LR (invalid, and no EOI maintenance due).
 */
static void vgic_flush(struct vm *vm)
{
	unsigned intid;
	int n, free_lr;
	for (intid = 16; intid < 32; intid++) {
		if (!(vm->gic.ppi_pending & vm->gic.ppi_enabled & BIT(intid)))
			continue;
		for (n = 0, free_lr = -1; n < 4; n++) {
			uint64_t v = lr_get(vm, n);

			if (lr_state(v) && lr_intid(v) == intid)
				break;
			if (free_lr < 0 && !lr_state(v) && !lr_eoi(v))
				free_lr = n;
		}
		if (n < 4)
			lr_set(vm, n, lr_get(vm, n) | LR_PENDING);
		else if (free_lr >= 0)  /* the timer's LR asks for EOI maintenance */
			lr_set(vm, free_lr, lr_make(intid, intid == PPI_VIRT_TIMER));
		else
			continue;       /* no LR free: it waits in ppi_pending */
		vm->gic.ppi_pending &= ~BIT(intid);
		vm->blocked = 0;        /* a WFI ends on an interrupt */
	}
}

/* Make virtual PPI `intid` pending for `vm`, running or not. */
void vgic_inject(struct vm *vm, unsigned intid)
{
	vm->gic.ppi_pending |= BIT(intid & 31);
	vgic_flush(vm);
}

/* Is a virtual interrupt waiting for this VM? (Then its WFI returns.) */
int vgic_has_pending(struct vm *vm)
{
	int n, pending = 0;
	for (n = 0; n < 4; n++)
		pending |= lr_state(lr_get(vm, n)) & 1;
	return pending;
}

/* The guest EOIed an interrupt whose LR has the EOI bit: the LR is invalid
 * with EOI set (listed by GICH_EISR/ICH_EISR_EL2; the maintenance
 * interrupt stays asserted while one is left). Retire it. */
void vgic_maintenance(struct vm *vm)
{
	int n;
	for (n = 0; n < 4; n++) {
		uint64_t v = lr_get(vm, n);

		if (lr_state(v) || !lr_eoi(v))
			continue;
		lr_set(vm, n, 0);
		if (lr_intid(v) == PPI_VIRT_TIMER)
			vtimer_eoi(vm);
	}
	vgic_flush(vm);
}

/* World switch: the VM's LRs and interface state in and out of the GIC. */
void vgic_save(struct vm *vm)
{
	int n, v3 = gic_v == 3;
	if (vm != loaded)
		return;
	vgic_maintenance(vm);
	for (n = 0; n < 4; n++)
		vm->gic.lr[n] = lr_get(vm, n);
	vm->gic.hcr = v3 ? MRS(ICH_HCR_EL2) : R32(gich + GICH_HCR);
	vm->gic.vmcr = v3 ? MRS(ICH_VMCR_EL2) : R32(gich + GICH_VMCR);
	vm->gic.apr = v3 ? MRS(ICH_AP1R0_EL2) : R32(gich + GICH_APR);
	if (v3)                 /* off: no maintenance interrupts for it */
		MSR(ICH_HCR_EL2, 0);
	else
		R32(gich + GICH_HCR) = 0;
	loaded = 0;
}

void vgic_load(struct vm *vm)
{
	int n;
	loaded = vm;
	for (n = 0; n < 4; n++)
		lr_set(vm, n, vm->gic.lr[n]);
	if (gic_v == 3) {
		MSR(ICH_VMCR_EL2, vm->gic.vmcr);
		MSR(ICH_AP1R0_EL2, vm->gic.apr);
		MSR(ICH_HCR_EL2, vm->gic.hcr | HCR_EN);
		isb();
	} else {
		R32(gich + GICH_VMCR) = (uint32_t)vm->gic.vmcr;
		R32(gich + GICH_APR) = (uint32_t)vm->gic.apr;
		R32(gich + GICH_HCR) = (uint32_t)vm->gic.hcr | HCR_EN;
	}
}

/* GICv2: GICV (two 4 KiB pages: the registers, then GICV_DIR) at the
 * guest's GICC address. */
int vgic_vm_init(struct vm *vm)
{
	vm->gic.hcr = HCR_EN;
	vm->gic.waker = BIT(1) | BIT(2);        /* a redistributor starts asleep */
	return gic_v == 2 && (vm_map_page(vm, GUEST_GICC_BASE, gicv, 1) < 0 ||
	       vm_map_page(vm, GUEST_GICC_BASE + 0x1000, gicv + 0x1000, 1) < 0) ? -1 : 0;
}

/* The guest's GIC (interrupt-controller/arm,gic.yaml, arm,gic-v3.yaml),
 * phandle 2, and timer (timer/arm,arch_timer.yaml: secure, non-secure
 * physical, virtual, hyp PPIs); returns the PPI flags for the others. */
uint32_t vgic_dt_nodes(struct fdtw *w)
{
	/* Interrupt flags: level-high; on GICv2, CPU mask (15:8) = CPU 0. */
	uint32_t f = gic_v == 3 ? 0x4 : 0x104;
	uint32_t v2[8] = { 0, GUEST_GICD_BASE, 0, 0x1000, 0, GUEST_GICC_BASE, 0, GUEST_GICC_SIZE };
	uint32_t v3[8] = { 0, GUEST_GICD_BASE, 0, GUEST_GICD_SIZE, 0, GUEST_GICR_BASE, 0, GUEST_GICR_SIZE };
	uint32_t timer[12] = { 1, 13, f, 1, PPI_PHYS_TIMER - 16, f,
	                       1, PPI_VIRT_TIMER - 16, f, 1, PPI_HYP_TIMER - 16, f };

	fdtw_begin_node(w, "interrupt-controller");
	fdtw_prop_str(w, "compatible", gic_v == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop(w, "interrupt-controller", 0, 0);
	fdtw_prop_cells(w, "reg", gic_v == 3 ? v3 : v2, 8);
	fdtw_prop_u32(w, "phandle", 2);
	fdtw_end_node(w);

	fdtw_begin_node(w, "timer");
	PROP_STRS(w, "compatible", "arm,armv8-timer\0arm,armv7-timer");
	fdtw_prop_cells(w, "interrupts", timer, 12);
	fdtw_end_node(w);
	return f;
}

/*
 * The emulated distributor and redistributor. Register offsets: GICv2
 * GICD from IHI 0048B 4.3, GICv3 GICD/GICR from IHI 0069 12.9-12.11.
 * Kept: GICD_CTLR, the PPI enables (ISENABLER0/ICENABLER0, in GICD on
 * GICv2, the SGI frame on GICv3), GICR_WAKER; ID registers; the rest is
 * RAZ/WI (minihyp chooses priorities, groups, configuration itself).
 * Setting a->value on a write is harmless: only loads use it.
 */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define ISENABLER0      0x100
#define ICENABLER0      0x180
#define PIDR2_V2        0xfe8
#define PIDR2_V3        0xffe8
#define RD              0x100000        /* marks redistributor offsets */
#define GICR_TYPER      (RD | 0x0008)
#define GICR_WAKER      (RD | 0x0014)
#define SGI_FRAME       0x10000

int vgic_mmio_access(struct vm *vm, struct mmio_access *a)
{
	uint64_t off = a->addr - GUEST_GICD_BASE, *val = &a->value;
	int v3 = gic_v == 3;
	if (off >= (v3 ? GUEST_GICD_SIZE : 0x1000)) {
		off = a->addr - GUEST_GICR_BASE;
		if (!v3 || off >= GUEST_GICR_SIZE)
			return -1;
		off = off >= SGI_FRAME ? off - SGI_FRAME : off | RD;
	}
	switch (off) {
	case GICD_CTLR:                 /* GICv3: ARE_NS is one, always */
		if (a->write)
			vm->gic.gicd_ctlr = (uint32_t)*val;
		*val = vm->gic.gicd_ctlr | (v3 ? BIT(4) : 0);
		break;
	case GICD_TYPER:                /* 64 INTIDs, 1 CPU; v3: 10 ID bits */
		*val = v3 ? 9u << 19 | 1 : 1; break;
	case ISENABLER0:
	case ICENABLER0:                /* only PPIs are the guest's to enable */
		if (a->write && off == ISENABLER0)
			vm->gic.ppi_enabled |= (uint32_t)*val & 0xffff0000u;
		else if (a->write)
			vm->gic.ppi_enabled &= ~((uint32_t)*val & 0xffff0000u);
		*val = vm->gic.ppi_enabled;
		vgic_flush(vm);         /* a PPI may have waited for this */
		break;
	case PIDR2_V2:
	case PIDR2_V3:
	case RD | PIDR2_V3:
		*val = v3 ? 0x30 : 0x20; break;         /* ArchRev */
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
