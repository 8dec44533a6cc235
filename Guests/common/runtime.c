/*
 * runtime.c - glue between start.S/vectors.S and the guests: finding the
 * device tree, the default exception handler, and powering off.
 */
#include "guest.h"

#ifdef __aarch64__
/* HLT #0xF000, the A64 semihosting call (encoding 0xd4400000 | imm16 << 5). */
#define INSN_HLT_SEMIHOST 0xd45e0000u

int (*exception_hook)(struct exc_frame *f, int kind);
#endif

/*
 * armvm passes the DTB in x0. QEMU does not for a bare ELF (x0 = 0) but
 * puts the DTB at the bottom of RAM, which is why the guests are linked
 * 2 MiB above it.
 */
static const void *find_dtb(reg_t x0)
{
	if (x0 && !(x0 & 7) && fdt_check_header((const void *)x0) == 0)
		return (const void *)(uintptr_t)x0;
	if (fdt_check_header((const void *)RAM_BASE) == 0)
		return (const void *)RAM_BASE;
	return 0;
}

const void *runtime_init(reg_t x0)
{
	const void *dtb = find_dtb(x0);

	console_init(dtb);
	psci_init(dtb);
	return dtb;
}

void guest_exit(int code)
{
	/* PSCI SYSTEM_OFF carries no status; semihosting's SYS_EXIT does. */
	if (code != 0)
		semihost_exit(code);
	psci_system_off();
	for (;;)
		__asm__ volatile("wfi");
}

#ifdef __aarch64__
void guest_exception(struct exc_frame *f, int kind)
{
	static int dying;
	uint32_t ec = ESR_EC(f->esr);

	if (exception_hook && exception_hook(f, kind))
		return;

	/*
	 * Semihosting absent: HLT is then UNDEFINED (EC 0). Skip it and return
	 * -1 in x0. Reading the instruction is safe: it was just fetched.
	 */
	if ((kind & 3) == EXC_SYNC && ec == EC_UNKNOWN &&
	    *(volatile uint32_t *)f->elr == INSN_HLT_SEMIHOST) {
		f->x[0] = (uint64_t)-1;
		f->elr += 4;    /* EC 0: ELR is the HLT itself, go past it */
		return;
	}

	if (dying)              /* faulted while reporting: give up quietly */
		for (;;)
			__asm__ volatile("wfi");
	dying = 1;
	printf("unexpected exception: kind=%d EC=0x%02x ESR=0x%lx ELR=0x%lx FAR=0x%lx\n",
	       kind, ec, f->esr, f->elr, f->far);
	guest_exit(1);
}
#endif
