// GICv2: a GIC-400 with the virtualization extensions (ARM IHI 0048B, GIC Architecture
// Specification v1.0 and v2.0; GIC-400 TRM, ARM DDI 0471). Four MMIO frames over one state:
// the distributor (GICD), the CPU interface (GICC), the virtual interface control (GICH) and
// the virtual CPU interface (GICV).
//
// armvm presents the GIC as one without the Security Extensions (GICD_TYPER.SecurityExtn = 0),
// as QEMU's virt machine does with security off: every register is reachable, Group 0 goes to
// IRQ (or FIQ with GICC_CTLR.FIQEn) and Group 1 to IRQ.
//
// Banked registers (SGI/PPI state, GICC, GICH, GICV) are those of `accessingCPU`: armvm runs one
// CPU at a time, and the board sets it before a CPU runs.
import ARMCore
import Bus

/// Constants of the GIC-400.
enum GIC400 {
    static let priorityMask = GICConstants.priorityMask
    /// Reads of a word-only register file: only aligned 32-bit accesses exist (IHI 0048B 4.1).
    static func isWordAccess(offset: UInt64, size: Int) -> Bool { size == 4 && offset & 3 == 0 }
}

/// One GIC-400: its four frames, its inputs and its outputs to each CPU.
public final class GICv2: InterruptController {
    public let distributor: GICv2Distributor
    public let cpuInterface: GICv2CPUInterface
    public let virtualInterfaceControl: GICv2VirtualInterfaceControl
    public let virtualCPUInterface: GICv2VirtualCPUInterface
    let core: GICv2Core

    /// `spiCount` must be a multiple of 32 (at most 988); `cpuCount` 1 to 8 (board configuration,
    /// never guest data).
    public init(spiCount: Int, cpuCount: Int = 1) {
        precondition(spiCount % 32 == 0 && spiCount <= 988 && (1...8).contains(cpuCount))
        core = GICv2Core(spiCount: spiCount, cpuCount: cpuCount)
        distributor = GICv2Distributor(core: core)
        cpuInterface = GICv2CPUInterface(core: core)
        virtualInterfaceControl = GICv2VirtualInterfaceControl(core: core)
        virtualCPUInterface = GICv2VirtualCPUInterface(core: core)
    }

    public var cpuCount: Int { core.cpuCount }
    public var interruptCount: Int { core.store.interruptCount }

    /// The CPU whose banked registers MMIO accesses reach. Values out of range are ignored.
    public var accessingCPU: Int {
        get { core.current }
        set { if newValue >= 0 && newValue < core.cpuCount { core.current = newValue } }
    }

    public func connect(cpu: Int, to sink: InterruptSink) {
        guard cpu >= 0 && cpu < core.cpuCount else { return }
        core.sinks[cpu] = sink
        core.outputs[cpu] = []
        sink.setInterruptInputs([])
        core.update()
    }

    /// Connect a CPU by its index.
    public func connect(_ cpu: CPU) { connect(cpu: cpu.index, to: cpu) }

    /// Told of interrupts raised, acknowledged and ended, list-register writes and maintenance
    /// interrupts (traces); nil costs one test per such event.
    public var observer: GICObserver? {
        get { core.observer }
        set { core.observer = newValue }
    }

    public func setLevel(intid: Int, cpu: Int, level: Bool) {
        // SGIs have no input; the maintenance interrupt is driven by the virtual interface.
        guard intid >= 16, intid != GICConstants.maintenanceINTID else { return }
        let bank = intid < 32 ? cpu : 0
        if let o = core.observer, level, intid < core.store.interruptCount, !core.store.levelIsHigh(intid, cpu: bank) {
            o(.asserted(intid: intid, cpu: cpu))
        }
        core.store.setLevel(intid, cpu: bank, level)
        core.update()
    }

    /// The outputs the GIC drives for CPU `cpu` now (irq, fiq, virq, vfiq).
    public func outputs(cpu: Int) -> InterruptInputs {
        guard cpu >= 0 && cpu < core.cpuCount else { return [] }
        return core.outputs[cpu]
    }
}

