/// Asynchronous exceptions: physical IRQ/FIQ from the interrupt controller, virtual IRQ/FIQ
/// (HCR_EL2.VI/VF and the GIC's virtual CPU interface) and virtual SError (HCR_EL2.VSE), taken
/// at instruction boundaries (ARM DDI 0487, D1.14 "Asynchronous exception types, routing,
/// masking and priorities"). There is no EL3 and HCR_EL2.E2H is 0.
extension CPU {
    /// An interrupt ready to be taken now: its kind and the EL it goes to.
    struct PendingInterrupt: Equatable {
        var vector: VectorKind
        var target: UInt8
        var isVirtualSError: Bool
    }

    /// Where a physical interrupt goes and whether PSTATE masks it (D1.14.2, tables D1-15/D1-16):
    /// routed to EL2 (HCR_EL2.IMO/FMO/AMO or TGE) it is taken from EL0/EL1 whatever PSTATE says,
    /// and at EL2 when unmasked; routed to EL1 it is never taken at EL2.
    @inline(__always)
    private func physical(_ vector: VectorKind, routeBit: UInt64, maskBit: UInt32, hcr: UInt64,
                          daif: UInt32) -> PendingInterrupt? {
        let toEL2 = hasEL2 && hcr & (routeBit | HCR.TGE) != 0
        let masked = daif & maskBit != 0
        if toEL2 {
            if el < 2 || !masked { return PendingInterrupt(vector: vector, target: 2, isVirtualSError: false) }
            return nil
        }
        if el <= 1 && !masked { return PendingInterrupt(vector: vector, target: 1, isVirtualSError: false) }
        return nil
    }

    /// Virtual interrupts exist only while the physical one is routed to EL2 and TGE is clear,
    /// are taken at EL0/EL1 only, and are masked by PSTATE (D1.14.4).
    @inline(__always)
    private func virtualEnabled(routeBit: UInt64, hcr: UInt64) -> Bool {
        hasEL2 && el <= 1 && hcr & routeBit != 0 && hcr & HCR.TGE == 0
    }

    /// The interrupt to take at this boundary, if any. SError first, then FIQ, then IRQ, physical
    /// before virtual (the architecture leaves the order between pending asynchronous exceptions
    /// to the implementation; this is QEMU's order too). `ignoringPSTATE` asks what would be taken
    /// if PSTATE.{A,I,F} were clear: the WFI wake-up test.
    func pendingInterrupt(ignoringPSTATE: Bool = false) -> PendingInterrupt? {
        let hcr = hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        let inputs = interruptInputs
        let daif = ignoringPSTATE ? 0 : self.daif
        if hcr & HCR.VSE != 0 && virtualEnabled(routeBit: HCR.AMO, hcr: hcr) && daif & DAIFBit.A == 0 {
            return PendingInterrupt(vector: .serror, target: 1, isVirtualSError: true)
        }
        if inputs.contains(.fiq), let p = physical(.fiq, routeBit: HCR.FMO, maskBit: DAIFBit.F, hcr: hcr, daif: daif) { return p }
        if inputs.contains(.irq), let p = physical(.irq, routeBit: HCR.IMO, maskBit: DAIFBit.I, hcr: hcr, daif: daif) { return p }
        if (hcr & HCR.VF != 0 || inputs.contains(.vfiq)) && virtualEnabled(routeBit: HCR.FMO, hcr: hcr)
            && daif & DAIFBit.F == 0 {
            return PendingInterrupt(vector: .fiq, target: 1, isVirtualSError: false)
        }
        if (hcr & HCR.VI != 0 || inputs.contains(.virq)) && virtualEnabled(routeBit: HCR.IMO, hcr: hcr)
            && daif & DAIFBit.I == 0 {
            return PendingInterrupt(vector: .irq, target: 1, isVirtualSError: false)
        }
        return nil
    }

