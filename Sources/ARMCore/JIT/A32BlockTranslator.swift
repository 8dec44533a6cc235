// The A32 block translator: a run of A32 instructions of one page, from a hot branch target to
// its first branch (included) or first instruction it cannot translate (excluded), becomes
// x86-64 code that does what the AArch32 fast loop (`CPU.runSlots32`) does for each, one
// after another, so that the interpreter stays the reference: same results, same instruction
// counts, same exception points. Host registers as in BlockTranslator.swift (RBX the register
// file, R12 the context, R13 instructions left, R14 the host TLB, R15/RBP the tag epochs); the
// prologue and the shared epilogue are the A64 blocks'.
//
// Why a block checks its own words: A32 slots are validated by content, not dropped when
// their code is written (AArch32FetchCache.swift), and A32 code pages keep their write tags,
// so nothing tells a block that its code changed. Each block therefore compares, at entry,
// the guest words it was made from with the words now at its PC's page offsets (through the
// code page's host pointer) and with them the register bank it was made for (it addresses
// R8-R14 of one mode). On a mismatch it leaves (`A32JIT.stale`), the loop gives the slot its
// instruction back and runs on interpreted. Since the check is by content, a block is right
// for any PC with the same page offset and words: PC-relative values come from the page's VA
// at run time. A store from the block into its own later words leaves before the store, so
// the loop runs the new code, as the interpreter would.
//
// A block never runs past the budget (it declines at entry when fewer instructions are left
// than it has); a load or store whose page the host TLB does not hold, or that is misaligned
// where that matters, leaves before the instruction, which the loop then runs.

/// The words of the context (`JITContext`) that only A32 blocks read; they overlay A64 ones
/// that A32 blocks do not use.
enum A32JITContext {
    /// The host address of the page `JITContext.pageVA` names.
    static let codeHost: Int32 = 72
    /// The current mode's register bank (`CPU.r32`: a row of `BankedRegisters.table`, R[n] is
    /// X[bank[n]]).
    static let bank: Int32 = 80
    /// The A32 half of the CPU's slot table (`AArch32DecodeMemo.slots`).
    static let slots: Int32 = 88
    /// Which `A32CP15Form` bits the current EL may run without a trap or UNDEFINED, as of
    /// the block's entry (only the full path changes the EL or the trap controls), and the
    /// CPU's system registers, which MRC reads.
    static let cp15Fast: Int32 = 96
    static let sysregs: Int32 = 104
}

/// The MRC/MCR forms blocks run themselves: reads of the thread ID registers (Linux's
/// `current` and TLS) and the cache maintenance and barriers that do nothing here. Each has
/// the bit of `A32JITContext.cp15Fast` under which `coprocessorMove32` would do just that
/// (`CPU.cp15FastMask`); without it the block leaves for the full path.
enum A32CP15Form {
    static let readAnyPL: UInt8 = 1, readPL1: UInt8 = 2, toCoherency: UInt8 = 4, toUnification: UInt8 = 8, barrier: UInt8 = 16

    /// The bit, and for MRC the register read, by `AArch32View.key`.
    private static let mrc: [UInt32: (UInt8, SysReg)] = {
        var d: [UInt32: (UInt8, SysReg)] = [:]
        for (key, r) in CP15.byKey {
            guard let sys = r.reg else { continue }
            switch r.name {
            case "TPIDRURO", "TPIDRURW": d[key] = (readAnyPL, sys)
            case "TPIDRPRW": d[key] = (readPL1, sys)
            default: break
            }
        }
        return d
    }()
    private static let mcr: [UInt32: UInt8] = {
        var d: [UInt32: UInt8] = [:]
        for (key, r) in CP15.byKey {
            switch r.special {
            case .cacheMaintenance where !r.name.hasSuffix("SW"):
                d[key] = r.name.hasSuffix("MVAC") ? toCoherency : toUnification
            case .barrier:
                d[key] = barrier
            default: break
            }
        }
        return d
    }()

    static func of(_ i: A32Inst) -> (bit: UInt8, read: SysReg?)? {
        guard i.rd != 15 else { return nil }
        if i.op == .mrc, let (bit, reg) = mrc[i.imm] { return (bit, reg) }
        if i.op == .mcr, let bit = mcr[i.imm] { return (bit, nil) }
        return nil
    }
}

enum A32JIT {
    /// The exit of a block whose words or register bank are not those it was made from:
    /// nextPC is its first instruction, nothing was done.
    static let stale = 5
    /// Offsets in a slot (`A32Inst`) that generated code reads.
    static let fastOffset = MemoryLayout<A32Inst>.offset(of: \.fast) ?? 0
    static let immOffset = MemoryLayout<A32Inst>.offset(of: \.imm) ?? 0
    static var layoutMatches: Bool {
        MemoryLayout<A32Inst>.offset(of: \.fast) != nil && MemoryLayout<A32Inst>.offset(of: \.imm) != nil
    }
}

struct A32BlockTranslator {
    static let maxInstructions = 40
    private static let x = X86Reg.rbx, ctx = X86Reg.r12, left = X86Reg.r13, tlb = X86Reg.r14
    private static let readEpoch = X86Reg.r15, writeEpoch = X86Reg.rbp

    /// Whether the translator handles a slot's instruction (its fast form, `classifySlot`).
    static func translates(_ i: A32Inst) -> Bool {
        switch i.op {
        case .nop, .yield, .dmb, .dsb, .isb:
            // Nothing to do (`executeSystem32`): no-ops here as there.
            return i.fast == .none
        case .udiv, .sdiv:
            return i.rd != 15 && i.rn != 15 && i.rm != 15
        case .clz, .rev:
            return i.fast == .misc && i.rm != 15
        case .ubfx, .sbfx:
            return i.fast == .misc && i.rn != 15 && UInt32(i.shiftAmount) + i.imm + 1 <= 32
        case .ldrd, .strd:
            return i.fast == .loadStore && !i.flags.has(.unprivileged) && i.rn != 15 && i.rs != 15
                && (i.flags.has(.immediate) || (i.rm != 15 && i.shift == .lsl && i.shiftAmount == 0))
        case .ldr where isLoadPC(i):
            return true
        case .mrc, .mcr:
            return A32CP15Form.of(i) != nil
        default:
            break
        }
        switch i.fast {
        case .movImm, .mvnImm, .addImm, .subImm, .movReg, .addReg, .subReg, .cmpImm, .cmpReg,
             .addsImm, .subsImm, .cmnImm, .addsReg, .subsReg, .cmnReg,
             .andImm, .orrImm, .eorImm, .bicImm, .andReg, .orrReg, .eorReg, .bicReg,
             .logicalFlags, .lslImm, .lsrImm, .asrImm, .movw, .movt, .mul, .mla, .uxtb, .uxth,
             .ldrImm, .strImm, .ldrbImm, .strbImm, .ldrPost, .strPost, .ldrbPost, .strbPost,
             .ldrReg, .strReg, .ldrbReg, .strbReg, .ldrhImm, .strhImm, .b, .bl, .bx, .blxReg:
            return true
        case .dataProcessing:
            return genericDataProcessing(i)
        case .multiply:
            // MUL/MLA/MLS with or without S, the long ones without.
            switch i.op {
            case .mul, .mla, .mls: return true
            case .umull, .umlal, .smull, .smlal: return !i.flags.has(.setFlags)
            default: return false
            }
        case .stm, .ldm, .ldmPC:
            return true
        case .loadStore:
            return genericLoadStore(i)
        default:
            return false
        }
    }

