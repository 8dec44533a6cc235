/// virtio-rng (5.4): fills every device-writable buffer with bytes from a seeded generator,
/// so a guest's entropy, and hence its behaviour, is the same on every run (`--rng-seed`).
final class VirtioRNG: VirtioBackend {
    /// SplitMix64 (Steele, Lea and Flood, 2014): small, fast, and enough for a guest's entropy pool.
    private var state: UInt64
    private let seed: UInt64

    init(seed: UInt64) { self.seed = seed; self.state = seed }

    var deviceID: UInt32 { 4 }
    var queueCount: Int { 1 }
    var features: UInt64 { 0 }
    var config: [UInt8] { [] }
    /// The sequence goes on across a driver reset: only a new machine starts it again.
    func reset() {}

    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func notified(queue: Int, transport: VirtioMMIO) throws(VirtioError) {
        while let chain = try transport.pop(queue: queue) {
            var written: UInt32 = 0
            for b in chain.writable {
                let p = try transport.memory.pointer(b.address, UInt64(b.length))
                var i = 0
                while i < Int(b.length) {
                    var word = next().littleEndian
                    let n = min(8, Int(b.length) - i)
                    withUnsafeBytes(of: &word) { (p + i).copyMemory(from: $0.baseAddress!, byteCount: n) }
                    i += n
                }
                transport.memory.wrote(b.address, UInt64(b.length))
                written += b.length
            }
            try transport.push(queue: queue, chain, written: written)
        }
    }
}
