import Board

/// What gdb sends, as a byte stream: GDBFramer cuts it into packets (checksums, the size cap,
/// acks, Ctrl-C) and GDBStub answers each one against a live machine, as `--gdb` does but
/// without a socket. The oracle is the absence of a crash or trap: every field of every packet
/// is gdb's to choose. A continue or step runs the guest (a spin loop) for a few instructions.
enum GDBPacketHarness {
    static let machine: Machine = {
        let input = HostInput("gdb-image")
        input.set([0x00, 0x00, 0x00, 0x14])   // b . (A64), loaded raw at the start of RAM
        var o = smallMachine()
        o.startEL = 1
        do {
            let prepared = try MachineSetup.prepare(options: o, imagePath: input.path, dtbPath: nil, initrdPath: nil,
                                                    loadAddress: BoardLayout.virt.ramBase, console: Console(capture: true))
            return Machine(prepared: prepared)
        } catch {
            fatalError("armvm-fuzz: cannot build the gdb harness's machine: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) {
        var framer = GDBFramer()
        let stub = GDBStub(machine: machine)
        for event in framer.feed(bytes) {
            guard case .packet(let p) = event else { continue }
            switch stub.respond(to: p) {
            case .resume(let step):
                _ = stub.resume(step: step, maxInstructions: machine.instructionsRetired &+ 64)
            case .reply, .detach, .kill:
                break
            }
        }
    }
}
