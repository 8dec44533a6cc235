/// Why a count was refused.
public struct CountError: Error, Equatable {
    public var message: String
}

/// Parses counts as a user writes them: 1000000, 1_000_000, 0xF4240, 1e6 or 1M (K, M, G, T are
/// powers of 1000 here: a count of instructions, not of bytes). Shared by `--max-instructions`
/// and the manifest's `max-instructions=`.
public func parseInstructionCount(_ s: String) -> Result<UInt64, CountError> {
    let bad = CountError(message: "malformed count '\(s)' (a count such as 1000000, 1_000_000, 1e6 or 1M)")
    let t = String(s.filter { $0 != "_" })
    guard !t.isEmpty, !s.hasPrefix("_"), !s.hasSuffix("_") else { return .failure(bad) }
    if t.hasPrefix("0x") || t.hasPrefix("0X") {
        guard let v = UInt64(t.dropFirst(2), radix: 16) else { return .failure(bad) }
        return .success(v)
    }
    if let v = UInt64(t) { return .success(v) }
    let suffixes: [Character: Int] = ["K": 3, "M": 6, "G": 9, "T": 12, "k": 3]
    var mantissa = Substring(t), exponent = 0
    if let last = t.last, let e = suffixes[last] {
        mantissa = t.dropLast(); exponent = e
    } else if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        guard let x = Int(t[t.index(after: e)...]), (0...19).contains(x) else { return .failure(bad) }
        mantissa = t[..<e]; exponent = x
    }
    guard let m = UInt64(mantissa) else { return .failure(bad) }
    var v = m
    for _ in 0..<exponent {
        let (p, overflow) = v.multipliedReportingOverflow(by: 10)
        guard !overflow else { return .failure(CountError(message: "'\(s)' is too large")) }
        v = p
    }
    return .success(v)
}
