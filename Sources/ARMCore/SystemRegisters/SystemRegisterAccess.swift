/// Reset values, access checks and the read/write behaviour of system registers that are more
/// than storage. Plain registers are storage in `CPU.sysregs`.
extension CPU {
    func resetSystemRegisters(_ c: CPUConfig) {
        let s = sysregs
        for (r, v) in SysReg.resetValues { s[r] = v }
        // The values that depend on the configuration.
        s[SysReg.MIDR_EL1] = c.midr
        s[SysReg.MPIDR_EL1] = c.mpidr
        s[SysReg.VPIDR_EL2] = c.midr
        s[SysReg.VMPIDR_EL2] = c.mpidr
        // ID_AA64PFR0_EL1: EL0 and EL1 AArch64 and AArch32 (2), EL2 AArch64 when present, no
        // EL3; FP and AdvSIMD implemented (0, no half-precision arithmetic); GIC system registers absent.
        s[SysReg.ID_AA64PFR0_EL1] = 0x2 | 0x2 << 4 | (hasEL2 ? 0x1 << 8 : 0)
        s[SysReg.DCZID_EL0] = c.dczidBS
        s[SysReg.CNTFRQ_EL0] = c.counterFrequency
        if aarch32Only {
            for (r, v) in HypMode.cortexA15Identification { s[r] = v }
            s[SysReg.ID_AA64PFR0_EL1] = 0
            s[SysReg.SCTLR_EL2] = HypMode.hsctlrReset
            s[SysReg.HCR_EL2] = 0
        }
    }

    /// The checks of MRS/MSR at the current EL (ARM DDI 0487, D13.1 and each register's
    /// "Accessibility" pseudocode): UNDEFINED at too low an EL, or a trap to EL1/EL2.
    func checkSysRegAccess(_ r: SysReg, isRead: Bool, rt: UInt8, encoding: UInt32) throws(ArchException) {
        let info = r.info
        if info.access.minEL == 2 && !hasEL2 { throw ArchException.undefined }
        if el < info.access.minEL { throw ArchException.undefined }
        // Without a GICv3 CPU interface the ICC_*/ICH_* encodings are unallocated.
        if info.provider == .interruptController && interruptControllerRegisters == nil { throw ArchException.undefined }
        switch info.access {
        case .el0RO:
            // CNTFRQ_EL0 is writable at the highest implemented EL only (D13.8.1).
            if !isRead && !(r == .CNTFRQ_EL0 && el == (hasEL2 ? 2 : 1)) { throw ArchException.undefined }
        case .el1RO, .el2RO: if !isRead { throw ArchException.undefined }
        case .el0ROel1RW: if el == 0 && !isRead { throw ArchException.undefined }
        case .el1WO: if isRead { throw ArchException.undefined }
        default: break
        }
        // SP_EL0 is not accessible as a register while it is the current stack pointer (C5.2.14).
        if r == .SP_EL0 && spsel == 0 { throw ArchException.undefined }
        // FPCR and FPSR are part of the FP state: CPACR_EL1.FPEN and CPTR_EL2.TFP trap them.
        if r == .FPCR || r == .FPSR { try checkFPEnabled() }
        if info.trap == .pmu { try checkPMUAccess(r, isRead: isRead, rt: rt, encoding: encoding) }
        if el == 0 { try checkEL0Traps(info, isRead: isRead, rt: rt, encoding: encoding) }
        if el < 2 && hasEL2 { try checkHCRTraps(info, isRead: isRead, rt: rt, encoding: encoding) }
    }

    func trap(to target: UInt8, isRead: Bool, rt: UInt8, encoding w: UInt32) -> ArchException {
        ArchException(.sysRegTrap(op0: bits(w, 20, 19), op1: bits(w, 18, 16), crn: bits(w, 15, 12),
                                  crm: bits(w, 11, 8), op2: bits(w, 7, 5), rt: UInt32(w & 31), isRead: isRead),
                      targetEL: target)
    }

