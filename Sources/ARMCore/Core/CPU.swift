import Bus
import Stage2MMU

/// Why `CPU.run` returned.
public enum StopReason: Equatable {
    /// The instruction budget of this call ran out (the board checks devices and runs again).
    case budget
    /// WFI/WFE with nothing to wake it: the board may fast-forward time.
    case waitingForInterrupt
    /// Firmware asked the machine to stop: PSCI SYSTEM_OFF (0) or semihosting exit (its code,
    /// all 64 bits of it, so that no nonzero code can be mistaken for 0 on the way out).
    case exit(code: Int64)
    /// PSCI SYSTEM_RESET.
    case reset
    /// PSCI CPU_OFF: this CPU stops until another CPU turns it on again.
    case powerOff
    /// The guest cannot make progress any more (e.g. its exception vector itself faults).
    case stuck(reason: String)
    /// One of gdb's hardware breakpoints or watchpoints fired (`CPU.externalDebug.hit`).
    case debugEvent
}

/// The calls a CPU makes out to firmware that the board provides (PSCI, semihosting).
/// Not on the hot path: reached only from SMC, HVC and HLT.
public protocol FirmwareHandler: AnyObject {
    /// An SMC or HVC that reaches firmware (the SMCCC function ID is in x0).
    func secureMonitorCall(cpu: CPU, isHVC: Bool)
    /// `HLT #imm` that may be a semihosting call. Return false to treat it as a plain HLT.
    func halt(cpu: CPU, imm16: UInt32) -> Bool
}

/// System registers that live outside the core (generic timer, GICv3 CPU interface).
public protocol SystemRegisterProvider: AnyObject {
    func read(_ reg: SysReg, cpu: CPU) -> UInt64
    func write(_ reg: SysReg, value: UInt64, cpu: CPU)
}

/// One AArch64 processing element: architectural state and the interpreter that steps it.
/// A `final class` whose hot state lives in unsafe buffers (docs/PERFORMANCE.md, "Hot-path rules").
public final class CPU {
    /// General-purpose register slots (see `Reg`): X0..X30, the zero slot, current SP, a discard slot.
    public let x: UnsafeMutablePointer<UInt64>
    /// SIMD&FP registers V0..V31, 16 bytes each, little-endian lanes.
    public let v: UnsafeMutableRawPointer
    /// Banked stack pointers SP_EL0, SP_EL1, SP_EL2. The active one is kept in `x[Reg.sp]`.
    public let spBank: UnsafeMutablePointer<UInt64>
    /// System-register storage indexed by `SysReg.rawValue`.
    public let sysregs: UnsafeMutablePointer<UInt64>

    public var pc: UInt64 = 0
    /// Where execution continues after the current instruction; branches write it.
    public var nextPC: UInt64 = 0

    // PSTATE (ARM DDI 0487, D1.4), kept in the bit positions SPSR uses.
    /// N, Z, C, V in bits 31..28.
    public var nzcv: UInt32 = 0
    /// D, A, I, F in bits 9..6.
    public var daif: UInt32 = 0x3C0
    public internal(set) var el: UInt8 = 1
    public internal(set) var spsel: UInt8 = 1
    /// PSTATE.IL: set by an illegal exception return; the next instruction takes an
    /// Illegal Execution State exception.
    public var illegalState = false

