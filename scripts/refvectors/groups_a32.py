"""The A32 encoding groups (ARM DDI 0487, F4.1 "A32 instruction set encoding") and a generator
of random valid encodings for each.

A generator takes a `random.Random` and returns either an `Inst32` or CU (a CONSTRAINED
UNPREDICTABLE or UNPREDICTABLE combination, thrown away and counted). Operand fields are
random; register fields draw R15 only where the instruction's pseudocode allows it, and the
should-be-zero and should-be-one fields hold their fixed values. Every conditional
instruction draws its cond field: AL 40 % of the time, otherwise any of EQ..AL.

Group ids are stored in the vector file: never renumber a group, only add new ones. The A32
ids start at 101, apart from the A64 ids of the other files.
"""

CU = "constrained unpredictable"


class Mem32:
    """How an A32 load or store forms its address, for placing it in the window.

    kind "imm": Rn + imm (`imm` signed), or Rn alone when post-indexed; Rn = 15 is a literal,
    based on the instruction's address + 8.
    kind "reg": Rn +/- Shift(Rm, shift_t, shift_n, C) (`add`), or Rn alone when post-indexed.
    kind "multiple": LDM/STM of `count` words, `mode` ia, ib, da or db from Rn.
    kind "exclusive": Rn itself.
    `size` is the size of one element, `count` the number of elements, `align` the alignment
    the address must have (natural, and 4 for LDRD/STRD).
    """

    def __init__(self, kind, n, imm=0, size=4, count=1, post=False, m=0, add=True, shift_t=0,
                 shift_n=0, mode="ia", align=None):
        self.kind, self.n, self.imm, self.size, self.count = kind, n, imm, size, count
        self.post, self.m, self.add, self.shift_t, self.shift_n = post, m, add, shift_t, shift_n
        self.mode = mode
        self.align = size if align is None else align
        self.misalign = False   # set by the unaligned group: the address must NOT be aligned
        self.pc_align = True    # T32, Rn = PC: the base is Align(PC, 4) (TBB/TBH: PC itself)


class Branch32:
    """How a branch finds its target, for placing it in RAM. kind "imm": PC + 8 + offset;
    kind "reg": R[m] (m may be 15: PC + 8); kind "alu": a data-processing result, whose first
    operand R[m] is set to an address in RAM half of the time."""

    def __init__(self, kind, offset=0, m=0, thumb=False):
        self.kind, self.offset, self.m, self.thumb = kind, offset, m, thumb


class Inst32:
    def __init__(self, word, mem=None, branch=None, bias=()):
        self.word = word & 0xFFFF_FFFF
        self.mem = mem
        self.branch = branch
        # Operand registers that placement32 sets, 30 % of the time each, to a value near the
        # signed limits (EXTREMES), so that the saturating paths (the Q flag) are taken often.
        self.bias = bias


# Operands near the 32- and 16-bit signed limits (placement32.place, Inst32.bias).
EXTREMES = [0x7FFF_FFFF, 0x8000_0000, 0x7FFF_FFFE, 0x8000_0001, 0x4000_0000, 0xC000_0000, 0x8000_8000,
            0x7FFF_7FFF, 0x7FFF_8000, 0x8000_7FFF, 0xFFFF_8000, 0x0000_8000, 0x0000_7FFF, 0x3FFF_FFFF]


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def bits(r, n):
    return r.getrandbits(n)


def cond(r):
    """The cond field: AL 40 % of the time, otherwise uniform over EQ..AL."""
    return 0xE if r.random() < 0.4 else r.randrange(15)


def reg(r):
    """R0..R14."""
    return r.randrange(15)


def reg_pc(r, p=0.08):
    """R0..R15, R15 with probability `p`."""
    return 15 if r.random() < p else r.randrange(15)


# --- Data-processing (immediate, register, register-shifted register), MOVW/MOVT -----------

