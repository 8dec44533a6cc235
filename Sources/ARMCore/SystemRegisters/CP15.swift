/// MCR/MRC/MCRR/MRRC dispatch. Most CP15 and CP14 registers are views of AArch64 registers,
/// listed in their `SysReg.table` rows (`SysRegInfo.aarch32`): reads and writes go through the
/// same `readSysReg`/`writeSysReg` as MRS/MSR, and the access checks of the AArch64 register
/// apply, so HCR_EL2's trap controls cover AArch32 accesses; a trap is reported with the
/// AArch32 syndrome (EC 0x03/0x04). This file adds the encodings that are operations rather
/// than registers (cache maintenance, barriers, address translation) and the AArch32-only
/// registers with a fixed value. TLB maintenance (CRn = 8) is decoded in `coprocessorMove32`.
struct CP15Register {
    enum Special: Equatable { case none, cacheMaintenance, barrier, addressTranslation, fixed(UInt32) }
    let view: AArch32View
    /// The AArch64 register it views; nil for the operations.
    let reg: SysReg?
    let special: Special
    var name: String { view.name }
}

enum CP15 {
    private static func op(_ name: String, _ crn: UInt8, _ crm: UInt8, _ opc2: UInt8, _ special: CP15Register.Special,
                           pl0: AArch32View.PL0 = .none, opc1: UInt8 = 0) -> CP15Register {
        CP15Register(view: .cp15(name, opc1, crn, crm, opc2, pl0: pl0), reg: nil, special: special)
    }

    /// The encodings that are not views of an AArch64 register: opc1 = 0, CRn, CRm, opc2.
    static let operations: [CP15Register] = [
        // AArch32-only identification with nothing to report (G8.2): no TCMs, a unified TLB,
        // and the FCSE is not implemented.
        op("TCMTR", 0, 0, 2, .fixed(0)), op("TLBTR", 0, 0, 3, .fixed(0)), op("FCSEIDR", 13, 0, 0, .fixed(0)),
        // Cache maintenance: armvm models no caches, so these only pass their traps.
        op("ICIALLUIS", 7, 1, 0, .cacheMaintenance), op("BPIALLIS", 7, 1, 6, .cacheMaintenance),
        op("ICIALLU", 7, 5, 0, .cacheMaintenance), op("ICIMVAU", 7, 5, 1, .cacheMaintenance),
        op("BPIALL", 7, 5, 6, .cacheMaintenance), op("BPIMVA", 7, 5, 7, .cacheMaintenance),
        op("DCIMVAC", 7, 6, 1, .cacheMaintenance), op("DCISW", 7, 6, 2, .cacheMaintenance),
        op("DCCMVAC", 7, 10, 1, .cacheMaintenance), op("DCCSW", 7, 10, 2, .cacheMaintenance),
        op("DCCMVAU", 7, 11, 1, .cacheMaintenance), op("DCCIMVAC", 7, 14, 1, .cacheMaintenance),
        op("DCCISW", 7, 14, 2, .cacheMaintenance),
        op("CP15ISB", 7, 5, 4, .barrier, pl0: .readWrite), op("CP15DSB", 7, 10, 4, .barrier, pl0: .readWrite),
        op("CP15DMB", 7, 10, 5, .barrier, pl0: .readWrite),
        op("ATS1CPR", 7, 8, 0, .addressTranslation), op("ATS1CPW", 7, 8, 1, .addressTranslation),
        op("ATS1CUR", 7, 8, 2, .addressTranslation), op("ATS1CUW", 7, 8, 3, .addressTranslation),
        op("ATS12NSOPR", 7, 8, 4, .addressTranslation), op("ATS12NSOPW", 7, 8, 5, .addressTranslation),
        op("ATS12NSOUR", 7, 8, 6, .addressTranslation), op("ATS12NSOUW", 7, 8, 7, .addressTranslation),
        op("ATS1HR", 7, 8, 0, .addressTranslation, opc1: 4), op("ATS1HW", 7, 8, 1, .addressTranslation, opc1: 4),
        // CP14: DBGDIDR says "ARMv8 debug, no breakpoints beyond the minimum".
        CP15Register(view: .cp14("DBGDIDR", 0, 0, 0, 0, pl0: .read), reg: nil, special: .fixed(0x3515_D000)),
        // The trivial Jazelle implementation (G1.? "The Jazelle extension"): JIDR, JOSCR and
        // JMCR read as zero and ignore writes; Xen switches JOSCR and JMCR with each vCPU.
        CP15Register(view: .cp14("JIDR", 7, 0, 0, 0, pl0: .read), reg: nil, special: .fixed(0)),
        CP15Register(view: .cp14("JOSCR", 7, 1, 0, 0), reg: nil, special: .fixed(0)),
        CP15Register(view: .cp14("JMCR", 7, 2, 0, 0), reg: nil, special: .fixed(0)),
        // DBGVCR: vector catch is not implemented (RAZ/WI), as an OS finds when it clears it.
        CP15Register(view: .cp14("DBGVCR", 0, 0, 7, 0), reg: nil, special: .fixed(0)),
    ]

