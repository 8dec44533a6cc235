/// Loads a raw binary (no header) at the address the user gives with --load-address and starts
/// it at its first byte.
enum RawLoader {
    static func load(_ b: [UInt8], into target: LoadTarget, at address: UInt64) throws -> LoadedImage {
        // The first byte is the first instruction, and AArch64 instructions are 4-byte aligned.
        guard address % 4 == 0 else {
            throw HostInputError("--load-address \(hex(address)) is not 4-byte aligned; the raw image starts with an instruction")
        }
        try target.requireRAM("raw image", at: address, size: UInt64(b.count))
        let end = try checkedAdd(address, UInt64(b.count), "\(target.path): end of raw image")
        target.copy(b[...], to: address)
        return LoadedImage(kind: .raw, entry: address, lowest: address, highest: end)
    }
}
