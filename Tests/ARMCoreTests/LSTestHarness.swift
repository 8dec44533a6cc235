import XCTest
@testable import ARMCore
import Bus

/// A one-CPU machine for the load/store tests: 1 MiB of RAM at 0x4000_0000 with code at its
/// start, a data area at `data`, and VBAR_EL1 at `vbar`, so that a synchronous exception from
/// EL1 (SP_EL1) lands at `syncVector` and one from EL0 at `lowerSyncVector`.
final class LSMachine {
    static let ramBase: UInt64 = 0x4000_0000
    static let ramSize: UInt64 = 1 << 20
    static let ramEnd: UInt64 = ramBase + ramSize
    static let code: UInt64 = 0x4000_0000
    static let vbar: UInt64 = 0x4000_8000
    static let syncVector: UInt64 = vbar + 0x200
    static let lowerSyncVector: UInt64 = vbar + 0x400
    static let data: UInt64 = 0x4008_0000

    let machine: CoreTestMachine
    var bus: PhysicalAddressSpace { machine.bus }
    var cpu: CPU { machine.cpu }

    init(el: UInt8 = 1) {
        machine = CoreTestMachine(el: el)
        cpu.sysregs[SysReg.VBAR_EL1] = Self.vbar
    }

    /// General-purpose register slots (x[31] is the zero slot, x[32] SP, x[33] the discard slot).
    var x: UnsafeMutablePointer<UInt64> { cpu.x }
    var sp: UInt64 {
        get { cpu.x[Int(Reg.sp)] }
        set { cpu.x[Int(Reg.sp)] = newValue }
    }

    /// Write instruction (or literal data) words at `at`, and point the PC at `entry` (default `at`).
    func load(_ words: [UInt32], at: UInt64 = code, entry: UInt64? = nil) {
        for (k, w) in words.enumerated() {
            _ = bus.write(at + UInt64(k) * 4, size: 4, value: UInt64(w))
        }
        cpu.pc = entry ?? at
    }

    func step(_ n: Int = 1) {
        for _ in 0..<n { cpu.step() }
    }

    /// Load `words` at `code` and execute them in order, failing the test if any of them takes
    /// an exception or branches.
    func run(_ words: [UInt32], file: StaticString = #filePath, line: UInt = #line) {
        load(words)
        for k in 0..<words.count {
            let pc = cpu.pc
            cpu.step()
            if cpu.pc != pc + 4 {
                XCTFail(String(format: "word %d (0x%08x) at 0x%llx went to 0x%llx, ESR_EL1 0x%llx", k, words[k], pc,
                               cpu.pc, esr), file: file, line: line)
                return
            }
        }
    }

    /// Execute one word at `code`.
    func exec(_ word: UInt32) {
        load([word])
        cpu.step()
    }

    func read(_ pa: UInt64, _ size: Int = 8) -> UInt64 { bus.read(pa, size: size)! }
    func write(_ pa: UInt64, _ size: Int, _ value: UInt64) { XCTAssertTrue(bus.write(pa, size: size, value: value)) }

    var esr: UInt64 { cpu.sysregs[SysReg.ESR_EL1] }
    var ec: UInt64 { esr >> 26 }
    var dfsc: UInt64 { esr & 0x3F }
    var wnr: Bool { esr & (1 << 6) != 0 }
    var far: UInt64 { cpu.sysregs[SysReg.FAR_EL1] }
    var elr: UInt64 { cpu.sysregs[SysReg.ELR_EL1] }
    var sctlr: UInt64 {
        get { cpu.sysregs[SysReg.SCTLR_EL1] }
        set { cpu.sysregs[SysReg.SCTLR_EL1] = newValue }
    }
}

/// The instruction at `LSMachine.code` took a data abort from EL1 with this status code,
/// direction and fault address.
func LSAssertDataAbort(_ m: LSMachine, dfsc: UInt64, far: UInt64, write: Bool,
                       file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(m.cpu.pc, LSMachine.syncVector, "no exception taken", file: file, line: line)
    XCTAssertEqual(m.ec, 0x25, "EC", file: file, line: line)
    XCTAssertEqual(m.dfsc, dfsc, "DFSC", file: file, line: line)
    XCTAssertEqual(m.wnr, write, "WnR", file: file, line: line)
    XCTAssertEqual(m.far, far, "FAR", file: file, line: line)
    XCTAssertEqual(m.elr, LSMachine.code, "ELR", file: file, line: line)
}

/// The instruction at `LSMachine.code` took an exception from EL1 with this class.
func LSAssertException(_ m: LSMachine, ec: UInt64, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(m.cpu.pc, LSMachine.syncVector, "no exception taken", file: file, line: line)
    XCTAssertEqual(m.ec, ec, "EC", file: file, line: line)
    XCTAssertEqual(m.elr, LSMachine.code, "ELR", file: file, line: line)
}

/// The instruction at `LSMachine.code` completed without an exception.
func LSAssertCompleted(_ m: LSMachine, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(m.cpu.pc, LSMachine.code + 4, String(format: "ESR_EL1 0x%llx", m.esr), file: file, line: line)
}
