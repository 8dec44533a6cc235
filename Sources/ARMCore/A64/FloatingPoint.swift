/// Scalar floating point (ARM DDI 0487, C4.1 "Data Processing -- Scalar Floating-Point and
/// Advanced SIMD", the floating-point classes) and the executor shared with the FP forms of
/// Advanced SIMD (AdvancedSIMDFloat.swift). ARMv8.0 without FEAT_FP16: ftype = 11 (half
/// precision) exists only as a source or destination of FCVT; elsewhere it is UNDEFINED.
/// The arithmetic is FloatingPointArithmetic.swift; it never uses the host's floating point.
///
/// Inst use (group `.floatingPoint`): `op` = FPOp; `rd`, `rn`, `rm`, `ra` are SIMD&FP register
/// numbers except where a general-purpose register slot is named below.
/// - Element-wise ops (`binary`, `unary`, `byElement`, `pairwise`, `reduce`): `b` = shape, bits
///   1..0 the element's size log2 (2 single, 3 double), bits 4..2 the number of elements (1 for
///   scalars: the rest of Vd is cleared; a 64-bit vector clears the upper half); `a` = FPBinary
///   or FPUnary. `imm`: rounding code in bits 2..0 (FPRounding, 7 = FPCR.RMode), bit 3 = FRINTX
///   (raise Inexact), bits 15..8 = fraction bits, bit 16 = unsigned; for `byElement` the index in
///   bits 23..16.
/// - `fmadd`: `ra` = addend, imm bit 0 negates the addend and bit 1 the first operand.
/// - `fcvt`, `fcvtl`, `fcvtn`: `a` = source size log2, `b` = destination size log2; imm bits 2..0
///   rounding code; bit 8 = the upper half (FCVTL2, FCVTN2).
/// - `fcmp`: imm bit 0 = compare with zero, bit 1 = FCMPE. `fccmp`: `a` = cond, imm bits 3..0 =
///   nzcv, bit 4 = FCCMPE. `fcsel`: `a` = cond. `fmovImm`: `imm` = the value.
/// - `toGPR` (FMOV to general: `rd` a GPR slot), `fromGPR` (`rn` a GPR slot): imm 0 = 32-bit,
///   1 = 64-bit, 2 = the top half (V.D[1]).
/// - `cvtToGPR` (`rd` GPR slot), `cvtFromGPR` (`rn` GPR slot): `b` = FP size log2; imm as for
///   element-wise ops plus bit 17 = 64-bit general register.
enum FPOp: UInt8 {
    case binary, unary, byElement, pairwise, reduce
    case fmadd, fcvt, fcvtl, fcvtn
    case fcmp, fccmp, fcsel, fmovImm
    case toGPR, fromGPR, cvtToGPR, cvtFromGPR
}

/// Two-operand element operations (the third operand of `mla`/`mls` is the accumulator Vd).
enum FPBinary: UInt8 {
    case add, sub, mul, div, max, min, maxnm, minnm, nmul, mulx, abd, recps, rsqrts
    case cmeq, cmge, cmgt, acge, acgt, mla, mls
}

/// One-operand element operations.
enum FPUnary: UInt8 {
    case mov, abs, neg, sqrt, rint, recpe, rsqrte, recpx
    case cmgtz, cmeqz, cmltz, cmgez, cmlez
    case toInt, fromInt, urecpe, ursqrte
}

/// Rounding codes kept in `Inst.imm` bits 2..0.
enum FPRoundCode {
    static let fpcr: UInt64 = 7
    static let fcvtxn: UInt64 = UInt64(FPRounding.odd.rawValue)
}

extension A64Decoder {
    static let floatingPoint: [Encoding] = scalarFloatingPoint + advancedSIMDFloat

