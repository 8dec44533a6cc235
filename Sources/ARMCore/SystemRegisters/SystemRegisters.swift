/// Every system register armvm implements, by its Arm ARM name. `SysReg.table` (below) gives
/// each one's AArch64 and AArch32 encodings, access rules, provider and reset value, in the same
/// order as these cases.
public enum SysReg: Int, CaseIterable {
    // Special-purpose (ARM DDI 0487, C5.2)
    case NZCV, DAIF, CurrentEL, SPSel, SP_EL0, SP_EL1, ELR_EL1, SPSR_EL1, ELR_EL2, SPSR_EL2, FPCR, FPSR
    // Identification (D17.2)
    case MIDR_EL1, MPIDR_EL1, REVIDR_EL1, ID_PFR0_EL1, ID_PFR1_EL1, ID_DFR0_EL1, ID_AFR0_EL1
    case ID_MMFR0_EL1, ID_MMFR1_EL1, ID_MMFR2_EL1, ID_MMFR3_EL1
    case ID_ISAR0_EL1, ID_ISAR1_EL1, ID_ISAR2_EL1, ID_ISAR3_EL1, ID_ISAR4_EL1, ID_ISAR5_EL1
    case MVFR0_EL1, MVFR1_EL1, MVFR2_EL1
    case ID_AA64PFR0_EL1, ID_AA64PFR1_EL1, ID_AA64DFR0_EL1, ID_AA64DFR1_EL1, ID_AA64AFR0_EL1, ID_AA64AFR1_EL1
    case ID_AA64ISAR0_EL1, ID_AA64ISAR1_EL1, ID_AA64MMFR0_EL1, ID_AA64MMFR1_EL1
    /// Any other encoding in the ID space op0=3, op1=0, CRn=0, CRm=1..7: reads as zero (D17.2).
    case ID_RESERVED
    case CCSIDR_EL1, CLIDR_EL1, AIDR_EL1, CSSELR_EL1, CTR_EL0, DCZID_EL0
    // EL1 and EL0 state
    case SCTLR_EL1, ACTLR_EL1, CPACR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1
    case AFSR0_EL1, AFSR1_EL1, ESR_EL1, FAR_EL1, PAR_EL1, MAIR_EL1, AMAIR_EL1
    case VBAR_EL1, ISR_EL1, CONTEXTIDR_EL1, TPIDR_EL1, TPIDR_EL0, TPIDRRO_EL0, CNTKCTL_EL1
    // Debug, as far as an OS touches it when no debugger is attached
    case MDSCR_EL1, MDCCSR_EL0, MDRAR_EL1, OSLAR_EL1, OSLSR_EL1, OSDLR_EL1
    case DBGBVR0_EL1, DBGBVR1_EL1, DBGBVR2_EL1, DBGBVR3_EL1, DBGBVR4_EL1, DBGBVR5_EL1
    case DBGBCR0_EL1, DBGBCR1_EL1, DBGBCR2_EL1, DBGBCR3_EL1, DBGBCR4_EL1, DBGBCR5_EL1
    case DBGWVR0_EL1, DBGWVR1_EL1, DBGWVR2_EL1, DBGWVR3_EL1
    case DBGWCR0_EL1, DBGWCR1_EL1, DBGWCR2_EL1, DBGWCR3_EL1
    case DBGCLAIMSET_EL1, DBGCLAIMCLR_EL1, DBGAUTHSTATUS_EL1
    // Generic timer: the rows marked `.timer` are the GenericTimer module's; the controls are storage
    case CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0
    case CNTP_TVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTV_TVAL_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0
    case CNTHCTL_EL2, CNTVOFF_EL2, CNTHP_TVAL_EL2, CNTHP_CTL_EL2, CNTHP_CVAL_EL2
    // Performance Monitors (PMUv3, D11): values and behaviour in PMU.swift
    case PMCR_EL0, PMCNTENSET_EL0, PMCNTENCLR_EL0, PMOVSCLR_EL0, PMSWINC_EL0, PMSELR_EL0, PMCEID0_EL0, PMCEID1_EL0
    case PMCCNTR_EL0, PMXEVTYPER_EL0, PMXEVCNTR_EL0, PMUSERENR_EL0, PMINTENSET_EL1, PMINTENCLR_EL1, PMOVSSET_EL0
    case PMEVCNTR0_EL0, PMEVCNTR1_EL0, PMEVCNTR2_EL0, PMEVCNTR3_EL0, PMEVCNTR4_EL0, PMEVCNTR5_EL0
    case PMEVTYPER0_EL0, PMEVTYPER1_EL0, PMEVTYPER2_EL0, PMEVTYPER3_EL0, PMEVTYPER4_EL0, PMEVTYPER5_EL0
    case PMCCFILTR_EL0
    // EL2
    case VPIDR_EL2, VMPIDR_EL2, SCTLR_EL2, ACTLR_EL2, HCR_EL2, MDCR_EL2, CPTR_EL2, HSTR_EL2, HACR_EL2
    case TTBR0_EL2, TCR_EL2, VTTBR_EL2, VTCR_EL2
    case AFSR0_EL2, AFSR1_EL2, ESR_EL2, FAR_EL2, HPFAR_EL2, MAIR_EL2, AMAIR_EL2, VBAR_EL2, TPIDR_EL2
    // AArch32 EL1 state that has no AArch64 EL1 register of its own (D1.20.2): the SPSRs of the
    // abt, und, irq and fiq modes, DACR, IFSR and FPEXC, kept here for EL2 to save and restore.
    case SPSR_irq, SPSR_abt, SPSR_und, SPSR_fiq, DACR32_EL2, IFSR32_EL2, FPEXC32_EL2
    // GICv3 CPU interface (ARM IHI 0069, chapter 12): provided by `CPU.interruptControllerRegisters`,
    // UNDEFINED when none is connected.
    case ICC_PMR_EL1, ICC_IAR0_EL1, ICC_EOIR0_EL1, ICC_HPPIR0_EL1, ICC_BPR0_EL1, ICC_AP0R0_EL1, ICC_AP1R0_EL1
    case ICC_DIR_EL1, ICC_RPR_EL1, ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1
    case ICC_IAR1_EL1, ICC_EOIR1_EL1, ICC_HPPIR1_EL1, ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1
    case ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_SRE_EL2
    case ICH_AP0R0_EL2, ICH_AP1R0_EL2, ICH_HCR_EL2, ICH_VTR_EL2, ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2
    case ICH_VMCR_EL2, ICH_LR0_EL2, ICH_LR1_EL2, ICH_LR2_EL2, ICH_LR3_EL2
}

/// Who provides a register's value.
public enum SysRegProvider: UInt8 {
    /// The core: storage in `CPU.sysregs`, or behaviour in `readSysReg`/`writeSysReg`.
    case core
    /// `CPU.timerRegisters` (the GenericTimer module); storage when none is connected.
    case timer
    /// `CPU.interruptControllerRegisters` (a GICv3 CPU interface); UNDEFINED when none is connected.
    case interruptController
}

