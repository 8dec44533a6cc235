import Stage2MMU

/// The CPU's side of address translation: which regime applies now (rebuilt when a translation
/// control register, HCR_EL2 or the EL changes) and how a translation fault becomes an abort.
/// The walk and the TLB live in Stage2MMU.
extension CPU {
    /// Rebuild `regime` from the registers of the current EL's translation regime
    /// (ARM DDI 0487, D8.1: EL2 uses the EL2 regime; EL0 and EL1 the EL1&0 regime, with stage 2
    /// when HCR_EL2.VM is set).
    /// A regime built before from the same register values is taken from `regimeCache`: an
    /// exception entry or return between ELs (an HVC, a system call) rebuilt it every time.
    ///
    /// `elChange`: called for an exception entry or return that changed the EL. When the regime
    /// stays the one in use (EL0 and EL1 of the same EL1&0 regime), the host TLB keeps its
    /// entries (tagged by EL) and only the fetch page goes.
    public func updateTranslationRegime(elChange: Bool = false) {
        if elChange && el != 2 && regimeCache.current == .el10 && fetchPageVA != 1
            && regimeCache.el10Inputs == RegimeInputs(el10: self) {
            // The regime in use already (its inputs unchanged): nothing to copy.
            fetchPageVA = 1
            fetch32PageVA = 1
            hostTLBKeepsEntries = true
            return
        }
        regimeCache.current = el == 2 ? .el2 : .el10
        if el == 2 {
            let inputs = RegimeInputs(el2: self)
            if regimeCache.el2Inputs == inputs {
                regime = regimeCache.el2
            } else {
                regime = el2Regime()
                regimeCache.el2 = regime
                regimeCache.el2Inputs = inputs
            }
            // One TTBR: no address of Hyp mode is a TTBR1 one, whatever EL1's split says.
            aarch32TTBR1Base = .max
        } else {
            let inputs = RegimeInputs(el10: self)
            if regimeCache.el10Inputs == inputs {
                regime = regimeCache.el10
                aarch32TTBR1Base = regimeCache.el10TTBR1Base
            } else {
                (regime, aarch32TTBR1Base) = el10Regime()
                regimeCache.el10 = regime
                regimeCache.el10TTBR1Base = aarch32TTBR1Base
                regimeCache.el10Inputs = inputs
            }
        }
        translating = !regime.isFlat
        flushFetchPage()
    }

    /// The EL2 regime: AArch64's, or Hyp mode's (HTTBR, HTCR, HMAIR0/1, HSCTLR: the views of the
    /// same registers), whose long-descriptor format the AArch64 walker serves once HTCR is
    /// expressed as a TCR_EL2 (`hypTCR`).
    func el2Regime() -> TranslationRegime {
        let s = sysregs
        let tcr = el2IsAArch32 ? CPU.hypTCR(UInt32(truncatingIfNeeded: s[SysReg.TCR_EL2])) : s[SysReg.TCR_EL2]
        return .el2(tcr: tcr, ttbr0: s[SysReg.TTBR0_EL2], mair: s[SysReg.MAIR_EL2], sctlr: s[SysReg.SCTLR_EL2],
                    physicalAddressBits: Int(CPU.physicalAddressBits))
    }

    /// HTCR as a TCR_EL2 (G8.2.? HTCR): a 32 - T0SZ bit input (T0SZ is 3 bits here), the
    /// 4 KiB granule, a 40-bit output; IRGN0, ORGN0 and SH0 sit where TCR_EL2 has them.
    static func hypTCR(_ htcr: UInt32) -> UInt64 {
        (32 + UInt64(htcr & 7)) | UInt64(htcr & 0x3F00) | 2 << 16
    }

    /// VTCR as the stage-2 walker reads it. With an AArch32 EL2 (G8.2.? VTCR) T0SZ is a 4-bit
    /// signed field with its sign copied in bit 4 (S), for an IPA of 32 - T0SZ bits, up to 40:
    /// as a VTCR_EL2 T0SZ that is 32 + T0SZ. SL0 and the cacheability fields are in place; the
    /// granule is 4 KiB and the output 40 bits.
    func stage2VTCR() -> UInt64 {
        let vtcr = sysregs[SysReg.VTCR_EL2]
        guard el2IsAArch32 else { return vtcr }
        let t0sz = Int64(Int8(truncatingIfNeeded: UInt8(vtcr & 0x1F) << 3) >> 3)   // sign-extend 5 bits
        return UInt64(32 + t0sz) | (vtcr & 0x3FC0) | 2 << 16
    }

