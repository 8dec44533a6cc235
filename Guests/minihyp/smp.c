/*
 * smp.c - more than one physical CPU: finding them, placing each guest's
 * vCPU on one, starting them, and what they share.
 *
 * The CPUs are the /cpus nodes of the host's DT (bindings/arm/cpus.yaml):
 * `reg` is the CPU's MPIDR affinity, `numa-node-id` its NUMA node
 * (bindings/numa.txt, as `armvm --numa node,cpus=...` writes it). mem.c
 * gives each guest its RAM and stage-2 tables from one node; here its vCPU
 * goes to a CPU of that same node, so the guest's memory is local to the
 * CPU that runs it. Without NUMA every vCPU stays on the boot CPU.
 *
 * The boot CPU starts the others that got a vCPU with PSCI CPU_ON (DEN
 * 0022, 5.6): the firmware (armvm's, at "EL3") starts the CPU at EL2 (Hyp
 * mode) at arch_secondary_entry with x0 (r0) = our context, its pcpu. Each CPU
 * then does what the boot CPU did for itself: its own stack and vectors,
 * HCR/VTCR (hyp_init), its GIC CPU interface and PPIs (vgic_cpu_init), and
 * runs its own run queue with its own EL2 timer as the time slice.
 *
 * What the CPUs share (the VM table, the console, the exit counts, event
 * channels) is guarded by one spinlock, taken when a guest exits to
 * minihyp and released just before the ERET back: so minihyp's C code
 * runs on one CPU at a time, like early Linux's big kernel lock. Simple,
 * and enough for a hypervisor whose guests rarely exit. When an event
 * channel rings a vCPU on another CPU, the sender marks the interrupt
 * pending and kicks that CPU with an SGI; the kicked CPU moves it into
 * its own list registers (only a vCPU's own CPU touches them).
 */
#include "minihyp.h"

#define PSCI_CPU_OFF_FN 0x84000002u
#define CPU_STACK_SIZE  16384ul

struct pcpu pcpus[MAX_CPUS];
int cpu_count = 1;
static int boot_cpu;
static volatile uint32_t big_lock;
/* The secondary CPUs' EL2 stacks (the boot CPU keeps start.S's). */
static uint8_t cpu_stacks[MAX_CPUS][CPU_STACK_SIZE] __attribute__((aligned(16)));

void arch_secondary_entry(void);        /* arch/.../entry.S */
void secondary_main(struct pcpu *me) __attribute__((noreturn));

void hyp_lock(void)
{
	spin_lock(&big_lock);
}

void hyp_unlock(void)
{
	spin_unlock(&big_lock);
}

/* Read the CPUs from the DT; the one whose reg is our MPIDR is this one. */
void smp_init(const void *dtb)
{
	int cpus = fdt_path_offset(dtb, "/cpus"), node = -1, len, n = 0;
	uint64_t me = arch_mpidr();
	const char *type;
	const void *p;

	while (cpus >= 0 && n < MAX_CPUS && (node = fdt_next_subnode(dtb, cpus, node)) >= 0) {
		type = fdt_getprop_string(dtb, node, "device_type");
		p = fdt_getprop(dtb, node, "reg", &len);
		if (!type || strcmp(type, "cpu") || !p || (len != 4 && len != 8))
			continue;
		pcpus[n].index = n;
		pcpus[n].mpidr = fdt_read_cells(p, len / 4);
		p = fdt_getprop(dtb, node, "numa-node-id", &len);
		pcpus[n].node = p && len == 4 ? (int)fdt_be32(p) : 0;
		pcpus[n].stack_top = (unsigned long)cpu_stacks[n] + CPU_STACK_SIZE;
		if (pcpus[n].mpidr == me)
			boot_cpu = n;
		n++;
	}
	cpu_count = n ? n : 1;          /* no /cpus: just us, as pcpus[0] */
	arch_set_this_cpu((unsigned long)&pcpus[boot_cpu]);
}

/*
 * A CPU for the VM's vCPU: with NUMA, the CPU of the VM's node that has
 * the fewest vCPUs so far (the first, on a tie); without NUMA, or on a
 * node with no CPU: the boot CPU.
 */
