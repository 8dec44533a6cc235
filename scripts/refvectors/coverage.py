#!/usr/bin/env python3
"""Coverage of the reference vectors: per encoding group, the number of vectors and what they
exercise; with --mnemonics, how many vectors each instruction (capstone's mnemonic) has; with
--rows, how many vectors reach each row of armvm's decode tables (asks `armvm decode`, A64
only).

    python3 scripts/refvectors/coverage.py [--mnemonics] [--rows [--armvm PATH]] [FILE...]

Default files: every committed set (vecformat.FILES). An AArch32 file
gets its own columns (condition passed, R registers, NZCV, Q, GE, window, branch, T; for VFP also
D registers and FPSCR), and with --rows its vectors are counted per AArch32 operation of armvm's
A32 and T32 decoders (`armvm decode --isa a32|t32`). Needs no Unicorn;
capstone
(optional) names the instructions. Exits with status 1 when a group has no vector, or (with
--rows) when a decode-table row has none, except the rows of NOT_VECTORED. With --rows, the
count of vectors armvm decodes as UNDEFINED is printed too: after the FP/SIMD work is merged it
must be 0.
"""

import argparse
import collections
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import refstate       # noqa: E402
import refstate32     # noqa: E402
import vecformat      # noqa: E402


# Decode-table rows no vector can exercise: what they change (exception entry and return state,
# PSTATE.DAIF/SPSel/PAN, caches, TLBs, address translation) lies outside the state a vector
# records. The per-instruction tests cover them (ExceptionModelTests, SystemInstructionTests,
# TranslationTests); README.md, "Left out on purpose".
NOT_VECTORED = {"ERET", "SVC", "HVC", "SMC", "BRK", "HLT", "MSR (immediate)", "SYS"}
# AArch32 operations no vector exercises: exception generation and return, mode and endianness
# changes, banked registers, coprocessor moves (CP14/CP15), WFE/WFI, IT (it changes ITSTATE), and
# the ARMv8 load-acquire/store-release forms the Cortex-A15 model lacks (README.md, "Left out").
NOT_VECTORED_32 = {"svc", "hvc", "smc", "bkpt", "hlt", "udf", "eret", "srs", "rfe", "cps", "setend",
                   "mrsBanked", "msrBanked", "mcr", "mrc", "mcrr", "mrrc", "wfe", "wfi", "it", "lda", "stl"}


def condition_holds(cond, nzcv):
    """ConditionHolds (shared pseudocode) for an A32 cond field; 1111 (unconditional) holds."""
    n, z, c, v = (nzcv >> 31) & 1, (nzcv >> 30) & 1, (nzcv >> 29) & 1, (nzcv >> 28) & 1
    base = [z == 1, c == 1, n == 1, v == 1, c == 1 and z == 0, n == v, n == v and z == 0, True][cond >> 1]
    if cond == 15:
        return True
    return base != bool(cond & 1 and cond != 15)


def t32_cond(word):
    """The condition of a T32 instruction outside an IT block: B<c>'s field, otherwise AL."""
    if word >> 16 == 0:
        return (word >> 8) & 15 if word >> 12 == 0b1101 and (word >> 9) & 7 != 0b111 else 14
    hw1, hw2 = word >> 16, word & 0xFFFF
    if hw1 >> 11 == 0b11110 and hw2 >> 14 == 0b10 and not hw2 & 0x1000 and (hw1 >> 7) & 7 != 0b111:
        return (hw1 >> 6) & 15
    return 14


def disassemble32(md, word, thumb):
    """capstone's mnemonic, with cond = AL for A32 (one name per instruction)."""
    if thumb:
        code = b"".join(struct.pack("<H", h) for h in vecformat.t32_halfwords(word))
        d = list(md[True].disasm(code, 0))
    else:
        w = word if word >> 28 == 15 else word & 0x0FFF_FFFF | 0xE000_0000
        d = list(md[False].disasm(struct.pack("<I", w), 0))
    return d[0].mnemonic if d else "?"


