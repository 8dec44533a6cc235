"""The AArch32 half of generate.py (`--set a32`, `t32`, `vfp`, `neon`): Unicorn's ARM CPU (Cortex-A15
model for A32 and T32, the "max" model, an A15 with ARMv8's AArch32 additions, for VFP; SVC
mode) as the reference, one instruction per vector.

For every group of groups_a32.py, groups_t32.py or groups_vfp.py: draw a random valid encoding
and a random initial state (refstate32.State32 from a 64-bit seed, plus overrides from
placement32), execute that one instruction in Unicorn and record what changed
(vecformat.Vector32).
"""

import struct

import unicorn
from unicorn import arm_const as A

import groups_a32 as GA
import placement32
import refstate32
import vecformat
from refstate32 import MASK32, WINDOW_BASE, WINDOW_SIZE

CPU_MODEL = "cortex-a15"
CPU_MODELS = {"a32": "cortex-a15", "t32": "cortex-a15", "vfp": "max", "neon": "max", "crc": "max"}
UC_MODELS = {"cortex-a15": A.UC_CPU_ARM_CORTEX_A15, "max": A.UC_CPU_ARM_MAX}
CLREX = 0xF57FF01F
YIELD = 0x0320_F001      # without the cond field
RREGS = [getattr(A, f"UC_ARM_REG_R{i}") for i in range(15)]
DREGS = [getattr(A, f"UC_ARM_REG_D{i}") for i in range(32)]
CPSR_T = 1 << 5
FPEXC_EN = 0x4000_0000
T32_UDF = 0xDE00
CPACR_CP10_CP11 = 0x00F0_0000     # cp10 and cp11: full access


class GeneratorBug(Exception):
    pass


class Reference32:
    """One Unicorn instance, reused: RAM at RAM_BASE, SVC mode, Cortex-A15 or "max" (`model`;
    default: "max" with the FP state, `fp`, the A15 without)."""

    def __init__(self, fp=False, model=None):
        uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_ARM)
        uc.ctl_set_cpu_model(UC_MODELS[model or ("max" if fp else "cortex-a15")])
        self.fp = fp
        uc.mem_map(refstate32.RAM_BASE, refstate32.RAM_SIZE)
        self.uc = uc
        self.stray = []
        uc.hook_add(unicorn.UC_HOOK_MEM_READ | unicorn.UC_HOOK_MEM_WRITE, self._access)
        cpsr = uc.reg_read(A.UC_ARM_REG_CPSR)
        if cpsr & 0x1FF != refstate32.CPSR_BASE:
            raise GeneratorBug(f"Unicorn does not start in SVC mode with A, I, F masked (CPSR 0x{cpsr:x})")

    def _access(self, uc, access, address, size, value, user):
        if not (WINDOW_BASE <= address and address + size <= WINDOW_BASE + WINDOW_SIZE):
            self.stray.append((address, size))

    def _step(self, pc, word, thumb=False, udf_after=False):
        uc = self.uc
        if thumb:
            code = b"".join(struct.pack("<H", h) for h in vecformat.t32_halfwords(word))
            # UDF after an instruction in an IT block: see generate_group32.
            uc.mem_write(pc, code + (struct.pack("<H", T32_UDF) if udf_after else b""))
        else:
            uc.mem_write(pc, struct.pack("<I", word))
        uc.ctl_remove_cache(pc & ~3, (pc & ~3) + 8)
        try:
            # Bit 0 of the start address selects T32 state.
            uc.emu_start(pc | (1 if thumb else 0), 0xFFFF_FFFF, count=1)
            return None
        except unicorn.UcError as e:
            return e.errno

    def run(self, word, state):
        """Execute `word` from `state`. Returns (error, final) where final is a dict."""
        uc = self.uc
        # The exclusive monitor starts clear, as in the replay's fresh CPU: a CLREX first.
        uc.reg_write(A.UC_ARM_REG_CPSR, refstate32.CPSR_BASE)
        if self._step(state.pc & ~3, CLREX) is not None:
            raise GeneratorBug("CLREX failed")
        uc.mem_write(state.pc & ~3, bytes(8))
        uc.reg_write(A.UC_ARM_REG_CPSR, state.cpsr)
        if uc.reg_read(A.UC_ARM_REG_CPSR) != state.cpsr:
            raise GeneratorBug(f"Unicorn keeps CPSR 0x{uc.reg_read(A.UC_ARM_REG_CPSR):x}, not 0x{state.cpsr:x}")
        for i, r in enumerate(RREGS):
            uc.reg_write(r, state.r[i])
        uc.mem_write(WINDOW_BASE, state.window)
        if self.fp:
            uc.reg_write(A.UC_ARM_REG_C1_C0_2, CPACR_CP10_CP11)
            uc.reg_write(A.UC_ARM_REG_FPEXC, FPEXC_EN)
            for i, r in enumerate(DREGS):
                uc.reg_write(r, state.d[i])
            uc.reg_write(A.UC_ARM_REG_FPSCR, state.fpscr)
            if uc.reg_read(A.UC_ARM_REG_FPSCR) != state.fpscr:
                raise GeneratorBug(f"Unicorn keeps FPSCR 0x{uc.reg_read(A.UC_ARM_REG_FPSCR):x}, not 0x{state.fpscr:x}")
        self.stray = []
        err = self._step(state.pc, word, state.thumb, udf_after=state.it != 0)
        cpsr = uc.reg_read(A.UC_ARM_REG_CPSR)
        final = {
            "r": [uc.reg_read(r) & MASK32 for r in RREGS],
            "pc": uc.reg_read(A.UC_ARM_REG_PC) & MASK32,
            "cpsr": cpsr,
            "window": bytes(uc.mem_read(WINDOW_BASE, WINDOW_SIZE)),
        }
        if self.fp:
            final["d"] = [uc.reg_read(r) for r in DREGS]
            final["fpscr"] = uc.reg_read(A.UC_ARM_REG_FPSCR)
            if uc.reg_read(A.UC_ARM_REG_FPEXC) != FPEXC_EN:
                raise GeneratorBug(f"word 0x{word:08x} changed FPEXC")
        uc.mem_write(state.pc & ~3, bytes(8))
        uc.ctl_remove_cache(state.pc & ~3, (state.pc & ~3) + 8)
        if self.stray:
            raise GeneratorBug(f"word 0x{word:08x} accessed {self.stray} outside the window")
        return err, final


