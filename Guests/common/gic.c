/*
 * gic.c - see gic.h. Register offsets: GICv2 from ARM IHI 0048B chapter 4,
 * GICv3 from ARM IHI 0069 chapter 12; the ICC_* encodings from ARM DDI 0487.
 */
#include "gic.h"
#include "guest.h"

static int version;
static uintptr_t gicd, gicc, gicr, gich, gicv;

#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define R64(a) (*(volatile uint64_t *)(uintptr_t)(a))

/* Distributor (both versions). */
#define GICD_CTLR        0x000
#define GICD_ISENABLER   0x100
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_SGIR        0xf00
#define GICD_IROUTER     0x6000
/* GICv2 CPU interface. */
#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10
/* GICv3 redistributor: RD_base frame, then SGI_base frame 64 KiB later;
 * one 128 KiB pair per CPU. */
#define GICR_STRIDE      0x20000
#define GICR_WAKER       0x014
#define GICR_SGI         0x10000
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_IPRIORITYR  (GICR_SGI + 0x400)

/* ICC_* by their generic names, so any assembler accepts them. The 32-bit
 * build drives GICv2 only: no system-register interface there. */
#ifdef __aarch64__
#define ICC_PMR_EL1      "S3_0_C4_C6_0"
#define ICC_IAR1_EL1     "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1    "S3_0_C12_C12_1"
#define ICC_SGI1R_EL1    "S3_0_C12_C11_5"
#define ICC_SRE_EL1      "S3_0_C12_C12_5"
#define ICC_SRE_EL2      "S3_4_C12_C9_5"
#define ICC_IGRPEN1_EL1  "S3_0_C12_C12_7"

#define MRS(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " r : "=r"(__v)); __v; })
#define MSR(r, v) __asm__ volatile("msr " r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define HAVE_GICV3 1
#else
#define HAVE_GICV3 0
#define MRS(r) 0
#define MSR(r, v) ((void)(v))
#endif

int gic_init(const void *dtb)
{
	uint64_t base, size;
	int node = dtb ? fdt_path_offset(dtb, "/interrupt-controller") : -1;

	/* QEMU's virt names it intc@8000000: then look for a GIC by kind. */
	if (dtb && node < 0)
		node = fdt_node_offset_by_compatible(dtb, -1, "arm,cortex-a15-gic");
	if (dtb && node < 0)
		node = fdt_node_offset_by_compatible(dtb, -1, "arm,gic-v3");

	if (node < 0 || fdt_get_reg(dtb, node, 0, &base, &size) != 0)
		return 0;
	gicd = base;
	if (fdt_node_is_compatible(dtb, node, "arm,gic-v3")) {
		if (!HAVE_GICV3 || fdt_get_reg(dtb, node, 1, &base, &size) != 0)
			return 0;
		gicr = base;
		version = 3;
		R32(gicd + GICD_CTLR) = 1u << 4 | 1u << 1;   /* ARE_NS, EnableGrp1NS */
	} else {
		if (fdt_get_reg(dtb, node, 1, &base, &size) != 0)
			return 0;
		gicc = base;
		version = 2;
		/* Entries 2 and 3, when present: GICH and GICV (arm,gic.yaml). */
		if (fdt_get_reg(dtb, node, 2, &base, &size) == 0)
			gich = base;
		if (fdt_get_reg(dtb, node, 3, &base, &size) == 0)
			gicv = base;
		R32(gicd + GICD_CTLR) = 1;                   /* Enable */
	}
	return version;
}

void gic_cpu_init(unsigned cpu)
{
	if (version == 2) {
		R32(gicc + GICC_PMR) = 0xf0;
		R32(gicc + GICC_CTLR) = 1;
	} else if (version == 3) {
		uintptr_t rd = gicr + (uintptr_t)cpu * GICR_STRIDE;
		R32(rd + GICR_WAKER) = 0;                    /* ProcessorSleep = 0 */
		while (R32(rd + GICR_WAKER) & (1u << 2))     /* ChildrenAsleep */
			;
		R32(rd + GICR_IGROUPR0) = ~0u;               /* SGIs/PPIs in group 1 */
		/* At EL2 the EL2 SRE must allow the system-register interface. */
		if (current_el() == 2)
			MSR(ICC_SRE_EL2, MRS(ICC_SRE_EL2) | 1 | 1u << 3);
		MSR(ICC_SRE_EL1, MRS(ICC_SRE_EL1) | 1);
		isb();
		MSR(ICC_PMR_EL1, 0xf0);
		MSR(ICC_IGRPEN1_EL1, 1);
		isb();
	}
}

void gic_enable(unsigned cpu, unsigned intid)
{
	if (version == 3 && intid < 32) {
		uintptr_t rd = gicr + (uintptr_t)cpu * GICR_STRIDE;
		*(volatile uint8_t *)(rd + GICR_IPRIORITYR + intid) = 0xa0;
		R32(rd + GICR_ISENABLER0) = 1u << intid;
		return;
	}
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = 0xa0;
	if (intid >= 32) {
		if (version == 2)
			*(volatile uint8_t *)(gicd + GICD_ITARGETSR + intid) = (uint8_t)(1u << cpu);
		else
			R64(gicd + GICD_IROUTER + 8 * intid) = cpu;
	}
	R32(gicd + GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

unsigned gic_ack(void)
{
	if (version == 2)
		return R32(gicc + GICC_IAR) & 0x3ff;
	if (version == 3)
		return (unsigned)MRS(ICC_IAR1_EL1) & 0xffffff;
	return GIC_SPURIOUS;
}

void gic_eoi(unsigned intid)
{
	if (version == 2)
		R32(gicc + GICC_EOIR) = intid;
	else if (version == 3)
		MSR(ICC_EOIR1_EL1, intid);
}

void gic_send_sgi(unsigned target, unsigned intid)
{
	if (version == 2)
		R32(gicd + GICD_SGIR) = (1u << (16 + target)) | (intid & 15);
	else if (version == 3)
		/* ICC_SGI1R_EL1: INTID 27:24, Aff1..3 = 0, TargetList bit Aff0. */
		MSR(ICC_SGI1R_EL1, (uint64_t)(intid & 15) << 24 | (1u << (target & 15)));
	__asm__ volatile("isb" : : : "memory");
}

int gic_version(void)
{
	return version;
}

uintptr_t gic_frame(enum gic_frame_kind which)
{
	switch (which) {
	case GIC_FRAME_GICD: return gicd;
	case GIC_FRAME_GICC: return gicc;
	case GIC_FRAME_GICR: return gicr;
	case GIC_FRAME_GICH: return gich;
	case GIC_FRAME_GICV: return gicv;
	}
	return 0;
}