    /// Data processing the generic emitter handles: a register-shifted operand only where
    /// its carry is not needed, and no shift by #0 other than LSL (LSR/ASR #32 and RRX).
    private static func genericDataProcessing(_ i: A32Inst) -> Bool {
        if i.flags.has(.registerShift) {
            // By a register: only where the shifter's carry is not used (`registerShift`).
            let logical = [.and, .eor, .tst, .teq, .orr, .mov, .bic, .mvn, .orn].contains(i.op)
            if (logical && i.flags.has(.setFlags)) || i.rs == 15 { return false }
        }
        // (A shift by a register of any type is `registerShift`'s.)
        if !i.flags.has(.immediate) && !i.flags.has(.registerShift) && i.shift != .lsl && i.shiftAmount == 0 {
            return false
        }
        switch i.op {
        case .and, .eor, .sub, .rsb, .add, .adc, .sbc, .rsc, .tst, .teq, .cmp, .cmn, .orr, .mov, .bic, .mvn, .orn:
            return true
        default:
            return false
        }
    }

    /// Single loads and stores of bytes, halfwords and words with an immediate or an LSL'd
    /// register offset, any indexing; a PC base only without writeback (literal loads).
    private static func genericLoadStore(_ i: A32Inst) -> Bool {
        switch i.op {
        case .ldr, .ldrb, .str, .strb, .ldrh, .strh, .ldrsb, .ldrsh: break
        default: return false
        }
        if i.flags.has(.unprivileged) || i.rd == 15 { return false }
        if !i.flags.has(.immediate) && (i.rm == 15 || i.shift != .lsl) { return false }
        if i.rn == 15 && (i.flags.has(.writeBack) || !i.flags.has(.preIndex)) { return false }
        return true
    }

    /// LDR PC, [Rn, #±imm] in any indexing (POP {PC} is one): LoadWritePC, a branch.
    static func isLoadPC(_ i: A32Inst) -> Bool {
        i.op == .ldr && i.rd == 15 && i.fast == .none && i.flags.has(.immediate) && !i.flags.has(.unprivileged)
            && i.rn != 15
    }

    static func endsBlock(_ i: A32Inst) -> Bool {
        if isLoadPC(i) { return true }
        switch i.fast {
        case .b, .bl, .bx, .blxReg, .ldmPC: return true
        default: return false
        }
    }

    // MARK: one block

    private var a: X86Assembler
    /// The page offset of the block's first instruction.
    private let first: Int
    /// The register bank the block was made for, and its row's address.
    private let bank: [UInt8]
    private let bankRow: UInt64
    private let origin: Int
    private let epilogue: Int
    /// The code buffer's base: chained jumps go to a slot's block by its offset.
    private let bufferBase: UInt
    private var stubs: [Stub] = []
    /// The JMPs to the dispatch for page offsets of this page without a block (`emit`).
    private var open: [(at: Int, target: Int)] = []
    /// Code buffer offsets of the blocks made for page offsets where this one goes on.
    private let chains: [Int: Int]
    /// The entry's decline, and the body after the entry's checks: a branch back to the
    /// block's own start goes there, after its budget check. Its words need no check again
    /// (a store of the block into its own words leaves before it, `ownStore`), nor its bank.
    private let decline = X86Label()
    private let body = X86Label()
    /// The code position where the host flags hold the guest's NZCV (as `JITFlags` has them,
    /// CF as NOT C), and whether they do there.
    private enum Live { case none, all }
    private var liveAt = -1
    private var liveKind = Live.none
    /// Whether the instruction after the one being emitted reads the flags.
    private var nextReadsFlags = false

    private enum Stub {
        /// nextPC = the page's VA + offset, `done` instructions off the budget, return `exit`;
        /// `saveVA`: EAX holds the access's address, for faultVA.
        case exit(X86Label, offset: Int, done: Int, exit: Int, saveVA: Bool)
        /// A misaligned access: the full path if SCTLR.A is set or it crosses a page, else back.
        case misaligned(X86Label, back: X86Label, slow: X86Label, size: Int)
        /// The entry's words or bank are not the block's: `A32JIT.stale` at its first
        /// instruction, with the block's offset in the code buffer in faultVA, so that the
        /// jumps other blocks were given to it go back to the dispatch (`A32Blocks.wentStale`).
        case stale(X86Label)
    }

    private init(first: Int, bank: UnsafeMutablePointer<UInt8>, origin: Int, epilogue: Int, bufferBase: UInt,
                 chains: [Int: Int], into a: X86Assembler) {
        self.a = a
        self.chains = chains
        self.first = first; self.bank = (0..<16).map { bank[$0] }
        self.bankRow = UInt64(UInt(bitPattern: bank))
        self.origin = origin; self.epilogue = epilogue
        self.bufferBase = bufferBase
    }

    /// Bytes from a block's header to the body that chained blocks jump to.
    static var bodyOffset: Int { BlockTranslator.bodyOffset }

    /// Write the code (header included) for `insts` (with the words they were decoded from),
    /// which start at page offset `first`, for the register bank `bank`, through `a`, which
    /// writes at `origin` of the code buffer; returns its length, whether it did not fit, and
    /// its open chains: where in its code (the offset of a JMP's rel32) it goes to the
    /// dispatch for a page offset of its page that had no block yet (`A32Blocks.awaitBlock`).
    static func emit(_ insts: [(A32Inst, UInt32)], first: Int, bank: UnsafeMutablePointer<UInt8>, origin: Int, epilogue: Int,
                     bufferBase: UInt, chains: [Int: Int] = [:], into a: X86Assembler)
        -> (length: Int, full: Bool, open: [(at: Int, target: Int)]) {
        var t = A32BlockTranslator(first: first, bank: bank, origin: origin, epilogue: epilogue, bufferBase: bufferBase,
                                   chains: chains, into: a)
        t.emit(insts)
        return (t.a.count, t.a.overflowed, t.open)
    }

