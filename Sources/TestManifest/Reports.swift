// The runner's three outputs: a line per row for people, JUnit XML for CI servers, and TAP.
// All list rows in manifest order, whatever order they finished in.

/// One manifest's verdicts, in its row order.
public struct SuiteReport {
    public var manifest: String
    public var verdicts: [Verdict]

    public init(manifest: String, verdicts: [Verdict]) {
        self.manifest = manifest
        self.verdicts = verdicts
    }

    public var failures: Int { verdicts.filter { $0.kind == .fail }.count + verdicts.reduce(0) { $0 + $1.checks.filter(\.failed).count } }
    public var skipped: Int { verdicts.filter { $0.kind == .skip }.count + verdicts.reduce(0) { $0 + $1.checks.filter { !$0.counts }.count } }
    public var failedRows: Int { verdicts.filter { $0.kind == .fail }.count }
    public var skippedRows: Int { verdicts.filter { $0.kind == .skip }.count }
    public var checks: [GuestCheck] { verdicts.flatMap(\.checks) }
    /// JUnit test cases: a row, and each of its guest's checks.
    public var cases: Int { verdicts.reduce(0) { $0 + 1 + $1.checks.count } }
    public var seconds: Double { verdicts.reduce(0) { $0 + ($1.result?.seconds ?? 0) } }
}

/// The line (and, on a failure, the indented diff excerpt) a person reads for one row.
public func summaryLine(_ v: Verdict, nameWidth: Int = 0) -> String {
    let tag: String
    switch v.kind {
    case .pass: tag = "PASS"
    case .fail: tag = "FAIL"
    case .skip: tag = "SKIP"
    }
    let pad = String(repeating: " ", count: max(0, nameWidth - v.row.name.count))
    var line = "\(tag)  \(v.row.name)\(pad)"
    if let r = v.result {
        line += "  " + leftPad(fixedSeconds(r.seconds), 7) + " s"
        if let n = r.instructions { line += "  " + leftPad(String(n), 11) + " instr" }
    }
    if !v.checks.isEmpty { line += "  \(v.checks.filter { $0.ok || !$0.counts }.count)/\(v.checks.count) guest checks" }
    if !v.reason.isEmpty { line += "  " + v.reason }
    if v.kind == .fail && !v.diff.isEmpty {
        line += "\n" + v.diff.splitLines().map { "      | " + $0 }.joined(separator: "\n")
    }
    return line
}

/// Seconds with three decimals, so that a column of them lines up.
func fixedSeconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
}

func leftPad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

// MARK: JUnit

/// Text made safe for XML 1.0 character data and attribute values: the five markup characters
/// as entities, and the characters XML 1.0 cannot carry at all (C0 controls other than tab, LF
/// and CR, U+FFFE, U+FFFF) as U+FFFD, since not even a character reference may name them.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n": out.unicodeScalars.append(u)
        // A raw CR would be normalised away by an XML reader.
        case "\r": out += "&#13;"
        default:
            if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out
}

/// JUnit XML as GitHub Actions' test reporters, GitLab and Jenkins read it: a <testsuite> per
/// manifest, a <testcase> per row, <failure> with the reason and the diff, and the console
/// (<system-out>) and armvm's stderr (<system-err>) of failed rows.
public func junitXML(_ suites: [SuiteReport]) -> String {
    func attr(_ d: Double) -> String { String((d * 1000).rounded() / 1000) }
    let tests = suites.reduce(0) { $0 + $1.cases }
    let failures = suites.reduce(0) { $0 + $1.failures }
    let skipped = suites.reduce(0) { $0 + $1.skipped }
    let time = suites.reduce(0) { $0 + $1.seconds }
    var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    x += "<testsuites name=\"armvm test\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(attr(time))\">\n"
    for s in suites {
        let suite = xmlEscape(s.manifest)
        x += "  <testsuite name=\"\(suite)\" tests=\"\(s.cases)\" failures=\"\(s.failures)\" errors=\"0\" skipped=\"\(s.skipped)\" time=\"\(attr(s.seconds))\">\n"
        for v in s.verdicts {
            x += "    <testcase name=\"\(xmlEscape(v.row.name))\" classname=\"\(suite)\" file=\"\(suite)\" line=\"\(v.row.line)\" time=\"\(attr(v.result?.seconds ?? 0))\""
            switch v.kind {
            case .pass:
                x += "/>\n"
            case .skip:
                x += ">\n      <skipped message=\"\(xmlEscape(v.reason))\"/>\n    </testcase>\n"
            case .fail:
                x += ">\n"
                var body = v.reason + "\n\(s.manifest):\(v.row.line): " + reproduction(v.row, manifest: s.manifest)
                if !v.diff.isEmpty { body += "\n\n" + v.diff }
                x += "      <failure message=\"\(xmlEscape(v.reason))\" type=\"failure\">\(xmlEscape(body))</failure>\n"
                if let r = v.result {
                    x += "      <system-out>\(xmlEscape(r.stdout))</system-out>\n"
                    x += "      <system-err>\(xmlEscape(r.stderr))</system-err>\n"
                }
                x += "    </testcase>\n"
            }
            // The guest's own checks: one test case each, named after the row.
            let checkClass = xmlEscape(s.manifest + ":" + v.row.name)
            for c in v.checks {
                x += "    <testcase name=\"\(xmlEscape(c.name))\" classname=\"\(checkClass)\" file=\"\(suite)\" line=\"\(v.row.line)\" time=\"0\""
                if let d = c.directive {
                    x += ">\n      <skipped message=\"\(xmlEscape(d))\"/>\n    </testcase>\n"
                } else if c.ok {
                    x += "/>\n"
                } else {
                    let body = (["not ok \(c.number.map(String.init) ?? "") - \(c.name)"] + c.diagnostics.map { "# " + $0 }).joined(separator: "\n")
                    let message = c.diagnostics.first ?? c.name
                    x += ">\n      <failure message=\"\(xmlEscape(message))\" type=\"guest check\">\(xmlEscape(body))</failure>\n    </testcase>\n"
                }
            }
        }
        x += "  </testsuite>\n"
    }
    x += "</testsuites>\n"
    return x
}