    private func checkEL0Traps(_ info: SysRegInfo, isRead: Bool, rt: UInt8, encoding: UInt32) throws(ArchException) {
        let sctlr = sysregs[SysReg.SCTLR_EL1]
        // CNTKCTL_EL1 (D13.8.19): EL0PCTEN bit 0, EL0VCTEN bit 1, EL0VTEN bit 8, EL0PTEN bit 9.
        let k = sysregs[SysReg.CNTKCTL_EL1]
        let trapped: Bool
        switch info.trap {
        case .timerFrequency: trapped = k & 3 == 0
        case .physicalCounter: trapped = k & 1 == 0
        case .virtualCounter: trapped = k & 2 == 0
        case .physicalTimer: trapped = k & (1 << 9) == 0
        case .virtualTimer: trapped = k & (1 << 8) == 0
        default:
            trapped = (info.reg == .CTR_EL0 && sctlr & SCTLR.UCT == 0) || (info.reg == .DAIF && sctlr & SCTLR.UMA == 0)
        }
        if trapped { throw trap(to: defaultTargetEL(), isRead: isRead, rt: rt, encoding: encoding) }
    }

    private func checkHCRTraps(_ info: SysRegInfo, isRead: Bool, rt: UInt8, encoding: UInt32) throws(ArchException) {
        if info.provider == .interruptController && el == 1, let gic = interruptControllerRegisters {
            // ICH_HCR_EL2's trap controls, for a hypervisor that emulates the CPU interface itself.
            let bits = CPU.ichTrapBits(info.reg)
            if bits != 0 && gic.read(.ICH_HCR_EL2, cpu: self) & bits != 0 {
                throw trap(to: 2, isRead: isRead, rt: rt, encoding: encoding)
            }
        }
        let hcr = sysregs[SysReg.HCR_EL2]
        let trapped: Bool
        switch info.trap {
        case .none: trapped = false
        case .tid1: trapped = hcr & HCR.TID1 != 0
        case .tid2: trapped = hcr & HCR.TID2 != 0
        case .tid3: trapped = hcr & HCR.TID3 != 0
        case .vm: trapped = hcr & (isRead ? HCR.TRVM : HCR.TVM) != 0
        case .tacr: trapped = hcr & HCR.TACR != 0
        case .debug, .debugOS, .debugROM:
            // MDCR_EL2 (D13.2.78): TDE implies TDA, TDOSA and TDRA.
            let mdcr = sysregs[SysReg.MDCR_EL2]
            let bit: UInt64 = info.trap == .debug ? MDCR.TDA : info.trap == .debugOS ? MDCR.TDOSA : MDCR.TDRA
            trapped = mdcr & (bit | MDCR.TDE) != 0
        case .cpacr: trapped = el == 1 && sysregs[SysReg.CPTR_EL2] & CPTR.TCPAC != 0
        case .gicSGI: trapped = hcr & (HCR.IMO | HCR.FMO) != 0
        case .pmu: trapped = false   // checkPMUAccess
        // CNTHCTL_EL2 (D13.8.15): EL1PCTEN bit 0 gates CNTPCT; EL1PCEN bit 1 the physical timer.
        case .physicalCounter: trapped = sysregs[SysReg.CNTHCTL_EL2] & 1 == 0
        case .physicalTimer: trapped = sysregs[SysReg.CNTHCTL_EL2] & 2 == 0
        case .timerFrequency, .virtualCounter, .virtualTimer: trapped = false
        }
        if trapped { throw trap(to: 2, isRead: isRead, rt: rt, encoding: encoding) }
    }

