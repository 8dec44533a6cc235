import Bus
import Stage2MMU

/// Virtual memory access for the executors. Every guest load, store and fetch comes through
/// here: translation (stage 1 and 2 arrive with the EL2 issue; with the MMU off a VA is the PA),
/// alignment checks, then RAM through a host pointer or MMIO through the bus. A failed access
/// throws the architectural abort; nothing here can fail on the host.
extension CPU {
    /// Physical address size: 44 bits, as ID_AA64MMFR0_EL1.PARange says.
    public static let physicalAddressBits: UInt64 = 44

    /// SCTLR of the regime the current EL uses.
    @inlinable var currentSCTLR: UInt64 { el == 2 ? sysregs[SysReg.SCTLR_EL2] : sysregs[SysReg.SCTLR_EL1] }

    /// Translate a data or instruction address. MMU off: flat, and a VA wider than the PA size
    /// is an address size fault at level 0 (ARM DDI 0487, D8.2.10 "The effects of disabling
    /// address translation").
    @inline(__always)
    func translate(_ va: UInt64, _ acc: AccessKind, info: DataAbortInfo? = nil) throws(ArchException) -> UInt64 {
        if translating { return try translateWithMMU(va, acc, info: info) }
        if va >> CPU.physicalAddressBits != 0 {
            let f = FaultRecord(kind: .addressSize, level: 0)
            throw acc.contains(.fetch)
                ? ArchException(.instructionAbort(f), far: va)
                : ArchException(.dataAbort(f, write: acc.contains(.write), cacheMaintenance: acc.contains(.cacheMaintenance)), far: va)
        }
        return va
    }

    @inline(__always)
    func checkAlignment(_ va: UInt64, size: Int, _ acc: AccessKind) throws(ArchException) {
        guard va & UInt64(size &- 1) != 0 else { return }
        // Exclusives and acquire/release always fault; others only when SCTLR.A is set (B2.5.2).
        if acc.contains(.ordered) || currentSCTLR & SCTLR.A != 0 {
            throw ArchException(.dataAbort(FaultRecord(kind: .alignment), write: acc.contains(.write)), far: va)
        }
    }

    /// Load 1, 2, 4 or 8 bytes, zero-extended. `info` describes a single-register access so
    /// that an abort's syndrome can be emulated by a hypervisor.
    @inline(__always)
    public func readMemory(_ va: UInt64, size: Int, _ acc: AccessKind = [], info: DataAbortInfo? = nil) throws(ArchException) -> UInt64 {
        try checkAlignment(va, size: size, acc)
        if translating && (va & 0xFFF) &+ UInt64(size) > 0x1000 { return try readBytewise(va, size: size, acc) }
        let pa = try translate(va, acc, info: info)
        if let p = bus.ramPointer(pa, size: size) { return PhysicalAddressSpace.loadRAM(p, size: size) }
        return try readDevice(pa, va: va, size: size, acc, info: info)
    }

    /// Store 1, 2, 4 or 8 bytes (the low bytes of `value`).
    @inline(__always)
    public func writeMemory(_ va: UInt64, size: Int, value: UInt64, _ acc: AccessKind = [], info: DataAbortInfo? = nil) throws(ArchException) {
        let acc = acc.union(.write)
        try checkAlignment(va, size: size, acc)
        if translating && (va & 0xFFF) &+ UInt64(size) > 0x1000 { return try writeBytewise(va, size: size, value: value, acc) }
        let pa = try translate(va, acc, info: info)
        if let p = bus.ramPointer(pa, size: size) {
            bus.noteRAMWrite(pa, size: size)
            PhysicalAddressSpace.storeRAM(p, size: size, value: value)
            if exclusiveValid { noteStoreForMonitor(pa) }
            return
        }
        try writeDevice(pa, va: va, size: size, value: value, acc, info: info)
    }