    private mutating func emit(_ insts: [(A32Inst, UInt32)]) {
        for _ in 0..<JITBlockHeader.size { a.raw(0) }
        BlockTranslator.emitPrologue(&a)
        let n = insts.count
        // Entry: the budget, the register bank, the words.
        let stale = X86Label()
        a.aluImm(.cmp, Self.left, Int32(n))
        a.jcc(.b, decline)
        stubs.append(.exit(decline, offset: first, done: 0, exit: JITExit.decline.rawValue, saveVA: false))
        stubs.append(.stale(stale))
        // The bank is a row of `BankedRegisters.table`, one per mode: its address names it.
        a.movImm(.rax, bankRow)
        a.aluMem(.cmp, .rax, Self.ctx, A32JITContext.bank)
        a.jcc(.ne, stale)
        a.load(.rax, Self.ctx, A32JITContext.codeHost)
        // Two words at a time where they are two (x86 is little-endian, as is the page).
        var w = 0
        while w < n {
            if w + 1 < n {
                a.movImm(.rdx, UInt64(insts[w].1) | UInt64(insts[w + 1].1) << 32)
                a.aluMem(.cmp, .rdx, .rax, Int32(first + 4 * w))
                w += 2
            } else {
                a.cmpMem32(.rax, Int32(first + 4 * w), insts[w].1)
                w += 1
            }
            a.jcc(.ne, stale)
        }
        bind(body)
        var ended = false
        var k = 0
        while k < n {
            let i = insts[k].0
            if Self.endsBlock(i) {
                nextReadsFlags = false
                branch(i, k: k, off: first + 4 * k, count: n)
                ended = true
                break
            }
            // A run of instructions with one condition, none but the last setting the flags,
            // tests it once.
            var g = k + 1
            if i.cond != 0xE {
                while g < n && insts[g].0.cond == i.cond && !Self.endsBlock(insts[g].0)
                        && !Self.setsFlags(insts[g - 1].0) {
                    g += 1
                }
            }
            let group = insts[k..<g].map { $0.0 }
            let keeps = group.allSatisfy { Self.keepsHostFlags($0) }
            let skip = X86Label()
            var after = live()
            if i.cond != 0xE {
                condition(i.cond, else: skip)
                after = live()
            }
            for j in k..<g {
                // Whether the next instruction reads the flags: then a flag-setter leaves them live.
                nextReadsFlags = j + 1 < n && Self.readsFlags(insts[j + 1].0)
                instruction(insts[j].0, k: j, off: first + 4 * j, end: first + 4 * n)
            }
            // (Bound only where jumped to: a bind forgets the host flags.)
            if i.cond != 0xE { bind(skip) }
            // Only MOVs ran since the flags were live (or the condition's test): they still
            // are, on both ways.
            if keeps { setLive(after) }
            k = g
        }
        if !ended {
            a.aluImm(.sub, Self.left, Int32(n))
            goOn(at: first + 4 * n)
        }
        for s in stubs { emitStub(s) }
    }

    // MARK: pieces

    /// The displacement of R[n] in the register file.
    private func slot(_ n: UInt8) -> Int32 { Int32(bank[Int(n & 15)]) * 8 }

    /// r = R[n] (32 bits, zero-extended).
    private mutating func ld(_ r: X86Reg, _ n: UInt8) { a.load(r, Self.x, slot(n), size: 4) }

    /// R[n] = r, whose upper half is zero (every value here comes from a 32-bit operation).
    private mutating func st(_ n: UInt8, _ r: X86Reg) { a.store(Self.x, slot(n), r) }

    /// r = the page's VA + offset (32 bits: the PC wraps at 4 GiB).
    private mutating func pcPlus(_ r: X86Reg, _ offset: Int) {
        a.load(r, Self.ctx, JITContext.pageVA, size: 4)
        if offset != 0 { a.aluImm(.add, r, Int32(offset), wide: false) }
    }

    /// What the host flags hold here.
    private func live() -> Live { a.count == liveAt ? liveKind : .none }

    /// The host flags hold `k` of the guest's here.
    private mutating func setLive(_ k: Live) { liveAt = k == .none ? -1 : a.count; liveKind = k }

    /// Labels are bound through here: code that jumps to one may come with other host flags.
    private mutating func bind(_ l: X86Label) {
        a.bind(l)
        liveAt = -1
    }

    /// Conditional instructions and those with a carry in read the flags.
    static func readsFlags(_ i: A32Inst) -> Bool {
        if i.cond != 0xE { return true }
        switch i.fast {
        case .dataProcessing: return [.adc, .sbc, .rsc].contains(i.op)
        default: return false
        }
    }

    /// Whether an instruction (not a branch) writes NZCV.
    static func setsFlags(_ i: A32Inst) -> Bool {
        switch i.fast {
        case .cmpImm, .cmpReg, .cmnImm, .cmnReg, .addsImm, .subsImm, .addsReg, .subsReg, .logicalFlags:
            return true
        case .dataProcessing, .multiply:
            return i.flags.has(.setFlags)
        default:
            return false
        }
    }

    /// The forms whose code is MOVs only (no host flag changes).
    static func keepsHostFlags(_ i: A32Inst) -> Bool {
        switch i.fast {
        case .movImm, .mvnImm, .movw, .movReg: return true
        case .dataProcessing:
            return i.op == .mov && !i.flags.has(.setFlags) && (i.flags.has(.immediate) || i.shiftAmount & 31 == 0)
                && !i.flags.has(.registerShift)
        default: return false
        }
    }

    /// Skip to `skip` unless the condition holds (F1.? "Conditional execution"), with the
    /// flags kept as `JITFlags` keeps them (CF as NOT C): from the host flags where they are
    /// live, else one bit of the context's word for the one-flag conditions (a byte test costs
    /// less than setting the host flags, even for two readers), else the host flags set from
    /// that word, which stay live. Uses RAX.
    private mutating func condition(_ cond: UInt8, else skip: X86Label) {
        guard let cc = BlockTranslator.hostCondition(cond), let not = X86Cond(rawValue: cc.rawValue ^ 1) else { return }
        let l = live()
        if l == .all {
            a.jcc(not, skip)
            setLive(.all)
            return
        }
        if let (bit, holdsWhenSet) = JITFlags.singleFlag(cond) {
            // One flag: a byte test of its bit in the word; skip when the condition fails.
            a.testByte(Self.ctx, JITContext.nzcv + Int32(bit >> 3), 1 << (bit & 7))
            a.jcc(holdsWhenSet ? .e : .ne, skip)
            return
        }
        a.loadHostFlags(Self.ctx)
        a.jcc(not, skip)
        setLive(.all)
    }

    private enum FlagKind { case sub, add }

    /// The flags of the 32-bit add or subtract just done, kept as `JITFlags` keeps them:
    /// AddWithCarry's C of a subtraction (the ARM ARM's shared pseudocode: x + NOT y + 1) is
    /// NOT borrow, so x86's CF after SUB/SBB is NOT C already and after ADD/ADC is
    /// complemented; x86's OF is V in both. The result in EAX is stored to `rd` first
    /// (MOV leaves the flags); the host flags stay live. Uses RAX.
    private mutating func arithmeticFlags(_ k: FlagKind, store rd: UInt8? = nil) {
        if let rd = rd { st(rd, .rax) }
        if k == .add { a.cmc() }
        a.storeHostFlags(Self.ctx)
        setLive(.all)
    }

    /// How a logical instruction's C comes out: kept, a constant, or NOT C in R10's low byte.
    private enum Carry { case kept, constant(Bool), r10 }

