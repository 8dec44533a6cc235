import Foundation
import TestManifest
import XCTest

/// Verdicts and the three reports: summary lines, JUnit XML and TAP, escaping included.
final class ReportTests: XCTestCase {
    func row(_ name: String, _ expected: ExpectedOutput = .none, status: Int32 = 0) -> ManifestRow {
        ManifestRow(name: name, line: 7, board: "virt", image: "g.elf", status: status, expected: expected,
                    timeout: 30, maxInstructions: 1000)
    }

    func result(_ status: Int32, _ out: String = "", _ err: String = "") -> RunResult {
        RunResult(ending: .exited(status), stdout: out, stderr: err, seconds: 0.25, instructions: 42)
    }

    func testJudge() {
        XCTAssertEqual(judge(row("a"), result(0), expectedText: nil).kind, .pass)
        let status = judge(row("a"), result(3, "", "armvm: stopped after --max-instructions 1000\n"), expectedText: nil)
        XCTAssertEqual(status.kind, .fail)
        XCTAssertEqual(status.reason, "exit status 3 (instruction limit), expected 0 (success): armvm: stopped after --max-instructions 1000")
        let timeout = judge(row("a"), result(7), expectedText: nil)
        XCTAssertEqual(timeout.reason, "timed out after timeout=30 s (exit status 7)")
        let killed = judge(row("a"), RunResult(ending: .killed(afterSeconds: 40), stdout: "", stderr: "", seconds: 40), expectedText: nil)
        XCTAssertTrue(killed.reason.hasPrefix("killed after 40 s"), killed.reason)
        let exact = judge(row("a", .exact(file: "e.txt")), result(0, "one\ntwo\n"), expectedText: "one\n2\n")
        XCTAssertEqual(exact.reason, "console output differs from e.txt")
        XCTAssertEqual(exact.diff, "--- e.txt\n+++ console\n@@ expected line 1 @@\n one\n-2\n+two")
        let lines = row("a", .linesInOrder(["b", "a"], file: nil))
        XCTAssertEqual(judge(lines, result(0, "xbx\nyay\n"), expectedText: nil).kind, .pass)
        let order = judge(lines, result(0, "a\nb\n"), expectedText: nil)
        XCTAssertEqual(order.reason, "expected line 2 not found in order: a")
        // A wrong status and a wrong console are both reported.
        let both = judge(row("a", .exact(file: "e.txt")), result(1, "x\n"), expectedText: "y\n")
        XCTAssertTrue(both.reason.contains("exit status 1") && both.reason.contains("differs"), both.reason)
    }

    func testDiffShowsContextAndTruncates() {
        let a = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let b = a.replacingOccurrences(of: "line 10\n", with: "line ten\n")
        XCTAssertEqual(unifiedDiff(expected: a, actual: b),
                       "--- expected\n+++ console\n@@ expected line 8 @@\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12")
        let many = unifiedDiff(expected: a, actual: "", maxLines: 5)
        XCTAssertTrue(many.hasSuffix("... (18 more diff lines)"), many)
        XCTAssertEqual(unifiedDiff(expected: "a\n", actual: "a"), "--- expected\n+++ console\n(the same lines; the line endings or the final newline differ)")
        XCTAssertEqual(unifiedDiff(expected: "a\nb\n", actual: "a\r\nb\r\n"), "--- expected\n+++ console\n(the same lines; the line endings or the final newline differ)")
    }

    func testSummaryLine() {
        let pass = Verdict(row: row("short"), kind: .pass, result: result(0))
        XCTAssertEqual(summaryLine(pass, nameWidth: 8), "PASS  short       0.250 s           42 instr")
        let fail = Verdict(row: row("f"), kind: .fail, reason: "why", diff: "-a\n+b", result: result(1))
        XCTAssertEqual(summaryLine(fail), "FAIL  f    0.250 s           42 instr  why\n      | -a\n      | +b")
        XCTAssertEqual(summaryLine(Verdict(row: row("s"), kind: .skip, reason: "later")), "SKIP  s  later")
    }

