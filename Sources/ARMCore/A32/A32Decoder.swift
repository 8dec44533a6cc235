/// The A32 decoder (ARM DDI 0487, F4.1 "A32 instruction set encoding"), in the order of the
/// Arm ARM's tables: the top-level split on cond and op0, then one function per encoding group.
/// Where the Arm ARM gives several encodings one space, the earlier row wins (the cond=1111
/// space first, then the exact patterns before the general ones), as the manual's priorities
/// say. Unallocated encodings decode to `.undefined`; nothing here traps.
/// VFP (coprocessors 10 and 11) decodes to `.vfp` and Advanced SIMD (the cond=1111 SIMD space)
/// to `.neon`, both carrying encoding bits their executors decode.
public enum A32Decoder {
    @inline(__always) static func bit(_ w: UInt32, _ n: UInt32) -> Bool { (w >> n) & 1 != 0 }
    @inline(__always) static func field(_ w: UInt32, _ hi: UInt32, _ lo: UInt32) -> UInt32 {
        (w >> lo) & ((1 << (hi - lo + 1)) - 1)
    }

    public static func decode(_ w: UInt32) -> A32Inst {
        let cond = UInt8(w >> 28)
        var i: A32Inst
        if cond == 0xF {
            i = unconditional(w)
        } else {
            switch field(w, 27, 25) {
            case 0b000, 0b001: i = dataProcessingAndMisc(w)
            case 0b010: i = loadStoreWordByte(w)
            case 0b011: i = bit(w, 4) ? media(w) : loadStoreWordByte(w)
            case 0b100: i = blockTransfer(w)
            case 0b101: i = branch(w)
            default: i = coprocessorAndSVC(w)
            }
        }
        i.cond = cond == 0xF ? 0xE : cond
        return i
    }

    static func rd(_ w: UInt32) -> UInt8 { UInt8(field(w, 15, 12)) }
    static func rn(_ w: UInt32) -> UInt8 { UInt8(field(w, 19, 16)) }
    static func rm(_ w: UInt32) -> UInt8 { UInt8(field(w, 3, 0)) }
    static func rs(_ w: UInt32) -> UInt8 { UInt8(field(w, 11, 8)) }

    /// ARMExpandImm (F1.4.x "Modified immediate constants in A32 instructions"): imm8 rotated
    /// right by twice the rotation. A nonzero rotation sets the shifter carry to bit 31.
    static func modifiedImmediate(_ w: UInt32, into i: inout A32Inst) {
        let rot = field(w, 11, 8) * 2
        let v = (w & 0xFF) >> rot | (w & 0xFF) << ((32 - rot) & 31)
        let value = rot == 0 ? (w & 0xFF) : v
        i.imm = value
        i.flags.insert(.immediate)
        if rot != 0 {
            i.flags.insert(.carryOut)
            if value >> 31 != 0 { i.flags.insert(.carryOne) }
        }
    }

    // MARK: Data-processing and miscellaneous instructions (op0 = 00x)

    static func dataProcessingAndMisc(_ w: UInt32) -> A32Inst {
        let op1 = field(w, 24, 20)
        let op2 = field(w, 7, 4)
        if !bit(w, 25) {
            if op2 == 0b1001 {
                return op1 & 0x10 == 0 ? multiply(w) : synchronization(w)
            }
            if op2 & 0b1001 == 0b1001 {   // 1011, 1101, 1111
                return extraLoadStore(w)
            }
            if op1 & 0b11001 == 0b10000 {
                return op2 & 0b1000 == 0 ? miscellaneous(w) : halfwordMultiply(w)
            }
            return dataProcessing(w, immediate: false)
        }
        if op1 == 0b10000 || op1 == 0b10100 {
            var i = A32Inst(op1 == 0b10000 ? .movw : .movt)
            i.rd = rd(w)
            i.imm = field(w, 19, 16) << 12 | field(w, 11, 0)
            return i
        }
        if op1 & 0b11011 == 0b10010 { return msrImmediateAndHints(w) }
        return dataProcessing(w, immediate: true)
    }

    static let dataOps: [A32Op] = [.and, .eor, .sub, .rsb, .add, .adc, .sbc, .rsc,
                                   .tst, .teq, .cmp, .cmn, .orr, .mov, .bic, .mvn]

