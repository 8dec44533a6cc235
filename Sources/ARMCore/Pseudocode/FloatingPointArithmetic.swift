/// The floating-point arithmetic of the Arm ARM's shared pseudocode (ARM DDI 0487, J1.3
/// "shared/functions/float"), in software: FPUnpack, FPRound, FPProcessNaN(s), FPAdd, FPMul,
/// FPMulAdd, FPDiv, FPSqrt, FPMax/FPMin(Num), FPCompare, FPRoundInt, FPToFixed, FixedToFP,
/// FPConvert, FPRecipEstimate, FPRSqrtEstimate, FPRecpX and the step functions.
///
/// Nothing here uses the host's floating point: every result is computed exactly on integers
/// and rounded once by `round`, so results and FPSR flags follow FPCR (RMode, FZ, DN, AHP)
/// exactly. Values are bit patterns in a UInt64 (the low 16, 32 or 64 bits).
///
/// Tininess is detected before rounding, as FPRound does (it tests the unrounded exponent);
/// QEMU, and so Unicorn, configure softfloat the same way for Arm (float_tininess_before_rounding).
/// Underflow is signalled only when the tiny result is also inexact (FPRound with UFE = 0).

/// A floating-point format: exponent and fraction widths.
@frozen public struct FPFormat: Equatable {
    public let ebits: Int
    public let fbits: Int

    public static let half = FPFormat(ebits: 5, fbits: 10)
    public static let single = FPFormat(ebits: 8, fbits: 23)
    public static let double = FPFormat(ebits: 11, fbits: 52)

    /// Format of an element of `8 << sizeLog2` bits (1: half, 2: single, 3: double).
    @inline(__always) static func size(_ sizeLog2: UInt8) -> FPFormat {
        sizeLog2 == 3 ? .double : sizeLog2 == 2 ? .single : .half
    }

    @inline(__always) var width: Int { 1 &+ ebits &+ fbits }
    @inline(__always) var isHalf: Bool { ebits == 5 }
    @inline(__always) var bias: Int { (1 << (ebits &- 1)) &- 1 }
    /// The exponent of the smallest normal number (FPRound's minimum_exp).
    @inline(__always) var minExp: Int { 1 &- bias }
    @inline(__always) var expOnes: UInt64 { (1 << UInt64(ebits)) &- 1 }
    @inline(__always) var fracMask: UInt64 { (1 << UInt64(fbits)) &- 1 }
    @inline(__always) var signBit: UInt64 { 1 << UInt64(width &- 1) }
    @inline(__always) var mask: UInt64 { width == 64 ? ~0 : (1 << UInt64(width)) &- 1 }
    @inline(__always) var quietBit: UInt64 { 1 << UInt64(fbits &- 1) }

    @inline(__always) func zero(_ sign: Bool) -> UInt64 { sign ? signBit : 0 }
    @inline(__always) func infinity(_ sign: Bool) -> UInt64 { zero(sign) | expOnes << UInt64(fbits) }
    @inline(__always) func maxNormal(_ sign: Bool) -> UInt64 { zero(sign) | (expOnes &- 1) << UInt64(fbits) | fracMask }
    /// FPDefaultNaN: positive, quiet, zero payload.
    @inline(__always) var defaultNaN: UInt64 { expOnes << UInt64(fbits) | quietBit }
    /// FPTwo, FPOnePointFive.
    @inline(__always) func two(_ sign: Bool) -> UInt64 { zero(sign) | UInt64(bias &+ 1) << UInt64(fbits) }
    @inline(__always) func onePointFive(_ sign: Bool) -> UInt64 {
        zero(sign) | UInt64(bias) << UInt64(fbits) | 1 << UInt64(fbits &- 1)
    }
    @inline(__always) func isNaN(_ x: UInt64) -> Bool {
        (x >> UInt64(fbits)) & expOnes == expOnes && x & fracMask != 0
    }
}

/// FPType.
@frozen public enum FPKind: UInt8 { case zero, nonzero, infinity, qnan, snan }

/// An unpacked operand: for `.nonzero`, value = mant * 2^exp exactly (mant != 0).
@frozen public struct FPValue {
    public var kind: FPKind
    public var sign: Bool
    public var exp: Int
    public var mant: UInt64
    @inline(__always) var isNaN: Bool { kind == .qnan || kind == .snan }
}

/// FPRounding, numbered as FPCR.RMode for the first four.
@frozen public enum FPRounding: UInt8 { case tieEven = 0, posInf, negInf, zero, tieAway, odd }

/// FPSR cumulative exception bits (ARM DDI 0487, C5.2.8 FPSR).
public enum FPSRBit {
    public static let ioc: UInt32 = 1 << 0
    public static let dzc: UInt32 = 1 << 1
    public static let ofc: UInt32 = 1 << 2
    public static let ufc: UInt32 = 1 << 3
    public static let ixc: UInt32 = 1 << 4
    public static let idc: UInt32 = 1 << 7
}

