import Foundation
import XCTest
@testable import ARMCore

/// Replays the AArch32 CRC32 reference vectors of Vectors/a32-crc.bin: CRC32B/H/W and
/// CRC32CB/H/W, executed by Unicorn 2.1.4 ("max" model: the Cortex-A15 has no CRC32) in SVC mode
/// from a random state, in A32 with any condition and in T32 (scripts/refvectors/README.md,
/// "CRC32"). The A32 replay's machine: R0-R14, PC, NZCV, Q, GE, T and the window are compared.
final class CRC32ReferenceVectorTests: XCTestCase {
    static let suite = VectorSuite(
        files: ["a32-crc.bin"], kind: .a32t32, cpuModel: "max",
        classes: [("testA32", ["crc.a32"]), ("testT32", ["crc.t32"])],
        minimum: 12_000, perGroup: 5000, machine: { A32ReplayMachine() })

    func testA32() throws { try Self.suite.replay() }
    func testT32() throws { try Self.suite.replay() }

    func testFileAndKnownDifferences() throws { try Self.suite.checkFiles() }

    /// What the file holds is what a user of CRC32 sees: every size of both polynomials in both
    /// instruction sets, A32 vectors whose condition fails as well as passes, and results that
    /// change the destination register.
    func testTheVectorsCoverEveryFormAndCondition() throws {
        let file = try XCTUnwrap(Self.suite.files.get().first)
        var forms = Set<String>()
        var conditions = Set<UInt32>()
        var changed = 0
        for v in file.vectors {
            // A32: sz bits 22:21, C bit 9. T32: C hw1 bit 4, sz hw2 bits 5:4.
            let (sz, c) = v.thumb ? ((v.word >> 4) & 3, (v.word >> 20) & 1) : ((v.word >> 21) & 3, (v.word >> 9) & 1)
            forms.insert("\(v.thumb ? "T32" : "A32") \(c == 1 ? "CRC32C" : "CRC32") \(["B", "H", "W", "?"][Int(sz)])")
            if !v.thumb { conditions.insert(v.word >> 28) }
            if !v.registers.isEmpty { changed += 1 }
        }
        XCTAssertEqual(forms.count, 12, forms.sorted().joined(separator: ", "))
        XCTAssertEqual(conditions, Set(0..<15), "A32 vectors of every condition EQ..AL")
        XCTAssertGreaterThan(changed, file.vectors.count / 2)
    }
}