    /// A WFI/WFE wake-up event (D1.16.2): any interrupt that would be taken if PSTATE did not mask
    /// it. An interrupt routed to EL1 does not wake EL2.
    func hasWakeUpEvent() -> Bool {
        let hcr = hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        if interruptInputs.isEmpty && hcr & (HCR.VI | HCR.VF | HCR.VSE) == 0 { return false }
        return pendingInterrupt(ignoringPSTATE: true) != nil
    }

    /// Take `p`: ELR is the instruction not yet executed (D1.10.2 preferred return address for
    /// asynchronous exceptions). A virtual SError writes ESR_EL1 (EC 0x2F, ISS 0 without RAS)
    /// and is consumed: HCR_EL2.VSE clears (D13.2.48).
    func takeInterrupt(_ p: PendingInterrupt) {
        var syndrome: Syndrome? = nil
        if p.isVirtualSError {
            let s = Syndrome(.serror)
            // An AArch32 EL1 takes it as an asynchronous Data Abort: DFSR (ESR_EL1[31:0]) says
            // "asynchronous external abort", FS 0b10110 in the short format, STATUS 0b010001
            // with LPAE (G8.2.? DFSR).
            sysregs[SysReg.ESR_EL1] = el1IsAArch32 ? (longDescriptorFormat ? 0x211 : 0x406) : s.esr
            sysregs[SysReg.HCR_EL2] &= ~HCR.VSE
            syndrome = s
        }
        let kind: ExceptionEvent.Kind = p.vector == .irq ? .irq : p.vector == .fiq ? .fiq : .serror
        nextPC = pc
        enterException(target: p.target, vector: p.vector, returnAddress: pc, kind: kind,
                       syndrome: syndrome, far: nil, ipa: nil)
        lastExceptionInstret = .max   // an interrupt is progress, not a fault loop
        pc = nextPC
        waiting = false
    }
}

/// PSTATE.{D,A,I,F} in the bit positions `CPU.daif` keeps them (those of DAIF and SPSR).
public enum DAIFBit {
    public static let D: UInt32 = 1 << 9
    public static let A: UInt32 = 1 << 8
    public static let I: UInt32 = 1 << 7
    public static let F: UInt32 = 1 << 6
}

extension CPU {
    /// ISR_EL1 (D13.2.63): A, I, F pending. Where HCR_EL2.AMO/IMO/FMO route the physical
    /// interrupt to EL2, EL1 sees the virtual one instead.
    func interruptStatus() -> UInt64 {
        let hcr = hasEL2 ? sysregs[SysReg.HCR_EL2] : 0
        let inputs = interruptInputs
        let useVirtual = el < 2
        var r: UInt64 = 0
        if useVirtual && hcr & HCR.IMO != 0 {
            if hcr & HCR.VI != 0 || inputs.contains(.virq) { r |= 1 << 7 }
        } else if inputs.contains(.irq) { r |= 1 << 7 }
        if useVirtual && hcr & HCR.FMO != 0 {
            if hcr & HCR.VF != 0 || inputs.contains(.vfiq) { r |= 1 << 6 }
        } else if inputs.contains(.fiq) { r |= 1 << 6 }
        if useVirtual && hcr & HCR.AMO != 0 && hcr & HCR.VSE != 0 { r |= 1 << 8 }
        return r
    }
}

extension CPU {
    /// A WFI or WFE that finds a wake-up event already pending, one PSTATE keeps from being
    /// taken, completes at once (D1.16.2): the same outcome as entering the wait and leaving it
    /// at the next boundary (`handleAttention`), without the slow path. A CPU parked in a
    /// `wfi; b .` loop with IRQs masked and an interrupt pending (Xen's halted CPUs) spins
    /// like this, on real hardware as here.
    var completesAtOnce: Bool { hasWakeUpEvent() && pendingInterrupt() == nil }

    /// A WFI/WFE in progress would complete now (for the board's idle test).
    public var hasWakeUpEventNow: Bool { waiting && hasWakeUpEvent() }
}
