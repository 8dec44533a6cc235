import XCTest
@testable import ARMCore

/// Advanced SIMD integer arithmetic: lanes, saturation and FPSR.QC, rounding shifts, narrowing
/// and widening, Q = 0 and scalar forms clearing the rest of the register.
final class AdvancedSIMDArithmeticTests: XCTestCase {
    let m = AdvSIMDMachine()
    static let junk = QReg(0xDEAD_BEEF_DEAD_BEEF, 0xCAFE_F00D_CAFE_F00D)

    func testAddLanesDoNotCarryIntoEachOther() {
        // add v0.16b, v1.16b, v2.16b
        m.run(0x4E22_8420, v: [1: QReg(0x0F0E_0D0C_0B0A_0908, 0x0706_0504_0302_0100), 2: .splat(~0)])
        XCTAssertEqual(m.q(0), QReg(0x0E0D_0C0B_0A09_0807, 0x0605_0403_0201_00FF))
        // add v0.2d, v1.2d, v2.2d
        m.run(0x4EE2_8420, v: [1: QReg(1, ~0), 2: QReg(2, 1)])
        XCTAssertEqual(m.q(0), QReg(3, 0))
    }

    func testSixtyFourBitVectorClearsTheUpperHalf() {
        // add v0.8b, v1.8b, v2.8b
        m.run(0x0E22_8420, v: [0: Self.junk, 1: .splat(0x0101_0101_0101_0101), 2: .splat(0x0202_0202_0202_0202)])
        XCTAssertEqual(m.q(0), QReg(0, 0x0303_0303_0303_0303))
    }

    func testSignedSaturatingAddSetsQCOnlyWhenItSaturates() {
        // sqadd v0.16b, v1.16b, v2.16b
        m.run(0x4E22_0C20, v: [1: .splat(0x7F7F_7F7F_7F7F_7F7F), 2: .bytes([0x01, 0x80])])
        XCTAssertEqual(m.q(0), QReg(0x7F7F_7F7F_7F7F_7F7F, 0x7F7F_7F7F_7F7F_FF7F))
        XCTAssertTrue(m.qc)
        m.run(0x4E22_0C20, v: [1: .splat(0x0101_0101_0101_0101), 2: .splat(0x0202_0202_0202_0202)])
        XCTAssertEqual(m.q(0), .splat(0x0303_0303_0303_0303))
        XCTAssertFalse(m.qc)
        // QC is cumulative: an operation that does not saturate leaves it set.
        m.run(0x4E22_0C20, v: [1: .splat(1), 2: .splat(1)], fpsr: 1 << 27)
        XCTAssertTrue(m.qc)
    }

    func testUnsignedSaturatingSubtractClampsAtZero() {
        // uqsub v0.8h, v1.8h, v2.8h
        m.run(0x6E62_2C20, v: [1: .halves([5, 0xFFFF]), 2: .halves([6, 1])])
        XCTAssertEqual(m.q(0), .halves([0, 0xFFFE]))
        XCTAssertTrue(m.qc)
    }

    func testScalarSaturatingAddWritesOneByteAndClearsTheRest() {
        // sqadd b0, b1, b2
        m.run(0x5E22_0C20, v: [0: Self.junk, 1: QReg(~0, 0x1234_5670), 2: QReg(~0, 0x20)])
        XCTAssertEqual(m.q(0), QReg(0, 0x7F))
        XCTAssertTrue(m.qc)
        // add d0, d1, d2
        m.run(0x5EE2_8420, v: [0: Self.junk, 1: QReg(7, 40), 2: QReg(9, 2)])
        XCTAssertEqual(m.q(0), QReg(0, 42))
        // cmgt d0, d1, d2: -1 > -2
        m.run(0x5EE2_3420, v: [1: QReg(0, ~0), 2: QReg(0, ~1)])
        XCTAssertEqual(m.q(0), QReg(0, ~0))
    }

