// GIC: the interrupt controllers. GICv2 (a GIC-400 with the virtualization extensions, ARM IHI
// 0048B) over MMIO, and GICv3 (ARM IHI 0069) with a memory-mapped distributor and
// redistributors and the ICC_*/ICH_* system-register CPU interface.
//
// Owns: interrupt state (enable, pending, active, group, priority, trigger, routing), the physical
// CPU interfaces, the virtual CPU interfaces behind the list registers, and each CPU's interrupt
// outputs. Must not know: CPU internals. It reaches a CPU only through `InterruptSink`
// (`CPU.setInterruptInputs`) and ARMCore's `SystemRegisterProvider`, and devices reach it
// only through `InterruptLine`s and `setLevel`.
//
// Both GICs share the pieces in this file: the interrupt store (one bank of private interrupts
// per CPU, then the SPIs) and the priority logic of a CPU interface, which the virtual CPU
// interface (VirtualInterface.swift) reuses.
import ARMCore
import Bus

/// Where a GIC sends each CPU's interrupt outputs (nIRQ, nFIQ, nVIRQ, nVFIQ). A `CPU` is one.
public protocol InterruptSink: AnyObject {
    func setInterruptInputs(_ inputs: InterruptInputs)
}

extension CPU: InterruptSink {}

/// What a board needs from either GIC: inputs to drive and CPUs to connect.
public protocol InterruptController: AnyObject {
    var cpuCount: Int { get }
    /// INTIDs 0 to `interruptCount - 1` exist (32 private ones, then the SPIs).
    var interruptCount: Int { get }
    /// Connect CPU `cpu`'s interrupt inputs; the GIC drives them from now on.
    func connect(cpu: Int, to sink: InterruptSink)
    /// Set the level of the input of INTID `intid` (16-31 a PPI of CPU `cpu`, 32 and up an SPI;
    /// `cpu` is ignored for SPIs). Level-sensitive interrupts are pending while the input is high;
    /// edge-triggered ones latch a rising edge. Out-of-range values are ignored.
    func setLevel(intid: Int, cpu: Int, level: Bool)
    /// Told of interrupts raised, acknowledged and ended, list-register writes and maintenance
    /// interrupts (GICObserver.swift); nil when nothing traces.
    var observer: GICObserver? { get set }
    /// The INTID CPU `cpu`'s IRQ/FIQ output stands for now (the most urgent pending one), and
    /// the vINTID of its virtual output, for traces of interrupts taken.
    func signalledINTID(cpu: Int, virtual: Bool) -> UInt32?
}

extension InterruptController {
    /// The input line of SPI `spi` (INTID 32 + spi), for a device's interrupt output. The line
    /// keeps the GIC alive (the GIC holds no lines, so there is no cycle).
    public func inputLine(spi: Int) -> InterruptLine {
        let id = 32 + spi
        return InterruptLine { [self] high in self.setLevel(intid: id, cpu: 0, level: high) }
    }

    /// The input line of PPI `ppi` (INTID 16 + ppi, the device tree's numbering) of CPU `cpu`,
    /// for a CPU-local source such as a generic timer.
    public func inputLine(ppi: Int, cpu: Int) -> InterruptLine {
        let id = 16 + ppi
        return InterruptLine { [self] high in self.setLevel(intid: id, cpu: cpu, level: high) }
    }
}

/// Architectural constants of both GICs as armvm implements them.
public enum GICConstants {
    /// 5 priority bits, 32 levels: the low 3 bits of every 8-bit priority are RAZ/WI (IHI 0048B
    /// 3.3 "Interrupt prioritization"; IHI 0069 4.8 "Interrupt prioritization"). As on the GIC-400 and QEMU's GICv3.
    public static let priorityMask: UInt8 = 0xF8
    /// The smallest binary points with 5 priority bits: 2 for Group 0, 3 for Group 1 (IHI 0048B
    /// 3.3 "Priority grouping"; IHI 0069 ICC_BPR0_EL1, ICC_BPR1_EL1).
    public static let minimumBPR0: UInt8 = 2
    public static let minimumBPR1: UInt8 = 3
    /// "No interrupt" and "Group 1 interrupt, not acknowledgeable here" (IHI 0048B 3.2 "Special interrupt numbers"; IHI 0069 2.2 "INTIDs").
    public static let spurious: UInt32 = 1023
    public static let spuriousGroup1: UInt32 = 1022
    /// The virtual interface's maintenance interrupt is PPI 9, INTID 25 (as the boards' device trees say).
    public static let maintenanceINTID = 25
    /// INTIDs 0-15 are SGIs, 16-31 PPIs, 32-1019 SPIs.
    public static let privateCount = 32
    public static let maximumSPIs = 988
}

