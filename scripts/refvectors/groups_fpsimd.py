"""The A64 FP, Advanced SIMD, SIMD load/store, CRC32 and cryptographic encoding groups (ARM DDI
0487, C4.1) and a generator of random encodings for each.

Each generator fixes the bits of its class and draws the operand fields, taking opcodes from
the ARMv8.0 lists where they are dense and otherwise leaving the draw to the two filters of
generate.py: a word is kept only when capstone decodes it (and does not name a post-ARMv8.0
instruction, later_than_v80()) and Unicorn's Cortex-A57 executes it without UNDEFINED (QEMU
gates FP16, RDM, dot product, FCMA, JSCVT, FRINTnn, SHA3/SHA512/SM3/SM4 and the rest on the
A57's ID registers, which do not have them). The generator's stats show how many draws each
filter rejected.

The `profile` of an Inst biases the V registers' lanes towards the instruction's FP size
(refstate.vreg_value), so that zeros, infinities, NaNs and denormals of the right format turn up
often.

Group ids follow those of groups.py (1-36) and are stored in the file: never renumber a group.
"""

import re

from groups import CU, Inst, Mem, reg, bits, sext
from refstate import PROFILE_MIXED, PROFILE_H, PROFILE_S, PROFILE_D, PROFILE_INDEX

FTYPE_PROFILE = {0: PROFILE_S, 1: PROFILE_D, 3: PROFILE_H}


def vr(r):
    """A V register field: any of 0-31 (no special meaning for 31)."""
    return bits(r, 5)


def ftype(r):
    """Single (00) or double (01); half-precision arithmetic is ARMv8.2 (FEAT_FP16)."""
    return bits(r, 1)


def sz_profile(sz):
    return PROFILE_D if sz else PROFILE_S


# --- Later architecture versions --------------------------------------------------------------

LATER = {
    # ARMv8.1 RDM; ARMv8.2 dot product, FHM, SHA3, SHA512, SM3, SM4; ARMv8.3 FCMA, JSCVT;
    # ARMv8.5 FRINTTS; ARMv8.6 BF16, I8MM.
    "sqrdmlah", "sqrdmlsh", "sdot", "udot", "usdot", "sudot", "fcmla", "fcadd", "fjcvtzs",
    "frint32x", "frint32z", "frint64x", "frint64z", "fmlal", "fmlal2", "fmlsl", "fmlsl2",
    "bfcvt", "bfcvtn", "bfcvtn2", "bfdot", "bfmlalb", "bfmlalt", "bfmmla", "smmla", "ummla",
    "usmmla", "eor3", "bcax", "rax1", "xar", "sha512h", "sha512h2", "sha512su0", "sha512su1",
    "sm3ss1", "sm3tt1a", "sm3tt1b", "sm3tt2a", "sm3tt2b", "sm3partw1", "sm3partw2", "sm4e",
    "sm4ekey",
}
HALF = re.compile(r"(^|[\s,{])h\d+\b|\.\d*h\b")
HALF_OK = {"fcvt", "fcvtl", "fcvtl2", "fcvtn", "fcvtn2"}


def later_than_v80(mnemonic, op_str):
    """capstone's name for an instruction that ARMv8.0 does not have: the lists above, and FP
    arithmetic on half precision (FEAT_FP16), recognised by an H register or .4h/.8h
    arrangement on an FP instruction other than the conversions ARMv8.0 has."""
    if mnemonic in LATER:
        return True
    fp = mnemonic.startswith("f") or mnemonic in ("scvtf", "ucvtf")
    return fp and mnemonic not in HALF_OK and HALF.search(op_str) is not None


# --- Floating point (scalar) ------------------------------------------------------------------

FP_BASE = 0b00011110 << 24 | 1 << 21


def fp_dp1(r):
    # FMOV, FABS, FNEG, FSQRT, FCVT (to S, D, H), FRINTN/P/M/Z/A/X/I.
    opcode = r.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15])
    if opcode in (4, 5, 7):
        t = r.choice([0, 1, 3])
    else:
        t = ftype(r)
    return Inst(FP_BASE | t << 22 | opcode << 15 | 0b10000 << 10 | vr(r) << 5 | vr(r),
                profile=FTYPE_PROFILE[t])


