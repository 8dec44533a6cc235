import XCTest
import ARMCore
import Bus
@testable import GIC

/// Records what a GIC drives onto one CPU's interrupt inputs.
final class RecordingSink: InterruptSink {
    var inputs: InterruptInputs = []
    func setInterruptInputs(_ i: InterruptInputs) { inputs = i }
}

/// Register offsets, as ARM IHI 0048B Tables 4-1, 4-2, 5-1 and IHI 0069 Tables 12-25, 12-27, 12-29 name them.
enum GICD {
    static let CTLR: UInt64 = 0x000, TYPER: UInt64 = 0x004, IIDR: UInt64 = 0x008
    static let IGROUPR: UInt64 = 0x080, ISENABLER: UInt64 = 0x100, ICENABLER: UInt64 = 0x180
    static let ISPENDR: UInt64 = 0x200, ICPENDR: UInt64 = 0x280, ISACTIVER: UInt64 = 0x300, ICACTIVER: UInt64 = 0x380
    static let IPRIORITYR: UInt64 = 0x400, ITARGETSR: UInt64 = 0x800, ICFGR: UInt64 = 0xC00
    static let SGIR: UInt64 = 0xF00, CPENDSGIR: UInt64 = 0xF10, SPENDSGIR: UInt64 = 0xF20
    static let IROUTER: UInt64 = 0x6000, PIDR2: UInt64 = 0xFFE8
}
enum GICC {
    static let CTLR: UInt64 = 0x00, PMR: UInt64 = 0x04, BPR: UInt64 = 0x08, IAR: UInt64 = 0x0C
    static let EOIR: UInt64 = 0x10, RPR: UInt64 = 0x14, HPPIR: UInt64 = 0x18, ABPR: UInt64 = 0x1C
    static let AIAR: UInt64 = 0x20, AEOIR: UInt64 = 0x24, AHPPIR: UInt64 = 0x28
    static let APR0: UInt64 = 0xD0, NSAPR0: UInt64 = 0xE0, IIDR: UInt64 = 0xFC, DIR: UInt64 = 0x1000
}
enum GICH {
    static let HCR: UInt64 = 0x00, VTR: UInt64 = 0x04, VMCR: UInt64 = 0x08, MISR: UInt64 = 0x10
    static let EISR0: UInt64 = 0x20, ELRSR0: UInt64 = 0x30, APR: UInt64 = 0xF0, LR0: UInt64 = 0x100
    // HCR and MISR bits (IHI 0048B GICH_HCR, GICH_MISR)
    static let En: UInt32 = 1, UIE: UInt32 = 2, LRENPIE: UInt32 = 4, NPIE: UInt32 = 8
    static let VGrp0EIE: UInt32 = 16, VGrp0DIE: UInt32 = 32, VGrp1EIE: UInt32 = 64, VGrp1DIE: UInt32 = 128
}
enum GICR {
    static let CTLR: UInt64 = 0x0, IIDR: UInt64 = 0x4, TYPER: UInt64 = 0x8, WAKER: UInt64 = 0x14
    static let SGI: UInt64 = 0x1_0000
    static let stride: UInt64 = 0x2_0000
}

/// A GICv2 LR (IHI 0048B GICH_LR): State 29:28 (1 pending, 2 active, 3 both), HW 31, Grp1 30,
/// Priority 27:23, PhysicalID 19:10 (HW) or EOI 19 and CPUID 12:10, VirtualID 9:0.
func v2LR(_ vid: UInt32, state: UInt32 = 1, priority: UInt32 = 0xA0, group1: Bool = false,
          hw: UInt32? = nil, eoi: Bool = false, cpuid: UInt32 = 0) -> UInt32 {
    var v = vid | state << 28 | (priority >> 3) << 23 | (group1 ? 1 << 30 : 0)
    if let p = hw { v |= 1 << 31 | p << 10 } else { v |= (eoi ? 1 << 19 : 0) | cpuid << 10 }
    return v
}

