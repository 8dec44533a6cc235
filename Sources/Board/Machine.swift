import ARMCore
import Bus
import GenericTimer

/// How a run ended.
public enum MachineExit: Equatable {
    /// The guest powered off (PSCI SYSTEM_OFF gives 0) or exited through semihosting.
    case guestExit(code: Int32)
    /// PSCI SYSTEM_RESET: armvm stops instead of rebooting, so scripted runs end.
    case reset
    /// `--max-instructions` ran out.
    case instructionLimit(UInt64)
    /// The guest cannot progress (e.g. its exception vector faults forever).
    case stuck(String)
    /// Every CPU waits for an interrupt and nothing is left that could raise one.
    case idle
}

/// A machine ready to run: CPUs over a prepared board, firmware, timers, and the run loop.
public final class Machine {
    public let prepared: PreparedMachine
    public let cpus: [CPU]
    public let timers: [GenericTimer]
    public let firmware: Firmware
    public let decodeCache: DecodeCache
    /// Instructions a CPU runs before the loop looks at devices and the budget again.
    public static let quantum: UInt64 = 1 << 16

    public init(prepared: PreparedMachine) {
        self.prepared = prepared
        decodeCache = DecodeCache(bus: prepared.bus)
        firmware = Firmware(console: prepared.console)
        let counter = SystemCounter(frequency: prepared.layout.counterFrequency)
        var cpus: [CPU] = []
        var timers: [GenericTimer] = []
        for i in 0..<max(1, prepared.options.cpuCount) {
            var config = CPUConfig()
            config.mpidr = 0x8000_0000 | UInt64(i)
            config.counterFrequency = prepared.layout.counterFrequency
            let cpu = CPU(index: i, bus: prepared.bus, decodeCache: decodeCache,
                          hasEL2: prepared.options.startEL == 2, config: config)
            let t = GenericTimer(counter: counter)
            cpu.timerRegisters = t
            cpu.firmware = firmware
            cpus.append(cpu)
            timers.append(t)
        }
        self.cpus = cpus
        self.timers = timers
        firmware.cpus = cpus
        // The boot CPU enters the image as booting.rst asks: x0 = DTB, MMU off, DAIF masked.
        cpus[0].boot(entry: prepared.image.entry, el: prepared.options.startEL, x0: prepared.dtbAddress)
    }

    /// Instructions retired by all CPUs.
    public var instructionsRetired: UInt64 { cpus.reduce(0) { $0 &+ $1.instret } }

    /// Run until the guest stops, or `maxInstructions` have retired.
    public func run(maxInstructions: UInt64? = nil) -> MachineExit {
        let cpu = cpus[0]   // secondary CPUs arrive with SMP (PSCI CPU_ON) in the interrupts issue
        defer { prepared.console.flush() }
        while true {
            var budget = Machine.quantum
            if let limit = maxInstructions {
                let done = instructionsRetired
                if done >= limit { return .instructionLimit(limit) }
                budget = min(budget, limit - done)
            }
            switch cpu.run(budget: budget) {
            case .budget:
                continue
            case .exit(let code):
                return .guestExit(code: code)
            case .reset:
                return .reset
            case .stuck(let why):
                return .stuck(why)
            case .waitingForInterrupt:
                // WFI/WFE jumps virtual time to the next timer deadline instead of spinning
                // (GUIDE.md section 3); with none pending nothing can ever wake the CPU.
                guard let deadline = timers[0].nextDeadline(cpu: cpu) else { return .idle }
                if deadline > cpu.virtualNanos { cpu.idleNanos &+= deadline - cpu.virtualNanos }
                cpu.waiting = false
            }
        }
    }
}
