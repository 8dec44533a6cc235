/// Fast forms (docs/PERFORMANCE.md, "Hot-path rules"): the decode cache rewrites the group byte of
/// the hottest encodings to a group of their own (see `InstGroup`), chosen once per decoded slot,
/// so that `CPU.run` reaches a handler of two to five host operations with one switch: no second
/// switch on the op, no test of sf, of the shift type or of a load's sign.
///
/// A fast form keeps every field its group's decoder wrote: the full path (`execute`) runs it
/// as `genericGroup`, so traces, faults and single-stepping see exactly the generic
/// instruction. What a fast form adds goes only into fields its generic group leaves unused:
/// B.cond's condition as a table entry in `rd` and `rn` (`InstRef.conditionMask`), and an
/// immediate branch's in-page target in `rm` and `ra` (`linkBranch`). The fused
/// compare-and-branch groups (`fuse`) have the compare's generic group.
extension InstGroup {
    /// The encoding group a fast form belongs to; a group that is not a fast form is its own.
    public var genericGroup: InstGroup {
        switch self {
        case .addImm64, .addImm32, .subImm64, .subImm32, .subsImm64, .subsImm32, .addsImm64, .addsImm32,
             .andImm, .orrImm64, .eorImm64, .movImm, .ubfm64, .ubfm32, .adr, .adrp, .sbfm64, .extr64, .extr32:
            return .dataProcessingImmediate
        case .subsImm64BCond, .subsImm32BCond:
            return .dataProcessingImmediate
        case .andReg64, .orrReg64, .eorReg64, .addReg64, .subReg64, .subsReg64, .andsReg64,
             .andReg32, .orrReg32, .eorReg32, .addReg32, .subReg32, .subsReg32, .andsReg32, .madd64, .madd32,
             .andLsr64, .orrLsr64, .eorLsr64, .addLsr64, .subLsr64, .andLsr32, .orrLsr32, .eorLsr32, .addLsr32,
             .subLsr32,
             .subsReg64BCond, .subsReg32BCond, .andsReg64BCond, .andsReg32BCond,
             .csel64, .csel32, .csinc64, .csinc32, .addExt64:
            return .dataProcessingRegister
        case .branch26, .branchLink, .branchCond, .cbz64, .cbnz64, .cbz32, .cbnz32, .tbz, .tbnz, .branchReg,
             .branchLinkReg:
            return .branch
        case .ldr8, .ldr16, .ldr32, .ldr64, .str8, .str16, .str32, .str64,
             .ldrReg32, .ldrReg64, .ldr8Post, .ldp64, .ldp64Post, .stp64, .stp64Pre, .strReg32, .strReg64:
            return .loadStore
        case .sysNop, .dcByVA, .dcZVA, .mrsSPEL0, .mrsTPIDREL1, .mrsDAIF:
            return .system
        default:
            return self
        }
    }

    /// The fused compare-and-branch form of a flag-setting fast form, or nil.
    var fusedWithBCond: InstGroup? {
        switch self {
        case .subsImm64: return .subsImm64BCond
        case .subsImm32: return .subsImm32BCond
        case .subsReg64: return .subsReg64BCond
        case .subsReg32: return .subsReg32BCond
        case .andsReg64: return .andsReg64BCond
        case .andsReg32: return .andsReg32BCond
        default: return nil
        }
    }

    /// A fused compare-and-branch group, whose slot's successor must stay a B.cond.
    var isFused: Bool {
        rawValue >= InstGroup.subsImm64BCond.rawValue && rawValue <= InstGroup.andsReg32BCond.rawValue
    }
}

