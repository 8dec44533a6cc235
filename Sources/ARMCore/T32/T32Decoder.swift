/// The T32 decoder (ARM DDI 0487, F3 "T32 Base Instruction Set Encoding"): 16-bit and 32-bit
/// encodings into the same `A32Inst` operations the A32 decoder produces, so one set of
/// executors serves both instruction sets. The field conventions are the A32 decoder's (see
/// A32Instruction.swift and A32Decoder.swift); where T32 has a form A32 lacks (ORN, IT, CBZ,
/// CBNZ, TBB, TBH) it has its own operation.
///
/// What the decoder cannot know, the loop (AArch32Loop.swift) resolves from ITSTATE: 16-bit
/// data processing sets the flags only outside an IT block (`setFlagsOutsideIT`), some
/// instructions are UNPREDICTABLE inside one (`notInITBlock`) and PC writers must be the last
/// of a block (`lastInITBlock`).
///
/// UNPREDICTABLE encodings decode to `.undefined` where an executor could otherwise misbehave
/// (PC as a destination or base that the instruction does not allow, write-back onto the
/// transferred register, a bad immediate pattern). ARMv8 allows R13 in most places ARMv7 did
/// not ("ARMv8-A removes UNPREDICTABLE for R13"), so SP is accepted. Should-be-one and
/// should-be-zero bits are not checked. VFP (CP10/CP11) goes through the A32 coprocessor
/// decoder to `.vfp`, whose encoding bits 27:0 are those of A32; Advanced SIMD (111x 1111 and
/// the element loads and stores) decodes to `.neon` with the encoding rewritten to A32's form. Nothing here traps on any input.
public enum T32Decoder {
    @inline(__always) static func bit(_ v: UInt32, _ n: UInt32) -> Bool { (v >> n) & 1 != 0 }
    @inline(__always) static func field(_ v: UInt32, _ hi: UInt32, _ lo: UInt32) -> UInt32 {
        (v >> lo) & ((1 << (hi - lo + 1)) - 1)
    }
    @inline(__always) static func reg(_ v: UInt32, _ lo: UInt32) -> UInt8 { UInt8((v >> lo) & 15) }
    @inline(__always) static func low(_ v: UInt32, _ lo: UInt32) -> UInt8 { UInt8((v >> lo) & 7) }

