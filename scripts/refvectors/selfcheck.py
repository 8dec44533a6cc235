#!/usr/bin/env python3
"""Keep the generator honest: recompute vectors by hand, independently of Unicorn.

    python3 scripts/refvectors/selfcheck.py [FILE]          # needs no Unicorn
    python3 scripts/refvectors/selfcheck.py --unicorn       # also runs hand-made cases in Unicorn

1. For every vector, a small Python model written from the Arm ARM pseudocode (a third
   implementation, sharing nothing with Unicorn or armvm) recomputes the final state from the
   seed and compares it with what Unicorn recorded.
   Two FP/SIMD classes are recomputed as well (check_fp_file), which checks the V registers'
   lane order, FPCR and the window through the generator's harness.
2. With --unicorn, a few hand-written cases (add x0, x1, x2; adds; ldr; stp; bl; stxr ...) go
   through the generator's own Unicorn harness and are checked against values worked out here.
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import refstate       # noqa: E402
import vecformat      # noqa: E402
from refstate import MASK64, REG_SP, WINDOW_BASE  # noqa: E402


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def field(w, hi, lo):
    return (w >> lo) & ((1 << (hi - lo + 1)) - 1)


def add_with_carry(x, y, carry, n):
    """AddWithCarry() of the shared pseudocode: (result, nzcv in bits 31..28)."""
    mask = (1 << n) - 1
    x, y = x & mask, y & mask
    usum = x + y + carry
    ssum = sext(x, n) + sext(y, n) + carry
    result = usum & mask
    flags = (result >> (n - 1)) << 3 | (result == 0) << 2 | (usum != result) << 1 | (sext(result, n) != ssum)
    return result, flags << 28


def condition_holds(cond, nzcv):
    n, z, c, v = (nzcv >> 31) & 1, (nzcv >> 30) & 1, (nzcv >> 29) & 1, (nzcv >> 28) & 1
    r = [z, c, n, v, c and not z, n == v, n == v and not z, True][cond >> 1]
    return (not r) if (cond & 1 and cond != 15) else bool(r)


def shift_reg(x, kind, amount, n):
    mask = (1 << n) - 1
    x &= mask
    if kind == 0:
        return (x << amount) & mask
    if kind == 1:
        return x >> amount
    if kind == 2:
        return (sext(x, n) >> amount) & mask
    return ((x >> amount) | (x << (n - amount))) & mask


class Machine:
    """The initial state of a vector, and the final state the file claims."""

    def __init__(self, v):
        s = refstate.State(v.seed, profile=v.profile)
        for r, x in v.init:
            s.set_reg(r, x)
        self.s = s
        self.regs = s.x + [s.sp]
        self.pc, self.nzcv = s.pc, s.nzcv
        self.window = bytearray(s.window)

    def x(self, r, sp=False):
        if r == 31:
            return self.regs[REG_SP] if sp else 0
        return self.regs[r]

    def set_x(self, r, value, sp=False):
        if r == 31 and not sp:
            return
        self.regs[REG_SP if r == 31 else r] = value & MASK64

    def load(self, addr, size):
        off = addr - WINDOW_BASE
        assert 0 <= off and off + size <= len(self.window), hex(addr)
        return int.from_bytes(self.window[off:off + size], "little")

    def store(self, addr, size, value):
        off = addr - WINDOW_BASE
        assert 0 <= off and off + size <= len(self.window), hex(addr)
        self.window[off:off + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")

    def result(self):
        """(regs that changed, pc, nzcv, window bytes that changed), in the file's terms."""
        init = self.s.x + [self.s.sp]
        regs = [(i, v) for i, v in enumerate(self.regs) if v != init[i]]
        mem = [(k, b) for k, (a, b) in enumerate(zip(self.s.window, self.window)) if a != b]
        return regs, self.pc, self.nzcv, mem


