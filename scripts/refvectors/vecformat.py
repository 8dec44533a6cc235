"""Reader and writer of the reference-vector files (format described in README.md).

Version 3 holds A32 vectors (record kind 1 in the header's second field, which version 2
reserves): 32-bit registers R0-R14, PC, NZCV, Q, GE, T and the window; see Vector32. The A64
files stay at version 2, and this module reads both.

Version 2 adds the FP/SIMD state (V0-V31, FPCR, FPSR, derived from the seed like the general
registers; the final V registers and FPSR that differ) and packs the rest more tightly than
version 1: a flags byte says which optional parts follow, the final PC is stored only when it
is not the next instruction's, and changed memory is stored as runs of bytes.

Version 3 also holds T32 vectors (record kind 2: the A32 record, the instruction in T32's
form, see t32_halfwords), VFP vectors (record kind 3: the A32 record plus a mode byte, the
final FPSCR and the D registers that changed), Advanced SIMD vectors (kind 4, as 3) and integer
vectors in either instruction set (kind 5: the A32 record plus the mode byte, no FP state; the
CRC32 set); see encode_vector32.
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VECTOR_DIR = os.path.join(HERE, "..", "..", "Tests", "ARMCoreTests", "Vectors")
# The committed files: one per instruction set, each regenerable on its own.
FILES = {"integer": os.path.join(VECTOR_DIR, "a64-integer.bin"),
         "fpsimd": os.path.join(VECTOR_DIR, "a64-fpsimd.bin"),
         "a32": os.path.join(VECTOR_DIR, "a32-integer.bin"),
         "t32": os.path.join(VECTOR_DIR, "t32-integer.bin"),
         "vfp": os.path.join(VECTOR_DIR, "a32-vfp.bin"),
         "neon": os.path.join(VECTOR_DIR, "a32-neon.bin"),
         "crc": os.path.join(VECTOR_DIR, "a32-crc.bin")}
DEFAULT_PATH = FILES["integer"]

MAGIC = b"A64RVEC\0"
FORMAT_VERSION = 2          # A64 records
A32_FORMAT_VERSION = 3      # A32 records
KIND_A64, KIND_A32 = 0, 1   # the header's second field: reserved (0) in version 2
KIND_T32, KIND_VFP = 2, 3   # version 3 as well: T32, and VFP (A32 or T32)
KIND_NEON = 4               # Advanced SIMD: the VFP record
KIND_A32T32 = 5             # A32 or T32 (the mode byte says which): the A32 record plus the mode byte
FP_KINDS = (KIND_VFP, KIND_NEON)
MODE_KINDS = (KIND_VFP, KIND_NEON, KIND_A32T32)     # records with the mode byte
A32_KINDS = (KIND_A32, KIND_T32, KIND_VFP, KIND_NEON, KIND_A32T32)

# Flags byte of a vector: bits 3..0 are the final NZCV.
F_PC = 0x10       # the final PC follows (otherwise it is the initial PC + 4)
F_FPSR = 0x20     # the final FPSR follows (otherwise it equals the initial FPSR)
F_MEM = 0x40      # runs of changed window bytes follow
F_V = 0x80        # changed V registers follow
V_HIGH_ZERO = 0x80   # in a V register's id byte: bits 127..64 are zero, only the low 64 follow
# Flags byte of an A32 vector (version 3): bits 3..0 the final NZCV, F_PC and F_MEM as above, and
F_PSR = 0x20      # the final PSR byte follows (otherwise Q, GE and T are unchanged)
F_D = 0x80        # VFP records: changed D registers follow
MODE_T32 = 0x01   # VFP records, mode byte: bit 0 T32 state; bits 7:4 the D registers' profile
PSR_Q, PSR_T = 0x10, 0x20   # in the PSR byte: bits 3..0 GE, 0x10 Q, 0x20 T


class Vector:
    __slots__ = ("group", "word", "seed", "profile", "init", "regs", "pc", "nzcv", "mem", "v", "fpsr")

    def __init__(self, group, word, seed, init, regs, pc, nzcv, mem, profile=0, v=(), fpsr=None):
        self.group = group      # group id
        self.word = word        # the instruction, 32 bits
        self.seed = seed        # 64-bit seed of the initial state (refstate.State)
        self.profile = profile  # FP lane profile of the V registers (refstate.PROFILE_*)
        self.init = init        # [(reg id, value)]: initial-state overrides (0-30 X, 31 SP, 32 PC)
        self.regs = regs        # [(reg id, value)]: final registers that differ (0-30 X, 31 SP)
        self.pc = pc            # final PC, or None: the initial PC + 4
        self.nzcv = nzcv        # final NZCV in bits 31..28
        self.mem = mem          # [(window offset, byte)]: window bytes that differ after the step
        self.v = list(v)        # [(V register number, 128-bit value)]: final V registers that differ
        self.fpsr = fpsr        # final FPSR, or None: unchanged


def t32_halfwords(word):
    """A T32 instruction as stored: a 16-bit one in bits 15:0 (bits 31:16 zero), a 32-bit one
    as hw1 << 16 | hw2. A 32-bit instruction's hw1 is at least 0xE800, so the two never meet."""
    return [word >> 16, word & 0xFFFF] if word >> 16 else [word]


