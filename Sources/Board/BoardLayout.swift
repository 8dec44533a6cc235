// Boards are tables: one value per board lists every address, size and interrupt number.
// MachineSetup wires the bus from it and DeviceTreeBuilder describes the same value to the guest,
// so the two cannot disagree. Each board's table lives in Boards/, with its map;
// docs/ARCHITECTURE.md ("How to add an instruction, a system register, a device") lists the
// steps for a new device.

/// A range of physical addresses.
public struct AddressRange: Sendable, Equatable {
    public let base: UInt64
    public let size: UInt64
    public init(base: UInt64, size: UInt64) { self.base = base; self.size = size }
    public var end: UInt64 { base + size }
}

/// Where a GICv2 (GIC-400) sits and how it is configured (ARM IHI 0048B).
public struct GICv2Layout: Sendable {
    public let distributor: AddressRange          // GICD
    public let cpuInterface: AddressRange         // GICC
    public let virtualInterfaceControl: AddressRange  // GICH
    public let virtualCPUInterface: AddressRange  // GICV
    /// Shared peripheral interrupts implemented (a multiple of 32); sets GICD_TYPER.ITLinesNumber.
    public let spiCount: Int
    /// The PPI (0-based, INTID = 16 + n) of the virtual interface maintenance interrupt.
    public let maintenancePPI: UInt32
    /// Device-tree compatible strings, most specific first.
    public let compatible: [String]
}

/// Where a GICv3 sits (ARM IHI 0069): the distributor and the redistributor region, one
/// 128 KiB RD_base + SGI_base pair per CPU from `redistributors`.
public struct GICv3Layout: Sendable {
    public let distributor: AddressRange          // GICD
    public let redistributors: UInt64             // GICR, first CPU's frames
    /// The largest redistributor region the map leaves room for.
    public let redistributorRegionLimit: UInt64
    public let spiCount: Int
    public let maintenancePPI: UInt32
}

/// The four generic-timer PPIs, in the order the arch timer binding lists them
/// (Documentation/devicetree/bindings/timer/arm,arch_timer.yaml).
public struct TimerPPIs: Sendable {
    public let securePhysical: UInt32     // CNTPS, PPI 13 = INTID 29
    public let nonSecurePhysical: UInt32  // CNTP,  PPI 14 = INTID 30
    public let virtual: UInt32            // CNTV,  PPI 11 = INTID 27
    public let hypervisor: UInt32         // CNTHP, PPI 10 = INTID 26
    public static let standard = TimerPPIs(securePhysical: 13, nonSecurePhysical: 14, virtual: 11, hypervisor: 10)
    public var inBindingOrder: [UInt32] { [securePhysical, nonSecurePhysical, virtual, hypervisor] }
}

/// The console UART's place on the board. The model in it is the user's choice (--uart); the
/// slot only fixes the address, the space reserved there and the interrupt.
public struct UARTSlot: Sendable {
    public let base: UInt64
    /// Address space reserved for the slot; the chosen model's register window must fit.
    public let size: UInt64
    /// SPI number (INTID = 32 + spi).
    public let spi: UInt32
}

/// Where the board's virtio-mmio transports sit (Virtual I/O Device spec v1.2, 4.2): `count`
/// windows of `stride` bytes from `base`, transport n raising SPI `firstSPI + n`. Only the
/// transports that hold a device (`--drive`, `--virtio-console`, `--virtio-rng`) are mapped
/// and described, from transport 0 up in that order.
public struct VirtioSlots: Sendable {
    public let base: UInt64
    public let stride: UInt64
    public let count: Int
    public let firstSPI: UInt32

    public func range(_ n: Int) -> AddressRange { AddressRange(base: base + UInt64(n) * stride, size: stride) }
    public func spi(_ n: Int) -> UInt32 { firstSPI + UInt32(n) }
}

/// Devices other than RAM, the GIC and the console UART.
public enum PeripheralKind: Sendable, Equatable {
    /// Samsung Exynos multi-core timer. Mapped as a register file only, and left out of the
    /// device tree: its real node needs the Exynos clock controller and interrupt combiner,
    /// which armvm does not model, and a half-described node would make the driver fail.
    case exynosMCT
    /// On-chip SRAM (a RAM-like device; Xen on the real board writes the secondary-CPU entry here).
    case sysram
    /// ARM PrimeCell PL031 real-time clock (ARM DDI 0224).
    case pl031RTC
}

public struct Peripheral: Sendable {
    public let kind: PeripheralKind
    /// The device's name in traces and bus errors.
    public let name: String
    public let range: AddressRange
    /// SPIs the device raises, for its device-tree node.
    public let spis: [UInt32]

    /// Generic node name (DTSpec 2.2.2), or nil for a device left out of the device tree.
    public var deviceTreeName: String? {
        switch kind {
        case .exynosMCT: return nil
        case .sysram: return "sram"
        case .pl031RTC: return "rtc"
        }
    }
}

public struct BoardLayout: Sendable {
    public let kind: BoardKind
    public let name: String
    /// Root-node `model` and `compatible` (Devicetree Specification v0.4, 3.2). A model ending in
    /// ", AArch64" names the Cortex-A57 configuration; `model(for:)` gives the CPU's own.
    public let model: String
    public let compatible: [String]
    public let ramBase: UInt64
    /// CNTFRQ_EL0: the system counter's frequency in Hz.
    public let counterFrequency: UInt64
    /// Whether the timer node repeats the frequency in `clock-frequency`, as boards whose
    /// firmware may leave CNTFRQ unprogrammed do (exynos5250.dtsi).
    public let timerClockFrequencyInDT: Bool
    public let gic: GICv2Layout
    /// The GICv3 alternative (`--gic 3`), on boards that have one.
    public var gicv3: GICv3Layout? = nil
    public let timerPPIs: TimerPPIs
    /// The PMU's overflow interrupt: PPI 7 (INTID 23), as on QEMU's virt (VIRTUAL_PMU_IRQ).
    public var pmuPPI: UInt32 = 7
    public let consoleUART: UARTSlot
    /// Frequency of the fixed clock that feeds the UART (and the PrimeCells' APB clock).
    public let uartClockFrequency: UInt32
    public let peripherals: [Peripheral]
    public let virtio: VirtioSlots

    public static func layout(for kind: BoardKind) -> BoardLayout {
        switch kind {
        case .arndale: return .arndale
        case .virt: return .virt
        }
    }

    /// The root `model` for a CPU: the arndale's names the core's state, since its guests print
    /// it; virt keeps QEMU's string whatever the CPU.
    public func model(for cpu: CPUModel) -> String {
        guard cpu == .cortexA15, model.hasSuffix(", AArch64") else { return model }
        return String(model.dropLast(", AArch64".count)) + ", Cortex-A15 (ARMv7-A)"
    }
}

extension BoardKind {
    public var layout: BoardLayout { BoardLayout.layout(for: self) }
}

extension UARTModel {
    /// The register window the model decodes; accesses beyond it are bus errors.
    public var windowSize: UInt64 {
        switch self {
        case .pl011: return PL011.windowSize
        case .exynos: return ExynosUART.windowSize
        }
    }
}
