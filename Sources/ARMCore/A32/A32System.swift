/// Status-register moves, exception-generating instructions, hints, barriers and the
/// coprocessor moves of A32 and T32 (ARM DDI 0487, F5: MRS, MSR, CPS, SVC, HVC, SMC, BKPT, HLT,
/// UDF, ERET, SRS, RFE, MCR, MRC, MCRR, MRRC, and the hints).
extension CPU {
    /// The semihosting call numbers of AArch32 (the Arm semihosting specification, 2.1): SVC
    /// 0x123456 or HLT 0xF000 in A32, SVC 0xAB or HLT 0x3C in T32. They all reach the same
    /// firmware entry as A64's HLT 0xF000.
    func semihostingCall(svc imm: UInt32?, hlt: UInt32?) -> Bool {
        let isCall = thumb ? (imm == 0xAB || hlt == 0x3C) : (imm == 0x12_3456 || hlt == 0xF000)
        guard isCall, let f = firmware else { return false }
        return f.halt(cpu: self, imm16: 0xF000)
    }

    func executeSystem32(_ i: A32Inst) throws(ArchException) {
        switch i.op {
        case .nop, .yield, .dmb, .dsb, .isb:
            // One interpreter thread per machine sees memory in program order, and the context
            // is synchronized at every instruction: what ISB makes visible (a changed
            // translation table, SCTLR, CPACR) already is, through the writes and the TLB
            // maintenance that changed it. (It once dropped the fetch page, and with it the
            // host TLB: 40,000 times a Linux boot, after each text patch.)
            return
        case .sev:
            // SEV sets every CPU's event register, this one's included (the board's sendEvent
            // does that when there are several).
            if let send = sendEvent { send(self) } else { eventRegister = true }
        case .sevl:
            try requireARMv8AArch32()
            eventRegister = true
        case .wfi, .wfe:
            try waitForInterrupt32(isWFE: i.op == .wfe)
        case .svc:
            if semihostingCall(svc: i.imm, hlt: nil) { return }
            throw ArchException(.svc32(imm16: i.imm & 0xFFFF, il: i.length == 4), returnsToNext: true)
        case .hlt:
            if semihostingCall(svc: nil, hlt: i.imm) { return }
            throw ArchException.undefined
        case .hvc:
            if el == 0 { throw ArchException.undefined }
            if !hasEL2 {
                firmware?.secureMonitorCall(cpu: self, isHVC: true)
                return
            }
            if sysregs[SysReg.HCR_EL2] & HCR.HCD != 0 { throw ArchException.undefined }
            throw ArchException(.hvc32(imm16: i.imm), targetEL: 2, returnsToNext: true)
        case .smc:
            if el == 0 { throw ArchException.undefined }
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TSC != 0 {
                throw ArchException(.smc32(), targetEL: 2)
            }
            firmware?.secureMonitorCall(cpu: self, isHVC: false)
        case .bkpt:
            throw ArchException(.brk(imm16: i.imm))
        case .udf, .undefined:
            throw ArchException.undefined
        case .eret:
            // ERET in Hyp mode returns with ELR_hyp and SPSR_hyp; elsewhere with LR and the SPSR,
            // as MOVS PC, LR does; in User and System mode it is UNDEFINED (F5.1.? "ERET"). T32
            // decodes its ERET as SUBS PC, LR, #0 (A32Execute).
            if mode32 == .hyp { try hypExceptionReturn() } else { try exceptionReturn32(to: r(14), spsr: try currentSPSR32()) }
        case .mrs:
            if i.rd == 15 { throw ArchException.undefined }
            if i.flags.contains(.spsr) {
                setR(UInt32(i.rd), try currentSPSR32())
            } else {
                // APSR at EL0: the flags and GE only (the mode and masks read as UNKNOWN there).
                // Elsewhere the CPSR with the execution state bits (IT, J, IL, T) masked out
                // (F5.1.? "MRS": mask 0xF8EF03DF).
                setR(UInt32(i.rd), el == 0 ? cpsr & 0xF80F_0000 | UInt32(AArch32Mode.usr.rawValue) : cpsr & 0xF8EF_03DF)
            }
        case .msr:
            let value = i.flags.contains(.immediate) ? i.imm : readR(i.rm)
            try writePSR32(value, mask: UInt32(i.rn), spsr: i.flags.contains(.spsr))
        case .mrsBanked, .msrBanked:
            try executeBankedMove(i)
        case .cps:
            try changeProcessorState(i)
        case .setend:
            // Big-endian data is not supported: SETEND BE is UNDEFINED, SETEND LE a no-op.
            if i.imm != 0 { throw ArchException.undefined }
        case .srs:
            try storeReturnState(i)
        case .rfe:
            try returnFromException(i)
        case .mcr, .mrc:
            try coprocessorMove32(i)
        case .mcrr, .mrrc:
            try coprocessorMove64(i)
        default:
            throw ArchException.undefined
        }
    }

