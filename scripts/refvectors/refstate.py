"""The initial machine state of a reference vector, derived from a 64-bit seed.

This file is the specification that Tests/ARMCoreTests/ReferenceVectorFile.swift
implements a second time: change one, change the other, and bump FORMAT_VERSION in
vecformat.py (the Swift reader refuses a version it does not know).
"""

MASK64 = (1 << 64) - 1

# Memory layout shared by the generator and the replay.
RAM_BASE = 0x4000_0000
RAM_SIZE = 0x40_0000          # 4 MiB, mapped in Unicorn and in the replay's bus
WINDOW_BASE = 0x4010_0000     # the data window: every load and store lands in it
WINDOW_SIZE = 0x1000          # 4 KiB
# Instructions sit anywhere in RAM except the window's page, word aligned.
CODE_WORDS = (RAM_SIZE - WINDOW_SIZE) // 4
WINDOW_FIRST_WORD = (WINDOW_BASE - RAM_BASE) // 4

# Register ids used in the vector file.
REG_SP = 31
REG_PC = 32                   # only in the initial-state overrides

# Values a register draws with probability 1/8 (see value()).
SPECIAL_VALUES = [
    0x0000_0000_0000_0000, 0x0000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF,
    0x8000_0000_0000_0000, 0x0000_0000_FFFF_FFFF, 0x0000_0000_7FFF_FFFF, 0x0000_0000_8000_0000,
    0xFFFF_FFFF_8000_0000, 0x0000_0001_0000_0000, 0xFFFF_FFFF_FFFF_FFFE, 0x0000_0000_0000_003F,
    0x0000_0000_0000_0040, 0x0000_0000_0000_001F, 0x0000_0000_0000_0020, 0x8000_0000_0000_0001,
]


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood 2014), the generator of java.util.SplittableRandom."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E37_79B9_7F4A_7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB) & MASK64
        return z ^ (z >> 31)


def value(rng):
    """One register value: uniform half of the time, otherwise a value near an edge."""
    sel = rng.next() & 15
    v = rng.next()
    if sel < 8:
        return v
    if sel < 10:
        return ((v % 129) - 64) & MASK64                 # small, either sign
    if sel < 12:
        return SPECIAL_VALUES[v % len(SPECIAL_VALUES)]
    if sel == 12:
        return v & 0xFFFF_FFFF                           # a 32-bit value, upper half zero
    if sel == 13:
        return 1 << (v % 64)                             # a power of two
    if sel == 14:
        return ((1 << (v % 64)) - 1) ^ (MASK64 if v & 64 else 0)  # a run of ones, low or high
    return WINDOW_BASE + v % WINDOW_SIZE                 # a pointer into the window


# FP lane profiles: which lane size V0..V31 favour (stored per vector, see fp_lane()).
PROFILE_MIXED, PROFILE_H, PROFILE_S, PROFILE_D = 0, 1, 2, 3
# Byte lanes that are mostly valid table indices (for TBL/TBX): each lane (v >> 4) % 72.
PROFILE_INDEX = 4

# The FPCR bits ARMv8.0 has without trapped exceptions: AHP, DN, FZ, RMode (26..22); the FPSR
# bits: QC (27), IDC (7), IXC, UFC, OFC, DZC, IOC (4..0).
FPCR_MASK = 0x07C0_0000
FPSR_MASK = 0x0800_009F

# Unbiased exponents around the integer conversions' boundaries (see fp_lane, sel 11).
CONVERSION_EXPONENTS = [7, 8, 15, 16, 31, 32, 63, 64]


