import Bus

// Split virtqueues (Virtual I/O Device spec v1.2, 2.7 "Split Virtqueues"), read and written in
// guest RAM by the device. Everything here comes from the guest, so every address, length and
// index is checked: a malformed ring or chain is a `VirtioError`, which the transport turns
// into DEVICE_NEEDS_RESET (2.1.2), never a host fault.

/// Why a ring or a descriptor chain cannot be used.
enum VirtioError: Error, Equatable {
    case outsideRAM          // a ring, table or buffer not wholly in guest RAM
    case badIndex            // a descriptor index >= the queue size
    case chainTooLong        // more descriptors than the table holds: a loop
    case badIndirect         // an indirect table of bad length, or one inside another (2.7.5.3.1)
    case lengthOverflow      // the chain's lengths add up past 4 GiB
    case availRunaway        // avail.idx ran more than the queue size ahead of the device
    case noStatusByte        // a block request without a device-writable byte for its status
}

/// Device access to guest RAM (DMA). Buffers must lie wholly in RAM; writes tell the decode
/// cache, since a guest may read code from disk into memory it then runs.
struct GuestMemory {
    let bus: PhysicalAddressSpace

    func pointer(_ pa: UInt64, _ length: UInt64) throws(VirtioError) -> UnsafeMutableRawPointer {
        guard length <= UInt64(Int.max), let p = bus.ramPointer(pa, size: Int(length)) else { throw .outsideRAM }
        return p
    }

    func load16(_ pa: UInt64) throws(VirtioError) -> UInt16 {
        UInt16(truncatingIfNeeded: PhysicalAddressSpace.loadRAM(try pointer(pa, 2), size: 2))
    }
    func load32(_ pa: UInt64) throws(VirtioError) -> UInt32 {
        UInt32(truncatingIfNeeded: PhysicalAddressSpace.loadRAM(try pointer(pa, 4), size: 4))
    }
    func load64(_ pa: UInt64) throws(VirtioError) -> UInt64 {
        PhysicalAddressSpace.loadRAM(try pointer(pa, 8), size: 8)
    }
    func store(_ pa: UInt64, size: Int, _ value: UInt64) throws(VirtioError) {
        let p = try pointer(pa, UInt64(size))
        bus.noteRAMWrite(pa, size: size)
        PhysicalAddressSpace.storeRAM(p, size: size, value: value)
    }

    /// Called after the device wrote `length` bytes at `pa` through a pointer: drops any
    /// predecoded instructions on those pages.
    func wrote(_ pa: UInt64, _ length: UInt64) {
        guard length > 0 else { return }
        let first = (pa - bus.ramBase) >> PhysicalAddressSpace.pageShift
        let last = (pa + length - 1 - bus.ramBase) >> PhysicalAddressSpace.pageShift
        for page in first...last where bus.codePages[Int(page)] != 0 {
            let start = max(pa, bus.ramBase + (page << PhysicalAddressSpace.pageShift))
            let end = min(pa + length, bus.ramBase + ((page + 1) << PhysicalAddressSpace.pageShift))
            bus.codeWritten?(start - bus.ramBase, Int(end - start))
        }
    }
}

/// One buffer of a descriptor chain: guest-physical, checked to lie in RAM.
struct VirtioBuffer: Equatable {
    let address: UInt64
    let length: UInt32
    /// VIRTQ_DESC_F_WRITE: the device writes it (else it reads it).
    let deviceWritable: Bool
}

/// A chain taken from the available ring, with its head index for the used ring.
struct VirtioChain {
    let head: UInt16
    let buffers: [VirtioBuffer]

    var readable: [VirtioBuffer] { buffers.filter { !$0.deviceWritable } }
    var writable: [VirtioBuffer] { buffers.filter { $0.deviceWritable } }
}

/// One split virtqueue's configuration (set through the transport) and the device's position.
struct VirtQueue {
    static let descriptorSize: UInt64 = 16
    // Descriptor flags (2.7.5).
    static let F_NEXT: UInt16 = 1
    static let F_WRITE: UInt16 = 2
    static let F_INDIRECT: UInt16 = 4
    /// avail.flags VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7).
    static let AVAIL_F_NO_INTERRUPT: UInt16 = 1

    let maxSize: UInt16
    var size: UInt16
    var ready = false
    var descriptorTable: UInt64 = 0
    var driverArea: UInt64 = 0   // the available ring
    var deviceArea: UInt64 = 0   // the used ring
    /// The next available-ring entry the device will take.
    var lastAvail: UInt16 = 0
    /// used.idx as the device last wrote it.
    var usedIndex: UInt16 = 0

    init(maxSize: UInt16) { self.maxSize = maxSize; self.size = maxSize }

