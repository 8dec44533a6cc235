import Foundation
import XCTest
@testable import ARMCore

/// Replays the T32 reference vectors of Vectors/t32-integer.bin: one T32 instruction (16- or
/// 32-bit), executed by Unicorn 2.1.4 (QEMU's ARM CPU code, Cortex-A15 model) in SVC mode, T32
/// state, from a random state (scripts/refvectors/README.md, "T32"). The machine and the
/// comparisons are the A32 replay's (A32ReplayMachine), started in T32 state.
final class T32ReferenceVectorTests: XCTestCase {
    static let file = Result {
        try A32ReferenceVectorFile(contentsOf: A32ReferenceVectorTests.directory.appendingPathComponent("t32-integer.bin"))
    }

    static let classes: [(method: String, prefixes: [String])] = [
        ("test16BitInstructions", ["t16."]),
        ("testDataProcessing", ["t32.dp.", "t32.parallel", "t32.misc"]),
        ("testMultiplyAndDivide", ["t32.mul"]),
        ("testLoadsAndStores", ["t32.ls."]),
        ("testBranches", ["t32.branch."]),
        ("testStatusAndHints", ["t32.status"]),
        ("testLastInstructionOfAnITBlock", ["t32.it."]),
    ]

    func test16BitInstructions() throws { try replay(Self.classes[0].prefixes) }
    func testDataProcessing() throws { try replay(Self.classes[1].prefixes) }
    func testMultiplyAndDivide() throws { try replay(Self.classes[2].prefixes) }
    func testLoadsAndStores() throws { try replay(Self.classes[3].prefixes) }
    func testBranches() throws { try replay(Self.classes[4].prefixes) }
    func testStatusAndHints() throws { try replay(Self.classes[5].prefixes) }
    func testLastInstructionOfAnITBlock() throws { try replay(Self.classes[6].prefixes) }

    func testFileAndKnownDifferences() throws {
        try AArch32VectorReplay.checkFile(try Self.file.get(), known: try A32ReferenceVectorTests.known.get(), kind: .t32,
                                          cpuModel: "cortex-a15", classes: Self.classes, minimum: 150_000,
                                          perGroup: 3000, prefix: "t", fileName: "t32-integer.bin")
    }

    func replay(_ prefixes: [String], file path: StaticString = #filePath, line: UInt = #line) throws {
        try AArch32VectorReplay.replay(try Self.file.get(), known: try A32ReferenceVectorTests.known.get(),
                                       prefixes: prefixes, file: path, line: line)
    }
}
