/// Integer helpers shared by the data-processing executors: the Arm ARM's AddWithCarry,
/// DecodeBitMasks, ShiftReg and ExtendReg (ARM DDI 0487, J1 shared pseudocode), written for
/// the hot path: no allocation, no generics, wrapping arithmetic, masking shifts.
///
/// NZCV values are returned in PSTATE positions (N bit 31, Z 30, C 29, V 28), ready for
/// `CPU.nzcv`.

/// Mask of a 32- or 64-bit datasize: `sf` is the instruction's sf bit (0 or 1).
@inline(__always)
func dataMask(_ sf: UInt8) -> UInt64 { sf != 0 ? ~0 : 0xFFFF_FFFF }

/// AddWithCarry(x, y, carry) at 64 bits (J1.1.3 shared/functions/integer/AddWithCarry).
@inline(__always)
func addWithCarry64(_ x: UInt64, _ y: UInt64, _ carry: UInt64) -> (result: UInt64, nzcv: UInt32) {
    let r = x &+ y &+ carry
    // Carry out of the top bit: majority of x, y and the carry into that bit (which is r^x^y).
    let c = ((x & y) | ((x ^ y) & ~r)) >> 63
    // Signed overflow: both operands have the same sign and the result's differs.
    let v = ((x ^ r) & (y ^ r)) >> 63
    let z: UInt64 = r == 0 ? 1 : 0
    let flags = (r >> 63) << 31 | z << 30 | c << 29 | v << 28
    return (r, UInt32(truncatingIfNeeded: flags))
}

/// AddWithCarry(x, y, carry) at 32 bits: operands are truncated, the result zero-extended.
@inline(__always)
func addWithCarry32(_ x64: UInt64, _ y64: UInt64, _ carry: UInt64) -> (result: UInt64, nzcv: UInt32) {
    let x = UInt32(truncatingIfNeeded: x64), y = UInt32(truncatingIfNeeded: y64)
    let r = x &+ y &+ UInt32(truncatingIfNeeded: carry)
    let c = ((x & y) | ((x ^ y) & ~r)) >> 31
    let v = ((x ^ r) & (y ^ r)) >> 31
    let z: UInt32 = r == 0 ? 1 : 0
    return (UInt64(r), (r >> 31) << 31 | z << 30 | c << 29 | v << 28)
}

/// AddWithCarry at the datasize selected by `sf`.
@inline(__always)
func addWithCarry(_ x: UInt64, _ y: UInt64, _ carry: UInt64, sf: UInt8) -> (result: UInt64, nzcv: UInt32) {
    sf != 0 ? addWithCarry64(x, y, carry) : addWithCarry32(x, y, carry)
}

/// NZCV of a logical S-form (ANDS, BICS): N and Z from the result, C = V = 0.
/// `r` must already be truncated to the datasize.
@inline(__always)
func logicalFlags(_ r: UInt64, sf: UInt8) -> UInt32 {
    let n = sf != 0 ? r >> 63 : (r >> 31) & 1
    let z: UInt64 = r == 0 ? 1 : 0
    return UInt32(truncatingIfNeeded: n << 31 | z << 30)
}

/// ROR at 64 bits, `r` in 0..<64.
@inline(__always)
func rotateRight64(_ v: UInt64, _ r: UInt64) -> UInt64 { (v &>> r) | (v &<< (64 &- r)) }

/// ROR at 32 bits, `r` in 0..<32; the result is zero-extended.
@inline(__always)
func rotateRight32(_ v: UInt64, _ r: UInt64) -> UInt64 {
    let w = UInt32(truncatingIfNeeded: v), s = UInt32(truncatingIfNeeded: r)
    return UInt64((w &>> s) | (w &<< (32 &- s)))
}

/// The shift types of shifted-register operands (J1 shared/functions/common/ShiftType).
enum ShiftType: UInt8 {
    case lsl = 0, lsr, asr, ror
}

