// GICv3 (ARM IHI 0069, GIC Architecture Specification v3 and v4): a distributor with affinity
// routing, one redistributor per CPU (RD_base and SGI_base frames, 0x20000 apart, as QEMU's
// virt board lays them out), and the system-register CPU interface (ICC_*_EL1, ICC_SRE_EL2),
// with the virtualization registers ICH_*_EL2 and the ICV_* view that EL1 gets when
// HCR_EL2.IMO/FMO are set. No ITS and no LPIs.
//
// One security state: GICD_CTLR.DS = 1, as QEMU's virt board with security off. Affinity
// routing is always on: GICD_CTLR.ARE is RAO/WI, as the architecture allows for an
// implementation without legacy operation (IHI 0069 GICD_CTLR). Group 0 is signalled as FIQ and
// Group 1 as IRQ (IHI 0069 4.6 "Interrupt grouping"; with DS = 1 there is no Secure Group 1).
import ARMCore
import Bus

/// One GICv3: its distributor and redistributor frames, its system registers, its inputs and
/// its outputs to each CPU.
public final class GICv3: InterruptController {
    /// GICD, a 64 KiB frame.
    public let distributor: GICv3Distributor
    /// Every CPU's redistributor, `redistributorStride` apart; map `redistributorRegionSize` bytes.
    public let redistributors: GICv3Redistributors
    /// The ICC_*/ICH_* registers, to install as each CPU's `interruptControllerRegisters`.
    public let systemRegisters: SystemRegisterProvider
    let core: GICv3Core

    public static let distributorSize: UInt64 = 0x1_0000
    public static let redistributorStride: UInt64 = 0x2_0000
    public var redistributorRegionSize: UInt64 { UInt64(core.cpuCount) * Self.redistributorStride }

    /// `spiCount` a multiple of 32, at most 988; `affinities` one MPIDR_EL1 per CPU (its Aff3-Aff0
    /// fields are used; at most 8 CPUs here as on the boards, though nothing depends on it).
    public init(spiCount: Int, affinities: [UInt64]) {
        precondition(spiCount % 32 == 0 && spiCount <= 988 && !affinities.isEmpty)
        core = GICv3Core(spiCount: spiCount, affinities: affinities)
        distributor = GICv3Distributor(core: core)
        redistributors = GICv3Redistributors(core: core)
        systemRegisters = core
    }

    /// CPUs 0 to `cpuCount - 1` with Aff0 = the CPU number, as on QEMU's virt board up to 8 CPUs.
    public convenience init(spiCount: Int, cpuCount: Int) {
        self.init(spiCount: spiCount, affinities: (0..<max(cpuCount, 1)).map { UInt64($0) })
    }

    public var cpuCount: Int { core.cpuCount }
    public var interruptCount: Int { core.store.interruptCount }

    public func connect(cpu: Int, to sink: InterruptSink) {
        guard cpu >= 0 && cpu < core.cpuCount else { return }
        core.sinks[cpu] = sink
        core.outputs[cpu] = []
        sink.setInterruptInputs([])
        core.update()
    }

    /// Connect a CPU by its index: its outputs and its system registers.
    public func connect(_ cpu: CPU) {
        cpu.interruptControllerRegisters = core
        connect(cpu: cpu.index, to: cpu)
    }

    /// Told of interrupts raised, acknowledged and ended, list-register writes and maintenance
    /// interrupts (traces); nil costs one test per such event.
    public var observer: GICObserver? {
        get { core.observer }
        set { core.observer = newValue }
    }

    public func setLevel(intid: Int, cpu: Int, level: Bool) {
        guard intid >= 16, intid != GICConstants.maintenanceINTID else { return }
        let bank = intid < 32 ? cpu : 0
        if let o = core.observer, level, intid < core.store.interruptCount, !core.store.levelIsHigh(intid, cpu: bank) {
            o(.asserted(intid: intid, cpu: cpu))
        }
        core.store.setLevel(intid, cpu: bank, level)
        core.update()
    }

    public func outputs(cpu: Int) -> InterruptInputs {
        guard cpu >= 0 && cpu < core.cpuCount else { return [] }
        return core.outputs[cpu]
    }
}

/// The GICv3's state and delivery logic, and its system-register CPU interface.
final class GICv3Core: SystemRegisterProvider {
    let cpuCount: Int
    let store: InterruptStore
    /// Each CPU's affinity in GICD_IROUTER layout: Aff3 39:32, Aff2 23:16, Aff1 15:8, Aff0 7:0.
    let affinity: [UInt64]

