import XCTest
@testable import ARMCore

/// The PMU events of instruction classes (PMUEvents.swift): LD_RETIRED, ST_RETIRED, BR_RETIRED,
/// BR_IMMED_RETIRED, BR_RETURN_RETIRED in A64, A32 and T32; what does not count (a faulting load,
/// an AArch32 instruction that fails its condition); the EL filter and the arming flag that
/// sends instructions through the full path only while such a counter counts; the overflow
/// interrupt at the instruction that wraps the counter.
final class PMUEventTests: XCTestCase {
    let base = CoreTestMachine.ramBase
    static let nop: UInt32 = 0xD503_201F
    static let ld: UInt64 = 0x06, st: UInt64 = 0x07, br: UInt64 = 0x21, brImmed: UInt64 = 0x0D, ret: UInt64 = 0x0E
    static let instRetired: UInt64 = 0x08

    /// MSR PMCNTENSET_EL0, Xt.
    func msrPMCNTENSET(_ rt: UInt32) -> UInt32 { 0xD518_0000 | 3 << 16 | 9 << 12 | 12 << 8 | 1 << 5 | rt }

    /// Counter n counts events[n] (with `filter`); PMCR_EL0.E set, nothing enabled yet.
    func setUp(_ cpu: CPU, _ events: [UInt64], filter: UInt64 = 0) {
        for (n, e) in events.enumerated() { cpu.writeSysReg(SysReg(rawValue: SysReg.eventType(n))!, filter | e) }
        cpu.writeSysReg(.PMCR_EL0, PMU.E)
    }
    func counter(_ cpu: CPU, _ n: Int) -> UInt64 { cpu.readSysReg(SysReg(rawValue: SysReg.eventCounter(n))!) }

    func testPMCEIDAdvertisesTheClassEvents() {
        let m = CoreTestMachine(el: 1)
        // 0x00, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x0E, 0x11; and 0x21 in PMCEID1.
        XCTAssertEqual(m.cpu.readSysReg(.PMCEID0_EL0), 0x0002_67C1)
        XCTAssertEqual(m.cpu.readSysReg(.PMCEID1_EL0), 1 << 1)
    }

    func testA64LoadsStoresAndBranchesExactly() {
        // msr pmcntenset_el0, x5; 10 x {ldr x2, [x4]; str x2, [x4, #8]; ldp x2, x3, [x4]; subs; b.ne};
        // bl f; b end; f: ret; end: nop.
        let m = CoreTestMachine(el: 1)
        setUp(m.cpu, [Self.ld, Self.st, Self.br, Self.brImmed, Self.ret, Self.instRetired])
        m.cpu.x[1] = 10
        m.cpu.x[4] = base + 0x1000
        m.cpu.x[5] = 0x3F
        m.program([msrPMCNTENSET(5), 0xF940_0082, 0xF900_0482, 0xA940_0C82, 0xF100_0421, 0x54FF_FF81,
                   0x9400_0002, 0x1400_0002, 0xD65F_03C0, Self.nop])
        XCTAssertEqual(m.cpu.run(budget: 55), .budget)
        XCTAssertEqual(m.cpu.pc, base + 0x28, "ran past the last NOP")
        XCTAssertEqual(counter(m.cpu, 0), 20, "LD_RETIRED: LDR and LDP, one each per iteration")
        XCTAssertEqual(counter(m.cpu, 1), 10, "ST_RETIRED")
        XCTAssertEqual(counter(m.cpu, 2), 13, "BR_RETIRED: ten B.NE (the last not taken), BL, B, RET")
        XCTAssertEqual(counter(m.cpu, 3), 12, "BR_IMMED_RETIRED: B.NE, BL, B")
        XCTAssertEqual(counter(m.cpu, 4), 1, "BR_RETURN_RETIRED: RET")
        XCTAssertEqual(counter(m.cpu, 5), 55, "INST_RETIRED still exact on the full path")
    }

    func testAFaultingLoadDoesNotCount() {
        // ldr x2, [x6] with nothing at x6: a synchronous external abort, not architecturally executed.
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        setUp(m.cpu, [Self.ld])
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
        m.cpu.x[6] = 0x1000
        m.cpu.x[4] = base + 0x1000
        m.program([0xF940_00C2, 0xF940_0082])
        m.program([0xF940_0082], at: base + 0x800 + 0x200)   // the current-EL sync vector loads
        m.steps(2)
        XCTAssertEqual(m.esrEC, 0x25, "a Data Abort from the current EL")
        XCTAssertEqual(counter(m.cpu, 0), 1, "the vector's load counts, the aborted one does not")
    }

