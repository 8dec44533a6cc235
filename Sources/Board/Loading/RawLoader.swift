/// Loads a raw binary (no header) at the address the user gives with --load-address and starts
/// it at its first byte.
enum RawLoader {
    static func load(_ b: [UInt8], into target: LoadTarget, at address: UInt64) throws -> LoadedImage {
        try target.requireRAM("raw image", at: address, size: UInt64(b.count))
        target.copy(b[...], to: address)
        return LoadedImage(kind: .raw, entry: address, lowest: address, highest: address + UInt64(b.count))
    }
}
