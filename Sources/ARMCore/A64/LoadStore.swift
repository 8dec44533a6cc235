import Bus
import Stage2MMU

/// Loads and stores (ARM DDI 0487, C4.1, "Loads and Stores"): the general-purpose register
/// instructions of ARMv8.0. The sub-groups live in their own files:
/// - LoadStoreRegister.swift: load register (literal); load/store register (unscaled
///   immediate, immediate post-indexed, unprivileged, immediate pre-indexed, register offset,
///   unsigned immediate), PRFM/PRFUM.
/// - LoadStorePair.swift: load/store pair (offset, pre-indexed, post-indexed) and no-allocate
///   pair (offset).
/// - LoadStoreExclusive.swift: load/store exclusive (LDXR, STXR, LDXP, STXP and their
///   acquire/release forms) and load-acquire/store-release (LDAR, STLR).
/// - LoadStoreSIMD.swift: the SIMD&FP forms (V = 1) of these classes and LD1-LD4/ST1-ST4;
///   its rows are part of `loadsAndStores`.
/// The later extensions that share this space (LSE atomics, LOR, RCpc, pointer
/// authentication, MTE) are matched by no row and decode to `.undefined`, as on ARMv8.0.
///
/// Inst use:
/// - `op`: LoadStoreOp.
/// - `rd`: the Rt slot, `Reg.dst` for loads (31 is the discard slot), `Reg.src` for stores
///   (31 stores zero).
/// - `rn`: the base register slot, `Reg.spOr` (31 is SP); unused by literal loads and PRFM.
/// - `rm`: register offset: the Rm slot (`Reg.src`). Pairs: the Rt2 slot. Store exclusives:
///   the Rs status slot (`Reg.dst`).
/// - `ra`: single-register forms: the Rt field as encoded (0...31), the SRT of a data abort's
///   syndrome. Exclusive pairs: the Rt2 slot.
/// - `a`: log2 of the access size in bytes (pairs: of one register).
/// - `b`: `LSFlag` bits: sign-extending load, 64-bit register (the syndrome's SF),
///   unprivileged (LDTR/STTR), acquire/release (LDAR/STLR, the syndrome's AR).
/// - `imm`: immediate forms: the byte offset, sign-extended and scaled. Literal: the byte
///   offset from this instruction. Register offset: `LSIndex` bits (shift amount, W index,
///   sign extension).
enum LoadStoreOp: UInt8 {
    /// [base, #imm]: LDR/STR (unsigned offset), LDUR/STUR, LDTR/STTR, every size.
    case load, store
    /// [base, #imm]!
    case loadPre, storePre
    /// [base], #imm
    case loadPost, storePost
    /// [base, Rm{, extend {#amount}}]
    case loadRegister, storeRegister
    /// LDR, LDRSW (literal): PC-relative.
    case loadLiteral
    /// PRFM (literal, immediate, register), PRFUM: a hint that never accesses memory.
    case prefetch
    /// LDP/STP/LDPSW [base, #imm], LDNP/STNP.
    case loadPair, storePair
    case loadPairPre, storePairPre
    case loadPairPost, storePairPost
    /// LDXR*, LDAXR*; STXR*, STLXR*.
    case loadExclusive, storeExclusive
    /// LDXP, LDAXP; STXP, STLXP.
    case loadExclusivePair, storeExclusivePair
    /// LDAR*, STLR*.
    case loadAcquire, storeRelease
}

/// Flags in `Inst.b` for this group.
enum LSFlag {
    /// The load sign-extends (LDRS*, LDPSW).
    static let signed: UInt8 = 1
    /// The register is an X register (64-bit result, syndrome SF).
    static let sixtyFour: UInt8 = 2
    /// LDTR/STTR: at EL1 the access is checked as if from EL0.
    static let unprivileged: UInt8 = 4
    /// LDAR/STLR (syndrome AR).
    static let acquireRelease: UInt8 = 8
}

/// The index operand of a register-offset load or store, kept in `Inst.imm`.
enum LSIndex {
    /// Bits 0..5: left shift applied after extension (0, or log2 of the access size).
    static let shiftMask: UInt64 = 63
    /// The index is a W register (UXTW, SXTW): extend from 32 bits.
    static let word: UInt64 = 1 << 8
    /// The extension is signed (SXTW, SXTX).
    static let signed: UInt64 = 1 << 9
}

