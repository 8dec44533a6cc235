/// The A32 decoder (ARM DDI 0487, F4.1 "A32 instruction set encoding"): the top-level split on
/// cond and op0 picks one of the Arm ARM's encoding groups, and each group is an ordered table of
/// `A32Encoding` rows whose patterns are drawn as the manual draws them. Where the Arm ARM gives
/// one space several encodings, the earlier row wins and the table's `priorities` say why.
/// Unallocated encodings decode to `.undefined`; nothing here traps.
/// VFP (coprocessors 10 and 11) decodes to `.vfp` and Advanced SIMD (the cond=1111 SIMD space)
/// to `.neon`, both carrying encoding bits their executors decode.
public enum A32Decoder {
    public static func decode(_ w: UInt32) -> A32Inst {
        let cond = UInt8(w >> 28)
        var i = table(for: w).decode(w)
        i.cond = cond == 0xF ? 0xE : cond
        return i
    }

    /// F4.1: cond = 1111 is the unconditional space whatever op0 says; otherwise op0 (27:25).
    public static func table(for w: UInt32) -> A32Table {
        if w >> 28 == 0xF { return unconditional }
        switch (w >> 25) & 7 {
        case 0b000, 0b001: return dataProcessingAndMiscellaneous
        case 0b010, 0b011: return loadStoreWordByteAndMedia
        case 0b100, 0b101: return branchAndBlockTransfer
        default: return coprocessorAndSVC
        }
    }

    /// Every table, for DecoderTableTests.
    public static var tables: [A32Table] {
        [dataProcessingAndMiscellaneous, loadStoreWordByteAndMedia, branchAndBlockTransfer, coprocessorAndSVC, unconditional]
    }

    static func row(_ name: String, _ pattern: String, _ decode: @escaping (A32Fields) -> A32Inst) -> A32Encoding {
        A32Encoding(.a32, name, pattern, decode)
    }

    /// A pattern's fixed bits for a field value, most significant first.
    static func bits(_ v: Int, _ count: Int) -> String {
        String((0..<count).map { (v >> (count - 1 - $0)) & 1 == 0 ? "0" : "1" })
    }

    /// An operation with its usual register fields, as most rows build it.
    static func inst(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn; i.rm = f.rm
        return i
    }

    /// ARMExpandImm_C (F1.4.x "Modified immediate constants in A32 instructions"): imm8 rotated
    /// right by twice the rotation. A nonzero rotation sets the shifter carry to bit 31.
    static func modifiedImmediate(imm8: UInt32, rotate: UInt32, into i: inout A32Inst) {
        let rot = rotate * 2
        let value = rot == 0 ? imm8 : imm8 >> rot | imm8 << ((32 - rot) & 31)
        i.imm = value
        i.flags.insert(.immediate)
        if rot != 0 {
            i.flags.insert(.carryOut)
            if value >> 31 != 0 { i.flags.insert(.carryOne) }
        }
    }

    /// The P, U, W addressing bits of loads and stores: post-indexing always writes back, and
    /// P = 0 with W = 1 is the unprivileged (T) form.
    static func addressing(_ f: A32Fields, into i: inout A32Inst) {
        if f.P { i.flags.insert(.preIndex) }
        if f.U { i.flags.insert(.add) }
        if !f.P || f.W { i.flags.insert(.writeBack) }
        if !f.P && f.W { i.flags.insert(.unprivileged) }
    }

    // MARK: Data-processing and miscellaneous instructions (op0 = 00x)

    static let dataOps: [(name: String, op: A32Op)] = [
        ("AND", .and), ("EOR", .eor), ("SUB", .sub), ("RSB", .rsb), ("ADD", .add), ("ADC", .adc),
        ("SBC", .sbc), ("RSC", .rsc), ("TST", .tst), ("TEQ", .teq), ("CMP", .cmp), ("CMN", .cmn),
        ("ORR", .orr), ("MOV", .mov), ("BIC", .bic), ("MVN", .mvn)]

