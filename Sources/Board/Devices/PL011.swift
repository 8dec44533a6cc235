import Bus

/// ARM PrimeCell UART (PL011), as ARM DDI 0183 (r1p5) describes it, reduced to what a console
/// needs: transmission is instantaneous (the FIFO never fills and never stays busy) and nothing
/// is ever received.
public final class PL011: BusDevice {
    public let name: String
    public static let windowSize: UInt64 = 0x1000

    // Register offsets, ARM DDI 0183 3.2, Table 3-1.
    static let UARTDR: UInt64 = 0x000
    static let UARTRSR_ECR: UInt64 = 0x004
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

    // UARTFR bits (DDI 0183, 3.3, Flag Register).
    static let FR_RXFE: UInt32 = 1 << 4
    static let FR_TXFE: UInt32 = 1 << 7
    // Interrupt bits shared by UARTIMSC, UARTRIS, UARTMIS and UARTICR (DDI 0183, 3.3).
    static let INT_TX: UInt32 = 1 << 5
    static let interruptMask: UInt32 = 0x7FF

    /// PeriphID0-3 = 0x11, 0x10, 0x14, 0x00: part 0x011, designer ARM (0x41), revision r1p5 (DDI 0183, 3.3, Peripheral Identification Registers).
    static let identification = PrimeCellID(periphID: [0x11, 0x10, 0x14, 0x00])

    private let console: Console
    /// UARTINTR, the combined interrupt output (DDI 0183, 3.4 Interrupts): high while any unmasked interrupt is raw.
    public let interrupt: InterruptLine

    private var ilpr: UInt32 = 0
    private var ibrd: UInt32 = 0
    private var fbrd: UInt32 = 0
    private var lcrH: UInt32 = 0
    /// Reset value 0x300: TXE and RXE set, UARTEN clear (DDI 0183, 3.3, Control Register).
    private var cr: UInt32 = 0x300
    /// Reset value 0x12: both FIFO trigger levels at half full (DDI 0183, 3.3, Interrupt FIFO Level Select Register).
    private var ifls: UInt32 = 0x12
    private var imsc: UInt32 = 0
    private var ris: UInt32 = 0
    private var dmacr: UInt32 = 0

    public init(name: String = "pl011", console: Console, interrupt: InterruptLine = .unconnected()) {
        self.name = name
        self.console = console
        self.interrupt = interrupt
        // The transmit FIFO is empty, so at or below any trigger level: the transmit interrupt
        // is raw-asserted from reset (DDI 0183, 3.4, UARTTXINTR).
        ris = Self.INT_TX
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard let a = WordAccess(offset: offset, size: size) else { return nil }
        let value: UInt32
        switch a.register {
        // Nothing is ever received: UARTDR reads as an empty character with no error bits.
        case Self.UARTDR: value = 0
        case Self.UARTRSR_ECR: value = 0
        // TXFE and RXFE always; never BUSY or TXFF, because output leaves at once.
        case Self.UARTFR: value = Self.FR_TXFE | Self.FR_RXFE
        case Self.UARTILPR: value = ilpr
        case Self.UARTIBRD: value = ibrd
        case Self.UARTFBRD: value = fbrd
        case Self.UARTLCR_H: value = lcrH
        case Self.UARTCR: value = cr
        case Self.UARTIFLS: value = ifls
        case Self.UARTIMSC: value = imsc
        case Self.UARTRIS: value = ris
        case Self.UARTMIS: value = ris & imsc
        case Self.UARTICR: value = 0  // write-only; reads as zero in QEMU too
        case Self.UARTDMACR: value = dmacr
        default:
            guard let id = Self.identification.read(register: a.register) else { return nil }
            value = id
        }
        return a.extract(value)
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard let a = WordAccess(offset: offset, size: size) else { return false }
        switch a.register {
        case Self.UARTDR:
            // Output does not wait for UARTCR.UARTEN/TXE: bare-metal guests often print without
            // enabling the UART that firmware would have set up (QEMU transmits likewise).
            if a.coversLowByte { console.write(UInt8(truncatingIfNeeded: value)) }
            // The FIFO drained at once, below the trigger level again: TXRIS re-asserts (UARTTXINTR).
            ris |= Self.INT_TX
        case Self.UARTRSR_ECR: break  // a write clears the (never set) error flags
        case Self.UARTFR: break       // read-only
        case Self.UARTILPR: ilpr = a.merge(value, into: ilpr) & 0xFF
        case Self.UARTIBRD: ibrd = a.merge(value, into: ibrd) & 0xFFFF
        case Self.UARTFBRD: fbrd = a.merge(value, into: fbrd) & 0x3F
        case Self.UARTLCR_H: lcrH = a.merge(value, into: lcrH) & 0xFF
        case Self.UARTCR: cr = a.merge(value, into: cr) & 0xFF87
        case Self.UARTIFLS: ifls = a.merge(value, into: ifls) & 0x3F
        case Self.UARTIMSC: imsc = a.merge(value, into: imsc) & Self.interruptMask
        case Self.UARTRIS, Self.UARTMIS: break  // read-only
        case Self.UARTICR: ris &= ~(a.merge(value, into: 0) & Self.interruptMask)
        case Self.UARTDMACR: dmacr = a.merge(value, into: dmacr) & 0x7
        default:
            // The ID registers are read-only; holes in the map are bus errors.
            return Self.identification.read(register: a.register) != nil
        }
        updateInterrupt()
        return true
    }

    /// UARTINTR is the OR of the masked interrupts (DDI 0183, 3.4, UARTINTR).
    private func updateInterrupt() {
        interrupt.set(ris & imsc != 0)
    }
}