/// The FPCR controls one instruction works under, and the FPSR flags it raises. ARMv8.0
/// implements no trapped floating-point exceptions, so FPProcessException only sets flags.
@frozen public struct FPEnv {
    public var fz: Bool
    public var dn: Bool
    public var ahp: Bool
    public var rmode: FPRounding
    public var flags: UInt32 = 0

    @inline(__always) public init(fpcr: UInt64) {
        ahp = fpcr & (1 << 26) != 0
        dn = fpcr & (1 << 25) != 0
        fz = fpcr & (1 << 24) != 0
        rmode = FPRounding(rawValue: UInt8((fpcr >> 22) & 3)) ?? .tieEven
    }

    // MARK: FPUnpack, FPRound

    /// FPUnpack (FPUnpackCV for FCVT is the same here: FZ16 is 0 without FEAT_FP16, so
    /// half-precision inputs are never flushed). FZ flushes single and double denormals to
    /// zero and raises Input Denormal (IDC). AHP makes exponent 31 of a half a normal number.
    @inline(__always)
    public mutating func unpack(_ x: UInt64, _ f: FPFormat) -> FPValue {
        let sign = (x >> UInt64(f.width &- 1)) & 1 != 0
        let e = (x >> UInt64(f.fbits)) & f.expOnes
        let frac = x & f.fracMask
        if e == 0 {
            if frac == 0 { return FPValue(kind: .zero, sign: sign, exp: 0, mant: 0) }
            if fz && !f.isHalf {
                flags |= FPSRBit.idc
                return FPValue(kind: .zero, sign: sign, exp: 0, mant: 0)
            }
            return FPValue(kind: .nonzero, sign: sign, exp: f.minExp &- f.fbits, mant: frac)
        }
        if e == f.expOnes && !(f.isHalf && ahp) {
            if frac == 0 { return FPValue(kind: .infinity, sign: sign, exp: 0, mant: 0) }
            return FPValue(kind: frac & f.quietBit != 0 ? .qnan : .snan, sign: sign, exp: 0, mant: 0)
        }
        return FPValue(kind: .nonzero, sign: sign, exp: Int(e) &- f.bias &- f.fbits, mant: frac | 1 << UInt64(f.fbits))
    }

    /// FPRoundBase of the nonzero real m * 2^e (m != 0; `m`'s bits below those kept by the
    /// format are examined exactly). Flush-to-zero applies to single and double only (FZ16 = 0).
    public mutating func round(_ sign: Bool, _ e: Int, _ m: UInt128, _ f: FPFormat, _ rounding: FPRounding) -> UInt64 {
        if m == 0 { return f.zero(sign) }
        let top = 127 &- m.leadingZeroBitCount
        let exponent = e &+ top                   // the real is in [2^exponent, 2^(exponent+1))
        if fz && !f.isHalf && exponent < f.minExp {
            flags |= FPSRBit.ufc                  // flushed output: UFC, no Inexact
            return f.zero(sign)
        }
        var biased = Swift.max(exponent &- f.minExp &+ 1, 0)
        let lsbExp = biased > 0 ? exponent &- f.fbits : f.minExp &- f.fbits
        let shift = lsbExp &- e                   // bits of m below the last kept place
        var intMant: UInt64
        var inexact = false, aboveHalf = false, exactHalf = false
        if shift <= 0 {
            intMant = UInt64(truncatingIfNeeded: m << UInt128(-shift))
        } else if shift > 128 {
            intMant = 0
            inexact = true                        // m < 2^128 < half a unit
        } else {
            intMant = shift == 128 ? 0 : UInt64(truncatingIfNeeded: m >> UInt128(shift))
            let rem = shift == 128 ? m : m & ((1 << UInt128(shift)) &- 1)
            let half = (1 as UInt128) << UInt128(shift &- 1)
            inexact = rem != 0
            aboveHalf = rem > half
            exactHalf = rem == half
        }
        // Underflow: tiny before rounding, and inexact.
        if biased == 0 && inexact { flags |= FPSRBit.ufc }
        let roundUp: Bool, overflowToInf: Bool
        switch rounding {
        case .tieEven: roundUp = aboveHalf || (exactHalf && intMant & 1 != 0); overflowToInf = true
        case .tieAway: roundUp = aboveHalf || exactHalf; overflowToInf = true
        case .posInf: roundUp = inexact && !sign; overflowToInf = !sign
        case .negInf: roundUp = inexact && sign; overflowToInf = sign
        case .zero, .odd: roundUp = false; overflowToInf = false
        }
        if roundUp {
            intMant &+= 1
            if intMant == 1 << UInt64(f.fbits) { biased = 1 }          // denormal rounded up to normal
            if intMant == 1 << UInt64(f.fbits &+ 1) {                   // carried into the exponent
                biased &+= 1
                intMant >>= 1
            }
        }
        if inexact && rounding == .odd { intMant |= 1 }
        var result: UInt64
        if !(f.isHalf && ahp) {
            if biased >= Int(f.expOnes) {
                result = overflowToInf ? f.infinity(sign) : f.maxNormal(sign)
                flags |= FPSRBit.ofc
                inexact = true
            } else {
                result = f.zero(sign) | UInt64(biased) << UInt64(f.fbits) | intMant & f.fracMask
            }
        } else {
            // Alternative half precision has no infinity: out of range is Invalid Operation.
            if biased > Int(f.expOnes) {
                result = f.zero(sign) | (f.signBit &- 1)
                flags |= FPSRBit.ioc
                inexact = false
            } else {
                result = f.zero(sign) | UInt64(biased) << UInt64(f.fbits) | intMant & f.fracMask
            }
        }
        if inexact { flags |= FPSRBit.ixc }
        return result
    }

