/// Loads an arm64 Linux "Image" (and anything that follows its boot protocol: Xen, or
/// firmware built the same way) per Linux Documentation/arch/arm64/booting.rst, section 4:
/// a 64-byte little-endian header, placed text_offset bytes above a 2 MiB-aligned base in RAM
/// and entered at its first byte.
enum LinuxImageLoader {
    static let headerSize = 64
    // Header field offsets (booting.rst): code0/code1 at 0x00, then these.
    static let textOffsetField = 0x08
    static let imageSizeField = 0x10
    static let flagsField = 0x18
    static let magicField = 0x38
    /// "ARM\x64", little-endian.
    static let magic: UInt32 = 0x644D_5241
    /// flags bit 0: 1 = big-endian kernel.
    static let flagBigEndian: UInt64 = 1
    /// "Where image_size is zero, text_offset can be assumed to be 0x80000" (pre-3.17 kernels).
    static let legacyTextOffset: UInt64 = 0x80000
    static let baseAlignment: UInt64 = 2 << 20

    static func hasMagic(_ b: [UInt8]) -> Bool { b.count >= magicField + 4 && b.le32(magicField) == magic }

    static func load(_ b: [UInt8], into target: LoadTarget, loadAddress: UInt64?) throws -> LoadedImage {
        let path = target.path
        guard b.count >= headerSize else {
            throw HostInputError("\(path): truncated arm64 Image header (\(b.count) of \(headerSize) bytes)")
        }
        var textOffset = b.le64(textOffsetField)
        let imageSize = b.le64(imageSizeField)
        if b.le64(flagsField) & flagBigEndian != 0 {
            throw HostInputError("\(path) is a big-endian arm64 Image; armvm runs little-endian kernels")
        }
        if imageSize == 0 { textOffset = legacyTextOffset }
        // At least image_size bytes from the start of the Image belong to the kernel (its .bss
        // and early page tables lie beyond the file); older Images give 0 and mean the file.
        let footprint = max(imageSize, UInt64(b.count))

        let address: UInt64
        if let a = loadAddress {
            guard a >= textOffset, (a - textOffset) % baseAlignment == 0 else {
                throw HostInputError("--load-address \(hex(a)): an arm64 Image must sit text_offset (\(hex(textOffset))) above a 2 MiB boundary")
            }
            address = a
        } else {
            // As low in RAM as the protocol allows: the Image's flags may permit anywhere, but
            // the start of RAM is always acceptable.
            let base = (target.bus.ramBase + baseAlignment - 1) & ~(baseAlignment - 1)
            // text_offset is the file's to choose: a huge one must not overflow (found by fuzzing).
            let (sum, overflow) = base.addingReportingOverflow(textOffset)
            guard !overflow else {
                throw HostInputError("\(path): arm64 Image text_offset \(hex(textOffset)) lies beyond \(target.ramDescription)")
            }
            address = sum
        }
        try target.requireRAM("arm64 Image", at: address, size: footprint)
        target.copy(b[...], to: address)
        return LoadedImage(kind: .linuxImage, entry: address, lowest: address, highest: address + footprint)
    }
}
