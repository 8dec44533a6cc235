/// Lane arithmetic of the Advanced SIMD integer instructions (ARM DDI 0487, the shared
/// pseudocode of C4.1's Advanced SIMD classes: Elem[], SatQ, the shift helpers). A 128-bit value
/// is two UInt64 halves held in host registers; lanes are read and written by index, so no
/// instruction touches the heap.

/// A SIMD&FP register value: lane 0 in the low bits of `lo` (Elem[vector, 0, esize]).
@usableFromInline @frozen struct VReg128 {
    @usableFromInline var lo: UInt64
    @usableFromInline var hi: UInt64

    @inlinable @inline(__always) init(lo: UInt64, hi: UInt64) { self.lo = lo; self.hi = hi }
    @usableFromInline static let zero = VReg128(lo: 0, hi: 0)

    /// Elem[self, e, 8 << s], zero-extended. Lanes beyond bit 127 wrap (never produced by the
    /// decoder; the mask keeps a bad index from trapping).
    @inlinable @inline(__always)
    func lane(_ e: Int, _ s: Int) -> UInt64 {
        let pos = (e << (3 + s)) & 127
        let w = pos < 64 ? lo : hi
        return (w >> UInt64(pos & 63)) & simdLaneMask(s)
    }

    @inlinable @inline(__always)
    mutating func setLane(_ e: Int, _ s: Int, _ v: UInt64) {
        let pos = (e << (3 + s)) & 127
        let m = simdLaneMask(s), sh = UInt64(pos & 63)
        if pos < 64 { lo = (lo & ~(m << sh)) | ((v & m) << sh) } else { hi = (hi & ~(m << sh)) | ((v & m) << sh) }
    }

    /// Byte `j` (0...15) of the value.
    @inlinable @inline(__always)
    func byte(_ j: Int) -> UInt64 { ((j & 8 == 0 ? lo : hi) >> UInt64((j & 7) << 3)) & 0xFF }
}

/// Ones(8 << s).
@inlinable @inline(__always)
func simdLaneMask(_ s: Int) -> UInt64 { s >= 3 ? ~0 : (1 << (8 << UInt64(s & 3))) &- 1 }

/// SInt(Elem) of an (8 << s)-bit lane.
@inlinable @inline(__always)
func simdSigned(_ x: UInt64, _ s: Int) -> Int64 { Int64(bitPattern: signExtend(x, 8 << (s & 3))) }

/// A 64-bit value with every (8 << s)-bit lane equal to `v` (Replicate).
@inlinable @inline(__always)
func simdReplicate(_ v: UInt64, _ s: Int) -> UInt64 {
    switch s {
    case 0: return (v & 0xFF) &* 0x0101_0101_0101_0101
    case 1: return (v & 0xFFFF) &* 0x0001_0001_0001_0001
    case 2: return (v & 0xFFFF_FFFF) &* 0x0000_0001_0000_0001
    default: return v
    }
}

/// SignedSatQ(v, 8 << s): the lane value and QC when it had to be clamped.
@inlinable @inline(__always)
func simdSatS(_ v: Int128, _ s: Int, _ qc: inout Bool) -> UInt64 {
    let n = 8 << (s & 3)
    let maxV = (Int128(1) << (n - 1)) &- 1, minV = ~maxV
    if v > maxV { qc = true; return UInt64(truncatingIfNeeded: maxV) & simdLaneMask(s) }
    if v < minV { qc = true; return UInt64(truncatingIfNeeded: minV) & simdLaneMask(s) }
    return UInt64(truncatingIfNeeded: v) & simdLaneMask(s)
}

/// UnsignedSatQ(v, 8 << s).
@inlinable @inline(__always)
func simdSatU(_ v: Int128, _ s: Int, _ qc: inout Bool) -> UInt64 {
    if v < 0 { qc = true; return 0 }
    if v > Int128(simdLaneMask(s)) { qc = true; return simdLaneMask(s) }
    return UInt64(truncatingIfNeeded: v)
}

/// v >> n with the Arm rounding constant 1 << (n - 1) added first, computed without the
/// intermediate ever overflowing: ((v >> (n-1)) + 1) >> 1 equals (v + 2^(n-1)) >> n.
@inlinable @inline(__always)
func simdRoundShiftRight(_ v: Int128, _ n: Int) -> Int128 {
    n <= 0 ? v : ((v >> (n - 1)) &+ 1) >> 1
}

