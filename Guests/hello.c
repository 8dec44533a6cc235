/*
 * hello.c - the first guest: who am I, where, with how much memory.
 *
 * Expected output (then PSCI SYSTEM_OFF):
 *   Hello from EL2 on <the DT's /model>
 *   Memory: 512 MiB at 0x40000000
 */
#include "guest.h"

int main(const void *dtb)
{
	const char *model = 0;
	uint64_t base, size;
	int root, mem;

	if (dtb) {
		root = fdt_path_offset(dtb, "/");
		model = fdt_getprop_string(dtb, root, "model");
	}
	printf("Hello from EL%u on %s\n", current_el(),
	       model ? model : "(unknown model)");

	/* "/memory" also matches "memory@40000000" (see fdt.h). */
	mem = dtb ? fdt_path_offset(dtb, "/memory") : -1;
	if (mem >= 0 && fdt_get_reg(dtb, mem, 0, &base, &size) == 0)
		printf("Memory: %lu MiB at 0x%lx\n", (unsigned long)(size >> 20), (unsigned long)base);
	else
		printf("Memory: unknown\n");
	return 0;
}
