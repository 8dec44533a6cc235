// The A64 block translator: a run of decoded slots of one page, from a hot branch target to
// its first branch (included) or first instruction it cannot translate (excluded), becomes
// x86-64 code that does exactly what the run loop's fast forms do (Executor.swift), one guest
// instruction after another, so that the interpreter stays the reference: same results, same
// instruction counts, same exception points.
//
// Generated code keeps the guest's registers in memory (`CPU.x`, addressed from RBX) and holds
// in host registers only what every instruction needs:
//   RBX  the register file          R12  the context (`JITContext`)
//   R13  instructions left          R14  the host TLB's entries
//   R15  the read tag epoch         RBP  the write tag epoch
// RAX, RCX, RDX, RSI, R8 and R9 are scratch. NZCV stays in the context, in PSTATE's
// positions. Nothing is called from generated code, so the stack is only the six saved
// registers.
//
// A block never runs past the budget: its entry compares the instructions left with its
// length and declines (`JITExit.decline`) when they are fewer, and the run loop then steps
// the instruction. A load or store whose page the host TLB does not hold (or that is
// misaligned where that matters, or crosses a page) leaves before the instruction, which the
// run loop then executes on its full path (`JITExit.slowRead`/`slowWrite`): the generated code
// never faults, reaches a device or touches decoded code (a page with decoded slots has no
// write tags, DecodeCache.page).

/// Offsets of the words of the context a CPU hands to generated code.
enum JITContext {
    /// NZCV in the host's form (`JITFlags`).
    static let nzcv: Int32 = 0
    static let left: Int32 = 8
    static let tlbEntries: Int32 = 16
    static let readEpoch: Int32 = 24
    static let writeEpoch: Int32 = 32
    /// The VA of the page the block is in: generated code is per physical page, which may be
    /// mapped at several VAs.
    static let pageVA: Int32 = 40
    static let nextPC: Int32 = 48
    static let faultVA: Int32 = 56
    static let alignCheck: Int32 = 64
    /// Guest RAM's host address and the decode cache's table of slot arrays, for jumps
    /// between pages without the run loop.
    static let ramHost: Int32 = 72
    static let pageTable: Int32 = 80
    /// DC ZVA's block size, 0 when it must take the full path (`HostTLB.zeroBlockSize`).
    static let zeroBlock: Int32 = 88
    /// Non-zero when DC by VA does nothing on a readable page (`HostTLB.cacheMaintenanceFast`).
    static let cacheMaintenance: Int32 = 96
    /// What the fast MRS forms read, as of the block's entry (only the full path changes them),
    /// and whether each may be read here (1) or needs the full path (0).
    static let spEL0Ok: Int32 = 104
    static let spEL0: Int32 = 112
    static let el1Ok: Int32 = 120
    static let tpidrEL1: Int32 = 128
    static let daif: Int32 = 136
    /// Words (not offsets) that only the run loop uses: --stats' counts of entries, of guest
    /// instructions retired in generated code, and of exits by `JITExit`.
    static let entriesRunWord = 18
    static let instructionsRunWord = 19
    static let exitsWord = 20
    static let words = 25
}

/// NZCV as generated code keeps it in the context (`BlockTranslator.flags`): bits 15:8 are
/// what LAHF makes of the host flags (SF at 15, ZF at 14, CF at 8, as NOT C), bit 0 is OF.
/// The run loop converts at each entry and exit.
enum JITFlags {
    static func host(_ nzcv: UInt32) -> UInt64 {
        let n = UInt64(nzcv >> 31) & 1, z = UInt64(nzcv >> 30) & 1
        let c = UInt64(nzcv >> 29) & 1, v = UInt64(nzcv >> 28) & 1
        return n << 15 | z << 14 | (c ^ 1) << 8 | v
    }

    static func nzcv(_ w: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (w >> 15) & 1) << 31 | UInt32(truncatingIfNeeded: (w >> 14) & 1) << 30
            | UInt32(truncatingIfNeeded: ((w >> 8) & 1) ^ 1) << 29 | UInt32(truncatingIfNeeded: w & 1) << 28
    }

    /// For the conditions that test one flag (EQ/NE, CS/CC, MI/PL, VS/VC: `cond` < 8), the
    /// flag's bit in the word (Z at 14, NOT C at 8, N at 15, V at 0) and whether the condition
    /// holds when that bit is set: the even condition does, except CS, whose bit is NOT C.
    static func singleFlag(_ cond: UInt8) -> (bit: UInt8, holdsWhenSet: Bool)? {
        guard cond < 8 else { return nil }
        let bit: [UInt8] = [14, 8, 15, 0]
        return (bit[Int(cond >> 1)], (cond & 1 == 0) != (cond >> 1 == 1))
    }
}

/// Why generated code returned; `JITContext.nextPC` says where the guest goes on.
enum JITExit: Int {
    /// Run on from nextPC.
    case next = 0
    /// Too few instructions left for the block at nextPC: step one on the full path.
    case decline = 1
    /// The host TLB had no entry for the load or store at nextPC, whose address is faultVA:
    /// the run loop copies one in from the architectural TLB if it can and goes on, else it
    /// takes the full path.
    case slowRead = 2
    case slowWrite = 3
    /// The load or store at nextPC needs the full path (misaligned where SCTLR.A is set,
    /// across a page, or SP not 16-byte aligned as its base).
    case fullPath = 4
}

/// The header in front of every block's code: the slot's own instruction, which the entry slot
/// gives up for a pointer to this header (`InstGroup.jitBlock`).
enum JITBlockHeader {
    static let size = 32
    static func original(_ header: UnsafeRawPointer) -> Inst { header.loadUnaligned(as: Inst.self) }
}

extension X86Assembler {
    /// Store NZCV as `JITFlags` keeps it, from host flags whose CF is already NOT C: LAHF's
    /// byte and SETO's, in the context word at [ctx]. Uses RAX; the host flags stay.
    mutating func storeHostFlags(_ ctx: X86Reg) {
        lahf()
        setcc(.o, .rax)
        store(ctx, JITContext.nzcv, .rax, size: 2)
    }

    /// Set the host flags from the context word at [ctx] (CF as NOT C). Uses RAX.
    mutating func loadHostFlags(_ ctx: X86Reg) {
        load(.rax, ctx, JITContext.nzcv, size: 2)
        setHostFlagsFromAX()
    }

    /// Host flags from a `JITFlags` word in AX: AL is V (0 or 1), and adding 0x7F overflows
    /// exactly when it is 1; SAHF then sets SF, ZF and CF from AH and leaves OF.
    mutating func setHostFlagsFromAX() {
        addAL(0x7F)
        sahf()
    }

    /// Leave generated code for the run loop: nextPC = RAX, `done` instructions off the budget,
    /// EAX = the exit (`JITExit`), then the shared epilogue at `epilogue` of the code buffer
    /// (code placed at `origin`). Both translators keep the context in R12 and the budget in R13.
    mutating func leaveBlock(_ exit: Int, done: Int = 0, epilogue: Int, origin: Int) {
        store(.r12, JITContext.nextPC, .rax)
        if done != 0 { aluImm(.sub, .r13, Int32(done)) }
        movImm(.rax, UInt64(exit))
        jmp(absolute: epilogue, origin: origin)
    }

    /// RCX = the offset in the host TLB of the entry of the VA in RAX: 32 bytes each, by the
    /// VA's page modulo HostTLB.entryCount, that is bits 27:12 of the VA moved to 20:5 with one
    /// shift and one mask (32-bit operations: those bits are in the low half). A64 and A32
    /// blocks index the table with it, through SIB addressing.
    mutating func hostTLBOffset() {
        mov(.rcx, .rax, wide: false)
        shift(.shr, .rcx, 12 - 5, wide: false)
        aluImm(.and, .rcx, Int32((HostTLB.entryCount - 1) << 5), wide: false)
    }

