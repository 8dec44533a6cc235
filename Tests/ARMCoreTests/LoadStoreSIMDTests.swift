import XCTest
@testable import ARMCore
import Bus

/// SIMD&FP loads and stores: what a program sees of the structure forms, the register-width
/// rules, faults and traps. (Every encoding against Unicorn: LoadStoreSIMDReferenceTests.)
/// Encodings from aarch64-linux-gnu-as / objdump.
final class LoadStoreSIMDTests: XCTestCase {
    let d = LSMachine.data

    /// An EL1 machine with FP/SIMD enabled (CPACR_EL1.FPEN = 0b11).
    func fpMachine() -> LSMachine {
        let m = LSMachine()
        m.cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
        return m
    }

    /// Bytes 0, 1, 2, ... from `at`.
    func fillCounting(_ m: LSMachine, at: UInt64, count: Int) {
        for k in 0..<count { m.write(at + UInt64(k), 1, UInt64(k & 0xFF)) }
    }

    /// The 16 bytes of Vn, lane 0 first.
    func bytes(_ m: LSMachine, _ n: UInt8) -> [UInt8] {
        (0..<16).map { k in UInt8(truncatingIfNeeded: (k < 8 ? m.cpu.vLow(n) : m.cpu.vHigh(n)) >> (8 * UInt64(k % 8))) }
    }

    // MARK: - De-interleaving and interleaving

    func testLD2DeinterleavesBytes() {
        let m = fpMachine()
        fillCounting(m, at: d, count: 32)
        m.x[0] = d
        m.run([0x4c408000]) // ld2 {v0.16b, v1.16b}, [x0]
        XCTAssertEqual(bytes(m, 0), (0..<16).map { UInt8($0 * 2) })
        XCTAssertEqual(bytes(m, 1), (0..<16).map { UInt8($0 * 2 + 1) })
        XCTAssertEqual(m.x[0], d, "no writeback")
    }

    func testLD3DeinterleavesWords() {
        let m = fpMachine()
        for k in 0..<12 { m.write(d + UInt64(k) * 4, 4, UInt64(100 + k)) }
        m.x[0] = d
        m.run([0x4c404800]) // ld3 {v0.4s-v2.4s}, [x0]
        for r: UInt8 in 0..<3 {
            let lanes = (0..<4).map { e in UInt32(truncatingIfNeeded: (e < 2 ? m.cpu.vLow(r) : m.cpu.vHigh(r)) >> (32 * UInt64(e % 2))) }
            XCTAssertEqual(lanes, (0..<4).map { UInt32(100 + $0 * 3 + Int(r)) }, "v\(r)")
        }
    }

    func testLD4OfDoublewordRegistersZeroesTheUpperHalves() {
        let m = fpMachine()
        fillCounting(m, at: d, count: 32)
        for r: UInt8 in 0..<4 { m.cpu.setV(r, low: ~0, high: ~0) }
        m.x[0] = d
        m.run([0x0c400000]) // ld4 {v0.8b-v3.8b}, [x0]
        for r: UInt8 in 0..<4 {
            XCTAssertEqual(Array(bytes(m, r)[0..<8]), (0..<8).map { UInt8($0 * 4) + r }, "v\(r)")
            XCTAssertEqual(m.cpu.vHigh(r), 0, "v\(r) bits 127..64")
        }
    }

    func testST4AndST2InterleaveBackIntoMemory() {
        let m = fpMachine()
        for r: UInt8 in 0..<4 {
            // Byte e of Vr = 4e + r: ST4 must lay them out as 0, 1, 2, 3, ...
            var low: UInt64 = 0
            for e in 0..<8 { low |= UInt64(4 * e + Int(r)) << (8 * UInt64(e)) }
            m.cpu.setV(r, low: low, high: 0xDEAD)
        }
        m.x[1] = d
        m.run([0x0c000020]) // st4 {v0.8b-v3.8b}, [x1]
        for k in 0..<32 { XCTAssertEqual(m.read(d + UInt64(k), 1), UInt64(k), "byte \(k)") }
        XCTAssertEqual(m.read(d + 32, 8), 0, "nothing past the 32 bytes")

        let s = fpMachine()
        s.cpu.setV(0, low: 0x0E0C_0A08_0604_0200, high: 0x1E1C_1A18_1614_1210)
        s.cpu.setV(1, low: 0x0F0D_0B09_0705_0301, high: 0x1F1D_1B19_1715_1311)
        s.x[1] = d
        s.run([0x4c008020]) // st2 {v0.16b, v1.16b}, [x1]
        XCTAssertEqual(s.read(d, 8), 0x0706_0504_0302_0100)
        XCTAssertEqual(s.read(d + 24, 8), 0x1F1E_1D1C_1B1A_1918)
    }

