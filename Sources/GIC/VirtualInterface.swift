// The virtual CPU interface of one CPU, shared by GICv2 (GICH/GICV frames, IHI 0048B chapter 5)
// and GICv3 (ICH_*_EL2 and the ICV_* view of ICC_*_EL1, IHI 0069 chapter 6 and 12). The two
// have the same list-register semantics, the same GICH_HCR/ICH_HCR_EL2 and GICH_MISR/
// ICH_MISR_EL2 layouts and, with 5 priority bits, bit-identical GICH_VMCR/ICH_VMCR_EL2 and
// GICH_VTR/ICH_VTR_EL2; only the list registers' encodings differ, so they are kept in the
// GICv3 (64-bit) form and converted for the GICv2 frame.

import ARMCore

/// Which interrupts an acknowledge (or highest-pending read) may return.
enum AckView {
    /// GICv2 GICC_IAR/GICV_IAR: any group; a Group 1 interrupt reads 1022 unless AckCtl is set.
    case gicv2
    /// GICv2 GICC_AIAR/GICV_AIAR and GICv3 ICC_IAR1_EL1: Group 1 only.
    case group1
    /// GICv3 ICC_IAR0_EL1: Group 0 only.
    case group0

    /// nil: the candidate may be returned; otherwise the special INTID to return instead.
    func filter(group1: Bool, ackCtl: Bool) -> UInt32? {
        switch self {
        case .gicv2: return group1 && !ackCtl ? GICConstants.spuriousGroup1 : nil
        case .group1: return group1 ? nil : GICConstants.spurious
        case .group0: return group1 ? GICConstants.spurious : nil
        }
    }
}

/// List register fields, GICv3 ICH_LR<n>_EL2 layout (IHI 0069 ICH_LR<n>_EL2).
enum LR {
    static let vINTIDMask: UInt64 = 0xFFFF_FFFF
    static let pINTIDShift: UInt64 = 32
    static let pINTIDMask: UInt64 = 0x3FF
    /// With HW == 0: signal a maintenance interrupt when the interrupt is deactivated.
    static let EOI: UInt64 = 1 << 41
    static let priorityShift: UInt64 = 48
    static let group: UInt64 = 1 << 60
    static let HW: UInt64 = 1 << 61
    static let stateShift: UInt64 = 62
    static let pending: UInt64 = 1
    static let active: UInt64 = 2

    @inline(__always) static func state(_ v: UInt64) -> UInt64 { v >> stateShift }
    @inline(__always) static func vINTID(_ v: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: v) }
    @inline(__always) static func priority(_ v: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: v >> priorityShift) }
    @inline(__always) static func isGroup1(_ v: UInt64) -> Bool { v & group != 0 }
    @inline(__always) static func isHW(_ v: UInt64) -> Bool { v & HW != 0 }
    @inline(__always) static func pINTID(_ v: UInt64) -> Int { Int(v >> pINTIDShift & pINTIDMask) }

    /// The bits an ICH_LR<n>_EL2 write keeps: vINTID, pINTID (HW 1) or EOI (HW 0), the 5 implemented
    /// priority bits, Group, HW, State.
    static func sanitizeV3(_ v: UInt64) -> UInt64 {
        var r = v & (vINTIDMask | UInt64(GICConstants.priorityMask) << priorityShift | group | HW | 3 << stateShift)
        r |= v & (isHW(v) ? pINTIDMask << pINTIDShift : EOI)
        return r
    }

    /// GICv2 GICH_LR (IHI 0048B GICH_LR): VirtualID 9:0, PhysicalID 19:10 (HW 1) or EOI 19 and
    /// CPUID 12:10 (HW 0), Priority 27:23 (the top 5 bits), State 29:28, Grp1 30, HW 31. Bits 19:10
    /// land in bits 41:32, so EOI and pINTID sit where GICv3 has them.
    static func fromV2(_ v: UInt32) -> UInt64 {
        let w = UInt64(v)
        return (w & 0x3FF) | (w >> 10 & 0x3FF) << pINTIDShift | (w >> 23 & 0x1F) << (priorityShift + 3)
            | (w >> 30 & 1) << 60 | (w >> 31) << 61 | (w >> 28 & 3) << stateShift
    }

    static func toV2(_ l: UInt64) -> UInt32 {
        let v = (l & 0x3FF) | (l >> pINTIDShift & 0x3FF) << 10 | (l >> (priorityShift + 3) & 0x1F) << 23
            | (l >> stateShift) << 28 | (l >> 60 & 1) << 30 | (l >> 61 & 1) << 31
        return UInt32(truncatingIfNeeded: v)
    }
}