    // MARK: NaNs

    /// FPProcessNaN: quiet a signalling NaN (raising Invalid Operation); the default NaN when
    /// FPCR.DN is set.
    @inline(__always)
    public mutating func processNaN(_ kind: FPKind, _ x: UInt64, _ f: FPFormat) -> UInt64 {
        if kind == .snan { flags |= FPSRBit.ioc }
        return dn ? f.defaultNaN : (x | f.quietBit) & f.mask
    }

    /// FPProcessNaNs: the first signalling NaN in operand order, else the first quiet NaN.
    @inline(__always)
    public mutating func processNaNs(_ va: FPValue, _ vb: FPValue, _ a: UInt64, _ b: UInt64, _ f: FPFormat) -> UInt64? {
        if va.kind == .snan { return processNaN(.snan, a, f) }
        if vb.kind == .snan { return processNaN(.snan, b, f) }
        if va.kind == .qnan { return processNaN(.qnan, a, f) }
        if vb.kind == .qnan { return processNaN(.qnan, b, f) }
        return nil
    }

    /// FPProcessNaNs3.
    @inline(__always)
    public mutating func processNaNs3(_ va: FPValue, _ vb: FPValue, _ vc: FPValue,
                                      _ a: UInt64, _ b: UInt64, _ c: UInt64, _ f: FPFormat) -> UInt64? {
        if va.kind == .snan { return processNaN(.snan, a, f) }
        if vb.kind == .snan { return processNaN(.snan, b, f) }
        if vc.kind == .snan { return processNaN(.snan, c, f) }
        if va.kind == .qnan { return processNaN(.qnan, a, f) }
        if vb.kind == .qnan { return processNaN(.qnan, b, f) }
        if vc.kind == .qnan { return processNaN(.qnan, c, f) }
        return nil
    }

    @inline(__always) mutating func invalid(_ f: FPFormat) -> UInt64 {
        flags |= FPSRBit.ioc
        return f.defaultNaN
    }

    // MARK: Add, multiply, fused multiply-add

    /// FPAdd, and FPSub with `subtract`: the NaN operands are propagated as they are; only a
    /// number's sign is flipped for the subtraction.
    public mutating func add(_ a: UInt64, _ b: UInt64, _ f: FPFormat, subtract: Bool = false) -> UInt64 {
        let va = unpack(a, f)
        var vb = unpack(b, f)
        if let n = processNaNs(va, vb, a, b, f) { return n }
        if subtract { vb.sign.toggle() }
        let infA = va.kind == .infinity, infB = vb.kind == .infinity
        if infA && infB && va.sign != vb.sign { return invalid(f) }
        if infA { return f.infinity(va.sign) }
        if infB { return f.infinity(vb.sign) }
        if va.kind == .zero && vb.kind == .zero && va.sign == vb.sign { return f.zero(va.sign) }
        return sumAndRound(va.sign, va.exp, UInt128(va.mant), vb.sign, vb.exp, UInt128(vb.mant), f)
    }

    public mutating func sub(_ a: UInt64, _ b: UInt64, _ f: FPFormat) -> UInt64 {
        add(a, b, f, subtract: true)
    }

