import ArgumentParser
import Board
#if canImport(Glibc)
import Glibc
#endif

struct DTB: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the device tree blob that `run` would give the guest.",
        discussion: """
        Takes every option of `run` that shapes the device tree. With IMAGE, the blob is exactly         the one `run` passes, /chosen initrd range and dom0less nodes included (their addresses         depend on where the image loads); without IMAGE, the board's tree with no loaded files.
        """)

    @OptionGroup var machine: MachineFlags
    @OptionGroup var boot: BootFlags

    @Option(name: .shortAndLong, help: "Output file.")
    var output: String

    @Argument(help: "The image `run` would boot (needed with --initrd, --guest, --module, --dtb or --load-address).")
    var image: String?

    func run() throws {
        let blob: [UInt8]
        if let image {
            // Nothing runs: the console is never written.
            blob = try boot.prepare(machine, image: image, console: Console(fd: 1)).dtb
        } else {
            guard boot.isEmpty else {
                throw HostInputError(message: "dtb: --initrd, --guest, --module, --dtb and --load-address need the IMAGE argument: where those files land depends on the image")
            }
            blob = try MachineSetup.deviceTree(options: try machine.options())
        }
        try writeOutput(blob, to: output)
    }
}

/// Writes an output file the user named, all of it or one error line: a full disk or a closed
/// pipe must not pass as success (a truncated DTB would boot nothing).
func writeOutput(_ bytes: [UInt8], to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw HostInputError(message: "\(path): cannot open for writing: \(String(cString: strerror(errno)))") }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n > 0 { done += n; continue }
        if n < 0 && errno == EINTR { continue }
        let why = n < 0 ? String(cString: strerror(errno)) : "nothing written"
        close(fd)
        throw HostInputError(message: "\(path): write failed after \(done) of \(bytes.count) bytes: \(why)")
    }
    guard close(fd) == 0 else { throw HostInputError(message: "\(path): write failed: \(String(cString: strerror(errno)))") }
}
