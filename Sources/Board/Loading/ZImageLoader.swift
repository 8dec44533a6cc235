/// Loads a 32-bit Arm Linux zImage (Linux Documentation/arch/arm/booting.rst, and the header of
/// arch/arm/boot/compressed/head.S): after the 36 bytes of start-up code, the magic 0x016F2818
/// at 0x24, then the image's start and end addresses at 0x28 and 0x2C (its length). The zImage
/// Linux's is position independent (start 0): it is placed 64 KiB into RAM (as QEMU places it),
/// leaving room below for the decompressed kernel's page tables. Entered at its first byte in A32.
enum ZImageLoader {
    static let magicOffset = 0x24, startOffset = 0x28, endOffset = 0x2C
    static let loadOffset: UInt64 = 0x10000

    static func load(_ b: [UInt8], into target: LoadTarget, loadAddress: UInt64?) throws -> LoadedImage {
        let path = target.path
        guard b.count >= endOffset + 4 else {
            throw HostInputError("\(path): truncated zImage header (\(b.count) of \(endOffset + 4) bytes)")
        }
        if b.le32(magicOffset) != ImageLoader.zImageMagic {
            throw HostInputError("\(path) is a big-endian zImage; armvm runs little-endian kernels")
        }
        let start = b.le32(startOffset), end = b.le32(endOffset)
        // The header's length is what the image occupies once running: Linux's ends with its
        // data (a longer file carries appended data, a DTB say, that is kept), Xen's with its BSS,
        // beyond the file, which RAM's zeros stand for. Both are kept free of the DTB and initrd.
        guard end >= start else {
            throw HostInputError("\(path): zImage header ends (\(hex(UInt64(end)))) before it starts (\(hex(UInt64(start))))")
        }
        let footprint = max(UInt64(b.count), UInt64(end - start))
        // A start of 0 marks a position-independent image (Linux's); any other start is where
        // the image was linked to run, and is where it goes (as Xen loads one).
        let address = loadAddress ?? (start != 0 ? UInt64(start) : target.bus.ramBase + loadOffset)
        guard address % 4 == 0 else {
            throw HostInputError("--load-address \(hex(address)): a zImage is entered in A32 state and must be 4-byte aligned")
        }
        try target.requireRAM("zImage", at: address, size: footprint)
        target.copy(b[...], to: address)
        return LoadedImage(kind: .zImage, entry: address, lowest: address, highest: address + footprint, state: .a32)
    }
}
