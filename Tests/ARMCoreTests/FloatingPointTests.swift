import XCTest
@testable import ARMCore
import Bus

/// Scalar floating point (ARM DDI 0487, C4.1 FP classes; the pseudocode of J1.3). Encodings were
/// produced with aarch64-linux-gnu-as and checked with objdump; the assembly is beside each word.
/// Values are bit patterns; FPSR flags: IOC 0x01, DZC 0x02, OFC 0x04, UFC 0x08, IXC 0x10, IDC 0x80.
final class FloatingPointTests: XCTestCase {
    var m: FPTestMachine!
    override func setUp() { m = FPTestMachine() }
    override func tearDown() { m = nil }

    // FPCR fields.
    let rp: UInt64 = 1 << 22, rm: UInt64 = 2 << 22, rz: UInt64 = 3 << 22
    let fz: UInt64 = 1 << 24, dn: UInt64 = 1 << 25, ahp: UInt64 = 1 << 26
    // FPSR flags.
    let ioc: UInt64 = 0x01, dzc: UInt64 = 0x02, ofc: UInt64 = 0x04, ufc: UInt64 = 0x08, ixc: UInt64 = 0x10, idc: UInt64 = 0x80

    func s(_ f: Float) -> UInt64 { UInt64(f.bitPattern) }
    func d(_ f: Double) -> UInt64 { f.bitPattern }

    /// Run with V1, V2, V3 = the operands (low 64 bits) and return (V0 low, FPSR).
    func fp(_ word: UInt32, _ ops: [UInt64], fpcr: UInt64 = 0,
            file: StaticString = #filePath, line: UInt = #line) -> (UInt64, UInt64) {
        var v: [Int: (UInt64, UInt64)] = [:]
        for (k, x) in ops.enumerated() { v[k + 1] = (x, 0) }
        let cpu = m.run(word, fpcr: fpcr, v: v, file: file, line: line)
        XCTAssertEqual(cpu.vHigh(0), 0, "a scalar write clears the upper bits", file: file, line: line)
        return (cpu.vLow(0), cpu.fpsr)
    }

    func assertFP(_ word: UInt32, _ ops: [UInt64], fpcr: UInt64 = 0,
                  _ want: UInt64, flags: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let (r, f) = fp(word, ops, fpcr: fpcr, file: file, line: line)
        XCTAssertEqual(r, want, String(format: "result %llx, want %llx", r, want), file: file, line: line)
        XCTAssertEqual(f, flags, String(format: "FPSR %llx, want %llx", f, flags), file: file, line: line)
    }

    // MARK: Rounding

    func testRoundingModes() {
        let fadd: UInt32 = 0x1e222820   // fadd s0, s1, s2
        let halfULP = s(0x1p-24)
        assertFP(fadd, [s(1), halfULP], 0x3f80_0000, flags: ixc)              // tie to even
        assertFP(fadd, [s(1), halfULP], fpcr: rp, 0x3f80_0001, flags: ixc)
        assertFP(fadd, [s(1), halfULP], fpcr: rm, 0x3f80_0000, flags: ixc)
        assertFP(fadd, [s(1), halfULP], fpcr: rz, 0x3f80_0000, flags: ixc)
        assertFP(fadd, [s(1), s(0x1.8p-24)], 0x3f80_0001, flags: ixc)         // above the half
        assertFP(fadd, [s(1), s(1)], s(2), flags: 0)                            // exact: no flags

        let fdiv: UInt32 = 0x1e621820   // fdiv d0, d1, d2
        assertFP(fdiv, [d(1), d(3)], 0x3fd5_5555_5555_5555, flags: ixc)
        assertFP(fdiv, [d(1), d(3)], fpcr: rp, 0x3fd5_5555_5555_5556, flags: ixc)
        assertFP(fdiv, [d(-1), d(3)], fpcr: rm, 0xbfd5_5555_5555_5556, flags: ixc)
        assertFP(fdiv, [d(-1), d(3)], fpcr: rz, 0xbfd5_5555_5555_5555, flags: ixc)
        assertFP(fdiv, [d(1), d(0)], d(.infinity), flags: dzc)
        assertFP(fdiv, [d(0), d(0)], 0x7ff8_0000_0000_0000, flags: ioc)
    }