    /// WFI and WFE, with HCR_EL2.TWI/TWE trapping them from EL0/EL1 (as in A64), and SCTLR.nTWI/
    /// nTWE trapping EL0's to EL1.
    func waitForInterrupt32(isWFE: Bool) throws(ArchException) {
        // A WFE that finds the event register set completes at once, consuming it: it would not
        // enter a low-power state, so nothing traps it (G1.? "Traps of WFE").
        if isWFE && eventRegister { eventRegister = false; return }
        if el == 0 && sysregs[SysReg.SCTLR_EL1] & (isWFE ? SCTLR.nTWE : SCTLR.nTWI) == 0 {
            throw ArchException(.wfx(isWFE: isWFE))
        }
        if el < 2 && hasEL2 && sysregs[SysReg.HCR_EL2] & (isWFE ? HCR.TWE : HCR.TWI) != 0 {
            throw ArchException(Syndrome(.wfx, iss: 1 << 24 | UInt32(currentCondition32) << 20 | (isWFE ? 1 : 0),
                                         il: instructionLength32 == 4), targetEL: 2)
        }
        if completesAtOnce { return }
        waiting = true
        waitingForEvent = isWFE
        attention = true
    }

    /// MSR to CPSR or SPSR: the mask's f, s, x, c bits write bits 31:24, 23:16, 15:8, 7:0.
    /// At EL0 only NZCVQ and GE change (the APSR). A mode change to an illegal mode sets
    /// PSTATE.IL instead (ARMv8 CPSRWriteByInstr).
    func writePSR32(_ value: UInt32, mask: UInt32, spsr: Bool) throws(ArchException) {
        if spsr {
            guard let r = spsrRegister(mode32) else { throw ArchException.undefined }
            var bytes: UInt32 = 0
            for b in 0..<4 where mask & (1 << b) != 0 { bytes |= 0xFF << (8 * UInt32(b)) }
            sysregs[r] = UInt64((UInt32(truncatingIfNeeded: sysregs[r]) & ~bytes) | (value & bytes))
            return
        }
        if mask & 8 != 0 {
            nzcv = value & 0xF000_0000
            qFlag = value & CPSR.Q != 0
        }
        if mask & 4 != 0 { ge32 = UInt8((value >> 16) & 0xF) }
        guard el > 0 else { return }
        if mask & 2 != 0 {
            // E (bit 9) must stay 0: big-endian data is not supported. A (bit 8) is writable.
            daif = (daif & ~DAIFBit.A) | (value & DAIFBit.A)
        }
        if mask & 1 != 0 {
            daif = (daif & ~(DAIFBit.I | DAIFBit.F)) | (value & (DAIFBit.I | DAIFBit.F))
            let newMode = value & 0x1F
            if newMode != UInt32(mode32.rawValue) {
                if let m = legalMode32(newMode), m != .hyp || mode32 == .hyp { setMode32(m) } else { illegalState = true }
                pmuModeChanged()
            }
        }
        interruptsChanged()
    }

    /// CPS: change the A, I, F masks (imod 10 enables, 11 disables) and optionally the mode.
    /// At EL0 it is a NOP.
    func changeProcessorState(_ i: A32Inst) throws(ArchException) {
        guard el > 0 else { return }
        let imod = (i.imm >> 6) & 3, changeMode = (i.imm >> 5) & 1 != 0
        let bits = UInt32(i.rm) << 6                      // A, I, F at 8, 7, 6
        if imod == 0b10 { daif &= ~bits }
        if imod == 0b11 { daif |= bits }
        if changeMode {
            if let m = legalMode32(i.imm & 0x1F), m != .hyp || mode32 == .hyp { setMode32(m) } else { illegalState = true }
            pmuModeChanged()
        }
        interruptsChanged()
    }

