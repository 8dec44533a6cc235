import XCTest
@testable import Stage2MMU

/// Decoding of TCR_EL1, TCR_EL2, VTCR_EL2 and the base registers into regime values.
final class RegimeConfigTests: XCTestCase {
    func testTG0AndTG1HaveDifferentEncodings() {
        XCTAssertEqual(Granule.fromTG0(0b00), .size4KB)
        XCTAssertEqual(Granule.fromTG0(0b01), .size64KB)
        XCTAssertEqual(Granule.fromTG0(0b10), .size16KB)
        XCTAssertEqual(Granule.fromTG1(0b01), .size16KB)
        XCTAssertEqual(Granule.fromTG1(0b10), .size4KB)
        XCTAssertEqual(Granule.fromTG1(0b11), .size64KB)
        // Reserved encodings: the IMPLEMENTATION DEFINED choice is 4 KiB.
        XCTAssertEqual(Granule.fromTG0(0b11), .size4KB)
        XCTAssertEqual(Granule.fromTG1(0b00), .size4KB)

        let c = Stage1Config(tcrEL1: Reg.tcrEL1(tg0: 0b10, tg1: 0b11), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1)
        XCTAssertEqual(c.lower.granule, .size16KB)
        XCTAssertEqual(c.upper.granule, .size64KB)
    }

