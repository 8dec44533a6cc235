/// The 32-bit T32 encodings (ARM DDI 0487, F3.3 "32-bit T32 instruction encoding"), one ordered
/// table of `.t32Wide` rows per encoding group, written hw1 then hw2. `T32Decoder.wideTable`
/// picks the group as F3.3's top-level table does.
extension T32Decoder {
    static func row32(_ name: String, _ pattern: String, _ decode: @escaping (A32Fields) -> A32Inst) -> A32Encoding {
        A32Encoding(.t32Wide, name, pattern, decode)
    }

    /// The group of a 32-bit encoding hw1:hw2 (F3.3), or nil where the manual allocates none.
    public static func wideTable(for w: UInt32) -> A32Table? {
        let a = w >> 16, b = w & 0xFFFF
        switch field(a, 12, 11) {
        case 0b01:
            if bit(a, 10) { return coprocessorSpace }
            if bit(a, 9) { return shiftedRegister }
            return bit(a, 6) ? dualExclusiveAndTableBranch : multipleAndReturnState
        case 0b10:
            if bit(b, 15) { return branchesAndMiscellaneousControl }
            return bit(a, 9) ? plainBinaryImmediate : modifiedImmediate
        case 0b11:
            let op2 = field(a, 10, 4)
            if op2 & 0b100_0000 != 0 { return coprocessorSpace }
            if op2 & 0b110_0000 == 0 { return loadStoreSingle }
            if op2 & 0b111_0000 == 0b010_0000 { return dataProcessingRegister }
            if op2 & 0b111_1000 == 0b011_0000 { return multiplyAccumulate }
            if op2 & 0b111_1000 == 0b011_1000 { return longMultiplyAndDivide }
            return nil
        default:
            return nil
        }
    }

    /// Every 32-bit table, for DecoderTableTests.
    public static var wideTables: [A32Table] {
        [modifiedImmediate, plainBinaryImmediate, shiftedRegister, branchesAndMiscellaneousControl,
         multipleAndReturnState, dualExclusiveAndTableBranch, loadStoreSingle, dataProcessingRegister,
         multiplyAccumulate, longMultiplyAndDivide, coprocessorSpace]
    }

    // MARK: Data processing (modified immediate, shifted register)

    /// How a data-processing row treats Rd and Rn: the test forms are the Rd = 1111, S = 1
    /// rows of AND, EOR, ADD and SUB; MOV and MVN are the Rn = 1111 rows of ORR and ORN.
    enum OperandForm { case plain, test, move }

    /// The data-processing operations of both groups: name, op (hw1 8:5), operation, and the
    /// operation's test or move form.
    static let wideDataOps: [(name: String, op: String, inst: A32Op, alias: (name: String, inst: A32Op, form: OperandForm)?)] = [
        ("AND", "0000", .and, ("TST", .tst, .test)), ("BIC", "0001", .bic, nil),
        ("ORR", "0010", .orr, ("MOV", .mov, .move)), ("ORN", "0011", .orn, ("MVN", .mvn, .move)),
        ("EOR", "0100", .eor, ("TEQ", .teq, .test)), ("ADD", "1000", .add, ("CMN", .cmn, .test)),
        ("ADC", "1010", .adc, nil), ("SBC", "1011", .sbc, nil), ("SUB", "1101", .sub, ("CMP", .cmp, .test)),
        ("RSB", "1110", .rsb, nil)]

    /// Rows for each operation of `wideDataOps`, its alias first: `pattern` has `op` where the
    /// operation goes, `S` for the S bit, `nnnn` for Rn and `dddd` for Rd.
    static func wideDataRows(_ suffix: String, _ pattern: String, _ decode: @escaping (A32Op, OperandForm, A32Fields) -> A32Inst)
        -> (rows: [A32Encoding], priorities: [A32Priority]) {
        var rows: [A32Encoding] = [], priorities: [A32Priority] = []
        for entry in wideDataOps {
            let general = pattern.replacingFirst("op", with: entry.op)
            if let alias = entry.alias {
                let p = alias.form == .test ? general.replacingFirst("S", with: "1").replacingFirst("dddd", with: "1111")
                                            : general.replacingFirst("nnnn", with: "1111")
                rows.append(row32("\(alias.name) \(suffix)", p) { f in decode(alias.inst, alias.form, f) })
                priorities.append(A32Priority("\(alias.name) \(suffix)", over: "\(entry.name) \(suffix)",
                                              alias.form == .test ? "F3.3.x: \(entry.name) with Rd = 1111 and S = 1 is \(alias.name)"
                                                                  : "F3.3.x: \(entry.name) with Rn = 1111 is \(alias.name)"))
            }
            let inst = entry.inst
            rows.append(row32("\(entry.name) \(suffix)", general) { f in decode(inst, .plain, f) })
        }
        return (rows, priorities)
    }

    /// Rd = PC outside the test forms, and Rn = PC, are UNPREDICTABLE.
    static func wideDataProcessing(_ op: A32Op, _ form: OperandForm, _ f: A32Fields, into i: inout A32Inst) -> Bool {
        if (form != .test && f.rd == 15) || (form != .move && f.rn == 15) { return false }
        i.rd = form == .test ? 0 : f.rd
        i.rn = form == .move ? 0 : f.rn
        if form == .test || f.S { i.flags.insert(.setFlags) }
        return true
    }

