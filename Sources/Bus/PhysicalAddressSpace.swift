#if canImport(Glibc)
import Glibc
#endif

/// The machine's physical address space: one RAM region (the fast path) and MMIO devices found
/// through a page-granular table. Anything else is "nothing there": the caller raises an
/// external abort.
public final class PhysicalAddressSpace {
    public static let pageShift: UInt64 = 12
    /// Addresses below 2^40 can hold devices; 1 GiB regions, 2^18 pages each.
    static let regionShift: UInt64 = 30
    static let regionCount = 1 << 10
    static let pagesPerRegion = 1 << 18

    public let ramBase: UInt64
    public let ramSize: UInt64
    /// Host mapping of RAM. Reserved with mmap(MAP_NORESERVE): the host commits a page only
    /// when the guest (or a loader) first touches it.
    public let ram: UnsafeMutableRawPointer

    public private(set) var devices: [(base: UInt64, size: UInt64, device: BusDevice)] = []
    /// regions[pa >> 30] holds, per 4 KiB page, 1 + the index into `devices`, or 0. Each table
    /// is a `LazyTable` (512 KiB of address space): the host commits only the pages around
    /// devices, not half a megabyte of zeros per region.
    private var regions: [UnsafeMutablePointer<UInt16>?]
    private var regionTables: [LazyTable<UInt16>] = []

    /// Pages of RAM that hold predecoded instructions; a store there must invalidate them.
    /// One byte per page, read on every RAM store; a `LazyTable`, so it costs host memory only
    /// around pages that hold code.
    public let codePages: UnsafeMutablePointer<UInt8>
    private let codePageTable: LazyTable<UInt8>
    /// Told of each write to a code page: (RAM offset, byte count). Set by the decode cache.
    public var codeWritten: ((UInt64, Int) -> Void)?

    public enum MapError: Error, CustomStringConvertible {
        case overlap(String, String)
        case outOfRange(String)
        public var description: String {
            switch self {
            case .overlap(let a, let b): return "device \(a) overlaps \(b)"
            case .outOfRange(let a): return "device \(a) lies above the MMIO table's 1 TiB range"
            }
        }
    }

