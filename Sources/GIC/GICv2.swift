// GIC: interrupt controllers (GICv2 now; GICv3 with the interrupts issue). Knows no CPU internals:
// it sees only bus accesses and interrupt lines.
//
// This file gives a GIC-400 its register-level presence, as ARM IHI 0048B (GIC Architecture
// Specification v1.0 and v2.0) and the GIC-400 TRM (ARM DDI 0471) describe the four frames:
// registers hold what software writes, with the set/clear, read-only and reserved behaviours
// of the specification, so drivers probe and initialise it. Interrupt delivery (pending state
// reaching a CPU, acknowledge, priority drop, list registers feeding the virtual interface)
// arrives with the interrupts issue; until then GICC_IAR always reads 1023 (spurious).
import Bus

/// Constants shared by the four frames.
enum GIC400 {
    /// The GIC-400 implements 5 priority bits (32 levels); the low 3 bits of every 8-bit
    /// priority field are RAZ/WI (IHI 0048B 3.3, "Interrupt prioritization").
    static let priorityMask: UInt8 = 0xF8
    /// With 5 priority bits the smallest binary point is 2 for Group 0 and 3 for Group 1
    /// (IHI 0048B 3.3, "Priority grouping").
    static let minimumBPR: UInt32 = 2
    static let minimumABPR: UInt32 = 3
    static let spuriousINTID: UInt64 = 1023
    /// Interrupts 0-15 are SGIs, 16-31 PPIs, 32 and up SPIs (IHI 0048B 2.2, "Interrupt IDs").
    static let privateInterrupts = 32

    /// Reads of a word-only register file: only aligned 32-bit accesses exist (IHI 0048B 4.1, "GIC register access").
    static func isWordAccess(offset: UInt64, size: Int) -> Bool { size == 4 && offset & 3 == 0 }
}

/// The four GICv2 frames of one GIC-400, built together because the later, real model shares
/// state between them (the distributor's pending state, GICH_VMCR behind the GICV registers).
public final class GICv2 {
    public let distributor: GICv2Distributor
    public let cpuInterface: GICv2CPUInterface
    public let virtualInterfaceControl: GICv2VirtualInterfaceControl
    public let virtualCPUInterface: GICv2VirtualCPUInterface

    /// `spiCount` must be a multiple of 32 (at most 988); `cpuCount` 1 to 8.
    public init(spiCount: Int, cpuCount: Int = 1) {
        distributor = GICv2Distributor(spiCount: spiCount, cpuCount: cpuCount)
        cpuInterface = GICv2CPUInterface()
        virtualInterfaceControl = GICv2VirtualInterfaceControl()
        virtualCPUInterface = GICv2VirtualCPUInterface(control: virtualInterfaceControl)
    }
}

// MARK: - Distributor

/// GICD: the distributor frame (IHI 0048B 4.3; register map in Table 4-1).
public final class GICv2Distributor: BusDevice {
    public let name = "gicd"

    static let GICD_CTLR: UInt64 = 0x000
    static let GICD_TYPER: UInt64 = 0x004
    static let GICD_IIDR: UInt64 = 0x008
    static let GICD_IGROUPR: UInt64 = 0x080
    static let GICD_ISENABLER: UInt64 = 0x100
    static let GICD_ICENABLER: UInt64 = 0x180
    static let GICD_ISPENDR: UInt64 = 0x200
    static let GICD_ICPENDR: UInt64 = 0x280
    static let GICD_ISACTIVER: UInt64 = 0x300
    static let GICD_ICACTIVER: UInt64 = 0x380
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

    public let interruptCount: Int
    public let cpuCount: Int

