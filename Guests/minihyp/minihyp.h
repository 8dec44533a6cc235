/*
 * minihyp.h - the data structures of minihyp, a teaching hypervisor.
 *
 * Read this file first, then main.c (boot and the exit dispatch table),
 * then vm.c (building a guest), then the exit handlers: hypercall.c,
 * vpl011.c. README.md beside this file gives the tour.
 *
 * One physical CPU runs every guest ("VM", "domain" in Xen's words) in
 * turn. A VM has one virtual CPU whose state lives here while it does not
 * run: its general-purpose registers as the exception frame that
 * common/vectors.S saves, and its EL1 system registers.
 */
#ifndef MINIHYP_H
#define MINIHYP_H

#include "guest.h"

#define MAX_VMS 8

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

/* What minihyp tells xen_version it is (the DT says "xen,xen-4.17"). */
#define XEN_MAJOR 4
#define XEN_MINOR 17

/* Exception classes, ESR_EL2.EC (ARM DDI 0487, D17.2.37). */
#define EC_WFX          0x01
#define EC_SYS64        0x18
#define EC_IABT_LOWER   0x20
#define EC_COUNT        64

/* The EL1 system registers a VM owns; swapped when VMs switch. */
struct el1_sysregs {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair;
	uint64_t vbar, esr, far, afsr0, afsr1, par, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1;
	uint64_t elr, spsr, cntkctl, csselr;
};

struct vm {
	int id;                 /* domain id: 1, 2, ... as Xen numbers domUs */
	int running;            /* cleared when the guest shuts down */
	uint64_t ram_ipa;       /* guest RAM as the guest sees it ... */
	uint64_t ram_size;
	uint64_t ram_pa;        /* ... and where it really is in host RAM */
	uint64_t vttbr;         /* VMID << 48 | stage-2 level-1 table */

	/* The vCPU while it is not running (x0..x30, ELR = PC, SPSR = PSTATE). */
	struct exc_frame regs;
	struct el1_sysregs sys;

	/* Console output, sent to the real console one line at a time. */
	char line[120];
	int line_len;
};

/*
 * One emulated load or store, decoded from a stage-2 data abort's ISS
 * (Bao calls this emul_access): everything an MMIO handler needs.
 */
struct mmio_access {
	uint64_t addr;          /* IPA accessed */
	unsigned width;         /* 1, 2, 4 or 8 bytes (ISS.SAS) */
	int write;              /* ISS.WnR */
	unsigned reg;           /* ISS.SRT: the Xn/Wn register; 31 is XZR */
	int sign_extend;        /* ISS.SSE: a sign-extending load (LDRSB...) */
	int reg64;              /* ISS.SF: the register is 64-bit (Xn) */
	uint64_t value;         /* a store's data, or what a load returns */
};

/* main.c */
extern struct vm vms[MAX_VMS];
extern int vm_count;
extern struct vm *current;
void schedule(struct exc_frame *f);     /* switch to the next running VM */
void vm_crash(struct vm *vm, struct exc_frame *f, const char *why);

/* vm.c */
void mem_init(const void *dtb);
int vm_create(struct vm *vm, int id, const void *dtb, int domain_node);
void vm_save_sysregs(struct vm *vm);
void vm_load_sysregs(struct vm *vm);
int guest_read(struct vm *vm, uint64_t va, void *dst, uint64_t len);
void hyp_init(void);

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
void fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v);
void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *c, int n);
void fdtw_prop_str(struct fdtw *w, const char *name, const char *s);
int fdtw_finish(struct fdtw *w);        /* total size, or -1 */

/* entry.S: load a frame into the registers and ERET into the guest. */
void guest_enter(struct exc_frame *f) __attribute__((noreturn));

#endif