    /// An access that crosses a page boundary with translation on: each byte translates on its
    /// own page. All bytes are translated (and may fault) before any is written.
    func readBytewise(_ va: UInt64, size: Int, _ acc: AccessKind) throws(ArchException) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<size { v |= try readMemory(va &+ UInt64(i), size: 1, acc) << (8 * UInt64(i)) }
        return v
    }

    func writeBytewise(_ va: UInt64, size: Int, value: UInt64, _ acc: AccessKind) throws(ArchException) {
        for i in 0..<size { _ = try translate(va &+ UInt64(i), acc) }
        for i in 0..<size { try writeMemory(va &+ UInt64(i), size: 1, value: value >> (8 * UInt64(i)), acc) }
    }

    /// Physical address of a data access, for exclusives (the monitor tags physical addresses).
    @inline(__always)
    public func physicalAddress(_ va: UInt64, _ acc: AccessKind) throws(ArchException) -> UInt64 {
        try translate(va, acc)
    }

    /// An access that is neither RAM nor a device, or that the device refuses, is a
    /// synchronous external abort (DFSC 0b010000), reported with FAR.
    func readDevice(_ pa: UInt64, va: UInt64, size: Int, _ acc: AccessKind, info: DataAbortInfo?) throws(ArchException) -> UInt64 {
        if let (dev, off) = bus.device(at: pa), let v = dev.read(offset: off, size: size) { return v }
        throw ArchException(.dataAbort(FaultRecord(kind: .synchronousExternal), write: false), far: va)
    }

    func writeDevice(_ pa: UInt64, va: UInt64, size: Int, value: UInt64, _ acc: AccessKind, info: DataAbortInfo?) throws(ArchException) {
        if let (dev, off) = bus.device(at: pa), dev.write(offset: off, size: size, value: value) { return }
        throw ArchException(.dataAbort(FaultRecord(kind: .synchronousExternal), write: true), far: va)
    }

    /// A store by this CPU to the monitored granule clears the local monitor: the Arm ARM lets
    /// it (B2.9.5), and it keeps LDXR/STXR retry loops honest in a single-threaded interpreter.
    @inline(__always)
    func noteStoreForMonitor(_ pa: UInt64) {
        if pa & ~63 == exclusiveAddress & ~63 { exclusiveValid = false }
    }

    /// Fetch and decode the instruction at `pc`. The decoded-slot array of the page being
    /// executed is kept in `fetchPage`, so most fetches are one compare and one load; the
    /// translation runs again only when execution leaves the page or `flushFetchPage` was called.
    @inline(__always)
    func fetch(_ pc: UInt64) throws(ArchException) -> Inst {
        // Bits 1..0 stay in the compare: a misaligned PC takes the slow path and faults there.
        if pc & ~0xFFC == fetchPageVA {
            let slot = Int(truncatingIfNeeded: pc & 0xFFF) >> 2
            let i = fetchPage[slot]
            if i.group != .notDecoded { return i }
            return decodeCache.fill(fetchPage, pageOffset: fetchPageRAMOffset, slot: slot)
        }
        return try fetchSlow(pc)
    }

    func fetchSlow(_ pc: UInt64) throws(ArchException) -> Inst {
        if pc & 3 != 0 { throw ArchException(.pcAlignment, far: pc) }
        let pa = try translate(pc, .fetch)
        let off = pa &- bus.ramBase
        if off < bus.ramSize {
            fetchPageVA = pc & ~0xFFF
            fetchPageRAMOffset = off & ~0xFFF
            fetchPage = decodeCache.page(ramOffset: off)
            return try fetch(pc)
        }
        // Executing from a device or from nothing: an external abort on fetch.
        if let (dev, o) = bus.device(at: pa), let w = dev.read(offset: o, size: 4) {
            return A64Decoder.decode(UInt32(truncatingIfNeeded: w))
        }
        throw ArchException(.instructionAbort(FaultRecord(kind: .synchronousExternal)), far: pc)
    }

    /// Forget the fetch page: translation may have changed (MMU controls, EL, TLBI).
    @inline(__always)
    public func flushFetchPage() { fetchPageVA = 1 }
}

/// What the run loop's load/store fast path needs to reach RAM without a call: copied from the
/// bus once per `run` (so no retain of the bus per access) and refreshed after every
/// instruction that takes the slow path (which may change SCTLR, the EL or the regime).
@frozen @usableFromInline
struct HostRAM {
    let ram: UnsafeMutableRawPointer
    let ramBase: UInt64
    let ramSize: UInt64
    let codePages: UnsafeMutablePointer<UInt8>
    /// The regime is flat (no stage 1 or 2): a VA is the PA.
    var flat: Bool
    /// SCTLR_ELx.A: every misaligned access faults (B2.5.2).
    var alignCheck: Bool
}

extension CPU {
    @inline(__always)
    func hostRAM() -> HostRAM {
        let b = bus
        return HostRAM(ram: b.ram, ramBase: b.ramBase, ramSize: b.ramSize, codePages: b.codePages,
                       flat: !translating, alignCheck: currentSCTLR & SCTLR.A != 0)
    }

    /// The host address of `total` bytes at `va` for an ordinary (not exclusive, not ordered)
    /// access of elements of `elem` bytes, or nil when the full path must decide: translation
    /// on, a misaligned element with SCTLR.A set, not all RAM, or a store that must first drop
    /// predecoded code or clear the exclusive monitor. Nothing is changed, so the caller can
    /// fall back to the full path and get the architectural outcome there.
    @inline(__always)
    func fastRAM(_ va: UInt64, total: UInt64, elem: UInt64, write: Bool, _ h: HostRAM) -> UnsafeMutableRawPointer? {
        guard h.flat else { return nil }
        if h.alignCheck && va & (elem &- 1) != 0 { return nil }
        let off = va &- h.ramBase
        guard off < h.ramSize, h.ramSize &- off >= total else { return nil }
        if write {
            if (off & 0xFFF) &+ total > 0x1000 || h.codePages[Int(truncatingIfNeeded: off >> 12)] != 0
                || exclusiveValid {
                return nil
            }
        }
        return h.ram + Int(truncatingIfNeeded: off)
    }
}