def report_a32(header, vectors, md, mnemonics, empty):
    """The AArch32 table: per group, vectors, distinct words, vectors whose condition passes,
    and those that change a register, NZCV, Q, GE, the window, branch, or end in the other
    instruction set; VFP files add D registers and FPSCR."""
    vfp = header.kind in vecformat.FP_KINDS
    names = dict(header.groups)
    by_group = collections.defaultdict(list)
    for v in vectors:
        by_group[v.group].append(v)
    print(f"{'id':>3} {'group':24} {'vectors':>7} {'words':>6} {'pass':>6} {'regs':>6} {'nzcv':>6} {'q':>5} "
          f"{'ge':>5} {'memory':>6} {'branch':>6} {'T':>5}" + (f" {'dregs':>6} {'fpscr':>6}" if vfp else "")
          + "  mnemonics")
    for gid in sorted(names):
        vs = by_group.get(gid, [])
        if not vs:
            empty.append(names[gid])
        cnt = collections.Counter()
        mnem = collections.Counter()
        for v in vs:
            thumb = header.kind == vecformat.KIND_T32 or bool(v.mode & vecformat.MODE_T32)
            s = refstate32.State32(v.seed, with_window=False, thumb=thumb, fp=vfp, profile=v.mode >> 4)
            for reg, value in v.init:
                s.set_reg(reg, value)
            c = (s.it >> 4 if s.it else t32_cond(v.word)) if thumb else v.word >> 28
            cnt["pass"] += condition_holds(c, s.nzcv)
            cnt["regs"] += bool(v.regs)
            cnt["nzcv"] += v.nzcv != s.nzcv
            q = (v.psr >> 4) & 1 if v.psr is not None else s.q
            ge = v.psr & 0xF if v.psr is not None else s.ge
            cnt["q"] += q != s.q
            cnt["ge"] += ge != s.ge
            cnt["mem"] += bool(v.mem)
            cnt["branch"] += v.pc is not None
            cnt["t"] += v.psr is not None and bool(v.psr & vecformat.PSR_T) != thumb
            cnt["dregs"] += bool(v.d)
            cnt["fpscr"] += vfp and v.fpscr != s.fpscr
            if md is not None:
                mnem[disassemble32(md, v.word, thumb)] += 1
        print(f"{gid:3} {names[gid]:24} {len(vs):7} {len({v.word for v in vs}):6} {cnt['pass']:6} {cnt['regs']:6} "
              f"{cnt['nzcv']:6} {cnt['q']:5} {cnt['ge']:5} {cnt['mem']:6} {cnt['branch']:6} {cnt['t']:5}"
              + (f" {cnt['dregs']:6} {cnt['fpscr']:6}" if vfp else "") + f"  {len(mnem)}")
        if mnemonics:
            print("      " + ", ".join(f"{m} {n}" for m, n in sorted(mnem.items())))
    print("columns: distinct words; vectors whose condition passes; that change R0-R14, NZCV, Q, GE, the window; "
          "that do not fall through to the next instruction; that change instruction set"
          + ("; that change a D register, FPSCR" if vfp else ""))


