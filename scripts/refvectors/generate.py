#!/usr/bin/env python3
"""Generate reference vectors for the A64 and A32 instructions with Unicorn as the reference.

    python3 -m pip install unicorn==2.1.4 capstone==5.0.7
    python3 scripts/refvectors/generate.py --set integer|fpsimd|a32|t32|vfp|neon|crc [--per-group N] [--seed S]
                                           [--groups a,b] [--out FILE] [--jobs J]

For every encoding group of the set (groups.py, groups_fpsimd.py): draw a random valid encoding
and a random initial state (refstate.State from a 64-bit seed, plus overrides that aim loads
and stores at the data window), execute that one instruction in Unicorn at EL1 (Cortex-A57
model), and record what changed. See README.md for the file format. The A32 set (groups_a32.py)
runs in Unicorn's ARM CPU instead (Cortex-A15 model, SVC mode): reference32.py; so do the T32 set
(groups_t32.py, T32 state), the VFP set (groups_vfp.py, the "max" model) and the Advanced SIMD
set (groups_neon.py, the same) and the AArch32 CRC32 set (groups_crc.py, the "max" model: the A15
has no CRC32).
"""

import argparse
import collections
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import groups as G            # noqa: E402
import groups_a32 as GA       # noqa: E402
import groups_fpsimd as GF    # noqa: E402
import groups_t32 as GT       # noqa: E402
import groups_vfp as GV       # noqa: E402
import groups_neon as GN      # noqa: E402
import groups_crc as GC       # noqa: E402
import placement              # noqa: E402
import refstate               # noqa: E402
import vecformat              # noqa: E402
from refstate import REG_PC, REG_SP, WINDOW_BASE, WINDOW_SIZE  # noqa: E402

try:
    import unicorn
    from unicorn import arm64_const as A
except ImportError:
    sys.exit("generate.py needs Unicorn: python3 -m pip install unicorn==2.1.4")

try:
    import capstone
except ImportError:
    capstone = None

UNICORN_VERSION = "2.1.4"
CPU_MODEL = "cortex-a57"
CLREX = 0xD503305F
XREGS = [getattr(A, f"UC_ARM64_REG_X{i}") for i in range(31)]
QREGS = [getattr(A, f"UC_ARM64_REG_Q{i}") for i in range(32)]


class GeneratorBug(Exception):
    pass


class Reference:
    """One Unicorn instance, reused: RAM at RAM_BASE, EL1h, Cortex-A57."""

    def __init__(self):
        uc = unicorn.Uc(unicorn.UC_ARCH_ARM64, unicorn.UC_MODE_ARM)
        uc.ctl_set_cpu_model(A.UC_CPU_ARM64_A57)
        uc.mem_map(refstate.RAM_BASE, refstate.RAM_SIZE)
        self.uc = uc
        self.stray = []
        uc.hook_add(unicorn.UC_HOOK_MEM_READ | unicorn.UC_HOOK_MEM_WRITE, self._access)
        pstate = uc.reg_read(A.UC_ARM64_REG_PSTATE)
        if pstate & 0xF != 0b0101:
            raise GeneratorBug(f"Unicorn does not start in EL1h (PSTATE 0x{pstate:x})")

    def _access(self, uc, access, address, size, value, user):
        if not (WINDOW_BASE <= address and address + size <= WINDOW_BASE + WINDOW_SIZE):
            self.stray.append((address, size))

    def _step(self, pc, word):
        uc = self.uc
        uc.mem_write(pc, struct.pack("<I", word))
        uc.ctl_remove_cache(pc, pc + 4)
        try:
            uc.emu_start(pc, 0xFFFF_FFFF_FFFF_FFFF, count=1)
            return None
        except unicorn.UcError as e:
            return e.errno

    def run(self, word, state):
        """Execute `word` from `state`. Returns (error, final) where final is a dict."""
        uc = self.uc
        # Clear the exclusive monitor (a CLREX at the same address), so that every vector
        # starts with it clear, as the replay's fresh CPU state does.
        uc.reg_write(A.UC_ARM64_REG_NZCV, 0)
        if self._step(state.pc, CLREX) is not None:
            raise GeneratorBug("CLREX failed")
        for i, r in enumerate(XREGS):
            uc.reg_write(r, state.x[i])
        uc.reg_write(A.UC_ARM64_REG_SP, state.sp)
        uc.reg_write(A.UC_ARM64_REG_NZCV, state.nzcv)
        for i, r in enumerate(QREGS):
            uc.reg_write(r, state.v[i])
        uc.reg_write(A.UC_ARM64_REG_FPCR, state.fpcr)
        uc.reg_write(A.UC_ARM64_REG_FPSR, state.fpsr)
        if uc.reg_read(A.UC_ARM64_REG_FPCR) != state.fpcr:
            raise GeneratorBug(f"Unicorn keeps FPCR 0x{uc.reg_read(A.UC_ARM64_REG_FPCR):x}, not 0x{state.fpcr:x}")
        uc.mem_write(WINDOW_BASE, state.window)
        self.stray = []
        err = self._step(state.pc, word)
        final = {
            "x": [uc.reg_read(r) for r in XREGS],
            "sp": uc.reg_read(A.UC_ARM64_REG_SP),
            "pc": uc.reg_read(A.UC_ARM64_REG_PC),
            "nzcv": uc.reg_read(A.UC_ARM64_REG_NZCV) & 0xF000_0000,
            "window": bytes(uc.mem_read(WINDOW_BASE, WINDOW_SIZE)),
            "v": [uc.reg_read(r) for r in QREGS],
            # FPSR bits 31..28 are AArch32's FPSCR.NZCV, which QEMU keeps in the same word.
            "fpsr": uc.reg_read(A.UC_ARM64_REG_FPSR) & refstate.FPSR_MASK,
            "fpcr": uc.reg_read(A.UC_ARM64_REG_FPCR),
        }
        uc.mem_write(state.pc, b"\0\0\0\0")
        uc.ctl_remove_cache(state.pc, state.pc + 4)
        if self.stray:
            raise GeneratorBug(f"word 0x{word:08x} accessed {self.stray} outside the window")
        return err, final


