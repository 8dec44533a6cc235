import Synchronization

// Store-Exclusive in `--threads` mode. The other CPUs run their fast loops in parallel and
// store to RAM without looking at this CPU's monitor, so a monitor that is still set says
// nothing about their stores. As QEMU's multi-threaded TCG does, the store is a host
// compare-and-swap against the value the Load-Exclusive read: it succeeds only if memory
// still holds that value. (A store of the same value in between goes unnoticed, the ABA case;
// the lock-free algorithms guests run with LDXR/STXR do not depend on seeing it.)

extension CPU {
    /// The Store-Exclusive of `size` bytes (16: an X pair, `d2` the second register) after its
    /// monitor check passed: true if stored, false if memory no longer holds what the
    /// Load-Exclusive read; nil when the address is not plain RAM (or watchpoints are armed),
    /// for the ordinary store.
    func storeExclusiveAtomically(_ va: UInt64, size: Int, _ d1: UInt64, _ d2: UInt64) throws(ArchException) -> Bool? {
        if watchArmed { return nil }
        let pa = try physicalAddress(va, [.write, .ordered])
        guard let p = bus.ramPointer(pa, size: size) else { return nil }
        let old = exclusiveValue
        let stored: Bool
        switch size {
        case 1:
            stored = p.assumingMemoryBound(to: Atomic<UInt8>.self).pointee.compareExchange(
                expected: UInt8(truncatingIfNeeded: old), desired: UInt8(truncatingIfNeeded: d1),
                ordering: .sequentiallyConsistent).exchanged
        case 2:
            stored = p.assumingMemoryBound(to: Atomic<UInt16>.self).pointee.compareExchange(
                expected: UInt16(littleEndian: UInt16(truncatingIfNeeded: old)),
                desired: UInt16(littleEndian: UInt16(truncatingIfNeeded: d1)),
                ordering: .sequentiallyConsistent).exchanged
        case 4:
            stored = p.assumingMemoryBound(to: Atomic<UInt32>.self).pointee.compareExchange(
                expected: UInt32(littleEndian: UInt32(truncatingIfNeeded: old)),
                desired: UInt32(littleEndian: UInt32(truncatingIfNeeded: d1)),
                ordering: .sequentiallyConsistent).exchanged
        case 8:
            stored = p.assumingMemoryBound(to: Atomic<UInt64>.self).pointee.compareExchange(
                expected: UInt64(littleEndian: old), desired: UInt64(littleEndian: d1),
                ordering: .sequentiallyConsistent).exchanged
        default:
            // An X pair: one 16-byte single-copy atomic access (its 16-byte alignment was
            // checked), the first register at the lower address.
            let expected = WordPair(first: UInt(UInt64(littleEndian: old)),
                                    second: UInt(UInt64(littleEndian: exclusiveValue2)))
            let desired = WordPair(first: UInt(UInt64(littleEndian: d1)), second: UInt(UInt64(littleEndian: d2)))
            stored = p.assumingMemoryBound(to: Atomic<WordPair>.self).pointee.compareExchange(
                expected: expected, desired: desired, ordering: .sequentiallyConsistent).exchanged
        }
        // Decoded code on the page drops its slots as after any store (held lock: no fill races).
        if stored { bus.noteRAMWrite(pa, size: size) }
        return stored
    }
}