    /// ThumbExpandImm_C (F3.3.x "Modified immediate constants in T32 instructions"): imm12 =
    /// i:imm3:imm8. The byte patterns leave the carry alone; a rotated '1':imm7 sets it to bit 31.
    /// Returns false for the UNPREDICTABLE patterns with imm8 = 0.
    static func thumbExpandImm(_ imm12: UInt32, into i: inout A32Inst) -> Bool {
        let imm8 = imm12 & 0xFF
        i.flags.insert(.immediate)
        if imm12 >> 10 == 0 {
            switch field(imm12, 9, 8) {
            case 0b00: i.imm = imm8
            case 0b01: i.imm = imm8 << 16 | imm8
            case 0b10: i.imm = imm8 << 24 | imm8 << 8
            default: i.imm = imm8 << 24 | imm8 << 16 | imm8 << 8 | imm8
            }
            return imm12 >> 8 == 0 || imm8 != 0
        }
        let unrotated = 0x80 | (imm12 & 0x7F)
        let rot = field(imm12, 11, 7)       // 8...31
        let value = unrotated >> rot | unrotated << (32 - rot)
        i.imm = value
        i.flags.insert(.carryOut)
        if value >> 31 != 0 { i.flags.insert(.carryOne) }
        return true
    }

    static let modifiedImmediateRows = wideDataRows("(immediate)", "11110 i 0 op S nnnn 0 iii dddd iiii iiii") { op, form, f in
        var i = A32Inst(op)
        guard thumbExpandImm(f.imm, into: &i), wideDataProcessing(op, form, f, into: &i) else { return A32Inst(.undefined) }
        return i
    }

    public static let modifiedImmediate = A32Table(
        "Data processing (modified immediate)", modifiedImmediateRows.rows, priorities: modifiedImmediateRows.priorities)

    static let shiftedRegisterRows = wideDataRows("(register)", "11101 01 op S nnnn - iii dddd ii yy mmmm") { op, form, f in
        if f.rm == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        guard wideDataProcessing(op, form, f, into: &i) else { return A32Inst(.undefined) }
        i.rm = f.rm
        i.shift = f.shiftType
        i.shiftAmount = UInt8(f.imm)
        return i
    }

