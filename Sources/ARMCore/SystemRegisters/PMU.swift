/// The Performance Monitors Extension, PMUv3 of ARMv8.0 (ARM DDI 0487, D11; the registers in
/// D13.4, their AArch32 views in G8.4): a cycle counter and six event counters.
///
/// Counting costs nothing per instruction. The counters that count retired instructions
/// (INST_RETIRED, CPU_CYCLES and the cycle counter) are brought up to date from `instret`
/// only when something looks at them or changes what they count: a PMU register access, an
/// exception entry or return (the EL filter may change), and the point where one overflows.
/// Between those points `PMUState.counting` says which counters run, and `sysregs` holds their
/// values as of `PMUState.syncedAt`. The other events (SW_INCR and the exception events) are
/// counted where they happen, on slow paths. The events of instruction classes (LD_RETIRED,
/// ST_RETIRED, BR_RETIRED...) send every instruction through the full path while a counter
/// counts one at the current EL, and cost nothing otherwise (PMUEvents.swift).
///
/// No TLB event (L1I_TLB_REFILL, L1D_TLB_REFILL, ITLB_WALK, DTLB_WALK) is implemented: see
/// `PMU.commonEvents0`.
///
/// A cycle is a retired instruction: armvm's virtual time runs at one instruction per
/// nanosecond (docs/ARCHITECTURE.md, "Time and determinism"), so CPU_CYCLES and PMCCNTR_EL0
/// count instructions, and time spent in WFI is not counted, as a clock-gated core would not.
///
/// The core has no EL3 and runs Non-secure, so PMEVTYPER<n>_EL0.NSK, NSU and M are RES0 (RAZ/WI).
struct PMUState {
    /// Some counter is enabled (PMCR_EL0.E or MDCR_EL2.HPME, with its PMCNTENSET_EL0 bit):
    /// exception entries and returns must tell the PMU.
    var live = false
    /// The counters that count retired instructions at the current EL: bits 0-5 for the event
    /// counters, bit 31 for the cycle counter.
    var counting: UInt64 = 0
    /// The `instret` up to which the counters in `sysregs` are current.
    var syncedAt: UInt64 = 0
    /// Cycles toward PMCCNTR_EL0's next increment while PMCR_EL0.D divides by 64.
    var dividerCycles: UInt64 = 0
    /// The `instret` at which the first counter that can interrupt overflows; .max for none.
    /// `CPU.run` ends its turn there.
    var overflowAt: UInt64 = .max
    /// The overflow interrupt as last driven.
    var interruptLevel = false
    /// The counters that count an instruction class at the current EL: byte n holds counter
    /// n's `PMUClass` bits. Nonzero keeps `attention` set (PMUEvents.swift).
    var classCounters: UInt64 = 0
    /// Some counter counts an instruction class here: every instruction takes the full path.
    var armed: Bool { classCounters != 0 }
    /// An exception was taken or returned from during the instruction being classified: it
    /// did not complete (or was an exception return), so it counts for no class.
    var exceptionInStep = false
    /// The overflow point moved earlier during a turn: `handleAttention` ends the inner loop so
    /// that `CPU.run` cuts its budget again.
    var recut = false
}

/// PMUv3 constants.
public enum PMU {
    /// Event counters implemented (PMCR_EL0.N).
    public static let counterCount = 6
    /// PMCNTENSET/PMINTENSET/PMOVSSET bit of the cycle counter.
    public static let cycleCounterBit: UInt64 = 1 << 31
    static let implemented: UInt64 = cycleCounterBit | 0x3F

