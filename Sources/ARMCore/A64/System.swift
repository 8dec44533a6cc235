import Stage2MMU

/// System instructions (ARM DDI 0487, C4.1.65 "Hints", "Barriers", "PSTATE", "System
/// instructions", "System register move").
///
/// Inst use: `op` = SystemOp. Hints: `a` = hint number. MSR (immediate): `a` = PSTATE field,
/// `imm` = CRm. SYS: `rd` = Xt, `imm` = SysOp. MRS/MSR: `rd` = Xt, `imm` = SysReg raw value,
/// `b` = 1 when the encoding names no register; the instruction word is kept in `imm >> 32` for
/// trap syndromes.
enum SystemOp: UInt8 {
    case nop, wfe, wfi, sev, sevl, clrex, barrier, msrImm, sys, mrs, msr
}

/// PSTATE fields of MSR (immediate): op1:op2.
enum PStateField: UInt8 {
    case spsel = 0b000_101, daifSet = 0b011_110, daifClr = 0b011_111
}

/// The SYS operations armvm implements (op1, CRn, CRm, op2 from C5.3/C5.4/C5.5).
enum SysOp: UInt64 {
    case icIALLUIS, icIALLU, icIVAU
    case dcIVAC, dcISW, dcCSW, dcCISW, dcZVA, dcCVAC, dcCVAU, dcCIVAC
    case atS1E1R, atS1E1W, atS1E0R, atS1E0W, atS1E2R, atS1E2W, atS12E1R, atS12E1W, atS12E0R, atS12E0W
    /// TLBI (C5.5): `tlbInvalidate` (Translation.swift) drops the named entries from this CPU's
    /// Stage2MMU TLB, or all of them for a form it does not know, and empties the host TLB.
    /// The Inner Shareable forms are not broadcast to the other CPUs' TLBs.
    case tlbi, tlbiEL2

    static func lookup(op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32) -> SysOp? {
        switch (op1, crn, crm, op2) {
        case (0, 7, 1, 0): return .icIALLUIS
        case (0, 7, 5, 0): return .icIALLU
        case (3, 7, 5, 1): return .icIVAU
        case (0, 7, 6, 1): return .dcIVAC
        case (0, 7, 6, 2): return .dcISW
        case (0, 7, 10, 2): return .dcCSW
        case (0, 7, 14, 2): return .dcCISW
        case (3, 7, 4, 1): return .dcZVA
        case (3, 7, 10, 1): return .dcCVAC
        case (3, 7, 11, 1): return .dcCVAU
        case (3, 7, 14, 1): return .dcCIVAC
        case (0, 7, 8, 0): return .atS1E1R
        case (0, 7, 8, 1): return .atS1E1W
        case (0, 7, 8, 2): return .atS1E0R
        case (0, 7, 8, 3): return .atS1E0W
        case (4, 7, 8, 0): return .atS1E2R
        case (4, 7, 8, 1): return .atS1E2W
        case (4, 7, 8, 4): return .atS12E1R
        case (4, 7, 8, 5): return .atS12E1W
        case (4, 7, 8, 6): return .atS12E0R
        case (4, 7, 8, 7): return .atS12E0W
        // TLBI (C5.5): op1 0 for EL1 operations; op1 4 for EL2 ones (CRm 0/4 IPAS2/VMALLS12,
        // 3/7 ALLE1, ALLE2, VAE2...).
        case (0, 8, 3, 0...7), (0, 8, 7, 0...7): return .tlbi
        case (4, 8, 0, 1), (4, 8, 0, 5), (4, 8, 4, 1), (4, 8, 4, 5): return .tlbiEL2
        case (4, 8, 3, 0...7), (4, 8, 7, 0...7): return .tlbiEL2
        default: return nil
        }
    }
}

