import Bus
import Stage2MMU
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What makes the AArch32 loop cheaper than a fetch and a decode per instruction: the host
/// pointer of the RAM page being executed (translated and permission-checked once, forgotten
/// with the A64 fetch page by `flushFetchPage`), and a direct-mapped memo of decoded
/// instructions keyed by instruction set and encoding. The same bytes decode differently as
/// A32, as a 16-bit T32 and as a 32-bit T32 encoding, and PSTATE.T says which applies, so the
/// set is part of the key. Given the set, decoding depends on the encoding alone: what an
/// IT block changes (the condition, flag setting, the UNPREDICTABLE cases) the loop applies
/// from ITSTATE after the memo. So the memo needs no invalidation: a store that rewrites code
/// changes the bits fetched, and so the key; no page is named in it.
final class AArch32DecodeMemo {
    /// 2^16 entries: a kernel's working set of distinct encodings is tens of thousands, and a
    /// miss costs a walk of the decode tables (about 1 MiB of memo per CPU).
    static let indexBits = 16
    static let entries = 1 << indexBits
    /// Key: the instruction set's raw value in bits 34:32 above the encoding (a 32-bit T32
    /// one as hw1:hw2). A64 code is never memoized here, so a key naming A64 (0) marks an empty
    /// entry.
    let keys: UnsafeMutablePointer<UInt64>
    let values: UnsafeMutablePointer<A32Inst>

    /// The slot table of the fast loop (`CPU.runSlots32`), in front of the memo: one slot per
    /// instruction address, direct-mapped by the PC's bits (A32 slots every 4 bytes, T32 ones
    /// every 2, in two halves), each with the 32 bits it was decoded from. A slot is good when
    /// the bits now at the PC equal its key, so it needs no invalidation: code written since
    /// makes another key, and the slot is filled again. The key of a T32 slot is the word at
    /// the PC (the halfword after a 16-bit instruction included: a change there only refills).
    /// Slots hold the decoded instruction as it runs outside an IT block, which is the only
    /// place the fast loop runs.
    /// Each set's half is indexed by the PC's instruction number: bits 18:2 in A32 (every
    /// entry used, for 1 MiB of code; bits 17:1 left the odd entries empty and made twice
    /// the conflicts, each a decode and a lost block), bits 18:1 in T32.
    static let slotsPerSet = 1 << 18
    static let slotMask = slotsPerSet - 1

    /// The A32 half's slot of `pc`.
    @inline(__always)
    static func a32Index(_ pc: UInt32) -> Int { Int(truncatingIfNeeded: pc >> 2) & slotMask }
    let slotKeys: UnsafeMutablePointer<UInt32>
    let slots: UnsafeMutablePointer<A32Inst>
    /// `CPU.conditionTable` as memory, for the fast loop: its condition test is a load and a
    /// shift by NZCV, where the table's switch was a jump of its own.
    let conditionMasks: UnsafeMutablePointer<UInt16>
    /// Whether the A32 translator is on (JIT/CPU+JIT32.swift): the fast loop counts its taken
    /// branches then. With it, what the loop's way into generated code needs, as raw pointers
    /// so that it costs no reference counting: the code buffer, the CPU's context, the hot
    /// counters (`CPU.attachTranslator32`).
    var translating = false
    var jitBuffer: UnsafeMutableRawPointer?
    var jitContext: UnsafeMutablePointer<UInt64>?
    var jitCounters: UnsafeMutablePointer<UInt8>?
    /// Entries into A32 blocks and the instructions retired there (--stats).
    var jitEntries = 0
    var jitInstructions: UInt64 = 0
    /// How entries ended, by `JITExit` (5: `A32JIT.stale`).
    let jitExits: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 6)
        p.initialize(repeating: 0, count: 6)
        return p
    }()

    init() {
        conditionMasks = .allocate(capacity: 16)
        for c in 0..<16 { conditionMasks[c] = UInt16(CPU.conditionTable(UInt8(c))) }
        keys = .allocate(capacity: Self.entries)
        keys.initialize(repeating: 0, count: Self.entries)
        values = .allocate(capacity: Self.entries)
        values.initialize(repeating: A32Inst(.undefined), count: Self.entries)
        // Zeroed memory, mapped by the host as the loop touches it (12 MiB if all were used;
        // a Linux boot touches about 6).
        // An all-zero slot is key 0 with fast form `.none`: it sends its instruction to the full
        // path, which is right for any instruction.
        let count = 2 * Self.slotsPerSet
        // (An allocation failure at start-up stops the process, as any other would.)
        slotKeys = calloc(count, MemoryLayout<UInt32>.stride)!.bindMemory(to: UInt32.self, capacity: count)
        slots = calloc(count, MemoryLayout<A32Inst>.stride)!.bindMemory(to: A32Inst.self, capacity: count)
    }

    deinit { jitExits.deallocate(); keys.deallocate(); values.deallocate(); conditionMasks.deallocate(); free(slotKeys); free(slots) }

    /// Fill slot `index` from the word `w` fetched at its PC: decoded through the memo, with the
    /// flag setting and IT rules of an instruction outside an IT block, and its fast form.
    @inline(never)
    func fillSlot(_ key: UnsafeMutablePointer<UInt32>, _ slot: UnsafeMutablePointer<A32Inst>, _ w: UInt32, thumb: Bool) {
        let i = slotInst(w, thumb: thumb)
        key.pointee = w
        slot.pointee = i
    }

    /// What `fillSlot` puts in a slot for the word `w` (the translator reads it too).
    func slotInst(_ w: UInt32, thumb: Bool) -> A32Inst {
        var i: A32Inst
        var set = InstructionSet.a32
        if !thumb {
            i = decode(.a32, w) { A32Decoder.decode($0) }.pointee
        } else {
            let hw1 = UInt16(truncatingIfNeeded: w), hw2 = UInt16(truncatingIfNeeded: w >> 16)
            if T32Decoder.isWide(hw1) {
                set = .t32Wide
                i = decode(.t32Wide, UInt32(hw1) << 16 | UInt32(hw2)) {
                    T32Decoder.decode32(UInt16(truncatingIfNeeded: $0 >> 16), UInt16(truncatingIfNeeded: $0))
                }.pointee
            } else {
                set = .t32Narrow
                i = decode(.t32Narrow, UInt32(hw1)) { T32Decoder.decode16(UInt16(truncatingIfNeeded: $0)) }.pointee
            }
            // Outside an IT block (F2.? "Conditional execution"): 16-bit data processing sets
            // the flags, and the IT-only restrictions do not apply.
            if i.flags.contains(.setFlagsOutsideIT) { i.flags.insert(.setFlags) }
            i.flags.subtract([.setFlagsOutsideIT, .notInITBlock, .lastInITBlock])
        }
        i.fast = AArch32FastForms.classifySlot(i, set)
        // BKPT runs whatever its condition (the fast loop skips a failed one otherwise).
        if i.op == .bkpt { i.cond = 0xE }
        // LDM/STM forms carry their byte count in `size` (otherwise the exclusives' only) and the
        // offset of their lowest word from Rn in the top half of `imm` (IA 0, IB 4, DA 4 - bytes,
        // DB -bytes; the list is the bottom half).
        if i.fast == .stm || i.fast == .ldm || i.fast == .ldmPC {
            let bytes = 4 * (i.imm & 0xFFFF).nonzeroBitCount
            let up = i.flags.contains(.add), before = i.flags.contains(.preIndex)
            let lowest = (up ? 0 : -bytes) + (before == up ? 4 : 0)
            i.size = UInt8(bytes)
            i.imm = i.imm & 0xFFFF | UInt32(UInt16(truncatingIfNeeded: lowest)) << 16
        }
        return i
    }

    /// The entry holding the decoded `encoding`, with its fast form. The pointer is good until
    /// the next `decode`, which may reuse the entry.
    @inline(__always)
    func decode(_ set: InstructionSet, _ encoding: UInt32, _ make: (UInt32) -> A32Inst) -> UnsafeMutablePointer<A32Inst> {
        let key = UInt64(set.rawValue) << 32 | UInt64(encoding)
        let h = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.indexBits))
        if keys[h] == key { return values + h }
        var i = make(encoding)
        i.fast = AArch32FastForms.classify(i, set)
        keys[h] = key
        values[h] = i
        return values + h
    }
}

