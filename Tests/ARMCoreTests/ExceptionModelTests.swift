import XCTest
@testable import ARMCore

private final class RecordingFirmware: FirmwareHandler {
    var calls: [(UInt64, Bool)] = []
    func secureMonitorCall(cpu: CPU, isHVC: Bool) { calls.append((cpu.x[0], isHVC)); cpu.x[0] = 0x1234 }
    func halt(cpu: CPU, imm16: UInt32) -> Bool { imm16 == 0xF000 }
}

final class ExceptionModelTests: XCTestCase {
    let base = CoreTestMachine.ramBase
    let vbar1 = CoreTestMachine.ramBase + 0x1000
    let vbar2 = CoreTestMachine.ramBase + 0x2000

    func machine(el: UInt8, hasEL2: Bool = true) -> CoreTestMachine {
        let m = CoreTestMachine(el: el, hasEL2: hasEL2)
        m.cpu.sysregs[SysReg.VBAR_EL1] = vbar1
        m.cpu.sysregs[SysReg.VBAR_EL2] = vbar2
        return m
    }

    func testSVCFromEL1EntersCurrentELVectorWithSPx() {
        let m = machine(el: 1)
        m.cpu.daif = 0
        m.cpu.setNZCV(n: true, z: false, c: true, v: false)
        m.program([0xD400_0841])            // svc #0x42
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x200)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL1], 0x15 << 26 | 1 << 25 | 0x42)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 4, "SVC returns to the next instruction")
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL1], 0xA000_0000 | 0x5, "NZCV and EL1h saved, DAIF clear")
        XCTAssertEqual(m.cpu.daif, 0x3C0, "DAIF masked on entry")
    }

    func testSVCFromEL0GoesToLowerELVectorAndSwitchesStack() {
        let m = machine(el: 0)
        m.cpu.setStackPointer(el: 1, 0x4008_0000)
        m.cpu.x[Int(Reg.sp)] = 0x4004_0000  // SP_EL0 is current at EL0
        m.program([0xD400_0841])            // svc #0x42
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x400)
        XCTAssertEqual(m.cpu.x[Int(Reg.sp)], 0x4008_0000)
        XCTAssertEqual(m.cpu.stackPointer(el: 0), 0x4004_0000)
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL1] & 0x1F, 0, "EL0t")
    }

    func testSVCFromEL0WithTGEGoesToEL2() {
        let m = machine(el: 0)
        m.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TGE
        m.program([0xD400_0841])            // svc #0x42
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.pc, vbar2 + 0x400)
        XCTAssertEqual(m.esr2EC, 0x15)
    }

    func testHVCFromEL1TrapsToEL2() {
        let m = machine(el: 1)
        m.program([0xD401_D422])            // hvc #0xea1
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.pc, vbar2 + 0x400)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL2], 0x16 << 26 | 1 << 25 | 0xEA1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], base + 4)
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL2] & 0x1F, 0x5)
    }

    func testHVCAtEL0IsUndefined() {
        let m = machine(el: 0)
        m.program([0xD401_D422])            // hvc #0xea1
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.esrEC, 0)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base)
    }

    func testHVCWithoutEL2ReachesFirmware() {
        let m = machine(el: 1, hasEL2: false)
        let fw = RecordingFirmware()
        m.cpu.firmware = fw
        m.cpu.x[0] = 0x8400_0000
        m.program([0xD401_D422])            // hvc #0xea1
        m.steps(1)
        XCTAssertEqual(fw.calls.count, 1)
        XCTAssertEqual(fw.calls.first?.1, true)
        XCTAssertEqual(m.cpu.x[0], 0x1234)
        XCTAssertEqual(m.cpu.pc, base + 4)
    }

    func testSMCWithTSCTrapsToEL2AndReturnsToTheSMC() {
        let m = machine(el: 1)
        m.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TSC
        m.program([0xD400_0023])            // smc #1
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.esr2EC, 0x17)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], base, "a trapped SMC returns to itself")
    }

    func testSMCWithoutTSCReachesFirmware() {
        let m = machine(el: 1)
        let fw = RecordingFirmware()
        m.cpu.firmware = fw
        m.program([0xD400_0023])            // smc #1
        m.steps(1)
        XCTAssertEqual(fw.calls.count, 1)
        XCTAssertEqual(fw.calls.first?.1, false)
        XCTAssertEqual(m.cpu.el, 1)
    }

    func testBRKAndUDF() {
        let m = machine(el: 1)
        m.program([0xD420_0060])            // brk #3
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL1], 0x3C << 26 | 1 << 25 | 3)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base)
        let u = machine(el: 2)
        u.program([0x0000_0000])            // udf #0
        u.steps(1)
        XCTAssertEqual(u.cpu.sysregs[SysReg.ESR_EL2], 1 << 25, "EC 0 (unknown), IL 1")
        XCTAssertEqual(u.cpu.pc, vbar2 + 0x200)
    }

    func testHLTSemihostingIsHandledOtherHLTIsUndefined() {
        let m = machine(el: 1)
        let fw = RecordingFirmware()   // CPU.firmware is weak
        m.cpu.firmware = fw
        m.program([0xD45E_0000, 0xD440_0020])   // hlt #0xf000 ; hlt #1
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, base + 4)
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0)
    }

    func testERETReturnsToEL0WithSavedState() {
        let m = machine(el: 1)
        m.cpu.sysregs[SysReg.SPSR_EL1] = 0x6000_0000   // Z, C, EL0t, DAIF clear
        m.cpu.sysregs[SysReg.ELR_EL1] = base + 0x40
        m.cpu.setStackPointer(el: 0, 0x4007_0000)
        m.program([0xD69F_03E0])            // eret
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 0)
        XCTAssertEqual(m.cpu.pc, base + 0x40)
        XCTAssertEqual(m.cpu.nzcv, 0x6000_0000)
        XCTAssertEqual(m.cpu.daif, 0)
        XCTAssertEqual(m.cpu.x[Int(Reg.sp)], 0x4007_0000)
    }

    func testIllegalReturnSetsILAndTheNextInstructionFaults() {
        let m = machine(el: 1)
        m.cpu.sysregs[SysReg.SPSR_EL1] = 0x9     // EL2h from EL1: illegal
        m.cpu.sysregs[SysReg.ELR_EL1] = base + 0x40
        m.program([0xD69F_03E0])            // eret
        m.steps(1)
        XCTAssertEqual(m.cpu.run(budget: 1), .budget)
        XCTAssertEqual(m.cpu.el, 1, "EL unchanged by an illegal return")
        XCTAssertEqual(m.esrEC, 0x0E)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 0x40)
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL1] & (1 << 20), 1 << 20, "SPSR.IL records the illegal state")
    }

    func testERETAtEL0IsUndefined() {
        let m = machine(el: 0)
        m.program([0xD69F_03E0])            // eret
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.esrEC, 0)
    }

    func testFaultingVectorStopsAsStuck() {
        let m = machine(el: 2)
        m.cpu.sysregs[SysReg.VBAR_EL2] = 0x3_0000_0000   // nothing there: every fetch aborts
        m.program([0x0000_0000])            // udf #0
        guard case .stuck = m.cpu.run(budget: 10_000) else { return XCTFail("expected a stuck stop") }
    }
}
