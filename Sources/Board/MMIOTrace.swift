import Bus
import GIC

/// `--trace mmio`: every access to a device, with the device, the register's name where armvm
/// knows it (the GICs' frames and the UARTs; other devices show their offset), the width, the
/// value, and read or write. It wraps each mapped device, so it costs nothing when off.
public final class MMIOTrace {
    private unowned let machine: Machine
    private let sink: TraceSink

    init(machine: Machine, sink: TraceSink) {
        self.machine = machine
        self.sink = sink
    }

    public static func attach(to machine: Machine, sink: TraceSink) {
        let t = MMIOTrace(machine: machine, sink: sink)
        machine.prepared.bus.wrapDevices { TracedDevice(inner: $0, trace: t) }
    }

    func access(_ device: BusDevice, offset: UInt64, size: Int, value: UInt64?, write: Bool) {
        let c = TraceContext.of(machine.runningCPU)
        guard sink.admits(c) else { return }
        let reg = Self.registerName(device, offset: offset) ?? "+0x\(hexDigits(offset))"
        let bits = size * 8
        // A store hands the device the whole register; the access is only `size` bytes of it.
        let value = value.map { bits >= 64 ? $0 : $0 & (1 << UInt64(bits) - 1) }
        let shown = value.map { "0x" + hexDigits($0) } ?? "bus error"
        let text = "mmio \(device.name) \(write ? "write" : "read") \(reg) \(bits)-bit "
            + (write ? "= " : "-> ") + shown
        sink.emit(c, kind: "mmio", text,
                  ["device": .text(device.name), "register": .text(reg), "offset": .hex(offset),
                   "width": .int(UInt64(bits)), "access": .text(write ? "write" : "read"),
                   "value": value.map { .hex($0) } ?? .none])
    }

    /// The register at `offset` of a device whose map armvm names, e.g. "GICR_WAKER (cpu1)",
    /// "GICD_ISENABLER1", "UARTDR", "GICH_LR0".
    static func registerName(_ d: BusDevice, offset o: UInt64) -> String? {
        switch d {
        case is GICv2Distributor: return distributorName(o, v3: false)
        case is GICv3Distributor: return distributorName(o, v3: true)
        case is GICv3Redistributors: return redistributorName(o)
        case is GICv2CPUInterface: return cpuInterfaceName(o, prefix: "GICC")
        case is GICv2VirtualCPUInterface: return cpuInterfaceName(o, prefix: "GICV")
        case is GICv2VirtualInterfaceControl: return hypervisorInterfaceName(o)
        case is PL011: return table(pl011, o)
        case is ExynosUART: return table(exynosUART, o)
        default: return nil
        }
    }

    private static func table(_ t: [UInt64: String], _ o: UInt64) -> String? { t[o] }

    /// The one-bit-per-interrupt block and the byte and two-bit arrays shared by GICD and the
    /// redistributor's SGI frame (IHI 0048B Table 4-1; IHI 0069 Table 12-25).
    private static func bitBlockName(_ o: UInt64, prefix: String) -> String? {
        let n = (o & 0x7F) >> 2
        switch o {
        case 0x080..<0x100: return "\(prefix)_IGROUPR\(n)"
        case 0x100..<0x180: return "\(prefix)_ISENABLER\(n)"
        case 0x180..<0x200: return "\(prefix)_ICENABLER\(n)"
        case 0x200..<0x280: return "\(prefix)_ISPENDR\(n)"
        case 0x280..<0x300: return "\(prefix)_ICPENDR\(n)"
        case 0x300..<0x380: return "\(prefix)_ISACTIVER\(n)"
        case 0x380..<0x400: return "\(prefix)_ICACTIVER\(n)"
        case 0x400..<0x800: return "\(prefix)_IPRIORITYR\((o - 0x400) >> 2)"
        case 0xC00..<0xD00: return "\(prefix)_ICFGR\((o - 0xC00) >> 2)"
        case 0xD00..<0xD80: return "\(prefix)_IGRPMODR\((o - 0xD00) >> 2)"
        default: return nil
        }
    }

    static func distributorName(_ o: UInt64, v3: Bool) -> String? {
        switch o {
        case 0x000: return "GICD_CTLR"
        case 0x004: return "GICD_TYPER"
        case 0x008: return "GICD_IIDR"
        case 0x010 where v3: return "GICD_STATUSR"
        case 0x040 where v3: return "GICD_SETSPI_NSR"
        case 0x048 where v3: return "GICD_CLRSPI_NSR"
        case 0x800..<0xC00 where !v3: return "GICD_ITARGETSR\((o - 0x800) >> 2)"
        case 0xF00 where !v3: return "GICD_SGIR"
        case 0xF10..<0xF20 where !v3: return "GICD_CPENDSGIR\((o - 0xF10) >> 2)"
        case 0xF20..<0xF30 where !v3: return "GICD_SPENDSGIR\((o - 0xF20) >> 2)"
        case 0x6000..<0x8000 where v3: return "GICD_IROUTER\((o - 0x6000) >> 3)"
        case 0xFE8 where !v3, 0xFFE8 where v3: return "GICD_PIDR2"
        default: return bitBlockName(o, prefix: "GICD")
        }
    }