struct VirtualInterface {
    static let listRegisterCount = 4
    /// GICH_VTR / ICH_VTR_EL2: PRIbits-1 = 4 (31:29), PREbits-1 = 4 (28:26), IDbits 0 (16 bits),
    /// ListRegs-1 = 3. The GIC-400's value (DDI 0471) and a valid GICv3 one.
    static let vtr: UInt32 = 0x9000_0003

    // GICH_HCR / ICH_HCR_EL2 (IHI 0048B GICH_HCR; IHI 0069 ICH_HCR_EL2): the same low bits and EOIcount.
    static let HCR_En: UInt32 = 1 << 0
    static let HCR_UIE: UInt32 = 1 << 1
    static let HCR_LRENPIE: UInt32 = 1 << 2
    static let HCR_NPIE: UInt32 = 1 << 3
    static let HCR_VGrp0EIE: UInt32 = 1 << 4
    static let HCR_VGrp0DIE: UInt32 = 1 << 5
    static let HCR_VGrp1EIE: UInt32 = 1 << 6
    static let HCR_VGrp1DIE: UInt32 = 1 << 7
    static let HCR_EOIcountShift: UInt32 = 27

    // GICH_MISR / ICH_MISR_EL2 bits.
    static let MISR_EOI: UInt32 = 1 << 0
    static let MISR_U: UInt32 = 1 << 1
    static let MISR_LRENP: UInt32 = 1 << 2
    static let MISR_NP: UInt32 = 1 << 3
    static let MISR_VGrp0E: UInt32 = 1 << 4
    static let MISR_VGrp0D: UInt32 = 1 << 5
    static let MISR_VGrp1E: UInt32 = 1 << 6
    static let MISR_VGrp1D: UInt32 = 1 << 7

    var hcr: UInt32 = 0
    var lr: [UInt64] = Array(repeating: 0, count: VirtualInterface.listRegisterCount)
    /// The virtual CPU interface's controls (GICH_VMCR / ICH_VMCR_EL2) and active priorities
    /// (GICH_APR / ICH_AP0R0_EL2, ICH_AP1R0_EL2).
    var p = PriorityState()

    var isEnabled: Bool { hcr & Self.HCR_En != 0 }
    var eoiCount: UInt32 { hcr >> Self.HCR_EOIcountShift }

    // MARK: VMCR

    /// GICH_VMCR / ICH_VMCR_EL2: VENG0 0, VENG1 1, VAckCtl 2, VFIQEn 3, VCBPR 4, VEOIM 9,
    /// VBPR1 20:18, VBPR0 23:21, VPMR 31:24 (GICv2 VMPriMask 31:27, the same bits with 5 priority bits).
    var vmcr: UInt32 {
        get {
            var v = UInt32(p.pmr) << 24 | UInt32(p.bpr0) << 21 | UInt32(p.bpr1) << 18
            if p.enableGrp0 { v |= 1 }
            if p.enableGrp1 { v |= 2 }
            if p.ackCtl { v |= 4 }
            if p.fiqEn { v |= 8 }
            if p.cbpr { v |= 16 }
            if p.eoiMode0 { v |= 1 << 9 }
            return v
        }
        set {
            p.pmr = UInt8(truncatingIfNeeded: newValue >> 24) & GICConstants.priorityMask
            p.bpr0 = PriorityState.clampBPR0(UInt64(newValue >> 21))
            p.bpr1 = PriorityState.clampBPR1(UInt64(newValue >> 18))
            p.enableGrp0 = newValue & 1 != 0
            p.enableGrp1 = newValue & 2 != 0
            p.ackCtl = newValue & 4 != 0
            p.fiqEn = newValue & 8 != 0
            p.cbpr = newValue & 16 != 0
            p.eoiMode0 = newValue & (1 << 9) != 0
            p.eoiMode1 = p.eoiMode0
        }
    }

