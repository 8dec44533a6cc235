/// Fast forms of the hottest AArch32 instructions (docs/PERFORMANCE.md, "Hot-path rules"). When
/// the decode memo remembers an instruction it also records, in `A32Inst.fast`, whether it is one
/// of a few shapes the loop can run in place, reading the memo entry through a pointer: no copy
/// of the decoded struct, no call into the family executors. Only shapes with no PC operand, no
/// IT-dependent behaviour and no possible fault qualify, so a fast form does exactly what the
/// family executor would; a load or store whose page the host TLB does not hold returns false,
/// having changed nothing, and the full path decides.
public enum A32FastForm: UInt8 {
    case none
    /// MOV/MVN/ADD/SUB Rd, Rn, #imm without S.
    case movImm, mvnImm, addImm, subImm
    /// MOV/ADD/SUB Rd, Rn, Rm (no shift, no S).
    case movReg, addReg, subReg
    /// CMP Rn, #imm and CMP Rn, Rm (no shift).
    case cmpImm, cmpReg
    /// Any other data-processing instruction without a PC operand.
    case dataProcessing
    /// LDR/STR/LDRB/STRB Rt, [Rn, #±imm] (offset addressing, no writeback).
    case ldrImm, strImm, ldrbImm, strbImm
    /// Any other single load or store the host-TLB fast path handles (AArch32FastMemory.swift).
    case loadStore
    /// LDM/STM without ^.
    case blockTransfer
    /// A32 B and BL (the T32 ones read the PC differently and are left to the executor).
    case b, bl
    // The forms below are given to slots only (`classifySlot`): the memo path of `step32`
    // runs them through the family executors.
    /// T32 B and BL: PC reads as the address + 4, the target stays in T32.
    case t32B, t32BL
    /// BX Rm and BLX Rm, Rm not the PC: may change the instruction set.
    case bx, blxReg
    /// T32 CBZ and CBNZ.
    case cbz, cbnz
    /// MOVW and MOVT, Rd not the PC.
    case movw, movt
    /// The common multiplies and the bit-field, extend, reverse and count instructions, Rd not
    /// the PC: their family executor, called in place (it throws only before changing anything).
    case multiply, misc
    /// LDR/STR/LDRB/STRB Rt, [Rn], #±imm (post-indexed, Rn not the PC nor Rt).
    case ldrPost, strPost, ldrbPost, strbPost
    /// LDM/STM (POP/PUSH) without ^ of a nonempty list, Rn not the PC: STM without the PC in
    /// its list, LDM without it (`ldm`) and with it (`ldmPC`, LoadWritePC: a return). The slot
    /// holds the number of bytes moved in `size` (`AArch32DecodeMemo.fillSlot`).
    case stm, ldm, ldmPC
    /// LDR/STR/LDRB/STRB Rt, [Rn, ±Rm, LSL #n] (offset addressing, no PC operand).
    case ldrReg, strReg, ldrbReg, strbReg
    /// LDRH/STRH Rt, [Rn, #±imm] (offset addressing, no PC operand).
    case ldrhImm, strhImm
    /// MUL and MLA without S, and UXTB/UXTH (with their rotation, no accumulate), no PC operand:
    /// in the loop instead of a call to their family executor.
    case mul, mla, uxtb, uxth
    /// ADDS, SUBS and CMN with an immediate or an unshifted register, no PC operand: the
    /// flags from one host add or subtract (`addFlags32`, `subFlags32`). CMP is `cmpImm`/`cmpReg`.
    case addsImm, subsImm, cmnImm, addsReg, subsReg, cmnReg
    /// AND, ORR, EOR and BIC without S, with an immediate or an unshifted register.
    case andImm, orrImm, eorImm, bicImm, andReg, orrReg, eorReg, bicReg
    /// AND, EOR, ORR, ORN, BIC, MOV, MVN, TST and TEQ with S whose shifter leaves C as it is
    /// (an immediate without a rotation carry, an unshifted register): N and Z from the result,
    /// C and V kept (the 16-bit T32 ANDS/ORRS/MOVS... outside IT blocks, TST).
    case logicalFlags
    /// MOV Rd, Rm, LSL/LSR/ASR #1-31 without S (the A32 LSL, LSR and ASR by an immediate).
    case lslImm, lsrImm, asrImm
    /// The entry of a translated A32 block (JIT/A32BlockTranslator.swift): `imm` is the offset
    /// of its header in the code buffer, `cond` 0xE (the block tests every condition itself).
    case jitBlock
}

