import XCTest
@testable import ARMCore
import Bus

/// CRC32 and CRC32C in A32 and T32 (ARM DDI 0487, F5.1 "CRC32", "CRC32C"; ID_ISAR5.CRC32 = 1).
/// Expected values: the reflected CRC without inversion that the pseudocode defines, computed
/// bit by bit in Python (for CRC-32, the complement of zlib.crc32 of the bytes from 0).
final class AArch32CRC32Tests: XCTestCase {
    let base = UInt32(CoreTestMachine.ramBase)

    func check(_ m: CoreTestMachine, _ isa: String) {
        m.cpu.setR(1, 0xFFFF_FFFF); m.cpu.setR(2, 0x1234_5678)
        m.cpu.setR(4, 0x1122_3344); m.cpu.setR(5, 0xAB_CD78)
        m.cpu.setR(7, 0x1122_3344); m.cpu.setR(8, 0x9_5678)
        m.steps(1)
        XCTAssertEqual(m.cpu.r(0), 0x5092_782D, "\(isa): CRC32W")
        m.steps(1)
        XCTAssertEqual(m.cpu.r(0), 0x4DEC_E20C, "\(isa): CRC32CW")
        m.steps(1)
        XCTAssertEqual(m.cpu.r(3), 0x2F7E_5EB4, "\(isa): CRC32B takes the low byte of Rm")
        m.steps(1)
        XCTAssertEqual(m.cpu.r(6), 0xC7E7_26BB, "\(isa): CRC32CH takes the low halfword")
    }

    func testA32() {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: base, mode: .svc)
        m.program([
            0xE141_0042,   // crc32w r0, r1, r2
            0xE141_0242,   // crc32cw r0, r1, r2
            0xE104_3045,   // crc32b r3, r4, r5
            0xE127_6248,   // crc32ch r6, r7, r8
        ])
        check(m, "A32")
    }

    func testT32() {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: base, mode: .svc, thumb: true)
        let halfwords: [UInt16] = [
            0xFAC1, 0xF0A2,   // crc32w r0, r1, r2
            0xFAD1, 0xF0A2,   // crc32cw r0, r1, r2
            0xFAC4, 0xF385,   // crc32b r3, r4, r5
            0xFAD7, 0xF698,   // crc32ch r6, r7, r8
        ]
        for (k, h) in halfwords.enumerated() {
            _ = m.bus.write(CoreTestMachine.ramBase + UInt64(2 * k), size: 2, value: UInt64(h))
        }
        check(m, "T32")
    }

    func testSizeElevenIsUndefined() {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: base, mode: .svc)
        m.program([0xE161_0042])   // sz = 11: CONSTRAINED UNPREDICTABLE, UNDEFINED here
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
    }
}