    func testOverflowByRoundingMode() {
        let fmul: UInt32 = 0x1e220820   // fmul s0, s1, s2
        let max = s(.greatestFiniteMagnitude)
        assertFP(fmul, [max, s(2)], s(.infinity), flags: ofc | ixc)
        assertFP(fmul, [max, s(2)], fpcr: rz, 0x7f7f_ffff, flags: ofc | ixc)
        assertFP(fmul, [max, s(2)], fpcr: rm, 0x7f7f_ffff, flags: ofc | ixc)
        assertFP(fmul, [max, s(-2)], fpcr: rp, 0xff7f_ffff, flags: ofc | ixc)
        assertFP(fmul, [max, s(-2)], fpcr: rm, s(-.infinity), flags: ofc | ixc)
    }

    /// FPRound detects tininess before rounding and signals Underflow only when also inexact;
    /// FZ flushes tiny results (UFC, no IXC) and denormal inputs (IDC).
    func testUnderflowAndFlushToZero() {
        let fmul: UInt32 = 0x1e220820   // fmul s0, s1, s2
        let fadd: UInt32 = 0x1e222820   // fadd s0, s1, s2
        let minNormal: UInt64 = 0x0080_0000
        assertFP(fmul, [minNormal, s(0.5)], 0x0040_0000, flags: 0)                       // exact denormal
        assertFP(fmul, [0x0080_0001, s(0.5)], 0x0040_0000, flags: ufc | ixc)            // inexact denormal
        // (1 - 2^-24) * 2^-126 rounds up to the smallest normal, but was tiny before rounding.
        assertFP(fmul, [0x3f7f_ffff, minNormal], minNormal, flags: ufc | ixc)
        assertFP(fmul, [0x3f7f_ffff, minNormal], fpcr: fz, 0, flags: ufc)
        assertFP(fmul, [minNormal, s(-0.5)], fpcr: fz, 0x8000_0000, flags: ufc)
        assertFP(fadd, [0x0000_0001, s(1)], fpcr: fz, s(1), flags: idc)
        assertFP(fadd, [0x0000_0001, 0x0000_0001], 0x0000_0002, flags: 0)
        assertFP(fadd, [0x0000_0001, 0x8000_0001], fpcr: fz, 0, flags: idc)
        // An exactly zero sum is -0 only when rounding towards minus infinity.
        assertFP(fadd, [s(1), s(-1)], 0, flags: 0)
        assertFP(fadd, [s(1), s(-1)], fpcr: rm, 0x8000_0000, flags: 0)
    }

    // MARK: NaNs

    func testNaNPropagation() {
        let fadd: UInt32 = 0x1e222820   // fadd s0, s1, s2
        let fsub: UInt32 = 0x1e223820   // fsub s0, s1, s2
        let q1: UInt64 = 0x7fc0_0001, q2: UInt64 = 0xffc0_0002, s2: UInt64 = 0x7f80_0002
        assertFP(fadd, [q1, s2], 0x7fc0_0002, flags: ioc)      // a signalling NaN first, quietened
        assertFP(fadd, [q1, q2], q1, flags: 0)                 // then the first quiet NaN
        assertFP(fadd, [s(1), q2], q2, flags: 0)
        assertFP(fsub, [s(1), q2], q2, flags: 0)               // FPSub does not negate a NaN
        assertFP(fadd, [q1, s2], fpcr: dn, 0x7fc0_0000, flags: ioc)
        assertFP(fadd, [q1, q2], fpcr: dn, 0x7fc0_0000, flags: 0)
        assertFP(fadd, [s(.infinity), s(-.infinity)], 0x7fc0_0000, flags: ioc)

        let fnmul: UInt32 = 0x1e228820  // fnmul s0, s1, s2: FPNeg of the product, NaN included
        assertFP(fnmul, [q1, s(1)], 0xffc0_0001, flags: 0)
        assertFP(fnmul, [s(0), s(.infinity)], 0xffc0_0000, flags: ioc)
    }

