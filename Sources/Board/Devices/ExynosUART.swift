import Bus

/// Samsung Exynos 4210 UART (the Exynos 5250's), transmit side: bytes written to UTXH go to
/// the console at once, so the transmitter always reads as empty. Register offsets from the
/// Exynos 5250 user manual, as Linux's samsung_tty driver uses them.
public final class ExynosUART: BusDevice {
    static let ULCON: UInt64 = 0x00
    static let UCON: UInt64 = 0x04
    static let UFCON: UInt64 = 0x08
    static let UMCON: UInt64 = 0x0C
    static let UTRSTAT: UInt64 = 0x10
    static let UERSTAT: UInt64 = 0x14
    static let UFSTAT: UInt64 = 0x18
    static let UMSTAT: UInt64 = 0x1C
    static let UTXH: UInt64 = 0x20
    static let URXH: UInt64 = 0x24
    static let UBRDIV: UInt64 = 0x28
    static let UFRACVAL: UInt64 = 0x2C
    static let UINTP: UInt64 = 0x30
    static let UINTS: UInt64 = 0x34
    static let UINTM: UInt64 = 0x38
    /// UTRSTAT: transmit buffer empty (bit 1) and transmitter empty (bit 2).
    static let txEmpty: UInt64 = 0b110
    /// UINTP/UINTS/UINTM: the TXD interrupt is bit 2.
    static let txdInterrupt: UInt64 = 1 << 2

    public let name = "exynos-uart"
    let console: Console
    let irq: InterruptLine
    var ulcon: UInt64 = 0, ucon: UInt64 = 0, ufcon: UInt64 = 0, umcon: UInt64 = 0
    var ubrdiv: UInt64 = 0, ufracval: UInt64 = 0
    var uintp: UInt64 = 0
    var uintm: UInt64 = 0xF

    public init(console: Console, irq: InterruptLine = .unconnected()) {
        self.console = console
        self.irq = irq
    }

    private func updateIRQ() { irq.set(uintp & ~uintm != 0) }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard size <= 4 else { return nil }
        switch offset {
        case Self.ULCON: return ulcon
        case Self.UCON: return ucon
        case Self.UFCON: return ufcon
        case Self.UMCON: return umcon
        case Self.UTRSTAT: return Self.txEmpty
        case Self.UERSTAT, Self.UFSTAT, Self.UMSTAT, Self.URXH: return 0   // FIFOs empty, never full
        case Self.UBRDIV: return ubrdiv
        case Self.UFRACVAL: return ufracval
        case Self.UINTP: return uintp
        case Self.UINTS: return uintp & ~uintm
        case Self.UINTM: return uintm
        default: return nil
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size <= 4 else { return false }
        switch offset {
        case Self.ULCON: ulcon = value & 0x7F
        case Self.UCON: ucon = value & 0xFFFF
        case Self.UFCON: ufcon = value & 0xFF
        case Self.UMCON: umcon = value & 0xFF
        case Self.UTXH:
            console.put(UInt8(truncatingIfNeeded: value))
            uintp |= Self.txdInterrupt
        case Self.UBRDIV: ubrdiv = value & 0xFFFF
        case Self.UFRACVAL: ufracval = value & 0xF
        case Self.UINTP: uintp &= ~(value & 0xF)       // write 1 to clear
        case Self.UINTM: uintm = value & 0xF
        case Self.UTRSTAT, Self.UERSTAT, Self.UFSTAT, Self.UMSTAT, Self.URXH, Self.UINTS: break
        default: return false
        }
        updateIRQ()
        return true
    }
}
