import Bus

/// Arm PrimeCell UART PL011 (ARM DDI 0183G), transmit side: every byte written to UARTDR goes
/// to the console at once, so the transmit FIFO is always empty and never full. Nothing is
/// ever received (RXFE stays set).
public final class PL011: BusDevice {
    // Register offsets, ARM DDI 0183G, table 3-1.
    static let UARTDR: UInt64 = 0x000
    static let UARTRSR: UInt64 = 0x004
    static let UARTFR: UInt64 = 0x018
    static let UARTILPR: UInt64 = 0x020
    static let UARTIBRD: UInt64 = 0x024
    static let UARTFBRD: UInt64 = 0x028
    static let UARTLCR_H: UInt64 = 0x02C
    static let UARTCR: UInt64 = 0x030
    static let UARTIFLS: UInt64 = 0x034
    static let UARTIMSC: UInt64 = 0x038
    static let UARTRIS: UInt64 = 0x03C
    static let UARTMIS: UInt64 = 0x040
    static let UARTICR: UInt64 = 0x044
    static let UARTDMACR: UInt64 = 0x048
    /// UARTFR bits: TXFE (7), RXFE (4).
    static let flagTXFE: UInt64 = 1 << 7
    static let flagRXFE: UInt64 = 1 << 4
    /// Interrupt bit of the transmit interrupt (TXIM/TXRIS/TXMIS).
    static let txInterrupt: UInt64 = 1 << 5
    /// PeriphID0..3 at 0xFE0 and PCellID0..3 at 0xFF0 (table 3-1): part 0x011, revision r1p5.
    static let identification: [UInt64] = [0x11, 0x10, 0x34, 0x00, 0x0D, 0xF0, 0x05, 0xB1]

    public let name = "pl011"
    let console: Console
    let irq: InterruptLine
    var ilpr: UInt64 = 0, ibrd: UInt64 = 0, fbrd: UInt64 = 0, lcr: UInt64 = 0
    var cr: UInt64 = 0x300          // TXE and RXE set at reset
    var ifls: UInt64 = 0x12, imsc: UInt64 = 0, dmacr: UInt64 = 0
    /// Raw interrupt status. The transmit interrupt is raised whenever the FIFO is at or below
    /// its trigger level, which for an always-empty FIFO is always (the driver masks it).
    var ris: UInt64 = txInterrupt

    public init(console: Console, irq: InterruptLine = .unconnected()) {
        self.console = console
        self.irq = irq
    }

    private func updateIRQ() { irq.set(ris & imsc != 0) }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        // Registers are 16 bits wide in 32-bit slots; word and halfword reads work, as do bytes.
        guard size <= 4 else { return nil }
        switch offset {
        case Self.UARTDR: return 0
        case Self.UARTRSR: return 0
        case Self.UARTFR: return Self.flagTXFE | Self.flagRXFE
        case Self.UARTILPR: return ilpr
        case Self.UARTIBRD: return ibrd
        case Self.UARTFBRD: return fbrd
        case Self.UARTLCR_H: return lcr
        case Self.UARTCR: return cr
        case Self.UARTIFLS: return ifls
        case Self.UARTIMSC: return imsc
        case Self.UARTRIS: return ris
        case Self.UARTMIS: return ris & imsc
        case Self.UARTDMACR: return dmacr
        case 0xFE0...0xFFC where offset & 3 == 0: return Self.identification[Int((offset - 0xFE0) >> 2)]
        case 0x04C...0xFDC: return 0          // reserved and test registers read as zero
        default: return nil
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size <= 4 else { return false }
        switch offset {
        case Self.UARTDR: console.put(UInt8(truncatingIfNeeded: value))
        case Self.UARTRSR: break               // error clear
        case Self.UARTILPR: ilpr = value & 0xFF
        case Self.UARTIBRD: ibrd = value & 0xFFFF
        case Self.UARTFBRD: fbrd = value & 0x3F
        case Self.UARTLCR_H: lcr = value & 0xFF
        case Self.UARTCR: cr = value & 0xFF87
        case Self.UARTIFLS: ifls = value & 0x3F
        case Self.UARTIMSC: imsc = value & 0x7FF
        case Self.UARTICR:
            // Clearing TX only lasts until the (always empty) FIFO is sampled again.
            ris &= ~(value & 0x7FF)
            ris |= Self.txInterrupt
        case Self.UARTDMACR: dmacr = value & 7
        case Self.UARTFR, Self.UARTRIS, Self.UARTMIS: break   // read-only: writes ignored
        case 0x04C...0xFFC: break
        default: return false
        }
        updateIRQ()
        return true
    }
}
