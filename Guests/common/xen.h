/*
 * xen.h - the slice of Xen's public ABI (xen/include/public/) that the test
 * guests and minihyp share: hypercall numbers, the event-channel and
 * memory-op argument structures, and the shared_info page, laid out as Xen
 * lays them out for arm64 (arch-arm.h: xen_ulong_t is 64-bit, one legacy
 * vcpu_info, an empty arch_vcpu_info).
 *
 * The hypercall ABI (arch-arm.h): HVC #0xEA1, number in x16, arguments in
 * x0..x4, result in x0. Xen may clobber x1..x4 and x16. An AArch32 guest
 * (xen-abi32) puts the number in r12, the arguments in r0..r4.
 *
 * Also here, for guests: xen_hvc() and friends, a console_io sink for
 * printf, the shared_info mapping and the upcall handler's event scan
 * (all static inline, so that including this costs nothing).
 */
#ifndef GUEST_XEN_H
#define GUEST_XEN_H

#include <stdint.h>
#include "guest.h"

/* Hypercall numbers (public/xen.h). */
#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32

#define CONSOLEIO_write    0
#define XENVER_version     0
#define SCHEDOP_yield      0
#define SCHEDOP_block      1
#define SCHEDOP_shutdown   2
#define SCHEDOP_poll       3
#define SHUTDOWN_poweroff  0

#define DOMID_SELF         0x7ff0u

/* Error numbers are negated Linux errno values (public/errno.h). */
#define XEN_EPERM     1
#define XEN_ESRCH     3
#define XEN_EFAULT   14
#define XEN_EINVAL   22
#define XEN_ENOSPC   28
#define XEN_ENOSYS   38

/* HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp) (public/memory.h). */
#define XENMEM_add_to_physmap     7
#define XENMAPSPACE_shared_info   0
struct xen_add_to_physmap {
	uint16_t domid;         /* DOMID_SELF */
	uint16_t size;          /* only for gmfn_range */
	uint32_t space;         /* XENMAPSPACE_* */
	uint64_t idx;           /* which page of the space: 0 */
	uint64_t gpfn;          /* where the guest wants it (IPA >> 12) */
};

/* HYPERVISOR_event_channel_op(cmd, &arg) (public/event_channel.h). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_unmask           9
typedef uint32_t evtchn_port_t;
struct evtchn_alloc_unbound {
	uint16_t dom, remote_dom;       /* in: DOMID_SELF, and who may bind */
	evtchn_port_t port;             /* out */
};
struct evtchn_bind_interdomain {
	uint16_t remote_dom;            /* in */
	evtchn_port_t remote_port;      /* in: the remote's unbound port */
	evtchn_port_t local_port;       /* out */
};
struct evtchn_send   { evtchn_port_t port; };
struct evtchn_unmask { evtchn_port_t port; };
struct evtchn_close  { evtchn_port_t port; };
#define EVTCHNSTAT_closed       0       /* free, or reserved (port 0) */
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5
struct evtchn_status {
	uint16_t dom;                   /* in: DOMID_SELF or a domain id */
	evtchn_port_t port;             /* in */
	uint32_t status;                /* out: EVTCHNSTAT_* */
	uint32_t vcpu;                  /* out: the vCPU notified */
	union {                         /* out, by status */
		struct { uint16_t dom; } unbound;
		struct { uint16_t dom; evtchn_port_t port; } interdomain;
		uint32_t pirq, virq;
	} u;
};

/* HYPERVISOR_sched_op(SCHEDOP_poll, &poll) (public/sched.h). A guest
 * handle is 64 bits on Arm from either width (arch-arm.h), so the layout
 * is the same for AArch32 and AArch64 guests: 24 bytes. */
#define SCHED_POLL_MAX_PORTS    128     /* Xen's do_poll: more is -EINVAL */
struct sched_poll {
	uint64_t ports;                 /* XEN_GUEST_HANDLE(evtchn_port_t) */
	uint32_t nr_ports;
	uint64_t timeout;               /* absolute system time (ns); 0: none */
};

/*
 * The shared_info page (public/xen.h), 2-level event channels: bit p of
 * evtchn_pending is port p; evtchn_pending_sel bit w says that word w of
 * evtchn_pending may have bits set; evtchn_upcall_pending says "look". A
 * masked port (evtchn_mask) collects pending bits but raises no upcall.
 */