    /// SignExtend of the low `bits` bits.
    @inline(__always) static func signExtend(_ v: UInt32, _ bits: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: v << (32 - bits)) >> Int32(32 - bits))
    }

    // Operation tables indexed by encoding fields.
    static let extend32Ops: [A32Op] = [.sxth, .uxth, .sxtb16, .uxtb16, .sxtb, .uxtb, .undefined, .undefined]
    static let saturatingOps: [A32Op] = [.qadd, .qdadd, .qsub, .qdsub]
    static let reverse32Ops: [A32Op] = [.rev, .rev16, .rbit, .revsh]
    /// T32 parallel op1 (2:0) to the A32 op2 that `executeParallel` reads: 000 ADD8, 001 ADD16,
    /// 010 ASX, 100 SUB8, 101 SUB16, 110 SAX; 0xFF for the unallocated 011 and 111.
    static let parallelOps: [UInt32] = [0b100, 0b000, 0b001, 0xFF, 0b111, 0b011, 0b010, 0xFF]

    /// A 32-bit encoding starts with 0b11101, 0b11110 or 0b11111 (F3.1 "T32 instruction set
    /// encoding"); every other first halfword is a whole 16-bit instruction.
    @inlinable public static func isWide(_ hw1: UInt16) -> Bool { hw1 >> 11 >= 0b11101 }

    // MARK: 16-bit encodings (F3.2 "16-bit T32 instruction encoding")

    public static func decode16(_ hw: UInt16) -> A32Inst {
        var i = narrow.decode(UInt32(hw))
        i.length = 2
        return i
    }

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

    // MARK: 32-bit encodings (F3.3 "32-bit T32 instruction encoding")

    public static func decode32(_ hw1: UInt16, _ hw2: UInt16) -> A32Inst {
        let a = UInt32(hw1), b = UInt32(hw2)
        var i: A32Inst
        switch field(a, 12, 11) {
        case 0b01:
            if bit(a, 10) {
                i = coprocessor(a, b)
            } else if bit(a, 9) {
                i = dataProcessingShiftedRegister(a, b)
            } else if bit(a, 6) {
                i = loadStoreDualExclusiveTable(a, b)
            } else {
                i = loadStoreMultiple(a, b)
            }
        case 0b10:
            if bit(b, 15) {
                i = branchesAndMiscellaneous(a, b)
            } else if bit(a, 9) {
                i = plainBinaryImmediate(a, b)
            } else {
                i = modifiedImmediate(a, b)
            }
        case 0b11:
            let op2 = field(a, 10, 4)
            if op2 & 0b100_0000 != 0 {
                i = coprocessor(a, b)
            } else if op2 & 0b110_0000 == 0 {
                // 000xxx0 stores, 00xxxx1 loads; 001xxx0 is Advanced SIMD element or structure
                // load/store, 1111 1001 xxx0 being A32's 1111 0100 xxx0.
                if op2 & 0b001_0001 == 0b001_0000 {
                    i = A32Inst(.neon)
                    i.imm = 0xF400_0000 | (a & 0xFF) << 16 | b
                } else {
                    i = loadStoreSingle(a, b)
                }
            } else if op2 & 0b111_0000 == 0b010_0000 {
                i = dataProcessingRegister(a, b)
            } else if op2 & 0b111_1000 == 0b011_0000 {
                i = multiply(a, b)
            } else if op2 & 0b111_1000 == 0b011_1000 {
                i = longMultiplyDivide(a, b)
            } else {
                i = A32Inst(.undefined)
            }
        default:
            i = A32Inst(.undefined)
        }
        i.length = 4
        return i
    }

    // MARK: Data processing (modified immediate)

    /// ThumbExpandImm_C (F3.3.x "Modified immediate constants in T32 instructions"): imm12 =
    /// i:imm3:imm8. The byte patterns leave the carry alone; a rotated '1':imm7 sets it to bit 31.
    /// Returns nil for the UNPREDICTABLE patterns with imm8 = 0.
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

    static func modifiedImmediate(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op = field(a, 8, 5), s = bit(a, 4)
        let rn = reg(a, 0), rd = reg(b, 8)
        var i: A32Inst
        // The test forms are the Rd = 1111, S = 1 rows of AND, EOR, ADD and SUB.
        let isTest = rd == 15 && s
        switch op {
        case 0b0000: i = A32Inst(isTest ? .tst : .and)
        case 0b0001: i = A32Inst(.bic)
        case 0b0010: i = A32Inst(rn == 15 ? .mov : .orr)
        case 0b0011: i = A32Inst(rn == 15 ? .mvn : .orn)
        case 0b0100: i = A32Inst(isTest ? .teq : .eor)
        case 0b1000: i = A32Inst(isTest ? .cmn : .add)
        case 0b1010: i = A32Inst(.adc)
        case 0b1011: i = A32Inst(.sbc)
        case 0b1101: i = A32Inst(isTest ? .cmp : .sub)
        case 0b1110: i = A32Inst(.rsb)
        default: return A32Inst(.undefined)
        }
        let imm12 = field(a, 10, 10) << 11 | field(b, 14, 12) << 8 | (b & 0xFF)
        guard thumbExpandImm(imm12, into: &i) else { return A32Inst(.undefined) }
        if s { i.flags.insert(.setFlags) }
        let usesRn = i.op != .mov && i.op != .mvn
        // Rd = PC outside the test forms, and Rn = PC, are UNPREDICTABLE.
        if (rd == 15 && !isTest) || (usesRn && rn == 15) { return A32Inst(.undefined) }
        i.rd = isTest ? 0 : rd
        i.rn = usesRn ? rn : 0
        return i
    }

    // MARK: Data processing (plain binary immediate)

    static func plainBinaryImmediate(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op = field(a, 8, 4)
        let rn = reg(a, 0), rd = reg(b, 8)
        let imm12 = field(a, 10, 10) << 11 | field(b, 14, 12) << 8 | (b & 0xFF)
        let imm5 = field(b, 14, 12) << 2 | field(b, 7, 6)      // imm3:imm2
        if rd == 15 { return A32Inst(.undefined) }
        var i: A32Inst
        switch op {
        case 0b00000, 0b01010:
            // ADDW, SUBW T4; with Rn = PC, ADR T3/T2 (Align(PC, 4) +/- imm12).
            i = A32Inst(op == 0 ? .add : .sub)
            i.rd = rd; i.rn = rn
            i.imm = imm12
            i.flags = .immediate
            return i
        case 0b00100, 0b01100:
            // MOVW, MOVT: imm16 = imm4:i:imm3:imm8.
            i = A32Inst(op == 0b00100 ? .movw : .movt)
            i.rd = rd
            i.imm = UInt32(rn) << 12 | imm12
            return i
        default: break
        }
        if rn == 15 && op != 0b10110 { return A32Inst(.undefined) }
        switch op {
        case 0b10000, 0b10010, 0b11000, 0b11010:
            // SSAT, USAT (sh = bit 5: ASR, else LSL); with sh = 1 and no shift, SSAT16 and USAT16.
            let unsigned = op & 0b01000 != 0
            let sh = bit(a, 5)
            if sh && imm5 == 0 {
                i = A32Inst(unsigned ? .usat16 : .ssat16)
                i.imm = b & 0xF
            } else {
                i = A32Inst(unsigned ? .usat : .ssat)
                i.imm = b & 0x1F
                i.shift = sh ? .asr : .lsl
                i.shiftAmount = UInt8(imm5)
            }
            i.rd = rd; i.rn = rn
            return i
        case 0b10100, 0b11100:
            // SBFX, UBFX: lsb = imm3:imm2, widthminus1 in bits 4:0; lsb + width > 32 is UNPREDICTABLE.
            let widthMinus1 = b & 0x1F
            if imm5 + widthMinus1 > 31 { return A32Inst(.undefined) }
            i = A32Inst(op == 0b10100 ? .sbfx : .ubfx)
            i.rd = rd; i.rn = rn
            i.shiftAmount = UInt8(imm5)
            i.imm = widthMinus1
            return i
        case 0b10110:
            // BFI, BFC (Rn = PC): lsb = imm3:imm2, msb in bits 4:0; msb < lsb is UNPREDICTABLE.
            let msb = b & 0x1F
            if msb < imm5 { return A32Inst(.undefined) }
            i = A32Inst(rn == 15 ? .bfc : .bfi)
            i.rd = rd; i.rn = rn
            i.shiftAmount = UInt8(imm5)
            i.imm = msb
            return i
        default:
            return A32Inst(.undefined)
        }
    }

    // MARK: Data processing (shifted register)

    static func dataProcessingShiftedRegister(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op = field(a, 8, 5), s = bit(a, 4)
        let rn = reg(a, 0), rd = reg(b, 8), rm = reg(b, 0)
        let imm5 = UInt8(field(b, 14, 12) << 2 | field(b, 7, 6))
        let type = A32Shift(rawValue: UInt8(field(b, 5, 4))) ?? .lsl
        if rm == 15 { return A32Inst(.undefined) }
        let isTest = rd == 15 && s
        var i: A32Inst
        switch op {
        case 0b0000: i = A32Inst(isTest ? .tst : .and)
        case 0b0001: i = A32Inst(.bic)
        case 0b0010: i = A32Inst(rn == 15 ? .mov : .orr)   // MOV (register) T3 and its shift aliases
        case 0b0011: i = A32Inst(rn == 15 ? .mvn : .orn)
        case 0b0100: i = A32Inst(isTest ? .teq : .eor)
        case 0b0110:
            // PKHBT, PKHTB: tb (bit 5) selects ASR and the top half from Rn.
            if s || rd == 15 || rn == 15 || bit(b, 4) { return A32Inst(.undefined) }
            i = A32Inst(.pkh)
            i.rd = rd; i.rn = rn; i.rm = rm
            i.shift = bit(b, 5) ? .asr : .lsl
            i.shiftAmount = imm5
            return i
        case 0b1000: i = A32Inst(isTest ? .cmn : .add)
        case 0b1010: i = A32Inst(.adc)
        case 0b1011: i = A32Inst(.sbc)
        case 0b1101: i = A32Inst(isTest ? .cmp : .sub)
        case 0b1110: i = A32Inst(.rsb)
        default: return A32Inst(.undefined)
        }
        let usesRn = i.op != .mov && i.op != .mvn
        if (rd == 15 && !isTest) || (usesRn && rn == 15) { return A32Inst(.undefined) }
        i.rd = isTest ? 0 : rd
        i.rn = usesRn ? rn : 0
        i.rm = rm
        i.shift = type
        i.shiftAmount = imm5
        if s { i.flags.insert(.setFlags) }
        return i
    }

    // MARK: Branches and miscellaneous control

    static func branchesAndMiscellaneous(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op1 = field(b, 14, 12)
        let s = field(a, 10, 10), j1 = field(b, 13, 13), j2 = field(b, 11, 11)
        // I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S) for the 25-bit offsets of B T4, BL and BLX.
        let i1 = ~(j1 ^ s) & 1, i2 = ~(j2 ^ s) & 1
        switch op1 & 0b101 {
        case 0b000:
            if field(a, 9, 7) != 0b111 {
                // B T3 (conditional): SignExtend(S:J2:J1:imm6:imm11:'0').
                var i = A32Inst(.b)
                i.cond = UInt8(field(a, 9, 6))
                i.imm = signExtend(s << 20 | j2 << 19 | j1 << 18 | field(a, 5, 0) << 12 | (b & 0x7FF) << 1, 21)
                i.flags = .notInITBlock
                return i
            }
            return miscellaneousControl(a, b)
        case 0b001:
            // B T4: SignExtend(S:I1:I2:imm10:imm11:'0').
            var i = A32Inst(.b)
            i.imm = signExtend(s << 24 | i1 << 23 | i2 << 22 | field(a, 9, 0) << 12 | (b & 0x7FF) << 1, 25)
            i.flags = .lastInITBlock
            return i
        case 0b100:
            // BLX (immediate) T2: SignExtend(S:I1:I2:imm10H:imm10L:'00'); H = 1 is UNDEFINED.
            if bit(b, 0) { return A32Inst(.undefined) }
            var i = A32Inst(.blxImm)
            i.imm = signExtend(s << 24 | i1 << 23 | i2 << 22 | field(a, 9, 0) << 12 | field(b, 10, 1) << 2, 25)
            i.flags = .lastInITBlock
            return i
        default:
            // BL T1.
            var i = A32Inst(.bl)
            i.imm = signExtend(s << 24 | i1 << 23 | i2 << 22 | field(a, 9, 0) << 12 | (b & 0x7FF) << 1, 25)
            i.flags = .lastInITBlock
            return i
        }
    }

    /// The op = x111xxx rows of "Branches and miscellaneous control": MSR, MRS (banked and not),
    /// hints, CPS, barriers, BXJ, SUBS PC, LR (ERET), HVC, SMC, UDF.
    static func miscellaneousControl(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op = field(a, 10, 4)
        let permanentlyUndefined = bit(b, 13)   // op1 = 010
        if permanentlyUndefined && op != 0b111_1111 { return A32Inst(.undefined) }
        switch op {
        case 0b011_1000, 0b011_1001:
            let rn = reg(a, 0)
            if rn == 15 { return A32Inst(.undefined) }
            if bit(b, 5) {
                // MSR (banked register): R (a bit 4) and SYSm = M:M1 (b bit 4, b 11:8).
                var i = A32Inst(.msrBanked)
                i.imm = field(a, 4, 4) << 5 | field(b, 4, 4) << 4 | field(b, 11, 8)
                i.rm = rn
                return i
            }
            // MSR (register): mask in b 11:8 (the A32 mask's f, s, x, c bits), R selects SPSR.
            let mask = field(b, 11, 8)
            if mask == 0 { return A32Inst(.undefined) }
            var i = A32Inst(.msr)
            i.rm = rn
            i.rn = UInt8(mask)
            if bit(a, 4) { i.flags.insert(.spsr) }
            return i
        case 0b011_1010:
            if field(b, 10, 8) == 0 {
                switch b & 0xFF {
                case 0: return A32Inst(.nop)
                case 1: return A32Inst(.yield)
                case 2: return A32Inst(.wfe)
                case 3: return A32Inst(.wfi)
                case 4: return A32Inst(.sev)
                case 5: return A32Inst(.sevl)
                default: return A32Inst(.nop)   // DBG, CSDB, ESB and the unallocated hints
                }
            }
            // CPS T2: imod (b 10:9), M (b 8), A, I, F (b 7:5), mode (b 4:0). imod = 01 is UNPREDICTABLE.
            let imod = field(b, 10, 9)
            if imod == 0b01 { return A32Inst(.undefined) }
            var i = A32Inst(.cps)
            i.imm = imod << 6 | field(b, 8, 8) << 5 | (b & 0x1F)
            i.rm = UInt8(field(b, 7, 5))
            i.flags = .notInITBlock
            return i
        case 0b011_1011:
            // Miscellaneous system: CLREX, DSB (and SSBB, PSSBB), DMB, ISB.
            var i: A32Inst
            switch field(b, 7, 4) {
            case 0b0010: return A32Inst(.clrex)
            case 0b0100: i = A32Inst(.dsb)
            case 0b0101: i = A32Inst(.dmb)
            case 0b0110: i = A32Inst(.isb)
            default: return A32Inst(.undefined)
            }
            i.imm = b & 0xF
            return i
        case 0b011_1100:
            // BXJ: no Jazelle, so BX.
            let rm = reg(a, 0)
            if rm == 15 { return A32Inst(.undefined) }
            var i = A32Inst(.bx)
            i.rm = rm
            i.flags = .lastInITBlock
            return i
        case 0b011_1101:
            // SUBS PC, LR, #imm8 (T5), ERET being imm8 = 0: an exception return.
            if reg(a, 0) != 14 { return A32Inst(.undefined) }
            var i = A32Inst(.sub)
            i.rd = 15; i.rn = 14
            i.imm = b & 0xFF
            i.flags = [.immediate, .setFlags, .lastInITBlock]
            return i
        case 0b011_1110, 0b011_1111:
            let rd = reg(b, 8)
            if rd == 15 { return A32Inst(.undefined) }
            if bit(b, 5) {
                // MRS (banked register): R (a bit 4) and SYSm = M:M1 (b bit 4, a 3:0).
                var i = A32Inst(.mrsBanked)
                i.imm = field(a, 4, 4) << 5 | field(b, 4, 4) << 4 | field(a, 3, 0)
                i.rd = rd
                return i
            }
            var i = A32Inst(.mrs)
            i.rd = rd
            if bit(a, 4) { i.flags.insert(.spsr) }
            return i
        case 0b111_1110:
            // HVC T1: imm16 = imm4:imm12.
            var i = A32Inst(.hvc)
            i.imm = field(a, 3, 0) << 12 | (b & 0xFFF)
            i.flags = .notInITBlock
            return i
        case 0b111_1111:
            if permanentlyUndefined {
                // UDF T2: imm16 = imm4:imm12; not conditional.
                var i = A32Inst(.udf)
                i.imm = field(a, 3, 0) << 12 | (b & 0xFFF)
                i.flags = .notInITBlock
                return i
            }
            // SMC T1 (imm4).
            var i = A32Inst(.smc)
            i.imm = field(a, 3, 0)
            return i
        default:
            return A32Inst(.undefined)
        }
    }

    // MARK: Load/store multiple, SRS, RFE

    static func loadStoreMultiple(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op = field(a, 8, 7), w = bit(a, 5), load = bit(a, 4)
        let rn = reg(a, 0)
        if op == 0b00 || op == 0b11 {
            // SRS, RFE: op 00 is DB (P = 1, U = 0), 11 is IA (P = 0, U = 1).
            var i = A32Inst(load ? .rfe : .srs)
            if op == 0b00 { i.flags.insert(.preIndex) } else { i.flags.insert(.add) }
            if w { i.flags.insert(.writeBack) }
            if load {
                if rn == 15 { return A32Inst(.undefined) }
                i.rn = rn
                i.flags.insert(.lastInITBlock)
            } else {
                i.rn = 13
                i.imm = b & 0x1F
            }
            return i
        }
        // LDM/STM IA (op 01) and DB (op 10): PUSH and POP are the SP! forms.
        let list = b & 0xFFFF
        if rn == 15 || list == 0 || list & (1 << 13) != 0 { return A32Inst(.undefined) }
        if w && list & (1 << UInt32(rn)) != 0 { return A32Inst(.undefined) }
        var i = A32Inst(load ? .ldm : .stm)
        i.rn = rn
        i.imm = list
        i.flags = op == 0b01 ? .add : .preIndex
        if w { i.flags.insert(.writeBack) }
        if load {
            // Both PC and LR (P and M) is UNPREDICTABLE.
            if list & 0xC000 == 0xC000 { return A32Inst(.undefined) }
            if list & 0x8000 != 0 { i.flags.insert(.lastInITBlock) }
        } else if list & 0x8000 != 0 {
            return A32Inst(.undefined)
        }
        return i
    }

    // MARK: Load/store dual, exclusive, acquire/release, table branch

    static func loadStoreDualExclusiveTable(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let p = bit(a, 8), u = bit(a, 7), w = bit(a, 5), load = bit(a, 4)
        let rn = reg(a, 0), rt = reg(b, 12), rt2 = reg(b, 8), rd = reg(b, 0)
        if !p && !w {
            if !u {
                // LDREX, STREX T1: [Rn, #imm8:'00'].
                if rn == 15 || rt == 15 { return A32Inst(.undefined) }
                var i = A32Inst(load ? .ldrex : .strex)
                i.rn = rn
                i.imm = (b & 0xFF) << 2
                i.flags = .exclusive
                if load {
                    i.rd = rt
                    i.flags.insert(.load)
                } else {
                    // STREX Rd, Rt, [Rn]: Rd (status) in 11:8 here.
                    if rt2 == 15 || rt2 == rn || rt2 == rt { return A32Inst(.undefined) }
                    i.rd = rt; i.rm = rt; i.rs = rt2
                }
                return i
            }
            let op3 = field(b, 7, 4)
            if load && op3 <= 1 {
                // TBB, TBH: [Rn, Rm] or [Rn, Rm, LSL #1].
                if rd == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.tbb)
                i.rn = rn; i.rm = rd
                i.size = op3 == 0 ? 1 : 2
                i.flags = .lastInITBlock
                return i
            }
            // op3: 01sz exclusive, 10sz acquire/release, 11sz acquire/release exclusive.
            let size = UInt8(1) << UInt8(op3 & 3)
            let kind = op3 >> 2
            guard kind != 0, !(kind == 1 && size == 4), !(kind == 2 && size == 8) else { return A32Inst(.undefined) }
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
        // LDRD, STRD (immediate, and LDRD literal): [Rn, #+/-imm8:'00'], Rt and Rt2 free.
        var i = A32Inst(load ? .ldrd : .strd)
        i.rd = rt; i.rs = rt2; i.rn = rn
        i.imm = (b & 0xFF) << 2
        i.flags = .immediate
        if p { i.flags.insert(.preIndex) }
        if u { i.flags.insert(.add) }
        if w { i.flags.insert(.writeBack) }
        if rt == 15 || rt2 == 15 || (load && rt == rt2) { return A32Inst(.undefined) }
        if w && (rn == rt || rn == rt2 || rn == 15) { return A32Inst(.undefined) }
        if !load && rn == 15 { return A32Inst(.undefined) }
        return i
    }

    // MARK: Load/store single

    /// Loads and stores of bytes, halfwords and words (F3.3.x "Load/store single"), with the
    /// memory hints PLD, PLDW, PLI (byte and halfword loads to PC) as NOPs.
    static func loadStoreSingle(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let load = bit(a, 4), signed = bit(a, 8), size = field(a, 6, 5)
        let rn = reg(a, 0), rt = reg(b, 12)
        if size == 3 || (signed && (!load || size == 2)) { return A32Inst(.undefined) }
        let op: A32Op
        switch (load, signed, size) {
        case (false, _, 0): op = .strb
        case (false, _, 1): op = .strh
        case (false, _, _): op = .str
        case (true, false, 0): op = .ldrb
        case (true, false, 1): op = .ldrh
        case (true, true, 0): op = .ldrsb
        case (true, true, _): op = .ldrsh
        default: op = .ldr
        }
        // A byte or halfword load to PC is a memory hint where the form allows one.
        let hint = load && rt == 15 && size != 2
        var i = A32Inst(op)
        i.rd = rt; i.rn = rn
        if rn == 15 {
            // Literal (loads only): [Align(PC, 4) +/- imm12], U in bit 7.
            if !load { return A32Inst(.undefined) }
            if hint { return A32Inst(.nop) }
            i.imm = b & 0xFFF
            i.flags = [.immediate, .preIndex]
            if bit(a, 7) { i.flags.insert(.add) }
        } else if bit(a, 7) {
            // [Rn, #imm12].
            if hint { return A32Inst(.nop) }
            i.imm = b & 0xFFF
            i.flags = [.immediate, .preIndex, .add]
        } else if field(b, 11, 6) == 0 {
            // [Rn, Rm, LSL #imm2].
            if hint { return A32Inst(.nop) }
            let rm = reg(b, 0)
            if rm == 15 { return A32Inst(.undefined) }
            i.rm = rm
            i.shift = .lsl
            i.shiftAmount = UInt8(field(b, 5, 4))
            i.flags = [.preIndex, .add]
        } else if bit(b, 11) {
            // 1 P U W imm8: negative offset (1100), unprivileged (1110), post- and pre-indexed (1x01, 1x11).
            let p = bit(b, 10), u = bit(b, 9), w = bit(b, 8)
            i.imm = b & 0xFF
            i.flags = .immediate
            if u { i.flags.insert(.add) }
            if p { i.flags.insert(.preIndex) }
            if p && u && !w {
                if rt == 15 { return A32Inst(.undefined) }   // no hint, no PC load in the T forms
                i.flags.insert(.unprivileged)
            } else if p && !w {
                if hint { return A32Inst(.nop) }
            } else if w {
                if hint || rn == rt { return A32Inst(.undefined) }
                i.flags.insert(.writeBack)
            } else {
                return A32Inst(.undefined)
            }
        } else {
            return A32Inst(.undefined)
        }
        if !load && rt == 15 { return A32Inst(.undefined) }
        if load && rt == 15 { i.flags.insert(.lastInITBlock) }   // LDR PC: a branch (LoadWritePC)
        return i
    }

    // MARK: Data processing (register)

    static func dataProcessingRegister(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op1 = field(a, 7, 4), op2 = field(b, 7, 4)
        let rn = reg(a, 0), rd = reg(b, 8), rm = reg(b, 0)
        if field(b, 15, 12) != 0b1111 || rd == 15 || rm == 15 { return A32Inst(.undefined) }
        if op1 & 0b1000 == 0 {
            if op2 == 0 {
                // LSL, LSR, ASR, ROR (register) T2: Rn shifted by Rm, S in bit 4.
                if rn == 15 { return A32Inst(.undefined) }
                var i = A32Inst(.mov)
                i.rd = rd; i.rm = rn; i.rs = rm
                i.shift = A32Shift(rawValue: UInt8(field(a, 6, 5))) ?? .lsl
                i.flags = .registerShift
                if bit(a, 4) { i.flags.insert(.setFlags) }
                return i
            }
            if op2 & 0b1100 == 0b1000 {
                // SXTAH/SXTH, UXTAH/UXTH, SXTAB16/SXTB16, UXTAB16/UXTB16, SXTAB/SXTB, UXTAB/UXTB:
                // Rn = 1111 adds nothing; rotation b 5:4 (x8).
                var i = A32Inst(extend32Ops[Int(op1 & 7)])
                if i.op == .undefined { return i }
                i.rd = rd; i.rn = rn; i.rm = rm
                i.shiftAmount = UInt8(field(b, 5, 4) * 8)
                return i
            }
            return A32Inst(.undefined)
        }
        if rn == 15 { return A32Inst(.undefined) }
        if op2 & 0b1000 == 0 {
            // Parallel addition and subtraction. op1 2:0: 000 ADD8, 001 ADD16, 010 ASX, 100 SUB8,
            // 101 SUB16, 110 SAX; op2: U (bit 2) and 00 plain, 01 saturating, 10 halving.
            let aop = parallelOps[Int(op1 & 7)]
            guard aop <= 7, op2 & 3 != 3 else { return A32Inst(.undefined) }
            let prefix = (op2 & 0b100) | ((op2 & 3) + 1)   // the A32 prefix: 001 S ... 111 UH
            var i = A32Inst(.parallel)
            i.imm = prefix << 3 | aop
            i.rd = rd; i.rn = rn; i.rm = rm
            return i
        }
        if op1 & 0b1100 == 0b1000 && op2 & 0b1100 == 0b1000 {
            var i: A32Inst
            switch (op1 & 3, op2 & 3) {
            case (0b00, let o): i = A32Inst(saturatingOps[Int(o)])
            case (0b01, let o):
                // REV, REV16, RBIT, REVSH: Rm is in both halfwords and they must agree.
                if rn != rm { return A32Inst(.undefined) }
                i = A32Inst(reverse32Ops[Int(o)])
            case (0b10, 0b00): i = A32Inst(.sel)
            case (0b11, 0b00):
                if rn != rm { return A32Inst(.undefined) }
                i = A32Inst(.clz)
            default: return A32Inst(.undefined)
            }
            i.rd = rd; i.rn = rn; i.rm = rm
            return i
        }
        if op1 & 0b1110 == 0b1100 && op2 & 0b1100 == 0b1000 {
            // CRC32{C}{B,H,W} (F5.1.?, ARMv8): C is hw1 bit 4, sz hw2 bits 5:4; sz = 11 is
            // CONSTRAINED UNPREDICTABLE, taken as UNDEFINED.
            return A32Decoder.crc32(castagnoli: op1 & 1 != 0, sizeLog2: op2 & 3, rd: rd, rn: rn, rm: rm)
        }
        return A32Inst(.undefined)
    }

    // MARK: Multiply, multiply accumulate, absolute difference

    static func multiply(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op1 = field(a, 6, 4), op2 = field(b, 5, 4)
        let rn = reg(a, 0), ra = reg(b, 12), rd = reg(b, 8), rm = reg(b, 0)
        if field(b, 7, 6) != 0 || rd == 15 || rn == 15 || rm == 15 { return A32Inst(.undefined) }
        var i: A32Inst
        switch op1 {
        case 0b000:
            switch op2 {
            case 0b00: i = A32Inst(ra == 15 ? .mul : .mla)
            case 0b01:
                if ra == 15 { return A32Inst(.undefined) }
                i = A32Inst(.mls)
            default: return A32Inst(.undefined)
            }
        case 0b001:
            // SMLA<x><y>, SMUL<x><y> (Ra = 1111): N = bit 5, M = bit 4.
            i = A32Inst(ra == 15 ? .smulxy : .smlaxy)
            if bit(b, 5) { i.flags.insert(.topN) }
            if bit(b, 4) { i.flags.insert(.topM) }
        case 0b010, 0b100:
            // SMLAD/SMUAD, SMLSD/SMUSD (Ra = 1111 adds nothing): X (bit 4) swaps Rm's halves.
            if op2 & 2 != 0 { return A32Inst(.undefined) }
            i = A32Inst(op1 == 0b010 ? .smlad : .smlsd)
            if bit(b, 4) { i.flags.insert(.topM) }
        case 0b011:
            // SMLAW<y>, SMULW<y>.
            if op2 & 2 != 0 { return A32Inst(.undefined) }
            i = A32Inst(ra == 15 ? .smulwy : .smlawy)
            if bit(b, 4) { i.flags.insert(.topM) }
        case 0b101, 0b110:
            // SMMLA/SMMUL (Ra = 1111), SMMLS: R (bit 4) rounds.
            if op2 & 2 != 0 || (op1 == 0b110 && ra == 15) { return A32Inst(.undefined) }
            i = A32Inst(op1 == 0b101 ? .smmla : .smmls)
            if bit(b, 4) { i.flags.insert(.topM) }
        default:
            // USAD8 (Ra = 1111), USADA8.
            if op2 != 0 { return A32Inst(.undefined) }
            i = A32Inst(.usad8)
        }
        i.rd = rd; i.rs = ra; i.rn = rn; i.rm = rm
        return i
    }

    // MARK: Long multiply, long multiply accumulate, divide

    static func longMultiplyDivide(_ a: UInt32, _ b: UInt32) -> A32Inst {
        let op1 = field(a, 6, 4), op2 = field(b, 7, 4)
        let rn = reg(a, 0), rdLo = reg(b, 12), rdHi = reg(b, 8), rm = reg(b, 0)
        if rn == 15 || rm == 15 || rdHi == 15 { return A32Inst(.undefined) }
        var i: A32Inst
        switch (op1, op2) {
        case (0b001, 0b1111), (0b011, 0b1111):
            // SDIV, UDIV: Rd in 11:8, 15:12 should be 1111.
            i = A32Inst(op1 == 0b001 ? .sdiv : .udiv)
            i.rd = rdHi; i.rn = rn; i.rm = rm
            return i
        case (0b000, 0b0000): i = A32Inst(.smull)
        case (0b010, 0b0000): i = A32Inst(.umull)
        case (0b100, 0b0000): i = A32Inst(.smlal)
        case (0b110, 0b0000): i = A32Inst(.umlal)
        case (0b110, 0b0110): i = A32Inst(.umaal)
        case (0b100, let o) where o & 0b1100 == 0b1000:
            // SMLAL<x><y>: N = bit 5, M = bit 4.
            i = A32Inst(.smlalxy)
            if bit(b, 5) { i.flags.insert(.topN) }
            if bit(b, 4) { i.flags.insert(.topM) }
        case (0b100, let o) where o & 0b1110 == 0b1100:
            i = A32Inst(.smlald)
            if bit(b, 4) { i.flags.insert(.topM) }
        case (0b101, let o) where o & 0b1110 == 0b1100:
            i = A32Inst(.smlsld)
            if bit(b, 4) { i.flags.insert(.topM) }
        default:
            return A32Inst(.undefined)
        }
        // RdHi in rd, RdLo in rs; the same register for both is UNPREDICTABLE.
        if rdLo == 15 || rdLo == rdHi { return A32Inst(.undefined) }
        i.rd = rdHi; i.rs = rdLo; i.rn = rn; i.rm = rm
        return i
    }

    // MARK: Coprocessor, Advanced SIMD and floating point

    /// 111T 11xx: with T = 0 the coprocessor moves have the A32 layout in hw1[11:0]:hw2, so the
    /// A32 decoder reads them as a cond = 1110 word. T = 1 (MCR2 and friends, unallocated in
    /// ARMv8) is UNDEFINED. 111U 1111 is Advanced SIMD data processing: A32's 1111 001U with
    /// the same low 24 bits. 1111 1110 with CP10/CP11 holds the unconditional ARMv8
    /// floating-point instructions (VSEL, VMAXNM, VRINT{A,N,P,M}, VCVT{A,N,P,M}), as A32's.
    static func coprocessor(_ a: UInt32, _ b: UInt32) -> A32Inst {
        if field(a, 9, 8) == 0b11 {
            var i = A32Inst(.neon)
            i.imm = 0xF200_0000 | (a >> 12 & 1) << 24 | (a & 0xFF) << 16 | b
            return i
        }
        if field(a, 12, 8) == 0b11110 && field(b, 11, 9) == 0b101 && !bit(b, 4) {
            var i = A32Inst(.vfp)
            i.imm = (a & 0x0FFF) << 16 | b | 1 << 28
            i.flags = .notInITBlock
            return i
        }
        if bit(a, 12) { return A32Inst(.undefined) }
        return A32Decoder.coprocessorAndSVC.decode(0xE000_0000 | (a & 0x0FFF) << 16 | b)
    }
}
