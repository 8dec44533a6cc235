import XCTest
@testable import ARMCore
import Bus

/// The A64 "Loads and stores" group, general-purpose registers. Every encoding was produced
/// (or, for the unallocated and CONSTRAINED UNPREDICTABLE ones, checked) with
/// aarch64-linux-gnu-as / aarch64-linux-gnu-objdump.
final class LoadStoreTests: XCTestCase {
    let d = LSMachine.data
    let pattern: UInt64 = 0x0123_4567_89AB_CDEF

    // MARK: - Single register, immediate offsets

    func testUnsignedOffsetEverySizeAndSignExtension() {
        let m = LSMachine()
        m.x[1] = d
        m.x[2] = pattern
        for r in 3...13 { m.x[r] = ~0 }
        m.write(d + 32760, 8, 0x1122_3344_5566_7788)
        m.write(d + 4095, 1, 0x99)
        m.run([
            0x39000422, // strb w2, [x1, #1]
            0x79000422, // strh w2, [x1, #2]
            0xb9000422, // str w2, [x1, #4]
            0xf9000422, // str x2, [x1, #8]
            0x39400423, // ldrb w3, [x1, #1]
            0x79400424, // ldrh w4, [x1, #2]
            0xb9400425, // ldr w5, [x1, #4]
            0xf9400426, // ldr x6, [x1, #8]
            0x39800427, // ldrsb x7, [x1, #1]
            0x39c00428, // ldrsb w8, [x1, #1]
            0x79800429, // ldrsh x9, [x1, #2]
            0x79c0042a, // ldrsh w10, [x1, #2]
            0xb980042b, // ldrsw x11, [x1, #4]
            0xf97ffc2c, // ldr x12, [x1, #32760]
            0x397ffc2d, // ldrb w13, [x1, #4095]
        ])
        XCTAssertEqual(m.read(d, 1), 0)
        XCTAssertEqual(m.read(d + 1, 1), 0xEF)
        XCTAssertEqual(m.read(d + 2, 2), 0xCDEF)
        XCTAssertEqual(m.read(d + 4, 4), 0x89AB_CDEF)
        XCTAssertEqual(m.read(d + 8, 8), pattern)
        XCTAssertEqual(m.x[3], 0xEF)
        XCTAssertEqual(m.x[4], 0xCDEF)
        XCTAssertEqual(m.x[5], 0x89AB_CDEF)
        XCTAssertEqual(m.x[6], pattern)
        XCTAssertEqual(m.x[7], 0xFFFF_FFFF_FFFF_FFEF)
        XCTAssertEqual(m.x[8], 0xFFFF_FFEF)
        XCTAssertEqual(m.x[9], 0xFFFF_FFFF_FFFF_CDEF)
        XCTAssertEqual(m.x[10], 0xFFFF_CDEF)
        XCTAssertEqual(m.x[11], 0xFFFF_FFFF_89AB_CDEF)
        XCTAssertEqual(m.x[12], 0x1122_3344_5566_7788)
        XCTAssertEqual(m.x[13], 0x99)
        XCTAssertEqual(m.x[1], d, "no writeback")
    }

    func testUnscaledImmediate() {
        let m = LSMachine()
        let v: UInt64 = 0x7F6E_5D4C_3B2A_1908   // positive at every width
        m.x[1] = d + 0x100
        m.x[2] = v
        for r in 3...12 { m.x[r] = ~0 }
        m.write(d + 0x1FF, 8, 0xA1A2_A3A4_A5A6_A7A8)
        m.run([
            0x381ff022, // sturb w2, [x1, #-1]
            0x781fd022, // sturh w2, [x1, #-3]
            0xb81f9022, // stur w2, [x1, #-7]
            0xf8100022, // stur x2, [x1, #-256]
            0x385ff023, // ldurb w3, [x1, #-1]
            0x785fd024, // ldurh w4, [x1, #-3]
            0xb85f9025, // ldur w5, [x1, #-7]
            0xf8500026, // ldur x6, [x1, #-256]
            0x389ff027, // ldursb x7, [x1, #-1]
            0x38dff028, // ldursb w8, [x1, #-1]
            0x789fd029, // ldursh x9, [x1, #-3]
            0x78dfd02a, // ldursh w10, [x1, #-3]
            0xb89f902b, // ldursw x11, [x1, #-7]
            0xf84ff02c, // ldur x12, [x1, #255]
        ])
        XCTAssertEqual(m.read(d + 0xFF, 1), 0x08)
        XCTAssertEqual(m.read(d + 0xFD, 2), 0x1908)
        XCTAssertEqual(m.read(d + 0xF9, 4), 0x3B2A_1908)
        XCTAssertEqual(m.read(d, 8), v)
        XCTAssertEqual(m.x[3], 0x08)
        XCTAssertEqual(m.x[4], 0x1908)
        XCTAssertEqual(m.x[5], 0x3B2A_1908)
        XCTAssertEqual(m.x[6], v)
        XCTAssertEqual(m.x[7], 0x08)
        XCTAssertEqual(m.x[8], 0x08)
        XCTAssertEqual(m.x[9], 0x1908)
        XCTAssertEqual(m.x[10], 0x1908)
        XCTAssertEqual(m.x[11], 0x3B2A_1908)
        XCTAssertEqual(m.x[12], 0xA1A2_A3A4_A5A6_A7A8, "misaligned access with SCTLR.A clear")
        XCTAssertEqual(m.x[1], d + 0x100)
    }

