/*
 * main.c - a first guest: print, ask the firmware something, and end with
 * a status. Built with -DFAIL_WITH=N it ends with status N instead, which
 * is how a test guest reports failure to armvm, QEMU and CI.
 */
#include <stdint.h>

#ifndef FAIL_WITH
#define FAIL_WITH 0
#endif

/* The PL011 UART on armvm --board virt and QEMU -M virt (ARM DDI 0183):
 * data register at +0x00, flag register at +0x18 (TXFF, bit 5: full). */
#define UART 0x09000000ul

static void putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)UART;

	while (uart[0x18 / 4] & (1u << 5))
		;
	uart[0] = (uint8_t)c;
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(uint64_t v)
{
	int i;

	puts("0x");
	for (i = 60; i >= 0; i -= 4)
		putc("0123456789abcdef"[(v >> i) & 15]);
}

static unsigned current_el(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	return (unsigned)(v >> 2) & 3;
}

/*
 * PSCI (Arm DEN 0022) through the SMC Calling Convention. The conduit
 * depends on who is above us: at EL2 the firmware is at EL3, reached with
 * SMC; at EL1 the hypervisor (or armvm and QEMU standing in for one)
 * answers HVC.
 */
#define PSCI_VERSION    0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u

static uint64_t psci(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	/* SMCCC: x1-x17 may come back changed. */
#define CLOBBERS "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", \
	"x12", "x13", "x14", "x15", "x16", "x17", "memory"
	if (current_el() == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : CLOBBERS);
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : CLOBBERS);
	return x0;
}

/*
 * The end: status 0 powers off through PSCI SYSTEM_OFF (armvm's status 0);
 * any other status goes through semihosting SYS_EXIT_EXTENDED
 * (HLT #0xF000), which armvm and QEMU -semihosting turn into their own
 * exit status.
 */
void exit(int status)
{
	static uint64_t block[2];
	register uint64_t x0 __asm__("x0") = 0x20;      /* SYS_EXIT_EXTENDED */
	register uint64_t x1 __asm__("x1") = (uint64_t)block;

	if (status == 0)
		psci(PSCI_SYSTEM_OFF);
	block[0] = 0x20026;                             /* ADP_Stopped_ApplicationExit */
	block[1] = (uint64_t)status;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

int main(uint64_t dtb)
{
	uint64_t version = psci(PSCI_VERSION);

	puts("template: hello from EL");
	putc('0' + current_el());
	puts(", device tree at ");
	puthex(dtb);
	puts("\ntemplate: PSCI ");
	putc('0' + (version >> 16));
	putc('.');
	putc('0' + (version & 0xffff));
	puts(" through ");
	puts(current_el() == 2 ? "SMC" : "HVC");
	puts("\n");
	if (FAIL_WITH)
		puts("template: failing on purpose\n");
	return FAIL_WITH;
}