    /// The events counted exactly (D11.11, "common event numbers").
    public enum Event: UInt64 {
        case softwareIncrement = 0x00, loadRetired = 0x06, storeRetired = 0x07, instructionRetired = 0x08
        case exceptionTaken = 0x09, exceptionReturn = 0x0A, immediateBranchRetired = 0x0D, returnRetired = 0x0E
        case cpuCycles = 0x11, branchRetired = 0x21
        // ARM-recommended IMPLEMENTATION DEFINED events (D11.11.3, "exception-related").
        case svc = 0x82, irq = 0x86, fiq = 0x87, hvc = 0x8A, smc = 0x8B
    }
    /// PMCEID0_EL0: bit n for common event n (0x00-0x1F) that is counted; PMCEID1_EL0 bit n for
    /// event 0x20 + n.
    ///
    /// The TLB refill events (L1I/L1D_TLB_REFILL, ITLB/DTLB_WALK) are left out. The walks of
    /// Stage2MMU's TLB would be cheap to count (a TLB miss is already a slow path), but not
    /// exactly: that TLB is reached only when the interpreter's host TLB misses, and the host
    /// TLB is emptied at the start of every turn of `run`. A page the TLB has since replaced
    /// (round robin within its set) is still used without a walk until the host TLB is emptied,
    /// so the number of walks depends on where turns end (the scheduler, the other CPUs, gdb,
    /// an armed overflow interrupt, which cuts a turn) and not only on what the guest did.
    public static let commonEvents0: UInt64 = 1 << 0x00 | 1 << 0x06 | 1 << 0x07 | 1 << 0x08 | 1 << 0x09
        | 1 << 0x0A | 1 << 0x0D | 1 << 0x0E | 1 << 0x11
    public static let commonEvents1: UInt64 = 1 << (0x21 - 0x20)

    // PMCR_EL0 (D13.4.8).
    public static let E: UInt64 = 1 << 0
    public static let resetEvents: UInt64 = 1 << 1   // P
    public static let resetCycles: UInt64 = 1 << 2   // C
    public static let D: UInt64 = 1 << 3
    public static let LC: UInt64 = 1 << 6
    /// E, D, DP and LC are stored; X (no export bus) is RAZ/WI; P and C are actions.
    static let pmcrWritable: UInt64 = E | D | 1 << 5 | LC

    // PMEVTYPER<n>_EL0 and PMCCFILTR_EL0 (D13.4.19, D13.4.2).
    /// P: do not count at EL1.
    public static let excludeEL1: UInt64 = 1 << 31
    /// U: do not count at EL0.
    public static let excludeEL0: UInt64 = 1 << 30
    /// NSH: count at EL2.
    public static let includeEL2: UInt64 = 1 << 27
    /// evtCount is 10 bits in ARMv8.0.
    static let eventMask: UInt64 = 0x3FF
    static let typerWritable: UInt64 = excludeEL1 | excludeEL0 | includeEL2 | eventMask

    // PMUSERENR_EL0 (D13.4.18): what EL0 may reach.
    static let userEN: UInt64 = 1 << 0, userSW: UInt64 = 1 << 1, userCR: UInt64 = 1 << 2, userER: UInt64 = 1 << 3

    /// Does a counter with this filter count at `el`? (D11.8, "filtering by Exception level";
    /// Non-secure with no EL3, so only P, U and NSH apply.)
    @inline(__always)
    static func counts(filter t: UInt64, el: UInt8) -> Bool {
        switch el {
        case 0: return t & excludeEL0 == 0
        case 1: return t & excludeEL1 == 0
        default: return t & includeEL2 != 0
        }
    }
}

extension SysReg {
    /// PMEVCNTR<n>_EL0 and PMEVTYPER<n>_EL0 by counter number.
    static func eventCounter(_ n: Int) -> Int { SysReg.PMEVCNTR0_EL0.rawValue + n }
    static func eventType(_ n: Int) -> Int { SysReg.PMEVTYPER0_EL0.rawValue + n }

