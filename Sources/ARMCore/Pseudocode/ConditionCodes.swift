extension CPU {
    /// ConditionHolds (ARM DDI 0487, C1.2.4 / J1 shared pseudocode) over PSTATE.NZCV: one
    /// table lookup and a shift, no branch, so that B.cond and CSEL cost the same whatever
    /// the condition.
    @inlinable @inline(__always)
    public func conditionHolds(_ cond: UInt8) -> Bool {
        (CPU.conditionTable(cond) >> (nzcv >> 28)) & 1 != 0
    }

    /// Bit k of entry `cond` says whether `cond` holds when NZCV = k (N is bit 3 of k, V bit 0).
    /// `scripts/conditions.py` recomputes the table from the pseudocode.
    @inlinable @inline(__always)
    static func conditionTable(_ cond: UInt8) -> UInt32 {
        switch cond & 15 {
        case 0: return 0xF0F0   // EQ: Z
        case 1: return 0x0F0F   // NE
        case 2: return 0xCCCC   // CS: C
        case 3: return 0x3333   // CC
        case 4: return 0xFF00   // MI: N
        case 5: return 0x00FF   // PL
        case 6: return 0xAAAA   // VS: V
        case 7: return 0x5555   // VC
        case 8: return 0x0C0C   // HI: C and not Z
        case 9: return 0xF3F3   // LS
        case 10: return 0xAA55  // GE: N == V
        case 11: return 0x55AA  // LT
        case 12: return 0x0A05  // GT: N == V and not Z
        case 13: return 0xF5FA  // LE
        case 14: return 0xFFFF  // AL: always
        default: return 0xFFFF  // NV: always too (C1.2.4); the cases cover 0...15, no range check
        }
    }

    /// Set PSTATE.NZCV from four flags.
    @inlinable @inline(__always)
    public func setNZCV(n: Bool, z: Bool, c: Bool, v: Bool) {
        nzcv = (n ? 1 << 31 : 0) | (z ? 1 << 30 : 0) | (c ? 1 << 29 : 0) | (v ? 1 << 28 : 0)
    }
}
