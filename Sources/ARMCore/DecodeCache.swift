import Bus

/// Predecoded instructions per 4 KiB page of RAM (GUIDE.md section 3), shared by all CPUs of a
/// machine (A64 decoding depends on nothing but the word). A slot is decoded on first execution;
/// any write to a page that holds decoded slots (store, loader, DC ZVA) resets the slots it
/// covers, so self-modifying code runs its new instructions.
public final class DecodeCache {
    unowned(unsafe) let bus: PhysicalAddressSpace
    /// One slot per RAM page: nil, or 1024 instructions where group `.notDecoded` marks empty slots.
    private var pages: UnsafeMutablePointer<UnsafeMutablePointer<Inst>?>
    private let pageCount: Int

    public init(bus: PhysicalAddressSpace) {
        self.bus = bus
        pageCount = Int(bus.ramSize >> 12)
        pages = .allocate(capacity: pageCount)
        pages.initialize(repeating: nil, count: pageCount)
        bus.codeWritten = { [unowned self] off, size in self.invalidate(offset: off, size: size) }
    }

    deinit {
        for i in 0..<pageCount { pages[i]?.deallocate() }
        pages.deallocate()
    }

    /// The decoded-slot array of the RAM page at offset `off`, created on first use. Arrays are
    /// never freed while the machine lives, so a CPU may keep the pointer of the page it is
    /// executing from.
    func page(ramOffset off: UInt64) -> UnsafeMutablePointer<Inst> {
        let page = Int(truncatingIfNeeded: off >> 12)
        if let p = pages[page] { return p }
        let p = UnsafeMutablePointer<Inst>.allocate(capacity: 1024)
        p.initialize(repeating: Inst(.notDecoded), count: 1024)
        pages[page] = p
        bus.codePages[page] = 1
        return p
    }

    /// Decode the word behind an empty slot of `page` and remember it.
    func fill(_ p: UnsafeMutablePointer<Inst>, pageOffset: UInt64, slot: Int) -> Inst {
        let w = (bus.ram + Int(truncatingIfNeeded: pageOffset) + slot << 2).load(as: UInt32.self)
        let i = A64Decoder.decode(UInt32(littleEndian: w))
        p[slot] = i
        return i
    }

    private func invalidate(offset: UInt64, size: Int) {
        var a = offset & ~3
        let end = offset &+ UInt64(size)
        while a < end {
            let page = Int(a >> 12)
            if let p = pages[page] { p[Int(a & 0xFFF) >> 2] = Inst(.notDecoded) }
            a &+= 4
        }
    }
}
