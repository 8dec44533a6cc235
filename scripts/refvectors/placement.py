"""Aim a load or store at the window: choose initial-state overrides (base register, index
register or PC) so that every byte the instruction accesses lies in the data window, naturally
aligned unless the unaligned group asks for the opposite.

The overrides are stored with each vector, so the replay never recomputes an address itself.
"""

from refstate import MASK64, RAM_BASE, RAM_SIZE, REG_PC, REG_SP, WINDOW_BASE, WINDOW_SIZE


def extend_index(v, option, shift):
    """The offset of a register-offset access: ExtendReg(m, option, shift)."""
    if option == 0b010:      # UXTW
        v &= 0xFFFF_FFFF
    elif option == 0b110:    # SXTW
        v &= 0xFFFF_FFFF
        if v >> 31:
            v -= 1 << 32
    return (v << shift) & MASK64


def pick_target(r, m):
    """An address in the window for the first byte of the access."""
    total = m.size * m.count
    span = WINDOW_SIZE - total
    for _ in range(100):
        off = r.randrange(span + 1)
        if m.misalign:
            if off % m.size == 0:
                continue
        else:
            off -= off % max(m.align, 4 if m.kind == "literal" else 1)
        return WINDOW_BASE + off
    raise RuntimeError("no target")


def place(r, inst, state):
    """Overrides [(reg, value)] that aim `inst` at the window, or None when this draw cannot
    be placed (the caller draws again)."""
    m = inst.mem
    if m is None:
        return []
    if m.kind == "literal":
        target = pick_target(r, m)
        pc = target - m.imm
        if not (RAM_BASE <= pc < RAM_BASE + RAM_SIZE) or WINDOW_BASE <= pc < WINDOW_BASE + WINDOW_SIZE:
            return None
        return [(REG_PC, pc)]

    if m.kind == "imm":
        if m.n != 31:
            target = pick_target(r, m)
            return [(m.n, target if m.post else (target - m.imm) & MASK64)]
        # SCTLR_EL1.SA is set in Unicorn, which does not check SP alignment: keep SP 16-byte
        # aligned so that both agree with the architecture. The address is then SP + imm.
        low = 0 if m.post else m.imm % 16
        if low % m.align:
            return None
        total = m.size * m.count
        target = WINDOW_BASE + low + 16 * r.randrange((WINDOW_SIZE - total - low) // 16 + 1)
        return [(REG_SP, target if m.post else (target - m.imm) & MASK64)]

    # Register offset.
    if m.n == 31:
        target = pick_target(r, m)
        if m.m == 31:                       # [SP, XZR]: the index is zero
            if target % 16:
                return None
            return [(REG_SP, target)]
        sp = WINDOW_BASE + 16 * r.randrange((target - WINDOW_BASE) // 16 + 1)
        off = target - sp
        if off % (1 << m.shift):
            return None
        q = off >> m.shift
        if m.option in (0b010, 0b110):      # W index: keep the register's upper half random
            xm = (state.x[m.m] & ~0xFFFF_FFFF) | q
        else:
            xm = q
        assert (sp + extend_index(xm, m.option, m.shift)) & MASK64 == target
        return [(REG_SP, sp), (m.m, xm)]
    if m.m == 31:                           # XZR index
        return [(m.n, pick_target(r, m))]
    if m.n == m.m:
        # Xn is also the index: v + (v << shift) must land in the window.
        k = 1 + (1 << m.shift)
        for _ in range(100):
            target = pick_target(r, m)
            if target % k == 0:
                v = target // k
                assert (v + extend_index(v, m.option, m.shift)) & MASK64 == target
                return [(m.n, v)]
        return None
    target = pick_target(r, m)
    return [(m.n, (target - extend_index(state.x[m.m], m.option, m.shift)) & MASK64)]