    /// Each data-processing operation in its three forms (F4.1.x "Data-processing register",
    /// "... register-shifted register", "... immediate"). TST, TEQ, CMP and CMN exist only with
    /// S = 1: S = 0 there is the miscellaneous space.
    static var dataProcessingRows: [A32Encoding] {
        dataOps.enumerated().flatMap { opc, entry -> [A32Encoding] in
            let o = bits(opc, 4)
            let test = opc >> 2 == 0b10
            let s = test ? "1" : "S"
            let op = entry.op
            return [
                row("\(entry.name) (register)", "cccc 000\(o)\(s) nnnn dddd iiii iyy0 mmmm") { f in
                    var i = inst(op, f)
                    if test || f.S { i.flags.insert(.setFlags) }
                    i.shift = f.shiftType
                    i.shiftAmount = UInt8(f.imm)
                    return i
                },
                row("\(entry.name) (register-shifted register)", "cccc 000\(o)\(s) nnnn dddd ssss 0yy1 mmmm") { f in
                    // Rd, Rn, Rm or Rs = PC is UNPREDICTABLE; UNDEFINED here.
                    if f.rd == 15 || f.rn == 15 || f.rm == 15 || f.rs == 15 { return A32Inst(.undefined) }
                    var i = inst(op, f)
                    if test || f.S { i.flags.insert(.setFlags) }
                    i.shift = f.shiftType
                    i.rs = f.rs
                    i.flags.insert(.registerShift)
                    return i
                },
                row("\(entry.name) (immediate)", "cccc 001\(o)\(s) nnnn dddd rrrr iiii iiii") { f in
                    var i = A32Inst(op)
                    i.rd = f.rd; i.rn = f.rn
                    if test || f.S { i.flags.insert(.setFlags) }
                    modifiedImmediate(imm8: f.imm, rotate: f.rotate, into: &i)
                    return i
                },
            ]
        }
    }

    static let multiplyOps: [(name: String, op: A32Op, s: String)] = [
        ("MUL", .mul, "S"), ("MLA", .mla, "S"), ("UMAAL", .umaal, "0"), ("MLS", .mls, "0"),
        ("UMULL", .umull, "S"), ("UMLAL", .umlal, "S"), ("SMULL", .smull, "S"), ("SMLAL", .smlal, "S")]

    /// Multiply and accumulate (F4.1.x): Rd (or RdHi) in 19:16, Ra (or RdLo) in 15:12, Rm in
    /// 11:8, Rn in 3:0; the executors take them as rd, rs, rm, rn.
    static var multiplyRows: [A32Encoding] {
        multiplyOps.enumerated().map { opc, entry in
            let long = opc >= 4 || entry.op == .umaal
            let pattern = long ? "cccc 0000 \(bits(opc, 3))\(entry.s) hhhh llll mmmm 1001 nnnn"
                               : "cccc 0000 \(bits(opc, 3))\(entry.s) dddd aaaa mmmm 1001 nnnn"
            let op = entry.op
            return row(entry.name, pattern) { f in
                var i = A32Inst(op)
                if f.S { i.flags.insert(.setFlags) }
                i.rd = long ? f.rdHi : f.rd
                i.rs = long ? f.rdLo : f.ra
                i.rm = f.rm; i.rn = f.rn
                return i
            }
        }
    }

    /// Load/store exclusive and load-acquire/store-release (F4.1.x "Synchronization
    /// primitives"): size (22:21) is word, doubleword, byte, halfword. SWP and SWPB are gone
    /// in ARMv8. The loads put Rt in rd; the stores Rt in rm and the status Rd in rs.
    static var synchronizationRows: [A32Encoding] {
        func ordered(_ load: Bool, _ kind: String, _ name: String) -> A32Encoding {
            let pattern = load ? "cccc 0001 1zz1 nnnn tttt 11\(kind) 1001 mmmm"
                               : "cccc 0001 1zz0 nnnn dddd 11\(kind) 1001 tttt"
            return row(name, pattern) { f in
                var i: A32Inst
                switch kind {
                case "11": i = A32Inst(load ? .ldrex : .strex); i.flags.insert(.exclusive)
                case "10": i = A32Inst(load ? .ldrex : .strex); i.flags.formUnion([.exclusive, .spsr])   // acquire/release
                default:
                    if f.size == 0b01 { return A32Inst(.undefined) }   // no doubleword LDA/STL
                    i = A32Inst(load ? .lda : .stl)
                }
                i.size = [4, 8, 1, 2][Int(f.size & 3)]
                i.rn = f.rn
                if load {
                    i.rd = f.rt; i.rm = f.rm
                    i.flags.insert(.load)
                } else {
                    i.rd = f.rd; i.rs = f.rd; i.rm = f.rt
                }
                if i.size == 8 {
                    // LDREXD/STREXD (and LDAEXD/STLEXD): Rt even and not R14; Rt2 = Rt + 1 goes in rs
                    // for a load and in rd for a store (T32 names Rt2 freely; see executeExclusive32).
                    let rt = f.rt
                    if rt & 1 != 0 || rt == 14 { return A32Inst(.undefined) }
                    if load { i.rs = rt + 1 } else { i.rd = rt + 1 }
                }
                return i
            }
        }
        return [ordered(true, "11", "LDREX"), ordered(false, "11", "STREX"),
                ordered(true, "10", "LDAEX"), ordered(false, "10", "STLEX"),
                ordered(true, "00", "LDA"), ordered(false, "00", "STL")]
    }

