"""The AArch32 Advanced SIMD groups (ARM DDI 0487, F4.1 "Advanced SIMD data-processing",
"Advanced SIMD element or structure load/store", and the Advanced SIMD transfers of the
"Advanced SIMD and floating-point 32-bit move" space), one per encoding class, and a generator
of random allocated ARMv8.0 encodings for each.

The VFP set's design (groups_vfp.py): the same state (D0-D31, FPSCR), placement and record
kind; a tenth of the vectors run in T32 state, where 1111 001U becomes 111U 1111 and
1111 0100 becomes 1111 1001 (the transfers keep their cond-1110 form).

Not drawn (KNOWN_DIFFERENCES.md): unallocated encodings, VQRDMLAH/VQRDMLSH (ARMv8.1),
half-precision arithmetic (ARMv8.2), register lists past D31, VTRN/VUZP/VZIP with Vd == Vm,
alignment-qualified accesses at misaligned addresses.

Group ids start at 231.
"""

from groups_a32 import CU, Mem32, bits, cond  # noqa: F401
from groups_vfp import PROFILE_S, InstVFP, core_reg

def make(r, word, profile=0, **kw):
    """10 % in T32 state."""
    thumb = r.random() < 0.1
    if thumb:
        if word >> 25 == 0b111_1001:                       # data processing: 111U 1111
            word = 0xEF00_0000 | (word >> 24 & 1) << 28 | word & 0x00FF_FFFF
        elif word >> 24 == 0xF4:                           # element/structure load/store
            word = 0xF900_0000 | word & 0x00FF_FFFF
        else:                                              # transfers: cond 1110
            word = word & 0x0FFF_FFFF | 0xE000_0000
    return InstVFP(word, profile, thumb, **kw)


def reg(r, q):
    """A D register number; an even one for a Q operand."""
    n = r.randrange(32)
    return n & ~1 if q else n


def dnm(w, d, n, m):
    return (w | (d >> 4) << 22 | (d & 15) << 12 | (n >> 4) << 7 | (n & 15) << 16 | (m >> 4) << 5 | (m & 15))


def dp(u, rest):
    return 0xF200_0000 | u << 24 | rest


# --- Three registers of the same length ---------------------------------------------------

def three_same_int(r):
    """F4.1 "Advanced SIMD three registers of the same length", the integer and logical
    opcodes (not 1100-1111, the float and SHA ones)."""
    while True:
        opc, o1, u, size, q = r.randrange(12), bits(r, 1), bits(r, 1), bits(r, 2), bits(r, 1)
        if opc == 0b0001 and o1 == 1:
            break                                          # logical: size is the operation
        if opc == 0b1011 and o1 == 1 and u == 1:
            continue                                       # VQRDMLAH (ARMv8.1)
        if opc == 0b1011 and o1 == 1:
            q = 0                                          # VPADD
            if size == 3:
                continue
        if opc == 0b1010:
            q = 0                                          # VPMAX, VPMIN
        if size == 3 and (opc not in (0b0000, 0b0010, 0b0100, 0b0101, 0b1000)
                          or opc in (0b0000, 0b0010) and o1 == 0 or opc == 0b1000 and o1 == 1):
            continue                                       # 64-bit lanes: only VQADD/VQSUB, shifts, VADD/VSUB
        if opc == 0b1001 and o1 == 1 and u == 1 and size != 0:
            continue                                       # VMUL.P8 only
        if opc == 0b1011 and o1 == 0 and size in (0, 3):
            continue                                       # VQDMULH, VQRDMULH: 16 and 32 bits
        break
    w = opc << 8 | o1 << 4 | size << 20 | q << 6
    return make(r, dp(u, dnm(w, reg(r, q), reg(r, q), reg(r, q))))


