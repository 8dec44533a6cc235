/// The interpreter loop: fetch (through the decode cache), execute, take exceptions at
/// instruction boundaries.
///
/// `run` keeps the PC, the retired-instruction count and the fetch page in locals and executes
/// the common instructions inline: data processing, branches other than ERET, and loads and
/// stores that hit RAM (`fastLoadStore`). None of those can fault, touch a device, read the
/// clock or change what may interrupt, so the CPU's fields are written back only when an
/// instruction takes the slow path (`slowStep`: everything else, every fault, a cache miss,
/// a new page), which runs the full `step()` and reloads the locals. `attention` can only be
/// raised by the slow path, so it is tested there and not per instruction.
extension CPU {
    /// Run at most `budget` instructions. Returns early on WFI, a stop request or a stuck guest.
    public func run(budget: UInt64) -> StopReason {
        let x = self.x
        var pc = self.pc
        var icount = instret
        let end = icount &+ budget
        var pageVA = fetchPageVA
        var page = fetchPage
        let tlb = decodeCache.hostTLB(cpu: index)
        tlb.flush()
        refreshHostTLB(tlb)
        while icount != end {
            if attention {
                self.pc = pc
                instret = icount
                if let r = handleAttention() { return r }
                if illegalState {
                    // ARM DDI 0487, D1.4.5: with PSTATE.IL set, the next instruction takes an
                    // Illegal Execution State exception instead of executing.
                    nextPC = self.pc
                    takeException(ArchException(.illegalState))
                    self.pc = nextPC
                    instret &+= 1
                    if fetchPageVA == 1 { tlb.flush() }
                    pc = self.pc; icount = instret; pageVA = fetchPageVA; page = fetchPage; refreshHostTLB(tlb)
                    continue
                }
                if fetchPageVA == 1 { tlb.flush() }
                pc = self.pc; icount = instret; pageVA = fetchPageVA; page = fetchPage; refreshHostTLB(tlb)
                if attention {
                    // Still set: test it again before the next instruction, as the
                    // architecture's instruction boundaries ask.
                    slowStep(pc, icount)
                    if fetchPageVA == 1 { tlb.flush() }
                    pc = self.pc; icount = instret; pageVA = fetchPageVA; page = fetchPage; refreshHostTLB(tlb)
                    continue
                }
            }
            while icount != end {
                // Bits 1..0 stay in the compare: a misaligned PC takes the slow path and faults there.
                if pc & ~0xFFC == pageVA {
                    let i = InstRef(page + Int(truncatingIfNeeded: pc & 0xFFF) &>> 2)
                    switch i.group {
                    case .dataProcessingImmediate:
                        executeDataProcessingImmediate(i, pc: pc)
                        pc &+= 4
                        icount &+= 1
                        continue
                    case .dataProcessingRegister:
                        executeDataProcessingRegisterNoThrow(i)
                        pc &+= 4
                        icount &+= 1
                        continue
                    case .branch where i.op != BranchOp.eret.rawValue:
                        pc = branchTarget(i, pc: pc)
                        icount &+= 1
                        continue
                    case .loadStore:
                        if fastLoadStore(i, tlb) {
                            pc &+= 4
                            icount &+= 1
                            continue
                        }
                    default:
                        break
                    }
                }
                slowStep(pc, icount)
                // flushFetchPage() was called: the regime, the EL or a TLB changed.
                if fetchPageVA == 1 { tlb.flush() }
                pc = self.pc; icount = instret; pageVA = fetchPageVA; page = fetchPage; refreshHostTLB(tlb)
                if attention { break }
            }
        }
        self.pc = pc
        instret = icount
        return .budget
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
        let pc = self.pc
        nextPC = pc &+ 4
        do {
            let inst = try fetch(pc)
            try execute(inst)
        } catch {
            takeException(error)
        }
        self.pc = nextPC
        instret &+= 1
    }

    @inline(__always)
    func execute(_ i: Inst) throws(ArchException) {
        switch i.group {
        case .dataProcessingImmediate: try executeDataProcessingImmediate(i)
        case .dataProcessingRegister: try executeDataProcessingRegister(i)
        case .loadStore: try executeLoadStore(i)
        case .branch: try executeBranch(i)
        case .exceptionGeneration: try executeExceptionGeneration(i)
        case .system: try executeSystem(i)
        case .floatingPoint: try executeFloatingPoint(i)
        case .advancedSIMD: try executeAdvancedSIMD(i)
        case .loadStoreSIMD: try executeLoadStoreSIMD(i)
        case .cryptographic: try executeCryptographic(i)
        case .undefined, .notDecoded: throw ArchException.undefined
        }
    }

    /// Slow path between instructions: stop requests, interrupts and WFI. Returns nil to go on
    /// executing. Whoever can make an interrupt takeable (new inputs, DAIF or HCR_EL2 writes, ERET)
    /// sets `attention`, so the fast path never polls.
    func handleAttention() -> StopReason? {
        if let r = stopRequest {
            stopRequest = nil
            attention = illegalState || waiting || !interruptInputs.isEmpty
            return r
        }
        attention = false
        if let p = pendingInterrupt() {
            takeInterrupt(p)
            return nil
        }
        if illegalState {
            attention = waiting
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
