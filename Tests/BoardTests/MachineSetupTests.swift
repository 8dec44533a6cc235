import Board
import Bus
import XCTest

final class MachineSetupTests: XCTestCase {
    var files: TempFiles!
    override func setUpWithError() throws { files = try TempFiles() }

    func options(_ board: BoardKind, memory: UInt64 = 64 << 20) -> MachineOptions {
        var o = MachineOptions()
        o.board = board
        o.memorySize = memory
        return o
    }

    func tinyELF() throws -> String {
        try files.write("tiny.elf", ELFBuilder(at: 0x4008_0000, code: [0x1F, 0x20, 0x03, 0xD5], memsz: 0x1000).bytes)
    }

    func prepare(_ o: MachineOptions, image: String? = nil, dtb: String? = nil, initrd: String? = nil,
                 console: Console = Console(capture: true)) throws -> PreparedMachine {
        try MachineSetup.prepare(options: o, imagePath: image ?? tinyELF(), dtbPath: dtb, initrdPath: initrd,
                                 loadAddress: nil, console: console)
    }

    func dtbInRAM(_ m: PreparedMachine) -> [UInt8] {
        let p = m.bus.ramPointer(m.dtbAddress, size: m.dtb.count)!
        return Array(UnsafeRawBufferPointer(start: p, count: m.dtb.count))
    }

    func testPrepareBothBoards() throws {
        for board in BoardKind.allCases {
            let console = Console(capture: true)
            let m = try prepare(options(board), console: console)
            XCTAssertEqual(m.image.entry, 0x4008_0000)
            XCTAssertEqual(m.dtbAddress % 8, 0)
            XCTAssertTrue(m.bus.contains(ramRange: m.dtbAddress, size: UInt64(m.dtb.count)), "\(board)")
            let dtbEnd = m.dtbAddress + UInt64(m.dtb.count)
            XCTAssertTrue(dtbEnd <= m.image.lowest || m.dtbAddress >= m.image.highest, "\(board): DTB overlaps the image")
            XCTAssertEqual(dtbInRAM(m), m.dtb)
            XCTAssertEqual(FDTReader(blob: m.dtb).reg64("/memory@40000000")?.first?.1, 64 << 20)

            // The same table wired the bus: the UART answers at the slot, the GIC at its frames.
            let l = m.layout
            XCTAssertTrue(m.bus.write(l.consoleUART.base, size: 1, value: 0x21))
            XCTAssertEqual(console.capturedText, "!")
            XCTAssertEqual(m.bus.read(l.gic.distributor.base + 8, size: 4), 0x0200_043B)
            XCTAssertEqual(m.bus.read(l.gic.cpuInterface.base + 0xC, size: 4), 1023)
            XCTAssertEqual(m.bus.read(l.gic.virtualInterfaceControl.base + 4, size: 4), 0x9000_0003)
            XCTAssertEqual(m.bus.read(l.gic.virtualCPUInterface.base + 0xFC, size: 4), 0x0202_143B)
            for p in l.peripherals {
                XCTAssertNotNil(m.bus.read(p.range.base, size: 4), "\(p.name)")
            }
        }
    }

    func testUARTInterruptReachesTheGIC() throws {
        let m = try prepare(options(.virt))
        // Unmask TXIM: the PL011's transmit interrupt is raw from reset, so SPI 1 (INTID 33) pends.
        XCTAssertTrue(m.bus.write(0x0900_0038, size: 4, value: 0x20))
        XCTAssertEqual(m.bus.read(0x0800_0204, size: 4), 0x2)
    }

    func testExynosUARTInTheArndaleSlot() throws {
        var o = options(.arndale)
        o.uart = .exynos
        let m = try prepare(o)
        XCTAssertTrue(m.uart is ExynosUART)
        XCTAssertEqual(m.bus.read(0x12C2_0010, size: 4), 0x6)
        XCTAssertNil(m.bus.read(0x12C2_0100, size: 4), "past the Exynos UART's window")
    }

    func testInitrdIsPlacedApartAndDescribed() throws {
        let initrd = try files.write("initrd", [UInt8](repeating: 0x5A, count: 3 << 20))
        var o = options(.virt)
        o.bootargs = "rdinit=/init"
        let m = try prepare(o, initrd: initrd)
        let r = try XCTUnwrap(m.initrd)
        XCTAssertEqual(r.size, 3 << 20)
        XCTAssertTrue(r.base >= m.image.highest)
        let dtbEnd = m.dtbAddress + UInt64(m.dtb.count)
        XCTAssertTrue(dtbEnd <= r.base || m.dtbAddress >= r.end, "DTB overlaps the initrd")
        XCTAssertEqual(m.bus.read(r.base, size: 1), 0x5A)
        XCTAssertEqual(m.bus.read(r.end - 1, size: 1), 0x5A)
        let dt = FDTReader(blob: m.dtb)
        XCTAssertEqual(dt.u64("/chosen", "linux,initrd-start"), r.base)
        XCTAssertEqual(dt.u64("/chosen", "linux,initrd-end"), r.end)
        XCTAssertEqual(dt.string("/chosen", "bootargs"), "rdinit=/init")
    }

