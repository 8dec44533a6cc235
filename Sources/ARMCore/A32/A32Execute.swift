/// Executors of the A32 operations (decoded by A32Decoder, and by the T32 decoder into the same
/// operations): data processing, multiplies, the media instructions and branches, following the
/// pseudocode of ARM DDI 0487, F5 ("A32 Base Instruction Descriptions") and the shared
/// pseudocode of J1 (Shift_C, AddWithCarry, SignedSatQ, ...).
extension CPU {
    /// Bytes from an instruction to the PC value it reads: 8 in A32, 4 in T32 (F1.? "Use of PC").
    @inline(__always) var pcReadOffset: UInt32 { thumb ? 4 : 8 }

    /// R[n] as a source operand: R15 reads as the instruction's address plus 8 (A32) or 4 (T32).
    @inline(__always)
    func readR(_ n: UInt8) -> UInt32 {
        n == 15 ? UInt32(truncatingIfNeeded: pc) &+ pcReadOffset : r(UInt32(n))
    }

    /// PC as the base of a literal load or ADR: Align(PC, 4).
    @inline(__always) func alignedPC() -> UInt32 { readR(15) & ~3 }

    /// BXWritePC / LoadWritePC: bit 0 selects T32, and an A32 target must be word-aligned
    /// (F1.? "Interworking"; an address with bits 1:0 = 10 in A32 is UNPREDICTABLE, taken here as
    /// a branch that faults on fetch).
    func bxWritePC(_ address: UInt32) {
        if address & 1 != 0 {
            thumb = true
            nextPC = UInt64(address & ~1)
        } else {
            thumb = false
            nextPC = UInt64(address)
        }
    }

    /// BranchWritePC: stay in the current instruction set.
    @inline(__always) func branchWritePC(_ address: UInt32) {
        nextPC = UInt64(thumb ? address & ~1 : address & ~3)
    }

    /// ALUWritePC: A32 interworks (ARMv7 and later), T32 does not.
    @inline(__always) func aluWritePC(_ address: UInt32) {
        if thumb { branchWritePC(address) } else { bxWritePC(address) }
    }

    /// Shift_C over 32 bits (J1 shared pseudocode). `amount` is the effective amount after the
    /// immediate encodings' special cases (LSR/ASR #0 mean #32, ROR #0 means RRX, given as 33).
    @inline(__always)
    func shiftC(_ v: UInt32, _ type: A32Shift, _ amount: UInt32, carry: Bool) -> (UInt32, Bool) {
        if amount == 0 { return (v, carry) }
        switch type {
        case .lsl:
            if amount > 32 { return (0, false) }
            if amount == 32 { return (0, v & 1 != 0) }
            return (v << amount, (v >> (32 - amount)) & 1 != 0)
        case .lsr:
            if amount > 32 { return (0, false) }
            if amount == 32 { return (0, v >> 31 != 0) }
            return (v >> amount, (v >> (amount - 1)) & 1 != 0)
        case .asr:
            let s = Int32(bitPattern: v)
            if amount >= 32 { return (UInt32(bitPattern: s >> 31), v >> 31 != 0) }
            return (UInt32(bitPattern: s >> Int32(amount)), (v >> (amount - 1)) & 1 != 0)
        case .ror:
            if amount == 33 {   // RRX
                return ((carry ? 1 << 31 : 0) | v >> 1, v & 1 != 0)
            }
            let r = amount & 31
            let result = r == 0 ? v : (v >> r | v << (32 - r))
            return (result, result >> 31 != 0)
        }
    }

    /// The immediate shift amount as Shift_C wants it (DecodeImmShift).
    @inline(__always)
    func immediateShiftAmount(_ type: A32Shift, _ imm5: UInt8) -> UInt32 {
        switch type {
        case .lsl: return UInt32(imm5)
        case .lsr, .asr: return imm5 == 0 ? 32 : UInt32(imm5)
        case .ror: return imm5 == 0 ? 33 : UInt32(imm5)
        }
    }

