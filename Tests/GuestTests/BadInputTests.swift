import Foundation
import XCTest

/// Bad host input gets one line naming the problem and exit status 2; the input is untouched.
final class BadInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-badinput-\(getpid())-\(name.hashValue)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let u = dir.appendingPathComponent(name)
        try Data(bytes).write(to: u)
        return u.path
    }

    /// An ELF header with the given class and machine, and nothing else.
    func elfHeader(class64: Bool, machine: UInt16) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 64)
        h[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        h[4] = class64 ? 2 : 1
        h[5] = 1; h[6] = 1
        h[16] = 2                       // ET_EXEC
        h[18] = UInt8(machine & 0xFF); h[19] = UInt8(machine >> 8)
        return h
    }

    func assertBadInput(_ args: [String], mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 2, "status for \(args): \(r.stderr)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line expected, got: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.lowercased().contains(mentions.lowercased()), "\(r.stderr) should mention \(mentions)",
                      file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    func testMissingFile() throws {
        try assertBadInput(["run", dir.appendingPathComponent("nope.elf").path], mentions: "nope.elf")
    }

    func testTruncatedELF() throws {
        let p = try file("trunc.elf", Array(elfHeader(class64: true, machine: 183).prefix(20)))
        try assertBadInput(["run", p], mentions: "trunc")
    }

    /// An ELF32 for Arm loads as a 32-bit image; this one has no segments.
    func testThirtyTwoBitELFWithoutSegments() throws {
        let p = try file("arm32.elf", elfHeader(class64: false, machine: 40))
        try assertBadInput(["run", "--el", "1", p], mentions: "no loadable segments")
    }

    func testX86ELF() throws {
        let p = try file("x86.elf", elfHeader(class64: true, machine: 62))
        try assertBadInput(["run", p], mentions: "x86-64")
    }

    func testNonDTB() throws {
        let img = try CLI.guest("hello.elf")
        let p = try file("bad.dtb", Array("this is not a device tree".utf8))
        let before = try Data(contentsOf: URL(fileURLWithPath: p))
        try assertBadInput(["run", "--dtb", p, img], mentions: "bad.dtb")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: p)), before, "the user's file is not modified")
    }

    func testImageLargerThanMemory() throws {
        let p = try file("big.bin", [UInt8](repeating: 0, count: 3 << 20))
        try assertBadInput(["run", "--memory", "2M", "--load-address", "0x40000000", p], mentions: "memory")
    }

    func testUnknownBoard() throws {
        let img = try CLI.guest("hello.elf")
        try assertBadInput(["run", "--board", "pdp11", img], mentions: "pdp11")
    }

    func testMalformedSize() throws {
        let img = try CLI.guest("hello.elf")
        try assertBadInput(["run", "--memory", "lots", img], mentions: "lots")
    }

    func testUnknownFlag() throws {
        try assertBadInput(["run", "--frobnicate", "x.elf"], mentions: "frobnicate")
    }

    /// --guest and --module values: one line naming the option and the problem, exit 2.
    func testBadGuestValues() throws {
        let hv = try CLI.guest("minihyp.elf")
        let img = try CLI.guest("hello-xen.elf")
        let empty = try file("empty.img", [])
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("missing.img").path, "missing.img"),
            (empty, "empty file"),
            ("\(img),memory=lots", "lots"),
            ("\(img),memory=100K", "memory=100K"),
            ("\(img),memory=1000001", "multiple of 4K"),
            ("\(img),cpus=0", "cpus=0"),
            ("\(img),cpus=many", "cpus=many"),
            ("\(img),color=blue", "unknown key 'color'"),
            ("\(img),memory=16M,memory=32M", "given twice"),
            ("\(img),memory", "not key=value"),
            (",memory=16M", "names no image"),
        ]
        for (value, mention) in cases {
            try assertBadInput(["run", hv, "--guest", value], mentions: mention)
        }
    }

    func testBadModuleValues() throws {
        let hv = try CLI.guest("minihyp.elf")
        let img = try CLI.guest("hello-xen.elf")
        try assertBadInput(["run", hv, "--module", img], mentions: "kind= is missing")
        try assertBadInput(["run", hv, "--module", "\(img),kind=firmware"], mentions: "kernel or ramdisk")
        try assertBadInput(["run", hv, "--module", "\(img),kind=ramdisk,bootargs=x"], mentions: "kind=kernel")
        try assertBadInput(["run", hv, "--module", "\(img),kind=kernel", "--module", "\(img),kind=kernel"],
                           mentions: "more than once")
        try assertBadInput(["run", hv, "--module", dir.appendingPathComponent("nope.img").path + ",kind=kernel"],
                           mentions: "nope.img")
    }

    func testGuestsLargerThanMemory() throws {
        let hv = try CLI.guest("minihyp.elf")
        let big = try file("big.img", [UInt8](repeating: 1, count: 3 << 20))
        try assertBadInput(["run", "--memory", "4M", hv, "--guest", big], mentions: "--memory")
    }

    func testHelpDocumentsEveryOption() throws {
        let r = try CLI.run(["run", "--help"])
        XCTAssertEqual(r.status, 0)
        for flag in ["--board", "--memory", "--el", "--uart", "--dtb", "--append", "--initrd", "--max-instructions",
                     "--load-address", "--guest", "--module"] {
            XCTAssertTrue(r.stdout.contains(flag), "--help mentions \(flag)")
        }
    }
}
