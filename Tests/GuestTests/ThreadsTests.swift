import Foundation
import XCTest

/// `run --threads`: one host thread per guest CPU. Interleavings differ from run to run, so
/// these check what must hold whatever they are: the exit status and the lines each CPU prints.
final class ThreadsTests: XCTestCase {
    /// minihyp with a guest on each of two CPUs of two NUMA nodes (GICv3): CPU_ON, minihyp's
    /// spinlock (LDAXR/STXR, STLR and SEV) taken from both host threads, stage 2 and console
    /// output from both. The CPU that finishes first turns itself off; which one it is varies.
    /// (Not ping and pong: minihyp's idle() can miss a kick that arrives while its CPU waits for
    /// the lock, which only truly parallel CPUs show, about one run in two hundred.)
    func testTwoGuestsOnTwoCPUThreadsEndCleanly() throws {
        let hv = try CLI.guest("minihyp.elf"), hello = try CLI.guest("hello-xen.elf")
        for _ in 0..<3 {
            let r = try CLI.run(["run", "--board", "virt", "--gic", "3", "--smp", "2", "--memory", "512M",
                                 "--numa", "node,mem=256M,cpus=0", "--numa", "node,mem=256M,cpus=1",
                                 hv, "--guest", hello, "--guest", hello, "--threads", "--timeout", "60"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            for line in ["minihyp: cpu1 (node 1) up, started with PSCI CPU_ON",
                         "(d1) hello-xen: shutting down", "(d2) hello-xen: shutting down",
                         "minihyp: d1 has shut down (poweroff)", "minihyp: d2 has shut down (poweroff)",
                         "has no guest to run; it turns itself off", "minihyp: every guest has shut down"] {
                XCTAssertTrue(r.stdout.contains(line), "no '\(line)' in:\n\(r.stdout)")
            }
        }
    }

    /// smp.elf: CPU_ON, SGI round trips and CPU_OFF on both GICs, each line once.
    func testSMPGuestOnBothGICs() throws {
        let smp = try CLI.guest("smp.elf")
        for (board, gic, first) in [("arndale", "2", "smp: cpu0 up, GICv2"), ("virt", "3", "smp: cpu0 up, GICv3")] {
            let r = try CLI.run(["run", "--board", board, "--gic", gic, "--smp", "2", smp, "--threads", "--timeout", "60"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            let lines = r.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(Set(lines), [first, "smp: cpu1 up (MPIDR 0x80000001)", "smp: round trip 1", "smp: round trip 2",
                                        "smp: round trip 3", "smp: cpu1 off"], r.stdout)
            XCTAssertEqual(lines.count, 6, r.stdout)
        }
    }

    /// Traces and the debugger follow one CPU at a time: refused, as bad input.
    func testThreadsRefusesTracesAndGDB() throws {
        let smp = try CLI.guest("smp.elf")
        for extra in [["--trace", "exceptions"], ["--timeline", "/dev/null"], ["--gdb", "1234"]] {
            let r = try CLI.run(["run", "--smp", "2", smp, "--threads"] + extra)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("--threads"), r.stderr)
        }
        let help = try CLI.run(["run", "--help"])
        XCTAssertTrue(help.stdout.contains("--threads") && help.stdout.contains("Not deterministic"), help.stdout)
    }
}
