import ARMCore
import Stage2MMU

/// gdb's `monitor` commands (qRcmd): what a hypervisor developer needs that gdb's own
/// commands cannot show. `monitor help` lists them. Only `break-el` and `break-vmid` change
/// anything (the filters of gdb's own breakpoints and watchpoints); the rest only read.
enum GDBMonitor {
    static let help = """
        monitor info registers     the system registers of every EL, with the PC, PSTATE, EL and VMID
        monitor info vm            each CPU's EL, and the VM (VMID, VTTBR_EL2) its EL0/EL1 runs in
        monitor translate VA       VA -> IPA -> PA in the current regime, each descriptor read
        monitor translate el1 VA   the same through the EL1&0 regime (stage 1, then stage 2 if HCR_EL2.VM)
        monitor xp ADDR [LEN]      hex dump of LEN (default 64, at most 4096) bytes of physical RAM
        monitor break-el N|any     gdb's breakpoints and watchpoints fire only at EL N (0, 1, 2)
        monitor break-vmid N|any   ... only while EL0/EL1 run under VMID N (never at EL2)
        monitor help               this list
        (maint packet Qqemu.PhyMemMode:1 makes gdb's memory accesses physical, as with QEMU)

        """

    /// The text `command` prints; a command it does not know prints the list.
    static func run(_ command: String, cpu: CPU, layout: GDBRegisterLayout, machine: Machine) -> String {
        let words = command.split(separator: " ").map(String.init)
        switch words.first {
        case "info" where words.dropFirst().first.map({ "registers".hasPrefix($0) && !$0.isEmpty }) == true:
            return registers(cpu, layout: layout)
        case "info" where words.dropFirst().first == "vm":
            return machine.cpus.map(vmLine).joined()
        case "xp":
            return physicalDump(Array(words.dropFirst()), machine: machine)
        case "break-el", "break-vmid":
            return filter(words, machine: machine)
        case "translate":
            return translate(Array(words.dropFirst()), cpu: cpu)
        case "help":
            return help
        default:
            return "unknown monitor command '\(command)'\n" + help
        }
    }

    // MARK: info registers

    /// The registers of each EL on its own line group, named as gdb names them.
    static func registers(_ cpu: CPU, layout: GDBRegisterLayout) -> String {
        var out = "CPU \(cpu.index)  EL\(cpu.el)  PC 0x\(hexDigits(cpu.pc, width: 16))  PSTATE 0x\(hexDigits(cpu.pstateBits, width: 8))"
        out += cpu.currentVMID.map { "  VMID \($0)" } ?? ""
        out += "\n"
        let regs = layout.systemRegisters
        let groups: [(String, (String) -> Bool)] = layout == .aarch64
            ? [("PSTATE", { !$0.contains("_EL") }), ("EL0/EL1", { $0.contains("_EL") && !$0.hasSuffix("_EL2") }),
               ("EL2", { $0.hasSuffix("_EL2") })]
            : [("PL1", { !$0.hasPrefix("H") && !$0.hasPrefix("VT") && !$0.hasSuffix("_hyp") }),
               ("Hyp", { $0.hasPrefix("H") || $0.hasPrefix("VT") || $0.hasSuffix("_hyp") })]
        for (title, member) in groups {
            out += "\(title):\n"
            for r in regs where member(r.name) {
                let pad = String(repeating: " ", count: max(1, 16 - r.name.count))
                out += "  \(r.name)\(pad)0x\(hexDigits(r.read(cpu), width: 2 * r.bytes))\n"
            }
        }
        return out
    }

    // MARK: info vm, xp, break-el, break-vmid

    /// `CPU 0: EL1, VM 3 (VMID 3, stage 2 on, VTTBR_EL2 0x...)`, or the host at EL2.
    static func vmLine(_ cpu: CPU) -> String {
        let s = { (r: SysReg) in cpu.debuggerSysReg(r) ?? 0 }
        var line = "CPU \(cpu.index): EL\(cpu.el)"
        if let vmid = cpu.currentVMID {
            let stage2 = s(.HCR_EL2) & HCR.VM != 0 ? "on" : "off"
            line += ", VM \(vmid) (VMID \(vmid), stage 2 \(stage2), VTTBR_EL2 0x\(hexDigits(s(.VTTBR_EL2))))"
        } else if cpu.el == 2 {
            line += ", the hypervisor (no VM)"
        } else {
            line += ", no EL2 (no VM)"
        }
        return line + "\n"
    }

    /// A byte of physical RAM, nil for anything else (devices are never read from here).
    static func physicalByte(_ machine: Machine, _ pa: UInt64) -> UInt8? {
        machine.cpus[0].bus.ramPointer(pa, size: 1)?.load(as: UInt8.self)
    }

