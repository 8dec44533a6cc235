/// One exception entry or return, as traces show it.
public struct ExceptionEvent {
    public enum Kind { case synchronous, irq, fiq, serror, eret }
    public var kind: Kind
    public var fromEL: UInt8
    public var toEL: UInt8
    public var syndrome: Syndrome?
    public var esr: UInt64
    public var far: UInt64?
    public var ipa: UInt64?
    /// ELR written on entry, or the return address of an ERET.
    public var elr: UInt64
    public var vector: UInt64
    public var instret: UInt64
    /// The AArch32 modes on either side, where that side is in AArch32 state.
    public var fromMode: AArch32Mode? = nil
    public var toMode: AArch32Mode? = nil
}

/// Vector table offsets (ARM DDI 0487, D1.10.2, table D1-7).
@frozen public enum VectorKind: UInt64 {
    case synchronous = 0x000, irq = 0x080, fiq = 0x100, serror = 0x180
}

extension CPU {
    /// The level a synchronous exception goes to when its raiser did not say
    /// (ARM DDI 0487, D1.10.1): the current EL, EL1 from EL0, or EL2 from EL0 when HCR_EL2.TGE.
    @inline(__always)
    func defaultTargetEL() -> UInt8 {
        if el == 0 { return hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TGE != 0 ? 2 : 1 }
        return el
    }

    /// Take a synchronous exception raised by the instruction at `pc`.
    public func takeException(_ e: ArchException) {
        let target = max(e.targetEL ?? defaultTargetEL(), el)
        var syn = e.syndrome
        // Aborts from a lower EL have their own classes (D17.2.37: IABT_LOW, DABT_LOW).
        if target > el {
            if syn.ec == .iabtCur { syn.ec = .iabtLow } else if syn.ec == .dabtCur { syn.ec = .dabtLow }
            // The debug classes too (D2.8: breakpoint, software step, watchpoint).
            else if syn.ec == .breakpointCur || syn.ec == .softwareStepCur || syn.ec == .watchpointCur {
                syn.ec = ExceptionClass(rawValue: syn.ec.rawValue - 1) ?? syn.ec
            }
        }
        // SVC, HVC and SMC complete the instruction stepped: their SPSR.SS is 0, so the step
        // exception comes right after the return (D2.12.6). Other exceptions keep it at 1.
        if pstateSS && e.returnsToNext { pstateSS = false }
        let length = aarch32 ? UInt64(instructionLength32) : 4
        let ret = e.returnsToNext ? pc &+ length : pc
        if aarch32 {
            // IL is 0 for a 16-bit T32 instruction, except in the classes where it is RES1
            // (D17.2.37 ESR_ELx.IL: EC 0, instruction aborts, PC and SP alignment, data aborts
            // without a valid ISS, illegal state, SError).
            if length == 2 && syn.reportsInstructionLength { syn.il = false }
            if target <= 1 {
                var adjusted = e
                adjusted.syndrome = syn
                takeException32(adjusted, preferredReturn: UInt32(truncatingIfNeeded: ret))
                return
            }
            if el2IsAArch32 {
                takeHypException(e, syndrome: syn, preferredReturn: UInt32(truncatingIfNeeded: ret))
                return
            }
        }
        if target == 2 {
            sysregs[SysReg.ESR_EL2] = syn.esr
            if let far = e.far { sysregs[SysReg.FAR_EL2] = far }
            if let ipa = e.ipa { sysregs[SysReg.HPFAR_EL2] = (ipa >> 12) << 4 }
        } else {
            sysregs[SysReg.ESR_EL1] = syn.esr
            if let far = e.far { sysregs[SysReg.FAR_EL1] = far }
        }
        enterException(target: target, vector: .synchronous, returnAddress: ret, kind: .synchronous,
                       syndrome: syn, far: e.far, ipa: e.ipa)
    }

