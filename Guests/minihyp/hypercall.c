/*
 * hypercall.c - the calls a guest makes on purpose.
 *
 * HVC #0xEA1 is Xen's hypercall on Arm (xen/include/public/arch-arm.h):
 * the call number in x16 (r12 from AArch32), arguments in x0..x4 (r0..r4),
 * the result in x0 (r0). HVC32 and HVC64 come here alike. minihyp
 * answers the subset a simple guest needs, the same for every guest:
 *
 *   18 console_io   CONSOLEIO_write(count, buffer): print guest text
 *   17 xen_version  XENVER_version: major << 16 | minor
 *   29 sched_op     SCHEDOP_yield; SCHEDOP_block (enable events, sleep
 *                   until one is pending); SCHEDOP_shutdown(&reason);
 *                   SCHEDOP_poll(&sched_poll): sleep until a port is
 *                   pending or the timeout (evtchn.c)
 *   32 event_channel_op   alloc_unbound, bind_interdomain, send, unmask,
 *                         close, status (evtchn.c)
 *   12 memory_op    XENMEM_add_to_physmap of the shared_info page (evtchn.c)
 *
 * Anything else returns -ENOSYS, as Xen does for a call it does not know.
 *
 * HVC #0 (and SMC, which HCR_EL2.TSC traps to us) carries PSCI calls
 * (ARM DEN 0022) in the SMC calling convention: function id in w0.
 */
#include "minihyp.h"

#define XEN_HYPERCALL_TAG   0xea1       /* numbers and structures: xen.h */
#define PSCI_NOT_SUPPORTED  ((unsigned long)-1)

static const char *const shutdown_reasons[] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

/* The guest is done: it stays off, and the next one runs. Any reason but
 * poweroff (0) is a failure minihyp's exit status reports. */
static void shutdown(struct vm *vm, struct exc_frame *f, uint32_t reason, const char *name)
{
	if (vm->line_len)
		vm_console_putc(vm, '\n');      /* flush a half line */
	printf("minihyp: d%d has shut down (%s)\n", vm->id, name);
	if (reason != SHUTDOWN_poweroff)
		vm_failed(vm, MINIHYP_EXIT_SHUTDOWN + (reason < 6 ? (int)reason : 6),
			  "shut down with reason ", name);
	vm->running = 0;
	schedule(f);
}

static void xen_hypercall(struct vm *vm, struct exc_frame *f)
{
	unsigned long cmd = f->x[0], i;
	uint32_t reason;
	char c;

	/* The hypercall number: x16 from AArch64, r12 (X12) from AArch32. */
	switch (f->x[HYPERCALL_NR_REG(vm)]) {
	case __HYPERVISOR_console_io:
		if (cmd != CONSOLEIO_write)
			break;
		/* x1 = count, x2 = the guest's buffer (a guest address). */
		for (i = 0; i < f->x[1]; i++) {
			if (guest_read(vm, f->x[2] + i, &c, 1) < 0) {
				f->x[0] = (unsigned long)-XEN_EFAULT;
				return;
			}
			vm_console_putc(vm, c);
		}
		f->x[0] = 0;
		return;
	case __HYPERVISOR_event_channel_op:
		f->x[0] = (unsigned long)evtchn_op(vm, cmd, f->x[1]);
		return;
	case __HYPERVISOR_memory_op:
		f->x[0] = (unsigned long)memory_op(vm, cmd, f->x[1]);
		return;
	case __HYPERVISOR_xen_version:
		if (cmd != XENVER_version)
			break;
		f->x[0] = XEN_MAJOR << 16 | XEN_MINOR;
		return;
	case __HYPERVISOR_sched_op:
		if (cmd == SCHEDOP_yield) {
			f->x[0] = 0;    /* the result, before the frame is saved */
			schedule(f);
			return;
		}
		if (cmd == SCHEDOP_block) {
			/* Xen's vcpu_block_enable_events: event delivery on
			 * (on Arm, PSTATE.I cleared), then sleep unless an
			 * event already waits. An upcall or interrupt wakes. */
			f->spsr &= ~(unsigned long)SPSR_I;
			f->x[0] = 0;
			if (!event_pending(vm)) {
				vm->poll_ports = 0;
				vm->poll_deadline = 0;
				vm->blocked = BLOCKED_EVENT;
				schedule(f);
			}
			return;
		}
		if (cmd == SCHEDOP_poll) {
			long r = sched_poll(vm, f->x[1], f->spsr);

			f->x[0] = r < 0 ? (unsigned long)r : 0;
			if (r > 0)
				schedule(f);    /* sleeps until a port or timeout */
			return;
		}
		if (cmd == SCHEDOP_shutdown) {
			/* x1 points at struct sched_shutdown { uint32_t reason; } */
			if (guest_read(vm, f->x[1], &reason, 4) < 0) {
				f->x[0] = (unsigned long)-XEN_EFAULT;
				return;
			}
			shutdown(vm, f, reason, reason < 6 ? shutdown_reasons[reason] : "unknown");
			return;
		}
		break;
	}
	f->x[0] = (unsigned long)-XEN_ENOSYS;
}

static void psci_call_from_guest(struct vm *vm, struct exc_frame *f)
{
	switch ((uint32_t)f->x[0]) {
	case PSCI_VERSION:
		f->x[0] = 0x10000;      /* 1.0 */
		return;
	case PSCI_SYSTEM_OFF:
		/* Switches off this guest, not the machine. */
		shutdown(vm, f, SHUTDOWN_poweroff, "PSCI SYSTEM_OFF");
		return;
	default:
		f->x[0] = PSCI_NOT_SUPPORTED;
	}
}

void handle_hvc(struct vm *vm, struct exc_frame *f)
{
	/* ELR already points after the HVC (an exception-generating
	 * instruction returns to the next one): no adjustment. */
	uint32_t imm = ESR_ISS(f->esr) & 0xffff;

	if (imm == XEN_HYPERCALL_TAG)
		xen_hypercall(vm, f);
	else if (imm == 0)
		psci_call_from_guest(vm, f);
	else
		f->x[0] = PSCI_NOT_SUPPORTED;
}

void handle_smc(struct vm *vm, struct exc_frame *f)
{
	/* A trapped SMC leaves ELR at the SMC itself (ARM DDI 0487 D1.10.2,
	 * unlike HVC): step over it first, so the guest continues after it
	 * whether or not the call switches guests. */
	f->elr += trapped_insn_len(f->esr);
	psci_call_from_guest(vm, f);
}