    /// Leave for the run loop at page offset `offset` of the block's page (nextPC = its VA +
    /// `offset`), `done` instructions off the budget, with `exit`, through the shared exit
    /// tail when the three fit its word: one MOV and a JMP where the whole sequence is seven
    /// instructions. Blocks have a stub like this for every way out of every load and store,
    /// so this is most of what their exits cost in code. False when they do not fit.
    mutating func leaveBlock(at offset: Int, exit: Int, done: Int, epilogue: Int, origin: Int) -> Bool {
        guard let w = JITExitTail.word(offset: offset, done: done, exit: exit) else { return false }
        movImm(.rcx, UInt64(w))
        jmp(absolute: epilogue + JITExitTail.offset, origin: origin)
        return true
    }
}

/// The exit tail the code buffer holds after the shared epilogue, at `offset` from it: ECX
/// holds the page offset to go on from in bits 11:0, the instructions done in bits 23:12 and
/// the `JITExit` in bits 31:24; it sets nextPC to the context's page VA plus that offset (a
/// 64-bit add: an A32 page VA plus an offset below 4 KiB stays below 4 GiB), takes the
/// instructions off the budget, and goes to the epilogue with the exit in EAX.
enum JITExitTail {
    static let offset = 64

    static func word(offset: Int, done: Int, exit: Int) -> UInt32? {
        guard (0..<0x1000).contains(offset), (0..<0x1000).contains(done), (0..<0x100).contains(exit) else { return nil }
        return UInt32(offset) | UInt32(done) << 12 | UInt32(exit) << 24
    }

    /// Emit the tail at `a`'s position, `offset` bytes past the epilogue; `a` writes at
    /// `origin` of the code buffer.
    static func emit(_ a: inout X86Assembler, epilogue: Int, origin: Int) {
        a.mov(.rax, .rcx, wide: false)
        a.aluImm(.and, .rax, 0xFFF, wide: false)
        a.aluMem(.add, .rax, .r12, JITContext.pageVA)
        a.store(.r12, JITContext.nextPC, .rax)
        a.mov(.rdx, .rcx, wide: false)
        a.shift(.shr, .rdx, 12, wide: false)
        a.aluImm(.and, .rdx, 0xFFF, wide: false)
        a.alu(.sub, .r13, .rdx)
        a.shift(.shr, .rcx, 24, wide: false)
        a.mov(.rax, .rcx, wide: false)
        a.jmp(absolute: epilogue, origin: origin)
    }
}

struct BlockTranslator {
    static let maxInstructions = 48
    private static let x = X86Reg.rbx, ctx = X86Reg.r12, left = X86Reg.r13, tlb = X86Reg.r14
    private static let readEpoch = X86Reg.r15, writeEpoch = X86Reg.rbp

    /// Bytes from a block's header to the body that chained blocks jump to.
    static let bodyOffset: Int = {
        var a = X86Assembler()
        emitPrologue(&a)
        return JITBlockHeader.size + a.count
    }()

    static func emitPrologue(_ a: inout X86Assembler) {
        for r in [X86Reg.rbx, .rbp, .r12, .r13, .r14, .r15] { a.push(r) }
        a.mov(x, .rdi)
        a.mov(ctx, .rsi)
        a.load(left, ctx, JITContext.left)
        a.load(tlb, ctx, JITContext.tlbEntries)
        a.load(readEpoch, ctx, JITContext.readEpoch)
        a.load(writeEpoch, ctx, JITContext.writeEpoch)
    }

    /// The shared exit: EAX holds the `JITExit`.
    static func emitEpilogue(_ a: inout X86Assembler) {
        a.store(ctx, JITContext.left, left)
        for r in [X86Reg.r15, .r14, .r13, .r12, .rbp, .rbx] { a.pop(r) }
        a.ret()
    }

    /// Whether the translator handles an instruction: the fast forms, and the generic forms
    /// of the groups below whose operations it knows.
    static func translates(_ i: Inst) -> Bool {
        switch i.group {
        case .dataProcessingRegister:
            // Shifted and extended add/sub and logic, add/sub with carry, conditional compare
            // and select, REV, UDIV, the variable shifts, MADD/MSUB.
            return i.op <= 27 || i.op == DPRegOp.rev.rawValue || i.op == DPRegOp.clz.rawValue || (i.op >= DPRegOp.udiv.rawValue && i.op <= DPRegOp.umulh.rawValue && i.op != DPRegOp.sdiv.rawValue)
        case .dataProcessingImmediate:
            return i.op == DPImmOp.ands.rawValue || i.op == DPImmOp.movk.rawValue || i.op == DPImmOp.bfm.rawValue
                || (i.op == DPImmOp.sbfm.rawValue && i.imm != 0)
                || i.op == DPImmOp.orr.rawValue || i.op == DPImmOp.eor.rawValue
        case .loadStore:
            guard i.b & LSFlag.unprivileged == 0 else { return false }
            switch i.opcode(as: LoadStoreOp.self) {
            case .load, .store, .loadPre, .storePre, .loadPost, .storePost, .loadRegister, .storeRegister,
                 .prefetch, .loadPair, .storePair, .loadPairPre, .storePairPre, .loadPairPost, .storePairPost:
                return true
            default:
                return false
            }
        default:
            return translates(i.group)
        }
    }

    static func translates(_ g: InstGroup) -> Bool {
        switch g {
        case .addImm64, .addImm32, .subImm64, .subImm32, .subsImm64, .subsImm32, .addsImm64, .addsImm32,
             .andImm, .orrImm64, .eorImm64, .movImm, .ubfm64, .ubfm32, .adr, .adrp, .sbfm64, .extr64, .extr32,
             .andReg64, .orrReg64, .eorReg64, .addReg64, .subReg64, .subsReg64, .andsReg64,
             .andReg32, .orrReg32, .eorReg32, .addReg32, .subReg32, .subsReg32, .andsReg32,
             .andLsr64, .orrLsr64, .eorLsr64, .addLsr64, .subLsr64, .andLsr32, .orrLsr32, .eorLsr32,
             .addLsr32, .subLsr32, .madd64, .madd32, .csel64, .csel32, .csinc64, .csinc32, .addExt64,
             .subsImm64BCond, .subsImm32BCond, .subsReg64BCond, .subsReg32BCond, .andsReg64BCond, .andsReg32BCond,
             .branch26, .branchLink, .branchCond, .cbz64, .cbnz64, .cbz32, .cbnz32, .tbz, .tbnz,
             .branchReg, .branchLinkReg,
             .ldr8, .ldr16, .ldr32, .ldr64, .str8, .str16, .str32, .str64,
             .ldrReg32, .ldrReg64, .strReg32, .strReg64, .ldr8Post, .ldp64, .ldp64Post, .stp64, .stp64Pre,
             .sysNop, .dcZVA, .dcByVA, .mrsSPEL0, .mrsTPIDREL1, .mrsDAIF:
            return true
        default:
            return false
        }
    }

    static func endsBlock(_ g: InstGroup) -> Bool {
        switch g {
        case .branch26, .branchLink, .branchCond, .cbz64, .cbnz64, .cbz32, .cbnz32, .tbz, .tbnz,
             .branchReg, .branchLinkReg:
            return true
        default:
            return false
        }
    }

    // MARK: one block

    private var a: X86Assembler
    private let page: UnsafeMutablePointer<Inst>
    private let first: Int
    /// Where the block will be placed in the code buffer, and where the epilogue is.
    private let origin: Int
    private let epilogue: Int
    private var stubs: [Stub] = []
    /// The code position right after `flags` stored NZCV, while the host flags still hold it.
    private var flagsLive = -1
    /// The register `st` just stored from RAX, and the code position right after it: code
    /// emitted there may take RAX for that register (nothing in between can change RAX).
    private var raxHolds: (UInt8, Int) = (0, -1)

