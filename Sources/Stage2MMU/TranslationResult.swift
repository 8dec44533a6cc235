// What a successful walk produces: one stage's output, and the combined stage-1+stage-2 result
// that the TLB caches per page. Plain data: no references, 32 bytes for the combined result.

/// Stage-1 output of a walk: the IPA (or PA without stage 2) and what the descriptors said.
@frozen public struct Stage1Result: Equatable {
    /// Output address of the accessed byte.
    public var outputAddress: UInt64
    /// Lookup level of the block or page descriptor (0 when stage 1 is disabled).
    public var level: UInt8
    /// log2 of the block or page size.
    public var blockShift: UInt8
    /// nG was clear (always true in the EL2 regime and with stage 1 disabled).
    public var global: Bool
    /// Effective permissions: descriptor, hierarchical table controls and SCTLR.WXN applied.
    public var permissions: Permissions
    /// AttrIndx, and the MAIR_ELx byte it selects.
    public var attrIndex: UInt8
    public var memoryAttributes: UInt8
    public var shareability: UInt8

    public init(outputAddress: UInt64, level: UInt8, blockShift: UInt8, global: Bool, permissions: Permissions,
                attrIndex: UInt8, memoryAttributes: UInt8, shareability: UInt8) {
        self.outputAddress = outputAddress; self.level = level; self.blockShift = blockShift
        self.global = global; self.permissions = permissions; self.attrIndex = attrIndex
        self.memoryAttributes = memoryAttributes; self.shareability = shareability
    }
}

/// Stage-2 output of a walk.
@frozen public struct Stage2Result: Equatable {
    public var outputAddress: UInt64
    public var level: UInt8
    public var blockShift: UInt8
    /// S2AP and XN.
    public var permissions: Stage2Permissions
    /// Stage-2 MemAttr[3:0] (D8.6.5): 00xx is Device memory.
    public var memAttr: UInt8
    public var shareability: UInt8

    public init(outputAddress: UInt64, level: UInt8, blockShift: UInt8, permissions: Stage2Permissions,
                memAttr: UInt8, shareability: UInt8) {
        self.outputAddress = outputAddress; self.level = level; self.blockShift = blockShift
        self.permissions = permissions; self.memAttr = memAttr; self.shareability = shareability
    }
}

/// A complete translation of one address through every enabled stage: what the TLB caches.
/// Permissions are kept per stage so that a denied access is reported by the stage that denies
/// it, with that stage's level (permissionFault(for:el:) in Permissions.swift).
@frozen public struct TranslationResult: Equatable {
    /// The physical address of the accessed byte.
    public var physicalAddress: UInt64
    /// The stage-1 output (equal to physicalAddress without stage 2), for HPFAR_EL2.
    public var intermediatePhysicalAddress: UInt64
    /// Stage-1 permissions for EL0 and for the privileged level (all when stage 1 is off).
    public var permissions: Permissions
    /// Stage-2 permissions (all when there is no stage 2).
    public var stage2Permissions: Stage2Permissions
    /// log2 of the size of the region that translates as one: the smaller of both stages'
    /// block or page sizes.
    public var pageShift: UInt8
    /// log2 of the stage-1 block or page size: the span a TLBI by VA must cover.
    public var stage1PageShift: UInt8
    /// Stage-1 lookup level of the leaf descriptor.
    public var level: UInt8
    /// Stage-2 lookup level of the leaf descriptor (0 without stage 2).
    public var stage2Level: UInt8
    /// Not tagged with an ASID: matches whatever ASID is current.
    public var global: Bool
    /// Stage 2 took part: stage2Permissions and stage2Level are meaningful.
    public var hasStage2: Bool
    /// Stage-1 AttrIndx and the MAIR byte it selects (0x00, Device-nGnRnE, with stage 1 off).
    public var attrIndex: UInt8
    public var memoryAttributes: UInt8
    /// Stage-2 MemAttr (0b1111, Normal write-back, without stage 2).
    public var stage2MemAttr: UInt8
    /// Stage-1 SH (stage 2's when stage 1 is off).
    public var shareability: UInt8

    public init(physicalAddress: UInt64, intermediatePhysicalAddress: UInt64, permissions: Permissions,
                stage2Permissions: Stage2Permissions, pageShift: UInt8, stage1PageShift: UInt8, level: UInt8,
                stage2Level: UInt8, global: Bool, hasStage2: Bool, attrIndex: UInt8, memoryAttributes: UInt8,
                stage2MemAttr: UInt8, shareability: UInt8) {
        self.physicalAddress = physicalAddress; self.intermediatePhysicalAddress = intermediatePhysicalAddress
        self.permissions = permissions; self.stage2Permissions = stage2Permissions
        self.pageShift = pageShift; self.stage1PageShift = stage1PageShift
        self.level = level; self.stage2Level = stage2Level; self.global = global; self.hasStage2 = hasStage2
        self.attrIndex = attrIndex; self.memoryAttributes = memoryAttributes
        self.stage2MemAttr = stage2MemAttr; self.shareability = shareability
    }

    /// Size in bytes of the region that translates as one.
    @inlinable public var pageSize: UInt64 { 1 << UInt64(pageShift) }

    /// Device memory at either stage: MAIR attribute 0000xxxx (D17.2.97) or stage-2 MemAttr
    /// 00xx (D8.6.5). Stage 2 can only make memory more device-like.
    @inlinable public var isDevice: Bool { memoryAttributes & 0xF0 == 0 || stage2MemAttr & 0xC == 0 }

    /// Combined read/write/execute rights of both stages, for display and AT-like queries.
    @inlinable public var effectivePermissions: Permissions {
        var p = permissions
        if !stage2Permissions.contains(.read) { p.subtract([.el0Read, .privilegedRead]) }
        if !stage2Permissions.contains(.write) { p.subtract([.el0Write, .privilegedWrite]) }
        if !stage2Permissions.contains(.execute) { p.subtract([.el0Execute, .privilegedExecute]) }
        return p
    }
}
