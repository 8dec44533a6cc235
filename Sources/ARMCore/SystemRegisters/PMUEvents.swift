/// The PMU events that depend on what kind of instruction retired (ARM DDI 0487, D11.11, the
/// common architectural events): LD_RETIRED, ST_RETIRED, BR_RETIRED, BR_IMMED_RETIRED and
/// BR_RETURN_RETIRED.
///
/// Cost: none while no enabled counter counts one of them at the current EL. `pmuUpdate`
/// (PMU.swift) works out which counters do whenever the enables, the event types, the filters or
/// the EL change, and keeps `PMUState.classCounters`; while it is nonzero `attention` stays set,
/// so every instruction takes the full path (`step`, or `pmuStep32` in the AArch32 loop), where it
/// is classified from its decoded form and counted once it has completed. The same pattern as
/// self-hosted debug's `debugArmed`.
///
/// What counts (the event definitions of D11.11.2, "Common architectural event numbers"):
/// - An instruction counts only if it is architecturally executed: one that takes a
///   synchronous exception (a Data Abort, an UNDEFINED) does not count, and an AArch32
///   instruction that fails its condition code check counts for none of these events
///   (LD_RETIRED and ST_RETIRED say "condition code check pass"; BR_RETIRED excludes "CCFAIL
///   branches"). An exception return (ERET; in AArch32 also RFE, LDM with ^ and PC, SUBS PC, LR)
///   counts for none: BR_RETIRED excludes exception returns, and they are counted by EXC_RETURN.
///   (INST_RETIRED, counted from `instret`, does count a faulting instruction: see PMU.swift.)
/// - LD_RETIRED (0x06) / ST_RETIRED (0x07): each load or store instruction once, whatever it transfers: LDP,
///   LDM, LDRD, PUSH/POP, VLDM, LD4 are one instruction each. Exclusives count whether or not
///   a Store-Exclusive writes; SRS is a store. Prefetches (PRFM, PLD) and cache maintenance
///   (DC ZVA) are not loads or stores here, and TBB/TBH count as branches only.
/// - BR_RETIRED (0x21): every branch, taken or not (an A64 B.cond, CBZ or TBZ that falls through
///   counts), and in AArch32 every instruction that writes the PC explicitly (LDR PC, LDM with
///   PC, MOV PC and the other data-processing writes). SVC, HVC, SMC and ISB are not branches.
/// - BR_IMMED_RETIRED (0x0D): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ; AArch32 B, BL, BLX (immediate), CBZ/CBNZ.
/// - BR_RETURN_RETIRED (0x0E): procedure returns: A64 RET; AArch32 BX LR, MOV PC, LR, and POP (LDM SP!
///   or LDR PC, [SP], #4) of the PC.
struct PMUClass: OptionSet {
    let rawValue: UInt8
    static let load = PMUClass(rawValue: 1 << 0)
    static let store = PMUClass(rawValue: 1 << 1)
    static let branch = PMUClass(rawValue: 1 << 2)
    static let immediateBranch = PMUClass(rawValue: 1 << 3)
    static let procedureReturn = PMUClass(rawValue: 1 << 4)

    /// The class bit an event number counts; empty for the other events.
    static func counted(by event: UInt64) -> PMUClass {
        switch event {
        case PMU.Event.loadRetired.rawValue: return .load
        case PMU.Event.storeRetired.rawValue: return .store
        case PMU.Event.branchRetired.rawValue: return .branch
        case PMU.Event.immediateBranchRetired.rawValue: return .immediateBranch
        case PMU.Event.returnRetired.rawValue: return .procedureReturn
        default: return []
        }
    }

    // MARK: A64

    /// An A64 instruction's classes, from its decoded form (fast forms keep their generic
    /// group's `op`).
    static func of(_ i: Inst) -> PMUClass {
        switch i.group.genericGroup {
        case .loadStore:
            switch i.opcode(as: LoadStoreOp.self) {
            case .prefetch: return []
            case .load, .loadPre, .loadPost, .loadRegister, .loadLiteral, .loadPair, .loadPairPre, .loadPairPost,
                 .loadExclusive, .loadExclusivePair, .loadAcquire:
                return .load
            case .store, .storePre, .storePost, .storeRegister, .storePair, .storePairPre, .storePairPost,
                 .storeExclusive, .storeExclusivePair, .storeRelease:
                return .store
            }
        case .loadStoreSIMD:
            switch i.opcode(as: LoadStoreSIMDOp.self) {
            case .load, .loadPre, .loadPost, .loadRegister, .loadLiteral, .loadPostRegister: return .load
            case .store, .storePre, .storePost, .storeRegister, .storePostRegister: return .store
            }
        case .branch:
            switch i.opcode(as: BranchOp.self) {
            case .b, .bl, .bcond, .cbz, .cbnz, .tbz, .tbnz: return [.branch, .immediateBranch]
            case .br, .blr: return .branch
            case .ret: return [.branch, .procedureReturn]
            case .eret: return []
            }
        default:
            return []
        }
    }

    // MARK: AArch32 (A32 and T32 share A32Inst)

