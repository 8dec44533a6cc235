/// Bit-field extraction and the Arm ARM's shared pseudocode helpers used by several groups.
@inlinable @inline(__always)
func bits(_ w: UInt32, _ hi: Int, _ lo: Int) -> UInt32 { (w >> UInt32(lo)) & ((1 << UInt32(hi - lo + 1)) - 1) }

@inlinable @inline(__always)
func bit(_ w: UInt32, _ n: Int) -> UInt32 { (w >> UInt32(n)) & 1 }

/// SignExtend(value<width-1:0>) to 64 bits.
@inlinable @inline(__always)
func signExtend(_ v: UInt64, _ width: Int) -> UInt64 {
    let s = UInt64(64 - width)
    return UInt64(bitPattern: Int64(bitPattern: v << s) >> Int64(s))
}

/// Ones(n) as a mask, n in 0...64.
@inlinable @inline(__always)
func ones(_ n: Int) -> UInt64 { n >= 64 ? ~0 : (1 << UInt64(n)) &- 1 }