    // MARK: - Register width

    func testDoublewordFormsAndScalarsClearTheRestOfTheRegister() {
        let m = fpMachine()
        m.write(d, 8, 0x8877_6655_4433_2211)
        m.x[0] = d
        for r: UInt8 in 0..<3 { m.cpu.setV(r, low: ~0, high: ~0) }
        m.run([
            0x0c407001, // ld1 {v1.8b}, [x0]
            0xbd400002, // ldr s2, [x0]
        ])
        XCTAssertEqual(m.cpu.vLow(1), 0x8877_6655_4433_2211)
        XCTAssertEqual(m.cpu.vHigh(1), 0)
        XCTAssertEqual(m.cpu.vLow(2), 0x4433_2211)
        XCTAssertEqual(m.cpu.vHigh(2), 0)
        m.run([0x0d40c401]) // ld1r {v1.4h}, [x0]
        XCTAssertEqual(m.cpu.vLow(1), 0x2211_2211_2211_2211)
        XCTAssertEqual(m.cpu.vHigh(1), 0)
    }

    func testSingleLaneLoadKeepsTheOtherLanesEvenInTheQ0Form() {
        let m = fpMachine()
        m.write(d, 4, 0xCAFE_F00D)
        m.x[0] = d
        m.cpu.setV(0, low: 0x1111_1111_2222_2222, high: 0x3333_3333_4444_4444)
        m.run([0x0d409000]) // ld1 {v0.s}[1], [x0]
        XCTAssertEqual(m.cpu.vLow(0), 0xCAFE_F00D_2222_2222)
        XCTAssertEqual(m.cpu.vHigh(0), 0x3333_3333_4444_4444)
    }

