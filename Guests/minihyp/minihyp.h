/*
 * minihyp.h - the data structures of minihyp, a teaching hypervisor.
 *
 * Read this file first, then main.c (boot, exits, scheduler), loader.c,
 * mem.c and stage2.c (building a guest), the exit handlers hypercall.c
 * and vpl011.c, then vgic.c, vtimer.c and evtchn.c (interrupts, time,
 * event channels). The CPU's side is in arch/aarch64 (EL2) and arch/arm32
 * (ARMv7 Hyp mode). README.md beside this file gives the tour.
 *
 * Each guest ("VM", "domain" in Xen's words) has one virtual CPU, placed
 * on one physical CPU (struct pcpu), which runs the VMs placed on it in
 * turn. Without NUMA that is the boot CPU for all of them; with NUMA, a
 * CPU of the node that holds the guest's memory (smp.c). A vCPU's state
 * lives here while it does not run: its general-purpose registers as the
 * exception frame the arch layer's vectors save, its EL1 system registers,
 * its virtual timer and its half of the GIC's virtual CPU interface (the
 * list registers).
 */
#ifndef MINIHYP_H
#define MINIHYP_H

#include "arch.h"         /* arch/aarch64 or arch/arm32: the CPU's side */
#include "gic.h"
#include "xen.h"

#define MAX_VMS 8
#define MAX_CPUS 4
struct fdtw;

/*
 * The guest physical ("intermediate physical", IPA) memory map, the one Xen
 * gives its domUs (xen/include/public/arch-arm.h), so that a guest built
 * for Xen runs here unchanged.
 */
#define GUEST_RAM0_BASE   0x40000000ul   /* guest RAM starts here */
#define GUEST_RAM0_MAX    0xc0000000ul   /* at most 3 GiB of it */
#define GUEST_PL011_BASE  0x22000000ul   /* the emulated UART */
#define GUEST_PL011_SIZE  0x1000ul
#define GUEST_GNTTAB_BASE 0x38000000ul   /* announced in the DT, not used */
#define GUEST_GNTTAB_SIZE 0x01000000ul
#define GUEST_EVTCHN_PPI  31             /* INTID of the event channel */
#define GUEST_VPL011_SPI  32             /* INTID of the vpl011 (SPI 0) */
#define GUEST_GICD_BASE   0x03001000ul   /* the emulated distributor */
#define GUEST_GICD_SIZE   0x00010000ul   /* (GICv2 uses the first 4 KiB) */
#define GUEST_GICC_BASE   0x03002000ul   /* GICv2: the GICV frame, mapped */
#define GUEST_GICC_SIZE   0x00002000ul
#define GUEST_GICR_BASE   0x03020000ul   /* GICv3: the emulated redistributor */
#define GUEST_GICR_SIZE   0x00020000ul   /* one CPU: RD_base + SGI_base frames */

/* The PPIs a guest sees (Xen's GUEST_TIMER_*_PPI) and minihyp's own. */
#define PPI_MAINTENANCE   25             /* GIC virtual interface maintenance */
#define PPI_HYP_TIMER     26             /* CNTHP, EL2 physical timer */
#define PPI_VIRT_TIMER    27             /* CNTV, the guest's virtual timer */
#define PPI_PHYS_TIMER    30             /* CNTP: not given to guests */
#define EVTCHN_PORTS      16             /* per guest; port 0 is never valid */

/* What minihyp tells xen_version it is (the DT says "xen,xen-4.17"). */
#define XEN_MAJOR 4
#define XEN_MINOR 17

/*
 * Exception classes: ESR_EL2.EC (ARM DDI 0487, D17.2.37) and the AArch32
 * HSR.EC (G8.3.x) are the same field, bits [31:26], with the same values;
 * IL (bit 25) and the ISS (bits [24:0]) are laid out alike for the classes
 * minihyp handles. So the exit table below serves both architectures.
 */
#ifndef ESR_EC                  /* guest.h has these for AArch64 */
#define ESR_EC(esr)      (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)     ((esr) & 0x1ffffff)
#define EC_UNKNOWN       0x00
#define EC_SVC64         0x15
#define EC_HVC64         0x16
#define EC_SMC64         0x17
#define EC_DABT_LOWER    0x24
#endif
#define EC_WFX          0x01
#define EC_HVC32        0x12
#define EC_SMC32        0x13
#define EC_SYS64        0x18
#define EC_IABT_LOWER   0x20
#define EC_COUNT        64