    func testFusedMultiplyAddNaNsAndSingleRounding() {
        let fmadd: UInt32 = 0x1f420c20  // fmadd d0, d1, d2, d3 (d3 + d1 * d2)
        let fmsub: UInt32 = 0x1f428c20  // fmsub d0, d1, d2, d3 (d3 - d1 * d2)
        let qa: UInt64 = 0x7ff8_0000_0000_00aa, q1: UInt64 = 0x7ff8_0000_0000_0011
        let s1: UInt64 = 0x7ff0_0000_0000_0011
        // FPProcessNaNs3(addend, op1, op2): signalling NaNs first, the addend leading.
        assertFP(fmadd, [s1, d(1), qa], 0x7ff8_0000_0000_0011, flags: ioc)
        assertFP(fmadd, [q1, d(1), qa], qa, flags: 0)
        // A quiet NaN addend with infinity times zero: the default NaN and Invalid Operation.
        assertFP(fmadd, [d(.infinity), d(0), qa], 0x7ff8_0000_0000_0000, flags: ioc)
        assertFP(fmadd, [d(.infinity), d(0), d(1)], 0x7ff8_0000_0000_0000, flags: ioc)
        // FMSUB negates op1 before NaN processing: its NaN comes out with the sign flipped.
        assertFP(fmsub, [q1, d(1), d(1)], 0xfff8_0000_0000_0011, flags: 0)
        // (1 + 2^-52) * (1 - 2^-53) - 1 = 2^-53 - 2^-105 exactly; rounding the product first
        // would give 1 and a result of 0.
        assertFP(fmadd, [0x3ff0_0000_0000_0001, 0x3fef_ffff_ffff_ffff, d(-1)], 0x3c9f_ffff_ffff_fffe, flags: 0)
        assertFP(fmadd, [d(2), d(3), d(-6)], 0, flags: 0)
        assertFP(fmadd, [d(2), d(3), d(-6)], fpcr: rm, 0x8000_0000_0000_0000, flags: 0)
        // fnmadd s0, s1, s2, s3: -s3 - s1 * s2.
        assertFP(0x1f220c20, [s(2), s(3), s(1)], s(-7), flags: 0)
    }

    // MARK: Maximum, minimum, compare, select

    func testMaxMin() {
        let fmax: UInt32 = 0x1e224820, fmin: UInt32 = 0x1e225820   // fmax/fmin s0, s1, s2
        let fmaxnm: UInt32 = 0x1e226820                             // fmaxnm s0, s1, s2
        let fminnm: UInt32 = 0x1e627820                             // fminnm d0, d1, d2
        assertFP(fmax, [0, 0x8000_0000], 0, flags: 0)
        assertFP(fmax, [0x8000_0000, 0], 0, flags: 0)
        assertFP(fmin, [0, 0x8000_0000], 0x8000_0000, flags: 0)
        assertFP(fmax, [s(-3), s(2)], s(2), flags: 0)
        assertFP(fmax, [0x7fc0_0005, s(2)], 0x7fc0_0005, flags: 0)
        assertFP(fmaxnm, [0x7fc0_0005, s(2)], s(2), flags: 0)        // a quiet NaN loses to a number
        assertFP(fmaxnm, [s(-.infinity), 0x7fc0_0005], s(-.infinity), flags: 0)
        assertFP(fmaxnm, [0x7f80_0005, s(2)], 0x7fc0_0005, flags: ioc)  // a signalling NaN does not
        assertFP(fminnm, [d(1), 0x7ff8_0000_0000_0000], d(1), flags: 0)
        assertFP(fmax, [0x0000_0001, 0x8000_0000], fpcr: fz, 0, flags: idc)  // flushed: +0 vs -0
    }

