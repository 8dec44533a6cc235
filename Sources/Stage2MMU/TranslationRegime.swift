// Translation regimes as value types built once from their registers (ARM DDI 0487, D8.1 and
// D8.2, VMSAv8-64, ARMv8.0 without FEAT_LPA/LVA/TTST/HAFDBS/HPDS/VHE). The CPU rebuilds them when
// one of the registers changes; walks and the TLB read only these values.
//
// CONSTRAINED UNPREDICTABLE and IMPLEMENTATION DEFINED choices made here:
// - TG0/TG1 reserved encodings: "treated as an IMPLEMENTATION DEFINED choice of the sizes that
//   have been implemented" (TCR_EL1.TG0/TG1, TCR_EL2.TG0, VTCR_EL2.TG0): armvm picks 4 KiB.
// - TxSZ outside 16...39 (input size above 48 or below 25 bits): Unpredictable_RESTnSZ offers
//   FORCE or FAULT; armvm FORCEs the nearest legal value (as QEMU does), so a walk still happens.
// - IPS/PS larger than the implemented PA size, and the reserved encodings 0b110/0b111: the
//   pseudocode's AArch64.PAMax() clamp; reserved values behave as 0b101 (48 bits) first.
// - VTCR_EL2.T0SZ giving an IPA size larger than the implemented PA size: Unpredictable_LARGEIPA
//   offers FORCE or FAULT; armvm FAULTs (stage-2 level 0 translation fault), as QEMU does.
// - TTBR/VTTBR base address bits below the table alignment: treated as zero.
// - A misprogrammed Contiguous bit: no fault (the hint is ignored altogether).
// - Descriptor bits 51:48 (RES0 without FEAT_LPA) and output address bits below the block or
//   page size: ignored.
// Not modelled: HCR_EL2.PTW (stage-1 walks into stage-2 Device memory), HCR_EL2.DC and TGE
// (the CPU folds them into the configs it builds), TLB conflict aborts.

/// A translation granule: 4, 16 or 64 KiB pages. The raw value is log2 of the page size.
@frozen public enum Granule: UInt8, CustomStringConvertible {
    case size4KB = 12
    case size16KB = 14
    case size64KB = 16

    /// log2(page size).
    @inlinable public var shift: Int { Int(rawValue) }
    /// Bits of input address resolved per lookup level: log2(page size / 8 bytes).
    @inlinable public var stride: Int { Int(rawValue) - 3 }
    /// The first level at which a block descriptor is allowed (D8.3, ARMv8.0 without
    /// FEAT_LPA): 1 GiB blocks at level 1 for 4 KiB; 32 MiB and 512 MiB blocks at level 2.
    @inlinable public var firstBlockLevel: Int { self == .size4KB ? 1 : 2 }

    /// TCR_EL1.TG0, TCR_EL2.TG0 and VTCR_EL2.TG0: 00 4 KiB, 01 64 KiB, 10 16 KiB, 11 reserved.
    public static func fromTG0(_ tg: UInt64) -> Granule {
        switch tg & 3 {
        case 0b01: return .size64KB
        case 0b10: return .size16KB
        default: return .size4KB  // 0b00, and the reserved 0b11 (see the header)
        }
    }

    /// TCR_EL1.TG1 has its own encoding: 01 16 KiB, 10 4 KiB, 11 64 KiB, 00 reserved.
    public static func fromTG1(_ tg: UInt64) -> Granule {
        switch tg & 3 {
        case 0b01: return .size16KB
        case 0b11: return .size64KB
        default: return .size4KB  // 0b10, and the reserved 0b00
        }
    }

    public var description: String {
        switch self {
        case .size4KB: return "4KB"
        case .size16KB: return "16KB"
        case .size64KB: return "64KB"
        }
    }
}

/// Which translation regime an entry or a walk belongs to.
@frozen public enum Regime: UInt8 {
    /// EL1&0: stage 1 from TTBR0/TTBR1_EL1, optionally followed by stage 2.
    case el10 = 0
    /// EL2 (HCR_EL2.E2H = 0): one VA range, one privilege level, no stage 2.
    case el2 = 1
}

/// A register field as shift and width, declared once per register so no mask is retyped.
@usableFromInline struct RegisterField {
    @usableFromInline let lsb: UInt64
    @usableFromInline let width: UInt64
    @usableFromInline init(_ lsb: UInt64, _ width: UInt64) { self.lsb = lsb; self.width = width }
    @inlinable func read(_ v: UInt64) -> UInt64 { (v >> lsb) & ((1 << width) - 1) }
    @inlinable func isSet(_ v: UInt64) -> Bool { read(v) != 0 }
}

