/*
 * guest.h - the small freestanding library shared by armvm's test guests.
 *
 * Boot contract (see start.S): the loader enters _start at EL2 or EL1 with
 * the MMU off and x0 = physical address of the DTB (or 0 under QEMU, which
 * then puts the DTB at the bottom of RAM). start.S sets up a stack, clears
 * .bss, installs the vector table for the current EL, calls
 * runtime_init(x0) and then main(dtb), and powers off with main's result.
 *
 * No floating point anywhere: the guests are built with -mgeneral-regs-only.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "fdt.h"

/* ---- Memory map constants common to both boards ------------------------ */

#define RAM_BASE 0x40000000ul   /* armvm arndale and virt, and QEMU virt */

/* The width of a register, for values that pass through them (x0 or r0). */
typedef unsigned long reg_t;

/* ---- Entry points ------------------------------------------------------- */

/* Written by each guest. `dtb` is a checked DTB, or NULL if none was found. */
int main(const void *dtb);

/* Called by start.S: finds the DTB, sets up console and PSCI. */
const void *runtime_init(reg_t x0);

/* Power off: code 0 -> PSCI SYSTEM_OFF; otherwise semihosting SYS_EXIT(code)
 * first, so that armvm reports the code, then PSCI SYSTEM_OFF. */
void guest_exit(int code) __attribute__((noreturn));

/* ---- System registers --------------------------------------------------- */

#ifdef __aarch64__
#define read_sysreg(r) ({ uint64_t __v;                                    \
	__asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) do {                                           \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory"); \
} while (0)
#define isb() __asm__ volatile("isb" : : : "memory")

/* CurrentEL holds the exception level in bits [3:2]. */
static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}
/* IRQs on and off at the current EL (PSTATE.I). */
#define irq_enable()  __asm__ volatile("msr daifclr, #2" ::: "memory")
#define irq_disable() __asm__ volatile("msr daifset, #2" ::: "memory")

/*
 * From EL2 to `entry` at EL1h in the same image, DAIF masked, on `stack_top`, with EL1's
 * vectors at `vectors` and SCTLR_EL1 at its reset value (MMU and caches off). HCR_EL2 is the
 * caller's to set first (RW at least).
 */
static inline __attribute__((noreturn)) void enter_el1(void (*entry)(void), void *stack_top,
                                                       const void *vectors)
{
	write_sysreg(SCTLR_EL1, 0x30d00800ul);
	write_sysreg(VBAR_EL1, (uint64_t)vectors);
	write_sysreg(SP_EL1, (uint64_t)stack_top);
	write_sysreg(ELR_EL2, (uint64_t)entry);
	write_sysreg(SPSR_EL2, 0x3c5ul);
	isb();
	__asm__ volatile("eret");
	__builtin_unreachable();
}
#else
#define isb() __asm__ volatile("isb" : : : "memory")
#define irq_enable()  __asm__ volatile("cpsie i" ::: "memory")
#define irq_disable() __asm__ volatile("cpsid i" ::: "memory")

/*
 * The generic timer's registers by their AArch64 names, so that a guest
 * reads the same from either build: read_sysreg(CNTVCT_EL0) becomes the
 * AArch32 encoding (DDI 0487, G8.4: MRRC/MCRR for the 64-bit ones).
 */
