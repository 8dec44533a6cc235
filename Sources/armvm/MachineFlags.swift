import ArgumentParser
import Board
import TestManifest

/// Board options shared by `run` and `dtb`; with `BootFlags`, everything that shapes the DTB.
struct MachineFlags: ParsableArguments {
    @Option(help: "Board to emulate: arndale (Exynos 5250 map) or virt (QEMU virt map).")
    var board: String = "arndale"

    @Option(help: ArgumentHelp("CPU model: \(CPUModel.allCases.map(\.rawValue).joined(separator: ", ")) (default: cortex-a15 for a 32-bit image, else cortex-a57).",
                               discussion: CPUModel.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var cpu: String?

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

    @Option(help: ArgumentHelp("A virtio-blk disk backed by an image file, repeatable (vda, vdb, ...): FILE[,readonly][,snapshot].",
                               discussion: "Writes go to the file and a guest flush is an fsync; readonly refuses writes; snapshot keeps them in memory and leaves the file untouched."))
    var drive: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("NUMA layout, repeatable, as QEMU's -numa: node,mem=SIZE,cpus=A[-B] (nodes numbered in order, RAM split in that order) or dist,src=A,dst=B,val=N."))
    var numa: [String] = []

    @Flag(help: "Add a virtio-console port (Linux's hvc0); armvm's stdin feeds it instead of the UART.")
    var virtioConsole = false

    @Flag(help: "Interpret every instruction: translate no A64 code to host code. Results, instruction counts and traces are the same either way; this is the reference the translator is tested against.")
    var interpreter = false

    @Flag(help: "Add a virtio-rng device, whose bytes come from a seeded generator (see --rng-seed).")
    var virtioRng = false

    @Option(parsing: .unconditional, help: "Seed of the virtio-rng generator (decimal or 0x...); implies --virtio-rng. The same seed gives the same bytes.")
    var rngSeed: String?

    func options() throws -> MachineOptions {
        var o = MachineOptions()
        guard let b = BoardKind(rawValue: board) else {
            throw HostInputError(message: "unknown board '\(board)' (choose \(BoardKind.allCases.map(\.rawValue).joined(separator: " or ")))")
        }
        o.board = b
        if let cpu {
            guard let model = CPUModel(rawValue: cpu) else {
                throw HostInputError(message: "unknown CPU model '\(cpu)' (choose \(CPUModel.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: ", ")))")
            }
            o.cpuModel = model
        }
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
        o.drives = try drive.map(DiskImage.Spec.parse)
        if !numa.isEmpty {
            var topology = NUMATopology()
            for spec in numa { try topology.add(spec) }
            o.numa = topology
        }
        o.virtioConsole = virtioConsole
        o.virtioRNG = virtioRng || rngSeed != nil
        o.interpreter = interpreter
        if let rngSeed { o.rngSeed = try parseAddress(rngSeed, flag: "--rng-seed") }
        return o
    }
}

/// Parses counts as a user writes them: 1000000, 1_000_000, 0xF4240, 1e6 or 1M (the manifest
/// reader's parser, so that a manifest and the command line agree).
func parseCount(_ s: String, flag: String) throws -> UInt64 {
    switch parseInstructionCount(s) {
    case .success(let v): return v
    case .failure(let e): throw HostInputError(message: "\(flag): \(e.message)")
    }
}

/// Parses numbers written in decimal or 0x-hexadecimal.
func parseAddress(_ s: String, flag: String) throws -> UInt64 {
    let v = s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    guard let v else { throw HostInputError(message: "malformed \(flag) '\(s)'") }
    return v
}

/// What `run` loads beside its image, shared with `dtb` so that it writes the very DTB `run`
/// passes: the /chosen initrd range and dom0less nodes depend on where these files land.
struct BootFlags: ParsableArguments {
    @Option(help: "Use this device tree blob instead of the generated one.")
    var dtb: String?

    @Option(help: "Initial ramdisk to load; its range goes to /chosen.")
    var initrd: String?

    @Option(help: ArgumentHelp(
        "A guest for a dom0less hypervisor (Xen, Guests/minihyp), repeatable: IMAGE[,memory=SIZE][,cpus=N][,bootargs=...].",
        discussion: "The image is loaded into RAM and described as /chosen/domUn (Xen's booting.txt); memory defaults to 64M, cpus to 1; bootargs= takes the rest of the value."))
    var guest: [String] = []

    @Option(help: "A dom0 boot module for Xen, repeatable: IMAGE,kind=kernel|ramdisk[,bootargs=...]. With --guest or --module, --append becomes /chosen/xen,xen-bootargs.")
    var module: [String] = []

    @Option(parsing: .unconditional, help: "Physical address at which to load a raw binary (decimal or 0x...).")
    var loadAddress: String?

    var isEmpty: Bool { dtb == nil && initrd == nil && guest.isEmpty && module.isEmpty && loadAddress == nil }

    /// Builds the machine `run` would run, loaded and with its DTB in RAM.
    func prepare(_ machine: MachineFlags, image: String, console: Console) throws -> PreparedMachine {
        var options = try machine.options()
        options.guests = try guest.map(GuestImage.parse)
        options.modules = try module.map(BootModule.parse)
        let load = try loadAddress.map { try parseAddress($0, flag: "--load-address") }
        return try MachineSetup.prepare(options: options, imagePath: image, dtbPath: dtb,
                                        initrdPath: initrd, loadAddress: load, console: console)
    }
}
