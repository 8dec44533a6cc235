// ARMCore owns the CPU: architectural state, decoders, executors per encoding group, the
// exception model, the system-register table and PSTATE. It knows no board: memory is reached
// through Bus, translation through Stage2MMU, firmware and devices through small protocols.

/// Register numbers in a decoded instruction are slots in `CPU.x`, already resolved for what
/// register 31 means in that operand (ARM DDI 0487, C1.2.5), so execution never branches on it.
public enum Reg {
    /// Slot that always reads zero (XZR/WZR as a source).
    public static let zr: UInt8 = 31
    /// Slot holding the stack pointer of the current exception level and SPSel.
    public static let sp: UInt8 = 32
    /// Slot that absorbs writes to XZR/WZR.
    public static let discard: UInt8 = 33
    public static let slotCount = 34

    /// Field value as a source where 31 means the zero register.
    @inlinable @inline(__always) public static func src(_ r: UInt32) -> UInt8 { UInt8(r & 31) }
    /// Field value as a destination where 31 means the zero register.
    @inlinable @inline(__always) public static func dst(_ r: UInt32) -> UInt8 { r & 31 == 31 ? discard : UInt8(r & 31) }
    /// Field value where 31 means SP (source or destination).
    @inlinable @inline(__always) public static func spOr(_ r: UInt32) -> UInt8 { r & 31 == 31 ? sp : UInt8(r & 31) }

    /// Register name for traces, given an encoded field value and whether 31 is SP.
    public static func name(_ slot: UInt8, wide: Bool = true) -> String {
        switch slot {
        case zr, discard: return wide ? "xzr" : "wzr"
        case sp: return wide ? "sp" : "wsp"
        default: return (wide ? "x" : "w") + String(slot)
        }
    }
}
