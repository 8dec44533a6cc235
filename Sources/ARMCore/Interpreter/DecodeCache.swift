import Bus
#if canImport(Glibc)
import Glibc
#endif

/// Predecoded instructions per 4 KiB page of RAM (docs/PERFORMANCE.md, "Hot-path rules"),
/// shared by all CPUs of a machine. A page's slots hold one instruction set, `instructionSet`
/// (A64): the same bytes are other instructions as A32 or T32, whose slots would also be 2
/// bytes apart, so the key of a decoded slot is its page and that set. AArch32 code goes
/// through `AArch32DecodeMemo`, keyed by set and encoding, instead. Within A64, decoding depends
/// on the word alone, so every CPU and EL shares a page's slots. A slot is decoded on first
/// execution; any write to a page that holds decoded slots (store, loader, DC ZVA) resets the
/// slots it covers, so self-modifying code runs its new instructions.
public final class DecodeCache {
    /// The instruction set of every slot, and the geometry it gives a page. Computed, so that
    /// the run loop folds them to constants.
    @inline(__always) static var instructionSet: InstructionSet { .a64 }
    @inline(__always) static var slotSize: Int { instructionSet.slotSize }
    /// log2(slotSize): a page offset shifted right by it is a slot index.
    @inline(__always) static var slotShift: Int { slotSize.trailingZeroBitCount }
    @inline(__always) static var pageSize: Int { 4096 }
    @inline(__always) static var slotsPerPage: Int { pageSize / slotSize }
    /// Slots of an array per host page (4 KiB of 16-byte `Inst`s): the slots whose first fill
    /// commits one more host page.
    static let slotsPerHostPage = 4096 / MemoryLayout<Inst>.stride

    /// The host memory the slot arrays may hold before `recycleIfFull` empties the cache:
    /// 6 MiB, a third of what a Debian arm64 boot filled when arrays lived forever. It holds
    /// the code of each phase of that boot, which then empties the cache 7 times; 4 MiB saved
    /// 2 MB more for 29 recycles and 3 % more host instructions (docs/PERFORMANCE.md, "Memory").
    public static let defaultBudgetBytes = 6 << 20

    unowned(unsafe) let bus: PhysicalAddressSpace
    /// One slot per RAM page: nil, or `slotsPerPage` instructions where group `.notDecoded`
    /// marks empty slots, followed by one more slot that stays `.notDecoded`: the run loop, which steps a
    /// pointer through the slots, leaves the page there without comparing addresses.
    /// A `LazyTable`: host memory only around RAM that holds code.
    private let pages: UnsafeMutablePointer<UnsafeMutablePointer<Inst>?>
    private let pageTable: LazyTable<UnsafeMutablePointer<Inst>?>
    /// Per RAM page, which host pages of its array hold a decoded slot (bit k: slots
    /// 256k..<256k+256), so that `committedBytes` counts each once.
    private let hostPages: UnsafeMutablePointer<UInt8>
    private let hostPageTable: LazyTable<UInt8>
    /// The pages that have slot arrays.
    private var allocated: [Int] = []
    /// Where slot arrays come from: zero-filled host memory committed on first touch.
    private let arena = SlotArena(arrayCount: DecodeCache.slotsPerPage + 1)
    /// An array that stays empty: the fetch page of a CPU that has none (`CPU.forgetFetchPage`).
    let noPage: UnsafeMutablePointer<Inst>

    /// Host memory the slot arrays hold: the host pages that decoded slots were written to.
    public private(set) var committedBytes = 0
    /// `recycleIfFull` empties the cache once `committedBytes` exceeds this.
    public var budgetBytes = DecodeCache.defaultBudgetBytes
    /// How many times the cache was emptied to stay within `budgetBytes`.
    public private(set) var recycles = 0

    /// The CPUs that keep a fetch page from this cache (`CPU.fetchPage`), which `recycle`
    /// must make them forget.
    private var cpus: [WeakCPU] = []

