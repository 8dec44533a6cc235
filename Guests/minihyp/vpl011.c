/*
 * vpl011.c - each guest's UART: a PL011 that exists only as stage-2 faults.
 *
 * Nothing is mapped at GUEST_PL011_BASE in the guest's stage-2 tables, so
 * every load or store there traps to EL2 as a data abort, and main.c hands
 * us the decoded access. Just enough of the PL011 (ARM DDI 0183) for a
 * driver that polls:
 *   UARTDR  0x000  write: a character for the console; read: 0 (no input)
 *   UARTFR  0x018  read: TXFE and RXFE (transmit FIFO empty, nothing to
 *                  receive), so a driver never waits
 *   0xFE0..0xFFC   the peripheral and PrimeCell ids a driver may check
 *   anything else  reads as zero, writes are ignored
 *
 * Output goes through the same per-guest line buffer as console_io, which
 * prefixes every line with "(dN) " the way Xen does.
 */
#include "minihyp.h"

#define UARTDR       0x000
#define UARTFR       0x018
#define UARTFR_RXFE  (1u << 4)
#define UARTFR_TXFE  (1u << 7)
#define UART_ID_BASE 0xfe0

/* UARTPeriphID0-3 then UARTPCellID0-3 (PL011 TRM, 3.3.13-3.3.14). */
static const uint8_t pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Collect a line; print it with the guest's prefix at its end. */
void vm_console_putc(struct vm *vm, char c)
{
	if (c == '\r')
		return;
	if (c != '\n')
		vm->line[vm->line_len++] = c;
	if (c == '\n' || vm->line_len == (int)sizeof(vm->line) - 1) {
		vm->line[vm->line_len] = '\0';
		printf("(d%d) %s\n", vm->id, vm->line);
		vm->line_len = 0;
	}
}

/* Returns 0 when the access was ours, -1 when the address is not. */
int vpl011_access(struct vm *vm, struct mmio_access *a)
{
	uint64_t off;

	if (a->addr < GUEST_PL011_BASE || a->addr - GUEST_PL011_BASE >= GUEST_PL011_SIZE)
		return -1;
	off = a->addr - GUEST_PL011_BASE;

	if (a->write) {
		if (off == UARTDR)
			vm_console_putc(vm, (char)a->value);
		return 0;
	}
	if (off == UARTFR)
		a->value = UARTFR_TXFE | UARTFR_RXFE;
	else if (off >= UART_ID_BASE && (off & 3) == 0)
		a->value = pl011_ids[(off - UART_ID_BASE) / 4];
	else
		a->value = 0;
	return 0;
}
