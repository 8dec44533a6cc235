"""The A32 half of generate.py (`--set a32`): Unicorn's ARM CPU (Cortex-A15 model, A32 state,
SVC mode) as the reference, one instruction per vector.

For every group of groups_a32.py: draw a random valid encoding and a random initial state
(refstate32.State32 from a 64-bit seed, plus overrides from placement32), execute that one
instruction in Unicorn and record what changed (vecformat.Vector32).
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
CLREX = 0xF57FF01F
YIELD = 0x0320_F001      # without the cond field
RREGS = [getattr(A, f"UC_ARM_REG_R{i}") for i in range(15)]
CPSR_T = 1 << 5


class GeneratorBug(Exception):
    pass


class Reference32:
    """One Unicorn instance, reused: RAM at RAM_BASE, SVC mode, Cortex-A15."""

    def __init__(self):
        uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_ARM)
        uc.ctl_set_cpu_model(A.UC_CPU_ARM_CORTEX_A15)
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

    def _step(self, pc, word):
        uc = self.uc
        uc.mem_write(pc, struct.pack("<I", word))
        uc.ctl_remove_cache(pc, pc + 4)
        try:
            uc.emu_start(pc, 0xFFFF_FFFF, count=1)
            return None
        except unicorn.UcError as e:
            return e.errno

    def run(self, word, state):
        """Execute `word` from `state`. Returns (error, final) where final is a dict."""
        uc = self.uc
        # The exclusive monitor starts clear, as in the replay's fresh CPU: a CLREX first.
        uc.reg_write(A.UC_ARM_REG_CPSR, refstate32.CPSR_BASE)
        if self._step(state.pc, CLREX) is not None:
            raise GeneratorBug("CLREX failed")
        uc.reg_write(A.UC_ARM_REG_CPSR, state.cpsr)
        if uc.reg_read(A.UC_ARM_REG_CPSR) != state.cpsr:
            raise GeneratorBug(f"Unicorn keeps CPSR 0x{uc.reg_read(A.UC_ARM_REG_CPSR):x}, not 0x{state.cpsr:x}")
        for i, r in enumerate(RREGS):
            uc.reg_write(r, state.r[i])
        uc.mem_write(WINDOW_BASE, state.window)
        self.stray = []
        err = self._step(state.pc, word)
        cpsr = uc.reg_read(A.UC_ARM_REG_CPSR)
        final = {
            "r": [uc.reg_read(r) & MASK32 for r in RREGS],
            "pc": uc.reg_read(A.UC_ARM_REG_PC) & MASK32,
            "cpsr": cpsr,
            "window": bytes(uc.mem_read(WINDOW_BASE, WINDOW_SIZE)),
        }
        uc.mem_write(state.pc, b"\0\0\0\0")
        uc.ctl_remove_cache(state.pc, state.pc + 4)
        if self.stray:
            raise GeneratorBug(f"word 0x{word:08x} accessed {self.stray} outside the window")
        return err, final


def make_vector32(gid, word, seed, init, state, final):
    cpsr = final["cpsr"]
    if cpsr & 0x1F != refstate32.MODE_SVC:
        raise GeneratorBug(f"word 0x{word:08x} left SVC mode (CPSR 0x{cpsr:x})")
    if cpsr & ~(0xF800_0000 | 0x000F_0000 | CPSR_T) != refstate32.CPSR_BASE:
        raise GeneratorBug(f"word 0x{word:08x} changed CPSR bits other than NZCV, Q, GE, T (0x{cpsr:x})")
    regs = [(i, v) for i, v in enumerate(final["r"]) if v != state.r[i]]
    mem = [(k, b) for k, (a, b) in enumerate(zip(state.window, final["window"])) if a != b]
    pc = None if final["pc"] == (state.pc + 4) & MASK32 else final["pc"]
    q, ge, t = (cpsr >> 27) & 1, (cpsr >> 16) & 0xF, (cpsr >> 5) & 1
    psr = None
    if q != state.q or ge != state.ge or t:
        psr = ge | (vecformat.PSR_Q if q else 0) | (vecformat.PSR_T if t else 0)
    return vecformat.Vector32(gid, word, seed, init, regs, pc, cpsr & 0xF000_0000, psr, mem)


def generate_group32(ref, disasm, gid, gen, count, r, stats):
    """`count` vectors of one A32 group; returns them encoded (vecformat.encode_vector32)."""
    out = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise GeneratorBug(f"group {gid}: too many rejected draws ({stats})")
        inst = gen(r)
        if inst == GA.CU:
            stats["skipped: (CONSTRAINED) UNPREDICTABLE"] += 1
            continue
        word = inst.word
        if disasm is not None and not list(disasm.disasm(struct.pack("<I", word), 0)):
            stats["skipped: capstone says unallocated"] += 1
            continue
        seed = r.getrandbits(64)
        state = refstate32.State32(seed)
        init = placement32.place(r, inst, state)
        if init is None:
            stats["redrawn: placement"] += 1
            continue
        for reg, value in init:
            state.set_reg(reg, value)
        err, final = ref.run(word, state)
        if err is not None:
            if err == unicorn.UC_ERR_FETCH_UNMAPPED and final["pc"] != (state.pc + 4) & MASK32:
                stats["kept: branch target outside RAM"] += 1
            elif (err == unicorn.UC_ERR_INSN_INVALID and word & 0x0FFF_FFFF == YIELD
                  and final["pc"] == (state.pc + 4) & MASK32):
                # QEMU ends a YIELD (passed or failed) with its internal EXCP_YIELD, after the PC
                # has moved on; Unicorn reports that as an invalid instruction.
                stats["kept: YIELD (Unicorn reports UC_ERR_INSN_INVALID after it)"] += 1
            elif err in (unicorn.UC_ERR_EXCEPTION, unicorn.UC_ERR_INSN_INVALID):
                stats["skipped: Unicorn UNDEFINED"] += 1
                continue
            else:
                stats[f"skipped: Unicorn error {err} ({unicorn.UcError(err)})"] += 1
                continue
        if final["cpsr"] & CPSR_T == 0 and final["pc"] & 3:
            # A write of an address with bits 1:0 = '10' to the PC in A32 state (LDR PC):
            # BXWritePC calls it CONSTRAINED UNPREDICTABLE.
            stats["skipped: PC with bits 1:0 = 10 in A32 state"] += 1
            continue
        out.append(vecformat.encode_vector32(make_vector32(gid, word, seed, init, state, final)))
    return out
