// armvm's command line: parse, build a board, run, report. Nothing else lives here.
import ArgumentParser
import Board
#if canImport(Glibc)
import Glibc
#endif

/// Exit statuses armvm itself uses; a guest's own status passes through unchanged.
enum ExitStatus {
    static let badInput: Int32 = 2
    static let instructionLimit: Int32 = 3
    static let stuck: Int32 = 4
    static let idle: Int32 = 5
}

@main
struct ArmVM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "armvm",
        abstract: "An ARMv8-A virtualization emulator: boots device-tree-described guests at EL2 or EL1.",
        discussion: """
        Exit status: the guest's own (PSCI SYSTEM_OFF gives 0, semihosting SYS_EXIT its code); \
        2 for bad input; 3 when --max-instructions runs out; 4 when the guest is stuck \
        (e.g. its exception vector keeps faulting); 5 when every CPU waits for an interrupt \
        that nothing can raise.
        """,
        subcommands: [Run.self, DTB.self, Fuzz.self, Decode.self],
        defaultSubcommand: Run.self)

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as HostInputError {
            fail(e.message)
        } catch {
            // Help and --version exit 0 through the parser; any other parse error is one line, status 2.
            if exitCode(for: error) == .success { exit(withError: error) }
            fail(message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write("armvm: \(message)\n")
        Glibc.exit(ExitStatus.badInput)
    }
}

extension FileHandle {
    static let standardError = FileHandle(fd: 2)
}

/// Minimal stderr writer without Foundation.
struct FileHandle {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    func write(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = Glibc.write(fd, p.baseAddress, p.count) }
    }
}
