#if canImport(Glibc)
import Glibc
#endif

/// Reads the user's files. Opened read-only: armvm never modifies an image, initrd or DTB.
///
/// Only regular files (or symlinks to them) are read. A FIFO, socket or terminal would block
/// or never end, and a device such as /dev/zero is endless, so each is refused by name before
/// anything waits on it: the type is checked with stat() before open(), the open is
/// non-blocking in case the path changed in between, and fstat() checks the opened file again.
///
/// Files under /proc and /sys are regular but report size 0: they are read to their end like
/// any other file, so they hold what they print (and a truly empty one is "empty" to callers).
public enum HostFile {
    /// The whole file, or a HostInputError naming the file (after `option`, e.g. "--initrd")
    /// and the host's reason. A file longer than `limit` bytes (the guest's RAM, which no
    /// input may exceed) is refused before it is read, so a huge file cannot exhaust the host.
    public static func read(_ path: String, limit: UInt64, option: String? = nil) throws -> [UInt8] {
        let name = option.map { "\($0) \(path)" } ?? path
        func fail(_ why: String) -> HostInputError { HostInputError("\(name): \(why)") }
        guard !path.isEmpty else {
            throw HostInputError(option.map { "\($0): empty file name" } ?? "empty file name given as the image")
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw fail(String(cString: strerror(errno))) }
        if let why = notRegular(st) { throw fail(why) }

        // O_NONBLOCK: should the path have become a FIFO since stat(), open() must not wait for a writer.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw fail(String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw fail(String(cString: strerror(errno))) }
        if let why = notRegular(st) { throw fail(why) }
        let reported = UInt64(max(0, st.st_size))
        guard reported <= limit else { throw tooLarge(name, reported, limit) }

        // Read to end of file rather than trusting st_size (0 for /proc files; a file can also
        // change while it is read), never past `limit`.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(reported))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[..<n]
                guard UInt64(bytes.count) <= limit else { throw tooLarge(name, UInt64(bytes.count), limit) }
                continue
            }
            if n == 0 { return bytes }
            if errno == EINTR { continue }
            throw fail(String(cString: strerror(errno)))
        }
    }

    /// Why a file of this type cannot be read as an image, or nil for a regular file.
    static func notRegular(_ st: stat) -> String? {
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: return "is a FIFO (named pipe), not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        case S_IFCHR: return "is a character device, not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        default: return "is not a regular file"
        }
    }

    static func tooLarge(_ name: String, _ size: UInt64, _ limit: UInt64) -> HostInputError {
        HostInputError("\(name): the file (\(size) bytes) is larger than guest RAM (\(formatSize(limit))); try a larger --memory")
    }
}

/// Little-endian field reads from a byte array, bounds-checked by the caller.
extension Array where Element == UInt8 {
    func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    func le32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[at + $1]) << (8 * UInt32($1)) } }
    func le64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(self[at + $1]) << (8 * UInt64($1)) } }
    func be32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(self[at + $1]) } }
}

/// Checked address arithmetic for loaders: a sum that would wrap past 2^64 is a HostInputError
/// naming what was being computed, never a trap.
func checkedAdd(_ a: UInt64, _ b: UInt64, _ what: @autoclosure () -> String) throws -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw HostInputError("\(what()): \(hex(a)) + \(hex(b)) overflows the 64-bit address space") }
    return sum
}