    /// The EL1&0 regime as the registers describe it now, in the width EL1 uses (HCR_EL2.RW),
    /// and where TTBR1's range starts for an AArch32 long-descriptor one (.max: TTBR0 only).
    /// The running EL1&0 regime, and AT from EL2 (which Xen uses to find an AArch32 guest's IPA).
    func el10Regime() -> (TranslationRegime, ttbr1Base: UInt64) {
        let s = sysregs
        let hcr = hasEL2 ? s[SysReg.HCR_EL2] : 0
        var tcr = s[SysReg.TCR_EL1]
        var ttbr1Base = UInt64.max
        var short: ShortDescriptorConfig? = nil
        if el1IsAArch32 {
            let ttbcr = UInt32(truncatingIfNeeded: tcr)
            (tcr, ttbr1Base) = aarch32LongDescriptorTCR(ttbcr)
            if ttbcr >> 31 == 0 {
                short = ShortDescriptorConfig(ttbcr: ttbcr, ttbr0: UInt32(truncatingIfNeeded: s[SysReg.TTBR0_EL1]),
                                              ttbr1: UInt32(truncatingIfNeeded: s[SysReg.TTBR1_EL1]),
                                              dacr: UInt32(truncatingIfNeeded: s[SysReg.DACR32_EL2]),
                                              sctlr: effectiveSCTLR1(hcr),
                                              prrr: UInt32(truncatingIfNeeded: s[SysReg.MAIR_EL1]))
            }
        }
        let regime = TranslationRegime.el10(tcr: tcr, ttbr0: s[SysReg.TTBR0_EL1], ttbr1: s[SysReg.TTBR1_EL1],
                                            mair: s[SysReg.MAIR_EL1], sctlr: effectiveSCTLR1(hcr), vtcr: stage2VTCR(),
                                            vttbr: s[SysReg.VTTBR_EL2], stage2Enabled: stage2Enabled(hcr),
                                            sctlrEL2: s[SysReg.SCTLR_EL2], physicalAddressBits: Int(CPU.physicalAddressBits),
                                            aarch32: el1IsAArch32, shortDescriptors: short,
                                            shortDescriptorASID: UInt16(s[SysReg.CONTEXTIDR_EL1] & 0xFF))
        return (regime, ttbr1Base)
    }

    /// The AArch64 TCR that walks an AArch32 EL1&0 regime with the long-descriptor format
    /// (TTBCR.EAE = 1, ARM DDI 0487 G5.5 "The VMSAv8-32 Long-descriptor translation table
    /// format"): its descriptors are those of VMSAv8-64 with a 4 KiB granule and a 40-bit
    /// output, so the AArch64 walker serves once the 32-bit input is expressed as a TxSZ of
    /// 32 + TxSZ, and a TTBR1 address is given the upper half of ones it has in AArch64.
    /// Which TTBR a VA uses (G5.5.? "Selecting between TTBR0 and TTBR1"): with T1SZ > 0, TTBR1
    /// from 2^32 - 2^(32 - T1SZ); with T1SZ = 0 and T0SZ > 0, TTBR1 above TTBR0's 2^(32 - T0SZ);
    /// with both 0, TTBR0 for everything. The second result is that boundary (.max: none).
    func aarch32LongDescriptorTCR(_ ttbcr: UInt32) -> (UInt64, ttbr1Base: UInt64) {
        guard ttbcr >> 31 != 0 else { return (0, .max) }   // short descriptors: see CP15.swift
        let t0sz = UInt64(ttbcr & 7), t1sz = UInt64((ttbcr >> 16) & 7)
        var ttbr1Base = UInt64.max
        if t1sz > 0 {
            ttbr1Base = (1 << 32) - (1 << (32 - t1sz))
        } else if t0sz > 0 {
            ttbr1Base = 1 << (32 - t0sz)
        }
        // Kept as they are: EPD0 (7), IRGN0/ORGN0/SH0 (13:8), A1 (22), EPD1 (23), IRGN1/ORGN1/SH1
        // (29:24). TG0 = 4 KiB (0), TG1 = 4 KiB (0b10, whose bit 31 is EAE's), IPS = 40 bits.
        let kept = UInt64(ttbcr) & 0x3FC0_3F80
        return (kept | (32 + t0sz) | (32 + t1sz) << 16 | 0b10 << 30 | 0b010 << 32, ttbr1Base)
    }

