/// Advanced SIMD, integer and data-movement instructions (ARM DDI 0487, C4.1 "Data Processing --
/// Scalar Floating-Point and Advanced SIMD": the Advanced SIMD classes three same, three
/// different, two-register miscellaneous, across lanes, scalar pairwise, copy, modified
/// immediate, shift by immediate, vector x indexed element, permute, extract and table lookup,
/// vector and scalar forms). ARMv8.0 only: no FEAT_RDM, FEAT_DotProd or FP16. The
/// floating-point operations of these classes belong to AdvancedSIMDFloat*.swift; every row here
/// fixes the opcode bits so that none of them matches a floating-point encoding.
///
/// Inst use (executors in AdvancedSIMDExecute.swift):
/// - `rd`, `rn`, `rm`: V register numbers, except the general-register operands of DUP
///   (general), INS (general), UMOV and SMOV, which are `Reg` slots.
/// - `a`: log2 of the element size in bytes; for long, wide and narrowing operations the
///   narrow element.
/// - `b`: the number of elements processed (1 for the scalar forms); bytes for the bitwise
///   operations, EXT and TBL/TBX; for UMOV/SMOV/MOVI/ORR/BIC (immediate) Q (SMOV: 1 for Xd).
/// - `ra`: the half (0 low, 1 high: the "2" variants) for long, wide and narrowing operations;
///   the lanewise op for pairwise and across-lanes forms; the register count for TBL/TBX.
/// - `imm`: the immediate shift; `byElement | index` for by-element forms; the lane index for
///   copies; the expanded 64-bit immediate for MOVI/MVNI/ORR/BIC/FMOV (vector, immediate).
///
/// A row is the manual's encoding with its operand fields; reserved size/Q combinations are
/// rejected by the row's decode function (the pseudocode's "if size:Q == '110' then UNDEFINED").
enum SIMDOp: UInt8 {
    // Whole-register bitwise (three same, opcode 00011).
    case and, bic, orr, orn, eor, bsl, bit, bif
    // Lanewise: three same, by element, two-register misc, shift by immediate (CPU.simdLane).
    case shadd, uhadd, srhadd, urhadd, shsub, uhsub, sqadd, uqadd, sqsub, uqsub
    case cmgt, cmhi, cmge, cmhs, cmeq, cmtst
    case sshl, ushl, sqshl, uqshl, srshl, urshl, sqrshl, uqrshl
    case smax, umax, smin, umin, sabd, uabd, saba, uaba
    case add, sub, mul, mla, mls, pmul, sqdmulh, sqrdmulh
    case cls, clz, cnt, not, rbit, sqabs, sqneg, abs, neg
    case cmgt0, cmeq0, cmlt0, cmge0, cmle0, suqadd, usqadd
    case sshr, ushr, ssra, usra, srshr, urshr, srsra, ursra, sri, shl, sli, sqshlImm, uqshlImm, sqshlu
    // Pairwise and across lanes; `ra` names the lanewise op.
    case pairwise, acrossLanes, saddlv, uaddlv, saddlp, uaddlp, sadalp, uadalp
    // Long, wide and narrow.
    case saddl, uaddl, ssubl, usubl, sabal, uabal, sabdl, uabdl, smlal, umlal, smlsl, umlsl
    case smull, umull, sqdmlal, sqdmlsl, sqdmull, sshll, ushll, pmull
    case saddw, uaddw, ssubw, usubw
    case addhn, raddhn, subhn, rsubhn, xtn, sqxtn, uqxtn, sqxtun
    case shrn, rshrn, sqshrn, uqshrn, sqrshrn, uqrshrn, sqshrun, sqrshrun
    // Data movement.
    case rev, dupElement, dupGeneral, umov, smov, insGeneral, insElement
    case movi, orrImm, bicImm
    case uzp1, uzp2, trn1, trn2, zip1, zip2, ext, tbl, tbx

    /// `imm` flag of the by-element forms: the second operand is Vm[imm & 15] in every lane.
    static let byElement: UInt64 = 0x100
}

extension Encoding {
    /// `row` with more bits fixed: used to split the shift-by-immediate rows by immh, because
    /// immh = 0000 is the modified-immediate class.
    init(_ row: Encoding, suffix: String, mask: UInt32, value: UInt32) {
        self.name = row.name + suffix
        self.set = row.set
        self.mask = row.mask | mask
        self.value = row.value | value
        self.decode = row.decode
    }
}

extension A64Decoder {
    /// Element sizes a row allows, as a bit set over size = 0...3.
    static let sizeB: UInt8 = 0b0001, sizeD: UInt8 = 0b1000, sizeHS: UInt8 = 0b0110, sizeBHS: UInt8 = 0b0111
    static let sizeAny: UInt8 = 0b1111, sizeBD: UInt8 = 0b1001

    /// The shift-by-immediate rows, each split into immh = 1xxx, 01xx, 001x, 0001 (element
    /// size D, S, H, B).
    static func splitImmh(_ rows: [Encoding]) -> [Encoding] {
        rows.flatMap { r in
            // Narrowing and lengthening shifts with immh = 1xxx would need 128-bit elements:
            // reserved, so no (D) row (the word stays unallocated).
            let noDoubleword = r.name.contains("SHRN") || r.name.contains("SHRUN") || r.name.contains("SHLL")
            return (noDoubleword ? [] : [Encoding(r, suffix: " (D)", mask: 0b1000 << 19, value: 0b1000 << 19)]) + [
             Encoding(r, suffix: " (S)", mask: 0b1100 << 19, value: 0b0100 << 19),
             Encoding(r, suffix: " (H)", mask: 0b1110 << 19, value: 0b0010 << 19),
             Encoding(r, suffix: " (B)", mask: 0b1111 << 19, value: 0b0001 << 19)]
        }
    }

    static let advancedSIMD: [Encoding] =
        simdThreeSame + simdThreeDifferent + simdTwoRegisterMisc + simdAcrossLanesRows + simdCopyRows
        + simdModifiedImmediate + splitImmh(simdShiftByImmediate) + simdShiftByImmediateScalar
        + simdByElement + simdPermuteRows

