/*
 * main.c - minihyp boots, then every guest exit comes through here.
 *
 * Boot: the arch layer's entry (common/start.S at EL2, arch/arm32/entry.S
 * in Hyp mode) calls main() with the host DTB. minihyp finds each guest
 * described under /chosen with Xen's dom0less binding (compatible
 * "xen,domain", Xen's docs/misc/arm/device-tree/booting.txt), builds it
 * (loader.c), turns stage 2 and the traps on (hyp_init) and enters the
 * first guest at EL1 (PL1).
 *
 * From then on minihyp runs only when a guest exits: the guest executes
 * something HCR traps (HVC, WFI, SMC, a load or store to an address with
 * no stage-2 mapping), the CPU takes a synchronous exception to EL2, the
 * arch layer's vectors save the guest's registers into a struct exc_frame
 * and call guest_exit_taken(). That looks the exception class (ESR_EL2.EC,
 * or HSR.EC: the same values) up in a table of handlers, as Bao does, and
 * returns; the vectors then restore the (possibly changed, possibly
 * another VM's) frame and ERET. The other way out of a guest is a
 * physical IRQ (HCR.IMO): take_irq().
 *
 * With several CPUs (smp.c) every CPU does all of this for the VMs placed
 * on it, each on its own stack; one lock (hyp_lock) makes minihyp's code
 * run on one CPU at a time, from a guest's exit to its return.
 */
#include "minihyp.h"

struct vm vms[MAX_VMS];
int vm_count;

/* How many exits of each class, and physical interrupts by INTID (SGIs,
 * PPIs), all CPUs together: printed when the last guest stops. */
static unsigned long exit_counts[EC_COUNT + 1], irq_counts[32];

static const char *const ec_names[EC_COUNT] = {
	[EC_UNKNOWN] = "UNKNOWN", [EC_WFX] = "WFx", [EC_SVC64] = "SVC64",
	[EC_HVC64] = "HVC64", [EC_SMC64] = "SMC64", [EC_SYS64] = "SYS64",
	[EC_HVC32] = "HVC32", [EC_SMC32] = "SMC32",
	[EC_IABT_LOWER] = "IABT_LOW", [EC_DABT_LOWER] = "DABT_LOW",
};

/* ---- Exit handlers ------------------------------------------------------ */

typedef void (*exit_handler)(struct vm *vm, struct exc_frame *f);

/*
 * WFI, trapped by HCR_EL2.TWI: the guest waits for an interrupt. With a
 * virtual one pending, WFI returns at once (whatever PSTATE.I says); else
 * the guest blocks until vgic.c injects one, and another guest runs.
 */
static void handle_wfx(struct vm *vm, struct exc_frame *f)
{
	/* ELR is the WFI itself (a trapped instruction's preferred return
	 * address, ARM DDI 0487 D1.10.2); step over it, as if it returned. */
	f->elr += trapped_insn_len(f->esr);
	if (vgic_has_pending(vm))
		return;
	vm->blocked = BLOCKED_WFI;
	schedule(f);
}

/*
 * A stage-2 data abort: the guest touched an IPA with no mapping. Inside
 * RAM that cannot happen (all of it is mapped); outside, it is a device
 * we emulate, and the ISS tells us everything about the access.
 */
#define ISS_ISV      (1u << 24)  /* the fields below are valid */
#define ISS_SAS(i)   (((i) >> 22) & 3)   /* access size: 1 << SAS bytes */
#define ISS_SSE      (1u << 21)
#define ISS_SRT(i)   (((i) >> 16) & 31)
#define ISS_SF       (1u << 15)
#define ISS_S1PTW    (1u << 7)   /* fault on a stage-1 table walk */
#define ISS_WNR      (1u << 6)