/// The interrupt state of one GIC: per interrupt enable, pending latch, input level, active,
/// group, edge-triggered config (bit maps, 32 interrupts a word, as the set/clear registers show
/// them) and priority. Each CPU has its own bank of the 32 private interrupts (SGIs and PPIs,
/// IHI 0048B 1.4.3 "banking"); the SPI words follow the banks.
final class InterruptStore {
    let cpuCount: Int
    let spiCount: Int
    var interruptCount: Int { GICConstants.privateCount + spiCount }
    let wordCount: Int

    var enabled: [UInt32]
    /// The pending latch: set by an edge, a write to ISPENDR or an SGI; cleared by acknowledge or ICPENDR.
    var latch: [UInt32]
    /// The input levels.
    var level: [UInt32]
    var active: [UInt32]
    /// 1: Group 1.
    var group: [UInt32]
    /// 1: edge-triggered, 0: level-sensitive (GICD_ICFGR Int_config[1]).
    var edge: [UInt32]
    var priority: [UInt8]

    init(cpuCount: Int, spiCount: Int) {
        self.cpuCount = cpuCount
        self.spiCount = spiCount
        wordCount = cpuCount + spiCount / 32
        enabled = Array(repeating: 0, count: wordCount)
        latch = Array(repeating: 0, count: wordCount)
        level = Array(repeating: 0, count: wordCount)
        active = Array(repeating: 0, count: wordCount)
        group = Array(repeating: 0, count: wordCount)
        edge = Array(repeating: 0, count: wordCount)
        // SGIs are edge-triggered (IHI 0048B and IHI 0069, GICD_ICFGR0 / GICR_ICFGR0).
        for c in 0..<cpuCount { edge[c] = 0xFFFF }
        priority = Array(repeating: 0, count: cpuCount * 32 + spiCount)
    }

    /// The word holding interrupt `id` as CPU `cpu` sees it; nil when `id` does not exist.
    @inline(__always) func word(_ id: Int, _ cpu: Int) -> Int? {
        guard id >= 0, id < interruptCount, cpu >= 0, cpu < cpuCount else { return nil }
        return id < 32 ? cpu : cpuCount + (id >> 5) - 1
    }

    /// The word of register index `n` (GICD_xxxR<n>) as CPU `cpu` sees it.
    @inline(__always) func registerWord(_ n: Int, _ cpu: Int) -> Int? { word(n * 32, cpu) }

    @inline(__always) func slot(_ id: Int, _ cpu: Int) -> Int? {
        guard id >= 0, id < interruptCount, cpu >= 0, cpu < cpuCount else { return nil }
        return id < 32 ? cpu * 32 + id : cpuCount * 32 + id - 32
    }

    /// Pending: the latch, or a level-sensitive input that is high (IHI 0048B 3.2 "Interrupt handling state machine").
    @inline(__always) func pendingWord(_ w: Int) -> UInt32 { latch[w] | (level[w] & ~edge[w]) }

    @inline(__always) func bit(_ bits: [UInt32], _ id: Int, _ cpu: Int) -> Bool {
        guard let w = word(id, cpu) else { return false }
        return bits[w] >> UInt32(id & 31) & 1 != 0
    }

    func isPending(_ id: Int, cpu: Int) -> Bool {
        guard let w = word(id, cpu) else { return false }
        return pendingWord(w) >> UInt32(id & 31) & 1 != 0
    }
    func isActive(_ id: Int, cpu: Int) -> Bool { bit(active, id, cpu) }