    // MARK: Status registers

    /// GICH_EISR / ICH_EISR_EL2: LRs that are invalid and ask for an EOI maintenance interrupt.
    var eisr: UInt32 {
        var bits: UInt32 = 0
        for n in 0..<Self.listRegisterCount {
            let v = lr[n]
            if LR.state(v) == 0 && !LR.isHW(v) && v & LR.EOI != 0 { bits |= 1 << UInt32(n) }
        }
        return bits
    }

    /// GICH_ELRSR / ICH_ELRSR_EL2: LRs that hold no interrupt and no pending EOI maintenance.
    var elrsr: UInt32 {
        var bits: UInt32 = 0
        for n in 0..<Self.listRegisterCount {
            let v = lr[n]
            if LR.state(v) == 0 && (LR.isHW(v) || v & LR.EOI == 0) { bits |= 1 << UInt32(n) }
        }
        return bits
    }

    /// GICH_MISR / ICH_MISR_EL2: which enabled maintenance conditions hold (IHI 0048B GICH_MISR;
    /// IHI 0069 ICH_MISR_EL2).
    var misr: UInt32 {
        var m: UInt32 = 0
        var valid = 0, pending = 0
        for v in lr {
            let s = LR.state(v)
            if s != 0 { valid += 1 }
            if s & LR.pending != 0 { pending += 1 }
        }
        if eisr != 0 { m |= Self.MISR_EOI }
        if hcr & Self.HCR_UIE != 0 && valid <= 1 { m |= Self.MISR_U }
        if hcr & Self.HCR_LRENPIE != 0 && eoiCount != 0 { m |= Self.MISR_LRENP }
        if hcr & Self.HCR_NPIE != 0 && pending == 0 { m |= Self.MISR_NP }
        if hcr & Self.HCR_VGrp0EIE != 0 && p.enableGrp0 { m |= Self.MISR_VGrp0E }
        if hcr & Self.HCR_VGrp0DIE != 0 && !p.enableGrp0 { m |= Self.MISR_VGrp0D }
        if hcr & Self.HCR_VGrp1EIE != 0 && p.enableGrp1 { m |= Self.MISR_VGrp1E }
        if hcr & Self.HCR_VGrp1DIE != 0 && !p.enableGrp1 { m |= Self.MISR_VGrp1D }
        return m
    }

    /// The maintenance interrupt's level: the interface is enabled and some condition holds.
    var maintenance: Bool { isEnabled && misr != 0 }

    // MARK: Delivery

    /// The most urgent LR in the pending state whose group is enabled (lowest priority value,
    /// then lowest LR number), as IHI 0069's HighestPriorityVirtualInterrupt.
    func highestPending() -> Int? {
        var best: Int?
        var bestPriority: UInt8 = 0xFF
        for n in 0..<Self.listRegisterCount {
            let v = lr[n]
            guard LR.state(v) == LR.pending, p.groupEnabled(group1: LR.isGroup1(v)) else { continue }
            let prio = LR.priority(v)
            if best == nil || prio < bestPriority { best = n; bestPriority = prio }
        }
        return best
    }