/// ShiftReg: `v` shifted by `amount` (already reduced below the datasize) at the datasize of
/// `sf`; the result is truncated to that datasize.
@inline(__always)
func shiftReg(_ v: UInt64, _ type: UInt8, _ amount: UInt64, sf: UInt8) -> UInt64 {
    if sf != 0 {
        switch type & 3 {
        case 0: return v &<< amount
        case 1: return v &>> amount
        case 2: return UInt64(bitPattern: Int64(bitPattern: v) &>> Int64(bitPattern: amount))
        default: return rotateRight64(v, amount)
        }
    }
    let w = UInt32(truncatingIfNeeded: v), s = UInt32(truncatingIfNeeded: amount)
    switch type & 3 {
    case 0: return UInt64(w &<< s)
    case 1: return UInt64(w &>> s)
    case 2: return UInt64(UInt32(bitPattern: Int32(bitPattern: w) &>> Int32(bitPattern: s)))
    default: return UInt64((w &>> s) | (w &<< (32 &- s)))
    }
}

/// ExtendReg: `v` extended by option (UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX) and
/// shifted left by 0...4. Truncation to a 32-bit datasize is left to the caller (AddWithCarry32).
@inline(__always)
func extendReg(_ v: UInt64, _ option: UInt8, _ shift: UInt64) -> UInt64 {
    let e: UInt64
    switch option & 7 {
    case 0: e = v & 0xFF
    case 1: e = v & 0xFFFF
    case 2: e = v & 0xFFFF_FFFF
    case 4: e = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
    case 5: e = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
    case 6: e = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    default: e = v
    }
    return e &<< shift
}

/// RBIT at 64 bits.
@inline(__always)
func reverseBits64(_ v: UInt64) -> UInt64 {
    var x = v
    x = (x & 0x5555_5555_5555_5555) << 1 | (x >> 1) & 0x5555_5555_5555_5555
    x = (x & 0x3333_3333_3333_3333) << 2 | (x >> 2) & 0x3333_3333_3333_3333
    x = (x & 0x0F0F_0F0F_0F0F_0F0F) << 4 | (x >> 4) & 0x0F0F_0F0F_0F0F_0F0F
    return x.byteSwapped
}

/// DecodeBitMasks(immN, imms, immr, immediate, M) (J1 aarch64/instrs/integer/bitmasks):
/// the wmask and tmask of a logical immediate or a bitfield move, replicated to 64 bits;
/// nil where the Arm ARM says UNDEFINED (element size below 2, an all-ones element for an
/// immediate, or an element wider than the datasize `m`).
func decodeBitMasks(n: UInt32, imms: UInt32, immr: UInt32, immediate: Bool, m: Int) -> (wmask: UInt64, tmask: UInt64)? {
    let combined = (n & 1) << 6 | (~imms & 0x3F)
    guard combined != 0 else { return nil }
    let len = 31 - combined.leadingZeroBitCount          // HighestSetBit
    guard len >= 1, 1 << len <= m else { return nil }
    let levels = UInt32(ones(len))
    if immediate && imms & levels == levels { return nil }
    let s = imms & levels, r = immr & levels
    let d = (s &- r) & levels                            // diff<len-1:0>
    let esize = 1 << len
    let emask = ones(esize)
    let welem = ones(Int(s) + 1), telem = ones(Int(d) + 1)
    // ROR(welem, r) within one element; r < esize.
    let rot = r == 0 ? welem : ((welem >> UInt64(r)) | (welem << UInt64(esize - Int(r)))) & emask
    return (replicate(rot, esize), replicate(telem, esize))
}

/// Replicate an `esize`-bit element across 64 bits.
func replicate(_ elem: UInt64, _ esize: Int) -> UInt64 {
    var v = elem, e = esize
    while e < 64 { v |= v << UInt64(e); e *= 2 }
    return v
}
