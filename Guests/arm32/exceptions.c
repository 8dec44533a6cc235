/*
 * arm32/exceptions.c - what the 32-bit vector table calls: these guests
 * take no exceptions, so any one is reported and ends the run with status 1.
 */
#include "guest.h"

static const char *const names[8] = {
	"reset", "undefined instruction", "SVC", "prefetch abort",
	"data abort", "reserved", "IRQ", "FIQ",
};

void guest_exception32(unsigned vector, uint32_t lr, uint32_t spsr) __attribute__((noreturn));

void guest_exception32(unsigned vector, uint32_t lr, uint32_t spsr)
{
	printf("unexpected exception: %s, LR=0x%lx SPSR=0x%lx\n", names[vector & 7],
	       (unsigned long)lr, (unsigned long)spsr);
	guest_exit(1);
}
