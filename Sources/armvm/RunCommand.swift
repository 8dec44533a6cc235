import ArgumentParser
import Board
#if canImport(Glibc)
import Glibc
#endif

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot an image: an AArch64 ELF, a Linux arm64 Image, or a raw binary with --load-address.")

    @OptionGroup var machine: MachineFlags

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

    @Option(parsing: .unconditional, help: "Stop after this many instructions (exit status 3).")
    var maxInstructions: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "How the guest's own exit code becomes armvm's status: plain or distinct.",
        discussion: "plain (the default): the guest's code as it is, any code outside 1-255 as 255. distinct: the guest's code c in 1-59 as 64+c, any other nonzero code as 64, so that statuses 64-123 always come from the guest and armvm's own (2-6, 125, 130, 143) never do."))
    var exitStatus: String = "plain"

    @Flag(help: "Print the instruction count, host time and MIPS to stderr when the guest stops.")
    var stats = false

    @Option(help: "Trace to stderr: 'exceptions' prints every exception taken and every ERET; 'mmu' every table walk that faults, with the descriptors it read. Repeatable.")
    var trace: [String] = []

    @Option(help: "Wait for gdb on 127.0.0.1:PORT before the first instruction (gdb-multiarch: target remote :PORT).")
    var gdb: UInt16?

    @Argument(help: "The image to boot.")
    var image: String

    func run() throws {
        guard let statusMode = ExitStatusMode(rawValue: exitStatus) else {
            throw HostInputError(message: "unknown --exit-status '\(exitStatus)' (choose plain or distinct)")
        }
        let maxInstructions = try self.maxInstructions.map { try parseCount($0, flag: "--max-instructions") }
        var options = try machine.options()
        options.guests = try guest.map(GuestImage.parse)
        options.modules = try module.map(BootModule.parse)
        let load = try loadAddress.map { try parseAddress($0, flag: "--load-address") }
        let console = Console(fd: 1)
        let prepared = try MachineSetup.prepare(options: options, imagePath: image, dtbPath: dtb,
                                                initrdPath: initrd, loadAddress: load, console: console)
        let m = Machine(prepared: prepared)
        HostSignals.install()
        try Traces.attach(trace, to: m) { FileHandle.standardError.write($0 + "\n") }
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
        if stats {
            let secs = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
            let n = m.instructionsRetired
            let mips = secs > 0 ? Double(n) / secs / 1e6 : 0
            FileHandle.standardError.write("armvm: \(n) instructions in \(formatted(secs)) s (\(formatted(mips)) MIPS)\n")
        }
        let status: Int32
        switch result {
        case .guestExit(let code):
            let (s, note) = ExitStatus.forGuest(code: code, mode: statusMode)
            if let note { FileHandle.standardError.write("armvm: \(note)\n") }
            status = s
        case .reset:
            FileHandle.standardError.write("armvm: the guest requested a system reset; stopping\n")
            status = ExitStatus.reset
        case .instructionLimit(let n):
            FileHandle.standardError.write("armvm: stopped after --max-instructions \(n)\n")
            status = ExitStatus.instructionLimit
        case .stuck(let why):
            FileHandle.standardError.write("armvm: guest stuck: \(why)\n")
            status = ExitStatus.stuck
        case .idle:
            FileHandle.standardError.write("armvm: every CPU waits for an interrupt and none can arrive; stopping\n")
            status = ExitStatus.idle
        case .hostSignal(let sig):
            FileHandle.standardError.write("armvm: stopped by \(HostSignals.name(sig)) after \(m.instructionsRetired) instructions\n")
            status = HostSignals.exitStatus(sig)
        case .debugStop:
            status = ExitStatus.success   // not reached: the gdb server resumes or ends the run
        }
        if let err = console.writeError {
            FileHandle.standardError.write("armvm: the guest's console output was lost: writing stdout failed: \(String(cString: strerror(err)))\n")
            Glibc.exit(status == ExitStatus.success ? ExitStatus.hostError : status)
        }
        Glibc.exit(status)
    }

    private func formatted(_ v: Double) -> String {
        let scaled = (v * 1000).rounded() / 1000
        return String(scaled)
    }
}