    private enum Stub {
        /// Set nextPC to the page's VA + `offset`, take `done` instructions off the budget and
        /// return `exit`; `saveVA`: RAX holds the access's address, for faultVA.
        case exit(X86Label, offset: Int64, done: Int, exit: JITExit, saveVA: Bool)
        /// A misaligned access: the full path if SCTLR.A is set or it crosses a page, else back.
        case misaligned(X86Label, back: X86Label, slow: X86Label, elem: Int, total: Int)
    }

    private init(page: UnsafeMutablePointer<Inst>, first: Int, origin: Int, epilogue: Int, into a: X86Assembler) {
        self.page = page; self.first = first; self.origin = origin; self.epilogue = epilogue; self.a = a
    }

    /// Write the code (header included) for the block at `slot` of `page` through `a`, which
    /// writes at `origin` of the code buffer; returns its length (nil: no block, when fewer
    /// than two instructions would be translated; check `full` too), whether it did not fit
    /// (`full`: nothing written may be used), the slot after the block when it stopped at an
    /// instruction it cannot translate (nil after a branch), and its in-page successors.
    static func translate(page: UnsafeMutablePointer<Inst>, slot: Int, origin: Int, epilogue: Int, into a: X86Assembler,
                          original: (Inst) -> Inst) -> (length: Int?, full: Bool, stoppedAt: Int?, successors: [Int]) {
        var insts: [Inst] = []
        var s = slot
        var stopped: Int? = nil
        while s < DecodeCache.slotsPerPage && insts.count < maxInstructions {
            let i = original(page[s])
            guard translates(i), !(i.group == .sbfm64 && i.imm == 0) else {
                stopped = s
                break
            }
            insts.append(i)
            s += 1
            if endsBlock(i.group) { break }
        }
        // A conditional branch's two ways in this page, which are worth blocks of their own.
        var next: [Int] = []
        if let last = insts.last, endsBlock(last.group), last.group != .branchReg, last.group != .branchLinkReg {
            let at = slot + insts.count - 1
            let target = at + Int(truncatingIfNeeded: Int64(bitPattern: last.imm) >> 2)
            if target >= 0 && target < DecodeCache.slotsPerPage { next.append(target) }
            if last.group != .branch26 && last.group != .branchLink { next.append(at + 1) }
        }
        // A lone instruction is worth a block only if it is a branch, which keeps the
        // code in generated code.
        guard insts.count >= 2 || (insts.count == 1 && endsBlock(insts[0].group)) else { return (nil, false, stopped, next) }
        var t = BlockTranslator(page: page, first: slot, origin: origin, epilogue: epilogue, into: a)
        t.emit(insts, entry: original(page[slot]))
        return (t.a.count, t.a.overflowed, stopped, next)
    }

    private mutating func emit(_ insts: [Inst], entry: Inst) {
        // Header: the entry slot's instruction, then padding.
        withUnsafeBytes(of: entry) { for b in $0 { a.raw(b) } }
        while a.count < JITBlockHeader.size { a.raw(0) }
        BlockTranslator.emitPrologue(&a)
        let n = insts.count
        let decline = X86Label()
        a.aluImm(.cmp, BlockTranslator.left, Int32(n))
        a.jcc(.b, decline)
        stubs.append(.exit(decline, offset: Int64(first * 4), done: 0, exit: .decline, saveVA: false))
        var ended = false
        for (k, i) in insts.enumerated() {
            let off = Int64((first + k) * 4)
            if BlockTranslator.endsBlock(i.group) {
                branch(i, k: k, off: off, count: n)
                ended = true
            } else {
                instruction(i, k: k, off: off)
            }
        }
        if !ended {
            a.aluImm(.sub, BlockTranslator.left, Int32(n))
            chainOrExit(slot: first + n)
        }
        for s in stubs { emitStub(s) }
    }

    // MARK: pieces

    private mutating func ld(_ r: X86Reg, _ n: UInt8, wide: Bool = true) {
        // Right after `st(n, .rax)` RAX still holds Xn: no load (and no wait on the store).
        if r == .rax && wide && raxHolds == (n, a.count) { return }
        a.load(r, BlockTranslator.x, Int32(n) * 8, size: wide ? 8 : 4)
    }

    private mutating func st(_ n: UInt8, _ r: X86Reg) {
        a.store(BlockTranslator.x, Int32(n) * 8, r)
        if r == .rax { raxHolds = (n, a.count) }
    }

    /// r = the VA of this page + offset.
    private mutating func pcPlus(_ r: X86Reg, _ offset: Int64) {
        a.load(r, BlockTranslator.ctx, JITContext.pageVA)
        addImm(r, UInt64(bitPattern: offset), scratch: .rsi)
    }

    /// The 64-bit constant as a sign-extended imm32, if it is one.
    static func imm32(_ v: UInt64) -> Int32? {
        let s = Int64(bitPattern: v)
        return s >= Int64(Int32.min) && s <= Int64(Int32.max) ? Int32(s) : nil
    }

    /// r &= mask (64 bits) in the fewest instructions: none for all ones, a 32-bit MOV for
    /// the low word (which clears the high one), an AND with an imm32 where the mask is one,
    /// else through RCX.
    private mutating func andMask(_ r: X86Reg, _ mask: UInt64) {
        if mask == ~0 { return }
        if mask == 0xFFFF_FFFF {
            a.mov(r, r, wide: false)
        } else {
            aluConstant(.and, r, mask)
        }
    }

    /// r = r op imm: a 32-bit operation takes any imm32; a 64-bit one a sign-extended imm32,
    /// else the constant goes through RCX.
    private mutating func aluConstant(_ op: X86Assembler.ALU, _ r: X86Reg, _ imm: UInt64, wide: Bool = true) {
        if !wide {
            a.aluImm(op, r, Int32(bitPattern: UInt32(truncatingIfNeeded: imm)), wide: false)
        } else if let i32 = BlockTranslator.imm32(imm) {
            a.aluImm(op, r, i32)
        } else {
            a.movImm(.rcx, imm)
            a.alu(op, r, .rcx)
        }
    }

    /// RAX += RCX << s (a register offset): one LEA for scales up to 8.
    private mutating func addScaledIndex(_ s: UInt8) {
        if s <= 3 {
            a.leaIndexed(.rax, base: .rax, index: .rcx, scale: s)
        } else {
            a.shift(.shl, .rcx, s)
            a.alu(.add, .rax, .rcx)
        }
    }

    /// r += imm (64 bits), through `scratch` when imm does not fit a sign-extended imm32.
    private mutating func addImm(_ r: X86Reg, _ imm: UInt64, scratch: X86Reg) {
        let s = Int64(bitPattern: imm)
        if s == 0 { return }
        if s >= Int64(Int32.min) && s <= Int64(Int32.max) {
            a.aluImm(.add, r, Int32(s))
        } else {
            a.movImm(scratch, imm)
            a.alu(.add, r, scratch)
        }
    }

    /// NZCV from the host flags of the operation just done, kept in the context in the host's
    /// own form (`JITFlags`), which LAHF and SETO make in three instructions where building
    /// PSTATE's bits took thirteen. The host's CF is kept as NOT C: a subtraction leaves it so
    /// (AArch64's C after a subtraction is NOT borrow, AddWithCarry(a, NOT b, 1)), an addition
    /// complements it, and a logical operation, whose C is 0, sets it. Then every condition is
    /// one host condition code (`hostCondition`). Uses RAX; the host flags stay as stored, so
    /// a B.cond right after reads them as they are.
    private enum FlagKind { case sub, add, logic }
    private mutating func flags(_ k: FlagKind) {
        switch k {
        case .add: a.cmc()
        case .logic: a.stc()
        case .sub: break
        }
        a.storeHostFlags(BlockTranslator.ctx)
        flagsLive = a.count
    }

