import Foundation
import XCTest

/// The hypervisor seen from inside: `--trace irq` and `--trace mmio`, where each line happened,
/// `--trace-file`, `--trace-filter`, `--trace-format json` and `--timeline`, through the real CLI.
final class TraceTests: XCTestCase {
    /// minihyp's two vtimer guests on GICv3 (`make demo`), and its ping/pong pair on the arndale's GICv2.
    static let vtimer = ["run", "--board", "virt", "--gic", "3", "Guests/build/minihyp.elf",
                         "--guest", "Guests/build/vtimer.elf", "--guest", "Guests/build/vtimer.elf,bootargs=spin"]
    static let pingPong = ["run", "--board", "arndale", "Guests/build/minihyp.elf",
                           "--guest", "Guests/build/ping.elf,bootargs=rounds=3", "--guest", "Guests/build/pong.elf,bootargs=rounds=3"]

    /// Compare `text` with a transcript in Guests/expected/, or rewrite it with ARMVM_UPDATE_GOLDEN=1.
    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = CLI.root.appendingPathComponent("Guests/expected/\(name)")
        if ProcessInfo.processInfo.environment["ARMVM_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        if let i = (0..<min(got.count, want.count)).first(where: { got[$0] != want[$0] }) {
            XCTFail("\(name) line \(i + 1) differs:\n  expected: \(want[i])\n  got:      \(got[i])\n(regenerate with ARMVM_UPDATE_GOLDEN=1 if the change is intended)", file: file, line: line)
        }
        XCTAssertEqual(got.count, want.count, "number of lines in \(name)", file: file, line: line)
    }

    /// The stderr lines of a run that are trace lines.
    static func traceLines(_ r: CLI.Result) -> String {
        r.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }.joined(separator: "\n") + "\n"
    }

    /// The virtual timer's life on GICv3: the EL1 virtual timer's PPI rises, the physical IRQ
    /// goes to EL2, minihyp acknowledges it (ICC_IAR1_EL1), injects it through a list register
    /// (ICH_LR<n>_EL2, asking for an EOI maintenance interrupt), the guest takes a virtual IRQ,
    /// acknowledges and ends it (ICV_IAR1_EL1, ICV_EOIR1_EL1), and the maintenance interrupt
    /// tells minihyp. The whole run is the transcript (173 lines).
    func testIRQTraceOfTheVtimerDemoOnGICv3() throws {
        _ = try CLI.guest("minihyp.elf")
        _ = try CLI.guest("vtimer.elf")
        let r = try CLI.run(Self.vtimer + ["--trace", "irq"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let trace = Self.traceLines(r)
        for text in ["cpu0 EL1 vm2: irq asserted: ppi 27 (EL1 virtual timer)", "irq taken: IRQ EL1->EL2 ELR=0x4020463c: ppi 27 (EL1 virtual timer)",
                     "cpu0 EL2: irq ack ICC_IAR1_EL1 -> ppi 27 (EL1 virtual timer)", "irq asserted: ppi 26 (EL2 physical timer)",
                     "ICH_LR0_EL2 = 0x50a002000000001b: vINTID 27 pending EOI-maintenance prio 0xa0 group1",
                     "irq taken: virtual IRQ EL1->EL1", ": vINTID 27", "irq ack ICV_IAR1_EL1 -> vINTID 27", "irq eoi ICV_EOIR1_EL1 <- vINTID 27",
                     "irq maintenance: ppi 25 (maintenance) MISR=0x1 (EOI)"] {
            XCTAssertTrue(trace.contains(text), "trace shows \(text)")
        }
        try assertGolden(trace, "irq-trace-vtimer-gicv3.txt")
    }

    /// GICv2 on the arndale: the ping/pong pair's event channels are virtual interrupts written
    /// to GICH_LR and taken through GICV (the transcript); the vtimer pair shows the physical
    /// side (GICC_IAR, GICC_EOIR).
    func testIRQTraceOnGICv2() throws {
        _ = try CLI.guest("minihyp.elf")
        _ = try CLI.guest("ping.elf")
        let r = try CLI.run(Self.pingPong + ["--trace", "irq"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let trace = Self.traceLines(r)
        for text in ["cpu0 EL2: irq GICH_LR0 = 0x40a000000000001f: vINTID 31 pending prio 0xa0 group0",
                     "cpu0 EL1 vm2: irq ack GICV_IAR -> vINTID 31", "cpu0 EL1 vm1: irq eoi GICV_EOIR <- vINTID 31"] {
            XCTAssertTrue(trace.contains(text), "trace shows \(text)")
        }
        try assertGolden(trace, "irq-trace-pingpong-gicv2.txt")
        var timer = Self.vtimer
        timer.replaceSubrange(1...4, with: ["--board", "arndale"])
        let t = Self.traceLines(try CLI.run(timer + ["--trace", "irq"]))
        for text in ["cpu0 EL2: irq ack GICC_IAR -> ppi 27 (EL1 virtual timer)", "irq eoi GICC_EOIR <- ppi 26 (EL2 physical timer)",
                     "irq GICH_LR0 = 0x40a002000000001b: vINTID 27 pending EOI-maintenance", "irq ack GICV_IAR -> vINTID 27"] {
            XCTAssertTrue(t.contains(text), "trace shows \(text)")
        }
    }

    /// Every line says where it happened; ERET shows x0; the filter keeps what it names.
    func testLinesCarryCPUAndELAndVMIDAndTheFilterSelects() throws {
        _ = try CLI.guest("minihyp.elf")
        let all = try CLI.run(Self.vtimer + ["--trace", "exceptions", "--max-instructions", "3000000"])
        let lines = all.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }
        XCTAssertTrue(lines.contains { $0.contains("] cpu0 EL1 vm1: EL1->EL2 ") }, all.stderr)
        XCTAssertTrue(lines.contains { $0.contains("] cpu0 EL2: eret EL2->EL1 to 0x") && $0.contains(" x0=0x") && $0.hasSuffix("(vm1)") }, all.stderr)
        let hvc = try CLI.run(Self.vtimer + ["--trace", "exceptions", "--max-instructions", "3000000", "--trace-filter", "el=1,vmid=2,ec=0x16"])
        let kept = hvc.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }
        XCTAssertFalse(kept.isEmpty, hvc.stderr)
        XCTAssertTrue(kept.allSatisfy { $0.contains(" cpu0 EL1 vm2: EL1->EL2 HVC64") }, hvc.stderr)
        XCTAssertEqual(kept.count, lines.filter { $0.contains(" cpu0 EL1 vm2: EL1->EL2 HVC64") }.count)
    }

    /// --trace-file keeps traces out of stderr and stdout; --trace-format json writes one object
    /// per line with the fixed keys.
    func testTraceFileInJSON() throws {
        _ = try CLI.guest("minihyp.elf")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-trace-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try CLI.run(Self.vtimer + ["--trace", "irq", "--trace", "exceptions", "--trace-format", "json",
                                           "--trace-file", file.path, "--max-instructions", "3400000"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertFalse(r.stderr.contains("{\"insn\""), "traces stay out of stderr")
        XCTAssertFalse(r.stdout.contains("{\"insn\""), "and out of the console")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 10)
        var kinds = Set<String>()
        for line in lines {
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            for key in ["insn", "cpu", "el", "vmid", "kind", "text"] { XCTAssertNotNil(o[key], "\(key) in \(line)") }
            kinds.insert(o["kind"] as? String ?? "")
        }
        XCTAssertTrue(kinds.isSuperset(of: ["exception", "eret", "irq-asserted", "irq-ack", "irq-lr"]), "\(kinds)")
    }

    /// --trace mmio names the registers of the GIC and the UART.
    func testMMIOTraceNamesRegisters() throws {
        _ = try CLI.guest("minihyp.elf")
        let v3 = try CLI.run(Self.vtimer + ["--trace", "mmio", "--max-instructions", "3000000"])
        for text in ["mmio gicd write GICD_CTLR 32-bit = 0x", "GICR_WAKER (cpu0)", "mmio uart write UARTDR 32-bit = 0x"] {
            XCTAssertTrue(v3.stderr.contains(text), "trace shows \(text)")
        }
        // An instruction window keeps minihyp's first three redistributor writes (its CPU
        // interface comes up once the guests are built) at 2,292,670-2,292,715, with a byte
        // store shown as a byte.
        let window = try CLI.run(Self.vtimer + ["--trace", "mmio", "--trace-filter", "insn=2292670-2292715"])
        XCTAssertEqual(window.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }, [
            "[2292670] cpu0 EL2: mmio gicr write GICR_IGROUPR0 (cpu0) 32-bit = 0xffffffff",
            "[2292711] cpu0 EL2: mmio gicr write GICR_IPRIORITYR6 (cpu0) 8-bit = 0xa0",
            "[2292712] cpu0 EL2: mmio gicr write GICR_ISENABLER0 (cpu0) 32-bit = 0x2000000",
        ])
        var onArndale = Self.vtimer
        onArndale.replaceSubrange(1...4, with: ["--board", "arndale"])
        let v2 = try CLI.run(onArndale + ["--trace", "mmio", "--max-instructions", "3400000"])
        for text in ["GICC_IAR", "GICH_LR0", "GICV_IAR", "GICD_CTLR"] {
            XCTAssertTrue(v2.stderr.contains(text), "trace shows \(text)")
        }
    }

    func testBadTraceFlagsAreBadInput() throws {
        let image = try CLI.guest("hello.elf")
        for (args, text) in [(["--trace", "irq", "--trace-filter", "el=9"], "malformed --trace-filter 'el=9'"),
                             (["--trace", "irq", "--trace-filter", "speed=fast"], "unknown key 'speed'"),
                             (["--trace", "irq", "--trace-format", "xml"], "unknown --trace-format 'xml'"),
                             (["--trace-format", "json"], "--trace-format applies to --trace lines"),
                             (["--trace-file", "/nonexistent/dir/t.txt", "--trace", "irq"], "--trace-file /nonexistent/dir/t.txt"),
                             (["--timeline", "/nonexistent/dir/t.json"], "--timeline /nonexistent/dir/t.json")] {
            let r = try CLI.run(["run"] + args + [image])
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(text), r.stderr)
        }
    }

    /// The timeline is a trace-event file a viewer opens: every event has ph, ts, pid and tid;
    /// one thread_name per CPU; each CPU's EL slices follow each other without overlap, and each
    /// exit's slice lies in the EL2 slice it began; there are EL2 and VM slices, exits and
    /// interrupts; and the same run writes the same bytes.
    func testTimelineIsWellFormedTraceEventJSON() throws {
        _ = try CLI.guest("minihyp.elf")
        let dir = FileManager.default.temporaryDirectory
        let a = dir.appendingPathComponent("armvm-timeline-\(getpid())-a.json")
        let b = dir.appendingPathComponent("armvm-timeline-\(getpid())-b.json")
        defer { for f in [a, b] { try? FileManager.default.removeItem(at: f) } }
        // Cut short by --max-instructions: the file must still be complete.
        for f in [a, b] {
            let r = try CLI.run(Self.vtimer + ["--smp", "2", "--timeline", f.path, "--max-instructions", "4000000"])
            XCTAssertEqual(r.status, 3, r.stderr)
        }
        let data = try Data(contentsOf: a)
        XCTAssertEqual(data, try Data(contentsOf: b), "deterministic")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try XCTUnwrap(root["traceEvents"] as? [[String: Any]])
        var threadNames: [Int: Int] = [:]
        var lastEnd: [Int: Double] = [:]
        var names = Set<String>()
        var exitSlices = Set<String>()
        var lastSlice: [Int: (name: String, ts: Double, end: Double)] = [:]
        var instants = 0
        for e in events {
            for key in ["ph", "ts", "pid", "tid"] { XCTAssertNotNil(e[key], "\(key) in \(e)") }
            let tid = e["tid"] as? Int ?? -1
            switch e["ph"] as? String {
            case "M":
                if e["name"] as? String == "thread_name" { threadNames[tid, default: 0] += 1 }
            case "X" where e["cat"] as? String == "exit":
                // An exit's slice lies in the EL2 slice written just before it.
                let ts = try XCTUnwrap(e["ts"] as? Double), dur = try XCTUnwrap(e["dur"] as? Double)
                let parent = try XCTUnwrap(lastSlice[tid], "an exit slice follows its EL2 slice: \(e)")
                XCTAssertEqual(parent.name, "EL2 (hypervisor)", "\(e)")
                XCTAssertTrue(ts + 1e-6 >= parent.ts && ts + dur <= parent.end + 1e-6, "exit slice inside its EL2 slice: \(e)")
                exitSlices.insert(e["name"] as? String ?? "")
            case "X":
                let ts = try XCTUnwrap(e["ts"] as? Double), dur = try XCTUnwrap(e["dur"] as? Double)
                XCTAssertGreaterThanOrEqual(dur, 0)
                XCTAssertGreaterThanOrEqual(ts + 1e-6, lastEnd[tid] ?? 0, "slices of cpu\(tid) in order, not overlapping: \(e)")
                lastEnd[tid] = ts + dur
                lastSlice[tid] = (e["name"] as? String ?? "", ts, ts + dur)
                names.insert(e["name"] as? String ?? "")
            case "i":
                instants += 1
                names.insert(e["name"] as? String ?? "")
            default:
                XCTFail("unexpected event \(e)")
            }
        }
        XCTAssertEqual(threadNames, [0: 1, 1: 1], "one thread_name per CPU")
        XCTAssertTrue(names.contains("EL2 (hypervisor)"), "\(names)")
        XCTAssertTrue(names.contains("EL1 vm1") && names.contains("EL1 vm2"), "\(names)")
        XCTAssertTrue(names.contains { $0.hasPrefix("HVC64 #0xea1 xen:") }, "exits by hypercall")
        XCTAssertTrue(exitSlices.contains { $0.hasPrefix("HVC64 #0xea1 xen:") }, "exit slices by hypercall: \(exitSlices)")
        XCTAssertTrue(names.contains("timer deadline: EL1 virtual timer (ppi 27)"), "\(names)")
        XCTAssertTrue(names.contains("virtual IRQ taken"), "\(names)")
        XCTAssertGreaterThan(instants, 10)
    }
}
