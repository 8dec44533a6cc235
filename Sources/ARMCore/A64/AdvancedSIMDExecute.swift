/// Executors of the Advanced SIMD integer and data-movement instructions (decode tables in
/// AdvancedSIMD.swift). Every operation reads its sources into VReg128 values first, so Vd may
/// alias any source, then builds the result lane by lane from zero: lanes not written (the
/// upper half of a 64-bit vector, everything above a scalar) end up zero, as C1.2.5 requires.

extension CPU {
    @inlinable @inline(__always)
    func simdRead(_ n: UInt8) -> VReg128 { VReg128(lo: vLow(n), hi: vHigh(n)) }

    @inlinable @inline(__always)
    func simdWrite(_ n: UInt8, _ r: VReg128) { setV(n, low: r.lo, high: r.hi) }

    /// FPSR.QC, the cumulative saturation bit (bit 27).
    @inline(__always)
    func simdSetQC() { fpsr |= 1 << 27 }

    func executeAdvancedSIMD(_ i: Inst) throws(ArchException) {
        try checkFPEnabled()
        let op = i.opcode(as: SIMDOp.self)
        let raw = i.op
        if raw <= SIMDOp.bif.rawValue { simdBitwise(i, op); return }
        if raw <= SIMDOp.sqshlu.rawValue { simdLanewise(i, op); return }
        switch op {
        case .pairwise: simdPairwise(i)
        case .acrossLanes: simdAcrossLanes(i)
        case .saddlv, .uaddlv: simdAddLongAcross(i, signed: op == .saddlv)
        case .saddlp, .uaddlp, .sadalp, .uadalp: simdAddLongPairwise(i, op)
        case .saddl, .uaddl, .ssubl, .usubl, .sabal, .uabal, .sabdl, .uabdl, .smlal, .umlal, .smlsl, .umlsl,
             .smull, .umull, .sqdmlal, .sqdmlsl, .sqdmull, .sshll, .ushll:
            simdLong(i, op)
        case .pmull: simdPolyMultiplyLong(i)
        case .saddw, .uaddw, .ssubw, .usubw: simdWide(i, op)
        case .addhn, .raddhn, .subhn, .rsubhn, .xtn, .sqxtn, .uqxtn, .sqxtun,
             .shrn, .rshrn, .sqshrn, .uqshrn, .sqrshrn, .uqrshrn, .sqshrun, .sqrshrun:
            simdNarrow(i, op)
        case .rev: simdReverse(i)
        case .dupElement, .dupGeneral: simdDup(i, op)
        case .umov, .smov: simdMoveToGeneral(i, op)
        case .insGeneral, .insElement: simdInsert(i, op)
        case .movi: setV(i.rd, low: i.imm, high: i.b != 0 ? i.imm : 0)
        case .orrImm: setV(i.rd, low: vLow(i.rd) | i.imm, high: i.b != 0 ? vHigh(i.rd) | i.imm : 0)
        case .bicImm: setV(i.rd, low: vLow(i.rd) & ~i.imm, high: i.b != 0 ? vHigh(i.rd) & ~i.imm : 0)
        case .uzp1, .uzp2, .trn1, .trn2, .zip1, .zip2: simdPermute(i, op)
        case .ext: simdExtract(i)
        case .tbl, .tbx: simdTableLookup(i, extend: op == .tbx)
        default: throw ArchException.undefined
        }
    }

    // MARK: Bitwise (three same, size field selects the operation)

    @inline(__always)
    func simdBitwise(_ i: Inst, _ op: SIMDOp) {
        let q = i.b > 8
        let nl = vLow(i.rn), ml = vLow(i.rm), dl = vLow(i.rd)
        let nh = q ? vHigh(i.rn) : 0, mh = q ? vHigh(i.rm) : 0, dh = q ? vHigh(i.rd) : 0
        var lo: UInt64, hi: UInt64
        // BSL/BIT/BIF follow the shared form operand1 EOR ((operand1 EOR Vn) AND operand3).
        switch op {
        case .and: lo = nl & ml; hi = nh & mh
        case .bic: lo = nl & ~ml; hi = nh & ~mh
        case .orr: lo = nl | ml; hi = nh | mh
        case .orn: lo = nl | ~ml; hi = nh | ~mh
        case .eor: lo = nl ^ ml; hi = nh ^ mh
        case .bsl: lo = ml ^ ((ml ^ nl) & dl); hi = mh ^ ((mh ^ nh) & dh)
        case .bit: lo = dl ^ ((dl ^ nl) & ml); hi = dh ^ ((dh ^ nh) & mh)
        default: lo = dl ^ ((dl ^ nl) & ~ml); hi = dh ^ ((dh ^ nh) & ~mh)   // bif
        }
        setV(i.rd, low: lo, high: q ? hi : 0)
    }