/// Who may access a register, before any trap control is consulted.
public enum SysRegAccess: UInt8 {
    case el0RW, el0RO, el0ROel1RW, el1RW, el1RO, el1WO, el2RW, el2RO
    /// Minimum exception level for any access.
    var minEL: UInt8 {
        switch self {
        case .el0RW, .el0RO, .el0ROel1RW: return 0
        case .el1RW, .el1RO, .el1WO: return 1
        case .el2RW, .el2RO: return 2
        }
    }
}

/// HCR_EL2 controls that trap EL1 (and EL0) accesses to EL2 (ARM DDI 0487, D13.2.46).
public enum SysRegTrapGroup: UInt8 {
    case none
    /// HCR_EL2.TID1: REVIDR, AIDR.
    case tid1
    /// HCR_EL2.TID2: CTR, CCSIDR, CLIDR, CSSELR.
    case tid2
    /// HCR_EL2.TID3: the ID_* group 3 registers.
    case tid3
    /// HCR_EL2.TVM (writes) and TRVM (reads): the virtual-memory controls.
    case vm
    /// MDCR_EL2.TDA (or TDE): the debug registers not covered by TDOSA and TDRA (D13.3.4).
    case debug
    /// MDCR_EL2.TDOSA (or TDE): the OS lock and power-down registers.
    case debugOS
    /// MDCR_EL2.TDRA (or TDE): the debug ROM address register.
    case debugROM
    /// CPTR_EL2.TCPAC: CPACR_EL1 (D13.2.32).
    case cpacr
    /// HCR_EL2.TACR: ACTLR_EL1.
    case tacr
    /// The generic timer, gated at EL0 by CNTKCTL_EL1 (D13.8.19) and at EL1 by CNTHCTL_EL2
    /// (D13.8.15): CNTFRQ (EL0PCTEN or EL0VCTEN), CNTPCT (EL0PCTEN; EL1PCTEN), CNTVCT
    /// (EL0VCTEN), the physical timer (EL0PTEN; EL1PCEN), the virtual timer (EL0VTEN).
    case timerFrequency, physicalCounter, virtualCounter, physicalTimer, virtualTimer
    /// The Performance Monitors: PMUSERENR_EL0 at EL0, MDCR_EL2.TPM/TPMCR and HPMN
    /// (`CPU.checkPMUAccess`, PMU.swift).
    case pmu
    /// GICv3 SGI generation (ICC_SGI0R/SGI1R/ASGI1R_EL1): trapped to EL2 by HCR_EL2.IMO or FMO
    /// (IHI 0069, 12.2 "ICC_SGI1R_EL1 ... Accessibility").
    case gicSGI
}

/// One AArch32 encoding of a register: a CP15 or CP14 MCR/MRC (coproc, opc1, CRn, CRm, opc2)
/// or MCRR/MRRC (coproc, opc1, CRm), and the bits of the AArch64 register it is. AArch32
/// registers are views of the AArch64 ones (ARM DDI 0487, G8 "AArch32 System Register
/// Descriptions", and the mapping of D1.20.2): SCTLR is SCTLR_EL1[31:0], IFAR is
/// FAR_EL1[63:32], DACR is DACR32_EL2.
public struct AArch32View {
    /// Which bits of the AArch64 register the AArch32 one is.
    public enum Part: UInt8 { case whole, low, high }
    /// What PL0 may do: AArch32 EL0 reaches fewer registers than the AArch64 access allows
    /// (CTR, for one, is EL0-readable only in AArch64).
    public enum PL0: UInt8 { case none, read, readWrite }
    public let name: String
    public let coproc: UInt8, opc1: UInt8, crn: UInt8, crm: UInt8, opc2: UInt8
    /// MCRR/MRRC: a 64-bit transfer; CRn and opc2 are unused.
    public let is64: Bool
    public let part: Part
    public let pl0: PL0
    /// An AArch32 EL1 register that AArch64 keeps in an EL2 register (DACR, IFSR): EL1 owns it,
    /// and only HCR_EL2.TVM/TRVM trap it (D13.2.48), not the AArch64 register's EL2-only access.
    public let ownedByEL1: Bool

    /// MCR/MRC p15: opc1, CRn, CRm, opc2 in the order the instruction names them.
    static func cp15(_ name: String, _ opc1: UInt8, _ crn: UInt8, _ crm: UInt8, _ opc2: UInt8, _ part: Part = .low,
                     pl0: PL0 = .none, ownedByEL1: Bool = false) -> AArch32View {
        AArch32View(name: name, coproc: 15, opc1: opc1, crn: crn, crm: crm, opc2: opc2, is64: false, part: part, pl0: pl0,
                    ownedByEL1: ownedByEL1)
    }

    /// MCR/MRC p14 (the debug registers).
    static func cp14(_ name: String, _ opc1: UInt8, _ crn: UInt8, _ crm: UInt8, _ opc2: UInt8,
                     pl0: PL0 = .none) -> AArch32View {
        AArch32View(name: name, coproc: 14, opc1: opc1, crn: crn, crm: crm, opc2: opc2, is64: false, part: .low, pl0: pl0,
                    ownedByEL1: false)
    }

    /// MCRR/MRRC p15: the whole 64-bit register through Rt (low) and Rt2 (high).
    static func cp15x64(_ name: String, _ opc1: UInt8, _ crm: UInt8, pl0: PL0 = .none) -> AArch32View {
        AArch32View(name: name, coproc: 15, opc1: opc1, crn: 0, crm: crm, opc2: 0, is64: true, part: .whole, pl0: pl0,
                    ownedByEL1: false)
    }

    /// The dispatch key: coproc:opc1:CRn:CRm:opc2 as the A32 decoder packs an MCR/MRC, or
    /// coproc:opc1:CRm as it packs an MCRR/MRRC.
    var key: UInt32 {
        is64 ? UInt32(coproc) << 8 | UInt32(opc1) << 4 | UInt32(crm)
            : UInt32(coproc) << 16 | UInt32(opc1) << 12 | UInt32(crn) << 8 | UInt32(crm) << 4 | UInt32(opc2)
    }
}

/// One row of `SysReg.table`: everything about a register but its behaviour.
public struct SysRegInfo {
    public let reg: SysReg
    public let op0: UInt8, op1: UInt8, crn: UInt8, crm: UInt8, op2: UInt8
    public let access: SysRegAccess
    public let trap: SysRegTrapGroup
    public let provider: SysRegProvider
    /// Its AArch32 encodings, if AArch32 sees it: several when AArch32 splits it (FAR_EL1 is
    /// DFAR and IFAR).
    public let aarch32: [AArch32View]
    /// The value at reset when it is a constant; nil for zero or a value taken from `CPUConfig`.
    public let reset: UInt64?
    /// The 16-bit key op0:op1:CRn:CRm:op2, as MRS/MSR encode it in bits 20..5.
    public var key: UInt16 { SysReg.key(op0, op1, crn, crm, op2) }
    public var name: String { String(describing: reg) }
}

extension SysReg {
    public static func key(_ op0: UInt8, _ op1: UInt8, _ crn: UInt8, _ crm: UInt8, _ op2: UInt8) -> UInt16 {
        UInt16(op0 & 3) << 14 | UInt16(op1 & 7) << 11 | UInt16(crn & 15) << 7 | UInt16(crm & 15) << 3 | UInt16(op2 & 7)
    }

    public var info: SysRegInfo { SysReg.table[rawValue] }
    /// Who provides the register, from a flat array: read on every MRS/MSR.
    public var provider: SysRegProvider { SysReg.providers[rawValue] }