    /// The event counter an access names directly (PMEVCNTR<n>/PMEVTYPER<n>), if any.
    var pmuCounterNumber: Int? {
        if (SysReg.PMEVCNTR0_EL0.rawValue...SysReg.PMEVCNTR5_EL0.rawValue).contains(rawValue) {
            return rawValue - SysReg.PMEVCNTR0_EL0.rawValue
        }
        if (SysReg.PMEVTYPER0_EL0.rawValue...SysReg.PMEVTYPER5_EL0.rawValue).contains(rawValue) {
            return rawValue - SysReg.PMEVTYPER0_EL0.rawValue
        }
        return nil
    }
}

extension CPU {
    // MARK: Partition (MDCR_EL2.HPMN) and enables

    /// MDCR_EL2.HPMN, the first counter that belongs to EL2 (all of them without EL2). A value
    /// above N is CONSTRAINED UNPREDICTABLE (D13.2.78): taken as N.
    var pmuHPMN: Int {
        guard hasEL2 else { return PMU.counterCount }
        return min(Int(sysregs[SysReg.MDCR_EL2] & MDCR.HPMN), PMU.counterCount)
    }

    /// The counters the current EL may see: EL1 and EL0 only those below HPMN, and the cycle counter.
    var pmuAccessibleMask: UInt64 {
        let n = el < 2 ? pmuHPMN : PMU.counterCount
        return PMU.cycleCounterBit | (1 << UInt64(n) - 1)
    }

    /// The counters that are enabled: PMCNTENSET, with PMCR_EL0.E for the cycle counter and the
    /// counters below HPMN, MDCR_EL2.HPME for the rest (D11.5.2).
    var pmuEnabledMask: UInt64 {
        let hpmn = UInt64(pmuHPMN)
        let low: UInt64 = PMU.cycleCounterBit | (1 << hpmn - 1)
        var on: UInt64 = 0
        if sysregs[SysReg.PMCR_EL0] & PMU.E != 0 { on |= low }
        if hasEL2 && sysregs[SysReg.MDCR_EL2] & MDCR.HPME != 0 { on |= PMU.implemented & ~low }
        return on & sysregs[SysReg.PMCNTENSET_EL0]
    }

    private func pmuFilter(_ n: Int) -> UInt64 {
        n == 31 ? sysregs[SysReg.PMCCFILTR_EL0] : sysregs[SysReg.eventType(n)]
    }

    // MARK: Bringing counters up to date

    /// Add the instructions retired since the last sync, up to `t`, to the counters that count
    /// them, and set their overflow flags (PMOVSSET) where they wrap.
    func pmuSync(at t: UInt64) {
        // Never backwards: an exception hook may have synced past the instruction in flight.
        guard t > pmu.syncedAt else { return }
        let delta = t - pmu.syncedAt
        pmu.syncedAt = t
        guard pmu.counting != 0 else { return }
        var overflow: UInt64 = 0
        for n in 0..<PMU.counterCount where pmu.counting & (1 << UInt64(n)) != 0 {
            // PMEVCNTR<n>_EL0 is 32 bits in ARMv8.0: it overflows when it wraps past 0xFFFFFFFF.
            let v = sysregs[SysReg.eventCounter(n)] &+ delta
            if v >> 32 != 0 { overflow |= 1 << UInt64(n) }
            sysregs[SysReg.eventCounter(n)] = v & 0xFFFF_FFFF
        }
        if pmu.counting & PMU.cycleCounterBit != 0 {
            var ticks = delta
            if sysregs[SysReg.PMCR_EL0] & PMU.D != 0 {
                let cycles = pmu.dividerCycles &+ delta
                ticks = cycles / 64
                pmu.dividerCycles = cycles % 64
            }
            let old = sysregs[SysReg.PMCCNTR_EL0]
            let new = old &+ ticks
            // PMCR_EL0.LC: overflow at bit 63, else when bits 31:0 wrap (D13.4.8).
            let wrapped = sysregs[SysReg.PMCR_EL0] & PMU.LC != 0
                ? new < old || ticks >> 63 != 0
                : ticks >> 32 != 0 || (old & 0xFFFF_FFFF) &+ ticks > 0xFFFF_FFFF
            if wrapped { overflow |= PMU.cycleCounterBit }
            sysregs[SysReg.PMCCNTR_EL0] = new
        }
        sysregs[SysReg.PMOVSSET_EL0] |= overflow
    }