enum AArch32FastForms {
    /// The fast form of `i`, decoded in `set`; `.none` keeps it on the family executors.
    static func classify(_ i: A32Inst, _ set: InstructionSet) -> A32FastForm {
        // 16-bit T32 flag setting and the IT rules depend on ITSTATE: the loop applies them.
        if i.flags.has(.setFlagsOutsideIT) || i.flags.has(.notInITBlock)
            || i.flags.has(.lastInITBlock) { return .none }
        let s = i.flags.has(.setFlags), imm = i.flags.has(.immediate)
        let plainReg = !imm && !i.flags.has(.registerShift) && i.shift == .lsl && i.shiftAmount == 0
        switch i.op {
        case .and, .eor, .sub, .rsb, .add, .adc, .sbc, .rsc, .tst, .teq, .cmp, .cmn, .orr, .mov, .bic, .mvn, .orn:
            let isTest = i.op == .tst || i.op == .teq || i.op == .cmp || i.op == .cmn
            let usesRn = i.op != .mov && i.op != .mvn
            if (!isTest && i.rd == 15) || (usesRn && i.rn == 15) { return .none }
            if !imm && (i.rm == 15 || (i.flags.has(.registerShift) && i.rs == 15)) { return .none }
            switch i.op {
            case .mov where !s && imm: return .movImm
            case .mvn where !s && imm: return .mvnImm
            case .add where !s && imm: return .addImm
            case .sub where !s && imm: return .subImm
            case .mov where !s && plainReg: return .movReg
            case .add where !s && plainReg: return .addReg
            case .sub where !s && plainReg: return .subReg
            case .cmp where imm: return .cmpImm
            case .cmp where plainReg: return .cmpReg
            default: return .dataProcessing
            }
        case .ldr, .ldrb, .str, .strb, .ldrh, .strh, .ldrsb, .ldrsh, .ldrd, .strd:
            // The host-TLB fast path declines these itself; leave them to the executor.
            if i.flags.has(.unprivileged) || i.rd == 15 { return .none }
            let offsetOnly = imm && i.rn != 15 && i.flags.has(.preIndex) && !i.flags.has(.writeBack)
            if offsetOnly {
                switch i.op {
                case .ldr: return .ldrImm
                case .str: return .strImm
                case .ldrb: return .ldrbImm
                case .strb: return .strbImm
                default: break
                }
            }
            return .loadStore
        case .ldm, .stm:
            return i.flags.has(.userRegisters) || i.rn == 15 ? .none : .blockTransfer
        case .b where set == .a32: return .b
        case .bl where set == .a32: return .bl
        default:
            return .none
        }
    }

    /// The fast form of a slot of the fast loop (`CPU.runSlots32`), which runs outside IT
    /// blocks only: `i` already carries the flag setting of that case. The memo's forms plus
    /// T32 B/BL and BX/BLX (register).
    static func classifySlot(_ i: A32Inst, _ set: InstructionSet) -> A32FastForm {
        switch i.op {
        case .b where set != .a32: return .t32B
        case .bl where set != .a32: return .t32BL
        case .bx where i.rm != 15: return .bx
        case .blxReg where i.rm != 15: return .blxReg
        case .cbz: return .cbz
        case .cbnz: return .cbnz
        case .movw where i.rd != 15: return .movw
        case .movt where i.rd != 15: return .movt
        case .mul, .mla, .mls, .umull, .umlal, .smull, .smlal:
            if i.rd == 15 || i.rn == 15 || i.rm == 15 || i.rs == 15 { return .none }
            if i.flags.has(.setFlags) { return .multiply }
            return i.op == .mul ? .mul : i.op == .mla ? .mla : .multiply
        case .clz, .rev, .rev16, .sxtb, .sxth, .uxtb, .uxth, .ubfx, .sbfx, .bfi, .bfc:
            if i.rd == 15 { return .none }
            if (i.op == .uxtb || i.op == .uxth) && i.rn == 15 && i.rm != 15 { return i.op == .uxtb ? .uxtb : .uxth }
            return .misc
        case .and, .eor, .sub, .add, .tst, .teq, .cmn, .orr, .mov, .bic, .mvn, .orn:
            let generic = classify(i, set)
            return generic == .dataProcessing ? dataProcessingSlot(i) ?? generic : generic
        case .ldm, .stm:
            let list = i.imm & 0xFFFF
            if i.flags.has(.userRegisters) || i.rn == 15 || list == 0 { return classify(i, set) }
            if i.op == .stm { return list & 0x8000 == 0 ? .stm : classify(i, set) }
            return list & 0x8000 == 0 ? .ldm : .ldmPC
        case .ldrh, .strh:
            let offset = i.flags.has(.immediate) && i.flags.has(.preIndex) && !i.flags.has(.writeBack)
                && !i.flags.has(.unprivileged) && i.rn != 15 && i.rd != 15
            return offset ? (i.op == .ldrh ? .ldrhImm : .strhImm) : classify(i, set)
        case .ldr, .str, .ldrb, .strb:
            let registerOffset = !i.flags.has(.immediate) && i.flags.has(.preIndex) && !i.flags.has(.writeBack)
                && !i.flags.has(.unprivileged) && i.shift == .lsl && i.rn != 15 && i.rm != 15 && i.rd != 15
            if registerOffset {
                switch i.op {
                case .ldr: return .ldrReg
                case .str: return .strReg
                case .ldrb: return .ldrbReg
                default: return .strbReg
                }
            }
            let post = i.flags.has(.immediate) && !i.flags.has(.preIndex)
                && i.flags.has(.writeBack) && !i.flags.has(.unprivileged)
                && i.rn != 15 && i.rd != 15 && i.rn != i.rd
            if !post { return classify(i, set) }
            switch i.op {
            case .ldr: return .ldrPost
            case .str: return .strPost
            case .ldrb: return .ldrbPost
            default: return .strbPost
            }
        default: return classify(i, set)
        }
    }
}

