/// The encoding groups of A64 (ARM DDI 0487, C4.1), one executor each.
@frozen public enum InstGroup: UInt8 {
    /// Marks an empty slot of the decode cache; never produced by the decoder. Zero, so that
    /// a slot array is empty as the host's zero-filled pages give it (DecodeCache's arena),
    /// and the groups are 0..<N, so the run loop's switch needs no range check.
    case notDecoded = 0
    /// Unallocated or not implemented: executing it takes the UNDEFINED exception.
    case undefined
    case dataProcessingImmediate
    case dataProcessingRegister
    case branch
    case exceptionGeneration
    case system
    case loadStore
    /// Scalar floating point (FloatingPoint*.swift).
    case floatingPoint
    /// Advanced SIMD, vector and scalar forms (AdvancedSIMD*.swift).
    case advancedSIMD
    /// Loads and stores of SIMD&FP registers (LoadStoreSIMD*.swift).
    case loadStoreSIMD
    /// AES, SHA1, SHA256 (Cryptographic.swift).
    case cryptographic

    // Fast forms (FastForms.swift). The decode cache gives the hottest encodings one of these
    // groups instead of their own and leaves every other field as the group's decoder wrote
    // it: the run loop dispatches them with one switch to a handler that tests no sf, shift
    // type or op, and the full path (`execute`) runs them as their `genericGroup`.
    // Data processing -- immediate:
    case addImm64, addImm32, subImm64, subImm32, subsImm64, subsImm32, addsImm64, addsImm32
    case andImm, orrImm64, eorImm64, movImm, ubfm64, ubfm32, adr, adrp
    // Data processing -- register: shifted-register forms with LSL (or none), the common ones
    // with LSR, and MADD:
    case andReg64, orrReg64, eorReg64, addReg64, subReg64, subsReg64, andsReg64
    case andReg32, orrReg32, eorReg32, addReg32, subReg32, subsReg32, andsReg32
    case andLsr64, orrLsr64, eorLsr64, addLsr64, subLsr64, andLsr32, orrLsr32, eorLsr32, addLsr32, subLsr32
    case madd64, madd32
    // CSEL and CSINC (the condition's mask, as B.cond's, in `imm`, which they leave unused),
    // ADD (extended register), and from the immediate group SBFM (64-bit) and EXTR (ROR by
    // immediate when Rn = Rm, SHA-256's rotations at 32 bits):
    case csel64, csel32, csinc64, csinc32, addExt64, sbfm64, extr64, extr32
    // Branches (all but ERET):
    case branch26, branchLink, branchCond, cbz64, cbnz64, cbz32, cbnz32, tbz, tbnz, branchReg, branchLinkReg
    // Loads and stores: [Xn, #imm] with a zero-extending load, [Xn, Xm, LSL #s], the post-indexed
    // byte load, and the 64-bit pairs of function prologues and epilogues:
    case ldr8, ldr16, ldr32, ldr64, str8, str16, str32, str64
    case ldrReg32, ldrReg64, ldr8Post, ldp64, ldp64Post, stp64, stp64Pre, strReg32, strReg64
    // Fused pairs: a flag-setting compare whose next slot holds a B.cond. The run loop
    // executes both with one dispatch; every other path runs the compare alone (its
    // `genericGroup`) and the B.cond as its own instruction.
    case subsImm64BCond, subsImm32BCond, subsReg64BCond, subsReg32BCond, andsReg64BCond, andsReg32BCond
    // System: NOP and the barriers; the cache maintenance by VA that only translates (DC CVAC,
    // CVAU, CIVAC, IC IVAU: a kernel cleans a region 64 bytes at a time); DC ZVA.
    case sysNop, dcByVA, dcZVA
    // MRS of the registers a kernel reads all the time: SP_EL0 (arm64 Linux's `current`),
    // TPIDR_EL1 (its per-CPU offset) and DAIF (irqsave), at EL1 or EL2 where nothing traps them.
    case mrsSPEL0, mrsTPIDREL1, mrsDAIF
    // The entry of a translated block (JIT/): `imm` points to the block's header, which keeps
    // the slot's own instruction (`JITBlockHeader.original`); every other field is that
    // instruction's, so the fast loop's reads of a B.cond's mask and target still work.
    case jitBlock
}

