#!/usr/bin/env python3
"""Cross-check which A64 words armvm allocates against capstone (LLVM's decoder), with Unicorn's
Cortex-A57 (QEMU) as a third opinion on a sample of each disagreement.

    swift build -c release --product armvm
    python3 scripts/refvectors/crosscheck.py [--words N] [--seed S] [--armvm PATH]
                                             [--unicorn-sample K] [--examples E]

Draws N random 32-bit words (default 1,000,000), asks `armvm decode` for the decode-table row
of each (or UNDEFINED) and capstone for a disassembly (or none), and groups every disagreement
into a class (classify()): an instruction of a later architecture version or of SVE/SME, which
ARMv8.0 leaves unallocated (armvm is right); a CONSTRAINED UNPREDICTABLE or should-be field
that LLVM refuses; an FP/SIMD/CRC32/crypto encoding armvm does not decode yet; or "unexplained".
CROSSCHECK.md documents each class with the Arm ARM reference. The script exits with status 1
when an unexplained disagreement remains, or an FP/SIMD word armvm does not decode (class A3;
--allow-fpsimd-gap accepts those, for a tree without the FP/SIMD implementation).

For up to K words of each class (default 8) Unicorn executes the word at EL1 on a Cortex-A57
and says whether it takes UNDEFINED: QEMU models ARMv8.0 plus the A57's CRC32 and crypto, so
it agrees with armvm on the later-version classes.
"""

import argparse
import collections
import os
import random
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import groups_fpsimd  # noqa: E402

try:
    import capstone
except ImportError:
    sys.exit("crosscheck.py needs capstone: python3 -m pip install capstone==5.0.7")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# Mnemonics of instructions added after ARMv8.0, by feature (ARM DDI 0487, A2 "Armv8.x
# extensions"). Mnemonics are capstone's (aliases included).
LATER_FEATURES = {
    "FEAT_LSE (v8.1 atomics)": "cas casa casal casl casb casab casalb caslb cash casah casalh caslh casp caspa caspal "
    "caspl swp swpa swpal swpl swpb swpab swpalb swplb swph swpah swpalh swplh "
    + " ".join(f"{op}{o}{s}" for op in ("ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin")
               for o in ("", "a", "al", "l") for s in ("", "b", "h"))
    + " " + " ".join(f"{op}{o}{s}" for op in ("stadd", "stclr", "steor", "stset", "stsmax", "stsmin", "stumax", "stumin")
                     for o in ("", "l") for s in ("", "b", "h")),
    "FEAT_LOR (v8.1 LDLAR/STLLR)": "ldlar ldlarb ldlarh stllr stllrb stllrh",
    "FEAT_RDM (v8.1)": "sqrdmlah sqrdmlsh",
    "FEAT_DotProd, FEAT_FHM, FEAT_SHA3/SHA512/SM3/SM4 (v8.2)": "sdot udot fmlal fmlal2 fmlsl fmlsl2 eor3 bcax rax1 xar "
    "sha512h sha512h2 sha512su0 sha512su1 sm3ss1 sm3tt1a sm3tt1b sm3tt2a sm3tt2b sm3partw1 sm3partw2 sm4e sm4ekey",
    "FEAT_PAuth (v8.3)": "pacia pacib pacda pacdb paciza pacizb pacdza pacdzb pacga autia autib autda autdb autiza "
    "autizb autdza autdzb xpaci xpacd braa brab braaz brabz blraa blrab blraaz blrabz retaa retab eretaa eretab "
    "ldraa ldrab",
    "FEAT_JSCVT, FEAT_FCMA (v8.3)": "fjcvtzs fcmla fcadd",
    "FEAT_LRCPC, FEAT_LRCPC2 (v8.3, v8.4)": "ldapr ldaprb ldaprh ldapur ldapurb ldapurh ldapursb ldapursh ldapursw "
    "stlur stlurb stlurh",
    "FEAT_FlagM, FEAT_FlagM2 (v8.4, v8.5)": "cfinv rmif setf8 setf16 axflag xaflag",
    "FEAT_FRINTTS (v8.5)": "frint32x frint32z frint64x frint64z",
    "FEAT_MTE (v8.5)": "irg gmi addg subg subp subps cmpp stg stzg st2g stz2g stgp ldg ldgm stgm stzgm",
    "FEAT_BF16, FEAT_I8MM (v8.6)": "bfcvt bfcvtn bfcvtn2 bfdot bfmlalb bfmlalt bfmmla smmla ummla usmmla usdot sudot",
    # CSSC's ABS, CNT, CTZ, SMAX ... on general registers share their names with ARMv8.0's
    # Advanced SIMD instructions: classify() checks the operands.
    "FEAT_LS64, FEAT_WFxT, FEAT_MOPS, FEAT_CSSC, FEAT_THE ... (v8.7+)": "ld64b st64b st64bv st64bv0 wfet wfit "
    "cpyfp cpyfm cpyfe cpyp cpym cpye setp setm sete setgp setgm setge abs cnt ctz smax smin umax umin "
    "rcwcas rcwcasp rcwswp rcwclr rcwset ldclrp ldsetp swpp ldiapp stilp ldapr gcsstr gcssttr",
    "FEAT_TME (Armv9)": "tstart tcommit tcancel ttest",
}
LATER = {m: feat for feat, ms in LATER_FEATURES.items() for m in ms.split()}
# Families recognised by the start of the mnemonic: FEAT_HBC's BC.cond, FEAT_MOPS's CPY*/SET*.
LATER_PREFIXES = [(re.compile(r"^bc\."), "FEAT_HBC (v8.8 BC.cond)"),
                  (re.compile(r"^(cpyf?[pme]|setg?[pme])"), "FEAT_MOPS (v8.8 memory copy and set)")]


