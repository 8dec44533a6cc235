import XCTest
@testable import ARMCore
import Bus

/// The AArch32 loop's fast forms (Interpreter/AArch32FastForms.swift): the hot kernel shapes get
/// one, the PC-writing and IT-dependent ones do not, and each fast form leaves the same
/// registers, flags, PC and memory as the family executor (`executeA32`, which ignores the
/// fast form) on random operands.
final class AArch32FastFormTests: XCTestCase {
    func testHotKernelEncodingsHaveFastForms() {
        let cases: [(UInt32, A32FastForm, String)] = [
            (0xE3A0_0005, .movImm, "mov r0, #5"),
            (0xE3E0_4000, .mvnImm, "mvn r4, #0"),
            (0xE280_1003, .addImm, "add r1, r0, #3"),
            (0xE24D_D008, .subImm, "sub sp, sp, #8"),
            (0xE1A0_0001, .movReg, "mov r0, r1"),
            (0xE081_2002, .addReg, "add r2, r1, r2"),
            (0xE041_2002, .subReg, "sub r2, r1, r2"),
            (0xE350_0000, .cmpImm, "cmp r0, #0"),
            (0xE150_0001, .cmpReg, "cmp r0, r1"),
            (0xE251_2008, .dataProcessing, "subs r2, r1, #8"),
            (0xE1A0_2103, .dataProcessing, "lsl r2, r3, #2"),
            (0xE001_2312, .dataProcessing, "and r2, r1, r2, lsl r3"),
            (0xE590_1004, .ldrImm, "ldr r1, [r0, #4]"),
            (0xE580_1004, .strImm, "str r1, [r0, #4]"),
            (0xE5D0_1004, .ldrbImm, "ldrb r1, [r0, #4]"),
            (0xE540_1001, .strbImm, "strb r1, [r0, #-1]"),
            (0xE59F_D018, .loadStore, "ldr sp, [pc, #24]"),
            (0xE4D0_1001, .loadStore, "ldrb r1, [r0], #1"),
            (0xE792_3103, .loadStore, "ldr r3, [r2, r3, lsl #2]"),
            (0xE92D_4010, .blockTransfer, "push {r4, lr}"),
            (0xEAFF_FFFE, .b, "b ."),
            (0x1A00_0003, .b, "bne +20"),
            (0xEB00_0001, .bl, "bl +12"),
            (0xE1A0_F00E, .none, "mov pc, lr"),
            (0xE12F_FF1E, .none, "bx lr"),
            (0xE08F_0001, .none, "add r0, pc, r1"),
            (0xE8BD_8010, .blockTransfer, "pop {r4, pc}"),
            (0xE8FD_8000, .none, "ldm sp!, {pc}^"),
            (0xE4B0_1004, .none, "ldrt r1, [r0], #4"),
            (0xE591_F000, .none, "ldr pc, [r1]"),
        ]
        for (word, form, asm) in cases {
            XCTAssertEqual(AArch32FastForms.classify(A32Decoder.decode(word), .a32), form, asm)
        }
        // T32: 16-bit data processing sets the flags only outside an IT block, and B is
        // relative to a different PC: both stay with the executors.
        XCTAssertEqual(AArch32FastForms.classify(T32Decoder.decode16(0x1C48), .t32Narrow), .none, "adds r0, r1, #1")
        XCTAssertEqual(AArch32FastForms.classify(T32Decoder.decode16(0xE7FE), .t32Narrow), .none, "b .")
        XCTAssertEqual(AArch32FastForms.classify(T32Decoder.decode16(0x6848), .t32Narrow), .ldrImm, "ldr r0, [r1, #4]")
    }

