import Board
import CLibFDT
import Foundation
import XCTest

/// `--guest` and `--module`: the images land in RAM, and /chosen describes them exactly as Xen 4.17
/// reads them (docs/misc/arm/device-tree/booting.txt), read back here with libfdt.
final class BootModuleTests: XCTestCase {
    var files: TempFiles!
    override func setUpWithError() throws { files = try TempFiles() }

    func tinyELF() throws -> String {
        try files.write("hv.elf", ELFBuilder(at: 0x4020_0000, code: [0x1F, 0x20, 0x03, 0xD5], memsz: 0x1000).bytes)
    }

    func prepare(_ o: MachineOptions, dtb: String? = nil) throws -> PreparedMachine {
        try MachineSetup.prepare(options: o, imagePath: tinyELF(), dtbPath: dtb, initrdPath: nil,
                                 loadAddress: nil, console: Console(capture: true))
    }

    /// A recognisable file of `size` bytes.
    func image(_ name: String, size: Int, seed: UInt8) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) ^ seed }
        return (try files.write(name, bytes), bytes)
    }

    func ram(_ m: PreparedMachine, _ r: AddressRange) -> [UInt8]? {
        guard let p = m.bus.ramPointer(r.base, size: Int(r.size)) else { return nil }
        return Array(UnsafeRawBufferPointer(start: p, count: Int(r.size)))
    }

    /// The names of the children of `path`, in blob order.
    func children(_ dt: FDTReader, _ path: String) -> [String] {
        dt.blob.withUnsafeBytes { raw -> [String] in
            let fdt = raw.baseAddress!
            var out: [String] = []
            var node = fdt_first_subnode(fdt, fdt_path_offset(fdt, path))
            while node >= 0 {
                out.append(String(cString: fdt_get_name(fdt, node, nil)))
                node = fdt_next_subnode(fdt, node)
            }
            return out
        }
    }

    func testGuestsBecomeDom0lessDomainNodes() throws {
        let a = try image("a.img", size: 5000, seed: 1), b = try image("b.img", size: 3 << 20, seed: 2)
        var o = MachineOptions()
        o.board = .virt
        o.guests = [try GuestImage.parse("\(a.path),memory=16M,cpus=2,bootargs=console=ttyAMA0,115200 init=/bin/sh"),
                    try GuestImage.parse(b.path)]
        let m = try prepare(o)
        let dt = FDTReader(blob: m.dtb)
        XCTAssertEqual(m.guests.map(\.range.size), [5000, 3 << 20])

        // Command-line order is blob order: Xen numbers the domains that way.
        XCTAssertEqual(children(dt, "/chosen").filter { $0.hasPrefix("domU") }, ["domU1", "domU2"])
        for (i, placed) in m.guests.enumerated() {
            let d = "/chosen/domU\(i + 1)"
            XCTAssertEqual(dt.strings(d, "compatible"), ["xen,domain"])
            XCTAssertEqual(dt.cells(d, "#address-cells"), [2])
            XCTAssertEqual(dt.cells(d, "#size-cells"), [2])
            XCTAssertEqual(dt.property(d, "vpl011"), [])
            let module = d + "/module@" + String(placed.range.base, radix: 16)
            XCTAssertEqual(children(dt, d), ["module@" + String(placed.range.base, radix: 16)])
            XCTAssertEqual(dt.strings(module, "compatible"), ["multiboot,kernel", "multiboot,module"])
            let reg = try XCTUnwrap(dt.reg64(module))
            XCTAssertEqual(reg.count, 1)
            XCTAssertEqual(reg[0].0, placed.range.base)
            XCTAssertEqual(reg[0].1, placed.range.size)
            XCTAssertEqual(placed.range.base % (2 << 20), 0, "2 MiB-aligned")
            XCTAssertEqual(ram(m, placed.range), i == 0 ? a.bytes : b.bytes, "the file's bytes are in RAM at reg")
        }
        // memory is a 64-bit count of KiB; the default is 64 MiB.
        XCTAssertEqual(dt.cells("/chosen/domU1", "memory"), [0, 16 * 1024])
        XCTAssertEqual(dt.cells("/chosen/domU2", "memory"), [0, 64 * 1024])
        XCTAssertEqual(dt.cells("/chosen/domU1", "cpus"), [2])
        XCTAssertEqual(dt.cells("/chosen/domU2", "cpus"), [1])
        let m1 = "/chosen/domU1/module@" + String(m.guests[0].range.base, radix: 16)
        XCTAssertEqual(dt.string(m1, "bootargs"), "console=ttyAMA0,115200 init=/bin/sh")
        XCTAssertNil(dt.property("/chosen/domU2/module@" + String(m.guests[1].range.base, radix: 16), "bootargs"))

        // Nothing overlaps: the hypervisor image, both guests, the DTB.
        var ranges = [AddressRange(base: m.image.lowest, size: m.image.highest - m.image.lowest),
                      AddressRange(base: m.dtbAddress, size: UInt64(m.dtb.count))]
        ranges += m.guests.map(\.range)
        for (i, r) in ranges.enumerated() {
            for s in ranges[(i + 1)...] { XCTAssertFalse(r.base < s.end && s.base < r.end, "\(r) overlaps \(s)") }
        }
    }

    func testModulesDescribeDom0AndTheCommandLineGoesToXen() throws {
        let k = try image("Image", size: 70000, seed: 3), r = try image("initrd", size: 9000, seed: 4)
        var o = MachineOptions()
        o.bootargs = "dom0_mem=256M console=dtuart"
        o.modules = [try BootModule.parse("\(k.path),kind=kernel,bootargs=console=hvc0 root=/dev/ram0"),
                     try BootModule.parse("\(r.path),kind=ramdisk")]
        let m = try prepare(o)
        let dt = FDTReader(blob: m.dtb)
        XCTAssertEqual(dt.cells("/chosen", "#address-cells"), [2])
        XCTAssertEqual(dt.cells("/chosen", "#size-cells"), [2])
        XCTAssertEqual(dt.string("/chosen", "xen,xen-bootargs"), "dom0_mem=256M console=dtuart")
        XCTAssertNil(dt.property("/chosen", "bootargs"), "a plain bootargs would be ambiguous with Xen booting")
        let names = m.modules.map { "module@" + String($0.range.base, radix: 16) }
        XCTAssertEqual(children(dt, "/chosen"), names, "kernel first, then ramdisk")
        XCTAssertEqual(dt.strings("/chosen/" + names[0], "compatible"), ["multiboot,kernel", "multiboot,module"])
        XCTAssertEqual(dt.strings("/chosen/" + names[1], "compatible"), ["multiboot,ramdisk", "multiboot,module"])
        XCTAssertEqual(dt.string("/chosen/" + names[0], "bootargs"), "console=hvc0 root=/dev/ram0")
        XCTAssertNil(dt.property("/chosen/" + names[1], "bootargs"))
        for (placed, bytes) in zip(m.modules, [k.bytes, r.bytes]) {
            XCTAssertEqual(dt.reg64("/chosen/module@" + String(placed.range.base, radix: 16))?.first?.1, UInt64(bytes.count))
            XCTAssertEqual(ram(m, placed.range), bytes)
        }
    }

    func testWithoutGuestsTheTreeIsUnchanged() throws {
        var o = MachineOptions()
        o.bootargs = "console=ttyAMA0"
        let m = try prepare(o)
        let dt = FDTReader(blob: m.dtb)
        XCTAssertEqual(dt.string("/chosen", "bootargs"), "console=ttyAMA0")
        XCTAssertNil(dt.property("/chosen", "xen,xen-bootargs"))
        XCTAssertFalse(dt.exists("/chosen/domU1"))
    }

    func testAUserDTBGetsTheNodesToo() throws {
        let user = try files.write("user.dtb", try MachineSetup.deviceTree(options: MachineOptions()))
        var o = MachineOptions()
        o.guests = [GuestImage(path: try image("g.img", size: 100, seed: 5).path)]
        let m = try prepare(o, dtb: user)
        let dt = FDTReader(blob: m.dtb)
        XCTAssertEqual(dt.strings("/chosen/domU1", "compatible"), ["xen,domain"])
        XCTAssertEqual(dt.string("/chosen", "stdout-path"), "serial0:115200n8", "the user's /chosen is kept")
    }

    func testDTCReadsTheNodesWithoutWarnings() throws {
        let dtc = "/usr/bin/dtc"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: dtc), "dtc is not installed")
        var o = MachineOptions()
        o.guests = [GuestImage(path: try image("g.img", size: 100, seed: 6).path, bootargs: "x")]
        o.modules = [BootModule(path: try image("k.img", size: 100, seed: 7).path, kind: .kernel)]
        let path = try files.write("boot.dtb", try prepare(o).dtb)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: dtc)
        p.arguments = ["-I", "dtb", "-O", "dts", "-o", "/dev/null", path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(stderr, "")
    }

    func testOptionValuesParse() throws {
        XCTAssertEqual(try GuestImage.parse("k"), GuestImage(path: "k"))
        XCTAssertEqual(try GuestImage.parse("k,cpus=3,memory=1G"), GuestImage(path: "k", memory: 1 << 30, cpus: 3))
        XCTAssertEqual(try GuestImage.parse("k,bootargs=a=b,c=d,memory=2M").bootargs, "a=b,c=d,memory=2M",
                       "bootargs takes the rest of the value")
        XCTAssertEqual(try GuestImage.parse("k,bootargs=").bootargs, "")
        XCTAssertEqual(try BootModule.parse("r,kind=ramdisk"), BootModule(path: "r", kind: .ramdisk))
        XCTAssertThrowsMessage(try GuestImage.parse("k,cpus=9"), "--guest k: cpus=9 must be a number from 1 to 8")
        XCTAssertThrowsMessage(try GuestImage.parse("k,,cpus=1"),
                               "--guest k: '' is not key=value (write \(GuestImage.usage))")
        XCTAssertThrowsMessage(try BootModule.parse("r,kind=ramdisk,kind=kernel"), "--module r: kind= given twice")
    }
}
