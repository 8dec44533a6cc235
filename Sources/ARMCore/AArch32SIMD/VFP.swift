/// The AArch32 floating-point instructions (VFPv4, ARM DDI 0487 F5 and the encoding tables of
/// F4.1 "Floating-point data-processing", "Floating-point load/store", "Floating-point move"):
/// VLDR/VSTR, VLDM/VSTM (VPUSH/VPOP), VMOV between core and FP registers, VMRS/VMSR, and the
/// data-processing set (VADD, VSUB, VMUL, VNMUL, VDIV, VMLA/VMLS, VNMLA/VNMLS, VFMA/VFMS/VFNMA/
/// VFNMS, VABS, VNEG, VSQRT, VMOV immediate and register, VCMP/VCMPE, VCVT between single and
/// double and to and from integers). The arithmetic is the A64 software FP core
/// (Pseudocode/FloatingPointArithmetic.swift), so rounding and flags are the same bit for bit.
///
/// The registers are A64's: S(2n) and S(2n+1) are the halves of D(n), D(2n) and D(2n+1) the
/// halves of V(n) (D1.20.1), so an AArch64 EL2 sees a 32-bit guest's FP state where it saves
/// its own. FPSCR is FPSR (cumulative flags, and NZCV in bits 31:28) plus FPCR (AHP, DN, FZ,
/// RMode); FPEXC is FPEXC32_EL2.
///
/// Also the half-precision conversions (VCVTB/VCVTT), the fixed-point VCVT forms, VRINTR/Z/X
/// and the unconditional ARMv8 additions (VSEL, VMAXNM/VMINNM, VRINTA/N/P/M, VCVTA/N/P/M).
///
/// Decoding is done here, at execute, from the word the A32 or T32 decoder passed in `imm`
/// (bits 27:0 are the same in both instruction sets; bit 28 set marks the unconditional
/// ARMv8 space, cond = 1111 in A32 and hw1 = 1111 1110 in T32). Advanced SIMD is NEON*.swift;
/// the core-register transfers it relies on (VMOV to and from 8- and 16-bit scalars, VDUP
/// from a core register) are here, in the VFP space.
extension CPU {
    // MARK: Registers