def model(group, w, m):
    """Execute word `w` on machine `m` as the pseudocode says. Returns False when this model
    does not cover the word."""
    pc = m.pc
    m.pc = pc + 4
    if group == "branch.imm":
        if w >> 31:
            m.set_x(30, pc + 4)
        m.pc = (pc + sext(field(w, 25, 0), 26) * 4) & MASK64
    elif group == "branch.cond":
        if condition_holds(field(w, 3, 0), m.nzcv):
            m.pc = (pc + sext(field(w, 23, 5), 19) * 4) & MASK64
    elif group == "branch.cbz":
        v = m.x(field(w, 4, 0))
        if not w >> 31:
            v &= 0xFFFF_FFFF
        if (v == 0) != bool(field(w, 24, 24)):
            m.pc = (pc + sext(field(w, 23, 5), 19) * 4) & MASK64
    elif group == "branch.tbz":
        bit = field(w, 31, 31) << 5 | field(w, 23, 19)
        if ((m.x(field(w, 4, 0)) >> bit) & 1) == field(w, 24, 24):
            m.pc = (pc + sext(field(w, 18, 5), 14) * 4) & MASK64
    elif group == "branch.reg":
        target = m.x(field(w, 9, 5))
        if field(w, 22, 21) == 1:
            m.set_x(30, pc + 4)
        m.pc = target
    elif group == "dpimm.pcrel":
        imm = sext(field(w, 23, 5) << 2 | field(w, 30, 29), 21)
        m.set_x(field(w, 4, 0), ((pc & ~0xFFF) + (imm << 12)) if w >> 31 else pc + imm)
    elif group == "dpimm.movewide":
        sf, opc, pos = w >> 31, field(w, 30, 29), field(w, 22, 21) * 16
        n = 64 if sf else 32
        imm = field(w, 20, 5) << pos
        d = field(w, 4, 0)
        if opc == 0:
            v = ~imm
        elif opc == 2:
            v = imm
        else:
            v = (m.x(d) & ~(0xFFFF << pos)) | imm
        m.set_x(d, v & ((1 << n) - 1))
    elif group == "dpimm.addsub":
        sf, op, s = w >> 31, field(w, 30, 30), field(w, 29, 29)
        n = 64 if sf else 32
        imm = field(w, 21, 10) << (12 * field(w, 22, 22))
        x = m.x(field(w, 9, 5), sp=True)
        r, flags = add_with_carry(x, (~imm if op else imm), op, n)
        m.set_x(field(w, 4, 0), r, sp=not s)
        if s:
            m.nzcv = flags
    elif group == "dpreg.addsub.shifted":
        sf, op, s = w >> 31, field(w, 30, 30), field(w, 29, 29)
        n = 64 if sf else 32
        y = shift_reg(m.x(field(w, 20, 16)), field(w, 23, 22), field(w, 15, 10), n)
        r, flags = add_with_carry(m.x(field(w, 9, 5)), (~y if op else y), op, n)
        m.set_x(field(w, 4, 0), r)
        if s:
            m.nzcv = flags
    elif group == "dpreg.logical":
        sf, opc = w >> 31, field(w, 30, 29)
        n = 64 if sf else 32
        mask = (1 << n) - 1
        y = shift_reg(m.x(field(w, 20, 16)), field(w, 23, 22), field(w, 15, 10), n)
        if field(w, 21, 21):
            y = ~y & mask
        x = m.x(field(w, 9, 5)) & mask
        r = [x & y, x | y, x ^ y, x & y][opc]
        m.set_x(field(w, 4, 0), r)
        if opc == 3:
            m.nzcv = ((r >> (n - 1)) << 3 | (r == 0) << 2) << 28
    elif group.startswith("dp"):
        return model_dp(group, w, m)
    elif group == "system":
        t = field(w, 4, 0)
        if w & ~31 == 0xD53B4200:                              # MRS Xt, NZCV
            m.set_x(t, m.nzcv)
        elif w & ~31 == 0xD51B4200:                            # MSR NZCV, Xt
            m.nzcv = m.x(t) & 0xF000_0000
    elif field(w, 29, 24) == 0b001000:
        model_exclusive(w, m)
    elif field(w, 29, 27) == 0b101:
        model_pair(w, m)
    else:
        model_single(w, m, pc)
    return True


