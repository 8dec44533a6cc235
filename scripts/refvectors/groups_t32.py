"""The T32 encoding groups (ARM DDI 0487, F3.1 "T32 instruction set encoding": the 16-bit and
32-bit tables) and a generator of random valid encodings for each.

As in groups_a32.py, a generator returns an InstT32 or CU (an UNPREDICTABLE or CONSTRAINED
UNPREDICTABLE combination, thrown away and counted). An instruction is stored as
vecformat.t32_halfwords describes: a 16-bit one in bits 15:0, a 32-bit one as hw1 << 16 | hw2.
Register fields of the 32-bit encodings draw R0-R12 and R14 (the pseudocode makes SP and PC
UNPREDICTABLE in nearly all of them) and SP or PC only in the forms that define them. No
instruction runs in an IT block except in group t32.it.last, which starts with ITSTATE set so
that the instruction is the last of an IT block (IT itself is left out: its effect, ITSTATE, is
outside a vector's state; Unicorn cannot step through an IT block: see reference32).

Group ids start at 151.
"""

from groups_a32 import CU, EXTREMES, Branch32, Inst32, Mem32, bits, misaligned, sext  # noqa: F401


class InstT32(Inst32):
    thumb = True


def T(word, **kw):
    return InstT32(word, **kw)


def lo(r):
    return r.randrange(8)


def rg(r):
    """R0-R12, R14: a register the 32-bit encodings allow everywhere."""
    return r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14])


def wide(hw1, hw2):
    return (hw1 & 0xFFFF) << 16 | (hw2 & 0xFFFF)


def cond_b(r):
    """The condition of B<c>: EQ..LE (AL is the unconditional encoding there)."""
    return r.randrange(14)


# --- 16-bit -------------------------------------------------------------------------------

def t16_shift_add_sub_mov_cmp(r):
    """F3.1.x "Shift (immediate), add, subtract, move, and compare": LSL/LSR/ASR #imm, ADD/SUB
    (register, 3-bit immediate), MOV/CMP/ADD/SUB (8-bit immediate)."""
    k = r.randrange(4)
    if k == 0:
        op = r.randrange(3)
        imm5 = bits(r, 5) if r.random() < 0.8 else r.choice([0, 1, 31])
        return T(op << 11 | imm5 << 6 | lo(r) << 3 | lo(r))
    if k == 1:
        return T(0b00011 << 11 | bits(r, 2) << 9 | lo(r) << 6 | lo(r) << 3 | lo(r))
    return T(0b001 << 13 | bits(r, 2) << 11 | lo(r) << 8 | bits(r, 8))


def t16_data_processing(r):
    """AND, EOR, LSL, LSR, ASR, ADC, SBC, ROR, TST, RSB, CMP, CMN, ORR, MUL, BIC, MVN (register)."""
    return T(0b010000 << 10 | bits(r, 4) << 6 | lo(r) << 3 | lo(r))


def t16_special(r):
    """ADD, CMP, MOV (high registers), with SP; PC only as a source here (group t32.branch.reg
    has the writes of the PC and BX/BLX)."""
    k = r.randrange(3)
    while True:
        d, m = r.randrange(16), r.randrange(16)
        if k == 0:      # ADD Rdn, Rm: Rdn = PC is a branch; ADD SP, SP with Rm = SP is fine
            if d == 15 or (d == 13 and m == 15):
                continue
            break
        if k == 1:      # CMP: not both low, neither PC
            if (d < 8 and m < 8) or d == 15 or m == 15:
                continue
            break
        if d == 15:     # MOV: Rd = PC is a branch
            continue
        break
    return T(0b010001 << 10 | k << 8 | (d >> 3) << 7 | m << 3 | (d & 7))


def t16_ldr_literal(r):
    """LDR (literal): Align(PC, 4) + imm8 * 4."""
    t, imm8 = lo(r), bits(r, 8)
    m = Mem32("imm", 15, imm=imm8 * 4, size=4)
    return T(0b01001 << 11 | t << 8 | imm8, mem=m)


def t16_ls_reg(r):
    """STR, STRH, STRB, LDRSB, LDR, LDRH, LDRB, LDRSH (register offset, no shift)."""
    op = bits(r, 3)
    size = [4, 2, 1, 1, 4, 2, 1, 2][op]
    mm, n = lo(r), lo(r)
    return T(0b0101 << 12 | op << 9 | mm << 6 | n << 3 | lo(r), mem=Mem32("reg", n, m=mm, size=size))


