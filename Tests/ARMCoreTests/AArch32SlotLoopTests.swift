import XCTest
@testable import ARMCore
import Bus

/// The AArch32 fast loop over decoded slots (`CPU.runSlots32`): a run through `run(budget:)`,
/// which takes it, must leave what the same instructions leave one `step()` at a time, which
/// never does: registers, flags, PC, instruction set, memory and the retired count. The
/// programs mix A32 and T32, flag-setting 16-bit T32 data processing, an IT block, branches,
/// interworking and instructions without a fast form.
final class AArch32SlotLoopTests: XCTestCase {
    static let code = UInt32(CoreTestMachine.ramBase) + 0x1000
    static let thumbCode = UInt32(CoreTestMachine.ramBase) + 0x2000
    static let tail = UInt32(CoreTestMachine.ramBase) + 0x3000
    static let data = UInt32(CoreTestMachine.ramBase) + 0x4_0000

    func testSlotFormsOutsideITBlocks() {
        func slot(_ hw: UInt16) -> A32FastForm {
            var i = T32Decoder.decode16(hw)
            if i.flags.contains(.setFlagsOutsideIT) { i.flags.insert(.setFlags) }
            i.flags.subtract([.setFlagsOutsideIT, .notInITBlock, .lastInITBlock])
            return AArch32FastForms.classifySlot(i, .t32Narrow)
        }
        XCTAssertEqual(slot(0x1C48), .addsImm, "adds r0, r1, #1")
        XCTAssertEqual(slot(0x1A48), .subsReg, "subs r0, r1, r1")
        XCTAssertEqual(slot(0x4008), .logicalFlags, "ands r0, r1")
        XCTAssertEqual(slot(0x2005), .logicalFlags, "movs r0, #5")
        XCTAssertEqual(slot(0x4208), .logicalFlags, "tst r0, r1")
        XCTAssertEqual(slot(0x0088), .dataProcessing, "lsls r0, r1, #2 (sets C from the shift)")
        XCTAssertEqual(slot(0xBD10), .ldmPC, "pop {r4, pc}")
        XCTAssertEqual(slot(0xB510), .stm, "push {r4, lr}")
        func a32(_ w: UInt32) -> A32FastForm { AArch32FastForms.classifySlot(A32Decoder.decode(w), .a32) }
        XCTAssertEqual(a32(0xE251_2008), .subsImm, "subs r2, r1, #8")
        XCTAssertEqual(a32(0xE371_0001), .cmnImm, "cmn r1, #1")
        XCTAssertEqual(a32(0xE201_20FF), .andImm, "and r2, r1, #255")
        XCTAssertEqual(a32(0xE181_2003), .orrReg, "orr r2, r1, r3")
        XCTAssertEqual(a32(0xE311_0102), .dataProcessing, "tst r1, #0x80000000 (a rotated immediate sets C)")
        XCTAssertEqual(a32(0xE311_00FF), .logicalFlags, "tst r1, #255")
        XCTAssertEqual(a32(0xE1A0_2103), .lslImm, "lsl r2, r3, #2")
        XCTAssertEqual(a32(0xE1A0_2123), .lsrImm, "lsr r2, r3, #2")
        XCTAssertEqual(a32(0xE1B0_2123), .dataProcessing, "lsrs r2, r3, #2")
        XCTAssertEqual(a32(0xE792_3103), .ldrReg, "ldr r3, [r2, r3, lsl #2]")
        XCTAssertEqual(a32(0xE7C2_3003), .strbReg, "strb r3, [r2, r3]")
        XCTAssertEqual(a32(0xE792_3123), .loadStore, "ldr r3, [r2, r3, lsr #2]")
        XCTAssertEqual(a32(0xE1D2_30B4), .ldrhImm, "ldrh r3, [r2, #4]")
        XCTAssertEqual(a32(0xE0D2_30B4), .loadStore, "ldrh r3, [r2], #4")
        XCTAssertEqual(slot(0x5888), .ldrReg, "ldr r0, [r1, r2]")
        XCTAssertEqual(a32(0xE000_0291), .mul, "mul r0, r1, r2")
        XCTAssertEqual(a32(0xE010_0291), .multiply, "muls r0, r1, r2")
        XCTAssertEqual(a32(0xE020_3291), .mla, "mla r0, r1, r2, r3")
        XCTAssertEqual(a32(0xE6EF_1472), .uxtb, "uxtb r1, r2, ror #8")
        XCTAssertEqual(a32(0xE6E3_1072), .misc, "uxtab r1, r3, r2")
        XCTAssertEqual(a32(0xE8BD_8010), .ldmPC, "pop {r4, pc}")
        XCTAssertEqual(a32(0xE8BD_0010), .ldm, "pop {r4}")
        XCTAssertEqual(a32(0xE92D_4010), .stm, "push {r4, lr}")
        XCTAssertEqual(a32(0xE92D_8000), .blockTransfer, "push {pc}")
        XCTAssertEqual(a32(0xE8FD_8000), .none, "ldm sp!, {pc}^")
        XCTAssertEqual(slot(0xE7FE), .t32B, "b .")
        XCTAssertEqual(slot(0xD0FE), .t32B, "beq .")
        XCTAssertEqual(slot(0x4770), .bx, "bx lr")
        XCTAssertEqual(slot(0x4788), .blxReg, "blx r1")
        XCTAssertEqual(slot(0x4778), .none, "bx pc")
        XCTAssertEqual(slot(0xB108), .cbz, "cbz r0, +4")
        XCTAssertEqual(AArch32FastForms.classifySlot(A32Decoder.decode(0xE12F_FF1E), .a32), .bx, "bx lr")
        // The memo's classification (used inside IT blocks too) keeps them on the executors.
        XCTAssertEqual(AArch32FastForms.classify(A32Decoder.decode(0xE12F_FF1E), .a32), .none, "bx lr")
    }