    /// MCR/MRC encodings, by `AArch32View.key`: the register table's views, then the operations.
    static let byKey: [UInt32: CP15Register] = dictionary(is64: false)
    /// MCRR/MRRC encodings, by `AArch32View.key`.
    static let byKey64: [UInt32: CP15Register] = dictionary(is64: true)

    private static func dictionary(is64: Bool) -> [UInt32: CP15Register] {
        var d: [UInt32: CP15Register] = [:]
        for row in SysReg.table {
            for v in row.aarch32 where v.is64 == is64 {
                precondition(d[v.key] == nil, "\(v.name) shares its AArch32 encoding")
                d[v.key] = CP15Register(view: v, reg: row.reg, special: .none)
            }
        }
        for o in operations where o.view.is64 == is64 {
            precondition(d[o.view.key] == nil, "\(o.name) shares its AArch32 encoding")
            d[o.view.key] = o
        }
        return d
    }
}

extension CPU {
    /// The name of a CP15 or CP14 register, for traces.
    public static func coprocessorRegisterName(coproc: UInt32, opc1: UInt32, crn: UInt32, crm: UInt32, opc2: UInt32) -> String? {
        CP15.byKey[coproc << 16 | opc1 << 12 | crn << 8 | crm << 4 | opc2]?.name
    }

