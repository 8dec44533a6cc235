import XCTest
@testable import ARMCore
import Bus

/// The run loop's fast forms (FastForms.swift) against the full path: random loops made of the
/// encodings that have a fast form (and their neighbours that do not), run once with
/// `run(budget:)` and once with as many `step()`s, must leave the same registers, flags and
/// memory. A slot reaches its fast handler from its second execution on, so every program is
/// a loop that runs its body several times.
final class FastFormDifferentialTests: XCTestCase {
    static let code: UInt64 = CoreTestMachine.ramBase + 0x1000
    static let data: UInt64 = CoreTestMachine.ramBase + 0x4_0000

    struct Rand {
        var s: UInt64
        mutating func next() -> UInt64 {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return s ^ (s >> 29)
        }
        mutating func below(_ n: UInt64) -> UInt32 { UInt32(next() % n) }
        mutating func pick(_ xs: [UInt32]) -> UInt32 { xs[Int(next() % UInt64(xs.count))] }
        /// The register conventions of the bodies below: a destination (X12-X27, sometimes
        /// the zero register), a source, a data-address base (X0-X7).
        mutating func dst() -> UInt32 { below(8) == 0 ? 31 : 12 + below(16) }
        mutating func src() -> UInt32 { below(28) }
        mutating func base() -> UInt32 { below(8) }
    }

    // X0-X7 hold data addresses (load and store bases), X8-X11 small indexes, X28 the loop
    // count; results go to X12-X27 or to the zero register. Bodies are short so that most
    // results survive to the comparison.
    static func body(_ r: inout Rand, count: Int) -> [UInt32] {
        func dst() -> UInt32 { r.dst() }
        func src() -> UInt32 { r.src() }
        func base() -> UInt32 { r.base() }
        var words: [UInt32] = []
        while words.count < count {
            let sf: UInt32 = r.below(2) << 31
            let (rd, rn, rm) = (dst(), src(), src())
            switch r.below(22) {
            case 0:  // ADD/ADDS/SUB/SUBS (immediate), optionally LSL #12
                words.append(0x1100_0000 | sf | r.below(4) << 29 | r.below(2) << 22 | r.below(4096) << 10 | rn << 5 | rd)
            case 1:  // AND/ORR/EOR/ANDS (immediate) with a valid bitmask
                let opc = r.below(4) << 29
                words.append(sf != 0
                    ? 0x9240_0000 | opc | r.below(64) << 16 | r.below(63) << 10 | rn << 5 | rd
                    : 0x1200_0000 | opc | r.below(32) << 16 | r.below(31) << 10 | rn << 5 | rd)
            case 2:  // MOVN/MOVZ
                words.append((r.below(2) == 0 ? 0x1280_0000 : 0x5280_0000) | sf
                             | r.below(sf != 0 ? 4 : 2) << 21 | r.below(65536) << 5 | rd)
            case 3:  // UBFM (LSL/LSR/UBFX by immediate)
                words.append(sf != 0 ? 0xD340_0000 | r.below(64) << 16 | r.below(64) << 10 | rn << 5 | rd
                                     : 0x5300_0000 | r.below(32) << 16 | r.below(32) << 10 | rn << 5 | rd)
            case 4:  // ADR/ADRP
                words.append(r.pick([0x1000_0000, 0x9000_0000]) | r.below(4) << 29 | r.below(1 << 19) << 5 | rd)
            case 5:  // AND/ORR/EOR/ANDS (shifted register), any shift
                words.append(0x0A00_0000 | sf | r.below(4) << 29 | r.below(4) << 22 | rm << 16
                             | r.below(sf != 0 ? 64 : 32) << 10 | rn << 5 | rd)
            case 6:  // ADD/ADDS/SUB/SUBS (shifted register), LSL/LSR/ASR
                words.append(0x0B00_0000 | sf | r.below(4) << 29 | r.below(3) << 22 | rm << 16
                             | r.below(sf != 0 ? 64 : 32) << 10 | rn << 5 | rd)
            case 7:  // MADD
                words.append(0x1B00_0000 | sf | rm << 16 | src() << 10 | rn << 5 | rd)
            case 8:  // LDR/STR (unsigned offset), B/H/W/X, zero-extending
                let size = r.below(4)
                words.append(0x3900_0000 | size << 30 | r.below(2) << 22 | r.below(32) << 10 | base() << 5 | 12 + r.below(16))
            case 9:  // LDR W/X (register, LSL)
                words.append((r.below(2) == 0 ? 0xB860_6800 : 0xF860_6800) | (8 + r.below(4)) << 16
                             | r.below(2) << 12 | base() << 5 | 12 + r.below(16))
            case 10:  // LDRB (post-index), small positive step
                words.append(0x3840_0400 | r.below(4) << 12 | base() << 5 | 12 + r.below(16))
            case 11:  // LDP/STP X: signed offset, LDP post-index, STP pre-index
                let t1 = 12 + r.below(16)
                var t2 = 12 + r.below(16)
                if t2 == t1 { t2 = 12 + (t1 - 11) % 16 }
                let op = r.pick([0xA940_0000, 0xA900_0000, 0xA8C0_0000, 0xA980_0000])
                words.append(op | r.below(4) << 15 | t2 << 10 | base() << 5 | t1)
            case 12:  // CMP/TST then a B.cond over one instruction
                let cmp = r.pick([0x7100_001F | r.below(4096) << 10 | rn << 5,   // CMP Wn, #imm
                                  0x6B00_001F | rm << 16 | r.below(2) << 22 | r.below(32) << 10 | rn << 5,
                                  0x6A00_001F | rm << 16 | r.below(2) << 22 | r.below(32) << 10 | rn << 5])
                words.append(cmp | sf)
                words.append(0x5400_0040 | r.below(16))
            case 13:  // CBZ/CBNZ over one instruction
                words.append(0x3400_0040 | sf | r.below(2) << 24 | src())
            case 14:  // TBZ/TBNZ over one instruction
                words.append(0x3600_0040 | r.below(2) << 31 | r.below(2) << 24 | r.below(32) << 19 | src())
            case 15:  // CSEL/CSINC, any condition
                words.append(0x1A80_0000 | sf | rm << 16 | r.below(16) << 12 | r.below(2) << 10 | rn << 5 | rd)
            case 16:  // ADD (extended register): any extend, LSL #0-4; 31 is SP for Rd and Rn
                words.append(0x0B20_0000 | sf | rm << 16 | r.below(8) << 13 | r.below(5) << 10 | rn << 5 | rd)
            case 17:  // SBFM (ASR, SBFX, SBFIZ, SXTB/H/W by immediate)
                words.append(sf != 0 ? 0x9340_0000 | r.below(64) << 16 | r.below(64) << 10 | rn << 5 | rd
                                     : 0x1300_0000 | r.below(32) << 16 | r.below(32) << 10 | rn << 5 | rd)
            case 18:  // EXTR (ROR by immediate when Rn = Rm)
                words.append(sf != 0 ? 0x93C0_0000 | rm << 16 | r.below(64) << 10 | rn << 5 | rd
                                     : 0x1380_0000 | rm << 16 | r.below(32) << 10 | rn << 5 | rd)
            case 19:  // STR W/X (register, LSL)
                words.append((r.below(2) == 0 ? 0xB820_6800 : 0xF820_6800) | (8 + r.below(4)) << 16
                             | r.below(2) << 12 | base() << 5 | 12 + r.below(16))
            case 20:  // DC CVAC, DC CIVAC, DC ZVA on a data address; NOP; DMB ISH; MRS of SP_EL0,
                      // TPIDR_EL1, DAIF
                words.append(r.pick([0xD50B_7A20 | base(), 0xD50B_7E20 | base(), 0xD50B_7420 | base(),
                                     0xD503_201F, 0xD503_3BBF, 0xD538_4100 | rd, 0xD538_D080 | rd, 0xD53B_4220 | rd]))
            default:  // B over one instruction
                words.append(0x1400_0002)
            }
        }
        return words
    }

