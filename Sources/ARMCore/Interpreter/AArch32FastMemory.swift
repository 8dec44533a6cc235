/// The AArch32 loop's load/store fast path: single loads and stores and LDM/STM whose data is in
/// RAM the CPU's host TLB already maps (`fastRAM`, shared with the A64 loop). Each returns false,
/// having changed nothing, when the full path (A32LoadStore.swift) must decide: an unprivileged
/// or exclusive access, a PC destination other than the plain forms below, an access the host
/// TLB does not hold, or a misaligned one with SCTLR.A set. Faults, MMIO, stage-2 aborts and
/// traces all stay on the full path, so what a guest sees cannot differ.
extension CPU {
    @inline(__always)
    func fastLoadStore32(_ i: A32Inst, _ h: HostTLB) -> Bool {
        if i.flags.has(.unprivileged) || i.rd == 15 { return false }
        let (address, offsetAddress) = loadStoreAddress32(i)
        let va = UInt64(address)
        switch i.op {
        case .ldr:
            guard let p = fastRAM(va, total: 4, elem: 4, write: false, h) else { return false }
            let v = UInt32(truncatingIfNeeded: HostRAM.load32(p))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
            setR(UInt32(i.rd), v)
        case .ldrb, .ldrsb:
            guard let p = fastRAM(va, total: 1, elem: 1, write: false, h) else { return false }
            let b = UInt8(truncatingIfNeeded: HostRAM.load8(p))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
            setR(UInt32(i.rd), i.op == .ldrb ? UInt32(b) : UInt32(bitPattern: Int32(Int8(bitPattern: b))))
        case .ldrh, .ldrsh:
            guard let p = fastRAM(va, total: 2, elem: 2, write: false, h) else { return false }
            let v = UInt16(truncatingIfNeeded: HostRAM.load16(p))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
            setR(UInt32(i.rd), i.op == .ldrh ? UInt32(v) : UInt32(bitPattern: Int32(Int16(bitPattern: v))))
        case .str:
            guard let p = fastRAM(va, total: 4, elem: 4, write: true, h) else { return false }
            HostRAM.store32(p, UInt64(r(UInt32(i.rd))))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
        case .strb:
            guard let p = fastRAM(va, total: 1, elem: 1, write: true, h) else { return false }
            HostRAM.store8(p, UInt64(r(UInt32(i.rd))))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
        case .strh:
            guard let p = fastRAM(va, total: 2, elem: 2, write: true, h) else { return false }
            HostRAM.store16(p, UInt64(r(UInt32(i.rd))))
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
        case .ldrd, .strd:
            // Word alignment is required whatever SCTLR.A says: the full path faults.
            if va & 3 != 0 { return false }
            let rt2 = UInt32(i.rs)
            if i.op == .ldrd {
                guard let p = fastRAM(va, total: 8, elem: 4, write: false, h) else { return false }
                let lo = UInt32(truncatingIfNeeded: HostRAM.load32(p))
                let hi = UInt32(truncatingIfNeeded: HostRAM.load32(p + 4))
                if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
                setR(UInt32(i.rd), lo)
                setR(rt2, hi)
            } else {
                if rt2 == 15 { return false }
                guard let p = fastRAM(va, total: 8, elem: 4, write: true, h) else { return false }
                HostRAM.store32(p, UInt64(r(UInt32(i.rd))))
                HostRAM.store32(p + 4, UInt64(r(rt2)))
                if i.flags.has(.writeBack) { setR(UInt32(i.rn), offsetAddress) }
            }
        default:
            return false
        }
        return true
    }

    /// LDM/STM (PUSH/POP) without ^, all of whose words lie in one RAM page the host TLB maps.
    /// A loaded PC branches as the full path's does (LoadWritePC, interworking).
    @inline(__always)
    func fastBlockTransfer32(_ i: A32Inst, _ h: HostTLB) -> Bool {
        if i.flags.has(.userRegisters) { return false }
        let list = i.imm & 0xFFFF
        let count = UInt32(list.nonzeroBitCount)
        let base = r(UInt32(i.rn))
        let up = i.flags.has(.add), before = i.flags.has(.preIndex)
        var address = up ? base : base &- 4 &* count
        if before == up { address = address &+ 4 }
        if address & 3 != 0 { return false }
        let newBase = up ? base &+ 4 &* count : base &- 4 &* count
        let write = i.op == .stm
        guard let p = fastRAM(UInt64(address), total: UInt64(4 &* count), elem: 4, write: write, h) else { return false }
        var k = 0
        if write {
            for n in 0..<16 where list & (1 << n) != 0 {
                let v: UInt32 = n == 15 ? readR(15) : r(UInt32(n))
                HostRAM.store32(p + k, UInt64(v))
                k &+= 4
            }
            if i.flags.has(.writeBack) { setR(UInt32(i.rn), newBase) }
            return true
        }
        if i.flags.has(.writeBack) && list & (1 << UInt32(i.rn)) == 0 { setR(UInt32(i.rn), newBase) }
        for n in 0..<15 where list & (1 << n) != 0 {
            setR(UInt32(n), UInt32(truncatingIfNeeded: HostRAM.load32(p + k)))
            k &+= 4
        }
        if list & 0x8000 != 0 {
            bxWritePC(UInt32(truncatingIfNeeded: HostRAM.load32(p + k)))
        }
        return true
    }

    /// Where the slot loop's LDM/STM (`.stm`, `.ldm`, `.ldmPC`) moves its words: the host
    /// address of the lowest one, when all lie in one RAM page the host TLB maps (nil: the
    /// full path decides, nothing changed), and the base it writes back.
    @_transparent
    func blockTransferRAM32(_ p: UnsafeMutablePointer<A32Inst>, _ g: Regs32, write: Bool,
                            _ h: HostTLB) -> (UnsafeMutableRawPointer, UInt32)? {
        // The byte count and the lowest word's offset from Rn were worked out when the slot was
        // filled (a population count is a dozen host instructions on a baseline x86-64).
        let bytes = UInt32(p.pointee.size)
        let base = g[p.pointee.rn]
        let address = base &+ UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: p.pointee.imm >> 16)))
        let up = p.pointee.flags.has(.add)
        if address & 3 != 0 { return nil }
        guard let m = fastRAM(UInt64(address), total: UInt64(bytes), elem: 4, write: write, h) else { return nil }
        return (m, up ? base &+ bytes : base &- bytes)
    }
}