    // Not matched, so UNDEFINED (later extensions this ARMv8.0 core does not implement):
    //   FJCVTZS          "0001111001111110000000nnnnnddddd"  FEAT_JSCVT (v8.3)
    //   FRINT32Z/64X...  "00011110tt10100xx10000nnnnnddddd"  FEAT_FRINTTS (v8.5)
    //   BFCVT            "0001111001100011010000nnnnnddddd"  FEAT_BF16
    //   ftype = 11 forms (FADD Hd, FMOV Wd, Hn, ...)               FEAT_FP16
    static let scalarFloatingPoint: [Encoding] = [
        // Floating-point data-processing (1 source): M 0 S 11110 ftype 1 opcode 10000 Rn Rd.
        Encoding(.a64, "FMOV (register)", "00011110tt100000010000nnnnnddddd") { w in fpUnaryScalar(w, .mov) },
        Encoding(.a64, "FABS (scalar)", "00011110tt100000110000nnnnnddddd") { w in fpUnaryScalar(w, .abs) },
        Encoding(.a64, "FNEG (scalar)", "00011110tt100001010000nnnnnddddd") { w in fpUnaryScalar(w, .neg) },
        Encoding(.a64, "FSQRT (scalar)", "00011110tt100001110000nnnnnddddd") { w in fpUnaryScalar(w, .sqrt) },
        Encoding(.a64, "FCVT", "00011110tt10001oo10000nnnnnddddd") { w in fpConvertPrecision(w) },
        Encoding(.a64, "FRINTN (scalar)", "00011110tt100100010000nnnnnddddd") { w in fpRoundScalar(w, .tieEven) },
        Encoding(.a64, "FRINTP (scalar)", "00011110tt100100110000nnnnnddddd") { w in fpRoundScalar(w, .posInf) },
        Encoding(.a64, "FRINTM (scalar)", "00011110tt100101010000nnnnnddddd") { w in fpRoundScalar(w, .negInf) },
        Encoding(.a64, "FRINTZ (scalar)", "00011110tt100101110000nnnnnddddd") { w in fpRoundScalar(w, .zero) },
        Encoding(.a64, "FRINTA (scalar)", "00011110tt100110010000nnnnnddddd") { w in fpRoundScalar(w, .tieAway) },
        Encoding(.a64, "FRINTX (scalar)", "00011110tt100111010000nnnnnddddd") { w in fpRoundScalar(w, nil, exact: true) },
        Encoding(.a64, "FRINTI (scalar)", "00011110tt100111110000nnnnnddddd") { w in fpRoundScalar(w, nil) },

        // Floating-point compare: M 0 S 11110 ftype 1 Rm op=00 1000 Rn opcode2 (E, zero, 000).
        Encoding(.a64, "FCMP/FCMPE", "00011110tt1mmmmm001000nnnnnez000") { w in
            guard let s = fpType(w) else { return .undefined }
            return Inst(.floatingPoint, op: FPOp.fcmp.rawValue, rn: UInt8(bits(w, 9, 5)), rm: UInt8(bits(w, 20, 16)),
                        b: s, imm: UInt64(bit(w, 3) | bit(w, 4) << 1))
        },

        // Floating-point immediate: M 0 S 11110 ftype 1 imm8 100 imm5=00000 Rd.
        Encoding(.a64, "FMOV (scalar, immediate)", "00011110tt1iiiiiiii10000000ddddd") { w in
            guard let s = fpType(w) else { return .undefined }
            return Inst(.floatingPoint, op: FPOp.fmovImm.rawValue, rd: UInt8(bits(w, 4, 0)), b: s,
                        imm: vfpExpandImm(bits(w, 20, 13), FPFormat.size(s)))
        },

        // Floating-point conditional compare: M 0 S 11110 ftype 1 Rm cond 01 Rn op nzcv.
        Encoding(.a64, "FCCMP/FCCMPE", "00011110tt1mmmmmcccc01nnnnnoffff") { w in
            guard let s = fpType(w) else { return .undefined }
            return Inst(.floatingPoint, op: FPOp.fccmp.rawValue, rn: UInt8(bits(w, 9, 5)), rm: UInt8(bits(w, 20, 16)),
                        a: UInt8(bits(w, 15, 12)), b: s, imm: UInt64(bits(w, 4, 0)))
        },

        // Floating-point data-processing (2 source): M 0 S 11110 ftype 1 Rm opcode 10 Rn Rd.
        Encoding(.a64, "FMUL (scalar)", "00011110tt1mmmmm000010nnnnnddddd") { w in fpBinaryScalar(w, .mul) },
        Encoding(.a64, "FDIV (scalar)", "00011110tt1mmmmm000110nnnnnddddd") { w in fpBinaryScalar(w, .div) },
        Encoding(.a64, "FADD (scalar)", "00011110tt1mmmmm001010nnnnnddddd") { w in fpBinaryScalar(w, .add) },
        Encoding(.a64, "FSUB (scalar)", "00011110tt1mmmmm001110nnnnnddddd") { w in fpBinaryScalar(w, .sub) },
        Encoding(.a64, "FMAX (scalar)", "00011110tt1mmmmm010010nnnnnddddd") { w in fpBinaryScalar(w, .max) },
        Encoding(.a64, "FMIN (scalar)", "00011110tt1mmmmm010110nnnnnddddd") { w in fpBinaryScalar(w, .min) },
        Encoding(.a64, "FMAXNM (scalar)", "00011110tt1mmmmm011010nnnnnddddd") { w in fpBinaryScalar(w, .maxnm) },
        Encoding(.a64, "FMINNM (scalar)", "00011110tt1mmmmm011110nnnnnddddd") { w in fpBinaryScalar(w, .minnm) },
        Encoding(.a64, "FNMUL (scalar)", "00011110tt1mmmmm100010nnnnnddddd") { w in fpBinaryScalar(w, .nmul) },

        // Floating-point conditional select: M 0 S 11110 ftype 1 Rm cond 11 Rn Rd.
        Encoding(.a64, "FCSEL", "00011110tt1mmmmmcccc11nnnnnddddd") { w in
            guard let s = fpType(w) else { return .undefined }
            return Inst(.floatingPoint, op: FPOp.fcsel.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                        rm: UInt8(bits(w, 20, 16)), a: UInt8(bits(w, 15, 12)), b: s)
        },

        // Floating-point data-processing (3 source): M 0 S 11111 ftype o1 Rm o0 Ra Rn Rd.
        Encoding(.a64, "FMADD", "00011111tt0mmmmm0aaaaannnnnddddd") { w in fpMulAdd(w, negateAddend: false, negateProduct: false) },
        Encoding(.a64, "FMSUB", "00011111tt0mmmmm1aaaaannnnnddddd") { w in fpMulAdd(w, negateAddend: false, negateProduct: true) },
        Encoding(.a64, "FNMADD", "00011111tt1mmmmm0aaaaannnnnddddd") { w in fpMulAdd(w, negateAddend: true, negateProduct: true) },
        Encoding(.a64, "FNMSUB", "00011111tt1mmmmm1aaaaannnnnddddd") { w in fpMulAdd(w, negateAddend: true, negateProduct: false) },

        // Conversion between floating-point and fixed-point: sf 0 S 11110 ftype 0 rmode opcode scale Rn Rd.
        Encoding(.a64, "SCVTF (scalar, fixed-point)", "s0011110tt000010ssssssnnnnnddddd") { w in fpFromGeneral(w, unsigned: false, fixed: true) },
        Encoding(.a64, "UCVTF (scalar, fixed-point)", "s0011110tt000011ssssssnnnnnddddd") { w in fpFromGeneral(w, unsigned: true, fixed: true) },
        Encoding(.a64, "FCVTZS (scalar, fixed-point)", "s0011110tt011000ssssssnnnnnddddd") { w in fpToGeneral(w, .zero, unsigned: false, fixed: true) },
        Encoding(.a64, "FCVTZU (scalar, fixed-point)", "s0011110tt011001ssssssnnnnnddddd") { w in fpToGeneral(w, .zero, unsigned: true, fixed: true) },

        // Conversion between floating-point and integer: sf 0 S 11110 ftype 1 rmode opcode 000000 Rn Rd.
        Encoding(.a64, "FCVTNS (scalar)", "s0011110tt100000000000nnnnnddddd") { w in fpToGeneral(w, .tieEven, unsigned: false) },
        Encoding(.a64, "FCVTNU (scalar)", "s0011110tt100001000000nnnnnddddd") { w in fpToGeneral(w, .tieEven, unsigned: true) },
        Encoding(.a64, "SCVTF (scalar, integer)", "s0011110tt100010000000nnnnnddddd") { w in fpFromGeneral(w, unsigned: false) },
        Encoding(.a64, "UCVTF (scalar, integer)", "s0011110tt100011000000nnnnnddddd") { w in fpFromGeneral(w, unsigned: true) },
        Encoding(.a64, "FCVTAS (scalar)", "s0011110tt100100000000nnnnnddddd") { w in fpToGeneral(w, .tieAway, unsigned: false) },
        Encoding(.a64, "FCVTAU (scalar)", "s0011110tt100101000000nnnnnddddd") { w in fpToGeneral(w, .tieAway, unsigned: true) },
        Encoding(.a64, "FMOV (general, to general)", "s0011110tt1rr110000000nnnnnddddd") { w in fmovGeneral(w, toGeneral: true) },
        Encoding(.a64, "FMOV (general, from general)", "s0011110tt1rr111000000nnnnnddddd") { w in fmovGeneral(w, toGeneral: false) },
        Encoding(.a64, "FCVTPS (scalar)", "s0011110tt101000000000nnnnnddddd") { w in fpToGeneral(w, .posInf, unsigned: false) },
        Encoding(.a64, "FCVTPU (scalar)", "s0011110tt101001000000nnnnnddddd") { w in fpToGeneral(w, .posInf, unsigned: true) },
        Encoding(.a64, "FCVTMS (scalar)", "s0011110tt110000000000nnnnnddddd") { w in fpToGeneral(w, .negInf, unsigned: false) },
        Encoding(.a64, "FCVTMU (scalar)", "s0011110tt110001000000nnnnnddddd") { w in fpToGeneral(w, .negInf, unsigned: true) },
        Encoding(.a64, "FCVTZS (scalar, integer)", "s0011110tt111000000000nnnnnddddd") { w in fpToGeneral(w, .zero, unsigned: false) },
        Encoding(.a64, "FCVTZU (scalar, integer)", "s0011110tt111001000000nnnnnddddd") { w in fpToGeneral(w, .zero, unsigned: true) },
    ]

