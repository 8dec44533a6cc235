import Stage2MMU

/// Load/store exclusive and load-acquire/store-release (ARM DDI 0487, C4.1 "Loads and Stores",
/// "Load/store exclusive"), as ARMv8.0 allocates them. See LoadStore.swift for the use of the Inst fields.
///
/// The local exclusive monitor (B2.9) tags the physical address of the last Load-Exclusive;
/// a Store-Exclusive succeeds only while the monitor is set and the address falls in the tagged
/// reservation granule (64 bytes, the Cortex-A57's and what CTR_EL0.ERG says), and clears it
/// either way. CLREX, exception entry and return, and a store by this CPU to the granule clear
/// it too.
extension A64Decoder {
    static let loadStoreExclusive: [Encoding] = [
        Encoding(.a64, "LDXR/STXR/LDXP/STXP/LDAR/STLR (exclusive and ordered)", "zz001000abcsssssdtttttnnnnnrrrrr") { w in
            decodeLoadStoreExclusive(w)
        },
    ]

    /// size (31..30), o2 (23), L (22), o1 (21), o0 (15):
    ///
    ///     o2 o1   L=0                   L=1
    ///     0  0    STXR*/STLXR* (o0)     LDXR*/LDAXR* (o0)
    ///     0  1    STXP/STLXP (size 1x)  LDXP/LDAXP (size 1x); size 0x is CASP (ARMv8.1)
    ///     1  0    STLR* (o0 = 1)        LDAR* (o0 = 1); o0 = 0 is STLLR/LDLAR (ARMv8.1 LOR)
    ///     1  1    CAS* (ARMv8.1)
    ///
    /// Rs, Rt2 in the forms that have no such operand are should-be-one fields. With another
    /// value the instruction is CONSTRAINED UNPREDICTABLE (ARM DDI 0487 K1.2, "CONSTRAINED
    /// UNPREDICTABLE behaviors", SBZ/SBO fields); armvm executes it as if the field held ones.
    static func decodeLoadStoreExclusive(_ w: UInt32) -> Inst {
        let size = bits(w, 31, 30)
        let o2 = bit(w, 23), isLoad = bit(w, 22) == 1, o1 = bit(w, 21), o0 = bit(w, 15)
        let s = bits(w, 20, 16), t2 = bits(w, 14, 10), n = bits(w, 9, 5), t = bits(w, 4, 0)
        let rn = Reg.spOr(n)
        // A Store-Exclusive whose status register is also its data register
        // (Unpredictable_DATAOVERLAP) or its base register other than SP
        // (Unpredictable_BASEOVERLAP) is CONSTRAINED UNPREDICTABLE, allowed to be UNKNOWN,
        // UNDEFINED or NOP (ARM DDI 0487 K1.2, "CONSTRAINED UNPREDICTABLE behaviors").
        // armvm takes Constraint_UNDEF for both.
        let statusOverlapsBase = s == n && n != 31

        switch (o2, o1) {
        case (0, 0):
            if isLoad {
                return Inst(.loadStore, op: LoadStoreOp.loadExclusive.rawValue, rd: Reg.dst(t), rn: rn,
                            a: UInt8(size))
            }
            if s == t || statusOverlapsBase { return .undefined }
            return Inst(.loadStore, op: LoadStoreOp.storeExclusive.rawValue, rd: Reg.src(t), rn: rn,
                        rm: Reg.dst(s), a: UInt8(size))
        case (0, 1):
            guard size >= 2 else { return .undefined }
            let esize: UInt8 = size == 3 ? 3 : 2
            if isLoad {
                // LDXP with Rt == Rt2: Unpredictable_LDPOVERLAP, Constraint_UNDEF as for LDP.
                if t == t2 { return .undefined }
                return Inst(.loadStore, op: LoadStoreOp.loadExclusivePair.rawValue, rd: Reg.dst(t), rn: rn,
                            ra: Reg.dst(t2), a: esize)
            }
            if s == t || s == t2 || statusOverlapsBase { return .undefined }
            return Inst(.loadStore, op: LoadStoreOp.storeExclusivePair.rawValue, rd: Reg.src(t), rn: rn,
                        rm: Reg.dst(s), ra: Reg.src(t2), a: esize)
        case (1, 0):
            guard o0 == 1 else { return .undefined }
            let flags = LSFlag.acquireRelease | (size == 3 ? LSFlag.sixtyFour : 0)
            return Inst(.loadStore, op: (isLoad ? LoadStoreOp.loadAcquire : .storeRelease).rawValue,
                        rd: isLoad ? Reg.dst(t) : Reg.src(t), rn: rn, ra: UInt8(t), a: UInt8(size), b: flags)
        default:
            return .undefined
        }
    }
}

