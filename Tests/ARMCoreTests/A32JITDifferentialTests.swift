import XCTest
@testable import ARMCore
import Bus

/// The A32 block translator (JIT/A32BlockTranslator.swift) against the interpreter: random A32
/// loops of what it translates and of neighbours it leaves to the loop, run long enough for
/// blocks to be made and chained, once translating with the budget cut in random pieces (so
/// that it runs out inside blocks) and once interpreted in one piece. Registers, flags, PC,
/// the instruction count and memory must agree; and code written under a block runs as
/// written.
final class A32JITDifferentialTests: XCTestCase {
    static let code = UInt32(CoreTestMachine.ramBase) + 0x1000
    static let data = UInt32(CoreTestMachine.ramBase) + 0x4_0000

    struct Rand {
        var s: UInt64
        mutating func next() -> UInt32 {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: s >> 29)
        }
        mutating func below(_ n: UInt32) -> UInt32 { next() % n }
    }

    /// One random instruction (or a few), destinations r0-r6; r8 is a load/store base, r9 a
    /// post-indexed one, r12 an offset, r13 a stack.
    static func instruction(_ r: inout Rand, room: Int) -> [UInt32] {
        let rd = r.below(7), rn = r.below(7), rm = r.below(7), rs = r.below(7)
        let cond: UInt32 = r.below(3) == 0 ? r.below(15) : 14
        let op = r.below(16)
        let s: UInt32 = (8...11).contains(op) ? 1 : r.below(2)
        let rnField = op == 13 || op == 15 ? 0 : rn
        switch r.below(15) {
        case 0, 1:   // data processing, rotated immediate
            return [cond << 28 | 0x0200_0000 | op << 21 | s << 20 | rnField << 16 | rd << 12 | r.below(4096)]
        case 2, 3:   // data processing, register shifted by an immediate (any type, #0 included)
            return [cond << 28 | op << 21 | s << 20 | rnField << 16 | rd << 12 | r.below(128) << 5 | rm]
        case 4:      // data processing, register-shifted register (any type; logical S forms
                     // are left to the loop)
            return [cond << 28 | 0x10 | op << 21 | s << 20 | rnField << 16 | rd << 12 | rs << 8 | r.below(4) << 5 | rm]
        case 5:      // LDR/STR/LDRB/STRB/LDRH/STRH/LDRSB/LDRSH on r8, immediate or register offset,
                     // offset, pre- and post-indexed (r8 moves by a little)
            let pw = [(1, 0), (1, 1), (0, 0)][Int(r.below(3))]
            let u = r.below(2), l = r.below(2)
            switch r.below(3) {
            case 0:
                return [cond << 28 | 0x0400_0000 | UInt32(pw.0) << 24 | u << 23 | r.below(2) << 22 | UInt32(pw.1) << 21
                        | l << 20 | 8 << 16 | rd << 12 | (pw == (1, 0) ? r.below(4096) : r.below(16))]
            case 1:
                return [cond << 28 | 0x0600_000C | UInt32(pw.0) << 24 | u << 23 | r.below(2) << 22 | UInt32(pw.1) << 21
                        | l << 20 | 8 << 16 | rd << 12 | (pw == (1, 0) ? r.below(4) : 0) << 7]
            default:
                let sh: UInt32 = l == 0 ? 1 : 1 + r.below(3)   // STRH; LDRH, LDRSB, LDRSH
                let imm = pw == (1, 0) ? r.below(256) : r.below(8)
                return [cond << 28 | 0x0040_0090 | UInt32(pw.0) << 24 | u << 23 | UInt32(pw.1) << 21 | l << 20
                        | 8 << 16 | rd << 12 | (imm >> 4) << 8 | sh << 5 | imm & 15]
            }
        case 6:      // LDR/STR/LDRB/STRB rt, [r9], #4 or #1; a literal load
            if r.below(4) == 0 { return [0xE59F_0000 | rd << 12 | r.below(64) * 4] }
            return [[0xE499_0004, 0xE489_0004, 0xE4D9_0001, 0xE4C9_0001][Int(r.below(4))] | rd << 12]
        case 7:      // PUSH then POP of the same registers, or LDM/STM (any mode) of r0-r6 on r8
            if r.below(2) == 0 {
                let list = r.below(127) + 1
                return [0xE92D_0000 | list, 0xE8BD_0000 | list]
            }
            return [cond << 28 | 0x0800_0000 | r.below(4) << 23 | r.below(2) << 20 | 8 << 16 | (r.below(127) + 1)]
        case 8:      // multiplies: MUL(S), MLA, MLS, UMULL, SMULL, UMLAL, SMLAL (RdLo != RdHi)
            let hi = rd, lo = (rd + 1 + r.below(6)) % 7
            switch r.below(6) {
            case 0: return [cond << 28 | s << 20 | rd << 16 | rs << 8 | 0x90 | rm]
            case 1: return [cond << 28 | 0x0020_0090 | rd << 16 | rn << 12 | rs << 8 | rm]
            case 2: return [cond << 28 | 0x0060_0090 | rd << 16 | rn << 12 | rs << 8 | rm]
            default:
                return [cond << 28 | 0x0080_0090 | r.below(4) << 21 | hi << 16 | lo << 12 | rs << 8 | rm]
            }
        case 9:      // MOVW, MOVT, UXTB, UXTH, CLZ, REV, UBFX/SBFX, UDIV/SDIV, NOP, DMB, UXTAB (left to the loop)
            switch r.below(12) {
            case 0: return [0xE300_0000 | r.below(16) << 16 | rd << 12 | r.below(4096)]
            case 1: return [0xE340_0000 | r.below(16) << 16 | rd << 12 | r.below(4096)]
            case 2: return [0xE6EF_0070 | rd << 12 | r.below(4) << 10 | rm]
            case 3: return [0xE6FF_0070 | rd << 12 | r.below(4) << 10 | rm]
            case 4: return [cond << 28 | 0x016F_0F10 | rd << 12 | rm]
            case 5: return [cond << 28 | 0x06BF_0F30 | rd << 12 | rm]
            case 6:
                let lsb = r.below(32), width = 1 + r.below(32 - lsb)
                return [cond << 28 | (r.below(2) == 0 ? 0x07E0_0050 : 0x07A0_0050) | (width - 1) << 16 | rd << 12 | lsb << 7 | rn]
            case 7, 8:   // Rm may be zero (r0-r6 hold anything, often small after a few ops)
                return [cond << 28 | (r.below(2) == 0 ? 0x0730_F010 : 0x0710_F010) | rd << 16 | rm << 8 | rn]
            case 9: return [cond << 28 | 0x0320_F000]
            case 10: return [0xF57F_F05F]
            default: return [0xE6E3_0070 | rd << 12 | rm]
            }
        case 10:     // B<c> over one or two instructions; BL to the next one
            guard room > 3 else { return [] }
            return r.below(2) == 0 ? [cond << 28 | 0x0A00_0000 | r.below(2)] : [cond << 28 | 0x0BFF_FFFF]
        case 11:     // BLX/BX through r10 (past the next instruction, set by ADR), or a
                     // push of it and LDR PC, [SP], #4
            guard room > 3 else { return [] }
            if r.below(2) == 0 { return [0xE28F_A004, 0xE52D_A004, 0xE49D_F004] }
            return [0xE28F_A004, r.below(2) == 0 ? 0xE12F_FF1A : 0xE12F_FF3A, 0xE1A0_0000]
        case 13, 14: // a flag-setter (any S data processing, MULS), then readers of its flags
                     // right after: ADC/SBC/RSC (S or not), conditional MOVs, adds, loads and
                     // stores, a conditional compare, often all of one condition (the
                     // generated code keeps the host flags live there, and tests a run once)
            let setter: UInt32
            if r.below(8) == 0 {
                setter = 0xE010_0090 | rd << 16 | rs << 8 | rm
            } else {
                let sop = r.below(16)
                let sn = sop == 13 || sop == 15 ? 0 : rn
                setter = r.below(2) == 0
                    ? 0xE200_0000 | sop << 21 | 1 << 20 | sn << 16 | rd << 12 | r.below(4096)
                    : 0xE000_0000 | sop << 21 | 1 << 20 | sn << 16 | rd << 12 | r.below(128) << 5 | rm
            }
            var words = [setter]
            let c0 = r.below(14), same = r.below(2) == 0   // a run of one condition, or any
            for _ in 0...r.below(4) {
                let c = same ? c0 : r.below(14), rd2 = r.below(7), rn2 = r.below(7), rm2 = r.below(7)
                switch r.below(7) {
                case 6:      // STR<c>/LDR<c> rd, [r8, #imm]
                    words.append(c << 28 | 0x0580_0000 | r.below(2) << 20 | 8 << 16 | rd2 << 12 | 4 * r.below(64))
                case 0, 1:   // ADC, SBC, RSC, S or not, register (maybe shifted) or immediate
                    let aop = 5 + r.below(3), s2 = r.below(2)
                    words.append(r.below(2) == 0
                        ? 0xE200_0000 | aop << 21 | s2 << 20 | rn2 << 16 | rd2 << 12 | r.below(4096)
                        : 0xE000_0000 | aop << 21 | s2 << 20 | rn2 << 16 | rd2 << 12 | r.below(4) << 7 | r.below(4) << 5 | rm2)
                case 2:      // MOV<c> rd, #imm
                    words.append(c << 28 | 0x03A0_0000 | rd2 << 12 | r.below(4096))
                case 3:      // MOV<c> rd, rm
                    words.append(c << 28 | 0x01A0_0000 | rd2 << 12 | rm2)
                case 4:      // ADD<c> rd, rn, rm
                    words.append(c << 28 | 0x0080_0000 | rn2 << 16 | rd2 << 12 | rm2)
                default:     // CMP<c> rn, rm or TST<c> rn, #imm
                    words.append(r.below(2) == 0 ? c << 28 | 0x0150_0000 | rn2 << 16 | rm2
                                                 : c << 28 | 0x0310_0000 | rn2 << 16 | r.below(4096))
                }
            }
            return words
        default:     // LDRD/STRD of r0-r1, r2-r3 or r4-r5 around the stack, offset or writeback
            let rt = 2 * r.below(3)
            let (p, w): (UInt32, UInt32) = [(1, 0), (1, 1), (0, 0)][Int(r.below(3))]
            let imm = 8 * r.below(4)
            return [cond << 28 | p << 24 | r.below(2) << 23 | 0x0040_0000 | w << 21 | 13 << 16 | rt << 12
                    | (imm >> 4) << 8 | (r.below(2) == 0 ? 0xD0 : 0xF0) | imm & 15]
        }
    }

    /// A loop of `count` random instructions, 300 passes: SUBS r11, r11, #1; BNE top; B .
    static func program(_ r: inout Rand, count: Int) -> [UInt32] {
        var words: [UInt32] = []
        while words.count < count { words += instruction(&r, room: count - words.count) }
        words.append(0xE25B_B001)
        words.append(0x1A00_0000 | (UInt32(bitPattern: Int32(-words.count - 2)) & 0xFF_FFFF))
        words.append(0xEAFF_FFFE)
        return words
    }

    static func machine(_ words: [UInt32], _ r: inout Rand, translate: Bool) -> CoreTestMachine {
        let m = CoreTestMachine(el: 1, translate: translate)
        m.program(words, at: UInt64(code))
        for k in 0..<1024 { _ = m.bus.write(UInt64(data) + UInt64(4 * k), size: 4, value: UInt64(r.next())) }
        m.cpu.bootAArch32(entry: code, mode: .svc)
        for n in 0..<7 { m.cpu.setR(UInt32(n), r.next() &* 0x9E37_79B9) }
        m.cpu.setR(8, data + 0x800)
        m.cpu.setR(9, data + 0x2000)
        m.cpu.setR(11, 300)
        m.cpu.setR(12, 0x14)
        m.cpu.setR(13, data + 0x1_0000)
        m.cpu.nzcv = r.next() << 28
        return m
    }

    static func state(_ m: CoreTestMachine) -> [UInt64] {
        (0..<15).map { UInt64(m.cpu.r(UInt32($0))) }
            + [UInt64(m.cpu.nzcv), m.cpu.pc, m.cpu.instret, m.cpu.thumb ? 1 : 0]
            + (0..<0x3000).map { k in m.bus.read(UInt64(data) + UInt64(4 * k), size: 4) ?? 0 }
    }

    func testRandomA32LoopsMatchTheInterpreter() {
        var translated: UInt64 = 0, all: UInt64 = 0, blocks = 0
        for seed in 1...250 as ClosedRange<UInt64> {
            var r = Rand(s: seed &* 0x2545_F491)
            let words = Self.program(&r, count: 6 + Int(r.below(30)))
            // Turns enough that most run in blocks (made after `JIT.threshold32` arrivals).
            let total = 500 * (words.count - 1) + 50
            var rj = r, ri = r
            // The budget in pieces of random sizes, so that it runs out inside blocks; the
            // interpreter gets the same pieces (a run stops early at some exceptions).
            var pieces: [Int] = []
            var done = 0
            while done < total {
                let piece = done < total / 2 ? 3000 : 2 * words.count
                let n = min(total - done, 1 + Int(r.below(UInt32(piece))))
                pieces.append(n)
                done += n
            }
            let jit = Self.machine(words, &rj, translate: true)
            let ref = Self.machine(words, &ri, translate: false)
            for n in pieces {
                let a = jit.cpu.run(budget: UInt64(n)), b = ref.cpu.run(budget: UInt64(n))
                XCTAssertEqual("\(a)", "\(b)", "seed \(seed): how a run stopped")
            }
            let a = Self.state(jit), b = Self.state(ref)
            if a != b {
                let k = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                XCTFail("seed \(seed): state word \(k) differs: jit \(String(a[k], radix: 16)), interpreter "
                        + "\(String(b[k], radix: 16)); program \(words.map { String($0, radix: 16) })")
                return
            }
            let blocksHere = jit.cache.jit?.a32.blocksTranslated ?? 0
            blocks += blocksHere
            translated += jit.cache.jit?.a32.instructionsRun ?? 0
            all += jit.cpu.instret
        }
        XCTAssertGreaterThan(blocks, 250, "blocks made")
        XCTAssertGreaterThan(translated * 2, all, "instructions run in blocks: \(translated) of \(all)")
    }

    /// A store over a word in the middle of a block, between its runs: the block notices at its
    /// next entry and the new instruction runs; and a store from a block into its own next
    /// word runs the new word at once, as the interpreter does.
    func testCodeWrittenUnderABlockRunsAsWritten() {
        let words: [UInt32] = [
            0xE281_1001,    // 0: add r1, r1, #1
            0xE285_5001,    // 4: add r5, r5, #1      (rewritten to add r5, r5, #16)
            0xE252_2001,    // 8: subs r2, r2, #1
            0x1AFF_FFFB,    // c: bne 0
            0xE584_3000,    // 10: str r3, [r4]     (r4 = 4)
            0xE3A0_2F7D,    // 14: mov r2, #500
            0xE586_7000,    // 18: str r7, [r6]     (r6 = 0x1c: the next word, mov r0, #7 over mov r0, #1)
            0xE3A0_0001,    // 1c: mov r0, #1
            0xE281_8001,    // 20: add r8, r8, #1
            0xE252_2001,    // 24: subs r2, r2, #1
            0x1AFF_FFF5,    // 28: bne 0
            0xEAFF_FFFE,    // 2c: b .
        ]
        func run(translate: Bool) -> [UInt64] {
            let m = CoreTestMachine(el: 1, translate: translate)
            m.program(words, at: UInt64(Self.code))
            m.cpu.bootAArch32(entry: Self.code, mode: .svc)
            m.cpu.setR(2, 500)
            m.cpu.setR(3, 0xE285_5010)
            m.cpu.setR(4, Self.code + 4)
            m.cpu.setR(6, Self.code + 0x1C)
            m.cpu.setR(7, 0xE3A0_0007)
            _ = m.cpu.run(budget: 4 * 500 + 7 + 4 * 499)
            if translate { XCTAssertGreaterThan(m.cache.jit?.a32.blocksTranslated ?? 0, 0) }
            return Self.state(m)
        }
        let t = run(translate: true), i = run(translate: false)
        XCTAssertEqual(t, i)
        XCTAssertEqual(t[5], 500 + 16 * 499, "r5")
        XCTAssertEqual(t[0], 7, "r0")
    }

    /// MRC of the thread ID registers and MCR cache maintenance and barriers run inside
    /// blocks, as the interpreter runs them; once HSTR_EL2.T13 is set, the next MRC of CRn 13
    /// traps to Hyp mode at the same instruction with the same syndrome.
    func testCP15FormsInBlocksMatchTheInterpreter() {
        let words: [UInt32] = [
            0xEE1D_0F70,    // 0: mrc p15, 0, r0, c13, c0, 3   (TPIDRURO)
            0xEE1D_1F90,    // 4: mrc p15, 0, r1, c13, c0, 4   (TPIDRPRW)
            0xEE1D_3F50,    // 8: mrc p15, 0, r3, c13, c0, 2   (TPIDRURW)
            0xE084_4000,    // c: add r4, r4, r0
            0xE084_4001,    // 10: add r4, r4, r1
            0xEE07_5F3E,    // 14: mcr p15, 0, r5, c7, c14, 1  (DCCIMVAC)
            0xEE07_5F3B,    // 18: mcr p15, 0, r5, c7, c11, 1  (DCCMVAU)
            0xEE07_0FBA,    // 1c: mcr p15, 0, r0, c7, c10, 5  (CP15DMB)
            0xF57F_F06F,    // 20: isb
            0xE252_2001,    // 24: subs r2, r2, #1
            0x1AFF_FFF4,    // 28: bne 0
            0xEAFF_FFFE,    // 2c: b .
        ]
        func machine(translate: Bool) -> CoreTestMachine {
            let m = CoreTestMachine(el: 1, translate: translate)
            m.program(words, at: UInt64(Self.code))
            m.cpu.bootAArch32(entry: Self.code, mode: .svc)
            m.cpu.sysregs[SysReg.TPIDRRO_EL0] = 0x1111
            m.cpu.sysregs[SysReg.TPIDR_EL1] = 0x2_0000
            m.cpu.sysregs[SysReg.TPIDR_EL0] = 0x33
            m.cpu.sysregs[SysReg.VBAR_EL2] = UInt64(Self.data)
            m.cpu.setR(2, 1000)
            m.cpu.setR(5, Self.data)
            return m
        }
        let jit = machine(translate: true), ref = machine(translate: false)
        for m in [jit, ref] {
            XCTAssertEqual(m.cpu.run(budget: 8000), .budget)
            m.cpu.writeSysReg(.HSTR_EL2, 1 << 13)
            _ = m.cpu.run(budget: 20)
        }
        XCTAssertEqual(Self.state(jit), Self.state(ref))
        XCTAssertEqual(jit.cpu.el, 2, "the trapped MRC")
        XCTAssertEqual(jit.cpu.sysregs[SysReg.ESR_EL2], ref.cpu.sysregs[SysReg.ESR_EL2])
        XCTAssertEqual(jit.cpu.sysregs[SysReg.ELR_EL2], ref.cpu.sysregs[SysReg.ELR_EL2])
        let run = jit.cache.jit?.a32.instructionsRun ?? 0
        XCTAssertGreaterThan(run, 4500, "instructions run in blocks: \(run)")
    }

    /// A32 code 256 KiB apart has slots of its own (the slot table is indexed by the PC's
    /// bits 19:2): two loops called in turn keep their blocks, where they once took each
    /// other's slots and were translated again at every turn.
    func testCodeFarApartKeepsItsBlocks() {
        let near: [UInt32] = [
            0xE3A0_2032,    // 0: mov r2, #50
            0xE281_1001,    // 4: add r1, r1, #1
            0xE252_2001,    // 8: subs r2, r2, #1
            0x1AFF_FFFC,    // c: bne 4
            0xEB00_FFFA,    // 10: bl far (+0x40000)
            0xEAFF_FFF9,    // 14: b 0
        ]
        let far: [UInt32] = [
            0xE3A0_4032,    // 0: mov r4, #50
            0xE283_3001,    // 4: add r3, r3, #1
            0xE254_4001,    // 8: subs r4, r4, #1
            0x1AFF_FFFC,    // c: bne 4
            0xE12F_FF1E,    // 10: bx lr
        ]
        func run(translate: Bool) -> CoreTestMachine {
            let m = CoreTestMachine(el: 1, translate: translate)
            m.program(near, at: UInt64(Self.code))
            m.program(far, at: UInt64(Self.code) + 0x4_0000)
            m.cpu.bootAArch32(entry: Self.code, mode: .svc)
            XCTAssertEqual(m.cpu.run(budget: 30_000), .budget)
            return m
        }
        let t = run(translate: true), i = run(translate: false)
        XCTAssertEqual(Self.state(t), Self.state(i))
        XCTAssertGreaterThan(t.cpu.r(3), 4000, "the far loop ran")
        let made = t.cache.jit?.a32.blocksTranslated ?? 0
        XCTAssertLessThan(made, 12, "blocks made for two loops run 100 times each: \(made)")
    }

    /// A jump of a block to an instruction of its page that had no block yet is given to the
    /// block made there later (same RAM, same register bank), taken back when that block goes
    /// stale, and given to the block made after it.
    func testOpenChainsAreGivenAndTakenBack() {
        let blocks = A32Blocks()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        let ram = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { ram.deallocate() }
        let svc = BankedRegisters.row(.svc), irq = BankedRegisters.row(.irq)
        func rel32(_ site: Int) -> Int { Int(buffer.load(fromByteOffset: site, as: Int32.self)) + site + 4 }
        // Two jumps (rel32 at 100 and 200) wait for the instruction at ram + 0x40, one of an
        // IRQ-mode block.
        blocks.awaitBlock(at: ram + 0x40, site: 100, bank: svc)
        blocks.awaitBlock(at: ram + 0x40, site: 200, bank: irq)
        blocks.blockMade(at: ram + 0x80, bank: svc, offset: 1024, base: buffer)   // elsewhere: nothing
        blocks.blockMade(at: ram + 0x40, bank: svc, offset: 2048, base: buffer)
        XCTAssertEqual(rel32(100), 2048 + A32BlockTranslator.bodyOffset, "given to the SVC block")
        blocks.wentStale(at: 2048, base: buffer)
        XCTAssertEqual(rel32(100), A32BlockTranslator.samePageOffset, "back to the dispatch")
        blocks.blockMade(at: ram + 0x40, bank: irq, offset: 3072, base: buffer)
        XCTAssertEqual(rel32(200), 3072 + A32BlockTranslator.bodyOffset, "the IRQ jump to the IRQ block")
        XCTAssertEqual(rel32(100), A32BlockTranslator.samePageOffset, "not the SVC jump")
        blocks.blockMade(at: ram + 0x40, bank: svc, offset: 1536, base: buffer)
        XCTAssertEqual(rel32(100), 1536 + A32BlockTranslator.bodyOffset, "given to the next SVC block")
    }
}