    /// Counts `invalidate` calls, so that the run loop can tell whether slots were dropped
    /// while its fast loop ran (only another CPU can, in `--threads` mode).
    public private(set) var invalidations: UInt64 = 0
    /// `--threads`: the caches of the other CPUs, whose host TLBs lose their write tags when a
    /// page here gets decoded slots (nil: a cache shared by every CPU).
    private var peers: [Peer] = []
    private struct Peer { unowned let cache: DecodeCache }
    /// `--threads`: DMB and DSB keep their generic group, so that they run on the full path,
    /// where taking the machine's lock is a full host barrier (x86 may let a later load pass an
    /// earlier store; DMB forbids it, B2.3.12).
    public var barriersTakeFullPath = false

    /// The translator beside the interpreter (JIT/), or nil to interpret only (`--interpreter`,
    /// or a host that cannot run generated code).
    public let jit: JIT?

    public init(bus: PhysicalAddressSpace, translate: Bool = false) {
        self.bus = bus
        jit = translate ? JIT() : nil
        pageTable = LazyTable(count: Int(bus.ramSize >> 12))
        pages = pageTable.base
        hostPageTable = LazyTable(count: Int(bus.ramSize >> 12))
        hostPages = hostPageTable.base
        let empty = UnsafeMutableRawPointer.allocate(byteCount: (Self.slotsPerPage + 1) * MemoryLayout<Inst>.stride,
                                                    alignment: 16)
        empty.initializeMemory(as: UInt8.self, repeating: 0, count: (Self.slotsPerPage + 1) * MemoryLayout<Inst>.stride)
        noPage = empty.bindMemory(to: Inst.self, capacity: Self.slotsPerPage + 1)
        bus.codeWritten = { [unowned self] off, size in self.invalidate(offset: off, size: size) }
    }

    deinit {
        pageTable.deallocate()
        hostPageTable.deallocate()
        noPage.deallocate()
    }

    /// A CPU that keeps fetch pages from this cache (called by `CPU.init`).
    func register(_ cpu: CPU) {
        cpus.removeAll { $0.cpu == nil }
        cpus.append(WeakCPU(cpu: cpu))
    }

    /// The table of slot arrays, one pointer (or zero) per RAM page: generated code reads it
    /// to jump between pages (JIT/BlockTranslator.swift, `farJump`).
    var pageTableBase: UnsafeMutableRawPointer { UnsafeMutableRawPointer(pages) }

    /// The decoded-slot array of the RAM page at offset `off`, created on first use. An array
    /// lives until `recycle`, which runs only where no CPU is inside `run`, so a CPU may keep
    /// the pointer of the page it is executing from.
    func page(ramOffset off: UInt64) -> UnsafeMutablePointer<Inst> {
        let page = Int(truncatingIfNeeded: off >> 12)
        if let p = pages[page] { return p }
        let p = arena.next()
        pages[page] = p
        allocated.append(page)
        bus.codePages[page] = 1
        // Host TLBs may hold a write tag for this page: stores to it must now take the path
        // that drops decoded slots.
        for t in hostTLBs { t?.flushWrites() }
        for peer in peers { for t in peer.cache.hostTLBs { t?.flushWrites() } }
        return p
    }

    /// Decode the word behind an empty slot of `page` and remember it, in its fast form where
    /// it has one, with its in-page branch target and compare-and-branch fusion
    /// (FastForms.swift).
    func fill(_ p: UnsafeMutablePointer<Inst>, pageOffset: UInt64, slot: Int) -> Inst {
        let w = (bus.ram + Int(truncatingIfNeeded: pageOffset) + slot << Self.slotShift).load(as: UInt32.self)
        var i = FastForms.specialize(A64Decoder.decode(UInt32(littleEndian: w)))
        FastForms.linkBranch(&i, slot: slot)
        FastForms.fuse(&i, in: p, slot: slot)
        // DMB and DSB: 1101 0101 0000 0011 0011 CRm 10x1 1111.
        if barriersTakeFullPath && UInt32(littleEndian: w) & 0xFFFF_F0DF == 0xD503_309F { i.group = i.group.genericGroup }
        p[slot] = i
        // The arrays are host-page aligned (SlotArena): the slot's host page is slot / 256.
        let page = Int(truncatingIfNeeded: pageOffset >> 12)
        let bit = UInt8(1) << UInt8(truncatingIfNeeded: slot / Self.slotsPerHostPage)
        if hostPages[page] & bit == 0 {
            hostPages[page] |= bit
            committedBytes += 4096
        }
        return i
    }