    /// GICD_CTLR EnableGrp0 (bit 0) and EnableGrp1 (bit 1).
    var distributorControl: UInt32 = 0
    /// GICD_IROUTER<n> of each SPI: affinity and Interrupt_Routing_Mode (bit 31).
    var route: [UInt64]
    /// GICR_WAKER.ProcessorSleep per CPU: set at reset. The GIC specification lets a sleeping
    /// redistributor forward nothing to its CPU interface (IHI 0069 11.1 "Power management"),
    /// but QEMU and KVM deliver regardless and some test software never clears the bit, so
    /// armvm delivers too: the bit and the ChildrenAsleep handshake only read back, and 1-of-N
    /// SPIs prefer awake CPUs.
    var processorSleep: [Bool]
    var cpu: [PriorityState]
    var virt: [VirtualInterface]
    var sinks: [InterruptSink?]
    var outputs: [InterruptInputs]
    var observer: GICObserver?

    static let IROUTER_IRM: UInt64 = 1 << 31
    static let affinityMask: UInt64 = 0xFF_00FF_FFFF

    init(spiCount: Int, affinities: [UInt64]) {
        cpuCount = affinities.count
        store = InterruptStore(cpuCount: cpuCount, spiCount: spiCount)
        affinity = affinities.map { $0 & 0xFF_FFFF | ($0 >> 32 & 0xFF) << 32 }
        route = Array(repeating: 0, count: spiCount)
        processorSleep = Array(repeating: true, count: cpuCount)
        var p = PriorityState()
        p.fiqEn = true
        cpu = Array(repeating: p, count: cpuCount)
        var v = VirtualInterface()
        v.vmcr = UInt32(GICConstants.minimumBPR0) << 21 | UInt32(GICConstants.minimumBPR1) << 18
        virt = Array(repeating: v, count: cpuCount)
        sinks = Array(repeating: nil, count: cpuCount)
        outputs = Array(repeating: [], count: cpuCount)
    }

    // MARK: Delivery

    /// The CPU that takes a 1-of-N SPI of a group (IRM = 1): the lowest-numbered awake CPU with
    /// the group enabled, else the lowest with it enabled, else the lowest awake CPU, else CPU 0.
    /// The architecture leaves the choice to the implementation (IHI 0069 4.4 "Routing SPIs");
    /// this one is deterministic.
    func oneOfNTarget(group1: Bool) -> Int {
        var enabled = -1, awake = -1
        for c in 0..<cpuCount {
            let on = cpu[c].groupEnabled(group1: group1)
            if on && !processorSleep[c] { return c }
            if on && enabled < 0 { enabled = c }
            if !processorSleep[c] && awake < 0 { awake = c }
        }
        return enabled >= 0 ? enabled : max(awake, 0)
    }

    func routesTo(spi id: Int, _ c: Int, oneOfN: (Int, Int)) -> Bool {
        let r = route[id - 32]
        if r & Self.IROUTER_IRM != 0 { return (store.isGroup1(id, cpu: 0) ? oneOfN.1 : oneOfN.0) == c }
        return r & Self.affinityMask == affinity[c]
    }

    /// The most urgent interrupt pending for CPU `c` (see GICv2Core.highestPending).
    func highestPending(_ c: Int) -> Candidate? {
        let ifc = cpu[c]
        let oneOfN = (oneOfNTarget(group1: false), oneOfNTarget(group1: true))
        return store.highestPending(cpu: c,
                                    groupEnabled: { distributorControl >> ($0 ? 1 : 0) & 1 != 0 && ifc.groupEnabled(group1: $0) },
                                    spiReaches: { id in routesTo(spi: id, c, oneOfN: oneOfN) })
    }

    func update() {
        for c in 0..<cpuCount {
            let m = virt[c].maintenance
            if m, let o = observer, !store.levelIsHigh(GICConstants.maintenanceINTID, cpu: c) { o(.maintenance(cpu: c, misr: virt[c].misr)) }
            store.setLevel(GICConstants.maintenanceINTID, cpu: c, m)
        }
        for c in 0..<cpuCount {
            var out: InterruptInputs = []
            if let best = highestPending(c), cpu[c].canSignal(best.priority, group1: best.group1) {
                out.insert(best.group1 ? .irq : .fiq)
            }
            // Virtual Group 0 is always a virtual FIQ with the system-register interface.
            out.formUnion(virt[c].outputs(group0IsFIQ: true))
            if out != outputs[c] {
                outputs[c] = out
                sinks[c]?.setInterruptInputs(out)
            }
        }
    }