    /// MCR/MRC. The decoder packs coproc:opc1:CRn:CRm:opc2 into `imm` (A32Decoder).
    func coprocessorMove32(_ i: A32Inst) throws(ArchException) {
        let isRead = i.op == .mrc
        let coproc = i.imm >> 16, opc1 = (i.imm >> 12) & 7, crn = (i.imm >> 8) & 15, crm = (i.imm >> 4) & 15, opc2 = i.imm & 7
        let ec: ExceptionClass = coproc == 15 ? .cp15RT : .cp14RT
        let trap = ArchException(.coprocessorMove(ec, cond: UInt32(currentCondition32), opc1: opc1, opc2: opc2, crn: crn,
                                                  crm: crm, rt: UInt32(slot32(i.rd)), isRead: isRead,
                                                  il: instructionLength32 == 4), targetEL: 2)
        // HSTR_EL2.T<n> traps EL0 and EL1 accesses to CP15 with CRn = n (D13.2.50).
        if coproc == 15 && el < 2 && hasEL2 && crn != 14 && sysregs[SysReg.HSTR_EL2] & (1 << UInt64(crn)) != 0 {
            throw trap
        }
        if coproc == 15 && crn == 8 && (opc1 == 0 || opc1 == 4) && !isRead {
            // TLBIALL, TLBIMVA, TLBIASID, TLBIMVAA and their IS, I and D forms: dropping every
            // entry is always allowed (a TLB may lose entries at any time); HCR_EL2.TTLB traps them.
            // opc1 = 4: the Hyp forms (TLBIALLH, TLBIMVAH, TLBIALLNSNH, TLBIMVALH and their IS
            // forms), Hyp mode only.
            if el == 0 || (opc1 == 4 && el < 2) { throw ArchException.undefined }
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TTLB != 0 { throw trap }
            // CRm = 3: the Inner Shareable forms, which reach every CPU.
            let targets = tlbMaintenanceTargets(innerShareable: crm == 3)
            // By MVA: TLBIMVA, TLBIMVAA, TLBIMVAL, TLBIMVAAL (opc1 = 0, from PL1), TLBIMVAH and
            // TLBIMVALH (opc1 = 4, from Hyp mode), with their IS, I and D forms (CRm 3, 5, 6, 7;
            // CRm 0 and 4 are the IPA forms). Kernels invalidate page by page as they patch
            // text through the fixmap, and each of those emptied the host TLB.
            let byMVA = [3, 5, 6, 7].contains(crm) && (opc1 == 0 ? opc2 & 1 == 1 : opc2 == 1 || opc2 == 5)
            if byMVA && targets.count == 1 && targets[0] === self && (opc1 == 4) == (el == 2)
                && invalidateTLBPage32(r(UInt32(i.rd))) {
                return
            }
            for cpu in targets {
                cpu.mmu.tlb.invalidateAll()
                cpu.flushAfterTLBMaintenance()
            }
            return
        }
        if coproc == 15 && opc1 == 0 && crn == 0 && (1...7).contains(crm) && CP15.byKey[i.imm] == nil {
            // The rest of the ID space (ID_MMFR4, ID_ISAR6, ID_PFR2, ...) reads as zero, as in
            // AArch64 (G7.3.? "Reserved and unallocated ID registers"); HCR.TID3 traps it.
            guard isRead, el >= 1 else { throw ArchException.undefined }
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TID3 != 0 { throw trap }
            writeTransfer(i.rd, 0)
            return
        }
        guard let reg = CP15.byKey[i.imm] else {
            // HCR_EL2.TIDCP traps the IMPLEMENTATION DEFINED space (CRn 9, 10, 11, 15) to EL2.
            if coproc == 15 && el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TIDCP != 0 && [9, 10, 11, 15].contains(crn) {
                throw trap
            }
            throw ArchException.undefined
        }
        try checkCP15Access(reg, isRead: isRead, trap: trap)
        if i.rd == 15 && !isRead { throw ArchException.undefined }
        switch reg.special {
        case .fixed(let value):
            if isRead { writeTransfer(i.rd, value) }
            return
        case .barrier:
            if isRead { throw ArchException.undefined }
            return   // as DMB, DSB and ISB (executeSystem32)
        case .cacheMaintenance:
            if isRead { throw ArchException.undefined }
            // HCR_EL2.TPC (by VA to the point of coherency), TPU (to unification), TSW (set/way).
            if el == 1 && hasEL2 {
                let hcr = sysregs[SysReg.HCR_EL2]
                let bit: UInt64 = reg.name.hasSuffix("SW") ? HCR.TSW : reg.name.hasSuffix("MVAC") ? HCR.TPC : HCR.TPU
                if hcr & bit != 0 { throw trap }
            }
            return
        case .addressTranslation:
            if isRead { throw ArchException.undefined }
            try addressTranslate32(va: r(UInt32(i.rd)), name: reg.name)
            return
        case .none:
            break
        }
        guard let sys = reg.reg else { throw ArchException.undefined }
        if isRead {
            let v = readSysReg(sys)
            writeTransfer(i.rd, UInt32(truncatingIfNeeded: reg.view.part == .high ? v >> 32 : v))
        } else {
            let value = UInt64(r(UInt32(i.rd)))
            let old = sysregs[sys]
            let merged: UInt64
            switch reg.view.part {
            case .high: merged = (old & 0xFFFF_FFFF) | value << 32
            case .low: merged = (old & ~0xFFFF_FFFF) | value
            case .whole: merged = value
            }
            writeSysReg(sys, merged)
        }
    }

    /// MRC with Rt = 15 writes the flags (APSR_nzcv); otherwise a register.
    private func writeTransfer(_ rt: UInt8, _ v: UInt32) {
        if rt == 15 { nzcv = v & 0xF000_0000 } else { setR(UInt32(rt), v) }
    }

