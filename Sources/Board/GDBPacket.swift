/// The byte-level half of gdb's remote protocol (gdb manual, "Remote Serial Protocol"): the
/// stream from gdb cut into packets `$data#cs`, acks `+`/`-`, and the interrupt byte 0x03.
///
/// For fuzzing: `GDBFramer` is public and pure (no sockets, no machine), so a harness can feed it
/// arbitrary bytes with `feed(_:)`; it keeps at most `maxPacketSize` bytes of any packet.
public struct GDBFramer {
    /// What one byte from gdb completed.
    public enum Event: Equatable {
        /// A packet's data (between `$` and `#`); its checksum was right. Answer `+` and a reply.
        case packet([UInt8])
        /// A packet whose checksum was wrong or not hex: answer `-` so gdb sends it again.
        case badChecksum
        /// A packet with a right checksum but more than `maxPacketSize` data bytes, of which none
        /// were kept: answer `+` and an error.
        case oversized
        /// gdb acknowledged (`+`) or asked for again (`-`) the last reply.
        case ack, nack
        /// 0x03 between packets: gdb's Ctrl-C.
        case interrupt
    }

    /// The most data bytes a packet may have; advertised to gdb as qSupported's PacketSize.
    public static let defaultMaxPacketSize = 0x4000
    public let maxPacketSize: Int

    private enum State { case between, data, checksumHigh, checksumLow(UInt8) }
    private var state = State.between
    private var data: [UInt8] = []
    private var sum: UInt8 = 0
    private var dropped = false

    public init(maxPacketSize: Int = GDBFramer.defaultMaxPacketSize) {
        self.maxPacketSize = max(1, maxPacketSize)
    }

    /// True between packets (nothing half-received).
    public var isIdle: Bool { if case .between = state { return true } else { return false } }

    /// Takes one byte from gdb; returns the event it completes, if any.
    public mutating func feed(_ b: UInt8) -> Event? {
        switch state {
        case .between:
            switch b {
            case UInt8(ascii: "$"): start()
            case UInt8(ascii: "+"): return .ack
            case UInt8(ascii: "-"): return .nack
            case 0x03: return .interrupt
            default: break   // noise between packets (gdb sends none): skipped
            }
        case .data:
            switch b {
            case UInt8(ascii: "#"): state = .checksumHigh
            // '$' never occurs in data (binary data escapes it): the packet before was cut short.
            case UInt8(ascii: "$"): start()
            default:
                sum &+= b
                if data.count < maxPacketSize { data.append(b) } else { dropped = true }
            }
        case .checksumHigh:
            guard let h = GDBHex.digit(b) else { return finish(nil) }
            state = .checksumLow(h)
        case .checksumLow(let h):
            guard let l = GDBHex.digit(b) else { return finish(nil) }
            return finish(h << 4 | l)
        }
        return nil
    }

    /// Takes bytes from gdb; returns the events they complete, in order.
    public mutating func feed<S: Sequence>(_ bytes: S) -> [Event] where S.Element == UInt8 {
        var events: [Event] = []
        for b in bytes { if let e = feed(b) { events.append(e) } }
        return events
    }

    private mutating func start() {
        state = .data
        data.removeAll(keepingCapacity: true)
        sum = 0
        dropped = false
    }

    private mutating func finish(_ checksum: UInt8?) -> Event {
        state = .between
        defer { data.removeAll(keepingCapacity: true) }
        guard checksum == sum else { return .badChecksum }
        return dropped ? .oversized : .packet(data)
    }

    /// `$data#cs`, for a reply.
    public static func frame<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = [UInt8(ascii: "$")]
        out.reserveCapacity(data.count + 4)
        var sum: UInt8 = 0
        for b in data { sum &+= b; out.append(b) }
        out.append(UInt8(ascii: "#"))
        out.append(GDBHex.digits[Int(sum >> 4)])
        out.append(GDBHex.digits[Int(sum & 15)])
        return out
    }
}

/// Hex as gdb writes it: digits only, no sign, no 0x. Every parser here returns nil rather than
/// trap on anything else, and on values that do not fit.
enum GDBHex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A number: one or more hex digits whose value fits in 64 bits (leading zeros allowed).
    static func number<C: Collection>(_ s: C) -> UInt64? where C.Element == UInt8 {
        guard !s.isEmpty else { return nil }
        var v: UInt64 = 0
        for c in s {
            guard let d = digit(c), v >> 60 == 0 else { return nil }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    /// Bytes, two hex digits each; nil on an odd count or a non-hex digit.
    static func bytes<C: Collection>(_ s: C) -> [UInt8]? where C.Element == UInt8 {
        guard s.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2)
        var high: UInt8?
        for c in s {
            guard let d = digit(c) else { return nil }
            if let h = high { out.append(h << 4 | d); high = nil } else { high = d }
        }
        return out
    }

    static func append(_ b: UInt8, to out: inout [UInt8]) {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }

    /// `v`'s low `count` bytes, least significant first (gdb's order for a little-endian target).
    static func appendLittleEndian(_ v: UInt64, bytes count: Int, to out: inout [UInt8]) {
        for i in 0..<min(count, 8) { append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))), to: &out) }
    }
}
