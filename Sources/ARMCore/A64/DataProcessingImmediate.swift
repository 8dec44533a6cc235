/// Data processing -- immediate (ARM DDI 0487, C4.1.86: PC-relative addressing, add/subtract
/// (immediate), logical (immediate), move wide (immediate), bitfield, extract). ARMv8.0 only:
/// add/subtract with tags (op1 = 011) and min/max immediate are unallocated here.
///
/// Inst use: `op` = DPImmOp; `b` = sf (1 for the 64-bit form; 32-bit results are zero-extended);
/// `rd`, `rn`, `rm` = register slots (Rd and Rn are SP-capable where the Arm ARM says so).
/// - ADR/ADRP: `imm` = the signed offset (ADRP: already shifted by 12).
/// - ADD/ADDS/SUB/SUBS: `imm` = imm12, already shifted by 12 when sh = 1.
/// - AND/ORR/EOR/ANDS: `imm` = the bitmask from DecodeBitMasks, truncated to the datasize.
/// - MOVZ/MOVN (`mov`): `imm` = the final value written. MOVK: `imm` = imm16 << pos, `a` = pos.
/// - SBFM/BFM/UBFM: `a` = immr (the rotation R), `imm` = wmask AND tmask truncated to the
///   datasize (see the executor for why that one mask is enough).
/// - EXTR: `a` = lsb.
enum DPImmOp: UInt8 {
    case adr, adrp
    case add, adds, sub, subs
    case and, orr, eor, ands
    case mov, movk
    case sbfm, bfm, ubfm
    case extr
}

