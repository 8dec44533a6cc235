/// The AArch32 exception model at EL1 and EL0 (ARM DDI 0487, G1.12 "Exception handling"; the
/// pseudocode AArch32.EnterMode, AArch32.ExceptionReturn): modes, banked LR and SPSR, the
/// vector table at VBAR or the high vectors, and the fault status registers in both formats.
/// Exceptions that go to an AArch64 EL2 are taken by ExceptionModel.swift.
enum AArch32Vector: UInt32 {
    case undefined = 0x04, svc = 0x08, prefetchAbort = 0x0C, dataAbort = 0x10, irq = 0x18, fiq = 0x1C

    var mode: AArch32Mode {
        switch self {
        case .undefined: return .und
        case .svc: return .svc
        case .prefetchAbort, .dataAbort: return .abt
        case .irq: return .irq
        case .fiq: return .fiq
        }
    }
}

extension CPU {
    /// The SPSR of the current mode (User and System mode have none: UNDEFINED).
    func currentSPSR32() throws(ArchException) -> UInt32 {
        guard let r = spsrRegister(mode32) else { throw ArchException.undefined }
        return UInt32(truncatingIfNeeded: sysregs[r])
    }

    /// Where each mode's SPSR lives (D1.20.2: SPSR_svc is SPSR_EL1, SPSR_hyp is SPSR_EL2).
    func spsrRegister(_ m: AArch32Mode) -> SysReg? {
        switch m {
        case .svc: return .SPSR_EL1
        case .abt: return .SPSR_abt
        case .und: return .SPSR_und
        case .irq: return .SPSR_irq
        case .fiq: return .SPSR_fiq
        case .hyp: return .SPSR_EL2
        default: return nil
        }
    }

    /// A mode the current state may enter by an exception return, MSR or CPS (G1.9.2 and
    /// AArch32.IllegalExceptionReturn): implemented, not above the current EL, Hyp only from Hyp.
    func legalMode32(_ raw: UInt32) -> AArch32Mode? {
        guard let m = AArch32Mode(rawValue: UInt8(raw & 0x1F)), m != .mon else { return nil }
        if m.el > el { return nil }
        if m == .hyp && !(hasEL2 && el == 2) { return nil }
        if m != .hyp && el == 2 && m.el == 1 && !el1IsAArch32 { return nil }
        return m
    }

    /// SUBS PC, LR; LDM with ^ and PC; RFE (AArch32.ExceptionReturn): CPSR from the SPSR, then
    /// a branch aligned for the state returned to. An illegal SPSR mode sets PSTATE.IL and
    /// leaves the mode alone (G1.13.2).
    func exceptionReturn32(to address: UInt32, spsr: UInt32, fromHyp: Bool = false) throws(ArchException) {
        if mode32 == .usr || mode32 == .sys { throw ArchException.undefined }
        // In Hyp mode only ERET returns (with ELR_hyp): SUBS PC, LR, LDM with ^ and RFE are
        // UNDEFINED there (G1.13.? "Exception return to an AArch32 EL").
        if (mode32 == .hyp) != fromHyp { throw ArchException.undefined }
        let from = el, fromMode = mode32
        if spsr & CPSR.nRW != 0, let m = legalMode32(spsr) {
            setCPSR(spsr, mode: m)
            illegalState = spsr & CPSR.IL != 0
        } else {
            let keep = mode32
            setCPSR(spsr, mode: keep)
            illegalState = true
        }
        if illegalState { attention = true }
        nextPC = UInt64(thumb ? address & ~1 : address & ~3)
        exclusiveValid = false
        attention = true
        if pmu.live { pmuException(.eret, syndrome: nil, from: from) }
        if let obs = exceptionObserver {
            var event = ExceptionEvent(kind: .eret, fromEL: from, toEL: el, syndrome: nil, esr: 0, far: nil, ipa: nil,
                                       elr: UInt64(address), vector: 0, instret: instret)
            event.fromMode = fromMode
            event.toMode = mode32
            obs(event)
        }
    }

    /// Take a synchronous exception at AArch32 EL1 (or from AArch32 EL0 to it): the vector and
    /// the fault registers its class calls for.
    func takeException32(_ e: ArchException, preferredReturn: UInt32) {
        let syn = e.syndrome
        let far = UInt32(truncatingIfNeeded: e.far ?? 0)
        switch syn.ec {
        case .svc32, .svc64:
            // The preferred return address of SVC is the next instruction; LR gets it unchanged.
            enterMode32(.svc, returnAddress: preferredReturn, lrOffset: 0, syndrome: syn, far: nil)
        case .iabtLow, .iabtCur, .pcAlignment:
            sysregs[SysReg.IFSR32_EL2] = UInt64(faultStatus32(syn, isData: false))
            sysregs[SysReg.FAR_EL1] = (sysregs[SysReg.FAR_EL1] & 0xFFFF_FFFF) | UInt64(far) << 32
            enterMode32(.prefetchAbort, returnAddress: preferredReturn, lrOffset: 4, syndrome: syn, far: far)
        case .brk64:
            // BKPT with halting debug off is a debug exception reported as a Prefetch Abort with
            // IFSR.FS = debug event (G2.3 "Breakpoint instruction exceptions").
            sysregs[SysReg.IFSR32_EL2] = longDescriptorFormat ? 0x222 : 0x2
            enterMode32(.prefetchAbort, returnAddress: preferredReturn, lrOffset: 4, syndrome: syn, far: nil)
        case .dabtLow, .dabtCur, .spAlignment:
            sysregs[SysReg.ESR_EL1] = UInt64(faultStatus32(syn, isData: true))
            sysregs[SysReg.FAR_EL1] = (sysregs[SysReg.FAR_EL1] & ~0xFFFF_FFFF) | UInt64(far)
            enterMode32(.dataAbort, returnAddress: preferredReturn, lrOffset: 8, syndrome: syn, far: far)
        default:
            // UNDEFINED and everything else an AArch32 EL1 cannot be told more precisely.
            enterMode32(.undefined, returnAddress: preferredReturn, lrOffset: thumb ? 2 : 4, syndrome: syn, far: nil)
        }
    }