    /// GICD_CTLR bits 1:0, EnableGrp1 and EnableGrp0 (the layout without Security Extensions, IHI 0048B 4.3).
    private var ctlr: UInt32 = 0
    /// One bit per interrupt, 32 per word, as the set/clear register pairs present them.
    private var group: [UInt32]
    private var enabled: [UInt32]
    private var pending: [UInt32]
    private var active: [UInt32]
    /// Levels of the interrupt inputs wired to this distributor (see `inputLine(spi:)`).
    private var inputLevel: [UInt32]
    private var priority: [UInt8]
    private var targets: [UInt8]
    /// Two bits per interrupt (GICD_ICFGRn).
    private var config: [UInt32]

    public init(spiCount: Int, cpuCount: Int = 1) {
        precondition(spiCount % 32 == 0 && spiCount <= 988 && (1...8).contains(cpuCount))
        interruptCount = GIC400.privateInterrupts + spiCount
        self.cpuCount = cpuCount
        let words = interruptCount / 32
        group = Array(repeating: 0, count: words)
        // SGIs are permanently enabled on the GIC-400: GICD_ISENABLER0[15:0] are RAO/WI
        // (IHI 0048B, GICD_ISENABLER, leaves this IMPLEMENTATION DEFINED).
        enabled = Array(repeating: 0, count: words)
        enabled[0] = 0xFFFF
        pending = Array(repeating: 0, count: words)
        active = Array(repeating: 0, count: words)
        inputLevel = Array(repeating: 0, count: words)
        priority = Array(repeating: 0, count: interruptCount)
        targets = Array(repeating: 0, count: interruptCount)
        // SGIs are edge-triggered (GICD_ICFGR0 reads 0xAAAAAAAA, read-only); PPIs are
        // level-sensitive and fixed; SPIs reset to level-sensitive (IHI 0048B, GICD_ICFGR).
        config = Array(repeating: 0, count: interruptCount / 16)
        config[0] = 0xAAAA_AAAA
    }

    /// GICD_TYPER (IHI 0048B 4.3): ITLinesNumber = interrupts / 32 - 1, CPUNumber = CPUs - 1,
    /// SecurityExtn = 0 (armvm presents the GIC as seen from one security state).
    public var typer: UInt32 { UInt32(interruptCount / 32 - 1) | UInt32(cpuCount - 1) << 5 }

    /// An input line for SPI `spi` (INTID 32 + spi). A level-sensitive input shows as pending
    /// while it is high (IHI 0048B 3.2, "Interrupt handling state machine"); delivery to a CPU comes with the interrupts issue.
    public func inputLine(spi: Int) -> InterruptLine {
        let id = GIC400.privateInterrupts + spi
        precondition(id < interruptCount)
        return InterruptLine { [unowned self] high in
            if high { self.inputLevel[id / 32] |= 1 << UInt32(id % 32) }
            else { self.inputLevel[id / 32] &= ~(1 << UInt32(id % 32)) }
        }
    }

