/// The T32 decoder (ARM DDI 0487, F3 "T32 Base Instruction Set Encoding"): 16-bit and 32-bit
/// encodings into the same `A32Inst` operations the A32 decoder produces, so one set of
/// executors serves both instruction sets. The field conventions are the A32 decoder's (see
/// A32Instruction.swift and A32Decoder.swift); where T32 has a form A32 lacks (ORN, IT, CBZ,
/// CBNZ, TBB, TBH) it has its own operation. The encodings are ordered tables of
/// `A32Encoding` rows, as A32's: `narrow` (T32NarrowEncodings.swift) for the 16-bit ones and
/// one table per F3.3 group for the 32-bit ones (T32WideEncodings.swift, `wideTable(for:)`).
///
/// What the decoder cannot know, the loop (AArch32Loop.swift) resolves from ITSTATE: 16-bit
/// data processing sets the flags only outside an IT block (`setFlagsOutsideIT`), some
/// instructions are UNPREDICTABLE inside one (`notInITBlock`) and PC writers must be the last
/// of a block (`lastInITBlock`).
///
/// UNPREDICTABLE encodings decode to `.undefined` where an executor could otherwise misbehave
/// (PC as a destination or base that the instruction does not allow, write-back onto the
/// transferred register, a bad immediate pattern). ARMv8 allows R13 in most places ARMv7 did
/// not ("ARMv8-A removes UNPREDICTABLE for R13"), so SP is accepted. Should-be-one and
/// should-be-zero bits are not checked. VFP (CP10/CP11) goes through the A32 coprocessor
/// decoder to `.vfp`, whose encoding bits 27:0 are those of A32; Advanced SIMD (111x 1111 and
/// the element loads and stores) decodes to `.neon` with the encoding rewritten to A32's form.
/// Nothing here traps on any input.
public enum T32Decoder {
    @inline(__always) static func bit(_ v: UInt32, _ n: UInt32) -> Bool { (v >> n) & 1 != 0 }
    @inline(__always) static func field(_ v: UInt32, _ hi: UInt32, _ lo: UInt32) -> UInt32 {
        (v >> lo) & ((1 << (hi - lo + 1)) - 1)
    }

    /// SignExtend of the low `bits` bits.
    @inline(__always) static func signExtend(_ v: UInt32, _ bits: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: v << (32 - bits)) >> Int32(32 - bits))
    }

    /// T32 parallel op1 (2:0) to the A32 op2 that `executeParallel` reads: 000 ADD8, 001 ADD16,
    /// 010 ASX, 100 SUB8, 101 SUB16, 110 SAX; 0xFF for the unallocated 011 and 111.
    static let parallelOps: [UInt32] = [0b100, 0b000, 0b001, 0xFF, 0b111, 0b011, 0b010, 0xFF]

    /// A 32-bit encoding starts with 0b11101, 0b11110 or 0b11111 (F3.1 "T32 instruction set
    /// encoding"); every other first halfword is a whole 16-bit instruction.
    @inlinable public static func isWide(_ hw1: UInt16) -> Bool { hw1 >> 11 >= 0b11101 }

    // MARK: 16-bit encodings (F3.2 "16-bit T32 instruction encoding")

    public static func decode16(_ hw: UInt16) -> A32Inst {
        var i = narrow.decode(UInt32(hw))
        i.length = 2
        return i
    }

    // MARK: 32-bit encodings (F3.3 "32-bit T32 instruction encoding")

    public static func decode32(_ hw1: UInt16, _ hw2: UInt16) -> A32Inst {
        let w = UInt32(hw1) << 16 | UInt32(hw2)
        var i = wideTable(for: w)?.decode(w) ?? A32Inst(.undefined)
        i.length = 4
        return i
    }
}