def dp_fields(r, opc):
    """S and Rd of a data-processing instruction of opcode `opc` (AND ... MVN). Rd = PC is
    not drawn: with S = 0 it is a branch (ALUWritePC), with S = 1 an exception return.
    The compare forms (TST, TEQ, CMP, CMN) need S = 1 (S = 0 is another class) and have an
    Rd field that should be zero; MOV and MVN an Rn field that should be zero."""
    if 8 <= opc <= 11:
        return 1, 0
    return bits(r, 1), reg(r)


def dp_imm(r):
    opc = bits(r, 4)
    s, d = dp_fields(r, opc)
    n = 0 if opc in (13, 15) else reg_pc(r)     # Rn = PC: ADR for ADD/SUB with S = 0
    rot, imm8 = bits(r, 4), bits(r, 8)
    if r.random() < 0.15:
        rot = 0
    return Inst32(cond(r) << 28 | 0b001 << 25 | opc << 21 | s << 20 | n << 16 | d << 12 | rot << 8 | imm8)


def dp_reg(r):
    """Register operand shifted by an immediate. Rn and Rm may be PC (read as the
    instruction's address + 8)."""
    opc = bits(r, 4)
    s, d = dp_fields(r, opc)
    n = 0 if opc in (13, 15) else reg_pc(r)
    m = reg_pc(r)
    imm5 = bits(r, 5)
    if r.random() < 0.2:
        imm5 = r.choice([0, 1, 31])
    return Inst32(cond(r) << 28 | opc << 21 | s << 20 | n << 16 | d << 12 | imm5 << 7 | bits(r, 2) << 5 | m)


def dp_rsr(r):
    """Register operand shifted by the bottom byte of Rs: no register may be PC."""
    opc = bits(r, 4)
    s, d = dp_fields(r, opc)
    n = 0 if opc in (13, 15) else reg(r)
    return Inst32(cond(r) << 28 | opc << 21 | s << 20 | n << 16 | d << 12 | reg(r) << 8 | bits(r, 2) << 5
                  | 1 << 4 | reg(r))


def dp_pc(r):
    """Data-processing (immediate, or register shifted by an immediate) with Rd = PC and S = 0:
    ALUWritePC, which interworks in A32 (bit 0 selects T32). A result with bits 1:0 = 10 in A32
    is CONSTRAINED UNPREDICTABLE: the generator drops such vectors after the run. Half of the
    draws are MOV PC, Rm or ADD/SUB PC, Rn, #imm with Rm/Rn pointing into RAM."""
    c = cond(r) << 28
    opc = r.choice([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15])
    n = 0 if opc in (13, 15) else reg_pc(r)
    if r.random() < 0.5:
        rot, imm8 = bits(r, 4), bits(r, 8)
        return Inst32(c | 0b001 << 25 | opc << 21 | n << 16 | 15 << 12 | rot << 8 | imm8,
                      branch=Branch32("alu", m=15 if opc in (13, 15) else n, thumb=bool(bits(r, 1))))
    m = reg_pc(r)
    imm5 = 0 if r.random() < 0.5 else bits(r, 5)
    return Inst32(c | opc << 21 | n << 16 | 15 << 12 | imm5 << 7 | bits(r, 2) << 5 | m,
                  branch=Branch32("alu", m=m if opc in (13, 15) else n, thumb=bool(bits(r, 1))))


def movw_movt(r):
    op = r.choice([0b10000, 0b10100])       # MOVW, MOVT
    return Inst32(cond(r) << 28 | 0b001 << 25 | op << 20 | bits(r, 4) << 16 | reg(r) << 12 | bits(r, 12))


# --- Multiplies --------------------------------------------------------------------------