extension CPU {
    /// The instruction bytes at `pc` (an aligned 2- or 4-byte read within one page), through the
    /// cached page when it is the one being executed.
    @inline(__always)
    func fetchBits32(_ pc: UInt64, size: Int) throws(ArchException) -> UInt64 {
        if pc & ~0xFFF == fetch32PageVA, let host = fetch32Host {
            return PhysicalAddressSpace.loadRAM(host + Int(pc & 0xFFF), size: size)
        }
        return try fetchBits32NewPage(pc, size: size)
    }

    /// A fetch from another page than the cached one: translate, and cache it if it is RAM.
    @inline(never)
    func fetchBits32NewPage(_ pc: UInt64, size: Int) throws(ArchException) -> UInt64 {
        let pa = try translate(pc, .fetch)
        if let p = bus.ramPointer(pa & ~0xFFF, size: 0x1000) {
            fetch32PageVA = pc & ~0xFFF
            fetch32Host = p
            noteExecutable32(pc, host: p)
            return PhysicalAddressSpace.loadRAM(p + Int(pc & 0xFFF), size: size)
        }
        if let (dev, o) = bus.device(at: pa), let v = dev.read(offset: o, size: size) { return v }
        throw ArchException(.instructionAbort(FaultRecord(kind: .synchronousExternal)), far: pc)
    }
}

extension CPU {
    /// Give the host TLB entry of `pc`'s page an execute tag (a fetch translation of it just
    /// succeeded, to the RAM page at `host`), so that the fast loop can enter that page again
    /// without a translation (`fetchPage32`). As A64's `noteExecutable`, the tag goes with the
    /// rest of the host TLB whenever translation may have changed.
    func noteExecutable32(_ pc: UInt64, host: UnsafeMutableRawPointer) {
        let h = decodeCache.hostTLB(cpu: index)
        let e = h.entryToFill(pc)
        e.pointee.point(at: host, va: pc)
        e.pointee.execTag = (pc & ~0xFFF) | h.epoch
    }

    /// The host address of the code page at `pc` when the host TLB holds an execute tag for
    /// it; nil sends the fetch to the full path, which translates (and faults if it must).
    @inline(__always)
    func fetchPage32(_ pc: UInt32, _ h: HostTLB) -> UnsafeMutableRawPointer? {
        let e = h.entries + Int(truncatingIfNeeded: (pc >> 12) & UInt32(HostTLB.entryCount - 1))
        guard e.pointee.execTag == (UInt64(pc) & ~0xFFF) | h.epoch else { return nil }
        return e.pointee.host(UInt64(pc) & ~0xFFF)
    }
}