    /// The address `va` walks as, and the TLB holds it under: an AArch32 address in TTBR1's
    /// range as the AArch64 TTBR1 address it matches.
    @inline(__always)
    func walkAddress(_ va: UInt64) -> UInt64 {
        aarch32 && va >= aarch32TTBR1Base ? va | 0xFFFF_FFFF_0000_0000 : va
    }

    /// VTTBR_EL2.VMID (8 bits): the VMID of the EL1&0 entries a TLB operation reaches.
    var vttbrVMID: UInt16 { UInt16(truncatingIfNeeded: sysregs[SysReg.VTTBR_EL2] >> 48) & 0xFF }

    /// Translate through the MMU (TLB, walk, permissions). A fault becomes the abort the Arm ARM
    /// prescribes: stage-1 faults at the current regime's EL, stage-2 faults at EL2 with the
    /// IPA for HPFAR_EL2 (D8.3 and D17.2.40).
    /// `info` describes a single-register load or store; a stage-2 fault on it (not on a
    /// stage-1 walk) reports ISV=1 with it, so that a hypervisor can emulate the access.
    func translateWithMMU(_ va: UInt64, _ acc: AccessKind, info: DataAbortInfo? = nil) throws(ArchException) -> UInt64 {
        let checkEL: UInt8 = acc.contains(.unprivileged) ? 0 : el
        let walkVA = walkAddress(va)
        do {
            let pa = try mmu.translate(walkVA, acc, el: checkEL, regime: regime).physicalAddress
            if !acc.contains(.fetch) { hostTLBFillHint = va }
            return pa
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
        let vmid = vttbrVMID
        let t = TLBIInstruction(op1: bits(word, 18, 16), crm: bits(word, 11, 8), op2: bits(word, 7, 5))
        guard let t else {
            for cpu in tlbMaintenanceTargets(innerShareable: true) {
                cpu.mmu.tlb.invalidateAll()
                cpu.flushAfterTLBMaintenance()
            }
            return
        }
        if !tlbMaintenanceBroadcasts(innerShareable: t.innerShareable) {
            invalidateTLB(t.operation, operand: operand, vmid: vmid)
            return
        }
        for cpu in tlbMaintenanceTargets(innerShareable: t.innerShareable) {
            cpu.invalidateTLB(t.operation, operand: operand, vmid: vmid)
        }
    }

    /// One CPU's part of a TLBI: its Stage2MMU TLB, then what the run loop holds. A by-VA
    /// operation on a page of no large mapping, in this CPU's A64 loop, drops only the host TLB
    /// entry that page can occupy (and the fetch page if it shares it); anything else empties
    /// the host TLB and the fetch page as every TLBI once did (kernels invalidate page by page
    /// while they build their tables, and each of those emptied the host TLB).
    func invalidateTLB(_ op: TLBIOperation, operand: UInt64, vmid: UInt16) {
        let tlb = mmu.tlb
        tlb.invalidate(op, operand: operand, vmid: vmid)
        guard let va = TLB.invalidatedPage(op, operand: operand), !aarch32, !tlb.mayHoldLargeMapping(va)
        else {
            flushAfterTLBMaintenance()
            return
        }
        // Every host TLB entry of the page, under any tag, is in the entry its bits 27:12 pick.
        decodeCache.hostTLB(cpu: index).forget(va)
        fetch32PageVA = 1
        if (fetchPageVA ^ va) >> 12 & UInt64(HostTLB.entryCount - 1) == 0 { flushFetchPage() }
    }

    /// AArch32 TLB maintenance by MVA on this CPU alone, in the regime it runs in (EL1&0 from
    /// PL1, EL2 from Hyp mode): the Stage2MMU TLB loses the page's entries of every ASID (more
    /// than TLBIMVA asks, which the architecture allows), and the host TLB the one entry the
    /// page occupies (and the fetch page if it shares it) unless a large mapping may cover the
    /// page; then, as for anything else, the host TLB and the fetch page go. `mva` is Rt:
    /// MVA[31:12], the ASID in bits 7:0 (G8.2.? "TLB maintenance operations, by MVA").
    func invalidateTLBPage32(_ mva: UInt32) -> Bool {
        guard aarch32 else { return false }
        let va = UInt64(mva & ~0xFFF)
        let a = regime.stage1.effectiveAddress(walkAddress(va))
        let vmid = vttbrVMID
        let tlb = mmu.tlb
        if el == 2 {
            tlb.invalidate(va: a, regime: .el2, asid: nil, vmid: 0)
        } else {
            tlb.invalidate(va: a, regime: .el10, asid: nil, vmid: vmid)
        }
        if tlb.mayHoldLargeMapping(a) {
            flushAfterTLBMaintenance()
            return true
        }
        decodeCache.hostTLB(cpu: index).forget(va)
        if (fetch32PageVA ^ va) >> 12 & UInt64(HostTLB.entryCount - 1) == 0 { flushFetchPage() }
        return true
    }

    /// After TLB maintenance, perhaps another CPU's: as `flushFetchPage`; in `--threads` mode
    /// also the host TLB at once, since this CPU may be in its fast loop on another host thread
    /// (otherwise its next full-path instruction would empty it).
    func flushAfterTLBMaintenance() {
        flushFetchPage()
        if machineLock != nil { decodeCache.hostTLB(cpu: index).flush() }
    }

    /// The CPUs a TLB maintenance operation reaches: this one, and with an Inner Shareable form
    /// (or HCR_EL2.FB from EL1, D13.2.46) every CPU of the shareability domain (D8.13.4
    /// "TLB maintenance instructions"). The others' host TLBs start empty at their next `run`.
    func tlbMaintenanceTargets(innerShareable: Bool) -> [CPU] {
        guard tlbMaintenanceBroadcasts(innerShareable: innerShareable), let domain = shareabilityDomain
        else { return [self] }
        return domain.cpus
    }

    /// Whether a TLB maintenance operation reaches other CPUs than this one.
    func tlbMaintenanceBroadcasts(innerShareable: Bool) -> Bool {
        guard let domain = shareabilityDomain, domain.count > 1 else { return false }
        return innerShareable || (el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.FB != 0)
    }
}

/// Every register value `el2Regime` or `el10Regime` reads, for `RegimeCache`.
struct RegimeInputs: Equatable {
    var hcr: UInt64 = 0, tcr: UInt64 = 0, ttbr0: UInt64 = 0, ttbr1: UInt64 = 0, mair: UInt64 = 0
    var sctlr: UInt64 = 0, vtcr: UInt64 = 0, vttbr: UInt64 = 0, sctlrEL2: UInt64 = 0, dacr: UInt64 = 0
    var contextidr: UInt64 = 0
    var bootedAArch32 = false

