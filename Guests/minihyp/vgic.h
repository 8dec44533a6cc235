/*
 * vgic.h - what the shared vGIC (vgic.c) asks of one GIC version: the list
 * register layout, the virtual interface's registers, the guest's view of
 * the distributor. vgic-v2.c (memory-mapped GICH, both architectures) and
 * vgic-v3.c (ICH_*_EL2 system registers, the AArch64 build) provide them.
 */
#ifndef MINIHYP_VGIC_H
#define MINIHYP_VGIC_H

#include "minihyp.h"

#define LR_PRIORITY 0xa0u               /* above the guests' PMR of 0xf0 */
#define BIT(n) (1u << (n))

struct vgic_ops {
	int version;
	/* List registers: make one pending (with the EOI-maintenance bit),
	 * read its fields, and read or write LR n of the hardware. */
	uint64_t (*lr_make)(unsigned intid, int eoi);
	uint64_t lr_pending;            /* the state bit "pending" */
	unsigned (*lr_state)(uint64_t v);       /* 0 invalid, 1 pending, 2 active, 3 both */
	unsigned (*lr_intid)(uint64_t v);
	int (*lr_eoi)(uint64_t v);
	uint64_t (*lr_read)(int n);
	void (*lr_write)(int n, uint64_t v);
	/* The rest of the VM's interface state (HCR, VMCR, APR) in and out;
	 * save also turns the interface off. */
	void (*save)(struct vgic *g);
	void (*load)(const struct vgic *g);
	int (*vm_init)(struct vm *vm);  /* map what the guest uses directly */
	void (*dt_node)(struct fdtw *w);        /* the guest's interrupt controller */
	uint32_t ppi_flags;             /* its PPI specifier's flags cell */
	int (*mmio)(struct vm *vm, struct mmio_access *a);      /* GICD (GICR) */
	unsigned (*ack)(void);          /* the physical IAR, whole (vgic_ack) */
};

extern const struct vgic_ops vgic_v2_ops, vgic_v3_ops;
int vgic_v2_probe(void);                /* GICH and GICV found: 0, else -1 */

/* vgic.c, for the version files' distributor: the guest's PPI enables. */
uint32_t vgic_ppi_enable(struct vm *vm, int write, int set, uint32_t val);

/* Offsets shared by both distributors (IHI 0048B 4.3, IHI 0069 12.9). */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define ISENABLER0      0x100
#define ICENABLER0      0x180

#endif