    func testDoublingMultiplyHighSaturatesOnlyMinTimesMin() {
        // sqdmulh v0.4h, v1.4h, v2.4h
        m.run(0x0E62_B420, v: [0: Self.junk, 1: .halves([0x8000, 0x4000, 0x7FFF, 0x0100]),
                               2: .halves([0x8000, 0x4000, 0x8000, 0x0100])])
        XCTAssertEqual(m.q(0), .halves([0x7FFF, 0x2000, 0x8001, 0x0002]))
        XCTAssertTrue(m.qc)
        // sqrdmulh v0.4s, v1.4s, v2.4s: rounding adds 1 << 31 before the shift.
        m.run(0x6EA2_B420, v: [1: .words([0x4000_0000, 3, 0xFFFF_FFFF, 0x8000_0000]),
                               2: .words([1, 0x4000_0000, 1, 0x8000_0000])])
        XCTAssertEqual(m.q(0), .words([1, 2, 0, 0x7FFF_FFFF]))
        XCTAssertTrue(m.qc)
    }

    func testRoundingShiftByRegisterUsesTheLowByteAsASignedAmount() {
        // srshl v0.4s, v1.4s, v2.4s: shifts -1, -1 (low byte 0xFF), +1, 0 (low byte of 0x100).
        m.run(0x4EA2_5420, v: [1: .words([7, 0xFFFF_FFF9, 0x4000_0000, 5]),
                               2: .words([0xFFFF_FFFF, 0xFF, 1, 0x100])])
        XCTAssertEqual(m.q(0), .words([4, 0xFFFF_FFFD, 0x8000_0000, 5]))
        XCTAssertFalse(m.qc)
    }

    func testUnsignedSaturatingShiftByRegister() {
        // uqshl v0.8b, v1.8b, v2.8b
        m.run(0x2E22_4C20, v: [1: .bytes([0x01, 0x80, 0xFF, 0x10, 0x10, 0x00, 0x40, 0x03]),
                               2: .bytes([7, 1, 0xFF, 4, 0xFC, 0x7F, 0x81, 6])])
        XCTAssertEqual(m.q(0), .bytes([0x80, 0xFF, 0x7F, 0xFF, 0x01, 0x00, 0x00, 0xC0]))
        XCTAssertTrue(m.qc)
    }

    func testRoundingShiftRightImmediateDoesNotOverflowTheLane() {
        // urshr v0.16b, v1.16b, #3: (0xFF + 4) >> 3 = 0x20, computed wider than a byte.
        m.run(0x6F0D_2420, v: [1: .bytes([0x04, 0x03, 0xFF, 0x0C])])
        XCTAssertEqual(m.q(0), .bytes([0x01, 0x00, 0x20, 0x02]))
        // ssra v0.2d, v1.2d, #64: the shift fills with the sign.
        m.run(0x4F40_1420, v: [0: QReg(1, 1), 1: QReg(0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000)])
        XCTAssertEqual(m.q(0), QReg(1, 0))
        // usra d0, d1, #1
        m.run(0x7F7F_1420, v: [0: QReg(5, 1), 1: QReg(5, ~0)])
        XCTAssertEqual(m.q(0), QReg(0, 0x8000_0000_0000_0000))
    }

    func testSaturatingRoundingShiftRightNarrow() {
        // sqrshrn v0.8b, v1.8h, #4
        m.run(0x0F0C_9C20, v: [0: Self.junk, 1: .halves([0x0018, 0x7FFF, 0x8000, 0xFFE8, 0x07F7, 0x0008, 0xFFF8, 0])])
        XCTAssertEqual(m.q(0), .bytes([0x02, 0x7F, 0x80, 0xFF, 0x7F, 0x01, 0x00, 0x00]))
        XCTAssertTrue(m.qc)
        // sqshrun s0, d1, #16: 0x1_0000_0000 does not fit 32 unsigned bits.
        m.run(0x7F30_8420, v: [0: Self.junk, 1: QReg(9, 0x0001_0000_0000_0000)])
        XCTAssertEqual(m.q(0), QReg(0, 0xFFFF_FFFF))
        XCTAssertTrue(m.qc)
    }