/// TCR_EL1 (D17.2.131).
enum TCR_EL1Fields {
    static let T0SZ = RegisterField(0, 6)
    static let EPD0 = RegisterField(7, 1)
    static let TG0 = RegisterField(14, 2)
    static let T1SZ = RegisterField(16, 6)
    static let A1 = RegisterField(22, 1)
    static let EPD1 = RegisterField(23, 1)
    static let TG1 = RegisterField(30, 2)
    static let IPS = RegisterField(32, 3)
    static let AS = RegisterField(36, 1)
    static let TBI0 = RegisterField(37, 1)
    static let TBI1 = RegisterField(38, 1)
}

/// TCR_EL2 when HCR_EL2.E2H is 0 (D17.2.132).
enum TCR_EL2Fields {
    static let T0SZ = RegisterField(0, 6)
    static let TG0 = RegisterField(14, 2)
    static let PS = RegisterField(16, 3)
    static let TBI = RegisterField(20, 1)
}

/// VTCR_EL2 (D17.2.166).
enum VTCR_EL2Fields {
    static let T0SZ = RegisterField(0, 6)
    static let SL0 = RegisterField(6, 2)
    static let TG0 = RegisterField(14, 2)
    static let PS = RegisterField(16, 3)
}

/// SCTLR_EL1/SCTLR_EL2 bits the walker reads (D17.2.118).
enum SCTLRFields {
    static let M = RegisterField(0, 1)
    static let WXN = RegisterField(19, 1)
    static let EE = RegisterField(25, 1)
}

/// TTBRn_ELx and VTTBR_EL2 (D17.2.157, D17.2.167): BADDR in bits 47:1 (bit 0 is CnP from
/// ARMv8.2, RES0 here), ASID or VMID above.
enum TTBRFields {
    static let baddrMask: UInt64 = 0x0000_FFFF_FFFF_FFFE
    static let ASID = RegisterField(48, 16)
    static let VMID = RegisterField(48, 8)
}

/// Output address bits 47:0 of descriptors and base registers (no FEAT_LPA).
@usableFromInline let outputAddressMask: UInt64 = 0x0000_FFFF_FFFF_FFFF

/// The implemented physical address size when the caller does not say: 44 bits, as armvm's
/// ID_AA64MMFR0_EL1.PARange reports.
public let defaultPhysicalAddressBits = 44

/// TCR_EL1.IPS, TCR_EL2.PS, VTCR_EL2.PS to a number of bits, clamped to the implemented PA
/// size (pseudocode AArch64.PAMax use in the walk).
func decodeOutputSize(_ ps: UInt64, paMax: Int) -> Int {
    let bits: Int
    switch ps & 7 {
    case 0b000: bits = 32
    case 0b001: bits = 36
    case 0b010: bits = 40
    case 0b011: bits = 42
    case 0b100: bits = 44
    default: bits = 48  // 0b101; 0b110 (52 bits) needs FEAT_LPA; 0b111 is reserved
    }
    return min(bits, paMax)
}

/// The smallest and largest TxSZ without FEAT_LVA/FEAT_TTST (D8.1.6).
let minTxSZ: UInt64 = 16
let maxTxSZ: UInt64 = 39

/// Input size in bits from a TxSZ field, constrained to 25...48 (see the header).
func constrainedInputSize(txsz: UInt64) -> Int {
    64 - Int(min(max(txsz, minTxSZ), maxTxSZ))
}

/// One VA range of a stage-1 regime: the part translated by one TTBR.
@frozen public struct VARange: Equatable {
    /// False when TCR_ELx.EPDn disables walks for the range (or the regime has no such range):
    /// a TLB miss there is a level 0 translation fault.
    public var walksEnabled: Bool
    public var granule: Granule
    /// Bits of VA translated: 64 - TnSZ, after constraining TnSZ.
    public var inputSize: Int
    /// TCR_ELx.TBIn: bits 63:56 are ignored for translation.
    public var topByteIgnored: Bool
    /// The TTBR's BADDR field (bits 47:1), not yet aligned to the start table.
    public var tableBase: UInt64
    /// The level of the first lookup, from the input size and granule (D8.2.6):
    /// 4 - ceil((inputSize - granule shift) / stride).
    public var startLevel: Int

