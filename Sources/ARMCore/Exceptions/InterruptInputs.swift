/// The interrupt inputs of a processing element, driven by the interrupt controller (the GIC's
/// nIRQ/nFIQ and nVIRQ/nVFIQ outputs, ARM IHI 0048B 1.3 and 5.1). The CPU samples them between
/// instructions; HCR_EL2.VI/VF/VSE add virtual interrupts of their own (ARM DDI 0487, D1.14.4).
@frozen public struct InterruptInputs: OptionSet, Equatable {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Physical IRQ and FIQ.
    public static let irq = InterruptInputs(rawValue: 1 << 0)
    public static let fiq = InterruptInputs(rawValue: 1 << 1)
    /// Virtual IRQ and FIQ from the GIC's virtual CPU interface (GICv2 GICV, GICv3 ICH list registers).
    public static let virq = InterruptInputs(rawValue: 1 << 2)
    public static let vfiq = InterruptInputs(rawValue: 1 << 3)
}

extension CPU {
    /// Set the level of the interrupt inputs. Cheap when nothing changes; otherwise the run loop
    /// re-evaluates pending interrupts at the next instruction boundary and a WFI wakes.
    public func setInterruptInputs(_ inputs: InterruptInputs) {
        if inputs == interruptInputs { return }
        interruptInputs = inputs
        interruptsChanged()
        // `--threads`: this CPU's thread may be blocked in WFI (Board's MachineThreads.swift).
        machineLock?.wakeAll()
    }
}

extension CPU {
    /// Something that can change whether an interrupt is taken changed (inputs, DAIF, HCR_EL2, EL):
    /// leave the fast path so the next boundary looks.
    @inline(__always)
    func interruptsChanged() {
        attention = true
    }
}