    func testWithDebugEventsArmedTooAStoppedLoadDoesNotCount() {
        // gdb's breakpoint on the second of two loads: the stop is before it, so it does not
        // retire and does not count; stepping over it then counts it once.
        let m = CoreTestMachine(el: 1)
        setUp(m.cpu, [Self.ld])
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 1)
        m.cpu.x[4] = base + 0x1000
        m.program([0xF940_0082, 0xF940_0082, Self.nop])
        m.cpu.externalDebug.breakpoints = [base + 4]
        m.cpu.updateDebugArmed()
        XCTAssertTrue(m.cpu.debugArmed && m.cpu.pmu.armed)
        m.steps(2)
        XCTAssertEqual(m.cpu.pc, base + 4, "stopped at the breakpoint")
        XCTAssertEqual(counter(m.cpu, 0), 1)
        m.cpu.externalDebug.skipOnce = base + 4
        m.steps(1)
        XCTAssertEqual(counter(m.cpu, 0), 2)
    }

    func testArmedOnlyAtTheELsItCounts() {
        // Counter 0: LD_RETIRED at EL0 only. EL1 enables it and ERETs to two loads and an SVC.
        let m = CoreTestMachine(el: 1)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        setUp(m.cpu, [Self.ld], filter: PMU.excludeEL1)
        m.cpu.x[1] = 1
        m.cpu.x[4] = base + 0x1000
        m.cpu.sysregs[SysReg.ELR_EL1] = base + 0x100
        m.cpu.sysregs[SysReg.SPSR_EL1] = 0   // EL0t
        m.program([msrPMCNTENSET(1), 0xD69F_03E0])                          // msr; eret
        m.program([0xF940_0082, 0xF940_0082, 0xD400_0001], at: base + 0x100)  // ldr; ldr; svc #0
        m.program([0xF940_0082, Self.nop], at: base + 0x800 + 0x400)         // lower-EL sync: ldr
        m.steps(1)
        XCTAssertFalse(m.cpu.pmu.armed, "enabled, but it does not count at EL1: the fast path stays")
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 0)
        XCTAssertTrue(m.cpu.pmu.armed, "at EL0 every instruction takes the full path")
        XCTAssertTrue(m.cpu.attention)
        m.steps(3)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertFalse(m.cpu.pmu.armed, "back at EL1")
        m.steps(1)
        XCTAssertEqual(counter(m.cpu, 0), 2, "EL0's two loads, not EL1's")
        // Disabling disarms at once.
        m.cpu.writeSysReg(.PMCR_EL0, 0)
        XCTAssertFalse(m.cpu.pmu.armed)
    }

    func testNothingArmedWithoutAClassEvent() {
        let m = CoreTestMachine(el: 1)
        setUp(m.cpu, [Self.instRetired, 0x11])
        m.cpu.writeSysReg(.PMCNTENSET_EL0, 3 | PMU.cycleCounterBit)
        XCTAssertFalse(m.cpu.pmu.armed, "INST_RETIRED and CPU_CYCLES are counted lazily")
        m.cpu.writeSysReg(.PMEVTYPER1_EL0, Self.st)
        XCTAssertTrue(m.cpu.pmu.armed, "a PMEVTYPER write arms")
        m.cpu.writeSysReg(.PMCNTENCLR_EL0, 2)
        XCTAssertFalse(m.cpu.pmu.armed, "a PMCNTENCLR write disarms")
    }

    func testOverflowOnLoadRaisesTheInterruptAtThatLoad() {
        // Counter 0 three loads short of the wrap: msr; nop; ldr; nop; ldr; nop; ldr (the 7th).
        let m = CoreTestMachine(el: 1)
        var levels: [(UInt64, Bool)] = []
        m.cpu.pmuInterruptChanged = { cpu, level in levels.append((cpu.instret, level)) }
        setUp(m.cpu, [Self.ld])
        m.cpu.writeSysReg(.PMEVCNTR0_EL0, 0xFFFF_FFFF - 2)
        m.cpu.writeSysReg(.PMINTENSET_EL1, 1)
        m.cpu.x[1] = 1
        m.cpu.x[4] = base + 0x1000
        let ldr: UInt32 = 0xF940_0082
        m.program([msrPMCNTENSET(1), Self.nop, ldr, Self.nop, ldr, Self.nop, ldr] + Array(repeating: Self.nop, count: 10))
        _ = m.cpu.run(budget: 15)
        XCTAssertEqual(levels.map(\.0), [7], "raised once the third load retired")
        XCTAssertEqual(levels.map(\.1), [true])
        XCTAssertEqual(m.cpu.readSysReg(.PMOVSSET_EL0), 1)
        XCTAssertEqual(counter(m.cpu, 0), 0)
    }

    /// An AArch32 machine (Cortex-A15) in SVC mode with counters 0-4 on LD, ST, BR, BR_IMMED,
    /// BR_RETURN, enabled by the program's first instruction from r1.
    func aarch32Machine(thumb: Bool) -> CoreTestMachine {
        var config = CPUConfig()
        config.identification = .cortexA15
        let m = CoreTestMachine(el: 2, config: config)
        m.cpu.bootAArch32(entry: UInt32(base), mode: .svc, thumb: thumb)
        setUp(m.cpu, [Self.ld, Self.st, Self.br, Self.brImmed, Self.ret])
        m.cpu.setR(1, 0x1F)
        m.cpu.setR(4, UInt32(base) + 0x1000)
        m.cpu.setR(13, UInt32(base) + 0x2000)
        return m
    }

    func testA32Classes() {
        let m = aarch32Machine(thumb: false)
        m.program([
            0xEE09_1F3C,    // 00 mcr p15, 0, r1, c9, c12, 1 (PMCNTENSET)
            0xE150_0000,    // 04 cmp r0, r0: Z
            0xE594_2000,    // 08 ldr r2, [r4]                 LD
            0xE584_2004,    // 0C str r2, [r4, #4]             ST
            0x1594_2000,    // 10 ldrne r2, [r4]               fails its condition: nothing
            0xE894_000C,    // 14 ldm r4, {r2, r3}             LD (one instruction)
            0xEB00_0004,    // 18 bl f                         BR, BR_IMMED
            0x1A00_0001,    // 1C bne end                      fails: nothing (CCFAIL)
            0x0A00_0000,    // 20 beq end                      BR, BR_IMMED
            0xE320_F000,    // 24 nop (skipped)
            0xE320_F000,    // 28 end: nop
            0xE320_F000,    // 2C
            0xE92D_4004,    // 30 f: push {r2, lr}             ST
            0xEB00_0000,    // 34 bl g                         BR, BR_IMMED
            0xE8BD_8004,    // 38 pop {r2, pc}                 LD, BR, BR_RETURN
            0xE12F_FF1E,    // 3C g: bx lr                     BR, BR_RETURN
        ])
        XCTAssertEqual(m.cpu.run(budget: 14), .budget)
        XCTAssertEqual(m.cpu.pc, base + 0x2C, "ran to the end")
        XCTAssertEqual((0..<5).map { counter(m.cpu, $0) }, [3, 2, 5, 3, 2], "LD, ST, BR, BR_IMMED, BR_RETURN")
    }

    func testCPSToUserModeMovesTheELFilter() {
        // SVC mode: counter 0 INST_RETIRED at EL1 only, counter 1 LD_RETIRED at EL0 only. CPS to
        // User mode changes the EL without an exception: the filters follow at once.
        let m = aarch32Machine(thumb: false)
        m.cpu.writeSysReg(.PMEVTYPER0_EL0, PMU.excludeEL0 | Self.instRetired)
        m.cpu.writeSysReg(.PMEVTYPER1_EL0, PMU.excludeEL1 | Self.ld)
        m.cpu.setR(1, 3)
        let nop32: UInt32 = 0xE320_F000
        m.program([0xEE09_1F3C, nop32, 0xF102_0010, 0xE594_2000, nop32, nop32])   // mcr; nop; cps #usr; ldr
        _ = m.cpu.run(budget: 6)
        XCTAssertEqual(m.cpu.mode32, .usr)
        XCTAssertEqual(counter(m.cpu, 0), 3, "EL1's instructions: the MCR, the NOP and the CPS")
        XCTAssertEqual(counter(m.cpu, 1), 1, "User mode's load")
    }

    func testT32ClassesAndTheITBlock() {
        let m = aarch32Machine(thumb: true)
        // The PUSH stores lr = 0x15, so that the POP returns to the CBZ at 0x14, in T32.
        m.cpu.setR(14, UInt32(base) + 0x15)
        let code: [UInt16] = [
            0xEE09, 0x1F3C,  // 00 mcr PMCNTENSET
            0x4280,          // 04 cmp r0, r0
            0xBF18,          // 06 it ne
            0x6822,          // 08 ldrne r2, [r4]          nothing
            0x6822,          // 0A ldr r2, [r4]            LD
            0x6062,          // 0C str r2, [r4, #4]        ST
            0xB504,          // 0E push {r2, lr}           ST
            0xBD04,          // 10 pop {r2, pc}            LD, BR, BR_RETURN: to 0x14
            0xBF00,          // 12 nop (skipped)
            0xB108,          // 14 cbz r0, 0x1A            BR, BR_IMMED
            0xBF00,          // 16 (skipped)
            0xBF00,          // 18 (skipped)
            0xE000,          // 1A b.n 0x1E                BR, BR_IMMED
            0xBF00,          // 1C (skipped)
            0xBF00,          // 1E nop
            0xBF00,          // 20
        ]
        m.program(stride(from: 0, to: code.count, by: 2).map {
            UInt32(code[$0]) | UInt32($0 + 1 < code.count ? code[$0 + 1] : 0) << 16
        })
        XCTAssertEqual(m.cpu.run(budget: 11), .budget)
        XCTAssertEqual(m.cpu.pc, base + 0x20, "ran to the end")
        XCTAssertEqual((0..<5).map { counter(m.cpu, $0) }, [2, 2, 3, 2, 1], "LD, ST, BR, BR_IMMED, BR_RETURN")
    }

    func testAArch32ClassificationTable() {
        func c(_ op: A32Op, _ edit: (inout A32Inst) -> Void = { _ in }) -> PMUClass {
            var i = A32Inst(op)
            edit(&i)
            return PMUClass.of(i)
        }
        XCTAssertEqual(c(.ldrd), .load)
        XCTAssertEqual(c(.strex), .store)
        XCTAssertEqual(c(.srs), .store, "SRS stores LR and SPSR")
        XCTAssertEqual(c(.rfe), [], "RFE is an exception return")
        XCTAssertEqual(c(.ldr) { $0.rd = 15; $0.rn = 13; $0.flags = [.add] }, [.load, .branch, .procedureReturn],
                       "LDR PC, [SP], #4 is a POP of the PC")
        XCTAssertEqual(c(.ldm) { $0.imm = 0x8001; $0.flags = [.userRegisters] }, [], "LDM ^ with PC: an exception return")
        XCTAssertEqual(c(.sub) { $0.rd = 15; $0.rn = 14; $0.flags = [.setFlags, .immediate] }, [], "SUBS PC, LR")
        XCTAssertEqual(c(.mov) { $0.rd = 15; $0.rm = 14 }, [.branch, .procedureReturn], "MOV PC, LR")
        XCTAssertEqual(c(.add) { $0.rd = 15 }, .branch, "a data-processing write to the PC")
        XCTAssertEqual(c(.cmp) { $0.rd = 15 }, [])
        XCTAssertEqual(c(.blxReg) { $0.rm = 14 }, .branch, "BLX LR is a call, not a return")
        // VLDM (1100 1D01 ...: P=0 U=1 W=0 L=1) and VSTR (1101 U D 00); VMOV to two core registers
        // (1100 010x) is not memory.
        XCTAssertEqual(c(.vfp) { $0.imm = 0x0C90_0B04 }, .load)
        XCTAssertEqual(c(.vfp) { $0.imm = 0x0D80_0A01 }, .store)
        XCTAssertEqual(c(.vfp) { $0.imm = 0x0C50_0B10 }, [])
        // VLD1 (1111 0100 0x10) and VST1 (1111 0100 0x00); VADD (1111 0010) is not memory.
        XCTAssertEqual(c(.neon) { $0.imm = 0xF420_070F }, .load)
        XCTAssertEqual(c(.neon) { $0.imm = 0xF400_070F }, .store)
        XCTAssertEqual(c(.neon) { $0.imm = 0xF200_0800 }, [])
    }
}
