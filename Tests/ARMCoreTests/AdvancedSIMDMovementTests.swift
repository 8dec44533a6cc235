import XCTest
@testable import ARMCore

/// Advanced SIMD data movement (copy, modified immediate, permute, EXT, TBL/TBX), reserved
/// encodings and the FP/SIMD access trap.
final class AdvancedSIMDMovementTests: XCTestCase {
    let m = AdvSIMDMachine()
    static let junk = QReg(0xDEAD_BEEF_DEAD_BEEF, 0xCAFE_F00D_CAFE_F00D)
    static let bytes00to0F = QReg(0x0F0E_0D0C_0B0A_0908, 0x0706_0504_0302_0100)
    static let bytes10to1F = QReg(0x1F1E_1D1C_1B1A_1918, 0x1716_1514_1312_1110)

    func testMovesToGeneralRegisters() {
        // umov w0, v1.h[5]: the rest of X0 is cleared.
        m.run(0x0E16_3C20, v: [1: QReg(0x4444_3333_2222_1111, 0)], x: [0: ~0])
        XCTAssertEqual(m.cpu.x[0], 0x2222)
        // mov x0, v1.d[1]
        m.run(0x4E18_3C20, v: [1: QReg(0x0123_4567_89AB_CDEF, 0)])
        XCTAssertEqual(m.cpu.x[0], 0x0123_4567_89AB_CDEF)
        // smov x0, v1.b[15]
        m.run(0x4E1F_2C20, v: [1: QReg(0x8000_0000_0000_0000, 0)])
        XCTAssertEqual(m.cpu.x[0], 0xFFFF_FFFF_FFFF_FF80)
        // smov w0, v1.h[2]: sign-extended to 32 bits, then zero-extended.
        m.run(0x0E0A_2C20, v: [1: QReg(0, 0x0000_8001_0000_0000)], x: [0: ~0])
        XCTAssertEqual(m.cpu.x[0], 0xFFFF_8001)
        // umov wzr, v1.h[5] (Rd = 31) writes nothing.
        m.run(0x0E16_3C3F, v: [1: .splat(~0)])
        XCTAssertEqual(m.cpu.x[Int(Reg.zr)], 0)
    }

    func testInsertKeepsTheOtherLanes() {
        // mov v0.s[3], w1
        m.run(0x4E1C_1C20, v: [0: QReg(0x1111_1111_2222_2222, 0x3333_3333_4444_4444)], x: [1: 0xDEAD_BEEF_CAFE_F00D])
        XCTAssertEqual(m.q(0), QReg(0xCAFE_F00D_2222_2222, 0x3333_3333_4444_4444))
        // mov v0.b[7], v1.b[12]
        m.run(0x6E0F_6420, v: [0: QReg(0, 0), 1: QReg(0x0000_0099_0000_0000, 0)])
        XCTAssertEqual(m.q(0), QReg(0, 0x9900_0000_0000_0000))
    }

    func testDuplicate() {
        // dup v0.8h, w1
        m.run(0x4E02_0C20, x: [1: 0x1234_5678_ABCD])
        XCTAssertEqual(m.q(0), .splat(0xABCD_ABCD_ABCD_ABCD))
        // dup v0.4s, v1.s[3]
        m.run(0x4E1C_0420, v: [1: QReg(0x8765_4321_0000_0000, 0)])
        XCTAssertEqual(m.q(0), .splat(0x8765_4321_8765_4321))
        // mov b0, v1.b[9]: a scalar; the rest of V0 is cleared.
        m.run(0x5E13_0420, v: [0: Self.junk, 1: QReg(0x5A00, ~0)])
        XCTAssertEqual(m.q(0), QReg(0, 0x5A))
    }

