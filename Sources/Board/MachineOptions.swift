/// The boards armvm can build.
public enum BoardKind: String, CaseIterable {
    case arndale, virt
}

/// Console UART models for the console address.
public enum UARTModel: String, CaseIterable {
    case pl011, exynos
}

/// What the user asked for, validated.
public struct MachineOptions {
    public var board: BoardKind = .arndale
    public var memorySize: UInt64 = 512 << 20
    public var startEL: UInt8 = 2
    public var uart: UARTModel = .pl011
    public var bootargs: String = ""
    public var cpuCount: Int = 1
    public init() {}

    /// Parses "512M", "1G", "256MiB", "64K", "1073741824" (bytes).
    public static func parseSize(_ text: String) throws -> UInt64 {
        var s = Substring(text.trimmingCharacters(in: [" "]))
        var shift: UInt64 = 0
        for (suffixes, sh) in [(["KiB", "KB", "K", "k"], UInt64(10)), (["MiB", "MB", "M", "m"], 20),
                               (["GiB", "GB", "G", "g"], 30)] {
            if let suf = suffixes.first(where: { s.hasSuffix($0) }) {
                s = s.dropLast(suf.count)
                shift = sh
                break
            }
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt64(s),
              n <= UInt64.max >> shift else {
            throw HostInputError("malformed size '\(text)' (try 512M or 1G)")
        }
        return n << shift
    }
}

private extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