    /// S register `n` (0-31).
    @inline(__always) func sreg(_ n: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: vreg(UInt8(n >> 2)).load(fromByteOffset: Int(n & 3) * 4, as: UInt32.self))
    }

    @inline(__always) func setSreg(_ n: UInt32, _ value: UInt32) {
        vreg(UInt8(n >> 2)).storeBytes(of: value, toByteOffset: Int(n & 3) * 4, as: UInt32.self)
    }

    /// D register `n` (0-31).
    @inline(__always) func dreg(_ n: UInt32) -> UInt64 {
        vreg(UInt8(n >> 1)).load(fromByteOffset: Int(n & 1) * 8, as: UInt64.self)
    }

    @inline(__always) func setDreg(_ n: UInt32, _ value: UInt64) {
        vreg(UInt8(n >> 1)).storeBytes(of: value, toByteOffset: Int(n & 1) * 8, as: UInt64.self)
    }

    /// FPSCR as AArch32 reads it.
    var fpscr: UInt32 {
        UInt32(truncatingIfNeeded: sysregs[SysReg.FPSR]) & 0xF800_009F
            | UInt32(truncatingIfNeeded: sysregs[SysReg.FPCR]) & 0x07C0_0000
    }

    func setFPSCR(_ v: UInt32) {
        sysregs[SysReg.FPSR] = UInt64(v & 0xF800_009F)
        sysregs[SysReg.FPCR] = UInt64(v & 0x07C0_0000)
    }

    /// CheckVFPEnabled: CPACR (cp10/cp11, the AArch64 FPEN), CPTR_EL2.TFP, and in an AArch32
    /// EL1 FPEXC.EN, without which the instructions are UNDEFINED (G1.? "Enabling Advanced SIMD
    /// and floating-point support").
    func checkVFPEnabled(allowWithoutEN: Bool = false, advancedSIMD: Bool = false) throws(ArchException) {
        do {
            try checkFPEnabled()
        } catch {
            // A trap to EL2 from AArch32 says what was trapped (ISS for EC 0x07, G8.2.? HSR): TA
            // for an Advanced SIMD instruction, else COPROC = 10.
            guard error.targetEL == 2 else { throw error }
            var e = error
            e.syndrome = Syndrome(.fpAccess, iss: 1 << 24 | UInt32(currentCondition32) << 20 | (advancedSIMD ? 1 << 5 : 0xA),
                                  il: instructionLength32 == 4)
            throw e
        }
        if el1IsAArch32 && !allowWithoutEN && sysregs[SysReg.FPEXC32_EL2] & (1 << 30) == 0 {
            throw ArchException.undefined
        }
    }

    // MARK: Execution

    func executeVFP(_ i: A32Inst) throws(ArchException) {
        let w = i.imm
        let bits27to24 = (w >> 24) & 0xF
        if w & (1 << 28) != 0 {
            try checkVFPEnabled()
            try vfpARMv8(w)
        } else if bits27to24 == 0xE && w & (1 << 4) == 0 {
            try checkVFPEnabled()
            try vfpDataProcessing(w)
        } else if bits27to24 == 0xE {
            try vfpMove(w)
        } else if (w >> 21) & 0x7F == 0b110_0010 {
            try checkVFPEnabled()
            try vfpMoveTwo(w)
        } else {
            try checkVFPEnabled()
            try vfpLoadStore(w)
        }
    }

    /// Register numbers: single Vd:D, double D:Vd (and the same for N and M).
    @inline(__always) func vfpReg(_ w: UInt32, field: UInt32, extra: UInt32, double: Bool) -> UInt32 {
        let v = (w >> field) & 0xF, x = (w >> extra) & 1
        return double ? x << 4 | v : v << 1 | x
    }

    /// VLDR, VSTR, VLDM, VSTM (F5: "VLDR", "VLDM", with VPUSH/VPOP their SP forms).
    func vfpLoadStore(_ w: UInt32) throws(ArchException) {
        let p = (w >> 24) & 1, u = (w >> 23) & 1, wb = (w >> 21) & 1, load = (w >> 20) & 1 != 0
        let rn = (w >> 16) & 0xF
        let double = (w >> 8) & 1 != 0
        let d = vfpReg(w, field: 12, extra: 22, double: double)
        let imm8 = w & 0xFF
        let base = rn == 15 ? alignedPC() : r(rn)
        if p == 1 && wb == 0 {
            // VLDR/VSTR: one register at Rn +/- imm8 * 4.
            try vfpTransfer(d, double: double, load: load, at: u == 1 ? base &+ imm8 << 2 : base &- imm8 << 2)
            return
        }
        // VLDM/VSTM: increment after (P=0, U=1) or decrement before (P=1, U=0, W=1).
        guard p != u else { throw ArchException.undefined }
        let count = double ? imm8 / 2 : imm8          // an odd imm8 with D is FLDMX/FSTMX: same data
        guard count > 0, d + count <= 32 else { throw ArchException.undefined }
        let bytes = imm8 << 2
        var address = u == 1 ? base : base &- bytes
        for k in 0..<count {
            try vfpTransfer(d + k, double: double, load: load, at: address)
            address = address &+ (double ? 8 : 4)
        }
        if wb == 1 { setR(rn, u == 1 ? base &+ bytes : base &- bytes) }
    }

    /// One S or D register to or from memory; a D register as two words, low word first, as
    /// VLDR and VLDM transfer it (single-copy atomic only per word).
    func vfpTransfer(_ n: UInt32, double: Bool, load: Bool, at address: UInt32) throws(ArchException) {
        let a = UInt64(address)
        switch (double, load) {
        case (true, true):
            let lo = try readMemory(a, size: 4), hi = try readMemory(UInt64(address &+ 4), size: 4)
            setDreg(n, hi << 32 | lo)
        case (true, false):
            let v = dreg(n)
            try writeMemory(a, size: 4, value: v & 0xFFFF_FFFF)
            try writeMemory(UInt64(address &+ 4), size: 4, value: v >> 32)
        case (false, true):
            setSreg(n, UInt32(truncatingIfNeeded: try readMemory(a, size: 4)))
        case (false, false):
            try writeMemory(a, size: 4, value: UInt64(sreg(n)))
        }
    }

    /// S or D register `n` as an FP operand of the instruction's precision.
    @inline(__always) func fpOperand(_ n: UInt32, double: Bool) -> UInt64 { double ? dreg(n) : UInt64(sreg(n)) }

    @inline(__always) func setFPOperand(_ n: UInt32, double: Bool, _ v: UInt64) {
        if double { setDreg(n, v) } else { setSreg(n, UInt32(truncatingIfNeeded: v)) }
    }

    /// VMOV between a core register and an S register or a D register's half, and VMRS/VMSR.
    func vfpMove(_ w: UInt32) throws(ArchException) {
        let toCore = (w >> 20) & 1 != 0
        let rt = (w >> 12) & 0xF
        if (w >> 21) & 7 == 0b111 && (w >> 8) & 0xF == 0b1010 {
            // VMRS/VMSR: reg in bits 19:16.
            let reg = (w >> 16) & 0xF
            let privileged = reg != 0b0001
            try checkVFPEnabled(allowWithoutEN: privileged && el >= 1)
            if privileged && el == 0 { throw ArchException.undefined }
            // HCR.TID0 traps VMRS of FPSID, HCR.TID3 of MVFR0-2, from PL1 (EC 0x08, the MRC form
            // with Opc1 = 7 and CRn = the register).
            if toCore && el == 1 && hasEL2 {
                let hcr = sysregs[SysReg.HCR_EL2]
                if (reg == 0 && hcr & HCR.TID0 != 0) || ((5...7).contains(reg) && hcr & HCR.TID3 != 0) {
                    throw ArchException(.coprocessorMove(.cp10ID, cond: UInt32(currentCondition32), opc1: 7, opc2: 0, crn: reg,
                                                         crm: 0, rt: UInt32(slot32(UInt8(rt))), isRead: true,
                                                         il: instructionLength32 == 4), targetEL: 2)
                }
            }
            if toCore {
                let v: UInt32
                switch reg {
                case 0b0000: v = 0x4103_4000                 // FPSID: Arm, VFPv3-or-later subarchitecture
                case 0b0001: v = fpscr
                case 0b0101: v = UInt32(truncatingIfNeeded: sysregs[SysReg.MVFR2_EL1])
                case 0b0110: v = UInt32(truncatingIfNeeded: sysregs[SysReg.MVFR1_EL1])
                case 0b0111: v = UInt32(truncatingIfNeeded: sysregs[SysReg.MVFR0_EL1])
                case 0b1000: v = UInt32(truncatingIfNeeded: sysregs[SysReg.FPEXC32_EL2])
                default: throw ArchException.undefined
                }
                if rt == 15 {
                    guard reg == 0b0001 else { throw ArchException.undefined }
                    nzcv = v & 0xF000_0000                 // VMRS APSR_nzcv, FPSCR
                } else {
                    setR(rt, v)
                }
            } else {
                guard rt != 15 else { throw ArchException.undefined }
                let v = r(rt)
                switch reg {
                case 0b0000: break                            // FPSID: writes ignored
                case 0b0001: setFPSCR(v)
                case 0b1000: sysregs[SysReg.FPEXC32_EL2] = UInt64(v & 0xC000_0000)   // EX, EN
                default: throw ArchException.undefined
                }
            }
            return
        }
        try checkVFPEnabled()
        guard rt != 15 else { throw ArchException.undefined }
        if (w >> 8) & 0xF == 0b1010 {
            // VMOV between a core register and a single-precision register: Vn:N.
            let n = ((w >> 16) & 0xF) << 1 | ((w >> 7) & 1)
            if toCore { setR(rt, sreg(n)) } else { setSreg(n, r(rt)) }
            return
        }
        try vfpScalarMove(w, toCore: toCore, rt: rt)
    }

    /// VMOV between a core register and a scalar Dn[x] of 8, 16 or 32 bits (opc1:opc2 give the
    /// size and index; the sub-word forms are Advanced SIMD, U sign- or zero-extends), and VDUP
    /// from a core register (bit 23 = 1, bit 20 = 0; B:E the size, Q bit 21). F6 "VMOV (general-
    /// purpose register to scalar)", "VMOV (scalar to general-purpose register)", "VDUP (general-
    /// purpose register)".
    func vfpScalarMove(_ w: UInt32, toCore: Bool, rt: UInt32) throws(ArchException) {
        let dn = ((w >> 7) & 1) << 4 | ((w >> 16) & 0xF)
        let u = (w >> 23) & 1
        if !toCore && u == 1 {
            // VDUP: Dd = D:Vd in bits 7, 19:16 as for VMOV to a scalar.
            let be = ((w >> 22) & 1) << 1 | ((w >> 5) & 1), q = (w >> 21) & 1 != 0
            guard be != 3, (w >> 6) & 1 == 0, !(q && dn & 1 != 0) else { throw ArchException.undefined }
            let s = 2 - Int(be)
            let v = simdReplicate(UInt64(r(rt)), s)
            setDreg(dn, v)
            if q { setDreg(dn + 1, v) }
            return
        }
        let opc = ((w >> 21) & 3) << 2 | ((w >> 5) & 3)    // opc1:opc2
        let s: Int, index: Int
        if opc & 0b1000 != 0 { s = 0; index = Int(opc & 7) }
        else if opc & 1 != 0 { s = 1; index = Int(opc >> 1 & 3) }
        else if opc & 2 == 0 { s = 2; index = Int(opc >> 2 & 1) }
        else { throw ArchException.undefined }
        var v = VReg128(lo: dreg(dn), hi: 0)
        if toCore {
            guard !(u == 1 && s == 2) else { throw ArchException.undefined }
            let x = v.lane(index, s)
            setR(rt, UInt32(truncatingIfNeeded: u == 1 ? x : UInt64(bitPattern: simdSigned(x, s))))
        } else {
            v.setLane(index, s, UInt64(r(rt)))
            setDreg(dn, v.lo)
        }
    }

    /// VMOV between two core registers and a D register or two S registers.
    func vfpMoveTwo(_ w: UInt32) throws(ArchException) {
        let toCore = (w >> 20) & 1 != 0
        let rt = (w >> 12) & 0xF, rt2 = (w >> 16) & 0xF
        guard rt != 15, rt2 != 15, !(toCore && rt == rt2) else { throw ArchException.undefined }
        if (w >> 8) & 1 != 0 {
            let m = ((w >> 5) & 1) << 4 | (w & 0xF)
            if toCore {
                let v = dreg(m)
                setR(rt, UInt32(truncatingIfNeeded: v)); setR(rt2, UInt32(truncatingIfNeeded: v >> 32))
            } else {
                setDreg(m, UInt64(r(rt2)) << 32 | UInt64(r(rt)))
            }
        } else {
            let m = (w & 0xF) << 1 | ((w >> 5) & 1)
            guard m < 31 else { throw ArchException.undefined }
            if toCore { setR(rt, sreg(m)); setR(rt2, sreg(m + 1)) } else { setSreg(m, r(rt)); setSreg(m + 1, r(rt2)) }
        }
    }

    /// The data-processing space: opc1 (bits 23, 21, 20), opc2 (19:16), opc3 (7:6).
    func vfpDataProcessing(_ w: UInt32) throws(ArchException) {
        let double = (w >> 8) & 1 != 0
        let f: FPFormat = double ? .double : .single
        let d = vfpReg(w, field: 12, extra: 22, double: double)
        let n = vfpReg(w, field: 16, extra: 7, double: double)
        let m = vfpReg(w, field: 0, extra: 5, double: double)
        let opc1 = ((w >> 23) & 1) << 2 | ((w >> 20) & 3)
        let op6 = (w >> 6) & 1
        var env = FPEnv(fpcr: sysregs[SysReg.FPCR])
        func get(_ x: UInt32) -> UInt64 { fpOperand(x, double: double) }
        func negate(_ v: UInt64) -> UInt64 { v ^ f.signBit }
        var result: UInt64? = nil
        switch opc1 {
        case 0b000:   // VMLA, VMLS: d + (n * m) or d - (n * m), rounded twice
            let product = env.mul(get(n), get(m), f)
            result = env.add(get(d), op6 == 0 ? product : negate(product), f)
        case 0b001:   // VNMLS (op 0): -d + n*m; VNMLA (op 1): -d - n*m
            let product = env.mul(get(n), get(m), f)
            result = env.add(negate(get(d)), op6 == 0 ? product : negate(product), f)
        case 0b010:   // VMUL, VNMUL
            let product = env.mul(get(n), get(m), f)
            result = op6 == 0 ? product : negate(product)
        case 0b011:   // VADD, VSUB
            result = op6 == 0 ? env.add(get(n), get(m), f) : env.sub(get(n), get(m), f)
        case 0b100:   // VDIV
            guard op6 == 0 else { throw ArchException.undefined }
            result = env.div(get(n), get(m), f)
        case 0b101:   // VFNMS (op 0): -d + n*m; VFNMA (op 1): -d - n*m, fused
            result = env.mulAdd(negate(get(d)), op6 == 0 ? get(n) : negate(get(n)), get(m), f)
        case 0b110:   // VFMA (op 0), VFMS (op 1), fused
            result = env.mulAdd(get(d), op6 == 0 ? get(n) : negate(get(n)), get(m), f)
        default:
            try vfpOther(w, double: double, f: f, d: d, m: m, env: &env)
        }
        if let v = result { setFPOperand(d, double: double, v) }
        sysregs[SysReg.FPSR] |= UInt64(env.flags)
    }

    /// opc1 = 1x11: VMOV immediate, and the two-register forms selected by opc2.
    func vfpOther(_ w: UInt32, double: Bool, f: FPFormat, d: UInt32, m: UInt32, env: inout FPEnv) throws(ArchException) {
        func get(_ x: UInt32) -> UInt64 { fpOperand(x, double: double) }
        func put(_ x: UInt32, _ v: UInt64) { setFPOperand(x, double: double, v) }
        if (w >> 6) & 1 == 0 {
            // VMOV (immediate): VFPExpandImm of imm4H:imm4L (F1.? "Modified immediate constants
            // in floating-point instructions").
            let imm8 = ((w >> 12) & 0xF0) | (w & 0xF)
            let sign = UInt64(imm8 >> 7), b6 = UInt64((imm8 >> 6) & 1), low = UInt64(imm8 & 0x3F)
            if double {
                // sign : NOT(b6) : Replicate(b6, 8) : imm8[5:0] : Zeros(48)
                setDreg(d, sign << 63 | (b6 ^ 1) << 62 | (b6 == 1 ? 0xFF : 0) << 54 | low << 48)
            } else {
                // sign : NOT(b6) : Replicate(b6, 5) : imm8[5:0] : Zeros(19)
                let v = sign << 31 | (b6 ^ 1) << 30 | (b6 == 1 ? 0x1F : 0) << 25 | low << 19
                setSreg(d, UInt32(truncatingIfNeeded: v))
            }
            return
        }
        let opc2 = (w >> 16) & 0xF, op7 = (w >> 7) & 1
        let rounding = env.rmode
        switch opc2 {
        case 0b0000:   // VMOV register (op7 0), VABS (op7 1)
            put(d, op7 == 0 ? get(m) : get(m) & ~f.signBit)
        case 0b0001:   // VNEG (op7 0), VSQRT (op7 1)
            put(d, op7 == 0 ? get(m) ^ f.signBit : env.sqrt(get(m), f))
        case 0b0010, 0b0011:
            try vfpHalfConvert(w, double: double, env: &env)
        case 0b0110:   // VRINTR (op7 0: FPSCR's rounding), VRINTZ (op7 1: toward zero)
            put(d, env.roundInt(get(m), f, op7 == 1 ? .zero : rounding, exact: false))
        case 0b1010, 0b1011, 0b1110, 0b1111:
            vfpFixedConvert(w, double: double, f: f, d: d, env: &env)
        case 0b0100, 0b0101:   // VCMP, VCMPE (op7), with zero when opc2 = 0101
            let other: UInt64 = opc2 == 0b0101 ? 0 : get(m)
            let flags = env.compare(get(d), other, f, signalNaNs: op7 == 1)
            sysregs[SysReg.FPSR] = (sysregs[SysReg.FPSR] & 0x0FFF_FFFF) | UInt64(flags) << 28
        case 0b0111:   // VRINTX (op7 = 0), VCVT between double and single (op7 = 1)
            if op7 == 0 {
                put(d, env.roundInt(get(m), f, rounding, exact: true))
                return
            }
            // The destination is the other precision: Sd = Vd:D for a double source, D:Vd for single.
            if double {
                let dd = vfpReg(w, field: 12, extra: 22, double: false)
                setSreg(dd, UInt32(truncatingIfNeeded: env.convert(dreg(m), from: .double, to: .single, rounding)))
            } else {
                let dd = vfpReg(w, field: 12, extra: 22, double: true)
                setDreg(dd, env.convert(UInt64(sreg(m)), from: .single, to: .double, rounding))
            }
        case 0b1000:   // VCVT from a signed (op7 1) or unsigned (op7 0) integer in an S register
            let mm = vfpReg(w, field: 0, extra: 5, double: false)
            put(d, env.fromFixed(UInt64(sreg(mm)), width: 32, unsigned: op7 == 0, fbits: 0, f, rounding))
        case 0b1100, 0b1101:   // VCVT(R) to an unsigned (1100) or signed (1101) integer
            // op7 = 1: round toward zero (VCVT); 0: the FPSCR's mode (VCVTR).
            let dd = vfpReg(w, field: 12, extra: 22, double: false)
            let v = env.toFixed(get(m), f, fbits: 0, unsigned: opc2 == 0b1100, width: 32, op7 == 1 ? .zero : rounding)
            setSreg(dd, UInt32(truncatingIfNeeded: v))
        default:
            throw ArchException.undefined
        }
    }

    /// VCVTB, VCVTT (F6 "VCVTB", "VCVTT"): between the bottom (T = 0) or top half of Sm or Sd and a
    /// single or double, through FPConvert with FPSCR (AHP, DN, FZ, RMode). opc2 bit 0 (op) = 1
    /// converts to half precision.
    func vfpHalfConvert(_ w: UInt32, double: Bool, env: inout FPEnv) throws(ArchException) {
        let toHalf = (w >> 16) & 1 != 0
        let lowbit = (w >> 7) & 1 != 0 ? UInt32(16) : 0
        if toHalf {
            let d = vfpReg(w, field: 12, extra: 22, double: false)
            let m = vfpReg(w, field: 0, extra: 5, double: double)
            let h = env.convert(fpOperand(m, double: double), from: double ? .double : .single, to: .half, env.rmode)
            let keep = sreg(d) & ~(0xFFFF << lowbit)
            setSreg(d, keep | UInt32(truncatingIfNeeded: h & 0xFFFF) << lowbit)
        } else {
            let d = vfpReg(w, field: 12, extra: 22, double: double)
            let m = vfpReg(w, field: 0, extra: 5, double: false)
            let h = UInt64((sreg(m) >> lowbit) & 0xFFFF)
            setFPOperand(d, double: double, env.convert(h, from: .half, to: double ? .double : .single, env.rmode))
        }
    }

    /// VCVT between floating-point and fixed-point (F6 "VCVT (between floating-point and
    /// fixed-point)"): in place on Sd or Dd; size 16 (sx = 0) or 32, frac_bits = size - imm4:i.
    /// To fixed rounds toward zero and extends the result (signed or unsigned) to the register;
    /// from fixed reads the low `size` bits and rounds to nearest even (FPRounding_TIEEVEN).
    func vfpFixedConvert(_ w: UInt32, double: Bool, f: FPFormat, d: UInt32, env: inout FPEnv) {
        let toFixed = (w >> 18) & 1 != 0, unsigned = (w >> 16) & 1 != 0
        let size = (w >> 7) & 1 != 0 ? 32 : 16
        let imm5 = Int((w & 0xF) << 1 | (w >> 5) & 1)
        // frac_bits < 0 (size 16, imm5 > 16) is UNPREDICTABLE: taken as frac_bits = 0.
        let fbits = max(size - imm5, 0)
        if toFixed {
            var v = env.toFixed(fpOperand(d, double: double), f, fbits: fbits, unsigned: unsigned, width: size, .zero)
            // Extend(result, 32 or 64, unsigned): a signed result is sign-extended from `size` bits.
            let top = UInt64(1) << UInt64(size - 1)
            if !unsigned && v & top != 0 { v |= ~(top &- 1) }
            setFPOperand(d, double: double, double ? v : v & 0xFFFF_FFFF)
        } else {
            let x = fpOperand(d, double: double)
            setFPOperand(d, double: double, env.fromFixed(x, width: size, unsigned: unsigned, fbits: fbits, f, .tieEven))
        }
    }

    /// The unconditional ARMv8 floating-point instructions (F6 "VSEL", "VMAXNM", "VMINNM",
    /// "VRINTA" ... "VCVTA" ...): bit 23 = 0 VSEL; bits 23, 21:20 = 1, 00 VMAXNM/VMINNM; 1, 11
    /// with bits 19:18 = 10 VRINT{A,N,P,M}, 11 VCVT{A,N,P,M}, the rounding mode in bits 17:16.
    func vfpARMv8(_ w: UInt32) throws(ArchException) {
        try requireARMv8AArch32()
        guard (w >> 24) & 0xF == 0xE, (w >> 9) & 7 == 0b101, w & (1 << 4) == 0 else { throw ArchException.undefined }
        let double = (w >> 8) & 1 != 0
        let f: FPFormat = double ? .double : .single
        let d = vfpReg(w, field: 12, extra: 22, double: double)
        let n = vfpReg(w, field: 16, extra: 7, double: double)
        let m = vfpReg(w, field: 0, extra: 5, double: double)
        var env = FPEnv(fpcr: sysregs[SysReg.FPCR])
        let opc = ((w >> 23) & 1) << 2 | ((w >> 20) & 3)
        // FPDecodeRM: 00 TIEAWAY, 01 TIEEVEN, 10 POSINF, 11 NEGINF.
        let directed: [FPRounding] = [.tieAway, .tieEven, .posInf, .negInf]
        if opc < 4 {
            // VSEL: cc in bits 21:20 (EQ, VS, GE, GT), tested on the APSR's flags.
            let nf = nzcv >> 31 & 1, zf = nzcv >> 30 & 1, vf = nzcv >> 28 & 1
            let take: Bool
            switch (w >> 20) & 3 {
            case 0: take = zf == 1
            case 1: take = vf == 1
            case 2: take = nf == vf
            default: take = zf == 0 && nf == vf
            }
            setFPOperand(d, double: double, fpOperand(take ? n : m, double: double))
            return
        }
        switch opc {
        case 0b100:
            let r = env.maxMinNum(fpOperand(n, double: double), fpOperand(m, double: double), f, max: (w >> 6) & 1 == 0)
            setFPOperand(d, double: double, r)
        case 0b111 where (w >> 6) & 1 == 1 && (w >> 18) & 3 == 0b10 && (w >> 7) & 1 == 0:
            let r = env.roundInt(fpOperand(m, double: double), f, directed[Int((w >> 16) & 3)], exact: false)
            setFPOperand(d, double: double, r)
        case 0b111 where (w >> 6) & 1 == 1 && (w >> 18) & 3 == 0b11:
            let sd = vfpReg(w, field: 12, extra: 22, double: false)
            let v = env.toFixed(fpOperand(m, double: double), f, fbits: 0, unsigned: (w >> 7) & 1 == 0, width: 32,
                                directed[Int((w >> 16) & 3)])
            setSreg(sd, UInt32(truncatingIfNeeded: v))
        default:
            throw ArchException.undefined
        }
        sysregs[SysReg.FPSR] |= UInt64(env.flags)
    }
}
