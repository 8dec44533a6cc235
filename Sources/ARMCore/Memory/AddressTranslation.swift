import Stage2MMU

/// AT: translate an address as a given regime, stage and EL would, and report the result in
/// PAR_EL1 (ARM DDI 0487, C5.5 "A64 system instructions for address translation", D17.2.102
/// PAR_EL1). The walk reads the tables afresh: AT is the teacher's way to ask "what does this
/// VA map to right now", so it bypasses the TLB (the architecture allows either).
extension CPU {
    /// Which translation an AT instruction asks for.
    enum ATRequest {
        /// Stage 1 of EL1&0, checked as EL1 (S1E1) or EL0 (S1E0).
        case stage1EL10(asEL0: Bool)
        /// Stages 1 and 2 of EL1&0 (S12E1, S12E0); stage 1 only when HCR_EL2.VM is clear.
        case stages12EL10(asEL0: Bool)
        /// The EL2 regime (S1E2).
        case stage1EL2
    }

    func addressTranslate(_ request: ATRequest, va: UInt64, write: Bool) throws(ArchException) {
        let checkEL: UInt8
        let regime: TranslationRegime
        var useStage2 = false
        let requestedVA = va
        var va = va
        switch request {
        case .stage1EL10(let asEL0), .stages12EL10(let asEL0):
            if case .stages12EL10 = request { useStage2 = true }
            checkEL = asEL0 ? 0 : 1
            // In the width EL1 uses: an AArch32 EL1's tables, and its 32-bit address (a TTBR1
            // one in the AArch64 form the walker takes, as translateWithMMU gives it).
            let ttbr1Base: UInt64
            (regime, ttbr1Base) = el10Regime()
            if el1IsAArch32 {
                va &= 0xFFFF_FFFF
                if va >= ttbr1Base { va |= 0xFFFF_FFFF_0000_0000 }
            }
        case .stage1EL2:
            checkEL = 2
            regime = el2Regime()
        }
        let access: AccessKind = write ? [.write] : []
        do throws(FaultRecord) {
            let result: TranslationResult
            if useStage2 || !regime.stage2Active {
                result = try regime.walk(va, bus: bus, observer: nil)
            } else {
                // S1E0/S1E1 with stage 2 on: the output is the IPA, but stage 1's own table reads
                // still go through stage 2.
                let s1 = try Stage1Walk.walk(va, regime.stage1, stage2: regime.stage2, bus: bus, observer: nil)
                result = TranslationResult(physicalAddress: s1.outputAddress, intermediatePhysicalAddress: s1.outputAddress,
                                           permissions: s1.permissions, stage2Permissions: .all,
                                           pageShift: s1.blockShift, stage1PageShift: s1.blockShift, level: s1.level,
                                           stage2Level: 0, global: s1.global, hasStage2: false,
                                           attrIndex: s1.attrIndex, memoryAttributes: s1.memoryAttributes,
                                           stage2MemAttr: 0xF, shareability: s1.shareability)
            }
            if let f = result.permissionFault(for: access, el: checkEL) { throw f }
            sysregs[SysReg.PAR_EL1] = parSuccess(result, regime: regime)
        } catch {
            // A stage-2 fault on a stage-1 walk of an AT issued at EL1 is taken to EL2 as a data
            // abort (CM = 1, S1PTW = 1), not reported in PAR_EL1 (D8.11 "Address translation
            // instructions", pseudocode AArch64.AT -> faults "not reported in PAR").
            if error.secondStage && el == 1 && error.s1ptw {
                throw ArchException(.dataAbort(error, write: write, cacheMaintenance: true), far: requestedVA,
                                    ipa: error.ipa, targetEL: 2)
            }
            // PAR_EL1.F = 1: FST, PTW (bit 8, fault on a stage-2 walk of a stage-1 table), S (bit 9,
            // a stage-2 fault), bit 11 RES1.
            sysregs[SysReg.PAR_EL1] = 1 | UInt64(error.statusCode) << 1 | (error.s1ptw ? 1 << 8 : 0)
                | (error.secondStage ? 1 << 9 : 0) | 1 << 11
        }
    }

    /// PAR_EL1 with F = 0: PA[47:12], ATTR (the MAIR encoding), SH, NS = 1 (a Non-secure
    /// regime), bit 11 RES1. Device and non-cacheable memory report SH = 0b10 (D17.2.102).
    private func parSuccess(_ r: TranslationResult, regime: TranslationRegime) -> UInt64 {
        var attr = r.memoryAttributes
        if !regime.stage1.enabled {
            // Stage 1 off: Device-nGnRnE for data, or Normal write-back with HCR_EL2.DC.
            attr = hasEL2 && regime.stage1.regime == .el10 && sysregs[SysReg.HCR_EL2] & HCR.DC != 0 ? 0xFF : 0x00
        }
        if r.hasStage2 && r.stage2MemAttr & 0xC == 0 {
            // Stage 2 Device wins over a Normal stage-1 attribute (D8.6.6 combining).
            attr = attr & 0xF0 == 0 ? min(attr, (r.stage2MemAttr & 3) << 2) : (r.stage2MemAttr & 3) << 2
        }
        let device = attr & 0xF0 == 0
        let nonCacheable = attr == 0x44
        let sh: UInt64 = device || nonCacheable ? 0b10 : UInt64(r.shareability & 3)
        return UInt64(attr) << 56 | (r.physicalAddress & 0x0000_FFFF_FFFF_F000) | 1 << 11 | 1 << 9 | sh << 7
    }

    /// Stage 2 of EL1&0 is on: HCR_EL2.VM, or HCR_EL2.DC which forces it (D13.2.48), and never
    /// with TGE (E2H = 0: EL1&0 is not in use).
    func stage2Enabled(_ hcr: UInt64) -> Bool {
        hasEL2 && hcr & HCR.TGE == 0 && hcr & (HCR.VM | HCR.DC) != 0
    }

    /// SCTLR_EL1 as stage 1 sees it: with HCR_EL2.TGE or DC set, the EL1&0 stage-1 MMU behaves
    /// as disabled (SCTLR_EL1.M treated as 0, D13.2.48).
    func effectiveSCTLR1(_ hcr: UInt64) -> UInt64 {
        let s = sysregs[SysReg.SCTLR_EL1]
        return hasEL2 && hcr & (HCR.TGE | HCR.DC) != 0 ? s & ~1 : s
    }
}