    /// N and Z from EAX (already stored where it goes), C as `carry` says, V kept; the host
    /// flags are set from the word too when the next instruction reads them.
    private mutating func logicalFlags(_ carry: Carry) {
        a.test(.rax, .rax, wide: false)
        a.lahf()
        a.aluImm(.and, .rax, 0xC000, wide: false)
        a.load(.rcx, Self.ctx, JITContext.nzcv, size: 4)
        switch carry {
        case .kept:
            a.aluImm(.and, .rcx, 0x101, wide: false)
        case .constant(let one):
            a.aluImm(.and, .rcx, 1, wide: false)
            if !one { a.aluImm(.or, .rcx, 0x100, wide: false) }
        case .r10:
            a.aluImm(.and, .rcx, 1, wide: false)
            a.movzx8(.r10, .r10)
            a.shift(.shl, .r10, 8, wide: false)
            a.alu(.or, .rcx, .r10, wide: false)
        }
        a.alu(.or, .rax, .rcx, wide: false)
        a.store(Self.ctx, JITContext.nzcv, .rax, size: 2)
        if nextReadsFlags {
            a.setHostFlagsFromAX()
            setLive(.all)
        }
    }

    /// x86's CF = PSTATE.C (for ADC; `borrow`: NOT C, for SBB: SBC and RSC are
    /// AddWithCarry(x, NOT y, C), x - y - NOT C), from the host flags if `l` says they are live.
    private mutating func carryIn(_ l: Live, borrow: Bool = false) {
        if l != .all {
            a.load(.rdx, Self.ctx, JITContext.nzcv, size: 4)
            a.btImm32(.rdx, 8)
        }
        if !borrow { a.cmc() }
    }

    // MARK: instructions

    private mutating func instruction(_ i: A32Inst, k: Int, off: Int, end: Int) {
        switch i.op {
        case .nop, .yield, .dmb, .dsb, .isb:
            return
        case .udiv, .sdiv:
            divide(i)
            return
        case .clz:
            ld(.rcx, i.rm)
            a.movImm(.rdx, 0xFFFF_FFFF)
            a.bsr(.rax, .rcx, wide: false)
            a.cmov(.e, .rax, .rdx)           // a zero source: 31 - (-1) = 32
            a.not(.rax, negate: true, wide: false)
            a.aluImm(.add, .rax, 31, wide: false)
            st(i.rd, .rax)
            return
        case .rev:
            ld(.rax, i.rm)
            a.bswap(.rax, wide: false)
            st(i.rd, .rax)
            return
        case .ubfx, .sbfx:
            let lsb = i.shiftAmount, width = UInt8(i.imm + 1)
            ld(.rax, i.rn)
            if i.op == .ubfx {
                if lsb != 0 { a.shift(.shr, .rax, lsb, wide: false) }
                if width < 32 { a.aluImm(.and, .rax, Int32(bitPattern: (1 << UInt32(width)) &- 1), wide: false) }
            } else {
                let up = 32 - lsb - width
                if up != 0 { a.shift(.shl, .rax, up, wide: false) }
                if width < 32 { a.shift(.sar, .rax, 32 - width, wide: false) }
            }
            st(i.rd, .rax)
            return
        case .ldrd, .strd:
            pair(i, k: k, off: off, end: end)
            return
        case .mrc, .mcr:
            coprocessor(i, k: k, off: off)
            return
        default:
            break
        }
        switch i.fast {
        case .movImm, .mvnImm, .movw:
            a.movImm(.rax, UInt64(i.fast == .mvnImm ? ~i.imm : i.imm))
            st(i.rd, .rax)
        case .movt:
            ld(.rax, i.rd)
            a.aluImm(.and, .rax, 0xFFFF, wide: false)
            if i.imm & 0xFFFF != 0 { a.aluImm(.or, .rax, Int32(bitPattern: (i.imm & 0xFFFF) << 16), wide: false) }
            st(i.rd, .rax)
        case .addImm, .subImm, .andImm, .orrImm, .eorImm, .bicImm:
            ld(.rax, i.rn)
            let op: X86Assembler.ALU = [.addImm: .add, .subImm: .sub, .andImm: .and, .orrImm: .or, .eorImm: .xor][i.fast] ?? .and
            a.aluImm(op, .rax, Int32(bitPattern: i.fast == .bicImm ? ~i.imm : i.imm), wide: false)
            st(i.rd, .rax)
        case .movReg:
            ld(.rax, i.rm)
            st(i.rd, .rax)
        case .addReg, .subReg, .andReg, .orrReg, .eorReg, .bicReg:
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            if i.fast == .bicReg { a.not(.rcx, wide: false) }
            let op: X86Assembler.ALU = [.addReg: .add, .subReg: .sub, .andReg: .and, .orrReg: .or, .eorReg: .xor][i.fast] ?? .and
            a.alu(op, .rax, .rcx, wide: false)
            st(i.rd, .rax)
        case .cmpImm, .cmnImm, .addsImm, .subsImm:
            ld(.rax, i.rn)
            let sub = i.fast == .cmpImm || i.fast == .subsImm
            a.aluImm(sub ? .sub : .add, .rax, Int32(bitPattern: i.imm), wide: false)
            arithmeticFlags(sub ? .sub : .add, store: i.fast == .addsImm || i.fast == .subsImm ? i.rd : nil)
        case .cmpReg, .cmnReg, .addsReg, .subsReg:
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            let sub = i.fast == .cmpReg || i.fast == .subsReg
            a.alu(sub ? .sub : .add, .rax, .rcx, wide: false)
            arithmeticFlags(sub ? .sub : .add, store: i.fast == .addsReg || i.fast == .subsReg ? i.rd : nil)
        case .logicalFlags:
            if i.flags.has(.immediate) { a.movImm(.rcx, UInt64(i.imm)) } else { ld(.rcx, i.rm) }
            logic(i.op, rn: i.rn)
            if i.op != .tst && i.op != .teq { st(i.rd, .rax) }
            logicalFlags(.kept)
        case .lslImm, .lsrImm, .asrImm:
            ld(.rax, i.rm)
            let amount = i.shiftAmount & 31
            if amount != 0 {
                a.shift(i.fast == .lslImm ? .shl : i.fast == .lsrImm ? .shr : .sar, .rax, amount, wide: false)
            }
            st(i.rd, .rax)
        case .mul, .mla:
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            a.imul(.rax, .rcx, wide: false)
            if i.fast == .mla {
                ld(.rcx, i.rs)
                a.alu(.add, .rax, .rcx, wide: false)
            }
            st(i.rd, .rax)
        case .uxtb, .uxth:
            ld(.rax, i.rm)
            let rotation = i.shiftAmount & 31
            if rotation != 0 { a.shift(.ror, .rax, rotation, wide: false) }
            if i.fast == .uxtb { a.movzx8(.rax, .rax) } else { a.movzx16(.rax, .rax) }
            st(i.rd, .rax)
        case .dataProcessing:
            dataProcessing(i)
        case .multiply:
            multiply(i)
        case .stm, .ldm:
            blockTransfer(i, k: k, off: off, end: end)
        default:
            memory(i, k: k, off: off, end: end)
        }
    }

