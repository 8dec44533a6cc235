import Bus
import Stage2MMU

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

    init() {
        keys = .allocate(capacity: Self.entries)
        keys.initialize(repeating: 0, count: Self.entries)
        values = .allocate(capacity: Self.entries)
        values.initialize(repeating: A32Inst(.undefined), count: Self.entries)
    }

    deinit { keys.deallocate(); values.deallocate() }

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
            return PhysicalAddressSpace.loadRAM(p + Int(pc & 0xFFF), size: size)
        }
        if let (dev, o) = bus.device(at: pa), let v = dev.read(offset: o, size: size) { return v }
        throw ArchException(.instructionAbort(FaultRecord(kind: .synchronousExternal)), far: pc)
    }
}
