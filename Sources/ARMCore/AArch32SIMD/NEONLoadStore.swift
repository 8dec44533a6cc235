/// Advanced SIMD element and structure loads and stores (F4.1.x "Advanced SIMD element or
/// structure load/store"; F6 VLD1-VLD4, VST1-VST4): 1111 0100 A D L 0 Rn Vd B(11:8) ... Rm.
/// A = 0: multiple structures; A = 1: one lane, or (loads, size field 11) all lanes.
///
/// The alignment the `align`/`index_align` fields ask for is checked on the first address
/// and faults as an Alignment fault whatever SCTLR.A says; each element is then an unaligned-
/// permitted access (MemU), which SCTLR.A still checks. Writeback: Rm = 15 none, Rm = 13 by
/// the bytes transferred, else by R[m], after all accesses.
extension CPU {
    func neonLoadStore(_ w: UInt32) throws(ArchException) {
        let load = (w >> 21) & 1 != 0
        let rn = (w >> 16) & 0xF, rm = w & 0xF
        let d = Self.neonD(w)
        // Rn = PC is UNPREDICTABLE: treated as UNDEFINED.
        guard rn != 15 else { throw ArchException.undefined }
        let base = r(rn)
        let bytes: UInt32
        if (w >> 23) & 1 == 0 {
            bytes = try neonMultipleStructures(w, d: d, base: base, load: load)
        } else if (w >> 10) & 3 != 3 {
            bytes = try neonSingleLane(w, d: d, base: base, load: load)
        } else {
            guard load else { throw ArchException.undefined }
            bytes = try neonAllLanes(w, d: d, base: base)
        }
        if rm != 15 { setR(rn, base &+ (rm == 13 ? bytes : r(rm))) }
    }

    @inline(__always) func neonCheckAlignment(_ address: UInt32, _ alignment: UInt32, write: Bool) throws(ArchException) {
        if address & (alignment &- 1) != 0 { throw alignmentFault(UInt64(address), write: write) }
    }

    /// One element of `ebytes` between memory and lane `e` of D register `reg`.
    @inline(__always)
    func neonTransferElement(_ reg: UInt32, _ e: Int, _ s: Int, load: Bool, at address: UInt32) throws(ArchException) {
        var v = VReg128(lo: dreg(reg), hi: 0)
        if load {
            v.setLane(e, s, try readMemory(UInt64(address), size: 1 << s))
            setDreg(reg, v.lo)
        } else {
            try writeMemory(UInt64(address), size: 1 << s, value: v.lane(e, s))
        }
    }

    /// VLDn/VSTn (multiple n-element structures): returns the bytes transferred.
    func neonMultipleStructures(_ w: UInt32, d: UInt32, base: UInt32, load: Bool) throws(ArchException) -> UInt32 {
        let type = (w >> 8) & 0xF, s = Int((w >> 6) & 3), align = (w >> 4) & 3
        let n: UInt32, regs: UInt32, inc: UInt32
        switch type {
        case 0b0111: n = 1; regs = 1; inc = 1; if align & 2 != 0 { throw ArchException.undefined }
        case 0b1010: n = 1; regs = 2; inc = 1; if align == 3 { throw ArchException.undefined }
        case 0b0110: n = 1; regs = 3; inc = 1; if align & 2 != 0 { throw ArchException.undefined }
        case 0b0010: n = 1; regs = 4; inc = 1
        case 0b1000, 0b1001:
            n = 2; regs = 1; inc = type & 1 + 1
            if align == 3 || s == 3 { throw ArchException.undefined }
        case 0b0011:
            n = 2; regs = 2; inc = 2
            if s == 3 { throw ArchException.undefined }
        case 0b0100, 0b0101:
            n = 3; regs = 1; inc = type & 1 + 1
            if align & 2 != 0 || s == 3 { throw ArchException.undefined }
        case 0b0000, 0b0001:
            n = 4; regs = 1; inc = type & 1 + 1
            if s == 3 { throw ArchException.undefined }
        default: throw ArchException.undefined
        }
        // A register list running past D31 is UNPREDICTABLE: UNDEFINED here.
        guard d + (regs - 1) + (n - 1) * inc <= 31 else { throw ArchException.undefined }
        try neonCheckAlignment(base, align == 0 ? 1 : 4 << align, write: !load)
        let ebytes = UInt32(1) << UInt32(s), elements = 8 >> s
        var address = base
        for r in 0..<regs {
            for e in 0..<elements {
                for j in 0..<n {
                    try neonTransferElement(d + r + j * inc, e, s, load: load, at: address)
                    address = address &+ ebytes
                }
            }
        }
        return 8 * regs * n
    }

