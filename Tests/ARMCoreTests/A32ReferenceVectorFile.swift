import Foundation

/// The AArch32 reference vectors (format version 3; made by scripts/refvectors/generate.py
/// --set a32|t32|vfp with Unicorn's ARM CPU as the reference; the format is in
/// scripts/refvectors/README.md): record kind 1 A32 (a32-integer.bin), 2 T32
/// (t32-integer.bin), 3 VFP in A32 or T32 state (a32-vfp.bin), 4 Advanced SIMD, as 3 (a32-neon.bin).
struct A32ReferenceVectorFile {
    static let formatVersion: UInt16 = 3
    enum Kind: UInt16 {
        case a32 = 1, t32 = 2, vfp = 3, neon = 4
        /// VFP and Advanced SIMD records carry the mode byte, FPSCR and the D registers.
        var hasFP: Bool { self == .vfp || self == .neon }
    }

    // Flags byte of a vector (bits 3..0: the final NZCV).
    static let flagPC: UInt8 = 0x10, flagPSR: UInt8 = 0x20, flagMemory: UInt8 = 0x40, flagD: UInt8 = 0x80
    // The PSR byte: bits 3..0 GE, then Q and T.
    static let psrQ: UInt8 = 0x10, psrT: UInt8 = 0x20
    // The VFP mode byte: bit 0 T32 state, bits 7:4 the D registers' profile.
    static let modeT32: UInt8 = 0x01

    struct Vector {
        var group: UInt8
        /// A32: the word. T32: a 16-bit instruction in bits 15:0, a 32-bit one as hw1 << 16 | hw2.
        var word: UInt32
        var seed: UInt64
        /// Runs in T32 state (every T32 vector; VFP vectors with the mode bit).
        var thumb: Bool
        /// VFP: the profile the D registers are derived with.
        var profile: UInt8
        /// Initial-state overrides applied after the seed's state: register id (0-14 R0-R14 of
        /// SVC mode, 15 PC) and value.
        var initial: [(reg: UInt8, value: UInt32)]
        /// Final R0-R14 that differ from the initial state.
        var registers: [(reg: UInt8, value: UInt32)]
        /// The final PC, or nil: the initial PC + the instruction's length.
        var pc: UInt32?
        /// NZCV in bits 31..28.
        var nzcv: UInt32
        /// The final GE | Q << 4 | T << 5, or nil: Q, GE and T unchanged.
        var psr: UInt8?
        /// Window bytes that differ after the step: offset in the window and value.
        var memory: [(offset: UInt16, value: UInt8)]
        /// VFP: the final FPSCR, and the D registers that differ.
        var fpscr: UInt32
        var dregs: [(reg: UInt8, value: UInt64)]

        /// The instruction's length in bytes.
        var length: UInt32 { thumb && word >> 16 == 0 ? 2 : 4 }
    }

    var kind: Kind
    var layout: ReferenceVectorFile.Layout
    var reference: String
    var cpuModel: String
    var generatorArguments: String
    var groupNames: [UInt8: String]
    var vectors: [Vector]

    @_optimize(speed)
    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        typealias FormatError = ReferenceVectorFile.FormatError
        var parsed: (Kind, ReferenceVectorFile.Layout, String, String, String, [UInt8: String], [Vector])?
        try bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) throws in
            var r = ByteReader(buf: buf)
            guard buf.count >= 8, Array(buf[0..<8]) == ReferenceVectorFile.magic else {
                throw FormatError(description: "\(url.path): not a reference-vector file")
            }
            r.pos = 8
            let version = try r.u16(), rawKind = try r.u16()
            guard version == Self.formatVersion, let kind = Kind(rawValue: rawKind) else {
                throw FormatError(description: "\(url.path): format version \(version), record kind \(rawKind); this reader "
                                  + "knows version \(Self.formatVersion) with A32, T32, VFP or Advanced SIMD records (kinds 1-4)")
            }
            let count = try r.u32()
            let layout = ReferenceVectorFile.Layout(ramBase: try r.u64(), ramSize: try r.u64(),
                                                    windowBase: try r.u64(), windowSize: try r.u64())
            let reference = try r.string(), cpuModel = try r.string(), arguments = try r.string()
            var names: [UInt8: String] = [:]
            for _ in 0..<(try r.u8()) {
                let id = try r.u8()
                names[id] = try r.string()
            }
            var vectors: [Vector] = []
            vectors.reserveCapacity(Int(count))
            for _ in 0..<count {
                let group = try r.u8(), word = try r.u32(), seed = try r.u64()
                let mode: UInt8 = kind.hasFP ? try r.u8() : 0
                var initial: [(reg: UInt8, value: UInt32)] = []
                for _ in 0..<(try r.u8()) { initial.append((try r.u8(), try r.u32())) }
                var registers: [(reg: UInt8, value: UInt32)] = []
                for _ in 0..<(try r.u8()) { registers.append((try r.u8(), try r.u32())) }
                let flags = try r.u8()
                let pc: UInt32? = flags & Self.flagPC != 0 ? try r.u32() : nil
                let psr: UInt8? = flags & Self.flagPSR != 0 ? try r.u8() : nil
                var memory: [(offset: UInt16, value: UInt8)] = []
                if flags & Self.flagMemory != 0 {
                    for _ in 0..<(try r.u8()) {
                        let offset = try r.u16(), length = try r.u8()
                        for k in 0..<UInt16(length) { memory.append((offset &+ k, try r.u8())) }
                    }
                }
                var fpscr: UInt32 = 0
                var dregs: [(reg: UInt8, value: UInt64)] = []
                if kind.hasFP {
                    fpscr = try r.u32()
                    if flags & Self.flagD != 0 {
                        for _ in 0..<(try r.u8()) { dregs.append((try r.u8(), try r.u64())) }
                    }
                }
                vectors.append(Vector(group: group, word: word, seed: seed,
                                      thumb: kind == .t32 || mode & Self.modeT32 != 0, profile: mode >> 4,
                                      initial: initial, registers: registers, pc: pc, nzcv: UInt32(flags & 0xF) << 28,
                                      psr: psr, memory: memory, fpscr: fpscr, dregs: dregs))
            }
            guard r.pos == buf.count else {
                throw FormatError(description: "\(url.path): \(buf.count - r.pos) trailing bytes")
            }
            parsed = (kind, layout, reference, cpuModel, arguments, names, vectors)
        }
        guard let p = parsed else { throw ReferenceVectorFile.FormatError(description: "\(url.path): unreadable") }
        (kind, layout, reference, cpuModel, generatorArguments, groupNames, vectors) = p
    }
}

