import XCTest
@testable import Board
import ARMCore
import Bus

/// `--trace mmu` prints each faulting walk with every descriptor it read.
final class MMUTraceTests: XCTestCase {
    func testStage2FaultPrintsTheWalkAndItsDescriptors() throws {
        let base: UInt64 = 0x4000_0000
        let bus = try XCTUnwrap(PhysicalAddressSpace(ramBase: base, ramSize: 1 << 20))
        let cpu = CPU(index: 0, bus: bus, decodeCache: DecodeCache(bus: bus), hasEL2: true, config: CPUConfig())
        cpu.boot(entry: base, el: 1)
        // Stage 2 only: IPA 0x4000_0000.. is a 1 GiB block; IPA 0x0900_0000 is unmapped at level 1.
        let s2l1 = base + 0x2_0000
        _ = bus.write(s2l1 + 8, size: 8, value: 0x4000_0000 | 1 << 10 | 3 << 8 | 3 << 6 | 0xF << 2 | 1)
        cpu.sysregs[SysReg.VBAR_EL2] = base + 0x1000
        cpu.writeSysReg(.VTCR_EL2, 25 | 1 << 6 | 4 << 16)
        cpu.writeSysReg(.VTTBR_EL2, s2l1)
        cpu.writeSysReg(.HCR_EL2, HCR.VM)
        _ = bus.write(base, size: 4, value: 0xB900_00C5)   // str w5, [x6]
        cpu.x[6] = 0x0900_0000
        var lines: [String] = []
        cpu.mmu.observer = MMUTrace(cpu: cpu, write: { lines.append($0) })
        cpu.step()
        XCTAssertEqual(lines, [
            "[0] cpu0 EL1 vm0: mmu EL1&0 stage 2 VA 0x9000000: stage-2 translation fault L1 IPA 0x9000000",
            "[0] cpu0 EL1 vm0: mmu   s2 L1 @0x40020000 = 0x0000000000000000 invalid",
        ])
        // A walk that succeeds prints nothing.
        lines.removeAll()
        cpu.boot(entry: base, el: 1)
        cpu.mmu.tlb.invalidateAll()
        cpu.x[6] = base + 0x8000
        cpu.step()
        XCTAssertEqual(cpu.pc, base + 4, "the store went through")
        XCTAssertEqual(lines, [])
    }
}
