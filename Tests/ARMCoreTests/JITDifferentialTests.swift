import XCTest
@testable import ARMCore
import Bus

/// The block translator (JIT/) against the interpreter: random loops of everything the
/// translator handles, and of their neighbours that it leaves to the run loop, run long enough
/// for their blocks to be made and entered, once on a machine that translates and once
/// stepping on one that does not. Registers, flags, PC, the instruction count and memory must
/// agree, also when the budget runs out at arbitrary points (in the middle of a block).
final class JITDifferentialTests: XCTestCase {
    typealias F = FastFormDifferentialTests

    /// The generic forms the translator takes from their groups (not fast forms), with the
    /// same register conventions as `FastFormDifferentialTests.body`.
    static func genericBody(_ r: inout F.Rand, count: Int) -> [UInt32] {
        func dst() -> UInt32 { r.dst() }
        func src() -> UInt32 { r.src() }
        func base() -> UInt32 { r.base() }
        var words: [UInt32] = []
        while words.count < count {
            let sf: UInt32 = r.below(2) << 31
            let (rd, rn, rm) = (dst(), src(), src())
            switch r.below(19) {
            case 0:  // ADC, ADCS, SBC, SBCS
                words.append(0x1A00_0000 | sf | r.below(4) << 29 | rm << 16 | rn << 5 | rd)
            case 1:  // CCMN/CCMP (register and immediate), any condition and NZCV
                words.append(0x3A40_0000 | sf | r.below(2) << 30 | rm << 16 | r.below(16) << 12
                             | r.below(2) << 11 | rn << 5 | r.below(16))
            case 2:  // CSINV/CSNEG
                words.append(0x5A80_0000 | sf | rm << 16 | r.below(16) << 12 | r.below(2) << 10 | rn << 5 | rd)
            case 3:  // UDIV (Rm may be zero), LSLV, LSRV, ASRV, RORV
                words.append(0x1AC0_0000 | sf | rm << 16 | r.pick([0x0800, 0x2000, 0x2400, 0x2800, 0x2C00]) | rn << 5 | rd)
            case 4:  // REV (32 and 64)
                words.append(sf != 0 ? 0xDAC0_0C00 | rn << 5 | rd : 0x5AC0_0800 | rn << 5 | rd)
            case 5:  // MSUB; SMADDL, SMSUBL, UMADDL, UMSUBL; SMULH, UMULH
                switch r.below(4) {
                case 0: words.append(0x1B00_8000 | sf | rm << 16 | src() << 10 | rn << 5 | rd)
                case 1, 2: words.append(r.pick([0x9B20_0000, 0x9B20_8000, 0x9BA0_0000, 0x9BA0_8000]) | rm << 16 | src() << 10 | rn << 5 | rd)
                default: words.append(r.pick([0x9B40_7C00, 0x9BC0_7C00]) | rm << 16 | rn << 5 | rd)
                }
            case 6:  // MOVK
                words.append(0x7280_0000 | sf | r.below(sf != 0 ? 4 : 2) << 21 | r.below(65536) << 5 | 12 + r.below(16))
            case 7:  // BIC, ORN, EON, BICS (shifted register), ADDS/SUBS with ROR-free shifts
                words.append(0x0A20_0000 | sf | r.below(4) << 29 | r.below(4) << 22 | rm << 16
                             | r.below(sf != 0 ? 64 : 32) << 10 | rn << 5 | rd)
            case 8:  // ADDS/SUB/SUBS (extended register)
                words.append(0x0B20_0000 | sf | (1 + r.below(3)) << 29 | rm << 16 | r.below(8) << 13
                             | r.below(5) << 10 | rn << 5 | (r.below(2) == 0 ? 31 : rd))
            case 9:  // LDRSB/LDRSH to X or W, LDRSW (unsigned offset)
                let (size, opc) = [(0, 2), (0, 3), (1, 2), (1, 3), (2, 2)][Int(r.below(5))]
                words.append(0x3900_0000 | UInt32(size) << 30 | UInt32(opc) << 22 | r.below(32) << 10
                             | base() << 5 | 12 + r.below(16))
            case 10:  // LDR/STR pre- and post-index, small steps, B/H/W/X
                let size = r.below(4)
                let imm9 = (r.below(8) << UInt32(size)) & 0x1FF
                words.append(0x3800_0400 | size << 30 | r.below(2) << 22 | imm9 << 12 | r.below(2) << 11
                             | base() << 5 | 12 + r.below(16))
            case 11:  // LDR/STR (register): UXTW, SXTW, LSL, with or without scaling, all sizes
                let size = r.below(4)
                words.append(0x3820_0800 | size << 30 | r.below(2) << 22 | (8 + r.below(4)) << 16
                             | r.pick([2, 3, 6]) << 13 | r.below(2) << 12 | base() << 5 | 12 + r.below(16))
            case 12:  // LDP/STP W, and STP X post-index, LDP X pre-index
                let t1 = 12 + r.below(16)
                var t2 = 12 + r.below(16)
                if t2 == t1 { t2 = 12 + (t1 - 11) % 16 }
                let op = r.pick([0x2940_0000, 0x2900_0000, 0xA880_0000, 0xA9C0_0000, 0x6940_0000])
                words.append(op | r.below(4) << 15 | t2 << 10 | base() << 5 | t1)
            case 13:  // PRFM; ANDS (immediate)
                words.append(r.below(2) == 0 ? 0xF980_0000 | r.below(64) << 10 | base() << 5
                             : (sf != 0 ? 0xF240_0000 | r.below(64) << 16 | r.below(63) << 10
                                        : 0x7200_0000 | r.below(32) << 16 | r.below(31) << 10) | rn << 5 | rd)
            case 14:  // a misaligned load through a base moved by one byte, and back
                let b = base()
                words += [0x9100_0400 | b << 5 | b, 0xF940_0000 | b << 5 | 12 + r.below(16), 0xD100_0400 | b << 5 | b]
            case 15:  // BFM (BFI, BFXIL), SBFM at 32 bits
                words.append(r.below(2) == 0
                    ? (sf != 0 ? 0xB340_0000 | r.below(64) << 16 | r.below(64) << 10 : 0x3300_0000 | r.below(32) << 16 | r.below(32) << 10) | rn << 5 | rd
                    : 0x1300_0000 | r.below(32) << 16 | r.below(32) << 10 | rn << 5 | rd)
            case 16:  // CLZ (32 and 64; zero inputs come from the zero register)
                words.append((sf != 0 ? 0xDAC0_1000 : 0x5AC0_1000) | (r.below(4) == 0 ? 31 : rn) << 5 | rd)
            case 17:  // ADDS/SUBS/ANDS, then an instruction that keeps NZCV, then a B.cond (any
                      // condition) over one instruction: the flags are read back from the context
                words.append(r.pick([0x2B00_0000, 0x6B00_0000, 0x6A00_0000]) | sf | rm << 16 | rn << 5 | 31)
                words.append(0xAA00_03E0 | sf | src() << 16 | dst())
                words.append(0x5400_0040 | r.below(16))
                words.append(0x9100_0400 | dst() << 5 | dst())
            default:  // BL to the next instruction; RET-free, so X30 just changes
                words.append(0x9400_0001)
            }
        }
        return words
    }