/// The GIC-400's state and delivery logic, shared by the four frames.
final class GICv2Core {
    let cpuCount: Int
    let store: InterruptStore
    var current = 0

    /// GICD_CTLR: EnableGrp0 (bit 0), EnableGrp1 (bit 1).
    var distributorControl: UInt32 = 0
    /// GICD_ITARGETSR of each SPI: a CPU mask.
    var targets: [UInt8]
    /// Pending SGIs by source: sgiSources[target * 16 + sgi] has bit s set when CPU s sent it
    /// (IHI 0048B GICD_SPENDSGIR: an SGI is pending separately for each source).
    var sgiSources: [UInt8]
    /// GICC_CTLR as written (bits 10:0) and the priority state behind GICC, per CPU.
    var cpuControl: [UInt32]
    var cpu: [PriorityState]
    /// GICH/GICV, per CPU.
    var virt: [VirtualInterface]
    var sinks: [InterruptSink?]
    var outputs: [InterruptInputs]
    var observer: GICObserver?

    init(spiCount: Int, cpuCount: Int) {
        self.cpuCount = cpuCount
        store = InterruptStore(cpuCount: cpuCount, spiCount: spiCount)
        // SGIs are permanently enabled on the GIC-400: GICD_ISENABLER0[15:0] are RAO/WI.
        for c in 0..<cpuCount { store.enabled[c] = 0xFFFF }
        targets = Array(repeating: 0, count: spiCount)
        sgiSources = Array(repeating: 0, count: cpuCount * 16)
        cpuControl = Array(repeating: 0, count: cpuCount)
        cpu = Array(repeating: PriorityState(), count: cpuCount)
        var v = VirtualInterface()
        // GICH_VMCR resets to 0x004C0000: VMBP 2, VMABP 3 (DDI 0471, GICH_VMCR).
        v.vmcr = 0x004C_0000
        virt = Array(repeating: v, count: cpuCount)
        sinks = Array(repeating: nil, count: cpuCount)
        outputs = Array(repeating: [], count: cpuCount)
    }

    /// INTIDs 0 to 15: the SGIs.
    @inline(__always) func isSGI(_ id: Int) -> Bool { id < 16 }

    func targetsCPU(spi id: Int, _ c: Int) -> Bool {
        // In a uniprocessor GIC every SPI goes to the one CPU (IHI 0048B GICD_ITARGETSR).
        cpuCount == 1 || targets[id - 32] >> UInt8(c) & 1 != 0
    }

    /// The most urgent interrupt pending for CPU `c` (InterruptStore.highestPending), with the
    /// GIC-400's group enables and SPI targets.
    func highestPending(_ c: Int) -> Candidate? {
        let ifc = cpu[c]
        return store.highestPending(cpu: c,
                                    groupEnabled: { distributorControl >> ($0 ? 1 : 0) & 1 != 0 && ifc.groupEnabled(group1: $0) },
                                    spiReaches: { id in targetsCPU(spi: id, c) })
    }

    /// The lowest CPU that has SGI `id` pending for CPU `c`.
    func sgiSource(_ id: Int, _ c: Int) -> Int {
        let s = sgiSources[c * 16 + id]
        return s == 0 ? 0 : s.trailingZeroBitCount
    }

    /// Recompute the maintenance interrupts and every CPU's outputs, and tell the CPUs.
    func update() {
        for c in 0..<cpuCount {
            let m = virt[c].maintenance
            if m, let o = observer, !store.levelIsHigh(GICConstants.maintenanceINTID, cpu: c) { o(.maintenance(cpu: c, misr: virt[c].misr)) }
            store.setLevel(GICConstants.maintenanceINTID, cpu: c, m)
        }
        for c in 0..<cpuCount {
            var out: InterruptInputs = []
            let ifc = cpu[c]
            if let best = highestPending(c), ifc.canSignal(best.priority, group1: best.group1) {
                out.insert(!best.group1 && ifc.fiqEn ? .fiq : .irq)
            }
            out.formUnion(virt[c].outputs(group0IsFIQ: virt[c].p.fiqEn))
            if out != outputs[c] {
                outputs[c] = out
                sinks[c]?.setInterruptInputs(out)
            }
        }
    }

