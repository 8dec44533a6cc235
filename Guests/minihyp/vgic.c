/*
 * vgic.c - the interrupt controller, twice over.
 *
 * Physically, minihyp owns the GIC: HCR_EL2.IMO sends every physical IRQ
 * to EL2, where minihyp acknowledges it (GICC_IAR or ICC_IAR1_EL1) and
 * decides which guest, if any, it concerns. Only three are enabled: the
 * EL2 physical timer (PPI 26, the time slice), the virtual timer of the
 * running guest (PPI 27) and the virtual interface's maintenance interrupt
 * (PPI 25).
 *
 * Virtually, each guest sees a GIC of its own. Its CPU interface is the
 * GIC's virtual CPU interface, which needs no emulation at all:
 *   GICv2: the GICV frame, mapped by stage 2 where the guest's DT puts its
 *          GICC; GICV_IAR/GICV_EOIR read and write the list registers.
 *   GICv3: with HCR_EL2.IMO set, the guest's ICC_*_EL1 accesses go to the
 *          virtual interface (ICV_*), again backed by the list registers.
 * A list register (LR) is one virtual interrupt: its INTID, a priority and
 * a state (pending, active). minihyp writes an LR "pending", the guest
 * acknowledges (active), handles and EOIs it (invalid again). With the
 * LR's EOI bit set, that last step raises the maintenance interrupt, which
 * is how minihyp learns the guest has finished with its timer interrupt.
 * (IHI 0048B chapter 5 for GICv2's GICH frame, IHI 0069 chapter 6 and
 * ICH_LR<n>_EL2 for GICv3.)
 *
 * The guest's distributor (and, on GICv3, redistributor) is emulated from
 * stage-2 data aborts, minimally: what matters is which PPIs the guest has
 * enabled, so that minihyp injects only those.
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
#define ICH_AP0R0_EL2 "S3_4_C12_C8_0"
#define ICH_AP1R0_EL2 "S3_4_C12_C9_0"
#define ICH_HCR_EL2   "S3_4_C12_C11_0"
#define ICH_VMCR_EL2  "S3_4_C12_C11_7"
#define MRS(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " r : "=r"(__v)); __v; })
#define MSR(r, v) __asm__ volatile("msr " r ", %0" : : "r"((uint64_t)(v)) : "memory")

/* ---- The physical GIC ------------------------------------------------------ */

int vgic_init(const void *dtb)
{
	gic_v = gic_init(dtb);
	if (gic_v == 2) {
		gich = gic_frame(GIC_FRAME_GICH);
		gicv = gic_frame(GIC_FRAME_GICV);
		if (!gich || !gicv) {
			printf("minihyp: this GICv2 has no virtualization extensions\n");
			return gic_v = 0;
		}
	}
	if (!gic_v)
		return 0;
	gic_cpu_init(0);
	gic_enable(0, PPI_MAINTENANCE);
	gic_enable(0, PPI_HYP_TIMER);
	gic_enable(0, PPI_VIRT_TIMER);
	return gic_v;
}

unsigned vgic_ack(void)
{
	unsigned id = gic_ack();

	return id >= 1020 ? GIC_SPURIOUS : id;      /* 1020-1023 are special */
}

void vgic_eoi(unsigned intid)
{
	gic_eoi(intid);
}

/* ---- List registers ----------------------------------------------------------- */

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

/* ICH_LR<n>_EL2 needs its number in the instruction. */
static uint64_t ich_lr_read(int n)
{
	switch (n) {
	case 0: return MRS("S3_4_C12_C12_0");
	case 1: return MRS("S3_4_C12_C12_1");
	case 2: return MRS("S3_4_C12_C12_2");
	default: return MRS("S3_4_C12_C12_3");
	}
}

static void ich_lr_write(int n, uint64_t v)
{
	switch (n) {
	case 0: MSR("S3_4_C12_C12_0", v); break;
	case 1: MSR("S3_4_C12_C12_1", v); break;
	case 2: MSR("S3_4_C12_C12_2", v); break;
	default: MSR("S3_4_C12_C12_3", v); break;
	}
}

/* A VM's LR n: in the hardware while the VM is loaded, else in memory. */
static uint64_t lr_get(struct vm *vm, int n)
{
	if (vm != loaded)
		return vm->gic.lr[n];
	return gic_v == 3 ? ich_lr_read(n) : R32(gich + GICH_LR(n));
}

static void lr_set(struct vm *vm, int n, uint64_t v)
{
	if (vm != loaded)
		vm->gic.lr[n] = v;
	else if (gic_v == 3)
		ich_lr_write(n, v);
	else
		R32(gich + GICH_LR(n)) = (uint32_t)v;
}

/*
 * Put the VM's pending, enabled PPIs into list registers. An interrupt
 * already in an LR (say active: the guest is handling it) just gains the
 * pending state; otherwise it takes a free LR. A free LR is invalid and
 * not waiting for its EOI maintenance.
 */
