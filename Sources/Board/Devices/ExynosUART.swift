import Bus

/// Samsung Exynos 4210-style UART (the UART block of the Exynos 4210/5250 user manuals, and
/// Linux's drivers/tty/serial/samsung_tty.c), reduced to a console: transmission is instantaneous;
/// received characters come from `ConsoleInput` into a 16-byte FIFO (the size of the Exynos 5250's
/// UART2 and UART3), counted in UFSTAT and raising RXD, as samsung_tty's receive path reads them. Register offsets from the user manual's UART register map, as
/// Linux's include/linux/serial_s3c.h also defines them.
public final class ExynosUART: BusDevice {
    public let name: String
    /// The UART's registers end at 0x3C; each UART on the Exynos 5250 owns 0x100 bytes.
    public static let windowSize: UInt64 = 0x100

    static let ULCON: UInt64 = 0x00     // line control
    static let UCON: UInt64 = 0x04      // control
    static let UFCON: UInt64 = 0x08     // FIFO control
    static let UMCON: UInt64 = 0x0C     // modem control
    static let UTRSTAT: UInt64 = 0x10   // TX/RX status
    static let UERSTAT: UInt64 = 0x14   // RX error status
    static let UFSTAT: UInt64 = 0x18    // FIFO status
    static let UMSTAT: UInt64 = 0x1C    // modem status
    static let UTXH: UInt64 = 0x20      // transmit buffer
    static let URXH: UInt64 = 0x24      // receive buffer
    static let UBRDIV: UInt64 = 0x28    // baud rate divisor
    static let UFRACVAL: UInt64 = 0x2C  // divisor fractional part
    static let UINTP: UInt64 = 0x30     // interrupt pending (UINTSP & ~UINTM)
    static let UINTSP: UInt64 = 0x34    // interrupt source pending ("UINTS")
    static let UINTM: UInt64 = 0x38     // interrupt mask (1 = masked)

    /// UTRSTAT: bit 0 receive buffer data ready, bit 1 transmit buffer empty, bit 2 transmitter empty.
    static let UTRSTAT_RX_READY: UInt32 = 1 << 0
    static let UTRSTAT_TX_EMPTY: UInt32 = (1 << 1) | (1 << 2)
    /// UFCON bit 0: FIFOs enabled; bit 1: reset the RX FIFO (self-clearing).
    static let UFCON_FIFO_ENABLE: UInt32 = 1 << 0
    static let UFCON_RX_RESET: UInt32 = 1 << 1
    /// UFSTAT: RX FIFO count in bits 7:0, RX FIFO full bit 8 (samsung_tty's rx_fifomask/rx_fifofull).
    static let UFSTAT_RX_FULL: UInt32 = 1 << 8
    /// UCON bits 1:0, the receive mode: 0 disables reception, 1 is interrupt or polling.
    static let UCON_RX_MODE: UInt32 = 0x3
    static let fifoDepth = 16
    /// Interrupt bits of UINTP, UINTSP and UINTM: RXD 0, ERROR 1, TXD 2, MODEM 3.
    static let INT_RXD: UInt32 = 1 << 0
    static let INT_TXD: UInt32 = 1 << 2
    static let interruptMask: UInt32 = 0xF

    private let console: Console
    /// The UART's interrupt output: high while UINTP is non-zero.
    public let interrupt: InterruptLine

    private var ulcon: UInt32 = 0
    /// QEMU's exynos4210_uart resets UCON to 0x3000 (receive time-out interval bits).
    private var ucon: UInt32 = 0x3000
    private var ufcon: UInt32 = 0
    private var umcon: UInt32 = 0
    private var ubrdiv: UInt32 = 0
    private var ufracval: UInt32 = 0
    private var uintsp: UInt32 = 0
    private var uintm: UInt32 = 0
    /// The receive FIFO, oldest first.
    private var rxFIFO: [UInt8] = []
    /// A character arrived or was read since the last time-out tick: the time-out may fire.
    private var timeoutArmed = false