    /// Empty the cache when its arrays hold more than `budgetBytes` of host memory, and give
    /// that memory back to the host; true when it did. Call it only where no CPU is inside
    /// `run` (the machine's round boundary): a CPU in its run loop holds a pointer into its
    /// fetch page's array.
    @discardableResult
    public func recycleIfFull() -> Bool {
        guard committedBytes > budgetBytes else { return false }
        recycle()
        return true
    }

    /// Forget every decoded slot and release the arrays' host memory (see `recycleIfFull` for
    /// when it may run). The pages lose their code-page mark too, so stores to them no longer
    /// look for slots to drop; they decode again on their next execution.
    func recycle() {
        // Blocks live in the arrays' entry slots: they go with them.
        jit?.forgetAll()
        for page in allocated {
            pages[page] = nil
            hostPages[page] = 0
            bus.codePages[page] = 0
        }
        allocated.removeAll(keepingCapacity: true)
        arena.reset()
        committedBytes = 0
        recycles += 1
        for c in cpus { c.cpu?.forgetFetchPage() }
    }

    /// Each CPU's host TLB (`HostTLB`), made on its first `run`. It lives here, next to the
    /// other host-side cache of the machine, so that CPU needs no field for it.
    private var hostTLBs: [HostTLB?] = []

    func hostTLB(cpu index: Int) -> HostTLB {
        if index >= 0 && index < hostTLBs.count, let t = hostTLBs[index] { return t }
        let t = HostTLB(bus: bus)
        if index >= 0 {
            while hostTLBs.count <= index { hostTLBs.append(nil) }
            hostTLBs[index] = t
        }
        return t
    }

    /// `--threads`: one cache per CPU (the run loop empties a slot of its own cache while its
    /// fast loop runs, and fills must not race with another CPU reading the slot). A RAM write
    /// then drops the decoded slots of every cache, and a new code page in any cache takes back
    /// every CPU's write tags. The caller holds the machine's lock around both.
    public static func linkPerCPU(_ caches: [DecodeCache]) {
        guard let bus = caches.first?.bus else { return }
        let all = caches.map { Peer(cache: $0) }
        bus.codeWritten = { off, size in for p in all { p.cache.invalidate(offset: off, size: size) } }
        for c in caches {
            c.peers = all.filter { $0.cache !== c }
            c.barriersTakeFullPath = true
        }
    }

    private func invalidate(offset: UInt64, size: Int) {
        invalidations &+= 1
        let slotSize = UInt64(Self.slotSize)
        var a = offset & ~(slotSize - 1)
        let end = offset &+ UInt64(size)
        while a < end {
            let page = Int(a >> 12)
            if let p = pages[page] {
                // Blocks made from this page may hold the old instruction.
                if let jit, jit.hasBlocks { jit.drop(page: p) }
                let slot = Int(a & 0xFFF) >> Self.slotShift
                // An empty slot is left alone: writing its zeros would make the host commit a
                // page of the array that holds no decoded slot.
                if p[slot].group != .notDecoded { p[slot] = Inst(.notDecoded) }
                // A compare fused with the B.cond that was here must not run the new word.
                if slot > 0 && p[slot - 1].group.isFused { p[slot - 1] = Inst(.notDecoded) }
            }
            a &+= slotSize
        }
    }
}

/// One entry of a host TLB: a 4 KiB virtual page that the current regime maps to RAM with read
/// (`readTag`), write (`writeTag`) and/or execute (`execTag`) permission at the current EL, and
/// `addend`, where that page is in host memory, as the host address minus the page's VA
/// (QEMU's softmmu keeps the same), so that a VA the tags matched plus `addend` is its host
/// address: one ADD in generated code. A tag is the page address ORed with the table's
/// epoch (2...4095), so zero never matches, and an entry of zeros (one the host never committed,
/// see `HostTLB.release`) is empty. The execute tag lets the A64 loop move to another code page
/// without a translation (`CPU.switchFetchPage`). `addend` is set whenever a tag is.
@frozen @usableFromInline
struct HostTLBEntry {
    var readTag: UInt64
    var writeTag: UInt64
    var addend: UInt64
    var execTag: UInt64