/* SPSR_EL2.I: the guest masks IRQs (bit 7 for AArch64 and AArch32 alike). */
#define SPSR_I          (1u << 7)
#define EXIT_IRQ        EC_COUNT        /* exit_counts[] slot for IRQs */

/* The VM's virtual timer: CNTV_CTL_EL0, CNTV_CVAL_EL0 while it does not
 * run, its CNTVOFF_EL2 (0 until it first runs), and whether minihyp set
 * IMASK after the timer fired (writing masked_ctl). */
struct vtimer {
	uint64_t ctl, cval, off, masked_ctl;
	int masked;
};

/* The VM's half of the virtual CPU interface (GICH_* / ICH_*_EL2). */
struct vgic {
	uint64_t lr[4];         /* list registers (32-bit values on GICv2) */
	uint64_t hcr, vmcr, apr;        /* GICv3: APR is ICH_AP1R0 (Group 1) */
	uint32_t ppi_enabled;   /* GICD/GICR_ISENABLER0 as the guest wrote it */
	uint32_t ppi_pending;   /* PPIs not yet in a list register */
	uint32_t gicd_ctlr, waker;      /* emulated GICD_CTLR, GICR_WAKER */
};

/* An event-channel port (Xen's struct evtchn). remote_dom: who may bind
 * (UNBOUND) or the peer, with its port (INTERDOMAIN). */
enum { ECS_FREE, ECS_UNBOUND, ECS_INTERDOMAIN };
struct evtchn { int state, remote_dom; uint32_t remote_port; };

/* vm->blocked: WFI waits for a virtual interrupt; SCHEDOP_block and
 * SCHEDOP_poll also for an event-channel upcall (poll: or one of its ports
 * becoming pending, or its timeout). vgic.c's injection ends either wait. */
enum { BLOCKED_NOT, BLOCKED_WFI, BLOCKED_EVENT };

struct vm {
	int id;                 /* domain id: 1, 2, ... as Xen numbers domUs */
	int running;            /* cleared when the guest shuts down */
	int blocked;            /* BLOCKED_*: why it does not run */
	uint32_t poll_ports;    /* SCHEDOP_poll: a bit per port it waits on */
	uint64_t poll_deadline; /* SCHEDOP_poll's timeout in CNTPCT ticks; 0: none */
	unsigned long ram_ipa;  /* guest RAM as the guest sees it ... */
	unsigned long ram_size;
	unsigned long ram_pa;   /* ... and where it really is in host RAM */
	uint64_t vttbr;         /* VMID << 48 | stage-2 level-1 table */
	int aarch32;            /* EL1 runs AArch32: HCR_EL2.RW = 0 for this VM */
	int node;               /* the NUMA node its RAM and tables come from */
	int cpu;                /* the physical CPU its vCPU runs on (pcpus[]) */

	/* The vCPU while it is not running: the exception frame (ELR = PC,
	 * SPSR = PSTATE) and the EL1 registers (arch.h). */
	struct exc_frame regs;
	struct el1_sysregs sys;
	struct vtimer timer;
	struct vgic gic;

	/* Event channels, and the shared_info page (host PA, 0 until mapped). */
	struct evtchn ports[EVTCHN_PORTS];
	struct shared_info *shinfo;

	/* Console output, sent to the real console one line at a time. */
	char line[120];
	int line_len;
};

/*
 * A physical CPU (smp.c). Each runs its own run queue, the VMs placed on
 * it, and keeps its own view of the hardware: which VM's registers, list
 * registers and timer are loaded in it. Another CPU only reads it, or
 * clears `stuck` (under the lock).
 */
struct pcpu {
	unsigned long stack_top;        /* its EL2 stack (first: entry.S reads it) */
	int index;                      /* cpu0, cpu1, ...: the order under /cpus */
	int node;                       /* its numa-node-id (0 without NUMA) */
	uint64_t mpidr;                 /* its reg: PSCI CPU_ON's and the SGI's target */
	struct vm *runq[MAX_VMS];       /* the vCPUs placed here, run round-robin */
	int nr_vms;
	struct vm *curr;                /* the VM whose registers are live here */
	struct vm *gic_loaded;          /* whose list registers are in the GIC */
	struct vm *timer_loaded;        /* whose virtual timer is in CNTV_* */
	int stuck;                      /* idle, no timer armed: only a kick wakes it */
	volatile int up;                /* a secondary says it is running */
};
extern struct pcpu pcpus[MAX_CPUS];
extern int cpu_count;

/* This CPU's struct pcpu (the arch layer keeps a pointer in TPIDR_EL2 or
 * HTPIDR), and its current VM: as Linux's `current`, a per-CPU variable
 * that reads like a global. */