def decode_bit_masks(n, imms, immr, immediate, datasize):
    """DecodeBitMasks() of the shared pseudocode: (wmask, tmask)."""
    length = ((n << 6) | (~imms & 0x3F)).bit_length() - 1
    assert length >= 1
    levels = (1 << length) - 1
    assert not (immediate and (imms & levels) == levels)
    s, r = imms & levels, immr & levels
    diff = (s - r) & levels
    esize = 1 << length
    welem = (1 << (s + 1)) - 1
    telem = (1 << (diff + 1)) - 1
    welem = ((welem >> r) | (welem << (esize - r))) & ((1 << esize) - 1)   # ROR(welem, R)

    def replicate(e):
        v = 0
        for k in range(datasize // esize):
            v |= e << (k * esize)
        return v
    return replicate(welem), replicate(telem)


def extend_reg(x, option, shift, n):
    """ExtendReg(): UXTB..SXTX of x, shifted left, as an n-bit value."""
    width = [8, 16, 32, 64][option & 3]
    v = x & ((1 << width) - 1)
    if option & 4:
        v = sext(v, width)
    return (v << shift) & ((1 << n) - 1)


def ror(x, amount, n):
    amount %= n
    return ((x >> amount) | (x << (n - amount))) & ((1 << n) - 1)


def model_dp(group, w, m):
    sf = w >> 31
    n = 64 if sf else 32
    mask = (1 << n) - 1
    d, rn, rm = field(w, 4, 0), field(w, 9, 5), field(w, 20, 16)
    if group == "dpimm.logical":
        opc = field(w, 30, 29)
        imm, _ = decode_bit_masks(field(w, 22, 22), field(w, 15, 10), field(w, 21, 16), True, n)
        x = m.x(rn) & mask
        r = [x & imm, x | imm, x ^ imm, x & imm][opc]
        m.set_x(d, r, sp=opc != 3)
        if opc == 3:
            m.nzcv = ((r >> (n - 1)) << 3 | (r == 0) << 2) << 28
    elif group == "dpimm.bitfield":
        opc, immr, imms = field(w, 30, 29), field(w, 21, 16), field(w, 15, 10)
        wmask, tmask = decode_bit_masks(field(w, 22, 22), imms, immr, False, n)
        src = m.x(rn) & mask
        dst = (m.x(d) & mask) if opc == 1 else 0
        bot = (dst & ~wmask | ror(src, immr, n) & wmask) & mask
        top = mask if (opc == 0 and (src >> imms) & 1) else (dst if opc == 1 else 0)
        m.set_x(d, (top & ~tmask | bot & tmask) & mask)
    elif group == "dpimm.extract":
        lsb = field(w, 15, 10)
        concat = (m.x(rn) & mask) << n | (m.x(rm) & mask)
        m.set_x(d, (concat >> lsb) & mask)
    elif group == "dpreg.addsub.extended":
        op, s = field(w, 30, 30), field(w, 29, 29)
        y = extend_reg(m.x(rm), field(w, 15, 13), field(w, 12, 10), n)
        r, flags = add_with_carry(m.x(rn, sp=True), (~y if op else y), op, n)
        m.set_x(d, r, sp=not s)
        if s:
            m.nzcv = flags
    elif group == "dpreg.addsub.carry":
        op, s = field(w, 30, 30), field(w, 29, 29)
        y = m.x(rm)
        r, flags = add_with_carry(m.x(rn), (~y if op else y), (m.nzcv >> 29) & 1, n)
        m.set_x(d, r)
        if s:
            m.nzcv = flags
    elif group in ("dpreg.ccmp.reg", "dpreg.ccmp.imm"):
        op = field(w, 30, 30)
        y = rm if group == "dpreg.ccmp.imm" else m.x(rm)
        if condition_holds(field(w, 15, 12), m.nzcv):
            _, m.nzcv = add_with_carry(m.x(rn), (~y if op else y), op, n)
        else:
            m.nzcv = field(w, 3, 0) << 28
    elif group == "dpreg.csel":
        op, op2 = field(w, 30, 30), field(w, 10, 10)
        if condition_holds(field(w, 15, 12), m.nzcv):
            r = m.x(rn)
        else:
            r = m.x(rm)
            if op:
                r = ~r
            if op2:
                r += 1
        m.set_x(d, r & mask)
    elif group == "dpreg.1src":
        opcode = field(w, 15, 10)
        x = m.x(rn) & mask
        if opcode == 0:
            r = int(format(x, f"0{n}b")[::-1], 2)
        elif opcode in (1, 2, 3):
            container = {1: 16, 2: 32, 3: 64}[opcode]
            r = 0
            for c in range(0, n, container):
                part = (x >> c) & ((1 << container) - 1)
                r |= int.from_bytes(part.to_bytes(container // 8, "little"), "big") << c
        elif opcode == 4:
            r = n - x.bit_length()
        else:
            r = n - ((x ^ (x >> 1)) & (mask >> 1)).bit_length() - 1   # CLS
        m.set_x(d, r)
    elif group == "dpreg.2src":
        opcode = field(w, 15, 10)
        x, y = m.x(rn) & mask, m.x(rm) & mask
        if opcode == 2:
            r = x // y if y else 0
        elif opcode == 3:
            a, b = sext(x, n), sext(y, n)
            r = (abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)) & mask if b else 0
        else:
            r = shift_reg(x, opcode - 8, y % n, n)
        m.set_x(d, r)
    elif group == "dpreg.3src":
        op31, o0, ra = field(w, 23, 21), field(w, 15, 15), field(w, 14, 10)
        x, y, a = m.x(rn), m.x(rm), m.x(ra)
        if op31 == 0:
            prod = (x & mask) * (y & mask)
        elif op31 in (1, 2):
            prod = sext(x, 32 if op31 == 1 else 64) * sext(y, 32 if op31 == 1 else 64)
        else:
            prod = (x & (0xFFFF_FFFF if op31 == 5 else MASK64)) * (y & (0xFFFF_FFFF if op31 == 5 else MASK64))
        if op31 in (2, 6):
            r = (prod >> 64) & MASK64
        else:
            r = (a - prod if o0 else a + prod) & mask
        m.set_x(d, r)
    else:
        return False
    return True


def load_extend(v, nbytes, signed, to64):
    if signed:
        return sext(v, 8 * nbytes) & (MASK64 if to64 else 0xFFFF_FFFF)
    return v


def model_single(w, m, pc):
    """Load register (literal) and every load/store register form."""
    t, rn = field(w, 4, 0), field(w, 9, 5)
    if field(w, 29, 24) == 0b011000:                              # literal
        opc = w >> 30
        if opc == 3:
            return                                                 # PRFM
        nbytes = 8 if opc == 1 else 4
        m.set_x(t, load_extend(m.load((pc + sext(field(w, 23, 5), 19) * 4) & MASK64, nbytes), nbytes, opc == 2, True))
        return
    size, opc = w >> 30, field(w, 23, 22)
    nbytes = 1 << size
    base = m.x(rn, sp=True)
    wb = None
    if field(w, 24, 24):                                           # unsigned offset
        addr = base + (field(w, 21, 10) << size)
    elif field(w, 21, 21):                                         # register offset
        addr = base + extend_reg(m.x(field(w, 20, 16)), field(w, 15, 13), size if field(w, 12, 12) else 0, 64)
    else:
        imm = sext(field(w, 20, 12), 9)
        mode = field(w, 11, 10)
        addr = base if mode == 1 else base + imm
        if mode in (1, 3):
            wb = (base + imm) & MASK64
    addr &= MASK64
    if size == 3 and opc == 2:
        return                                                     # PRFM, PRFUM
    if opc == 0:
        m.store(addr, nbytes, m.x(t))
    else:
        m.set_x(t, load_extend(m.load(addr, nbytes), nbytes, opc >= 2, opc == 2))
    if wb is not None:
        m.set_x(rn, wb, sp=True)


def model_pair(w, m):
    opc, mode, load = w >> 30, field(w, 24, 23), field(w, 22, 22)
    t, t2, rn = field(w, 4, 0), field(w, 14, 10), field(w, 9, 5)
    scale = 3 if opc == 2 else 2
    nbytes = 1 << scale
    imm = sext(field(w, 21, 15), 7) << scale
    base = m.x(rn, sp=True)
    addr = (base if mode == 1 else base + imm) & MASK64
    if load:
        v1 = load_extend(m.load(addr, nbytes), nbytes, opc == 1, True)
        v2 = load_extend(m.load(addr + nbytes, nbytes), nbytes, opc == 1, True)
        m.set_x(t, v1)
        m.set_x(t2, v2)
    else:
        d1, d2 = m.x(t), m.x(t2)
        m.store(addr, nbytes, d1)
        m.store(addr + nbytes, nbytes, d2)
    if mode in (1, 3):
        m.set_x(rn, base + imm, sp=True)


def model_exclusive(w, m):
    """LDXR/LDAXR/LDXP/LDAXP, failing STXR/STLXR/STXP/STLXP (the monitor is clear), LDAR, STLR."""
    size, o2, load, o1 = w >> 30, field(w, 23, 23), field(w, 22, 22), field(w, 21, 21)
    rs, t2, rn, t = field(w, 20, 16), field(w, 14, 10), field(w, 9, 5), field(w, 4, 0)
    addr = m.x(rn, sp=True)
    nbytes = 1 << size
    if o2:
        if load:
            m.set_x(t, m.load(addr, nbytes))
        else:
            m.store(addr, nbytes, m.x(t))
    elif not load:
        m.set_x(rs, 1)
    elif not o1:
        m.set_x(t, m.load(addr, nbytes))
    elif size == 2:
        v = m.load(addr, 8)
        m.set_x(t, v & 0xFFFF_FFFF)
        m.set_x(t2, v >> 32)
    else:
        v1, v2 = m.load(addr, 8), m.load(addr + 8, 8)
        m.set_x(t, v1)
        m.set_x(t2, v2)


def check_file(path):
    header, vectors = vecformat.read(path)
    names = dict(header.groups)
    checked = failed = 0
    for v in vectors:
        group = names[v.group]
        m = Machine(v)
        if not model(group, v.word, m):
            continue
        checked += 1
        want = m.result()
        pc = v.pc if v.pc is not None else (m.s.pc + 4) & MASK64
        got = (sorted(v.regs), pc, v.nzcv, v.mem)
        if (sorted(want[0]), want[1], want[2], want[3]) != got:
            failed += 1
            if failed <= 10:
                print(f"DIFFERS {group} word 0x{v.word:08x} seed 0x{v.seed:016x}:\n  model   {want}\n  unicorn {got}")
    print(f"model check: {checked} vectors recomputed from the pseudocode, {failed} differ")
    return failed == 0


def check_fp_file(path):
    """A few FP/SIMD classes recomputed independently of Unicorn, to keep the harness honest
    (V register lanes, FPCR, the window): FADD/FSUB/FMUL/FDIV (double) with FPCR = 0 on
    operands that are not NaN (Python's floats are IEEE 754 binary64 with round to nearest
    even, as FPRound with FPCR.RMode = RN), and LDR Dt/Qt (unsigned offset) from the window."""
    import math
    header, vectors = vecformat.read(path)
    names = dict(header.groups)
    checked = failed = 0
    for v in vectors:
        group = names[v.group]
        w = v.word
        if group not in ("fp.dp2", "simdls.uimm"):
            continue
        s = refstate.State(v.seed, profile=v.profile)
        for r, x in v.init:
            s.set_reg(r, x)
        want = None
        if group == "fp.dp2" and field(w, 23, 22) == 1 and field(w, 15, 12) in (0, 1, 2, 3) and s.fpcr == 0:
            a = struct.unpack("<d", struct.pack("<Q", s.v[field(w, 9, 5)] & MASK64))[0]
            b = struct.unpack("<d", struct.pack("<Q", s.v[field(w, 20, 16)] & MASK64))[0]
            if math.isnan(a) or math.isnan(b):
                continue
            op = field(w, 15, 12)
            try:
                res = [a * b, a / b, a + b, a - b][op]
            except ZeroDivisionError:
                continue
            if math.isnan(res):
                continue
            want = struct.unpack("<Q", struct.pack("<d", res))[0]
        elif group == "simdls.uimm" and field(w, 22, 22) == 1 and field(w, 31, 30) in (0, 3):
            q = field(w, 31, 30) == 0 and field(w, 23, 23) == 1
            if not q and field(w, 31, 30) != 3:
                continue
            nbytes = 16 if q else 8
            n = field(w, 9, 5)
            base = s.sp if n == 31 else s.x[n]
            addr = base + field(w, 21, 10) * nbytes - WINDOW_BASE
            want = int.from_bytes(s.window[addr:addr + nbytes], "little")
        else:
            continue
        checked += 1
        t = w & 31
        got = dict(v.v).get(t, s.v[t])
        if got != want:
            failed += 1
            if failed <= 10:
                print(f"DIFFERS {group} word 0x{w:08x} seed 0x{v.seed:016x}: model 0x{want:x} unicorn 0x{got:x}")
    print(f"FP/SIMD model check: {checked} vectors recomputed, {failed} differ")
    return failed == 0


def check_unicorn():
    """Hand-worked cases through the generator's Unicorn harness."""
    import generate
    from refstate import REG_PC
    ref = generate.Reference()
    ok = True

    def run(word, seed, init=()):
        s = refstate.State(seed)
        for r, x in init:
            s.set_reg(r, x)
        err, final = ref.run(word, s)
        return s, err, final

    def expect(name, cond, detail=""):
        nonlocal ok
        print(f"  {'ok  ' if cond else 'FAIL'} {name} {detail}")
        ok &= bool(cond)

    for seed in (1, 2, 3):
        s, err, f = run(0x8B020020, seed)                    # add x0, x1, x2
        want = (s.x[1] + s.x[2]) & MASK64
        expect(f"add x0, x1, x2 (seed {seed})", err is None and f["x"][0] == want and f["pc"] == s.pc + 4
               and f["nzcv"] == s.nzcv and f["x"][1:] == s.x[1:] and f["window"] == s.window,
               f"0x{s.x[1]:x} + 0x{s.x[2]:x} = 0x{want:x}, Unicorn 0x{f['x'][0]:x}")
    s, err, f = run(0x313FFC83, 4, [(4, 0xFFFF_F001)])        # adds w3, w4, #0xfff
    expect("adds w3, w4, #0xfff with w4 = 0xfffff001", f["x"][3] == 0 and f["nzcv"] == 0x6000_0000,
           f"-> w3 0x{f['x'][3]:x}, NZCV {f['nzcv'] >> 28:04b} (want 0, 0110)")
    s, err, f = run(0xEB0700C5, 5, [(6, 5), (7, 7)])          # subs x5, x6, x7
    expect("subs x5, x6, x7 with 5 - 7", f["x"][5] == MASK64 - 1 and f["nzcv"] == 0x8000_0000,
           f"-> 0x{f['x'][5]:x}, NZCV {f['nzcv'] >> 28:04b} (want 0xfffffffffffffffe, 1000)")
    s, err, f = run(0xF9400423, 6, [(1, WINDOW_BASE + 0x100)])   # ldr x3, [x1, #8]
    want = int.from_bytes(s.window[0x108:0x110], "little")
    expect("ldr x3, [x1, #8]", f["x"][3] == want, f"-> 0x{f['x'][3]:x} (window+0x108: 0x{want:x})")
    s, err, f = run(0x39C00023, 7, [(1, WINDOW_BASE + 0x10)])    # ldrsb w3, [x1]
    b = s.window[0x10]
    want = (b - 256 if b >= 128 else b) & 0xFFFF_FFFF
    expect("ldrsb w3, [x1]", f["x"][3] == want, f"byte 0x{b:02x} -> 0x{f['x'][3]:x} (want 0x{want:x})")
    s, err, f = run(0x29BE0BE1, 8, [(REG_SP, WINDOW_BASE + 0x40)])  # stp w1, w2, [sp, #-16]!
    got = bytes(f["window"][0x30:0x38])
    want = (s.x[1] & 0xFFFF_FFFF).to_bytes(4, "little") + (s.x[2] & 0xFFFF_FFFF).to_bytes(4, "little")
    expect("stp w1, w2, [sp, #-16]!", got == want and f["sp"] == WINDOW_BASE + 0x30,
           f"-> SP 0x{f['sp']:x}, window+0x30 {got.hex()} (want {want.hex()})")
    s, err, f = run(0x94000040, 9, [(REG_PC, 0x4000_1000)])   # bl #0x100
    expect("bl #0x100 at 0x40001000", f["x"][30] == 0x4000_1004 and f["pc"] == 0x4000_1100,
           f"-> X30 0x{f['x'][30]:x}, PC 0x{f['pc']:x}")
    s, err, f = run(0xB4000083, 10, [(3, 0), (REG_PC, 0x4000_2000)])   # cbz x3, #0x10
    expect("cbz x3, #0x10 with x3 = 0", f["pc"] == 0x4000_2010, f"-> PC 0x{f['pc']:x}")
    s, err, f = run(0xC8027C20, 11, [(1, WINDOW_BASE), (2, 77)])      # stxr w2, x0, [x1]
    expect("stxr w2, x0, [x1] with the monitor clear", f["x"][2] == 1 and f["window"] == s.window,
           f"-> w2 {f['x'][2]}, memory {'unchanged' if f['window'] == s.window else 'CHANGED'}")
    s, err, f = run(0x9AC30841, 12, [(3, 0)])                 # udiv x1, x2, x3
    expect("udiv x1, x2, x3 by zero", f["x"][1] == 0, f"-> 0x{f['x'][1]:x}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=vecformat.DEFAULT_PATH)
    ap.add_argument("--unicorn", action="store_true", help="also run the hand-worked cases in Unicorn")
    args = ap.parse_args()
    ok = check_file(args.file)
    if os.path.exists(vecformat.FILES["fpsimd"]) and args.file == vecformat.DEFAULT_PATH:
        ok &= check_fp_file(vecformat.FILES["fpsimd"])
    if args.unicorn:
        print("hand-worked cases in Unicorn:")
        ok &= check_unicorn()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