    /// After the counters, their enables or filters, or the EL changed: which counters run now,
    /// where the next overflow that interrupts is, and the interrupt's level.
    func pmuUpdate() {
        let enabled = pmuEnabledMask
        var counting: UInt64 = 0
        var classCounters: UInt64 = 0
        for n in 0..<PMU.counterCount where enabled & (1 << UInt64(n)) != 0 {
            let t = sysregs[SysReg.eventType(n)]
            guard PMU.counts(filter: t, el: el) else { continue }
            let event = t & PMU.eventMask
            if event == PMU.Event.instructionRetired.rawValue || event == PMU.Event.cpuCycles.rawValue {
                counting |= 1 << UInt64(n)
            }
            classCounters |= UInt64(PMUClass.counted(by: event).rawValue) << UInt64(8 * n)
        }
        // Counting instruction classes keeps every instruction on the full path, as armed
        // debug events do; `handleAttention` keeps `attention` set while it lasts.
        if classCounters != 0 { attention = true }
        pmu.classCounters = classCounters
        if enabled & PMU.cycleCounterBit != 0 && PMU.counts(filter: sysregs[SysReg.PMCCFILTR_EL0], el: el) {
            counting |= PMU.cycleCounterBit
        }
        pmu.live = enabled != 0
        pmu.counting = counting

        // The next overflow that raises the interrupt: a running counter with PMINTENSET set and
        // its overflow flag still clear.
        let watch = counting & sysregs[SysReg.PMINTENSET_EL1] & ~sysregs[SysReg.PMOVSSET_EL0]
        var soonest: UInt64 = .max
        for n in 0..<PMU.counterCount where watch & (1 << UInt64(n)) != 0 {
            soonest = min(soonest, (1 << 32) &- sysregs[SysReg.eventCounter(n)])
        }
        if watch & PMU.cycleCounterBit != 0 {
            let v = sysregs[SysReg.PMCCNTR_EL0]
            let ticks = sysregs[SysReg.PMCR_EL0] & PMU.LC != 0 ? (0 &- v) : (1 << 32) - (v & 0xFFFF_FFFF)
            if ticks != 0 {
                if sysregs[SysReg.PMCR_EL0] & PMU.D == 0 {
                    soonest = min(soonest, ticks)
                } else if ticks < 1 << 57 {
                    soonest = min(soonest, ticks * 64 - pmu.dividerCycles)
                }
            }
        }
        let at = soonest == .max || soonest > .max - pmu.syncedAt ? UInt64.max : pmu.syncedAt + soonest
        if at < pmu.overflowAt {
            // A turn in progress was cut at the old point: have `run` cut it again.
            pmu.recut = true
            attention = true
        }
        pmu.overflowAt = at
        pmuDriveInterrupt()
    }

    /// The overflow interrupt request (D11.6): an overflow flag set for an enabled counter
    /// whose PMINTENSET bit is set.
    func pmuDriveInterrupt() {
        let hpmn = UInt64(pmuHPMN)
        let low: UInt64 = PMU.cycleCounterBit | (1 << hpmn - 1)
        var on: UInt64 = 0
        if sysregs[SysReg.PMCR_EL0] & PMU.E != 0 { on |= low }
        if hasEL2 && sysregs[SysReg.MDCR_EL2] & MDCR.HPME != 0 { on |= PMU.implemented & ~low }
        let level = sysregs[SysReg.PMOVSSET_EL0] & sysregs[SysReg.PMINTENSET_EL1] & on != 0
        if level != pmu.interruptLevel {
            pmu.interruptLevel = level
            pmuInterruptChanged?(self, level)
        }
    }