    /// The most urgent interrupt pending for CPU `c`: enabled, pending and not active, its group
    /// let through by `groupEnabled` (distributor and CPU interface), and for an SPI, delivered to
    /// `c` by `spiReaches` (GICv2 targets, GICv3 routing). Ties go to the lowest INTID (IHI 0048B
    /// 3.3, IHI 0069 4.8 "Interrupt prioritization"). This CPU's private bank first, then the SPIs.
    func highestPending(cpu c: Int, groupEnabled: (_ group1: Bool) -> Bool,
                        spiReaches: (_ id: Int) -> Bool) -> Candidate? {
        var best: Candidate?
        for k in 0..<(wordCount - cpuCount + 1) {
            let w = k == 0 ? c : cpuCount + k - 1
            var bits = pendingWord(w) & enabled[w] & ~active[w]
            let base = k * 32
            while bits != 0 {
                let b = bits.trailingZeroBitCount
                bits &= bits &- 1
                let id = base + b
                let g1 = group[w] >> UInt32(b) & 1 != 0
                guard groupEnabled(g1) else { continue }
                if id >= 32 && !spiReaches(id) { continue }
                let prio = priority[id < 32 ? c * 32 + id : cpuCount * 32 + id - 32]
                if let b = best, b.priority <= prio { continue }
                best = Candidate(id: id, priority: prio, group1: g1)
            }
        }
        return best
    }
    func isEnabled(_ id: Int, cpu: Int) -> Bool { bit(enabled, id, cpu) }
    func isGroup1(_ id: Int, cpu: Int) -> Bool { bit(group, id, cpu) }
    func priorityOf(_ id: Int, cpu: Int) -> UInt8 {
        guard let s = slot(id, cpu) else { return 0xFF }
        return priority[s]
    }

    /// Drive an input. A rising edge of an edge-triggered input sets the latch.
    func setLevel(_ id: Int, cpu: Int, _ high: Bool) {
        guard let w = word(id, cpu) else { return }
        let m = UInt32(1) << UInt32(id & 31)
        let wasHigh = level[w] & m != 0
        if high {
            level[w] |= m
            if !wasHigh && edge[w] & m != 0 { latch[w] |= m }
        } else {
            level[w] &= ~m
        }
    }

    func setActive(_ id: Int, cpu: Int, _ on: Bool) {
        guard let w = word(id, cpu) else { return }
        let m = UInt32(1) << UInt32(id & 31)
        if on { active[w] |= m } else { active[w] &= ~m }
    }

    func clearLatch(_ id: Int, cpu: Int) {
        guard let w = word(id, cpu) else { return }
        latch[w] &= ~(UInt32(1) << UInt32(id & 31))
    }

    func setLatch(_ id: Int, cpu: Int) {
        guard let w = word(id, cpu) else { return }
        latch[w] |= UInt32(1) << UInt32(id & 31)
    }

    /// GICD_ICFGR<n> as read: two bits per interrupt, Int_config[1] (edge) in the odd bit.
    func configRegister(_ n: Int, cpu: Int) -> UInt32 {
        guard let w = registerWord(n / 2, cpu) else { return 0 }
        let half = edge[w] >> UInt32(16 * (n & 1)) & 0xFFFF
        var v: UInt32 = 0
        for i in 0..<16 where half >> UInt32(i) & 1 != 0 { v |= 2 << UInt32(2 * i) }
        return v
    }

    func setConfigRegister(_ n: Int, cpu: Int, _ value: UInt32) {
        guard let w = registerWord(n / 2, cpu) else { return }
        var half: UInt32 = 0
        for i in 0..<16 where value >> UInt32(2 * i + 1) & 1 != 0 { half |= 1 << UInt32(i) }
        let shift = UInt32(16 * (n & 1))
        edge[w] = (edge[w] & ~(0xFFFF << shift)) | half << shift
    }
}

/// The priority state of one CPU interface, physical or virtual: the mask, the binary points,
/// the active priorities and the controls that decide what is signalled (IHI 0048B 3.3; IHI
/// 0069 4.8). Priorities are 8-bit values of which the top 5 bits are implemented; lower is
/// more urgent.
struct PriorityState {
    var pmr: UInt8 = 0
    var bpr0: UInt8 = GICConstants.minimumBPR0
    var bpr1: UInt8 = GICConstants.minimumBPR1
    /// Group 1 uses the Group 0 binary point (GICC_CTLR.CBPR, ICC_CTLR_EL1.CBPR, GICH_VMCR.VMCBPR).
    var cbpr = false
    /// Active priorities, one bit per preemption level (group priority >> 3), per group
    /// (GICC_APR0 / GICC_NSAPR0, ICC_AP0R0 / ICC_AP1R0, ICH_AP0R0 / ICH_AP1R0).
    var ap0: UInt32 = 0
    var ap1: UInt32 = 0
    var enableGrp0 = false
    var enableGrp1 = false
    /// GICv2 only: Group 1 interrupts can be acknowledged through GICC_IAR.
    var ackCtl = false
    /// Group 0 is signalled as FIQ (GICv2 GICC_CTLR.FIQEn; always for GICv3).
    var fiqEn = false
    /// Split priority drop and deactivation, per group (EOImode).
    var eoiMode0 = false
    var eoiMode1 = false

