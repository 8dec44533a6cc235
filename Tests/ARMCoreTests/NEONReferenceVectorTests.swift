import Foundation
import XCTest
@testable import ARMCore

/// Replays the AArch32 Advanced SIMD reference vectors of Vectors/a32-neon.bin: one Advanced
/// SIMD instruction, executed by Unicorn 2.1.4 ("max" model) in SVC mode, A32 state (a tenth in
/// T32 state), from the VFP set's state (scripts/refvectors/README.md, "Advanced SIMD"). The
/// VFP replay's machine: D0-D31, FPSCR and FPEXC are compared too.
final class NEONReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["a32-neon.bin"], kind: .neon, cpuModel: "max",
        classes: [("testIntegerArithmetic", ["neon.three.same.int", "neon.three.diff", "neon.scalar", "neon.shift",
                                             "neon.twomisc.int", "neon.modimm"]),
                  ("testFloatingPoint", ["neon.three.same.float", "neon.twomisc.float"]),
                  ("testCryptoPermuteAndTransfers", ["neon.crypto", "neon.permute", "neon.transfer"]),
                  ("testLoadsAndStores", ["neon.ls."])],
        minimum: 50_000, perGroup: 2000, machine: { A32ReplayMachine() })

    func testIntegerArithmetic() throws { try Self.suite.replay() }
    func testFloatingPoint() throws { try Self.suite.replay() }
    func testCryptoPermuteAndTransfers() throws { try Self.suite.replay() }
    func testLoadsAndStores() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }
}
