import Board
import Bus
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class LoaderTests: XCTestCase {
    var files: TempFiles!
    let layout = BoardLayout.virt

    override func setUpWithError() throws { files = try TempFiles() }

    func ram(_ size: UInt64 = 16 << 20) -> PhysicalAddressSpace {
        PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: size)!
    }

    func load(_ bytes: [UInt8], name: String = "guest.elf", bus: PhysicalAddressSpace? = nil,
              loadAddress: UInt64? = nil) throws -> LoadedImage {
        let path = try files.write(name, bytes)
        return try ImageLoader.load(path: path, bus: bus ?? ram(), layout: layout, loadAddress: loadAddress)
    }

    func message(_ bytes: [UInt8], name: String = "guest.elf", memory: UInt64 = 16 << 20,
                 loadAddress: UInt64? = nil) -> String {
        do {
            _ = try load(bytes, name: name, bus: ram(memory), loadAddress: loadAddress)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: files.directory.path + "/", with: "")
        }
    }

    // MARK: ELF

    func testELFSegmentsLandAtTheirPhysicalAddressWithBSSZeroed() throws {
        let bus = ram()
        // Dirty the .bss range first: the loader must zero it, not rely on fresh RAM.
        _ = bus.write(0x4008_0010, size: 8, value: 0xFFFF_FFFF_FFFF_FFFF)
        let code: [UInt8] = [0x00, 0x00, 0x80, 0xD2, 0x1F, 0x20, 0x03, 0xD5] // mov x0, #0; nop
        let image = try load(ELFBuilder(at: 0x4008_0000, code: code, memsz: 0x100).bytes, bus: bus)
        XCTAssertEqual(image.kind, .elf)
        XCTAssertEqual(image.entry, 0x4008_0000)
        XCTAssertEqual(image.lowest, 0x4008_0000)
        XCTAssertEqual(image.highest, 0x4008_0100)
        XCTAssertEqual(bus.read(0x4008_0000, size: 4), 0xD280_0000)
        XCTAssertEqual(bus.read(0x4008_0004, size: 4), 0xD503_201F)
        XCTAssertEqual(bus.read(0x4008_0010, size: 8), 0)
    }

    func testELFEntryIsTranslatedToThePhysicalCopy() throws {
        let elf = ELFBuilder(entry: 0xFFFF_0000_0000_0040, segments: [
            .init(paddr: 0x4010_0000, vaddr: 0xFFFF_0000_0000_0000, data: [UInt8](repeating: 0xAA, count: 0x80), memsz: 0x80),
        ])
        let image = try load(elf.bytes)
        XCTAssertEqual(image.entry, 0x4010_0040)
    }

    func testELFWithSeveralSegments() throws {
        let bus = ram()
        let elf = ELFBuilder(entry: 0x4000_0000, segments: [
            .init(paddr: 0x4000_0000, vaddr: 0x4000_0000, data: [1, 2, 3, 4], memsz: 4),
            .init(paddr: 0x4020_0000, vaddr: 0x4020_0000, data: [5, 6], memsz: 0x1000),
        ])
        let image = try load(elf.bytes, bus: bus)
        XCTAssertEqual(image.highest, 0x4020_1000)
        XCTAssertEqual(bus.read(0x4000_0000, size: 4), 0x0403_0201)
        XCTAssertEqual(bus.read(0x4020_0000, size: 2), 0x0605)
    }

    func testELFErrors() throws {
        let good = ELFBuilder(at: 0x4008_0000, code: [UInt8](repeating: 0, count: 16)).bytes
        XCTAssertEqual(message(Array(good.prefix(20))), "guest.elf: truncated ELF header (20 of 64 bytes)")
        XCTAssertEqual(message(Array(good.prefix(80))),
                       "guest.elf: truncated program headers (1 at file offset 0x40; file has 0x50 bytes)")
        XCTAssertEqual(message(Array(good.dropLast(4))),
                       "guest.elf: truncated segment at 0x40080000 (file offset 0x78, 0x10 bytes; file has 0x84)")

        // The ELF64 layout with the class byte of ELF32: e_machine says AArch64, which ELF32 is not.
        var elf32 = ELFBuilder(at: 0x4008_0000, code: [0])
        elf32.elfClass = 1
        XCTAssertEqual(message(elf32.bytes), "guest.elf is an AArch64 32-bit ELF, not 32-bit Arm")

        var x86 = ELFBuilder(at: 0x4008_0000, code: [0])
        x86.machine = 62
        XCTAssertEqual(message(x86.bytes), "guest.elf is an x86-64 ELF, not AArch64")
        x86.machine = 243
        XCTAssertEqual(message(x86.bytes), "guest.elf is a RISC-V ELF, not AArch64")

        XCTAssertEqual(message(ELFBuilder(at: 0x4020_0000, code: [UInt8](repeating: 0, count: 16)).bytes, memory: 1 << 20),
                       "guest.elf: segment at 0x40200000 (size 0x10) does not fit in RAM 0x40000000-0x40100000; try a larger --memory")
        XCTAssertEqual(message(ELFBuilder(at: 0x8_0000, code: [0, 0, 0, 0]).bytes),
                       "guest.elf: segment at 0x80000 (size 0x4) lies below RAM, which starts at 0x40000000 on virt; link the image for 0x40000000 or above")

        var core = ELFBuilder(at: 0x4008_0000, code: [0])
        core.type = 4  // ET_CORE
        XCTAssertEqual(message(core.bytes), "guest.elf is a core dump (ELF type ET_CORE), not an executable")
        core.type = 0xFE00
        XCTAssertEqual(message(core.bytes), "guest.elf: ELF type 65024 is not an executable (need ET_EXEC or ET_DYN)")

        XCTAssertEqual(message(ELFBuilder(entry: 0x4000_0000, segments: []).bytes), "guest.elf: ELF has no loadable segments")
        var wild = ELFBuilder(at: 0x4008_0000, code: [0, 0, 0, 0])
        wild.entry = 0x10
        XCTAssertEqual(message(wild.bytes), "guest.elf: entry point 0x10 is not in RAM 0x40000000-0x41000000")
        XCTAssertEqual(message(good, loadAddress: 0x4000_0000),
                       "guest.elf is an ELF image, which says where it loads; --load-address 0x40000000 is for raw binaries")
    }

    /// Overflowing sums in a header are errors, not traps (Swift traps on unchecked overflow).
    func testELFArithmeticAtTheExtremes() throws {
        var wraps = ELFBuilder(entry: 0xFFFF_FFFF_FFFF_F000, segments: [
            .init(paddr: 0xFFFF_FFFF_FFFF_F000, vaddr: 0xFFFF_FFFF_FFFF_F000, data: [0, 0, 0, 0], memsz: 0x2000),
        ])
        XCTAssertEqual(message(wraps.bytes),
                       "guest.elf: segment at virtual address 0xfffffffffffff000 (size 0x2000) wraps past the end of the 64-bit address space")
        wraps.segments[0].vaddr = 0x4000_0000
        wraps.entry = 0x4000_0000
        XCTAssertEqual(message(wraps.bytes),
                       "guest.elf: segment at 0xfffffffffffff000 (size 0x2000) wraps past the end of the 64-bit address space")
        let overlap = ELFBuilder(entry: 0x4000_0000, segments: [
            .init(paddr: 0x4000_0000, vaddr: 0x4000_0000, data: [0, 0, 0, 0], memsz: 0x1000),
            .init(paddr: 0x4000_0800, vaddr: 0x4000_0800, data: [0, 0, 0, 0], memsz: 0x1000),
        ])
        XCTAssertEqual(message(overlap.bytes),
                       "guest.elf: segments at 0x40000000 (size 0x1000) and 0x40000800 (size 0x1000) overlap")
        var outside = ELFBuilder(at: 0x4008_0000, code: [0, 0, 0, 0])
        outside.entry = 0x4009_0000
        XCTAssertEqual(message(outside.bytes), "guest.elf: entry point 0x40090000 is outside every loadable segment")
        outside.entry = 0x4008_0002
        XCTAssertEqual(message(outside.bytes), "guest.elf: entry point 0x40080002 is not 4-byte aligned")
    }

    func testLinuxImageArithmeticAtTheExtremes() throws {
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0xFFFF_FFFF_FFE0_0000, imageSize: 0x1000, body: []), name: "Image"),
                       "Image: arm64 Image text_offset 0xffffffffffe00000 is beyond any RAM (the header is corrupt, or this is not an arm64 Image)")
        XCTAssertEqual(message(makeLinuxImage(textOffset: .max, imageSize: 0x1000, body: []), name: "Image"),
                       "Image: arm64 Image text_offset 0xffffffffffffffff is not 4-byte aligned, so its entry point cannot be")
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0x8_0000, imageSize: .max, body: []), name: "Image"),
                       "Image: arm64 Image at 0x40080000 (size 0xffffffffffffffff) wraps past the end of the 64-bit address space")
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0, imageSize: 0x1000, body: []), name: "Image", loadAddress: 0xFFFF_FFFF_FFE0_0000),
                       "Image: arm64 Image at 0xffffffffffe00000 (size 0x1000) ends at 0xffffffffffe01000, beyond the 16 TiB of physical address space that RAM can reach")
        XCTAssertEqual(message([0, 0, 0, 0x14], name: "raw.bin", loadAddress: 0x4000_0002),
                       "--load-address 0x40000002 is not 4-byte aligned; the raw image starts with an instruction")
    }

    /// Special files are refused by type before anything blocks on them.
    func testSpecialFilesAreRefusedWithoutBlocking() throws {
        let fifo = files.path("fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsMessage(try ImageLoader.load(path: fifo, bus: ram(), layout: layout, loadAddress: nil),
                               "\(fifo): is a FIFO (named pipe), not a regular file")
        XCTAssertThrowsMessage(try ImageLoader.load(path: "/dev/zero", bus: ram(), layout: layout, loadAddress: nil),
                               "/dev/zero: is a character device, not a regular file")
        XCTAssertThrowsMessage(try ImageLoader.load(path: files.directory.path, bus: ram(), layout: layout, loadAddress: nil),
                               "\(files.directory.path): is a directory, not a file")
        // /proc files report size 0 but are read to their end.
        XCTAssertThrowsMessage(try ImageLoader.load(path: "/proc/self/status", bus: ram(), layout: layout, loadAddress: nil),
                               "/proc/self/status: not an ELF or arm64 Image; give --load-address to load a raw binary")
        let big = try files.write("big.bin", [UInt8](repeating: 0, count: (1 << 20) + 1))
        XCTAssertThrowsMessage(try ImageLoader.load(path: big, bus: ram(1 << 20), layout: layout, loadAddress: 0x4000_0000),
                               "\(big): the file (1048577 bytes) is larger than guest RAM (1 MiB); try a larger --memory")
    }

    func testMissingFile() {
        let path = files.path("nothing.elf")
        XCTAssertThrowsMessage(try ImageLoader.load(path: path, bus: ram(), layout: layout, loadAddress: nil),
                               "\(path): No such file or directory")
    }

    func testAFailedLoadLeavesRAMUntouched() throws {
        let bus = ram(1 << 20)
        let elf = ELFBuilder(entry: 0x4000_0000, segments: [
            .init(paddr: 0x4000_0000, vaddr: 0x4000_0000, data: [0xAB], memsz: 1),
            .init(paddr: 0x4100_0000, vaddr: 0x4100_0000, data: [0xCD], memsz: 1),
        ])
        XCTAssertThrowsError(try load(elf.bytes, bus: bus))
        XCTAssertEqual(bus.read(0x4000_0000, size: 1), 0)
    }

    // MARK: arm64 Image

    func testLinuxImageGoesTextOffsetAboveTheStartOfRAM() throws {
        let bus = ram()
        let image = try load(makeLinuxImage(textOffset: 0x8_0000, imageSize: 0x10_0000, body: [0xEF, 0xBE]),
                             name: "Image", bus: bus)
        XCTAssertEqual(image.kind, .linuxImage)
        XCTAssertEqual(image.entry, 0x4008_0000)
        XCTAssertEqual(image.lowest, 0x4008_0000)
        XCTAssertEqual(image.highest, 0x4018_0000)  // image_size, not the file size
        XCTAssertEqual(bus.read(0x4008_0038, size: 4), 0x644D_5241)
        XCTAssertEqual(bus.read(0x4008_0040, size: 2), 0xBEEF)
    }

    func testLegacyLinuxImageAssumesTextOffset0x80000() throws {
        let image = try load(makeLinuxImage(textOffset: 0, imageSize: 0, body: [1, 2, 3]), name: "Image")
        XCTAssertEqual(image.entry, 0x4008_0000)
        XCTAssertEqual(image.highest, 0x4008_0000 + 67)
    }

    func testLinuxImageErrors() throws {
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0, imageSize: 0x400_0000, body: []), name: "Image", memory: 16 << 20),
                       "Image: arm64 Image at 0x40000000 (size 0x4000000) does not fit in RAM 0x40000000-0x41000000; try a larger --memory")
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0, imageSize: 0x1000, flags: 1, body: []), name: "Image"),
                       "Image is a big-endian arm64 Image; armvm runs little-endian kernels")
        XCTAssertEqual(message(makeLinuxImage(textOffset: 0, imageSize: 0x1000, body: []), name: "Image", loadAddress: 0x4000_1000),
                       "--load-address 0x40001000: an arm64 Image must sit text_offset (0x0) above a 2 MiB boundary")
        let image = try load(makeLinuxImage(textOffset: 0, imageSize: 0x1000, body: []), name: "Image", loadAddress: 0x4020_0000)
        XCTAssertEqual(image.entry, 0x4020_0000)
    }

    // MARK: raw

    func testRawBinaryNeedsALoadAddress() throws {
        let bus = ram()
        let raw: [UInt8] = [0x1F, 0x20, 0x03, 0xD5]
        XCTAssertEqual(message(raw, name: "guest.bin"),
                       "guest.bin: not an ELF or arm64 Image; give --load-address to load a raw binary")
        let image = try load(raw, name: "guest.bin", bus: bus, loadAddress: 0x4000_1000)
        XCTAssertEqual(image, LoadedImage(kind: .raw, entry: 0x4000_1000, lowest: 0x4000_1000, highest: 0x4000_1004))
        XCTAssertEqual(bus.read(0x4000_1000, size: 4), 0xD503_201F)
        XCTAssertEqual(message(raw, name: "guest.bin", memory: 1 << 20, loadAddress: 0x4010_0000),
                       "guest.bin: raw image at 0x40100000 (size 0x4) does not fit in RAM 0x40000000-0x40100000; try a larger --memory")
        XCTAssertEqual(message([], name: "empty.bin", loadAddress: 0x4000_0000), "empty.bin: empty file")
    }
}