    /// The exact sum of two reals (either may be 0), rounded once; an exact zero sum is +0,
    /// or -0 when rounding towards minus infinity.
    mutating func sumAndRound(_ sa: Bool, _ ea: Int, _ ma: UInt128, _ sb: Bool, _ eb: Int, _ mb: UInt128,
                              _ f: FPFormat) -> UInt64 {
        if ma == 0 { return mb == 0 ? f.zero(rmode == .negInf) : round(sb, eb, mb, f, rmode) }
        if mb == 0 { return round(sa, ea, ma, f, rmode) }
        // Both significands normalised so their top bit is bit 125, then the one with the smaller
        // exponent shifted right with its lost bits jammed into bit 0. At least 70 bits stay
        // below the rounding place, so the jammed bit decides only the sticky outcome.
        let la = ma.leadingZeroBitCount &- 2, lb = mb.leadingZeroBitCount &- 2
        var xa = ma << UInt128(la), xb = mb << UInt128(lb)
        var xe = ea &- la, ye = eb &- lb
        var xs = sa, ys = sb
        if ye > xe {
            swap(&xa, &xb); swap(&xe, &ye); swap(&xs, &ys)
        }
        let y = shiftRightJam(xb, xe &- ye)
        if xs == ys { return round(xs, xe, xa &+ y, f, rmode) }
        if xa == y { return f.zero(rmode == .negInf) }
        return xa > y ? round(xs, xe, xa &- y, f, rmode) : round(ys, xe, y &- xa, f, rmode)
    }

    /// FPMul; `mulx` gives FPMulX (infinity times zero is 2 with the product's sign).
    public mutating func mul(_ a: UInt64, _ b: UInt64, _ f: FPFormat, mulx: Bool = false) -> UInt64 {
        let va = unpack(a, f), vb = unpack(b, f)
        if let n = processNaNs(va, vb, a, b, f) { return n }
        let sign = va.sign != vb.sign
        let infA = va.kind == .infinity, infB = vb.kind == .infinity
        let zeroA = va.kind == .zero, zeroB = vb.kind == .zero
        if (infA && zeroB) || (zeroA && infB) { return mulx ? f.two(sign) : invalid(f) }
        if infA || infB { return f.infinity(sign) }
        if zeroA || zeroB { return f.zero(sign) }
        return round(sign, va.exp &+ vb.exp, UInt128(va.mant) &* UInt128(vb.mant), f, rmode)
    }

    /// FPMulAdd: addend + op1 * op2 with a single rounding. Negated forms negate operands
    /// (FPNeg, which also flips a NaN's sign) before calling, as the pseudocode does.
    public mutating func mulAdd(_ addend: UInt64, _ op1: UInt64, _ op2: UInt64, _ f: FPFormat) -> UInt64 {
        let v1 = unpack(op1, f), v2 = unpack(op2, f), va = unpack(addend, f)
        let inf1 = v1.kind == .infinity, inf2 = v2.kind == .infinity
        let zero1 = v1.kind == .zero, zero2 = v2.kind == .zero
        let nan = processNaNs3(va, v1, v2, addend, op1, op2, f)
        // A quiet NaN addend does not hide the Invalid Operation of infinity times zero.
        if va.kind == .qnan && ((inf1 && zero2) || (zero1 && inf2)) { return invalid(f) }
        if let n = nan { return n }
        let infA = va.kind == .infinity, zeroA = va.kind == .zero
        let infP = inf1 || inf2, zeroP = zero1 || zero2, signP = v1.sign != v2.sign
        if (inf1 && zero2) || (zero1 && inf2) || (infA && infP && va.sign != signP) { return invalid(f) }
        if (infA && !va.sign) || (infP && !signP) { return f.infinity(false) }
        if (infA && va.sign) || (infP && signP) { return f.infinity(true) }
        if zeroA && zeroP && va.sign == signP { return f.zero(va.sign) }
        let mp = zeroP ? 0 : UInt128(v1.mant) &* UInt128(v2.mant)
        return sumAndRound(va.sign, va.exp, UInt128(va.mant), signP, v1.exp &+ v2.exp, mp, f)
    }

    /// FPRecipStepFused (2 - a*b) and FPRSqrtStepFused ((3 - a*b) / 2), fused.
    public mutating func recipStep(_ a: UInt64, _ b: UInt64, _ f: FPFormat, sqrt: Bool) -> UInt64 {
        let na = a ^ f.signBit
        let va = unpack(na, f), vb = unpack(b, f)
        if let n = processNaNs(va, vb, na, b, f) { return n }
        let infA = va.kind == .infinity, infB = vb.kind == .infinity
        let zeroA = va.kind == .zero, zeroB = vb.kind == .zero
        if (infA && zeroB) || (zeroA && infB) { return sqrt ? f.onePointFive(false) : f.two(false) }
        if infA || infB { return f.infinity(va.sign != vb.sign) }
        let mp = zeroA || zeroB ? 0 : UInt128(va.mant) &* UInt128(vb.mant)
        // 2 is 1 * 2^1; (3 + p) / 2 is 3 * 2^-1 + p * 2^-1.
        let adjust = sqrt ? -1 : 0
        return sumAndRound(false, sqrt ? -1 : 1, sqrt ? 3 : 1, va.sign != vb.sign, va.exp &+ vb.exp &+ adjust, mp, f)
    }

