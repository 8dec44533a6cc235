/// Advanced SIMD integer data processing (F4.1.x "Advanced SIMD three registers of the same
/// length", "... of different lengths", "two registers and a scalar", "two registers and a
/// shift amount", "one register and a modified immediate"). Each row maps to the A64 lane
/// operation of the same name (VQADD is SQADD/UQADD, VSHR is SSHR/USHR, ...).
extension CPU {
    /// FEAT_RDM (ARMv8.1): off on the ARMv8.0 CPU modelled; the AArch32 code is kept for a later CPU.
    static let implementsRDM = false

    // MARK: Three registers of the same length

    func neonThreeSame(_ w: UInt32) throws(ArchException) {
        let opc = (w >> 8) & 0xF, o1 = (w >> 4) & 1, u = (w >> 24) & 1 != 0
        let q = (w >> 6) & 1 != 0, s = Int((w >> 20) & 3)
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        if opc >= 0b1101 || (opc == 0b1100 && o1 == 1 && !u) {
            try neonFloatThreeSame(w)
            return
        }
        if opc == 0b1100 && o1 == 0 {
            try neonSHAThree(w)
            return
        }
        try Self.neonCheckQ(q, d | n | m)
        func op(_ signed: SIMDOp, _ unsigned: SIMDOp, all: Bool = false) throws(ArchException) -> SIMDOp {
            if s == 3 && !all { throw ArchException.undefined }
            return u ? unsigned : signed
        }
        let k: SIMDOp
        var swap = false            // the register shifts take the value from Vm, the shift from Vn
        switch (opc, o1) {
        case (0b0000, 0): k = try op(.shadd, .uhadd)
        case (0b0000, 1): k = try op(.sqadd, .uqadd, all: true)
        case (0b0001, 0): k = try op(.srhadd, .urhadd)
        case (0b0001, 1):
            // VAND VBIC VORR VORN / VEOR VBSL VBIT VBIF: whole registers, size selects.
            let vn = neonRead(n, q: q), vm = neonRead(m, q: q), vd = neonRead(d, q: q)
            func f(_ x: UInt64, _ y: UInt64, _ z: UInt64) -> UInt64 {
                switch (u, s) {
                case (false, 0): return x & y
                case (false, 1): return x & ~y
                case (false, 2): return x | y
                case (false, _): return x | ~y
                case (true, 0): return x ^ y
                case (true, 1): return y ^ ((y ^ x) & z)      // VBSL: Vd selects
                case (true, 2): return z ^ ((z ^ x) & y)      // VBIT: insert where Vm is set
                case (true, _): return z ^ ((z ^ x) & ~y)     // VBIF: insert where Vm is clear
                }
            }
            neonWrite(d, q: q, VReg128(lo: f(vn.lo, vm.lo, vd.lo), hi: f(vn.hi, vm.hi, vd.hi)))
            return
        case (0b0010, 0): k = try op(.shsub, .uhsub)
        case (0b0010, 1): k = try op(.sqsub, .uqsub, all: true)
        case (0b0011, 0): k = try op(.cmgt, .cmhi)
        case (0b0011, 1): k = try op(.cmge, .cmhs)
        case (0b0100, 0): k = try op(.sshl, .ushl, all: true); swap = true
        case (0b0100, 1): k = try op(.sqshl, .uqshl, all: true); swap = true
        case (0b0101, 0): k = try op(.srshl, .urshl, all: true); swap = true
        case (0b0101, 1): k = try op(.sqrshl, .uqrshl, all: true); swap = true
        case (0b0110, 0): k = try op(.smax, .umax)
        case (0b0110, 1): k = try op(.smin, .umin)
        case (0b0111, 0): k = try op(.sabd, .uabd)
        case (0b0111, 1): k = try op(.saba, .uaba)
        case (0b1000, 0): k = try op(.add, .sub, all: true)
        case (0b1000, 1): k = try op(.cmtst, .cmeq)
        case (0b1001, 0): k = try op(.mla, .mls)
        case (0b1001, 1):
            // VMUL; the polynomial form (U = 1) exists for bytes only.
            if u && s != 0 { throw ArchException.undefined }
            k = try op(.mul, .pmul)
        case (0b1011, 1) where u, (0b1100, 1) where u:
            // VQRDMLAH (1011), VQRDMLSH (1100): FEAT_RDM, 16- and 32-bit lanes, an ARMv8.1
            // feature this ARMv8.0 CPU lacks (ID_ISAR5.RDM = 0, as A64's SQRDMLAH).
            guard CPU.implementsRDM, s == 1 || s == 2 else { throw ArchException.undefined }
            neonRoundingDoublingMultiplyAccumulate(d, neonRead(n, q: q), neonRead(m, q: q), q: q, s: s, subtract: opc == 0b1100)
            return
        case (0b1010, _), (0b1011, 1):
            // VPMAX, VPMIN, VPADD (U = 0): D registers only.
            if q { throw ArchException.undefined }
            if s == 3 { throw ArchException.undefined }
            let base: SIMDOp = opc == 0b1011 ? .add : o1 == 0 ? (u ? .umax : .smax) : (u ? .umin : .smin)
            let vn = dreg(n), vm = dreg(m)
            var r = VReg128.zero, qc = false
            for e in 0..<(8 >> s) {
                let (x, y) = Self.neonPair(vn, vm, e, s)
                r.setLane(e, s, simdLane(base, x, y, 0, s, 0, &qc))
            }
            setDreg(d, r.lo)
            return
        case (0b1011, 0):
            // VQDMULH, VQRDMULH: 16- and 32-bit lanes.
            guard s == 1 || s == 2 else { throw ArchException.undefined }
            k = u ? .sqrdmulh : .sqdmulh
        default:
            throw ArchException.undefined
        }
        if swap { neonLanewise(d, m, n, q: q, s: s, k) } else { neonLanewise(d, n, m, q: q, s: s, k) }
    }