extension AArch32FastForms {
    /// A data-processing slot form of its own for `i` (which has no PC operand), or nil.
    static func dataProcessingSlot(_ i: A32Inst) -> A32FastForm? {
        let s = i.flags.has(.setFlags), imm = i.flags.has(.immediate)
        if i.flags.has(.registerShift) { return nil }
        if !imm && (i.shift != .lsl || i.shiftAmount != 0) {
            guard i.op == .mov && !s && (1...31).contains(i.shiftAmount) else { return nil }
            switch i.shift {
            case .lsl: return .lslImm
            case .lsr: return .lsrImm
            case .asr: return .asrImm
            default: return nil
            }
        }
        // Here the second operand is `imm` or Rm, unshifted.
        switch i.op {
        case .add where s: return imm ? .addsImm : .addsReg
        case .sub where s: return imm ? .subsImm : .subsReg
        case .cmn: return imm ? .cmnImm : .cmnReg
        case .and where !s: return imm ? .andImm : .andReg
        case .orr where !s: return imm ? .orrImm : .orrReg
        case .eor where !s: return imm ? .eorImm : .eorReg
        case .bic where !s: return imm ? .bicImm : .bicReg
        case .and, .eor, .orr, .orn, .bic, .mov, .mvn, .tst, .teq:
            // The S forms (TST and TEQ always set the flags). A rotated immediate sets C.
            return s && !(imm && i.flags.has(.carryOut)) ? .logicalFlags : nil
        default:
            return nil
        }
    }
}

/// AddWithCarry(a, b, 0) (J1 shared pseudocode) as one host add: the sum and its NZCV.
@_transparent
func addFlags32(_ a: UInt32, _ b: UInt32) -> (UInt32, UInt32) {
    let (r, c) = a.addingReportingOverflow(b)
    let v = Int32(bitPattern: a).addingReportingOverflow(Int32(bitPattern: b)).overflow
    return (r, r & CPSR.N | (r == 0 ? CPSR.Z : 0) | (c ? CPSR.C : 0) | (v ? CPSR.V : 0))
}

/// AddWithCarry(a, NOT(b), 1), the subtraction of SUBS and CMP, as one host subtract: C is
/// "no borrow" (a >= b unsigned), V the signed overflow of a - b.
@_transparent
func subFlags32(_ a: UInt32, _ b: UInt32) -> (UInt32, UInt32) {
    let r = a &- b
    let v = Int32(bitPattern: a).subtractingReportingOverflow(Int32(bitPattern: b)).overflow
    return (r, r & CPSR.N | (r == 0 ? CPSR.Z : 0) | (a >= b ? CPSR.C : 0) | (v ? CPSR.V : 0))
}

