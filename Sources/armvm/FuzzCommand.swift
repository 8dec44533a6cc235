import ArgumentParser
import ARMCore
import Board
import Bus
#if canImport(Glibc)
import Glibc
#endif

/// `armvm fuzz` (hidden): random 32-bit words through decode and execute, each from a random
/// state at EL0, EL1 or EL2, in a release build. A guest can never crash or hang the host, so
/// every word must end in an architectural outcome: retired, or an exception taken. Run by
/// Tests/ARMCoreTests/ExecutionFuzzTests.swift under `make test` with a fixed seed.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute random instruction words from random states (a robustness test).",
        shouldDisplay: false)

    @Option(help: "How many words to execute.")
    var words: Int = 10_000_000

    @Option(help: "Seed of the run (decimal or 0x hex); the same seed runs the same words from the same states.")
    var seed: String = "0x5EEDA64"

    @Option(help: "Instruction set: a64, a32 (random words in an AArch32 mode at EL0 or EL1 under the AArch64 EL2) or t32 (random halfword pairs).")
    var isa: String = "a64"

    @Option(help: "CPU model: cortex-a57, or cortex-a15 (AArch32 only, with Hyp mode among the random modes; a32 and t32 only).")
    var cpu: String = "cortex-a57"

    func run() throws {
        guard words >= 0 else { throw HostInputError("--words must not be negative") }
        let text = seed.lowercased()
        guard let s = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text) else {
            throw HostInputError("--seed: not a number: \(seed)")
        }
        var config = CPUConfig()
        switch cpu {
        case "cortex-a57": break
        case "cortex-a15":
            guard isa != "a64" else { throw HostInputError("--cpu cortex-a15 has no AArch64: give --isa a32 or t32") }
            config.identification = .cortexA15
        default: throw HostInputError("--cpu must be cortex-a57 or cortex-a15, not '\(cpu)'")
        }
        let summary: String
        switch isa {
        case "a64": summary = FuzzRun(seed: s, config: config).run(words: words)
        case "a32", "t32": summary = FuzzRun(seed: s, config: config).runAArch32(words: words, thumb: isa == "t32")
        default: throw HostInputError("--isa must be a64, a32 or t32, not '\(isa)'")
        }
        print(summary)
        if summary.contains("FAILED") { Glibc.exit(1) }
    }
}

/// One CPU with EL2 on 1 MiB of RAM; the words are written into a 4 KiB code page in turn.
final class FuzzRun {
    static let ramBase: UInt64 = 0x4000_0000
    static let ramSize: UInt64 = 1 << 20
    let bus: PhysicalAddressSpace
    let cache: DecodeCache
    let cpu: CPU
    var rng: UInt64
    let seed: UInt64
    /// Exceptions taken, by ESR_ELx.EC.
    var byClass = [Int](repeating: 0, count: 64)

    init(seed: UInt64, config: CPUConfig = CPUConfig()) {
        bus = PhysicalAddressSpace(ramBase: Self.ramBase, ramSize: Self.ramSize)!
        cache = DecodeCache(bus: bus)
        cpu = CPU(index: 0, bus: bus, decodeCache: cache, hasEL2: true, config: config)
        self.seed = seed
        rng = seed
    }

