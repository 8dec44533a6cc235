"""Reader and writer of the reference-vector file (format described in README.md)."""

import os
import struct

# Where the committed vectors live.
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                            "Tests", "ARMCoreTests", "Vectors", "a64-integer.bin")

MAGIC = b"A64RVEC\0"
FORMAT_VERSION = 1


class Vector:
    __slots__ = ("group", "word", "seed", "init", "regs", "pc", "nzcv", "mem")

    def __init__(self, group, word, seed, init, regs, pc, nzcv, mem):
        self.group = group      # group id
        self.word = word        # the instruction, 32 bits
        self.seed = seed        # 64-bit seed of the initial state (refstate.State)
        self.init = init        # [(reg id, value)]: initial-state overrides (0-30 X, 31 SP, 32 PC)
        self.regs = regs        # [(reg id, value)]: final registers that differ (0-30 X, 31 SP)
        self.pc = pc            # final PC
        self.nzcv = nzcv        # final NZCV in bits 31..28
        self.mem = mem          # [(window offset, byte)]: window bytes that differ after the step


class Header:
    def __init__(self, layout, unicorn, cpu, args, groups):
        self.layout = layout    # (ram base, ram size, window base, window size)
        self.unicorn = unicorn  # e.g. "unicorn 2.1.4"
        self.cpu = cpu          # e.g. "cortex-a57"
        self.args = args        # the generator's arguments, for the record
        self.groups = groups    # [(id, name)]


def _string(s):
    b = s.encode()
    assert len(b) < 256
    return struct.pack("<B", len(b)) + b


def write(path, header, vectors):
    out = bytearray()
    out += MAGIC
    out += struct.pack("<HHI", FORMAT_VERSION, 0, len(vectors))
    out += struct.pack("<QQQQ", *header.layout)
    out += _string(header.unicorn) + _string(header.cpu) + _string(header.args)
    out += struct.pack("<B", len(header.groups))
    for gid, name in header.groups:
        out += struct.pack("<B", gid) + _string(name)
    for v in vectors:
        out += struct.pack("<BIQ", v.group, v.word, v.seed)
        out += struct.pack("<B", len(v.init))
        for r, x in v.init:
            out += struct.pack("<BQ", r, x)
        out += struct.pack("<B", len(v.regs))
        for r, x in v.regs:
            out += struct.pack("<BQ", r, x)
        out += struct.pack("<QB", v.pc, v.nzcv >> 28)
        out += struct.pack("<H", len(v.mem))
        for off, b in v.mem:
            out += struct.pack("<HB", off, b)
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
    version, _, count = take("<HHI")
    if version != FORMAT_VERSION:
        raise ValueError(f"{path}: format version {version}, this reader knows {FORMAT_VERSION}")
    layout = take("<QQQQ")
    unicorn, cpu, args = string(), string(), string()
    (ngroups,) = take("<B")
    groups = []
    for _ in range(ngroups):
        (gid,) = take("<B")
        groups.append((gid, string()))
    vectors = []
    for _ in range(count):
        group, word, seed = take("<BIQ")
        (n,) = take("<B")
        init = [take("<BQ") for _ in range(n)]
        (n,) = take("<B")
        regs = [take("<BQ") for _ in range(n)]
        pc, nzcv = take("<QB")
        (n,) = take("<H")
        mem = [take("<HB") for _ in range(n)]
        vectors.append(Vector(group, word, seed, init, regs, pc, nzcv << 28, mem))
    if pos != len(data):
        raise ValueError(f"{path}: {len(data) - pos} trailing bytes")
    return Header(layout, unicorn, cpu, args, groups), vectors
