import Bus

// The VMSAv8-32 Short-descriptor translation table format (ARM DDI 0487, G5.4; the ARMv7 VMSA
// it keeps): a 32-bit VA, a first-level table of sections (1 MiB), supersections (16 MiB) and
// pointers to second-level tables of large (64 KiB) and small (4 KiB) pages; domains checked
// against DACR; AP[2:0] (or AP[2:1] with the Access flag when SCTLR.AFE is set); TEX remap
// through PRRR/NMRR when SCTLR.TRE is set. The result is a Stage1Result like any other walk's,
// so stage 2, the TLB and the permission check are shared.
//
// Choices made here: a domain value of 0b10 (reserved) is treated as no access; a Manager
// domain grants every access, execute included (the ARMv7 rule that XN applies to Client
// domains only); supersections ignore their domain field (domain 0), as the format says.

/// The registers of a short-descriptor regime.
@frozen public struct ShortDescriptorConfig: Equatable {
    public var ttbr0: UInt32
    public var ttbr1: UInt32
    /// TTBCR.N: TTBR0 covers VA[31:32-N] == 0, TTBR1 the rest (N = 0: TTBR0 only).
    public var n: Int
    /// TTBCR.PD0/PD1: a TLB miss in that range is a translation fault.
    public var walksDisabled0: Bool
    public var walksDisabled1: Bool
    public var dacr: UInt32
    /// SCTLR.AFE: AP[0] is the Access flag and AP[2:1] the permissions.
    public var accessFlagEnabled: Bool
    /// SCTLR.TRE: TEX[0]:C:B index PRRR/NMRR.
    public var texRemap: Bool
    public var prrr: UInt32

    public init(ttbcr: UInt32, ttbr0: UInt32, ttbr1: UInt32, dacr: UInt32, sctlr: UInt64, prrr: UInt32) {
        n = Int(ttbcr & 7)
        walksDisabled0 = ttbcr & (1 << 4) != 0
        walksDisabled1 = ttbcr & (1 << 5) != 0
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        self.dacr = dacr
        accessFlagEnabled = sctlr & (1 << 29) != 0
        texRemap = sctlr & (1 << 28) != 0
        self.prrr = prrr
    }
}

enum ShortDescriptorWalk {
    static func walk(_ va: UInt64, _ sd: ShortDescriptorConfig, _ config: Stage1Config, stage2: Stage2Config?,
                     bus: PhysicalAddressSpace, observer: (any TranslationObserver)?) throws(FaultRecord) -> Stage1Result {
        let v = UInt32(truncatingIfNeeded: va)
        guard va >> 32 == 0 else { throw FaultRecord(kind: .translation, level: 1) }
        // TTBR selection (G5.4.? "Selecting between TTBR0 and TTBR1").
        let useTTBR1 = sd.n > 0 && v >> UInt32(32 - sd.n) != 0
        if useTTBR1 ? sd.walksDisabled1 : sd.walksDisabled0 { throw FaultRecord(kind: .translation, level: 1) }
        let base: UInt32, index: UInt32
        if useTTBR1 {
            base = sd.ttbr1 & ~0x3FFF
            index = v >> 20
        } else {
            base = sd.ttbr0 & ~((1 << UInt32(14 - sd.n)) - 1)
            index = (v << UInt32(sd.n)) >> UInt32(20 + sd.n)
        }
        let l1 = try read(UInt64(base | index << 2), level: 1, stage2: stage2, bus: bus, observer: observer)
        var domain = (l1 >> 5) & 0xF
        let leaf: Leaf
        switch l1 & 3 {
        case 0b00:
            throw FaultRecord(kind: .translation, level: 1)
        case 0b01:
            // A second-level table: 256 entries of 4 bytes, 1 KiB aligned.
            let table = l1 & ~0x3FF
            let l2 = try read(UInt64(table | ((v >> 12) & 0xFF) << 2), level: 2, stage2: stage2, bus: bus, observer: observer)
            let pxn = l1 & (1 << 2) != 0
            switch l2 & 3 {
            case 0b00:
                throw FaultRecord(kind: .translation, level: 2)
            case 0b01:   // large page, 64 KiB
                leaf = Leaf(output: UInt64(l2 & 0xFFFF_0000) | UInt64(v & 0xFFFF), shift: 16, level: 2,
                            ap: (l2 >> 4) & 3 | ((l2 >> 9) & 1) << 2, xn: l2 & (1 << 15) != 0, pxn: pxn,
                            tex: (l2 >> 12) & 7, cb: (l2 >> 2) & 3, notGlobal: l2 & (1 << 11) != 0,
                            shareable: l2 & (1 << 10) != 0)
            default:     // small page, 4 KiB
                leaf = Leaf(output: UInt64(l2 & 0xFFFF_F000) | UInt64(v & 0xFFF), shift: 12, level: 2,
                            ap: (l2 >> 4) & 3 | ((l2 >> 9) & 1) << 2, xn: l2 & 1 != 0, pxn: pxn,
                            tex: (l2 >> 6) & 7, cb: (l2 >> 2) & 3, notGlobal: l2 & (1 << 11) != 0,
                            shareable: l2 & (1 << 10) != 0)
            }
        default:
            // Section or supersection; bit 0 is PXN.
            let common = (ap: (l1 >> 10) & 3 | ((l1 >> 15) & 1) << 2, xn: l1 & (1 << 4) != 0, pxn: l1 & 1 != 0,
                          tex: (l1 >> 12) & 7, cb: (l1 >> 2) & 3, nG: l1 & (1 << 17) != 0, s: l1 & (1 << 16) != 0)
            if l1 & (1 << 18) != 0 {
                // Supersection: PA[31:24] from bits 31:24, PA[35:32] from 23:20, PA[39:36] from 8:5.
                let pa = UInt64(l1 & 0xFF00_0000) | UInt64((l1 >> 20) & 0xF) << 32 | UInt64((l1 >> 5) & 0xF) << 36
                domain = 0
                leaf = Leaf(output: pa | UInt64(v & 0xFF_FFFF), shift: 24, level: 1, ap: common.ap, xn: common.xn,
                            pxn: common.pxn, tex: common.tex, cb: common.cb, notGlobal: common.nG, shareable: common.s)
            } else {
                leaf = Leaf(output: UInt64(l1 & 0xFFF0_0000) | UInt64(v & 0xF_FFFF), shift: 20, level: 1,
                            ap: common.ap, xn: common.xn, pxn: common.pxn, tex: common.tex, cb: common.cb,
                            notGlobal: common.nG, shareable: common.s)
            }
        }
        // The domain (G5.4.? "Domains"): no access faults; a Manager is not checked further.
        let access = (sd.dacr >> (2 * domain)) & 3
        if access == 0b00 || access == 0b10 {
            throw FaultRecord(kind: .domain, level: UInt8(leaf.level))
        }
        if sd.accessFlagEnabled && leaf.ap & 1 == 0 {
            throw FaultRecord(kind: .accessFlag, level: UInt8(leaf.level))
        }
        let permissions: Permissions
        if access == 0b11 {
            permissions = .all
        } else if sd.accessFlagEnabled {
            // AP[2:1], the model of the long-descriptor format.
            permissions = .twoLevel(ap: UInt8(leaf.ap >> 1), uxn: leaf.xn, pxn: leaf.pxn, wxn: config.writeImpliesExecuteNever,
                                    userWritableIsPXN: false)
        } else {
            permissions = fullAccessPermissions(ap: leaf.ap, xn: leaf.xn, pxn: leaf.pxn, wxn: config.writeImpliesExecuteNever)
        }
        return Stage1Result(outputAddress: leaf.output, level: UInt8(leaf.level), blockShift: UInt8(leaf.shift),
                            global: !leaf.notGlobal, permissions: permissions, attrIndex: 0,
                            memoryAttributes: memoryAttributes(leaf, sd), shareability: leaf.shareable ? 0b11 : 0)
    }