    /// An AArch32 instruction's classes, from its decoded form, assuming it passes its
    /// condition check.
    static func of(_ i: A32Inst) -> PMUClass {
        let pcBit: UInt32 = 1 << 15
        switch i.op {
        case .ldr:
            guard i.rd == 15 else { return .load }
            // LDR PC, [SP], #imm is POP {PC}.
            let pop = i.rn == 13 && !i.flags.contains(.preIndex) && i.flags.contains(.add)
            return pop ? [.load, .branch, .procedureReturn] : [.load, .branch]
        case .ldrb, .ldrh, .ldrsb, .ldrsh, .ldrd, .ldrex, .lda:
            return .load
        case .str, .strb, .strh, .strd, .strex, .stl, .stm, .srs:
            return .store
        case .ldm:
            guard i.imm & pcBit != 0 else { return .load }
            // With ^ and the PC it is an exception return (see above), never counted.
            if i.flags.contains(.userRegisters) { return [] }
            // POP: LDMIA SP! (increment after, write-back).
            let pop = i.rn == 13 && i.flags.contains(.writeBack) && i.flags.contains(.add)
                && !i.flags.contains(.preIndex)
            return pop ? [.load, .branch, .procedureReturn] : [.load, .branch]
        case .b, .bl, .blxImm, .cbz, .cbnz:
            return [.branch, .immediateBranch]
        case .bx:
            return i.rm == 14 ? [.branch, .procedureReturn] : .branch
        case .blxReg, .tbb:
            return .branch
        case .and, .eor, .sub, .rsb, .add, .adc, .sbc, .rsc, .orr, .mov, .bic, .mvn, .orn:
            // A write to the PC; with S it is an exception return (SUBS PC, LR), not counted.
            guard i.rd == 15, !i.flags.contains(.setFlags) else { return [] }
            let movLR = i.op == .mov && i.rm == 14 && !i.flags.contains(.immediate)
                && !i.flags.contains(.registerShift) && i.shiftAmount == 0 && i.shift == .lsl
            return movLR ? [.branch, .procedureReturn] : .branch
        case .vfp:
            // Extension register loads and stores (VLDR, VSTR, VLDM, VSTM, VPUSH, VPOP): bits
            // 27:25 = 110 with P, U, W (24, 23, 21) not all zero, which would be the 64-bit
            // transfers; L is bit 20. Bit 28 marks the ARMv8 additions (VSEL, VRINT...), never
            // memory (`executeVFP` sorts the same way).
            guard i.imm & (1 << 28) == 0, (i.imm >> 25) & 7 == 6, (i.imm >> 21) & 0xD != 0 else { return [] }
            return i.imm & (1 << 20) != 0 ? .load : .store
        case .neon:
            // Element and structure loads and stores: 1111 0100, L is bit 21 (`executeNEON`).
            guard i.imm >> 24 == 0xF4 else { return [] }
            return i.imm & (1 << 21) != 0 ? .load : .store
        default:
            return []
        }
    }
}

extension CPU {
    /// A64 `step()` while some counter counts an instruction class: the instruction (through
    /// the debug checks if they are armed too), then its classes counted if it completed.
    func stepCountingEvents(_ pc: UInt64) {
        var classes: PMUClass = []
        pmu.exceptionInStep = false
        let before = instret
        if debugArmed {
            // The same fetch `stepWithDebugEvents` makes; one that faults faults there too.
            if let inst = try? fetch(pc) { classes = PMUClass.of(inst) }
            stepWithDebugEvents(pc)
        } else {
            do {
                let inst = try fetch(pc)
                classes = PMUClass.of(inst)
                try execute(inst)
            } catch {
                takeException(error)
            }
            self.pc = nextPC
            instret &+= 1
        }
        // A gdb breakpoint stops before the instruction, which does not retire.
        if !classes.isEmpty && instret != before && !pmu.exceptionInStep { pmuCountClasses(classes) }
    }

    /// The AArch32 loop's instruction while some counter counts an instruction class: its
    /// classes, if it passes its condition check (the IT block's inside one), counted once it
    /// completed without an exception.
    func pmuStep32(_ tlb: HostTLB) {
        var classes: PMUClass = []
        if let p = try? fetchDecode32(pc) {
            let it = itState
            let cond = thumb && T32IT.inBlock(it) ? T32IT.condition(it) : p.pointee.cond
            if cond == 0xE || conditionHolds(cond) { classes = PMUClass.of(p.pointee) }
        }
        pmu.exceptionInStep = false
        step32(tlb)
        if !classes.isEmpty && !pmu.exceptionInStep { pmuCountClasses(classes) }
    }

    /// One retired instruction of `classes` at the current EL: the counters that count one of
    /// them here go up by one (`pmuUpdate` filtered them by EL); an overflow sets its flag and
    /// drives the interrupt now, so that it is taken before the next instruction.
    func pmuCountClasses(_ classes: PMUClass) {
        let packed = pmu.classCounters
        var overflow: UInt64 = 0
        for n in 0..<PMU.counterCount where (packed >> UInt64(8 * n)) & UInt64(classes.rawValue) != 0 {
            let v = sysregs[SysReg.eventCounter(n)] &+ 1
            if v >> 32 != 0 { overflow |= 1 << UInt64(n) }
            sysregs[SysReg.eventCounter(n)] = v & 0xFFFF_FFFF
        }
        if overflow != 0 {
            sysregs[SysReg.PMOVSSET_EL0] |= overflow
            pmuDriveInterrupt()
        }
    }
}
