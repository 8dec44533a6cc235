import XCTest
@testable import ARMCore

/// Hyp mode on the Cortex-A15 model: AArch32 EL2 entry through HVBAR, ERET, the Hyp registers
/// as views of the AArch64 EL2 ones, the trap controls reported in HSR, and the Hyp stage-1
/// regime (ARM DDI 0487, G1.12 and G8.2; ARM DDI 0406C, B1.8 and B4.1). One behaviour each.
final class HypModeTests: XCTestCase {
    let base = UInt32(CoreTestMachine.ramBase)
    let hvbar: UInt32 = UInt32(CoreTestMachine.ramBase) + 0x1000

    /// A Cortex-A15 in `mode` at the RAM base, running `words`, with HVBAR set.
    func machine(_ words: [UInt32], mode: AArch32Mode = .hyp) -> CoreTestMachine {
        var config = CPUConfig()
        config.identification = .cortexA15
        config.midr = 0x412F_C0F4
        let m = CoreTestMachine(el: 2, config: config)
        m.cpu.bootAArch32(entry: base, mode: .hyp)
        m.cpu.sysregs[SysReg.VBAR_EL2] = UInt64(hvbar)
        m.program(words)
        if mode != .hyp { m.cpu.setMode32(mode) }
        return m
    }

    /// MCR/MRC p15 with the operands in the order the instruction names them.
    func cp15(_ opc1: UInt32, _ rt: UInt32, _ crn: UInt32, _ crm: UInt32, _ opc2: UInt32, read: Bool) -> UInt32 {
        0xEE00_0F10 | opc1 << 21 | (read ? 1 << 20 : 0) | crn << 16 | rt << 12 | opc2 << 5 | crm
    }

    func hsr(_ m: CoreTestMachine) -> UInt64 { m.cpu.sysregs[SysReg.ESR_EL2] }

