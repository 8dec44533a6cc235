import ARMCore

/// `--trace exceptions`: one line per exception taken and per ERET, for people learning or
/// debugging what a hypervisor does. Each line says where it happened (CPU, EL, VMID) and carries
/// the instruction count instead of host time, so two runs print the same trace.
public final class ExceptionTrace {
    private let sink: TraceSink

    public init(sink: TraceSink) { self.sink = sink }
    public convenience init(write: @escaping (String) -> Void) { self.init(sink: TraceSink(write: write)) }

    /// Attach to every CPU of a machine, after any observer already there.
    public func attach(to machine: Machine) {
        for cpu in machine.cpus {
            let previous = cpu.exceptionObserver
            // The CPU keeps the tracer alive; the tracer must not keep the CPU (a cycle).
            cpu.exceptionObserver = { [unowned cpu] e in
                previous?(e)
                self.report(e, cpu: cpu)
            }
        }
    }

    func report(_ e: ExceptionEvent, cpu: CPU) {
        // The event happened at the EL it left; the VMID is still the guest's on an exit.
        var c = TraceContext.of(cpu, el: e.fromEL)
        c.insn = e.instret
        guard sink.admits(c, ec: e.kind == .eret ? nil : e.syndrome?.ec.rawValue) else { return }
        // AArch32 sides carry their mode: "EL1(svc)->EL2".
        let from = "EL\(e.fromEL)" + (e.fromMode.map { "(\($0.name))" } ?? "")
        let to = "EL\(e.toEL)" + (e.toMode.map { "(\($0.name))" } ?? "")
        let arrow = "\(from)->\(to)"
        if e.kind == .eret {
            // x0 (r0) shows a hypercall's result on the way back; the VM entered, if any.
            let r0 = e.toMode != nil ? "r0=0x" + hexDigits(cpu.x[0] & 0xFFFF_FFFF) : "x0=0x" + hexDigits(cpu.x[0])
            let vm = e.toEL < 2 ? TraceContext.vmid(cpu) : nil
            sink.emit(c, kind: "eret", "eret \(arrow) to 0x\(hexDigits(e.elr)) \(r0)" + (vm.map { " (vm\($0))" } ?? ""),
                      ["from_el": .int(UInt64(e.fromEL)), "to_el": .int(UInt64(e.toEL)), "elr": .hex(e.elr),
                       "x0": .hex(cpu.x[0]), "to_vmid": vm.map { .int(UInt64($0)) } ?? .none])
            return
        }
        var line = "\(arrow) "
        if let s = e.syndrome {
            line += Self.describe(s, cpu: cpu)
        } else {
            line += "\(e.kind)".uppercased()
        }
        // Hyp mode's names for the same registers: HSR is ESR_EL2, ELR_hyp is ELR_EL2, HDFAR and
        // HIFAR are FAR_EL2's halves.
        let hyp = e.toMode == .hyp
        line += (hyp ? " HSR=0x" : " ESR=0x") + hexDigits(e.esr & (hyp ? 0xFFFF_FFFF : .max))
            + (hyp ? " ELR_hyp=0x" : " ELR=0x") + hexDigits(e.elr)
        if let far = e.far {
            let instruction = e.syndrome.map { $0.ec == .iabtLow || $0.ec == .iabtCur } ?? false
            line += (hyp ? (instruction ? " HIFAR=0x" : " HDFAR=0x") : " FAR=0x") + hexDigits(far)
        }
        if let ipa = e.ipa { line += " HPFAR IPA=0x\(hexDigits(ipa))" }
        let name = e.syndrome.map { $0.ec.name } ?? "\(e.kind)".uppercased()
        sink.emit(c, kind: "exception", ec: e.syndrome?.ec.rawValue, line,
                  ["from_el": .int(UInt64(e.fromEL)), "to_el": .int(UInt64(e.toEL)), "class": .text(name),
                   "esr": .hex(e.esr), "elr": .hex(e.elr), "far": e.far.map { .hex($0) } ?? .none,
                   "ipa": e.ipa.map { .hex($0) } ?? .none])
    }

