// The TLB: combined stage-1+stage-2 translations per 4 KiB page of VA, tagged as the Arm ARM
// tags them (D8.13 "Translation Lookaside Buffers"): by regime, by ASID unless the entry is
// global, and by VMID for the EL1&0 regime. Like hardware's, an entry stays usable after its
// tables change until a TLBI that covers it; unlike hardware's, it is never evicted except by
// a newer entry of the same set. Faulting walks are never cached.
//
// Set-associative over a fixed buffer allocated once: a lookup computes one set index and
// compares `ways` entries; nothing is allocated or reference-counted per lookup.

/// The tag under which a regime's entries are filed.
@frozen public struct TLBContext: Equatable {
    public var regime: Regime
    /// Current ASID (ignored for global entries and in the EL2 regime).
    public var asid: UInt16
    /// Current VMID (VTTBR_EL2.VMID) for EL1&0; 0 for EL2.
    public var vmid: UInt16
    /// Stage 1 and stage 2 enables are part of the tag: an entry made with the MMU off is never
    /// used once it is on, whether or not software invalidates in between.
    public var stage1Enabled: Bool
    public var stage2Enabled: Bool
    /// valid (bit 31) | stage 1 on (30) | stage 2 on (29) | regime (17:16) | VMID (15:0).
    @usableFromInline var key: UInt32

    public init(regime: Regime, asid: UInt16, vmid: UInt16, stage1Enabled: Bool, stage2Enabled: Bool) {
        self.regime = regime
        self.asid = regime == .el2 ? 0 : asid
        self.vmid = regime == .el2 ? 0 : vmid
        self.stage1Enabled = stage1Enabled
        self.stage2Enabled = regime == .el2 ? false : stage2Enabled
        key = TLBContext.makeKey(regime: regime, vmid: self.vmid)
            | (stage1Enabled ? 1 << 30 : 0) | (self.stage2Enabled ? 1 << 29 : 0)
    }

    @usableFromInline static let validBit: UInt32 = 1 << 31
    /// The bits TLBIs select on: valid, regime and VMID.
    @usableFromInline static let regimeVMIDMask: UInt32 = 0x8003_FFFF
    @usableFromInline static let regimeMask: UInt32 = 0x8003_0000

    @usableFromInline static func makeKey(regime: Regime, vmid: UInt16) -> UInt32 {
        validBit | UInt32(regime.rawValue) << 16 | UInt32(vmid)
    }
}

/// One cached translation of a 4 KiB VA page.
@usableFromInline struct TLBEntry {
    /// VA bits 63:12 of the effective (TBI-normalised) address.
    @usableFromInline var vaPage: UInt64
    /// TLBContext.key, or 0 when the entry is invalid.
    @usableFromInline var key: UInt32
    @usableFromInline var asid: UInt16
    /// The translation of the page's first byte.
    @usableFromInline var result: TranslationResult
}

/// A TLB invalidation operation (C5.5 "A64 system instructions for TLB maintenance").
/// The Inner Shareable forms invalidate the same entries; the CPU applies them to every TLB of
/// its shareability domain (ARMCore's ShareabilityDomain).
@frozen public enum TLBIOperation: UInt8, CaseIterable {
    /// EL1&0, current VMID, all ASIDs, all VAs.
    case vmalle1
    /// EL1&0, current VMID, by VA for the ASID in the operand, and global entries.
    case vae1
    /// EL1&0, current VMID, non-global entries of the ASID in the operand.
    case aside1
    /// EL1&0, current VMID, by VA for every ASID.
    case vaae1
    /// As vae1, last level only (armvm invalidates the whole translation).
    case vale1
    /// As vaae1, last level only.
    case vaale1
    /// Stage 2 by IPA, current VMID: armvm drops every entry of the VMID, since its entries
    /// combine both stages.
    case ipas2e1
    case ipas2le1
    /// EL1&0, current VMID, stage 1 and 2.
    case vmalls12e1
    /// EL1&0, every VMID.
    case alle1
    /// EL2, everything.
    case alle2
    /// EL2, by VA.
    case vae2
    case vale2

    /// Minimum Exception level of the instruction (EL2 for the op1 = 4 forms).
    public var minimumEL: UInt8 {
        switch self {
        case .vmalle1, .vae1, .aside1, .vaae1, .vale1, .vaale1: return 1
        default: return 2
        }
    }
}

