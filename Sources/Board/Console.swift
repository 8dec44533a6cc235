#if canImport(Glibc)
import Glibc
#endif

/// Where guest UART output goes. Bytes are buffered and written to the host file descriptor
/// with write(2) at each newline, when the buffer fills, and on `flush()` (which the CLI calls
/// before exit), so a guest printing one byte per MMIO store costs one system call per line.
public final class Console {
    private let fd: Int32
    private let capturing: Bool
    private var pending: [UInt8] = []
    /// Everything written, when created with `init(capture: true)` (tests read it).
    public private(set) var captured: [UInt8] = []
    /// The host's errno of the first write that failed (a full disk, a closed pipe): the guest
    /// runs on, and the CLI reports the lost output as a host error at the end.
    public private(set) var writeError: Int32?
    /// A flush beyond this many buffered bytes keeps a guest that never prints a newline visible.
    private static let bufferLimit = 4096

    /// A console that writes to `fd` (standard output by default).
    public init(fd: Int32 = 1) {
        self.fd = fd
        self.capturing = false
        pending.reserveCapacity(Self.bufferLimit)
    }

    /// With `capture: true`, a console that only keeps the bytes in `captured`; with false, the
    /// same as `init(fd: 1)`.
    public init(capture: Bool) {
        self.fd = 1
        self.capturing = capture
    }

    public var capturedText: String { String(decoding: captured, as: UTF8.self) }

    /// Called with each complete line the guest prints (without its newline), when set: how
    /// `--exit-on` and `--fail-on` watch the console.
    public var onLine: ((String) -> Void)?
    private var line: [UInt8] = []

    public func write(_ byte: UInt8) {
        if let onLine {
            if byte == 0x0A {
                onLine(String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
            } else if line.count < Self.bufferLimit {
                line.append(byte)
            }
        }
        if capturing { captured.append(byte); return }
        pending.append(byte)
        if byte == 0x0A || pending.count >= Self.bufferLimit { flush() }
    }

    public func write<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { write(b) }
    }

    public func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n > 0 { done += n; continue }
                // A closed or broken output must not stop the guest; retry only interruptions.
                if n < 0 && errno == EINTR { continue }
                if writeError == nil { writeError = n < 0 ? errno : EIO }
                break
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