    func testXMLEscaping() {
        XCTAssertEqual(xmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;")
        XCTAssertEqual(xmlEscape("tab\tnl\ncr\r"), "tab\tnl\ncr&#13;")
        XCTAssertEqual(xmlEscape("esc\u{1B}[0m nul\u{0} \u{FFFE}"), "esc\u{FFFD}[0m nul\u{FFFD} \u{FFFD}")
        XCTAssertEqual(xmlEscape("é ü 日本"), "é ü 日本")
    }

    func testJUnit() {
        let nasty = "<tag> & \"quotes\" \u{1B}[31mred\u{1B}[0m ]]>"
        let suite = SuiteReport(manifest: "m&.txt", verdicts: [
            Verdict(row: row("ok"), kind: .pass, result: result(0)),
            Verdict(row: row("bad"), kind: .fail, reason: "exit <1>", diff: "-a\n+b&", result: result(1, nasty, "err & more")),
            Verdict(row: row("later"), kind: .skip, reason: "not \"now\""),
        ])
        let x = junitXML([suite])
        XCTAssertTrue(x.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"armvm test\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), x)
        XCTAssertTrue(x.contains("<testsuite name=\"m&amp;.txt\" tests=\"3\" failures=\"1\""))
        XCTAssertTrue(x.contains("<testcase name=\"ok\" classname=\"m&amp;.txt\" file=\"m&amp;.txt\" line=\"7\" time=\"0.25\"/>"), x)
        XCTAssertTrue(x.contains("<failure message=\"exit &lt;1&gt;\" type=\"failure\">exit &lt;1&gt;\nm&amp;.txt:7: armvm run --board virt g.elf\n\n-a\n+b&amp;</failure>"), x)
        XCTAssertTrue(x.contains("<system-out>&lt;tag&gt; &amp; &quot;quotes&quot; \u{FFFD}[31mred\u{FFFD}[0m ]]&gt;</system-out>"), x)
        XCTAssertTrue(x.contains("<system-err>err &amp; more</system-err>"))
        XCTAssertTrue(x.contains("<skipped message=\"not &quot;now&quot;\"/>"))
        // Every & starts an entity, and no raw < appears inside text.
        XCTAssertFalse(x.contains("& "))
        XCTAssertFalse(x.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }

    func testTAP() {
        let one = SuiteReport(manifest: "a.txt", verdicts: [
            Verdict(row: row("ok"), kind: .pass, result: result(0)),
            Verdict(row: row("bad"), kind: .fail, reason: "say \"no\"\n", diff: "-x\n+y\u{1B}", result: result(3, "", "armvm: stop\n")),
            Verdict(row: row("later"), kind: .skip, reason: "not now"),
        ])
        XCTAssertEqual(tapReport([one]), """
        TAP version 13
        1..3
        ok 1 - ok
        not ok 2 - bad
          ---
          message: "say \\"no\\"\\n"
          severity: fail
          at: "a.txt:7"
          got: 3
          expected: 0
          diff: |
            -x
            +y\u{FFFD}
          stderr: |
            armvm: stop
          ...
        ok 3 - later # SKIP not now

        """)
        // With several manifests each line names its manifest, a '#' in it escaped.
        let two = tapReport([one, SuiteReport(manifest: "b#1.txt", verdicts: [Verdict(row: row("x"), kind: .pass, result: result(0))])])
        XCTAssertTrue(two.contains("1..4\nok 1 - a.txt: ok\n"), two)
        XCTAssertTrue(two.contains("ok 4 - b\\#1.txt: x\n"), two)
    }

    func testShellQuoteAndJSON() {
        XCTAssertEqual(shellQuote("build/x.elf,memory=16M"), "build/x.elf,memory=16M")
        XCTAssertEqual(shellQuote("two words"), "'two words'")
        XCTAssertEqual(shellQuote("it's"), "'it'\\''s'")
        XCTAssertEqual(shellQuote(""), "''")
        XCTAssertEqual(jsonString("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"")
        XCTAssertEqual(reproduction(row("r"), manifest: "dir/m.txt"), "cd dir && armvm run --board virt g.elf")
    }
}

/// A guest's own TAP checks (tap=yes): parsing, the verdict, and one JUnit test case each.
final class GuestTAPTests: XCTestCase {
    let console = """
    minihyp: booting
    (d1) # the Xen hypercall ABI
    (d1) ok 1 - console_io write
    (d2) ok 1 - console_io write
    (d1) not ok 2 - xen_version minor
    (d1) # got 18, want 17
    (d2) not ok 2 - evtchn alloc_unbound # TODO minihyp: -EPERM
    (d2) # got -1, want -3
    (d1) ok 3 - skipped one # skip no Xen
    not ok - a line without a number
    oklahoma is not a check
    (d1) 1..3
    (d2) 1..2

    """

    /// Xen's console ends lines with CRLF, a single Character in Swift.
    func testCRLFLines() {
        let (checks, planned) = parseGuestTAP("(d1) ok 1 - a\r\n(d1) not ok 2 - b\r\n(d1) # got 1, want 2\r\n(d1) 1..2\r\n")
        XCTAssertEqual(checks.map(\.name), ["(d1) a", "(d1) b"])
        XCTAssertEqual(checks[1].diagnostics, ["got 1, want 2"])
        XCTAssertEqual(planned, 2)
        XCTAssertNil(firstMissingLine(["b", "c"], in: "a\r\nb\r\nc\r\n"))
    }

    func testParse() {
        let (checks, planned) = parseGuestTAP(console)
        XCTAssertEqual(planned, 5)
        XCTAssertEqual(checks.map(\.name), ["(d1) console_io write", "(d2) console_io write", "(d1) xen_version minor",
                                            "(d2) evtchn alloc_unbound", "(d1) skipped one", "a line without a number"])
        XCTAssertEqual(checks.map(\.ok), [true, true, false, false, true, false])
        XCTAssertEqual(checks.map(\.number), [1, 1, 2, 2, 3, nil])
        XCTAssertEqual(checks[2].diagnostics, ["got 18, want 17"])
        XCTAssertEqual(checks[3].directive, "TODO minihyp: -EPERM")
        XCTAssertEqual(checks[3].diagnostics, ["got -1, want -3"])
        XCTAssertEqual(checks[4].directive, "skip no Xen")
        XCTAssertEqual(checks.map(\.failed), [false, false, true, false, false, true])
    }

    func testVerdictAndReports() {
        let row = ManifestRow(name: "abi", line: 3, image: "hv.elf", tap: true)
        let r = RunResult(ending: .exited(0), stdout: console, stderr: "", seconds: 0.1)
        let v = judge(row, r, expectedText: nil)
        XCTAssertEqual(v.kind, .fail)
        XCTAssertEqual(v.reason, "2 of 6 guest checks failed, the first: (d1) xen_version minor")
        XCTAssertEqual(v.diff, "not ok - (d1) xen_version minor\n  # got 18, want 17\nnot ok - a line without a number")
        let suite = SuiteReport(manifest: "m.txt", verdicts: [v])
        XCTAssertEqual(suite.cases, 7)
        XCTAssertEqual(suite.failures, 3)      // the row and two checks
        XCTAssertEqual(suite.skipped, 2)       // the TODO and the SKIP check
        let x = junitXML([suite])
        XCTAssertTrue(x.contains("<testsuite name=\"m.txt\" tests=\"7\" failures=\"3\" errors=\"0\" skipped=\"2\""), x)
        XCTAssertTrue(x.contains("<testcase name=\"(d1) xen_version minor\" classname=\"m.txt:abi\" file=\"m.txt\" line=\"3\" time=\"0\">\n      <failure message=\"got 18, want 17\" type=\"guest check\">not ok 2 - (d1) xen_version minor\n# got 18, want 17</failure>"), x)
        XCTAssertTrue(x.contains("<testcase name=\"(d2) evtchn alloc_unbound\" classname=\"m.txt:abi\" file=\"m.txt\" line=\"3\" time=\"0\">\n      <skipped message=\"TODO minihyp: -EPERM\"/>"), x)
        let tap = tapReport([suite])
        XCTAssertTrue(tap.hasPrefix("TAP version 13\n1..1\n    # Subtest: abi\n    1..6\n    ok 1 - (d1) console_io write\n"), tap)
        XCTAssertTrue(tap.contains("    not ok 4 - (d2) evtchn alloc_unbound # TODO minihyp: -EPERM\n"), tap)
        // Plans that do not add up, and no checks at all, fail the row.
        let short = judge(row, RunResult(ending: .exited(0), stdout: "ok 1 - a\n1..2\n", stderr: "", seconds: 0), expectedText: nil)
        XCTAssertEqual(short.reason, "the guest planned 2 checks and ran 1")
        let none = judge(row, RunResult(ending: .exited(0), stdout: "hello\n", stderr: "", seconds: 0), expectedText: nil)
        XCTAssertEqual(none.reason, "the guest printed no TAP test lines (tap=yes)")
    }
}
