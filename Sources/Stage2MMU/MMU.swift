import Bus

/// One CPU's translation unit: its TLB in front of the table walker, then the permission check.
/// This is the single call the CPU's memory access path makes; everything else in the module
/// is reachable for AT instructions, tests and tracing.
public final class MMU {
    public let bus: PhysicalAddressSpace
    public let tlb: TLB
    /// Told of every descriptor read; nil costs nothing.
    public var observer: (any TranslationObserver)?

    public init(bus: PhysicalAddressSpace, tlb: TLB = TLB()) {
        self.bus = bus
        self.tlb = tlb
    }

    /// Translates `va` for `access` at `el` in `regime`: the TLB first, a walk on a miss (whose
    /// result is cached even when the access is then denied, as hardware caches it), then the
    /// permission check of both stages. With both stages disabled the VA is the PA, with the
    /// level 0 address size fault of D8.2.10 for addresses beyond the PA size.
    @inlinable
    public func translate(_ va: UInt64, _ access: AccessKind, el: UInt8,
                          regime: TranslationRegime) throws(FaultRecord) -> TranslationResult {
        let a = regime.stage1.effectiveAddress(va)
        if regime.isFlat { return try flat(a, regime) }
        let r: TranslationResult
        if let hit = tlb.lookup(a, regime.tlbContext) {
            r = hit
        } else if let o = observer {
            return try observedWalk(a, access, el: el, regime: regime, observer: o)
        } else {
            r = try regime.walk(a, bus: bus, observer: nil)
            tlb.insert(a, regime.tlbContext, r)
        }
        if let f = r.permissionFault(for: access, el: el) { throw f }
        return r
    }

    /// A TLB miss under `--trace mmu`: the walk, bracketed for the observer.
    @usableFromInline
    func observedWalk(_ a: UInt64, _ access: AccessKind, el: UInt8, regime: TranslationRegime,
                      observer o: any TranslationObserver) throws(FaultRecord) -> TranslationResult {
        o.walkBegan(va: a, regime: regime)
        let r: TranslationResult
        do throws(FaultRecord) {
            r = try regime.walk(a, bus: bus, observer: o)
        } catch {
            o.walkEnded(fault: error)
            throw error
        }
        tlb.insert(a, regime.tlbContext, r)
        let f = r.permissionFault(for: access, el: el)
        o.walkEnded(fault: f)
        if let f { throw f }
        return r
    }

    @usableFromInline
    func flat(_ a: UInt64, _ regime: TranslationRegime) throws(FaultRecord) -> TranslationResult {
        if a >> UInt64(regime.stage1.physicalAddressBits) != 0 { throw FaultRecord(kind: .addressSize, level: 0) }
        return TranslationResult(physicalAddress: a, intermediatePhysicalAddress: a, permissions: .all,
                                 stage2Permissions: .all, pageShift: 12, stage1PageShift: 12, level: 0,
                                 stage2Level: 0, global: true, hasStage2: false, attrIndex: 0,
                                 memoryAttributes: 0, stage2MemAttr: 0xF, shareability: 0)
    }
}