    func testRegisterListsWrapFromV31ToV0() {
        let m = fpMachine()
        fillCounting(m, at: d, count: 64)
        m.x[0] = d
        m.run([0x0c40241e]) // ld1 {v30.4h, v31.4h, v0.4h, v1.4h}, [x0]
        XCTAssertEqual(m.cpu.vLow(30), 0x0706_0504_0302_0100)
        XCTAssertEqual(m.cpu.vLow(31), 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(m.cpu.vLow(0), 0x1716_1514_1312_1110)
        XCTAssertEqual(m.cpu.vLow(1), 0x1F1E_1D1C_1B1A_1918)
    }

    // MARK: - Writeback

    func testPostIndexByImmediateAndByRegister() {
        let m = fpMachine()
        fillCounting(m, at: d, count: 128)
        m.x[1] = d
        m.x[2] = 0x100
        m.sp = d + 0x200
        m.run([
            0x4cdf0820, // ld4 {v0.4s-v3.4s}, [x1], #64
            0x4cc2ac20, // ld1 {v0.2d, v1.2d}, [x1], x2
            0x4c82afe0, // st1 {v0.2d, v1.2d}, [sp], x2
        ])
        XCTAssertEqual(m.x[1], d + 64 + 0x100)
        XCTAssertEqual(m.cpu.vLow(0), 0x4746_4544_4342_4140, "second load from the written-back base")
        XCTAssertEqual(m.sp, d + 0x300)
        XCTAssertEqual(m.read(d + 0x200 + 16, 8), 0x5756_5554_5352_5150)

        // ld1 {v0.16b}, [x1], x1: the offset register is the base itself, read before writeback.
        let s = fpMachine()
        s.x[1] = d
        s.run([0x4cc17020])
        XCTAssertEqual(s.x[1], 2 * d)
    }

    func testLiteralLoadBehindThePC() {
        let m = fpMachine()
        m.write(LSMachine.code + 0x10, 8, 0x0123_4567_89AB_CDEF)
        m.write(LSMachine.code + 0x18, 8, 0xFEDC_BA98_7654_3210)
        m.load([0x9cffff83], at: LSMachine.code + 0x20) // ldr q3, .-16
        m.step()
        XCTAssertEqual(m.cpu.pc, LSMachine.code + 0x24)
        XCTAssertEqual(m.cpu.vLow(3), 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(m.cpu.vHigh(3), 0xFEDC_BA98_7654_3210)
    }

    func testStoreOverTheNextInstructionIsExecuted() {
        // The decode cache must see a 16-byte SIMD store: the two words after the STR are
        // replaced by `movz x5, #1` and `movz x6, #2` before they run.
        let m = fpMachine()
        m.cpu.setV(0, low: 0xD280_0046_D280_0025, high: 0)
        m.load([0x3d800020, 0xd503201f, 0xd503201f], entry: LSMachine.code + 4) // str q0, [x1]; nop; nop
        m.step(2)  // the nops are decoded and cached
        m.x[1] = LSMachine.code + 4
        m.cpu.pc = LSMachine.code
        m.step(3)
        XCTAssertEqual(m.x[5], 1)
        XCTAssertEqual(m.x[6], 2)
    }

    // MARK: - Faults

    func testFaultOnTheSecondHalfOfAQRegisterLeavesItUnchanged() {
        let m = fpMachine()
        m.x[1] = LSMachine.ramEnd - 8
        m.cpu.setV(0, low: 0x1234, high: 0x5678)
        m.exec(0x3dc00020) // ldr q0, [x1]
        LSAssertDataAbort(m, dfsc: 0x10, far: LSMachine.ramEnd, write: false)
        XCTAssertEqual(m.cpu.vLow(0), 0x1234)
        XCTAssertEqual(m.cpu.vHigh(0), 0x5678)
        XCTAssertEqual(m.esr >> 24 & 1, 0, "ISV = 0 for SIMD&FP accesses")
    }

    func testFaultingStructureLoadWritesNoRegisterAndNoBase() {
        let m = fpMachine()
        m.x[1] = LSMachine.ramEnd - 32
        for r: UInt8 in 0..<4 { m.cpu.setV(r, low: UInt64(r), high: 0) }
        m.exec(0x4cdf0820) // ld4 {v0.4s-v3.4s}, [x1], #64
        LSAssertDataAbort(m, dfsc: 0x10, far: LSMachine.ramEnd, write: false)
        for r: UInt8 in 0..<4 { XCTAssertEqual(m.cpu.vLow(r), UInt64(r)) }
        XCTAssertEqual(m.x[1], LSMachine.ramEnd - 32)
    }

    /// Stage 1 on: VA 0x8000_0000 is one 4 KiB page (PA 0x4008_0000); VA 0x8000_1000 is not
    /// mapped (level-3 translation fault).
    func machineWithOnePage() -> LSMachine {
        let m = fpMachine()
        let base = LSMachine.ramBase
        let l1 = base + 0x1_0000, l2 = base + 0x1_1000, l3 = base + 0x1_2000
        m.write(l1 + 8, 8, 0x4000_0000 | 1 << 10 | 3 << 8 | 1)   // 1 GiB identity block for the code
        m.write(l1 + 16, 8, l2 | 3)
        m.write(l2, 8, l3 | 3)
        m.write(l3, 8, 0x4008_0000 | 1 << 10 | 3 << 8 | 3)
        m.cpu.writeSysReg(.MAIR_EL1, 0xFF)
        m.cpu.writeSysReg(.TTBR0_EL1, l1)
        m.cpu.writeSysReg(.TCR_EL1, 25 | 1 << 23 | 4 << 32)
        m.cpu.writeSysReg(.SCTLR_EL1, m.cpu.sysregs[SysReg.SCTLR_EL1] | SCTLR.M)
        return m
    }

    func testPageCrossingLoadFaultsOnTheSecondPage() {
        let m = machineWithOnePage()
        m.x[1] = 0x8000_0FF8
        m.cpu.setV(0, low: 7, high: 7)
        m.cpu.setV(1, low: 8, high: 8)
        m.exec(0x4c40a020) // ld1 {v0.16b, v1.16b}, [x1]
        LSAssertDataAbort(m, dfsc: 0x07, far: 0x8000_1000, write: false)
        XCTAssertEqual(m.cpu.vLow(0), 7)
        XCTAssertEqual(m.cpu.vLow(1), 8)

        // An element that itself straddles the boundary: the first byte of the second page.
        let q = machineWithOnePage()
        q.x[1] = 0x8000_0FFC
        q.exec(0x3dc00020) // ldr q0, [x1]
        LSAssertDataAbort(q, dfsc: 0x07, far: 0x8000_1000, write: false)
    }

    func testPageCrossingStoreThatFaultsWritesNothing() {
        let m = machineWithOnePage()
        m.x[1] = 0x8000_0FF8
        m.cpu.setV(0, low: ~0, high: ~0)
        m.cpu.setV(1, low: ~0, high: ~0)
        m.exec(0x4c00a020) // st1 {v0.16b, v1.16b}, [x1]
        LSAssertDataAbort(m, dfsc: 0x07, far: 0x8000_1000, write: true)
        XCTAssertEqual(m.read(0x4008_0FF8, 8), 0, "the bytes in the mapped page are untouched")
    }

    func testMappedLoadThroughTheMMU() {
        let m = machineWithOnePage()
        m.write(0x4008_0FF0, 8, 0x1111)
        m.write(0x4008_0FF8, 8, 0x2222)
        m.x[1] = 0x8000_0FF0
        m.run([0x3dc00020]) // ldr q0, [x1]
        XCTAssertEqual(m.cpu.vLow(0), 0x1111)
        XCTAssertEqual(m.cpu.vHigh(0), 0x2222)
    }

    func testStage2AbortOfASIMDStoreHasNoInstructionSyndrome() {
        // Stage 2 on, stage 1 off: IPA 0x4000_0000.. is mapped, 0x0900_0000 is not.
        let m = fpMachine()
        let s2l1 = LSMachine.ramBase + 0x2_0000
        m.write(s2l1 + 8, 8, 0x4000_0000 | 1 << 10 | 3 << 8 | 3 << 6 | 0xF << 2 | 1)
        m.cpu.sysregs[SysReg.VBAR_EL2] = LSMachine.ramBase + 0x1000
        m.cpu.writeSysReg(.VTCR_EL2, 25 | 1 << 6 | 4 << 16)
        m.cpu.writeSysReg(.VTTBR_EL2, 7 << 48 | s2l1)
        m.cpu.writeSysReg(.HCR_EL2, HCR.VM | HCR.RW)
        m.x[6] = 0x0900_0000
        m.exec(0x3d8000c0) // str q0, [x6]
        XCTAssertEqual(m.cpu.el, 2)
        let esr = m.cpu.sysregs[SysReg.ESR_EL2]
        XCTAssertEqual(esr >> 26, 0x24, "DABT_LOW")
        XCTAssertEqual(esr >> 24 & 1, 0, "ISV")
        XCTAssertEqual(esr >> 6 & 1, 1, "WnR")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL2], 0x0900_0000)
    }

