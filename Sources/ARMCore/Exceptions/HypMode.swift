/// Hyp mode: EL2 in AArch32, as an ARMv7-A core with the virtualization extensions has it (ARM
/// DDI 0487, G1.12.? "Exceptions taken to Hyp mode", the pseudocode AArch32.EnterHypMode, and
/// ARM DDI 0406C, B1.8 "Exception handling"). The Hyp registers are views of the AArch64 EL2
/// ones (HCR is HCR_EL2[31:0], HSR is ESR_EL2, HVBAR is VBAR_EL2, ELR_hyp is ELR_EL2, SP_hyp is
/// X15: D1.20.1), so an exception to EL2 differs from the AArch64 entry only in where it goes
/// and what it saves: the vector is HVBAR plus an offset of the Hyp vector table, ELR_hyp gets
/// the preferred return address with no offset, and no LR is written.
enum HypMode {
    /// HSCTLR at reset: its RES1 bits (29:28, 23:22, 18, 16, 11, 4:3), MMU and caches off.
    static let hsctlrReset: UInt64 = 0x30C5_0818

    /// The Hyp vector table (G1.12.?, table "Hyp mode vector offsets").
    enum Vector: UInt32 {
        /// Undefined Instruction taken from Hyp mode.
        case undefined = 0x04
        /// HVC (and SVC) executed in Hyp mode.
        case hypervisorCall = 0x08
        /// Prefetch Abort and Data Abort taken from Hyp mode.
        case prefetchAbort = 0x0C, dataAbort = 0x10
        /// Every exception routed to Hyp mode from PL0 or PL1: the traps, HVC, stage-2 aborts.
        case hypTrap = 0x14
        case irq = 0x18, fiq = 0x1C
    }

    /// The Cortex-A15's identification registers (its TRM, "System control registers"), with
    /// two features left out that armvm does not model: ID_PFR1.Security = 0 (no Secure state,
    /// so no EL3) and ID_PFR0.State3 = 0 (no ThumbEE: ENTERX/LEAVEX and TEECR/TEEHBR, which Linux
    /// would otherwise switch on every context switch). MVFR2 and ID_ISAR5 are zero on an ARMv7
    /// core: none of the ARMv8 AArch32 additions (CRC32, AES, SHA, VSEL, VRINT).
    static let cortexA15Identification: [(SysReg, UInt64)] = [
        (.ID_PFR0_EL1, 0x0000_0131), (.ID_PFR1_EL1, 0x0001_1001), (.ID_DFR0_EL1, 0x0201_0555),
        (.ID_AFR0_EL1, 0), (.ID_MMFR0_EL1, 0x1020_1105), (.ID_MMFR1_EL1, 0x2000_0000),
        (.ID_MMFR2_EL1, 0x0124_0000), (.ID_MMFR3_EL1, 0x0210_2211),
        (.ID_ISAR0_EL1, 0x0210_1110), (.ID_ISAR1_EL1, 0x1311_2111), (.ID_ISAR2_EL1, 0x2123_2041),
        (.ID_ISAR3_EL1, 0x1111_2131), (.ID_ISAR4_EL1, 0x1001_1142), (.ID_ISAR5_EL1, 0),
        (.MVFR0_EL1, 0x1011_0222), (.MVFR1_EL1, 0x1111_1111), (.MVFR2_EL1, 0),
        (.CTR_EL0, 0x8444_C004), (.CLIDR_EL1, 0x0A20_0023),
    ]
}

extension CPU {
    /// The instructions ARMv8 added to AArch32 (CRC32, AES/SHA/VMULL.P64, VSEL, VMAXNM, VRINT,
    /// VCVT{A,N,P,M}, LDA/STL and their exclusives, SEVL) are UNDEFINED on an ARMv7 core, as its
    /// ID registers say (ID_ISAR5 = 0, MVFR2 = 0).
    @inline(__always)
    func requireARMv8AArch32() throws(ArchException) {
        if aarch32Only { throw ArchException.undefined }
    }

