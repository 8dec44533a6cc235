import XCTest
@testable import ARMCore
import Bus

/// A one-CPU machine for the data-processing tests: 1 MiB of RAM at 0x4000_0000, the CPU
/// booted there at EL1 with the MMU off. `exec` runs one instruction word and returns the CPU
/// for the caller to inspect.
final class DPTestHarness {
    static let base: UInt64 = 0x4000_0000
    let machine = CoreTestMachine()
    var bus: PhysicalAddressSpace { machine.bus }
    var cpu: CPU { machine.cpu }

    /// NZCV in PSTATE positions from a 4-letter string: upper case set, lower case clear
    /// ("nZCv" is Z and C).
    static func flags(_ s: String) -> UInt32 {
        precondition(s.count == 4)
        var r: UInt32 = 0
        for (k, ch) in s.enumerated() where ch.isUppercase { r |= 1 << UInt32(31 - k) }
        return r
    }

    /// Run `word` at `base + offset` with registers `x` (index 32 = SP), flags `nzcv` (a
    /// `flags` string). Asserts that the instruction completed without an exception.
    @discardableResult
    func exec(_ word: UInt32, x regs: [Int: UInt64] = [:], nzcv: String = "nzcv", at offset: UInt64 = 0,
              file: StaticString = #filePath, line: UInt = #line) -> CPU {
        let pc = DPTestHarness.base + offset
        XCTAssertTrue(bus.write(pc, size: 4, value: UInt64(word)), file: file, line: line)
        cpu.boot(entry: pc, el: 1)
        for (r, v) in regs { cpu.x[r] = v }
        cpu.nzcv = DPTestHarness.flags(nzcv)
        cpu.step()
        XCTAssertEqual(cpu.pc, pc + 4, String(format: "0x%08x did not complete", word), file: file, line: line)
        XCTAssertEqual(cpu.x[Int(Reg.zr)], 0, "the zero-register slot was written", file: file, line: line)
        return cpu
    }

    /// Run `word` and return X0 (the destination in nearly every test).
    func x0(_ word: UInt32, x regs: [Int: UInt64] = [:], nzcv: String = "nzcv",
            file: StaticString = #filePath, line: UInt = #line) -> UInt64 {
        exec(word, x: regs, nzcv: nzcv, file: file, line: line).x[0]
    }

    /// Run `word` and return NZCV as a `flags` string.
    func flagsAfter(_ word: UInt32, x regs: [Int: UInt64] = [:], nzcv: String = "nzcv",
                    file: StaticString = #filePath, line: UInt = #line) -> String {
        let f = exec(word, x: regs, nzcv: nzcv, file: file, line: line).nzcv
        return String(zip("NZCV", [31, 30, 29, 28] as [UInt32]).map { ch, b in
            f & (1 << b) != 0 ? ch : Character(ch.lowercased())
        })
    }
}
