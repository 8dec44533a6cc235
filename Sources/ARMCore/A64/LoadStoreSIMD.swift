import Bus
import Stage2MMU

/// Loads and stores of SIMD&FP registers (V = 1) (ARM DDI 0487, C4.1 "Loads and Stores"):
/// - the single-register classes: LDR (literal, SIMD&FP) S/D/Q; LDR/STR B/H/S/D/Q with unscaled
///   (LDUR/STUR), post-indexed, pre-indexed, register and unsigned offsets;
/// - the pair classes: LDP/STP/LDNP/STNP S/D/Q (offset, pre-, post-indexed, no-allocate);
/// - "Advanced SIMD load/store multiple structures" (and "(post-indexed)"): LD1-LD4/ST1-ST4;
/// - "Advanced SIMD load/store single structure" (and "(post-indexed)"): LD1-LD4/ST1-ST4 to
///   one lane, LD1R-LD4R.
///
/// Every instruction of the group first makes the FP/SIMD access check (CheckFPAdvSIMDEnabled64,
/// before any address is formed, so the trap has priority over SP alignment and data aborts).
/// A transfer (at most 64 bytes: LD4/ST4 of four Q registers) is staged in a 64-byte image of
/// the memory it covers: loads read all of memory into the image before any register is
/// written (a fault leaves every register, and the base, unchanged), stores gather the
/// registers into the image and then write memory. When the whole transfer lies in one page
/// of RAM it is one translation and a host copy; otherwise it is element by element through
/// `readMemory`/`writeMemory` (device memory, page crossings, the end of RAM), which also gives
/// the FAR of the first element that faults. Data aborts from this group report ISV = 0: the
/// syndrome's SAS/SRT describe only general-purpose single-register accesses (D17.2.40).
///
/// Inst use:
/// - `op`: LoadStoreSIMDOp (the addressing form and the direction).
/// - `rd`: Vt (0...31). `ra`: pairs: Vt2; single-lane forms: the lane index.
/// - `rn`: the base register slot (`Reg.spOr`); unused by literal loads.
/// - `rm`: register offset and post-index by register: the Xm slot.
/// - `a`: LSVShape: the kind in bits 0..2, for structures selem-1 in bits 3..4, rpt-1 in bits
///   5..6 and Q in bit 7.
/// - `b`: log2 of the size in bytes of the register (single, pair; 0...4) or of the element
///   (structures; 0...3).
/// - `imm`: the byte offset (immediate forms; for post-indexed structures the transfer size),
///   the PC-relative offset (literal), or `LSIndex` bits (register offset).
enum LoadStoreSIMDOp: UInt8 {
    /// [base, #imm] (structures: [base]).
    case load, store
    /// [base, #imm]!
    case loadPre, storePre
    /// [base], #imm
    case loadPost, storePost
    /// [base, Xm{, extend {#amount}}]
    case loadRegister, storeRegister
    /// LDR (literal, SIMD&FP).
    case loadLiteral
    /// Structures: [base], Xm.
    case loadPostRegister, storePostRegister
}

/// The transfer kinds and the structure fields kept in `Inst.a`.
enum LSVShape {
    /// One register: LDR/STR/LDUR/STUR B, H, S, D, Q.
    static let single: UInt8 = 0
    /// Two registers of the same size, Vt then Vt2 (LDP/STP/LDNP/STNP).
    static let pair: UInt8 = 1
    /// LD1-LD4/ST1-ST4 (multiple structures).
    static let multiple: UInt8 = 2
    /// LD1-LD4/ST1-ST4 (single structure): one lane of each register.
    static let lane: UInt8 = 3
    /// LD1R-LD4R: one structure replicated to every lane.
    static let replicate: UInt8 = 4
    static let kindMask: UInt8 = 7

    @inline(__always)
    static func structure(_ kind: UInt8, selem: Int, rpt: Int, q: UInt32) -> UInt8 {
        kind | UInt8(selem - 1) << 3 | UInt8(rpt - 1) << 5 | UInt8(q & 1) << 7
    }
}

