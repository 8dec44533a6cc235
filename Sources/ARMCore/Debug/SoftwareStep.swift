/// Software step (ARM DDI 0487, D2.12) and the A64 instruction step with debug events armed.
///
/// The state machine: step is enabled when MDSCR_EL1.SS is set and debug exceptions are
/// enabled from the current EL. Enabled with PSTATE.SS = 1 is active-not-pending: one
/// instruction executes and PSTATE.SS becomes 0. Enabled with PSTATE.SS = 0 is
/// active-pending: a Software Step exception is taken before the next instruction. An
/// exception entry saves PSTATE.SS in SPSR_ELx.SS (0 after SVC, HVC and SMC, which complete the
/// instruction; 1 after the others, which do not) and clears it; ERET restores it from SPSR.SS
/// when step is enabled at the EL it returns to.
extension CPU {
    /// A64 code only: stepping AArch32 code is not modelled.
    var softwareStepEnabled: Bool {
        !aarch32 && sysregs[SysReg.MDSCR_EL1] & MDSCRBit.SS != 0 && debugExceptionsEnabled
    }

    /// `step()` while `debugArmed`: gdb's breakpoints, the step state, the guest's
    /// breakpoints, then the instruction.
    func stepWithDebugEvents(_ pc: UInt64) {
        if externalDebug.breakpointHit(pc, cpu: self) {
            // gdb's breakpoint: stop before the instruction, which does not retire.
            requestStop(.debugEvent)
            return
        }
        let stepEnabled = softwareStepEnabled
        let stepping = stepEnabled && pstateSS
        steppedERET = false
        do throws(ArchException) {
            if stepEnabled && !pstateSS {
                // Active-pending: the step is done (D2.12.4, priority 1 in D1.13.2).
                let s = Syndrome.softwareStep(valid: stepSyndrome.valid, exclusive: stepSyndrome.exclusive)
                stepSyndrome = (false, false)
                throw ArchException(s, targetEL: debugTargetEL)
            }
            if guestBreakpointHit(pc) {
                // FAR is UNKNOWN for a breakpoint (D2.9.4); armvm gives the address.
                throw ArchException(.breakpoint, far: pc, targetEL: debugTargetEL)
            }
            let inst = try fetch(pc)
            try execute(inst)
            if stepping && !steppedERET {
                pstateSS = false
                // The exception entry or ERET before a stepped instruction cleared the monitor:
                // set now, the instruction was a Load-Exclusive.
                stepSyndrome = (true, exclusiveValid)
            }
        } catch {
            takeException(error)
        }
        self.pc = nextPC
        instret &+= 1
    }

    /// ERET with debug events armed: PSTATE.SS from SPSR.SS if step is enabled where it
    /// returns to (after PSTATE.D and the EL were restored), else 0.
    func restoreStepState(spsr: UInt64) {
        steppedERET = true
        stepSyndrome = (false, false)
        pstateSS = spsr & (1 << 21) != 0 && softwareStepEnabled
    }
}