extension CPU {
    /// Run the instruction at `p` in its fast form. False: not done, nothing changed; the
    /// caller runs the family executor. Transparent: @inline(__always) alone left it a call
    /// from the large `runAArch32` (about a tenth of the loop's host instructions).
    @_transparent
    func executeFast32(_ p: UnsafeMutablePointer<A32Inst>, _ tlb: HostTLB) -> Bool {
        switch p.pointee.fast {
        case .none:
            return false
        case .movImm:
            setR(UInt32(p.pointee.rd), p.pointee.imm)
        case .mvnImm:
            setR(UInt32(p.pointee.rd), ~p.pointee.imm)
        case .addImm:
            setR(UInt32(p.pointee.rd), r(UInt32(p.pointee.rn)) &+ p.pointee.imm)
        case .subImm:
            setR(UInt32(p.pointee.rd), r(UInt32(p.pointee.rn)) &- p.pointee.imm)
        case .movReg:
            setR(UInt32(p.pointee.rd), r(UInt32(p.pointee.rm)))
        case .addReg:
            setR(UInt32(p.pointee.rd), r(UInt32(p.pointee.rn)) &+ r(UInt32(p.pointee.rm)))
        case .subReg:
            setR(UInt32(p.pointee.rd), r(UInt32(p.pointee.rn)) &- r(UInt32(p.pointee.rm)))
        case .cmpImm:
            nzcv = addWithCarryA32(r(UInt32(p.pointee.rn)), ~p.pointee.imm, true).1
        case .cmpReg:
            nzcv = addWithCarryA32(r(UInt32(p.pointee.rn)), ~r(UInt32(p.pointee.rm)), true).1
        case .dataProcessing:
            fastDataProcessing32(p, Regs32(x, r32))
        case .ldrImm, .ldrbImm, .strImm, .strbImm:
            return fastOffsetLoadStore32(p, tlb, Regs32(x, r32))
        case .loadStore:
            return fastIndexedLoadStore32(p, tlb, Regs32(x, r32))
        case .blockTransfer:
            return fastBlockTransfer32(p.pointee, tlb)
        case .b:
            // BranchWritePC in A32: PC reads as the instruction's address + 8.
            nextPC = UInt64((UInt32(truncatingIfNeeded: pc) &+ 8 &+ p.pointee.imm) & ~3)
        case .bl:
            let here = UInt32(truncatingIfNeeded: pc)
            setR(14, here &+ 4)
            nextPC = UInt64((here &+ 8 &+ p.pointee.imm) & ~3)
        case .t32B, .t32BL, .bx, .blxReg, .cbz, .cbnz, .movw, .movt, .multiply, .misc,
             .ldrPost, .strPost, .ldrbPost, .strbPost, .stm, .ldm, .ldmPC,
             .addsImm, .subsImm, .cmnImm, .addsReg, .subsReg, .cmnReg,
             .andImm, .orrImm, .eorImm, .bicImm, .andReg, .orrReg, .eorReg, .bicReg,
             .logicalFlags, .lslImm, .lsrImm, .asrImm, .ldrReg, .strReg, .ldrbReg, .strbReg,
             .ldrhImm, .strhImm, .mul, .mla, .uxtb, .uxth, .jitBlock:
            return false   // slot forms only; the memo never holds them
        }
        return true
    }