/// The row's run as a shell command, from the directory its paths are relative to (without the
/// limits the runner adds).
public func reproduction(_ row: ManifestRow, manifest: String) -> String {
    let dir = Manifest(path: manifest, rows: []).directory
    let run = "armvm " + row.runArguments.map(shellQuote).joined(separator: " ")
    return dir == "." ? run : "cd \(shellQuote(dir)) && " + run
}

/// A word as a POSIX shell reads it back: bare if it is plain, else single-quoted.
public func shellQuote(_ s: String) -> String {
    let plain = !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./,=:+@%".contains($0)) }
    if plain { return s }
    var q = "'"
    for c in s { if c == "'" { q += "'\\''" } else { q.append(c) } }
    return q + "'"
}

// MARK: TAP

/// TAP version 13: a test line per row, and for a failure a YAML block with the reason, the
/// statuses and the diff. A row name's "#" is escaped so that it cannot start a directive.
public func tapReport(_ suites: [SuiteReport]) -> String {
    let total = suites.reduce(0) { $0 + $1.verdicts.count }
    var t = "TAP version 13\n1..\(total)\n"
    var n = 0
    for s in suites {
        for v in s.verdicts {
            n += 1
            var name = ""
            for c in v.row.name { if c == "#" || c == "\\" { name.append("\\") }; name.append(c) }
            if suites.count > 1 { name = tapDescription(s.manifest) + ": " + name }
            if !v.checks.isEmpty {
                // TAP 14 subtests; a TAP 13 reader skips the indented lines.
                t += "    # Subtest: \(name)\n    1..\(v.checks.count)\n"
                for (i, c) in v.checks.enumerated() {
                    t += "    \(c.ok ? "ok" : "not ok") \(i + 1) - \(tapDescription(c.name))" + (c.directive.map { " # \($0)" } ?? "") + "\n"
                }
            }
            switch v.kind {
            case .pass:
                t += "ok \(n) - \(name)\n"
            case .skip:
                t += "ok \(n) - \(name) # SKIP \(oneLine(v.reason))\n"
            case .fail:
                t += "not ok \(n) - \(name)\n  ---\n"
                t += "  message: \(yamlQuote(v.reason))\n"
                t += "  severity: fail\n"
                t += "  at: \(yamlQuote("\(s.manifest):\(v.row.line)"))\n"
                if let r = v.result, case .exited(let status) = r.ending {
                    t += "  got: \(status)\n  expected: \(v.row.status)\n"
                }
                if !v.diff.isEmpty { t += "  diff: |\n" + yamlBlock(v.diff) }
                if let r = v.result, !r.stderr.isEmpty { t += "  stderr: |\n" + yamlBlock(r.stderr) }
                t += "  ...\n"
            }
        }
    }
    return t
}

func tapDescription(_ s: String) -> String {
    var out = ""
    for c in s { if c == "#" || c == "\\" { out.append("\\") }; out.append(c) }
    return out
}

func oneLine(_ s: String) -> String { s.splitLines(omittingEmpty: true).joined(separator: " ") }

/// `s` in double quotes with `"`, `\`, newline, tab and carriage return escaped as C writes
/// them, and every other scalar for which `control` gives an escape replaced by it: the shared
/// shape of YAML's and JSON's quoted strings.
func doubleQuoted(_ s: String, control: (UInt32) -> String?) -> String {
    var q = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": q += "\\\""
        case "\\": q += "\\\\"
        case "\n": q += "\\n"
        case "\t": q += "\\t"
        case "\r": q += "\\r"
        default:
            if let e = control(u.value) { q += e } else { q.unicodeScalars.append(u) }
        }
    }
    return q + "\""
}

/// A YAML double-quoted scalar: the other C0 controls and DEL as \xHH.
public func yamlQuote(_ s: String) -> String {
    doubleQuoted(s) { v in
        guard v < 0x20 || v == 0x7F else { return nil }
        let h = String(v, radix: 16)
        return "\\x" + (h.count == 1 ? "0" + h : h)
    }
}

/// A YAML literal block's lines, indented under its key; control characters (which YAML does
/// not allow in a block) become U+FFFD.
func yamlBlock(_ s: String) -> String {
    var lines = s.splitLines()
    if lines.last == "" { lines.removeLast() }
    return lines.map { line in
        var clean = "    "
        for u in line.unicodeScalars {
            if (u.value < 0x20 && u != "\t") || u.value == 0x7F { clean += "\u{FFFD}" } else { clean.unicodeScalars.append(u) }
        }
        return clean
    }.joined(separator: "\n") + "\n"
}

// MARK: JSON

/// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
public func jsonString(_ s: String) -> String {
    doubleQuoted(s) { v in
        guard v < 0x20 else { return nil }
        let h = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}