def armvm_rows(armvm, words, isa="a64"):
    """Ask `armvm decode` for the decode-table row of each word; also the list of all rows."""
    out = subprocess.run([armvm, "decode", "--isa", isa], input="".join(f"{w:08x}\n" for w in words),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    rows = subprocess.run([armvm, "decode", "--isa", isa, "--list-rows"], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    return [line.split(" ", 1)[1] for line in out], rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*",
                    default=list(vecformat.FILES.values()))
    ap.add_argument("--mnemonics", action="store_true", help="list the instructions of each group")
    ap.add_argument("--rows", action="store_true", help="count vectors per armvm decode-table row")
    ap.add_argument("--armvm", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                    ".build", "release", "armvm"))
    args = ap.parse_args()
    try:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
        md32 = {False: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM | capstone.CS_MODE_V8),
                True: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_V8)}
    except ImportError:
        md = md32 = None

    empty = []
    all_words = []
    words32 = {"a32": [], "t32": []}
    total = 0
    for path in args.files:
        if not os.path.exists(path):
            print(f"{os.path.relpath(path)}: missing")
            empty.append(path)
            continue
        header, vectors = vecformat.read(path)
        total += len(vectors)
        print(f"{os.path.relpath(path)}: {len(vectors)} vectors, {os.path.getsize(path)} bytes, "
              f"{header.unicorn} ({header.cpu}), generated with {header.args}")
        if header.kind in vecformat.A32_KINDS:
            report_a32(header, vectors, md32, args.mnemonics, empty)
            for v in vectors:
                thumb = header.kind == vecformat.KIND_T32 or bool(v.mode & vecformat.MODE_T32)
                words32["t32" if thumb else "a32"].append(v.word)
            continue
        names = dict(header.groups)
        by_group = collections.defaultdict(list)
        for v in vectors:
            by_group[v.group].append(v)
            all_words.append(v.word)
        print(f"{'id':>3} {'group':26} {'vectors':>7} {'words':>6} {'regs':>6} {'vregs':>6} {'nzcv':>6} "
              f"{'fpsr':>6} {'memory':>6} {'branch':>6}  mnemonics")
        for gid in sorted(names):
            vs = by_group.get(gid, [])
            if not vs:
                empty.append(names[gid])
            words = len({v.word for v in vs})
            regs = sum(1 for v in vs if v.regs)
            vregs = sum(1 for v in vs if v.v)
            fpsr = sum(1 for v in vs if v.fpsr is not None)
            mem = sum(1 for v in vs if v.mem)
            branch = sum(1 for v in vs if v.pc is not None)
            nzcv = 0
            mnem = collections.Counter()
            for v in vs:
                s = refstate.State(v.seed, with_window=False)
                nzcv += v.nzcv != s.nzcv
                if md is not None:
                    d = list(md.disasm(struct.pack("<I", v.word), 0))
                    mnem[d[0].mnemonic if d else "?"] += 1
            print(f"{gid:3} {names[gid]:26} {len(vs):7} {words:6} {regs:6} {vregs:6} {nzcv:6} {fpsr:6} "
                  f"{mem:6} {branch:6}  {len(mnem)}")
            if args.mnemonics:
                print("      " + ", ".join(f"{m} {n}" for m, n in sorted(mnem.items())))
    print(f"total: {total} vectors")
    if all_words:
        print("columns: distinct words; vectors that change a register, a V register, NZCV, FPSR, the window; "
              "that do not fall through to PC + 4")

    if args.rows:
        if not os.path.exists(args.armvm):
            sys.exit(f"--rows needs the armvm binary ({args.armvm}): swift build -c release --product armvm")
        got, rows = armvm_rows(args.armvm, all_words) if all_words else ([], [])
        count = collections.Counter(got)
        if rows:
            print(f"\nvectors per armvm decode-table row ({len(rows)} rows):")
        for row in rows:
            exempt = row.split(": ", 1)[-1] in NOT_VECTORED
            print(f"  {count.get(row, 0):7}  {row}" + ("  (outside the vectors' state: per-instruction tests)"
                                                      if exempt else ""))
            if count.get(row, 0) == 0 and not exempt:
                empty.append(f"row {row}")
        undefined = count.get("UNDEFINED", 0)
        if rows:
            print(f"  {undefined:7}  (decoded as UNDEFINED by armvm)")
        if undefined:
            empty.append(f"{undefined} vectors of allocated words armvm decodes as UNDEFINED")
        if words32["a32"] or words32["t32"]:
            count32 = collections.Counter()
            rows32 = []
            for isa, ws in words32.items():
                if ws:
                    got, rows32 = armvm_rows(args.armvm, ws, isa)
                    count32.update(got)
            print(f"\nAArch32 vectors per armvm operation ({len(rows32)} operations; A32 and T32 words together):")
            for row in rows32:
                exempt = row.split(": ", 1)[-1] in NOT_VECTORED_32
                print(f"  {count32.get(row, 0):7}  {row}" + ("  (outside the vectors' state or the A15: not drawn)"
                                                            if exempt else ""))
                if count32.get(row, 0) == 0 and not exempt:
                    empty.append(f"row {row}")
            undefined = count32.get("UNDEFINED", 0)
            print(f"  {undefined:7}  (decoded as UNDEFINED by armvm)")
            if undefined:
                empty.append(f"{undefined} AArch32 vectors armvm decodes as UNDEFINED")
    if empty:
        print("not covered: " + ", ".join(empty))
        sys.exit(1)


if __name__ == "__main__":
    main()
