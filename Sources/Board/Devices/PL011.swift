import Bus

/// ARM PrimeCell UART (PL011), as ARM DDI 0183 (r1p5) describes it, reduced to what a console
/// needs: transmission is instantaneous (the FIFO never fills and never stays busy); received
/// characters come from `ConsoleInput` into a 32-entry FIFO (r1p5's depth, one entry with
/// UARTLCR_H.FEN clear), with the receive and receive time-out interrupts Linux's amba-pl011
/// driver unmasks.
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
    static let FR_RXFF: UInt32 = 1 << 6
    static let FR_TXFE: UInt32 = 1 << 7
    // Interrupt bits shared by UARTIMSC, UARTRIS, UARTMIS and UARTICR (DDI 0183, 3.3).
    static let INT_RX: UInt32 = 1 << 4
    static let INT_TX: UInt32 = 1 << 5
    static let INT_RT: UInt32 = 1 << 6
    // UARTCR bits (DDI 0183, 3.3, Control Register) and UARTLCR_H.FEN.
    static let CR_UARTEN: UInt32 = 1 << 0
    static let CR_RXE: UInt32 = 1 << 9
    static let LCRH_FEN: UInt32 = 1 << 4
    /// The receive FIFO of r1p5 is 32 entries deep (DDI 0183, 1.2).
    static let fifoDepth = 32
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
    /// The receive FIFO, oldest first.
    private var rxFIFO: [UInt8] = []
    /// A character arrived or was read since the FIFO's last time-out tick: the time-out may fire.
    private var timeoutArmed = false

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
        // The oldest received character, never with error bits; an empty FIFO reads as 0.
        case Self.UARTDR: value = popReceived()
        case Self.UARTRSR_ECR: value = 0
        // TXFE always, never BUSY or TXFF, because output leaves at once.
        case Self.UARTFR:
            value = Self.FR_TXFE | (rxFIFO.isEmpty ? Self.FR_RXFE : 0) | (rxFIFO.count >= depth ? Self.FR_RXFF : 0)
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

    private var depth: Int { lcrH & Self.LCRH_FEN != 0 ? Self.fifoDepth : 1 }

    /// UARTRXINTR's level: the FIFO at or above UARTIFLS.RXIFLSEL's fill (1/8, 1/4, 1/2, 3/4,
    /// 7/8 of 32), or holding a character with the FIFO off (DDI 0183, 3.4, UARTRXINTR).
    private var rxTriggerLevel: Int {
        guard lcrH & Self.LCRH_FEN != 0 else { return 1 }
        switch (ifls >> 3) & 7 {
        case 0: return 4
        case 1: return 8
        case 2: return 16
        case 3: return 24
        default: return 28
        }
    }

    private func popReceived() -> UInt32 {
        guard !rxFIFO.isEmpty else { return 0 }
        let c = UInt32(rxFIFO.removeFirst())
        // Reading below the trigger level clears the receive interrupt; emptying the FIFO clears
        // the time-out too (DDI 0183, 3.4, UARTRXINTR and UARTRTINTR).
        if rxFIFO.count < rxTriggerLevel { ris &= ~Self.INT_RX }
        if rxFIFO.isEmpty { ris &= ~Self.INT_RT }
        timeoutArmed = !rxFIFO.isEmpty
        updateInterrupt()
        return c
    }

    /// UARTINTR is the OR of the masked interrupts (DDI 0183, 3.4, UARTINTR).
    private func updateInterrupt() {
        interrupt.set(ris & imsc != 0)
    }
}

extension PL011: SerialReceiver {
    /// UARTEN and RXE both set (DDI 0183, 3.3, Control Register).
    public var receiverEnabled: Bool { cr & (Self.CR_UARTEN | Self.CR_RXE) == Self.CR_UARTEN | Self.CR_RXE }
    public var canReceive: Bool { receiverEnabled && rxFIFO.count < depth }
    public var awaitsTimeout: Bool { timeoutArmed && !rxFIFO.isEmpty }

    public func receive(_ byte: UInt8) {
        guard rxFIFO.count < depth else { return }   // an overrun: the character is lost
        rxFIFO.append(byte)
        timeoutArmed = true
        if rxFIFO.count >= rxTriggerLevel { ris |= Self.INT_RX }
        updateInterrupt()
    }

    /// The real time-out is 32 bit periods with the FIFO not empty and nothing arriving
    /// (UARTRTINTR); here, one character period, which Linux cannot tell apart.
    public func receiveIdle() {
        guard awaitsTimeout else { return }
        timeoutArmed = false
        ris |= Self.INT_RT
        updateInterrupt()
    }
}