    /// MCRR/MRRC: a 64-bit register through two general-purpose registers, Rt low and Rt2 high.
    func coprocessorMove64(_ i: A32Inst) throws(ArchException) {
        let isRead = i.op == .mrrc
        let coproc = i.imm >> 8, opc1 = (i.imm >> 4) & 15, crm = i.imm & 15
        let trap = ArchException(.coprocessorMove64(coproc == 15 ? .cp15RRT : .cp14RRT, cond: UInt32(currentCondition32),
                                                    opc1: opc1, crm: crm, rt: UInt32(slot32(i.rd)), rt2: UInt32(slot32(i.rs)),
                                                    isRead: isRead, il: instructionLength32 == 4), targetEL: 2)
        if coproc == 15 && el < 2 && hasEL2 && crm != 14 && sysregs[SysReg.HSTR_EL2] & (1 << UInt64(crm)) != 0 { throw trap }
        guard let reg = CP15.byKey64[i.imm], let sys = reg.reg else { throw ArchException.undefined }
        if i.rd == 15 || i.rs == 15 { throw ArchException.undefined }
        try checkCP15Access(reg, isRead: isRead, trap: trap)
        if isRead {
            let v = readSysReg(sys)
            setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v))
            setR(UInt32(i.rs), UInt32(truncatingIfNeeded: v >> 32))
        } else {
            writeSysReg(sys, UInt64(r(UInt32(i.rd))) | UInt64(r(UInt32(i.rs))) << 32)
        }
    }

    /// The AArch64 register's own checks (EL, HCR_EL2 trap groups, CNTKCTL/CNTHCTL), with a
    /// trap reported in the AArch32 form; PL0 reaches only the registers marked for it.
    private func checkCP15Access(_ reg: CP15Register, isRead: Bool, trap: ArchException) throws(ArchException) {
        if el == 0 && (reg.view.pl0 == .none || (!isRead && reg.view.pl0 == .read)) { throw ArchException.undefined }
        guard let sys = reg.reg else { return }
        if reg.view.ownedByEL1 {
            // AArch64 would not let EL1 reach the EL2 register that holds it; AArch32 EL1 owns
            // it, and HCR_EL2.TVM/TRVM trap it (D13.2.48).
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & (isRead ? HCR.TRVM : HCR.TVM) != 0 { throw trap }
            return
        }
        do {
            try checkSysRegAccess(sys, isRead: isRead, rt: 0, encoding: 0)
        } catch {
            if error.targetEL == 2 { throw trap }
            // A trap to EL1 (EL0 timer access with CNTKCTL clear) is UNDEFINED in AArch32.
            throw ArchException.undefined
        }
    }

    /// ATS1C*, ATS12NSO* and ATS1H*: the AT operations of AArch32 (G4.? "Address translation
    /// instructions"), on the AArch64 walker and PAR. ATS12NSO* and ATS1H* exist in Hyp mode
    /// only. PAR takes the long-descriptor format (the AArch64 PAR_EL1 layout, with bit 11 =
    /// LPAE set) when stage 1 uses it, for ATS1H*, and for ATS12NSO* with stage 2 on; otherwise
    /// the 32-bit short-descriptor format.
    private func addressTranslate32(va: UInt32, name: String) throws(ArchException) {
        let write = name.hasSuffix("W")
        let request: ATRequest
        var long = longDescriptorFormat
        switch name.dropLast() {
        case "ATS1CP", "ATS1CU":
            request = .stage1EL10(asEL0: name.hasPrefix("ATS1CU"))
        case "ATS12NSOP", "ATS12NSOU":
            guard el == 2 else { throw ArchException.undefined }
            request = .stages12EL10(asEL0: name.hasPrefix("ATS12NSOU"))
            if stage2Enabled(sysregs[SysReg.HCR_EL2]) { long = true }
        default:
            guard el == 2 else { throw ArchException.undefined }
            request = .stage1EL2
            long = true
        }
        try addressTranslate(request, va: UInt64(va), write: write)
        if long { return }
        let par = sysregs[SysReg.PAR_EL1]
        if par & 1 != 0 {
            // F = 1 with FS[6:1] as DFSR would give it: ExT, FS[4], FS[3:0].
            let dfsr = faultStatus32(Syndrome(.dabtCur, iss: UInt32((par >> 1) & 0x3F)), isData: true)
            sysregs[SysReg.PAR_EL1] = 1 | UInt64((dfsr >> 12) & 1) << 6 | UInt64((dfsr >> 10) & 1) << 5 | UInt64(dfsr & 0xF) << 1
        } else {
            // PA[31:12], NS (bit 9), SH (bit 7).
            sysregs[SysReg.PAR_EL1] = par & 0xFFFF_F000 | 1 << 9 | (par >> 8 & 1) << 7
        }
    }
}