def t16_ls_imm(r):
    """STR, LDR, STRB, LDRB (imm5, scaled), STRH, LDRH (imm5 * 2), STR, LDR (SP + imm8 * 4)."""
    k = r.randrange(4)
    load = bits(r, 1)
    if k < 2:           # word (k = 0) or byte
        imm5, n = bits(r, 5), lo(r)
        size = 4 if k == 0 else 1
        return T(0b011 << 13 | k << 12 | load << 11 | imm5 << 6 | n << 3 | lo(r),
                 mem=Mem32("imm", n, imm=imm5 * size, size=size))
    if k == 2:
        imm5, n = bits(r, 5), lo(r)
        return T(0b1000 << 12 | load << 11 | imm5 << 6 | n << 3 | lo(r), mem=Mem32("imm", n, imm=imm5 * 2, size=2))
    imm8 = bits(r, 8)
    return T(0b1001 << 12 | load << 11 | lo(r) << 8 | imm8, mem=Mem32("imm", 13, imm=imm8 * 4, size=4))


def t16_adr_addsp(r):
    """ADR (Align(PC, 4) + imm8 * 4), ADD Rd, SP, #imm8 * 4; ADD/SUB SP, SP, #imm7 * 4."""
    k = r.randrange(3)
    if k < 2:
        return T(0b1010 << 12 | k << 11 | lo(r) << 8 | bits(r, 8))
    return T(0b10110000 << 8 | bits(r, 1) << 7 | bits(r, 7))


def t16_misc(r):
    """Miscellaneous 16-bit: SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH, hints (NOP, YIELD, SEV;
    not WFE, WFI). CBZ/CBNZ are in t32.branch.cond, PUSH/POP in t16.ls.multiple; CPS,
    SETEND, BKPT, HLT and IT change state outside a vector."""
    k = r.randrange(3)
    if k == 0:
        return T(0b10110010 << 8 | bits(r, 2) << 6 | lo(r) << 3 | lo(r))
    if k == 1:
        return T(0b10111010 << 8 | r.choice([0, 1, 3]) << 6 | lo(r) << 3 | lo(r))
    return T(0xBF00 | r.choice([0, 1, 4]) << 4)


def t16_ls_multiple(r):
    """STM Rn!, LDM Rn(!) (writeback unless Rn is in the list), PUSH (with LR), POP (with PC: a
    load of the PC, which interworks)."""
    k = r.randrange(4)
    regs = bits(r, 8)
    if k < 2:
        n = lo(r)
        if regs == 0:
            return CU
        if k == 0 and regs >> n & 1 and regs & ((1 << n) - 1):
            return CU           # STM: Rn in the list but not the lowest stores an UNKNOWN value
        return T(0b1100 << 12 | k << 11 | n << 8 | regs, mem=Mem32("multiple", n, count=bin(regs).count("1"), mode="ia"))
    extra = bits(r, 1) if r.random() < 0.5 else 0
    if regs == 0 and not extra:
        return CU
    count = bin(regs).count("1") + extra
    if k == 2:
        return T(0b1011010 << 9 | extra << 8 | regs, mem=Mem32("multiple", 13, count=count, mode="db"))
    return T(0b1011110 << 9 | extra << 8 | regs, mem=Mem32("multiple", 13, count=count, mode="ia"))


# --- Branches -----------------------------------------------------------------------------

def branch_cond(r):
    """B<c> (16-bit: imm8, and 32-bit: imm20), CBZ, CBNZ."""
    k = r.randrange(3)
    if k == 0:
        imm8 = bits(r, 8)
        return T(0b1101 << 12 | cond_b(r) << 8 | imm8, branch=Branch32("imm", offset=sext(imm8, 8) * 2, thumb=True))
    if k == 1:
        op, i, imm5, n = bits(r, 1), bits(r, 1), bits(r, 5), lo(r)
        return T(0b1011 << 12 | op << 11 | i << 9 | 1 << 8 | imm5 << 3 | n,
                 branch=Branch32("imm", offset=(i << 6 | imm5 << 1), thumb=True))
    s, imm6, j1, j2, imm11 = bits(r, 1), bits(r, 6), bits(r, 1), bits(r, 1), bits(r, 11)
    if r.random() < 0.8:
        j1 = j2 = s
    off = sext(s << 20 | j2 << 19 | j1 << 18 | imm6 << 12 | imm11 << 1, 21)
    return T(wide(0b11110 << 11 | s << 10 | cond_b(r) << 6 | imm6, 0b10 << 14 | j1 << 13 | j2 << 11 | imm11),
             branch=Branch32("imm", offset=off, thumb=True))