# (U, opc, o1, bit 21, pairwise) of the ARMv8.0 float operations (bit 20, sz, is 0: F32).
THREE_SAME_FLOAT = [
    (0, 0b1101, 0, 0, 0), (0, 0b1101, 0, 1, 0), (1, 0b1101, 0, 0, 1), (1, 0b1101, 0, 1, 0),  # VADD VSUB VPADD VABD
    (0, 0b1101, 1, 0, 0), (0, 0b1101, 1, 1, 0), (1, 0b1101, 1, 0, 0),                        # VMLA VMLS VMUL
    (0, 0b1110, 0, 0, 0), (1, 0b1110, 0, 0, 0), (1, 0b1110, 0, 1, 0),                        # VCEQ VCGE VCGT
    (1, 0b1110, 1, 0, 0), (1, 0b1110, 1, 1, 0),                                              # VACGE VACGT
    (0, 0b1111, 0, 0, 0), (0, 0b1111, 0, 1, 0), (1, 0b1111, 0, 0, 1), (1, 0b1111, 0, 1, 1),  # VMAX VMIN VPMAX VPMIN
    (0, 0b1111, 1, 0, 0), (0, 0b1111, 1, 1, 0), (1, 0b1111, 1, 0, 0), (1, 0b1111, 1, 1, 0),  # VRECPS VRSQRTS VMAXNM VMINNM
    (0, 0b1100, 1, 0, 0), (0, 0b1100, 1, 1, 0),                                              # VFMA VFMS
]


def three_same_float(r):
    u, opc, o1, b21, pair = r.choice(THREE_SAME_FLOAT)
    q = 0 if pair else bits(r, 1)
    w = opc << 8 | o1 << 4 | b21 << 21 | q << 6
    return make(r, dp(u, dnm(w, reg(r, q), reg(r, q), reg(r, q))), PROFILE_S)


# --- Three registers of different lengths -------------------------------------------------

def three_diff(r):
    """VADDL/W, VSUBL/W, VADDHN, VRADDHN, VSUBHN, VRSUBHN, VABAL, VABDL, VMLAL, VMLSL, VMULL,
    VQDMLAL, VQDMLSL, VQDMULL, VMULL.P8 (VMULL.P64 is in the crypto group)."""
    while True:
        opc, u, size = r.randrange(15), bits(r, 1), r.randrange(3)
        if opc in (0b1001, 0b1011, 0b1101) and (u or size == 0):
            continue
        if opc == 0b1110 and (u or size != 0):
            continue
        break
    if opc in (0b0100, 0b0110):
        d, n, m = reg(r, 0), reg(r, 1), reg(r, 1)      # narrow: Qn, Qm
    elif opc in (0b0001, 0b0011):
        d, n, m = reg(r, 1), reg(r, 1), reg(r, 0)      # wide: Qd, Qn
    else:
        d, n, m = reg(r, 1), reg(r, 0), reg(r, 0)      # long: Qd
    w = 1 << 23 | size << 20 | opc << 8
    return make(r, dp(u, dnm(w, d, n, m)))


# --- Two registers and a scalar -----------------------------------------------------------

def by_scalar(r):
    """VMLA, VMLS, VMUL (integer and F32), VMLAL, VMLSL, VMULL, VQDMLAL, VQDMLSL, VQDMULL,
    VQDMULH, VQRDMULH by a scalar (not 111x: VQRDMLAH, VQRDMLSH)."""
    opc = r.randrange(14)
    flt = opc in (0b0001, 0b0101, 0b1001)
    size = 2 if flt else r.choice([1, 2])
    u = bits(r, 1)
    if opc in (0b0011, 0b0111, 0b1011):
        u = 0
    long_ = opc in (0b0010, 0b0011, 0b0110, 0b0111, 0b1010, 0b1011)
    q = 0 if long_ else u                          # bit 24 is Q for the non-long forms
    d = reg(r, 1 if long_ else q)
    n = reg(r, q)
    m = r.randrange(8) | bits(r, 2) << 3 if size == 1 else r.randrange(32)    # size 01: Vm<2:0>, index M:Vm<3>
    w = 1 << 23 | size << 20 | opc << 8 | 1 << 6
    return make(r, dp(u, dnm(w, d, n, m)), PROFILE_S if flt else 0)