    // MARK: Three same: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd; scalar 01 U 11110 size 1 Rm opcode 1 Rn Rd.
    // Opcodes 11000-11111 are floating point.
    static let simdThreeSame: [Encoding] = [
        Encoding(.a64, "SHADD", "0q001110ss1mmmmm000001nnnnnddddd") { w in same(w, .shadd, sizeBHS) },
        Encoding(.a64, "UHADD", "0q101110ss1mmmmm000001nnnnnddddd") { w in same(w, .uhadd, sizeBHS) },
        Encoding(.a64, "SQADD (vector)", "0q001110ss1mmmmm000011nnnnnddddd") { w in same(w, .sqadd, sizeAny) },
        Encoding(.a64, "UQADD (vector)", "0q101110ss1mmmmm000011nnnnnddddd") { w in same(w, .uqadd, sizeAny) },
        Encoding(.a64, "SRHADD", "0q001110ss1mmmmm000101nnnnnddddd") { w in same(w, .srhadd, sizeBHS) },
        Encoding(.a64, "URHADD", "0q101110ss1mmmmm000101nnnnnddddd") { w in same(w, .urhadd, sizeBHS) },
        Encoding(.a64, "AND (vector)", "0q001110001mmmmm000111nnnnnddddd") { w in bitwise(w, .and) },
        Encoding(.a64, "BIC (vector, register)", "0q001110011mmmmm000111nnnnnddddd") { w in bitwise(w, .bic) },
        Encoding(.a64, "ORR (vector, register)", "0q001110101mmmmm000111nnnnnddddd") { w in bitwise(w, .orr) },
        Encoding(.a64, "ORN (vector)", "0q001110111mmmmm000111nnnnnddddd") { w in bitwise(w, .orn) },
        Encoding(.a64, "EOR (vector)", "0q101110001mmmmm000111nnnnnddddd") { w in bitwise(w, .eor) },
        Encoding(.a64, "BSL", "0q101110011mmmmm000111nnnnnddddd") { w in bitwise(w, .bsl) },
        Encoding(.a64, "BIT", "0q101110101mmmmm000111nnnnnddddd") { w in bitwise(w, .bit) },
        Encoding(.a64, "BIF", "0q101110111mmmmm000111nnnnnddddd") { w in bitwise(w, .bif) },
        Encoding(.a64, "SHSUB", "0q001110ss1mmmmm001001nnnnnddddd") { w in same(w, .shsub, sizeBHS) },
        Encoding(.a64, "UHSUB", "0q101110ss1mmmmm001001nnnnnddddd") { w in same(w, .uhsub, sizeBHS) },
        Encoding(.a64, "SQSUB (vector)", "0q001110ss1mmmmm001011nnnnnddddd") { w in same(w, .sqsub, sizeAny) },
        Encoding(.a64, "UQSUB (vector)", "0q101110ss1mmmmm001011nnnnnddddd") { w in same(w, .uqsub, sizeAny) },
        Encoding(.a64, "CMGT (vector, register)", "0q001110ss1mmmmm001101nnnnnddddd") { w in same(w, .cmgt, sizeAny) },
        Encoding(.a64, "CMHI (vector, register)", "0q101110ss1mmmmm001101nnnnnddddd") { w in same(w, .cmhi, sizeAny) },
        Encoding(.a64, "CMGE (vector, register)", "0q001110ss1mmmmm001111nnnnnddddd") { w in same(w, .cmge, sizeAny) },
        Encoding(.a64, "CMHS (vector, register)", "0q101110ss1mmmmm001111nnnnnddddd") { w in same(w, .cmhs, sizeAny) },
        Encoding(.a64, "SSHL (vector)", "0q001110ss1mmmmm010001nnnnnddddd") { w in same(w, .sshl, sizeAny) },
        Encoding(.a64, "USHL (vector)", "0q101110ss1mmmmm010001nnnnnddddd") { w in same(w, .ushl, sizeAny) },
        Encoding(.a64, "SQSHL (vector, register)", "0q001110ss1mmmmm010011nnnnnddddd") { w in same(w, .sqshl, sizeAny) },
        Encoding(.a64, "UQSHL (vector, register)", "0q101110ss1mmmmm010011nnnnnddddd") { w in same(w, .uqshl, sizeAny) },
        Encoding(.a64, "SRSHL (vector)", "0q001110ss1mmmmm010101nnnnnddddd") { w in same(w, .srshl, sizeAny) },
        Encoding(.a64, "URSHL (vector)", "0q101110ss1mmmmm010101nnnnnddddd") { w in same(w, .urshl, sizeAny) },
        Encoding(.a64, "SQRSHL (vector)", "0q001110ss1mmmmm010111nnnnnddddd") { w in same(w, .sqrshl, sizeAny) },
        Encoding(.a64, "UQRSHL (vector)", "0q101110ss1mmmmm010111nnnnnddddd") { w in same(w, .uqrshl, sizeAny) },
        Encoding(.a64, "SMAX", "0q001110ss1mmmmm011001nnnnnddddd") { w in same(w, .smax, sizeBHS) },
        Encoding(.a64, "UMAX", "0q101110ss1mmmmm011001nnnnnddddd") { w in same(w, .umax, sizeBHS) },
        Encoding(.a64, "SMIN", "0q001110ss1mmmmm011011nnnnnddddd") { w in same(w, .smin, sizeBHS) },
        Encoding(.a64, "UMIN", "0q101110ss1mmmmm011011nnnnnddddd") { w in same(w, .umin, sizeBHS) },
        Encoding(.a64, "SABD", "0q001110ss1mmmmm011101nnnnnddddd") { w in same(w, .sabd, sizeBHS) },
        Encoding(.a64, "UABD", "0q101110ss1mmmmm011101nnnnnddddd") { w in same(w, .uabd, sizeBHS) },
        Encoding(.a64, "SABA", "0q001110ss1mmmmm011111nnnnnddddd") { w in same(w, .saba, sizeBHS) },
        Encoding(.a64, "UABA", "0q101110ss1mmmmm011111nnnnnddddd") { w in same(w, .uaba, sizeBHS) },
        Encoding(.a64, "ADD (vector)", "0q001110ss1mmmmm100001nnnnnddddd") { w in same(w, .add, sizeAny) },
        Encoding(.a64, "SUB (vector)", "0q101110ss1mmmmm100001nnnnnddddd") { w in same(w, .sub, sizeAny) },
        Encoding(.a64, "CMTST (vector)", "0q001110ss1mmmmm100011nnnnnddddd") { w in same(w, .cmtst, sizeAny) },
        Encoding(.a64, "CMEQ (vector, register)", "0q101110ss1mmmmm100011nnnnnddddd") { w in same(w, .cmeq, sizeAny) },
        Encoding(.a64, "MLA (vector)", "0q001110ss1mmmmm100101nnnnnddddd") { w in same(w, .mla, sizeBHS) },
        Encoding(.a64, "MLS (vector)", "0q101110ss1mmmmm100101nnnnnddddd") { w in same(w, .mls, sizeBHS) },
        Encoding(.a64, "MUL (vector)", "0q001110ss1mmmmm100111nnnnnddddd") { w in same(w, .mul, sizeBHS) },
        Encoding(.a64, "PMUL", "0q101110ss1mmmmm100111nnnnnddddd") { w in same(w, .pmul, sizeB) },
        Encoding(.a64, "SMAXP", "0q001110ss1mmmmm101001nnnnnddddd") { w in pairwise(w, .smax, sizeBHS) },
        Encoding(.a64, "UMAXP", "0q101110ss1mmmmm101001nnnnnddddd") { w in pairwise(w, .umax, sizeBHS) },
        Encoding(.a64, "SMINP", "0q001110ss1mmmmm101011nnnnnddddd") { w in pairwise(w, .smin, sizeBHS) },
        Encoding(.a64, "UMINP", "0q101110ss1mmmmm101011nnnnnddddd") { w in pairwise(w, .umin, sizeBHS) },
        Encoding(.a64, "SQDMULH (vector)", "0q001110ss1mmmmm101101nnnnnddddd") { w in same(w, .sqdmulh, sizeHS) },
        Encoding(.a64, "SQRDMULH (vector)", "0q101110ss1mmmmm101101nnnnnddddd") { w in same(w, .sqrdmulh, sizeHS) },
        Encoding(.a64, "ADDP (vector)", "0q001110ss1mmmmm101111nnnnnddddd") { w in pairwise(w, .add, sizeAny) },

        Encoding(.a64, "SQADD (scalar)", "01011110ss1mmmmm000011nnnnnddddd") { w in scalar(w, .sqadd, sizeAny) },
        Encoding(.a64, "UQADD (scalar)", "01111110ss1mmmmm000011nnnnnddddd") { w in scalar(w, .uqadd, sizeAny) },
        Encoding(.a64, "SQSUB (scalar)", "01011110ss1mmmmm001011nnnnnddddd") { w in scalar(w, .sqsub, sizeAny) },
        Encoding(.a64, "UQSUB (scalar)", "01111110ss1mmmmm001011nnnnnddddd") { w in scalar(w, .uqsub, sizeAny) },
        Encoding(.a64, "CMGT (scalar, register)", "01011110ss1mmmmm001101nnnnnddddd") { w in scalar(w, .cmgt, sizeD) },
        Encoding(.a64, "CMHI (scalar, register)", "01111110ss1mmmmm001101nnnnnddddd") { w in scalar(w, .cmhi, sizeD) },
        Encoding(.a64, "CMGE (scalar, register)", "01011110ss1mmmmm001111nnnnnddddd") { w in scalar(w, .cmge, sizeD) },
        Encoding(.a64, "CMHS (scalar, register)", "01111110ss1mmmmm001111nnnnnddddd") { w in scalar(w, .cmhs, sizeD) },
        Encoding(.a64, "SSHL (scalar)", "01011110ss1mmmmm010001nnnnnddddd") { w in scalar(w, .sshl, sizeD) },
        Encoding(.a64, "USHL (scalar)", "01111110ss1mmmmm010001nnnnnddddd") { w in scalar(w, .ushl, sizeD) },
        Encoding(.a64, "SQSHL (scalar, register)", "01011110ss1mmmmm010011nnnnnddddd") { w in scalar(w, .sqshl, sizeAny) },
        Encoding(.a64, "UQSHL (scalar, register)", "01111110ss1mmmmm010011nnnnnddddd") { w in scalar(w, .uqshl, sizeAny) },
        Encoding(.a64, "SRSHL (scalar)", "01011110ss1mmmmm010101nnnnnddddd") { w in scalar(w, .srshl, sizeD) },
        Encoding(.a64, "URSHL (scalar)", "01111110ss1mmmmm010101nnnnnddddd") { w in scalar(w, .urshl, sizeD) },
        Encoding(.a64, "SQRSHL (scalar)", "01011110ss1mmmmm010111nnnnnddddd") { w in scalar(w, .sqrshl, sizeAny) },
        Encoding(.a64, "UQRSHL (scalar)", "01111110ss1mmmmm010111nnnnnddddd") { w in scalar(w, .uqrshl, sizeAny) },
        Encoding(.a64, "ADD (scalar)", "01011110ss1mmmmm100001nnnnnddddd") { w in scalar(w, .add, sizeD) },
        Encoding(.a64, "SUB (scalar)", "01111110ss1mmmmm100001nnnnnddddd") { w in scalar(w, .sub, sizeD) },
        Encoding(.a64, "CMTST (scalar)", "01011110ss1mmmmm100011nnnnnddddd") { w in scalar(w, .cmtst, sizeD) },
        Encoding(.a64, "CMEQ (scalar, register)", "01111110ss1mmmmm100011nnnnnddddd") { w in scalar(w, .cmeq, sizeD) },
        Encoding(.a64, "SQDMULH (scalar)", "01011110ss1mmmmm101101nnnnnddddd") { w in scalar(w, .sqdmulh, sizeHS) },
        Encoding(.a64, "SQRDMULH (scalar)", "01111110ss1mmmmm101101nnnnnddddd") { w in scalar(w, .sqrdmulh, sizeHS) },
    ]

