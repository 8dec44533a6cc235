/// What an access is for: translation checks permissions against it and the syndrome reports it.
@frozen public struct AccessKind: OptionSet {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let write = AccessKind(rawValue: 1)
    public static let fetch = AccessKind(rawValue: 2)
    /// LDTR/STTR: checked as if at EL0 (ARM DDI 0487, C6.2 "unprivileged").
    public static let unprivileged = AccessKind(rawValue: 4)
    /// Exclusive or acquire/release: must be naturally aligned whatever SCTLR.A says (B2.5.2).
    public static let ordered = AccessKind(rawValue: 8)
    /// DC/AT style maintenance: reported with CM=1.
    public static let cacheMaintenance = AccessKind(rawValue: 16)
}
