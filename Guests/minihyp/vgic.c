/*
 * vgic.c - the interrupt controller, twice over; the part that is the same
 * for GICv2 and GICv3. The version files (vgic-v2.c, vgic-v3.c) say how
 * their list registers and registers look.
 *
 * Physically, minihyp owns the GIC (HCR.IMO sends every IRQ to EL2) and
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
#include "vgic.h"

static const struct vgic_ops *gic;      /* the version the host has */
/* Whose LRs are in this CPU's hardware: every CPU has its own virtual
 * interface (GICv2 banks GICH per CPU, GICv3's ICH_* are per CPU). */
#define loaded (this_cpu()->gic_loaded)

int vgic_init(const void *dtb)
{
	int v = gic_init(dtb);

	if (v == 2 && vgic_v2_probe() == 0)
		gic = &vgic_v2_ops;
#if ARCH_GIC_V3
	else if (v == 3)
		gic = &vgic_v3_ops;
#endif
	if (!gic)
		return 0;       /* no GIC, or none with virtualization support */
	return gic->version;
}

/* On each CPU: its CPU interface (GICv3: its redistributor, the cpu-th),
 * and its banked PPIs and SGIs; the kick SGI only matters with several. */
void vgic_cpu_init(int cpu)
{
	gic_cpu_init((unsigned)cpu);
	gic_enable((unsigned)cpu, PPI_MAINTENANCE);
	gic_enable((unsigned)cpu, PPI_HYP_TIMER);
	gic_enable((unsigned)cpu, PPI_VIRT_TIMER);
	if (cpu_count > 1)
		gic_enable((unsigned)cpu, SGI_KICK);
}

/* A VM's LR n: in the hardware while the VM is loaded, else in memory. */
static uint64_t lr_get(struct vm *vm, int n)
{
	return vm != loaded ? vm->gic.lr[n] : gic->lr_read(n);
}

static void lr_set(struct vm *vm, int n, uint64_t v)
{
	if (vm != loaded)
		vm->gic.lr[n] = v;
	else
		gic->lr_write(n, v);
}

/*
 * Put the VM's pending, enabled PPIs into list registers. One already in
 * an LR (say active: the guest is handling it) just gains the pending
 * state; else it takes a free LR (invalid, and no EOI maintenance due).
 * Only the VM's own CPU does this: its LRs may be live in that CPU's GIC.
 */
void vgic_flush(struct vm *vm)
{
	unsigned intid;
	int n, free_lr;
	for (intid = 16; intid < 32; intid++) {
		if (!(vm->gic.ppi_pending & vm->gic.ppi_enabled & BIT(intid)))
			continue;
		for (n = 0, free_lr = -1; n < 4; n++) {
			uint64_t v = lr_get(vm, n);

			if (gic->lr_state(v) && gic->lr_intid(v) == intid)
				break;
			if (free_lr < 0 && !gic->lr_state(v) && !gic->lr_eoi(v))
				free_lr = n;
		}
		if (n < 4)
			lr_set(vm, n, lr_get(vm, n) | gic->lr_pending);
		else if (free_lr >= 0)  /* the timer's LR asks for EOI maintenance */
			lr_set(vm, free_lr, gic->lr_make(intid, intid == PPI_VIRT_TIMER));
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
	if (vm->cpu == this_cpu()->index)
		vgic_flush(vm);
	else
		vm_kick(vm);    /* its CPU flushes it when the SGI arrives */
}

/* Is a virtual interrupt waiting for this VM? (Then its WFI returns.) */
int vgic_has_pending(struct vm *vm)
{
	int n, pending = 0;
	for (n = 0; n < 4; n++)
		pending |= gic->lr_state(lr_get(vm, n)) & 1;
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

		if (gic->lr_state(v) || !gic->lr_eoi(v))
			continue;
		lr_set(vm, n, 0);
		if (gic->lr_intid(v) == PPI_VIRT_TIMER)
			vtimer_eoi(vm);
	}
	vgic_flush(vm);
}

/* World switch: the VM's LRs and interface state in and out of the GIC. */
void vgic_save(struct vm *vm)
{
	int n;
	if (vm != loaded)
		return;
	vgic_maintenance(vm);
	for (n = 0; n < 4; n++)
		vm->gic.lr[n] = lr_get(vm, n);
	gic->save(&vm->gic);
	loaded = 0;
}

void vgic_load(struct vm *vm)
{
	int n;
	loaded = vm;
	for (n = 0; n < 4; n++)
		lr_set(vm, n, vm->gic.lr[n]);
	gic->load(&vm->gic);
}

int vgic_vm_init(struct vm *vm)
{
	vm->gic.hcr = 1;                        /* GICH_HCR/ICH_HCR_EL2.En */
	vm->gic.waker = BIT(1) | BIT(2);        /* a redistributor starts asleep */
	return gic->vm_init(vm);
}

/* The guest's GIC (from the version file), phandle 2, and timer
 * (timer/arm,arch_timer.yaml: secure, non-secure physical, virtual, hyp
 * PPIs); returns the PPI flags for the other nodes. */
uint32_t vgic_dt_nodes(struct fdtw *w)
{
	uint32_t f = gic->ppi_flags;
	uint32_t timer[12] = { 1, 13, f, 1, PPI_PHYS_TIMER - 16, f,
	                       1, PPI_VIRT_TIMER - 16, f, 1, PPI_HYP_TIMER - 16, f };

	gic->dt_node(w);
	fdtw_begin_node(w, "timer");
	PROP_STRS(w, "compatible", "arm,armv8-timer\0arm,armv7-timer");
	fdtw_prop_cells(w, "interrupts", timer, 12);
	fdtw_end_node(w);
	return f;
}

/* GICD/GICR_ISENABLER0 and ICENABLER0: only the PPIs are the guest's to
 * enable. Returns the register's value. */
uint32_t vgic_ppi_enable(struct vm *vm, int write, int set, uint32_t val)
{
	if (write && set)
		vm->gic.ppi_enabled |= val & 0xffff0000u;
	else if (write)
		vm->gic.ppi_enabled &= ~(val & 0xffff0000u);
	vgic_flush(vm);         /* a PPI may have waited for this */
	return vm->gic.ppi_enabled;
}

/* Acknowledge a physical interrupt: the IAR as it reads, for gic_eoi(). On
 * GICv2 an SGI's source CPU is in bits 12:10, and GICC_EOIR wants it back
 * (IHI 0048B, 4.4.5); INTID & 0x3ff is the interrupt. */
unsigned vgic_ack(void)
{
	return gic->ack();
}

/* The emulated distributor (and redistributor): the version file's. */
int vgic_mmio_access(struct vm *vm, struct mmio_access *a)
{
	return gic->mmio(vm, a);
}
