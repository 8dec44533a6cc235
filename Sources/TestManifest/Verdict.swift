/// What one run of a row gave.
public struct RunResult {
    public enum Ending: Equatable {
        /// The process exited with this status.
        case exited(Int32)
        /// The runner killed it: it outlived its timeout by the runner's grace period.
        case killed(afterSeconds: Double)
        /// It could not be started (the reason).
        case notStarted(String)
    }
    public var ending: Ending
    public var stdout: String
    public var stderr: String
    public var seconds: Double
    /// From the run's --stats-file, when it wrote one.
    public var instructions: UInt64?

    public init(ending: Ending, stdout: String, stderr: String, seconds: Double, instructions: UInt64? = nil) {
        self.ending = ending
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.instructions = instructions
    }
}

/// A row's outcome: passed, failed with a one-line reason and a diff excerpt, or skipped.
public struct Verdict {
    public enum Kind: Equatable { case pass, fail, skip }
    public var row: ManifestRow
    public var kind: Kind
    /// One line: why it failed, or why it was skipped.
    public var reason: String
    /// A diff excerpt of the console against what was expected, on a failure that has one.
    public var diff: String
    public var result: RunResult?
    /// The guest's own checks, for a `tap=yes` row.
    public var checks: [GuestCheck] = []

    public init(row: ManifestRow, kind: Kind, reason: String = "", diff: String = "", result: RunResult? = nil,
                checks: [GuestCheck] = []) {
        self.row = row
        self.kind = kind
        self.reason = reason
        self.diff = diff
        self.result = result
        self.checks = checks
    }
}

/// One TAP test line a guest printed: `ok 3 - xen_version: 4.17`, perhaps behind a hypervisor's
/// "(d1) " prefix, which becomes part of the name so that two guests' checks stay apart.
public struct GuestCheck: Equatable {
    public var ok: Bool
    public var number: Int?
    public var name: String
    /// "SKIP ..." or "TODO ...": a skipped check, or a known failure that fails nothing.
    public var directive: String?
    /// The "# ..." lines the guest printed right after it (TAP diagnostics), without the "#".
    public var diagnostics: [String] = []

    public init(ok: Bool, number: Int?, name: String, directive: String? = nil, diagnostics: [String] = []) {
        self.ok = ok
        self.number = number
        self.name = name
        self.directive = directive
        self.diagnostics = diagnostics
    }

    public var counts: Bool { directive == nil }
    public var failed: Bool { !ok && counts }
}

/// The TAP test lines and plans ("1..N", one per guest) in a console.
public func parseGuestTAP(_ console: String) -> (checks: [GuestCheck], planned: Int?) {
    var checks: [GuestCheck] = []
    var planned: Int?
    for raw in console.splitLines(omittingEmpty: true) {
        var line = Substring(raw)
        var prefix = ""
        if line.hasPrefix("("), let close = line.firstIndex(of: ")"), line.distance(from: line.startIndex, to: close) < 12,
           line[line.index(after: close)...].hasPrefix(" ") {
            prefix = String(line[...close]) + " "
            line = line[line.index(close, offsetBy: 2)...]
        }
        if line.hasPrefix("#"), let last = checks.indices.last, checks[last].name.hasPrefix(prefix) {
            checks[last].diagnostics.append(String(line.dropFirst()).trimmingSpaces())
            continue
        }
        if line.hasPrefix("1.."), let n = Int(line.dropFirst(3)) {
            planned = (planned ?? 0) + n
            continue
        }
        let ok: Bool
        if line.hasPrefix("ok ") || line == "ok" { ok = true; line = line.dropFirst(2) }
        else if line.hasPrefix("not ok ") || line == "not ok" { ok = false; line = line.dropFirst(6) }
        else { continue }
        line = line.drop { $0 == " " }
        let digits = line.prefix { $0.isNumber }
        let number = Int(digits)
        line = line.dropFirst(digits.count).drop { $0 == " " }
        if line.hasPrefix("- ") { line = line.dropFirst(2) }
        var directive: String?
        if let hash = line.directiveStart() {
            directive = String(line[hash.upperBound...]).trimmingSpaces()
            line = line[..<hash.lowerBound]
        }
        checks.append(GuestCheck(ok: ok, number: number, name: prefix + String(line).trimmingSpaces(), directive: directive))
    }
    return (checks, planned)
}