    /// Exception entry common to all kinds (ARM DDI 0487, D1.10.2 and the pseudocode
    /// AArch64.TakeException): save PSTATE and the return address, mask DAIF, select SP_ELx,
    /// branch to the vector.
    func enterException(target: UInt8, vector: VectorKind, returnAddress: UInt64, kind: ExceptionEvent.Kind,
                        syndrome: Syndrome?, far: UInt64?, ipa: UInt64?) {
        let from = el
        if target == 2 && el2IsAArch32 {
            // Hyp mode's own IRQ and FIQ entries; an asynchronous abort is a Data Abort, through
            // the Hyp Trap entry when it comes from PL0/PL1 (G1.12.?).
            let v: HypMode.Vector = vector == .irq ? .irq : vector == .fiq ? .fiq : from < 2 ? .hypTrap : .dataAbort
            enterHypMode(v, returnAddress: UInt32(truncatingIfNeeded: returnAddress), kind: kind, syndrome: syndrome,
                         far: far, ipa: ipa)
            return
        }
        if target <= 1 && el1IsAArch32 {
            // An interrupt (or SError) taken to an AArch32 EL1 (G1.12: the preferred return is
            // the next instruction, and LR_irq/LR_fiq get it plus 4).
            let v: AArch32Vector = vector == .fiq ? .fiq : vector == .irq ? .irq : .dataAbort
            enterMode32(v, returnAddress: UInt32(truncatingIfNeeded: returnAddress), lrOffset: v == .dataAbort ? 8 : 4,
                        syndrome: syndrome, far: nil, kind: kind)
            return
        }
        let spsr = pstateBits
        pstateSS = false
        let fromMode: AArch32Mode? = aarch32 ? mode32 : nil
        let base = target == 2 ? sysregs[SysReg.VBAR_EL2] : sysregs[SysReg.VBAR_EL1]
        // Offset by where the exception comes from: current EL with SP_EL0, current EL with
        // SP_ELx, a lower EL in AArch64 (0x400) or in AArch32 (0x600).
        let origin: UInt64 = target > from ? (aarch32 ? 0x600 : 0x400) : (spsel == 0 ? 0x000 : 0x200)
        if aarch32 {
            // Leaving AArch32 for an AArch64 EL2: the AArch32 registers stay where they are, in
            // X0-X30 (D1.20.1).
            aarch32 = false
            thumb = false
            itState = 0
        }
        let vec = (base & ~0x7FF) &+ origin &+ vector.rawValue
        if target == 2 {
            sysregs[SysReg.SPSR_EL2] = spsr
            sysregs[SysReg.ELR_EL2] = returnAddress
        } else {
            sysregs[SysReg.SPSR_EL1] = spsr
            sysregs[SysReg.ELR_EL1] = returnAddress
        }
        setStackSelection(el: target, spsel: 1)
        if target != from { updateTranslationRegime(elChange: true) }
        daif = 0x3C0
        illegalState = false
        exclusiveValid = false
        nextPC = vec
        noteExceptionTaken(where: "at EL\(target)", vector: vec)
        if pmu.live { pmuException(kind, syndrome: syndrome, from: from) }
        if let obs = exceptionObserver {
            var event = ExceptionEvent(kind: kind, fromEL: from, toEL: target, syndrome: syndrome,
                                       esr: syndrome?.esr ?? 0, far: far, ipa: ipa, elr: returnAddress,
                                       vector: vec, instret: instret)
            event.fromMode = fromMode
            obs(event)
        }
    }

    /// Exceptions taken with no instruction completing in between are a fault loop (a vector
    /// that itself faults): after 64 the run stops as stuck instead of spinning. `place` is
    /// built only then: a string per exception entry was an allocation on every one.
    func noteExceptionTaken(where place: @autoclosure () -> String, vector: UInt64) {
        let noProgress = lastExceptionInstret != .max && instret &- lastExceptionInstret <= 1
        exceptionStreak = noProgress ? exceptionStreak &+ 1 : 1
        lastExceptionInstret = instret
        if exceptionStreak > 64 {
            requestStop(.stuck(reason: "exception loop \(place()): the vector at 0x\(String(vector, radix: 16)) keeps faulting"))
        }
    }