    /// TTBCR.EAE: the long-descriptor (LPAE) format for the fault status registers.
    var longDescriptorFormat: Bool { sysregs[SysReg.TCR_EL1] & (1 << 31) != 0 }

    /// DFSR/IFSR from an abort's syndrome (G5.? "Fault Status encodings"): with TTBCR.EAE the
    /// long-descriptor STATUS (the same codes as DFSC) and LPAE bit 9; otherwise the
    /// short-descriptor FS[4:0] split over bits 10 and 3:0. WnR (bit 11) and ExT (bit 12).
    func faultStatus32(_ syn: Syndrome, isData: Bool) -> UInt32 {
        let dfsc = syn.iss & 0x3F
        var v: UInt32 = 0
        if isData && syn.iss & (1 << 6) != 0 { v |= 1 << 11 }
        if syn.iss & (1 << 9) != 0 { v |= 1 << 12 }
        if syn.ec == .pcAlignment || syn.ec == .spAlignment {
            return longDescriptorFormat ? 0x221 : 0x1
        }
        if longDescriptorFormat { return v | 1 << 9 | dfsc }
        let fs: UInt32
        let level = dfsc & 3
        switch dfsc {
        case 0x21: fs = 0b00001                                  // alignment
        case 0x22: fs = 0b00010                                  // debug event
        case 0x04...0x07: fs = level <= 1 ? 0b00101 : 0b00111   // translation, section / page
        case 0x09...0x0B: fs = level <= 1 ? 0b00011 : 0b00110   // access flag
        case 0x0D...0x0F: fs = level <= 1 ? 0b01101 : 0b01111   // permission
        case 0x14...0x17: fs = level <= 1 ? 0b01100 : 0b01110   // external abort on a walk
        case 0x3D: fs = 0b01001                                  // domain, section
        case 0x3E: fs = 0b01011                                  // domain, page
        default: fs = 0b01000                                    // synchronous external abort
        }
        return v | (fs & 0x10) << 6 | (fs & 0xF)
    }

    /// AArch32.EnterMode: SPSR and LR of the new mode, masks, T from SCTLR.TE, the vector.
    func enterMode32(_ vector: AArch32Vector, returnAddress: UInt32, lrOffset: UInt32, syndrome: Syndrome?,
                     far: UInt32?, kind: ExceptionEvent.Kind = .synchronous) {
        let from = el, fromMode: AArch32Mode? = aarch32 ? mode32 : nil
        let spsr = cpsr
        let m = vector.mode
        setMode32(m)
        if let r = spsrRegister(m) { sysregs[r] = UInt64(spsr) }
        setR(14, returnAddress &+ lrOffset)
        let sctlr = sysregs[SysReg.SCTLR_EL1]
        thumb = sctlr & (1 << 30) != 0          // SCTLR.TE
        itState = 0
        illegalState = false
        switch m {
        case .fiq: daif |= DAIFBit.A | DAIFBit.I | DAIFBit.F
        case .abt, .irq: daif |= DAIFBit.A | DAIFBit.I
        default: daif |= DAIFBit.I
        }
        exclusiveValid = false
        // SCTLR.V selects the high vectors at 0xFFFF0000, else VBAR (G1.12.1).
        let base: UInt32 = sctlr & (1 << 13) != 0 ? 0xFFFF_0000 : UInt32(truncatingIfNeeded: sysregs[SysReg.VBAR_EL1]) & ~0x1F
        nextPC = UInt64(base | vector.rawValue)
        noteExceptionTaken(where: "in AArch32 \(m.name) mode", vector: nextPC)
        if pmu.live { pmuException(kind, syndrome: syndrome, from: from) }
        if let obs = exceptionObserver {
            var event = ExceptionEvent(kind: kind, fromEL: from, toEL: el, syndrome: syndrome, esr: syndrome?.esr ?? 0,
                                       far: far.map { UInt64($0) }, ipa: nil, elr: UInt64(returnAddress &+ lrOffset),
                                       vector: nextPC, instret: instret)
            event.fromMode = fromMode
            event.toMode = m
            obs(event)
        }
    }
}