    /// The ICH_HCR_EL2 bits that trap EL1's accesses to a GICv3 CPU-interface register (IHI 0069,
    /// ICH_HCR_EL2): TC (bit 10) the registers common to both groups, TALL0 (11) the Group 0
    /// ones, TALL1 (12) the Group 1 ones, TDIR (14) ICC_DIR_EL1 as well. ICC_SRE_EL1 is none's.
    static func ichTrapBits(_ r: SysReg) -> UInt64 {
        switch r {
        case .ICC_IAR0_EL1, .ICC_EOIR0_EL1, .ICC_HPPIR0_EL1, .ICC_BPR0_EL1, .ICC_AP0R0_EL1, .ICC_IGRPEN0_EL1: return 1 << 11
        case .ICC_IAR1_EL1, .ICC_EOIR1_EL1, .ICC_HPPIR1_EL1, .ICC_BPR1_EL1, .ICC_AP1R0_EL1, .ICC_IGRPEN1_EL1: return 1 << 12
        case .ICC_DIR_EL1: return 1 << 10 | 1 << 14
        case .ICC_PMR_EL1, .ICC_RPR_EL1, .ICC_CTLR_EL1, .ICC_SGI0R_EL1, .ICC_SGI1R_EL1, .ICC_ASGI1R_EL1: return 1 << 10
        default: return 0
        }
    }

    /// The special-purpose registers that are views of PSTATE or of the banked stack pointers
    /// rather than storage; nil for every other register. MRS and the debugger both read them here.
    public func processorStateRegister(_ r: SysReg) -> UInt64? {
        switch r {
        case .NZCV: return UInt64(nzcv)
        case .DAIF: return UInt64(daif)
        case .CurrentEL: return UInt64(el) << 2
        case .SPSel: return UInt64(spsel)
        case .SP_EL0: return stackPointer(el: 0)
        case .SP_EL1: return stackPointer(el: 1)
        default: return nil
        }
    }

    /// MRS: the value EL`el` reads.
    public func readSysReg(_ r: SysReg) -> UInt64 {
        switch r.provider {
        case .core: break
        case .timer:
            if let t = timerRegisters { return t.read(r, cpu: self) }
            return r == .CNTFRQ_EL0 ? sysregs[r] : 0
        case .interruptController: return interruptControllerRegisters?.read(r, cpu: self) ?? 0
        }
        if let v = processorStateRegister(r) { return v }
        if r.isPMU { return pmuRead(r) }
        switch r {
        // EL1 reads the virtual IDs that EL2 set (D13.2.101 VPIDR_EL2, D13.2.102 VMPIDR_EL2).
        case .MIDR_EL1: return el == 1 && hasEL2 ? sysregs[SysReg.VPIDR_EL2] : sysregs[r]
        case .MPIDR_EL1: return el == 1 && hasEL2 ? sysregs[SysReg.VMPIDR_EL2] : sysregs[r]
        case .ID_RESERVED: return 0
        // ID_AA64PFR0_EL1.GIC (bits 27:24) = 1: the GICv3 system-register interface is there (ARM DDI 0487, ID_AA64PFR0_EL1).
        case .ID_AA64PFR0_EL1: return sysregs[r] | (interruptControllerRegisters != nil ? 1 << 24 : 0)
        case .CCSIDR_EL1:
            switch sysregs[SysReg.CSSELR_EL1] & 0xF {
            case 0: return 0x701F_E00A     // L1 D: 32 KiB, 2-way, 64-byte lines
            case 1: return 0x201F_E012     // L1 I: 48 KiB, 3-way
            case 2: return 0x707F_E07A     // L2: 2 MiB, 16-way
            default: return 0
            }
        case .DCZID_EL0:
            // DZP (bit 4) says DC ZVA is prohibited at this EL (SCTLR_EL1.DZE at EL0, HCR_EL2.TDZ).
            let prohibited = (el == 0 && sysregs[SysReg.SCTLR_EL1] & SCTLR.DZE == 0)
                || (el < 2 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TDZ != 0)
            return sysregs[r] | (prohibited ? 1 << 4 : 0)
        case .OSLAR_EL1: return 0
        case .ISR_EL1: return interruptStatus()
        default: return sysregs[r]
        }
    }