    func highestPendingID(_ c: Int, _ view: AckView) -> UInt32 {
        guard let best = highestPending(c) else { return GICConstants.spurious }
        return view.filter(group1: best.group1, ackCtl: false) ?? UInt32(best.id)
    }

    /// ICC_IAR0_EL1 / ICC_IAR1_EL1 (IHI 0069 ICC_IAR1_EL1).
    func acknowledge(_ c: Int, _ view: AckView) -> UInt32 {
        guard let best = highestPending(c) else { return GICConstants.spurious }
        if let special = view.filter(group1: best.group1, ackCtl: false) { return special }
        guard cpu[c].canSignal(best.priority, group1: best.group1) else { return GICConstants.spurious }
        store.clearLatch(best.id, cpu: c)
        store.setActive(best.id, cpu: c, true)
        cpu[c].activate(best.priority, group1: best.group1)
        update()
        return UInt32(best.id)
    }

    /// ICC_EOIR0_EL1 / ICC_EOIR1_EL1: priority drop, and deactivation when ICC_CTLR_EL1.EOImode is 0.
    func endOfInterrupt(_ c: Int, _ value: UInt64) {
        let id = Int(value & 0xFF_FFFF)
        if id >= 1020 && id <= 1023 { return }
        cpu[c].dropPriority()
        if !cpu[c].eoiMode0 { store.setActive(id, cpu: c, false) }
        update()
    }

    /// ICC_SGI0R_EL1 / ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 (IHI 0069 ICC_SGI1R_EL1): TargetList 15:0,
    /// Aff1 23:16, INTID 27:24, Aff2 39:32, IRM 40, RS 47:44, Aff3 55:48.
    func generateSGI(_ value: UInt64, from source: Int) {
        let id = Int(value >> 24 & 0xF)
        let irm = value >> 40 & 1 != 0
        let upper = (value >> 16 & 0xFF) << 8 | (value >> 32 & 0xFF) << 16 | (value >> 48 & 0xFF) << 32
        let rangeBase = (value >> 44 & 0xF) * 16
        for t in 0..<cpuCount {
            if irm {
                if t == source { continue }
            } else {
                let a = affinity[t]
                guard a & ~0xFF == upper else { continue }
                let aff0 = a & 0xFF
                guard aff0 >= rangeBase, aff0 < rangeBase + 16, value >> (aff0 - rangeBase) & 1 != 0 else { continue }
            }
            store.setLatch(id, cpu: t)
            observer?(.asserted(intid: id, cpu: t))
        }
        update()
    }

    // MARK: System registers

    /// ICC_CTLR_EL1 read-only fields: PRIbits 10:8 = 4 (5 bits), IDbits 13:11 = 0 (16 bits),
    /// A3V 15 = 1 (IHI 0069 ICC_CTLR_EL1).
    static let ctlrFixed: UInt64 = 4 << 8 | 1 << 15
    /// ICV_CTLR_EL1's: PRIbits 4, IDbits 0, A3V 0 (from ICH_VTR_EL2).
    static let virtualCtlrFixed: UInt64 = 4 << 8

    /// Whether an EL1 access to a register of these groups goes to the virtual interface:
    /// HCR_EL2.FMO for Group 0 registers, IMO for Group 1, either for the common ones
    /// (IHI 0069, each ICC_* register's accessibility pseudocode).
    private func isVirtual(_ cpu: CPU, group0: Bool, group1: Bool) -> Bool {
        guard cpu.el == 1, cpu.hasEL2 else { return false }
        let hcr = cpu.sysregs[SysReg.HCR_EL2]
        return (group0 && hcr & HCR.FMO != 0) || (group1 && hcr & HCR.IMO != 0)
    }