    /// splitmix64.
    @inline(__always) func next() -> UInt64 {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A register value: half of them point into RAM, so that loads and stores often succeed.
    @inline(__always) func value() -> UInt64 {
        let v = next()
        return v & 1 == 0 ? Self.ramBase &+ (v >> 8) % Self.ramSize : v
    }

    func run(words: Int) -> String {
        let codePage = Self.ramBase + 0x8_0000
        var retired = 0, byEL = [0, 0, 0]
        var failures: [String] = []
        let start = timespec.now()
        for n in 0..<words {
            let pc = codePage + UInt64(n % 1024) * 4
            let w = UInt32(truncatingIfNeeded: next() >> 16)
            _ = bus.write(pc, size: 4, value: UInt64(w))
            let el = UInt8(next() % 3)
            byEL[Int(el)] += 1
            cpu.boot(entry: pc, el: el)
            for r in 0..<31 { cpu.x[r] = value() }
            cpu.x[Int(Reg.sp)] = Self.ramBase + 0xF_0000 + (next() & 0xF)
            cpu.nzcv = UInt32(truncatingIfNeeded: next()) & 0xF000_0000
            for v in 0..<32 { cpu.setV(UInt8(v), low: next(), high: next()) }
            let f = next()
            cpu.fpcr = (f & 0x1F) << 22
            cpu.fpsr = (f >> 8) & 0x0800_009F
            // FP enabled most of the time; otherwise a random CPACR_EL1.FPEN and CPTR_EL2.TFP.
            cpu.sysregs[SysReg.CPACR_EL1] = f >> 16 & 7 == 0 ? (f >> 20 & 3) << 20 : 3 << 20
            cpu.sysregs[SysReg.CPTR_EL2] = f >> 24 & 15 == 0 ? 1 << 10 : 0
            // Stage 2 off; sometimes TGE (EL0 runs under EL2) or the SMC/sysreg traps.
            let h = next()
            cpu.sysregs[SysReg.HCR_EL2] = HCR_RW | (h & 3 == 0 ? h & (HCR.TGE | HCR.TSC | HCR_TID3 | HCR_TVM) : 0)
            cpu.sysregs[SysReg.SCTLR_EL1] = 0
            cpu.sysregs[SysReg.VBAR_EL1] = Self.ramBase
            cpu.sysregs[SysReg.VBAR_EL2] = Self.ramBase
            cpu.sysregs[SysReg.ESR_EL1] = 0
            cpu.sysregs[SysReg.ESR_EL2] = 0
            cpu.waiting = false
            cpu.attention = false
            cpu.stopRequest = nil
            cpu.step()
            let esr = cpu.sysregs[SysReg.ESR_EL2] | cpu.sysregs[SysReg.ESR_EL1]
            if cpu.pc == pc &+ 4 && esr == 0 {
                retired += 1
            } else if esr != 0 {
                byClass[Int((esr >> 26) & 63)] += 1
            } else {
                retired += 1   // a branch (or an exception with ESR 0 would be EC UNKNOWN: counted there)
            }
            if cpu.x[Int(Reg.zr)] != 0 && failures.count < 10 {
                failures.append("the zero register holds 0x\(String(cpu.x[Int(Reg.zr)], radix: 16)) after word 0x\(String(w, radix: 16))")
                cpu.x[Int(Reg.zr)] = 0
            }
        }
        let seconds = timespec.now() - start
        var lines = ["fuzz: \(words) words, seed 0x\(String(seed, radix: 16)), from EL0 \(byEL[0]), EL1 \(byEL[1]), EL2 \(byEL[2]); "
                     + "\(retired) retired without an exception; \(String(format1: seconds)) s"]
        var classes: [String] = []
        for ec in 0..<64 where byClass[ec] > 0 {
            let name = ExceptionClass(rawValue: UInt8(ec))?.name ?? "EC 0x\(String(ec, radix: 16))"
            classes.append("\(name) \(byClass[ec])")
        }
        lines.append("fuzz: exceptions by class: " + (classes.isEmpty ? "none" : classes.joined(separator: ", ")))
        lines += failures.map { "fuzz: FAILED: \($0)" }
        return lines.joined(separator: "\n")
    }
}

extension FuzzRun {
    /// The AArch32 run: each word (or T32 halfword pair) from a random AArch32 state, in a random
    /// mode at EL0 or EL1 (or Hyp mode on the Cortex-A15), with the FP registers and FPEXC.EN
    /// random too. Every step must end architecturally: retired, or an exception taken to an
    /// AArch32 mode, to Hyp mode or to the AArch64 EL2.
    func runAArch32(words: Int, thumb: Bool) -> String {
        let codePage = Self.ramBase + 0x8_0000
        let modes: [AArch32Mode] = [.usr, .fiq, .irq, .svc, .abt, .und, .sys] + (cpu.aarch32Only ? [.hyp] : [])
        var retired = 0, toEL2 = 0, toAArch32Mode = 0
        var failures: [String] = []
        let start = timespec.now()
        for n in 0..<words {
            let pc = codePage + UInt64(n % 512) * 8
            let w = next()
            _ = bus.write(pc, size: 4, value: w & 0xFFFF_FFFF)
            _ = bus.write(pc + 4, size: 4, value: w >> 32)
            let mode = modes[Int(next() % UInt64(modes.count))]
            cpu.bootAArch32(entry: UInt32(truncatingIfNeeded: pc), mode: mode, thumb: thumb)
            for r in 0..<31 { cpu.x[r] = value() & 0xFFFF_FFFF }
            cpu.nzcv = UInt32(truncatingIfNeeded: next()) & 0xF000_0000
            for v in 0..<32 { cpu.setV(UInt8(v), low: next(), high: next()) }
            let f = next()
            cpu.sysregs[SysReg.CPACR_EL1] = f & 7 == 0 ? 0 : 0xF << 20
            cpu.sysregs[SysReg.FPEXC32_EL2] = f & 8 == 0 ? 1 << 30 : 0
            cpu.sysregs[SysReg.HCR_EL2] = f >> 8 & 3 == 0 ? (f >> 16) & (HCR.TSC | HCR_TID3 | HCR_TVM | HCR.TWI) : 0
            cpu.sysregs[SysReg.VBAR_EL1] = Self.ramBase
            cpu.sysregs[SysReg.VBAR_EL2] = Self.ramBase
            cpu.sysregs[SysReg.ESR_EL2] = 0
            cpu.waiting = false
            cpu.attention = false
            cpu.stopRequest = nil
            cpu.step()
            if !cpu.aarch32 || (cpu.mode32 == .hyp && mode != .hyp) {
                toEL2 += 1
                byClass[Int((cpu.sysregs[SysReg.ESR_EL2] >> 26) & 63)] += 1
            } else if cpu.mode32 != mode {
                toAArch32Mode += 1
            } else {
                retired += 1
            }
            if cpu.aarch32 && cpu.pc >> 32 != 0 && failures.count < 10 {
                failures.append("the PC is 0x\(String(cpu.pc, radix: 16)) in AArch32 after 0x\(String(w, radix: 16))")
            }
        }
        let seconds = timespec.now() - start
        var lines = ["fuzz: \(words) \(thumb ? "T32 halfword pairs" : "A32 words"), seed 0x\(String(seed, radix: 16)); "
                     + "\(retired) stayed in their mode, \(toAArch32Mode) changed mode (an exception or a mode change), "
                     + "\(toEL2) went to \(cpu.aarch32Only ? "Hyp mode" : "the AArch64 EL2"); \(String(format1: seconds)) s"]
        var classes: [String] = []
        for ec in 0..<64 where byClass[ec] > 0 {
            classes.append("\(ExceptionClass(rawValue: UInt8(ec))?.name ?? "EC 0x\(String(ec, radix: 16))") \(byClass[ec])")
        }
        lines.append("fuzz: exits to EL2 by class: " + (classes.isEmpty ? "none" : classes.joined(separator: ", ")))
        lines += failures.map { "fuzz: FAILED: \($0)" }
        return lines.joined(separator: "\n")
    }
}

// HCR_EL2 bits this file needs that ARMCore's HCR does not name.
private let HCR_RW: UInt64 = 1 << 31
private let HCR_TID3: UInt64 = 1 << 18
private let HCR_TVM: UInt64 = 1 << 26

extension timespec {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

extension String {
    init(format1 x: Double) {
        let tenths = Int((x * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
