import ArgumentParser
import Board
import TestManifest
#if canImport(Glibc)
import Glibc
#endif

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot an image: an AArch64 ELF, a Linux arm64 Image, or a raw binary with --load-address.")

    @OptionGroup var machine: MachineFlags
    @OptionGroup var boot: BootFlags

    @Option(parsing: .unconditional, help: "Stop after this many instructions (exit status 3): 2000000000, 2_000_000_000, 2e9 or 2G.")
    var maxInstructions: String?

    @Option(parsing: .unconditional, help: "Stop after this many seconds of wall-clock time (exit status 7), e.g. 30 or 2.5.")
    var timeout: String?

    @Option(help: ArgumentHelp(
        "End the run with status 0 once the console has shown a line containing this text (repeatable: each must appear, in any order).",
        discussion: "For a hypervisor that idles when its guests are done (Xen dom0less): one --exit-on per guest's last line tells \"every guest finished\" (0) from a hang (5, or 7 with --timeout)."))
    var exitOn: [String] = []

    @Option(help: "End the run as a guest failure (status 1) as soon as a console line contains this text (repeatable).")
    var failOn: [String] = []

    @Option(help: "Let semihosting SYS_OPEN and SYS_REMOVE reach files in this directory, by plain file name only (otherwise host files are refused).")
    var semihostingDir: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "How the guest's own exit code becomes armvm's status: plain or distinct.",
        discussion: "plain (the default): the guest's code as it is, any code outside 1-255 as 255. distinct: the guest's code c in 1-59 as 64+c, any other nonzero code as 64, so that statuses 64-123 always come from the guest and armvm's own (2-8, 125, 130, 143) never do."))
    var exitStatus: String = "plain"

    @Flag(help: "Print the instruction count, host time and MIPS to stderr when the guest stops.")
    var stats = false

    @Option(help: "Write the run's statistics as JSON to this file ('-' for stderr): instructions, wall time, MIPS, exceptions and exits by class, the exit reason and status.")
    var statsFile: String?

    @Option(help: ArgumentHelp(
        "Trace to stderr (or --trace-file): exceptions, irq, mmio or mmu. Repeatable.",
        discussion: "exceptions: every exception taken and every ERET (with x0). irq: interrupts raised, taken, acknowledged, ended and deactivated on the physical and virtual GIC interfaces, list-register writes, maintenance interrupts. mmio: every device access with its register's name, width and value. mmu: every table walk that faults, with the descriptors it read. Each line starts [instructions] cpuN ELn vmN: (vmN while stage 2 is on)."))
    var trace: [String] = []

    @Option(help: "Write --trace lines to this file instead of stderr (the console stays on stdout).")
    var traceFile: String?

    @Option(help: ArgumentHelp(
        "Write only the trace events that match, e.g. el=2,cpu=0,vmid=1,ec=0x16,insn=1000-5000.",
        discussion: "Comma-separated key=value terms, all of which must hold: el (0-3), cpu, vmid, ec (exception class; other events do not pass), insn (the CPU's instruction count; 1000- has no end). Each takes a number (0x for hex) or a range a-b. Events with no VMID (EL2, stage 2 off) do not pass vmid=."))
    var traceFilter: String?

    @Option(help: "Trace line format: text (for people) or json (one object a line: insn, cpu, el, vmid, kind, text and the event's fields).")
    var traceFormat: String = "text"

    @Option(help: "Write a timeline of the run to this file in Chrome's trace-event JSON (open it in ui.perfetto.dev): a track per CPU with the time at each EL and in each VM, exits, interrupts and timer deadlines.")
    var timeline: String?

    @Flag(help: ArgumentHelp(
        "Write /tmp/perf-PID.map, naming each translated block by the guest address it starts at.",
        discussion: "perf record then perf report attribute the host time spent in generated code to guest code (a64_VA, a32_VA) instead of unknown addresses. No map is written with --interpreter or --threads, which translate nothing."))
    var perfMap = false

    @Option(help: "Wait for gdb on 127.0.0.1:PORT before the first instruction (gdb-multiarch: target remote :PORT).")
    var gdb: UInt16?

    @Flag(help: ArgumentHelp(
        "Run each guest CPU on a host thread of its own (with --smp 2 or more). Not deterministic.",
        discussion: "As QEMU's multi-threaded TCG: the CPUs run at the same time, meeting at the ends of the default mode's rounds of virtual time; devices, the GIC, timers and exclusives are serialized by one lock. Console output and instruction counts may differ from run to run. Not with --trace, --timeline or --gdb."))
    var threads = false

    @Argument(help: "The image to boot.")
    var image: String

    func run() throws {
        guard let statusMode = ExitStatusMode(rawValue: exitStatus) else {
            throw HostInputError(message: "unknown --exit-status '\(exitStatus)' (choose plain or distinct)")
        }
        let maxInstructions = try self.maxInstructions.map { try parseCount($0, flag: "--max-instructions") }
        let timeout = try self.timeout.map { t -> Double in
            guard let s = parseSeconds(t) else {
                throw HostInputError(message: "malformed --timeout '\(t)' (a positive number of seconds, such as 30 or 2.5)")
            }
            return s
        }
        if let statsFile, statsFile != "-" {
            // Found out now rather than after a long run: the file must be writable.
            guard !statsFile.isEmpty else { throw HostInputError(message: "--stats-file needs a file name ('-' for stderr)") }
            do { try writeOutput([], to: statsFile) } catch let e as HostInputError {
                throw HostInputError(message: "--stats-file \(e.message)")
            }
        }
        if threads && (!trace.isEmpty || timeline != nil || gdb != nil) {
            throw HostInputError(message: "--threads cannot be combined with --trace, --timeline or --gdb (they follow one CPU at a time)")
        }
        let traceOptions = try TraceOptions(names: trace, file: traceFile, filter: traceFilter, format: traceFormat, timeline: timeline)
        let watch = try ConsoleWatch(exitOn: exitOn, failOn: failOn)
        let console = Console(fd: 1)
        let prepared = try boot.prepare(machine, image: image, console: console)
        let m = Machine(prepared: prepared, threads: threads)
        if perfMap, let jit = m.decodeCache.jit, let problem = jit.startPerfMap() {
            throw HostInputError(message: "--perf-map: \(problem)")
        }
        if let dir = semihostingDir {
            let fd = open(dir.isEmpty ? "" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw HostInputError(message: "--semihosting-dir \(dir): \(String(cString: strerror(errno)))")
            }
            m.firmware.hostDirectory = fd
        }
        HostSignals.install()
        // stdin feeds the console UART's receiver (ConsoleInput: deterministic from a file or a
        // pipe; raw with Ctrl-A x from a terminal, restored at exit by TerminalMode).
        m.input = ConsoleInput.forDescriptor(0)
        let traces = try traceOptions.attach(to: m)
        if watch.active {
            console.onLine = { [unowned m] line in
                if let code = watch.see(line) { m.requestExit(code: code) }
            }
        }
        let counts = ExceptionCounts()
        if statsFile != nil { counts.attach(to: m) }
        if let timeout { HostSignals.stop(afterSeconds: timeout) }
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        let result: MachineExit
        if let port = gdb {
            let server = try GDBServer(machine: m, port: port) { FileHandle.standardError.write($0 + "\n") }
            clock_gettime(CLOCK_MONOTONIC, &t0)
            result = server.serve(maxInstructions: maxInstructions) ?? .guestExit(code: 0)
        } else {
            result = m.run(maxInstructions: maxInstructions)
        }
        clock_gettime(CLOCK_MONOTONIC, &t1)
        console.flush()
        traces.finish()
        // Before any line of armvm's own, so it starts at the left margin.
        TerminalMode.restore()
        let secs = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
        if stats {
            let n = m.instructionsRetired
            let mips = secs > 0 ? Double(n) / secs / 1e6 : 0
            FileHandle.standardError.write("armvm: \(n) instructions in \(formatted(secs)) s (\(formatted(mips)) MIPS)\n")
            let dc = m.decodeCache
            FileHandle.standardError.write("armvm: decode cache: \(dc.recycles) recycles, \(dc.committedBytes >> 10) KiB now\n")
            if let j = m.decodeCache.jit {
                FileHandle.standardError.write("armvm: translator: \(j.summary)\n")
            }
        }
        var (status, reason, detail) = outcome(result, statusMode: statusMode, timeout: timeout, machine: m, watch: watch)
        if status == ExitStatus.success, let missing = watch.missing {
            // The guest stopped on its own, but without the lines the run was to wait for.
            FileHandle.standardError.write("armvm: the guest stopped before the console showed --exit-on text '\(missing)'\n")
            status = ExitStatus.forGuest(code: 1, mode: statusMode).status
            reason = "exit-on-missing"
        }
        if let err = console.writeError {
            FileHandle.standardError.write("armvm: the guest's console output was lost: writing stdout failed: \(String(cString: strerror(err)))\n")
            if status == ExitStatus.success {
                status = ExitStatus.hostError
                reason = "host-error"
            }
        }
        if let statsFile {
            let json = statsJSON(machine: m, seconds: secs, reason: reason, status: status, detail: detail, counts: counts)
            if statsFile == "-" {
                FileHandle.standardError.write(json)
            } else {
                // The run is over: a stats file that cannot be written is still bad input.
                do { try writeOutput(Array(json.utf8), to: statsFile) } catch let e as HostInputError {
                    FileHandle.standardError.write("armvm: --stats-file \(e.message)\n")
                    Glibc.exit(status == ExitStatus.success ? ExitStatus.badInput : status)
                }
            }
        }
        Glibc.exit(status)
    }

    /// The status, a reason name for --stats-file, and the detail of the stderr line (printed here).
    private func outcome(_ result: MachineExit, statusMode: ExitStatusMode, timeout: Double?,
                         machine m: Machine, watch: ConsoleWatch) -> (Int32, String, String?) {
        func say(_ s: String) { FileHandle.standardError.write("armvm: \(s)\n") }
        switch result {
        case .guestExit(let code) where watch.ended != nil:
            let (s, _) = ExitStatus.forGuest(code: code, mode: statusMode)
            say(watch.ended!)
            return (s, code == 0 ? "exit-on" : "fail-on", watch.ended)
        case .guestExit(let code):
            let (s, note) = ExitStatus.forGuest(code: code, mode: statusMode)
            if let note { say(note) }
            return (s, "guest-exit", "guest exit code \(code)")
        case .reset:
            say("the guest requested a system reset; stopping")
            return (ExitStatus.reset, "reset", nil)
        case .instructionLimit(let n):
            say("stopped after --max-instructions \(n)")
            return (ExitStatus.instructionLimit, "instruction-limit", "\(n)")
        case .stuck(let why):
            say("guest stuck: \(why)")
            return (ExitStatus.stuck, "stuck", why)
        case .idle:
            say("every CPU waits for an interrupt and none can arrive; stopping")
            return (ExitStatus.idle, "idle", nil)
        case .hostSignal(let sig) where sig == SIGALRM:
            // No instruction count here: it depends on the host's speed, and this line must not.
            let t = formatSeconds(timeout ?? 0)
            say("stopped by --timeout \(t) s (wall clock)")
            return (ExitStatus.timeout, "timeout", "\(t) s")
        case .hostSignal(let sig):
            say("stopped by \(HostSignals.name(sig)) after \(m.instructionsRetired) instructions")
            return (HostSignals.exitStatus(sig), "signal", HostSignals.name(sig))
        case .debuggerKill:
            say("killed by gdb after \(m.instructionsRetired) instructions")
            return (ExitStatus.debuggerKill, "gdb-kill", nil)
        case .consoleQuit:
            // As QEMU's Ctrl-A x: the user ended the run on purpose.
            say("stopped by Ctrl-A x after \(m.instructionsRetired) instructions")
            return (ExitStatus.success, "console-quit", nil)
        case .debugStop:
            return (ExitStatus.success, "debug-stop", nil)   // not reached: the gdb server resumes or ends the run
        }
    }

    private func formatted(_ v: Double) -> String {
        let scaled = (v * 1000).rounded() / 1000
        return String(scaled)
    }
}