    // AArch32 PSTATE (AArch32State.swift): nRW, T, IT, GE, Q and the mode. A, I, F live in `daif`.
    /// PSTATE.nRW: the current EL executes A32 or T32.
    public internal(set) var aarch32 = false
    public internal(set) var thumb = false
    /// ITSTATE, IT[7:0]: the condition and mask of an IT block in progress.
    public internal(set) var itState: UInt8 = 0
    /// PSTATE.GE[3:0], set by the parallel add and subtract instructions and read by SEL.
    public internal(set) var ge32: UInt8 = 0
    /// PSTATE.Q, the sticky saturation flag.
    public internal(set) var qFlag = false
    public internal(set) var mode32: AArch32Mode = .svc { didSet { r32 = BankedRegisters.row(mode32) } }
    /// The X slots of the current mode's R0..R14 (BankedRegisters), kept with `mode32` so that a
    /// register access reads no global.
    var r32: UnsafeMutablePointer<UInt8> = BankedRegisters.row(.svc)
    /// Booted in AArch32 with no EL2: EL1 is AArch32 for good.
    var bootedAArch32 = false
    /// Length in bytes of the AArch32 instruction executing (2 or 4): where SVC returns to.
    var instructionLength32: UInt8 = 4
    /// The AArch32 loop's fetch page (VA, 1 = none) and its host pointer, and its decode memo
    /// (AArch32FetchCache.swift).
    var fetch32PageVA: UInt64 = 1
    var fetch32Host: UnsafeMutableRawPointer?
    let decodeMemo = AArch32DecodeMemo()
    /// Where TTBR1's range starts in an AArch32 long-descriptor regime (.max: TTBR0 only).
    var aarch32TTBR1Base: UInt64 = .max
    /// The condition field of the AArch32 instruction executing, for trap syndromes (ISS.COND).
    var currentCondition32: UInt8 = 0xE

    /// EL2 is implemented (the guest started at EL2). When false, HVC reaches firmware as on a
    /// QEMU virt machine without virtualization, and EL2 registers are UNDEFINED.
    public let hasEL2: Bool
    /// The core has no AArch64 state (Cortex-A15): EL1 is AArch32 and EL2 is Hyp mode, so
    /// exceptions to EL2 enter Hyp mode through HVBAR (HypMode.swift).
    public let aarch32Only: Bool
    public let index: Int

    /// Instructions retired since reset, the base of virtual time.
    public var instret: UInt64 = 0
    /// Virtual nanoseconds skipped while idle (WFI fast-forward).
    public var idleNanos: UInt64 = 0
    /// The Performance Monitors' counting state (PMU.swift); the counters live in `sysregs`.
    var pmu = PMUState()
    /// Drives this CPU's PMU overflow interrupt (PPI 7, INTID 23): called when its level changes.
    public var pmuInterruptChanged: ((CPU, Bool) -> Void)?

    // Local exclusive monitor (ARM DDI 0487, B2.9.2): a tagged physical granule.
    public var exclusiveValid = false
    public var exclusiveAddress: UInt64 = 0
    /// `--threads`: what the Load-Exclusive read (a pair's second half in `exclusiveValue2`);
    /// the Store-Exclusive stores only if memory still holds it, by a host compare-and-swap,
    /// because other CPUs' plain stores cannot clear this monitor while they run in parallel.
    var exclusiveValue: UInt64 = 0
    var exclusiveValue2: UInt64 = 0
    /// WFE's event register.
    public var eventRegister = false
    /// The wait in progress is a WFE (it also wakes on events from other CPUs).
    public var waitingForEvent = false
    /// SEV signals every CPU of the machine (D1.16.1); the board sets this when it has several.
    public var sendEvent: ((CPU) -> Void)?
    /// In WFI/WFE, waiting for an interrupt or event; the board clears it.
    public var waiting = false

    /// Interrupt levels from the interrupt controller (see InterruptInputs.swift).
    public internal(set) var interruptInputs: InterruptInputs = []

