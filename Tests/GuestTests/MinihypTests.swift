import Foundation
import XCTest

/// minihyp, the teaching hypervisor in Guests/minihyp, seen from outside: its exception trace is a
/// golden transcript, and armvm's --guest path feeds it.
final class MinihypTests: XCTestCase {
    static let traceArgs = ["run", "--board", "virt", "--trace", "exceptions", "Guests/build/minihyp.elf",
                            "--guest", "Guests/build/hello-xen.elf"]
    static let golden = CLI.root.appendingPathComponent("Guests/expected/minihyp-trace.txt")

    /// Every exception and ERET of a fixed run, compared line for line with the transcript. After a
    /// deliberate change to minihyp, hello-xen or the trace format, regenerate it with
    /// `ARMVM_UPDATE_GOLDEN=1 swift test --filter MinihypTests` and review the diff.
    func testExceptionTraceMatchesGoldenTranscript() throws {
        _ = try CLI.guest("minihyp.elf")
        _ = try CLI.guest("hello-xen.elf")
        let r = try CLI.run(Self.traceArgs)
        XCTAssertEqual(r.status, 0, r.stderr)
        if ProcessInfo.processInfo.environment["ARMVM_UPDATE_GOLDEN"] == "1" {
            try r.stderr.write(to: Self.golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8)
        let got = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        if let i = (0..<min(got.count, want.count)).first(where: { got[$0] != want[$0] }) {
            XCTFail("trace line \(i + 1) differs:\n  expected: \(want[i])\n  got:      \(got[i])\n(regenerate with ARMVM_UPDATE_GOLDEN=1 if the change is intended)")
        }
        XCTAssertEqual(got.count, want.count, "number of trace lines")
    }

    /// What the transcript must show whatever the instruction counts: the first entry into the
    /// guest, each kind of exit by name, and one ERET per exit.
    func testTraceShowsEachKindOfExit() throws {
        _ = try CLI.guest("minihyp.elf")
        let r = try CLI.run(Self.traceArgs)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertTrue(lines.first?.contains("eret EL2->EL1 to 0x40200040") ?? false, "enters hello-xen's ELF entry")
        for name in ["HVC64 #0xea1 xen:console_io", "HVC64 #0xea1 xen:sched_op", "HVC64 #0xea1 xen:xen_version",
                     "DABT_LOW translation fault L1 write", "HPFAR IPA=0x22000000"] {
            XCTAssertTrue(lines.contains { $0.contains(name) }, "trace shows \(name)")
        }
        let exits = lines.filter { $0.contains("EL1->EL2") }.count
        let erets = lines.filter { $0.contains("eret EL2->EL1") }.count
        XCTAssertEqual(erets, exits, "every exit but the last shutdown returns, plus the first entry")
    }

    /// Each guest's output is its own: lines are prefixed and never mixed mid-line, and the
    /// summary counts the exits.
    func testTwoGuestsInterleaveWholeLines() throws {
        _ = try CLI.guest("minihyp.elf")
        let r = try CLI.run(["run", "--board", "virt", "Guests/build/minihyp.elf",
                             "--guest", "Guests/build/hello-xen.elf", "--guest", "Guests/build/hello-xen.bin"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let guestLines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("(d") }
        XCTAssertEqual(guestLines.map { $0.prefix(4) }, ["(d1)", "(d2)", "(d1)", "(d2)", "(d1)", "(d2)", "(d1)", "(d2)"])
        XCTAssertTrue(r.stdout.contains("minihyp:   HVC64     (EC 0x16)       16"), r.stdout)
    }
}