extension A64Decoder {
    static let loadStoreSIMD: [Encoding] = [
        Encoding(.a64, "LDR (literal, SIMD&FP)", "oo011100iiiiiiiiiiiiiiiiiiittttt") { w in
            let opc = bits(w, 31, 30)
            if opc == 0b11 { return .undefined }
            return Inst(.loadStoreSIMD, op: LoadStoreSIMDOp.loadLiteral.rawValue, rd: UInt8(bits(w, 4, 0)),
                        a: LSVShape.single, b: UInt8(opc + 2), imm: signExtend(UInt64(bits(w, 23, 5)) << 2, 21))
        },
        Encoding(.a64, "STUR/LDUR (SIMD&FP)", "zz111100oo0iiiiiiiii00nnnnnttttt") { w in decodeLoadStoreSIMDRegister(w, .unscaled) },
        Encoding(.a64, "STR/LDR (immediate, SIMD&FP, post-index)", "zz111100oo0iiiiiiiii01nnnnnttttt") { w in
            decodeLoadStoreSIMDRegister(w, .postIndexed)
        },
        // Bits 11..10 = 10 with bit 21 clear would be LDTR/STTR: there is no SIMD&FP form.
        Encoding(.a64, "STR/LDR (immediate, SIMD&FP, pre-index)", "zz111100oo0iiiiiiiii11nnnnnttttt") { w in
            decodeLoadStoreSIMDRegister(w, .preIndexed)
        },
        Encoding(.a64, "STR/LDR (register, SIMD&FP)", "zz111100oo1mmmmmxxxS10nnnnnttttt") { w in
            decodeLoadStoreSIMDRegister(w, .registerOffset)
        },
        Encoding(.a64, "STR/LDR (immediate, SIMD&FP, unsigned offset)", "zz111101ooiiiiiiiiiiiinnnnnttttt") { w in
            decodeLoadStoreSIMDRegister(w, .unsignedOffset)
        },

        Encoding(.a64, "STNP/LDNP (SIMD&FP)", "oo1011000Liiiiiiiuuuuunnnnnttttt") { w in decodeLoadStoreSIMDPair(w, .noAllocate) },
        Encoding(.a64, "STP/LDP (SIMD&FP, post-index)", "oo1011001Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStoreSIMDPair(w, .postIndexed)
        },
        Encoding(.a64, "STP/LDP (SIMD&FP, signed offset)", "oo1011010Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStoreSIMDPair(w, .signedOffset)
        },
        Encoding(.a64, "STP/LDP (SIMD&FP, pre-index)", "oo1011011Liiiiiiiuuuuunnnnnttttt") { w in
            decodeLoadStoreSIMDPair(w, .preIndexed)
        },

        Encoding(.a64, "LD1-LD4/ST1-ST4 (multiple structures)", "0q0011000l000000oooossnnnnnttttt") { w in
            decodeMultipleStructures(w, postIndex: false)
        },
        Encoding(.a64, "LD1-LD4/ST1-ST4 (multiple structures, post-index)", "0q0011001l0mmmmmoooossnnnnnttttt") { w in
            decodeMultipleStructures(w, postIndex: true)
        },
        Encoding(.a64, "LD1-LD4/ST1-ST4/LD1R-LD4R (single structure)", "0q0011010lr00000pppSzznnnnnttttt") { w in
            decodeSingleStructure(w, postIndex: false)
        },
        Encoding(.a64, "LD1-LD4/ST1-ST4/LD1R-LD4R (single structure, post-index)", "0q0011011lrmmmmmpppSzznnnnnttttt") { w in
            decodeSingleStructure(w, postIndex: true)
        },
    ]