extension A64Decoder {
    public static let dataProcessingImmediate: [Encoding] = [
        // PC-rel. addressing: op immlo 10000 immhi Rd.
        Encoding(.a64, "ADR", "0ii10000iiiiiiiiiiiiiiiiiiiddddd") { w in
            let imm = UInt64(bits(w, 23, 5) << 2 | bits(w, 30, 29))
            return Inst(.dataProcessingImmediate, op: DPImmOp.adr.rawValue, rd: Reg.dst(w), b: 1,
                        imm: signExtend(imm, 21))
        },
        Encoding(.a64, "ADRP", "1ii10000iiiiiiiiiiiiiiiiiiiddddd") { w in
            let imm = UInt64(bits(w, 23, 5) << 2 | bits(w, 30, 29)) << 12
            return Inst(.dataProcessingImmediate, op: DPImmOp.adrp.rawValue, rd: Reg.dst(w), b: 1,
                        imm: signExtend(imm, 33))
        },

        // Add/subtract (immediate): sf op S 100010 sh imm12 Rn Rd.
        Encoding(.a64, "ADD (immediate)", "s00100010hiiiiiiiiiiiinnnnnddddd") { w in addSubImmediate(w, .add) },
        Encoding(.a64, "ADDS (immediate)", "s01100010hiiiiiiiiiiiinnnnnddddd") { w in addSubImmediate(w, .adds) },
        Encoding(.a64, "SUB (immediate)", "s10100010hiiiiiiiiiiiinnnnnddddd") { w in addSubImmediate(w, .sub) },
        Encoding(.a64, "SUBS (immediate)", "s11100010hiiiiiiiiiiiinnnnnddddd") { w in addSubImmediate(w, .subs) },

        // Logical (immediate): sf opc 100100 N immr imms Rn Rd.
        Encoding(.a64, "AND (immediate)", "s00100100Nrrrrrrssssssnnnnnddddd") { w in logicalImmediate(w, .and) },
        Encoding(.a64, "ORR (immediate)", "s01100100Nrrrrrrssssssnnnnnddddd") { w in logicalImmediate(w, .orr) },
        Encoding(.a64, "EOR (immediate)", "s10100100Nrrrrrrssssssnnnnnddddd") { w in logicalImmediate(w, .eor) },
        Encoding(.a64, "ANDS (immediate)", "s11100100Nrrrrrrssssssnnnnnddddd") { w in logicalImmediate(w, .ands) },

        // Move wide (immediate): sf opc 100101 hw imm16 Rd; opc = 01 is unallocated.
        Encoding(.a64, "MOVN", "s00100101hhiiiiiiiiiiiiiiiiddddd") { w in moveWide(w, opc: 0b00) },
        Encoding(.a64, "MOVZ", "s10100101hhiiiiiiiiiiiiiiiiddddd") { w in moveWide(w, opc: 0b10) },
        Encoding(.a64, "MOVK", "s11100101hhiiiiiiiiiiiiiiiiddddd") { w in moveWide(w, opc: 0b11) },

        // Bitfield: sf opc 100110 N immr imms Rn Rd; opc = 11 is unallocated.
        Encoding(.a64, "SBFM", "s00100110Nrrrrrrssssssnnnnnddddd") { w in bitfield(w, .sbfm) },
        Encoding(.a64, "BFM", "s01100110Nrrrrrrssssssnnnnnddddd") { w in bitfield(w, .bfm) },
        Encoding(.a64, "UBFM", "s10100110Nrrrrrrssssssnnnnnddddd") { w in bitfield(w, .ubfm) },

        // Extract: sf op21 100111 N o0 Rm imms Rn Rd; only op21 = 00, o0 = 0 is allocated.
        Encoding(.a64, "EXTR", "s00100111N0mmmmmssssssnnnnnddddd") { w in
            let sf = bit(w, 31), lsb = bits(w, 15, 10)
            guard bit(w, 22) == sf, sf == 1 || lsb < 32 else { return .undefined }
            return Inst(.dataProcessingImmediate, op: DPImmOp.extr.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5),
                        rm: Reg.src(w >> 16), a: UInt8(lsb), b: UInt8(sf))
        },
    ]

    static func addSubImmediate(_ w: UInt32, _ op: DPImmOp) -> Inst {
        let imm = UInt64(bits(w, 21, 10)) << (bit(w, 22) == 1 ? 12 : 0)
        // ADD/SUB write SP for Rd = 31; ADDS/SUBS (CMN, CMP) write the zero register.
        let setsFlags = op == .adds || op == .subs
        return Inst(.dataProcessingImmediate, op: op.rawValue, rd: setsFlags ? Reg.dst(w) : Reg.spOr(w),
                    rn: Reg.spOr(w >> 5), b: UInt8(bit(w, 31)), imm: imm)
    }

    static func logicalImmediate(_ w: UInt32, _ op: DPImmOp) -> Inst {
        let sf = bit(w, 31), n = bit(w, 22)
        if sf == 0 && n == 1 { return .undefined }
        guard let masks = decodeBitMasks(n: n, imms: bits(w, 15, 10), immr: bits(w, 21, 16), immediate: true,
                                         m: sf == 1 ? 64 : 32)
        else { return .undefined }
        // AND/ORR/EOR may write SP (ORR is MOV to SP); ANDS (TST) writes the zero register.
        return Inst(.dataProcessingImmediate, op: op.rawValue, rd: op == .ands ? Reg.dst(w) : Reg.spOr(w),
                    rn: Reg.src(w >> 5), b: UInt8(sf), imm: masks.wmask & dataMask(UInt8(sf)))
    }

    static func moveWide(_ w: UInt32, opc: UInt32) -> Inst {
        let sf = bit(w, 31), hw = bits(w, 22, 21)
        if sf == 0 && hw > 1 { return .undefined }
        let pos = hw * 16
        let imm = UInt64(bits(w, 20, 5)) << UInt64(pos)
        switch opc {
        case 0b00:  // MOVN
            return Inst(.dataProcessingImmediate, op: DPImmOp.mov.rawValue, rd: Reg.dst(w), b: UInt8(sf),
                        imm: ~imm & dataMask(UInt8(sf)))
        case 0b10:  // MOVZ
            return Inst(.dataProcessingImmediate, op: DPImmOp.mov.rawValue, rd: Reg.dst(w), b: UInt8(sf), imm: imm)
        default:    // MOVK
            return Inst(.dataProcessingImmediate, op: DPImmOp.movk.rawValue, rd: Reg.dst(w), a: UInt8(pos),
                        b: UInt8(sf), imm: imm)
        }
    }

    static func bitfield(_ w: UInt32, _ op: DPImmOp) -> Inst {
        let sf = bit(w, 31), n = bit(w, 22), immr = bits(w, 21, 16), imms = bits(w, 15, 10)
        guard n == sf, sf == 1 || (immr < 32 && imms < 32) else { return .undefined }
        guard let masks = decodeBitMasks(n: n, imms: imms, immr: immr, immediate: false, m: sf == 1 ? 64 : 32)
        else { return .undefined }
        return Inst(.dataProcessingImmediate, op: op.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5),
                    a: UInt8(immr), b: UInt8(sf), imm: masks.wmask & masks.tmask & dataMask(UInt8(sf)))
    }
}