    /// The Hyp vector a synchronous exception to EL2 uses: the Hyp Trap entry when it comes from
    /// PL0 or PL1, else the entry of its kind (AArch32.TakeUndefInstrException,
    /// AArch32.CallHypervisor, AArch32.TakePrefetchAbortException, AArch32.TakeDataAbortException).
    func hypVector(for syn: Syndrome, fromEL: UInt8) -> HypMode.Vector {
        if fromEL < 2 { return .hypTrap }
        switch syn.ec {
        case .hvc32, .hvc64, .svc32, .svc64: return .hypervisorCall
        case .iabtCur, .iabtLow, .pcAlignment, .brk64: return .prefetchAbort
        case .dabtCur, .dabtLow, .spAlignment: return .dataAbort
        default: return .undefined
        }
    }

    /// Take a synchronous exception to Hyp mode: HSR, and for aborts HDFAR or HIFAR (the two
    /// halves of FAR_EL2) and HPFAR (AArch32.ReportHypEntry).
    func takeHypException(_ e: ArchException, syndrome syn: Syndrome, preferredReturn: UInt32) {
        let from = el
        sysregs[SysReg.ESR_EL2] = syn.esr & 0xFFFF_FFFF
        if let far = e.far {
            let far32 = far & 0xFFFF_FFFF
            switch syn.ec {
            case .iabtLow, .iabtCur, .pcAlignment:
                sysregs[SysReg.FAR_EL2] = (sysregs[SysReg.FAR_EL2] & 0xFFFF_FFFF) | far32 << 32   // HIFAR
            default:
                sysregs[SysReg.FAR_EL2] = (sysregs[SysReg.FAR_EL2] & ~0xFFFF_FFFF) | far32         // HDFAR
            }
        }
        if let ipa = e.ipa { sysregs[SysReg.HPFAR_EL2] = (ipa >> 12) << 4 }
        enterHypMode(hypVector(for: syn, fromEL: from), returnAddress: preferredReturn, kind: .synchronous,
                     syndrome: syn, far: e.far, ipa: e.ipa)
    }

    /// AArch32.EnterHypMode: SPSR_hyp and ELR_hyp, Hyp mode, A/I/F masked (there is no EL3 to
    /// route them elsewhere), T from HSCTLR.TE, the vector at HVBAR.
    func enterHypMode(_ vector: HypMode.Vector, returnAddress: UInt32, kind: ExceptionEvent.Kind,
                      syndrome: Syndrome?, far: UInt64?, ipa: UInt64?) {
        let from = el
        let fromMode: AArch32Mode? = aarch32 ? mode32 : nil
        let spsr = cpsr
        aarch32 = true
        setMode32(.hyp)
        sysregs[SysReg.SPSR_EL2] = UInt64(spsr)
        sysregs[SysReg.ELR_EL2] = UInt64(returnAddress)
        let hsctlr = sysregs[SysReg.SCTLR_EL2]
        thumb = hsctlr & (1 << 30) != 0          // HSCTLR.TE
        itState = 0
        illegalState = false
        daif |= DAIFBit.A | DAIFBit.I | DAIFBit.F
        exclusiveValid = false
        nextPC = UInt64(UInt32(truncatingIfNeeded: sysregs[SysReg.VBAR_EL2]) & ~0x1F | vector.rawValue)
        noteExceptionTaken(where: "in Hyp mode", vector: nextPC)
        if pmu.live { pmuException(kind, syndrome: syndrome, from: from) }
        if let obs = exceptionObserver {
            var event = ExceptionEvent(kind: kind, fromEL: from, toEL: 2, syndrome: syndrome, esr: syndrome?.esr ?? 0,
                                       far: far, ipa: ipa, elr: UInt64(returnAddress), vector: nextPC, instret: instret)
            event.fromMode = fromMode
            event.toMode = .hyp
            obs(event)
        }
    }

    /// ERET in Hyp mode (AArch32.ExceptionReturn from Hyp): CPSR from SPSR_hyp, PC from ELR_hyp.
    /// The other exception-return forms (SUBS PC, LR with an offset, LDM with ^, RFE) are
    /// UNDEFINED in Hyp mode (see `exceptionReturn32`).
    func hypExceptionReturn() throws(ArchException) {
        try exceptionReturn32(to: UInt32(truncatingIfNeeded: sysregs[SysReg.ELR_EL2]),
                              spsr: UInt32(truncatingIfNeeded: sysregs[SysReg.SPSR_EL2]), fromHyp: true)
    }
}
