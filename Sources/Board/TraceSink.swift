import ARMCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a trace event happened: the CPU, its EL, the VMID when stage 2 is on below EL2, and the
/// CPU's instruction count (which, unlike host time, is the same from run to run).
public struct TraceContext: Equatable {
    public var insn: UInt64
    public var cpu: Int
    public var el: UInt8
    public var vmid: UInt16?

    public init(insn: UInt64, cpu: Int, el: UInt8, vmid: UInt16?) {
        self.insn = insn
        self.cpu = cpu
        self.el = el
        self.vmid = vmid
    }

    /// The context of `cpu` now, or at `el` if the event belongs to another EL than the current
    /// one (an exception entry happened at the EL it came from).
    public static func of(_ cpu: CPU, el: UInt8? = nil) -> TraceContext {
        let at = el ?? cpu.el
        return TraceContext(insn: cpu.instret, cpu: cpu.index, el: at, vmid: at < 2 ? vmid(cpu) : nil)
    }

    /// The VMID of the running guest when stage 2 is on (HCR_EL2.VM): VTTBR_EL2.VMID, bits 55:48,
    /// or 63:48 with VTCR_EL2.VS (D8.2.6). AArch32 Hyp mode keeps HCR and VTTBR in the same slots.
    public static func vmid(_ cpu: CPU) -> UInt16? {
        guard cpu.hasEL2, cpu.sysregs[SysReg.HCR_EL2] & HCR.VM != 0 else { return nil }
        let vttbr = cpu.sysregs[SysReg.VTTBR_EL2]
        let wide = cpu.sysregs[SysReg.VTCR_EL2] >> 19 & 1 != 0
        return UInt16(truncatingIfNeeded: vttbr >> 48 & (wide ? 0xFFFF : 0xFF))
    }

    /// "cpu0 EL1 vm1", the text prefix.
    public var label: String {
        "cpu\(cpu) EL\(el)" + (vmid.map { " vm\($0)" } ?? "")
    }
}

/// A field of a trace event as JSON shows it.
public enum TraceValue: Equatable {
    case int(UInt64)
    /// A register value or address: a "0x..." string (JSON numbers lose 64-bit precision).
    case hex(UInt64)
    case text(String)
    case flag(Bool)
    /// Absent (JSON null): a field this event does not have.
    case none

    var json: String {
        switch self {
        case .int(let v): return String(v)
        case .hex(let v): return "\"0x\(hexDigits(v))\""
        case .text(let s): return jsonQuoted(s)
        case .flag(let b): return b ? "true" : "false"
        case .none: return "null"
        }
    }
}

/// How trace lines are written.
public enum TraceFormat: String, CaseIterable {
    /// "[insn] cpu0 EL1 vm1: text", for people.
    case text
    /// One JSON object a line with the keys insn, cpu, el, vmid (null without stage 2), kind and
    /// text, then the event's own fields, for tools.
    case json
}

/// Every trace writes through one sink: it applies `--trace-filter`, formats text or JSON lines
/// and sends them to stderr or `--trace-file`.
public final class TraceSink {
    public let format: TraceFormat
    public let filter: TraceFilter
    private let output: TraceOutput

    public init(format: TraceFormat = .text, filter: TraceFilter = TraceFilter(), output: TraceOutput) {
        self.format = format
        self.filter = filter
        self.output = output
    }

    /// A sink that hands each line to `write` (tests, and the old `write:` callers).
    public convenience init(format: TraceFormat = .text, filter: TraceFilter = TraceFilter(), write: @escaping (String) -> Void) {
        self.init(format: format, filter: filter, output: TraceOutput(write: write))
    }

    /// Whether an event with this context would be written: callers test it before they format
    /// a frequent event (device accesses, exceptions) that the filter may drop.
    public func admits(_ c: TraceContext, ec: UInt8? = nil) -> Bool { filter.admits(c, ec: ec) }

    /// Write one event: `kind` names its trace ("exception", "irq", "mmio", "mmu"), `text` is
    /// what a person reads after the prefix, `ec` the exception class the filter's `ec=` matches.
    public func emit(_ c: TraceContext, kind: String, ec: UInt8? = nil, _ text: String,
                     _ fields: KeyValuePairs<String, TraceValue> = [:]) {
        guard filter.admits(c, ec: ec) else { return }
        switch format {
        case .text:
            output.line("[\(c.insn)] \(c.label): \(text)")
        case .json:
            var j = "{\"insn\":\(c.insn),\"cpu\":\(c.cpu),\"el\":\(c.el),\"vmid\":\(c.vmid.map { String($0) } ?? "null")"
            j += ",\"kind\":\(jsonQuoted(kind)),\"text\":\(jsonQuoted(text))"
            if let ec { j += ",\"ec\":\(ec)" }
            for (k, v) in fields { j += ",\(jsonQuoted(k)):\(v.json)" }
            output.line(j + "}")
        }
    }

    /// Write what is buffered (before the process exits).
    public func flush() { output.flush() }
}

/// Lines to stderr (unbuffered, so they interleave with armvm's own messages), to a file
/// (buffered), or to a closure.
public final class TraceOutput {
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private let closure: ((String) -> Void)?

    public init(write: @escaping (String) -> Void) { closure = { write($0) } }

    private init(fd: Int32) {
        self.fd = fd
        closure = nil
        buffer.reserveCapacity(1 << 16)
    }

    public static let standardError = TraceOutput(fd: 2)

    /// A file created (or truncated) now; a name that cannot be written is bad host input.
    public static func file(_ path: String, flag: String) throws -> TraceOutput {
        guard !path.isEmpty else { throw HostInputError(message: "\(flag) needs a file name") }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HostInputError(message: "\(flag) \(path): \(String(cString: strerror(errno)))") }
        return TraceOutput(fd: fd)
    }

    func line(_ s: String) {
        if let closure { closure(s); return }
        buffer.append(contentsOf: s.utf8)
        buffer.append(10)
        if fd == 2 || buffer.count >= 1 << 16 { flush() }
    }

    /// Write the buffered bytes, ignoring a failing file (a trace must not change the run).
    public func flush() {
        guard fd >= 0, !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A JSON string literal.
func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 { out += "\\u" + hexDigits(UInt64(u.value), width: 4) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