    /// Whether SPI/PPI/SGI `id` is enabled (for tests and the later delivery logic).
    public func isEnabled(_ id: Int) -> Bool { enabled[id / 32] >> UInt32(id % 32) & 1 != 0 }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize else { return nil }
        if size == 1 { return isByteAccessible(offset) ? readByte(offset) : nil }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        switch offset {
        case Self.GICD_CTLR: return UInt64(ctlr)
        case Self.GICD_TYPER: return UInt64(typer)
        case Self.GICD_IIDR: return UInt64(Self.iidr)
        case Self.GICD_IGROUPR..<Self.GICD_ISENABLER: return bitWord(group, offset - Self.GICD_IGROUPR)
        case Self.GICD_ISENABLER..<Self.GICD_ISPENDR:
            return bitWord(enabled, (offset - Self.GICD_ISENABLER) % 0x80)
        case Self.GICD_ISPENDR..<Self.GICD_ISACTIVER:
            let n = Int((offset - Self.GICD_ISPENDR) % 0x80 / 4)
            return n < pending.count ? UInt64(pending[n] | inputLevel[n]) : 0
        case Self.GICD_ISACTIVER..<Self.GICD_IPRIORITYR:
            return bitWord(active, (offset - Self.GICD_ISACTIVER) % 0x80)
        case Self.GICD_IPRIORITYR..<Self.GICD_ICFGR:
            // Four byte fields per word, lowest interrupt in the lowest byte.
            var v: UInt64 = 0
            for i in 0..<4 { v |= readByte(offset + UInt64(i)) << (8 * UInt64(i)) }
            return v
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            let n = Int((offset - Self.GICD_ICFGR) / 4)
            return n < config.count ? UInt64(config[n]) : 0
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
            return true
        }
        guard GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICD_CTLR: ctlr = v & 0x3
        case Self.GICD_IGROUPR..<Self.GICD_ISENABLER:
            setWord(&group, offset - Self.GICD_IGROUPR) { _ in v }
        // The set/clear pairs (IHI 0048B 4.3, GICD_ISENABLER to GICD_ICACTIVER): writing 1 sets or clears a bit, 0 has no effect.
        case Self.GICD_ISENABLER..<Self.GICD_ICENABLER:
            setWord(&enabled, offset - Self.GICD_ISENABLER) { $0 | v }
        case Self.GICD_ICENABLER..<Self.GICD_ISPENDR:
            setWord(&enabled, offset - Self.GICD_ICENABLER) { $0 & ~v }
            enabled[0] |= 0xFFFF  // SGIs stay enabled (RAO/WI)
        case Self.GICD_ISPENDR..<Self.GICD_ICPENDR:
            // SGI pending bits are set through GICD_SPENDSGIR instead (IHI 0048B, GICD_ISPENDR).
            setWord(&pending, offset - Self.GICD_ISPENDR) { $0 | (offset == Self.GICD_ISPENDR ? v & 0xFFFF_0000 : v) }
        case Self.GICD_ICPENDR..<Self.GICD_ISACTIVER:
            setWord(&pending, offset - Self.GICD_ICPENDR) { $0 & ~v }
        case Self.GICD_ISACTIVER..<Self.GICD_ICACTIVER:
            setWord(&active, offset - Self.GICD_ISACTIVER) { $0 | v }
        case Self.GICD_ICACTIVER..<Self.GICD_IPRIORITYR:
            setWord(&active, offset - Self.GICD_ICACTIVER) { $0 & ~v }
        case Self.GICD_IPRIORITYR..<Self.GICD_ICFGR:
            for i in 0..<4 { writeByte(offset + UInt64(i), UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
        case Self.GICD_ICFGR..<Self.GICD_ICFGR + 0x100:
            let n = Int((offset - Self.GICD_ICFGR) / 4)
            // ICFGR0 (SGIs) and ICFGR1 (PPIs) are read-only on the GIC-400. For SPIs only
            // Int_config[1], edge (1) or level (0), is writable; Int_config[0] is reserved in
            // GICv2 (IHI 0048B, GICD_ICFGR).
            if n >= 2 && n < config.count { config[n] = v & 0xAAAA_AAAA }
        default:
            // NSACR (no Security Extensions), GICD_SGIR (SGI generation comes with interrupt
            // delivery), the ID registers and reserved space ignore writes.
            break
        }
        return true
    }

    // GICD_IPRIORITYR, GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR are byte-accessible;
    // every other register is word-only (IHI 0048B 4.1).
    private func isByteAccessible(_ offset: UInt64) -> Bool {
        (Self.GICD_IPRIORITYR..<Self.GICD_ICFGR).contains(offset)
            || (Self.GICD_CPENDSGIR..<Self.GICD_SPENDSGIR + 0x10).contains(offset)
    }