    func testModifiedImmediates() {
        // movi v0.16b, #0xab
        m.run(0x4F05_E560)
        XCTAssertEqual(m.q(0), .splat(0xABAB_ABAB_ABAB_ABAB))
        // movi v0.2d, #0xff00ff0000ffff00
        m.run(0x6F05_E4C0)
        XCTAssertEqual(m.q(0), .splat(0xFF00_FF00_00FF_FF00))
        // movi d0, #0xff00ff0000ffff00: a scalar, the upper half cleared.
        m.run(0x2F05_E4C0, v: [0: Self.junk])
        XCTAssertEqual(m.q(0), QReg(0, 0xFF00_FF00_00FF_FF00))
        // mvni v0.4s, #0x12, lsl #8
        m.run(0x6F00_2640)
        XCTAssertEqual(m.q(0), .splat(0xFFFF_EDFF_FFFF_EDFF))
        // orr v0.8h, #0x34, lsl #8
        m.run(0x4F01_B680, v: [0: .splat(0x0001_0002_0003_0004)])
        XCTAssertEqual(m.q(0), .splat(0x3401_3402_3403_3404))
        // bic v0.4s, #0xff
        m.run(0x6F07_17E0, v: [0: .splat(0x1234_5678_9ABC_DEF0)])
        XCTAssertEqual(m.q(0), .splat(0x1234_5600_9ABC_DE00))
        // movi v0.4s, #0x56, msl #16: shifting ones in.
        m.run(0x4F02_D6C0)
        XCTAssertEqual(m.q(0), .splat(0x0056_FFFF_0056_FFFF))
        // fmov v0.4s, #1.0
        m.run(0x4F03_F600)
        XCTAssertEqual(m.q(0), .splat(0x3F80_0000_3F80_0000))
        // fmov v0.2d, #-2.5
        m.run(0x6F04_F480)
        XCTAssertEqual(m.q(0), .splat(0xC004_0000_0000_0000))
    }

    func testPermutes() {
        // ext v0.16b, v1.16b, v2.16b, #3
        m.run(0x6E02_1820, v: [1: Self.bytes00to0F, 2: Self.bytes10to1F])
        XCTAssertEqual(m.q(0), QReg(0x1211_100F_0E0D_0C0B, 0x0A09_0807_0605_0403))
        // ext v0.8b, v1.8b, v2.8b, #7
        m.run(0x2E02_3820, v: [0: Self.junk, 1: Self.bytes00to0F, 2: Self.bytes10to1F])
        XCTAssertEqual(m.q(0), QReg(0, 0x1615_1413_1211_1007))
        // zip1 v0.8h, v1.8h, v2.8h
        m.run(0x4E42_3820, v: [1: .halves([0, 1, 2, 3, 4, 5, 6, 7]), 2: .halves([0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17])])
        XCTAssertEqual(m.q(0), .halves([0, 0x10, 1, 0x11, 2, 0x12, 3, 0x13]))
        // uzp2 v0.4s, v1.4s, v2.4s
        m.run(0x4E82_5820, v: [1: .words([0, 1, 2, 3]), 2: .words([4, 5, 6, 7])])
        XCTAssertEqual(m.q(0), .words([1, 3, 5, 7]))
        // trn1 v0.16b, v1.16b, v2.16b
        m.run(0x4E02_2820, v: [1: Self.bytes00to0F, 2: Self.bytes10to1F])
        XCTAssertEqual(m.q(0), QReg(0x1E0E_1C0C_1A0A_1808, 0x1606_1404_1202_1000))
    }