static void handle_dabt(struct vm *vm, struct exc_frame *f)
{
	uint32_t iss = ESR_ISS(f->esr);
	struct mmio_access a;
	uint64_t mask;

	/* HPFAR holds the IPA's page (arch.h); FAR (HDFAR) the page offset.
	 * Nothing ran since the exception, so the register is still ours. */
	a.addr = fault_ipa_page() | (f->far & 0xfff);
	if (!(iss & ISS_ISV) || (iss & ISS_S1PTW) || !guest_reg_valid(f, ISS_SRT(iss))) {
		/* e.g. LDP or a load with writeback: no syndrome to emulate */
		vm_crash(vm, f, "data abort that minihyp cannot emulate");
		return;
	}
	a.width = 1u << ISS_SAS(iss);
	a.write = !!(iss & ISS_WNR);
	a.reg = ISS_SRT(iss);
	a.sign_extend = !!(iss & ISS_SSE);
	a.reg64 = !!(iss & ISS_SF);
	mask = a.width == 8 ? ~0ull : (1ull << (8 * a.width)) - 1;
	a.value = a.write ? guest_reg_read(f, a.reg) & mask : 0;

	if (vpl011_access(vm, &a) < 0 && vgic_mmio_access(vm, &a) < 0) {
		vm_crash(vm, f, "access to an address with no RAM or device");
		return;
	}
	if (!a.write) {
		uint64_t v = a.value & mask;

		if (a.sign_extend && a.width < 8 && (v >> (8 * a.width - 1)) & 1)
			v |= ~mask;
		if (!a.reg64)
			v &= 0xffffffffu;   /* a Wn destination zeroes bits 63:32 */
		guest_reg_write(f, a.reg, v);
	}
	/* ELR is the load/store that faulted; we did its work, so skip it.
	 * (4 bytes for A64 and A32, 2 for a 16-bit T32 one: ESR.IL says.)
	 * The register: arch.h's guest_reg_read/write. At AArch64 EL2, SRT
	 * from an AArch32 guest is already the AArch64 view of the register
	 * (f->x[] holds its r0..r14 where the Arm ARM maps them); at AArch32
	 * Hyp, SRT is r0..r14 of the guest's mode, r13/r14 banked per mode. */
	f->elr += trapped_insn_len(f->esr);
}

static void handle_unexpected(struct vm *vm, struct exc_frame *f)
{
	vm_crash(vm, f, "unexpected exit");
}

/*
 * Acknowledge and handle a physical interrupt; `vm` is the guest whose
 * timer and list registers are loaded. Returns 1 for the EL2 timer: the
 * slice is over, or a sleeping guest's timer is due. (Its level stays
 * high until schedule() rearms CNTHP, which every caller reaches.)
 */
static int take_irq(struct vm *vm)
{
	struct pcpu *me = this_cpu();
	unsigned iar = vgic_ack(), id = iar & 0x3ff;   /* GICv2: minus an SGI's source */
	int i;

	if (id >= 1020)                 /* 1020-1023: nothing (left) to take */
		return 0;
	irq_counts[id & 31]++;
	if (id == PPI_VIRT_TIMER)
		vtimer_fired(vm);
	else if (id == PPI_MAINTENANCE)
		vgic_maintenance(vm);
	else if (id == SGI_KICK)        /* another CPU injected into our VMs */
		for (i = 0; i < me->nr_vms; i++)
			vgic_flush(me->runq[i]);
	gic_eoi(iar);   /* priority drop and deactivate (EOImode 0) */
	return id == PPI_HYP_TIMER;
}

/*
 * The exit dispatch table, indexed by ESR_EL2.EC. Only what minihyp asks
 * HCR_EL2 to trap (and the guest's own HVC/SMC calls) can arrive.
 */
static const exit_handler exit_handlers[EC_COUNT] = {
	[EC_WFX] = handle_wfx,
	[EC_HVC64] = handle_hvc,
	[EC_SMC64] = handle_smc,
	[EC_HVC32] = handle_hvc,        /* the same hypercalls from AArch32 guests */
	[EC_SMC32] = handle_smc,
	[EC_DABT_LOWER] = handle_dabt,
};