    // MARK: Three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd; scalar 01 U 11110 size 1 Rm opcode 00 Rn Rd.
    static let simdThreeDifferent: [Encoding] = [
        Encoding(.a64, "SADDL, SADDL2", "0q001110ss1mmmmm000000nnnnnddddd") { w in long(w, .saddl, sizeBHS) },
        Encoding(.a64, "UADDL, UADDL2", "0q101110ss1mmmmm000000nnnnnddddd") { w in long(w, .uaddl, sizeBHS) },
        Encoding(.a64, "SADDW, SADDW2", "0q001110ss1mmmmm000100nnnnnddddd") { w in long(w, .saddw, sizeBHS) },
        Encoding(.a64, "UADDW, UADDW2", "0q101110ss1mmmmm000100nnnnnddddd") { w in long(w, .uaddw, sizeBHS) },
        Encoding(.a64, "SSUBL, SSUBL2", "0q001110ss1mmmmm001000nnnnnddddd") { w in long(w, .ssubl, sizeBHS) },
        Encoding(.a64, "USUBL, USUBL2", "0q101110ss1mmmmm001000nnnnnddddd") { w in long(w, .usubl, sizeBHS) },
        Encoding(.a64, "SSUBW, SSUBW2", "0q001110ss1mmmmm001100nnnnnddddd") { w in long(w, .ssubw, sizeBHS) },
        Encoding(.a64, "USUBW, USUBW2", "0q101110ss1mmmmm001100nnnnnddddd") { w in long(w, .usubw, sizeBHS) },
        Encoding(.a64, "ADDHN, ADDHN2", "0q001110ss1mmmmm010000nnnnnddddd") { w in long(w, .addhn, sizeBHS) },
        Encoding(.a64, "RADDHN, RADDHN2", "0q101110ss1mmmmm010000nnnnnddddd") { w in long(w, .raddhn, sizeBHS) },
        Encoding(.a64, "SABAL, SABAL2", "0q001110ss1mmmmm010100nnnnnddddd") { w in long(w, .sabal, sizeBHS) },
        Encoding(.a64, "UABAL, UABAL2", "0q101110ss1mmmmm010100nnnnnddddd") { w in long(w, .uabal, sizeBHS) },
        Encoding(.a64, "SUBHN, SUBHN2", "0q001110ss1mmmmm011000nnnnnddddd") { w in long(w, .subhn, sizeBHS) },
        Encoding(.a64, "RSUBHN, RSUBHN2", "0q101110ss1mmmmm011000nnnnnddddd") { w in long(w, .rsubhn, sizeBHS) },
        Encoding(.a64, "SABDL, SABDL2", "0q001110ss1mmmmm011100nnnnnddddd") { w in long(w, .sabdl, sizeBHS) },
        Encoding(.a64, "UABDL, UABDL2", "0q101110ss1mmmmm011100nnnnnddddd") { w in long(w, .uabdl, sizeBHS) },
        Encoding(.a64, "SMLAL, SMLAL2 (vector)", "0q001110ss1mmmmm100000nnnnnddddd") { w in long(w, .smlal, sizeBHS) },
        Encoding(.a64, "UMLAL, UMLAL2 (vector)", "0q101110ss1mmmmm100000nnnnnddddd") { w in long(w, .umlal, sizeBHS) },
        Encoding(.a64, "SQDMLAL, SQDMLAL2 (vector)", "0q001110ss1mmmmm100100nnnnnddddd") { w in long(w, .sqdmlal, sizeHS) },
        Encoding(.a64, "SMLSL, SMLSL2 (vector)", "0q001110ss1mmmmm101000nnnnnddddd") { w in long(w, .smlsl, sizeBHS) },
        Encoding(.a64, "UMLSL, UMLSL2 (vector)", "0q101110ss1mmmmm101000nnnnnddddd") { w in long(w, .umlsl, sizeBHS) },
        Encoding(.a64, "SQDMLSL, SQDMLSL2 (vector)", "0q001110ss1mmmmm101100nnnnnddddd") { w in long(w, .sqdmlsl, sizeHS) },
        Encoding(.a64, "SMULL, SMULL2 (vector)", "0q001110ss1mmmmm110000nnnnnddddd") { w in long(w, .smull, sizeBHS) },
        Encoding(.a64, "UMULL, UMULL2 (vector)", "0q101110ss1mmmmm110000nnnnnddddd") { w in long(w, .umull, sizeBHS) },
        Encoding(.a64, "SQDMULL, SQDMULL2 (vector)", "0q001110ss1mmmmm110100nnnnnddddd") { w in long(w, .sqdmull, sizeHS) },
        // size 11 is the 64 x 64 -> 128 form of the Crypto extension (ID_AA64ISAR0_EL1.AES = 2).
        Encoding(.a64, "PMULL, PMULL2", "0q001110ss1mmmmm111000nnnnnddddd") { w in long(w, .pmull, sizeBD) },

        Encoding(.a64, "SQDMLAL (scalar)", "01011110ss1mmmmm100100nnnnnddddd") { w in longScalar(w, .sqdmlal) },
        Encoding(.a64, "SQDMLSL (scalar)", "01011110ss1mmmmm101100nnnnnddddd") { w in longScalar(w, .sqdmlsl) },
        Encoding(.a64, "SQDMULL (scalar)", "01011110ss1mmmmm110100nnnnnddddd") { w in longScalar(w, .sqdmull) },
    ]

