/// Load/store pair (ARM DDI 0487, C4.1 "Loads and Stores": "Load/store no-allocate pair (offset)",
/// "Load/store register pair (post-indexed)", "(offset)", "(pre-indexed)"), general-purpose
/// registers (V = 0). See LoadStore.swift for the use of the Inst fields.

/// The addressing forms of the pair class, bits 24..23.
enum LSPairAddressing {
    case noAllocate, postIndexed, signedOffset, preIndexed
}

extension A64Decoder {
    static let loadStorePair: [Encoding] = [
        Encoding(.a64, "STNP/LDNP", "oo1010000Liiiiiiiuuuuunnnnnttttt") { w in decodeLoadStorePair(w, .noAllocate) },
        Encoding(.a64, "STP/LDP/LDPSW (post-indexed)", "oo1010001Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStorePair(w, .postIndexed)
        },
        Encoding(.a64, "STP/LDP/LDPSW (signed offset)", "oo1010010Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStorePair(w, .signedOffset)
        },
        Encoding(.a64, "STP/LDP/LDPSW (pre-indexed)", "oo1010011Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStorePair(w, .preIndexed)
        },
    ]

    /// opc (31..30) and L (22):
    ///
    ///     opc   L=0         L=1
    ///     00    STP/STNP W  LDP/LDNP W
    ///     01    unallocated LDPSW (not in the no-allocate form)
    ///     10    STP/STNP X  LDP/LDNP X
    ///     11    unallocated unallocated
    static func decodeLoadStorePair(_ w: UInt32, _ mode: LSPairAddressing) -> Inst {
        let isLoad = bit(w, 22) == 1
        let t = bits(w, 4, 0), t2 = bits(w, 14, 10), n = bits(w, 9, 5)
        let scale: UInt8, flags: UInt8
        switch bits(w, 31, 30) {
        case 0b00:
            scale = 2; flags = 0
        case 0b01:
            guard isLoad && mode != .noAllocate else { return .undefined }
            scale = 2; flags = LSFlag.signed | LSFlag.sixtyFour
        case 0b10:
            scale = 3; flags = LSFlag.sixtyFour
        default:
            return .undefined
        }
        // A load pair with Rt == Rt2 is CONSTRAINED UNPREDICTABLE (ARM DDI 0487 K1.2,
        // "CONSTRAINED UNPREDICTABLE behaviors", Unpredictable_LDPOVERLAP: UNKNOWN, UNDEFINED or
        // NOP). armvm takes Constraint_UNDEF.
        if isLoad && t == t2 { return .undefined }
        // Writeback with Rt or Rt2 == Rn is handled at execution (see executeLoadStore).
        let off = signExtend(UInt64(bits(w, 21, 15)), 7) &<< UInt64(scale)
        let op: LoadStoreOp
        switch mode {
        case .noAllocate, .signedOffset: op = isLoad ? .loadPair : .storePair
        case .postIndexed: op = isLoad ? .loadPairPost : .storePairPost
        case .preIndexed: op = isLoad ? .loadPairPre : .storePairPre
        }
        return Inst(.loadStore, op: op.rawValue, rd: isLoad ? Reg.dst(t) : Reg.src(t), rn: Reg.spOr(n),
                    rm: isLoad ? Reg.dst(t2) : Reg.src(t2), a: scale, b: flags, imm: off)
    }
}

extension CPU {
    /// Both loads of a pair, lower address first, before any register is written: a fault on
    /// the second access leaves the registers as they were.
    @inline(__always)
    func lsLoadPair(_ i: Inst, _ va: UInt64) throws(ArchException) -> (UInt64, UInt64) {
        let size = 1 &<< Int(i.a)
        let v1 = try readMemory(va, size: size)
        let v2 = try readMemory(va &+ UInt64(size), size: size)
        return (lsExtend(i, v1), lsExtend(i, v2))
    }

    /// Both stores of a pair, lower address first. Rt and Rt2 are read before any writeback.
    @inline(__always)
    func lsStorePair(_ i: Inst, _ va: UInt64) throws(ArchException) {
        let size = 1 &<< Int(i.a)
        let d1 = x[Int(i.rd)], d2 = x[Int(i.rm)]
        try writeMemory(va, size: size, value: d1)
        try writeMemory(va &+ UInt64(size), size: size, value: d2)
    }
}