    private func readByte(_ offset: UInt64) -> UInt64 {
        switch offset {
        case Self.GICD_IPRIORITYR..<Self.GICD_ITARGETSR:
            let id = Int(offset - Self.GICD_IPRIORITYR)
            return id < interruptCount ? UInt64(priority[id]) : 0
        case Self.GICD_ITARGETSR..<Self.GICD_ICFGR:
            // In a uniprocessor implementation every GICD_ITARGETSR is RAZ/WI (IHI 0048B, GICD_ITARGETSR).
            let id = Int(offset - Self.GICD_ITARGETSR)
            guard cpuCount > 1, id < interruptCount else { return 0 }
            // SGI and PPI bytes are read-only and banked: each CPU reads its own mask. Until
            // the bus tells the distributor which CPU is asking, they read as CPU 0's.
            return id < GIC400.privateInterrupts ? 0x01 : UInt64(targets[id])
        default:
            // GICD_CPENDSGIR / GICD_SPENDSGIR: no SGI is pending yet.
            return 0
        }
    }

    private func writeByte(_ offset: UInt64, _ value: UInt8) {
        switch offset {
        case Self.GICD_IPRIORITYR..<Self.GICD_ITARGETSR:
            let id = Int(offset - Self.GICD_IPRIORITYR)
            if id < interruptCount { priority[id] = value & GIC400.priorityMask }
        case Self.GICD_ITARGETSR..<Self.GICD_ICFGR:
            let id = Int(offset - Self.GICD_ITARGETSR)
            if cpuCount > 1, id >= GIC400.privateInterrupts, id < interruptCount {
                targets[id] = value & UInt8((1 << cpuCount) - 1)
            }
        default:
            break
        }
    }

    /// Registers beyond the implemented interrupts are RAZ/WI (IHI 0048B 4.1).
    private func bitWord(_ bits: [UInt32], _ byteOffset: UInt64) -> UInt64 {
        let n = Int(byteOffset / 4)
        return n < bits.count ? UInt64(bits[n]) : 0
    }

    private func setWord(_ bits: inout [UInt32], _ byteOffset: UInt64, _ update: (UInt32) -> UInt32) {
        let n = Int(byteOffset / 4)
        guard n < bits.count else { return }
        bits[n] = update(bits[n])
    }
}

// MARK: - CPU interface

/// GICC: the physical CPU interface frame (IHI 0048B 4.4; register map in Table 4-2).
/// One banked copy; per-CPU banking arrives with multi-CPU interrupt delivery.
public final class GICv2CPUInterface: BusDevice {
    public let name = "gicc"

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

    /// GICC_IIDR of the GIC-400: ProductID 0x020, ArchVersion 2, Revision 1, Implementer 0x43B
    /// (DDI 0471, "CPU interface register summary").
    public static let iidr: UInt32 = 0x0202_143B

    /// GICC_CTLR bits 10:0 (the layout without Security Extensions, IHI 0048B 4.4).
    private var ctlr: UInt32 = 0
    private var pmr: UInt32 = 0
    private var bpr: UInt32 = GIC400.minimumBPR
    private var abpr: UInt32 = GIC400.minimumABPR
    private var apr: UInt32 = 0
    private var nsapr: UInt32 = 0

    public init() {}

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        switch offset {
        case Self.GICC_CTLR: return UInt64(ctlr)
        case Self.GICC_PMR: return UInt64(pmr)
        case Self.GICC_BPR: return UInt64(bpr)
        case Self.GICC_ABPR: return UInt64(abpr)
        // Nothing is delivered yet: acknowledge and highest-pending read the spurious INTID 1023.
        case Self.GICC_IAR, Self.GICC_AIAR, Self.GICC_HPPIR, Self.GICC_AHPPIR: return GIC400.spuriousINTID
        // No interrupt is active: the running priority is the idle priority 0xFF (IHI 0048B, GICC_RPR).
        case Self.GICC_RPR: return 0xFF
        case Self.GICC_APR0: return UInt64(apr)
        case Self.GICC_NSAPR0: return UInt64(nsapr)
        case Self.GICC_IIDR: return UInt64(Self.iidr)
        default: return 0  // EOIR, AEOIR and DIR are write-only; the rest is reserved (RAZ/WI)
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICC_CTLR: ctlr = v & 0x7FF
        case Self.GICC_PMR: pmr = v & UInt32(GIC400.priorityMask)
        // A binary point below the minimum reads back as the minimum (IHI 0048B 3.3, "Priority grouping").
        case Self.GICC_BPR: bpr = max(v & 7, GIC400.minimumBPR)
        case Self.GICC_ABPR: abpr = max(v & 7, GIC400.minimumABPR)
        case Self.GICC_APR0: apr = v
        case Self.GICC_NSAPR0: nsapr = v
        // EOIR, AEOIR and DIR are accepted; with nothing active there is nothing to drop.
        default: break
        }
        return true
    }
}