    /// `executeMultiply` for MUL, MLA, MLS (S: N and Z from the result) and the long
    /// multiplies without S (RdHi in `rd`, RdLo in `rs`).
    private mutating func multiply(_ i: A32Inst) {
        ld(.rax, i.rn)
        ld(.rcx, i.rm)
        switch i.op {
        case .mul, .mla, .mls:
            a.imul(.rax, .rcx, wide: false)
            if i.op == .mla {
                ld(.rcx, i.rs)
                a.alu(.add, .rax, .rcx, wide: false)
            } else if i.op == .mls {
                ld(.rcx, i.rs)
                a.alu(.sub, .rcx, .rax, wide: false)
                a.mov(.rax, .rcx, wide: false)
            }
            st(i.rd, .rax)
            if i.flags.has(.setFlags) { logicalFlags(.kept) }
        default:
            if i.op == .smull || i.op == .smlal {
                a.movsx(.rax, .rax, bits: 32)
                a.movsx(.rcx, .rcx, bits: 32)
            }
            a.imul(.rax, .rcx)
            if i.op == .umlal || i.op == .smlal {
                ld(.rdx, i.rd)
                a.shift(.shl, .rdx, 32)
                ld(.rsi, i.rs)
                a.alu(.or, .rdx, .rsi)
                a.alu(.add, .rax, .rdx)
            }
            a.mov(.rcx, .rax, wide: false)
            st(i.rs, .rcx)
            a.shift(.shr, .rax, 32)
            st(i.rd, .rax)
        }
    }

    /// RDX = the host address of the words of an LDM/STM slot (`blockTransferRAM32`: the
    /// lowest word's offset from Rn in the top half of `imm`, the byte count in `size`), R9 =
    /// the base it writes back; or a jump to the full path.
    private mutating func blockAddress(_ i: A32Inst, write: Bool, k: Int, off: Int) {
        let bytes = Int(i.size)
        ld(.rax, i.rn)
        a.mov(.r9, .rax, wide: false)
        a.aluImm(i.flags.has(.add) ? .add : .sub, .r9, Int32(bytes), wide: false)
        let lowest = Int32(Int16(truncatingIfNeeded: i.imm >> 16))
        if lowest != 0 { a.aluImm(.add, .rax, lowest, wide: false) }
        let full = X86Label()
        stubs.append(.exit(full, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: true))
        a.testImm(.rax, 3)
        a.jcc(.ne, full)
        if bytes > 4 {
            a.mov(.rcx, .rax, wide: false)
            a.aluImm(.and, .rcx, 0xFFF, wide: false)
            a.aluImm(.cmp, .rcx, Int32(0x1000 - bytes), wide: false)
            a.jcc(.a, full)
        }
        hostAddress(size: 1, write: write, off: off, k: k)
    }

    /// The registers of an LDM/STM list below the PC, ascending.
    private func listRegisters(_ i: A32Inst) -> [UInt8] {
        (0..<15).filter { i.imm & (1 << UInt32($0)) != 0 }.map { UInt8($0) }
    }

    private mutating func blockTransfer(_ i: A32Inst, k: Int, off: Int, end: Int) {
        let write = i.fast == .stm
        blockAddress(i, write: write, k: k, off: off)
        let regs = listRegisters(i)
        if write {
            ownStore(size: Int(i.size), k: k, off: off, end: end)
            // A stored Rn is its old value: the base is written back after.
            for (j, r) in regs.enumerated() {
                ld(.rcx, r)
                a.store(.rdx, Int32(4 * j), .rcx, size: 4)
            }
            if i.flags.has(.writeBack) { st(i.rn, .r9) }
        } else {
            // With Rn in the list the loaded value stays (the full path's choice).
            if i.flags.has(.writeBack) && !regs.contains(i.rn & 15) { st(i.rn, .r9) }
            for (j, r) in regs.enumerated() {
                a.load(.rcx, .rdx, Int32(4 * j), size: 4)
                st(r, .rcx)
            }
        }
    }

    /// An `A32CP15Form`: the full path unless the entry found its bit set; then MRC reads the
    /// register (its low half: TPIDR* are 32 bits in AArch32), MCR does nothing.
    private mutating func coprocessor(_ i: A32Inst, k: Int, off: Int) {
        guard let form = A32CP15Form.of(i) else { return }
        let full = X86Label()
        stubs.append(.exit(full, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: false))
        a.testByte(Self.ctx, A32JITContext.cp15Fast, form.bit)
        a.jcc(.e, full)
        if let reg = form.read {
            a.load(.rax, Self.ctx, A32JITContext.sysregs)
            a.load(.rax, .rax, Int32(reg.rawValue * 8), size: 4)
            st(i.rd, .rax)
        }
    }

    /// EAX = R[n] op ECX for the logical operations (MOV and MVN ignore Rn).
    private mutating func logic(_ op: A32Op, rn: UInt8) {
        switch op {
        case .mov:
            a.mov(.rax, .rcx, wide: false)
        case .mvn:
            a.mov(.rax, .rcx, wide: false)
            a.not(.rax, wide: false)
        default:
            ld(.rax, rn)
            switch op {
            case .and, .tst: a.alu(.and, .rax, .rcx, wide: false)
            case .eor, .teq: a.alu(.xor, .rax, .rcx, wide: false)
            case .orr: a.alu(.or, .rax, .rcx, wide: false)
            case .orn:
                a.not(.rcx, wide: false)
                a.alu(.or, .rax, .rcx, wide: false)
            default:   // BIC
                a.not(.rcx, wide: false)
                a.alu(.and, .rax, .rcx, wide: false)
            }
        }
    }

