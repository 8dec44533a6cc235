import ARMCore
import Bus
import GenericTimer
import GIC

/// How a run ended.
public enum MachineExit: Equatable {
    /// The guest powered off (PSCI SYSTEM_OFF gives 0) or exited through semihosting.
    case guestExit(code: Int64)
    /// PSCI SYSTEM_RESET: armvm stops instead of rebooting, so scripted runs end.
    case reset
    /// `--max-instructions` ran out.
    case instructionLimit(UInt64)
    /// The guest cannot progress (e.g. its exception vector faults forever).
    case stuck(String)
    /// Every CPU waits for an interrupt and nothing is left that could raise one.
    case idle
    /// A debugger asked to stop: a breakpoint, a single step, or an interrupt (Ctrl-C).
    case debugStop(cpu: Int)
    /// The host asked armvm to stop (SIGINT or SIGTERM, see `HostSignals`).
    case hostSignal(Int32)
    /// gdb's `kill` ended the run: the guest did not finish, so it must not read as success.
    case debuggerKill
    /// The user typed the console's escape key and x (Ctrl-A x, see `ConsoleInput`).
    case consoleQuit
}

/// A machine ready to run: CPUs over a prepared board, firmware, timers, and the run loop.
public final class Machine {
    public let prepared: PreparedMachine
    public let cpus: [CPU]
    public let timers: [GenericTimer]
    public let firmware: Firmware
    public let decodeCache: DecodeCache
    /// `--threads`: the lock every CPU thread holds outside its fast loop (nil by default).
    public let lock: MachineLock?
    /// Instructions a CPU runs before the loop looks at devices and the budget again.
    public static let quantum: UInt64 = 1 << 16

