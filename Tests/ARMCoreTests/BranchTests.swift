import XCTest
@testable import ARMCore

final class BranchTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    func testBAndBL() {
        let m = CoreTestMachine()
        m.program([0x1400_0002])            // b .+8
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 8)
        m.program([0x97FF_FFFF], at: base + 8)  // bl .-4
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 4)
        XCTAssertEqual(m.cpu.x[30], base + 12)
    }

    func testConditionalBranchFollowsFlags() {
        let m = CoreTestMachine()
        m.program([0x5400_0061])            // b.ne .+12
        m.cpu.setNZCV(n: false, z: true, c: false, v: false)
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 4, "Z set: not taken")
        let m2 = CoreTestMachine()
        m2.program([0x5400_0061])
        m2.steps(1)
        XCTAssertEqual(m2.cpu.pc, base + 12, "Z clear: taken")
    }

    func testConditionTable() {
        let cpu = CoreTestMachine().cpu
        // (N, Z, C, V) -> expected for EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL NV
        cpu.setNZCV(n: true, z: false, c: true, v: false)
        let expect: [Bool] = [false, true, true, false, true, false, false, true, true, false, false, true, false, true, true, true]
        for cond in 0..<16 { XCTAssertEqual(cpu.conditionHolds(UInt8(cond)), expect[cond], "cond \(cond)") }
    }

    func testCompareAndBranchUsesOperandWidth() {
        let m = CoreTestMachine()
        m.program([0x3400_0083])            // cbz w3, .+16
        m.cpu.x[3] = 0x1_0000_0000          // W3 is zero
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 16)
        let m2 = CoreTestMachine()
        m2.program([0xB5FF_FFC4], at: base)  // cbnz x4, .-8
        m2.cpu.x[4] = 0x1_0000_0000
        m2.steps(1)
        XCTAssertEqual(m2.cpu.pc, base - 8)
    }

    func testTestBitAndBranch() {
        let m = CoreTestMachine()
        m.program([0xB608_00A5])            // tbz x5, #33, .+20
        m.cpu.x[5] = 1 << 33
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 4, "bit 33 set: tbz not taken")
        let m2 = CoreTestMachine()
        m2.program([0x3718_0046])           // tbnz w6, #3, .+8
        m2.cpu.x[6] = 8
        m2.steps(1)
        XCTAssertEqual(m2.cpu.pc, base + 8)
    }

    func testRegisterBranches() {
        let m = CoreTestMachine()
        m.program([0xD61F_00E0])            // br x7
        m.cpu.x[7] = base + 0x100
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 0x100)
        m.program([0xD63F_03C0], at: base + 0x100)  // blr x30: target read before x30 is written
        m.cpu.x[30] = base + 0x200
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 0x200)
        XCTAssertEqual(m.cpu.x[30], base + 0x104)
        m.program([0xD65F_03C0], at: base + 0x200)  // ret
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 0x104)
    }

    func testMisalignedBranchTargetTakesPCAlignmentFault() {
        let m = CoreTestMachine()
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        m.program([0xD61F_00E0])            // br x7
        m.cpu.x[7] = base + 0x102
        m.steps(2)
        XCTAssertEqual(m.esrEC, 0x22)
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL1], base + 0x102)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 0x102)
        XCTAssertEqual(m.cpu.pc, base + 0x800 + 0x200)
    }
}