    // MARK: Divide, square root

    /// FPDiv.
    public mutating func div(_ a: UInt64, _ b: UInt64, _ f: FPFormat) -> UInt64 {
        let va = unpack(a, f), vb = unpack(b, f)
        if let n = processNaNs(va, vb, a, b, f) { return n }
        let sign = va.sign != vb.sign
        let infA = va.kind == .infinity, infB = vb.kind == .infinity
        let zeroA = va.kind == .zero, zeroB = vb.kind == .zero
        if (infA && infB) || (zeroA && zeroB) { return invalid(f) }
        if infA || zeroB {
            if !infA { flags |= FPSRBit.dzc }
            return f.infinity(sign)
        }
        if zeroA || infB { return f.zero(sign) }
        // Significands normalised to bit 63; a 64-bit quotient of (na * 2^64 or 2^63) / nb has
        // at least 63 significant bits; a nonzero remainder is jammed into bit 0.
        let sa = va.mant.leadingZeroBitCount, sb = vb.mant.leadingZeroBitCount
        let na = va.mant << UInt64(sa), nb = vb.mant << UInt64(sb)
        let high: UInt64, low: UInt64, scale: Int
        if na < nb { high = na; low = 0; scale = 64 } else { high = na >> 1; low = na << 63; scale = 63 }
        let (q, r) = nb.dividingFullWidth((high: high, low: low))
        let e = va.exp &- sa &- (vb.exp &- sb) &- scale
        return round(sign, e, UInt128(q | (r != 0 ? 1 : 0)), f, rmode)
    }

    /// FPSqrt.
    public mutating func sqrt(_ a: UInt64, _ f: FPFormat) -> UInt64 {
        let va = unpack(a, f)
        switch va.kind {
        case .snan, .qnan: return processNaN(va.kind, a, f)
        case .zero: return f.zero(va.sign)
        case .infinity where !va.sign: return f.infinity(false)
        default: break
        }
        if va.sign { return invalid(f) }
        // value = m * 2^e with e even and m shifted to bit 124 or 125: the integer square root
        // then has 63 bits, the remainder gives the sticky bit.
        var s = va.mant.leadingZeroBitCount &+ 64 &- 3   // top bit to 124
        var e = va.exp &- s
        if e & 1 != 0 { s &+= 1; e &-= 1 }
        let m = UInt128(va.mant) << UInt128(s)
        let (root, exact) = isqrt128(m)
        return round(false, e >> 1, UInt128(root | (exact ? 0 : 1)), f, rmode)
    }

    // MARK: Comparisons, maximum and minimum

    /// Compare two non-NaN unpacked values: -1, 0, 1. Zeros of either sign are equal.
    @inline(__always)
    static func compareValues(_ va: FPValue, _ a: UInt64, _ vb: FPValue, _ b: UInt64, _ f: FPFormat) -> Int {
        let ma = va.kind == .zero ? 0 : a & (f.signBit &- 1)
        let mb = vb.kind == .zero ? 0 : b & (f.signBit &- 1)
        if ma == 0 && mb == 0 { return 0 }
        let na = va.sign && ma != 0, nb = vb.sign && mb != 0
        if na != nb { return na ? -1 : 1 }
        if ma == mb { return 0 }
        let c = ma < mb ? -1 : 1
        return na ? -c : c
    }

    /// FPCompare: NZCV as bits 3..0 ('0011' unordered, '0110' equal, '1000' less, '0010' greater).
    public mutating func compare(_ a: UInt64, _ b: UInt64, _ f: FPFormat, signalNaNs: Bool) -> UInt32 {
        let va = unpack(a, f), vb = unpack(b, f)
        if va.isNaN || vb.isNaN {
            if va.kind == .snan || vb.kind == .snan || signalNaNs { flags |= FPSRBit.ioc }
            return 0b0011
        }
        switch FPEnv.compareValues(va, a, vb, b, f) {
        case 0: return 0b0110
        case -1: return 0b1000
        default: return 0b0010
        }
    }

    /// FPCompareEQ, FPCompareGE, FPCompareGT (`kind` 0, 1, 2): quiet NaNs signal only for
    /// GE and GT.
    public mutating func compareVector(_ a: UInt64, _ b: UInt64, _ f: FPFormat, kind: Int) -> Bool {
        let va = unpack(a, f), vb = unpack(b, f)
        if va.isNaN || vb.isNaN {
            if va.kind == .snan || vb.kind == .snan || kind != 0 { flags |= FPSRBit.ioc }
            return false
        }
        let c = FPEnv.compareValues(va, a, vb, b, f)
        switch kind {
        case 0: return c == 0
        case 1: return c >= 0
        default: return c > 0
        }
    }