# --- Two registers and a shift amount -----------------------------------------------------

def shift_imm(r):
    while True:
        opc, u, l, q = r.randrange(16), bits(r, 1), bits(r, 1), bits(r, 1)
        imm6 = bits(r, 6)
        if opc in (0b1011, 0b1100, 0b1101) or opc in (0b0100, 0b0110) and u == 0:
            continue
        if opc >= 0b1000:
            l = 0
        if l == 0 and imm6 < 8:
            continue
        if opc in (0b1110, 0b1111):                 # VCVT fixed <-> F32: imm6 = 1xxxxx
            if imm6 < 32:
                continue
        break
    d = reg(r, q)
    m = reg(r, q)
    if opc in (0b1000, 0b1001):                     # narrow: Qm
        q = bits(r, 1)                              # bit 6 is the rounding/op bit
        d, m = reg(r, 0), reg(r, 1)
    elif opc == 0b1010:                             # VSHLL, VMOVL: Qd
        q = 0
        d, m = reg(r, 1), reg(r, 0)
    w = 1 << 23 | imm6 << 16 | opc << 8 | l << 7 | q << 6 | 1 << 4
    return make(r, dp(u, dnm(w, d, 0, m)), PROFILE_S if opc >= 0b1110 else 0)


# --- Two registers, miscellaneous ---------------------------------------------------------

def misc(opc1, opc2, size, q, d, m):
    return 0xF3B0_0000 | size << 18 | opc1 << 16 | opc2 << 7 | q << 6 | (d >> 4) << 22 | (d & 15) << 12 \
        | (m >> 4) << 5 | (m & 15)


def twomisc_int(r):
    """The integer operations of "two registers misc": VREV, VPADDL, VPADAL, VCLS, VCLZ, VCNT,
    VMVN, VQABS, VQNEG, VCGT/VCGE/VCEQ/VCLE/VCLT #0, VABS, VNEG, VSWP, VTRN, VUZP, VZIP, VMOVN,
    VQMOVN, VQMOVUN, VSHLL (maximum shift)."""
    while True:
        opc1, opc2, size, q = r.choice([0, 1, 2]), bits(r, 4), r.randrange(3), bits(r, 1)
        if opc1 == 0:
            if opc2 in (0b0011, 0b0110, 0b0111):
                continue
            if opc2 <= 2 and opc2 + size >= 3:
                continue                             # VREV: the reversed block is larger than a lane
            if opc2 in (0b1010, 0b1011) and size != 0:
                continue
        elif opc1 == 1:
            if opc2 not in (0, 1, 2, 3, 4, 6, 7):
                continue
        else:
            if opc2 > 0b0110:
                continue
            if opc2 == 0 and size != 0:
                continue                             # VSWP
            if opc2 in (0b0010, 0b0011) and size == 2 and q == 0:
                continue                             # VUZP.32, VZIP.32 with D registers: UNDEFINED
            if opc2 == 0b0110 and q:
                continue
        break
    narrow = opc1 == 2 and opc2 in (0b0100, 0b0101)
    shll = opc1 == 2 and opc2 == 0b0110
    if narrow:
        d, m = reg(r, 0), reg(r, 1)
    elif shll:
        d, m = reg(r, 1), reg(r, 0)
    else:
        d, m = reg(r, q), reg(r, q)
        if opc1 == 2 and opc2 in (1, 2, 3):
            while d == m:
                m = reg(r, q)                        # VTRN, VUZP, VZIP: Vd == Vm is UNPREDICTABLE
    return make(r, misc(opc1, opc2, size, q, d, m))


