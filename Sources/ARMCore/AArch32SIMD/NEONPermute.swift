/// Advanced SIMD two registers, miscellaneous (F4.1.x, A = bits 17:16, B = bits 10:6), which
/// holds the permutes (VSWP, VTRN, VUZP, VZIP, VREV), the narrowing moves, the F32 conversions
/// and estimates, and AESE/AESD/AESMC/AESIMC, SHA1H, SHA1SU1, SHA256SU0; and VEXT, VTBL/VTBX
/// and VDUP (scalar).
extension CPU {
    func neonTwoRegisterMisc(_ w: UInt32) throws(ArchException) {
        let s = Int((w >> 18) & 3), a = (w >> 16) & 3, b = (w >> 6) & 0x1F
        let q = b & 1 != 0, u = (w >> 7) & 1 != 0
        let d = Self.neonD(w), m = Self.neonM(w)
        switch (a, b >> 1) {
        case (0, 0b0000), (0, 0b0001), (0, 0b0010):
            // VREV64, VREV32, VREV16: reverse the lanes inside each 64-, 32- or 16-bit container.
            let op = Int(b >> 1)
            guard op + s < 3 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            let k = ((8 >> op) >> s) - 1
            let vm = neonRead(m, q: q)
            var r = VReg128.zero
            for e in 0..<((q ? 16 : 8) >> s) { r.setLane(e, s, vm.lane(e ^ k, s)) }
            neonWrite(d, q: q, r)
        case (0, 0b0100), (0, 0b0101), (0, 0b1100), (0, 0b1101):
            // VPADDL, VPADAL: adjacent pairs added into lanes twice as wide (bit 7 unsigned).
            guard s != 3 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            let accumulate = b >> 3 == 0b11
            let vm = neonRead(m, q: q), vd = neonRead(d, q: q)
            var r = VReg128.zero
            for e in 0..<((q ? 16 : 8) >> (s + 1)) {
                let x = vm.lane(2 * e, s), y = vm.lane(2 * e + 1, s)
                var sum = u ? x &+ y : UInt64(bitPattern: simdSigned(x, s) &+ simdSigned(y, s))
                if accumulate { sum = sum &+ vd.lane(e, s + 1) }
                r.setLane(e, s + 1, sum)
            }
            neonWrite(d, q: q, r)
        case (0, 0b0110), (0, 0b0111):
            // AESE/AESD (0110), AESMC/AESIMC (0111); bit 6 chooses the inverse. Q registers.
            try requireARMv8AArch32()
            guard s == 0, (d | m) & 1 == 0 else { throw ArchException.undefined }
            let k: CryptoOp = b >> 1 == 0b0110 ? (q ? .aesd : .aese) : (q ? .aesimc : .aesmc)
            try executeCryptographic(Inst(.cryptographic, op: k.rawValue, rd: UInt8(d >> 1), rn: UInt8(m >> 1)))
        case (0, 0b1000), (0, 0b1001), (0, 0b1010), (0, 0b1011), (0, 0b1110), (0, 0b1111):
            // VCLS, VCLZ, VCNT, VMVN, VQABS, VQNEG.
            try Self.neonCheckQ(q, d | m)
            switch b >> 1 {
            case 0b1010, 0b1011:
                guard s == 0 else { throw ArchException.undefined }
                let vm = neonRead(m, q: q)
                if b >> 1 == 0b1011 { neonWrite(d, q: q, VReg128(lo: ~vm.lo, hi: ~vm.hi)); return }
                var r = VReg128.zero
                for e in 0..<16 { r.setLane(e, 0, UInt64(vm.lane(e, 0).nonzeroBitCount)) }
                neonWrite(d, q: q, r)
            default:
                guard s != 3 else { throw ArchException.undefined }
                let k: SIMDOp
                switch b >> 1 {
                case 0b1000: k = .cls
                case 0b1001: k = .clz
                case 0b1110: k = .sqabs
                default: k = .sqneg
                }
                neonLanewise(d, m, m, q: q, s: s, k)
            }
        case (1, _):
            // Compare with zero, VABS, VNEG; bit 10 = F (F32 only); SHA1H is F = 0, op 101, Q = 1.
            let f = b & 0b10000 != 0, op = (b >> 1) & 7
            if !f && op == 0b101 {
                try requireARMv8AArch32()
                guard q, s == 2, (d | m) & 1 == 0 else { throw ArchException.undefined }
                try executeCryptographic(Inst(.cryptographic, op: CryptoOp.sha1h.rawValue, rd: UInt8(d >> 1), rn: UInt8(m >> 1)))
                return
            }
            guard op != 0b101 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            if f {
                guard s == 2 else { throw ArchException.undefined }
                let k: FPUnary = [.cmgtz, .cmgez, .cmeqz, .cmlez, .cmltz, .abs, .abs, .neg][Int(op)]
                neonFloatUnary(d, m, q: q, k, imm: 0)
            } else {
                guard s != 3 else { throw ArchException.undefined }
                let k: SIMDOp = [.cmgt0, .cmge0, .cmeq0, .cmle0, .cmlt0, .abs, .abs, .neg][Int(op)]
                neonLanewise(d, m, m, q: q, s: s, k)
            }
        case (2, 0b0000), (2, 0b0001), (2, 0b0010), (2, 0b0011):
            try neonTransposeZip(w, op: b >> 1, d: d, m: m, s: s, q: q)
        case (2, 0b0100), (2, 0b0101):
            // VMOVN, VQMOVUN (0100, bit 6), VQMOVN (0101, bit 6 unsigned): Qm to Dd.
            guard s != 3 else { throw ArchException.undefined }
            try Self.neonCheckQ(true, m)
            let k: SIMDOp = b >> 1 == 0b0100 ? (q ? .sqxtun : .xtn) : (q ? .uqxtn : .sqxtn)
            neonNarrow(d, neonRead(m, q: true), s: s, sh: 0, k)
        case (2, 0b0110):
            // VSHLL with the shift equal to the element size.
            guard !q, s != 3 else { throw ArchException.undefined }
            try Self.neonCheckQ(true, d)
            neonLong(d, dreg(m), 0, s: s, sh: 8 << s, .ushll)
        case (2, 0b0111):
            // SHA1SU1 (bit 6 = 0), SHA256SU0 (1): Q registers.
            try requireARMv8AArch32()
            guard s == 2, (d | m) & 1 == 0 else { throw ArchException.undefined }
            let k: CryptoOp = q ? .sha256su0 : .sha1su1
            try executeCryptographic(Inst(.cryptographic, op: k.rawValue, rd: UInt8(d >> 1), rn: UInt8(m >> 1)))
        case (2, 0b1100), (2, 0b1110):
            // VCVT.F16.F32 (op 0: Qm to Dd), VCVT.F32.F16 (op 1: Dm to Qd); bit 6 must be 0.
            guard s == 1, !q else { throw ArchException.undefined }
            var env = neonFPEnv()
            var r = VReg128.zero
            if b >> 1 == 0b1100 {
                try Self.neonCheckQ(true, m)
                let vm = neonRead(m, q: true)
                for e in 0..<4 { r.setLane(e, 1, env.convert(vm.lane(e, 2), from: .single, to: .half, .tieEven)) }
                setDreg(d, r.lo)
            } else {
                try Self.neonCheckQ(true, d)
                let vm = VReg128(lo: dreg(m), hi: 0)
                for e in 0..<4 { r.setLane(e, 2, env.convert(vm.lane(e, 1), from: .half, to: .single, .tieEven)) }
                neonWrite(d, q: true, r)
            }
            fpFinish(env)
        case (2, _) where b & 0b10000 != 0:
            // VRINTN, X, A, Z, M, P (op = bits 9:7: 000, 001, 010, 011, 101, 111).
            try requireARMv8AArch32()
            guard s == 2 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            let op = (b >> 1) & 7
            let modes: [FPRounding?] = [.tieEven, .tieEven, .tieAway, .zero, nil, .negInf, nil, .posInf]
            guard let mode = modes[Int(op)] else { throw ArchException.undefined }
            neonFloatUnary(d, m, q: q, .rint, imm: UInt64(mode.rawValue) | (op == 1 ? 8 : 0))
        case (3, _):
            guard s == 2 else { throw ArchException.undefined }
            try Self.neonCheckQ(q, d | m)
            let unsigned: UInt64 = u ? 1 << 16 : 0
            switch b >> 3 {
            case 0b00, 0b01:
                // VCVTA, VCVTN, VCVTP, VCVTM (RM = bits 9:8) to S32/U32 (bit 7).
                try requireARMv8AArch32()
                let modes: [FPRounding] = [.tieAway, .tieEven, .posInf, .negInf]
                neonFloatUnary(d, m, q: q, .toInt, imm: UInt64(modes[Int((b >> 2) & 3)].rawValue) | unsigned)
            case 0b10:
                // VRECPE, VRSQRTE (bit 7); bit 8 = F: the F32 estimates, else U32.
                let f = (b >> 2) & 1 != 0
                let k: FPUnary = f ? (u ? .rsqrte : .recpe) : (u ? .ursqrte : .urecpe)
                neonFloatUnary(d, m, q: q, k, imm: 0)
            default:
                // VCVT between F32 and S32/U32: op = bits 8:7; to integer rounds toward zero.
                let op = (b >> 1) & 3
                let zeroCode = UInt64(FPRounding.zero.rawValue), evenCode = UInt64(FPRounding.tieEven.rawValue)
                if op >> 1 == 0 {
                    neonFloatUnary(d, m, q: q, .fromInt, imm: evenCode | (op & 1 == 1 ? 1 << 16 : 0))
                } else {
                    neonFloatUnary(d, m, q: q, .toInt, imm: zeroCode | (op & 1 == 1 ? 1 << 16 : 0))
                }
            }
        default:
            throw ArchException.undefined
        }
    }

