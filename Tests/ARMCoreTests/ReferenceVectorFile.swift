import Foundation

/// The reference vectors of Tests/ARMCoreTests/Vectors/ (made by scripts/refvectors/generate.py
/// with Unicorn as the reference; the format is in scripts/refvectors/README.md).
struct ReferenceVectorFile {
    static let magic: [UInt8] = Array("A64RVEC\0".utf8)
    static let formatVersion: UInt16 = 1

    struct Layout: Equatable {
        var ramBase: UInt64, ramSize: UInt64, windowBase: UInt64, windowSize: UInt64
    }

    struct Vector {
        var group: UInt8
        var word: UInt32
        var seed: UInt64
        /// Initial-state overrides applied after the seed's state: register id (0-30 X, 31 SP,
        /// 32 PC) and value.
        var initial: [(reg: UInt8, value: UInt64)]
        /// Final registers that differ from the initial state (0-30 X, 31 SP).
        var registers: [(reg: UInt8, value: UInt64)]
        var pc: UInt64
        /// NZCV in bits 31..28.
        var nzcv: UInt32
        /// Window bytes that differ after the step: offset in the window and value.
        var memory: [(offset: UInt16, value: UInt8)]
    }

    var layout: Layout
    var reference: String
    var cpuModel: String
    var generatorArguments: String
    var groupNames: [UInt8: String]
    var vectors: [Vector]

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        var r = ByteReader(bytes: [UInt8](data))
        guard r.bytes.count >= 8, Array(r.bytes[0..<8]) == Self.magic else {
            throw FormatError(description: "\(url.path): not a reference-vector file")
        }
        r.pos = 8
        let version: UInt16 = try r.int()
        guard version == Self.formatVersion else {
            throw FormatError(description: "\(url.path): format version \(version), this reader knows \(Self.formatVersion)")
        }
        let _: UInt16 = try r.int()
        let count: UInt32 = try r.int()
        layout = Layout(ramBase: try r.int(), ramSize: try r.int(), windowBase: try r.int(), windowSize: try r.int())
        reference = try r.string()
        cpuModel = try r.string()
        generatorArguments = try r.string()
        groupNames = [:]
        let groups: UInt8 = try r.int()
        for _ in 0..<groups {
            let id: UInt8 = try r.int()
            groupNames[id] = try r.string()
        }
        vectors = []
        vectors.reserveCapacity(Int(count))
        for _ in 0..<count {
            let group: UInt8 = try r.int(), word: UInt32 = try r.int(), seed: UInt64 = try r.int()
            var initial: [(reg: UInt8, value: UInt64)] = []
            for _ in 0..<(try r.int() as UInt8) { initial.append((try r.int(), try r.int())) }
            var registers: [(reg: UInt8, value: UInt64)] = []
            for _ in 0..<(try r.int() as UInt8) { registers.append((try r.int(), try r.int())) }
            let pc: UInt64 = try r.int()
            let flags: UInt8 = try r.int()
            var memory: [(offset: UInt16, value: UInt8)] = []
            for _ in 0..<(try r.int() as UInt16) { memory.append((try r.int(), try r.int())) }
            vectors.append(Vector(group: group, word: word, seed: seed, initial: initial, registers: registers,
                                  pc: pc, nzcv: UInt32(flags) << 28, memory: memory))
        }
        guard r.pos == r.bytes.count else {
            throw FormatError(description: "\(url.path): \(r.bytes.count - r.pos) trailing bytes")
        }
    }
}

/// Little-endian reads from a byte array.
private struct ByteReader {
    let bytes: [UInt8]
    var pos = 0

    mutating func int<T: FixedWidthInteger>() throws -> T {
        let n = MemoryLayout<T>.size
        guard pos + n <= bytes.count else { throw ReferenceVectorFile.FormatError(description: "truncated file") }
        var v: T = 0
        for k in 0..<n { v |= T(bytes[pos + k]) << (8 * k) }
        pos += n
        return v
    }

    mutating func string() throws -> String {
        let n = Int(try int() as UInt8)
        guard pos + n <= bytes.count else { throw ReferenceVectorFile.FormatError(description: "truncated file") }
        defer { pos += n }
        return String(decoding: bytes[pos..<pos + n], as: UTF8.self)
    }
}

/// splitmix64, as scripts/refvectors/refstate.py has it; also the seeded generator of the
/// randomized tests, so that they are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The initial state of a vector derived from its seed: the same computation as
/// refstate.State in scripts/refvectors/refstate.py, value for value.
struct ReferenceInitialState {
    static let specialValues: [UInt64] = [
        0x0000_0000_0000_0000, 0x0000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0000, 0x0000_0000_FFFF_FFFF, 0x0000_0000_7FFF_FFFF, 0x0000_0000_8000_0000,
        0xFFFF_FFFF_8000_0000, 0x0000_0001_0000_0000, 0xFFFF_FFFF_FFFF_FFFE, 0x0000_0000_0000_003F,
        0x0000_0000_0000_0040, 0x0000_0000_0000_001F, 0x0000_0000_0000_0020, 0x8000_0000_0000_0001,
    ]

    /// X0..X30 then SP (id 31).
    var regs: [UInt64]
    var nzcv: UInt32
    var pc: UInt64

    /// Derive the registers, and write the window's 4 KiB through `window` (which may be RAM).
    init(seed: UInt64, layout: ReferenceVectorFile.Layout, window: UnsafeMutableRawPointer) {
        var rng = SplitMix64(seed: seed)
        regs = []
        regs.reserveCapacity(32)
        for _ in 0..<32 { regs.append(Self.value(&rng, layout)) }
        nzcv = UInt32(truncatingIfNeeded: rng.next() >> 60) << 28
        let codeWords = (layout.ramSize - layout.windowSize) / 4
        let windowFirstWord = (layout.windowBase - layout.ramBase) / 4
        var w = rng.next() % codeWords
        if w >= windowFirstWord { w += layout.windowSize / 4 }
        pc = layout.ramBase + 4 * w
        for k in 0..<Int(layout.windowSize / 8) {
            window.storeBytes(of: rng.next().littleEndian, toByteOffset: 8 * k, as: UInt64.self)
        }
    }

    static func value(_ rng: inout SplitMix64, _ layout: ReferenceVectorFile.Layout) -> UInt64 {
        let sel = rng.next() & 15
        let v = rng.next()
        switch sel {
        case 0..<8: return v
        case 8..<10: return UInt64(bitPattern: Int64(v % 129) - 64)
        case 10..<12: return specialValues[Int(v % UInt64(specialValues.count))]
        case 12: return v & 0xFFFF_FFFF
        case 13: return 1 << (v % 64)
        case 14: return ((1 << (v % 64)) &- 1) ^ (v & 64 != 0 ? ~0 : 0)
        default: return layout.windowBase + v % layout.windowSize
        }
    }
}
