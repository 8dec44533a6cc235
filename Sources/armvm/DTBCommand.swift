import ArgumentParser
import Board
#if canImport(Glibc)
import Glibc
#endif

struct DTB: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the device tree blob that `run` would give the guest (without image or initrd ranges).")

    @OptionGroup var machine: MachineFlags

    @Option(name: .shortAndLong, help: "Output file.")
    var output: String

    func run() throws {
        let blob = try MachineSetup.deviceTree(options: try machine.options())
        guard let f = fopen(output, "wb") else { throw HostInputError(message: "\(output): cannot open for writing") }
        defer { fclose(f) }
        guard fwrite(blob, 1, blob.count, f) == blob.count else {
            throw HostInputError(message: "\(output): write failed")
        }
    }
}