static inline struct pcpu *this_cpu(void) { return (struct pcpu *)arch_this_cpu(); }
#define current (this_cpu()->curr)

/* smp.c: CPUs from the DT, placing vCPUs, starting CPUs, the lock, kicks */
void smp_init(const void *dtb);         /* read /cpus; this CPU is the boot CPU */
struct pcpu *smp_place(struct vm *vm);  /* a CPU of the VM's node takes its vCPU */
void smp_start(void);                   /* PSCI CPU_ON every other CPU with a vCPU */
void cpu_run(void) __attribute__((noreturn));   /* enter this CPU's first VM */
void cpu_park(void) __attribute__((noreturn));  /* nothing left here: CPU_OFF */
void hyp_lock(void);                    /* the one lock over shared state */
void hyp_unlock(void);
void vm_kick(struct vm *vm);            /* its CPU must look at it again */
int every_cpu_stuck(void);              /* no CPU can wake anyone */
#define SGI_KICK 0                      /* the SGI that carries a kick */

/*
 * One emulated load or store, decoded from a stage-2 data abort's ISS
 * (Bao calls this emul_access): everything an MMIO handler needs.
 */
struct mmio_access {
	uint64_t addr;          /* IPA accessed */
	unsigned width;         /* 1, 2, 4 or 8 bytes (ISS.SAS) */
	int write;              /* ISS.WnR */
	unsigned reg;           /* ISS.SRT: the Xn/Wn (Rn) register; 31 is XZR */
	int sign_extend;        /* ISS.SSE: a sign-extending load (LDRSB...) */
	int reg64;              /* ISS.SF: the register is 64-bit (Xn) */
	uint64_t value;         /* a store's data, or what a load returns */
};

/*
 * The length of the trapped instruction, to step over it: ESR_EL2.IL is 1
 * for a 32-bit instruction (every A64 and A32 one), 0 for a 16-bit T32 one.
 */
static inline uint64_t trapped_insn_len(uint64_t esr)
{
	return (esr >> 25) & 1 ? 4 : 2;
}

/* main.c */
extern struct vm vms[MAX_VMS];
extern int vm_count;
void schedule(struct exc_frame *f);     /* switch to the next ready VM */
void vm_crash(struct vm *vm, struct exc_frame *f, const char *why);

/*
 * minihyp's exit status, so that CI can tell a guest's failure from success:
 * 0 when every guest powered off; otherwise the first failure decides.
 */
#define MINIHYP_EXIT_SHUTDOWN   10      /* + SCHEDOP_shutdown reason 1-5; 16 unknown */
#define MINIHYP_EXIT_CRASHED    20      /* minihyp stopped a guest it could not serve */
void vm_failed(struct vm *vm, int status, const char *what, const char *detail);
struct vm *vm_by_id(int id);            /* a running VM, or 0 */

/* main.c: an exit from the running guest (the arch layer's vectors call
 * this): a synchronous exception, its syndrome in f->esr, or a physical IRQ. */
void guest_exit_taken(struct exc_frame *f, int irq);

/* mem.c: host memory, and guest memory seen from minihyp */
void mem_init(const void *dtb);
unsigned long mem_alloc(unsigned long size, unsigned long align);      /* or 0 */
int mem_use_node(int node);             /* NUMA node to allocate from (mod count) */
int mem_node_count(void);
unsigned long mem_alloc_page(void);     /* a zeroed 4 KiB page, or 0 */
void copy(unsigned long dst, unsigned long src, unsigned long len);     /* by words if aligned */
void zero(unsigned long dst, unsigned long len);
int in_guest_ram(struct vm *vm, uint64_t ipa, uint64_t len);
unsigned long ipa_to_pa(struct vm *vm, uint64_t ipa);
int guest_copy(struct vm *vm, uint64_t va, void *buf, unsigned long len, int to_guest);
#define guest_read(vm, va, dst, len)  guest_copy(vm, va, dst, len, 0)
#define guest_write(vm, va, src, len) guest_copy(vm, va, src, len, 1)

/* stage2.c: the guest's IPA space */
int stage2_create(struct vm *vm);       /* a root table, all of RAM mapped */
int vm_map_page(struct vm *vm, uint64_t ipa, unsigned long pa, int device);

/* loader.c: a VM from its "xen,domain" node: kernel, device tree, registers */
int vm_create(struct vm *vm, int id, const void *dtb, int domain_node);

