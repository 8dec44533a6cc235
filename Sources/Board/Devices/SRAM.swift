import Bus

/// On-chip static RAM outside the main RAM region (the Exynos SYSRAM). It behaves like memory:
/// any access of 1, 2, 4 or 8 bytes that lies inside it, aligned or not.
public final class SRAM: BusDevice {
    public let name: String
    private var bytes: [UInt8]

    public init(name: String, size: Int) {
        self.name = name
        self.bytes = Array(repeating: 0, count: size)
    }

    public var size: Int { bytes.count }

    private func fits(offset: UInt64, size: Int) -> Bool {
        (size == 1 || size == 2 || size == 4 || size == 8)
            && offset < UInt64(bytes.count) && UInt64(bytes.count) - offset >= UInt64(size)
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard fits(offset: offset, size: size) else { return nil }
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(bytes[Int(offset) + i]) << (8 * UInt64(i)) }
        return v
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard fits(offset: offset, size: size) else { return false }
        for i in 0..<size { bytes[Int(offset) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        return true
    }
}