def multiply(r):
    """MUL, MLA, UMAAL, MLS, UMULL, UMLAL, SMULL, SMLAL (F4.1.x "Multiply and Accumulate").
    No register may be PC; the long forms need RdHi != RdLo."""
    opc = r.choice([0, 1, 2, 3, 4, 5, 6, 7])
    s = 0 if opc in (2, 3) else bits(r, 1)
    hi, lo, m, n = reg(r), reg(r), reg(r), reg(r)
    if opc == 0:
        lo = 0                              # MUL: Ra should be zero
    if opc in (2, 4, 5, 6, 7) and hi == lo:
        return CU
    return Inst32(cond(r) << 28 | opc << 21 | s << 20 | hi << 16 | lo << 12 | m << 8 | 0b1001 << 4 | n)


def halfword_multiply(r):
    """SMLA<x><y>, SMLAW<y>, SMULW<y>, SMLAL<x><y>, SMUL<x><y>."""
    op = bits(r, 2)
    xbit, ybit = bits(r, 1), bits(r, 1)
    d, a, m, n = reg(r), reg(r), reg(r), reg(r)
    if op == 3 or (op == 1 and xbit):
        a = 0                               # SMUL<x><y>, SMULW<y>: Ra should be zero
    if op == 2 and d == a:
        return CU                           # SMLAL<x><y>: RdHi == RdLo
    return Inst32(cond(r) << 28 | 0b00010 << 23 | op << 21 | d << 16 | a << 12 | m << 8 | 1 << 7 | ybit << 6
                  | xbit << 5 | n, bias=(n, m, a))


def dual_multiply(r):
    """SMLAD/SMUAD, SMLSD/SMUSD, SMLALD, SMLSLD, SMMLA/SMMUL, SMMLS (F4.1.x "Signed multiply,
    Divide"). Ra = 15 selects the non-accumulating form where one exists."""
    op1, op2 = r.choice([(0, 0), (0, 1), (4, 0), (4, 1), (5, 0), (5, 3)])
    d, a, m, n = reg(r), reg_pc(r, 0.25), reg(r), reg(r)
    if op1 == 4 and (a == 15 or a == d):
        return CU                           # SMLALD/SMLSLD: RdLo = 15 or RdHi == RdLo
    if (op1, op2) == (5, 3) and a == 15:
        return CU                           # SMMLS: Ra = 15 is UNPREDICTABLE
    return Inst32(cond(r) << 28 | 0b01110 << 23 | op1 << 20 | d << 16 | a << 12 | m << 8 | op2 << 6
                  | bits(r, 1) << 5 | 1 << 4 | n, bias=(n, m) + ((a,) if a != 15 else ()))


def divide(r):
    """SDIV, UDIV: Ra (15:12) should be ones."""
    op1 = r.choice([0b001, 0b011])
    return Inst32(cond(r) << 28 | 0b01110 << 23 | op1 << 20 | reg(r) << 16 | 0b1111 << 12 | reg(r) << 8
                  | 1 << 4 | reg(r))


# --- Saturating, parallel and miscellaneous arithmetic -----------------------------------

def saturating_arith(r):
    """QADD, QSUB, QDADD, QDSUB: bits 11:8 should be zero."""
    n, m = reg(r), reg(r)
    return Inst32(cond(r) << 28 | 0b00010 << 23 | bits(r, 2) << 21 | n << 16 | reg(r) << 12 | 0b0101 << 4 | m,
                  bias=(n, m))


def parallel(r):
    """The 36 parallel add/subtract instructions: prefix S, Q, SH, U, UQ, UH; ADD16, ASX,
    SAX, SUB16, ADD8, SUB8. Bits 11:8 should be ones."""
    prefix = r.choice([0b001, 0b010, 0b011, 0b101, 0b110, 0b111])
    op2 = r.choice([0b000, 0b001, 0b010, 0b011, 0b100, 0b111])
    return Inst32(cond(r) << 28 | 0b01100 << 23 | prefix << 20 | reg(r) << 16 | reg(r) << 12 | 0b1111 << 8
                  | op2 << 5 | 1 << 4 | reg(r))


