"""The A64 integer encoding groups (ARM DDI 0487, C4.1) and a generator of random valid
encodings for each.

A generator takes a `random.Random` and returns either an `Inst` (the word, and for loads and
stores what the effective address depends on) or a string naming why this draw was thrown
away (a CONSTRAINED UNPREDICTABLE combination). Operand fields are random; fields that would
make the word unallocated in ARMv8.0 are drawn only from their allocated values.

Group ids are stored in the vector file: never renumber a group, only add new ones.
"""

from refstate import MASK64

CU = "constrained unpredictable"


class Mem:
    """How an instruction's effective address is formed, for placing it in the window.

    kind "imm": address = Xn (+ imm unless post-indexed); kind "reg": Xn + (extend(Xm) <<
    shift); kind "literal": PC + imm. `size` is the size of one element, `count` the number
    of elements (2 for pairs), `align` the alignment the address must have.
    """

    def __init__(self, kind, n=0, imm=0, size=1, count=1, post=False, m=0, option=0, shift=0,
                 align=None, prefetch=False):
        self.kind, self.n, self.imm, self.size, self.count = kind, n, imm, size, count
        self.post, self.m, self.option, self.shift = post, m, option, shift
        self.align = size if align is None else align
        self.prefetch = prefetch
        self.misalign = False   # set by the unaligned group: the address must NOT be aligned


class Inst:
    def __init__(self, word, mem=None, profile=0):
        self.word = word & 0xFFFF_FFFF
        self.mem = mem
        self.profile = profile  # the FP lane profile of the V registers (refstate.PROFILE_*)


