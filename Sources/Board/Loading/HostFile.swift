#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole host file, read-only; nothing the user gave is ever modified.
enum HostFile {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw HostInputError("\(path): cannot open \(what): \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var st = stat()
        guard fstat(fileno(f), &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw HostInputError("\(path): \(what) is not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        let n = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        guard n == bytes.count else { throw HostInputError("\(path): short read of \(what)") }
        return bytes
    }
}

extension Array where Element == UInt8 {
    func le16(_ at: Int) -> UInt64 { UInt64(self[at]) | UInt64(self[at + 1]) << 8 }
    func le32(_ at: Int) -> UInt64 { le16(at) | le16(at + 2) << 16 }
    func le64(_ at: Int) -> UInt64 { le32(at) | le32(at + 4) << 32 }
}