    /// Data processing with no PC operand: `executeDataProcessing` without its PC cases.
    @_transparent
    func fastDataProcessing32(_ p: UnsafeMutablePointer<A32Inst>, _ g: Regs32) {
        let flags = p.pointee.flags
        let carry = nzcv & CPSR.C != 0
        var op2: UInt32, shifterCarry: Bool
        if flags.has(.immediate) {
            op2 = p.pointee.imm
            shifterCarry = flags.has(.carryOut) ? flags.has(.carryOne) : carry
        } else {
            let v = g[p.pointee.rm]
            let shift = p.pointee.shift
            if flags.has(.registerShift) {
                let amount = g[p.pointee.rs] & 0xFF
                if amount == 0 {
                    (op2, shifterCarry) = (v, carry)
                } else if shift == .ror {
                    let m = amount & 31
                    op2 = m == 0 ? v : (v >> m | v << (32 - m))
                    shifterCarry = op2 >> 31 != 0
                } else {
                    (op2, shifterCarry) = shiftC(v, shift, amount, carry: carry)
                }
            } else if shift == .lsl {
                // LSL #0-31, the common case, without Shift_C's general cases.
                let amount = UInt32(p.pointee.shiftAmount) & 31
                op2 = v << amount
                shifterCarry = amount == 0 ? carry : (v >> (32 - amount)) & 1 != 0
            } else {
                // LSR, ASR and ROR by #1-31 without the call to Shift_C (#0 encodes LSR/ASR #32
                // and RRX, which stay there).
                let amount = UInt32(p.pointee.shiftAmount)
                if amount == 0 || amount > 31 {
                    (op2, shifterCarry) = shiftC(v, shift, immediateShiftAmount(shift, p.pointee.shiftAmount), carry: carry)
                } else {
                    switch shift {
                    case .lsr: op2 = v >> amount
                    case .asr: op2 = UInt32(bitPattern: Int32(bitPattern: v) >> Int32(amount))
                    default: op2 = v >> amount | v << (32 - amount)   // ROR
                    }
                    shifterCarry = shift == .ror ? op2 >> 31 != 0 : (v >> (amount - 1)) & 1 != 0
                }
            }
        }
        let a = g[p.pointee.rn]
        let result: UInt32
        var arithmeticFlags: UInt32 = 0
        var arithmetic = true
        var write = true
        switch p.pointee.op {
        case .and: result = a & op2; arithmetic = false
        case .tst: result = a & op2; arithmetic = false; write = false
        case .eor: result = a ^ op2; arithmetic = false
        case .teq: result = a ^ op2; arithmetic = false; write = false
        case .orr: result = a | op2; arithmetic = false
        case .orn: result = a | ~op2; arithmetic = false
        case .bic: result = a & ~op2; arithmetic = false
        case .mov: result = op2; arithmetic = false
        case .mvn: result = ~op2; arithmetic = false
        case .sub: (result, arithmeticFlags) = addWithCarryA32(a, ~op2, true)
        case .cmp: (result, arithmeticFlags) = addWithCarryA32(a, ~op2, true); write = false
        case .rsb: (result, arithmeticFlags) = addWithCarryA32(op2, ~a, true)
        case .add: (result, arithmeticFlags) = addWithCarryA32(a, op2, false)
        case .cmn: (result, arithmeticFlags) = addWithCarryA32(a, op2, false); write = false
        case .adc: (result, arithmeticFlags) = addWithCarryA32(a, op2, carry)
        case .sbc: (result, arithmeticFlags) = addWithCarryA32(a, ~op2, carry)
        case .rsc: (result, arithmeticFlags) = addWithCarryA32(op2, ~a, carry)
        default: return   // classify gives this form to data processing only
        }
        if write { g[p.pointee.rd] = result }
        if flags.has(.setFlags) {
            if arithmetic { nzcv = arithmeticFlags } else { setNZ(result, carry: shifterCarry) }
        }
    }

    /// A single load or store with any addressing mode (the `.loadStore` form): the address as
    /// `loadStoreAddress32` computes it, the access through the host TLB as `fastLoadStore32`
    /// makes it, reading the memo entry in place. LDRD/STRD go to `fastLoadStore32` itself.
    @_transparent
    func fastIndexedLoadStore32(_ p: UnsafeMutablePointer<A32Inst>, _ h: HostTLB, _ g: Regs32) -> Bool {
        let op = p.pointee.op
        if op == .ldrd || op == .strd { return fastLoadStore32(p.pointee, h) }
        let flags = p.pointee.flags
        let rn = p.pointee.rn
        let base = rn == 15 ? alignedPC() : g[rn]
        let offset: UInt32
        if flags.has(.immediate) {
            offset = p.pointee.imm
        } else {
            let rm = p.pointee.rm
            let m = rm == 15 ? readR(15) : g[rm], shift = p.pointee.shift
            if shift == .lsl {
                offset = m << (UInt32(p.pointee.shiftAmount) & 31)
            } else {
                offset = shiftC(m, shift, immediateShiftAmount(shift, p.pointee.shiftAmount), carry: nzcv & CPSR.C != 0).0
            }
        }
        let offsetAddress = flags.has(.add) ? base &+ offset : base &- offset
        let va = UInt64(flags.has(.preIndex) ? offsetAddress : base)
        let writeBack = flags.has(.writeBack)
        let rt = p.pointee.rd
        // Loads write Rn back before Rt, stores read Rt before: as fastLoadStore32.
        switch op {
        case .ldr:
            guard let m = fastRAM(va, total: 4, elem: 4, write: false, h) else { return false }
            let v = UInt32(truncatingIfNeeded: HostRAM.load32(m))
            if writeBack { g[rn] = offsetAddress }
            g[rt] = v
        case .ldrb, .ldrsb:
            guard let m = fastRAM(va, total: 1, elem: 1, write: false, h) else { return false }
            let b = UInt8(truncatingIfNeeded: HostRAM.load8(m))
            if writeBack { g[rn] = offsetAddress }
            g[rt] = op == .ldrb ? UInt32(b) : UInt32(bitPattern: Int32(Int8(bitPattern: b)))
        case .ldrh, .ldrsh:
            guard let m = fastRAM(va, total: 2, elem: 2, write: false, h) else { return false }
            let v = UInt16(truncatingIfNeeded: HostRAM.load16(m))
            if writeBack { g[rn] = offsetAddress }
            g[rt] = op == .ldrh ? UInt32(v) : UInt32(bitPattern: Int32(Int16(bitPattern: v)))
        case .str:
            guard let m = fastRAM(va, total: 4, elem: 4, write: true, h) else { return false }
            HostRAM.store32(m, UInt64(g[rt]))
            if writeBack { g[rn] = offsetAddress }
        case .strb:
            guard let m = fastRAM(va, total: 1, elem: 1, write: true, h) else { return false }
            HostRAM.store8(m, UInt64(g[rt]))
            if writeBack { g[rn] = offsetAddress }
        case .strh:
            guard let m = fastRAM(va, total: 2, elem: 2, write: true, h) else { return false }
            HostRAM.store16(m, UInt64(g[rt]))
            if writeBack { g[rn] = offsetAddress }
        default:
            return false
        }
        return true
    }

