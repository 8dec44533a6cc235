extension CPU {
    /// ConditionHolds (ARM DDI 0487, C1.2.4 / J1 shared pseudocode) over PSTATE.NZCV.
    @inlinable @inline(__always)
    public func conditionHolds(_ cond: UInt8) -> Bool {
        let n = nzcv & (1 << 31) != 0, z = nzcv & (1 << 30) != 0
        let c = nzcv & (1 << 29) != 0, v = nzcv & (1 << 28) != 0
        let r: Bool
        switch cond >> 1 {
        case 0: r = z                 // EQ / NE
        case 1: r = c                 // CS / CC
        case 2: r = n                 // MI / PL
        case 3: r = v                 // VS / VC
        case 4: r = c && !z           // HI / LS
        case 5: r = n == v            // GE / LT
        case 6: r = n == v && !z      // GT / LE
        default: return true          // AL, NV: always
        }
        return cond & 1 != 0 ? !r : r
    }

    /// Set PSTATE.NZCV from four flags.
    @inlinable @inline(__always)
    public func setNZCV(n: Bool, z: Bool, c: Bool, v: Bool) {
        nzcv = (n ? 1 << 31 : 0) | (z ? 1 << 30 : 0) | (c ? 1 << 29 : 0) | (v ? 1 << 28 : 0)
    }
}