    /// `threads`: one host thread per CPU (`--threads`, MachineThreads.swift); with one CPU it
    /// changes nothing.
    public init(prepared: PreparedMachine, threads: Bool = false) {
        self.prepared = prepared
        let threaded = threads && prepared.options.cpuCount > 1
        // The translator's tables belong to one thread: `--threads` interprets.
        decodeCache = DecodeCache(bus: prepared.bus, translate: !prepared.options.interpreter && !threaded)
        lock = threaded ? MachineLock() : nil
        // `--threads`: a decode cache per CPU (DecodeCache.linkPerCPU); CPU 0 keeps the first.
        var caches = [decodeCache]
        firmware = Firmware(console: prepared.console)
        let counter = SystemCounter(frequency: prepared.layout.counterFrequency)
        var cpus: [CPU] = []
        var timers: [GenericTimer] = []
        for i in 0..<max(1, prepared.options.cpuCount) {
            var config = CPUConfig()
            let model = prepared.options.cpuModel ?? .cortexA57
            config.midr = model.midr
            if !model.hasAArch64 { config.identification = .cortexA15 }
            // Aff0 = CPU number, as the DT's /cpus reg says (DeviceTreeNodes.cpusNode).
            config.mpidr = 0x8000_0000 | UInt64(i)
            config.counterFrequency = prepared.layout.counterFrequency
            if threaded && i > 0 { caches.append(DecodeCache(bus: prepared.bus)) }
            let cpu = CPU(index: i, bus: prepared.bus, decodeCache: threaded ? caches[i] : decodeCache,
                          hasEL2: prepared.options.startEL == 2, config: config)
            cpu.machineLock = lock
            let t = GenericTimer(counter: counter)
            cpu.timerRegisters = t
            cpu.firmware = firmware
            cpus.append(cpu)
            timers.append(t)
        }
        self.cpus = cpus
        self.timers = timers
        timerLevels = [UInt8](repeating: 0, count: cpus.count)
        roundEnds = [UInt64](repeating: 0, count: cpus.count)
        if threaded { DecodeCache.linkPerCPU(caches) }
        firmware.cpus = cpus
        _ = ShareabilityDomain(cpus: cpus)
        // Each CPU's interrupt inputs come from the GIC; its timers drive the GIC's PPIs.
        for cpu in cpus {
            if let v3 = prepared.gic as? GICv3 { v3.connect(cpu) } else { prepared.gic.connect(cpu: cpu.index, to: cpu) }
        }
        gicv2 = prepared.gic as? GICv2
        // The machine's running CPU follows the lock's holder.
        lock?.onAcquire = { [unowned self] i in
            self.running = i
            self.gicv2?.accessingCPU = i
        }
        for (i, t) in timers.enumerated() {
            t.onChange = { [unowned self] in self.timerChanged(i) }
        }
        // The PMU's overflow interrupt is a PPI of its CPU too.
        let pmuINTID = 16 + Int(prepared.layout.pmuPPI)
        for cpu in cpus {
            cpu.pmuInterruptChanged = { [unowned self] c, level in
                self.prepared.gic.setLevel(intid: pmuINTID, cpu: c.index, level: level)
            }
        }
        firmware.startEL = prepared.options.startEL
        firmware.commandLine = prepared.options.bootargs
        firmware.heapInfo = Machine.largestFreeRAM(prepared).map(Firmware.HeapInfo.init)
        firmware.online = cpus.map { $0.index == 0 }
        if cpus.count > 1 {
            // SEV sets the event register of every CPU and ends their WFE (D1.16.1).
            for cpu in cpus {
                cpu.sendEvent = { [unowned self] _ in
                    for c in self.cpus {
                        c.eventRegister = true
                        if c.waiting && c.waitingForEvent { c.waiting = false }
                    }
                }
            }
        }
        // The boot CPU enters the image as its boot protocol asks. arm64 (booting.rst): x0 = DTB,
        // MMU off, DAIF masked. 32-bit Arm (arm/booting.rst): SVC mode, IRQ and FIQ masked,
        // r0 = 0, r1 = ~0 (no machine number: the DT describes the board), r2 = DTB.
        let image = prepared.image
        switch image.state {
        case .aarch64:
            cpus[0].boot(entry: image.entry, el: prepared.options.startEL, x0: prepared.dtbAddress)
        case .a32, .t32:
            // A CPU whose EL2 is Hyp mode enters a 32-bit image in Hyp mode at the default EL2, as
            // a hypervisor-aware boot loader does (Linux then installs its Hyp stub).
            let mode: AArch32Mode = prepared.options.startEL == 2 ? .hyp : .svc
            cpus[0].bootAArch32(entry: UInt32(truncatingIfNeeded: image.entry), mode: mode, thumb: image.state == .t32,
                                r0: 0, r1: ~0, r2: UInt32(truncatingIfNeeded: prepared.dtbAddress))
        }
    }

    /// Instructions retired by all CPUs.
    public var instructionsRetired: UInt64 { cpus.reduce(0) { $0 &+ $1.instret } }

    /// When `releaseHostMemory` next looks for zero pages of RAM (retired instructions).
    var nextZeroPageScan: UInt64 = 0

    /// The timer outputs last driven into the GIC, per CPU: bit k for GenericTimer.Kind k.
    private var timerLevels: [UInt8]
    /// Where the current round ends (virtual ns); a timer write may bring it forward.
    private var roundEnd: UInt64 = 0
    /// `--threads`: where each CPU's current round ends (`roundEnd` is the default mode's).
    var roundEnds: [UInt64]
    /// The CPU running now (`--threads`: the one holding the lock).
    var running = 0
    /// The CPU whose turn it is (traces: where a device access or an SPI happened).
    public var runningCPU: CPU { cpus[running] }
    /// The GICv2, whose banked MMIO frames answer for the CPU running now.
    var gicv2: GICv2?

