import Stage2MMU

/// Loads and stores of the A32 and T32 instruction sets (ARM DDI 0487, F5: LDR, LDRB, LDRH,
/// LDRSB, LDRSH, LDRD and their stores, with immediate and register offsets, pre- and post-
/// indexing and the unprivileged forms; LDM/STM; the exclusive and acquire/release forms).
extension CPU {
    /// The register number a trap's or data abort's ISS reports for R[n]: to an AArch64 EL2 the
    /// X slot that holds it in the current mode (the AArch64 view, D17.2.40 ISS.SRT); to Hyp mode
    /// R[n] itself (HSR.SRT and HSR.Rt are 4-bit AArch32 register numbers, G8.2.? HSR).
    @inline(__always) func slot32(_ n: UInt8) -> UInt8 { aarch32Only ? n & 15 : r32[Int(n & 15)] }

    /// The address a single load or store accesses, and the base register's value after it if it
    /// writes back: Rn (Align(PC, 4) for a literal) plus or minus an immediate or a shifted Rm,
    /// before (pre-indexed) or after (post-indexed) the access.
    @inline(__always)
    func loadStoreAddress32(_ i: A32Inst) -> (address: UInt32, offsetAddress: UInt32) {
        let base = i.rn == 15 ? alignedPC() : r(UInt32(i.rn))
        let offset: UInt32
        if i.flags.contains(.immediate) {
            offset = i.imm
        } else {
            let m = readR(i.rm)
            offset = shiftC(m, i.shift, immediateShiftAmount(i.shift, i.shiftAmount), carry: nzcv & CPSR.C != 0).0
        }
        let offsetAddress = i.flags.contains(.add) ? base &+ offset : base &- offset
        return (i.flags.contains(.preIndex) ? offsetAddress : base, offsetAddress)
    }

