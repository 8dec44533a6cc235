/*
 * arm32/divide.c - 64-bit unsigned division for the 32-bit builds, which
 * link no libgcc: GCC calls __aeabi_uldivmod (arm32/divide.S) for `/` and
 * `%` on uint64_t, and that calls this. One bit per step, shift and
 * subtract: slow, and only used off the fast paths (timeouts, statistics).
 */
#include <stdint.h>

uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem);

uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {           /* d = 0: every bit set, as no trap */
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}
