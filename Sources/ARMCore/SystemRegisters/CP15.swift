/// The CP15 (and the few CP14) registers of AArch32, each a view of the AArch64 register that
/// holds it (ARM DDI 0487, G8 "AArch32 System Register Descriptions", and the mapping tables
/// of D1.20.2): SCTLR is SCTLR_EL1[31:0], IFAR is FAR_EL1[63:32], DACR is DACR32_EL2. Reads
/// and writes go through the same `readSysReg`/`writeSysReg` as MRS/MSR, and the access checks
/// of the AArch64 register apply, so HCR_EL2's trap controls cover AArch32 accesses; a trap is
/// reported with the AArch32 syndrome (EC 0x03/0x04).
struct CP15Register {
    enum View: UInt8 { case whole, low, high }
    enum Special: UInt8 { case none, cacheMaintenance, barrier, addressTranslation, razWI }
    let name: String
    let coproc: UInt8, opc1: UInt8, crn: UInt8, crm: UInt8, opc2: UInt8
    let reg: SysReg?
    let view: View
    let special: Special
    /// PL0 may read (R) or read and write (W): the few registers EL0 reaches in AArch32.
    let el0: UInt8

    /// Key of a 32-bit MCR/MRC: coproc, opc1, CRn, CRm, opc2 as the decoder packs them.
    var key: UInt32 { UInt32(coproc) << 16 | UInt32(opc1) << 12 | UInt32(crn) << 8 | UInt32(crm) << 4 | UInt32(opc2) }
}

enum CP15 {
    private static func r(_ name: String, _ crn: UInt8, _ opc1: UInt8, _ crm: UInt8, _ opc2: UInt8, _ reg: SysReg?,
                          _ view: CP15Register.View = .low, _ special: CP15Register.Special = .none,
                          el0: UInt8 = 0, coproc: UInt8 = 15) -> CP15Register {
        CP15Register(name: name, coproc: coproc, opc1: opc1, crn: crn, crm: crm, opc2: opc2, reg: reg, view: view,
                     special: special, el0: el0)
    }

