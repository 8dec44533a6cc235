import Foundation
import XCTest
@testable import ARMCore

/// Replays the AArch32 floating-point reference vectors of Vectors/a32-vfp.bin: one VFP
/// instruction, executed by Unicorn 2.1.4 (QEMU's ARM CPU code, "max" model: a Cortex-A15 with
/// ARMv8's AArch32 additions) in SVC mode, A32 state (a tenth in T32 state), from a random state
/// with D0-D31 and FPSCR (scripts/refvectors/README.md, "VFP"). The A32 replay's machine,
/// which then also compares D0-D31, FPSCR and FPEXC.
final class VFPReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["a32-vfp.bin"], kind: .vfp, cpuModel: "max",
        classes: [("testArithmetic", ["vfp.arith", "vfp.mac", "vfp.fma", "vfp.unary", "vfp.movimm", "vfp.compare"]),
                  ("testConversions", ["vfp.cvt."]), ("testMovesAndSystemRegisters", ["vfp.sysreg", "vfp.move."]),
                  ("testLoadsAndStores", ["vfp.ls"]), ("testARMv8Additions", ["vfp.v8."])],
        minimum: 150_000, perGroup: 3000, machine: { A32ReplayMachine() })

    func testArithmetic() throws { try Self.suite.replay() }
    func testConversions() throws { try Self.suite.replay() }
    func testMovesAndSystemRegisters() throws { try Self.suite.replay() }
    func testLoadsAndStores() throws { try Self.suite.replay() }
    func testARMv8Additions() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }

    /// The FP state derivation matches scripts/refvectors/refstate32.py (the values
    /// `python3 scripts/refvectors/refstate32.py` prints).
    func testInitialFPStateMatchesTheGenerator() {
        let window = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { window.deallocate() }
        let s = A32ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, layout: ReplayMachine.layout, window: window,
                                         fp: true, profile: 2)
        XCTAssertEqual(s.d[0], 0xBAFD_E937_4300_0000)
        XCTAssertEqual(s.d[31], 0x43FF_FFFF_859D_1852)
        XCTAssertEqual(s.fpscr, 0x3800_0099)
        var total: UInt64 = 0
        for seed in UInt64(0)..<300 {
            let t = A32ReferenceInitialState(seed: seed, layout: ReplayMachine.layout, window: window, fp: true,
                                             profile: UInt8(seed % 4))
            total &+= t.d.reduce(0, &+) &+ UInt64(t.fpscr)
        }
        XCTAssertEqual(total, 0x135A_5972_6001_E68)
    }
}
