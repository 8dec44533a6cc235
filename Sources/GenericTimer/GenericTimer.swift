// GenericTimer owns time: the system counter on deterministic virtual time and each CPU's
// timers (EL1 physical, virtual, EL2 physical). It reaches the CPU only through ARMCore's
// SystemRegisterProvider protocol and never touches the interrupt controller directly: timer
// outputs are levels that the board wires to PPIs.
import ARMCore

/// The system counter (ARM DDI 0487, D11.1). Virtual time advances one nanosecond per retired
/// instruction (docs/ARCHITECTURE.md, "Time and determinism"), so the count is `nanos * frequency /
/// 1e9`, exact in 128-bit arithmetic.
public struct SystemCounter {
    public let frequency: UInt64
    public init(frequency: UInt64) { self.frequency = frequency }

    @inlinable public func count(atNanos ns: UInt64) -> UInt64 {
        let p = ns.multipliedFullWidth(by: frequency)
        return UInt64(1_000_000_000).dividingFullWidth((p.high, p.low)).quotient
    }

    /// The first virtual nanosecond at which the count reaches `ticks`.
    @inlinable public func nanos(atCount ticks: UInt64) -> UInt64 {
        let p = ticks.multipliedFullWidth(by: 1_000_000_000)
        guard p.high < frequency else { return .max }
        let (q, r) = frequency.dividingFullWidth(p)
        return r == 0 ? q : q &+ 1
    }
}

/// One CPU's timers and counter views: the CNT* system registers.
public final class GenericTimer: SystemRegisterProvider {
    public enum Kind: Int, CaseIterable { case physical = 0, virtual = 1, hypervisor = 2 }

    public let counter: SystemCounter
    /// CNTx_CTL (ENABLE bit 0, IMASK bit 1; ISTATUS bit 2 is computed) and CNTx_CVAL per timer.
    private var ctl: [UInt64] = [0, 0, 0]
    private var cval: [UInt64] = [0, 0, 0]

    /// Told after every write to a timer's CTL, CVAL or TVAL: the board re-evaluates the
    /// timer's output and its next deadline at once instead of at the end of the round.
    public var onChange: (() -> Void)?

    public init(counter: SystemCounter) { self.counter = counter }

    public func physicalCount(_ cpu: CPU) -> UInt64 { counter.count(atNanos: cpu.virtualNanos) }

    /// CNTVCT = CNTPCT - CNTVOFF_EL2 (D11.2.4); without EL2 the offset is zero.
    public func virtualCount(_ cpu: CPU) -> UInt64 {
        physicalCount(cpu) &- (cpu.hasEL2 ? cpu.sysregs[SysReg.CNTVOFF_EL2] : 0)
    }

    private func count(_ k: Kind, _ cpu: CPU) -> UInt64 { k == .virtual ? virtualCount(cpu) : physicalCount(cpu) }

    /// ISTATUS: the timer condition is met (D11.2.4): enabled and count >= CVAL.
    public func conditionMet(_ k: Kind, cpu: CPU) -> Bool {
        ctl[k.rawValue] & 1 != 0 && count(k, cpu) >= cval[k.rawValue]
    }

    /// The interrupt output: condition met and not masked.
    public func outputAsserted(_ k: Kind, cpu: CPU) -> Bool {
        conditionMet(k, cpu: cpu) && ctl[k.rawValue] & 2 == 0
    }

    /// The virtual nanosecond at which an enabled, unmasked timer next fires, if any. A timer
    /// whose condition is already met has no deadline: its output is a level for the GIC, and
    /// only the GIC decides whether it wakes a WFI. Counting it as a deadline at "now" ended
    /// every round at once while its interrupt stayed disabled or pending.
    public func nextDeadline(cpu: CPU) -> UInt64? {
        var best: UInt64?
        for k in Kind.allCases where ctl[k.rawValue] & 3 == 1 && !conditionMet(k, cpu: cpu) {
            var target = cval[k.rawValue]
            if k == .virtual && cpu.hasEL2 { target = target &+ cpu.sysregs[SysReg.CNTVOFF_EL2] }
            let ns = max(counter.nanos(atCount: target), cpu.virtualNanos)
            best = min(best ?? .max, ns)
        }
        return best
    }

    private static func kind(_ r: SysReg) -> Kind? {
        switch r {
        case .CNTP_CTL_EL0, .CNTP_CVAL_EL0, .CNTP_TVAL_EL0: return .physical
        case .CNTV_CTL_EL0, .CNTV_CVAL_EL0, .CNTV_TVAL_EL0: return .virtual
        case .CNTHP_CTL_EL2, .CNTHP_CVAL_EL2, .CNTHP_TVAL_EL2: return .hypervisor
        default: return nil
        }
    }

    /// Which register of a timer: control, compare value or timer value.
    private enum Field { case ctl, cval, tval }

    private static func field(_ r: SysReg) -> Field? {
        switch r {
        case .CNTP_CTL_EL0, .CNTV_CTL_EL0, .CNTHP_CTL_EL2: return .ctl
        case .CNTP_CVAL_EL0, .CNTV_CVAL_EL0, .CNTHP_CVAL_EL2: return .cval
        case .CNTP_TVAL_EL0, .CNTV_TVAL_EL0, .CNTHP_TVAL_EL2: return .tval
        default: return nil
        }
    }

    public func read(_ r: SysReg, cpu: CPU) -> UInt64 {
        switch r {
        case .CNTFRQ_EL0: return cpu.sysregs[SysReg.CNTFRQ_EL0]
        case .CNTPCT_EL0: return physicalCount(cpu)
        case .CNTVCT_EL0: return virtualCount(cpu)
        default: break
        }
        guard let k = Self.kind(r), let f = Self.field(r) else { return 0 }
        switch f {
        case .ctl: return ctl[k.rawValue] & 3 | (conditionMet(k, cpu: cpu) ? 4 : 0)
        case .cval: return cval[k.rawValue]
        // TVAL reads as the signed 32-bit distance CVAL - count (D11.2.4).
        case .tval: return (cval[k.rawValue] &- count(k, cpu)) & 0xFFFF_FFFF
        }
    }

    public func write(_ r: SysReg, value: UInt64, cpu: CPU) {
        if r == .CNTFRQ_EL0 { cpu.sysregs[SysReg.CNTFRQ_EL0] = value & 0xFFFF_FFFF; return }
        guard let k = Self.kind(r), let f = Self.field(r) else { return }
        switch f {
        case .ctl: ctl[k.rawValue] = value & 3
        case .cval: cval[k.rawValue] = value
        case .tval:
            // Writing TVAL sets CVAL = count + SignExtend(TVAL<31:0>).
            cval[k.rawValue] = count(k, cpu) &+ UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: value)))
        }
        onChange?()
    }
}
