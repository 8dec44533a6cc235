"""The AArch32 floating-point groups (ARM DDI 0487, F4.1 / F3.1 "Floating-point data-processing",
"Floating-point 32-bit move", "Floating-point 64-bit move", "Floating-point load/store", and the
ARMv8 additions of F6: VSEL, VMAXNM, VMINNM, VRINT{A,N,P,M,X,Z,R}, VCVT{A,N,P,M}) and a
generator of random valid encodings for each.

An instruction is drawn as an A32 word; 10 % of them run in T32 state instead (InstVFP.thumb),
where the encoding is the same with 1110 in the cond position (the unconditional ARMv8 forms
keep 1111), stored as hw1 << 16 | hw2. Each vector gets a profile (refstate.PROFILE_H, _S,
_D) from the precision of its operands, which biases the D registers towards zeros,
infinities, NaNs, denormals and the like of that format (refstate.fp_lane).

Left out: the Advanced SIMD instructions of the same spaces (VDUP, VMOV to and from 8- and
16-bit scalars: they need Advanced SIMD), FPSID, MVFR0-2 and FPEXC (implementation defined or
outside the state compared), and FPSCR's Len, Stride and trap-enable bits (RES0 in ARMv8;
VMSR writes only the defined fields: see KNOWN_DIFFERENCES.md).

Group ids start at 201.
"""

from groups_a32 import CU, Inst32, Mem32, bits, cond  # noqa: F401

PROFILE_H, PROFILE_S, PROFILE_D = 1, 2, 3
FPSCR_DEFINED = 0xFFC0_009F     # NZCV, QC, AHP, DN, FZ, RMode, the cumulative flags


class InstVFP(Inst32):
    def __init__(self, word, profile=0, thumb=False, **kw):
        super().__init__(word, **kw)
        self.profile = profile
        self.thumb = thumb


def make(r, word, profile, **kw):
    """10 % in T32 state: the cond field becomes 1110 (1111 stays)."""
    thumb = r.random() < 0.1
    if thumb and word >> 28 != 0xF:
        word = word & 0x0FFF_FFFF | 0xE000_0000
    return InstVFP(word, profile, thumb, **kw)


def freg(n, double):
    """(4-bit field, extra bit) of register n: D:Vd for a double, Vd:D for a single."""
    return (n & 15, n >> 4) if double else (n >> 1, n & 1)


def prof(double):
    return PROFILE_D if double else PROFILE_S


def dp(c, b23, b21, d, n, m, sz, op6, ddbl=None, ndbl=None, mdbl=None):
    """A data-processing word with registers d, n, m (numbers 0-31) of the given precisions
    (default: sz)."""
    dbl = sz == 1
    vd, xd = freg(d, dbl if ddbl is None else ddbl)
    vn, xn = freg(n, dbl if ndbl is None else ndbl)
    vm, xm = freg(m, dbl if mdbl is None else mdbl)
    return (c << 28 | 0xE << 24 | b23 << 23 | xd << 22 | b21 << 20 | vn << 16 | vd << 12 | 0b101 << 9 | sz << 8
            | xn << 7 | op6 << 6 | xm << 5 | vm)


def two_reg(c, opc2, op7, d, m, sz, ddbl, mdbl):
    vd, xd = freg(d, ddbl)
    vm, xm = freg(m, mdbl)
    return (c << 28 | 0xE << 24 | 1 << 23 | xd << 22 | 0b11 << 20 | opc2 << 16 | vd << 12 | 0b101 << 9 | sz << 8
            | op7 << 7 | 1 << 6 | xm << 5 | vm)


def r32(r):
    return r.randrange(32)


# --- Data processing ----------------------------------------------------------------------

ARITH = [(0, 0b10, 0), (0, 0b10, 1), (0, 0b11, 0), (0, 0b11, 1), (1, 0b00, 0)]    # VMUL VNMUL VADD VSUB VDIV
MAC = [(0, 0b00, 0), (0, 0b00, 1), (0, 0b01, 0), (0, 0b01, 1)]                    # VMLA VMLS VNMLS VNMLA
FMA = [(1, 0b10, 0), (1, 0b10, 1), (1, 0b01, 0), (1, 0b01, 1)]                    # VFMA VFMS VFNMS VFNMA