extension A64Decoder {
    /// The combined table of the group. Rows do not overlap; sub-cases (sizes, opc, the
    /// unallocated combinations) are sorted out inside each row's decode function.
    public static let loadsAndStores: [Encoding] = loadStoreRegister + loadStorePair + loadStoreExclusive + loadStoreSIMD
}

extension CPU {
    @inline(__always)
    func executeLoadStore(_ i: Inst) throws(ArchException) {
        switch i.opcode(as: LoadStoreOp.self) {
        case .load:
            let va = try lsBase(i) &+ i.imm
            x[Int(i.rd)] = try lsLoad(i, va, lsAccess(i), info: lsInfo(i))
        case .store:
            let va = try lsBase(i) &+ i.imm
            try writeMemory(va, size: 1 &<< Int(i.a), value: x[Int(i.rd)], lsAccess(i), info: lsInfo(i))

        // Writeback with Rt == Rn (n != 31) is CONSTRAINED UNPREDICTABLE (ARM DDI 0487 K1.2,
        // "CONSTRAINED UNPREDICTABLE behaviors", Unpredictable_WBOVERLAPLD / WBOVERLAPST).
        // armvm takes, for loads, Constraint_WBSUPPRESS: the base is written first and the
        // loaded value then overwrites it, which is the same as suppressing the writeback; for
        // stores, Constraint_NONE: the value stored is the register's value before writeback.
        case .loadPre:
            let va = try lsBase(i) &+ i.imm
            let v = try lsLoad(i, va, [], info: nil)
            x[Int(i.rn)] = va
            x[Int(i.rd)] = v
        case .loadPost:
            let va = try lsBase(i)
            let v = try lsLoad(i, va, [], info: nil)
            x[Int(i.rn)] = va &+ i.imm
            x[Int(i.rd)] = v
        case .storePre:
            let va = try lsBase(i) &+ i.imm
            try writeMemory(va, size: 1 &<< Int(i.a), value: x[Int(i.rd)])
            x[Int(i.rn)] = va
        case .storePost:
            let va = try lsBase(i)
            try writeMemory(va, size: 1 &<< Int(i.a), value: x[Int(i.rd)])
            x[Int(i.rn)] = va &+ i.imm

        case .loadRegister:
            let va = try lsBase(i) &+ lsIndex(i)
            x[Int(i.rd)] = try lsLoad(i, va, [], info: lsInfo(i))
        case .storeRegister:
            let va = try lsBase(i) &+ lsIndex(i)
            try writeMemory(va, size: 1 &<< Int(i.a), value: x[Int(i.rd)], info: lsInfo(i))
        case .loadLiteral:
            x[Int(i.rd)] = try lsLoad(i, pc &+ i.imm, [], info: lsInfo(i))
        case .prefetch:
            break

        case .loadPair:
            let va = try lsBase(i) &+ i.imm
            let (v1, v2) = try lsLoadPair(i, va)
            x[Int(i.rd)] = v1
            x[Int(i.rm)] = v2
        case .loadPairPre:
            let va = try lsBase(i) &+ i.imm
            let (v1, v2) = try lsLoadPair(i, va)
            x[Int(i.rn)] = va
            x[Int(i.rd)] = v1
            x[Int(i.rm)] = v2
        case .loadPairPost:
            let va = try lsBase(i)
            let (v1, v2) = try lsLoadPair(i, va)
            x[Int(i.rn)] = va &+ i.imm
            x[Int(i.rd)] = v1
            x[Int(i.rm)] = v2
        case .storePair:
            try lsStorePair(i, try lsBase(i) &+ i.imm)
        case .storePairPre:
            let va = try lsBase(i) &+ i.imm
            try lsStorePair(i, va)
            x[Int(i.rn)] = va
        case .storePairPost:
            let va = try lsBase(i)
            try lsStorePair(i, va)
            x[Int(i.rn)] = va &+ i.imm

        case .loadExclusive:
            try executeLoadExclusive(i)
        case .storeExclusive:
            try executeStoreExclusive(i)
        case .loadExclusivePair:
            try executeLoadExclusivePair(i)
        case .storeExclusivePair:
            try executeStoreExclusivePair(i)
        case .loadAcquire:
            let va = try lsBase(i)
            x[Int(i.rd)] = try readMemory(va, size: 1 &<< Int(i.a), .ordered, info: lsInfo(i))
        case .storeRelease:
            let va = try lsBase(i)
            try writeMemory(va, size: 1 &<< Int(i.a), value: x[Int(i.rd)], .ordered, info: lsInfo(i))
        }
    }

