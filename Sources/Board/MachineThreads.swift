import ARMCore
import GenericTimer
#if canImport(Glibc)
import Glibc
#endif

// `--threads`: one host thread per guest CPU, as QEMU's multi-threaded TCG runs its vCPUs.
//
// Time keeps the default mode's rounds (docs/ARCHITECTURE.md, "Time and determinism"): each
// CPU's counter follows its own instruction count, and every CPU's clock meets the others' at
// each round boundary (65,536 ns of virtual time, cut at the next timer deadline), where the
// threads wait for each other. Within a round the CPUs run at the same time, each to the end
// of the round. What runs where is the host's choice, so runs are not deterministic: the
// interleaving of the CPUs' memory accesses, and so console output and instruction counts,
// may differ from run to run.
//
// Shared state is guarded by the machine's lock (`MachineLock`), which a CPU thread holds
// except in its A64 fast loop: between rounds the coordinator (the calling thread) reads
// console input, deadlines and signals with the CPU threads parked; during a round every
// device access, GIC and timer update, exception, system register, TLB maintenance, PSCI call,
// decode-cache fill and Store-Exclusive runs under it. A CPU in WFI blocks its thread until
// an interrupt is pending for it (`sleepInWFI`); WFE does not wait.

/// The rendezvous of a threaded run. Every field is read and written under the machine's lock.
final class ThreadedRounds {
    /// Coordinator to CPU threads: a round starts (or the run stops).
    let start: UnsafeMutablePointer<pthread_cond_t>
    /// CPU threads to coordinator: the last one finished its turn.
    let finish: UnsafeMutablePointer<pthread_cond_t>
    /// Counts rounds started; a thread runs once per new value.
    var generation = 0
    /// Where the round ends (virtual ns).
    var end: UInt64 = 0
    /// Every CPU was waiting: the round jumped to the next deadline (WFI fast-forward).
    var fastForward = false
    /// More than one CPU is on.
    var several = false
    /// CPU threads done with this round, and those blocked in WFI within it.
    var finished = 0
    var sleeping = 0
    var stopping = false
    /// The first CPU that ended the run says how.
    var exit: MachineExit?

    init() {
        start = .allocate(capacity: 1)
        finish = .allocate(capacity: 1)
        pthread_cond_init(start, nil)
        pthread_cond_init(finish, nil)
    }

    deinit {
        pthread_cond_destroy(start)
        pthread_cond_destroy(finish)
        start.deallocate()
        finish.deallocate()
    }
}

/// What a CPU thread is started with.
private final class CPUThreadContext {
    let machine: Machine
    let rounds: ThreadedRounds
    let index: Int
    init(machine: Machine, rounds: ThreadedRounds, index: Int) {
        self.machine = machine
        self.rounds = rounds
        self.index = index
    }
}

extension Machine {
    /// `run` in `--threads` mode: the calling thread coordinates rounds, one thread per CPU runs them.
    func runThreaded(maxInstructions: UInt64?) -> MachineExit {
        guard let lock else { return .stuck("no machine lock") }
        let rounds = ThreadedRounds()
        lock.lock(cpu: nil)
        var threads: [pthread_t] = []
        for i in cpus.indices {
            let context = Unmanaged.passRetained(CPUThreadContext(machine: self, rounds: rounds, index: i)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { arg in
                guard let arg else { return nil }
                let c = Unmanaged<CPUThreadContext>.fromOpaque(arg).takeRetainedValue()
                c.machine.cpuThread(c.index, c.rounds)
                return nil
            }, context)
            if rc != 0 {
                Unmanaged<CPUThreadContext>.fromOpaque(context).release()
                rounds.exit = .stuck("could not start a host thread for CPU \(i): \(String(cString: strerror(rc)))")
                break
            }
            threads.append(thread)
        }
        let result = coordinate(rounds, lock: lock, threads: threads.count, maxInstructions: maxInstructions)
        rounds.stopping = true
        rounds.generation &+= 1
        pthread_cond_broadcast(rounds.start)
        lock.unlock()
        for t in threads { pthread_join(t, nil) }
        return result
    }