    // MARK: Lanewise (three same, two-register misc, shift by immediate, by element)

    @inline(__always)
    func simdLanewise(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b), sh = Int(i.imm & 0xFF)
        let n = simdRead(i.rn), d = simdRead(i.rd)
        var m = simdRead(i.rm)
        if i.imm & SIMDOp.byElement != 0 {
            // By element: Vm[index] against every lane of Vn.
            let v = simdReplicate(m.lane(Int(i.imm & 15), s), s)
            m = VReg128(lo: v, hi: v)
        }
        var r = VReg128.zero, qc = false
        switch op {
        // Whole-half forms for the instructions that string and memory routines run in loops.
        case .add:
            let h = simdLaneTopBits(s), q = count << s > 8
            r = VReg128(lo: simdAddLanes(n.lo, m.lo, h), hi: q ? simdAddLanes(n.hi, m.hi, h) : 0)
        case .sub:
            let h = simdLaneTopBits(s), q = count << s > 8
            r = VReg128(lo: simdSubLanes(n.lo, m.lo, h), hi: q ? simdSubLanes(n.hi, m.hi, h) : 0)
        case .cmeq where s == 0: r = VReg128(lo: simdEqualBytes(n.lo, m.lo), hi: count > 8 ? simdEqualBytes(n.hi, m.hi) : 0)
        case .cmeq0 where s == 0: r = VReg128(lo: simdEqualBytes(n.lo, 0), hi: count > 8 ? simdEqualBytes(n.hi, 0) : 0)
        case .cnt:
            for e in 0..<count { r.setLane(e, 0, UInt64(n.lane(e, 0).nonzeroBitCount)) }
        case .not: r = VReg128(lo: ~n.lo, hi: count > 8 ? ~n.hi : 0)
        case .rbit: r = VReg128(lo: simdReverseBitsInBytes(n.lo), hi: count > 8 ? simdReverseBitsInBytes(n.hi) : 0)
        default:
            for e in 0..<count {
                r.setLane(e, s, simdLane(op, n.lane(e, s), m.lane(e, s), d.lane(e, s), s, sh, &qc))
            }
        }
        simdWrite(i.rd, r)
        if qc { simdSetQC() }
    }

    /// One lane of a lanewise operation: x from Vn, y from Vm, acc the old Vd lane, `sh` the
    /// immediate shift. Returns the (8 << s)-bit result; sets `qc` when SatQ saturated.
    @inline(__always)
    func simdLane(_ op: SIMDOp, _ x: UInt64, _ y: UInt64, _ acc: UInt64, _ s: Int, _ sh: Int,
                  _ qc: inout Bool) -> UInt64 {
        let m = simdLaneMask(s), n = 8 << s
        let a = Int128(simdSigned(x, s)), b = Int128(simdSigned(y, s)), ux = Int128(x), uy = Int128(y)
        @inline(__always) func t(_ v: Int128) -> UInt64 { UInt64(truncatingIfNeeded: v) & m }
        switch op {
        case .shadd: return t((a &+ b) >> 1)
        case .uhadd: return t((ux &+ uy) >> 1)
        case .srhadd: return t((a &+ b &+ 1) >> 1)
        case .urhadd: return t((ux &+ uy &+ 1) >> 1)
        case .shsub: return t((a &- b) >> 1)
        case .uhsub: return t((ux &- uy) >> 1)
        case .sqadd: return simdSatS(a &+ b, s, &qc)
        case .uqadd: return simdSatU(ux &+ uy, s, &qc)
        case .sqsub: return simdSatS(a &- b, s, &qc)
        case .uqsub: return simdSatU(ux &- uy, s, &qc)
        case .cmgt: return a > b ? m : 0
        case .cmhi: return x > y ? m : 0
        case .cmge: return a >= b ? m : 0
        case .cmhs: return x >= y ? m : 0
        case .cmeq: return x == y ? m : 0
        case .cmtst: return x & y != 0 ? m : 0
        case .sshl: return simdShiftByRegister(x, y, s, signed: true, round: false, saturate: false, &qc)
        case .ushl: return simdShiftByRegister(x, y, s, signed: false, round: false, saturate: false, &qc)
        case .sqshl: return simdShiftByRegister(x, y, s, signed: true, round: false, saturate: true, &qc)
        case .uqshl: return simdShiftByRegister(x, y, s, signed: false, round: false, saturate: true, &qc)
        case .srshl: return simdShiftByRegister(x, y, s, signed: true, round: true, saturate: false, &qc)
        case .urshl: return simdShiftByRegister(x, y, s, signed: false, round: true, saturate: false, &qc)
        case .sqrshl: return simdShiftByRegister(x, y, s, signed: true, round: true, saturate: true, &qc)
        case .uqrshl: return simdShiftByRegister(x, y, s, signed: false, round: true, saturate: true, &qc)
        case .smax: return a >= b ? x : y
        case .umax: return x >= y ? x : y
        case .smin: return a <= b ? x : y
        case .umin: return x <= y ? x : y
        case .sabd: return t(a > b ? a &- b : b &- a)
        case .uabd: return t(ux > uy ? ux &- uy : uy &- ux)
        case .saba: return (acc &+ t(a > b ? a &- b : b &- a)) & m
        case .uaba: return (acc &+ t(ux > uy ? ux &- uy : uy &- ux)) & m
        case .add: return (x &+ y) & m
        case .sub: return (x &- y) & m
        case .mul: return (x &* y) & m
        case .mla: return (acc &+ x &* y) & m
        case .mls: return (acc &- x &* y) & m
        case .pmul: return simdPolyMultiply(x, y).lo & m
        // SQDMULH/SQRDMULH: SignedSatQ((2 * a * b [+ round]) >> esize); only -min * -min saturates.
        case .sqdmulh: return simdSatS((2 &* a &* b) >> n, s, &qc)
        case .sqrdmulh: return simdSatS((2 &* a &* b &+ (Int128(1) << (n - 1))) >> n, s, &qc)
        // Two-register miscellaneous.
        case .cls: return UInt64(((x ^ (x >> 1)) & (m >> 1)).leadingZeroBitCount - (65 - n))
        case .clz: return UInt64(x.leadingZeroBitCount - (64 - n))
        case .sqabs: return simdSatS(a < 0 ? 0 &- a : a, s, &qc)
        case .sqneg: return simdSatS(0 &- a, s, &qc)
        case .abs: return t(a < 0 ? 0 &- a : a)
        case .neg: return (0 &- x) & m
        case .cmgt0: return a > 0 ? m : 0
        case .cmeq0: return x == 0 ? m : 0
        case .cmlt0: return a < 0 ? m : 0
        case .cmge0: return a >= 0 ? m : 0
        case .cmle0: return a <= 0 ? m : 0
        // SUQADD: signed Vd + unsigned Vn, signed saturation; USQADD the reverse.
        case .suqadd: return simdSatS(Int128(simdSigned(acc, s)) &+ ux, s, &qc)
        case .usqadd: return simdSatU(Int128(acc) &+ a, s, &qc)
        // Shift by immediate (sh = 1...esize for right shifts, 0...esize-1 for left).
        case .sshr: return t(a >> sh)
        case .ushr: return t(ux >> sh)
        case .ssra: return (acc &+ t(a >> sh)) & m
        case .usra: return (acc &+ t(ux >> sh)) & m
        case .srshr: return t(simdRoundShiftRight(a, sh))
        case .urshr: return t(simdRoundShiftRight(ux, sh))
        case .srsra: return (acc &+ t(simdRoundShiftRight(a, sh))) & m
        case .ursra: return (acc &+ t(simdRoundShiftRight(ux, sh))) & m
        case .sri:
            let keep = ~(m >> UInt64(sh)) & m
            return (acc & keep) | (x >> UInt64(sh))
        case .shl: return (x << UInt64(sh)) & m
        case .sli:
            let keep = ~(m << UInt64(sh)) & m
            return (acc & keep) | ((x << UInt64(sh)) & m)
        case .sqshlImm: return simdSatShiftLeft(x, sh, s, signedIn: true, unsignedOut: false, &qc)
        case .uqshlImm: return simdSatShiftLeft(x, sh, s, signedIn: false, unsignedOut: true, &qc)
        case .sqshlu: return simdSatShiftLeft(x, sh, s, signedIn: true, unsignedOut: true, &qc)
        default: return 0
        }
    }

    // MARK: Pairwise and across lanes

    /// ADDP/SMAXP/UMAXP/SMINP/UMINP (vector): the pairs of Vm:Vn concatenated, Vn's lanes first.
    /// `ra` holds the lanewise op applied to each pair.
    @inline(__always)
    func simdPairwise(_ i: Inst) {
        let s = Int(i.a), count = Int(i.b)
        let base = unsafeBitCast(i.ra, to: SIMDOp.self)
        let n = simdRead(i.rn), m = simdRead(i.rm)
        var r = VReg128.zero, qc = false
        for e in 0..<count {
            let k = 2 * e
            let x = k < count ? n.lane(k, s) : m.lane(k - count, s)
            let y = k + 1 < count ? n.lane(k + 1, s) : m.lane(k + 1 - count, s)
            r.setLane(e, s, simdLane(base, x, y, 0, s, 0, &qc))
        }
        simdWrite(i.rd, r)
    }

    /// ADDV/SMAXV/UMAXV/SMINV/UMINV and scalar ADDP: fold the `count` lanes of Vn with the op in
    /// `ra` into a scalar.
    @inline(__always)
    func simdAcrossLanes(_ i: Inst) {
        let s = Int(i.a), count = Int(i.b)
        let base = unsafeBitCast(i.ra, to: SIMDOp.self)
        let n = simdRead(i.rn)
        var acc = n.lane(0, s), qc = false
        if base == .umin && s == 0 {
            // UMINV Bd: the minimum byte, as strlen/memchr loops ask for.
            var lo = n.lo, hi = count > 8 ? n.hi : ~0
            for _ in 0..<8 { acc = min(acc, lo & 0xFF, hi & 0xFF); lo >>= 8; hi >>= 8 }
        } else {
            for e in 1..<max(count, 1) { acc = simdLane(base, acc, n.lane(e, s), 0, s, 0, &qc) }
        }
        setVScalar(i.rd, acc, sizeLog2: UInt8(s))
    }

    /// SADDLV/UADDLV: the sum of the lanes, widened to 2 * esize.
    @inline(__always)
    func simdAddLongAcross(_ i: Inst, signed: Bool) {
        let s = Int(i.a), count = Int(i.b)
        let n = simdRead(i.rn)
        var sum: UInt64 = 0
        for e in 0..<count {
            let x = n.lane(e, s)
            sum = sum &+ (signed ? UInt64(bitPattern: simdSigned(x, s)) : x)
        }
        setVScalar(i.rd, sum, sizeLog2: UInt8(s + 1))
    }

    /// SADDLP/UADDLP/SADALP/UADALP: adjacent pairs of Vn added into 2 * esize lanes.
    @inline(__always)
    func simdAddLongPairwise(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b)
        let n = simdRead(i.rn), d = simdRead(i.rd)
        let signed = op == .saddlp || op == .sadalp, accumulate = op == .sadalp || op == .uadalp
        var r = VReg128.zero
        for e in 0..<count {
            let x = n.lane(2 * e, s), y = n.lane(2 * e + 1, s)
            var sum = signed ? UInt64(bitPattern: simdSigned(x, s) &+ simdSigned(y, s)) : x &+ y
            if accumulate { sum = sum &+ d.lane(e, s + 1) }
            r.setLane(e, s + 1, sum)
        }
        simdWrite(i.rd, r)
    }

    // MARK: Long, wide and narrow (three different, shift by immediate, by element, misc)

    /// Lanes of esize from half `ra` of Vn and Vm (or Vm[index]) into 2 * esize lanes of Vd.
    @inline(__always)
    func simdLong(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b), base = Int(i.ra) * count, sh = Int(i.imm & 0xFF)
        let n = simdRead(i.rn), d = simdRead(i.rd)
        var m = simdRead(i.rm)
        if i.imm & SIMDOp.byElement != 0 {
            let v = simdReplicate(m.lane(Int(i.imm & 15), s), s)
            m = VReg128(lo: v, hi: v)
        }
        let w = s + 1, wm = simdLaneMask(w)
        var r = VReg128.zero, qc = false
        for e in 0..<count {
            let v = simdLongLane(op, n.lane(base + e, s), m.lane(base + e, s), d.lane(e, w), s, sh, &qc)
            r.setLane(e, w, v & wm)
        }
        simdWrite(i.rd, r)
        if qc { simdSetQC() }
    }

    /// PMULL/PMULL2: 8 x 8 -> 16-bit lanes (a = 0), or the single 64 x 64 -> 128 product (a = 3).
    @inline(__always)
    func simdPolyMultiplyLong(_ i: Inst) {
        let n = simdRead(i.rn), m = simdRead(i.rm)
        if i.a == 3 {
            let x = i.ra != 0 ? n.hi : n.lo, y = i.ra != 0 ? m.hi : m.lo
            simdWrite(i.rd, simdPolyMultiply(x, y))
            return
        }
        var r = VReg128.zero
        let base = Int(i.ra) * 8
        for e in 0..<8 { r.setLane(e, 1, simdPolyMultiply(n.lane(base + e, 0), m.lane(base + e, 0)).lo) }
        simdWrite(i.rd, r)
    }

    /// SADDW/UADDW/SSUBW/USUBW: Vn's 2 * esize lanes with half `ra` of Vm widened.
    @inline(__always)
    func simdWide(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b), base = Int(i.ra) * count
        let n = simdRead(i.rn), m = simdRead(i.rm)
        var r = VReg128.zero
        for e in 0..<count {
            let x = n.lane(e, s + 1), y = m.lane(base + e, s)
            let v: UInt64
            switch op {
            case .saddw: v = x &+ UInt64(bitPattern: simdSigned(y, s))
            case .uaddw: v = x &+ y
            case .ssubw: v = x &- UInt64(bitPattern: simdSigned(y, s))
            default: v = x &- y
            }
            r.setLane(e, s + 1, v)
        }
        simdWrite(i.rd, r)
    }

    /// Narrowing: 2 * esize lanes of Vn (and Vm for the high-half adds) into esize lanes of half
    /// `ra` of Vd; the "2" forms (ra = 1) keep Vd's low half.
    @inline(__always)
    func simdNarrow(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b), base = Int(i.ra) * count, sh = Int(i.imm & 0xFF)
        let w = s + 1
        let n = simdRead(i.rn), m = simdRead(i.rm)
        var r = VReg128(lo: i.ra != 0 ? vLow(i.rd) : 0, hi: 0)
        var qc = false
        for e in 0..<count {
            r.setLane(base + e, s, simdNarrowLane(op, n.lane(e, w), m.lane(e, w), s, sh, &qc))
        }
        simdWrite(i.rd, r)
        if qc { simdSetQC() }
    }

    // MARK: Data movement

    /// REV16/REV32/REV64: lane e takes lane e ^ imm (imm = lanes per container - 1).
    @inline(__always)
    func simdReverse(_ i: Inst) {
        let s = Int(i.a), count = Int(i.b), k = Int(i.imm & 15)
        let n = simdRead(i.rn)
        var r = VReg128.zero
        for e in 0..<count { r.setLane(e, s, n.lane(e ^ k, s)) }
        simdWrite(i.rd, r)
    }

    /// DUP (element) (imm = index, also the scalar MOV Bd/Hd/Sd/Dd form with count 1) and DUP
    /// (general) (rn an X slot).
    @inline(__always)
    func simdDup(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a)
        let v = op == .dupGeneral ? x[Int(i.rn)] : simdRead(i.rn).lane(Int(i.imm & 15), s)
        if i.b == 1 { setVScalar(i.rd, v, sizeLog2: UInt8(s)); return }
        let r = simdReplicate(v, s)
        setV(i.rd, low: r, high: i.b << s > 8 ? r : 0)
    }

    /// UMOV/SMOV: Vn[imm] to an X slot; `b` = 1 for a 64-bit SMOV destination.
    @inline(__always)
    func simdMoveToGeneral(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a)
        let v = simdRead(i.rn).lane(Int(i.imm & 15), s)
        if op == .umov { x[Int(i.rd)] = v; return }
        let sv = UInt64(bitPattern: simdSigned(v, s))
        x[Int(i.rd)] = i.b != 0 ? sv : sv & 0xFFFF_FFFF
    }

    /// INS (general) and INS (element): one lane of Vd replaced, the rest kept. `imm` = the
    /// destination index, `b` = the source index of INS (element).
    @inline(__always)
    func simdInsert(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a)
        let v = op == .insGeneral ? x[Int(i.rn)] : simdRead(i.rn).lane(Int(i.b & 15), s)
        var r = simdRead(i.rd)
        r.setLane(Int(i.imm & 15), s, v)
        simdWrite(i.rd, r)
    }

    /// UZP1/UZP2/TRN1/TRN2/ZIP1/ZIP2.
    @inline(__always)
    func simdPermute(_ i: Inst, _ op: SIMDOp) {
        let s = Int(i.a), count = Int(i.b), half = count / 2
        let n = simdRead(i.rn), m = simdRead(i.rm)
        var r = VReg128.zero
        for e in 0..<count {
            let v: UInt64
            switch op {
            case .uzp1, .uzp2:
                let k = 2 * e + (op == .uzp2 ? 1 : 0)
                v = k < count ? n.lane(k, s) : m.lane(k - count, s)
            case .trn1, .trn2:
                let k = (e & ~1) + (op == .trn2 ? 1 : 0)
                v = e & 1 == 0 ? n.lane(k, s) : m.lane(k, s)
            default:
                let k = (op == .zip2 ? half : 0) + e / 2
                v = e & 1 == 0 ? n.lane(k, s) : m.lane(k, s)
            }
            r.setLane(e, s, v)
        }
        simdWrite(i.rd, r)
    }

    /// EXT: bytes imm... of Vm:Vn (Vn lowest).
    @inline(__always)
    func simdExtract(_ i: Inst) {
        let count = Int(i.b), pos = Int(i.imm & 15)
        let n = simdRead(i.rn), m = simdRead(i.rm)
        var r = VReg128.zero
        for e in 0..<count {
            let j = pos + e
            r.setLane(e, 0, j < count ? n.byte(j) : m.byte(j - count))
        }
        simdWrite(i.rd, r)
    }

    /// TBL/TBX with `ra` table registers starting at Vn (wrapping at V31). An index past the
    /// table gives 0 (TBL) or leaves Vd's byte (TBX).
    @inline(__always)
    func simdTableLookup(_ i: Inst, extend: Bool) {
        let count = Int(i.b), regs = Int(i.ra)
        let idx = simdRead(i.rm), d = simdRead(i.rd)
        var r = VReg128.zero
        for e in 0..<count {
            let k = Int(idx.byte(e))
            if k < regs * 16 {
                let p = vreg(UInt8((Int(i.rn) + (k >> 4)) & 31))
                r.setLane(e, 0, UInt64(p.load(fromByteOffset: k & 15, as: UInt8.self)))
            } else if extend {
                r.setLane(e, 0, d.byte(e))
            }
        }
        simdWrite(i.rd, r)
    }
}

