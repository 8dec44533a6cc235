import Foundation
import XCTest

/// Every row of the README's exit-status table, through the real CLI, with tiny raw guests
/// assembled here: the status is what a CI job sees, so it must never lie.
final class ExitStatusTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-status-\(getpid())-\(name.hashValue)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A raw binary of A64 words followed by 64-bit data words, loaded at the start of RAM.
    func rawGuest(_ words: [UInt32], data: [UInt64] = []) throws -> [String] {
        var bytes: [UInt8] = []
        for w in words { withUnsafeBytes(of: w.littleEndian) { bytes += $0 } }
        while bytes.count % 8 != 0 { bytes.append(0) }
        for d in data { withUnsafeBytes(of: d.littleEndian) { bytes += $0 } }
        let u = dir.appendingPathComponent("guest-\(bytes.hashValue).bin")
        try Data(bytes).write(to: u)
        return ["--load-address", "0x40000000", u.path]
    }

    /// Semihosting SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and `code` (64 bits).
    func exitGuest(code: UInt64) throws -> [String] {
        try rawGuest([
            0x5280_0400,    // movz w0, #0x20 (SYS_EXIT_EXTENDED)
            0x1000_0061,    // adr x1, .+12 (the parameter block, 8-byte aligned at offset 16)
            0xD45E_0000,    // hlt #0xf000
            0x1400_0000,    // b .
        ], data: [0x20026, code])
    }

    func assertStatus(_ args: [String], _ status: Int32, stderrContains: String? = nil,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(["run"] + args)
        XCTAssertEqual(r.status, status, "\(args): \(r.stderr)", file: file, line: line)
        if let s = stderrContains {
            XCTAssertTrue(r.stderr.contains(s), "stderr should contain \(s): \(r.stderr)", file: file, line: line)
        }
    }

    func testGuestCodesPassThroughInPlainMode() throws {
        try assertStatus(try exitGuest(code: 0), 0)
        try assertStatus(try exitGuest(code: 1), 1)
        try assertStatus(try exitGuest(code: 42), 42)
        try assertStatus(try exitGuest(code: 255), 255)
    }

    /// Before: 256 wrapped to status 0, so a failing guest passed.
    func testCodesThatDoNotFitNeverReadAsSuccess() throws {
        for code: UInt64 in [256, 512, 0x1_0000_0000, UInt64.max, 0x8000_0000_0000_0000] {
            try assertStatus(try exitGuest(code: code), 255, stderrContains: "does not fit")
            try assertStatus(try exitGuest(code: code) + ["--exit-status", "distinct"], 64, stderrContains: "outside")
        }
    }

    /// With --exit-status distinct, guest codes 2-6 no longer read as armvm's own outcomes.
    func testDistinctModeSeparatesGuestCodes() throws {
        try assertStatus(try exitGuest(code: 0) + ["--exit-status", "distinct"], 0)
        for code: UInt64 in [1, 2, 3, 4, 5, 6, 59] {
            try assertStatus(try exitGuest(code: code) + ["--exit-status", "distinct"], 64 + Int32(code))
        }
        try assertStatus(try exitGuest(code: 60) + ["--exit-status", "distinct"], 64)
    }

    func testArmvmOutcomes() throws {
        let spin = try rawGuest([0x1400_0000])   // b .
        try assertStatus(spin + ["--max-instructions", "1000"], 3, stderrContains: "--max-instructions")
        try assertStatus(spin + ["--max-instructions", "1e3", "--exit-status", "distinct"], 3)
        // wfi with every interrupt masked and no timer: nothing can wake it.
        try assertStatus(try rawGuest([0xD503_207F, 0x1400_0000]), 5, stderrContains: "every CPU waits")
        // PSCI SYSTEM_RESET through SMC at EL2: a reset is not a clean power-off.
        try assertStatus(try rawGuest([0x5280_0120, 0x72B0_8000, 0xD400_0003, 0x1400_0000]), 6, stderrContains: "reset")
        // VBAR_EL2 = 0 holds no code on either board's map below RAM: the vector faults forever.
        try assertStatus(try rawGuest([0xD2A0_0020, 0xD61F_0000]) + ["--board", "virt"], 4, stderrContains: "stuck")
    }

    func testSignalsEndTheRunCleanly() throws {
        guard let exe = CLI.binary else { throw XCTSkip("no armvm binary") }
        let spin = try rawGuest([0x1400_0000])
        for (sig, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["run", "--stats"] + spin
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: 0.3)
            kill(p.processIdentifier, sig)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .exit, "armvm must exit, not die of the signal")
            XCTAssertEqual(p.terminationStatus, status, text)
            XCTAssertTrue(text.contains("instructions in"), "the --stats line is printed: \(text)")
            XCTAssertTrue(text.contains("stopped by SIG"), text)
        }
    }

    /// Before: "Missing value for '--memory <memory>'", and "frob: No such file or directory".
    func testNegativeValuesAndMistypedSubcommands() throws {
        let img = try CLI.guest("hello.elf")
        for (args, mention) in [(["run", "--memory", "-5", img], "-5"), (["run", "--smp", "-1", img], "--smp"),
                                (["run", "--el", "-2", img], "--el"), (["run", "--gic", "-3", img], "--gic"),
                                (["run", "--max-instructions", "-1", img], "-1"), (["frob"], "frob"),
                                (["run", "--exit-status", "loud", img], "--exit-status"),
                                (["run", "--cpu", "pentium", img], "cortex-a57")] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(mention), "\(args): \(r.stderr)")
        }
    }

    func testCountsAcceptEngineeringForms() throws {
        let spin = try rawGuest([0x1400_0000])
        for form in ["2000", "2_000", "2e3", "2K", "0x7d0"] {
            let r = try CLI.run(["run", "--max-instructions", form] + spin)
            XCTAssertEqual(r.status, 3, "\(form): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--max-instructions 2000"), "\(form): \(r.stderr)")
        }
    }

    /// Before: a full disk passed as success with a truncated DTB.
    func testDTBWriteErrorIsReported() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let r = try CLI.run(["dtb", "-o", "/dev/full"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("/dev/full"), r.stderr)
        let missing = try CLI.run(["dtb", "-o", dir.appendingPathComponent("no/such/dir.dtb").path])
        XCTAssertEqual(missing.status, 2, missing.stderr)
    }

    /// Before: a guest whose console went to a full disk passed with status 0.
    func testLostConsoleOutputIsAHostError() throws {
        guard let exe = CLI.binary, FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["run", try CLI.guest("hello.elf")]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 125, text)
        XCTAssertTrue(text.contains("console output was lost"), text)
    }

    /// Before: --memory 1023G took 1.8 s and 2.37 GB of RSS for per-page bookkeeping.
    func testHugeMemoryCostsNothingUntilTouched() throws {
        let img = try CLI.guest("hello.elf")
        for m in ["1T", "15T"] {
            let r = try CLI.run(["run", "--memory", m, "--stats-file", "-", img])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("Hello"), r.stdout)
            // armvm's own peak RSS (VmHWM), as --stats-file reports it. Not under
            // AddressSanitizer, whose shadow memory is what RSS would then measure.
            guard ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil else { continue }
            let json = try JSONSerialization.jsonObject(with: Data(r.stderr.drop { $0 != "{" }.utf8)) as? [String: Any]
            let rss = (json?["peak_rss_kib"] as? NSNumber)?.intValue
            XCTAssertNotNil(rss, r.stderr)
            XCTAssertLessThan(rss ?? .max, 200 * 1024, "peak RSS in KiB of armvm --memory \(m)")
        }
        let r = try CLI.run(["run", "--memory", "16T", img])
        XCTAssertEqual(r.status, 2, r.stderr)
    }
}
