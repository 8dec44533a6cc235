/*
 * xen-abi.c - a conformance check of the Xen hypercalls minihyp implements,
 * against Xen's public headers (xen/include/public/: xen.h, errno.h,
 * version.h, sched.h, event_channel.h, memory.h), and Xen 4.17's code where
 * the headers leave the behaviour open (do_poll, evtchn_close, evtchn_status). Each check is one TAP
 * line on the console ("ok 3 - xen_version: ..."); `armvm test` turns each
 * into a JUnit test case (abi/manifest.txt, tap=yes). Built for AArch64
 * (xen-abi.elf: HVC #0xEA1, number in x16) and AArch32 (xen-abi32.elf:
 * the number in r12). A check minihyp answers differently from Xen 4.17
 * carries a TODO directive naming the difference. minihyp passes on lines of
 * up to 120 characters, so each check's line stays shorter.
 */
#include "xen.h"

/* What common/xen.h leaves out: console_io's read, xen_version's pagesize. */
#define CONSOLEIO_read     1
#define XENVER_pagesize    7

/* An address no guest RAM backs (the guest's RAM starts at 0x40000000). */
#define BAD_POINTER 0x10000000ul

#ifdef __aarch64__
#define ARCH "AArch64"
#else
#define ARCH "AArch32"
#endif

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

/* EVTCHNOP_send and EVTCHNOP_unmask take the same argument (common/xen.h's evtchn_send, evtchn_unmask). */
struct evtchn_port { uint32_t port; };

static long evtchn(unsigned cmd, void *arg)
{
	return xen_hvc(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0);
}

static char shared_page[4096] __attribute__((aligned(4096)));

/* EVTCHNOP_status of `port` of `dom`: the call's error, else the status. */
static long port_status(uint16_t dom, uint32_t port, struct evtchn_status *st)
{
	long r;

	*st = (struct evtchn_status){ .dom = dom, .port = port, .status = 0x55 };
	r = evtchn(EVTCHNOP_status, st);
	return r ? r : (long)st->status;
}

static long evtchn_port_op(unsigned cmd, uint32_t port)
{
	struct evtchn_port p = { port };

	return evtchn(cmd, &p);
}

/* SCHEDOP_poll on `n` ports until `timeout` (ns of system time; 0: none). */
static long poll(const uint32_t *ports, unsigned n, uint64_t timeout)
{
	struct sched_poll p = { (uintptr_t)ports, n, timeout };

	return xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)&p, 0);
}

/* Are IRQs masked (PSTATE.I)? SCHEDOP_block enables event delivery. */
static int irqs_masked(void)
{
	unsigned long v;
#ifdef __aarch64__
	__asm__ volatile("mrs %0, daif" : "=r"(v));
#else
	__asm__ volatile("mrs %0, cpsr" : "=r"(v));
#endif
	return (v >> 7) & 1;
}

/* A lower bound of Xen's system time (ns since Xen booted): the guest's
 * virtual count started later. Multiplications only (no 64-bit division
 * on AArch32): the tick's length is rounded down, a bound still. */
static uint64_t system_time_at_most(void)
{
	uint64_t cnt;
	uint32_t freq;
#ifdef __aarch64__
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	freq = (uint32_t)f;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(cnt));
#else
	__asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(cnt));
	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(freq));
#endif
	return cnt * (1000000000u / freq);
}

static void mask_irqs(void)
{
#ifdef __aarch64__
	__asm__ volatile("msr daifset, #2" : : : "memory");
#else
	__asm__ volatile("cpsid i" : : : "memory");
#endif
}