    private static func r(_ reg: SysReg, _ op0: UInt8, _ op1: UInt8, _ crn: UInt8, _ crm: UInt8, _ op2: UInt8,
                          _ access: SysRegAccess, _ trap: SysRegTrapGroup = .none, provider: SysRegProvider = .core,
                          a32: [AArch32View] = [], reset: UInt64? = nil) -> SysRegInfo {
        SysRegInfo(reg: reg, op0: op0, op1: op1, crn: crn, crm: crm, op2: op2, access: access, trap: trap,
                   provider: provider, aarch32: a32, reset: reset)
    }

    private static func cp15(_ name: String, _ opc1: UInt8, _ crn: UInt8, _ crm: UInt8, _ opc2: UInt8,
                             _ part: AArch32View.Part = .low, pl0: AArch32View.PL0 = .none,
                             ownedByEL1: Bool = false) -> AArch32View {
        AArch32View.cp15(name, opc1, crn, crm, opc2, part, pl0: pl0, ownedByEL1: ownedByEL1)
    }

    private static func cp14(_ name: String, _ opc1: UInt8, _ crn: UInt8, _ crm: UInt8, _ opc2: UInt8,
                             pl0: AArch32View.PL0 = .none) -> AArch32View {
        AArch32View.cp14(name, opc1, crn, crm, opc2, pl0: pl0)
    }

    private static func cp15x64(_ name: String, _ opc1: UInt8, _ crm: UInt8, pl0: AArch32View.PL0 = .none) -> AArch32View {
        AArch32View.cp15x64(name, opc1, crm, pl0: pl0)
    }