    /// Point the entry at `host` for the page of `va`. Tags set for another mapping go; the
    /// caller sets the ones this page gets.
    @inline(__always)
    mutating func point(at host: UnsafeMutableRawPointer, va: UInt64) {
        let a = UInt64(UInt(bitPattern: host)) &- (va & ~0xFFF)
        if addend != a { readTag = 0; writeTag = 0; execTag = 0 }
        addend = a
    }

    /// The host address of `va`, a VA of the page a tag of this entry matched.
    @inline(__always)
    func host(_ va: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: addend &+ va)).unsafelyUnwrapped
    }
}

/// A CPU's host TLB (docs/PERFORMANCE.md, "Hot-path rules"): 65,536 direct-mapped entries in
/// front of the architectural TLB for the load/store fast path of `CPU.run` when translation is
/// on. It only copies what Stage2MMU's TLB holds (filled from a hit there, never by a walk of its
/// own) and is emptied, by a new epoch, whenever that could go stale: after any instruction that
/// changes the regime or a TLB, this CPU's or, by a broadcast TLBI, another's (all of which call
/// `flushFetchPage`); it lives across the run loop's turns otherwise. Entries hold the
/// permissions of the EL that filled them, and bit 0 of the epoch says whether that was EL0: an
/// exception between EL0 and EL1 in the same regime (a system call, its return) only selects the
/// other half of the tags (`select`) and the entries of both ELs stay.
///
/// The table is 2 MiB of address space that the host commits page by page as entries are
/// filled: a working set of up to 65,536 pages (256 MiB) hits without a walk, as QEMU's grown
/// softmmu TLB does, while a guest that uses few pages costs a few host pages. Once more than
/// `keptHostPages` of them hold entries, an emptying flush gives them back (`release`).
///
/// It also carries what the fast path needs to reach RAM without going through the bus (no
/// retain of the bus per access): RAM's host mapping, and the CPU's regime and SCTLR.A as of
/// the last slow-path instruction (`CPU.refreshHostTLB`).
final class HostTLB {
    static let entryCount = 1 << 16
    /// Entries per host page of the table (32 bytes each).
    static let entriesPerHostPage = 4096 / MemoryLayout<HostTLBEntry>.stride
    static let hostPageCount = entryCount / entriesPerHostPage
    /// Host pages of entries a flush keeps committed (256 KiB): a Linux boot fills a few hundred
    /// entries between two flushes, and the 2-CPU boot's peak RSS has little room.
    static let keptHostPages = 64
    let entries: UnsafeMutablePointer<HostTLBEntry>
    /// The table comes from its own mapping (nil: the heap, when the host refused one).
    private let mapping: UnsafeMutableRawPointer?
    /// Which host pages of the table an entry was filled in since the last `release`, one bit
    /// each, and how many.
    private let filledPages: UnsafeMutablePointer<UInt64>
    private(set) var filledPageCount = 0
    /// The tag bits of the current read and execute tags: `generation` (even) and bit 0 for
    /// EL0. Write tags have their own (`writeEpoch`), so that write permission can be taken
    /// back alone (`flushWrites`).
    private(set) var epoch: UInt64 = 2
    private var generation: UInt64 = 2
    private(set) var writeEpoch: UInt64 = 2
    private var writeGeneration: UInt64 = 2
    let ram: UnsafeMutableRawPointer
    let ramBase: UInt64
    let ramSize: UInt64
    let codePages: UnsafeMutablePointer<UInt8>
    /// The regime is flat (no stage 1 or 2): a VA is the PA.
    var flat = true
    /// SCTLR_ELx.A: every misaligned access faults (B2.5.2).
    var alignCheck = false
    /// DC CVAC/CVAU/CIVAC and IC IVAU trap at neither EL0 (SCTLR_EL1.UCI) nor to EL2
    /// (HCR_EL2.TPC/TPU) at the current EL: on a page the host TLB may read, they do nothing.
    var cacheMaintenanceFast = false
    /// DC ZVA's block size when it neither traps (SCTLR_EL1.DZE, HCR_EL2.TDZ) nor is
    /// prohibited at the current EL; 0 sends it to the full path.
    var zeroBlockSize: UInt64 = 0

