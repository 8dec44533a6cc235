"""The initial machine state of an A32 reference vector, derived from a 64-bit seed.

The A32 counterpart of refstate.py (same splitmix64, memory layout and data window), and the
specification that Tests/ARMCoreTests/A32ReferenceInitialState.swift implements a second time:
change one, change the other, and bump A32_FORMAT_VERSION in vecformat.py.

The CPU runs in AArch32 SVC mode (Unicorn's ARM CPU resets into it: CPSR 0x400001D3), A32
state, A, I and F masked. From the seed, in this order:

1. R0..R14 (R13 and R14 are SP_svc and LR_svc): value32() each, two draws.
2. One draw p: NZCV = p<63:60>, Q = p<59>, GE = p<58:55>.
3. PC: as refstate.State (one draw, a word in RAM outside the window's page).
4. The window: 512 draws, each stored as 8 little-endian bytes.

The VFP vectors (`fp=True`) add, after the window: V0..V15 (D0..D31, D(2n) the low half of
V(n)) by refstate.vreg_value with the vector's profile, then FPSCR from three draws: c gives
AHP, DN, FZ and RMode as refstate.State's FPCR (0 when c & 1), s the cumulative flags and QC
as its FPSR (0 when s & 3), and n the FPSCR's NZCV (n<63:60>).

T32 and VFP-in-T32 vectors start in T32 state (`thumb`): the same derivation, with CPSR.T set.
"""

from refstate import (FPSR_MASK, CODE_WORDS, RAM_BASE, RAM_SIZE, WINDOW_BASE, WINDOW_FIRST_WORD,  # noqa: F401
                      WINDOW_SIZE, SplitMix64, vreg_value)

MASK32 = 0xFFFF_FFFF

# The mode the vectors run in, and the CPSR bits besides NZCV, Q and GE: A, I, F masked, SVC.
MODE_SVC = 0x13
CPSR_BASE = 0x1D3

# Register ids in the A32 vector file: 0-14 are R0-R14 of the current mode, 15 is the PC
# (initial overrides only; the final PC has its own field).
REG_PC = 15
REG_ITSTATE = 16     # initial overrides only: ITSTATE (T32 vectors that start in an IT block)
CPSR_T = 1 << 5

# Values a register draws with probability 1/8 (value32, sel 8 and 9).
SPECIAL32 = [
    0x0000_0000, 0x0000_0001, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFE, 0x0000_FFFF,
    0x0000_7FFF, 0x0000_8000, 0xFFFF_8000, 0x0001_0000, 0x0000_001F, 0x0000_0020, 0x0000_003F, 0x0000_00FF,
]
# Lane values for the byte and halfword cases (value32, sel 12 and 13); index 7 means random.
BYTE_EDGES = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF]
HALF_EDGES = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF]


def value32(rng):
    """One register value: one draw `sel = next() & 15`, one draw `v = next()`:
      0-5: v & 0xFFFFFFFF          6-7: (v % 129 - 64) mod 2^32 (small, either sign)
      8-9: SPECIAL32[v % 16]       10: 1 << (v % 32)
      11: (1 << (v % 32)) - 1, inverted when v & 32 (a run of ones, low or high)
      12: four byte lanes, lane k: e = (v >> 3k) & 7, BYTE_EDGES[e], or (v >> (32 + 8k)) & 0xFF when e = 7
      13: two halfword lanes, lane k: e = (v >> 3k) & 7, HALF_EDGES[e], or (v >> (32 + 16k)) & 0xFFFF when e = 7
      14: a small unsigned value: (v >> 8) & (0xFF when v & 1, else 0xFFFF)
      15: WINDOW_BASE + v % WINDOW_SIZE (a pointer into the window)
    """
    sel = rng.next() & 15
    v = rng.next()
    if sel < 6:
        return v & MASK32
    if sel < 8:
        return ((v % 129) - 64) & MASK32
    if sel < 10:
        return SPECIAL32[v % 16]
    if sel == 10:
        return 1 << (v % 32)
    if sel == 11:
        return ((1 << (v % 32)) - 1) ^ (MASK32 if v & 32 else 0)
    if sel == 12:
        out = 0
        for k in range(4):
            e = (v >> (3 * k)) & 7
            out |= (BYTE_EDGES[e] if e < 7 else (v >> (32 + 8 * k)) & 0xFF) << (8 * k)
        return out
    if sel == 13:
        out = 0
        for k in range(2):
            e = (v >> (3 * k)) & 7
            out |= (HALF_EDGES[e] if e < 7 else (v >> (32 + 16 * k)) & 0xFFFF) << (16 * k)
        return out
    if sel == 14:
        return (v >> 8) & (0xFF if v & 1 else 0xFFFF)
    return WINDOW_BASE + v % WINDOW_SIZE


