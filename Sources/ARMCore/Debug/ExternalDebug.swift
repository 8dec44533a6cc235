/// gdb's hardware breakpoints and watchpoints on one CPU (Z0-Z4 of gdb's remote protocol),
/// kept apart from the guest's DBGBCR/DBGWCR so that neither disturbs the other. A hit does
/// not raise a guest exception: it stops the machine (`StopReason.debugEvent`) and is recorded
/// in `hit` for the stop reply. Optional filters restrict the points to one EL or one VMID
/// (`monitor break-el`, `monitor break-vmid`).
public final class ExternalDebugPoints {
    public enum WatchKind: Equatable { case write, read, access }
    public struct Watch: Equatable {
        public var address: UInt64
        public var length: UInt64
        public var kind: WatchKind
        public init(address: UInt64, length: UInt64, kind: WatchKind) {
            self.address = address; self.length = length; self.kind = kind
        }
    }
    public enum Hit: Equatable {
        case breakpoint
        case watch(WatchKind, address: UInt64)
    }

    /// Addresses where execution stops before the instruction runs.
    public var breakpoints: Set<UInt64> = []
    public var watchpoints: [Watch] = []
    /// Only stop at this EL / under this VMID (nil: any).
    public var onlyEL: UInt8?
    public var onlyVMID: UInt64?
    /// The PC execution resumes from: its breakpoint is stepped over once.
    public var skipOnce: UInt64?
    /// What stopped the machine last.
    public var hit: Hit?

    public init() {}

    /// The filters let a point fire on `cpu` now.
    func filtersPass(_ cpu: CPU) -> Bool {
        if let e = onlyEL, cpu.el != e { return false }
        if let v = onlyVMID, cpu.currentVMID != v { return false }
        return true
    }

    func breakpointHit(_ pc: UInt64, cpu: CPU) -> Bool {
        if let s = skipOnce {
            skipOnce = nil
            if s == pc { return false }
        }
        guard !breakpoints.isEmpty, breakpoints.contains(pc), filtersPass(cpu) else { return false }
        hit = .breakpoint
        return true
    }

    func watchHit(_ va: UInt64, size: Int, write: Bool, cpu: CPU) -> Hit? {
        let last = va &+ UInt64(size &- 1)
        for w in watchpoints {
            switch w.kind {
            case .write: if !write { continue }
            case .read: if write { continue }
            case .access: break
            }
            guard va <= w.address &+ (w.length &- 1), last >= w.address, filtersPass(cpu) else { continue }
            return .watch(w.kind, address: max(va, w.address))
        }
        return nil
    }
}