    func testCortexA15IsAnARMv7CoreWithVirtualizationAndNoAArch64() {
        let m = machine([])
        XCTAssertTrue(m.cpu.aarch32Only)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ID_PFR1_EL1] >> 12 & 0xF, 1, "ID_PFR1.Virtualization")
        XCTAssertEqual(m.cpu.sysregs[SysReg.ID_ISAR5_EL1], 0, "no ARMv8 AArch32 additions")
        XCTAssertEqual(m.cpu.sysregs[SysReg.SCTLR_EL2], HypMode.hsctlrReset)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(m.cpu.el, 2)
    }

    func testHVCFromSVCTakesTheHypTrapEntry() {
        let m = machine([0xE140_0172], mode: .svc)              // hvc #0x12
        let svcCPSR = m.cpu.cpsr
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x14))
        XCTAssertEqual(hsr(m), 0x4A00_0012, "EC 0x12, IL, imm16")
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], UInt64(base + 4), "ELR_hyp: the next instruction")
        XCTAssertEqual(UInt32(m.cpu.sysregs[SysReg.SPSR_EL2]), svcCPSR)
        XCTAssertEqual(m.cpu.daif & 0x1C0, 0x1C0, "A, I and F masked")
        XCTAssertEqual(m.cpu.r(14), 0, "no LR is written on entry to Hyp mode")
    }

    func testHVCInHypModeUsesTheHypervisorCallEntry() {
        let m = machine([0xE140_0070])                            // hvc #0
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x08))
        XCTAssertEqual(hsr(m) >> 26, 0x12)
    }

    func testUndefinedInHypModeUsesTheUndefinedEntry() {
        let m = machine([0xE7F0_00F0])                            // udf #0
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x04))
        XCTAssertEqual(hsr(m), 0x0200_0000, "EC 0 (unknown), IL")
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], UInt64(base))
    }

    func testERETInHypModeReturnsWithELRHypAndSPSRHyp() {
        let m = machine([0xE160_006E])                            // eret
        m.cpu.sysregs[SysReg.ELR_EL2] = UInt64(base + 0x100)
        m.cpu.sysregs[SysReg.SPSR_EL2] = 0x6000_0013 | UInt64(CPSR.T)   // svc, Z and C, Thumb
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .svc)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertTrue(m.cpu.thumb)
        XCTAssertEqual(m.cpu.nzcv, 0x6000_0000)
        XCTAssertEqual(m.cpu.pc, UInt64(base + 0x100))
    }

    func testSUBSPCLRIsUndefinedInHypMode() {
        let m = machine([0xE25E_F004])                            // subs pc, lr, #4
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x04), "only ERET returns from Hyp mode")
    }

    func testELRHypThroughBankedMRSAndMSRInHypMode() {
        // msr ELR_hyp, r0; mrs r1, ELR_hyp
        let m = machine([0xE12E_F300, 0xE10E_1300])
        m.cpu.setR(0, 0x1234_5678)
        m.steps(2)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], 0x1234_5678)
        XCTAssertEqual(m.cpu.r(1), 0x1234_5678)
    }

    func testELRHypIsUndefinedAtPL1() {
        let m = machine([0xE10E_1300], mode: .svc)                // mrs r1, ELR_hyp
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base + 0x2000)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
    }

    func testHypRegistersAreUndefinedAtPL1() {
        let m = machine([cp15(4, 0, 1, 1, 0, read: true)], mode: .svc)   // mrc p15, 4, r0, c1, c1, 0 (HCR)
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base + 0x2000)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
        XCTAssertEqual(m.cpu.pc, UInt64(base + 0x2004))
    }

    func testHCRAndHCR2AreTheHalvesOfHCR_EL2() {
        let m = machine([cp15(4, 0, 1, 1, 0, read: false), cp15(4, 1, 1, 1, 4, read: false)])
        m.cpu.setR(0, 0x0000_0001)                                // HCR.VM
        m.cpu.setR(1, 0x0000_0010)
        m.steps(2)
        XCTAssertEqual(m.cpu.sysregs[SysReg.HCR_EL2], 0x10_0000_0001)
    }

    func testHDFARAndHIFARAreTheHalvesOfFAR_EL2() {
        let m = machine([cp15(4, 0, 6, 0, 0, read: true), cp15(4, 1, 6, 0, 2, read: true)])
        m.cpu.sysregs[SysReg.FAR_EL2] = 0xAAAA_BBBB_CCCC_DDDD
        m.steps(2)
        XCTAssertEqual(m.cpu.r(0), 0xCCCC_DDDD)
        XCTAssertEqual(m.cpu.r(1), 0xAAAA_BBBB)
    }

    func testTVMTrapsAnSCTLRWriteWithTheCP15SyndromeAndAArch32Rt() {
        let m = machine([cp15(0, 3, 1, 0, 0, read: false)], mode: .svc)   // mcr p15, 0, r3, c1, c0, 0
        m.cpu.writeSysReg(.HCR_EL2, HCR.TVM)
        m.steps(1)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x14))
        // EC 0x03, IL, CV, COND 0xE, Opc2 0, Opc1 0, CRn 1, Rt 3 (not its X slot), CRm 0, write.
        XCTAssertEqual(hsr(m), 0x03 << 26 | 1 << 25 | 1 << 24 | 0xE << 20 | 1 << 10 | 3 << 5)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], UInt64(base), "a trapped instruction returns to itself")
    }

    func testHSTRTrapsItsCRn() {
        let m = machine([cp15(0, 0, 13, 0, 1, read: true)], mode: .svc)   // mrc p15, 0, r0, c13, c0, 1
        m.cpu.writeSysReg(.HSTR_EL2, 1 << 13)
        m.steps(1)
        XCTAssertEqual(hsr(m) >> 26, 0x03)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x14))
    }

    func testWFETrapsOnlyWhenItWouldWait() {
        // sev; wfe; wfe with HCR.TWE: the first WFE consumes the event, the second traps.
        let m = machine([0xE320_F004, 0xE320_F002, 0xE320_F002], mode: .svc)
        m.cpu.writeSysReg(.HCR_EL2, HCR.TWE)
        m.steps(2)
        XCTAssertEqual(m.cpu.mode32, .svc)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(hsr(m), 0x01 << 26 | 1 << 25 | 1 << 24 | 0xE << 20 | 1)
    }

    func testVMRSMVFR0TrapsUnderTID3() {
        let m = machine([0xEEF7_5A10], mode: .svc)                 // vmrs r5, mvfr0
        m.cpu.sysregs[SysReg.FPEXC32_EL2] = 1 << 30
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.writeSysReg(.HCR_EL2, HCR.TID3)
        m.steps(1)
        XCTAssertEqual(hsr(m), 0x23E1_DCA1, "EC 0x08, Opc1 7, CRn 7, Rt 5, read")
    }

    func testHCPTRTrapsVFPWithCoproc10() {
        let m = machine([0xEEB0_0A40], mode: .svc)                 // vmov.f32 s0, s0
        m.cpu.sysregs[SysReg.FPEXC32_EL2] = 1 << 30
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.writeSysReg(.CPTR_EL2, CPTR.TFP)                     // HCPTR.TCP10
        m.steps(1)
        XCTAssertEqual(hsr(m), 0x1FE0_000A)
    }

    func testIRQRoutedByIMOTakesTheHypIRQEntry() {
        let m = machine([0xE320_F000], mode: .svc)                 // nop
        m.cpu.writeSysReg(.HCR_EL2, HCR.IMO)
        m.cpu.setInterruptInputs(.irq)
        _ = m.cpu.run(budget: 1)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(m.cpu.pc, UInt64(hvbar + 0x18 + 4), "the IRQ entry, and the budget's one instruction there")
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], UInt64(base), "the instruction not yet executed")
    }

    func testHypTLBMaintenanceIsUndefinedAtPL1() {
        let m = machine([cp15(4, 0, 8, 7, 0, read: false)], mode: .svc)   // TLBIALLH
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base + 0x2000)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
    }

    func testHypStage1TranslatesThroughHTTBR() {
        // HTTBR -> a level-1 table whose entries 0 and 1 are 1 GiB blocks at PA 0x40000000
        // (AttrIndx 0, AF): VA 0 aliases the RAM the code runs from (identity-mapped by entry
        // 1); HTCR.T0SZ = 0; HSCTLR.M on. Then ldr r1, [r0] with r0 = 0x100 reads PA 0x40000100.
        let m = machine([cp15(4, 2, 1, 0, 0, read: false), 0xE590_1000])   // mcr HSCTLR; ldr r1, [r0]
        let table = CoreTestMachine.ramBase + 0x4000
        _ = m.bus.write(table, size: 8, value: 0x4000_0000 | 1 << 10 | 0b01)
        _ = m.bus.write(table + 8, size: 8, value: 0x4000_0000 | 1 << 10 | 0b01)
        _ = m.bus.write(CoreTestMachine.ramBase + 0x100, size: 4, value: 0xCAFE_F00D)
        m.cpu.writeSysReg(.TTBR0_EL2, table)
        m.cpu.writeSysReg(.TCR_EL2, 0x8000_0000)                  // HTCR: EAE (RES1), T0SZ 0
        m.cpu.writeSysReg(.MAIR_EL2, 0xFF)
        m.cpu.setR(2, UInt32(truncatingIfNeeded: HypMode.hsctlrReset | SCTLR.M))
        m.cpu.setR(0, 0x100)
        m.steps(2)
        XCTAssertEqual(m.cpu.r(1), 0xCAFE_F00D)
    }

    func testAArch32VTCRHasASignedT0SZ() {
        let m = machine([])
        m.cpu.sysregs[SysReg.VTCR_EL2] = 0x8000_3558               // Xen's: T0SZ = -8 (S = 1), SL0 = 1
        XCTAssertEqual(m.cpu.stage2VTCR() & 0x3F, 24, "a 40-bit IPA")
        XCTAssertEqual(m.cpu.stage2VTCR() >> 6 & 3, 1, "SL0 kept")
        m.cpu.sysregs[SysReg.VTCR_EL2] = 0
        XCTAssertEqual(m.cpu.stage2VTCR() & 0x3F, 32, "a 32-bit IPA")
    }

    func testATS1HRWritesALongDescriptorPAR() {
        let m = machine([cp15(4, 0, 7, 8, 0, read: false)])        // ATS1HR r0
        m.cpu.setR(0, 0x4000_1234)
        m.steps(1)
        // Hyp stage 1 off: the VA is the PA; PAR in the long format (bit 11, LPAE).
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1] & 0xFFFF_F000, 0x4000_1000)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1] >> 11 & 1, 1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1] & 1, 0)
    }
}

extension HypModeTests {
    func testARMv8AArch32AdditionsAreUndefinedOnTheCortexA15() {
        // crc32w r0, r1, r2 (cond AL), at PL1: the Undefined Instruction exception.
        let m = machine([0xE142_0042], mode: .svc)
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base + 0x2000)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
    }
}