    // Debugging (the gdb server). With breakpoints or single-stepping the CPUs run one
    // instruction at a time; otherwise at full speed, with `debugInterrupt` polled each round.
    /// Addresses where execution stops before the instruction runs.
    public var breakpoints: Set<UInt64> = []
    /// Stop after one instruction.
    public var singleStep = false
    /// With `singleStep`, the CPU to step while the others wait (gdb's `vCont;s:N`); nil, or a
    /// CPU that is off: whichever CPU runs first.
    public var stepCPU: Int?
    /// Polled between rounds (and every 4096 single steps): return true to stop.
    public var debugInterrupt: (() -> Bool)?
    /// The breakpoint to step over once when execution resumes from it.
    public var resumeFrom: UInt64?

    /// Host input for the console UART's receiver (armvm's stdin), fed between rounds.
    public var input: ConsoleInput? {
        didSet {
            input?.receiver = prepared.inputReceiver
            input?.console = prepared.console
            firmware.consoleInput = input
        }
    }

    /// Drive CPU `i`'s timer outputs (levels) into the GIC's PPIs named by the board layout,
    /// touching the GIC only for a line that changed.
    func updateInterruptLines(_ i: Int) {
        let cpu = cpus[i], t = timers[i]
        let ppis = prepared.layout.timerPPIs
        var levels: UInt8 = 0
        if t.outputAsserted(.physical, cpu: cpu) { levels |= 1 }
        if t.outputAsserted(.virtual, cpu: cpu) { levels |= 2 }
        if t.outputAsserted(.hypervisor, cpu: cpu) { levels |= 4 }
        let changed = levels ^ timerLevels[i]
        if changed == 0 { return }
        timerLevels[i] = levels
        let gic = prepared.gic
        if changed & 1 != 0 { gic.setLevel(intid: 16 + Int(ppis.nonSecurePhysical), cpu: i, level: levels & 1 != 0) }
        if changed & 2 != 0 { gic.setLevel(intid: 16 + Int(ppis.virtual), cpu: i, level: levels & 2 != 0) }
        if changed & 4 != 0 { gic.setLevel(intid: 16 + Int(ppis.hypervisor), cpu: i, level: levels & 4 != 0) }
    }

    /// WFI fast-forward of waiting CPU `i` to `end`, where the round's deadline has come: its
    /// clock moves on, and it wakes if one of its timers fires by then. A WFI may complete early
    /// for an IMPLEMENTATION DEFINED reason (D1.16.2), so it wakes once even if that timer's
    /// interrupt is masked somewhere on the way.
    func fastForward(_ i: Int, to end: UInt64) {
        let cpu = cpus[i]
        let fires = timers[i].nextDeadline(cpu: cpu).map { $0 <= end } ?? false
        if cpu.virtualNanos < end { cpu.idleNanos &+= end - cpu.virtualNanos }
        if fires { cpu.waiting = false }
        updateInterruptLines(i)
    }

    /// A timer register of CPU `i` was written: its output may change now, and its new deadline
    /// may come before the end of the round, which then ends there.
    private func timerChanged(_ i: Int) {
        updateInterruptLines(i)
        if lock != nil {
            // `--threads`: each CPU has its own round end; only its own thread writes its timers.
            if let d = timers[i].nextDeadline(cpu: cpus[i]), d < roundEnds[i] {
                roundEnds[i] = max(d, cpus[i].virtualNanos &+ 1)
                cpus[i].requestStop(.budget)
            }
            return
        }
        if i == running, let d = timers[i].nextDeadline(cpu: cpus[i]), d < roundEnd {
            roundEnd = max(d, cpus[i].virtualNanos &+ 1)
            cpus[i].requestStop(.budget)
        }
    }

    /// Ends the run as if the guest had exited with `code`, after the instruction in flight
    /// (for host-side conditions met inside a guest's access, such as a console line).
    public func requestExit(code: Int64) {
        cpus[running].requestStop(.exit(code: code))
    }

