#!/usr/bin/env python3
"""Regenerates Tests/ARMCoreTests/T32EncodingTable.swift: instructions written once in unified
syntax, assembled by binutils (arm-linux-gnueabihf-as) as A32 and as T32 (as gas picks, and
forced wide with .w where that assembles), so T32Tests can check that the T32 decoder gives
the same A32Inst fields as the A32 decoder. Needs binutils-arm-linux-gnueabihf.
Usage: scripts/t32-encoding-table.py > Tests/ARMCoreTests/T32EncodingTable.swift"""
import subprocess, tempfile, os, re, sys

AS = "arm-linux-gnueabihf-as"
OBJDUMP = "arm-linux-gnueabihf-objdump"
HEADER = ".syntax unified\n.arch armv8-a\n.arch_extension sec\n.arch_extension virt\n.arch_extension idiv\n.fpu crypto-neon-fp-armv8\n"

def lines():
    out = []
    dp = ["and", "eor", "sub", "rsb", "add", "adc", "sbc", "orr", "bic"]
    for op in dp:
        for s in ["", "s"]:
            out += [f"{op}{s} r0, r1, #0xff0", f"{op}{s} r3, r4, #5", f"{op}{s} r8, r9, #0x80000001",
                    f"{op}{s} r2, r5, r7", f"{op}{s} r2, r5, r7, lsl #3", f"{op}{s} r10, r11, r12, lsr #32",
                    f"{op}{s} r1, r2, r3, asr #5", f"{op}{s} r1, r2, r3, ror #7", f"{op}{s} r1, r2, r3, rrx",
                    f"{op}{s} r1, r1, r3"]
    for op in ["tst", "teq", "cmp", "cmn"]:
        out += [f"{op} r1, #0xff000000", f"{op} r9, #7", f"{op} r1, r2", f"{op} r1, r2, lsl #4", f"{op} r10, r11, asr #1"]
    for s in ["", "s"]:
        out += [f"mov{s} r0, #0xab00", f"mov{s} r1, #7", f"mvn{s} r2, #0x3fc", f"mvn{s} r5, r6", f"mov{s} r8, r9",
                f"mvn{s} r5, r6, lsl #2", f"mov{s} r1, r2, lsr #3", f"mov{s} r1, r2, asr #32",
                f"lsl{s} r0, r1, r2", f"lsr{s} r3, r4, r5", f"asr{s} r9, r10, r11", f"ror{s} r1, r2, r3",
                f"lsl{s} r0, r1, #5", f"ror{s} r0, r1, #5", f"rrx{s} r0, r1"]
    out += ["movw r3, #0x1234", "movt r3, #0xfedc", "movw r10, #0xffff", "add r0, sp, #16", "add sp, sp, #8",
            "sub sp, sp, #256", "add r0, r1, sp"]
    out += ["mul r0, r1, r2", "muls r1, r2, r1", "mla r3, r4, r5, r6", "mls r3, r4, r5, r6",
            "umull r0, r1, r2, r3", "umlal r4, r5, r6, r7", "smull r8, r9, r10, r11", "smlal r0, r12, r3, r2",
            "umaal r1, r2, r3, r4", "sdiv r0, r1, r2", "udiv r3, r4, r5", "usad8 r0, r1, r2", "usada8 r0, r1, r2, r3"]
    for x in "bt":
        for y in "bt":
            out += [f"smla{x}{y} r0, r1, r2, r3", f"smul{x}{y} r4, r5, r6", f"smlal{x}{y} r0, r1, r2, r3"]
        out += [f"smlaw{x} r0, r1, r2, r3", f"smulw{x} r4, r5, r6"]
    for xx in ["", "x"]:
        out += [f"smlad{xx} r0, r1, r2, r3", f"smlsd{xx} r0, r1, r2, r3", f"smuad{xx} r4, r5, r6",
                f"smusd{xx} r4, r5, r6", f"smlald{xx} r0, r1, r2, r3", f"smlsld{xx} r0, r1, r2, r3"]
    for rr in ["", "r"]:
        out += [f"smmla{rr} r0, r1, r2, r3", f"smmls{rr} r0, r1, r2, r3", f"smmul{rr} r4, r5, r6"]
    out += ["qadd r0, r1, r2", "qsub r0, r1, r2", "qdadd r0, r1, r2", "qdsub r0, r1, r2"]
    for p in ["s", "q", "sh", "u", "uq", "uh"]:
        for o in ["add16", "asx", "sax", "sub16", "add8", "sub8"]:
            out.append(f"{p}{o} r0, r1, r2")
    out += ["clz r0, r1", "rev r2, r3", "rev16 r2, r3", "revsh r2, r3", "rbit r4, r5", "rev r9, r10", "sel r0, r1, r2"]
    for e in ["sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16"]:
        out += [f"{e} r0, r1", f"{e} r8, r9, ror #8", f"{e} r2, r3, ror #24"]
        a = e.replace("xt", "xta")
        out += [f"{a} r0, r1, r2", f"{a} r0, r1, r2, ror #16"]
    out += ["ssat r0, #8, r1", "ssat r0, #32, r1, lsl #4", "ssat r2, #16, r3, asr #7", "usat r0, #8, r1",
            "usat r0, #31, r1, lsl #4", "usat r2, #0, r3, asr #1", "ssat16 r0, #8, r1", "usat16 r0, #15, r1",
            "pkhbt r0, r1, r2", "pkhbt r0, r1, r2, lsl #8", "pkhtb r0, r1, r2, asr #16", "pkhtb r0, r1, r2, asr #32",
            "sbfx r0, r1, #3, #5", "ubfx r0, r1, #0, #32", "ubfx r8, r9, #31, #1", "bfi r0, r1, #4, #8",
            "bfc r2, #0, #32", "bfi r3, r4, #31, #1"]
    for op in ["ldr", "str", "ldrb", "strb", "ldrh", "strh", "ldrsb", "ldrsh"]:
        out += [f"{op} r0, [r1]", f"{op} r0, [r1, #4]", f"{op} r2, [r3, #255]", f"{op} r2, [r3, #-8]",
                f"{op} r4, [r5, #12]!", f"{op} r4, [r5, #-12]!", f"{op} r6, [r7], #20", f"{op} r6, [r7], #-20",
                f"{op} r0, [r1, r2]", f"{op} r8, [r9, r10]"]
        if op in ("ldr", "str", "ldrb", "strb"):
            out += [f"{op} r0, [r1, r2, lsl #2]", f"{op} r0, [r1, #4095]"]
    out += ["ldr r0, [sp, #8]", "str r0, [sp, #1020]", "ldr pc, [r1, #4]", "ldr pc, [sp], #4",
            "ldrd r0, r1, [r2]", "ldrd r4, r5, [r6, #8]!", "strd r2, r3, [r4], #-16", "strd r6, r7, [sp, #-1020]",
            "ldrd r8, r9, [r10, #-4]"]
    out += ["ldm r0, {r1, r2, r3}", "ldm r0!, {r1, r2}", "stm r1!, {r2, r4, r6}", "stmdb r2!, {r3, r4}",
            "ldmdb r3, {r4, r5, r6}", "push {r4, r5, lr}", "pop {r4, r5, pc}", "push {r0-r12, lr}",
            "ldm r4, {r0, r1, pc}", "stm r5, {r0, r1, lr}", "ldmia sp!, {r0, r1}"]
    out += ["ldrex r0, [r1]", "strex r2, r3, [r4]", "ldrexb r0, [r1]", "ldrexh r0, [r1]", "ldrexd r0, r1, [r2]",
            "strexb r2, r3, [r4]", "strexh r2, r3, [r4]", "strexd r2, r4, r5, [r6]", "lda r0, [r1]",
            "ldab r0, [r1]", "ldah r0, [r1]", "stl r0, [r1]", "stlb r0, [r1]", "stlh r0, [r1]",
            "ldaex r0, [r1]", "ldaexb r0, [r1]", "ldaexh r0, [r1]", "ldaexd r2, r3, [r4]", "stlex r0, r1, [r2]",
            "stlexb r0, r1, [r2]", "stlexh r0, r1, [r2]", "stlexd r0, r2, r3, [r4]", "clrex"]
    out += ["mrs r0, apsr", "mrs r1, spsr", "msr cpsr_fc, r2", "msr apsr_nzcvq, r3", "msr spsr_fsxc, r4",
            "mrs r0, r8_usr", "mrs r1, sp_svc", "mrs r2, lr_irq", "mrs r3, spsr_abt", "mrs r4, r10_fiq",
            "msr sp_und, r5", "msr spsr_fiq, r6", "msr r12_usr, r7", "cpsid i", "cpsie aif", "cpsid f, #19",
            "cps #31", "svc #5", "hvc #0x1234", "smc #3", "bkpt #7", "udf #9", "nop", "yield", "wfe", "wfi",
            "sev", "sevl", "dmb ish", "dsb sy", "isb", "dmb oshst", "bx r3", "blx r4", "bx lr",
            "mrc p15, 0, r0, c1, c0, 0", "mcr p15, 0, r1, c12, c0, 0", "mrc p15, 1, r2, c2, c3, 4",
            "mcrr p15, 0, r0, r1, c2", "mrrc p15, 1, r2, r3, c14", "mrc p14, 0, r0, c0, c1, 0",
            "srsdb sp!, #19", "srsia sp, #18", "rfeia r0", "rfedb r1!", "setend le"]
    # Advanced SIMD: one or two of each group (T32 111U 1111 / 1111 1001 is A32 1111 001U / 1111 0100).
    out += ["vadd.i8 d0, d1, d2", "vqadd.u16 q1, q2, q3", "vshl.s32 d4, d5, d6", "vbsl q8, q9, q10",
            "vpadd.i16 d3, d4, d5", "vqrdmulh.s16 q0, q1, q2", "vmul.p8 d1, d2, d3", "vfma.f32 q4, q5, q6",
            "vrecps.f32 d7, d8, d9", "vmaxnm.f32 q1, q2, q3", "vacgt.f32 d1, d2, d3", "sha1c.32 q0, q1, q2",
            "sha256su1.32 q3, q4, q5", "vaddl.s8 q0, d1, d2", "vaddw.u16 q1, q2, d6", "vraddhn.i32 d0, q1, q2",
            "vmull.p64 q0, d1, d2", "vqdmlsl.s16 q3, d4, d5", "vmla.i32 q0, q1, d2[1]", "vmull.u16 q2, d3, d4[3]",
            "vmul.f32 d0, d1, d2[0]", "vshr.u32 q0, q1, #5", "vsri.8 d0, d1, #3", "vqshlu.s64 q2, q3, #63",
            "vqrshrn.s32 d0, q1, #7", "vshll.u8 q1, d2, #3", "vcvt.f32.s32 q0, q1, #16", "vmov.i32 q0, #0xab00",
            "vbic.i16 d1, #0x2a", "vmvn.i32 d2, #0x12ffff", "vmov.f32 q3, #1.5", "vrev64.8 d0, d1",
            "vpadal.u16 q1, q2", "aese.8 q0, q1", "aesimc.8 q2, q3", "vcnt.8 d0, d1", "vqneg.s32 q0, q1",
            "vcle.f32 q0, q1, #0", "sha1h.32 q0, q1", "vzip.16 d0, d1", "vtrn.32 q0, q1", "vqmovun.s32 d0, q1",
            "vshll.i16 q0, d1, #16", "sha256su0.32 q0, q1", "vrinta.f32 q0, q1", "vcvt.f16.f32 d0, q1",
            "vcvtm.s32.f32 d0, d1", "vrsqrte.u32 q0, q1", "vcvt.u32.f32 d2, d3", "vext.8 q0, q1, q2, #3",
            "vtbx.8 d0, {d1, d2, d3}, d4", "vdup.16 q0, d1[2]",
            "vld1.8 {d0, d1}, [r1]!", "vst1.32 {d0-d3}, [r2:128], r3", "vld2.16 {d0, d2}, [r1]",
            "vst3.8 {d0, d1, d2}, [r4]!", "vld4.32 {d0, d2, d4, d6}, [r5:256]", "vld1.16 {d3[2]}, [r1:16]!",
            "vst2.32 {d0[1], d2[1]}, [r3], r4", "vld4.8 {d0[5], d1[5], d2[5], d3[5]}, [r0:32]",
            "vld1.32 {d0[], d1[]}, [r2:32]!", "vld3.16 {d0[], d2[], d4[]}, [r6]", "vld4.32 {d0[], d1[], d2[], d3[]}, [r7:128]",
            "vmov.8 d0[3], r1", "vmov.s16 r2, d3[1]", "vmov.u8 r4, d5[7]", "vmov.32 d6[1], r7", "vdup.8 q0, r3",
            "vdup.32 d4, r5"]
    return out

