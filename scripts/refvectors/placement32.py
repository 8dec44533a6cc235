"""Aim an A32 load or store at the window, and an A32 branch at RAM: choose initial-state
overrides (base register, index register, PC, or a branch's target register) so that every
byte the instruction accesses lies in the data window, naturally aligned (words for LDRD and
STRD) except in the unaligned group, and so that a branch lands in RAM. The saturating
multiplies and QADD etc. get operands near the signed limits instead (Inst32.bias).

The overrides are stored with each vector, so the replay never recomputes an address itself.
"""

from groups_a32 import EXTREMES
from refstate32 import MASK32, RAM_BASE, RAM_SIZE, REG_PC, WINDOW_BASE, WINDOW_SIZE


def shift_c(v, t, n, carry):
    """The offset of a register-offset access: Shift(R[m], DecodeImmShift(type, imm5), C)."""
    if t == 0:
        return (v << n) & MASK32
    if t == 1:
        return 0 if n == 0 else v >> n                     # LSR #0 is LSR #32
    if t == 2:
        sv = v - (1 << 32) if v >> 31 else v
        return (sv >> (32 if n == 0 else n)) & MASK32     # ASR #0 is ASR #32
    if n == 0:
        return (carry << 31 | v >> 1) & MASK32            # RRX
    return (v >> n | v << (32 - n)) & MASK32


def index_for(o, t, n, carry, r):
    """A value of Rm whose shifted value is `o`, or None."""
    if t == 0:
        if o % (1 << n):
            return None
        return (o >> n) | (r.getrandbits(n) << (32 - n) if n else 0)
    if t == 1:
        if n == 0 or o >> (32 - n):
            return None
        return (o << n | r.getrandbits(n)) & MASK32
    if t == 2:
        if n == 0 or o >> (31 - n):
            return None
        return (o << n | r.getrandbits(n)) & MASK32
    if n == 0:
        if o >> 31 != carry:
            return None
        return (o << 1 | r.getrandbits(1)) & MASK32
    return (o << n | o >> (32 - n)) & MASK32


def code_address_ok(pc, thumb=False, extra=0):
    """A word-aligned (T32: halfword-aligned) PC inside RAM whose instruction (4 bytes, and
    `extra` more) lies outside the window, and so does the word the generator's CLREX runs from."""
    start, end = pc & ~3, pc + 4 + extra
    return (pc % (2 if thumb else 4) == 0 and RAM_BASE <= start and end <= RAM_BASE + RAM_SIZE
            and (end <= WINDOW_BASE or start >= WINDOW_BASE + WINDOW_SIZE))


def pc_base(pc, thumb, align):
    """What the instruction at `pc` reads as the PC: A32 pc + 8; T32 pc + 4, word-aligned for
    the literal forms and ADR (Align(PC, 4))."""
    if not thumb:
        return pc + 8
    return ((pc + 4) & ~3) if align else pc + 4


def pick_target(r, m):
    total = m.size * m.count
    while True:
        off = r.randrange(WINDOW_SIZE - total + 1)
        if not m.misalign:
            off -= off % m.align
        elif off % m.size == 0:
            continue
        return WINDOW_BASE + off


def place_pc_literal(r, m, delta, thumb=False):
    """PC such that its PC value (pc_base) + delta is an aligned target in the window, or None."""
    for _ in range(50):
        target = pick_target(r, m)
        if thumb:
            pc = (target - 4 - delta + r.choice([0, 2] if m.pc_align else [0])) & MASK32
        else:
            pc = (target - 8 - delta) & MASK32
        if code_address_ok(pc, thumb) and pc_base(pc, thumb, m.pc_align) + delta == target:
            return pc
    return None