    // MARK: CPU interface operations (IHI 0048B 3.2 "General handling of interrupts", 4.4)

    func highestPendingID(_ c: Int, _ view: AckView) -> UInt32 {
        guard let best = highestPending(c) else { return GICConstants.spurious }
        if let special = view.filter(group1: best.group1, ackCtl: cpu[c].ackCtl) { return special }
        return UInt32(best.id) | (isSGI(best.id) ? UInt32(sgiSource(best.id, c)) << 10 : 0)
    }

    /// GICC_IAR / GICC_AIAR: the interrupt becomes active (an SGI stays pending while other
    /// sources remain; a level-sensitive interrupt whose input is high becomes active and pending).
    func acknowledge(_ c: Int, _ view: AckView) -> UInt32 {
        guard let best = highestPending(c) else { return GICConstants.spurious }
        if let special = view.filter(group1: best.group1, ackCtl: cpu[c].ackCtl) { return special }
        guard cpu[c].canSignal(best.priority, group1: best.group1) else { return GICConstants.spurious }
        var value = UInt32(best.id)
        if isSGI(best.id) {
            let src = sgiSource(best.id, c)
            value |= UInt32(src) << 10
            sgiSources[c * 16 + best.id] &= ~(1 << UInt8(src))
            if sgiSources[c * 16 + best.id] == 0 { store.clearLatch(best.id, cpu: c) }
        } else {
            store.clearLatch(best.id, cpu: c)
        }
        store.setActive(best.id, cpu: c, true)
        cpu[c].activate(best.priority, group1: best.group1)
        update()
        return value
    }

    /// GICC_EOIR / GICC_AEOIR: priority drop, and deactivation unless EOImode splits them.
    func endOfInterrupt(_ c: Int, _ value: UInt32) {
        let id = Int(value & 0x3FF)
        guard id < 1020 else { return }
        cpu[c].dropPriority()
        if !cpu[c].eoiMode(group1: store.isGroup1(id, cpu: c)) { store.setActive(id, cpu: c, false) }
        update()
    }

    /// GICC_DIR, and a virtual interrupt's HW link: deactivate.
    func deactivate(_ c: Int, _ id: Int) {
        guard id < 1020 else { return }
        store.setActive(id, cpu: c, false)
        update()
    }

    /// GICD_SGIR (IHI 0048B GICD_SGIR): TargetListFilter 25:24, CPUTargetList 23:16, SGIINTID 3:0.
    func generateSGI(_ value: UInt32, from source: Int) {
        let id = Int(value & 0xF)
        let all = UInt8(truncatingIfNeeded: (1 << cpuCount) - 1)
        let list: UInt8
        switch value >> 24 & 3 {
        case 0: list = UInt8(truncatingIfNeeded: value >> 16) & all
        case 1: list = all & ~(1 << UInt8(source))
        case 2: list = 1 << UInt8(source)
        default: return  // reserved
        }
        for t in 0..<cpuCount where list >> UInt8(t) & 1 != 0 {
            sgiSources[t * 16 + id] |= 1 << UInt8(source)
            store.setLatch(id, cpu: t)
            observer?(.asserted(intid: id, cpu: t))
        }
        update()
    }
}

// MARK: - Distributor

/// GICD: the distributor frame (IHI 0048B 4.3; register map in Table 4-1).
public final class GICv2Distributor: BusDevice {
    public let name = "gicd"
    let core: GICv2Core

    static let GICD_CTLR: UInt64 = 0x000
    static let GICD_TYPER: UInt64 = 0x004
    static let GICD_IIDR: UInt64 = 0x008
    static let GICD_IGROUPR: UInt64 = 0x080
    static let GICD_ISENABLER: UInt64 = 0x100
    static let GICD_ISPENDR: UInt64 = 0x200
    static let GICD_ICPENDR: UInt64 = 0x280
    static let GICD_IPRIORITYR: UInt64 = 0x400
    static let GICD_ITARGETSR: UInt64 = 0x800
    static let GICD_ICFGR: UInt64 = 0xC00
    static let GICD_NSACR: UInt64 = 0xE00
    static let GICD_SGIR: UInt64 = 0xF00
    static let GICD_CPENDSGIR: UInt64 = 0xF10
    static let GICD_SPENDSGIR: UInt64 = 0xF20
    static let GICD_PIDR4: UInt64 = 0xFD0
    static let frameSize: UInt64 = 0x1000