    init(el2 cpu: CPU) {
        let s = cpu.sysregs
        tcr = s[SysReg.TCR_EL2]; ttbr0 = s[SysReg.TTBR0_EL2]; mair = s[SysReg.MAIR_EL2]; sctlr = s[SysReg.SCTLR_EL2]
    }

    init(el10 cpu: CPU) {
        let s = cpu.sysregs
        hcr = cpu.hasEL2 ? s[SysReg.HCR_EL2] : 0
        tcr = s[SysReg.TCR_EL1]; ttbr0 = s[SysReg.TTBR0_EL1]; ttbr1 = s[SysReg.TTBR1_EL1]; mair = s[SysReg.MAIR_EL1]
        sctlr = s[SysReg.SCTLR_EL1]; vtcr = s[SysReg.VTCR_EL2]; vttbr = s[SysReg.VTTBR_EL2]
        sctlrEL2 = s[SysReg.SCTLR_EL2]; dacr = s[SysReg.DACR32_EL2]; contextidr = s[SysReg.CONTEXTIDR_EL1]
        bootedAArch32 = cpu.bootedAArch32
    }
}

/// The last EL2 and EL1&0 regimes `updateTranslationRegime` built, each with the register
/// values it came from (and, for EL1&0, where an AArch32 TTBR1's range starts).
struct RegimeCache {
    /// nil until the first build: the regimes below are meaningless until their inputs are set.
    var el2Inputs: RegimeInputs? = nil
    var el2 = TranslationRegime.el2(tcr: 0, ttbr0: 0, mair: 0, sctlr: 0)
    var el10Inputs: RegimeInputs? = nil
    var el10 = TranslationRegime.el2(tcr: 0, ttbr0: 0, mair: 0, sctlr: 0)
    var el10TTBR1Base = UInt64.max
    /// Which of the two is `CPU.regime` (none before the first build).
    var current: Regime? = nil
}