    static func dataProcessing(_ w: UInt32, immediate: Bool) -> A32Inst {
        let opc = Int(field(w, 24, 21))
        var i = A32Inst(dataOps[opc])
        i.rd = rd(w)
        i.rn = rn(w)
        if bit(w, 20) { i.flags.insert(.setFlags) }
        if immediate {
            modifiedImmediate(w, into: &i)
        } else {
            i.rm = rm(w)
            i.shift = A32Shift(rawValue: UInt8(field(w, 6, 5))) ?? .lsl
            if bit(w, 4) {
                // Register-shifted register: Rd, Rn, Rm or Rs = PC is UNPREDICTABLE; UNDEFINED here.
                i.rs = rs(w)
                i.flags.insert(.registerShift)
                if i.rd == 15 || i.rn == 15 || i.rm == 15 || i.rs == 15 { return A32Inst(.undefined) }
            } else {
                i.shiftAmount = UInt8(field(w, 11, 7))
            }
        }
        return i
    }

    static func msrImmediateAndHints(_ w: UInt32) -> A32Inst {
        let mask = field(w, 19, 16)
        if !bit(w, 22) && mask == 0 {
            switch field(w, 7, 0) {
            case 0: return A32Inst(.nop)
            case 1: return A32Inst(.yield)
            case 2: return A32Inst(.wfe)
            case 3: return A32Inst(.wfi)
            case 4: return A32Inst(.sev)
            case 5: return A32Inst(.sevl)
            default: return A32Inst(.nop)   // unallocated hints, DBG and CSDB execute as NOP
            }
        }
        var i = A32Inst(.msr)
        modifiedImmediate(w, into: &i)
        i.rn = UInt8(mask)
        if bit(w, 22) { i.flags.insert(.spsr) }
        return i
    }