    func read(_ reg: SysReg, cpu cpuState: CPU) -> UInt64 {
        let c = cpuState.index
        guard c >= 0 && c < cpuCount else { return 0 }
        switch reg {
        case .ICC_PMR_EL1:
            return UInt64(isVirtual(cpuState, group0: true, group1: true) ? virt[c].p.pmr : cpu[c].pmr)
        case .ICC_RPR_EL1:
            return UInt64(isVirtual(cpuState, group0: true, group1: true) ? virt[c].p.runningPriority : cpu[c].runningPriority)
        case .ICC_CTLR_EL1:
            if isVirtual(cpuState, group0: true, group1: true) {
                let p = virt[c].p
                return Self.virtualCtlrFixed | (p.cbpr ? 1 : 0) | (p.eoiMode0 ? 2 : 0)
            }
            return Self.ctlrFixed | (cpu[c].cbpr ? 1 : 0) | (cpu[c].eoiMode0 ? 2 : 0)
        case .ICC_IAR0_EL1, .ICC_IAR1_EL1:
            let g1 = reg == .ICC_IAR1_EL1
            if isVirtual(cpuState, group0: !g1, group1: g1) {
                let id = virt[c].acknowledge(g1 ? .group1 : .group0, v2: false)
                observer?(.acknowledged(cpu: c, register: g1 ? "ICV_IAR1_EL1" : "ICV_IAR0_EL1", intid: id))
                update()
                return UInt64(id)
            }
            let id = acknowledge(c, g1 ? .group1 : .group0)
            observer?(.acknowledged(cpu: c, register: g1 ? "ICC_IAR1_EL1" : "ICC_IAR0_EL1", intid: id))
            return UInt64(id)
        case .ICC_HPPIR0_EL1, .ICC_HPPIR1_EL1:
            let g1 = reg == .ICC_HPPIR1_EL1
            if isVirtual(cpuState, group0: !g1, group1: g1) {
                return UInt64(virt[c].highestPendingID(g1 ? .group1 : .group0, v2: false))
            }
            return UInt64(highestPendingID(c, g1 ? .group1 : .group0))
        case .ICC_BPR0_EL1:
            return UInt64(isVirtual(cpuState, group0: true, group1: false) ? virt[c].p.bpr0 : cpu[c].bpr0)
        case .ICC_BPR1_EL1:
            // With CBPR set, Group 1 uses (and BPR1 reads as) the Group 0 binary point.
            let p = isVirtual(cpuState, group0: false, group1: true) ? virt[c].p : cpu[c]
            return UInt64(p.cbpr ? p.bpr0 : p.bpr1)
        case .ICC_AP0R0_EL1:
            return UInt64(isVirtual(cpuState, group0: true, group1: false) ? virt[c].p.ap0 : cpu[c].ap0)
        case .ICC_AP1R0_EL1:
            return UInt64(isVirtual(cpuState, group0: false, group1: true) ? virt[c].p.ap1 : cpu[c].ap1)
        case .ICC_IGRPEN0_EL1:
            return isVirtual(cpuState, group0: true, group1: false) ? (virt[c].p.enableGrp0 ? 1 : 0) : (cpu[c].enableGrp0 ? 1 : 0)
        case .ICC_IGRPEN1_EL1:
            return isVirtual(cpuState, group0: false, group1: true) ? (virt[c].p.enableGrp1 ? 1 : 0) : (cpu[c].enableGrp1 ? 1 : 0)
        // SRE, DFB, DIB RAO/WI (and Enable at EL2): only the system-register interface exists.
        case .ICC_SRE_EL1: return 0x7
        case .ICC_SRE_EL2: return 0xF
        case .ICH_HCR_EL2: return UInt64(virt[c].hcr)
        case .ICH_VTR_EL2: return UInt64(VirtualInterface.vtr)
        case .ICH_VMCR_EL2: return UInt64(virt[c].vmcr)
        case .ICH_MISR_EL2: return UInt64(virt[c].misr)
        case .ICH_EISR_EL2: return UInt64(virt[c].eisr)
        case .ICH_ELRSR_EL2: return UInt64(virt[c].elrsr)
        case .ICH_AP0R0_EL2: return UInt64(virt[c].p.ap0)
        case .ICH_AP1R0_EL2: return UInt64(virt[c].p.ap1)
        case .ICH_LR0_EL2, .ICH_LR1_EL2, .ICH_LR2_EL2, .ICH_LR3_EL2:
            return virt[c].lr[reg.rawValue - SysReg.ICH_LR0_EL2.rawValue]
        default:
            // Write-only registers (EOIR, DIR, SGI*R) read as zero; MRS of them is UNDEFINED before this.
            return 0
        }
    }

