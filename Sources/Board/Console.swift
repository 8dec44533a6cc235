#if canImport(Glibc)
import Glibc
#endif

/// Where guest console output goes: a file descriptor (stdout), written a line at a time, or a
/// capture buffer for tests.
public final class Console {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capturing: Bool
    /// Everything written, when capturing.
    public private(set) var captured: [UInt8] = []

    public init(fd: Int32) {
        self.fd = fd
        capturing = false
        buffer.reserveCapacity(4096)
    }

    /// A console that keeps its output in `captured` (tests).
    public init(capture: Bool) {
        fd = -1
        capturing = true
    }

    public func put(_ byte: UInt8) {
        if capturing { captured.append(byte); return }
        buffer.append(byte)
        if byte == 10 || buffer.count >= 4096 { flush() }
    }

    public func flush() {
        guard !capturing, !buffer.isEmpty else { return }
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { break }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
