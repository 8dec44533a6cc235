import Bus

// Translation table walks, stage 1 and stage 2, 4/16/64 KiB granules (ARM DDI 0487, D8.2
// "Translation table walk", pseudocode AArch64.TranslationTableWalk of ARMv8.0). Walks read
// descriptors through the physical address space and never write them: there is no hardware
// Access flag or dirty state update in ARMv8.0, an AF of 0 is an Access flag fault.
//
// Fault priority follows the pseudocode: range and base checks (level 0), then per level the
// stage-2 translation of the descriptor address (stage 1 under stage 2), the external abort on
// the read, an invalid or reserved descriptor, the address size of a next-level table; at the
// leaf a block at a level that allows none, the output address size, the Access flag; the
// permission check comes last (Permissions.swift).

/// Walks report faults through typed throws (`throws(FaultRecord)`): plain data, no existential.
extension FaultRecord: Error {}

/// Told of every descriptor a walk reads (for `--trace mmu`). Passed as an optional reference:
/// an absent observer costs one nil test per descriptor and nothing else.
public protocol TranslationObserver: AnyObject {
    /// A TLB miss starts a walk of `va` (the MMU calls this; walks made directly do not).
    func walkBegan(va: UInt64, regime: TranslationRegime)
    /// `address` is the physical address read, `stage` 1 or 2.
    func descriptorRead(address: UInt64, value: UInt64, level: UInt8, stage: UInt8)
    /// The walk begun last ended: in a fault (the walk's own, or the permission check of its
    /// result), or with nil when the access may proceed.
    func walkEnded(fault: FaultRecord?)
}

extension TranslationObserver {
    public func walkBegan(va: UInt64, regime: TranslationRegime) {}
    public func walkEnded(fault: FaultRecord?) {}
}

/// The leaf of a walk and the table controls gathered on the way down.
struct WalkLeaf {
    var descriptor: Descriptor
    var level: Int
    /// log2 of the block or page size.
    var blockShift: Int
    var outputAddress: UInt64
    /// APTable bits OR-ed over the tables walked (bit 1 read-only, bit 0 no EL0).
    var apTable: UInt8
    var uxnTable: Bool
    var pxnTable: Bool
}

/// Parameters of one table walk: the same loop serves both stages.
struct WalkParameters {
    var granule: Granule
    var inputSize: Int
    var startLevel: Int
    /// The base register's BADDR (bits 47:1).
    var tableBase: UInt64
    var outputSize: Int
    var bigEndian: Bool
    /// 1 or 2, for the observer.
    var stage: UInt8
}

enum TableWalk {
    /// Walks from the start table to a block or page descriptor. Faults are thrown with kind and
    /// level only, except faults of the stage-2 translation of a stage-1 table address, which
    /// arrive complete (secondStage and s1ptw set) and must be passed on unchanged.
    static func walk(_ input: UInt64, _ p: WalkParameters, tableStage2: Stage2Config?,
                     bus: PhysicalAddressSpace, observer: (any TranslationObserver)?) throws(FaultRecord) -> WalkLeaf {
        let shift = p.granule.shift
        let stride = p.granule.stride
        // The base register's address must fit the output size (level 0 address size fault).
        if p.outputSize < 48 && p.tableBase >> UInt64(p.outputSize) != 0 {
            throw FaultRecord(kind: .addressSize, level: 0)
        }
        // The start table is aligned to its own size, which concatenation can make up to 16
        // pages; lower base register bits are ignored (see TranslationRegime.swift).
        let baseLowerBound = 3 + p.inputSize - ((3 - p.startLevel) * stride + shift)
        var table = p.tableBase & ~((UInt64(1) << UInt64(baseLowerBound)) - 1)
        var level = p.startLevel
        var top = p.inputSize - 1
        var apTable: UInt8 = 0
        var uxnTable = false
        var pxnTable = false
        while true {
            let bottom = (3 - level) * stride + shift
            let width = UInt64(top - bottom + 1)
            let index = (input >> UInt64(bottom)) & ((UInt64(1) << width) - 1)
            let descriptorAddress = table | index << 3
            var pa = descriptorAddress
            if let s2 = tableStage2 {
                pa = try Stage2Walk.translateTableAddress(descriptorAddress, s2, bus: bus, observer: observer)
            }
            guard var raw = bus.read(pa, size: 8) else {
                throw FaultRecord(kind: .synchronousExternalOnWalk, level: UInt8(level))
            }
            if p.bigEndian { raw = raw.byteSwapped }
            observer?.descriptorRead(address: pa, value: raw, level: UInt8(level), stage: p.stage)
            let d = Descriptor(raw)
            guard d.isValid else { throw FaultRecord(kind: .translation, level: UInt8(level)) }
            if d.isBlockEncoding {
                // Reserved at level 3; a block where the granule allows none (D8.3.1).
                if level == 3 || level < p.granule.firstBlockLevel {
                    throw FaultRecord(kind: .translation, level: UInt8(level))
                }
            } else if level < 3 {
                // Table descriptor: its address must fit the output size.
                if p.outputSize < 48 && (raw & outputAddressMask) >> UInt64(p.outputSize) != 0 {
                    throw FaultRecord(kind: .addressSize, level: UInt8(level))
                }
                table = d.address(alignedTo: shift)
                apTable |= d.apTable
                uxnTable = uxnTable || d.uxnTable
                pxnTable = pxnTable || d.pxnTable
                level += 1
                top = bottom - 1
                continue
            }
            // Block or page. The contiguous hint (bit 52) is accepted and ignored.
            let offsetMask = (UInt64(1) << UInt64(bottom)) - 1
            let out = d.address(alignedTo: bottom) | input & offsetMask
            if p.outputSize < 48 && out >> UInt64(p.outputSize) != 0 {
                throw FaultRecord(kind: .addressSize, level: UInt8(level))
            }
            if !d.accessFlag { throw FaultRecord(kind: .accessFlag, level: UInt8(level)) }
            return WalkLeaf(descriptor: d, level: level, blockShift: bottom, outputAddress: out,
                            apTable: apTable, uxnTable: uxnTable, pxnTable: pxnTable)
        }
    }
}