/// A decoded instruction: 16 bytes, no references (so the decode cache holds them without reference
/// counting), decoded once and executed many times. Register fields are slots already resolved by
/// `Reg`. The meaning of `op`, `a`, `b` and `imm` belongs to the group: each group's file documents
/// its own use.
@frozen public struct Inst: Equatable {
    public var group: InstGroup
    public var op: UInt8
    public var rd: UInt8
    public var rn: UInt8
    public var rm: UInt8
    public var ra: UInt8
    public var a: UInt8
    public var b: UInt8
    public var imm: UInt64

    @inlinable
    public init(_ group: InstGroup, op: UInt8 = 0, rd: UInt8 = 0, rn: UInt8 = 0, rm: UInt8 = 0, ra: UInt8 = 0,
                a: UInt8 = 0, b: UInt8 = 0, imm: UInt64 = 0) {
        self.group = group; self.op = op; self.rd = rd; self.rn = rn; self.rm = rm; self.ra = ra
        self.a = a; self.b = b; self.imm = imm
    }

    public static let undefined = Inst(.undefined)

    /// `op` as the group's op enum. Every op enum is a UInt8 enum whose cases have the raw
    /// values 0, 1, 2... in order (the default), so the byte is already the enum's in-memory
    /// representation: no validating conversion on the hot path. Only the group's own decoder
    /// writes `op`.
    @inlinable @inline(__always)
    public func opcode<T: RawRepresentable>(as: T.Type) -> T where T.RawValue == UInt8 {
        unsafeBitCast(op, to: T.self)
    }
}

/// A decoded instruction read in place, field by field, where it is used: the run loop's fast
/// path hands the executors a pointer into the decode cache instead of a 16-byte copy, so
/// that an instruction loads only the fields it needs (the copy loaded all of them up front).
@frozen public struct InstRef {
    public let p: UnsafePointer<Inst>
    @inlinable @inline(__always) public init(_ p: UnsafePointer<Inst>) { self.p = p }
    @inlinable public var group: InstGroup { @inline(__always) get { p.pointee.group } }
    @inlinable public var op: UInt8 { @inline(__always) get { p.pointee.op } }
    @inlinable public var rd: UInt8 { @inline(__always) get { p.pointee.rd } }
    @inlinable public var rn: UInt8 { @inline(__always) get { p.pointee.rn } }
    @inlinable public var rm: UInt8 { @inline(__always) get { p.pointee.rm } }
    @inlinable public var ra: UInt8 { @inline(__always) get { p.pointee.ra } }
    @inlinable public var a: UInt8 { @inline(__always) get { p.pointee.a } }
    @inlinable public var b: UInt8 { @inline(__always) get { p.pointee.b } }
    @inlinable public var imm: UInt64 { @inline(__always) get { p.pointee.imm } }
    /// A fast B.cond's condition as its `CPU.conditionTable` entry, in `rd` and `rn`, which
    /// B.cond leaves unused: bit NZCV says whether it is taken.
    @inlinable public var conditionMask: UInt32 {
        @inline(__always) get {
            UInt32(UInt16(littleEndian: UnsafeRawPointer(p).load(fromByteOffset: 2, as: UInt16.self)))
        }
    }
    /// A fast immediate branch's target as a slot of its own page, plus one; 0 when the target
    /// lies in another page (`FastForms.linkBranch`).
    @inlinable public var targetSlot: Int {
        @inline(__always) get {
            Int(UInt16(littleEndian: UnsafeRawPointer(p).load(fromByteOffset: 4, as: UInt16.self)))
        }
    }
    @inlinable @inline(__always)
    public func opcode<T: RawRepresentable>(as: T.Type) -> T where T.RawValue == UInt8 {
        unsafeBitCast(op, to: T.self)
    }
}
