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

#ifdef __aarch64__
static reg_t semihost_call(uint32_t op, reg_t param)
{
	register uint64_t x0 __asm__("x0") = op;
	register uint64_t x1 __asm__("x1") = param;

	/* "memory": the host reads the block or string that x1 points to. */
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	return x0;
}
#else
/* AArch32, A32 state: SVC 0x123456 with the operation in r0 and the parameter in r1. */
static reg_t semihost_call(uint32_t op, reg_t param)
{
	register uint32_t r0 __asm__("r0") = op;
	register uint32_t r1 __asm__("r1") = param;

	__asm__ volatile("svc #0x123456" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}
#endif

/* Any operation, for guests that test the semihosting calls themselves. */
reg_t semihost_op(uint32_t op, reg_t param)
{
	return semihost_call(op, param);
}

/* Extended SYS_EXIT (0x20): r1/x1 -> { reason, exit code }, words of the register width. */
#define SYS_EXIT_EXTENDED 0x20
void semihost_exit(int code)
{
	reg_t block[2] = { ADP_Stopped_ApplicationExit, (reg_t)(long)code };

	semihost_call(sizeof(reg_t) == 8 ? SYS_EXIT : SYS_EXIT_EXTENDED, (reg_t)(uintptr_t)block);
}

/* Write a NUL-terminated string to the host's console. */
void semihost_write0(const char *s)
{
	semihost_call(SYS_WRITE0, (reg_t)(uintptr_t)s);
}
