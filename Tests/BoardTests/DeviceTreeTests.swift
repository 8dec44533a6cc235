import Board
import CLibFDT
import Foundation
import XCTest

final class DeviceTreeTests: XCTestCase {
    func options(_ board: BoardKind, el: UInt8 = 2, uart: UARTModel = .pl011, cpus: Int = 1,
                 bootargs: String = "") -> MachineOptions {
        var o = MachineOptions()
        o.board = board
        o.startEL = el
        o.uart = uart
        o.cpuCount = cpus
        o.bootargs = bootargs
        return o
    }

    func build(_ o: MachineOptions, initrd: (start: UInt64, size: UInt64)? = nil) throws -> FDTReader {
        let blob = try DeviceTreeBuilder.build(layout: o.board.layout, options: o, initrd: initrd)
        XCTAssertEqual(blob.withUnsafeBytes { fdt_check_full($0.baseAddress!, blob.count) }, 0)
        return FDTReader(blob: blob)
    }

    func testArndaleDescribesTheExynos5250Map() throws {
        let dt = try build(options(.arndale))
        XCTAssertEqual(dt.string("/", "model"), "Insignal Arndale (Exynos 5250 memory map), AArch64")
        XCTAssertEqual(dt.cells("/", "#address-cells"), [2])
        XCTAssertEqual(dt.cells("/", "#size-cells"), [2])
        XCTAssertEqual(dt.reg64("/memory@40000000")?.map(\.0), [0x4000_0000])
        XCTAssertEqual(dt.reg64("/memory@40000000")?.map(\.1), [512 << 20])
        XCTAssertEqual(dt.string("/memory@40000000", "device_type"), "memory")

        let gic = "/interrupt-controller@10481000"
        XCTAssertEqual(dt.strings(gic, "compatible"), ["arm,gic-400", "arm,cortex-a15-gic"])
        let reg = try XCTUnwrap(dt.reg64(gic))
        XCTAssertEqual(reg.map(\.0), [0x1048_1000, 0x1048_2000, 0x1048_4000, 0x1048_6000])
        XCTAssertEqual(reg.map(\.1), [0x1000, 0x2000, 0x2000, 0x2000])
        XCTAssertEqual(dt.cells(gic, "#interrupt-cells"), [3])
        XCTAssertNotNil(dt.property(gic, "interrupt-controller"))
        // Maintenance interrupt: PPI 9, level-high, to CPU 0.
        XCTAssertEqual(dt.cells(gic, "interrupts"), [1, 9, 0x104])
        XCTAssertEqual(dt.cells(gic, "phandle"), dt.cells("/", "interrupt-parent"))

        XCTAssertEqual(dt.strings("/timer", "compatible"), ["arm,armv8-timer", "arm,armv7-timer"])
        XCTAssertEqual(dt.cells("/timer", "interrupts"), [1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104])
        XCTAssertEqual(dt.cells("/timer", "clock-frequency"), [24_000_000])
        XCTAssertNotNil(dt.property("/timer", "always-on"))

        XCTAssertEqual(dt.strings("/serial@12c20000", "compatible"), ["arm,pl011", "arm,primecell"])
        XCTAssertEqual(dt.cells("/serial@12c20000", "interrupts"), [0, 53, 4])
        XCTAssertEqual(dt.reg64("/serial@12c20000")?.map(\.1), [0x1000])
        XCTAssertEqual(dt.reg64("/sram@2020000")?.map(\.0), [0x0202_0000])
        XCTAssertEqual(dt.reg64("/sram@2020000")?.map(\.1), [0x3_0000])
        // The MCT is on the bus but not in the tree (its real node needs clocks armvm lacks).
        XCTAssertFalse(dt.exists("/timer@101c0000"))
    }

    func testVirtDescribesQEMUsMap() throws {
        let dt = try build(options(.virt))
        XCTAssertEqual(dt.string("/", "model"), "linux,dummy-virt")
        XCTAssertEqual(dt.strings("/", "compatible"), ["linux,dummy-virt"])
        let gic = "/interrupt-controller@8000000"
        XCTAssertEqual(dt.strings(gic, "compatible"), ["arm,cortex-a15-gic"])
        let reg = try XCTUnwrap(dt.reg64(gic))
        XCTAssertEqual(reg.map(\.0), [0x0800_0000, 0x0801_0000, 0x0803_0000, 0x0804_0000])
        XCTAssertEqual(reg.map(\.1), [0x1_0000, 0x1_0000, 0x1_0000, 0x1_0000])
        XCTAssertEqual(dt.cells("/serial@9000000", "interrupts"), [0, 1, 4])
        XCTAssertEqual(dt.reg64("/serial@9000000")?.map(\.0), [0x0900_0000])
        XCTAssertEqual(dt.strings("/rtc@9010000", "compatible"), ["arm,pl031", "arm,primecell"])
        XCTAssertEqual(dt.cells("/rtc@9010000", "interrupts"), [0, 2, 4])
        XCTAssertEqual(dt.cells("/timer", "interrupts"), [1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104])
        // virt's firmware programs CNTFRQ, so the timer node carries no frequency.
        XCTAssertNil(dt.property("/timer", "clock-frequency"))
        XCTAssertEqual(dt.reg64("/memory@40000000")?.map(\.0), [0x4000_0000])
    }

