import XCTest
import CLibFDT
@testable import Board

/// The generated DTB, read back with libfdt: what a guest will find in it.
final class DeviceTreeTests: XCTestCase {
    func blob(_ board: BoardKind, el: UInt8 = 2, uart: UARTModel = .pl011, bootargs: String = "",
              initrd: (start: UInt64, size: UInt64)? = nil) throws -> [UInt8] {
        var o = MachineOptions()
        o.board = board
        o.startEL = el
        o.uart = uart
        o.bootargs = bootargs
        return try DeviceTreeBuilder.build(layout: .layout(for: board), options: o, initrd: initrd)
    }

    func node(_ fdt: [UInt8], _ path: String) -> Int32 {
        fdt.withUnsafeBytes { fdt_path_offset($0.baseAddress!, path) }
    }

    func prop(_ fdt: [UInt8], _ path: String, _ name: String) -> [UInt8]? {
        fdt.withUnsafeBytes { p -> [UInt8]? in
            let off = fdt_path_offset(p.baseAddress!, path)
            guard off >= 0 else { return nil }
            var len: Int32 = 0
            guard let v = fdt_getprop(p.baseAddress!, off, name, &len) else { return nil }
            return Array(UnsafeRawBufferPointer(start: v, count: Int(len)))
        }
    }

    func strings(_ fdt: [UInt8], _ path: String, _ name: String) -> [String] {
        guard let b = prop(fdt, path, name) else { return [] }
        return b.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    func cells(_ fdt: [UInt8], _ path: String, _ name: String) -> [UInt32] {
        guard let b = prop(fdt, path, name) else { return [] }
        return stride(from: 0, to: b.count, by: 4).map {
            UInt32(b[$0]) << 24 | UInt32(b[$0 + 1]) << 16 | UInt32(b[$0 + 2]) << 8 | UInt32(b[$0 + 3])
        }
    }

    func testArndaleNodesAndAddresses() throws {
        let f = try blob(.arndale)
        XCTAssertEqual(f.withUnsafeBytes { fdt_check_header($0.baseAddress!) }, 0)
        XCTAssertEqual(strings(f, "/", "model"), ["armvm Arndale-like (Exynos 5250)"])
        XCTAssertEqual(cells(f, "/memory@40000000", "reg"), [0, 0x4000_0000, 0, 0x2000_0000])
        let gic = "/interrupt-controller@10481000"
        XCTAssertEqual(strings(f, gic, "compatible"), ["arm,gic-400", "arm,cortex-a15-gic"])
        XCTAssertEqual(cells(f, gic, "reg"), [0, 0x1048_1000, 0, 0x1000, 0, 0x1048_2000, 0, 0x2000,
                                              0, 0x1048_4000, 0, 0x2000, 0, 0x1048_6000, 0, 0x2000])
        XCTAssertEqual(cells(f, gic, "interrupts"), [1, 9, 0x104], "maintenance PPI 9, level-high")
        XCTAssertEqual(strings(f, "/timer", "compatible"), ["arm,armv8-timer", "arm,armv7-timer"])
        XCTAssertEqual(cells(f, "/timer", "interrupts").enumerated().filter { $0.offset % 3 == 1 }.map(\.element),
                       [13, 14, 11, 10])
        XCTAssertEqual(cells(f, "/timer", "clock-frequency"), [24_000_000])
        XCTAssertEqual(strings(f, "/pl011@12c20000", "compatible"), ["arm,pl011", "arm,primecell"])
        XCTAssertEqual(cells(f, "/pl011@12c20000", "interrupts"), [0, 53, 4], "SPI 53")
    }

    func testVirtMatchesQEMUsMap() throws {
        let f = try blob(.virt)
        XCTAssertEqual(cells(f, "/interrupt-controller@8000000", "reg"),
                       [0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000,
                        0, 0x0803_0000, 0, 0x1_0000, 0, 0x0804_0000, 0, 0x1_0000])
        XCTAssertEqual(cells(f, "/pl011@9000000", "reg"), [0, 0x0900_0000, 0, 0x1000])
        XCTAssertEqual(cells(f, "/pl011@9000000", "interrupts"), [0, 1, 4], "SPI 1")
        XCTAssertEqual(strings(f, "/pl011@9000000", "clock-names"), ["uartclk", "apb_pclk"])
        XCTAssertEqual(cells(f, "/apb-pclk", "clock-frequency"), [24_000_000])
        XCTAssertTrue(cells(f, "/timer", "clock-frequency").isEmpty, "virt firmware programs CNTFRQ")
    }

    func testPSCIMethodFollowsTheStartingEL() throws {
        for board in BoardKind.allCases {
            XCTAssertEqual(strings(try blob(board, el: 2), "/psci", "method"), ["smc"])
            XCTAssertEqual(strings(try blob(board, el: 1), "/psci", "method"), ["hvc"])
            XCTAssertEqual(strings(try blob(board), "/psci", "compatible"), ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"])
        }
    }

    func testChosenCarriesConsoleBootargsAndInitrd() throws {
        let f = try blob(.virt, bootargs: "console=ttyAMA0 earlycon", initrd: (0x4800_0000, 0x1234))
        XCTAssertEqual(strings(f, "/chosen", "stdout-path"), ["serial0:115200n8"])
        XCTAssertEqual(strings(f, "/aliases", "serial0"), ["/pl011@9000000"])
        XCTAssertGreaterThanOrEqual(node(f, "/pl011@9000000"), 0, "the alias resolves")
        XCTAssertEqual(strings(f, "/chosen", "bootargs"), ["console=ttyAMA0 earlycon"])
        XCTAssertEqual(cells(f, "/chosen", "linux,initrd-start"), [0, 0x4800_0000])
        XCTAssertEqual(cells(f, "/chosen", "linux,initrd-end"), [0, 0x4800_1234])
    }

    func testExynosUARTModelIsWhatTheTreeSays() throws {
        let f = try blob(.arndale, uart: .exynos)
        XCTAssertEqual(strings(f, "/aliases", "serial0"), ["/serial@12c20000"])
        XCTAssertEqual(strings(f, "/serial@12c20000", "compatible"), ["samsung,exynos4210-uart"])
        XCTAssertLessThan(node(f, "/pl011@12c20000"), 0)
    }

    func testValidateRejectsWhatIsNotADeviceTree() throws {
        XCTAssertThrowsError(try DeviceTreeBuilder.validate(Array("not a dtb at all, just forty-odd bytes...".utf8), path: "x.dtb"))
        var f = try blob(.virt)
        XCTAssertNoThrow(try DeviceTreeBuilder.validate(f, path: "ok.dtb"))
        f.removeLast(16)
        XCTAssertThrowsError(try DeviceTreeBuilder.validate(f, path: "short.dtb")) { e in
            XCTAssertTrue("\(e)".contains("truncated"))
        }
    }
}