def fp_dp2(r):
    # FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL.
    t = ftype(r)
    return Inst(FP_BASE | t << 22 | vr(r) << 16 | r.randrange(9) << 12 | 0b10 << 10 | vr(r) << 5 | vr(r),
                profile=FTYPE_PROFILE[t])


def fp_dp3(r):
    # FMADD, FMSUB, FNMADD, FNMSUB.
    t = ftype(r)
    return Inst(0b00011111 << 24 | t << 22 | bits(r, 1) << 21 | vr(r) << 16 | bits(r, 1) << 15
                | vr(r) << 10 | vr(r) << 5 | vr(r), profile=FTYPE_PROFILE[t])


def fp_compare(r):
    # FCMP, FCMPE, against a register or zero (then Rm is should-be-zero).
    t = ftype(r)
    opcode2 = r.choice([0b00000, 0b01000, 0b10000, 0b11000])
    m = 0 if opcode2 & 0b01000 else vr(r)
    return Inst(FP_BASE | t << 22 | m << 16 | 0b1000 << 10 | vr(r) << 5 | opcode2, profile=FTYPE_PROFILE[t])


def fp_ccmp(r):
    # FCCMP, FCCMPE.
    t = ftype(r)
    return Inst(FP_BASE | t << 22 | vr(r) << 16 | bits(r, 4) << 12 | 0b01 << 10 | vr(r) << 5
                | bits(r, 1) << 4 | bits(r, 4), profile=FTYPE_PROFILE[t])


def fp_csel(r):
    t = ftype(r)
    return Inst(FP_BASE | t << 22 | vr(r) << 16 | bits(r, 4) << 12 | 0b11 << 10 | vr(r) << 5 | vr(r),
                profile=FTYPE_PROFILE[t])


def fp_imm(r):
    # FMOV (scalar, immediate): imm5 is zero.
    t = ftype(r)
    return Inst(FP_BASE | t << 22 | bits(r, 8) << 13 | 0b100 << 10 | vr(r), profile=FTYPE_PROFILE[t])


def fp_int(r):
    """Conversions between FP and integer, FMOV (general)."""
    k = r.random()
    sf = bits(r, 1)
    t = ftype(r)
    if k < 0.45:      # FCVTNS/NU, FCVTPS/PU, FCVTMS/MU, FCVTZS/ZU, FCVTAS/AU
        rmode, opcode = r.choice([(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1), (0, 4), (0, 5)])
    elif k < 0.75:    # SCVTF, UCVTF
        rmode, opcode = 0, r.choice([2, 3])
    elif k < 0.9:     # FMOV between Wn/Xn and Sn/Dn: the sizes agree
        rmode, opcode = 0, r.choice([6, 7])
        t = sf
    else:             # FMOV Xd, Vn.D[1] and FMOV Vd.D[1], Xn
        sf, t, rmode, opcode = 1, 2, 1, r.choice([6, 7])
    rn = reg(r) if opcode in (2, 3, 7) else vr(r)
    rd = vr(r) if opcode in (2, 3, 7) else reg(r)
    return Inst(sf << 31 | 0b0011110 << 24 | t << 22 | 1 << 21 | rmode << 19 | opcode << 16 | rn << 5 | rd,
                profile=FTYPE_PROFILE.get(t, PROFILE_D))


def fp_fixed(r):
    """Conversions between FP and fixed point: FCVTZS/ZU, SCVTF/UCVTF with #fbits."""
    sf, t = bits(r, 1), ftype(r)
    rmode, opcode = r.choice([(3, 0), (3, 1), (0, 2), (0, 3)])
    scale = r.randrange(32, 64) if sf == 0 else bits(r, 6)     # scale < 32 with sf = 0 is unallocated
    to_fp = opcode in (2, 3)
    rn = reg(r) if to_fp else vr(r)
    rd = vr(r) if to_fp else reg(r)
    return Inst(sf << 31 | 0b0011110 << 24 | t << 22 | rmode << 19 | opcode << 16 | scale << 10 | rn << 5 | rd,
                profile=FTYPE_PROFILE[t])


# --- Advanced SIMD (vector) -------------------------------------------------------------------

