import Bus

/// A device whose registers are only storage: 32-bit words that read back what was last
/// written (zero from reset). It stands in for blocks whose presence matters but whose behaviour
/// armvm does not model, such as the Exynos MCT, which firmware may poke at its fixed address.
public final class RegisterFileStub: BusDevice {
    public let name: String
    private var words: [UInt32]

    public init(name: String, size: UInt64) {
        self.name = name
        self.words = Array(repeating: 0, count: Int(size / 4))
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard let a = WordAccess(offset: offset, size: size), a.register / 4 < UInt64(words.count) else { return nil }
        return a.extract(words[Int(a.register / 4)])
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard let a = WordAccess(offset: offset, size: size), a.register / 4 < UInt64(words.count) else { return false }
        words[Int(a.register / 4)] = a.merge(value, into: words[Int(a.register / 4)])
        return true
    }
}
