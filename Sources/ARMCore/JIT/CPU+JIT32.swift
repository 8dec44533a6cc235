/// The A32 blocks of a machine (A32BlockTranslator.swift): which slots of which CPU's slot
/// table are block entries, so that they get their instructions back when the shared code
/// buffer is emptied (`JIT.dropAll`, `JIT.forgetAll`), and counts for --stats and tests.
final class A32Blocks {
    private struct Entry {
        unowned(unsafe) let memo: AArch32DecodeMemo
        let index: Int
        let at: UInt32
    }
    private var entries: [Entry] = []
    private(set) var blocksTranslated = 0
    /// Entries into A32 blocks and the guest instructions retired in them, over every CPU.
    var entriesRun: Int { memos.reduce(0) { $0 + ($1.memo?.jitEntries ?? 0) } }
    var instructionsRun: UInt64 { memos.reduce(0) { $0 + ($1.memo?.jitInstructions ?? 0) } }
    /// Entries by how they ended: next, declined, load misses, store misses, full path, stale.
    var exits: [Int] {
        (0..<6).map { k in memos.reduce(0) { $0 + ($1.memo.map { $0.jitExits[k] } ?? 0) } }
    }
    private struct WeakMemo { weak var memo: AArch32DecodeMemo? }
    private var memos: [WeakMemo] = []

    func note(_ memo: AArch32DecodeMemo, index: Int, at: UInt32) {
        if !memos.contains(where: { $0.memo === memo }) { memos.append(WeakMemo(memo: memo)) }
        entries.append(Entry(memo: memo, index: index, at: at))
        blocksTranslated += 1
    }

    /// Jumps of blocks already made that go through the dispatch to an instruction of their
    /// page that had no block, by that instruction's host address (offsets of their rel32 in
    /// the code buffer, with the register bank they were made for). The block made later
    /// from the same RAM for the same bank takes them (`blockMade`), as a chain made at
    /// translation would: a block checks its words and bank at entry anyway. Keyed by RAM
    /// rather than by PC, since one VA may hold other code later (another process, a module),
    /// and such a jump would leave `stale` at every turn. Without this, a loop whose blocks
    /// were made in the wrong order went through the dispatch on every turn.
    private var waiting: [UInt: [(site: Int, bank: UnsafeMutablePointer<UInt8>)]] = [:]
    /// The jumps given to each block, by its offset: they go back to waiting when it goes
    /// stale (its words were rewritten: Linux patches its text), or every turn through them
    /// would leave `stale` while a block made for the new words stood in the slot.
    private var given: [Int: [(site: Int, bank: UnsafeMutablePointer<UInt8>, host: UInt)]] = [:]

    func awaitBlock(at host: UnsafeMutableRawPointer, site: Int, bank: UnsafeMutablePointer<UInt8>) {
        waiting[UInt(bitPattern: host), default: []].append((site, bank))
    }

    /// The block for the instruction at `host`, made for `bank`, starts at `at` of the code
    /// buffer at `base`: point the waiting jumps of blocks of that bank at its body.
    func blockMade(at host: UnsafeMutableRawPointer, bank: UnsafeMutablePointer<UInt8>, offset at: Int,
                   base: UnsafeMutableRawPointer) {
        let key = UInt(bitPattern: host)
        guard let sites = waiting[key] else { return }
        var rest: [(site: Int, bank: UnsafeMutablePointer<UInt8>)] = []
        for w in sites {
            guard w.bank == bank else { rest.append(w); continue }
            Self.point(base + w.site, to: at + A32BlockTranslator.bodyOffset, from: w.site)
            given[at, default: []].append((w.site, w.bank, key))
        }
        waiting[key] = rest.isEmpty ? nil : rest
    }

    /// The block at offset `at` left `stale`: the jumps given to it go to the dispatch again
    /// and wait for the block made next for their instruction.
    func wentStale(at: Int, base: UnsafeMutableRawPointer) {
        guard let sites = given.removeValue(forKey: at) else { return }
        for g in sites {
            Self.point(base + g.site, to: A32BlockTranslator.samePageOffset, from: g.site)
            waiting[g.host, default: []].append((g.site, g.bank))
        }
    }

    /// Rewrite the rel32 at `p` (offset `site` of the code buffer) to reach `target`.
    private static func point(_ p: UnsafeMutableRawPointer, to target: Int, from site: Int) {
        p.storeBytes(of: Int32(truncatingIfNeeded: target - (site + 4)), as: Int32.self)
    }

    /// The code buffer was emptied: every entry slot that still names a block is decoded again
    /// from its key, the word it was made from.
    func forgetAll() {
        waiting.removeAll()
        given.removeAll()
        for e in entries {
            let s = e.memo.slots + e.index
            if s.pointee.fast == .jitBlock && s.pointee.imm == e.at {
                e.memo.fillSlot(e.memo.slotKeys + e.index, s, e.memo.slotKeys[e.index], thumb: false)
            }
        }
        entries.removeAll()
    }
}