    /// LDR/STR/LDRB/STRB with an immediate offset and no writeback, through the host TLB.
    @inline(__always)
    func fastOffsetLoadStore32(_ p: UnsafeMutablePointer<A32Inst>, _ h: HostTLB, _ g: Regs32) -> Bool {
        let base = g[p.pointee.rn], imm = p.pointee.imm
        let va = UInt64(p.pointee.flags.has(.add) ? base &+ imm : base &- imm)
        let rt = p.pointee.rd
        switch p.pointee.fast {
        case .ldrImm:
            guard let m = fastRAM(va, total: 4, elem: 4, write: false, h) else { return false }
            g[rt] = UInt32(truncatingIfNeeded: HostRAM.load32(m))
        case .strImm:
            guard let m = fastRAM(va, total: 4, elem: 4, write: true, h) else { return false }
            HostRAM.store32(m, UInt64(g[rt]))
        case .ldrbImm:
            guard let m = fastRAM(va, total: 1, elem: 1, write: false, h) else { return false }
            g[rt] = UInt32(UInt8(truncatingIfNeeded: HostRAM.load8(m)))
        default:
            guard let m = fastRAM(va, total: 1, elem: 1, write: true, h) else { return false }
            HostRAM.store8(m, UInt64(g[rt]))
        }
        return true
    }
}

extension CPU {
    /// The address of a `.ldrReg`-style slot: Rn ± (Rm LSL #n).
    @_transparent
    func registerOffsetAddress32(_ p: UnsafeMutablePointer<A32Inst>, _ g: Regs32) -> UInt64 {
        let base = g[p.pointee.rn], offset = g[p.pointee.rm] << (UInt32(p.pointee.shiftAmount) & 31)
        return UInt64(p.pointee.flags.has(.add) ? base &+ offset : base &- offset)
    }
}

extension A32Flags {
    /// `contains` for one flag, `@_transparent`: the generic `OptionSet.contains` is only
    /// inlinable, and the optimiser leaves it a call in a caller as large as `runSlots32`.
    @_transparent
    func has(_ flag: A32Flags) -> Bool { rawValue & flag.rawValue != 0 }
}

/// The registers of the current mode for the fast paths: R[n] is X[bank[n]]. Held in locals by
/// the fast loop, which runs no mode change, so that each access is two loads, not four (a
/// store through `x` may alias the CPU's `r32` field, so `r(_:)` reloads it every time).
@frozen @usableFromInline
struct Regs32 {
    let x: UnsafeMutablePointer<UInt64>
    let bank: UnsafeMutablePointer<UInt8>

    @_transparent init(_ x: UnsafeMutablePointer<UInt64>, _ bank: UnsafeMutablePointer<UInt8>) {
        self.x = x
        self.bank = bank
    }

    /// R[n], n < 15 (a PC operand is the caller's case).
    @inline(__always) subscript(n: UInt8) -> UInt32 {
        get { UInt32(truncatingIfNeeded: x[Int(bank[Int(n & 15)])]) }
        nonmutating set { x[Int(bank[Int(n & 15)])] = UInt64(newValue) }
    }
}