/// A GICv3 LR (IHI 0069 ICH_LR<n>_EL2): State 63:62, HW 61, Group 60, Priority 55:48,
/// pINTID 41:32 (HW) or EOI 41, vINTID 31:0.
func v3LR(_ vid: UInt64, state: UInt64 = 1, priority: UInt64 = 0xA0, group1: Bool = true,
          hw: UInt64? = nil, eoi: Bool = false) -> UInt64 {
    var v = vid | state << 62 | priority << 48 | (group1 ? 1 << 60 : 0)
    if let p = hw { v |= 1 << 61 | p << 32 } else if eoi { v |= 1 << 41 }
    return v
}

/// A GICv2 with a recording sink on each CPU, and 32-bit register access per frame as a CPU
/// would make it (`on(_:)` selects the banked copy).
final class V2 {
    let gic: GICv2
    let sinks: [RecordingSink]

    init(spis: Int = 64, cpus: Int = 1) {
        gic = GICv2(spiCount: spis, cpuCount: cpus)
        sinks = (0..<cpus).map { _ in RecordingSink() }
        for (i, s) in sinks.enumerated() { gic.connect(cpu: i, to: s) }
    }

    @discardableResult func on(_ cpu: Int) -> V2 { gic.accessingCPU = cpu; return self }

    func d(_ o: UInt64) -> UInt32 { UInt32(gic.distributor.read(offset: o, size: 4) ?? 0xDEAD_BEEF) }
    func d(_ o: UInt64, _ v: UInt32) { XCTAssertTrue(gic.distributor.write(offset: o, size: 4, value: UInt64(v))) }
    func c(_ o: UInt64) -> UInt32 { UInt32(gic.cpuInterface.read(offset: o, size: 4) ?? 0xDEAD_BEEF) }
    func c(_ o: UInt64, _ v: UInt32) { XCTAssertTrue(gic.cpuInterface.write(offset: o, size: 4, value: UInt64(v))) }
    func h(_ o: UInt64) -> UInt32 { UInt32(gic.virtualInterfaceControl.read(offset: o, size: 4) ?? 0xDEAD_BEEF) }
    func h(_ o: UInt64, _ v: UInt32) { XCTAssertTrue(gic.virtualInterfaceControl.write(offset: o, size: 4, value: UInt64(v))) }
    func v(_ o: UInt64) -> UInt32 { UInt32(gic.virtualCPUInterface.read(offset: o, size: 4) ?? 0xDEAD_BEEF) }
    func v(_ o: UInt64, _ val: UInt32) { XCTAssertTrue(gic.virtualCPUInterface.write(offset: o, size: 4, value: UInt64(val))) }

    /// Set one INTID's priority through the byte-accessible GICD_IPRIORITYR.
    func priority(_ id: Int, _ p: UInt8) {
        XCTAssertTrue(gic.distributor.write(offset: GICD.IPRIORITYR + UInt64(id), size: 1, value: UInt64(p)))
    }

    /// Enable INTID `id` (GICD_ISENABLERn).
    func enable(_ id: Int) { d(GICD.ISENABLER + UInt64(id / 32 * 4), 1 << UInt32(id % 32)) }
    /// Make INTID `id` pending (GICD_ISPENDRn).
    func pend(_ id: Int) { d(GICD.ISPENDR + UInt64(id / 32 * 4), 1 << UInt32(id % 32)) }
    func isPending(_ id: Int) -> Bool { d(GICD.ISPENDR + UInt64(id / 32 * 4)) >> UInt32(id % 32) & 1 != 0 }
    func isActive(_ id: Int) -> Bool { d(GICD.ISACTIVER + UInt64(id / 32 * 4)) >> UInt32(id % 32) & 1 != 0 }

    /// The usual bring-up: every priority 0xA0 (Linux's default), distributor on for both groups,
    /// each CPU interface on for Group 0 with the priority mask open (0xF8 lets every priority but
    /// the lowest through).
    func start() {
        d(GICD.CTLR, 3)
        for cpu in 0..<sinks.count {
            on(cpu)
            for n in 0..<(gic.interruptCount / 4) { d(GICD.IPRIORITYR + UInt64(4 * n), 0xA0A0_A0A0) }
            c(GICC.CTLR, 1)
            c(GICC.PMR, 0xF8)
        }
        on(0)
    }
}

