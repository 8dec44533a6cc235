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
 * x16 (debug builds do, on purpose), so the asm below says so. A 32-bit
 * guest (hello-xen32.elf, AArch32) uses the same HVC with the number in
 * r12 and the arguments in r0..r4: one ABI, two widths.
 */
#include "guest.h"

#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io  18
#define __HYPERVISOR_sched_op    29
#define CONSOLEIO_write   0
#define XENVER_version    0
#define SCHEDOP_yield     0
#define SCHEDOP_shutdown  2
#define SHUTDOWN_poweroff 0

#ifdef __aarch64__
#define ARCH "AArch64"
static long hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
                      unsigned long a2)
{
	register unsigned long x0 __asm__("x0") = a0;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #0xea1"
	    : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16)
	    :
	    : "x3", "x4", "memory");
	return (long)x0;
}
#else
#define ARCH "AArch32"
static long hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
                      unsigned long a2)
{
	register unsigned long r0 __asm__("r0") = a0;
	register unsigned long r1 __asm__("r1") = a1;
	register unsigned long r2 __asm__("r2") = a2;
	register unsigned long r12 __asm__("r12") = nr;

	__asm__ volatile(".arch_extension virt\n\thvc #0xea1"
	    : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r12)
	    :
	    : "r3", "memory");
	return (long)r0;
}
#endif

/* printf into a line buffer that goes out through console_io at '\n'. */
static char line[128];
static unsigned line_len;

static void xen_console_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line)) {
		hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, line_len,
		          (unsigned long)line);
		line_len = 0;
	}
}

/* The PL011 (ARM DDI 0183): UARTDR at 0, UARTFR at 0x18, TXFF = bit 5. */
static uintptr_t uart;

static void uart_putc(char c)
{
	while (*(volatile uint32_t *)(uart + 0x18) & (1u << 5))
		;
	*(volatile uint32_t *)uart = (uint8_t)c;
}

static void yield(void)
{
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
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
	yield();

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
	yield();

	version = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	printf("hello-xen: running on Xen %ld.%ld\n", version >> 16, version & 0xffff);
	yield();

	args = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs");
	if (args && args[0] == 'r' && !strncmp(args, "reason=", 7) && args[7] >= '0' && args[7] <= '9')
		shutdown.reason = (uint32_t)(args[7] - '0');
	printf("hello-xen: shutting down\n");
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&shutdown, 0);
	for (;;)                        /* not reached under a hypervisor */
		__asm__ volatile("wfi");
}
