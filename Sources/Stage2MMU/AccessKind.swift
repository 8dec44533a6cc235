/// What an access is for: translation checks permissions against it and the syndrome reports it.
@frozen public struct AccessKind: OptionSet {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static var write: AccessKind { AccessKind(rawValue: 1) }
    @inlinable public static var fetch: AccessKind { AccessKind(rawValue: 2) }
    /// LDTR/STTR: checked as if at EL0 (ARM DDI 0487, C6.2 "unprivileged").
    @inlinable public static var unprivileged: AccessKind { AccessKind(rawValue: 4) }
    /// Exclusive or acquire/release: must be naturally aligned whatever SCTLR.A says (B2.5.2).
    @inlinable public static var ordered: AccessKind { AccessKind(rawValue: 8) }
    /// DC/AT style maintenance: reported with CM=1.
    @inlinable public static var cacheMaintenance: AccessKind { AccessKind(rawValue: 16) }
}
