/*
 * gic.h - just enough GIC driver for the test guests: GICv2 (GIC-400,
 * memory-mapped CPU interface) and GICv3 (redistributors and the ICC_*
 * system registers), chosen from the device tree's interrupt-controller
 * node. Everything is group 1, non-secure, one priority.
 *
 * Interrupt IDs: 0-15 SGIs, 16-31 PPIs (per CPU), 32+ SPIs.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdint.h>

#define GIC_SPURIOUS 1023u

/* Find the GIC in the DT and enable its distributor. Returns 2 or 3 for
 * the GIC version, 0 when there is none. Call once, on the boot CPU. */
int gic_init(const void *dtb);

/* Enable this CPU's interface (and, on GICv3, wake its redistributor).
 * Call on every CPU that takes interrupts, after gic_init(). */
void gic_cpu_init(unsigned cpu);

/* Enable interrupt `intid` (for SGIs/PPIs: on this CPU), level or edge as
 * the DT binding says; priority 0xa0. */
void gic_enable(unsigned cpu, unsigned intid);

/* Acknowledge the highest pending interrupt; GIC_SPURIOUS if none. */
unsigned gic_ack(void);

/* End of interrupt: priority drop and deactivation (EOImode 0). */
void gic_eoi(unsigned intid);

/* Send SGI `intid` (0-15) to CPU `target` (Aff0). */
void gic_send_sgi(unsigned target, unsigned intid);

/* The version gic_init() found: 2, 3, or 0. */
int gic_version(void);

/* A frame's base address from the DT, or 0 if it has none. GICH (virtual
 * interface control) and GICV (virtual CPU interface) are the GICv2
 * virtualization extensions' frames, for a hypervisor. */
enum gic_frame_kind { GIC_FRAME_GICD, GIC_FRAME_GICC, GIC_FRAME_GICR,
                      GIC_FRAME_GICH, GIC_FRAME_GICV };
uintptr_t gic_frame(enum gic_frame_kind which);

#endif