/// Fast whole-half forms (SWAR) for the operations that string and memory routines run in
/// loops. `h` is the top bit of every lane (simdLaneTopBits): adding the low bits first keeps
/// carries inside each lane.
@inlinable @inline(__always)
func simdLaneTopBits(_ s: Int) -> UInt64 { simdReplicate(1 << UInt64((8 << (s & 3)) - 1), s) }

@inlinable @inline(__always)
func simdAddLanes(_ a: UInt64, _ b: UInt64, _ h: UInt64) -> UInt64 {
    ((a & ~h) &+ (b & ~h)) ^ ((a ^ b) & h)
}

@inlinable @inline(__always)
func simdSubLanes(_ a: UInt64, _ b: UInt64, _ h: UInt64) -> UInt64 {
    ((a | h) &- (b & ~h)) ^ ((a ^ ~b) & h)
}

/// 0xFF in each byte where a and b are equal, else 0x00.
@inlinable @inline(__always)
func simdEqualBytes(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let x = a ^ b
    let h: UInt64 = 0x8080_8080_8080_8080
    // A byte of x is nonzero iff its top bit or (its low 7 bits + 0x7F) carries into bit 7.
    let nonzero = (((x & ~h) &+ ~h) | x) & h
    return (nonzero >> 7 ^ 0x0101_0101_0101_0101) &* 0xFF
}

