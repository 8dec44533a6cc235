import XCTest
@testable import ARMCore

/// A guest can never crash or hang the host: random words executed from random states at
/// EL0, EL1 and EL2 must each end in an architectural outcome. The seed is fixed so a failure
/// reproduces; ARMVM_FUZZ_WORDS and ARMVM_FUZZ_SEED choose more words or another seed.
final class ExecutionFuzzTests: XCTestCase {
    func testRandomWordsFromRandomStates() {
        let env = ProcessInfo.processInfo.environment
        let count = env["ARMVM_FUZZ_WORDS"].flatMap { Int($0) } ?? 300_000
        var state = env["ARMVM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_A64
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
            m.cpu.sysregs[SysReg.VBAR_EL1] = base
            m.cpu.sysregs[SysReg.VBAR_EL2] = base
            m.cpu.step()
            XCTAssertEqual(m.cpu.x[Int(Reg.zr)], 0, "the zero register stays zero after 0x\(String(w, radix: 16))")
            if m.cpu.x[Int(Reg.zr)] != 0 { return }
        }
    }
}