    /// The single-register class with V = 1: size (31..30) and opc (23..22):
    ///
    ///     opc   size 00   size 01   size 10   size 11
    ///     00    STR Bt    STR Ht    STR St    STR Dt
    ///     01    LDR Bt    LDR Ht    LDR St    LDR Dt
    ///     10    STR Qt    unallocated
    ///     11    LDR Qt    unallocated
    static func decodeLoadStoreSIMDRegister(_ w: UInt32, _ mode: LSAddressing) -> Inst {
        let size = bits(w, 31, 30), opc = bits(w, 23, 22)
        if opc & 0b10 != 0 && size != 0 { return .undefined }
        let scale = opc & 0b10 != 0 ? 4 : size
        let isLoad = opc & 1 == 1
        let t = UInt8(bits(w, 4, 0)), n = Reg.spOr(bits(w, 9, 5))
        let simm9 = signExtend(UInt64(bits(w, 20, 12)), 9)
        let op: LoadStoreSIMDOp
        var imm: UInt64 = 0
        var rm: UInt8 = 0
        switch mode {
        case .unscaled:
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
            imm = UInt64(bits(w, 21, 10)) << UInt64(scale)
        case .registerOffset:
            // option<1> == 0 is unallocated; S shifts by the access size (#0 for B, #4 for Q).
            let option = bits(w, 15, 13)
            if option & 0b010 == 0 { return .undefined }
            op = isLoad ? .loadRegister : .storeRegister
            rm = Reg.src(bits(w, 20, 16))
            imm = (bit(w, 12) == 1 ? UInt64(scale) : 0)
                | (option & 0b001 == 0 ? LSIndex.word : 0)
                | (option & 0b100 != 0 ? LSIndex.signed : 0)
        case .unprivileged:
            return .undefined
        }
        return Inst(.loadStoreSIMD, op: op.rawValue, rd: t, rn: n, rm: rm, a: LSVShape.single, b: UInt8(scale), imm: imm)
    }

    /// The pair classes with V = 1: opc (31..30) 00 S, 01 D, 10 Q, 11 unallocated.
    static func decodeLoadStoreSIMDPair(_ w: UInt32, _ mode: LSPairAddressing) -> Inst {
        let opc = bits(w, 31, 30)
        if opc == 0b11 { return .undefined }
        let scale = opc + 2
        let isLoad = bit(w, 22) == 1
        let t = bits(w, 4, 0), t2 = bits(w, 14, 10)
        // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE (ARM DDI 0487 K1.2,
        // Unpredictable_LDPOVERLAP); as for the general-purpose pairs, armvm takes Constraint_UNDEF.
        if isLoad && t == t2 { return .undefined }
        let op: LoadStoreSIMDOp
        switch mode {
        case .noAllocate, .signedOffset: op = isLoad ? .load : .store
        case .postIndexed: op = isLoad ? .loadPost : .storePost
        case .preIndexed: op = isLoad ? .loadPre : .storePre
        }
        return Inst(.loadStoreSIMD, op: op.rawValue, rd: UInt8(t), rn: Reg.spOr(bits(w, 9, 5)), ra: UInt8(t2),
                    a: LSVShape.pair, b: UInt8(scale), imm: signExtend(UInt64(bits(w, 21, 15)), 7) &<< UInt64(scale))
    }

    /// LD1-LD4/ST1-ST4 (multiple structures), pseudocode of C7.2 "LD1 (multiple structures)"
    /// and its siblings: opcode (15..12) gives the register count (rpt) and the structure size
    /// (selem); size and Q the element size and the register width.
    static func decodeMultipleStructures(_ w: UInt32, postIndex: Bool) -> Inst {
        let q = bit(w, 30), isLoad = bit(w, 22) == 1, size = bits(w, 11, 10)
        let rpt: Int, selem: Int
        switch bits(w, 15, 12) {
        case 0b0000: rpt = 1; selem = 4   // LD4/ST4
        case 0b0010: rpt = 4; selem = 1   // LD1/ST1, four registers
        case 0b0100: rpt = 1; selem = 3   // LD3/ST3
        case 0b0110: rpt = 3; selem = 1   // LD1/ST1, three registers
        case 0b0111: rpt = 1; selem = 1   // LD1/ST1, one register
        case 0b1000: rpt = 1; selem = 2   // LD2/ST2
        case 0b1010: rpt = 2; selem = 1   // LD1/ST1, two registers
        default: return .undefined
        }
        // .1D arrangements exist only for LD1/ST1 (ReservedValue for size:Q = 110 otherwise).
        if size == 0b11 && q == 0 && selem != 1 { return .undefined }
        let total = (8 << Int(q)) * rpt * selem
        return structureInst(w, isLoad: isLoad, postIndex: postIndex, total: total,
                             shape: LSVShape.structure(LSVShape.multiple, selem: selem, rpt: rpt, q: q),
                             scale: size, lane: 0)
    }