    /// The group priority of `priority` for a group: the bits above the binary point (IHI 0069,
    /// pseudocode GroupBits: Group 1 uses BPR1 - 1 unless CBPR).
    @inline(__always) func groupPriority(_ priority: UInt8, group1: Bool) -> UInt8 {
        let b: UInt8 = group1 ? (cbpr ? bpr0 : bpr1 &- 1) : bpr0
        return priority & UInt8(truncatingIfNeeded: 0xFF << (UInt32(b & 7) + 1))
    }

    /// The running priority: that of the most urgent active preemption level, 0xFF when idle.
    var runningPriority: UInt8 {
        let a = ap0 | ap1
        return a == 0 ? 0xFF : UInt8(truncatingIfNeeded: a.trailingZeroBitCount << 3)
    }

    func groupEnabled(group1: Bool) -> Bool { group1 ? enableGrp1 : enableGrp0 }

    /// A pending interrupt is signalled when its group is enabled, it is above the priority mask,
    /// and its group priority preempts the running priority (IHI 0048B 3.3 "Preemption"; IHI 0069 4.8 "Interrupt prioritization").
    @inline(__always) func canSignal(_ priority: UInt8, group1: Bool) -> Bool {
        groupEnabled(group1: group1) && priority < pmr && groupPriority(priority, group1: group1) < runningPriority
    }

    /// Acknowledge: the interrupt's group priority becomes active.
    mutating func activate(_ priority: UInt8, group1: Bool) {
        let m = UInt32(1) << UInt32(groupPriority(priority, group1: group1) >> 3)
        if group1 { ap1 |= m } else { ap0 |= m }
    }

    /// Priority drop: the most urgent active level is no longer active. False when none was.
    @discardableResult
    mutating func dropPriority() -> Bool {
        let a = ap0 | ap1
        guard a != 0 else { return false }
        let lowest = a & (0 &- a)
        ap0 &= ~lowest
        ap1 &= ~lowest
        return true
    }

    func eoiMode(group1: Bool) -> Bool { group1 ? eoiMode1 : eoiMode0 }

    static func clampBPR0(_ v: UInt64) -> UInt8 { max(UInt8(v & 7), GICConstants.minimumBPR0) }
    static func clampBPR1(_ v: UInt64) -> UInt8 { max(UInt8(v & 7), GICConstants.minimumBPR1) }
}

/// The most urgent candidate found by a scan.
struct Candidate {
    var id: Int
    var priority: UInt8
    var group1: Bool
}

/// The block of one-bit-per-interrupt registers at offsets 0x080-0x3FF, laid out alike in the
/// GICv2 and GICv3 distributors and the GICv3 redistributor's SGI frame: IGROUPR, ISENABLER,
/// ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER, 0x80 bytes each (IHI 0048B Table 4-1;
/// IHI 0069 Table 12-25). Writing 1 to a set/clear register sets or clears; 0 has no effect.
enum BitRegister: Int {
    case group, setEnable, clearEnable, setPending, clearPending, setActive, clearActive

    /// The register at `offset` and its index n (covering INTIDs 32n to 32n+31).
    static func at(_ offset: UInt64) -> (BitRegister, Int)? {
        guard offset >= 0x080, offset < 0x400, let k = BitRegister(rawValue: Int(offset >> 7) - 1) else { return nil }
        return (k, Int(offset & 0x7F) >> 2)
    }
}

extension InterruptStore {
    func read(_ k: BitRegister, word w: Int) -> UInt32 {
        switch k {
        case .group: return group[w]
        case .setEnable, .clearEnable: return enabled[w]
        case .setPending, .clearPending: return pendingWord(w)
        case .setActive, .clearActive: return active[w]
        }
    }

    /// Apply a write; only the bits in `writable` change.
    func write(_ k: BitRegister, word w: Int, _ value: UInt32, writable: UInt32 = 0xFFFF_FFFF) {
        let v = value & writable
        switch k {
        case .group: group[w] = (group[w] & ~writable) | v
        case .setEnable: enabled[w] |= v
        case .clearEnable: enabled[w] &= ~v
        case .setPending: latch[w] |= v
        // Clearing the latch leaves a level-sensitive input that is still high pending (IHI 0048B GICD_ICPENDR).
        case .clearPending: latch[w] &= ~v
        case .setActive: active[w] |= v
        case .clearActive: active[w] &= ~v
        }
    }
}