extension CPU {
    /// LDXR, LDAXR (all sizes): a naturally aligned load that tags its physical address.
    /// Acquire semantics need nothing more in an interpreter that performs accesses in order.
    @inline(__always)
    func executeLoadExclusive(_ i: Inst) throws(ArchException) {
        let va = try lsBase(i)
        let v = try readMemory(va, size: 1 &<< Int(i.a), .ordered)
        try lsSetExclusiveMonitor(va)
        exclusiveValue = v
        x[Int(i.rd)] = v
    }

    /// LDXP, LDAXP: the pair is one single-copy atomic access of twice the register size that
    /// must be aligned to that size (pseudocode of LDXP: `Mem[address, dbytes, ...]` with
    /// dbytes = 8 or 16). A W pair is one 8-byte access; an X pair is two 8-byte accesses after
    /// a 16-byte alignment check.
    @inline(__always)
    func executeLoadExclusivePair(_ i: Inst) throws(ArchException) {
        let va = try lsBase(i)
        let v1: UInt64, v2: UInt64
        if i.a == 3 {
            if va & 15 != 0 { throw lsAlignmentFault(va, write: false) }
            v1 = try readMemory(va, size: 8, .ordered)
            v2 = try readMemory(va &+ 8, size: 8, .ordered)
        } else {
            let v = try readMemory(va, size: 8, .ordered)
            v1 = v & 0xFFFF_FFFF
            v2 = v >> 32
        }
        try lsSetExclusiveMonitor(va)
        exclusiveValue = i.a == 3 ? v1 : v1 | v2 << 32
        exclusiveValue2 = v2
        x[Int(i.rd)] = v1
        x[Int(i.ra)] = v2
    }

    /// STXR, STLXR (all sizes).
    @inline(__always)
    func executeStoreExclusive(_ i: Inst) throws(ArchException) {
        let va = try lsBase(i)
        let size = 1 &<< Int(i.a)
        var status: UInt64 = 1
        if try lsCheckExclusiveMonitor(va, bytes: size) {
            if machineLock != nil, let done = try storeExclusiveAtomically(va, size: size, x[Int(i.rd)], 0) {
                status = done ? 0 : 1
            } else {
                try writeMemory(va, size: size, value: x[Int(i.rd)], .ordered)
                status = 0
            }
        }
        x[Int(i.rm)] = status
    }

    /// STXP, STLXP.
    @inline(__always)
    func executeStoreExclusivePair(_ i: Inst) throws(ArchException) {
        let va = try lsBase(i)
        var status: UInt64 = 1
        if i.a == 3 {
            if try lsCheckExclusiveMonitor(va, bytes: 16) {
                let d1 = x[Int(i.rd)], d2 = x[Int(i.ra)]
                if machineLock != nil, let done = try storeExclusiveAtomically(va, size: 16, d1, d2) {
                    status = done ? 0 : 1
                } else {
                    try writeMemory(va, size: 8, value: d1, .ordered)
                    try writeMemory(va &+ 8, size: 8, value: d2, .ordered)
                    status = 0
                }
            }
        } else if try lsCheckExclusiveMonitor(va, bytes: 8) {
            let d = x[Int(i.rd)] & 0xFFFF_FFFF | x[Int(i.ra)] << 32
            if machineLock != nil, let done = try storeExclusiveAtomically(va, size: 8, d, 0) {
                status = done ? 0 : 1
            } else {
                try writeMemory(va, size: 8, value: d, .ordered)
                status = 0
            }
        }
        x[Int(i.rm)] = status
    }

    /// Tag the physical address of a Load-Exclusive (AArch64.SetExclusiveMonitors).
    @inline(__always)
    func lsSetExclusiveMonitor(_ va: UInt64) throws(ArchException) {
        exclusiveAddress = try physicalAddress(va, .ordered)
        exclusiveValid = true
        // Fast stores skip the monitor: the page's write tag goes, and `hostTLBFill` serves
        // none for it while the monitor is set. (A store through another VA of the same page
        // then leaves the monitor set, which B2.9.5 allows.) Taking back every page's write
        // tag instead cost a store miss per page after each of Linux's LL/SC loops.
        // (Written only when set: a page of the table that holds no entry stays uncommitted.)
        let e = decodeCache.hostTLB(cpu: index).entry(va)
        if e.pointee.writeTag != 0 { e.pointee.writeTag = 0 }
    }

    /// The check of a Store-Exclusive (AArch64.ExclusiveMonitorsPass): the alignment fault comes
    /// first; a clear monitor fails without translating (the pseudocode leaves it
    /// IMPLEMENTATION DEFINED whether abort detection comes before the monitor check); otherwise the address
    /// is translated (and may fault), compared with the tagged granule, and the monitor cleared.
    @inline(__always)
    func lsCheckExclusiveMonitor(_ va: UInt64, bytes: Int) throws(ArchException) -> Bool {
        if va & UInt64(bytes &- 1) != 0 { throw lsAlignmentFault(va, write: true) }
        if !exclusiveValid { return false }
        let pa = try physicalAddress(va, [.write, .ordered])
        exclusiveValid = false
        return pa & ~63 == exclusiveAddress & ~63
    }
}