    /// VSWP, VTRN, VUZP, VZIP: both Vd and Vm are written.
    func neonTransposeZip(_ w: UInt32, op: UInt32, d: UInt32, m: UInt32, s: Int, q: Bool) throws(ArchException) {
        try Self.neonCheckQ(q, d | m)
        guard s != 3, !(op == 0 && s != 0), !(op >= 2 && !q && s == 2) else { throw ArchException.undefined }
        let vd = neonRead(d, q: q), vm = neonRead(m, q: q)
        let count = (q ? 16 : 8) >> s
        var rd = VReg128.zero, rm = VReg128.zero
        switch op {
        case 0: rd = vm; rm = vd
        case 1:
            // VTRN: swap Vd[2e+1] with Vm[2e].
            rd = vd; rm = vm
            for e in stride(from: 0, to: count, by: 2) {
                rd.setLane(e + 1, s, vm.lane(e, s))
                rm.setLane(e, s, vd.lane(e + 1, s))
            }
        case 2:
            // VUZP: the even lanes of Vd:Vm to Vd, the odd ones to Vm.
            for e in 0..<count {
                let k = 2 * e
                rd.setLane(e, s, k < count ? vd.lane(k, s) : vm.lane(k - count, s))
                rm.setLane(e, s, k + 1 < count ? vd.lane(k + 1, s) : vm.lane(k + 1 - count, s))
            }
        default:
            // VZIP: Vd and Vm interleaved, the low half to Vd, the high half to Vm.
            for e in 0..<count {
                let lo = e & 1 == 0 ? vd.lane(e / 2, s) : vm.lane(e / 2, s)
                let hi = e & 1 == 0 ? vd.lane((count + e) / 2, s) : vm.lane((count + e) / 2, s)
                rd.setLane(e, s, lo)
                rm.setLane(e, s, hi)
            }
        }
        neonWrite(d, q: q, rd)
        neonWrite(m, q: q, rm)
    }