    /// Extra load/store (F4.1.x "Extra load/store"): op2 (6:5) and L pick the operation; I
    /// (bit 22) an imm4H:imm4L offset or Rm. P = 0 with W = 1 is the unprivileged form.
    static var extraLoadStoreRows: [A32Encoding] {
        let ops: [(name: String, op: A32Op, L: String, op2: String)] = [
            ("STRH", .strh, "0", "1011"), ("LDRH", .ldrh, "1", "1011"), ("LDRD", .ldrd, "0", "1101"),
            ("LDRSB", .ldrsb, "1", "1101"), ("STRD", .strd, "0", "1111"), ("LDRSH", .ldrsh, "1", "1111")]
        return ops.flatMap { entry -> [A32Encoding] in
            [(true, "iiii", "iiii"), (false, "----", "mmmm")].map { immediate, high, low in
                let pattern = "cccc 000P U\(immediate ? 1 : 0)W\(entry.L) nnnn tttt \(high) \(entry.op2) \(low)"
                return row("\(entry.name) (\(immediate ? "immediate" : "register"))", pattern) { f in
                    let op = entry.op
                    var i = A32Inst(op)
                    i.rd = f.rt; i.rn = f.rn
                    addressing(f, into: &i)
                    // There are no unprivileged doubleword forms.
                    if i.flags.contains(.unprivileged) && (op == .ldrd || op == .strd) { return A32Inst(.undefined) }
                    if immediate {
                        i.flags.insert(.immediate)
                        i.imm = f.imm
                    } else {
                        i.rm = f.rm
                    }
                    if op == .ldrd || op == .strd {
                        // Rt even and not R14 (Rt2 = R15 is UNPREDICTABLE); Rt2 = Rt + 1 goes in rs, where
                        // the T32 decoder puts its free Rt2.
                        if i.rd & 1 != 0 || i.rd == 14 { return A32Inst(.undefined) }
                        i.rs = i.rd + 1
                    }
                    return i
                }
            }
        }
    }

