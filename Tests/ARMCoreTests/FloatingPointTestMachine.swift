import XCTest
@testable import ARMCore
import Bus

/// A CPU with FP enabled (CPACR_EL1.FPEN = 0b11) that runs one FP instruction word from a
/// given state: SIMD&FP registers as (low, high) pairs, general registers, FPCR and NZCV.
/// FPSR starts clear so that the flags after the run are the instruction's own.
final class FPTestMachine {
    let machine = CoreTestMachine()
    var cpu: CPU { machine.cpu }

    init() {
        cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
    }

    @discardableResult
    func run(_ word: UInt32, fpcr: UInt64 = 0, nzcv: UInt32 = 0, v: [Int: (UInt64, UInt64)] = [:],
             x: [Int: UInt64] = [:], file: StaticString = #filePath, line: UInt = #line) -> CPU {
        let pc = CoreTestMachine.ramBase
        _ = machine.bus.write(pc, size: 4, value: UInt64(word))
        cpu.boot(entry: pc, el: 1)
        for r in 0..<32 { cpu.setV(UInt8(r), low: 0, high: 0) }
        for (r, p) in v { cpu.setV(UInt8(r), low: p.0, high: p.1) }
        for (r, value) in x { cpu.x[r] = value }
        cpu.nzcv = nzcv
        cpu.sysregs[SysReg.FPCR] = fpcr
        cpu.sysregs[SysReg.FPSR] = 0
        cpu.step()
        XCTAssertEqual(cpu.pc, pc + 4, String(format: "0x%08x did not complete", word), file: file, line: line)
        return cpu
    }
}
