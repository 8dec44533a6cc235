import Bus
import Stage2MMU

/// Virtual memory access for the executors. Every guest load, store and fetch comes through here:
/// translation (`Translation.swift`: stage 1 and 2 through `Stage2MMU`; with both stages off a VA
/// is the PA), alignment checks, then RAM through a host pointer or MMIO through the bus. A failed
/// access throws the architectural abort; nothing here can fail on the host.
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
        if watchArmed { try checkWatchpoints(va, size: size, write: false) }
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
        if watchArmed { try checkWatchpoints(va, size: size, write: true) }
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
    /// synchronous external abort (DFSC 0b010000), reported with FAR: an instruction abort for
    /// a fetch (the AArch32 loop fetches through here), a data abort otherwise.
    func readDevice(_ pa: UInt64, va: UInt64, size: Int, _ acc: AccessKind, info: DataAbortInfo?) throws(ArchException) -> UInt64 {
        if let (dev, off) = bus.device(at: pa), let v = dev.read(offset: off, size: size) { return v }
        if acc.contains(.fetch) { throw ArchException(.instructionAbort(FaultRecord(kind: .synchronousExternal)), far: va) }
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
            let slot = Int(truncatingIfNeeded: pc & 0xFFF) >> DecodeCache.slotShift
            let i = fetchPage[slot]
            if i.group == .jitBlock { return decodeCache.jit?.original(i) ?? .undefined }
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
            // After page(), which flushes the host TLBs when the page first holds code.
            noteExecutable(pc, ramPageOffset: off & ~0xFFF)
            return try fetch(pc)
        }
        // Executing from a device or from nothing: an external abort on fetch.
        if let (dev, o) = bus.device(at: pa), let w = dev.read(offset: o, size: 4) {
            return A64Decoder.decode(UInt32(truncatingIfNeeded: w))
        }
        throw ArchException(.instructionAbort(FaultRecord(kind: .synchronousExternal)), far: pc)
    }

    /// Give the host TLB entry of `pc`'s page an execute tag: the regime lets the current EL
    /// execute it (a fetch translation just succeeded), and it is the RAM page at
    /// `ramPageOffset`. The tag goes with the rest of the host TLB whenever translation may
    /// have changed (`refreshHostTLB`).
    func noteExecutable(_ pc: UInt64, ramPageOffset off: UInt64) {
        guard !aarch32, bus.ramSize &- off >= 0x1000 else { return }
        let h = decodeCache.hostTLB(cpu: index)
        let e = h.entryToFill(pc)
        e.pointee.point(at: h.ram + Int(truncatingIfNeeded: off), va: pc)
        e.pointee.execTag = (pc & ~0xFFF) | h.epoch
    }

    /// The A64 loop leaving its code page: the decoded slots of the page at `pc` when the host
    /// TLB holds an execute tag for it, made the fetch page; nil sends the instruction to the
    /// full path (which translates, faults if it must, and notes the tag for next time). A page
    /// change is a call or return across pages every few dozen instructions of a kernel, and
    /// each one took a full-path step before this.
    @inline(__always)
    func switchFetchPage(_ pc: UInt64, _ h: HostTLB) -> UnsafeMutablePointer<Inst>? {
        let e = h.entry(pc)
        // A misaligned PC takes the full path, which faults.
        guard pc & 3 == 0, e.pointee.execTag == (pc & ~0xFFF) | h.epoch else { return nil }
        let off = UInt64(h.ram.distance(to: e.pointee.host(pc & ~0xFFF)))
        fetchPageVA = pc & ~0xFFF
        fetchPageRAMOffset = off
        fetchPage = decodeCache.page(ramOffset: off)
        return fetchPage
    }

    /// Forget the fetch page: translation may have changed (MMU controls, EL, TLBI).
    @inline(__always)
    public func flushFetchPage() {
        fetchPageVA = 1
        fetch32PageVA = 1
        hostTLBKeepsEntries = false
    }
}

extension CPU {
    /// Bring the fast path's copy of the CPU's state up to date (after a slow-path instruction).
    @inline(__always)
    func refreshHostTLB(_ t: HostTLB, changed: Bool = false) {
        // `changed`: flushFetchPage() ran, the regime, the EL or a TLB changed. Entries made
        // under translation go; a flat regime maps every VA to the same PA, read-write, at
        // every EL, so from flat to flat (an HVC and its ERET with the MMUs off) they stay.
        // With `hostTLBKeepsEntries`, only the EL changed, between EL0 and EL1 of one regime
        // (`updateTranslationRegime`): `select` below picks that EL's entries.
        let flat = !translating
        if changed && !(flat && t.flat) && !hostTLBKeepsEntries { t.flush() }
        hostTLBKeepsEntries = false
        t.select(el0: el == 0)
        t.flat = flat
        t.alignCheck = currentSCTLR & SCTLR.A != 0
        // The traps of executeSys (D13.2.48 HCR_EL2, D13.2.118 SCTLR_EL1), which change only
        // with the EL or a write to SCTLR_EL1 or HCR_EL2, all of which flush the fetch page.
        guard changed else { return }
        let sctlr1 = sysregs[SysReg.SCTLR_EL1]
        let hcr = el < 2 && hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        t.cacheMaintenanceFast = (el != 0 || sctlr1 & SCTLR.UCI != 0) && hcr & (HCR.TPC | HCR.TPU) == 0
        let zva = (el != 0 || sctlr1 & SCTLR.DZE != 0) && hcr & HCR.TDZ == 0
        t.zeroBlockSize = zva ? UInt64(4) << (sysregs[SysReg.DCZID_EL0] & 0xF) : 0
    }