    // MARK: Two-register miscellaneous: 0 Q U 01110 size 10000 opcode 10 Rn Rd; scalar 01 U 11110 ...
    // Opcodes 01100-01111 with size 1x, 10110, 10111 and 11xxx are floating point (and URECPE/URSQRTE).
    static let simdTwoRegisterMisc: [Encoding] = [
        Encoding(.a64, "REV64", "0q001110ss100000000010nnnnnddddd") { w in reverse(w, containerLog2: 3) },
        Encoding(.a64, "REV32 (vector)", "0q101110ss100000000010nnnnnddddd") { w in reverse(w, containerLog2: 2) },
        Encoding(.a64, "REV16 (vector)", "0q001110ss100000000110nnnnnddddd") { w in reverse(w, containerLog2: 1) },
        Encoding(.a64, "SADDLP", "0q001110ss100000001010nnnnnddddd") { w in pairwiseLong(w, .saddlp) },
        Encoding(.a64, "UADDLP", "0q101110ss100000001010nnnnnddddd") { w in pairwiseLong(w, .uaddlp) },
        Encoding(.a64, "SUQADD (vector)", "0q001110ss100000001110nnnnnddddd") { w in same(w, .suqadd, sizeAny) },
        Encoding(.a64, "USQADD (vector)", "0q101110ss100000001110nnnnnddddd") { w in same(w, .usqadd, sizeAny) },
        Encoding(.a64, "CLS (vector)", "0q001110ss100000010010nnnnnddddd") { w in same(w, .cls, sizeBHS) },
        Encoding(.a64, "CLZ (vector)", "0q101110ss100000010010nnnnnddddd") { w in same(w, .clz, sizeBHS) },
        Encoding(.a64, "CNT", "0q00111000100000010110nnnnnddddd") { w in same(w, .cnt, sizeB) },
        Encoding(.a64, "NOT", "0q10111000100000010110nnnnnddddd") { w in same(w, .not, sizeB) },
        Encoding(.a64, "RBIT (vector)", "0q10111001100000010110nnnnnddddd") { w in rbit(w) },
        Encoding(.a64, "SADALP", "0q001110ss100000011010nnnnnddddd") { w in pairwiseLong(w, .sadalp) },
        Encoding(.a64, "UADALP", "0q101110ss100000011010nnnnnddddd") { w in pairwiseLong(w, .uadalp) },
        Encoding(.a64, "SQABS (vector)", "0q001110ss100000011110nnnnnddddd") { w in same(w, .sqabs, sizeAny) },
        Encoding(.a64, "SQNEG (vector)", "0q101110ss100000011110nnnnnddddd") { w in same(w, .sqneg, sizeAny) },
        Encoding(.a64, "CMGT (vector, zero)", "0q001110ss100000100010nnnnnddddd") { w in same(w, .cmgt0, sizeAny) },
        Encoding(.a64, "CMGE (vector, zero)", "0q101110ss100000100010nnnnnddddd") { w in same(w, .cmge0, sizeAny) },
        Encoding(.a64, "CMEQ (vector, zero)", "0q001110ss100000100110nnnnnddddd") { w in same(w, .cmeq0, sizeAny) },
        Encoding(.a64, "CMLE (vector, zero)", "0q101110ss100000100110nnnnnddddd") { w in same(w, .cmle0, sizeAny) },
        Encoding(.a64, "CMLT (vector, zero)", "0q001110ss100000101010nnnnnddddd") { w in same(w, .cmlt0, sizeAny) },
        Encoding(.a64, "ABS (vector)", "0q001110ss100000101110nnnnnddddd") { w in same(w, .abs, sizeAny) },
        Encoding(.a64, "NEG (vector)", "0q101110ss100000101110nnnnnddddd") { w in same(w, .neg, sizeAny) },
        Encoding(.a64, "XTN, XTN2", "0q001110ss100001001010nnnnnddddd") { w in narrow(w, .xtn) },
        Encoding(.a64, "SQXTUN, SQXTUN2", "0q101110ss100001001010nnnnnddddd") { w in narrow(w, .sqxtun) },
        Encoding(.a64, "SHLL, SHLL2", "0q101110ss100001001110nnnnnddddd") { w in shll(w) },
        Encoding(.a64, "SQXTN, SQXTN2", "0q001110ss100001010010nnnnnddddd") { w in narrow(w, .sqxtn) },
        Encoding(.a64, "UQXTN, UQXTN2", "0q101110ss100001010010nnnnnddddd") { w in narrow(w, .uqxtn) },

        Encoding(.a64, "SUQADD (scalar)", "01011110ss100000001110nnnnnddddd") { w in scalar(w, .suqadd, sizeAny) },
        Encoding(.a64, "USQADD (scalar)", "01111110ss100000001110nnnnnddddd") { w in scalar(w, .usqadd, sizeAny) },
        Encoding(.a64, "SQABS (scalar)", "01011110ss100000011110nnnnnddddd") { w in scalar(w, .sqabs, sizeAny) },
        Encoding(.a64, "SQNEG (scalar)", "01111110ss100000011110nnnnnddddd") { w in scalar(w, .sqneg, sizeAny) },
        Encoding(.a64, "CMGT (scalar, zero)", "01011110ss100000100010nnnnnddddd") { w in scalar(w, .cmgt0, sizeD) },
        Encoding(.a64, "CMGE (scalar, zero)", "01111110ss100000100010nnnnnddddd") { w in scalar(w, .cmge0, sizeD) },
        Encoding(.a64, "CMEQ (scalar, zero)", "01011110ss100000100110nnnnnddddd") { w in scalar(w, .cmeq0, sizeD) },
        Encoding(.a64, "CMLE (scalar, zero)", "01111110ss100000100110nnnnnddddd") { w in scalar(w, .cmle0, sizeD) },
        Encoding(.a64, "CMLT (scalar, zero)", "01011110ss100000101010nnnnnddddd") { w in scalar(w, .cmlt0, sizeD) },
        Encoding(.a64, "ABS (scalar)", "01011110ss100000101110nnnnnddddd") { w in scalar(w, .abs, sizeD) },
        Encoding(.a64, "NEG (scalar)", "01111110ss100000101110nnnnnddddd") { w in scalar(w, .neg, sizeD) },
        Encoding(.a64, "SQXTUN (scalar)", "01111110ss100001001010nnnnnddddd") { w in narrowScalar(w, .sqxtun) },
        Encoding(.a64, "SQXTN (scalar)", "01011110ss100001010010nnnnnddddd") { w in narrowScalar(w, .sqxtn) },
        Encoding(.a64, "UQXTN (scalar)", "01111110ss100001010010nnnnnddddd") { w in narrowScalar(w, .uqxtn) },
    ]

