// VMSAv8-64 translation table descriptors, 4/16/64 KiB granules, 48-bit output addresses
// (ARM DDI 0487, D8.3 "Translation table descriptor formats"). Fields are declared once here;
// the walker never masks descriptor bits itself.

/// One 64-bit translation table descriptor as read from memory.
@frozen public struct Descriptor: Equatable, CustomStringConvertible {
    public var raw: UInt64
    @inlinable public init(_ raw: UInt64) { self.raw = raw }

    // Bits 1:0 (D8.3.1): x0 invalid; 01 block (reserved at level 3); 11 table, or page at level 3.
    @inlinable public var isValid: Bool { raw & 1 != 0 }
    /// Bits 1:0 = 01.
    @inlinable public var isBlockEncoding: Bool { raw & 3 == 0b01 }
    /// Bits 1:0 = 11: a table descriptor at levels 0 to 2, a page descriptor at level 3.
    @inlinable public var isTableOrPageEncoding: Bool { raw & 3 == 0b11 }

    /// Bits 47:shift: the next-level table address (shift = granule) or the output address of
    /// a block or page (shift = log2 of its size). Lower bits are RES0 and ignored.
    @inlinable public func address(alignedTo shift: Int) -> UInt64 {
        raw & outputAddressMask & ~((UInt64(1) << UInt64(shift)) - 1)
    }

    // Table descriptor upper attributes, stage 1 only (D8.3.1.2 "Hierarchical control").
    /// Bit 63, NSTable.
    @inlinable public var nsTable: Bool { raw >> 63 & 1 != 0 }
    /// Bits 62:61, APTable: bit 62 forbids writes below, bit 61 forbids EL0 access below.
    @inlinable public var apTable: UInt8 { UInt8(truncatingIfNeeded: raw >> 61 & 3) }
    /// Bit 60: UXNTable in a two-privilege regime, XNTable in EL2's.
    @inlinable public var uxnTable: Bool { raw >> 60 & 1 != 0 }
    /// Bit 59, PXNTable (RES0 in the EL2 regime).
    @inlinable public var pxnTable: Bool { raw >> 59 & 1 != 0 }

    // Block and page descriptor attributes, both stages (D8.3.2).
    /// Bits 9:8, SH.
    @inlinable public var shareability: UInt8 { UInt8(truncatingIfNeeded: raw >> 8 & 3) }
    /// Bit 10, AF: 0 makes the first access an Access flag fault (no FEAT_HAFDBS).
    @inlinable public var accessFlag: Bool { raw >> 10 & 1 != 0 }
    /// Bit 52, Contiguous: a hint, accepted and ignored.
    @inlinable public var contiguous: Bool { raw >> 52 & 1 != 0 }
    /// Bit 54: UXN (stage 1, EL1&0), XN (stage 1 EL2, and stage 2).
    @inlinable public var xn: Bool { raw >> 54 & 1 != 0 }

    // Stage 1 block and page attributes.
    /// Bits 4:2, AttrIndx into MAIR_ELx.
    @inlinable public var attrIndex: UInt8 { UInt8(truncatingIfNeeded: raw >> 2 & 7) }
    /// Bit 5, NS (ignored in Non-secure state).
    @inlinable public var ns: Bool { raw >> 5 & 1 != 0 }
    /// Bits 7:6, AP[2:1]: AP[2] read-only, AP[1] EL0 access (RES1-like in EL2's regime).
    @inlinable public var ap: UInt8 { UInt8(truncatingIfNeeded: raw >> 6 & 3) }
    /// Bit 11, nG: not global, the entry is tagged with the ASID.
    @inlinable public var notGlobal: Bool { raw >> 11 & 1 != 0 }
    /// Bit 53, PXN (RES0 in the EL2 regime).
    @inlinable public var pxn: Bool { raw >> 53 & 1 != 0 }

    // Stage 2 block and page attributes.
    /// Bits 5:2, MemAttr.
    @inlinable public var memAttr: UInt8 { UInt8(truncatingIfNeeded: raw >> 2 & 0xF) }
    /// Bits 7:6, S2AP: bit 6 read, bit 7 write.
    @inlinable public var s2ap: UInt8 { UInt8(truncatingIfNeeded: raw >> 6 & 3) }

    public var description: String { "descriptor 0x" + String(raw, radix: 16) }
}

/// Builders for descriptors, the inverse of the accessors above: used by tests and by anything
/// that writes tables (a firmware or a test hypervisor would).
public enum DescriptorBits {
    public static let valid: UInt64 = 1
    public static let table: UInt64 = 0b11
    public static let page: UInt64 = 0b11
    public static let block: UInt64 = 0b01
    public static let af: UInt64 = 1 << 10
    public static let nG: UInt64 = 1 << 11
    public static let contiguous: UInt64 = 1 << 52
    public static let pxn: UInt64 = 1 << 53
    public static let uxn: UInt64 = 1 << 54
    public static let xn: UInt64 = 1 << 54
    public static let pxnTable: UInt64 = 1 << 59
    public static let uxnTable: UInt64 = 1 << 60
    /// APTable[0]: no EL0 access below this table.
    public static let apTableNoEL0: UInt64 = 1 << 61
    /// APTable[1]: no writes below this table.
    public static let apTableReadOnly: UInt64 = 1 << 62
    public static let nsTable: UInt64 = 1 << 63
    /// Stage 1 AP[2:1] in bits 7:6: 00 privileged RW, 01 RW at both, 10 privileged RO, 11 RO at both.
    public static func ap(_ ap21: UInt64) -> UInt64 { (ap21 & 3) << 6 }
    public static func attrIndex(_ i: UInt64) -> UInt64 { (i & 7) << 2 }
    public static func shareability(_ sh: UInt64) -> UInt64 { (sh & 3) << 8 }
    /// Stage 2 S2AP in bits 7:6: 00 none, 01 read, 10 write, 11 read/write.
    public static func s2ap(_ s2ap: UInt64) -> UInt64 { (s2ap & 3) << 6 }
    public static func memAttr(_ m: UInt64) -> UInt64 { (m & 0xF) << 2 }
}