def branch_imm(r):
    """B (16-bit imm11, 32-bit imm24), BL, BLX (immediate, to A32: H = 0). 90 % of the 32-bit
    offsets are within +-1 MiB, so that the target can be placed in RAM; the rest span all of
    S:I1:I2:imm10:imm11."""
    k = r.randrange(4)
    if k == 0:
        imm11 = bits(r, 11)
        return T(0b11100 << 11 | imm11, branch=Branch32("imm", offset=sext(imm11, 11) * 2, thumb=True))
    if r.random() < 0.9:
        raw = r.randrange(-(1 << 19), 1 << 19) & ((1 << 24) - 1)     # within RAM's reach
    else:
        raw = bits(r, 24)
    s, i1, i2, imm10, imm11 = raw >> 23, (raw >> 22) & 1, (raw >> 21) & 1, (raw >> 11) & 0x3FF, raw & 0x7FF
    j1, j2 = (1 - i1) ^ s, (1 - i2) ^ s
    if k == 3:
        imm11 &= ~1             # BLX: H = 0
    off = sext(s << 24 | i1 << 23 | i2 << 22 | imm10 << 12 | imm11 << 1, 25)
    hw2 = [None, 0b10 << 14 | j1 << 13 | 1 << 12 | j2 << 11, 0b11 << 14 | j1 << 13 | 1 << 12 | j2 << 11,
           0b11 << 14 | j1 << 13 | j2 << 11][k] | imm11
    return T(wide(0b11110 << 11 | s << 10 | imm10, hw2), branch=Branch32("imm", offset=off, thumb=k != 3))


def branch_reg(r):
    """BX Rm, BLX Rm (to A32 or T32 targets), ADD PC, Rm and MOV PC, Rm (BranchWritePC: stays in
    T32), TBB, TBH."""
    k = r.randrange(5)
    if k < 2:
        m = r.randrange(15) if k == 1 else (15 if r.random() < 0.05 else r.randrange(15))
        return T(0b010001110 << 7 | k << 7 | m << 3, branch=Branch32("reg", m=m, thumb=bool(bits(r, 1))))
    if k < 4:
        m = r.randrange(15)
        if m == 13 and k == 2:
            return CU           # ADD PC, SP is the SP-plus-register form: left out
        op = 0 if k == 2 else 2
        return T(0b010001 << 10 | op << 8 | 1 << 7 | m << 3 | 7, branch=Branch32("addpc" if k == 2 else "movpc", m=m))
    h = bits(r, 1)
    n = 15 if r.random() < 0.2 else rg(r)
    m = rg(r)
    mem = Mem32("reg", n, m=m, shift_n=h, size=2 if h else 1)
    mem.pc_align = False
    return T(wide(0b111010001101 << 4 | n, 0b11110000000 << 5 | h << 4 | m), mem=mem)


# --- 32-bit data processing ---------------------------------------------------------------

def thumb_imm_ok(imm12):
    """ThumbExpandImm: a replicated pattern with imm8 = 0 is UNPREDICTABLE."""
    return not (imm12 >> 10 == 0 and (imm12 >> 8) & 3 != 0 and imm12 & 0xFF == 0)


DP_OPS = [0b0000, 0b0001, 0b0010, 0b0011, 0b0100, 0b1000, 0b1010, 0b1011, 0b1101, 0b1110]


def dp_regs(r, op, s):
    """(Rd, Rn) of a 32-bit data-processing op (AND BIC ORR ORN EOR ADD ADC SBC SUB RSB): the
    compare forms (TST, TEQ, CMN, CMP) are Rd = PC with S = 1; MOV and MVN are ORR and ORN with
    Rn = PC; ADD and SUB take SP as Rn (and then Rd = SP too), CMP and CMN as Rn."""
    d, n = rg(r), rg(r)
    if op in (0b0000, 0b0100, 0b1000, 0b1101) and s and r.random() < 0.25:
        d = 15
    if op in (0b0010, 0b0011) and r.random() < 0.3:
        n = 15
    if op in (0b1000, 0b1101) and r.random() < 0.15:
        n = 13
        if d != 15 and r.random() < 0.5:
            d = 13
    return d, n


def dp_modified_imm(r):
    """Data-processing (modified immediate): ThumbExpandImm of i:imm3:imm8, all ten ops with S."""
    op, s = r.choice(DP_OPS), bits(r, 1)
    d, n = dp_regs(r, op, s)
    while True:
        imm12 = bits(r, 12)
        if r.random() < 0.3:
            imm12 &= 0x3FF      # the replicated patterns
        if thumb_imm_ok(imm12):
            break
    i, imm3, imm8 = imm12 >> 11, (imm12 >> 8) & 7, imm12 & 0xFF
    return T(wide(0b11110 << 11 | i << 10 | op << 5 | s << 4 | n, imm3 << 12 | d << 8 | imm8))