static void vgic_flush(struct vm *vm)
{
	uint32_t want = vm->gic.ppi_pending & vm->gic.ppi_enabled;
	unsigned intid;
	int n;

	for (intid = 16; intid < 32; intid++) {
		int free_lr = -1, done = 0;

		if (!(want & BIT(intid)))
			continue;
		for (n = 0; n < 4 && !done; n++) {
			uint64_t v = lr_get(vm, n);

			if (lr_state(v) && lr_intid(v) == intid) {
				lr_set(vm, n, v | LR_PENDING);
				done = 1;
			} else if (free_lr < 0 && !lr_state(v) && !lr_eoi(v)) {
				free_lr = n;
			}
		}
		if (!done && free_lr >= 0) {
			/* The timer's LR asks for an EOI maintenance interrupt. */
			lr_set(vm, free_lr, lr_make(intid, intid == PPI_VIRT_TIMER));
			done = 1;
		}
		if (done) {
			vm->gic.ppi_pending &= ~BIT(intid);
			vm->blocked = 0;        /* a WFI ends on an interrupt */
		}
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
	int n;

	for (n = 0; n < 4; n++)
		if (lr_state(lr_get(vm, n)) & 1)
			return 1;
	return 0;
}

/*
 * The guest EOIed an interrupt whose LR had the EOI bit: the LR is invalid
 * with EOI still set (GICH_EISR/ICH_EISR_EL2 list them, and the
 * maintenance interrupt stays asserted while any is left). Retire it.
 */
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

/* ---- World switch ------------------------------------------------------------- */

void vgic_save(struct vm *vm)
{
	int n;

	if (vm != loaded)
		return;
	vgic_maintenance(vm);
	for (n = 0; n < 4; n++)
		vm->gic.lr[n] = lr_get(vm, n);
	if (gic_v == 3) {
		vm->gic.hcr = MRS(ICH_HCR_EL2);
		vm->gic.vmcr = MRS(ICH_VMCR_EL2);
		vm->gic.apr = MRS(ICH_AP1R0_EL2);
		vm->gic.apr0 = MRS(ICH_AP0R0_EL2);
		MSR(ICH_HCR_EL2, 0);            /* off: no maintenance for it */
	} else {
		vm->gic.hcr = R32(gich + GICH_HCR);
		vm->gic.vmcr = R32(gich + GICH_VMCR);
		vm->gic.apr = R32(gich + GICH_APR);
		R32(gich + GICH_HCR) = 0;
	}
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
		MSR(ICH_AP0R0_EL2, vm->gic.apr0);
		MSR(ICH_HCR_EL2, vm->gic.hcr | HCR_EN);
		isb();
	} else {
		R32(gich + GICH_VMCR) = (uint32_t)vm->gic.vmcr;
		R32(gich + GICH_APR) = (uint32_t)vm->gic.apr;
		R32(gich + GICH_HCR) = (uint32_t)vm->gic.hcr | HCR_EN;
	}
}

/* ---- The guest's view ----------------------------------------------------------- */

/* GICv2: GICV (two 4 KiB pages: the registers, then GICV_DIR) at the
 * guest's GICC address. Nothing to map for GICv3. */
int vgic_vm_init(struct vm *vm)
{
	vm->gic.hcr = HCR_EN;
	vm->gic.waker = BIT(1) | BIT(2);        /* a redistributor starts asleep */
	if (gic_v != 2)
		return 0;
	if (vm_map_page(vm, GUEST_GICC_BASE, gicv, 1) < 0 ||
	    vm_map_page(vm, GUEST_GICC_BASE + 0x1000, gicv + 0x1000, 1) < 0)
		return -1;
	return 0;
}

/* GIC binding interrupt specifier flags: level-high, and on GICv2 the
 * CPU mask (bits 15:8) for CPU 0. */
static uint32_t ppi_flags(void)
{
	return gic_v == 3 ? 0x4 : 0x104;
}

#define PROP_STRS(w, name, lit) fdtw_prop(w, name, lit, sizeof(lit))

/*
 * The guest's interrupt controller (bindings/interrupt-controller/
 * arm,gic.yaml and arm,gic-v3.yaml) with phandle 2, its timer
 * (timer/arm,arch_timer.yaml: secure, non-secure physical, virtual, hyp
 * PPIs, in that order) and the flags to use for the event-channel PPI.
 */
uint32_t vgic_dt_nodes(struct fdtw *w)
{
	uint32_t f = ppi_flags();
	uint32_t v2[8] = { 0, GUEST_GICD_BASE, 0, 0x1000, 0, GUEST_GICC_BASE, 0, GUEST_GICC_SIZE };
	uint32_t v3[8] = { 0, GUEST_GICD_BASE, 0, GUEST_GICD_SIZE, 0, GUEST_GICR_BASE, 0, GUEST_GICR_SIZE };
	uint32_t timer[12] = { 1, 13, f, 1, PPI_PHYS_TIMER - 16, f,
	                       1, PPI_VIRT_TIMER - 16, f, 1, PPI_HYP_TIMER - 16, f };

	fdtw_begin_node(w, "interrupt-controller");
	if (gic_v == 3)
		fdtw_prop_str(w, "compatible", "arm,gic-v3");
	else
		fdtw_prop_str(w, "compatible", "arm,cortex-a15-gic");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop(w, "interrupt-controller", 0, 0);
	fdtw_prop_cells(w, "reg", gic_v == 3 ? v3 : v2, 8);
	fdtw_prop_u32(w, "phandle", 2);
	fdtw_end_node(w);

	fdtw_begin_node(w, "timer");
	PROP_STRS(w, "compatible", "arm,armv8-timer\0arm,armv7-timer");
	fdtw_prop_cells(w, "interrupts", timer, 12);
	fdtw_prop(w, "always-on", 0, 0);
	fdtw_end_node(w);
	return f;
}