    func testNarrowSecondHalfKeepsTheLowHalf() {
        // sqxtn2 v0.16b, v1.8h
        m.run(0x4E21_4820, v: [0: QReg(~0, 0x1122_3344_5566_7788),
                               1: .halves([0x0080, 0xFF7F, 0x007F, 0xFF80, 1, 2, 3, 0xFFFF])])
        XCTAssertEqual(m.q(0), QReg(0xFF03_0201_807F_807F, 0x1122_3344_5566_7788))
        XCTAssertTrue(m.qc)
        // xtn2 v0.8h, v1.4s
        m.run(0x4E61_2820, v: [0: QReg(~0, 0xAAAA_AAAA_AAAA_AAAA),
                               1: .words([0x1234_5678, 0xFFFF_0001, 0x0001_0002, 0x9ABC_DEF0])])
        XCTAssertEqual(m.q(0), QReg(0xDEF0_0002_0001_5678, 0xAAAA_AAAA_AAAA_AAAA))
        XCTAssertFalse(m.qc)
    }

    func testHighHalfNarrowingAdds() {
        // addhn v0.8b, v1.8h, v2.8h: the carry out of 0xFF00 + 0x0100 is dropped.
        m.run(0x0E22_4020, v: [0: Self.junk, 1: .halves([0x1234, 0xFF00]), 2: .halves([0x0100, 0x0100])])
        XCTAssertEqual(m.q(0), QReg(0, 0x0013))
        // raddhn2 v0.16b, v1.8h, v2.8h
        m.run(0x6E22_4020, v: [0: QReg(~0, 0x5555), 1: .halves([0x0080, 0x017F]), 2: QReg(0, 0)])
        XCTAssertEqual(m.q(0), QReg(0x0101, 0x5555))
    }

    func testLongAndWideOperations() {
        // umull2 v0.2d, v1.4s, v2.4s
        m.run(0x6EA2_C020, v: [1: QReg(0x0000_0002_FFFF_FFFF, 0), 2: QReg(0x0000_0003_FFFF_FFFF, 0)])
        XCTAssertEqual(m.q(0), QReg(6, 0xFFFF_FFFE_0000_0001))
        // saddw2 v0.4s, v1.4s, v2.8h
        m.run(0x4E62_1020, v: [1: .words([1, 2, 3, 4]), 2: QReg(0x0000_0001_8000_FFFF, 0)])
        XCTAssertEqual(m.q(0), .words([0, 0xFFFF_8002, 4, 4]))
        // sabal v0.2d, v1.2s, v2.2s
        m.run(0x0EA2_5020, v: [0: QReg(20, 10), 1: .words([0x8000_0000, 5]), 2: .words([0x7FFF_FFFF, 9])])
        XCTAssertEqual(m.q(0), QReg(24, 0x1_0000_0009))
        // uxtl v0.8h, v1.8b
        m.run(0x2F08_A420, v: [1: QReg(~0, 0x0000_0000_0001_FF80)])
        XCTAssertEqual(m.q(0), .halves([0x80, 0xFF, 0x01]))
        // sshll2 v0.2d, v1.4s, #4
        m.run(0x4F24_A420, v: [1: QReg(0x0000_0001_8000_0000, ~0)])
        XCTAssertEqual(m.q(0), QReg(0x10, 0xFFFF_FFF8_0000_0000))
        // shll2 v0.4s, v1.8h, #16
        m.run(0x6E61_3820, v: [1: QReg(0xFFFF_0003_0002_8001, 0)])
        XCTAssertEqual(m.q(0), .words([0x8001_0000, 0x0002_0000, 0x0003_0000, 0xFFFF_0000]))
    }

    func testPolynomialMultiply() {
        // pmull2 v0.1q, v1.2d, v2.2d: (x^63 + 1)(x + 1) = x^64 + x^63 + x + 1
        m.run(0x4EE2_E020, v: [1: QReg(0x8000_0000_0000_0001, 0), 2: QReg(3, 0)])
        XCTAssertEqual(m.q(0), QReg(1, 0x8000_0000_0000_0003))
        // pmull v0.8h, v1.8b, v2.8b
        m.run(0x0E22_E020, v: [1: .bytes([0x03, 0xFF]), 2: .bytes([0x03, 0xFF])])
        XCTAssertEqual(m.q(0), .halves([0x0005, 0x5555]))
    }