def place_memory(r, inst, state):
    m = inst.mem
    thumb = getattr(inst, "thumb", False)
    if m.kind == "exclusive":
        return [(m.n, pick_target(r, m))]
    if m.kind == "multiple":
        total = 4 * m.count
        if total > WINDOW_SIZE:
            return None
        start = WINDOW_BASE + 4 * r.randrange((WINDOW_SIZE - total) // 4 + 1)
        rn = {"ia": start, "ib": start - 4, "da": start + total - 4, "db": start + total}[m.mode]
        return [(m.n, rn & MASK32)]
    if m.kind == "imm":
        if m.n == 15:
            pc = place_pc_literal(r, m, m.imm, thumb)
            return None if pc is None else [(REG_PC, pc)]
        target = pick_target(r, m)
        return [(m.n, target if m.post else (target - m.imm) & MASK32)]

    # Register offset.
    sign = 1 if m.add else -1
    if m.post:
        return [(m.n, pick_target(r, m))]
    if m.n == 15:
        # The index register is chosen so that the offset is small, the PC so that the
        # address lands in the window.
        limit = RAM_SIZE // 2
        if m.shift_t in (1, 2) and m.shift_n:
            limit = min(limit, 1 << (32 - m.shift_n - (m.shift_t == 2)))
        for _ in range(50):
            o = r.randrange(limit)
            if m.shift_t == 0:
                o &= ~((1 << m.shift_n) - 1)
            o &= ~3
            rm = index_for(o, m.shift_t, m.shift_n, state.carry, r)
            if rm is None:
                continue
            pc = place_pc_literal(r, m, sign * o, thumb)
            if pc is not None:
                assert shift_c(rm, m.shift_t, m.shift_n, state.carry) == o
                return [(m.m, rm), (REG_PC, pc)]
        return None
    if m.n == m.m:
        # Rn is also the index: v +/- (v << s) must land in the window (LSL only).
        if m.shift_t != 0:
            return None
        coef = (1 + sign * (1 << m.shift_n)) & MASK32
        if coef == 0:
            return None
        for _ in range(50):
            target = pick_target(r, m)
            if coef % 2:
                v = target * pow(coef, -1, 1 << 32) & MASK32
            elif target % 2 == 0:
                v = (target // 2 + (r.getrandbits(1) << 31)) & MASK32
            else:
                continue
            assert (v + sign * shift_c(v, 0, m.shift_n, 0)) & MASK32 == target
            return [(m.n, v)]
        return None
    target = pick_target(r, m)
    return [(m.n, (target - sign * shift_c(state.r[m.m], m.shift_t, m.shift_n, state.carry)) & MASK32)]


def place_branch_t32(r, b, state):
    """T32 branches: B, BL, CBZ/CBNZ to PC + 4 + offset, BLX (immediate) to Align(PC, 4) + 4 +
    offset; BX/BLX Rm; ADD PC, Rm (PC + 4 + Rm) and MOV PC, Rm."""
    if b.kind == "imm":
        for _ in range(50):
            target = RAM_BASE + r.randrange(RAM_SIZE // 4) * (4 if b.thumb is False else 2)
            pc = (target - 4 - b.offset + (r.choice([0, 2]) if b.thumb is False else 0)) & MASK32
            base = pc_base(pc, True, b.thumb is False)
            if code_address_ok(pc, True) and RAM_BASE <= (base + b.offset) & MASK32 < RAM_BASE + RAM_SIZE:
                return [(REG_PC, pc)]
        return []
    target = RAM_BASE + r.randrange(RAM_SIZE // 4) * 4
    if b.kind == "reg":
        if b.m == 15:
            return []
        if b.thumb:
            target += r.choice([0, 2]) + 1
        return [(b.m, target)]
    target += r.choice([0, 2])
    if b.kind == "addpc":
        if b.m == 15:
            return []
        return [(b.m, (target - state.pc - 4) & MASK32)]
    if b.m == 15:                       # movpc
        return []
    return [(b.m, target | r.getrandbits(1))]


def place_branch(r, inst, state):
    b = inst.branch
    if getattr(inst, "thumb", False):
        return place_branch_t32(r, b, state)
    if b.kind == "imm":
        # Keep the target in RAM when the offset allows it (the PC moves); a larger offset keeps
        # the seed's PC and its target lies outside RAM.
        for _ in range(50):
            target = RAM_BASE + r.randrange(RAM_SIZE // 2) * 2
            pc = (target - 8 - b.offset) & MASK32
            if code_address_ok(pc):
                return [(REG_PC, pc)]
        return []
    if b.m == 15 or (b.kind == "alu" and r.random() < 0.5):
        return []                        # BX PC: to the instruction's address + 8, in A32
    target = RAM_BASE + r.randrange(RAM_SIZE // 4) * 4
    if b.thumb:
        target += r.choice([0, 2]) + 1
    return [(b.m, target)]


def place(r, inst, state):
    """Overrides [(reg, value)] for `inst`, or None when this draw cannot be placed (the caller
    draws again). An instruction's own `init` (VMSR's value) comes first."""
    out = place_any(r, inst, state)
    own = getattr(inst, "init", None)
    return out if out is None or not own else list(own) + out


def place_any(r, inst, state):
    if inst.bias:
        out = []
        for n in dict.fromkeys(inst.bias):
            if r.random() < 0.3:
                out.append((n, r.choice(EXTREMES)))
        return out
    if inst.mem is not None:
        return place_memory(r, inst, state)
    if inst.branch is not None:
        return place_branch(r, inst, state)
    return []