    /// GICD_IIDR of the GIC-400: ProductID 0x02, Variant 0, Revision 0, Implementer 0x43B (ARM)
    /// (DDI 0471, "Distributor register summary").
    public static let iidr: UInt32 = 0x0200_043B
    /// PIDR4-PIDR7 at 0xFD0, PIDR0-PIDR3 at 0xFE0, CIDR0-CIDR3 at 0xFF0 (DDI 0471).
    /// PIDR2 = 0x2B: ArchRev (bits 7:4) = 2, a GICv2.
    static let identification: [UInt32] = [0x04, 0x00, 0x00, 0x00,
                                           0x90, 0xB4, 0x2B, 0x00,
                                           0x0D, 0xF0, 0x05, 0xB1]

    init(core: GICv2Core) { self.core = core }

    public var interruptCount: Int { core.store.interruptCount }
    public var cpuCount: Int { core.cpuCount }

    /// GICD_TYPER (IHI 0048B GICD_TYPER): ITLinesNumber = interrupts / 32 - 1, CPUNumber = CPUs - 1,
    /// SecurityExtn = 0.
    public var typer: UInt32 { UInt32(interruptCount / 32 - 1) | UInt32(cpuCount - 1) << 5 }

    /// An input line for SPI `spi` (INTID 32 + spi).
    public func inputLine(spi: Int) -> InterruptLine {
        let id = 32 + spi
        return InterruptLine { [core] high in
            core.store.setLevel(id, cpu: 0, high)
            core.update()
        }
    }

