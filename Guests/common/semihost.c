/*
 * semihost.c - Arm semihosting (Arm "Semihosting for AArch32 and AArch64",
 * version 3.0): on A64 the call is HLT #0xF000 with the operation in w0
 * and a parameter in x1 (a value or a pointer to a parameter block); the
 * result comes back in x0.
 *
 * When no debugger or emulator implements semihosting, HLT is an undefined
 * instruction; the default exception handler (runtime.c) then skips it and
 * returns -1 in x0, so these functions simply return.
 */
#include "guest.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT   0x18
#define ADP_Stopped_ApplicationExit 0x20026

static uint64_t semihost_call(uint32_t op, uint64_t param)
{
	register uint64_t x0 __asm__("x0") = op;
	register uint64_t x1 __asm__("x1") = param;

	/* "memory": the host reads the block or string that x1 points to. */
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	return x0;
}

/* Extended SYS_EXIT on AArch64: x1 -> { reason, exit code }. */
void semihost_exit(int code)
{
	uint64_t block[2] = { ADP_Stopped_ApplicationExit, (uint64_t)(int64_t)code };

	semihost_call(SYS_EXIT, (uint64_t)(uintptr_t)block);
}

/* Write a NUL-terminated string to the host's console. */
void semihost_write0(const char *s)
{
	semihost_call(SYS_WRITE0, (uint64_t)(uintptr_t)s);
}