extension A64Decoder {
    static let system: [Encoding] = [
        Encoding(.a64, "HINT", "11010101000000110010mmmmooo11111") { w in
            switch bits(w, 11, 5) {
            case 1: return Inst(.system, op: SystemOp.nop.rawValue)   // YIELD: a NOP for an interpreter
            case 2: return Inst(.system, op: SystemOp.wfe.rawValue)
            case 3: return Inst(.system, op: SystemOp.wfi.rawValue)
            case 4: return Inst(.system, op: SystemOp.sev.rawValue)
            case 5: return Inst(.system, op: SystemOp.sevl.rawValue)
            // NOP and every unallocated hint execute as NOP (C6.2.137 HINT).
            default: return Inst(.system, op: SystemOp.nop.rawValue)
            }
        },
        Encoding(.a64, "CLREX", "11010101000000110011mmmm01011111") { _ in Inst(.system, op: SystemOp.clrex.rawValue) },
        // DSB, DMB, ISB: one interpreter thread per machine sees memory in program order.
        Encoding(.a64, "DSB", "11010101000000110011mmmm10011111") { _ in Inst(.system, op: SystemOp.barrier.rawValue) },
        Encoding(.a64, "DMB", "11010101000000110011mmmm10111111") { _ in Inst(.system, op: SystemOp.barrier.rawValue) },
        Encoding(.a64, "ISB", "11010101000000110011mmmm11011111") { _ in Inst(.system, op: SystemOp.barrier.rawValue) },
        Encoding(.a64, "MSR (immediate)", "1101010100000ooo0100mmmmooo11111") { w in
            guard let f = PStateField(rawValue: UInt8(bits(w, 18, 16) << 3 | bits(w, 7, 5))) else { return .undefined }
            return Inst(.system, op: SystemOp.msrImm.rawValue, a: f.rawValue, imm: UInt64(bits(w, 11, 8)))
        },
        Encoding(.a64, "SYS", "1101010100001oooCCCCmmmmooottttt") { w in
            guard let s = SysOp.lookup(op1: bits(w, 18, 16), crn: bits(w, 15, 12), crm: bits(w, 11, 8), op2: bits(w, 7, 5))
            else { return .undefined }
            return Inst(.system, op: SystemOp.sys.rawValue, rd: Reg.src(w), imm: s.rawValue | UInt64(w) << 32)
        },
        Encoding(.a64, "MSR (register)", "110101010001PoooCCCCmmmmooottttt") { w in sysRegMove(w, op: .msr) },
        Encoding(.a64, "MRS", "110101010011PoooCCCCmmmmooottttt") { w in sysRegMove(w, op: .mrs) },
    ]

    static func sysRegMove(_ w: UInt32, op: SystemOp) -> Inst {
        let r = SysReg.lookup(op0: UInt8(bits(w, 20, 19)), op1: UInt8(bits(w, 18, 16)), crn: UInt8(bits(w, 15, 12)),
                              crm: UInt8(bits(w, 11, 8)), op2: UInt8(bits(w, 7, 5)))
        let rt = op == .mrs ? Reg.dst(w) : Reg.src(w)
        return Inst(.system, op: op.rawValue, rd: rt, b: r == nil ? 1 : 0,
                    imm: UInt64(r?.rawValue ?? 0) | UInt64(w) << 32)
    }
}

extension CPU {
    func executeSystem(_ i: Inst) throws(ArchException) {
        switch i.opcode(as: SystemOp.self) {
        case .nop, .barrier:
            break
        case .wfi:
            try checkWFxTrap(isWFE: false)
            if completesAtOnce { break }
            waiting = true
            waitingForEvent = false
            attention = true
        case .wfe:
            // With the event register set WFE completes at once and so is not trapped (D1.16.2,
            // HCR_EL2.TWE: "if it would cause the PE to enter a low-power state").
            if eventRegister { eventRegister = false; break }
            try checkWFxTrap(isWFE: true)
            if completesAtOnce { break }
            waiting = true; waitingForEvent = true; attention = true
        case .sev:
            if let send = sendEvent { send(self) } else { eventRegister = true }
        case .sevl:
            eventRegister = true
        case .clrex:
            exclusiveValid = false
        case .msrImm:
            try executeMSRImmediate(PStateField(rawValue: i.a).unsafelyUnwrapped, crm: UInt32(i.imm),
                                    word: UInt32(truncatingIfNeeded: i.imm >> 32))
        case .sys:
            try executeSys(SysOp(rawValue: i.imm & 0xFFFF_FFFF).unsafelyUnwrapped, rt: i.rd,
                           word: UInt32(truncatingIfNeeded: i.imm >> 32))
        case .mrs, .msr:
            let isRead = i.op == SystemOp.mrs.rawValue
            let word = UInt32(truncatingIfNeeded: i.imm >> 32)
            if i.b != 0 { throw unknownSysRegException(word: word, isRead: isRead) }
            let r = SysReg(rawValue: Int(i.imm & 0xFFFF)).unsafelyUnwrapped
            try checkSysRegAccess(r, isRead: isRead, rt: i.rd, encoding: word)
            if isRead { x[Int(i.rd)] = readSysReg(r) } else { writeSysReg(r, x[Int(i.rd)]) }
        }
    }