def three(ops):
    def gen(r):
        b23, b21, op6 = r.choice(ops)
        sz = bits(r, 1)
        return make(r, dp(cond(r), b23, b21, r32(r), r32(r), r32(r), sz, op6), prof(sz))
    return gen


def unary(r):
    """VMOV (register), VABS, VNEG, VSQRT."""
    opc2, op7 = r.choice([(0, 0), (0, 1), (1, 0), (1, 1)])
    sz = bits(r, 1)
    return make(r, two_reg(cond(r), opc2, op7, r32(r), r32(r), sz, sz, sz), prof(sz))


def mov_imm(r):
    sz = bits(r, 1)
    vd, xd = freg(r32(r), sz == 1)
    imm8 = bits(r, 8)
    w = (cond(r) << 28 | 0xE << 24 | 1 << 23 | xd << 22 | 0b11 << 20 | (imm8 >> 4) << 16 | vd << 12 | 0b101 << 9
         | sz << 8 | (imm8 & 15))
    return make(r, w, prof(sz))


def compare(r):
    """VCMP, VCMPE, with a register or #0.0."""
    sz, e = bits(r, 1), bits(r, 1)
    d = r32(r)
    if r.random() < 0.3:
        return make(r, two_reg(cond(r), 0b0101, e, d, 0, sz, sz, sz), prof(sz))
    return make(r, two_reg(cond(r), 0b0100, e, d, r32(r), sz, sz, sz), prof(sz))


def cvt_fp(r):
    """VCVT between single and double; VCVTB, VCVTT between half and single or double."""
    k = r.randrange(3)
    sz = bits(r, 1)
    d, m = r32(r), r32(r)
    if k == 0:
        return make(r, two_reg(cond(r), 0b0111, 1, d, m, sz, sz == 0, sz == 1), prof(sz))
    t = bits(r, 1)
    if k == 1:      # from half: Sm's bottom or top half to Sd or Dd
        return make(r, two_reg(cond(r), 0b0010, t, d, m, sz, sz == 1, False), PROFILE_H)
    return make(r, two_reg(cond(r), 0b0011, t, d, m, sz, False, sz == 1), prof(sz))


def cvt_int(r):
    """VCVT between FP and 32-bit integers: to integer rounding toward zero, VCVTR (FPSCR's
    rounding), from signed and unsigned integers."""
    sz = bits(r, 1)
    d, m = r32(r), r32(r)
    if r.random() < 0.35:
        return make(r, two_reg(cond(r), 0b1000, bits(r, 1), d, m, sz, sz == 1, False), PROFILE_S)
    return make(r, two_reg(cond(r), r.choice([0b1100, 0b1101]), bits(r, 1), d, m, sz, False, sz == 1), prof(sz))


def cvt_fixed(r):
    """VCVT between FP and 16- or 32-bit fixed-point, in place (Vd is source and destination)."""
    sz = bits(r, 1)
    opc2 = r.choice([0b1010, 0b1011, 0b1110, 0b1111])
    sx = bits(r, 1)
    imm5 = bits(r, 5) if sx else r.randrange(17)
    d = r32(r)
    vd, xd = freg(d, sz == 1)
    w = (cond(r) << 28 | 0xE << 24 | 1 << 23 | xd << 22 | 0b11 << 20 | opc2 << 16 | vd << 12 | 0b101 << 9 | sz << 8
         | sx << 7 | 1 << 6 | (imm5 & 1) << 5 | imm5 >> 1)
    i = make(r, w, prof(sz) if opc2 & 0b0100 else PROFILE_S)
    if not opc2 & 0b0100:
        i.skip = lambda state: fixed_to_fp_rounding(state, d, sz, sx, opc2 & 1)
    return i