    // MARK: Across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd; scalar pairwise 01 U 11110 size 11000 opcode 10.
    static let simdAcrossLanesRows: [Encoding] = [
        Encoding(.a64, "SADDLV", "0q001110ss110000001110nnnnnddddd") { w in across(w, .saddlv, base: .add) },
        Encoding(.a64, "UADDLV", "0q101110ss110000001110nnnnnddddd") { w in across(w, .uaddlv, base: .add) },
        Encoding(.a64, "SMAXV", "0q001110ss110000101010nnnnnddddd") { w in across(w, .acrossLanes, base: .smax) },
        Encoding(.a64, "UMAXV", "0q101110ss110000101010nnnnnddddd") { w in across(w, .acrossLanes, base: .umax) },
        Encoding(.a64, "SMINV", "0q001110ss110001101010nnnnnddddd") { w in across(w, .acrossLanes, base: .smin) },
        Encoding(.a64, "UMINV", "0q101110ss110001101010nnnnnddddd") { w in across(w, .acrossLanes, base: .umin) },
        Encoding(.a64, "ADDV", "0q001110ss110001101110nnnnnddddd") { w in across(w, .acrossLanes, base: .add) },
        // ADDP (scalar) is only defined for size = 11: Dd = Vn.D[0] + Vn.D[1].
        Encoding(.a64, "ADDP (scalar)", "0101111011110001101110nnnnnddddd") { w in
            Inst(.advancedSIMD, op: SIMDOp.acrossLanes.rawValue, rd: vd(w), rn: vn(w), ra: SIMDOp.add.rawValue, a: 3, b: 2)
        },
    ]

    // MARK: Copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd; scalar copy 01 op 11110000 imm5 0 imm4 1 Rn Rd.
    static let simdCopyRows: [Encoding] = [
        Encoding(.a64, "DUP (element)", "0q001110000iiiii000001nnnnnddddd") { w in copy(w, .dupElement) },
        Encoding(.a64, "DUP (general)", "0q001110000iiiii000011nnnnnddddd") { w in copy(w, .dupGeneral) },
        Encoding(.a64, "SMOV", "0q001110000iiiii001011nnnnnddddd") { w in copy(w, .smov) },
        Encoding(.a64, "UMOV", "0q001110000iiiii001111nnnnnddddd") { w in copy(w, .umov) },
        Encoding(.a64, "INS (general)", "01001110000iiiii000111nnnnnddddd") { w in copy(w, .insGeneral) },
        Encoding(.a64, "INS (element)", "01101110000iiiii0jjjj1nnnnnddddd") { w in copy(w, .insElement) },
        Encoding(.a64, "DUP (element, scalar)", "01011110000iiiii000001nnnnnddddd") { w in copy(w, .dupElement) },
    ]

