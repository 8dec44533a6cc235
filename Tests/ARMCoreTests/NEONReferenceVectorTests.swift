import Foundation
import XCTest
@testable import ARMCore

/// Replays the AArch32 Advanced SIMD reference vectors of Vectors/a32-neon.bin: one Advanced
/// SIMD instruction, executed by Unicorn 2.1.4 ("max" model) in SVC mode, A32 state (a tenth in
/// T32 state), from the VFP set's state (scripts/refvectors/README.md, "Advanced SIMD"). The
/// VFP replay's machine and loop: D0-D31, FPSCR and FPEXC are compared too.
final class NEONReferenceVectorTests: XCTestCase {
    static let file = Result {
        try A32ReferenceVectorFile(contentsOf: A32ReferenceVectorTests.directory.appendingPathComponent("a32-neon.bin"))
    }

    static let classes: [(method: String, prefixes: [String])] = [
        ("testIntegerArithmetic", ["neon.three.same.int", "neon.three.diff", "neon.scalar", "neon.shift",
                                   "neon.twomisc.int", "neon.modimm"]),
        ("testFloatingPoint", ["neon.three.same.float", "neon.twomisc.float"]),
        ("testCryptoPermuteAndTransfers", ["neon.crypto", "neon.permute", "neon.transfer"]),
        ("testLoadsAndStores", ["neon.ls."]),
    ]

    func testIntegerArithmetic() throws { try replay(Self.classes[0].prefixes) }
    func testFloatingPoint() throws { try replay(Self.classes[1].prefixes) }
    func testCryptoPermuteAndTransfers() throws { try replay(Self.classes[2].prefixes) }
    func testLoadsAndStores() throws { try replay(Self.classes[3].prefixes) }

    func testFileAndKnownDifferences() throws {
        try AArch32VectorReplay.checkFile(try Self.file.get(), known: try A32ReferenceVectorTests.known.get(), kind: .neon,
                                          cpuModel: "max", classes: Self.classes, minimum: 50_000,
                                          perGroup: 2000, prefix: "neon.", fileName: "a32-neon.bin")
    }

    func replay(_ prefixes: [String], file path: StaticString = #filePath, line: UInt = #line) throws {
        try AArch32VectorReplay.replay(try Self.file.get(), known: try A32ReferenceVectorTests.known.get(),
                                       prefixes: prefixes, file: path, line: line)
    }
}