    func testByElementForms() {
        // mla v0.8h, v1.8h, v2.h[7]
        m.run(0x6F72_0820, v: [0: .halves([1, 1, 1, 1, 1, 1, 1, 1]), 1: .halves([1, 2, 3, 4, 5, 6, 7, 8]),
                               2: QReg(0x0003_0000_0000_0000, 0)])
        XCTAssertEqual(m.q(0), .halves([4, 7, 10, 13, 16, 19, 22, 25]))
        // sqdmlal2 v0.4s, v1.8h, v2.h[0]: the doubled product saturates before the accumulation.
        m.run(0x4F42_3020, v: [0: .words([0, 0x7FFF_FFFF, 0, 5]), 1: QReg(0xFFFF_4000_0001_8000, 0),
                               2: .halves([0x8000])])
        XCTAssertEqual(m.q(0), .words([0x7FFF_FFFF, 0x7FFE_FFFF, 0xC000_0000, 0x0001_0005]))
        XCTAssertTrue(m.qc)
        // sqdmull s0, h1, v2.h[3]
        m.run(0x5F72_B020, v: [0: Self.junk, 1: QReg(~0, 0x0003), 2: .halves([0, 0, 0, 0xFFFE])])
        XCTAssertEqual(m.q(0), QReg(0, 0xFFFF_FFF4))
        XCTAssertFalse(m.qc)
    }

    func testAccumulateSaturatingMixedSigns() {
        // suqadd v0.16b, v1.16b: signed Vd plus unsigned Vn.
        m.run(0x4E20_3820, v: [0: .bytes([0x7F, 0x80, 0xF0, 0x00]), 1: .bytes([0x01, 0xFF, 0x20, 0x05])])
        XCTAssertEqual(m.q(0), .bytes([0x7F, 0x7F, 0x10, 0x05]))
        XCTAssertTrue(m.qc)
        // usqadd v0.8b, v1.8b: unsigned Vd plus signed Vn.
        m.run(0x2E20_3820, v: [0: QReg(~0, 0x10FE05), 1: .bytes([0xF0, 0x05, 0xF0])])
        XCTAssertEqual(m.q(0), .bytes([0x00, 0xFF, 0x00]))
        XCTAssertTrue(m.qc)
    }

    func testTwoRegisterMiscellaneous() {
        // rev64 v0.16b, v1.16b
        m.run(0x4E20_0820, v: [1: QReg(0x0F0E_0D0C_0B0A_0908, 0x0706_0504_0302_0100)])
        XCTAssertEqual(m.q(0), QReg(0x0809_0A0B_0C0D_0E0F, 0x0001_0203_0405_0607))
        // cnt v0.8b, v1.8b
        m.run(0x0E20_5820, v: [0: Self.junk, 1: .bytes([0xF0, 0x07, 0x03, 0x80, 0x00, 0x01, 0x0F, 0xFF])])
        XCTAssertEqual(m.q(0), .bytes([4, 3, 2, 1, 0, 1, 4, 8]))
        // rbit v0.16b, v1.16b
        m.run(0x6E60_5820, v: [1: .bytes([0x01, 0x80, 0xF0, 0x0A])])
        XCTAssertEqual(m.q(0), .bytes([0x80, 0x01, 0x0F, 0x50]))
        // cls v0.4s, v1.4s
        m.run(0x4EA0_4820, v: [1: .words([0, 0xFFFF_FFFF, 0x0001_0000, 0xC000_0000])])
        XCTAssertEqual(m.q(0), .words([31, 31, 14, 1]))
        // clz v0.8h, v1.8h
        m.run(0x6E60_4820, v: [1: .halves([0, 1, 0x8000, 0x00F0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF])])
        XCTAssertEqual(m.q(0), .halves([16, 15, 0, 8]))
        // sqneg v0.2d, v1.2d: -(-2^63) saturates.
        m.run(0x6EE0_7820, v: [1: QReg(5, 0x8000_0000_0000_0000)])
        XCTAssertEqual(m.q(0), QReg(0 &- 5, 0x7FFF_FFFF_FFFF_FFFF))
        XCTAssertTrue(m.qc)
        // abs d0, d1
        m.run(0x5EE0_B820, v: [0: Self.junk, 1: QReg(~0, 0 &- 3)])
        XCTAssertEqual(m.q(0), QReg(0, 3))
        // uaddlp v0.4s, v1.8h
        m.run(0x6E60_2820, v: [1: .splat(~0)])
        XCTAssertEqual(m.q(0), .splat(0x0001_FFFE_0001_FFFE))
        // bsl v0.16b, v1.16b, v2.16b: Vd selects Vn where set, Vm where clear.
        m.run(0x6E62_1C20, v: [0: QReg(0, 0xFF00_FF00_FF00_FF00), 1: .splat(0x1111_1111_1111_1111),
                               2: .splat(0x2222_2222_2222_2222)])
        XCTAssertEqual(m.q(0), QReg(0x2222_2222_2222_2222, 0x1122_1122_1122_1122))
    }

