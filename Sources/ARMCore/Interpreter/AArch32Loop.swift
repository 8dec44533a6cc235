/// The AArch32 interpreter loop: fetch, decode, check the condition (or the IT block's),
/// execute, one instruction at a time, in A32 and T32, through the decode memo and the fast forms
/// of the hottest instructions (AArch32FetchCache.swift, AArch32FastForms.swift). `CPU.run`
/// switches between this loop and the A64 one whenever an exception entry or return changes the
/// execution state.
extension CPU {
    /// Run at most `budget` AArch32 instructions. Returns nil when the CPU left AArch32 state.
    func runAArch32(budget: UInt64) -> StopReason? {
        var left = budget
        let tlb = decodeCache.hostTLB(cpu: index)
        tlb.flush()
        refreshHostTLB(tlb)
        while left != 0 {
            if attention {
                if let r = handleAttention() { return r }
                if !aarch32 { return nil }
                if illegalState {
                    // D1.4.5: with PSTATE.IL set, the next instruction takes an Illegal
                    // Execution State exception (UNDEFINED at an AArch32 EL1).
                    nextPC = pc
                    takeException(ArchException(.illegalState))
                    pc = nextPC
                    instret &+= 1
                    left &-= 1
                    if !aarch32 { return nil }
                    refreshHostTLB(tlb, changed: true)
                    continue
                }
                refreshHostTLB(tlb, changed: fetch32PageVA == 1)
                // Breakpoints, gdb's and the guest's (Debug/SelfHostedDebug.swift).
                if debugArmed, let retired = debugBeforeInstruction32() {
                    if retired { left &-= 1 }
                    if !aarch32 { return nil }
                    continue
                }
                // PMU events of instruction classes (PMUEvents.swift): classified and counted.
                if pmu.armed {
                    pmuStep32(tlb)
                    left &-= 1
                    if !aarch32 { return nil }
                    if fetch32PageVA == 1 { refreshHostTLB(tlb, changed: true) }
                    continue
                }
            }
            let quiet = step32(tlb)
            left &-= 1
            if !quiet {
                if !aarch32 { return nil }
                // The regime, the EL, a TLB or SCTLR changed (each calls flushFetchPage).
                if fetch32PageVA == 1 { refreshHostTLB(tlb, changed: true) }
            }
        }
        return .budget
    }

    /// One AArch32 instruction through fetch, decode and execute. In T32 an IT block in
    /// progress gives the instruction its condition and decides whether 16-bit data
    /// processing sets the flags; ITSTATE advances before the executor runs, so an exception
    /// return (which restores it from the SPSR) has the last word, and is put back when the
    /// instruction faults: the SPSR of a fault holds the faulting instruction's ITSTATE, that
    /// of SVC, HVC and SMC the next one's (AArch32.TakeSVCException's ITAdvance).
    ///
    /// Returns true when a fast form ran or the condition failed: nothing the loop watches
    /// after an instruction (the execution state, the fetch page) can have changed.
    @inline(__always) @discardableResult
    func step32(_ tlb: HostTLB) -> Bool {
        let pc = self.pc
        let it = itState
        var quiet = false
        do throws(ArchException) {
            let p = try fetchDecode32(pc)
            if !thumb || !T32IT.inBlock(it) {
                // No IT block: the memo entry is the whole instruction, and its fast form
                // (AArch32FastForms.swift), when it has one, runs in place. Only the
                // executors read currentCondition32 (trap syndromes).
                let cond = p.pointee.cond
                if cond == 0xE || conditionHolds(cond) {
                    if executeFast32(p, tlb) {
                        quiet = true
                    } else {
                        currentCondition32 = cond
                        var inst = p.pointee
                        if thumb && inst.flags.contains(.setFlagsOutsideIT) { inst.flags.insert(.setFlags) }
                        try executeA32(inst, tlb)
                    }
                } else if p.pointee.op == .bkpt {
                    currentCondition32 = cond
                    try executeA32(p.pointee, tlb)   // BKPT is unconditional
                } else {
                    quiet = true
                }
            } else {
                // UNPREDICTABLE in an IT block: IT, CBZ, CPS, B<c> and friends anywhere, a PC
                // writer other than last. Taken as UNDEFINED.
                let inst = p.pointee
                if inst.flags.contains(.notInITBlock)
                    || (inst.flags.contains(.lastInITBlock) && !T32IT.isLast(it)) {
                    throw ArchException.undefined
                }
                let cond = T32IT.condition(it)
                itState = T32IT.advance(it)
                currentCondition32 = cond
                // BKPT is unconditional, even in an IT block.
                if cond == 0xE || inst.op == .bkpt || conditionHolds(cond) {
                    try executeA32(inst, tlb)
                }
            }
        } catch {
            if !error.returnsToNext { itState = it }
            takeException(error)
        }
        self.pc = nextPC
        instret &+= 1
        return quiet
    }