extension CPU {
    @inline(__always)
    func executeDataProcessingImmediate(_ i: Inst) throws(ArchException) {
        withUnsafePointer(to: i) { executeDataProcessingImmediate(InstRef($0), pc: pc) }
    }

    /// Nothing in this group can fault: the run loop calls this directly, with its own copy
    /// of the PC (for ADR and ADRP), and no throws.
    @_transparent
    func executeDataProcessingImmediate(_ i: InstRef, pc: UInt64) {
        let d = Int(i.rd), sf = i.b
        switch i.opcode(as: DPImmOp.self) {
        case .adr:
            x[d] = pc &+ i.imm
        case .adrp:
            x[d] = (pc & ~0xFFF) &+ i.imm
        case .add:
            x[d] = (x[Int(i.rn)] &+ i.imm) & dataMask(sf)
        case .sub:
            x[d] = (x[Int(i.rn)] &- i.imm) & dataMask(sf)
        case .adds:
            let r = addWithCarry(x[Int(i.rn)], i.imm, 0, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv
        case .subs:
            let r = addWithCarry(x[Int(i.rn)], ~i.imm, 1, sf: sf)
            x[d] = r.result
            nzcv = r.nzcv
        case .and:
            x[d] = x[Int(i.rn)] & i.imm
        case .orr:
            x[d] = (x[Int(i.rn)] | i.imm) & dataMask(sf)
        case .eor:
            x[d] = (x[Int(i.rn)] ^ i.imm) & dataMask(sf)
        case .ands:
            let r = x[Int(i.rn)] & i.imm
            x[d] = r
            nzcv = logicalFlags(r, sf: sf)
        case .mov:
            x[d] = i.imm
        case .movk:
            x[d] = (x[d] & ~(0xFFFF &<< UInt64(i.a)) | i.imm) & dataMask(sf)
        case .sbfm, .bfm, .ubfm:
            // With m = wmask AND tmask, the pseudocode's
            //   bot = (dst AND NOT wmask) OR (ROR(src, R) AND wmask)
            //   result = (top AND NOT tmask) OR (bot AND tmask)
            // becomes: UBFM: ROR(src, R) AND m; BFM: (dst AND NOT m) OR (ROR(src, R) AND m);
            // SBFM: ROR(src, R) AND m, sign-extended from the top set bit of m, which is bit
            // (S-R) mod datasize of the rotated source, i.e. src<S>, the top bit of tmask.
            let src = x[Int(i.rn)], m = i.imm
            let rot = (sf != 0 ? rotateRight64(src, UInt64(i.a)) : rotateRight32(src, UInt64(i.a))) & m
            if i.op == DPImmOp.ubfm.rawValue {
                x[d] = rot
            } else if i.op == DPImmOp.bfm.rawValue {
                x[d] = (x[d] & ~m & dataMask(sf)) | rot
            } else {
                let s = UInt64(m.leadingZeroBitCount)
                x[d] = UInt64(bitPattern: Int64(bitPattern: rot &<< s) &>> Int64(s)) & dataMask(sf)
            }
        case .extr:
            let hi = x[Int(i.rn)], lo = x[Int(i.rm)], lsb = UInt64(i.a)
            if sf != 0 {
                // (hi:lo) >> lsb; the split shift makes lsb = 0 give lo alone.
                x[d] = (lo &>> lsb) | ((hi &<< 1) &<< (63 &- lsb))
            } else {
                let c = (hi & 0xFFFF_FFFF) << 32 | (lo & 0xFFFF_FFFF)
                x[d] = (c &>> lsb) & 0xFFFF_FFFF
            }
        }
    }
}