    /// MSR: write as EL`el`, keeping read-only and reserved bits.
    public func writeSysReg(_ r: SysReg, _ value: UInt64) {
        switch r.provider {
        case .core: break
        case .timer:
            if let t = timerRegisters { t.write(r, value: value, cpu: self) } else { sysregs[r] = value }
            return
        case .interruptController:
            interruptControllerRegisters?.write(r, value: value, cpu: self)
            return
        }
        if r.isPMU { return pmuWrite(r, value) }
        switch r {
        case .NZCV: nzcv = UInt32(truncatingIfNeeded: value) & 0xF000_0000
        case .DAIF:
            daif = UInt32(truncatingIfNeeded: value) & 0x3C0
            interruptsChanged()
        case .SPSel: setStackSelection(el: el, spsel: UInt8(value & 1))
        case .SP_EL0: setStackPointer(el: 0, value)
        case .SP_EL1: setStackPointer(el: 1, value)
        case .HCR_EL2:
            sysregs[r] = value
            updateTranslationRegime()
            interruptsChanged()   // VI, VF, VSE, IMO, FMO, AMO, TGE change what may be taken
        case .SCTLR_EL1, .SCTLR_EL2, .TTBR0_EL1, .TTBR1_EL1, .TCR_EL1, .MAIR_EL1, .TTBR0_EL2, .TCR_EL2,
             .MAIR_EL2, .VTTBR_EL2, .VTCR_EL2:
            // Translation controls: the regime, and the page being executed, may change.
            sysregs[r] = value
            updateTranslationRegime()
        case .DACR32_EL2, .CONTEXTIDR_EL1:
            sysregs[r] = value
            // With an AArch32 EL1 in the short-descriptor format, DACR decides the domain
            // checks that cached translations include, and CONTEXTIDR holds the ASID.
            if el1IsAArch32 && sysregs[SysReg.TCR_EL1] >> 31 & 1 == 0 {
                if r == .DACR32_EL2 { mmu.tlb.invalidateAll() }
                updateTranslationRegime()
            }
        case .MDCR_EL2: pmuPartitionChanged(value)   // HPMN and HPME decide which counters run
        case .OSLAR_EL1:
            // Writing OSLK sets or clears the OS lock, which OSLSR_EL1.OSLK (bit 1) reports.
            sysregs[SysReg.OSLSR_EL1] = (sysregs[SysReg.OSLSR_EL1] & ~2) | (value & 1) << 1
            updateDebugArmed()
        case .MDSCR_EL1, .OSDLR_EL1, .DBGBVR0_EL1, .DBGBVR1_EL1, .DBGBVR2_EL1, .DBGBVR3_EL1, .DBGBVR4_EL1,
             .DBGBVR5_EL1, .DBGBCR0_EL1, .DBGBCR1_EL1, .DBGBCR2_EL1, .DBGBCR3_EL1, .DBGBCR4_EL1, .DBGBCR5_EL1,
             .DBGWVR0_EL1, .DBGWVR1_EL1, .DBGWVR2_EL1, .DBGWVR3_EL1, .DBGWCR0_EL1, .DBGWCR1_EL1, .DBGWCR2_EL1,
             .DBGWCR3_EL1:
            // Self-hosted debug: whether anything can fire now (Debug/SelfHostedDebug.swift).
            sysregs[r] = value
            updateDebugArmed()
        // ARMv8.0 FPCR: AHP, DN, FZ, RMode (bits 26..22); no trapped FP exceptions, so the
        // enable bits are RAZ/WI. FPSR: QC and the cumulative flags IDC, IXC, UFC, OFC, DZC, IOC.
        // CPACR bits 31:30 are AArch32's ASEDIS and D32DIS: disabling Advanced SIMD, or D16-D31,
        // is not supported, so they are RAZ/WI (RES0 in the AArch64 view).
        case .CPACR_EL1: sysregs[r] = value & ~0xC000_0000
        case .FPCR: sysregs[r] = value & 0x07C0_0000
        case .FPSR: sysregs[r] = value & 0x0800_009F
        case .DBGCLAIMSET_EL1: sysregs[SysReg.DBGCLAIMCLR_EL1] |= value & 0xFF
        case .DBGCLAIMCLR_EL1: sysregs[SysReg.DBGCLAIMCLR_EL1] &= ~(value & 0xFF)
        default: sysregs[r] = value
        }
    }
}
