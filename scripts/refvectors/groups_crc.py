"""The AArch32 CRC32 groups (ARM DDI 0487, F5.1 "CRC32", "CRC32C"; an ARMv8 addition to A32 and
T32 that Unicorn's Cortex-A15 model lacks, so this set runs on its "max" model) and a generator
of random valid encodings for each.

    A32: cond 00010 sz 0 Rn Rd (0)(0) C (0) 0100 Rm
    T32: 11111010110 C Rn | 1111 Rd 10 sz Rm

sz = 11 (a 64-bit operand) and a PC operand are CONSTRAINED UNPREDICTABLE: never drawn. SP is
drawn (Armv8-A removes the UNPREDICTABLE for R13 in T32). The A32 encoding draws its cond
field as every A32 group does (groups_a32.cond): the Arm ARM makes cond != 1110 CONSTRAINED
UNPREDICTABLE for CRC32, with "executes conditionally" among the permitted behaviours; QEMU and
armvm both take that one, and the vectors pin it (README.md, "CRC32"). The T32 encoding never
runs in an IT block (UNPREDICTABLE there).

Group ids start at 251.
"""

from groups_a32 import Inst32, bits, cond
from groups_t32 import InstT32, wide


def crc_fields(r):
    """(sz, C, Rd, Rn, Rm): sz 00-10, any register but the PC."""
    return r.randrange(3), bits(r, 1), r.randrange(15), r.randrange(15), r.randrange(15)


def crc_a32(r):
    sz, c, d, n, m = crc_fields(r)
    inst = Inst32(cond(r) << 28 | 0b00010 << 23 | sz << 21 | n << 16 | d << 12 | c << 9 | 0b0100 << 4 | m)
    inst.capstone_al = True     # capstone (LLVM) refuses a cond other than AL: reference32 checks AL
    return inst


def crc_t32(r):
    sz, c, d, n, m = crc_fields(r)
    return InstT32(wide(0b11111010110 << 5 | c << 4 | n, 0xF << 12 | d << 8 | 0b10 << 6 | sz << 4 | m))


# id, name, Arm ARM F5.1 instructions, generator, vectors.
GROUPS = [
    (251, "crc.a32", "CRC32B, CRC32H, CRC32W, CRC32CB, CRC32CH, CRC32CW (A32, any cond)", crc_a32, 8000),
    (252, "crc.t32", "CRC32B, CRC32H, CRC32W, CRC32CB, CRC32CH, CRC32CW (T32)", crc_t32, 6000),
]
