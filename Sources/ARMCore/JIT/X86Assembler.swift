// A small x86-64 assembler: the instructions the A64 block translator (BlockTranslator.swift)
// emits, encoded by hand (Intel SDM vol. 2, "Instruction Format"), straight into the code
// buffer (JITCodeBuffer.swift) at its cursor: translation appended to a Swift array before,
// at about 30 host instructions a byte, which was most of what a block cost to make.

/// The sixteen general-purpose registers, numbered as the encoding numbers them.
enum X86Reg: UInt8 {
    case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
    var low: UInt8 { rawValue & 7 }
    var high: Bool { rawValue >= 8 }
}

/// Condition codes of Jcc, SETcc and CMOVcc.
enum X86Cond: UInt8 {
    case o = 0, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
}

/// A jump target: a position once bound, and the rel32 fields that wait for it.
final class X86Label {
    var position: Int?
    var fixups: [Int] = []
}

/// Memory an assembler made without a destination writes to, freed with the last copy.
final class X86Scratch {
    static let capacity = 1 << 16
    let base = UnsafeMutablePointer<UInt8>.allocate(capacity: X86Scratch.capacity)
    deinit { base.deallocate() }
}

struct X86Assembler {
    private let scratch: X86Scratch?
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    /// Set when the code did not fit in `capacity` bytes: what did not fit was dropped, so the
    /// code must not be used (the translator empties the buffer and translates again).
    private(set) var overflowed = false

    /// Code written to memory of its own (`bytes` copies it out).
    init() {
        let s = X86Scratch()
        scratch = s
        base = s.base
        capacity = X86Scratch.capacity
    }