int main(const void *dtb)
{
	static const char text[] = "abc";
	static uint32_t reason = SHUTDOWN_poweroff;
	long r;

	(void)dtb;
	console_sink = xen_console_putc;
	printf("# the Xen hypercall ABI, " ARCH "\n");

	/* console_io (public/xen.h: CONSOLEIO_write(count, buffer)). */
	expect("console_io write of 0 bytes", xen_hvc(__HYPERVISOR_console_io, CONSOLEIO_write, 0, (unsigned long)text), 0, 0);
	expect("console_io write from a bad pointer", xen_hvc(__HYPERVISOR_console_io, CONSOLEIO_write, 3, BAD_POINTER), -XEN_EFAULT, 0);
	expect("console_io unknown subop", xen_hvc(__HYPERVISOR_console_io, 0x7f, 0, 0), -XEN_ENOSYS, 0);

	/* xen_version (public/version.h): XENVER_version is major << 16 | minor. */
	r = xen_hvc(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	expect("xen_version major", r >> 16, 4, 0);
	expect("xen_version minor", r & 0xffff, 17, 0);
	expect("xen_version pagesize", xen_hvc(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096,
	       "minihyp answers XENVER_version only");
	expect("xen_version unknown subop", xen_hvc(__HYPERVISOR_xen_version, 0x7fff, 0, 0), -XEN_ENOSYS, 0);

	/* An unknown hypercall number. */
	expect("unknown hypercall 63", xen_hvc(63, 0, 0, 0), -XEN_ENOSYS, 0);

	/* sched_op (public/sched.h). */
	expect("sched_op yield", xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0, 0);
	expect("sched_op unknown subop", xen_hvc(__HYPERVISOR_sched_op, 0x7f, 0, 0), -XEN_ENOSYS, 0);
	expect("sched_op shutdown from a bad pointer", xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, BAD_POINTER, 0), -XEN_EFAULT, 0);

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
	expect("memory_op add_to_physmap shared_info", xen_hvc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&xatp, 0), 0, 0);
	expect("memory_op add_to_physmap from a bad pointer", xen_hvc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BAD_POINTER, 0),
	       -XEN_EFAULT, 0);
	expect("memory_op unknown command", xen_hvc(__HYPERVISOR_memory_op, 0x7f, 0, 0), -XEN_ENOSYS, 0);

	/* Channels to ourselves for status, poll, close and block. Every port is
	 * masked first (evtchn_mask in shared_info): a pending port then raises
	 * no upcall, so no interrupt is in flight in the GIC this guest leaves
	 * off, and neither a poll nor a block can wait for one that never comes. */
	volatile uint64_t *pending = (volatile uint64_t *)(shared_page + 48);
	volatile uint64_t *mask = (volatile uint64_t *)(shared_page + 560);
	volatile uint8_t *upcall_pending = (volatile uint8_t *)shared_page;  /* vcpu_info[0] */
	struct evtchn_status st;
	mask[0] = ~0ull;
	struct evtchn_alloc_unbound a = { DOMID_SELF, DOMID_SELF, 0 };
	evtchn(EVTCHNOP_alloc_unbound, &a);
	expect("evtchn status of an unbound port", port_status(DOMID_SELF, a.port, &st), EVTCHNSTAT_unbound, 0);
	/* Xen records the domain DOMID_SELF stood for. */
	uint16_t me = st.u.unbound.dom;
	expect("evtchn status: unbound, to a domain id (not DOMID_SELF)", me != 0 && me < DOMID_SELF, 1, 0);
	struct evtchn_bind_interdomain b = { DOMID_SELF, a.port, 0 };
	expect("evtchn bind_interdomain to our own port", evtchn(EVTCHNOP_bind_interdomain, &b), 0, 0);
	expect("evtchn bind_interdomain marks the new port pending", (pending[0] >> b.local_port) & 1, 1, 0);
	expect("evtchn status of the bound port", port_status(DOMID_SELF, b.local_port, &st), EVTCHNSTAT_interdomain, 0);
	expect("evtchn status: its peer is our domain and port",
	       st.u.interdomain.dom == me && st.u.interdomain.port == a.port, 1, 0);
	expect("evtchn status: notifies vCPU 0", st.vcpu, 0, 0);
	port_status(DOMID_SELF, a.port, &st);
	expect("evtchn status of the offered port: now interdomain",
	       st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == b.local_port, 1, 0);
	expect("evtchn status by our domain id", port_status(me, a.port, &st), EVTCHNSTAT_interdomain, 0);
	expect("evtchn status of port 0 (reserved): closed", port_status(DOMID_SELF, 0, &st), EVTCHNSTAT_closed, 0);
	expect("evtchn status of a free port: closed", port_status(DOMID_SELF, 15, &st), EVTCHNSTAT_closed, 0);
	expect("evtchn status of a port that does not exist", port_status(DOMID_SELF, 4095, &st), -XEN_EINVAL, 0);
	expect("evtchn status, no such domain", port_status(0x7000, 1, &st), -XEN_ESRCH, 0);
	expect("evtchn status from a bad pointer", evtchn(EVTCHNOP_status, (void *)BAD_POINTER), -XEN_EFAULT, 0);

	/* sched_op poll (public/sched.h): each returns at once, a port being
	 * pending or the timeout (absolute system time, ns) long past. */
	uint32_t ports[2] = { b.local_port, 4095 };
	expect("sched_op poll on a pending port", poll(ports, 1, 0), 0, 0);
	expect("sched_op poll leaves the port pending", (pending[0] >> b.local_port) & 1, 1, 0);
	expect("sched_op poll stops at a pending port", poll(ports, 2, 0), 0, 0);
	ports[0] = a.port;      /* not pending */
	expect("sched_op poll on a port that does not exist", poll(ports, 2, 0), -XEN_EINVAL, 0);
	expect("sched_op poll with a timeout in the past", poll(ports, 1, 1), 0, 0);
	expect("sched_op poll on no ports, timeout in the past", poll(ports, 0, 1), 0, 0);
	/* Sleeps (10 ms at most: less by the time before this guest's virtual
	 * count started), then the timeout ends the poll. */
	expect("sched_op poll until a timeout ahead (10 ms at most)", poll(ports, 1, system_time_at_most() + 10000000), 0, 0);
	expect("sched_op poll on 129 ports", poll(ports, 129, 0), -XEN_EINVAL, 0);
	expect("sched_op poll from a bad pointer", xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_poll, BAD_POINTER, 0), -XEN_EFAULT, 0);
	expect("sched_op poll on ports at a bad pointer", poll((const uint32_t *)BAD_POINTER, 1, 0), -XEN_EFAULT, 0);
	expect("evtchn send to our own port", evtchn_port_op(EVTCHNOP_send, b.local_port), 0, 0);
	expect("sched_op poll on the port just sent to", poll(ports, 1, 0), 0, 0);

	/* event_channel_op close: the peer's end is unbound again. */
	expect("evtchn close of a bound port", evtchn_port_op(EVTCHNOP_close, b.local_port), 0, 0);
	expect("evtchn close clears the port's pending bit", (pending[0] >> b.local_port) & 1, 0, 0);
	expect("evtchn status of a closed port", port_status(DOMID_SELF, b.local_port, &st), EVTCHNSTAT_closed, 0);
	expect("evtchn status of its peer: unbound", port_status(DOMID_SELF, a.port, &st), EVTCHNSTAT_unbound, 0);
	expect("evtchn status: the peer is offered to our domain", st.u.unbound.dom, me, 0);
	expect("evtchn close of a closed port", evtchn_port_op(EVTCHNOP_close, b.local_port), -XEN_EINVAL, 0);
	expect("evtchn close of port 0", evtchn_port_op(EVTCHNOP_close, 0), -XEN_EINVAL, 0);
	expect("evtchn close of a port that does not exist", evtchn_port_op(EVTCHNOP_close, 4095), -XEN_EINVAL, 0);
	expect("evtchn close from a bad pointer", evtchn(EVTCHNOP_close, (void *)BAD_POINTER), -XEN_EFAULT, 0);
	expect("evtchn close of an unbound port", evtchn_port_op(EVTCHNOP_close, a.port), 0, 0);

	/* sched_op block: returns at once with an upcall pending, as a guest
	 * sets evtchn_upcall_pending itself to have events looked at; and
	 * enables event delivery (Xen clears the guest's PSTATE.I). */
	*upcall_pending = 1;
	expect("sched_op block with an event pending", xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0, 0);
	expect("sched_op block enables event delivery (IRQs unmasked)", irqs_masked(), 0, 0);
	mask_irqs();
	*upcall_pending = 0;

	printf("1..%d\n", checks);
	xen_hvc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&reason, 0);
	return 0;
}