/// A GICv3 with real CPUs connected (system registers and outputs).
final class V3 {
    let gic: GICv3
    let bus: PhysicalAddressSpace
    let cpus: [CPU]

    init(spis: Int = 64, cpus n: Int = 1, hasEL2: Bool = true) {
        gic = GICv3(spiCount: spis, cpuCount: n)
        let bus = PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: 1 << 20)!
        self.bus = bus
        let cache = DecodeCache(bus: bus)
        cpus = (0..<n).map { CPU(index: $0, bus: bus, decodeCache: cache, hasEL2: hasEL2, config: CPUConfig()) }
        for c in cpus {
            gic.connect(c)
            c.boot(entry: 0x4000_0000, el: 1)
        }
    }

    func d(_ o: UInt64) -> UInt32 { UInt32(gic.distributor.read(offset: o, size: 4) ?? 0xDEAD_BEEF) }
    func d(_ o: UInt64, _ v: UInt32) { XCTAssertTrue(gic.distributor.write(offset: o, size: 4, value: UInt64(v))) }
    func r(_ cpu: Int, _ o: UInt64) -> UInt32 {
        UInt32(gic.redistributors.read(offset: UInt64(cpu) * GICR.stride + o, size: 4) ?? 0xDEAD_BEEF)
    }
    func r(_ cpu: Int, _ o: UInt64, _ v: UInt32) {
        XCTAssertTrue(gic.redistributors.write(offset: UInt64(cpu) * GICR.stride + o, size: 4, value: UInt64(v)))
    }

    /// Wake every redistributor, enable both groups in the distributor, open each CPU's priority
    /// mask and enable Group 1 (and Group 0) at its CPU interface, as Linux's GICv3 driver does.
    func start() {
        d(GICD.CTLR, 3)
        for (i, c) in cpus.enumerated() {
            r(i, GICR.WAKER, 0)
            c.writeSysReg(.ICC_PMR_EL1, 0xF8)
            c.writeSysReg(.ICC_IGRPEN1_EL1, 1)
            c.writeSysReg(.ICC_IGRPEN0_EL1, 1)
        }
    }

    /// Configure SPI `id` as Group 1, priority `p`, routed to `target`'s affinity, enabled.
    func spi(_ id: Int, priority p: UInt8 = 0xA0, to target: Int = 0) {
        d(GICD.IGROUPR + UInt64(id / 32 * 4), d(GICD.IGROUPR + UInt64(id / 32 * 4)) | 1 << UInt32(id % 32))
        XCTAssertTrue(gic.distributor.write(offset: GICD.IPRIORITYR + UInt64(id), size: 1, value: UInt64(p)))
        XCTAssertTrue(gic.distributor.write(offset: GICD.IROUTER + 8 * UInt64(id), size: 8, value: UInt64(target)))
        d(GICD.ISENABLER + UInt64(id / 32 * 4), 1 << UInt32(id % 32))
    }

    /// Configure PPI/SGI `id` of CPU `cpu` as Group 1, priority `p`, enabled.
    func privateInterrupt(_ id: Int, cpu: Int = 0, priority p: UInt8 = 0xA0, group1: Bool = true) {
        let g = r(cpu, GICR.SGI + GICD.IGROUPR)
        r(cpu, GICR.SGI + GICD.IGROUPR, group1 ? g | 1 << UInt32(id) : g & ~(1 << UInt32(id)))
        XCTAssertTrue(gic.redistributors.write(offset: UInt64(cpu) * GICR.stride + GICR.SGI + GICD.IPRIORITYR + UInt64(id),
                                               size: 1, value: UInt64(p)))
        r(cpu, GICR.SGI + GICD.ISENABLER, 1 << UInt32(id))
    }
}