def assemble(line, thumb):
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "a.s"), os.path.join(d, "a.o")
        open(src, "w").write(HEADER + (".thumb\n" if thumb else ".arm\n") + line + "\n")
        if subprocess.run([AS, src, "-o", obj], capture_output=True).returncode != 0:
            return None
        dis = subprocess.run([OBJDUMP, "-d", obj], capture_output=True, text=True).stdout
        words = []
        for l in dis.splitlines():
            m = re.match(r"\s+[0-9a-f]+:\s+((?:[0-9a-f]{4,8} ?)+)\s", l)
            if m:
                words += m.group(1).split()
        if thumb:
            hws = [int(w, 16) for w in words]
            if not hws or len(hws) > 2:
                return None
            return hws
        if len(words) != 1:
            return None
        return int(words[0], 16)

def main():
    rows = []
    for line in lines():
        a32 = assemble(line, False)
        if a32 is None:
            sys.stderr.write(f"not A32: {line}\n"); continue
        forms = []
        t = assemble(line, True)
        if t is not None:
            forms.append(t)
        op, _, rest = line.partition(" ")
        if "." not in op:
            tw = assemble(f"{op}.w {rest}", True)
            if tw is not None and tw not in forms:
                forms.append(tw)
        if not forms:
            sys.stderr.write(f"not T32: {line}\n")
        for f in forms:
            hw1, hw2 = (f[0], f[1]) if len(f) == 2 else (f[0], None)
            rows.append((line, a32, hw1, hw2))
    print("// Generated by scripts/t32-encoding-table.py from binutils (arm-linux-gnueabihf-as): each row")
    print("// is one instruction as A32 and as T32 (16-bit rows have hw2 = nil). Do not edit by hand.")
    print("let t32EncodingTable: [(asm: String, a32: UInt32, hw1: UInt16, hw2: UInt16?)] = [")
    for line, a32, hw1, hw2 in rows:
        h2 = f"0x{hw2:04X}" if hw2 is not None else "nil"
        print(f'    ("{line}", 0x{a32:08X}, 0x{hw1:04X}, {h2}),')
    print("]")

main()
