import XCTest
@testable import ARMCore
import Bus

/// T32 (Thumb-2): the decoder against the A32 decoder, instruction classes run on a CPU booted
/// in AArch32 T32 state in SVC mode under an AArch64 EL2, IT blocks, interworking, and decode
/// and execution of random streams. Encodings carry their assembly (binutils) in a comment.
final class T32Tests: XCTestCase {
    static let base = UInt32(CoreTestMachine.ramBase)

    /// A machine running `halfwords` in T32 state from the RAM base.
    func machine(_ halfwords: [UInt16], mode: AArch32Mode = .svc) -> CoreTestMachine {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: Self.base, mode: mode, thumb: true)
        program(m, halfwords)
        return m
    }

    func program(_ m: CoreTestMachine, _ halfwords: [UInt16], at: UInt64 = CoreTestMachine.ramBase) {
        for (k, h) in halfwords.enumerated() { _ = m.bus.write(at + UInt64(2 * k), size: 2, value: UInt64(h)) }
    }

    func r(_ m: CoreTestMachine, _ n: UInt32) -> UInt32 { m.cpu.r(n) }

    /// What the two decoders may legitimately disagree on: T32's IT-block flags and length, fields
    /// an operation ignores, and the shifter carry of arithmetic operations (which never read it).
    func normalized(_ inst: A32Inst) -> A32Inst {
        var n = inst
        n.length = 4
        if n.flags.contains(.setFlagsOutsideIT) { n.flags.insert(.setFlags) }
        n.flags.subtract([.setFlagsOutsideIT, .notInITBlock, .lastInITBlock])
        switch n.op {
        case .add, .sub, .adc, .sbc, .rsb, .rsc, .cmp, .cmn: n.flags.subtract([.carryOut, .carryOne])
        default: break
        }
        switch n.op {
        case .tst, .teq, .cmp, .cmn: n.rd = 0
        case .mov, .mvn: n.rn = 0
        case .rev, .rev16, .rbit, .revsh, .clz: n.rn = 0
        case .ssat, .usat, .ssat16, .usat16: n.rm = 0
        case .mul, .smulxy, .sdiv, .udiv: n.rs = 0   // Ra = 1111 in T32, SBZ or SBO in A32
        case .smulwy: n.flags.remove(.topN); n.rs = 0
        case .smlawy: n.flags.remove(.topN)
        case .ldrex, .lda: n.rm = 0
        case .strex: if n.size != 8 { n.rd = 0 }
        case .stl: n.rd = 0; n.rs = 0
        default: break
        }
        return n
    }

    func testDecoderAgreesWithTheA32DecoderOnBinutilsEncodings() {
        var failures: [String] = []
        for row in t32EncodingTable {
            let a = normalized(A32Decoder.decode(row.a32))
            let t: A32Inst
            if let hw2 = row.hw2 {
                XCTAssertTrue(T32Decoder.isWide(row.hw1), row.asm)
                t = T32Decoder.decode32(row.hw1, hw2)
                XCTAssertEqual(t.length, 4, row.asm)
            } else {
                XCTAssertFalse(T32Decoder.isWide(row.hw1), row.asm)
                t = T32Decoder.decode16(row.hw1)
                XCTAssertEqual(t.length, 2, row.asm)
            }
            XCTAssertNotEqual(a.op, .undefined, "A32: \(row.asm)")
            if a != normalized(t) {
                failures.append("\(row.asm) [\(row.hw2 == nil ? "16" : "32")]:\n  A32 \(a)\n  T32 \(normalized(t))")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) disagreements:\n" + failures.joined(separator: "\n"))
    }

    /// Branch offsets at the ends of their ranges (the I1/I2 inversion of B.W, BL and BLX, the
    /// J1/J2 order of B<c>.W, the 9-, 12- and 7-bit forms), from binutils at known addresses.
    func testBranchOffsets() {
        // (address, encoding, op, cond, target as an offset from the instruction)
        let rows: [(Int64, [UInt16], A32Op, UInt8, Int64)] = [
            (0x00, [0xF123, 0xBA29], .b, 0xE, 0x123456),      // b.w .+0x123456
            (0x04, [0xF6DC, 0xBDD3], .b, 0xE, -0x123456),     // b.w .-0x123456
            (0x08, [0xF400, 0x9000], .b, 0xE, -0xFFFFFC),     // b.w .-0xFFFFFC
            (0x0C, [0xF3FF, 0x97FD], .b, 0xE, 0xFFFFFE),      // b.w .+0xFFFFFE
            (0x10, [0xF002, 0xFA32], .bl, 0xE, 0x2468),       // bl .+0x2468
            (0x14, [0xF4FF, 0xD7FD], .bl, 0xE, -0xF00002),    // bl .-0xF00002
            (0x18, [0xF3FF, 0xEFFE], .blxImm, 0xE, 0x400000), // blx .+0x400000
            (0x1C, [0xF400, 0xE800], .blxImm, 0xE, -0x3FFFFC),// blx .-0x3FFFFC
            (0x20, [0xF03F, 0xAFFD], .b, 0x0, 0xFFFFE),       // beq.w .+0xFFFFE
            (0x24, [0xF700, 0x8000], .b, 0xC, -0xFFFFC),      // bgt.w .-0xFFFFC
            (0x28, [0xF6FF, 0xAFFA], .b, 0xB, -0x8),          // blt.w .-0x8
            (0x2C, [0xF43F, 0xAF7E], .b, 0x0, -0x100),        // beq .-0x100
            (0x30, [0xD17E], .b, 0x1, 0x100),                 // bne .+0x100
            (0x32, [0xF7FF, 0xBBFE], .b, 0xE, -0x800),        // b .-0x800
            (0x36, [0xE3FD], .b, 0xE, 0x7FE),                 // b .+0x7FE
            (0x38, [0xBBFB], .cbnz, 0xE, 0x82),               // cbnz r3, .+0x82
            (0x3A, [0xB107], .cbz, 0xE, 4),                   // cbz r7, .+4
        ]
        for (address, hws, op, cond, offset) in rows {
            let i = hws.count == 2 ? T32Decoder.decode32(hws[0], hws[1]) : T32Decoder.decode16(hws[0])
            XCTAssertEqual(i.op, op, "at \(address)")
            XCTAssertEqual(i.cond, cond, "at \(address)")
            // The base is PC (the instruction + 4), or Align(PC, 4) for BLX.
            let pcValue = address + 4
            let base = op == .blxImm ? pcValue & ~3 : pcValue
            XCTAssertEqual(Int64(Int32(bitPattern: i.imm)), address + offset - base, "at \(address)")
        }
    }

    /// Forms A32 has no twin for: the T32 unprivileged loads and stores (offset addressing),
    /// the memory hints, literal loads with either sign, and the IT-block flags.
    func testT32OnlyForms() {
        func d(_ a: UInt16, _ b: UInt16) -> A32Inst { T32Decoder.decode32(a, b) }
        var i = d(0xF851, 0x0E04)   // ldrt r0, [r1, #4]
        XCTAssertEqual(i.op, .ldr)
        XCTAssertEqual(i.flags, [.immediate, .preIndex, .add, .unprivileged])
        XCTAssertEqual([i.rd, i.rn], [0, 1])
        XCTAssertEqual(i.imm, 4)
        i = d(0xF803, 0x2E00)       // strbt r2, [r3]
        XCTAssertEqual(i.op, .strb)
        XCTAssertTrue(i.flags.contains(.unprivileged))
        i = d(0xF935, 0x4EFF)       // ldrsht r4, [r5, #255]
        XCTAssertEqual(i.op, .ldrsh)
        XCTAssertEqual(i.imm, 255)
        XCTAssertTrue(i.flags.contains(.unprivileged))
        for (a, b) in [(0xF810, 0xFC08),   // pld [r0, #-8]
                       (0xF811, 0xF032),   // pld [r1, r2, lsl #3]
                       (0xF8B2, 0xFFFF),   // pldw [r2, #4095]
                       (0xF993, 0xF010),   // pli [r3, #16]
                       (0xF91F, 0xF014),   // pli [pc, #-20]
                       (0xF89F, 0xF064)] as [(UInt16, UInt16)] {   // pld [pc, #100]
            XCTAssertEqual(d(a, b).op, .nop)
        }
        i = d(0xF85F, 0x0010)       // ldr.w r0, [pc, #-16]
        XCTAssertEqual(i.op, .ldr)
        XCTAssertEqual([i.rn, i.rd], [15, 0])
        XCTAssertEqual(i.flags, [.immediate, .preIndex])
        XCTAssertEqual(i.imm, 16)
        i = d(0xF99F, 0x112C)       // ldrsb.w r1, [pc, #300]
        XCTAssertEqual(i.op, .ldrsb)
        XCTAssertEqual(i.flags, [.immediate, .preIndex, .add])
        i = d(0xE95F, 0x2302)       // ldrd r2, r3, [pc, #-8]
        XCTAssertEqual(i.op, .ldrd)
        XCTAssertEqual([i.rd, i.rs, i.rn], [2, 3, 15])
        XCTAssertEqual(i.imm, 8)
        XCTAssertFalse(i.flags.contains(.add))
        i = T32Decoder.decode16(0x0008)   // movs r0, r1 (LSL #0): UNPREDICTABLE in an IT block
        XCTAssertEqual(i.flags, [.setFlagsOutsideIT, .notInITBlock])
        for (a, b) in [(0xF8D0, 0xF004),   // ldr.w pc, [r0, #4]
                       (0xE8BD, 0x8010),   // pop.w {r4, pc}
                       (0xE890, 0x8002),   // ldm.w r0, {r1, pc}
                       (0xE9B2, 0xC000)] as [(UInt16, UInt16)] {   // rfeia r2!
            XCTAssertTrue(d(a, b).flags.contains(.lastInITBlock), String(a, radix: 16))
        }
        i = d(0xFA01, 0xF002)       // mov.w r0, r1, lsl r2
        XCTAssertEqual(i.op, .mov)
        XCTAssertEqual([i.rd, i.rm, i.rs], [0, 1, 2])
        XCTAssertEqual(i.flags, .registerShift)
    }

    // MARK: Execution, one class at a time

    func testDataProcessing16BitSetsFlagsOutsideITBlocks() {
        let m = machine([
            0x2005,          // 0x00: movs r0, #5
            0x1CC1,          // 0x02: adds r1, r0, #3
            0xF1B1, 0x0208,  // 0x04: subs r2, r1, #8
            0x0783,          // 0x08: lsls r3, r0, #30
            0x2401,          // 0x0a: movs r4, #1
            0x4265,          // 0x0c: negs r5, r4
            0x43E6,          // 0x0e: mvns r6, r4
            0x4344,          // 0x10: muls r4, r0, r4
            0x1827,          // 0x12: adds r7, r4, r0
            0x087F,          // 0x14: lsrs r7, r7, #1
            0x2280,          // 0x16: movs r2, #0x80
            0x1212,          // 0x18: asrs r2, r2, #8
            0x4081,          // 0x1a: lsls r1, r0
            0x29A0,          // 0x1c: cmp r1, #160
            0x4488,          // 0x1e: add r8, r1
            0x46C1,          // 0x20: mov r9, r8
            0x45C1,          // 0x22: cmp r9, r8
            0x44FA,          // 0x24: add r10, pc
            0xB004,          // 0x26: add sp, #16
            0xB082,          // 0x28: sub sp, #8
        ])
        m.steps(3)
        XCTAssertEqual(r(m, 2), 0)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 8, "a 16-bit, 16-bit and 32-bit instruction")
        m.steps(1)
        XCTAssertEqual(r(m, 3), 0x4000_0000)
        XCTAssertEqual(m.cpu.nzcv, CPSR.C, "LSLS #30 shifts bit 2 (1) out")
        m.steps(2)
        XCTAssertEqual(r(m, 5), 0xFFFF_FFFF)
        XCTAssertEqual(m.cpu.nzcv, CPSR.N, "0 - 1 borrows")
        m.steps(4)
        XCTAssertEqual(r(m, 6), 0xFFFF_FFFE)
        XCTAssertEqual(r(m, 4), 5, "MULS")
        XCTAssertEqual(r(m, 7), 5)
        m.steps(2)
        XCTAssertEqual(r(m, 2), 0)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C, "ASRS #8 shifts bit 7 (1) out")
        m.steps(2)
        XCTAssertEqual(r(m, 1), 256)
        XCTAssertEqual(m.cpu.nzcv, CPSR.C, "CMP 256, 160")
        m.steps(3)
        XCTAssertEqual(r(m, 8), 256)
        XCTAssertEqual(r(m, 9), 256)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C, "high-register ADD and MOV leave the flags; CMP sets them")
        m.steps(3)
        XCTAssertEqual(r(m, 10), Self.base + 0x28, "ADD Rd, PC reads PC as the instruction + 4")
        XCTAssertEqual(r(m, 13), 8)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x2A)
    }

    func testModifiedImmediatesCarryAndPlainImmediates() {
        let m = machine([
            0x2000,          // 0x00: movs r0, #0
            0xF04F, 0x417F,  // 0x02: mov.w r1, #0xFF000000
            0xF011, 0x4200,  // 0x06: ands.w r2, r1, #0x80000000
            0xF05F, 0x13AB,  // 0x0a: movs.w r3, #0x00AB00AB
            0xF060, 0x04FF,  // 0x0e: orn r4, r0, #0xFF
            0xEA71, 0x0500,  // 0x12: orns r5, r1, r0
            0xF411, 0x3F80,  // 0x16: tst.w r1, #0x10000
            0xF46F, 0x767F,  // 0x1a: mvn r6, #0x3FC
            0xF600, 0x77FF,  // 0x1e: addw r7, r0, #0xFFF
            0xF2A7, 0x1823,  // 0x22: subw r8, r7, #0x123
            0xF64B, 0x69EF,  // 0x26: movw r9, #0xBEEF
            0xF6CD, 0x69AD,  // 0x2a: movt r9, #0xDEAD
            0xF20F, 0x0A14,  // 0x2e: adr r10, lbl          (Align(0x32, 4) + 0x14)
            0xF2AF, 0x0B34,  // 0x32: adr.w r11, before     (Align(0x36, 4) - 0x34)
            0xF1C0, 0x0064,  // 0x36: rsb r0, r0, #100
            0xEB11, 0x0C01,  // 0x3a: adds.w r12, r1, r1
            0xF140, 0x0001,  // 0x3e: adc.w r0, r0, #1
            0xBF00,          // 0x42: nop
        ])
        m.steps(3)
        XCTAssertEqual(r(m, 2), 0x8000_0000)
        XCTAssertEqual(m.cpu.nzcv, CPSR.N | CPSR.C, "a rotated constant sets C to its bit 31")
        m.steps(1)
        XCTAssertEqual(r(m, 3), 0x00AB_00AB)
        XCTAssertEqual(m.cpu.nzcv, CPSR.C, "a replicated-byte constant leaves C alone")
        m.steps(2)
        XCTAssertEqual(r(m, 4), 0xFFFF_FF00, "ORN")
        XCTAssertEqual(r(m, 5), 0xFFFF_FFFF)
        XCTAssertEqual(m.cpu.nzcv, CPSR.N | CPSR.C)
        m.steps(1)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z, "TST with a rotated constant whose bit 31 is 0 clears C")
        m.steps(10)
        XCTAssertEqual(r(m, 6), 0xFFFF_FC03)
        XCTAssertEqual(r(m, 7), 0xFFF)
        XCTAssertEqual(r(m, 8), 0xEDC)
        XCTAssertEqual(r(m, 9), 0xDEAD_BEEF)
        XCTAssertEqual(r(m, 10), Self.base + 0x44, "ADR uses Align(PC, 4)")
        XCTAssertEqual(r(m, 11), Self.base)
        XCTAssertEqual(r(m, 12), 0xFE00_0000)
        XCTAssertEqual(r(m, 0), 102, "100 + 1 + carry")
    }

    func testShiftsBitFieldsSaturationAndMiscellaneous() {
        let m = machine([
            0xF245, 0x6078,  // 0x00: movw r0, #0x5678
            0xF2C1, 0x2034,  // 0x04: movt r0, #0x1234
            0xF04F, 0x0104,  // 0x08: mov.w r1, #4
            0xFA00, 0xF201,  // 0x0c: lsl.w r2, r0, r1
            0xFA50, 0xF301,  // 0x10: asrs.w r3, r0, r1
            0xFA60, 0xF401,  // 0x14: ror.w r4, r0, r1
            0xEA4F, 0x0530,  // 0x18: rrx r5, r0
            0xF340, 0x1607,  // 0x1c: sbfx r6, r0, #4, #8
            0xF3C0, 0x7703,  // 0x20: ubfx r7, r0, #28, #4
            0xF340, 0x2807,  // 0x24: sbfx r8, r0, #8, #8
            0xF360, 0x290F,  // 0x28: bfi r9, r0, #8, #8
            0xF06F, 0x0A00,  // 0x2c: mvn r10, #0
            0xF36F, 0x1A0B,  // 0x30: bfc r10, #4, #8
            0xF300, 0x0B07,  // 0x34: ssat r11, #8, r0
            0xF381, 0x0C44,  // 0x38: usat r12, #4, r1, lsl #1
            0xFAB0, 0xF180,  // 0x3c: clz r1, r0
            0xFA90, 0xF2A0,  // 0x40: rbit r2, r0
            0xBA43,          // 0x44: rev16 r3, r0
            0xFA51, 0xF490,  // 0x46: uxtab r4, r1, r0, ror #8
            0xB205,          // 0x4a: sxth r5, r0
            0xEAC0, 0x2629,  // 0x4c: pkhtb r6, r0, r9, asr #8
            0xFA80, 0xF740,  // 0x50: uadd8 r7, r0, r0
            0xFA80, 0xF880,  // 0x54: qadd r8, r0, r0
            0xFA4F, 0xF986,  // 0x58: sxtb.w r9, r6
        ])
        m.steps(5)
        XCTAssertEqual(r(m, 2), 0x2345_6780)
        XCTAssertEqual(r(m, 3), 0x0123_4567)
        XCTAssertEqual(m.cpu.nzcv, CPSR.C, "ASRS by 4 shifts bit 3 (1) out")
        m.steps(8)
        XCTAssertEqual(r(m, 4), 0x8123_4567)
        XCTAssertEqual(r(m, 5), 0x891A_2B3C, "RRX brings C in")
        XCTAssertEqual(r(m, 6), 0x67)
        XCTAssertEqual(r(m, 7), 1)
        XCTAssertEqual(r(m, 8), 0x56)
        XCTAssertEqual(r(m, 9), 0x7800)
        XCTAssertEqual(r(m, 10), 0xFFFF_F00F)
        m.steps(11)
        XCTAssertEqual(r(m, 11), 127)
        XCTAssertTrue(m.cpu.qFlag)
        XCTAssertEqual(r(m, 12), 8)
        XCTAssertEqual(r(m, 1), 3, "CLZ")
        XCTAssertEqual(r(m, 2), 0x1E6A_2C48, "RBIT")
        XCTAssertEqual(r(m, 3), 0x3412_7856, "REV16")
        XCTAssertEqual(r(m, 4), 0x59, "UXTAB")
        XCTAssertEqual(r(m, 5), 0x5678)
        XCTAssertEqual(r(m, 6), 0x1234_0078, "PKHTB")
        XCTAssertEqual(r(m, 7), 0x2468_ACF0, "UADD8")
        XCTAssertEqual(m.cpu.ge32, 0)
        XCTAssertEqual(r(m, 8), 0x2468_ACF0, "QADD")
        XCTAssertEqual(r(m, 9), 0x78)
    }

    func testMultipliesAndDivides() {
        let m = machine([
            0x2007,          // 0x00: movs r0, #7
            0x2106,          // 0x02: movs r1, #6
            0xFB00, 0xF201,  // 0x04: mul.w r2, r0, r1
            0xFB00, 0x2301,  // 0x08: mla r3, r0, r1, r2
            0xFB00, 0x3411,  // 0x0c: mls r4, r0, r1, r3
            0xF06F, 0x0500,  // 0x10: mvn r5, #0
            0xFB80, 0x6705,  // 0x14: smull r6, r7, r0, r5
            0xFBA5, 0x8905,  // 0x18: umull r8, r9, r5, r5
            0xF06F, 0x0A63,  // 0x1c: mvn r10, #99
            0xFB9A, 0xFBF0,  // 0x20: sdiv r11, r10, r0
            0xFBB2, 0xFCF1,  // 0x24: udiv r12, r2, r1
            0xFBC0, 0x6701,  // 0x28: smlal r6, r7, r0, r1
            0xFB11, 0xF01A,  // 0x2c: smulbt r0, r1, r10
            0xFB2A, 0xF10A,  // 0x30: smuad r1, r10, r10
            0xFB7A, 0xF205,  // 0x34: usad8 r2, r10, r5
        ])
        m.steps(7)
        XCTAssertEqual(r(m, 3), 84)
        XCTAssertEqual(r(m, 4), 42)
        XCTAssertEqual(r(m, 6), 0xFFFF_FFF9)
        XCTAssertEqual(r(m, 7), 0xFFFF_FFFF)
        m.steps(5)
        XCTAssertEqual(r(m, 8), 1)
        XCTAssertEqual(r(m, 9), 0xFFFF_FFFE)
        XCTAssertEqual(r(m, 11), 0xFFFF_FFF2, "-100 / 7 rounds toward zero")
        XCTAssertEqual(r(m, 12), 7)
        XCTAssertEqual(r(m, 6), 35)
        XCTAssertEqual(r(m, 7), 0)
        m.steps(3)
        XCTAssertEqual(r(m, 0), 0xFFFF_FFFA, "6 * top(r10) = 6 * -1")
        XCTAssertEqual(r(m, 1), 10001, "(-100)(-100) + (-1)(-1)")
        XCTAssertEqual(r(m, 2), 99)
    }

    func testLoadsStoresAndStack() {
        let stack = Self.base + 0x8000
        let m = machine([
            0xBF00,          // 0x00: nop
            0xA012,          // 0x02: adr r0, data       (Align(0x06, 4) + 0x48)
            0x4911,          // 0x04: ldr r1, data       (Align(0x08, 4) + 0x44)
            0x6843,          // 0x06: ldr r3, [r0, #4]
            0x7844,          // 0x08: ldrb r4, [r0, #1]
            0x8845,          // 0x0a: ldrh r5, [r0, #2]
            0xF990, 0x6007,  // 0x0c: ldrsb.w r6, [r0, #7]
            0xF9B0, 0x7006,  // 0x10: ldrsh.w r7, [r0, #6]
            0xF100, 0x0008,  // 0x14: add.w r0, r0, #8
            0xF850, 0x8C04,  // 0x18: ldr r8, [r0, #-4]
            0x2101,          // 0x1c: movs r1, #1
            0xF850, 0x9021,  // 0x1e: ldr.w r9, [r0, r1, lsl #2]
            0xE950, 0xB102,  // 0x22: ldrd r11, r1, [r0, #-8]
            0xF84D, 0x3D04,  // 0x26: str.w r3, [sp, #-4]!
            0xF85D, 0xCB04,  // 0x2a: ldr r12, [sp], #4
            0xE96D, 0xB102,  // 0x2e: strd r11, r1, [sp, #-8]!
            0x2207,          // 0x32: movs r2, #7
            0xF91D, 0x2002,  // 0x34: ldrsb r2, [sp, r2]
            0xF890, 0xF040,  // 0x38: pld [r0, #64]
            0xB503,          // 0x3c: push {r0, r1, lr}
            0xE8BD, 0x001C,  // 0x3e: pop.w {r2, r3, r4}
            0xF850, 0x2F0C,  // 0x42: ldr r2, [r0, #12]!
            0xE92D, 0x000C,  // 0x46: stmdb sp!, {r2, r3}
            0xBC60,          // 0x4a: ldmia sp!, {r5, r6}
        ])
        m.program([0x1122_3344, 0x8899_AABB, 0x5566_7788, 0xCAFE_F00D, 0x0BAD_BEEF, 0x1234_5678],
                  at: CoreTestMachine.ramBase + 0x4C)
        m.cpu.setR(13, stack)
        m.steps(8)
        XCTAssertEqual(r(m, 0), Self.base + 0x4C, "ADR at an address that is not a multiple of 4")
        XCTAssertEqual(r(m, 1), 0x1122_3344, "LDR (literal) from Align(PC, 4)")
        XCTAssertEqual(r(m, 3), 0x8899_AABB)
        XCTAssertEqual(r(m, 4), 0x33)
        XCTAssertEqual(r(m, 5), 0x1122)
        XCTAssertEqual(r(m, 6), 0xFFFF_FF88)
        XCTAssertEqual(r(m, 7), 0xFFFF_8899)
        m.steps(5)
        XCTAssertEqual(r(m, 8), 0x8899_AABB, "negative offset")
        XCTAssertEqual(r(m, 9), 0xCAFE_F00D, "register offset, LSL #2")
        XCTAssertEqual(r(m, 11), 0x1122_3344)
        XCTAssertEqual(r(m, 1), 0x8899_AABB, "LDRD's Rt2 need not be Rt + 1")
        m.steps(2)
        XCTAssertEqual(r(m, 12), 0x8899_AABB)
        XCTAssertEqual(r(m, 13), stack)
        m.steps(4)
        XCTAssertEqual(m.bus.read(UInt64(stack - 8), size: 4), 0x1122_3344)
        XCTAssertEqual(m.bus.read(UInt64(stack - 4), size: 4), 0x8899_AABB)
        XCTAssertEqual(r(m, 2), 0xFFFF_FF88, "LDRSB register offset")
        XCTAssertEqual(r(m, 13), stack - 8)
        m.steps(1)
        XCTAssertEqual(r(m, 13), stack - 20)
        XCTAssertEqual(m.bus.read(UInt64(stack - 20), size: 4), UInt64(Self.base + 0x54), "PUSH stores the lowest register lowest")
        m.steps(4)
        XCTAssertEqual(r(m, 3), 0x8899_AABB)
        XCTAssertEqual(r(m, 0), Self.base + 0x60, "pre-indexed write-back")
        XCTAssertEqual(r(m, 5), 0x1234_5678)
        XCTAssertEqual(r(m, 6), 0x8899_AABB)
        XCTAssertEqual(r(m, 13), stack - 8)
    }

    func testExclusivesAndTableBranches() {
        let m = machine([
            0xA013,          // 0x00: adr r0, slot
            0xE850, 0x1F01,  // 0x02: ldrex r1, [r0, #4]
            0x3101,          // 0x06: adds r1, #1
            0xE840, 0x1201,  // 0x08: strex r2, r1, [r0, #4]
            0xE8D0, 0x437F,  // 0x0c: ldrexd r4, r3, [r0]
            0xE8C0, 0x3475,  // 0x10: strexd r5, r3, r4, [r0]
            0xE8C0, 0x3476,  // 0x14: strexd r6, r3, r4, [r0]
            0x2601,          // 0x18: movs r6, #1
            0xE8DF, 0xF006,  // 0x1a: tbb [pc, r6]
            0x0201,          // 0x1e: tb1: .byte (a0-tb1)/2, (a1-tb1)/2
            0x2711,          // 0x20: a0: movs r7, #0x11
            0x2722,          // 0x22: a1: movs r7, #0x22
            0x2602,          // 0x24: movs r6, #2
            0xE8DF, 0xF016,  // 0x26: tbh [pc, r6, lsl #1]
            0x0003,          // 0x2a: tb2: .hword (b0-tb2)/2, (b1-tb2)/2, (b2-tb2)/2
            0x0005, 0x0007,
            0xF05F, 0x0901,  // 0x30: b0: movs r9, #1
            0xF05F, 0x0902,  // 0x34: b1: movs r9, #2
            0xF05F, 0x0903,  // 0x38: b2: movs r9, #3
            0xF20F, 0x0808,  // 0x3c: adr r8, tb3
            0x2600,          // 0x40: movs r6, #0
            0xE8D8, 0xF006,  // 0x42: tbb [r8, r6]
            0xBF00,          // 0x46: nop
            0x0002,          // 0x48: tb3: .byte (c0-tb3+2)/2, 0
            0xF05F, 0x0A04,  // 0x4a: c0: movs r10, #4
            0xBF00,          // 0x4e: nop
        ])
        m.program([0xAAAA_0001, 0x0000_0041], at: CoreTestMachine.ramBase + 0x50)
        m.steps(4)
        XCTAssertEqual(r(m, 0), Self.base + 0x50)
        XCTAssertEqual(r(m, 2), 0, "STREX with an offset succeeds")
        XCTAssertEqual(m.bus.read(CoreTestMachine.ramBase + 0x54, size: 4), 0x42)
        m.steps(3)
        XCTAssertEqual(r(m, 4), 0xAAAA_0001)
        XCTAssertEqual(r(m, 3), 0x42, "LDREXD's Rt2 is any register")
        XCTAssertEqual(r(m, 5), 0)
        XCTAssertEqual(r(m, 6), 1, "the monitor was cleared by the first STREXD")
        XCTAssertEqual(m.bus.read(CoreTestMachine.ramBase + 0x50, size: 8), 0xAAAA_0001_0000_0042)
        m.steps(3)
        XCTAssertEqual(r(m, 7), 0x22, "TBB skipped the first case")
        m.steps(3)
        XCTAssertEqual(r(m, 9), 3, "TBH")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x3C)
        m.steps(4)
        XCTAssertEqual(r(m, 10), 4, "TBB with a register base")
    }

    func testCompareAndBranchOnZeroAndBranches() {
        let m = machine([
            0x2000,          // 0x00: movs r0, #0
            0xB100,          // 0x02: cbz r0, l1
            0x2101,          // 0x04: movs r1, #1
            0xB900,          // 0x06: l1: cbnz r0, l2
            0x2202,          // 0x08: movs r2, #2
            0xF000, 0xF80B,  // 0x0a: l2: bl func
            0x2303,          // 0x0e: movs r3, #3
            0xF000, 0xB801,  // 0x10: b.w l3
            0x2404,          // 0x14: movs r4, #4
            0x2800,          // 0x16: l3: cmp r0, #0
            0xD000,          // 0x18: beq l4
            0x2505,          // 0x1a: movs r5, #5
            0xF040, 0x8001,  // 0x1c: l4: bne.w l5
            0x2606,          // 0x20: movs r6, #6
            0xE001,          // 0x22: l5: b done
            0x2707,          // 0x24: func: movs r7, #7
            0x4770,          // 0x26: bx lr
            0xE7FE,          // 0x28: done: b done
        ])
        m.steps(5)
        XCTAssertEqual(r(m, 1), 0, "CBZ taken")
        XCTAssertEqual(r(m, 2), 2, "CBNZ not taken")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x24)
        XCTAssertEqual(r(m, 14), (Self.base + 0x0E) | 1, "BL's LR has bit 0 set")
        m.steps(9)
        XCTAssertEqual(r(m, 7), 7)
        XCTAssertEqual(r(m, 3), 3)
        XCTAssertEqual(r(m, 4), 0, "B.W skipped it")
        XCTAssertEqual(r(m, 5), 0, "BEQ taken")
        XCTAssertEqual(r(m, 6), 6, "BNE.W not taken")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x28)
        XCTAssertTrue(m.cpu.thumb)
    }

    // MARK: IT blocks

    func testITBlocks() {
        let m = machine([
            0x2001,          // 0x00: movs r0, #1
            0x2801,          // 0x02: cmp r0, #1
            0xBF0C,          // 0x04: ite eq
            0x210A,          // 0x06: moveq r1, #10
            0x2114,          // 0x08: movne r1, #20
            0xBF08,          // 0x0a: it eq
            0x1E86,          // 0x0c: subeq r6, r0, #2   (the SUBS encoding: no flags in an IT block)
            0x1E87,          // 0x0e: subs r7, r0, #2
            0x2005,          // 0x10: movs r0, #5
            0x2803,          // 0x12: cmp r0, #3
            0xBFC5,          // 0x14: ittet gt
            0x2101,          // 0x16: movgt r1, #1
            0x2202,          // 0x18: movgt r2, #2
            0x2303,          // 0x1a: movle r3, #3
            0x2404,          // 0x1c: movgt r4, #4
            0xBF1C,          // 0x1e: itt ne
            0x2805,          // 0x20: cmpne r0, #5
            0x2509,          // 0x22: movne r5, #9
            0xBF08,          // 0x24: it eq
            0xE000,          // 0x26: beq l1
            0x2307,          // 0x28: movs r3, #7
            0xBF00,          // 0x2a: l1: nop
        ])
        m.steps(3)
        XCTAssertEqual(m.cpu.itState, 0x0C, "ITE EQ: firstcond 0000, mask 1100")
        m.steps(1)
        XCTAssertEqual(m.cpu.itState, 0x18, "ITAdvance: the second instruction's condition is NE")
        XCTAssertEqual(m.cpu.cpsr & 0x0600_FC00, 0x1800, "IT[7:2] in CPSR 15:10, IT[1:0] in 26:25")
        m.steps(1)
        XCTAssertEqual(m.cpu.itState, 0)
        XCTAssertEqual(r(m, 1), 10)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C, "MOV inside the block left the flags")
        m.steps(2)
        XCTAssertEqual(r(m, 6), 0xFFFF_FFFF)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C, "16-bit SUB inside an IT block does not set the flags")
        m.steps(1)
        XCTAssertEqual(r(m, 7), 0xFFFF_FFFF)
        XCTAssertEqual(m.cpu.nzcv, CPSR.N, "the same encoding outside sets them")
        m.steps(7)
        XCTAssertEqual(r(m, 1), 1)
        XCTAssertEqual(r(m, 2), 2)
        XCTAssertEqual(r(m, 3), 0, "the E of ITTET")
        XCTAssertEqual(r(m, 4), 4)
        m.steps(3)
        XCTAssertEqual(r(m, 5), 0, "CMP inside the block made the next condition fail")
        m.steps(2)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x2A, "a branch may end an IT block")
        XCTAssertEqual(r(m, 3), 0)
        XCTAssertEqual(m.cpu.itState, 0)
    }

    func testUnpredictableInstructionsInITBlocksAreUndefined() {
        // it eq; cbz r0, +0 — it eq; it eq — itt eq; b . (a branch that is not last) —
        // it eq; beq.w +0 (a conditional branch) — itt eq; pop {pc} — it ne; udf #1 (whose
        // condition would fail).
        for body: [UInt16] in [[0xBF08, 0xB100], [0xBF08, 0xBF08], [0xBF04, 0xE7FE, 0xBF00],
                               [0xBF08, 0xF000, 0x8000], [0xBF04, 0xBD00, 0xBF00], [0xBF18, 0xDE01]] {
            let m = machine([0x2000, 0x2800] + body)    // movs r0, #0; cmp r0, #0
            m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(Self.base + 0x1000)
            m.steps(4)
            XCTAssertEqual(m.cpu.mode32, .und, "\(body.map { String($0, radix: 16) })")
            XCTAssertEqual(r(m, 14), Self.base + 6 + 2, "LR_und is the T32 instruction + 2")
            let spsr = UInt32(truncatingIfNeeded: m.cpu.sysregs[SysReg.SPSR_und])
            XCTAssertNotEqual(spsr & 0x0600_FC00, 0, "the SPSR holds the ITSTATE of the block")
            XCTAssertEqual(spsr & CPSR.T, CPSR.T)
        }
        // The same branch as the last instruction is fine.
        let ok = machine([0x2000, 0x2800, 0xBF08, 0xE7FE])   // movs; cmp; it eq; beq .
        ok.steps(5)
        XCTAssertEqual(ok.cpu.mode32, .svc)
        XCTAssertEqual(ok.cpu.pc, CoreTestMachine.ramBase + 6)
    }

    /// An SVC inside an IT block saves the next instruction's ITSTATE, a fault its own; both
    /// return into the block (ERET in T32, SUBS PC, LR, #8) and finish it.
    func testExceptionsInsideITBlocksSaveAndRestoreITSTATE() {
        let m = machine([
            0x2000,          // 0x00: movs r0, #0
            0x2800,          // 0x02: cmp r0, #0
            0xBF06,          // 0x04: itte eq
            0xDF01,          // 0x06: svceq #1
            0x2101,          // 0x08: moveq r1, #1
            0x2202,          // 0x0a: movne r2, #2
            0x2800,          // 0x0c: cmp r0, #0         (MOVS r1 outside the block would clear Z)
            0xBF08,          // 0x0e: it eq
            0x6804,          // 0x10: ldreq r4, [r0]     (address 0: no memory there)
            0x2606,          // 0x12: movs r6, #6
        ])
        let vbar = CoreTestMachine.ramBase + 0x1000
        program(m, [0xF3FF, 0x8500,   // 0x08: mrs r5, spsr
                    0xF3DE, 0x8F00],  // 0x0c: eret
                at: vbar + 0x08)
        program(m, [0xF3FF, 0x8700,   // 0x10: mrs r7, spsr
                    0x4678,           // 0x14: mov r0, pc
                    0xF3DE, 0x8F08],  // 0x16: subs pc, lr, #8
                at: vbar + 0x10)
        m.cpu.sysregs[SysReg.VBAR_EL1] = vbar
        m.cpu.sysregs[SysReg.SCTLR_EL1] |= 1 << 30       // SCTLR.TE: exceptions enter T32
        m.steps(4)
        XCTAssertEqual(m.cpu.pc, vbar + 8)
        XCTAssertTrue(m.cpu.thumb)
        XCTAssertEqual(m.cpu.itState, 0)
        XCTAssertEqual(r(m, 14), Self.base + 8, "SVC returns to the next instruction")
        m.steps(2)
        XCTAssertEqual(r(m, 5) & 0x0600_FC00, 0x0C00, "ITTE's ITSTATE 0x06 advanced to 0x0C")
        XCTAssertEqual(m.cpu.itState, 0x0C, "ERET restored it")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 8)
        m.steps(5)
        XCTAssertEqual(r(m, 1), 1)
        XCTAssertEqual(r(m, 2), 0)
        XCTAssertEqual(m.cpu.mode32, .abt, "LDR from address 0 aborts")
        XCTAssertEqual(r(m, 14), Self.base + 0x10 + 8)
        m.steps(3)
        XCTAssertEqual(r(m, 7) & 0x0600_FC00, 0x0800, "a fault saves its own ITSTATE (IT EQ: 0x08)")
        XCTAssertEqual(m.cpu.itState, 0x08)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x10, "retried")
        m.steps(2)
        XCTAssertEqual(r(m, 4), 0x8F08, "the retried load read the handler's last halfword")
        XCTAssertEqual(r(m, 6), 6)
        XCTAssertEqual(m.cpu.itState, 0)
        XCTAssertEqual(m.cpu.mode32, .svc)
    }

    // MARK: Interworking

    func testInterworkingBetweenA32AndT32() {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: Self.base, mode: .svc)
        m.program([
            0xFA00_0005,   // 0x00: blx tfunc          (A32 to T32)
            0xE3A0_1001,   // 0x04: mov r1, #1
            0xE28F_2010,   // 0x08: adr r2, tfunc2
            0xE382_2001,   // 0x0c: orr r2, r2, #1
            0xE12F_FF32,   // 0x10: blx r2
            0xE3A0_3003,   // 0x14: mov r3, #3
            0xEAFF_FFFE,   // 0x18: b .
        ])
        program(m, [
            0x200A,          // 0x1c: tfunc: movs r0, #10
            0x4770,          // 0x1e: bx lr              (T32 to A32)
            0xB500,          // 0x20: tfunc2: push {lr}
            0xF000, 0xE804,  // 0x22: blx afunc          (T32 to A32: Align(PC, 4) + 8)
            0x2606,          // 0x26: movs r6, #6
            0xBD00,          // 0x28: pop {pc}           (to A32: bit 0 of the value is 0)
        ], at: CoreTestMachine.ramBase + 0x1C)
        m.program([
            0xE3A0_4004,   // 0x2c: afunc: mov r4, #4
            0xE12F_FF1E,   // 0x30: bx lr
        ], at: CoreTestMachine.ramBase + 0x2C)
        m.cpu.setR(13, Self.base + 0x8000)
        m.steps(1)
        XCTAssertTrue(m.cpu.thumb)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x1C)
        XCTAssertEqual(r(m, 14), Self.base + 4, "A32 BLX: LR is the A32 return address")
        m.steps(2)
        XCTAssertFalse(m.cpu.thumb)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 4)
        m.steps(4)
        XCTAssertTrue(m.cpu.thumb)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x20)
        m.steps(2)
        XCTAssertFalse(m.cpu.thumb)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x2C)
        XCTAssertEqual(r(m, 14), (Self.base + 0x26) | 1)
        m.steps(2)
        XCTAssertTrue(m.cpu.thumb)
        m.steps(2)
        XCTAssertFalse(m.cpu.thumb, "POP {pc} interworks")
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x14)
        m.steps(1)
        XCTAssertEqual([r(m, 0), r(m, 1), r(m, 3), r(m, 4), r(m, 6)], [10, 1, 3, 4, 6])

        // MOV PC, Rm in T32 stays in T32 (ALUWritePC is BranchWritePC there).
        let t = machine([0x4687])   // mov pc, r0
        t.cpu.setR(0, Self.base + 0x100)
        t.steps(1)
        XCTAssertTrue(t.cpu.thumb)
        XCTAssertEqual(t.cpu.pc, CoreTestMachine.ramBase + 0x100)
    }

    // MARK: System instructions, exceptions and traps

    func testStatusRegistersBankedRegistersAndCoprocessors() {
        let m = machine([
            0xF3EF, 0x8000,  // 0x00: mrs r0, apsr
            0xF04F, 0x4170,  // 0x04: mov.w r1, #0xF0000000
            0xF381, 0x8800,  // 0x08: msr apsr_nzcvq, r1
            0xB662,          // 0x0c: cpsie i
            0xB673,          // 0x0e: cpsid if
            0xEE10, 0x2F10,  // 0x10: mrc p15, 0, r2, c0, c0, 0
            0xF3E5, 0x8320,  // 0x14: mrs r3, sp_usr
            0xF381, 0x8520,  // 0x18: msr sp_usr, r1
            0xF3F6, 0x8430,  // 0x1c: mrs r4, spsr_und
            0xF3AF, 0x811F,  // 0x20: cps #0x1F
            0xF3EF, 0x8500,  // 0x24: mrs r5, apsr
        ])
        m.cpu.x[13] = 0x1313
        m.cpu.sysregs[SysReg.SPSR_und] = 0x6000_01D3
        m.steps(1)
        XCTAssertEqual(r(m, 0) & CPSR.T, 0, "MRS masks T")
        XCTAssertEqual(r(m, 0) & 0x1F, 0x13)
        m.steps(2)
        XCTAssertEqual(m.cpu.nzcv, 0xF000_0000)
        m.steps(1)
        XCTAssertEqual(m.cpu.daif & DAIFBit.I, 0)
        m.steps(1)
        XCTAssertEqual(m.cpu.daif & (DAIFBit.I | DAIFBit.F), DAIFBit.I | DAIFBit.F)
        m.steps(1)
        XCTAssertEqual(UInt64(r(m, 2)), m.cpu.sysregs[SysReg.VPIDR_EL2] & 0xFFFF_FFFF)
        m.steps(3)
        XCTAssertEqual(r(m, 3), 0x1313, "SP_usr is X13")
        XCTAssertEqual(m.cpu.x[13], 0xF000_0000)
        XCTAssertEqual(r(m, 4), 0x6000_01D3)
        m.steps(2)
        XCTAssertEqual(m.cpu.mode32, .sys)
        XCTAssertEqual(r(m, 5), 0xF000_0000 | 0x1C0 | 0x1F, "NZCV, the masks and the mode")
    }

    func testUndefinedSVCHVCAndTrapsReportT32Lengths() {
        let base = Self.base
        // UDF (16-bit and 32-bit): LR_und = the instruction + 2 in T32 (AArch32.TakeUndefInstrException).
        for (code, length) in [([UInt16(0xDE07)], 2), ([0xF7F1, 0xA234], 4)] {   // udf #7; udf.w #0x1234
            let m = machine(code)
            m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base + 0x1000)
            m.steps(1)
            XCTAssertEqual(m.cpu.mode32, .und, "UDF of \(length) bytes")
            XCTAssertEqual(r(m, 14), base + 2)
            XCTAssertFalse(m.cpu.thumb, "SCTLR.TE = 0: the handler runs in A32")
        }
        // SVC: LR_svc is the next instruction.
        let s = machine([0xBF00, 0xDF05])   // nop; svc #5
        s.steps(2)
        XCTAssertEqual(s.cpu.r(14), base + 4)
        XCTAssertEqual(UInt32(truncatingIfNeeded: s.cpu.sysregs[SysReg.SPSR_EL1]) & CPSR.T, CPSR.T)

        // HVC (32-bit) to the AArch64 EL2: IL = 1, ELR = the next instruction.
        let h = machine([0xF7E0, 0x8012])   // hvc #0x12
        h.cpu.sysregs[SysReg.VBAR_EL2] = 0x4000_2000
        h.steps(1)
        XCTAssertFalse(h.cpu.aarch32)
        XCTAssertEqual(h.esr2EC, 0x12)
        XCTAssertEqual(h.cpu.sysregs[SysReg.ESR_EL2] & 0xFFFF, 0x12)
        XCTAssertEqual((h.cpu.sysregs[SysReg.ESR_EL2] >> 25) & 1, 1, "IL: a 32-bit instruction")
        XCTAssertEqual(h.cpu.sysregs[SysReg.ELR_EL2], UInt64(base + 4))
        XCTAssertEqual(UInt32(truncatingIfNeeded: h.cpu.sysregs[SysReg.SPSR_EL2]) & CPSR.T, CPSR.T)

        // WFI (16-bit) in an IT block trapped by HCR_EL2.TWI: IL = 0, COND = the IT condition.
        let w = machine([0x2000, 0x2800, 0xBF08, 0xBF30])   // movs r0, #0; cmp r0, #0; it eq; wfieq
        w.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TWI
        w.cpu.sysregs[SysReg.VBAR_EL2] = 0x4000_2000
        w.steps(4)
        XCTAssertEqual(w.esr2EC, 0x01)
        let esr = w.cpu.sysregs[SysReg.ESR_EL2]
        XCTAssertEqual((esr >> 25) & 1, 0, "IL: a 16-bit instruction")
        XCTAssertEqual((esr >> 20) & 0xF, 0, "COND: EQ from the IT block")
        XCTAssertEqual(w.cpu.sysregs[SysReg.ELR_EL2], UInt64(base + 6), "the trapped instruction")
        let spsr = UInt32(truncatingIfNeeded: w.cpu.sysregs[SysReg.SPSR_EL2])
        XCTAssertEqual(spsr & 0x0600_FC00, 0x0800, "its own ITSTATE (0x08)")
    }

    /// ESR_EL2.IL is 1 for EC 0 and instruction aborts even when the instruction is 16-bit
    /// (D17.2.37), and 0 for a trapped 16-bit one (the WFI above).
    func testILIsRES1ForUnknownAndInstructionAbortsFrom16BitCode() {
        let u = machine([0xDE01], mode: .usr)   // udf #1, at EL0 with HCR_EL2.TGE: to EL2
        u.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TGE
        u.cpu.sysregs[SysReg.VBAR_EL2] = 0x4000_2000
        u.steps(1)
        XCTAssertEqual(u.esr2EC, 0x00)
        XCTAssertEqual((u.cpu.sysregs[SysReg.ESR_EL2] >> 25) & 1, 1)

        let f = CoreTestMachine(el: 2)
        f.cpu.bootAArch32(entry: Self.base + (1 << 20), mode: .usr, thumb: true)   // nothing there
        f.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TGE
        f.cpu.sysregs[SysReg.VBAR_EL2] = 0x4000_2000
        f.steps(1)
        XCTAssertEqual(f.esr2EC, 0x20, "an instruction abort from a lower EL")
        XCTAssertEqual((f.cpu.sysregs[SysReg.ESR_EL2] >> 25) & 1, 1)
    }

    /// A 32-bit instruction whose second halfword is past the end of memory: the abort is for
    /// that halfword, and the return address is the instruction.
    func testA32BitInstructionCrossingIntoNothingAbortsOnItsSecondHalfword() {
        let end = CoreTestMachine.ramBase + (1 << 20)
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: UInt32(end - 4), mode: .svc, thumb: true)
        program(m, [0xBF00, 0xF8D1], at: end - 4)   // nop; the first half of ldr.w r0, [r1, #4]
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(Self.base + 0x1000)
        m.steps(2)
        XCTAssertEqual(m.cpu.mode32, .abt)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x100C, "the Prefetch Abort vector")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL1] >> 32, end, "IFAR is the second halfword")
        XCTAssertEqual(UInt64(r(m, 14)), end - 2 + 4, "LR_abt = the instruction + 4")
    }

    // MARK: Decode and run everything

    func testDecodeNeverTrapsOnAnyHalfwordOrRandomPairs() {
        var wide = 0, undefined = 0
        var bad: [UInt16] = []
        for h in 0...0xFFFF {
            let hw = UInt16(h)
            let i = T32Decoder.decode16(hw)
            if T32Decoder.isWide(hw) {
                wide += 1
                // A first halfword is not a 16-bit instruction.
                if i.op != .undefined { bad.append(hw) }
            } else if i.op == .undefined {
                undefined += 1
            }
            if i.length != 2 || i.rd > 15 || i.rn > 15 || i.rm > 15 || i.rs > 15 { bad.append(hw) }
        }
        XCTAssertEqual(bad, [])
        XCTAssertEqual(wide, 3 * 2048)
        XCTAssertLessThan(undefined, 2048, "16-bit space mostly allocated")
        var state: UInt64 = 0x7432_5EED
        var defined = 0
        let pairs = 2_000_000
        for _ in 0..<pairs {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = state ^ (state >> 29)
            let top: [UInt16] = [0b11101, 0b11110, 0b11111]
            let first = top[Int(v % 3)] << 11 | UInt16(truncatingIfNeeded: v >> 16) & 0x7FF
            let i = T32Decoder.decode32(first, UInt16(truncatingIfNeeded: v >> 40))
            if i.length != 4 || i.rd > 15 || i.rn > 15 || i.rm > 15 || i.rs > 15 {
                XCTFail("bad decode of \(String(first, radix: 16)) \(String(UInt16(truncatingIfNeeded: v >> 40), radix: 16))")
                return
            }
            if i.op != .undefined { defined += 1 }
        }
        XCTAssertGreaterThan(defined, pairs / 3, "most random 32-bit encodings decode to something")
    }

    /// Random T32 streams from random states, with the vectors random too: every step ends in
    /// an architectural outcome and the host survives.
    func testRandomT32StreamsRunWithoutCrashing() {
        var state: UInt64 = 0x7432_0000_5EED
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
        let m = CoreTestMachine(el: 2)
        let base = CoreTestMachine.ramBase
        let region = base + 0x4_0000, size: UInt64 = 0x1_0000
        var steps = 0
        for round in 0..<400 {
            for k in stride(from: 0, to: size, by: 8) { _ = m.bus.write(region + k, size: 8, value: next()) }
            let modes: [AArch32Mode] = [.svc, .usr, .irq, .abt, .und, .sys, .fiq]
            let entry = UInt32(region + (next() % size) & ~1)
            m.cpu.bootAArch32(entry: entry, mode: modes[round % modes.count], thumb: true)
            for n in 0..<31 {
                let v = next()
                m.cpu.x[n] = v & 1 == 0 ? region + (v >> 8) % size : v & 0xFFFF_FFFF
            }
            m.cpu.nzcv = UInt32(truncatingIfNeeded: next()) & 0xF000_0000
            m.cpu.sysregs[SysReg.VBAR_EL1] = region + (next() % size) & ~0x1F
            m.cpu.sysregs[SysReg.VBAR_EL2] = region
            m.cpu.sysregs[SysReg.SCTLR_EL1] = m.cpu.sysregs[SysReg.SCTLR_EL1] & ~(1 << 30) | (next() & 1) << 30
            for _ in 0..<200 {
                m.cpu.step()
                steps += 1
                if m.cpu.aarch32 {
                    XCTAssertLessThanOrEqual(m.cpu.pc, 0xFFFF_FFFF)
                    if m.cpu.thumb { XCTAssertEqual(T32IT.inBlock(m.cpu.itState) || m.cpu.itState == 0, true) }
                }
            }
            XCTAssertEqual(m.cpu.x[Int(Reg.zr)], 0)
        }
        XCTAssertEqual(steps, 400 * 200)
    }
}
