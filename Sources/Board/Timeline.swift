import ARMCore
import GIC

/// `--timeline FILE.json`: the run as a Chrome trace-event file (a JSON object whose
/// "traceEvents" array ui.perfetto.dev and chrome://tracing open). One track per CPU (pid 1,
/// tid = CPU index); complete ("X") slices for the time spent at each EL and in each VM, and
/// inside each EL2 slice that an exit from a guest began, a slice named by the exit's class and
/// hypercall, to the return to the guest; instants ("i") for exits, interrupts taken, lines raised (timer deadlines by
/// name), list-register writes and maintenance interrupts. Time is the CPU's virtual time (one
/// nanosecond per instruction, plus idle time), shown in microseconds: the same run writes the
/// same bytes. `finish` closes the open slices and the array; the run calls it however it ends.
public final class Timeline {
    private unowned let machine: Machine
    private let output: TraceOutput
    private let names: InterruptNames
    /// Per CPU: the slice in progress (name and start in ns), nil before the CPU's first event.
    private var open: [(name: String, start: UInt64)?]
    /// Per CPU: the exit the hypervisor is handling, a slice nested in its EL2 slice from the
    /// exit to the return to the guest (or to the next exit).
    private var exitSlice: [(name: String, start: UInt64)?]
    private var finished = false

    init(machine: Machine, output: TraceOutput) {
        self.machine = machine
        self.output = output
        names = InterruptNames(layout: machine.prepared.layout)
        open = Array(repeating: nil, count: machine.cpus.count)
        exitSlice = Array(repeating: nil, count: machine.cpus.count)
    }

    /// Create the file now (bad host input if it cannot be) and attach to every CPU and the GIC.
    public static func attach(to machine: Machine, path: String) throws -> Timeline {
        let t = Timeline(machine: machine, output: try TraceOutput.file(path, flag: "--timeline"))
        t.output.line("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[")
        t.event("{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":0,\"args\":{\"name\":\"armvm \(machine.prepared.options.board)\"}}", first: true)
        for cpu in machine.cpus {
            t.event("{\"name\":\"thread_name\",\"ph\":\"M\",\"ts\":0,\"pid\":1,\"tid\":\(cpu.index),\"args\":{\"name\":\"cpu\(cpu.index)\"}}")
        }
        // The boot CPU runs from the start; the others from their first exception or ERET.
        if let boot = machine.cpus.first { t.open[0] = (Self.stateName(el: boot.el, vmid: TraceContext.vmid(boot)), boot.virtualNanos) }
        for cpu in machine.cpus {
            let previous = cpu.exceptionObserver
            cpu.exceptionObserver = { [unowned cpu] e in
                previous?(e)
                t.exception(e, cpu: cpu)
            }
        }
        machine.addGICObserver { [unowned machine] e in t.gic(e, running: machine.runningCPU) }
        return t
    }

    /// "EL2 (hypervisor)", "EL1 vm1", "EL1", "EL0 vm2": the state a slice shows.
    static func stateName(el: UInt8, vmid: UInt16?) -> String {
        if el == 2 { return "EL2 (hypervisor)" }
        if el == 3 { return "EL3 (firmware)" }
        return "EL\(el)" + (el < 2 ? vmid.map { " vm\($0)" } ?? "" : "")
    }

    /// Microseconds with three decimals, from nanoseconds: exact, so the file is reproducible.
    static func micros(_ ns: UInt64) -> String {
        let frac = String(ns % 1000)
        return "\(ns / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    private func event(_ json: String, first: Bool = false) {
        output.line(first ? json : "," + json)
    }

    private func instant(_ name: String, category: String, cpu: Int, at ns: UInt64, args: String = "") {
        event("{\"name\":\(jsonQuoted(name)),\"cat\":\"\(category)\",\"ph\":\"i\",\"s\":\"t\",\"ts\":\(Self.micros(ns)),\"pid\":1,\"tid\":\(cpu)"
              + (args.isEmpty ? "" : ",\"args\":{\(args)}") + "}")
    }

    /// End CPU `c`'s slice at `ns` and start `name` there (nothing when the name is the same).
    private func switchSlice(_ c: Int, to name: String, at ns: UInt64) {
        if let s = open[c] {
            if s.name == name { return }
            closeSlice(c, at: ns)
        }
        open[c] = (name, ns)
    }

    private func closeSlice(_ c: Int, at ns: UInt64) {
        guard let s = open[c] else { return }
        open[c] = nil
        let end = max(ns, s.start)
        let category = s.name.hasPrefix("EL2") ? "hypervisor" : s.name.contains(" vm") ? "vm" : "el"
        event("{\"name\":\(jsonQuoted(s.name)),\"cat\":\"\(category)\",\"ph\":\"X\",\"ts\":\(Self.micros(s.start)),\"dur\":\(Self.micros(end - s.start)),\"pid\":1,\"tid\":\(c)}")
        closeExitSlice(c, at: end)
    }