/// One lane of a widening operation (SADDL ... SQDMLSL, SSHLL/USHLL/SHLL): x, y are esize lanes
/// of the sources, acc the 2 * esize lane of Vd, `sh` the shift of SSHLL/USHLL. Shared with the
/// AArch32 VADDL ... VQDMLSL, VSHLL.
@inline(__always)
func simdLongLane(_ op: SIMDOp, _ x: UInt64, _ y: UInt64, _ acc: UInt64, _ s: Int, _ sh: Int, _ qc: inout Bool) -> UInt64 {
    let w = s + 1
    let a = Int128(simdSigned(x, s)), b = Int128(simdSigned(y, s)), ux = Int128(x)
    let v: UInt64
    switch op {
    case .saddl: v = UInt64(truncatingIfNeeded: a &+ b)
    case .uaddl: v = x &+ y
    case .ssubl: v = UInt64(truncatingIfNeeded: a &- b)
    case .usubl: v = x &- y
    case .sabdl: v = UInt64(truncatingIfNeeded: a > b ? a &- b : b &- a)
    case .uabdl: v = x > y ? x &- y : y &- x
    case .sabal: v = acc &+ UInt64(truncatingIfNeeded: a > b ? a &- b : b &- a)
    case .uabal: v = acc &+ (x > y ? x &- y : y &- x)
    case .smull: v = UInt64(truncatingIfNeeded: a &* b)
    case .umull: v = x &* y
    case .smlal: v = acc &+ UInt64(truncatingIfNeeded: a &* b)
    case .umlal: v = acc &+ x &* y
    case .smlsl: v = acc &- UInt64(truncatingIfNeeded: a &* b)
    case .umlsl: v = acc &- x &* y
    case .sqdmull: v = simdSatS(2 &* a &* b, w, &qc)
    case .sqdmlal, .sqdmlsl:
        // The doubled product saturates first, then the accumulation (both set QC).
        let p = Int128(simdSigned(simdSatS(2 &* a &* b, w, &qc), w)), c = Int128(simdSigned(acc, w))
        v = simdSatS(op == .sqdmlal ? c &+ p : c &- p, w, &qc)
    case .sshll: v = UInt64(truncatingIfNeeded: a << sh)
    default: v = UInt64(truncatingIfNeeded: ux << sh)   // ushll (SHLL decodes as USHLL)
    }
    return v
}

