import ARMCore

/// The system registers gdb is shown beside the core and FP/SIMD sets: one more feature of
/// the target description, its registers in group "system" (gdb's `info registers system`).
/// They lie past the `g` packet, so gdb fetches each with `p` only when asked (a step's
/// register read stays small) and writes it with `P`. Reads are side-effect free
/// (`CPU.debuggerSysReg`).
struct GDBSystemRegister {
    let name: String
    let reg: SysReg
    /// An AArch32 view is 32 bits of the AArch64 register (IFAR is FAR_EL1[63:32]); 64-bit
    /// views (TTBR0, HTTBR, VTTBR) are the whole register.
    let part: AArch32View.Part

    var bytes: Int { part == .whole ? 8 : 4 }

    func read(_ cpu: CPU) -> UInt64 {
        let v = cpu.debuggerSysReg(reg) ?? 0
        switch part {
        case .whole: return v
        case .low: return v & 0xFFFF_FFFF
        case .high: return v >> 32
        }
    }

    /// Writes only this view's bits of the register; false if the register is not writable.
    func write(_ cpu: CPU, _ value: UInt64) -> Bool {
        guard let old = cpu.debuggerSysReg(reg) else { return false }
        let new: UInt64
        switch part {
        case .whole: new = value
        case .low: new = old & 0xFFFF_FFFF_0000_0000 | value & 0xFFFF_FFFF
        case .high: new = old & 0xFFFF_FFFF | value << 32
        }
        return cpu.debuggerSetSysReg(reg, new)
    }

    /// EL1 and EL2 state a hypervisor developer looks at, by its AArch64 name.
    static let aarch64: [GDBSystemRegister] = ([
        .CurrentEL, .DAIF, .SPSel, .SP_EL0, .SP_EL1,
        .SCTLR_EL1, .TTBR0_EL1, .TTBR1_EL1, .TCR_EL1, .MAIR_EL1, .VBAR_EL1, .ESR_EL1, .FAR_EL1,
        .PAR_EL1, .ELR_EL1, .SPSR_EL1, .CPACR_EL1, .CONTEXTIDR_EL1, .TPIDR_EL1, .TPIDR_EL0,
        .CNTKCTL_EL1, .MIDR_EL1, .MPIDR_EL1,
        .HCR_EL2, .SCTLR_EL2, .TCR_EL2, .TTBR0_EL2, .MAIR_EL2, .VTTBR_EL2, .VTCR_EL2, .VBAR_EL2,
        .ESR_EL2, .FAR_EL2, .HPFAR_EL2, .ELR_EL2, .SPSR_EL2, .CPTR_EL2, .MDCR_EL2, .HSTR_EL2,
        .CNTHCTL_EL2, .CNTVOFF_EL2, .VPIDR_EL2, .VMPIDR_EL2, .TPIDR_EL2,
    ] as [SysReg]).map { GDBSystemRegister(name: String(describing: $0), reg: $0, part: .whole) }

    /// The CP15 views of the same state for an AArch32 guest, with the Hyp-mode registers of
    /// the Cortex-A15 (ARM DDI 0487, G8; the AArch64 registers they are, D1.20.2).
    static let arm: [GDBSystemRegister] = ([
        ("SCTLR", .SCTLR_EL1, .low), ("TTBCR", .TCR_EL1, .low), ("TTBR0", .TTBR0_EL1, .whole),
        ("TTBR1", .TTBR1_EL1, .whole), ("DACR", .DACR32_EL2, .low), ("DFSR", .ESR_EL1, .low),
        ("IFSR", .IFSR32_EL2, .low), ("DFAR", .FAR_EL1, .low), ("IFAR", .FAR_EL1, .high),
        ("VBAR", .VBAR_EL1, .low), ("CONTEXTIDR", .CONTEXTIDR_EL1, .low),
        ("HSCTLR", .SCTLR_EL2, .low), ("HCR", .HCR_EL2, .low), ("HSR", .ESR_EL2, .low),
        ("HVBAR", .VBAR_EL2, .low), ("HTCR", .TCR_EL2, .low), ("HTTBR", .TTBR0_EL2, .whole),
        ("VTCR", .VTCR_EL2, .low), ("VTTBR", .VTTBR_EL2, .whole), ("HDFAR", .FAR_EL2, .low),
        ("HIFAR", .FAR_EL2, .high), ("HPFAR", .HPFAR_EL2, .low),
        ("ELR_hyp", .ELR_EL2, .low), ("SPSR_hyp", .SPSR_EL2, .low),
    ] as [(String, SysReg, AArch32View.Part)]).map { GDBSystemRegister(name: $0.0, reg: $0.1, part: $0.2) }

    /// The feature's XML, numbering its registers from `first` (right after the `g` set).
    static func feature(_ regs: [GDBSystemRegister], architecture: String, first: Int) -> String {
        var x = "<feature name=\"org.armvm.gdb.\(architecture).sysregs\">"
        for (i, r) in regs.enumerated() {
            x += "<reg name=\"\(r.name)\" bitsize=\"\(8 * r.bytes)\" type=\"uint\(8 * r.bytes)\" regnum=\"\(first + i)\" group=\"system\"/>"
        }
        return x + "</feature>"
    }
}

/// System registers for a debugger: reads without MRS's access checks, traps or provider
/// hooks, so that looking never changes the machine (an MRS of ICC_IAR1_EL1 acknowledges an
/// interrupt; a trapped one raises an exception). Built on ARMCore's public state, so the
/// CPU module need not change for it.
extension CPU {
    /// Register `r`'s value as the core holds it; nil for a register another module provides
    /// (timers, GIC CPU interface), whose reads are that module's business.
    func debuggerSysReg(_ r: SysReg) -> UInt64? {
        guard r.provider == .core else { return nil }
        return processorStateRegister(r) ?? sysregs[r]
    }

    /// Writes `r` as MSR would (so the translation regime and interrupt state follow), without
    /// access checks. False for what a debugger may not write: CurrentEL (the mode belongs to
    /// the guest) and registers another module provides.
    func debuggerSetSysReg(_ r: SysReg, _ value: UInt64) -> Bool {
        guard r.provider == .core, r != .CurrentEL else { return false }
        writeSysReg(r, value)
        return true
    }
}
