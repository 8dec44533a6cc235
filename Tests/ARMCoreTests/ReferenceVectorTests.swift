import Foundation
import XCTest
@testable import ARMCore
import Bus

/// Replays the reference vectors of Vectors/a64-integer.bin and Vectors/a64-fpsimd.bin: one
/// instruction, executed by Unicorn 2.1.4 (QEMU's CPU code, Cortex-A57 model) at EL1 from a
/// random state, and the state it left (scripts/refvectors/README.md). Each vector runs on
/// ReplayMachine, which compares the general registers, SP, PC, NZCV, V registers, FPSR, FPCR
/// and the window. The loop, its output and its environment variables are VectorSuite's.
final class ReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["a64-integer.bin", "a64-fpsimd.bin"], kind: .a64, cpuModel: "cortex-a57",
        classes: [("testDataProcessingImmediate", ["dpimm."]), ("testDataProcessingRegister", ["dpreg."]),
                  ("testBranches", ["branch."]), ("testLoadsAndStores", ["ls."]), ("testSystem", ["system"]),
                  ("testFloatingPoint", ["fp."]), ("testAdvancedSIMD", ["asimd."]),
                  ("testSIMDLoadsAndStores", ["simdls."]), ("testCRC32AndCryptography", ["crc32", "crypto."])],
        minimum: 500_000, perGroup: 2000, machine: { ReplayMachine() })

    /// Every suite of vector files, for the checks that span them.
    static var allSuites: [VectorSuite] {
        [suite, A32ReferenceVectorTests.suite, T32ReferenceVectorTests.suite, VFPReferenceVectorTests.suite,
         NEONReferenceVectorTests.suite, CRC32ReferenceVectorTests.suite]
    }

    func testDataProcessingImmediate() throws { try Self.suite.replay() }
    func testDataProcessingRegister() throws { try Self.suite.replay() }
    func testBranches() throws { try Self.suite.replay() }
    func testLoadsAndStores() throws { try Self.suite.replay() }
    func testSystem() throws { try Self.suite.replay() }
    func testFloatingPoint() throws { try Self.suite.replay() }
    func testAdvancedSIMD() throws { try Self.suite.replay() }
    func testSIMDLoadsAndStores() throws { try Self.suite.replay() }
    func testCRC32AndCryptography() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }

    /// Every row of KNOWN_DIFFERENCES.md belongs to exactly one suite (by its group's name), so
    /// that exactly one file check looks for its vector; and no class prefix is in two suites.
    func testEveryKnownDifferenceBelongsToOneSuite() throws {
        for entry in try VectorSuite.known.get().entries {
            XCTAssertEqual(Self.allSuites.filter { $0.owns(group: entry.group) }.count, 1,
                           "KNOWN_DIFFERENCES.md: group \(entry.group) belongs to no suite or to two")
        }
        for p in Self.allSuites.flatMap({ $0.classes.flatMap(\.prefixes) }) {
            XCTAssertEqual(Self.allSuites.filter { $0.owns(group: p) }.count, 1, "prefix \(p) is in two suites")
        }
    }

    /// The seed-to-state derivation matches scripts/refvectors/refstate.py (values printed by
    /// that file for seed 0x0123456789ABCDEF and for seed 16), and splitmix64 the published
    /// sequence.
    func testInitialStateMatchesTheGenerator() {
        var r = SplitMix64(seed: 0)
        XCTAssertEqual([r.next(), r.next(), r.next()], [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        let window = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { window.deallocate() }
        let s = ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(Array(s.regs[0..<4]), [0x80000, 0xFFFF_F000_0000_0000, 0x1B, 0x8931_545F_4F9E_A651])
        XCTAssertEqual(s.regs[30], 0xC798_41F4_A60C_9B64)
        XCTAssertEqual(s.regs[31], 0x7FFF_FFFF_FFFF_FFFF)
        XCTAssertEqual(s.nzcv, 0xA000_0000)
        XCTAssertEqual(s.pc, 0x400F_1168)
        XCTAssertEqual(window.load(as: UInt64.self), UInt64(bigEndian: 0x9EF7_0D99_35B0_F9FF))
        XCTAssertEqual(window.load(fromByteOffset: 4088, as: UInt64.self), UInt64(bigEndian: 0x681E_CEDE_63BA_02A8))
        XCTAssertEqual(UnsafeRawBufferPointer(start: window, count: 4096).reduce(0) { $0 + Int($1) }, 514_804)
        // The FP state after the window, for each profile: V0, V1, V2, V31 (high, low), FPCR.
        let expected: [(UInt8, [(UInt64, UInt64)], UInt64)] = [
            (0, [(0x0019_F041_03DC_6D2A, 0x84B3_387A_92BA_8B80), (0x22BC_47B3_2629_5488, 0x0C16_561E_E7D2_657F),
                 (0x9ACE_84A8_20E3_9621, 0x2CC7_EE5C_12FE_7DCC), (0xFFFA_78E8_7177_AD50, 0x7FFF_FFFF_FFFF_FFFF)], 0x0580_0000),
            (1, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x54DC_7801_7A2A_3E00, 0x7801_6138_9D7A_8000),
                 (0xB800_BD65_7FFF_ACF9, 0x0000_D619_FFF0_FB41), (0x7DF1_FFF4_FBFF_7EB8, 0x32B2_FC00_FDDB_5C00)], 0x0500_0000),
            (2, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x4F80_0001_3725_6138, 0x5302_9D7A_8000_0000),
                 (0x7FE5_3903_21AA_54DC, 0x4F80_0001_BE79_7A2A), (0x8080_0000, 0x0000_0008_FF21_93D4)], 0),
            (3, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x0C3E_C669_5302_9D7A, 0x8000_0000_0000_0000),
                 (0x1EE7_D265_7FF9_0019, 0xF041_03DC_6D2A_84B3), (0x40F0_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFE)], 0),
            (4, [(0x0106_192B_4445_0244, 0x1B08_122A_122B_403C), (0x4733_0E01_3418_1416, 0x2E3E_0712_0509_093C),
                 (0x0818_231E_2934_071E, 0x0C42_3E1D_0402_3A0C), (0x400B_0923_093A_0235, 0x3B28_3327_1724_2533)], 0x0600_0000),
        ]
        for (profile, regs, fpcr) in expected {
            let s = ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, profile: profile, layout: ReplayMachine.layout, window: window)
            for (k, n) in [0, 1, 2, 31].enumerated() {
                XCTAssertEqual(s.vHigh[n], regs[k].0, "profile \(profile) V\(n) high")
                XCTAssertEqual(s.vLow[n], regs[k].1, "profile \(profile) V\(n) low")
            }
            XCTAssertEqual(s.fpcr, fpcr, "profile \(profile) FPCR")
            XCTAssertEqual(s.fpsr, 0, "profile \(profile) FPSR")
        }
        let s16 = ReferenceInitialState(seed: 16, profile: 3, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(s16.fpcr, 0x0500_0000)
        XCTAssertEqual(s16.fpsr, 0x0800_0006)
        XCTAssertEqual([s16.vHigh[5], s16.vLow[5], s16.vHigh[17], s16.vLow[17]],
                       [0x29C2_0380_3756_2F05, 0xAC62_120B_FF53_07C4, 0x805E_7F27_770D_924D, 0xB881_1AFA_5716_3187])
    }

    func testKnownDifferencesTableIsParsed() {
        let text = """
            | group | word | seed | pseudocode | Unicorn |
            |---|---|---|---|---|
            | ls.uimm | `0xf9400423` | `0x00000000000000ff` | ... | ... |
            | not a row | word | seed |
            """
        let k = KnownDifferences(text: text)
        XCTAssertEqual(k.entries.count, 1)
        XCTAssertEqual(k.entries.first?.group, "ls.uimm")
        XCTAssertEqual(k.entries.first?.word, 0xF940_0423)
        XCTAssertEqual(k.entries.first?.seed, 0xFF)
    }

}