enum FastForms {
    /// The fast form of a decoded instruction, or the instruction unchanged.
    static func specialize(_ i: Inst) -> Inst {
        var f = i
        let sf = i.b != 0
        switch i.group {
        case .dataProcessingImmediate:
            switch i.opcode(as: DPImmOp.self) {
            case .add: f.group = sf ? .addImm64 : .addImm32
            case .sub: f.group = sf ? .subImm64 : .subImm32
            case .adds: f.group = sf ? .addsImm64 : .addsImm32
            case .subs: f.group = sf ? .subsImm64 : .subsImm32
            case .and: f.group = .andImm          // the mask is already truncated to the datasize
            case .orr where sf: f.group = .orrImm64
            case .eor where sf: f.group = .eorImm64
            case .mov: f.group = .movImm          // MOVZ/MOVN: imm is the final value
            case .ubfm: f.group = sf ? .ubfm64 : .ubfm32
            case .sbfm where sf: f.group = .sbfm64
            case .extr: f.group = sf ? .extr64 : .extr32
            case .adr: f.group = .adr
            case .adrp: f.group = .adrp
            default: break
            }
        case .dataProcessingRegister:
            let op = i.opcode(as: DPRegOp.self)
            switch op {
            case .madd:
                f.group = sf ? .madd64 : .madd32
                return f
            case .csel, .csinc:
                f.group = op == .csel ? (sf ? .csel64 : .csel32) : (sf ? .csinc64 : .csinc32)
                f.imm = UInt64(CPU.conditionTable(i.a))
                return f
            case .addExt where sf:
                f.group = .addExt64
                return f
            default:
                break
            }
            // Shifted-register forms: `imm` is the shift amount (`a` the type), so a handler
            // is one shift and the operation.
            if i.a == ShiftType.lsl.rawValue {
                switch op {
                case .and: f.group = sf ? .andReg64 : .andReg32
                case .orr: f.group = sf ? .orrReg64 : .orrReg32
                case .eor: f.group = sf ? .eorReg64 : .eorReg32
                case .add: f.group = sf ? .addReg64 : .addReg32
                case .sub: f.group = sf ? .subReg64 : .subReg32
                case .subs: f.group = sf ? .subsReg64 : .subsReg32
                case .ands: f.group = sf ? .andsReg64 : .andsReg32
                default: break
                }
            } else if i.a == ShiftType.lsr.rawValue {
                switch op {
                case .and: f.group = sf ? .andLsr64 : .andLsr32
                case .orr: f.group = sf ? .orrLsr64 : .orrLsr32
                case .eor: f.group = sf ? .eorLsr64 : .eorLsr32
                case .add: f.group = sf ? .addLsr64 : .addLsr32
                case .sub: f.group = sf ? .subLsr64 : .subLsr32
                default: break
                }
            }
        case .branch:
            switch i.opcode(as: BranchOp.self) {
            case .b: f.group = .branch26
            case .bl: f.group = .branchLink
            case .bcond:
                f.group = .branchCond
                let mask = CPU.conditionTable(i.a)
                f.rd = UInt8(truncatingIfNeeded: mask)
                f.rn = UInt8(truncatingIfNeeded: mask >> 8)
            case .cbz: f.group = sf ? .cbz64 : .cbz32
            case .cbnz: f.group = sf ? .cbnz64 : .cbnz32
            case .tbz: f.group = .tbz
            case .tbnz: f.group = .tbnz
            case .br, .ret: f.group = .branchReg
            case .blr: f.group = .branchLinkReg
            case .eret: break
            }
        case .loadStore:
            // Sign-extending and unprivileged forms stay generic.
            guard i.b & (LSFlag.signed | LSFlag.unprivileged) == 0 else { return i }
            switch (i.opcode(as: LoadStoreOp.self), i.a) {
            case (.load, 0): f.group = .ldr8
            case (.load, 1): f.group = .ldr16
            case (.load, 2): f.group = .ldr32
            case (.load, 3): f.group = .ldr64
            case (.store, 0): f.group = .str8
            case (.store, 1): f.group = .str16
            case (.store, 2): f.group = .str32
            case (.store, 3): f.group = .str64
            case (.loadRegister, 2) where i.imm & LSIndex.word == 0: f.group = .ldrReg32
            case (.loadRegister, 3) where i.imm & LSIndex.word == 0: f.group = .ldrReg64
            case (.storeRegister, 2) where i.imm & LSIndex.word == 0: f.group = .strReg32
            case (.storeRegister, 3) where i.imm & LSIndex.word == 0: f.group = .strReg64
            case (.loadPost, 0): f.group = .ldr8Post
            case (.loadPair, 3): f.group = .ldp64
            case (.loadPairPost, 3): f.group = .ldp64Post
            case (.storePair, 3): f.group = .stp64
            case (.storePairPre, 3): f.group = .stp64Pre
            default: break
            }
        case .system:
            switch i.opcode(as: SystemOp.self) {
            case .nop, .barrier: f.group = .sysNop
            case .mrs where i.b == 0:
                switch SysReg(rawValue: Int(i.imm & 0xFFFF)) {
                case .SP_EL0: f.group = .mrsSPEL0
                case .TPIDR_EL1: f.group = .mrsTPIDREL1
                case .DAIF: f.group = .mrsDAIF
                default: break
                }
            case .sys:
                switch SysOp(rawValue: i.imm & 0xFFFF_FFFF) {
                case .dcCVAC, .dcCVAU, .dcCIVAC, .icIVAU: f.group = .dcByVA
                case .dcZVA: f.group = .dcZVA
                default: break
                }
            default: break
            }
        default:
            break
        }
        return f
    }