    /// ftype 00 single, 01 double, as an element size log2; 10 is unallocated and 11 (half)
    /// needs FEAT_FP16.
    static func fpType(_ w: UInt32) -> UInt8? {
        switch bits(w, 23, 22) {
        case 0b00: return 2
        case 0b01: return 3
        default: return nil
        }
    }

    /// Element-wise shape byte for `Inst.b`.
    static func fpShape(_ sizeLog2: UInt8, count: Int) -> UInt8 { sizeLog2 | UInt8(count) << 2 }

    static func fpUnaryScalar(_ w: UInt32, _ k: FPUnary, imm: UInt64 = 0) -> Inst {
        guard let s = fpType(w) else { return .undefined }
        return Inst(.floatingPoint, op: FPOp.unary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: k.rawValue, b: fpShape(s, count: 1), imm: imm)
    }

    static func fpRoundScalar(_ w: UInt32, _ r: FPRounding?, exact: Bool = false) -> Inst {
        fpUnaryScalar(w, .rint, imm: (r.map { UInt64($0.rawValue) } ?? FPRoundCode.fpcr) | (exact ? 8 : 0))
    }

    static func fpBinaryScalar(_ w: UInt32, _ k: FPBinary) -> Inst {
        guard let s = fpType(w) else { return .undefined }
        return Inst(.floatingPoint, op: FPOp.binary.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    rm: UInt8(bits(w, 20, 16)), a: k.rawValue, b: fpShape(s, count: 1))
    }

