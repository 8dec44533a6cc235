import Foundation
import XCTest
@testable import ARMCore

/// A guest can never crash or hang the host: random words executed from random states at
/// EL0, EL1 and EL2 must each end in an architectural outcome.
///
/// Two runs: a short one in this process (debug build, full access to the CPU), and ten million
/// words through the release binary's hidden `armvm fuzz` subcommand ($ARMVM, which `make test`
/// sets; skipped without a binary), under a time limit so that a hang fails the test. The seed
/// is fixed so a failure reproduces; ARMVM_FUZZ_WORDS and ARMVM_FUZZ_SEED choose more words or
/// another seed for both (`armvm fuzz --words N --seed S` runs the release loop by hand).
final class ExecutionFuzzTests: XCTestCase {
    static var env: [String: String] { ProcessInfo.processInfo.environment }
    static var seed: UInt64 {
        guard let s = env["ARMVM_FUZZ_SEED"]?.lowercased() else { return 0x5EED_A64 }
        return (s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)) ?? 0x5EED_A64
    }

    func testRandomWordsFromRandomStates() {
        let count = Self.env["ARMVM_FUZZ_WORDS"].flatMap { Int($0) }.map { min($0, 300_000) } ?? 200_000
        var state = Self.seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
        let m = CoreTestMachine()
        let base = CoreTestMachine.ramBase
        for n in 0..<count {
            let slot = base + 0x8_0000 + UInt64(n % 1024) * 4
            let w = UInt32(truncatingIfNeeded: next() >> 16)
            _ = m.bus.write(slot, size: 4, value: UInt64(w))
            m.cpu.boot(entry: slot, el: UInt8(next() % 3))
            for r in 0..<31 {
                // Half the registers point into RAM so that loads and stores often succeed.
                let v = next()
                m.cpu.x[r] = v & 1 == 0 ? base + (v >> 8) % (1 << 20) : v
            }
            m.cpu.x[Int(Reg.sp)] = base + 0xF_0000
            m.cpu.nzcv = UInt32(truncatingIfNeeded: next()) & 0xF000_0000
            for v in 0..<32 { m.cpu.setV(UInt8(v), low: next(), high: next()) }
            let f = next()
            m.cpu.fpcr = (f & 0x1F) << 22
            m.cpu.fpsr = (f >> 8) & 0x0800_009F
            m.cpu.sysregs[SysReg.CPACR_EL1] = f >> 16 & 7 == 0 ? (f >> 20 & 3) << 20 : 3 << 20
            m.cpu.sysregs[SysReg.VBAR_EL1] = base
            m.cpu.sysregs[SysReg.VBAR_EL2] = base
            m.cpu.step()
            XCTAssertEqual(m.cpu.x[Int(Reg.zr)], 0, "the zero register stays zero after 0x\(String(w, radix: 16))")
            if m.cpu.x[Int(Reg.zr)] != 0 { return }
        }
    }

    /// Ten million words (or ARMVM_FUZZ_WORDS) through `armvm fuzz` in the release build, which
    /// must finish within three minutes and print its summary: words run, exceptions by class.
    func testTenMillionWordsInTheReleaseBinary() throws {
        let words = Self.env["ARMVM_FUZZ_WORDS"].flatMap { Int($0) } ?? 10_000_000
        let text = try runReleaseFuzz(["--words", String(words)], words: words)
        XCTAssertTrue(text.contains("fuzz: \(words) words"), text)
        XCTAssertTrue(text.contains("exceptions by class:"), text)
    }

    /// Random A32 words and T32 halfword pairs from random AArch32 states (two million each;
    /// `armvm fuzz --isa a32|t32 --words N` runs more by hand).
    func testAArch32WordsInTheReleaseBinary() throws {
        for (isa, what) in [("a32", "A32 words"), ("t32", "T32 halfword pairs")] {
            let text = try runReleaseFuzz(["--isa", isa, "--words", "2000000"], words: 2_000_000)
            XCTAssertTrue(text.contains("fuzz: 2000000 \(what)"), text)
            XCTAssertTrue(text.contains("exits to EL2 by class:"), text)
        }
    }

    /// The same on the Cortex-A15, with Hyp mode among the random modes (a million each).
    func testAArch32WordsOnTheCortexA15() throws {
        for (isa, what) in [("a32", "A32 words"), ("t32", "T32 halfword pairs")] {
            let text = try runReleaseFuzz(["--isa", isa, "--cpu", "cortex-a15", "--words", "1000000"], words: 1_000_000)
            XCTAssertTrue(text.contains("fuzz: 1000000 \(what)"), text)
            XCTAssertTrue(text.contains("went to Hyp mode"), text)
        }
    }

    /// Runs `armvm fuzz ARGS --seed S` from $ARMVM and returns its output; a hang or a crash fails.
    func runReleaseFuzz(_ args: [String], words: Int) throws -> String {
        guard let exe = Self.env["ARMVM"], FileManager.default.isExecutableFile(atPath: exe) else {
            throw XCTSkip("ARMVM is not set: `make test` runs this with the release binary")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["fuzz"] + args + ["--seed", "0x" + String(Self.seed, radix: 16)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let limit = Date().addingTimeInterval(Double(max(180, words / 50_000)))
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { box.data = out.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        while p.isRunning && Date() < limit { usleep(50_000) }
        if p.isRunning {
            p.terminate()
            XCTFail("armvm fuzz \(args) did not finish within the time limit: a hang")
            return ""
        }
        done.wait()
        let text = String(decoding: box.data, as: UTF8.self)
        print(text, terminator: "")
        XCTAssertEqual(p.terminationReason, .exit, "armvm fuzz crashed (signal \(p.terminationStatus))")
        XCTAssertEqual(p.terminationStatus, 0, text)
        return text
    }
}