    // MARK: Modified immediate: 0 Q op 0111100000 a b c cmode o2 1 d e f g h Rd (o2 = 1 is FP16).
    static let simdModifiedImmediate: [Encoding] = [
        Encoding(.a64, "MOVI (32-bit shifted immediate)", "0q00111100000iii0ss001iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "ORR (vector, immediate, 32-bit)", "0q00111100000iii0ss101iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MOVI (16-bit shifted immediate)", "0q00111100000iii10s001iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "ORR (vector, immediate, 16-bit)", "0q00111100000iii10s101iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MOVI (32-bit shifting ones)", "0q00111100000iii110s01iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MOVI (8-bit)", "0q00111100000iii111001iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "FMOV (vector, immediate, single-precision)", "0q00111100000iii111101iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MVNI (32-bit shifted immediate)", "0q10111100000iii0ss001iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "BIC (vector, immediate, 32-bit)", "0q10111100000iii0ss101iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MVNI (16-bit shifted immediate)", "0q10111100000iii10s001iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "BIC (vector, immediate, 16-bit)", "0q10111100000iii10s101iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MVNI (32-bit shifting ones)", "0q10111100000iii110s01iiiiiddddd") { w in modifiedImmediate(w) },
        Encoding(.a64, "MOVI (64-bit scalar, 2D)", "0q10111100000iii111001iiiiiddddd") { w in modifiedImmediate(w) },
        // Q = 0 with op = 1, cmode = 1111 is unallocated.
        Encoding(.a64, "FMOV (vector, immediate, double-precision)", "0110111100000iii111101iiiiiddddd") { w in modifiedImmediate(w) },
    ]

    // MARK: Shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd (immh != 0; split by splitImmh).
    // Opcodes 11100 (SCVTF/UCVTF) and 11111 (FCVTZS/FCVTZU) are floating point.
    static let simdShiftByImmediate: [Encoding] = [
        Encoding(.a64, "SSHR (vector)", "0q0011110hhhhbbb000001nnnnnddddd") { w in shiftImm(w, .sshr, .right) },
        Encoding(.a64, "USHR (vector)", "0q1011110hhhhbbb000001nnnnnddddd") { w in shiftImm(w, .ushr, .right) },
        Encoding(.a64, "SSRA (vector)", "0q0011110hhhhbbb000101nnnnnddddd") { w in shiftImm(w, .ssra, .right) },
        Encoding(.a64, "USRA (vector)", "0q1011110hhhhbbb000101nnnnnddddd") { w in shiftImm(w, .usra, .right) },
        Encoding(.a64, "SRSHR (vector)", "0q0011110hhhhbbb001001nnnnnddddd") { w in shiftImm(w, .srshr, .right) },
        Encoding(.a64, "URSHR (vector)", "0q1011110hhhhbbb001001nnnnnddddd") { w in shiftImm(w, .urshr, .right) },
        Encoding(.a64, "SRSRA (vector)", "0q0011110hhhhbbb001101nnnnnddddd") { w in shiftImm(w, .srsra, .right) },
        Encoding(.a64, "URSRA (vector)", "0q1011110hhhhbbb001101nnnnnddddd") { w in shiftImm(w, .ursra, .right) },
        Encoding(.a64, "SRI (vector)", "0q1011110hhhhbbb010001nnnnnddddd") { w in shiftImm(w, .sri, .right) },
        Encoding(.a64, "SHL (vector)", "0q0011110hhhhbbb010101nnnnnddddd") { w in shiftImm(w, .shl, .left) },
        Encoding(.a64, "SLI (vector)", "0q1011110hhhhbbb010101nnnnnddddd") { w in shiftImm(w, .sli, .left) },
        Encoding(.a64, "SQSHLU (vector)", "0q1011110hhhhbbb011001nnnnnddddd") { w in shiftImm(w, .sqshlu, .left) },
        Encoding(.a64, "SQSHL (vector, immediate)", "0q0011110hhhhbbb011101nnnnnddddd") { w in shiftImm(w, .sqshlImm, .left) },
        Encoding(.a64, "UQSHL (vector, immediate)", "0q1011110hhhhbbb011101nnnnnddddd") { w in shiftImm(w, .uqshlImm, .left) },
        Encoding(.a64, "SHRN, SHRN2", "0q0011110hhhhbbb100001nnnnnddddd") { w in shiftImm(w, .shrn, .narrow) },
        Encoding(.a64, "SQSHRUN, SQSHRUN2", "0q1011110hhhhbbb100001nnnnnddddd") { w in shiftImm(w, .sqshrun, .narrow) },
        Encoding(.a64, "RSHRN, RSHRN2", "0q0011110hhhhbbb100011nnnnnddddd") { w in shiftImm(w, .rshrn, .narrow) },
        Encoding(.a64, "SQRSHRUN, SQRSHRUN2", "0q1011110hhhhbbb100011nnnnnddddd") { w in shiftImm(w, .sqrshrun, .narrow) },
        Encoding(.a64, "SQSHRN, SQSHRN2", "0q0011110hhhhbbb100101nnnnnddddd") { w in shiftImm(w, .sqshrn, .narrow) },
        Encoding(.a64, "UQSHRN, UQSHRN2", "0q1011110hhhhbbb100101nnnnnddddd") { w in shiftImm(w, .uqshrn, .narrow) },
        Encoding(.a64, "SQRSHRN, SQRSHRN2", "0q0011110hhhhbbb100111nnnnnddddd") { w in shiftImm(w, .sqrshrn, .narrow) },
        Encoding(.a64, "UQRSHRN, UQRSHRN2", "0q1011110hhhhbbb100111nnnnnddddd") { w in shiftImm(w, .uqrshrn, .narrow) },
        Encoding(.a64, "SSHLL, SSHLL2", "0q0011110hhhhbbb101001nnnnnddddd") { w in shiftImm(w, .sshll, .long) },
        Encoding(.a64, "USHLL, USHLL2", "0q1011110hhhhbbb101001nnnnnddddd") { w in shiftImm(w, .ushll, .long) },
    ]

    // Scalar shift by immediate: 01 U 111110 immh immb opcode 1 Rn Rd; immh = 0000 is unallocated.
    static let simdShiftByImmediateScalar: [Encoding] = [
        Encoding(.a64, "SSHR (scalar)", "010111110hhhhbbb000001nnnnnddddd") { w in shiftImm(w, .sshr, .rightScalarD) },
        Encoding(.a64, "USHR (scalar)", "011111110hhhhbbb000001nnnnnddddd") { w in shiftImm(w, .ushr, .rightScalarD) },
        Encoding(.a64, "SSRA (scalar)", "010111110hhhhbbb000101nnnnnddddd") { w in shiftImm(w, .ssra, .rightScalarD) },
        Encoding(.a64, "USRA (scalar)", "011111110hhhhbbb000101nnnnnddddd") { w in shiftImm(w, .usra, .rightScalarD) },
        Encoding(.a64, "SRSHR (scalar)", "010111110hhhhbbb001001nnnnnddddd") { w in shiftImm(w, .srshr, .rightScalarD) },
        Encoding(.a64, "URSHR (scalar)", "011111110hhhhbbb001001nnnnnddddd") { w in shiftImm(w, .urshr, .rightScalarD) },
        Encoding(.a64, "SRSRA (scalar)", "010111110hhhhbbb001101nnnnnddddd") { w in shiftImm(w, .srsra, .rightScalarD) },
        Encoding(.a64, "URSRA (scalar)", "011111110hhhhbbb001101nnnnnddddd") { w in shiftImm(w, .ursra, .rightScalarD) },
        Encoding(.a64, "SRI (scalar)", "011111110hhhhbbb010001nnnnnddddd") { w in shiftImm(w, .sri, .rightScalarD) },
        Encoding(.a64, "SHL (scalar)", "010111110hhhhbbb010101nnnnnddddd") { w in shiftImm(w, .shl, .leftScalarD) },
        Encoding(.a64, "SLI (scalar)", "011111110hhhhbbb010101nnnnnddddd") { w in shiftImm(w, .sli, .leftScalarD) },
        Encoding(.a64, "SQSHLU (scalar)", "011111110hhhhbbb011001nnnnnddddd") { w in shiftImm(w, .sqshlu, .leftScalar) },
        Encoding(.a64, "SQSHL (scalar, immediate)", "010111110hhhhbbb011101nnnnnddddd") { w in shiftImm(w, .sqshlImm, .leftScalar) },
        Encoding(.a64, "UQSHL (scalar, immediate)", "011111110hhhhbbb011101nnnnnddddd") { w in shiftImm(w, .uqshlImm, .leftScalar) },
        Encoding(.a64, "SQSHRUN (scalar)", "011111110hhhhbbb100001nnnnnddddd") { w in shiftImm(w, .sqshrun, .narrowScalar) },
        Encoding(.a64, "SQRSHRUN (scalar)", "011111110hhhhbbb100011nnnnnddddd") { w in shiftImm(w, .sqrshrun, .narrowScalar) },
        Encoding(.a64, "SQSHRN (scalar)", "010111110hhhhbbb100101nnnnnddddd") { w in shiftImm(w, .sqshrn, .narrowScalar) },
        Encoding(.a64, "UQSHRN (scalar)", "011111110hhhhbbb100101nnnnnddddd") { w in shiftImm(w, .uqshrn, .narrowScalar) },
        Encoding(.a64, "SQRSHRN (scalar)", "010111110hhhhbbb100111nnnnnddddd") { w in shiftImm(w, .sqrshrn, .narrowScalar) },
        Encoding(.a64, "UQRSHRN (scalar)", "011111110hhhhbbb100111nnnnnddddd") { w in shiftImm(w, .uqrshrn, .narrowScalar) },
    ]

    // MARK: Vector x indexed element: 0 Q U 01111 size L M Rm opcode H 0 Rn Rd; scalar 01 U 11111 ...
    // Opcodes 0001, 0101, 1001 are FMLA/FMLS/FMUL(X); 0000/0100 with U = 0 are FP16 FMLAL/FMLSL.
    static let simdByElement: [Encoding] = [
        Encoding(.a64, "MLA (by element)", "0q101111sslmmmmm0000h0nnnnnddddd") { w in byElement(w, .mla, .lanewise) },
        Encoding(.a64, "MLS (by element)", "0q101111sslmmmmm0100h0nnnnnddddd") { w in byElement(w, .mls, .lanewise) },
        Encoding(.a64, "MUL (by element)", "0q001111sslmmmmm1000h0nnnnnddddd") { w in byElement(w, .mul, .lanewise) },
        Encoding(.a64, "SQDMULH (by element)", "0q001111sslmmmmm1100h0nnnnnddddd") { w in byElement(w, .sqdmulh, .lanewise) },
        Encoding(.a64, "SQRDMULH (by element)", "0q001111sslmmmmm1101h0nnnnnddddd") { w in byElement(w, .sqrdmulh, .lanewise) },
        Encoding(.a64, "SMLAL, SMLAL2 (by element)", "0q001111sslmmmmm0010h0nnnnnddddd") { w in byElement(w, .smlal, .long) },
        Encoding(.a64, "UMLAL, UMLAL2 (by element)", "0q101111sslmmmmm0010h0nnnnnddddd") { w in byElement(w, .umlal, .long) },
        Encoding(.a64, "SQDMLAL, SQDMLAL2 (by element)", "0q001111sslmmmmm0011h0nnnnnddddd") { w in byElement(w, .sqdmlal, .long) },
        Encoding(.a64, "SMLSL, SMLSL2 (by element)", "0q001111sslmmmmm0110h0nnnnnddddd") { w in byElement(w, .smlsl, .long) },
        Encoding(.a64, "UMLSL, UMLSL2 (by element)", "0q101111sslmmmmm0110h0nnnnnddddd") { w in byElement(w, .umlsl, .long) },
        Encoding(.a64, "SQDMLSL, SQDMLSL2 (by element)", "0q001111sslmmmmm0111h0nnnnnddddd") { w in byElement(w, .sqdmlsl, .long) },
        Encoding(.a64, "SMULL, SMULL2 (by element)", "0q001111sslmmmmm1010h0nnnnnddddd") { w in byElement(w, .smull, .long) },
        Encoding(.a64, "UMULL, UMULL2 (by element)", "0q101111sslmmmmm1010h0nnnnnddddd") { w in byElement(w, .umull, .long) },
        Encoding(.a64, "SQDMULL, SQDMULL2 (by element)", "0q001111sslmmmmm1011h0nnnnnddddd") { w in byElement(w, .sqdmull, .long) },

        Encoding(.a64, "SQDMLAL (by element, scalar)", "01011111sslmmmmm0011h0nnnnnddddd") { w in byElement(w, .sqdmlal, .longScalar) },
        Encoding(.a64, "SQDMLSL (by element, scalar)", "01011111sslmmmmm0111h0nnnnnddddd") { w in byElement(w, .sqdmlsl, .longScalar) },
        Encoding(.a64, "SQDMULL (by element, scalar)", "01011111sslmmmmm1011h0nnnnnddddd") { w in byElement(w, .sqdmull, .longScalar) },
        Encoding(.a64, "SQDMULH (by element, scalar)", "01011111sslmmmmm1100h0nnnnnddddd") { w in byElement(w, .sqdmulh, .scalar) },
        Encoding(.a64, "SQRDMULH (by element, scalar)", "01011111sslmmmmm1101h0nnnnnddddd") { w in byElement(w, .sqrdmulh, .scalar) },
    ]

    // MARK: Permute 0 Q 001110 size 0 Rm 0 opcode 10; extract 0 Q 101110 00 0 Rm 0 imm4 0; table lookup
    // 0 Q 001110 00 0 Rm 0 len op 00.
    static let simdPermuteRows: [Encoding] = [
        Encoding(.a64, "UZP1", "0q001110ss0mmmmm000110nnnnnddddd") { w in same(w, .uzp1, sizeAny) },
        Encoding(.a64, "TRN1", "0q001110ss0mmmmm001010nnnnnddddd") { w in same(w, .trn1, sizeAny) },
        Encoding(.a64, "ZIP1", "0q001110ss0mmmmm001110nnnnnddddd") { w in same(w, .zip1, sizeAny) },
        Encoding(.a64, "UZP2", "0q001110ss0mmmmm010110nnnnnddddd") { w in same(w, .uzp2, sizeAny) },
        Encoding(.a64, "TRN2", "0q001110ss0mmmmm011010nnnnnddddd") { w in same(w, .trn2, sizeAny) },
        Encoding(.a64, "ZIP2", "0q001110ss0mmmmm011110nnnnnddddd") { w in same(w, .zip2, sizeAny) },
        Encoding(.a64, "EXT", "0q101110000mmmmm0iiii0nnnnnddddd") { w in
            let q = bit(w, 30), pos = bits(w, 14, 11)
            if q == 0 && pos >= 8 { return .undefined }
            return Inst(.advancedSIMD, op: SIMDOp.ext.rawValue, rd: vd(w), rn: vn(w), rm: vm(w), b: UInt8(8 << q), imm: UInt64(pos))
        },
        Encoding(.a64, "TBL", "0q001110000mmmmm0ll000nnnnnddddd") { w in tableLookup(w, .tbl) },
        Encoding(.a64, "TBX", "0q001110000mmmmm0ll100nnnnnddddd") { w in tableLookup(w, .tbx) },
    ]
}

// MARK: Operand folding

extension A64Decoder {
    @inline(__always) static func vd(_ w: UInt32) -> UInt8 { UInt8(w & 31) }
    @inline(__always) static func vn(_ w: UInt32) -> UInt8 { UInt8((w >> 5) & 31) }
    @inline(__always) static func vm(_ w: UInt32) -> UInt8 { UInt8((w >> 16) & 31) }