    /// Random data-processing, load/store and branch encodings with a fast form, each run from the
    /// same random state once through the loop (`step`, which takes the fast form) and once
    /// through `executeA32`: everything a guest can see must agree.
    func testFastFormsMatchTheFamilyExecutors() {
        var seed: UInt64 = 0x5EED_A32F
        func next() -> UInt32 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: seed >> 29)
        }
        let code = UInt32(CoreTestMachine.ramBase) + 0x1000
        let data = UInt32(CoreTestMachine.ramBase) + 0x4_0000
        let m = CoreTestMachine(el: 2)
        guard let window = m.bus.ramPointer(UInt64(data), size: 4096) else { return XCTFail("no RAM at the data window") }
        var covered = Set<A32FastForm>()
        for _ in 0..<1200 {
            let rd = next() % 13, rn = next() % 13, rm = next() % 13, rs = next() % 13
            // Half the data-processing draws are MOV, ADD, SUB or CMP, which have their own forms.
            let dp = next() % 2 == 0 ? [13, 4, 2, 10][Int(next() % 4)] : next() % 16
            let word: UInt32
            var baseReg: UInt32? = nil
            switch next() % 6 {
            case 0, 1:  // data processing, immediate
                word = 0xE200_0000 | dp << 21 | (next() % 2) << 20 | rn << 16 | rd << 12 | next() % 4096
            case 2:     // data processing, register shifted by an immediate (LSL #0 half the time)
                let shift = next() % 2 == 0 ? 0 : (next() % 128) << 5
                word = 0xE000_0000 | dp << 21 | (next() % 2) << 20 | rn << 16 | rd << 12 | shift | rm
            case 3:     // data processing, register shifted by a register
                word = 0xE000_0010 | dp << 21 | (next() % 2) << 20 | rn << 16 | rd << 12
                    | rs << 8 | (next() % 4) << 5 | rm
            case 4:     // LDR/STR/LDRB/STRB, immediate offset, pre-indexed
                word = 0xE500_0000 | (next() % 2) << 23 | (next() % 2) << 22 | (next() % 2) << 20
                    | rn << 16 | rd << 12 | next() % 2048
                baseReg = rn
            default:    // B, BL, with a condition
                word = (next() % 15) << 28 | 0x0A00_0000 | (next() % 2) << 24 | next() % 0x100
            }
            let inst = A32Decoder.decode(word)
            let form = AArch32FastForms.classify(inst, .a32)
            if form == .none { continue }
            covered.insert(form)
            var regs = (0..<15).map { _ in next() &* 0x9E37_79B9 }
            if let b = baseReg { regs[Int(b)] = data + 0x800 }
            let nzcv = next() << 28
            let memory = (0..<1024).map { _ in next() }

            func run(fast: Bool) -> [UInt64] {
                m.cpu.bootAArch32(entry: code, mode: .svc)
                for n in 0..<15 { m.cpu.setR(UInt32(n), regs[n]) }
                m.cpu.nzcv = nzcv
                memory.withUnsafeBytes { window.copyMemory(from: $0.baseAddress!, byteCount: 4096) }
                _ = m.bus.write(UInt64(code), size: 4, value: UInt64(word))
                if fast {
                    m.cpu.step()
                } else {
                    let tlb = m.cpu.decodeCache.hostTLB(cpu: m.cpu.index)
                    m.cpu.refreshHostTLB(tlb, changed: true)
                    m.cpu.nextPC = UInt64(code) + 4
                    if m.cpu.conditionHolds(inst.cond) {
                        do { try m.cpu.executeA32(inst, tlb) } catch { XCTFail("executeA32 threw on \(String(word, radix: 16))") }
                    }
                    m.cpu.pc = m.cpu.nextPC
                }
                return (0..<15).map { UInt64(m.cpu.r(UInt32($0))) } + [UInt64(m.cpu.nzcv), m.cpu.pc]
                    + (0..<1024).map { UInt64(window.load(fromByteOffset: $0 * 4, as: UInt32.self)) }
            }
            let fast = run(fast: true), full = run(fast: false)
            XCTAssertEqual(fast, full, "\(String(word, radix: 16)) (\(form))")
            if fast != full { return }
        }
        XCTAssertEqual(covered.count, 16, "every fast form but blockTransfer and loadStore was drawn: \(covered)")
    }
}