def fixed_to_fp_rounding(state, d, sz, sx, unsigned):
    """The departure KNOWN_DIFFERENCES.md describes: VCVT from fixed-point rounds to nearest even
    (FixedToFP(..., FPRounding_TIEEVEN) in the pseudocode), QEMU by FPSCR.RMode. The two differ
    only when RMode is not 00 and the value is not exact in the destination format."""
    if (state.fpscr >> 22) & 3 == 0:
        return None
    reg = state.d[d] if sz else state.d[d >> 1] >> (32 * (d & 1))
    size = 32 if sx else 16
    v = reg & ((1 << size) - 1)
    if not unsigned and v >> (size - 1):
        v = (1 << size) - v
    while v and v % 2 == 0:
        v //= 2
    if v.bit_length() <= (53 if sz else 24):
        return None
    return "skipped: VCVT from fixed-point, FPSCR.RMode != 00, inexact (Unicorn rounds by RMode)"


# --- ARMv8 additions ----------------------------------------------------------------------

def vsel(r):
    sz = bits(r, 1)
    return make(r, dp(0xF, 0, bits(r, 2), r32(r), r32(r), r32(r), sz, 0), prof(sz))


def maxminnm(r):
    sz = bits(r, 1)
    return make(r, dp(0xF, 1, 0b00, r32(r), r32(r), r32(r), sz, bits(r, 1)), prof(sz))


def vrint(r):
    """VRINTA, VRINTN, VRINTP, VRINTM (unconditional), VRINTR, VRINTZ, VRINTX (conditional)."""
    sz = bits(r, 1)
    d, m = r32(r), r32(r)
    if r.random() < 0.55:
        w = two_reg(0xF, 0b1000 | bits(r, 2), 0, d, m, sz, sz, sz)
    else:
        opc2, op7 = r.choice([(0b0110, 0), (0b0110, 1), (0b0111, 0)])
        w = two_reg(cond(r), opc2, op7, d, m, sz, sz, sz)
    return make(r, w, prof(sz))


def vcvt_directed(r):
    """VCVTA, VCVTN, VCVTP, VCVTM to a signed or unsigned 32-bit integer in Sd."""
    sz = bits(r, 1)
    return make(r, two_reg(0xF, 0b1100 | bits(r, 2), bits(r, 1), r32(r), r32(r), sz, False, sz == 1), prof(sz))


# --- Moves and system registers ------------------------------------------------------------

def core_reg(r):
    """R0-R12, R14 (R13 is UNPREDICTABLE in T32, PC everywhere)."""
    return r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14])


def sysreg(r):
    """VMRS Rt, FPSCR; VMRS APSR_nzcv, FPSCR; VMSR FPSCR, Rt (Rt holds a value within FPSCR's
    defined fields)."""
    k = r.randrange(3)
    c = cond(r) << 28
    t = core_reg(r)
    if k == 0:
        return make(r, c | 0x0EF1_0A10 | t << 12, 0)
    if k == 1:
        return make(r, c | 0x0EF1_FA10, 0)
    v = r.getrandbits(32) & FPSCR_DEFINED
    if r.random() < 0.3:
        v &= 0xF000_0000 | r.getrandbits(32)
    i = make(r, c | 0x0EE1_0A10 | t << 12, 0)
    i.init = [(t, v)]
    return i


def core_moves(r):
    """VMOV between a core register and an S register, two core registers and two S registers
    or a D register, and a core register and a 32-bit scalar Dn[x]."""
    k = r.randrange(4)
    c = cond(r) << 28
    op = bits(r, 1)
    t, t2 = core_reg(r), core_reg(r)
    if k == 0:
        vn, xn = freg(r32(r), False)
        return make(r, c | 0x0E00_0A10 | op << 20 | vn << 16 | t << 12 | xn << 7, PROFILE_S)
    if k in (1, 2):
        double = k == 2
        m = r32(r)
        if not double and m == 31:
            return CU
        if op and t == t2:
            return CU
        vm, xm = freg(m, double)
        return make(r, c | 0x0C40_0A10 | op << 20 | t2 << 16 | t << 12 | int(double) << 8 | xm << 5 | vm,
                    prof(double))
    vd, xd = freg(r32(r), True)
    return make(r, c | 0x0E00_0B10 | op << 20 | bits(r, 1) << 21 | vd << 16 | t << 12 | xd << 7, PROFILE_D)