def three_same(r):
    q, u, size, opcode = bits(r, 1), bits(r, 1), bits(r, 2), bits(r, 5)
    prof = sz_profile(size & 1) if opcode >= 0b11000 else PROFILE_MIXED
    return Inst(q << 30 | u << 29 | 0b01110 << 24 | size << 22 | 1 << 21 | vr(r) << 16 | opcode << 11 | 1 << 10
                | vr(r) << 5 | vr(r), profile=prof)


def three_different(r):
    q, u, opcode = bits(r, 1), bits(r, 1), r.randrange(15)
    size = 3 if opcode == 0b1110 and r.random() < 0.3 else r.randrange(3)   # PMULL 1Q: size 11
    return Inst(q << 30 | u << 29 | 0b01110 << 24 | size << 22 | 1 << 21 | vr(r) << 16 | opcode << 12
                | vr(r) << 5 | vr(r))


def two_misc(r):
    q, u, size, opcode = bits(r, 1), bits(r, 1), bits(r, 2), bits(r, 5)
    prof = sz_profile(size & 1) if opcode >= 0b01100 else PROFILE_MIXED
    return Inst(q << 30 | u << 29 | 0b01110 << 24 | size << 22 | 0b10000 << 17 | opcode << 12 | 0b10 << 10
                | vr(r) << 5 | vr(r), profile=prof)


def across(r):
    # SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV, ADDV, FMAXNMV/FMINNMV, FMAXV/FMINV.
    q, u, size = bits(r, 1), bits(r, 1), bits(r, 2)
    opcode = r.choice([0b00011, 0b01010, 0b11010, 0b11011, 0b01100, 0b01111])
    prof = PROFILE_S if opcode in (0b01100, 0b01111) else PROFILE_MIXED
    return Inst(q << 30 | u << 29 | 0b01110 << 24 | size << 22 | 0b11000 << 17 | opcode << 12 | 0b10 << 10
                | vr(r) << 5 | vr(r), profile=prof)


def copy(r):
    # DUP (element), DUP (general), SMOV, UMOV, INS (general), INS (element).
    q = bits(r, 1)
    imm5 = r.choice([1, 2, 4, 8]) * (1 + 2 * bits(r, 4)) & 31 or 1
    op, imm4 = r.choice([(0, 0), (0, 1), (0, 5), (0, 7), (0, 3), (1, None)])
    if op == 1:
        q, imm4 = 1, bits(r, 4)
    elif imm4 == 3:
        q = 1
    gp_src = op == 0 and imm4 in (1, 3)
    gp_dst = op == 0 and imm4 in (5, 7)
    rn = reg(r) if gp_src else vr(r)
    rd = reg(r) if gp_dst else vr(r)
    return Inst(q << 30 | op << 29 | 0b01110000 << 21 | imm5 << 16 | imm4 << 11 | 1 << 10 | rn << 5 | rd)


def modified_imm(r):
    # MOVI, MVNI, ORR, BIC (vector, immediate), FMOV (vector, immediate); o2 = 0.
    q, op, cmode, abc, defgh = bits(r, 1), bits(r, 1), bits(r, 4), bits(r, 3), bits(r, 5)
    return Inst(q << 30 | op << 29 | 0b0111100000 << 19 | abc << 16 | cmode << 12 | 1 << 10 | defgh << 5 | vr(r))


SHIFT_OPCODES = [0b00000, 0b00010, 0b00100, 0b00110, 0b01000, 0b01010, 0b01100, 0b01110, 0b10000, 0b10001,
                 0b10010, 0b10011, 0b10100, 0b11100, 0b11111]


def shift_imm(r):
    q, u = bits(r, 1), bits(r, 1)
    immh = r.randrange(1, 16)
    opcode = r.choice(SHIFT_OPCODES)
    prof = (PROFILE_D if immh & 8 else PROFILE_S) if opcode in (0b11100, 0b11111) else PROFILE_MIXED
    return Inst(q << 30 | u << 29 | 0b011110 << 23 | immh << 19 | bits(r, 3) << 16 | opcode << 11 | 1 << 10
                | vr(r) << 5 | vr(r), profile=prof)


