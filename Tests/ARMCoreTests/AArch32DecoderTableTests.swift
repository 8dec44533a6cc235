import XCTest
@testable import ARMCore

/// The A32 and T32 decode tables are ordered (the first matching row wins): these tests check
/// that every row is still reached through the top-level dispatch, and that every pair of rows
/// that overlap is on its table's allow-list with the Arm ARM's reason.
final class AArch32DecoderTableTests: XCTestCase {
    /// Each decoder's tables and its top-level dispatch.
    var decoders: [(name: String, tables: [A32Table], dispatch: (UInt32) -> A32Table?)] {
        [("A32", A32Decoder.tables, { A32Decoder.table(for: $0) }),
         ("T32 16-bit", [T32Decoder.narrow], { T32Decoder.isWide(UInt16(truncatingIfNeeded: $0)) ? nil : T32Decoder.narrow }),
         ("T32 32-bit", T32Decoder.wideTables, { T32Decoder.wideTable(for: $0) })]
    }

    func testRowsUseOnlyTheLettersOfA32Fields() {
        for (_, tables, _) in decoders {
            for table in tables {
                for row in table.rows {
                    for c in row.pattern.letters {
                        XCTAssertTrue(A32Fields.letters.contains(c), "\(table.group): \(row.name) uses '\(c)'")
                    }
                }
            }
        }
    }

    /// Each table holds rows of one instruction set, the one its decoder reads.
    func testRowsNameTheInstructionSetOfTheirDecoder() {
        let sets: [String: InstructionSet] = ["A32": .a32, "T32 16-bit": .t32Narrow, "T32 32-bit": .t32Wide]
        for (decoder, tables, _) in decoders {
            for table in tables {
                for row in table.rows { XCTAssertEqual(row.pattern.set, sets[decoder], "\(table.group): \(row.name)") }
            }
        }
        for (group, rows) in A64Decoder.tables {
            for row in rows { XCTAssertEqual(row.set, .a64, "\(group): \(row.name)") }
        }
    }

    func testRowNamesAreUniqueInATable() {
        for (_, tables, _) in decoders {
            for table in tables {
                let names = table.rows.map(\.name)
                XCTAssertEqual(Set(names).count, names.count, table.group)
            }
        }
    }

    /// A row is reached when some word it matches is decoded by it, through the top level:
    /// operand bits all zero, all one, and pseudo-random.
    func testEveryRowIsReachedFromTheTopLevel() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for (decoder, tables, dispatch) in decoders {
            for table in tables {
                for row in table.rows {
                    var reached = false
                    var fills: [UInt32] = [0, ~0]
                    for _ in 0..<4000 {
                        state = state &* 6364136223846793005 &+ 1442695040888963407
                        fills.append(UInt32(truncatingIfNeeded: state >> 29))
                    }
                    let width = row.pattern.set.encodingBits
                    let all: UInt32 = width == 32 ? ~0 : (1 << UInt32(width)) - 1
                    for x in fills {
                        let w = row.pattern.value | (x & ~row.pattern.mask & all)
                        if let t = dispatch(w), t.group == table.group, t.row(for: w)?.name == row.name {
                            reached = true
                            break
                        }
                    }
                    XCTAssertTrue(reached, "\(decoder) \(table.group): \(row.name) is never reached")
                }
            }
        }
    }

    func testEveryOverlapIsAnArchitectedPriority() {
        for (decoder, tables, _) in decoders {
            for table in tables {
                var allowed = Set(table.priorities.map { "\($0.earlier)|\($0.later)" })
                for (k, earlier) in table.rows.enumerated() {
                    for later in table.rows[(k + 1)...] where earlier.pattern.overlaps(later.pattern) {
                        let key = "\(earlier.name)|\(later.name)"
                        XCTAssertNotNil(allowed.remove(key),
                                        "\(decoder) \(table.group): \(earlier.name) overlaps \(later.name) without a reason")
                    }
                }
                // An entry that names no overlapping pair (in that order) is stale.
                XCTAssertTrue(allowed.isEmpty, "\(decoder) \(table.group): stale priorities \(allowed)")
                for p in table.priorities { XCTAssertFalse(p.reason.isEmpty) }
            }
        }
    }

    func testDecodingArbitraryWordsNeverTraps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<300_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            _ = A32Decoder.decode(UInt32(truncatingIfNeeded: state >> 32))
        }
    }
}

/// Encodings the table rewrite decodes differently from the decoder before it, as the Arm ARM says.
final class AArch32DecoderPriorityTests: XCTestCase {
    /// SWP/SWPB (cccc 0001 0B00 ... 1001) are gone in ARMv8: the exclusive rows need bit 23 set.
    func testTheSWPSpaceIsUndefined() {
        XCTAssertEqual(A32Decoder.decode(0xE100_0F91).op, .undefined)   // swp-shaped, 11:10 = 11
        XCTAssertEqual(A32Decoder.decode(0xE180_0F91).op, .strex)       // strex r0, r1, [r0]
    }

    /// ORRS PC, r1, r2 (T32 shifted register, Rd = 1111, S = 1) is UNPREDICTABLE: it is no test
    /// form (only AND, EOR, ADD and SUB have those), and must not write R0.
    func testT32PCDestinationWithSIsUndefinedOutsideTheTestForms() {
        XCTAssertEqual(T32Decoder.decode32(0xEA51, 0x0F02).op, .undefined)   // orrs pc, r1, r2
        let tst = T32Decoder.decode32(0xEA11, 0x0F02)                         // tst r1, r2
        XCTAssertEqual(tst.op, .tst)
        XCTAssertTrue(tst.flags.contains(.setFlags))
        XCTAssertEqual(T32Decoder.decode32(0xF051, 0x0F01).op, .undefined)   // orrs pc, r1, #1
    }

    /// The Rd = PC test forms and the Rn = PC moves win over their general rows.
    func testAliasRowsWin() {
        XCTAssertEqual(T32Decoder.decode32(0xF1B1, 0x0F01).op, .cmp)   // cmp r1, #1 (SUBS with Rd = 1111)
        XCTAssertEqual(T32Decoder.decode32(0xEA4F, 0x0102).op, .mov)   // mov.w r1, r2 (ORR with Rn = 1111)
        XCTAssertEqual(A32Decoder.decode(0xE7DF_0F1F).op, .bfc)        // bfc r0, #30, #2
    }
}
