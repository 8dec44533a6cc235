import XCTest
@testable import ARMCore

/// A 128-bit register value for the Advanced SIMD tests, written high half first as the
/// manual draws registers.
struct Q: Equatable, CustomStringConvertible {
    var hi: UInt64, lo: UInt64
    init(_ hi: UInt64, _ lo: UInt64) { self.hi = hi; self.lo = lo }
    /// Every 64-bit half equal to `v`.
    static func splat(_ v: UInt64) -> Q { Q(v, v) }
    /// Bytes in lane order (lane 0 first); missing bytes are zero.
    static func bytes(_ b: [UInt8]) -> Q {
        var r = Q(0, 0)
        for (k, v) in b.enumerated() where k < 16 {
            if k < 8 { r.lo |= UInt64(v) << UInt64(8 * k) } else { r.hi |= UInt64(v) << UInt64(8 * (k - 8)) }
        }
        return r
    }
    /// Halfwords in lane order.
    static func halves(_ h: [UInt16]) -> Q {
        bytes(h.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    }
    /// Words in lane order.
    static func words(_ s: [UInt32]) -> Q {
        halves(s.flatMap { [UInt16($0 & 0xFFFF), UInt16($0 >> 16)] })
    }
    var description: String { String(format: "%016llx_%016llx", hi, lo) }
}

/// One CPU with FP/SIMD enabled (CPACR_EL1.FPEN = 11) at EL1, running single instructions.
final class SIMDMachine {
    let machine = CoreTestMachine()
    var cpu: CPU { machine.cpu }
    static let base = CoreTestMachine.ramBase

    /// Run `word` with V registers `v` and X registers `x` set first, FPSR = `fpsr`. Asserts
    /// the instruction completed (no exception).
    @discardableResult
    func run(_ word: UInt32, v: [Int: Q] = [:], x: [Int: UInt64] = [:], fpsr: UInt64 = 0,
             file: StaticString = #filePath, line: UInt = #line) -> SIMDMachine {
        let completed = attempt(word, v: v, x: x, fpsr: fpsr)
        XCTAssertTrue(completed, String(format: "0x%08x did not complete (ESR_EL1.EC 0x%llx)", word, machine.esrEC),
                      file: file, line: line)
        return self
    }

    /// Run `word`; true when it completed without an exception.
    func attempt(_ word: UInt32, v: [Int: Q] = [:], x: [Int: UInt64] = [:], fpsr: UInt64 = 0,
                 el: UInt8 = 1, cpacr: UInt64 = 3 << 20) -> Bool {
        let pc = Self.base
        _ = machine.bus.write(pc, size: 4, value: UInt64(word))
        cpu.boot(entry: pc, el: el)
        cpu.sysregs[SysReg.CPACR_EL1] = cpacr
        cpu.sysregs[SysReg.VBAR_EL1] = pc + 0x8000
        cpu.sysregs[SysReg.VBAR_EL2] = pc + 0x8000
        cpu.sysregs[SysReg.ESR_EL1] = 0
        cpu.fpsr = fpsr
        for (n, q) in v { cpu.setV(UInt8(n), low: q.lo, high: q.hi) }
        for (n, value) in x { cpu.x[n] = value }
        cpu.step()
        return cpu.pc == pc + 4
    }

    /// Vn as a Q value.
    func q(_ n: Int) -> Q { Q(cpu.vHigh(UInt8(n)), cpu.vLow(UInt8(n))) }
    var qc: Bool { cpu.fpsr & (1 << 27) != 0 }
}