    /// FCVT: ftype is the source, opc the destination (00 single, 01 double, 11 half).
    static func fpConvertPrecision(_ w: UInt32) -> Inst {
        func size(_ t: UInt32) -> UInt8? { t == 0 ? 2 : t == 1 ? 3 : t == 3 ? 1 : nil }
        guard let from = size(bits(w, 23, 22)), let to = size(bits(w, 16, 15)), from != to else { return .undefined }
        return Inst(.floatingPoint, op: FPOp.fcvt.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    a: from, b: to, imm: FPRoundCode.fpcr)
    }

    static func fpMulAdd(_ w: UInt32, negateAddend: Bool, negateProduct: Bool) -> Inst {
        guard let s = fpType(w) else { return .undefined }
        return Inst(.floatingPoint, op: FPOp.fmadd.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
                    rm: UInt8(bits(w, 20, 16)), ra: UInt8(bits(w, 14, 10)), b: s,
                    imm: (negateAddend ? 1 : 0) | (negateProduct ? 2 : 0))
    }

    /// FCVT[NPMZA][SU] to a W or X register, and FCVTZS/FCVTZU (fixed-point) with
    /// fbits = 64 - scale (a 32-bit register needs scale >= 32).
    static func fpToGeneral(_ w: UInt32, _ r: FPRounding, unsigned: Bool, fixed: Bool = false) -> Inst {
        guard let s = fpType(w) else { return .undefined }
        let sf = bit(w, 31)
        var fbits: UInt32 = 0
        if fixed {
            let scale = bits(w, 15, 10)
            if sf == 0 && scale < 32 { return .undefined }
            fbits = 64 - scale
        }
        return Inst(.floatingPoint, op: FPOp.cvtToGPR.rawValue, rd: Reg.dst(w), rn: UInt8(bits(w, 9, 5)), b: s,
                    imm: UInt64(r.rawValue) | UInt64(fbits) << 8 | (unsigned ? 1 << 16 : 0) | UInt64(sf) << 17)
    }