def extend(r):
    """SXTAB16/SXTB16, SXTAB/SXTB, SXTAH/SXTH, UXTAB16/UXTB16, UXTAB/UXTB, UXTAH/UXTH: Rn = 15
    is the form without the add; bits 9:8 should be zero."""
    op1 = r.choice([0b000, 0b010, 0b011, 0b100, 0b110, 0b111])
    n = reg_pc(r, 0.4)
    return Inst32(cond(r) << 28 | 0b01101 << 23 | op1 << 20 | n << 16 | reg(r) << 12 | bits(r, 2) << 10
                  | 0b0111 << 4 | reg(r))


def pack_reverse(r):
    """PKHBT, PKHTB, SEL, REV, REV16, RBIT, REVSH, USAD8, USADA8."""
    k = r.randrange(9)
    c = cond(r) << 28
    d, n, m = reg(r), reg(r), reg(r)
    if k < 2:    # PKHBT (tb = 0, LSL), PKHTB (tb = 1, ASR; imm5 = 0 is ASR #32)
        return Inst32(c | 0b01101000 << 20 | n << 16 | d << 12 | bits(r, 5) << 7 | k << 6 | 0b01 << 4 | m)
    if k == 2:   # SEL
        return Inst32(c | 0b01101000 << 20 | n << 16 | d << 12 | 0b1111 << 8 | 0b1011 << 4 | m)
    if k < 7:    # REV, REV16, RBIT, REVSH
        op1, op2 = [(0b011, 0b001), (0b011, 0b101), (0b111, 0b001), (0b111, 0b101)][k - 3]
        return Inst32(c | 0b01101 << 23 | op1 << 20 | 0b1111 << 16 | d << 12 | 0b1111 << 8 | op2 << 5 | 1 << 4 | m)
    a = 15 if k == 7 else reg(r)   # USAD8 (Ra = 15), USADA8
    return Inst32(c | 0b01111000 << 20 | d << 16 | a << 12 | m << 8 | 0b0001 << 4 | n)


def saturate(r):
    """SSAT, USAT (with LSL or ASR), SSAT16, USAT16."""
    k = r.randrange(4)
    c = cond(r) << 28
    d, n = reg(r), reg(r)
    if k < 2:
        u = k
        return Inst32(c | 0b0110101 << 21 | u << 22 | bits(r, 5) << 16 | d << 12 | bits(r, 5) << 7 | bits(r, 1) << 6
                      | 0b01 << 4 | n)
    u = k - 2
    return Inst32(c | 0b01101010 << 20 | u << 22 | bits(r, 4) << 16 | d << 12 | 0b1111 << 8 | 0b0011 << 4 | n)


def bitfield(r):
    """SBFX, UBFX (lsb + width <= 32), BFI and BFC (msb >= lsb)."""
    k = r.randrange(4)
    c = cond(r) << 28
    d = reg(r)
    lsb = bits(r, 5)
    if k < 2:
        widthm1 = r.randrange(32 - lsb)
        return Inst32(c | 0b01111 << 23 | (1 if k == 0 else 3) << 21 | widthm1 << 16 | d << 12 | lsb << 7 | 0b101 << 4 | reg(r))
    msb = r.randrange(lsb, 32)
    n = 15 if k == 3 else reg(r)   # BFC: Rn = 15
    return Inst32(c | 0b0111110 << 21 | msb << 16 | d << 12 | lsb << 7 | 0b001 << 4 | n)


def clz(r):
    return Inst32(cond(r) << 28 | 0b00010110 << 20 | 0b1111 << 16 | reg(r) << 12 | 0b1111 << 8 | 0b0001 << 4 | reg(r))


# --- Loads and stores --------------------------------------------------------------------

def addressing(r, unpriv):
    """(P, W, post, wback) of an addressing mode: offset, pre-indexed, post-indexed, or the
    unprivileged form (P = 0, W = 1, post-indexed)."""
    if unpriv:
        return 0, 1, True, True
    p, w = r.choice([(1, 0), (1, 1), (0, 0)])
    return p, w, p == 0, p == 0 or w == 1