// MARK: - Virtual interface control

/// GICH: the hypervisor's virtual interface control frame (IHI 0048B 5.3; Table 5-1).
public final class GICv2VirtualInterfaceControl: BusDevice {
    public let name = "gich"

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
    public static let vtr: UInt32 = 0x9000_0003
    public static let listRegisterCount = 4

    // GICH_LR fields (IHI 0048B 5.3, GICH_LR): State 29:28, HW 31, EOI 19 (when HW is 0).
    static let LR_STATE_SHIFT: UInt32 = 28
    static let LR_HW: UInt32 = 1 << 31
    static let LR_EOI: UInt32 = 1 << 19

    /// GICH_HCR: EOICount 31:27 and the enable bits 7:0.
    private var hcr: UInt32 = 0
    /// GICH_VMCR, the virtual CPU interface's CTLR, PMR, BPR and ABPR in one register; the GICV
    /// frame reads and writes these fields.
    var vmcr: UInt32 = 0
    var apr: UInt32 = 0
    private var lr: [UInt32] = Array(repeating: 0, count: listRegisterCount)

    public init() {}

    /// Bit n set: list register n holds no interrupt and asks for no EOI maintenance.
    var elrsr: UInt32 {
        var bits: UInt32 = 0
        for (n, v) in lr.enumerated() where v >> Self.LR_STATE_SHIFT & 3 == 0 && !(v & Self.LR_HW == 0 && v & Self.LR_EOI != 0) {
            bits |= 1 << UInt32(n)
        }
        return bits
    }

    /// Bit n set: list register n is invalid with EOI maintenance requested (HW 0, EOI 1).
    var eisr: UInt32 {
        var bits: UInt32 = 0
        for (n, v) in lr.enumerated() where v >> Self.LR_STATE_SHIFT & 3 == 0 && v & Self.LR_HW == 0 && v & Self.LR_EOI != 0 {
            bits |= 1 << UInt32(n)
        }
        return bits
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        switch offset {
        case Self.GICH_HCR: return UInt64(hcr)
        case Self.GICH_VTR: return UInt64(Self.vtr)
        case Self.GICH_VMCR: return UInt64(vmcr)
        // MISR.EOI (bit 0) follows EISR; the underflow and no-pending conditions come with
        // interrupt delivery.
        case Self.GICH_MISR: return eisr != 0 ? 1 : 0
        case Self.GICH_EISR0: return UInt64(eisr)
        case Self.GICH_ELRSR0: return UInt64(elrsr)
        case Self.GICH_APR: return UInt64(apr)
        case Self.GICH_LR0..<Self.GICH_LR0 + 4 * UInt64(Self.listRegisterCount):
            return UInt64(lr[Int(offset - Self.GICH_LR0) / 4])
        default: return 0  // EISR1, ELRSR1, unimplemented list registers, reserved: RAZ
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Self.GICH_HCR: hcr = v & 0xF800_00FF
        // VMPriMask 31:27, VMBP 23:21, VMABP 20:18, VEM 9, VMCBPR..VMGrp0En 4:0 (IHI 0048B 5.3, GICH_VMCR).
        case Self.GICH_VMCR: vmcr = v & 0xF8FC_021F
        case Self.GICH_APR: apr = v
        case Self.GICH_LR0..<Self.GICH_LR0 + 4 * UInt64(Self.listRegisterCount):
            // Bits 22:20 are reserved.
            lr[Int(offset - Self.GICH_LR0) / 4] = v & 0xFF8F_FFFF
        default: break  // VTR, MISR, EISR, ELRSR are read-only; the rest is reserved
        }
        return true
    }
}