/*
 * The emulated distributor and redistributor. Register offsets: GICv2
 * GICD from IHI 0048B 4.3, GICv3 GICD/GICR from IHI 0069 12.9-12.11.
 * Kept: GICD_CTLR, the PPI enables (GICD_ISENABLER0/ICENABLER0 on GICv2,
 * GICR_ISENABLER0/ICENABLER0 on GICv3) and GICR_WAKER. The ID registers
 * say what is there; everything else reads as zero and ignores writes
 * (priorities, groups, configuration: minihyp chooses those itself).
 */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_ISENABLER0 0x100
#define GICD_ICENABLER0 0x180
#define GICD_ITARGETSR0 0x800
#define GICD_PIDR2_V2   0xfe8
#define GICD_PIDR2_V3   0xffe8
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_ISENABLER0 0x10100
#define GICR_ICENABLER0 0x10180
#define WAKER_SLEEP     (BIT(1) | BIT(2))       /* ProcessorSleep, ChildrenAsleep */

/* One enable register (ISENABLER0 / ICENABLER0): only PPIs are ours. */
static void enables(struct vm *vm, struct mmio_access *a, int set)
{
	uint32_t bits = (uint32_t)a->value & 0xffff0000u;

	if (!a->write) {
		a->value = vm->gic.ppi_enabled;
		return;
	}
	if (set)
		vm->gic.ppi_enabled |= bits;
	else
		vm->gic.ppi_enabled &= ~bits;
	vgic_flush(vm);                 /* a PPI may have waited for this */
}

int vgic_mmio_access(struct vm *vm, struct mmio_access *a)
{
	uint64_t off;
	uint64_t *reg_val = &a->value;

	if (a->addr - GUEST_GICD_BASE < (gic_v == 3 ? GUEST_GICD_SIZE : 0x1000)) {
		off = a->addr - GUEST_GICD_BASE;
		if (off == GICD_CTLR) {
			if (a->write)
				vm->gic.gicd_ctlr = (uint32_t)a->value;
			/* GICv3: ARE_NS (bit 4) reads as one, affinity routing only. */
			*reg_val = vm->gic.gicd_ctlr | (gic_v == 3 ? BIT(4) : 0);
		} else if (a->write && gic_v == 2 && off == GICD_ISENABLER0) {
			enables(vm, a, 1);
		} else if (a->write && gic_v == 2 && off == GICD_ICENABLER0) {
			enables(vm, a, 0);
		} else if (a->write) {
			/* ignored */
		} else if (off == GICD_TYPER) {
			/* 64 INTIDs (ITLinesNumber 1), one CPU; GICv3: 10 ID bits */
			*reg_val = gic_v == 3 ? 9u << 19 | 1 : 1;
		} else if (off == GICD_IIDR) {
			*reg_val = 0x43b;               /* implementer: Arm */
		} else if (gic_v == 2 && (off == GICD_ISENABLER0 || off == GICD_ICENABLER0)) {
			enables(vm, a, 1);
		} else if (gic_v == 2 && off >= GICD_ITARGETSR0 && off < GICD_ITARGETSR0 + 32) {
			*reg_val = 0x01010101;          /* SGIs, PPIs: this CPU */
		} else if (off == (gic_v == 3 ? GICD_PIDR2_V3 : GICD_PIDR2_V2)) {
			*reg_val = gic_v == 3 ? 0x30 : 0x20;    /* ArchRev */
		} else {
			*reg_val = 0;
		}
		return 0;
	}
	if (gic_v != 3 || a->addr - GUEST_GICR_BASE >= GUEST_GICR_SIZE)
		return -1;
	off = a->addr - GUEST_GICR_BASE;
	if (off == GICR_WAKER) {
		/* Asleep at reset; awake as soon as the guest clears ProcessorSleep. */
		if (a->write)
			vm->gic.waker = (a->value & BIT(1)) ? WAKER_SLEEP : 0;
		*reg_val = vm->gic.waker;
	} else if (off == GICR_ISENABLER0 || off == GICR_ICENABLER0) {
		enables(vm, a, off == GICR_ISENABLER0);
	} else if (a->write) {
		/* ignored */
	} else if (off == GICR_TYPER) {
		*reg_val = BIT(4);                      /* Last: the only one */
	} else if (off == GICD_PIDR2_V3) {
		*reg_val = 0x30;
	} else {
		*reg_val = 0;
	}
	return 0;
}