    mutating func reset() { self = VirtQueue(maxSize: maxSize) }

    /// A queue size is a power of 2 no larger than QueueNumMax (2.7 "Queue Size").
    var sizeIsValid: Bool { size != 0 && size <= maxSize && size & (size - 1) == 0 }

    /// The next chain the driver made available, or nil when there is none.
    mutating func pop(_ m: GuestMemory) throws(VirtioError) -> VirtioChain? {
        let availIdx = try m.load16(driverArea + 2)
        let waiting = availIdx &- lastAvail
        guard waiting != 0 else { return nil }
        guard waiting <= size else { throw .availRunaway }
        let slot = UInt64(lastAvail % size)
        let head = try m.load16(driverArea + 4 + 2 * slot)
        lastAvail &+= 1
        return VirtioChain(head: head, buffers: try walk(m, head: head))
    }

    /// Whether a chain is available without taking it.
    func hasAvailable(_ m: GuestMemory) -> Bool {
        guard ready, let idx = try? m.load16(driverArea + 2) else { return false }
        return idx != lastAvail
    }

    /// The buffers of the chain at `head`, following NEXT and at most one indirect table.
    func walk(_ m: GuestMemory, head: UInt16) throws(VirtioError) -> [VirtioBuffer] {
        var buffers: [VirtioBuffer] = []
        var total: UInt64 = 0
        var table = descriptorTable
        var count = UInt64(size)
        var index = head
        var steps: UInt64 = 0
        var inIndirect = false
        while true {
            guard UInt64(index) < count else { throw .badIndex }
            steps += 1
            guard steps <= count else { throw .chainTooLong }
            let d = table + UInt64(index) * Self.descriptorSize
            let addr = try m.load64(d)
            let len = try m.load32(d + 8)
            let flags = try m.load16(d + 12)
            let next = try m.load16(d + 14)
            if flags & Self.F_INDIRECT != 0 {
                // 2.7.5.3.1: an indirect descriptor has no NEXT and sits in the main table only;
                // its table holds len / 16 descriptors.
                guard !inIndirect, flags & Self.F_NEXT == 0, len > 0, len % 16 == 0 else { throw .badIndirect }
                _ = try m.pointer(addr, UInt64(len))
                table = addr; count = UInt64(len) / Self.descriptorSize
                index = 0; steps = 0; inIndirect = true
                continue
            }
            _ = try m.pointer(addr, UInt64(len))
            total += UInt64(len)
            guard total <= UInt64(UInt32.max) else { throw .lengthOverflow }
            buffers.append(VirtioBuffer(address: addr, length: len, deviceWritable: flags & Self.F_WRITE != 0))
            guard flags & Self.F_NEXT != 0 else { return buffers }
            index = next
        }
    }

    /// Puts a used element (2.7.8) and advances used.idx. With EVENT_IDX it also writes
    /// avail_event = the next entry the device will read, so the driver notifies for it.
    mutating func push(_ m: GuestMemory, head: UInt16, written: UInt32, eventIndex: Bool) throws(VirtioError) {
        let slot = UInt64(usedIndex % size)
        try m.store(deviceArea + 4 + 8 * slot, size: 4, UInt64(head))
        try m.store(deviceArea + 8 + 8 * slot, size: 4, UInt64(written))
        usedIndex &+= 1
        try m.store(deviceArea + 2, size: 2, UInt64(usedIndex))
        if eventIndex { try m.store(deviceArea + 4 + 8 * UInt64(size), size: 2, UInt64(lastAvail)) }
    }

    /// Whether the driver wants an interrupt after used.idx went from `old` to `usedIndex`:
    /// with EVENT_IDX, when used_event lies in between (2.7.10, vring_need_event); else unless
    /// avail.flags has NO_INTERRUPT (2.7.7).
    func wantsInterrupt(_ m: GuestMemory, since old: UInt16, eventIndex: Bool) throws(VirtioError) -> Bool {
        if eventIndex {
            let usedEvent = try m.load16(driverArea + 4 + 2 * UInt64(size))
            return usedIndex &- usedEvent &- 1 < usedIndex &- old
        }
        return try m.load16(driverArea) & Self.AVAIL_F_NO_INTERRUPT == 0
    }

    /// Checks that the three areas lie in RAM, when the driver sets QueueReady (2.7 sizes:
    /// 16 per descriptor; 6 + 2 per entry for the available ring, 6 + 8 per entry for the used).
    func areasAreInRAM(_ m: GuestMemory) -> Bool {
        let n = UInt64(size)
        return (try? m.pointer(descriptorTable, 16 * n)) != nil
            && (try? m.pointer(driverArea, 6 + 2 * n)) != nil
            && (try? m.pointer(deviceArea, 6 + 8 * n)) != nil
    }
}