def dp_shifted_reg(r):
    """Data-processing (shifted register): the ten ops with an immediate shift (incl. RRX), and
    PKHBT/PKHTB."""
    if r.random() < 0.1:
        tb = bits(r, 1)
        imm5 = bits(r, 5)
        return T(wide(0b1110101 << 9 | 0b0110 << 5 | rg(r), (imm5 >> 2) << 12 | rg(r) << 8 | (imm5 & 3) << 6
                      | tb << 5 | rg(r)))
    op, s = r.choice(DP_OPS), bits(r, 1)
    d, n = dp_regs(r, op, s)
    typ, imm5 = bits(r, 2), bits(r, 5)
    if r.random() < 0.2:
        imm5 = r.choice([0, 1, 31])
    if n == 13 and d == 13 and (typ != 0 or imm5 > 3):
        return CU               # ADD/SUB SP, SP, Rm: only LSL #0-3
    return T(wide(0b1110101 << 9 | op << 5 | s << 4 | n, (imm5 >> 2) << 12 | d << 8 | (imm5 & 3) << 6 | typ << 4 | rg(r)))


def dp_plain_imm(r):
    """Data-processing (plain binary immediate): ADDW, SUBW (with Rn = SP, and ADR: Rn = PC),
    MOVW, MOVT, SSAT, SSAT16, USAT, USAT16, SBFX, UBFX, BFI, BFC."""
    k = r.randrange(9)
    i, imm3, imm8 = bits(r, 1), bits(r, 3), bits(r, 8)
    d = rg(r)
    hw1 = 0b11110 << 11 | 1 << 9
    if k == 0:              # ADDW, SUBW
        op = r.choice([0b00000, 0b01010])
        n = r.choice([15, 13, rg(r), rg(r), rg(r)])
        return T(wide(hw1 | i << 10 | op << 4 | n, imm3 << 12 | d << 8 | imm8))
    if k == 1:              # MOVW, MOVT
        op = r.choice([0b00100, 0b01100])
        return T(wide(hw1 | i << 10 | op << 4 | bits(r, 4), imm3 << 12 | d << 8 | imm8))
    n = rg(r)
    if k in (2, 3):         # SSAT, USAT: sh, imm3:imm2 shift, sat_imm
        op = 0b10000 if k == 2 else 0b11000
        sh = bits(r, 1)
        imm5 = bits(r, 5)
        if sh and imm5 == 0:
            return CU       # the 16-bit forms, below
        return T(wide(hw1 | op << 4 | sh << 5 | n, (imm5 >> 2) << 12 | d << 8 | (imm5 & 3) << 6 | bits(r, 5)))
    if k in (4, 5):         # SSAT16, USAT16
        op = 0b10010 if k == 4 else 0b11010
        return T(wide(hw1 | op << 4 | n, d << 8 | bits(r, 4)))
    lsb = bits(r, 5)
    if k in (6, 7):         # SBFX, UBFX
        op = 0b10100 if k == 6 else 0b11100
        widthm1 = r.randrange(32 - lsb)
        return T(wide(hw1 | op << 4 | n, (lsb >> 2) << 12 | d << 8 | (lsb & 3) << 6 | widthm1))
    msb = r.randrange(lsb, 32)      # BFI, BFC (Rn = PC)
    n = 15 if r.random() < 0.3 else n
    return T(wide(hw1 | 0b10110 << 4 | n, (lsb >> 2) << 12 | d << 8 | (lsb & 3) << 6 | msb))


def dp_register(r):
    """Data-processing (register): LSL, LSR, ASR, ROR by register (with S); SXTAH/SXTH,
    UXTAH/UXTH, SXTAB16/SXTB16, UXTAB16/UXTB16, SXTAB/SXTB, UXTAB/UXTB (any rotation)."""
    if r.random() < 0.4:
        return T(wide(0b11111010 << 8 | bits(r, 2) << 5 | bits(r, 1) << 4 | rg(r), 0xF << 12 | rg(r) << 8 | rg(r)))
    op = bits(r, 3)
    if op in (6, 7):
        op = r.randrange(6)
    n = 15 if r.random() < 0.4 else rg(r)
    return T(wide(0b11111010 << 8 | op << 4 | n, 0xF << 12 | rg(r) << 8 | 1 << 7 | bits(r, 2) << 4 | rg(r)))