    struct Leaf {
        var output: UInt64
        var shift: Int
        var level: Int
        /// AP[2:0].
        var ap: UInt32
        var xn: Bool
        var pxn: Bool
        var tex: UInt32
        /// C:B.
        var cb: UInt32
        var notGlobal: Bool
        var shareable: Bool
    }

    /// A descriptor read, through stage 2 when it is on (a stage-2 fault there has S1PTW).
    static func read(_ address: UInt64, level: Int, stage2: Stage2Config?, bus: PhysicalAddressSpace,
                     observer: (any TranslationObserver)?) throws(FaultRecord) -> UInt32 {
        var pa = address
        if let s2 = stage2 { pa = try Stage2Walk.translateTableAddress(address, s2, bus: bus, observer: observer) }
        guard let raw = bus.read(pa, size: 4) else {
            throw FaultRecord(kind: .synchronousExternalOnWalk, level: UInt8(level))
        }
        observer?.descriptorRead(address: pa, value: raw, level: UInt8(level), stage: 1)
        return UInt32(truncatingIfNeeded: raw)
    }

    /// AP[2:0] with the Access flag disabled (G5.4.? table "VMSAv8-32 Short-descriptor access
    /// permissions"): 000 none, 001 PL1 RW, 010 PL1 RW + PL0 RO, 011 RW, 101 PL1 RO, 110 and 111
    /// RO everywhere; 100 is reserved and grants nothing here.
    static func fullAccessPermissions(ap: UInt32, xn: Bool, pxn: Bool, wxn: Bool) -> Permissions {
        var p: Permissions = []
        switch ap {
        case 0b001: p = [.privilegedRead, .privilegedWrite]
        case 0b010: p = [.privilegedRead, .privilegedWrite, .el0Read]
        case 0b011: p = [.privilegedRead, .privilegedWrite, .el0Read, .el0Write]
        case 0b101: p = [.privilegedRead]
        case 0b110, 0b111: p = [.privilegedRead, .el0Read]
        default: return []
        }
        // Unlike AArch64, memory writable at PL0 stays executable at PL1 (unless SCTLR.UWXN,
        // which armvm does not model).
        let el0Write = p.contains(.el0Write), privWrite = p.contains(.privilegedWrite)
        if p.contains(.el0Read) && !(xn || (el0Write && wxn)) { p.insert(.el0Execute) }
        if !(xn || pxn || (privWrite && wxn)) { p.insert(.privilegedExecute) }
        return p
    }

    /// A MAIR-style attribute byte for the leaf, for what reads attributes (traces, AT): Device
    /// for Strongly-ordered and Device regions, Normal write-back otherwise. With TEX remap,
    /// PRRR's type field for the region's index decides.
    static func memoryAttributes(_ leaf: Leaf, _ sd: ShortDescriptorConfig) -> UInt8 {
        let kind: UInt32
        if sd.texRemap {
            let index = (leaf.tex & 1) << 2 | leaf.cb
            kind = (sd.prrr >> (2 * index)) & 3      // 00 strongly-ordered, 01 device, 10 normal
        } else if leaf.tex == 0 && leaf.cb == 0 {
            kind = 0
        } else if (leaf.tex == 0 && leaf.cb == 0b01) || (leaf.tex == 0b010 && leaf.cb == 0) {
            kind = 1
        } else {
            kind = 2
        }
        switch kind {
        case 0: return 0x00      // Device-nGnRnE
        case 1: return 0x04      // Device-nGnRE
        default: return 0xFF     // Normal, write-back
        }
    }
}
