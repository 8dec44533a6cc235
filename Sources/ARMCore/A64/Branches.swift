/// Branches (ARM DDI 0487, C4.1.65: conditional branch, compare and branch, test and branch,
/// unconditional branch immediate and register).
///
/// Inst use: `op` = BranchOp; `imm` = byte offset from this instruction (sign-extended);
/// `rn` = register tested or branched to; `a` = condition (B.cond) or bit number (TBZ/TBNZ);
/// `b` = 1 for a 64-bit compare (CBZ/CBNZ).
enum BranchOp: UInt8 {
    case b, bl, bcond, cbz, cbnz, tbz, tbnz, br, blr, ret, eret
}

extension A64Decoder {
    static let branches: [Encoding] = [
        Encoding(.a64, "B", "000101iiiiiiiiiiiiiiiiiiiiiiiiii") { w in
            Inst(.branch, op: BranchOp.b.rawValue, imm: signExtend(UInt64(bits(w, 25, 0)) << 2, 28))
        },
        Encoding(.a64, "BL", "100101iiiiiiiiiiiiiiiiiiiiiiiiii") { w in
            Inst(.branch, op: BranchOp.bl.rawValue, imm: signExtend(UInt64(bits(w, 25, 0)) << 2, 28))
        },
        Encoding(.a64, "B.cond", "01010100iiiiiiiiiiiiiiiiiii0cccc") { w in
            Inst(.branch, op: BranchOp.bcond.rawValue, a: UInt8(bits(w, 3, 0)),
                 imm: signExtend(UInt64(bits(w, 23, 5)) << 2, 21))
        },
        Encoding(.a64, "CBZ/CBNZ", "z011010oiiiiiiiiiiiiiiiiiiittttt") { w in
            Inst(.branch, op: (bit(w, 24) == 0 ? BranchOp.cbz : .cbnz).rawValue, rn: Reg.src(w),
                 b: UInt8(bit(w, 31)), imm: signExtend(UInt64(bits(w, 23, 5)) << 2, 21))
        },
        Encoding(.a64, "TBZ/TBNZ", "b011011obbbbbiiiiiiiiiiiiiittttt") { w in
            Inst(.branch, op: (bit(w, 24) == 0 ? BranchOp.tbz : .tbnz).rawValue, rn: Reg.src(w),
                 a: UInt8(bit(w, 31) << 5 | bits(w, 23, 19)), imm: signExtend(UInt64(bits(w, 18, 5)) << 2, 16))
        },
        Encoding(.a64, "BR", "1101011000011111000000nnnnn00000") { w in
            Inst(.branch, op: BranchOp.br.rawValue, rn: Reg.src(w >> 5))
        },
        Encoding(.a64, "BLR", "1101011000111111000000nnnnn00000") { w in
            Inst(.branch, op: BranchOp.blr.rawValue, rn: Reg.src(w >> 5))
        },
        Encoding(.a64, "RET", "1101011001011111000000nnnnn00000") { w in
            Inst(.branch, op: BranchOp.ret.rawValue, rn: Reg.src(w >> 5))
        },
        Encoding(.a64, "ERET", "11010110100111110000001111100000") { _ in
            Inst(.branch, op: BranchOp.eret.rawValue)
        },
    ]

    public static let branchesExceptionSystem: [Encoding] = branches + exceptionGeneration + system
}

extension CPU {
    @inline(__always)
    func executeBranch(_ i: Inst) throws(ArchException) {
        if i.op == BranchOp.eret.rawValue {
            if el == 0 { throw ArchException.undefined }
            exceptionReturn()
            return
        }
        nextPC = withUnsafePointer(to: i) { branchTarget(InstRef($0), pc: pc) }
    }

    /// Where every branch but ERET goes from `pc` (none of them can fault; a misaligned
    /// target faults when it is fetched). The run loop calls this with its own copy of the PC.
    @_transparent
    func branchTarget(_ i: InstRef, pc: UInt64) -> UInt64 {
        switch i.opcode(as: BranchOp.self) {
        case .b:
            return pc &+ i.imm
        case .bl:
            x[30] = pc &+ 4
            return pc &+ i.imm
        case .bcond:
            return conditionHolds(i.a) ? pc &+ i.imm : pc &+ 4
        case .cbz, .cbnz:
            var v = x[Int(i.rn)]
            if i.b == 0 { v &= 0xFFFF_FFFF }
            return (v == 0) == (i.op == BranchOp.cbz.rawValue) ? pc &+ i.imm : pc &+ 4
        case .tbz, .tbnz:
            let set = (x[Int(i.rn)] >> UInt64(i.a)) & 1 != 0
            return set == (i.op == BranchOp.tbnz.rawValue) ? pc &+ i.imm : pc &+ 4
        case .br, .ret:
            return x[Int(i.rn)]
        case .blr:
            // Read the target before writing X30: BLR X30 branches to the old value.
            let t = x[Int(i.rn)]
            x[30] = pc &+ 4
            return t
        case .eret:
            return pc &+ 4   // not reached: executeBranch handles ERET
        }
    }
}