def length(word, thumb):
    return (4 if word >> 16 else 2) if thumb else 4


def make_vector32(gid, word, seed, init, state, final, mode=0):
    cpsr = final["cpsr"]
    if cpsr & 0x1F != refstate32.MODE_SVC:
        raise GeneratorBug(f"word 0x{word:08x} left SVC mode (CPSR 0x{cpsr:x})")
    if cpsr & ~(0xF800_0000 | 0x000F_0000 | CPSR_T) != refstate32.CPSR_BASE:
        raise GeneratorBug(f"word 0x{word:08x} changed CPSR bits other than NZCV, Q, GE, T (0x{cpsr:x})")
    regs = [(i, v) for i, v in enumerate(final["r"]) if v != state.r[i]]
    mem = [(k, b) for k, (a, b) in enumerate(zip(state.window, final["window"])) if a != b]
    pc = None if final["pc"] == (state.pc + length(word, state.thumb)) & MASK32 else final["pc"]
    q, ge, t = (cpsr >> 27) & 1, (cpsr >> 16) & 0xF, (cpsr >> 5) & 1
    psr = None
    if q != state.q or ge != state.ge or t != state.thumb:
        psr = ge | (vecformat.PSR_Q if q else 0) | (vecformat.PSR_T if t else 0)
    d = [(i, v) for i, v in enumerate(final.get("d", ())) if v != state.d[i]]
    return vecformat.Vector32(gid, word, seed, init, regs, pc, cpsr & 0xF000_0000, psr, mem,
                              mode, final.get("fpscr", 0), d)


def is_yield(word, thumb):
    if thumb:
        return word in (0xBF10, 0xF3AF_8001)
    return word & 0x0FFF_FFFF == YIELD


def disassembles(disasm, word, thumb):
    if thumb:
        code = b"".join(struct.pack("<H", h) for h in vecformat.t32_halfwords(word))
        d = list(disasm.disasm(code, 0))
        return bool(d) and d[0].size == len(code)
    return bool(list(disasm.disasm(struct.pack("<I", word), 0)))