    /// Whether INTID `id` is enabled (banked ones as the accessing CPU sees them).
    public func isEnabled(_ id: Int) -> Bool { core.store.isEnabled(id, cpu: core.current) }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize else { return nil }
        if size == 1 { return isByteAccessible(offset) ? UInt64(readByte(offset)) : nil }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        let store = core.store, c = core.current
        switch offset {
        case Self.GICD_CTLR: return UInt64(core.distributorControl)
        case Self.GICD_TYPER: return UInt64(typer)
        case Self.GICD_IIDR: return UInt64(Self.iidr)
        case 0x080..<0x400:
            guard let (k, n) = BitRegister.at(offset), let w = store.registerWord(n, c) else { return 0 }
            return UInt64(store.read(k, word: w))
        case Self.GICD_IPRIORITYR..<Self.GICD_ICFGR, Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10:
            // Byte-field registers read as four bytes, lowest INTID in the lowest byte.
            var v: UInt64 = 0
            for i in 0..<4 { v |= UInt64(readByte(offset + UInt64(i))) << (8 * UInt64(i)) }
            return v
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            return UInt64(store.configRegister(Int(offset - Self.GICD_ICFGR) / 4, cpu: c))
        case Self.GICD_PIDR4..<Self.frameSize:
            return UInt64(Self.identification[Int(offset - Self.GICD_PIDR4) / 4])
        default:
            // NSACR, SGIR (write-only) and reserved space: RAZ/WI (IHI 0048B 4.1).
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize else { return false }
        if size == 1 {
            guard isByteAccessible(offset) else { return false }
            writeByte(offset, UInt8(truncatingIfNeeded: value))
            core.update()
            return true
        }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        let store = core.store, c = core.current
        switch offset {
        case Self.GICD_CTLR: core.distributorControl = v & 0x3
        case 0x080..<0x400:
            guard let (k, n) = BitRegister.at(offset), let w = store.registerWord(n, c) else { break }
            var writable: UInt32 = 0xFFFF_FFFF
            if n == 0 {
                switch k {
                // SGIs stay enabled (RAO/WI); their pending state is set and cleared only through
                // GICD_SGIR, GICD_SPENDSGIR and GICD_CPENDSGIR (IHI 0048B GICD_ISPENDR, GICD_ICPENDR).
                case .setEnable, .clearEnable, .setPending, .clearPending: writable = 0xFFFF_0000
                default: break
                }
            }
            store.write(k, word: w, v, writable: writable)
        case Self.GICD_IPRIORITYR..<Self.GICD_ICFGR, Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10:
            for i in 0..<4 { writeByte(offset + UInt64(i), UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            let n = Int((offset - Self.GICD_ICFGR) / 4)
            // ICFGR0 (SGIs) and ICFGR1 (PPIs) are read-only on the GIC-400. For SPIs only
            // Int_config[1], edge (1) or level (0), is writable (IHI 0048B GICD_ICFGR).
            if n >= 2 { store.setConfigRegister(n, cpu: c, v) }
        case Self.GICD_SGIR:
            core.generateSGI(v, from: c)
            return true
        default:
            // NSACR (no Security Extensions), the ID registers and reserved space ignore writes.
            break
        }
        core.update()
        return true
    }

    // GICD_IPRIORITYR, GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR are byte-accessible;
    // every other register is word-only (IHI 0048B 4.1).
    private func isByteAccessible(_ offset: UInt64) -> Bool {
        (Self.GICD_IPRIORITYR..<Self.GICD_ICFGR).contains(offset)
            || (Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10).contains(offset)
    }

    private func readByte(_ offset: UInt64) -> UInt8 {
        let store = core.store, c = core.current
        switch offset {
        case Self.GICD_IPRIORITYR..<Self.GICD_ITARGETSR:
            let id = Int(offset - Self.GICD_IPRIORITYR)
            return id < interruptCount ? store.priorityOf(id, cpu: c) : 0
        case Self.GICD_ITARGETSR..<Self.GICD_ICFGR:
            // In a uniprocessor implementation every GICD_ITARGETSR is RAZ/WI; SGI and PPI bytes are
            // read-only and each CPU reads its own mask (IHI 0048B GICD_ITARGETSR).
            let id = Int(offset - Self.GICD_ITARGETSR)
            guard cpuCount > 1, id < interruptCount else { return 0 }
            return id < 32 ? 1 << UInt8(c) : core.targets[id - 32]
        case Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10:
            // One byte per SGI of the accessing CPU: the CPUs it is pending from.
            return core.sgiSources[c * 16 + Int(offset & 0xF)]
        default:
            return 0
        }
    }

    private func writeByte(_ offset: UInt64, _ value: UInt8) {
        let store = core.store, c = core.current
        switch offset {
        case Self.GICD_IPRIORITYR..<Self.GICD_ITARGETSR:
            if let s = store.slot(Int(offset - Self.GICD_IPRIORITYR), c) { store.priority[s] = value & GIC400.priorityMask }
        case Self.GICD_ITARGETSR..<Self.GICD_ICFGR:
            let id = Int(offset - Self.GICD_ITARGETSR)
            if cpuCount > 1, id >= 32, id < interruptCount {
                core.targets[id - 32] = value & UInt8(truncatingIfNeeded: (1 << cpuCount) - 1)
            }
        case Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10:
            let sgi = Int(offset & 0xF)
            let mask = value & UInt8(truncatingIfNeeded: (1 << cpuCount) - 1)
            let slot = c * 16 + sgi
            if offset < Self.GICD_SPENDSGIR { core.sgiSources[slot] &= ~mask } else { core.sgiSources[slot] |= mask }
            if core.sgiSources[slot] == 0 { store.clearLatch(sgi, cpu: c) } else { store.setLatch(sgi, cpu: c) }
        default:
            break
        }
    }
}

// MARK: - CPU interface

/// GICC: the physical CPU interface frame (IHI 0048B 4.4; register map in Table 4-2), banked
/// per CPU.
public final class GICv2CPUInterface: BusDevice {
    public let name = "gicc"
    let core: GICv2Core

    static let GICC_CTLR: UInt64 = 0x0000
    static let GICC_PMR: UInt64 = 0x0004
    static let GICC_BPR: UInt64 = 0x0008
    static let GICC_IAR: UInt64 = 0x000C
    static let GICC_EOIR: UInt64 = 0x0010
    static let GICC_RPR: UInt64 = 0x0014
    static let GICC_HPPIR: UInt64 = 0x0018
    static let GICC_ABPR: UInt64 = 0x001C
    static let GICC_AIAR: UInt64 = 0x0020
    static let GICC_AEOIR: UInt64 = 0x0024
    static let GICC_AHPPIR: UInt64 = 0x0028
    static let GICC_APR0: UInt64 = 0x00D0
    static let GICC_NSAPR0: UInt64 = 0x00E0
    static let GICC_IIDR: UInt64 = 0x00FC
    static let GICC_DIR: UInt64 = 0x1000
    static let frameSize: UInt64 = 0x2000

    // GICC_CTLR without the Security Extensions (IHI 0048B GICC_CTLR).
    static let CTLR_EnableGrp0: UInt32 = 1 << 0
    static let CTLR_EnableGrp1: UInt32 = 1 << 1
    static let CTLR_AckCtl: UInt32 = 1 << 2
    static let CTLR_FIQEn: UInt32 = 1 << 3
    static let CTLR_CBPR: UInt32 = 1 << 4
    /// EOImodeS governs Group 0 interrupts, EOImodeNS Group 1.
    static let CTLR_EOImodeS: UInt32 = 1 << 9
    static let CTLR_EOImodeNS: UInt32 = 1 << 10

    /// GICC_IIDR of the GIC-400: ProductID 0x020, ArchVersion 2, Revision 1, Implementer 0x43B
    /// (DDI 0471, "CPU interface register summary").
    public static let iidr: UInt32 = 0x0202_143B

    init(core: GICv2Core) { self.core = core }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        let c = core.current
        let p = core.cpu[c]
        switch offset {
        case Self.GICC_CTLR: return UInt64(core.cpuControl[c])
        case Self.GICC_PMR: return UInt64(p.pmr)
        case Self.GICC_BPR: return UInt64(p.bpr0)
        case Self.GICC_ABPR: return UInt64(p.bpr1)
        case Self.GICC_IAR, Self.GICC_AIAR:
            let id = core.acknowledge(c, offset == Self.GICC_IAR ? .gicv2 : .group1)
            core.observer?(.acknowledged(cpu: c, register: offset == Self.GICC_IAR ? "GICC_IAR" : "GICC_AIAR", intid: id))
            return UInt64(id)
        case Self.GICC_HPPIR: return UInt64(core.highestPendingID(c, .gicv2))
        case Self.GICC_AHPPIR: return UInt64(core.highestPendingID(c, .group1))
        case Self.GICC_RPR: return UInt64(p.runningPriority)
        case Self.GICC_APR0: return UInt64(p.ap0)
        case Self.GICC_NSAPR0: return UInt64(p.ap1)
        case Self.GICC_IIDR: return UInt64(Self.iidr)
        default: return 0  // EOIR, AEOIR and DIR are write-only; the rest is reserved (RAZ/WI)
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let c = core.current
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICC_CTLR:
            let ctlr = v & 0x7FF
            core.cpuControl[c] = ctlr
            core.cpu[c].enableGrp0 = ctlr & Self.CTLR_EnableGrp0 != 0
            core.cpu[c].enableGrp1 = ctlr & Self.CTLR_EnableGrp1 != 0
            core.cpu[c].ackCtl = ctlr & Self.CTLR_AckCtl != 0
            core.cpu[c].fiqEn = ctlr & Self.CTLR_FIQEn != 0
            core.cpu[c].cbpr = ctlr & Self.CTLR_CBPR != 0
            core.cpu[c].eoiMode0 = ctlr & Self.CTLR_EOImodeS != 0
            core.cpu[c].eoiMode1 = ctlr & Self.CTLR_EOImodeNS != 0
        case Self.GICC_PMR: core.cpu[c].pmr = UInt8(truncatingIfNeeded: v) & GIC400.priorityMask
        // A binary point below the minimum reads back as the minimum (IHI 0048B 3.3 "Priority grouping").
        case Self.GICC_BPR: core.cpu[c].bpr0 = PriorityState.clampBPR0(value)
        case Self.GICC_ABPR: core.cpu[c].bpr1 = PriorityState.clampBPR1(value)
        case Self.GICC_EOIR, Self.GICC_AEOIR:
            core.observer?(.endOfInterrupt(cpu: c, register: offset == Self.GICC_EOIR ? "GICC_EOIR" : "GICC_AEOIR", intid: v))
            core.endOfInterrupt(c, v)
            return true
        case Self.GICC_DIR:
            core.observer?(.deactivated(cpu: c, register: "GICC_DIR", intid: v))
            core.deactivate(c, Int(v & 0x3FF))
            return true
        case Self.GICC_APR0: core.cpu[c].ap0 = v
        case Self.GICC_NSAPR0: core.cpu[c].ap1 = v
        default: return true
        }
        core.update()
        return true
    }
}

// MARK: - Virtual interface control

/// GICH: the hypervisor's virtual interface control frame (IHI 0048B 5.3; Table 5-1), banked
/// per CPU.
public final class GICv2VirtualInterfaceControl: BusDevice {
    public let name = "gich"
    let core: GICv2Core