    public init(walksEnabled: Bool, granule: Granule, inputSize: Int, topByteIgnored: Bool, tableBase: UInt64) {
        self.walksEnabled = walksEnabled
        self.granule = granule
        self.inputSize = inputSize
        self.topByteIgnored = topByteIgnored
        self.tableBase = tableBase & TTBRFields.baddrMask
        let bits = inputSize - granule.shift
        self.startLevel = 4 - (bits + granule.stride - 1) / granule.stride
    }
}

/// Stage 1 of a regime, from TCR, TTBRs, MAIR and SCTLR.
@frozen public struct Stage1Config: Equatable {
    public var regime: Regime
    /// SCTLR_ELx.M: with stage 1 off a VA is the output address (D8.2.10).
    public var enabled: Bool
    /// The TTBR0 range (addresses with bit 63, or 55 under TBI, clear).
    public var lower: VARange
    /// The TTBR1 range; walks are never enabled for it in the EL2 regime.
    public var upper: VARange
    /// The current ASID (TTBR1 when TCR_EL1.A1 is set), 8 bits wide unless TCR_EL1.AS is set.
    /// Zero for the EL2 regime, whose entries are all global.
    public var asid: UInt16
    public var mair: UInt64
    /// SCTLR_ELx.WXN: writable memory is execute-never.
    public var writeImpliesExecuteNever: Bool
    /// SCTLR_ELx.EE: descriptors are big-endian.
    public var descriptorsBigEndian: Bool
    /// Output address size from TCR_EL1.IPS or TCR_EL2.PS, clamped to the PA size.
    public var outputSize: Int
    /// The implemented physical address size.
    public var physicalAddressBits: Int
    /// An AArch32 EL1&0 regime in the short-descriptor format (ShortDescriptorWalk.swift);
    /// nil for every long-descriptor and AArch64 regime.
    public var shortDescriptors: ShortDescriptorConfig? = nil
    /// An AArch32 EL1&0 regime (either format): EL0-writable memory may execute at EL1.
    public var aarch32 = false

    /// The EL1&0 regime from TCR_EL1, TTBR0_EL1, TTBR1_EL1, MAIR_EL1 and SCTLR_EL1.
    public init(tcrEL1 tcr: UInt64, ttbr0: UInt64, ttbr1: UInt64, mair: UInt64, sctlr: UInt64,
                physicalAddressBits: Int = defaultPhysicalAddressBits) {
        typealias F = TCR_EL1Fields
        regime = .el10
        enabled = SCTLRFields.M.isSet(sctlr)
        lower = VARange(walksEnabled: !F.EPD0.isSet(tcr), granule: .fromTG0(F.TG0.read(tcr)),
                        inputSize: constrainedInputSize(txsz: F.T0SZ.read(tcr)), topByteIgnored: F.TBI0.isSet(tcr),
                        tableBase: ttbr0)
        upper = VARange(walksEnabled: !F.EPD1.isSet(tcr), granule: .fromTG1(F.TG1.read(tcr)),
                        inputSize: constrainedInputSize(txsz: F.T1SZ.read(tcr)), topByteIgnored: F.TBI1.isSet(tcr),
                        tableBase: ttbr1)
        let asid16 = UInt16(TTBRFields.ASID.read(F.A1.isSet(tcr) ? ttbr1 : ttbr0))
        // TCR_EL1.AS = 0: the upper 8 bits of TTBRn_EL1.ASID are ignored (D8.13.2).
        asid = F.AS.isSet(tcr) ? asid16 : asid16 & 0xFF
        self.mair = mair
        writeImpliesExecuteNever = SCTLRFields.WXN.isSet(sctlr)
        descriptorsBigEndian = SCTLRFields.EE.isSet(sctlr)
        outputSize = decodeOutputSize(F.IPS.read(tcr), paMax: physicalAddressBits)
        self.physicalAddressBits = physicalAddressBits
    }