    func write(_ reg: SysReg, value: UInt64, cpu cpuState: CPU) {
        let c = cpuState.index
        guard c >= 0 && c < cpuCount else { return }
        switch reg {
        case .ICC_PMR_EL1:
            let v = UInt8(truncatingIfNeeded: value) & GICConstants.priorityMask
            if isVirtual(cpuState, group0: true, group1: true) { virt[c].p.pmr = v } else { cpu[c].pmr = v }
        case .ICC_CTLR_EL1:
            let cbpr = value & 1 != 0, eoi = value & 2 != 0
            if isVirtual(cpuState, group0: true, group1: true) {
                virt[c].p.cbpr = cbpr
                virt[c].p.eoiMode0 = eoi
                virt[c].p.eoiMode1 = eoi
            } else {
                cpu[c].cbpr = cbpr
                cpu[c].eoiMode0 = eoi
                cpu[c].eoiMode1 = eoi
            }
        case .ICC_EOIR0_EL1, .ICC_EOIR1_EL1:
            let g1 = reg == .ICC_EOIR1_EL1
            let id = UInt32(truncatingIfNeeded: value)
            if isVirtual(cpuState, group0: !g1, group1: g1) {
                observer?(.endOfInterrupt(cpu: c, register: g1 ? "ICV_EOIR1_EL1" : "ICV_EOIR0_EL1", intid: id))
                virtualDeactivate(c, virt[c].endOfInterrupt(UInt32(truncatingIfNeeded: value), v2: false))
            } else {
                observer?(.endOfInterrupt(cpu: c, register: g1 ? "ICC_EOIR1_EL1" : "ICC_EOIR0_EL1", intid: id))
                endOfInterrupt(c, value)
                return
            }
        case .ICC_DIR_EL1:
            let virtual = isVirtual(cpuState, group0: true, group1: true)
            observer?(.deactivated(cpu: c, register: virtual ? "ICV_DIR_EL1" : "ICC_DIR_EL1", intid: UInt32(truncatingIfNeeded: value)))
            if virtual {
                virtualDeactivate(c, virt[c].deactivate(UInt32(truncatingIfNeeded: value), v2: false))
            } else {
                let id = Int(value & 0xFF_FFFF)
                if id < 1020 { store.setActive(id, cpu: c, false) }
            }
        case .ICC_BPR0_EL1:
            let v = PriorityState.clampBPR0(value)
            if isVirtual(cpuState, group0: true, group1: false) { virt[c].p.bpr0 = v } else { cpu[c].bpr0 = v }
        case .ICC_BPR1_EL1:
            // Ignored while CBPR is set (IHI 0069 ICC_BPR1_EL1).
            let v = PriorityState.clampBPR1(value)
            if isVirtual(cpuState, group0: false, group1: true) {
                if !virt[c].p.cbpr { virt[c].p.bpr1 = v }
            } else if !cpu[c].cbpr {
                cpu[c].bpr1 = v
            }
        case .ICC_AP0R0_EL1:
            let v = UInt32(truncatingIfNeeded: value)
            if isVirtual(cpuState, group0: true, group1: false) { virt[c].p.ap0 = v } else { cpu[c].ap0 = v }
        case .ICC_AP1R0_EL1:
            let v = UInt32(truncatingIfNeeded: value)
            if isVirtual(cpuState, group0: false, group1: true) { virt[c].p.ap1 = v } else { cpu[c].ap1 = v }
        case .ICC_IGRPEN0_EL1:
            if isVirtual(cpuState, group0: true, group1: false) { virt[c].p.enableGrp0 = value & 1 != 0 } else { cpu[c].enableGrp0 = value & 1 != 0 }
        case .ICC_IGRPEN1_EL1:
            if isVirtual(cpuState, group0: false, group1: true) { virt[c].p.enableGrp1 = value & 1 != 0 } else { cpu[c].enableGrp1 = value & 1 != 0 }
        case .ICC_SGI0R_EL1, .ICC_SGI1R_EL1, .ICC_ASGI1R_EL1:
            // EL1 writes with HCR_EL2.IMO/FMO set were trapped to EL2 before reaching here.
            generateSGI(value, from: c)
            return
        case .ICH_HCR_EL2:
            // EOIcount 31:27, the trap controls TDIR 14, TSEI 13, TALL1 12, TALL0 11, TC 10 (the
            // CPU's access checks act on all but TSEI: CPU.ichTrapBits), the enables 7:0.
            virt[c].hcr = UInt32(truncatingIfNeeded: value) & 0xF800_7CFF
        case .ICH_VMCR_EL2: virt[c].vmcr = UInt32(truncatingIfNeeded: value)
        case .ICH_AP0R0_EL2: virt[c].p.ap0 = UInt32(truncatingIfNeeded: value)
        case .ICH_AP1R0_EL2: virt[c].p.ap1 = UInt32(truncatingIfNeeded: value)
        case .ICH_LR0_EL2, .ICH_LR1_EL2, .ICH_LR2_EL2, .ICH_LR3_EL2:
            let n = reg.rawValue - SysReg.ICH_LR0_EL2.rawValue
            virt[c].lr[n] = LR.sanitizeV3(value)
            observer?(.listRegisterWritten(cpu: c, register: "ICH_LR", index: n, value: virt[c].lr[n]))
        default:
            // ICC_SRE_EL1/EL2 (RAO/WI) and the read-only registers.
            return
        }
        update()
    }