    /// Miscellaneous (F4.1.x "Miscellaneous"): op0 = 10xx0 with bit 7 clear.
    static var miscellaneousRows: [A32Encoding] {
        [
            // MRS/MSR (banked register): R selects an SPSR, and SYSm = M:M1 (bit 8, bits 19:16).
            row("MRS (Banked register)", "cccc 0001 0R00 iiii dddd --1M 0000 mmmm") { f in
                var i = A32Inst(.mrsBanked)
                i.imm = (f.R ? 0x20 : 0) | (f.M ? 0x10 : 0) | f.imm
                i.rd = f.rd; i.rm = f.rm
                return i
            },
            row("MSR (Banked register)", "cccc 0001 0R10 iiii ---- --1M 0000 nnnn") { f in
                var i = A32Inst(.msrBanked)
                i.imm = (f.R ? 0x20 : 0) | (f.M ? 0x10 : 0) | f.imm
                i.rm = f.rn
                return i
            },
            row("MRS", "cccc 0001 0R00 ---- dddd --0- 0000 ----") { f in
                var i = A32Inst(.mrs)
                i.rd = f.rd
                if f.R { i.flags.insert(.spsr) }
                return i
            },
            row("MSR (register)", "cccc 0001 0R10 kkkk ---- --0- 0000 nnnn") { f in
                var i = A32Inst(.msr)
                i.rm = f.rn
                i.rn = UInt8(f.mask)
                if f.R { i.flags.insert(.spsr) }
                return i
            },
            row("BX", "cccc 0001 0010 ---- ---- ---- 0001 mmmm") { f in var i = A32Inst(.bx); i.rm = f.rm; return i },
            row("CLZ", "cccc 0001 0110 ---- dddd ---- 0001 mmmm") { f in
                var i = A32Inst(.clz); i.rd = f.rd; i.rm = f.rm; return i
            },
            // BXJ: Jazelle is not implemented, so it is BX.
            row("BXJ", "cccc 0001 0010 ---- ---- ---- 0010 mmmm") { f in var i = A32Inst(.bx); i.rm = f.rm; return i },
            row("BLX (register)", "cccc 0001 0010 ---- ---- ---- 0011 mmmm") { f in var i = A32Inst(.blxReg); i.rm = f.rm; return i },
            // CRC32{C}{B,H,W} (ARMv8): sz in bits 22:21, C in bit 9.
            row("CRC32", "cccc 0001 0zz0 nnnn dddd --C- 0100 mmmm") { f in
                crc32(castagnoli: f.C, sizeLog2: f.size, rd: f.rd, rn: f.rn, rm: f.rm)
            },
            row("QADD", "cccc 0001 0000 nnnn dddd ---- 0101 mmmm") { f in inst(.qadd, f) },
            row("QSUB", "cccc 0001 0010 nnnn dddd ---- 0101 mmmm") { f in inst(.qsub, f) },
            row("QDADD", "cccc 0001 0100 nnnn dddd ---- 0101 mmmm") { f in inst(.qdadd, f) },
            row("QDSUB", "cccc 0001 0110 nnnn dddd ---- 0101 mmmm") { f in inst(.qdsub, f) },
            row("ERET", "cccc 0001 0110 ---- ---- ---- 0110 ----") { _ in A32Inst(.eret) },
            row("HLT", "cccc 0001 0000 iiii iiii iiii 0111 iiii") { f in var i = A32Inst(.hlt); i.imm = f.imm; return i },
            row("BKPT", "cccc 0001 0010 iiii iiii iiii 0111 iiii") { f in var i = A32Inst(.bkpt); i.imm = f.imm; return i },
            row("HVC", "cccc 0001 0100 iiii iiii iiii 0111 iiii") { f in var i = A32Inst(.hvc); i.imm = f.imm; return i },
            row("SMC", "cccc 0001 0110 ---- ---- ---- 0111 iiii") { f in var i = A32Inst(.smc); i.imm = f.imm; return i },
        ]
    }