    static var tableBytes: Int { entryCount * MemoryLayout<HostTLBEntry>.stride }

    init(bus: PhysicalAddressSpace) {
        ram = bus.ram
        ramBase = bus.ramBase
        ramSize = bus.ramSize
        codePages = bus.codePages
        let m = mmap(nil, HostTLB.tableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if let m, m != MAP_FAILED {
            // Page by page: a transparent huge page would commit the whole table at once.
            _ = madvise(m, HostTLB.tableBytes, MADV_NOHUGEPAGE)
            mapping = m
            entries = m.bindMemory(to: HostTLBEntry.self, capacity: HostTLB.entryCount)
        } else {
            mapping = nil
            let raw = UnsafeMutableRawPointer.allocate(byteCount: HostTLB.tableBytes, alignment: 4096)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: HostTLB.tableBytes)
            entries = raw.bindMemory(to: HostTLBEntry.self, capacity: HostTLB.entryCount)
        }
        filledPages = .allocate(capacity: HostTLB.hostPageCount / 64)
        filledPages.initialize(repeating: 0, count: HostTLB.hostPageCount / 64)
    }

    deinit {
        if let mapping { munmap(mapping, HostTLB.tableBytes) } else { UnsafeMutableRawPointer(entries).deallocate() }
        filledPages.deallocate()
    }

    /// The entry `va`'s page occupies.
    @inline(__always)
    func entry(_ va: UInt64) -> UnsafeMutablePointer<HostTLBEntry> {
        entries + Int(truncatingIfNeeded: (va >> 12) & UInt64(HostTLB.entryCount - 1))
    }

    /// The entry `va`'s page occupies, about to be filled: its host page is counted as committed.
    @inline(__always)
    func entryToFill(_ va: UInt64) -> UnsafeMutablePointer<HostTLBEntry> {
        let k = Int(truncatingIfNeeded: (va >> 12) & UInt64(HostTLB.entryCount - 1))
        let page = k / HostTLB.entriesPerHostPage
        let bit = UInt64(1) << UInt64(page & 63)
        if filledPages[page >> 6] & bit == 0 {
            filledPages[page >> 6] |= bit
            filledPageCount += 1
        }
        return entries + k
    }

    /// Forget every entry: a new generation, and the table given back to the host when it holds
    /// more than `keptHostPages` or the 12-bit epoch wraps.
    func flush() {
        generation &+= 2
        if generation > 0xFFE {
            generation = 2
            writeGeneration = 2
            release()
        } else if filledPageCount > HostTLB.keptHostPages {
            release()
        }
        epoch = generation | (epoch & 1)
        flushWrites()
    }

    /// Forget every write tag, keeping read and execute tags: a load-exclusive (stores must
    /// see the monitor) and a page that gets decoded slots (stores must drop them) need no more.
    func flushWrites() {
        writeGeneration &+= 2
        if writeGeneration > 0xFFE {
            // Every tag goes: the read ones' generation may go back to 2 too.
            generation = 2
            writeGeneration = 2
            release()
            epoch = generation | (epoch & 1)
        }
        writeEpoch = writeGeneration | (epoch & 1)
    }

    /// Empty every entry and give the table's host pages back (they read as zeros again); the
    /// caller starts a new generation.
    private func release() {
        if let mapping {
            _ = madvise(mapping, HostTLB.tableBytes, MADV_DONTNEED)
        } else {
            UnsafeMutableRawPointer(entries).initializeMemory(as: UInt8.self, repeating: 0, count: HostTLB.tableBytes)
        }
        filledPages.update(repeating: 0, count: HostTLB.hostPageCount / 64)
        filledPageCount = 0
    }

