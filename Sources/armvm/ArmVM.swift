// armvm's command line: parse, build a board, run, report. Nothing else lives here.
import ArgumentParser
import Board
#if canImport(Glibc)
import Glibc
#endif

@main
struct ArmVM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "armvm",
        abstract: "An ARMv8-A virtualization emulator: boots device-tree-described guests at EL2 or EL1.",
        discussion: """
        Exit status: the guest's own code (PSCI SYSTEM_OFF gives 0, semihosting exit its code; \
        a code outside 1-255 is 255, never 0; with `run --exit-status distinct` the guest's \
        code c is 64+c); 2 for bad input; 3 when --max-instructions runs out; 4 when the guest \
        is stuck; 5 when every CPU waits for an interrupt that nothing can raise; 6 when the \
        guest asks for a reset; 7 when --timeout runs out; 125 for a host error; 130 and 143 when stopped by SIGINT and SIGTERM.
        """,
        version: armvmVersion,
        subcommands: [Run.self, DTB.self, TestCommand.self, Fuzz.self, Decode.self],
        defaultSubcommand: Run.self)

    static func main() {
        do {
            try checkSubcommand(Array(CommandLine.arguments.dropFirst()))
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

    /// `run` is the default subcommand, so `armvm frob` would try to boot a file named frob. A
    /// first word that is no subcommand, names no file and looks like a word (no path separator,
    /// no extension) is taken for a mistyped subcommand.
    static func checkSubcommand(_ args: [String]) throws {
        guard let first = args.first, !first.hasPrefix("-") else { return }
        let names = configuration.subcommands.map { $0._commandName }
        guard !names.contains(first), !first.contains("/"), !first.contains("."), access(first, F_OK) != 0 else { return }
        throw HostInputError(message: "unknown subcommand '\(first)' (choose \(names.joined(separator: ", "))), and no image file of that name")
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