class Vector32:
    """An A32, T32 or VFP vector (format version 3)."""
    __slots__ = ("group", "word", "seed", "init", "regs", "pc", "nzcv", "psr", "mem", "mode", "fpscr", "d")

    def __init__(self, group, word, seed, init, regs, pc, nzcv, psr, mem, mode=0, fpscr=0, d=()):
        self.mode = mode        # VFP: MODE_T32 | profile << 4
        self.fpscr = fpscr      # VFP: the final FPSCR
        self.d = list(d)        # VFP: [(n, value)] final D registers that differ
        self.group = group      # group id
        self.word = word        # the A32 instruction
        self.seed = seed        # 64-bit seed of the initial state (refstate32.State32)
        self.init = init        # [(reg id, value)]: initial-state overrides (0-14 R0-R14, 15 PC)
        self.regs = regs        # [(reg id, value)]: final R0-R14 that differ
        self.pc = pc            # final PC, or None: the initial PC + 4
        self.nzcv = nzcv        # final NZCV in bits 31..28
        self.psr = psr          # final GE | Q << 4 | T << 5, or None: Q, GE, T unchanged
        self.mem = mem          # [(window offset, byte)]: window bytes that differ after the step


class Header:
    def __init__(self, layout, unicorn, cpu, args, groups, kind=KIND_A64):
        self.kind = kind        # KIND_A64 (version 2) or KIND_A32 (version 3)
        self.layout = layout    # (ram base, ram size, window base, window size)
        self.unicorn = unicorn  # e.g. "unicorn 2.1.4"
        self.cpu = cpu          # e.g. "cortex-a57"
        self.args = args        # the generator's arguments, for the record
        self.groups = groups    # [(id, name)]


def _string(s):
    b = s.encode()
    assert len(b) < 256
    return struct.pack("<B", len(b)) + b


def runs(mem):
    """[(offset, byte)] sorted by offset -> [(offset, bytes)]: runs of consecutive offsets, at
    most 255 bytes each."""
    out = []
    for off, b in mem:
        if out and out[-1][0] + len(out[-1][1]) == off and len(out[-1][1]) < 255:
            out[-1][1].append(b)
        else:
            out.append((off, bytearray([b])))
    return out


def encode_vector(v):
    out = bytearray()
    out += struct.pack("<BIQB", v.group, v.word, v.seed, v.profile)
    out += struct.pack("<B", len(v.init))
    for r, x in v.init:
        out += struct.pack("<BQ", r, x)
    out += struct.pack("<B", len(v.regs))
    for r, x in v.regs:
        out += struct.pack("<BQ", r, x)
    flags = (v.nzcv >> 28) & 0xF
    flags |= F_PC if v.pc is not None else 0
    flags |= F_FPSR if v.fpsr is not None else 0
    flags |= F_MEM if v.mem else 0
    flags |= F_V if v.v else 0
    out += struct.pack("<B", flags)
    if v.pc is not None:
        out += struct.pack("<Q", v.pc)
    if v.fpsr is not None:
        out += struct.pack("<I", v.fpsr)
    if v.mem:
        rs = runs(sorted(v.mem))
        assert len(rs) < 256
        out += struct.pack("<B", len(rs))
        for off, bs in rs:
            out += struct.pack("<HB", off, len(bs)) + bytes(bs)
    if v.v:
        out += struct.pack("<B", len(v.v))
        for n, x in v.v:
            low, high = x & (2**64 - 1), x >> 64
            if high == 0:
                out += struct.pack("<BQ", n | V_HIGH_ZERO, low)
            else:
                out += struct.pack("<BQQ", n, low, high)
    return bytes(out)


def _mem_runs(mem):
    out = bytearray()
    rs = runs(sorted(mem))
    assert len(rs) < 256
    out += struct.pack("<B", len(rs))
    for off, bs in rs:
        out += struct.pack("<HB", off, len(bs)) + bytes(bs)
    return out


def encode_vector32(v, kind=KIND_A32):
    """Kinds 1 and 2: group, word, seed, overrides, registers, flags, [PC], [PSR], [memory].
    Kinds 3 and 4 add the mode byte after the seed, and after the memory the final FPSCR (u32) and,
    with F_D, the changed D registers: count, then (n, u64). Kind 5 adds the mode byte only."""
    out = bytearray()
    out += struct.pack("<BIQ", v.group, v.word, v.seed)
    if kind in MODE_KINDS:
        out += struct.pack("<B", v.mode)
    out += struct.pack("<B", len(v.init))
    for r, x in v.init:
        out += struct.pack("<BI", r, x)
    out += struct.pack("<B", len(v.regs))
    for r, x in v.regs:
        out += struct.pack("<BI", r, x)
    flags = (v.nzcv >> 28) & 0xF
    flags |= F_PC if v.pc is not None else 0
    flags |= F_PSR if v.psr is not None else 0
    flags |= F_MEM if v.mem else 0
    flags |= F_D if v.d else 0
    out += struct.pack("<B", flags)
    if v.pc is not None:
        out += struct.pack("<I", v.pc)
    if v.psr is not None:
        out += struct.pack("<B", v.psr)
    if v.mem:
        out += _mem_runs(v.mem)
    if kind in FP_KINDS:
        out += struct.pack("<I", v.fpscr)
        if v.d:
            out += struct.pack("<B", len(v.d))
            for n, x in v.d:
                out += struct.pack("<BQ", n, x)
    else:
        assert not v.d
    return bytes(out)