def ls_word_byte(r, register, unpriv=False):
    """LDR, LDRB, STR, STRB (and LDRT, LDRBT, STRT, STRBT) with an immediate or a shifted
    register offset. Rn = 15 (a literal) only without writeback; Rt = 15 only for LDR (a branch
    with interworking) and STR (stores the address + 8)."""
    p, w, post, wback = addressing(r, unpriv)
    load, byte, u = bits(r, 1), bits(r, 1), bits(r, 1)
    n = reg_pc(r, 0.1)
    t = reg_pc(r, 0.06)
    if wback and (n == 15 or n == t):
        return CU
    if t == 15 and (byte or unpriv):
        return CU
    c = cond(r) << 28
    base = c | 0b01 << 26 | register << 25 | p << 24 | u << 23 | byte << 22 | w << 21 | load << 20 | n << 16 | t << 12
    size = 1 if byte else 4
    if not register:
        imm12 = bits(r, 12) if r.random() < 0.7 else bits(r, 6)
        if size == 4 and r.random() < 0.8:
            imm12 &= ~3
        imm = imm12 if u else -imm12
        return Inst32(base | imm12, Mem32("imm", n, imm=imm, size=size, post=post))
    m = reg(r)
    shift_t, imm5 = bits(r, 2), bits(r, 5)
    if r.random() < 0.5:
        shift_t, imm5 = 0, r.choice([0, 0, 1, 2, 3])
    return Inst32(base | imm5 << 7 | shift_t << 5 | m,
                  Mem32("reg", n, m=m, add=bool(u), shift_t=shift_t, shift_n=imm5, size=size, post=post))


def ls_extra(r, register, unpriv=False):
    """STRH, LDRH, LDRSB, LDRSH, LDRD, STRD (F4.1.x "Load/Store Dual, Half, Signed Byte"), and
    with `unpriv` STRHT, LDRHT, LDRSBT, LDRSHT. Rn = 15 (a literal, for the loads) only
    without writeback; Rt = 15 never (UNPREDICTABLE, and Rt2 = 15 for the dual forms)."""
    ops = ["strh", "ldrh", "ldrsb", "ldrsh"] + ([] if unpriv else ["ldrd", "strd"])
    op = r.choice(ops)
    load = int(op in ("ldrh", "ldrsb", "ldrsh"))
    op2 = {"strh": 1, "ldrh": 1, "ldrd": 2, "ldrsb": 2, "strd": 3, "ldrsh": 3}[op]
    p, w, post, wback = addressing(r, unpriv)
    u = bits(r, 1)
    n = reg_pc(r, 0.1)
    dual = op in ("ldrd", "strd")
    if dual:
        t = 2 * r.randrange(7)           # even, and t2 = t + 1 is not PC
        t2 = t + 1
    else:
        t = reg(r)
        t2 = None
    if wback and (n == 15 or n == t or (dual and n == t2)):
        return CU
    c = cond(r) << 28
    base = c | p << 24 | u << 23 | (0 if register else 1) << 22 | w << 21 | load << 20 | n << 16 | t << 12 \
        | 1 << 7 | op2 << 5 | 1 << 4
    size = 4 if dual else (2 if op in ("strh", "ldrh", "ldrsh") else 1)
    count = 2 if dual else 1
    if not register:
        imm8 = bits(r, 8)
        if size > 1 and r.random() < 0.8:
            imm8 &= ~(size - 1)
        imm = imm8 if u else -imm8
        return Inst32(base | (imm8 >> 4) << 8 | (imm8 & 15),
                      Mem32("imm", n, imm=imm, size=size, count=count, post=post, align=size))
    m = reg(r)
    if dual and op == "ldrd" and (m == t or m == t2):
        return CU
    return Inst32(base | m, Mem32("reg", n, m=m, add=bool(u), size=size, count=count, post=post, align=size))