def sext(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def reg(r):
    """A register field: 31 (SP or ZR) a little more often than the others."""
    return 31 if r.random() < 0.1 else r.randrange(32)


def bits(r, n):
    return r.getrandbits(n)


# --- Data processing -- immediate -----------------------------------------------------------

def pcrel(r):
    return Inst(bits(r, 1) << 31 | bits(r, 2) << 29 | 0b10000 << 24 | bits(r, 19) << 5 | reg(r))


def addsub_imm(r):
    return Inst(bits(r, 3) << 29 | 0b100010 << 23 | bits(r, 1) << 22 | bits(r, 12) << 10
                | reg(r) << 5 | reg(r))


def bitmask_valid(n, imms, immr, immediate, datasize):
    """DecodeBitMasks (shared pseudocode) succeeds."""
    length = ((n << 6) | (~imms & 0x3F)).bit_length() - 1
    if length < 1:
        return False
    if datasize == 32 and length > 5:
        return False
    levels = (1 << length) - 1
    if immediate and (imms & levels) == levels:
        return False
    return True


def logical_imm(r):
    while True:
        sf = bits(r, 1)
        n = bits(r, 1) if sf else 0
        immr, imms = bits(r, 6), bits(r, 6)
        if sf == 0:
            immr &= 31
        if bitmask_valid(n, imms, immr, True, 64 if sf else 32):
            break
    return Inst(sf << 31 | bits(r, 2) << 29 | 0b100100 << 23 | n << 22 | immr << 16 | imms << 10
                | reg(r) << 5 | reg(r))


def move_wide(r):
    sf = bits(r, 1)
    opc = r.choice([0b00, 0b10, 0b11])
    hw = bits(r, 2) if sf else bits(r, 1)
    return Inst(sf << 31 | opc << 29 | 0b100101 << 23 | hw << 21 | bits(r, 16) << 5 | reg(r))


def bitfield(r):
    sf = bits(r, 1)
    opc = r.choice([0b00, 0b01, 0b10])
    width = 6 if sf else 5
    return Inst(sf << 31 | opc << 29 | 0b100110 << 23 | sf << 22 | bits(r, width) << 16
                | bits(r, width) << 10 | reg(r) << 5 | reg(r))


def extract(r):
    sf = bits(r, 1)
    imms = bits(r, 6 if sf else 5)
    return Inst(sf << 31 | 0b100111 << 23 | sf << 22 | reg(r) << 16 | imms << 10 | reg(r) << 5 | reg(r))


# --- Data processing -- register ------------------------------------------------------------

def logical_shifted(r):
    sf = bits(r, 1)
    return Inst(sf << 31 | bits(r, 2) << 29 | 0b01010 << 24 | bits(r, 2) << 22 | bits(r, 1) << 21
                | reg(r) << 16 | bits(r, 6 if sf else 5) << 10 | reg(r) << 5 | reg(r))


def addsub_shifted(r):
    sf = bits(r, 1)
    return Inst(sf << 31 | bits(r, 2) << 29 | 0b01011 << 24 | r.randrange(3) << 22 | reg(r) << 16
                | bits(r, 6 if sf else 5) << 10 | reg(r) << 5 | reg(r))


def addsub_extended(r):
    return Inst(bits(r, 3) << 29 | 0b01011 << 24 | 1 << 21 | reg(r) << 16 | bits(r, 3) << 13
                | r.randrange(5) << 10 | reg(r) << 5 | reg(r))


def addsub_carry(r):
    return Inst(bits(r, 3) << 29 | 0b11010000 << 21 | reg(r) << 16 | reg(r) << 5 | reg(r))


def ccmp_reg(r):
    return Inst(bits(r, 2) << 30 | 1 << 29 | 0b11010010 << 21 | reg(r) << 16 | bits(r, 4) << 12
                | reg(r) << 5 | bits(r, 4))


def ccmp_imm(r):
    return Inst(bits(r, 2) << 30 | 1 << 29 | 0b11010010 << 21 | bits(r, 5) << 16 | bits(r, 4) << 12
                | 1 << 11 | reg(r) << 5 | bits(r, 4))


def csel(r):
    return Inst(bits(r, 2) << 30 | 0b11010100 << 21 | reg(r) << 16 | bits(r, 4) << 12 | bits(r, 1) << 10
                | reg(r) << 5 | reg(r))


def dp1(r):
    sf = bits(r, 1)
    # RBIT, REV16, REV32 (REV for W), REV (X only), CLZ, CLS.
    opcode = r.choice([0, 1, 2, 3, 4, 5] if sf else [0, 1, 2, 4, 5])
    return Inst(sf << 31 | 1 << 30 | 0b11010110 << 21 | opcode << 10 | reg(r) << 5 | reg(r))


def dp2(r):
    # UDIV, SDIV, LSLV, LSRV, ASRV, RORV. CRC32* (opcode 010xxx) are optional in ARMv8.0 and
    # not implemented by armvm: left out (see README).
    opcode = r.choice([0b000010, 0b000011, 0b001000, 0b001001, 0b001010, 0b001011])
    return Inst(bits(r, 1) << 31 | 0b11010110 << 21 | reg(r) << 16 | opcode << 10 | reg(r) << 5 | reg(r))


def dp3(r):
    sf = bits(r, 1)
    # (op31, o0): MADD, MSUB; 64-bit only: SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH.
    forms = [(0, 0), (0, 1)] + ([(1, 0), (1, 1), (2, 0), (5, 0), (5, 1), (6, 0)] if sf else [])
    op31, o0 = r.choice(forms)
    ra = 31 if op31 in (2, 6) else reg(r)   # SMULH/UMULH: Ra is should-be-one
    return Inst(sf << 31 | 0b11011 << 24 | op31 << 21 | reg(r) << 16 | o0 << 15 | ra << 10 | reg(r) << 5 | reg(r))


# --- Branches -------------------------------------------------------------------------------

def b_cond(r):
    return Inst(0b01010100 << 24 | bits(r, 19) << 5 | bits(r, 4))


def cb(r):
    return Inst(bits(r, 1) << 31 | 0b011010 << 25 | bits(r, 1) << 24 | bits(r, 19) << 5 | reg(r))


def tb(r):
    return Inst(bits(r, 1) << 31 | 0b011011 << 25 | bits(r, 1) << 24 | bits(r, 5) << 19 | bits(r, 14) << 5 | reg(r))


def b_imm(r):
    return Inst(bits(r, 1) << 31 | 0b00101 << 26 | bits(r, 26))


def b_reg(r):
    # BR, BLR, RET (ERET needs exception state the vectors do not carry).
    return Inst(0b1101011 << 25 | r.randrange(3) << 21 | 0b11111 << 16 | reg(r) << 5)


# --- Loads and stores -----------------------------------------------------------------------

def single_kind(r, writeback):
    """(size, opc) of an allocated single-register access: returns (size, opc, is_load,
    is_prefetch). PRFM exists only in the forms without writeback or privilege change."""
    while True:
        size, opc = bits(r, 2), bits(r, 2)
        if opc == 0b10 and size == 3:
            if writeback:
                continue
            return size, opc, False, True
        if opc == 0b11 and size >= 2:
            continue
        return size, opc, opc != 0, False


def single_imm9(r, mode):
    """STUR/LDUR/PRFUM (mode 00), post-indexed (01), unprivileged (10), pre-indexed (11)."""
    size, opc, is_load, prefetch = single_kind(r, mode != 0b00)
    n, t = reg(r), reg(r)
    writeback = mode in (0b01, 0b11)
    if writeback and t == n and n != 31:
        return CU   # Unpredictable_WBOVERLAPLD / WBOVERLAPST
    imm9 = bits(r, 9)
    word = size << 30 | 0b111000 << 24 | opc << 22 | imm9 << 12 | mode << 10 | n << 5 | t
    return Inst(word, Mem("imm", n=n, imm=sext(imm9, 9), size=1 << size, post=mode == 0b01, prefetch=prefetch))


def single_uimm(r):
    size, opc, is_load, prefetch = single_kind(r, False)
    n, t = reg(r), reg(r)
    imm12 = bits(r, 12)
    word = size << 30 | 0b111001 << 24 | opc << 22 | imm12 << 10 | n << 5 | t
    return Inst(word, Mem("imm", n=n, imm=imm12 << size, size=1 << size, prefetch=prefetch))


def single_reg(r):
    size, opc, is_load, prefetch = single_kind(r, False)
    n, t, m = reg(r), reg(r), reg(r)
    option = r.choice([0b010, 0b011, 0b110, 0b111])   # UXTW, LSL, SXTW, SXTX
    s = bits(r, 1)
    word = size << 30 | 0b111000 << 24 | opc << 22 | 1 << 21 | m << 16 | option << 13 | s << 12 | 0b10 << 10 | n << 5 | t
    return Inst(word, Mem("reg", n=n, m=m, option=option, shift=size if s else 0, size=1 << size, prefetch=prefetch))


def literal(r):
    opc = bits(r, 2)
    imm19 = bits(r, 19)
    word = opc << 30 | 0b011000 << 24 | imm19 << 5 | reg(r)
    size = {0: 4, 1: 8, 2: 4, 3: 4}[opc]
    return Inst(word, Mem("literal", imm=sext(imm19, 19) * 4, size=size, prefetch=opc == 3))


def pair(r, mode):
    """STNP/LDNP (mode 00), post-indexed (01), signed offset (10), pre-indexed (11)."""
    while True:
        opc, load = bits(r, 2), bits(r, 1)
        if opc == 3 or (opc == 1 and (not load or mode == 0)):
            continue
        break
    n, t, t2 = reg(r), reg(r), reg(r)
    if load and t == t2:
        return CU   # Unpredictable_LDPOVERLAP
    writeback = mode in (0b01, 0b11)
    if writeback and n != 31 and (t == n or t2 == n):
        return CU   # Unpredictable_WBOVERLAPLD / WBOVERLAPST
    scale = 3 if opc == 2 else 2
    imm7 = bits(r, 7)
    word = opc << 30 | 0b101 << 27 | mode << 23 | load << 22 | imm7 << 15 | t2 << 10 | n << 5 | t
    return Inst(word, Mem("imm", n=n, imm=sext(imm7, 7) << scale, size=1 << scale, count=2, post=mode == 0b01))


def exclusive(r):
    """LDXR/LDAXR, LDXP/LDAXP, and STXR/STLXR, STXP/STLXP. The vectors start with the exclusive
    monitor clear, so every store exclusive fails: status 1, memory untouched."""
    pair_form = r.random() < 0.35
    size = (2 | bits(r, 1)) if pair_form else bits(r, 2)
    load, o0 = bits(r, 1), bits(r, 1)
    n, t = reg(r), reg(r)
    rs, t2 = 31, 31
    if pair_form:
        t2 = reg(r)
        if load and t == t2:
            return CU   # Unpredictable_LDPOVERLAP
    if not load:
        rs = reg(r)
        if rs == t or (pair_form and rs == t2):
            return CU   # Unpredictable_DATAOVERLAP
        if rs == n and n != 31:
            return CU   # Unpredictable_BASEOVERLAP
    word = size << 30 | 0b001000 << 24 | load << 22 | int(pair_form) << 21 | rs << 16 | o0 << 15 | t2 << 10 | n << 5 | t
    esize = 1 << size
    count = 2 if pair_form else 1
    return Inst(word, Mem("imm", n=n, size=esize, count=count, align=esize * count))


def ordered(r):
    """LDAR, STLR (all sizes): Rs and Rt2 are should-be-one."""
    word = bits(r, 2) << 30 | 0b001000 << 24 | 1 << 23 | bits(r, 1) << 22 | 0b11111 << 16 | 1 << 15 | 0b11111 << 10
    n, t = reg(r), reg(r)
    return Inst(word | n << 5 | t, Mem("imm", n=n, size=1 << (word >> 30)))


def unaligned(r):
    """A load or store of 2, 4 or 8 bytes (single or pair) at an address that is not a
    multiple of its size, base not SP. See KNOWN_DIFFERENCES.md."""
    forms = [lambda r: single_imm9(r, 0b00), lambda r: single_imm9(r, 0b01), lambda r: single_imm9(r, 0b10),
             lambda r: single_imm9(r, 0b11), single_uimm, single_reg,
             lambda r: pair(r, 0b00), lambda r: pair(r, 0b01), lambda r: pair(r, 0b10), lambda r: pair(r, 0b11)]
    while True:
        i = r.choice(forms)(r)
        if i == CU:
            return CU
        m = i.mem
        if m.prefetch or m.size == 1 or m.n == 31 or (m.kind == "reg" and m.n == m.m):
            continue
        m.misalign = True
        return i


# --- System (hints, barriers, CLREX, NZCV) --------------------------------------------------

def system(r):
    k = r.random()
    if k < 0.3:
        # HINT #0..127 except WFE (2) and WFI (3): NOP, YIELD, SEV, SEVL and the hints ARMv8.0
        # leaves unallocated, which execute as NOP.
        imm = r.choice([i for i in range(128) if i not in (2, 3)])
        return Inst(0xD503201F | imm << 5)
    if k < 0.6:
        # CLREX, DSB, DMB, ISB with any CRm.
        op2 = r.choice([0b010, 0b100, 0b101, 0b110])
        return Inst(0xD503301F | bits(r, 4) << 8 | op2 << 5)
    if k < 0.8:
        return Inst(0xD53B4200 | reg(r))   # MRS Xt, NZCV
    return Inst(0xD51B4200 | reg(r))       # MSR NZCV, Xt


# id, name, Arm ARM C4.1 class, generator. Branch groups accept a next-instruction fetch
# failure in Unicorn (the branch has completed; only the fetch at its target failed).
GROUPS = [
    (1, "dpimm.pcrel", "Data processing -- immediate: PC-rel. addressing (ADR, ADRP)", pcrel),
    (2, "dpimm.addsub", "Data processing -- immediate: add/subtract (immediate)", addsub_imm),
    (3, "dpimm.logical", "Data processing -- immediate: logical (immediate)", logical_imm),
    (4, "dpimm.movewide", "Data processing -- immediate: move wide (immediate)", move_wide),
    (5, "dpimm.bitfield", "Data processing -- immediate: bitfield", bitfield),
    (6, "dpimm.extract", "Data processing -- immediate: extract", extract),
    (7, "dpreg.logical", "Data processing -- register: logical (shifted register)", logical_shifted),
    (8, "dpreg.addsub.shifted", "Data processing -- register: add/subtract (shifted register)", addsub_shifted),
    (9, "dpreg.addsub.extended", "Data processing -- register: add/subtract (extended register)", addsub_extended),
    (10, "dpreg.addsub.carry", "Data processing -- register: add/subtract (with carry)", addsub_carry),
    (11, "dpreg.ccmp.reg", "Data processing -- register: conditional compare (register)", ccmp_reg),
    (12, "dpreg.ccmp.imm", "Data processing -- register: conditional compare (immediate)", ccmp_imm),
    (13, "dpreg.csel", "Data processing -- register: conditional select", csel),
    (14, "dpreg.1src", "Data processing -- register: data-processing (1 source)", dp1),
    (15, "dpreg.2src", "Data processing -- register: data-processing (2 source)", dp2),
    (16, "dpreg.3src", "Data processing -- register: data-processing (3 source)", dp3),
    (17, "branch.cond", "Branches: conditional branch (immediate) (B.cond)", b_cond),
    (18, "branch.cbz", "Branches: compare and branch (immediate) (CBZ, CBNZ)", cb),
    (19, "branch.tbz", "Branches: test and branch (immediate) (TBZ, TBNZ)", tb),
    (20, "branch.imm", "Branches: unconditional branch (immediate) (B, BL)", b_imm),
    (21, "branch.reg", "Branches: unconditional branch (register) (BR, BLR, RET)", b_reg),
    (22, "ls.literal", "Loads and stores: load register (literal), PRFM (literal)", literal),
    (23, "ls.unscaled", "Loads and stores: load/store register (unscaled immediate), PRFUM", lambda r: single_imm9(r, 0b00)),
    (24, "ls.post", "Loads and stores: load/store register (immediate post-indexed)", lambda r: single_imm9(r, 0b01)),
    (25, "ls.unpriv", "Loads and stores: load/store register (unprivileged)", lambda r: single_imm9(r, 0b10)),
    (26, "ls.pre", "Loads and stores: load/store register (immediate pre-indexed)", lambda r: single_imm9(r, 0b11)),
    (27, "ls.regoff", "Loads and stores: load/store register (register offset), PRFM", single_reg),
    (28, "ls.uimm", "Loads and stores: load/store register (unsigned immediate), PRFM", single_uimm),
    (29, "ls.pair.nontemporal", "Loads and stores: load/store no-allocate pair (offset)", lambda r: pair(r, 0b00)),
    (30, "ls.pair.post", "Loads and stores: load/store register pair (post-indexed), LDPSW", lambda r: pair(r, 0b01)),
    (31, "ls.pair.offset", "Loads and stores: load/store register pair (offset), LDPSW", lambda r: pair(r, 0b10)),
    (32, "ls.pair.pre", "Loads and stores: load/store register pair (pre-indexed), LDPSW", lambda r: pair(r, 0b11)),
    (33, "ls.exclusive", "Loads and stores: load/store exclusive (LDXR, LDAXR, LDXP, LDAXP; STXR, STXP failing)", exclusive),
    (34, "ls.ordered", "Loads and stores: load-acquire/store-release (LDAR, STLR)", ordered),
    (35, "ls.unaligned", "Loads and stores: unaligned single and pair accesses with the MMU off", unaligned),
    (36, "system", "Branches, exception generating and system: hints, barriers, CLREX, MRS/MSR NZCV", system),
]

BRANCH_GROUPS = {17, 18, 19, 20, 21}


def by_name():
    return {name: (gid, desc, gen) for gid, name, desc, gen in GROUPS}