    /// The length of the instruction at `pc`, and the PC after it (the PC is 32 bits).
    @inline(__always)
    func setInstructionLength32(_ set: InstructionSet, _ pc: UInt64) {
        instructionLength32 = UInt8(set.encodingSize)
        nextPC = (pc &+ UInt64(set.encodingSize)) & 0xFFFF_FFFF
    }

    /// Fetch and decode at `pc` in the current instruction set. A misaligned PC is a Prefetch
    /// Abort (PC alignment fault). Transparent, so that the A32 case stays in the loop whatever
    /// the inliner's budget for `runAArch32`; T32 is `fetchDecodeT32`.
    @_transparent
    func fetchDecode32(_ pc: UInt64) throws(ArchException) -> UnsafeMutablePointer<A32Inst> {
        if thumb { return try fetchDecodeT32(pc) }
        setInstructionLength32(.a32, pc)
        if pc & 3 != 0 { throw ArchException(.pcAlignment, far: pc) }
        let w = try fetchBits32(pc, size: InstructionSet.a32.encodingSize)
        return decodeMemo.decode(.a32, UInt32(truncatingIfNeeded: w)) { A32Decoder.decode($0) }
    }

    /// A T32 instruction is fetched a halfword at a time (F3.1: the first halfword says whether
    /// a second follows), so a 32-bit one that crosses a page takes the abort of the halfword
    /// that faults.
    func fetchDecodeT32(_ pc: UInt64) throws(ArchException) -> UnsafeMutablePointer<A32Inst> {
        let halfword = InstructionSet.t32Narrow.encodingSize
        setInstructionLength32(.t32Narrow, pc)
        if pc & 1 != 0 { throw ArchException(.pcAlignment, far: pc) }
        let hw1 = UInt16(truncatingIfNeeded: try fetchBits32(pc, size: halfword))
        if !T32Decoder.isWide(hw1) {
            return decodeMemo.decode(.t32Narrow, UInt32(hw1)) { T32Decoder.decode16(UInt16(truncatingIfNeeded: $0)) }
        }
        setInstructionLength32(.t32Wide, pc)
        let hw2 = UInt16(truncatingIfNeeded: try fetchBits32((pc &+ UInt64(halfword)) & 0xFFFF_FFFF, size: halfword))
        return decodeMemo.decode(.t32Wide, UInt32(hw1) << 16 | UInt32(hw2)) {
            T32Decoder.decode32(UInt16(truncatingIfNeeded: $0 >> 16), UInt16(truncatingIfNeeded: $0))
        }
    }

    /// One executor per family of operations, shared by A32 and T32.
    @inline(__always)
    func executeA32(_ i: A32Inst, _ tlb: HostTLB) throws(ArchException) {
        switch i.op {
        case .and, .eor, .sub, .rsb, .add, .adc, .sbc, .rsc, .tst, .teq, .cmp, .cmn, .orr, .mov, .bic, .mvn, .orn:
            try executeDataProcessing(i)
        case .movw:
            if i.rd == 15 { throw ArchException.undefined }
            setR(UInt32(i.rd), i.imm)
        case .movt:
            if i.rd == 15 { throw ArchException.undefined }
            setR(UInt32(i.rd), (r(UInt32(i.rd)) & 0xFFFF) | i.imm << 16)
        case .mul, .mla, .mls, .umaal, .umull, .umlal, .smull, .smlal, .smlaxy, .smulwy, .smlawy, .smlalxy, .smulxy,
             .smlad, .smlsd, .smlald, .smlsld, .smmla, .smmls, .sdiv, .udiv:
            try executeMultiply(i)
        case .qadd, .qsub, .qdadd, .qdsub, .parallel, .usad8, .clz, .rev, .rev16, .revsh, .rbit,
             .sxtb, .sxth, .uxtb, .uxth, .sxtb16, .uxtb16, .ssat, .usat, .ssat16, .usat16, .pkh, .sel,
             .sbfx, .ubfx, .bfi, .bfc, .crc32, .crc32c:
            try executeMisc(i)
        case .b, .bl, .blxImm, .bx, .blxReg:
            try executeBranch32(i)
        case .ldr, .ldrb, .str, .strb, .ldrh, .strh, .ldrsb, .ldrsh, .ldrd, .strd:
            if fastLoadStore32(i, tlb) { return }
            try executeLoadStore32(i)
        case .ldm, .stm:
            if fastBlockTransfer32(i, tlb) { return }
            try executeBlockTransfer(i)
        case .ldrex, .strex, .lda, .stl, .clrex:
            try executeExclusive32(i)
        case .vfp:
            try executeVFP(i)
        case .neon:
            try executeNEON(i)
        case .it, .cbz, .cbnz, .tbb:
            try executeT32Only(i)
        default:
            try executeSystem32(i)
        }
    }
}