    /// Drop whatever entry `va`'s page may have (a TLBI by VA), without committing a host page
    /// of the table that holds none.
    func forget(_ va: UInt64) {
        let e = entry(va)
        if e.pointee.readTag | e.pointee.writeTag | e.pointee.execTag != 0 {
            e.pointee.readTag = 0
            e.pointee.writeTag = 0
            e.pointee.execTag = 0
        }
    }

    /// Use the entries made at EL0 (`el0`) or at a higher EL.
    @inline(__always)
    func select(el0: Bool) {
        epoch = generation | (el0 ? 1 : 0)
        writeEpoch = writeGeneration | (el0 ? 1 : 0)
    }
}

/// A CPU the decode cache may have to tell to forget its fetch page; weak, so that a cache
/// that outlives its CPUs (tests make both freely) never reaches a freed one.
struct WeakCPU {
    weak var cpu: CPU?
}

extension CPU {
    /// The decode cache was emptied (`DecodeCache.recycle`): the fetch page's array is gone.
    /// The next fetch translates its PC again and gets the page's new array.
    func forgetFetchPage() {
        fetchPageVA = 1
        fetchPage = decodeCache.noPage
    }
}

/// Slot arrays for the decode cache, carved one after another from large anonymous mappings
/// that the host commits page by page on first touch, zero-filled (`InstGroup.notDecoded` is
/// 0). A guest page whose code runs in a few places costs the host only the 4 KiB pages those
/// slots fall in, not the whole 16 KiB array: in a Linux boot most code pages are run only in
/// part. Each array starts on a host page (its 1,025th slot, which is only read, takes a fifth
/// page of address space but no memory), so that the cache can count the host pages it
/// commits. `reset` gives all of it back to the host (MADV_DONTNEED: the pages read as zeros
/// again) and starts carving from the beginning.
final class SlotArena {
    private let arrayBytes: Int
    private let strideBytes: Int
    private let chunkBytes: Int
    /// The mappings, in the order they are carved; `current` is the one being carved.
    private var chunks: [UnsafeMutableRawPointer] = []
    private var current = -1
    /// Arrays from the heap, when the host refused a mapping; freed by `reset`.
    private var loose: [UnsafeMutableRawPointer] = []
    private var cursor = UnsafeMutableRawPointer(bitPattern: 4096)
    private var left = 0

    init(arrayCount: Int) {
        arrayBytes = arrayCount * MemoryLayout<Inst>.stride
        strideBytes = (arrayBytes + 4095) & ~4095
        chunkBytes = strideBytes * 2048 // 40 MiB of address space, reserved, not committed
    }

    deinit {
        for c in chunks { munmap(c, chunkBytes) }
        for p in loose { p.deallocate() }
    }

    /// A fresh, empty slot array, aligned to a host page.
    func next() -> UnsafeMutablePointer<Inst> {
        if left < strideBytes {
            current += 1
            if current == chunks.count {
                let m = mmap(nil, chunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                if let m, m != MAP_FAILED {
                    chunks.append(m)
                } else {
                    // No address space for a mapping: an ordinary zeroed array.
                    current -= 1
                    let raw = UnsafeMutableRawPointer.allocate(byteCount: arrayBytes, alignment: 4096)
                    raw.initializeMemory(as: UInt8.self, repeating: 0, count: arrayBytes)
                    loose.append(raw)
                    return raw.bindMemory(to: Inst.self, capacity: arrayBytes / MemoryLayout<Inst>.stride)
                }
            }
            cursor = chunks[current]
            left = chunkBytes
        }
        let p = cursor.unsafelyUnwrapped
        cursor = p + strideBytes
        left -= strideBytes
        return p.bindMemory(to: Inst.self, capacity: arrayBytes / MemoryLayout<Inst>.stride)
    }

    /// Forget every array handed out: their host pages go back to the host and read as zeros
    /// (empty slots) when carved again.
    func reset() {
        for c in chunks { madvise(c, chunkBytes, MADV_DONTNEED) }
        for p in loose { p.deallocate() }
        loose.removeAll()
        current = -1
        left = 0
    }
}
