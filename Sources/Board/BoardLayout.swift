/// A board as data (GUIDE.md 2.7): the one table from which both the bus wiring
/// (MachineSetup) and the device tree (DeviceTree) are made.
public struct BoardLayout {
    public struct Region {
        public var base: UInt64
        public var size: UInt64
        public init(_ base: UInt64, _ size: UInt64) { self.base = base; self.size = size }
    }

    /// Extra MMIO blocks a board has beside the GIC and the console.
    public enum ExtraDevice {
        /// Exynos multi-core timer: a register file stub (reads what was written).
        case exynosMCT(Region)
        /// On-chip SRAM, RAM-like.
        case sram(Region, name: String)
    }

    public var kind: BoardKind
    public var model: String
    public var compatible: [String]
    public var ramBase: UInt64
    /// CNTFRQ_EL0 and the timer node's rate.
    public var counterFrequency: UInt64
    /// The timer node carries `clock-frequency` (firmware on this board may not set CNTFRQ).
    public var timerNodeHasClockFrequency: Bool
    public var gicCompatible: [String]
    public var gicd: Region
    public var gicc: Region
    public var gich: Region
    public var gicv: Region
    /// Maintenance interrupt PPI number (INTID 16 + n).
    public var maintenancePPI: UInt32
    /// Timer PPIs in binding order: secure physical, non-secure physical, virtual, hypervisor.
    public var timerPPIs: [UInt32]
    /// Number of SPIs the distributor implements.
    public var spiCount: Int
    public var console: Region
    public var consoleSPI: UInt32
    public var extras: [ExtraDevice]

    /// The console window for a UART model: a PL011 always decodes 4 KiB, with its ID
    /// registers at the top (PrimeCell, ARM DDI 0183G 3.2), where Linux's AMBA bus reads them.
    public func consoleRegion(_ model: UARTModel) -> Region {
        model == .pl011 ? Region(console.base, max(console.size, 0x1000)) : console
    }

    public static func layout(for kind: BoardKind) -> BoardLayout {
        switch kind {
        case .arndale: return .arndale
        case .virt: return .virt
        }
    }
}