def write(path, header, vectors, encoded=None):
    """Write the file; `encoded` may give the vectors already passed through encode_vector
    (encode_vector32 for an A32 file)."""
    out = bytearray()
    out += MAGIC
    version = A32_FORMAT_VERSION if header.kind in A32_KINDS else FORMAT_VERSION
    out += struct.pack("<HHI", version, header.kind, len(vectors))
    out += struct.pack("<QQQQ", *header.layout)
    out += _string(header.unicorn) + _string(header.cpu) + _string(header.args)
    out += struct.pack("<B", len(header.groups))
    for gid, name in header.groups:
        out += struct.pack("<B", gid) + _string(name)
    for k, v in enumerate(vectors):
        if encoded is not None:
            out += encoded[k]
        elif header.kind in A32_KINDS:
            out += encode_vector32(v, header.kind)
        else:
            out += encode_vector(v)
    with open(path, "wb") as f:
        f.write(out)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        vals = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return vals

    def string():
        nonlocal pos
        (n,) = take("<B")
        s = data[pos:pos + n].decode()
        pos += n
        return s

    if data[:8] != MAGIC:
        raise ValueError(f"{path}: not a reference-vector file")
    pos = 8
    version, kind, count = take("<HHI")
    if (version, kind) not in [(FORMAT_VERSION, KIND_A64)] + [(A32_FORMAT_VERSION, k) for k in A32_KINDS]:
        raise ValueError(f"{path}: format version {version} (record kind {kind}), this reader knows "
                         f"{FORMAT_VERSION} (A64) and {A32_FORMAT_VERSION} (A32, T32, VFP, Advanced SIMD, A32/T32)")
    layout = take("<QQQQ")
    unicorn, cpu, args = string(), string(), string()
    (ngroups,) = take("<B")
    groups = []
    for _ in range(ngroups):
        (gid,) = take("<B")
        groups.append((gid, string()))
    vectors = []

    def mem_runs():
        nonlocal pos
        mem = []
        (n,) = take("<B")
        for _ in range(n):
            off, ln = take("<HB")
            mem += [(off + k, data[pos + k]) for k in range(ln)]
            pos += ln
        return mem

    for _ in range(count if kind in A32_KINDS else 0):
        group, word, seed = take("<BIQ")
        mode = take("<B")[0] if kind in MODE_KINDS else 0
        (n,) = take("<B")
        init = [take("<BI") for _ in range(n)]
        (n,) = take("<B")
        regs = [take("<BI") for _ in range(n)]
        (flags,) = take("<B")
        pc = take("<I")[0] if flags & F_PC else None
        psr = take("<B")[0] if flags & F_PSR else None
        mem = mem_runs() if flags & F_MEM else []
        fpscr, d = 0, []
        if kind in FP_KINDS:
            (fpscr,) = take("<I")
            if flags & F_D:
                (n,) = take("<B")
                d = [take("<BQ") for _ in range(n)]
        vectors.append(Vector32(group, word, seed, init, regs, pc, (flags & 0xF) << 28, psr, mem, mode, fpscr, d))
    for _ in range(count if kind == KIND_A64 else 0):
        group, word, seed, profile = take("<BIQB")
        (n,) = take("<B")
        init = [take("<BQ") for _ in range(n)]
        (n,) = take("<B")
        regs = [take("<BQ") for _ in range(n)]
        (flags,) = take("<B")
        pc = take("<Q")[0] if flags & F_PC else None
        fpsr = take("<I")[0] if flags & F_FPSR else None
        mem = []
        if flags & F_MEM:
            (n,) = take("<B")
            for _ in range(n):
                off, ln = take("<HB")
                mem += [(off + k, data[pos + k]) for k in range(ln)]
                pos += ln
        vs = []
        if flags & F_V:
            (n,) = take("<B")
            for _ in range(n):
                (r,) = take("<B")
                if r & V_HIGH_ZERO:
                    vs.append((r & 31, take("<Q")[0]))
                else:
                    low, high = take("<QQ")
                    vs.append((r & 31, high << 64 | low))
        vectors.append(Vector(group, word, seed, init, regs, pc, (flags & 0xF) << 28, mem, profile, vs, fpsr))
    if pos != len(data):
        raise ValueError(f"{path}: {len(data) - pos} trailing bytes")
    return Header(layout, unicorn, cpu, args, groups, kind), vectors
