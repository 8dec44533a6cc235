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


class State:
    """X0..X30, SP, NZCV (bits 31..28), PC and the window's bytes."""

    def __init__(self, seed, with_window=True):
        """`with_window=False` skips the window's bytes (the registers and PC are the same)."""
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