    public static let shiftedRegister = A32Table(
        "Data processing (shifted register)",
        shiftedRegisterRows.rows + [
            // PKHBT, PKHTB: tb (H) selects ASR and the top half from Rn.
            row32("PKHBT, PKHTB", "11101 01 0110 0 nnnn - iii dddd ii H 0 mmmm") { f in
                if f.rd == 15 || f.rn == 15 || f.rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.pkh)
                i.rd = f.rd; i.rn = f.rn; i.rm = f.rm
                i.shift = f.H ? .asr : .lsl
                i.shiftAmount = UInt8(f.imm)
                return i
            },
        ],
        priorities: shiftedRegisterRows.priorities)

    // MARK: Data processing (plain binary immediate)

    public static let plainBinaryImmediate = A32Table(
        "Data processing (plain binary immediate)", [
            // ADDW, SUBW T4; with Rn = PC, ADR T3/T2 (Align(PC, 4) +/- imm12).
            row32("ADD (immediate) T4", "11110 i 1 0000 0 nnnn 0 iii dddd iiii iiii") { f in addSubtractWide(.add, f) },
            row32("SUB (immediate) T4", "11110 i 1 0101 0 nnnn 0 iii dddd iiii iiii") { f in addSubtractWide(.sub, f) },
            // MOVW, MOVT: imm16 = imm4:i:imm3:imm8.
            row32("MOV (immediate) T3", "11110 i 1 0010 0 wwww 0 iii dddd iiii iiii") { f in moveWide(.movw, f) },
            row32("MOVT", "11110 i 1 0110 0 wwww 0 iii dddd iiii iiii") { f in moveWide(.movt, f) },
            // SSAT, USAT (sh: ASR, else LSL); with sh = 1 and no shift, SSAT16 and USAT16.
            row32("SSAT16", "11110 - 1 1001 0 nnnn 0 000 dddd 00-- wwww") { f in saturate16(.ssat16, f) },
            row32("SSAT", "11110 - 1 100H 0 nnnn 0 iii dddd ii-w wwww") { f in saturate(.ssat, f) },
            row32("USAT16", "11110 - 1 1101 0 nnnn 0 000 dddd 00-- wwww") { f in saturate16(.usat16, f) },
            row32("USAT", "11110 - 1 110H 0 nnnn 0 iii dddd ii-w wwww") { f in saturate(.usat, f) },
            // SBFX, UBFX: lsb = imm3:imm2, widthminus1; lsb + width > 32 is UNPREDICTABLE.
            row32("SBFX", "11110 - 1 1010 0 nnnn 0 iii dddd ii-w wwww") { f in bitfieldWide(.sbfx, f) },
            row32("UBFX", "11110 - 1 1110 0 nnnn 0 iii dddd ii-w wwww") { f in bitfieldWide(.ubfx, f) },
            // BFI, BFC (Rn = PC): lsb = imm3:imm2, msb; msb < lsb is UNPREDICTABLE.
            row32("BFC", "11110 - 1 1011 0 1111 0 iii dddd ii-w wwww") { f in bitfieldWide(.bfc, f) },
            row32("BFI", "11110 - 1 1011 0 nnnn 0 iii dddd ii-w wwww") { f in bitfieldWide(.bfi, f) },
        ],
        priorities: [
            A32Priority("SSAT16", over: "SSAT", "F3.3.x: SSAT with sh = 1 and imm3:imm2 = 00000 is SSAT16"),
            A32Priority("USAT16", over: "USAT", "F3.3.x: USAT with sh = 1 and imm3:imm2 = 00000 is USAT16"),
            A32Priority("BFC", over: "BFI", "F3.3.x: BFI with Rn = 1111 is BFC"),
        ])

    static func addSubtractWide(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rd == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn
        i.imm = f.imm
        i.flags = .immediate
        return i
    }

    static func moveWide(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rd == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd
        i.imm = f.imm2 << 12 | f.imm
        return i
    }

    static func saturate16(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rd == 15 || f.rn == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn
        i.imm = f.imm2
        return i
    }

    static func saturate(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rd == 15 || f.rn == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn
        i.imm = f.imm2
        i.shift = f.H ? .asr : .lsl
        i.shiftAmount = UInt8(f.imm)
        return i
    }

    /// SBFX, UBFX (widthminus1) and BFI, BFC (msb), with lsb = imm3:imm2.
    static func bitfieldWide(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        let lsb = f.imm, other = f.imm2
        if f.rd == 15 || (op != .bfc && f.rn == 15) { return A32Inst(.undefined) }
        if op == .sbfx || op == .ubfx ? lsb + other > 31 : other < lsb { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = op == .bfc ? 15 : f.rn
        i.shiftAmount = UInt8(lsb)
        i.imm = other
        return i
    }

    // MARK: Branches and miscellaneous control

    /// The x111xxx rows of "Branches and miscellaneous control" (hw1 bits 9:7 = 111, where B T3
    /// would have cond = 111x): MSR, MRS (banked and not), hints, CPS, barriers, BXJ, SUBS PC, LR
    /// (ERET), HVC, SMC, UDF. hw2 bit 13 set (op1 = 010) is permanently UNDEFINED but for UDF.
    static var miscellaneousControlRows: [A32Encoding] {
        [
            // MSR (banked register): R and SYSm = M:M1 (hw2 bit 4, hw2 11:8).
            row32("MSR (Banked register)", "11110 0 11100 R nnnn 1000 iiii --1M ----") { f in
                if f.rn == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.msrBanked)
                i.imm = (f.R ? 0x20 : 0) | (f.M ? 0x10 : 0) | f.imm
                i.rm = f.rn
                return i
            },
            // MSR (register): mask (the A32 mask's f, s, x, c bits), R selects SPSR.
            row32("MSR (register)", "11110 0 11100 R nnnn 1000 kkkk --0- ----") { f in
                if f.rn == 15 || f.mask == 0 { return A32Inst(.undefined) }
                var i = A32Inst(.msr)
                i.rm = f.rn
                i.rn = UInt8(f.mask)
                if f.R { i.flags.insert(.spsr) }
                return i
            },
            // The unallocated hints, DBG, CSDB and ESB execute as NOP.
            row32("Hints", "11110 0 11101 0 ---- 1000 -000 oooo oooo") { f in
                let hints: [A32Op] = [.nop, .yield, .wfe, .wfi, .sev, .sevl]
                return A32Inst(f.op < 6 ? hints[Int(f.op)] : .nop)
            },
            // CPS T2: imod, M, A:I:F, mode. imod = 01 is UNPREDICTABLE.
            row32("CPS T2", "11110 0 11101 0 ---- 1000 -ooM fffe eeee") { f in
                if f.op == 0b01 { return A32Inst(.undefined) }
                var i = A32Inst(.cps)
                i.imm = f.op << 6 | (f.M ? 1 << 5 : 0) | f.mode
                i.rm = UInt8(f.aif)
                i.flags = .notInITBlock
                return i
            },
            row32("CLREX", "11110 0 11101 1 ---- 1000 ---- 0010 ----") { _ in A32Inst(.clrex) },
            row32("DSB", "11110 0 11101 1 ---- 1000 ---- 0100 iiii") { f in var i = A32Inst(.dsb); i.imm = f.imm; return i },
            row32("DMB", "11110 0 11101 1 ---- 1000 ---- 0101 iiii") { f in var i = A32Inst(.dmb); i.imm = f.imm; return i },
            row32("ISB", "11110 0 11101 1 ---- 1000 ---- 0110 iiii") { f in var i = A32Inst(.isb); i.imm = f.imm; return i },
            // BXJ: no Jazelle, so BX.
            row32("BXJ", "11110 0 11110 0 mmmm 1000 ---- ---- ----") { f in
                if f.rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.bx); i.rm = f.rm; i.flags = .lastInITBlock; return i
            },
            // SUBS PC, LR, #imm8 (T5), ERET being imm8 = 0: an exception return.
            row32("SUBS PC, LR", "11110 0 11110 1 nnnn 1000 ---- iiii iiii") { f in
                if f.rn != 14 { return A32Inst(.undefined) }
                var i = A32Inst(.sub)
                i.rd = 15; i.rn = 14
                i.imm = f.imm
                i.flags = [.immediate, .setFlags, .lastInITBlock]
                return i
            },
            // MRS (banked register): R and SYSm = M:M1 (hw2 bit 4, hw1 3:0).
            row32("MRS (Banked register)", "11110 0 11111 R iiii 1000 dddd --1M ----") { f in
                if f.rd == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.mrsBanked)
                i.imm = (f.R ? 0x20 : 0) | (f.M ? 0x10 : 0) | f.imm
                i.rd = f.rd
                return i
            },
            row32("MRS", "11110 0 11111 R ---- 1000 dddd --0- ----") { f in
                if f.rd == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.mrs)
                i.rd = f.rd
                if f.R { i.flags.insert(.spsr) }
                return i
            },
            // HVC T1: imm16 = imm4:imm12.
            row32("HVC", "11110 1 11111 0 iiii 1000 iiii iiii iiii") { f in
                var i = A32Inst(.hvc); i.imm = f.imm; i.flags = .notInITBlock; return i
            },
            row32("SMC", "11110 1 11111 1 iiii 1000 ---- ---- ----") { f in var i = A32Inst(.smc); i.imm = f.imm; return i },
            // UDF T2: imm16 = imm4:imm12; not conditional.
            row32("UDF T2", "11110 1 11111 1 iiii 1010 iiii iiii iiii") { f in
                var i = A32Inst(.udf); i.imm = f.imm; i.flags = .notInITBlock; return i
            },
        ]
    }

    /// I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S) (F3.3.x), for the 25-bit offsets of B T4, BL and BLX.
    static func branchOffset(_ f: A32Fields, low: UInt32) -> UInt32 {
        let s: UInt32 = f.S ? 1 : 0, j1: UInt32 = f.J ? 1 : 0, j2: UInt32 = f.K ? 1 : 0
        let i1 = ~(j1 ^ s) & 1, i2 = ~(j2 ^ s) & 1
        return signExtend(s << 24 | i1 << 23 | i2 << 22 | low, 25)
    }

    public static let branchesAndMiscellaneousControl = A32Table(
        "Branches and miscellaneous control",
        miscellaneousControlRows + [
            row32("Miscellaneous control (unallocated)", "11110 - 111 ---- --- 10-0 ---- ---- ----") { _ in A32Inst(.undefined) },
            // B T3 (conditional): SignExtend(S:J2:J1:imm6:imm11:'0').
            row32("B T3", "11110 S cccc iiiiii 10J0 Kiii iiii iiii") { f in
                var i = A32Inst(.b)
                i.cond = f.cond
                let s: UInt32 = f.S ? 1 : 0, j1: UInt32 = f.J ? 1 : 0, j2: UInt32 = f.K ? 1 : 0
                i.imm = signExtend(s << 20 | j2 << 19 | j1 << 18 | f.imm << 1, 21)
                i.flags = .notInITBlock
                return i
            },
            // B T4: SignExtend(S:I1:I2:imm10:imm11:'0').
            row32("B T4", "11110 S iiiiiiiiii 10J1 Kiii iiii iiii") { f in
                var i = A32Inst(.b); i.imm = branchOffset(f, low: f.imm << 1); i.flags = .lastInITBlock; return i
            },
            // BLX (immediate) T2: SignExtend(S:I1:I2:imm10H:imm10L:'00'); H = 1 is UNDEFINED.
            row32("BLX (immediate) T2", "11110 S iiiiiiiiii 11J0 Kiii iiii iiiH") { f in
                if f.H { return A32Inst(.undefined) }
                var i = A32Inst(.blxImm); i.imm = branchOffset(f, low: f.imm << 2); i.flags = .lastInITBlock; return i
            },
            row32("BL T1", "11110 S iiiiiiiiii 11J1 Kiii iiii iiii") { f in
                var i = A32Inst(.bl); i.imm = branchOffset(f, low: f.imm << 1); i.flags = .lastInITBlock; return i
            },
        ],
        priorities: miscellaneousControlRows.flatMap { r in
            [A32Priority(r.name, over: "Miscellaneous control (unallocated)", "F3.3.x: the allocated rows of the x111xxx space"),
             A32Priority(r.name, over: "B T3", "F3.3.x: B T3 with cond = 111x is the miscellaneous control space")]
        } + [A32Priority("Hints", over: "CPS T2", "F3.3.x: CPS T2 with imod = 00 and M = 0 is the hint space"),
             A32Priority("Miscellaneous control (unallocated)", over: "B T3",
                         "F3.3.x: B T3 with cond = 111x is the miscellaneous control space")])
}

