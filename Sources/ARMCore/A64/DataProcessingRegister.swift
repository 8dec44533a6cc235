/// Data processing -- register (ARM DDI 0487, C4.1.95: logical (shifted register),
/// add/subtract (shifted register), add/subtract (extended register), add/subtract (with
/// carry), conditional compare (register and immediate), conditional select, data-processing
/// (1 source), (2 source) and (3 source)). ARMv8.0 plus CRC32* (executed in CRC32.swift); every
/// later extension (RMIF, SETF, PAC, IRG, min/max, ...) is unallocated here and decodes to `.undefined`.
///
/// Inst use: `op` = DPRegOp; `b` = sf (1 for the 64-bit form; 32-bit results are
/// zero-extended); `rd`, `rn`, `rm`, `ra` = register slots (only the non-flag-setting
/// add/subtract (extended register) forms make Rd and Rn SP-capable).
/// - Logical and add/subtract (shifted register): `a` = shift type (ShiftType),
///   `imm` = shift amount.
/// - Add/subtract (extended register): `a` = option (UXTB..SXTX), `imm` = left shift 0...4.
/// - CCMN/CCMP: `a` = cond | nzcv << 4; immediate forms: `imm` = imm5; `rd` = discard (unused).
/// - CSEL/CSINC/CSINV/CSNEG: `a` = cond.
/// - MADD, MSUB and the long multiplies: `ra` = the addend.
enum DPRegOp: UInt8 {
    case and, bic, orr, orn, eor, eon, ands, bics
    case add, adds, sub, subs                              // shifted register
    case addExt, addsExt, subExt, subsExt                  // extended register
    case adc, adcs, sbc, sbcs
    case ccmnReg, ccmpReg, ccmnImm, ccmpImm
    case csel, csinc, csinv, csneg
    case rbit, rev16, rev32, rev, clz, cls                 // rev: REV (32-bit) or REV (64-bit) by sf
    case udiv, sdiv, lslv, lsrv, asrv, rorv
    case madd, msub, smaddl, smsubl, smulh, umaddl, umsubl, umulh
    case crc32                                             // a = log2 of the data size, imm = 1 for CRC32C
}