static void print_summary(void)
{
	int ec;

	printf("minihyp: every guest has shut down; exits by exception class:\n");
	for (ec = 0; ec < EC_COUNT; ec++)
		if (exit_counts[ec])
			printf("minihyp:   %-9s (EC 0x%02x) %8lu\n",
			       ec_names[ec] ? ec_names[ec] : "?", ec, exit_counts[ec]);
	if (exit_counts[EXIT_IRQ])
		printf("minihyp:   IRQ                 %8lu  (EL2 timer %lu, virtual timer %lu, "
		       "maintenance %lu)\n", exit_counts[EXIT_IRQ], irq_counts[PPI_HYP_TIMER],
		       irq_counts[PPI_VIRT_TIMER], irq_counts[PPI_MAINTENANCE]);
	if (irq_counts[SGI_KICK])       /* smp.c: taken in a guest or in idle() */
		printf("minihyp:   kicks (SGI %d)       %8lu  (events for a vCPU on another CPU)\n",
		       SGI_KICK, irq_counts[SGI_KICK]);
}

static int failure_status, failure_vm;
static const char *failure_what, *failure_detail;

void vm_failed(struct vm *vm, int status, const char *what, const char *detail)
{
	if (failure_status)
		return;         /* the first failure is the one worth reading */
	failure_status = status;
	failure_vm = vm->id;
	failure_what = what;
	failure_detail = detail;
}

static void power_off(int code)
{
	print_summary();
	if (code == 0 && failure_status) {
		printf("minihyp: exit status %d: d%d %s%s\n", failure_status, failure_vm,
		       failure_what, failure_detail);
		code = failure_status;
	}
	if (code == 0)
		psci_system_off();      /* SMC from EL2: to the firmware */
	guest_exit(code ? code : 1);
}

struct vm *vm_by_id(int id)
{
	return id >= 1 && id <= vm_count && vms[id - 1].running ? &vms[id - 1] : 0;
}

/* Every guest of this CPU waits: sleep until a timer is due (CNTHP for
 * stopped guests, the loaded guest's own CNTV) or another CPU kicks us.
 * IRQs are masked at EL2 (PSTATE.I), but a pending one still ends WFI
 * (ARM DDI 0487, D1.16.2): a kick sent after we unlock is not lost. */
static void idle(void)
{
	struct pcpu *me = this_cpu();
	uint64_t when;
	int i, armed = current->running && (cntv_ctl_read() & 3) == 1;

	for (i = 0; i < me->nr_vms; i++)
		armed |= vtimer_deadline(me->runq[i], &when) | poll_deadline(me->runq[i], &when);
	me->stuck = !armed;
	if (every_cpu_stuck()) {
		printf("minihyp: every guest waits for an interrupt that nothing will send\n");
		power_off(1);
	}
	slice_start();
	hyp_unlock();           /* let the other CPUs in while we sleep */
	__asm__ volatile("dsb sy\n wfi" : : : "memory");
	hyp_lock();
	take_irq(current);
}

/*
 * Round-robin over this CPU's ready VMs (its run queue), preemptive (CNTHP
 * ends a time slice) and cooperative (yield, WFI). A switch saves the
 * current VM (registers in frame `f`; EL1 registers, timer, list registers
 * in the CPU) and loads the next into the CPU and `f`, so that the ERET of
 * vectors.S enters it. When no VM is left on this CPU, it parks; when none
 * is left anywhere, the machine powers off through PSCI.
 */
void schedule(struct exc_frame *f)
{
	struct pcpu *me = this_cpu();
	struct vm *next = 0;
	int i, alive, start = 0;

	for (i = 0; i < me->nr_vms; i++)
		if (me->runq[i] == current)
			start = i;
	if (!current->running)
		vtimer_save(current);   /* a guest that stopped: silence its timer */
	while (!next) {
		/* Fire sleeping guests' due timers, then take the first ready VM
		 * after the current one (which comes last). */
		for (i = alive = 0; i < me->nr_vms; i++) {
			vtimer_check(me->runq[i]);
			poll_check(me->runq[i]);
			alive |= me->runq[i]->running;
		}
		if (!alive) {
			for (i = 0; i < vm_count; i++)
				alive |= vms[i].running;
			if (!alive)
				power_off(0);   /* the last guest anywhere is gone */
			cpu_park();             /* others still run elsewhere */
		}
		for (i = 1; i <= me->nr_vms && !next; i++) {
			struct vm *v = me->runq[(start + i) % me->nr_vms];
			next = v->running && !v->blocked ? v : 0;
		}
		if (!next)
			idle();
	}
	me->stuck = 0;
	if (next != current) {
		/* copy(), not `=`: GCC would call the byte-wise memcpy */
		copy((unsigned long)&current->regs, (unsigned long)f, sizeof(*f));
		vm_save_sysregs(current);
		vgic_save(current);
		vtimer_save(current);
		current = next;
		vm_load_sysregs(next);  /* EL1 registers and VTTBR_EL2 */
		vgic_load(next);
		vtimer_load(next);
		copy((unsigned long)f, (unsigned long)&next->regs, sizeof(*f));
	}
	slice_start();
}