struct vcpu_time_info {
	uint32_t version, pad0;
	uint64_t tsc_timestamp, system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags, pad1[2];
};
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint64_t evtchn_pending_sel;    /* offset 8 */
	struct vcpu_time_info time;     /* offset 16; sizeof = 48 on arm64 */
};
#define EVTCHN_WORDS 64                 /* sizeof(xen_ulong_t) * 8 */
struct shared_info {
	struct vcpu_info vcpu_info[1];  /* XEN_LEGACY_MAX_VCPUS on Arm */
	uint64_t evtchn_pending[EVTCHN_WORDS];  /* offset 48 */
	uint64_t evtchn_mask[EVTCHN_WORDS];     /* offset 560 */
	uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
};

/* ---- For guests ---------------------------------------------------------- */

/* The registers of the hypercall ABI, by width: x0.. and x16, or r0.. and r12. */
#ifdef __aarch64__
#define XEN_ARG(n)      "x" #n
#define XEN_NR          "x16"
#define XEN_HVC         "hvc #0xea1"
#define XEN_CLOBBERS    "x3", "x4"
#else
#define XEN_ARG(n)      "r" #n
#define XEN_NR          "r12"
#define XEN_HVC         ".arch_extension virt\n\thvc #0xea1"
#define XEN_CLOBBERS    "r3", "r4"
#endif

static inline long xen_hvc(unsigned long nr, unsigned long a0,
                                 unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__(XEN_ARG(0)) = a0;
	register unsigned long r1 __asm__(XEN_ARG(1)) = a1;
	register unsigned long r2 __asm__(XEN_ARG(2)) = a2;
	register unsigned long rnr __asm__(XEN_NR) = nr;

	__asm__ volatile(XEN_HVC
	    : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(rnr)
	    :
	    : XEN_CLOBBERS, "memory");
	return (long)r0;
}

static inline long xen_evtchn_op(unsigned cmd, void *arg)
{
	return xen_hvc(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0);
}

/*
 * Atomics with LDXR/STXR (no LSE in ARMv8.0), LDREXD/STREXD on AArch32. An
 * exception between the two (the hypervisor preempting us, or setting a
 * bit for us) clears the exclusive monitor, so the store fails and the
 * loop retries.
 */
#ifdef __aarch64__
static inline uint64_t xen_xchg(volatile uint64_t *p, uint64_t v)
{
	uint64_t old;
	uint32_t fail;

	__asm__ volatile("1: ldaxr %0, [%2]\n"
	                 "   stlxr %w1, %3, [%2]\n"
	                 "   cbnz %w1, 1b"
	                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
	return old;
}

static inline void xen_clear_bit(volatile uint64_t *p, unsigned bit)
{
	uint64_t old;
	uint32_t fail;

	__asm__ volatile("1: ldaxr %0, [%2]\n"
	                 "   bic %0, %0, %3\n"
	                 "   stlxr %w1, %0, [%2]\n"
	                 "   cbnz %w1, 1b"
	                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(1ul << bit) : "memory");
}
#else
static inline uint64_t xen_xchg(volatile uint64_t *p, uint64_t v)
{
	uint64_t old;
	uint32_t fail;

	__asm__ volatile("1: ldrexd %0, %H0, [%2]\n"
	                 "   strexd %1, %3, %H3, [%2]\n"
	                 "   teq %1, #0\n"
	                 "   bne 1b\n"
	                 "   dmb ish"
	                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory", "cc");
	return old;
}

static inline void xen_clear_bit(volatile uint64_t *p, unsigned bit)
{
	/* The bit's 32-bit half is enough: LDREX/STREX on that word. */
	volatile uint32_t *w = (volatile uint32_t *)p + bit / 32;
	uint32_t old, fail;

	__asm__ volatile("1: ldrex %0, [%2]\n"
	                 "   bic %0, %0, %3\n"
	                 "   strex %1, %0, [%2]\n"
	                 "   teq %1, #0\n"
	                 "   bne 1b\n"
	                 "   dmb ish"
	                 : "=&r"(old), "=&r"(fail) : "r"(w), "r"(1u << (bit % 32)) : "memory", "cc");
}
#endif


/* printf through console_io, a line at a time; the hypervisor prefixes
 * each line with "(dN) ". A line longer than the buffer goes out in pieces:
 * minihyp and Xen gather a guest's text into lines themselves, so that does
 * not cut it; minihyp cuts a line at 119 characters, and the longest a guest
 * prints (xen-abi's TAP lines, up to 102) stays shorter. */
static inline void xen_console_putc(char c)
{
	static char line[128];
	static unsigned len;

	line[len++] = c;
	if (c == '\n' || len == sizeof(line)) {
		xen_hvc(__HYPERVISOR_console_io, CONSOLEIO_write, len, (unsigned long)line);
		len = 0;
	}
}

static inline void xen_yield(void)
{
	xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static inline void xen_shutdown(void)
{
	static uint32_t reason = SHUTDOWN_poweroff;     /* struct sched_shutdown */

	xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&reason, 0);
}

/*
 * Ask for the shared_info page at one of our own pages, which it then
 * hides: a whole page of .bss kept for the purpose (as Linux gives it a
 * page of its RAM). Returns the page, or 0 if the hypervisor refused.
 */
static inline struct shared_info *xen_map_shared_info(void)
{
	static union {
		struct shared_info s;
		uint8_t page[4096];
	} where __attribute__((aligned(4096)));
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
		.gpfn = (uintptr_t)&where >> 12,
	};

	if (xen_hvc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x, 0) != 0)
		return 0;
	return &where.s;
}

