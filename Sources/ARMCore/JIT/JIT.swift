#if canImport(Glibc)
import Glibc
#endif

/// The A64 translator beside the interpreter (docs/ARCHITECTURE.md, "JIT"): which slots are
/// hot, the blocks made for them, and their lifetime. One per machine, next to the decode
/// cache whose slots it reads, so every CPU shares the blocks as they share the slots.
///
/// A block is entered from the run loop's dispatch: its entry slot's group becomes
/// `.jitBlock`, so no other instruction pays anything for it. An in-page branch target or a
/// page entry that the run loop reaches `threshold` times (counted in a small hashed table;
/// a collision only makes a block sooner) gets a block. Blocks last until their page is
/// written (`drop(page:)`, from the decode cache's invalidation) or the code buffer fills up,
/// when all of them go.
public final class JIT {
    static let threshold: UInt8 = 24
    /// A32 blocks wait longer: the AArch32 fast loop (`CPU.runSlots32`) runs lukewarm code
    /// nearly as fast as a block would, and each block costs its code and slot memory. On the
    /// armhf Linux boot, 160 makes 15,400 blocks where 24 made 27,200, with 7.4 MiB of code
    /// against 13.2 and 6 MiB less peak RSS, in the same time (docs/PERFORMANCE.md). The arm64
    /// boot measured neither gain nor loss from waiting longer.
    static let threshold32: UInt8 = 160
    static let counterCount = 1 << 14

    let buffer: JITCodeBuffer
    let counters: UnsafeMutablePointer<UInt8>
    /// The A32 blocks (JIT/CPU+JIT32.swift), which share the code buffer and the counters.
    let a32 = A32Blocks()
    /// Entry slots of the blocks of each page, by the page's slot array.
    private var entries: [UnsafeMutablePointer<Inst>: [Int]] = [:]
    /// Each CPU's context (`JITContext`), made on first use.
    private var contexts: [UnsafeMutablePointer<UInt64>?] = []
    /// Blocks made, and times the buffer was emptied (for --stats and tests).
    public private(set) var blocksTranslated = 0
    public private(set) var flushes = 0
    /// Entries into generated code, how they ended (by `JITExit`), and the guest
    /// instructions retired in generated code, summed over the CPUs' contexts.
    public var entriesRun: Int { Int(truncatingIfNeeded: total(JITContext.entriesRunWord)) }
    public var exits: [Int] { (0..<5).map { Int(truncatingIfNeeded: total(JITContext.exitsWord + $0)) } }
    public var instructionsRun: UInt64 { total(JITContext.instructionsRunWord) }

    private func total(_ word: Int) -> UInt64 {
        contexts.reduce(0) { $0 &+ ($1?[word] ?? 0) }
    }

    /// One line for --stats.
    public var summary: String {
        let exits = self.exits
        return "\(blocksTranslated) blocks (\(flushes) flushes, \(buffer.cursor >> 10) KiB of code now), \(entriesRun) entries, \(instructionsRun) instructions; "
            + "exits: \(exits[0]) next, \(exits[1]) declined, \(exits[2]) load misses, \(exits[3]) store misses, "
            + "\(exits[4]) full path; A32: \(a32.blocksTranslated) blocks, \(a32.entriesRun) entries, "
            + "\(a32.instructionsRun) instructions; exits: \(a32.exits.map(String.init).joined(separator: " "))"
    }

    /// `--perf-map`: every block's code and the guest address it was made for, in perf's
    /// format for code made at run time (/tmp/perf-PID.map, one "START SIZE NAME" line in hex
    /// per block), so that `perf report` names the host time spent in generated code by guest
    /// code: `a64_<VA>` or `a32_<VA>` for the block whose first instruction is at VA. A block serves its
    /// physical page at any VA; the name gives the one it was made at.
    private var perfMap: UnsafeMutablePointer<FILE>?

    /// Start writing the perf map; nil, or why it cannot be written.
    public func startPerfMap() -> String? {
        let path = "/tmp/perf-\(getpid()).map"
        guard let f = fopen(path, "w") else { return "cannot write \(path): \(String(cString: strerror(errno)))" }
        perfMap = f
        return nil
    }

    /// One block for the perf map (line-buffered: a map read while armvm runs is complete).
    func notePerfMap(at offset: Int, length: Int, isa: String, va: UInt64) {
        guard let f = perfMap else { return }
        let start = UInt(bitPattern: buffer.base) + UInt(offset)
        fputs("\(String(start, radix: 16)) \(String(length, radix: 16)) \(isa)_\(String(va, radix: 16))\n", f)
        fflush(f)
    }

    /// nil when this host cannot run generated code (not x86-64, or no executable mapping).
    init?() {
        #if arch(x86_64)
        guard JIT.layoutMatches, A32JIT.layoutMatches, let b = JITCodeBuffer() else { return nil }
        buffer = b
        counters = .allocate(capacity: JIT.counterCount)
        counters.initialize(repeating: 0, count: JIT.counterCount)
        #else
        return nil
        #endif
    }