    /// LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R, pseudocode of C7.2 "LD1 (single
    /// structure)": opcode<2:1> is the element scale (3: replicate), opcode<0>:R + 1 the
    /// structure size; Q:S:size is the lane index, with the combinations the pseudocode calls
    /// UNDEFINED.
    static func decodeSingleStructure(_ w: UInt32, postIndex: Bool) -> Inst {
        let q = bit(w, 30), isLoad = bit(w, 22) == 1, s = bit(w, 12), size = bits(w, 11, 10)
        let opcode = bits(w, 15, 13)
        let selem = Int(((opcode & 1) << 1) | bit(w, 21)) + 1
        var scale = opcode >> 1
        var index: UInt32 = 0
        var kind = LSVShape.lane
        switch scale {
        case 3:
            if !isLoad || s == 1 { return .undefined }
            scale = size
            kind = LSVShape.replicate
        case 0:
            index = q << 3 | s << 2 | size
        case 1:
            if size & 1 == 1 { return .undefined }
            index = q << 2 | s << 1 | size >> 1
        default:
            if size & 0b10 != 0 { return .undefined }
            if size & 1 == 0 {
                index = q << 1 | s
            } else {
                if s == 1 { return .undefined }
                index = q
                scale = 3
            }
        }
        return structureInst(w, isLoad: isLoad, postIndex: postIndex, total: selem << Int(scale),
                             shape: LSVShape.structure(kind, selem: selem, rpt: 1, q: q), scale: scale, lane: index)
    }

    /// Rm = 31 in the post-indexed forms means "by the transfer size" (the immediate form).
    static func structureInst(_ w: UInt32, isLoad: Bool, postIndex: Bool, total: Int, shape: UInt8, scale: UInt32,
                              lane: UInt32) -> Inst {
        let op: LoadStoreSIMDOp, m = bits(w, 20, 16)
        var imm: UInt64 = 0
        if !postIndex {
            op = isLoad ? .load : .store
        } else if m == 31 {
            op = isLoad ? .loadPost : .storePost
            imm = UInt64(total)
        } else {
            op = isLoad ? .loadPostRegister : .storePostRegister
        }
        return Inst(.loadStoreSIMD, op: op.rawValue, rd: UInt8(bits(w, 4, 0)), rn: Reg.spOr(bits(w, 9, 5)),
                    rm: postIndex ? Reg.src(m) : 0, ra: UInt8(lane), a: shape, b: UInt8(scale), imm: imm)
    }
}

extension CPU {
    @inline(never)   // keep the interpreter loop small
    func executeLoadStoreSIMD(_ i: Inst) throws(ArchException) {
        try checkFPEnabled()
        switch i.opcode(as: LoadStoreSIMDOp.self) {
        case .load:
            try vecLoad(i, try lsBase(i) &+ i.imm)
        case .store:
            try vecStore(i, try lsBase(i) &+ i.imm)
        case .loadPre:
            let va = try lsBase(i) &+ i.imm
            try vecLoad(i, va)
            x[Int(i.rn)] = va
        case .storePre:
            let va = try lsBase(i) &+ i.imm
            try vecStore(i, va)
            x[Int(i.rn)] = va
        case .loadPost:
            let va = try lsBase(i)
            try vecLoad(i, va)
            x[Int(i.rn)] = va &+ i.imm
        case .storePost:
            let va = try lsBase(i)
            try vecStore(i, va)
            x[Int(i.rn)] = va &+ i.imm
        case .loadRegister:
            try vecLoad(i, try lsBase(i) &+ lsIndex(i))
        case .storeRegister:
            try vecStore(i, try lsBase(i) &+ lsIndex(i))
        case .loadLiteral:
            try vecLoad(i, pc &+ i.imm)
        case .loadPostRegister:
            let va = try lsBase(i), off = x[Int(i.rm)]
            try vecLoad(i, va)
            x[Int(i.rn)] = va &+ off
        case .storePostRegister:
            let va = try lsBase(i), off = x[Int(i.rm)]
            try vecStore(i, va)
            x[Int(i.rn)] = va &+ off
        }
    }