/// A decoded TLBI: SYS #op1, C8, Cm, #op2.
@frozen public struct TLBIInstruction: Equatable {
    public var operation: TLBIOperation
    /// The Inner Shareable form: the invalidation applies to every CPU in the domain.
    public var innerShareable: Bool

    public init(operation: TLBIOperation, innerShareable: Bool) {
        self.operation = operation; self.innerShareable = innerShareable
    }

    /// Decodes op1, CRm and op2 of a SYS instruction with CRn = 8 (C5.5, checked against
    /// binutils' encodings). nil for what armvm does not implement (EL3 forms, ARMv8.4 ranges
    /// and outer shareable forms).
    public init?(op1: UInt32, crm: UInt32, op2: UInt32) {
        let op: TLBIOperation
        let inner: Bool
        switch (op1, crm) {
        case (0, 3), (0, 7):
            inner = crm == 3
            switch op2 {
            case 0: op = .vmalle1
            case 1: op = .vae1
            case 2: op = .aside1
            case 3: op = .vaae1
            case 5: op = .vale1
            case 7: op = .vaale1
            default: return nil
            }
        case (4, 0), (4, 4):
            inner = crm == 0
            switch op2 {
            case 1: op = .ipas2e1
            case 5: op = .ipas2le1
            default: return nil
            }
        case (4, 3), (4, 7):
            inner = crm == 3
            switch op2 {
            case 0: op = .alle2
            case 1: op = .vae2
            case 4: op = .alle1
            case 5: op = .vale2
            case 6: op = .vmalls12e1
            default: return nil
            }
        default:
            return nil
        }
        self.init(operation: op, innerShareable: inner)
    }
}

public final class TLB {
    public let sets: Int
    public let ways: Int
    public var capacity: Int { sets * ways }

    @usableFromInline let entries: UnsafeMutablePointer<TLBEntry>
    @usableFromInline let setMask: UInt64
    @usableFromInline let waysCount: Int
    /// Next way to replace, per set (round robin once the set is full).
    private let victims: UnsafeMutablePointer<UInt8>
    /// Per VA half (bit 63 clear, set), regions covering every cached entry whose stage-1
    /// mapping is larger than 4 KiB (QEMU's large-page tracking, with a few regions where QEMU
    /// keeps one): a TLBI by VA outside them only needs the VA's own set.
    private var largeLow = LargeRegion()
    private var largeHigh = LargeRegion()

    /// `sets` is rounded up to a power of two; 256 sets of 4 ways hold 1,024 pages.
    public init(sets: Int = 256, ways: Int = 4) {
        var s = 1
        while s < max(1, sets) { s <<= 1 }
        self.sets = s
        self.ways = max(1, min(ways, 255))
        waysCount = self.ways
        setMask = UInt64(s - 1)
        let invalid = TLBEntry(vaPage: 0, key: 0, asid: 0, result: TranslationResult(
            physicalAddress: 0, intermediatePhysicalAddress: 0, permissions: [], stage2Permissions: [],
            pageShift: 12, stage1PageShift: 12, level: 0, stage2Level: 0, global: false, hasStage2: false,
            attrIndex: 0, memoryAttributes: 0, stage2MemAttr: 0, shareability: 0))
        entries = .allocate(capacity: s * self.ways)
        entries.initialize(repeating: invalid, count: s * self.ways)
        victims = .allocate(capacity: s)
        victims.initialize(repeating: 0, count: s)
    }

    deinit {
        entries.deallocate()
        victims.deallocate()
    }

    @inlinable @inline(__always)
    static func setIndex(_ vaPage: UInt64, _ mask: UInt64) -> Int {
        // Fold the high VA bits in so that TTBR1 (kernel) pages and TTBR0 pages of the same low
        // bits spread over different sets.
        Int(truncatingIfNeeded: (vaPage ^ (vaPage >> 32)) & mask)
    }

    /// The cached translation of `va` (an effective address: Stage1Config.effectiveAddress)
    /// in `context`, with the physical and intermediate addresses of `va` itself.
    @inlinable
    public func lookup(_ va: UInt64, _ context: TLBContext) -> TranslationResult? {
        let page = va >> 12
        var e = entries + TLB.setIndex(page, setMask) &* waysCount
        let key = context.key
        for _ in 0..<waysCount {
            if e.pointee.vaPage == page && e.pointee.key == key
                && (e.pointee.result.global || e.pointee.asid == context.asid) {
                var r = e.pointee.result
                let offset = va & 0xFFF
                r.physicalAddress |= offset
                r.intermediatePhysicalAddress |= offset
                return r
            }
            e += 1
        }
        return nil
    }

