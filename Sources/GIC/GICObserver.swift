// What a GIC tells a tracer: interrupts raised, acknowledged, ended and deactivated on the
// physical and virtual CPU interfaces, list-register writes and maintenance interrupts. The
// observer is an optional closure looked at only on these events (never per instruction).

/// One event a GIC reports to its observer. `cpu` is the CPU interface it concerns.
public enum GICEvent {
    /// An input became pending: a line rose (PPI or SPI) or an SGI was sent to `cpu`.
    case asserted(intid: Int, cpu: Int)
    /// An acknowledge (GICC_IAR, GICV_IAR, ICC_IAR1_EL1, ICV_IAR1_EL1...) returned `intid`.
    case acknowledged(cpu: Int, register: StaticString, intid: UInt32)
    /// An end of interrupt (GICC_EOIR, GICV_EOIR, ICC_EOIR1_EL1, ICV_EOIR1_EL1...) of `intid`.
    case endOfInterrupt(cpu: Int, register: StaticString, intid: UInt32)
    /// A deactivation (GICC_DIR, GICV_DIR, ICC_DIR_EL1, ICV_DIR_EL1) of `intid`.
    case deactivated(cpu: Int, register: StaticString, intid: UInt32)
    /// List register `index` was written; `value` in the GICv3 ICH_LR<n>_EL2 layout (a GICv2
    /// GICH_LR is converted), `register` the name the hypervisor wrote.
    case listRegisterWritten(cpu: Int, register: StaticString, index: Int, value: UInt64)
    /// The maintenance interrupt's line rose; `misr` holds the conditions (GICH_MISR/ICH_MISR_EL2).
    case maintenance(cpu: Int, misr: UInt32)
}

public typealias GICObserver = (GICEvent) -> Void

/// A list register's fields for people (IHI 0069 ICH_LR<n>_EL2).
public struct ListRegisterFields: Equatable {
    public var virtualINTID: UInt32
    /// 0 invalid, 1 pending, 2 active, 3 pending and active.
    public var state: UInt8
    public var hardware: Bool
    /// The physical INTID a HW list register deactivates.
    public var physicalINTID: Int?
    public var group1: Bool
    public var priority: UInt8
    /// HW == 0 and EOI: a maintenance interrupt on deactivation.
    public var eoiMaintenance: Bool

    public init(_ v: UInt64) {
        virtualINTID = LR.vINTID(v)
        state = UInt8(truncatingIfNeeded: LR.state(v))
        hardware = LR.isHW(v)
        physicalINTID = LR.isHW(v) ? LR.pINTID(v) : nil
        group1 = LR.isGroup1(v)
        priority = LR.priority(v)
        eoiMaintenance = !LR.isHW(v) && v & LR.EOI != 0
    }

    public var stateName: String { ["invalid", "pending", "active", "pending+active"][Int(state & 3)] }

    /// The names of the set GICH_MISR/ICH_MISR_EL2 bits (IHI 0069 ICH_MISR_EL2).
    public static func maintenanceCauses(_ misr: UInt32) -> [String] {
        let names = ["EOI", "U", "LRENP", "NP", "VGrp0E", "VGrp0D", "VGrp1E", "VGrp1D"]
        return names.indices.filter { misr >> UInt32($0) & 1 != 0 }.map { names[$0] }
    }
}

extension InterruptStore {
    /// Whether input `id` of `cpu` is high now (to report rising edges only).
    func levelIsHigh(_ id: Int, cpu: Int) -> Bool { bit(level, id, cpu) }
}

extension VirtualInterface {
    /// The vINTID of the most urgent pending list register, if any.
    var highestPendingVINTID: UInt32? { highestPending().map { LR.vINTID(lr[$0]) } }
}

extension GICv2 {
    public func signalledINTID(cpu: Int, virtual: Bool) -> UInt32? {
        guard cpu >= 0 && cpu < core.cpuCount else { return nil }
        return virtual ? core.virt[cpu].highestPendingVINTID : core.highestPending(cpu).map { UInt32($0.id) }
    }
}

extension GICv3 {
    public func signalledINTID(cpu: Int, virtual: Bool) -> UInt32? {
        guard cpu >= 0 && cpu < core.cpuCount else { return nil }
        return virtual ? core.virt[cpu].highestPendingVINTID : core.highestPending(cpu).map { UInt32($0.id) }
    }
}