def by_element(r):
    q, u, size, opcode = bits(r, 1), bits(r, 1), bits(r, 2), bits(r, 4)
    prof = sz_profile(size & 1) if opcode in (0b0001, 0b0101, 0b1001) else PROFILE_MIXED
    return Inst(q << 30 | u << 29 | 0b01111 << 24 | size << 22 | bits(r, 2) << 20 | vr(r) << 16 | opcode << 12
                | bits(r, 1) << 11 | vr(r) << 5 | vr(r), profile=prof)


def permute(r):
    # UZP1, TRN1, ZIP1, UZP2, TRN2, ZIP2.
    q, size, opcode = bits(r, 1), bits(r, 2), r.choice([1, 2, 3, 5, 6, 7])
    return Inst(q << 30 | 0b001110 << 24 | size << 22 | vr(r) << 16 | opcode << 12 | 0b10 << 10 | vr(r) << 5 | vr(r))


def extract(r):
    q = bits(r, 1)
    imm4 = bits(r, 4) if q else bits(r, 3)
    return Inst(q << 30 | 0b101110 << 24 | vr(r) << 16 | imm4 << 11 | vr(r) << 5 | vr(r))


def table(r):
    # TBL, TBX with 1-4 table registers (which wrap from V31 to V0).
    q, length, op = bits(r, 1), bits(r, 2), bits(r, 1)
    prof = PROFILE_INDEX if r.random() < 0.5 else PROFILE_MIXED
    return Inst(q << 30 | 0b001110 << 24 | vr(r) << 16 | length << 13 | op << 12 | vr(r) << 5 | vr(r), profile=prof)


# --- Advanced SIMD (scalar) -------------------------------------------------------------------

SCALAR = 0b01 << 30 | 0b11110 << 24


def scalar_three_same(r):
    u, size, opcode = bits(r, 1), bits(r, 2), bits(r, 5)
    prof = sz_profile(size & 1) if opcode >= 0b11000 else PROFILE_MIXED
    return Inst(SCALAR | u << 29 | size << 22 | 1 << 21 | vr(r) << 16 | opcode << 11 | 1 << 10 | vr(r) << 5 | vr(r),
                profile=prof)


def scalar_two_misc(r):
    u, size, opcode = bits(r, 1), bits(r, 2), bits(r, 5)
    prof = sz_profile(size & 1) if opcode >= 0b01100 else PROFILE_MIXED
    return Inst(SCALAR | u << 29 | size << 22 | 0b10000 << 17 | opcode << 12 | 0b10 << 10 | vr(r) << 5 | vr(r),
                profile=prof)


def scalar_pairwise(r):
    # ADDP; FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP.
    u, size = bits(r, 1), bits(r, 2)
    opcode = r.choice([0b11011, 0b01100, 0b01101, 0b01111])
    prof = sz_profile(size & 1) if opcode != 0b11011 else PROFILE_MIXED
    return Inst(SCALAR | u << 29 | size << 22 | 0b11000 << 17 | opcode << 12 | 0b10 << 10 | vr(r) << 5 | vr(r),
                profile=prof)


def scalar_copy(r):
    # DUP (element), scalar form (MOV Vd, Vn.T[i]).
    imm5 = r.choice([1, 2, 4, 8]) * (1 + 2 * bits(r, 4)) & 31 or 1
    return Inst(SCALAR | 0b0000 << 21 | imm5 << 16 | 1 << 10 | vr(r) << 5 | vr(r))


def scalar_shift(r):
    u = bits(r, 1)
    immh = r.randrange(1, 16)
    opcode = r.choice(SHIFT_OPCODES)
    prof = (PROFILE_D if immh & 8 else PROFILE_S) if opcode in (0b11100, 0b11111) else PROFILE_MIXED
    return Inst(0b01 << 30 | u << 29 | 0b111110 << 23 | immh << 19 | bits(r, 3) << 16 | opcode << 11 | 1 << 10
                | vr(r) << 5 | vr(r), profile=prof)