def capstone_false_reject(word):
    """Capstone 5 (LLVM's decoder) refuses LDTR, LDTRB, LDTRH, LDTRSB, LDTRSH, LDTRSW with
    Rt == Rn, applying the writeback-overlap check of the pre/post-indexed forms to a form
    that has no writeback. The Arm ARM allocates these words (C6.2 LDTR: no constraint on
    Rt and Rn); GNU objdump disassembles them."""
    unpriv = word & 0x3F20_0C00 == 0x3800_0800
    is_load = (word >> 22) & 3 != 0
    return unpriv and is_load and (word & 31) == (word >> 5) & 31


def make_vector(gid, word, seed, profile, init, state, final):
    regs = [(i, v) for i, v in enumerate(final["x"]) if v != state.x[i]]
    if final["sp"] != state.sp:
        regs.append((REG_SP, final["sp"]))
    mem = [(k, b) for k, (a, b) in enumerate(zip(state.window, final["window"])) if a != b]
    vs = [(i, v) for i, v in enumerate(final["v"]) if v != state.v[i]]
    if final["fpcr"] != state.fpcr:
        raise GeneratorBug(f"word 0x{word:08x} changed FPCR")
    pc = None if final["pc"] == (state.pc + 4) & refstate.MASK64 else final["pc"]
    fpsr = None if final["fpsr"] == state.fpsr else final["fpsr"]
    return vecformat.Vector(gid, word, seed, init, regs, pc, final["nzcv"], mem, profile, vs, fpsr)


def generate_group(ref, disasm, gid, gen, count, r, stats):
    """`count` vectors of one group; returns them encoded (vecformat.encode_vector)."""
    out = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise GeneratorBug(f"group {gid}: too many rejected draws ({stats})")
        inst = gen(r)
        if inst == G.CU:
            stats["skipped: CONSTRAINED UNPREDICTABLE"] += 1
            continue
        word = inst.word
        if disasm is not None:
            d = list(disasm.disasm(struct.pack("<I", word), 0))
            if not d:
                if capstone_false_reject(word):
                    stats["kept: capstone rejects LDTR* with Rt == Rn"] += 1
                else:
                    stats["skipped: capstone says unallocated"] += 1
                    continue
            elif GF.later_than_v80(d[0].mnemonic, d[0].op_str):
                stats["skipped: capstone names a post-ARMv8.0 instruction"] += 1
                continue
        seed = r.getrandbits(64)
        state = refstate.State(seed, profile=inst.profile)
        init = placement.place(r, inst, state)
        if init is None:
            stats["redrawn: address placement"] += 1
            continue
        for reg, value in init:
            state.set_reg(reg, value)
        err, final = ref.run(word, state)
        if err is not None:
            if err == unicorn.UC_ERR_FETCH_UNMAPPED and gid in G.BRANCH_GROUPS and final["pc"] != state.pc:
                stats["kept: branch target outside RAM"] += 1
            elif err == unicorn.UC_ERR_EXCEPTION:
                # UNDEFINED on Unicorn's Cortex-A57: an encoding the generator's class allows
                # but ARMv8.0 (as QEMU models the A57) leaves unallocated.
                stats["skipped: Unicorn UNDEFINED"] += 1
                continue
            else:
                stats[f"skipped: Unicorn error {err} ({unicorn.UcError(err)})"] += 1
                continue
        out.append(vecformat.encode_vector(make_vector(gid, word, seed, inst.profile, init, state, final)))
    return out