    /// `run` reached `pmu.overflowAt`: set the flags and raise the interrupt.
    func pmuReachedOverflow() {
        pmuSync(at: instret)
        pmuUpdate()
    }

    /// An event that is not a retired instruction: every enabled counter that counts it at
    /// `level` goes up by one.
    func pmuCount(_ event: PMU.Event, at level: UInt8) {
        let enabled = pmuEnabledMask
        for n in 0..<PMU.counterCount where enabled & (1 << UInt64(n)) != 0 {
            let t = sysregs[SysReg.eventType(n)]
            guard t & PMU.eventMask == event.rawValue, PMU.counts(filter: t, el: level) else { continue }
            let v = sysregs[SysReg.eventCounter(n)] &+ 1
            if v >> 32 != 0 { sysregs[SysReg.PMOVSSET_EL0] |= 1 << UInt64(n) }
            sysregs[SysReg.eventCounter(n)] = v & 0xFFFF_FFFF
        }
    }

    /// An exception entry or return, called once the EL has changed (only while `pmu.live`).
    /// The instruction that raised or returned counts at the EL it ran at; an interrupt is
    /// taken between instructions. The exception events count at the EL they left.
    func pmuException(_ kind: ExceptionEvent.Kind, syndrome: Syndrome?, from: UInt8) {
        pmu.exceptionInStep = true
        pmuSync(at: kind == .irq || kind == .fiq || kind == .serror ? instret : instret &+ 1)
        switch kind {
        case .eret:
            pmuCount(.exceptionReturn, at: from)
        case .irq, .fiq, .serror, .synchronous:
            pmuCount(.exceptionTaken, at: from)
            if kind == .irq { pmuCount(.irq, at: from) }
            if kind == .fiq { pmuCount(.fiq, at: from) }
            switch syndrome?.ec {
            case .svc64, .svc32: pmuCount(.svc, at: from)
            case .hvc64, .hvc32: pmuCount(.hvc, at: from)
            case .smc64, .smc32: pmuCount(.smc, at: from)
            default: break
            }
        }
        pmuUpdate()
    }

    /// MSR CPSR or CPS changed the AArch32 mode, and with it perhaps the EL, without an
    /// exception: the instruction counts at the EL it ran at, what follows at the new one.
    func pmuModeChanged() {
        guard pmu.live else { return }
        pmuSync(at: instret &+ 1)
        pmuUpdate()
    }

    // MARK: Register access

    /// The PMU's access checks (the Accessibility pseudocode of each register in D13.4, ARMv8.0):
    /// counters at or above MDCR_EL2.HPMN are UNDEFINED below EL2; EL0 needs PMUSERENR_EL0; then
    /// MDCR_EL2.TPM (every PMU register) and TPMCR (PMCR_EL0) trap EL1 and EL0 to EL2.
    func checkPMUAccess(_ r: SysReg, isRead: Bool, rt: UInt8, encoding: UInt32) throws(ArchException) {
        if r == .PMSWINC_EL0 && isRead { throw ArchException.undefined }
        if el < 2 && hasEL2 {
            var counter = r.pmuCounterNumber
            if r == .PMXEVCNTR_EL0 || r == .PMXEVTYPER_EL0 {
                let sel = Int(sysregs[SysReg.PMSELR_EL0] & 0x1F)
                // SEL = 31 selects PMCCFILTR_EL0 for PMXEVTYPER; PMXEVCNTR has no cycle-counter view.
                if sel == 31 && r == .PMXEVCNTR_EL0 { throw ArchException.undefined }
                if sel != 31 { counter = sel }
            }
            if let n = counter, n >= pmuHPMN { throw ArchException.undefined }
        }
        if el == 0 {
            let u = sysregs[SysReg.PMUSERENR_EL0]
            let allowed: Bool
            switch r {
            case .PMUSERENR_EL0: allowed = true
            case .PMINTENSET_EL1, .PMINTENCLR_EL1: throw ArchException.undefined
            case .PMSWINC_EL0: allowed = u & (PMU.userEN | PMU.userSW) != 0
            case .PMCCNTR_EL0: allowed = u & (isRead ? PMU.userEN | PMU.userCR : PMU.userEN) != 0
            case .PMSELR_EL0: allowed = u & (PMU.userEN | PMU.userER) != 0
            case .PMXEVCNTR_EL0, .PMEVCNTR0_EL0, .PMEVCNTR1_EL0, .PMEVCNTR2_EL0, .PMEVCNTR3_EL0, .PMEVCNTR4_EL0,
                 .PMEVCNTR5_EL0:
                allowed = u & (isRead ? PMU.userEN | PMU.userER : PMU.userEN) != 0
            default: allowed = u & PMU.userEN != 0
            }
            if !allowed { throw trap(to: defaultTargetEL(), isRead: isRead, rt: rt, encoding: encoding) }
        }
        if el < 2 && hasEL2 {
            let mdcr = sysregs[SysReg.MDCR_EL2]
            if mdcr & MDCR.TPM != 0 || (r == .PMCR_EL0 && mdcr & MDCR.TPMCR != 0) {
                throw trap(to: 2, isRead: isRead, rt: rt, encoding: encoding)
            }
        }
    }