    func testTimerPPIMaskNamesEveryCPU() throws {
        let dt = try build(options(.virt, cpus: 4))
        XCTAssertEqual(dt.cells("/timer", "interrupts")?[2], 0xF04)
        for n in 0..<4 {
            XCTAssertEqual(dt.cells("/cpus/cpu@\(n)", "reg"), [UInt32(n)])
            XCTAssertEqual(dt.string("/cpus/cpu@\(n)", "enable-method"), "psci")
        }
        XCTAssertFalse(dt.exists("/cpus/cpu@4"))
        XCTAssertEqual(dt.strings("/cpus/cpu@0", "compatible"), ["arm,cortex-a57", "arm,armv8"])
    }

    func testPMUNodeNamesTheCoreAndPPI7() throws {
        // bindings/arm/pmu.yaml: PPI 7 (INTID 23) on every CPU, as QEMU's virt.
        let dt = try build(options(.virt, cpus: 2))
        XCTAssertEqual(dt.strings("/pmu", "compatible"), ["arm,armv8-pmuv3"])
        XCTAssertEqual(dt.cells("/pmu", "interrupts"), [1, 7, 0x304])
        var a15 = options(.arndale)
        a15.cpuModel = .cortexA15
        let dt32 = try build(a15)
        XCTAssertEqual(dt32.strings("/pmu", "compatible"), ["arm,cortex-a15-pmu"])
        XCTAssertEqual(dt32.cells("/pmu", "interrupts"), [1, 7, 0x104])
    }