    func testPreAndPostIndexEverySize() {
        let m = LSMachine()
        m.write(d + 0x48, 8, 0xAAAA_BBBB_CCCC_DDDD)
        m.write(d + 0x50, 8, 0x1234_5678_8765_C3A5)
        m.write(d + 0x155, 4, 0xFEED_FACE)
        m.x[1] = d + 0x40
        m.x[2] = pattern
        m.load([
            0xf8408c20, // ldr x0, [x1, #8]!
            0xf85f8420, // ldr x0, [x1], #-8
            0x38001c22, // strb w2, [x1, #1]!
            0x78002422, // strh w2, [x1], #2
            0xb81fcc22, // str w2, [x1, #-4]!
            0xf8010422, // str x2, [x1], #16
            0x385ffc23, // ldrb w3, [x1, #-1]!
            0x785fe423, // ldrh w3, [x1], #-2
            0x38801423, // ldrsb x3, [x1], #1
            0x38c01c23, // ldrsb w3, [x1, #1]!
            0x78802c23, // ldrsh x3, [x1, #2]!
            0x78c02423, // ldrsh w3, [x1], #2
            0xb8804423, // ldrsw x3, [x1], #4
            0xb84ffc23, // ldr w3, [x1, #255]!
        ])
        func check(_ x1: UInt64, _ x3: UInt64? = nil, line: UInt = #line) {
            m.x[3] = ~0
            let pc = m.cpu.pc
            m.step()
            XCTAssertEqual(m.cpu.pc, pc + 4, "exception", line: line)
            XCTAssertEqual(m.x[1], x1, "base", line: line)
            if let x3 { XCTAssertEqual(m.x[3], x3, "Rt", line: line) }
        }
        check(d + 0x48); XCTAssertEqual(m.x[0], 0xAAAA_BBBB_CCCC_DDDD); m.x[0] = 0
        check(d + 0x40); XCTAssertEqual(m.x[0], 0xAAAA_BBBB_CCCC_DDDD)
        check(d + 0x41); XCTAssertEqual(m.read(d + 0x41, 1), 0xEF)
        check(d + 0x43); XCTAssertEqual(m.read(d + 0x41, 2), 0xCDEF)
        check(d + 0x3F); XCTAssertEqual(m.read(d + 0x3F, 4), 0x89AB_CDEF)
        check(d + 0x4F); XCTAssertEqual(m.read(d + 0x3F, 8), pattern)
        check(d + 0x4E, 0xAA)
        check(d + 0x4C, 0xAAAA)
        check(d + 0x4D, 0xFFFF_FFFF_FFFF_FFBB)
        check(d + 0x4E, 0xFFFF_FFAA)
        check(d + 0x50, 0xFFFF_FFFF_FFFF_C3A5)
        check(d + 0x52, 0xFFFF_C3A5)
        check(d + 0x56, 0x5678_8765)
        check(d + 0x155, 0xFEED_FACE)
    }

