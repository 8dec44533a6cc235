import XCTest
@testable import ARMCore

/// Asynchronous exceptions: routing by HCR_EL2.IMO/FMO/AMO/TGE, masking by PSTATE, vector
/// offsets, virtual interrupts and WFI wake-up (ARM DDI 0487, D1.14 and D1.16.2).
final class InterruptTests: XCTestCase {
    let base = CoreTestMachine.ramBase
    let vbar1 = CoreTestMachine.ramBase + 0x1000
    let vbar2 = CoreTestMachine.ramBase + 0x2000
    let nop: UInt32 = 0xD503_201F
    let msrDAIFClrI: UInt32 = 0xD503_42FF  // msr daifclr, #2
    let wfi: UInt32 = 0xD503_207F

    func machine(el: UInt8, hasEL2: Bool = true, hcr: UInt64 = 0) -> CoreTestMachine {
        let m = CoreTestMachine(el: el, hasEL2: hasEL2)
        m.cpu.sysregs[SysReg.VBAR_EL1] = vbar1
        m.cpu.sysregs[SysReg.VBAR_EL2] = vbar2
        if hcr != 0 { m.cpu.writeSysReg(.HCR_EL2, hcr | HCR.RW) }
        m.program([nop, nop, nop, nop, nop, nop, nop, nop])
        // Vectors full of NOPs, so that "pc = vector + 4" shows where the exception went.
        m.program([UInt32](repeating: nop, count: 0x200), at: vbar1)
        m.program([UInt32](repeating: nop, count: 0x200), at: vbar2)
        return m
    }

    func testUnmaskedIRQAtEL1IsTakenToEL1BeforeTheNextInstruction() {
        let m = machine(el: 1)
        m.cpu.daif = 0
        _ = m.cpu.run(budget: 2)
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 8, "ELR is the first instruction not executed")
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL1], 0x5, "EL1h with DAIF clear saved")
        XCTAssertEqual(m.cpu.daif, 0x3C0)
        // The vector ran one instruction: current EL with SP_ELx, IRQ = 0x200 + 0x80.
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x280 + 4)
    }

    func testMaskedIRQWaitsForDAIFClear() {
        let m = machine(el: 1)
        m.program([nop, msrDAIFClrI, nop, nop])
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.pc, base + 4, "PSTATE.I masks an IRQ that targets EL1")
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.pc, base + 8)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 8, "taken right after the MSR that unmasked it")
    }

    func testIRQRoutedToEL2ByIMOIgnoresPSTATEAtEL1() {
        let m = machine(el: 1, hcr: HCR.IMO)
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], base)
        XCTAssertEqual(m.cpu.pc, vbar2 + 0x480 + 4, "lower EL using AArch64, IRQ")
    }

    func testIRQRoutedToEL1IsNotTakenAtEL2() {
        let m = machine(el: 2)
        m.cpu.daif = 0
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 3)
        XCTAssertEqual(m.cpu.pc, base + 12)
        XCTAssertEqual(m.cpu.el, 2)
    }

    func testFIQRoutedToEL2IsTakenAtEL2WhenUnmasked() {
        let m = machine(el: 2, hcr: HCR.FMO)
        m.cpu.daif = 0
        m.cpu.setInterruptInputs(.fiq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.pc, vbar2 + 0x300 + 4, "current EL with SP_ELx, FIQ = 0x200 + 0x100")
    }

    func testVirtualIRQFromHCRVIReachesEL1AndShowsInISR() {
        let m = machine(el: 1, hcr: HCR.IMO | HCR.VI)
        XCTAssertEqual(m.cpu.readSysReg(.ISR_EL1), 1 << 7, "ISR_EL1.I shows the virtual IRQ")
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.pc, base + 4, "masked by PSTATE.I")
        m.cpu.daif = 0
        m.cpu.interruptsChanged()
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x280 + 4)
    }

    func testVirtualIRQNeedsIMO() {
        let m = machine(el: 1, hcr: HCR.VI)
        m.cpu.daif = 0
        m.cpu.interruptsChanged()
        _ = m.cpu.run(budget: 2)
        XCTAssertEqual(m.cpu.pc, base + 8)
    }

    func testVirtualIRQInputFromTheGICVirtualInterface() {
        let m = machine(el: 1, hcr: HCR.IMO)
        m.cpu.daif = 0
        m.cpu.setInterruptInputs(.virq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base)
    }

    func testVirtualSErrorIsTakenOnceWithSErrorSyndrome() {
        let m = machine(el: 1, hcr: HCR.AMO | HCR.VSE)
        m.cpu.daif = 0
        m.cpu.interruptsChanged()
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x380 + 4)
        XCTAssertEqual(m.esrEC, 0x2F)
        XCTAssertEqual(m.cpu.sysregs[SysReg.HCR_EL2] & HCR.VSE, 0, "the virtual SError is consumed")
    }

    func testWFIWakesOnAMaskedInterruptAndContinues() {
        let m = machine(el: 1)
        m.program([wfi, nop, nop])
        XCTAssertEqual(m.cpu.run(budget: 4), .waitingForInterrupt)
        XCTAssertEqual(m.cpu.pc, base + 4)
        m.cpu.setInterruptInputs(.irq)   // masked by PSTATE.I: wakes WFI, is not taken
        XCTAssertEqual(m.cpu.run(budget: 2), .budget)
        XCTAssertEqual(m.cpu.pc, base + 12)
        XCTAssertEqual(m.cpu.el, 1)
    }

    func testWFIWithAMaskedInterruptAlreadyPendingNeverWaits() {
        // Xen parks a halted CPU in `wfi; wfi; b .-4` with IRQs masked and one pending: each
        // WFI completes at once (D1.16.2) and the loop spins without leaving `run`.
        let m = machine(el: 1)
        m.program([wfi, wfi, 0x17FF_FFFE])   // B back to the first WFI
        m.cpu.setInterruptInputs(.irq)
        XCTAssertEqual(m.cpu.run(budget: 300), .budget)
        XCTAssertFalse(m.cpu.waiting)
        XCTAssertEqual(m.cpu.instret, 300)
        XCTAssertEqual(m.cpu.pc, base, "100 turns of the three-instruction loop")
        XCTAssertEqual(m.cpu.el, 1, "masked: never taken")
    }

    func testWFIWithUnmaskedIRQTakesItWithELRAfterTheWFI() {
        let m = machine(el: 1)
        m.cpu.daif = 0
        m.program([wfi, nop, nop])
        XCTAssertEqual(m.cpu.run(budget: 4), .waitingForInterrupt)
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL1], base + 4)
        XCTAssertEqual(m.cpu.pc, vbar1 + 0x280 + 4)
    }

    func testTGERoutesPhysicalIRQFromEL0ToEL2() {
        let m = machine(el: 0, hcr: HCR.TGE)
        m.cpu.daif = 0x3C0
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.pc, vbar2 + 0x480 + 4)
    }
}