    static func fpFromGeneral(_ w: UInt32, unsigned: Bool, fixed: Bool = false) -> Inst {
        guard let s = fpType(w) else { return .undefined }
        let sf = bit(w, 31)
        var fbits: UInt32 = 0
        if fixed {
            let scale = bits(w, 15, 10)
            if sf == 0 && scale < 32 { return .undefined }
            fbits = 64 - scale
        }
        return Inst(.floatingPoint, op: FPOp.cvtFromGPR.rawValue, rd: UInt8(bits(w, 4, 0)), rn: Reg.src(w >> 5), b: s,
                    imm: FPRoundCode.fpcr | UInt64(fbits) << 8 | (unsigned ? 1 << 16 : 0) | UInt64(sf) << 17)
    }

    /// FMOV (general): sf:ftype:rmode = 0:00:00 (W <-> S), 1:01:00 (X <-> D), 1:10:01
    /// (X <-> V.D[1]); the half-precision forms need FEAT_FP16.
    static func fmovGeneral(_ w: UInt32, toGeneral: Bool) -> Inst {
        let form: UInt64
        switch (bit(w, 31), bits(w, 23, 22), bits(w, 20, 19)) {
        case (0, 0b00, 0b00): form = 0
        case (1, 0b01, 0b00): form = 1
        case (1, 0b10, 0b01): form = 2
        default: return .undefined
        }
        if toGeneral {
            return Inst(.floatingPoint, op: FPOp.toGPR.rawValue, rd: Reg.dst(w), rn: UInt8(bits(w, 9, 5)), imm: form)
        }
        return Inst(.floatingPoint, op: FPOp.fromGPR.rawValue, rd: UInt8(bits(w, 4, 0)), rn: Reg.src(w >> 5), imm: form)
    }

    /// VFPExpandImm: sign, NOT(b6) : Replicate(b6, E-3) : b5..b4 as the exponent, b3..b0 as the
    /// top of the fraction.
    static func vfpExpandImm(_ imm8: UInt32, _ f: FPFormat) -> UInt64 {
        let i = UInt64(imm8)
        let b6 = (i >> 6) & 1
        let rep = b6 != 0 ? (UInt64(1) << UInt64(f.ebits - 3)) - 1 : 0
        let exp = (b6 ^ 1) << UInt64(f.ebits - 1) | rep << 2 | (i >> 4) & 3
        return (i >> 7) << UInt64(f.width - 1) | exp << UInt64(f.fbits) | (i & 0xF) << UInt64(f.fbits - 4)
    }
}

// MARK: - Execution