def generate_group32(ref, disasm, gid, gen, count, r, stats, kind=vecformat.KIND_A32):
    """`count` vectors of one A32, T32 or VFP group; returns them encoded
    (vecformat.encode_vector32). `disasm` maps False/True to capstone's ARM and Thumb
    disassemblers (or is None)."""
    out = []
    attempts = 0
    fp = kind in vecformat.FP_KINDS
    while len(out) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise GeneratorBug(f"group {gid}: too many rejected draws ({stats})")
        inst = gen(r)
        if inst == GA.CU:
            stats["skipped: (CONSTRAINED) UNPREDICTABLE"] += 1
            continue
        word = inst.word
        thumb = kind == vecformat.KIND_T32 or getattr(inst, "thumb", False)
        if disasm is not None and not disassembles(disasm[thumb], word, thumb):
            al = getattr(inst, "capstone_al", False) and word & 0x0FFF_FFFF | 0xE000_0000
            if not al or not disassembles(disasm[thumb], al, thumb):
                stats["skipped: capstone says unallocated"] += 1
                continue
            # LLVM calls CRC32 "not predicable" and refuses any cond but AL; checked with AL.
            stats["kept: capstone refuses cond != AL (checked with AL)"] += 1
        seed = r.getrandbits(64)
        profile = getattr(inst, "profile", 0)
        state = refstate32.State32(seed, thumb=thumb, fp=fp, profile=profile)
        init = []
        if thumb and r.random() < 0.5 and placement32.code_address_ok(state.pc + 2, thumb=True):
            # Half of the T32 vectors sit at an address that is not a multiple of 4 (which
            # Align(PC, 4) in the literal forms and ADR must see).
            init.append((refstate32.REG_PC, state.pc + 2))
            state.set_reg(refstate32.REG_PC, state.pc + 2)
        placed = placement32.place(r, inst, state)
        if placed is None:
            stats["redrawn: placement"] += 1
            continue
        if getattr(inst, "it", None) is not None:
            placed = placed + [(refstate32.REG_ITSTATE, inst.it)]
        init = list(dict(init + placed).items())
        for reg, value in init:
            state.set_reg(reg, value)
        if state.it and not placement32.code_address_ok(state.pc, thumb=True, extra=2):
            stats["redrawn: placement"] += 1      # the UDF after the instruction must fit too
            continue
        skip = getattr(inst, "skip", None)
        reason = skip(state) if skip else None
        if reason:
            # A documented Unicorn departure (KNOWN_DIFFERENCES.md) that this state would show.
            stats[reason] += 1
            continue
        err, final = ref.run(word, state)
        step = length(word, thumb)
        if (err == unicorn.UC_ERR_INSN_INVALID and state.it and final["pc"] == (state.pc + step) & MASK32
                and final["cpsr"] & 0x0600_FC00 == 0):
            # QEMU runs a condition-failed instruction of an IT block together with the next one,
            # so a single step goes one instruction too far; the UDF placed after it stops it
            # there, with the failed instruction's state.
            stats["kept: condition failed in an IT block (stopped by the UDF after it)"] += 1
            err = None
        if err is not None:
            if err == unicorn.UC_ERR_FETCH_UNMAPPED and final["pc"] != (state.pc + step) & MASK32:
                stats["kept: branch target outside RAM"] += 1
            elif (err == unicorn.UC_ERR_INSN_INVALID and is_yield(word, thumb)
                  and final["pc"] == (state.pc + step) & MASK32):
                # QEMU ends a YIELD (passed or failed) with its internal EXCP_YIELD, after the PC
                # has moved on; Unicorn reports that as an invalid instruction.
                stats["kept: YIELD (Unicorn reports UC_ERR_INSN_INVALID after it)"] += 1
            elif err in (unicorn.UC_ERR_EXCEPTION, unicorn.UC_ERR_INSN_INVALID) and state.it:
                # Rare: Unicorn stops after the instruction with ITSTATE still set.
                stats["skipped: IT block: Unicorn stopped with ITSTATE still set"] += 1
                continue
            elif err in (unicorn.UC_ERR_EXCEPTION, unicorn.UC_ERR_INSN_INVALID):
                stats["skipped: Unicorn UNDEFINED"] += 1
                continue
            else:
                stats[f"skipped: Unicorn error {err} ({unicorn.UcError(err)})"] += 1
                continue
        if final["cpsr"] & CPSR_T == 0 and final["pc"] & 3:
            # A write of an address with bits 1:0 = '10' to the PC in A32 state (LDR PC, BX):
            # BXWritePC calls it CONSTRAINED UNPREDICTABLE.
            stats["skipped: PC with bits 1:0 = 10 in A32 state"] += 1
            continue
        mode = (vecformat.MODE_T32 if thumb else 0) | profile << 4
        out.append(vecformat.encode_vector32(make_vector32(gid, word, seed, init, state, final, mode), kind))
    return out