/// One lane of a narrowing operation: x (and y for the high-half adds) are 2 * esize lanes, the
/// result an esize lane. Shared with the AArch32 VADDHN ... VQRSHRUN, VMOVN, VQMOVN.
@inline(__always)
func simdNarrowLane(_ op: SIMDOp, _ x: UInt64, _ y: UInt64, _ s: Int, _ sh: Int, _ qc: inout Bool) -> UInt64 {
    let w = s + 1, esize = 8 << s
    let a = Int128(simdSigned(x, w)), ux = Int128(x)
    let v: UInt64
    switch op {
    case .addhn: v = (x &+ y) >> UInt64(esize)
    case .raddhn: v = UInt64(truncatingIfNeeded: (ux &+ Int128(y) &+ (Int128(1) << (esize - 1))) >> esize)
    case .subhn: v = (x &- y) >> UInt64(esize)
    case .rsubhn: v = UInt64(truncatingIfNeeded: (ux &- Int128(y) &+ (Int128(1) << (esize - 1))) >> esize)
    case .xtn: v = x
    case .sqxtn: v = simdSatS(a, s, &qc)
    case .uqxtn: v = simdSatU(ux, s, &qc)
    case .sqxtun: v = simdSatU(a, s, &qc)
    case .shrn: v = x >> UInt64(sh)
    case .rshrn: v = UInt64(truncatingIfNeeded: simdRoundShiftRight(ux, sh))
    case .sqshrn: v = simdSatS(a >> sh, s, &qc)
    case .uqshrn: v = simdSatU(ux >> sh, s, &qc)
    case .sqrshrn: v = simdSatS(simdRoundShiftRight(a, sh), s, &qc)
    case .uqrshrn: v = simdSatU(simdRoundShiftRight(ux, sh), s, &qc)
    case .sqshrun: v = simdSatU(a >> sh, s, &qc)
    default: v = simdSatU(simdRoundShiftRight(a, sh), s, &qc)   // sqrshrun
    }
    return v
}
