import Foundation
import XCTest
@testable import ARMCore
import Bus

/// Replays the A32 reference vectors of Vectors/a32-integer.bin: one A32 instruction, executed
/// by Unicorn 2.1.4 (QEMU's ARM CPU code, Cortex-A15 model) in SVC mode from a random state, and
/// the state it left (scripts/refvectors/README.md). Each vector runs on A32ReplayMachine, a CPU
/// booted in AArch32 SVC mode at EL1; R0-R14, PC, NZCV, Q, GE, T and the window are compared,
/// and the CPU must stay in SVC mode with every other X slot (the other modes' banked registers)
/// untouched. The loop, its output and its environment variables are VectorSuite's.
final class A32ReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["a32-integer.bin"], kind: .a32, cpuModel: "cortex-a15",
        classes: [("testDataProcessing", ["a32.dp.", "a32.movw"]), ("testMultiplyAndDivide", ["a32.mul", "a32.div"]),
                  ("testSaturatingParallelAndMisc", ["a32.sat", "a32.parallel", "a32.extend", "a32.pack", "a32.bitfield",
                                                     "a32.clz"]),
                  ("testLoadsAndStores", ["a32.ls."]), ("testBranches", ["a32.branch."]),
                  ("testStatusAndHints", ["a32.status", "a32.hint"])],
        minimum: 60_000, perGroup: 2000, machine: { A32ReplayMachine() })

    func testDataProcessing() throws { try Self.suite.replay() }
    func testMultiplyAndDivide() throws { try Self.suite.replay() }
    func testSaturatingParallelAndMisc() throws { try Self.suite.replay() }
    func testLoadsAndStores() throws { try Self.suite.replay() }
    func testBranches() throws { try Self.suite.replay() }
    func testStatusAndHints() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }


    /// The seed-to-state derivation matches scripts/refvectors/refstate32.py (the values
    /// `python3 scripts/refvectors/refstate32.py` prints).
    func testInitialStateMatchesTheGenerator() {
        let window = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { window.deallocate() }
        let s = A32ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(Array(s.r[0..<4]), [0x7FFF_8000, 0x4667, 0xFFFF_FFFF, 0x4F9E_A651])
        XCTAssertEqual(s.r[13], 0x4010_03DD)
        XCTAssertEqual(s.r[14], 0x0180_8080)
        XCTAssertEqual(s.nzcv, 0)
        XCTAssertTrue(s.q)
        XCTAssertEqual(s.ge, 2)
        XCTAssertEqual(s.pc, 0x4000_D3DC)
        XCTAssertEqual(window.load(as: UInt64.self), UInt64(bigEndian: 0x488F_BB24_078B_2286))
        XCTAssertEqual(window.load(fromByteOffset: 4088, as: UInt64.self), UInt64(bigEndian: 0xFBC8_268D_D3F7_9108))
        XCTAssertEqual(UnsafeRawBufferPointer(start: window, count: 4096).reduce(0) { $0 + Int($1) }, 516_749)
        var total: UInt64 = 0
        for seed in UInt64(0)..<2000 {
            let t = A32ReferenceInitialState(seed: seed, layout: ReplayMachine.layout, window: window)
            total &+= t.r.reduce(0) { $0 &+ UInt64($1) } &+ UInt64(t.nzcv) &+ (t.q ? 1 : 0) &+ UInt64(t.ge) &+ UInt64(t.pc)
        }
        XCTAssertEqual(total, 0x3451_6ECF_8002, "every case of refstate32.value32")
    }
}

/// One CPU in AArch32 SVC mode at EL1 (no EL2) on the vectors' RAM, booted afresh for every
/// vector, in A32 or T32 state as the vector says; VFP and Advanced SIMD vectors also get D0-D31
/// and FPSCR and have them compared. The A32, T32, VFP, Advanced SIMD and CRC32 replays' machine.
final class A32ReplayMachine: VectorMachine, VectorReplayMachine {
    /// The X slots that hold R0-R14 in SVC mode; every other slot must stay zero.
    let svcSlots: Set<Int>

    override init() {
        let row = BankedRegisters.row(.svc)
        svcSlots = Set((0..<15).map { Int(row[$0]) })
        super.init()
    }