def twomisc_float(r):
    """F32 "two registers misc": VCGT/VCGE/VCEQ/VCLE/VCLT #0, VABS, VNEG; VRINT*, VCVT{A,N,P,M},
    VRECPE, VRSQRTE (integer and float), VCVT between F32 and integers, VCVT F32 <-> F16."""
    k = r.randrange(6)
    q = bits(r, 1)
    if k == 0:
        opc1, opc2, size = 1, 0b1000 | r.choice([0, 1, 2, 3, 4, 6, 7]), 2
    elif k == 1:
        opc1, opc2, size = 2, r.choice([0b1000, 0b1001, 0b1010, 0b1011, 0b1101, 0b1111]), 2
    elif k == 2:
        opc1, opc2, size = 3, bits(r, 3), 2                 # VCVTA/N/P/M, bit 7 = op
    elif k == 3:
        opc1, opc2, size = 3, r.choice([0b1000, 0b1001, 0b1010, 0b1011]), 2   # VRECPE, VRSQRTE (F: bit 8)
    elif k == 4:
        opc1, opc2, size = 3, 0b1100 | bits(r, 2), 2
    else:
        opc1, size = 2, 1
        opc2 = r.choice([0b1100, 0b1110])
        if opc2 == 0b1100:
            return make(r, misc(opc1, opc2, size, 0, reg(r, 0), reg(r, 1)), PROFILE_S)
        return make(r, misc(opc1, opc2, size, 0, reg(r, 1), reg(r, 0)), PROFILE_S)
    return make(r, misc(opc1, opc2, size, q, reg(r, q), reg(r, q)), PROFILE_S)


# --- Crypto -----------------------------------------------------------------------------

def crypto(r):
    """AESE, AESD, AESMC, AESIMC, SHA1C/P/M/SU0, SHA256H/H2/SU1, SHA1H, SHA1SU1, SHA256SU0,
    VMULL.P64."""
    k = r.randrange(5)
    d, n, m = reg(r, 1), reg(r, 1), reg(r, 1)
    if k == 0:
        return make(r, misc(0, r.choice([0b0110, 0b0111]), 0, bits(r, 1), d, m))
    if k == 1:
        u = bits(r, 1)
        op = r.randrange(3) if u else bits(r, 2)
        return make(r, dp(u, dnm(op << 20 | 0b1100 << 8 | 1 << 6, d, n, m)))
    if k == 2:
        return make(r, misc(1, 0b0101, 2, 1, d, m))                     # SHA1H
    if k == 3:
        return make(r, misc(2, 0b0111, 2, bits(r, 1), d, m))            # SHA1SU1, SHA256SU0
    return make(r, dp(0, dnm(1 << 23 | 2 << 20 | 0b1110 << 8, d, reg(r, 0), reg(r, 0))))


# --- VEXT, VTBL, VTBX, VDUP (scalar) ------------------------------------------------------

def permute(r):
    k = r.randrange(3)
    q = bits(r, 1)
    if k == 0:
        imm4 = bits(r, 4) if q else r.randrange(8)
        return make(r, dp(0, dnm(0b1011 << 20 | imm4 << 8 | q << 6, reg(r, q), reg(r, q), reg(r, q))))
    if k == 1:
        ln = bits(r, 2)
        n = r.randrange(32 - ln)
        return make(r, dp(1, dnm(0b1011 << 20 | 0b10 << 10 | ln << 8 | bits(r, 1) << 6, reg(r, 0), n, reg(r, 0))))
    imm4 = r.choice([1, 3, 5, 7, 9, 11, 13, 15, 2, 6, 10, 14, 4, 12])
    w = 0b1011 << 20 | imm4 << 16 | 0b11000 << 7 | q << 6
    return make(r, dp(1, dnm(w, reg(r, q), 0, reg(r, 0))))


# --- One register and a modified immediate ------------------------------------------------