    /// The second operand of a data-processing instruction, with the shifter's carry out.
    @inline(__always)
    func operand2(_ i: A32Inst) -> (UInt32, Bool) {
        let carry = nzcv & CPSR.C != 0
        if i.flags.contains(.immediate) {
            return (i.imm, i.flags.contains(.carryOut) ? i.flags.contains(.carryOne) : carry)
        }
        let v = readR(i.rm)
        if i.flags.contains(.registerShift) {
            // Shift by the bottom byte of Rs; a zero amount leaves value and carry alone.
            let amount = r(UInt32(i.rs)) & 0xFF
            if amount == 0 { return (v, carry) }
            if i.shift == .ror {
                let m = amount & 31
                let result = m == 0 ? v : (v >> m | v << (32 - m))
                return (result, result >> 31 != 0)
            }
            return shiftC(v, i.shift, amount, carry: carry)
        }
        return shiftC(v, i.shift, immediateShiftAmount(i.shift, i.shiftAmount), carry: carry)
    }

    @inline(__always)
    func addWithCarryA32(_ a: UInt32, _ b: UInt32, _ carryIn: Bool) -> (UInt32, UInt32) {
        let wide = UInt64(a) &+ UInt64(b) &+ (carryIn ? 1 : 0)
        let result = UInt32(truncatingIfNeeded: wide)
        let signed = Int64(Int32(bitPattern: a)) &+ Int64(Int32(bitPattern: b)) &+ (carryIn ? 1 : 0)
        var flags = result & CPSR.N
        if result == 0 { flags |= CPSR.Z }
        if wide >> 32 != 0 { flags |= CPSR.C }
        if Int64(Int32(bitPattern: result)) != signed { flags |= CPSR.V }
        return (result, flags)
    }

    @inline(__always)
    func setNZ(_ result: UInt32, carry: Bool) {
        nzcv = (result & CPSR.N) | (result == 0 ? CPSR.Z : 0) | (carry ? CPSR.C : 0) | (nzcv & CPSR.V)
    }

    // MARK: Data processing

    @inline(__always)
    func executeDataProcessing(_ i: A32Inst) throws(ArchException) {
        let (op2, shifterCarry) = operand2(i)
        // Rn = PC is ADR's base, Align(PC, 4) (the same as PC in A32; in T32 only ADR reads it).
        let a = i.rn == 15 ? alignedPC() : readR(i.rn)
        let carry = nzcv & CPSR.C != 0
        let result: UInt32
        var arithmeticFlags: UInt32? = nil
        switch i.op {
        case .and, .tst: result = a & op2
        case .eor, .teq: result = a ^ op2
        case .orr: result = a | op2
        case .orn: result = a | ~op2
        case .bic: result = a & ~op2
        case .mov: result = op2
        case .mvn: result = ~op2
        default:
            let sum: (UInt32, UInt32)
            switch i.op {
            case .sub, .cmp: sum = addWithCarryA32(a, ~op2, true)
            case .rsb: sum = addWithCarryA32(op2, ~a, true)
            case .add, .cmn: sum = addWithCarryA32(a, op2, false)
            case .adc: sum = addWithCarryA32(a, op2, carry)
            case .sbc: sum = addWithCarryA32(a, ~op2, carry)
            case .rsc: sum = addWithCarryA32(op2, ~a, carry)
            default: throw ArchException.undefined
            }
            result = sum.0
            arithmeticFlags = sum.1
        }
        let isTest = i.op == .tst || i.op == .teq || i.op == .cmp || i.op == .cmn
        if !isTest && i.rd == 15 {
            if i.flags.contains(.setFlags) {
                // SUBS PC, LR and friends: an exception return (F5.1.? "SUBS PC, LR (A32)"). In
                // Hyp mode T32's SUBS PC, LR, #0 is the ERET encoding; anything else UNDEFINED.
                if mode32 == .hyp && thumb && i.op == .sub && i.rn == 14 && i.imm == 0 && i.flags.contains(.immediate) {
                    try hypExceptionReturn()
                } else {
                    try exceptionReturn32(to: result, spsr: try currentSPSR32())
                }
            } else {
                aluWritePC(result)
            }
            return
        }
        if !isTest { setR(UInt32(i.rd), result) }
        if i.flags.contains(.setFlags) {
            if let f = arithmeticFlags { nzcv = f } else { setNZ(result, carry: shifterCarry) }
        }
    }

