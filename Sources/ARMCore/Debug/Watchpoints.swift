/// Watchpoints (ARM DDI 0487, D2.10): DBGWCR<n>_EL1 (E, PAC, LSC, BAS, HMC, SSC, LBN, WT,
/// MASK) and DBGWVR<n>_EL1. Checked by `readMemory` and `writeMemory` while `watchArmed`,
/// before the access takes effect, for the guest's and for gdb's (ExternalDebug.swift).
extension CPU {
    /// Watchpoint `n` matches an access of `size` bytes at `va`.
    func watchpointMatches(_ n: Int, va: UInt64, size: Int, write: Bool) -> Bool {
        let c = wcr(n)
        guard c & 1 != 0 else { return false }
        let lsc = (c >> 3) & 3   // bit 0: loads, bit 1: stores
        guard lsc & (write ? 2 : 1) != 0, debugStateMatch(c) else { return false }
        if c & (1 << 20) != 0 && !linkedContextMatches(Int((c >> 16) & 0xF)) { return false }
        let value = wvr(n)
        let last = va &+ UInt64(size &- 1)
        let mask = (c >> 24) & 0x1F
        if mask != 0 {
            // A power-of-two range of 2^MASK bytes (1 and 2 are reserved: no match).
            guard mask >= 3 else { return false }
            let low = value & ~((1 << mask) &- 1)
            return va <= low &+ ((1 << mask) &- 1) && last >= low
        }
        // Byte lanes of the doubleword at DBGWVR (or, with DBGWVR[2] set, of its upper word).
        var bas = (c >> 5) & 0xFF
        var base = value & ~7
        if value & 4 != 0 { bas &= 0xF; base = value & ~3 }
        var a = va
        while true {
            let off = a &- base
            if off < 8 && bas >> off & 1 != 0 { return true }
            if a == last { return false }
            a &+= 1
        }
    }

    /// Before an access: gdb's watchpoints record a hit and stop the machine after the
    /// instruction (the access completes, as under QEMU); the guest's raise a Watchpoint
    /// exception with FAR = the address (ESR: WnR, DFSC 0b100010), the access not made.
    func checkWatchpoints(_ va: UInt64, size: Int, write: Bool) throws(ArchException) {
        if !externalDebug.watchpoints.isEmpty, let hit = externalDebug.watchHit(va, size: size, write: write, cpu: self) {
            externalDebug.hit = hit
            requestStop(.debugEvent)
        }
        guard sysregs[SysReg.MDSCR_EL1] & MDSCRBit.MDE != 0, debugExceptionsEnabled else { return }
        for n in 0..<CPU.watchpointCount where watchpointMatches(n, va: va, size: size, write: write) {
            throw ArchException(.watchpoint(write: write, cacheMaintenance: false), far: va, targetEL: debugTargetEL)
        }
    }
}