extension A64Decoder {
    public static let dataProcessingRegister: [Encoding] = [
        // Logical (shifted register): sf opc 01010 shift N imm6 Rm Rn Rd.
        Encoding(.a64, "AND (shifted register)", "s0001010hh0mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .and) },
        Encoding(.a64, "BIC (shifted register)", "s0001010hh1mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .bic) },
        Encoding(.a64, "ORR (shifted register)", "s0101010hh0mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .orr) },
        Encoding(.a64, "ORN (shifted register)", "s0101010hh1mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .orn) },
        Encoding(.a64, "EOR (shifted register)", "s1001010hh0mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .eor) },
        Encoding(.a64, "EON (shifted register)", "s1001010hh1mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .eon) },
        Encoding(.a64, "ANDS (shifted register)", "s1101010hh0mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .ands) },
        Encoding(.a64, "BICS (shifted register)", "s1101010hh1mmmmmiiiiiinnnnnddddd") { w in logicalShifted(w, .bics) },

        // Add/subtract (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd.
        Encoding(.a64, "ADD (shifted register)", "s0001011hh0mmmmmiiiiiinnnnnddddd") { w in addSubShifted(w, .add) },
        Encoding(.a64, "ADDS (shifted register)", "s0101011hh0mmmmmiiiiiinnnnnddddd") { w in addSubShifted(w, .adds) },
        Encoding(.a64, "SUB (shifted register)", "s1001011hh0mmmmmiiiiiinnnnnddddd") { w in addSubShifted(w, .sub) },
        Encoding(.a64, "SUBS (shifted register)", "s1101011hh0mmmmmiiiiiinnnnnddddd") { w in addSubShifted(w, .subs) },

        // Add/subtract (extended register): sf op S 01011 opt 1 Rm option imm3 Rn Rd; opt = 00.
        Encoding(.a64, "ADD (extended register)", "s0001011001mmmmmoooiiinnnnnddddd") { w in addSubExtended(w, .addExt) },
        Encoding(.a64, "ADDS (extended register)", "s0101011001mmmmmoooiiinnnnnddddd") { w in addSubExtended(w, .addsExt) },
        Encoding(.a64, "SUB (extended register)", "s1001011001mmmmmoooiiinnnnnddddd") { w in addSubExtended(w, .subExt) },
        Encoding(.a64, "SUBS (extended register)", "s1101011001mmmmmoooiiinnnnnddddd") { w in addSubExtended(w, .subsExt) },

        // Add/subtract (with carry): sf op S 11010000 Rm 000000 Rn Rd.
        Encoding(.a64, "ADC", "s0011010000mmmmm000000nnnnnddddd") { w in threeRegister(w, .adc) },
        Encoding(.a64, "ADCS", "s0111010000mmmmm000000nnnnnddddd") { w in threeRegister(w, .adcs) },
        Encoding(.a64, "SBC", "s1011010000mmmmm000000nnnnnddddd") { w in threeRegister(w, .sbc) },
        Encoding(.a64, "SBCS", "s1111010000mmmmm000000nnnnnddddd") { w in threeRegister(w, .sbcs) },

        // Conditional compare: sf op 1 11010010 Rm|imm5 cond (register 0|immediate 1) o2=0 Rn o3=0 nzcv.
        Encoding(.a64, "CCMN (register)", "s0111010010mmmmmcccc00nnnnn0ffff") { w in conditionalCompare(w, .ccmnReg) },
        Encoding(.a64, "CCMP (register)", "s1111010010mmmmmcccc00nnnnn0ffff") { w in conditionalCompare(w, .ccmpReg) },
        Encoding(.a64, "CCMN (immediate)", "s0111010010iiiiicccc10nnnnn0ffff") { w in conditionalCompare(w, .ccmnImm) },
        Encoding(.a64, "CCMP (immediate)", "s1111010010iiiiicccc10nnnnn0ffff") { w in conditionalCompare(w, .ccmpImm) },

        // Conditional select: sf op 0 11010100 Rm cond op2 Rn Rd.
        Encoding(.a64, "CSEL", "s0011010100mmmmmcccc00nnnnnddddd") { w in conditionalSelect(w, .csel) },
        Encoding(.a64, "CSINC", "s0011010100mmmmmcccc01nnnnnddddd") { w in conditionalSelect(w, .csinc) },
        Encoding(.a64, "CSINV", "s1011010100mmmmmcccc00nnnnnddddd") { w in conditionalSelect(w, .csinv) },
        Encoding(.a64, "CSNEG", "s1011010100mmmmmcccc01nnnnnddddd") { w in conditionalSelect(w, .csneg) },

        // Data-processing (2 source): sf 0 0 11010110 Rm opcode Rn Rd.
        Encoding(.a64, "UDIV", "s0011010110mmmmm000010nnnnnddddd") { w in threeRegister(w, .udiv) },
        Encoding(.a64, "SDIV", "s0011010110mmmmm000011nnnnnddddd") { w in threeRegister(w, .sdiv) },
        Encoding(.a64, "LSLV", "s0011010110mmmmm001000nnnnnddddd") { w in threeRegister(w, .lslv) },
        Encoding(.a64, "LSRV", "s0011010110mmmmm001001nnnnnddddd") { w in threeRegister(w, .lsrv) },
        Encoding(.a64, "ASRV", "s0011010110mmmmm001010nnnnnddddd") { w in threeRegister(w, .asrv) },
        Encoding(.a64, "RORV", "s0011010110mmmmm001011nnnnnddddd") { w in threeRegister(w, .rorv) },
        // CRC32 (opcode 010 C sz): sf must be 1 exactly for the X forms; the other sf/sz
        // combinations are unallocated and match no row.
        Encoding(.a64, "CRC32B", "00011010110mmmmm010000nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32H", "00011010110mmmmm010001nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32W", "00011010110mmmmm010010nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32X", "10011010110mmmmm010011nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32CB", "00011010110mmmmm010100nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32CH", "00011010110mmmmm010101nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32CW", "00011010110mmmmm010110nnnnnddddd") { w in crc32Row(w) },
        Encoding(.a64, "CRC32CX", "10011010110mmmmm010111nnnnnddddd") { w in crc32Row(w) },

        // Data-processing (1 source): sf 1 0 11010110 00000 opcode Rn Rd.
        Encoding(.a64, "RBIT", "s101101011000000000000nnnnnddddd") { w in threeRegister(w, .rbit) },
        Encoding(.a64, "REV16", "s101101011000000000001nnnnnddddd") { w in threeRegister(w, .rev16) },
        // opcode 000010 is REV (32-bit) when sf = 0 and REV32 when sf = 1.
        Encoding(.a64, "REV32/REV (32-bit)", "s101101011000000000010nnnnnddddd") { w in
            threeRegister(w, bit(w, 31) == 1 ? .rev32 : .rev)
        },
        Encoding(.a64, "REV (64-bit)", "1101101011000000000011nnnnnddddd") { w in threeRegister(w, .rev) },
        Encoding(.a64, "CLZ", "s101101011000000000100nnnnnddddd") { w in threeRegister(w, .clz) },
        Encoding(.a64, "CLS", "s101101011000000000101nnnnnddddd") { w in threeRegister(w, .cls) },

        // Data-processing (3 source): sf 00 11011 op31 Rm o0 Ra Rn Rd. Ra of SMULH/UMULH is
        // should-be-ones; other values execute as if it were (CONSTRAINED UNPREDICTABLE).
        Encoding(.a64, "MADD", "s0011011000mmmmm0aaaaannnnnddddd") { w in threeRegister(w, .madd) },
        Encoding(.a64, "MSUB", "s0011011000mmmmm1aaaaannnnnddddd") { w in threeRegister(w, .msub) },
        Encoding(.a64, "SMADDL", "10011011001mmmmm0aaaaannnnnddddd") { w in threeRegister(w, .smaddl) },
        Encoding(.a64, "SMSUBL", "10011011001mmmmm1aaaaannnnnddddd") { w in threeRegister(w, .smsubl) },
        Encoding(.a64, "SMULH", "10011011010mmmmm0aaaaannnnnddddd") { w in threeRegister(w, .smulh) },
        Encoding(.a64, "UMADDL", "10011011101mmmmm0aaaaannnnnddddd") { w in threeRegister(w, .umaddl) },
        Encoding(.a64, "UMSUBL", "10011011101mmmmm1aaaaannnnnddddd") { w in threeRegister(w, .umsubl) },
        Encoding(.a64, "UMULH", "10011011110mmmmm0aaaaannnnnddddd") { w in threeRegister(w, .umulh) },
    ]

    /// Rd, Rn, Rm (and Ra) all with 31 as the zero register; sf in `b`.
    static func threeRegister(_ w: UInt32, _ op: DPRegOp) -> Inst {
        Inst(.dataProcessingRegister, op: op.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5), rm: Reg.src(w >> 16),
             ra: Reg.src(w >> 10), b: UInt8(bit(w, 31)))
    }

    static func logicalShifted(_ w: UInt32, _ op: DPRegOp) -> Inst {
        let sf = bit(w, 31), amount = bits(w, 15, 10)
        if sf == 0 && amount >= 32 { return .undefined }
        return Inst(.dataProcessingRegister, op: op.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5),
                    rm: Reg.src(w >> 16), a: UInt8(bits(w, 23, 22)), b: UInt8(sf), imm: UInt64(amount))
    }

    static func addSubShifted(_ w: UInt32, _ op: DPRegOp) -> Inst {
        let sf = bit(w, 31), amount = bits(w, 15, 10), shift = bits(w, 23, 22)
        if shift == 0b11 || (sf == 0 && amount >= 32) { return .undefined }
        return Inst(.dataProcessingRegister, op: op.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5),
                    rm: Reg.src(w >> 16), a: UInt8(shift), b: UInt8(sf), imm: UInt64(amount))
    }

    static func addSubExtended(_ w: UInt32, _ op: DPRegOp) -> Inst {
        let shift = bits(w, 12, 10)
        if shift > 4 { return .undefined }
        // ADD/SUB (extended) read and write SP for 31; ADDS/SUBS (CMN, CMP) write the zero register.
        let setsFlags = op == .addsExt || op == .subsExt
        return Inst(.dataProcessingRegister, op: op.rawValue, rd: setsFlags ? Reg.dst(w) : Reg.spOr(w),
                    rn: Reg.spOr(w >> 5), rm: Reg.src(w >> 16), a: UInt8(bits(w, 15, 13)),
                    b: UInt8(bit(w, 31)), imm: UInt64(shift))
    }

    static func conditionalCompare(_ w: UInt32, _ op: DPRegOp) -> Inst {
        Inst(.dataProcessingRegister, op: op.rawValue, rd: Reg.discard, rn: Reg.src(w >> 5), rm: Reg.src(w >> 16),
             a: UInt8(bits(w, 15, 12) | bits(w, 3, 0) << 4), b: UInt8(bit(w, 31)), imm: UInt64(bits(w, 20, 16)))
    }

    static func conditionalSelect(_ w: UInt32, _ op: DPRegOp) -> Inst {
        Inst(.dataProcessingRegister, op: op.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5), rm: Reg.src(w >> 16),
             a: UInt8(bits(w, 15, 12)), b: UInt8(bit(w, 31)))
    }
}

extension CPU {
    @inline(__always)
    func executeDataProcessingRegister(_ i: Inst) throws(ArchException) {
        withUnsafePointer(to: i) { executeDataProcessingRegisterNoThrow(InstRef($0)) }
    }

    /// Nothing in this group can fault: the run loop calls this directly, without the
    /// typed-throws calling convention.
    @_transparent
    func executeDataProcessingRegisterNoThrow(_ i: InstRef) {
        let d = Int(i.rd), sf = i.b
        let n = x[Int(i.rn)], m = x[Int(i.rm)]
        switch i.opcode(as: DPRegOp.self) {
        case .and:
            x[d] = n & shiftReg(m, i.a, i.imm, sf: sf) & dataMask(sf)
        case .bic:
            x[d] = n & ~shiftReg(m, i.a, i.imm, sf: sf) & dataMask(sf)
        case .orr:
            x[d] = (n | shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .orn:
            x[d] = (n | ~shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .eor:
            x[d] = (n ^ shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .eon:
            x[d] = (n ^ ~shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .ands:
            let r = n & shiftReg(m, i.a, i.imm, sf: sf) & dataMask(sf)
            x[d] = r
            nzcv = logicalFlags(r, sf: sf)
        case .bics:
            let r = n & ~shiftReg(m, i.a, i.imm, sf: sf) & dataMask(sf)
            x[d] = r
            nzcv = logicalFlags(r, sf: sf)

        case .add:
            x[d] = (n &+ shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .sub:
            x[d] = (n &- shiftReg(m, i.a, i.imm, sf: sf)) & dataMask(sf)
        case .adds:
            let r = addWithCarry(n, shiftReg(m, i.a, i.imm, sf: sf), 0, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv
        case .subs:
            let r = addWithCarry(n, ~shiftReg(m, i.a, i.imm, sf: sf), 1, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv

        case .addExt:
            x[d] = (n &+ extendReg(m, i.a, i.imm)) & dataMask(sf)
        case .subExt:
            x[d] = (n &- extendReg(m, i.a, i.imm)) & dataMask(sf)
        case .addsExt:
            let r = addWithCarry(n, extendReg(m, i.a, i.imm), 0, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv
        case .subsExt:
            let r = addWithCarry(n, ~extendReg(m, i.a, i.imm), 1, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv

        case .adc:
            x[d] = (n &+ m &+ UInt64((nzcv >> 29) & 1)) & dataMask(sf)
        case .sbc:
            x[d] = (n &+ ~m &+ UInt64((nzcv >> 29) & 1)) & dataMask(sf)
        case .adcs:
            let r = addWithCarry(n, m, UInt64((nzcv >> 29) & 1), sf: sf)
            x[d] = r.result
            nzcv = r.nzcv
        case .sbcs:
            let r = addWithCarry(n, ~m, UInt64((nzcv >> 29) & 1), sf: sf)
            x[d] = r.result
            nzcv = r.nzcv

        case .ccmnReg, .ccmpReg, .ccmnImm, .ccmpImm:
            if conditionHolds(i.a & 0xF) {
                let isImm = i.op == DPRegOp.ccmnImm.rawValue || i.op == DPRegOp.ccmpImm.rawValue
                let y = isImm ? i.imm : m
                let isCmp = i.op == DPRegOp.ccmpReg.rawValue || i.op == DPRegOp.ccmpImm.rawValue
                nzcv = isCmp ? addWithCarry(n, ~y, 1, sf: sf).nzcv : addWithCarry(n, y, 0, sf: sf).nzcv
            } else {
                nzcv = UInt32(i.a >> 4) << 28
            }

        case .csel:
            x[d] = (conditionHolds(i.a) ? n : m) & dataMask(sf)
        case .csinc:
            x[d] = (conditionHolds(i.a) ? n : m &+ 1) & dataMask(sf)
        case .csinv:
            x[d] = (conditionHolds(i.a) ? n : ~m) & dataMask(sf)
        case .csneg:
            x[d] = (conditionHolds(i.a) ? n : 0 &- m) & dataMask(sf)

        case .rbit:
            x[d] = sf != 0 ? reverseBits64(n) : reverseBits64(n & 0xFFFF_FFFF) >> 32
        case .rev16:
            x[d] = ((n & 0x00FF_00FF_00FF_00FF) << 8 | (n >> 8) & 0x00FF_00FF_00FF_00FF) & dataMask(sf)
        case .rev32:
            x[d] = rotateRight64(n.byteSwapped, 32)
        case .rev:
            x[d] = sf != 0 ? n.byteSwapped : UInt64(UInt32(truncatingIfNeeded: n).byteSwapped)
        case .clz:
            x[d] = UInt64(sf != 0 ? n.leadingZeroBitCount : UInt32(truncatingIfNeeded: n).leadingZeroBitCount)
        case .cls:
            // CountLeadingSignBits = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>); the OR 1
            // stands in for the missing bit 0 so that a value of all sign bits gives N-1.
            if sf != 0 {
                x[d] = UInt64((n ^ (n << 1) | 1).leadingZeroBitCount)
            } else {
                let w = UInt32(truncatingIfNeeded: n)
                x[d] = UInt64((w ^ (w << 1) | 1).leadingZeroBitCount)
            }

        case .udiv:
            if sf != 0 {
                x[d] = m == 0 ? 0 : n / m
            } else {
                let a = UInt32(truncatingIfNeeded: n), b = UInt32(truncatingIfNeeded: m)
                x[d] = b == 0 ? 0 : UInt64(a / b)
            }
        case .sdiv:
            // Division by zero gives 0; the most negative value divided by -1 overflows to itself.
            if sf != 0 {
                let a = Int64(bitPattern: n), b = Int64(bitPattern: m)
                x[d] = b == 0 ? 0 : UInt64(bitPattern: a.dividedReportingOverflow(by: b).partialValue)
            } else {
                let a = Int32(truncatingIfNeeded: n), b = Int32(truncatingIfNeeded: m)
                x[d] = b == 0 ? 0 : UInt64(UInt32(bitPattern: a.dividedReportingOverflow(by: b).partialValue))
            }
        case .lslv:
            x[d] = shiftReg(n, ShiftType.lsl.rawValue, m & (sf != 0 ? 63 : 31), sf: sf)
        case .lsrv:
            x[d] = shiftReg(n, ShiftType.lsr.rawValue, m & (sf != 0 ? 63 : 31), sf: sf)
        case .asrv:
            x[d] = shiftReg(n, ShiftType.asr.rawValue, m & (sf != 0 ? 63 : 31), sf: sf)
        case .rorv:
            x[d] = shiftReg(n, ShiftType.ror.rawValue, m & (sf != 0 ? 63 : 31), sf: sf)

        case .madd:
            x[d] = (x[Int(i.ra)] &+ n &* m) & dataMask(sf)
        case .msub:
            x[d] = (x[Int(i.ra)] &- n &* m) & dataMask(sf)
        case .smaddl:
            x[d] = x[Int(i.ra)] &+ signedProduct32(n, m)
        case .smsubl:
            x[d] = x[Int(i.ra)] &- signedProduct32(n, m)
        case .umaddl:
            x[d] = x[Int(i.ra)] &+ (n & 0xFFFF_FFFF) &* (m & 0xFFFF_FFFF)
        case .umsubl:
            x[d] = x[Int(i.ra)] &- (n & 0xFFFF_FFFF) &* (m & 0xFFFF_FFFF)
        case .smulh:
            x[d] = UInt64(bitPattern: Int64(bitPattern: n).multipliedFullWidth(by: Int64(bitPattern: m)).high)
        case .umulh:
            x[d] = n.multipliedFullWidth(by: m).high
        case .crc32:
            x[d] = UInt64(crc32Update(UInt32(truncatingIfNeeded: n), m, size: 1 &<< Int(i.a), castagnoli: i.imm != 0))
        }
    }
}

/// SInt(Wn) * SInt(Wm) as a 64-bit two's-complement value (exact: it cannot overflow).
@inline(__always)
func signedProduct32(_ n: UInt64, _ m: UInt64) -> UInt64 {
    UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: n)) &* Int64(Int32(truncatingIfNeeded: m)))
}