    static let GICH_HCR: UInt64 = 0x000
    static let GICH_VTR: UInt64 = 0x004
    static let GICH_VMCR: UInt64 = 0x008
    static let GICH_MISR: UInt64 = 0x010
    static let GICH_EISR0: UInt64 = 0x020
    static let GICH_EISR1: UInt64 = 0x024
    static let GICH_ELRSR0: UInt64 = 0x030
    static let GICH_ELRSR1: UInt64 = 0x034
    static let GICH_APR: UInt64 = 0x0F0
    static let GICH_LR0: UInt64 = 0x100
    /// The registers occupy 0x000-0x1FF of a 4 KiB frame; the rest of the frame is reserved.
    static let frameSize: UInt64 = 0x1000

    /// GICH_VTR of the GIC-400 (DDI 0471): PRIbits-1 = 4 and PREbits-1 = 4 (5 bits each),
    /// ListRegs-1 = 3 (four list registers).
    public static let vtr: UInt32 = VirtualInterface.vtr
    public static let listRegisterCount = VirtualInterface.listRegisterCount
    static let lrEnd = GICH_LR0 + 4 * UInt64(listRegisterCount)

    init(core: GICv2Core) { self.core = core }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        let v = core.virt[core.current]
        switch offset {
        case Self.GICH_HCR: return UInt64(v.hcr)
        case Self.GICH_VTR: return UInt64(Self.vtr)
        case Self.GICH_VMCR: return UInt64(v.vmcr)
        case Self.GICH_MISR: return UInt64(v.misr)
        case Self.GICH_EISR0: return UInt64(v.eisr)
        case Self.GICH_ELRSR0: return UInt64(v.elrsr)
        // One register for both groups' active priorities (IHI 0048B GICH_APR).
        case Self.GICH_APR: return UInt64(v.p.ap0 | v.p.ap1)
        case Self.GICH_LR0..<Self.lrEnd: return UInt64(LR.toV2(v.lr[Int(offset - Self.GICH_LR0) / 4]))
        default: return 0  // EISR1, ELRSR1 (no LRs 32-63), unimplemented list registers, reserved: RAZ
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let c = core.current
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICH_HCR: core.virt[c].hcr = v & 0xF800_00FF
        case Self.GICH_VMCR: core.virt[c].vmcr = v
        case Self.GICH_APR:
            core.virt[c].p.ap0 = v
            core.virt[c].p.ap1 = 0
        case Self.GICH_LR0..<Self.lrEnd:
            let n = Int(offset - Self.GICH_LR0) / 4
            core.virt[c].lr[n] = LR.fromV2(v)
            core.observer?(.listRegisterWritten(cpu: c, register: "GICH_LR", index: n, value: core.virt[c].lr[n]))
        default: return true  // VTR, MISR, EISR, ELRSR are read-only; the rest is reserved
        }
        core.update()
        return true
    }
}