    /// Labels are bound through here: code that a jump lands on cannot assume the host flags
    /// of the code before it.
    private mutating func bind(_ l: X86Label) {
        a.bind(l)
        flagsLive = -1
        raxHolds = (0, -1)
    }

    /// The host condition code that holds when AArch64 condition `cond` does, with CF as NOT C
    /// (`flags`); nil for AL and NV, which always hold (C1.2.4).
    static func hostCondition(_ cond: UInt8) -> X86Cond? {
        let table: [X86Cond] = [.e, .ne, .ae, .b, .s, .ns, .o, .no, .a, .be, .ge, .l, .g, .le]
        return cond < 14 ? table[Int(cond)] : nil
    }

    /// The condition whose table entry (`CPU.conditionTable`, as B.cond's fast form keeps it)
    /// is `mask`.
    static func condition(mask: UInt32) -> UInt8 {
        UInt8((0..<16).first { CPU.conditionTable(UInt8($0)) == mask } ?? 14)
    }

    /// Set the host flags to the guest's NZCV, unless they still are (`live`: nothing came
    /// between the flag-setting instruction and here), and return the host condition that
    /// holds when `cond` does (nil: always). Uses RAX.
    private mutating func condition(_ cond: UInt8, live: Bool = false) -> X86Cond? {
        guard let cc = BlockTranslator.hostCondition(cond) else { return nil }
        if live { return cc }
        if let (bit, holdsWhenSet) = JITFlags.singleFlag(cond) {
            // One flag: BT copies its bit of the stored word into CF.
            a.btMem(BlockTranslator.ctx, JITContext.nzcv, bit)
            return holdsWhenSet ? .b : .ae
        }
        a.loadHostFlags(BlockTranslator.ctx)
        return cc
    }

    // MARK: data processing

    private mutating func instruction(_ i: Inst, k: Int, off: Int64) {
        switch i.group {
        case .addImm64, .subImm64, .addImm32, .subImm32, .subsImm64, .subsImm32, .addsImm64, .addsImm32,
             .subsImm64BCond, .subsImm32BCond:
            let wide = [.addImm64, .subImm64, .subsImm64, .addsImm64, .subsImm64BCond].contains(i.group)
            let sub = [.subImm64, .subImm32, .subsImm64, .subsImm32, .subsImm64BCond, .subsImm32BCond].contains(i.group)
            let setsFlags = ![.addImm64, .subImm64, .addImm32, .subImm32].contains(i.group)
            ld(.rax, i.rn, wide: wide)
            let imm = wide ? i.imm : UInt64(UInt32(truncatingIfNeeded: i.imm))
            if imm <= 0x7FFF_FFFF {
                a.aluImm(sub ? .sub : .add, .rax, Int32(imm), wide: wide)
            } else {
                a.movImm(.rcx, imm)
                a.alu(sub ? .sub : .add, .rax, .rcx, wide: wide)
            }
            st(i.rd, .rax)
            if setsFlags { flags(sub ? .sub : .add) }
        case .andImm:
            ld(.rax, i.rn)
            andMask(.rax, i.imm)
            st(i.rd, .rax)
        case .orrImm64, .eorImm64:
            ld(.rax, i.rn)
            let op: X86Assembler.ALU = i.group == .orrImm64 ? .or : .xor
            aluConstant(op, .rax, i.imm)
            st(i.rd, .rax)
        case .movImm:
            a.movImm(.rax, i.imm)
            st(i.rd, .rax)
        case .ubfm64, .ubfm32:
            // Rotate right by immr, then keep the mask's bits. LSR and LSL are the rotations
            // whose mask keeps exactly the bits a shift keeps.
            let wide = i.group == .ubfm64
            let ones: UInt64 = wide ? ~0 : 0xFFFF_FFFF, width: UInt8 = wide ? 64 : 32
            ld(.rax, i.rn, wide: wide)
            if i.a != 0 && i.imm == ones >> i.a {
                a.shift(.shr, .rax, i.a, wide: wide)
            } else if i.a != 0 && i.imm == (ones << (width - i.a)) & ones {
                a.shift(.shl, .rax, width - i.a, wide: wide)
            } else {
                if i.a != 0 { a.shift(.ror, .rax, i.a, wide: wide) }
                andMask(.rax, i.imm)
            }
            st(i.rd, .rax)
        case .sbfm64:
            // Rotate, keep the mask's bits, sign-extend from the mask's top bit. SHL/SAR by the
            // mask's leading zeros clear what the mask clears above it; only a mask with
            // trailing zeros (SBFIZ) needs the AND as well. SXTB/SXTH/SXTW are one MOVSX.
            let s = UInt8(i.imm.leadingZeroBitCount)
            ld(.rax, i.rn)
            if i.a == 0 && [0xFF, 0xFFFF, 0xFFFF_FFFF].contains(i.imm) {
                a.movsx(.rax, .rax, bits: 64 - Int(s))
            } else {
                if i.a != 0 { a.shift(.ror, .rax, i.a) }
                if i.imm.trailingZeroBitCount != 0 || s == 0 { andMask(.rax, i.imm) }
                if s != 0 {
                    a.shift(.shl, .rax, s)
                    a.shift(.sar, .rax, s)
                }
            }
            st(i.rd, .rax)
        case .extr64, .extr32:
            let wide = i.group == .extr64
            ld(.rax, i.rm, wide: wide)
            ld(.rcx, i.rn, wide: wide)
            if i.a != 0 { a.shrd(.rax, .rcx, i.a, wide: wide) }
            st(i.rd, .rax)
        case .adr:
            pcPlus(.rax, off &+ Int64(bitPattern: i.imm))
            st(i.rd, .rax)
        case .adrp:
            a.load(.rax, BlockTranslator.ctx, JITContext.pageVA)
            addImm(.rax, i.imm, scratch: .rcx)
            st(i.rd, .rax)
        case .andReg64, .orrReg64, .eorReg64, .addReg64, .subReg64, .subsReg64, .andsReg64,
             .andReg32, .orrReg32, .eorReg32, .addReg32, .subReg32, .subsReg32, .andsReg32,
             .subsReg64BCond, .subsReg32BCond, .andsReg64BCond, .andsReg32BCond,
             .andLsr64, .orrLsr64, .eorLsr64, .addLsr64, .subLsr64, .andLsr32, .orrLsr32, .eorLsr32,
             .addLsr32, .subLsr32:
            shiftedRegister(i)
        case .madd64, .madd32:
            let wide = i.group == .madd64
            ld(.rax, i.rn, wide: wide)
            ld(.rcx, i.rm, wide: wide)
            a.imul(.rax, .rcx, wide: wide)
            // MUL is MADD with XZR: nothing to add.
            if i.ra != Reg.zr {
                ld(.rcx, i.ra, wide: wide)
                a.alu(.add, .rax, .rcx, wide: wide)
            }
            st(i.rd, .rax)
        case .csel64, .csel32, .csinc64, .csinc32:
            let wide = i.group == .csel64 || i.group == .csinc64
            ld(.rcx, i.rm)
            if i.group == .csinc64 || i.group == .csinc32 { a.aluImm(.add, .rcx, 1) }
            ld(.r8, i.rn)
            let cond = BlockTranslator.condition(mask: UInt32(truncatingIfNeeded: i.imm))
            if let cc = condition(cond) { a.cmov(cc, .rcx, .r8) } else { a.mov(.rcx, .r8) }
            if !wide { a.mov(.rcx, .rcx, wide: false) }
            st(i.rd, .rcx)
        case .sysNop:
            break
        case .mrsSPEL0, .mrsTPIDREL1, .mrsDAIF:
            // The run loop's fast MRS forms: allowed at EL1/EL2 (and SP_EL0 only while SPSel
            // selects SP_ELx), else the full path.
            let full = X86Label()
            stubs.append(.exit(full, offset: off, done: k, exit: .fullPath, saveVA: false))
            let (ok, value) = i.group == .mrsSPEL0 ? (JITContext.spEL0Ok, JITContext.spEL0)
                : (JITContext.el1Ok, i.group == .mrsTPIDREL1 ? JITContext.tpidrEL1 : JITContext.daif)
            a.cmpByte(BlockTranslator.ctx, ok, 0)
            a.jcc(.e, full)
            a.load(.rax, BlockTranslator.ctx, value)
            st(i.rd, .rax)
        case .dcByVA:
            // Cache maintenance by VA on a page the host TLB may read does nothing (no caches).
            let full = X86Label()
            stubs.append(.exit(full, offset: off, done: k, exit: .fullPath, saveVA: false))
            a.cmpByte(BlockTranslator.ctx, JITContext.cacheMaintenance, 0)
            a.jcc(.e, full)
            ld(.rax, i.rd)
            hostAddress(total: 1, elem: 1, write: false, off: off, k: k)
        case .dcZVA:
            // Zero the aligned block (DC ZVA, C5.3.15), on a page the host TLB may write.
            let full = X86Label()
            stubs.append(.exit(full, offset: off, done: k, exit: .fullPath, saveVA: false))
            a.load(.r8, BlockTranslator.ctx, JITContext.zeroBlock)
            a.test(.r8, .r8)
            a.jcc(.e, full)
            ld(.rax, i.rd)
            a.mov(.rcx, .r8)
            a.not(.rcx, negate: true)
            a.alu(.and, .rax, .rcx)
            hostAddress(total: 1, elem: 1, write: true, off: off, k: k)
            // A block that reads as zeros is left alone, as `HostRAM.zeroBlock` does, so
            // that the host does not commit a page the guest never used.
            let done = X86Label(), write = X86Label()
            a.movImm(.rax, 0)
            a.mov(.rdi, .rdx)
            a.mov(.rcx, .r8)
            a.shift(.shr, .rcx, 3)
            a.jcc(.e, write)
            a.repeScasq()
            a.jcc(.e, done)
            bind(write)
            a.mov(.rdi, .rdx)
            a.mov(.rcx, .r8)
            a.repStosb()
            bind(done)
        case .dataProcessingRegister, .addExt64:
            genericRegister(i)
        case .dataProcessingImmediate:
            let wide = i.b != 0
            if i.op == DPImmOp.bfm.rawValue || i.op == DPImmOp.sbfm.rawValue {
                // BFM: (Rd AND NOT m) OR (ROR(Rn, R) AND m); SBFM: ROR(Rn, R) AND m,
                // sign-extended from m's top bit (as executeDataProcessingImmediate).
                ld(.rax, i.rn, wide: wide)
                if i.a != 0 { a.shift(.ror, .rax, i.a & (wide ? 63 : 31), wide: wide) }
                a.movImm(.rcx, i.imm)
                a.alu(.and, .rax, .rcx)
                if i.op == DPImmOp.bfm.rawValue {
                    ld(.rdx, i.rd)
                    a.not(.rcx)
                    if !wide { a.mov(.rcx, .rcx, wide: false) }
                    a.alu(.and, .rdx, .rcx)
                    a.alu(.or, .rax, .rdx)
                } else {
                    let s = UInt8(i.imm.leadingZeroBitCount)
                    if s != 0 {
                        a.shift(.shl, .rax, s)
                        a.shift(.sar, .rax, s)
                    }
                    if !wide { a.mov(.rax, .rax, wide: false) }
                }
                st(i.rd, .rax)
            } else if i.op == DPImmOp.orr.rawValue || i.op == DPImmOp.eor.rawValue {
                // ORR/EOR (immediate) at 32 bits (the 64-bit forms are fast forms): the mask
                // is already the datasize's, and a 32-bit operation zero-extends.
                let op: X86Assembler.ALU = i.op == DPImmOp.orr.rawValue ? .or : .xor
                ld(.rax, i.rn, wide: wide)
                aluConstant(op, .rax, i.imm, wide: wide)
                st(i.rd, .rax)
            } else if i.op == DPImmOp.ands.rawValue {
                ld(.rax, i.rn)
                a.movImm(.rcx, i.imm)
                a.alu(.and, .rax, .rcx, wide: wide)
                st(i.rd, .rax)
                flags(.logic)
            } else {
                // MOVK: the other halfwords of Rd stay (C6.2.227).
                ld(.rax, i.rd)
                a.movImm(.rcx, ~(UInt64(0xFFFF) &<< UInt64(i.a & 63)))
                a.alu(.and, .rax, .rcx)
                a.movImm(.rcx, i.imm)
                a.alu(.or, .rax, .rcx)
                if !wide { a.mov(.rax, .rax, wide: false) }
                st(i.rd, .rax)
            }
        case .loadStore:
            genericMemory(i, k: k, off: off)
        default:
            memory(i, k: k, off: off)
        }
    }