    /// `fastDataProcessing32`: the shifter operand in ECX (its carry in R10 where a logical S
    /// form needs it), then the operation.
    private mutating func dataProcessing(_ i: A32Inst) {
        let s = i.flags.has(.setFlags)
        var carry = Carry.kept
        // The host flags' state before the shifter, for a carry in: MOVs keep it, shifts not.
        var l = live()
        if i.flags.has(.immediate) {
            a.movImm(.rcx, UInt64(i.imm))
            if i.flags.has(.carryOut) { carry = .constant(i.flags.has(.carryOne)) }
        } else if i.flags.has(.registerShift) {
            registerShift(i)
            l = .none
        } else {
            ld(.rcx, i.rm)
            let amount = i.shiftAmount & 31
            if amount != 0 {
                let op: X86Assembler.Shift = [.lsl: .shl, .lsr: .shr, .asr: .sar][i.shift] ?? .ror
                a.shift(op, .rcx, amount, wide: false)
                // x86's CF is the last bit shifted out, and for ROR the result's bit 31: the
                // shifter carry of Shift_C in each case; R10 keeps its complement (`JITFlags`).
                a.setcc(.ae, .r10)
                carry = .r10
                l = .none
            }
        }
        let rd: UInt8? = [.tst, .teq, .cmp, .cmn].contains(i.op) ? nil : i.rd
        switch i.op {
        case .and, .tst, .eor, .teq, .orr, .orn, .bic, .mov, .mvn:
            logic(i.op, rn: i.rn)
            if i.op != .tst && i.op != .teq { st(i.rd, .rax) }
            if s { logicalFlags(carry) }
        case .add, .cmn:
            ld(.rax, i.rn)
            a.alu(.add, .rax, .rcx, wide: false)
            arithmeticResult(.add, s: s, rd)
        case .sub, .cmp:
            ld(.rax, i.rn)
            a.alu(.sub, .rax, .rcx, wide: false)
            arithmeticResult(.sub, s: s, rd)
        case .rsb:
            ld(.rdx, i.rn)
            a.mov(.rax, .rcx, wide: false)
            a.alu(.sub, .rax, .rdx, wide: false)
            arithmeticResult(.sub, s: s, rd)
        case .adc:
            ld(.rax, i.rn)
            carryIn(l)
            a.adc(.rax, .rcx, wide: false)
            arithmeticResult(.add, s: s, rd)
        case .sbc:
            // a + NOT b + C is a - b - NOT C: SBB with the borrow NOT C.
            ld(.rax, i.rn)
            carryIn(l, borrow: true)
            a.adc(.rax, .rcx, borrow: true, wide: false)
            arithmeticResult(.sub, s: s, rd)
        default:   // RSC
            ld(.rsi, i.rn)
            a.mov(.rax, .rcx, wide: false)
            carryIn(l, borrow: true)
            a.adc(.rax, .rsi, borrow: true, wide: false)
            arithmeticResult(.sub, s: s, rd)
        }
    }

    /// EAX to `rd`, with the flags if `s`.
    private mutating func arithmeticResult(_ k: FlagKind, s: Bool, _ rd: UInt8?) {
        if s {
            arithmeticFlags(k, store: rd)
        } else if let rd = rd {
            st(rd, .rax)
        }
    }

    /// ECX = Rm shifted by the bottom byte of Rs (Shift_C's value; its carry is not needed
    /// here): LSL, LSR and ASR by 32 or more through a 64-bit shift by at most 63, ROR by
    /// the amount modulo 32.
    private mutating func registerShift(_ i: A32Inst) {
        ld(.rsi, i.rm)
        ld(.rcx, i.rs)
        a.aluImm(.and, .rcx, 0xFF, wide: false)
        if i.shift == .ror {
            a.shiftCL(.ror, .rsi, wide: false)
        } else {
            a.movImm(.rdx, 63)
            a.alu(.cmp, .rcx, .rdx, wide: false)
            a.cmov(.a, .rcx, .rdx)
            if i.shift == .asr { a.movsx(.rsi, .rsi, bits: 32) }
            a.shiftCL(i.shift == .lsl ? .shl : i.shift == .lsr ? .shr : .sar, .rsi)
        }
        a.mov(.rcx, .rsi, wide: false)
    }

    /// SDIV/UDIV: Rn / Rm, 0 for a zero divisor, INT_MIN / -1 wrapping (`executeMultiply`).
    private mutating func divide(_ i: A32Inst) {
        let zero = X86Label(), done = X86Label()
        ld(.rax, i.rn)
        ld(.rcx, i.rm)
        a.test(.rcx, .rcx, wide: false)
        a.jcc(.e, zero)
        if i.op == .udiv {
            a.movImm(.rdx, 0)
            a.div(.rcx, wide: false)
        } else {
            // In 64 bits the one 32-bit overflow cannot trap, and its low half wraps.
            a.movsx(.rax, .rax, bits: 32)
            a.movsx(.rcx, .rcx, bits: 32)
            a.cqo()
            a.div(.rcx, signed: true)
            a.mov(.rax, .rax, wide: false)
        }
        a.jmp(done)
        bind(zero)
        a.movImm(.rax, 0)
        bind(done)
        st(i.rd, .rax)
    }

    // MARK: loads and stores