    /// Caches the translation of the 4 KiB page holding `va` (an effective address), replacing
    /// an entry with the same tag, else an invalid way, else the set's round-robin victim.
    public func insert(_ va: UInt64, _ context: TLBContext, _ result: TranslationResult) {
        let page = va >> 12
        let set = TLB.setIndex(page, setMask)
        let base = entries + set * ways
        var slot = -1
        for w in 0..<ways {
            let e = base[w]
            if e.vaPage == page && e.key == context.key && e.result.global == result.global
                && (result.global || e.asid == context.asid) {
                slot = w
                break
            }
            if slot < 0 && e.key == 0 { slot = w }
        }
        if slot < 0 {
            slot = Int(victims[set])
            victims[set] = UInt8((slot + 1) % ways)
        }
        var r = result
        r.physicalAddress &= ~0xFFF
        r.intermediatePhysicalAddress &= ~0xFFF
        base[slot] = TLBEntry(vaPage: page, key: context.key, asid: context.asid, result: r)
        if result.stage1PageShift > 12 {
            if va >> 63 == 0 { largeLow.include(va, shift: result.stage1PageShift) }
            else { largeHigh.include(va, shift: result.stage1PageShift) }
        }
    }

    // MARK: - Invalidation

    /// Performs a TLBI. `operand` is Xt; `vmid` is the current VTTBR_EL2.VMID, which selects
    /// the EL1&0 entries of the operations that act on "the current VMID".
    public func invalidate(_ op: TLBIOperation, operand: UInt64, vmid: UInt16) {
        // Xt for by-VA operations: VA[55:12] in bits 43:0, ASID in bits 63:48 (C5.5).
        let va = TLB.invalidatedPage(.vae1, operand: operand) ?? 0
        let asid = UInt16(truncatingIfNeeded: operand >> 48)
        switch op {
        case .vmalle1, .vmalls12e1, .ipas2e1, .ipas2le1:
            invalidateAll(regime: .el10, vmid: vmid)
        case .alle1:
            invalidateAll(regime: .el10, vmid: nil)
        case .alle2:
            invalidateAll(regime: .el2, vmid: nil)
        case .aside1:
            invalidate(asid: asid, vmid: vmid)
        case .vae1, .vale1:
            invalidate(va: va, regime: .el10, asid: asid, vmid: vmid)
        case .vaae1, .vaale1:
            invalidate(va: va, regime: .el10, asid: nil, vmid: vmid)
        case .vae2, .vale2:
            invalidate(va: va, regime: .el2, asid: nil, vmid: 0)
        }
    }

    /// The VA a by-VA operation names (as `invalidate` reads it from Xt), nil for the others.
    public static func invalidatedPage(_ op: TLBIOperation, operand: UInt64) -> UInt64? {
        switch op {
        case .vae1, .vale1, .vaae1, .vaale1, .vae2, .vale2:
            return UInt64(bitPattern: Int64(bitPattern: (operand & 0xFFF_FFFF_FFFF) << 20) >> 8)
        default:
            return nil
        }
    }

    /// Whether an entry made from a stage-1 mapping larger than 4 KiB may cover `va`: then a
    /// by-VA invalidation of `va` reaches pages other than its own.
    public func mayHoldLargeMapping(_ va: UInt64) -> Bool {
        (va >> 63 == 0 ? largeLow : largeHigh).covers(va)
    }

    /// Every entry of every regime.
    public func invalidateAll() {
        for i in 0..<capacity { entries[i].key = 0 }
        largeLow = LargeRegion()
        largeHigh = LargeRegion()
    }

    /// Every entry of `regime`; for EL1&0 only those of `vmid` unless it is nil.
    public func invalidateAll(regime: Regime, vmid: UInt16?) {
        let mask = vmid == nil ? TLBContext.regimeMask : TLBContext.regimeVMIDMask
        let want = TLBContext.makeKey(regime: regime, vmid: vmid ?? 0) & mask
        for i in 0..<capacity where entries[i].key & mask == want { entries[i].key = 0 }
    }

    /// The non-global EL1&0 entries of `asid` in `vmid` (TLBI ASIDE1).
    public func invalidate(asid: UInt16, vmid: UInt16) {
        let want = TLBContext.makeKey(regime: .el10, vmid: vmid)
        for i in 0..<capacity {
            let e = entries[i]
            if e.key & TLBContext.regimeVMIDMask == want && !e.result.global && e.asid == asid {
                entries[i].key = 0
            }
        }
    }

