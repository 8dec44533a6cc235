import ARMCore
import GIC

/// `--trace irq`: the life of each interrupt. Physical lines raised at the distributor or
/// redistributor, IRQ/FIQ exceptions taken, acknowledges, EOIs and deactivations on the
/// physical (GICC_*, ICC_*) and virtual (GICV_*, ICV_*) CPU interfaces, every list-register
/// write with what it injects, and maintenance interrupts with their causes.
public final class IRQTrace {
    private unowned let machine: Machine
    private let sink: TraceSink
    private let names: InterruptNames

    init(machine: Machine, sink: TraceSink) {
        self.machine = machine
        self.sink = sink
        names = InterruptNames(layout: machine.prepared.layout)
    }

    public static func attach(to machine: Machine, sink: TraceSink) {
        let t = IRQTrace(machine: machine, sink: sink)
        machine.addGICObserver { [unowned machine] e in t.report(e, running: machine.runningCPU) }
        for cpu in machine.cpus {
            let previous = cpu.exceptionObserver
            cpu.exceptionObserver = { [unowned cpu] e in
                previous?(e)
                if e.kind == .irq || e.kind == .fiq { t.taken(e, cpu: cpu) }
            }
        }
    }

    /// The CPU a GIC event concerns, or the running one.
    private func context(_ c: Int, running: CPU) -> TraceContext {
        machine.cpus.indices.contains(c) ? TraceContext.of(machine.cpus[c]) : TraceContext.of(running)
    }

    func taken(_ e: ExceptionEvent, cpu: CPU) {
        var c = TraceContext.of(cpu, el: e.fromEL)
        c.insn = e.instret
        let kind = e.kind == .irq ? "IRQ" : "FIQ"
        // Taken at EL1 while HCR_EL2.IMO/FMO route physical ones to EL2: the virtual input (D1.14).
        let hcr = cpu.hasEL2 ? cpu.sysregs[SysReg.HCR_EL2] : 0
        let virtual = e.toEL == 1 && hcr & (e.kind == .irq ? HCR.IMO : HCR.FMO) != 0
        let what = (virtual ? "virtual " : "") + kind
        // What the GIC signals now: the interrupt the handler's acknowledge will return.
        let id = machine.prepared.gic.signalledINTID(cpu: cpu.index, virtual: virtual)
        let shown = id.map { virtual ? ": vINTID \($0)" : ": " + names.name(Int($0)) } ?? ""
        sink.emit(c, kind: "irq-taken", "irq taken: \(what) EL\(e.fromEL)->EL\(e.toEL) ELR=0x\(hexDigits(e.elr))\(shown)",
                  ["interrupt": .text(what), "intid": id.map { .int(UInt64($0)) } ?? .none,
                   "from_el": .int(UInt64(e.fromEL)), "to_el": .int(UInt64(e.toEL)), "elr": .hex(e.elr)])
    }

