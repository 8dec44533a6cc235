/*
 * bench.h - shared by the benchmark guests of Guests/bench/.
 *
 * Every benchmark takes its size from the kernel command line, so that one
 * ELF serves `make bench` and `make bench QUICK=1`: armvm `--append N`,
 * QEMU `-append N` (both write /chosen/bootargs, also for a bare ELF).
 */
#ifndef BENCH_H
#define BENCH_H

#include "guest.h"

/* The leading decimal number of /chosen/bootargs, or `dflt` without one. */
static inline unsigned long bench_count(const void *dtb, unsigned long dflt)
{
	const char *s = 0;
	unsigned long n = 0;

	if (dtb) {
		int chosen = fdt_path_offset(dtb, "/chosen");
		if (chosen >= 0)
			s = fdt_getprop_string(dtb, chosen, "bootargs");
	}
	if (!s || *s < '0' || *s > '9')
		return dflt;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

#endif