    /// Set when the run loop must leave its fast path: a stop request, an illegal state, an
    /// interrupt that may be taken, or armed debug events (`debugArmed`).
    public var attention = false
    /// Some breakpoint, watchpoint or software step could fire (Debug/SelfHostedDebug.swift):
    /// every instruction then takes the slow path, which checks them. Recomputed when a debug
    /// register or gdb's points change; false costs nothing.
    public internal(set) var debugArmed = false
    /// A watchpoint could fire: the host TLB neither serves nor fills, so that every data
    /// access reaches the checks in `readMemory`/`writeMemory`.
    var watchArmed = false
    /// PSTATE.SS, the software step state bit (D2.12), kept in SPSR bit 21.
    public internal(set) var pstateSS = false
    /// The last instruction was an ERET, which sets PSTATE.SS itself (SoftwareStep.swift).
    var steppedERET = false
    /// The pending step follows a stepped instruction (the step syndrome's ISV), which was a
    /// Load-Exclusive (EX).
    var stepSyndrome: (valid: Bool, exclusive: Bool) = (false, false)
    /// gdb's hardware breakpoints and watchpoints, apart from the guest's own (ExternalDebug.swift).
    public let externalDebug = ExternalDebugPoints()
    public var stopRequest: StopReason?
    /// `--threads` mode: the machine's lock, which this CPU's thread holds except in the A64
    /// fast loop (MachineLock.swift). nil in the deterministic default, where it costs one
    /// test per entry into the fast loop.
    public var machineLock: MachineLock?
    /// Exceptions taken since the last instruction that completed normally: a guest whose
    /// vectors fault forever is stopped instead of spinning.
    var exceptionStreak = 0
    /// `instret` when the last exception was taken: a streak is exceptions with no instruction
    /// completing in between, counted without a store per instruction.
    var lastExceptionInstret: UInt64 = .max

    public unowned(unsafe) let bus: PhysicalAddressSpace
    public weak var firmware: FirmwareHandler?
    public var timerRegisters: SystemRegisterProvider?
    /// The GICv3 CPU interface (ICC_*, ICH_* registers); nil on a GICv2 board, where they are UNDEFINED.
    public var interruptControllerRegisters: SystemRegisterProvider?
    /// Called for every exception taken and every ERET (traces); nil costs one test per exception.
    public var exceptionObserver: ((ExceptionEvent) -> Void)?

    /// This CPU's TLB and table walker, and the translation regime of the current EL.
    public let mmu: MMU
    /// The CPUs that this CPU's Inner Shareable TLB maintenance reaches (nil: this CPU alone).
    public internal(set) var shareabilityDomain: ShareabilityDomain?
    public internal(set) var regime: TranslationRegime
    /// Regimes built before, reused while their registers keep their values (Translation.swift).
    var regimeCache = RegimeCache()
    /// The current regime translates (stage 1 or stage 2 on); when false a VA is the PA.
    var translating = false

    /// Predecoded instructions, shared by the machine's CPUs.
    let decodeCache: DecodeCache
    /// The page execution is in: its VA (4 KiB aligned; 1 = none, never a page address), its
    /// RAM offset, and its decoded slots (see `fetch`).
    var fetchPageVA: UInt64 = 1
    var fetchPageRAMOffset: UInt64 = 0
    var fetchPage: UnsafeMutablePointer<Inst>
    /// The last fetch-page flush was an EL change between EL0 and EL1 alone: the host TLB keeps
    /// its entries (`refreshHostTLB`).
    var hostTLBKeepsEntries = false
    /// A VA that a data access of the full path just translated through the MMU: back in the
    /// A64 loop, its page goes into the host TLB (`resumeFastPath`), so that a working set larger
    /// than the architectural TLB costs one walk per page, not one per access.
    var hostTLBFillHint: UInt64? = nil
    /// `DecodeCache.invalidations` when the run loop emptied its stop slot (Executor.swift): a
    /// field, so that the fast loop keeps no more values live.
    var stopInvalidations: UInt64 = 0

    public init(index: Int, bus: PhysicalAddressSpace, decodeCache: DecodeCache, hasEL2: Bool, config: CPUConfig) {
        self.index = index
        self.bus = bus
        self.hasEL2 = hasEL2
        aarch32Only = config.identification == .cortexA15
        x = .allocate(capacity: Reg.slotCount)
        x.initialize(repeating: 0, count: Reg.slotCount)
        v = .allocate(byteCount: 32 * 16, alignment: 16)
        v.initializeMemory(as: UInt8.self, repeating: 0, count: 32 * 16)
        spBank = .allocate(capacity: 3)
        spBank.initialize(repeating: 0, count: 3)
        sysregs = .allocate(capacity: SysReg.allCases.count)
        sysregs.initialize(repeating: 0, count: SysReg.allCases.count)
        self.decodeCache = decodeCache
        mmu = MMU(bus: bus)
        regime = .el2(tcr: 0, ttbr0: 0, mair: 0, sctlr: 0)
        fetchPage = decodeCache.noPage
        resetSystemRegisters(config)
        el = hasEL2 ? 2 : 1
        updateTranslationRegime()
        decodeCache.register(self)
    }

