/*
 * xen-abi.c - a conformance check of the Xen hypercalls minihyp implements,
 * against Xen's public headers (xen/include/public/: xen.h, errno.h,
 * version.h, sched.h, event_channel.h, memory.h). Each check is one TAP
 * line on the console ("ok 3 - xen_version: ..."); `armvm test` turns each
 * into a JUnit test case (abi/manifest.txt, tap=yes). Built for AArch64
 * (xen-abi.elf: HVC #0xEA1, number in x16) and AArch32 (xen-abi32.elf:
 * the number in r12). A check minihyp answers differently from Xen 4.17
 * carries a TODO directive naming the difference. minihyp passes on lines of
 * up to 120 characters, so each check's line stays shorter.
 */
#include "guest.h"

/* Hypercall numbers (public/xen.h) and sub-operations. */
#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32
#define CONSOLEIO_write    0
#define CONSOLEIO_read     1
#define XENVER_version     0
#define XENVER_pagesize    7
#define SCHEDOP_yield      0
#define SCHEDOP_shutdown   2
#define SHUTDOWN_poweroff  0
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_send      4
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_unmask    9
#define XENMEM_add_to_physmap 7
#define DOMID_SELF         0x7ff0u

/* public/errno.h: negated, as hypercalls return them. */
#define XEN_EPERM   1
#define XEN_ESRCH   3
#define XEN_EFAULT 14
#define XEN_EINVAL 22
#define XEN_ENOSYS 38

/* An address no guest RAM backs (the guest's RAM starts at 0x40000000). */
#define BAD_POINTER 0x10000000ul

#ifdef __aarch64__
#define ARCH "AArch64"
static long hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2)
{
	register unsigned long x0 __asm__("x0") = a0;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x16 __asm__("x16") = nr;

	/* Xen may clobber x1..x4 and x16 (arch-arm.h). */
	__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16) : : "x3", "x4", "memory");
	return (long)x0;
}
#else
#define ARCH "AArch32"
static long hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("r0") = a0;
	register unsigned long r1 __asm__("r1") = a1;
	register unsigned long r2 __asm__("r2") = a2;
	register unsigned long r12 __asm__("r12") = nr;

	__asm__ volatile(".arch_extension virt\n\thvc #0xea1" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r12) : : "r3", "memory");
	return (long)r0;
}
#endif

/* printf through console_io, a line at a time. */
static void xen_console_putc(char c)
{
	static char line[200];
	static unsigned len;

	line[len++] = c;
	if (c == '\n' || len == sizeof(line)) {
		hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (unsigned long)line);
		len = 0;
	}
}

static int checks;

/* One TAP line per check, named the same whatever the result, so that a CI
 * server's history of each test case holds; a failure adds what came back
 * and what Xen's headers say. */
static void expect(const char *what, long got, long want, const char *todo)
{
	checks++;
	printf("%s %d - " ARCH " %s%s%s\n", got == want ? "ok" : "not ok", checks, what,
	       todo && got != want ? " # TODO " : "", todo && got != want ? todo : "");
	/* A TAP diagnostic: the runner attaches it to the check. */
	if (got != want)
		printf("# got %ld, want %ld\n", got, want);
}

struct evtchn_alloc_unbound { uint16_t dom, remote_dom; uint32_t port; };
struct evtchn_bind_interdomain { uint16_t remote_dom; uint32_t remote_port, local_port; };
struct evtchn_port { uint32_t port; };
struct xen_add_to_physmap { uint16_t domid, size; uint32_t space; uint64_t idx, gpfn; };

static long evtchn(unsigned cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0);
}

static char shared_page[4096] __attribute__((aligned(4096)));