extension String {
    /// The pattern with the first occurrence of `target` replaced (for rows built from a template).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let s = Array(self), t = Array(target)
        guard !t.isEmpty, t.count <= s.count else { return self }
        for k in 0...(s.count - t.count) where Array(s[k..<(k + t.count)]) == t {
            return String(s[..<k]) + replacement + String(s[(k + t.count)...])
        }
        return self
    }
}

extension T32Decoder {
    // MARK: Load/store multiple, SRS, RFE

    public static let multipleAndReturnState = A32Table(
        "Load/store multiple, SRS, RFE", [
            // SRS, RFE: DB (P = 1, U = 0) or IA (P = 0, U = 1).
            row32("SRS T1", "1110 1000 00W0 ---- ---- ---- ---e eeee") { f in returnState(.srs, decrement: true, f) },
            row32("RFE T1", "1110 1000 00W1 nnnn ---- ---- ---- ----") { f in returnState(.rfe, decrement: true, f) },
            row32("SRS T2", "1110 1001 10W0 ---- ---- ---- ---e eeee") { f in returnState(.srs, decrement: false, f) },
            row32("RFE T2", "1110 1001 10W1 nnnn ---- ---- ---- ----") { f in returnState(.rfe, decrement: false, f) },
            // LDM/STM IA and DB: PUSH and POP are the SP! forms.
            row32("STM T2", "1110 1000 10W0 nnnn xxxx xxxx xxxx xxxx") { f in multiple(.stm, decrement: false, f) },
            row32("LDM T2", "1110 1000 10W1 nnnn xxxx xxxx xxxx xxxx") { f in multiple(.ldm, decrement: false, f) },
            row32("STMDB T1", "1110 1001 00W0 nnnn xxxx xxxx xxxx xxxx") { f in multiple(.stm, decrement: true, f) },
            row32("LDMDB T1", "1110 1001 00W1 nnnn xxxx xxxx xxxx xxxx") { f in multiple(.ldm, decrement: true, f) },
        ])

    static func returnState(_ op: A32Op, decrement: Bool, _ f: A32Fields) -> A32Inst {
        var i = A32Inst(op)
        i.flags = decrement ? .preIndex : .add
        if f.W { i.flags.insert(.writeBack) }
        if op == .rfe {
            if f.rn == 15 { return A32Inst(.undefined) }
            i.rn = f.rn
            i.flags.insert(.lastInITBlock)
        } else {
            i.rn = 13
            i.imm = f.mode
        }
        return i
    }

    /// SP in the list, an empty list, Rn = PC, and write-back of a listed base are
    /// UNPREDICTABLE; so are PC and LR both loaded, and PC stored.
    static func multiple(_ op: A32Op, decrement: Bool, _ f: A32Fields) -> A32Inst {
        let list = f.registers, rn = f.rn
        if rn == 15 || list == 0 || list & (1 << 13) != 0 { return A32Inst(.undefined) }
        if f.W && list & (1 << UInt32(rn)) != 0 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rn = rn
        i.imm = list
        i.flags = decrement ? .preIndex : .add
        if f.W { i.flags.insert(.writeBack) }
        if op == .ldm {
            if list & 0xC000 == 0xC000 { return A32Inst(.undefined) }
            if list & 0x8000 != 0 { i.flags.insert(.lastInITBlock) }
        } else if list & 0x8000 != 0 {
            return A32Inst(.undefined)
        }
        return i
    }