    /// WFI/WFE traps: SCTLR_EL1.nTWI/nTWE from EL0 to EL1, then HCR_EL2.TWI/TWE to EL2
    /// (D1.16.2, ESR EC 0x01).
    private func checkWFxTrap(isWFE: Bool) throws(ArchException) {
        if el == 0 && sysregs[SysReg.SCTLR_EL1] & (isWFE ? SCTLR.nTWE : SCTLR.nTWI) == 0 {
            throw ArchException(.wfx(isWFE: isWFE), targetEL: 1)
        }
        if el < 2 && hasEL2 && sysregs[SysReg.HCR_EL2] & (isWFE ? HCR.TWE : HCR.TWI) != 0 {
            throw ArchException(.wfx(isWFE: isWFE), targetEL: 2)
        }
    }

    private func executeMSRImmediate(_ f: PStateField, crm: UInt32, word: UInt32) throws(ArchException) {
        switch f {
        case .spsel:
            if el == 0 { throw ArchException.undefined }
            setStackSelection(el: el, spsel: UInt8(crm & 1))
        case .daifSet, .daifClr:
            // At EL0 only with SCTLR_EL1.UMA, else a trap to EL1 (C5.2.3 DAIF).
            if el == 0 && sysregs[SysReg.SCTLR_EL1] & SCTLR.UMA == 0 {
                throw ArchException(.sysRegTrap(op0: 0, op1: bits(word, 18, 16), crn: 4, crm: crm,
                                                op2: bits(word, 7, 5), rt: 31, isRead: false), targetEL: defaultTargetEL())
            }
            if f == .daifSet { daif |= (crm & 0xF) << 6 } else { daif &= ~((crm & 0xF) << 6); interruptsChanged() }
        }
    }

