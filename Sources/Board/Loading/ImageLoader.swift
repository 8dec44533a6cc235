import Bus

/// What the loader put into RAM and where the boot CPU starts.
public struct LoadedImage: Sendable, Equatable {
    public enum Kind: String, Sendable { case elf, linuxImage, zImage, raw }
    public let kind: Kind
    /// Physical address of the first instruction (the CPU starts with the MMU off).
    public let entry: UInt64
    /// The lowest physical address the image occupies.
    public let lowest: UInt64
    /// The end (exclusive) of what the image occupies, including memory it claims beyond the
    /// file (ELF p_memsz, the arm64 Image's image_size).
    public let highest: UInt64
    /// The execution state and instruction set the image is entered in.
    public enum EntryState: String, Sendable { case aarch64, a32, t32 }
    public let state: EntryState

    public init(kind: Kind, entry: UInt64, lowest: UInt64, highest: UInt64, state: EntryState = .aarch64) {
        self.kind = kind; self.entry = entry; self.lowest = lowest; self.highest = highest; self.state = state
    }
}

/// Recognises the guest image by its contents and loads it into RAM.
public enum ImageLoader {
    /// ELF (by its magic) or arm64 Image (by "ARM\x64" at 0x38), whatever `loadAddress` says;
    /// anything else is a raw binary placed at `loadAddress`, which it then requires. Formats
    /// armvm recognises but cannot boot (without --load-address a compressed kernel or a
    /// U-Boot uImage) are refused by name; a 32-bit Arm zImage loads as ZImageLoader says.
    public static func load(path: String, bus: PhysicalAddressSpace, layout: BoardLayout,
                            loadAddress: UInt64?) throws -> LoadedImage {
        let bytes = try HostFile.read(path, limit: bus.ramSize)
        guard !bytes.isEmpty else { throw HostInputError("\(path): empty file") }
        let target = LoadTarget(path: path, bus: bus, layout: layout)
        if ELFLoader.hasMagic(bytes) {
            if let a = loadAddress {
                throw HostInputError("\(path) is an ELF image, which says where it loads; --load-address \(hex(a)) is for raw binaries")
            }
            return try ELFLoader.load(bytes, into: target)
        }
        if LinuxImageLoader.hasMagic(bytes) {
            return try LinuxImageLoader.load(bytes, into: target, loadAddress: loadAddress)
        }
        if isZImage(bytes) {
            return try ZImageLoader.load(bytes, into: target, loadAddress: loadAddress)
        }
        guard let a = loadAddress else {
            if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
                throw HostInputError("\(path) is gzip-compressed; decompress it first (e.g. zcat \(path) > Image): armvm loads the uncompressed arm64 Image")
            }
            if bytes.count >= 64 && bytes.be32(0) == uImageMagic {
                throw HostInputError("\(path) is a U-Boot uImage; armvm boots the arm64 Image inside it, not the U-Boot wrapper")
            }
            throw HostInputError("\(path): not an ELF or arm64 Image; give --load-address to load a raw binary")
        }
        return try RawLoader.load(bytes, into: target, at: a)
    }

    /// The 32-bit Arm zImage magic at 0x24 (Linux arch/arm/boot/compressed/head.S), in either
    /// byte order (a big-endian zImage stores it swapped).
    static let zImageMagic: UInt32 = 0x016F_2818
    static let zImageMagicOffset = 0x24
    static func isZImage(_ b: [UInt8]) -> Bool {
        guard b.count >= zImageMagicOffset + 4 else { return false }
        let w = b.le32(zImageMagicOffset)
        return w == zImageMagic || w == zImageMagic.byteSwapped
    }

    /// U-Boot's legacy image header: ih_magic, big-endian, at offset 0 (include/image.h).
    static let uImageMagic: UInt32 = 0x2705_1956
}

/// Where loaders copy to, and how they word "does not fit" so every loader says it alike.
struct LoadTarget {
    let path: String
    let bus: PhysicalAddressSpace
    let layout: BoardLayout

    var ramDescription: String {
        "RAM \(hex(bus.ramBase))-\(hex(bus.ramBase + bus.ramSize))"
    }

    /// Throws unless [pa, pa + size) lies in RAM. `what` names the piece ("segment", "Image").
    func requireRAM(_ what: String, at pa: UInt64, size: UInt64) throws {
        if bus.contains(ramRange: pa, size: size) { return }
        let piece = "\(path): \(what) at \(hex(pa)) (size \(hex(size)))"
        if pa < bus.ramBase {
            throw HostInputError("\(piece) lies below RAM, which starts at \(hex(bus.ramBase)) on \(layout.name); link the image for \(hex(bus.ramBase)) or above")
        }
        // No --memory helps a piece that ends beyond the physical address space RAM may fill.
        let (end, wraps) = pa.addingReportingOverflow(size)
        if wraps {
            throw HostInputError("\(piece) wraps past the end of the 64-bit address space")
        }
        if end > MachineSetup.physicalAddressLimit {
            throw HostInputError("\(piece) ends at \(hex(end)), beyond the \(formatSize(MachineSetup.physicalAddressLimit)) of physical address space that RAM can reach")
        }
        throw HostInputError("\(piece) does not fit in \(ramDescription); try a larger --memory")
    }

    /// Copies file bytes into RAM (the range must have passed `requireRAM`).
    func copy(_ bytes: ArraySlice<UInt8>, to pa: UInt64) {
        let ok = bytes.withUnsafeBytes { bus.load($0, at: pa) }
        precondition(ok, "checked by requireRAM")
    }

    /// Zeroes RAM, for ELF segments whose memory size exceeds their file size (.bss).
    func zero(at pa: UInt64, size: UInt64) {
        let chunk = [UInt8](repeating: 0, count: 1 << 16)
        var done: UInt64 = 0
        while done < size {
            let n = Int(min(UInt64(chunk.count), size - done))
            copy(chunk[..<n], to: pa + done)
            done += UInt64(n)
        }
    }
}
