import XCTest
@testable import ARMCore

/// The decode tables read like the manual; these tests keep them honest.
final class DecoderTableTests: XCTestCase {
    func testNoTwoRowsOfATableOverlap() {
        for (_, rows) in A64Decoder.tables { assertRowsDoNotOverlap(rows) }
    }

    /// Every row is reached through the top-level op0 dispatch, with operand bits all zero and
    /// all one: the word the row matches decodes exactly as the row says.
    func testEveryRowIsReachableFromTheTopLevel() {
        for (group, rows) in A64Decoder.tables {
            for row in rows {
                for operands: UInt32 in [0, ~0] {
                    let w = row.value | (operands & ~row.mask)
                    XCTAssertEqual(A64Decoder.decode(w), row.decode(w), "\(group): \(row.name) for 0x\(String(w, radix: 16))")
                }
            }
        }
    }

    func testReservedAndUnallocatedTopLevelSpaceIsUndefined() {
        // op0 = 0000 (reserved, includes UDF), 0001 and 0011 (unallocated), 0010 (SVE: not implemented).
        for w: UInt32 in [0x0000_0000, 0x0000_FFFF, 0x0200_0000, 0x0600_0000, 0x0400_0000] {
            XCTAssertEqual(A64Decoder.decode(w).group, .undefined, String(w, radix: 16))
        }
    }

    /// Decoding never traps, whatever the word: a sweep of a million pseudo-random words.
    func testDecodingArbitraryWordsNeverTraps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<1_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            _ = A64Decoder.decode(UInt32(truncatingIfNeeded: state >> 32))
        }
    }
}
