import Stage2MMU

/// The CPU's side of address translation: which regime applies now (rebuilt when a translation
/// control register, HCR_EL2 or the EL changes) and how a translation fault becomes an abort.
/// The walk and the TLB live in Stage2MMU.
extension CPU {
    /// Rebuild `regime` from the registers of the current EL's translation regime
    /// (ARM DDI 0487, D8.1: EL2 uses the EL2 regime; EL0 and EL1 the EL1&0 regime, with stage 2
    /// when HCR_EL2.VM is set).
    public func updateTranslationRegime() {
        let s = sysregs
        if el == 2 {
            regime = .el2(tcr: s[SysReg.TCR_EL2], ttbr0: s[SysReg.TTBR0_EL2], mair: s[SysReg.MAIR_EL2],
                          sctlr: s[SysReg.SCTLR_EL2], physicalAddressBits: Int(CPU.physicalAddressBits))
        } else {
            let hcr = hasEL2 ? s[SysReg.HCR_EL2] : 0
            regime = .el10(tcr: s[SysReg.TCR_EL1], ttbr0: s[SysReg.TTBR0_EL1], ttbr1: s[SysReg.TTBR1_EL1],
                           mair: s[SysReg.MAIR_EL1], sctlr: effectiveSCTLR1(hcr), vtcr: s[SysReg.VTCR_EL2],
                           vttbr: s[SysReg.VTTBR_EL2], stage2Enabled: stage2Enabled(hcr),
                           sctlrEL2: s[SysReg.SCTLR_EL2], physicalAddressBits: Int(CPU.physicalAddressBits))
        }
        translating = !regime.isFlat
        flushFetchPage()
    }

    /// Translate through the MMU (TLB, walk, permissions). A fault becomes the abort the Arm ARM
    /// prescribes: stage-1 faults at the current regime's EL, stage-2 faults at EL2 with the
    /// IPA for HPFAR_EL2 (D8.3 and D17.2.40).
    /// `info` describes a single-register load or store; a stage-2 fault on it (not on a
    /// stage-1 walk) reports ISV=1 with it, so that a hypervisor can emulate the access.
    func translateWithMMU(_ va: UInt64, _ acc: AccessKind, info: DataAbortInfo? = nil) throws(ArchException) -> UInt64 {
        let checkEL: UInt8 = acc.contains(.unprivileged) ? 0 : el
        do {
            return try mmu.translate(va, acc, el: checkEL, regime: regime).physicalAddress
        } catch {
            let syndrome = acc.contains(.fetch)
                ? Syndrome.instructionAbort(error)
                : Syndrome.dataAbort(error, write: acc.contains(.write), cacheMaintenance: acc.contains(.cacheMaintenance),
                                     valid: error.secondStage && !error.s1ptw ? info : nil)
            if error.secondStage {
                return try throwing(ArchException(syndrome, far: va, ipa: error.ipa, targetEL: 2))
            }
            return try throwing(ArchException(syndrome, far: va))
        }
    }

    private func throwing(_ e: ArchException) throws(ArchException) -> UInt64 { throw e }

    /// TLBI: invalidate what the operation names; anything unrecognised drops everything, which
    /// the architecture allows (a TLB may lose entries at any time).
    func tlbInvalidate(word: UInt32, operand: UInt64) {
        let vmid = UInt16(truncatingIfNeeded: sysregs[SysReg.VTTBR_EL2] >> 48) & 0xFF
        if let t = TLBIInstruction(op1: bits(word, 18, 16), crm: bits(word, 11, 8), op2: bits(word, 7, 5)) {
            mmu.tlb.invalidate(t.operation, operand: operand, vmid: vmid)
        } else {
            mmu.tlb.invalidateAll()
        }
        flushFetchPage()
    }
}