    /// The table, in the enum's order: name, AArch64 encoding (op0, op1, CRn, CRm, op2), access,
    /// trap group, the provider when it is not the core, then the AArch32 encodings (MCR/MRC:
    /// opc1, CRn, CRm, opc2; MCRR/MRRC: opc1, CRm) and the reset value. An AArch32 view without
    /// a part is the low half.
    public static let table: [SysRegInfo] = [
        r(.NZCV, 3, 3, 4, 2, 0, .el0RW),
        r(.DAIF, 3, 3, 4, 2, 1, .el0RW),
        r(.CurrentEL, 3, 0, 4, 2, 2, .el1RO),
        r(.SPSel, 3, 0, 4, 2, 0, .el1RW),
        r(.SP_EL0, 3, 0, 4, 1, 0, .el1RW),
        r(.SP_EL1, 3, 4, 4, 1, 0, .el2RW),
        r(.ELR_EL1, 3, 0, 4, 0, 1, .el1RW),
        r(.SPSR_EL1, 3, 0, 4, 0, 0, .el1RW),
        r(.ELR_EL2, 3, 4, 4, 0, 1, .el2RW),
        r(.SPSR_EL2, 3, 4, 4, 0, 0, .el2RW),
        r(.FPCR, 3, 3, 4, 4, 0, .el0RW),
        r(.FPSR, 3, 3, 4, 4, 1, .el0RW),

        // MIDR, MPIDR and their virtual copies come from CPUConfig (`resetSystemRegisters`).
        r(.MIDR_EL1, 3, 0, 0, 0, 0, .el1RO, a32: [cp15("MIDR", 0, 0, 0, 0)]),
        r(.MPIDR_EL1, 3, 0, 0, 0, 5, .el1RO, a32: [cp15("MPIDR", 0, 0, 0, 5)]),
        r(.REVIDR_EL1, 3, 0, 0, 0, 6, .el1RO, .tid1, a32: [cp15("REVIDR", 0, 0, 0, 6)]),
        // The AArch32 identification registers, as a Cortex-A57 reports them where armvm has the
        // feature, and 0 where it has not yet: no EL3 (ID_PFR1.Security), no AArch32 EL2
        // (Virtualization), no VFP half-precision conversions (MVFR1.FPHP) and none of the
        // ARMv8 VFP additions (MVFR2.FPMisc). MVFR0: VFPv4 single and double, 32 D registers,
        // divide and square root, all rounding modes, no short vectors. MVFR1: Advanced SIMD
        // integer, single precision, loads/stores, fused multiply-add and F16<->F32
        // conversions, with default NaN and flush-to-zero; MVFR2.SIMDMisc = 4: VRINT,
        // VCVTA/N/P/M, VMAXNM/VMINNM. ID_ISAR5: SEVL, AES with VMULL.P64 (2), SHA1, SHA2,
        // CRC32; RDM = 0, as in ID_AA64ISAR0 (an ARMv8.0 core: VQRDMLAH/VQRDMLSH are
        // UNDEFINED). ID_MMFR0.VMSA = 5: the long-descriptor format; ID_ISAR0.Divide = 2.
        r(.ID_PFR0_EL1, 3, 0, 0, 1, 0, .el1RO, .tid3, a32: [cp15("ID_PFR0", 0, 0, 1, 0)], reset: 0x0000_0131),
        r(.ID_PFR1_EL1, 3, 0, 0, 1, 1, .el1RO, .tid3, a32: [cp15("ID_PFR1", 0, 0, 1, 1)], reset: 0x0001_0001),
        r(.ID_DFR0_EL1, 3, 0, 0, 1, 2, .el1RO, .tid3, a32: [cp15("ID_DFR0", 0, 0, 1, 2)], reset: 0x0301_0066),
        r(.ID_AFR0_EL1, 3, 0, 0, 1, 3, .el1RO, .tid3, a32: [cp15("ID_AFR0", 0, 0, 1, 3)]),
        r(.ID_MMFR0_EL1, 3, 0, 0, 1, 4, .el1RO, .tid3, a32: [cp15("ID_MMFR0", 0, 0, 1, 4)], reset: 0x1010_1105),
        r(.ID_MMFR1_EL1, 3, 0, 0, 1, 5, .el1RO, .tid3, a32: [cp15("ID_MMFR1", 0, 0, 1, 5)], reset: 0x4000_0000),
        r(.ID_MMFR2_EL1, 3, 0, 0, 1, 6, .el1RO, .tid3, a32: [cp15("ID_MMFR2", 0, 0, 1, 6)], reset: 0x0126_0000),
        r(.ID_MMFR3_EL1, 3, 0, 0, 1, 7, .el1RO, .tid3, a32: [cp15("ID_MMFR3", 0, 0, 1, 7)], reset: 0x0210_2211),
        r(.ID_ISAR0_EL1, 3, 0, 0, 2, 0, .el1RO, .tid3, a32: [cp15("ID_ISAR0", 0, 0, 2, 0)], reset: 0x0210_1110),
        r(.ID_ISAR1_EL1, 3, 0, 0, 2, 1, .el1RO, .tid3, a32: [cp15("ID_ISAR1", 0, 0, 2, 1)], reset: 0x1311_2111),
        r(.ID_ISAR2_EL1, 3, 0, 0, 2, 2, .el1RO, .tid3, a32: [cp15("ID_ISAR2", 0, 0, 2, 2)], reset: 0x2123_2042),
        r(.ID_ISAR3_EL1, 3, 0, 0, 2, 3, .el1RO, .tid3, a32: [cp15("ID_ISAR3", 0, 0, 2, 3)], reset: 0x0111_2131),
        r(.ID_ISAR4_EL1, 3, 0, 0, 2, 4, .el1RO, .tid3, a32: [cp15("ID_ISAR4", 0, 0, 2, 4)], reset: 0x0001_1142),
        r(.ID_ISAR5_EL1, 3, 0, 0, 2, 5, .el1RO, .tid3, a32: [cp15("ID_ISAR5", 0, 0, 2, 5)], reset: 0x0001_1121),
        // MVFR0-2 are read by VMRS in AArch32, not through CP15.
        r(.MVFR0_EL1, 3, 0, 0, 3, 0, .el1RO, .tid3, reset: 0x1011_0222),
        r(.MVFR1_EL1, 3, 0, 0, 3, 1, .el1RO, .tid3, reset: 0x1011_1111),
        r(.MVFR2_EL1, 3, 0, 0, 3, 2, .el1RO, .tid3, reset: 0x0000_0004),
        // ID_AA64PFR0_EL1 depends on EL2 being implemented (`resetSystemRegisters`).
        r(.ID_AA64PFR0_EL1, 3, 0, 0, 4, 0, .el1RO, .tid3),
        r(.ID_AA64PFR1_EL1, 3, 0, 0, 4, 1, .el1RO, .tid3),
        // Armv8 debug, 6 breakpoints, 4 watchpoints, 2 context-aware; PMUVer = 1, PMUv3 (PMU.swift).
        r(.ID_AA64DFR0_EL1, 3, 0, 0, 5, 0, .el1RO, .tid3, reset: 0x1030_5106),
        r(.ID_AA64DFR1_EL1, 3, 0, 0, 5, 1, .el1RO, .tid3),
        r(.ID_AA64AFR0_EL1, 3, 0, 0, 5, 4, .el1RO, .tid3),
        r(.ID_AA64AFR1_EL1, 3, 0, 0, 5, 5, .el1RO, .tid3),
        // AES with PMULL (2), SHA1 (1), SHA256 (1), CRC32 (1); nothing later.
        r(.ID_AA64ISAR0_EL1, 3, 0, 0, 6, 0, .el1RO, .tid3, reset: 0x2 << 4 | 0x1 << 8 | 0x1 << 12 | 0x1 << 16),
        r(.ID_AA64ISAR1_EL1, 3, 0, 0, 6, 1, .el1RO, .tid3),
        // 44-bit PA, 16-bit ASIDs, 4K and 64K granules, 16K granule supported.
        r(.ID_AA64MMFR0_EL1, 3, 0, 0, 7, 0, .el1RO, .tid3, reset: 0x4 | 0x2 << 4 | 0x1 << 20),
        r(.ID_AA64MMFR1_EL1, 3, 0, 0, 7, 1, .el1RO, .tid3),
        // Not a real encoding: stands for every unlisted one in the RAZ ID space.
        r(.ID_RESERVED, 3, 0, 0, 1, 0, .el1RO, .tid3),
        r(.CCSIDR_EL1, 3, 1, 0, 0, 0, .el1RO, .tid2, a32: [cp15("CCSIDR", 1, 0, 0, 0)]),
        r(.CLIDR_EL1, 3, 1, 0, 0, 1, .el1RO, .tid2, a32: [cp15("CLIDR", 1, 0, 0, 1)],
          reset: 0x0A20_0023),                                       // L1 I+D, L2 unified
        r(.AIDR_EL1, 3, 1, 0, 0, 7, .el1RO, .tid1, a32: [cp15("AIDR", 1, 0, 0, 7)]),
        r(.CSSELR_EL1, 3, 2, 0, 0, 0, .el1RW, .tid2, a32: [cp15("CSSELR", 2, 0, 0, 0)]),
        r(.CTR_EL0, 3, 3, 0, 0, 1, .el0RO, .tid2, a32: [cp15("CTR", 0, 0, 0, 1)],
          reset: 0x8444_C004),                                       // Cortex-A57: 64-byte lines, PIPT I-cache
        // DCZID_EL0 comes from CPUConfig.
        r(.DCZID_EL0, 3, 3, 0, 0, 7, .el0RO),

        // RES1 bits of SCTLR_EL1 (D13.2.118).
        r(.SCTLR_EL1, 3, 0, 1, 0, 0, .el1RW, .vm, a32: [cp15("SCTLR", 0, 1, 0, 0)], reset: 0x30D0_0800),
        r(.ACTLR_EL1, 3, 0, 1, 0, 1, .el1RW, .tacr, a32: [cp15("ACTLR", 0, 1, 0, 1)]),
        r(.CPACR_EL1, 3, 0, 1, 0, 2, .el1RW, .cpacr, a32: [cp15("CPACR", 0, 1, 0, 2)]),
        r(.TTBR0_EL1, 3, 0, 2, 0, 0, .el1RW, .vm, a32: [cp15("TTBR0", 0, 2, 0, 0), cp15x64("TTBR0", 0, 2)]),
        r(.TTBR1_EL1, 3, 0, 2, 0, 1, .el1RW, .vm, a32: [cp15("TTBR1", 0, 2, 0, 1), cp15x64("TTBR1", 1, 2)]),
        r(.TCR_EL1, 3, 0, 2, 0, 2, .el1RW, .vm, a32: [cp15("TTBCR", 0, 2, 0, 2)]),
        r(.AFSR0_EL1, 3, 0, 5, 1, 0, .el1RW, .vm, a32: [cp15("ADFSR", 0, 5, 1, 0)]),
        r(.AFSR1_EL1, 3, 0, 5, 1, 1, .el1RW, .vm, a32: [cp15("AIFSR", 0, 5, 1, 1)]),
        r(.ESR_EL1, 3, 0, 5, 2, 0, .el1RW, .vm, a32: [cp15("DFSR", 0, 5, 0, 0)]),
        r(.FAR_EL1, 3, 0, 6, 0, 0, .el1RW, .vm, a32: [cp15("DFAR", 0, 6, 0, 0), cp15("IFAR", 0, 6, 0, 2, .high)]),
        r(.PAR_EL1, 3, 0, 7, 4, 0, .el1RW, a32: [cp15("PAR", 0, 7, 4, 0), cp15x64("PAR", 0, 7)]),
        r(.MAIR_EL1, 3, 0, 10, 2, 0, .el1RW, .vm, a32: [cp15("PRRR", 0, 10, 2, 0), cp15("NMRR", 0, 10, 2, 1, .high)]),
        r(.AMAIR_EL1, 3, 0, 10, 3, 0, .el1RW, .vm, a32: [cp15("AMAIR0", 0, 10, 3, 0), cp15("AMAIR1", 0, 10, 3, 1, .high)]),
        r(.VBAR_EL1, 3, 0, 12, 0, 0, .el1RW, a32: [cp15("VBAR", 0, 12, 0, 0)]),
        r(.ISR_EL1, 3, 0, 12, 1, 0, .el1RO, a32: [cp15("ISR", 0, 12, 1, 0)]),
        r(.CONTEXTIDR_EL1, 3, 0, 13, 0, 1, .el1RW, .vm, a32: [cp15("CONTEXTIDR", 0, 13, 0, 1)]),
        r(.TPIDR_EL1, 3, 0, 13, 0, 4, .el1RW, a32: [cp15("TPIDRPRW", 0, 13, 0, 4)]),
        r(.TPIDR_EL0, 3, 3, 13, 0, 2, .el0RW, a32: [cp15("TPIDRURW", 0, 13, 0, 2, pl0: .readWrite)]),
        r(.TPIDRRO_EL0, 3, 3, 13, 0, 3, .el0ROel1RW, a32: [cp15("TPIDRURO", 0, 13, 0, 3, pl0: .read)]),
        r(.CNTKCTL_EL1, 3, 0, 14, 1, 0, .el1RW, a32: [cp15("CNTKCTL", 0, 14, 1, 0)]),

        r(.MDSCR_EL1, 2, 0, 0, 2, 2, .el1RW, .debug, a32: [cp14("DBGDSCRext", 0, 0, 2, 2)]),
        r(.MDCCSR_EL0, 2, 3, 0, 1, 0, .el1RO, .debug, a32: [cp14("DBGDSCRint", 0, 0, 1, 0, pl0: .read)]),
        r(.MDRAR_EL1, 2, 0, 1, 0, 0, .el1RO, .debugROM),
        r(.OSLAR_EL1, 2, 0, 1, 0, 4, .el1WO, .debugOS, a32: [cp14("DBGOSLAR", 0, 1, 0, 4)]),
        // OS lock implemented and locked at reset.
        r(.OSLSR_EL1, 2, 0, 1, 1, 4, .el1RO, .debugOS, a32: [cp14("DBGOSLSR", 0, 1, 1, 4)], reset: 0xA),
        r(.OSDLR_EL1, 2, 0, 1, 3, 4, .el1RW, .debugOS, a32: [cp14("DBGOSDLR", 0, 1, 3, 4)]),
        r(.DBGBVR0_EL1, 2, 0, 0, 0, 4, .el1RW, .debug, a32: [cp14("DBGBVR0", 0, 0, 0, 4)]),
        r(.DBGBVR1_EL1, 2, 0, 0, 1, 4, .el1RW, .debug, a32: [cp14("DBGBVR1", 0, 0, 1, 4)]),
        r(.DBGBVR2_EL1, 2, 0, 0, 2, 4, .el1RW, .debug, a32: [cp14("DBGBVR2", 0, 0, 2, 4)]),
        r(.DBGBVR3_EL1, 2, 0, 0, 3, 4, .el1RW, .debug, a32: [cp14("DBGBVR3", 0, 0, 3, 4)]),
        r(.DBGBVR4_EL1, 2, 0, 0, 4, 4, .el1RW, .debug, a32: [cp14("DBGBVR4", 0, 0, 4, 4)]),
        r(.DBGBVR5_EL1, 2, 0, 0, 5, 4, .el1RW, .debug, a32: [cp14("DBGBVR5", 0, 0, 5, 4)]),
        r(.DBGBCR0_EL1, 2, 0, 0, 0, 5, .el1RW, .debug, a32: [cp14("DBGBCR0", 0, 0, 0, 5)]),
        r(.DBGBCR1_EL1, 2, 0, 0, 1, 5, .el1RW, .debug, a32: [cp14("DBGBCR1", 0, 0, 1, 5)]),
        r(.DBGBCR2_EL1, 2, 0, 0, 2, 5, .el1RW, .debug, a32: [cp14("DBGBCR2", 0, 0, 2, 5)]),
        r(.DBGBCR3_EL1, 2, 0, 0, 3, 5, .el1RW, .debug, a32: [cp14("DBGBCR3", 0, 0, 3, 5)]),
        r(.DBGBCR4_EL1, 2, 0, 0, 4, 5, .el1RW, .debug, a32: [cp14("DBGBCR4", 0, 0, 4, 5)]),
        r(.DBGBCR5_EL1, 2, 0, 0, 5, 5, .el1RW, .debug, a32: [cp14("DBGBCR5", 0, 0, 5, 5)]),
        r(.DBGWVR0_EL1, 2, 0, 0, 0, 6, .el1RW, .debug, a32: [cp14("DBGWVR0", 0, 0, 0, 6)]),
        r(.DBGWVR1_EL1, 2, 0, 0, 1, 6, .el1RW, .debug, a32: [cp14("DBGWVR1", 0, 0, 1, 6)]),
        r(.DBGWVR2_EL1, 2, 0, 0, 2, 6, .el1RW, .debug, a32: [cp14("DBGWVR2", 0, 0, 2, 6)]),
        r(.DBGWVR3_EL1, 2, 0, 0, 3, 6, .el1RW, .debug, a32: [cp14("DBGWVR3", 0, 0, 3, 6)]),
        r(.DBGWCR0_EL1, 2, 0, 0, 0, 7, .el1RW, .debug, a32: [cp14("DBGWCR0", 0, 0, 0, 7)]),
        r(.DBGWCR1_EL1, 2, 0, 0, 1, 7, .el1RW, .debug, a32: [cp14("DBGWCR1", 0, 0, 1, 7)]),
        r(.DBGWCR2_EL1, 2, 0, 0, 2, 7, .el1RW, .debug, a32: [cp14("DBGWCR2", 0, 0, 2, 7)]),
        r(.DBGWCR3_EL1, 2, 0, 0, 3, 7, .el1RW, .debug, a32: [cp14("DBGWCR3", 0, 0, 3, 7)]),
        r(.DBGCLAIMSET_EL1, 2, 0, 7, 8, 6, .el1RW, .debug),
        r(.DBGCLAIMCLR_EL1, 2, 0, 7, 9, 6, .el1RW, .debug),
        // Non-secure debug implemented and enabled (unused).
        r(.DBGAUTHSTATUS_EL1, 2, 0, 7, 14, 6, .el1RO, .debug, reset: 0xAA),

        // CNTFRQ_EL0 comes from CPUConfig.
        r(.CNTFRQ_EL0, 3, 3, 14, 0, 0, .el0RO, .timerFrequency, provider: .timer,
          a32: [cp15("CNTFRQ", 0, 14, 0, 0, pl0: .read)]),
        r(.CNTPCT_EL0, 3, 3, 14, 0, 1, .el0RO, .physicalCounter, provider: .timer,
          a32: [cp15x64("CNTPCT", 0, 14, pl0: .read)]),
        r(.CNTVCT_EL0, 3, 3, 14, 0, 2, .el0RO, .virtualCounter, provider: .timer,
          a32: [cp15x64("CNTVCT", 1, 14, pl0: .read)]),
        r(.CNTP_TVAL_EL0, 3, 3, 14, 2, 0, .el0RW, .physicalTimer, provider: .timer,
          a32: [cp15("CNTP_TVAL", 0, 14, 2, 0, pl0: .readWrite)]),
        r(.CNTP_CTL_EL0, 3, 3, 14, 2, 1, .el0RW, .physicalTimer, provider: .timer,
          a32: [cp15("CNTP_CTL", 0, 14, 2, 1, pl0: .readWrite)]),
        r(.CNTP_CVAL_EL0, 3, 3, 14, 2, 2, .el0RW, .physicalTimer, provider: .timer,
          a32: [cp15x64("CNTP_CVAL", 2, 14, pl0: .readWrite)]),
        r(.CNTV_TVAL_EL0, 3, 3, 14, 3, 0, .el0RW, .virtualTimer, provider: .timer,
          a32: [cp15("CNTV_TVAL", 0, 14, 3, 0, pl0: .readWrite)]),
        r(.CNTV_CTL_EL0, 3, 3, 14, 3, 1, .el0RW, .virtualTimer, provider: .timer,
          a32: [cp15("CNTV_CTL", 0, 14, 3, 1, pl0: .readWrite)]),
        r(.CNTV_CVAL_EL0, 3, 3, 14, 3, 2, .el0RW, .virtualTimer, provider: .timer,
          a32: [cp15x64("CNTV_CVAL", 3, 14, pl0: .readWrite)]),
        // EL1PCTEN, EL1PCEN set, as Linux's booting.rst asks of firmware.
        r(.CNTHCTL_EL2, 3, 4, 14, 1, 0, .el2RW, a32: [cp15("CNTHCTL", 4, 14, 1, 0)], reset: 0x3),
        r(.CNTVOFF_EL2, 3, 4, 14, 0, 3, .el2RW, a32: [cp15x64("CNTVOFF", 4, 14)]),
        r(.CNTHP_TVAL_EL2, 3, 4, 14, 2, 0, .el2RW, provider: .timer, a32: [cp15("CNTHP_TVAL", 4, 14, 2, 0)]),
        r(.CNTHP_CTL_EL2, 3, 4, 14, 2, 1, .el2RW, provider: .timer, a32: [cp15("CNTHP_CTL", 4, 14, 2, 1)]),
        r(.CNTHP_CVAL_EL2, 3, 4, 14, 2, 2, .el2RW, provider: .timer, a32: [cp15x64("CNTHP_CVAL", 6, 14)]),

        // Performance Monitors (D11, D13.4): EL0 reaches them as PMUSERENR_EL0 allows, which
        // `checkPMUAccess` decides (so their AArch32 views are PL0-reachable here); their values
        // are `CPU.pmuRead`'s. The AArch32 views are the c9 and c14 encodings of G8.4.
        r(.PMCR_EL0, 3, 3, 9, 12, 0, .el0RW, .pmu, a32: [cp15("PMCR", 0, 9, 12, 0, pl0: .readWrite)]),
        r(.PMCNTENSET_EL0, 3, 3, 9, 12, 1, .el0RW, .pmu, a32: [cp15("PMCNTENSET", 0, 9, 12, 1, pl0: .readWrite)]),
        r(.PMCNTENCLR_EL0, 3, 3, 9, 12, 2, .el0RW, .pmu, a32: [cp15("PMCNTENCLR", 0, 9, 12, 2, pl0: .readWrite)]),
        r(.PMOVSCLR_EL0, 3, 3, 9, 12, 3, .el0RW, .pmu, a32: [cp15("PMOVSR", 0, 9, 12, 3, pl0: .readWrite)]),
        r(.PMSWINC_EL0, 3, 3, 9, 12, 4, .el0RW, .pmu, a32: [cp15("PMSWINC", 0, 9, 12, 4, pl0: .readWrite)]),
        r(.PMSELR_EL0, 3, 3, 9, 12, 5, .el0RW, .pmu, a32: [cp15("PMSELR", 0, 9, 12, 5, pl0: .readWrite)]),
        r(.PMCEID0_EL0, 3, 3, 9, 12, 6, .el0RO, .pmu, a32: [cp15("PMCEID0", 0, 9, 12, 6, pl0: .read)]),
        r(.PMCEID1_EL0, 3, 3, 9, 12, 7, .el0RO, .pmu, a32: [cp15("PMCEID1", 0, 9, 12, 7, pl0: .read)]),
        r(.PMCCNTR_EL0, 3, 3, 9, 13, 0, .el0RW, .pmu,
          a32: [cp15("PMCCNTR", 0, 9, 13, 0, pl0: .readWrite), cp15x64("PMCCNTR", 0, 9, pl0: .readWrite)]),
        r(.PMXEVTYPER_EL0, 3, 3, 9, 13, 1, .el0RW, .pmu, a32: [cp15("PMXEVTYPER", 0, 9, 13, 1, pl0: .readWrite)]),
        r(.PMXEVCNTR_EL0, 3, 3, 9, 13, 2, .el0RW, .pmu, a32: [cp15("PMXEVCNTR", 0, 9, 13, 2, pl0: .readWrite)]),
        r(.PMUSERENR_EL0, 3, 3, 9, 14, 0, .el0ROel1RW, .pmu, a32: [cp15("PMUSERENR", 0, 9, 14, 0, pl0: .read)]),
        r(.PMINTENSET_EL1, 3, 0, 9, 14, 1, .el1RW, .pmu, a32: [cp15("PMINTENSET", 0, 9, 14, 1)]),
        r(.PMINTENCLR_EL1, 3, 0, 9, 14, 2, .el1RW, .pmu, a32: [cp15("PMINTENCLR", 0, 9, 14, 2)]),
        r(.PMOVSSET_EL0, 3, 3, 9, 14, 3, .el0RW, .pmu, a32: [cp15("PMOVSSET", 0, 9, 14, 3, pl0: .readWrite)]),
        r(.PMEVCNTR0_EL0, 3, 3, 14, 8, 0, .el0RW, .pmu, a32: [cp15("PMEVCNTR0", 0, 14, 8, 0, pl0: .readWrite)]),
        r(.PMEVCNTR1_EL0, 3, 3, 14, 8, 1, .el0RW, .pmu, a32: [cp15("PMEVCNTR1", 0, 14, 8, 1, pl0: .readWrite)]),
        r(.PMEVCNTR2_EL0, 3, 3, 14, 8, 2, .el0RW, .pmu, a32: [cp15("PMEVCNTR2", 0, 14, 8, 2, pl0: .readWrite)]),
        r(.PMEVCNTR3_EL0, 3, 3, 14, 8, 3, .el0RW, .pmu, a32: [cp15("PMEVCNTR3", 0, 14, 8, 3, pl0: .readWrite)]),
        r(.PMEVCNTR4_EL0, 3, 3, 14, 8, 4, .el0RW, .pmu, a32: [cp15("PMEVCNTR4", 0, 14, 8, 4, pl0: .readWrite)]),
        r(.PMEVCNTR5_EL0, 3, 3, 14, 8, 5, .el0RW, .pmu, a32: [cp15("PMEVCNTR5", 0, 14, 8, 5, pl0: .readWrite)]),
        r(.PMEVTYPER0_EL0, 3, 3, 14, 12, 0, .el0RW, .pmu, a32: [cp15("PMEVTYPER0", 0, 14, 12, 0, pl0: .readWrite)]),
        r(.PMEVTYPER1_EL0, 3, 3, 14, 12, 1, .el0RW, .pmu, a32: [cp15("PMEVTYPER1", 0, 14, 12, 1, pl0: .readWrite)]),
        r(.PMEVTYPER2_EL0, 3, 3, 14, 12, 2, .el0RW, .pmu, a32: [cp15("PMEVTYPER2", 0, 14, 12, 2, pl0: .readWrite)]),
        r(.PMEVTYPER3_EL0, 3, 3, 14, 12, 3, .el0RW, .pmu, a32: [cp15("PMEVTYPER3", 0, 14, 12, 3, pl0: .readWrite)]),
        r(.PMEVTYPER4_EL0, 3, 3, 14, 12, 4, .el0RW, .pmu, a32: [cp15("PMEVTYPER4", 0, 14, 12, 4, pl0: .readWrite)]),
        r(.PMEVTYPER5_EL0, 3, 3, 14, 12, 5, .el0RW, .pmu, a32: [cp15("PMEVTYPER5", 0, 14, 12, 5, pl0: .readWrite)]),
        r(.PMCCFILTR_EL0, 3, 3, 14, 15, 7, .el0RW, .pmu, a32: [cp15("PMCCFILTR", 0, 14, 15, 7, pl0: .readWrite)]),

        // The Hyp-mode views (opc1 = 4, or 6 for the 64-bit VTTBR and CNTHP_CVAL): HCR and HCR2 are
        // the halves of HCR_EL2, HDFAR and HIFAR of FAR_EL2, HMAIR0/1 of MAIR_EL2 (D1.20.2). Their
        // AArch64 access (EL2 only) makes them UNDEFINED at PL1.
        r(.VPIDR_EL2, 3, 4, 0, 0, 0, .el2RW, a32: [cp15("VPIDR", 4, 0, 0, 0)]),
        r(.VMPIDR_EL2, 3, 4, 0, 0, 5, .el2RW, a32: [cp15("VMPIDR", 4, 0, 0, 5)]),
        // RES1 bits of SCTLR_EL2.
        r(.SCTLR_EL2, 3, 4, 1, 0, 0, .el2RW, a32: [cp15("HSCTLR", 4, 1, 0, 0)], reset: 0x30C5_0830),
        r(.ACTLR_EL2, 3, 4, 1, 0, 1, .el2RW, a32: [cp15("HACTLR", 4, 1, 0, 1)]),
        // EL1 starts in AArch64; RW = 0 makes it AArch32.
        r(.HCR_EL2, 3, 4, 1, 1, 0, .el2RW, a32: [cp15("HCR", 4, 1, 1, 0), cp15("HCR2", 4, 1, 1, 4, .high)], reset: HCR.RW),
        // HPMN = 6, all the event counters (PMU.swift), as MDCR_EL2 resets on the Cortex-A57.
        r(.MDCR_EL2, 3, 4, 1, 1, 1, .el2RW, a32: [cp15("HDCR", 4, 1, 1, 1)], reset: 6),
        r(.CPTR_EL2, 3, 4, 1, 1, 2, .el2RW, a32: [cp15("HCPTR", 4, 1, 1, 2)]),
        r(.HSTR_EL2, 3, 4, 1, 1, 3, .el2RW, a32: [cp15("HSTR", 4, 1, 1, 3)]),
        r(.HACR_EL2, 3, 4, 1, 1, 7, .el2RW, a32: [cp15("HACR", 4, 1, 1, 7)]),
        r(.TTBR0_EL2, 3, 4, 2, 0, 0, .el2RW, a32: [cp15x64("HTTBR", 4, 2)]),
        r(.TCR_EL2, 3, 4, 2, 0, 2, .el2RW, a32: [cp15("HTCR", 4, 2, 0, 2)]),
        r(.VTTBR_EL2, 3, 4, 2, 1, 0, .el2RW, a32: [cp15x64("VTTBR", 6, 2)]),
        r(.VTCR_EL2, 3, 4, 2, 1, 2, .el2RW, a32: [cp15("VTCR", 4, 2, 1, 2)]),
        r(.AFSR0_EL2, 3, 4, 5, 1, 0, .el2RW, a32: [cp15("HADFSR", 4, 5, 1, 0)]),
        r(.AFSR1_EL2, 3, 4, 5, 1, 1, .el2RW, a32: [cp15("HAIFSR", 4, 5, 1, 1)]),
        r(.ESR_EL2, 3, 4, 5, 2, 0, .el2RW, a32: [cp15("HSR", 4, 5, 2, 0)]),
        r(.FAR_EL2, 3, 4, 6, 0, 0, .el2RW, a32: [cp15("HDFAR", 4, 6, 0, 0), cp15("HIFAR", 4, 6, 0, 2, .high)]),
        r(.HPFAR_EL2, 3, 4, 6, 0, 4, .el2RW, a32: [cp15("HPFAR", 4, 6, 0, 4)]),
        r(.MAIR_EL2, 3, 4, 10, 2, 0, .el2RW, a32: [cp15("HMAIR0", 4, 10, 2, 0), cp15("HMAIR1", 4, 10, 2, 1, .high)]),
        r(.AMAIR_EL2, 3, 4, 10, 3, 0, .el2RW, a32: [cp15("HAMAIR0", 4, 10, 3, 0), cp15("HAMAIR1", 4, 10, 3, 1, .high)]),
        r(.VBAR_EL2, 3, 4, 12, 0, 0, .el2RW, a32: [cp15("HVBAR", 4, 12, 0, 0)]),
        r(.TPIDR_EL2, 3, 4, 13, 0, 2, .el2RW, a32: [cp15("HTPIDR", 4, 13, 0, 2)]),
        r(.SPSR_irq, 3, 4, 4, 3, 0, .el2RW),
        r(.SPSR_abt, 3, 4, 4, 3, 1, .el2RW),
        r(.SPSR_und, 3, 4, 4, 3, 2, .el2RW),
        r(.SPSR_fiq, 3, 4, 4, 3, 3, .el2RW),
        r(.DACR32_EL2, 3, 4, 3, 0, 0, .el2RW, a32: [cp15("DACR", 0, 3, 0, 0, ownedByEL1: true)]),
        r(.IFSR32_EL2, 3, 4, 5, 0, 1, .el2RW, a32: [cp15("IFSR", 0, 5, 0, 1, ownedByEL1: true)]),
        r(.FPEXC32_EL2, 3, 4, 5, 3, 0, .el2RW),

        r(.ICC_PMR_EL1, 3, 0, 4, 6, 0, .el1RW, provider: .interruptController),
        r(.ICC_IAR0_EL1, 3, 0, 12, 8, 0, .el1RO, provider: .interruptController),
        r(.ICC_EOIR0_EL1, 3, 0, 12, 8, 1, .el1WO, provider: .interruptController),
        r(.ICC_HPPIR0_EL1, 3, 0, 12, 8, 2, .el1RO, provider: .interruptController),
        r(.ICC_BPR0_EL1, 3, 0, 12, 8, 3, .el1RW, provider: .interruptController),
        r(.ICC_AP0R0_EL1, 3, 0, 12, 8, 4, .el1RW, provider: .interruptController),
        r(.ICC_AP1R0_EL1, 3, 0, 12, 9, 0, .el1RW, provider: .interruptController),
        r(.ICC_DIR_EL1, 3, 0, 12, 11, 1, .el1WO, provider: .interruptController),
        r(.ICC_RPR_EL1, 3, 0, 12, 11, 3, .el1RO, provider: .interruptController),
        r(.ICC_SGI1R_EL1, 3, 0, 12, 11, 5, .el1WO, .gicSGI, provider: .interruptController),
        r(.ICC_ASGI1R_EL1, 3, 0, 12, 11, 6, .el1WO, .gicSGI, provider: .interruptController),
        r(.ICC_SGI0R_EL1, 3, 0, 12, 11, 7, .el1WO, .gicSGI, provider: .interruptController),
        r(.ICC_IAR1_EL1, 3, 0, 12, 12, 0, .el1RO, provider: .interruptController),
        r(.ICC_EOIR1_EL1, 3, 0, 12, 12, 1, .el1WO, provider: .interruptController),
        r(.ICC_HPPIR1_EL1, 3, 0, 12, 12, 2, .el1RO, provider: .interruptController),
        r(.ICC_BPR1_EL1, 3, 0, 12, 12, 3, .el1RW, provider: .interruptController),
        r(.ICC_CTLR_EL1, 3, 0, 12, 12, 4, .el1RW, provider: .interruptController),
        r(.ICC_SRE_EL1, 3, 0, 12, 12, 5, .el1RW, provider: .interruptController),
        r(.ICC_IGRPEN0_EL1, 3, 0, 12, 12, 6, .el1RW, provider: .interruptController),
        r(.ICC_IGRPEN1_EL1, 3, 0, 12, 12, 7, .el1RW, provider: .interruptController),
        r(.ICC_SRE_EL2, 3, 4, 12, 9, 5, .el2RW, provider: .interruptController),
        r(.ICH_AP0R0_EL2, 3, 4, 12, 8, 0, .el2RW, provider: .interruptController),
        r(.ICH_AP1R0_EL2, 3, 4, 12, 9, 0, .el2RW, provider: .interruptController),
        r(.ICH_HCR_EL2, 3, 4, 12, 11, 0, .el2RW, provider: .interruptController),
        r(.ICH_VTR_EL2, 3, 4, 12, 11, 1, .el2RO, provider: .interruptController),
        r(.ICH_MISR_EL2, 3, 4, 12, 11, 2, .el2RO, provider: .interruptController),
        r(.ICH_EISR_EL2, 3, 4, 12, 11, 3, .el2RO, provider: .interruptController),
        r(.ICH_ELRSR_EL2, 3, 4, 12, 11, 5, .el2RO, provider: .interruptController),
        r(.ICH_VMCR_EL2, 3, 4, 12, 11, 7, .el2RW, provider: .interruptController),
        r(.ICH_LR0_EL2, 3, 4, 12, 12, 0, .el2RW, provider: .interruptController),
        r(.ICH_LR1_EL2, 3, 4, 12, 12, 1, .el2RW, provider: .interruptController),
        r(.ICH_LR2_EL2, 3, 4, 12, 12, 2, .el2RW, provider: .interruptController),
        r(.ICH_LR3_EL2, 3, 4, 12, 12, 3, .el2RW, provider: .interruptController),
    ]

