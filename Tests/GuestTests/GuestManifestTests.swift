import Foundation
import TestManifest
import XCTest

/// Guest-level tests. The rows of Guests/manifest.txt run through `armvm test` (`make
/// test-guests`, RunnerTests for the runner itself); here the manifest is read with the same
/// parser and each row's files are checked, so that a renamed guest fails fast.
final class GuestManifestTests: XCTestCase {
    static func manifest() throws -> Manifest {
        let path = CLI.root.appendingPathComponent("Guests/manifest.txt").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let dir = CLI.root.appendingPathComponent("Guests")
        return try Manifest.parse(text, path: path) { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }

    func testManifestReadsAndNamesExistingFiles() throws {
        let m = try Self.manifest()
        XCTAssertGreaterThanOrEqual(m.rows.count, 30)
        let dir = CLI.root.appendingPathComponent("Guests")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("build/hello.elf").path) else {
            throw XCTSkip("guests not built: run `make guests`")
        }
        for row in m.rows {
            for file in [row.image] + (row.guests + row.modules).map({ String($0.prefix { $0 != "," }) }) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(row.name): \(file) missing")
            }
            switch row.expected {
            case .exact(let file): XCTAssertTrue(file.hasPrefix("expected/"), "\(row.name): \(file)")
            case .linesInOrder(let lines, _): XCTAssertFalse(lines.isEmpty, row.name)
            case .none: XCTFail("\(row.name): every project row checks the console, not only the status")
            }
        }
    }

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
