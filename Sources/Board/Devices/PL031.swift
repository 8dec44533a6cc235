import Bus

/// ARM PrimeCell real-time clock (PL031, ARM DDI 0224), as QEMU's virt board offers it. Time is
/// virtual (docs/ARCHITECTURE.md, "Time and determinism"): the counter holds whatever was last
/// loaded and does not follow the host clock, so two runs read the same date. The match interrupt
/// never fires.
public final class PL031: BusDevice {
    public let name: String
    public static let windowSize: UInt64 = 0x1000

    // Register offsets, ARM DDI 0224, chapter 3 (programmer's model).
    static let RTCDR: UInt64 = 0x000    // data (current time), read-only
    static let RTCMR: UInt64 = 0x004    // match
    static let RTCLR: UInt64 = 0x008    // load
    static let RTCCR: UInt64 = 0x00C    // control: bit 0 starts the counter
    static let RTCIMSC: UInt64 = 0x010  // interrupt mask set/clear
    static let RTCRIS: UInt64 = 0x014   // raw interrupt status
    static let RTCMIS: UInt64 = 0x018   // masked interrupt status
    static let RTCICR: UInt64 = 0x01C   // interrupt clear

    /// PeriphID0-3 = 0x31, 0x10, 0x14, 0x00 (part 0x031, ARM), the values QEMU's pl031 reports.
    static let identification = PrimeCellID(periphID: [0x31, 0x10, 0x14, 0x00])

    private var counter: UInt32 = 0
    private var match: UInt32 = 0
    private var control: UInt32 = 1
    private var imsc: UInt32 = 0

    public init(name: String = "pl031") { self.name = name }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard let a = WordAccess(offset: offset, size: size) else { return nil }
        let value: UInt32
        switch a.register {
        case Self.RTCDR: value = counter
        case Self.RTCMR: value = match
        case Self.RTCLR: value = counter
        case Self.RTCCR: value = control
        case Self.RTCIMSC: value = imsc
        case Self.RTCRIS, Self.RTCMIS, Self.RTCICR: value = 0
        default:
            guard let id = Self.identification.read(register: a.register) else { return nil }
            value = id
        }
        return a.extract(value)
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard let a = WordAccess(offset: offset, size: size) else { return false }
        switch a.register {
        case Self.RTCMR: match = a.merge(value, into: match)
        case Self.RTCLR: counter = a.merge(value, into: counter)
        // Once started the RTC cannot be stopped; writing 0 has no effect (DDI 0224, RTCCR).
        case Self.RTCCR: control |= a.merge(value, into: 0) & 1
        case Self.RTCIMSC: imsc = a.merge(value, into: imsc) & 1
        case Self.RTCDR, Self.RTCRIS, Self.RTCMIS, Self.RTCICR: break
        default: return Self.identification.read(register: a.register) != nil
        }
        return true
    }
}
