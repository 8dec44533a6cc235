/*
 * arch/arm32/bug.c - an exception taken in Hyp mode itself (entry.S): a bug
 * in minihyp, reported with its syndrome before the machine stops. The
 * AArch64 build has this from common/runtime.c's default handler.
 */
#include "minihyp.h"

void hyp_bug(unsigned vector, uint32_t elr, uint32_t hsr) __attribute__((noreturn));

void hyp_bug(unsigned vector, uint32_t elr, uint32_t hsr)
{
	static int dying;

	if (dying)              /* faulted while reporting: give up quietly */
		for (;;)
			__asm__ volatile("wfi");
	dying = 1;
	printf("minihyp: exception in Hyp mode at vector 0x%02x: HSR=0x%lx ELR_hyp=0x%lx\n",
	       vector, (unsigned long)hsr, (unsigned long)elr);
	guest_exit(1);
}
