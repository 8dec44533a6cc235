import Foundation
import XCTest
@testable import ARMCore

/// Replays the T32 reference vectors of Vectors/t32-integer.bin: one T32 instruction (16- or
/// 32-bit), executed by Unicorn 2.1.4 (QEMU's ARM CPU code, Cortex-A15 model) in SVC mode, T32
/// state, from a random state (scripts/refvectors/README.md, "T32"). The machine and the
/// comparisons are the A32 replay's (A32ReplayMachine), started in T32 state.
final class T32ReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["t32-integer.bin"], kind: .t32, cpuModel: "cortex-a15",
        classes: [("test16BitInstructions", ["t16."]),
                  ("testDataProcessing", ["t32.dp.", "t32.parallel", "t32.misc"]),
                  ("testMultiplyAndDivide", ["t32.mul"]), ("testLoadsAndStores", ["t32.ls."]),
                  ("testBranches", ["t32.branch."]), ("testStatusAndHints", ["t32.status"]),
                  ("testLastInstructionOfAnITBlock", ["t32.it."])],
        minimum: 150_000, perGroup: 3000, machine: { A32ReplayMachine() })

    func test16BitInstructions() throws { try Self.suite.replay() }
    func testDataProcessing() throws { try Self.suite.replay() }
    func testMultiplyAndDivide() throws { try Self.suite.replay() }
    func testLoadsAndStores() throws { try Self.suite.replay() }
    func testBranches() throws { try Self.suite.replay() }
    func testStatusAndHints() throws { try Self.suite.replay() }
    func testLastInstructionOfAnITBlock() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }
}