    func testSPBaseWithWriteback() {
        let m = LSMachine()
        m.sp = d + 0x200
        m.write(d + 0x200, 8, 0x5555)
        m.load([
            0xf84107e0, // ldr x0, [sp], #16
            0xf81f0fe0, // str x0, [sp, #-16]!
            0xf94007e0, // ldr x0, [sp, #8]
        ])
        m.step()
        XCTAssertEqual(m.x[0], 0x5555)
        XCTAssertEqual(m.sp, d + 0x210)
        m.x[0] = 0x6666
        m.step()
        XCTAssertEqual(m.read(d + 0x200), 0x6666)
        XCTAssertEqual(m.sp, d + 0x200)
        m.write(d + 0x208, 8, 0x7777)
        m.step()
        XCTAssertEqual(m.x[0], 0x7777)
        XCTAssertEqual(m.sp, d + 0x200)
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 12)
    }

    // MARK: - Register offset

    func testRegisterOffsetLoadsWithEveryExtend() {
        let m = LSMachine()
        // Bytes d+0x3E0..<d+0x440 hold (offset & 0xFF) | 0x80.
        for off in UInt64(0x3E0)..<0x440 { m.write(d + off, 1, (off & 0xFF) | 0x80) }
        m.x[1] = d + 0x400
        let cases: [(word: UInt32, x2: UInt64, rt: Int, expect: UInt64, line: UInt)] = [
            (0xf8626820, 0x10, 0, 0x9796_9594_9392_9190, #line),                    // ldr x0, [x1, x2]
            (0xf8627823, 2, 3, 0x9796_9594_9392_9190, #line),                       // ldr x3, [x1, x2, lsl #3]
            (0xb8624824, 0xFFFF_FFFF_0000_0020, 4, 0xA3A2_A1A0, #line),             // ldr w4, [x1, w2, uxtw]
            (0xb8625825, 0x1_0000_0008, 5, 0xA3A2_A1A0, #line),                     // ldr w5, [x1, w2, uxtw #2]
            (0xf862d826, 0x0000_0000_FFFF_FFFE, 6, 0xF7F6_F5F4_F3F2_F1F0, #line),   // ldr x6, [x1, w2, sxtw #3]
            (0xf862e827, 0xFFFF_FFFF_FFFF_FFF8, 7, 0xFFFE_FDFC_FBFA_F9F8, #line),   // ldr x7, [x1, x2, sxtx]
            (0x38627828, 0x11, 8, 0x91, #line),                                     // ldrb w8, [x1, x2, lsl #0]
            (0x7862d829, 0x1234_5678_FFFF_FFFF, 9, 0xFFFE, #line),                  // ldrh w9, [x1, w2, sxtw #1]
            (0xb8a2782a, 5, 10, 0xFFFF_FFFF_9796_9594, #line),                      // ldrsw x10, [x1, x2, lsl #2]
            (0x38e2682b, 0x13, 11, 0xFFFF_FF93, #line),                             // ldrsb w11, [x1, x2]
            (0x78a2f82c, 0xFFFF_FFFF_FFFF_FFFD, 12, 0xFFFF_FFFF_FFFF_FBFA, #line),  // ldrsh x12, [x1, x2, sxtx #1]
        ]
        for c in cases {
            m.x[2] = c.x2
            m.x[c.rt] = 0x5A5A_5A5A_5A5A_5A5A
            m.exec(c.word)
            LSAssertCompleted(m, line: c.line)
            XCTAssertEqual(m.x[c.rt], c.expect, line: c.line)
            XCTAssertEqual(m.x[2], c.x2, "index register unchanged", line: c.line)
            XCTAssertEqual(m.x[1], d + 0x400, "no writeback", line: c.line)
        }
        // UXTW of a W index with bit 31 set adds 2^31; SXTW of the same subtracts it.
        m.x[1] = (d + 0x400) &- 0x8000_0000
        m.x[2] = 0xFFFF_FFFF_8000_0000
        m.exec(0xb8624824) // ldr w4, [x1, w2, uxtw]
        LSAssertCompleted(m)
        XCTAssertEqual(m.x[4], 0x8382_8180)
        m.x[1] = (d + 0x400) &+ 0x1_0000
        m.x[2] = 0xFFFF_E000   // w2 = -0x2000, times 8 = -0x10000
        m.exec(0xf862d826) // ldr x6, [x1, w2, sxtw #3]
        LSAssertCompleted(m)
        XCTAssertEqual(m.x[6], 0x8786_8584_8382_8180)
    }

    func testRegisterOffsetStoresAndSPBase() {
        let m = LSMachine()
        m.x[1] = d + 0x400
        m.x[13] = pattern
        m.load([
            0x3822682d, // strb w13, [x1, x2]
            0x7822d82d, // strh w13, [x1, w2, sxtw #1]
            0xb822782d, // str w13, [x1, x2, lsl #2]
            0xf822582d, // str x13, [x1, w2, uxtw #3]
            0xf8626bee, // ldr x14, [sp, x2]
        ])
        m.x[2] = 0x100; m.step()
        XCTAssertEqual(m.read(d + 0x500, 8), 0xEF)
        m.x[2] = 0xFFFF_FFF0; m.step()
        XCTAssertEqual(m.read(d + 0x3E0, 8), 0xCDEF)
        m.x[2] = 0x48; m.step()
        XCTAssertEqual(m.read(d + 0x520, 8), 0x89AB_CDEF)
        m.x[2] = 0xFFFF_FFFF_0000_0030; m.step()
        XCTAssertEqual(m.read(d + 0x580, 8), pattern)
        m.sp = d + 0x500
        m.x[2] = 0x80; m.step()
        XCTAssertEqual(m.x[14], pattern)
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 20)
    }

    // MARK: - Unprivileged

    func testUnprivilegedAtEL1() {
        let m = LSMachine()
        XCTAssertEqual(m.cpu.el, 1)
        m.x[1] = d + 0x600
        m.x[2] = pattern
        for r in 3...12 { m.x[r] = ~0 }
        m.write(d + 0x5F8, 8, 0xCAFE_F00D_1234_5678)
        m.run([
            0x38001822, // sttrb w2, [x1, #1]
            0x78002822, // sttrh w2, [x1, #2]
            0xb8004822, // sttr w2, [x1, #4]
            0xf8008822, // sttr x2, [x1, #8]
            0x38401823, // ldtrb w3, [x1, #1]
            0x78402824, // ldtrh w4, [x1, #2]
            0xb8404825, // ldtr w5, [x1, #4]
            0xf8408826, // ldtr x6, [x1, #8]
            0x38801827, // ldtrsb x7, [x1, #1]
            0x38c01828, // ldtrsb w8, [x1, #1]
            0x78802829, // ldtrsh x9, [x1, #2]
            0x78c0282a, // ldtrsh w10, [x1, #2]
            0xb880482b, // ldtrsw x11, [x1, #4]
            0xf85f882c, // ldtr x12, [x1, #-8]
        ])
        XCTAssertEqual(m.read(d + 0x601, 1), 0xEF)
        XCTAssertEqual(m.read(d + 0x602, 2), 0xCDEF)
        XCTAssertEqual(m.read(d + 0x604, 4), 0x89AB_CDEF)
        XCTAssertEqual(m.read(d + 0x608, 8), pattern)
        XCTAssertEqual(m.x[3], 0xEF)
        XCTAssertEqual(m.x[4], 0xCDEF)
        XCTAssertEqual(m.x[5], 0x89AB_CDEF)
        XCTAssertEqual(m.x[6], pattern)
        XCTAssertEqual(m.x[7], 0xFFFF_FFFF_FFFF_FFEF)
        XCTAssertEqual(m.x[8], 0xFFFF_FFEF)
        XCTAssertEqual(m.x[9], 0xFFFF_FFFF_FFFF_CDEF)
        XCTAssertEqual(m.x[10], 0xFFFF_CDEF)
        XCTAssertEqual(m.x[11], 0xFFFF_FFFF_89AB_CDEF)
        XCTAssertEqual(m.x[12], 0xCAFE_F00D_1234_5678)

        // At EL1 the access is made as unprivileged; a plain LDR is not.
        let ldtr = A64Decoder.decode(0xf8408826)  // ldtr x6, [x1, #8]
        XCTAssertEqual(m.cpu.lsAccess(ldtr), .unprivileged)
        XCTAssertEqual(m.cpu.lsAccess(A64Decoder.decode(0xf9400426)), [])  // ldr x6, [x1, #8]
        let el0 = LSMachine(el: 0)
        XCTAssertEqual(el0.cpu.lsAccess(ldtr), [], "at EL0 LDTR is an ordinary EL0 access")
    }

    // MARK: - Literal

    func testLoadLiteralBothDirections() {
        let m = LSMachine()
        m.load([
            0x12345678, 0x80000000, 0, 0, // dneg: .quad 0x8000000012345678, .quad 0
            0x58ffff80, // ldr x0, dneg
            0x18ffff61, // ldr w1, dneg
            0x98ffff42, // ldrsw x2, dneg
            0x180000a3, // ldr w3, dpos
            0x98000084, // ldrsw x4, dpos
            0x58000065, // ldr x5, dpos
            0xd8fffec0, // prfm pldl1keep, dneg
            0xd8ffff20, // prfm pldl1keep, code
            0x87654321, 0x0abcdef0, // dpos
        ], entry: LSMachine.code + 16)
        for r in 0...5 { m.x[r] = ~0 }
        m.step(8)
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 48)
        XCTAssertEqual(m.x[0], 0x8000_0000_1234_5678)
        XCTAssertEqual(m.x[1], 0x1234_5678)
        XCTAssertEqual(m.x[2], 0x1234_5678)
        XCTAssertEqual(m.x[3], 0x8765_4321)
        XCTAssertEqual(m.x[4], 0xFFFF_FFFF_8765_4321)
        XCTAssertEqual(m.x[5], 0x0ABC_DEF0_8765_4321)
    }

    // MARK: - Prefetch

    func testPrefetchNeverFaults() {
        let m = LSMachine()
        m.sctlr |= SCTLR.SA | SCTLR.A
        m.x[1] = 0x1000   // nothing there
        m.x[2] = 0x1234
        m.sp = d + 8      // misaligned SP with SCTLR.SA set
        m.run([
            0xf9800020, // prfm pldl1keep, [x1]
            0xf8a27833, // prfm pstl2strm, [x1, x2, lsl #3]
            0xf89ff020, // prfum pldl1keep, [x1, #-1]
            0xf98007e0, // prfm pldl1keep, [sp, #8]
            0xf980003f, // prfm #0x1f, [x1]
            0xd8fffec0, // prfm pldl1keep, .-0x28 (below RAM here)
        ])
        XCTAssertEqual(m.esr, 0)
        XCTAssertEqual(m.x[1], 0x1000)
        XCTAssertEqual(m.sp, d + 8)
    }

    // MARK: - Zero register

    func testZeroRegisterAsTransferRegister() {
        let m = LSMachine()
        m.x[1] = d + 0x700
        m.write(d + 0x700, 8, 0x1234)
        m.write(d + 0x708, 8, ~0)
        m.write(d + 0x710, 1, 0xFF)
        m.run([
            0xf940003f, // ldr xzr, [x1]
            0xf900043f, // str xzr, [x1, #8]
            0x3900403f, // strb wzr, [x1, #16]
        ])
        XCTAssertEqual(m.x[31], 0, "the zero slot is never written")
        XCTAssertEqual(m.read(d + 0x708), 0)
        XCTAssertEqual(m.read(d + 0x710, 1), 0)
        m.x[2] = 0
        m.exec(0xa9007c3f) // stp xzr, xzr, [x1]
        LSAssertCompleted(m)
        XCTAssertEqual(m.read(d + 0x700), 0)
        XCTAssertEqual(m.read(d + 0x708), 0)
    }

    // MARK: - Pairs

    func testPairsEveryForm() {
        let m = LSMachine()
        m.x[1] = d + 0x800
        m.x[2] = 0x1111_2222_3333_4444
        m.x[3] = 0x5555_6666_F777_8888
        m.write(d + 0x808, 8, 0x7FFF_FFFF_8000_0000)
        m.load([
            0x29000c22, // stp w2, w3, [x1]
            0x29401424, // ldp w4, w5, [x1]
            0xa9810c22, // stp x2, x3, [x1, #16]!
            0xa8ff1424, // ldp x4, x5, [x1], #-16
            0x69401c26, // ldpsw x6, x7, [x1]
            0x69c12428, // ldpsw x8, x9, [x1, #8]!
            0x68ff2c2a, // ldpsw x10, x11, [x1], #-8
            0xa8020c22, // stnp x2, x3, [x1, #32]
            0xa842342c, // ldnp x12, x13, [x1, #32]
            0x283f8c22, // stnp w2, w3, [x1, #-4]
            0x287fbc2e, // ldnp w14, w15, [x1, #-4]
            0xa91f8c22, // stp x2, x3, [x1, #504]
            0x29bf0c22, // stp w2, w3, [x1, #-8]!
            0x28c11424, // ldp w4, w5, [x1], #8
        ])
        func step(_ x1: UInt64, line: UInt = #line) {
            let pc = m.cpu.pc
            m.step()
            XCTAssertEqual(m.cpu.pc, pc + 4, String(format: "ESR 0x%llx", m.esr), line: line)
            XCTAssertEqual(m.x[1], x1, "base", line: line)
        }
        step(d + 0x800)
        XCTAssertEqual(m.read(d + 0x800, 4), 0x3333_4444)
        XCTAssertEqual(m.read(d + 0x804, 4), 0xF777_8888)
        m.x[4] = ~0; m.x[5] = ~0
        step(d + 0x800)
        XCTAssertEqual(m.x[4], 0x3333_4444)
        XCTAssertEqual(m.x[5], 0xF777_8888)
        step(d + 0x810)
        XCTAssertEqual(m.read(d + 0x810), m.x[2])
        XCTAssertEqual(m.read(d + 0x818), m.x[3])
        step(d + 0x800)
        XCTAssertEqual(m.x[4], m.x[2])
        XCTAssertEqual(m.x[5], m.x[3])
        step(d + 0x800)
        XCTAssertEqual(m.x[6], 0x3333_4444)
        XCTAssertEqual(m.x[7], 0xFFFF_FFFF_F777_8888)
        step(d + 0x808)
        XCTAssertEqual(m.x[8], 0xFFFF_FFFF_8000_0000)
        XCTAssertEqual(m.x[9], 0x7FFF_FFFF)
        step(d + 0x800)
        XCTAssertEqual(m.x[10], 0xFFFF_FFFF_8000_0000)
        XCTAssertEqual(m.x[11], 0x7FFF_FFFF)
        step(d + 0x800)
        XCTAssertEqual(m.read(d + 0x820), m.x[2])
        XCTAssertEqual(m.read(d + 0x828), m.x[3])
        step(d + 0x800)
        XCTAssertEqual(m.x[12], m.x[2])
        XCTAssertEqual(m.x[13], m.x[3])
        step(d + 0x800)
        XCTAssertEqual(m.read(d + 0x7FC, 4), 0x3333_4444)
        XCTAssertEqual(m.read(d + 0x800, 4), 0xF777_8888)
        m.x[14] = ~0; m.x[15] = ~0
        step(d + 0x800)
        XCTAssertEqual(m.x[14], 0x3333_4444)
        XCTAssertEqual(m.x[15], 0xF777_8888)
        step(d + 0x800)
        XCTAssertEqual(m.read(d + 0x9F8), m.x[2])
        XCTAssertEqual(m.read(d + 0xA00), m.x[3])
        step(d + 0x7F8)
        XCTAssertEqual(m.read(d + 0x7F8, 4), 0x3333_4444)
        XCTAssertEqual(m.read(d + 0x7FC, 4), 0xF777_8888)
        m.x[4] = ~0; m.x[5] = ~0
        step(d + 0x800)
        XCTAssertEqual(m.x[4], 0x3333_4444)
        XCTAssertEqual(m.x[5], 0xF777_8888)
    }

    func testPairNegativeOffsetAndSPFrame() {
        let m = LSMachine()
        m.x[2] = d + 0x1000
        m.write(d + 0xE00, 8, 1)
        m.write(d + 0xE08, 8, 2)
        m.sp = d + 0xA80
        m.x[29] = 0xAAAA
        m.x[30] = 0xBBBB
        m.load([
            0xa9600440, // ldp x0, x1, [x2, #-512]
            0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
            0xa8c17bfd, // ldp x29, x30, [sp], #16
        ])
        m.step()
        XCTAssertEqual(m.x[0], 1)
        XCTAssertEqual(m.x[1], 2)
        m.step()
        XCTAssertEqual(m.sp, d + 0xA70)
        XCTAssertEqual(m.read(d + 0xA70), 0xAAAA)
        XCTAssertEqual(m.read(d + 0xA78), 0xBBBB)
        m.x[29] = 0; m.x[30] = 0
        m.step()
        XCTAssertEqual(m.sp, d + 0xA80)
        XCTAssertEqual(m.x[29], 0xAAAA)
        XCTAssertEqual(m.x[30], 0xBBBB)
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 12)
    }

    func testPairFaultingOnSecondAccessWritesNoRegister() {
        for (word, writeback) in [(UInt32(0xa9401424), false),  // ldp x4, x5, [x1]
                                  (0xa8ff1424, true)] {         // ldp x4, x5, [x1], #-16
            let m = LSMachine()
            m.x[1] = LSMachine.ramEnd - 8
            m.write(LSMachine.ramEnd - 8, 8, 0x77)
            m.x[4] = 0x4444
            m.x[5] = 0x5555
            m.exec(word)
            LSAssertDataAbort(m, dfsc: 0x10, far: LSMachine.ramEnd, write: false)
            XCTAssertEqual(m.x[4], 0x4444, "writeback \(writeback)")
            XCTAssertEqual(m.x[5], 0x5555)
            XCTAssertEqual(m.x[1], LSMachine.ramEnd - 8)
        }
    }

    // MARK: - CONSTRAINED UNPREDICTABLE choices

    func testWritebackOverlappingTransferRegister() {
        let m = LSMachine()
        m.write(d + 0xB08, 8, 0xC0FFEE)
        m.write(d + 0xB00, 8, 0xBEEF)
        m.write(d + 0xB40, 8, 0x11)
        m.write(d + 0xB48, 8, 0x22)

        // Loads: Constraint_WBSUPPRESS, the loaded value is what the register holds.
        m.x[1] = d + 0xB00
        m.exec(0xf8408c21) // ldr x1, [x1, #8]!
        LSAssertCompleted(m)
        XCTAssertEqual(m.x[1], 0xC0FFEE)
        m.x[1] = d + 0xB00
        m.exec(0xf8408421) // ldr x1, [x1], #8
        XCTAssertEqual(m.x[1], 0xBEEF)
        m.x[1] = d + 0xB40
        m.exec(0xa8c10821) // ldp x1, x2, [x1], #16
        XCTAssertEqual(m.x[1], 0x11)
        XCTAssertEqual(m.x[2], 0x22)

        // Stores: Constraint_NONE, the value stored is the register before writeback.
        m.x[1] = d + 0xB10
        m.exec(0xf8008c21) // str x1, [x1, #8]!
        XCTAssertEqual(m.read(d + 0xB18), d + 0xB10)
        XCTAssertEqual(m.x[1], d + 0xB18)
        m.x[1] = d + 0xB20
        m.exec(0xf8008421) // str x1, [x1], #8
        XCTAssertEqual(m.read(d + 0xB20), d + 0xB20)
        XCTAssertEqual(m.x[1], d + 0xB28)
        m.x[1] = d + 0xB70
        m.x[2] = 0x99
        m.exec(0xa9bf0821) // stp x1, x2, [x1, #-16]!
        XCTAssertEqual(m.read(d + 0xB60), d + 0xB70)
        XCTAssertEqual(m.read(d + 0xB68), 0x99)
        XCTAssertEqual(m.x[1], d + 0xB60)
        LSAssertCompleted(m)
    }

    func testOverlapsChosenAsUndefined() {
        let words: [UInt32] = [
            0xa9400020, // ldp x0, x0, [x1]          (LDPOVERLAP)
            0xc87f0020, // ldxp x0, x0, [x1]         (LDPOVERLAP)
            0xc8017c41, // stxr w1, x1, [x2]         (DATAOVERLAP)
            0xc8017c22, // stxr w1, x2, [x1]         (BASEOVERLAP)
            0xc8231023, // stxp w3, x3, x4, [x1]     (DATAOVERLAP)
            0xc8241023, // stxp w4, x3, x4, [x1]     (DATAOVERLAP)
        ]
        for w in words { XCTAssertEqual(A64Decoder.decode(w), .undefined, String(format: "0x%08x", w)) }
        let m = LSMachine()
        m.x[0] = 0x1234
        m.x[1] = d
        m.exec(0xa9400020) // ldp x0, x0, [x1]
        LSAssertException(m, ec: 0)
        XCTAssertEqual(m.x[0], 0x1234)
        // Base SP with Rs = 31 is no overlap: stxr wzr... is fine, and Rs = Rn = 31 is SP.
        XCTAssertNotEqual(A64Decoder.decode(0xc85f7fe0), .undefined) // ldxr x0, [sp]
    }

    // MARK: - Exclusives

    func testExclusiveSuccessEverySize() {
        let cases: [(ld: UInt32, st: UInt32, size: Int)] = [
            (0xc85f7c20, 0xc8027c23, 8), // ldxr x0, [x1]; stxr w2, x3, [x1]
            (0x085f7c20, 0x08027c23, 1), // ldxrb w0, [x1]; stxrb w2, w3, [x1]
            (0x485f7c20, 0x48027c23, 2), // ldxrh w0, [x1]; stxrh w2, w3, [x1]
            (0x885f7c20, 0x88027c23, 4), // ldxr w0, [x1]; stxr w2, w3, [x1]
            (0x085ffc20, 0x0802fc23, 1), // ldaxrb w0, [x1]; stlxrb w2, w3, [x1]
            (0x485ffc20, 0x4802fc23, 2), // ldaxrh w0, [x1]; stlxrh w2, w3, [x1]
            (0x885ffc20, 0x8802fc23, 4), // ldaxr w0, [x1]; stlxr w2, w3, [x1]
            (0xc85ffc20, 0xc802fc23, 8), // ldaxr x0, [x1]; stlxr w2, x3, [x1]
        ]
        for c in cases {
            let msg = String(format: "0x%08x / 0x%08x", c.ld, c.st)
            let m = LSMachine()
            m.x[1] = d + 0xC00
            m.x[0] = ~0
            m.x[2] = 0xDEAD
            m.x[3] = 0xFEDC_BA98_7654_3210
            m.write(d + 0xC00, 8, pattern)
            m.load([c.ld, c.st])
            m.step()
            let mask: UInt64 = c.size == 8 ? ~0 : (1 << UInt64(c.size * 8)) - 1
            XCTAssertEqual(m.x[0], pattern & mask, msg)
            XCTAssertTrue(m.cpu.exclusiveValid, msg)
            XCTAssertEqual(m.cpu.exclusiveAddress, d + 0xC00, msg)
            m.step()
            XCTAssertEqual(m.cpu.pc, LSMachine.code + 8, msg)
            XCTAssertEqual(m.x[2], 0, "status: success " + msg)
            XCTAssertEqual(m.read(d + 0xC00), pattern & ~mask | m.x[3] & mask, msg)
            XCTAssertFalse(m.cpu.exclusiveValid, "the store-exclusive clears the monitor " + msg)
        }
    }

    /// ldxr x0, [x1]; <middle>; stxr w2, x3, [x4]: the store must fail, leave memory alone and
    /// write 1 to w2.
    func checkExclusiveFails(middle: UInt32?, x4: UInt64, line: UInt = #line) {
        let m = LSMachine()
        m.x[1] = d + 0xC00
        m.x[4] = x4
        m.x[2] = 0xDEAD
        m.x[3] = 0x3333
        m.x[5] = 0x5555
        m.write(d + 0xC00, 8, 0x1111)
        m.write(x4, 8, 0x4444)
        var words: [UInt32] = [0xc85f7c20] // ldxr x0, [x1]
        if let middle { words.append(middle) }
        words.append(0xc8027c83)           // stxr w2, x3, [x4]
        m.run(words, line: line)
        XCTAssertEqual(m.x[2], 1, "status: failure", line: line)
        XCTAssertEqual(m.read(x4), 0x4444, "no store", line: line)
        XCTAssertFalse(m.cpu.exclusiveValid, line: line)
    }

    func testExclusiveFailsAfterCLREX() {
        checkExclusiveFails(middle: 0xd503305f, x4: d + 0xC00) // clrex
        checkExclusiveFails(middle: 0xd5033f5f, x4: d + 0xC00) // clrex (#15, as the assembler writes it)
    }

    func testExclusiveFailsOnAnotherGranule() {
        checkExclusiveFails(middle: nil, x4: d + 0xC40)
        checkExclusiveFails(middle: nil, x4: d + 0xBF8)
        // Within the 64-byte reservation granule the store-exclusive succeeds.
        let m = LSMachine()
        m.x[1] = d + 0xC00
        m.x[4] = d + 0xC38
        m.x[3] = 0x3333
        m.run([0xc85f7c20,  // ldxr x0, [x1]
               0xc8027c83]) // stxr w2, x3, [x4]
        XCTAssertEqual(m.x[2], 0)
        XCTAssertEqual(m.read(d + 0xC38), 0x3333)
    }

    func testExclusiveFailsAfterInterveningStoreToTheGranule() {
        checkExclusiveFails(middle: 0xf9000425, x4: d + 0xC00) // str x5, [x1, #8]
        // A store to another granule leaves the monitor set.
        let m = LSMachine()
        m.x[1] = d + 0xC00
        m.x[4] = d + 0xC00
        m.x[3] = 0x3333
        m.run([0xc85f7c20,  // ldxr x0, [x1]
               0xf9002025,  // str x5, [x1, #64]
               0xc8027c83]) // stxr w2, x3, [x4]
        XCTAssertEqual(m.x[2], 0)
        XCTAssertEqual(m.read(d + 0xC00), 0x3333)
    }

    func testStoreExclusiveWithoutLoadExclusiveFails() {
        let m = LSMachine()
        m.x[4] = d + 0xC00
        m.x[3] = 0x3333
        m.write(d + 0xC00, 8, 0x4444)
        m.run([0xc8027c83]) // stxr w2, x3, [x4]
        XCTAssertEqual(m.x[2], 1)
        XCTAssertEqual(m.read(d + 0xC00), 0x4444)
    }

    func testExclusivePairs() {
        // 64-bit pairs: 16-byte aligned.
        for (ld, st) in [(UInt32(0xc87f1c26), UInt32(0xc8221023)),  // ldxp x6, x7, [x1]; stxp w2, x3, x4, [x1]
                         (0xc87f9c26, 0xc8229023)] {                // ldaxp x6, x7, [x1]; stlxp w2, x3, x4, [x1]
            let m = LSMachine()
            m.x[1] = d + 0xD00
            m.x[2] = 0xDEAD
            m.x[3] = 0x3333_3333_3333_3333
            m.x[4] = 0x4444_4444_4444_4444
            m.write(d + 0xD00, 8, 0x1111)
            m.write(d + 0xD08, 8, 0x2222)
            m.run([ld, st])
            XCTAssertEqual(m.x[6], 0x1111)
            XCTAssertEqual(m.x[7], 0x2222)
            XCTAssertEqual(m.x[2], 0)
            XCTAssertEqual(m.read(d + 0xD00), m.x[3])
            XCTAssertEqual(m.read(d + 0xD08), m.x[4])
            XCTAssertFalse(m.cpu.exclusiveValid)
        }
        // 32-bit pairs: one 8-byte access, 8-byte aligned.
        for (ld, st) in [(UInt32(0x887f1c26), UInt32(0x88221023)),  // ldxp w6, w7, [x1]; stxp w2, w3, w4, [x1]
                         (0x887f9c26, 0x88229023)] {                // ldaxp w6, w7, [x1]; stlxp w2, w3, w4, [x1]
            let m = LSMachine()
            m.x[1] = d + 0xD08
            m.x[2] = 0xDEAD
            m.x[3] = 0xFFFF_FFFF_3333_3333
            m.x[4] = 0xFFFF_FFFF_4444_4444
            m.x[6] = ~0
            m.x[7] = ~0
            m.write(d + 0xD08, 8, 0xBBBB_BBBB_AAAA_AAAA)
            m.run([ld, st])
            XCTAssertEqual(m.x[6], 0xAAAA_AAAA)
            XCTAssertEqual(m.x[7], 0xBBBB_BBBB)
            XCTAssertEqual(m.x[2], 0)
            XCTAssertEqual(m.read(d + 0xD08), 0x4444_4444_3333_3333)
        }
        // A pair store-exclusive after CLREX fails.
        let m = LSMachine()
        m.x[1] = d + 0xD00
        m.x[3] = 3
        m.x[4] = 4
        m.write(d + 0xD00, 8, 0x1111)
        m.run([0xc87f1c26,  // ldxp x6, x7, [x1]
               0xd503305f,  // clrex
               0xc8221023]) // stxp w2, x3, x4, [x1]
        XCTAssertEqual(m.x[2], 1)
        XCTAssertEqual(m.read(d + 0xD00), 0x1111)
    }

    // MARK: - Acquire / release

    func testLoadAcquireStoreRelease() {
        let m = LSMachine()
        m.x[1] = d + 0xE00
        m.x[3] = pattern
        m.write(d + 0xE00, 8, 0xF1F2_F3F4_F5F6_F7F8)
        let loads: [(UInt32, UInt64)] = [
            (0x08dffc20, 0xF8),                  // ldarb w0, [x1]
            (0x48dffc20, 0xF7F8),                // ldarh w0, [x1]
            (0x88dffc20, 0xF5F6_F7F8),           // ldar w0, [x1]
            (0xc8dffc20, 0xF1F2_F3F4_F5F6_F7F8), // ldar x0, [x1]
        ]
        for (w, v) in loads {
            m.x[0] = ~0
            m.exec(w)
            LSAssertCompleted(m)
            XCTAssertEqual(m.x[0], v, String(format: "0x%08x", w))
        }
        let stores: [(UInt32, Int)] = [
            (0x089ffc23, 1), // stlrb w3, [x1]
            (0x489ffc23, 2), // stlrh w3, [x1]
            (0x889ffc23, 4), // stlr w3, [x1]
            (0xc89ffc23, 8), // stlr x3, [x1]
        ]
        for (w, size) in stores {
            m.write(d + 0xE00, 8, 0)
            m.exec(w)
            LSAssertCompleted(m)
            let mask: UInt64 = size == 8 ? ~0 : (1 << UInt64(size * 8)) - 1
            XCTAssertEqual(m.read(d + 0xE00), pattern & mask, String(format: "0x%08x", w))
        }
        // SP as the base.
        m.sp = d + 0xE00
        m.write(d + 0xE00, 8, 0xABCD)
        m.exec(0xc8dfffe0) // ldar x0, [sp]
        LSAssertCompleted(m)
        XCTAssertEqual(m.x[0], 0xABCD)
        m.exec(0xc85f7fe0) // ldxr x0, [sp]
        LSAssertCompleted(m)
        XCTAssertTrue(m.cpu.exclusiveValid)
    }

    // MARK: - Alignment

    func testMisalignedLoadExclusiveTakesAlignmentFault() {
        let m = LSMachine()
        m.x[1] = d + 0xE04
        m.x[0] = 0x1234
        m.exec(0xc85f7c20) // ldxr x0, [x1]
        LSAssertDataAbort(m, dfsc: 0x21, far: d + 0xE04, write: false)
        XCTAssertEqual(m.x[0], 0x1234)
        XCTAssertFalse(m.cpu.exclusiveValid)

        let h = LSMachine()
        h.x[1] = d + 0xE01
        h.exec(0x485f7c20) // ldxrh w0, [x1]
        LSAssertDataAbort(h, dfsc: 0x21, far: d + 0xE01, write: false)
    }

    func testMisalignedExclusivePairsAndStores() {
        let cases: [(word: UInt32, va: UInt64, write: Bool)] = [
            (0xc87f1c26, d + 0xE08, false), // ldxp x6, x7, [x1]: 16-byte pair on an 8-byte boundary
            (0x887f1c26, d + 0xE04, false), // ldxp w6, w7, [x1]: 8-byte pair on a 4-byte boundary
            (0xc8027c23, d + 0xE04, true),  // stxr w2, x3, [x1]: faults even with the monitor clear
            (0xc8221023, d + 0xE08, true),  // stxp w2, x3, x4, [x1]
            (0x4802fc23, d + 0xE03, true),  // stlxrh w2, w3, [x1]
        ]
        for c in cases {
            let m = LSMachine()
            m.x[1] = c.va
            m.x[2] = 0xDEAD
            m.exec(c.word)
            LSAssertDataAbort(m, dfsc: 0x21, far: c.va, write: c.write)
            XCTAssertEqual(m.x[2], 0xDEAD, String(format: "0x%08x: no status written", c.word))
        }
    }

    func testOrderedAccessesAlwaysCheckAlignment() {
        // An ordinary misaligned load is fine while SCTLR_EL1.A is clear...
        let m = LSMachine()
        m.x[1] = d + 0xE04
        m.exec(0xf9400020) // ldr x0, [x1]
        LSAssertCompleted(m)
        // ...and faults when it is set.
        m.sctlr |= SCTLR.A
        m.exec(0xf9400020) // ldr x0, [x1]
        LSAssertDataAbort(m, dfsc: 0x21, far: d + 0xE04, write: false)

        let a = LSMachine()
        a.x[1] = d + 0xE02
        a.exec(0x88dffc20) // ldar w0, [x1]
        LSAssertDataAbort(a, dfsc: 0x21, far: d + 0xE02, write: false)
        let r = LSMachine()
        r.x[1] = d + 0xE01
        r.exec(0x489ffc23) // stlrh w3, [x1]
        LSAssertDataAbort(r, dfsc: 0x21, far: d + 0xE01, write: true)
    }

    // MARK: - SP alignment

    func testSPAlignmentFault() {
        let faulting: [UInt32] = [
            0xf84107e0, // ldr x0, [sp], #16
            0xf81f0fe0, // str x0, [sp, #-16]!
            0xf94007e0, // ldr x0, [sp, #8]
            0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
            0xf8626bee, // ldr x14, [sp, x2]
            0xc85f7fe0, // ldxr x0, [sp]
            0xc8dfffe0, // ldar x0, [sp]
        ]
        for w in faulting {
            let m = LSMachine()
            m.sctlr |= SCTLR.SA
            m.sp = d + 0xF08
            m.x[0] = 0x1234
            m.exec(w)
            LSAssertException(m, ec: 0x26)
            XCTAssertEqual(m.esr & 0x1FF_FFFF, 0, "ISS")
            XCTAssertEqual(m.x[0], 0x1234)
            XCTAssertEqual(m.sp, d + 0xF08, "SP unchanged")
            XCTAssertEqual(m.read(d + 0xEF8), 0, "no store")

            // The same instruction with SCTLR_EL1.SA clear is fine.
            let ok = LSMachine()
            ok.sp = d + 0xF08
            ok.exec(w)
            LSAssertCompleted(ok)
        }
        // Only SP is checked, not the address: an aligned SP with an offset of 8 is fine,
        // and so is a misaligned base that is not SP.
        let m = LSMachine()
        m.sctlr |= SCTLR.SA
        m.sp = d + 0xF00
        m.exec(0xf94007e0) // ldr x0, [sp, #8]
        LSAssertCompleted(m)
        m.x[1] = d + 0xF08
        m.exec(0xf9400020) // ldr x0, [x1]
        LSAssertCompleted(m)
    }

    func testSPAlignmentAtEL0UsesSA0() {
        let m = LSMachine(el: 0)
        m.sctlr |= SCTLR.SA0
        m.sp = d + 0xF08
        m.exec(0xf84107e0) // ldr x0, [sp], #16
        XCTAssertEqual(m.cpu.pc, LSMachine.lowerSyncVector)
        XCTAssertEqual(m.cpu.el, 1)
        XCTAssertEqual(m.ec, 0x26)

        let ok = LSMachine(el: 0)
        ok.sctlr |= SCTLR.SA   // SA governs EL1, not EL0
        ok.sp = d + 0xF08
        ok.exec(0xf84107e0) // ldr x0, [sp], #16
        LSAssertCompleted(ok)
        XCTAssertEqual(ok.sp, d + 0xF18)
    }

    // MARK: - External abort

    func testUnmappedPhysicalAddressIsExternalAbort() {
        let m = LSMachine()
        m.x[1] = 0x1000
        m.x[0] = 0x1234
        m.exec(0xf9400020) // ldr x0, [x1]
        LSAssertDataAbort(m, dfsc: 0x10, far: 0x1000, write: false)
        XCTAssertEqual(m.x[0], 0x1234)

        let s = LSMachine()
        s.x[1] = 0x1000
        s.exec(0xf9000420) // str x0, [x1, #8]
        LSAssertDataAbort(s, dfsc: 0x10, far: 0x1008, write: true)

        let b = LSMachine()
        b.x[1] = 0x1000
        b.exec(0x39400020) // ldrb w0, [x1]
        LSAssertDataAbort(b, dfsc: 0x10, far: 0x1000, write: false)
    }

    // MARK: - Decoding

    func testSyndromeInformationOfSingleRegisterForms() {
        let m = LSMachine()
        let ldrsh = A64Decoder.decode(0x79800429) // ldrsh x9, [x1, #2]
        XCTAssertEqual(m.cpu.lsInfo(ldrsh), DataAbortInfo(sizeLog2: 1, signExtend: true, rt: 9, sixtyFour: true,
                                                            acquireRelease: false))
        let ldrzr = A64Decoder.decode(0xf940003f) // ldr xzr, [x1]
        XCTAssertEqual(ldrzr.rd, Reg.discard)
        XCTAssertEqual(m.cpu.lsInfo(ldrzr).rt, 31)
        let strb = A64Decoder.decode(0x3900403f) // strb wzr, [x1, #16]
        XCTAssertEqual(strb.rd, Reg.zr)
        XCTAssertEqual(m.cpu.lsInfo(strb), DataAbortInfo(sizeLog2: 0, signExtend: false, rt: 31, sixtyFour: false,
                                                           acquireRelease: false))
        let stlr = A64Decoder.decode(0x889ffc23) // stlr w3, [x1]
        XCTAssertEqual(m.cpu.lsInfo(stlr), DataAbortInfo(sizeLog2: 2, signExtend: false, rt: 3, sixtyFour: false,
                                                           acquireRelease: true))
        let ldrsbw = A64Decoder.decode(0x39c00428) // ldrsb w8, [x1, #1]
        XCTAssertEqual(m.cpu.lsInfo(ldrsbw), DataAbortInfo(sizeLog2: 0, signExtend: true, rt: 8, sixtyFour: false,
                                                             acquireRelease: false))
        let sp = A64Decoder.decode(0xf84107e0) // ldr x0, [sp], #16
        XCTAssertEqual(sp.rn, Reg.sp)
    }

    func testUnallocatedEncodingsAreUndefined() {
        let words: [UInt32] = [
            // Register offset with option<1> == 0.
            0xf8620820, // ldr x0, [x1, w2, <option 000>]
            0xf8622820, // ldr x0, [x1, w2, <option 001>]
            0xf8628820, // ldr x0, [x1, w2, <option 100>]
            0xf862a820, // ldr x0, [x1, w2, <option 101>]
            // size/opc holes.
            0xf9c00020, // size 11 opc 11 (unsigned offset)
            0xb9c00020, // size 10 opc 11 (unsigned offset)
            0xb8c00c20, // size 10 opc 11 (pre-index)
            0xf8800c20, // PRFM pre-index
            0xf8800420, // PRFM post-index
            0xf8800820, // PRFM unprivileged
            // Pairs.
            0x68400420, // LDNP with opc 01
            0xe9400420, // LDP with opc 11
            0x69000440, // stgp x0, x1, [x2] (ARMv8.5; opc 01 L 0)
            // Later extensions in the exclusive space.
            0x08df7c20, // ldlarb w0, [x1]
            0xc8df7c20, // ldlar x0, [x1]
            0x489f7c20, // stllrh w0, [x1]
            0x889f7c20, // stllr w0, [x1]
            0xc8a07c41, // cas x0, x1, [x2]
            0x88e0fc41, // casal w0, w1, [x2]
            0x4860fc82, // caspal x0, x1, x2, x3, [x4]
            0x08207c82, // casp w0, w1, w2, w3, [x4]
            // Later extensions in the register space.
            0xf8200041, // ldadd x0, x1, [x2]
            0xb8e08041, // swpal w0, w1, [x2]
            0xf8bfc020, // ldapr x0, [x1]
            0x38bfc020, // ldaprb w0, [x1]
            0xd9008020, // stlur x0, [x1, #8]
            0x995fc020, // ldapur w0, [x1, #-4]
            0xf8201420, // ldraa x0, [x1, #8]
            0xf8fffc20, // ldrab x0, [x1, #-8]!
        ]
        for w in words { XCTAssertEqual(A64Decoder.decode(w), .undefined, String(format: "0x%08x", w)) }
        let m = LSMachine()
        m.x[1] = d
        m.exec(0xf9c00020)
        LSAssertException(m, ec: 0)
    }

    func testSIMDAndFPFormsDecodeToTheirGroup() {
        let words: [UInt32] = [
            0x3dc00020, // ldr q0, [x1]
            0xfd400421, // ldr d1, [x1, #8]
            0xbc227822, // str s2, [x1, x2, lsl #2]
            0x3c5ff023, // ldur b3, [x1, #-1]
            0x7c402424, // ldr h4, [x1], #2
            0x3cc10c25, // ldr q5, [x1, #16]!
            0xad400420, // ldp q0, q1, [x1]
            0x6dbf07e0, // stp d0, d1, [sp, #-16]!
            0x2c400420, // ldnp s0, s1, [x1]
            0x4c407000, // ld1 {v0.16b}, [x0]
            0x4c9fa800, // st1 {v0.4s, v1.4s}, [x0], #32
            0x4d40c800, // ld1r {v0.4s}, [x0]
            0x1c000040, // ldr s0, .+8
            0x5c000041, // ldr d1, .+8
            0x9c000042, // ldr q2, .+8
        ]
        for w in words { XCTAssertEqual(A64Decoder.decode(w).group, .loadStoreSIMD, String(format: "0x%08x", w)) }
    }

    func testValidEncodingsDecodeToTheGroup() {
        let words: [UInt32] = [
            0x39000422, 0x79400424, 0xb980042b, 0xf97ffc2c, 0x381ff022, 0xb89f902b, 0xf8408c20, 0xf85f8420,
            0xb8804423, 0xf8626820, 0xb8624824, 0xf862d826, 0xf862e827, 0x78a2f82c, 0x38001822, 0xb880482b,
            0x58ffff80, 0x18ffff61, 0x98ffff42, 0xd8fffec0, 0xf9800020, 0xf8a27833, 0xf89ff020, 0x29000c22,
            0x69401c26, 0x69c12428, 0x68ff2c2a, 0xa8020c22, 0xa842342c, 0x283f8c22, 0xc85f7c20, 0xc8027c23,
            0x085f7c20, 0x48027c23, 0xc87f1c26, 0xc8221023, 0x887f9c26, 0x88229023, 0x08dffc20, 0xc89ffc23,
        ]
        for w in words {
            XCTAssertEqual(A64Decoder.decode(w).group, .loadStore, String(format: "0x%08x", w))
        }
        XCTAssertEqual(LoadStoreOp(rawValue: A64Decoder.decode(0xf9800020).op), .prefetch)   // prfm pldl1keep, [x1]
        XCTAssertEqual(LoadStoreOp(rawValue: A64Decoder.decode(0xd8fffec0).op), .prefetch)   // prfm (literal)
        XCTAssertEqual(LoadStoreOp(rawValue: A64Decoder.decode(0xf89ff020).op), .prefetch)   // prfum
    }

    func testTableRowsDoNotOverlapAndLiveInTheLoadStoreSpace() {
        let rows = A64Decoder.loadsAndStores
        XCTAssertFalse(rows.isEmpty)
        for a in rows {
            // op0 = x1x0: bit 27 set, bit 25 clear, both fixed by every row.
            XCTAssertEqual(a.mask & (1 << 27 | 1 << 25), 1 << 27 | 1 << 25, a.name)
            XCTAssertEqual(a.value & (1 << 27 | 1 << 25), 1 << 27, a.name)
            // V (bit 26) is fixed: 0 for the general-purpose rows, 1 for the SIMD&FP rows.
            XCTAssertEqual(a.mask & (1 << 26), 1 << 26, a.name)
            let simd = A64Decoder.loadStoreSIMD.contains { $0.name == a.name }
            XCTAssertEqual(a.value & (1 << 26), simd ? 1 << 26 : 0, a.name)
        }
        assertRowsDoNotOverlap(rows)
    }

    func testDecodeNeverCrashes() {
        // Every row's decode function over random operand bits.
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        for row in A64Decoder.loadsAndStores {
            for _ in 0..<20_000 {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17
                let w = UInt32(truncatingIfNeeded: s) & ~row.mask | row.value
                let i = row.decode(w)
                if i.group == .loadStore {
                    XCTAssertNotNil(LoadStoreOp(rawValue: i.op))
                    XCTAssertNotEqual(i.rd, Reg.sp)
                    XCTAssertLessThan(i.a, 4)
                }
            }
        }
    }
}