def ls_unpriv(r):
    """LDRT, STRT, LDRBT, STRBT, LDRHT, STRHT, LDRSBT, LDRSHT, immediate and register."""
    if r.random() < 0.5:
        return ls_word_byte(r, bits(r, 1), unpriv=True)
    return ls_extra(r, bits(r, 1), unpriv=True)


def misaligned(r, draw, writes_pc):
    """An access from `draw(r)` aimed at an address that is not a multiple of its size (the
    unaligned groups of A32 and T32): drawn again until it is one halfword or word, its base is
    not the PC and `writes_pc(inst)` is false (LoadWritePC needs an aligned address)."""
    while True:
        i = draw(r)
        if i == CU:
            return CU
        m = i.mem
        if m.size == 1 or m.count != 1 or m.n == 15 or writes_pc(i):
            continue
        m.misalign = True
        return i


def ls_unaligned(r):
    """LDR, STR, LDRH, STRH, LDRSH (immediate and register offsets, all three indexing modes)
    at an address that is not a multiple of the access size; Rn is not PC, and a load's Rt is
    not PC. See KNOWN_DIFFERENCES.md."""
    return misaligned(r, lambda q: ls_word_byte(q, bits(q, 1)) if q.random() < 0.5 else ls_extra(q, bits(q, 1)),
                      lambda i: (i.word >> 12) & 15 == 15 and i.word >> 20 & 1)


def ls_multiple(r):
    """LDM/STM IA, IB, DA, DB with and without writeback: Rn != PC, no PC in the list, no ^.
    Writeback with Rn in the list: LDM never, STM only when Rn is the lowest register."""
    mode = bits(r, 2)                    # P:U = 00 DA, 01 IA, 10 DB, 11 IB
    load, w = bits(r, 1), bits(r, 1)
    n = reg(r)
    k = r.random()
    if k < 0.15:
        regs = 1 << reg(r)
    elif k < 0.5:
        regs = 0
        for _ in range(r.randrange(2, 5)):
            regs |= 1 << reg(r)
    else:
        regs = bits(r, 15)
    if regs == 0:
        return CU
    if w and regs >> n & 1:
        if load or regs & ((1 << n) - 1):
            return CU
    count = bin(regs).count("1")
    name = ["da", "ia", "db", "ib"][mode]
    return Inst32(cond(r) << 28 | 0b100 << 25 | mode << 23 | w << 21 | load << 20 | n << 16 | regs,
                  Mem32("multiple", n, size=4, count=count, mode=name))


def ls_exclusive(r):
    """LDREX, LDREXB, LDREXH, LDREXD, and STREX* with the monitor clear (they fail: status 1,
    memory untouched). LDREXD/STREXD need an even Rt other than R14; the status register of a
    store differs from Rn, Rt (and Rt2)."""
    op = r.randrange(4)                  # 0 word, 1 doubleword, 2 byte, 3 halfword
    load = bits(r, 1)
    n = reg(r)
    if op == 1:
        t = 2 * r.randrange(7)
    else:
        t = reg(r)
    size = [4, 8, 1, 2][op]
    c = cond(r) << 28 | 0b00011 << 23 | op << 21 | load << 20 | n << 16
    if load:
        return Inst32(c | t << 12 | 0b1111_1001_1111, Mem32("exclusive", n, size=size))
    d = reg(r)
    if d == n or d == t or (op == 1 and d == t + 1):
        return CU
    return Inst32(c | d << 12 | 0b1111_1001 << 4 | t, Mem32("exclusive", n, size=size))


# --- Branches and status registers -------------------------------------------------------

def branch_imm(r):
    """B, BL (cond), BLX (immediate, cond = 1111: to T32 state). 90 % of the offsets keep the
    target within RAM (the PC is placed so that it is), the rest span all of imm24."""
    k = r.randrange(3)
    if r.random() < 0.9:
        imm24 = r.randrange(-(1 << 18), 1 << 18) & 0xFF_FFFF
    else:
        imm24 = bits(r, 24)
    offset = sext(imm24, 24) << 2
    if k < 2:
        return Inst32(cond(r) << 28 | 0b101 << 25 | k << 24 | imm24, branch=Branch32("imm", offset=offset))
    h = bits(r, 1)
    return Inst32(0xF << 28 | 0b101 << 25 | h << 24 | imm24, branch=Branch32("imm", offset=offset | h << 1, thumb=True))