def modimm(r):
    while True:
        cmode, op, q = bits(r, 4), bits(r, 1), bits(r, 1)
        if not (op == 1 and cmode == 0b1111):
            break
    imm8 = bits(r, 8)
    w = 1 << 23 | (imm8 >> 4 & 7) << 16 | cmode << 8 | q << 6 | op << 5 | 1 << 4 | imm8 & 15
    return make(r, dp(imm8 >> 7, dnm(w, reg(r, q), 0, 0)), PROFILE_S if cmode == 0b1111 else 0)


# --- Element and structure loads and stores -----------------------------------------------

MULTIPLE = {0b0111: (1, 1, 1), 0b1010: (1, 2, 1), 0b0110: (1, 3, 1), 0b0010: (1, 4, 1),
            0b1000: (2, 2, 1), 0b1001: (2, 2, 2), 0b0011: (2, 4, 1), 0b0100: (3, 3, 1), 0b0101: (3, 3, 2),
            0b0000: (4, 4, 1), 0b0001: (4, 4, 2)}    # type: (structure, registers, spacing)


def base_and_index(r):
    """Rn (not the PC) and Rm: 15 no writeback, 13 writeback by the transfer size, otherwise
    Rn + Rm (Rm != Rn)."""
    n = core_reg(r) if r.random() < 0.85 else 13
    m = r.choice([15, 15, 13, 13, r.choice([x for x in range(13) if x != n])])
    return n, m


def ls_multiple(r):
    """VLD1-VLD4, VST1-VST4 (multiple structures)."""
    while True:
        t = r.choice(list(MULTIPLE))
        s, nregs, inc = MULTIPLE[t]
        size, align = bits(r, 2), bits(r, 2)
        if s > 1 and size == 3:
            continue
        if t in (0b0111, 0b0110, 0b0100, 0b0101) and align & 2:
            continue
        if t in (0b1000, 0b1001, 0b1010) and align == 3:
            continue                                 # VLD1 (two registers), VLD2 (spaced): UNDEFINED
        break
    last = (nregs - 1) * inc if t != 0b0011 else 3
    d = r.randrange(32 - last)
    n, m = base_and_index(r)
    load = bits(r, 1)
    al = max(1 << size, 4 << align if align else 1)
    w = 0xF400_0000 | (d >> 4) << 22 | load << 21 | n << 16 | (d & 15) << 12 | t << 8 | size << 6 | align << 4 | m
    return make(r, w, mem=Mem32("imm", n, size=8 * nregs, align=al, post=True))


def ls_single(r):
    """VLD1-VLD4, VST1-VST4 (single structure to one lane)."""
    while True:
        size, nn, ia = r.randrange(3), bits(r, 2), bits(r, 4)
        s = nn + 1
        eb = 1 << size
        inc, al = 1, eb
        if s == 1:
            if size == 0 and ia & 1 or size == 1 and ia & 2 or size == 2 and (ia & 4 or ia & 3 not in (0, 3)):
                continue
            al = eb
        elif s == 2:
            if size == 2 and ia & 2:
                continue
            if size == 1:
                inc = 2 if ia & 2 else 1
            if size == 2:
                inc = 2 if ia & 4 else 1
            if ia & 1:
                al = 2 * eb
        elif s == 3:
            if size == 0 and ia & 1 or size == 1 and ia & 1 or size == 2 and ia & 3:
                continue
            inc = 2 if size == 1 and ia & 2 or size == 2 and ia & 4 else 1
        else:
            if size == 2 and ia & 3 == 3:
                continue
            if size == 1:
                inc = 2 if ia & 2 else 1
            if size == 2:
                inc = 2 if ia & 4 else 1
            if ia & 1 or size == 2 and ia & 3:
                al = {0: 4, 1: 8, 2: 8 << (ia & 3) >> 1}[size]
        break
    d = r.randrange(32 - (s - 1) * inc)
    n, m = base_and_index(r)
    load = bits(r, 1)
    w = 0xF480_0000 | (d >> 4) << 22 | load << 21 | n << 16 | (d & 15) << 12 | size << 10 | nn << 8 | ia << 4 | m
    return make(r, w, mem=Mem32("imm", n, size=s * eb, align=max(al, eb), post=True))


