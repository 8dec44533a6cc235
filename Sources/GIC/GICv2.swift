// GIC owns the interrupt controllers. For now: the register-level presence of a GIC-400
// (GICv2 with virtualization extensions), answering its identification registers and keeping
// configuration writes, so that guests probe it. Interrupt delivery comes with the interrupts
// issue. Offsets from the GIC Architecture Specification v2 (ARM IHI 0048B), chapter 4.
import Bus

/// Distributor (IHI 0048B, 4.3).
public final class GICv2Distributor: BusDevice {
    static let CTLR: UInt64 = 0x000
    static let TYPER: UInt64 = 0x004
    static let IIDR: UInt64 = 0x008
    /// Banks of one bit per interrupt: IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR,
    /// ISACTIVER/ICACTIVER at 0x080..0x3FC.
    static let bitRegisters: ClosedRange<UInt64> = 0x080...0x3FC
    /// Byte per interrupt: IPRIORITYR 0x400, ITARGETSR 0x800; two bits: ICFGR 0xC00.
    static let IPRIORITYR: UInt64 = 0x400
    static let ITARGETSR: UInt64 = 0x800
    static let ICFGR: UInt64 = 0xC00
    static let SGIR: UInt64 = 0xF00
    /// GIC-400 implementer/product (ARM, 0x02 revision): IIDR 0x0200_043B.
    static let iidrValue: UInt64 = 0x0200_043B

    public let name = "gicd"
    let interruptCount: Int
    var ctlr: UInt64 = 0
    var group = [UInt32](repeating: 0, count: 32)
    var enabled = [UInt32](repeating: 0, count: 32)
    var pending = [UInt32](repeating: 0, count: 32)
    var active = [UInt32](repeating: 0, count: 32)
    var bytes = [UInt8](repeating: 0, count: 0x800)     // priorities, then targets
    var config = [UInt32](repeating: 0, count: 64)

