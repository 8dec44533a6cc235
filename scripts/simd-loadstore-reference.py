#!/usr/bin/env python3
"""Expected results for Tests/ARMCoreTests/LoadStoreSIMDReferenceTests.swift, from Unicorn.

Usage: simd-loadstore-reference.py FILE, where FILE holds lines `0x<word>, // <assembly>` or
the test file itself (its `Row(0x<word>, // <assembly>` lines); encodings come from
aarch64-linux-gnu-as. Each word runs once from the same initial state, which the Swift test
rebuilds:
  RAM 1 MiB at 0x4000_0000, code at 0x4000_0000, data at D = 0x4008_0000;
  byte at address a of the data window [D - 0x200, D + 0x400) and of the code window
  [0x4000_0000, 0x4000_0100) (except the instruction word) = pattern(a);
  V[n] byte k = (n * 16 + k) & 0xFF, EOR 0xFF for n >= 16;
  x0 = x1 = D, x2 = 0x30, x3 = 0x40, x5 = 0xFFFF_FFFF_FFFF_FFE0 (-32), SP = D + 0x100.
Prints Swift rows: word, changed X registers (31 = SP), changed V registers, changed bytes.
"""
from unicorn import Uc, UC_ARCH_ARM64, UC_MODE_ARM
import unicorn.arm64_const as C
import struct, sys

RAM = 0x4000_0000
D = 0x4008_0000
WIN = (D - 0x200, 0x600)
CODEWIN = (RAM, 0x100)

def pattern(a):
    return ((a * 0x9E) ^ (a >> 8) ^ 0x5A) & 0xFF

def vinit(n):
    return bytes(((n * 16 + k) & 0xFF) ^ (0xFF if n >= 16 else 0) for k in range(16))

XINIT = {0: D, 1: D, 2: 0x30, 3: 0x40, 5: (1 << 64) - 32}
SPINIT = D + 0x100

def run(word):
    mu = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
    mu.mem_map(RAM, 1 << 20)
    for base, size in (WIN, CODEWIN):
        mu.mem_write(base, bytes(pattern(a) for a in range(base, base + size)))
    mu.mem_write(RAM, struct.pack('<I', word))
    mu.reg_write(C.UC_ARM64_REG_CPACR_EL1, 3 << 20)
    for r, v in XINIT.items():
        mu.reg_write(C.UC_ARM64_REG_X0 + r if r <= 28 else None, v)
    mu.reg_write(C.UC_ARM64_REG_SP, SPINIT)
    for n in range(32):
        mu.reg_write(C.UC_ARM64_REG_Q0 + n, int.from_bytes(vinit(n), 'little'))
    before = {base: bytes(mu.mem_read(base, size)) for base, size in (WIN, CODEWIN)}
    mu.emu_start(RAM, RAM + 4, count=1)
    assert mu.reg_read(C.UC_ARM64_REG_PC) == RAM + 4, hex(word)
    xs = []
    for r in range(31):
        v = mu.reg_read(C.UC_ARM64_REG_X0 + r if r <= 28 else (C.UC_ARM64_REG_X29 if r == 29 else C.UC_ARM64_REG_X30))
        if v != XINIT.get(r, 0):
            xs.append((r, v))
    sp = mu.reg_read(C.UC_ARM64_REG_SP)
    if sp != SPINIT:
        xs.append((31, sp))
    vs = []
    for n in range(32):
        q = mu.reg_read(C.UC_ARM64_REG_Q0 + n)
        if q != int.from_bytes(vinit(n), 'little'):
            vs.append((n, q & ((1 << 64) - 1), q >> 64))
    mem = []
    for base, size in (WIN, CODEWIN):
        after = bytes(mu.mem_read(base, size))
        for k in range(size):
            if after[k] != before[base][k]:
                mem.append((base + k, after[k]))
    return xs, vs, mem

def main(path):
    for line in open(path):
        line = line.strip()
        if line.startswith('Row(0x'):
            line = line[4:]
        if not line.startswith('0x'):
            continue
        word = int(line.split(',')[0], 16)
        asm = line.split('//', 1)[1].strip()
        xs, vs, mem = run(word)
        xstr = ', '.join('(%d, 0x%x)' % (r, v) for r, v in xs)
        vstr = ', '.join('(%d, 0x%016x, 0x%016x)' % v for v in vs)
        mstr = ', '.join('(0x%x, 0x%02x)' % m for m in mem)
        print('        Row(0x%08x, // %s' % (word, asm))
        print('            x: [%s],' % xstr)
        print('            v: [%s],' % vstr)
        print('            mem: [%s]),' % mstr)

if __name__ == '__main__':
    main(sys.argv[1])