# An SVE or SME register operand: Zn, Pn, ZA.
SVE_REG = re.compile(r"(^|[\s{,\[])(z\d+|p\d+|za\w*)\b")


def top_class(w):
    """The Arm ARM's top-level group of a word (C4.1, op0 = bits 28..25)."""
    op0 = (w >> 25) & 0xF
    if op0 == 0b0000:
        return "reserved / SME (op0 0000)"
    if op0 == 0b0010:
        return "SVE (op0 0010)"
    if op0 in (0b0001, 0b0011):
        return "unallocated (op0 0001, 0011)"
    if op0 in (0b1000, 0b1001):
        return "data processing -- immediate"
    if op0 in (0b1010, 0b1011):
        return "branches, exception generating and system"
    if op0 & 0b0101 == 0b0100:
        return "SIMD&FP loads and stores" if (w >> 26) & 1 else "loads and stores"
    if op0 & 0b0111 == 0b0101:
        return "data processing -- register"
    return "data processing -- scalar FP and Advanced SIMD"


def store_exclusive_overlap(w):
    """STXR/STLXR/STXP/STLXP (all sizes) whose status register overlaps a data or base register."""
    if (w >> 24) & 0x3F != 0b001000 or (w >> 23) & 1 or (w >> 22) & 1:
        return False
    rs, rt, rn, rt2 = (w >> 16) & 31, w & 31, (w >> 5) & 31, (w >> 10) & 31
    pair = (w >> 21) & 1
    return rs == rt or (pair and rs == rt2) or (rs == rn and rn != 31)


def is_crc32(w):
    return w & 0x7FE0_E000 == 0x1AC0_4000


