import Board
import Bus
import GIC
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class DeviceTests: XCTestCase {
    // MARK: PL011

    func testPL011FlagsSayTransmitterEmptyAndNothingReceived() {
        let uart = PL011(console: Console(capture: true))
        // TXFE (bit 7) and RXFE (bit 4); never BUSY (3) or TXFF (5).
        XCTAssertEqual(uart.read(offset: 0x018, size: 4), 0x90)
        XCTAssertEqual(uart.read(offset: 0x018, size: 2), 0x90)
        XCTAssertEqual(uart.read(offset: 0x030, size: 4), 0x300)  // UARTCR reset: TXE | RXE
    }

    func testPL011IdentifiesAsAPrimeCellPL011() {
        let uart = PL011(console: Console(capture: true))
        let ids = stride(from: 0xFE0 as UInt64, through: 0xFFC, by: 4).map { uart.read(offset: $0, size: 4) }
        XCTAssertEqual(ids, [0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1])
    }

    func testPL011TransmitsEveryAccessWidth() {
        let console = Console(capture: true)
        let uart = PL011(console: console)
        XCTAssertTrue(uart.write(offset: 0, size: 4, value: 0x4F))       // 'O' (word, as earlycon MMIO32)
        XCTAssertTrue(uart.write(offset: 0, size: 2, value: 0x4B))       // 'K' (halfword, amba-pl011's default)
        XCTAssertTrue(uart.write(offset: 0, size: 1, value: 0x0A))       // '\n' (byte, earlycon pl011)
        XCTAssertEqual(console.capturedText, "OK\n")
    }

    func testPL011BusErrors() {
        let uart = PL011(console: Console(capture: true))
        XCTAssertNil(uart.read(offset: 0x018, size: 8))
        XCTAssertFalse(uart.write(offset: 0, size: 8, value: 0x41))
        XCTAssertNil(uart.read(offset: 0x019, size: 2))      // misaligned
        XCTAssertNil(uart.read(offset: 0x800, size: 4))      // hole
        XCTAssertFalse(uart.write(offset: 0x100, size: 4, value: 0))
    }

    func testPL011TransmitInterruptFollowsTXIMAndICR() {
        var level = false
        let uart = PL011(console: Console(capture: true), interrupt: InterruptLine { level = $0 })
        XCTAssertEqual(uart.read(offset: 0x03C, size: 4)! & 0x20, 0x20, "TXRIS: the FIFO is empty from reset")
        XCTAssertFalse(level)
        _ = uart.write(offset: 0x038, size: 4, value: 0x20)                  // UARTIMSC.TXIM
        XCTAssertTrue(level)
        XCTAssertEqual(uart.read(offset: 0x040, size: 4), 0x20)              // UARTMIS
        _ = uart.write(offset: 0x044, size: 4, value: 0x20)                  // UARTICR.TXIC
        XCTAssertFalse(level)
        XCTAssertEqual(uart.read(offset: 0x040, size: 4), 0)
        _ = uart.write(offset: 0, size: 2, value: 0x41)                      // sent at once: TXRIS again
        XCTAssertTrue(level)
        _ = uart.write(offset: 0x038, size: 4, value: 0)
        XCTAssertFalse(level)
    }

    func testPL011KeepsItsConfiguration() {
        let uart = PL011(console: Console(capture: true))
        _ = uart.write(offset: 0x024, size: 4, value: 13)    // IBRD
        _ = uart.write(offset: 0x028, size: 4, value: 0xFF)  // FBRD keeps 6 bits
        _ = uart.write(offset: 0x02C, size: 4, value: 0x70)  // LCR_H: 8 bits, FIFO on
        XCTAssertEqual(uart.read(offset: 0x024, size: 4), 13)
        XCTAssertEqual(uart.read(offset: 0x028, size: 4), 0x3F)
        XCTAssertEqual(uart.read(offset: 0x02C, size: 4), 0x70)
    }

    // MARK: Exynos UART

    func testExynosUARTStatusAndTransmit() {
        let console = Console(capture: true)
        let uart = ExynosUART(console: console)
        XCTAssertEqual(uart.read(offset: 0x10, size: 4), 0x6)      // UTRSTAT: TX buffer and TX empty
        XCTAssertEqual(uart.read(offset: 0x18, size: 4), 0)        // UFSTAT: never full
        XCTAssertTrue(uart.write(offset: 0x20, size: 1, value: 0x68))
        XCTAssertTrue(uart.write(offset: 0x20, size: 4, value: 0x69))
        XCTAssertEqual(console.capturedText, "hi")
        XCTAssertNil(uart.read(offset: 0x40, size: 4))
        XCTAssertNil(uart.read(offset: 0x10, size: 8))
    }

    func testExynosTransmitInterruptIsLevelWhileUnmasked() {
        var level = false
        let uart = ExynosUART(console: Console(capture: true), interrupt: InterruptLine { level = $0 })
        _ = uart.write(offset: 0x38, size: 4, value: 0xF)          // UINTM: all masked
        _ = uart.write(offset: 0x08, size: 4, value: 0x1)          // UFCON: FIFOs on
        XCTAssertFalse(level)
        XCTAssertEqual(uart.read(offset: 0x34, size: 4)! & 0x4, 0x4, "UINTSP.TXD")
        _ = uart.write(offset: 0x38, size: 4, value: 0xB)          // unmask TXD
        XCTAssertTrue(level)
        XCTAssertEqual(uart.read(offset: 0x30, size: 4), 0x4)      // UINTP
        // Clearing the pending bit does not stick: the empty FIFO requests again at once.
        _ = uart.write(offset: 0x30, size: 4, value: 0x4)
        XCTAssertTrue(level)
        _ = uart.write(offset: 0x38, size: 4, value: 0xF)
        XCTAssertFalse(level)
    }

    // MARK: GIC-400

    func testGICDistributorIdentifiesAsGIC400() {
        let gic = GICv2(spiCount: 256, cpuCount: 1)
        let d = gic.distributor
        XCTAssertEqual(d.read(offset: 0x008, size: 4), 0x0200_043B)           // GICD_IIDR
        XCTAssertEqual(d.read(offset: 0x004, size: 4), 8)                     // ITLinesNumber 8: 288 INTIDs
        XCTAssertEqual(GICv2(spiCount: 64, cpuCount: 4).distributor.read(offset: 0x004, size: 4), 2 | 3 << 5)
        XCTAssertEqual(d.read(offset: 0xFE8, size: 4), 0x2B)                  // PIDR2: ArchRev 2
        XCTAssertEqual(d.read(offset: 0xFF0, size: 4), 0x0D)
    }

    func testGICDistributorSetClearAndStorage() {
        let d = GICv2(spiCount: 64, cpuCount: 2).distributor
        XCTAssertEqual(d.read(offset: 0x100, size: 4), 0xFFFF, "SGIs are always enabled")
        _ = d.write(offset: 0x104, size: 4, value: 0x8000_0001)              // ISENABLER1
        _ = d.write(offset: 0x104, size: 4, value: 0x0000_0010)
        XCTAssertEqual(d.read(offset: 0x104, size: 4), 0x8000_0011)
        XCTAssertEqual(d.read(offset: 0x184, size: 4), 0x8000_0011)          // ICENABLER reads the same
        _ = d.write(offset: 0x184, size: 4, value: 0x0000_0001)
        XCTAssertEqual(d.read(offset: 0x104, size: 4), 0x8000_0010)
        XCTAssertTrue(d.isEnabled(63))
        _ = d.write(offset: 0x180, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(d.read(offset: 0x100, size: 4), 0xFFFF)

        // Priorities: word and byte access, 5 bits implemented.
        _ = d.write(offset: 0x420, size: 4, value: 0xA0A0_A0A7)
        XCTAssertEqual(d.read(offset: 0x420, size: 4), 0xA0A0_A0A0)
        _ = d.write(offset: 0x421, size: 1, value: 0x10)
        XCTAssertEqual(d.read(offset: 0x421, size: 1), 0x10)
        // SPI targets hold the implemented CPUs' bits; SGI/PPI targets read as this CPU.
        _ = d.write(offset: 0x820, size: 4, value: 0x0302_01FF)
        XCTAssertEqual(d.read(offset: 0x820, size: 4), 0x0302_0103)
        XCTAssertEqual(d.read(offset: 0x800, size: 4), 0x0101_0101)
        // ICFGR: SGIs edge and fixed; SPIs keep only the edge bits.
        XCTAssertEqual(d.read(offset: 0xC00, size: 4), 0xAAAA_AAAA)
        _ = d.write(offset: 0xC08, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(d.read(offset: 0xC08, size: 4), 0xAAAA_AAAA)
        _ = d.write(offset: 0x084, size: 4, value: 0x1234_5678)             // IGROUPR1
        XCTAssertEqual(d.read(offset: 0x084, size: 4), 0x1234_5678)
        _ = d.write(offset: 0x000, size: 4, value: 0x3)
        XCTAssertEqual(d.read(offset: 0x000, size: 4), 0x3)
        // Registers beyond the implemented interrupts are RAZ/WI.
        _ = d.write(offset: 0x110, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(d.read(offset: 0x110, size: 4), 0)
    }

    func testUniprocessorGICTargetsAreRAZWI() {
        let d = GICv2(spiCount: 32, cpuCount: 1).distributor
        _ = d.write(offset: 0x820, size: 4, value: 0x0101_0101)
        XCTAssertEqual(d.read(offset: 0x820, size: 4), 0)
        XCTAssertEqual(d.read(offset: 0x800, size: 4), 0)
    }

    func testGICInputLineShowsAsPending() {
        let d = GICv2(spiCount: 64, cpuCount: 1).distributor
        let line = d.inputLine(spi: 1)  // INTID 33
        line.set(true)
        XCTAssertEqual(d.read(offset: 0x204, size: 4), 0x2)
        line.set(false)
        XCTAssertEqual(d.read(offset: 0x204, size: 4), 0)
    }

    func testGICBusErrorsOnUnsupportedSizes() {
        let gic = GICv2(spiCount: 32)
        XCTAssertNil(gic.distributor.read(offset: 0x004, size: 8))
        XCTAssertNil(gic.distributor.read(offset: 0x004, size: 2))
        XCTAssertNil(gic.distributor.read(offset: 0x004, size: 1), "GICD_TYPER is word-only")
        XCTAssertFalse(gic.distributor.write(offset: 0x100, size: 1, value: 1))
        XCTAssertNotNil(gic.distributor.read(offset: 0x400, size: 1), "GICD_IPRIORITYR is byte-accessible")
        XCTAssertNil(gic.distributor.read(offset: 0x1000, size: 4), "beyond the 4 KiB frame")
        XCTAssertNil(gic.cpuInterface.read(offset: 0x0C, size: 8))
        XCTAssertNil(gic.cpuInterface.read(offset: 0x0E, size: 2))
        XCTAssertNil(gic.virtualInterfaceControl.read(offset: 0x04, size: 1))
        XCTAssertFalse(gic.virtualCPUInterface.write(offset: 0x10, size: 8, value: 0))
    }

    func testGICCPUInterface() {
        let c = GICv2(spiCount: 32).cpuInterface
        XCTAssertEqual(c.read(offset: 0x0FC, size: 4), 0x0202_143B)           // GICC_IIDR
        XCTAssertEqual(c.read(offset: 0x00C, size: 4), 1023)                  // GICC_IAR: spurious
        XCTAssertTrue(c.write(offset: 0x010, size: 4, value: 1023))           // GICC_EOIR
        XCTAssertTrue(c.write(offset: 0x1000, size: 4, value: 27))            // GICC_DIR
        _ = c.write(offset: 0x004, size: 4, value: 0xFF)
        XCTAssertEqual(c.read(offset: 0x004, size: 4), 0xF8)                  // PMR: 5 bits
        _ = c.write(offset: 0x008, size: 4, value: 0)
        XCTAssertEqual(c.read(offset: 0x008, size: 4), 2)                     // BPR minimum
        _ = c.write(offset: 0x000, size: 4, value: 0x201)
        XCTAssertEqual(c.read(offset: 0x000, size: 4), 0x201)
    }

    func testGICVirtualInterface() {
        let gic = GICv2(spiCount: 32)
        let h = gic.virtualInterfaceControl, v = gic.virtualCPUInterface
        XCTAssertEqual(h.read(offset: 0x004, size: 4), 0x9000_0003)           // GICH_VTR
        XCTAssertEqual(h.read(offset: 0x030, size: 4), 0xF)                   // all four LRs empty
        _ = h.write(offset: 0x104, size: 4, value: 0x1000_001B)               // LR1: pending, vINTID 27
        XCTAssertEqual(h.read(offset: 0x104, size: 4), 0x1000_001B)
        XCTAssertEqual(h.read(offset: 0x030, size: 4), 0xD)
        // GICV's CTLR and PMR are GICH_VMCR's fields.
        _ = v.write(offset: 0x004, size: 4, value: 0xF0)
        _ = v.write(offset: 0x000, size: 4, value: 0x1)
        // VMBP 2 and VMABP 3 are the GIC-400's reset values.
        XCTAssertEqual(h.read(offset: 0x008, size: 4), (0xF0 >> 3) << 27 | 2 << 21 | 3 << 18 | 1)
        XCTAssertEqual(v.read(offset: 0x004, size: 4), 0xF0)
        XCTAssertEqual(v.read(offset: 0x0FC, size: 4), 0x0202_143B)
        XCTAssertEqual(v.read(offset: 0x00C, size: 4), 27)                    // GICV_IAR takes LR1's interrupt
    }

    // MARK: Others

    func testSRAMBehavesLikeMemory() {
        let s = SRAM(name: "sysram", size: 0x3_0000)
        XCTAssertTrue(s.write(offset: 0x2_FFF8, size: 8, value: 0x1122_3344_5566_7788))
        XCTAssertEqual(s.read(offset: 0x2_FFF8, size: 8), 0x1122_3344_5566_7788)
        XCTAssertEqual(s.read(offset: 0x2_FFFB, size: 1), 0x55)
        XCTAssertNil(s.read(offset: 0x2_FFFC, size: 8))
        XCTAssertNil(s.read(offset: 0x3_0000, size: 1))
    }

    func testRegisterFileStubReadsBackWrites() {
        let mct = RegisterFileStub(name: "mct", size: 0x800)
        XCTAssertEqual(mct.read(offset: 0x240, size: 4), 0)
        XCTAssertTrue(mct.write(offset: 0x240, size: 4, value: 0x100))
        XCTAssertEqual(mct.read(offset: 0x240, size: 4), 0x100)
        XCTAssertNil(mct.read(offset: 0x800, size: 4))
    }

    func testPL031IsAFrozenDeterministicClock() {
        let rtc = PL031()
        XCTAssertEqual(rtc.read(offset: 0xFE0, size: 4), 0x31)
        XCTAssertEqual(rtc.read(offset: 0xFFC, size: 4), 0xB1)
        _ = rtc.write(offset: 0x008, size: 4, value: 1_700_000_000)
        XCTAssertEqual(rtc.read(offset: 0x000, size: 4), 1_700_000_000)
    }

    func testConsoleWritesWholeLinesToItsDescriptor() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let console = Console(fd: fds[1])
        console.write(Array("ab".utf8))
        var buf = [UInt8](repeating: 0, count: 16)
        // Nothing yet: no newline.
        XCTAssertEqual(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0)
        XCTAssertEqual(read(fds[0], &buf, 16), -1)
        console.write(0x0A)
        XCTAssertEqual(read(fds[0], &buf, 16), 3)
        XCTAssertEqual(Array(buf[..<3]), Array("ab\n".utf8))
        console.write(Array("tail".utf8))
        console.flush()
        XCTAssertEqual(read(fds[0], &buf, 16), 4)
        close(fds[1])
    }
}