    /// MCR/MRC registers: name, CRn, opc1, CRm, opc2, the AArch64 register and view.
    static let registers: [CP15Register] = [
        r("MIDR", 0, 0, 0, 0, .MIDR_EL1),
        r("CTR", 0, 0, 0, 1, .CTR_EL0),
        r("TCMTR", 0, 0, 0, 2, nil, .low, .razWI),
        r("TLBTR", 0, 0, 0, 3, nil, .low, .razWI),
        r("MPIDR", 0, 0, 0, 5, .MPIDR_EL1),
        r("REVIDR", 0, 0, 0, 6, .REVIDR_EL1),
        r("ID_PFR0", 0, 0, 1, 0, .ID_PFR0_EL1), r("ID_PFR1", 0, 0, 1, 1, .ID_PFR1_EL1),
        r("ID_DFR0", 0, 0, 1, 2, .ID_DFR0_EL1), r("ID_AFR0", 0, 0, 1, 3, .ID_AFR0_EL1),
        r("ID_MMFR0", 0, 0, 1, 4, .ID_MMFR0_EL1), r("ID_MMFR1", 0, 0, 1, 5, .ID_MMFR1_EL1),
        r("ID_MMFR2", 0, 0, 1, 6, .ID_MMFR2_EL1), r("ID_MMFR3", 0, 0, 1, 7, .ID_MMFR3_EL1),
        r("ID_ISAR0", 0, 0, 2, 0, .ID_ISAR0_EL1), r("ID_ISAR1", 0, 0, 2, 1, .ID_ISAR1_EL1),
        r("ID_ISAR2", 0, 0, 2, 2, .ID_ISAR2_EL1), r("ID_ISAR3", 0, 0, 2, 3, .ID_ISAR3_EL1),
        r("ID_ISAR4", 0, 0, 2, 4, .ID_ISAR4_EL1), r("ID_ISAR5", 0, 0, 2, 5, .ID_ISAR5_EL1),
        r("CCSIDR", 0, 1, 0, 0, .CCSIDR_EL1), r("CLIDR", 0, 1, 0, 1, .CLIDR_EL1), r("AIDR", 0, 1, 0, 7, .AIDR_EL1),
        r("CSSELR", 0, 2, 0, 0, .CSSELR_EL1),
        r("SCTLR", 1, 0, 0, 0, .SCTLR_EL1), r("ACTLR", 1, 0, 0, 1, .ACTLR_EL1), r("CPACR", 1, 0, 0, 2, .CPACR_EL1),
        r("TTBR0", 2, 0, 0, 0, .TTBR0_EL1), r("TTBR1", 2, 0, 0, 1, .TTBR1_EL1), r("TTBCR", 2, 0, 0, 2, .TCR_EL1),
        r("DACR", 3, 0, 0, 0, .DACR32_EL2),
        r("DFSR", 5, 0, 0, 0, .ESR_EL1), r("IFSR", 5, 0, 0, 1, .IFSR32_EL2),
        r("ADFSR", 5, 0, 1, 0, .AFSR0_EL1), r("AIFSR", 5, 0, 1, 1, .AFSR1_EL1),
        r("DFAR", 6, 0, 0, 0, .FAR_EL1), r("IFAR", 6, 0, 0, 2, .FAR_EL1, .high),
        r("PAR", 7, 0, 4, 0, .PAR_EL1),
        // Cache maintenance: armvm models no caches, so these only pass their traps.
        r("ICIALLUIS", 7, 0, 1, 0, nil, .low, .cacheMaintenance), r("BPIALLIS", 7, 0, 1, 6, nil, .low, .cacheMaintenance),
        r("ICIALLU", 7, 0, 5, 0, nil, .low, .cacheMaintenance), r("ICIMVAU", 7, 0, 5, 1, nil, .low, .cacheMaintenance),
        r("BPIALL", 7, 0, 5, 6, nil, .low, .cacheMaintenance), r("BPIMVA", 7, 0, 5, 7, nil, .low, .cacheMaintenance),
        r("DCIMVAC", 7, 0, 6, 1, nil, .low, .cacheMaintenance), r("DCISW", 7, 0, 6, 2, nil, .low, .cacheMaintenance),
        r("DCCMVAC", 7, 0, 10, 1, nil, .low, .cacheMaintenance), r("DCCSW", 7, 0, 10, 2, nil, .low, .cacheMaintenance),
        r("DCCMVAU", 7, 0, 11, 1, nil, .low, .cacheMaintenance), r("DCCIMVAC", 7, 0, 14, 1, nil, .low, .cacheMaintenance),
        r("DCCISW", 7, 0, 14, 2, nil, .low, .cacheMaintenance),
        r("CP15ISB", 7, 0, 5, 4, nil, .low, .barrier, el0: 2), r("CP15DSB", 7, 0, 10, 4, nil, .low, .barrier, el0: 2),
        r("CP15DMB", 7, 0, 10, 5, nil, .low, .barrier, el0: 2),
        r("ATS1CPR", 7, 0, 8, 0, nil, .low, .addressTranslation), r("ATS1CPW", 7, 0, 8, 1, nil, .low, .addressTranslation),
        r("ATS1CUR", 7, 0, 8, 2, nil, .low, .addressTranslation), r("ATS1CUW", 7, 0, 8, 3, nil, .low, .addressTranslation),
        r("ATS12NSOPR", 7, 0, 8, 4, nil, .low, .addressTranslation), r("ATS12NSOPW", 7, 0, 8, 5, nil, .low, .addressTranslation),
        r("ATS12NSOUR", 7, 0, 8, 6, nil, .low, .addressTranslation), r("ATS12NSOUW", 7, 0, 8, 7, nil, .low, .addressTranslation),
        r("PRRR", 10, 0, 2, 0, .MAIR_EL1), r("NMRR", 10, 0, 2, 1, .MAIR_EL1, .high),
        r("AMAIR0", 10, 0, 3, 0, .AMAIR_EL1), r("AMAIR1", 10, 0, 3, 1, .AMAIR_EL1, .high),
        r("VBAR", 12, 0, 0, 0, .VBAR_EL1), r("ISR", 12, 0, 1, 0, .ISR_EL1),
        r("FCSEIDR", 13, 0, 0, 0, nil, .low, .razWI),
        r("CONTEXTIDR", 13, 0, 0, 1, .CONTEXTIDR_EL1),
        r("TPIDRURW", 13, 0, 0, 2, .TPIDR_EL0, el0: 2), r("TPIDRURO", 13, 0, 0, 3, .TPIDRRO_EL0, el0: 1),
        r("TPIDRPRW", 13, 0, 0, 4, .TPIDR_EL1),
        r("CNTFRQ", 14, 0, 0, 0, .CNTFRQ_EL0, el0: 1), r("CNTKCTL", 14, 0, 1, 0, .CNTKCTL_EL1),
        r("CNTP_TVAL", 14, 0, 2, 0, .CNTP_TVAL_EL0, el0: 2), r("CNTP_CTL", 14, 0, 2, 1, .CNTP_CTL_EL0, el0: 2),
        r("CNTV_TVAL", 14, 0, 3, 0, .CNTV_TVAL_EL0, el0: 2), r("CNTV_CTL", 14, 0, 3, 1, .CNTV_CTL_EL0, el0: 2),
        // CP14 debug registers an OS reads at boot: DBGDIDR says "ARMv8 debug, no breakpoints
        // beyond the minimum"; the OS lock registers are the AArch64 ones.
        r("DBGDIDR", 0, 0, 0, 0, nil, .low, .razWI, el0: 1, coproc: 14),
        r("DBGDSCRint", 0, 0, 1, 0, .MDCCSR_EL0, el0: 1, coproc: 14),
        r("DBGDSCRext", 0, 0, 2, 2, .MDSCR_EL1, coproc: 14),
        r("DBGOSLAR", 1, 0, 0, 4, .OSLAR_EL1, coproc: 14), r("DBGOSLSR", 1, 0, 1, 4, .OSLSR_EL1, coproc: 14),
        r("DBGOSDLR", 1, 0, 3, 4, .OSDLR_EL1, coproc: 14),
    ]

