import XCTest
@testable import ARMCore
import Bus
#if canImport(Glibc)
import Glibc
#endif

/// A CPU on 1 MiB of RAM at 0x4000_0000 with programs written as raw words.
final class CoreTestMachine {
    static let ramBase: UInt64 = 0x4000_0000
    let bus: PhysicalAddressSpace
    let cache: DecodeCache
    let cpu: CPU

    init(el: UInt8 = 1, hasEL2: Bool = true, config: CPUConfig = CPUConfig(), translate: Bool = false) {
        bus = PhysicalAddressSpace(ramBase: Self.ramBase, ramSize: 1 << 20)!
        cache = DecodeCache(bus: bus, translate: translate)
        cpu = CPU(index: 0, bus: bus, decodeCache: cache, hasEL2: hasEL2, config: config)
        cpu.boot(entry: Self.ramBase, el: el)
    }

    /// Write instruction words at `at` (default: the entry point).
    func program(_ words: [UInt32], at: UInt64 = ramBase) {
        for (i, w) in words.enumerated() { _ = bus.write(at + UInt64(i * 4), size: 4, value: UInt64(w)) }
    }

    func steps(_ n: Int) { for _ in 0..<n { cpu.step() } }

    /// X0-X30, the zero slot, SP, NZCV, PC and the retired count: what two runs of the same
    /// program must agree on.
    var architecturalState: [UInt64] {
        (0...Int(Reg.sp)).map { cpu.x[$0] } + [UInt64(cpu.nzcv), cpu.pc, cpu.instret]
    }

    var esrEC: UInt64 { cpu.sysregs[SysReg.ESR_EL1] >> 26 }
    var esr2EC: UInt64 { cpu.sysregs[SysReg.ESR_EL2] >> 26 }
}

/// Rows of one decode table must not overlap: two patterns overlap when they agree on every bit
/// both fix, so some word would match both.
func assertRowsDoNotOverlap(_ rows: [Encoding], file: StaticString = #filePath, line: UInt = #line) {
    for i in rows.indices {
        for j in rows.indices where j > i {
            let a = rows[i], b = rows[j]
            XCTAssertNotEqual((a.value ^ b.value) & a.mask & b.mask, 0, "\(a.name) overlaps \(b.name)",
                              file: file, line: line)
        }
    }
}

/// Whether the host page at `p` holds memory of this process's own (a page it wrote), from
/// /proc/self/pagemap: present (bit 63) and exclusively mapped (bit 56). A page only read maps
/// the host's shared zero page, which is neither. nil when pagemap cannot be read.
func committedPrivately(_ p: UnsafeRawPointer) -> Bool? {
    let fd = open("/proc/self/pagemap", O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var entry: UInt64 = 0
    let at = off_t(UInt(bitPattern: p) / 4096 * 8)
    guard pread(fd, &entry, 8, at) == 8 else { return nil }
    return entry >> 63 & 1 == 1 && entry >> 56 & 1 == 1
}
