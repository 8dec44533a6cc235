import XCTest
@testable import ARMCore

/// A guest can never crash the host through the FP instructions: every FP row, with random
/// operand bits, executed from random register contents under random FPCR settings.
final class FloatingPointFuzzTests: XCTestCase {
    func testRandomFPInstructionsFromRandomStates() {
        var rng = SplitMix64(seed: 0xF10A7)
        let rows = A64Decoder.floatingPoint
        let m = FPTestMachine()
        let cpu = m.cpu
        let pc = CoreTestMachine.ramBase
        let specials: [UInt64] = [0, 0x8000_0000_0000_0000, 0x7ff0_0000_0000_0000, 0x7ff8_0000_0000_0001,
                                  0x7ff0_0000_0000_0001, 1, 0x7fc0_0000_7f80_0001, 0x0000_0001_8000_0001,
                                  0x7f7f_ffff_ff7f_ffff, 0x0080_0000_0000_0001, ~0]
        for _ in 0..<100_000 {
            let row = rows[Int(rng.next() % UInt64(rows.count))]
            let w = row.value | (UInt32(truncatingIfNeeded: rng.next()) & ~row.mask)
            _ = m.machine.bus.write(pc, size: 4, value: UInt64(w))
            cpu.boot(entry: pc, el: 1)
            for r in 0..<32 {
                let pick = rng.next()
                let lo = pick & 3 == 0 ? specials[Int((pick >> 8) % UInt64(specials.count))] : rng.next()
                cpu.setV(UInt8(r), low: lo, high: rng.next())
            }
            for r in 0..<31 { cpu.x[r] = rng.next() }
            cpu.nzcv = UInt32(truncatingIfNeeded: rng.next()) & 0xF000_0000
            cpu.sysregs[SysReg.FPCR] = rng.next() & 0x07C0_0000
            cpu.step()
            XCTAssertEqual(cpu.x[Int(Reg.zr)], 0, "the zero register stays zero after 0x\(String(w, radix: 16))")
            if cpu.x[Int(Reg.zr)] != 0 { return }
        }
    }
}