    /// The host address of `total` bytes at `va` for an ordinary (not exclusive, not ordered)
    /// access of elements of `elem` bytes, or nil when the full path must decide: a page the
    /// host TLB does not hold for this access, a misaligned element with SCTLR.A set, an access
    /// that crosses a page. Nothing is changed, so the caller can fall back to the full path
    /// and get the architectural outcome there.
    ///
    /// A hit is one tag compare, with the MMU on or off: the host TLB maps flat regimes too.
    /// Stores need no further test because a page only gets a write tag while it holds no
    /// decoded code and the exclusive monitor is clear (see `hostTLBFill`).
    @inline(__always)
    func fastRAM(_ va: UInt64, total: UInt64, elem: UInt64, write: Bool, _ h: HostTLB) -> UnsafeMutableRawPointer? {
        if va & (elem &- 1) != 0 {
            // Misaligned: allowed unless SCTLR.A is set (B2.5.2), on the full path if it
            // crosses a page.
            if h.alignCheck || (va & 0xFFF) &+ total > 0x1000 { return nil }
        } else if total > elem && (va & 0xFFF) &+ total > 0x1000 {
            return nil  // an aligned pair that crosses a page
        }
        let e = h.entry(va)
        let tag = (va & ~0xFFF) | (write ? h.writeEpoch : h.epoch)
        if (write ? e.pointee.writeTag : e.pointee.readTag) == tag {
            // A tag is never set without `addend` (HostTLBEntry).
            return e.pointee.host(va)
        }
        guard let off = hostTLBFill(va, write: write, h) else { return nil }
        return h.ram + Int(truncatingIfNeeded: off)
    }

    /// A host TLB miss: with the MMU off, `va` is the PA; with it on, copy the translation of
    /// `va` from Stage2MMU's TLB if it is there and allows the access at this EL. When the page
    /// is RAM, remember it and return the RAM offset of `va`; otherwise nil, and the full path
    /// translates (walks, faults, traces) as it always does.
    ///
    /// A write tag is only given to a page with no decoded code while the exclusive monitor is
    /// clear, so a fast store never has to drop decoded slots or clear the monitor: the decode
    /// cache flushes every host TLB when a page gets decoded slots, and a load-exclusive
    /// flushes its CPU's.
    @inline(never)
    func hostTLBFill(_ va: UInt64, write: Bool, _ h: HostTLB) -> UInt64? {
        // Watchpoints are checked on the full path only: no page is served while one is armed.
        if watchArmed { return nil }
        let pagePA: UInt64
        var writable = true
        var readable = true
        if h.flat {
            pagePA = va & ~0xFFF
        } else {
            let a = regime.stage1.effectiveAddress(walkAddress(va))
            guard let r = mmu.tlb.lookup(a, regime.tlbContext),
                  r.permissionFault(for: write ? .write : [], el: el) == nil else { return nil }
            pagePA = r.physicalAddress & ~0xFFF
            // Both tags from one lookup where the entry allows both: a page read and then
            // written (a stack, a structure) costs one fill.
            readable = !write || r.permissionFault(for: [], el: el) == nil
            writable = write || r.permissionFault(for: .write, el: el) == nil
        }
        let off = pagePA &- h.ramBase
        guard off < h.ramSize, h.ramSize &- off >= 0x1000 else { return nil }
        // No write tag for a page with decoded code (a store must drop its slots) or for the
        // page of the granule the exclusive monitor tags (a store there clears the monitor,
        // `noteStoreForMonitor`). Only that page: Linux's LL/SC loops leave the monitor set
        // when a compare fails, and every store of every page then took the full path.
        if h.codePages[Int(truncatingIfNeeded: off >> 12)] != 0 || (exclusiveValid && exclusiveAddress & ~0xFFF == pagePA) {
            if write { return nil }
            writable = false
        }
        let e = h.entryToFill(va)
        let page = va & ~0xFFF
        e.pointee.point(at: h.ram + Int(truncatingIfNeeded: off), va: page)
        if writable { e.pointee.writeTag = page | h.writeEpoch }
        if readable { e.pointee.readTag = page | h.epoch }
        return off | (va & 0xFFF)
    }
}
