#!/usr/bin/env python3
"""Print the table behind CPU.conditionHolds (Sources/ARMCore/ConditionCodes.swift).

Entry cond is a 16-bit mask: bit k is set when the condition holds for NZCV = k
(N = bit 3, Z = bit 2, C = bit 1, V = bit 0), following ConditionHolds in the Arm ARM
(DDI 0487, J1 shared/functions/system/ConditionHolds).
"""
NAMES = ["EQ", "NE", "CS", "CC", "MI", "PL", "VS", "VC", "HI", "LS", "GE", "LT", "GT", "LE", "AL", "NV"]

for cond in range(16):
    mask = 0
    for k in range(16):
        n, z, c, v = (k >> 3) & 1, (k >> 2) & 1, (k >> 1) & 1, k & 1
        base = [z, c, n, v, c and not z, n == v, n == v and not z, True][cond >> 1]
        holds = (not base) if (cond & 1 and cond != 15) else bool(base)
        if holds:
            mask |= 1 << k
    print(f"case {cond}: 0x{mask:04X}  // {NAMES[cond]}")