    /// The exception class by name, with what matters for each class.
    static func describe(_ s: Syndrome, cpu: CPU) -> String {
        let iss = s.iss
        switch s.ec {
        case .smc64:
            var text = "SMC64 #0x\(hexDigits(UInt64(iss & 0xFFFF)))"
            text += " x0=0x\(hexDigits(cpu.x[0]))" + (PSCIFunction.name(cpu.x[0]).map { " (\($0))" } ?? "")
            return text
        case .svc64, .brk64:
            return "\(s.ec.name) #0x\(hexDigits(UInt64(iss & 0xFFFF)))"
        case .hvc64:
            let imm = iss & 0xFFFF
            var text = "HVC64 #0x\(hexDigits(UInt64(imm)))"
            // Xen's hypercall ABI: HVC #0xEA1 with the call number in x16.
            if imm == 0xEA1 { text += " xen:" + XenHypercall.name(cpu.x[16]) }
            // SMCCC calls (PSCI, the Spectre workarounds) are HVC #0 with the function ID in x0.
            if imm == 0 { text += " x0=0x\(hexDigits(cpu.x[0]))" + (PSCIFunction.name(cpu.x[0]).map { " (\($0))" } ?? "") }
            return text
        case .hvc32:
            let imm = iss & 0xFFFF
            var text = "HVC32 #0x\(hexDigits(UInt64(imm)))"
            // Xen's AArch32 hypercall ABI: the call number in r12.
            if imm == 0xEA1 { text += " xen:" + XenHypercall.name(cpu.x[12]) }
            let r0 = cpu.x[0] & 0xFFFF_FFFF
            if imm == 0 { text += " r0=0x\(hexDigits(r0))" + (PSCIFunction.name(r0).map { " (\($0))" } ?? "") }
            return text
        case .svc32:
            return "SVC32 #0x\(hexDigits(UInt64(iss & 0xFFFF)))"
        case .cp15RT, .cp14RT, .cp10ID:
            let opc2 = iss >> 17 & 7, opc1 = iss >> 14 & 7, crn = iss >> 10 & 15, rt = iss >> 5 & 31
            let crm = iss >> 1 & 15, read = iss & 1 == 1
            let cp = s.ec == .cp15RT ? 15 : s.ec == .cp14RT ? 14 : 10
            let name = CPU.coprocessorRegisterName(coproc: UInt32(cp), opc1: opc1, crn: crn, crm: crm, opc2: opc2)
                .map { " (\($0))" } ?? ""
            let r = registerPrefix(cpu)
            return "\(s.ec.name) \(read ? "MRC" : "MCR") p\(cp), \(opc1), \(r)\(rt), c\(crn), c\(crm), \(opc2)\(name)"
        case .cp15RRT, .cp14RRT:
            let opc1 = iss >> 16 & 15, rt2 = iss >> 10 & 31, rt = iss >> 5 & 31, crm = iss >> 1 & 15
            let r = registerPrefix(cpu)
            return "\(s.ec.name) \(iss & 1 == 1 ? "MRRC" : "MCRR") p\(s.ec == .cp15RRT ? 15 : 14), \(opc1), \(r)\(rt), \(r)\(rt2), c\(crm)"
        case .wfx:
            return (iss & 1 == 0 ? "WFI" : "WFE") + " trapped"
        case .sys64:
            let op0 = iss >> 20 & 3, op2 = iss >> 17 & 7, op1 = iss >> 14 & 7, crn = iss >> 10 & 15
            let rt = iss >> 5 & 31, crm = iss >> 1 & 15, read = iss & 1 == 1
            let reg = SysReg.lookup(op0: UInt8(op0), op1: UInt8(op1), crn: UInt8(crn), crm: UInt8(crm), op2: UInt8(op2))
            let name = reg.map { String(describing: $0) } ?? "S\(op0)_\(op1)_C\(crn)_C\(crm)_\(op2)"
            return "SYS64 " + (read ? "MRS x\(rt), \(name)" : "MSR \(name), x\(rt)")
        case .iabtLow, .iabtCur, .dabtLow, .dabtCur:
            var text = "\(s.ec.name) \(faultName(iss & 0x3F))"
            if s.ec == .dabtLow || s.ec == .dabtCur { text += iss & (1 << 6) != 0 ? " write" : " read" }
            if iss & (1 << 7) != 0 { text += " s1ptw" }
            return text
        default:
            return s.ec.name
        }
    }