/// Stage 2: IPA to PA for the EL1&0 regime, from VTCR_EL2 and VTTBR_EL2 (D8.2.7).
public enum Stage2Walk {
    /// Translates `ipa`. Every fault is a stage-2 fault carrying the IPA; `s1ptw` marks a walk
    /// made for a stage-1 table descriptor (ESR_EL2.ISS.S1PTW).
    public static func walk(_ ipa: UInt64, _ config: Stage2Config, s1ptw: Bool = false,
                            bus: PhysicalAddressSpace, observer: (any TranslationObserver)? = nil) throws(FaultRecord) -> Stage2Result {
        do throws(FaultRecord) {
            // An illegal SL0/T0SZ pair, or an IPA beyond the input size: level 0 translation
            // fault (pseudocode AArch64.S2InvalidSL, S2InconsistentSL, IPAIsOutOfRange).
            guard config.startLevelValid, ipa >> UInt64(config.inputSize) == 0 else {
                throw FaultRecord(kind: .translation, level: 0)
            }
            let p = WalkParameters(granule: config.granule, inputSize: config.inputSize,
                                   startLevel: config.startLevel, tableBase: config.tableBase,
                                   outputSize: config.outputSize, bigEndian: config.descriptorsBigEndian, stage: 2)
            let leaf = try TableWalk.walk(ipa, p, tableStage2: nil, bus: bus, observer: observer)
            let d = leaf.descriptor
            return Stage2Result(outputAddress: leaf.outputAddress, level: UInt8(leaf.level),
                                blockShift: UInt8(leaf.blockShift),
                                permissions: Stage2Permissions(s2ap: d.s2ap, xn: d.xn),
                                memAttr: d.memAttr, shareability: d.shareability)
        } catch {
            var f = error
            f.secondStage = true
            f.s1ptw = s1ptw
            f.ipa = ipa
            throw f
        }
    }

    /// The stage-2 translation of a stage-1 descriptor address. A stage-1 walk reads its tables,
    /// so stage 2 must grant read access, whatever the access that caused the walk
    /// (pseudocode AArch64.CheckS2Permission with s2fs1walk).
    static func translateTableAddress(_ ipa: UInt64, _ config: Stage2Config, bus: PhysicalAddressSpace,
                                      observer: (any TranslationObserver)?) throws(FaultRecord) -> UInt64 {
        let r = try walk(ipa, config, s1ptw: true, bus: bus, observer: observer)
        if !r.permissions.contains(.read) {
            throw FaultRecord(kind: .permission, level: r.level, secondStage: true, s1ptw: true, ipa: ipa)
        }
        return r.outputAddress
    }
}

