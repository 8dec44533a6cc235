import Bus

// The interpreter loop: fetch (through the decode cache), execute, take exceptions at
// instruction boundaries.
//
// `run` keeps the instructions left in the budget (`left`) in a local, and the position in a
// pointer `ip` to the decoded slot of the next instruction, inside the decode-cache page of
// the fetch page (`page`, whose VA is `pageVA`). Sequential code steps `ip`; the slot after
// a page's last one is always `.notDecoded`, so leaving the page needs no address compare. An immediate
// branch whose target is in the page carries the target's slot (`InstRef.targetSlot`) and
// sets `ip` directly; one that leaves it goes through `slowStep`. A compare fused with the
// B.cond after it (`FastForms.fuse`) runs both with one dispatch.
//
// The fast forms (FastForms.swift) and the other common instructions execute inline. None of
// them can fault, touch a device, read the clock or change what may interrupt, so the CPU's
// `pc` and `instret` are written back only when an instruction takes the slow path
// (`slowStep`: everything else, every fault, an empty slot, a new page), which runs the full
// `step()` and reloads the locals. `attention` can only be raised by the slow path, so it is
// tested there and not per instruction.
//
// The budget is checked at block level too (docs/PERFORMANCE.md, "Hot-path rules"): not before each
// instruction but when a branch moves `ip` inside the page. A run of slots without such a branch
// ends at the page's empty extra slot, so it holds at most `reach` instructions, and with more
// than `reach` left the fast loop cannot overrun. Nearer the end, `run` empties the slot where the
// budget runs out (saving its group byte and putting it back as soon as the fast loop returns; the
// fast loop never writes the decode cache, and no other CPU runs meanwhile), and every in-page
// branch leaves the fast loop so that the next entry empties the right slot. The loop's head is
// then the dispatch alone, which the compiler copies to the end of the handlers: each has its own
// indirect jump, predicted on its own (threaded dispatch; the compiler settings that allow it are
// in Package.swift).

/// The PC of the decoded slot `ip` of `page`, whose VA is `pageVA`.
@_transparent
func slotPC(_ ip: UnsafePointer<Inst>, _ page: UnsafeMutablePointer<Inst>, _ pageVA: UInt64) -> UInt64 {
    // Slots are 16 bytes apart in the host and `DecodeCache.slotSize` in the guest: the byte
    // distance over 16 / slotSize. (`distance(to:)` would divide a signed value by 16 first.)
    pageVA &+ (UInt64(UInt(bitPattern: ip)) &- UInt64(UInt(bitPattern: page)))
        &>> (MemoryLayout<Inst>.stride.trailingZeroBitCount - DecodeCache.slotShift)
}

extension CPU {
    /// The most instructions a run of slots can hold without a branch: a page's worth.
    static var reach: UInt64 { UInt64(DecodeCache.slotsPerPage) }

    /// Run at most `budget` instructions. Returns early on WFI, a stop request or a stuck guest.
    /// Each execution state has its loop; an exception entry or return between them hands over.
    public func run(budget: UInt64) -> StopReason {
        let end = instret &+ budget
        while true {
            var left = end &- instret
            if left == 0 { return .budget }
            // A PMU counter that interrupts on overflow ends the turn where it overflows
            // (PMU.swift); with none, `overflowAt` is .max and this is one predicted branch.
            if pmu.overflowAt != .max {
                if instret >= pmu.overflowAt { pmuReachedOverflow() }
                left = min(left, pmu.overflowAt &- instret)
            }
            if let r = aarch32 ? runAArch32(budget: left) : runA64(budget: left) {
                if pmu.recut && r == .budget {
                    pmu.recut = false
                    continue
                }
                if instret == pmu.overflowAt { pmuReachedOverflow() }
                return r
            }
        }
    }