    func testCompareSetsNZCV() {
        func nzcv(_ w: UInt32, _ n: UInt64, _ mm: UInt64, fpcr: UInt64 = 0, flags: UInt32 = 0) -> (UInt32, UInt64) {
            let cpu = m.run(w, fpcr: fpcr, nzcv: flags, v: [1: (n, 0), 2: (mm, 0)])
            return (cpu.nzcv >> 28, cpu.fpsr)
        }
        let fcmp: UInt32 = 0x1e222020, fcmpe: UInt32 = 0x1e222030   // fcmp/fcmpe s1, s2
        XCTAssertEqual(nzcv(fcmp, s(1), s(2)).0, 0b1000)
        XCTAssertEqual(nzcv(fcmp, s(2), s(2)).0, 0b0110)
        XCTAssertEqual(nzcv(fcmp, s(3), s(2)).0, 0b0010)
        XCTAssertEqual(nzcv(fcmp, 0x8000_0000, 0).0, 0b0110)        // -0 == +0
        XCTAssertTrue(nzcv(fcmp, 0x7fc0_0000, s(2)) == (0b0011, 0))  // unordered, quiet
        XCTAssertTrue(nzcv(fcmpe, 0x7fc0_0000, s(2)) == (0b0011, ioc))
        XCTAssertTrue(nzcv(fcmp, 0x7f80_0001, s(2)) == (0b0011, ioc))
        XCTAssertEqual(nzcv(0x1e602028, d(-0.0), 0).0, 0b0110)      // fcmp d1, #0.0
        XCTAssertEqual(nzcv(0x1e602028, d(-5), 0x7ff8_0000_0000_0000).0, 0b1000)  // Rm unused
        // fccmp s1, s2, #0b0101, eq: the comparison when EQ holds, else NZCV = 0101.
        XCTAssertEqual(nzcv(0x1e220425, s(1), s(2), flags: 0x4000_0000).0, 0b1000)
        XCTAssertEqual(nzcv(0x1e220425, s(1), s(2), flags: 0).0, 0b0101)
    }

    func testSelectAndMoves() {
        // fcsel d0, d1, d2, ne
        XCTAssertEqual(m.run(0x1e621c20, nzcv: 0, v: [1: (d(1), 5), 2: (d(2), 6)]).vLow(0), d(1))
        XCTAssertEqual(m.run(0x1e621c20, nzcv: 0x4000_0000, v: [1: (d(1), 5), 2: (d(2), 6)]).vLow(0), d(2))
        // fmov s0, s1: only the low 32 bits, the rest of V0 cleared.
        let c = m.run(0x1e204020, v: [0: (~0, ~0), 1: (0x1234_5678_3f80_0000, 7)])
        XCTAssertEqual(c.vLow(0), 0x3f80_0000)
        XCTAssertEqual(c.vHigh(0), 0)
        XCTAssertEqual(m.run(0x1e2e1000).vLow(0), s(1))                   // fmov s0, #1.0
        XCTAssertEqual(m.run(0x1e781000).vLow(0), d(-0.125))              // fmov d0, #-0.125
        XCTAssertEqual(m.run(0x1e67f000).vLow(0), d(31))                  // fmov d0, #31.0
        XCTAssertEqual(m.run(0x9e660020, v: [1: (d(2), 9)]).x[0], d(2))   // fmov x0, d1
        XCTAssertEqual(m.run(0x1e260020, v: [1: (0xaaaa_bbbb_cccc_dddd, 0)]).x[0], 0xcccc_dddd) // fmov w0, s1
        XCTAssertEqual(m.run(0x9eae0020, v: [1: (1, 0x1122_3344_5566_7788)]).x[0], 0x1122_3344_5566_7788) // fmov x0, v1.d[1]
        let hi = m.run(0x9eaf0020, v: [0: (0xabc, 0xdef)], x: [1: 0x77])  // fmov v0.d[1], x1: low half kept
        XCTAssertEqual(hi.vLow(0), 0xabc)
        XCTAssertEqual(hi.vHigh(0), 0x77)
        let w = m.run(0x1e270020, v: [0: (~0, ~0)], x: [1: 0xffff_ffff_1234_5678])  // fmov s0, w1
        XCTAssertEqual(w.vLow(0), 0x1234_5678)
        XCTAssertEqual(w.vHigh(0), 0)
        assertFP(0x1e614020, [d(2)], 0xc000_0000_0000_0000, flags: 0)              // fneg d0, d1
        assertFP(0x1e20c020, [0xffc0_0001], 0x7fc0_0001, flags: 0)                 // fabs s0, s1: NaN untouched otherwise
    }

