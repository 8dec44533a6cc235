/// The 16-bit T32 encodings (ARM DDI 0487, F3.2 "16-bit T32 instruction encoding"): one
/// ordered table of `.t32Narrow` rows, `T32Decoder.narrow`.
extension T32Decoder {
    static func row16(_ name: String, _ pattern: String, _ decode: @escaping (A32Fields) -> A32Inst) -> A32Encoding {
        A32Encoding(.t32Narrow, name, pattern, decode)
    }

    /// An operation with flags, and Rd, Rn, Rm as the row's letters say.
    static func narrowInst(_ op: A32Op, _ f: A32Fields, _ flags: A32Flags) -> A32Inst {
        var i = A32Inst(op)
        i.rd = f.rd; i.rn = f.rn; i.rm = f.rm
        i.flags = flags
        return i
    }

    /// A load or store of Rt at [Rn, #imm * scale] (or [Rn, Rm] when the row has no imm).
    static func narrowLoadStore(_ op: A32Op, _ f: A32Fields, scale: UInt32, base: UInt8? = nil) -> A32Inst {
        var i = A32Inst(op)
        i.rd = f.rt; i.rn = base ?? f.rn; i.rm = f.rm
        i.imm = f.imm * scale
        i.flags = [.preIndex, .add]
        if f.immBits != 0 { i.flags.insert(.immediate) }
        return i
    }

    /// Data-processing (register), 010000 op Rm Rdn: the two-register ALU operations. The
    /// shifts by register (MOV with a register-shifted operand), RSB #0 and MULS have rows of
    /// their own in `narrow`.
    static var narrowDataProcessingRows: [A32Encoding] {
        let ops: [(String, String, A32Op)] = [("AND (register)", "0000", .and), ("EOR (register)", "0001", .eor),
            ("ADC (register)", "0101", .adc), ("SBC (register)", "0110", .sbc), ("TST (register)", "1000", .tst),
            ("CMP (register) T1", "1010", .cmp), ("CMN (register)", "1011", .cmn), ("ORR (register)", "1100", .orr),
            ("BIC (register)", "1110", .bic)]
        let shifts: [(String, String, A32Shift)] = [("LSL (register)", "0010", .lsl), ("LSR (register)", "0011", .lsr),
                                                    ("ASR (register)", "0100", .asr), ("ROR (register)", "0111", .ror)]
        return ops.map { name, op4, op in
            row16(name, "0100 00\(op4) mmmddd") { f in
                let isTest = op == .tst || op == .cmp || op == .cmn
                var i = narrowInst(op, f, isTest ? .setFlags : .setFlagsOutsideIT)
                i.rn = f.rd
                return i
            }
        } + shifts.map { name, op4, shift in
            // Rdn shifted by the bottom byte of Rm.
            row16(name, "0100 00\(op4) mmmddd") { f in
                var i = A32Inst(.mov)
                i.shift = shift
                i.rd = f.rd; i.rm = f.rd; i.rs = f.rm
                i.flags = [.registerShift, .setFlagsOutsideIT]
                return i
            }
        } + [
            // RSB (immediate) T1: RSBS Rd, Rn, #0 (NEG).
            row16("RSB (immediate) T1", "0100 0010 01nn nddd") { f in narrowInst(.rsb, f, [.immediate, .setFlagsOutsideIT]) },
            // MUL T1: MULS Rdm, Rn, Rdm.
            row16("MUL T1", "0100 0011 01nn nddd") { f in
                var i = narrowInst(.mul, f, .setFlagsOutsideIT)
                i.rm = f.rd
                return i
            },
            row16("MVN (register) T1", "0100 0011 11mm mddd") { f in narrowInst(.mvn, f, .setFlagsOutsideIT) },
        ]
    }

