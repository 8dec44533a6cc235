import XCTest
@testable import ARMCore

/// The AArch32 floating-point instructions the VFP reference vectors (Vectors/a32-vfp.bin) found
/// missing, one test per instruction family, on a CPU in AArch32 SVC mode with FP enabled.
/// Encodings carry their assembly in a comment (checked with capstone).
final class VFPTests: XCTestCase {
    func machine(_ words: [UInt32], thumb: Bool = false, fpscr: UInt32 = 0) -> CoreTestMachine {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: UInt32(CoreTestMachine.ramBase), mode: .svc, thumb: thumb)
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
        m.cpu.setFPSCR(fpscr)
        m.program(words)
        return m
    }

    static let rmodeZero: UInt32 = 3 << 22, ahp: UInt32 = 1 << 26, ixc: UInt32 = 1 << 4, ioc: UInt32 = 1

    /// VCVTB, VCVTT (F6 "VCVTB", "VCVTT"): the bottom or top half of an S register, to and from
    /// single and double; the other half of the destination is kept. With FPSCR.AHP an infinity
    /// becomes the largest alternative-format value with Invalid Operation (FPConvert).
    /// Found by vfp.cvt.fp (UNDEFINED before).
    func testHalfPrecisionConversions() {
        let m = machine([
            0xEEB2_1AE0,   // vcvtt.f32.f16 s2, s1
            0xEEB2_2B60,   // vcvtb.f64.f16 d2, s1
            0xEEF3_1AC0,   // vcvtt.f16.f32 s3, s0
            0xEEF3_1B42,   // vcvtb.f16.f64 s3, d2
        ])
        m.cpu.setSreg(1, 0x3C00_C000)      // top 1.0, bottom -2.0
        m.cpu.setSreg(0, Float(0.5).bitPattern)
        m.cpu.setSreg(3, 0x1234_5678)
        m.steps(4)
        XCTAssertEqual(m.cpu.sreg(2), Float(1).bitPattern)
        XCTAssertEqual(m.cpu.dreg(2), Double(-2).bitPattern)
        XCTAssertEqual(m.cpu.sreg(3), 0x3800_C000, "0.5 in the top half, -2.0 in the bottom")
        XCTAssertEqual(m.cpu.fpscr, 0)

        let a = machine([0xEEF3_1AC0], fpscr: Self.ahp)    // vcvtt.f16.f32 s3, s0
        a.cpu.setSreg(0, Float.infinity.bitPattern)
        a.cpu.setSreg(3, 0)
        a.steps(1)
        XCTAssertEqual(a.cpu.sreg(3), 0x7FFF_0000, "AHP has no infinity: the largest value")
        XCTAssertEqual(a.cpu.fpscr, Self.ahp | Self.ioc)
    }

    /// VCVT between floating-point and fixed-point (F6 "VCVT (between floating-point and
    /// fixed-point, floating-point)"): in place; to fixed rounds toward zero and extends the
    /// result to the register (`Extend(result, 32 or 64, unsigned)`); from fixed uses
    /// FPRounding_TIEEVEN whatever FPSCR.RMode says.
    /// Found by vfp.cvt.fixed (UNDEFINED before).
    func testFixedPointConversions() {
        let m = machine([
            0xEEBE_2A44,   // vcvt.s16.f32 s4, s4, #8
            0xEEFA_2AC0,   // vcvt.f32.s32 s5, s5, #32
            0xEEBB_3BC8,   // vcvt.f64.u32 d3, d3, #16
            0xEEBE_4BEF,   // vcvt.s32.f64 d4, d4, #1
        ], fpscr: Self.rmodeZero)
        m.cpu.setSreg(4, Float(-1.5).bitPattern)
        m.cpu.setSreg(5, 0x8000_0001)                   // -(2^31 - 1) / 2^32: not exact in a single
        m.cpu.setDreg(3, 0xFFFF_FFFF_0003_8000)         // only the low 32 bits are the operand
        m.cpu.setDreg(4, Double(-2.75).bitPattern)
        m.steps(4)
        XCTAssertEqual(m.cpu.sreg(4), 0xFFFF_FE80, "-384, sign-extended from 16 bits")
        XCTAssertEqual(m.cpu.sreg(5), Float(-0.5).bitPattern, "to nearest even, not toward zero")
        XCTAssertEqual(m.cpu.dreg(3), Double(3.5).bitPattern)
        XCTAssertEqual(m.cpu.dreg(4), 0xFFFF_FFFF_FFFF_FFFB, "-5.5 toward zero in 32 bits, sign-extended to the D register")
        XCTAssertEqual(m.cpu.fpscr, Self.rmodeZero | Self.ixc)
    }

    /// VRINTR (FPSCR's rounding), VRINTZ (toward zero), VRINTX (FPSCR's rounding, Inexact)
    /// (F6 "VRINTR", "VRINTZ", "VRINTX"). Found by vfp.v8.vrint (UNDEFINED before).
    func testRoundToIntegralByFPSCR() {
        let m = machine([
            0xEEB6_3A63,   // vrintr.f32 s6, s7
            0xEEB6_6BC7,   // vrintz.f64 d6, d7
            0xEEB7_4A64,   // vrintx.f32 s8, s9
        ])
        m.cpu.setSreg(7, Float(2.5).bitPattern)
        m.cpu.setDreg(7, Double(-2.7).bitPattern)
        m.cpu.setSreg(9, Float(1.5).bitPattern)
        m.steps(2)
        XCTAssertEqual(m.cpu.sreg(6), Float(2).bitPattern, "ties to even")
        XCTAssertEqual(m.cpu.dreg(6), Double(-2).bitPattern)
        XCTAssertEqual(m.cpu.fpscr, 0, "VRINTR and VRINTZ do not signal Inexact")
        m.steps(1)
        XCTAssertEqual(m.cpu.sreg(8), Float(2).bitPattern)
        XCTAssertEqual(m.cpu.fpscr, Self.ixc)
    }

    /// The unconditional ARMv8 instructions (F6 "VSEL", "VMAXNM", "VMINNM", "VRINTA",
    /// "VRINTM", "VCVTA", "VCVTP"): VSEL tests the APSR's flags, VMAXNM prefers a number to a
    /// quiet NaN, VMINNM orders -0 below +0, the directed roundings ignore FPSCR.RMode.
    /// Found by vfp.v8.* (UNDEFINED before).
    func testARMv8Additions() {
        let m = machine([
            0xFE20_0A81,   // vselge.f32 s0, s1, s2
            0xFE31_0B02,   // vselgt.f64 d0, d1, d2
            0xFE85_5A86,   // vmaxnm.f32 s10, s11, s12
            0xFE8B_AB4C,   // vminnm.f64 d10, d11, d12
            0xFEF8_6A47,   // vrinta.f32 s13, s14
            0xFEBB_DB4E,   // vrintm.f64 d13, d14
            0xFEFC_7AC8,   // vcvta.s32.f32 s15, s16
            0xFEFE_7B48,   // vcvtp.u32.f64 s15, d8
        ], fpscr: Self.rmodeZero)
        m.cpu.nzcv = CPSR.N                            // GE fails (N != V), GT too
        m.cpu.setSreg(1, 0x1111_1111); m.cpu.setSreg(2, 0x2222_2222)
        m.steps(1)
        XCTAssertEqual(m.cpu.sreg(0), 0x2222_2222)
        m.cpu.setDreg(1, 0x1111); m.cpu.setDreg(2, 0x2222)   // D1 holds S2 and S3
        m.cpu.nzcv = 0                                 // GT holds
        m.steps(1)
        XCTAssertEqual(m.cpu.dreg(0), 0x1111)
        m.cpu.setSreg(11, 0x7FC0_0000); m.cpu.setSreg(12, Float(1).bitPattern)
        m.cpu.setDreg(11, Double(-0.0).bitPattern); m.cpu.setDreg(12, 0)
        m.cpu.setSreg(14, Float(2.5).bitPattern)
        m.cpu.setDreg(14, Double(-1.25).bitPattern)
        m.cpu.setSreg(16, Float(-2.5).bitPattern)
        m.steps(5)
        XCTAssertEqual(m.cpu.sreg(10), Float(1).bitPattern)
        XCTAssertEqual(m.cpu.dreg(10), Double(-0.0).bitPattern)
        XCTAssertEqual(m.cpu.sreg(13), Float(3).bitPattern, "ties away from zero")
        XCTAssertEqual(m.cpu.dreg(13), Double(-2).bitPattern)
        XCTAssertEqual(m.cpu.sreg(15), UInt32(bitPattern: -3))
        m.cpu.setDreg(8, Double(1.25).bitPattern)
        m.steps(1)
        XCTAssertEqual(m.cpu.sreg(15), 2, "toward +infinity")
        XCTAssertEqual(m.cpu.mode32, .svc, "no exception")
    }

    /// The same space in T32 (hw1 = 1111 1110): decoded as A32's, and UNDEFINED before.
    func testARMv8AdditionsInT32() {
        let m = machine([0x0A81_FE20], thumb: true)     // vselge.f32 s0, s1, s2
        m.cpu.setSreg(1, 0x1111_1111); m.cpu.setSreg(2, 0x2222_2222)
        m.steps(1)
        XCTAssertEqual(m.cpu.sreg(0), 0x1111_1111, "GE holds with N = V = 0")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 4)
        XCTAssertEqual(m.cpu.mode32, .svc)
    }
}