    // MARK: Square root, round to integral

    func testSquareRootAndRoundToIntegral() {
        let fsqrt: UInt32 = 0x1e61c020  // fsqrt d0, d1
        assertFP(fsqrt, [d(2)], 0x3ff6_a09e_667f_3bcd, flags: ixc)
        assertFP(fsqrt, [d(2)], fpcr: rp, 0x3ff6_a09e_667f_3bcd, flags: ixc)
        assertFP(fsqrt, [d(2)], fpcr: rz, 0x3ff6_a09e_667f_3bcc, flags: ixc)
        assertFP(fsqrt, [d(16)], d(4), flags: 0)
        assertFP(fsqrt, [d(-0.0)], d(-0.0), flags: 0)
        assertFP(fsqrt, [d(-1)], 0x7ff8_0000_0000_0000, flags: ioc)

        assertFP(0x1e644020, [d(2.5)], d(2), flags: 0)            // frintn d0, d1
        assertFP(0x1e644020, [d(-0.4)], d(-0.0), flags: 0)        // the sign of a zero result is kept
        assertFP(0x1e664020, [d(2.5)], d(3), flags: 0)            // frinta d0, d1
        assertFP(0x1e664020, [d(-2.5)], d(-3), flags: 0)
        assertFP(0x1e274020, [s(2.5)], fpcr: rp, s(3), flags: ixc)  // frintx s0, s1: Inexact
        assertFP(0x1e27c020, [s(2.5)], fpcr: rp, s(3), flags: 0)    // frinti s0, s1: FPCR mode, no flag
        assertFP(0x1e27c020, [s(2.5)], fpcr: rm, s(2), flags: 0)
        assertFP(0x1e254020, [s(-0.5)], s(-1), flags: 0)            // frintm s0, s1
        assertFP(0x1e254020, [0x7f80_0001], 0x7fc0_0001, flags: ioc)
        assertFP(0x1e254020, [s(0x1p30)], s(0x1p30), flags: 0)
    }

    // MARK: Conversions

    func testFloatToIntegerSaturates() {
        func cvt(_ w: UInt32, _ v: UInt64, fpcr: UInt64 = 0) -> (UInt64, UInt64) {
            let cpu = m.run(w, fpcr: fpcr, v: [1: (v, 0)], x: [0: 0xdead])
            return (cpu.x[0], cpu.fpsr)
        }
        let zsw: UInt32 = 0x1e380020, zuw: UInt32 = 0x1e390020    // fcvtzs/fcvtzu w0, s1
        XCTAssertTrue(cvt(zsw, s(3e9)) == (0x7fff_ffff, ioc))
        XCTAssertTrue(cvt(zsw, s(-3e9)) == (0x8000_0000, ioc))
        XCTAssertTrue(cvt(zsw, s(-2147483648)) == (0x8000_0000, 0))
        XCTAssertTrue(cvt(zsw, 0x7fc0_0000) == (0, ioc))
        XCTAssertTrue(cvt(zsw, s(-.infinity)) == (0x8000_0000, ioc))
        XCTAssertTrue(cvt(zsw, s(-2.75)) == (0xffff_fffe, ixc))
        XCTAssertTrue(cvt(zuw, s(-1.5)) == (0, ioc))
        XCTAssertTrue(cvt(zuw, s(-0.5)) == (0, ixc))               // rounds to 0 first: no overflow
        XCTAssertTrue(cvt(zuw, s(4294967040)) == (0xffff_ff00, 0))
        XCTAssertTrue(cvt(zuw, s(4294967296)) == (0xffff_ffff, ioc))
        XCTAssertTrue(cvt(0x1e240020, s(2.5)) == (3, ixc))         // fcvtas w0, s1: ties away
        XCTAssertTrue(cvt(0x1e240020, s(-2.5)) == (0xffff_fffd, ixc))
        XCTAssertTrue(cvt(0x1e200020, s(2.5)) == (2, ixc))         // fcvtns w0, s1: ties to even
        XCTAssertTrue(cvt(0x1e200020, s(3.5)) == (4, ixc))
        XCTAssertTrue(cvt(0x9e700020, d(-0.5)) == (~0, ixc))       // fcvtms x0, d1
        XCTAssertTrue(cvt(0x9e690020, d(0.1)) == (1, ixc))         // fcvtpu x0, d1
        XCTAssertTrue(cvt(0x9e780020, d(0x1p63)) == (0x7fff_ffff_ffff_ffff, ioc))   // fcvtzs x0, d1
        XCTAssertTrue(cvt(0x9e780020, d(-0x1p63)) == (0x8000_0000_0000_0000, 0))
        XCTAssertTrue(cvt(0x1e58c020, d(1.5)) == (0x18000, 0))      // fcvtzs w0, d1, #16
        XCTAssertTrue(cvt(0x1e58c020, d(-32767.25)) == (0x8000_c000, 0))
        XCTAssertTrue(cvt(0x1e58c020, d(32768)) == (0x7fff_ffff, ioc))
        XCTAssertTrue(cvt(zsw, 0x0000_0001, fpcr: fz) == (0, idc))  // flushed input: exact zero
    }