    /// VLDn/VSTn (single n-element structure to or from one lane).
    func neonSingleLane(_ w: UInt32, d: UInt32, base: UInt32, load: Bool) throws(ArchException) -> UInt32 {
        let s = Int((w >> 10) & 3), n = (w >> 8) & 3 + 1, ia = (w >> 4) & 0xF
        let index = Int(ia >> UInt32(s + 1))
        var inc: UInt32 = 1, alignment: UInt32 = 1
        let ebytes = UInt32(1) << UInt32(s)
        switch (n, s) {
        case (1, 0): if ia & 1 != 0 { throw ArchException.undefined }
        case (1, 1): if ia & 2 != 0 { throw ArchException.undefined }; alignment = ia & 1 != 0 ? 2 : 1
        case (1, _):
            if ia & 4 != 0 || (ia & 3 != 0 && ia & 3 != 3) { throw ArchException.undefined }
            alignment = ia & 3 == 3 ? 4 : 1
        case (2, 0): alignment = ia & 1 != 0 ? 2 : 1
        case (2, 1): inc = ia & 2 != 0 ? 2 : 1; alignment = ia & 1 != 0 ? 4 : 1
        case (2, _):
            if ia & 2 != 0 { throw ArchException.undefined }
            inc = ia & 4 != 0 ? 2 : 1; alignment = ia & 1 != 0 ? 8 : 1
        case (3, 0): if ia & 1 != 0 { throw ArchException.undefined }
        case (3, 1): if ia & 1 != 0 { throw ArchException.undefined }; inc = ia & 2 != 0 ? 2 : 1
        case (3, _): if ia & 3 != 0 { throw ArchException.undefined }; inc = ia & 4 != 0 ? 2 : 1
        case (_, 0): alignment = ia & 1 != 0 ? 4 : 1
        case (_, 1): inc = ia & 2 != 0 ? 2 : 1; alignment = ia & 1 != 0 ? 8 : 1
        default:
            if ia & 3 == 3 { throw ArchException.undefined }
            inc = ia & 4 != 0 ? 2 : 1; alignment = ia & 3 == 0 ? 1 : 4 << (ia & 3)
        }
        guard d + (n - 1) * inc <= 31 else { throw ArchException.undefined }
        try neonCheckAlignment(base, alignment, write: !load)
        var address = base
        for j in 0..<n {
            try neonTransferElement(d + j * inc, index, s, load: load, at: address)
            address = address &+ ebytes
        }
        return ebytes * n
    }

    /// VLDn (single n-element structure to all lanes): each element replicated across a D
    /// register (two for VLD1 with T = 1).
    func neonAllLanes(_ w: UInt32, d: UInt32, base: UInt32) throws(ArchException) -> UInt32 {
        let n = (w >> 8) & 3 + 1, size = (w >> 6) & 3, t = (w >> 5) & 1, a = (w >> 4) & 1
        var s = Int(size), alignment: UInt32 = 1, inc: UInt32 = t + 1, regs: UInt32 = 1
        switch n {
        case 1:
            if size == 3 || (size == 0 && a == 1) { throw ArchException.undefined }
            alignment = a == 1 ? 1 << size : 1; regs = t + 1; inc = 1
        case 2:
            if size == 3 { throw ArchException.undefined }
            alignment = a == 1 ? 2 << size : 1
        case 3:
            if size == 3 || a == 1 { throw ArchException.undefined }
        default:
            if size == 3 {
                guard a == 1 else { throw ArchException.undefined }
                s = 2; alignment = 16
            } else if a == 1 {
                alignment = size == 2 ? 8 : 4 << size
            }
        }
        let ebytes = UInt32(1) << UInt32(s)
        guard d + (regs - 1) + (n - 1) * inc <= 31 else { throw ArchException.undefined }
        try neonCheckAlignment(base, alignment, write: false)
        var address = base
        for j in 0..<n {
            let v = simdReplicate(try readMemory(UInt64(address), size: Int(ebytes)), s)
            for r in 0..<regs { setDreg(d + j * inc + r, v) }
            address = address &+ ebytes
        }
        return ebytes * n
    }
}
