import XCTest
@testable import ARMCore
import Bus

/// AArch32 Advanced SIMD, one group at a time. Every program is given as A32 words and runs
/// twice: as A32, and rewritten to T32 (1111 001U -> 111U 1111, 1111 0100 -> 1111 1001, the
/// VFP-space transfers unchanged), on a CPU in AArch32 SVC mode with FP enabled. Encodings
/// carry their assembly (binutils) in a comment.
final class NEONTests: XCTestCase {
    static let base = UInt32(CoreTestMachine.ramBase)
    static let data = base + 0x8000
    let qcBit: UInt32 = 1 << 27

    /// The T32 form of an A32 Advanced SIMD or VFP word.
    static func t32(_ w: UInt32) -> (UInt16, UInt16) {
        let hw2 = UInt16(w & 0xFFFF)
        if w >> 25 == 0b111_1001 { return (UInt16(0xEF00 | (w >> 24 & 1) << 12 | (w >> 16 & 0xFF)), hw2) }
        if w >> 24 == 0xF4 { return (UInt16(0xF900 | (w >> 16 & 0xFF)), hw2) }
        return (UInt16(w >> 16), hw2)
    }

    func machine(_ words: [UInt32], thumb: Bool) -> CoreTestMachine {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: Self.base, mode: .svc, thumb: thumb)
        for (k, w) in words.enumerated() {
            let at = UInt64(Self.base) + UInt64(4 * k)
            if thumb {
                let (a, b) = Self.t32(w)
                _ = m.bus.write(at, size: 2, value: UInt64(a))
                _ = m.bus.write(at + 2, size: 2, value: UInt64(b))
            } else {
                m.program([w], at: at)
            }
        }
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(Self.base) + 0x2000
        return m
    }

    /// Run `words` in both instruction sets: `setup` before, `check` after all have retired.
    func both(_ words: [UInt32], setup: (CoreTestMachine) -> Void = { _ in },
              check: (CoreTestMachine, String) -> Void) {
        for thumb in [false, true] {
            let m = machine(words, thumb: thumb)
            setup(m)
            m.steps(words.count)
            check(m, thumb ? "T32" : "A32")
        }
    }

    func q(_ m: CoreTestMachine, _ n: UInt32) -> [UInt64] { [m.cpu.dreg(2 * n), m.cpu.dreg(2 * n + 1)] }
    func setQ(_ m: CoreTestMachine, _ n: UInt32, _ lo: UInt64, _ hi: UInt64) {
        m.cpu.setDreg(2 * n, lo); m.cpu.setDreg(2 * n + 1, hi)
    }
    /// Four 32-bit lanes, lane 0 first, as a Q register's two D halves.
    func lanes32(_ l: [UInt32]) -> [UInt64] {
        [UInt64(l[1]) << 32 | UInt64(l[0]), UInt64(l[3]) << 32 | UInt64(l[2])]
    }

    // MARK: Three registers of the same length

    func testThreeSameInteger() {
        both([
            0xF201_0802,   // vadd.i8 d0, d1, d2
            0xF227_5406,   // vshl.s32 d5, d6, d7  (value Dm = d6, shift Dn = d7)
            0xF214_3B15,   // vpadd.i16 d3, d4, d5
            0xF352_01F4,   // vbsl q8, q9, q10
        ], setup: { m in
            m.cpu.setDreg(1, 0x01FF_7F80_0000_00FF); m.cpu.setDreg(2, 0x0101_0101_0101_0101)
            m.cpu.setDreg(6, 0x8000_0000_0000_0010); m.cpu.setDreg(7, 0xFFFF_FFFC_0000_0003)
            m.cpu.setDreg(4, 0x0004_0003_0002_0001)
            self.setQ(m, 8, 0xFF00_FF00_FF00_FF00, 0x0000_0000_FFFF_FFFF)
            self.setQ(m, 9, 0x1111_1111_1111_1111, 0x1111_1111_1111_1111)
            self.setQ(m, 10, 0x2222_2222_2222_2222, 0x2222_2222_2222_2222)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x0200_8081_0101_0100, "\(isa): VADD.I8 wraps per lane")
            // d5 is also VPADD's Dm, read after VSHL wrote it.
            XCTAssertEqual(m.cpu.dreg(5), 0xF800_0000_0000_0080, "\(isa): VSHL left by 3, right (arithmetic) by 4")
            XCTAssertEqual(m.cpu.dreg(3), 0xF800_0080_0007_0003, "\(isa): VPADD folds Dn's pairs, then Dm's")
            XCTAssertEqual(self.q(m, 8), [0x1122_1122_1122_1122, 0x2222_2222_1111_1111], "\(isa): VBSL")
            XCTAssertEqual(m.cpu.fpscr & self.qcBit, 0, isa)
        }
    }

    func testSaturatingThreeSameSetQC() {
        both([
            0xF216_4058,   // vqadd.s16 q2, q3, q4
        ], setup: { m in
            self.setQ(m, 3, 0x7FFF_8000_0001_0002, 0); self.setQ(m, 4, 0x0001_FFFF_0002_0003, 0)
        }) { m, isa in
            XCTAssertEqual(self.q(m, 2), [0x7FFF_8000_0003_0005, 0], "\(isa): VQADD clamps both ways")
            XCTAssertEqual(m.cpu.fpscr & self.qcBit, self.qcBit, "\(isa): QC")
        }
        both([
            0xF211_0B02,   // vqdmulh.s16 d0, d1, d2
        ], setup: { m in
            m.cpu.setDreg(1, 0xFFFF_0100_4000_8000); m.cpu.setDreg(2, 0x0002_0100_4000_8000)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0xFFFF_0002_2000_7FFF, "\(isa): VQDMULH, -1 * -1 saturates")
            XCTAssertEqual(m.cpu.fpscr & self.qcBit, self.qcBit, "\(isa): QC")
        }
    }

    // MARK: Floating point and the Standard FPSCR value

    func testFloatIgnoresFPSCRModesButSetsItsFlags() {
        both([
            0xF201_0D02,   // vadd.f32 d0, d1, d2
            0xF301_3D12,   // vmul.f32 d3, d1, d2
        ], setup: { m in
            // FZ = 0, DN = 0, RMode = toward zero: Advanced SIMD uses FZ = 1, DN = 1, nearest.
            m.cpu.setFPSCR(0x00C0_0000)
            m.cpu.setDreg(1, 0x0000_0001_3F80_0000)      // [1.0, a denormal]
            m.cpu.setDreg(2, 0x7F80_0001_33C0_0000)      // [0.75 ulp of 1.0, a signalling NaN]
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0) & 0xFFFF_FFFF, 0x3F80_0001, "\(isa): rounded to nearest, not toward zero")
            XCTAssertEqual(m.cpu.dreg(0) >> 32, 0x7FC0_0000, "\(isa): the default NaN, not the quietened input")
            XCTAssertEqual(m.cpu.dreg(3) >> 32, 0x7FC0_0000, isa)
            XCTAssertEqual(m.cpu.dreg(3) & 0xFFFF_FFFF, 0x33C0_0000, isa)
            let f = m.cpu.fpscr
            XCTAssertEqual(f & 0x07C0_0000, 0x00C0_0000, "\(isa): the FPSCR's own modes are untouched")
            XCTAssertEqual(f & 0x9F, 0x01 | 0x10 | 0x80, "\(isa): IOC, IXC and IDC (the flushed denormal) collect")
        }
        both([
            0xF201_0D02,   // vadd.f32 d0, d1, d2
        ], setup: { m in
            m.cpu.setDreg(1, 0x0000_0001_0000_0001); m.cpu.setDreg(2, 0)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0, "\(isa): denormal inputs are flushed to zero")
        }
    }

    func testFloatStepsAndEstimates() {
        both([
            0xF200_0F12,   // vrecps.f32 d0, d0, d2
            0xF3BB_4501,   // vrecpe.f32 d4, d1
        ], setup: { m in
            m.cpu.setDreg(0, 0x7F80_0000_4000_0000)      // [2.0, +inf]
            m.cpu.setDreg(2, 0x0000_0000_3F00_0000)      // [0.5, 0]
            m.cpu.setDreg(1, 0x0000_0000_4000_0000)      // [2.0, +0]
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x4000_0000_3F80_0000, "\(isa): 2 - 2*0.5 = 1; inf * 0 counts as 0")
            XCTAssertEqual(m.cpu.dreg(4), 0x7F80_0000_3EFF_8000, "\(isa): VRECPE of 2.0 and of +0")
            XCTAssertEqual(m.cpu.fpscr & 0x2, 0x2, "\(isa): DZC from the estimate of zero")
        }
    }

    // MARK: Three registers of different lengths, and by scalar

    func testThreeDifferent() {
        both([
            0xF282_0003,   // vaddl.s8 q0, d2, d3
            0xF2A4_2E05,   // vmull.p64 q1, d4, d5
            0xF296_4D07,   // vqdmull.s16 q2, d6, d7
        ], setup: { m in
            m.cpu.setDreg(2, 0x0000_0000_FF01_7F80); m.cpu.setDreg(3, 0x0000_0000_FF01_7F80)
            m.cpu.setDreg(4, 0x8000_0000_0000_0003); m.cpu.setDreg(5, 3)
            m.cpu.setDreg(6, 0x0000_0000_0002_8000); m.cpu.setDreg(7, 0x0000_0000_0006_8000)
        }) { m, isa in
            XCTAssertEqual(self.q(m, 0), [0xFFFE_0002_00FE_FF00, 0], "\(isa): VADDL.S8 widens signed")
            XCTAssertEqual(self.q(m, 1), [0x8000_0000_0000_0005, 1], "\(isa): VMULL.P64 carry-less")
            XCTAssertEqual(self.q(m, 2), [0x0000_0018_7FFF_FFFF, 0], "\(isa): VQDMULL saturates -1 * -1")
            XCTAssertEqual(m.cpu.fpscr & self.qcBit, self.qcBit, isa)
        }
    }

    func testByScalar() {
        both([
            0xF3A2_0064,   // vmla.i32 q0, q1, d4[1]
            0xF2A3_6C44,   // vqdmulh.s32 d6, d3, d4[0]
        ], setup: { m in
            let q0 = self.lanes32([1, 2, 3, 4]), q1 = self.lanes32([10, 20, 30, 40])
            self.setQ(m, 0, q0[0], q0[1]); self.setQ(m, 1, q1[0], q1[1])
            m.cpu.setDreg(4, 0x0000_0007_8000_0000)     // [0x80000000, 7]
        }) { m, isa in
            XCTAssertEqual(self.q(m, 0), self.lanes32([71, 142, 213, 284]), "\(isa): VMLA by D4[1]")
            // d3 = [30, 40] (read after VMLA left q1 alone): 2 * 30 * -2^31 >> 32 = -30.
            XCTAssertEqual(m.cpu.dreg(6), UInt64(UInt32(bitPattern: -40)) << 32 | UInt64(UInt32(bitPattern: -30)), isa)
        }
    }

    // MARK: Shifts by immediate

    func testShiftsByImmediate() {
        both([
            0xF3BC_0052,   // vshr.u32 q0, q1, #4
            0xF28A_4A16,   // vshll.s8 q2, d6, #2
            0xF2B8_6F17,   // vcvt.s32.f32 d6, d7, #8
        ], setup: { m in
            let q1 = self.lanes32([0xFFFF_FFF0, 0x10, 0x8000_0000, 7])
            self.setQ(m, 1, q1[0], q1[1])
            m.cpu.setDreg(6, 0x0000_0000_FF7F_0180)
            m.cpu.setDreg(7, 0xC010_0000_3FC0_0000)     // [1.5, -2.25]
        }) { m, isa in
            XCTAssertEqual(self.q(m, 0), self.lanes32([0x0FFF_FFFF, 1, 0x0800_0000, 0]), "\(isa): VSHR.U32")
            XCTAssertEqual(self.q(m, 2), [0xFFFC_01FC_0004_FE00, 0], "\(isa): VSHLL.S8 #2")
            XCTAssertEqual(m.cpu.dreg(6), 0xFFFF_FDC0_0000_0180, "\(isa): VCVT to 24.8 fixed point")
        }
        both([
            0xF29C_0912,   // vqshrn.s32 d0, q1, #4
        ], setup: { m in
            let q1 = self.lanes32([0x7FFF_FFF0, 0x100, 0xFFFF_FFF0, 0x8000_0000])
            self.setQ(m, 1, q1[0], q1[1])
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x8000_FFFF_0010_7FFF, "\(isa): VQSHRN clamps to 16 bits")
            XCTAssertEqual(m.cpu.fpscr & self.qcBit, self.qcBit, isa)
        }
    }

    // MARK: Modified immediate

    func testModifiedImmediate() {
        both([
            0xF387_393F,   // vbic.i16 d3, #0xff
            0xF382_025B,   // vmov.i32 q0, #0xab00
        ], setup: { m in
            m.cpu.setDreg(3, 0x1234_5678_9ABC_DEF0)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(3), 0x1200_5600_9A00_DE00, "\(isa): VBIC.I16")
            XCTAssertEqual(self.q(m, 0), [0x0000_AB00_0000_AB00, 0x0000_AB00_0000_AB00], "\(isa): VMOV.I32")
        }
    }

    // MARK: Two registers, miscellaneous

    func testTwoRegisterMiscellaneous() {
        both([
            0xF3B4_4001,   // vrev64.16 d4, d1
            0xF3B0_5501,   // vcnt.8 d5, d1
            0xF3B2_0186,   // vzip.8 d0, d6
            0xF3BA_40C6,   // vtrn.32 q2, q3
        ], setup: { m in
            m.cpu.setDreg(1, 0x1111_2222_3333_4444)
            m.cpu.setDreg(0, 0x0706_0504_0302_0100); m.cpu.setDreg(6, 0x1716_1514_1312_1110)
        }) { m, isa in
            // VREV64 gave d4 = 4444 3333 2222 1111 in lanes 3..0, VCNT d5, VZIP d0/d6; VTRN
            // then swapped lane 1 of each pair: q2 = [d4.0, q3.0, d5.0, q3.2], q3 = [d4.1, q3.1, ...].
            XCTAssertEqual(m.cpu.dreg(0), 0x1303_1202_1101_1000, "\(isa): VZIP low half")
            let d4: UInt64 = 0x4444_3333_2222_1111, d5: UInt64 = 0x0202_0202_0404_0202
            let d6: UInt64 = 0x1707_1606_1505_1404, d7: UInt64 = 0
            let l = { (v: UInt64, k: Int) -> UInt64 in (v >> UInt64(32 * k)) & 0xFFFF_FFFF }
            XCTAssertEqual(self.q(m, 2), [l(d6, 0) << 32 | l(d4, 0), l(d7, 0) << 32 | l(d5, 0)], "\(isa): VTRN Qd")
            XCTAssertEqual(self.q(m, 3), [l(d6, 1) << 32 | l(d4, 1), l(d7, 1) << 32 | l(d5, 1)], "\(isa): VTRN Qm")
        }
        both([
            0xF3B6_0282,   // vqmovn.s32 d0, q1
            0xF3BB_4742,   // vcvt.s32.f32 q2, q1
            0xF3BA_6507,   // vrinta.f32 d6, d7
        ], setup: { m in
            let q1 = self.lanes32([0x4F32_D05E, 0xBFC0_0000, 0x7FFF, 0x7FC0_0000])   // [3e9, -1.5, .., NaN]
            self.setQ(m, 1, q1[0], q1[1])
            m.cpu.setDreg(7, 0xBF00_0000_4020_0000)                             // [2.5, -0.5]
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x7FFF_7FFF_8000_7FFF, "\(isa): VQMOVN.S32")
            XCTAssertEqual(self.q(m, 2), self.lanes32([0x7FFF_FFFF, 0xFFFF_FFFF, 0, 0]), "\(isa): VCVT.S32.F32 toward zero")
            XCTAssertEqual(m.cpu.dreg(6), 0xBF80_0000_4040_0000, "\(isa): VRINTA ties away")
            XCTAssertEqual(m.cpu.fpscr & (self.qcBit | 1), self.qcBit | 1, "\(isa): QC and IOC")
        }
    }

    func testCrypto() {
        both([
            0xF3B0_0302,   // aese.8 q0, q1
            0xF3B0_0380,   // aesmc.8 q0, q0
            0xF3B9_42C6,   // sha1h.32 q2, q3
        ], setup: { m in
            self.setQ(m, 3, 0xFFFF_FFFF_0000_0001, 0xFFFF_FFFF_FFFF_FFFF)
        }) { m, isa in
            // SubBytes(0) = 0x63 everywhere; MixColumns of a constant column is the column.
            XCTAssertEqual(self.q(m, 0), [0x6363_6363_6363_6363, 0x6363_6363_6363_6363], "\(isa): AESE, AESMC")
            XCTAssertEqual(self.q(m, 2), [0x4000_0000, 0], "\(isa): SHA1H rotates and clears the rest")
        }
    }

    // MARK: VEXT, VTBL/VTBX, VDUP

    func testExtractTableAndDuplicate() {
        both([
            0xF2B1_0302,   // vext.8 d0, d1, d2, #3
            0xF3B1_4903,   // vtbl.8 d4, {d1, d2}, d3
            0xF3B1_5843,   // vtbx.8 d5, {d1}, d3
            0xF3BE_CC41,   // vdup.16 q6, d1[3]
        ], setup: { m in
            m.cpu.setDreg(1, 0x0706_0504_0302_0100); m.cpu.setDreg(2, 0x1716_1514_1312_1110)
            m.cpu.setDreg(3, 0x0709_FF01_100F_0800)      // indices [0, 8, 15, 16, 1, 255, 9, 7]
            m.cpu.setDreg(5, 0xAAAA_AAAA_AAAA_AAAA)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x1211_1007_0605_0403, "\(isa): VEXT #3")
            XCTAssertEqual(m.cpu.dreg(4), 0x0711_0001_0017_1000, "\(isa): VTBL, out of range gives 0")
            XCTAssertEqual(m.cpu.dreg(5), 0x07AA_AA01_AAAA_AA00, "\(isa): VTBX keeps Dd")
            XCTAssertEqual(self.q(m, 6), [0x0706_0706_0706_0706, 0x0706_0706_0706_0706], "\(isa): VDUP.16")
        }
    }

    // MARK: Loads and stores

    func fill(_ m: CoreTestMachine) {
        for i in 0..<256 { _ = m.bus.write(UInt64(Self.data) + UInt64(i), size: 1, value: UInt64(i)) }
    }

    func testLoadsAndStoresWithWriteback() {
        both([
            0xF421_0A0D,   // vld1.8 {d0, d1}, [r1]!
            0xF402_2843,   // vst2.16 {d2, d3}, [r2], r3
            0xF4A4_432F,   // vld4.8 {d4[1], d5[1], d6[1], d7[1]}, [r4]
            0xF4A5_8CAF,   // vld1.32 {d8[], d9[]}, [r5]
        ], setup: { m in
            self.fill(m)
            m.cpu.setR(1, Self.data)
            m.cpu.setR(2, Self.data + 0x80); m.cpu.setR(3, 0x100)
            m.cpu.setR(4, Self.data + 0x11); m.cpu.setR(5, Self.data + 0x20)
            m.cpu.setDreg(2, 0x0004_0003_0002_0001); m.cpu.setDreg(3, 0x0040_0030_0020_0010)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x0706_0504_0302_0100, isa)
            XCTAssertEqual(m.cpu.dreg(1), 0x0F0E_0D0C_0B0A_0908, isa)
            XCTAssertEqual(m.cpu.r(1), Self.data + 16, "\(isa): Rm = 13 adds the bytes transferred")
            XCTAssertEqual(m.cpu.r(2), Self.data + 0x180, "\(isa): Rm adds R[m]")
            var stored: [UInt64] = []
            for k in 0..<8 { stored.append(m.bus.read(UInt64(Self.data) + 0x80 + UInt64(2 * k), size: 2) ?? 0) }
            XCTAssertEqual(stored, [1, 0x10, 2, 0x20, 3, 0x30, 4, 0x40], "\(isa): VST2 interleaves")
            XCTAssertEqual([m.cpu.dreg(4), m.cpu.dreg(5), m.cpu.dreg(6), m.cpu.dreg(7)],
                           [0x1100, 0x1200, 0x1300, 0x1400], "\(isa): VLD4 to lane 1")
            XCTAssertEqual(m.cpu.r(4), Self.data + 0x11, "\(isa): Rm = 15, no writeback")
            XCTAssertEqual(m.cpu.dreg(8), 0x2322_2120_2322_2120, "\(isa): VLD1 to all lanes")
            XCTAssertEqual(m.cpu.dreg(9), 0x2322_2120_2322_2120, isa)
        }
    }

    func testAlignmentQualifierFaults() {
        both([
            0xF401_079F,   // vst1.32 {d0}, [r1:64]
            0xF421_0AEF,   // vld1.64 {d0, d1}, [r1:128]
        ], setup: { m in
            m.cpu.setR(1, Self.data + 8)
            m.cpu.setDreg(0, 0x1122_3344_5566_7788)
        }) { m, isa in
            XCTAssertEqual(m.bus.read(UInt64(Self.data) + 8, size: 8), 0x1122_3344_5566_7788, "\(isa): 8-aligned store")
            XCTAssertEqual(m.cpu.mode32, .abt, "\(isa): :128 on an 8-aligned address is an alignment fault")
        }
    }

    // MARK: Core register transfers (VFP space)

    func testCoreRegisterTransfers() {
        both([
            0xEE40_1B70,   // vmov.8 d0[3], r1
            0xEE10_2B70,   // vmov.s16 r2, d0[1]
            0xEEF0_3B70,   // vmov.u8 r3, d0[7]
            0xEEA2_4B30,   // vdup.16 q1, r4
        ], setup: { m in
            m.cpu.setDreg(0, 0x9900_0000_0000_8001)
            m.cpu.setR(1, 0xAB); m.cpu.setR(4, 0x1234_5678)
        }) { m, isa in
            XCTAssertEqual(m.cpu.dreg(0), 0x9900_0000_AB00_8001, "\(isa): VMOV.8 to a byte lane")
            XCTAssertEqual(m.cpu.r(2), 0xFFFF_AB00, "\(isa): VMOV.S16 lane 1 sign-extends")
            XCTAssertEqual(m.cpu.r(3), 0x99, "\(isa): VMOV.U8 zero-extends")
            XCTAssertEqual(self.q(m, 1), [0x5678_5678_5678_5678, 0x5678_5678_5678_5678], "\(isa): VDUP.16")
        }
    }

    // MARK: UNDEFINED, enables, IT blocks, ID registers

    func testReservedEncodingsAreUndefined() {
        let words: [(UInt32, String)] = [
            (0xF222_0955, "vmul.i32 with an odd Q register"),
            (0xF231_0002, "vhadd with size 11"),
            (0xF210_2B54, "vpadd with Q = 1"),
            (0xF420_08CF, "vld2 with size 11"),
            (0xF480_0C0F, "a store to all lanes"),
            (0xF3B4_0101, "vrev16.16"),
            (0xF3B4_0302, "aese with size 01"),
            (0xF2B0_0A50, "vshll with Q = 1"),
            (0xF301_0D12 | 1 << 21, "vmul.f32 with op 1"),
            (0xF321_0B12, "vqrdmlah.s32: ARMv8.1 RDM, not on this ARMv8.0 CPU"),
            (0xF3A2_0E42, "vqrdmlah.s32 by scalar"),
            (0xF390_0D00, "vqdmull with U = 1 (Unicorn runs it)"),
            (0xF3B9_0280, "sha1h with Q = 0 (Unicorn runs it)"),
        ]
        for (w, what) in words {
            for thumb in [false, true] {
                let m = machine([w], thumb: thumb)
                m.steps(1)
                XCTAssertEqual(m.cpu.mode32, .und, "\(thumb ? "T32" : "A32"): \(what)")
            }
        }
    }

    func testUndefinedUntilFPEXCEnables() {
        for thumb in [false, true] {
            let m = machine([0xF201_0802], thumb: thumb)   // vadd.i8 d0, d1, d2
            m.cpu.sysregs[SysReg.FPEXC32_EL2] = 0
            m.steps(1)
            XCTAssertEqual(m.cpu.mode32, .und)
        }
    }

    /// ASEDIS and D32DIS (CPACR bits 31:30) are RAZ/WI: Advanced SIMD cannot be disabled
    /// apart from floating point, so a guest reads back that its write did not take.
    func testCPACRASEDISIsRAZWI() {
        both([
            0xEE01_0F50,   // mcr p15, 0, r0, c1, c0, 2  (CPACR)
            0xEE11_1F50,   // mrc p15, 0, r1, c1, c0, 2
            0xF201_0802,   // vadd.i8 d0, d1, d2
        ], setup: { m in
            m.cpu.setR(0, 0xC0F0_0000)
            m.cpu.setDreg(1, 1); m.cpu.setDreg(2, 2)
        }) { m, isa in
            XCTAssertEqual(m.cpu.r(1), 0x00F0_0000, isa)
            XCTAssertEqual(m.cpu.dreg(0), 3, "\(isa): still enabled")
        }
    }

    func testT32AdvancedSIMDIsConditionalInAnITBlock() {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: Self.base, mode: .svc, thumb: true)
        let (a, b) = Self.t32(0xF201_0802)            // vadd.i8 d0, d1, d2
        let code: [UInt16] = [0xBF08, a, b, 0xBF18, a, b]   // it eq; vadd; it ne; vadd
        for (k, h) in code.enumerated() { _ = m.bus.write(UInt64(Self.base) + UInt64(2 * k), size: 2, value: UInt64(h)) }
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
        m.cpu.setDreg(1, 1); m.cpu.setDreg(2, 2); m.cpu.setDreg(0, 0xFF)
        m.cpu.nzcv = 0                                  // Z clear
        m.steps(2)
        XCTAssertEqual(m.cpu.dreg(0), 0xFF, "EQ fails: skipped")
        m.steps(2)
        XCTAssertEqual(m.cpu.dreg(0), 3, "NE holds: executed")
    }

    func testIDRegistersAdvertiseAdvancedSIMDAndCrypto() {
        let m = CoreTestMachine(el: 2)
        let isar5 = m.cpu.sysregs[SysReg.ID_ISAR5_EL1], mvfr1 = m.cpu.sysregs[SysReg.MVFR1_EL1]
        XCTAssertEqual((isar5 >> 4) & 0xF, 2, "AES with VMULL.P64")
        XCTAssertEqual((isar5 >> 8) & 0xF, 1, "SHA1")
        XCTAssertEqual((isar5 >> 12) & 0xF, 1, "SHA2")
        XCTAssertEqual((isar5 >> 16) & 0xF, 1, "CRC32")
        XCTAssertEqual((isar5 >> 24) & 0xF, 0, "no VQRDMLAH (RDM is ARMv8.1)")
        XCTAssertEqual(mvfr1 & 0xFFF0_FF00, 0x1010_1100, "SIMD FMAC, half conversions, SP, integer, load/store")
        XCTAssertEqual(m.cpu.sysregs[SysReg.MVFR2_EL1] & 0xF, 4, "VRINT, VCVTA, VMAXNM")
    }

    // MARK: Longer programs, expected values from Unicorn (QEMU's "max" CPU)

    /// Runs `words` from D registers `d` and core registers `r` (data: byte i at data + i),
    /// then checks every D register (`want`, or its initial value) and the listed core registers.
    func program(_ words: [UInt32], d: [Int: UInt64], r: [UInt32: UInt32], want: [Int: UInt64],
                 wantR: [UInt32: UInt32], fpscr: UInt32, memory: [Int: UInt8] = [:]) {
        both(words, setup: { m in
            for i in 0..<0x200 { _ = m.bus.write(UInt64(Self.data) + UInt64(i), size: 1, value: UInt64(i & 0xFF)) }
            for (k, v) in d { m.cpu.setDreg(UInt32(k), v) }
            for (k, v) in r { m.cpu.setR(k, v) }
        }) { m, isa in
            XCTAssertEqual(m.cpu.mode32, .svc, isa)
            for k in 0..<32 { XCTAssertEqual(m.cpu.dreg(UInt32(k)), want[k] ?? d[k] ?? 0, "\(isa): d\(k)") }
            for (k, v) in wantR { XCTAssertEqual(m.cpu.r(k), v, "\(isa): r\(k)") }
            XCTAssertEqual(m.cpu.fpscr, fpscr, isa)
            for (a, v) in memory { XCTAssertEqual(m.bus.read(UInt64(Self.data) + UInt64(a), size: 1), UInt64(v), "\(isa): byte \(a)") }
        }
    }

    func testStructureLoadsAndStoresAgainstUnicorn() {
        var stored: [Int: UInt8] = [:]
        for (a, v) in [(256, 68), (257, 68), (258, 136), (259, 136), (260, 204), (261, 204), (262, 51), (263, 51),
                       (264, 119), (265, 119), (266, 187), (267, 187), (268, 34), (269, 34), (270, 102), (271, 102),
                       (272, 170), (273, 170), (274, 17), (275, 17), (276, 85), (277, 85), (278, 153), (279, 153)] {
            stored[a] = UInt8(v)
        }
        program([
            0xF4A1_0D6D,   // vld2.16 {d0[], d2[]}, [r1]!
            0xF4A2_4243,   // vld3.8 {d4[2], d5[2], d6[2]}, [r2], r3
            0xF4A4_8F5F,   // vld4.16 {d8[], d9[], d10[], d11[]}, [r4:64]
            0xF405_C44F,   // vst3.16 {d12, d13, d14}, [r5]
            0xF466_068F,   // vld1.32 {d16-d18}, [r6]
        ], d: [12: 0x1111_2222_3333_4444, 13: 0x5555_6666_7777_8888, 14: 0x9999_AAAA_BBBB_CCCC],
           r: [1: Self.data + 0x10, 2: Self.data + 0x20, 3: 0x40, 4: Self.data + 0x30, 5: Self.data + 0x100, 6: Self.data + 0x50],
           want: [0: 0x1110_1110_1110_1110, 2: 0x1312_1312_1312_1312, 4: 0x20_0000, 5: 0x21_0000, 6: 0x22_0000,
                  8: 0x3130_3130_3130_3130, 9: 0x3332_3332_3332_3332, 10: 0x3534_3534_3534_3534,
                  11: 0x3736_3736_3736_3736, 16: 0x5756_5554_5352_5150, 17: 0x5F5E_5D5C_5B5A_5958,
                  18: 0x6766_6564_6362_6160],
           wantR: [1: Self.data + 0x14, 2: Self.data + 0x60, 4: Self.data + 0x30], fpscr: 0, memory: stored)
    }

    func testMixedDataProcessingAgainstUnicorn() {
        let d: [Int: UInt64] = [
            0: 0x0123_4567_89AB_CDEF, 1: 0xFEDC_BA98_7654_3210, 2: 0x3F80_0000_BF80_0000, 3: 5,
            4: 0x4000_0000_4040_0000, 5: 0x3F00_0000_3E80_0000, 6: 0x8081_8283_8485_8687, 7: 0x00FF_7F80_017F_FE01,
            8: 0x0000_0001_0000_0002, 9: 0x8000_FFFF_7FFF_0001, 10: 6, 11: 0x807F_01FE_0402_FF00,
            12: 0xFFFF_FFFF_FFFF_FFFF, 13: 0x1234_5678_DEAD_BEEF, 14: 7, 15: 8, 16: 0x0001_0002_FFF0_FFFF,
            17: 0x7FFF_FFFF_8000_0000, 18: 0x0000_1234_0000_5678, 19: 0x0001_8000_00FF_0F00,
            20: 0xAAAA_BBBB_CCCC_DDDD, 21: 0x807F_0180_FF00_017F, 22: 0x7FC0_0000_0000_0001,
            23: 0xBF80_0000_8000_0000, 24: 0xFFC0_0000_3F80_0000, 25: 0x0000_0001_4000_0000, 26: 1,
            27: 0x3F80_0000_7F80_0000, 28: 0x4000_0000_0000_0001, 29: 1, 30: 2, 31: 3,
        ]
        program([
            0xF3F2_4025,   // vswp d20, d21
            0xF3F6_6168,   // vuzp.16 q11, q12
            0xF34B_AFAC,   // vpmax.f32 d26, d27, d28
            0xF34A_EFFC,   // vmaxnm.f32 q15, q13, q14
            0xF301_0E02,   // vcge.f32 d0, d1, d2
            0xF224_3F15,   // vrsqrts.f32 d3, d4, d5
            0xF3B0_42C6,   // vpaddl.u8 q2, q3
            0xF3B4_8609,   // vpadal.s16 d8, d9
            0xF38B_A61B,   // vqshlu.s8 d10, d11, #3
            0xF3A8_C51D,   // vsli.32 d12, d13, #8
            0xF29D_E870,   // vrshrn.i32 d14, q8, #3
            0xF39E_F872,   // vqrshrun.s32 d15, q9, #2
            0xF3F0_0421,   // vcls.s8 d16, d17
            0xF3F4_24A3,   // vclz.i16 d18, d19
            0xF3F1_4325,   // vabs.s8 d20, d21
            0xF3F9_67A7,   // vneg.f32 d22, d23
            0xF3F5_8029,   // vcgt.s16 d24, d25, #0
            0xF3C0_A701,   // vabdl.u8 q13, d0, d1
            0xF2C4_C606,   // vsubhn.i16 d28, q2, q3
        ], d: d, r: [:],
           want: [0: 0x0000_0000_FFFF_FFFF, 3: 0x3F80_0000_3F90_0000, 4: 0x0101_0105_0109_010D, 5: 0x00FF_00FF_0080_00FF,
                  8: 0xFFFF_8000_0000_8002, 10: 0x00FF_0800_2010_0000, 12: 0x3456_78FF_ADBE_EFFF,
                  14: 0x0000_0000_2000_2000, 15: 0x6000_FFFF_048D_159E, 16: 0x0007_0707_0007_0707,
                  18: 0x000F_0000_0008_0004, 20: 0x5656_4545_3434_2323, 21: 0xAAAA_BBBB_CCCC_DDDD,
                  22: 0x8001_0000_8000_0000, 23: 0x0001_0000_0000_0000, 24: 0x0000_FFFF_0000_FFFF,
                  25: 0x0000_4000_FFC0_3F80, 26: 0x0089_00AB_00CD_00EF, 27: 0x00FE_00DC_00BA_0098,
                  28: 0x0081_FF02_807E_7C7A, 30: 0x4000_0000_7F80_0000, 31: 0x3F80_0000_7F80_0000],
           wantR: [:], fpscr: 0x0800_0080)
    }

    /// Random words of every Advanced SIMD space, with random register contents, must never
    /// crash the host: each either executes or raises UNDEFINED / a data abort.
    func testRandomEncodingsNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        let m = machine([], thumb: false)
        for k in 0..<20_000 {
            let space = k % 3
            var w = UInt32.random(in: 0...UInt32.max, using: &rng)
            switch space {
            case 0: w = 0xF200_0000 | w & 0x01FF_FFFF
            case 1: w = 0xF400_0000 | w & 0x00EF_FFFF
            default: w = 0xEE00_0B10 | w & 0x00FF_F0E0
            }
            m.cpu.bootAArch32(entry: Self.base, mode: .svc)
            m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
            m.cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
            m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(Self.base) + 0x2000
            for r in 0..<15 { m.cpu.setR(UInt32(r), Self.data + UInt32(r * 64)) }
            m.program([w])
            m.steps(1)
        }
    }
}