    /// SHA1C/SHA1P/SHA1M/SHA1SU0, SHA256H/SHA256H2/SHA256SU1 (1111 0010 0 D op Vn Vd 1100 N Q M 0):
    /// Q registers, the A64 rounds on V(d/2), V(n/2), V(m/2).
    func neonSHAThree(_ w: UInt32) throws(ArchException) {
        try requireARMv8AArch32()
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        let q = (w >> 6) & 1 != 0, op = (w >> 20) & 3, u = (w >> 24) & 1
        guard q, (d | n | m) & 1 == 0 else { throw ArchException.undefined }
        let k: CryptoOp
        switch (u, op) {
        case (0, 0): k = .sha1c
        case (0, 1): k = .sha1p
        case (0, 2): k = .sha1m
        case (0, _): k = .sha1su0
        case (_, 0): k = .sha256h
        case (_, 1): k = .sha256h2
        case (_, 2): k = .sha256su1
        default: throw ArchException.undefined
        }
        try executeCryptographic(Inst(.cryptographic, op: k.rawValue, rd: UInt8(d >> 1), rn: UInt8(n >> 1), rm: UInt8(m >> 1)))
    }

    /// VQRDMLAH/VQRDMLSH (F6, FEAT_RDM): SignedSatQ((Vd << esize +/- 2 * Vn * Vm + round) >>
    /// esize), one saturation of the whole sum.
    func neonRoundingDoublingMultiplyAccumulate(_ d: UInt32, _ vn: VReg128, _ vm: VReg128, q: Bool, s: Int, subtract: Bool) {
        let vd = neonRead(d, q: q), esize = 8 << s
        var r = VReg128.zero, qc = false
        for e in 0..<((q ? 16 : 8) >> s) {
            let p = 2 &* Int128(simdSigned(vn.lane(e, s), s)) &* Int128(simdSigned(vm.lane(e, s), s))
            let acc = Int128(simdSigned(vd.lane(e, s), s)) << esize
            let sum = (subtract ? acc &- p : acc &+ p) &+ (Int128(1) << (esize - 1))
            r.setLane(e, s, simdSatS(sum >> esize, s, &qc))
        }
        neonWrite(d, q: q, r)
        if qc { simdSetQC() }
    }

    // MARK: Three registers of different lengths

