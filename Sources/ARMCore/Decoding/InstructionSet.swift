/// The instruction sets armvm decodes. T32 is two sets for decoding: a 16-bit encoding and a
/// 32-bit one (hw1:hw2) never share a row, and the first halfword says which it is
/// (ARM DDI 0487, F3.1 "T32 instruction set encoding"). Decode tables, the decode cache and the
/// AArch32 decode memo name the set they hold, so that an encoding is never read as another
/// set's.
@frozen public enum InstructionSet: UInt8, CaseIterable {
    case a64
    case a32
    case t32Narrow
    case t32Wide

    /// Bits of one encoding (the length of its rows' patterns).
    @inlinable public var encodingBits: Int { self == .t32Narrow ? 16 : 32 }

    /// Bytes of one encoding: what the PC advances by past it.
    @inlinable public var encodingSize: Int { encodingBits / 8 }

    /// Bytes between two decode slots: the instruction alignment the set requires (A64 and A32
    /// 4, T32 2, whatever an encoding's own length), so a slot exists for every PC the set
    /// can execute from.
    @inlinable public var slotSize: Int {
        switch self {
        case .a64, .a32: return 4
        case .t32Narrow, .t32Wide: return 2
        }
    }
}