/// Stage 1: VA to IPA (or to PA without stage 2) for the EL1&0 or EL2 regime (D8.2.6).
public enum Stage1Walk {
    /// Translates `va` through stage 1 only. When `stage2` is given and enabled (EL1&0 regime
    /// only), each table descriptor address is itself translated by stage 2; a fault there is
    /// a stage-2 fault with s1ptw set and the descriptor's IPA. With stage 1 disabled the VA is
    /// the output address, and a VA beyond the PA size is a level 0 address size fault (D8.2.10).
    public static func walk(_ va: UInt64, _ config: Stage1Config, stage2: Stage2Config? = nil,
                            bus: PhysicalAddressSpace, observer: (any TranslationObserver)? = nil) throws(FaultRecord) -> Stage1Result {
        let a = config.effectiveAddress(va)
        guard config.enabled else {
            if a >> UInt64(config.physicalAddressBits) != 0 { throw FaultRecord(kind: .addressSize, level: 0) }
            return Stage1Result(outputAddress: a, level: 0, blockShift: 12, global: true, permissions: .all,
                                attrIndex: 0, memoryAttributes: 0x00, shareability: 0)
        }
        if let sd = config.shortDescriptors {
            let s2 = stage2?.enabled == true ? stage2 : nil
            return try ShortDescriptorWalk.walk(a, sd, config, stage2: s2, bus: bus, observer: observer)
        }
        // Range selection by the top bit (bit 55 under TBI, made equal by effectiveAddress).
        let upper = a >> 63 != 0
        let range = upper ? config.upper : config.lower
        let n = UInt64(range.inputSize)
        guard range.walksEnabled, a >> n == (upper ? ~UInt64(0) >> n : 0) else {
            throw FaultRecord(kind: .translation, level: 0)
        }
        let s2 = config.regime == .el10 && stage2?.enabled == true ? stage2 : nil
        let p = WalkParameters(granule: range.granule, inputSize: range.inputSize, startLevel: range.startLevel,
                               tableBase: range.tableBase, outputSize: config.outputSize,
                               bigEndian: config.descriptorsBigEndian, stage: 1)
        let leaf = try TableWalk.walk(a, p, tableStage2: s2, bus: bus, observer: observer)
        let d = leaf.descriptor
        let wxn = config.writeImpliesExecuteNever
        let permissions: Permissions
        let global: Bool
        switch config.regime {
        case .el10:
            // APTable[1] forces read-only, APTable[0] removes EL0 access (D8.4.3).
            let ap = (d.ap | (leaf.apTable & 0b10)) & ~(leaf.apTable & 0b01)
            permissions = .twoLevel(ap: ap, uxn: d.xn || leaf.uxnTable, pxn: d.pxn || leaf.pxnTable, wxn: wxn,
                                    userWritableIsPXN: !config.aarch32)
            global = !d.notGlobal
        case .el2:
            // One privilege level: AP[1], PXN, APTable[0] and PXNTable are ignored; nG is RES0.
            permissions = .singleLevel(ap: d.ap | (leaf.apTable & 0b10), xn: d.xn || leaf.uxnTable, wxn: wxn)
            global = true
        }
        let index = d.attrIndex
        return Stage1Result(outputAddress: leaf.outputAddress, level: UInt8(leaf.level),
                            blockShift: UInt8(leaf.blockShift), global: global, permissions: permissions,
                            attrIndex: index,
                            memoryAttributes: UInt8(truncatingIfNeeded: config.mair >> (UInt64(index) * 8)),
                            shareability: d.shareability)
    }
}

extension TranslationRegime {
    /// A full walk of `va` through every enabled stage, without the TLB and without the
    /// permission check (see TranslationResult.permissionFault(for:el:)). With both stages
    /// disabled the result is flat.
    public func walk(_ va: UInt64, bus: PhysicalAddressSpace,
                     observer: (any TranslationObserver)? = nil) throws(FaultRecord) -> TranslationResult {
        let s2 = stage2Active ? stage2 : nil
        let s1 = try Stage1Walk.walk(va, stage1, stage2: s2, bus: bus, observer: observer)
        guard let s2 else {
            return TranslationResult(physicalAddress: s1.outputAddress, intermediatePhysicalAddress: s1.outputAddress,
                                     permissions: s1.permissions, stage2Permissions: .all,
                                     pageShift: s1.blockShift, stage1PageShift: s1.blockShift, level: s1.level,
                                     stage2Level: 0, global: s1.global, hasStage2: false, attrIndex: s1.attrIndex,
                                     memoryAttributes: s1.memoryAttributes, stage2MemAttr: 0xF,
                                     shareability: s1.shareability)
        }
        let r2 = try Stage2Walk.walk(s1.outputAddress, s2, bus: bus, observer: observer)
        return TranslationResult(physicalAddress: r2.outputAddress, intermediatePhysicalAddress: s1.outputAddress,
                                 permissions: s1.permissions, stage2Permissions: r2.permissions,
                                 pageShift: min(s1.blockShift, r2.blockShift), stage1PageShift: s1.blockShift,
                                 level: s1.level, stage2Level: r2.level, global: s1.global, hasStage2: true,
                                 attrIndex: s1.attrIndex, memoryAttributes: s1.memoryAttributes,
                                 stage2MemAttr: r2.memAttr,
                                 shareability: stage1.enabled ? s1.shareability : r2.shareability)
    }
}