    func testTightMemoryStillFitsTheDTBBelowTheImage() throws {
        // 2 MiB of RAM; the image fills the upper MiB, so the DTB goes below it.
        let elf = try files.write("high.elf", ELFBuilder(at: 0x4010_0000, code: [0, 0, 0, 0], memsz: 0x10_0000).bytes)
        let m = try prepare(options(.virt, memory: 2 << 20), image: elf)
        XCTAssertLessThan(m.dtbAddress + UInt64(m.dtb.count), 0x4010_0001)
        XCTAssertEqual(m.dtbAddress % 8, 0)
    }

    func testNothingFits() throws {
        let elf = try files.write("full.elf", ELFBuilder(at: 0x4000_0000, code: [0, 0, 0, 0], memsz: 1 << 20).bytes)
        XCTAssertThrowsError(try prepare(options(.virt, memory: 1 << 20), image: elf)) { error in
            XCTAssertTrue("\(error)".hasPrefix("the image, initrd and device tree need 0x"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("but --memory is 1 MiB; try a larger --memory"), "\(error)")
        }
    }

    func testBadMemorySizes() throws {
        XCTAssertThrowsMessage(try prepare(options(.virt, memory: 512 << 10)),
                               "--memory 512 KiB is too small; armvm needs at least 1 MiB of guest RAM")
        XCTAssertThrowsMessage(try prepare(options(.virt, memory: (2 << 20) + 100)),
                               "--memory 2097252 bytes is not a multiple of 4 KiB")
        XCTAssertThrowsMessage(try prepare(options(.virt, memory: 1 << 44)),
                               "--memory 16 TiB is too large: RAM from 0x40000000 would end above 16 TiB, the CPU's 44-bit physical address space")
        var o = options(.virt)
        o.cpuCount = 9
        XCTAssertThrowsMessage(try MachineSetup.deviceTree(options: o), "9 CPUs requested; a GICv2 serves 1 to 8")
        o.cpuCount = 1
        o.startEL = 3
        XCTAssertThrowsMessage(try MachineSetup.deviceTree(options: o), "start EL 3: armvm starts guests at EL1 or EL2")
    }

    func testUserDTBIsValidatedAndPatched() throws {
        let own = try MachineSetup.deviceTree(options: options(.virt))
        let dtbPath = try files.write("user.dtb", own)
        var o = options(.virt)
        o.bootargs = "console=ttyAMA0"
        let m = try prepare(o, dtb: dtbPath)
        XCTAssertEqual(FDTReader(blob: dtbInRAM(m)).string("/chosen", "bootargs"), "console=ttyAMA0")

        let junk = try files.write("junk.dtb", Array(repeating: 0x42, count: 100))
        XCTAssertThrowsMessage(try prepare(options(.virt), dtb: junk), "--dtb \(junk): not a device tree blob (bad magic)")
    }

    func testParseSize() throws {
        XCTAssertEqual(try MachineOptions.parseSize("512M"), 512 << 20)
        XCTAssertEqual(try MachineOptions.parseSize("1G"), 1 << 30)
        XCTAssertEqual(try MachineOptions.parseSize("256MiB"), 256 << 20)
        XCTAssertEqual(try MachineOptions.parseSize("1073741824"), 1 << 30)
        XCTAssertEqual(try MachineOptions.parseSize("64K"), 64 << 10)
        XCTAssertEqual(try MachineOptions.parseSize("2gb"), 2 << 30)
        for bad in ["", "M", "12Q", "-1G", "1.5G", " 1G", "1 G", "0x100"] {
            XCTAssertThrowsMessage(try MachineOptions.parseSize(bad),
                                   "malformed size '\(bad)'; write e.g. 512M, 1G or 1073741824")
        }
        XCTAssertThrowsMessage(try MachineOptions.parseSize("99999999999999999999G"),
                               "malformed size '99999999999999999999G'; write e.g. 512M, 1G or 1073741824")
        XCTAssertThrowsMessage(try MachineOptions.parseSize("17179869184G"), "size '17179869184G' is too large")
    }
}