    static func simd(_ op: SIMDOp, _ w: UInt32, a: UInt32, b: UInt32, ra: UInt8 = 0, imm: UInt64 = 0) -> Inst {
        Inst(.advancedSIMD, op: op.rawValue, rd: vd(w), rn: vn(w), rm: vm(w), ra: ra, a: UInt8(a), b: UInt8(b), imm: imm)
    }

    /// Vector lanewise form: size in `sizes`, size:Q = 110 reserved.
    static func same(_ w: UInt32, _ op: SIMDOp, _ sizes: UInt8) -> Inst {
        let size = bits(w, 23, 22), q = bit(w, 30)
        if sizes >> size & 1 == 0 || (size == 3 && q == 0) { return .undefined }
        return simd(op, w, a: size, b: (8 << q) >> size)
    }

    /// Scalar lanewise form: one element of the given size.
    static func scalar(_ w: UInt32, _ op: SIMDOp, _ sizes: UInt8) -> Inst {
        let size = bits(w, 23, 22)
        if sizes >> size & 1 == 0 { return .undefined }
        return simd(op, w, a: size, b: 1)
    }

    static func bitwise(_ w: UInt32, _ op: SIMDOp) -> Inst { simd(op, w, a: 0, b: 8 << bit(w, 30)) }

    static func rbit(_ w: UInt32) -> Inst { simd(.rbit, w, a: 0, b: 8 << bit(w, 30)) }

    static func pairwise(_ w: UInt32, _ base: SIMDOp, _ sizes: UInt8) -> Inst {
        let i = same(w, .pairwise, sizes)
        if i.group == .undefined { return i }
        return simd(.pairwise, w, a: UInt32(i.a), b: UInt32(i.b), ra: base.rawValue)
    }

    /// Across lanes: size 11 and size:Q = 100 (two S lanes) are reserved.
    static func across(_ w: UInt32, _ op: SIMDOp, base: SIMDOp) -> Inst {
        let size = bits(w, 23, 22), q = bit(w, 30)
        if size == 3 || (size == 2 && q == 0) { return .undefined }
        return simd(op, w, a: size, b: (8 << q) >> size, ra: base.rawValue)
    }

    /// REV16/REV32/REV64: the element must be smaller than the container.
    static func reverse(_ w: UInt32, containerLog2: UInt32) -> Inst {
        let size = bits(w, 23, 22), q = bit(w, 30)
        if size >= containerLog2 { return .undefined }
        return simd(.rev, w, a: size, b: (8 << q) >> size, imm: UInt64((1 << (containerLog2 - size)) - 1))
    }

