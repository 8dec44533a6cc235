/// Which memory map and interrupt map the machine follows (see Boards/).
public enum BoardKind: String, CaseIterable, Sendable {
    /// Insignal Arndale (Samsung Exynos 5250) memory map, with AArch64 CPUs.
    case arndale
    /// QEMU's `virt` machine memory map.
    case virt
}

/// Which UART model sits in the board's console slot. PL011 is the default on both boards:
/// Debian's arm64 kernel and Xen drive PL011 but not the Exynos UART (Xen builds its Exynos
/// 4210 UART driver for 32-bit Arm only: HAS_EXYNOS4210 in xen/drivers/char/Kconfig).
public enum UARTModel: String, CaseIterable, Sendable {
    case pl011
    case exynos
}

/// The CPU model (`--cpu`): its identification and which execution states it has.
public enum CPUModel: String, CaseIterable, Sendable {
    /// ARMv8.0-A: AArch64 at EL0-EL2, AArch32 at EL0 and EL1 (A32, VFPv4), GICv2 or GICv3.
    case cortexA57 = "cortex-a57"
    /// ARMv7-A with LPAE, the virtualization and generic-timer extensions: AArch32 only, EL2 is
    /// Hyp mode (the Arndale's own core).
    case cortexA15 = "cortex-a15"

    /// MIDR_EL1 (and the VPIDR_EL2 reset value): Arm, Cortex-A57 r1p0; Cortex-A15 r2p4.
    public var midr: UInt64 {
        switch self {
        case .cortexA57: return 0x411F_D070
        case .cortexA15: return 0x412F_C0F4
        }
    }

    /// The model has AArch64 state: it can run an arm64 Image or ELF64.
    public var hasAArch64: Bool { self != .cortexA15 }

    /// The /cpus compatible strings (bindings/arm/cpus.yaml).
    public var compatible: [String] {
        switch self {
        case .cortexA57: return ["arm,cortex-a57", "arm,armv8"]
        case .cortexA15: return ["arm,cortex-a15"]
        }
    }

    /// The PMU node's compatible (bindings/arm/pmu.yaml).
    public var pmuCompatible: String {
        switch self {
        case .cortexA57: return "arm,armv8-pmuv3"
        case .cortexA15: return "arm,cortex-a15-pmu"
        }
    }

    public var summary: String {
        switch self {
        case .cortexA57: return "ARMv8.0-A: AArch64 EL0-EL2, AArch32 EL0/EL1"
        case .cortexA15: return "ARMv7-A with LPAE and virtualization: AArch32 only, Hyp mode; the default for 32-bit images"
        }
    }

    /// The model a machine gets when `--cpu` is not given: the Cortex-A15 for a 32-bit image
    /// (it starts in Hyp mode, as the Arndale's boot loader hands over), else the Cortex-A57.
    public static func `default`(forAArch32Image aarch32: Bool) -> CPUModel { aarch32 ? .cortexA15 : .cortexA57 }
}

/// Everything the user chose about the machine, before anything is built from it.
public struct MachineOptions: Sendable {
    public var board: BoardKind = .arndale
    /// `--cpu`; nil picks the model from the image (`CPUModel.default`).
    public var cpuModel: CPUModel?
    /// Guest RAM in bytes; a multiple of 4 KiB, at least 1 MiB (checked by MachineSetup).
    public var memorySize: UInt64 = 512 << 20
    /// The exception level the boot CPU starts at: 2 (the guest owns EL2) or 1.
    public var startEL: UInt8 = 2
    public var uart: UARTModel = .pl011
    /// Kernel command line, placed in /chosen/bootargs.
    public var bootargs: String = ""
    public var cpuCount: Int = 1
    /// Interpret only: no A64 blocks are translated to host code (`--interpreter`).
    public var interpreter = false
    /// The interrupt controller: 2 (GIC-400) or 3 (GICv3, virt only).
    public var gicVersion: Int = 2
    /// Dom0less guests (`--guest`): each image is loaded into RAM and described under /chosen for
    /// the hypervisor that boots, in this order (domU1, domU2, ...).
    public var guests: [GuestImage] = []
    /// Dom0 boot modules (`--module`), described under /chosen as Xen reads them.
    public var modules: [BootModule] = []
    /// virtio-blk drives (`--drive`), one transport each, in this order (vda, vdb, ...).
    public var drives: [DiskImage.Spec] = []
    /// A virtio-console port (`--virtio-console`), fed from stdin instead of the UART.
    public var virtioConsole = false
    /// A virtio-rng device (`--virtio-rng`, `--rng-seed`) and the seed of its generator.
    public var virtioRNG = false
    public var rngSeed: UInt64 = MachineOptions.defaultRNGSeed
    public static let defaultRNGSeed: UInt64 = 0x6172_6D76_6D00_0001   // "armvm", then 1
    /// `--numa`: nil for one node (no NUMA properties in the device tree).
    public var numa: NUMATopology?

    public init() {}

    /// The virtio devices, in the order they take the board's transports.
    public var virtioDevices: [VirtioDeviceKind] {
        drives.indices.map { .block($0) } + (virtioConsole ? [.console] : []) + (virtioRNG ? [.rng] : [])
    }

    /// Parses a size as users write it: "1073741824", "64K", "512M", "1G", "256MiB", "2GB".
    /// Suffixes are binary (K = 1024), as QEMU's -m reads them; case does not matter.
    public static func parseSize(_ s: String) throws -> UInt64 {
        let malformed = HostInputError("malformed size '\(s)'; write e.g. 512M, 1G or 1073741824")
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = UInt64(digits) else { throw malformed }
        let shift: UInt64
        switch s.dropFirst(digits.count).lowercased() {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        case "t", "tb", "tib": shift = 40
        default: throw malformed
        }
        guard number <= UInt64.max >> shift else {
            throw HostInputError("size '\(s)' is too large")
        }
        return number << shift
    }
}