    func testIntegerToFloat() {
        func cvt(_ w: UInt32, _ x: UInt64, fpcr: UInt64 = 0) -> (UInt64, UInt64) {
            let cpu = m.run(w, fpcr: fpcr, v: [0: (~0, ~0)], x: [1: x])
            XCTAssertEqual(cpu.vHigh(0), 0)
            return (cpu.vLow(0), cpu.fpsr)
        }
        XCTAssertTrue(cvt(0x1e220020, 0x7fff_ffff) == (s(0x1p31), ixc))          // scvtf s0, w1
        XCTAssertTrue(cvt(0x1e220020, 0x7fff_ffff, fpcr: rz) == (0x4eff_ffff, ixc))
        XCTAssertTrue(cvt(0x1e220020, 0xffff_ffff_8000_0000) == (s(-0x1p31), 0))  // only W1 is read
        XCTAssertTrue(cvt(0x9e630020, ~0) == (d(0x1p64), ixc))                   // ucvtf d0, x1
        XCTAssertTrue(cvt(0x9e42e020, 0xffff_ffff_ffff_ff00) == (d(-1), 0))      // scvtf d0, x1, #8
        XCTAssertTrue(cvt(0x9e220020, 0x8000_0000_0000_0000) == (0xdf00_0000, 0)) // scvtf s0, x1
        XCTAssertTrue(cvt(0x9e220020, 0) == (0, 0))
    }

    func testPrecisionConversions() {
        let dToS: UInt32 = 0x1e624020, sToH: UInt32 = 0x1e23c020    // fcvt s0, d1 / fcvt h0, s1
        let hToS: UInt32 = 0x1ee24020, sToD: UInt32 = 0x1e22c020    // fcvt s0, h1 / fcvt d0, s1
        assertFP(dToS, [d(1.0 / 3)], 0x3eaa_aaab, flags: ixc)
        assertFP(dToS, [d(1.0 / 3)], fpcr: rz, 0x3eaa_aaaa, flags: ixc)
        assertFP(dToS, [d(1e300)], s(.infinity), flags: ofc | ixc)
        assertFP(dToS, [0x7ff0_0000_0000_0001], 0x7fc0_0000, flags: ioc)          // quietened, payload's top kept
        assertFP(dToS, [0xfff8_0000_2000_0000], 0xffc0_0001, flags: 0)
        assertFP(dToS, [0xfff8_0000_2000_0000], fpcr: dn, 0x7fc0_0000, flags: 0)
        assertFP(dToS, [d(0x1p-140)], fpcr: fz, 0, flags: ufc)
        assertFP(sToD, [0x0000_0001], fpcr: fz, 0, flags: idc)
        assertFP(sToD, [0x7f80_0001], 0x7ff8_0000_2000_0000, flags: ioc)
        assertFP(sToH, [s(1)], 0x3c00, flags: 0)
        assertFP(sToH, [s(65520)], 0x7c00, flags: ofc | ixc)
        assertFP(sToH, [s(0x1p-25)], 0, flags: ufc | ixc)                      // half: FZ never applies
        assertFP(sToH, [s(0x1p-24)], fpcr: fz, 0x0001, flags: 0)
        // Alternative half precision: exponent 31 is a normal number, no infinities or NaNs.
        assertFP(sToH, [s(65520)], fpcr: ahp, 0x7c00, flags: ixc)
        assertFP(sToH, [s(131008)], fpcr: ahp, 0x7fff, flags: 0)
        assertFP(sToH, [s(200000)], fpcr: ahp, 0x7fff, flags: ioc)
        assertFP(sToH, [s(-.infinity)], fpcr: ahp, 0xffff, flags: ioc)
        assertFP(sToH, [0x7fc0_0000], fpcr: ahp, 0, flags: ioc)
        assertFP(hToS, [0x7c00], s(.infinity), flags: 0)
        assertFP(hToS, [0x7c00], fpcr: ahp, s(65536), flags: 0)
        assertFP(hToS, [0x0001], fpcr: fz, s(0x1p-24), flags: 0)
        assertFP(hToS, [0x7d01], 0x7fe0_2000, flags: ioc)            // quietened, payload moved up
        // fcvtxn s0, d1: round to odd, so that a second rounding is correct.
        assertFP(0x7e616820, [0x3ff0_0000_0000_0001], 0x3f80_0001, flags: ixc)
        assertFP(0x7e616820, [d(1e300)], 0x7f7f_ffff, flags: ofc | ixc)
    }

