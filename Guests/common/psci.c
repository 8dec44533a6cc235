/*
 * psci.c - calls into the firmware through PSCI (ARM DEN 0022, Power State
 * Coordination Interface) using the SMC Calling Convention (ARM DEN 0028).
 *
 * The conduit comes from the device tree: /psci has method = "smc" or
 * "hvc" (Linux: Documentation/devicetree/bindings/arm/psci.yaml). Without a
 * /psci node we guess like QEMU's virt does: "smc" when we own EL2 (the
 * firmware sits above us), "hvc" at EL1 (a hypervisor sits above us).
 */
#include "guest.h"

static enum psci_conduit conduit;

void psci_init(const void *dtb)
{
	const char *method = 0;

	if (dtb)
		method = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/psci"),
		                            "method");
	if (method && strcmp(method, "smc") == 0)
		conduit = PSCI_CONDUIT_SMC;
	else if (method && strcmp(method, "hvc") == 0)
		conduit = PSCI_CONDUIT_HVC;
	else
		conduit = current_el() >= 2 ? PSCI_CONDUIT_SMC : PSCI_CONDUIT_HVC;
}

void psci_set_conduit(enum psci_conduit c)
{
	conduit = c;
}

enum psci_conduit psci_get_conduit(void)
{
	return conduit;
}

/*
 * SMCCC: function id in w0, arguments in x1..x3, result in x0. SMCCC 1.0
 * lets the callee clobber x4..x17 too, so they are listed as clobbered.
 */
#ifdef __aarch64__
uint64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0"
		    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		    :
		    : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		      "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0"
		    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		    :
		    : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		      "x13", "x14", "x15", "x16", "x17", "memory");
	else
		x0 = (uint64_t)-1;  /* PSCI NOT_SUPPORTED */
	return x0;
}
#else
/* AArch32 SMC32/HVC32: function id in r0, arguments in r1..r3, result in r0. */
uint64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint32_t r0 __asm__("r0") = fn;
	register uint32_t r1 __asm__("r1") = (uint32_t)a1;
	register uint32_t r2 __asm__("r2") = (uint32_t)a2;
	register uint32_t r3 __asm__("r3") = (uint32_t)a3;

	if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile(".arch_extension sec\n\tsmc #0"
		    : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	else if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile(".arch_extension virt\n\thvc #0"
		    : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	else
		return (uint64_t)-1;  /* PSCI NOT_SUPPORTED */
	return (uint64_t)(int64_t)(int32_t)r0;
}
#endif

/* Bits [31:16] major, [15:0] minor; e.g. 0x00010001 is PSCI 1.1. */
uint32_t psci_version(void)
{
	return (uint32_t)psci_call(PSCI_VERSION, 0, 0, 0);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}