struct pcpu *smp_place(struct vm *vm)
{
	struct pcpu *c = 0;
	int i;

	if (mem_node_count() > 1)
		for (i = 0; i < cpu_count; i++)
			if (pcpus[i].node == vm->node && (!c || pcpus[i].nr_vms < c->nr_vms))
				c = &pcpus[i];
	if (!c)
		c = &pcpus[boot_cpu];
	vm->cpu = c->index;
	c->runq[c->nr_vms++] = vm;
	return c;
}

/* Start every other CPU that has a vCPU to run, one at a time. */
void smp_start(void)
{
	struct pcpu *boot = &pcpus[boot_cpu];
	int i, j;
	long r;

	for (i = 0; i < cpu_count; i++) {
		struct pcpu *c = &pcpus[i];

		if (c == boot || !c->nr_vms)
			continue;       /* no vCPU: it stays off */
		r = (long)psci_call(PSCI_CPU_ON_FN, c->mpidr,
		                    (unsigned long)arch_secondary_entry, (unsigned long)c);
		if (r == 0) {
			while (!c->up)  /* its "up" line before anything else */
				__asm__ volatile("wfe");
			continue;
		}
		/* It did not start: its vCPUs run on the boot CPU after all. */
		hyp_lock();
		printf("minihyp: cpu%d did not start (PSCI error %ld); its guests run on cpu%d\n",
		       i, r, boot_cpu);
		for (j = 0; j < c->nr_vms; j++) {
			c->runq[j]->cpu = boot_cpu;
			boot->runq[boot->nr_vms++] = c->runq[j];
		}
		c->nr_vms = 0;
		hyp_unlock();
	}
}

/* A secondary CPU, from arch_secondary_entry: on its own stack, with
 * minihyp's vectors; now the rest of what the boot CPU set up. */
void secondary_main(struct pcpu *me)
{
	hyp_init();
	vgic_cpu_init(me->index);
	hyp_lock();
	printf("minihyp: cpu%d (node %d) up, started with PSCI CPU_ON\n", me->index, me->node);
	hyp_unlock();
	me->up = 1;
	__asm__ volatile("dsb sy\n sev" : : : "memory");       /* wake the boot CPU's WFE */
	cpu_run();
}

/* Enter the first VM of this CPU's run queue; every later entry is an
 * exception return (main.c). */
void cpu_run(void)
{
	struct pcpu *me = this_cpu();

	hyp_lock();
	if (!me->nr_vms)
		cpu_park();
	me->curr = me->runq[0];
	vm_load_sysregs(me->curr);
	vgic_load(me->curr);
	vtimer_load(me->curr);
	slice_start();
	hyp_unlock();
	guest_enter(&me->curr->regs);
}

/* Called with the lock held: every guest of this CPU is gone, but others
 * still run elsewhere. The last CPU to finish powers off (main.c). */
void cpu_park(void)
{
	printf("minihyp: cpu%d has no guest to run; it turns itself off\n", this_cpu()->index);
	cnthp_ctl_write(0);             /* no more time slices */
	hyp_unlock();
	psci_call(PSCI_CPU_OFF_FN, 0, 0, 0);
	for (;;)                        /* CPU_OFF does not return, but if it does */
		__asm__ volatile("wfi");
}

/* The VM's CPU must look at it again: a virtual interrupt is pending, or
 * it is no longer blocked. Our own CPU does so anyway before the ERET. */
void vm_kick(struct vm *vm)
{
	struct pcpu *c = &pcpus[vm->cpu];

	if (c == this_cpu())
		return;
	c->stuck = 0;                   /* it has something to do now */
	gic_send_sgi((unsigned)(c->mpidr & 0xff), SGI_KICK);    /* Aff0 */
}

/* Does every CPU that has a live guest wait with no timer armed? Then
 * nothing will ever wake them (every kick clears `stuck`). */
int every_cpu_stuck(void)
{
	int i, j;

	for (i = 0; i < cpu_count; i++)
		for (j = 0; j < pcpus[i].nr_vms; j++)
			if (pcpus[i].runq[j]->running && !pcpus[i].stuck)
				return 0;
	return 1;
}
