import XCTest
@testable import ARMCore

/// Random words from the SIMD&FP encoding space (op0 = x111) executed with FP/SIMD enabled and
/// random register contents: each must complete or take an exception, never trap the host. The
/// generic execution fuzz runs with CPACR_EL1.FPEN = 00, where all of these trap at once.
final class AdvancedSIMDFuzzTests: XCTestCase {
    func testRandomSIMDWordsFromRandomStates() {
        var rng = SplitMix64(seed: 0x51_3D_A64)
        let m = AdvSIMDMachine()
        var completed = 0
        for _ in 0..<60_000 {
            let w = UInt32(truncatingIfNeeded: rng.next()) | 0x0E00_0000
            for k in 0..<32 { m.cpu.setV(UInt8(k), low: rng.next(), high: rng.next()) }
            if m.attempt(w) { completed += 1 }
            XCTAssertEqual(m.cpu.x[Int(Reg.zr)], 0, String(format: "0x%08x wrote the zero register", w))
        }
        // A good part of the space is Advanced SIMD and executes (not all UNDEFINED).
        XCTAssertGreaterThan(completed, 3_000)
    }
}