    /// Returns nil if the host cannot reserve the address range.
    public init?(ramBase: UInt64, ramSize: UInt64) {
        guard ramSize > 0, ramSize & 0xFFF == 0 else { return nil }
        let p = mmap(nil, Int(ramSize), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        self.ram = p
        self.ramBase = ramBase
        self.ramSize = ramSize
        self.regions = Array(repeating: nil, count: Self.regionCount)
        codePageTable = LazyTable(count: Int(ramSize >> Self.pageShift))
        codePages = codePageTable.base
    }

    deinit {
        munmap(ram, Int(ramSize))
        for t in regionTables { t.deallocate() }
        codePageTable.deallocate()
    }

    public func map(_ device: BusDevice, at base: UInt64, size: UInt64) throws {
        let end = base &+ size
        guard end >> (Self.regionShift + 10) == 0 else { throw MapError.outOfRange(device.name) }
        if base < ramBase + ramSize && ramBase < end { throw MapError.overlap(device.name, "RAM") }
        for d in devices where base < d.base + d.size && d.base < end {
            throw MapError.overlap(device.name, d.device.name)
        }
        devices.append((base, size, device))
        let tag = UInt16(devices.count)
        var page = base >> Self.pageShift
        while page << Self.pageShift < end {
            let r = Int(page >> (Self.regionShift - Self.pageShift))
            if regions[r] == nil {
                let t = LazyTable<UInt16>(count: Self.pagesPerRegion)
                regionTables.append(t)
                regions[r] = t.base
            }
            regions[r]![Int(page) & (Self.pagesPerRegion - 1)] = tag
            page += 1
        }
    }

    /// Put `wrap(device)` in place of every mapped device, at the same addresses (a trace
    /// interposes this way; the table of pages is unchanged).
    public func wrapDevices(_ wrap: (BusDevice) -> BusDevice) {
        for i in devices.indices { devices[i].device = wrap(devices[i].device) }
    }

    /// Host pointer for `size` bytes of RAM at `pa`, or nil when any byte is outside RAM.
    @inlinable @inline(__always)
    public func ramPointer(_ pa: UInt64, size: Int) -> UnsafeMutableRawPointer? {
        let off = pa &- ramBase
        guard off < ramSize, ramSize - off >= UInt64(size) else { return nil }
        return ram + Int(off)
    }

    /// The device covering `pa` and the offset into it.
    @inline(__always)
    public func device(at pa: UInt64) -> (device: BusDevice, offset: UInt64)? {
        let r = Int(truncatingIfNeeded: pa >> Self.regionShift)
        guard r < Self.regionCount, let table = regions[r] else { return nil }
        let tag = Int(table[Int(truncatingIfNeeded: pa >> Self.pageShift) & (Self.pagesPerRegion - 1)])
        guard tag != 0 else { return nil }
        let d = devices[tag - 1]
        guard pa &- d.base < d.size else { return nil }
        return (d.device, pa &- d.base)
    }

    /// Physical read of 1, 2, 4 or 8 bytes (little-endian). nil: nothing answers (bus error).
    public func read(_ pa: UInt64, size: Int) -> UInt64? {
        if let p = ramPointer(pa, size: size) { return Self.loadRAM(p, size: size) }
        guard let (dev, off) = device(at: pa) else { return nil }
        return dev.read(offset: off, size: size)
    }

    /// Physical write of 1, 2, 4 or 8 bytes. false: nothing answers (bus error).
    public func write(_ pa: UInt64, size: Int, value: UInt64) -> Bool {
        if let p = ramPointer(pa, size: size) {
            noteRAMWrite(pa, size: size)
            Self.storeRAM(p, size: size, value: value)
            return true
        }
        guard let (dev, off) = device(at: pa) else { return false }
        return dev.write(offset: off, size: size, value: value)
    }

    /// Little-endian load of 1, 2, 4 or 8 bytes from host RAM (any alignment): the one place
    /// guest RAM is read, for the CPU's fast path and for physical accesses alike.
    @inlinable @inline(__always)
    public static func loadRAM(_ p: UnsafeMutableRawPointer, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(p.load(as: UInt8.self))
        case 2: return UInt64(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
        case 4: return UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        default: return UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        }
    }

    /// Little-endian store of the low 1, 2, 4 or 8 bytes of `value`. The caller has told
    /// `noteRAMWrite` (the decode cache must see every write).
    @inlinable @inline(__always)
    public static func storeRAM(_ p: UnsafeMutableRawPointer, size: Int, value: UInt64) {
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: 0, as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: 0, as: UInt32.self)
        default: p.storeBytes(of: value.littleEndian, toByteOffset: 0, as: UInt64.self)
        }
    }

    /// Every RAM write of at most 16 bytes goes through here so that predecoded code on the
    /// page is dropped.
    @inlinable @inline(__always)
    public func noteRAMWrite(_ pa: UInt64, size: Int) {
        let first = (pa &- ramBase) >> Self.pageShift
        let last = (pa &+ UInt64(size) &- 1 &- ramBase) >> Self.pageShift
        if codePages[Int(first)] != 0 || codePages[Int(last)] != 0 { codeWritten?(pa &- ramBase, size) }
    }

    /// Loader access: copy bytes into RAM. Returns false if the range is not entirely RAM.
    public func load(_ bytes: UnsafeRawBufferPointer, at pa: UInt64) -> Bool {
        guard bytes.count > 0 else { return true }
        guard let p = ramPointer(pa, size: bytes.count) else { return false }
        p.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        codeWritten?(pa - ramBase, bytes.count)
        return true
    }

    public func contains(ramRange pa: UInt64, size: UInt64) -> Bool {
        let off = pa &- ramBase
        return off < ramSize && ramSize - off >= size
    }
}