    // MARK: Estimates

    /// FRECPE, FRSQRTE, URECPE and URSQRTE use the Arm ARM's RecipEstimate and RecipSqrtEstimate.
    func testReciprocalEstimates() {
        let frecpe: UInt32 = 0x5ea1d820, frsqrte: UInt32 = 0x7ea1d820   // frecpe/frsqrte s0, s1
        assertFP(frecpe, [s(1)], 0x3f7f_8000, flags: 0)
        assertFP(frecpe, [s(3)], 0x3eaa_8000, flags: 0)
        assertFP(frecpe, [0x3dcc_cccd], 0x4120_0000, flags: 0)       // 0.1 -> 10.0
        assertFP(frecpe, [0x0040_0000], 0x7eff_8000, flags: 0)       // 2^-127: a denormal input
        assertFP(frecpe, [0x0060_0000], 0x7eaa_8000, flags: 0)
        assertFP(frecpe, [0x0010_0000], s(.infinity), flags: ofc | ixc)   // below 2^-128
        assertFP(frecpe, [0x0010_0000], fpcr: rz, 0x7f7f_ffff, flags: ofc | ixc)
        assertFP(frecpe, [0x0010_0000], fpcr: fz, s(.infinity), flags: dzc | idc)
        assertFP(frecpe, [0x7f00_0000], 0x003f_e000, flags: 0)       // a denormal result
        assertFP(frecpe, [0x7f00_0000], fpcr: fz, 0, flags: ufc)
        assertFP(frecpe, [s(-0.0)], s(-.infinity), flags: dzc)
        assertFP(frecpe, [s(-.infinity)], s(-0.0), flags: 0)
        assertFP(frsqrte, [s(4)], 0x3eff_8000, flags: 0)
        assertFP(frsqrte, [s(2)], 0x3f34_8000, flags: 0)
        assertFP(frsqrte, [0x3e99_999a], 0x3fea_0000, flags: 0)      // 0.3
        assertFP(frsqrte, [s(-1)], 0x7fc0_0000, flags: ioc)
        assertFP(frsqrte, [s(0)], s(.infinity), flags: dzc)
        assertFP(frsqrte, [s(.infinity)], 0, flags: 0)
        // frecpx d0, d1: exponent inverted, fraction cleared.
        assertFP(0x5ee1f820, [d(3)], d(1), flags: 0)
        assertFP(0x5ee1f820, [0x8000_0000_0000_0001], 0xffe0_0000_0000_0000, flags: 0)

        // urecpe v0.2s, v1.2s and ursqrte v0.4s, v1.4s.
        let u = m.run(0x0ea1c820, v: [1: (0xffff_ffff_8000_0000, 0x1234)])
        XCTAssertEqual(u.vLow(0), 0x8000_0000_ff80_0000)
        XCTAssertEqual(u.vHigh(0), 0)
        let r = m.run(0x6ea1c820, v: [1: (0x7fff_ffff_c000_0000, 0x3fff_ffff_4000_0000)])
        XCTAssertEqual(r.vLow(0), 0xb500_0000_9380_0000)
        XCTAssertEqual(r.vHigh(0), 0xffff_ffff_ff80_0000)
    }

