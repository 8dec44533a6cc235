#!/usr/bin/env python3
"""Print reference vectors in full: the initial state that matters, the instruction
disassembled (capstone, optional) and what it changed. Use it on a mismatch the Swift replay
reports: it prints the `dump.py --word W --seed S` line to run.

    python3 scripts/refvectors/dump.py [--group NAME] [--word 0xW] [--seed 0xS] [--limit N]
                                       [--all-v] [FILE...]

Default files: every committed set (vecformat.FILES).
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import refstate       # noqa: E402
import refstate32     # noqa: E402
import vecformat      # noqa: E402

FPSR_BITS = [(27, "QC"), (7, "IDC"), (4, "IXC"), (3, "UFC"), (2, "OFC"), (1, "DZC"), (0, "IOC")]
RMODES = ["RN", "RP", "RM", "RZ"]


def reg_name(r):
    return {refstate.REG_SP: "SP", refstate.REG_PC: "PC"}.get(r, f"X{r}")


def fpsr_text(x):
    return f"0x{x:08x}" + ("(" + " ".join(n for b, n in FPSR_BITS if x >> b & 1) + ")" if x else "")


def fpcr_text(x):
    flags = [n for b, n in [(26, "AHP"), (25, "DN"), (24, "FZ")] if x >> b & 1]
    return f"0x{x:08x}({' '.join(flags + [RMODES[(x >> 22) & 3]])})"


def vtext(x):
    return f"0x{x >> 64:016x}_{x & (2**64 - 1):016x}"


def dump_a32(name, v, md, kind=vecformat.KIND_A32):
    """One A32, T32 or VFP vector: the instruction, the initial state and what changed."""
    thumb = kind == vecformat.KIND_T32 or bool(v.mode & vecformat.MODE_T32)
    fp = kind in vecformat.FP_KINDS
    s = refstate32.State32(v.seed, thumb=thumb, fp=fp, profile=v.mode >> 4)
    for r, x in v.init:
        s.set_reg(r, x)
    text = ""
    if md is not None:
        if thumb:
            code = b"".join(struct.pack("<H", h) for h in vecformat.t32_halfwords(v.word))
            d = list(md[True].disasm(code, s.pc))
        else:
            d = list(md[False].disasm(struct.pack("<I", v.word), s.pc))
        text = ("T32: " if thumb else "") + (f"{d[0].mnemonic} {d[0].op_str}" if d else "(capstone: unallocated)")
    rname = {13: "SP", 14: "LR", 15: "PC"}
    print(f"{name} word 0x{v.word:08x} seed 0x{v.seed:016x}  {text}")
    print(f"  initial: PC 0x{s.pc:08x} CPSR 0x{s.cpsr:08x} (NZCV {s.nzcv >> 28:04b} Q {s.q} GE {s.ge:04b}, SVC) "
          "overrides " + (", ".join(f"{rname.get(r, f'R{r}')}=0x{x:x}" for r, x in v.init) or "none"))
    print("  registers: " + " ".join(f"R{i}=0x{x:08x}" for i, x in enumerate(s.r)))
    q = (v.psr >> 4) & 1 if v.psr is not None else s.q
    ge = v.psr & 0xF if v.psr is not None else s.ge
    t = (v.psr >> 5) & 1 if v.psr is not None else int(thumb)
    pc = v.pc if v.pc is not None else s.pc + (2 if thumb and v.word >> 16 == 0 else 4)
    print(f"  final: PC 0x{pc:08x} T {t} NZCV {v.nzcv >> 28:04b} Q {q} GE {ge:04b}; "
          + (", ".join(f"R{r} 0x{s.r[r]:08x} -> 0x{x:08x}" for r, x in v.regs) or "no register changed"))
    if v.mem:
        print("  memory: " + ", ".join(f"window+0x{o:03x} {s.window[o]:02x}->{b:02x}" for o, b in v.mem))
    if fp:
        print(f"  FPSCR 0x{s.fpscr:08x} -> 0x{v.fpscr:08x} (profile {v.mode >> 4}); D registers: "
              + " ".join(f"D{n}=0x{x:016x}" for n, x in enumerate(s.d)))
        for n, x in v.d:
            print(f"  D{n} 0x{s.d[n]:016x} -> 0x{x:016x}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*",
                    default=list(vecformat.FILES.values()))
    ap.add_argument("--group")
    ap.add_argument("--word", type=lambda s: int(s, 0))
    ap.add_argument("--seed", type=lambda s: int(s, 0))
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--all-v", action="store_true", help="print all 32 initial V registers, not only the operands")
    args = ap.parse_args()
    try:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
        md32 = {False: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM | capstone.CS_MODE_V8),
                True: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_V8)}
    except ImportError:
        md = md32 = None
    shown = 0
    for path in args.files:
        if not os.path.exists(path):
            continue
        header, vectors = vecformat.read(path)
        names = dict(header.groups)
        fp_file = any(gid > 36 for gid in names)
        for v in vectors:
            if args.group and names[v.group] != args.group:
                continue
            if args.word is not None and v.word != args.word:
                continue
            if args.seed is not None and v.seed != args.seed:
                continue
            if shown == args.limit:
                return
            shown += 1
            if header.kind in vecformat.A32_KINDS:
                dump_a32(names[v.group], v, md32, header.kind)
                continue
            s = refstate.State(v.seed, profile=v.profile)
            for r, x in v.init:
                s.set_reg(r, x)
            text = ""
            if md is not None:
                d = list(md.disasm(struct.pack("<I", v.word), s.pc))
                text = f"{d[0].mnemonic} {d[0].op_str}" if d else "(capstone: unallocated)"
            print(f"{names[v.group]} word 0x{v.word:08x} seed 0x{v.seed:016x}  {text}")
            print(f"  initial: PC 0x{s.pc:x} NZCV {s.nzcv >> 28:04b} FPCR {fpcr_text(s.fpcr)} "
                  f"FPSR {fpsr_text(s.fpsr)} profile {v.profile} overrides "
                  + (", ".join(f"{reg_name(r)}=0x{x:x}" for r, x in v.init) or "none"))
            print("  registers: " + " ".join(f"X{i}=0x{x:x}" for i, x in enumerate(s.x)) + f" SP=0x{s.sp:x}")
            if fp_file or args.all_v:
                # The operand fields Rd, Rn, Rm, Ra (bits 4..0, 9..5, 20..16, 14..10) and their
                # neighbours (structure loads, TBL, pairs use consecutive registers).
                fields = {v.word & 31, (v.word >> 5) & 31, (v.word >> 16) & 31, (v.word >> 10) & 31}
                regs = sorted({(f + k) % 32 for f in fields for k in range(4)}) if not args.all_v else range(32)
                print("  V registers: " + " ".join(f"V{n}={vtext(s.v[n])}" for n in regs))
            pc = v.pc if v.pc is not None else s.pc + 4
            print(f"  final: PC 0x{pc:x} NZCV {v.nzcv >> 28:04b}"
                  + (f" FPSR {fpsr_text(v.fpsr)}" if v.fpsr is not None else " FPSR unchanged") + "; "
                  + (", ".join(f"{reg_name(r)} 0x{s.reg(r):x} -> 0x{x:x}" for r, x in v.regs) or "no X register changed"))
            for n, x in v.v:
                print(f"  V{n} {vtext(s.v[n])} -> {vtext(x)}")
            if v.mem:
                print("  memory: " + ", ".join(f"window+0x{o:03x} {s.window[o]:02x}->{b:02x}" for o, b in v.mem))
    if shown == 0:
        print("no vector matches")


if __name__ == "__main__":
    main()
