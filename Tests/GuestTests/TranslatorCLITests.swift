import XCTest

/// The translator through the real CLI: guests that exercise loads, stores, page walks,
/// exceptions, timers and a hypervisor give the same console, the same exception trace and
/// the same instruction count with it (the default) and with `--interpreter`.
final class TranslatorCLITests: XCTestCase {
    static let runs: [[String]] = [
        ["--board", "virt", "--append", "100000", "Guests/build/loop-small.elf"],
        ["--board", "virt", "--append", "20", "Guests/build/bench/crc.elf"],
        ["--board", "virt", "--el", "1", "--append", "2", "Guests/build/bench/mmu.elf"],
        ["--board", "virt", "--el", "1", "--append", "2000", "Guests/build/bench/vtimer.elf"],
        ["--board", "virt", "Guests/build/minihyp.elf", "--guest", "Guests/build/hello-xen.elf",
         "--guest", "Guests/build/hello-xen.elf"],
        ["--board", "virt", "--smp", "2", "Guests/build/smp.elf"],
        ["--board", "virt", "Guests/build/exceptions.elf"],
        // AArch32 (the A32 translator): PMU event counts, Hyp-mode traps, a Hyp-mode
        // hypervisor with an A32 and a T32 guest.
        ["--board", "virt", "--el", "1", "Guests/build/pmu32.elf"],
        ["--board", "arndale", "--cpu", "cortex-a15", "Guests/build/hyptraps32.elf"],
        ["--board", "virt", "Guests/build/hello32.elf"],
        ["--board", "arndale", "--cpu", "cortex-a15", "Guests/build/minihyp32.elf",
         "--guest", "Guests/build/hello-xen32.elf", "--guest", "Guests/build/hello-xen-thumb32.elf"],
    ]

    /// stderr without the host-time lines (MIPS, the translator's counts).
    static func architectural(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { !$0.contains("MIPS") && !$0.contains("translator:") }
    }

    func testTranslatorAndInterpreterAgree() throws {
        for args in Self.runs {
            for a in args where a.hasPrefix("Guests/build/") { _ = try CLI.guest(String(a.dropFirst("Guests/build/".count))) }
            let base = ["run", "--stats", "--trace", "exceptions"]
            let t = try CLI.run(base + args)
            let i = try CLI.run(base + ["--interpreter"] + args)
            let name = args.joined(separator: " ")
            XCTAssertEqual(t.status, i.status, name)
            XCTAssertEqual(t.stdout, i.stdout, name)
            XCTAssertEqual(Self.architectural(t.stderr), Self.architectural(i.stderr), name)
            XCTAssertTrue(t.stderr.contains("translator:"), name)
            XCTAssertFalse(i.stderr.contains("translator:"), name)
        }
    }

    /// The loop guest runs almost wholly in generated code.
    func testLoopRunsInBlocks() throws {
        _ = try CLI.guest("loop-small.elf")
        let r = try CLI.run(["run", "--board", "virt", "--stats", "--append", "100000", "Guests/build/loop-small.elf"])
        guard let line = r.stderr.split(separator: "\n").first(where: { $0.contains("translator:") }),
              let n = line.split(separator: " ").firstIndex(of: "instructions;").map({ line.split(separator: " ")[$0 - 1] }),
              let inBlocks = UInt64(n),
              let total = r.stderr.split(separator: "\n").first(where: { $0.contains("MIPS") })?
                  .split(separator: " ").dropFirst().first.flatMap({ UInt64($0) })
        else { return XCTFail("no counts in: \(r.stderr)") }
        XCTAssertGreaterThan(inBlocks * 10, total * 9, r.stderr)
    }

    /// `--perf-map` writes perf's map of the blocks, named by guest address, for A64 and A32
    /// guests alike.
    func testPerfMapNamesBlocksByGuestAddress() throws {
        let maps = { Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter {
            $0.hasPrefix("perf-") && $0.hasSuffix(".map")
        } }
        for (elf, args, isa) in [("loop-small.elf", ["--append", "100000"], "a64"), ("hello32.elf", [], "a32")] {
            _ = try CLI.guest(elf)
            let before = maps()
            let r = try CLI.run(["run", "--board", "virt", "--perf-map"] + args + ["Guests/build/" + elf])
            XCTAssertEqual(r.status, 0, r.stderr)
            let new = maps().subtracting(before)
            let lines = new.flatMap { name -> [Substring] in
                defer { try? FileManager.default.removeItem(atPath: "/tmp/" + name) }
                return ((try? String(contentsOfFile: "/tmp/" + name, encoding: .utf8)) ?? "").split(separator: "\n")
            }
            XCTAssertFalse(lines.isEmpty, "no map from \(elf)")
            for line in lines {
                let f = line.split(separator: " ")
                XCTAssertEqual(f.count, 3, String(line))
                XCTAssertNotNil(UInt64(f[0], radix: 16), String(line))
                XCTAssertNotNil(UInt64(f[1], radix: 16), String(line))
                XCTAssertTrue(f.last?.hasPrefix(isa + "_") ?? false, String(line))
            }
        }
    }
}