    /// The A64 loop: at most `budget` instructions; nil when the CPU left AArch64 state.
    func runA64(budget: UInt64) -> StopReason? {
        let x = self.x
        var pc = self.pc
        // Instructions left in the budget; the count retired is `end - left`.
        var left = budget
        let end = instret &+ budget
        var pageVA = fetchPageVA
        var page = fetchPage
        let tlb = decodeCache.hostTLB(cpu: index)
        let jit = decodeCache.jit
        let jitContext = jit?.context(cpu: index)
        // The host TLB lives on from the last turn unless the fetch page went meanwhile: every
        // change that could make an entry stale does that (`flushFetchPage`), another CPU's TLBI
        // too (`invalidateTLB`), and then the refresh empties it. With --threads, an entry this
        // CPU filled while another's TLBI ran may be stale: a turn starts empty there, as ever
        // (docs/ARCHITECTURE.md, "Threads").
        if machineLock != nil { tlb.flush() }
        refreshHostTLB(tlb, changed: fetchPageVA == 1 || machineLock != nil)
        outer: while left != 0 {
            if attention {
                self.pc = pc
                instret = end &- left
                if aarch32 { return nil }
                if let r = handleAttention() { return r }
                if illegalState {
                    // ARM DDI 0487, D1.4.5: with PSTATE.IL set, the next instruction takes an
                    // Illegal Execution State exception instead of executing.
                    nextPC = self.pc
                    takeException(ArchException(.illegalState))
                    self.pc = nextPC
                    instret &+= 1
                    (pc, left, pageVA, page) = resumeFastPath(end: end, tlb)
                    continue
                }
                (pc, left, pageVA, page) = resumeFastPath(end: end, tlb)
                if attention {
                    // Still set: test it again before the next instruction, as the
                    // architecture's instruction boundaries ask.
                    slowStep(pc, end &- left)
                    (pc, left, pageVA, page) = resumeFastPath(end: end, tlb)
                    continue
                }
            }
            // Bits 1..0 stay in the compare: a misaligned PC takes the slow path and faults there.
            guard pc & ~0xFFC == pageVA else {
                if let p = switchFetchPage(pc, tlb) {
                    pageVA = pc & ~0xFFF
                    page = p
                    continue
                }
                slowStep(pc, end &- left)
                (pc, left, pageVA, page) = resumeFastPath(end: end, tlb)
                continue
            }
            var ip = UnsafePointer(page) + Int(truncatingIfNeeded: pc & 0xFFF) &>> DecodeCache.slotShift
            // Within `reach` of the end of the budget, the slot where it runs out is emptied for
            // as long as the fast loop runs (see the comment above `run`).
            var stop: UnsafeMutablePointer<Inst>? = nil
            var stopGroup = InstGroup.notDecoded
            if left <= CPU.reach {
                let s = UnsafeMutablePointer(mutating: ip) + Int(truncatingIfNeeded: left)
                // An empty slot stops the fast loop anyway; leaving it unwritten keeps its host
                // page uncommitted.
                if s <= page + DecodeCache.slotsPerPage && s.pointee.group != .notDecoded {
                    stop = s
                    stopGroup = s.pointee.group
                    s.pointee.group = .notDecoded
                    // `--threads`: another CPU may drop slots of this cache while the fast loop
                    // runs unlocked; the slot then stays empty rather than get its group back.
                    stopInvalidations = decodeCache.invalidations
                }
            } else if let jit, jit.arrive(ip) {
                // A page entry that is hot: translate the block there (JIT/).
                jit.translate(page: page, slot: page.distance(to: UnsafeMutablePointer(mutating: ip)), pageVA: pageVA)
            }
            var slow = false
            machineLock?.unlock()
            fast: while true {
                let i = InstRef(ip)
                // Every case that completes the instruction without touching `ip` leaves the
                // switch normally and goes on to the next slot; `break work` takes the full path;
                // a fused compare leaves by `break fused` to run the B.cond after it, and a taken
                // immediate branch by `break taken`.
                taken: do {
                fused: do {
                work: do {
                switch i.group {
                // Data processing -- immediate.
                case .addImm64:
                    x[Int(i.rd)] = x[Int(i.rn)] &+ i.imm
                case .addImm32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)] &+ i.imm))
                case .subImm64:
                    x[Int(i.rd)] = x[Int(i.rn)] &- i.imm
                case .subImm32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)] &- i.imm))
                case .subsImm64:
                    let a = x[Int(i.rn)], b = i.imm, r = a &- b
                    x[Int(i.rd)] = r
                    nzcv = subtractFlags64(a, b, r)
                case .subsImm32:
                    let a = UInt32(truncatingIfNeeded: x[Int(i.rn)]), b = UInt32(truncatingIfNeeded: i.imm)
                    let r = a &- b
                    x[Int(i.rd)] = UInt64(r)
                    nzcv = subtractFlags32(a, b, r)
                case .subsImm64BCond:
                    let a = x[Int(i.rn)], b = i.imm, r = a &- b
                    x[Int(i.rd)] = r
                    nzcv = subtractFlags64(a, b, r)
                    break fused
                case .subsImm32BCond:
                    let a = UInt32(truncatingIfNeeded: x[Int(i.rn)]), b = UInt32(truncatingIfNeeded: i.imm)
                    let r = a &- b
                    x[Int(i.rd)] = UInt64(r)
                    nzcv = subtractFlags32(a, b, r)
                    break fused
                case .addsImm64:
                    let r = addWithCarry64(x[Int(i.rn)], i.imm, 0)
                    x[Int(i.rd)] = r.result
                    nzcv = r.nzcv
                case .addsImm32:
                    let r = addWithCarry32(x[Int(i.rn)], i.imm, 0)
                    x[Int(i.rd)] = r.result
                    nzcv = r.nzcv
                case .andImm:
                    x[Int(i.rd)] = x[Int(i.rn)] & i.imm
                case .orrImm64:
                    x[Int(i.rd)] = x[Int(i.rn)] | i.imm
                case .eorImm64:
                    x[Int(i.rd)] = x[Int(i.rn)] ^ i.imm
                case .movImm:
                    x[Int(i.rd)] = i.imm
                case .ubfm64:
                    x[Int(i.rd)] = rotateRight64(x[Int(i.rn)], UInt64(i.a)) & i.imm
                case .ubfm32:
                    x[Int(i.rd)] = rotateRight32(x[Int(i.rn)], UInt64(i.a)) & i.imm
                case .adr:
                    x[Int(i.rd)] = slotPC(ip, page, pageVA) &+ i.imm
                case .adrp:
                    x[Int(i.rd)] = (slotPC(ip, page, pageVA) & ~0xFFF) &+ i.imm

                // Data processing -- register.
                case .andReg64:
                    x[Int(i.rd)] = x[Int(i.rn)] & fastShifted64(i, x)
                case .orrReg64:
                    x[Int(i.rd)] = x[Int(i.rn)] | fastShifted64(i, x)
                case .eorReg64:
                    x[Int(i.rd)] = x[Int(i.rn)] ^ fastShifted64(i, x)
                case .addReg64:
                    x[Int(i.rd)] = x[Int(i.rn)] &+ fastShifted64(i, x)
                case .subReg64:
                    x[Int(i.rd)] = x[Int(i.rn)] &- fastShifted64(i, x)
                case .subsReg64:
                    let a = x[Int(i.rn)], b = fastShifted64(i, x), r = a &- b
                    x[Int(i.rd)] = r
                    nzcv = subtractFlags64(a, b, r)
                case .andsReg64:
                    let r = x[Int(i.rn)] & fastShifted64(i, x)
                    x[Int(i.rd)] = r
                    nzcv = logicalFlags(r, sf: 1)
                case .andReg32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) & fastShifted32(i, x))
                case .orrReg32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) | fastShifted32(i, x))
                case .eorReg32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) ^ fastShifted32(i, x))
                case .addReg32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) &+ fastShifted32(i, x))
                case .subReg32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) &- fastShifted32(i, x))
                case .subsReg32:
                    let a = UInt32(truncatingIfNeeded: x[Int(i.rn)]), b = fastShifted32(i, x), r = a &- b
                    x[Int(i.rd)] = UInt64(r)
                    nzcv = subtractFlags32(a, b, r)
                case .andsReg32:
                    let r = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) & fastShifted32(i, x))
                    x[Int(i.rd)] = r
                    nzcv = logicalFlags(r, sf: 0)
                case .subsReg64BCond:
                    let a = x[Int(i.rn)], b = fastShifted64(i, x), r = a &- b
                    x[Int(i.rd)] = r
                    nzcv = subtractFlags64(a, b, r)
                    break fused
                case .subsReg32BCond:
                    let a = UInt32(truncatingIfNeeded: x[Int(i.rn)]), b = fastShifted32(i, x), r = a &- b
                    x[Int(i.rd)] = UInt64(r)
                    nzcv = subtractFlags32(a, b, r)
                    break fused
                case .andsReg64BCond:
                    let r = x[Int(i.rn)] & fastShifted64(i, x)
                    x[Int(i.rd)] = r
                    nzcv = logicalFlags(r, sf: 1)
                    break fused
                case .andsReg32BCond:
                    let r = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) & fastShifted32(i, x))
                    x[Int(i.rd)] = r
                    nzcv = logicalFlags(r, sf: 0)
                    break fused
                case .andLsr64:
                    x[Int(i.rd)] = x[Int(i.rn)] & fastShiftedRight64(i, x)
                case .orrLsr64:
                    x[Int(i.rd)] = x[Int(i.rn)] | fastShiftedRight64(i, x)
                case .eorLsr64:
                    x[Int(i.rd)] = x[Int(i.rn)] ^ fastShiftedRight64(i, x)
                case .addLsr64:
                    x[Int(i.rd)] = x[Int(i.rn)] &+ fastShiftedRight64(i, x)
                case .subLsr64:
                    x[Int(i.rd)] = x[Int(i.rn)] &- fastShiftedRight64(i, x)
                case .andLsr32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) & fastShiftedRight32(i, x))
                case .orrLsr32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) | fastShiftedRight32(i, x))
                case .eorLsr32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) ^ fastShiftedRight32(i, x))
                case .addLsr32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) &+ fastShiftedRight32(i, x))
                case .subLsr32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.rn)]) &- fastShiftedRight32(i, x))
                case .madd64:
                    x[Int(i.rd)] = x[Int(i.ra)] &+ x[Int(i.rn)] &* x[Int(i.rm)]
                case .madd32:
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: x[Int(i.ra)] &+ x[Int(i.rn)] &* x[Int(i.rm)]))
                case .csel64:
                    x[Int(i.rd)] = (i.imm >> UInt64(nzcv >> 28)) & 1 != 0 ? x[Int(i.rn)] : x[Int(i.rm)]
                case .csel32:
                    let v = (i.imm >> UInt64(nzcv >> 28)) & 1 != 0 ? x[Int(i.rn)] : x[Int(i.rm)]
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: v))
                case .csinc64:
                    x[Int(i.rd)] = (i.imm >> UInt64(nzcv >> 28)) & 1 != 0 ? x[Int(i.rn)] : x[Int(i.rm)] &+ 1
                case .csinc32:
                    let v = (i.imm >> UInt64(nzcv >> 28)) & 1 != 0 ? x[Int(i.rn)] : x[Int(i.rm)] &+ 1
                    x[Int(i.rd)] = UInt64(UInt32(truncatingIfNeeded: v))
                case .addExt64:
                    x[Int(i.rd)] = x[Int(i.rn)] &+ extendReg(x[Int(i.rm)], i.a, i.imm)
                case .sbfm64:
                    // ROR(src, R) AND wmask AND tmask, sign-extended from the mask's top bit
                    // (as executeDataProcessingImmediate).
                    let m = i.imm, s = UInt64(m.leadingZeroBitCount)
                    let rot = rotateRight64(x[Int(i.rn)], UInt64(i.a)) & m
                    x[Int(i.rd)] = UInt64(bitPattern: Int64(bitPattern: rot &<< s) &>> Int64(s))
                case .extr64:
                    let lsb = UInt64(i.a)
                    x[Int(i.rd)] = (x[Int(i.rm)] &>> lsb) | ((x[Int(i.rn)] &<< 1) &<< (63 &- lsb))
                case .extr32:
                    let c = x[Int(i.rn)] << 32 | (x[Int(i.rm)] & 0xFFFF_FFFF)
                    x[Int(i.rd)] = (c &>> UInt64(i.a)) & 0xFFFF_FFFF

                // Branches: a target in this page moves `ip`; any other leaves the fast loop.
                // Immediate branches: not taken, the next slot; taken, `break taken` (below).
                case .branch26:
                    break taken
                case .branchLink:
                    x[30] = slotPC(ip, page, pageVA) &+ UInt64(InstructionSet.a64.slotSize)
                    break taken
                case .branchCond:
                    if (i.conditionMask >> (nzcv >> 28)) & 1 != 0 { break taken }
                case .cbz64:
                    if x[Int(i.rn)] == 0 { break taken }
                case .cbnz64:
                    if x[Int(i.rn)] != 0 { break taken }
                case .cbz32:
                    if UInt32(truncatingIfNeeded: x[Int(i.rn)]) == 0 { break taken }
                case .cbnz32:
                    if UInt32(truncatingIfNeeded: x[Int(i.rn)]) != 0 { break taken }
                case .tbz:
                    if (x[Int(i.rn)] >> UInt64(i.a)) & 1 == 0 { break taken }
                case .tbnz:
                    if (x[Int(i.rn)] >> UInt64(i.a)) & 1 != 0 { break taken }
                // Register branches: a target in this page moves `ip`; any other leaves.
                case .branchReg:
                    let target = x[Int(i.rn)]
                    left &-= 1
                    if target & ~0xFFC == pageVA {
                        ip = UnsafePointer(page) + Int(truncatingIfNeeded: target & 0xFFF) &>> DecodeCache.slotShift
                        if left > CPU.reach { continue fast }
                        pc = slotPC(ip, page, pageVA)
                        break fast
                    }
                    pc = target
                    break fast
                case .branchLinkReg:
                    // Read the target before writing X30: BLR X30 branches to the old value.
                    let target = x[Int(i.rn)]
                    x[30] = slotPC(ip, page, pageVA) &+ UInt64(InstructionSet.a64.slotSize)
                    left &-= 1
                    if target & ~0xFFC == pageVA {
                        ip = UnsafePointer(page) + Int(truncatingIfNeeded: target & 0xFFF) &>> DecodeCache.slotShift
                        if left > CPU.reach { continue fast }
                        pc = slotPC(ip, page, pageVA)
                        break fast
                    }
                    pc = target
                    break fast

                // Loads and stores that hit RAM; anything else takes the full path. (No handler
                // reads the group byte again: its only use is the dispatch, which lets the
                // compiler copy the dispatch into every handler.)
                case .ldr8:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 1, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load8(p)
                case .ldr16:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 2, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load16(p)
                case .ldr32:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 4, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load32(p)
                case .ldr64:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 8, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load64(p)
                case .str8:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 1, write: true, tlb) else { break work }
                    HostRAM.store8(p, x[Int(i.rd)])
                case .str16:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 2, write: true, tlb) else { break work }
                    HostRAM.store16(p, x[Int(i.rd)])
                case .str32:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 4, write: true, tlb) else { break work }
                    HostRAM.store32(p, x[Int(i.rd)])
                case .str64:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 8, write: true, tlb) else { break work }
                    HostRAM.store64(p, x[Int(i.rd)])
                case .ldrReg32:
                    let offset = x[Int(i.rm)] &<< (i.imm & LSIndex.shiftMask)
                    guard let p = fastAddress(i, x, offset: offset, size: 4, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load32(p)
                case .ldrReg64:
                    let offset = x[Int(i.rm)] &<< (i.imm & LSIndex.shiftMask)
                    guard let p = fastAddress(i, x, offset: offset, size: 8, write: false, tlb) else { break work }
                    x[Int(i.rd)] = HostRAM.load64(p)
                case .strReg32:
                    let offset = x[Int(i.rm)] &<< (i.imm & LSIndex.shiftMask)
                    guard let p = fastAddress(i, x, offset: offset, size: 4, write: true, tlb) else { break work }
                    HostRAM.store32(p, x[Int(i.rd)])
                case .strReg64:
                    let offset = x[Int(i.rm)] &<< (i.imm & LSIndex.shiftMask)
                    guard let p = fastAddress(i, x, offset: offset, size: 8, write: true, tlb) else { break work }
                    HostRAM.store64(p, x[Int(i.rd)])
                case .ldr8Post:
                    guard let p = fastAddress(i, x, offset: 0, size: 1, write: false, tlb) else { break work }
                    let v = HostRAM.load8(p)
                    x[Int(i.rn)] = x[Int(i.rn)] &+ i.imm
                    x[Int(i.rd)] = v
                case .ldp64:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 16, elem: 8, write: false, tlb)
                    else { break work }
                    let v1 = HostRAM.load64(p)
                    let v2 = HostRAM.load64(p + 8)
                    x[Int(i.rd)] = v1
                    x[Int(i.rm)] = v2
                case .ldp64Post:
                    guard let p = fastAddress(i, x, offset: 0, size: 16, elem: 8, write: false, tlb)
                    else { break work }
                    let v1 = HostRAM.load64(p)
                    let v2 = HostRAM.load64(p + 8)
                    x[Int(i.rn)] = x[Int(i.rn)] &+ i.imm
                    x[Int(i.rd)] = v1
                    x[Int(i.rm)] = v2
                case .stp64:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 16, elem: 8, write: true, tlb)
                    else { break work }
                    HostRAM.store64(p, x[Int(i.rd)])
                    HostRAM.store64(p + 8, x[Int(i.rm)])
                case .stp64Pre:
                    guard let p = fastAddress(i, x, offset: i.imm, size: 16, elem: 8, write: true, tlb)
                    else { break work }
                    HostRAM.store64(p, x[Int(i.rd)])
                    HostRAM.store64(p + 8, x[Int(i.rm)])
                    x[Int(i.rn)] = x[Int(i.rn)] &+ i.imm

                // System instructions that need neither the full path nor the CPU's state: NOP
                // and barriers; cache maintenance by VA to a page the host TLB may read (it could
                // only fault where a read would, and there is no cache to clean); DC ZVA to a
                // page it may write (no decoded code, monitor clear: see `hostTLBFill`).
                case .sysNop:
                    break
                case .dcByVA:
                    guard tlb.cacheMaintenanceFast,
                          fastRAM(x[Int(i.rd)], total: 1, elem: 1, write: false, tlb) != nil else { break work }
                case .dcZVA:
                    let size = tlb.zeroBlockSize
                    guard size != 0,
                          let p = fastRAM(x[Int(i.rd)] & ~(size &- 1), total: size, elem: size, write: true, tlb)
                    else { break work }
                    HostRAM.zeroBlock(p, size: Int(truncatingIfNeeded: size))
                // MRS of SP_EL0, TPIDR_EL1, DAIF: out of line (`fastMRS`), so that the loop keeps
                // no more values live across its dispatch.
                case .mrsSPEL0:
                    if !fastMRSSPEL0(i.rd) { break work }
                case .mrsTPIDREL1:
                    if !fastMRSTPIDREL1(i.rd) { break work }
                case .mrsDAIF:
                    if !fastMRSDAIF(i.rd) { break work }

                // The other common groups, through their own executors.
                case .dataProcessingImmediate:
                    executeDataProcessingImmediate(i, pc: slotPC(ip, page, pageVA))
                case .dataProcessingRegister:
                    executeDataProcessingRegisterNoThrow(i)
                case .loadStore:
                    if !fastLoadStore(i, tlb) { break work }
                case .undefined, .branch, .exceptionGeneration, .system, .floatingPoint, .advancedSIMD,
                     .loadStoreSIMD, .cryptographic, .notDecoded:
                    break work

                // A translated block (JIT/): it runs as far as it can, then the loop goes on
                // from where it stopped; the full path takes an instruction it declined.
                case .jitBlock:
                    guard let jitContext else { break work }
                    let r = runJIT(i.imm, pc: slotPC(ip, page, pageVA), pageVA: pageVA, left: left, tlb, jitContext)
                    pc = r.1
                    left = r.2
                    slow = r.0 != JITExit.next.rawValue
                    break fast
                }
                ip += 1
                left &-= 1
                continue fast
                }
                pc = slotPC(ip, page, pageVA)
                slow = true
                break fast
                }
                // The compare is done; the next slot holds its B.cond (`FastForms.fuse`), which
                // counts as an instruction of its own: with the budget spent, it waits (its slot
                // is the emptied one).
                ip += 1
                left &-= 1
                if left == 0 { continue fast }
                if (InstRef(ip).conditionMask >> (nzcv >> 28)) & 1 == 0 {
                    ip += 1
                    left &-= 1
                    continue fast
                }
                }
                // The immediate branch at `ip` is taken.
                left &-= 1
                let b = InstRef(ip)
                let t = b.targetSlot
                if t != 0 {
                    ip = UnsafePointer(page) + (t &- 1)
                    if left > CPU.reach {
                        if let jit, jit.arrive(ip) { jit.translate(page: page, slot: t &- 1, pageVA: pageVA) }
                        continue fast
                    }
                    pc = slotPC(ip, page, pageVA)
                    break fast
                }
                pc = slotPC(ip, page, pageVA) &+ b.imm
                break fast
            }
            machineLock?.lock(cpu: index)
            if let s = stop, decodeCache.invalidations == stopInvalidations { s.pointee.group = stopGroup }
            if slow && left != 0 {
                slowStep(pc, end &- left)
                (pc, left, pageVA, page) = resumeFastPath(end: end, tlb)
            }
        }
        self.pc = pc
        instret = end &- left
        return .budget
    }

    /// MRS at EL1 or EL2, where nothing traps these registers; false at EL0 (which may trap
    /// or be UNDEFINED) for the full path. SP_EL0 is a register of its own only while SPSel
    /// selects SP_ELx (C5.2.14); the banked value is then in spBank[0].
    @inline(never)
    func fastMRSSPEL0(_ rt: UInt8) -> Bool {
        guard el != 0 && spsel != 0 else { return false }
        x[Int(rt)] = spBank[0]
        return true
    }

    @inline(never)
    func fastMRSTPIDREL1(_ rt: UInt8) -> Bool {
        guard el != 0 else { return false }
        x[Int(rt)] = sysregs[SysReg.TPIDR_EL1]
        return true
    }

    @inline(never)
    func fastMRSDAIF(_ rt: UInt8) -> Bool {
        guard el != 0 else { return false }
        x[Int(rt)] = UInt64(daif)
        return true
    }

    /// The run loop's locals after the full path ran: PC, instructions left, fetch page; with
    /// the host TLB brought in line (flushed when the regime, the EL or a TLB changed).
    @inline(__always)
    func resumeFastPath(end: UInt64, _ tlb: HostTLB) -> (UInt64, UInt64, UInt64, UnsafeMutablePointer<Inst>) {
        refreshHostTLB(tlb, changed: fetchPageVA == 1)
        // After the refresh, so that the entry gets the current EL's tag and epoch.
        if let va = hostTLBFillHint {
            hostTLBFillHint = nil
            _ = hostTLBFill(va, write: false, tlb)
        }
        return (pc, end &- instret, fetchPageVA, fetchPage)
    }

    /// One instruction through the full path, with the CPU's fields brought up to date first.
    @inline(never)
    func slowStep(_ pc: UInt64, _ icount: UInt64) {
        self.pc = pc
        instret = icount
        step()
    }

    /// Execute one instruction.
    @inline(__always)
    public func step() {
        if aarch32 {
            // One instruction outside the AArch32 loop (a debugger's step): a host TLB brought
            // up to date for it.
            let tlb = decodeCache.hostTLB(cpu: index)
            refreshHostTLB(tlb, changed: true)
            if pmu.armed { pmuStep32(tlb) } else { step32(tlb) }
            return
        }
        let pc = self.pc
        nextPC = pc &+ UInt64(InstructionSet.a64.slotSize)
        // PMU events of instruction classes (PMUEvents.swift), which checks debug events too.
        if pmu.armed {
            stepCountingEvents(pc)
            return
        }
        if debugArmed {
            stepWithDebugEvents(pc)
            return
        }
        do {
            let inst = try fetch(pc)
            try execute(inst)
        } catch {
            takeException(error)
        }
        self.pc = nextPC
        instret &+= 1
    }

    /// A fast form runs here as its generic group (FastForms.swift): the same fields, the
    /// group's own executor.
    @inline(__always)
    func execute(_ inst: Inst) throws(ArchException) {
        var i = inst
        i.group = inst.group.genericGroup
        switch i.group {
        case .dataProcessingImmediate:
            // Cannot fault: the non-throwing form, which the compiler inlines.
            withUnsafePointer(to: i) { executeDataProcessingImmediate(InstRef($0), pc: pc) }
        case .dataProcessingRegister: try executeDataProcessingRegister(i)
        case .loadStore: try executeLoadStore(i)
        case .branch: try executeBranch(i)
        case .exceptionGeneration: try executeExceptionGeneration(i)
        case .system: try executeSystem(i)
        case .floatingPoint: try executeFloatingPoint(i)
        case .advancedSIMD: try executeAdvancedSIMD(i)
        case .loadStoreSIMD: try executeLoadStoreSIMD(i)
        case .cryptographic: try executeCryptographic(i)
        default: throw ArchException.undefined
        }
    }

    /// Slow path between instructions: stop requests, interrupts and WFI. Returns nil to go on
    /// executing. Whoever can make an interrupt takeable (new inputs, DAIF or HCR_EL2 writes, ERET)
    /// sets `attention`, so the fast path never polls.
    func handleAttention() -> StopReason? {
        if let r = stopRequest {
            stopRequest = nil
            pmu.recut = false   // the caller runs again, and `run` cuts its budget afresh
            attention = illegalState || waiting || !interruptInputs.isEmpty || debugArmed || pmu.armed
            return r
        }
        if pmu.recut {
            // A PMU overflow point came nearer (PMU.swift): back to `run`, which continues.
            attention = true
            return .budget
        }
        // Armed debug events and counted instruction classes keep every instruction on the
        // slow path (`step` checks and counts them).
        attention = debugArmed || pmu.armed
        if let p = pendingInterrupt() {
            takeInterrupt(p)
            return nil
        }
        if illegalState {
            attention = waiting || debugArmed || pmu.armed
            return nil
        }
        if waiting {
            if hasWakeUpEvent() {
                waiting = false
                return nil
            }
            attention = true
            return .waitingForInterrupt
        }
        return nil
    }
}
