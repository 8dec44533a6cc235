/// Advanced SIMD floating point (F32 lanes; the F16 forms of FEAT_FP16 are UNDEFINED). Every
/// operation runs under StandardFPSCRValue (`neonFPEnv`) through FPEnv's element operations,
/// the ones A64 uses, except where AArch32 differs: VMLA/VMLS round the product and the sum
/// separately, and VRECPS/VRSQRTS are FPRecipStep/FPRSqrtStep, not the fused A64 steps.

/// The binary operations of the float three-same and by-scalar forms.
enum NEONFloatBinary {
    case fp(FPBinary)      // the A64 element operation of that name
    case mla, mls          // VMLA, VMLS: FPAdd(Vd, +/-FPMul(Vn, Vm))
    case recps, rsqrts     // FPRecipStep, FPRSqrtStep
}

extension FPEnv {
    /// One lane of a NEONFloatBinary operation (F32).
    @inline(__always)
    mutating func neonBinary(_ k: NEONFloatBinary, _ acc: UInt64, _ n: UInt64, _ m: UInt64) -> UInt64 {
        let f = FPFormat.single
        switch k {
        case .fp(let b): return binary(b, acc, n, m, f)
        case .mla, .mls:
            let product = mul(n, m, f)
            if case .mla = k { return add(acc, product, f) }
            return add(acc, product ^ f.signBit, f)
        case .recps: return neonStep(n, m, sqrt: false)
        case .rsqrts: return neonStep(n, m, sqrt: true)
        }
    }

    /// FPRecipStep (2 - a*b) and FPRSqrtStep ((3 - a*b) / 2), AArch32's unfused steps: the
    /// product is rounded first, infinity times zero counting as +0 (shared pseudocode
    /// "FPRecipStep", "FPRSqrtStep", FPHalvedSub).
    mutating func neonStep(_ a: UInt64, _ b: UInt64, sqrt: Bool) -> UInt64 {
        let f = FPFormat.single
        let va = unpack(a, f), vb = unpack(b, f)
        if let n = processNaNs(va, vb, a, b, f) { return n }
        let infA = va.kind == .infinity, infB = vb.kind == .infinity
        let zeroA = va.kind == .zero, zeroB = vb.kind == .zero
        let product = (infA && zeroB) || (zeroA && infB) ? 0 : mul(a, b, f)
        if !sqrt { return sub(f.two(false), product, f) }
        // FPHalvedSub(3, product): (3 - product) / 2 rounded once.
        let vp = unpack(product, f)
        switch vp.kind {
        case .infinity: return f.infinity(!vp.sign)
        case .zero: return f.onePointFive(false)
        default: return sumAndRound(false, -1, 3, !vp.sign, vp.exp &- 1, UInt128(vp.mant), f)
        }
    }
}

extension CPU {
    /// Apply `k` to the F32 lanes of `vn` and `vm` with Vd as the accumulator.
    func neonFloatLanewise(_ d: UInt32, _ vn: VReg128, _ vm: VReg128, q: Bool, _ k: NEONFloatBinary) {
        var env = neonFPEnv()
        let vd = neonRead(d, q: q)
        var r = VReg128.zero
        for e in 0..<(q ? 4 : 2) { r.setLane(e, 2, env.neonBinary(k, vd.lane(e, 2), vn.lane(e, 2), vm.lane(e, 2))) }
        neonWrite(d, q: q, r)
        fpFinish(env)
    }

    /// A one-operand F32 lane operation (FPEnv.unary; `imm` as FPOp documents).
    func neonFloatUnary(_ d: UInt32, _ m: UInt32, q: Bool, _ k: FPUnary, imm: UInt64) {
        var env = neonFPEnv()
        let vm = neonRead(m, q: q)
        var r = VReg128.zero
        for e in 0..<(q ? 4 : 2) { r.setLane(e, 2, env.unary(k, vm.lane(e, 2), .single, imm)) }
        neonWrite(d, q: q, r)
        fpFinish(env)
    }

    /// Three registers of the same length, A = 1101, 1110, 1111 and VFMA/VFMS (1100, B = 1):
    /// bit 20 (sz) must be 0 (F32), bit 21 selects within the pair.
    func neonFloatThreeSame(_ w: UInt32) throws(ArchException) {
        let opc = (w >> 8) & 0xF, o1 = (w >> 4) & 1, u = (w >> 24) & 1, op = (w >> 21) & 1
        let q = (w >> 6) & 1 != 0
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        guard (w >> 20) & 1 == 0 else { throw ArchException.undefined }
        try Self.neonCheckQ(q, d | n | m)
        var pairwise = false
        let k: NEONFloatBinary
        switch (opc, o1, u) {
        case (0b1100, 1, 0): k = .fp(op == 0 ? .mla : .mls)          // VFMA, VFMS: fused
        case (0b1101, 0, 0): k = .fp(op == 0 ? .add : .sub)
        case (0b1101, 0, 1):
            if op == 0 { k = .fp(.add); pairwise = true } else { k = .fp(.abd) }
        case (0b1101, 1, 0): k = op == 0 ? .mla : .mls
        case (0b1101, 1, 1) where op == 0: k = .fp(.mul)
        case (0b1110, 0, 0) where op == 0: k = .fp(.cmeq)
        case (0b1110, 0, 1): k = .fp(op == 0 ? .cmge : .cmgt)
        case (0b1110, 1, 1): k = .fp(op == 0 ? .acge : .acgt)
        case (0b1111, 0, 0): k = .fp(op == 0 ? .max : .min)
        case (0b1111, 0, 1): k = .fp(op == 0 ? .max : .min); pairwise = true
        case (0b1111, 1, 0): k = op == 0 ? .recps : .rsqrts
        case (0b1111, 1, 1): k = .fp(op == 0 ? .maxnm : .minnm)
        default: throw ArchException.undefined
        }
        if pairwise {
            guard !q else { throw ArchException.undefined }
            var env = neonFPEnv()
            let vn = dreg(n), vm = dreg(m)
            var r = VReg128.zero
            for e in 0..<2 {
                let (x, y) = Self.neonPair(vn, vm, e, 2)
                r.setLane(e, 2, env.neonBinary(k, 0, x, y))
            }
            setDreg(d, r.lo)
            fpFinish(env)
            return
        }
        neonFloatLanewise(d, neonRead(n, q: q), neonRead(m, q: q), q: q, k)
    }
}