    func neonThreeDifferent(_ w: UInt32) throws(ArchException) {
        let opc = (w >> 8) & 0xF, u = (w >> 24) & 1 != 0, s = Int((w >> 20) & 3)
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        let count = 8 >> s
        var qc = false
        switch opc {
        case 0b0100, 0b0110:
            // VADDHN/VRADDHN, VSUBHN/VRSUBHN: Qn, Qm to Dd.
            try Self.neonCheckQ(true, n | m)
            let k: SIMDOp = opc == 0b0100 ? (u ? .raddhn : .addhn) : (u ? .rsubhn : .subhn)
            let vn = neonRead(n, q: true), vm = neonRead(m, q: true)
            var r = VReg128.zero
            for e in 0..<count { r.setLane(e, s, simdNarrowLane(k, vn.lane(e, s + 1), vm.lane(e, s + 1), s, 0, &qc)) }
            setDreg(d, r.lo)
            return
        case 0b0001, 0b0011:
            // VADDW, VSUBW: Qn and Dm to Qd.
            try Self.neonCheckQ(true, d | n)
            let vn = neonRead(n, q: true), vm = dreg(m)
            var r = VReg128.zero
            for e in 0..<count {
                let x = vn.lane(e, s + 1), y0 = VReg128(lo: vm, hi: 0).lane(e, s)
                let y = u ? y0 : UInt64(bitPattern: simdSigned(y0, s))
                r.setLane(e, s + 1, opc == 0b0001 ? x &+ y : x &- y)
            }
            neonWrite(d, q: true, r)
            return
        case 0b1110:
            // VMULL.P8 and VMULL.P64 (size 10, part of the crypto extension, as PMULL).
            try Self.neonCheckQ(true, d)
            guard !u else { throw ArchException.undefined }
            let vn = dreg(n), vm = dreg(m)
            if s == 2 {
                try requireARMv8AArch32()
                neonWrite(d, q: true, simdPolyMultiply(vn, vm))
                return
            }
            guard s == 0 else { throw ArchException.undefined }
            var r = VReg128.zero
            let a = VReg128(lo: vn, hi: 0), b = VReg128(lo: vm, hi: 0)
            for e in 0..<8 { r.setLane(e, 1, simdPolyMultiply(a.lane(e, 0), b.lane(e, 0)).lo) }
            neonWrite(d, q: true, r)
            return
        default: break
        }
        // The long forms: Dn, Dm to Qd.
        try Self.neonCheckQ(true, d)
        let k: SIMDOp
        switch opc {
        case 0b0000: k = u ? .uaddl : .saddl
        case 0b0010: k = u ? .usubl : .ssubl
        case 0b0101: k = u ? .uabal : .sabal
        case 0b0111: k = u ? .uabdl : .sabdl
        case 0b1000: k = u ? .umlal : .smlal
        case 0b1010: k = u ? .umlsl : .smlsl
        case 0b1100: k = u ? .umull : .smull
        case 0b1001, 0b1011, 0b1101:
            guard !u, s != 0 else { throw ArchException.undefined }
            k = opc == 0b1001 ? .sqdmlal : opc == 0b1011 ? .sqdmlsl : .sqdmull
        default: throw ArchException.undefined
        }
        neonLong(d, dreg(n), dreg(m), s: s, k)
    }

    /// A widening operation of the esize lanes of `x` and `y` (64-bit values) into Qd.
    func neonLong(_ d: UInt32, _ x: UInt64, _ y: UInt64, s: Int, sh: Int = 0, _ k: SIMDOp) {
        let a = VReg128(lo: x, hi: 0), b = VReg128(lo: y, hi: 0), acc = neonRead(d, q: true)
        var r = VReg128.zero, qc = false
        for e in 0..<(8 >> s) {
            r.setLane(e, s + 1, simdLongLane(k, a.lane(e, s), b.lane(e, s), acc.lane(e, s + 1), s, sh, &qc))
        }
        neonWrite(d, q: true, r)
        if qc { simdSetQC() }
    }

    // MARK: Two registers and a scalar