    /// A HW list register's deactivation reaches the physical interrupt (IHI 0069 ICH_LR<n>_EL2.HW).
    private func virtualDeactivate(_ c: Int, _ physical: Int?) {
        if let p = physical { store.setActive(p, cpu: c, false) }
    }
}

// MARK: - Distributor

/// GICD (IHI 0069 12.9; register map in Table 12-25), with affinity routing.
public final class GICv3Distributor: BusDevice {
    public let name = "gicd"
    let core: GICv3Core

    static let GICD_CTLR: UInt64 = 0x0000
    static let GICD_TYPER: UInt64 = 0x0004
    static let GICD_IIDR: UInt64 = 0x0008
    static let GICD_IPRIORITYR: UInt64 = 0x0400
    static let GICD_ICFGR: UInt64 = 0x0C00
    static let GICD_IROUTER: UInt64 = 0x6000
    static let GICD_PIDR2: UInt64 = 0xFFE8

    // GICD_CTLR with DS = 1: EnableGrp0 0, EnableGrp1 1, ARE 4, DS 6.
    static let CTLR_ARE: UInt32 = 1 << 4
    static let CTLR_DS: UInt32 = 1 << 6

    /// Implementer 0x43B (Arm), product 0: a GICv3 of armvm's own.
    public static let iidr: UInt32 = 0x0000_043B
    /// PIDR2.ArchRev (bits 7:4) = 3: a GICv3.
    static let pidr2: UInt32 = 0x3B

    init(core: GICv3Core) { self.core = core }

    /// GICD_TYPER: ITLinesNumber, CPUNumber, IDbits 23:19 = 9 (10-bit INTIDs), A3V 24; no
    /// LPIs, no MBIs, no Security Extensions, 1-of-N supported (No1N = 0).
    public var typer: UInt32 {
        UInt32(core.store.interruptCount / 32 - 1) | UInt32(min(core.cpuCount, 8) - 1) << 5 | 9 << 19 | 1 << 24
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < GICv3.distributorSize else { return nil }
        let store = core.store
        if size == 1 {
            guard (Self.GICD_IPRIORITYR..<Self.GICD_IPRIORITYR + 0x400).contains(offset) else { return nil }
            return UInt64(priority(Int(offset - Self.GICD_IPRIORITYR)))
        }
        if isRouter(offset) {
            guard size == 8 && offset & 7 == 0 || size == 4 && offset & 3 == 0 else { return nil }
            let id = Int(offset - Self.GICD_IROUTER) / 8
            let r = id >= 32 && id < store.interruptCount ? core.route[id - 32] : 0
            return size == 8 ? r : (offset & 4 == 0 ? r & 0xFFFF_FFFF : r >> 32)
        }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        switch offset {
        case Self.GICD_CTLR: return UInt64(core.distributorControl | Self.CTLR_ARE | Self.CTLR_DS)
        case Self.GICD_TYPER: return UInt64(typer)
        case Self.GICD_IIDR: return UInt64(Self.iidr)
        case 0x080..<0x400:
            // With affinity routing the SGI/PPI words are the redistributors' (RAZ/WI here).
            guard let (k, n) = BitRegister.at(offset), n > 0, let w = store.registerWord(n, 0) else { return 0 }
            return UInt64(store.read(k, word: w))
        case Self.GICD_IPRIORITYR..<Self.GICD_IPRIORITYR + 0x400:
            var v: UInt64 = 0
            for i in 0..<4 { v |= UInt64(priority(Int(offset - Self.GICD_IPRIORITYR) + i)) << (8 * UInt64(i)) }
            return v
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            let n = Int(offset - Self.GICD_ICFGR) / 4
            return n >= 2 ? UInt64(store.configRegister(n, cpu: 0)) : 0
        case Self.GICD_PIDR2: return UInt64(Self.pidr2)
        default:
            // ITARGETSR, IGRPMODR, NSACR (RAZ/WI with ARE and DS), SGIR, reserved.
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < GICv3.distributorSize else { return false }
        let store = core.store
        if size == 1 {
            guard (Self.GICD_IPRIORITYR..<Self.GICD_IPRIORITYR + 0x400).contains(offset) else { return false }
            setPriority(Int(offset - Self.GICD_IPRIORITYR), UInt8(truncatingIfNeeded: value))
            core.update()
            return true
        }
        if isRouter(offset) {
            guard size == 8 && offset & 7 == 0 || size == 4 && offset & 3 == 0 else { return false }
            let id = Int(offset - Self.GICD_IROUTER) / 8
            guard id >= 32 && id < store.interruptCount else { return true }
            var r = core.route[id - 32]
            if size == 8 { r = value } else if offset & 4 == 0 {
                r = (r & ~0xFFFF_FFFF) | (value & 0xFFFF_FFFF)
            } else {
                r = (r & 0xFFFF_FFFF) | (value & 0xFFFF_FFFF) << 32
            }
            core.route[id - 32] = r & (GICv3Core.affinityMask | GICv3Core.IROUTER_IRM)
            core.update()
            return true
        }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICD_CTLR: core.distributorControl = v & 0x3
        case 0x080..<0x400:
            guard let (k, n) = BitRegister.at(offset), n > 0, let w = store.registerWord(n, 0) else { break }
            store.write(k, word: w, v)
        case Self.GICD_IPRIORITYR..<Self.GICD_IPRIORITYR + 0x400:
            for i in 0..<4 {
                setPriority(Int(offset - Self.GICD_IPRIORITYR) + i, UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))))
            }
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            let n = Int(offset - Self.GICD_ICFGR) / 4
            if n >= 2 { store.setConfigRegister(n, cpu: 0, v) }
        default: break
        }
        core.update()
        return true
    }

    private func isRouter(_ offset: UInt64) -> Bool { offset >= Self.GICD_IROUTER && offset < Self.GICD_IROUTER + 8 * 1024 }

    private func priority(_ id: Int) -> UInt8 { id >= 32 ? core.store.priorityOf(id, cpu: 0) : 0 }

    private func setPriority(_ id: Int, _ value: UInt8) {
        guard id >= 32, let s = core.store.slot(id, 0) else { return }
        core.store.priority[s] = value & GICConstants.priorityMask
    }
}

