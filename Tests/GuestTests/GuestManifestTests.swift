import Foundation
import XCTest

/// Guest-level tests: every row of Guests/manifest.txt boots a real guest through the real CLI
/// and is judged by its console output and exit status (as kvm-unit-tests' unittests.cfg).
final class GuestManifestTests: XCTestCase {
    struct Row {
        var name: String
        var board: String
        var args: [String]
        var image: String
        var status: Int32
        var expected: String
    }

    /// Tab-separated: name, board, extra args ("-" for none), image, exit status, expected-output file.
    static func manifest() throws -> [Row] {
        let url = CLI.root.appendingPathComponent("Guests/manifest.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [Row] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 6, let status = Int32(f[4]) else {
                XCTFail("malformed manifest line: \(line)")
                continue
            }
            let args = f[2] == "-" || f[2].isEmpty ? [] : f[2].split(separator: " ").map(String.init)
            rows.append(Row(name: f[0], board: f[1], args: args, image: f[3], status: status, expected: f[5]))
        }
        return rows
    }

    func testEveryManifestGuest() throws {
        let rows = try Self.manifest()
        XCTAssertGreaterThan(rows.count, 0)
        for row in rows {
            let image = CLI.root.appendingPathComponent(row.image).path
            guard FileManager.default.fileExists(atPath: image) else {
                XCTFail("\(row.name): \(row.image) missing; run `make guests`")
                continue
            }
            let expectedURL = CLI.root.appendingPathComponent("Guests/expected").appendingPathComponent(row.expected)
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            // A bound on instructions keeps a broken guest from hanging the suite.
            let r = try CLI.run(["run", "--board", row.board, "--max-instructions", "2000000000"] + row.args + [image])
            XCTAssertEqual(r.status, row.status, "\(row.name): exit status; stderr: \(r.stderr)")
            XCTAssertEqual(r.stdout, expected, "\(row.name): console output")
        }
    }

    /// Same inputs, same output, same instruction count (GUIDE.md section 4).
    /// Same inputs, same output and same instruction count: one CPU, a timer-driven guest that
    /// idles in WFI, and two CPUs exchanging SGIs through a GICv3.
    func testRunsAreDeterministic() throws {
        let cases: [[String]] = [
            ["--board", "virt", try CLI.guest("hello.elf")],
            ["--board", "arndale", "--el", "1", try CLI.guest("timer.elf")],
            ["--board", "virt", "--gic", "3", "--smp", "2", try CLI.guest("smp.elf")],
        ]
        for args in cases {
            func once() throws -> (String, Substring?) {
                let r = try CLI.run(["run", "--stats"] + args)
                let count = r.stderr.split(separator: " ").dropFirst().first
                return (r.stdout, count)
            }
            let a = try once(), b = try once()
            XCTAssertEqual(a.0, b.0, "\(args)")
            XCTAssertNotNil(a.1)
            XCTAssertEqual(a.1, b.1, "instruction counts differ: \(args)")
        }
    }

    func testMaxInstructionsStopsWithStatus3() throws {
        let image = try CLI.guest("hello.elf")
        let r = try CLI.run(["run", "--max-instructions", "100", image])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("--max-instructions"))
    }

    func testDTBCommandOutputReadsBackWithDTC() throws {
        let dir = FileManager.default.temporaryDirectory
        for board in ["arndale", "virt"] {
            let out = dir.appendingPathComponent("armvm-\(board)-\(getpid()).dtb").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try CLI.run(["dtb", "--board", board, "-o", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            let dtc = try CLI.run(["-I", "dtb", "-O", "dts", "-o", "/dev/null", out], executable: "/usr/bin/dtc")
            XCTAssertEqual(dtc.status, 0, dtc.stderr)
            XCTAssertEqual(dtc.stderr, "", "dtc warnings for \(board)")
        }
    }
}

/// `--trace exceptions` names each exception and ERET, identically from run to run.
final class ExceptionTraceTests: XCTestCase {
    func testTraceNamesEachExceptionAndIsDeterministic() throws {
        let image = try CLI.guest("exceptions.elf")
        let a = try CLI.run(["run", "--board", "virt", "--trace", "exceptions", image])
        XCTAssertEqual(a.status, 0, a.stderr)
        let lines = a.stderr.split(separator: "\n")
        XCTAssertTrue(lines.first?.contains("eret EL2->EL1") ?? false, "the guest drops from EL2 first: \(a.stderr)")
        XCTAssertTrue(lines.contains { $0.contains("EL1->EL1 UNKNOWN ESR=0x2000000") })
        XCTAssertTrue(lines.contains { $0.contains("EL1->EL1 SVC64 #0x42 ESR=0x56000042") })
        XCTAssertTrue(lines.contains { $0.contains("DABT_CUR external abort read ESR=0x96000010") && $0.contains("FAR=0x300000000") })
        XCTAssertEqual(lines.filter { $0.contains(" eret ") }.count, 4)
        let b = try CLI.run(["run", "--board", "virt", "--trace", "exceptions", image])
        XCTAssertEqual(a.stderr, b.stderr)
    }

    func testUnknownTraceIsBadInput() throws {
        let image = try CLI.guest("hello.elf")
        let r = try CLI.run(["run", "--trace", "everything", image])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("everything"))
    }
}