    /// MRS of a PMU register, with the counters brought up to date.
    func pmuRead(_ r: SysReg) -> UInt64 {
        pmuSync(at: instret)
        let visible = pmuAccessibleMask
        switch r {
        case .PMCR_EL0:
            // IMP = 0x41 (Arm), IDCODE 0x01 (Cortex-A57) or 0x0F (Cortex-A15), N: the counters
            // this EL may see (HPMN below EL2).
            let id: UInt64 = 0x41 << 24 | (aarch32Only ? 0x0F : 0x01) << 16
            let n = UInt64(el < 2 ? pmuHPMN : PMU.counterCount)
            return id | n << 11 | sysregs[r] & PMU.pmcrWritable
        case .PMCNTENSET_EL0, .PMCNTENCLR_EL0: return sysregs[SysReg.PMCNTENSET_EL0] & visible
        case .PMINTENSET_EL1, .PMINTENCLR_EL1: return sysregs[SysReg.PMINTENSET_EL1] & visible
        case .PMOVSSET_EL0, .PMOVSCLR_EL0: return sysregs[SysReg.PMOVSSET_EL0] & visible
        case .PMCEID0_EL0: return PMU.commonEvents0
        case .PMCEID1_EL0: return PMU.commonEvents1
        case .PMSWINC_EL0: return 0
        case .PMXEVCNTR_EL0:
            let sel = Int(sysregs[SysReg.PMSELR_EL0] & 0x1F)
            return sel < PMU.counterCount ? sysregs[SysReg.eventCounter(sel)] : 0
        case .PMXEVTYPER_EL0:
            let sel = Int(sysregs[SysReg.PMSELR_EL0] & 0x1F)
            if sel == 31 { return sysregs[SysReg.PMCCFILTR_EL0] }
            return sel < PMU.counterCount ? sysregs[SysReg.eventType(sel)] : 0
        default: return sysregs[r]
        }
    }

