/// A problem with what the user gave armvm (an option, an image, a device-tree blob), as opposed
/// to a fault inside the emulator. `message` is one line that names the problem and, where
/// there is one, the remedy; the CLI prints it and exits with status 2.
public struct HostInputError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Sizes in messages read the way the user typed them ("512 MiB"), falling back to hex bytes.
func formatSize(_ bytes: UInt64) -> String {
    let units: [(UInt64, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
    for (unit, name) in units where bytes >= unit && bytes % unit == 0 {
        return "\(bytes / unit) \(name)"
    }
    return "\(bytes) bytes"
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
