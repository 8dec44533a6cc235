#!/usr/bin/env python3
"""Coverage of the reference vectors: per encoding group, the number of vectors and what they
exercise; with --mnemonics, how many vectors each instruction (capstone's mnemonic) has.

    python3 scripts/refvectors/coverage.py [--mnemonics] [FILE]

Needs no Unicorn; capstone (optional) names the instructions.
"""

import argparse
import collections
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import refstate       # noqa: E402
import vecformat      # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", default=vecformat.DEFAULT_PATH)
    ap.add_argument("--mnemonics", action="store_true", help="list the instructions of each group")
    args = ap.parse_args()
    header, vectors = vecformat.read(args.file)
    try:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
    except ImportError:
        md = None

    names = dict(header.groups)
    by_group = collections.defaultdict(list)
    for v in vectors:
        by_group[v.group].append(v)
    print(f"{os.path.relpath(args.file)}: {len(vectors)} vectors, {os.path.getsize(args.file)} bytes, "
          f"{header.unicorn} ({header.cpu}), generated with {header.args}")
    print(f"{'id':>3} {'group':24} {'vectors':>7} {'words':>6} {'regs':>6} {'nzcv':>6} {'memory':>6} "
          f"{'branch':>6}  mnemonics")
    for gid in sorted(names):
        vs = by_group.get(gid, [])
        words = len({v.word for v in vs})
        regs = sum(1 for v in vs if v.regs)
        mem = sum(1 for v in vs if v.mem)
        nzcv = branch = 0
        mnem = collections.Counter()
        for v in vs:
            s = refstate.State(v.seed, with_window=False)
            for r, x in v.init:
                s.set_reg(r, x)
            nzcv += v.nzcv != s.nzcv
            branch += v.pc != s.pc + 4
            if md is not None:
                d = list(md.disasm(struct.pack("<I", v.word), s.pc))
                mnem[d[0].mnemonic if d else "?"] += 1
        print(f"{gid:3} {names[gid]:24} {len(vs):7} {words:6} {regs:6} {nzcv:6} {mem:6} {branch:6}  {len(mnem)}")
        if args.mnemonics:
            print("      " + ", ".join(f"{m} {n}" for m, n in sorted(mnem.items())))
    print("columns: distinct words; vectors that change a register, NZCV, the window; that do not "
          "fall through to PC + 4")


if __name__ == "__main__":
    main()