    private func executeSys(_ s: SysOp, rt: UInt8, word: UInt32) throws(ArchException) {
        // The trap exceptions are built only when thrown, not for every DC or TLBI.
        var trapToEL1: ArchException { maintenanceTrap(to: defaultTargetEL()) }
        var trapToEL2: ArchException { maintenanceTrap(to: 2) }
        func maintenanceTrap(to target: UInt8) -> ArchException {
            ArchException(.sysRegTrap(op0: 1, op1: bits(word, 18, 16), crn: bits(word, 15, 12), crm: bits(word, 11, 8),
                                      op2: bits(word, 7, 5), rt: word & 31, isRead: false), targetEL: target)
        }
        let sctlr1 = sysregs[SysReg.SCTLR_EL1]
        // HCR_EL2 traps of maintenance instructions at EL0/EL1 (D13.2.48): TPU (to the point of
        // unification), TPC (to the point of coherency), TSW (by set/way), TTLB (TLB maintenance).
        let hcr = el < 2 && hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        switch s {
        case .icIALLUIS, .icIALLU:
            if el == 0 { throw ArchException.undefined }
            if hcr & HCR.TPU != 0 { throw trapToEL2 }
        case .icIVAU, .dcCVAC, .dcCVAU, .dcCIVAC:
            // EL0 may clean by VA only with SCTLR_EL1.UCI (D13.2.118).
            if el == 0 && sctlr1 & SCTLR.UCI == 0 { throw trapToEL1 }
            if hcr & (s == .icIVAU || s == .dcCVAU ? HCR.TPU : HCR.TPC) != 0 { throw trapToEL2 }
            _ = try translate(x[Int(rt)], [.cacheMaintenance])
        case .dcIVAC:
            if el == 0 { throw ArchException.undefined }
            if hcr & HCR.TPC != 0 { throw trapToEL2 }
            _ = try translate(x[Int(rt)], [.cacheMaintenance, .write])
        case .dcISW, .dcCSW, .dcCISW:
            if el == 0 { throw ArchException.undefined }
            // HCR_EL2.SWIO would turn DC ISW into DC CISW: with no caches modelled both do nothing.
            if hcr & HCR.TSW != 0 { throw trapToEL2 }
        case .dcZVA:
            if el == 0 && sctlr1 & SCTLR.DZE == 0 { throw trapToEL1 }
            if el < 2 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TDZ != 0 {
                throw trapToEL2
            }
            try zeroBlock(x[Int(rt)])
        case .atS1E1R, .atS1E1W, .atS1E0R, .atS1E0W:
            if el == 0 { throw ArchException.undefined }
            try addressTranslate(.stage1EL10(asEL0: s == .atS1E0R || s == .atS1E0W), va: x[Int(rt)],
                                 write: s == .atS1E1W || s == .atS1E0W)
        case .atS12E1R, .atS12E1W, .atS12E0R, .atS12E0W:
            if el < 2 || !hasEL2 { throw ArchException.undefined }
            try addressTranslate(.stages12EL10(asEL0: s == .atS12E0R || s == .atS12E0W), va: x[Int(rt)],
                                 write: s == .atS12E1W || s == .atS12E0W)
        case .atS1E2R, .atS1E2W:
            if el < 2 || !hasEL2 { throw ArchException.undefined }
            try addressTranslate(.stage1EL2, va: x[Int(rt)], write: s == .atS1E2W)
        case .tlbi:
            if el == 0 { throw ArchException.undefined }
            if hcr & HCR.TTLB != 0 { throw trapToEL2 }
            tlbInvalidate(word: word, operand: x[Int(rt)])
        case .tlbiEL2:
            if el < 2 || !hasEL2 { throw ArchException.undefined }
            tlbInvalidate(word: word, operand: x[Int(rt)])
        }
    }

    /// DC ZVA: zero the naturally aligned block of 4 << DCZID_EL0.BS bytes holding the address.
    /// It behaves as a store for faults and watchpoints (C5.3.18).
    private func zeroBlock(_ va: UInt64) throws(ArchException) {
        let size = UInt64(4) << (sysregs[SysReg.DCZID_EL0] & 0xF)
        let base = va & ~(size - 1)
        if watchArmed { try checkWatchpoints(base, size: Int(size), write: true) }
        // The block is aligned and at most 2 KiB, so it lies in one page: one translation for
        // all of it, and RAM zeroed in one go (kernels and Xen clear every page this way; eight
        // translated stores per block once took half of a Xen boot).
        let pa = try translate(base, .write)
        if let p = bus.ramPointer(pa, size: Int(size)) {
            bus.noteRAMWrite(pa, size: Int(size))
            HostRAM.zeroBlock(p, size: Int(size))
            if exclusiveValid && pa & ~63 <= exclusiveAddress && exclusiveAddress < pa &+ size { exclusiveValid = false }
            return
        }
        var a = base
        while a < base + size {
            try writeMemory(a, size: 8, value: 0)
            a &+= 8
        }
    }

    /// MRS/MSR of a register this CPU does not have: UNDEFINED, except that HCR_EL2.TIDCP traps
    /// EL1's accesses to the IMPLEMENTATION DEFINED space (op0 = 3, CRn = 11 or 15) to EL2
    /// (D13.2.48, D12.3.2 "Reserved encodings for IMPLEMENTATION DEFINED registers").
    private func unknownSysRegException(word w: UInt32, isRead: Bool) -> ArchException {
        let op0 = bits(w, 20, 19), crn = bits(w, 15, 12)
        if el == 1 && hasEL2 && op0 == 3 && (crn == 11 || crn == 15)
            && sysregs[SysReg.HCR_EL2] & HCR.TIDCP != 0 {
            return ArchException(.sysRegTrap(op0: op0, op1: bits(w, 18, 16), crn: crn, crm: bits(w, 11, 8),
                                             op2: bits(w, 7, 5), rt: w & 31, isRead: isRead), targetEL: 2)
        }
        return ArchException.undefined
    }
}
