/// Self-hosted debug (ARM DDI 0487, chapter D2): the guest's own hardware breakpoints
/// (DBGBCR<n>_EL1/DBGBVR<n>_EL1), watchpoints (Watchpoints.swift) and software step
/// (SoftwareStep.swift), and gdb's hardware points (ExternalDebug.swift), which use the same
/// matching but stop the machine instead of raising an exception.
///
/// Cost: none while nothing is armed. `debugArmed` is recomputed when a debug register or gdb's
/// points change; while it is set, `attention` stays set, so every instruction takes the full
/// path (`step`), which checks breakpoints and the step state before executing. A watchpoint
/// sets `watchArmed` instead, which keeps the host TLB from serving data accesses, so each one
/// reaches `readMemory`/`writeMemory` (and the SIMD and DC ZVA paths) and their check. The finer conditions (EL, PSTATE.D,
/// KDE, privilege, context) are tested at the check, on that slow path.
extension CPU {
    /// Breakpoints and watchpoints (ID_AA64DFR0_EL1.BRPs = 5, WRPs = 3, CTX_CMPs = 1, as on
    /// the Cortex-A57): the last two breakpoints are the context-aware ones.
    public static let breakpointCount = 6
    public static let watchpointCount = 4
    static let firstContextBreakpoint = 4

    enum MDSCRBit {
        static let SS: UInt64 = 1 << 0
        static let KDE: UInt64 = 1 << 13
        static let MDE: UInt64 = 1 << 15
    }

    func bcr(_ n: Int) -> UInt64 { sysregs[SysReg.DBGBCR0_EL1.rawValue + n] }
    func bvr(_ n: Int) -> UInt64 { sysregs[SysReg.DBGBVR0_EL1.rawValue + n] }
    func wcr(_ n: Int) -> UInt64 { sysregs[SysReg.DBGWCR0_EL1.rawValue + n] }
    func wvr(_ n: Int) -> UInt64 { sysregs[SysReg.DBGWVR0_EL1.rawValue + n] }

    /// The OS lock (OSLSR_EL1.OSLK) or the OS double lock (OSDLR_EL1.DLK) is set: no
    /// breakpoint, watchpoint or step exception is generated (D2.4, D2.5).
    var debugLocked: Bool {
        sysregs[SysReg.OSLSR_EL1] & 2 != 0 || sysregs[SysReg.OSDLR_EL1] & 1 != 0
    }

    /// Recompute `debugArmed` and `watchArmed` after a debug register or gdb's points changed.
    /// Coarse on purpose: armed means "something could fire"; the check decides whether it does.
    public func updateDebugArmed() {
        let mdscr = sysregs[SysReg.MDSCR_EL1]
        var guestBreak = false, guestWatch = false, guestStep = false
        if !debugLocked {
            if mdscr & MDSCRBit.MDE != 0 {
                guestBreak = (0..<CPU.breakpointCount).contains { bcr($0) & 1 != 0 }
                guestWatch = (0..<CPU.watchpointCount).contains { wcr($0) & 1 != 0 }
            }
            guestStep = mdscr & MDSCRBit.SS != 0
        }
        let ext = externalDebug
        let watch = guestWatch || !ext.watchpoints.isEmpty
        if watch && !watchArmed { decodeCache.hostTLB(cpu: index).flush() }
        watchArmed = watch
        // Watchpoints alone need no per-instruction check: with the host TLB refusing pages,
        // every data access already takes the full path.
        debugArmed = guestBreak || guestStep || !ext.breakpoints.isEmpty
        if debugArmed { attention = true } else { pstateSS = false }
    }

    /// ELd, the EL debug exceptions go to: EL2 when MDCR_EL2.TDE or HCR_EL2.TGE routes them
    /// there, else EL1 (D2.3.1).
    var debugTargetEL: UInt8 {
        hasEL2 && (sysregs[SysReg.MDCR_EL2] & MDCR.TDE != 0 || sysregs[SysReg.HCR_EL2] & HCR.TGE != 0) ? 2 : 1
    }

    /// Debug exceptions (other than BRK) can be taken from the current EL (D2.1, table
    /// "Whether debug exceptions are enabled"): never from above ELd; at ELd only with
    /// MDSCR_EL1.KDE set and PSTATE.D clear; always from below it. The OS locks disable them.
    /// AArch32 code generates them only towards an AArch64 EL2 above it (a hypervisor debugging
    /// a 32-bit guest); an AArch32 ELd (the Cortex-A15, an AArch32 EL1) is not modelled.
    var debugExceptionsEnabled: Bool {
        if debugLocked { return false }
        let target = debugTargetEL
        if aarch32 { return target == 2 && el < 2 && !el2IsAArch32 }
        if el > target { return false }
        if el == target { return sysregs[SysReg.MDSCR_EL1] & MDSCRBit.KDE != 0 && daif & 0x200 == 0 }
        return true
    }

