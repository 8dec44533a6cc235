/// AArch32 state: processor modes, the banked registers and the CPSR (ARM DDI 0487, G1.9
/// "Processor mode" and G1.19 "The AArch32 general-purpose registers"). The AArch32 registers
/// are not stored apart: R0-R14 of every mode live in X0-X30 exactly as the Arm ARM's
/// "mapping of AArch32 registers to AArch64 registers" (D1.20.1) puts them, so an AArch64
/// EL2 sees a trapped guest's R12 in X12 and its SP_svc in X19, and a world switch between the
/// widths loses nothing.
public enum AArch32Mode: UInt8 {
    case usr = 0x10, fiq = 0x11, irq = 0x12, svc = 0x13, mon = 0x16, abt = 0x17, hyp = 0x1A, und = 0x1B, sys = 0x1F

    public var name: String {
        switch self {
        case .usr: return "usr"
        case .fiq: return "fiq"
        case .irq: return "irq"
        case .svc: return "svc"
        case .mon: return "mon"
        case .abt: return "abt"
        case .hyp: return "hyp"
        case .und: return "und"
        case .sys: return "sys"
        }
    }

    /// The exception level a mode runs at (no EL3 here, so Monitor mode does not exist).
    public var el: UInt8 {
        switch self {
        case .usr: return 0
        case .hyp: return 2
        case .mon: return 3
        default: return 1
        }
    }
}

/// CPSR bit positions (ARM DDI 0487, G1.9.3 "Program Status Registers").
public enum CPSR {
    public static let N: UInt32 = 1 << 31, Z: UInt32 = 1 << 30, C: UInt32 = 1 << 29, V: UInt32 = 1 << 28
    public static let Q: UInt32 = 1 << 27
    public static let J: UInt32 = 1 << 24
    public static let IL: UInt32 = 1 << 20
    public static let GEShift: UInt32 = 16
    public static let E: UInt32 = 1 << 9
    public static let A: UInt32 = 1 << 8, I: UInt32 = 1 << 7, F: UInt32 = 1 << 6
    public static let T: UInt32 = 1 << 5
    /// M[4] = 1: the SPSR describes AArch32 state (the same bit in every SPSR_ELx).
    public static let nRW: UInt32 = 1 << 4
    public static let modeMask: UInt32 = 0x1F
}

/// For each mode (indexed by M[3:0]), the X slot holding R0..R14 (D1.20.1). R15 is the PC.
enum BankedRegisters {
    static let table: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 * 16)
        for m in 0..<16 {
            for r in 0..<16 { t[m * 16 + r] = UInt8(min(r, 14)) }
        }
        func bank(_ m: AArch32Mode, sp: UInt8, lr: UInt8) {
            let row = Int(m.rawValue & 0xF) * 16
            t[row + 13] = sp
            t[row + 14] = lr
        }
        bank(.irq, sp: 17, lr: 16)
        bank(.svc, sp: 19, lr: 18)
        bank(.abt, sp: 21, lr: 20)
        bank(.und, sp: 23, lr: 22)
        // Hyp mode has its own SP; its LR is LR_usr (ELR_hyp holds the return address).
        bank(.hyp, sp: 15, lr: 14)
        let fiq = Int(AArch32Mode.fiq.rawValue & 0xF) * 16
        for r in 8...14 { t[fiq + r] = UInt8(16 + r) }   // R8_fiq..LR_fiq in X24..X30
        return t
    }()

    /// The row of `mode`.
    @inline(__always)
    static func row(_ mode: AArch32Mode) -> UnsafeMutablePointer<UInt8> { table + Int(mode.rawValue & 0xF) * 16 }
}