def classify(w, mnemonic, op_str, armvm_row):
    """A class name for a disagreement (see CROSSCHECK.md)."""
    top = top_class(w)
    if armvm_row == "UNDEFINED":   # capstone decodes it
        if top.startswith("SVE") or top.startswith("reserved / SME") or SVE_REG.search(op_str) \
                or mnemonic.startswith(("smstart", "smstop")):
            return "A1 capstone decodes SVE/SME, which ARMv8.0 leaves unallocated"
        cssc_name = mnemonic in ("abs", "cnt", "ctz", "smax", "smin", "umax", "umin")
        if mnemonic in LATER and (not cssc_name or op_str[:1] in ("w", "x")):
            return f"A2 capstone decodes a post-ARMv8.0 instruction: {LATER[mnemonic]}"
        for pattern, feat in LATER_PREFIXES:
            if pattern.match(mnemonic):
                return f"A2 capstone decodes a post-ARMv8.0 instruction: {feat}"
        if groups_fpsimd.later_than_v80(mnemonic, op_str):
            return "A2 capstone decodes a post-ARMv8.0 instruction: FEAT_FP16 (v8.2 half-precision arithmetic)"
        if top.startswith("data processing -- scalar FP") or top.startswith("SIMD&FP loads") or is_crc32(w):
            return f"A3 FP/SIMD/CRC32/crypto encoding armvm does not decode ({top})"
        if mnemonic in ("sys", "sysl", "mrs", "msr") and w & 0xFFC0_0000 == 0xD500_0000:
            return ("A4 MRS/MSR/SYS/SYSL encodings that name no ARMv8.0 register or system instruction "
                    "(capstone prints the generic form; UNDEFINED per C5.1)")
        if mnemonic in ("dcps1", "dcps2", "dcps3"):
            return "A5 DCPS1-3: UNDEFINED outside Debug state (C6.2 DCPS<n>)"
        if store_exclusive_overlap(w):
            return ("A6 store exclusive with Rs == Rt, Rt2 or Rn: CONSTRAINED UNPREDICTABLE, "
                    "armvm takes the UNDEFINED option (K1.2.x Unpredictable_DATAOVERLAP/BASEOVERLAP)")
        return f"A9 unexplained: capstone decodes, armvm UNDEFINED ({top})"
    # armvm decodes it, capstone does not.
    return f"B9 unexplained: armvm decodes ({armvm_row}), capstone does not"


def b_class(w, row):
    """Known reasons for armvm-allocated words that capstone refuses."""
    load = (w >> 22) & 1
    rt, rn, rt2 = w & 31, (w >> 5) & 31, (w >> 10) & 31
    if "pair" in row.lower() or row.startswith("Loads and stores: LDP") or row.startswith("Loads and stores: STP") \
            or "LDNP" in row or "STNP" in row:
        if load and rt == rt2:
            return "B1 LDP/LDNP/LDPSW with Rt == Rt2 (CONSTRAINED UNPREDICTABLE, Unpredictable_LDPOVERLAP)"
        if (w >> 23) & 1 and rn != 31 and (rt == rn or rt2 == rn):
            return "B2 pair with writeback and Rt or Rt2 == Rn (CONSTRAINED UNPREDICTABLE, WBOVERLAP)"
    if (w >> 24) & 0x3F == 0b111000 and (w >> 21) & 1 == 0 and (w >> 10) & 3 in (1, 3) and rn != 31 and rt == rn:
        return "B2 single register with writeback and Rt == Rn (CONSTRAINED UNPREDICTABLE, WBOVERLAP)"
    if w & 0x3F20_0C00 == 0x3800_0800 and load and rt == rn:
        return "B3 LDTR* with Rt == Rn (allocated; LLVM applies the writeback check to a form without writeback)"
    if (w >> 24) & 0x3F == 0b001000:
        return "B4 load/store exclusive or ordered with a should-be-one field not all ones, or an overlap LLVM refuses"
    if top_class(w).startswith("branches"):
        return "B5 system: encodings with should-be fields LLVM checks (e.g. MSR immediate, hints, barriers)"
    return None