/* The upcall's INTID: the "interrupts" of the DT's hypervisor node
 * (Linux's bindings/arm/xen.txt), a PPI: 16 + its number. */
static inline unsigned xen_upcall_intid(const void *dtb)
{
	int len = 0, node = fdt_node_offset_by_compatible(dtb, -1, "xen,xen");
	const uint8_t *p = node >= 0 ? fdt_getprop(dtb, node, "interrupts", &len) : 0;

	return p && len >= 12 && fdt_be32(p) == 1 ? 16 + fdt_be32(p + 4) : 31;
}

/* The lowest set bit of a non-zero word; on AArch32 in two halves, as
 * GCC would otherwise call libgcc's __ctzdi2. */
static inline unsigned xen_ctz64(uint64_t v)
{
#ifdef __aarch64__
	return (unsigned)__builtin_ctzll(v);
#else
	return (uint32_t)v ? (unsigned)__builtin_ctz((uint32_t)v) :
	       32 + (unsigned)__builtin_ctz((uint32_t)(v >> 32));
#endif
}

/*
 * The upcall handler's scan, 2-level style (as Linux's
 * xen_evtchn_do_upcall): clear evtchn_upcall_pending, take the selector
 * word, and for each word it names take the pending, unmasked ports,
 * clearing their bits. Returns the ports below 64 that fired.
 */
static inline uint64_t xen_evtchn_scan(struct shared_info *s)
{
	struct vcpu_info *v = &s->vcpu_info[0];
	uint64_t sel, fired = 0;

	*(volatile uint8_t *)&v->evtchn_upcall_pending = 0;
	sel = xen_xchg(&v->evtchn_pending_sel, 0);
	while (sel) {
		unsigned w = xen_ctz64(sel);
		uint64_t pend;

		sel &= sel - 1;
		pend = s->evtchn_pending[w] & ~s->evtchn_mask[w];
		while (pend) {
			unsigned b = xen_ctz64(pend);

			pend &= pend - 1;
			xen_clear_bit(&s->evtchn_pending[w], b);
			if (w == 0)
				fired |= 1ull << b;
		}
	}
	return fired;
}

/* A number from the bootargs, "name=N", or `dflt`. */
static inline unsigned long xen_bootarg(const void *dtb, const char *name, unsigned long dflt)
{
	const char *a = fdt_getprop_string(dtb, fdt_path_offset(dtb, "/chosen"), "bootargs");
	size_t n = strlen(name);
	unsigned long v;

	for (; a && *a; a++) {
		if (strncmp(a, name, n) != 0 || a[n] != '=' || a[n + 1] < '0' || a[n + 1] > '9')
			continue;
		for (v = 0, a += n + 1; *a >= '0' && *a <= '9'; a++)
			v = v * 10 + (unsigned long)(*a - '0');
		return v;
	}
	return dflt;
}

#endif
