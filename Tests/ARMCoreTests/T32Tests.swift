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
}