    /// How a syndrome's Rt reads: an AArch64 EL2 sees the X register that holds the AArch32
    /// register, Hyp mode the AArch32 register itself.
    static func registerPrefix(_ cpu: CPU) -> String { cpu.aarch32Only ? "r" : "x" }

    /// DFSC/IFSC names (ARM DDI 0487, D17.2.40).
    static func faultName(_ fsc: UInt32) -> String {
        let level = fsc & 3
        switch fsc >> 2 {
        case 0b0000: return "address size fault L\(level)"
        case 0b0001: return "translation fault L\(level)"
        case 0b0010: return "access flag fault L\(level)"
        case 0b0011: return "permission fault L\(level)"
        case 0b0100 where fsc == 0x10: return "external abort"
        case 0b0101: return "external abort on walk L\(level)"
        default: return fsc == 0x21 ? "alignment fault" : "fault status 0x\(hexDigits(UInt64(fsc)))"
        }
    }
}

/// PSCI and SMCCC Arm-architecture function IDs (Arm DEN 0022 and DEN 0028), for traces: the SMC32 ID, or the
/// SMC64 one (bit 30 set) of the calls that have one.
enum PSCIFunction {
    static let names: [UInt64: String] = [
        0x8000_0000: "SMCCC_VERSION", 0x8000_0001: "SMCCC_ARCH_FEATURES", 0x8000_8000: "SMCCC_ARCH_WORKAROUND_1",
        0x8000_7FFF: "SMCCC_ARCH_WORKAROUND_2", 0x8000_3FFF: "SMCCC_ARCH_WORKAROUND_3",
        0x8400_0000: "PSCI_VERSION", 0x8400_0001: "PSCI CPU_SUSPEND", 0x8400_0002: "PSCI CPU_OFF",
        0x8400_0003: "PSCI CPU_ON", 0x8400_0004: "PSCI AFFINITY_INFO", 0x8400_0005: "PSCI MIGRATE",
        0x8400_0006: "PSCI MIGRATE_INFO_TYPE", 0x8400_0007: "PSCI MIGRATE_INFO_UP_CPU",
        0x8400_0008: "PSCI SYSTEM_OFF", 0x8400_0009: "PSCI SYSTEM_RESET", 0x8400_000A: "PSCI_FEATURES",
    ]

    static func name(_ x0: UInt64) -> String? {
        let id = x0 & 0xFFFF_FFFF
        if let n = names[id] { return n }
        // The SMC64 forms of CPU_SUSPEND, CPU_ON, AFFINITY_INFO, MIGRATE, MIGRATE_INFO_UP_CPU.
        if id & 0xFFFF_FF00 == 0xC400_0000, [1, 3, 4, 5, 7].contains(id & 0xFF), let n = names[id & ~0x4000_0000] {
            return n + " (SMC64)"
        }
        return nil
    }
}

/// Xen hypercall numbers (xen/include/public/xen.h), for traces.
enum XenHypercall {
    static let names: [UInt64: String] = [
        12: "memory_op", 17: "xen_version", 18: "console_io", 20: "grant_table_op", 24: "vcpu_op",
        29: "sched_op", 32: "event_channel_op", 34: "hvm_op", 35: "sysctl", 36: "domctl",
    ]
    static func name(_ n: UInt64) -> String { names[n] ?? "\(n)" }
}

/// Lower-case hex without prefix, zero-padded to `width` digits when given.
func hexDigits(_ v: UInt64, width: Int = 0) -> String {
    let s = String(v, radix: 16)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
