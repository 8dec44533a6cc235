#if canImport(Glibc)
import Glibc
#endif

/// The host file behind a virtio-blk drive (`--drive FILE[,readonly][,snapshot]`).
///
/// A writable drive writes through to the file with pwrite, and a guest FLUSH is an fsync, so
/// what the guest flushed survives armvm being killed. `readonly` opens the file read-only and
/// the device refuses writes. `snapshot` also opens it read-only and keeps the guest's writes in
/// memory, 4 KiB pages copied on first write, dropped at exit: the user's file is never modified.
public final class DiskImage {
    public struct Spec: Sendable, Equatable {
        public static let usage = "--drive FILE[,readonly][,snapshot]"
        public var path: String
        public var readOnly = false
        public var snapshot = false

        public init(path: String, readOnly: Bool = false, snapshot: Bool = false) {
            self.path = path; self.readOnly = readOnly; self.snapshot = snapshot
        }

        public static func parse(_ spec: String) throws -> Spec {
            var parts = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let path = parts.removeFirst()
            guard !path.isEmpty else { throw HostInputError("--drive '\(spec)' names no image file (write \(usage))") }
            var s = Spec(path: path)
            for p in parts {
                switch p {
                case "readonly": s.readOnly = true
                case "snapshot": s.snapshot = true
                default: throw HostInputError("--drive \(path): unknown option '\(p)' (write \(usage))")
                }
            }
            return s
        }
    }

    public static let sectorSize: UInt64 = 512
    static let pageSize: UInt64 = 4096

    public let spec: Spec
    private let fd: Int32
    /// The size the guest sees: the file's size rounded down to whole sectors.
    public let size: UInt64
    /// snapshot: guest-written pages by page number.
    private var overlay: [UInt64: [UInt8]] = [:]

    public var isReadOnly: Bool { spec.readOnly }

    /// Opens the drive's file, or throws a HostInputError naming it.
    public init(_ spec: Spec) throws {
        self.spec = spec
        let name = "--drive \(spec.path)"
        var st = stat()
        guard stat(spec.path, &st) == 0 else { throw HostInputError("\(name): \(String(cString: strerror(errno)))") }
        if let why = HostFile.notRegular(st) { throw HostInputError("\(name): \(why)") }
        let writes = !spec.readOnly && !spec.snapshot
        let fd = open(spec.path, (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw HostInputError("\(name): \(why)" + (writes && errno == EACCES ? " (add ,readonly or ,snapshot to use it without writing)" : ""))
        }
        guard fstat(fd, &st) == 0, HostFile.notRegular(st) == nil else {
            close(fd)
            throw HostInputError("\(name): is not a regular file")
        }
        let bytes = UInt64(max(0, st.st_size))
        guard bytes >= Self.sectorSize else {
            close(fd)
            throw HostInputError("\(name): " + (bytes == 0 ? "empty file" : "the image is \(bytes) bytes, smaller than one 512-byte sector"))
        }
        self.fd = fd
        self.size = bytes / Self.sectorSize * Self.sectorSize
    }

    deinit { close(fd) }

    /// Reads `length` bytes at `offset` (within `size`) into `to`. false: the host read failed.
    func read(at offset: UInt64, into to: UnsafeMutableRawPointer, length: Int) -> Bool {
        forEachPage(offset, length) { page, inPage, done, n in
            if let copy = overlay[page] {
                copy.withUnsafeBytes { (to + done).copyMemory(from: $0.baseAddress! + inPage, byteCount: n) }
                return true
            }
            return readFile(at: offset + UInt64(done), into: to + done, length: n)
        }
    }

    /// Calls `body(page, offset in page, bytes done, bytes in this page)` for each snapshot
    /// page that `length` bytes at `offset` touch, in order, until it returns false.
    private func forEachPage(_ offset: UInt64, _ length: Int,
                             _ body: (UInt64, Int, Int, Int) -> Bool) -> Bool {
        var done = 0
        while done < length {
            let at = offset + UInt64(done)
            let inPage = Int(at % Self.pageSize)
            let n = min(length - done, Int(Self.pageSize) - inPage)
            guard body(at / Self.pageSize, inPage, done, n) else { return false }
            done += n
        }
        return true
    }

    /// Writes `length` bytes from `from` at `offset` (within `size`). false: the host write failed.
    func write(at offset: UInt64, from: UnsafeRawPointer, length: Int) -> Bool {
        guard spec.snapshot else {
            var done = 0
            while done < length {
                let n = pwrite(fd, from + done, length - done, off_t(offset + UInt64(done)))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        return forEachPage(offset, length) { page, inPage, done, n in
            var copy: [UInt8]
            if let existing = overlay.removeValue(forKey: page) {
                copy = existing
            } else {
                copy = [UInt8](repeating: 0, count: Int(Self.pageSize))
                // The file's last page may be short: what lies beyond its end reads as zeros.
                let start = page * Self.pageSize
                let have = Int(min(Self.pageSize, size - start))
                let ok = copy.withUnsafeMutableBytes { readFile(at: start, into: $0.baseAddress!, length: have) }
                guard ok else { return false }
            }
            copy.withUnsafeMutableBytes { ($0.baseAddress! + inPage).copyMemory(from: from + done, byteCount: n) }
            overlay[page] = copy
            return true
        }
    }

    /// A guest FLUSH: everything written so far reaches the disk (nothing to do for a snapshot).
    func flush() -> Bool {
        spec.snapshot || spec.readOnly || fsync(fd) == 0
    }

    private func readFile(at offset: UInt64, into to: UnsafeMutableRawPointer, length: Int) -> Bool {
        var done = 0
        while done < length {
            let n = pread(fd, to + done, length - done, off_t(offset + UInt64(done)))
            if n < 0 && errno == EINTR { continue }
            if n == 0 {
                // The file shrank under us: the rest reads as zeros.
                (to + done).initializeMemory(as: UInt8.self, repeating: 0, count: length - done)
                return true
            }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