extension CPU {
    /// Give the decode memo the translator's raw pointers (or take them away).
    func attachTranslator32() {
        let memo = decodeMemo
        if let jit = decodeCache.jit {
            memo.jitBuffer = jit.buffer.base
            memo.jitContext = jit.context(cpu: index)
            memo.jitCounters = jit.counters
            memo.translating = true
        } else {
            memo.translating = false
            memo.jitBuffer = nil
            memo.jitContext = nil
            memo.jitCounters = nil
        }
    }

    /// Count a taken branch of the A32 fast loop to `pc`; when the target has become hot, make
    /// its block. Out of line: the loop pays only the test of `AArch32DecodeMemo.translating`.
    @inline(never)
    func arrive32(_ pc: UInt32, _ memo: AArch32DecodeMemo, _ tlb: HostTLB) {
        guard let counters = memo.jitCounters else { return }
        let c = counters + Int(truncatingIfNeeded: (pc >> 2) & UInt32(JIT.counterCount - 1))
        c.pointee &+= 1
        guard c.pointee == JIT.threshold32, pc & 3 == 0, let code = fetchPage32(pc, tlb), let jit = decodeCache.jit
        else { return }
        translate32(jit, pc: pc, code: code)
    }

    /// Make the block that starts at `pc` (A32, in the page at host address `code`), and the
    /// blocks of the ways out of it in the same page.
    func translate32(_ jit: JIT, pc: UInt32, code: UnsafeMutableRawPointer, depth: Int = 0) {
        let memo = decodeMemo
        let first = Int(pc & 0xFFF)
        let index = AArch32DecodeMemo.a32Index(pc)
        let w0 = UInt32(truncatingIfNeeded: HostRAM.load32(code + first))
        if memo.slotKeys[index] == w0 && memo.slots[index].fast == .jitBlock { return }
        var insts: [(A32Inst, UInt32)] = []
        var off = first
        var stopped: Int? = nil
        while off < 0x1000 && insts.count < A32BlockTranslator.maxInstructions {
            let w = UInt32(truncatingIfNeeded: HostRAM.load32(code + off))
            let i = memo.slotInst(w, thumb: false)
            guard A32BlockTranslator.translates(i) else { stopped = off; break }
            insts.append((i, w))
            off += 4
            if A32BlockTranslator.endsBlock(i) { break }
        }
        // Past an instruction left to the loop the code goes on, and a branch's ways in this
        // page are likely to run next: give them blocks too, the ways first, so that this
        // block can go straight into theirs.
        var next: [Int] = []
        var ways: [Int] = []
        if let s = stopped, depth < 8 { next.append(s + 4) }
        if let (last, _) = insts.last, depth < 3, last.fast == .b || last.fast == .bl {
            let at = first + 4 * (insts.count - 1)
            let target = at + 8 + Int(Int32(bitPattern: last.imm))
            if target >= 0 && target < 0x1000 { ways.append(target) }
            if last.cond != 0xE || last.fast == .bl { ways.append(at + 4) }
        }
        defer {
            for o in next where o < 0x1000 {
                translate32(jit, pc: (pc & ~0xFFF) | UInt32(o), code: code, depth: depth + 1)
            }
        }
        // A lone instruction is worth a block only if it is a branch, which chains.
        guard insts.count >= 2 || (insts.count == 1 && A32BlockTranslator.endsBlock(insts[0].0)) else {
            next += ways
            return
        }
        for o in ways where o < 0x1000 {
            translate32(jit, pc: (pc & ~0xFFF) | UInt32(o), code: code, depth: depth + 1)
        }
        // A loop through those ways may have made this block already.
        if memo.slotKeys[index] == w0 && memo.slots[index].fast == .jitBlock { return }
        // The blocks now at the offsets in this page where this one goes on (a block checks
        // its own words and bank at entry, so one made for the offset is right to enter).
        var chains: [Int: Int] = [:]
        for o in ways + [first + 4 * insts.count] where o >= 0 && o < 0x1000 && o & 3 == 0 {
            let i = AArch32DecodeMemo.a32Index((pc & ~0xFFF) | UInt32(o))
            let w = UInt32(truncatingIfNeeded: HostRAM.load32(code + o))
            if memo.slotKeys[i] == w && memo.slots[i].fast == .jitBlock { chains[o] = Int(memo.slots[i].imm) }
        }
        let buffer = jit.buffer
        let a = X86Assembler(into: buffer.base.assumingMemoryBound(to: UInt8.self) + buffer.cursor, capacity: buffer.room)
        let (length, full, open) = A32BlockTranslator.emit(insts, first: first, bank: r32, origin: buffer.cursor,
                                                     epilogue: buffer.epilogue, bufferBase: UInt(bitPattern: buffer.base),
                                                     chains: chains, into: a)
        if full {
            // The buffer is full: empty it and make the block again at the front.
            jit.dropAll()
            if depth < 8 { translate32(jit, pc: pc, code: code, depth: 8) }
            return
        }
        let at = buffer.commit(length)
        for (site, target) in open { jit.a32.awaitBlock(at: code + target, site: at + site, bank: r32) }
        jit.a32.blockMade(at: code + first, bank: r32, offset: at, base: buffer.base)
        jit.notePerfMap(at: at, length: length, isa: "a32", va: UInt64(pc))
        var slot = A32Inst(.undefined)
        slot.fast = .jitBlock
        slot.imm = UInt32(at)
        memo.slotKeys[index] = w0
        memo.slots[index] = slot
        jit.a32.note(memo, index: index, at: UInt32(at))
    }

