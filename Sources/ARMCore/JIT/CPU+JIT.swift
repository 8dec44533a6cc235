extension CPU {
    /// Run the translated block whose header is at `header` (a `.jitBlock` slot's `imm`) from
    /// the run loop, with `left` instructions left and the CPU's context `c` (`JIT.context`,
    /// which the run loop looks up once per call); returns the `JITExit`, the PC to go on
    /// from and the instructions left. The run loop's locals are the only state the block
    /// shares besides the register file, NZCV and guest RAM, so this copies them into the
    /// CPU's context and back. Out of line: the loop's dispatch stays small.
    @inline(never)
    func runJIT(_ header: UInt64, pc: UInt64, pageVA: UInt64, left: UInt64, _ tlb: HostTLB,
                _ c: UnsafeMutablePointer<UInt64>) -> (Int, UInt64, UInt64) {
        guard let code = UnsafeRawPointer(bitPattern: UInt(header) &+ UInt(JITBlockHeader.size))
        else { return (JITExit.decline.rawValue, pc, left) }
        c[0] = JITFlags.host(nzcv)
        c[1] = left
        c[2] = UInt64(UInt(bitPattern: tlb.entries))
        c[3] = tlb.epoch
        c[4] = tlb.writeEpoch
        c[5] = pageVA
        c[8] = tlb.alignCheck ? 1 : 0
        c[9] = UInt64(UInt(bitPattern: tlb.ram))
        c[10] = UInt64(UInt(bitPattern: decodeCache.pageTableBase))
        c[11] = tlb.zeroBlockSize
        c[12] = tlb.cacheMaintenanceFast ? 1 : 0
        c[13] = el != 0 && spsel != 0 ? 1 : 0
        c[14] = spBank[0]
        c[15] = el != 0 ? 1 : 0
        c[16] = sysregs[SysReg.TPIDR_EL1]
        c[17] = UInt64(daif)
        var exit = unsafeBitCast(code, to: JITEntry.self)(x, c)
        nzcv = JITFlags.nzcv(c[0])
        // Statistics (--stats) in the context's own words: no array to check out per entry.
        c[JITContext.entriesRunWord] &+= 1
        c[JITContext.instructionsRunWord] &+= left &- c[1]
        c[JITContext.exitsWord + min(exit, 4)] &+= 1
        if exit == JITExit.slowRead.rawValue || exit == JITExit.slowWrite.rawValue {
            // Copy the page into the host TLB if the architectural TLB has it, as the fast
            // loop's own miss does, and go on (the block finds it now); else the full path.
            if hostTLBFill(c[7], write: exit == JITExit.slowWrite.rawValue, tlb) != nil {
                exit = JITExit.next.rawValue
            }
        }
        return (exit, c[6], c[1])
    }
}