    /// LDRD/STRD (`fastLoadStore32`): a word-aligned doubleword in one page, Rt and Rt2 (`rs`).
    private mutating func pair(_ i: A32Inst, k: Int, off: Int, end: Int) {
        ld(.rax, i.rn)
        if i.flags.has(.immediate) { a.movImm(.rcx, UInt64(i.imm)) } else { ld(.rcx, i.rm) }
        a.mov(.r9, .rax, wide: false)
        a.alu(i.flags.has(.add) ? .add : .sub, .r9, .rcx, wide: false)
        if i.flags.has(.preIndex) { a.mov(.rax, .r9, wide: false) }
        let back = i.flags.has(.writeBack)
        let full = X86Label()
        stubs.append(.exit(full, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: true))
        a.testImm(.rax, 3)
        a.jcc(.ne, full)
        a.mov(.rcx, .rax, wide: false)
        a.aluImm(.and, .rcx, 0xFFF, wide: false)
        a.aluImm(.cmp, .rcx, 0x1000 - 8, wide: false)
        a.jcc(.a, full)
        let write = i.op == .strd
        hostAddress(size: 1, write: write, off: off, k: k)
        if write {
            ownStore(size: 8, k: k, off: off, end: end)
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx, size: 4)
            ld(.rcx, i.rs)
            a.store(.rdx, 4, .rcx, size: 4)
            if back { st(i.rn, .r9) }
        } else {
            a.load(.r8, .rdx, 0, size: 4)
            a.load(.r10, .rdx, 4, size: 4)
            if back { st(i.rn, .r9) }
            st(i.rd, .r8)
            st(i.rs, .r10)
        }
    }

    private mutating func memory(_ i: A32Inst, k: Int, off: Int, end: Int) {
        // EAX = the address, R9 = the base to write back (when `back`).
        var back = false
        let op: A32Op
        switch i.fast {
        case .ldrImm, .strImm, .ldrbImm, .strbImm, .ldrhImm, .strhImm:
            op = [.ldrImm: .ldr, .strImm: .str, .ldrbImm: .ldrb, .strbImm: .strb, .ldrhImm: .ldrh][i.fast] ?? .strh
            ld(.rax, i.rn)
            if i.imm != 0 { a.aluImm(i.flags.has(.add) ? .add : .sub, .rax, Int32(bitPattern: i.imm), wide: false) }
        case .ldrPost, .strPost, .ldrbPost, .strbPost:
            op = [.ldrPost: .ldr, .strPost: .str, .ldrbPost: .ldrb][i.fast] ?? .strb
            ld(.rax, i.rn)
            a.mov(.r9, .rax, wide: false)
            a.aluImm(i.flags.has(.add) ? .add : .sub, .r9, Int32(bitPattern: i.imm), wide: false)
            back = true
        case .ldrReg, .strReg, .ldrbReg, .strbReg:
            op = [.ldrReg: .ldr, .strReg: .str, .ldrbReg: .ldrb][i.fast] ?? .strb
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            if i.shiftAmount & 31 != 0 { a.shift(.shl, .rcx, i.shiftAmount & 31, wide: false) }
            a.alu(i.flags.has(.add) ? .add : .sub, .rax, .rcx, wide: false)
        default:   // .loadStore
            op = i.op
            if i.rn == 15 {
                pcPlus(.rax, off + 8)   // Align(PC, 4): the PC is word-aligned here
            } else {
                ld(.rax, i.rn)
            }
            back = i.flags.has(.writeBack)
            let step: X86Assembler.ALU = i.flags.has(.add) ? .add : .sub
            if i.flags.has(.immediate) {
                // The offset (at most 4095) as the instruction's immediate.
                let imm = Int32(bitPattern: i.imm)
                if i.flags.has(.preIndex) {
                    if imm != 0 { a.aluImm(step, .rax, imm, wide: false) }
                    if back { a.mov(.r9, .rax, wide: false) }
                } else {
                    a.mov(.r9, .rax, wide: false)
                    if imm != 0 { a.aluImm(step, .r9, imm, wide: false) }
                }
            } else {
                ld(.rcx, i.rm)
                if i.shiftAmount & 31 != 0 { a.shift(.shl, .rcx, i.shiftAmount & 31, wide: false) }
                if back || !i.flags.has(.preIndex) {
                    a.mov(.r9, .rax, wide: false)
                    a.alu(step, .r9, .rcx, wide: false)
                    if i.flags.has(.preIndex) { a.mov(.rax, .r9, wide: false) }
                } else {
                    // Offset addressing: the address alone.
                    a.alu(step, .rax, .rcx, wide: false)
                }
            }
        }
        let size: Int, write: Bool
        switch op {
        case .ldr: (size, write) = (4, false)
        case .str: (size, write) = (4, true)
        case .ldrb, .ldrsb: (size, write) = (1, false)
        case .strb: (size, write) = (1, true)
        case .ldrh, .ldrsh: (size, write) = (2, false)
        default: (size, write) = (2, true)   // STRH
        }
        hostAddress(size: size, write: write, off: off, k: k)
        if write {
            ownStore(size: size, k: k, off: off, end: end)
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx, size: size)
            if back { st(i.rn, .r9) }
        } else {
            a.load(.r8, .rdx, 0, size: size)
            if op == .ldrsb { a.movsx(.r8, .r8, bits: 8, wide: false) }
            if op == .ldrsh { a.movsx(.r8, .r8, bits: 16, wide: false) }
            // Rn is written back before Rt: with Rn = Rt the loaded value stays.
            if back { st(i.rn, .r9) }
            st(i.rd, .r8)
        }
    }

    /// A store of `size` bytes at host address RDX into this block's own words leaves before
    /// it: the loop then runs the words written, as the interpreter does (and a branch back
    /// to the block's start can skip the word check).
    private mutating func ownStore(size: Int, k: Int, off: Int, end: Int) {
        let own = X86Label()
        stubs.append(.exit(own, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: true))
        a.lea(.rsi, .rdx, Int32(size - 1 - first))
        a.aluMem(.sub, .rsi, Self.ctx, A32JITContext.codeHost)
        a.aluImm(.cmp, .rsi, Int32(end - first + size - 1))
        a.jcc(.b, own)
    }

    /// RDX = the host address of `size` bytes at the VA in EAX, or a jump to the full path
    /// (`fastRAM`'s rules).
    private mutating func hostAddress(size: Int, write: Bool, off: Int, k: Int) {
        let slow = X86Label()
        stubs.append(.exit(slow, offset: off, done: k, exit: write ? JITExit.slowWrite.rawValue : JITExit.slowRead.rawValue,
                           saveVA: true))
        let back = X86Label()
        if size > 1 {
            let mis = X86Label(), full = X86Label()
            a.testImm(.rax, UInt32(size - 1))
            a.jcc(.ne, mis)
            stubs.append(.misaligned(mis, back: back, slow: full, size: size))
            stubs.append(.exit(full, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: true))
        }
        bind(back)
        a.hostTLBOffset()
        a.mov(.rdx, .rax)
        a.aluImm(.and, .rdx, -4096)
        a.alu(.or, .rdx, write ? Self.writeEpoch : Self.readEpoch)
        a.aluMemIndexed(.cmp, .rdx, base: Self.tlb, index: .rcx, disp: write ? 8 : 0)
        a.jcc(.ne, slow)
        a.mov(.rdx, .rax)
        a.aluMemIndexed(.add, .rdx, base: Self.tlb, index: .rcx, disp: 16)
    }

    /// RCX = the host TLB entry of the VA in EAX.
    private static func tlbEntry(_ a: inout X86Assembler) {
        a.hostTLBOffset()
        a.alu(.add, .rcx, tlb)
    }

    // MARK: branches

    private mutating func branch(_ i: A32Inst, k: Int, off: Int, count n: Int) {
        let notTaken = X86Label()
        if i.cond != 0xE { condition(i.cond, else: notTaken) }
        if Self.isLoadPC(i) {
            // LoadWritePC (BXWritePC): a T32 target leaves before the instruction.
            ld(.rax, i.rn)
            a.mov(.r9, .rax, wide: false)
            a.aluImm(i.flags.has(.add) ? .add : .sub, .r9, Int32(bitPattern: i.imm), wide: false)
            if i.flags.has(.preIndex) { a.mov(.rax, .r9, wide: false) }
            hostAddress(size: 4, write: false, off: off, k: k)
            a.load(.r8, .rdx, 0, size: 4)
            leaveForT32Target(off: off, k: k)
            if i.flags.has(.writeBack) { st(i.rn, .r9) }
            a.aluImm(.sub, Self.left, Int32(n))
            a.mov(.rax, .r8, wide: false)
            dispatch()
            notTakenGoesOn(i, notTaken, off: off, count: n)
            return
        }
        switch i.fast {
        case .b, .bl:
            if i.fast == .bl {
                pcPlus(.rcx, off + 4)
                st(14, .rcx)
            }
            a.aluImm(.sub, Self.left, Int32(n))
            if off + 8 + Int(Int32(bitPattern: i.imm)) == first {
                a.aluImm(.cmp, Self.left, Int32(n))
                a.jcc(.b, decline)
                a.jmp(body)
                break
            }
            // BranchWritePC: the PC reads as the address + 8, the target is word-aligned.
            let target = off + 8 + Int(Int32(bitPattern: i.imm))
            if target >= 0 && target < 0x1000 && target & 3 == 0 {
                goOn(at: target)
                break
            }
            pcPlus(.rax, off + 8)
            a.aluImm(.add, .rax, Int32(bitPattern: i.imm), wide: false)
            a.aluImm(.and, .rax, -4, wide: false)
            dispatch()
        case .ldmPC:
            // LoadWritePC: a T32 target leaves before the instruction, nothing changed.
            blockAddress(i, write: false, k: k, off: off)
            let regs = listRegisters(i)
            a.load(.r8, .rdx, Int32(4 * regs.count), size: 4)
            leaveForT32Target(off: off, k: k)
            if i.flags.has(.writeBack) && !regs.contains(i.rn & 15) { st(i.rn, .r9) }
            for (j, r) in regs.enumerated() {
                a.load(.rcx, .rdx, Int32(4 * j), size: 4)
                st(r, .rcx)
            }
            a.aluImm(.sub, Self.left, Int32(n))
            a.mov(.rax, .r8, wide: false)
            dispatch()
        default:   // BX, BLX (register)
            // A T32 target: leave before the instruction for the full path, which changes
            // the set (the loop would enter this block again if it starts here).
            ld(.r8, i.rm)
            leaveForT32Target(off: off, k: k)
            if i.fast == .blxReg {
                pcPlus(.rcx, off + 4)
                st(14, .rcx)
            }
            a.aluImm(.sub, Self.left, Int32(n))
            a.mov(.rax, .r8, wide: false)
            dispatch()
        }
        notTakenGoesOn(i, notTaken, off: off, count: n)
    }

    /// A branch to the address in R8 that would switch to T32 (bit 0 set) leaves before the
    /// instruction, for the full path, which changes the set.
    private mutating func leaveForT32Target(off: Int, k: Int) {
        let thumb = X86Label()
        stubs.append(.exit(thumb, offset: off, done: k, exit: JITExit.fullPath.rawValue, saveVA: false))
        a.testImm(.r8, 1)
        a.jcc(.ne, thumb)
    }

    /// Where a conditional branch that fails its condition lands: on to the next instruction.
    private mutating func notTakenGoesOn(_ i: A32Inst, _ notTaken: X86Label, off: Int, count n: Int) {
        bind(notTaken)
        if i.cond != 0xE {
            a.aluImm(.sub, Self.left, Int32(n))
            goOn(at: off + 4)
        }
    }

    /// Go on at page offset `target` (word-aligned): into the block made for it if there was
    /// one, else past the dispatch's page check when it is in this page.
    private mutating func goOn(at target: Int) {
        if let at = chains[target] {
            // Straight into that block's entry, which checks its words and bank itself.
            a.jmp(absolute: at + Self.bodyOffset, origin: origin)
            return
        }
        pcPlus(.rax, target)
        // A block made for the target later takes this JMP (its rel32, after the opcode).
        if target < 0x1000 { open.append((a.count + 1, target)) }
        dispatch(samePage: target < 0x1000)
    }

    /// Go on at the PC in EAX (the budget counts everything before it): into the block whose
    /// entry is the slot of that PC if the page is this one or one the host TLB lets this EL
    /// execute (its execute tag, as `fetchPage32` checks); else back to the loop, which takes
    /// a misaligned PC or an unmapped page to the full path. Nothing in it depends on the
    /// block, so the code buffer holds it once (`JITCodeBuffer.init`), after the exit tail:
    /// the part for a PC known to be in the block's page and aligned at `samePageOffset`, the
    /// whole of it at `dispatchOffset`. (In every block it was a sixth of the code.)
    static let samePageOffset = 128, dispatchOffset = 192

    /// Emit the dispatch through `a`, which writes at offset 0 of the code buffer at
    /// `bufferBase` and is `samePageOffset` bytes in.
    static func emitDispatch(_ a: inout X86Assembler, epilogue: Int, bufferBase: UInt) {
        let exit = X86Label(), same = X86Label()
        a.bind(same)
        // The slot: the A32 half of the table, by the PC's bits 18:2 (`a32Index`).
        a.mov(.rcx, .rax, wide: false)
        a.shift(.shr, .rcx, 2, wide: false)
        a.aluImm(.and, .rcx, Int32(AArch32DecodeMemo.slotMask), wide: false)
        a.imulImm32(.rcx, .rcx, Int32(MemoryLayout<A32Inst>.stride))
        a.aluMem(.add, .rcx, ctx, A32JITContext.slots)
        a.cmpByte(.rcx, Int32(A32JIT.fastOffset), A32FastForm.jitBlock.rawValue)
        a.jcc(.ne, exit)
        a.load(.rdx, .rcx, Int32(A32JIT.immOffset), size: 4)
        a.movImm(.rsi, UInt64(bufferBase) &+ UInt64(bodyOffset))
        a.alu(.add, .rdx, .rsi)
        a.jmp(.rdx)
        precondition(a.count <= dispatchOffset, "the same-page dispatch overlaps the dispatch")
        while a.count < dispatchOffset { a.raw(0xCC) }
        a.testImm(.rax, 3)
        a.jcc(.ne, exit)
        a.mov(.rcx, .rax, wide: false)
        a.aluImm(.and, .rcx, -4096, wide: false)
        a.aluMem(.cmp, .rcx, ctx, JITContext.pageVA)
        a.jcc(.e, same)
        tlbEntry(&a)
        a.mov(.rdx, .rax)
        a.aluImm(.and, .rdx, -4096)
        a.alu(.or, .rdx, readEpoch)
        a.aluMem(.cmp, .rdx, .rcx, 24)
        a.jcc(.ne, exit)
        a.load(.rdx, .rcx, 16)
        a.mov(.rcx, .rax, wide: false)
        a.aluImm(.and, .rcx, -4096, wide: false)
        a.alu(.add, .rdx, .rcx)
        a.store(ctx, A32JITContext.codeHost, .rdx)
        a.store(ctx, JITContext.pageVA, .rcx)
        a.jmp(same)
        a.bind(exit)
        a.leaveBlock(JITExit.next.rawValue, epilogue: epilogue, origin: 0)
    }

    /// Go on at the PC in EAX through the shared dispatch (`samePage`: the PC is in this
    /// block's page and aligned).
    private mutating func dispatch(samePage: Bool = false) {
        a.jmp(absolute: samePage ? Self.samePageOffset : Self.dispatchOffset, origin: origin)
    }

    /// Leave for the run loop at page offset `offset` with `exit`, `done` instructions off the
    /// budget: through the shared exit tail, else the whole sequence.
    private mutating func leave(at offset: Int, exit: Int, done: Int) {
        if a.leaveBlock(at: offset, exit: exit, done: done, epilogue: epilogue, origin: origin) { return }
        pcPlus(.rax, offset)
        a.leaveBlock(exit, done: done, epilogue: epilogue, origin: origin)
    }

    private mutating func emitStub(_ s: Stub) {
        switch s {
        case let .exit(l, offset, done, exit, saveVA):
            a.bind(l)
            if saveVA { a.store(Self.ctx, JITContext.faultVA, .rax) }
            leave(at: offset, exit: exit, done: done)
        case let .stale(l):
            a.bind(l)
            a.movImm(.rax, UInt64(origin))
            a.store(Self.ctx, JITContext.faultVA, .rax)
            leave(at: first, exit: A32JIT.stale, done: 0)
        case let .misaligned(l, back, slow, size):
            // fastRAM's rule: misaligned only where SCTLR.A is clear (B2.5.2), and never
            // across a page.
            a.bind(l)
            a.cmpByte(Self.ctx, JITContext.alignCheck, 0)
            a.jcc(.ne, slow)
            a.mov(.rcx, .rax, wide: false)
            a.aluImm(.and, .rcx, 0xFFF, wide: false)
            a.aluImm(.cmp, .rcx, Int32(0x1000 - size), wide: false)
            a.jcc(.a, slow)
            a.jmp(back)
        }
    }
}
