/*
 * vtimer.c - time: each guest's virtual timer, and minihyp's time slice.
 *
 * The generic timer (ARM DDI 0487, D11): CNTVCT = CNTPCT - CNTVOFF_EL2,
 * and EL1 programs the virtual timer (CNTV_CTL/CVAL_EL0) without trapping;
 * it raises PPI 27 when CNTVCT >= CVAL. So a guest can own it, if minihyp
 * swaps those registers and gives each guest its own CNTVOFF (the physical
 * count when it first runs, so its virtual counter starts near zero).
 *
 * PPI 27 is a physical interrupt, routed to EL2 by HCR_EL2.IMO. Its level
 * stays high until the guest moves CVAL, so minihyp masks the timer
 * (CNTV_CTL.IMASK), injects virtual PPI 27 and unmasks when the guest EOIs
 * it (vgic.c hears of that through the maintenance interrupt), as KVM does.
 * minihyp's own clock is the EL2 physical timer CNTHP (PPI 26).
 */
#include "minihyp.h"

#define CTL_ENABLE   1ull
#define CTL_IMASK    2ull
#define CTL_ISTATUS  4ull                /* read-only: the condition holds */

/* Whose timer is in this CPU's registers (each CPU has its own CNTV_*). */
#define loaded (this_cpu()->timer_loaded)

void vtimer_load(struct vm *vm)
{
	if (!vm->timer.off)             /* the first run: CNTVCT starts at 0 */
		vm->timer.off = cntpct();
	cntvoff_write(vm->timer.off);
	cntv_cval_write(vm->timer.cval);
	cntv_ctl_write(vm->timer.ctl);
	isb();
	loaded = vm;
}

void vtimer_save(struct vm *vm)
{
	if (vm != loaded)
		return;
	vm->timer.ctl = cntv_ctl_read() & (CTL_ENABLE | CTL_IMASK);
	vm->timer.cval = cntv_cval_read();
	cntv_ctl_write(0);  /* its PPI 27 must not hit the next guest */
	isb();
	loaded = 0;
}

/* Set the VM's CNTV_CTL, in the register if it is loaded. */
static void set_ctl(struct vm *vm, uint64_t ctl)
{
	vm->timer.ctl = ctl;
	if (vm == loaded) {
		cntv_ctl_write(ctl);
		isb();
	}
}

/* Silence the timer and tell the guest. */
static void fire(struct vm *vm, uint64_t ctl)
{
	vm->timer.masked = 1;
	vm->timer.masked_ctl = ctl | CTL_IMASK;
	set_ctl(vm, ctl | CTL_IMASK);
	vgic_inject(vm, PPI_VIRT_TIMER);
}

/* PPI 27 came while `vm` ran. It is a level: it may have dropped since. */
void vtimer_fired(struct vm *vm)
{
	uint64_t ctl = cntv_ctl_read() & 7;
	if (vm == loaded && ctl == (CTL_ENABLE | CTL_ISTATUS))
		fire(vm, CTL_ENABLE);
}

/* The guest EOIed its timer interrupt: unmask, unless the guest wrote
 * CNTV_CTL itself meanwhile (then its own value stands). */
void vtimer_eoi(struct vm *vm)
{
	uint64_t ctl = vm == loaded ? cntv_ctl_read() & 3 : vm->timer.ctl;
	if (vm->timer.masked && ctl == vm->timer.masked_ctl)
		set_ctl(vm, ctl & ~CTL_IMASK);
	vm->timer.masked = 0;
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
void vtimer_check(struct vm *vm)
{
	uint64_t when;
	if (vtimer_deadline(vm, &when) && cntpct() >= when)
		fire(vm, vm->timer.ctl);
}

/* CNTHP fires at the end of the running guest's slice, or sooner when a
 * stopped guest's virtual timer (or poll timeout) is due (then that guest
 * gets to run). */
void slice_start(void)
{
	uint64_t t, when = cntpct() + cntfrq() / 1000;  /* 1 ms */
	struct pcpu *me = this_cpu();
	int i;
	for (i = 0; i < me->nr_vms; i++) {      /* the VMs of this CPU's run queue */
		if (vtimer_deadline(me->runq[i], &t) && t < when)
			when = t;
		if (poll_deadline(me->runq[i], &t) && t < when)
			when = t;       /* a SCHEDOP_poll timeout, likewise */
	}
	cnthp_cval_write(when);
	cnthp_ctl_write(CTL_ENABLE);
	isb();
}