    /// The EL2 regime (HCR_EL2.E2H = 0) from TCR_EL2, TTBR0_EL2, MAIR_EL2 and SCTLR_EL2.
    public init(tcrEL2 tcr: UInt64, ttbr0: UInt64, mair: UInt64, sctlr: UInt64,
                physicalAddressBits: Int = defaultPhysicalAddressBits) {
        typealias F = TCR_EL2Fields
        regime = .el2
        enabled = SCTLRFields.M.isSet(sctlr)
        let tbi = F.TBI.isSet(tcr)
        lower = VARange(walksEnabled: true, granule: .fromTG0(F.TG0.read(tcr)),
                        inputSize: constrainedInputSize(txsz: F.T0SZ.read(tcr)), topByteIgnored: tbi, tableBase: ttbr0)
        // One range only: an address with the top bit set is outside it. TBI applies to the
        // whole address space, whichever bit 55 says.
        upper = VARange(walksEnabled: false, granule: lower.granule, inputSize: lower.inputSize,
                        topByteIgnored: tbi, tableBase: 0)
        asid = 0
        self.mair = mair
        writeImpliesExecuteNever = SCTLRFields.WXN.isSet(sctlr)
        descriptorsBigEndian = SCTLRFields.EE.isSet(sctlr)
        outputSize = decodeOutputSize(F.PS.read(tcr), paMax: physicalAddressBits)
        self.physicalAddressBits = physicalAddressBits
    }

    /// The address translation sees: with top-byte-ignore for the address's range (selected by
    /// bit 55, pseudocode AddrTop), bits 63:56 are replaced by copies of bit 55, so that the
    /// range checks, the TLB and TLBI operands all see one canonical form.
    @inlinable public func effectiveAddress(_ va: UInt64) -> UInt64 {
        let bit55 = (va >> 55) & 1 != 0
        let tbi = bit55 ? upper.topByteIgnored : lower.topByteIgnored
        guard tbi else { return va }
        return bit55 ? va | 0xFF00_0000_0000_0000 : va & 0x00FF_FFFF_FFFF_FFFF
    }
}

/// Stage 2 of the EL1&0 regime, from VTCR_EL2 and VTTBR_EL2.
@frozen public struct Stage2Config: Equatable {
    /// HCR_EL2.VM. The VMID tags EL1&0 TLB entries whether or not stage 2 is enabled.
    public var enabled: Bool
    public var granule: Granule
    /// IPA bits translated: 64 - VTCR_EL2.T0SZ, after constraining T0SZ.
    public var inputSize: Int
    /// The level of the first lookup, from SL0 and the granule (D8.2.7).
    public var startLevel: Int
    /// False when SL0 and T0SZ do not describe a legal start: every walk is a stage-2 level 0
    /// translation fault (pseudocode AArch64.S2InvalidSL / S2InconsistentSL).
    public var startLevelValid: Bool
    /// Number of concatenated tables at the start level (1...16), when the start is valid.
    public var concatenatedTables: Int
    /// Output address size from VTCR_EL2.PS, clamped to the PA size.
    public var outputSize: Int
    /// VTTBR_EL2.BADDR (bits 47:1), not yet aligned to the start table.
    public var tableBase: UInt64
    /// VTTBR_EL2.VMID (8 bits: no FEAT_VMID16).
    public var vmid: UInt16
    /// SCTLR_EL2.EE: stage-2 descriptors are big-endian.
    public var descriptorsBigEndian: Bool
    public var physicalAddressBits: Int

    public init(vtcr: UInt64, vttbr: UInt64, enabled: Bool = true, descriptorsBigEndian: Bool = false,
                physicalAddressBits: Int = defaultPhysicalAddressBits) {
        typealias F = VTCR_EL2Fields
        self.enabled = enabled
        granule = .fromTG0(F.TG0.read(vtcr))
        inputSize = constrainedInputSize(txsz: F.T0SZ.read(vtcr))
        outputSize = decodeOutputSize(F.PS.read(vtcr), paMax: physicalAddressBits)
        tableBase = vttbr & TTBRFields.baddrMask
        vmid = UInt16(TTBRFields.VMID.read(vttbr))
        self.descriptorsBigEndian = descriptorsBigEndian
        self.physicalAddressBits = physicalAddressBits

        // SL0 counts down from level 2 for 4 KiB, from level 3 for 16 and 64 KiB (D8.2.7).
        let sl0 = Int(F.SL0.read(vtcr))
        let level = granule == .size4KB ? 2 - sl0 : 3 - sl0
        var valid: Bool
        switch granule {
        case .size4KB:
            // Level 0 needs a PA size above 42 bits; SL0 = 3 is reserved.
            valid = level > 0 || (level == 0 && physicalAddressBits > 42)
        case .size16KB:
            // Level 0 is reserved without FEAT_LPA2; level 1 needs a PA size above 40 bits.
            valid = level > 1 || (level == 1 && physicalAddressBits > 40)
        case .size64KB:
            // Level 0 is reserved without FEAT_LPA; level 1 needs a PA size above 42 bits.
            valid = level > 1 || (level == 1 && physicalAddressBits > 42)
        }
        // An IPA wider than the PA size: Unpredictable_LARGEIPA, FAULT chosen (see the header).
        if inputSize > physicalAddressBits { valid = false }
        // The start table holds 2 to 16 pages' worth of entries: concatenation (D8.2.7).
        let startBits = inputSize - ((3 - level) * granule.stride + granule.shift)
        if startBits < 1 || startBits > granule.stride + 4 { valid = false }
        startLevel = max(level, 0)
        startLevelValid = valid
        concatenatedTables = valid ? max(1, 1 << max(0, startBits - granule.stride)) : 0
    }
}