    /// The largest stretch of RAM that nothing armvm loaded occupies (for SYS_HEAPINFO).
    static func largestFreeRAM(_ p: PreparedMachine) -> AddressRange? {
        var taken = [AddressRange(base: p.image.lowest, size: p.image.highest - p.image.lowest),
                     AddressRange(base: p.dtbAddress, size: UInt64(p.dtb.count))]
        taken += (p.initrd.map { [$0] } ?? []) + p.guests.map(\.range) + p.modules.map(\.range)
        var best: AddressRange?
        var at = p.bus.ramBase
        let end = p.bus.ramBase + p.bus.ramSize
        for r in taken.sorted(by: { $0.base < $1.base }) + [AddressRange(base: end, size: 0)] {
            let gapEnd = min(max(r.base, at), end)
            if gapEnd > at, gapEnd - at > best?.size ?? 0 { best = AddressRange(base: at, size: gapEnd - at) }
            at = max(at, r.end)
        }
        return best
    }

    /// What the next round of virtual time is, in both modes (`run`, `runThreaded`): where it
    /// ends and whether every CPU waits in it, or why the run stops there.
    enum RoundPlan {
        case stop(MachineExit)
        /// A key came while every CPU waited: plan again.
        case again
        case run(end: UInt64, allWaiting: Bool)
    }

    func planRound(now: UInt64) -> RoundPlan {
        // Console input first, so a character given now can wake a waiting CPU this round.
        if let input {
            if input.quitRequested { return .stop(.consoleQuit) }
            input.service(now: now)
        }
        var allWaiting = true
        var deadline: UInt64 = input?.nextDeadline() ?? .max
        for (i, cpu) in cpus.enumerated() where firmware.online[i] {
            // A timer that fired while its CPU idled to the end of the last round is a level
            // the GIC must see now: it is no deadline any more (`nextDeadline`).
            updateInterruptLines(i)
            if !cpu.waiting || cpu.hasWakeUpEventNow { allWaiting = false }
            if let d = timers[i].nextDeadline(cpu: cpu) { deadline = min(deadline, d) }
        }
        if !firmware.online.contains(true) { return .stop(.stuck("every CPU is off (PSCI CPU_OFF)")) }
        if allWaiting {
            // An interactive guest waiting for a key: wait for one in wall-clock time.
            if let input, input.waitForTerminal(now: now, nanos: deadline == .max ? nil : deadline &- now) { return .again }
            if input?.quitRequested == true { return .stop(.consoleQuit) }
            if let sig = HostSignals.pending { return .stop(.hostSignal(sig)) }
            guard deadline != .max else { return .stop(.idle) }
            return .run(end: max(deadline, now &+ 1), allWaiting: true)
        }
        var end = now &+ Machine.quantum
        if deadline > now { end = min(end, deadline) }
        return .run(end: end, allWaiting: false)
    }