    /// VEXT: bytes imm4... of Vm:Vn, Vn lowest.
    func neonExtract(_ w: UInt32) throws(ArchException) {
        let q = (w >> 6) & 1 != 0, imm4 = Int((w >> 8) & 0xF)
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        try Self.neonCheckQ(q, d | n | m)
        guard q || imm4 < 8 else { throw ArchException.undefined }
        let vn = neonRead(n, q: q), vm = neonRead(m, q: q), count = q ? 16 : 8
        var r = VReg128.zero
        for e in 0..<count {
            let j = imm4 + e
            r.setLane(e, 0, j < count ? vn.byte(j) : vm.byte(j - count))
        }
        neonWrite(d, q: q, r)
    }

    /// VTBL, VTBX (bit 6): a table of len + 1 D registers from Dn, indexed by the bytes of Dm.
    func neonTableLookup(_ w: UInt32) throws(ArchException) {
        let d = Self.neonD(w), n = Self.neonN(w), m = Self.neonM(w)
        let regs = Int((w >> 8) & 3) + 1, extend = (w >> 6) & 1 != 0
        guard Int(n) + regs <= 32 else { throw ArchException.undefined }
        let idx = dreg(m), old = dreg(d)
        var r: UInt64 = 0
        for e in 0..<8 {
            let k = Int((idx >> UInt64(8 * e)) & 0xFF)
            let byte: UInt64
            if k < 8 * regs {
                byte = (dreg(n + UInt32(k >> 3)) >> UInt64(8 * (k & 7))) & 0xFF
            } else {
                byte = extend ? (old >> UInt64(8 * e)) & 0xFF : 0
            }
            r |= byte << UInt64(8 * e)
        }
        setDreg(d, r)
    }

    /// VDUP (scalar): imm4 = bits 19:16 gives the size (lowest set bit) and the index above it.
    func neonDupScalar(_ w: UInt32) throws(ArchException) {
        let q = (w >> 6) & 1 != 0, imm4 = (w >> 16) & 0xF
        let d = Self.neonD(w), m = Self.neonM(w)
        try Self.neonCheckQ(q, d)
        guard imm4 & 7 != 0 else { throw ArchException.undefined }
        let s = imm4.trailingZeroBitCount
        let v = VReg128(lo: dreg(m), hi: 0).lane(Int(imm4 >> UInt32(s + 1)), s)
        let rep = simdReplicate(v, s)
        neonWrite(d, q: q, VReg128(lo: rep, hi: rep))
    }
}