    func testAlignmentCheckingUsesTheAccessSize() {
        // SCTLR_EL1.A: a Q register needs 16-byte alignment, a structure its element size.
        let m = fpMachine()
        m.sctlr |= SCTLR.A
        m.x[1] = d + 8
        m.exec(0x3dc00020) // ldr q0, [x1]
        LSAssertDataAbort(m, dfsc: 0x21, far: d + 8, write: false)

        let s = fpMachine()
        s.sctlr |= SCTLR.A
        s.x[1] = d + 4
        s.run([0x4c407820]) // ld1 {v0.4s}, [x1]: 4-byte elements, aligned
        s.x[1] = d + 2
        s.exec(0x4c407820)
        LSAssertDataAbort(s, dfsc: 0x21, far: d + 2, write: false)

        let u = fpMachine()
        u.x[1] = d + 3
        u.run([0x3dc00020, 0x3d800020]) // ldr q0, [x1]; str q0, [x1]: unaligned is fine with A clear
    }

    // MARK: - The FP/SIMD access trap

    func testFPENTrapComesBeforeAddressChecks() {
        // FPEN = 0: an unmapped address and a misaligned SP are never looked at.
        let m = LSMachine()
        m.x[1] = 0x1000
        m.cpu.setV(0, low: 5, high: 6)
        m.exec(0x3dc00020) // ldr q0, [x1]
        LSAssertException(m, ec: 0x07)
        XCTAssertEqual(m.esr & 0x1FF_FFFF, 1 << 24 | 0xE << 20, "CV = 1, COND = 0b1110")
        XCTAssertEqual(m.cpu.vLow(0), 5)

        let s = LSMachine()
        s.sctlr |= SCTLR.SA
        s.sp = d + 8
        s.exec(0x3dc003e0) // ldr q0, [sp]
        LSAssertException(s, ec: 0x07)

        // With FP enabled the same instruction takes the SP alignment fault (EC 0x26).
        let f = fpMachine()
        f.sctlr |= SCTLR.SA
        f.sp = d + 8
        f.exec(0x3dc003e0)
        LSAssertException(f, ec: 0x26)
    }