    /// The data-processing (register) operations `translates` accepts, from their generic
    /// fields (DataProcessingRegister.swift): `a` the shift type or extension, `b` sf,
    /// `imm` the amount.
    private mutating func genericRegister(_ i: Inst) {
        let op = Int(i.op), wide = i.b != 0
        switch op {
        case 0...11:
            ld(.rax, i.rn, wide: wide)
            ld(.rcx, i.rm, wide: wide)
            let amount = UInt8(truncatingIfNeeded: i.imm & (wide ? 63 : 31))
            let shifts: [X86Assembler.Shift] = [.shl, .shr, .sar, .ror]
            if amount != 0 { a.shift(shifts[Int(i.a & 3)], .rcx, amount, wide: wide) }
            // BIC, ORN, EON, BICS invert the second operand.
            if op == 1 || op == 3 || op == 5 || op == 7 { a.not(.rcx, wide: wide) }
            let alus: [X86Assembler.ALU] = [.and, .and, .or, .or, .xor, .xor, .and, .and, .add, .add, .sub, .sub]
            a.alu(alus[op], .rax, .rcx, wide: wide)
            st(i.rd, .rax)
            if op == 6 || op == 7 { flags(.logic) } else if op == 9 { flags(.add) } else if op == 11 { flags(.sub) }
        case 12...15:
            // ADD/SUB (extended register): Rm extended by `a`, shifted left by 0-4 (extendReg).
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            switch i.a & 7 {
            case 0: a.movzx8(.rcx, .rcx)
            case 1: a.movzx16(.rcx, .rcx)
            case 2: a.mov(.rcx, .rcx, wide: false)
            case 4: a.movsx(.rcx, .rcx, bits: 8)
            case 5: a.movsx(.rcx, .rcx, bits: 16)
            case 6: a.movsx(.rcx, .rcx, bits: 32)
            default: break
            }
            let amount = UInt8(truncatingIfNeeded: i.imm & 7)
            if amount != 0 { a.shift(.shl, .rcx, amount) }
            let sub = op == 14 || op == 15
            a.alu(sub ? .sub : .add, .rax, .rcx, wide: wide)
            st(i.rd, .rax)
            if op == 13 { flags(.add) } else if op == 15 { flags(.sub) }
        case 16...19:
            // ADC, ADCS, SBC, SBCS: PSTATE.C into the host's carry (inverted: SBB borrows).
            ld(.rax, i.rn, wide: wide)
            ld(.rcx, i.rm, wide: wide)
            // The kept CF is NOT C (`flags`): SBB's borrow as it is, ADC's carry complemented.
            a.btMem(BlockTranslator.ctx, JITContext.nzcv, 8)
            let sbc = op >= 18
            if !sbc { a.cmc() }
            a.adc(.rax, .rcx, borrow: sbc, wide: wide)
            st(i.rd, .rax)
            if op == 17 { flags(.add) } else if op == 19 { flags(.sub) }
        case Int(DPRegOp.rev.rawValue):
            ld(.rax, i.rn, wide: wide)
            a.bswap(.rax, wide: wide)
            st(i.rd, .rax)
        case Int(DPRegOp.clz.rawValue):
            // The datasize when Rn is zero, else datasize - 1 - the top set bit's index.
            ld(.rcx, i.rn, wide: wide)
            a.bsr(.rax, .rcx, wide: wide)
            let done = orConstant(wide ? 64 : 32)
            a.aluImm(.xor, .rax, wide ? 63 : 31, wide: false)
            bind(done)
            st(i.rd, .rax)
        case Int(DPRegOp.udiv.rawValue):
            // Division by zero gives zero (C6.2.388), where the host would trap.
            ld(.rcx, i.rm, wide: wide)
            a.test(.rcx, .rcx, wide: wide)
            let done = orConstant(0)
            ld(.rax, i.rn, wide: wide)
            a.movImm(.rdx, 0)
            a.div(.rcx, wide: wide)
            bind(done)
            st(i.rd, .rax)
        case Int(DPRegOp.lslv.rawValue)...Int(DPRegOp.rorv.rawValue):
            // The amount is Rm modulo the datasize, as the host's shift by CL takes it.
            ld(.rax, i.rn, wide: wide)
            ld(.rcx, i.rm)
            let shifts: [X86Assembler.Shift] = [.shl, .shr, .sar, .ror]
            a.shiftCL(shifts[op - Int(DPRegOp.lslv.rawValue)], .rax, wide: wide)
            st(i.rd, .rax)
        case Int(DPRegOp.smaddl.rawValue), Int(DPRegOp.smsubl.rawValue),
             Int(DPRegOp.umaddl.rawValue), Int(DPRegOp.umsubl.rawValue):
            // The 32-bit operands extended to 64 bits multiply exactly in a 64-bit IMUL.
            let signed = op == Int(DPRegOp.smaddl.rawValue) || op == Int(DPRegOp.smsubl.rawValue)
            ld(.rax, i.rn, wide: false)
            ld(.rcx, i.rm, wide: false)
            if signed {
                a.movsx(.rax, .rax, bits: 32)
                a.movsx(.rcx, .rcx, bits: 32)
            }
            a.imul(.rax, .rcx)
            ld(.rcx, i.ra)
            if op == Int(DPRegOp.smsubl.rawValue) || op == Int(DPRegOp.umsubl.rawValue) {
                a.alu(.sub, .rcx, .rax)
                st(i.rd, .rcx)
            } else {
                a.alu(.add, .rax, .rcx)
                st(i.rd, .rax)
            }
        case Int(DPRegOp.smulh.rawValue), Int(DPRegOp.umulh.rawValue):
            // The high half of the 128-bit product, in RDX.
            ld(.rax, i.rn)
            ld(.rcx, i.rm)
            a.mulWide(.rcx, signed: op == Int(DPRegOp.smulh.rawValue))
            st(i.rd, .rdx)
        case Int(DPRegOp.madd.rawValue), Int(DPRegOp.msub.rawValue):
            ld(.rax, i.rn, wide: wide)
            ld(.rcx, i.rm, wide: wide)
            a.imul(.rax, .rcx, wide: wide)
            ld(.rcx, i.ra, wide: wide)
            if op == Int(DPRegOp.msub.rawValue) {
                a.alu(.sub, .rcx, .rax, wide: wide)
                st(i.rd, .rcx)
            } else {
                a.alu(.add, .rax, .rcx, wide: wide)
                st(i.rd, .rax)
            }
        case 20...23:
            // CCMN/CCMP: the comparison's flags if the condition holds, else the immediate NZCV.
            let notHeld = X86Label(), done = X86Label()
            if let cc = condition(i.a & 15) { a.jcc(X86Cond(rawValue: cc.rawValue ^ 1) ?? .ne, notHeld) }
            ld(.rax, i.rn, wide: wide)
            if op == 20 || op == 21 { ld(.rcx, i.rm, wide: wide) } else { a.movImm(.rcx, i.imm) }
            let cmn = op == 20 || op == 22
            a.alu(cmn ? .add : .cmp, .rax, .rcx, wide: wide)
            flags(cmn ? .add : .sub)
            a.jmp(done)
            bind(notHeld)
            a.movImm(.rcx, JITFlags.host(UInt32(i.a >> 4) << 28))
            a.store(BlockTranslator.ctx, JITContext.nzcv, .rcx, size: 2)
            bind(done)
        case 24...27:
            // CSEL, CSINC, CSINV, CSNEG: Rn if the condition holds, else f(Rm).
            ld(.rcx, i.rm)
            if op == 25 { a.aluImm(.add, .rcx, 1) }
            if op == 26 { a.not(.rcx) }
            if op == 27 { a.not(.rcx, negate: true) }
            ld(.r8, i.rn)
            if let cc = condition(i.a & 15) { a.cmov(cc, .rcx, .r8) } else { a.mov(.rcx, .r8) }
            if !wide { a.mov(.rcx, .rcx, wide: false) }
            st(i.rd, .rcx)
        default:
            break
        }
    }