    /// The run loop's fast path for the common single-register and pair forms on RAM: true
    /// when done; false, with nothing changed, when `executeLoadStore` must run instead (SP
    /// misaligned, translation on, MMIO, a store to a page with predecoded code, ...).
    /// Register updates happen in the same order as in `executeLoadStore`.
    @_transparent
    func fastLoadStore(_ i: InstRef, _ h: HostTLB) -> Bool {
        // LDTR/STTR check permissions as EL0: the full path.
        if i.b & LSFlag.unprivileged != 0 { return false }
        let base = x[Int(i.rn)]
        if i.rn == Reg.sp && base & 15 != 0 { return false }
        let size = UInt64(1) &<< UInt64(i.a)
        switch i.opcode(as: LoadStoreOp.self) {
        case .load:
            let va = base &+ i.imm
            guard let p = fastRAM(va, total: size, elem: size, write: false, h) else { return false }
            x[Int(i.rd)] = lsExtend(i, HostRAM.load(p, size: size))
        case .store:
            let va = base &+ i.imm
            guard let p = fastRAM(va, total: size, elem: size, write: true, h) else { return false }
            HostRAM.store(p, size: size, x[Int(i.rd)])
        case .loadPre:
            let va = base &+ i.imm
            guard let p = fastRAM(va, total: size, elem: size, write: false, h) else { return false }
            let v = lsExtend(i, HostRAM.load(p, size: size))
            x[Int(i.rn)] = va
            x[Int(i.rd)] = v
        case .loadPost:
            guard let p = fastRAM(base, total: size, elem: size, write: false, h) else { return false }
            let v = lsExtend(i, HostRAM.load(p, size: size))
            x[Int(i.rn)] = base &+ i.imm
            x[Int(i.rd)] = v
        case .storePre:
            let va = base &+ i.imm
            guard let p = fastRAM(va, total: size, elem: size, write: true, h) else { return false }
            HostRAM.store(p, size: size, x[Int(i.rd)])
            x[Int(i.rn)] = va
        case .storePost:
            guard let p = fastRAM(base, total: size, elem: size, write: true, h) else { return false }
            HostRAM.store(p, size: size, x[Int(i.rd)])
            x[Int(i.rn)] = base &+ i.imm
        case .loadRegister:
            let va = base &+ lsIndex(i)
            guard let p = fastRAM(va, total: size, elem: size, write: false, h) else { return false }
            x[Int(i.rd)] = lsExtend(i, HostRAM.load(p, size: size))
        case .storeRegister:
            let va = base &+ lsIndex(i)
            guard let p = fastRAM(va, total: size, elem: size, write: true, h) else { return false }
            HostRAM.store(p, size: size, x[Int(i.rd)])
        case .loadPair, .loadPairPre, .loadPairPost:
            let post = i.op == LoadStoreOp.loadPairPost.rawValue
            let va = post ? base : base &+ i.imm
            guard let p = fastRAM(va, total: size &<< 1, elem: size, write: false, h) else { return false }
            let v1 = lsExtend(i, HostRAM.load(p, size: size))
            let v2 = lsExtend(i, HostRAM.load(p + Int(size), size: size))
            if i.op != LoadStoreOp.loadPair.rawValue { x[Int(i.rn)] = post ? base &+ i.imm : va }
            x[Int(i.rd)] = v1
            x[Int(i.rm)] = v2
        case .storePair, .storePairPre, .storePairPost:
            let post = i.op == LoadStoreOp.storePairPost.rawValue
            let va = post ? base : base &+ i.imm
            guard let p = fastRAM(va, total: size &<< 1, elem: size, write: true, h) else { return false }
            HostRAM.store(p, size: size, x[Int(i.rd)])
            HostRAM.store(p + Int(size), size: size, x[Int(i.rm)])
            if i.op != LoadStoreOp.storePair.rawValue { x[Int(i.rn)] = post ? base &+ i.imm : va }
        case .prefetch:
            break
        default:
            return false
        }
        return true
    }