    // MARK: Multiplies

    func executeMultiply(_ i: A32Inst) throws(ArchException) {
        let n = r(UInt32(i.rn)), m = r(UInt32(i.rm))
        let s = i.flags.contains(.setFlags)
        switch i.op {
        case .mul, .mla, .mls:
            var v = n &* m
            if i.op == .mla { v = v &+ r(UInt32(i.rs)) }
            if i.op == .mls { v = r(UInt32(i.rs)) &- v }
            setR(UInt32(i.rd), v)
            if s { nzcv = (v & CPSR.N) | (v == 0 ? CPSR.Z : 0) | (nzcv & (CPSR.C | CPSR.V)) }
        case .umull, .umlal, .smull, .smlal, .umaal:
            var v: UInt64
            switch i.op {
            case .umull: v = UInt64(n) &* UInt64(m)
            case .umlal: v = (UInt64(n) &* UInt64(m)) &+ (UInt64(r(UInt32(i.rd))) << 32 | UInt64(r(UInt32(i.rs))))
            case .smull: v = UInt64(bitPattern: Int64(Int32(bitPattern: n)) &* Int64(Int32(bitPattern: m)))
            case .smlal:
                v = UInt64(bitPattern: Int64(Int32(bitPattern: n)) &* Int64(Int32(bitPattern: m)))
                    &+ (UInt64(r(UInt32(i.rd))) << 32 | UInt64(r(UInt32(i.rs))))
            default: v = UInt64(n) &* UInt64(m) &+ UInt64(r(UInt32(i.rd))) &+ UInt64(r(UInt32(i.rs)))
            }
            setR(UInt32(i.rs), UInt32(truncatingIfNeeded: v))
            setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v >> 32))
            if s { nzcv = UInt32(truncatingIfNeeded: v >> 32) & CPSR.N | (v == 0 ? CPSR.Z : 0) | (nzcv & (CPSR.C | CPSR.V)) }
        case .smulxy, .smlaxy:
            let a = half(n, top: i.flags.contains(.topN)), b = half(m, top: i.flags.contains(.topM))
            let product = Int64(a) * Int64(b)
            if i.op == .smulxy {
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: product))
            } else {
                let sum = product + Int64(Int32(bitPattern: r(UInt32(i.rs))))
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: sum))
                if sum != Int64(Int32(truncatingIfNeeded: sum)) { qFlag = true }
            }
        case .smulwy, .smlawy:
            let b = half(m, top: i.flags.contains(.topM))
            let product = (Int64(Int32(bitPattern: n)) * Int64(b)) >> 16
            if i.op == .smulwy {
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: product))
            } else {
                let sum = product + Int64(Int32(bitPattern: r(UInt32(i.rs))))
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: sum))
                if sum != Int64(Int32(truncatingIfNeeded: sum)) { qFlag = true }
            }
        case .smlalxy:
            let product = Int64(half(n, top: i.flags.contains(.topN))) * Int64(half(m, top: i.flags.contains(.topM)))
            let acc = Int64(bitPattern: UInt64(r(UInt32(i.rd))) << 32 | UInt64(r(UInt32(i.rs))))
            let v = UInt64(bitPattern: acc &+ product)
            setR(UInt32(i.rs), UInt32(truncatingIfNeeded: v))
            setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v >> 32))
        case .smlad, .smlsd, .smlald, .smlsld:
            let mm = i.flags.contains(.topM) ? (m >> 16 | m << 16) : m
            let p1 = Int64(half(n, top: false)) * Int64(half(mm, top: false))
            let p2 = Int64(half(n, top: true)) * Int64(half(mm, top: true))
            let combined = (i.op == .smlad || i.op == .smlald) ? p1 + p2 : p1 - p2
            if i.op == .smlald || i.op == .smlsld {
                let acc = Int64(bitPattern: UInt64(r(UInt32(i.rd))) << 32 | UInt64(r(UInt32(i.rs))))
                let v = UInt64(bitPattern: acc &+ combined)
                setR(UInt32(i.rs), UInt32(truncatingIfNeeded: v))
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v >> 32))
            } else {
                let sum = combined + (i.rs == 15 ? 0 : Int64(Int32(bitPattern: r(UInt32(i.rs)))))
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: sum))
                if sum != Int64(Int32(truncatingIfNeeded: sum)) { qFlag = true }
            }
        case .smmla, .smmls:
            let product = Int64(Int32(bitPattern: n)) * Int64(Int32(bitPattern: m))
            let acc = i.rs == 15 ? 0 : Int64(Int32(bitPattern: r(UInt32(i.rs)))) << 32
            var v = i.op == .smmla ? acc &+ product : acc &- product
            if i.flags.contains(.topM) { v = v &+ 0x8000_0000 }   // R: round
            setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v >> 32))
        case .sdiv:
            // Division by zero gives 0 (no trap: SCTLR.DZ is RAZ in ARMv8), and the one overflow wraps.
            let a = Int32(bitPattern: n), b = Int32(bitPattern: m)
            setR(UInt32(i.rd), b == 0 ? 0 : UInt32(bitPattern: a.dividedReportingOverflow(by: b).partialValue))
        case .udiv:
            setR(UInt32(i.rd), m == 0 ? 0 : n / m)
        default: throw ArchException.undefined
        }
    }

    @inline(__always) func half(_ v: UInt32, top: Bool) -> Int32 {
        Int32(Int16(truncatingIfNeeded: top ? v >> 16 : v))
    }

    // MARK: Saturating, parallel and miscellaneous

    /// SignedSatQ: the value clamped to `bits` bits, and whether it was clamped.
    func signedSat(_ v: Int64, bits: UInt32) -> (UInt32, Bool) {
        let maxV = (Int64(1) << (bits - 1)) - 1, minV = -(Int64(1) << (bits - 1))
        if v > maxV { return (UInt32(truncatingIfNeeded: maxV), true) }
        if v < minV { return (UInt32(truncatingIfNeeded: minV), true) }
        return (UInt32(truncatingIfNeeded: v), false)
    }

    func unsignedSat(_ v: Int64, bits: UInt32) -> (UInt32, Bool) {
        let maxV = (Int64(1) << bits) - 1
        if v > maxV { return (UInt32(truncatingIfNeeded: maxV), true) }
        if v < 0 { return (0, true) }
        return (UInt32(truncatingIfNeeded: v), false)
    }

    func executeMisc(_ i: A32Inst) throws(ArchException) {
        let m = readR(i.rm)
        switch i.op {
        case .clz: setR(UInt32(i.rd), UInt32(m.leadingZeroBitCount))
        case .rev: setR(UInt32(i.rd), m.byteSwapped)
        case .rev16: setR(UInt32(i.rd), (m & 0xFF00_FF00) >> 8 | (m & 0x00FF_00FF) << 8)
        case .revsh: setR(UInt32(i.rd), UInt32(bitPattern: Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: m).byteSwapped))))
        case .rbit: setR(UInt32(i.rd), UInt32(truncatingIfNeeded: reverseBits64(UInt64(m)) >> 32))
        case .sxtb, .sxth, .uxtb, .uxth, .sxtb16, .uxtb16:
            let rot = UInt32(i.shiftAmount)
            let v = rot == 0 ? m : (m >> rot | m << (32 - rot))
            let base = i.rn == 15 ? 0 : r(UInt32(i.rn))
            let result: UInt32
            switch i.op {
            case .sxtb: result = base &+ UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: v)))
            case .sxth: result = base &+ UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: v)))
            case .uxtb: result = base &+ (v & 0xFF)
            case .uxth: result = base &+ (v & 0xFFFF)
            case .sxtb16:
                let lo = UInt32(truncatingIfNeeded: Int32(Int8(truncatingIfNeeded: v))) &+ base
                let hi = UInt32(truncatingIfNeeded: Int32(Int8(truncatingIfNeeded: v >> 16))) &+ (base >> 16)
                result = (lo & 0xFFFF) | hi << 16
            default:
                let lo = (v & 0xFF) &+ base
                let hi = ((v >> 16) & 0xFF) &+ (base >> 16)
                result = (lo & 0xFFFF) | hi << 16
            }
            setR(UInt32(i.rd), result)
        case .ssat, .usat:
            let (shifted, _) = shiftC(r(UInt32(i.rn)), i.shift, i.shift == .asr ? immediateShiftAmount(.asr, i.shiftAmount) : UInt32(i.shiftAmount), carry: false)
            let v = Int64(Int32(bitPattern: shifted))
            let (result, sat) = i.op == .ssat ? signedSat(v, bits: i.imm + 1) : unsignedSat(v, bits: i.imm)
            setR(UInt32(i.rd), result)
            if sat { qFlag = true }
        case .ssat16, .usat16:
            let n = r(UInt32(i.rn))
            var result: UInt32 = 0
            for lane in 0..<2 {
                let v = Int64(Int16(truncatingIfNeeded: n >> (16 * UInt32(lane))))
                let (s, sat) = i.op == .ssat16 ? signedSat(v, bits: i.imm + 1) : unsignedSat(v, bits: i.imm)
                result |= (s & 0xFFFF) << (16 * UInt32(lane))
                if sat { qFlag = true }
            }
            setR(UInt32(i.rd), result)
        case .pkh:
            let n = r(UInt32(i.rn))
            let (shifted, _) = shiftC(m, i.shift, i.shift == .asr ? immediateShiftAmount(.asr, i.shiftAmount) : UInt32(i.shiftAmount), carry: false)
            // PKHBT: bottom from Rn, top from the shifted Rm; PKHTB the other way round.
            setR(UInt32(i.rd), i.shift == .lsl ? (n & 0xFFFF) | (shifted & 0xFFFF_0000) : (n & 0xFFFF_0000) | (shifted & 0xFFFF))
        case .sel:
            let n = r(UInt32(i.rn))
            var result: UInt32 = 0
            for b in 0..<4 {
                let mask: UInt32 = 0xFF << (8 * UInt32(b))
                result |= (ge32 >> UInt8(b)) & 1 != 0 ? n & mask : m & mask
            }
            setR(UInt32(i.rd), result)
        case .crc32, .crc32c:
            try requireARMv8AArch32()
            // The same CRC unit as A64's CRC32 (Pseudocode/CRC32.swift).
            setR(UInt32(i.rd), crc32Update(r(UInt32(i.rn)), UInt64(r(UInt32(i.rm))), size: Int(i.size), castagnoli: i.op == .crc32c))
        case .sbfx, .ubfx:
            // The source is Rn (both decoders put it there, as for BFI).
            let lsb = UInt32(i.shiftAmount), width = i.imm + 1
            guard lsb + width <= 32 else { throw ArchException.undefined }
            let v = r(UInt32(i.rn)) >> lsb
            let result: UInt32
            if width == 32 { result = v } else if i.op == .ubfx {
                result = v & ((1 << width) - 1)
            } else {
                result = UInt32(bitPattern: Int32(bitPattern: v << (32 - width)) >> Int32(32 - width))
            }
            setR(UInt32(i.rd), result)
        case .bfi, .bfc:
            let lsb = UInt32(i.shiftAmount), msb = i.imm
            guard msb >= lsb else { throw ArchException.undefined }
            let width = msb - lsb + 1
            let mask: UInt32 = (width == 32 ? ~0 : ((1 << width) - 1)) << lsb
            let source = i.op == .bfc ? 0 : readR(i.rn) << lsb
            setR(UInt32(i.rd), (r(UInt32(i.rd)) & ~mask) | (source & mask))
        case .qadd, .qsub, .qdadd, .qdsub:
            var n = Int64(Int32(bitPattern: r(UInt32(i.rn))))
            if i.op == .qdadd || i.op == .qdsub {
                let (d, sat) = signedSat(2 * n, bits: 32)
                n = Int64(Int32(bitPattern: d))
                if sat { qFlag = true }
            }
            let a = Int64(Int32(bitPattern: m))
            let (v, sat) = signedSat(i.op == .qadd || i.op == .qdadd ? a + n : a - n, bits: 32)
            setR(UInt32(i.rd), v)
            if sat { qFlag = true }
        case .usad8:
            let n = r(UInt32(i.rn)), mm = r(UInt32(i.rm))
            var sum: UInt32 = i.rs == 15 ? 0 : r(UInt32(i.rs))
            for b in 0..<4 {
                let x = Int32((n >> (8 * UInt32(b))) & 0xFF), y = Int32((mm >> (8 * UInt32(b))) & 0xFF)
                sum = sum &+ UInt32(abs(x - y))
            }
            setR(UInt32(i.rd), sum)
        case .parallel:
            try executeParallel(i)
        default: throw ArchException.undefined
        }
    }

    /// The parallel add and subtract family (F4.1.x "Parallel Arithmetic"): a prefix (S, Q, SH,
    /// U, UQ, UH) and an operation (ADD16, ASX, SAX, SUB16, ADD8, SUB8). S and U set GE.
    func executeParallel(_ i: A32Inst) throws(ArchException) {
        let prefix = i.imm >> 3, op = i.imm & 7
        let signed = prefix & 4 == 0
        let kind = prefix & 3          // 1 plain (sets GE), 2 saturating, 3 halving
        let n = r(UInt32(i.rn)), m = r(UInt32(i.rm))
        let lanes: Int = op >= 4 ? 4 : 2
        let width = UInt32(32 / lanes)
        let mask: UInt32 = lanes == 4 ? 0xFF : 0xFFFF
        func lane(_ v: UInt32, _ k: Int) -> Int64 {
            let raw = (v >> (width * UInt32(k))) & mask
            if !signed { return Int64(raw) }
            return lanes == 4 ? Int64(Int8(truncatingIfNeeded: raw)) : Int64(Int16(truncatingIfNeeded: raw))
        }
        var result: UInt32 = 0
        var ge: UInt8 = 0
        for k in 0..<lanes {
            let a = lane(n, k)
            let b: Int64
            let subtract: Bool
            switch op {
            case 0b001: b = lane(m, 1 - k); subtract = k == 0     // ASX: lo = n.lo - m.hi, hi = n.hi + m.lo
            case 0b010: b = lane(m, 1 - k); subtract = k == 1     // SAX
            case 0b011, 0b111: b = lane(m, k); subtract = true
            default: b = lane(m, k); subtract = false
            }
            let sum = subtract ? a - b : a + b
            let out: Int64
            switch kind {
            case 2: out = Int64(signed ? signedSat(sum, bits: width).0 : unsignedSat(sum, bits: width).0)
            case 3: out = sum >> 1
            default:
                out = sum
                let set = signed ? sum >= 0 : (subtract ? sum >= 0 : sum >= Int64(mask) + 1)
                if set { ge |= lanes == 4 ? 1 << UInt8(k) : 3 << UInt8(2 * k) }
            }
            result |= (UInt32(truncatingIfNeeded: out) & mask) << (width * UInt32(k))
        }
        if kind == 1 { ge32 = ge }
        setR(UInt32(i.rd), result)
    }

    // MARK: Branches

    func executeBranch32(_ i: A32Inst) throws(ArchException) {
        let here = UInt32(truncatingIfNeeded: pc)
        switch i.op {
        case .b:
            branchWritePC(readR(15) &+ i.imm)
        case .bl:
            setR(14, thumb ? (here &+ UInt32(i.length)) | 1 : here &+ 4)
            branchWritePC(readR(15) &+ i.imm)
        case .blxImm:
            // The target is in the other instruction set: Align(PC, 4) in T32.
            setR(14, thumb ? (here &+ UInt32(i.length)) | 1 : here &+ 4)
            let target = (thumb ? alignedPC() : readR(15)) &+ i.imm
            if thumb { thumb = false; nextPC = UInt64(target & ~3) } else { thumb = true; nextPC = UInt64(target & ~1) }
        case .bx:
            bxWritePC(readR(i.rm))
        case .blxReg:
            let target = readR(i.rm)
            setR(14, thumb ? (here &+ UInt32(i.length)) | 1 : here &+ 4)
            bxWritePC(target)
        default: throw ArchException.undefined
        }
    }
}