def branch_reg(r):
    """BX Rm (Rm may be PC), BLX Rm (Rm != PC). The target register is set to an A32 (word
    aligned) or T32 (bit 0 set) address in RAM."""
    blx = bits(r, 1)
    m = reg(r) if blx else reg_pc(r, 0.05)
    return Inst32(cond(r) << 28 | 0b00010010_1111_1111_1111 << 8 | (0b0011 if blx else 0b0001) << 4 | m,
                  branch=Branch32("reg", m=m, thumb=bool(bits(r, 1))))


APSR_MASKS = [0b1000, 0b0100, 0b1100]     # APSR_nzcvq, APSR_g, APSR_nzcvqg


def status(r):
    """MRS Rd, CPSR; MSR APSR_<fields>, Rn; MSR APSR_<fields>, #imm."""
    k = r.random()
    c = cond(r) << 28
    if k < 0.34:
        return Inst32(c | 0b00010000_1111 << 16 | reg(r) << 12)
    mask = r.choice(APSR_MASKS)
    if k < 0.67:
        return Inst32(c | 0b00010010 << 20 | mask << 16 | 0b1111_0000_0000_0000 | reg(r))
    return Inst32(c | 0b00110010 << 20 | mask << 16 | 0b1111 << 12 | bits(r, 4) << 8 | bits(r, 8))


def hints(r):
    """Hints (NOP, YIELD, SEV, and SEVL, ESB, CSDB, DBG and the unallocated hints, which execute
    as NOP on the A15 and have no effect a vector records on armvm; not WFE, WFI), barriers DMB, DSB, ISB with any option, CLREX, and the preload hints PLD, PLDW, PLI
    (immediate and register; they never access memory)."""
    k = r.random()
    if k < 0.4:
        if r.random() < 0.5:
            hint = r.choice([0, 1, 4, 5, 0x10, 0x14])   # NOP, YIELD, SEV, SEVL, ESB, CSDB
        else:
            hint = r.choice([h for h in range(256) if h not in (2, 3)])
        return Inst32(cond(r) << 28 | 0b00110010_0000_1111_0000 << 8 | hint)
    if k < 0.7:
        op = r.choice([0b0001, 0b0100, 0b0101, 0b0110])
        return Inst32(0xF57FF00F & ~0xFF | op << 4 | (bits(r, 4) if op != 1 else 0xF))
    # PLI (imm 0100 U101, reg 0110 U101), PLD/PLDW (imm 0101 U R01, reg 0111 U R01).
    u = bits(r, 1)
    if r.random() < 0.5:
        kind, rbit = r.choice([(0b0100, 1), (0b0101, 1), (0b0101, 0)])
        n = reg_pc(r) if rbit else reg(r)    # PLD, PLI (literal); PLDW has no literal form
        return Inst32(0xF << 28 | kind << 24 | u << 23 | rbit << 22 | 0b01 << 20 | n << 16 | 0xF << 12 | bits(r, 12))
    kind, rbit = r.choice([(0b0110, 1), (0b0111, 1), (0b0111, 0)])
    return Inst32(0xF << 28 | kind << 24 | u << 23 | rbit << 22 | 0b01 << 20 | reg(r) << 16 | 0xF << 12
                  | bits(r, 5) << 7 | bits(r, 2) << 5 | reg(r))