/// The initial state of an A32, T32 or VFP vector derived from its seed: the same computation as
/// refstate32.State32 in scripts/refvectors/refstate32.py, value for value.
struct A32ReferenceInitialState {
    static let special: [UInt32] = [
        0x0000_0000, 0x0000_0001, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFE, 0x0000_FFFF,
        0x0000_7FFF, 0x0000_8000, 0xFFFF_8000, 0x0001_0000, 0x0000_001F, 0x0000_0020, 0x0000_003F, 0x0000_00FF,
    ]
    static let byteEdges: [UInt32] = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF]
    static let halfEdges: [UInt32] = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF]

    /// R0..R14 (SVC mode's R13 and R14).
    var r: [UInt32]
    var nzcv: UInt32
    var q: Bool
    var ge: UInt8
    var pc: UInt32
    /// VFP vectors: D0-D31 and FPSCR (zero otherwise).
    var d: [UInt64] = []
    var fpscr: UInt32 = 0

    /// Derive the registers, and write the window's 4 KiB through `window` (which may be RAM);
    /// with `fp`, the FP state that follows the window, with the vector's `profile`.
    @_optimize(speed)
    init(seed: UInt64, layout: ReferenceVectorFile.Layout, window: UnsafeMutableRawPointer, fp: Bool = false,
         profile: UInt8 = 0) {
        var rng = SplitMix64(seed: seed)
        r = []
        r.reserveCapacity(15)
        for _ in 0..<15 { r.append(Self.value(&rng, layout)) }
        let p = rng.next()
        nzcv = UInt32(truncatingIfNeeded: p >> 60) << 28
        q = (p >> 59) & 1 != 0
        ge = UInt8(truncatingIfNeeded: (p >> 55) & 0xF)
        let codeWords = (layout.ramSize - layout.windowSize) / 4
        let windowFirstWord = (layout.windowBase - layout.ramBase) / 4
        var w = rng.next() % codeWords
        if w >= windowFirstWord { w += layout.windowSize / 4 }
        pc = UInt32(truncatingIfNeeded: layout.ramBase + 4 * w)
        for k in 0..<Int(layout.windowSize / 8) {
            window.storeBytes(of: rng.next().littleEndian, toByteOffset: 8 * k, as: UInt64.self)
        }
        guard fp else { return }
        d.reserveCapacity(32)
        for _ in 0..<16 {
            let (low, high) = ReferenceInitialState.vregValue(&rng, profile)
            d.append(low)
            d.append(high)
        }
        let c = rng.next(), s = rng.next(), n = rng.next()
        let control = c & 1 != 0 ? 0 : ((c >> 1) & 0x1F) << 22
        let status = s & 3 != 0 ? 0 : (s >> 2) & ReferenceInitialState.fpsrMask
        fpscr = UInt32(truncatingIfNeeded: control | status) | UInt32(truncatingIfNeeded: n >> 60) << 28
    }

    /// refstate32.value32, whose docstring lists the cases.
    @_optimize(speed)
    static func value(_ rng: inout SplitMix64, _ layout: ReferenceVectorFile.Layout) -> UInt32 {
        let sel = rng.next() & 15
        let v = rng.next()
        switch sel {
        case 0..<6: return UInt32(truncatingIfNeeded: v)
        case 6..<8: return UInt32(bitPattern: Int32(v % 129) - 64)
        case 8..<10: return special[Int(v % 16)]
        case 10: return 1 << UInt32(v % 32)
        case 11: return ((1 << UInt32(v % 32)) &- 1) ^ (v & 32 != 0 ? ~0 : 0)
        case 12:
            var out: UInt32 = 0
            for k in 0..<4 {
                let e = Int((v >> UInt64(3 * k)) & 7)
                let lane = e < 7 ? byteEdges[e] : UInt32(truncatingIfNeeded: (v >> UInt64(32 + 8 * k)) & 0xFF)
                out |= lane << UInt32(8 * k)
            }
            return out
        case 13:
            var out: UInt32 = 0
            for k in 0..<2 {
                let e = Int((v >> UInt64(3 * k)) & 7)
                let lane = e < 7 ? halfEdges[e] : UInt32(truncatingIfNeeded: (v >> UInt64(32 + 16 * k)) & 0xFFFF)
                out |= lane << UInt32(16 * k)
            }
            return out
        case 14: return UInt32(truncatingIfNeeded: (v >> 8) & (v & 1 != 0 ? 0xFF : 0xFFFF))
        default: return UInt32(truncatingIfNeeded: layout.windowBase + v % layout.windowSize)
        }
    }
}
