import Bus

/// What was loaded and where.
public struct LoadedImage {
    public enum Kind: String { case elf, linuxImage, raw }
    public var kind: Kind
    public var entry: UInt64
    /// Lowest and one past the highest physical address written.
    public var lowest: UInt64
    public var highest: UInt64
}

/// Loads an AArch64 ELF64, a Linux arm64 Image, or a raw binary into guest RAM.
public enum ImageLoader {
    public static func load(path: String, bus: PhysicalAddressSpace, layout: BoardLayout,
                            loadAddress: UInt64?) throws -> LoadedImage {
        let bytes = try HostFile.read(path, what: "image")
        if bytes.count >= 4 && bytes[0..<4] == [0x7F, 0x45, 0x4C, 0x46] {
            return try ELFLoader.load(bytes, path: path, bus: bus)
        }
        if bytes.count >= 64 && bytes.le32(0x38) == LinuxImage.magic {
            return try LinuxImage.load(bytes, path: path, bus: bus, layout: layout)
        }
        guard let at = loadAddress else {
            throw HostInputError("\(path): not an ELF or arm64 Image; give --load-address to load a raw binary")
        }
        try place(bytes[...], at: at, path: path, bus: bus)
        return LoadedImage(kind: .raw, entry: at, lowest: at, highest: at + UInt64(bytes.count))
    }

    /// Copy into RAM, or say which range does not fit.
    static func place(_ bytes: ArraySlice<UInt8>, at pa: UInt64, zeroFill: UInt64 = 0, path: String,
                      bus: PhysicalAddressSpace) throws {
        let total = UInt64(bytes.count) + zeroFill
        guard bus.contains(ramRange: pa, size: total) else {
            throw HostInputError("\(path): 0x\(String(total, radix: 16)) bytes at 0x\(String(pa, radix: 16)) do not fit in RAM "
                + "0x\(String(bus.ramBase, radix: 16))-0x\(String(bus.ramBase + bus.ramSize, radix: 16)); try a larger --memory")
        }
        _ = bytes.withUnsafeBytes { bus.load($0, at: pa) }
        if zeroFill > 0, let p = bus.ramPointer(pa + UInt64(bytes.count), size: Int(zeroFill)) {
            p.initializeMemory(as: UInt8.self, repeating: 0, count: Int(zeroFill))
        }
    }
}

/// ELF64 for AArch64 (System V gABI; "ELF for the Arm 64-bit Architecture"): PT_LOAD
/// segments at their physical addresses, entry at e_entry.
enum ELFLoader {
    static let machineAArch64: UInt64 = 183

    static func load(_ b: [UInt8], path: String, bus: PhysicalAddressSpace) throws -> LoadedImage {
        guard b.count >= 5 else { throw HostInputError("\(path): truncated ELF header") }
        if b[4] == 1 { throw HostInputError("\(path): is a 32-bit ELF; armvm runs AArch64 ELF64 images") }
        guard b[4] == 2 else { throw HostInputError("\(path): unknown ELF class \(b[4])") }
        guard b.count >= 64 else { throw HostInputError("\(path): truncated ELF header (\(b.count) of 64 bytes)") }
        guard b[5] == 1 else { throw HostInputError("\(path): big-endian ELF; armvm runs little-endian AArch64 images") }
        let machine = b.le16(18)
        guard machine == machineAArch64 else {
            let names: [UInt64: String] = [62: "x86-64", 3: "x86", 40: "32-bit Arm", 243: "RISC-V"]
            throw HostInputError("\(path): is an \(names[machine] ?? "e_machine \(machine)") ELF, not AArch64")
        }
        let type = b.le16(16)
        guard type == 2 || type == 3 else { throw HostInputError("\(path): ELF type \(type) is not an executable") }
        let entry = b.le64(24), phoff = b.le64(32), phentsize = b.le16(54), phnum = b.le16(56)
        guard phentsize >= 56, phoff <= UInt64(b.count), phnum * phentsize <= UInt64(b.count) - phoff else {
            throw HostInputError("\(path): truncated ELF program headers")
        }
        var lowest = UInt64.max, highest: UInt64 = 0
        for i in 0..<phnum {
            let h = Int(phoff + i * phentsize)
            guard b.le32(h) == 1 else { continue }            // PT_LOAD
            let offset = b.le64(h + 8), paddr = b.le64(h + 24), filesz = b.le64(h + 32), memsz = b.le64(h + 40)
            guard offset <= UInt64(b.count), filesz <= UInt64(b.count) - offset, memsz >= filesz else {
                throw HostInputError("\(path): truncated ELF segment \(i)")
            }
            if memsz == 0 { continue }
            guard bus.contains(ramRange: paddr, size: memsz) else {
                throw HostInputError("\(path): segment at 0x\(String(paddr, radix: 16)) (size 0x\(String(memsz, radix: 16))) does not fit in RAM "
                    + "0x\(String(bus.ramBase, radix: 16))-0x\(String(bus.ramBase + bus.ramSize, radix: 16)); try a larger --memory")
            }
            try ImageLoader.place(b[Int(offset)..<Int(offset + filesz)], at: paddr, zeroFill: memsz - filesz, path: path, bus: bus)
            lowest = min(lowest, paddr)
            highest = max(highest, paddr + memsz)
        }
        guard lowest < highest else { throw HostInputError("\(path): ELF has no loadable segment") }
        return LoadedImage(kind: .elf, entry: entry, lowest: lowest, highest: highest)
    }
}

/// The Linux arm64 Image (Documentation/arch/arm64/booting.rst, "Call the kernel image"):
/// a 64-byte header with text_offset at 0x08, image_size at 0x10 and magic "ARM\x64" at 0x38.
/// The image goes at a 2 MiB aligned base plus text_offset.
enum LinuxImage {
    static let magic: UInt64 = 0x644D_5241

    static func load(_ b: [UInt8], path: String, bus: PhysicalAddressSpace, layout: BoardLayout) throws -> LoadedImage {
        let textOffset = b.le64(0x08)
        var size = b.le64(0x10)
        if size == 0 { size = UInt64(b.count) }          // pre-3.17 kernels: no size given
        size = max(size, UInt64(b.count))
        let base = (layout.ramBase + 0x1F_FFFF) & ~0x1F_FFFF
        let at = base + textOffset
        try ImageLoader.place(b[...], at: at, zeroFill: size - UInt64(b.count), path: path, bus: bus)
        return LoadedImage(kind: .linuxImage, entry: at, lowest: at, highest: at + size)
    }
}