    static let providers: [SysRegProvider] = table.map(\.provider)

    /// The constant reset values, gathered once rather than at every CPU's reset.
    static let resetValues: [(SysReg, UInt64)] = table.compactMap { row in row.reset.map { (row.reg, $0) } }

    /// Encoding key to register, built once.
    static let byKey: [UInt16: SysReg] = {
        var d: [UInt16: SysReg] = [:]
        for i in table where i.reg != .ID_RESERVED { d[i.key] = i.reg }
        return d
    }()

    /// The register an MRS/MSR encoding names, or nil when none exists (UNDEFINED).
    public static func lookup(op0: UInt8, op1: UInt8, crn: UInt8, crm: UInt8, op2: UInt8) -> SysReg? {
        if let r = byKey[key(op0, op1, crn, crm, op2)] { return r }
        if op0 == 3 && op1 == 0 && crn == 0 && (1...7).contains(crm) { return .ID_RESERVED }
        return nil
    }
}

extension UnsafeMutablePointer where Pointee == UInt64 {
    @inlinable @inline(__always)
    public subscript(r: SysReg) -> UInt64 {
        get { self[r.rawValue] }
        nonmutating set { self[r.rawValue] = newValue }
    }
}

/// HCR_EL2 bits (ARM DDI 0487, D13.2.46).
public enum HCR {
    public static let VM: UInt64 = 1 << 0
    public static let SWIO: UInt64 = 1 << 1
    public static let FMO: UInt64 = 1 << 3
    public static let IMO: UInt64 = 1 << 4
    public static let AMO: UInt64 = 1 << 5
    public static let VF: UInt64 = 1 << 6
    public static let VI: UInt64 = 1 << 7
    public static let VSE: UInt64 = 1 << 8
    public static let TWI: UInt64 = 1 << 13
    public static let TWE: UInt64 = 1 << 14
    public static let TID0: UInt64 = 1 << 15
    public static let TID1: UInt64 = 1 << 16
    public static let TID2: UInt64 = 1 << 17
    public static let TID3: UInt64 = 1 << 18
    public static let TSC: UInt64 = 1 << 19
    public static let TIDCP: UInt64 = 1 << 20
    public static let TACR: UInt64 = 1 << 21
    public static let TSW: UInt64 = 1 << 22
    public static let TPC: UInt64 = 1 << 23
    public static let TPU: UInt64 = 1 << 24
    public static let TTLB: UInt64 = 1 << 25
    public static let TVM: UInt64 = 1 << 26
    public static let TGE: UInt64 = 1 << 27
    public static let TDZ: UInt64 = 1 << 28
    public static let HCD: UInt64 = 1 << 29
    public static let TRVM: UInt64 = 1 << 30
    public static let RW: UInt64 = 1 << 31
    public static let DC: UInt64 = 1 << 12
    /// Force broadcast: EL1's TLB and instruction-cache maintenance acts as its Inner Shareable form.
    public static let FB: UInt64 = 1 << 9
}