    /// End the exit slice of CPU `c` at `ns`: after its parent EL2 slice, which it lies in.
    private func closeExitSlice(_ c: Int, at ns: UInt64) {
        guard let s = exitSlice[c] else { return }
        exitSlice[c] = nil
        event("{\"name\":\(jsonQuoted(s.name)),\"cat\":\"exit\",\"ph\":\"X\",\"ts\":\(Self.micros(s.start)),\"dur\":\(Self.micros(max(ns, s.start) - s.start)),\"pid\":1,\"tid\":\(c)}")
    }

    func exception(_ e: ExceptionEvent, cpu: CPU) {
        let now = cpu.virtualNanos, c = cpu.index
        guard open.indices.contains(c), !finished else { return }
        if open[c] == nil { open[c] = (Self.stateName(el: e.fromEL, vmid: e.fromEL < 2 ? TraceContext.vmid(cpu) : nil), now) }
        var exit: String? = nil
        switch e.kind {
        case .eret:
            break
        case .irq, .fiq:
            let hcr = cpu.hasEL2 ? cpu.sysregs[SysReg.HCR_EL2] : 0
            let virtual = e.toEL == 1 && hcr & (e.kind == .irq ? HCR.IMO : HCR.FMO) != 0
            let id = machine.prepared.gic.signalledINTID(cpu: c, virtual: virtual)
            instant((virtual ? "virtual " : "") + (e.kind == .irq ? "IRQ" : "FIQ") + " taken", category: "irq", cpu: c, at: now,
                    args: "\"from_el\":\(e.fromEL),\"to_el\":\(e.toEL),\"intid\":\(id.map { String($0) } ?? "null")")
        case .synchronous, .serror:
            // Exits from a guest to the hypervisor, named by class and hypercall.
            if e.toEL >= 2 && e.fromEL < e.toEL, let s = e.syndrome {
                // By class and key fields: "HVC64 #0xea1 xen:console_io", "HVC64 #0x0 x0=0x84000008 (PSCI SYSTEM_OFF)".
                let name = ExceptionTrace.describe(s, cpu: cpu)
                instant(name, category: "exit", cpu: c, at: now,
                        args: "\"esr\":\"0x\(hexDigits(e.esr))\",\"elr\":\"0x\(hexDigits(e.elr))\"")
                exit = name
            }
        }
        let vmid = e.toEL < 2 ? TraceContext.vmid(cpu) : nil
        switchSlice(c, to: Self.stateName(el: e.toEL, vmid: vmid), at: now)
        // Opened after the guest's slice closed (which closes any exit slice before it).
        if let exit { exitSlice[c] = (exit, now) }
    }

    func gic(_ e: GICEvent, running: CPU) {
        guard !finished else { return }
        func at(_ c: Int) -> (Int, UInt64) {
            let cpu = machine.cpus.indices.contains(c) ? machine.cpus[c] : running
            return (cpu.index, cpu.virtualNanos)
        }
        switch e {
        case .asserted(let id, let cpu):
            // An SGI shows on its target's track; a PPI on its CPU's; an SPI on the running CPU's.
            let (c, ns) = id >= 32 ? (running.index, running.virtualNanos) : at(cpu)
            if let timer = names.timer(id) {
                instant("timer deadline: \(timer) (ppi \(id))", category: "timer", cpu: c, at: ns, args: "\"intid\":\(id)")
            } else {
                instant("irq asserted: \(names.name(id))", category: "irq", cpu: c, at: ns, args: "\"intid\":\(id)")
            }
        case .listRegisterWritten(let cpu, _, let n, let value):
            let f = ListRegisterFields(value)
            guard f.state != 0 else { return }
            let (c, ns) = at(cpu)
            instant("inject vINTID \(f.virtualINTID) (LR\(n) \(f.stateName))", category: "irq", cpu: c, at: ns,
                    args: "\"vintid\":\(f.virtualINTID),\"hw\":\(f.hardware)")
        case .maintenance(let cpu, let misr):
            let (c, ns) = at(cpu)
            let causes = ListRegisterFields.maintenanceCauses(misr).joined(separator: " ")
            instant("maintenance interrupt (\(causes))", category: "irq", cpu: c, at: ns)
        case .acknowledged(let cpu, let register, let id):
            guard id & 0xFF_FFFF < 1020 else { return }
            let (c, ns) = at(cpu)
            instant("ack \(id) (\(register))", category: "irq", cpu: c, at: ns)
        case .endOfInterrupt, .deactivated:
            break
        }
    }

    /// Close every slice at its CPU's time and the JSON; the file is complete after this.
    public func finish() {
        guard !finished else { return }
        for cpu in machine.cpus { closeSlice(cpu.index, at: cpu.virtualNanos) }
        finished = true
        output.line("]}")
        output.flush()
    }
}
