import XCTest
import ARMCore
import Bus
@testable import GIC

/// Whatever a guest writes, the GIC answers with an architectural outcome and never traps the
/// host: random accesses of every size to every frame and random GIC system-register traffic.
final class GICRobustnessTests: XCTestCase {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Values that hit interesting fields more often than uniform noise would.
    func value(_ r: inout SplitMix64) -> UInt64 {
        switch r.below(4) {
        case 0: return r.next()
        case 1: return UInt64(r.below(1100))
        case 2: return 1 << UInt64(r.below(64))
        default: return r.next() & 0xFFFF_FFFF
        }
    }

    func testRandomMMIOOnGICv2NeverTraps() {
        var r = SplitMix64(state: 0x6E1C_0002)
        let g = V2(spis: 64, cpus: 4)
        let frames: [(BusDevice, UInt64)] = [(g.gic.distributor, 0x1000), (g.gic.cpuInterface, 0x2000),
                                             (g.gic.virtualInterfaceControl, 0x1000), (g.gic.virtualCPUInterface, 0x2000)]
        let sizes = [1, 2, 4, 8]
        for _ in 0..<200_000 {
            g.gic.accessingCPU = r.below(5)
            let (dev, size) = frames[r.below(frames.count)]
            let off = UInt64(r.below(Int(size) + 16)) & ~UInt64(r.below(2) == 0 ? 3 : 0)
            let s = sizes[r.below(4)]
            switch r.below(10) {
            case 0..<4:
                if let v = dev.read(offset: off, size: s), off == 0xC || off == 0x20 {
                    let id = v & 0x3FF
                    XCTAssertTrue(id < 96 || id >= 1022, "acknowledged INTID \(id) exists")
                }
            case 4..<9: _ = dev.write(offset: off, size: s, value: value(&r))
            default: g.gic.setLevel(intid: r.below(140) - 4, cpu: r.below(6) - 1, level: r.below(2) == 0)
            }
        }
    }

    func testRandomGICv3TrafficNeverTraps() {
        var r = SplitMix64(state: 0x6E1C_0003)
        let g = V3(spis: 64, cpus: 3)
        let regs = SysReg.allCases.filter { $0.provider == .interruptController }
        let sizes = [1, 2, 4, 8]
        for _ in 0..<200_000 {
            let c = g.cpus[r.below(3)]
            switch r.below(8) {
            case 0:
                c.boot(entry: 0x4000_0000, el: 2)
                c.writeSysReg(.HCR_EL2, UInt64(r.below(4)) << 3 | HCR.RW)
                c.boot(entry: 0x4000_0000, el: UInt8(1 + r.below(2)))
            case 1, 2: _ = c.readSysReg(regs[r.below(regs.count)])
            case 3, 4: c.writeSysReg(regs[r.below(regs.count)], value(&r))
            case 5:
                let off = UInt64(r.below(0x1_0010))
                _ = r.below(2) == 0 ? g.gic.distributor.read(offset: off, size: sizes[r.below(4)]).map { _ in true }
                    : g.gic.distributor.write(offset: off, size: sizes[r.below(4)], value: value(&r))
            case 6:
                let off = UInt64(r.below(0x6_0010))
                _ = r.below(2) == 0 ? g.gic.redistributors.read(offset: off, size: sizes[r.below(4)]).map { _ in true }
                    : g.gic.redistributors.write(offset: off, size: sizes[r.below(4)], value: value(&r))
            default: g.gic.setLevel(intid: r.below(140) - 4, cpu: r.below(5) - 1, level: r.below(2) == 0)
            }
        }
        XCTAssertNil(g.gic.redistributors.read(offset: .max, size: 4))
        XCTAssertNil(g.gic.distributor.read(offset: .max, size: 4))
    }
}
