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
        // The PL011 faults at level 2: the guest's GICC page (GICV, mapped at IPA 0x03002000)
        // gave the first GiB of its stage-2 space a level-2 table.
        for name in ["HVC64 #0xea1 xen:console_io", "HVC64 #0xea1 xen:sched_op", "HVC64 #0xea1 xen:xen_version",
                     "DABT_LOW translation fault L2 write", "HPFAR IPA=0x22000000"] {
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

    static func minihyp(_ board: [String], _ guests: [String]) -> [String] {
        ["run"] + board + ["--max-instructions", "2000000000", "Guests/build/minihyp.elf"]
            + guests.flatMap { ["--guest", "Guests/build/\($0)"] }
    }

    /// Event-channel ping-pong: every round is answered, in order, on both GICs; the round count
    /// comes from the bootargs; and the upcall is an interrupt, not polling (pong sleeps in WFI).
    func testPingPongRoundTripsInOrder() throws {
        for board in [["--board", "arndale"], ["--board", "virt", "--gic", "3"]] {
            _ = try CLI.guest("ping.elf")
            let r = try CLI.run(Self.minihyp(board, ["ping.elf,bootargs=rounds=25", "pong.elf,bootargs=rounds=25"]))
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = r.stdout.split(separator: "\n").map(String.init)
            let pings = lines.filter { $0.hasPrefix("(d1) ping: round") }
            let pongs = lines.filter { $0.hasPrefix("(d2) pong: round") }
            XCTAssertEqual(pings, (1...10).map { "(d1) ping: round \($0): pong answered" }, "\(board)")
            XCTAssertEqual(pongs, (1...10).map { "(d2) pong: round \($0): ping arrived" }, "\(board)")
            XCTAssertTrue(lines.contains("(d1) ping: 25 round trips"), r.stdout)
            XCTAssertTrue(lines.contains { $0.hasPrefix("(d1) ping: ") && $0.hasSuffix(" ns of virtual time each") }, r.stdout)
            // Each round trip: pong's reply follows ping's ring, never precedes it.
            for k in 1...10 {
                let p = lines.firstIndex(of: "(d2) pong: round \(k): ping arrived")
                let q = lines.firstIndex(of: "(d1) ping: round \(k): pong answered")
                XCTAssertLessThan(p ?? .max, q ?? .min, "round \(k) order, \(board)")
            }
            XCTAssertTrue(r.stdout.contains("minihyp:   WFx"), "the guests sleep in WFI between events")
        }
    }

    /// Two NUMA nodes of one CPU each (the minihyp-numa rows' machine).
    static let numa = ["--smp", "2", "--memory", "512M", "--numa", "node,mem=256M,cpus=0", "--numa", "node,mem=256M,cpus=1"]

    /// With NUMA, each guest's vCPU runs on a CPU of the node that holds its RAM: the exception
    /// trace shows vm1 exiting only on cpu0 and vm2 only on cpu1, and the events between them
    /// arrive as kicks (SGIs) from the other CPU, round after round, on both GICs.
    func testNUMAGuestsRunOnTheirNodesCPUsAndKickAcross() throws {
        _ = try CLI.guest("ping.elf")
        for board in [["--board", "arndale"], ["--board", "virt", "--gic", "3"]] {
            let r = try CLI.run(Self.minihyp(board + Self.numa, ["ping.elf", "pong.elf"]) + ["--trace", "exceptions"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("minihyp: d1: vCPU 0 on cpu0 (node 0), RAM 0x40a00000 on node 0\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("minihyp: d2: vCPU 0 on cpu1 (node 1), RAM 0x50000000 on node 1\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("minihyp: cpu1 (node 1) up, started with PSCI CPU_ON\n"), r.stdout)
            let exits = r.stderr.split(separator: "\n").filter { $0.contains("->EL2") }
            XCTAssertTrue(exits.contains { $0.contains("cpu0 EL1 vm1:") }, "\(board)")
            XCTAssertTrue(exits.contains { $0.contains("cpu1 EL1 vm2:") }, "\(board)")
            XCTAssertFalse(exits.contains { $0.contains("cpu1 EL1 vm1:") || $0.contains("cpu0 EL1 vm2:") }, "\(board)")
            XCTAssertTrue(r.stdout.contains("(d1) ping: 10 round trips\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("minihyp:   kicks (SGI 0)             21  (events for a vCPU on another CPU)\n"), r.stdout)
        }
    }

    /// Same inputs, same output and the same instruction count, for the interrupt-driven minihyp runs
    /// (two CPUs included).
    func testInterruptDrivenRunsAreDeterministic() throws {
        _ = try CLI.guest("vtimer.elf")
        for args in [Self.minihyp(["--board", "virt", "--gic", "3"], ["ping.elf", "pong.elf"]),
                     Self.minihyp(["--board", "arndale"], ["vtimer.elf", "vtimer.elf,bootargs=spin"]),
                     Self.minihyp(["--board", "arndale"] + Self.numa, ["ping.elf", "pong.elf"])] {
            let a = try CLI.run(["run", "--stats"] + args.dropFirst())
            let b = try CLI.run(["run", "--stats"] + args.dropFirst())
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(a.stdout, b.stdout)
            XCTAssertEqual(a.stderr.split(separator: " ").dropFirst().first,
                           b.stderr.split(separator: " ").dropFirst().first, "instruction counts differ")
        }
    }

    /// Preemption: a guest that spins never gives the CPU up, yet the other guest's virtual timer
    /// ticks arrive on time, because the EL2 timer ends the spinner's slice.
    func testSpinningGuestIsPreempted() throws {
        _ = try CLI.guest("vtimer.elf")
        let r = try CLI.run(Self.minihyp(["--board", "virt"], ["vtimer.elf,bootargs=spin", "vtimer.elf"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let done = "vtimer: 5 ticks, 1 ms apart, each within 200 us of its deadline"
        XCTAssertTrue(lines.contains("(d1) " + done) && lines.contains("(d2) " + done), r.stdout)
        // d2 starts while the spinner (d1), which runs first and never yields, is still counting.
        XCTAssertLessThan(lines.firstIndex(of: "(d2) vtimer: GICv2, CNTV on INTID 27, waiting in WFI") ?? .max,
                          lines.firstIndex(of: "(d1) " + done) ?? .min)
        XCTAssertTrue(r.stdout.contains("minihyp:   IRQ"), r.stdout)
    }

    /// A guest's own misbehaviour ends that guest only: the physical timer is not given to guests
    /// (its registers trap), so timer.elf crashes, and the other guest carries on; minihyp then
    /// reports the crash in its exit status, so that the run does not read as a success.
    func testPhysicalTimerTrapsAndOnlyThatGuestDies() throws {
        _ = try CLI.guest("timer.elf")
        let r = try CLI.run(Self.minihyp(["--board", "virt"], ["timer.elf", "vtimer.elf"]))
        XCTAssertEqual(r.status, 20, r.stderr)
        XCTAssertTrue(r.stdout.contains("minihyp: d1 crashed: unexpected exit (ESR 0x62"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(d2) vtimer: 5 ticks"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("minihyp: exit status 20: d1 crashed: unexpected exit\n"), r.stdout)
    }

    /// SCHEDOP_shutdown with a reason other than poweroff is 10 + the reason; the first failing
    /// guest decides, and a later poweroff does not hide it.
    func testShutdownReasonBecomesTheExitStatus() throws {
        for (reason, status) in [(1, 11), (3, 13), (5, 15), (9, 16)] {
            let r = try CLI.run(Self.minihyp(["--board", "virt"], ["hello-xen.elf", "hello-xen.elf,bootargs=reason=\(reason)"]))
            XCTAssertEqual(r.status, Int32(status), "reason \(reason): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("minihyp: exit status \(status): d2 shut down with reason "), r.stdout)
        }
        let ok = try CLI.run(Self.minihyp(["--board", "virt"], ["hello-xen.elf", "hello-xen.elf,bootargs=reason=0"]))
        XCTAssertEqual(ok.status, 0, ok.stdout)
    }

    /// A 32-bit guest's exits name its mode and AArch32 syndrome, with Xen's number from r12.
    func testAArch32GuestExitsAreTracedWithModeAndHVC32() throws {
        let r = try CLI.run(["run", "--trace", "exceptions", try CLI.guest("minihyp.elf"),
                             "--guest", try CLI.guest("hello-xen32.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("cpu0 EL2: eret EL2->EL1(svc) to 0x40200040"), r.stderr)   // _start, after the zImage header
        XCTAssertTrue(r.stderr.contains("EL1(svc)->EL2 HVC32 #0xea1 xen:console_io ESR=0x4a000ea1"), r.stderr)
        XCTAssertTrue(r.stdout.contains("(d1) hello-xen: hello through the console_io hypercall (AArch32)"), r.stdout)
    }
}