# id, name, Arm ARM F4.1 class, generator, vectors.
GROUPS = [
    (101, "a32.dp.imm", "Data-processing immediate", dp_imm, 4000),
    (102, "a32.dp.reg", "Data-processing register (immediate shift)", dp_reg, 4000),
    (103, "a32.dp.rsr", "Data-processing register-shifted register", dp_rsr, 4000),
    (104, "a32.movw", "Move Halfword (immediate): MOVW, MOVT", movw_movt, 2000),
    (105, "a32.mul", "Multiply and Accumulate: MUL, MLA, MLS, UMAAL, UMULL, UMLAL, SMULL, SMLAL", multiply, 3000),
    (106, "a32.mul.halfword", "Signed multiply (halfword): SMLA<x><y>, SMLAW<y>, SMULW<y>, SMLAL<x><y>, SMUL<x><y>",
     halfword_multiply, 2500),
    (107, "a32.mul.dual", "Signed multiply: SMLAD, SMUAD, SMLSD, SMUSD, SMLALD, SMLSLD, SMMLA, SMMUL, SMMLS",
     dual_multiply, 3000),
    (108, "a32.div", "Divide: SDIV, UDIV", divide, 2000),
    (109, "a32.sat.arith", "Saturating add/subtract: QADD, QSUB, QDADD, QDSUB", saturating_arith, 2000),
    (110, "a32.parallel", "Parallel arithmetic: [S,Q,SH,U,UQ,UH][ADD16,ASX,SAX,SUB16,ADD8,SUB8]", parallel, 6000),
    (111, "a32.extend", "Extend and add: SXTB, SXTH, SXTB16, UXTB, UXTH, UXTB16 and their add forms", extend, 3000),
    (112, "a32.pack", "PKHBT, PKHTB, SEL, REV, REV16, RBIT, REVSH, USAD8, USADA8", pack_reverse, 3000),
    (113, "a32.sat", "Saturate: SSAT, USAT, SSAT16, USAT16", saturate, 2500),
    (114, "a32.bitfield", "Bitfield: SBFX, UBFX, BFI, BFC", bitfield, 2500),
    (115, "a32.clz", "Count leading zeros: CLZ", clz, 2000),
    (116, "a32.ls.imm", "Load/store word and unsigned byte (immediate, literal): offset, pre-, post-indexed",
     lambda r: ls_word_byte(r, 0), 4000),
    (117, "a32.ls.reg", "Load/store word and unsigned byte (register, shifted): offset, pre-, post-indexed",
     lambda r: ls_word_byte(r, 1), 4000),
    (118, "a32.ls.unpriv", "Load/store unprivileged: LDRT, STRT, LDRBT, STRBT, LDRHT, STRHT, LDRSBT, LDRSHT",
     ls_unpriv, 2000),
    (119, "a32.ls.extra.imm", "Load/store halfword, signed byte, dual (immediate, literal)",
     lambda r: ls_extra(r, 0), 3000),
    (120, "a32.ls.extra.reg", "Load/store halfword, signed byte, dual (register)", lambda r: ls_extra(r, 1), 3000),
    (121, "a32.ls.multiple", "Load/store multiple: LDM, STM (IA, IB, DA, DB), no PC, no ^", ls_multiple, 3000),
    (122, "a32.ls.exclusive", "LDREX, LDREXB, LDREXH, LDREXD; STREX* with the monitor clear", ls_exclusive, 2000),
    (123, "a32.branch.imm", "Branch (immediate): B, BL, BLX (immediate)", branch_imm, 2000),
    (124, "a32.branch.reg", "Branch and exchange: BX, BLX (register)", branch_reg, 2000),
    (125, "a32.status", "MRS (CPSR), MSR (APSR, register and immediate)", status, 2000),
    (126, "a32.hint", "Hints, barriers, CLREX, PLD, PLDW, PLI", hints, 2000),
    (127, "a32.dp.pc", "Data-processing with Rd = PC, S = 0 (ALUWritePC: a branch with interworking)", dp_pc, 2000),
    (128, "a32.ls.unaligned", "LDR, STR, LDRH, STRH, LDRSH at addresses that are not a multiple of their size",
     ls_unaligned, 2000),
]

BRANCH_GROUPS = {123, 124, 127}