/* arch/.../hyp.c: the CPU's hypervisor controls */
void arch_init(void);                   /* vectors for the exits */
void hyp_init(void);                    /* HCR, VTCR, timer access */
void vm_init_sysregs(struct vm *vm);    /* reset values of its EL1 registers */
void vm_save_sysregs(struct vm *vm);
void vm_load_sysregs(struct vm *vm);    /* and VTTBR (stage 2, VMID) */
void stage2_flush_ipa(uint64_t ipa);    /* TLB maintenance after a remap */
int guest_va_to_ipa(uint64_t va, uint64_t *ipa);        /* stage 1; -14 on a fault */

/* vgic.c (+ vgic-v2.c, vgic-v3.c): the GIC, physical side for minihyp,
 * virtual side for guests */
int vgic_init(const void *host_dtb);    /* 2 or 3 (GIC version), 0 if none */
int vgic_vm_init(struct vm *vm);        /* stage-2 map of GICV (GICv2) */
uint32_t vgic_dt_nodes(struct fdtw *w);  /* guest GIC + timer nodes; PPI flags */
void vgic_inject(struct vm *vm, unsigned intid);
int vgic_has_pending(struct vm *vm);    /* a virtual interrupt to take? */
void vgic_maintenance(struct vm *vm);   /* handle LRs the guest EOIed */
void vgic_cpu_init(int cpu);            /* this CPU's GIC interface and PPIs */
void vgic_flush(struct vm *vm);         /* pending PPIs into list registers */
unsigned vgic_ack(void);                /* take a physical IRQ: its IAR value */
void vgic_save(struct vm *vm);
void vgic_load(struct vm *vm);
int vgic_mmio_access(struct vm *vm, struct mmio_access *a);

/* vtimer.c: each VM's virtual timer; minihyp's time slice on CNTHP */
void vtimer_save(struct vm *vm);
void vtimer_load(struct vm *vm);
void vtimer_fired(struct vm *vm);       /* PPI 27 taken while vm ran */
void vtimer_eoi(struct vm *vm);         /* the guest EOIed virtual PPI 27 */
void vtimer_check(struct vm *vm);       /* fire a stopped VM's timer if due */
int vtimer_deadline(struct vm *vm, uint64_t *when);     /* CNTPCT value */
void slice_start(void);                 /* arm CNTHP for the next slice */

/* evtchn.c: HYPERVISOR_event_channel_op and the shared_info page */
long evtchn_op(struct vm *vm, uint64_t cmd, uint64_t arg);
long memory_op(struct vm *vm, uint64_t cmd, uint64_t arg);
int event_pending(struct vm *vm);       /* would SCHEDOP_block return at once? */
long sched_poll(struct vm *vm, unsigned long arg, unsigned long spsr);    /* <0 error, 0, 1 sleep */
int poll_deadline(struct vm *vm, uint64_t *when);       /* CNTPCT; 0 if none */
void poll_check(struct vm *vm);         /* end a poll whose timeout passed */

/* hypercall.c: HVC #0xEA1 (Xen), HVC #0 / trapped SMC (PSCI) */
void handle_hvc(struct vm *vm, struct exc_frame *f);
void handle_smc(struct vm *vm, struct exc_frame *f);

/* vpl011.c */
int vpl011_access(struct vm *vm, struct mmio_access *a);
void vm_console_putc(struct vm *vm, char c);

/* fdt_write.c: a minimal sequential device-tree writer */
struct fdtw {
	uint8_t *buf;           /* the blob being written */
	uint32_t cap, off;      /* its capacity, and the structure's end */
	char strings[512];      /* property names, appended at the end */
	uint32_t str_len;
	int err;                /* set when something did not fit */
};
void fdtw_init(struct fdtw *w, void *buf, uint32_t cap);
void fdtw_begin_node(struct fdtw *w, const char *name);
void fdtw_end_node(struct fdtw *w);
void fdtw_prop(struct fdtw *w, const char *name, const void *val, uint32_t len);
void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *c, int n);
#define fdtw_prop_u32(w, name, v) fdtw_prop_cells(w, name, (uint32_t[]){ v }, 1)
#define fdtw_prop_str(w, name, s) fdtw_prop(w, name, s, strlen(s) + 1)
/* A string list property ("a\0b\0") needs its length spelled out. */
#define PROP_STRS(w, name, lit) fdtw_prop(w, name, lit, sizeof(lit))
int fdtw_finish(struct fdtw *w);        /* total size, or -1 */

/* arch/.../entry.S: load a frame into the registers and ERET into the guest. */
void guest_enter(struct exc_frame *f) __attribute__((noreturn));

#endif