    func testStepsAndOtherScalarSIMDForms() {
        assertFP(0x5e22fc20, [s(2), s(0.25)], s(1.5), flags: 0)                   // frecps: 2 - 2 * 0.25
        assertFP(0x5e22fc20, [s(.infinity), s(0)], s(2), flags: 0)                // infinity * 0: exactly 2
        assertFP(0x5e22dc20, [s(-.infinity), s(0)], s(-2), flags: 0)              // fmulx s0, s1, s2
        assertFP(0x7ea2d420, [s(1), s(4)], s(3), flags: 0)                        // fabd s0, s1, s2
        assertFP(0x7ea2d420, [s(1), 0xffc0_0001], 0x7fc0_0001, flags: 0)          // FPAbs of the NaN
        assertFP(0x7ea2ec20, [s(-3), s(2)], 0xffff_ffff, flags: 0)                // facgt s0, s1, s2
        assertFP(0x7ea2ec20, [s(-3), 0x7fc0_0000], 0, flags: ioc)
    }

    // MARK: FP access traps

    /// CPACR_EL1.FPEN traps FP instructions from EL0/EL1 to EL1, CPTR_EL2.TFP from EL0-EL2 to
    /// EL2, with EC 0x07 and ISS CV = 1, COND = 0b1110.
    func testAccessTraps() {
        let t = CoreTestMachine()
        let cpu = t.cpu
        t.program([0x1e222820])                       // fadd s0, s1, s2
        func attempt(el: UInt8, cpacr: UInt64, cptr: UInt64) {
            cpu.boot(entry: CoreTestMachine.ramBase, el: el)
            cpu.sysregs[SysReg.CPACR_EL1] = cpacr
            cpu.sysregs[SysReg.CPTR_EL2] = cptr
            cpu.sysregs[SysReg.ESR_EL1] = 0
            cpu.sysregs[SysReg.ESR_EL2] = 0
            cpu.setV(0, low: 0x55, high: 0)
            cpu.setV(1, low: UInt64(Float(1).bitPattern), high: 0)
            cpu.setV(2, low: UInt64(Float(2).bitPattern), high: 0)
            cpu.step()
        }
        attempt(el: 1, cpacr: 0, cptr: 0)
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(cpu.sysregs[SysReg.ESR_EL1], 0x07 << 26 | 1 << 25 | 0x1E0_0000)
        XCTAssertEqual(cpu.sysregs[SysReg.ELR_EL1], CoreTestMachine.ramBase)
        XCTAssertEqual(cpu.vLow(0), 0x55, "a trapped instruction has no effect")
        attempt(el: 0, cpacr: 1 << 20, cptr: 0)       // FPEN = 01: EL0 trapped
        XCTAssertEqual(cpu.el, 1)
        XCTAssertEqual(t.esrEC, 0x07)
        attempt(el: 1, cpacr: 1 << 20, cptr: 0)       // FPEN = 01: EL1 allowed
        XCTAssertEqual(cpu.vLow(0), UInt64(Float(3).bitPattern))
        attempt(el: 1, cpacr: 3 << 20, cptr: 1 << 10)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(t.esr2EC, 0x07)
        XCTAssertEqual(cpu.vLow(0), 0x55)
        attempt(el: 2, cpacr: 0, cptr: 1 << 10)
        XCTAssertEqual(cpu.el, 2)
        XCTAssertEqual(t.esr2EC, 0x07)
        attempt(el: 2, cpacr: 0, cptr: 0)             // CPACR_EL1 does not apply at EL2
        XCTAssertEqual(cpu.vLow(0), UInt64(Float(3).bitPattern))
    }
}
