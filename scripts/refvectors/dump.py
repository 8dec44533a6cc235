#!/usr/bin/env python3
"""Print reference vectors in full: the initial state's registers that matter, the
instruction disassembled (capstone, optional) and what it changed.

    python3 scripts/refvectors/dump.py [--group NAME] [--word 0xW] [--seed 0xS] [--limit N] [FILE]
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import refstate       # noqa: E402
import vecformat      # noqa: E402


def reg_name(r):
    return {refstate.REG_SP: "SP", refstate.REG_PC: "PC"}.get(r, f"X{r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=vecformat.DEFAULT_PATH)
    ap.add_argument("--group")
    ap.add_argument("--word", type=lambda s: int(s, 0))
    ap.add_argument("--seed", type=lambda s: int(s, 0))
    ap.add_argument("--limit", type=int, default=10)
    args = ap.parse_args()
    header, vectors = vecformat.read(args.file)
    names = dict(header.groups)
    try:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
    except ImportError:
        md = None
    shown = 0
    for v in vectors:
        if args.group and names[v.group] != args.group:
            continue
        if args.word is not None and v.word != args.word:
            continue
        if args.seed is not None and v.seed != args.seed:
            continue
        if shown == args.limit:
            break
        shown += 1
        s = refstate.State(v.seed)
        for r, x in v.init:
            s.set_reg(r, x)
        text = ""
        if md is not None:
            d = list(md.disasm(struct.pack("<I", v.word), s.pc))
            text = f"{d[0].mnemonic} {d[0].op_str}" if d else "(capstone: unallocated)"
        print(f"{names[v.group]} word 0x{v.word:08x} seed 0x{v.seed:016x}  {text}")
        print(f"  initial: PC 0x{s.pc:x} NZCV {s.nzcv >> 28:04b} overrides "
              + (", ".join(f"{reg_name(r)}=0x{x:x}" for r, x in v.init) or "none"))
        print("  registers: " + " ".join(f"X{i}=0x{x:x}" for i, x in enumerate(s.x)) + f" SP=0x{s.sp:x}")
        print(f"  final: PC 0x{v.pc:x} NZCV {v.nzcv >> 28:04b}; "
              + (", ".join(f"{reg_name(r)} 0x{s.reg(r):x} -> 0x{x:x}" for r, x in v.regs) or "no register changed"))
        if v.mem:
            print("  memory: " + ", ".join(f"window+0x{o:03x} {s.window[o]:02x}->{b:02x}" for o, b in v.mem))
    if shown == 0:
        print("no vector matches")


if __name__ == "__main__":
    main()