    /// ERET (ARM DDI 0487, D1.11 and AArch64.ExceptionReturn). An SPSR naming a higher EL, an
    /// unimplemented EL or AArch32 is an illegal return: PSTATE.IL is set and the EL kept
    /// (D1.11.2).
    func exceptionReturn() {
        let spsr = el == 2 ? sysregs[SysReg.SPSR_EL2] : sysregs[SysReg.SPSR_EL1]
        let elr = el == 2 ? sysregs[SysReg.ELR_EL2] : sysregs[SysReg.ELR_EL1]
        let from = el
        if spsr & UInt64(CPSR.nRW) != 0, returnToAArch32(spsr: UInt32(truncatingIfNeeded: spsr), elr: elr) { return }
        let m = UInt8(spsr & 0x1F)
        let targetEL = (m >> 2) & 3
        // M[4] set reaches here only when the AArch32 return was illegal.
        let illegal = m & 0x10 != 0 || targetEL > el || (targetEL == 2 && !hasEL2) || m & 2 != 0
            || (targetEL == 0 && m & 1 != 0)
            || (targetEL == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TGE != 0)
            // AArch64 below an AArch32 EL1 does not exist (D1.20: HCR_EL2.RW = 0).
            || (targetEL < 2 && el1IsAArch32)
        nzcv = UInt32(truncatingIfNeeded: spsr) & 0xF000_0000
        daif = UInt32(truncatingIfNeeded: spsr) & 0x3C0
        if illegal {
            illegalState = true
            attention = true
        } else {
            illegalState = spsr & (1 << 20) != 0
            if illegalState { attention = true }
            setStackSelection(el: targetEL, spsel: m & 1)
        }
        exclusiveValid = false
        if el != from { updateTranslationRegime(elChange: true) }
        // The new EL and unmasked PSTATE may let a pending interrupt in.
        attention = true
        // The return address is taken whole in AArch64 state; a misaligned one faults on fetch.
        nextPC = elr
        if debugArmed { restoreStepState(spsr: spsr) }
        if pmu.live { pmuException(.eret, syndrome: nil, from: from) }
        if let obs = exceptionObserver {
            obs(ExceptionEvent(kind: .eret, fromEL: from, toEL: el, syndrome: nil, esr: 0, far: nil, ipa: nil,
                               elr: elr, vector: 0, instret: instret))
        }
    }
}

extension CPU {
    /// ERET from AArch64 to AArch32 EL1 or EL0 (D1.11, AArch64.ExceptionReturn with SPSR.M[4]
    /// = 1): legal when the target EL is lower, uses AArch32 (HCR_EL2.RW = 0 for EL1) and the
    /// mode exists. Returns false for an illegal return, which the AArch64 path then takes.
    func returnToAArch32(spsr: UInt32, elr: UInt64) -> Bool {
        guard let m = AArch32Mode(rawValue: UInt8(spsr & 0x1F)), m == .usr || (m.el == 1 && m != .mon),
              m.el < el, m.el == 0 || el1IsAArch32 || !hasEL2 else { return false }
        if m.el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TGE != 0 { return false }
        let from = el
        // Park the AArch64 SP in its bank and select SP_EL0, which AArch32 never touches, so the
        // next exception entry to AArch64 saves it back unchanged.
        setStackSelection(el: el, spsel: 0)
        aarch32 = true
        setCPSR(spsr, mode: m)
        illegalState = spsr & CPSR.IL != 0
        exclusiveValid = false
        attention = true
        // The return address is aligned for the state returned to (AArch32.ExceptionReturn).
        nextPC = UInt64(UInt32(truncatingIfNeeded: elr) & (thumb ? ~1 : ~3))
        if pmu.live { pmuException(.eret, syndrome: nil, from: from) }
        if let obs = exceptionObserver {
            var event = ExceptionEvent(kind: .eret, fromEL: from, toEL: el, syndrome: nil, esr: 0, far: nil, ipa: nil,
                                       elr: elr, vector: 0, instret: instret)
            event.toMode = m
            obs(event)
        }
        return true
    }
}

