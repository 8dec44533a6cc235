import Bus

/// A block of 32-bit registers that reads back what was written: stands in for devices a
/// guest may probe but armvm does not model yet (the Exynos MCT).
public final class RegisterFile: BusDevice {
    public let name: String
    private var words: [UInt32]

    public init(name: String, size: UInt64) {
        self.name = name
        words = Array(repeating: 0, count: Int(size / 4))
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard size == 4, offset & 3 == 0, Int(offset / 4) < words.count else { return nil }
        return UInt64(words[Int(offset / 4)])
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size == 4, offset & 3 == 0, Int(offset / 4) < words.count else { return false }
        words[Int(offset / 4)] = UInt32(truncatingIfNeeded: value)
        return true
    }
}

/// On-chip SRAM: plain bytes behind the bus (not executable from the decode cache).
public final class StaticRAM: BusDevice {
    public let name: String
    private var bytes: [UInt8]

    public init(name: String, size: UInt64) {
        self.name = name
        bytes = Array(repeating: 0, count: Int(size))
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard Int(offset) + size <= bytes.count else { return nil }
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(bytes[Int(offset) + i]) << (8 * UInt64(i)) }
        return v
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard Int(offset) + size <= bytes.count else { return false }
        for i in 0..<size { bytes[Int(offset) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        return true
    }
}