// MARK: - Redistributors

/// Every CPU's redistributor: RD_base (control, identification, power) at +0 and SGI_base (the
/// SGI and PPI state) at +0x10000, 0x20000 per CPU (IHI 0069 12.10, 12.11; Table 12-27, 12-29).
public final class GICv3Redistributors: BusDevice {
    public let name = "gicr"
    let core: GICv3Core

    static let GICR_CTLR: UInt64 = 0x0000
    static let GICR_IIDR: UInt64 = 0x0004
    static let GICR_TYPER: UInt64 = 0x0008
    static let GICR_WAKER: UInt64 = 0x0014
    static let GICR_PIDR2: UInt64 = 0xFFE8
    static let sgiBase: UInt64 = 0x1_0000
    static let GICR_IPRIORITYR: UInt64 = 0x0400
    static let GICR_ICFGR0: UInt64 = 0x0C00
    static let GICR_ICFGR1: UInt64 = 0x0C04

    static let WAKER_ProcessorSleep: UInt32 = 1 << 1
    static let WAKER_ChildrenAsleep: UInt32 = 1 << 2

    init(core: GICv3Core) { self.core = core }

    /// GICR_TYPER: Affinity_Value 63:32, Processor_Number 23:8, Last 4 (IHI 0069 GICR_TYPER).
    func typer(_ c: Int) -> UInt64 {
        let a = core.affinity[c]
        let affinityValue = (a & 0xFF_FFFF) | (a >> 32 & 0xFF) << 24
        return affinityValue << 32 | UInt64(c) << 8 | (c == core.cpuCount - 1 ? 1 << 4 : 0)
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < UInt64(core.cpuCount) * GICv3.redistributorStride else { return nil }
        let c = Int(offset / GICv3.redistributorStride)
        let off = offset % GICv3.redistributorStride
        let store = core.store
        if off == Self.GICR_TYPER && size == 8 { return typer(c) }
        if size == 1 {
            guard off >= Self.sgiBase + Self.GICR_IPRIORITYR, off < Self.sgiBase + Self.GICR_IPRIORITYR + 32 else { return nil }
            return UInt64(store.priorityOf(Int(off - Self.sgiBase - Self.GICR_IPRIORITYR), cpu: c))
        }
        guard GIC400.isWordAccess(offset: off, size: size) else { return nil }
        switch off {
        case Self.GICR_IIDR: return UInt64(GICv3Distributor.iidr)
        case Self.GICR_TYPER: return typer(c) & 0xFFFF_FFFF
        case Self.GICR_TYPER + 4: return typer(c) >> 32
        case Self.GICR_WAKER:
            return core.processorSleep[c] ? UInt64(Self.WAKER_ProcessorSleep | Self.WAKER_ChildrenAsleep) : 0
        case Self.GICR_PIDR2: return UInt64(GICv3Distributor.pidr2)
        case Self.sgiBase + 0x080..<Self.sgiBase + 0x084, Self.sgiBase + 0x100..<Self.sgiBase + 0x104,
             Self.sgiBase + 0x180..<Self.sgiBase + 0x184, Self.sgiBase + 0x200..<Self.sgiBase + 0x204,
             Self.sgiBase + 0x280..<Self.sgiBase + 0x284, Self.sgiBase + 0x300..<Self.sgiBase + 0x304,
             Self.sgiBase + 0x380..<Self.sgiBase + 0x384:
            guard let (k, _) = BitRegister.at(off - Self.sgiBase) else { return 0 }
            return UInt64(store.read(k, word: c))
        case Self.sgiBase + Self.GICR_IPRIORITYR..<Self.sgiBase + Self.GICR_IPRIORITYR + 32:
            let first = Int(off - Self.sgiBase - Self.GICR_IPRIORITYR)
            var v: UInt64 = 0
            for i in 0..<4 { v |= UInt64(store.priorityOf(first + i, cpu: c)) << (8 * UInt64(i)) }
            return v
        case Self.sgiBase + Self.GICR_ICFGR0: return UInt64(store.configRegister(0, cpu: c))
        case Self.sgiBase + Self.GICR_ICFGR1: return UInt64(store.configRegister(1, cpu: c))
        default:
            // GICR_CTLR (no LPIs: EnableLPIs RAZ/WI, nothing to wait for), STATUSR, PROPBASER,
            // PENDBASER, IGRPMODR0, NSACR and reserved space: RAZ/WI.
            return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < UInt64(core.cpuCount) * GICv3.redistributorStride else { return false }
        let c = Int(offset / GICv3.redistributorStride)
        let off = offset % GICv3.redistributorStride
        let store = core.store
        if off == Self.GICR_TYPER && size == 8 { return true }
        if size == 1 {
            guard off >= Self.sgiBase + Self.GICR_IPRIORITYR, off < Self.sgiBase + Self.GICR_IPRIORITYR + 32 else { return false }
            if let s = store.slot(Int(off - Self.sgiBase - Self.GICR_IPRIORITYR), c) {
                store.priority[s] = UInt8(truncatingIfNeeded: value) & GICConstants.priorityMask
            }
            core.update()
            return true
        }
        guard GIC400.isWordAccess(offset: off, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        switch off {
        case Self.GICR_WAKER:
            // ChildrenAsleep follows ProcessorSleep at once: there is nothing to quiesce.
            core.processorSleep[c] = v & Self.WAKER_ProcessorSleep != 0
        case Self.sgiBase + 0x080..<Self.sgiBase + 0x084, Self.sgiBase + 0x100..<Self.sgiBase + 0x104,
             Self.sgiBase + 0x180..<Self.sgiBase + 0x184, Self.sgiBase + 0x200..<Self.sgiBase + 0x204,
             Self.sgiBase + 0x280..<Self.sgiBase + 0x284, Self.sgiBase + 0x300..<Self.sgiBase + 0x304,
             Self.sgiBase + 0x380..<Self.sgiBase + 0x384:
            if let (k, _) = BitRegister.at(off - Self.sgiBase) { store.write(k, word: c, v) }
        case Self.sgiBase + Self.GICR_IPRIORITYR..<Self.sgiBase + Self.GICR_IPRIORITYR + 32:
            let first = Int(off - Self.sgiBase - Self.GICR_IPRIORITYR)
            for i in 0..<4 {
                if let s = store.slot(first + i, c) {
                    store.priority[s] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) & GICConstants.priorityMask
                }
            }
        // GICR_ICFGR0 (SGIs) is read-only, edge; PPIs may be configured (Int_config[1] of ICFGR1).
        case Self.sgiBase + Self.GICR_ICFGR1: store.setConfigRegister(1, cpu: c, v & 0xAAAA_AAAA)
        default: return true
        }
        core.update()
        return true
    }
}