    /// The VMID EL0/EL1 run under, when EL2 gives them one (VTTBR_EL2.VMID, 8 bits); nil at EL2.
    public var currentVMID: UInt64? {
        guard hasEL2, el < 2 else { return nil }
        return (sysregs[SysReg.VTTBR_EL2] >> 48) & 0xFF
    }

    /// The privilege and security fields of a breakpoint or watchpoint control register
    /// (PMC/PAC bits 2:1, HMC bit 13, SSC bits 15:14) allow a match at the current EL
    /// (AArch64.StateMatch, with no EL3: the Non-secure state).
    func debugStateMatch(_ control: UInt64) -> Bool {
        let pmc = (control >> 1) & 3, hmc = (control >> 13) & 1, ssc = (control >> 14) & 3
        let securityMatch = ssc == 0 || ssc == 1 || (ssc == 3 && hmc == 1)
        guard securityMatch else { return false }
        switch el {
        case 2: return hasEL2 && ((hmc == 1 && (ssc << 2 | pmc) != 0b1000) || ssc == 3)
        case 1: return pmc & 1 != 0
        default: return pmc & 2 != 0
        }
    }

    /// The context comparison of context-aware breakpoint `n`: CONTEXTIDR_EL1 against
    /// DBGBVR<n>[31:0], the VMID against DBGBVR<n>[39:32], as its type asks.
    func contextMatches(_ n: Int, type bt: UInt64) -> Bool {
        guard n >= CPU.firstContextBreakpoint else { return false }
        let value = bvr(n)
        let wantsContext = bt & 0b0010 != 0, wantsVMID = bt & 0b1000 != 0
        if wantsContext && sysregs[SysReg.CONTEXTIDR_EL1] & 0xFFFF_FFFF != value & 0xFFFF_FFFF { return false }
        if wantsVMID {
            guard let vmid = currentVMID, vmid == (value >> 32) & 0xFF else { return false }
        }
        return true
    }

    /// A linked address breakpoint or watchpoint: breakpoint `lbn` must be an enabled
    /// context-aware one of a linked context type, and its context must match.
    func linkedContextMatches(_ lbn: Int) -> Bool {
        guard lbn < CPU.breakpointCount, lbn >= CPU.firstContextBreakpoint else { return false }
        let c = bcr(lbn)
        let bt = (c >> 20) & 0xF
        guard c & 1 != 0, bt == 0b0011 || bt == 0b1001 || bt == 0b1011 else { return false }
        return contextMatches(lbn, type: bt)
    }

    /// Breakpoint `n` matches the instruction at `pc` (AArch64.BreakpointMatch). Address
    /// types compare VA bits 48:2 with DBGBVR and use the BAS bit of the halfword (AArch32
    /// T32 code fetches halfwords: BAS 0b0011 the first, 0b1100 the second).
    func breakpointMatches(_ n: Int, pc: UInt64) -> Bool {
        let c = bcr(n)
        guard c & 1 != 0, debugStateMatch(c) else { return false }
        let bt = (c >> 20) & 0xF
        func addressMatch() -> Bool {
            let mask: UInt64 = aarch32 ? 0xFFFF_FFFC : 0x0001_FFFF_FFFF_FFFC
            let bas = (c >> 5) & 0xF
            return (pc ^ bvr(n)) & mask == 0 && bas >> (pc & 3) & 1 != 0
        }
        switch bt {
        case 0b0000: return addressMatch()
        case 0b0001: return addressMatch() && linkedContextMatches(Int((c >> 16) & 0xF))
        case 0b0010, 0b1000, 0b1010: return contextMatches(n, type: bt)
        default: return false   // linked context types match only through a link; others reserved
        }
    }

    /// A guest breakpoint fires for the instruction at `pc`.
    func guestBreakpointHit(_ pc: UInt64) -> Bool {
        guard sysregs[SysReg.MDSCR_EL1] & MDSCRBit.MDE != 0, debugExceptionsEnabled else { return false }
        for n in 0..<CPU.breakpointCount where breakpointMatches(n, pc: pc) { return true }
        return false
    }

    /// The AArch32 loop's check before an instruction while armed (A64 has `stepWithDebugEvents`):
    /// nil to run it; false when gdb's breakpoint stops the machine, true when a Breakpoint
    /// exception was taken instead (it counts as the instruction, as every exception does).
    func debugBeforeInstruction32() -> Bool? {
        if externalDebug.breakpointHit(pc, cpu: self) {
            requestStop(.debugEvent)
            return false
        }
        guard guestBreakpointHit(pc) else { return nil }
        nextPC = pc
        takeException(ArchException(.breakpoint, far: pc, targetEL: debugTargetEL))
        pc = nextPC
        instret &+= 1
        return true
    }

    /// Reads and writes as a debugger: no watchpoint or breakpoint fires meanwhile.
    public func withoutDebugEvents<T>(_ body: () throws -> T) rethrows -> T {
        let (armed, watch) = (debugArmed, watchArmed)
        debugArmed = false
        watchArmed = false
        defer { debugArmed = armed; watchArmed = watch }
        return try body()
    }
}