    /// SADDLP/UADDLP/SADALP/UADALP: `b` counts the 2 * esize results.
    static func pairwiseLong(_ w: UInt32, _ op: SIMDOp) -> Inst {
        let size = bits(w, 23, 22), q = bit(w, 30)
        if size == 3 { return .undefined }
        return simd(op, w, a: size, b: (8 << q) >> (size + 1))
    }

    /// XTN/SQXTN/UQXTN/SQXTUN (vector): size is the narrow element; Q selects the half.
    static func narrow(_ w: UInt32, _ op: SIMDOp) -> Inst {
        let size = bits(w, 23, 22)
        if size == 3 { return .undefined }
        return simd(op, w, a: size, b: 8 >> size, ra: UInt8(bit(w, 30)))
    }

    static func narrowScalar(_ w: UInt32, _ op: SIMDOp) -> Inst {
        let size = bits(w, 23, 22)
        if size == 3 { return .undefined }
        return simd(op, w, a: size, b: 1)
    }

    /// SHLL: a left shift by esize of a widened half, executed as USHLL with shift esize.
    static func shll(_ w: UInt32) -> Inst {
        let size = bits(w, 23, 22)
        if size == 3 { return .undefined }
        return simd(.ushll, w, a: size, b: 8 >> size, ra: UInt8(bit(w, 30)), imm: UInt64(8 << size))
    }

    /// Three different (long, wide, narrow-high) with Q selecting the half of the narrow operand.
    /// PMULL with size 11 multiplies one 64-bit element.
    static func long(_ w: UInt32, _ op: SIMDOp, _ sizes: UInt8) -> Inst {
        let size = bits(w, 23, 22)
        if sizes >> size & 1 == 0 { return .undefined }
        return simd(op, w, a: size, b: size == 3 ? 1 : 8 >> size, ra: UInt8(bit(w, 30)))
    }

    static func longScalar(_ w: UInt32, _ op: SIMDOp) -> Inst {
        let size = bits(w, 23, 22)
        if sizeHS >> size & 1 == 0 { return .undefined }
        return simd(op, w, a: size, b: 1)
    }

    /// Copy class: imm5's lowest set bit gives the element size, the bits above it the index.
    static func copy(_ w: UInt32, _ op: SIMDOp) -> Inst {
        let imm5 = bits(w, 20, 16), q = bit(w, 30)
        if imm5 & 0xF == 0 { return .undefined }
        let size = UInt32(imm5.trailingZeroBitCount)
        let index = UInt64(imm5 >> (size + 1))
        let scalarForm = bits(w, 31, 28) == 0b0101
        switch op {
        case .dupElement where scalarForm:
            return simd(op, w, a: size, b: 1, imm: index)
        case .dupElement, .dupGeneral:
            if size == 3 && q == 0 { return .undefined }
            var i = simd(op, w, a: size, b: (8 << q) >> size, imm: index)
            if op == .dupGeneral { i.rn = Reg.src(w >> 5) }
            return i
        case .smov, .umov:
            // SMOV: Wd takes B and H, Xd takes B, H and S. UMOV: Wd takes B, H, S; Xd only D.
            let ok = op == .smov ? size < 2 + q : (q == 0 ? size < 3 : size == 3)
            if !ok { return .undefined }
            var i = simd(op, w, a: size, b: q, imm: index)
            i.rd = Reg.dst(w)
            return i
        case .insGeneral:
            var i = simd(op, w, a: size, b: 0, imm: index)
            i.rn = Reg.src(w >> 5)
            return i
        default:   // insElement: the source index is imm4 >> size
            return simd(op, w, a: size, b: bits(w, 14, 11) >> size, imm: index)
        }
    }

    /// MOVI/MVNI/ORR/BIC/FMOV (vector, immediate): the immediate expanded at decode time
    /// (AdvSIMDExpandImm); MVNI becomes MOVI of the inverted value.
    static func modifiedImmediate(_ w: UInt32) -> Inst {
        let q = bit(w, 30), op = bit(w, 29), cmode = bits(w, 15, 12)
        let imm8 = bits(w, 18, 16) << 5 | bits(w, 9, 5)
        let imm = simdExpandImm(op: op, cmode: cmode, imm8: imm8)
        let isOrrBic = cmode & 1 == 1 && cmode < 0b1100
        let kind: SIMDOp
        var value = imm
        if isOrrBic {
            kind = op == 0 ? .orrImm : .bicImm
        } else {
            kind = .movi
            if op == 1 && cmode < 0b1110 { value = ~imm }   // MVNI
        }
        return Inst(.advancedSIMD, op: kind.rawValue, rd: vd(w), b: UInt8(q), imm: value)
    }

    enum ShiftForm { case right, left, narrow, long, rightScalarD, leftScalarD, leftScalar, narrowScalar }

    /// Shift by immediate: immh's highest set bit gives the element size; the shift is
    /// 2 * esize - immh:immb (right) or immh:immb - esize (left).
    static func shiftImm(_ w: UInt32, _ op: SIMDOp, _ form: ShiftForm) -> Inst {
        let immh = bits(w, 22, 19), q = bit(w, 30)
        if immh == 0 { return .undefined }
        let size = UInt32(31 - immh.leadingZeroBitCount)
        let esize = UInt32(8) << size, immhb = bits(w, 22, 16)
        let right = UInt64(2 * esize - immhb), left = UInt64(immhb - esize)
        switch form {
        case .right, .left:
            if size == 3 && q == 0 { return .undefined }
            return simd(op, w, a: size, b: (8 << q) >> size, imm: form == .right ? right : left)
        case .narrow, .long:
            if size == 3 { return .undefined }
            return simd(op, w, a: size, b: 8 >> size, ra: UInt8(q), imm: form == .narrow ? right : left)
        case .rightScalarD, .leftScalarD:
            if size != 3 { return .undefined }
            return simd(op, w, a: size, b: 1, imm: form == .rightScalarD ? right : left)
        case .leftScalar:
            return simd(op, w, a: size, b: 1, imm: left)
        case .narrowScalar:
            if size == 3 { return .undefined }
            return simd(op, w, a: size, b: 1, imm: right)
        }
    }

    enum ElementForm { case lanewise, long, scalar, longScalar }

    /// By element: H lanes index with H:L:M and Rm in V0-V15; S lanes index with H:L and M:Rm.
    static func byElement(_ w: UInt32, _ op: SIMDOp, _ form: ElementForm) -> Inst {
        let size = bits(w, 23, 22), q = bit(w, 30)
        let h = bit(w, 11), l = bit(w, 21), m = bit(w, 20)
        let index: UInt32, rm: UInt8
        switch size {
        case 1: index = h << 2 | l << 1 | m; rm = UInt8(bits(w, 19, 16))
        case 2: index = h << 1 | l; rm = UInt8(bits(w, 20, 16))
        default: return .undefined
        }
        let imm = SIMDOp.byElement | UInt64(index)
        var i: Inst
        switch form {
        case .lanewise: i = simd(op, w, a: size, b: (8 << q) >> size, imm: imm)
        case .long: i = simd(op, w, a: size, b: 8 >> size, ra: UInt8(q), imm: imm)
        case .scalar, .longScalar: i = simd(op, w, a: size, b: 1, imm: imm)
        }
        i.rm = rm
        return i
    }

    static func tableLookup(_ w: UInt32, _ op: SIMDOp) -> Inst {
        simd(op, w, a: 0, b: 8 << bit(w, 30), ra: UInt8(bits(w, 14, 13) + 1))
    }
}