def ls_all(r):
    """VLD1-VLD4 (single structure to all lanes)."""
    while True:
        nn, size, t, a = bits(r, 2), bits(r, 2), bits(r, 1), bits(r, 1)
        s = nn + 1
        if size == 3 and not (s == 4 and a):
            continue
        if s == 1 and size == 0 and a or s == 3 and a:
            continue
        break
    eb = 4 if size == 3 else 1 << size
    if s == 1:
        regs, inc, al = t + 1, 1, eb
    else:
        regs, inc = s, t + 1
        al = {2: 2 * eb, 4: 16 if size == 3 else (8 if size == 2 else 4 * eb)}.get(s, eb) if a else eb
    d = r.randrange(32 - (regs - 1) * inc)
    n, m = base_and_index(r)
    w = 0xF4A0_0000 | (d >> 4) << 22 | n << 16 | (d & 15) << 12 | 0b11 << 10 | nn << 8 | size << 6 | t << 5 \
        | a << 4 | m
    return make(r, w, mem=Mem32("imm", n, size=s * eb, align=al, post=True))


# --- Transfers between core registers and scalars -----------------------------------------

def transfers(r):
    """VMOV core -> 8/16-bit scalar, VMOV 8/16-bit scalar -> core (signed, unsigned), VDUP
    (general-purpose register)."""
    k = r.randrange(3)
    c = cond(r) << 28
    t = core_reg(r)
    v = r.randrange(32)
    if k == 2:
        b, e = r.choice([(0, 0), (0, 1), (1, 0)])
        q = bits(r, 1)
        v &= ~q
        return make(r, c | 0x0E80_0B10 | b << 22 | q << 21 | (v & 15) << 16 | t << 12 | (v >> 4) << 7 | e << 5)
    if bits(r, 1):
        opc1, opc2 = 2 | bits(r, 1), bits(r, 2)             # 8-bit
    else:
        opc1, opc2 = bits(r, 1), 1 | bits(r, 1) << 1       # 16-bit
    u = bits(r, 1) if k == 1 else 0
    return make(r, c | 0x0E00_0B10 | u << 23 | opc1 << 21 | k << 20 | (v & 15) << 16 | t << 12 | (v >> 4) << 7
                | opc2 << 5)


GROUPS = [
    (231, "neon.three.same.int", "three registers of the same length (integer, logical)", three_same_int, 14000),
    (232, "neon.three.same.float", "three registers of the same length (F32)", three_same_float, 10000),
    (233, "neon.three.diff", "three registers of different lengths", three_diff, 10000),
    (234, "neon.scalar", "two registers and a scalar", by_scalar, 8000),
    (235, "neon.shift", "two registers and a shift amount", shift_imm, 12000),
    (236, "neon.twomisc.int", "two registers miscellaneous (integer, permutes, narrowing)", twomisc_int, 10000),
    (237, "neon.twomisc.float", "two registers miscellaneous (F32, conversions, VRINT)", twomisc_float, 8000),
    (238, "neon.crypto", "AES, SHA1, SHA256, VMULL.P64", crypto, 5000),
    (239, "neon.permute", "VEXT, VTBL, VTBX, VDUP (scalar)", permute, 5000),
    (240, "neon.modimm", "one register and a modified immediate", modimm, 4000),
    (241, "neon.ls.multiple", "VLD1-4, VST1-4 (multiple structures)", ls_multiple, 6000),
    (242, "neon.ls.single", "VLD1-4, VST1-4 (single structure to one lane)", ls_single, 6000),
    (243, "neon.ls.all", "VLD1-4 (single structure to all lanes)", ls_all, 4000),
    (244, "neon.transfer", "VMOV core <-> 8/16-bit scalar, VDUP (general-purpose register)", transfers, 4000),
]
