import ArgumentParser
import Board

/// Board options shared by `run` and `dtb`.
struct MachineFlags: ParsableArguments {
    @Option(help: "Board to emulate: arndale (Exynos 5250 map) or virt (QEMU virt map).")
    var board: String = "arndale"

    @Option(help: ArgumentHelp("CPU model: \(CPUModel.allCases.map(\.rawValue).joined(separator: ", ")).",
                               discussion: CPUModel.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var cpu: String = CPUModel.cortexA57.rawValue

    @Option(parsing: .unconditional, help: "Guest RAM size, e.g. 512M, 1G, 64MiB. Host pages are committed only when touched.")
    var memory: String = "512M"

    @Option(parsing: .unconditional, help: "Exception level the boot CPU starts at: 2 (PSCI through SMC) or 1 (no EL2; PSCI through HVC).")
    var el: Int = 2

    @Option(help: "Console UART model at the console address: pl011 or exynos (arndale only).")
    var uart: String = "pl011"

    @Option(help: "Kernel command line, written to /chosen/bootargs.")
    var append: String = ""

    @Option(parsing: .unconditional, help: "Number of CPUs, 1 to 8. CPU 0 boots; PSCI CPU_ON starts the others.")
    var smp: Int = 1

    @Option(parsing: .unconditional, help: "Interrupt controller: 2 (GIC-400, both boards) or 3 (GICv3 with the ICC/ICH system registers, virt only).")
    var gic: Int = 2

    func options() throws -> MachineOptions {
        var o = MachineOptions()
        guard let b = BoardKind(rawValue: board) else {
            throw HostInputError(message: "unknown board '\(board)' (choose \(BoardKind.allCases.map(\.rawValue).joined(separator: " or ")))")
        }
        o.board = b
        guard let model = CPUModel(rawValue: cpu) else {
            throw HostInputError(message: "unknown CPU model '\(cpu)' (choose \(CPUModel.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: ", ")))")
        }
        o.cpuModel = model
        do {
            o.memorySize = try MachineOptions.parseSize(memory)
        } catch let e as HostInputError {
            throw HostInputError(message: "--memory: \(e.message)")
        }
        guard el == 1 || el == 2 else { throw HostInputError(message: "--el must be 1 or 2, not \(el)") }
        o.startEL = UInt8(el)
        guard let u = UARTModel(rawValue: uart) else {
            throw HostInputError(message: "unknown UART model '\(uart)' (choose pl011 or exynos)")
        }
        if u == .exynos && b != .arndale { throw HostInputError(message: "--uart exynos exists only on --board arndale") }
        o.uart = u
        o.bootargs = append
        guard (1...8).contains(smp) else { throw HostInputError(message: "--smp must be 1 to 8, not \(smp)") }
        o.cpuCount = smp
        guard gic == 2 || gic == 3 else { throw HostInputError(message: "--gic must be 2 or 3, not \(gic)") }
        if gic == 3 && b.layout.gicv3 == nil {
            throw HostInputError(message: "--gic 3 exists only on --board virt (the Arndale's Exynos 5250 has a GIC-400)")
        }
        o.gicVersion = gic
        return o
    }
}

/// Parses counts as a user writes them: 1000000, 1_000_000, 0xF4240, 1e6 or 1M (K, M, G, T are
/// powers of 1000 here: a count of instructions, not of bytes).
func parseCount(_ s: String, flag: String) throws -> UInt64 {
    let bad = HostInputError(message: "malformed \(flag) '\(s)' (a count such as 1000000, 1_000_000, 1e6 or 1M)")
    let t = String(s.filter { $0 != "_" })
    guard !t.isEmpty, !s.hasPrefix("_"), !s.hasSuffix("_") else { throw bad }
    if let v = try? parseAddress(t, flag: flag) { return v }
    let suffixes: [Character: Int] = ["K": 3, "M": 6, "G": 9, "T": 12, "k": 3]
    var mantissa = Substring(t), exponent = 0
    if let last = t.last, let e = suffixes[last] {
        mantissa = t.dropLast(); exponent = e
    } else if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        guard let x = Int(t[t.index(after: e)...]), (0...19).contains(x) else { throw bad }
        mantissa = t[..<e]; exponent = x
    }
    guard let m = UInt64(mantissa) else { throw bad }
    var v = m
    for _ in 0..<exponent {
        let (p, overflow) = v.multipliedReportingOverflow(by: 10)
        guard !overflow else { throw HostInputError(message: "\(flag) '\(s)' is too large") }
        v = p
    }
    return v
}

/// Parses numbers written in decimal or 0x-hexadecimal.
func parseAddress(_ s: String, flag: String) throws -> UInt64 {
    let v = s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    guard let v else { throw HostInputError(message: "malformed \(flag) '\(s)'") }
    return v
}
