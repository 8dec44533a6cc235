@testable import Board
import Bus
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The receive side of the console UARTs, and how `ConsoleInput` feeds it from stdin.
final class ConsoleInputTests: XCTestCase {
    // PL011 offsets and bits (ARM DDI 0183, 3.2-3.3).
    let DR: UInt64 = 0x000, FR: UInt64 = 0x018, LCRH: UInt64 = 0x02C, CR: UInt64 = 0x030
    let IFLS: UInt64 = 0x034, IMSC: UInt64 = 0x038, RIS: UInt64 = 0x03C, MIS: UInt64 = 0x040, ICR: UInt64 = 0x044
    let RXFE: UInt64 = 1 << 4, RXFF: UInt64 = 1 << 6, RXIM: UInt64 = 1 << 4, RTIM: UInt64 = 1 << 6

    func enabledPL011(fifo: Bool, level: UnsafeMutablePointer<Bool>? = nil) -> PL011 {
        let uart = PL011(console: Console(capture: true), interrupt: InterruptLine { level?.pointee = $0 })
        _ = uart.write(offset: LCRH, size: 4, value: fifo ? 0x70 : 0x60)
        _ = uart.write(offset: CR, size: 4, value: 0x301)   // UARTEN | TXE | RXE, as amba-pl011 starts the port
        return uart
    }