// MARK: - Virtual CPU interface

/// GICV: the virtual CPU interface a guest sees in place of GICC (IHI 0048B chapter 5). Same
/// register layout as GICC; GICV_CTLR, GICV_PMR, GICV_BPR and GICV_ABPR are views of the fields
/// of GICH_VMCR, and GICV_APR0 of GICH_APR (IHI 0048B 5.3, GICH_VMCR).
public final class GICv2VirtualCPUInterface: BusDevice {
    public let name = "gicv"
    private let control: GICv2VirtualInterfaceControl

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

    // Where the GICV registers live inside GICH_VMCR.
    static let VMCR_CTLR_LOW: UInt32 = 0x1F      // GICV_CTLR 4:0 <-> VMCR 4:0
    static let VMCR_VEM: UInt32 = 1 << 9         // GICV_CTLR.EOImode <-> VMCR.VEM
    static let VMCR_VMABP_SHIFT: UInt32 = 18
    static let VMCR_VMBP_SHIFT: UInt32 = 21
    static let VMCR_VMPRIMASK_SHIFT: UInt32 = 27

    init(control: GICv2VirtualInterfaceControl) { self.control = control }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return nil }
        let vmcr = control.vmcr
        switch offset {
        case Self.GICV_CTLR: return UInt64(vmcr & (Self.VMCR_CTLR_LOW | Self.VMCR_VEM))
        case Self.GICV_PMR: return UInt64((vmcr >> Self.VMCR_VMPRIMASK_SHIFT) << 3)
        case Self.GICV_BPR: return UInt64(vmcr >> Self.VMCR_VMBP_SHIFT & 7)
        case Self.GICV_ABPR: return UInt64(vmcr >> Self.VMCR_VMABP_SHIFT & 7)
        case Self.GICV_IAR, Self.GICV_AIAR, Self.GICV_HPPIR, Self.GICV_AHPPIR: return GIC400.spuriousINTID
        case Self.GICV_RPR: return 0xFF
        case Self.GICV_APR0: return UInt64(control.apr)
        case Self.GICV_IIDR: return UInt64(GICv2CPUInterface.iidr)
        default: return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard offset < Self.frameSize, GIC400.isWordAccess(offset: offset, size: size) else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        let vmcr = control.vmcr
        switch offset {
        case Self.GICV_CTLR:
            let fields = Self.VMCR_CTLR_LOW | Self.VMCR_VEM
            control.vmcr = (vmcr & ~fields) | (v & fields)
        case Self.GICV_PMR:
            control.vmcr = (vmcr & ~(0x1F << Self.VMCR_VMPRIMASK_SHIFT)) | ((v >> 3) & 0x1F) << Self.VMCR_VMPRIMASK_SHIFT
        case Self.GICV_BPR:
            control.vmcr = (vmcr & ~(7 << Self.VMCR_VMBP_SHIFT)) | max(v & 7, GIC400.minimumBPR) << Self.VMCR_VMBP_SHIFT
        case Self.GICV_ABPR:
            control.vmcr = (vmcr & ~(7 << Self.VMCR_VMABP_SHIFT)) | max(v & 7, GIC400.minimumABPR) << Self.VMCR_VMABP_SHIFT
        case Self.GICV_APR0: control.apr = v
        default: break  // EOIR, AEOIR, DIR accepted; read-only and reserved registers ignore writes
        }
        return true
    }
}