    /// Random programs: an A32 block, BX to a T32 block, BX back to an A32 `b .`.
    func testRunMatchesSteppingOnRandomPrograms() {
        var seed: UInt64 = 0x5107_A32F
        func next() -> UInt32 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: seed >> 29)
        }
        for round in 0..<200 {
            let a32 = randomA32(40, next)
            let t32 = randomT32(40, next)
            let regs = (0..<7).map { _ in next() &* 0x9E37_79B9 }
            let nzcv = next() << 28
            let memory = (0..<1024).map { _ in next() }
            func state(run: Bool) -> [UInt64] {
                let m = CoreTestMachine(el: 2)
                m.program(a32, at: UInt64(Self.code))
                for (k, hw) in t32.enumerated() {
                    _ = m.bus.write(UInt64(Self.thumbCode) + UInt64(2 * k), size: 2, value: UInt64(hw))
                }
                m.program([0xEAFF_FFFE], at: UInt64(Self.tail))   // b .
                memory.enumerated().forEach { _ = m.bus.write(UInt64(Self.data) + UInt64(4 * $0.offset), size: 4, value: UInt64($0.element)) }
                m.cpu.bootAArch32(entry: Self.code, mode: .svc)
                for n in 0..<7 { m.cpu.setR(UInt32(n), regs[n]) }
                m.cpu.setR(7, Self.data + 0x100)    // T32 load/store base
                m.cpu.setR(8, Self.data + 0x200)    // A32 load/store base
                m.cpu.setR(9, Self.data + 0x400)    // A32 post-indexed base
                m.cpu.setR(10, Self.thumbCode | 1)
                m.cpu.setR(11, Self.tail)
                m.cpu.setR(12, 0x14)                // A32 register offset
                m.cpu.setR(13, Self.data + 0xA00)
                m.cpu.nzcv = nzcv
                if run { _ = m.cpu.run(budget: 150) } else { m.steps(150) }
                return (0..<15).map { UInt64(m.cpu.r(UInt32($0))) }
                    + [UInt64(m.cpu.nzcv), m.cpu.pc, m.cpu.instret, m.cpu.thumb ? 1 : 0, UInt64(m.cpu.itState)]
                    + (0..<1024).map { k in m.bus.read(UInt64(Self.data) + UInt64(4 * k), size: 4) ?? 0 }
            }
            let fast = state(run: true), slow = state(run: false)
            XCTAssertEqual(fast, slow, "round \(round)")
            if fast != slow { return }
        }
    }

    /// Code rewritten by a store runs as rewritten: a slot is keyed by the word it decoded.
    func testRewrittenInstructionRunsItsNewWord() {
        let m = CoreTestMachine(el: 2)
        m.program([0xE281_1001,        // add r1, r1, #1
                   0xE583_2000,        // str r2, [r3]   (r3 = the add: now add r1, r1, #16)
                   0xEAFF_FFFC],       // b to the add
                  at: UInt64(Self.code))
        m.cpu.bootAArch32(entry: Self.code, mode: .svc)
        m.cpu.setR(2, 0xE281_1010)
        m.cpu.setR(3, Self.code)
        _ = m.cpu.run(budget: 7)
        XCTAssertEqual(m.cpu.r(1), 1 + 16 + 16)
        XCTAssertEqual(m.cpu.instret, 7)
    }

    /// A fast form whose executor throws (UBFX with lsb + width > 32) leaves the fast loop
    /// with nothing changed, and the full path takes the exception there.
    func testThrowingExecutorTakesItsExceptionOnTheFullPath() {
        func state(run: Bool) -> [UInt64] {
            let m = CoreTestMachine(el: 2)
            m.program([0xE281_1001,      // add r1, r1, #1
                       0xE7FF_2F50,      // ubfx r2, r0, #30, #32: UNDEFINED
                       0xE281_1001],
                      at: UInt64(Self.code))
            m.cpu.bootAArch32(entry: Self.code, mode: .svc)
            m.cpu.setR(2, 0x1234)
            if run { _ = m.cpu.run(budget: 2) } else { m.steps(2) }
            return [m.cpu.pc, m.cpu.instret, UInt64(m.cpu.mode32.rawValue), UInt64(m.cpu.r(1)),
                    UInt64(m.cpu.r(2)), UInt64(m.cpu.r(14))]
        }
        let fast = state(run: true)
        XCTAssertEqual(fast, state(run: false))
        XCTAssertEqual(fast[2], UInt64(AArch32Mode.und.rawValue), "Undefined mode")
        XCTAssertEqual(fast[4], 0x1234, "r2 unchanged")
    }

    private func randomA32(_ count: Int, _ next: () -> UInt32) -> [UInt32] {
        var words: [UInt32] = []
        while words.count < count - 1 {
            let rd = next() % 7, rn = next() % 7, rm = next() % 7, rs = next() % 7
            let cond: UInt32 = next() % 3 == 0 ? next() % 15 : 14
            let op = next() % 16; var s = next() % 2
            if (8...11).contains(op) { s = 1 }
            let rnField = op == 13 || op == 15 ? 0 : rn
            switch next() % 9 {
            case 0, 1:
                words.append(cond << 28 | 0x0200_0000 | op << 21 | s << 20 | rnField << 16 | rd << 12 | next() % 4096)
            case 2:
                words.append(cond << 28 | op << 21 | s << 20 | rnField << 16 | rd << 12 | (next() % 128) << 5 | rm)
            case 3:
                words.append(cond << 28 | 0x10 | op << 21 | s << 20 | rnField << 16 | rd << 12 | rs << 8 | (next() % 4) << 5 | rm)
            case 4:   // LDR/STR/LDRB/STRB rt, [r8, #+-imm] or [r8, +-r12, LSL #0-3]; LDRH/STRH rt, [r8, #+-imm]
                switch next() % 3 {
                case 0:
                    words.append(0xE500_0000 | (next() % 2) << 23 | (next() % 2) << 22 | (next() % 2) << 20
                                 | 8 << 16 | rd << 12 | next() % 256)
                case 1:
                    words.append(0xE700_000C | (next() % 2) << 23 | (next() % 2) << 22 | (next() % 2) << 20
                                 | 8 << 16 | rd << 12 | (next() % 4) << 7)
                default:
                    let imm = next() % 256
                    words.append(0xE140_00B0 | (next() % 2) << 23 | (next() % 2) << 20 | 8 << 16 | rd << 12
                                 | (imm >> 4) << 8 | imm & 15)
                }
            case 5:   // LDR/STR/LDRB/STRB rt, [r9], #4 or #1
                words.append([0xE499_0004, 0xE489_0004, 0xE4D9_0001, 0xE4C9_0001][Int(next() % 4)] | rd << 12)
            case 6:   // PUSH / POP of some of r0-r6
                words.append((next() % 2 == 0 ? 0xE92D_0000 : 0xE8BD_0000) | (next() % 127 + 1))
            case 8 where next() % 2 == 0:   // LDM/STM (IA, IB, DA, DB) of r0-r6 on r8, with or without writeback
                words.append(cond << 28 | 0x0800_0000 | (next() % 4) << 23 | (next() % 2) << 21 | (next() % 2) << 20
                             | 8 << 16 | (next() % 127 + 1))
            case 7:   // MUL, UXTB, UBFX, MOVW, MOVT, MLA, UXTH
                switch next() % 7 {
                case 5: words.append(0xE020_0090 | rd << 16 | rn << 12 | rs << 8 | rm)
                case 6: words.append(0xE6FF_0070 | rd << 12 | (next() % 4) << 10 | rm)
                case 0: words.append(0xE000_0090 | rd << 16 | rs << 8 | rm)
                case 1: words.append(0xE6EF_0070 | rd << 12 | (next() % 4) << 10 | rm)
                case 2:
                    let lsb = next() % 32
                    words.append(0xE7E0_0050 | (next() % (32 - lsb)) << 16 | rd << 12 | lsb << 7 | rm)
                case 3: words.append(0xE300_0000 | (next() % 16) << 16 | rd << 12 | next() % 4096)
                default: words.append(0xE340_0000 | (next() % 16) << 16 | rd << 12 | next() % 4096)
                }
            default:  // B<c> over one or two instructions
                if words.count < count - 4 { words.append(cond << 28 | 0x0A00_0000 | next() % 2) }
            }
        }
        if next() % 2 == 0 {
            words.append(0xE12F_FF1A)   // bx r10
        } else {
            words += [0xE52D_A004, 0xE8BD_8000]   // push {r10}; pop {pc}: LoadWritePC to T32
        }
        return words
    }

    private func randomT32(_ count: Int, _ next: () -> UInt32) -> [UInt16] {
        var hws: [UInt16] = []
        while hws.count < count - 1 {
            let rd = UInt16(next() % 7), rn = UInt16(next() % 7), rm = UInt16(next() % 8)
            let imm = UInt16(next() % 256)
            switch next() % 13 {
            case 0: hws.append(0x2000 | rd << 8 | imm)                          // movs rd, #imm
            case 1: hws.append(0x2800 | rd << 8 | imm)                          // cmp rd, #imm
            case 2: hws.append((next() % 2 == 0 ? 0x3000 : 0x3800) | rd << 8 | imm)   // adds/subs
            case 3: hws.append((next() % 2 == 0 ? 0x1800 : 0x1A00) | rm << 6 | rn << 3 | rd)
            case 4: hws.append(0x4000 | UInt16(next() % 16) << 6 | rm << 3 | rd)       // ANDS..MVNS, MULS
            case 5: hws.append(UInt16(next() % 3) << 11 | UInt16(next() % 32) << 6 | rm << 3 | rd)  // LSLS/LSRS/ASRS
            case 6:   // LDR/STR/LDRB/STRB rt, [r7, #imm5]
                let kinds: [UInt16] = [0x6800, 0x6000, 0x7800, 0x7000, 0x8800, 0x8000]   // ... LDRH, STRH
                hws.append(kinds[Int(next() % 6)] | UInt16(next() % 32) << 6 | 7 << 3 | rd)
            case 7:   // IT <c> and one data-processing instruction in it
                if hws.count < count - 3 {
                    hws.append(0xBF08 | UInt16(next() % 14) << 4)
                    hws.append(0x3000 | rd << 8 | imm)
                }
            case 8:   // B and B<c> over one instruction
                if hws.count < count - 3 {
                    hws.append(next() % 2 == 0 ? 0xE000 : 0xD000 | UInt16(next() % 14) << 8)
                    hws.append(0x4600 | rm << 3 | rd)   // the skipped one is 16 bits, not half of a 32-bit one
                }
            case 9:   // add.w rd, rn, #imm (32 bits)
                if hws.count < count - 3 { hws += [0xF100 | rn, rd << 8 | imm] }
            case 10:  // push / pop of some of r0-r6
                hws.append((next() % 2 == 0 ? 0xB400 : 0xBC00) | UInt16(next() % 127 + 1))
            case 11:  // CBZ / CBNZ over one instruction
                if hws.count < count - 3 {
                    hws.append((next() % 2 == 0 ? 0xB100 : 0xB900) | UInt16(next() % 8))
                    hws.append(0x4600 | rm << 3 | rd)   // the skipped one is 16 bits
                }
            default:
                hws.append(0x4600 | rm << 3 | rd)                                // mov rd, rm
            }
        }
        if next() % 2 == 0 {
            hws.append(0x4758)   // bx r11
        } else {
            hws += [0x46DE, 0xB500, 0xBD00]   // mov lr, r11; push {lr}; pop {pc}: LoadWritePC to A32
        }
        return hws
    }
}