    /// The 16-bit encodings (F3.2), one table: no two classes share a first halfword except
    /// where `priorities` says.
    public static let narrow = A32Table(
        "16-bit T32 instructions",
        [
            // Shift (immediate), add, subtract, move, and compare.
            row16("MOV (register) T2", "0000 0000 00mm mddd") { f in narrowInst(.mov, f, [.setFlagsOutsideIT, .notInITBlock]) },
            row16("LSL (immediate)", "0000 0iii iimm mddd") { f in shiftImmediate(.lsl, f) },
            row16("LSR (immediate)", "0000 1iii iimm mddd") { f in shiftImmediate(.lsr, f) },
            row16("ASR (immediate)", "0001 0iii iimm mddd") { f in shiftImmediate(.asr, f) },
            row16("ADD (register) T1", "0001 100m mmnn nddd") { f in narrowInst(.add, f, .setFlagsOutsideIT) },
            row16("SUB (register) T1", "0001 101m mmnn nddd") { f in narrowInst(.sub, f, .setFlagsOutsideIT) },
            row16("ADD (immediate) T1", "0001 110i iinn nddd") { f in
                var i = narrowInst(.add, f, [.immediate, .setFlagsOutsideIT]); i.imm = f.imm; return i
            },
            row16("SUB (immediate) T1", "0001 111i iinn nddd") { f in
                var i = narrowInst(.sub, f, [.immediate, .setFlagsOutsideIT]); i.imm = f.imm; return i
            },
            row16("MOV (immediate) T1", "0010 0ddd iiii iiii") { f in
                var i = narrowInst(.mov, f, [.immediate, .setFlagsOutsideIT]); i.imm = f.imm; return i
            },
            // CMP always sets the flags; ADD and SUB T2 use Rdn as both.
            row16("CMP (immediate) T1", "0010 1ddd iiii iiii") { f in
                var i = narrowInst(.cmp, f, [.immediate, .setFlags]); i.rn = f.rd; i.imm = f.imm; return i
            },
            row16("ADD (immediate) T2", "0011 0ddd iiii iiii") { f in
                var i = narrowInst(.add, f, [.immediate, .setFlagsOutsideIT]); i.rn = f.rd; i.imm = f.imm; return i
            },
            row16("SUB (immediate) T2", "0011 1ddd iiii iiii") { f in
                var i = narrowInst(.sub, f, [.immediate, .setFlagsOutsideIT]); i.rn = f.rd; i.imm = f.imm; return i
            },
        ] + narrowDataProcessingRows + [
            // Special data instructions and branch and exchange: Rdn is DN:Rdn (bit 7, bits 2:0).
            // ADD (register) T2: both PC is UNPREDICTABLE. With Rdn = PC the operands are swapped
            // (addition commutes, no flags), so that Rn is never the PC here: the executor reads
            // Rn = PC as Align(PC, 4), which only ADR wants.
            row16("ADD (register) T2", "0100 0100 dmmm mddd") { f in
                let rdn = f.rd, rm = f.rm
                if rdn == 15 && rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.add)
                i.rd = rdn
                if rdn == 15 { i.rn = rm; i.rm = 15; i.flags = .lastInITBlock } else { i.rn = rdn; i.rm = rm }
                return i
            },
            // CMP (register) T2: both low, or either the PC, is UNPREDICTABLE.
            row16("CMP (register) T2", "0100 0101 nmmm mnnn") { f in
                if (f.rn < 8 && f.rm < 8) || f.rn == 15 || f.rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.cmp)
                i.rn = f.rn; i.rm = f.rm
                i.flags = .setFlags
                return i
            },
            // MOV (register) T1: no flags; MOV PC, Rm branches (ALUWritePC).
            row16("MOV (register) T1", "0100 0110 dmmm mddd") { f in
                var i = A32Inst(.mov)
                i.rd = f.rd; i.rm = f.rm
                if f.rd == 15 { i.flags = .lastInITBlock }
                return i
            },
            row16("BX", "0100 0111 0mmm m---") { f in var i = A32Inst(.bx); i.rm = f.rm; i.flags = .lastInITBlock; return i },
            // BLX PC is UNPREDICTABLE.
            row16("BLX (register)", "0100 0111 1mmm m---") { f in
                if f.rm == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.blxReg); i.rm = f.rm; i.flags = .lastInITBlock; return i
            },
            // LDR (literal) T1: [Align(PC, 4) + imm8:'00'].
            row16("LDR (literal) T1", "0100 1ttt iiii iiii") { f in narrowLoadStore(.ldr, f, scale: 4, base: 15) },
            // Load/store (register offset).
            row16("STR (register) T1", "0101 000m mmnn nttt") { f in narrowLoadStore(.str, f, scale: 1) },
            row16("STRH (register) T1", "0101 001m mmnn nttt") { f in narrowLoadStore(.strh, f, scale: 1) },
            row16("STRB (register) T1", "0101 010m mmnn nttt") { f in narrowLoadStore(.strb, f, scale: 1) },
            row16("LDRSB (register) T1", "0101 011m mmnn nttt") { f in narrowLoadStore(.ldrsb, f, scale: 1) },
            row16("LDR (register) T1", "0101 100m mmnn nttt") { f in narrowLoadStore(.ldr, f, scale: 1) },
            row16("LDRH (register) T1", "0101 101m mmnn nttt") { f in narrowLoadStore(.ldrh, f, scale: 1) },
            row16("LDRB (register) T1", "0101 110m mmnn nttt") { f in narrowLoadStore(.ldrb, f, scale: 1) },
            row16("LDRSH (register) T1", "0101 111m mmnn nttt") { f in narrowLoadStore(.ldrsh, f, scale: 1) },
            // Load/store (immediate): word imm5:'00', byte imm5, halfword imm5:'0'.
            row16("STR (immediate) T1", "0110 0iii iinn nttt") { f in narrowLoadStore(.str, f, scale: 4) },
            row16("LDR (immediate) T1", "0110 1iii iinn nttt") { f in narrowLoadStore(.ldr, f, scale: 4) },
            row16("STRB (immediate) T1", "0111 0iii iinn nttt") { f in narrowLoadStore(.strb, f, scale: 1) },
            row16("LDRB (immediate) T1", "0111 1iii iinn nttt") { f in narrowLoadStore(.ldrb, f, scale: 1) },
            row16("STRH (immediate) T1", "1000 0iii iinn nttt") { f in narrowLoadStore(.strh, f, scale: 2) },
            row16("LDRH (immediate) T1", "1000 1iii iinn nttt") { f in narrowLoadStore(.ldrh, f, scale: 2) },
            row16("STR (immediate) T2", "1001 0ttt iiii iiii") { f in narrowLoadStore(.str, f, scale: 4, base: 13) },
            row16("LDR (immediate) T2", "1001 1ttt iiii iiii") { f in narrowLoadStore(.ldr, f, scale: 4, base: 13) },
            // ADR T1 (ADD Rd, Align(PC, 4), #imm8:'00') and ADD (SP plus immediate) T1.
            row16("ADR T1", "1010 0ddd iiii iiii") { f in
                var i = A32Inst(.add); i.rd = f.rd; i.rn = 15; i.imm = f.imm << 2; i.flags = .immediate; return i
            },
            row16("ADD (SP plus immediate) T1", "1010 1ddd iiii iiii") { f in
                var i = A32Inst(.add); i.rd = f.rd; i.rn = 13; i.imm = f.imm << 2; i.flags = .immediate; return i
            },
        ] + narrowMiscellaneousRows + [
            // STM (STMIA Rn!) T1 and LDM (LDMIA Rn{!}) T1: the load writes back unless Rn is loaded.
            row16("STM T1", "1100 0nnn xxxx xxxx") { f in narrowMultiple(.stm, f) },
            row16("LDM T1", "1100 1nnn xxxx xxxx") { f in narrowMultiple(.ldm, f) },
            // UDF is not conditional: UNPREDICTABLE in an IT block.
            row16("UDF T1", "1101 1110 iiii iiii") { f in var i = A32Inst(.udf); i.imm = f.imm; i.flags = .notInITBlock; return i },
            row16("SVC T1", "1101 1111 iiii iiii") { f in var i = A32Inst(.svc); i.imm = f.imm; return i },
            // B T1 (conditional): SignExtend(imm8:'0').
            row16("B T1", "1101 cccc iiii iiii") { f in
                var i = A32Inst(.b); i.cond = f.cond; i.imm = f.signedImm(scale: 1); i.flags = .notInITBlock; return i
            },
            // B T2: SignExtend(imm11:'0').
            row16("B T2", "1110 0iii iiii iiii") { f in
                var i = A32Inst(.b); i.imm = f.signedImm(scale: 1); i.flags = .lastInITBlock; return i
            },
        ],
        priorities: [
            A32Priority("MOV (register) T2", over: "LSL (immediate)", "F3.2.x: LSL #0 is MOVS Rd, Rm (MOV (register) T2)"),
            A32Priority("UDF T1", over: "B T1", "F3.2.x: B T1 with cond = 1110 is UDF"),
            A32Priority("SVC T1", over: "B T1", "F3.2.x: B T1 with cond = 1111 is SVC"),
            A32Priority("Hints", over: "IT", "F3.2.x: IT with mask = 0000 is the hint space"),
        ])

    /// LSL, LSR, ASR (immediate) T1: MOV with a shifted register.
    static func shiftImmediate(_ shift: A32Shift, _ f: A32Fields) -> A32Inst {
        var i = narrowInst(.mov, f, .setFlagsOutsideIT)
        i.shift = shift
        i.shiftAmount = UInt8(f.imm)
        return i
    }

    static func narrowMultiple(_ op: A32Op, _ f: A32Fields) -> A32Inst {
        let list = f.registers
        if list == 0 { return A32Inst(.undefined) }
        var i = A32Inst(op)
        i.rn = f.rn
        i.imm = list
        i.flags = .add
        if op == .stm || list & (1 << UInt32(f.rn)) == 0 { i.flags.insert(.writeBack) }
        return i
    }

    /// Miscellaneous 16-bit instructions, 1011 xxxx (F3.2.x "Miscellaneous 16-bit instructions").
    static var narrowMiscellaneousRows: [A32Encoding] {
        let extends: [(String, String, A32Op)] = [("SXTH T1", "00", .sxth), ("SXTB T1", "01", .sxtb),
                                                  ("UXTH T1", "10", .uxth), ("UXTB T1", "11", .uxtb)]
        let reverses: [(String, String, A32Op)] = [("REV T1", "00", .rev), ("REV16 T1", "01", .rev16), ("REVSH T1", "11", .revsh)]
        return [
            // ADD/SUB (SP plus/minus immediate): SP = SP +/- imm7:'00'.
            row16("ADD (SP plus immediate) T2", "1011 0000 0iii iiii") { f in
                var i = A32Inst(.add); i.rd = 13; i.rn = 13; i.imm = f.imm << 2; i.flags = .immediate; return i
            },
            row16("SUB (SP minus immediate) T1", "1011 0000 1iii iiii") { f in
                var i = A32Inst(.sub); i.rd = 13; i.rn = 13; i.imm = f.imm << 2; i.flags = .immediate; return i
            },
            // CBZ, CBNZ: i:imm5:'0' forward from PC.
            row16("CBZ", "1011 00i1 iiii innn") { f in
                var i = A32Inst(.cbz); i.rn = f.rn; i.imm = f.imm << 1; i.flags = .notInITBlock; return i
            },
            row16("CBNZ", "1011 10i1 iiii innn") { f in
                var i = A32Inst(.cbnz); i.rn = f.rn; i.imm = f.imm << 1; i.flags = .notInITBlock; return i
            },
        ] + extends.map { name, op2, op in
            // No rotation, no addend (Rn = 15).
            row16(name, "1011 0010 \(op2)mm mddd") { f in var i = narrowInst(op, f, []); i.rn = 15; return i }
        } + [
            // PUSH T1: STMDB SP!, registers (M adds LR).
            row16("PUSH T1", "1011 010M xxxx xxxx") { f in
                let list = f.registers | (f.M ? 1 << 14 : 0)
                if list == 0 { return A32Inst(.undefined) }
                var i = A32Inst(.stm); i.rn = 13; i.imm = list; i.flags = [.preIndex, .writeBack]; return i
            },
            // POP T1: LDMIA SP!, registers (P adds PC, which makes it a branch).
            row16("POP T1", "1011 110P xxxx xxxx") { f in
                let list = f.registers | (f.P ? 1 << 15 : 0)
                if list == 0 { return A32Inst(.undefined) }
                var i = A32Inst(.ldm); i.rn = 13; i.imm = list; i.flags = [.add, .writeBack]
                if f.P { i.flags.insert(.lastInITBlock) }
                return i
            },
            row16("SETEND T1", "1011 0110 010- E---") { f in
                var i = A32Inst(.setend); i.imm = f.E ? 1 : 0; i.flags = .notInITBlock; return i
            },
            // CPS T1: im = 0 enables (imod 10), 1 disables (imod 11); no mode change.
            row16("CPS T1", "1011 0110 011I -fff") { f in
                var i = A32Inst(.cps); i.imm = (f.I ? 0b11 : 0b10) << 6; i.rm = UInt8(f.aif); i.flags = .notInITBlock; return i
            },
            row16("HLT T1", "1011 1010 10ii iiii") { f in var i = A32Inst(.hlt); i.imm = f.imm; return i },
        ] + reverses.map { name, op2, op in
            row16(name, "1011 1010 \(op2)mm mddd") { f in narrowInst(op, f, []) }
        } + [
            // BKPT T1 (imm8): executes whatever the IT condition says.
            row16("BKPT T1", "1011 1110 iiii iiii") { f in var i = A32Inst(.bkpt); i.imm = f.imm; return i },
            // The hints are IT with mask = 0000; the unallocated ones execute as NOP.
            row16("Hints", "1011 1111 oooo 0000") { f in
                let hints: [A32Op] = [.nop, .yield, .wfe, .wfi, .sev, .sevl]
                return A32Inst(f.op < 6 ? hints[Int(f.op)] : .nop)
            },
            // IT with firstcond 1111, or with AL and more than one instruction in the block, is
            // UNPREDICTABLE (F5.1.x "IT").
            row16("IT", "1011 1111 cccc kkkk") { f in
                if f.cond == 0xF || (f.cond == 0xE && f.mask.nonzeroBitCount != 1) { return A32Inst(.undefined) }
                var i = A32Inst(.it); i.imm = UInt32(f.cond) << 4 | f.mask; i.flags = .notInITBlock; return i
            },
        ]
    }
}
