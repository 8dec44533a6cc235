/// Executors of the operations only T32 has (ARM DDI 0487, F5: IT, CBZ/CBNZ, TBB/TBH), and
/// the IT block state machine the AArch32 loop runs (F2.? "Conditional execution", the
/// pseudocode ITAdvance, InITBlock, LastInITBlock). ORN runs in executeDataProcessing.
extension CPU {
    func executeT32Only(_ i: A32Inst) throws(ArchException) {
        switch i.op {
        case .it:
            // IT: ITSTATE = firstcond:mask. The loop does not advance it after this instruction.
            itState = UInt8(truncatingIfNeeded: i.imm)
        case .cbz, .cbnz:
            // CBZ, CBNZ: compare Rn with zero and branch forward from PC (this instruction + 4).
            if (r(UInt32(i.rn)) == 0) == (i.op == .cbz) { branchWritePC(readR(15) &+ i.imm) }
        case .tbb:
            // TBB, TBH: a byte or halfword of the table at Rn (PC reads as this instruction + 4)
            // indexed by Rm, doubled, added to PC.
            let base = readR(i.rn), index = r(UInt32(i.rm))
            let address = i.size == 2 ? base &+ (index << 1) : base &+ index
            let entry = try readMemory(UInt64(address), size: Int(i.size))
            branchWritePC(readR(15) &+ 2 &* UInt32(truncatingIfNeeded: entry))
        default:
            throw ArchException.undefined
        }
    }
}

/// ITSTATE arithmetic: IT[7:5] is the base condition, IT[4:0] the condition's low bit and the
/// block's remaining length (F2.? "IT block state register, ITSTATE").
enum T32IT {
    /// InITBlock(): IT[3:0] is not zero.
    @inline(__always) static func inBlock(_ it: UInt8) -> Bool { it & 0xF != 0 }

    /// LastInITBlock(): IT[3:0] is 1000.
    @inline(__always) static func isLast(_ it: UInt8) -> Bool { it & 0xF == 0b1000 }

    /// The condition of the instruction the block is at: IT[7:4].
    @inline(__always) static func condition(_ it: UInt8) -> UInt8 { it >> 4 }

    /// ITAdvance(): after the block's last instruction ITSTATE is zero; otherwise IT[4:0]
    /// shifts left by one.
    @inline(__always) static func advance(_ it: UInt8) -> UInt8 {
        it & 7 == 0 ? 0 : (it & 0xE0) | ((it << 1) & 0x1F)
    }
}