    /// Code written at `base`, which has room for `capacity` bytes.
    init(into base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        scratch = nil
        self.base = base
        self.capacity = max(0, capacity)
    }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        guard count < capacity else {
            overflowed = true
            return
        }
        base[count] = b
        count &+= 1
    }

    /// A byte that is data, not an instruction (a block's header).
    mutating func raw(_ b: UInt8) { byte(b) }
    mutating func u32(_ v: UInt32) {
        guard count + 4 <= capacity else {
            overflowed = true
            return
        }
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: v.littleEndian, as: UInt32.self)
        count &+= 4
    }
    mutating func u64(_ v: UInt64) {
        u32(UInt32(truncatingIfNeeded: v)); u32(UInt32(truncatingIfNeeded: v >> 32))
    }

    /// A REX prefix when one is needed: W for 64-bit operands, R for ModRM.reg, B for
    /// ModRM.rm; `byteRegs` forces one so that registers 4-7 mean SPL..DIL, not AH..BH.
    mutating func rex(w: Bool, reg: UInt8 = 0, rm: UInt8 = 0, byteRegs: Bool = false) {
        let r: UInt8 = 0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0)
        if r != 0x40 || byteRegs { byte(r) }
    }

    /// ModRM (and SIB, displacement) for [base + disp].
    mutating func memOperand(reg: UInt8, base: X86Reg, disp: Int32) {
        let r = (reg & 7) << 3
        if disp == 0 && base.low != 5 {
            byte(0x00 | r | base.low)
            if base.low == 4 { byte(0x24) }
        } else if disp >= -128 && disp <= 127 {
            byte(0x40 | r | base.low)
            if base.low == 4 { byte(0x24) }
            byte(UInt8(bitPattern: Int8(disp)))
        } else {
            byte(0x80 | r | base.low)
            if base.low == 4 { byte(0x24) }
            u32(UInt32(bitPattern: disp))
        }
    }

    mutating func regOperand(reg: UInt8, rm: UInt8) {
        byte(0xC0 | (reg & 7) << 3 | (rm & 7))
    }

    // MARK: moves

    /// dst = [base + disp], `size` bytes zero-extended (1, 2, 4, 8).
    mutating func load(_ dst: X86Reg, _ base: X86Reg, _ disp: Int32, size: Int = 8) {
        switch size {
        case 1: rex(w: false, reg: dst.rawValue, rm: base.rawValue); byte(0x0F); byte(0xB6)
        case 2: rex(w: false, reg: dst.rawValue, rm: base.rawValue); byte(0x0F); byte(0xB7)
        case 4: rex(w: false, reg: dst.rawValue, rm: base.rawValue); byte(0x8B)
        default: rex(w: true, reg: dst.rawValue, rm: base.rawValue); byte(0x8B)
        }
        memOperand(reg: dst.rawValue, base: base, disp: disp)
    }

    /// [base + disp] = the low `size` bytes of src.
    mutating func store(_ base: X86Reg, _ disp: Int32, _ src: X86Reg, size: Int = 8) {
        switch size {
        case 1: rex(w: false, reg: src.rawValue, rm: base.rawValue, byteRegs: src.rawValue >= 4); byte(0x88)
        case 2: byte(0x66); rex(w: false, reg: src.rawValue, rm: base.rawValue); byte(0x89)
        case 4: rex(w: false, reg: src.rawValue, rm: base.rawValue); byte(0x89)
        default: rex(w: true, reg: src.rawValue, rm: base.rawValue); byte(0x89)
        }
        memOperand(reg: src.rawValue, base: base, disp: disp)
    }

    /// dst = src (64 bits), or its low 32 bits zero-extended.
    mutating func mov(_ dst: X86Reg, _ src: X86Reg, wide: Bool = true) {
        rex(w: wide, reg: src.rawValue, rm: dst.rawValue); byte(0x89); regOperand(reg: src.rawValue, rm: dst.rawValue)
    }

    /// dst = imm, in the shortest encoding.
    mutating func movImm(_ dst: X86Reg, _ imm: UInt64) {
        if imm <= 0xFFFF_FFFF {
            rex(w: false, rm: dst.rawValue); byte(0xB8 | dst.low); u32(UInt32(imm))
        } else if Int64(bitPattern: imm) >= Int64(Int32.min) && Int64(bitPattern: imm) < 0 {
            rex(w: true, rm: dst.rawValue); byte(0xC7); regOperand(reg: 0, rm: dst.rawValue)
            u32(UInt32(truncatingIfNeeded: imm))
        } else {
            rex(w: true, rm: dst.rawValue); byte(0xB8 | dst.low); u64(imm)
        }
    }

    // MARK: arithmetic and logic

    enum ALU: UInt8 {
        case add = 0, or = 1, and = 4, sub = 5, xor = 6, cmp = 7
        /// The opcode of `op r/m, reg`.
        var rmReg: UInt8 { rawValue << 3 | 1 }
    }

    /// dst = dst op src.
    mutating func alu(_ op: ALU, _ dst: X86Reg, _ src: X86Reg, wide: Bool = true) {
        rex(w: wide, reg: src.rawValue, rm: dst.rawValue); byte(op.rmReg); regOperand(reg: src.rawValue, rm: dst.rawValue)
    }

    /// dst = dst op imm, imm sign-extended from 32 bits.
    mutating func aluImm(_ op: ALU, _ dst: X86Reg, _ imm: Int32, wide: Bool = true) {
        rex(w: wide, rm: dst.rawValue)
        if imm >= -128 && imm <= 127 {
            byte(0x83); regOperand(reg: op.rawValue, rm: dst.rawValue); byte(UInt8(bitPattern: Int8(imm)))
        } else {
            byte(0x81); regOperand(reg: op.rawValue, rm: dst.rawValue); u32(UInt32(bitPattern: imm))
        }
    }

    /// dst = dst op qword [base + index + disp] (64 bits; a SIB byte, disp8; index not RSP).
    mutating func aluMemIndexed(_ op: ALU, _ dst: X86Reg, base: X86Reg, index: X86Reg, disp: Int8) {
        byte(0x48 | (dst.high ? 4 : 0) | (index.high ? 2 : 0) | (base.high ? 1 : 0)); byte(op.rmReg | 2)
        byte(0x44 | dst.low << 3); byte(index.low << 3 | base.low); byte(UInt8(bitPattern: disp))
    }

    /// dst = dst op [base + disp] (64 bits).
    mutating func aluMem(_ op: ALU, _ dst: X86Reg, _ base: X86Reg, _ disp: Int32) {
        rex(w: true, reg: dst.rawValue, rm: base.rawValue); byte(op.rmReg | 2)
        memOperand(reg: dst.rawValue, base: base, disp: disp)
    }

    /// cmp byte [base + disp], imm.
    mutating func cmpByte(_ base: X86Reg, _ disp: Int32, _ imm: UInt8) {
        rex(w: false, rm: base.rawValue); byte(0x80); memOperand(reg: 7, base: base, disp: disp); byte(imm)
    }

    /// test reg, imm (flags of reg AND imm).
    mutating func testImm(_ r: X86Reg, _ imm: UInt32, wide: Bool = false) {
        rex(w: wide, rm: r.rawValue); byte(0xF7); regOperand(reg: 0, rm: r.rawValue); u32(imm)
    }

    /// test a, b.
    mutating func test(_ a: X86Reg, _ b: X86Reg, wide: Bool = true) {
        rex(w: wide, reg: b.rawValue, rm: a.rawValue); byte(0x85); regOperand(reg: b.rawValue, rm: a.rawValue)
    }

    enum Shift: UInt8 { case rol = 0, ror = 1, shl = 4, shr = 5, sar = 7 }

    /// dst = dst shift imm.
    mutating func shift(_ op: Shift, _ dst: X86Reg, _ imm: UInt8, wide: Bool = true) {
        rex(w: wide, rm: dst.rawValue); byte(0xC1); regOperand(reg: op.rawValue, rm: dst.rawValue); byte(imm)
    }

    /// dst = (src:dst) >> imm: the low bits of the double-width value (SHRD).
    mutating func shrd(_ dst: X86Reg, _ src: X86Reg, _ imm: UInt8, wide: Bool = true) {
        rex(w: wide, reg: src.rawValue, rm: dst.rawValue); byte(0x0F); byte(0xAC)
        regOperand(reg: src.rawValue, rm: dst.rawValue); byte(imm)
    }

    /// dst = dst * src (low half).
    mutating func imul(_ dst: X86Reg, _ src: X86Reg, wide: Bool = true) {
        rex(w: wide, reg: dst.rawValue, rm: src.rawValue); byte(0x0F); byte(0xAF); regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// dst = base + index * 2^scale (64 bits); base may not be rbp/r13.
    mutating func leaIndexed(_ dst: X86Reg, base: X86Reg, index: X86Reg, scale: UInt8 = 0) {
        let r: UInt8 = 0x48 | (dst.high ? 4 : 0) | (index.high ? 2 : 0) | (base.high ? 1 : 0)
        byte(r); byte(0x8D); byte(0x04 | dst.low << 3); byte(scale << 6 | index.low << 3 | base.low)
    }

    /// The low byte of dst = condition (SETcc).
    mutating func setcc(_ c: X86Cond, _ dst: X86Reg) {
        rex(w: false, rm: dst.rawValue, byteRegs: dst.rawValue >= 4); byte(0x0F); byte(0x90 | c.rawValue)
        regOperand(reg: 0, rm: dst.rawValue)
    }

    /// 8-bit dst = dst op src.
    mutating func alu8(_ op: ALU, _ dst: X86Reg, _ src: X86Reg) {
        rex(w: false, reg: src.rawValue, rm: dst.rawValue, byteRegs: dst.rawValue >= 4 || src.rawValue >= 4)
        byte(op.rawValue << 3); regOperand(reg: src.rawValue, rm: dst.rawValue)
    }

    /// dst = zero-extended low byte of src.
    mutating func movzx8(_ dst: X86Reg, _ src: X86Reg) {
        rex(w: false, reg: dst.rawValue, rm: src.rawValue, byteRegs: src.rawValue >= 4); byte(0x0F); byte(0xB6)
        regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// CF = bit `index` of `base` (32-bit BT).
    mutating func bt(_ base: X86Reg, _ index: X86Reg) {
        rex(w: false, reg: index.rawValue, rm: base.rawValue); byte(0x0F); byte(0xA3); regOperand(reg: index.rawValue, rm: base.rawValue)
    }

    /// CF = bit `bit` of the 32-bit word at [base + disp] (BT m32, imm8).
    mutating func btMem(_ base: X86Reg, _ disp: Int32, _ bit: UInt8) {
        rex(w: false, rm: base.rawValue); byte(0x0F); byte(0xBA); memOperand(reg: 4, base: base, disp: disp); byte(bit)
    }

    /// CF = bit `bit` of `r` (64-bit BT with an immediate).
    mutating func btImm(_ r: X86Reg, _ bit: UInt8) {
        rex(w: true, rm: r.rawValue); byte(0x0F); byte(0xBA); regOperand(reg: 4, rm: r.rawValue); byte(bit)
    }

    /// dst = src if the condition holds (64 bits).
    mutating func cmov(_ c: X86Cond, _ dst: X86Reg, _ src: X86Reg) {
        rex(w: true, reg: dst.rawValue, rm: src.rawValue); byte(0x0F); byte(0x40 | c.rawValue); regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// dst = NOT dst, or 0 - dst (`negate`).
    mutating func not(_ dst: X86Reg, negate: Bool = false, wide: Bool = true) {
        rex(w: wide, rm: dst.rawValue); byte(0xF7); regOperand(reg: negate ? 3 : 2, rm: dst.rawValue)
    }

    /// dst = src sign-extended from `bits` (8, 16, 32) to 64 bits, or to 32 (`wide` false,
    /// which zero-extends the 32-bit result, as every 32-bit write does).
    mutating func movsx(_ dst: X86Reg, _ src: X86Reg, bits: Int, wide: Bool = true) {
        switch bits {
        case 8:
            rex(w: wide, reg: dst.rawValue, rm: src.rawValue, byteRegs: src.rawValue >= 4); byte(0x0F); byte(0xBE)
        case 16:
            rex(w: wide, reg: dst.rawValue, rm: src.rawValue); byte(0x0F); byte(0xBF)
        default:
            rex(w: true, reg: dst.rawValue, rm: src.rawValue); byte(0x63)
        }
        regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// dst = the low 16 bits of src, zero-extended.
    mutating func movzx16(_ dst: X86Reg, _ src: X86Reg) {
        rex(w: false, reg: dst.rawValue, rm: src.rawValue); byte(0x0F); byte(0xB7); regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// dst = [base + index * 8 + disp] (64 bits): a table load.
    mutating func loadIndexed(_ dst: X86Reg, base: X86Reg, index: X86Reg) {
        let r: UInt8 = 0x48 | (dst.high ? 4 : 0) | (index.high ? 2 : 0) | (base.high ? 1 : 0)
        byte(r); byte(0x8B); byte(0x04 | dst.low << 3); byte(3 << 6 | index.low << 3 | base.low)
    }

    /// dst = dst + src + CF (ADC), or dst - src - CF (SBB, `borrow`).
    mutating func adc(_ dst: X86Reg, _ src: X86Reg, borrow: Bool = false, wide: Bool = true) {
        rex(w: wide, reg: src.rawValue, rm: dst.rawValue); byte(borrow ? 0x19 : 0x11); regOperand(reg: src.rawValue, rm: dst.rawValue)
    }

    /// CF = NOT CF.
    mutating func cmc() { byte(0xF5) }
    mutating func stc() { byte(0xF9) }
    /// AH = SF:ZF:0:AF:0:PF:1:CF (LAHF), and back (SAHF, which leaves OF alone).
    mutating func lahf() { byte(0x9F) }
    mutating func sahf() { byte(0x9E) }
    /// AL += imm (ADD AL, imm8).
    mutating func addAL(_ imm: UInt8) { byte(0x04); byte(imm) }
    /// dst = base + disp (LEA), which leaves the flags alone.
    mutating func lea(_ dst: X86Reg, _ base: X86Reg, _ disp: Int32) {
        rex(w: true, reg: dst.rawValue, rm: base.rawValue); byte(0x8D)
        memOperand(reg: dst.rawValue, base: base, disp: disp)
    }

    /// RDX:RAX = RAX * src (64 bits), unsigned (MUL) or signed (one-operand IMUL).
    mutating func mulWide(_ src: X86Reg, signed: Bool) {
        rex(w: true, rm: src.rawValue); byte(0xF7); regOperand(reg: signed ? 5 : 4, rm: src.rawValue)
    }

    /// RAX = RDX:RAX / src, RDX = the remainder: unsigned (DIV) or signed (IDIV).
    mutating func div(_ src: X86Reg, wide: Bool = true, signed: Bool = false) {
        rex(w: wide, rm: src.rawValue); byte(0xF7); regOperand(reg: signed ? 7 : 6, rm: src.rawValue)
    }

    /// dst = dst shifted by CL (masked to the operand size, as A64's LSLV family does).
    mutating func shiftCL(_ op: Shift, _ dst: X86Reg, wide: Bool = true) {
        rex(w: wide, rm: dst.rawValue); byte(0xD3); regOperand(reg: op.rawValue, rm: dst.rawValue)
    }

    /// Reverse the bytes of dst.
    mutating func bswap(_ dst: X86Reg, wide: Bool = true) {
        rex(w: wide, rm: dst.rawValue); byte(0x0F); byte(0xC8 | dst.low)
    }

    /// dst = the index of src's highest set bit (BSR); ZF set when src is zero.
    mutating func bsr(_ dst: X86Reg, _ src: X86Reg, wide: Bool = true) {
        rex(w: wide, reg: dst.rawValue, rm: src.rawValue); byte(0x0F); byte(0xBD); regOperand(reg: dst.rawValue, rm: src.rawValue)
    }

    /// Compare RAX with the quadwords at [RDI] while they are equal, at most RCX of them
    /// (REPE SCASQ): ZF is set when all were equal.
    mutating func repeScasq() { byte(0xF3); byte(0x48); byte(0xAF) }

    /// Store AL to [RDI], RCX times (REP STOSB): RDI and RCX are used up.
    mutating func repStosb() { byte(0xF3); byte(0xAA) }

    // MARK: control flow

    mutating func bind(_ l: X86Label) {
        let here = count
        l.position = here
        for f in l.fixups { patch(at: f, to: here) }
        l.fixups.removeAll()
    }

    private mutating func patch(at f: Int, to target: Int) {
        // A fixup past what fit (`overflowed`) has nothing to patch.
        guard f >= 0 && f + 4 <= count else { return }
        (UnsafeMutableRawPointer(base) + f).storeBytes(of: Int32(truncatingIfNeeded: target - (f + 4)).littleEndian,
                                                       as: Int32.self)
    }

    private mutating func rel32(_ l: X86Label) {
        if let p = l.position {
            u32(UInt32(bitPattern: Int32(p - (count + 4))))
        } else {
            l.fixups.append(count)
            u32(0)
        }
    }

    mutating func jcc(_ c: X86Cond, _ l: X86Label) { byte(0x0F); byte(0x80 | c.rawValue); rel32(l) }
    mutating func jmp(_ l: X86Label) { byte(0xE9); rel32(l) }

    /// A jump to an absolute position in the code buffer, given where this code will be
    /// placed (`origin`): the shared epilogue.
    mutating func jmp(absolute target: Int, origin: Int) {
        byte(0xE9); u32(UInt32(bitPattern: Int32(target - (origin + count + 4))))
    }

    /// jmp reg.
    mutating func jmp(_ r: X86Reg) { rex(w: false, rm: r.rawValue); byte(0xFF); regOperand(reg: 4, rm: r.rawValue) }
    mutating func push(_ r: X86Reg) { rex(w: false, rm: r.rawValue); byte(0x50 | r.low) }
    mutating func pop(_ r: X86Reg) { rex(w: false, rm: r.rawValue); byte(0x58 | r.low) }
    mutating func ret() { byte(0xC3) }
}