int main(const void *dtb)
{
	static const char text[] = "abc";
	static uint32_t reason = SHUTDOWN_poweroff;
	long r;

	(void)dtb;
	console_sink = xen_console_putc;
	printf("# the Xen hypercall ABI, " ARCH "\n");

	/* console_io (public/xen.h: CONSOLEIO_write(count, buffer)). */
	expect("console_io write of 0 bytes", hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 0, (unsigned long)text), 0, 0);
	expect("console_io write from a bad pointer", hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 3, BAD_POINTER), -XEN_EFAULT, 0);
	expect("console_io unknown subop", hypercall(__HYPERVISOR_console_io, 0x7f, 0, 0), -XEN_ENOSYS, 0);

	/* xen_version (public/version.h): XENVER_version is major << 16 | minor. */
	r = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	expect("xen_version major", r >> 16, 4, 0);
	expect("xen_version minor", r & 0xffff, 17, 0);
	expect("xen_version pagesize", hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096,
	       "minihyp answers XENVER_version only");
	expect("xen_version unknown subop", hypercall(__HYPERVISOR_xen_version, 0x7fff, 0, 0), -XEN_ENOSYS, 0);

	/* An unknown hypercall number. */
	expect("unknown hypercall 63", hypercall(63, 0, 0, 0), -XEN_ENOSYS, 0);

	/* sched_op (public/sched.h). */
	expect("sched_op yield", hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0, 0);
	expect("sched_op unknown subop", hypercall(__HYPERVISOR_sched_op, 0x7f, 0, 0), -XEN_ENOSYS, 0);
	expect("sched_op shutdown from a bad pointer", hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, BAD_POINTER, 0), -XEN_EFAULT, 0);

	/* event_channel_op (public/event_channel.h). */
	/* Offered to ourselves: dom0less has no dom0, and Xen's XSM (SILO) looks
	 * the remote domain up. */
	struct evtchn_alloc_unbound alloc = { DOMID_SELF, DOMID_SELF, 0 };
	expect("evtchn alloc_unbound for DOMID_SELF", evtchn(EVTCHNOP_alloc_unbound, &alloc), 0, 0);
	expect("evtchn alloc_unbound gives a port above 0", alloc.port > 0, 1, 0);
	/* Xen looks the domain up before it checks the permission. */
	struct evtchn_alloc_unbound other = { 0x7000, 0, 0 };
	expect("evtchn alloc_unbound, no such domain", evtchn(EVTCHNOP_alloc_unbound, &other), -XEN_ESRCH,
	       "minihyp: -EPERM for all but DOMID_SELF");
	/* Xen drops a notification on an unbound port silently (evtchn_send). */
	struct evtchn_port send = { alloc.port };
	expect("evtchn send on an unbound port", evtchn(EVTCHNOP_send, &send), 0, 0);
	expect("evtchn unmask of our port", evtchn(EVTCHNOP_unmask, &send), 0, 0);
	struct evtchn_port bad = { 4095 };
	expect("evtchn send on a port that does not exist", evtchn(EVTCHNOP_send, &bad), -XEN_EINVAL, 0);
	expect("evtchn unmask of a port that does not exist", evtchn(EVTCHNOP_unmask, &bad), -XEN_EINVAL, 0);
	struct evtchn_bind_interdomain bind = { DOMID_SELF, 4095, 0 };
	expect("evtchn bind_interdomain to a port never offered", evtchn(EVTCHNOP_bind_interdomain, &bind), -XEN_EINVAL, 0);
	expect("evtchn from a bad pointer", evtchn(EVTCHNOP_send, (void *)BAD_POINTER), -XEN_EFAULT, 0);
	expect("evtchn unknown command", evtchn(0x7f, &send), -XEN_ENOSYS, 0);

	/* memory_op (public/memory.h): map shared_info at one of our pages. */
	struct xen_add_to_physmap xatp = { DOMID_SELF, 0, 0, 0, (uint64_t)(uintptr_t)shared_page >> 12 };
	expect("memory_op add_to_physmap shared_info", hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&xatp, 0), 0, 0);
	expect("memory_op add_to_physmap from a bad pointer", hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BAD_POINTER, 0),
	       -XEN_EFAULT, 0);
	expect("memory_op unknown command", hypercall(__HYPERVISOR_memory_op, 0x7f, 0, 0), -XEN_ENOSYS, 0);

	printf("1..%d\n", checks);
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&reason, 0);
	return 0;
}