    func executeLoadStore32(_ i: A32Inst) throws(ArchException) {
        let (address, offsetAddress) = loadStoreAddress32(i)
        let va = UInt64(address)
        let acc: AccessKind = i.flags.contains(.unprivileged) ? .unprivileged : []
        let writeBack = i.flags.contains(.writeBack)
        let info: (UInt8, Bool) -> DataAbortInfo? = { [self] size, signed in
            writeBack ? nil : DataAbortInfo(sizeLog2: size, signExtend: signed, rt: slot32(i.rd), sixtyFour: false, acquireRelease: false)
        }
        switch i.op {
        case .ldr, .ldrb, .ldrh, .ldrsb, .ldrsh:
            let size = i.op == .ldr ? 4 : (i.op == .ldrh || i.op == .ldrsh) ? 2 : 1
            let signed = i.op == .ldrsb || i.op == .ldrsh
            let raw = UInt32(truncatingIfNeeded: try readMemory(va, size: size, acc, info: info(UInt8(size.trailingZeroBitCount), signed)))
            let value: UInt32
            switch i.op {
            case .ldrsb: value = UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: raw)))
            case .ldrsh: value = UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: raw)))
            default: value = raw
            }
            if writeBack { setR(UInt32(i.rn), offsetAddress) }
            if i.rd == 15 {
                guard i.op == .ldr else { throw ArchException.undefined }
                bxWritePC(value)
            } else {
                setR(UInt32(i.rd), value)
            }
        case .str, .strb, .strh:
            let size = i.op == .str ? 4 : i.op == .strh ? 2 : 1
            let value = readR(i.rd)
            try writeMemory(va, size: size, value: UInt64(value), acc, info: info(UInt8(size.trailingZeroBitCount), false))
            if writeBack { setR(UInt32(i.rn), offsetAddress) }
        case .ldrd, .strd:
            // Doubleword accesses need word alignment whatever SCTLR.A says (A3.2.1 of the ARMv7 ARM).
            if address & 3 != 0 { throw alignmentFault(va, write: i.op == .strd) }
            let rt2 = i.rs   // Rt2: Rt + 1 in A32, any register in T32
            if i.op == .ldrd {
                let lo = try readMemory(va, size: 4, acc)
                let hi = try readMemory(va &+ 4, size: 4, acc)
                if writeBack { setR(UInt32(i.rn), offsetAddress) }
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: lo))
                setR(UInt32(rt2), UInt32(truncatingIfNeeded: hi))
            } else {
                try writeMemory(va, size: 4, value: UInt64(readR(i.rd)), acc)
                try writeMemory(va &+ 4, size: 4, value: UInt64(readR(rt2)), acc)
                if writeBack { setR(UInt32(i.rn), offsetAddress) }
            }
        default: throw ArchException.undefined
        }
    }

    func alignmentFault(_ va: UInt64, write: Bool) -> ArchException {
        ArchException(.dataAbort(FaultRecord(kind: .alignment), write: write), far: va)
    }

    /// LDM/STM (and PUSH/POP): IA, IB, DA, DB; with ^, the user registers or an exception return.
    func executeBlockTransfer(_ i: A32Inst) throws(ArchException) {
        let list = i.imm & 0xFFFF
        let count = UInt32(list.nonzeroBitCount)
        let base = r(UInt32(i.rn))
        let up = i.flags.contains(.add), before = i.flags.contains(.preIndex)
        var address = up ? base : base &- 4 &* count
        if before == up { address = address &+ 4 }
        if address & 3 != 0 { throw alignmentFault(UInt64(address), write: i.op == .stm) }
        let newBase = up ? base &+ 4 &* count : base &- 4 &* count
        let user = i.flags.contains(.userRegisters)
        let exceptionReturn = user && i.op == .ldm && list & 0x8000 != 0
        if user && !exceptionReturn && (mode32 == .usr || mode32 == .sys) { throw ArchException.undefined }
        if i.op == .stm {
            for n in 0..<16 where list & (1 << n) != 0 {
                let v: UInt32 = n == 15 ? readR(15) : (user ? r(UInt32(n), mode: .usr) : r(UInt32(n)))
                try writeMemory(UInt64(address), size: 4, value: UInt64(v))
                address = address &+ 4
            }
            if i.flags.contains(.writeBack) { setR(UInt32(i.rn), newBase) }
            return
        }
        // Every word is loaded before any register changes, so a fault leaves them all intact.
        var loaded = SIMD16<UInt32>()
        for k in 0..<Int(count) {
            loaded[k] = UInt32(truncatingIfNeeded: try readMemory(UInt64(address), size: 4))
            address = address &+ 4
        }
        if i.flags.contains(.writeBack) && list & (1 << UInt32(i.rn)) == 0 { setR(UInt32(i.rn), newBase) }
        var k = 0
        for n in 0..<15 where list & (1 << n) != 0 {
            if user && !exceptionReturn { setR(UInt32(n), mode: .usr, loaded[k]) } else { setR(UInt32(n), loaded[k]) }
            k += 1
        }
        if list & 0x8000 != 0 {
            if exceptionReturn {
                try exceptionReturn32(to: loaded[k], spsr: try currentSPSR32())
            } else {
                bxWritePC(loaded[k])
            }
        }
    }

    /// LDREX/STREX (every size), LDAEX/STLEX, LDA/STL (B2.9 exclusive monitors). The address
    /// is Rn plus `imm` (T32's LDREX/STREX have an offset; 0 otherwise). A doubleword's Rt2 is
    /// in rs for a load and in rd for a store (the status register Rd is in rs there).
    func executeExclusive32(_ i: A32Inst) throws(ArchException) {
        let va = UInt64(r(UInt32(i.rn)) &+ i.imm)
        let size = Int(i.size)
        // LDA/STL and LDAEX/STLEX (the .spsr flag marks acquire/release) are ARMv8's.
        if i.op == .lda || i.op == .stl || i.flags.contains(.spsr) { try requireARMv8AArch32() }
        let ordered: AccessKind = i.op == .lda || i.op == .stl || i.flags.contains(.exclusive) ? .ordered : []
        switch i.op {
        case .ldrex, .lda:
            if i.op == .ldrex { try lsSetExclusiveMonitor(va) }
            if size == 8 {
                let v = try readMemory(va, size: 8, ordered)
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: v))
                setR(UInt32(i.rs), UInt32(truncatingIfNeeded: v >> 32))
            } else {
                setR(UInt32(i.rd), UInt32(truncatingIfNeeded: try readMemory(va, size: size, ordered)))
            }
        case .strex:
            let value = size == 8 ? UInt64(r(UInt32(i.rm))) | UInt64(r(UInt32(i.rd))) << 32 : UInt64(r(UInt32(i.rm)))
            try checkAlignment(va, size: size, [.ordered, .write])
            if try lsCheckExclusiveMonitor(va, bytes: size) {
                try writeMemory(va, size: size, value: value, .ordered)
                setR(UInt32(i.rs), 0)
            } else {
                setR(UInt32(i.rs), 1)
            }
        case .stl:
            try writeMemory(va, size: size, value: UInt64(r(UInt32(i.rm))), .ordered)
        case .clrex:
            exclusiveValid = false
        default: throw ArchException.undefined
        }
    }
}