def scalar_by_element(r):
    u, size, opcode = bits(r, 1), bits(r, 2), bits(r, 4)
    prof = sz_profile(size & 1) if opcode in (0b0001, 0b0101, 0b1001) else PROFILE_MIXED
    return Inst(0b01 << 30 | u << 29 | 0b11111 << 24 | size << 22 | bits(r, 2) << 20 | vr(r) << 16 | opcode << 12
                | bits(r, 1) << 11 | vr(r) << 5 | vr(r), profile=prof)


def scalar_three_different(r):
    # SQDMLAL, SQDMLSL, SQDMULL (scalar).
    size, opcode = r.choice([1, 2]), r.choice([0b1001, 0b1011, 0b1101])
    return Inst(SCALAR | size << 22 | 1 << 21 | vr(r) << 16 | opcode << 12 | vr(r) << 5 | vr(r))


# --- SIMD&FP loads and stores -----------------------------------------------------------------

def simd_size_opc(r):
    """(size, opc, bytes): B, H, S, D (opc 00 store, 01 load) or Q (size 00, opc 10/11)."""
    if r.random() < 0.25:
        return 0, 2 | bits(r, 1), 16
    size = bits(r, 2)
    return size, bits(r, 1), 1 << size


def simd_imm9(r, mode):
    """STUR/LDUR (mode 00), post-indexed (01), pre-indexed (11) of B/H/S/D/Q."""
    size, opc, nbytes = simd_size_opc(r)
    n = reg(r)
    imm9 = bits(r, 9)
    word = size << 30 | 0b111100 << 24 | opc << 22 | imm9 << 12 | mode << 10 | n << 5 | vr(r)
    return Inst(word, Mem("imm", n=n, imm=sext(imm9, 9), size=nbytes, post=mode == 0b01))


def simd_uimm(r):
    size, opc, nbytes = simd_size_opc(r)
    n = reg(r)
    imm12 = bits(r, 12)
    word = size << 30 | 0b111101 << 24 | opc << 22 | imm12 << 10 | n << 5 | vr(r)
    return Inst(word, Mem("imm", n=n, imm=imm12 * nbytes, size=nbytes))


def simd_regoff(r):
    size, opc, nbytes = simd_size_opc(r)
    n, m = reg(r), reg(r)
    option = r.choice([0b010, 0b011, 0b110, 0b111])
    s = bits(r, 1)
    word = size << 30 | 0b111100 << 24 | opc << 22 | 1 << 21 | m << 16 | option << 13 | s << 12 | 0b10 << 10 | n << 5 | vr(r)
    shift = nbytes.bit_length() - 1 if s else 0
    return Inst(word, Mem("reg", n=n, m=m, option=option, shift=shift, size=nbytes))


def simd_pair(r, mode):
    """STNP/LDNP (mode 00), post-indexed (01), signed offset (10), pre-indexed (11) of S/D/Q."""
    opc, load = r.randrange(3), bits(r, 1)
    n, t, t2 = reg(r), vr(r), vr(r)
    if load and t == t2:
        return CU   # Unpredictable_LDPOVERLAP
    scale = 2 + opc
    imm7 = bits(r, 7)
    word = opc << 30 | 0b1011 << 26 | mode << 23 | load << 22 | imm7 << 15 | t2 << 10 | n << 5 | t
    return Inst(word, Mem("imm", n=n, imm=sext(imm7, 7) << scale, size=1 << scale, count=2, post=mode == 0b01))


def simd_literal(r):
    opc = r.randrange(3)
    imm19 = bits(r, 19)
    return Inst(opc << 30 | 0b011100 << 24 | imm19 << 5 | vr(r),
                Mem("literal", imm=sext(imm19, 19) * 4, size=4 << opc))


MULTIPLE = {0b0000: 4, 0b0010: 4, 0b0100: 3, 0b0110: 3, 0b0111: 1, 0b1000: 2, 0b1010: 2}