extension FPEnv {
    /// The two-operand element operations of scalar FP and Advanced SIMD.
    @inline(__always)
    mutating func binary(_ k: FPBinary, _ acc: UInt64, _ n: UInt64, _ m: UInt64, _ f: FPFormat) -> UInt64 {
        let magnitude = f.signBit &- 1
        switch k {
        case .add: return add(n, m, f)
        case .sub: return sub(n, m, f)
        case .mul: return mul(n, m, f)
        case .div: return div(n, m, f)
        case .max: return maxMin(n, m, f, max: true)
        case .min: return maxMin(n, m, f, max: false)
        case .maxnm: return maxMinNum(n, m, f, max: true)
        case .minnm: return maxMinNum(n, m, f, max: false)
        case .nmul: return mul(n, m, f) ^ f.signBit               // FPNeg(FPMul): a NaN's sign flips too
        case .mulx: return mul(n, m, f, mulx: true)
        case .abd: return sub(n, m, f) & magnitude                // FPAbs(FPSub)
        case .recps: return recipStep(n, m, f, sqrt: false)
        case .rsqrts: return recipStep(n, m, f, sqrt: true)
        case .cmeq: return compareVector(n, m, f, kind: 0) ? f.mask : 0
        case .cmge: return compareVector(n, m, f, kind: 1) ? f.mask : 0
        case .cmgt: return compareVector(n, m, f, kind: 2) ? f.mask : 0
        case .acge: return compareVector(n & magnitude, m & magnitude, f, kind: 1) ? f.mask : 0
        case .acgt: return compareVector(n & magnitude, m & magnitude, f, kind: 2) ? f.mask : 0
        case .mla: return mulAdd(acc, n, m, f)
        case .mls: return mulAdd(acc, n ^ f.signBit, m, f)        // FPNeg(element1) first
        }
    }

    /// The one-operand element operations; `imm` as documented on FPOp.
    @inline(__always)
    mutating func unary(_ k: FPUnary, _ n: UInt64, _ f: FPFormat, _ imm: UInt64) -> UInt64 {
        let rounding = FPRounding(rawValue: UInt8(imm & 7)) ?? rmode
        let fbits = Int((imm >> 8) & 0xFF), unsigned = imm & (1 << 16) != 0
        switch k {
        case .mov: return n
        case .abs: return n & (f.signBit &- 1)
        case .neg: return n ^ f.signBit
        case .sqrt: return sqrt(n, f)
        case .rint: return roundInt(n, f, rounding, exact: imm & 8 != 0)
        case .recpe: return recipEstimate(n, f)
        case .rsqrte: return rsqrtEstimate(n, f)
        case .recpx: return recpX(n, f)
        case .cmgtz: return compareVector(n, 0, f, kind: 2) ? f.mask : 0
        case .cmeqz: return compareVector(n, 0, f, kind: 0) ? f.mask : 0
        case .cmltz: return compareVector(0, n, f, kind: 2) ? f.mask : 0   // FPCompareGT(zero, element)
        case .cmgez: return compareVector(n, 0, f, kind: 1) ? f.mask : 0
        case .cmlez: return compareVector(0, n, f, kind: 1) ? f.mask : 0   // FPCompareGE(zero, element)
        case .toInt: return toFixed(n, f, fbits: fbits, unsigned: unsigned, width: f.width, rounding)
        case .fromInt: return fromFixed(n, width: f.width, unsigned: unsigned, fbits: fbits, f, rounding)
        case .urecpe:
            // UnsignedRecipEstimate: 0x7FFFFFFF and below give all ones.
            if n & 0x8000_0000 == 0 { return 0xFFFF_FFFF }
            return UInt64(recipEstimateTable(Int((n >> 23) & 0x1FF))) << 23 & 0xFFFF_FFFF
        case .ursqrte:
            if n & 0xC000_0000 == 0 { return 0xFFFF_FFFF }
            return UInt64(rsqrtEstimateTable(Int((n >> 23) & 0x1FF))) << 23 & 0xFFFF_FFFF
        }
    }
}

extension CPU {
    /// Element `i` of Vr, `bytes` (4 or 8) wide.
    @inline(__always)
    func fpLane(_ r: UInt8, _ i: Int, _ bytes: Int) -> UInt64 {
        bytes == 8 ? vreg(r).load(fromByteOffset: (i & 1) &* 8, as: UInt64.self)
                   : UInt64(vreg(r).load(fromByteOffset: (i & 3) &* 4, as: UInt32.self))
    }

    @inline(__always)
    func fpFinish(_ env: FPEnv) {
        if env.flags != 0 { fpsr |= UInt64(env.flags) }
    }

