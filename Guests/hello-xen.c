/*
 * hello-xen.c - a guest for Xen on Arm, and for minihyp, which speaks the
 * same hypercalls. It starts at EL1 with x0 = its device tree, like a
 * Linux kernel, and:
 *
 *   1. prints a line through the console_io hypercall,
 *   2. prints a line through its PL011, found in its device tree (a
 *      hypervisor emulates it: "arm,pl011" under minihyp, Xen's vpl011
 *      "arm,sbsa-uart" under Xen),
 *   3. asks xen_version for the hypervisor's version and prints it,
 *   4. shuts down with sched_op(SCHEDOP_shutdown, poweroff), or with the
 *      reason its bootargs give as "reason=N" (a hypervisor's exit status
 *      tests use 3, crash).
 *
 * Between steps it lets other guests run with SCHEDOP_yield. Built twice (Makefile): hello-xen.elf, and
 * hello-xen.bin, the same code as an arm64 Image for Xen.
 *
 * The hypercall ABI (xen/include/public/arch-arm.h): HVC #0xEA1, number
 * in x16, arguments in x0..x4, result in x0. Xen may clobber x1..x4 and
 * x16 (debug builds do, on purpose), so xen_hvc's asm (common/xen.h) says
 * so. A 32-bit guest (hello-xen32.elf, AArch32) uses the same HVC with the
 * number in r12 and the arguments in r0..r4: one ABI, two widths.
 */
#include "xen.h"

#ifdef __aarch64__
#define ARCH "AArch64"
#else
#define ARCH "AArch32"
#endif

/* The PL011 (ARM DDI 0183): UARTDR at 0, UARTFR at 0x18, TXFF = bit 5. */
static uintptr_t uart;

static void uart_putc(char c)
{
	while (*(volatile uint32_t *)(uart + 0x18) & (1u << 5))
		;
	*(volatile uint32_t *)uart = (uint8_t)c;
}

int main(const void *dtb)
{
	static struct { uint32_t reason; } shutdown = { SHUTDOWN_poweroff };
	uint64_t base = 0;
	const char *args;
	long version;
	int node;

	console_sink = xen_console_putc;
	printf("hello-xen: hello through the console_io hypercall (" ARCH ")\n");
	xen_yield();

	node = fdt_node_offset_by_compatible(dtb, -1, "arm,pl011");
	if (node < 0)
		node = fdt_node_offset_by_compatible(dtb, -1, "arm,sbsa-uart");
	if (node >= 0 && fdt_get_reg(dtb, node, 0, &base, 0) == 0) {
		uart = (uintptr_t)base;
		console_sink = uart_putc;
		printf("hello-xen: hello through the PL011 at 0x%lx\n", (unsigned long)base);
		console_sink = xen_console_putc;
	} else {
		printf("hello-xen: no PL011 in the device tree\n");
	}
	/* Not WFI: under Xen a WFI blocks the vCPU until an event arrives, and
	 * this guest arms no timer, so it would sleep for ever. */
	xen_yield();

	version = xen_hvc(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	printf("hello-xen: running on Xen %ld.%ld\n", version >> 16, version & 0xffff);
	xen_yield();

	args = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs");
	if (args && args[0] == 'r' && !strncmp(args, "reason=", 7) && args[7] >= '0' && args[7] <= '9')
		shutdown.reason = (uint32_t)(args[7] - '0');
	printf("hello-xen: shutting down\n");
	xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&shutdown, 0);
	for (;;)                        /* not reached under a hypervisor */
		__asm__ volatile("wfi");
}