def ls_multiple(r, post):
    """LD1-LD4/ST1-ST4 (multiple structures), offset or post-indexed (Rm = 31: by the size)."""
    q, load, size = bits(r, 1), bits(r, 1), bits(r, 2)
    opcode = r.choice(sorted(MULTIPLE))
    n = reg(r)
    total = MULTIPLE[opcode] * (16 if q else 8)
    word = q << 30 | 0b0011000 << 23 | post << 23 | load << 22 | opcode << 12 | size << 10 | n << 5 | vr(r)
    if post:
        word |= (31 if r.random() < 0.4 else reg(r)) << 16
    esize = 1 << size
    return Inst(word, Mem("imm", n=n, size=esize, count=total // esize, post=bool(post)))


def ls_single(r, post, replicate=False):
    """LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R, offset or post-indexed."""
    q, load, rbit = bits(r, 1), bits(r, 1), bits(r, 1)
    if replicate:
        load, opcode, s, size = 1, 0b110 | bits(r, 1), 0, bits(r, 2)
        esize = 1 << size
    else:
        scale = r.randrange(3)
        opcode = scale << 1 | bits(r, 1)
        s = bits(r, 1)
        if scale == 0:
            size, esize = bits(r, 2), 1
        elif scale == 1:
            size, esize = bits(r, 1) << 1, 2
        elif r.random() < 0.5:
            size, esize = 0, 4
        else:
            size, s, esize = 1, 0, 8
    selem = ((opcode & 1) << 1 | rbit) + 1
    n = reg(r)
    word = q << 30 | 0b0011010 << 23 | post << 23 | load << 22 | rbit << 21 | opcode << 13 | s << 12 | size << 10 | n << 5 | vr(r)
    if post:
        word |= (31 if r.random() < 0.4 else reg(r)) << 16
    return Inst(word, Mem("imm", n=n, size=esize, count=selem, post=bool(post)))


# --- CRC32 and the cryptographic extension ----------------------------------------------------

def crc32(r):
    # CRC32B/H/W/X, CRC32CB/H/W/X: sf = 1 exactly for the X forms.
    sz = bits(r, 2)
    sf = 1 if sz == 3 else 0
    return Inst(sf << 31 | 0b11010110 << 21 | reg(r) << 16 | 0b010 << 13 | bits(r, 1) << 12 | sz << 10
                | reg(r) << 5 | reg(r))


def aes(r):
    # AESE, AESD, AESMC, AESIMC.
    return Inst(0b01001110 << 24 | 0b10100 << 17 | r.randrange(4, 8) << 12 | 0b10 << 10 | vr(r) << 5 | vr(r))


def sha3(r):
    # SHA1C, SHA1P, SHA1M, SHA1SU0, SHA256H, SHA256H2, SHA256SU1.
    return Inst(0b01011110 << 24 | vr(r) << 16 | r.randrange(7) << 12 | vr(r) << 5 | vr(r))


def sha2(r):
    # SHA1H, SHA1SU1, SHA256SU0.
    return Inst(0b01011110 << 24 | 0b10100 << 17 | r.randrange(3) << 12 | 0b10 << 10 | vr(r) << 5 | vr(r))


# id, name, Arm ARM C4.1 class, generator, default vector count.
GROUPS = [
    (37, "fp.dp1", "FP data-processing (1 source): FMOV, FABS, FNEG, FSQRT, FCVT, FRINT*", fp_dp1, 12000),
    (38, "fp.dp2", "FP data-processing (2 source)", fp_dp2, 16000),
    (39, "fp.dp3", "FP data-processing (3 source): FMADD, FMSUB, FNMADD, FNMSUB", fp_dp3, 12000),
    (40, "fp.compare", "FP compare: FCMP, FCMPE", fp_compare, 8000),
    (41, "fp.ccmp", "FP conditional compare: FCCMP, FCCMPE", fp_ccmp, 6000),
    (42, "fp.csel", "FP conditional select", fp_csel, 4000),
    (43, "fp.imm", "FP immediate: FMOV (scalar, immediate)", fp_imm, 3000),
    (44, "fp.int", "Conversion between FP and integer, FMOV (general)", fp_int, 18000),
    (45, "fp.fixed", "Conversion between FP and fixed-point", fp_fixed, 10000),
    (46, "asimd.three.same", "Advanced SIMD three same", three_same, 48000),
    (47, "asimd.three.diff", "Advanced SIMD three different", three_different, 18000),
    (48, "asimd.twomisc", "Advanced SIMD two-register miscellaneous", two_misc, 36000),
    (49, "asimd.across", "Advanced SIMD across lanes", across, 6000),
    (50, "asimd.copy", "Advanced SIMD copy: DUP, INS, SMOV, UMOV", copy, 8000),
    (51, "asimd.modimm", "Advanced SIMD modified immediate", modified_imm, 6000),
    (52, "asimd.shift", "Advanced SIMD shift by immediate", shift_imm, 22000),
    (53, "asimd.element", "Advanced SIMD vector x indexed element", by_element, 16000),
    (54, "asimd.permute", "Advanced SIMD permute: UZP, TRN, ZIP", permute, 4000),
    (55, "asimd.extract", "Advanced SIMD extract: EXT", extract, 3000),
    (56, "asimd.table", "Advanced SIMD table lookup: TBL, TBX", table, 6000),
    (57, "asimd.scalar.three.same", "Advanced SIMD scalar three same", scalar_three_same, 18000),
    (58, "asimd.scalar.twomisc", "Advanced SIMD scalar two-register miscellaneous", scalar_two_misc, 18000),
    (59, "asimd.scalar.pairwise", "Advanced SIMD scalar pairwise", scalar_pairwise, 4000),
    (60, "asimd.scalar.copy", "Advanced SIMD scalar copy: DUP (element)", scalar_copy, 2000),
    (61, "asimd.scalar.shift", "Advanced SIMD scalar shift by immediate", scalar_shift, 12000),
    (62, "asimd.scalar.element", "Advanced SIMD scalar x indexed element", scalar_by_element, 8000),
    (63, "asimd.scalar.three.diff", "Advanced SIMD scalar three different", scalar_three_different, 4000),
    (64, "simdls.unscaled", "SIMD&FP load/store register (unscaled immediate)", lambda r: simd_imm9(r, 0b00), 6000),
    (65, "simdls.post", "SIMD&FP load/store register (immediate post-indexed)", lambda r: simd_imm9(r, 0b01), 6000),
    (66, "simdls.pre", "SIMD&FP load/store register (immediate pre-indexed)", lambda r: simd_imm9(r, 0b11), 6000),
    (67, "simdls.regoff", "SIMD&FP load/store register (register offset)", simd_regoff, 6000),
    (68, "simdls.uimm", "SIMD&FP load/store register (unsigned immediate)", simd_uimm, 6000),
    (69, "simdls.pair.nontemporal", "SIMD&FP load/store no-allocate pair (offset)", lambda r: simd_pair(r, 0b00), 5000),
    (70, "simdls.pair.post", "SIMD&FP load/store register pair (post-indexed)", lambda r: simd_pair(r, 0b01), 5000),
    (71, "simdls.pair.offset", "SIMD&FP load/store register pair (offset)", lambda r: simd_pair(r, 0b10), 5000),
    (72, "simdls.pair.pre", "SIMD&FP load/store register pair (pre-indexed)", lambda r: simd_pair(r, 0b11), 5000),
    (73, "simdls.literal", "SIMD&FP load register (literal)", simd_literal, 3000),
    (74, "simdls.multiple", "Advanced SIMD load/store multiple structures", lambda r: ls_multiple(r, 0), 9000),
    (75, "simdls.multiple.post", "Advanced SIMD load/store multiple structures (post-indexed)",
     lambda r: ls_multiple(r, 1), 9000),
    (76, "simdls.single", "Advanced SIMD load/store single structure", lambda r: ls_single(r, 0), 9000),
    (77, "simdls.single.post", "Advanced SIMD load/store single structure (post-indexed)",
     lambda r: ls_single(r, 1), 9000),
    (78, "simdls.replicate", "Advanced SIMD load single structure and replicate: LD1R-LD4R (+post-index)",
     lambda r: ls_single(r, bits(r, 1), replicate=True), 5000),
    (79, "crc32", "Data-processing (2 source): CRC32B/H/W/X, CRC32CB/H/W/X", crc32, 5000),
    (80, "crypto.aes", "Cryptographic AES: AESE, AESD, AESMC, AESIMC", aes, 4000),
    (81, "crypto.sha3reg", "Cryptographic three-register SHA", sha3, 6000),
    (82, "crypto.sha2reg", "Cryptographic two-register SHA", sha2, 3000),
]

BRANCH_GROUPS = set()