    func testShiftAndInsertAndSaturatingShiftLeftUnsigned() {
        // sri v0.4s, v1.4s, #8
        m.run(0x6F38_4420, v: [0: .splat(0xAABB_CCDD_AABB_CCDD), 1: .splat(0x1122_3344_1122_3344)])
        XCTAssertEqual(m.q(0), .splat(0xAA11_2233_AA11_2233))
        // sli d0, d1, #60
        m.run(0x7F7C_5420, v: [0: QReg(~0, 0x0123_4567_89AB_CDEF), 1: QReg(0, 5)])
        XCTAssertEqual(m.q(0), QReg(0, 0x5123_4567_89AB_CDEF))
        // sqshlu v0.8b, v1.8b, #3: a negative input saturates to zero.
        m.run(0x2F0B_6420, v: [1: .bytes([0x10, 0x20, 0xFF, 0x01])])
        XCTAssertEqual(m.q(0), .bytes([0x80, 0xFF, 0x00, 0x08]))
        XCTAssertTrue(m.qc)
    }

    func testAcrossLanesAndPairwise() {
        // uminv b0, v1.16b
        m.run(0x6E31_A820, v: [0: Self.junk, 1: QReg(0x0F11_2233_4455_6677, 0x1020_3040_5060_7080)])
        XCTAssertEqual(m.q(0), QReg(0, 0x0F))
        // umaxv h0, v1.8h
        m.run(0x6E70_A820, v: [1: QReg(0x0000_1234_FFFF_0002, 0x8000_7FFF_0001_FFFE)])
        XCTAssertEqual(m.q(0), QReg(0, 0xFFFF))
        // saddlv h0, v1.16b: sixteen -128s.
        m.run(0x4E30_3820, v: [1: .splat(0x8080_8080_8080_8080)])
        XCTAssertEqual(m.q(0), QReg(0, 0xF800))
        // addp v0.16b, v1.16b, v2.16b: Vn's pairs fill the low half, Vm's the high half.
        m.run(0x4E22_BC20, v: [1: QReg(0x0F0E_0D0C_0B0A_0908, 0x0706_0504_0302_0100), 2: .splat(~0)])
        XCTAssertEqual(m.q(0), QReg(0xFEFE_FEFE_FEFE_FEFE, 0x1D19_1511_0D09_0501))
        // addp d0, v1.2d
        m.run(0x5EF1_B820, v: [0: Self.junk, 1: QReg(2, ~0)])
        XCTAssertEqual(m.q(0), QReg(0, 1))
    }