    static func miscellaneous(_ w: UInt32) -> A32Inst {
        let op = field(w, 22, 21)
        switch field(w, 6, 4) {
        case 0b000:
            if bit(w, 9) {
                // MRS/MSR (banked register): R (bit 22) selects an SPSR, and SYSm = M:M1 (bit 8,
                // bits 19:16), so imm = R:M:M1.
                var i = A32Inst(bit(w, 21) ? .msrBanked : .mrsBanked)
                i.imm = (bit(w, 22) ? 0x20 : 0) | (bit(w, 8) ? 0x10 : 0) | field(w, 19, 16)
                i.rd = bit(w, 21) ? 0 : rd(w)
                i.rm = rm(w)
                return i
            }
            if op & 1 == 0 {
                var i = A32Inst(.mrs)
                i.rd = rd(w)
                if bit(w, 22) { i.flags.insert(.spsr) }
                return i
            }
            var i = A32Inst(.msr)
            i.rm = rm(w)
            i.rn = UInt8(field(w, 19, 16))
            if bit(w, 22) { i.flags.insert(.spsr) }
            return i
        case 0b001:
            if op == 0b01 { var i = A32Inst(.bx); i.rm = rm(w); return i }
            if op == 0b11 { var i = A32Inst(.clz); i.rd = rd(w); i.rm = rm(w); return i }
        case 0b010:
            // BXJ: Jazelle is not implemented, so it is BX.
            if op == 0b01 { var i = A32Inst(.bx); i.rm = rm(w); return i }
        case 0b011:
            if op == 0b01 { var i = A32Inst(.blxReg); i.rm = rm(w); return i }
        case 0b100:
            // CRC32{C}{B,H,W} (ARMv8): sz in bits 22:21, C in bit 9.
            return crc32(castagnoli: bit(w, 9), sizeLog2: op, rd: rd(w), rn: rn(w), rm: rm(w))
        case 0b101:
            var i = A32Inst([A32Op.qadd, .qsub, .qdadd, .qdsub][Int(op)])
            i.rd = rd(w); i.rn = rn(w); i.rm = rm(w)
            return i
        case 0b110:
            if op == 0b11 { return A32Inst(.eret) }
        case 0b111:
            var i = A32Inst([A32Op.hlt, .bkpt, .hvc, .smc][Int(op)])
            i.imm = op == 0b11 ? field(w, 3, 0) : field(w, 19, 8) << 4 | field(w, 3, 0)
            return i
        default: break
        }
        return A32Inst(.undefined)
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

    static func halfwordMultiply(_ w: UInt32) -> A32Inst {
        var i: A32Inst
        switch field(w, 22, 21) {
        case 0b00: i = A32Inst(.smlaxy)
        case 0b01: i = A32Inst(bit(w, 5) ? .smulwy : .smlawy)
        case 0b10: i = A32Inst(.smlalxy)
        default: i = A32Inst(.smulxy)
        }
        i.rd = UInt8(field(w, 19, 16)); i.rs = rd(w); i.rn = UInt8(field(w, 3, 0)); i.rm = UInt8(field(w, 11, 8))
        if bit(w, 5) { i.flags.insert(.topN) }
        if bit(w, 6) { i.flags.insert(.topM) }
        return i
    }

    static func multiply(_ w: UInt32) -> A32Inst {
        let ops: [A32Op?] = [.mul, .mla, .umaal, .mls, .umull, .umlal, .smull, .smlal]
        guard let op = ops[Int(field(w, 23, 21))] else { return A32Inst(.undefined) }
        var i = A32Inst(op)
        if (op == .umaal || op == .mls) && bit(w, 20) { return A32Inst(.undefined) }
        if bit(w, 20) { i.flags.insert(.setFlags) }
        // Rd (or RdHi) in 19:16, Ra (or RdLo) in 15:12, Rm in 11:8, Rn in 3:0.
        i.rd = UInt8(field(w, 19, 16)); i.rs = rd(w); i.rm = UInt8(field(w, 11, 8)); i.rn = UInt8(field(w, 3, 0))
        return i
    }

    static func synchronization(_ w: UInt32) -> A32Inst {
        // Load/store exclusive and load-acquire/store-release (F4.1.x): bits 9:8 say which.
        guard field(w, 11, 10) == 0b11 else { return A32Inst(.undefined) }   // SWP/SWPB are gone in ARMv8
        let load = bit(w, 20)
        let kind = field(w, 9, 8)
        var i: A32Inst
        switch kind {
        case 0b11: i = A32Inst(load ? .ldrex : .strex); i.flags.insert(.exclusive)
        case 0b10: i = A32Inst(load ? .ldrex : .strex); i.flags.formUnion([.exclusive, .spsr])   // acquire/release
        case 0b00:
            i = A32Inst(load ? .lda : .stl)
            if field(w, 22, 21) == 0b01 { return A32Inst(.undefined) }   // no doubleword LDA/STL
        default: return A32Inst(.undefined)
        }
        i.size = [4, 8, 1, 2][Int(field(w, 22, 21))]
        i.rn = rn(w)
        i.rd = load ? rd(w) : UInt8(field(w, 15, 12))
        i.rm = rm(w)        // Rt of a store; Rd (status) of a store-exclusive is in 15:12
        if !load { i.rs = rd(w) }
        if load { i.flags.insert(.load) }
        if i.size == 8 {
            // LDREXD/STREXD (and LDAEXD/STLEXD): Rt even and not R14; Rt2 = Rt + 1 goes in rs
            // for a load and in rd for a store (T32 names Rt2 freely; see executeExclusive32).
            let rt = load ? i.rd : i.rm
            if rt & 1 != 0 || rt == 14 { return A32Inst(.undefined) }
            if load { i.rs = rt + 1 } else { i.rd = rt + 1 }
        }
        return i
    }

    static func extraLoadStore(_ w: UInt32) -> A32Inst {
        let load = bit(w, 20)
        let op2 = field(w, 6, 5)
        let op: A32Op
        switch (op2, load) {
        case (0b01, false): op = .strh
        case (0b01, true): op = .ldrh
        case (0b10, false): op = .ldrd
        case (0b10, true): op = .ldrsb
        case (0b11, false): op = .strd
        default: op = .ldrsh
        }
        var i = A32Inst(op)
        i.rd = rd(w); i.rn = rn(w)
        let p = bit(w, 24), wb = bit(w, 21)
        if p { i.flags.insert(.preIndex) }
        if bit(w, 23) { i.flags.insert(.add) }
        if !p || wb { i.flags.insert(.writeBack) }
        if !p && wb {
            // LDRHT and friends (unprivileged); there are no unprivileged doubleword forms.
            if op == .ldrd || op == .strd { return A32Inst(.undefined) }
            i.flags.insert(.unprivileged)
        }
        if bit(w, 22) {
            i.flags.insert(.immediate)
            i.imm = field(w, 11, 8) << 4 | field(w, 3, 0)
        } else {
            i.rm = rm(w)
        }
        if op == .ldrd || op == .strd {
            // Rt even and not R14 (Rt2 = R15 is UNPREDICTABLE); Rt2 = Rt + 1 goes in rs, where
            // the T32 decoder puts its free Rt2.
            if i.rd & 1 != 0 || i.rd == 14 { return A32Inst(.undefined) }
            i.rs = i.rd + 1
        }
        return i
    }

    // MARK: Load/store word and unsigned byte (op0 = 01x)

    static func loadStoreWordByte(_ w: UInt32) -> A32Inst {
        let load = bit(w, 20), byte = bit(w, 22)
        var i = A32Inst(load ? (byte ? .ldrb : .ldr) : (byte ? .strb : .str))
        i.rd = rd(w); i.rn = rn(w)
        let p = bit(w, 24), wb = bit(w, 21)
        if p { i.flags.insert(.preIndex) }
        if bit(w, 23) { i.flags.insert(.add) }
        if !p || wb { i.flags.insert(.writeBack) }
        if !p && wb { i.flags.insert(.unprivileged) }
        if bit(w, 25) {
            i.rm = rm(w)
            i.shift = A32Shift(rawValue: UInt8(field(w, 6, 5))) ?? .lsl
            i.shiftAmount = UInt8(field(w, 11, 7))
        } else {
            i.flags.insert(.immediate)
            i.imm = field(w, 11, 0)
        }
        return i
    }

    // MARK: Media instructions (op0 = 011, op1 = 1)

    static func media(_ w: UInt32) -> A32Inst {
        let op1 = field(w, 24, 20)
        let op2 = field(w, 7, 5)
        let rdField = rd(w), rnField = rn(w)
        switch op1 >> 3 {
        case 0b00:
            // Parallel addition and subtraction, signed (op1 = 000xx) and unsigned (001xx).
            let prefix = field(w, 22, 20)   // 001 S, 010 Q, 011 SH, 101 U, 110 UQ, 111 UH
            guard prefix & 3 != 0, op2 != 0b101, op2 != 0b110 else { return A32Inst(.undefined) }
            var i = A32Inst(.parallel)
            i.imm = prefix << 3 | op2
            i.rd = rdField; i.rn = rnField; i.rm = rm(w)
            return i
        case 0b01:
            return packingAndSaturation(w, op1: op1, op2: op2)
        case 0b10:
            return signedMultiplyAndDivide(w, op1: op1, op2: op2)
        default:
            if op1 == 0b11000 && op2 == 0 {
                var i = A32Inst(.usad8)
                i.rd = rnField; i.rs = rdField; i.rm = UInt8(field(w, 11, 8)); i.rn = rm(w)
                return i
            }
            if op1 & 0b11110 == 0b11010 && op2 & 0b011 == 0b010 || op1 & 0b11110 == 0b11110 && op2 & 0b011 == 0b010 {
                var i = A32Inst(op1 & 0b00100 != 0 ? .ubfx : .sbfx)
                i.rd = rdField; i.rn = rm(w)
                i.shiftAmount = UInt8(field(w, 11, 7))      // lsb
                i.imm = field(w, 20, 16)                    // widthminus1
                return i
            }
            if op1 & 0b11110 == 0b11100 && op2 & 0b011 == 0b000 {
                var i = A32Inst(rm(w) == 15 ? .bfc : .bfi)
                i.rd = rdField; i.rn = rm(w)
                i.shiftAmount = UInt8(field(w, 11, 7))      // lsb
                i.imm = field(w, 20, 16)                    // msb
                return i
            }
            if op1 == 0b11111 && op2 == 0b111 {
                var i = A32Inst(.udf)
                i.imm = field(w, 19, 8) << 4 | field(w, 3, 0)
                return i
            }
        }
        return A32Inst(.undefined)
    }

    static func packingAndSaturation(_ w: UInt32, op1: UInt32, op2: UInt32) -> A32Inst {
        var i = A32Inst(.undefined)
        i.rd = rd(w); i.rn = rn(w); i.rm = rm(w)
        let rot = UInt8(field(w, 11, 10) * 8)
        func extend(_ op: A32Op) -> A32Inst { var e = i; e.op = op; e.shiftAmount = rot; return e }
        switch (op1 & 0b111, op2) {
        case (0b000, let o) where o & 1 == 0:
            i.op = .pkh
            i.shift = bit(w, 6) ? .asr : .lsl
            i.shiftAmount = UInt8(field(w, 11, 7))
            return i
        case (0b000, 0b011): return extend(.sxtb16)
        case (0b000, 0b101): i.op = .sel; return i
        case (0b010, 0b001): i.op = .ssat16; i.imm = field(w, 19, 16); i.rn = rm(w); return i
        case (0b010, 0b011): return extend(.sxtb)
        case (0b011, 0b001): i.op = .rev; return i
        case (0b011, 0b011): return extend(.sxth)
        case (0b011, 0b101): i.op = .rev16; return i
        case (0b100, 0b011): return extend(.uxtb16)
        case (0b110, 0b001): i.op = .usat16; i.imm = field(w, 19, 16); i.rn = rm(w); return i
        case (0b110, 0b011): return extend(.uxtb)
        case (0b111, 0b001): i.op = .rbit; return i
        case (0b111, 0b011): return extend(.uxth)
        case (0b111, 0b101): i.op = .revsh; return i
        default: break
        }
        if op1 & 0b110 == 0b010 || op1 & 0b110 == 0b110, op2 & 1 == 0 {
            // SSAT (01x1x) and USAT (0111x): saturate_to in 20:16, shift in 11:6.
            i.op = op1 & 0b100 != 0 ? .usat : .ssat
            i.imm = field(w, 20, 16)
            i.rn = rm(w)
            i.shift = bit(w, 6) ? .asr : .lsl
            i.shiftAmount = UInt8(field(w, 11, 7))
            return i
        }
        return A32Inst(.undefined)
    }

    static func signedMultiplyAndDivide(_ w: UInt32, op1: UInt32, op2: UInt32) -> A32Inst {
        var i = A32Inst(.undefined)
        // Rd in 19:16, Ra in 15:12, Rm in 11:8, Rn in 3:0.
        i.rd = UInt8(field(w, 19, 16)); i.rs = rd(w); i.rm = UInt8(field(w, 11, 8)); i.rn = rm(w)
        if bit(w, 5) { i.flags.insert(.topM) }     // M: swap Rm's halves, or R: round
        switch (op1 & 0b111, op2 >> 1) {
        case (0b000, 0b00): i.op = .smlad
        case (0b000, 0b01): i.op = .smlsd
        case (0b001, 0b00) where op2 == 0: i.op = .sdiv
        case (0b011, 0b00) where op2 == 0: i.op = .udiv
        case (0b100, 0b00): i.op = .smlald
        case (0b100, 0b01): i.op = .smlsld
        case (0b101, 0b00): i.op = .smmla
        case (0b101, 0b11): i.op = .smmls
        default: return A32Inst(.undefined)
        }
        return i
    }

    // MARK: Branch, branch with link, and block data transfer (op0 = 10x)

    static func blockTransfer(_ w: UInt32) -> A32Inst {
        var i = A32Inst(bit(w, 20) ? .ldm : .stm)
        i.rn = rn(w)
        i.imm = w & 0xFFFF
        if bit(w, 24) { i.flags.insert(.preIndex) }
        if bit(w, 23) { i.flags.insert(.add) }
        if bit(w, 21) { i.flags.insert(.writeBack) }
        if bit(w, 22) { i.flags.insert(.userRegisters) }
        if i.imm == 0 { return A32Inst(.undefined) }   // an empty list is UNPREDICTABLE
        return i
    }

    static func branch(_ w: UInt32) -> A32Inst {
        var i = A32Inst(bit(w, 24) ? .bl : .b)
        i.imm = UInt32(bitPattern: Int32(bitPattern: w << 8) >> 6)   // SignExtend(imm24:'00')
        return i
    }

    // MARK: Supervisor call and coprocessor instructions (op0 = 11x)

    static func coprocessorAndSVC(_ w: UInt32) -> A32Inst {
        if field(w, 25, 24) == 0b11 {
            var i = A32Inst(.svc)
            i.imm = w & 0xFF_FFFF
            return i
        }
        let cp = field(w, 11, 8)
        if cp & 0b1110 == 0b1010 {
            // Floating point (coprocessors 10 and 11): decoded by the VFP executor.
            var i = A32Inst(.vfp)
            i.imm = w & 0x0FFF_FFFF
            return i
        }
        if field(w, 25, 21) == 0b00010 {
            var i = A32Inst(bit(w, 20) ? .mrrc : .mcrr)
            i.rd = rd(w); i.rs = rn(w)               // Rt, Rt2
            i.imm = cp << 8 | field(w, 7, 4) << 4 | field(w, 3, 0)   // coproc, opc1, CRm
            return i
        }
        if bit(w, 25) && bit(w, 4) {
            var i = A32Inst(bit(w, 20) ? .mrc : .mcr)
            i.rd = rd(w)
            // coproc 11:8, opc1 23:21, CRn 19:16, CRm 3:0, opc2 7:5 packed as in `CoprocessorMove`.
            i.imm = cp << 16 | field(w, 23, 21) << 12 | field(w, 19, 16) << 8 | field(w, 3, 0) << 4 | field(w, 7, 5)
            return i
        }
        return A32Inst(.undefined)   // LDC, STC, CDP: no coprocessor here answers them
    }

    // MARK: Unconditional instructions (cond = 1111)

    static func unconditional(_ w: UInt32) -> A32Inst {
        let op1 = field(w, 27, 20)
        // Advanced SIMD data processing (1111 001x) and element/structure load/store
        // (1111 0100 xxx0): decoded at execute by AArch32SIMD/NEON*.swift.
        if op1 >> 5 == 0b001 || op1 & 0b1111_0001 == 0b0100_0000 {
            var i = A32Inst(.neon)
            i.imm = w
            return i
        }
        if op1 == 0b0001_0000 {
            if bit(w, 16) {
                guard field(w, 7, 4) == 0 else { return A32Inst(.undefined) }
                var i = A32Inst(.setend)
                i.imm = bit(w, 9) ? 1 : 0
                return i
            }
            guard !bit(w, 5) else { return A32Inst(.undefined) }
            var i = A32Inst(.cps)
            i.imm = field(w, 19, 17) << 5 | field(w, 4, 0) // imod:M : mode
            i.rm = UInt8(field(w, 8, 6))                    // A, I, F
            return i
        }
        if op1 == 0b0101_0111 {
            switch field(w, 7, 4) {
            case 0b0001: return A32Inst(.clrex)
            case 0b0100: var i = A32Inst(.dsb); i.imm = w & 0xF; return i
            case 0b0101: var i = A32Inst(.dmb); i.imm = w & 0xF; return i
            case 0b0110: var i = A32Inst(.isb); i.imm = w & 0xF; return i
            default: return A32Inst(.undefined)
            }
        }
        // PLI, PLD, PLDW (immediate and register): hints with no effect here.
        if op1 & 0b1111_0111 == 0b0100_0101 || op1 & 0b1111_0011 == 0b0101_0001 { return A32Inst(.nop) }
        if op1 & 0b1111_0111 == 0b0110_0101 || op1 & 0b1111_0011 == 0b0111_0001, !bit(w, 4) { return A32Inst(.nop) }
        if op1 & 0b1110_0101 == 0b1000_0100 {
            var i = A32Inst(.srs)
            i.imm = w & 0x1F
            i.rn = 13
            if bit(w, 24) { i.flags.insert(.preIndex) }
            if bit(w, 23) { i.flags.insert(.add) }
            if bit(w, 21) { i.flags.insert(.writeBack) }
            return i
        }
        if op1 & 0b1110_0101 == 0b1000_0001 {
            var i = A32Inst(.rfe)
            i.rn = rn(w)
            if bit(w, 24) { i.flags.insert(.preIndex) }
            if bit(w, 23) { i.flags.insert(.add) }
            if bit(w, 21) { i.flags.insert(.writeBack) }
            return i
        }
        if op1 >> 4 == 0b1110 && field(w, 11, 9) == 0b101 && !bit(w, 4) {
            // VSEL, VMAXNM, VRINTA, VCVTA and friends: bit 28 marks the unconditional space.
            var i = A32Inst(.vfp)
            i.imm = w & 0x0FFF_FFFF | 1 << 28
            return i
        }
        if op1 >> 5 == 0b101 {
            // BLX (immediate): imm24:H:'0', and the target is in T32 state.
            var i = A32Inst(.blxImm)
            i.imm = UInt32(bitPattern: Int32(bitPattern: w << 8) >> 6) | (bit(w, 24) ? 2 : 0)
            return i
        }
        return A32Inst(.undefined)
    }
}