    /// FPMax / FPMin. +0 is larger than -0 for FPMax, -0 smaller than +0 for FPMin.
    public mutating func maxMin(_ a: UInt64, _ b: UInt64, _ f: FPFormat, max: Bool) -> UInt64 {
        let va = unpack(a, f), vb = unpack(b, f)
        if let n = processNaNs(va, vb, a, b, f) { return n }
        let c = FPEnv.compareValues(va, a, vb, b, f)
        let takeA = max ? c > 0 : c < 0
        let (v, x) = takeA ? (va, a) : (vb, b)
        switch v.kind {
        case .infinity: return f.infinity(v.sign)
        case .zero: return f.zero(max ? (va.sign && vb.sign) : (va.sign || vb.sign))
        default: return x & f.mask   // FPRound of a representable value is that value
        }
    }

    /// FPMaxNum / FPMinNum: a single quiet NaN loses to a number.
    public mutating func maxMinNum(_ a: UInt64, _ b: UInt64, _ f: FPFormat, max: Bool) -> UInt64 {
        var a = a, b = b
        let aq = f.isNaN(a) && a & f.quietBit != 0, bq = f.isNaN(b) && b & f.quietBit != 0
        if aq && !bq { a = f.infinity(max) } else if !aq && bq { b = f.infinity(max) }
        return maxMin(a, b, f, max: max)
    }

    // MARK: Rounding to integral, conversions

    /// FPRoundInt (`exact`: FRINTX raises Inexact).
    public mutating func roundInt(_ a: UInt64, _ f: FPFormat, _ rounding: FPRounding, exact: Bool) -> UInt64 {
        let va = unpack(a, f)
        switch va.kind {
        case .snan, .qnan: return processNaN(va.kind, a, f)
        case .infinity: return f.infinity(va.sign)
        case .zero: return f.zero(va.sign)
        case .nonzero: break
        }
        if va.exp >= 0 { return a & f.mask }   // already an integer
        let (mag, inexact) = FPEnv.roundMagnitude(va.mant, -va.exp, va.sign, rounding)
        if inexact && exact { flags |= FPSRBit.ixc }
        if mag == 0 { return f.zero(va.sign) }
        return round(va.sign, 0, UInt128(mag), f, .zero)   // exact: raises nothing
    }

    /// The integer nearest to mant * 2^-shift in magnitude by a rounding mode applied to the
    /// signed value (the pseudocode's RoundDown plus round_up, expressed on the magnitude).
    /// `mant` < 2^64 and `shift` > 0, so the magnitude cannot exceed 2^63.
    @inline(__always)
    static func roundMagnitude(_ mant: UInt64, _ shift: Int, _ sign: Bool, _ rounding: FPRounding)
        -> (mag: UInt64, inexact: Bool) {
        let intPart: UInt64, rem: UInt64, half: UInt64
        if shift > 64 {
            intPart = 0; rem = mant; half = 0   // mant < 2^53: below a half
        } else {
            intPart = shift == 64 ? 0 : mant >> UInt64(shift)
            rem = shift == 64 ? mant : mant & ((1 << UInt64(shift)) &- 1)
            half = 1 << UInt64(shift &- 1)
        }
        let inexact = rem != 0
        let above = shift <= 64 && rem > half, atHalf = shift <= 64 && rem == half
        let up: Bool
        switch rounding {
        case .tieEven: up = above || (atHalf && intPart & 1 != 0)
        case .tieAway: up = above || atHalf
        case .posInf: up = inexact && !sign
        case .negInf: up = inexact && sign
        case .zero, .odd: up = false
        }
        return (up ? intPart &+ 1 : intPart, inexact)
    }

