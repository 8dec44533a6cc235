import XCTest
@testable import ARMCore
import Bus

/// The run loop's fast path must be invisible: `run(budget:)` retires exactly the budget and
/// leaves the same state as that many `step()`s, wherever the budget ends (between a fused
/// compare and its B.cond, inside or beyond a page's worth of the end, across pages), and
/// code written after it was decoded runs as written.
final class RunLoopTests: XCTestCase {
    // MOVZ X0, #n; loop: ADD X1, X1, #1; SUBS X0, X0, #1; B.NE loop; ADD X2, X2, #3; B .
    static func countdown(_ n: UInt32) -> [UInt32] {
        [0xD280_0000 | (n << 5), 0x9100_0421, 0xF100_0400, 0x54FF_FFC1, 0x9100_0C42, 0x1400_0000]
    }

    func stepped(_ program: [UInt32], at: UInt64 = CoreTestMachine.ramBase, _ n: Int) -> [UInt64] {
        let m = CoreTestMachine()
        m.program(program, at: at)
        m.cpu.boot(entry: at, el: 1)
        m.steps(n)
        return m.architecturalState
    }

    func testEveryBudgetEndsWhereSteppingDoes() {
        let program = Self.countdown(100)   // 1 + 300 + 1 instructions, then the spin
        for n in 1...320 {
            let m = CoreTestMachine()
            m.program(program)
            XCTAssertEqual(m.cpu.run(budget: UInt64(n)), .budget)
            XCTAssertEqual(m.architecturalState, stepped(program, n), "budget \(n)")
            // The rest of the way from there, in a second run.
            _ = m.cpu.run(budget: UInt64(330 - n))
            XCTAssertEqual(m.architecturalState, stepped(program, 330), "budget \(n), then the rest")
            XCTAssertEqual(m.cpu.x[2], 3)
        }
    }

    func testBudgetsAroundAPagesWorth() {
        // 3000 loop instructions: budgets on both sides of `CPU.reach` and of its multiples.
        let program = Self.countdown(1000)
        for n in [1023, 1024, 1025, 1026, 1027, 2047, 2048, 2049, 2050, 3000, 3001, 3002, 3003, 3010] {
            let m = CoreTestMachine()
            m.program(program)
            _ = m.cpu.run(budget: UInt64(n))
            XCTAssertEqual(m.architecturalState, stepped(program, n), "budget \(n)")
        }
        // Many small runs in a row, as the machine's rounds cut them.
        let m = CoreTestMachine()
        m.program(program)
        for n in [700, 1, 2, 1500, 3, 799] { _ = m.cpu.run(budget: UInt64(n)) }
        XCTAssertEqual(m.architecturalState, stepped(program, 3005))
    }

    func testLoopAcrossAPageBoundary() {
        // The loop body straddles 0x4000_1000: the B.NE sits in the next page, so it neither
        // fuses nor has an in-page target.
        let at = CoreTestMachine.ramBase + 0x1000 - 12
        let program = Self.countdown(50)
        for n in [1, 2, 3, 4, 5, 60, 150, 152, 200] {
            let m = CoreTestMachine()
            m.program(program, at: at)
            m.cpu.boot(entry: at, el: 1)
            _ = m.cpu.run(budget: UInt64(n))
            XCTAssertEqual(m.architecturalState, stepped(program, at: at, n), "budget \(n)")
        }
    }

    func testRewrittenBranchAfterAFusedCompareRunsAsWritten() {
        let m = CoreTestMachine()
        m.program(Self.countdown(3))
        _ = m.cpu.run(budget: 20)
        XCTAssertEqual(m.cpu.x[1], 3)
        XCTAssertEqual(m.cpu.x[2], 3)
        // Replace the B.NE (fused with the SUBS before it) by ADD X3, X3, #1: no more loop.
        _ = m.bus.write(CoreTestMachine.ramBase + 12, size: 4, value: 0x9100_0463)
        m.cpu.boot(entry: CoreTestMachine.ramBase, el: 1)
        m.cpu.x[1] = 0; m.cpu.x[2] = 0
        _ = m.cpu.run(budget: 5)
        XCTAssertEqual(m.cpu.x[1], 1, "the loop ran once")
        XCTAssertEqual(m.cpu.x[3], 1, "the new instruction ran")
        XCTAssertEqual(m.cpu.x[2], 3)
        XCTAssertEqual(m.cpu.x[0], 2)
    }

    func testForwardAndBackwardBranchesInAndOutOfThePage() {
        // B +8 over a trap; BL to a routine in the next page that returns; CBZ back.
        let base = CoreTestMachine.ramBase
        let m = CoreTestMachine()
        m.program([
            0x1400_0002,                 // 0x00: B 0x08
            0xD420_0000,                 // 0x04: BRK #0 (skipped)
            0x9400_0400,                 // 0x08: BL 0x1008 (next page)
            0xB400_0060,                 // 0x0C: CBZ X0, 0x18
            0x9100_0C42,                 // 0x10: ADD X2, X2, #3
            0x1400_0000,                 // 0x14: B .
            0xD280_0020,                 // 0x18: MOVZ X0, #1
            0x17FF_FFFD,                 // 0x1C: B 0x10
        ])
        m.program([0x9100_0421, 0xD65F_03C0], at: base + 0x1008)   // ADD X1, X1, #1; RET
        _ = m.cpu.run(budget: 9)
        XCTAssertEqual(m.cpu.x[1], 1)
        XCTAssertEqual(m.cpu.x[0], 1)
        XCTAssertEqual(m.cpu.x[2], 3)
        XCTAssertEqual(m.cpu.pc, base + 0x14)
        XCTAssertEqual(m.cpu.instret, 9)
    }
}
