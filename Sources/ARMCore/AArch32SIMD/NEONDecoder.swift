/// The AArch32 Advanced SIMD instructions (ARM DDI 0487, F4.1.x "Advanced SIMD data-processing"
/// and "Advanced SIMD element or structure load/store", F3.x for their T32 forms, F6 for each
/// instruction). Both decoders hand over `.neon` with `imm` = the encoding in its A32 form:
/// 1111 001U ... for data processing (T32 111U 1111 ...) and 1111 0100 xxx0 ... for the
/// loads and stores (T32 1111 1001 xxx0 ...). Decoding is done here, at execute, as VFP does.
///
/// D(2n) and D(2n+1) are the halves of V(n), Q(n) is V(n) (D1.20.1), so every operand is read
/// as a VReg128 whose `hi` is the next D register for a Q operand; all sources are read before
/// the destination is written, so any register may alias any other.
///
/// The lane arithmetic is the A64 Advanced SIMD code: `simdLane`, `simdLongLane`,
/// `simdNarrowLane` (AdvancedSIMDExecute.swift), FPEnv's `binary`/`unary` element operations
/// under the Standard FPSCR value, and `executeCryptographic` for AES and SHA.
extension CPU {
    // MARK: Operands

    /// D register `d`, and for a Q operand D(d+1) in `hi` (d is even then, checked by decode).
    @inline(__always) func neonRead(_ d: UInt32, q: Bool) -> VReg128 {
        VReg128(lo: dreg(d & 31), hi: q ? dreg((d + 1) & 31) : 0)
    }

    @inline(__always) func neonWrite(_ d: UInt32, q: Bool, _ v: VReg128) {
        setDreg(d & 31, v.lo)
        if q { setDreg((d + 1) & 31, v.hi) }
    }

    /// StandardFPSCRValue (shared pseudocode): FPSCR.AHP kept, DN and FZ set, round to nearest.
    /// Advanced SIMD arithmetic ignores the FPSCR's own DN, FZ and RMode; the cumulative flags
    /// still collect in the FPSCR.
    @inline(__always) func neonFPEnv() -> FPEnv { FPEnv(fpcr: (fpcr & (1 << 26)) | 3 << 24) }

    // MARK: Entry

    func executeNEON(_ i: A32Inst) throws(ArchException) {
        try checkVFPEnabled(advancedSIMD: true)
        let w = i.imm
        if w >> 25 == 0b111_1001 {
            try neonDataProcessing(w)
        } else {
            try neonLoadStore(w)
        }
    }

    /// F4.1.x "Advanced SIMD data-processing": A = bits 23:19, B = 11:8, C = 7:4, U = 24.
    func neonDataProcessing(_ w: UInt32) throws(ArchException) {
        let a = (w >> 19) & 0x1F, b = (w >> 8) & 0xF, c = (w >> 4) & 0xF, u = (w >> 24) & 1
        if a & 0x10 == 0 {
            try neonThreeSame(w)
        } else if c & 1 == 1 {
            // 1x000 with L = 0 is the modified-immediate space; every other imm6 is a shift.
            if a & 0b0_0111 == 0 && c & 0b1000 == 0 {
                try neonModifiedImmediate(w)
            } else {
                try neonShiftImmediate(w)
            }
        } else if a & 0b1_0110 != 0b1_0110 {
            // size != 11: three registers of different lengths (C = x0x0) or a scalar (x1x0).
            if c & 0b0100 == 0 { try neonThreeDifferent(w) } else { try neonByScalar(w) }
        } else if u == 0 {
            try neonExtract(w)
        } else if b & 0b1000 == 0 {
            try neonTwoRegisterMisc(w)
        } else if b & 0b1100 == 0b1000 {
            try neonTableLookup(w)
        } else if b == 0b1100 && c & 0b1000 == 0 {
            try neonDupScalar(w)
        } else {
            throw ArchException.undefined
        }
    }

    // MARK: Field helpers

    /// D:Vd, N:Vn, M:Vm.
    @inline(__always) static func neonD(_ w: UInt32) -> UInt32 { (w >> 18) & 0x10 | (w >> 12) & 0xF }
    @inline(__always) static func neonN(_ w: UInt32) -> UInt32 { (w >> 3) & 0x10 | (w >> 16) & 0xF }
    @inline(__always) static func neonM(_ w: UInt32) -> UInt32 { (w >> 1) & 0x10 | w & 0xF }

    /// A Q operand names an even D register; an odd one is UNDEFINED. `regs` is the OR of the
    /// register numbers that are Q operands when `q` is set.
    @inline(__always) static func neonCheckQ(_ q: Bool, _ regs: UInt32) throws(ArchException) {
        if q && regs & 1 != 0 { throw ArchException.undefined }
    }

    /// Apply `op` lane by lane to Vn (x) and Vm (y) with Vd as the accumulator.
    func neonLanewise(_ d: UInt32, _ n: UInt32, _ m: UInt32, q: Bool, s: Int, sh: Int = 0, _ op: SIMDOp) {
        let vn = neonRead(n, q: q), vm = neonRead(m, q: q), vd = neonRead(d, q: q)
        let count = (q ? 16 : 8) >> s
        var r = VReg128.zero, qc = false
        for e in 0..<count {
            r.setLane(e, s, simdLane(op, vn.lane(e, s), vm.lane(e, s), vd.lane(e, s), s, sh, &qc))
        }
        neonWrite(d, q: q, r)
        if qc { simdSetQC() }
    }

    /// The pairwise forms (D registers only): lane e of the result folds lanes 2e, 2e+1 of
    /// Vm:Vn, Vn's lanes first.
    @inline(__always) static func neonPair(_ vn: UInt64, _ vm: UInt64, _ e: Int, _ s: Int) -> (UInt64, UInt64) {
        let c = VReg128(lo: vn, hi: vm)
        return (c.lane(2 * e, s), c.lane(2 * e + 1, s))
    }
}