    public init(name: String = "exynos-uart", console: Console, interrupt: InterruptLine = .unconnected()) {
        self.name = name
        self.console = console
        self.interrupt = interrupt
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard let a = WordAccess(offset: offset, size: size) else { return nil }
        let value: UInt32
        switch a.register {
        case Self.ULCON: value = ulcon
        case Self.UCON: value = ucon
        case Self.UFCON: value = ufcon
        case Self.UMCON: value = umcon
        case Self.UTRSTAT: value = Self.UTRSTAT_TX_EMPTY | (rxFIFO.isEmpty ? 0 : Self.UTRSTAT_RX_READY)
        case Self.UERSTAT: value = 0
        // The TX FIFO is always empty (its count, bits 23:16, and full bit 24 stay 0).
        case Self.UFSTAT:
            value = UInt32(rxFIFO.count) | (rxFIFO.count >= depth ? Self.UFSTAT_RX_FULL : 0)
        case Self.UMSTAT: value = 0
        case Self.UTXH: value = 0  // write-only
        // The oldest received character; an empty FIFO reads as 0.
        case Self.URXH:
            guard !rxFIFO.isEmpty else { value = 0; break }
            value = UInt32(rxFIFO.removeFirst())
            timeoutArmed = !rxFIFO.isEmpty
        case Self.UBRDIV: value = ubrdiv
        case Self.UFRACVAL: value = ufracval
        case Self.UINTP: value = uintsp & ~uintm
        case Self.UINTSP: value = uintsp
        case Self.UINTM: value = uintm
        default: return nil
        }
        return a.extract(value)
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard let a = WordAccess(offset: offset, size: size) else { return false }
        switch a.register {
        case Self.ULCON: ulcon = a.merge(value, into: ulcon)
        case Self.UCON: ucon = a.merge(value, into: ucon)
        case Self.UFCON:
            // Bits 1 and 2 reset the RX/TX FIFOs and clear themselves; the TX FIFO is always empty.
            let v = a.merge(value, into: ufcon)
            if v & Self.UFCON_RX_RESET != 0 { rxFIFO.removeAll(); timeoutArmed = false }
            ufcon = v & ~0x6
        case Self.UMCON: umcon = a.merge(value, into: umcon)
        case Self.UTXH:
            if a.coversLowByte { console.write(UInt8(truncatingIfNeeded: value)) }
            // The byte left at once: the transmit buffer is empty again.
            uintsp |= Self.INT_TXD
        case Self.UBRDIV: ubrdiv = a.merge(value, into: ubrdiv)
        case Self.UFRACVAL: ufracval = a.merge(value, into: ufracval)
        // Writing 1 clears a pending bit, in UINTP and in the source register behind it.
        case Self.UINTP, Self.UINTSP: uintsp &= ~(a.merge(value, into: 0) & Self.interruptMask)
        case Self.UINTM: uintm = a.merge(value, into: uintm) & Self.interruptMask
        case Self.UTRSTAT, Self.UERSTAT, Self.UFSTAT, Self.UMSTAT, Self.URXH: break  // read-only
        default: return false
        }
        updateInterrupt()
        return true
    }

    private func updateInterrupt() {
        // With the FIFOs on, the transmit interrupt is requested whenever the TX FIFO holds no
        // more than its trigger level, which an always-empty FIFO always does; Linux relies on
        // this level behaviour when it unmasks TXD to start sending (samsung_tty.c, start_tx).
        if ufcon & Self.UFCON_FIFO_ENABLE != 0 { uintsp |= Self.INT_TXD }
        interrupt.set(uintsp & ~uintm != 0)
    }
}

extension ExynosUART: SerialReceiver {
    private var depth: Int { ufcon & Self.UFCON_FIFO_ENABLE != 0 ? Self.fifoDepth : 1 }
    /// A receive mode in UCON and RXD unmasked in UINTM (its reset state). Linux's samsung_tty sets
    /// the receive mode when it registers the console, long before it opens the port, masks every
    /// interrupt then, and unmasks RXD only in startup, after resetting the RX FIFO: input offered
    /// earlier would be thrown away. A polling guest leaves UINTM at reset and still receives.
    public var receiverEnabled: Bool { ucon & Self.UCON_RX_MODE != 0 && uintm & Self.INT_RXD == 0 }
    public var canReceive: Bool { receiverEnabled && rxFIFO.count < depth }
    public var awaitsTimeout: Bool { timeoutArmed && !rxFIFO.isEmpty }

    /// RXD is requested at each character, as at the lowest RX trigger level; samsung_tty then
    /// drains the FIFO by UFSTAT's count and clears RXD in UINTP.
    public func receive(_ byte: UInt8) {
        guard rxFIFO.count < depth else { return }   // an overrun: the character is lost
        rxFIFO.append(byte)
        timeoutArmed = true
        uintsp |= Self.INT_RXD
        updateInterrupt()
    }

    /// The receive time-out (UCON's Rx time-out): characters left below the trigger level still
    /// raise RXD once the line has been quiet.
    public func receiveIdle() {
        guard awaitsTimeout else { return }
        timeoutArmed = false
        uintsp |= Self.INT_RXD
        updateInterrupt()
    }
}