    // MARK: Load/store dual, exclusive, acquire/release, table branch

    public static let dualExclusiveAndTableBranch = A32Table(
        "Load/store dual, load/store exclusive, load-acquire/store-release, table branch", [
            // LDREX, STREX T1: [Rn, #imm8:'00']; STREX's status Rd is in hw2 11:8.
            row32("STREX", "1110 1000 0100 nnnn tttt dddd iiii iiii") { f in
                if f.rn == 15 || f.rt == 15 || f.rd == 15 || f.rd == f.rn || f.rd == f.rt { return A32Inst(.undefined) }
                var i = A32Inst(.strex)
                i.rn = f.rn; i.imm = f.imm << 2; i.flags = .exclusive
                i.rd = f.rt; i.rm = f.rt; i.rs = f.rd
                return i
            },
            row32("LDREX", "1110 1000 0101 nnnn tttt ---- iiii iiii") { f in
                if f.rn == 15 || f.rt == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.ldrex)
                i.rn = f.rn; i.imm = f.imm << 2; i.flags = [.exclusive, .load]
                i.rd = f.rt
                return i
            },
            // TBB, TBH: [Rn, Rm] or [Rn, Rm, LSL #1].
            row32("TBB, TBH", "1110 1000 1101 nnnn ---- ---- 000H mmmm") { f in
                if f.rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.tbb)
                i.rn = f.rn; i.rm = f.rm
                i.size = f.H ? 2 : 1
                i.flags = .lastInITBlock
                return i
            },
            // op (hw2 7:6): 01 exclusive, 10 acquire/release, 11 acquire/release exclusive; sz 5:4.
            row32("Store exclusive, store-release (byte, halfword, doubleword)", "1110 1000 1100 nnnn tttt uuuu oozz dddd") { f in
                exclusiveOrOrdered(load: false, f)
            },
            row32("Load exclusive, load-acquire (byte, halfword, doubleword)", "1110 1000 1101 nnnn tttt uuuu oozz ----") { f in
                exclusiveOrOrdered(load: true, f)
            },
            // LDRD, STRD (immediate, and LDRD literal): [Rn, #+/-imm8:'00'], Rt and Rt2 free.
            // P = 0 with W = 0 is the exclusive space above.
            row32("STRD (immediate)", "1110 1001 U1W0 nnnn tttt uuuu iiii iiii") { f in dual(.strd, preIndex: true, f) },
            row32("LDRD (immediate)", "1110 1001 U1W1 nnnn tttt uuuu iiii iiii") { f in dual(.ldrd, preIndex: true, f) },
            row32("STRD (immediate, post-indexed)", "1110 1000 U110 nnnn tttt uuuu iiii iiii") { f in dual(.strd, preIndex: false, f) },
            row32("LDRD (immediate, post-indexed)", "1110 1000 U111 nnnn tttt uuuu iiii iiii") { f in dual(.ldrd, preIndex: false, f) },
        ],
        priorities: [A32Priority("TBB, TBH", over: "Load exclusive, load-acquire (byte, halfword, doubleword)",
                                 "F3.3.x: op3 = 000x of the load space is the table branch")])

    static func exclusiveOrOrdered(load: Bool, _ f: A32Fields) -> A32Inst {
        let size = UInt8(1) << UInt8(f.size & 3)
        let kind = f.op
        guard kind != 0, !(kind == 1 && size == 4), !(kind == 2 && size == 8) else { return A32Inst(.undefined) }
        let rn = f.rn, rt = f.rt, rt2 = f.rt2, rd = f.rd
        if rn == 15 || rt == 15 { return A32Inst(.undefined) }
        var i: A32Inst
        if kind == 2 {
            i = A32Inst(load ? .lda : .stl)
        } else {
            i = A32Inst(load ? .ldrex : .strex)
            i.flags.insert(.exclusive)
            if kind == 3 { i.flags.insert(.spsr) }   // acquire/release (as the A32 decoder marks it)
        }
        i.size = size
        i.rn = rn
        if load {
            // Rt in rd and, for doublewords, Rt2 in rs.
            i.rd = rt
            i.flags.insert(.load)
            if size == 8 {
                if rt2 == 15 || rt2 == rt { return A32Inst(.undefined) }
                i.rs = rt2
            }
        } else {
            // Rt in rm, the status register Rd in rs and, for doublewords, Rt2 in rd.
            i.rm = rt
            i.rd = rt
            if i.op == .strex {
                if rd == 15 || rd == rn || rd == rt || (size == 8 && rd == rt2) { return A32Inst(.undefined) }
                i.rs = rd
            }
            if size == 8 {
                if rt2 == 15 { return A32Inst(.undefined) }
                i.rd = rt2
            }
        }
        return i
    }

    static func dual(_ op: A32Op, preIndex: Bool, _ f: A32Fields) -> A32Inst {
        let load = op == .ldrd, rn = f.rn, rt = f.rt, rt2 = f.rt2
        let writeBack = f.W || !preIndex
        if rt == 15 || rt2 == 15 || (load && rt == rt2) { return A32Inst(.undefined) }
        if writeBack && (rn == rt || rn == rt2 || rn == 15) { return A32Inst(.undefined) }
        if !load && rn == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = rt; i.rs = rt2; i.rn = rn
        i.imm = f.imm << 2
        i.flags = .immediate
        if preIndex { i.flags.insert(.preIndex) }
        if f.U { i.flags.insert(.add) }
        if writeBack { i.flags.insert(.writeBack) }
        return i
    }

    // MARK: Load/store single

    /// Addressing forms of the loads and stores of bytes, halfwords and words (F3.3.x
    /// "Load/store single").
    enum SingleForm { case literal, offset12, register, offset8 }

    /// Each load and store in each addressing form; the memory hints PLD, PLDW, PLI (byte and
    /// halfword loads to PC) are NOPs in the forms that have them. hw1: 1111 100 S U zz L Rn.
    static var loadStoreSingleRows: (rows: [A32Encoding], priorities: [A32Priority]) {
        let ops: [(String, A32Op, String)] = [
            ("STRB", .strb, "000"), ("STRH", .strh, "010"), ("STR", .str, "100"),
            ("LDRB", .ldrb, "001"), ("LDRH", .ldrh, "011"), ("LDR", .ldr, "101"),
            ("LDRSB", .ldrsb, "1001"), ("LDRSH", .ldrsh, "1011")]
        var rows: [A32Encoding] = [], priorities: [A32Priority] = []
        for (name, op, bits) in ops {
            // bits: size:L, with S = 1 in front for the signed loads.
            let signed = bits.count == 4
            let s = signed ? "1" : "0", zl = signed ? String(bits.dropFirst()) : bits
            let load = zl.hasSuffix("1")
            if load {
                rows.append(row32("\(name) (literal)", "1111 100\(s) U\(zl) 1111 tttt iiii iiii iiii") { f in single(op, .literal, f) })
                for form in ["(immediate, 12-bit)", "(register)", "(immediate, 8-bit)"] {
                    priorities.append(A32Priority("\(name) (literal)", over: "\(name) \(form)", "F3.3.x: Rn = 1111 is the literal form"))
                }
            }
            rows.append(row32("\(name) (immediate, 12-bit)", "1111 100\(s) 1\(zl) nnnn tttt iiii iiii iiii") { f in single(op, .offset12, f) })
            rows.append(row32("\(name) (register)", "1111 100\(s) 0\(zl) nnnn tttt 0000 00ii mmmm") { f in single(op, .register, f) })
            rows.append(row32("\(name) (immediate, 8-bit)", "1111 100\(s) 0\(zl) nnnn tttt 1PUW iiii iiii") { f in single(op, .offset8, f) })
        }
        return (rows, priorities)
    }

    static func single(_ op: A32Op, _ form: SingleForm, _ f: A32Fields) -> A32Inst {
        let load = op == .ldr || op == .ldrb || op == .ldrh || op == .ldrsb || op == .ldrsh
        let rn = f.rn, rt = f.rt
        // A byte or halfword load to PC is a memory hint where the form allows one.
        let hint = load && rt == 15 && op != .ldr
        var i = A32Inst(op)
        i.rd = rt; i.rn = rn
        switch form {
        case .literal:
            // [Align(PC, 4) +/- imm12].
            if hint { return A32Inst(.nop) }
            i.rn = 15
            i.imm = f.imm
            i.flags = [.immediate, .preIndex]
            if f.U { i.flags.insert(.add) }
        case .offset12:
            if !load && rn == 15 { return A32Inst(.undefined) }
            if hint { return A32Inst(.nop) }
            i.imm = f.imm
            i.flags = [.immediate, .preIndex, .add]
        case .register:
            // [Rn, Rm, LSL #imm2].
            if !load && rn == 15 { return A32Inst(.undefined) }
            if hint { return A32Inst(.nop) }
            if f.rm == 15 { return A32Inst(.undefined) }
            i.rm = f.rm
            i.shift = .lsl
            i.shiftAmount = UInt8(f.imm)
            i.flags = [.preIndex, .add]
        case .offset8:
            // 1 P U W imm8: negative offset (1100), unprivileged (1110), post- and pre-indexed (1x01, 1x11).
            if !load && rn == 15 { return A32Inst(.undefined) }
            i.imm = f.imm
            i.flags = .immediate
            if f.U { i.flags.insert(.add) }
            if f.P { i.flags.insert(.preIndex) }
            if f.P && f.U && !f.W {
                if rt == 15 { return A32Inst(.undefined) }   // no hint, no PC load in the T forms
                i.flags.insert(.unprivileged)
            } else if f.P && !f.W {
                if hint { return A32Inst(.nop) }
            } else if f.W {
                if hint || rn == rt { return A32Inst(.undefined) }
                i.flags.insert(.writeBack)
            } else {
                return A32Inst(.undefined)
            }
        }
        if !load && rt == 15 { return A32Inst(.undefined) }
        if load && rt == 15 { i.flags.insert(.lastInITBlock) }   // LDR PC: a branch (LoadWritePC)
        return i
    }

    /// Loads and stores of one register, and (1111 1001 xxx0) Advanced SIMD element or
    /// structure loads and stores, A32's 1111 0100 xxx0.
    public static let loadStoreSingle = A32Table(
        "Load/store single, Advanced SIMD element or structure load/store",
        [row32("Advanced SIMD element or structure load/store", "1111 1001 ---0 ---- ---- ---- ---- ----") { f in
            var i = A32Inst(.neon)
            i.imm = 0xF400_0000 | (f.word >> 16 & 0xFF) << 16 | f.word & 0xFFFF
            return i
        }] + loadStoreSingleRows.rows,
        priorities: loadStoreSingleRows.priorities)
}