    func testTableLookupOutOfRangeIndices() {
        // tbl v0.16b, {v1.16b}, v2.16b: indices 16 and up read as zero.
        m.run(0x4E02_0020, v: [1: Self.bytes10to1F, 2: QReg(0x0505_0505_0505_0505, 0x0108_8003_FF10_0F00)])
        XCTAssertEqual(m.q(0), QReg(0x1515_1515_1515_1515, 0x1118_0013_0000_1F10))
        // tbx v0.8b, {v1.16b}, v2.8b: out-of-range indices keep Vd's byte; the upper half clears.
        m.run(0x0E02_1020, v: [0: QReg(~0, 0xAAAA_AAAA_AAAA_AAAA), 1: Self.bytes10to1F,
                               2: QReg(0, 0x2020_2020_FF02_1000)])
        XCTAssertEqual(m.q(0), QReg(0, 0xAAAA_AAAA_AA12_AA10))
        // tbl v0.16b, {v31.16b, v0.16b}, v2.16b: the register list wraps from V31 to V0, and V0 is
        // read as a table before it is written.
        m.run(0x4E02_23E0, v: [31: Self.bytes00to0F, 0: Self.bytes10to1F, 2: QReg(0, 0x1EFF_110F_2010_001F)])
        XCTAssertEqual(m.q(0), QReg(0, 0x1E00_110F_0010_001F))
    }

    func testReservedEncodingsAreUndefined() {
        let reserved: [(UInt32, String)] = [
            (0x0EE2_8420, "add v0.1d (size:Q = 110)"),
            (0x4EE2_0420, "shadd with size 11"),
            (0x0EE1_2820, "xtn with size 11"),
            (0x0E08_0420, "dup v0.1d, v1.d[0] (Q = 0)"),
            (0x2E02_4020, "ext v0.8b with imm4 = 8"),
            (0x2F04_F480, "fmov (vector, double) with Q = 0"),
            (0x0E22_B420, "sqdmulh with byte lanes"),
            (0x0F00_8020, "mul (by element) with size 00"),
            (0x4E10_0420, "dup (element) with imm5 = 10000"),
            (0x0F40_8420, "shrn with immh = 1xxx"),
            (0x5F09_0420, "sshr (scalar) with a byte element"),
            (0x0E08_3C20, "umov w0 with a D element"),
            (0x0E62_E020, "pmull with size 01"),
            (0x6EE2_8420 & ~0x4000_0000, "sub v0.1d (size:Q = 110)"),
            (0x0EB0_B820, "addv with two S lanes"),
        ]
        for (word, what) in reserved {
            m.cpu.setV(0, low: 0x1234, high: 0x5678)
            XCTAssertFalse(m.attempt(word, v: [0: QReg(0x5678, 0x1234)]), what)
            XCTAssertEqual(m.machine.esrEC, 0x00, "\(what): UNDEFINED is EC 0")
            XCTAssertEqual(m.q(0), QReg(0x5678, 0x1234), "\(what) changed V0")
        }
    }

    func testFPAccessTrap() {
        // add v0.16b, v1.16b, v2.16b with CPACR_EL1.FPEN = 00 at EL1: EC 0x07 to EL1, nothing written.
        XCTAssertFalse(m.attempt(0x4E22_8420, v: [0: QReg(1, 2), 1: QReg(3, 3), 2: QReg(4, 4)], cpacr: 0))
        XCTAssertEqual(m.machine.esrEC, 0x07)
        XCTAssertEqual(m.q(0), QReg(1, 2))
        // FPEN = 01 traps EL0 only.
        XCTAssertFalse(m.attempt(0x4E22_8420, el: 0, cpacr: 1 << 20))
        XCTAssertEqual(m.machine.esrEC, 0x07)
        XCTAssertTrue(m.attempt(0x4E22_8420, el: 1, cpacr: 1 << 20))
        // umov w0, v1.h[5] is an Advanced SIMD instruction too: it traps before writing X0.
        XCTAssertFalse(m.attempt(0x0E16_3C20, x: [0: 77], cpacr: 0))
        XCTAssertEqual(m.cpu.x[0], 77)
        // CPTR_EL2.TFP traps EL1 to EL2.
        m.cpu.sysregs[SysReg.CPTR_EL2] = 1 << 10
        XCTAssertFalse(m.attempt(0x4E22_8420))
        XCTAssertEqual(m.machine.esr2EC, 0x07)
        m.cpu.sysregs[SysReg.CPTR_EL2] = 0
    }
}