    /// FPToFixed: the value times 2^fbits rounded to an integer of `width` bits, saturating with
    /// Invalid Operation; NaN gives 0 with Invalid Operation.
    public mutating func toFixed(_ a: UInt64, _ f: FPFormat, fbits: Int, unsigned: Bool, width: Int,
                                 _ rounding: FPRounding) -> UInt64 {
        let va = unpack(a, f)
        let maxU: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) &- 1
        let maxS: UInt64 = maxU >> 1
        var mag: UInt64 = 0, inexact = false, overflow = false
        switch va.kind {
        case .snan, .qnan:
            flags |= FPSRBit.ioc
            return 0
        case .zero: break
        case .infinity: overflow = true
        case .nonzero:
            let s = va.exp &+ fbits
            if s >= 0 {
                if 64 &- va.mant.leadingZeroBitCount &+ s > 64 { overflow = true } else { mag = va.mant << UInt64(s) }
            } else {
                (mag, inexact) = FPEnv.roundMagnitude(va.mant, -s, va.sign, rounding)
            }
        }
        if !overflow {
            if unsigned {
                overflow = (va.sign && mag != 0) || mag > maxU
            } else {
                overflow = va.sign ? mag > maxS &+ 1 : mag > maxS
            }
        }
        if overflow {
            flags |= FPSRBit.ioc
            if unsigned { return va.sign ? 0 : maxU }
            return va.sign ? (maxS &+ 1) & maxU : maxS
        }
        if inexact { flags |= FPSRBit.ixc }
        return (va.sign ? 0 &- mag : mag) & maxU
    }

    /// FixedToFP: an integer of `width` bits divided by 2^fbits, rounded.
    public mutating func fromFixed(_ x: UInt64, width: Int, unsigned: Bool, fbits: Int, _ f: FPFormat,
                                   _ rounding: FPRounding) -> UInt64 {
        let v = width == 64 ? x : x & ((1 << UInt64(width)) &- 1)
        var sign = false, mag = v
        if !unsigned && v >> UInt64(width &- 1) & 1 != 0 {
            sign = true
            mag = (0 &- v) & (width == 64 ? ~0 : (1 << UInt64(width)) &- 1)
            if mag == 0 { mag = v }   // unreachable: v != 0 here
        }
        if mag == 0 { return f.zero(false) }
        return round(sign, -fbits, UInt128(mag), f, rounding)
    }

    /// FPConvert between half, single and double (FCVT, FCVTL, FCVTN, FCVTXN with `.odd`).
    public mutating func convert(_ a: UInt64, from: FPFormat, to: FPFormat, _ rounding: FPRounding) -> UInt64 {
        let va = unpack(a, from)
        let altHP = to.isHalf && ahp
        switch va.kind {
        case .snan, .qnan:
            let r: UInt64
            if altHP { r = to.zero(va.sign) }
            else if dn { r = to.defaultNaN }
            else {
                // FPConvertNaN: sign, quiet, the payload's top bits kept.
                let payload = a & (from.quietBit &- 1)
                let moved = to.fbits >= from.fbits ? payload << UInt64(to.fbits &- from.fbits)
                                                   : payload >> UInt64(from.fbits &- to.fbits)
                r = to.zero(va.sign) | to.expOnes << UInt64(to.fbits) | to.quietBit | moved
            }
            if va.kind == .snan || altHP { flags |= FPSRBit.ioc }
            return r
        case .infinity:
            if altHP {
                flags |= FPSRBit.ioc
                return to.zero(va.sign) | (to.signBit &- 1)
            }
            return to.infinity(va.sign)
        case .zero:
            return to.zero(va.sign)
        case .nonzero:
            return round(va.sign, va.exp, UInt128(va.mant), to, rounding)
        }
    }

    // MARK: Estimates

    /// FPRecipEstimate.
    public mutating func recipEstimate(_ a: UInt64, _ f: FPFormat) -> UInt64 {
        let va = unpack(a, f)
        switch va.kind {
        case .snan, .qnan: return processNaN(va.kind, a, f)
        case .infinity: return f.zero(va.sign)
        case .zero:
            flags |= FPSRBit.dzc
            return f.infinity(va.sign)
        case .nonzero: break
        }
        // |value| < 2^-(bias+2) (2^-128 for single, 2^-1024 for double): the reciprocal overflows.
        let topExp = va.exp &+ 63 &- va.mant.leadingZeroBitCount
        if topExp < -(f.bias &+ 1) {
            let toInf: Bool
            switch rmode {
            case .tieEven, .tieAway: toInf = true
            case .posInf: toInf = !va.sign
            case .negInf: toInf = va.sign
            case .zero, .odd: toInf = false
            }
            flags |= FPSRBit.ofc | FPSRBit.ixc
            return toInf ? f.infinity(va.sign) : f.maxNormal(va.sign)
        }
        // |value| >= 2^(bias-1) with FZ: the result would be denormal; flushed.
        if fz && !f.isHalf && topExp >= f.bias &- 1 {
            flags |= FPSRBit.ufc
            return f.zero(va.sign)
        }
        var fraction = (a & f.fracMask) << UInt64(52 &- f.fbits)
        var exp = Int((a >> UInt64(f.fbits)) & f.expOnes)
        if exp == 0 {
            if fraction >> 51 & 1 == 0 {
                exp = -1
                fraction = (fraction << 2) & ((1 << 52) &- 1)
            } else {
                fraction = (fraction << 1) & ((1 << 52) &- 1)
            }
        }
        let scaled = 256 | (fraction >> 44)
        var resultExp = 2 &* f.bias &- 1 &- exp      // 253 - exp for single, 2045 - exp for double
        let estimate = UInt64(recipEstimateTable(Int(scaled)))
        fraction = (estimate & 0xFF) << 44
        if resultExp == 0 {
            fraction = 1 << 51 | fraction >> 1
        } else if resultExp == -1 {
            fraction = 1 << 50 | fraction >> 2
            resultExp = 0
        }
        return f.zero(va.sign) | UInt64(resultExp) << UInt64(f.fbits) | fraction >> UInt64(52 &- f.fbits)
    }

    /// FPRSqrtEstimate.
    public mutating func rsqrtEstimate(_ a: UInt64, _ f: FPFormat) -> UInt64 {
        let va = unpack(a, f)
        switch va.kind {
        case .snan, .qnan: return processNaN(va.kind, a, f)
        case .zero:
            flags |= FPSRBit.dzc
            return f.infinity(va.sign)
        default: break
        }
        if va.sign { return invalid(f) }
        if va.kind == .infinity { return f.zero(false) }
        var fraction = (a & f.fracMask) << UInt64(52 &- f.fbits)
        var exp = Int((a >> UInt64(f.fbits)) & f.expOnes)
        if exp == 0 {
            // A denormal (fraction != 0: flushed ones are zeros by now).
            while fraction >> 51 & 1 == 0 {
                fraction = (fraction << 1) & ((1 << 52) &- 1)
                exp &-= 1
            }
            fraction = (fraction << 1) & ((1 << 52) &- 1)
        }
        // An even biased exponent is an odd unbiased one: the value is scaled into [0.5, 1);
        // an odd biased exponent scales it into [0.25, 0.5).
        let scaled = exp & 1 == 0 ? 256 | fraction >> 44 : 128 | fraction >> 45
        // (380 - exp) DIV 2 for single, (3068 - exp) DIV 2 for double; the numerator is positive.
        let resultExp = (3 &* f.bias &- 1 &- exp) / 2
        let estimate = UInt64(rsqrtEstimateTable(Int(scaled)))
        return UInt64(resultExp) << UInt64(f.fbits) | (estimate & 0xFF) << UInt64(f.fbits &- 8)
    }

    /// FPRecpX: the exponent inverted, the fraction cleared.
    public mutating func recpX(_ a: UInt64, _ f: FPFormat) -> UInt64 {
        let va = unpack(a, f)
        if va.isNaN { return processNaN(va.kind, a, f) }
        let exp = (a >> UInt64(f.fbits)) & f.expOnes
        let sign = f.zero(va.sign)
        if exp == 0 { return sign | (f.expOnes &- 1) << UInt64(f.fbits) }
        return sign | (~exp & f.expOnes) << UInt64(f.fbits)
    }
}