    /// Run until the guest stops, or `maxInstructions` have retired.
    ///
    /// Time is virtual (docs/ARCHITECTURE.md, "Time and determinism"): one retired instruction is
    /// one nanosecond. CPUs run round-robin, in index order, each up to the end of a round:
    /// `quantum` nanoseconds, cut short at the next timer deadline so that timer interrupts arrive
    /// on time. A CPU that waits (WFI/WFE) or is off idles to the end of the round, so every CPU's
    /// clock agrees at each round boundary. When every CPU that is on waits, the round jumps
    /// straight to the next deadline (WFI fast-forward); with no deadline nothing can wake them and
    /// the run ends idle.
    public func run(maxInstructions: UInt64? = nil) -> MachineExit {
        defer { prepared.console.flush() }
        if lock != nil { return runThreaded(maxInstructions: maxInstructions) }
        var now = cpus.map { $0.virtualNanos }.max() ?? 0
        while true {
            // Between rounds no CPU is inside `run`: host memory may be given back.
            releaseHostMemory()
            var end: UInt64, allWaiting: Bool
            switch planRound(now: now) {
            case .stop(let e): return e
            case .again: continue
            case .run(let e, let w): (end, allWaiting) = (e, w)
            }
            if let poll = debugInterrupt, poll() { return .debugStop(cpu: running) }
            if let sig = HostSignals.pending { return .hostSignal(sig) }
            let several = firmware.online.filter { $0 }.count > 1
            for (i, cpu) in cpus.enumerated() where firmware.online[i] {
                if singleStep, let k = stepCPU, k != i, firmware.online.indices.contains(k), firmware.online[k] { continue }
                running = i
                roundEnd = end
                gicv2?.accessingCPU = i
                updateInterruptLines(i)
                if allWaiting && cpu.waiting { fastForward(i, to: end) }
                if cpu.waiting && cpu.waitingForEvent && several {
                    // WFE on a multi-CPU machine waits for another CPU's store or SEV; both come
                    // from CPUs that run in their own turn, so the wait ends with the round.
                    cpu.waiting = false
                }
                // Run to the end of the round; a timer write may end it sooner (timerChanged), and
                // then the CPU's timers are looked at again before it goes on.
                while cpu.virtualNanos < roundEnd {
                    var budget = roundEnd - cpu.virtualNanos
                    if let limit = maxInstructions {
                        let done = instructionsRetired
                        if done >= limit { return .instructionLimit(limit) }
                        budget = min(budget, limit - done)
                    }
                    let before = cpu.virtualNanos
                    if singleStep || !breakpoints.isEmpty {
                        if let stop = debugRun(cpu, budget: budget) { return stop }
                        if cpu.waiting || !firmware.online[i] || cpu.virtualNanos == before { break }
                        continue
                    }
                    switch cpu.run(budget: budget) {
                    case .budget:
                        // A signal that cut a semihosting read short ends the run here.
                        if let sig = HostSignals.pending { return .hostSignal(sig) }
                        updateInterruptLines(i)
                    case .waitingForInterrupt, .powerOff:
                        break
                    case .exit(let code):
                        return .guestExit(code: code)
                    case .reset:
                        return .reset
                    case .stuck(let why):
                        return .stuck(why)
                    case .debugEvent:
                        return .debugStop(cpu: i)
                    }
                    if cpu.waiting || !firmware.online[i] || cpu.virtualNanos == before { break }
                    if roundEnd > end { roundEnd = end }
                }
                if roundEnd < end && cpu.virtualNanos >= roundEnd {
                    // The round was cut at a timer deadline: the remaining CPUs stop there too.
                    end = roundEnd
                }
                if let limit = maxInstructions, instructionsRetired >= limit { return .instructionLimit(limit) }
                updateInterruptLines(i)
                if cpu.virtualNanos < end { cpu.idleNanos &+= end - cpu.virtualNanos }
                if several {
                    // The exclusive monitors are cleared when another CPU takes its turn: a
                    // store-exclusive may fail spuriously (B2.9.5), and a store by another CPU to
                    // a reserved granule is never missed.
                    for c in cpus { c.exclusiveValid = false }
                }
            }
            now = end
        }
    }

    /// Run `cpu` one instruction at a time for the debugger, up to `budget`. Returns a stop for
    /// the caller of `run`, or nil when the budget ran out (or the CPU waits).
    private func debugRun(_ cpu: CPU, budget: UInt64) -> MachineExit? {
        var left = budget
        while left > 0 {
            if breakpoints.contains(cpu.pc) && resumeFrom != cpu.pc { return .debugStop(cpu: cpu.index) }
            resumeFrom = nil
            switch cpu.run(budget: 1) {
            case .budget: break
            case .waitingForInterrupt, .powerOff: return nil
            case .exit(let code): return .guestExit(code: code)
            case .reset: return .reset
            case .stuck(let why): return .stuck(why)
            case .debugEvent: return .debugStop(cpu: cpu.index)
            }
            left -= 1
            if singleStep { return .debugStop(cpu: cpu.index) }
            if left & 0xFFF == 0, let poll = debugInterrupt, poll() { return .debugStop(cpu: cpu.index) }
        }
        return nil
    }
}