    /// With ZF set, RAX = `value` and a jump to the returned label, which the caller binds
    /// after the code for the other case (CLZ of zero, division by zero).
    private mutating func orConstant(_ value: UInt64) -> X86Label {
        let other = X86Label(), done = X86Label()
        a.jcc(.ne, other)
        a.movImm(.rax, value)
        a.jmp(done)
        bind(other)
        return done
    }

    /// R8 = the value loaded (zero-extended by the load), extended as `lsExtend` says.
    private mutating func extendLoaded(_ r: X86Reg, _ i: Inst) {
        guard i.b & LSFlag.signed != 0, i.a < 3 else { return }
        a.movsx(r, r, bits: 8 << Int(i.a), wide: i.b & LSFlag.sixtyFour != 0)
    }

    /// The access at the host address in RDX: a store of Rt, or a load into R8, extended as
    /// the form says (the caller writes R8 to Rt after any base write-back).
    private mutating func access(_ i: Inst, size: Int, write: Bool) {
        if write {
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx, size: size)
        } else {
            a.load(.r8, .rdx, 0, size: size)
            extendLoaded(.r8, i)
        }
    }

    /// The generic load/store forms `translates` accepts, as `fastLoadStore` runs them.
    private mutating func genericMemory(_ i: Inst, k: Int, off: Int64) {
        let size = 1 << Int(i.a & 3)
        let op = i.opcode(as: LoadStoreOp.self)
        switch op {
        case .prefetch:
            // No access; only the base check the fast loop makes.
            base(i, offset: nil, register: false, off: off, k: k, write: false)
            return
        case .loadRegister, .storeRegister:
            let write = op == .storeRegister
            base(i, offset: nil, register: false, off: off, k: k, write: write)
            ld(.rcx, i.rm)
            if i.imm & LSIndex.word != 0 {
                if i.imm & LSIndex.signed != 0 { a.movsx(.rcx, .rcx, bits: 32) } else { a.mov(.rcx, .rcx, wide: false) }
            }
            addScaledIndex(UInt8(truncatingIfNeeded: i.imm & LSIndex.shiftMask))
            hostAddress(total: size, elem: size, write: write, off: off, k: k)
            access(i, size: size, write: write)
            if !write { st(i.rd, .r8) }
        case .load, .store, .loadPre, .storePre, .loadPost, .storePost:
            let write = op == .store || op == .storePre || op == .storePost
            let post = op == .loadPost || op == .storePost
            let back = op != .load && op != .store
            base(i, offset: post ? nil : i.imm, register: false, off: off, k: k, write: write)
            hostAddress(total: size, elem: size, write: write, off: off, k: k)
            access(i, size: size, write: write)
            if back {
                if post { addImm(.rax, i.imm, scratch: .rcx) }
                st(i.rn, .rax)
            }
            if !write { st(i.rd, .r8) }
        default:
            // Pairs: LDP/STP (also LDPSW), signed offset, pre- and post-index.
            let write = op == .storePair || op == .storePairPre || op == .storePairPost
            let post = op == .loadPairPost || op == .storePairPost
            let back = op != .loadPair && op != .storePair
            base(i, offset: post ? nil : i.imm, register: false, off: off, k: k, write: write)
            hostAddress(total: 2 * size, elem: size, write: write, off: off, k: k)
            if write {
                ld(.rcx, i.rd)
                a.store(.rdx, 0, .rcx, size: size)
                ld(.rcx, i.rm)
                a.store(.rdx, Int32(size), .rcx, size: size)
            } else {
                a.load(.r8, .rdx, 0, size: size)
                a.load(.r9, .rdx, Int32(size), size: size)
                extendLoaded(.r8, i)
                extendLoaded(.r9, i)
            }
            if back {
                if post { addImm(.rax, i.imm, scratch: .rcx) }
                st(i.rn, .rax)
            }
            if !write {
                st(i.rd, .r8)
                st(i.rm, .r9)
            }
        }
    }

    private mutating func shiftedRegister(_ i: Inst) {
        let g = i.group
        let wide: Bool
        let op: X86Assembler.ALU
        var kind: FlagKind? = nil
        var right = false
        switch g {
        case .andReg64: (wide, op) = (true, .and)
        case .orrReg64: (wide, op) = (true, .or)
        case .eorReg64: (wide, op) = (true, .xor)
        case .addReg64: (wide, op) = (true, .add)
        case .subReg64: (wide, op) = (true, .sub)
        case .subsReg64, .subsReg64BCond: (wide, op, kind) = (true, .sub, .sub)
        case .andsReg64, .andsReg64BCond: (wide, op, kind) = (true, .and, .logic)
        case .andReg32: (wide, op) = (false, .and)
        case .orrReg32: (wide, op) = (false, .or)
        case .eorReg32: (wide, op) = (false, .xor)
        case .addReg32: (wide, op) = (false, .add)
        case .subReg32: (wide, op) = (false, .sub)
        case .subsReg32, .subsReg32BCond: (wide, op, kind) = (false, .sub, .sub)
        case .andsReg32, .andsReg32BCond: (wide, op, kind) = (false, .and, .logic)
        case .andLsr64: (wide, op, right) = (true, .and, true)
        case .orrLsr64: (wide, op, right) = (true, .or, true)
        case .eorLsr64: (wide, op, right) = (true, .xor, true)
        case .addLsr64: (wide, op, right) = (true, .add, true)
        case .subLsr64: (wide, op, right) = (true, .sub, true)
        case .andLsr32: (wide, op, right) = (false, .and, true)
        case .orrLsr32: (wide, op, right) = (false, .or, true)
        case .eorLsr32: (wide, op, right) = (false, .xor, true)
        case .addLsr32: (wide, op, right) = (false, .add, true)
        default: (wide, op, right) = (false, .sub, true)   // subLsr32
        }
        ld(.rax, i.rn, wide: wide)
        ld(.rcx, i.rm, wide: wide)
        let amount = UInt8(truncatingIfNeeded: i.imm & (wide ? 63 : 31))
        if amount != 0 { a.shift(right ? .shr : .shl, .rcx, amount, wide: wide) }
        a.alu(op, .rax, .rcx, wide: wide)
        st(i.rd, .rax)
        if let kind { flags(kind) }
    }

    // MARK: loads and stores

    /// RDX = the host address of `total` bytes at the VA in RAX, or a jump to the full path.
    private mutating func hostAddress(total: Int, elem: Int, write: Bool, off: Int64, k: Int) {
        let slow = X86Label()
        stubs.append(.exit(slow, offset: off, done: k, exit: write ? .slowWrite : .slowRead, saveVA: true))
        let back = X86Label()
        if total > 1 {
            let mis = X86Label(), full = X86Label()
            a.testImm(.rax, UInt32(total - 1))
            a.jcc(.ne, mis)
            stubs.append(.misaligned(mis, back: back, slow: full, elem: elem, total: total))
            stubs.append(.exit(full, offset: off, done: k, exit: .fullPath, saveVA: true))
        }
        bind(back)
        hostTLBTag(write ? .write : .read, else: slow)
        a.mov(.rdx, .rax)
        a.aluMemIndexed(.add, .rdx, base: BlockTranslator.tlb, index: .rcx, disp: 16)
    }

    /// Which of a host TLB entry's tags an access needs (HostTLBEntry's fields, in order).
    private enum TagKind: Int32 {
        case read = 0, write = 8, execute = 24
    }

    /// RCX = the offset in the host TLB of the entry of the VA in RAX (`hostTLBOffset`), or a
    /// jump to `miss` when its `kind` tag is not the page's with the current epoch
    /// (`CPU.fastRAM`, `CPU.switchFetchPage`). Uses RDX.
    private mutating func hostTLBTag(_ kind: TagKind, else miss: X86Label) {
        a.hostTLBOffset()
        a.mov(.rdx, .rax)
        a.aluImm(.and, .rdx, -4096)
        // Execute tags carry the read epoch (HostTLB.epoch); write tags their own.
        a.alu(.or, .rdx, kind == .write ? BlockTranslator.writeEpoch : BlockTranslator.readEpoch)
        a.aluMemIndexed(.cmp, .rdx, base: BlockTranslator.tlb, index: .rcx, disp: Int8(kind.rawValue))
        a.jcc(.ne, miss)
    }

    /// RAX = Xn (+ the offset), leaving for the full path if Xn is SP and not 16-byte aligned
    /// (the fast loop's rule: the full path decides whether that faults, SCTLR_ELx.SA).
    private mutating func base(_ i: Inst, offset: UInt64?, register: Bool, off: Int64, k: Int, write: Bool) {
        ld(.rax, i.rn)
        if i.rn == Reg.sp {
            let slow = X86Label()
            stubs.append(.exit(slow, offset: off, done: k, exit: .fullPath, saveVA: true))
            a.testImm(.rax, 15)
            a.jcc(.ne, slow)
        }
        if register {
            ld(.rcx, i.rm)
            addScaledIndex(UInt8(truncatingIfNeeded: i.imm & LSIndex.shiftMask))
        } else if let offset {
            addImm(.rax, offset, scratch: .rcx)
        }
    }

    private mutating func memory(_ i: Inst, k: Int, off: Int64) {
        switch i.group {
        case .ldr8, .ldr16, .ldr32, .ldr64:
            let size = [.ldr8: 1, .ldr16: 2, .ldr32: 4, .ldr64: 8][i.group] ?? 8
            base(i, offset: i.imm, register: false, off: off, k: k, write: false)
            hostAddress(total: size, elem: size, write: false, off: off, k: k)
            a.load(.rax, .rdx, 0, size: size)
            st(i.rd, .rax)
        case .str8, .str16, .str32, .str64:
            let size = [.str8: 1, .str16: 2, .str32: 4, .str64: 8][i.group] ?? 8
            base(i, offset: i.imm, register: false, off: off, k: k, write: true)
            hostAddress(total: size, elem: size, write: true, off: off, k: k)
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx, size: size)
        case .ldrReg32, .ldrReg64:
            let size = i.group == .ldrReg32 ? 4 : 8
            base(i, offset: nil, register: true, off: off, k: k, write: false)
            hostAddress(total: size, elem: size, write: false, off: off, k: k)
            a.load(.rax, .rdx, 0, size: size)
            st(i.rd, .rax)
        case .strReg32, .strReg64:
            let size = i.group == .strReg32 ? 4 : 8
            base(i, offset: nil, register: true, off: off, k: k, write: true)
            hostAddress(total: size, elem: size, write: true, off: off, k: k)
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx, size: size)
        case .ldr8Post:
            base(i, offset: nil, register: false, off: off, k: k, write: false)
            hostAddress(total: 1, elem: 1, write: false, off: off, k: k)
            a.load(.r8, .rdx, 0, size: 1)
            ld(.rax, i.rn)
            addImm(.rax, i.imm, scratch: .rcx)
            st(i.rn, .rax)
            st(i.rd, .r8)
        case .ldp64, .ldp64Post:
            let post = i.group == .ldp64Post
            base(i, offset: post ? nil : i.imm, register: false, off: off, k: k, write: false)
            hostAddress(total: 16, elem: 8, write: false, off: off, k: k)
            a.load(.r8, .rdx, 0)
            a.load(.r9, .rdx, 8)
            if post {
                ld(.rax, i.rn)
                addImm(.rax, i.imm, scratch: .rcx)
                st(i.rn, .rax)
            }
            st(i.rd, .r8)
            st(i.rm, .r9)
        case .stp64, .stp64Pre:
            base(i, offset: i.imm, register: false, off: off, k: k, write: true)
            hostAddress(total: 16, elem: 8, write: true, off: off, k: k)
            ld(.rcx, i.rd)
            a.store(.rdx, 0, .rcx)
            ld(.rcx, i.rm)
            a.store(.rdx, 8, .rcx)
            if i.group == .stp64Pre {
                ld(.rax, i.rn)
                addImm(.rax, i.imm, scratch: .rcx)
                st(i.rn, .rax)
            }
        default:
            break
        }
    }

    // MARK: branches

    private mutating func branch(_ i: Inst, k: Int, off: Int64, count n: Int) {
        let target = off &+ Int64(bitPattern: i.imm)
        switch i.group {
        case .branchReg, .branchLinkReg:
            // Read the target before writing X30: BLR X30 branches to the old value.
            ld(.r8, i.rn)
            if i.group == .branchLinkReg {
                pcPlus(.rcx, off + 4)
                st(30, .rcx)
            }
            a.aluImm(.sub, BlockTranslator.left, Int32(n))
            a.mov(.rax, .r8)
            farJump()
            return
        case .branch26:
            a.aluImm(.sub, BlockTranslator.left, Int32(n))
            jumpTo(target)
            return
        case .branchLink:
            pcPlus(.rcx, off + 4)
            st(30, .rcx)
            a.aluImm(.sub, BlockTranslator.left, Int32(n))
            jumpTo(target)
            return
        default:
            break
        }
        // Conditional: the budget first (LEA: the flags a compare just before left may still
        // be live), then the test, then both ways.
        let live = a.count == flagsLive
        a.lea(BlockTranslator.left, BlockTranslator.left, -Int32(n))
        let taken = X86Label()
        switch i.group {
        case .branchCond:
            let cond = BlockTranslator.condition(mask: UInt32(i.rd) | UInt32(i.rn) << 8)
            if let cc = condition(cond, live: live) { a.jcc(cc, taken) } else { a.jmp(taken) }
        case .cbz64, .cbnz64, .cbz32, .cbnz32:
            let wide = i.group == .cbz64 || i.group == .cbnz64
            ld(.rax, i.rn, wide: wide)
            a.test(.rax, .rax, wide: wide)
            a.jcc(i.group == .cbz64 || i.group == .cbz32 ? .e : .ne, taken)
        default:   // tbz, tbnz
            ld(.rax, i.rn)
            a.btImm(.rax, i.a & 63)
            a.jcc(i.group == .tbz ? .ae : .b, taken)
        }
        jumpTo(off + 4)
        bind(taken)
        jumpTo(target)
    }

    /// Go on at the page offset `target`: into the block at that slot if there is one, else
    /// back to the run loop.
    private mutating func jumpTo(_ target: Int64) {
        if target >= 0 && target < 4096 {
            chainOrExit(slot: Int(target / 4))
        } else {
            pcPlus(.rax, target)
            farJump()
        }
    }

    /// Go on at the VA in RAX, in any page: into the block there if the host TLB lets this EL
    /// execute the page (its execute tag, as `CPU.switchFetchPage` checks) and the page's slot
    /// there is a block's entry; else back to the run loop, which takes the full path for
    /// anything else (a misaligned PC, a page not in the host TLB).
    private mutating func farJump() {
        let exit = X86Label()
        a.testImm(.rax, 3)
        a.jcc(.ne, exit)
        hostTLBTag(.execute, else: exit)
        // The page's slot array: DecodeCache's table, indexed by the RAM page.
        a.alu(.add, .rcx, BlockTranslator.tlb)
        a.load(.rdx, .rcx, 16)
        a.alu(.add, .rdx, .rax)
        a.aluMem(.sub, .rdx, BlockTranslator.ctx, JITContext.ramHost)
        a.shift(.shr, .rdx, 12)
        a.load(.rsi, BlockTranslator.ctx, JITContext.pageTable)
        a.loadIndexed(.rsi, base: .rsi, index: .rdx)
        a.test(.rsi, .rsi)
        a.jcc(.e, exit)
        a.mov(.rdx, .rax)
        a.aluImm(.and, .rdx, 0xFFF, wide: false)
        a.shift(.shl, .rdx, 2, wide: false)
        a.alu(.add, .rdx, .rsi)
        a.cmpByte(.rdx, 0, InstGroup.jitBlock.rawValue)
        a.jcc(.ne, exit)
        a.mov(.rcx, .rax)
        a.aluImm(.and, .rcx, -4096)
        a.store(BlockTranslator.ctx, JITContext.pageVA, .rcx)
        a.load(.rdx, .rdx, 8)
        a.aluImm(.add, .rdx, Int32(BlockTranslator.bodyOffset))
        a.jmp(.rdx)
        bind(exit)
        a.leaveBlock(JITExit.next.rawValue, epilogue: epilogue, origin: origin)
    }

    /// The budget already counts everything before `slot`.
    private mutating func chainOrExit(slot: Int) {
        let exit = X86Label()
        if slot < DecodeCache.slotsPerPage {
            // The slot's group byte is read when the jump is made, so a block that was dropped
            // (its slot emptied or given back its instruction) is never entered.
            a.movImm(.rax, UInt64(UInt(bitPattern: page + slot)))
            a.cmpByte(.rax, 0, InstGroup.jitBlock.rawValue)
            a.jcc(.ne, exit)
            a.load(.rax, .rax, 8)
            a.aluImm(.add, .rax, Int32(BlockTranslator.bodyOffset))
            a.jmp(.rax)
        }
        bind(exit)
        pcPlus(.rax, Int64(slot * 4))
        a.leaveBlock(JITExit.next.rawValue, epilogue: epilogue, origin: origin)
    }

    private mutating func emitStub(_ s: Stub) {
        switch s {
        case let .exit(l, offset, done, exit, saveVA):
            bind(l)
            if saveVA { a.store(BlockTranslator.ctx, JITContext.faultVA, .rax) }
            if a.leaveBlock(at: Int(offset), exit: exit.rawValue, done: done, epilogue: epilogue, origin: origin) { break }
            pcPlus(.rax, offset)
            a.leaveBlock(exit.rawValue, done: done, epilogue: epilogue, origin: origin)
        case let .misaligned(l, back, slow, elem, total):
            // fastRAM's rule: misaligned for the element size only where SCTLR.A is clear
            // (B2.5.2), and never across a page.
            bind(l)
            if elem > 1 {
                let aligned = X86Label()
                a.testImm(.rax, UInt32(elem - 1))
                a.jcc(.e, aligned)
                a.cmpByte(BlockTranslator.ctx, JITContext.alignCheck, 0)
                a.jcc(.ne, slow)
                bind(aligned)
            }
            a.mov(.rcx, .rax, wide: false)
            a.aluImm(.and, .rcx, 0xFFF, wide: false)
            a.aluImm(.cmp, .rcx, Int32(0x1000 - total), wide: false)
            a.jcc(.a, slow)
            a.jmp(back)
        }
    }
}