    /// MRS/MSR (banked register): SYSm names R8-R14 of usr or fiq, SP and LR of irq, svc, abt,
    /// und, mon and hyp, or the SPSR of a mode (F5.1.? "Banked register transfer instructions").
    func executeBankedMove(_ i: A32Inst) throws(ArchException) {
        guard el >= 1, mode32 != .usr else { throw ArchException.undefined }
        let sysm = i.imm
        let read = i.op == .mrsBanked
        if sysm & 0x20 != 0 {
            let m: AArch32Mode
            switch sysm & 0x1F {
            case 0x0E: m = .fiq
            case 0x10: m = .irq
            case 0x12: m = .svc
            case 0x14: m = .abt
            case 0x16: m = .und
            case 0x1E: m = .hyp
            default: throw ArchException.undefined
            }
            if m == mode32 || (m == .hyp && el < 2) { throw ArchException.undefined }
            guard let r = spsrRegister(m) else { throw ArchException.undefined }
            if read { setR(UInt32(i.rd), UInt32(truncatingIfNeeded: sysregs[r])) } else { sysregs[r] = UInt64(r32Value(i.rm)) }
            return
        }
        if sysm == 0x1E {
            // ELR_hyp (ELR_EL2): reachable from Hyp mode itself, where Linux's and Xen's Hyp code
            // set their return address with it; UNDEFINED from PL1.
            guard el == 2 else { throw ArchException.undefined }
            if read { setR(UInt32(i.rd), UInt32(truncatingIfNeeded: sysregs[SysReg.ELR_EL2])) } else {
                sysregs[SysReg.ELR_EL2] = UInt64(r32Value(i.rm))
            }
            return
        }
        let (mode, n): (AArch32Mode, UInt32)
        switch sysm {
        case 0x00...0x06: (mode, n) = (.usr, 8 + sysm)
        case 0x08...0x0E: (mode, n) = (.fiq, sysm)
        case 0x10, 0x11: (mode, n) = (.irq, sysm == 0x10 ? 14 : 13)
        case 0x12, 0x13: (mode, n) = (.svc, sysm == 0x12 ? 14 : 13)
        case 0x14, 0x15: (mode, n) = (.abt, sysm == 0x14 ? 14 : 13)
        case 0x16, 0x17: (mode, n) = (.und, sysm == 0x16 ? 14 : 13)
        case 0x1F: (mode, n) = (.hyp, 13)
        default: throw ArchException.undefined
        }
        if mode == mode32 || (mode == .hyp && el < 2) { throw ArchException.undefined }
        if read { setR(UInt32(i.rd), r(n, mode: mode)) } else { setR(n, mode: mode, r32Value(i.rm)) }
    }

    @inline(__always) func r32Value(_ n: UInt8) -> UInt32 { readR(n) }

    /// SRS: store LR and SPSR of the current mode to the stack of another mode.
    func storeReturnState(_ i: A32Inst) throws(ArchException) {
        guard el == 1, mode32 != .sys, let target = AArch32Mode(rawValue: UInt8(i.imm)), target.el == 1 else {
            throw ArchException.undefined
        }
        let base = r(13, mode: target)
        let up = i.flags.contains(.add), before = i.flags.contains(.preIndex)
        var address = up ? base : base &- 8
        if before == up { address = address &+ 4 }
        try writeMemory(UInt64(address), size: 4, value: UInt64(r(14)))
        try writeMemory(UInt64(address &+ 4), size: 4, value: UInt64(try currentSPSR32()))
        if i.flags.contains(.writeBack) { setR(13, mode: target, up ? base &+ 8 : base &- 8) }
    }

    /// RFE: load PC and CPSR from memory and return from an exception.
    func returnFromException(_ i: A32Inst) throws(ArchException) {
        guard el >= 1 else { throw ArchException.undefined }
        let base = r(UInt32(i.rn))
        let up = i.flags.contains(.add), before = i.flags.contains(.preIndex)
        var address = up ? base : base &- 8
        if before == up { address = address &+ 4 }
        let newPC = UInt32(truncatingIfNeeded: try readMemory(UInt64(address), size: 4))
        let newCPSR = UInt32(truncatingIfNeeded: try readMemory(UInt64(address &+ 4), size: 4))
        if i.flags.contains(.writeBack) { setR(UInt32(i.rn), up ? base &+ 8 : base &- 8) }
        try exceptionReturn32(to: newPC, spsr: newCPSR)
    }
}