SETS = {"integer": G.GROUPS, "fpsimd": GF.GROUPS, "a32": GA.GROUPS, "t32": GT.GROUPS, "vfp": GV.GROUPS, "neon": GN.GROUPS,
        "crc": GC.GROUPS}
KINDS32 = {"a32": vecformat.KIND_A32, "t32": vecformat.KIND_T32, "vfp": vecformat.KIND_VFP, "neon": vecformat.KIND_NEON,
           "crc": vecformat.KIND_A32T32}


def _worker(job):
    """One group in a worker process: (gid, name, encoded vectors, stats line)."""
    set_name, name, count, seed = job
    gid, gen = next((g[0], g[3]) for g in SETS[set_name] if g[1] == name)
    # Each group draws from its own stream, so that changing one group leaves the others.
    r = random.Random(f"{seed}/{name}")
    stats = collections.Counter()
    if set_name in KINDS32:
        import reference32
        disasm = None
        if capstone:
            disasm = {False: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM),
                      True: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB)}
            if reference32.CPU_MODELS[set_name] == "max":
                for d in disasm.values():
                    d.mode |= capstone.CS_MODE_V8
        kind = KINDS32[set_name]
        ref = reference32.Reference32(fp=kind in vecformat.FP_KINDS, model=reference32.CPU_MODELS[set_name])
        vs = reference32.generate_group32(ref, disasm, gid, gen, count, r, stats, kind)
    else:
        ref = Reference()
        disasm = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM) if capstone else None
        vs = generate_group(ref, disasm, gid, gen, count, r, stats)
    extra = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    return gid, name, vs, f"{gid:3} {name:28} {len(vs):6}  {extra}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=sorted(SETS), default="integer",
                    help="which instruction set's groups and file (default integer)")
    ap.add_argument("--per-group", type=int, default=None,
                    help="vectors per encoding group (default: each group's own count, 2000 for integer)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the whole run (default 1)")
    ap.add_argument("--groups", default="", help="comma-separated group names (default: all)")
    ap.add_argument("--out", default=None, help="output file (default: the set's committed file)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (the output does not depend on it)")
    args = ap.parse_args()

    if unicorn.__version__ != UNICORN_VERSION:
        print(f"warning: Unicorn {unicorn.__version__}, the committed vectors come from {UNICORN_VERSION}",
              file=sys.stderr)
    if capstone is None:
        print("warning: capstone not installed; words are not cross-checked against it", file=sys.stderr)
    groups = SETS[args.set]
    out_path = args.out or vecformat.FILES[args.set]

    wanted = set(filter(None, args.groups.split(",")))
    unknown = wanted - {g[1] for g in groups}
    if unknown:
        sys.exit(f"unknown groups in set {args.set}: {', '.join(sorted(unknown))}")
    jobs = []
    for g in groups:
        gid, name, gen = g[0], g[1], g[3]
        if wanted and name not in wanted:
            continue
        count = args.per_group if args.per_group is not None else (g[4] if len(g) > 4 else 2000)
        jobs.append((args.set, name, count, args.seed))
    encoded = []
    if args.jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.imap(_worker, jobs)
            for gid, name, vs, line in results:
                encoded += vs
                print(line, flush=True)
    else:
        for job in jobs:
            gid, name, vs, line = _worker(job)
            encoded += vs
            print(line, flush=True)

    argstr = (f"--set {args.set} --seed {args.seed}"
              + (f" --per-group {args.per_group}" if args.per_group is not None else "")
              + (f" --groups {args.groups}" if wanted else ""))
    a32 = args.set in KINDS32
    if a32:
        import reference32
    header = vecformat.Header(
        (refstate.RAM_BASE, refstate.RAM_SIZE, WINDOW_BASE, WINDOW_SIZE),
        f"unicorn {unicorn.__version__}", reference32.CPU_MODELS[args.set] if a32 else CPU_MODEL, argstr,
        [(g[0], g[1]) for g in groups], KINDS32[args.set] if a32 else vecformat.KIND_A64)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    vecformat.write(out_path, header, encoded, encoded=encoded)
    print(f"{len(encoded)} vectors, {os.path.getsize(out_path)} bytes: {os.path.relpath(out_path)}")


if __name__ == "__main__":
    main()
