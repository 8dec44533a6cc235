/// Which memory map and interrupt map the machine follows (see Boards/).
public enum BoardKind: String, CaseIterable, Sendable {
    /// Insignal Arndale (Samsung Exynos 5250) memory map, with AArch64 CPUs.
    case arndale
    /// QEMU's `virt` machine memory map.
    case virt
}

/// Which UART model sits in the board's console slot. PL011 is the default on both boards:
/// Debian's arm64 kernel and Xen drive PL011 but not the Exynos UART (FACTS.md, Arndale).
public enum UARTModel: String, CaseIterable, Sendable {
    case pl011
    case exynos
}

/// Everything the user chose about the machine, before anything is built from it.
public struct MachineOptions: Sendable {
    public var board: BoardKind = .arndale
    /// Guest RAM in bytes; a multiple of 4 KiB, at least 1 MiB (checked by MachineSetup).
    public var memorySize: UInt64 = 512 << 20
    /// The exception level the boot CPU starts at: 2 (the guest owns EL2) or 1.
    public var startEL: UInt8 = 2
    public var uart: UARTModel = .pl011
    /// Kernel command line, placed in /chosen/bootargs.
    public var bootargs: String = ""
    public var cpuCount: Int = 1

    public init() {}

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