    func testPSCIMethodFollowsStartEL() throws {
        for board in BoardKind.allCases {
            XCTAssertEqual(try build(options(board, el: 2)).string("/psci", "method"), "smc")
            XCTAssertEqual(try build(options(board, el: 1)).string("/psci", "method"), "hvc")
            XCTAssertEqual(try build(options(board)).strings("/psci", "compatible"),
                           ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"])
        }
    }

    func testUARTCompatibleFollowsUARTOption() throws {
        let exynos = try build(options(.arndale, uart: .exynos))
        XCTAssertEqual(exynos.strings("/serial@12c20000", "compatible"), ["samsung,exynos4210-uart"])
        XCTAssertEqual(exynos.strings("/serial@12c20000", "clock-names"), ["uart", "clk_uart_baud0"])
        XCTAssertEqual(exynos.reg64("/serial@12c20000")?.map(\.1), [0x100])
        let pl011 = try build(options(.virt, uart: .pl011))
        XCTAssertEqual(pl011.strings("/serial@9000000", "clock-names"), ["uartclk", "apb_pclk"])
        // Both clocks are the 24 MHz fixed clock.
        let clock = try XCTUnwrap(pl011.cells("/apb-pclk", "phandle"))
        XCTAssertEqual(pl011.cells("/serial@9000000", "clocks"), clock + clock)
        XCTAssertEqual(pl011.cells("/apb-pclk", "clock-frequency"), [24_000_000])
        XCTAssertEqual(pl011.cells("/apb-pclk", "#clock-cells"), [0])
    }

    func testStdoutPathResolvesToTheUART() throws {
        for board in BoardKind.allCases {
            for uart in UARTModel.allCases {
                let dt = try build(options(board, uart: uart))
                let stdout = try XCTUnwrap(dt.string("/chosen", "stdout-path"))
                let path = String(stdout.prefix { $0 != ":" })
                let node = dt.offset(path)
                XCTAssertGreaterThanOrEqual(node, 0, "\(stdout) does not resolve")
                let base = board.layout.consoleUART.base
                XCTAssertEqual(node, dt.offset("/serial@" + String(base, radix: 16)))
            }
        }
    }

    func testChosenCarriesBootargsAndInitrd() throws {
        let dt = try build(options(.virt, bootargs: "console=ttyAMA0 earlycon"),
                           initrd: (start: 0x4800_0000, size: 0x12345))
        XCTAssertEqual(dt.string("/chosen", "bootargs"), "console=ttyAMA0 earlycon")
        XCTAssertEqual(dt.u64("/chosen", "linux,initrd-start"), 0x4800_0000)
        XCTAssertEqual(dt.u64("/chosen", "linux,initrd-end"), 0x4801_2345)

        let bare = try build(options(.virt))
        XCTAssertNil(bare.property("/chosen", "bootargs"))
        XCTAssertNil(bare.property("/chosen", "linux,initrd-start"))
    }

    func testLongBootargsGrowTheBuffer() throws {
        let long = String(repeating: "x", count: 100_000)
        let dt = try build(options(.virt, bootargs: long))
        XCTAssertEqual(dt.string("/chosen", "bootargs"), long)
    }

    /// dtc, the reference compiler, decompiles every variant without a single warning.
    func testDTCAcceptsTheBlobsWithoutWarnings() throws {
        let dtc = "/usr/bin/dtc"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: dtc), "dtc is not installed")
        let files = try TempFiles()
        for board in BoardKind.allCases {
            for uart in UARTModel.allCases {
                for el: UInt8 in [1, 2] {
                    var o = options(board, el: el, uart: uart, cpus: 2, bootargs: "console=ttyAMA0")
                    o.memorySize = 1 << 30
                    if el == 2 {
                        // Every virtio device and two NUMA nodes (distance map included).
                        o.drives = [DiskImage.Spec(path: "disk.img")]
                        o.virtioConsole = true
                        o.virtioRNG = true
                        var numa = NUMATopology()
                        try numa.add("node,mem=512M,cpus=0")
                        try numa.add("node,mem=512M,cpus=1")
                        o.numa = numa
                    }
                    let blob = try DeviceTreeBuilder.build(layout: board.layout, options: o,
                                                           initrd: (start: 0x4400_0000, size: 4096))
                    let path = try files.write("\(board)-\(uart)-\(el).dtb", blob)
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: dtc)
                    p.arguments = ["-I", "dtb", "-O", "dts", "-o", "/dev/null", path]
                    let err = Pipe()
                    p.standardError = err
                    try p.run()
                    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    p.waitUntilExit()
                    XCTAssertEqual(p.terminationStatus, 0, "\(board)/\(uart)/EL\(el)")
                    XCTAssertEqual(stderr, "", "\(board)/\(uart)/EL\(el)")
                }
            }
        }
    }

    // MARK: validate

    func testValidateAcceptsOurOwnBlob() throws {
        let blob = try MachineSetup.deviceTree(options: options(.virt))
        XCTAssertNoThrow(try DeviceTreeBuilder.validate(blob, path: "virt.dtb"))
    }

    func testValidateRejectsBadInput() throws {
        let blob = try MachineSetup.deviceTree(options: options(.virt))
        XCTAssertThrowsMessage(try DeviceTreeBuilder.validate(Array("hello, this is not a device tree blob at all".utf8), path: "x.dtb"),
                               "x.dtb: not a device tree blob (bad magic)")
        XCTAssertThrowsMessage(try DeviceTreeBuilder.validate([0xD0, 0x0D], path: "x.dtb"),
                               "x.dtb: not a device tree blob (only 2 bytes)")
        XCTAssertThrowsMessage(try DeviceTreeBuilder.validate(Array(blob.prefix(blob.count - 8)), path: "x.dtb"),
                               "x.dtb: device tree blob is truncated (header says \(blob.count) bytes, file has \(blob.count - 8))")
        // A blob whose structure block is garbage.
        var corrupt = blob
        let structOffset = Int(UInt32(corrupt[8]) << 24 | UInt32(corrupt[9]) << 16 | UInt32(corrupt[10]) << 8 | UInt32(corrupt[11]))
        corrupt[structOffset] = 0xEE
        XCTAssertThrowsError(try DeviceTreeBuilder.validate(corrupt, path: "x.dtb")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.dtb: corrupt device tree blob ("), "\(error)")
        }
    }

    func testPatchChosenWritesBootargsAndInitrdIntoAUserBlob() throws {
        var o = options(.virt)
        o.bootargs = "old"
        let blob = try MachineSetup.deviceTree(options: o)
        let patched = try DeviceTreeBuilder.patchChosen(blob, bootargs: "root=/dev/ram0", initrd: (0x4100_0000, 0x2000))
        let dt = FDTReader(blob: patched)
        XCTAssertEqual(dt.string("/chosen", "bootargs"), "root=/dev/ram0")
        XCTAssertEqual(dt.u64("/chosen", "linux,initrd-end"), 0x4100_2000)
        // Untouched properties survive.
        XCTAssertEqual(dt.string("/chosen", "stdout-path"), "serial0:115200n8")
    }
}