    /// Halfword multiply and accumulate (F4.1.x): op0 = 10xx0 with bits 7:4 = 1xx0. M and N
    /// (bits 6 and 5) pick the top halves of Rm and Rn.
    static var halfwordMultiplyRows: [A32Encoding] {
        func multiply(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in
                var i = A32Inst(op)
                if op == .smulwy { i.flags.insert(.topN) }   // bit 5 tells SMULW from SMLAW
                i.rd = op == .smlalxy ? f.rdHi : f.rd
                i.rs = op == .smlalxy ? f.rdLo : f.ra
                i.rn = f.rn; i.rm = f.rm
                if f.N { i.flags.insert(.topN) }
                if f.M { i.flags.insert(.topM) }
                return i
            }
        }
        return [multiply("SMLA<x><y>", .smlaxy, "cccc 0001 0000 dddd aaaa mmmm 1MN0 nnnn"),
                multiply("SMLAW<y>", .smlawy, "cccc 0001 0010 dddd aaaa mmmm 1M00 nnnn"),
                multiply("SMULW<y>", .smulwy, "cccc 0001 0010 dddd aaaa mmmm 1M10 nnnn"),
                multiply("SMLAL<x><y>", .smlalxy, "cccc 0001 0100 hhhh llll mmmm 1MN0 nnnn"),
                multiply("SMUL<x><y>", .smulxy, "cccc 0001 0110 dddd aaaa mmmm 1MN0 nnnn")]
    }

    /// CRC32 and CRC32C of a byte, halfword or word (ARM DDI 0487, F5.1 "CRC32", "CRC32C"):
    /// Rd = CRC(Rn, the low 2^sz bytes of Rm). sz = 3 and PC operands are CONSTRAINED
    /// UNPREDICTABLE: UNDEFINED here. Shared by the T32 decoder.
    static func crc32(castagnoli: Bool, sizeLog2: UInt32, rd: UInt8, rn: UInt8, rm: UInt8) -> A32Inst {
        if sizeLog2 == 3 || rd == 15 || rn == 15 || rm == 15 { return A32Inst(.undefined) }
        var i = A32Inst(castagnoli ? .crc32c : .crc32)
        i.rd = rd; i.rn = rn; i.rm = rm
        i.size = UInt8(1 << sizeLog2)
        return i
    }

    /// op0 = 00x: data processing, multiplies, synchronization, extra loads and stores, the
    /// miscellaneous instructions, MOVW/MOVT, MSR (immediate) and the hints.
    public static let dataProcessingAndMiscellaneous = A32Table(
        "Data-processing and miscellaneous instructions",
        multiplyRows + synchronizationRows + extraLoadStoreRows + miscellaneousRows + halfwordMultiplyRows + [
            row("MOVW", "cccc 0011 0000 iiii dddd iiii iiii iiii") { f in var i = A32Inst(.movw); i.rd = f.rd; i.imm = f.imm; return i },
            row("MOVT", "cccc 0011 0100 iiii dddd iiii iiii iiii") { f in var i = A32Inst(.movt); i.rd = f.rd; i.imm = f.imm; return i },
            // Hints: MSR (immediate) with R = 0 and mask = 0 (F4.1.x "Move special register and
            // hints (immediate)"); the unallocated hints, DBG and CSDB execute as NOP.
            row("Hints", "cccc 0011 0010 0000 ---- ---- oooo oooo") { f in
                let hints: [A32Op] = [.nop, .yield, .wfe, .wfi, .sev, .sevl]
                return A32Inst(f.op < 6 ? hints[Int(f.op)] : .nop)
            },
            row("MSR (immediate)", "cccc 0011 0R10 kkkk ---- rrrr iiii iiii") { f in
                var i = A32Inst(.msr)
                modifiedImmediate(imm8: f.imm, rotate: f.rotate, into: &i)
                i.rn = UInt8(f.mask)
                if f.R { i.flags.insert(.spsr) }
                return i
            },
        ] + dataProcessingRows,
        priorities: [A32Priority("Hints", over: "MSR (immediate)",
                                 "F4.1.x: MSR (immediate) with R = 0 and mask = 0000 is the hint space")])

    // MARK: Load/store word and unsigned byte (op0 = 01x), media (op0 = 011, op1 = 1)

    static var loadStoreWordByteRows: [A32Encoding] {
        let ops: [(name: String, op: A32Op, bits: String)] = [
            ("STR", .str, "0W0"), ("LDR", .ldr, "0W1"), ("STRB", .strb, "1W0"), ("LDRB", .ldrb, "1W1")]
        return ops.flatMap { entry -> [A32Encoding] in
            let op = entry.op
            return [
                row("\(entry.name) (immediate)", "cccc 010P U\(entry.bits) nnnn tttt iiii iiii iiii") { f in
                    var i = A32Inst(op)
                    i.rd = f.rt; i.rn = f.rn
                    addressing(f, into: &i)
                    i.flags.insert(.immediate)
                    i.imm = f.imm
                    return i
                },
                row("\(entry.name) (register)", "cccc 011P U\(entry.bits) nnnn tttt iiii iyy0 mmmm") { f in
                    var i = A32Inst(op)
                    i.rd = f.rt; i.rn = f.rn
                    addressing(f, into: &i)
                    i.rm = f.rm
                    i.shift = f.shiftType
                    i.shiftAmount = UInt8(f.imm)
                    return i
                },
            ]
        }
    }

    /// Parallel addition and subtraction (F4.1.x): the prefix (22:20: 001 S, 010 Q, 011 SH,
    /// 101 U, 110 UQ, 111 UH) and op (7:5) go to `executeParallel` as prefix:op.
    static var parallelRow: A32Encoding {
        row("Parallel add/subtract", "cccc 0110 0ooo nnnn dddd ---- qqq1 mmmm") { f in
            guard f.op & 3 != 0, f.op2 != 0b101, f.op2 != 0b110 else { return A32Inst(.undefined) }
            var i = inst(.parallel, f)
            i.imm = f.op << 3 | f.op2
            return i
        }
    }

    /// Packing, unpacking, saturation and reversal (F4.1.x). The extends rotate Rm by
    /// rotate * 8; Rn = 1111 (no addend) is left for the executor.
    static var packingRows: [A32Encoding] {
        func extend(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in var i = inst(op, f); i.shiftAmount = UInt8(f.rotate * 8); return i }
        }
        func plain(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in inst(op, f) }
        }
        func saturate16(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in
                var i = A32Inst(op)
                i.rd = f.rd; i.rn = f.rn; i.rm = f.rn
                i.imm = f.imm2
                return i
            }
        }
        func saturate(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in
                var i = A32Inst(op)
                i.rd = f.rd; i.rn = f.rn; i.rm = f.rn
                i.imm = f.imm2
                i.shift = f.H ? .asr : .lsl
                i.shiftAmount = UInt8(f.imm)
                return i
            }
        }
        return [
            row("PKHBT, PKHTB", "cccc 0110 1000 nnnn dddd iiii iH01 mmmm") { f in
                var i = inst(.pkh, f)
                i.shift = f.H ? .asr : .lsl
                i.shiftAmount = UInt8(f.imm)
                return i
            },
            extend("SXTAB16", .sxtb16, "cccc 0110 1000 nnnn dddd rr-- 0111 mmmm"),
            plain("SEL", .sel, "cccc 0110 1000 nnnn dddd ---- 1011 mmmm"),
            saturate16("SSAT16", .ssat16, "cccc 0110 1010 wwww dddd ---- 0011 nnnn"),
            extend("SXTAB", .sxtb, "cccc 0110 1010 nnnn dddd rr-- 0111 mmmm"),
            plain("REV", .rev, "cccc 0110 1011 nnnn dddd ---- 0011 mmmm"),
            extend("SXTAH", .sxth, "cccc 0110 1011 nnnn dddd rr-- 0111 mmmm"),
            plain("REV16", .rev16, "cccc 0110 1011 nnnn dddd ---- 1011 mmmm"),
            extend("UXTAB16", .uxtb16, "cccc 0110 1100 nnnn dddd rr-- 0111 mmmm"),
            saturate16("USAT16", .usat16, "cccc 0110 1110 wwww dddd ---- 0011 nnnn"),
            extend("UXTAB", .uxtb, "cccc 0110 1110 nnnn dddd rr-- 0111 mmmm"),
            plain("RBIT", .rbit, "cccc 0110 1111 nnnn dddd ---- 0011 mmmm"),
            extend("UXTAH", .uxth, "cccc 0110 1111 nnnn dddd rr-- 0111 mmmm"),
            plain("REVSH", .revsh, "cccc 0110 1111 nnnn dddd ---- 1011 mmmm"),
            // SSAT, USAT: saturate_to in 20:16, shift (sh: ASR, else LSL) by imm5.
            saturate("SSAT", .ssat, "cccc 0110 101w wwww dddd iiii iH01 nnnn"),
            saturate("USAT", .usat, "cccc 0110 111w wwww dddd iiii iH01 nnnn"),
        ]
    }

    /// Signed multiply, signed and unsigned divide (F4.1.x): Rd in 19:16, Ra in 15:12, Rm in
    /// 11:8, Rn in 3:0; M (bit 5) swaps Rm's halves, or rounds.
    static var signedMultiplyRows: [A32Encoding] {
        func multiply(_ name: String, _ op: A32Op, _ pattern: String) -> A32Encoding {
            row(name, pattern) { f in
                var i = A32Inst(op)
                i.rd = f.rd; i.rs = f.ra; i.rm = f.rm; i.rn = f.rn
                if f.M { i.flags.insert(.topM) }
                return i
            }
        }
        return [multiply("SMLAD", .smlad, "cccc 0111 0000 dddd aaaa mmmm 00M1 nnnn"),
                multiply("SMLSD", .smlsd, "cccc 0111 0000 dddd aaaa mmmm 01M1 nnnn"),
                multiply("SDIV", .sdiv, "cccc 0111 0001 dddd aaaa mmmm 0001 nnnn"),
                multiply("UDIV", .udiv, "cccc 0111 0011 dddd aaaa mmmm 0001 nnnn"),
                multiply("SMLALD", .smlald, "cccc 0111 0100 dddd aaaa mmmm 00M1 nnnn"),
                multiply("SMLSLD", .smlsld, "cccc 0111 0100 dddd aaaa mmmm 01M1 nnnn"),
                multiply("SMMLA", .smmla, "cccc 0111 0101 dddd aaaa mmmm 00M1 nnnn"),
                multiply("SMMLS", .smmls, "cccc 0111 0101 dddd aaaa mmmm 11M1 nnnn")]
    }

    public static let loadStoreWordByteAndMedia = A32Table(
        "Load/store word and unsigned byte, media instructions",
        loadStoreWordByteRows + [parallelRow] + packingRows + signedMultiplyRows + [
            row("USAD8", "cccc 0111 1000 dddd aaaa mmmm 0001 nnnn") { f in
                var i = A32Inst(.usad8)
                i.rd = f.rd; i.rs = f.ra; i.rm = f.rm; i.rn = f.rn
                return i
            },
            row("SBFX", "cccc 0111 101w wwww dddd iiii i101 nnnn") { f in bitfield(.sbfx, f) },
            row("UBFX", "cccc 0111 111w wwww dddd iiii i101 nnnn") { f in bitfield(.ubfx, f) },
            row("BFC", "cccc 0111 110w wwww dddd iiii i001 1111") { f in var i = bitfield(.bfc, f); i.rn = 15; return i },
            row("BFI", "cccc 0111 110w wwww dddd iiii i001 nnnn") { f in bitfield(.bfi, f) },
            row("UDF", "cccc 0111 1111 iiii iiii iiii 1111 iiii") { f in var i = A32Inst(.udf); i.imm = f.imm; return i },
        ],
        priorities: [A32Priority("BFC", over: "BFI", "F5.1.x BFI: Rn = 1111 is BFC")])

    /// SBFX, UBFX (lsb, widthminus1) and BFC, BFI (lsb, msb): lsb in shiftAmount, the other in imm.
    static func bitfield(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn
        i.shiftAmount = UInt8(f.imm)
        i.imm = f.imm2
        return i
    }

    // MARK: Branch, branch with link, and block data transfer (op0 = 10x)

    public static let branchAndBlockTransfer = A32Table(
        "Branch, branch with link, and block data transfer", [
            row("STM", "cccc 100P USW0 nnnn xxxx xxxx xxxx xxxx") { f in blockTransfer(.stm, f) },
            row("LDM", "cccc 100P USW1 nnnn xxxx xxxx xxxx xxxx") { f in blockTransfer(.ldm, f) },
            // SignExtend(imm24:'00').
            row("B", "cccc 1010 iiii iiii iiii iiii iiii iiii") { f in var i = A32Inst(.b); i.imm = f.signedImm(scale: 2); return i },
            row("BL", "cccc 1011 iiii iiii iiii iiii iiii iiii") { f in var i = A32Inst(.bl); i.imm = f.signedImm(scale: 2); return i },
        ])

    /// LDM/STM of every addressing mode; S (bit 22) is the user-registers or exception-return form.
    static func blockTransfer(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.registers == 0 { return A32Inst(.undefined) }   // an empty list is UNPREDICTABLE
        var i = A32Inst(op)
        i.rn = f.rn
        i.imm = f.registers
        if f.P { i.flags.insert(.preIndex) }
        if f.U { i.flags.insert(.add) }
        if f.W { i.flags.insert(.writeBack) }
        if f.S { i.flags.insert(.userRegisters) }
        return i
    }

    // MARK: Supervisor call and coprocessor instructions (op0 = 11x)

    /// Floating point (coprocessors 10 and 11) goes whole to the VFP executor, and the
    /// coprocessor moves carry coproc, opc1, CRn, CRm, opc2 packed as `CoprocessorMove` reads
    /// them. LDC, STC and CDP have no row: no coprocessor here answers them.
    public static let coprocessorAndSVC = A32Table(
        "Supervisor call, and coprocessor instructions", [
            row("SVC", "cccc 1111 iiii iiii iiii iiii iiii iiii") { f in var i = A32Inst(.svc); i.imm = f.imm; return i },
            row("Floating-point load/store and 64-bit moves", "cccc 110- ---- ---- ---- 101- ---- ----") { f in floatingPoint(f.word) },
            row("Floating-point data processing and 32-bit moves", "cccc 1110 ---- ---- ---- 101- ---- ----") { f in floatingPoint(f.word) },
            row("MCRR, MRRC", "cccc 1100 010L uuuu tttt pppp oooo mmmm") { f in
                var i = A32Inst(f.L ? .mrrc : .mcrr)
                i.rd = f.rt; i.rs = f.rt2
                i.imm = f.coproc << 8 | f.op << 4 | UInt32(f.rm)
                return i
            },
            row("MCR, MRC", "cccc 1110 oooL nnnn tttt pppp qqq1 mmmm") { f in
                var i = A32Inst(f.L ? .mrc : .mcr)
                i.rd = f.rt
                i.imm = f.coproc << 16 | f.op << 12 | UInt32(f.rn) << 8 | UInt32(f.rm) << 4 | f.op2
                return i
            },
        ],
        priorities: [
            A32Priority("Floating-point load/store and 64-bit moves", over: "MCRR, MRRC",
                        "F4.1.x: coprocessors 101x are the floating-point instructions"),
            A32Priority("Floating-point data processing and 32-bit moves", over: "MCR, MRC",
                        "F4.1.x: coprocessors 101x are the floating-point instructions"),
        ])

    static func floatingPoint(_ w: UInt32) -> A32Inst {
        var i = A32Inst(.vfp)
        i.imm = w & 0x0FFF_FFFF
        return i
    }

    // MARK: Unconditional instructions (cond = 1111)

    public static let unconditional = A32Table(
        "Unconditional instructions", [
            // Advanced SIMD data processing (1111 001x) and element/structure load/store
            // (1111 0100 xxx0): decoded at execute by AArch32SIMD/NEON*.swift.
            row("Advanced SIMD data-processing", "1111 001- ---- ---- ---- ---- ---- ----") { f in neon(f.word) },
            row("Advanced SIMD element or structure load/store", "1111 0100 ---0 ---- ---- ---- ---- ----") { f in neon(f.word) },
            row("SETEND", "1111 0001 0000 ---1 ---- --E- 0000 ----") { f in var i = A32Inst(.setend); i.imm = f.E ? 1 : 0; return i },
            row("CPS", "1111 0001 0000 ooM0 ---- ---f ff0e eeee") { f in
                var i = A32Inst(.cps)
                i.imm = f.op << 6 | (f.M ? 1 << 5 : 0) | f.mode   // imod:M:mode
                i.rm = UInt8(f.aif)
                return i
            },
            row("CLREX", "1111 0101 0111 ---- ---- ---- 0001 ----") { _ in A32Inst(.clrex) },
            row("DSB", "1111 0101 0111 ---- ---- ---- 0100 iiii") { f in var i = A32Inst(.dsb); i.imm = f.imm; return i },
            row("DMB", "1111 0101 0111 ---- ---- ---- 0101 iiii") { f in var i = A32Inst(.dmb); i.imm = f.imm; return i },
            row("ISB", "1111 0101 0111 ---- ---- ---- 0110 iiii") { f in var i = A32Inst(.isb); i.imm = f.imm; return i },
            // PLI, PLD, PLDW: hints with no effect here.
            row("PLI (immediate, literal)", "1111 0100 -101 ---- ---- ---- ---- ----") { _ in A32Inst(.nop) },
            row("PLD, PLDW (immediate, literal)", "1111 0101 --01 ---- ---- ---- ---- ----") { _ in A32Inst(.nop) },
            row("PLI (register)", "1111 0110 -101 ---- ---- ---- ---0 ----") { _ in A32Inst(.nop) },
            row("PLD, PLDW (register)", "1111 0111 --01 ---- ---- ---- ---0 ----") { _ in A32Inst(.nop) },
            row("SRS", "1111 100P U1W0 ---- ---- ---- ---e eeee") { f in
                var i = A32Inst(.srs)
                i.imm = f.mode
                i.rn = 13
                returnState(f, into: &i)
                return i
            },
            row("RFE", "1111 100P U0W1 nnnn ---- ---- ---- ----") { f in
                var i = A32Inst(.rfe)
                i.rn = f.rn
                returnState(f, into: &i)
                return i
            },
            // VSEL, VMAXNM, VRINTA, VCVTA and friends: bit 28 marks the unconditional space.
            row("Unconditional floating point", "1111 1110 ---- ---- ---- 101- ---0 ----") { f in
                var i = A32Inst(.vfp)
                i.imm = f.word & 0x0FFF_FFFF | 1 << 28
                return i
            },
            // BLX (immediate): imm24:H:'0', and the target is in T32 state.
            row("BLX (immediate)", "1111 101H iiii iiii iiii iiii iiii iiii") { f in
                var i = A32Inst(.blxImm)
                i.imm = f.signedImm(scale: 2) | (f.H ? 2 : 0)
                return i
            },
        ])

    static func neon(_ w: UInt32) -> A32Inst {
        var i = A32Inst(.neon)
        i.imm = w
        return i
    }

    static func returnState(_ f: A32Fields, into i: inout A32Inst) {
        if f.P { i.flags.insert(.preIndex) }
        if f.U { i.flags.insert(.add) }
        if f.W { i.flags.insert(.writeBack) }
    }
}