/// One CPU at EL1 on the vectors' RAM, reset between vectors.
final class ReplayMachine: VectorMachine, VectorReplayMachine {
    static func regName(_ r: Int) -> String { r == 31 ? "SP" : "X\(r)" }

    static func hex128(_ high: UInt64, _ low: UInt64) -> String { String(format: "0x%016llx_%016llx", high, low) }

    /// Execute one vector; returns each field that differs.
    @_optimize(speed)
    func run(_ v: ReferenceVectorFile.Vector, kind: ReferenceVectorFile.Kind) -> [ReplayDifference] {
        // The window is never executed, so it is written straight into RAM; the instruction goes
        // through the bus, which drops the decoded copy of the previous one.
        var s = ReferenceInitialState(seed: v.seed, profile: v.profile, layout: Self.layout, window: window)
        for o in v.initial {
            if o.reg == 32 { s.pc = o.value } else if o.reg < 32 { s.regs[Int(o.reg)] = o.value }
        }
        expectWindow(v)

        cpu.boot(entry: s.pc, el: 1)
        quiesce()
        cpu.sysregs[SysReg.ESR_EL1] = 0
        // Unicorn runs its EL1 with FP and Advanced SIMD enabled: CPACR_EL1.FPEN = 0b11.
        cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
        for r in 0..<31 { cpu.x[r] = s.regs[r] }
        cpu.x[Int(Reg.sp)] = s.regs[31]
        cpu.nzcv = s.nzcv
        for n in 0..<32 { cpu.setV(UInt8(n), low: s.vLow[n], high: s.vHigh[n]) }
        cpu.fpcr = s.fpcr
        cpu.fpsr = s.fpsr
        _ = bus.write(s.pc, size: 4, value: UInt64(v.word))
        cpu.step()
        _ = bus.write(s.pc, size: 4, value: 0)

        var want = s.regs
        for r in v.registers where r.reg < 32 { want[Int(r.reg)] = r.value }
        var diffs: [ReplayDifference] = []
        for r in 0..<32 {
            let got = r == 31 ? cpu.x[Int(Reg.sp)] : cpu.x[r]
            if got != want[r] {
                diffs.append(diff(r == 31 ? "SP" : "X", String(
                    format: "%@ expected 0x%016llx actual 0x%016llx (initial 0x%016llx)",
                    Self.regName(r), want[r], got, s.regs[r])))
            }
        }
        let wantPC = v.pc ?? (s.pc &+ 4)
        if cpu.pc != wantPC {
            let esr = cpu.sysregs[SysReg.ESR_EL1]
            diffs.append(diff("PC", String(format: "PC expected 0x%llx actual 0x%llx", wantPC, self.cpu.pc)
                              + (esr != 0 ? String(format: " (exception taken, ESR_EL1 0x%llx, EC 0x%llx)", esr, esr >> 26) : "")))
        }
        if cpu.nzcv & 0xF000_0000 != v.nzcv {
            diffs.append(diff("NZCV", String(format: "NZCV expected %x actual %x (initial %x)",
                                                            v.nzcv >> 28, cpu.nzcv >> 28, s.nzcv >> 28)))
        }
        if cpu.x[Int(Reg.zr)] != 0 {
            diffs.append(diff("XZR", String(format: "the zero register holds 0x%llx", cpu.x[Int(Reg.zr)])))
        }
        var wantLow = s.vLow, wantHigh = s.vHigh
        for r in v.v { wantLow[Int(r.reg)] = r.low; wantHigh[Int(r.reg)] = r.high }
        for n in 0..<32 {
            let low = cpu.vLow(UInt8(n)), high = cpu.vHigh(UInt8(n))
            if low != wantLow[n] || high != wantHigh[n] {
                diffs.append(diff("V", "V\(n) expected \(Self.hex128(wantHigh[n], wantLow[n])) actual "
                                   + "\(Self.hex128(high, low)) (initial \(Self.hex128(s.vHigh[n], s.vLow[n])))"))
            }
        }
        let wantFPSR = v.fpsr.map { UInt64($0) } ?? s.fpsr
        if cpu.fpsr != wantFPSR {
            diffs.append(diff("FPSR", String(format: "FPSR expected 0x%08llx actual 0x%08llx (initial 0x%08llx, FPCR 0x%08llx)",
                                                            wantFPSR, cpu.fpsr, s.fpsr, s.fpcr)))
        }
        if cpu.fpcr != s.fpcr {
            diffs.append(diff("FPCR", String(format: "FPCR expected 0x%08llx (unchanged) actual 0x%08llx", s.fpcr, cpu.fpcr)))
        }
        if let d = windowDifference() { diffs.append(d) }
        return diffs
    }
}
