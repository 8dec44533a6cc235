import XCTest
import Bus
@testable import Board
import GIC

/// Register-level behaviour of the board's devices, one behaviour per test.
final class DeviceTests: XCTestCase {
    func testPL011TransmitsAndReportsAnEmptyFIFO() {
        let c = Console(capture: true)
        let u = PL011(console: c)
        XCTAssertTrue(u.write(offset: 0, size: 4, value: 0x41))
        XCTAssertEqual(c.captured, [0x41])
        XCTAssertEqual(u.read(offset: 0x18, size: 4)! & (1 << 5), 0, "never TXFF")
        XCTAssertEqual(u.read(offset: 0x18, size: 4)! & (1 << 7), 1 << 7, "TXFE")
        XCTAssertEqual((0..<4).map { u.read(offset: 0xFE0 + UInt64($0) * 4, size: 4)! }, [0x11, 0x10, 0x34, 0x00])
        XCTAssertEqual((0..<4).map { u.read(offset: 0xFF0 + UInt64($0) * 4, size: 4)! }, [0x0D, 0xF0, 0x05, 0xB1])
        XCTAssertNil(u.read(offset: 0, size: 8), "64-bit access is a bus error")
    }

    func testPL011TransmitInterruptFollowsItsMask() {
        var level = false
        let u = PL011(console: Console(capture: true), irq: InterruptLine { level = $0 })
        XCTAssertFalse(level)
        _ = u.write(offset: 0x38, size: 4, value: 1 << 5)   // UARTIMSC.TXIM
        XCTAssertTrue(level)
        XCTAssertEqual(u.read(offset: 0x40, size: 4), 1 << 5, "UARTMIS")
    }

    func testExynosUARTTransmits() {
        let c = Console(capture: true)
        let u = ExynosUART(console: c)
        XCTAssertEqual(u.read(offset: 0x10, size: 4)! & 0b110, 0b110, "UTRSTAT: buffer and transmitter empty")
        XCTAssertTrue(u.write(offset: 0x20, size: 4, value: 0x5A))
        XCTAssertEqual(c.captured, [0x5A])
        XCTAssertNil(u.read(offset: 0x40, size: 4))
    }

    func testGIC400AnswersItsIdentification() {
        let d = GICv2Distributor(spiCount: 128)
        XCTAssertEqual(d.read(offset: 0x008, size: 4), 0x0200_043B, "GICD_IIDR")
        XCTAssertEqual(d.read(offset: 0x004, size: 4)! & 0x1F, 4, "ITLinesNumber: 160 interrupts")
        XCTAssertEqual(d.read(offset: 0xFE8, size: 4)! >> 4, 2, "ArchRev 2")
        _ = d.write(offset: 0x100, size: 4, value: 0b1010)
        _ = d.write(offset: 0x180, size: 4, value: 0b0010)
        XCTAssertEqual(d.read(offset: 0x100, size: 4), 0b1000, "set/clear-enable pair")
        let c = GICv2CPUInterface()
        XCTAssertEqual(c.read(offset: 0xFC, size: 4), 0x0202_143B, "GICC_IIDR")
        XCTAssertEqual(c.read(offset: 0x0C, size: 4), 1023, "spurious")
        XCTAssertEqual(GICv2VirtualInterfaceControl().read(offset: 0x04, size: 4), 0x9000_0003, "GICH_VTR")
    }

    func testSizesParse() throws {
        XCTAssertEqual(try MachineOptions.parseSize("512M"), 512 << 20)
        XCTAssertEqual(try MachineOptions.parseSize("1G"), 1 << 30)
        XCTAssertEqual(try MachineOptions.parseSize("256MiB"), 256 << 20)
        XCTAssertEqual(try MachineOptions.parseSize("65536"), 65536)
        for bad in ["", "lots", "12Q", "-5M", "M"] {
            XCTAssertThrowsError(try MachineOptions.parseSize(bad), bad)
        }
    }
}