    /// The base register's value. With SP as the base, a stack pointer that is not 16-byte
    /// aligned faults when SCTLR_ELx.SA (SA0 at EL0) is set (ARM DDI 0487, chapter D1, "SP
    /// alignment checking"; pseudocode CheckSPAlignment). PRFM does not check.
    @inline(__always)
    func lsBase(_ i: Inst) throws(ArchException) -> UInt64 {
        let base = x[Int(i.rn)]
        if i.rn == Reg.sp && base & 15 != 0 { try lsCheckSPAlignment() }
        return base
    }

    func lsCheckSPAlignment() throws(ArchException) {
        if currentSCTLR & (el == 0 ? SCTLR.SA0 : SCTLR.SA) != 0 { throw ArchException(.spAlignment) }
    }

    /// LDTR/STTR are checked as if at EL0 when executed at EL1; at EL0 and EL2 (no VHE in
    /// ARMv8.0) they are ordinary accesses (C6.2 LDTR, AccType_UNPRIV).
    @inline(__always)
    func lsAccess(_ i: Inst) -> AccessKind {
        i.b & LSFlag.unprivileged != 0 && el == 1 ? .unprivileged : []
    }

    /// Syndrome information of a single-register access without writeback (ISV = 1).
    @inline(__always)
    func lsInfo(_ i: Inst) -> DataAbortInfo {
        DataAbortInfo(sizeLog2: i.a, signExtend: i.b & LSFlag.signed != 0, rt: i.ra,
                      sixtyFour: i.b & LSFlag.sixtyFour != 0, acquireRelease: i.b & LSFlag.acquireRelease != 0)
    }

    /// Load `1 << i.a` bytes and extend them as the instruction says.
    @inline(__always)
    func lsLoad(_ i: Inst, _ va: UInt64, _ acc: AccessKind, info: DataAbortInfo?) throws(ArchException) -> UInt64 {
        lsExtend(i, try readMemory(va, size: 1 &<< Int(i.a), acc, info: info))
    }

    /// Sign-extend a loaded value to 64 bits, or to 32 bits for a W destination (whose upper
    /// half is then zero). Zero-extending loads are returned as read.
    @inline(__always)
    func lsExtend(_ i: Inst, _ v: UInt64) -> UInt64 {
        if i.b & LSFlag.signed == 0 { return v }
        let s = signExtend(v, 8 &<< Int(i.a))
        return i.b & LSFlag.sixtyFour != 0 ? s : s & 0xFFFF_FFFF
    }

    /// `lsExtend` for an instruction read in place.
    @inline(__always)
    func lsExtend(_ i: InstRef, _ v: UInt64) -> UInt64 {
        if i.b & LSFlag.signed == 0 { return v }
        let s = signExtend(v, 8 &<< Int(i.a))
        return i.b & LSFlag.sixtyFour != 0 ? s : s & 0xFFFF_FFFF
    }

    /// `lsIndex` for an instruction read in place.
    @inline(__always)
    func lsIndex(_ i: InstRef) -> UInt64 {
        var off = x[Int(i.rm)]
        if i.imm & LSIndex.word != 0 {
            off = i.imm & LSIndex.signed != 0 ? signExtend(off, 32) : off & 0xFFFF_FFFF
        }
        return off &<< (i.imm & LSIndex.shiftMask)
    }

    /// The offset of a register-offset access: Rm extended (UXTW, SXTW) or not (LSL, SXTX),
    /// then shifted.
    @inline(__always)
    func lsIndex(_ i: Inst) -> UInt64 {
        var off = x[Int(i.rm)]
        if i.imm & LSIndex.word != 0 {
            off = i.imm & LSIndex.signed != 0 ? signExtend(off, 32) : off & 0xFFFF_FFFF
        }
        return off &<< (i.imm & LSIndex.shiftMask)
    }

    /// An alignment fault reported as a data abort on `va` (DFSC 0b100001).
    func lsAlignmentFault(_ va: UInt64, write: Bool) -> ArchException {
        ArchException(.dataAbort(FaultRecord(kind: .alignment), write: write), far: va)
    }
}
