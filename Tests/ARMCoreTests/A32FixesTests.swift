import XCTest
@testable import ARMCore
import Bus

/// A32 behaviour the reference vectors (Vectors/a32-integer.bin) found wrong, one test per
/// fix, each on a CPU booted in AArch32 SVC mode. Encodings carry their assembly in a comment.
final class A32FixesTests: XCTestCase {
    func machine(_ words: [UInt32]) -> CoreTestMachine {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: UInt32(CoreTestMachine.ramBase), mode: .svc)
        m.program(words)
        return m
    }

    /// SBFX and UBFX extract from Rn (bits 3:0 of the A32 encoding), not from R0: the decoder
    /// puts the source in `rn`, as for BFI (F5.1 "SBFX": `R[d] = SignExtend(R[n]<msbit:lsbit>, 32)`).
    /// Found by a32.bitfield (word 0xe7e136d5, seed 0x479270e304bb835b).
    func testBitfieldExtractReadsRn() {
        let m = machine([
            0xE7E1_36D5,   // ubfx r3, r5, #13, #2
            0xE7A4_B4D1,   // sbfx r11, r1, #9, #5
        ])
        m.cpu.setR(0, 0x0000_0000)      // what the old code extracted from
        m.cpu.setR(5, 0x0000_6000)      // bits 14:13 = 11
        m.cpu.setR(1, 0x0000_3E00)      // bits 13:9 = 11111: -1 as a signed 5-bit field
        m.steps(2)
        XCTAssertEqual(m.cpu.r(3), 3, "UBFX takes bits 14:13 of R5")
        XCTAssertEqual(m.cpu.r(11), 0xFFFF_FFFF, "SBFX sign-extends bits 13:9 of R1")
    }
}
