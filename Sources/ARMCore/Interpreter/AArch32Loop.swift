/// The instruction set a copy of the fast loop runs (`CPU.runSlots32`): a type, so that each
/// copy is a specialization with the set folded to a constant.
protocol AArch32SlotSet { static var t32: Bool { get } }
enum A32Slots: AArch32SlotSet { @inline(__always) static var t32: Bool { false } }
enum T32Slots: AArch32SlotSet { @inline(__always) static var t32: Bool { true } }

/// The AArch32 interpreter loop: fetch, decode, check the condition (or the IT block's),
/// execute, one instruction at a time, in A32 and T32, through the decode memo and the fast forms
/// of the hottest instructions (AArch32FetchCache.swift, AArch32FastForms.swift). Outside IT
/// blocks it hands the budget to the fast loop over decoded slots (`runSlots32`), and takes
/// back each instruction that loop leaves. `CPU.run` switches between this loop and the A64 one
/// whenever an exception entry or return changes the execution state.
extension CPU {
    /// Run at most `budget` AArch32 instructions. Returns nil when the CPU left AArch32 state.
    func runAArch32(budget: UInt64) -> StopReason? {
        var left = budget
        let tlb = decodeCache.hostTLB(cpu: index)
        if machineLock != nil { tlb.flush() }   // kept across turns but with --threads, as in runA64
        refreshHostTLB(tlb, changed: fetch32PageVA == 1)
        if decodeMemo.translating != (decodeCache.jit != nil) { attachTranslator32() }
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
            } else if itState == 0 {
                // Outside IT blocks, the decoded slots run until an instruction needs this loop.
                // (Breakpoints and PMU class counting keep `attention` set, so never here.)
                left = runSlots32(left, tlb)
                if left == 0 { break }
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

    /// The fast loop (docs/PERFORMANCE.md, "Hot-path rules"): instructions from the slot table
    /// of `AArch32DecodeMemo`, run in their fast forms, while no IT block is in progress and
    /// nothing needs attention. It returns the budget left when it meets an instruction without
    /// a fast form, one whose fast form declines (a load or store the host TLB does not hold),
    /// a misaligned PC or a code page without an execute tag in the host TLB; `step32` then
    /// runs that instruction. Nothing it runs can fault, touch a device, change the regime or
    /// raise `attention`, so `pc` and the instruction count live in locals until it returns,
    /// and the PC is stored only for the forms that read it (literal loads, STM of the PC).
    @inline(never)
    func runSlots32(_ budget: UInt64, _ tlb: HostTLB) -> UInt64 {
        var left = budget
        while true {
            let set = thumb
            left = set ? runSlots32(left, tlb, T32Slots.self) : runSlots32(left, tlb, A32Slots.self)
            // Only an interworking branch returns in the other instruction set.
            if left == 0 || thumb == set { return left }
        }
    }

    /// The fast loop in one instruction set, specialized for each (`AArch32SlotSet`), so that
    /// the set is a constant and the loop carries few values (those it cannot keep in host
    /// registers cost a spill and a reload per instruction). It returns after a branch that
    /// changes the set, too.
    @inline(never)
    func runSlots32<Set: AArch32SlotSet>(_ budget: UInt64, _ tlb: HostTLB, _: Set.Type) -> UInt64 {
        let t32 = Set.t32
        let memo = decodeMemo
        let conditionMasks = memo.conditionMasks
        // The current mode's registers: no mode changes here (a mode change is a slow path).
        let g = Regs32(x, r32)
        var left = budget
        var pc = UInt32(truncatingIfNeeded: self.pc)
        // The page being run and its host address; `pageVA` 4 (bit 2 set) matches no PC.
        var pageVA = fetch32Host == nil || fetch32PageVA & 0xFFF != 0 ? 4 : UInt32(truncatingIfNeeded: fetch32PageVA)
        var code = fetch32Host ?? tlb.ram
        // The set's half of the slot table, and the page test, which also catches a misaligned
        // PC (it faults on the full path) and, in T32, a PC in the page's last halfword, where
        // the word that keys a slot would cross into the next page.
        let keys = memo.slotKeys + (t32 ? AArch32DecodeMemo.slotsPerSet : 0)
        let slots = memo.slots + (t32 ? AArch32DecodeMemo.slotsPerSet : 0)
        let bias: UInt32 = t32 ? 2 : 0
        let pageMask: UInt32 = t32 ? ~0xFFE : ~0xFFC
        run: while left != 0 {
            if (pc &+ bias) & pageMask != pageVA {
                if pc & (t32 ? 1 : 3) != 0 || pc & 0xFFF > 0xFFC { break }
                guard let h = fetchPage32(pc, tlb) else { break }
                pageVA = pc & ~0xFFF
                code = h
            }
            let index = Int(truncatingIfNeeded: pc >> (t32 ? 1 : 2)) & AArch32DecodeMemo.slotMask
            let w = UInt32(truncatingIfNeeded: HostRAM.load32(code + Int(truncatingIfNeeded: pc & 0xFFF)))
            if keys[index] != w { memo.fillSlot(keys + index, slots + index, w, thumb: t32) }
            let p = slots + index
            // An instruction without a fast form leaves (`.none` below) once its condition holds;
            // one whose condition fails is skipped here, as `step32` would (BKPT, which ignores
            // its condition, has 0xE in its slot).
            let fast = p.pointee.fast
            let length: UInt32 = t32 ? UInt32(p.pointee.length) : 4
            let cond = p.pointee.cond
            // ConditionHolds as `conditionHolds` computes it, from the table in memory.
            if cond != 0xE && (conditionMasks[Int(cond & 15)] >> (nzcv >> 28)) & 1 == 0 {
                pc &+= length
                left &-= 1
                continue
            }
            switch fast {
            case .none:
                break run
            case .movImm:
                g[p.pointee.rd] = p.pointee.imm
            case .mvnImm:
                g[p.pointee.rd] = ~p.pointee.imm
            case .addImm:
                g[p.pointee.rd] = g[p.pointee.rn] &+ p.pointee.imm
            case .subImm:
                g[p.pointee.rd] = g[p.pointee.rn] &- p.pointee.imm
            case .movReg:
                g[p.pointee.rd] = g[p.pointee.rm]
            case .addReg:
                g[p.pointee.rd] = g[p.pointee.rn] &+ g[p.pointee.rm]
            case .subReg:
                g[p.pointee.rd] = g[p.pointee.rn] &- g[p.pointee.rm]
            case .cmpImm:
                nzcv = subFlags32(g[p.pointee.rn], p.pointee.imm).1
            case .cmpReg:
                nzcv = subFlags32(g[p.pointee.rn], g[p.pointee.rm]).1
            case .addsImm:
                let (r, f) = addFlags32(g[p.pointee.rn], p.pointee.imm)
                g[p.pointee.rd] = r
                nzcv = f
            case .subsImm:
                let (r, f) = subFlags32(g[p.pointee.rn], p.pointee.imm)
                g[p.pointee.rd] = r
                nzcv = f
            case .cmnImm:
                nzcv = addFlags32(g[p.pointee.rn], p.pointee.imm).1
            case .addsReg:
                let (r, f) = addFlags32(g[p.pointee.rn], g[p.pointee.rm])
                g[p.pointee.rd] = r
                nzcv = f
            case .subsReg:
                let (r, f) = subFlags32(g[p.pointee.rn], g[p.pointee.rm])
                g[p.pointee.rd] = r
                nzcv = f
            case .cmnReg:
                nzcv = addFlags32(g[p.pointee.rn], g[p.pointee.rm]).1
            case .andImm:
                g[p.pointee.rd] = g[p.pointee.rn] & p.pointee.imm
            case .orrImm:
                g[p.pointee.rd] = g[p.pointee.rn] | p.pointee.imm
            case .eorImm:
                g[p.pointee.rd] = g[p.pointee.rn] ^ p.pointee.imm
            case .bicImm:
                g[p.pointee.rd] = g[p.pointee.rn] & ~p.pointee.imm
            case .andReg:
                g[p.pointee.rd] = g[p.pointee.rn] & g[p.pointee.rm]
            case .orrReg:
                g[p.pointee.rd] = g[p.pointee.rn] | g[p.pointee.rm]
            case .eorReg:
                g[p.pointee.rd] = g[p.pointee.rn] ^ g[p.pointee.rm]
            case .bicReg:
                g[p.pointee.rd] = g[p.pointee.rn] & ~g[p.pointee.rm]
            case .logicalFlags:
                // The shifter's carry is C itself here: only N and Z change.
                let b = p.pointee.flags.has(.immediate) ? p.pointee.imm : g[p.pointee.rm]
                let a = g[p.pointee.rn], op = p.pointee.op
                let r: UInt32
                switch op {
                case .and, .tst: r = a & b
                case .eor, .teq: r = a ^ b
                case .orr: r = a | b
                case .orn: r = a | ~b
                case .bic: r = a & ~b
                case .mov: r = b
                default: r = ~b   // MVN
                }
                if op != .tst && op != .teq { g[p.pointee.rd] = r }
                nzcv = r & CPSR.N | (r == 0 ? CPSR.Z : 0) | nzcv & (CPSR.C | CPSR.V)
            case .lslImm:
                g[p.pointee.rd] = g[p.pointee.rm] << (UInt32(p.pointee.shiftAmount) & 31)
            case .lsrImm:
                g[p.pointee.rd] = g[p.pointee.rm] >> (UInt32(p.pointee.shiftAmount) & 31)
            case .asrImm:
                g[p.pointee.rd] = UInt32(bitPattern: Int32(bitPattern: g[p.pointee.rm]) >> (Int32(p.pointee.shiftAmount) & 31))
            case .dataProcessing:
                fastDataProcessing32(p, g)
            case .ldrImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 4, elem: 4, write: false, tlb) else { break run }
                g[p.pointee.rd] = UInt32(truncatingIfNeeded: HostRAM.load32(m))
            case .strImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 4, elem: 4, write: true, tlb) else { break run }
                HostRAM.store32(m, UInt64(g[p.pointee.rd]))
            case .ldrbImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 1, elem: 1, write: false, tlb) else { break run }
                g[p.pointee.rd] = UInt32(UInt8(truncatingIfNeeded: HostRAM.load8(m)))
            case .strbImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 1, elem: 1, write: true, tlb) else { break run }
                HostRAM.store8(m, UInt64(g[p.pointee.rd]))
            case .ldrPost:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                guard let m = fastRAM(UInt64(base), total: 4, elem: 4, write: false, tlb) else { break run }
                g[p.pointee.rn] = p.pointee.flags.has(.add) ? base &+ imm : base &- imm
                g[p.pointee.rd] = UInt32(truncatingIfNeeded: HostRAM.load32(m))
            case .strPost:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                guard let m = fastRAM(UInt64(base), total: 4, elem: 4, write: true, tlb) else { break run }
                HostRAM.store32(m, UInt64(g[p.pointee.rd]))
                g[p.pointee.rn] = p.pointee.flags.has(.add) ? base &+ imm : base &- imm
            case .ldrbPost:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                guard let m = fastRAM(UInt64(base), total: 1, elem: 1, write: false, tlb) else { break run }
                g[p.pointee.rn] = p.pointee.flags.has(.add) ? base &+ imm : base &- imm
                g[p.pointee.rd] = UInt32(UInt8(truncatingIfNeeded: HostRAM.load8(m)))
            case .strbPost:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                guard let m = fastRAM(UInt64(base), total: 1, elem: 1, write: true, tlb) else { break run }
                HostRAM.store8(m, UInt64(g[p.pointee.rd]))
                g[p.pointee.rn] = p.pointee.flags.has(.add) ? base &+ imm : base &- imm
            case .ldrReg:
                guard let m = fastRAM(registerOffsetAddress32(p, g), total: 4, elem: 4, write: false, tlb) else { break run }
                g[p.pointee.rd] = UInt32(truncatingIfNeeded: HostRAM.load32(m))
            case .strReg:
                guard let m = fastRAM(registerOffsetAddress32(p, g), total: 4, elem: 4, write: true, tlb) else { break run }
                HostRAM.store32(m, UInt64(g[p.pointee.rd]))
            case .ldrbReg:
                guard let m = fastRAM(registerOffsetAddress32(p, g), total: 1, elem: 1, write: false, tlb) else { break run }
                g[p.pointee.rd] = UInt32(truncatingIfNeeded: HostRAM.load8(m))
            case .strbReg:
                guard let m = fastRAM(registerOffsetAddress32(p, g), total: 1, elem: 1, write: true, tlb) else { break run }
                HostRAM.store8(m, UInt64(g[p.pointee.rd]))
            case .ldrhImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 2, elem: 2, write: false, tlb) else { break run }
                g[p.pointee.rd] = UInt32(truncatingIfNeeded: HostRAM.load16(m))
            case .strhImm:
                let base = g[p.pointee.rn], imm = p.pointee.imm
                let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
                guard let m = fastRAM(va, total: 2, elem: 2, write: true, tlb) else { break run }
                HostRAM.store16(m, UInt64(g[p.pointee.rd]))
            case .loadStore:
                self.pc = UInt64(pc)   // a literal load's base
                if !fastIndexedLoadStore32(p, tlb, g) { break run }
            case .blockTransfer:
                // STM may store the PC; LDM may load it (LoadWritePC, which may interwork).
                self.pc = UInt64(pc)
                nextPC = UInt64(pc &+ length)
                if !fastBlockTransfer32(p.pointee, tlb) { break run }
                pc = UInt32(truncatingIfNeeded: nextPC)
                left &-= 1
                if thumb != t32 { break run }
                continue
            case .stm:
                // Registers in ascending order from the lowest address; a stored Rn is its old
                // value, as on the full path.
                guard let (m, newBase) = blockTransferRAM32(p, g, write: true, tlb) else { break run }
                var list = p.pointee.imm & 0x7FFF, k = 0
                while list != 0 {
                    HostRAM.store32(m + k, UInt64(g[UInt8(truncatingIfNeeded: list.trailingZeroBitCount)]))
                    k &+= 4
                    list &= list &- 1
                }
                if p.pointee.flags.has(.writeBack) { g[p.pointee.rn] = newBase }
            case .ldm, .ldmPC:
                guard let (m, newBase) = blockTransferRAM32(p, g, write: false, tlb) else { break run }
                var list = p.pointee.imm & 0x7FFF, k = 0
                // With Rn in the list (UNPREDICTABLE with writeback) the loaded value stays, as
                // on the full path.
                let rn = p.pointee.rn
                if p.pointee.flags.has(.writeBack) && list & (1 << UInt32(rn & 15)) == 0 { g[rn] = newBase }
                while list != 0 {
                    g[UInt8(truncatingIfNeeded: list.trailingZeroBitCount)] =
                        UInt32(truncatingIfNeeded: HostRAM.load32(m + k))
                    k &+= 4
                    list &= list &- 1
                }
                if fast == .ldmPC {
                    // LoadWritePC is BXWritePC: bit 0 chooses the instruction set.
                    let target = UInt32(truncatingIfNeeded: HostRAM.load32(m + k))
                    left &-= 1
                    if (target & 1 != 0) != t32 {
                        thumb = !t32
                        pc = t32 ? target : target & ~1
                        break run
                    }
                    pc = t32 ? target & ~1 : target
                    if !t32 && memo.translating { arrive32(pc, memo, tlb) }
                    continue
                }
            case .b:
                // BranchWritePC (A32): PC reads as the address + 8.
                pc = (pc &+ 8 &+ p.pointee.imm) & ~3
                left &-= 1
                if memo.translating { arrive32(pc, memo, tlb) }
                continue
            case .bl:
                g[14] = pc &+ 4
                pc = (pc &+ 8 &+ p.pointee.imm) & ~3
                left &-= 1
                if memo.translating { arrive32(pc, memo, tlb) }
                continue
            case .t32B:
                // BranchWritePC (T32): PC reads as the address + 4.
                pc = (pc &+ 4 &+ p.pointee.imm) & ~1
                left &-= 1
                continue
            case .t32BL:
                g[14] = (pc &+ length) | 1
                pc = (pc &+ 4 &+ p.pointee.imm) & ~1
                left &-= 1
                continue
            case .movw:
                g[p.pointee.rd] = p.pointee.imm
            case .movt:
                g[p.pointee.rd] = g[p.pointee.rd] & 0xFFFF | p.pointee.imm << 16
            case .mul:
                g[p.pointee.rd] = g[p.pointee.rn] &* g[p.pointee.rm]
            case .mla:
                g[p.pointee.rd] = g[p.pointee.rn] &* g[p.pointee.rm] &+ g[p.pointee.rs]
            case .uxtb, .uxth:
                // ROR by 0, 8, 16 or 24, then the low byte or halfword.
                let v = g[p.pointee.rm], rotation = UInt32(p.pointee.shiftAmount) & 31
                let rotated = v >> rotation | v << ((32 &- rotation) & 31)
                g[p.pointee.rd] = rotated & (fast == .uxtb ? 0xFF : 0xFFFF)
            case .multiply:
                do { try executeMultiply(p.pointee) } catch { break run }
            case .misc:
                self.pc = UInt64(pc)   // BFI and the extends may read it
                do { try executeMisc(p.pointee) } catch { break run }
            case .cbz, .cbnz:
                // Forward from PC (this instruction + 4) when Rn is (or is not) zero.
                if (g[p.pointee.rn] == 0) == (fast == .cbz) {
                    pc = (pc &+ 4 &+ p.pointee.imm) & ~1
                    left &-= 1
                    continue
                }
            case .bx, .blxReg:
                // BXWritePC: bit 0 chooses the instruction set (an A32 target with bits 1:0 =
                // 10 faults on its fetch, on the full path).
                let target = g[p.pointee.rm]
                if fast == .blxReg { g[14] = t32 ? (pc &+ length) | 1 : pc &+ 4 }
                left &-= 1
                if (target & 1 != 0) != t32 {
                    thumb = !t32
                    pc = t32 ? target : target & ~1
                    break run
                }
                pc = t32 ? target & ~1 : target
                if !t32 && memo.translating { arrive32(pc, memo, tlb) }
                continue
            case .jitBlock:
                // A translated block (JIT/A32BlockTranslator.swift): it runs as far as it can;
                // the loop goes on where it stopped, or `step32` runs what it left.
                let r = runJIT32(p, pc: pc, pageVA: pageVA, code: code, left: left, memo, tlb)
                pc = r.0
                left = r.1
                if r.2 { continue }
                break run
            }
            pc &+= length
            left &-= 1
        }
        self.pc = UInt64(pc)
        instret &+= budget &- left
        if pageVA != 4 {
            fetch32PageVA = UInt64(pageVA)
            fetch32Host = code
        }
        return left
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
                        if thumb && inst.flags.has(.setFlagsOutsideIT) { inst.flags.insert(.setFlags) }
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
                if inst.flags.has(.notInITBlock)
                    || (inst.flags.has(.lastInITBlock) && !T32IT.isLast(it)) {
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