    func testPL011ReceivesOnlyWithUARTENAndRXE() {
        let uart = PL011(console: Console(capture: true))
        XCTAssertFalse(uart.receiverEnabled, "UARTEN is clear from reset")
        XCTAssertFalse(uart.canReceive)
        _ = uart.write(offset: CR, size: 4, value: 0x101)    // UARTEN | TXE, no RXE
        XCTAssertFalse(uart.receiverEnabled)
        _ = uart.write(offset: CR, size: 4, value: 0x301)
        XCTAssertTrue(uart.canReceive)
        uart.receive(0x61)
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFE, 0, "RXFE clears with a character waiting")
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0x61)
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFE, RXFE)
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0, "an empty FIFO reads as 0")
    }

    func testPL011FIFODepthIs32WithFENAndOneWithout() {
        let uart = enabledPL011(fifo: false)
        uart.receive(0x31)
        XCTAssertFalse(uart.canReceive)
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFF, RXFF)
        uart.receive(0x32)                                     // overrun: lost
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0x31)
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFE, RXFE)
        _ = uart.write(offset: LCRH, size: 4, value: 0x70)
        for i in 0..<32 { XCTAssertTrue(uart.canReceive, "entry \(i)"); uart.receive(UInt8(i)) }
        XCTAssertFalse(uart.canReceive)
        XCTAssertEqual((0..<32).map { _ in uart.read(offset: DR, size: 4)! }, (0..<32).map(UInt64.init), "first in, first out")
    }

    func testPL011ReceiveInterruptAtTheIFLSTriggerLevel() {
        var level = false
        let uart = enabledPL011(fifo: true, level: &level)
        _ = uart.write(offset: IMSC, size: 4, value: RXIM | RTIM)
        for _ in 0..<15 { uart.receive(0x41) }
        XCTAssertFalse(level, "15 characters are below the reset trigger level (1/2 of 32)")
        uart.receive(0x41)
        XCTAssertTrue(level)
        XCTAssertEqual(uart.read(offset: MIS, size: 4), RXIM)
        _ = uart.read(offset: DR, size: 4)                     // 15 left: below the level again
        XCTAssertFalse(level)
        _ = uart.write(offset: IFLS, size: 4, value: 0)        // RXIFLSEL 1/8: 4 characters
        uart.receive(0x42)
        XCTAssertTrue(level)
        _ = uart.write(offset: ICR, size: 4, value: 0x7FF)
        XCTAssertFalse(level)
    }

    func testPL011ReceiveTimeoutReportsCharactersBelowTheTriggerLevel() {
        var level = false
        let uart = enabledPL011(fifo: true, level: &level)
        _ = uart.write(offset: IMSC, size: 4, value: RXIM | RTIM)
        uart.receiveIdle()
        XCTAssertFalse(level, "no time-out with an empty FIFO")
        uart.receive(0x68)
        uart.receive(0x69)
        XCTAssertFalse(level)
        XCTAssertTrue(uart.awaitsTimeout)
        uart.receiveIdle()
        XCTAssertTrue(level)
        XCTAssertEqual(uart.read(offset: RIS, size: 4)! & RTIM, RTIM)
        XCTAssertFalse(uart.awaitsTimeout, "one time-out per burst")
        _ = uart.read(offset: DR, size: 4)
        XCTAssertTrue(level, "still a character left")
        _ = uart.read(offset: DR, size: 4)
        XCTAssertFalse(level, "emptying the FIFO clears RTRIS")
    }

    // Exynos offsets (Exynos 5250 user manual, UART registers; samsung_tty.c).
    let UCON: UInt64 = 0x04, UFCON: UInt64 = 0x08, UTRSTAT: UInt64 = 0x10, UFSTAT: UInt64 = 0x18
    let URXH: UInt64 = 0x24, UINTP: UInt64 = 0x30, UINTM: UInt64 = 0x38

    func testExynosReceivesWithUFSTATCountAndRXD() {
        var level = false
        let uart = ExynosUART(console: Console(capture: true), interrupt: InterruptLine { level = $0 })
        _ = uart.write(offset: UCON, size: 4, value: 0x3000)   // receive mode 0: off
        XCTAssertFalse(uart.canReceive)
        _ = uart.write(offset: UINTM, size: 4, value: 0xF)     // all masked, as samsung_tty probes
        _ = uart.write(offset: UFCON, size: 4, value: 0x1)
        _ = uart.write(offset: UCON, size: 4, value: 0x3085)   // receive mode 1, as samsung_tty sets
        XCTAssertFalse(uart.canReceive, "RXD masked: the driver has not started the port yet")
        _ = uart.write(offset: UINTM, size: 4, value: 0xE)     // RXD unmasked only
        XCTAssertTrue(uart.canReceive)
        uart.receive(0x78)
        uart.receive(0x79)
        XCTAssertTrue(level)
        XCTAssertEqual(uart.read(offset: UFSTAT, size: 4), 2)
        XCTAssertEqual(uart.read(offset: UTRSTAT, size: 4)! & 1, 1, "receive data ready")
        XCTAssertEqual(uart.read(offset: URXH, size: 4), 0x78)
        XCTAssertEqual(uart.read(offset: URXH, size: 4), 0x79)
        XCTAssertEqual(uart.read(offset: UTRSTAT, size: 4)! & 1, 0)
        _ = uart.write(offset: UINTP, size: 4, value: 1)       // the driver acknowledges RXD
        XCTAssertFalse(level)
        for _ in 0..<16 { uart.receive(0x7A) }
        XCTAssertFalse(uart.canReceive)
        XCTAssertEqual(uart.read(offset: UFSTAT, size: 4), 0x110, "16 and the RX full bit")
        _ = uart.write(offset: UFCON, size: 4, value: 0x3)     // RX FIFO reset
        XCTAssertEqual(uart.read(offset: UFSTAT, size: 4), 0)
        XCTAssertEqual(uart.read(offset: UFCON, size: 4), 0x1, "the reset bit clears itself")
    }

    func testExynosTimeoutRaisesRXDAgainForALeftoverCharacter() {
        var level = false
        let uart = ExynosUART(console: Console(capture: true), interrupt: InterruptLine { level = $0 })
        _ = uart.write(offset: UINTM, size: 4, value: 0xE)
        _ = uart.write(offset: UCON, size: 4, value: 0x1)
        uart.receive(0x41)
        _ = uart.write(offset: UINTP, size: 4, value: 1)
        XCTAssertFalse(level)
        uart.receiveIdle()
        XCTAssertTrue(level)
    }

    // MARK: ConsoleInput

    /// A pipe holding `text`, its writer closed: a file-like stdin.
    func pipeInput(_ text: String) -> Int32 {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        _ = text.withCString { Glibc.write(fds[1], $0, strlen($0)) }
        close(fds[1])
        return fds[0]
    }

    func testStreamInputArrivesOneByteEachPeriodAfterTheReceiverIsEnabled() {
        let fd = pipeInput("hi")
        defer { close(fd) }
        let input = ConsoleInput(fd: fd, mode: .stream)
        let uart = PL011(console: Console(capture: true))
        input.receiver = uart
        input.service(now: 0)
        XCTAssertNil(input.nextDeadline(), "nothing wanted while the receiver is off")
        XCTAssertEqual(input.takeBuffered(10), [], "and nothing read from the host either")
        _ = uart.write(offset: CR, size: 4, value: 0x301)
        let t = ConsoleInput.characterNanos
        XCTAssertEqual(input.nextDeadline(), t)
        input.service(now: t + 5)                               // first seen enabled: no byte yet
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFE, RXFE)
        XCTAssertEqual(input.nextDeadline(), 2 * t, "ticks stay on the multiples of the period")
        input.service(now: 2 * t - 1)
        XCTAssertEqual(uart.read(offset: FR, size: 4)! & RXFE, RXFE, "not before its time")
        input.service(now: 2 * t)
        XCTAssertFalse(uart.canReceive, "FEN is clear: a one-character holding register")
        XCTAssertEqual(input.nextDeadline(), 3 * t, "the receive time-out is still due")
        input.service(now: 3 * t)
        XCTAssertEqual(uart.read(offset: RIS, size: 4)! & RTIM, RTIM)
        XCTAssertNil(input.nextDeadline(), "no room and the time-out given: nothing until the guest reads")
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0x68)
        XCTAssertEqual(input.nextDeadline(), 4 * t)
        input.service(now: 4 * t)
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0x69)
        input.service(now: 5 * t)
        XCTAssertTrue(input.atEnd)
        XCTAssertNil(input.nextDeadline(), "input over and the FIFO empty: nothing more to do")
    }

    func testSemihostingTakesWhatTheUARTHasNotYetTaken() {
        let fd = pipeInput("abc")
        defer { close(fd) }
        let input = ConsoleInput(fd: fd, mode: .stream)
        let uart = enabledPL011(fifo: true)
        input.receiver = uart
        let t = ConsoleInput.characterNanos
        input.service(now: 0)
        input.service(now: t)                                   // reads "abc", gives "a"
        XCTAssertEqual(input.takeBuffered(8), Array("bc".utf8))
        XCTAssertEqual(uart.read(offset: DR, size: 4), 0x61)
    }

    func testEscapeKeyQuitsOrSendsALiteralCtrlA() {
        let input = ConsoleInput(fd: -1, mode: .terminal, helpFD: -1)
        for b in [0x61, 0x01, 0x01, 0x62, 0x01, 0x71] as [UInt8] { input.typed(b) }   // a ^A^A b ^A q
        XCTAssertEqual(input.takeBuffered(8), [0x61, 0x01, 0x62], "^A^A is one ^A; an unknown escape is dropped")
        XCTAssertFalse(input.quitRequested)
        input.typed(0x01)
        input.typed(0x78)
        XCTAssertTrue(input.quitRequested)
        XCTAssertEqual(input.takeBuffered(8), [])
    }
}