/// Saturating left shift of a lane by 0...255 (the SQSHL/UQSHL/SQSHLU family): `signedIn`
/// reads the lane as signed, `unsignedOut` saturates to the unsigned range. Saturation is
/// decided from the bits shifted out, so no intermediate wider than 64 bits is needed.
@inlinable @inline(__always)
func simdSatShiftLeft(_ x: UInt64, _ sh: Int, _ s: Int, signedIn: Bool, unsignedOut: Bool, _ qc: inout Bool) -> UInt64 {
    let n = 8 << (s & 3), m = simdLaneMask(s)
    if signedIn {
        let v = simdSigned(x, s)
        if v == 0 { return 0 }
        if unsignedOut {
            if v < 0 { qc = true; return 0 }
            if sh >= n || (x >> UInt64(n - sh)) != 0 { qc = true; return m }
            return (x << UInt64(sh)) & m
        }
        // The top sh+1 bits must all equal the sign for the result to fit.
        if sh >= n { qc = true; return v < 0 ? (m >> 1) ^ m : m >> 1 }
        let top = v >> Int64(n - 1 - sh)
        if top != 0 && top != -1 { qc = true; return v < 0 ? (m >> 1) ^ m : m >> 1 }
        return (x << UInt64(sh)) & m
    }
    if x == 0 { return 0 }
    if sh >= n || (x >> UInt64(n - sh)) != 0 { qc = true; return m }
    return (x << UInt64(sh)) & m
}

/// The register-controlled shifts (SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL, pseudocode
/// of "SSHL" etc.): shift = SInt(element2<7:0>), left when positive, right (rounding if asked)
/// when negative.
@inlinable @inline(__always)
func simdShiftByRegister(_ x: UInt64, _ y: UInt64, _ s: Int, signed: Bool, round: Bool, saturate: Bool,
                     _ qc: inout Bool) -> UInt64 {
    let sh = Int(Int8(truncatingIfNeeded: y))
    if sh >= 0 {
        if saturate { return simdSatShiftLeft(x, sh, s, signedIn: signed, unsignedOut: !signed, &qc) }
        return (x << UInt64(sh)) & simdLaneMask(s)
    }
    let v = signed ? Int128(simdSigned(x, s)) : Int128(x)
    let r = round ? simdRoundShiftRight(v, -sh) : v >> (-sh)
    // A right shift cannot leave the lane's range, so SatQ never saturates here.
    return UInt64(truncatingIfNeeded: r) & simdLaneMask(s)
}

/// Carry-less (polynomial) product of two 64-bit values, 128 bits (PMUL, PMULL).
@inlinable @inline(__always)
func simdPolyMultiply(_ a: UInt64, _ b: UInt64) -> VReg128 {
    var lo: UInt64 = 0, hi: UInt64 = 0, bb = b
    while bb != 0 {
        let t = bb.trailingZeroBitCount
        lo ^= a << UInt64(t)
        if t > 0 { hi ^= a >> UInt64(64 - t) }
        bb &= bb &- 1
    }
    return VReg128(lo: lo, hi: hi)
}

/// RBIT of every byte of a 64-bit value.
@inlinable @inline(__always)
func simdReverseBitsInBytes(_ v: UInt64) -> UInt64 {
    var x = v
    x = ((x & 0xF0F0_F0F0_F0F0_F0F0) >> 4) | ((x & 0x0F0F_0F0F_0F0F_0F0F) << 4)
    x = ((x & 0xCCCC_CCCC_CCCC_CCCC) >> 2) | ((x & 0x3333_3333_3333_3333) << 2)
    x = ((x & 0xAAAA_AAAA_AAAA_AAAA) >> 1) | ((x & 0x5555_5555_5555_5555) << 1)
    return x
}

/// AdvSIMDExpandImm(op, cmode, imm8) (ARM DDI 0487, shared pseudocode).
func simdExpandImm(op: UInt32, cmode: UInt32, imm8: UInt32) -> UInt64 {
    let i = UInt64(imm8 & 0xFF)
    switch cmode >> 1 {
    case 0: return simdReplicate(i, 2)
    case 1: return simdReplicate(i << 8, 2)
    case 2: return simdReplicate(i << 16, 2)
    case 3: return simdReplicate(i << 24, 2)
    case 4: return simdReplicate(i, 1)
    case 5: return simdReplicate(i << 8, 1)
    case 6: return cmode & 1 == 0 ? simdReplicate(i << 8 | 0xFF, 2) : simdReplicate(i << 16 | 0xFFFF, 2)
    default:
        switch (cmode & 1, op & 1) {
        case (0, 0): return simdReplicate(i, 0)
        case (0, _):
            var r: UInt64 = 0
            for b in 0..<8 where i >> UInt64(b) & 1 != 0 { r |= 0xFF << UInt64(b * 8) }
            return r
        case (_, 0):
            // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,5):imm8<5:0>:Zeros(19), a single-precision value.
            let b6 = (i >> 6) & 1
            let f = (i >> 7) << 31 | (b6 ^ 1) << 30 | (b6 * 0x1F) << 25 | (i & 0x3F) << 19
            return simdReplicate(f, 2)
        default:
            // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,8):imm8<5:0>:Zeros(48), a double.
            let b6 = (i >> 6) & 1
            return (i >> 7) << 63 | (b6 ^ 1) << 62 | (b6 * 0xFF) << 54 | (i & 0x3F) << 48
        }
    }
}
