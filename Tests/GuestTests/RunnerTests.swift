import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// `armvm test` on small manifests written here, and the run controls it relies on: --timeout,
/// --stats-file, --version, and `dtb` with the options of `run`.
final class RunnerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-runner-\(getpid())-\(abs(name.hashValue))")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // `b .` at the start of RAM: spins until a limit stops it.
        try Data([0x00, 0x00, 0x00, 0x14]).write(to: dir.appendingPathComponent("spin.bin"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    /// Rows that pass, fail three ways, time out, and are skipped; hello.elf from Guests/build.
    func mixedManifest() throws -> String {
        let hello = try CLI.guest("hello.elf")
        let expected = try String(contentsOf: CLI.root.appendingPathComponent("Guests/expected/hello-virt-el2.txt"), encoding: .utf8)
        _ = try write("hello.txt", expected)
        _ = try write("wrong.txt", "Hello & <goodbye>\n")
        return try write("m.txt", """
        armvm-manifest 1
        defaults board=virt timeout=20
        exact       image=\(hello) output=hello.txt
        in-order    image=\(hello) expect="Hello from EL2" expect=Memory
        wrong-out   image=\(hello) output=wrong.txt
        wrong-code  image=\(hello) status=3
        spins       image=spin.bin timeout=1 -- --load-address 0x40000000
        limited     image=spin.bin max-instructions=1M status=3 -- --load-address 0x40000000
        not-yet     image=\(hello) skip="waits for a fix"

        """)
    }

    /// Summary lines without the times and counts, which vary.
    func verdicts(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") || $0.hasPrefix("SKIP") }
            .map { String($0.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " ")) }
    }

    func testMixedManifestReportsEveryRowInOrder() throws {
        let m = try mixedManifest()
        let junit = dir.appendingPathComponent("junit.xml").path
        let r = try CLI.run(["test", m, "--jobs", "3", "--junit", junit])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertEqual(verdicts(r.stdout), ["PASS exact", "PASS in-order", "FAIL wrong-out", "FAIL wrong-code",
                                            "FAIL spins", "PASS limited", "SKIP not-yet"])
        XCTAssertTrue(r.stdout.contains("console output differs from wrong.txt"), r.stdout)
        XCTAssertTrue(r.stdout.contains("      | -Hello & <goodbye>"), r.stdout)
        XCTAssertTrue(r.stdout.contains("exit status 0 (success), expected 3 (instruction limit)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("timed out after timeout=1 s (exit status 7)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n7 rows: 3 passed, 3 failed, 1 skipped in "), r.stdout)

        // The JUnit file is well-formed XML with one testcase per row.
        let data = try Data(contentsOf: URL(fileURLWithPath: junit))
        final class Counter: NSObject, XMLParserDelegate {
            var cases: [String] = [], failures = 0, skipped = 0
            func parser(_ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
                if e == "testcase" { cases.append(attributes["name"] ?? "") }
                if e == "failure" { failures += 1 }
                if e == "skipped" { skipped += 1 }
            }
        }
        let parser = XMLParser(data: data), counter = Counter()
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "JUnit XML does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(counter.cases, ["exact", "in-order", "wrong-out", "wrong-code", "spins", "limited", "not-yet"])
        XCTAssertEqual(counter.failures, 3)
        XCTAssertEqual(counter.skipped, 1)
        let xml = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(xml.contains("-Hello &amp; &lt;goodbye&gt;"), xml)
        XCTAssertTrue(xml.contains("<system-err>armvm: stopped by --timeout 1 s (wall clock)\n</system-err>"), xml)
    }

    func testOrderDoesNotDependOnJobsAndTAP() throws {
        let m = try mixedManifest()
        let one = try CLI.run(["test", m, "--jobs", "1", "--filter", "exact", "--filter", "wrong", "--filter", "limited"])
        let four = try CLI.run(["test", m, "--jobs", "4", "--filter", "exact", "--filter", "wrong", "--filter", "limited"])
        XCTAssertEqual(verdicts(one.stdout), ["PASS exact", "FAIL wrong-out", "FAIL wrong-code", "PASS limited"])
        XCTAssertEqual(verdicts(one.stdout), verdicts(four.stdout))
        let tap = try CLI.run(["test", m, "--tap", "--filter", "exact", "--filter", "wrong-code", "--filter", "not-yet"])
        XCTAssertEqual(tap.status, 1)
        XCTAssertTrue(tap.stdout.hasPrefix("TAP version 13\n1..3\nok 1 - exact\nnot ok 2 - wrong-code\n  ---\n"), tap.stdout)
        XCTAssertTrue(tap.stdout.hasSuffix("  ...\nok 3 - not-yet # SKIP waits for a fix\n"), tap.stdout)
    }

    /// Two rows that each take a second of wall clock finish together with --jobs 2.
    func testRowsRunInParallel() throws {
        let m = try write("p.txt", """
        armvm-manifest 1
        defaults board=virt timeout=1 status=7 -- --load-address 0x40000000
        a image=spin.bin
        b image=spin.bin

        """)
        let t0 = Date()
        let r = try CLI.run(["test", m, "--jobs", "2"])
        let t = Date().timeIntervalSince(t0)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertEqual(verdicts(r.stdout), ["PASS a", "PASS b"])
        XCTAssertLessThan(t, 1.8, "two 1 s rows with --jobs 2 took \(t) s")
    }

    /// SIGTERM (a cancelled CI job) stops the running rows, reports the rest as not run, still
    /// writes the JUnit file, and ends with 143.
    func testSIGTERMStopsTheRunAndStillReports() throws {
        guard let exe = CLI.binary else { throw XCTSkip("no armvm binary") }
        let m = try write("long.txt", """
        armvm-manifest 1
        defaults board=virt timeout=60 -- --load-address 0x40000000
        a image=spin.bin
        b image=spin.bin
        c image=spin.bin

        """)
        let junit = dir.appendingPathComponent("j.xml").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["test", m, "--jobs", "2", "--junit", junit]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        Thread.sleep(forTimeInterval: 0.5)
        let t0 = Date()
        p.terminate()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
        XCTAssertEqual(p.terminationStatus, 143, text)
        XCTAssertEqual(verdicts(text), ["FAIL a", "FAIL b", "SKIP c"], text)
        XCTAssertTrue(text.contains("exit status 143, expected 0 (success): armvm: stopped by SIGTERM after"), text)
        XCTAssertTrue(text.contains("not run: armvm test was interrupted"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: junit))
    }

    func testPassingManifestAndBadManifests() throws {
        let hello = try CLI.guest("hello.elf")
        let ok = try write("ok.txt", "armvm-manifest 1\nboots board=virt image=\(hello) expect=Hello\n")
        let r = try CLI.run(["test", ok])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("1 rows: 1 passed, 0 failed, 0 skipped"), r.stdout)
        let bad = try write("bad.txt", "armvm-manifest 1\n\nboots image=x colour=red\n")
        let b = try CLI.run(["test", bad])
        XCTAssertEqual(b.status, 2)
        XCTAssertEqual(b.stdout, "")
        XCTAssertEqual(b.stderr, "armvm: \(bad):3: unknown key 'colour' (known: board, image, guest, module, status, output, lines, expect, timeout, skip, tap, needs, max-instructions)\n")
        let needs = try write("needs.txt", "armvm-manifest 1\nlater board=virt image=\(hello) needs=absent.bin\n")
        let n = try CLI.run(["test", needs])
        XCTAssertEqual(n.status, 0, n.stdout)
        XCTAssertTrue(n.stdout.contains("SKIP  later  needs absent.bin, which is missing"), n.stdout)
        let none = try CLI.run(["test", ok, "--filter", "nothing-like-it"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("no row name contains 'nothing-like-it'"), none.stderr)
    }

    func testTimeoutEndsARunWithStatus7AndTheSameLine() throws {
        for _ in 0..<2 {
            let r = try CLI.run(["run", "--timeout", "0.3", "--load-address", "0x40000000", dir.appendingPathComponent("spin.bin").path])
            XCTAssertEqual(r.status, 7)
            XCTAssertEqual(r.stderr, "armvm: stopped by --timeout 0.3 s (wall clock)\n")
        }
        // A run that ends first is not affected.
        let hello = try CLI.guest("hello.elf")
        XCTAssertEqual(try CLI.run(["run", "--timeout", "30", hello]).status, 0)
    }

    func testStatsFileIsJSON() throws {
        let stats = dir.appendingPathComponent("stats.json")
        let r = try CLI.run(["run", "--board", "virt", "--stats-file", stats.path, try CLI.guest("minihyp.elf"),
                             "--guest", try CLI.guest("hello-xen.elf"), "--guest", try CLI.guest("hello-xen32.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any])
        XCTAssertEqual(json["format"] as? String, "armvm-stats 1")
        XCTAssertGreaterThan(json["instructions"] as? Int ?? 0, 1_000_000)
        XCTAssertNotNil(json["wall_seconds"] as? Double)
        XCTAssertNotNil(json["mips"] as? Double)
        XCTAssertGreaterThan(json["peak_rss_kib"] as? Int ?? 0, 0, "armvm's own peak RSS")
        let exit = try XCTUnwrap(json["exit"] as? [String: Any])
        XCTAssertEqual(exit["reason"] as? String, "guest-exit")
        XCTAssertEqual(exit["status"] as? Int, 0)
        let exits = try XCTUnwrap((json["exits"] as? [String: Any])?["by_class"] as? [String: Int])
        XCTAssertGreaterThan(exits["HVC64"] ?? 0, 0, "\(exits)")
        XCTAssertGreaterThan(exits["HVC32"] ?? 0, 0, "\(exits)")
        // '-' writes it to stderr; the instruction limit is a reason of its own.
        let limit = try CLI.run(["run", "--max-instructions", "1e3", "--stats-file", "-", try CLI.guest("hello.elf")])
        XCTAssertEqual(limit.status, 3)
        let body = limit.stderr.drop { $0 != "{" }
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        XCTAssertEqual((j["exit"] as? [String: Any])?["reason"] as? String, "instruction-limit")
        XCTAssertEqual(j["instructions"] as? Int, 1000)
    }

    /// --exit-on ends a run that would otherwise idle once every text has appeared; --fail-on
    /// ends it as a failure; a guest that stops before the texts appear fails.
    func testConsoleMarkersEndTheRun() throws {
        let hv = try CLI.guest("minihyp.elf"), xen = try CLI.guest("hello-xen.elf")
        let done = try CLI.run(["run", "--board", "virt", hv, "--guest", xen, "--guest", xen,
                                "--exit-on", "(d2) hello-xen: shutting down", "--exit-on", "(d1) hello-xen: shutting down"])
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertEqual(done.stderr, "armvm: the console showed every --exit-on text; stopping\n")
        XCTAssertFalse(done.stdout.contains("every guest has shut down"), "stopped before minihyp's summary: \(done.stdout)")
        let crash = try CLI.run(["run", "--board", "virt", hv, "--guest", try CLI.guest("timer.elf"), "--guest", xen, "--fail-on", "crashed"])
        XCTAssertEqual(crash.status, 1, crash.stderr)
        XCTAssertTrue(crash.stdout.split(separator: "\n").last?.hasPrefix("minihyp: d1 crashed") == true, "stops at that line: \(crash.stdout)")
        XCTAssertEqual(crash.stderr, "armvm: the console showed --fail-on text 'crashed'; stopping\n")
        let distinct = try CLI.run(["run", "--board", "virt", hv, "--guest", try CLI.guest("timer.elf"), "--fail-on", "crashed",
                                    "--exit-status", "distinct"])
        XCTAssertEqual(distinct.status, 65)
        let missing = try CLI.run(["run", "--board", "virt", try CLI.guest("hello.elf"), "--exit-on", "Hello", "--exit-on", "never printed"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "armvm: the guest stopped before the console showed --exit-on text 'never printed'\n")
    }

    /// The Xen hypercall conformance suite passes on minihyp, each guest check a JUnit case.
    func testConformanceSuite() throws {
        _ = try CLI.guest("xen-abi.elf")
        let junit = dir.appendingPathComponent("abi.xml").path
        let r = try CLI.run(["test", "Guests/abi/manifest.txt", "--junit", junit])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("PASS  minihyp-virt-gicv3"), r.stdout)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("<testcase name=\"(d2) AArch32 xen_version minor\" classname=\"Guests/abi/manifest.txt:minihyp-virt-gicv3\""), xml)
    }

    func testVersion() throws {
        let r = try CLI.run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertNotNil(r.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression), r.stdout)
    }

    /// `dtb` with an image and --guest writes the blob `run` passes: dom0less nodes included.
    func testDTBTakesTheGuestOptions() throws {
        let out = dir.appendingPathComponent("hv.dtb").path
        let r = try CLI.run(["dtb", "--board", "virt", "--append", "console=dtuart", "-o", out, try CLI.guest("minihyp.elf"),
                             "--guest", try CLI.guest("hello-xen.elf") + ",memory=32M,bootargs=quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dts = try CLI.run(["-I", "dtb", "-O", "dts", out], executable: "/usr/bin/dtc")
        XCTAssertEqual(dts.status, 0, dts.stderr)
        for s in ["domU1 {", "compatible = \"xen,domain\";", "memory = <0x00 0x8000>;", "bootargs = \"quiet\";",
                  "xen,xen-bootargs = \"console=dtuart\";", "multiboot,kernel"] {
            XCTAssertTrue(dts.stdout.contains(s), "\(s) missing in:\n\(dts.stdout)")
        }
        let noImage = try CLI.run(["dtb", "-o", out, "--guest", try CLI.guest("hello-xen.elf")])
        XCTAssertEqual(noImage.status, 2)
        XCTAssertTrue(noImage.stderr.contains("need the IMAGE argument"), noImage.stderr)
    }
}

/// Semihosting as QEMU's test binaries use it, with console input on stdin (the manifest rows
/// cover the rest with stdin at its end).
final class SemihostingInputTests: XCTestCase {
    func run(_ args: [String], stdin: String, keepOpen: Bool = false) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let exe = CLI.binary else { throw XCTSkip("no armvm binary") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        if !keepOpen { try input.fileHandleForWriting.close() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if keepOpen { try input.fileHandleForWriting.close() }
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testReadCReadsStdin() throws {
        for (board, image, el) in [("virt", "semihosting.elf", "2"), ("arndale", "semihosting32.elf", "1")] {
            let r = try run(["run", "--board", board, "--el", el, "--append", "a b", try CLI.guest(image)], stdin: "typed text\n")
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("cmdline: 0 'a b' 3\n"), r.stdout)
            XCTAssertTrue(r.stdout.contains("input: 'typed text'\n"), r.stdout)
            XCTAssertFalse(r.stdout.contains("FAILED"), r.stdout)
        }
    }

    /// --semihosting-dir lets SYS_OPEN, SYS_WRITE, SYS_FLEN, SYS_SEEK, SYS_READ and SYS_REMOVE
    /// reach plain file names in one directory, and nothing outside it.
    func testHostFilesStayInTheirDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-sh-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (image, el) in [("semihosting.elf", "2"), ("semihosting32.elf", "1")] {
            let r = try run(["run", "--board", "virt", "--el", el, "--append", "files", "--semihosting-dir", dir.path,
                             try CLI.guest(image)], stdin: "")
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("file: read back 'by the guest' (19 bytes short)\n"), r.stdout)
            XCTAssertFalse(r.stdout.contains("FAILED"), r.stdout)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "the guest removed its file")
        }
        // Without the option the same guest is refused every file (its status counts the failures).
        let refused = try run(["run", "--board", "virt", "--append", "files", try CLI.guest("semihosting.elf")], stdin: "")
        XCTAssertTrue(refused.stdout.contains("file: open for writing: FAILED"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("file: a path out of the directory is refused: ok"), refused.stdout)
        XCTAssertNotEqual(refused.status, 0)
    }

    /// A guest waiting for input that never comes is still stopped by --timeout.
    func testTimeoutEndsAWaitForInput() throws {
        let r = try run(["run", "--board", "virt", "--timeout", "0.5", try CLI.guest("semihosting.elf")], stdin: "", keepOpen: true)
        XCTAssertEqual(r.status, 7, r.stdout + r.stderr)
        XCTAssertEqual(r.stderr, "armvm: stopped by --timeout 0.5 s (wall clock)\n")
    }
}
