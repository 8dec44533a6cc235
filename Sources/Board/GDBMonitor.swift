import ARMCore
import Stage2MMU

/// gdb's `monitor` commands (qRcmd): what a hypervisor developer needs that gdb's own
/// commands cannot show. `monitor help` lists them. Every command only reads the machine.
enum GDBMonitor {
    static let help = """
        monitor info registers     the system registers of every EL, with the PC, PSTATE and EL
        monitor translate VA       VA -> IPA -> PA in the current regime, each descriptor read
        monitor translate el1 VA   the same through the EL1&0 regime (stage 1, then stage 2 if HCR_EL2.VM)
        monitor help               this list

        """

    /// The text `command` prints; a command it does not know prints the list.
    static func run(_ command: String, cpu: CPU, layout: GDBRegisterLayout) -> String {
        let words = command.split(separator: " ").map(String.init)
        switch words.first {
        case "info" where words.dropFirst().first.map({ "registers".hasPrefix($0) && !$0.isEmpty }) == true:
            return registers(cpu, layout: layout)
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
        var out = "CPU \(cpu.index)  EL\(cpu.el)  PC 0x\(hexDigits(cpu.pc, width: 16))  PSTATE 0x\(hexDigits(cpu.pstateBits, width: 8))\n"
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
