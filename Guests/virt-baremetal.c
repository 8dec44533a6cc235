/*
 * virt-baremetal.c - a guest written the way people write bare-metal code
 * for `qemu-system-aarch64 -M virt`: no device tree, no library, the PL011
 * hard-coded at 0x09000000 and PSCI called directly. It must behave the
 * same under QEMU (started at EL1, or at EL2 with virtualization=on) and
 * under armvm's virt board.
 *
 * It computes a few things in software to exercise integer instructions
 * (shifts, logic, multiply, divide, conditional select, loads of bytes).
 * Inputs pass through opaque() so that GCC cannot fold the results at
 * compile time.
 */
#include <stdint.h>

#define UART_BASE 0x09000000ul   /* QEMU hw/arm/virt.c, VIRT_UART */
#define UARTDR    0x00
#define UARTFR    0x18
#define UARTFR_TXFF (1u << 5)

#define PSCI_SYSTEM_OFF 0x84000008u

/* Set SP to the top of the linker script's stack, call main, never return. */
__asm__(
	"	.section .text.boot, \"ax\"\n"
	"	.global _start\n"
	"_start:\n"
	"	adrp	x0, __stack_top\n"
	"	add	x0, x0, :lo12:__stack_top\n"
	"	mov	sp, x0\n"
	"	bl	main\n"
	"1:	wfi\n"
	"	b	1b\n"
	"	.previous\n");

int main(void);

static inline uint64_t opaque(uint64_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

static void uart_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(UART_BASE + UARTFR);
	volatile uint32_t *dr = (volatile uint32_t *)(UART_BASE + UARTDR);

	while (*fr & UARTFR_TXFF)
		;
	*dr = (uint8_t)c;
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void put_hex32(uint32_t v)
{
	int i;

	uart_puts("0x");
	for (i = 28; i >= 0; i -= 4)
		uart_putc("0123456789abcdef"[(v >> i) & 0xf]);
}

static void put_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	uart_puts(buf + i);
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit. */
static uint32_t crc32_bitwise(const char *s, uint64_t n)
{
	uint32_t crc = 0xffffffffu;
	uint64_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (uint8_t)s[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* The same CRC with a 256-entry table built on the stack. */
static uint32_t crc32_table(const char *s, uint64_t n)
{
	uint32_t table[256], crc, c;
	uint64_t i;
	int k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		table[i] = c;
	}
	crc = 0xffffffffu;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ (uint8_t)s[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint64_t sum_of_squares(uint64_t n)
{
	uint64_t i, s = 0;

	for (i = 1; i <= n; i++)
		s += i * i;
	return s;
}

static uint64_t fibonacci(uint64_t n)
{
	uint64_t a = 0, b = 1, t;

	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

/* Primes below n by trial division: exercises udiv and msub. */
static uint64_t count_primes(uint64_t n)
{
	uint64_t p, d, count = 0;

	for (p = 2; p < n; p++) {
		for (d = 2; d * d <= p; d++)
			if (p % d == 0)
				break;
		if (d * d > p)
			count++;
	}
	return count;
}

static void system_off(unsigned el)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	/* At EL2 the firmware is reached with SMC; at EL1 QEMU's virt board
	 * (no EL2) implements PSCI on HVC. */
	if (el == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
}

int main(void)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	uint64_t el, len = opaque(sizeof(fox) - 1);

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	el = (el >> 2) & 3;

	uart_puts("virt bare-metal: EL");
	uart_putc((char)('0' + el));
	uart_puts("\ncrc32(\"123456789\") = ");
	put_hex32(crc32_bitwise("123456789", opaque(9)));
	uart_puts("\ncrc32(fox) bitwise = ");
	put_hex32(crc32_bitwise(fox, len));
	uart_puts("\ncrc32(fox) table   = ");
	put_hex32(crc32_table(fox, len));
	uart_puts("\nsum of squares 1..1000 = ");
	put_dec(sum_of_squares(opaque(1000)));
	uart_puts("\nfibonacci(90) = ");
	put_dec(fibonacci(opaque(90)));
	uart_puts("\nprimes below 10000 = ");
	put_dec(count_primes(opaque(10000)));
	uart_puts("\nvirt bare-metal: done\n");

	system_off((unsigned)el);
	for (;;)
		__asm__ volatile("wfi");
}
