#if canImport(Glibc)
import Glibc
#endif

/// The receive side of a console UART, as `ConsoleInput` feeds it. The device decides, from its
/// own registers, whether the guest has enabled reception and whether its FIFO has room.
public protocol SerialReceiver: AnyObject {
    /// The guest has enabled the receiver (the console then wants input).
    var receiverEnabled: Bool { get }
    /// The receiver is enabled and its FIFO has room for one more character.
    var canReceive: Bool { get }
    /// Characters wait in the FIFO and their receive time-out has not fired yet.
    var awaitsTimeout: Bool { get }
    /// One character arrives.
    func receive(_ byte: UInt8)
    /// One character time passed with nothing arriving: the receive time-out's clock.
    func receiveIdle()
}

/// armvm's standard input, fed to the console UART's receiver.
///
/// The rule (docs/ARCHITECTURE.md, "Console input"): the machine offers the UART one character
/// every `characterNanos` of virtual time, at the multiples of `characterNanos`, and only when
/// the guest has enabled the receiver and the FIFO has room; the first offer comes one period
/// after the receiver is first seen enabled (so a driver that drains its FIFO when it starts
/// the port loses nothing). A period with nothing to give is a receive time-out tick.
///
/// From a file or a pipe (`.stream`) the bytes are read only when one is due, waiting for the
/// writer if need be while guest time stands still, so the same input gives the same output and
/// instruction count however fast it arrives. From a terminal (`.terminal`) whatever has been
/// typed by then is given, which is not deterministic; the terminal goes raw when the guest first
/// enables its receiver, and Ctrl-A x quits (`TerminalMode`).
///
/// Semihosting SYS_READC/SYS_READ read the same descriptor (Firmware.readInput), first taking
/// anything read here and not yet given: a byte reaches whichever the guest asks with first.
public final class ConsoleInput {
    /// One character per 100 us of guest time, about 115200 baud.
    public static let characterNanos: UInt64 = 100_000
    /// The escape key: Ctrl-A, then x to quit, Ctrl-A to send a Ctrl-A, h for help.
    public static let escape: UInt8 = 0x01

    public enum Mode { case stream, terminal }

    public let mode: Mode
    private let fd: Int32
    /// The console UART (set when the machine is built).
    public var receiver: SerialReceiver?
    /// The guest's output, flushed at each tick on a terminal: a prompt or an echoed key has no
    /// newline, and the user must see it before typing on.
    public var console: Console?
    /// Read from the host, not yet given to the guest.
    private var buffer: [UInt8] = []
    private var head = 0
    /// The host's input ended (end of file, or a read error).
    public private(set) var atEnd = false
    /// Ctrl-A x was typed on the terminal: the run ends.
    public private(set) var quitRequested = false
    private var escapePending = false
    private var nextTick: UInt64 = 0
    private var seenEnabled = false
    /// Where the escape key's help goes (standard error).
    private let helpFD: Int32

    public init(fd: Int32 = 0, mode: Mode, helpFD: Int32 = 2) {
        self.fd = fd
        self.mode = mode
        self.helpFD = helpFD
    }

    /// `.terminal` when `fd` is a terminal, `.stream` otherwise.
    public static func forDescriptor(_ fd: Int32 = 0) -> ConsoleInput {
        ConsoleInput(fd: fd, mode: isatty(fd) == 1 ? .terminal : .stream)
    }

    private var hasBuffered: Bool { head < buffer.count }

    /// The virtual time at which the input next wants the machine's attention, if any: the run
    /// loop ends its round there and a waiting machine jumps there instead of stopping idle.
    public func nextDeadline() -> UInt64? {
        guard let r = receiver, r.receiverEnabled else { return nil }
        if !seenEnabled || r.awaitsTimeout { return nextTick }
        let more = hasBuffered || (mode == .stream && !atEnd)
        return r.canReceive && more ? nextTick : nil
    }

    /// Called by the run loop between rounds, at virtual time `now`: gives the tick that is due.
    public func service(now: UInt64) {
        guard now >= nextTick, let r = receiver else { return }
        nextTick = (now / Self.characterNanos &+ 1) &* Self.characterNanos
        guard r.receiverEnabled else { return }
        if !seenEnabled {
            seenEnabled = true
            if mode == .terminal { TerminalMode.enterRaw(fd) }
            return
        }
        if mode == .terminal {
            console?.flush()
            readTerminal(waitMillis: 0)
        }
        if r.canReceive, let b = nextByte() { r.receive(b) } else { r.receiveIdle() }
    }

    /// An interactive guest waits for an interrupt: wait up to `nanos` of wall-clock time (nil:
    /// without end) for a key, so an idle shell costs no host CPU. True when input arrived, and
    /// then the next tick is now. Only on a terminal whose receiver the guest has enabled.
    public func waitForTerminal(now: UInt64, nanos: UInt64?) -> Bool {
        // Characters already waiting are the deadline's business: only new keys end this wait.
        guard mode == .terminal, seenEnabled, !hasBuffered, let r = receiver, r.receiverEnabled else { return false }
        console?.flush()
        var left = nanos.map { Int($0 / 1_000_000) } ?? Int.max
        while HostSignals.pending == nil && !quitRequested {
            let step = min(left, 100)
            readTerminal(waitMillis: Int32(step))
            if hasBuffered || quitRequested { break }
            if nanos != nil { left -= step; if left <= 0 { return false } }
        }
        guard hasBuffered else { return false }
        nextTick = now
        return true
    }

    /// Bytes read here that the UART has not taken, for a semihosting read (at most `n`).
    public func takeBuffered(_ n: Int) -> [UInt8] {
        let end = min(buffer.count, head + n)
        let out = Array(buffer[head..<end])
        head = end
        return out
    }

    private func nextByte() -> UInt8? {
        if !hasBuffered && mode == .stream && !atEnd { readStream() }
        guard hasBuffered else { return nil }
        let b = buffer[head]
        head += 1
        if head == buffer.count { buffer.removeAll(keepingCapacity: true); head = 0 }
        return b
    }

    /// Waits for at least one byte of a file or pipe (guest time stands still meanwhile).
    private func readStream() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while HostSignals.pending == nil {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { atEnd = true; return }
            buffer.append(contentsOf: chunk[..<got])
            return
        }
    }

    /// Reads what has been typed, waiting up to `waitMillis` for it, through the escape key.
    private func readTerminal(waitMillis: Int32) {
        guard !atEnd else { return }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, waitMillis) > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 256)
        let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { return }
        if got <= 0 { atEnd = true; return }
        for b in chunk[..<got] { typed(b) }
    }

    /// One key from the terminal, through the escape key (as QEMU's Ctrl-A prefix).
    func typed(_ b: UInt8) {
        guard escapePending else {
            if b == Self.escape { escapePending = true } else { buffer.append(b) }
            return
        }
        escapePending = false
        switch b {
        case UInt8(ascii: "x"), UInt8(ascii: "X"): quitRequested = true
        case Self.escape: buffer.append(b)
        case UInt8(ascii: "h"), UInt8(ascii: "?"):
            let help = "\r\narmvm console: Ctrl-A x quit, Ctrl-A Ctrl-A send Ctrl-A, Ctrl-A h this help\r\n"
            _ = help.withCString { Glibc.write(helpFD, $0, strlen($0)) }
        default: break   // an unknown escape is dropped, as QEMU's mux does
        }
    }
}