    /// Execute one vector; returns each field that differs.
    @_optimize(speed)
    func run(_ v: ReferenceVectorFile.Vector, kind: ReferenceVectorFile.Kind) -> [ReplayDifference] {
        let fp = kind.hasFP
        var s = A32ReferenceInitialState(seed: v.seed, layout: ReplayMachine.layout, window: window, fp: fp,
                                         profile: v.profile)
        var itState: UInt8 = 0
        for o in v.initial {
            let value = UInt32(truncatingIfNeeded: o.value)
            if o.reg == 15 { s.pc = value } else if o.reg < 15 { s.r[Int(o.reg)] = value }
            if o.reg == 16 { itState = UInt8(truncatingIfNeeded: o.value) }   // ITSTATE: inside an IT block
        }
        expectWindow(v)

        cpu.bootAArch32(entry: s.pc, mode: .svc, thumb: v.thumb)
        quiesce()
        for n in 0..<15 { cpu.setR(UInt32(n), s.r[n]) }
        cpu.nzcv = s.nzcv
        cpu.qFlag = s.q
        cpu.ge32 = s.ge
        cpu.itState = itState
        if fp {
            // FP enabled as in the generator: CPACR cp10/cp11 full access, FPEXC.EN.
            cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
            cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
            for n in 0..<32 { cpu.setDreg(UInt32(n), s.d[n]) }
            cpu.setFPSCR(s.fpscr)
        }
        if v.thumb {
            // A 32-bit T32 instruction is two halfwords, the first at the lower address.
            if v.word >> 16 != 0 {
                _ = bus.write(UInt64(s.pc), size: 2, value: UInt64(v.word >> 16))
                _ = bus.write(UInt64(s.pc) + 2, size: 2, value: UInt64(v.word & 0xFFFF))
            } else {
                _ = bus.write(UInt64(s.pc), size: 2, value: UInt64(v.word))
            }
        } else {
            _ = bus.write(UInt64(s.pc), size: 4, value: UInt64(v.word))
        }
        cpu.step()
        _ = bus.write(UInt64(s.pc), size: 2, value: 0)
        _ = bus.write(UInt64(s.pc) + 2, size: 2, value: 0)

        var diffs: [ReplayDifference] = []
        if !cpu.aarch32 || cpu.mode32 != .svc {
            diffs.append(diff("mode", "left SVC mode: " + (cpu.aarch32 ? "mode \(cpu.mode32.name)" : "AArch64")
                              + String(format: ", PC 0x%llx (an exception was taken)", cpu.pc)))
            return diffs
        }
        var want = s.r
        for r in v.registers where r.reg < 15 { want[Int(r.reg)] = UInt32(truncatingIfNeeded: r.value) }
        for n in 0..<15 where cpu.r(UInt32(n)) != want[n] {
            diffs.append(diff("R", String(format: "R%d expected 0x%08x actual 0x%08x (initial 0x%08x)",
                                          n, want[n], cpu.r(UInt32(n)), s.r[n])))
        }
        for slot in 0..<31 where !svcSlots.contains(slot) && cpu.x[slot] != 0 {
            diffs.append(diff("X", String(format: "X%d (not an SVC-mode register) changed to 0x%llx", slot, cpu.x[slot])))
        }
        for n in 0..<15 where cpu.x[Int(BankedRegisters.row(.svc)[n])] >> 32 != 0 {
            diffs.append(diff("X", String(format: "R%d holds 0x%llx: upper half not zero", n,
                                          cpu.x[Int(BankedRegisters.row(.svc)[n])])))
        }
        let wantPC = v.pc.map { UInt32(truncatingIfNeeded: $0) } ?? (s.pc &+ v.length)
        if cpu.pc != UInt64(wantPC) {
            diffs.append(diff("PC", String(format: "PC expected 0x%08x actual 0x%llx (initial 0x%08x)", wantPC, cpu.pc, s.pc)))
        }
        if cpu.itState != 0 {
            diffs.append(diff("IT", String(format: "ITSTATE expected 0 actual 0x%02x (initial 0x%02x)", cpu.itState, itState)))
        }
        let wantT = v.psr.map { $0 & ReferenceVectorFile.psrT != 0 } ?? v.thumb
        if cpu.thumb != wantT {
            diffs.append(diff("T", "T expected \(wantT ? 1 : 0) actual \(cpu.thumb ? 1 : 0)"))
        }
        if cpu.nzcv & 0xF000_0000 != v.nzcv || cpu.nzcv & 0x0FFF_FFFF != 0 {
            diffs.append(diff("NZCV", String(format: "NZCV expected %x actual %x (initial %x)",
                                             v.nzcv >> 28, cpu.nzcv >> 28, s.nzcv >> 28)))
        }
        let wantQ = v.psr.map { $0 & ReferenceVectorFile.psrQ != 0 } ?? s.q
        if cpu.qFlag != wantQ {
            diffs.append(diff("Q", "Q expected \(wantQ ? 1 : 0) actual \(cpu.qFlag ? 1 : 0) (initial \(s.q ? 1 : 0))"))
        }
        let wantGE = v.psr.map { $0 & 0xF } ?? s.ge
        if cpu.ge32 != wantGE {
            diffs.append(diff("GE", String(format: "GE expected %x actual %x (initial %x)", wantGE, cpu.ge32, s.ge)))
        }
        if fp {
            var wantD = s.d
            for r in v.dregs where r.reg < 32 { wantD[Int(r.reg)] = r.value }
            for n in 0..<32 where cpu.dreg(UInt32(n)) != wantD[n] {
                diffs.append(diff("D", String(format: "D%d expected 0x%016llx actual 0x%016llx (initial 0x%016llx)",
                                              n, wantD[n], cpu.dreg(UInt32(n)), s.d[n])))
            }
            if cpu.fpscr != v.fpscr {
                diffs.append(diff("FPSCR", String(format: "FPSCR expected 0x%08x actual 0x%08x (initial 0x%08x)",
                                                  v.fpscr, cpu.fpscr, s.fpscr)))
            }
            if cpu.sysregs[SysReg.FPEXC32_EL2] != 0x4000_0000 {
                diffs.append(diff("FPEXC", String(format: "FPEXC changed to 0x%llx", cpu.sysregs[SysReg.FPEXC32_EL2])))
            }
        }
        if let d = windowDifference() { diffs.append(d) }
        return diffs
    }
}