    /// MCRR/MRRC registers: name, opc1, CRm (CRn is unused), the AArch64 register.
    static let registers64: [CP15Register] = [
        r("TTBR0", 0, 0, 2, 0, .TTBR0_EL1, .whole), r("TTBR1", 0, 1, 2, 0, .TTBR1_EL1, .whole),
        r("PAR", 0, 0, 7, 0, .PAR_EL1, .whole),
        r("CNTPCT", 0, 0, 14, 0, .CNTPCT_EL0, .whole, el0: 1), r("CNTVCT", 0, 1, 14, 0, .CNTVCT_EL0, .whole, el0: 1),
        r("CNTP_CVAL", 0, 2, 14, 0, .CNTP_CVAL_EL0, .whole, el0: 2), r("CNTV_CVAL", 0, 3, 14, 0, .CNTV_CVAL_EL0, .whole, el0: 2),
    ]

    static let byKey: [UInt32: CP15Register] = {
        var d: [UInt32: CP15Register] = [:]
        for r in registers { d[r.key] = r }
        return d
    }()

    static let byKey64: [UInt32: CP15Register] = {
        var d: [UInt32: CP15Register] = [:]
        for r in registers64 { d[UInt32(r.coproc) << 8 | UInt32(r.opc1) << 4 | UInt32(r.crm)] = r }
        return d
    }()
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
        if coproc == 15 && crn == 8 && opc1 == 0 && !isRead {
            // TLBIALL, TLBIMVA, TLBIASID, TLBIMVAA and their IS, I and D forms: dropping every
            // entry is always allowed (a TLB may lose entries at any time); HCR_EL2.TTLB traps them.
            if el == 0 { throw ArchException.undefined }
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TTLB != 0 { throw trap }
            // CRm = 3: the Inner Shareable forms, which reach every CPU.
            for cpu in tlbMaintenanceTargets(innerShareable: crm == 3) {
                cpu.mmu.tlb.invalidateAll()
                cpu.flushFetchPage()
            }
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
        case .razWI:
            if isRead { writeTransfer(i.rd, reg.name == "DBGDIDR" ? 0x3515_D000 : 0) }
            return
        case .barrier:
            if isRead { throw ArchException.undefined }
            if reg.name == "CP15ISB" { flushFetchPage() }
            return
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
            writeTransfer(i.rd, UInt32(truncatingIfNeeded: reg.view == .high ? v >> 32 : v))
        } else {
            let value = UInt64(r(UInt32(i.rd)))
            let old = sysregs[sys]
            let merged: UInt64
            switch reg.view {
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
        if el == 0 && (reg.el0 == 0 || (!isRead && reg.el0 == 1)) { throw ArchException.undefined }
        guard let sys = reg.reg else { return }
        if el == 0 && (sys == .TPIDR_EL0 || sys == .TPIDRRO_EL0) { return }
        if sys == .DACR32_EL2 || sys == .IFSR32_EL2 {
            // EL1 registers of AArch32 kept in EL2's AArch64 registers: AArch64 would not let
            // EL1 reach them, AArch32 EL1 owns them. HCR_EL2.TVM/TRVM trap them (D13.2.48).
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

    /// ATS1C*/ATS12NSO*: with translation off the address is its own PA (PAR in the 32-bit
    /// short format: PA[31:12], F = 0).
    private func addressTranslate32(va: UInt32, name: String) throws(ArchException) {
        if translating {
            sysregs[SysReg.PAR_EL1] = 1   // F = 1: not translated by this model yet
            return
        }
        sysregs[SysReg.PAR_EL1] = UInt64(va & ~0xFFF)
    }
}