    /// 16 bytes a line: the address, the bytes, and stops at the first byte that is not RAM.
    static func physicalDump(_ args: [String], machine: Machine) -> String {
        guard (1...2).contains(args.count), let pa = number(args[0]),
              let length = args.count == 2 ? number(args[1]) : 64, length > 0, length <= 4096,
              !pa.addingReportingOverflow(length - 1).overflow else {
            return "usage: monitor xp ADDR [LEN]   (LEN 1 to 4096, hex or 0x...)\n"
        }
        var out = ""
        var line = ""
        for i in 0..<length {
            let a = pa + i
            if i % 16 == 0 {
                if !line.isEmpty { out += line + "\n" }
                line = "0x\(hexDigits(a, width: 16)):"
            }
            guard let b = physicalByte(machine, a) else {
                if !line.isEmpty { out += line + "\n" }
                return out + "0x\(hexDigits(a, width: 16)) is not RAM\n"
            }
            line += " " + hexDigits(UInt64(b), width: 2)
        }
        return out + line + "\n"
    }

    /// `break-el N|any` and `break-vmid N|any`, for every CPU.
    static func filter(_ words: [String], machine: Machine) -> String {
        let el = words[0] == "break-el"
        guard words.count == 2 else { return "usage: monitor \(words[0]) N|any\n" }
        var value: UInt64?
        if words[1] != "any" {
            guard let v = UInt64(words[1]), el ? v <= 2 : v <= 0xFF else {
                return "usage: monitor \(words[0]) N|any (N \(el ? "0 to 2" : "0 to 255"))\n"
            }
            value = v
        }
        for c in machine.cpus {
            if el { c.externalDebug.onlyEL = value.map { UInt8($0) } } else { c.externalDebug.onlyVMID = value }
        }
        let what = el ? "at EL\(value.map(String.init) ?? "")" : "under VMID \(value.map(String.init) ?? "")"
        return value == nil ? "gdb's breakpoints and watchpoints: \(el ? "any EL" : "any VMID")\n"
            : "gdb's breakpoints and watchpoints fire only \(what)\n"
    }

    // MARK: translate

    /// Records a walk's descriptor reads for the listing.
    private final class Recorder: TranslationObserver {
        var reads: [(address: UInt64, value: UInt64, level: UInt8, stage: UInt8)] = []
        func descriptorRead(address: UInt64, value: UInt64, level: UInt8, stage: UInt8) {
            reads.append((address, value, level, stage))
        }
    }

    /// A walk without the TLB (nothing is cached or changed), listing every descriptor read.
    static func translate(_ args: [String], cpu: CPU) -> String {
        var args = args
        var regime = cpu.regime
        var name = cpu.el == 2 ? "EL2" : "EL1&0"
        if args.first == "el1" {
            args.removeFirst()
            let s = { (r: SysReg) in cpu.debuggerSysReg(r) ?? 0 }
            regime = .el10(tcr: s(.TCR_EL1), ttbr0: s(.TTBR0_EL1), ttbr1: s(.TTBR1_EL1), mair: s(.MAIR_EL1),
                           sctlr: s(.SCTLR_EL1), vtcr: s(.VTCR_EL2), vttbr: s(.VTTBR_EL2),
                           stage2Enabled: s(.HCR_EL2) & HCR.VM != 0, sctlrEL2: s(.SCTLR_EL2),
                           physicalAddressBits: cpu.regime.stage1.physicalAddressBits)
            name = "EL1&0"
        } else if args.first == "el2" {
            args.removeFirst()
        }
        guard args.count == 1, let va = number(args[0]) else { return "usage: monitor translate [el1] VA\n" }
        name += regime.stage1.enabled ? " stage 1" : " stage 1 off"
        name += regime.stage2Active ? ", stage 2 (VMID \(regime.stage2?.vmid ?? 0))" : ""
        var out = "VA 0x\(hexDigits(va)) in \(name)\n"
        let recorder = Recorder()
        let result: TranslationResult
        do throws(FaultRecord) {
            result = try regime.walk(va, bus: cpu.mmu.bus, observer: recorder)
        } catch {
            out += listing(recorder.reads)
            var line = "fault: \(error.summary)"
            if error.secondStage { line += " at IPA 0x\(hexDigits(error.ipa))" }
            if error.s1ptw { line += " (on a stage-1 table walk)" }
            return out + line + "\n"
        }
        out += listing(recorder.reads)
        if regime.stage2Active { out += "IPA 0x\(hexDigits(result.intermediatePhysicalAddress))\n" }
        return out + "PA  0x\(hexDigits(result.physicalAddress))\n"
    }

    private static func listing(_ reads: [(address: UInt64, value: UInt64, level: UInt8, stage: UInt8)]) -> String {
        reads.map { "  s\($0.stage) L\($0.level) @0x\(hexDigits($0.address)) = 0x\(hexDigits($0.value, width: 16)) "
            + MMUTrace.describe($0.value, level: $0.level) + "\n" }.joined()
    }

    /// An address as a user types it: hex with or without 0x.
    private static func number(_ s: String) -> UInt64? {
        let digits = s.hasPrefix("0x") || s.hasPrefix("0X") ? s.dropFirst(2) : Substring(s)
        return GDBHex.number(Array(digits.utf8))
    }
}
