import XCTest
@testable import ARMCore

final class SystemInstructionTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    func testCurrentELAndVirtualizedIDs() {
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.VPIDR_EL2] = 0x1111
        m.cpu.sysregs[SysReg.VMPIDR_EL2] = 0x8000_0003
        m.program([0xD538_4240, 0xD538_0001, 0xD538_00A2])  // mrs x0, currentel; mrs x1, midr_el1; mrs x2, mpidr_el1
        m.steps(3)
        XCTAssertEqual(m.cpu.x[0], 1 << 2)
        XCTAssertEqual(m.cpu.x[1], 0x1111, "EL1 reads VPIDR_EL2 as MIDR")
        XCTAssertEqual(m.cpu.x[2], 0x8000_0003)
        let m2 = CoreTestMachine(el: 2)
        m2.program([0xD538_0001])           // mrs x1, midr_el1
        m2.steps(1)
        XCTAssertEqual(m2.cpu.x[1], 0x411F_D070, "EL2 reads the real MIDR")
    }

    func testEL2RegistersAreUndefinedBelowEL2AndWithoutEL2() {
        let m = CoreTestMachine(el: 1)
        m.program([0xD53C_1108])            // mrs x8, hcr_el2
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0)
        XCTAssertEqual(m.cpu.pc, 0x200)
        let m2 = CoreTestMachine(el: 1, hasEL2: false)
        m2.program([0xD51C_1109])           // msr hcr_el2, x9
        m2.steps(1)
        XCTAssertEqual(m2.esrEC, 0)
    }

    func testReservedIDSpaceReadsZeroAndUnknownRegisterIsUndefined() {
        let m = CoreTestMachine(el: 1)
        m.cpu.x[6] = 99; m.cpu.x[7] = 99
        m.program([0xD538_0486, 0xD538_0767, 0xD538_F000])  // mrs x6, id_aa64zfr0_el1; mrs x7, s3_0_c0_c7_3; mrs x0, s3_0_c15_c0_0
        m.steps(2)
        XCTAssertEqual(m.cpu.x[6], 0)
        XCTAssertEqual(m.cpu.x[7], 0)
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0)
    }

    func testTID3TrapsIDRegisterReadsToEL2WithSyndrome() {
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TID3
        m.program([0xD538_0486])            // mrs x6, id_aa64zfr0_el1 (op0 3, op1 0, CRn 0, CRm 4, op2 4)
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        let esr = m.cpu.sysregs[SysReg.ESR_EL2]
        XCTAssertEqual(esr >> 26, 0x18)
        XCTAssertEqual(esr & 0x1FF_FFFF, 3 << 20 | 4 << 17 | 0 << 14 | 0 << 10 | 6 << 5 | 4 << 1 | 1)
    }

    func testTVMTrapsWritesButNotReads() {
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TVM
        m.program([0xD518_1003])            // msr sctlr_el1, x3
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL2] & 1, 0, "direction: write")
    }

    func testCTRAtEL0TrapsUnlessUCT() {
        let m = CoreTestMachine(el: 0)
        m.program([0xD53B_0023])            // mrs x3, ctr_el0
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.esrEC, 0x18)
        let m2 = CoreTestMachine(el: 0)
        m2.cpu.sysregs[SysReg.SCTLR_EL1] |= SCTLR.UCT
        m2.program([0xD53B_0023])
        m2.steps(1)
        XCTAssertEqual(m2.cpu.x[3], 0x8444_C004)
    }

    func testNZCVAndDAIFMoves() {
        let m = CoreTestMachine(el: 1)
        m.cpu.x[12] = 0x9000_0000
        m.program([0xD51B_420C, 0xD53B_420B, 0xD503_4FFF, 0xD503_42DF])  // msr nzcv, x12; mrs x11, nzcv; msr daifclr, #0xf; msr daifset, #2
        m.steps(2)
        XCTAssertEqual(m.cpu.x[11], 0x9000_0000)
        XCTAssertTrue(m.cpu.conditionHolds(4))  // MI
        m.steps(1)
        XCTAssertEqual(m.cpu.daif, 0)
        m.steps(1)
        XCTAssertEqual(m.cpu.daif, 0x80, "I masked")
    }

    func testSPSelSwitchesStackAndGuardsSP_EL0() {
        let m = CoreTestMachine(el: 1)
        m.cpu.x[Int(Reg.sp)] = 0x4001_0000
        m.cpu.setStackPointer(el: 0, 0x4000_8000)
        m.program([0xD500_40BF, 0xD538_410D])  // msr spsel, #0; mrs x13, sp_el0
        m.steps(1)
        XCTAssertEqual(m.cpu.x[Int(Reg.sp)], 0x4000_8000)
        XCTAssertEqual(m.cpu.stackPointer(el: 1), 0x4001_0000)
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0, "SP_EL0 is UNDEFINED as a register while it is the stack pointer")
    }

    func testDCZVAZeroesItsAlignedBlock() {
        let m = CoreTestMachine(el: 1)
        for a in stride(from: base + 0x800, to: base + 0x900, by: 8) { _ = m.bus.write(a, size: 8, value: ~0) }
        m.cpu.x[4] = base + 0x84C
        m.program([0xD50B_7424, 0xD53B_00E1])  // dc zva, x4; mrs x1, dczid_el0
        m.steps(2)
        XCTAssertEqual(m.cpu.x[1], 4, "64-byte blocks, permitted at EL1")
        XCTAssertEqual(m.bus.read(base + 0x83F, size: 1), 0xFF)
        for a in stride(from: base + 0x840, to: base + 0x880, by: 8) { XCTAssertEqual(m.bus.read(a, size: 8), 0) }
        XCTAssertEqual(m.bus.read(base + 0x880, size: 1), 0xFF)
    }

    func testDCZVAOverCodeInvalidatesTheDecodeCache() {
        let m = CoreTestMachine(el: 1)
        // The block at +0x40 first holds a BRK; DC ZVA turns it into UDF #0 (all zeroes).
        m.program([0xD420_0060], at: base + 0x40)   // brk #3
        m.program([0xD61F_00E0])                   // br x7
        m.cpu.x[7] = base + 0x40
        m.steps(2)
        XCTAssertEqual(m.esrEC, 0x3C)
        m.cpu.boot(entry: base + 0x100, el: 1)
        m.cpu.x[4] = base + 0x40
        m.cpu.x[7] = base + 0x40
        m.program([0xD50B_7424, 0xD61F_00E0], at: base + 0x100)  // dc zva, x4; br x7
        m.steps(3)
        XCTAssertEqual(m.esrEC, 0, "the zeroed word decodes as UDF")
    }

    func testWFIWaitsAndTWITrapsToEL2() {
        let m = CoreTestMachine(el: 1)
        m.program([0xD503_207F])            // wfi
        XCTAssertEqual(m.cpu.run(budget: 10), .waitingForInterrupt)
        XCTAssertEqual(m.cpu.pc, base + 4)
        let m2 = CoreTestMachine(el: 1)
        m2.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TWI
        m2.program([0xD503_207F])
        m2.steps(1)
        XCTAssertEqual(m2.cpu.el, 2)
        XCTAssertEqual(m2.cpu.sysregs[SysReg.ESR_EL2], 0x01 << 26 | 1 << 25 | 1 << 24 | 0xE << 20)
        XCTAssertEqual(m2.cpu.sysregs[SysReg.ELR_EL2], base, "a trapped WFI returns to itself")
    }

    func testWFEConsumesAPendingEvent() {
        let m = CoreTestMachine(el: 1)
        m.program([0xD503_20BF, 0xD503_205F, 0xD503_205F])  // sevl; wfe; wfe
        XCTAssertEqual(m.cpu.run(budget: 10), .waitingForInterrupt)
        XCTAssertEqual(m.cpu.pc, base + 12, "the first WFE falls through, the second waits")
    }

    func testOSLockAndCNTFRQWriteRules() {
        let m = CoreTestMachine(el: 1)
        m.cpu.x[0] = 0
        m.cpu.x[1] = 1_000_000
        m.program([0xD510_1080, 0xD51B_E001])  // msr oslar_el1, x0; msr cntfrq_el0, x1
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.OSLSR_EL1] & 2, 0, "OS lock released")
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0, "CNTFRQ_EL0 is writable only at the highest EL (EL2 here)")
    }

    func testSystemRegisterTableMatchesEnumAndHasNoDuplicateEncodings() {
        XCTAssertEqual(SysReg.table.count, SysReg.allCases.count)
        var seen: [UInt16: String] = [:]
        for (i, info) in SysReg.table.enumerated() {
            XCTAssertEqual(info.reg.rawValue, i, "table row \(i) is \(info.name)")
            XCTAssertEqual(info.name, String(describing: SysReg.allCases[i]))
            if info.reg == .ID_RESERVED { continue }
            XCTAssertNil(seen[info.key], "\(info.name) shares its encoding with \(seen[info.key] ?? "")")
            seen[info.key] = info.name
        }
    }

    func testAArch32ViewsHaveDistinctEncodingsAndNames() {
        var seen: [String: String] = [:]
        for info in SysReg.table {
            for v in info.aarch32 {
                let k = "\(v.is64 ? "64" : "32"):\(v.coproc):\(v.opc1):\(v.crn):\(v.crm):\(v.opc2)"
                XCTAssertNil(seen[k], "\(v.name) shares its encoding with \(seen[k] ?? "")")
                seen[k] = v.name
            }
        }
        // MRC p15, 0, <Rt>, c6, c0, 2 is IFAR, the high half of FAR_EL1; p14 c1 c0 4 is DBGOSLAR.
        XCTAssertEqual(CPU.coprocessorRegisterName(coproc: 15, opc1: 0, crn: 6, crm: 0, opc2: 2), "IFAR")
        XCTAssertEqual(SysReg.FAR_EL1.info.aarch32.map(\.part), [.low, .high])
        XCTAssertEqual(CPU.coprocessorRegisterName(coproc: 14, opc1: 0, crn: 1, crm: 0, opc2: 4), "DBGOSLAR")
        XCTAssertEqual(CPU.coprocessorRegisterName(coproc: 15, opc1: 0, crn: 7, crm: 5, opc2: 4), "CP15ISB")
    }
}