    /// The virtual IRQ/FIQ outputs: the interface is enabled and its most urgent pending
    /// interrupt can preempt. Group 0 is a virtual FIQ when `group0IsFIQ`.
    func outputs(group0IsFIQ: Bool) -> InterruptInputs {
        guard isEnabled, let n = highestPending() else { return [] }
        let v = lr[n]
        let g1 = LR.isGroup1(v)
        guard p.canSignal(LR.priority(v), group1: g1) else { return [] }
        return !g1 && group0IsFIQ ? .vfiq : .virq
    }

    /// The value a GICv2 acknowledge returns for LR `v`: the vINTID, with the source CPU of a
    /// software-injected SGI in bits 12:10.
    private static func returnedID(_ v: UInt64, v2: Bool) -> UInt32 {
        let id = LR.vINTID(v)
        if v2 && id < 16 && !LR.isHW(v) { return id & 0x3FF | UInt32(v >> LR.pINTIDShift & 7) << 10 }
        return v2 ? id & 0x3FF : id
    }

    /// GICV_HPPIR, GICV_AHPPIR, ICV_HPPIR<n>_EL1.
    func highestPendingID(_ view: AckView, v2: Bool) -> UInt32 {
        guard let n = highestPending() else { return GICConstants.spurious }
        if let special = view.filter(group1: LR.isGroup1(lr[n]), ackCtl: p.ackCtl) { return special }
        return Self.returnedID(lr[n], v2: v2)
    }

    /// GICV_IAR, GICV_AIAR, ICV_IAR<n>_EL1: the LR goes pending -> active and its priority active.
    mutating func acknowledge(_ view: AckView, v2: Bool) -> UInt32 {
        guard let n = highestPending() else { return GICConstants.spurious }
        let v = lr[n]
        let g1 = LR.isGroup1(v)
        if let special = view.filter(group1: g1, ackCtl: p.ackCtl) { return special }
        guard p.canSignal(LR.priority(v), group1: g1) else { return GICConstants.spurious }
        lr[n] = (v & ~(3 << LR.stateShift)) | LR.active << LR.stateShift
        p.activate(LR.priority(v), group1: g1)
        return Self.returnedID(v, v2: v2)
    }

    /// GICV_EOIR, GICV_AEOIR, ICV_EOIR<n>_EL1: priority drop, and deactivation unless EOImode is
    /// split. Returns the physical INTID a HW list register asks to deactivate.
    mutating func endOfInterrupt(_ value: UInt32, v2: Bool) -> Int? {
        let id = v2 ? value & 0x3FF : value & 0xFF_FFFF
        if id >= 1020 && id <= 1023 { return nil }
        let dropped = p.dropPriority()
        guard !p.eoiMode0 else { return nil }
        return deactivate(value, v2: v2, countUnmatched: dropped)
    }

    /// GICV_DIR, ICV_DIR_EL1: deactivate the interrupt (IHI 0048B GICV_DIR; IHI 0069 ICV_DIR_EL1).
    mutating func deactivate(_ value: UInt32, v2: Bool, countUnmatched: Bool = true) -> Int? {
        let id = v2 ? value & 0x3FF : value & 0xFF_FFFF
        if id >= 1020 && id <= 1023 { return nil }
        let source = UInt64(value >> 10 & 7)
        for n in 0..<Self.listRegisterCount {
            let v = lr[n]
            guard LR.state(v) & LR.active != 0, LR.vINTID(v) == id else { continue }
            // A GICv2 SGI is matched with its source CPU too.
            if v2 && id < 16 && !LR.isHW(v) && v >> LR.pINTIDShift & 7 != source { continue }
            lr[n] = v & ~(LR.active << LR.stateShift)
            if LR.isHW(v) {
                let p = LR.pINTID(v)
                return p >= 16 && p < 1020 ? p : nil
            }
            return nil
        }
        // No list register holds it: the hypervisor learns through EOIcount (5 bits, wrapping).
        if countUnmatched {
            let count = (eoiCount &+ 1) & 0x1F
            hcr = (hcr & 0x07FF_FFFF) | count << Self.HCR_EOIcountShift
        }
        return nil
    }
}