extension Substring {
    /// Where " # SKIP" or " # TODO" (any case) starts a TAP directive.
    fileprivate func directiveStart() -> Range<Index>? {
        var i = startIndex
        while let hash = self[i...].firstIndex(of: "#") {
            let rest = self[index(after: hash)...].drop { $0 == " " }.uppercased()
            if rest.hasPrefix("SKIP") || rest.hasPrefix("TODO") { return hash..<index(after: hash) }
            i = index(after: hash)
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// armvm run's own exit statuses that the runner names in a reason.
public enum RunStatus {
    public static let timeout: Int32 = 7

    static func describe(_ s: Int32) -> String {
        switch s {
        case 0: return "0 (success)"
        case 2: return "2 (bad input)"
        case 3: return "3 (instruction limit)"
        case 4: return "4 (guest stuck)"
        case 5: return "5 (every CPU idle)"
        case 6: return "6 (reset)"
        case timeout: return "7 (timeout)"
        case 125: return "125 (host error)"
        default: return "\(s)"
        }
    }
}

/// Judges a run against its row. `expectedText` is the content of the row's output= file.
public func judge(_ row: ManifestRow, _ r: RunResult, expectedText: String?) -> Verdict {
    var reasons: [String] = []
    var diff = ""
    switch r.ending {
    case .notStarted(let why):
        return Verdict(row: row, kind: .fail, reason: "not started: \(why)", result: r)
    case .killed(let after):
        reasons.append("killed after \(formatSeconds(after)) s: no exit \(formatSeconds(row.timeout)) s after its timeout")
    case .exited(let s) where s != row.status:
        var why = "exit status \(RunStatus.describe(s)), expected \(RunStatus.describe(row.status))"
        if s == RunStatus.timeout { why = "timed out after timeout=\(formatSeconds(row.timeout)) s (exit status 7)" + (row.status == 0 ? "" : ", expected \(row.status)") }
        // armvm's last stderr line says what ended the run.
        if s != RunStatus.timeout, let last = r.stderr.splitLines(omittingEmpty: true).last {
            why += ": " + String(last)
        }
        reasons.append(why)
    case .exited:
        break
    }
    switch row.expected {
    case .none:
        break
    case .exact(let file):
        let expected = expectedText ?? ""
        if r.stdout != expected {
            reasons.append("console output differs from \(file)")
            diff = unifiedDiff(expected: expected, actual: r.stdout, expectedName: file)
        }
    case .linesInOrder(let lines, let file):
        if let (index, line) = firstMissingLine(lines, in: r.stdout) {
            let from = file.map { " (\($0))" } ?? ""
            reasons.append("expected line \(index + 1)\(from) not found in order: \(line)")
            diff = "expected, in order, one console line each containing:\n"
                + lines.enumerated().map { ($0.offset == index ? "> " : "  ") + $0.element }.joined(separator: "\n")
                + "\nconsole (last lines):\n" + tail(r.stdout, 10)
        }
    }
    var checks: [GuestCheck] = []
    if row.tap {
        let (found, planned) = parseGuestTAP(r.stdout)
        checks = found
        let failed = found.filter(\.failed)
        if found.isEmpty {
            reasons.append("the guest printed no TAP test lines (tap=yes)")
        } else if !failed.isEmpty {
            reasons.append("\(failed.count) of \(found.count) guest checks failed, the first: \(failed[0].name)")
            if diff.isEmpty {
                diff = failed.map { (["not ok - " + $0.name] + $0.diagnostics.map { "  # " + $0 }).joined(separator: "\n") }
                    .joined(separator: "\n")
            }
        } else if let planned, planned != found.count {
            reasons.append("the guest planned \(planned) checks and ran \(found.count)")
        }
    }
    if reasons.isEmpty { return Verdict(row: row, kind: .pass, result: r, checks: checks) }
    return Verdict(row: row, kind: .fail, reason: reasons.joined(separator: "; "), diff: diff, result: r, checks: checks)
}

/// The first expected line (index and text) with no console line containing it after the
/// previous match; nil when every line is found in order.
public func firstMissingLine(_ lines: [String], in console: String) -> (Int, String)? {
    let out = console.splitLines()
    var at = 0
    for (i, want) in lines.enumerated() {
        guard let hit = out[at...].firstIndex(where: { $0.contains(want) }) else { return (i, want) }
        at = hit + 1
    }
    return nil
}

func tail(_ text: String, _ n: Int) -> String {
    let lines = text.splitLines()
    let trimmed = lines.last == "" ? lines.dropLast() : lines[...]
    return trimmed.suffix(n).joined(separator: "\n")
}

/// A unified diff (expected as "-", console as "+") with two lines of context, at most
/// `maxLines` lines long. Longest-common-subsequence over lines; outputs too long for that
/// (more than four million line pairs) get the first difference instead.
public func unifiedDiff(expected: String, actual: String, expectedName: String = "expected", maxLines: Int = 40) -> String {
    func lines(_ s: String) -> [Substring] {
        var l = s.splitLines()
        if l.last == "" { l.removeLast() }
        return l
    }
    let a = lines(expected), b = lines(actual)
    var out = ["--- \(expectedName)", "+++ console"]
    if a == b { return (out + ["(the same lines; the line endings or the final newline differ)"]).joined(separator: "\n") }
    // Edit script: (tag, line) with tag " ", "-" or "+".
    var script: [(Character, Substring)] = []
    if a.count * b.count <= 4_000_000 {
        let n = a.count, m = b.count
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] { script.append((" ", a[i])); i += 1; j += 1 }
            else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) { script.append(("-", a[i])); i += 1 }
            else { script.append(("+", b[j])); j += 1 }
        }
    } else {
        let same = zip(a, b).prefix { $0 == $1 }.count
        script = a[..<same].map { (" ", $0) } + a[same...].map { ("-", $0) } + b[same...].map { ("+", $0) }
    }
    // Keep changed lines and two lines of context around each; "@@ line N" heads each hunk.
    let changed = script.indices.filter { script[$0].0 != " " }
    var keep = Set<Int>()
    for c in changed { for k in max(0, c - 2)...min(script.count - 1, c + 2) { keep.insert(k) } }
    var expectedLine = 1
    var last = -2
    for (k, (tag, text)) in script.enumerated() {
        if keep.contains(k) {
            if k != last + 1 { out.append("@@ expected line \(expectedLine) @@") }
            out.append("\(tag)\(text)")
            last = k
        }
        if tag != "+" { expectedLine += 1 }
    }
    if out.count > maxLines {
        let more = out.count - maxLines
        out = Array(out.prefix(maxLines)) + ["... (\(more) more diff lines)"]
    }
    return out.joined(separator: "\n")
}

/// Seconds for people: 0.123, 12.3, 123.
public func formatSeconds(_ s: Double) -> String {
    if s >= 100 { return String(Int(s.rounded())) }
    let digits = s >= 10 ? 1 : 3
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    var t = String((s * p).rounded() / p)
    if t.hasSuffix(".0") { t.removeLast(2) }
    return t
}

extension StringProtocol {
    /// Lines split at LF and at CRLF, which Swift holds as one Character (so a split at "\n"
    /// alone would miss it; Xen's console ends its lines with CRLF).
    func splitLines(omittingEmpty: Bool = false) -> [SubSequence] {
        split(omittingEmptySubsequences: omittingEmpty, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }
}
