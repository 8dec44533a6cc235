import XCTest
@testable import ARMCore

/// PMUv3 (ARM DDI 0487, D11 and D13.4): the registers as MRS/MSR see them, exact counting of
/// retired instructions, EL filtering, the overflow point and interrupt, EL0 access through
/// PMUSERENR_EL0, and EL2's controls in MDCR_EL2 (HPMN, HPME, TPM, TPMCR).
final class PMUTests: XCTestCase {
    let base = CoreTestMachine.ramBase
    static let nop: UInt32 = 0xD503_201F

    /// MRS Xt / MSR Xt of the op0 = 3 register op1, CRn, CRm, op2.
    func mrs(_ rt: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32) -> UInt32 {
        0xD538_0000 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt
    }
    func msr(_ rt: UInt32, _ op1: UInt32, _ crn: UInt32, _ crm: UInt32, _ op2: UInt32) -> UInt32 {
        0xD518_0000 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt
    }
    var mrsPMCCNTR: UInt32 { mrs(0, 3, 9, 13, 0) }
    var mrsPMEVCNTR0: UInt32 { mrs(2, 3, 14, 8, 0) }
    var msrPMCNTENSET: UInt32 { msr(1, 3, 9, 12, 1) }

    /// A machine at `el` with event counter 0 counting `event` under `filter` and PMCR_EL0.E set,
    /// not yet enabled in PMCNTENSET.
    func machine(el: UInt8 = 1, event: UInt64 = 0x08, filter: UInt64 = 0) -> CoreTestMachine {
        let m = CoreTestMachine(el: el)
        m.cpu.writeSysReg(.PMEVTYPER0_EL0, filter | event)
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E)
        return m
    }

    func testIdentificationAndPMCR() {
        let m = CoreTestMachine(el: 2)
        XCTAssertEqual(m.cpu.readSysReg(.ID_AA64DFR0_EL1) >> 8 & 0xF, 1, "PMUVer = PMUv3")
        XCTAssertEqual(m.cpu.readSysReg(.ID_DFR0_EL1) >> 24 & 0xF, 3, "AArch32 PerfMon = PMUv3")
        let pmcr = m.cpu.readSysReg(.PMCR_EL0)
        XCTAssertEqual(pmcr >> 24, 0x41, "IMP: Arm")
        XCTAssertEqual(pmcr >> 11 & 0x1F, 6, "N: six event counters")
        XCTAssertEqual(m.cpu.readSysReg(.PMCEID0_EL0), 0x0002_67C1,
                       "SW_INCR, LD/ST_RETIRED, INST_RETIRED, EXC_TAKEN, EXC_RETURN, BR_IMMED/BR_RETURN_RETIRED, CPU_CYCLES")
        XCTAssertEqual(m.cpu.readSysReg(.PMCEID1_EL0), 1 << 1, "BR_RETIRED")
        // P and C are actions and read as zero; X is RAZ/WI.
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E | PMU.resetEvents | PMU.resetCycles | 1 << 4 | PMU.LC)
        XCTAssertEqual(m.cpu.readSysReg(.PMCR_EL0) & 0xFF, PMU.E | PMU.LC)
    }

    func testInstructionsRetiredExactly() {
        // msr pmcntenset_el0, x1; 10 nops; mrs x2, pmevcntr0_el0: the MSR and the nops count.
        let m = machine()
        m.cpu.x[1] = 1
        m.program([msrPMCNTENSET] + Array(repeating: Self.nop, count: 10) + [mrsPMEVCNTR0])
        _ = m.cpu.run(budget: 12)
        XCTAssertEqual(m.cpu.x[2], 11)
        XCTAssertEqual(m.cpu.readSysReg(.PMEVCNTR0_EL0), 12, "and the MRS itself, read after it")
    }

    func testCycleCounterIsRetiredInstructionsAndDividesBy64() {
        let m = CoreTestMachine(el: 1)
        m.cpu.writeSysReg(.PMCNTENSET_EL0, PMU.cycleCounterBit)
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E | PMU.D)
        m.program(Array(repeating: Self.nop, count: 200))
        _ = m.cpu.run(budget: 130)
        XCTAssertEqual(m.cpu.readSysReg(.PMCCNTR_EL0), 2, "130 cycles over 64")
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E | PMU.resetCycles)
        _ = m.cpu.run(budget: 50)
        XCTAssertEqual(m.cpu.readSysReg(.PMCCNTR_EL0), 50)
    }

    func testEventCountersFilterByEL() {
        // P excludes EL1, U EL0, NSH includes EL2.
        for (el, filter, counts) in [(UInt8(1), PMU.excludeEL1, false), (1, PMU.excludeEL0, true),
                                     (2, 0, false), (2, PMU.includeEL2, true)] {
            let m = machine(el: el, filter: filter)
            m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
            m.program(Array(repeating: Self.nop, count: 20))
            _ = m.cpu.run(budget: 20)
            XCTAssertEqual(m.cpu.readSysReg(.PMEVCNTR0_EL0), counts ? 20 : 0, "EL\(el), filter 0x\(String(filter, radix: 16))")
        }
    }

    func testExceptionEventsCountAtTheELTheyLeave() {
        // svc #0 at EL1 to EL1's vector, whose ERET returns: one EXC_TAKEN, one EXC_SVC, one
        // EXC_RETURN; CPU_CYCLES counts both instructions.
        let m = CoreTestMachine(el: 1)
        for (n, event) in [PMU.Event.exceptionTaken, .svc, .exceptionReturn, .cpuCycles, .hvc].enumerated() {
            m.cpu.writeSysReg(SysReg(rawValue: SysReg.PMEVTYPER0_EL0.rawValue + n)!, event.rawValue)
        }
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 0x1F)
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        m.program([0xD400_0001, Self.nop])                       // svc #0
        m.program([0xD69F_03E0], at: base + 0x800 + 0x200)       // eret
        _ = m.cpu.run(budget: 2)
        XCTAssertEqual(m.cpu.pc, base + 4)
        let counts = (0..<5).map { m.cpu.readSysReg(SysReg(rawValue: SysReg.PMEVCNTR0_EL0.rawValue + $0)!) }
        XCTAssertEqual(counts, [1, 1, 1, 2, 0])
    }

    func testSoftwareIncrement() {
        let m = machine(event: 0x00)
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
        m.cpu.writeSysReg(.PMSWINC_EL0, 1)
        m.cpu.writeSysReg(.PMSWINC_EL0, 3)
        XCTAssertEqual(m.cpu.readSysReg(.PMEVCNTR0_EL0), 2)
        m.cpu.writeSysReg(.PMCNTENCLR_EL0, 1)
        m.cpu.writeSysReg(.PMSWINC_EL0, 1)
        XCTAssertEqual(m.cpu.readSysReg(.PMEVCNTR0_EL0), 2, "a disabled counter does not count")
    }

    func testOverflowEndsTheTurnAndRaisesTheInterrupt() {
        let m = machine()
        var levels: [(UInt64, Bool)] = []
        m.cpu.pmuInterruptChanged = { cpu, level in levels.append((cpu.instret, level)) }
        m.cpu.writeSysReg(.PMEVCNTR0_EL0, 0xFFFF_FFFF - 4)
        m.cpu.writeSysReg(.PMINTENSET_EL1, 1)
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
        m.program(Array(repeating: Self.nop, count: 40))
        XCTAssertEqual(m.cpu.run(budget: 30), .budget)
        XCTAssertEqual(m.cpu.instret, 5, "the turn ends where the counter wraps")
        XCTAssertEqual(levels.map(\.0), [5])
        XCTAssertEqual(levels.map(\.1), [true])
        XCTAssertEqual(m.cpu.readSysReg(.PMOVSSET_EL0), 1)
        XCTAssertEqual(m.cpu.readSysReg(.PMEVCNTR0_EL0), 0)
        m.cpu.writeSysReg(.PMOVSCLR_EL0, 1)
        XCTAssertEqual(levels.last?.1, false, "clearing the flag drops the level")
    }

    func testAnOverflowPointMovedNearerMidTurnIsKept() {
        // The program itself writes the counter to 2 short of the wrap, with the interrupt on.
        let m = machine()
        var at: [UInt64] = []
        m.cpu.pmuInterruptChanged = { cpu, level in if level { at.append(cpu.instret) } }
        m.cpu.writeSysReg(.PMINTENSET_EL1, 1)
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
        m.cpu.x[3] = 0xFFFF_FFFF - 2
        m.program([Self.nop, Self.nop, msr(3, 3, 14, 8, 0)] + Array(repeating: Self.nop, count: 40))
        _ = m.cpu.run(budget: 40)
        XCTAssertEqual(at, [5], "the MSR at 2 starts the count at 3 short of 2^32: the wrap is at 5")
    }

    func testEL0AccessFollowsPMUSERENR() {
        let m = CoreTestMachine(el: 0)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        m.program([mrsPMCCNTR])
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.esrEC, 0x18, "trapped to EL1 as a system register access")

        let ok = CoreTestMachine(el: 0)
        ok.cpu.sysregs[SysReg.PMUSERENR_EL0] = 1 << 2     // CR: cycle counter reads
        ok.program([mrsPMCCNTR, msr(0, 3, 9, 13, 0)])
        ok.steps(1)
        XCTAssertEqual(ok.cpu.el, 0, "CR lets EL0 read PMCCNTR_EL0")
        ok.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        ok.steps(1)
        XCTAssertEqual(ok.cpu.el, 1, "but not write it")
    }

    func testHPMNPartitionsTheCounters() {
        let m = CoreTestMachine(el: 1)
        m.cpu.writeSysReg(.MDCR_EL2, 4 | MDCR.HPME)
        XCTAssertEqual(m.cpu.readSysReg(.PMCR_EL0) >> 11 & 0x1F, 4, "N reads HPMN below EL2")
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 0x3F)
        XCTAssertEqual(m.cpu.readSysReg(.PMCNTENSET_EL0), 0xF, "counters 4 and 5 are EL2's")
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        m.program([mrs(0, 3, 14, 8, 4)])                   // mrs x0, pmevcntr4_el0
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0, "UNDEFINED at EL1")

        // EL2's counter 4 runs with HPME even while PMCR_EL0.E is clear.
        let h = CoreTestMachine(el: 2)
        h.cpu.writeSysReg(.PMEVTYPER4_EL0, PMU.includeEL2 | 0x08)
        h.cpu.writeSysReg(.PMCNTENSET_EL0, 1 << 4)
        h.cpu.writeSysReg(.MDCR_EL2, 4 | MDCR.HPME)
        h.program(Array(repeating: Self.nop, count: 10))
        _ = h.cpu.run(budget: 10)
        XCTAssertEqual(h.cpu.readSysReg(.PMEVCNTR4_EL0), 10)
    }

    func testTPMAndTPMCRTrapToEL2() {
        func esr(_ word: UInt32, mdcr: UInt64) -> UInt64? {
            let m = CoreTestMachine(el: 1)
            m.cpu.sysregs[SysReg.VBAR_EL2] = base + 0x2000
            m.cpu.writeSysReg(.HCR_EL2, HCR.RW)
            m.cpu.writeSysReg(.MDCR_EL2, 6 | mdcr)
            m.program([word])
            m.steps(1)
            return m.cpu.el == 2 ? m.cpu.sysregs[SysReg.ESR_EL2] : nil
        }
        let mrsPMCR = mrs(0, 3, 9, 12, 0), mrsPMCNTENSET = mrs(0, 3, 9, 12, 1)
        XCTAssertNil(esr(mrsPMCR, mdcr: 0))
        // EC 0x18, IL, Op0 3, Op1 3, CRn 9, CRm 12, read.
        XCTAssertEqual(esr(mrsPMCR, mdcr: MDCR.TPMCR), 0x18 << 26 | 1 << 25 | 3 << 20 | 3 << 14 | 9 << 10 | 12 << 1 | 1)
        XCTAssertNil(esr(mrsPMCNTENSET, mdcr: MDCR.TPMCR), "TPMCR is PMCR_EL0 alone")
        XCTAssertNotNil(esr(mrsPMCNTENSET, mdcr: MDCR.TPM))
        XCTAssertNotNil(esr(mrsPMCCNTR, mdcr: MDCR.TPM))
    }

    func testAArch32ViewsAreTheAArch64Registers() {
        // MRC p15, 0, Rt, c9, c12, 0 is PMCR; MRRC p15, 0, Rt, Rt2, c9 is the whole PMCCNTR.
        XCTAssertEqual(CP15.byKey[15 << 16 | 0 << 12 | 9 << 8 | 12 << 4 | 0]?.reg, .PMCR_EL0)
        XCTAssertEqual(CP15.byKey[15 << 16 | 0 << 12 | 9 << 8 | 13 << 4 | 0]?.reg, .PMCCNTR_EL0)
        XCTAssertEqual(CP15.byKey[15 << 16 | 0 << 12 | 9 << 8 | 13 << 4 | 2]?.reg, .PMXEVCNTR_EL0)
        XCTAssertEqual(CP15.byKey[15 << 16 | 0 << 12 | 9 << 8 | 14 << 4 | 1]?.reg, .PMINTENSET_EL1)
        XCTAssertEqual(CP15.byKey64[15 << 8 | 0 << 4 | 9]?.reg, .PMCCNTR_EL0)
        // The Cortex-A15's PMCR: IMP Arm, IDCODE 0x0F, six counters.
        var c = CPUConfig()
        c.identification = .cortexA15
        let m = CoreTestMachine(el: 1, config: c)
        XCTAssertEqual(m.cpu.readSysReg(.PMCR_EL0) >> 11, 0x41 << 13 | 0x0F << 5 | 6)
    }

    func testCortexA15ReachesThePMUThroughCP15() {
        // In SVC mode: MRC PMCR; MCR PMCNTENSET (r1 = the cycle counter); four instructions;
        // MRRC of the whole PMCCNTR into r2, r3. Then HDCR.TPM traps the MRC to Hyp mode (HSR EC 0x03).
        var config = CPUConfig()
        config.identification = .cortexA15
        let m = CoreTestMachine(el: 2, config: config)
        m.cpu.bootAArch32(entry: UInt32(base), mode: .svc)
        m.cpu.sysregs[SysReg.VBAR_EL2] = base + 0x1000
        m.cpu.writeSysReg(.PMCR_EL0, PMU.E)
        m.cpu.setR(1, 1 << 31)
        let nop32: UInt32 = 0xE320_F000
        m.program([0xEE19_0F1C, 0xEE09_1F3C, nop32, nop32, nop32, nop32, 0xEC53_2F09, 0xEE19_0F1C])
        m.steps(7)
        XCTAssertEqual(m.cpu.r(0), 0x410F_3001, "PMCR: Arm, Cortex-A15, N = 6, E")
        XCTAssertEqual(m.cpu.r(2), 5, "the MCR and four instructions, read by the MRRC")
        XCTAssertEqual(m.cpu.r(3), 0)
        m.cpu.writeSysReg(.MDCR_EL2, 6 | MDCR.TPM)
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .hyp)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL2] >> 26, 0x03, "a trapped MCR/MRC to CP15")
    }

    func testOffCostsNothingOnTheRunLoop() {
        // With no counter enabled no overflow point exists, so `run` is not cut.
        let m = CoreTestMachine(el: 1)
        m.program(Array(repeating: Self.nop, count: 100))
        XCTAssertEqual(m.cpu.pmu.overflowAt, .max)
        _ = m.cpu.run(budget: 100)
        XCTAssertEqual(m.cpu.instret, 100)
        XCTAssertFalse(m.cpu.pmu.live)
    }
}
