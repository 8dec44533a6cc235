// Access permissions of both stages and the check of one access against them
// (ARM DDI 0487, D8.4 "Memory access control"; pseudocode AArch64.CheckPermission and
// AArch64.CheckS2Permission, ARMv8.0: no PAN, no EPAN, no FEAT_XNX).

/// Stage-1 permissions, already combining AP[2:1], UXN/PXN, the table controls APTable,
/// UXNTable/XNTable and PXNTable, and SCTLR_ELx.WXN.
@frozen public struct Permissions: OptionSet, Equatable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let el0Read = Permissions(rawValue: 1)
    public static let el0Write = Permissions(rawValue: 2)
    public static let el0Execute = Permissions(rawValue: 4)
    /// EL1 in the EL1&0 regime, EL2 in the EL2 regime.
    public static let privilegedRead = Permissions(rawValue: 8)
    public static let privilegedWrite = Permissions(rawValue: 16)
    public static let privilegedExecute = Permissions(rawValue: 32)
    public static let all: Permissions = [.el0Read, .el0Write, .el0Execute,
                                          .privilegedRead, .privilegedWrite, .privilegedExecute]

    /// Stage-1 permissions of a leaf descriptor in a regime with EL0 and EL1 (D8.4.1, D8.4.2).
    /// `ap` is AP[2:1] after APTable, `uxn`/`pxn` after UXNTable/PXNTable.
    /// `userWritableIsPXN`: AArch64's rule that EL0-writable memory never executes at EL1;
    /// AArch32 has it only with SCTLR.UWXN, which armvm does not model.
    @inlinable public static func twoLevel(ap: UInt8, uxn: Bool, pxn: Bool, wxn: Bool,
                                           userWritableIsPXN: Bool = true) -> Permissions {
        let privWrite = ap & 0b10 == 0
        let el0Read = ap & 0b01 != 0
        let el0Write = ap == 0b01
        var p: Permissions = [.privilegedRead]
        if privWrite { p.insert(.privilegedWrite) }
        if el0Read { p.insert(.el0Read) }
        if el0Write { p.insert(.el0Write) }
        if !(uxn || (el0Write && wxn)) { p.insert(.el0Execute) }
        // Memory writable at EL0 is never executable at EL1 (D8.4.2, "priv_xn ... || user_w").
        if !(pxn || (privWrite && wxn) || (el0Write && userWritableIsPXN)) { p.insert(.privilegedExecute) }
        return p
    }

    /// Stage-1 permissions in the EL2 regime: one privilege level, AP[1] is ignored, so is PXN.
    @inlinable public static func singleLevel(ap: UInt8, xn: Bool, wxn: Bool) -> Permissions {
        let write = ap & 0b10 == 0
        var p: Permissions = [.privilegedRead]
        if write { p.insert(.privilegedWrite) }
        if !(xn || (write && wxn)) { p.insert(.privilegedExecute) }
        return p
    }

    public var description: String {
        func part(_ r: Permissions, _ w: Permissions, _ x: Permissions) -> String {
            (contains(r) ? "r" : "-") + (contains(w) ? "w" : "-") + (contains(x) ? "x" : "-")
        }
        return "EL0 " + part(.el0Read, .el0Write, .el0Execute)
            + " priv " + part(.privilegedRead, .privilegedWrite, .privilegedExecute)
    }
}

/// Stage-2 permissions: S2AP and XN (D8.4.4).
@frozen public struct Stage2Permissions: OptionSet, Equatable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = Stage2Permissions(rawValue: 1)
    public static let write = Stage2Permissions(rawValue: 2)
    public static let execute = Stage2Permissions(rawValue: 4)
    public static let all: Stage2Permissions = [.read, .write, .execute]

    /// From S2AP (bit 0 read, bit 1 write) and XN.
    @inlinable public init(s2ap: UInt8, xn: Bool) {
        var r: UInt8 = 0
        if s2ap & 1 != 0 { r |= 1 }
        if s2ap & 2 != 0 { r |= 2 }
        if !xn { r |= 4 }
        self.init(rawValue: r)
    }

    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-") + (contains(.execute) ? "x" : "-")
    }
}

extension TranslationResult {
    /// Checks one access against both stages. Returns the permission fault to raise, or nil.
    ///
    /// `el` is the Exception level of the access. At EL1, `.unprivileged` (LDTR/STTR) is checked
    /// against EL0's rights; at EL2 it is an ordinary access. Instruction fetches need execute
    /// rights only; writes need write rights; cache maintenance by VA (`.cacheMaintenance`
    /// without `.write`) cannot fault on permissions above EL0 (pseudocode "AccType_DC",
    /// DC IVAC is passed as a write); everything else needs read rights.
    /// A stage-1 denial is a stage-1 fault at the stage-1 level; a stage-2 denial is a
    /// stage-2 fault at the stage-2 level with the IPA for HPFAR_EL2.
    @inlinable public func permissionFault(for access: AccessKind, el: UInt8) -> FaultRecord? {
        let fetch = access.contains(.fetch)
        let write = access.contains(.write)
        let exempt = !fetch && !write && el != 0 && access.contains(.cacheMaintenance)
        if !exempt {
            let asEL0 = el == 0 || (el == 1 && access.contains(.unprivileged))
            let needed: Permissions
            if fetch {
                needed = asEL0 ? .el0Execute : .privilegedExecute
            } else if write {
                needed = asEL0 ? .el0Write : .privilegedWrite
            } else {
                needed = asEL0 ? .el0Read : .privilegedRead
            }
            if !permissions.contains(needed) {
                return FaultRecord(kind: .permission, level: level)
            }
            if hasStage2 {
                let s2: Stage2Permissions = fetch ? .execute : write ? .write : .read
                if !stage2Permissions.contains(s2) {
                    return FaultRecord(kind: .permission, level: stage2Level, secondStage: true,
                                       ipa: intermediatePhysicalAddress)
                }
            }
        }
        return nil
    }
}
