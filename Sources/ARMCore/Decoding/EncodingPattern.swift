/// A decode-table row's bit pattern, written as the Arm ARM draws the encoding (most significant
/// bit first, spaces and '_' ignored): '0' and '1' are fixed bits, '-' a bit the decoder does
/// not look at (the manual's should-be-zero and should-be-one bits, "(0)" and "(1)"), and any
/// letter an operand bit. The bits of one letter, read most significant first, are that
/// operand: "iiii ... iiii" at 19:16 and 3:0 is imm4:imm4. T32's 32-bit encodings are written
/// hw1 then hw2, the word being hw1:hw2.
public struct EncodingPattern {
    public let set: InstructionSet
    public let mask: UInt32
    public let value: UInt32
    /// Each letter's bits, indexed by its ASCII code minus 'A' (the ASCII range 'A'...'z').
    let letterBits: [UInt32]

    static let firstLetter = UInt8(ascii: "A")
    static let letterCount = Int(UInt8(ascii: "z") - firstLetter) + 1

    /// The letters the pattern uses, in ASCII order.
    public var letters: [Character] {
        letterBits.indices.filter { letterBits[$0] != 0 }.map { Character(Unicode.Scalar(Self.firstLetter + UInt8($0))) }
    }

    /// Tables are built from literals in the source, so a malformed pattern is a programming
    /// error found by the first decode of any word, never by guest data. The pattern is read as
    /// ASCII bytes: every A64 row passes here once at start-up.
    public init(_ set: InstructionSet, _ pattern: String, name: String) {
        var m: UInt32 = 0, v: UInt32 = 0, k = 0
        var bits = [UInt32](repeating: 0, count: Self.letterCount)
        for c in pattern.utf8 where c != UInt8(ascii: " ") && c != UInt8(ascii: "_") {
            precondition(k < set.encodingBits, "encoding \(name): pattern must have \(set.encodingBits) bits")
            let b: UInt32 = 1 << UInt32(set.encodingBits - 1 - k)
            k += 1
            switch c {
            case UInt8(ascii: "0"): m |= b
            case UInt8(ascii: "1"): m |= b; v |= b
            case UInt8(ascii: "-"): break
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                bits[Int(c - Self.firstLetter)] |= b
            default:
                preconditionFailure("encoding \(name): '\(Unicode.Scalar(c))' is not a pattern letter")
            }
        }
        precondition(k == set.encodingBits, "encoding \(name): pattern must have \(set.encodingBits) bits")
        self.set = set; mask = m; value = v; letterBits = bits
    }

    @inlinable public func matches(_ w: UInt32) -> Bool { w & mask == value }

    /// Some encoding matches both patterns.
    public func overlaps(_ other: EncodingPattern) -> Bool {
        set == other.set && (value ^ other.value) & mask & other.mask == 0
    }

    /// The bits a letter (its ASCII code) stands on, 0 if the pattern does not use it.
    public func bits(of letter: UInt8) -> UInt32 {
        let k = Int(letter) - Int(Self.firstLetter)
        return k >= 0 && k < Self.letterCount ? letterBits[k] : 0
    }

    /// The operand a letter (its ASCII code) stands for in `w`: its bits gathered, most
    /// significant first.
    public func operand(_ letter: UInt8, of w: UInt32) -> UInt32 {
        Self.gather(w, bits(of: letter))
    }

    /// The bits of `w` under `mask`, packed most significant first.
    @inline(__always) static func gather(_ w: UInt32, _ mask: UInt32) -> UInt32 {
        var m = mask, r: UInt32 = 0
        while m != 0 {
            let top = UInt32(31 - m.leadingZeroBitCount)
            r = r << 1 | (w >> top & 1)
            m &= ~(1 << top)
        }
        return r
    }
}