    /// Between rounds, with every CPU thread parked: what `run` does at the top of its loop.
    private func coordinate(_ rounds: ThreadedRounds, lock: MachineLock, threads: Int,
                            maxInstructions: UInt64?) -> MachineExit {
        var now = cpus.map { $0.virtualNanos }.max() ?? 0
        while true {
            if let e = rounds.exit { return e }
            if let limit = maxInstructions, instructionsRetired >= limit { return .instructionLimit(limit) }
            let end: UInt64, allWaiting: Bool
            switch planRound(now: now) {
            case .stop(let e): return e
            case .again: continue
            case .run(let e, let w): (end, allWaiting) = (e, w)
            }
            if let sig = HostSignals.pending { return .hostSignal(sig) }
            rounds.end = end
            rounds.fastForward = allWaiting
            rounds.several = firmware.online.filter { $0 }.count > 1
            rounds.finished = 0
            rounds.generation &+= 1
            pthread_cond_broadcast(rounds.start)
            while rounds.finished < threads { lock.wait(rounds.finish, cpu: nil) }
            if rounds.several {
                // As in the default mode, monitors do not outlive a round (a Store-Exclusive may
                // fail spuriously, B2.9.5); the AArch32 STREX relies on it.
                for c in cpus { c.exclusiveValid = false }
            }
            now = end
        }
    }

    /// The body of CPU `i`'s thread: one turn per round until the run stops.
    fileprivate func cpuThread(_ i: Int, _ rounds: ThreadedRounds) {
        guard let lock else { return }
        // Host signals go to the coordinator, which reads them between rounds.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for s in [SIGINT, SIGTERM, SIGALRM] { sigaddset(&blocked, s) }
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        lock.lock(cpu: i)
        var seen = 0
        while true {
            while rounds.generation == seen { lock.wait(rounds.start, cpu: i) }
            seen = rounds.generation
            if rounds.stopping { break }
            if rounds.exit == nil && firmware.online[i], let e = turn(i, rounds), rounds.exit == nil {
                rounds.exit = e
            }
            rounds.finished += 1
            if rounds.finished == cpus.count { pthread_cond_signal(rounds.finish) }
            // CPUs blocked in WFI stop waiting once no other CPU runs in this round.
            lock.wakeAll()
        }
        lock.unlock()
    }

    /// CPU `i` runs to the end of the round (the default mode's turn, without the debugger).
    /// Returns how the run ends, if it does.
    private func turn(_ i: Int, _ rounds: ThreadedRounds) -> MachineExit? {
        let cpu = cpus[i], end = rounds.end
        roundEnds[i] = end
        updateInterruptLines(i)
        if rounds.fastForward && cpu.waiting { fastForward(i, to: end) }
        if cpu.waiting && cpu.waitingForEvent && rounds.several { cpu.waiting = false }
        while cpu.virtualNanos < end {
            let before = cpu.virtualNanos
            // A timer write may have brought this CPU's end forward (`timerChanged`).
            let budget = (roundEnds[i] > before ? roundEnds[i] : end) - before
            switch cpu.run(budget: budget) {
            case .budget:
                if let sig = HostSignals.pending { return .hostSignal(sig) }
                updateInterruptLines(i)
            case .waitingForInterrupt:
                if cpu.waitingForEvent && rounds.several {
                    // WFE spins, as QEMU's multi-threaded TCG treats it as a yield: the event
                    // it waits for (another CPU's store or SEV) may come at any moment.
                    cpu.waiting = false
                } else if sleepInWFI(i, rounds) {
                    continue
                }
            case .powerOff:
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
            // The new deadline has been driven into the GIC: go on to the round's end.
            roundEnds[i] = end
            // Another CPU ended the run: stop here rather than at the end of the round.
            if rounds.exit != nil { return nil }
        }
        updateInterruptLines(i)
        if cpu.virtualNanos < end { cpu.idleNanos &+= end - cpu.virtualNanos }
        return nil
    }

    /// CPU `i` waits in WFI: block its thread until an interrupt input changes, or until no
    /// other CPU runs in this round. True when something may wake it: its clock then moves on to
    /// the latest clock of the CPUs still running (where the interrupt came from), within the round.
    private func sleepInWFI(_ i: Int, _ rounds: ThreadedRounds) -> Bool {
        guard let lock else { return false }
        let cpu = cpus[i]
        func othersRunning() -> Bool { rounds.finished + rounds.sleeping + 1 < cpus.count }
        rounds.sleeping += 1
        lock.wakeAll()
        while cpu.waiting && !cpu.hasWakeUpEventNow && othersRunning() && rounds.exit == nil {
            lock.waitForWake(cpu: i)
        }
        rounds.sleeping -= 1
        guard cpu.hasWakeUpEventNow && rounds.exit == nil else { return false }
        var t = cpu.virtualNanos
        for (j, c) in cpus.enumerated() where j != i && firmware.online[j] && !c.waiting { t = max(t, c.virtualNanos) }
        t = min(t, rounds.end)
        if cpu.virtualNanos < t { cpu.idleNanos &+= t - cpu.virtualNanos }
        return true
    }
}
