/// The operations of the A32 instruction set, and the decoded form the A32 (and later T32)
/// decoders produce for one executor (A32Execute*.swift). Names follow the Arm ARM
/// (ARM DDI 0487, F5 "A32 Base Instruction Descriptions").
@frozen public enum A32Op: UInt8 {
    case undefined
    // Data processing: the opcode order of the encoding's bits 24:21 (F4.1.x "Data-processing").
    case and, eor, sub, rsb, add, adc, sbc, rsc, tst, teq, cmp, cmn, orr, mov, bic, mvn
    case movw, movt
    // Multiplies.
    case mul, mla, mls, umaal, umull, umlal, smull, smlal
    case smlaxy, smulwy, smlawy, smlalxy, smulxy
    case smlad, smlsd, smlald, smlsld, smmla, smmls, sdiv, udiv
    // Saturating, parallel and miscellaneous arithmetic.
    case qadd, qsub, qdadd, qdsub
    case parallel          // imm: (prefix << 3) | op, see executeParallel
    case usad8
    case clz, rev, rev16, revsh, rbit
    case sxtb, sxth, uxtb, uxth, sxtb16, uxtb16
    case ssat, usat, ssat16, usat16, pkh, sel
    case sbfx, ubfx, bfi, bfc
    case crc32, crc32c      // size: 1, 2 or 4 bytes of Rm
    // Branches.
    case b, bl, blxImm, bx, blxReg
    // Loads and stores.
    case ldr, ldrb, str, strb, ldrh, strh, ldrsb, ldrsh, ldrd, strd
    case ldm, stm
    case ldrex, strex, lda, stl     // size in `size`, exclusive/ordered in flags
    case clrex
    // Status registers and exceptions.
    case mrs, msr, mrsBanked, msrBanked, cps, setend
    case svc, hvc, smc, bkpt, hlt, udf, eret, srs, rfe
    // Coprocessors (CP14, CP15; CP10/CP11 are the FP and Advanced SIMD space).
    case mcr, mrc, mcrr, mrrc
    /// A floating-point (VFP) instruction: `imm` holds bits 27:0 of its encoding, which
    /// AArch32SIMD/VFP.swift decodes (the same bits in A32 and T32).
    case vfp
    /// An Advanced SIMD instruction: `imm` holds its whole encoding in the A32 form (1111 001U
    /// data processing, 1111 0100 loads and stores; T32 encodings are rewritten to it), which
    /// AArch32SIMD/NEONDecoder.swift decodes.
    case neon
    // Hints and barriers.
    case nop, yield, wfe, wfi, sev, sevl, dmb, dsb, isb
    // T32-only operations (T32Decoder; F3 "T32 Base Instruction Set Encoding"):
    // ORN (Rd = Rn OR NOT operand2, a data-processing op with the same fields as ORR), IT
    // (imm = firstcond:mask, the new ITSTATE), CBZ/CBNZ (rn, imm = the offset from PC), and
    // TBB/TBH (rn = table, rm = index, size = 1 for TBB, 2 for TBH).
    case orn, it, cbz, cbnz, tbb
}

/// Shift types of a shifted register operand (F1.4.x "Shift and rotate operations").
@frozen public enum A32Shift: UInt8 { case lsl = 0, lsr = 1, asr = 2, ror = 3 }

/// One decoded A32 or T32 instruction: the operation and its fields. Register numbers are
/// AArch32 register numbers (0-15); the executor maps them to the current mode's X slots.
@frozen public struct A32Inst: Equatable {
    public var op: A32Op
    public var cond: UInt8 = 0xE
    public var rd: UInt8 = 0
    public var rn: UInt8 = 0
    public var rm: UInt8 = 0
    /// Rs of a register-shifted operand, Ra of a multiply-accumulate, Rt2 of a pair.
    public var rs: UInt8 = 0
    public var shift: A32Shift = .lsl
    public var shiftAmount: UInt8 = 0
    /// Immediates, register lists, coprocessor fields (see each op).
    public var imm: UInt32 = 0
    public var flags: A32Flags = []
    /// Access size in bytes for the exclusive and acquire/release forms.
    public var size: UInt8 = 4
    /// 2 for a 16-bit T32 encoding, 4 otherwise.
    public var length: UInt8 = 4
    /// The loop's shortcut for this instruction (AArch32FastForms.swift), set by the decode
    /// memo; the decoders leave it `.none`.
    public var fast: A32FastForm = .none

    @inlinable public init(_ op: A32Op) { self.op = op }
}

/// Bits of an A32 encoding that change what an operation does.
@frozen public struct A32Flags: OptionSet, Equatable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// S: set the flags.
    public static let setFlags = A32Flags(rawValue: 1 << 0)
    /// The second operand is an immediate (`imm`, with its rotation's carry in `carryOut`).
    public static let immediate = A32Flags(rawValue: 1 << 1)
    /// The shift amount comes from Rs.
    public static let registerShift = A32Flags(rawValue: 1 << 2)
    /// P, U, W of the addressing modes.
    public static let preIndex = A32Flags(rawValue: 1 << 3)
    public static let add = A32Flags(rawValue: 1 << 4)
    public static let writeBack = A32Flags(rawValue: 1 << 5)
    /// LDRT/STRT and friends: the access is checked as at EL0.
    public static let unprivileged = A32Flags(rawValue: 1 << 6)
    /// LDM/STM with ^: user registers, or an exception return when PC is loaded.
    public static let userRegisters = A32Flags(rawValue: 1 << 7)
    /// Exclusive access (LDREX/STREX, LDAEX/STLEX).
    public static let exclusive = A32Flags(rawValue: 1 << 8)
    /// Load (the L bit) for coprocessor moves and the shared exclusive/ordered ops.
    public static let load = A32Flags(rawValue: 1 << 9)
    /// An immediate whose rotation sets the carry (ARMExpandImm_C with a nonzero rotation).
    public static let carryOut = A32Flags(rawValue: 1 << 10)
    /// The carry out of the immediate's rotation is 1.
    public static let carryOne = A32Flags(rawValue: 1 << 11)
    /// Multiply operand halves and rounding (the x, y, R and X bits of the DSP multiplies).
    public static let topN = A32Flags(rawValue: 1 << 12)
    public static let topM = A32Flags(rawValue: 1 << 13)
    public static let round = A32Flags(rawValue: 1 << 14)
    /// SPSR rather than CPSR (MRS/MSR), or the exchange bit of dual 16-bit multiplies.
    public static let spsr = A32Flags(rawValue: 1 << 15)
    // T32 and IT blocks (F3.1 "T32 instruction set encoding"; the IT rules of F2.? "Conditional
    // execution"). The decoder cannot see ITSTATE, so it says what the loop must check.
    /// 16-bit data processing: S is !InITBlock(); the loop adds `setFlags` outside an IT block.
    public static let setFlagsOutsideIT = A32Flags(rawValue: 1 << 16)
    /// UNPREDICTABLE inside an IT block (IT, CBZ/CBNZ, CPS, SETEND, B<c>, MOVS Rd, Rm): UNDEFINED there.
    public static let notInITBlock = A32Flags(rawValue: 1 << 17)
    /// Writes the PC: UNPREDICTABLE inside an IT block unless it is the block's last
    /// instruction (InITBlock() && !LastInITBlock()): UNDEFINED there.
    public static let lastInITBlock = A32Flags(rawValue: 1 << 18)
}
