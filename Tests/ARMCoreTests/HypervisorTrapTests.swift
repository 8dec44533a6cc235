import XCTest
@testable import ARMCore

/// EL2 trap controls beyond the ID and VM groups: each traps EL1's instruction to EL2 with
/// EC 0x18 and the instruction's encoding in the ISS (ARM DDI 0487, D13.2.48 HCR_EL2,
/// D13.2.78 MDCR_EL2, D13.2.32 CPTR_EL2, D17.2.37 ISS for EC 0x18).
final class HypervisorTrapTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    /// Runs `word` at EL1 with the given control register set, returns ESR_EL2 if it trapped.
    func trapped(_ word: UInt32, hcr: UInt64 = 0, mdcr: UInt64 = 0, cptr: UInt64 = 0) -> UInt64? {
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.VBAR_EL2] = base + 0x2000
        m.cpu.writeSysReg(.HCR_EL2, hcr | HCR.RW)
        m.cpu.writeSysReg(.MDCR_EL2, mdcr)
        m.cpu.writeSysReg(.CPTR_EL2, cptr)
        m.cpu.x[1] = base + 0x8000
        m.program([word])
        m.steps(1)
        guard m.cpu.el == 2 else { return nil }
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], base, "a trapped instruction returns to itself")
        return m.cpu.sysregs[SysReg.ESR_EL2]
    }

    /// ESR for EC 0x18: Op0 21..20, Op2 19..17, Op1 16..14, CRn 13..10, Rt 9..5, CRm 4..1, read 0.
    func sysESR(op0: UInt64, op1: UInt64, crn: UInt64, crm: UInt64, op2: UInt64, rt: UInt64, read: Bool) -> UInt64 {
        0x18 << 26 | 1 << 25 | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1 : 0)
    }

    func testTTLBTrapsTLBI() {
        XCTAssertNil(trapped(0xD508_871F))                                  // tlbi vmalle1
        XCTAssertEqual(trapped(0xD508_871F, hcr: HCR.TTLB),
                       sysESR(op0: 1, op1: 0, crn: 8, crm: 7, op2: 0, rt: 31, read: false))
    }

    func testTPCTrapsCleanToPointOfCoherency() {
        XCTAssertNil(trapped(0xD50B_7E21))                                  // dc civac, x1
        XCTAssertEqual(trapped(0xD50B_7E21, hcr: HCR.TPC),
                       sysESR(op0: 1, op1: 3, crn: 7, crm: 14, op2: 1, rt: 1, read: false))
    }

    func testTSWTrapsSetWayMaintenance() {
        XCTAssertNil(trapped(0xD508_7A41))                                  // dc csw, x1
        XCTAssertEqual(trapped(0xD508_7A41, hcr: HCR.TSW),
                       sysESR(op0: 1, op1: 0, crn: 7, crm: 10, op2: 2, rt: 1, read: false))
    }

    func testTPUTrapsInstructionCacheInvalidate() {
        XCTAssertNil(trapped(0xD508_751F))                                  // ic iallu
        XCTAssertNotNil(trapped(0xD508_751F, hcr: HCR.TPU))
    }

    func testTIDCPTrapsImplementationDefinedRegistersElseUndefined() {
        // mrs x0, s3_0_c15_c0_0: not a register of this CPU.
        XCTAssertNil(trapped(0xD538_F000), "UNDEFINED at EL1 without TIDCP")
        XCTAssertEqual(trapped(0xD538_F000, hcr: HCR.TIDCP),
                       sysESR(op0: 3, op1: 0, crn: 15, crm: 0, op2: 0, rt: 0, read: true))
    }

    func testMDCRTDATrapsDebugRegisters() {
        XCTAssertNil(trapped(0xD530_0240))                                  // mrs x0, mdscr_el1
        XCTAssertEqual(trapped(0xD530_0240, mdcr: MDCR.TDA),
                       sysESR(op0: 2, op1: 0, crn: 0, crm: 2, op2: 2, rt: 0, read: true))
        XCTAssertNotNil(trapped(0xD530_0240, mdcr: MDCR.TDE), "TDE implies TDA")
    }

    func testMDCRTDOSATrapsTheOSLock() {
        XCTAssertNil(trapped(0xD510_1080))                                  // msr oslar_el1, x0
        XCTAssertNotNil(trapped(0xD510_1080, mdcr: MDCR.TDOSA))
        XCTAssertNil(trapped(0xD510_1080, mdcr: MDCR.TDA), "TDA does not cover the OS lock")
    }

    func testCPTRTCPACTrapsCPACR() {
        XCTAssertNil(trapped(0xD538_1040))                                  // mrs x0, cpacr_el1
        XCTAssertEqual(trapped(0xD538_1040, cptr: CPTR.TCPAC),
                       sysESR(op0: 3, op1: 0, crn: 1, crm: 0, op2: 2, rt: 0, read: true))
    }

    func testEL1ReadsTheVirtualIdentityRegisters() {
        let m = CoreTestMachine(el: 1)
        m.cpu.writeSysReg(.VPIDR_EL2, 0x410F_D034)
        m.cpu.writeSysReg(.VMPIDR_EL2, 0x8000_0102)
        m.program([0xD538_0000, 0xD538_00A1])   // mrs x0, midr_el1; mrs x1, mpidr_el1
        m.steps(2)
        XCTAssertEqual(m.cpu.x[0], 0x410F_D034)
        XCTAssertEqual(m.cpu.x[1], 0x8000_0102)
    }
}