def unicorn_verdicts(words):
    """{word: "UNDEFINED" | "executes" | error} from Unicorn's Cortex-A57 at EL1."""
    try:
        import unicorn
        from unicorn import arm64_const as A
    except ImportError:
        return {}
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM64, unicorn.UC_MODE_ARM)
    uc.ctl_set_cpu_model(A.UC_CPU_ARM64_A57)
    base = 0x4000_0000
    uc.mem_map(base, 0x40_0000)
    out = {}
    for w in words:
        for i in range(31):
            uc.reg_write(getattr(A, f"UC_ARM64_REG_X{i}"), base + 0x20_0000)
        uc.reg_write(A.UC_ARM64_REG_SP, base + 0x20_0000)
        uc.mem_write(base, struct.pack("<I", w))
        uc.ctl_remove_cache(base, base + 4)
        try:
            uc.emu_start(base, 0xFFFF_FFFF_FFFF_FFFF, count=1)
            out[w] = "executes"
        except unicorn.UcError as e:
            out[w] = "UNDEFINED" if e.errno in (unicorn.UC_ERR_EXCEPTION, unicorn.UC_ERR_INSN_INVALID) \
                else f"executes ({e})"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--armvm", default=os.path.join(ROOT, ".build", "release", "armvm"))
    ap.add_argument("--unicorn-sample", type=int, default=8, help="words per class to run in Unicorn (0: none)")
    ap.add_argument("--examples", type=int, default=3, help="example words printed per class")
    ap.add_argument("--allow-fpsimd-gap", action="store_true",
                    help="do not fail on class A3 (FP/SIMD/CRC32/crypto words armvm does not decode yet)")
    args = ap.parse_args()
    if not os.path.exists(args.armvm):
        sys.exit(f"no armvm binary at {args.armvm}: swift build -c release --product armvm")

    r = random.Random(args.seed)
    words = [r.getrandbits(32) for _ in range(args.words)]
    res = subprocess.run([args.armvm, "decode"], input="".join(f"{w:08x}\n" for w in words),
                         capture_output=True, text=True, check=True)
    rows = [line.split(" ", 1)[1] for line in res.stdout.splitlines()]
    assert len(rows) == len(words)
    md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)

    agree_alloc = agree_undef = 0
    classes = collections.defaultdict(list)
    for w, row in zip(words, rows):
        d = next(md.disasm(struct.pack("<I", w), 0), None)
        cs = (d.mnemonic, d.op_str) if d is not None else None
        if (cs is not None) == (row != "UNDEFINED"):
            if cs is None:
                agree_undef += 1
                continue
            # Both allocate it: still wrong if capstone names something ARMv8.0 does not have.
            later = classify(w, cs[0], cs[1], "UNDEFINED")
            if later.startswith(("A1", "A2")):
                classes["C9 unexplained: armvm decodes what capstone names post-ARMv8.0 ("
                        + later.split(": ", 1)[-1] + ")"].append((w, cs, row))
                continue
            agree_alloc += 1
            continue
        if cs is not None:
            cls = classify(w, cs[0], cs[1], row)
        else:
            cls = b_class(w, row) or classify(w, "", "", row)
        classes[cls].append((w, cs, row))

    print(f"crosscheck: {args.words} random words (seed {args.seed}); capstone {capstone.__version__}; "
          f"armvm {os.path.relpath(args.armvm)}")
    print(f"  both allocated: {agree_alloc}; both UNDEFINED: {agree_undef}; "
          f"disagreements: {sum(len(v) for v in classes.values())}")
    sample = {cls: items[:args.unicorn_sample] for cls, items in classes.items()} if args.unicorn_sample else {}
    verdicts = unicorn_verdicts([w for items in sample.values() for w, _, _ in items]) if sample else {}
    unexplained = 0
    for cls in sorted(classes, key=lambda c: (c[:2], -len(classes[c]))):
        items = classes[cls]
        if "unexplained" in cls or cls.startswith("C") or (cls.startswith("A3") and not args.allow_fpsimd_gap):
            unexplained += len(items)
        line = f"\n{len(items):8}  {cls}"
        if cls in sample and verdicts:
            v = collections.Counter(verdicts.get(w, "?").split(" (")[0] for w, _, _ in sample[cls])
            line += "  [Unicorn A57 on " + str(len(sample[cls])) + ": " + ", ".join(f"{k} {n}" for k, n in v.items()) + "]"
        print(line)
        mnem = collections.Counter(cs[0] if cs else row for _, cs, row in items)
        print("          " + ", ".join(f"{m} {n}" for m, n in mnem.most_common(12))
              + (f", ... ({len(mnem)} kinds)" if len(mnem) > 12 else ""))
        for w, cs, row in items[:args.examples]:
            print(f"          0x{w:08x}  capstone: {cs[0] + ' ' + cs[1] if cs else '(none)'}  armvm: {row}")
    if unexplained:
        print(f"\n{unexplained} unexplained disagreements (classes A3, A9, B9, C9): investigate, then document "
              "the class in CROSSCHECK.md")
        sys.exit(1)


if __name__ == "__main__":
    main()