    func neonByScalar(_ w: UInt32) throws(ArchException) {
        let opc = (w >> 8) & 0xF, u = (w >> 24) & 1 != 0, s = Int((w >> 20) & 3)
        let d = Self.neonD(w), n = Self.neonN(w)
        // The scalar: Dm[index] with m = Vm<2:0>, index = M:Vm<3> for 16-bit lanes, m = Vm,
        // index = M for 32-bit lanes; size 00 is UNDEFINED.
        let vm = w & 0xF, mBit = (w >> 5) & 1
        let m: UInt32, index: Int
        switch s {
        case 1: m = vm & 7; index = Int(mBit << 1 | vm >> 3)
        case 2: m = vm; index = Int(mBit)
        default: throw ArchException.undefined
        }
        let scalar = VReg128(lo: dreg(m), hi: 0).lane(index, s)
        let rep = simdReplicate(scalar, s)
        switch opc {
        case 0b0010, 0b0110, 0b1010, 0b0011, 0b0111, 0b1011:
            // VMLAL, VMLSL, VMULL (U = unsigned), VQDMLAL, VQDMLSL, VQDMULL (U = 0) by scalar.
            try Self.neonCheckQ(true, d)
            let k: SIMDOp
            switch opc {
            case 0b0010: k = u ? .umlal : .smlal
            case 0b0110: k = u ? .umlsl : .smlsl
            case 0b1010: k = u ? .umull : .smull
            default:
                guard !u else { throw ArchException.undefined }
                k = opc == 0b0011 ? .sqdmlal : opc == 0b0111 ? .sqdmlsl : .sqdmull
            }
            neonLong(d, dreg(n), rep, s: s, k)
            return
        default: break
        }
        // The rest: U is Q.
        let q = u
        try Self.neonCheckQ(q, d | n)
        let k: SIMDOp
        switch opc {
        case 0b0000: k = .mla
        case 0b0100: k = .mls
        case 0b1000: k = .mul
        case 0b1100: k = .sqdmulh
        case 0b1101: k = .sqrdmulh
        case 0b0001, 0b0101, 0b1001:
            // VMLA, VMLS, VMUL (float) by scalar: F32 only (size 01 is half precision).
            guard s == 2 else { throw ArchException.undefined }
            let kind: NEONFloatBinary = opc == 0b0001 ? .mla : opc == 0b0101 ? .mls : .fp(.mul)
            neonFloatLanewise(d, neonRead(n, q: q), VReg128(lo: rep, hi: rep), q: q, kind)
            return
        case 0b1110, 0b1111:
            // VQRDMLAH, VQRDMLSH by scalar (FEAT_RDM, not implemented: see above).
            guard CPU.implementsRDM else { throw ArchException.undefined }
            neonRoundingDoublingMultiplyAccumulate(d, neonRead(n, q: q), VReg128(lo: rep, hi: rep), q: q, s: s,
                                                   subtract: opc == 0b1111)
            return
        default: throw ArchException.undefined
        }
        let vn = neonRead(n, q: q), vd = neonRead(d, q: q)
        var r = VReg128.zero, qc = false
        for e in 0..<((q ? 16 : 8) >> s) {
            r.setLane(e, s, simdLane(k, vn.lane(e, s), scalar, vd.lane(e, s), s, 0, &qc))
        }
        neonWrite(d, q: q, r)
        if qc { simdSetQC() }
    }

    // MARK: Two registers and a shift amount

