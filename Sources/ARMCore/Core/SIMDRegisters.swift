/// The SIMD&FP register file V0..V31 (ARM DDI 0487, C1.2.5, "SIMD and floating-point
/// registers") and the check every FP/SIMD instruction makes before touching it.
///
/// Each register is 16 bytes in `CPU.v`, lane 0 at the lowest address (little-endian, as the
/// guest's memory image of a Q register). Writing a scalar B/H/S/D register, or a 64-bit vector,
/// zeroes the rest of the 128 bits (C1.2.5: "the unused upper bits are cleared to zero").
extension CPU {
    /// Base of register `n` (0...31).
    @inlinable @inline(__always)
    public func vreg(_ n: UInt8) -> UnsafeMutableRawPointer { v + Int(n & 31) &* 16 }

    /// Low and high 64 bits of Vn.
    @inlinable @inline(__always)
    public func vLow(_ n: UInt8) -> UInt64 { vreg(n).load(as: UInt64.self) }
    @inlinable @inline(__always)
    public func vHigh(_ n: UInt8) -> UInt64 { vreg(n).load(fromByteOffset: 8, as: UInt64.self) }

    /// Write all 128 bits of Vn.
    @inlinable @inline(__always)
    public func setV(_ n: UInt8, low: UInt64, high: UInt64) {
        let p = vreg(n)
        p.storeBytes(of: low, as: UInt64.self)
        p.storeBytes(of: high, toByteOffset: 8, as: UInt64.self)
    }

    /// The low `8 << sizeLog2` bits of Vn (B, H, S, D for sizeLog2 0...3), zero-extended.
    @inlinable @inline(__always)
    public func vScalar(_ n: UInt8, sizeLog2: UInt8) -> UInt64 {
        let low = vLow(n)
        return sizeLog2 >= 3 ? low : low & ((1 << (8 << UInt64(sizeLog2))) &- 1)
    }

    /// Write a B/H/S/D scalar to Vn, clearing the other bits of the register.
    @inlinable @inline(__always)
    public func setVScalar(_ n: UInt8, _ value: UInt64, sizeLog2: UInt8) {
        let masked = sizeLog2 >= 3 ? value : value & ((1 << (8 << UInt64(sizeLog2))) &- 1)
        setV(n, low: masked, high: 0)
    }

    /// FPCR and FPSR, kept in the system-register file (MRS/MSR reach them there).
    @inlinable public var fpcr: UInt64 {
        get { sysregs[SysReg.FPCR] }
        set { sysregs[SysReg.FPCR] = newValue }
    }
    @inlinable public var fpsr: UInt64 {
        get { sysregs[SysReg.FPSR] }
        set { sysregs[SysReg.FPSR] = newValue }
    }

    /// The FP/SIMD access check made by every FP and Advanced SIMD instruction, including their
    /// loads and stores and MRS/MSR of FPCR/FPSR (ARM DDI 0487, D1.13.3 and the pseudocode
    /// CheckFPAdvSIMDEnabled64): CPACR_EL1.FPEN traps EL0/EL1 to EL1 and has priority over
    /// CPTR_EL2.TFP, which traps EL0-EL2 to EL2. With HCR_EL2.TGE set, CPACR_EL1 does not apply
    /// to EL0 (EL1 is not in use). The syndrome is EC 0x07 with CV=1, COND=0b1110.
    @inline(__always)
    public func checkFPEnabled() throws(ArchException) {
        // Fast path: FPEN = 0b11 and TFP clear, the state every FP-using guest runs in.
        let cpacr = sysregs[SysReg.CPACR_EL1]
        if cpacr & (3 << 20) == 3 << 20 && (!hasEL2 || sysregs[SysReg.CPTR_EL2] & (1 << 10) == 0) { return }
        try checkFPEnabledSlow()
    }

    @inline(never)
    func checkFPEnabledSlow() throws(ArchException) {
        if el <= 1 {
            let tge = hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TGE != 0
            if !(el == 0 && tge) {
                let fpen = (sysregs[SysReg.CPACR_EL1] >> 20) & 3
                let trapped = fpen == 0 || fpen == 2 || (fpen == 1 && el == 0)
                if trapped { throw ArchException(.fpAccessTrap, targetEL: 1) }
            }
        }
        if hasEL2 && el <= 2 && sysregs[SysReg.CPTR_EL2] & (1 << 10) != 0 {
            throw ArchException(.fpAccessTrap, targetEL: 2)
        }
    }
}
