/// What a debugger outside ARMCore reads and writes of an AArch32 CPU, in AArch32 terms: the
/// current mode's R0-R14, D0-D31 and FPSCR (gdb's arm core and VFP registers). The AArch64
/// view (X0-X30, V0-V31) stays available through `x` and `vLow`/`vHigh`.
extension CPU {
    /// The CPU started in AArch32 and its EL1 stays AArch32: a debugger should show the arm view.
    public var startedInAArch32: Bool { bootedAArch32 }

    /// R[n] of the current mode, n in 0...14.
    public func debuggerR(_ n: Int) -> UInt32 { r(UInt32(n)) }

    public func debuggerSetR(_ n: Int, _ value: UInt32) { setR(UInt32(n), value) }

    /// D[n], n in 0...31: the low (even n) or high (odd n) half of V[n/2].
    public func debuggerD(_ n: Int) -> UInt64 { dreg(UInt32(n & 31)) }

    public func debuggerSetD(_ n: Int, _ value: UInt64) { setDreg(UInt32(n & 31), value) }

    /// FPSCR: FPSR's flags and FPCR's controls, as VMRS reads them.
    public var debuggerFPSCR: UInt32 {
        get { fpscr }
        set { setFPSCR(newValue) }
    }
}