/// Everything that selects a translation for the current Exception level: stage 1 of the
/// regime and, for EL1&0, stage 2. The CPU rebuilds it when one of the registers changes.
@frozen public struct TranslationRegime: Equatable {
    public private(set) var stage1: Stage1Config
    /// Stage 2, meaningful for the EL1&0 regime only. Present (even when disabled) to give the
    /// VMID that tags EL1&0 TLB entries.
    public private(set) var stage2: Stage2Config?
    /// The tag the TLB files this regime's entries under.
    public private(set) var tlbContext: TLBContext

    public init(stage1: Stage1Config, stage2: Stage2Config? = nil) {
        let s2 = stage1.regime == .el10 ? stage2 : nil
        self.stage1 = stage1
        self.stage2 = s2
        tlbContext = TLBContext(regime: stage1.regime, asid: stage1.asid, vmid: s2?.vmid ?? 0,
                                stage1Enabled: stage1.enabled, stage2Enabled: s2?.enabled ?? false)
    }

    /// The EL1&0 regime from its registers; stage 2 enabled by HCR_EL2.VM. With
    /// `shortDescriptors` (an AArch32 EL1 with TTBCR.EAE = 0) stage 1 walks that format, under
    /// the ASID `shortDescriptorASID` (CONTEXTIDR.ASID in that format).
    public static func el10(tcr: UInt64, ttbr0: UInt64, ttbr1: UInt64, mair: UInt64, sctlr: UInt64,
                            vtcr: UInt64, vttbr: UInt64, stage2Enabled: Bool, sctlrEL2: UInt64 = 0,
                            physicalAddressBits: Int = defaultPhysicalAddressBits,
                            aarch32: Bool = false, shortDescriptors: ShortDescriptorConfig? = nil,
                            shortDescriptorASID: UInt16 = 0) -> TranslationRegime {
        var s1 = Stage1Config(tcrEL1: tcr, ttbr0: ttbr0, ttbr1: ttbr1, mair: mair, sctlr: sctlr,
                              physicalAddressBits: physicalAddressBits)
        s1.aarch32 = aarch32
        if let sd = shortDescriptors {
            s1.shortDescriptors = sd
            s1.asid = shortDescriptorASID
            s1.outputSize = min(40, physicalAddressBits)
        }
        return TranslationRegime(
            stage1: s1,
            stage2: Stage2Config(vtcr: vtcr, vttbr: vttbr, enabled: stage2Enabled,
                                 descriptorsBigEndian: SCTLRFields.EE.isSet(sctlrEL2),
                                 physicalAddressBits: physicalAddressBits))
    }

    /// The EL2 regime (HCR_EL2.E2H = 0) from its registers.
    public static func el2(tcr: UInt64, ttbr0: UInt64, mair: UInt64, sctlr: UInt64,
                           physicalAddressBits: Int = defaultPhysicalAddressBits) -> TranslationRegime {
        TranslationRegime(stage1: Stage1Config(tcrEL2: tcr, ttbr0: ttbr0, mair: mair, sctlr: sctlr,
                                               physicalAddressBits: physicalAddressBits))
    }

    /// Stage 2 applies to this regime's accesses.
    @inlinable public var stage2Active: Bool { stage2?.enabled ?? false }

    /// Neither stage translates: the VA is the PA (the TLB is not involved).
    @inlinable public var isFlat: Bool { !stage1.enabled && !stage2Active }
}
