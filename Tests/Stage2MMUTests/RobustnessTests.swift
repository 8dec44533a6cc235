import XCTest
import Bus
@testable import Stage2MMU

/// No register value and no table content may crash the walker or the TLB: random registers
/// over random memory, with the invariants every answer must keep.
final class RobustnessTests: XCTestCase {
    /// xorshift64*: deterministic, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        /// Mostly small offsets into RAM, sometimes anything.
        mutating func address() -> UInt64 {
            switch next() % 4 {
            case 0: return next()
            case 1: return 0x4000_0000 + next() % (16 << 20)
            default: return (0x4000_0000 + next() % (16 << 20)) | (next() & 0xFFFF_0000_0000_0000)
            }
        }
    }

    func testRandomRegistersAndTablesNeverCrash() {
        var rng = Random(state: 0x9E37_79B9_7F4A_7C15)
        let bus = PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: 16 << 20)!
        // Fill 1 MiB with descriptors that are mostly valid tables, blocks and pages pointing back
        // into RAM, with random attribute bits.
        for i in 0..<UInt64(1 << 17) {
            let target = 0x4000_0000 + (rng.next() % (1 << 20)) & ~0xFFF
            let attrs = rng.next() & 0xFFF0_0000_0000_0FFC
            let d: UInt64
            switch rng.next() % 8 {
            case 0: d = rng.next()
            case 1: d = 0
            default: d = target | attrs | (rng.next() & 3)
            }
            _ = bus.write(0x4000_0000 + i * 8, size: 8, value: d)
        }
        let mmu = MMU(bus: bus, tlb: TLB(sets: 64, ways: 2))
        var successes = 0, faults = 0
        for _ in 0..<4000 {
            let regime: TranslationRegime
            if rng.next() % 3 == 0 {
                regime = .el2(tcr: rng.next(), ttbr0: rng.address(), mair: rng.next(), sctlr: rng.next() | 1)
            } else {
                regime = .el10(tcr: rng.next(), ttbr0: rng.address(), ttbr1: rng.address(), mair: rng.next(),
                               sctlr: rng.next(), vtcr: rng.next(), vttbr: rng.address(),
                               stage2Enabled: rng.next() % 2 == 0, sctlrEL2: rng.next())
            }
            let el: UInt8 = regime.stage1.regime == .el2 ? 2 : UInt8(rng.next() % 2)
            for _ in 0..<8 {
                let va = rng.next() % 4 == 0 ? rng.next() : rng.next() & 0x0000_00FF_FFFF_FFFF
                let access = AccessKind(rawValue: UInt8(truncatingIfNeeded: rng.next()) & 0x1F)
                do {
                    let r = try mmu.translate(va, access, el: el, regime: regime)
                    successes += 1
                    // Outputs always fit the output size and the PA size.
                    XCTAssertEqual(r.physicalAddress >> 44, 0)
                    XCTAssertLessThanOrEqual(r.level, 3)
                    XCTAssertLessThanOrEqual(r.pageShift, r.stage1PageShift)
                    // A TLB hit gives the same answer as the walk.
                    let again = try mmu.translate(va, access, el: el, regime: regime)
                    XCTAssertEqual(again, r)
                } catch {
                    faults += 1
                    XCTAssertLessThanOrEqual(error.level, 3)
                    if error.s1ptw { XCTAssertTrue(error.secondStage) }
                }
                if rng.next() % 16 == 0 {
                    let op = TLBIOperation.allCases[Int(rng.next() % UInt64(TLBIOperation.allCases.count))]
                    mmu.tlb.invalidate(op, operand: rng.next(), vmid: UInt16(rng.next() & 0xFF))
                }
            }
        }
        // The generator must exercise both outcomes for the test to mean anything.
        XCTAssertGreaterThan(successes, 100)
        XCTAssertGreaterThan(faults, 100)
    }

    func testEveryTCRFieldExtreme() {
        let m = TableMemory()
        for t0sz in [0, 15, 16, 39, 40, 63] as [UInt64] {
            for tg in 0...3 as ClosedRange<UInt64> {
                for ips in 0...7 as ClosedRange<UInt64> {
                    let s1 = Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: t0sz, tg0: tg, t1sz: t0sz, tg1: tg, ips: ips),
                                          ttbr0: ~0, ttbr1: ~0, mair: ~0, sctlr: ~0)
                    XCTAssertTrue((0...3).contains(s1.lower.startLevel))
                    XCTAssertTrue((0...3).contains(s1.upper.startLevel))
                    for sl0 in 0...3 as ClosedRange<UInt64> {
                        let s2 = Stage2Config(vtcr: Reg.vtcr(t0sz: t0sz, sl0: sl0, tg0: tg, ps: ips), vttbr: ~0)
                        XCTAssertTrue((0...3).contains(s2.startLevel))
                        let r = TranslationRegime(stage1: s1, stage2: s2)
                        _ = try? r.walk(0x1000, bus: m.bus)
                        _ = try? r.walk(~0, bus: m.bus)
                        _ = try? Stage2Walk.walk(~0, s2, bus: m.bus)
                        _ = try? Stage2Walk.walk(0, s2, bus: m.bus)
                    }
                }
            }
        }
    }
}
