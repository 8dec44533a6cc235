/// One row of the A64 decode tables: the Arm ARM's name for an encoding, its instruction set
/// and bit pattern written as the manual draws it (`EncodingPattern`: bit 31 first, '0'/'1'
/// fixed, letters operand bits), and the function that folds its operands into an `Inst`. Rows
/// written as the manual draws them can be checked against it by eye; `DecoderTableTests`
/// checks them against each other. A32 and T32 rows are `A32Encoding`s, which decode into
/// `A32Inst`.
public struct Encoding {
    public let name: String
    public let set: InstructionSet
    public let mask: UInt32
    public let value: UInt32
    public let decode: (UInt32) -> Inst

    /// `set` must be A64, the only set whose decoded form is `Inst`: tables are literals in the
    /// source, so another set is a programming error found by the first decode.
    public init(_ set: InstructionSet, _ name: String, _ pattern: StaticString, _ decode: @escaping (UInt32) -> Inst) {
        precondition(set == .a64, "encoding \(name): an Encoding row decodes A64")
        let p = EncodingPattern(set, pattern.description, name: name)
        self.name = name; self.set = set; self.mask = p.mask; self.value = p.value; self.decode = decode
    }

    @inlinable public func matches(_ w: UInt32) -> Bool { w & mask == value }
}

/// The A64 decoder. The top level follows the Arm ARM's op0 table (ARM DDI 0487, C4.1,
/// "A64 instruction set encoding"); each group owns its table of `Encoding`s in its own file.
/// Unallocated encodings decode to `.undefined`; the decoder never traps.
public enum A64Decoder {
    /// Every group's table, for the decoder tests (no overlaps, every row reachable).
    public static var tables: [(group: String, rows: [Encoding])] {
        [("Data processing -- immediate", dataProcessingImmediate),
         ("Branches, exception generating and system", branchesExceptionSystem),
         ("Loads and stores", loadsAndStores),
         ("Data processing -- register", dataProcessingRegister),
         ("Data processing -- scalar floating-point and Advanced SIMD", simdAndFloatingPoint)]
    }

    @inlinable
    public static func decode(_ w: UInt32) -> Inst {
        // op0 = bits 28..25
        switch (w >> 25) & 0xF {
        case 0b1000, 0b1001: return find(w, in: dataProcessingImmediate)
        case 0b1010, 0b1011: return find(w, in: branchesExceptionSystem)
        case 0b0100, 0b0110, 0b1100, 0b1110: return find(w, in: loadsAndStores)
        case 0b0101, 0b1101: return find(w, in: dataProcessingRegister)
        case 0b0111, 0b1111: return find(w, in: simdAndFloatingPoint)
        default: return .undefined  // 0000 reserved, 0001 unallocated, 0010 SVE, 0011 unallocated
        }
    }

    @usableFromInline
    static func find(_ w: UInt32, in table: [Encoding]) -> Inst {
        for e in table where e.matches(w) { return e.decode(w) }
        return .undefined
    }

    /// op0 = x111: scalar floating point, Advanced SIMD and the cryptographic extension, one table
    /// assembled from each file's rows.
    public static let simdAndFloatingPoint: [Encoding] = floatingPoint + advancedSIMD + cryptographic
}