    func testRandomLoopsMatchTheInterpreter() {
        var withBlocks = 0, translated: UInt64 = 0, all: UInt64 = 0
        for seed in 1...400 as ClosedRange<UInt64> {
            var r = F.Rand(s: seed &* 0x2545_F491)
            var program: [UInt32] = []
            for _ in 0..<3 {
                program += r.below(2) == 0 ? F.body(&r, count: 4) : Self.genericBody(&r, count: 4)
            }
            // 300 passes (blocks are made only with more than a page's worth of budget left,
            // so the first pieces are large): SUBS X28, X28, #1; B.NE to the top; then spin.
            program += [0xF100_079C, 0x5400_0001 | (UInt32(bitPattern: Int32(-program.count - 1)) & 0x7FFFF) << 5,
                        0x1400_0000]
            let total = 300 * program.count + 7
            let jit = F.machine(program, seed: seed, translate: true)
            jit.cpu.x[28] = 300
            // The budget in pieces of random sizes, so that it runs out inside blocks.
            var done = 0
            while done < total {
                let piece = done < total / 2 ? 2000 : 3 * program.count
                let n = min(total - done, 1 + Int(r.below(UInt64(piece))))
                _ = jit.cpu.run(budget: UInt64(n))
                done += n
            }
            let ref = F.machine(program, seed: seed)
            ref.cpu.x[28] = 300
            _ = ref.cpu.run(budget: UInt64(total))
            let a = F.snapshot(jit), b = F.snapshot(ref)
            if a != b {
                let k = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }!.offset
                XCTFail("seed \(seed): state word \(k) differs: jit \(String(a[k], radix: 16)), "
                        + "interpreter \(String(b[k], radix: 16)); program \(program.map { String($0, radix: 16) })")
            }
            // A program that faults early (a random load from an unmapped address) ends in the
            // exception vectors, where no block is made; most must run in blocks.
            let n = jit.cache.jit?.instructionsRun ?? 0
            if n > 0 { withBlocks += 1 }
            translated += n
            all += jit.cpu.instret
        }
        XCTAssertGreaterThan(withBlocks, 300, "programs that ran blocks")
        XCTAssertGreaterThan(translated * 3, all, "instructions run in blocks: \(translated) of \(all)")
    }

    /// The forms the translator shortens (LSR/LSL/UBFIZ/UXTW as shifts and masks, SXTB/H/W as
    /// MOVSX, SBFIZ, MUL without the add, AND with a 32-bit mask, scaled register offsets, ORR
    /// and EOR with a 32-bit immediate) on
    /// values with the top bits set, as the kernel's multi-precision loops use them.
    func testShortenedFormsMatchTheInterpreter() {
        let body: [UInt32] = [
            0xD344_FDAC,   // LSR X12, X13, #4
            0xD374_CDAE,   // LSL X14, X13, #12
            0x93407DAF,    // SXTW X15, W13
            0x93401DB0,    // SXTB X16, W13
            0x93403DB1,    // SXTH X17, W13
            0xD37D21B2,    // UBFIZ X18, X13, #3, #9
            0x937D21B3,    // SBFIZ X19, X13, #3, #9
            0x92407DB4,    // AND X20, X13, #0xffffffff
            0x9B167DB5,    // MUL X21, X13, X22
            0x53047DB7,    // LSR W23, W13, #4
            0x531C6DB8,    // LSL W24, W13, #4
            0xF8697819,    // LDR X25, [X0, X9, LSL #3]
            0xB869_781A,   // LDR W26, [X0, X9, LSL #2]
            0x3201_01BB,   // ORR W27, W13, #0x80000000
            0x5200_01AB,   // EOR W11, W13, #1
            0x9100_05AD,   // ADD X13, X13, #1
            0xCA0D_56D6,   // EOR X22, X22, X13, LSL #21
        ]
        let program = body + [0xF100_079C, 0x5400_0001 | (UInt32(bitPattern: Int32(-body.count - 1)) & 0x7FFFF) << 5,
                              0x1400_0000]
        let total = 300 * program.count + 7
        for seed in 1...8 as ClosedRange<UInt64> {
            let jit = F.machine(program, seed: seed, translate: true), ref = F.machine(program, seed: seed)
            for m in [jit, ref] {
                m.cpu.x[28] = 300
                m.cpu.x[13] = 0x8000_0000_0000_0000 | (seed &* 0x9E37_79B9_7F4A_7C15) | 0x8080_8080
                m.cpu.x[22] = seed &* 0xC2B2_AE3D_27D4_EB4F
            }
            _ = jit.cpu.run(budget: UInt64(total))
            _ = ref.cpu.run(budget: UInt64(total))
            XCTAssertGreaterThan(jit.cache.jit?.instructionsRun ?? 0, UInt64(total / 2), "seed \(seed): ran in blocks")
            XCTAssertEqual(F.snapshot(jit), F.snapshot(ref), "seed \(seed)")
        }
    }

    /// A store over a block's code: the block is dropped and the new instruction runs.
    func testAStoreOverABlockRunsTheNewCode() {
        let m = CoreTestMachine(translate: true)
        let code = F.code
        // X1 = code address; loop 500 times: ADD X0, X0, #1; SUBS X2, X2, #1; B.NE loop; then
        // STR W3, [X1] (writes ADD X0, X0, #10 over the first ADD); X2 = 500; B loop again.
        let words: [UInt32] = [
            0x9100_0400,             // 0: ADD X0, X0, #1
            0xF100_0442,             // 4: SUBS X2, X2, #1
            0x54FF_FFC1,             // 8: B.NE 0
            0xB900_0023,             // c: STR W3, [X1]
            0xD280_3E82,             // 10: MOVZ X2, #500
            0x17FF_FFFB,             // 14: B 0
        ]
        m.program(words, at: code)
        m.cpu.boot(entry: code, el: 1)
        m.cpu.x[1] = code
        m.cpu.x[2] = 500
        m.cpu.x[3] = 0x9100_2800   // ADD X0, X0, #10
        _ = m.cpu.run(budget: 500 * 3 + 3 + 500 * 3 - 1)
        XCTAssertEqual(m.cpu.x[0], 500 + 10 * 500)
        XCTAssertGreaterThan(m.cache.jit?.blocksTranslated ?? 0, 0)
    }
}