    /// A redistributor's RD_base frame, then its SGI_base frame 64 KiB on (IHI 0069 12.10, 12.11);
    /// the CPU it belongs to in brackets.
    static func redistributorName(_ o: UInt64) -> String? {
        let cpu = o / GICv3.redistributorStride, f = o % GICv3.redistributorStride
        let name: String?
        switch f {
        case 0x0000: name = "GICR_CTLR"
        case 0x0004: name = "GICR_IIDR"
        case 0x0008: name = "GICR_TYPER"
        case 0x000C: name = "GICR_TYPER+4"
        case 0x0010: name = "GICR_STATUSR"
        case 0x0014: name = "GICR_WAKER"
        case 0x0070: name = "GICR_PROPBASER"
        case 0x0078: name = "GICR_PENDBASER"
        case 0xFFE8: name = "GICR_PIDR2"
        case 0x1_0000..<0x2_0000: name = bitBlockName(f - 0x1_0000, prefix: "GICR")
        default: name = nil
        }
        return name.map { "\($0) (cpu\(cpu))" }
    }

    /// GICC and GICV share their layout (IHI 0048B Table 4-2, Table 5-7).
    static func cpuInterfaceName(_ o: UInt64, prefix: String) -> String? {
        let names: [UInt64: String] = [0x00: "CTLR", 0x04: "PMR", 0x08: "BPR", 0x0C: "IAR", 0x10: "EOIR",
                                       0x14: "RPR", 0x18: "HPPIR", 0x1C: "ABPR", 0x20: "AIAR", 0x24: "AEOIR",
                                       0x28: "AHPPIR", 0xD0: "APR0", 0xE0: "NSAPR0", 0xFC: "IIDR", 0x1000: "DIR"]
        return names[o].map { "\(prefix)_\($0)" }
    }

    /// GICH (IHI 0048B Table 5-1).
    static func hypervisorInterfaceName(_ o: UInt64) -> String? {
        if o >= 0x100 && o < 0x200 { return "GICH_LR\((o - 0x100) >> 2)" }
        let names: [UInt64: String] = [0x00: "HCR", 0x04: "VTR", 0x08: "VMCR", 0x10: "MISR", 0x20: "EISR0",
                                       0x24: "EISR1", 0x30: "ELRSR0", 0x34: "ELRSR1", 0xF0: "APR"]
        return names[o].map { "GICH_\($0)" }
    }

    /// The PL011's registers (DDI 0183, Table 3-1).
    static let pl011: [UInt64: String] = [
        0x000: "UARTDR", 0x004: "UARTRSR_ECR", 0x018: "UARTFR", 0x020: "UARTILPR", 0x024: "UARTIBRD",
        0x028: "UARTFBRD", 0x02C: "UARTLCR_H", 0x030: "UARTCR", 0x034: "UARTIFLS", 0x038: "UARTIMSC",
        0x03C: "UARTRIS", 0x040: "UARTMIS", 0x044: "UARTICR", 0x048: "UARTDMACR",
        0xFE0: "UARTPeriphID0", 0xFE4: "UARTPeriphID1", 0xFE8: "UARTPeriphID2", 0xFEC: "UARTPeriphID3",
        0xFF0: "UARTPCellID0", 0xFF4: "UARTPCellID1", 0xFF8: "UARTPCellID2", 0xFFC: "UARTPCellID3",
    ]

    /// The Exynos UART's registers (Exynos 5250 user manual, UART register map).
    static let exynosUART: [UInt64: String] = [
        0x00: "ULCON", 0x04: "UCON", 0x08: "UFCON", 0x0C: "UMCON", 0x10: "UTRSTAT", 0x14: "UERSTAT",
        0x18: "UFSTAT", 0x1C: "UMSTAT", 0x20: "UTXH", 0x24: "URXH", 0x28: "UBRDIV", 0x2C: "UFRACVAL",
        0x30: "UINTP", 0x34: "UINTSP", 0x38: "UINTM",
    ]
}

/// A device seen through `--trace mmio`: every access goes to the device, then to the trace.
final class TracedDevice: BusDevice {
    let inner: BusDevice
    private let trace: MMIOTrace

    init(inner: BusDevice, trace: MMIOTrace) {
        self.inner = inner
        self.trace = trace
    }

    var name: String { inner.name }

    func read(offset: UInt64, size: Int) -> UInt64? {
        let v = inner.read(offset: offset, size: size)
        trace.access(inner, offset: offset, size: size, value: v, write: false)
        return v
    }

    func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        let ok = inner.write(offset: offset, size: size, value: value)
        trace.access(inner, offset: offset, size: size, value: ok ? value : nil, write: true)
        return ok
    }
}