extension T32Decoder {
    // MARK: Data processing (register)

    /// Rd and Rm = PC are UNPREDICTABLE in the whole group (hw2 15:12 = 1111).
    static func registerOperands(_ op: A32Op, _ f: A32Fields, rnAllowsPC: Bool = false) -> A32Inst {
        if f.rd == 15 || f.rm == 15 || (!rnAllowsPC && f.rn == 15) { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn; i.rm = f.rm
        return i
    }

    static var dataProcessingRegisterRows: [A32Encoding] {
        let extends: [(String, String, A32Op)] = [("SXTAH", "000", .sxth), ("UXTAH", "001", .uxth), ("SXTAB16", "010", .sxtb16),
                                                  ("UXTAB16", "011", .uxtb16), ("SXTAB", "100", .sxtb), ("UXTAB", "101", .uxtb)]
        let saturating: [(String, String, A32Op)] = [("QADD", "00", .qadd), ("QDADD", "01", .qdadd), ("QSUB", "10", .qsub), ("QDSUB", "11", .qdsub)]
        let reverses: [(String, String, A32Op)] = [("REV", "00", .rev), ("REV16", "01", .rev16), ("RBIT", "10", .rbit), ("REVSH", "11", .revsh)]
        return [
            // LSL, LSR, ASR, ROR (register) T2: Rn shifted by Rm.
            row32("LSL, LSR, ASR, ROR (register) T2", "1111 1010 0yyS nnnn 1111 dddd 0000 mmmm") { f in
                if f.rd == 15 || f.rm == 15 || f.rn == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.mov)
                i.rd = f.rd; i.rm = f.rn; i.rs = f.rm
                i.shift = f.shiftType
                i.flags = .registerShift
                if f.S { i.flags.insert(.setFlags) }
                return i
            },
        ] + extends.map { name, op1, op in
            // Rn = 1111 adds nothing (SXTH and friends); the rotation is rotate * 8.
            row32(name, "1111 1010 0\(op1) nnnn 1111 dddd 10rr mmmm") { f in
                var i = registerOperands(op, f, rnAllowsPC: true)
                if i.op != .undefined { i.shiftAmount = UInt8(f.rotate * 8) }
                return i
            }
        } + [
            // Parallel addition and subtraction. op1: 000 ADD8, 001 ADD16, 010 ASX, 100 SUB8,
            // 101 SUB16, 110 SAX; op2: U (bit 2) and 00 plain, 01 saturating, 10 halving.
            row32("Parallel add/subtract", "1111 1010 1ooo nnnn 1111 dddd 0qqq mmmm") { f in
                let aop = parallelOps[Int(f.op & 7)]
                guard aop <= 7, f.op2 & 3 != 3 else { return A32Inst(.undefined) }
                var i = registerOperands(.parallel, f)
                if i.op == .undefined { return i }
                let prefix = (f.op2 & 0b100) | ((f.op2 & 3) + 1)   // the A32 prefix: 001 S ... 111 UH
                i.imm = prefix << 3 | aop
                return i
            },
        ] + saturating.map { name, op2, op in
            row32(name, "1111 1010 1000 nnnn 1111 dddd 10\(op2) mmmm") { f in registerOperands(op, f) }
        } + reverses.map { name, op2, op in
            // Rm is in both halfwords and they must agree.
            row32(name, "1111 1010 1001 nnnn 1111 dddd 10\(op2) mmmm") { f in
                f.rn != f.rm ? A32Inst(.undefined) : registerOperands(op, f)
            }
        } + [
            row32("SEL", "1111 1010 1010 nnnn 1111 dddd 1000 mmmm") { f in registerOperands(.sel, f) },
            row32("CLZ", "1111 1010 1011 nnnn 1111 dddd 1000 mmmm") { f in
                f.rn != f.rm ? A32Inst(.undefined) : registerOperands(.clz, f)
            },
            // CRC32{C}{B,H,W} (F5.1.x, ARMv8): sz = 11 is CONSTRAINED UNPREDICTABLE, taken as UNDEFINED.
            row32("CRC32", "1111 1010 110C nnnn 1111 dddd 10zz mmmm") { f in
                A32Decoder.crc32(castagnoli: f.C, sizeLog2: f.size, rd: f.rd, rn: f.rn, rm: f.rm)
            },
        ]
    }