    func neonShiftImmediate(_ w: UInt32) throws(ArchException) {
        let opc = (w >> 8) & 0xF, u = (w >> 24) & 1 != 0, l = (w >> 7) & 1 != 0
        let b6 = (w >> 6) & 1 != 0, imm6 = Int((w >> 16) & 0x3F)
        let d = Self.neonD(w), m = Self.neonM(w)
        // Element size from L:imm6 (the highest set bit), the shift from the bits below it.
        let s: Int = l ? 3 : imm6 >= 32 ? 2 : imm6 >= 16 ? 1 : 0
        let esize = 8 << s
        let right = l ? 64 - imm6 : 2 * esize - imm6     // 1 ... esize
        let left = l ? imm6 : imm6 - esize                // 0 ... esize - 1
        let q = b6
        switch opc {
        case 0b0000, 0b0001, 0b0010, 0b0011, 0b0100, 0b0101, 0b0110, 0b0111:
            try Self.neonCheckQ(q, d | m)
            let k: SIMDOp, sh: Int
            switch opc {
            case 0b0000: k = u ? .ushr : .sshr; sh = right
            case 0b0001: k = u ? .usra : .ssra; sh = right
            case 0b0010: k = u ? .urshr : .srshr; sh = right
            case 0b0011: k = u ? .ursra : .srsra; sh = right
            case 0b0100:
                guard u else { throw ArchException.undefined }
                k = .sri; sh = right
            case 0b0101: k = u ? .sli : .shl; sh = left
            case 0b0110:
                guard u else { throw ArchException.undefined }
                k = .sqshlu; sh = left
            default: k = u ? .uqshlImm : .sqshlImm; sh = left
            }
            neonLanewise(d, m, m, q: q, s: s, sh: sh, k)
        case 0b1000, 0b1001:
            // VSHRN/VRSHRN, VQSHRUN/VQRSHRUN (1000), VQSHRN/VQRSHRN (1001): Qm to Dd, bit 6
            // rounds. `s` is the destination size; the shift is 1 ... esize.
            guard !l else { throw ArchException.undefined }
            try Self.neonCheckQ(true, m)
            let k: SIMDOp
            switch (opc, u, b6) {
            case (0b1000, false, false): k = .shrn
            case (0b1000, false, true): k = .rshrn
            case (0b1000, true, false): k = .sqshrun
            case (0b1000, true, true): k = .sqrshrun
            case (_, false, false): k = .sqshrn
            case (_, false, true): k = .sqrshrn
            case (_, true, false): k = .uqshrn
            default: k = .uqrshrn
            }
            neonNarrow(d, neonRead(m, q: true), s: s, sh: right, k)
        case 0b1010:
            // VSHLL (shift 0 ... esize-1; 0 is VMOVL): Dm to Qd.
            guard !l, !b6 else { throw ArchException.undefined }
            try Self.neonCheckQ(true, d)
            neonLong(d, dreg(m), 0, s: s, sh: left, u ? .ushll : .sshll)
        case 0b1110, 0b1111:
            // VCVT between F32 and fixed point: imm6 = 1xxxxx, fbits = 64 - imm6.
            guard !l, imm6 >= 32 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            let fbits = UInt64(64 - imm6)
            let kind: FPUnary = opc == 0b1110 ? .fromInt : .toInt
            let code: UInt64 = opc == 0b1110 ? UInt64(FPRounding.tieEven.rawValue) : UInt64(FPRounding.zero.rawValue)
            neonFloatUnary(d, m, q: q, kind, imm: code | fbits << 8 | (u ? 1 << 16 : 0))
        default:
            throw ArchException.undefined
        }
    }

    /// A narrowing operation of the 2 * esize lanes of `x` into Dd.
    func neonNarrow(_ d: UInt32, _ x: VReg128, s: Int, sh: Int, _ k: SIMDOp) {
        var r = VReg128.zero, qc = false
        for e in 0..<(8 >> s) { r.setLane(e, s, simdNarrowLane(k, x.lane(e, s + 1), 0, s, sh, &qc)) }
        setDreg(d, r.lo)
        if qc { simdSetQC() }
    }

    // MARK: One register and a modified immediate

    /// VMOV, VMVN, VORR, VBIC (immediate): AdvSIMDExpandImm(op, cmode, i:imm3:imm4).
    func neonModifiedImmediate(_ w: UInt32) throws(ArchException) {
        let cmode = (w >> 8) & 0xF, op = (w >> 5) & 1, q = (w >> 6) & 1 != 0
        let imm8 = (w >> 17) & 0x80 | (w >> 12) & 0x70 | w & 0xF
        let d = Self.neonD(w)
        try Self.neonCheckQ(q, d)
        if op == 1 && cmode == 0b1111 { throw ArchException.undefined }
        let imm = simdExpandImm(op: op, cmode: cmode, imm8: imm8)
        var v = neonRead(d, q: q)
        if cmode & 1 == 1 && cmode >> 2 != 0b11 {
            v = op == 0 ? VReg128(lo: v.lo | imm, hi: v.hi | imm) : VReg128(lo: v.lo & ~imm, hi: v.hi & ~imm)
        } else if op == 1 && cmode != 0b1110 {
            v = VReg128(lo: ~imm, hi: ~imm)                 // VMVN
        } else {
            v = VReg128(lo: imm, hi: imm)                   // VMOV (incl. I64 and F32)
        }
        neonWrite(d, q: q, v)
    }
}