    deinit {
        if let f = perfMap { fclose(f) }
        counters.deallocate()
        for c in contexts { c?.deallocate() }
    }

    /// The generated code reads the host TLB's entries and the decoded slots at fixed offsets.
    private static var layoutMatches: Bool {
        MemoryLayout<HostTLBEntry>.stride == 32
            && MemoryLayout<HostTLBEntry>.offset(of: \.readTag) == 0
            && MemoryLayout<HostTLBEntry>.offset(of: \.writeTag) == 8
            && MemoryLayout<HostTLBEntry>.offset(of: \.addend) == 16
            && MemoryLayout<Inst>.stride == 16
            && MemoryLayout<Inst>.offset(of: \.imm) == 8
    }

    func context(cpu index: Int) -> UnsafeMutablePointer<UInt64> {
        if index >= 0 && index < contexts.count, let c = contexts[index] { return c }
        let c = UnsafeMutablePointer<UInt64>.allocate(capacity: JITContext.words)
        c.initialize(repeating: 0, count: JITContext.words)
        if index >= 0 {
            while contexts.count <= index { contexts.append(nil) }
            contexts[index] = c
        }
        return c
    }

    /// Count one arrival at `ip`; true when it just became hot.
    @inline(__always)
    func arrive(_ ip: UnsafePointer<Inst>) -> Bool {
        let c = counters + Int(truncatingIfNeeded: (UInt(bitPattern: ip) >> 4) & UInt(JIT.counterCount - 1))
        c.pointee &+= 1
        return c.pointee == JIT.threshold
    }

    /// Make the block that starts at `slot` of `page`, if it is worth one.
    @inline(never)
    func translate(page: UnsafeMutablePointer<Inst>, slot: Int, pageVA: UInt64, depth: Int = 0) {
        guard slot >= 0 && slot < DecodeCache.slotsPerPage else { return }
        let g = page[slot].group
        // A B.cond after a fused compare keeps its `imm` for the fast loop's fused path.
        guard g != .jitBlock && g != .notDecoded, slot == 0 || !page[slot - 1].group.isFused else { return }
        let a = X86Assembler(into: buffer.base.assumingMemoryBound(to: UInt8.self) + buffer.cursor,
                             capacity: buffer.room)
        let (made, full, stoppedAt, successors) = BlockTranslator.translate(
            page: page, slot: slot, origin: buffer.cursor, epilogue: buffer.epilogue, into: a, original: original)
        // Past an instruction the translator leaves to the run loop, the code goes on: give
        // it a block as well, so that the loop re-enters generated code after one instruction.
        defer {
            if let s = stoppedAt, depth < 8 { translate(page: page, slot: s + 1, pageVA: pageVA, depth: depth + 1) }
            if depth < 3 { for s in successors { translate(page: page, slot: s, pageVA: pageVA, depth: depth + 1) } }
        }
        if full {
            // The buffer is full: empty it and make the block again at the front.
            dropAll()
            if depth < 8 { translate(page: page, slot: slot, pageVA: pageVA, depth: 8) }
            return
        }
        guard let length = made else { return }
        let at = buffer.commit(length)
        if perfMap != nil {
            notePerfMap(at: at, length: length, isa: "a64", va: pageVA &+ UInt64(slot * 4))
        }
        page[slot].group = .jitBlock
        page[slot].imm = UInt64(UInt(bitPattern: buffer.base + at))
        entries[page, default: []].append(slot)
        blocksTranslated += 1
    }

    /// The instruction a slot stands for: its own, or the one its block's header keeps.
    func original(_ i: Inst) -> Inst {
        guard i.group == .jitBlock, let h = UnsafeRawPointer(bitPattern: UInt(i.imm)) else { return i }
        return JITBlockHeader.original(h)
    }

    /// Give every entry slot of `page` its instruction back: the page was written.
    func drop(page: UnsafeMutablePointer<Inst>) {
        guard let slots = entries.removeValue(forKey: page) else { return }
        for s in slots where page[s].group == .jitBlock { page[s] = original(page[s]) }
    }

    var hasBlocks: Bool { !entries.isEmpty }

    /// Forget every block without giving slots back: the decode cache is emptying every
    /// slot array (`DecodeCache.recycle`).
    func forgetAll() {
        entries.removeAll()
        a32.forgetAll()
        buffer.reset()
        flushes += 1
    }

    func dropAll() {
        for p in Array(entries.keys) { drop(page: p) }
        a32.forgetAll()
        buffer.reset()
        flushes += 1
    }
}

/// How a CPU enters generated code: the register file and the CPU's context.
typealias JITEntry = @convention(c) (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Int