    /// D8.2.6: the start level follows from the input size and the granule.
    func testStage1StartLevelFromTxSZ() {
        let cases: [(tg0: UInt64, t0sz: UInt64, level: Int)] = [
            (0b00, 16, 0), (0b00, 24, 0), (0b00, 25, 1), (0b00, 33, 1), (0b00, 34, 2), (0b00, 39, 2),
            (0b10, 16, 0), (0b10, 17, 1), (0b10, 27, 1), (0b10, 28, 2), (0b10, 38, 2), (0b10, 39, 3),
            (0b01, 16, 1), (0b01, 21, 1), (0b01, 22, 2), (0b01, 34, 2), (0b01, 35, 3), (0b01, 39, 3),
        ]
        for c in cases {
            let cfg = Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: c.t0sz, tg0: c.tg0), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1)
            XCTAssertEqual(cfg.lower.startLevel, c.level, "TG0 \(c.tg0) T0SZ \(c.t0sz)")
            XCTAssertEqual(cfg.lower.inputSize, 64 - Int(c.t0sz))
        }
    }

    /// Out-of-range TxSZ is forced to the nearest legal value (Unpredictable_RESTnSZ, FORCE).
    func testTxSZIsConstrained() {
        let lo = Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: 0, t1sz: 8), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1)
        XCTAssertEqual(lo.lower.inputSize, 48)
        XCTAssertEqual(lo.upper.inputSize, 48)
        let hi = Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: 63, t1sz: 40), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1)
        XCTAssertEqual(hi.lower.inputSize, 25)
        XCTAssertEqual(hi.upper.inputSize, 25)
        let s2 = Stage2Config(vtcr: Reg.vtcr(t0sz: 63, sl0: 0), vttbr: 0)
        XCTAssertEqual(s2.inputSize, 25)
    }

    func testASIDFromTTBR0OrTTBR1AndItsWidth() {
        let t0 = Reg.ttbr(0x4000_0000, asid: 0x1234)
        let t1 = Reg.ttbr(0x4001_0000, asid: 0xABCD)
        XCTAssertEqual(Stage1Config(tcrEL1: Reg.tcrEL1(), ttbr0: t0, ttbr1: t1, mair: 0, sctlr: 1).asid, 0x34)
        XCTAssertEqual(Stage1Config(tcrEL1: Reg.tcrEL1(as16: true), ttbr0: t0, ttbr1: t1, mair: 0, sctlr: 1).asid, 0x1234)
        XCTAssertEqual(Stage1Config(tcrEL1: Reg.tcrEL1(a1: true), ttbr0: t0, ttbr1: t1, mair: 0, sctlr: 1).asid, 0xCD)
        XCTAssertEqual(Stage1Config(tcrEL1: Reg.tcrEL1(a1: true, as16: true), ttbr0: t0, ttbr1: t1, mair: 0, sctlr: 1).asid, 0xABCD)
        // The ASID is not part of the table base.
        let c = Stage1Config(tcrEL1: Reg.tcrEL1(), ttbr0: t0, ttbr1: t1, mair: 0, sctlr: 1)
        XCTAssertEqual(c.lower.tableBase, 0x4000_0000)
        XCTAssertEqual(c.upper.tableBase, 0x4001_0000)
    }

    /// IPS/PS decode, clamped to the implemented PA size (AArch64.PAMax).
    func testOutputSizeClampedToPASize() {
        let sizes: [UInt64: Int] = [0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 44, 6: 44, 7: 44]
        for (ips, bits) in sizes {
            XCTAssertEqual(Stage1Config(tcrEL1: Reg.tcrEL1(ips: ips), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1).outputSize, bits)
            XCTAssertEqual(Stage1Config(tcrEL2: Reg.tcrEL2(ps: ips), ttbr0: 0, mair: 0, sctlr: 1).outputSize, bits)
            XCTAssertEqual(Stage2Config(vtcr: Reg.vtcr(t0sz: 24, sl0: 1, ps: ips), vttbr: 0).outputSize, bits)
        }
        let wide = Stage1Config(tcrEL1: Reg.tcrEL1(ips: 5), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 1, physicalAddressBits: 48)
        XCTAssertEqual(wide.outputSize, 48)
    }

    func testEL2RegimeHasOneRangeAndNoASID() {
        let c = Stage1Config(tcrEL2: Reg.tcrEL2(t0sz: 25, tg0: 0b01, tbi: true), ttbr0: Reg.ttbr(0x4000_0000, asid: 7),
                             mair: 0, sctlr: Reg.sctlr(wxn: true))
        XCTAssertEqual(c.regime, .el2)
        XCTAssertTrue(c.enabled)
        XCTAssertTrue(c.lower.walksEnabled)
        XCTAssertFalse(c.upper.walksEnabled)
        XCTAssertEqual(c.lower.granule, .size64KB)
        XCTAssertEqual(c.lower.inputSize, 39)
        XCTAssertEqual(c.lower.startLevel, 2)
        XCTAssertEqual(c.asid, 0)
        XCTAssertTrue(c.writeImpliesExecuteNever)
        XCTAssertTrue(c.lower.topByteIgnored)
        XCTAssertEqual(c.lower.tableBase, 0x4000_0000)
        let regime = TranslationRegime.el2(tcr: Reg.tcrEL2(), ttbr0: 0, mair: 0, sctlr: 1)
        XCTAssertNil(regime.stage2)
        XCTAssertEqual(regime.tlbContext.regime, .el2)
    }

    func testEPDAndTBIFields() {
        let c = Stage1Config(tcrEL1: Reg.tcrEL1(epd1: true, tbi0: true), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 0)
        XCTAssertFalse(c.enabled)
        XCTAssertTrue(c.lower.walksEnabled)
        XCTAssertFalse(c.upper.walksEnabled)
        XCTAssertTrue(c.lower.topByteIgnored)
        XCTAssertFalse(c.upper.topByteIgnored)
        // TBI0 applies to addresses with bit 55 clear, TBI1 to those with it set.
        XCTAssertEqual(c.effectiveAddress(0xAB00_0000_1234_5678), 0x0000_0000_1234_5678)
        XCTAssertEqual(c.effectiveAddress(0xAB80_0000_1234_5678), 0xAB80_0000_1234_5678)
        let c1 = Stage1Config(tcrEL1: Reg.tcrEL1(tbi1: true), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 0)
        XCTAssertEqual(c1.effectiveAddress(0x1280_0000_1234_5678), 0xFF80_0000_1234_5678)
        XCTAssertEqual(c1.effectiveAddress(0x1200_0000_1234_5678), 0x1200_0000_1234_5678)
    }

    /// D8.2.7: stage-2 start level from SL0 and T0SZ, with concatenation of up to 16 tables.
    func testStage2StartLevelLegality() {
        struct Case { var tg0: UInt64; var sl0: UInt64; var t0sz: UInt64; var level: Int?; var tables: Int }
        let cases: [Case] = [
            // 4 KiB: SL0 0 → level 2, 1 → level 1, 2 → level 0, 3 reserved.
            Case(tg0: 0b00, sl0: 0, t0sz: 34, level: 2, tables: 1),   // 30-bit IPA
            Case(tg0: 0b00, sl0: 0, t0sz: 30, level: 2, tables: 16),  // 34 bits: 16 tables
            Case(tg0: 0b00, sl0: 0, t0sz: 29, level: nil, tables: 0), // 35 bits: 32 tables, too many
            Case(tg0: 0b00, sl0: 1, t0sz: 25, level: 1, tables: 1),   // 39 bits
            Case(tg0: 0b00, sl0: 1, t0sz: 24, level: 1, tables: 2),   // 40 bits: 2 tables
            Case(tg0: 0b00, sl0: 1, t0sz: 21, level: 1, tables: 16),  // 43 bits: 16 tables
            Case(tg0: 0b00, sl0: 1, t0sz: 20, level: nil, tables: 0), // 44 bits: 32 tables
            Case(tg0: 0b00, sl0: 1, t0sz: 34, level: nil, tables: 0), // 30 bits: 1 entry, too few
            Case(tg0: 0b00, sl0: 2, t0sz: 20, level: 0, tables: 1),   // 44 bits from level 0
            Case(tg0: 0b00, sl0: 3, t0sz: 20, level: nil, tables: 0), // SL0 = 3 reserved for 4 KiB
            Case(tg0: 0b00, sl0: 2, t0sz: 16, level: nil, tables: 0), // 48-bit IPA > 44-bit PA
            // 16 KiB: SL0 0 → level 3, 1 → level 2, 2 → level 1, 3 reserved (level 0).
            Case(tg0: 0b10, sl0: 1, t0sz: 28, level: 2, tables: 1),   // 36 bits
            Case(tg0: 0b10, sl0: 1, t0sz: 24, level: 2, tables: 16),  // 40 bits
            Case(tg0: 0b10, sl0: 2, t0sz: 20, level: 1, tables: 1),   // 44 bits
            Case(tg0: 0b10, sl0: 0, t0sz: 39, level: 3, tables: 1),   // 25 bits
            Case(tg0: 0b10, sl0: 3, t0sz: 20, level: nil, tables: 0),
            // 64 KiB: SL0 0 → level 3, 1 → level 2, 2 → level 1, 3 reserved.
            Case(tg0: 0b01, sl0: 1, t0sz: 22, level: 2, tables: 1),   // 42 bits
            Case(tg0: 0b01, sl0: 1, t0sz: 20, level: 2, tables: 4),   // 44 bits: 4 tables
            Case(tg0: 0b01, sl0: 2, t0sz: 20, level: 1, tables: 1),   // 44 bits from level 1
            Case(tg0: 0b01, sl0: 0, t0sz: 35, level: 3, tables: 1),   // 29 bits from level 3
            Case(tg0: 0b01, sl0: 0, t0sz: 34, level: 3, tables: 2),   // 30 bits: 2 tables
            Case(tg0: 0b01, sl0: 3, t0sz: 20, level: nil, tables: 0),
        ]
        for c in cases {
            let s2 = Stage2Config(vtcr: Reg.vtcr(t0sz: c.t0sz, sl0: c.sl0, tg0: c.tg0), vttbr: Reg.vttbr(0, vmid: 0x1FF))
            let what = "TG0 \(c.tg0) SL0 \(c.sl0) T0SZ \(c.t0sz)"
            XCTAssertEqual(s2.startLevelValid, c.level != nil, what)
            if let level = c.level {
                XCTAssertEqual(s2.startLevel, level, what)
                XCTAssertEqual(s2.concatenatedTables, c.tables, what)
            }
            XCTAssertEqual(s2.vmid, 0xFF, "VMID is 8 bits")
        }
        // Level 1 for 16 KiB needs more than 40 PA bits, level 0 for 4 KiB more than 42.
        XCTAssertFalse(Stage2Config(vtcr: Reg.vtcr(t0sz: 24, sl0: 2, tg0: 0b10), vttbr: 0, physicalAddressBits: 40).startLevelValid)
        XCTAssertFalse(Stage2Config(vtcr: Reg.vtcr(t0sz: 24, sl0: 2), vttbr: 0, physicalAddressBits: 40).startLevelValid)
        XCTAssertFalse(Stage2Config(vtcr: Reg.vtcr(t0sz: 22, sl0: 2, tg0: 0b01), vttbr: 0, physicalAddressBits: 42).startLevelValid)
    }

    func testRegimeTagsSeparateStagesAndVMID() {
        let a = TranslationRegime.el10(tcr: Reg.tcrEL1(), ttbr0: Reg.ttbr(0, asid: 3), ttbr1: 0, mair: 0, sctlr: 1,
                                       vtcr: Reg.vtcr(t0sz: 24, sl0: 1), vttbr: Reg.vttbr(0, vmid: 5), stage2Enabled: true)
        XCTAssertEqual(a.tlbContext.asid, 3)
        XCTAssertEqual(a.tlbContext.vmid, 5)
        XCTAssertTrue(a.stage2Active)
        XCTAssertFalse(a.isFlat)
        let b = TranslationRegime.el10(tcr: Reg.tcrEL1(), ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 0,
                                       vtcr: 0, vttbr: Reg.vttbr(0, vmid: 5), stage2Enabled: false)
        XCTAssertTrue(b.isFlat)
        XCTAssertEqual(b.tlbContext.vmid, 5, "the VMID tags EL1&0 entries even with stage 2 off")
        XCTAssertNotEqual(a.tlbContext, b.tlbContext)
    }
}