/* Xen says "domain crashed" here; so do we, and the others carry on. */
void vm_crash(struct vm *vm, struct exc_frame *f, const char *why)
{
	printf("minihyp: d%d crashed: %s (ESR 0x%lx, PC 0x%lx, FAR 0x%lx)\n",
	       vm->id, why, (unsigned long)f->esr, (unsigned long)f->elr, (unsigned long)f->far);
	vm->running = 0;
	vm_failed(vm, MINIHYP_EXIT_CRASHED, "crashed: ", why);
	schedule(f);
}

/*
 * Every exit from a guest arrives here from the arch layer's vectors
 * (common/vectors.S through arch/aarch64/hyp.c, or arch/arm32/entry.S):
 * a synchronous exception, whose class (ESR_EL2.EC or HSR.EC) picks the
 * handler, or a physical IRQ. Anything else taken to EL2 is a bug in
 * minihyp, which the arch layer reports.
 */
void guest_exit_taken(struct exc_frame *f, int irq)
{
	uint32_t ec = ESR_EC(f->esr);
	exit_handler h;

	hyp_lock();     /* until the ERET: minihyp's shared state is ours */
	/* A physical IRQ while a guest ran: ELR is where the guest was
	 * interrupted, and where it resumes. No adjustment. */
	if (irq) {
		exit_counts[EXIT_IRQ]++;
		if (take_irq(current))
			schedule(f);
	} else {
		exit_counts[ec]++;
		h = exit_handlers[ec] ? exit_handlers[ec] : handle_unexpected;
		h(current, f);
	}
	hyp_unlock();
}

/* ---- Boot ---------------------------------------------------------------- */

int main(const void *dtb)
{
	int chosen, node = -1, domains = 0, gic;
	const char *model;

	if (current_el() != 2) {
		printf("minihyp: started at EL%u; a hypervisor needs EL2\n", current_el());
		return 1;
	}
	if (!dtb) {
		printf("minihyp: no device tree\n");
		return 1;
	}
	model = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/"), "model");
	printf("minihyp: a teaching hypervisor, %s on %s\n", ARCH_EL2_NAME, model ? model : "?");

	if (!(gic = vgic_init(dtb))) {
		printf("minihyp: no GIC with virtualization support in the device tree\n");
		return 1;
	}
	printf("minihyp: GICv%d, guests get virtual timers and a 1 ms time slice\n", gic);
	smp_init(dtb);
	mem_init(dtb);
	chosen = fdt_path_offset(dtb, "/chosen");
	while ((node = fdt_next_subnode(dtb, chosen, node)) >= 0) {
		if (!fdt_node_is_compatible(dtb, node, "xen,domain"))
			continue;
		domains++;
		if (vm_count == MAX_VMS) {
			printf("minihyp: more than %d guests; ignoring the rest\n", MAX_VMS);
			break;
		}
		/* Domain ids count from 1, as Xen numbers dom0less domUs. */
		if (vm_create(&vms[vm_count], vm_count + 1, dtb, node) == 0)
			vm_count++;
	}
	if (vm_count == 0) {
		if (domains)
			printf("minihyp: none of the %d guests could be built\n", domains);
		else
			printf("minihyp: no guest to run (give armvm --guest IMAGE)\n");
		return domains ? 1 : 0;
	}

	arch_init();
	hyp_init();
	vgic_cpu_init(this_cpu()->index);
	smp_start();            /* the other CPUs that got a vCPU */
	cpu_run();
}