#define read_sysreg(r) sysreg_read_##r()
#define write_sysreg(r, v) sysreg_write_##r(v)
static inline uint64_t sysreg_read_CNTFRQ_EL0(void)
{
	uint32_t v;
	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
	return v;
}
static inline uint64_t sysreg_read_CNTVCT_EL0(void)
{
	uint64_t v;
	__asm__ volatile("isb\n mrrc p15, 1, %Q0, %R0, c14" : "=r"(v) : : "memory");
	return v;
}
static inline uint64_t sysreg_read_CNTV_CVAL_EL0(void)
{
	uint64_t v;
	__asm__ volatile("mrrc p15, 3, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static inline void sysreg_write_CNTV_CVAL_EL0(uint64_t v)
{
	__asm__ volatile("mcrr p15, 3, %Q0, %R0, c14" : : "r"(v) : "memory");
}
static inline void sysreg_write_CNTV_CTL_EL0(uint64_t v)
{
	__asm__ volatile("mcr p15, 0, %0, c14, c3, 1" : : "r"((uint32_t)v) : "memory");
}

/* AArch32: the exception level follows from CPSR.M (usr EL0, hyp EL2, others EL1). */
static inline unsigned current_el(void)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	switch (cpsr & 0x1f) {
	case 0x10: return 0;
	case 0x1a: return 2;
	default: return 1;
	}
}
#endif

/* ---- Exceptions (vectors.S; AArch64 only so far) ------------------------ */
#ifdef __aarch64__

/*
 * What vectors.S saves on the stack before calling guest_exception().
 * The layout is fixed: vectors.S uses the same offsets (EXC_FRAME_* there).
 */
struct exc_frame {
	uint64_t x[31];     /* x0..x30, offset 0 */
	uint64_t elr;       /* offset 248: preferred return address */
	uint64_t spsr;      /* offset 256 */
	uint64_t esr;       /* offset 264: syndrome */
	uint64_t far;       /* offset 272: faulting virtual address */
	uint64_t pad;       /* keeps the frame a multiple of 16 bytes */
};

/*
 * `kind` is the vector index 0..15 (ARM DDI 0487, "Exception vectors"):
 * (source << 2) | type, where source is 0 current EL with SP_EL0,
 * 1 current EL with SP_ELx, 2 lower EL AArch64, 3 lower EL AArch32, and
 * type is 0 synchronous, 1 IRQ, 2 FIQ, 3 SError.
 */
enum {
	EXC_SYNC = 0, EXC_IRQ = 1, EXC_FIQ = 2, EXC_SERROR = 3,
	EXC_CUR_SP0 = 0 << 2, EXC_CUR_SPX = 1 << 2,
	EXC_LOWER_A64 = 2 << 2, EXC_LOWER_A32 = 3 << 2,
};

/* Exception classes used here (ARM DDI 0487, register ESR_ELx, field EC). */
#define ESR_EC(esr)      (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)     ((esr) & 0x1ffffff)
#define EC_UNKNOWN       0x00
#define EC_SVC64         0x15
#define EC_HVC64         0x16
#define EC_SMC64         0x17
#define EC_DABT_LOWER    0x24
#define EC_DABT_CUR      0x25

/* Called by vectors.S. May change f->elr (and f->x[]) before returning. */
void guest_exception(struct exc_frame *f, int kind);

/* A guest may set this to see exceptions first; return 1 when handled. */
extern int (*exception_hook)(struct exc_frame *f, int kind);

/* The two vector tables of vectors.S (each 2 KiB aligned). */
extern char vectors_el1[], vectors_el2[];
#endif

#ifndef __aarch64__
/* AArch32: arm32/start.S's IRQ vector offers each IRQ to exception_hook
 * (f = NULL, kind = EXC_IRQ) before reporting it as unexpected. */
struct exc_frame;
enum { EXC_SYNC = 0, EXC_IRQ = 1, EXC_FIQ = 2, EXC_SERROR = 3 };
extern int (*exception_hook)(struct exc_frame *f, int kind);
#endif

/* ---- Console (console.c, printf.c) -------------------------------------- */

void console_init(const void *dtb);   /* quietly does nothing without a UART */
/* When set, console_putc (and so printf) hands every character to it instead. */
extern void (*console_sink)(char c);
void console_putc(char c);
void console_puts(const char *s);
/* The next character the console UART receives, waiting for it (the receiver is turned on
 * first); -1 without a UART. */
int console_getc(void);
int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* ---- PSCI (psci.c) ------------------------------------------------------ */

#define PSCI_VERSION    0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u

enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_HVC, PSCI_CONDUIT_SMC };

void psci_init(const void *dtb);
void psci_set_conduit(enum psci_conduit c);
enum psci_conduit psci_get_conduit(void);
uint64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t psci_version(void);
void psci_system_off(void);            /* returns only if PSCI failed */

/* ---- Semihosting (semihost.c) ------------------------------------------- */

void semihost_exit(int code);          /* returns if semihosting is absent */
void semihost_write0(const char *s);
reg_t semihost_op(uint32_t op, reg_t param);   /* x0/r0 after the call */

/* ---- string.c ------------------------------------------------------------ */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);

#endif
