import XCTest
@testable import ARMCore

/// CRC32B/H/W/X and CRC32CB/H/W/X. Encodings from aarch64-linux-gnu-as -march=armv8-a+crc.
final class CRC32Tests: XCTestCase {
    let d = LSMachine.data

    /// The usual CRC-32 and CRC-32C of "123456789" (initial value and final XOR all ones),
    /// computed by a guest loop a byte at a time.
    func testCheckValuesOf123456789() {
        let m = LSMachine()
        for (k, c) in "123456789".utf8.enumerated() { m.write(d + UInt64(k), 1, UInt64(c)) }
        m.x[0] = 0xFFFF_FFFF
        m.x[4] = 0xFFFF_FFFF
        m.x[1] = d
        m.x[2] = 9
        m.load([
            0x38401423, // loop: ldrb w3, [x1], #1
            0x1ac34000, // crc32b w0, w0, w3
            0x1ac35084, // crc32cb w4, w4, w3
            0xf1000442, // subs x2, x2, #1
            0x54ffff81, // b.ne loop
            0x2a2003e0, // mvn w0, w0
            0x2a2403e4, // mvn w4, w4
        ])
        m.step(9 * 5 + 2)
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 7 * 4)
        XCTAssertEqual(m.x[0], 0xCBF4_3926)
        XCTAssertEqual(m.x[4], 0xE306_9283)
    }

    /// The wide forms equal the byte form applied to their bytes, least significant first.
    func testWideFormsAgreeWithTheByteForm() {
        let m = LSMachine()
        let data: UInt64 = 0x3837_3635_3433_3231   // "12345678"
        let start: UInt64 = 0xFFFF_FFFF
        for r in [5, 7, 8, 9, 10, 11] { m.x[r] = start }
        m.x[6] = data
        m.run([
            0x9ac64ca5, // crc32x w5, w5, x6
            0x1ac648e7, // crc32w w7, w7, w6
            0x1ac64508, // crc32h w8, w8, w6
            0x9ac65d29, // crc32cx w9, w9, x6
            0x1ac6594a, // crc32cw w10, w10, w6
            0x1ac6556b, // crc32ch w11, w11, w6
        ])
        func bytewise(_ n: Int, _ castagnoli: Bool) -> UInt64 {
            let poly: UInt32 = castagnoli ? 0x82F6_3B78 : 0xEDB8_8320
            var crc = UInt32(start)
            for k in 0..<n {
                crc ^= UInt32(truncatingIfNeeded: data >> (8 * UInt64(k))) & 0xFF
                for _ in 0..<8 { crc = crc & 1 != 0 ? crc >> 1 ^ poly : crc >> 1 }
            }
            return UInt64(crc)
        }
        XCTAssertEqual(m.x[5], bytewise(8, false))
        XCTAssertEqual(m.x[7], bytewise(4, false))
        XCTAssertEqual(m.x[8], bytewise(2, false))
        XCTAssertEqual(m.x[9], bytewise(8, true))
        XCTAssertEqual(m.x[10], bytewise(4, true))
        XCTAssertEqual(m.x[11], bytewise(2, true))
        // "12345678" then "9", as the check value again.
        m.x[12] = 0x39
        m.run([0x1acc40a5]) // crc32b w5, w5, w12
        XCTAssertEqual(m.x[5] ^ 0xFFFF_FFFF, 0xCBF4_3926)
    }

    /// Every form against Unicorn 2.1.4: the accumulator is Wn (the upper half of Xn is ignored),
    /// the data the low bytes of Xm, and the result is zero-extended.
    func testEveryFormMatchesTheReference() {
        let cases: [(UInt32, String, UInt64)] = [
            (0x1ac34041, "crc32b w1, w2, w3", 0x6e79_32b1),
            (0x1ac34441, "crc32h w1, w2, w3", 0x59dd_4425),
            (0x1ac34841, "crc32w w1, w2, w3", 0x40d5_5215),
            (0x9ac34c41, "crc32x w1, w2, x3", 0x9b62_eadf),
            (0x1ac35041, "crc32cb w1, w2, w3", 0x4670_acaa),
            (0x1ac35441, "crc32ch w1, w2, w3", 0xb54a_8725),
            (0x1ac35841, "crc32cw w1, w2, w3", 0xa360_621e),
            (0x9ac35c41, "crc32cx w1, w2, x3", 0xa3d2_07be),
        ]
        for (word, asm, want) in cases {
            let m = LSMachine()
            m.x[1] = 0xDEAD_BEEF
            m.x[2] = 0xFFFF_FFFF_1234_5678
            m.x[3] = 0x0123_4567_89AB_CDEF
            m.run([word])
            XCTAssertEqual(m.x[1], want, asm)
        }
    }

    /// CRC32 is an integer instruction: CPACR_EL1.FPEN does not trap it; and the zero register
    /// works as either operand.
    func testNoFPTrapAndZeroRegister() {
        let m = LSMachine()
        XCTAssertEqual(m.cpu.sysregs[SysReg.CPACR_EL1] >> 20 & 3, 0)
        m.x[1] = 0x1234
        m.run([0x1adf43e1]) // crc32b w1, wzr, wzr
        XCTAssertEqual(m.x[1], 0, "the CRC of zero from zero is zero")
    }

    func testUnallocatedSizeCombinationsAreUndefined() {
        for w: UInt32 in [
            0x1ac24c20, // crc32x with sf = 0
            0x9ac24020, // crc32b with sf = 1
            0x9ac25820, // crc32cw with sf = 1
        ] {
            XCTAssertEqual(A64Decoder.decode(w), .undefined, String(format: "0x%08x", w))
        }
    }
}
