/// virtio-blk (Virtual I/O Device spec v1.2, 5.2) over a `DiskImage`: one request queue; reads,
/// writes, FLUSH and GET_ID. A request the device cannot carry out (outside the disk, a write to
/// a read-only drive, a host I/O error, a buffer in the wrong place) completes with
/// VIRTIO_BLK_S_IOERR or UNSUPP; only a chain with no status byte at all is a ring error.
final class VirtioBlock: VirtioBackend {
    // Feature bits (5.2.3).
    static let F_SIZE_MAX: UInt64 = 1 << 1
    static let F_SEG_MAX: UInt64 = 1 << 2
    static let F_RO: UInt64 = 1 << 5
    static let F_FLUSH: UInt64 = 1 << 9
    // Request types and status values (5.2.6).
    static let T_IN: UInt32 = 0, T_OUT: UInt32 = 1, T_FLUSH: UInt32 = 4, T_GET_ID: UInt32 = 8
    static let S_OK: UInt8 = 0, S_IOERR: UInt8 = 1, S_UNSUPP: UInt8 = 2
    /// The largest single buffer and the most data buffers per request armvm offers.
    static let sizeMax: UInt32 = 1 << 20
    static let segMax: UInt32 = 126
    /// GET_ID answers with at most 20 bytes (VIRTIO_BLK_ID_BYTES).
    static let idBytes = 20

    let disk: DiskImage
    let serial: [UInt8]

    init(disk: DiskImage, serial: String) {
        self.disk = disk
        self.serial = Array(serial.utf8.prefix(Self.idBytes))
    }

    var deviceID: UInt32 { 2 }
    var queueCount: Int { 1 }
    var features: UInt64 {
        Self.F_SIZE_MAX | Self.F_SEG_MAX | Self.F_FLUSH | (disk.isReadOnly ? Self.F_RO : 0)
    }

    /// struct virtio_blk_config (5.2.4): capacity in 512-byte sectors, size_max, seg_max.
    var config: [UInt8] {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        return le(disk.size / DiskImage.sectorSize, 8) + le(UInt64(Self.sizeMax), 4) + le(UInt64(Self.segMax), 4)
    }

    func reset() {}

    func notified(queue: Int, transport: VirtioMMIO) throws(VirtioError) {
        while let chain = try transport.pop(queue: queue) {
            let written = try handle(chain, transport.memory)
            try transport.push(queue: queue, chain, written: written)
        }
    }

    /// Carries out one request (5.2.6: a 16-byte readable header, the data, then one writable
    /// status byte) and returns how many bytes it wrote into the chain.
    func handle(_ chain: VirtioChain, _ m: GuestMemory) throws(VirtioError) -> UInt32 {
        // The status byte is the last byte of the last buffer, which must be device-writable.
        guard let last = chain.buffers.last, last.deviceWritable, last.length > 0 else { throw .noStatusByte }
        let statusAddress = last.address + UInt64(last.length) - 1
        var data = chain.buffers
        data.removeLast()
        if last.length > 1 { data.append(VirtioBuffer(address: last.address, length: last.length - 1, deviceWritable: true)) }

        func finish(_ status: UInt8, _ written: UInt32) throws(VirtioError) -> UInt32 {
            try m.store(statusAddress, size: 1, UInt64(status))
            return written + 1
        }
        // The header: the chain's first 16 readable bytes, in the first buffer as every driver puts them.
        guard let header = data.first, !header.deviceWritable, header.length >= 16 else { return try finish(Self.S_IOERR, 0) }
        let type = try m.load32(header.address)
        let sector = try m.load64(header.address + 8)
        if header.length > 16 {
            data[0] = VirtioBuffer(address: header.address + 16, length: header.length - 16, deviceWritable: false)
        } else {
            data.removeFirst()
        }

        switch type {
        case Self.T_IN, Self.T_OUT:
            let out = type == Self.T_OUT
            if out && disk.isReadOnly { return try finish(Self.S_IOERR, 0) }
            // Data buffers all go one way: written by the device for IN, read for OUT.
            guard data.allSatisfy({ $0.deviceWritable != out }) else { return try finish(Self.S_IOERR, 0) }
            let total = data.reduce(UInt64(0)) { $0 + UInt64($1.length) }
            let (start, overflow) = sector.multipliedReportingOverflow(by: DiskImage.sectorSize)
            guard !overflow, total % DiskImage.sectorSize == 0, start <= disk.size, total <= disk.size - start else {
                return try finish(Self.S_IOERR, 0)
            }
            var at = start
            for b in data {
                let p = try m.pointer(b.address, UInt64(b.length))
                let ok = out ? disk.write(at: at, from: p, length: Int(b.length))
                             : disk.read(at: at, into: p, length: Int(b.length))
                if !out { m.wrote(b.address, UInt64(b.length)) }
                guard ok else { return try finish(Self.S_IOERR, 0) }
                at += UInt64(b.length)
            }
            return try finish(Self.S_OK, out ? 0 : UInt32(total))
        case Self.T_FLUSH:
            return try finish(disk.flush() ? Self.S_OK : Self.S_IOERR, 0)
        case Self.T_GET_ID:
            guard let b = data.first, b.deviceWritable else { return try finish(Self.S_IOERR, 0) }
            // The ID is NUL-padded when shorter than 20 bytes and not terminated when 20 long.
            let n = min(Int(b.length), Self.idBytes)
            let id = serial + [UInt8](repeating: 0, count: Self.idBytes - serial.count)
            let p = try m.pointer(b.address, UInt64(n))
            id.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: n) }
            m.wrote(b.address, UInt64(n))
            return try finish(Self.S_OK, UInt32(n))
        default:
            return try finish(Self.S_UNSUPP, 0)
        }
    }
}