    public init(spiCount: Int) { interruptCount = 32 + spiCount }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        if (Self.IPRIORITYR..<Self.ICFGR).contains(offset), size == 1 || (size == 4 && offset & 3 == 0) {
            var v: UInt64 = 0
            for i in 0..<size { v |= UInt64(bytes[Int(offset - Self.IPRIORITYR) + i]) << (8 * UInt64(i)) }
            return v
        }
        guard size == 4, offset & 3 == 0 else { return nil }
        let word = Int((offset & 0x7F) >> 2)
        switch offset {
        case Self.CTLR: return ctlr
        // ITLinesNumber = 32 * (N + 1) interrupts, CPUNumber = 0 (one CPU).
        case Self.TYPER: return UInt64(interruptCount / 32 - 1)
        case Self.IIDR: return Self.iidrValue
        case 0x080...0x0FC: return UInt64(group[word])
        case 0x100...0x17C, 0x180...0x1FC: return UInt64(enabled[word])
        case 0x200...0x27C, 0x280...0x2FC: return UInt64(pending[word])
        case 0x300...0x37C, 0x380...0x3FC: return UInt64(active[word])
        case Self.ICFGR...0xCFC: return UInt64(config[Int((offset - Self.ICFGR) >> 2)])
        // Peripheral ID2 says ArchRev 2 (GICv2); the others as a GIC-400 reports them.
        case 0xFE8: return 0x2B
        case 0xFE0: return 0x90
        case 0xFE4: return 0xB4
        case 0xFD0, 0xFEC: return 0x04
        case 0xFF0: return 0x0D
        case 0xFF4: return 0xF0
        case 0xFF8: return 0x05
        case 0xFFC: return 0xB1
        default: return 0   // reserved registers are RAZ/WI (IHI 0048B, 4.1.3)
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        if (Self.IPRIORITYR..<Self.ICFGR).contains(offset), size == 1 || (size == 4 && offset & 3 == 0) {
            for i in 0..<size { bytes[Int(offset - Self.IPRIORITYR) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            return true
        }
        guard size == 4, offset & 3 == 0 else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        let word = Int((offset & 0x7F) >> 2)
        switch offset {
        case Self.CTLR: ctlr = value & 1
        case 0x080...0x0FC: group[word] = v
        case 0x100...0x17C: enabled[word] |= v
        case 0x180...0x1FC: enabled[word] &= ~v
        case 0x200...0x27C: pending[word] |= v
        case 0x280...0x2FC: pending[word] &= ~v
        case 0x300...0x37C: active[word] |= v
        case 0x380...0x3FC: active[word] &= ~v
        case Self.ICFGR...0xCFC: config[Int((offset - Self.ICFGR) >> 2)] = v
        default: break
        }
        return true
    }
}

/// CPU interface (IHI 0048B, 4.4), also used as the virtual CPU interface GICV (5.5), which
/// has the same layout.
public final class GICv2CPUInterface: BusDevice {
    static let CTLR: UInt64 = 0x00
    static let PMR: UInt64 = 0x04
    static let BPR: UInt64 = 0x08
    static let IAR: UInt64 = 0x0C
    static let EOIR: UInt64 = 0x10
    static let RPR: UInt64 = 0x14
    static let HPPIR: UInt64 = 0x18
    static let ABPR: UInt64 = 0x1C
    static let IIDR: UInt64 = 0xFC
    static let DIR: UInt64 = 0x1000
    /// GIC-400 CPU interface IIDR: 0x0202_143B.
    static let iidrValue: UInt64 = 0x0202_143B
    /// No interrupt pending: the spurious ID.
    static let spurious: UInt64 = 1023

    public let name: String
    var ctlr: UInt64 = 0, pmr: UInt64 = 0, bpr: UInt64 = 2, abpr: UInt64 = 3

    public init(name: String = "gicc") { self.name = name }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard size == 4, offset & 3 == 0 else { return nil }
        switch offset {
        case Self.CTLR: return ctlr
        case Self.PMR: return pmr
        case Self.BPR: return bpr
        case Self.ABPR: return abpr
        case Self.IAR, Self.HPPIR, 0x20, 0x28: return Self.spurious   // also AIAR, AHPPIR
        case Self.RPR: return 0xFF                                    // idle priority
        case Self.IIDR: return Self.iidrValue
        default: return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size == 4, offset & 3 == 0 else { return false }
        switch offset {
        case Self.CTLR: ctlr = value & 0x3FF
        case Self.PMR: pmr = value & 0xF8                // 5 priority bits
        case Self.BPR: bpr = max(2, value & 7)
        case Self.ABPR: abpr = max(3, value & 7)
        default: break                                   // EOIR, DIR, AEOIR: nothing active
        }
        return true
    }
}

/// Virtual interface control, GICH (IHI 0048B, 5.3): four list registers, five priority bits.
public final class GICv2VirtualInterfaceControl: BusDevice {
    static let HCR: UInt64 = 0x00
    static let VTR: UInt64 = 0x04
    static let VMCR: UInt64 = 0x08
    static let MISR: UInt64 = 0x10
    static let EISR0: UInt64 = 0x20
    static let ELRSR0: UInt64 = 0x30
    static let APR: UInt64 = 0xF0
    static let LR0: UInt64 = 0x100
    /// PRIbits-1 = 4 (bits 31:29), PREbits-1 = 4 (28:26), ListRegs-1 = 3.
    static let vtrValue: UInt64 = 0x9000_0003

    public let name = "gich"
    var hcr: UInt64 = 0, vmcr: UInt64 = 0, apr: UInt64 = 0
    var lr = [UInt64](repeating: 0, count: 4)

    public init() {}

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard size == 4, offset & 3 == 0 else { return nil }
        switch offset {
        case Self.HCR: return hcr
        case Self.VTR: return Self.vtrValue
        case Self.VMCR: return vmcr
        case Self.APR: return apr
        // A list register is empty when its State field (bits 29:28) is 0.
        case Self.ELRSR0: return UInt64((0..<4).reduce(0) { $0 | (lr[$1] >> 28 & 3 == 0 ? 1 << $1 : 0) })
        case Self.LR0..<(Self.LR0 + 16): return lr[Int((offset - Self.LR0) >> 2)]
        default: return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size == 4, offset & 3 == 0 else { return false }
        switch offset {
        case Self.HCR: hcr = value & 0xF800_00FF
        case Self.VMCR: vmcr = value
        case Self.APR: apr = value
        case Self.LR0..<(Self.LR0 + 16): lr[Int((offset - Self.LR0) >> 2)] = value & 0xFFFF_FFFF
        default: break
        }
        return true
    }
}
