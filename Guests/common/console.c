/*
 * console.c - find the console UART through the device tree and write to it.
 *
 * DT spec 3.6 (/chosen): "stdout-path" names the console node, either as a
 * path or as an alias, optionally followed by ':' and options such as
 * "115200n8". Two UARTs are understood:
 *
 *  - "arm,pl011" (ARM DDI 0183, PrimeCell UART PL011 TRM): data register
 *    UARTDR at 0x00; flag register UARTFR at 0x18, bit 5 TXFF = TX FIFO full,
 *    bit 4 RXFE = RX FIFO empty; UARTCR at 0x30, bit 0 UARTEN, bit 9 RXE.
 *    "arm,sbsa-uart" (the SBSA generic UART, a PL011 subset with the same
 *    UARTDR and UARTFR; Xen gives it to its guests as their vpl011) too.
 *  - "samsung,exynos4210-uart" (Exynos 5250 user manual, UART chapter):
 *    UTRSTAT at 0x10, bit 0 = receive data ready, bit 1 = transmit buffer
 *    empty; UTXH at 0x20, URXH at 0x24; UCON at 0x04, bits 1:0 receive mode.
 *
 * All accesses are 32 bits wide, the width of every register of both UARTs.
 * With no usable console, output is silently dropped.
 */
#include "guest.h"

#define PL011_UARTDR     0x00
#define PL011_UARTFR     0x18
#define PL011_UARTFR_TXFF (1u << 5)
#define PL011_UARTFR_RXFE (1u << 4)
#define PL011_UARTCR     0x30
#define PL011_UARTCR_ENABLE ((1u << 0) | (1u << 8) | (1u << 9))  /* UARTEN, TXE, RXE */

#define EXYNOS_UTRSTAT   0x10
#define EXYNOS_UTRSTAT_TXBE (1u << 1)
#define EXYNOS_UTXH      0x20
#define EXYNOS_UTRSTAT_RXDR (1u << 0)
#define EXYNOS_URXH      0x24
#define EXYNOS_UCON      0x04
#define EXYNOS_UCON_RXMODE 0x3u

static enum { UART_NONE, UART_PL011, UART_EXYNOS } uart_kind;
static uintptr_t uart_base;

static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

void console_init(const void *dtb)
{
	const char *path;
	int chosen, node, len;
	uint64_t base;

	uart_kind = UART_NONE;
	if (!dtb)
		return;
	chosen = fdt_path_offset(dtb, "/chosen");
	path = fdt_getprop_string(dtb, chosen, "stdout-path");
	if (!path)  /* the older name, still found in some trees */
		path = fdt_getprop_string(dtb, chosen, "linux,stdout-path");
	if (!path)
		return;

	/* "serial0:115200n8" -> "serial0"; aliases are resolved by fdt.c. */
	for (len = 0; path[len] && path[len] != ':'; len++)
		;
	node = fdt_path_offset_len(dtb, path, len);
	if (node < 0 || fdt_get_reg(dtb, node, 0, &base, 0) < 0)
		return;

	if (fdt_node_is_compatible(dtb, node, "arm,pl011") ||
	    fdt_node_is_compatible(dtb, node, "arm,sbsa-uart"))
		uart_kind = UART_PL011;
	else if (fdt_node_is_compatible(dtb, node, "samsung,exynos4210-uart"))
		uart_kind = UART_EXYNOS;
	else
		return;
	uart_base = (uintptr_t)base;
}

void (*console_sink)(char c);

void console_putc(char c)
{
	if (console_sink) {
		console_sink(c);
		return;
	}
	switch (uart_kind) {
	case UART_PL011:
		while (mmio_read32(uart_base + PL011_UARTFR) & PL011_UARTFR_TXFF)
			;
		mmio_write32(uart_base + PL011_UARTDR, (uint8_t)c);
		break;
	case UART_EXYNOS:
		while (!(mmio_read32(uart_base + EXYNOS_UTRSTAT) & EXYNOS_UTRSTAT_TXBE))
			;
		mmio_write32(uart_base + EXYNOS_UTXH, (uint8_t)c);
		break;
	default:
		break;
	}
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

int console_getc(void)
{
	switch (uart_kind) {
	case UART_PL011:
		/* Reception needs UARTEN and RXE; firmware may have left them off. */
		mmio_write32(uart_base + PL011_UARTCR,
			     mmio_read32(uart_base + PL011_UARTCR) | PL011_UARTCR_ENABLE);
		while (mmio_read32(uart_base + PL011_UARTFR) & PL011_UARTFR_RXFE)
			;
		return mmio_read32(uart_base + PL011_UARTDR) & 0xff;
	case UART_EXYNOS:
		/* Receive mode 1: interrupt request or polling. */
		mmio_write32(uart_base + EXYNOS_UCON,
			     (mmio_read32(uart_base + EXYNOS_UCON) & ~EXYNOS_UCON_RXMODE) | 1);
		while (!(mmio_read32(uart_base + EXYNOS_UTRSTAT) & EXYNOS_UTRSTAT_RXDR))
			;
		return mmio_read32(uart_base + EXYNOS_URXH) & 0xff;
	default:
		return -1;
	}
}