    /// Not inlined into the interpreter's dispatch: the soft-float work dwarfs a call, and the
    /// integer paths keep their code small.
    @inline(never)
    func executeFloatingPoint(_ i: Inst) throws(ArchException) {
        try checkFPEnabled()
        var env = FPEnv(fpcr: fpcr)
        let sizeLog2 = i.b & 3
        let f = FPFormat.size(sizeLog2)
        let bytes = 1 << Int(sizeLog2)
        let count = Int((i.b >> 2) & 7)
        switch i.opcode(as: FPOp.self) {
        case .binary:
            let k = FPBinary(rawValue: i.a) ?? .add
            var r = FPLanes()
            for e in 0..<count {
                r.put(e, bytes, env.binary(k, fpLane(i.rd, e, bytes), fpLane(i.rn, e, bytes), fpLane(i.rm, e, bytes), f))
            }
            setV(i.rd, low: r.low, high: r.high)
        case .unary:
            let k = FPUnary(rawValue: i.a) ?? .mov
            var r = FPLanes()
            for e in 0..<count { r.put(e, bytes, env.unary(k, fpLane(i.rn, e, bytes), f, i.imm)) }
            setV(i.rd, low: r.low, high: r.high)
        case .byElement:
            let k = FPBinary(rawValue: i.a) ?? .mul
            let m = fpLane(i.rm, Int((i.imm >> 16) & 3), bytes)
            var r = FPLanes()
            for e in 0..<count { r.put(e, bytes, env.binary(k, fpLane(i.rd, e, bytes), fpLane(i.rn, e, bytes), m, f)) }
            setV(i.rd, low: r.low, high: r.high)
        case .pairwise:
            // Pairs from the concatenation Vm:Vn, lowest pair first.
            let k = FPBinary(rawValue: i.a) ?? .add
            let half = count >> 1
            var r = FPLanes()
            for e in 0..<count {
                let src = e < half ? i.rn : i.rm, p = (e < half ? e : e &- half) &* 2
                r.put(e, bytes, env.binary(k, 0, fpLane(src, p, bytes), fpLane(src, p &+ 1, bytes), f))
            }
            setV(i.rd, low: r.low, high: r.high)
        case .reduce:
            // Reduce: the halves reduced recursively, then combined (FMAXV etc. on 4 lanes,
            // the scalar pairwise forms on 2).
            let k = FPBinary(rawValue: i.a) ?? .add
            var result = env.binary(k, 0, fpLane(i.rn, 0, bytes), fpLane(i.rn, 1, bytes), f)
            if count == 4 {
                let upper = env.binary(k, 0, fpLane(i.rn, 2, bytes), fpLane(i.rn, 3, bytes), f)
                result = env.binary(k, 0, result, upper, f)
            }
            setVScalar(i.rd, result, sizeLog2: sizeLog2)
        case .fmadd:
            var addend = vScalar(i.ra, sizeLog2: sizeLog2), op1 = vScalar(i.rn, sizeLog2: sizeLog2)
            if i.imm & 1 != 0 { addend ^= f.signBit }
            if i.imm & 2 != 0 { op1 ^= f.signBit }
            setVScalar(i.rd, env.mulAdd(addend, op1, vScalar(i.rm, sizeLog2: sizeLog2), f), sizeLog2: sizeLog2)
        case .fcvt:
            let rounding = FPRounding(rawValue: UInt8(i.imm & 7)) ?? env.rmode
            let r = env.convert(vScalar(i.rn, sizeLog2: i.a), from: FPFormat.size(i.a), to: FPFormat.size(i.b), rounding)
            setVScalar(i.rd, r, sizeLog2: i.b)
        case .fcvtl:
            // Widen the elements of the lower or upper 64 bits of Vn.
            let src = i.imm & (1 << 8) != 0 ? vHigh(i.rn) : vLow(i.rn)
            let fromBits = 8 << Int(i.a), toBytes = 1 << Int(i.b)
            let from = FPFormat.size(i.a), to = FPFormat.size(i.b)
            var r = FPLanes()
            for e in 0..<(16 / toBytes) {
                let x = (src >> UInt64(e &* fromBits)) & from.mask
                r.put(e, toBytes, env.convert(x, from: from, to: to, env.rmode))
            }
            setV(i.rd, low: r.low, high: r.high)
        case .fcvtn:
            // Narrow into the lower half (clearing the upper) or the upper half (keeping the lower).
            let rounding = FPRounding(rawValue: UInt8(i.imm & 7)) ?? env.rmode
            let fromBytes = 1 << Int(i.a), toBits = 8 << Int(i.b)
            let from = FPFormat.size(i.a), to = FPFormat.size(i.b)
            var packed: UInt64 = 0
            for e in 0..<(16 / fromBytes) {
                packed |= env.convert(fpLane(i.rn, e, fromBytes), from: from, to: to, rounding) << UInt64(e &* toBits)
            }
            if i.imm & (1 << 8) != 0 { setV(i.rd, low: vLow(i.rd), high: packed) } else { setV(i.rd, low: packed, high: 0) }
        case .fcmp:
            let n = vScalar(i.rn, sizeLog2: sizeLog2)
            let m = i.imm & 1 != 0 ? 0 : vScalar(i.rm, sizeLog2: sizeLog2)
            nzcv = env.compare(n, m, f, signalNaNs: i.imm & 2 != 0) << 28
        case .fccmp:
            if conditionHolds(i.a) {
                nzcv = env.compare(vScalar(i.rn, sizeLog2: sizeLog2), vScalar(i.rm, sizeLog2: sizeLog2), f,
                                   signalNaNs: i.imm & 0x10 != 0) << 28
            } else {
                nzcv = UInt32(i.imm & 0xF) << 28
            }
        case .fcsel:
            let v = conditionHolds(i.a) ? vScalar(i.rn, sizeLog2: sizeLog2) : vScalar(i.rm, sizeLog2: sizeLog2)
            setVScalar(i.rd, v, sizeLog2: sizeLog2)
        case .fmovImm:
            setVScalar(i.rd, i.imm, sizeLog2: sizeLog2)
        case .toGPR:
            switch i.imm {
            case 0: x[Int(i.rd)] = vLow(i.rn) & 0xFFFF_FFFF
            case 1: x[Int(i.rd)] = vLow(i.rn)
            default: x[Int(i.rd)] = vHigh(i.rn)
            }
        case .fromGPR:
            let v = x[Int(i.rn)]
            switch i.imm {
            case 0: setV(i.rd, low: v & 0xFFFF_FFFF, high: 0)
            case 1: setV(i.rd, low: v, high: 0)
            default: setV(i.rd, low: vLow(i.rd), high: v)   // Vd.D[1]: the lower half is kept
            }
        case .cvtToGPR:
            let rounding = FPRounding(rawValue: UInt8(i.imm & 7)) ?? env.rmode
            let is64 = i.imm & (1 << 17) != 0
            x[Int(i.rd)] = env.toFixed(vScalar(i.rn, sizeLog2: sizeLog2), f, fbits: Int((i.imm >> 8) & 0xFF),
                                       unsigned: i.imm & (1 << 16) != 0, width: is64 ? 64 : 32, rounding)
        case .cvtFromGPR:
            let is64 = i.imm & (1 << 17) != 0
            let r = env.fromFixed(x[Int(i.rn)], width: is64 ? 64 : 32, unsigned: i.imm & (1 << 16) != 0,
                                  fbits: Int((i.imm >> 8) & 0xFF), f, env.rmode)
            setVScalar(i.rd, r, sizeLog2: sizeLog2)
        }
        fpFinish(env)
    }
}

/// A 128-bit result assembled lane by lane, written to Vd once all sources are read.
struct FPLanes {
    var low: UInt64 = 0
    var high: UInt64 = 0

    @inline(__always)
    mutating func put(_ e: Int, _ bytes: Int, _ value: UInt64) {
        if bytes == 8 {
            if e == 0 { low = value } else { high = value }
        } else {
            let bitsPerLane = bytes &* 8
            let v = value & ((1 << UInt64(bitsPerLane)) &- 1)
            let at = e &* bitsPerLane
            if at < 64 { low |= v << UInt64(at) } else { high |= v << UInt64(at &- 64) }
        }
    }
}