// MARK: - Virtual CPU interface

/// GICV: the virtual CPU interface a guest sees in place of GICC (IHI 0048B 5.4). Same layout as
/// GICC, backed by the list registers, GICH_VMCR and GICH_APR of the accessing CPU.
public final class GICv2VirtualCPUInterface: BusDevice {
    public let name = "gicv"
    let core: GICv2Core

    static let GICV_CTLR: UInt64 = 0x0000
    static let GICV_PMR: UInt64 = 0x0004
    static let GICV_BPR: UInt64 = 0x0008
    static let GICV_IAR: UInt64 = 0x000C
    static let GICV_EOIR: UInt64 = 0x0010
    static let GICV_RPR: UInt64 = 0x0014
    static let GICV_HPPIR: UInt64 = 0x0018
    static let GICV_ABPR: UInt64 = 0x001C
    static let GICV_AIAR: UInt64 = 0x0020
    static let GICV_AEOIR: UInt64 = 0x0024
    static let GICV_AHPPIR: UInt64 = 0x0028
    static let GICV_APR0: UInt64 = 0x00D0
    static let GICV_IIDR: UInt64 = 0x00FC
    static let GICV_DIR: UInt64 = 0x1000
    static let frameSize: UInt64 = 0x2000

    /// GICV_CTLR is GICH_VMCR bits 4:0 (EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR) and 9 (EOImode).
    static let ctlrFields: UInt32 = 0x1F | 1 << 9

