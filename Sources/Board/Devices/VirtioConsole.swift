/// virtio-console (Virtual I/O Device spec v1.2, 5.3) with one port and no features: queue 0
/// receives, queue 1 transmits. Output goes to the console stream (stdout) as the UART's does.
/// Input: it is a `SerialReceiver`, so with `--virtio-console` `ConsoleInput` feeds armvm's
/// stdin to it by the same rule as to a UART (one character per 100 µs of guest time, while the
/// driver has a receive buffer posted), each character in a buffer of its own.
final class VirtioConsole: VirtioBackend, SerialReceiver {
    static let receiveQueue = 0, transmitQueue = 1

    let console: Console
    /// Set by MachineSetup once the transport exists (the transport owns the backend).
    weak var transport: VirtioMMIO?

    init(console: Console) { self.console = console }

    var deviceID: UInt32 { 3 }
    var queueCount: Int { 2 }
    var features: UInt64 { 0 }
    /// struct virtio_console_config (5.3.4): cols, rows, max_nr_ports, emerg_write; only read
    /// with features armvm does not offer, given for completeness (80x25, 1 port).
    var config: [UInt8] { [80, 0, 25, 0, 1, 0, 0, 0, 0, 0, 0, 0] }

    func reset() {}

    func notified(queue: Int, transport: VirtioMMIO) throws(VirtioError) {
        // Receive buffers wait for input (`receive`); only the transmit queue has work now.
        guard queue == Self.transmitQueue else { return }
        while let chain = try transport.pop(queue: queue) {
            for b in chain.readable {
                let p = try transport.memory.pointer(b.address, UInt64(b.length))
                console.write(UnsafeRawBufferPointer(start: p, count: Int(b.length)))
            }
            try transport.push(queue: queue, chain, written: 0)
        }
    }

    // SerialReceiver: the port wants input once the driver is up and has posted a buffer.
    var receiverEnabled: Bool { transport?.isLive == true && transport?.queues[Self.receiveQueue].ready == true }
    var canReceive: Bool {
        guard let t = transport, receiverEnabled else { return false }
        return t.queues[Self.receiveQueue].hasAvailable(t.memory)
    }
    var awaitsTimeout: Bool { false }
    func receiveIdle() {}

    func receive(_ byte: UInt8) {
        guard let t = transport, receiverEnabled else { return }
        let before = t.queues[Self.receiveQueue].usedIndex
        do {
            guard let chain = try t.pop(queue: Self.receiveQueue) else { return }
            var written: UInt32 = 0
            if let b = chain.writable.first(where: { $0.length > 0 }) {
                try t.memory.store(b.address, size: 1, UInt64(byte))
                written = 1
            }
            try t.push(queue: Self.receiveQueue, chain, written: written)
            try t.signalUsed(queue: Self.receiveQueue, since: before)
        } catch {
            t.needsReset()
        }
    }
}