/// What sits in a virtio-mmio transport.
public enum VirtioDeviceKind: Sendable, Equatable {
    /// The n-th `--drive`.
    case block(Int)
    case console
    case rng
}

/// One `--guest IMAGE[,memory=SIZE][,cpus=N][,bootargs=...]`: a domain that a dom0less hypervisor
/// (Xen 4.17, minihyp) creates at boot from its /chosen node (Xen's
/// docs/misc/arm/device-tree/booting.txt, "Creating Multiple Domains directly from Xen").
public struct GuestImage: Sendable, Equatable {
    public static let usage = "--guest IMAGE[,memory=SIZE][,cpus=N][,bootargs=...]"
    public static let defaultMemory: UInt64 = 64 << 20

    public var path: String
    /// Guest RAM in bytes; written as KiB (the binding's unit), so a multiple of 4 KiB is asked.
    public var memory: UInt64 = GuestImage.defaultMemory
    public var cpus: Int = 1
    public var bootargs: String?

    public init(path: String, memory: UInt64 = GuestImage.defaultMemory, cpus: Int = 1, bootargs: String? = nil) {
        self.path = path; self.memory = memory; self.cpus = cpus; self.bootargs = bootargs
    }

    /// Parses the option's value. bootargs= takes the rest of the value, commas included, so it
    /// comes last: `--guest linux,memory=256M,bootargs=console=ttyAMA0,115200`.
    public static func parse(_ spec: String) throws -> GuestImage {
        let (path, pairs) = try splitSpec(spec, option: "--guest", usage: usage)
        var g = GuestImage(path: path)
        for (key, value) in pairs {
            switch key {
            case "memory":
                let size: UInt64
                do { size = try MachineOptions.parseSize(value) } catch let e as HostInputError {
                    throw HostInputError("--guest \(path): \(e.message)")
                }
                guard size >= 1 << 20, size % 4096 == 0 else {
                    throw HostInputError("--guest \(path): memory=\(value) must be at least 1M and a multiple of 4K")
                }
                g.memory = size
            case "cpus":
                guard let n = Int(value), (1...8).contains(n) else {
                    throw HostInputError("--guest \(path): cpus=\(value) must be a number from 1 to 8")
                }
                g.cpus = n
            case "bootargs":
                g.bootargs = value
            default:
                throw HostInputError("--guest \(path): unknown key '\(key)' (write \(usage))")
            }
        }
        return g
    }
}

/// One `--module IMAGE,kind=kernel|ramdisk[,bootargs=...]`: dom0's kernel or ramdisk, as a
/// /chosen module node for Xen (booting.txt, "Dom0 kernel and ramdisk modules").
public struct BootModule: Sendable, Equatable {
    public static let usage = "--module IMAGE,kind=kernel|ramdisk[,bootargs=...]"

    public enum Kind: String, Sendable, CaseIterable {
        case kernel, ramdisk
        /// The specific compatible string; "multiboot,module" always follows it.
        public var compatible: String { "multiboot,\(rawValue)" }
    }

    public var path: String
    public var kind: Kind
    public var bootargs: String?

    public init(path: String, kind: Kind, bootargs: String? = nil) {
        self.path = path; self.kind = kind; self.bootargs = bootargs
    }

    public static func parse(_ spec: String) throws -> BootModule {
        let (path, pairs) = try splitSpec(spec, option: "--module", usage: usage)
        var kind: Kind?
        var bootargs: String?
        for (key, value) in pairs {
            switch key {
            case "kind":
                guard let k = Kind(rawValue: value) else {
                    throw HostInputError("--module \(path): kind=\(value) must be kernel or ramdisk")
                }
                kind = k
            case "bootargs":
                bootargs = value
            default:
                throw HostInputError("--module \(path): unknown key '\(key)' (write \(usage))")
            }
        }
        guard let kind else { throw HostInputError("--module \(path): kind= is missing (write \(usage))") }
        if bootargs != nil && kind != .kernel {
            throw HostInputError("--module \(path): bootargs= belongs to the kind=kernel module")
        }
        return BootModule(path: path, kind: kind, bootargs: bootargs)
    }
}

/// "IMAGE,key=value,...,bootargs=rest" -> the image and the pairs in order. A key may appear once.
private func splitSpec(_ spec: String, option: String, usage: String) throws -> (String, [(String, String)]) {
    var rest = Substring(spec)
    let path = rest.prefix { $0 != "," }
    guard !path.isEmpty else { throw HostInputError("\(option) '\(spec)' names no image file (write \(usage))") }
    rest = rest.dropFirst(path.count)
    var pairs: [(String, String)] = []
    while rest.first == "," {
        rest = rest.dropFirst()
        let key = String(rest.prefix { $0 != "=" && $0 != "," })
        guard rest.dropFirst(key.count).first == "=", !key.isEmpty else {
            throw HostInputError("\(option) \(path): '\(rest.prefix { $0 != "," })' is not key=value (write \(usage))")
        }
        rest = rest.dropFirst(key.count + 1)
        let value: Substring
        if key == "bootargs" {
            value = rest                        // the command line may hold commas
        } else {
            value = rest.prefix { $0 != "," }
        }
        rest = rest.dropFirst(value.count)
        guard !pairs.contains(where: { $0.0 == key }) else {
            throw HostInputError("\(option) \(path): \(key)= given twice")
        }
        pairs.append((key, String(value)))
    }
    return (String(path), pairs)
}