    public static let dataProcessingRegister = A32Table("Data processing (register)", dataProcessingRegisterRows)

    // MARK: Multiply, multiply accumulate, absolute difference

    /// Rd in rd, Ra in rs; Rd, Rn, Rm = PC are UNPREDICTABLE (hw2 7:6 = 00).
    static func multiplyWide(_ op: A32Op, _ f: A32Fields, raRequired: Bool = false) -> A32Inst {
        if f.rd == 15 || f.rn == 15 || f.rm == 15 || (raRequired && f.ra == 15) { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rs = f.ra; i.rn = f.rn; i.rm = f.rm
        if f.N { i.flags.insert(.topN) }
        if f.M { i.flags.insert(.topM) }
        return i
    }

    public static let multiplyAccumulate = A32Table(
        "Multiply, multiply accumulate, and absolute difference", [
            row32("MUL T2", "1111 1011 0000 nnnn 1111 dddd 0000 mmmm") { f in var i = multiplyWide(.mul, f); if i.op != .undefined { i.rs = 15 }; return i },
            row32("MLA", "1111 1011 0000 nnnn aaaa dddd 0000 mmmm") { f in multiplyWide(.mla, f) },
            row32("MLS", "1111 1011 0000 nnnn aaaa dddd 0001 mmmm") { f in multiplyWide(.mls, f, raRequired: true) },
            // SMLA<x><y>, SMUL<x><y> (Ra = 1111): N and M pick the top halves.
            row32("SMUL<x><y>", "1111 1011 0001 nnnn 1111 dddd 00NM mmmm") { f in var i = multiplyWide(.smulxy, f); if i.op != .undefined { i.rs = 15 }; return i },
            row32("SMLA<x><y>", "1111 1011 0001 nnnn aaaa dddd 00NM mmmm") { f in multiplyWide(.smlaxy, f) },
            // SMLAD/SMUAD, SMLSD/SMUSD (Ra = 1111 adds nothing): M swaps Rm's halves.
            row32("SMLAD", "1111 1011 0010 nnnn aaaa dddd 000M mmmm") { f in multiplyWide(.smlad, f) },
            row32("SMULW<y>", "1111 1011 0011 nnnn 1111 dddd 000M mmmm") { f in var i = multiplyWide(.smulwy, f); if i.op != .undefined { i.rs = 15 }; return i },
            row32("SMLAW<y>", "1111 1011 0011 nnnn aaaa dddd 000M mmmm") { f in multiplyWide(.smlawy, f) },
            row32("SMLSD", "1111 1011 0100 nnnn aaaa dddd 000M mmmm") { f in multiplyWide(.smlsd, f) },
            // SMMLA/SMMUL (Ra = 1111), SMMLS: M rounds.
            row32("SMMLA", "1111 1011 0101 nnnn aaaa dddd 000M mmmm") { f in multiplyWide(.smmla, f) },
            row32("SMMLS", "1111 1011 0110 nnnn aaaa dddd 000M mmmm") { f in multiplyWide(.smmls, f, raRequired: true) },
            // USAD8 (Ra = 1111), USADA8.
            row32("USADA8", "1111 1011 0111 nnnn aaaa dddd 0000 mmmm") { f in multiplyWide(.usad8, f) },
        ],
        priorities: [
            A32Priority("MUL T2", over: "MLA", "F3.3.x: MLA with Ra = 1111 is MUL"),
            A32Priority("SMUL<x><y>", over: "SMLA<x><y>", "F3.3.x: SMLA<x><y> with Ra = 1111 is SMUL<x><y>"),
            A32Priority("SMULW<y>", over: "SMLAW<y>", "F3.3.x: SMLAW<y> with Ra = 1111 is SMULW<y>"),
        ])

    // MARK: Long multiply, long multiply accumulate, divide

    /// RdHi in rd, RdLo in rs; the same register for both, or any PC, is UNPREDICTABLE.
    static func longMultiply(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rn == 15 || f.rm == 15 || f.rdHi == 15 || f.rdLo == 15 || f.rdLo == f.rdHi { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rdHi; i.rs = f.rdLo; i.rn = f.rn; i.rm = f.rm
        if f.N { i.flags.insert(.topN) }
        if f.M { i.flags.insert(.topM) }
        return i
    }

    /// SDIV, UDIV: Rd in hw2 11:8; hw2 15:12 should be 1111.
    static func divide(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        if f.rn == 15 || f.rm == 15 || f.rd == 15 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn; i.rm = f.rm
        return i
    }

    public static let longMultiplyAndDivide = A32Table(
        "Long multiply, long multiply accumulate, and divide", [
            row32("SMULL", "1111 1011 1000 nnnn llll hhhh 0000 mmmm") { f in longMultiply(.smull, f) },
            row32("SDIV", "1111 1011 1001 nnnn ---- dddd 1111 mmmm") { f in divide(.sdiv, f) },
            row32("UMULL", "1111 1011 1010 nnnn llll hhhh 0000 mmmm") { f in longMultiply(.umull, f) },
            row32("UDIV", "1111 1011 1011 nnnn ---- dddd 1111 mmmm") { f in divide(.udiv, f) },
            row32("SMLAL", "1111 1011 1100 nnnn llll hhhh 0000 mmmm") { f in longMultiply(.smlal, f) },
            row32("SMLAL<x><y>", "1111 1011 1100 nnnn llll hhhh 10NM mmmm") { f in longMultiply(.smlalxy, f) },
            row32("SMLALD", "1111 1011 1100 nnnn llll hhhh 110M mmmm") { f in longMultiply(.smlald, f) },
            row32("SMLSLD", "1111 1011 1101 nnnn llll hhhh 110M mmmm") { f in longMultiply(.smlsld, f) },
            row32("UMLAL", "1111 1011 1110 nnnn llll hhhh 0000 mmmm") { f in longMultiply(.umlal, f) },
            row32("UMAAL", "1111 1011 1110 nnnn llll hhhh 0110 mmmm") { f in longMultiply(.umaal, f) },
        ])

    // MARK: Coprocessor, Advanced SIMD and floating point

    /// 111T 11xx: 111U 1111 is Advanced SIMD data processing, A32's 1111 001U with the same low
    /// 24 bits; 1111 1110 with CP10/CP11 holds the unconditional ARMv8 floating-point
    /// instructions (VSEL, VMAXNM, VRINT{A,N,P,M}, VCVT{A,N,P,M}), as A32's. With T = 0 the
    /// coprocessor moves and floating point have the A32 layout in hw1[11:0]:hw2, so A32's rows
    /// read them as a cond = 1110 word. T = 1 otherwise (MCR2 and friends, unallocated in
    /// ARMv8) has no row: UNDEFINED.
    public static let coprocessorSpace = A32Table(
        "Coprocessor, floating-point, and Advanced SIMD", [
            row32("Advanced SIMD data-processing", "111U 1111 ---- ---- ---- ---- ---- ----") { f in
                var i = A32Inst(.neon)
                i.imm = 0xF200_0000 | (f.U ? 1 << 24 : 0) | (f.word >> 16 & 0xFF) << 16 | f.word & 0xFFFF
                return i
            },
            row32("Unconditional floating point", "1111 1110 ---- ---- ---- 101- ---0 ----") { f in
                var i = A32Inst(.vfp)
                i.imm = (f.word >> 16 & 0x0FFF) << 16 | f.word & 0xFFFF | 1 << 28
                i.flags = .notInITBlock
                return i
            },
            row32("Coprocessor and floating point (A32 layout)", "1110 11-- ---- ---- ---- ---- ---- ----") { f in
                A32Decoder.coprocessorAndSVC.decode(0xE000_0000 | f.word & 0x0FFF_FFFF)
            },
        ],
        priorities: [A32Priority("Advanced SIMD data-processing", over: "Coprocessor and floating point (A32 layout)",
                                 "F3.3.x: 111U 1111 is the Advanced SIMD data-processing space")])
}