# --- Loads and stores ----------------------------------------------------------------------

def ldr_str(r):
    """VLDR, VSTR (S and D; Rn = PC: the literal VLDR)."""
    double, load, u = bits(r, 1), bits(r, 1), bits(r, 1)
    n = core_reg(r) if r.random() < 0.85 else (15 if load else 13)
    if r.random() < 0.1:
        n = 13
    imm8 = bits(r, 8)
    vd, xd = freg(r32(r), double == 1)
    w = cond(r) << 28 | 0b1101 << 24 | u << 23 | xd << 22 | load << 20 | n << 16 | vd << 12 | 0b101 << 9 | double << 8 | imm8
    mem = Mem32("imm", n, imm=imm8 * 4 if u else -imm8 * 4, size=4, count=2 if double else 1, align=4)
    return make(r, w, prof(double), mem=mem)


def ldm_stm(r):
    """VLDM, VSTM (IA with and without writeback, DB with writeback), VPUSH, VPOP (SP)."""
    double, load = bits(r, 1), bits(r, 1)
    p, u, w = r.choice([(0, 1, 0), (0, 1, 1), (1, 0, 1)])
    n = 13 if r.random() < 0.3 else core_reg(r)
    d = r32(r)
    limit = min(32 - d, 16) if double else 32 - d
    count = r.randrange(1, limit + 1) if r.random() < 0.5 else r.randrange(1, min(limit, 4) + 1)
    imm8 = 2 * count if double else count
    vd, xd = freg(d, double == 1)
    word = (cond(r) << 28 | 0b110 << 25 | p << 24 | u << 23 | xd << 22 | w << 21 | load << 20 | n << 16 | vd << 12
            | 0b101 << 9 | double << 8 | imm8)
    return make(r, word, prof(double), mem=Mem32("multiple", n, count=imm8, mode="ia" if u else "db"))


# id, name, Arm ARM class, generator, vectors.
GROUPS = [
    (201, "vfp.arith", "VADD, VSUB, VMUL, VNMUL, VDIV", three(ARITH), 34000),
    (202, "vfp.mac", "VMLA, VMLS, VNMLA, VNMLS", three(MAC), 16000),
    (203, "vfp.fma", "VFMA, VFMS, VFNMA, VFNMS", three(FMA), 16000),
    (204, "vfp.unary", "VMOV (register), VABS, VNEG, VSQRT", unary, 12000),
    (205, "vfp.movimm", "VMOV (immediate)", mov_imm, 4000),
    (206, "vfp.compare", "VCMP, VCMPE (register and #0.0)", compare, 12000),
    (207, "vfp.cvt.fp", "VCVT (single <-> double), VCVTB, VCVTT (half <-> single, double)", cvt_fp, 18000),
    (208, "vfp.cvt.int", "VCVT, VCVTR (FP <-> 32-bit integer)", cvt_int, 16000),
    (209, "vfp.cvt.fixed", "VCVT (FP <-> fixed-point, 16 and 32 bits)", cvt_fixed, 12000),
    (210, "vfp.sysreg", "VMRS, VMSR (FPSCR), VMRS APSR_nzcv", sysreg, 6000),
    (211, "vfp.move.core", "VMOV core <-> S, two cores <-> two S or D, core <-> 32-bit scalar", core_moves, 10000),
    (212, "vfp.ls", "VLDR, VSTR (immediate, literal)", ldr_str, 12000),
    (213, "vfp.ls.multiple", "VLDM, VSTM, VPUSH, VPOP", ldm_stm, 10000),
    (214, "vfp.v8.vsel", "VSEL (EQ, VS, GE, GT)", vsel, 6000),
    (215, "vfp.v8.maxminnm", "VMAXNM, VMINNM", maxminnm, 8000),
    (216, "vfp.v8.vrint", "VRINTA, VRINTN, VRINTP, VRINTM, VRINTR, VRINTZ, VRINTX", vrint, 14000),
    (217, "vfp.v8.vcvt", "VCVTA, VCVTN, VCVTP, VCVTM", vcvt_directed, 10000),
]