    func testFPEN01TrapsEL0Only() {
        let m = LSMachine()
        m.cpu.sysregs[SysReg.CPACR_EL1] = 1 << 20
        m.x[1] = d
        m.run([0x3dc00020]) // ldr q0, [x1] at EL1: allowed

        let u = LSMachine(el: 0)
        u.cpu.sysregs[SysReg.CPACR_EL1] = 1 << 20
        u.x[1] = d
        u.exec(0x3dc00020)
        XCTAssertEqual(u.cpu.pc, LSMachine.lowerSyncVector)
        XCTAssertEqual(u.ec, 0x07)
    }

    func testCPTR_EL2_TFPTrapsToEL2() {
        let m = fpMachine()
        m.cpu.sysregs[SysReg.VBAR_EL2] = LSMachine.ramBase + 0x1000
        m.cpu.sysregs[SysReg.CPTR_EL2] = 1 << 10
        m.x[0] = d
        m.exec(0x4c408000) // ld2 {v0.16b, v1.16b}, [x0]
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL2] >> 26, 0x07)
    }

    // MARK: - Decoding

    func testReservedEncodingsAreUndefined() {
        let words: [UInt32] = [
            0x0c408c00, // LD2 multiple, size 11 with Q 0 (.1d)
            0x4c401000, // multiple structures, opcode 0001
            0x0c40d000, // multiple structures, opcode 1101
            0x4d404400, // LD1 single, H lane with size<0> = 1
            0x4d408800, // LD1 single, S lane with size<1> = 1
            0x4d40b400, // LD3 single, D lane with S = 1
            0x4d409c00, // LD1 single, scale 2 with size 11
            0x4d40d000, // LD1R with S = 1
            0x4d00c000, // "ST1R" (replicate with L = 0)
            0x4d411c00, // single structure, no post-index, Rm field not 0
            0x4ce07000, // multiple structures, post-index, bit 21 set
            0x7dc00000, // LDR, opc 11 with size 01
            0x7d800000, // STR, opc 10 with size 01
            0x3c400800, // the LDTR position with V = 1
            0x3c600820, // register offset with option 000
            0x3c600c20, // register offset space, bits 11..10 = 11
            0xdc000000, // LDR (literal), opc 11
            0xed400000, // LDP, opc 11
            0xad400020, // ldp q0, q0, [x1] (CONSTRAINED UNPREDICTABLE: UNDEFINED here)
        ]
        for w in words { XCTAssertEqual(A64Decoder.decode(w), .undefined, String(format: "0x%08x", w)) }
        let m = fpMachine()
        m.exec(0x0c408c00)
        LSAssertException(m, ec: 0)
    }

    func testRowsLiveInTheLoadStoreSpaceAndNeverTrap() {
        let rows = A64Decoder.loadStoreSIMD
        for a in rows {
            // op0 = x1x0 and V = 1.
            XCTAssertEqual(a.mask & (1 << 27 | 1 << 26 | 1 << 25), 1 << 27 | 1 << 26 | 1 << 25, a.name)
            XCTAssertEqual(a.value & (1 << 27 | 1 << 26 | 1 << 25), 1 << 27 | 1 << 26, a.name)
        }
        assertRowsDoNotOverlap(A64Decoder.loadsAndStores)
        let cpu = LSMachine().cpu
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        for row in rows {
            for _ in 0..<20_000 {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17
                let w = UInt32(truncatingIfNeeded: s) & ~row.mask | row.value
                let i = row.decode(w)
                guard i.group == .loadStoreSIMD else { continue }
                XCTAssertNotNil(LoadStoreSIMDOp(rawValue: i.op))
                XCTAssertLessThan(i.rd, 32)
                XCTAssertLessThanOrEqual(i.b, 4)
                // The transfer fits the 64-byte image.
                XCTAssertLessThanOrEqual(cpu.vecTransferSize(i), 64)
            }
        }
    }
}
