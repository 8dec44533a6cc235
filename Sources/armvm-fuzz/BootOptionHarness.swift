import Board

/// The values of `--guest IMAGE[,memory=SIZE][,cpus=N][,bootargs=...]` and
/// `--module IMAGE,kind=...[,bootargs=...]` (GuestImage.parse, BootModule.parse, and
/// MachineOptions.parseSize, which memory= and --memory share). The input is up to 8 lines, one
/// option value each, tried as both options. What parses is then prepared into a machine, as the
/// CLI would, with the image path swapped for a tiny file (the fuzzer must not pick host files
/// to read): the bootargs, memory and cpus the parsers accepted end up in the generated DTB.
enum BootOptionHarness {
    static let image: HostInput = { let f = HostInput("options-image"); f.set([0x00, 0x00, 0x00, 0x14]); return f }()
    static let console = Console(capture: true)
    static let maxLines = 8

    static func run(_ bytes: [UInt8]) {
        // Invalid UTF-8 becomes U+FFFD, as it does when Swift reads argv.
        let text = String(decoding: bytes, as: UTF8.self)
        var guests: [GuestImage] = []
        var modules: [BootModule] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(maxLines) {
            let spec = String(line)
            expectHostInputError("boot-options") { _ = try MachineOptions.parseSize(spec) }
            expectHostInputError("boot-options") {
                var g = try GuestImage.parse(spec)
                guard !g.path.isEmpty, !g.path.contains(","), g.memory >= 1 << 20, g.memory % 4096 == 0,
                      (1...8).contains(g.cpus) else {
                    finding("boot-options: --guest '\(spec)' accepted as \(g)")
                }
                g.path = image.path
                guests.append(g)
            }
            expectHostInputError("boot-options") {
                var m = try BootModule.parse(spec)
                guard !m.path.isEmpty, !m.path.contains(","), m.bootargs == nil || m.kind == .kernel else {
                    finding("boot-options: --module '\(spec)' accepted as \(m)")
                }
                m.path = image.path
                modules.append(m)
            }
        }
        guard !guests.isEmpty || !modules.isEmpty else { return }
        var options = smallMachine()
        options.bootargs = "dom0_mem=16M"
        options.guests = guests
        options.modules = modules
        expectHostInputError("boot-options") {
            let m = try MachineSetup.prepare(options: options, imagePath: image.path, dtbPath: nil, initrdPath: nil,
                                             loadAddress: options.board.layout.ramBase, console: console)
            checkPlaced(m, "boot-options")
            let fdt = FDT(m.dtb)
            for i in guests.indices where !fdt.exists("/chosen/domU\(i + 1)") {
                finding("boot-options: /chosen/domU\(i + 1) missing")
            }
        }
    }
}