    /// MSR of a PMU register: counters brought up to date first, then what runs is worked out again.
    func pmuWrite(_ r: SysReg, _ value: UInt64) {
        pmuSync(at: instret)
        let visible = pmuAccessibleMask
        switch r {
        case .PMCR_EL0:
            var keep = PMU.pmcrWritable
            if aarch32Only { keep &= ~PMU.LC }      // PMUv2 has no long cycle counter
            sysregs[r] = value & keep
            // P resets the event counters this EL may see; C the cycle counter (D13.4.8).
            if value & PMU.resetEvents != 0 {
                for n in 0..<PMU.counterCount where visible & (1 << UInt64(n)) != 0 { sysregs[SysReg.eventCounter(n)] = 0 }
            }
            if value & PMU.resetCycles != 0 {
                sysregs[SysReg.PMCCNTR_EL0] = 0
                pmu.dividerCycles = 0
            }
        case .PMCNTENSET_EL0: sysregs[SysReg.PMCNTENSET_EL0] |= value & visible
        case .PMCNTENCLR_EL0: sysregs[SysReg.PMCNTENSET_EL0] &= ~(value & visible)
        case .PMINTENSET_EL1: sysregs[SysReg.PMINTENSET_EL1] |= value & visible
        case .PMINTENCLR_EL1: sysregs[SysReg.PMINTENSET_EL1] &= ~(value & visible)
        case .PMOVSSET_EL0: sysregs[SysReg.PMOVSSET_EL0] |= value & visible
        case .PMOVSCLR_EL0: sysregs[SysReg.PMOVSSET_EL0] &= ~(value & visible)
        case .PMSWINC_EL0:
            // Each counter named, visible, enabled and counting SW_INCR at this EL goes up by one.
            let enabled = pmuEnabledMask & value & visible
            for n in 0..<PMU.counterCount where enabled & (1 << UInt64(n)) != 0 {
                let t = sysregs[SysReg.eventType(n)]
                guard t & PMU.eventMask == PMU.Event.softwareIncrement.rawValue, PMU.counts(filter: t, el: el) else { continue }
                let v = sysregs[SysReg.eventCounter(n)] &+ 1
                if v >> 32 != 0 { sysregs[SysReg.PMOVSSET_EL0] |= 1 << UInt64(n) }
                sysregs[SysReg.eventCounter(n)] = v & 0xFFFF_FFFF
            }
        case .PMSELR_EL0: sysregs[r] = value & 0x1F
        case .PMUSERENR_EL0: sysregs[r] = value & 0xF
        case .PMCCNTR_EL0: sysregs[r] = value
        case .PMCCFILTR_EL0: sysregs[r] = value & ~PMU.eventMask & PMU.typerWritable
        case .PMXEVCNTR_EL0:
            let sel = Int(sysregs[SysReg.PMSELR_EL0] & 0x1F)
            if sel < PMU.counterCount { sysregs[SysReg.eventCounter(sel)] = value & 0xFFFF_FFFF }
        case .PMXEVTYPER_EL0:
            let sel = Int(sysregs[SysReg.PMSELR_EL0] & 0x1F)
            if sel == 31 {
                sysregs[SysReg.PMCCFILTR_EL0] = value & ~PMU.eventMask & PMU.typerWritable
            } else if sel < PMU.counterCount {
                sysregs[SysReg.eventType(sel)] = value & PMU.typerWritable
            }
        case .PMCEID0_EL0, .PMCEID1_EL0: break
        default:
            if let n = r.pmuCounterNumber {
                if r.rawValue < SysReg.PMEVTYPER0_EL0.rawValue {
                    sysregs[SysReg.eventCounter(n)] = value & 0xFFFF_FFFF
                } else {
                    sysregs[SysReg.eventType(n)] = value & PMU.typerWritable
                }
            }
        }
        pmuUpdate()
    }

    /// MDCR_EL2 moved HPMN or HPME: which counters run, and whose they are, may change.
    func pmuPartitionChanged(_ mdcr: UInt64) {
        pmuSync(at: instret)
        sysregs[SysReg.MDCR_EL2] = mdcr
        pmuUpdate()
    }
}

extension SysReg {
    /// One of the Performance Monitors registers (PMCR_EL0 ... PMCCFILTR_EL0, in the enum's order).
    @inline(__always)
    var isPMU: Bool { (SysReg.PMCR_EL0.rawValue...SysReg.PMCCFILTR_EL0.rawValue).contains(rawValue) }
}
