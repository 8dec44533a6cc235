import Board
import Bus
#if canImport(Glibc)
import Glibc
#endif

/// The guest image as `armvm run IMAGE [--load-address A]` reads it: ImageLoader.load, the entry
/// MachineSetup.prepare calls, which tells ELF64 and ELF32 (and refuses big-endian and foreign
/// ELFs), arm64 Image, 32-bit Arm zImage and raw binaries apart by their bytes.
///
/// Each input is loaded twice: without --load-address (ELF, Image, or refusal) and with one at
/// RAM + 2 MiB (raw, Image at a given base, or refusal for ELF). The oracle checks that what a
/// loader reports lies in RAM, as MachineSetup assumes when it places the initrd and DTB.
enum ImageHarness {
    static let input = HostInput("image")
    static let layout = BoardLayout.virt
    /// Reused across inputs: loaders only write RAM, and a fresh bus per input would only add
    /// page faults.
    static let bus: PhysicalAddressSpace = {
        guard let b = PhysicalAddressSpace(ramBase: layout.ramBase, ramSize: smallMachine().memorySize) else {
            fatalError("armvm-fuzz: cannot reserve guest RAM")
        }
        return b
    }()
    static let twoMiB: UInt64 = 2 << 20

    static func run(_ bytes: [UInt8]) {
        input.set(bytes)
        for loadAddress in [nil, bus.ramBase + twoMiB] {
            expectHostInputError("image") {
                let image = try ImageLoader.load(path: input.path, bus: bus, layout: layout, loadAddress: loadAddress)
                check(image, bytes, loadAddress)
            }
        }
    }

    static func check(_ image: LoadedImage, _ bytes: [UInt8], _ loadAddress: UInt64?) {
        guard image.lowest < image.highest,
              bus.contains(ramRange: image.lowest, size: image.highest - image.lowest) else {
            finding("image: \(image) does not lie in RAM \(bus.ramBase)+\(bus.ramSize)")
        }
        guard bus.contains(ramRange: image.entry, size: 1) else {
            finding("image: entry of \(image) is outside RAM")
        }
        let isELF = bytes.count >= 4 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46
        switch image.kind {
        case .elf:
            guard isELF, loadAddress == nil else { finding("image: \(image) loaded as ELF (load address \(String(describing: loadAddress)))") }
        case .linuxImage:
            // booting.rst: the Image is entered at its first byte, text_offset above a 2 MiB base.
            guard image.entry == image.lowest, UInt64(bytes.count) <= image.highest - image.lowest,
                  ramMatches(bytes, at: image.entry) else {
                finding("image: arm64 Image \(image) not copied to its entry")
            }
        case .zImage:
            // arm/booting.rst: the zImage is entered at its first byte, in A32 state. Its footprint is
            // the file, or more when the header's length counts a BSS (Xen's does).
            guard image.entry == image.lowest, image.state == .a32, UInt64(bytes.count) <= image.highest - image.lowest,
                  ramMatches(bytes, at: image.entry) else {
                finding("image: zImage \(image) not copied to its entry")
            }
        case .raw:
            guard let a = loadAddress, image.entry == a, image.lowest == a,
                  image.highest - image.lowest == UInt64(bytes.count), ramMatches(bytes, at: a) else {
                finding("image: raw \(image) not at --load-address \(String(describing: loadAddress))")
            }
        }
    }

    static func ramMatches(_ bytes: [UInt8], at pa: UInt64) -> Bool {
        guard let p = bus.ramPointer(pa, size: bytes.count) else { return false }
        return bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            return memcmp(p, base, raw.count) == 0
        }
    }
}
