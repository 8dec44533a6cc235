/*
 * crc.c - a table-driven CRC-32 (the zlib/IEEE 802.3 one, reflected
 * polynomial 0xEDB88320) over a 64 KiB buffer, N passes (bootargs, default
 * 2180: about 1e9 instructions). The running CRC carries over from pass to
 * pass, so the result is the CRC-32 of the buffer repeated N times, which
 * scripts/bench/bench.py recomputes with Python's zlib.crc32.
 *
 * The buffer is the top byte of an LCG (Knuth's MMIX constants) seeded
 * with 1: x = x * 6364136223846793005 + 1442695040888963407.
 *
 * The inner loop is assembly, 7 instructions and 2 loads per byte, so that
 * it is the same whatever the compiler does.
 * Output: `crc: N x 65536 bytes, crc32 0x<8 hex digits>`.
 */
#include "bench.h"

#define BUF_SIZE 65536u

static uint8_t buf[BUF_SIZE];
static uint32_t table[256];

/* uint32_t crc_kernel(uint32_t state, const uint8_t *p, uint64_t n, const uint32_t *t), n > 0 */
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.global crc_kernel\n"
	"	.type crc_kernel, %function\n"
	"crc_kernel:\n"
	"1:	ldrb	w4, [x1], #1\n"
	"	eor	w5, w0, w4\n"
	"	and	w5, w5, #0xff\n"
	"	ldr	w5, [x3, x5, lsl #2]\n"
	"	eor	w0, w5, w0, lsr #8\n"
	"	subs	x2, x2, #1\n"
	"	b.ne	1b\n"
	"	ret\n");

uint32_t crc_kernel(uint32_t state, const uint8_t *p, uint64_t n, const uint32_t *t);

int main(const void *dtb)
{
	unsigned long passes = bench_count(dtb, 2180);
	uint64_t x = 1;
	uint32_t state = 0xffffffffu;

	for (unsigned i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
		table[i] = c;
	}
	for (unsigned i = 0; i < BUF_SIZE; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(x >> 56);
	}
	for (unsigned long p = 0; p < passes; p++)
		state = crc_kernel(state, buf, BUF_SIZE, table);
	printf("crc: %lu x %u bytes, crc32 0x%08x\n", passes, BUF_SIZE, ~state);
	return 0;
}