    deinit {
        x.deallocate(); v.deallocate(); spBank.deallocate(); sysregs.deallocate()
    }

    /// Put the CPU in the state a boot protocol expects at `entry` (ARM DDI 0487, D1.9 reset;
    /// Linux booting.rst): MMU off, DAIF masked, SP_ELx selected.
    public func boot(entry: UInt64, el startEL: UInt8, x0: UInt64 = 0) {
        for i in 0..<Reg.slotCount { x[i] = 0 }
        spBank.initialize(repeating: 0, count: 3)
        el = startEL
        aarch32 = false
        thumb = false
        itState = 0
        spsel = startEL == 0 ? 0 : 1
        daif = 0x3C0
        nzcv = 0
        illegalState = false
        pc = entry
        x[0] = x0
        updateTranslationRegime()
    }

    /// PSTATE as an SPSR value (ARM DDI 0487, C5.2.18 SPSR_EL1 for AArch64 state).
    public var pstateBits: UInt64 {
        if aarch32 { return UInt64(cpsr) }
        return UInt64(nzcv) | (pstateSS ? 1 << 21 : 0) | (illegalState ? 1 << 20 : 0) | UInt64(daif) | UInt64(el) << 2
            | UInt64(spsel)
    }

    /// Switch the active stack pointer after a change of EL or SPSel.
    @inline(__always)
    func setStackSelection(el newEL: UInt8, spsel newSel: UInt8) {
        let old = spsel == 0 ? 0 : Int(el)
        let new = newSel == 0 ? 0 : Int(newEL)
        spBank[old] = x[Int(Reg.sp)]
        x[Int(Reg.sp)] = spBank[new]
        el = newEL
        spsel = newSel
    }

    /// The stack pointer of a given level, whether or not it is the active one.
    public func stackPointer(el level: Int) -> UInt64 {
        let active = spsel == 0 ? 0 : Int(el)
        return level == active ? x[Int(Reg.sp)] : spBank[level]
    }

    public func setStackPointer(el level: Int, _ value: UInt64) {
        let active = spsel == 0 ? 0 : Int(el)
        if level == active { x[Int(Reg.sp)] = value } else { spBank[level] = value }
    }

    /// Ask the run loop to stop after the current instruction.
    public func requestStop(_ reason: StopReason) {
        stopRequest = reason
        attention = true
    }

    /// Virtual time in nanoseconds: one retired instruction is one nanosecond, plus time skipped
    /// while idle (docs/ARCHITECTURE.md, "Time and determinism").
    @inlinable public var virtualNanos: UInt64 { instret &+ idleNanos }
}

/// Which core a CPU is: its identification registers and the execution states it has.
public enum CoreIdentity: Sendable {
    /// ARMv8.0-A, AArch64 at every EL and AArch32 at EL0/EL1.
    case cortexA57
    /// ARMv7-A with LPAE and the virtualization extensions: AArch32 at every EL, EL2 is Hyp mode.
    case cortexA15
}

/// Board-supplied identity and sizes of a core.
public struct CPUConfig {
    public var identification: CoreIdentity = .cortexA57
    public var midr: UInt64 = 0x411F_D070        // Cortex-A57 r1p0
    public var mpidr: UInt64 = 0x8000_0000       // bit 31 RES1, Aff0 = CPU index
    public var counterFrequency: UInt64 = 62_500_000
    /// DC ZVA block size: 4 << dczidBS bytes (DCZID_EL0.BS), 64 bytes on Cortex-A57.
    public var dczidBS: UInt64 = 4
    public init() {}
}
