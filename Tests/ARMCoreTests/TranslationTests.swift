import XCTest
@testable import ARMCore

/// The CPU's loads and fetches go through stage-1 translation once SCTLR_EL1.M is set, and a
/// translation fault reaches the guest as a data abort with the fault level (the walker itself
/// is tested in Stage2MMUTests).
final class TranslationTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    static let pageAttrs: UInt64 = 1 << 10 | 3 << 8 | 3   // AF, inner shareable, page
    var l3: UInt64 { base + 0x1_2000 }

    /// 4 KiB granule, 39-bit VA (start at level 1): VA 0x4000_0000 is a 1 GiB identity block
    /// (the code), VA 0x8000_0000 a 4 KiB page at PA 0x4008_0000 (through L2 and L3 tables),
    /// VA 0..0x3FFF_FFFF unmapped.
    func machineWithTables() -> CoreTestMachine {
        let m = CoreTestMachine(el: 1)
        let l1: UInt64 = base + 0x1_0000, l2: UInt64 = base + 0x1_1000
        let blockAttrs: UInt64 = 1 << 10 | 3 << 8 | 1      // AF, inner shareable, block
        _ = m.bus.write(l1 + 1 * 8, size: 8, value: 0x4000_0000 | blockAttrs)
        _ = m.bus.write(l1 + 2 * 8, size: 8, value: l2 | 3)  // table
        _ = m.bus.write(l2, size: 8, value: l3 | 3)          // table
        _ = m.bus.write(l3, size: 8, value: 0x4008_0000 | Self.pageAttrs)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x800
        m.cpu.writeSysReg(.MAIR_EL1, 0xFF)
        m.cpu.writeSysReg(.TTBR0_EL1, l1)
        m.cpu.writeSysReg(.TCR_EL1, 25 | 1 << 23 | 4 << 32)  // T0SZ 25, EPD1, IPS 44 bits
        m.cpu.writeSysReg(.SCTLR_EL1, m.cpu.sysregs[SysReg.SCTLR_EL1] | SCTLR.M)
        return m
    }

    func testLoadThroughAMappedBlock() {
        let m = machineWithTables()
        _ = m.bus.write(0x4008_0010, size: 8, value: 0x1122_3344_5566_7788)
        m.program([0xF940_0020])            // ldr x0, [x1]
        m.cpu.x[1] = 0x8000_0010
        m.steps(1)
        XCTAssertEqual(m.cpu.x[0], 0x1122_3344_5566_7788)
        XCTAssertEqual(m.cpu.pc, base + 4)
    }

    func testUnmappedAddressIsATranslationFaultAtLevel1() {
        let m = machineWithTables()
        m.program([0xF940_0062])            // ldr x2, [x3]
        m.cpu.x[3] = 0x1_0000
        m.steps(1)
        let esr = m.cpu.sysregs[SysReg.ESR_EL1]
        XCTAssertEqual(esr >> 26, 0x25)
        XCTAssertEqual(esr & 0x3F, 0x05, "translation fault, level 1")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL1], 0x1_0000)
        XCTAssertEqual(m.cpu.pc, base + 0x800 + 0x200)
    }

    func testStaleMappingStaysUntilTLBI() {
        let m = machineWithTables()
        _ = m.bus.write(0x4008_0000, size: 8, value: 1)
        _ = m.bus.write(0x4008_1000, size: 8, value: 2)
        // ldr x0, [x1]; (remap the block, no TLBI) ldr x0, [x1]; tlbi vmalle1; ldr x0, [x1]
        m.program([0xF940_0020, 0xF940_0020, 0xD508_871F, 0xF940_0020])
        m.cpu.x[1] = 0x8000_0000
        m.steps(1)
        XCTAssertEqual(m.cpu.x[0], 1)
        _ = m.bus.write(l3, size: 8, value: 0x4008_1000 | Self.pageAttrs)
        m.steps(1)
        XCTAssertEqual(m.cpu.x[0], 1, "the TLB still holds the old mapping")
        m.steps(2)
        XCTAssertEqual(m.cpu.x[0], 2, "after TLBI VMALLE1 the new one is walked")
    }

    /// TLBI VMALLE1IS on one CPU drops the other CPU's entries too (D8.13.4); the local form
    /// does not, unless HCR_EL2.FB upgrades it (as Xen sets for its guests).
    func testInnerShareableTLBIReachesTheOtherCPU() {
        let m = machineWithTables()
        let other = CPU(index: 1, bus: m.bus, decodeCache: m.cache, hasEL2: true, config: CPUConfig())
        other.boot(entry: base + 0x100, el: 1)
        for r: SysReg in [.MAIR_EL1, .TTBR0_EL1, .TCR_EL1, .SCTLR_EL1] { other.writeSysReg(r, m.cpu.sysregs[r]) }
        _ = ShareabilityDomain(cpus: [m.cpu, other])
        _ = m.bus.write(0x4008_0000, size: 8, value: 1)
        _ = m.bus.write(0x4008_1000, size: 8, value: 2)
        // CPU 1 loads through VA 0x8000_0000 again and again; CPU 0 runs the TLBIs.
        m.program([0xF940_0020, 0xF940_0020, 0xF940_0020, 0xF940_0020], at: base + 0x100)
        m.program([0xD508_871F, 0xD508_831F, 0xD508_871F])  // tlbi vmalle1; tlbi vmalle1is; tlbi vmalle1
        other.x[1] = 0x8000_0000
        other.step()
        XCTAssertEqual(other.x[0], 1)
        _ = m.bus.write(l3, size: 8, value: 0x4008_1000 | Self.pageAttrs)
        m.steps(1)
        other.step()
        XCTAssertEqual(other.x[0], 1, "a local TLBI on CPU 0 leaves CPU 1's entry")
        m.steps(1)
        other.step()
        XCTAssertEqual(other.x[0], 2, "TLBI VMALLE1IS on CPU 0 reaches CPU 1")
        _ = m.bus.write(l3, size: 8, value: 0x4008_0000 | Self.pageAttrs)
        m.cpu.writeSysReg(.HCR_EL2, HCR.RW | HCR.FB)
        m.steps(1)
        other.step()
        XCTAssertEqual(other.x[0], 1, "with HCR_EL2.FB the local form is broadcast")
    }

    /// Stage 2 on, stage 1 off: IPA 0x4000_0000.. is a 1 GiB block; IPA 0x0900_0000 (where a
    /// hypervisor emulates a UART) is unmapped.
    func machineWithStage2() -> CoreTestMachine {
        let m = CoreTestMachine(el: 1)
        let s2l1: UInt64 = base + 0x2_0000
        let s2Block: UInt64 = 1 << 10 | 3 << 8 | 3 << 6 | 0xF << 2 | 1   // AF, SH, S2AP RW, normal, block
        _ = m.bus.write(s2l1 + 1 * 8, size: 8, value: 0x4000_0000 | s2Block)
        m.cpu.sysregs[SysReg.VBAR_EL2] = base + 0x1000
        m.cpu.writeSysReg(.VTCR_EL2, 25 | 1 << 6 | 4 << 16)     // T0SZ 25, SL0 = level 1, 4K, PS 44 bits
        m.cpu.writeSysReg(.VTTBR_EL2, 7 << 48 | s2l1)           // VMID 7
        m.cpu.writeSysReg(.HCR_EL2, HCR.VM | HCR.RW)
        return m
    }

    func testStage2FaultOnMMIOGoesToEL2WithACompleteSyndrome() {
        let m = machineWithStage2()
        m.program([0xB900_00C5])            // str w5, [x6]
        m.cpu.x[6] = 0x0900_0000
        m.steps(1)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.cpu.pc, base + 0x1000 + 0x400, "lower-EL synchronous vector")
        let esr = m.cpu.sysregs[SysReg.ESR_EL2]
        XCTAssertEqual(esr >> 26, 0x24, "DABT_LOW")
        XCTAssertEqual(esr >> 24 & 1, 1, "ISV")
        XCTAssertEqual(esr >> 22 & 3, 2, "SAS: word")
        XCTAssertEqual(esr >> 16 & 31, 5, "SRT: w5")
        XCTAssertEqual(esr >> 15 & 1, 0, "SF: 32-bit register")
        XCTAssertEqual(esr >> 6 & 1, 1, "WnR: write")
        XCTAssertEqual(esr & 0x3F, 0x05, "stage-2 translation fault, level 1")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL2], 0x0900_0000)
        XCTAssertEqual(m.cpu.sysregs[SysReg.HPFAR_EL2], (0x0900_0000 >> 12) << 4)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], base)
    }

    func testStage2MappedAccessSucceeds() {
        let m = machineWithStage2()
        _ = m.bus.write(base + 0x4_0000, size: 2, value: 0xBEEF)
        m.program([0x7940_0107])            // ldrh w7, [x8]
        m.cpu.x[8] = base + 0x4_0000
        m.steps(1)
        XCTAssertEqual(m.cpu.x[7], 0xBEEF)
        XCTAssertEqual(m.cpu.el, 1)
    }

    // MARK: AT (PAR_EL1, D17.2.102): F, FST, S, PTW, SH, NS, ATTR and bit 11 RES1.

    func testATS1E1RReportsThePhysicalAddressAndAttributes() {
        let m = machineWithTables()
        m.program([0xD508_7801])            // at s1e1r, x1
        m.cpu.x[1] = 0x8000_0010
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1], 0xFF << 56 | 0x4008_0000 | 1 << 11 | 1 << 9 | 3 << 7)
    }

    func testATS1E1ROnAnUnmappedAddressReportsTheFaultInPAR() {
        let m = machineWithTables()
        m.program([0xD508_7801])            // at s1e1r, x1
        m.cpu.x[1] = 0x1_0000
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1], 1 | 0x05 << 1 | 1 << 11, "F=1, translation fault level 1")
        XCTAssertEqual(m.cpu.pc, base + 4, "AT does not take an exception for a stage-1 fault")
    }

    func testATS1E0RChecksEL0Permissions() {
        let m = machineWithTables()
        m.program([0xD508_7841, 0xD508_7801])   // at s1e0r, x1; at s1e1r, x1
        m.cpu.x[1] = 0x8000_0000
        m.steps(1)
        // AP = 00: no EL0 access. Permission fault, level 3.
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1], 1 | 0x0F << 1 | 1 << 11)
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1] & 1, 0, "EL1 may read it")
    }

    func testATS12E1RFromEL2ReportsAStage2FaultWithS() {
        let m = machineWithStage2()
        m.cpu.boot(entry: base, el: 2)
        m.program([0xD50C_7881, 0xD50C_7881])   // at s12e1r, x1 (twice)
        m.cpu.x[1] = 0x0900_0000
        m.steps(1)
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1], 1 | 0x05 << 1 | 1 << 9 | 1 << 11, "stage-2 translation fault L1")
        m.cpu.x[1] = 0x4000_1234
        m.steps(1)
        // Stage 1 off: Device-nGnRnE from stage 1, reported with SH = 0b10.
        XCTAssertEqual(m.cpu.sysregs[SysReg.PAR_EL1], 0x4000_1000 | 1 << 11 | 1 << 9 | 2 << 7)
    }

    func testATAtEL0IsUndefined() {
        let m = machineWithTables()
        m.cpu.boot(entry: base, el: 0)
        m.program([0xD508_7801])            // at s1e1r, x1
        m.steps(1)
        XCTAssertEqual(m.esrEC, 0)
    }
}