    /// Record where an immediate branch in `slot` of its page goes, when that is a slot of the
    /// same page: the run loop then moves its slot pointer with no address arithmetic. Page
    /// offsets are the same in the VA and the PA (every translation granule is at least 4 KiB),
    /// so this depends on nothing but the slot.
    static func linkBranch(_ i: inout Inst, slot: Int) {
        switch i.group {
        case .branch26, .branchLink, .branchCond, .cbz64, .cbnz64, .cbz32, .cbnz32, .tbz, .tbnz:
            let t = slot &+ Int(truncatingIfNeeded: Int64(bitPattern: i.imm) >> Int64(DecodeCache.slotShift))
            guard t >= 0 && t < DecodeCache.slotsPerPage else { return }
            i.rm = UInt8(truncatingIfNeeded: t &+ 1)
            i.ra = UInt8(truncatingIfNeeded: (t &+ 1) >> 8)
        default:
            break
        }
    }

    /// Fuse a flag-setting compare in `slot` with a B.cond in `slot + 1` of page `p`, looking
    /// both ways from a slot just decoded (`i`, not yet stored). A write to a B.cond's slot
    /// empties the slot before it as well (`DecodeCache.invalidate`), which undoes the fusion.
    static func fuse(_ i: inout Inst, in p: UnsafeMutablePointer<Inst>, slot: Int) {
        if i.group == .branchCond, slot > 0, let f = p[slot - 1].group.fusedWithBCond {
            p[slot - 1].group = f
        } else if let f = i.group.fusedWithBCond, slot < 1023, p[slot + 1].group == .branchCond {
            i.group = f
        }
    }
}

/// NZCV of SUBS/CMP at 64 bits, in PSTATE positions: AddWithCarry(a, NOT b, 1) written as
/// the host's own subtract: C is "no borrow" (a >= b) and V the signed overflow, which the
/// compiler reads from the flags of one host SUB.
@inline(__always)
func subtractFlags64(_ a: UInt64, _ b: UInt64, _ r: UInt64) -> UInt32 {
    let v = Int64(bitPattern: a).subtractingReportingOverflow(Int64(bitPattern: b)).overflow
    return (Int64(bitPattern: r) < 0 ? 1 << 31 : 0) | (r == 0 ? 1 << 30 : 0) | (a >= b ? 1 << 29 : 0)
        | (v ? 1 << 28 : 0)
}

/// NZCV of SUBS/CMP at 32 bits.
@inline(__always)
func subtractFlags32(_ a: UInt32, _ b: UInt32, _ r: UInt32) -> UInt32 {
    let v = Int32(bitPattern: a).subtractingReportingOverflow(Int32(bitPattern: b)).overflow
    return (Int32(bitPattern: r) < 0 ? 1 << 31 : 0) | (r == 0 ? 1 << 30 : 0) | (a >= b ? 1 << 29 : 0)
        | (v ? 1 << 28 : 0)
}

// The helpers below take the register file `x` as an argument: the run loop keeps it in a
// local, and reading the CPU's property instead reloads it from the object every time.

/// The second operand of a fast shifted-register form with LSL: Rm shifted by `imm` (the
/// decoder checked the amount against the datasize).
@_transparent
func fastShifted64(_ i: InstRef, _ x: UnsafeMutablePointer<UInt64>) -> UInt64 {
    x[Int(i.rm)] &<< i.imm
}

@_transparent
func fastShifted32(_ i: InstRef, _ x: UnsafeMutablePointer<UInt64>) -> UInt32 {
    UInt32(truncatingIfNeeded: x[Int(i.rm)]) &<< UInt32(truncatingIfNeeded: i.imm)
}

/// The same with LSR.
@_transparent
func fastShiftedRight64(_ i: InstRef, _ x: UnsafeMutablePointer<UInt64>) -> UInt64 {
    x[Int(i.rm)] &>> i.imm
}

@_transparent
func fastShiftedRight32(_ i: InstRef, _ x: UnsafeMutablePointer<UInt64>) -> UInt32 {
    UInt32(truncatingIfNeeded: x[Int(i.rm)]) &>> UInt32(truncatingIfNeeded: i.imm)
}

extension CPU {
    /// Where a fast load or store of `size` bytes (in elements of `elem`) at Xn + `offset`
    /// is in host RAM, or nil for the full path: SP as the base and not 16-byte aligned (the
    /// full path decides whether that faults, SCTLR_ELx.SA), or no host TLB hit (`fastRAM`).
    @_transparent
    func fastAddress(_ i: InstRef, _ x: UnsafeMutablePointer<UInt64>, offset: UInt64, size: UInt64,
                     elem: UInt64 = 0, write: Bool, _ tlb: HostTLB) -> UnsafeMutableRawPointer? {
        let base = x[Int(i.rn)]
        if i.rn == Reg.sp && base & 15 != 0 { return nil }
        return fastRAM(base &+ offset, total: size, elem: elem == 0 ? size : elem, write: write, tlb)
    }
}