/// SCTLR_ELx bits used by the core (ARM DDI 0487, D13.2.118).
public enum SCTLR {
    public static let M: UInt64 = 1 << 0
    public static let A: UInt64 = 1 << 1
    public static let SA: UInt64 = 1 << 3
    public static let SA0: UInt64 = 1 << 4
    public static let UMA: UInt64 = 1 << 9
    public static let DZE: UInt64 = 1 << 14
    public static let UCT: UInt64 = 1 << 15
    public static let nTWI: UInt64 = 1 << 16
    public static let nTWE: UInt64 = 1 << 18
    public static let UCI: UInt64 = 1 << 26
}

/// MDCR_EL2 trap controls (ARM DDI 0487, D13.2.78).
public enum MDCR {
    /// HPMN, bits 4:0: the event counters below it are EL1's, the rest EL2's.
    public static let HPMN: UInt64 = 0x1F
    public static let TPMCR: UInt64 = 1 << 5
    public static let TPM: UInt64 = 1 << 6
    public static let TDE: UInt64 = 1 << 8
    public static let TDA: UInt64 = 1 << 9
    public static let TDOSA: UInt64 = 1 << 10
    public static let TDRA: UInt64 = 1 << 11
    /// HPME: enables the event counters HPMN and above (EL2's).
    public static let HPME: UInt64 = 1 << 7
}

/// CPTR_EL2 trap controls with HCR_EL2.E2H = 0 (ARM DDI 0487, D13.2.32).
public enum CPTR {
    public static let TFP: UInt64 = 1 << 10
    public static let TTA: UInt64 = 1 << 20
    public static let TCPAC: UInt64 = 1 << 31
}