    func report(_ e: GICEvent, running: CPU) {
        switch e {
        case .asserted(let id, let cpu):
            // An SPI or SGI happened on the CPU that was running (a device's, or the sender); a
            // PPI on its own CPU, whose turn it is when its timer's line changes.
            let c = id >= 32 || id < 16 ? TraceContext.of(running) : context(cpu, running: running)
            let to = id < 16 ? " to cpu\(cpu)" : ""
            sink.emit(c, kind: "irq-asserted", "irq asserted: \(names.name(id))\(to)",
                      ["intid": .int(UInt64(id)), "target_cpu": .int(UInt64(cpu))])
        case .acknowledged(let cpu, let register, let id):
            let virtual = isVirtual(register)
            sink.emit(context(cpu, running: running), kind: "irq-ack",
                      "irq ack \(register) -> \(describe(id, virtual: virtual))",
                      ["register": .text("\(register)"), "intid": .int(UInt64(id)), "virtual": .flag(virtual)])
        case .endOfInterrupt(let cpu, let register, let id):
            let virtual = isVirtual(register)
            sink.emit(context(cpu, running: running), kind: "irq-eoi",
                      "irq eoi \(register) <- \(describe(id, virtual: virtual))",
                      ["register": .text("\(register)"), "intid": .int(UInt64(id)), "virtual": .flag(virtual)])
        case .deactivated(let cpu, let register, let id):
            let virtual = isVirtual(register)
            sink.emit(context(cpu, running: running), kind: "irq-dir",
                      "irq deactivate \(register) <- \(describe(id, virtual: virtual))",
                      ["register": .text("\(register)"), "intid": .int(UInt64(id)), "virtual": .flag(virtual)])
        case .listRegisterWritten(let cpu, let register, let n, let value):
            let f = ListRegisterFields(value)
            let name = "\(register)" == "GICH_LR" ? "GICH_LR\(n)" : "ICH_LR\(n)_EL2"
            var text = "irq \(name) = 0x\(hexDigits(value, width: 16)): "
            if f.state == 0 {
                text += "invalid"
            } else {
                text += "vINTID \(f.virtualINTID) \(f.stateName)"
                if let p = f.physicalINTID { text += " HW pINTID \(p) (\(names.name(p)))" }
                if f.eoiMaintenance { text += " EOI-maintenance" }
                text += " prio 0x\(hexDigits(UInt64(f.priority))) group\(f.group1 ? 1 : 0)"
            }
            sink.emit(context(cpu, running: running), kind: "irq-lr", text,
                      ["register": .text(name), "value": .hex(value), "vintid": .int(UInt64(f.virtualINTID)),
                       "state": .text(f.stateName), "hw": .flag(f.hardware),
                       "pintid": f.physicalINTID.map { .int(UInt64($0)) } ?? .none,
                       "priority": .int(UInt64(f.priority)), "group": .int(f.group1 ? 1 : 0)])
        case .maintenance(let cpu, let misr):
            let causes = ListRegisterFields.maintenanceCauses(misr)
            sink.emit(context(cpu, running: running), kind: "irq-maintenance",
                      "irq maintenance: \(names.name(GICConstants.maintenanceINTID)) MISR=0x\(hexDigits(UInt64(misr))) (\(causes.joined(separator: " ")))",
                      ["misr": .hex(UInt64(misr)), "causes": .text(causes.joined(separator: " "))])
        }
    }

    private func isVirtual(_ register: StaticString) -> Bool {
        let s = "\(register)"
        return s.hasPrefix("GICV") || s.hasPrefix("ICV")
    }

    private func describe(_ id: UInt32, virtual: Bool) -> String {
        let plain = id & 0xFF_FFFF
        if plain >= 1020 && plain <= 1023 { return "\(plain) (spurious)" }
        return virtual ? "vINTID \(id)" : names.name(Int(id & 0x3FF))
    }
}

/// INTIDs by kind, and the timers' and the maintenance interrupt by name (the board's PPIs).
struct InterruptNames {
    let timers: [Int: String]

    init(layout: BoardLayout) {
        let p = layout.timerPPIs
        // INTID 28 (PPI 12) is the EL2 virtual timer by the Server Base System Architecture's
        // numbering; armvm has no such timer, but a trace still names the line.
        timers = [16 + Int(p.nonSecurePhysical): "EL1 physical timer", 16 + Int(p.virtual): "EL1 virtual timer",
                  16 + Int(p.hypervisor): "EL2 physical timer", 28: "EL2 virtual timer",
                  16 + Int(p.securePhysical): "secure physical timer",
                  GICConstants.maintenanceINTID: "maintenance"]
    }

    /// "sgi 1", "ppi 27 (EL1 virtual timer)", "spi 33": the INTID with its kind.
    func name(_ id: Int) -> String {
        if id < 16 { return "sgi \(id)" }
        if id < 32 { return "ppi \(id)" + (timers[id].map { " (\($0))" } ?? "") }
        return "spi \(id)"
    }

    /// The timer an INTID belongs to, if any.
    func timer(_ id: Int) -> String? { id == GICConstants.maintenanceINTID ? nil : timers[id] }
}

extension Machine {
    /// Add a GIC observer after any already there (traces and the timeline share the GIC).
    func addGICObserver(_ o: @escaping GICObserver) {
        let gic = prepared.gic
        let previous = gic.observer
        gic.observer = { e in
            previous?(e)
            o(e)
        }
    }
}