extension CPU {
    /// R[n] of the current mode, n < 15.
    @inline(__always)
    func r(_ n: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: x[Int(r32[Int(n & 15)])]) }

    /// Write R[n] of the current mode, n < 15. The upper half of the X register is zeroed, as
    /// the Arm ARM allows for a value written in AArch32 state.
    @inline(__always)
    func setR(_ n: UInt32, _ v: UInt32) { x[Int(r32[Int(n & 15)])] = UInt64(v) }

    /// R[n] of a given mode (banked MRS, LDM/STM with ^).
    func r(_ n: UInt32, mode: AArch32Mode) -> UInt32 {
        UInt32(truncatingIfNeeded: x[Int(BankedRegisters.row(mode)[Int(n & 15)])])
    }

    func setR(_ n: UInt32, mode: AArch32Mode, _ v: UInt32) { x[Int(BankedRegisters.row(mode)[Int(n & 15)])] = UInt64(v) }

    /// The CPSR as AArch32 reads it (MRS, and the SPSR written on exception entry).
    public var cpsr: UInt32 {
        var v = nzcv | (qFlag ? CPSR.Q : 0) | UInt32(ge32) << CPSR.GEShift | (daif & 0x1C0) | UInt32(mode32.rawValue)
        if thumb { v |= CPSR.T }
        if illegalState { v |= CPSR.IL }
        // IT[1:0] in bits 26:25, IT[7:2] in bits 15:10.
        v |= UInt32(itState & 3) << 25 | UInt32(itState >> 2) << 10
        return v
    }

    /// PSTATE from an AArch32 SPSR value (exception return, MSR CPSR with everything writable):
    /// mode, T, IT, flags, masks. The caller has checked that the mode is legal.
    func setCPSR(_ v: UInt32, mode m: AArch32Mode) {
        nzcv = v & 0xF000_0000
        qFlag = v & CPSR.Q != 0
        ge32 = UInt8((v >> CPSR.GEShift) & 0xF)
        daif = (daif & 0x200) | (v & 0x1C0)
        thumb = v & CPSR.T != 0
        // RestoredITBits: a condition with no mask is reserved, and A32 has no IT blocks; both
        // restore as zero.
        let it = UInt8((v >> 25) & 3) | UInt8((v >> 10) & 0x3F) << 2
        itState = (it & 0xF == 0 || !thumb) ? 0 : it
        setMode32(m)
    }

    /// Change the AArch32 mode, and with it the exception level when that changes.
    func setMode32(_ m: AArch32Mode) {
        mode32 = m
        let newEL = m.el
        if newEL != el {
            el = newEL
            updateTranslationRegime()
        }
    }

    /// EL1 runs in AArch32 state: HCR_EL2.RW = 0 with EL2, or a CPU booted in AArch32 without it.
    var el1IsAArch32: Bool {
        aarch32Only || (hasEL2 ? sysregs[SysReg.HCR_EL2] & HCR.RW == 0 : bootedAArch32)
    }

    /// EL2 is implemented and is Hyp mode (an AArch32-only core).
    var el2IsAArch32: Bool { aarch32Only && hasEL2 }

    /// Put the CPU in AArch32 state at `entry` in `mode`, MMU off, A/I/F masked (reset, or a
    /// boot loader handing over as Linux's arm/booting.rst asks: SVC mode, IRQ and FIQ masked).
    public func bootAArch32(entry: UInt32, mode m: AArch32Mode, thumb t: Bool = false, r0: UInt32 = 0, r1: UInt32 = 0,
                            r2: UInt32 = 0) {
        for i in 0..<Reg.slotCount { x[i] = 0 }
        spBank.initialize(repeating: 0, count: 3)
        bootedAArch32 = !hasEL2
        if hasEL2 { sysregs[SysReg.HCR_EL2] &= ~HCR.RW }
        // SCTLR as AArch32 resets it (G8.2.? SCTLR): the RES1 bits, nTWE and nTWI; AFE and TRE
        // clear (the AArch64 RES1 bits 29:28 would turn them on).
        sysregs[SysReg.SCTLR_EL1] = 0x00C5_0078
        // HSCTLR as Hyp mode resets it: its RES1 bits, MMU and caches off (G8.2.? HSCTLR).
        if el2IsAArch32 { sysregs[SysReg.SCTLR_EL2] = HypMode.hsctlrReset }
        aarch32 = true
        nzcv = 0
        daif = 0x3C0
        qFlag = false
        ge32 = 0
        itState = 0
        thumb = t
        illegalState = false
        spsel = 0        // AArch32 uses no AArch64 SP (see returnToAArch32)
        mode32 = m
        el = m.el
        pc = UInt64(entry)
        x[0] = UInt64(r0); x[1] = UInt64(r1); x[2] = UInt64(r2)
        updateTranslationRegime()
    }
}
