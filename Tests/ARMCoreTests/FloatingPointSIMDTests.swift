import XCTest
@testable import ARMCore
import Bus

/// The floating-point forms of Advanced SIMD (ARM DDI 0487, C4.1 Advanced SIMD classes).
/// Encodings were produced with aarch64-linux-gnu-as and checked with objdump; the assembly is
/// beside each word. Lanes are written lowest first: `pack4(a, b, c, d)` is V.4S = {a, b, c, d}.
final class FloatingPointSIMDTests: XCTestCase {
    var m: FPTestMachine!
    override func setUp() { m = FPTestMachine() }
    override func tearDown() { m = nil }

    func s(_ f: Float) -> UInt64 { UInt64(f.bitPattern) }
    func d(_ f: Double) -> UInt64 { f.bitPattern }
    func pack2(_ a: Float, _ b: Float) -> UInt64 { s(a) | s(b) << 32 }
    func q(_ a: Float, _ b: Float, _ c: Float, _ e: Float) -> (UInt64, UInt64) { (pack2(a, b), pack2(c, e)) }

    func v0(_ cpu: CPU) -> (UInt64, UInt64) { (cpu.vLow(0), cpu.vHigh(0)) }

    func assertV0(_ cpu: CPU, _ want: (UInt64, UInt64), file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(cpu.vLow(0), want.0, String(format: "low %llx want %llx", cpu.vLow(0), want.0), file: file, line: line)
        XCTAssertEqual(cpu.vHigh(0), want.1, String(format: "high %llx want %llx", cpu.vHigh(0), want.1), file: file, line: line)
    }

    func testThreeSameLanewise() {
        let a = q(1, 2, 3, 4), b = q(10, 20, 30, 0.5)
        assertV0(m.run(0x4e22d420, v: [1: a, 2: b]), q(11, 22, 33, 4.5))       // fadd v0.4s, v1.4s, v2.4s
        // A 64-bit vector writes two lanes and clears the upper half of V0.
        assertV0(m.run(0x0e22d420, v: [0: (~0, ~0), 1: a, 2: b]), (pack2(11, 22), 0))  // fadd v0.2s, v1.2s, v2.2s
        // fmla v0.2d, v1.2d, v2.2d: fused, per lane.
        assertV0(m.run(0x4e62cc20, v: [0: (d(1), d(-1)), 1: (d(2), d(3)), 2: (d(4), d(5))]), (d(9), d(14)))
        // fcmge v0.4s, v1.4s, v2.4s: all-ones masks; a NaN compares false and signals.
        let c = m.run(0x6e22e420, v: [1: (pack2(1, 2), s(3) | 0x7fc0_0000 << 32), 2: (pack2(1, 3), pack2(4, 0))])
        assertV0(c, (0xffff_ffff, 0))
        XCTAssertEqual(c.fpsr, 0x01)
        // fcmlt v0.2d, v1.2d, #0.0
        assertV0(m.run(0x4ee0e820, v: [1: (d(-0.5), d(-0.0))]), (~0, 0))
    }

    func testPairwiseAndReductions() {
        // faddp v0.4s, v1.4s, v2.4s: {n0+n1, n2+n3, m0+m1, m2+m3}.
        assertV0(m.run(0x6e22d420, v: [1: q(1, 2, 3, 4), 2: q(10, 20, 30, 40)]), q(3, 7, 30, 70))
        // faddp s0, v1.2s
        assertV0(m.run(0x7e30d820, v: [1: (pack2(1.5, 2), 99)]), (s(3.5), 0))
        // fmaxnmv s0, v1.4s: quiet NaNs lose to numbers.
        assertV0(m.run(0x6e30c820, v: [1: (0x7fc0_0000 | s(-1) << 32, pack2(7, 0x1p-3))]), (s(7), 0))
        // fminv s0, v1.4s: (min(n0, n1), min(n2, n3)) then their minimum; -0 below +0.
        assertV0(m.run(0x6eb0f820, v: [1: (pack2(0, -0.0), pack2(5, 1))]), (0x8000_0000, 0))
    }

    func testByElement() {
        // fmla v0.4s, v1.4s, v2.s[3]
        assertV0(m.run(0x4fa21820, v: [0: q(1, 1, 1, 1), 1: q(1, 2, 3, 4), 2: q(0, 0, 0, 10)]), q(11, 21, 31, 41))
        // fmul d0, d1, v2.d[1]: scalar, the rest of V0 cleared.
        assertV0(m.run(0x5fc29820, v: [0: (5, 5), 1: (d(3), d(100)), 2: (d(7), d(-2))]), (d(-6), 0))
    }

    func testConversionsBetweenPrecisions() {
        // fcvtl v0.2d, v1.2s and fcvtl2 v0.4s, v1.8h (upper half of V1).
        assertV0(m.run(0x0e617820, v: [1: (pack2(1.5, -2), 0xdead)]), (d(1.5), d(-2)))
        assertV0(m.run(0x4e217820, v: [1: (0xdead, 0x3c00_c000_7c00_3800)]), (s(0.5) | s(.infinity) << 32, s(-2) | s(1) << 32))
        // fcvtn v0.2s, v1.2d writes the lower half and clears the upper.
        assertV0(m.run(0x0e616820, v: [0: (~0, ~0), 1: (d(0.25), d(1e300))]), (s(0.25) | s(.infinity) << 32, 0))
        // fcvtn2 v0.8h, v1.4s writes the upper half and keeps the lower.
        assertV0(m.run(0x4e216820, v: [0: (0x1234, 0xffff), 1: q(1, -2, 0.5, 65504)]), (0x1234, 0x7bff_3800_c000_3c00))
    }

    func testIntegerAndFixedPointConversions() {
        // fcvtzs v0.4s, v1.4s, #8: saturating, per lane.
        let c = m.run(0x4f38fc20, v: [1: q(1.5, -1, 1e10, -0.001)])
        assertV0(c, (0x180 | 0xffff_ff00 << 32, 0x7fff_ffff))
        XCTAssertEqual(c.fpsr, 0x11)   // IOC from the 1e10 lane, IXC from -0.001
        // ucvtf v0.2d, v1.2d
        assertV0(m.run(0x6e61d820, v: [1: (~0, 3)]), (d(0x1p64), d(3)))
    }

    func testEstimatesOnVectors() {
        // frecpe v0.4s, v1.4s
        assertV0(m.run(0x4ea1d820, v: [1: q(1, 3, -0.0, .infinity)]), (0x3f7f_8000 | 0x3eaa_8000 << 32, s(-.infinity) | 0))
    }

    func testAccessTrapCoversSIMD() {
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0
        let pc = CoreTestMachine.ramBase
        _ = m.machine.bus.write(pc, size: 4, value: 0x4e22d420)   // fadd v0.4s, v1.4s, v2.4s
        m.cpu.boot(entry: pc, el: 1)
        m.cpu.step()
        XCTAssertEqual(m.machine.esrEC, 0x07)
    }
}