    /// Bytes moved by the instruction (1...64).
    @inline(__always)
    func vecTransferSize(_ i: Inst) -> Int {
        let b = Int(i.b & 7)
        switch i.a & LSVShape.kindMask {
        case LSVShape.single: return 1 &<< b
        case LSVShape.pair: return 2 &<< b
        case LSVShape.multiple:
            return (8 &<< Int(i.a >> 7)) &* (Int((i.a >> 3) & 3) &+ 1) &* (Int((i.a >> 5) & 3) &+ 1)
        default: return (Int((i.a >> 3) & 3) &+ 1) &<< b
        }
    }

    /// log2 of the size of each memory access: a whole B/H/S/D register, a Q register as two
    /// doublewords (Mem[] with AccType_VEC, ARM DDI 0487 J1.2.3), or one structure element.
    @inline(__always)
    func vecAccessLog2(_ i: Inst) -> Int { min(Int(i.b & 7), 3) }

    // MARK: Loads

    /// Read the whole transfer, then write the registers.
    @inline(__always)
    func vecLoad(_ i: Inst, _ va: UInt64) throws(ArchException) {
        var img = SIMD8<UInt64>()
        try vecReadImage(&img, va, total: vecTransferSize(i), accessLog2: vecAccessLog2(i), alignLog2: Int(i.b & 7))
        let t = i.rd, b = Int(i.b & 7)
        switch i.a & LSVShape.kindMask {
        case LSVShape.single:
            setV(t, low: b >= 3 ? img[0] : img[0] & ones(8 &<< b), high: b == 4 ? img[1] : 0)
        case LSVShape.pair:
            switch b {
            case 4:
                setV(t, low: img[0], high: img[1])
                setV(i.ra, low: img[2], high: img[3])
            case 3:
                setV(t, low: img[0], high: 0)
                setV(i.ra, low: img[1], high: 0)
            default:
                setV(t, low: img[0] & 0xFFFF_FFFF, high: 0)
                setV(i.ra, low: img[0] >> 32, high: 0)
            }
        case LSVShape.multiple:
            vecScatterMultiple(i, img)
        case LSVShape.lane:
            // Only the addressed lane changes; the rest of each register, including bits
            // 127..64 of a Q = 0 form, is kept (C7.2 "LD1 (single structure)").
            let selem = Int((i.a >> 3) & 3) &+ 1
            let laneOffset = (Int(i.ra) &<< b) & 15
            for s in 0..<selem {
                let v = vecImageElement(img, s &<< b, b)
                let p = vreg(t &+ UInt8(s))
                switch b {
                case 0: p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: laneOffset, as: UInt8.self)
                case 1: p.storeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, toByteOffset: laneOffset, as: UInt16.self)
                case 2: p.storeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian, toByteOffset: laneOffset, as: UInt32.self)
                default: p.storeBytes(of: v.littleEndian, toByteOffset: laneOffset & 8, as: UInt64.self)
                }
            }
        default:
            // LD1R-LD4R: structure element s to every lane of register t+s.
            let selem = Int((i.a >> 3) & 3) &+ 1
            let q = i.a >> 7 != 0
            for s in 0..<selem {
                let v = vecImageElement(img, s &<< b, b)
                let r: UInt64
                switch b {
                case 0: r = v &* 0x0101_0101_0101_0101
                case 1: r = v &* 0x0001_0001_0001_0001
                case 2: r = v &* 0x0000_0001_0000_0001
                default: r = v
                }
                setV(t &+ UInt8(s), low: r, high: q ? r : 0)
            }
        }
    }

    /// LD1-LD4 (multiple structures): element e of structure s of repetition r is at
    /// ((r * elements + e) * selem + s) * ebytes and goes to lane e of V[(t + r + s) MOD 32]
    /// (the loop of the pseudocode, with the register list wrapping modulo 32).
    @inline(__always)
    func vecScatterMultiple(_ i: Inst, _ img: SIMD8<UInt64>) {
        let b = Int(i.b & 7)
        let selem = Int((i.a >> 3) & 3) &+ 1, rpt = Int((i.a >> 5) & 3) &+ 1
        let q = Int(i.a >> 7)
        if selem == 1 {
            // LD1: each register is a contiguous block of the image.
            for r in 0..<rpt {
                if q != 0 {
                    setV(i.rd &+ UInt8(r), low: img[(2 &* r) & 7], high: img[(2 &* r &+ 1) & 7])
                } else {
                    setV(i.rd &+ UInt8(r), low: img[r & 7], high: 0)
                }
            }
            return
        }
        let elements = (8 &<< q) >> b
        let esize = 8 &<< b
        for s in 0..<selem {
            var low: UInt64 = 0, high: UInt64 = 0
            for e in 0..<elements {
                let v = vecImageElement(img, (e &* selem &+ s) &<< b, b)
                let bit = e &* esize
                if bit < 64 { low |= v &<< UInt64(bit) } else { high |= v &<< UInt64(bit &- 64) }
            }
            setV(i.rd &+ UInt8(s), low: low, high: high)
        }
    }

    /// The element of `1 << sizeLog2` bytes (at most 8) at byte `offset` of the image.
    @inline(__always)
    func vecImageElement(_ img: SIMD8<UInt64>, _ offset: Int, _ sizeLog2: Int) -> UInt64 {
        let word = img[(offset >> 3) & 7] >> UInt64((offset & 7) &* 8)
        return sizeLog2 >= 3 ? word : word & ones(8 &<< sizeLog2)
    }

    /// Fill the first `total` bytes of the image from memory at `va`.
    @inline(__always)
    func vecReadImage(_ img: inout SIMD8<UInt64>, _ va: UInt64, total: Int, accessLog2: Int, alignLog2: Int) throws(ArchException) {
        // With SCTLR.A set the whole access must be aligned to its size: 16 for a Q register,
        // the element size for structures (AArch64.CheckAlignment).
        try checkAlignment(va, size: 1 &<< alignLog2, [])
        let step = total & 7 == 0 ? 8 : 1 &<< accessLog2
        if let p = try vecRAMPointer(va, total: total, []) {
            var k = 0
            while k < total {
                img[(k >> 3) & 7] |= PhysicalAddressSpace.loadRAM(p + k, size: step) &<< UInt64((k & 7) &* 8)
                k &+= step
            }
            return
        }
        let access = 1 &<< accessLog2
        var k = 0
        while k < total {
            let v = try readMemory(va &+ UInt64(k), size: access, [])
            img[(k >> 3) & 7] |= v &<< UInt64((k & 7) &* 8)
            k &+= access
        }
    }

    /// The host pointer of the transfer when it is all RAM within one translated page, after
    /// the translation of its first byte (whose fault is the first element's fault).
    @inline(__always)
    func vecRAMPointer(_ va: UInt64, total: Int, _ acc: AccessKind) throws(ArchException) -> UnsafeMutableRawPointer? {
        if translating && (va & 0xFFF) &+ UInt64(total) > 0x1000 { return nil }
        if watchArmed { try checkWatchpoints(va, size: total, write: acc.contains(.write)) }
        let pa = try translate(va, acc)
        return bus.ramPointer(pa, size: total)
    }

    // MARK: Stores

    /// Gather the registers into the image, then write memory.
    @inline(__always)
    func vecStore(_ i: Inst, _ va: UInt64) throws(ArchException) {
        var img = SIMD8<UInt64>()
        let t = i.rd, b = Int(i.b & 7)
        switch i.a & LSVShape.kindMask {
        case LSVShape.single:
            img[0] = vLow(t)
            img[1] = vHigh(t)
        case LSVShape.pair:
            switch b {
            case 4:
                img[0] = vLow(t); img[1] = vHigh(t)
                img[2] = vLow(i.ra); img[3] = vHigh(i.ra)
            case 3:
                img[0] = vLow(t); img[1] = vLow(i.ra)
            default:
                img[0] = vLow(t) & 0xFFFF_FFFF | vLow(i.ra) << 32
            }
        case LSVShape.multiple:
            vecGatherMultiple(i, &img)
        default:
            // ST1-ST4 (single structure); replicate forms are loads only.
            let selem = Int((i.a >> 3) & 3) &+ 1
            let laneOffset = (Int(i.ra) &<< b) & 15
            for s in 0..<selem {
                let half = laneOffset < 8 ? vLow(t &+ UInt8(s)) : vHigh(t &+ UInt8(s))
                var v = half >> UInt64((laneOffset & 7) &* 8)
                if b < 3 { v &= ones(8 &<< b) }
                let k = s &<< b
                img[(k >> 3) & 7] |= v &<< UInt64((k & 7) &* 8)
            }
        }
        try vecWriteImage(img, va, total: vecTransferSize(i), accessLog2: vecAccessLog2(i), alignLog2: b)
    }

    /// ST1-ST4 (multiple structures), the inverse of `vecScatterMultiple`.
    @inline(__always)
    func vecGatherMultiple(_ i: Inst, _ img: inout SIMD8<UInt64>) {
        let b = Int(i.b & 7)
        let selem = Int((i.a >> 3) & 3) &+ 1, rpt = Int((i.a >> 5) & 3) &+ 1
        let q = Int(i.a >> 7)
        if selem == 1 {
            for r in 0..<rpt {
                let n = i.rd &+ UInt8(r)
                if q != 0 {
                    img[(2 &* r) & 7] = vLow(n)
                    img[(2 &* r &+ 1) & 7] = vHigh(n)
                } else {
                    img[r & 7] = vLow(n)
                }
            }
            return
        }
        let elements = (8 &<< q) >> b
        let esize = 8 &<< b
        for s in 0..<selem {
            let n = i.rd &+ UInt8(s)
            let low = vLow(n), high = vHigh(n)
            for e in 0..<elements {
                let bit = e &* esize
                var v = bit < 64 ? low >> UInt64(bit) : high >> UInt64(bit &- 64)
                if b < 3 { v &= ones(esize) }
                let k = (e &* selem &+ s) &<< b
                img[(k >> 3) & 7] |= v &<< UInt64((k & 7) &* 8)
            }
        }
    }

    /// Write the first `total` bytes of the image to memory at `va`.
    @inline(__always)
    func vecWriteImage(_ img: SIMD8<UInt64>, _ va: UInt64, total: Int, accessLog2: Int, alignLog2: Int) throws(ArchException) {
        try checkAlignment(va, size: 1 &<< alignLog2, .write)
        if let p = try vecRAMPointer(va, total: total, .write) {
            let pa = bus.ramBase &+ UInt64(p - bus.ram)
            bus.noteRAMWrite(pa, size: total)
            let step = total & 7 == 0 ? 8 : 1 &<< accessLog2
            var k = 0
            while k < total {
                PhysicalAddressSpace.storeRAM(p + k, size: step, value: img[(k >> 3) & 7] >> UInt64((k & 7) &* 8))
                k &+= step
            }
            if exclusiveValid {
                noteStoreForMonitor(pa)
                noteStoreForMonitor(pa &+ UInt64(total &- 1))
            }
            return
        }
        // Element by element. When the transfer crosses into a second page, that page is
        // translated before anything is written, so that a translation or permission fault
        // there (FAR: the first address in the page, where the first access to it begins)
        // leaves memory untouched.
        let last = va &+ UInt64(total &- 1)
        if translating && (va ^ last) & ~0xFFF != 0 {
            _ = try translate(va, .write)
            _ = try translate(last & ~0xFFF, .write)
        }
        let access = 1 &<< accessLog2
        var k = 0
        while k < total {
            try writeMemory(va &+ UInt64(k), size: access, value: img[(k >> 3) & 7] >> UInt64((k & 7) &* 8))
            k &+= access
        }
    }
}