/// Shift right, OR-ing any bit shifted out into bit 0.
@inline(__always)
func shiftRightJam(_ m: UInt128, _ d: Int) -> UInt128 {
    if d <= 0 { return m }
    if d >= 128 { return m != 0 ? 1 : 0 }
    let lost = m & ((1 << UInt128(d)) &- 1)
    return m >> UInt128(d) | (lost != 0 ? 1 : 0)
}

/// Integer square root of a 128-bit value (floor) and whether it is exact: the digit-by-digit
/// method, one result bit per step.
func isqrt128(_ n: UInt128) -> (root: UInt64, exact: Bool) {
    var rem = n
    var res: UInt128 = 0
    var bit: UInt128 = 1 << 126
    while bit > rem { bit >>= 2 }
    while bit != 0 {
        if rem >= res &+ bit {
            rem &-= res &+ bit
            res = (res >> 1) &+ bit
        } else {
            res >>= 1
        }
        bit >>= 2
    }
    return (UInt64(truncatingIfNeeded: res), rem == 0)
}

/// RecipEstimate (ARM DDI 0487, shared pseudocode): a in 256..511 is a 9-bit fixed-point
/// value in [0.5, 1); the result in 256..511 is its reciprocal in [1, 2).
@inline(__always)
func recipEstimateTable(_ a: Int) -> Int {
    let a2 = (a & 511) &* 2 &+ 1               // round to nearest
    let b = (1 << 19) / Swift.max(a2, 1)
    return (b &+ 1) / 2                       // round to nearest
}

/// RecipSqrtEstimate: a in 128..511 is a fixed-point value in [0.25, 1); the result in
/// 256..511 is its reciprocal square root in [1, 2).
func rsqrtEstimateTable(_ a: Int) -> Int {
    var a = a & 511
    if a < 256 {
        a = a &* 2 &+ 1                        // units of 1/512, rounded to nearest
    } else {
        a = (a >> 1) << 1                      // discard the bottom bit
        a = (a &+ 1) &* 2                      // units of 1/256, rounded to nearest
    }
    var b = 512
    while a &* (b &+ 1) &* (b &+ 1) < 1 << 28 { b &+= 1 }
    return (b &+ 1) / 2
}