    static func machine(_ program: [UInt32], seed: UInt64, translate: Bool = false) -> CoreTestMachine {
        let m = CoreTestMachine(translate: translate)
        m.program(program, at: code)
        m.cpu.boot(entry: code, el: 1)
        var r = Rand(s: seed)
        for k in 0..<8 { m.cpu.x[k] = data + 0x8000 + UInt64(k) * 0x400 }
        for k in 8..<12 { m.cpu.x[k] = r.next() % 16 }
        for k in 12..<28 { m.cpu.x[k] = r.next() }
        m.cpu.x[28] = 6
        m.cpu.sysregs[SysReg.TPIDR_EL1] = r.next()
        m.cpu.spBank[0] = r.next()   // SP_EL0, while SPSel selects SP_EL1
        for k in 0..<0x1_0000 / 8 { _ = m.bus.write(data + UInt64(k) * 8, size: 8, value: r.next()) }
        return m
    }

    static func snapshot(_ m: CoreTestMachine) -> [UInt64] {
        var s = m.architecturalState
        for k in 0x7000 / 8..<0xB000 / 8 { s.append(m.bus.read(data + UInt64(k) * 8, size: 8) ?? 0) }
        return s
    }

    func testRandomLoopsOfFastFormsMatchTheFullPath() {
        for seed in 1...500 as ClosedRange<UInt64> {
            var r = Rand(s: seed &* 0x9E37_79B9)
            var program = Self.body(&r, count: 10)
            // SUBS X28, X28, #1; B.NE to the top; then spin.
            program += [0xF100_079C, 0x5400_0001 | (UInt32(bitPattern: Int32(-program.count - 1)) & 0x7FFFF) << 5,
                        0x1400_0000]
            let budget = 6 * program.count + 7
            let fast = Self.machine(program, seed: seed)
            _ = fast.cpu.run(budget: UInt64(budget))
            let slow = Self.machine(program, seed: seed)
            slow.steps(budget)
            let a = Self.snapshot(fast), b = Self.snapshot(slow)
            if a != b {
                let k = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }!.offset
                XCTFail("seed \(seed): state word \(k) differs: run \(String(a[k], radix: 16)), "
                        + "step \(String(b[k], radix: 16)); program \(program.map { String($0, radix: 16) })")
            }
        }
    }
}