def parallel(r):
    """The 36 parallel add/subtract instructions, signed and unsigned."""
    op1 = r.choice([0, 1, 2, 4, 5, 6])      # ADD8, ADD16, ASX, SUB8, SUB16, SAX
    prefix = r.choice([0, 1, 2, 4, 5, 6])   # S, Q, SH, U, UQ, UH
    return T(wide(0b111110101 << 7 | op1 << 4 | rg(r), 0xF << 12 | rg(r) << 8 | prefix << 4 | rg(r)),
             bias=())


def misc_ops(r):
    """QADD, QDADD, QSUB, QDSUB, REV, REV16, RBIT, REVSH, SEL, CLZ (Rn field = Rm where the
    pseudocode says so)."""
    op1, op2 = r.choice([(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (3, 0)])
    m = rg(r)
    n = rg(r) if op1 in (0, 2) else m
    d = rg(r)
    bias = (n, m) if op1 == 0 else ()
    return T(wide(0b111110101 << 7 | op1 << 4 | n, 0xF << 12 | d << 8 | 0b10 << 6 | op2 << 4 | m), bias=bias)


def multiply(r):
    """MUL, MLA, MLS, SMLA<x><y>, SMUL<x><y>, SMLAD(X), SMUAD(X), SMLAW<y>, SMULW<y>, SMLSD(X),
    SMUSD(X), SMMLA(R), SMMUL(R), SMMLS(R), USADA8, USAD8 (Ra = PC: the forms without
    accumulate)."""
    op1, op2 = r.choice([(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1), (3, 0), (3, 1),
                         (4, 0), (4, 1), (5, 0), (5, 1), (6, 0), (6, 1), (7, 0)])
    n, m, d = rg(r), rg(r), rg(r)
    a = 15 if r.random() < 0.35 else rg(r)
    if (op1, op2) == (0, 1) and a == 15:
        return CU               # MLS has no Ra = PC form
    if op1 == 6 and a == 15:
        return CU               # SMMLS
    return T(wide(0b111110110 << 7 | op1 << 4 | n, a << 12 | d << 8 | op2 << 4 | m),
             bias=(n, m) + ((a,) if a != 15 else ()))


def long_multiply(r):
    """SMULL, UMULL, SMLAL, UMLAL, UMAAL, SMLAL<x><y>, SMLALD(X), SMLSLD(X), SDIV, UDIV."""
    op1, op2 = r.choice([(0, 0), (2, 0), (4, 0), (6, 0), (6, 6), (4, 8), (4, 9), (4, 10), (4, 11),
                         (4, 12), (4, 13), (5, 12), (5, 13), (1, 15), (3, 15)])
    n, m = rg(r), rg(r)
    if op2 == 15:
        return T(wide(0b111110111 << 7 | op1 << 4 | n, 0xF << 12 | rg(r) << 8 | op2 << 4 | m))
    lo_, hi = rg(r), rg(r)
    if lo_ == hi:
        return CU
    return T(wide(0b111110111 << 7 | op1 << 4 | n, lo_ << 12 | hi << 8 | op2 << 4 | m), bias=(n, m))


# --- 32-bit loads and stores --------------------------------------------------------------

LS_SIZES = {0: 1, 1: 2, 2: 4}


def ls_single(r, form):
    """Load/store single: STRB, STRH, STR, LDRB, LDRSB, LDRH, LDRSH, LDR with `form` "imm12"
    (positive offset), "imm8" (negative offset, pre- or post-indexed: P U W), "reg" (LSL #0-3),
    "unpriv" (LDRT and friends) or "literal" (loads, Rn = PC). Loads of R15: LDR only (a branch
    with interworking); PLD/PLI (Rt = PC for the byte and halfword loads) are hints, in t32.hint."""
    size_f = r.choice([0, 1, 2])
    size = LS_SIZES[size_f]
    load = bits(r, 1) if form != "literal" else 1
    sign = bits(r, 1) if load and size < 4 else 0
    t = rg(r)
    if load and size == 4 and form in ("imm12", "imm8", "reg", "literal") and r.random() < 0.05:
        t = 15
    n = rg(r) if r.random() < 0.9 else 13
    if form == "literal":
        u, imm12 = bits(r, 1), bits(r, 12)
        if r.random() < 0.8:
            imm12 &= ~(size - 1) & ~3
        hw1 = 0b11111 << 11 | sign << 8 | u << 7 | size_f << 5 | 1 << 4 | 15
        return T(wide(hw1, t << 12 | imm12), mem=Mem32("imm", 15, imm=imm12 if u else -imm12, size=size))
    if t == 15 and (form == "unpriv"):
        return CU
    hw1 = 0b11111 << 11 | sign << 8 | size_f << 5 | load << 4 | n
    if form == "imm12":
        imm12 = bits(r, 12) if r.random() < 0.6 else bits(r, 6)
        imm12 &= ~(size - 1) if r.random() < 0.8 else ~0
        return T(wide(hw1 | 1 << 7, t << 12 | imm12), mem=Mem32("imm", n, imm=imm12, size=size))
    if form == "reg":
        mm, imm2 = rg(r), bits(r, 2)
        return T(wide(hw1, t << 12 | imm2 << 4 | mm), mem=Mem32("reg", n, m=mm, shift_n=imm2, size=size))
    imm8 = bits(r, 8)
    if size > 1 and r.random() < 0.8:
        imm8 &= ~(size - 1)
    if form == "unpriv":
        return T(wide(hw1, t << 12 | 0b1110 << 8 | imm8), mem=Mem32("imm", n, imm=imm8, size=size))
    p, u, w = r.choice([(1, 0, 0), (1, 0, 1), (1, 1, 1), (0, 0, 1), (0, 1, 1)])
    if w and n == t:
        return CU               # writeback with Rn == Rt
    imm = imm8 if u else -imm8
    return T(wide(hw1, t << 12 | 1 << 11 | p << 10 | u << 9 | w << 8 | imm8),
             mem=Mem32("imm", n, imm=imm, size=size, post=p == 0))


def ls_dual_exclusive(r):
    """LDRD, STRD (immediate: offset, pre-, post-indexed; LDRD literal), LDREX, STREX (imm8 * 4
    offset), LDREXB/H/D, STREXB/H/D (stores with the monitor clear: they fail)."""
    k = r.randrange(4)
    n = rg(r) if r.random() < 0.9 else 13
    if k < 2:                       # LDRD, STRD
        load = k
        t, t2 = rg(r), rg(r)
        if load and t == t2:
            return CU
        p, w = r.choice([(1, 0), (1, 1), (0, 1)])
        u, imm8 = bits(r, 1), bits(r, 8)
        if load and not w and r.random() < 0.15:
            n = 15
        if w and (n == t or n == t2):
            return CU
        imm = imm8 * 4 if u else -imm8 * 4
        return T(wide(0b1110100 << 9 | p << 8 | u << 7 | 1 << 6 | w << 5 | load << 4 | n, t << 12 | t2 << 8 | imm8),
                 mem=Mem32("imm", n, imm=imm, size=4, count=2, post=p == 0, align=4))
    load = k == 3
    op = r.randrange(4)             # 0 word (imm8 offset), 1 byte, 2 halfword, 3 doubleword
    t, t2 = rg(r), rg(r)
    if op == 0:
        imm8 = bits(r, 8) if r.random() < 0.5 else 0
        if load:
            return T(wide(0b111010000101 << 4 | n, t << 12 | 0xF << 8 | imm8), mem=Mem32("imm", n, imm=imm8 * 4, size=4))
        d = rg(r)
        if d in (n, t):
            return CU
        return T(wide(0b111010000100 << 4 | n, t << 12 | d << 8 | imm8), mem=Mem32("imm", n, imm=imm8 * 4, size=4))
    size = [0, 1, 2, 8][op]
    op3 = [0, 0b0100, 0b0101, 0b0111][op]
    if load:
        if op == 3 and t == t2:
            return CU
        return T(wide(0b111010001101 << 4 | n, t << 12 | (t2 if op == 3 else 0xF) << 8 | op3 << 4 | 0xF),
                 mem=Mem32("imm", n, size=size))
    d = rg(r)
    if d in (n, t) or (op == 3 and d == t2):
        return CU
    return T(wide(0b111010001100 << 4 | n, t << 12 | (t2 if op == 3 else 0xF) << 8 | op3 << 4 | d),
             mem=Mem32("imm", n, size=size))


def ls_multiple(r):
    """LDM (IA), LDMDB, STM (IA), STMDB (with PUSH.W and POP.W as SP forms), with and without
    writeback: at least two registers, never SP; PC (LDM only) or LR but not both; writeback with
    Rn in the list never."""
    db, load, w = bits(r, 1), bits(r, 1), bits(r, 1)
    n = 13 if r.random() < 0.2 else rg(r)
    regs = bits(r, 13) | bits(r, 1) << 14
    if r.random() < 0.4:
        regs = 0
        for _ in range(r.randrange(2, 5)):
            regs |= 1 << rg(r)
    if load and r.random() < 0.1:
        regs = regs & ~(1 << 14) | 1 << 15
    if bin(regs).count("1") < 2:
        return CU
    if w and regs >> n & 1:
        return CU
    mode = "db" if db else "ia"
    return T(wide(0b1110100 << 9 | (0b10 if db else 0b01) << 7 | w << 5 | load << 4 | n, regs),
             mem=Mem32("multiple", n, count=bin(regs).count("1"), mode=mode))


def ls_unaligned(r):
    """LDR, STR, LDRH, STRH, LDRSH (32-bit, immediate and register offsets, and the 16-bit
    immediate forms) at an address that is not a multiple of the size."""
    return misaligned(r, lambda q: ls_single(q, q.choice(["imm12", "imm8", "reg"])) if q.random() < 0.7 else t16_ls_imm(q),
                      lambda i: (i.word >> 12) & 15 == 15 and i.word >> 16)


# --- IT blocks ---------------------------------------------------------------------------

def in_it_block(r):
    """An instruction that is the last of an IT block: the vector starts with ITSTATE =
    cond:'1000' (an override), so the instruction runs under cond (EQ..AL), the 16-bit
    data-processing forms do not set the flags, and the block ends after it. Drawn from the
    data-processing, multiply and load/store groups; left out are the encodings the pseudocode
    makes UNPREDICTABLE in an IT block (CBZ, CBNZ, B<c>, IT, CPS, and MOVS Rd, Rm as LSLS #0)
    and every write of the PC (Unicorn does not stop after a branch that ends an IT block)."""
    inner = r.choice([t16_shift_add_sub_mov_cmp, t16_data_processing, t16_special, t16_ls_imm, t16_ls_reg,
                      t16_adr_addsp, t16_misc, dp_modified_imm, dp_shifted_reg, dp_register, dp_plain_imm,
                      multiply, lambda q: ls_single(q, "imm8"), lambda q: ls_single(q, "reg")])
    i = inner(r)
    if i == CU or i.branch is not None or (i.word >> 16 and (i.word >> 12) & 15 == 15 and i.word >> 20 & 1):
        return CU               # no writes of the PC: see README.md, "IT blocks"
    if i.word >> 16 == 0 and i.word & 0xFFC0 == 0:
        return CU               # MOVS Rd, Rm (LSLS #0): UNPREDICTABLE in an IT block
    if i.word >> 16 == 0 and i.word & 0xFF0F == 0xBF00 and i.word != 0xBF00:
        return CU               # keep to NOP among the 16-bit hints (YIELD ends Unicorn's run)
    i.it = r.randrange(15) << 4 | 0b1000
    return i


# --- Status, hints, barriers --------------------------------------------------------------

APSR_MASKS = [0b1000, 0b0100, 0b1100]


def status_hints(r):
    """MRS Rd, APSR; MSR APSR_nzcvq/g/nzcvqg, Rn; NOP.W, YIELD.W, SEV.W, SEVL, ESB, CSDB, DBG and
    other hints (not WFE, WFI); CLREX, DSB, DMB, ISB (any option); PLD, PLDW, PLI (immediate,
    literal, register) and the 16-bit NOP, YIELD, SEV."""
    k = r.randrange(6)
    if k == 0:
        return T(wide(0xF3EF, 0x8000 | rg(r) << 8))
    if k == 1:
        return T(wide(0xF380 | rg(r), 0x8000 | r.choice(APSR_MASKS) << 8))
    if k == 2:
        hint = r.choice([0, 1, 4, 5, 0x10, 0x14]) if r.random() < 0.5 else \
            r.choice([h for h in range(256) if h not in (2, 3)])
        return T(wide(0xF3AF, 0x8000 | hint))
    if k == 3:
        op = r.choice([0b0010, 0b0100, 0b0101, 0b0110])
        return T(wide(0xF3BF, 0x8F00 | op << 4 | (bits(r, 4) if op != 0b0010 else 0xF)))
    if k == 4:
        return T(0xBF00 | r.choice([0, 1, 4, 5]) << 4)
    # PLD (W = bit 5 of hw1), PLI: immediate (imm12, and imm8 negative), literal, register.
    pli = r.random() < 0.3
    wbit = 0 if pli else bits(r, 1)
    hw1 = 0b11111 << 11 | (1 if pli else 0) << 8 | wbit << 5 | 1 << 4
    f = r.randrange(4)
    n = rg(r)
    if f == 0:
        return T(wide(hw1 | 1 << 7 | n, 0xF << 12 | bits(r, 12)))
    if f == 1:
        return T(wide(hw1 | n, 0xFC << 8 | bits(r, 8)))
    if f == 2:
        return T(wide(hw1 & ~(1 << 5) | bits(r, 1) << 7 | 15, 0xF << 12 | bits(r, 12)))
    return T(wide(hw1 | n, 0xF << 12 | bits(r, 2) << 4 | rg(r)))


# id, name, Arm ARM F3.1 class, generator, vectors.
GROUPS = [
    (151, "t16.shift.addsub.movcmp", "Shift (immediate), add, subtract, move, and compare", t16_shift_add_sub_mov_cmp, 12000),
    (152, "t16.dp", "Data-processing (two low registers)", t16_data_processing, 10000),
    (153, "t16.special", "Special data instructions: ADD, CMP, MOV (high registers)", t16_special, 6000),
    (154, "t16.ldr.literal", "LDR (literal)", t16_ldr_literal, 3000),
    (155, "t16.ls.reg", "Load/store (register offset)", t16_ls_reg, 6000),
    (156, "t16.ls.imm", "Load/store word/byte/halfword (immediate), SP-relative", t16_ls_imm, 8000),
    (157, "t16.adr.addsp", "ADR, ADD (SP plus immediate), ADD/SUB SP, SP, #imm", t16_adr_addsp, 4000),
    (158, "t16.misc", "Miscellaneous 16-bit: SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH, NOP, YIELD, SEV",
     t16_misc, 4000),
    (159, "t16.ls.multiple", "LDM, STM (16-bit), PUSH, POP (with PC)", t16_ls_multiple, 6000),
    (160, "t32.branch.cond", "B<c> (16- and 32-bit), CBZ, CBNZ", branch_cond, 6000),
    (161, "t32.branch.imm", "B (16- and 32-bit), BL, BLX (immediate)", branch_imm, 6000),
    (162, "t32.branch.reg", "BX, BLX (register), ADD PC, Rm, MOV PC, Rm, TBB, TBH", branch_reg, 6000),
    (163, "t32.dp.modimm", "Data-processing (modified immediate)", dp_modified_imm, 14000),
    (164, "t32.dp.plainimm", "Data-processing (plain binary immediate): ADDW, SUBW, ADR, MOVW, MOVT, SSAT, USAT, "
     "SSAT16, USAT16, SBFX, UBFX, BFI, BFC", dp_plain_imm, 12000),
    (165, "t32.dp.shiftedreg", "Data-processing (shifted register), PKHBT, PKHTB", dp_shifted_reg, 14000),
    (166, "t32.dp.reg", "Data-processing (register): shifts by register, SXTAH ... UXTB", dp_register, 8000),
    (167, "t32.parallel", "Parallel add/subtract, signed and unsigned", parallel, 8000),
    (168, "t32.misc", "QADD, QDADD, QSUB, QDSUB, REV, REV16, RBIT, REVSH, SEL, CLZ", misc_ops, 6000),
    (169, "t32.mul", "Multiply, multiply-accumulate, absolute difference", multiply, 10000),
    (170, "t32.mul.long", "Long multiply, long multiply-accumulate, divide", long_multiply, 8000),
    (171, "t32.ls.imm12", "Load/store single: positive 12-bit offset", lambda r: ls_single(r, "imm12"), 8000),
    (172, "t32.ls.imm8", "Load/store single: negative 8-bit offset, pre- and post-indexed", lambda r: ls_single(r, "imm8"), 8000),
    (173, "t32.ls.reg", "Load/store single: register offset (LSL #0-3)", lambda r: ls_single(r, "reg"), 8000),
    (174, "t32.ls.unpriv", "Load/store single: unprivileged (LDRT ... STRT)", lambda r: ls_single(r, "unpriv"), 4000),
    (175, "t32.ls.literal", "Load single: literal (LDR, LDRB, LDRSB, LDRH, LDRSH)", lambda r: ls_single(r, "literal"), 4000),
    (176, "t32.ls.dual.exclusive", "LDRD, STRD, LDREX*, STREX* (monitor clear)", ls_dual_exclusive, 8000),
    (177, "t32.ls.multiple", "LDM, LDMDB, STM, STMDB (PUSH.W, POP.W)", ls_multiple, 6000),
    (178, "t32.ls.unaligned", "LDR, STR, LDRH, STRH, LDRSH at addresses that are not a multiple of their size",
     ls_unaligned, 3000),
    (179, "t32.status.hint", "MRS, MSR (APSR), hints, barriers, CLREX, PLD, PLDW, PLI", status_hints, 6000),
    (180, "t32.it.last", "The last instruction of an IT block (ITSTATE = cond:1000): data processing, "
     "multiplies, loads/stores, branches", in_it_block, 8000),
]