    /// The entries of `regime` (and `vmid` for EL1&0) whose stage-1 page or block holds `va`:
    /// global ones and those of `asid`, or all of them when `asid` is nil.
    public func invalidate(va: UInt64, regime: Regime, asid: UInt16?, vmid: UInt16) {
        let want = TLBContext.makeKey(regime: regime, vmid: regime == .el2 ? 0 : vmid)
        @inline(__always) func matches(_ e: TLBEntry) -> Bool {
            guard e.key & TLBContext.regimeVMIDMask == want else { return false }
            if let asid, !e.result.global, e.asid != asid { return false }
            return ((e.vaPage << 12) ^ va) >> UInt64(e.result.stage1PageShift) == 0
        }
        if (va >> 63 == 0 ? largeLow : largeHigh).covers(va) {
            for i in 0..<capacity where matches(entries[i]) { entries[i].key = 0 }
        } else {
            let page = va >> 12
            let base = entries + TLB.setIndex(page, setMask) * ways
            for w in 0..<ways where matches(base[w]) { base[w].key = 0 }
        }
    }

    /// Number of valid entries (for tests and statistics).
    public var validEntryCount: Int {
        var n = 0
        for i in 0..<capacity where entries[i].key != 0 { n += 1 }
        return n
    }
}

/// Aligned power-of-two regions holding every large mapping noted so far (see `LargeRegion.include`).
struct LargeRegion {
    /// Up to eight aligned power-of-two regions. One region grew to cover most of a VA half
    /// once a Linux kernel had large mappings in two places (its linear map and its image), so
    /// that each of the tens of thousands of TLBIs by VA of a boot (vmalloc, fixmap, modules)
    /// scanned the whole TLB: 5 % of a Debian boot's host instructions. Four were still too
    /// few for a dom0 kernel (linear map banks, image, vmemmap): a merged region took in its
    /// fixmap, and 53,000 TLBIs of a two-CPU Xen boot scanned the whole TLB.
    static let limit = 8
    private var bases = SIMD8<UInt64>(repeating: 0)
    private var masks = SIMD8<UInt64>(repeating: 0)
    private var count = 0

    mutating func include(_ va: UInt64, shift: UInt8) {
        let m = ~((UInt64(1) << UInt64(min(shift, 63))) - 1)
        for k in 0..<count where va & masks[k] == bases[k] {
            // Already covered; a larger block than the region widens it.
            masks[k] &= m
            bases[k] &= masks[k]
            return
        }
        if count < Self.limit {
            bases[count] = va & m
            masks[count] = m
            count += 1
            return
        }
        // Full: grow the region that takes `va` in with the least growth, or merge the two
        // closest regions and give `va` the freed one, whichever makes the smaller region.
        // Growing alone once took a kernel image's 2 MiB blocks and its fixmap into one region
        // of 2^47 bytes, and every text-patching TLBI scanned the whole TLB.
        func joined(_ mask: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
            var mm = mask
            while (a ^ b) & mm != 0 { mm <<= 1 }
            return mm
        }
        var grow = 0, growMask: UInt64 = 0
        for k in 0..<Self.limit {
            let mm = joined(masks[k] & m, bases[k], va)
            if k == 0 || mm.trailingZeroBitCount < growMask.trailingZeroBitCount { (grow, growMask) = (k, mm) }
        }
        var pair = (0, 1), pairMask = joined(masks[0] & masks[1], bases[0], bases[1])
        for i in 0..<Self.limit {
            for j in (i + 1)..<Self.limit {
                let mm = joined(masks[i] & masks[j], bases[i], bases[j])
                if mm.trailingZeroBitCount < pairMask.trailingZeroBitCount { (pair, pairMask) = ((i, j), mm) }
            }
        }
        if pairMask.trailingZeroBitCount < growMask.trailingZeroBitCount {
            masks[pair.0] = pairMask
            bases[pair.0] &= pairMask
            bases[pair.1] = va & m
            masks[pair.1] = m
        } else {
            masks[grow] = growMask
            bases[grow] &= growMask
        }
    }

    func covers(_ va: UInt64) -> Bool {
        for k in 0..<count where va & masks[k] == bases[k] { return true }
        return false
    }
}
