/*
 * arm32/exceptions.c - what the 32-bit vector table calls: an IRQ goes to
 * the guest's exception_hook if it set one (as on AArch64); any other
 * exception is reported and ends the run with status 1.
 */
#include "guest.h"

static const char *const names[8] = {
	"reset", "undefined instruction", "SVC", "prefetch abort",
	"data abort", "reserved", "IRQ", "FIQ",
};

void guest_exception32(unsigned vector, uint32_t lr, uint32_t spsr) __attribute__((noreturn));

void guest_exception32(unsigned vector, uint32_t lr, uint32_t spsr)
{
	/*
	 * SVC 0x123456 taken as an SVC: semihosting is absent (QEMU without -semihosting).
	 * Only guest_exit() makes that call here, on its way to PSCI SYSTEM_OFF: carry on
	 * with that, rather than report it and call guest_exit() (and so SVC) again.
	 */
	if (vector == 2 && !(spsr & (1u << 5)) && *(const volatile uint32_t *)(lr - 4) == 0xef123456u) {
		psci_system_off();
		for (;;)
			__asm__ volatile("wfi");
	}
	printf("unexpected exception: %s, LR=0x%lx SPSR=0x%lx\n", names[vector & 7],
	       (unsigned long)lr, (unsigned long)spsr);
	guest_exit(1);
}

int (*exception_hook)(struct exc_frame *f, int kind);

void guest_irq32(uint32_t lr, uint32_t spsr);

void guest_irq32(uint32_t lr, uint32_t spsr)
{
	if (exception_hook && exception_hook(0, EXC_IRQ))
		return;
	guest_exception32(6, lr, spsr);
}