class State32:
    """R0..R14, NZCV (bits 31..28), Q, GE (4 bits), PC and the window's bytes."""

    def __init__(self, seed, with_window=True, thumb=False, fp=False, profile=0):
        rng = SplitMix64(seed)
        self.thumb = thumb
        self.it = 0
        self.r = [value32(rng) for _ in range(15)]
        p = rng.next()
        self.nzcv = (p >> 60) << 28
        self.q = (p >> 59) & 1
        self.ge = (p >> 55) & 0xF
        w = rng.next() % CODE_WORDS
        if w >= WINDOW_FIRST_WORD:
            w += WINDOW_SIZE // 4
        self.pc = RAM_BASE + 4 * w
        window = bytearray(WINDOW_SIZE)
        for k in range(WINDOW_SIZE // 8 if with_window else 0):
            window[8 * k:8 * k + 8] = rng.next().to_bytes(8, "little")
        self.window = bytes(window)
        self.d = [0] * 32
        self.fpscr = 0
        if fp:
            for _ in range(0 if with_window else WINDOW_SIZE // 8):
                rng.next()
            for n in range(16):
                v = vreg_value(rng, profile)
                self.d[2 * n], self.d[2 * n + 1] = v & (2**64 - 1), v >> 64
            c, s, n = rng.next(), rng.next(), rng.next()
            self.fpscr = ((0 if c & 1 else ((c >> 1) & 0x1F) << 22) | (0 if s & 3 else (s >> 2) & FPSR_MASK)
                          | (n >> 60) << 28)

    @property
    def carry(self):
        return (self.nzcv >> 29) & 1

    @property
    def cpsr(self):
        return (self.nzcv | self.q << 27 | self.ge << 16 | CPSR_BASE | (CPSR_T if self.thumb else 0)
                | (self.it & 3) << 25 | (self.it >> 2) << 10)

    def reg(self, n):
        if n < 15:
            return self.r[n]
        if n == REG_PC:
            return self.pc
        raise ValueError(n)

    def set_reg(self, n, v):
        v &= MASK32
        if n < 15:
            self.r[n] = v
        elif n == REG_PC:
            self.pc = v
        elif n == REG_ITSTATE:
            self.it = v & 0xFF
        else:
            raise ValueError(n)


if __name__ == "__main__":
    # The values A32ReferenceVectorTests.testInitialStateMatchesTheGenerator pins.
    s = State32(0x0123_4567_89AB_CDEF)
    print("R0-R3", [hex(x) for x in s.r[:4]], "R13", hex(s.r[13]), "R14", hex(s.r[14]))
    print("NZCV", hex(s.nzcv), "Q", s.q, "GE", hex(s.ge), "PC", hex(s.pc))
    print("window[0:8]", s.window[:8].hex(), "window[4088:]", s.window[4088:].hex(), "sum", sum(s.window))
    # Every case of value32 over many seeds: the sum of R0..R14, NZCV, Q, GE and PC, mod 2^64.
    total = 0
    for seed in range(2000):
        t = State32(seed, with_window=False)
        total += sum(t.r) + t.nzcv + t.q + t.ge + t.pc
    print("seeds 0..1999: sum", hex(total & (2**64 - 1)))
    # The VFP state (A32VFPReferenceVectorTests pins these).
    f = State32(0x0123_4567_89AB_CDEF, fp=True, profile=2)
    print("VFP profile 2: D0", hex(f.d[0]), "D31", hex(f.d[31]), "FPSCR", hex(f.fpscr))
    total = 0
    for seed in range(300):
        t = State32(seed, with_window=False, fp=True, profile=seed % 4)
        total += sum(t.d) + t.fpscr
    print("VFP seeds 0..299: sum", hex(total & (2**64 - 1)))