    /// The `A32CP15Form` bits `coprocessorMove32` would run with no trap or UNDEFINED at the
    /// current EL: HSTR_EL2.T13 and T7 trap CRn 13 and 7 below EL2 (D13.2.50), PL0 reaches only
    /// the thread ID registers and the barriers, and HCR_EL2.TPC/TPU trap cache maintenance
    /// at EL1 (D13.2.48).
    @inline(__always)
    func cp15FastMask() -> UInt64 {
        let hstr = el < 2 && hasEL2 ? sysregs[SysReg.HSTR_EL2] : 0
        let hcr = el == 1 && hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        var m: UInt8 = 0
        if hstr & (1 << 13) == 0 { m |= A32CP15Form.readAnyPL | (el != 0 ? A32CP15Form.readPL1 : 0) }
        if hstr & (1 << 7) == 0 {
            m |= A32CP15Form.barrier
            if el != 0 && hcr & HCR.TPC == 0 { m |= A32CP15Form.toCoherency }
            if el != 0 && hcr & HCR.TPU == 0 { m |= A32CP15Form.toUnification }
        }
        return UInt64(m)
    }

    /// Run the A32 block that the slot at `pc` names, from the fast loop, with `left`
    /// instructions left; returns the PC to go on from, the instructions left and whether the
    /// loop goes on there (false: `step32` runs the instruction at that PC). Out of line: the
    /// loop's dispatch stays small.
    @inline(never)
    func runJIT32(_ p: UnsafeMutablePointer<A32Inst>, pc: UInt32, pageVA: UInt32, code: UnsafeMutableRawPointer,
                  left: UInt64, _ memo: AArch32DecodeMemo, _ tlb: HostTLB) -> (UInt32, UInt64, Bool) {
        guard let base = memo.jitBuffer, let c = memo.jitContext else { return (pc, left, false) }
        let entry = UnsafeRawPointer(base + Int(truncatingIfNeeded: p.pointee.imm) + JITBlockHeader.size)
        c[0] = JITFlags.host(nzcv)
        c[1] = left
        c[2] = UInt64(UInt(bitPattern: tlb.entries))
        c[3] = tlb.epoch
        c[4] = tlb.writeEpoch
        c[5] = UInt64(pageVA)
        c[8] = tlb.alignCheck ? 1 : 0
        c[9] = UInt64(UInt(bitPattern: code))
        c[10] = UInt64(UInt(bitPattern: r32))
        c[11] = UInt64(UInt(bitPattern: memo.slots))
        c[12] = cp15FastMask()
        c[13] = UInt64(UInt(bitPattern: sysregs))
        let exit = unsafeBitCast(entry, to: JITEntry.self)(x, c)
        nzcv = JITFlags.nzcv(c[0]) | nzcv & 0x0FFF_FFFF
        let next = UInt32(truncatingIfNeeded: c[6]), rest = c[1]
        memo.jitEntries &+= 1
        memo.jitInstructions &+= left &- rest
        memo.jitExits[min(max(exit, 0), 5)] &+= 1
        switch exit {
        case JITExit.next.rawValue:
            arrive32(next, memo, tlb)
            return (next, rest, true)
        case JITExit.slowRead.rawValue, JITExit.slowWrite.rawValue:
            // Copy the page into the host TLB if the architectural TLB has it, as the loop's
            // own miss does; the loop then runs the instruction, else the full path.
            return (next, rest, hostTLBFill(c[7], write: exit == JITExit.slowWrite.rawValue, tlb) != nil)
        case A32JIT.stale:
            // The words or the bank changed: the slot gets its instruction back, and the jumps
            // other blocks were given to the block go back to the dispatch.
            decodeCache.jit?.a32.wentStale(at: Int(truncatingIfNeeded: c[7]), base: base)
            let i = AArch32DecodeMemo.a32Index(next)
            guard let h = UnsafeMutableRawPointer(bitPattern: UInt(c[9])) else { return (next, rest, false) }
            let w = UInt32(truncatingIfNeeded: HostRAM.load32(h + Int(next & 0xFFF)))
            memo.fillSlot(memo.slotKeys + i, memo.slots + i, w, thumb: false)
            return (next, rest, true)
        default:
            return (next, rest, false)
        }
    }
}