/// `--exit-on` and `--fail-on`: texts watched for in the console's lines.
final class ConsoleWatch {
    private var waiting: [String]
    private let failOn: [String]
    let active: Bool
    /// The line that explains why the console ended the run, once it has.
    private(set) var ended: String?

    init(exitOn: [String], failOn: [String]) throws {
        for (flag, texts) in [("--exit-on", exitOn), ("--fail-on", failOn)] where texts.contains("") {
            throw HostInputError(message: "\(flag) needs a text to look for in the console's lines")
        }
        waiting = exitOn
        self.failOn = failOn
        active = !exitOn.isEmpty || !failOn.isEmpty
    }

    /// The first --exit-on text not seen yet, if the run did not end on them.
    var missing: String? { ended == nil ? waiting.first : nil }

    /// The guest exit code that ends the run at this line, if it does: 1 for a --fail-on text,
    /// 0 when the last --exit-on text has appeared.
    func see(_ line: String) -> Int64? {
        guard ended == nil else { return nil }
        if let bad = failOn.first(where: { line.contains($0) }) {
            ended = "the console showed --fail-on text '\(bad)'; stopping"
            return 1
        }
        let before = waiting.count
        waiting.removeAll { line.contains($0) }
        if before > 0 && waiting.isEmpty {
            ended = "the console showed every --exit-on text; stopping"
            return 0
        }
        return nil
    }
}