def fp_lane(rng, e):
    """One lane of `e` bits (8, 16, 32 or 64) of a V register: one draw `v`, `sel = v & 15`,
    `w = v >> 4` (60 bits). For e = 8 only sel 13 and 14 are special, every other sel gives
    `w & 0xFF`. For the FP sizes (exponent bits x, fraction bits f, bias b = 2^(x-1) - 1,
    sign s = bit 59 of w, frac = w & (2^f - 1), emax = 2^x - 1):
      0, 1, 15: random bits `w & (2^e - 1)`
      2: zero of sign s            3: infinity of sign s
      4: quiet NaN: s, emax, frac with the top fraction bit set
      5: signalling NaN: s, emax, frac with the top bit clear (1 when it would be 0)
      6: denormal: s, exponent 0, frac (1 when it would be 0)
      7: by (w >> 40) & 3: min normal, max normal, min denormal, max denormal, sign s
      8, 9: a normal number near 1: exponent b + (w >> 52) % 17 - 8, frac
      10: an integer or half-integer: p = (w >> 52) % (f + 1), exponent b + p, frac with its
          low max(f - p - 1, 0) bits cleared
      11: near an integer-conversion boundary: p = CONVERSION_EXPONENTS[(w >> 52) % 8],
          exponent min(b + p, emax - 1), fraction by (w >> 50) & 3: 0, all ones, 1, frac
      12: +-0.25 .. +-4: exponent b + (w >> 52) % 5 - 2, fraction 0
      13: an integer edge: by w % 6: 0, 1, all ones, max signed, min signed, min signed + 1
      14: a small signed integer: (w % 33 - 16) mod 2^e
    """
    v = rng.next()
    sel, w = v & 15, v >> 4
    mask = (1 << e) - 1
    if sel == 13:
        return [0, 1, mask, mask >> 1, 1 << (e - 1), (1 << (e - 1)) + 1][w % 6]
    if sel == 14:
        return ((w % 33) - 16) & mask
    if e == 8 or sel in (0, 1, 15):
        return w & mask
    x, f = {16: (5, 10), 32: (8, 23), 64: (11, 52)}[e]
    bias, emax = (1 << (x - 1)) - 1, (1 << x) - 1
    sign = ((w >> 59) & 1) << (e - 1)
    fmask = (1 << f) - 1
    frac = w & fmask

    def make(exp, fr):
        return sign | exp << f | fr

    if sel == 2:
        return sign
    if sel == 3:
        return make(emax, 0)
    if sel == 4:
        return make(emax, frac | 1 << (f - 1))
    if sel == 5:
        fr = frac & (fmask >> 1)
        return make(emax, fr if fr else 1)
    if sel == 6:
        return make(0, frac if frac else 1)
    if sel == 7:
        k = (w >> 40) & 3
        return [make(1, 0), make(emax - 1, fmask), make(0, 1), make(0, fmask)][k]
    if sel in (8, 9):
        return make(bias + (w >> 52) % 17 - 8, frac)
    if sel == 10:
        p = (w >> 52) % (f + 1)
        low = max(f - p - 1, 0)
        return make(bias + p, frac & ~((1 << low) - 1) & fmask)
    if sel == 11:
        p = CONVERSION_EXPONENTS[(w >> 52) % 8]
        fr = [0, fmask, 1, frac][(w >> 50) & 3]
        return make(min(bias + p, emax - 1), fr)
    return make(bias + (w >> 52) % 5 - 2, 0)      # sel 12


def vreg_value(rng, profile):
    """One V register (an int of 128 bits). PROFILE_INDEX: 16 byte lanes, one draw v each,
    lane (v >> 4) % 72. Otherwise a lane size, then the lanes from lane 0 up: one draw `d`
    picks the size: with the mixed profile 8 << (d % 4); otherwise the profile's size (16, 32,
    64 for H, S, D) when d % 4 != 0, else 8 << ((d >> 2) % 4)."""
    if profile == PROFILE_INDEX:
        out = 0
        for k in range(16):
            out |= ((rng.next() >> 4) % 72) << (8 * k)
        return out
    d = rng.next()
    if profile == PROFILE_MIXED or d % 4 == 0:
        e = 8 << ((d >> 2) % 4 if profile != PROFILE_MIXED else d % 4)
    else:
        e = 8 << profile
    out = 0
    for k in range(128 // e):
        out |= fp_lane(rng, e) << (k * e)
    return out


class State:
    """X0..X30, SP, NZCV (bits 31..28), PC, the window's bytes, V0..V31, FPCR and FPSR."""

    def __init__(self, seed, with_window=True, profile=PROFILE_MIXED):
        """`with_window=False` skips the window's bytes and the FP state that follows them
        (the registers and PC are the same)."""
        rng = SplitMix64(seed)
        self.x = [value(rng) for _ in range(31)]
        self.sp = value(rng)
        self.nzcv = (rng.next() >> 60) << 28
        w = rng.next() % CODE_WORDS
        if w >= WINDOW_FIRST_WORD:
            w += WINDOW_SIZE // 4
        self.pc = RAM_BASE + 4 * w
        window = bytearray(WINDOW_SIZE)
        for k in range(WINDOW_SIZE // 8 if with_window else 0):
            window[8 * k:8 * k + 8] = rng.next().to_bytes(8, "little")
        self.window = bytes(window)
        # The FP/SIMD state, drawn after the window so that the integer state of a seed is the
        # same as in format version 1.
        self.v = [0] * 32
        self.fpcr = self.fpsr = 0
        if with_window:
            self.v = [vreg_value(rng, profile) for _ in range(32)]
            c = rng.next()
            self.fpcr = 0 if c & 1 else ((c >> 1) & 0x1F) << 22     # half the time the default
            s = rng.next()
            self.fpsr = 0 if s & 3 else (s >> 2) & FPSR_MASK        # a quarter with flags set

    def reg(self, r):
        if r < 31:
            return self.x[r]
        if r == REG_SP:
            return self.sp
        if r == REG_PC:
            return self.pc
        raise ValueError(r)

    def set_reg(self, r, v):
        v &= MASK64
        if r < 31:
            self.x[r] = v
        elif r == REG_SP:
            self.sp = v
        elif r == REG_PC:
            self.pc = v
        else:
            raise ValueError(r)
