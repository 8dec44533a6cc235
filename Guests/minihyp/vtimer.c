/*
 * vtimer.c - time: each guest's virtual timer, and minihyp's time slice.
 *
 * The generic timer (ARM DDI 0487, D11) gives every CPU a physical counter
 * CNTPCT and a virtual one, CNTVCT = CNTPCT - CNTVOFF_EL2. EL1 programs the
 * virtual timer (CNTV_CTL_EL0, CNTV_CVAL_EL0) without trapping: it fires
 * when CNTVCT >= CVAL, raising PPI 27. So a guest can own the virtual timer
 * outright, as long as minihyp swaps the three registers when it switches
 * guests and gives each guest its own CNTVOFF: set to the physical count
 * when the guest first runs, its virtual counter starts near zero and keeps
 * running (with the wall clock) while other guests run.
 *
 * PPI 27 is a physical interrupt, and HCR_EL2.IMO routes it to minihyp,
 * which turns it into a virtual one. The timer's output is a level that
 * stays high until the guest moves CVAL, which it does only after it took
 * the interrupt; so minihyp first silences the timer (CNTV_CTL.IMASK), then
 * injects virtual PPI 27, and unmasks once the guest EOIs it (vgic.c gets
 * told by the maintenance interrupt). KVM and Xen do the same dance.
 *
 * minihyp's own clock is the EL2 physical timer, CNTHP (PPI 26): it ends a
 * guest's time slice (1 ms) and, earlier if need be, wakes a sleeping
 * guest whose virtual timer is due.
 */
#include "minihyp.h"

#define CTL_ENABLE   1ul
#define CTL_IMASK    2ul
#define CTL_ISTATUS  4ul                /* read-only: the condition holds */
#define SLICE_MS     1

static struct vm *loaded;               /* whose timer is in the registers */

void vtimer_load(struct vm *vm)
{
	if (!vm->timer.started) {
		vm->timer.off = read_sysreg(CNTPCT_EL0);
		vm->timer.started = 1;
	}
	write_sysreg(CNTVOFF_EL2, vm->timer.off);
	write_sysreg(CNTV_CVAL_EL0, vm->timer.cval);
	write_sysreg(CNTV_CTL_EL0, vm->timer.ctl);
	isb();
	loaded = vm;
}

void vtimer_save(struct vm *vm)
{
	if (vm != loaded)
		return;
	vm->timer.ctl = read_sysreg(CNTV_CTL_EL0) & (CTL_ENABLE | CTL_IMASK);
	vm->timer.cval = read_sysreg(CNTV_CVAL_EL0);
	write_sysreg(CNTV_CTL_EL0, 0);  /* its PPI 27 must not hit the next guest */
	isb();
	loaded = 0;
}

/* Silence the timer (its CNTV_CTL value is `ctl`) and tell the guest. */
static void fire(struct vm *vm, uint64_t ctl)
{
	vm->timer.masked = 1;
	vm->timer.masked_ctl = ctl | CTL_IMASK;
	if (vm == loaded) {
		write_sysreg(CNTV_CTL_EL0, ctl | CTL_IMASK);
		isb();
	} else {
		vm->timer.ctl = ctl | CTL_IMASK;
	}
	vgic_inject(vm, PPI_VIRT_TIMER);
}

/* PPI 27 arrived at EL2 while `vm` ran. */
void vtimer_fired(struct vm *vm)
{
	uint64_t ctl = read_sysreg(CNTV_CTL_EL0);

	/* Level-sensitive: it may have dropped since (the guest moved CVAL). */
	if (vm != loaded || (ctl & (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS)) !=
	    (CTL_ENABLE | CTL_ISTATUS))
		return;
	fire(vm, ctl & CTL_ENABLE);
}

/*
 * The guest finished with its timer interrupt: unmask, unless the guest
 * wrote CNTV_CTL itself meanwhile (then its own value stands).
 */
void vtimer_eoi(struct vm *vm)
{
	uint64_t ctl;

	if (!vm->timer.masked)
		return;
	vm->timer.masked = 0;
	ctl = vm == loaded ? read_sysreg(CNTV_CTL_EL0) & 3 : vm->timer.ctl;
	if (ctl != vm->timer.masked_ctl)
		return;
	ctl &= ~CTL_IMASK;
	if (vm == loaded) {
		write_sysreg(CNTV_CTL_EL0, ctl);
		isb();
	} else {
		vm->timer.ctl = ctl;
	}
}

/* When (in CNTPCT ticks) a stopped VM's virtual timer fires; 0 if never. */
int vtimer_deadline(struct vm *vm, uint64_t *when)
{
	if (!vm->running || vm == loaded ||
	    (vm->timer.ctl & (CTL_ENABLE | CTL_IMASK)) != CTL_ENABLE)
		return 0;
	*when = vm->timer.cval + vm->timer.off;
	return 1;
}

/* A stopped VM's timer is due: fire it now, as the hardware would have. */
int vtimer_check(struct vm *vm)
{
	uint64_t when;

	if (!vtimer_deadline(vm, &when) || read_sysreg(CNTPCT_EL0) < when)
		return 0;
	fire(vm, vm->timer.ctl);
	return 1;
}

/*
 * CNTHP fires at the end of the running guest's slice, or sooner when a
 * stopped guest's virtual timer is due (then that guest gets to run).
 */
void slice_start(void)
{
	uint64_t now = read_sysreg(CNTPCT_EL0), when, t;
	int i;

	when = now + read_sysreg(CNTFRQ_EL0) / 1000 * SLICE_MS;
	for (i = 0; i < vm_count; i++)
		if (vtimer_deadline(&vms[i], &t) && t < when)
			when = t;
	write_sysreg(CNTHP_CVAL_EL2, when);
	write_sysreg(CNTHP_CTL_EL2, CTL_ENABLE);
	isb();
}

void slice_stop(void)
{
	write_sysreg(CNTHP_CTL_EL2, 0);
	isb();
}
