/// The interpreter loop: fetch (through the decode cache), execute, take exceptions at
/// instruction boundaries.
extension CPU {
    /// Run at most `budget` instructions. Returns early on WFI, a stop request or a stuck guest.
    public func run(budget: UInt64) -> StopReason {
        var remaining = budget
        while remaining != 0 {
            if attention {
                if let r = handleAttention() { return r }
                if illegalState {
                    // ARM DDI 0487, D1.4.5: with PSTATE.IL set, the next instruction takes an
                    // Illegal Execution State exception instead of executing.
                    nextPC = pc
                    takeException(ArchException(.illegalState))
                    pc = nextPC
                    instret &+= 1
                    remaining &-= 1
                    continue
                }
            }
            step()
            remaining &-= 1
        }
        return .budget
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
