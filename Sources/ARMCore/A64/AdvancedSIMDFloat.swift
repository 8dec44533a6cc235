/// The floating-point forms of Advanced SIMD, vector and scalar (ARM DDI 0487, C4.1 "Advanced
/// SIMD three same", "two-register miscellaneous", "across lanes", "scalar pairwise", "vector x
/// indexed element", "shift by immediate", and their scalar classes), decoded into the
/// `.floatingPoint` group and executed by FloatingPoint.swift's element-wise ops.
///
/// Every row fixes its opcode bits (and U, and bit 23 where it selects the operation), so
/// these rows never overlap the integer rows of AdvancedSIMD*.swift. The FP16 forms (FEAT_FP16:
/// three same FP16, two-register misc FP16, size = 00 by element, immh = 001x) are not matched
/// here and decode as UNDEFINED.
extension A64Decoder {
    // Not matched, so UNDEFINED: the FP16 classes ("three same FP16", "two-register misc FP16",
    // by element with size = 00, fixed point with immh = 001x), FMLAL/FMLSL (FEAT_FHM),
    // FCMLA/FCADD (FEAT_FCMA), FRINT32/64 (FEAT_FRINTTS), BFloat16 (FEAT_BF16).
    static let advancedSIMDFloat: [Encoding] = [
        // Three same (vector): 0 Q U 01110 a sz 1 Rm opcode(11xxx) 1 Rn Rd.
        Encoding(.a64, "FMAXNM (vector)", "0q0011100s1mmmmm110001nnnnnddddd") { w in fpVec3(w, .maxnm) },
        Encoding(.a64, "FMLA (vector)", "0q0011100s1mmmmm110011nnnnnddddd") { w in fpVec3(w, .mla) },
        Encoding(.a64, "FADD (vector)", "0q0011100s1mmmmm110101nnnnnddddd") { w in fpVec3(w, .add) },
        Encoding(.a64, "FMULX (vector)", "0q0011100s1mmmmm110111nnnnnddddd") { w in fpVec3(w, .mulx) },
        Encoding(.a64, "FCMEQ (register, vector)", "0q0011100s1mmmmm111001nnnnnddddd") { w in fpVec3(w, .cmeq) },
        Encoding(.a64, "FMAX (vector)", "0q0011100s1mmmmm111101nnnnnddddd") { w in fpVec3(w, .max) },
        Encoding(.a64, "FRECPS (vector)", "0q0011100s1mmmmm111111nnnnnddddd") { w in fpVec3(w, .recps) },
        Encoding(.a64, "FMINNM (vector)", "0q0011101s1mmmmm110001nnnnnddddd") { w in fpVec3(w, .minnm) },
        Encoding(.a64, "FMLS (vector)", "0q0011101s1mmmmm110011nnnnnddddd") { w in fpVec3(w, .mls) },
        Encoding(.a64, "FSUB (vector)", "0q0011101s1mmmmm110101nnnnnddddd") { w in fpVec3(w, .sub) },
        Encoding(.a64, "FMIN (vector)", "0q0011101s1mmmmm111101nnnnnddddd") { w in fpVec3(w, .min) },
        Encoding(.a64, "FRSQRTS (vector)", "0q0011101s1mmmmm111111nnnnnddddd") { w in fpVec3(w, .rsqrts) },
        Encoding(.a64, "FMAXNMP (vector)", "0q1011100s1mmmmm110001nnnnnddddd") { w in fpVec3(w, .maxnm, pairwise: true) },
        Encoding(.a64, "FADDP (vector)", "0q1011100s1mmmmm110101nnnnnddddd") { w in fpVec3(w, .add, pairwise: true) },
        Encoding(.a64, "FMUL (vector)", "0q1011100s1mmmmm110111nnnnnddddd") { w in fpVec3(w, .mul) },
        Encoding(.a64, "FCMGE (register, vector)", "0q1011100s1mmmmm111001nnnnnddddd") { w in fpVec3(w, .cmge) },
        Encoding(.a64, "FACGE (vector)", "0q1011100s1mmmmm111011nnnnnddddd") { w in fpVec3(w, .acge) },
        Encoding(.a64, "FMAXP (vector)", "0q1011100s1mmmmm111101nnnnnddddd") { w in fpVec3(w, .max, pairwise: true) },
        Encoding(.a64, "FDIV (vector)", "0q1011100s1mmmmm111111nnnnnddddd") { w in fpVec3(w, .div) },
        Encoding(.a64, "FMINNMP (vector)", "0q1011101s1mmmmm110001nnnnnddddd") { w in fpVec3(w, .minnm, pairwise: true) },
        Encoding(.a64, "FABD (vector)", "0q1011101s1mmmmm110101nnnnnddddd") { w in fpVec3(w, .abd) },
        Encoding(.a64, "FCMGT (register, vector)", "0q1011101s1mmmmm111001nnnnnddddd") { w in fpVec3(w, .cmgt) },
        Encoding(.a64, "FACGT (vector)", "0q1011101s1mmmmm111011nnnnnddddd") { w in fpVec3(w, .acgt) },
        Encoding(.a64, "FMINP (vector)", "0q1011101s1mmmmm111101nnnnnddddd") { w in fpVec3(w, .min, pairwise: true) },

        // Scalar three same: 01 U 11110 a sz 1 Rm opcode 1 Rn Rd.
        Encoding(.a64, "FMULX (scalar)", "010111100s1mmmmm110111nnnnnddddd") { w in fpScalar3(w, .mulx) },
        Encoding(.a64, "FCMEQ (register, scalar)", "010111100s1mmmmm111001nnnnnddddd") { w in fpScalar3(w, .cmeq) },
        Encoding(.a64, "FRECPS (scalar)", "010111100s1mmmmm111111nnnnnddddd") { w in fpScalar3(w, .recps) },
        Encoding(.a64, "FRSQRTS (scalar)", "010111101s1mmmmm111111nnnnnddddd") { w in fpScalar3(w, .rsqrts) },
        Encoding(.a64, "FCMGE (register, scalar)", "011111100s1mmmmm111001nnnnnddddd") { w in fpScalar3(w, .cmge) },
        Encoding(.a64, "FACGE (scalar)", "011111100s1mmmmm111011nnnnnddddd") { w in fpScalar3(w, .acge) },
        Encoding(.a64, "FABD (scalar)", "011111101s1mmmmm110101nnnnnddddd") { w in fpScalar3(w, .abd) },
        Encoding(.a64, "FCMGT (register, scalar)", "011111101s1mmmmm111001nnnnnddddd") { w in fpScalar3(w, .cmgt) },
        Encoding(.a64, "FACGT (scalar)", "011111101s1mmmmm111011nnnnnddddd") { w in fpScalar3(w, .acgt) },

        // Two-register miscellaneous (vector): 0 Q U 01110 a sz 10000 opcode 10 Rn Rd.
        Encoding(.a64, "FCVTN/FCVTN2", "0q0011100s100001011010nnnnnddddd") { w in fpNarrow(w, rounding: FPRoundCode.fpcr) },
        Encoding(.a64, "FCVTL/FCVTL2", "0q0011100s100001011110nnnnnddddd") { w in fpWiden(w) },
        Encoding(.a64, "FRINTN (vector)", "0q0011100s100001100010nnnnnddddd") { w in fpVec2(w, .rint, .tieEven) },
        Encoding(.a64, "FRINTM (vector)", "0q0011100s100001100110nnnnnddddd") { w in fpVec2(w, .rint, .negInf) },
        Encoding(.a64, "FCVTNS (vector)", "0q0011100s100001101010nnnnnddddd") { w in fpVec2(w, .toInt, .tieEven) },
        Encoding(.a64, "FCVTMS (vector)", "0q0011100s100001101110nnnnnddddd") { w in fpVec2(w, .toInt, .negInf) },
        Encoding(.a64, "FCVTAS (vector)", "0q0011100s100001110010nnnnnddddd") { w in fpVec2(w, .toInt, .tieAway) },
        Encoding(.a64, "SCVTF (vector, integer)", "0q0011100s100001110110nnnnnddddd") { w in fpVec2(w, .fromInt, nil) },
        Encoding(.a64, "FCMGT (zero, vector)", "0q0011101s100000110010nnnnnddddd") { w in fpVec2(w, .cmgtz, nil) },
        Encoding(.a64, "FCMEQ (zero, vector)", "0q0011101s100000110110nnnnnddddd") { w in fpVec2(w, .cmeqz, nil) },
        Encoding(.a64, "FCMLT (zero, vector)", "0q0011101s100000111010nnnnnddddd") { w in fpVec2(w, .cmltz, nil) },
        Encoding(.a64, "FABS (vector)", "0q0011101s100000111110nnnnnddddd") { w in fpVec2(w, .abs, nil) },
        Encoding(.a64, "FRINTP (vector)", "0q0011101s100001100010nnnnnddddd") { w in fpVec2(w, .rint, .posInf) },
        Encoding(.a64, "FRINTZ (vector)", "0q0011101s100001100110nnnnnddddd") { w in fpVec2(w, .rint, .zero) },
        Encoding(.a64, "FCVTPS (vector)", "0q0011101s100001101010nnnnnddddd") { w in fpVec2(w, .toInt, .posInf) },
        Encoding(.a64, "FCVTZS (vector, integer)", "0q0011101s100001101110nnnnnddddd") { w in fpVec2(w, .toInt, .zero) },
        Encoding(.a64, "URECPE", "0q00111010100001110010nnnnnddddd") { w in fpVec2(w, .urecpe, nil) },
        Encoding(.a64, "FRECPE (vector)", "0q0011101s100001110110nnnnnddddd") { w in fpVec2(w, .recpe, nil) },
        Encoding(.a64, "FCVTXN/FCVTXN2", "0q10111001100001011010nnnnnddddd") { w in fpNarrow(w, rounding: FPRoundCode.fcvtxn) },
        Encoding(.a64, "FRINTA (vector)", "0q1011100s100001100010nnnnnddddd") { w in fpVec2(w, .rint, .tieAway) },
        Encoding(.a64, "FRINTX (vector)", "0q1011100s100001100110nnnnnddddd") { w in fpVec2(w, .rint, nil, extra: 8) },
        Encoding(.a64, "FCVTNU (vector)", "0q1011100s100001101010nnnnnddddd") { w in fpVec2(w, .toInt, .tieEven, extra: 1 << 16) },
        Encoding(.a64, "FCVTMU (vector)", "0q1011100s100001101110nnnnnddddd") { w in fpVec2(w, .toInt, .negInf, extra: 1 << 16) },
        Encoding(.a64, "FCVTAU (vector)", "0q1011100s100001110010nnnnnddddd") { w in fpVec2(w, .toInt, .tieAway, extra: 1 << 16) },
        Encoding(.a64, "UCVTF (vector, integer)", "0q1011100s100001110110nnnnnddddd") { w in fpVec2(w, .fromInt, nil, extra: 1 << 16) },
        Encoding(.a64, "FCMGE (zero, vector)", "0q1011101s100000110010nnnnnddddd") { w in fpVec2(w, .cmgez, nil) },
        Encoding(.a64, "FCMLE (zero, vector)", "0q1011101s100000110110nnnnnddddd") { w in fpVec2(w, .cmlez, nil) },
        Encoding(.a64, "FNEG (vector)", "0q1011101s100000111110nnnnnddddd") { w in fpVec2(w, .neg, nil) },
        Encoding(.a64, "FRINTI (vector)", "0q1011101s100001100110nnnnnddddd") { w in fpVec2(w, .rint, nil) },
        Encoding(.a64, "FCVTPU (vector)", "0q1011101s100001101010nnnnnddddd") { w in fpVec2(w, .toInt, .posInf, extra: 1 << 16) },
        Encoding(.a64, "FCVTZU (vector, integer)", "0q1011101s100001101110nnnnnddddd") { w in fpVec2(w, .toInt, .zero, extra: 1 << 16) },
        Encoding(.a64, "URSQRTE", "0q10111010100001110010nnnnnddddd") { w in fpVec2(w, .ursqrte, nil) },
        Encoding(.a64, "FRSQRTE (vector)", "0q1011101s100001110110nnnnnddddd") { w in fpVec2(w, .rsqrte, nil) },
        Encoding(.a64, "FSQRT (vector)", "0q1011101s100001111110nnnnnddddd") { w in fpVec2(w, .sqrt, nil) },

        // Scalar two-register miscellaneous: 01 U 11110 a sz 10000 opcode 10 Rn Rd.
        Encoding(.a64, "FCVTNS (scalar SIMD)", "010111100s100001101010nnnnnddddd") { w in fpScalar2(w, .toInt, .tieEven) },
        Encoding(.a64, "FCVTMS (scalar SIMD)", "010111100s100001101110nnnnnddddd") { w in fpScalar2(w, .toInt, .negInf) },
        Encoding(.a64, "FCVTAS (scalar SIMD)", "010111100s100001110010nnnnnddddd") { w in fpScalar2(w, .toInt, .tieAway) },
        Encoding(.a64, "SCVTF (scalar SIMD, integer)", "010111100s100001110110nnnnnddddd") { w in fpScalar2(w, .fromInt, nil) },
        Encoding(.a64, "FCMGT (zero, scalar)", "010111101s100000110010nnnnnddddd") { w in fpScalar2(w, .cmgtz, nil) },
        Encoding(.a64, "FCMEQ (zero, scalar)", "010111101s100000110110nnnnnddddd") { w in fpScalar2(w, .cmeqz, nil) },
        Encoding(.a64, "FCMLT (zero, scalar)", "010111101s100000111010nnnnnddddd") { w in fpScalar2(w, .cmltz, nil) },
        Encoding(.a64, "FCVTPS (scalar SIMD)", "010111101s100001101010nnnnnddddd") { w in fpScalar2(w, .toInt, .posInf) },
        Encoding(.a64, "FCVTZS (scalar SIMD, integer)", "010111101s100001101110nnnnnddddd") { w in fpScalar2(w, .toInt, .zero) },
        Encoding(.a64, "FRECPE (scalar)", "010111101s100001110110nnnnnddddd") { w in fpScalar2(w, .recpe, nil) },
        Encoding(.a64, "FRECPX", "010111101s100001111110nnnnnddddd") { w in fpScalar2(w, .recpx, nil) },
        Encoding(.a64, "FCVTXN (scalar)", "0111111001100001011010nnnnnddddd") { w in
            Inst(.floatingPoint, op: FPOp.fcvt.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                 a: 3, b: 2, imm: FPRoundCode.fcvtxn)
        },
        Encoding(.a64, "FCVTNU (scalar SIMD)", "011111100s100001101010nnnnnddddd") { w in fpScalar2(w, .toInt, .tieEven, extra: 1 << 16) },
        Encoding(.a64, "FCVTMU (scalar SIMD)", "011111100s100001101110nnnnnddddd") { w in fpScalar2(w, .toInt, .negInf, extra: 1 << 16) },
        Encoding(.a64, "FCVTAU (scalar SIMD)", "011111100s100001110010nnnnnddddd") { w in fpScalar2(w, .toInt, .tieAway, extra: 1 << 16) },
        Encoding(.a64, "UCVTF (scalar SIMD, integer)", "011111100s100001110110nnnnnddddd") { w in fpScalar2(w, .fromInt, nil, extra: 1 << 16) },
        Encoding(.a64, "FCMGE (zero, scalar)", "011111101s100000110010nnnnnddddd") { w in fpScalar2(w, .cmgez, nil) },
        Encoding(.a64, "FCMLE (zero, scalar)", "011111101s100000110110nnnnnddddd") { w in fpScalar2(w, .cmlez, nil) },
        Encoding(.a64, "FCVTPU (scalar SIMD)", "011111101s100001101010nnnnnddddd") { w in fpScalar2(w, .toInt, .posInf, extra: 1 << 16) },
        Encoding(.a64, "FCVTZU (scalar SIMD, integer)", "011111101s100001101110nnnnnddddd") { w in fpScalar2(w, .toInt, .zero, extra: 1 << 16) },
        Encoding(.a64, "FRSQRTE (scalar)", "011111101s100001110110nnnnnddddd") { w in fpScalar2(w, .rsqrte, nil) },

        // Across lanes: 0 Q U 01110 a sz 11000 opcode 10 Rn Rd; only 4S exists without FP16.
        Encoding(.a64, "FMAXNMV", "0q1011100s110000110010nnnnnddddd") { w in fpAcross(w, .maxnm) },
        Encoding(.a64, "FMAXV", "0q1011100s110000111110nnnnnddddd") { w in fpAcross(w, .max) },
        Encoding(.a64, "FMINNMV", "0q1011101s110000110010nnnnnddddd") { w in fpAcross(w, .minnm) },
        Encoding(.a64, "FMINV", "0q1011101s110000111110nnnnnddddd") { w in fpAcross(w, .min) },

        // Scalar pairwise: 01 U 11110 a sz 11000 opcode 10 Rn Rd (U = 1; U = 0 is FP16).
        Encoding(.a64, "FMAXNMP (scalar)", "011111100s110000110010nnnnnddddd") { w in fpScalarPair(w, .maxnm) },
        Encoding(.a64, "FADDP (scalar)", "011111100s110000110110nnnnnddddd") { w in fpScalarPair(w, .add) },
        Encoding(.a64, "FMAXP (scalar)", "011111100s110000111110nnnnnddddd") { w in fpScalarPair(w, .max) },
        Encoding(.a64, "FMINNMP (scalar)", "011111101s110000110010nnnnnddddd") { w in fpScalarPair(w, .minnm) },
        Encoding(.a64, "FMINP (scalar)", "011111101s110000111110nnnnnddddd") { w in fpScalarPair(w, .min) },

        // Vector x indexed element: 0 Q U 01111 size(1 sz) L M Rm opcode H 0 Rn Rd.
        Encoding(.a64, "FMLA (by element, vector)", "0q0011111sLMmmmm0001H0nnnnnddddd") { w in fpByElement(w, .mla, scalar: false) },
        Encoding(.a64, "FMLS (by element, vector)", "0q0011111sLMmmmm0101H0nnnnnddddd") { w in fpByElement(w, .mls, scalar: false) },
        Encoding(.a64, "FMUL (by element, vector)", "0q0011111sLMmmmm1001H0nnnnnddddd") { w in fpByElement(w, .mul, scalar: false) },
        Encoding(.a64, "FMULX (by element, vector)", "0q1011111sLMmmmm1001H0nnnnnddddd") { w in fpByElement(w, .mulx, scalar: false) },
        // Scalar x indexed element: 01 U 11111 size L M Rm opcode H 0 Rn Rd.
        Encoding(.a64, "FMLA (by element, scalar)", "010111111sLMmmmm0001H0nnnnnddddd") { w in fpByElement(w, .mla, scalar: true) },
        Encoding(.a64, "FMLS (by element, scalar)", "010111111sLMmmmm0101H0nnnnnddddd") { w in fpByElement(w, .mls, scalar: true) },
        Encoding(.a64, "FMUL (by element, scalar)", "010111111sLMmmmm1001H0nnnnnddddd") { w in fpByElement(w, .mul, scalar: true) },
        Encoding(.a64, "FMULX (by element, scalar)", "011111111sLMmmmm1001H0nnnnnddddd") { w in fpByElement(w, .mulx, scalar: true) },

        // Shift by immediate, fixed-point conversions: 0 Q U 011110 immh immb opcode 1 Rn Rd,
        // immh = 1xxx double, 01xx single (001x is FP16, 0000 modified immediate).
        Encoding(.a64, "SCVTF (vector, fixed-point, double)", "0q00111101hhhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: false) },
        Encoding(.a64, "SCVTF (vector, fixed-point, single)", "0q001111001hhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: false) },
        Encoding(.a64, "FCVTZS (vector, fixed-point, double)", "0q00111101hhhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: false) },
        Encoding(.a64, "FCVTZS (vector, fixed-point, single)", "0q001111001hhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: false) },
        Encoding(.a64, "UCVTF (vector, fixed-point, double)", "0q10111101hhhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: false, unsigned: true) },
        Encoding(.a64, "UCVTF (vector, fixed-point, single)", "0q101111001hhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: false, unsigned: true) },
        Encoding(.a64, "FCVTZU (vector, fixed-point, double)", "0q10111101hhhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: false, unsigned: true) },
        Encoding(.a64, "FCVTZU (vector, fixed-point, single)", "0q101111001hhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: false, unsigned: true) },
        // Scalar shift by immediate: 01 U 111110 immh immb opcode 1 Rn Rd.
        Encoding(.a64, "SCVTF (scalar SIMD, fixed-point, double)", "0101111101hhhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: true) },
        Encoding(.a64, "SCVTF (scalar SIMD, fixed-point, single)", "01011111001hhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: true) },
        Encoding(.a64, "FCVTZS (scalar SIMD, fixed-point, double)", "0101111101hhhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: true) },
        Encoding(.a64, "FCVTZS (scalar SIMD, fixed-point, single)", "01011111001hhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: true) },
        Encoding(.a64, "UCVTF (scalar SIMD, fixed-point, double)", "0111111101hhhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: true, unsigned: true) },
        Encoding(.a64, "UCVTF (scalar SIMD, fixed-point, single)", "01111111001hhiii111001nnnnnddddd") { w in fpFixedShift(w, .fromInt, nil, scalar: true, unsigned: true) },
        Encoding(.a64, "FCVTZU (scalar SIMD, fixed-point, double)", "0111111101hhhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: true, unsigned: true) },
        Encoding(.a64, "FCVTZU (scalar SIMD, fixed-point, single)", "01111111001hhiii111111nnnnnddddd") { w in fpFixedShift(w, .toInt, .zero, scalar: true, unsigned: true) },
    ]

    /// Vector shape from Q (bit 30) and sz (bit 22): 2S, 4S or 2D; 1D is reserved.
    static func fpVectorShape(_ w: UInt32) -> UInt8? {
        let q = bit(w, 30), sz = bit(w, 22)
        if sz == 1 && q == 0 { return nil }
        return sz == 1 ? fpShape(3, count: 2) : fpShape(2, count: q == 1 ? 4 : 2)
    }

    static func fpScalarShape(_ w: UInt32) -> UInt8 { fpShape(bit(w, 22) == 1 ? 3 : 2, count: 1) }

    static func fpVec3(_ w: UInt32, _ k: FPBinary, pairwise: Bool = false) -> Inst {
        guard let shape = fpVectorShape(w) else { return .undefined }
        return Inst(.floatingPoint, op: (pairwise ? FPOp.pairwise : FPOp.binary).rawValue, rd: UInt8(bits(w, 4, 0)),
                    rn: UInt8(bits(w, 9, 5)), rm: UInt8(bits(w, 20, 16)), a: k.rawValue, b: shape)
    }

    static func fpScalar3(_ w: UInt32, _ k: FPBinary) -> Inst {
        Inst(.floatingPoint, op: FPOp.binary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
             rm: UInt8(bits(w, 20, 16)), a: k.rawValue, b: fpScalarShape(w))
    }

    /// `rounding` nil: FPCR.RMode (FRINTI, FRINTX, SCVTF, UCVTF) or unused.
    static func fpUnaryImm(_ r: FPRounding?, _ extra: UInt64) -> UInt64 {
        (r.map { UInt64($0.rawValue) } ?? FPRoundCode.fpcr) | extra
    }

    static func fpVec2(_ w: UInt32, _ k: FPUnary, _ r: FPRounding?, extra: UInt64 = 0) -> Inst {
        guard let shape = fpVectorShape(w) else { return .undefined }
        return Inst(.floatingPoint, op: FPOp.unary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: k.rawValue, b: shape, imm: fpUnaryImm(r, extra))
    }

    static func fpScalar2(_ w: UInt32, _ k: FPUnary, _ r: FPRounding?, extra: UInt64 = 0) -> Inst {
        Inst(.floatingPoint, op: FPOp.unary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
             a: k.rawValue, b: fpScalarShape(w), imm: fpUnaryImm(r, extra))
    }

    /// FCVTL{2}: 4H -> 4S (sz = 0) or 2S -> 2D (sz = 1), from the half of Vn that Q selects.
    static func fpWiden(_ w: UInt32) -> Inst {
        let sz = UInt8(bit(w, 22))
        return Inst(.floatingPoint, op: FPOp.fcvtl.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: 1 + sz, b: 2 + sz, imm: UInt64(bit(w, 30)) << 8)
    }

    /// FCVTN{2}: 4S -> 4H or 2D -> 2S; FCVTXN{2} (sz = 1 only) rounds to odd.
    static func fpNarrow(_ w: UInt32, rounding: UInt64) -> Inst {
        let sz = UInt8(bit(w, 22))
        return Inst(.floatingPoint, op: FPOp.fcvtn.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: 2 + sz, b: 1 + sz, imm: rounding | UInt64(bit(w, 30)) << 8)
    }

    static func fpAcross(_ w: UInt32, _ k: FPBinary) -> Inst {
        if bit(w, 30) == 0 || bit(w, 22) == 1 { return .undefined }
        return Inst(.floatingPoint, op: FPOp.reduce.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: k.rawValue, b: fpShape(2, count: 4))
    }

    static func fpScalarPair(_ w: UInt32, _ k: FPBinary) -> Inst {
        Inst(.floatingPoint, op: FPOp.reduce.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
             a: k.rawValue, b: fpShape(bit(w, 22) == 1 ? 3 : 2, count: 2))
    }

    /// By element: index H:L for single, H for double (L = 1 is unallocated); Rm is M:Rm.
    static func fpByElement(_ w: UInt32, _ k: FPBinary, scalar: Bool) -> Inst {
        let sz = bit(w, 22), l = bit(w, 21), h = bit(w, 11)
        if sz == 1 && l == 1 { return .undefined }
        let index = sz == 1 ? h : h << 1 | l
        let shape: UInt8
        if scalar { shape = fpScalarShape(w) } else {
            guard let s = fpVectorShape(w) else { return .undefined }
            shape = s
        }
        return Inst(.floatingPoint, op: FPOp.byElement.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    rm: UInt8(bits(w, 20, 16)), a: k.rawValue, b: shape, imm: UInt64(index) << 16)
    }

    /// Fixed-point conversions by immediate: fbits = 2 * esize - immh:immb.
    static func fpFixedShift(_ w: UInt32, _ k: FPUnary, _ r: FPRounding?, scalar: Bool, unsigned: Bool = false) -> Inst {
        let immhb = bits(w, 22, 16)
        let double = bit(w, 22) == 1
        let fbits = (double ? 128 : 64) - immhb
        let shape: UInt8
        if scalar { shape = fpShape(double ? 3 : 2, count: 1) } else {
            if double && bit(w, 30) == 0 { return .undefined }
            shape = fpShape(double ? 3 : 2, count: double ? 2 : (bit(w, 30) == 1 ? 4 : 2))
        }
        return Inst(.floatingPoint, op: FPOp.unary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: k.rawValue, b: shape, imm: fpUnaryImm(r, UInt64(fbits) << 8 | (unsigned ? 1 << 16 : 0)))
    }
}