    init(core: GICv2Core) { self.core = core }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        let c = core.current
        let v = core.virt[c]
        switch offset {
        case Self.GICV_CTLR: return UInt64(v.vmcr & Self.ctlrFields)
        case Self.GICV_PMR: return UInt64(v.p.pmr)
        case Self.GICV_BPR: return UInt64(v.p.bpr0)
        case Self.GICV_ABPR: return UInt64(v.p.bpr1)
        case Self.GICV_IAR, Self.GICV_AIAR:
            let id = core.virt[c].acknowledge(offset == Self.GICV_IAR ? .gicv2 : .group1, v2: true)
            core.observer?(.acknowledged(cpu: c, register: offset == Self.GICV_IAR ? "GICV_IAR" : "GICV_AIAR", intid: id))
            core.update()
            return UInt64(id)
        case Self.GICV_HPPIR: return UInt64(v.highestPendingID(.gicv2, v2: true))
        case Self.GICV_AHPPIR: return UInt64(v.highestPendingID(.group1, v2: true))
        case Self.GICV_RPR: return UInt64(v.p.runningPriority)
        case Self.GICV_APR0: return UInt64(v.p.ap0 | v.p.ap1)
        case Self.GICV_IIDR: return UInt64(GICv2CPUInterface.iidr)
        default: return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let c = core.current
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICV_CTLR:
            core.virt[c].vmcr = (core.virt[c].vmcr & ~Self.ctlrFields) | (v & Self.ctlrFields)
        case Self.GICV_PMR: core.virt[c].p.pmr = UInt8(truncatingIfNeeded: v) & GIC400.priorityMask
        case Self.GICV_BPR: core.virt[c].p.bpr0 = PriorityState.clampBPR0(value)
        case Self.GICV_ABPR: core.virt[c].p.bpr1 = PriorityState.clampBPR1(value)
        case Self.GICV_EOIR, Self.GICV_AEOIR:
            core.observer?(.endOfInterrupt(cpu: c, register: offset == Self.GICV_EOIR ? "GICV_EOIR" : "GICV_AEOIR", intid: v))
            // A HW list register deactivates its physical interrupt too (IHI 0048B GICH_LR.HW).
            if let physical = core.virt[c].endOfInterrupt(v, v2: true) { core.store.setActive(physical, cpu: c, false) }
        case Self.GICV_DIR:
            core.observer?(.deactivated(cpu: c, register: "GICV_DIR", intid: v))
            if let physical = core.virt[c].deactivate(v, v2: true) { core.store.setActive(physical, cpu: c, false) }
        case Self.GICV_APR0:
            core.virt[c].p.ap0 = v
            core.virt[c].p.ap1 = 0
        default: return true  // read-only and reserved registers ignore writes
        }
        core.update()
        return true
    }
}
