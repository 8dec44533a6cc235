import ARMCore
#if canImport(Glibc)
import Glibc
#endif

/// A gdb remote-protocol server (`armvm run --gdb PORT`): gdb or gdb-multiarch connects with
/// `target remote :PORT` and sees CPU 0 stopped at its first instruction, as with QEMU's
/// `-s -S`. It reads and writes registers (system registers too) and memory, sets breakpoints,
/// steps, continues, stops on Ctrl-C and answers `monitor` commands; each CPU is a thread.
///
/// The protocol is "Remote Serial Protocol" of the gdb manual (Appendix E). This class owns the
/// socket; `GDBFramer` cuts the byte stream into packets and `GDBStub` answers them. After a
/// detach the guest runs on to its end; a kill ends the run as `.debuggerKill`. When gdb goes
/// away (the connection closes or fails, even mid-reply or while the guest runs) the session
/// ends and `serve` returns nil.
public final class GDBServer {
    private let stub: GDBStub
    private var framer = GDBFramer()
    private var fd: Int32 = -1
    /// Bytes are read a chunk at a time; a packet is never held beyond the framer's cap.
    private var chunk = [UInt8](repeating: 0, count: 4096)
    /// Events of the last chunk not handled yet.
    private var pending: [GDBFramer.Event] = []
    private var next = 0
    /// The last reply, framed, to send again when gdb answers `-`.
    private var lastReply: [UInt8] = []
    /// The guest is running: only Ctrl-C matters (in all-stop mode gdb sends nothing else).
    private var running = false
    private var interrupted = false
    /// The connection closed or failed.
    private var gone = false

    /// Listen on 127.0.0.1:`port` (0: any free port, named in the announce line) and wait for
    /// gdb to connect. Host problems are bad input.
    public init(machine: Machine, port: UInt16, announce: (String) -> Void) throws {
        stub = GDBStub(machine: machine, maxPacketSize: framer.maxPacketSize)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HostInputError("--gdb: cannot create a socket") }
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else {
            throw HostInputError("--gdb: cannot listen on 127.0.0.1:\(port) (is the port in use?)")
        }
        // With port 0 the kernel picks one: name the one it picked, or gdb cannot find us.
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else { throw HostInputError("--gdb: cannot read the port listened on") }
        let listening = UInt16(bigEndian: actual.sin_port)
        announce("armvm: waiting for gdb on 127.0.0.1:\(listening) (target remote :\(listening))")
        repeat { fd = accept(listener, nil, nil) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw HostInputError("--gdb: accept failed") }
        // Replies are small and gdb waits for each: send them now, not after Nagle's delay.
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        machine.debugInterrupt = { [unowned self] in self.pollWhileRunning() }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Serve gdb until it detaches or kills, or the guest ends. Returns how the run ended: after
    /// a detach the guest runs on to its own end, as under QEMU; a kill is `.debuggerKill`. nil
    /// when gdb went away.
    public func serve(maxInstructions: UInt64?) -> MachineExit? {
        while !gone, let event = nextEvent() {
            let ack = !stub.noAckMode   // before the packet: QStartNoAckMode itself is acked
            switch event {
            case .ack, .interrupt:
                break   // Ctrl-C while stopped: nothing to interrupt
            case .nack:
                if ack && !lastReply.isEmpty { transmit(lastReply) }
            case .badChecksum:
                if ack { transmit([UInt8(ascii: "-")]) }
            case .oversized:
                reply(GDBStub.error, ack: ack)
            case .packet(let packet):
                switch stub.respond(to: packet) {
                case .reply(let data):
                    reply(data, ack: ack)
                case .resume(let step):
                    if ack { transmit([UInt8(ascii: "+")]) }   // now: gdb resends a packet not acked in time
                    running = true
                    // A Ctrl-C read in the same chunk as this packet is for this run.
                    interrupted = pending[next...].contains(.interrupt)
                    let (stop, end) = stub.resume(step: step, maxInstructions: maxInstructions)
                    running = false
                    reply(stop, ack: false)
                    if let end {
                        finish()
                        return end
                    }
                case .detach:
                    reply(GDBStub.ok, ack: ack)
                    finish()
                    return runDetached(maxInstructions: maxInstructions)
                case .kill:
                    if ack { transmit([UInt8(ascii: "+")]) }
                    finish()
                    return .debuggerKill
                }
            }
        }
        return nil   // gdb went away: stop the machine
    }

    /// After a detach: no breakpoints, no polling of the closed socket, full speed to the end.
    private func runDetached(maxInstructions: UInt64?) -> MachineExit {
        let machine = stub.machine
        machine.debugInterrupt = nil
        machine.breakpoints.removeAll()
        for c in machine.cpus {
            c.externalDebug.breakpoints.removeAll()
            c.externalDebug.watchpoints.removeAll()
            c.updateDebugArmed()
        }
        machine.singleStep = false
        machine.resumeFrom = nil
        return machine.run(maxInstructions: maxInstructions)
    }

    // MARK: Receiving

    /// The next event from gdb; nil once the connection is gone.
    private func nextEvent() -> GDBFramer.Event? {
        while next == pending.count {
            pending.removeAll(keepingCapacity: true)
            next = 0
            guard receive(wait: true) else { return nil }
        }
        defer { next += 1 }
        return pending[next]
    }

    /// Reads one chunk into the framer. False when nothing came (without `wait`) or gdb is gone.
    private func receive(wait: Bool) -> Bool {
        guard !gone else { return false }
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, wait ? 0 : Int32(MSG_DONTWAIT)) }
            if n > 0 {
                for b in chunk[0..<n] {
                    guard let e = framer.feed(b) else { continue }
                    if !running { pending.append(e) } else if e == .interrupt { interrupted = true }
                }
                return true
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
            gone = true   // 0: gdb closed the connection; an error: it broke
            return false
        }
    }

    /// The machine's debugInterrupt: stop for Ctrl-C, and when gdb went away.
    private func pollWhileRunning() -> Bool {
        _ = receive(wait: false)
        return interrupted || gone
    }

    // MARK: Sending

    /// `data` framed, after the `+` for gdb's packet if `ack`: one write, so one TCP segment.
    private func reply(_ data: [UInt8], ack: Bool) {
        lastReply = GDBFramer.frame(data)
        transmit(ack ? [UInt8(ascii: "+")] + lastReply : lastReply)
    }

    /// Writes all of `bytes`. MSG_NOSIGNAL: a closed connection is an error here, not SIGPIPE.
    private func transmit(_ bytes: [UInt8]) {
        var at = 0
        while !gone && at < bytes.count {
            let n = bytes[at...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { at += n } else if n < 0 && errno == EINTR { continue } else { gone = true }
        }
    }

    /// The session is over: say so (FIN) and give gdb a moment to read the last reply and close.
    /// Closing with gdb's `+` still unread would reset the connection instead, and a reset can
    /// discard the reply before gdb reads it.
    private func finish() {
        guard !gone else { return }
        shutdown(fd, Int32(SHUT_WR))
        for _ in 0..<16 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) > 0 else { return }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
        }
    }
}
