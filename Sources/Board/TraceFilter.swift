/// `--trace-filter`: which trace events are written. A comma-separated list of `key=value`
/// terms, all of which must hold:
///
///     el=2            the EL where the event happened (0-3; a range such as 1-2 too)
///     cpu=0           the CPU index (or a range, 0-1)
///     vmid=1          the VMID (stage 2 on, below EL2); events with no VMID do not pass
///     ec=0x16         exception class (hex with 0x, or decimal); events that are not
///                     exception entries do not pass
///     insn=1000-5000  the CPU's instruction count, inclusive; `1000-` has no upper end
///
/// Numbers take 0x for hex. A key given twice keeps the last value.
public struct TraceFilter: Equatable {
    public var el: ClosedRange<UInt64>?
    public var cpu: ClosedRange<UInt64>?
    public var vmid: ClosedRange<UInt64>?
    public var ec: ClosedRange<UInt64>?
    public var insn: ClosedRange<UInt64>?

    public init() {}

    /// True when no term is set: every event passes.
    public var isEmpty: Bool { self == TraceFilter() }

    /// Parse the flag's text; malformed text is bad host input naming what was wrong.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> HostInputError {
            HostInputError(message: "malformed --trace-filter '\(text)': \(why) (terms like el=2,cpu=0,vmid=1,ec=0x16,insn=1000-5000)")
        }
        for term in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = term.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw bad("'\(term)' is not key=value") }
            let key = parts[0].trimmingWhitespace, value = parts[1].trimmingWhitespace
            guard ["el", "cpu", "vmid", "ec", "insn"].contains(key) else { throw bad("unknown key '\(key)' (el, cpu, vmid, ec, insn)") }
            guard let range = Self.range(value, openEnded: key == "insn") else {
                throw bad("'\(value)' is not a number or a range a-b")
            }
            switch key {
            case "el":
                guard range.upperBound <= 3 else { throw bad("an EL is 0 to 3") }
                el = range
            case "cpu": cpu = range
            case "vmid": vmid = range
            case "ec":
                guard range.upperBound <= 0x3F else { throw bad("an exception class is 0 to 0x3f") }
                ec = range
            case "insn": insn = range
            default: throw bad("unknown key '\(key)' (el, cpu, vmid, ec, insn)")
            }
        }
    }

    /// A number (decimal or 0x hex), or `a-b` with a <= b; with `openEnded`, `a-` too.
    static func range(_ s: String, openEnded: Bool) -> ClosedRange<UInt64>? {
        let ends = s.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let lo = number(String(ends[0])) else { return nil }
        if ends.count == 1 { return lo...lo }
        if ends[1].isEmpty { return openEnded ? lo...UInt64.max : nil }
        guard let hi = number(String(ends[1])), lo <= hi else { return nil }
        return lo...hi
    }

    static func number(_ s: String) -> UInt64? {
        let t = s.lowercased()
        if t.hasPrefix("0x") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }

    /// Whether an event with this context passes.
    func admits(_ c: TraceContext, ec eventEC: UInt8?) -> Bool {
        if let r = insn, !r.contains(c.insn) { return false }
        if let r = cpu, !r.contains(UInt64(c.cpu)) { return false }
        if let r = el, !r.contains(UInt64(c.el)) { return false }
        if let r = vmid {
            guard let v = c.vmid, r.contains(UInt64(v)) else { return false }
        }
        if let r = ec {
            guard let e = eventEC, r.contains(UInt64(e)) else { return false }
        }
        return true
    }
}

extension Substring {
    var trimmingWhitespace: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