    func testCompareEqualForStringScans() {
        // cmeq v0.16b, v1.16b, v2.16b
        m.run(0x6E22_8C20, v: [1: QReg(0x0F0E_0D0C_0B0A_0908, 0x0706_0504_0302_0100), 2: QReg(0, 0x0706_FF04_03FF_0100)])
        XCTAssertEqual(m.q(0), QReg(0, 0xFFFF_00FF_FF00_FFFF))
        // cmeq v0.16b, v1.16b, #0 on "hello" and a NUL-padded tail.
        m.run(0x4E20_9820, v: [1: QReg(0x0100_0000_0000_0000, 0x0000_006F_6C6C_6568)])
        XCTAssertEqual(m.q(0), QReg(0x00FF_FFFF_FFFF_FFFF, 0xFFFF_FF00_0000_0000))
    }
}

// MARK: Shared by the AdvancedSIMD*Tests files

/// A 128-bit register value for the Advanced SIMD tests, written high half first as the
/// manual draws registers.
struct QReg: Equatable, CustomStringConvertible {
    var hi: UInt64, lo: UInt64
    init(_ hi: UInt64, _ lo: UInt64) { self.hi = hi; self.lo = lo }
    /// Every 64-bit half equal to `v`.
    static func splat(_ v: UInt64) -> QReg { QReg(v, v) }
    /// Bytes in lane order (lane 0 first); missing bytes are zero.
    static func bytes(_ b: [UInt8]) -> QReg {
        var r = QReg(0, 0)
        for (k, v) in b.enumerated() where k < 16 {
            if k < 8 { r.lo |= UInt64(v) << UInt64(8 * k) } else { r.hi |= UInt64(v) << UInt64(8 * (k - 8)) }
        }
        return r
    }
    /// Halfwords in lane order.
    static func halves(_ h: [UInt16]) -> QReg {
        bytes(h.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    }
    /// Words in lane order.
    static func words(_ s: [UInt32]) -> QReg {
        halves(s.flatMap { [UInt16($0 & 0xFFFF), UInt16($0 >> 16)] })
    }
    var description: String { String(format: "%016llx_%016llx", hi, lo) }
}

/// One CPU with FP/SIMD enabled (CPACR_EL1.FPEN = 11) at EL1, running single instructions.
final class AdvSIMDMachine {
    let machine = CoreTestMachine()
    var cpu: CPU { machine.cpu }
    static let base = CoreTestMachine.ramBase

    /// Run `word` with V registers `v` and X registers `x` set first, FPSR = `fpsr`. Asserts
    /// the instruction completed (no exception).
    @discardableResult
    func run(_ word: UInt32, v: [Int: QReg] = [:], x: [Int: UInt64] = [:], fpsr: UInt64 = 0,
             file: StaticString = #filePath, line: UInt = #line) -> AdvSIMDMachine {
        let completed = attempt(word, v: v, x: x, fpsr: fpsr)
        XCTAssertTrue(completed, String(format: "0x%08x did not complete (ESR_EL1.EC 0x%llx)", word, machine.esrEC),
                      file: file, line: line)
        return self
    }

    /// Run `word`; true when it completed without an exception.
    func attempt(_ word: UInt32, v: [Int: QReg] = [:], x: [Int: UInt64] = [:], fpsr: UInt64 = 0,
                 el: UInt8 = 1, cpacr: UInt64 = 3 << 20) -> Bool {
        let pc = Self.base
        _ = machine.bus.write(pc, size: 4, value: UInt64(word))
        cpu.boot(entry: pc, el: el)
        cpu.sysregs[SysReg.CPACR_EL1] = cpacr
        cpu.sysregs[SysReg.VBAR_EL1] = pc + 0x8000
        cpu.sysregs[SysReg.VBAR_EL2] = pc + 0x8000
        cpu.sysregs[SysReg.ESR_EL1] = 0
        cpu.fpsr = fpsr
        for (n, q) in v { cpu.setV(UInt8(n), low: q.lo, high: q.hi) }
        for (n, value) in x { cpu.x[n] = value }
        cpu.step()
        return cpu.pc == pc + 4
    }

    /// Vn as a QReg value (high half first).
    func q(_ n: Int) -> QReg { QReg(cpu.vHigh(UInt8(n)), cpu.vLow(UInt8(n))) }
    var qc: Bool { cpu.fpsr & (1 << 27) != 0 }
}
