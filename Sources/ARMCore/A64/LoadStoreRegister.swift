/// Load register (literal) and load/store register (ARM DDI 0487, C4.1 "Loads and Stores": "Load register
/// (literal)", "Load/store register (unscaled immediate)", "(immediate post-indexed)",
/// "(unprivileged)", "(immediate pre-indexed)", "(register offset)", "(unsigned immediate)"),
/// general-purpose registers (V = 0). See LoadStore.swift for the use of the Inst fields.

/// The addressing forms of the single-register class, bits 24 and 21 and 11..10.
enum LSAddressing {
    case unscaled, postIndexed, unprivileged, preIndexed, registerOffset, unsignedOffset
}

extension A64Decoder {
    static let loadStoreRegister: [Encoding] = [
        Encoding(.a64, "LDR/LDRSW/PRFM (literal)", "oo011000iiiiiiiiiiiiiiiiiiittttt") { w in
            let t = bits(w, 4, 0)
            let off = signExtend(UInt64(bits(w, 23, 5)) << 2, 21)
            let a: UInt8, flags: UInt8
            switch bits(w, 31, 30) {
            case 0b00: a = 2; flags = 0                                        // LDR Wt
            case 0b01: a = 3; flags = LSFlag.sixtyFour                         // LDR Xt
            case 0b10: a = 2; flags = LSFlag.signed | LSFlag.sixtyFour         // LDRSW
            default: return Inst(.loadStore, op: LoadStoreOp.prefetch.rawValue)  // PRFM (literal)
            }
            return Inst(.loadStore, op: LoadStoreOp.loadLiteral.rawValue, rd: Reg.dst(t), ra: UInt8(t),
                        a: a, b: flags, imm: off)
        },
        Encoding(.a64, "STUR/LDUR/PRFUM (unscaled immediate)", "zz111000oo0iiiiiiiii00nnnnnttttt") { w in
            decodeLoadStoreRegister(w, .unscaled)
        },
        Encoding(.a64, "STR/LDR (immediate, post-indexed)", "zz111000oo0iiiiiiiii01nnnnnttttt") { w in
            decodeLoadStoreRegister(w, .postIndexed)
        },
        Encoding(.a64, "STTR/LDTR (unprivileged)", "zz111000oo0iiiiiiiii10nnnnnttttt") { w in
            decodeLoadStoreRegister(w, .unprivileged)
        },
        Encoding(.a64, "STR/LDR (immediate, pre-indexed)", "zz111000oo0iiiiiiiii11nnnnnttttt") { w in
            decodeLoadStoreRegister(w, .preIndexed)
        },
        // Bit 21 set with bits 11..10 other than 10 are the ARMv8.1 atomics and ARMv8.3
        // LDRAA/LDRAB: unallocated here.
        Encoding(.a64, "STR/LDR/PRFM (register)", "zz111000oo1mmmmmxxxS10nnnnnttttt") { w in
            decodeLoadStoreRegister(w, .registerOffset)
        },
        Encoding(.a64, "STR/LDR/PRFM (unsigned immediate)", "zz111001ooiiiiiiiiiiiinnnnnttttt") { w in
            decodeLoadStoreRegister(w, .unsignedOffset)
        },
    ]

    /// The single-register class: size (31..30) and opc (23..22) choose the instruction:
    ///
    ///     opc   size 00   size 01   size 10   size 11
    ///     00    STRB      STRH      STR Wt    STR Xt
    ///     01    LDRB      LDRH      LDR Wt    LDR Xt
    ///     10    LDRSB Xt  LDRSH Xt  LDRSW     PRFM (offset forms only; else unallocated)
    ///     11    LDRSB Wt  LDRSH Wt  unallocated
    static func decodeLoadStoreRegister(_ w: UInt32, _ mode: LSAddressing) -> Inst {
        let size = bits(w, 31, 30), opc = bits(w, 23, 22)
        let t = bits(w, 4, 0), n = bits(w, 9, 5)
        // Register offset: option<1> == 0 would be a sub-word index, unallocated.
        let option = bits(w, 15, 13)
        if mode == .registerOffset && option & 0b010 == 0 { return .undefined }

        var isLoad = true
        var flags: UInt8 = size == 3 ? LSFlag.sixtyFour : 0
        switch opc {
        case 0b00:
            isLoad = false
        case 0b01:
            break
        case 0b10:
            if size == 3 {
                switch mode {
                case .unscaled, .registerOffset, .unsignedOffset:
                    return Inst(.loadStore, op: LoadStoreOp.prefetch.rawValue)
                case .postIndexed, .preIndexed, .unprivileged:
                    return .undefined
                }
            }
            flags = LSFlag.signed | LSFlag.sixtyFour
        default:
            if size >= 2 { return .undefined }
            flags = LSFlag.signed
        }
        if mode == .unprivileged { flags |= LSFlag.unprivileged }

        let simm9 = signExtend(UInt64(bits(w, 20, 12)), 9)
        let op: LoadStoreOp
        var imm: UInt64 = 0
        var rm: UInt8 = 0
        switch mode {
        case .unscaled, .unprivileged:
            op = isLoad ? .load : .store
            imm = simm9
        case .postIndexed:
            op = isLoad ? .loadPost : .storePost
            imm = simm9
        case .preIndexed:
            op = isLoad ? .loadPre : .storePre
            imm = simm9
        case .unsignedOffset:
            op = isLoad ? .load : .store
            imm = UInt64(bits(w, 21, 10)) << UInt64(size)
        case .registerOffset:
            op = isLoad ? .loadRegister : .storeRegister
            rm = Reg.src(bits(w, 20, 16))
            // option: 010 UXTW, 011 LSL (UXTX), 110 SXTW, 111 SXTX; S selects a shift by the size.
            imm = (bit(w, 12) == 1 ? UInt64(size) : 0)
                | (option & 0b001 == 0 ? LSIndex.word : 0)
                | (option & 0b100 != 0 ? LSIndex.signed : 0)
        }
        return Inst(.loadStore, op: op.rawValue, rd: isLoad ? Reg.dst(t) : Reg.src(t), rn: Reg.spOr(n), rm: rm,
                    ra: UInt8(t), a: UInt8(size), b: flags, imm: imm)
    }
}
