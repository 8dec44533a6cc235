import Foundation

/// The reference vectors of Tests/ARMCoreTests/Vectors/ (made by scripts/refvectors/generate.py
/// with Unicorn as the reference; the format is in scripts/refvectors/README.md), A64 and
/// AArch32 alike: one header, then records whose layout the header's version and record kind
/// give. Format version 2 holds A64 records (kind 0); version 3 AArch32 records: kind 1 A32
/// (a32-integer.bin), 2 T32 (t32-integer.bin), 3 VFP in A32 or T32 state (a32-vfp.bin), 4
/// Advanced SIMD, as 3 (a32-neon.bin), 5 A32 or T32 integer (a32-crc.bin).
struct ReferenceVectorFile {
    static let magic: [UInt8] = Array("A64RVEC\0".utf8)

    enum Kind: UInt16 {
        case a64 = 0, a32 = 1, t32 = 2, vfp = 3, neon = 4, a32t32 = 5

        /// The format version that holds this kind of record.
        var formatVersion: UInt16 { self == .a64 ? 2 : 3 }
        var isAArch32: Bool { self != .a64 }
        /// VFP and Advanced SIMD records carry FPSCR and the D registers.
        var hasFP: Bool { self == .vfp || self == .neon }
        /// AArch32 records with the mode byte (bit 0 T32 state, bits 7:4 the D registers' profile).
        var hasMode: Bool { hasFP || self == .a32t32 }
    }

    // Flags byte of a vector (bits 3..0: the final NZCV). 0x20 is FPSR in A64 records and the PSR
    // byte in AArch32 ones; 0x80 the V registers, or the D registers.
    static let flagPC: UInt8 = 0x10, flagFPSR: UInt8 = 0x20, flagMemory: UInt8 = 0x40, flagV: UInt8 = 0x80
    static let flagPSR = flagFPSR, flagD = flagV
    static let vHighZero: UInt8 = 0x80
    // The AArch32 PSR byte: bits 3..0 GE, then Q and T; the mode byte's T32 bit.
    static let psrQ: UInt8 = 0x10, psrT: UInt8 = 0x20, modeT32: UInt8 = 0x01

    struct Layout: Equatable {
        var ramBase: UInt64, ramSize: UInt64, windowBase: UInt64, windowSize: UInt64
    }

    /// One vector. Register values are 64 bits in A64 records, 32 bits (zero-extended here) in
    /// AArch32 ones.
    struct Vector {
        var group: UInt8
        /// A32, A64: the word. T32: a 16-bit instruction in bits 15:0, a 32-bit one as hw1 << 16 | hw2.
        var word: UInt32
        var seed: UInt64
        /// The FP lane profile the V (or D) registers were derived with (ReferenceInitialState).
        var profile: UInt8
        /// AArch32: runs in T32 state (every T32 record; the others with the mode bit).
        var thumb = false
        /// Initial-state overrides applied after the seed's state: register id (A64: 0-30 X, 31
        /// SP, 32 PC; AArch32: 0-14 R0-R14 of SVC mode, 15 PC, 16 ITSTATE) and value.
        var initial: [(reg: UInt8, value: UInt64)]
        /// Final registers that differ from the initial state (X0-X30 and SP, or R0-R14).
        var registers: [(reg: UInt8, value: UInt64)]
        /// The final PC, or nil: the initial PC + the instruction's length.
        var pc: UInt64?
        /// NZCV in bits 31..28.
        var nzcv: UInt32
        /// A64: the final FPSR, or nil: unchanged.
        var fpsr: UInt32? = nil
        /// AArch32: the final GE | Q << 4 | T << 5, or nil: Q, GE and T unchanged.
        var psr: UInt8? = nil
        /// Window bytes that differ after the step: offset in the window and value.
        var memory: [(offset: UInt16, value: UInt8)]
        /// A64: final V registers that differ from the initial state: number, low and high 64 bits.
        var v: [(reg: UInt8, low: UInt64, high: UInt64)] = []
        /// VFP, Advanced SIMD: the final FPSCR, and the D registers that differ.
        var fpscr: UInt32 = 0
        var dregs: [(reg: UInt8, value: UInt64)] = []

        /// The instruction's length in bytes.
        var length: UInt32 { thumb && word >> 16 == 0 ? 2 : 4 }
    }

    var kind: Kind
    var layout: Layout
    var reference: String
    var cpuModel: String
    var generatorArguments: String
    var groupNames: [UInt8: String]
    var vectors: [Vector]

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    @_optimize(speed)
    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        var parsed: (Kind, Layout, String, String, String, [UInt8: String], [Vector])?
        try bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) throws in
            var r = ByteReader(buf: buf)
            guard buf.count >= 8, Array(buf[0..<8]) == Self.magic else {
                throw FormatError(description: "\(url.path): not a reference-vector file")
            }
            r.pos = 8
            let version = try r.u16(), rawKind = try r.u16()
            guard let kind = Kind(rawValue: rawKind), kind.formatVersion == version else {
                throw FormatError(description: "\(url.path): format version \(version), record kind \(rawKind); this reader "
                                  + "knows version 2 with A64 records (kind 0) and version 3 with AArch32 records (kinds 1-5)")
            }
            let count = try r.u32()
            let layout = Layout(ramBase: try r.u64(), ramSize: try r.u64(), windowBase: try r.u64(), windowSize: try r.u64())
            let reference = try r.string(), cpuModel = try r.string(), arguments = try r.string()
            var names: [UInt8: String] = [:]
            for _ in 0..<(try r.u8()) {
                let id = try r.u8()
                names[id] = try r.string()
            }
            var vectors: [Vector] = []
            vectors.reserveCapacity(Int(count))
            for _ in 0..<count {
                vectors.append(kind.isAArch32 ? try Self.readAArch32(&r, kind) : try Self.readA64(&r))
            }
            guard r.pos == buf.count else {
                throw FormatError(description: "\(url.path): \(buf.count - r.pos) trailing bytes")
            }
            parsed = (kind, layout, reference, cpuModel, arguments, names, vectors)
        }
        guard let p = parsed else { throw FormatError(description: "\(url.path): unreadable") }
        (kind, layout, reference, cpuModel, generatorArguments, groupNames, vectors) = p
    }

    /// Register id and value pairs: a count, then (u8, u64) in A64 records or (u8, u32) in AArch32 ones.
    @_optimize(speed)
    static func registers(_ r: inout ByteReader, wide: Bool) throws -> [(reg: UInt8, value: UInt64)] {
        var out: [(reg: UInt8, value: UInt64)] = []
        for _ in 0..<(try r.u8()) { out.append((try r.u8(), wide ? try r.u64() : UInt64(try r.u32()))) }
        return out
    }

    /// Changed window bytes: a run count, then (offset, length, bytes).
    @_optimize(speed)
    static func memoryRuns(_ r: inout ByteReader) throws -> [(offset: UInt16, value: UInt8)] {
        var memory: [(offset: UInt16, value: UInt8)] = []
        for _ in 0..<(try r.u8()) {
            let offset = try r.u16(), length = try r.u8()
            for k in 0..<UInt16(length) { memory.append((offset &+ k, try r.u8())) }
        }
        return memory
    }

    @_optimize(speed)
    static func readA64(_ r: inout ByteReader) throws -> Vector {
        let group = try r.u8(), word = try r.u32(), seed = try r.u64(), profile = try r.u8()
        let initial = try registers(&r, wide: true), final = try registers(&r, wide: true)
        let flags = try r.u8()
        var v = Vector(group: group, word: word, seed: seed, profile: profile, initial: initial, registers: final,
                       pc: flags & flagPC != 0 ? try r.u64() : nil, nzcv: UInt32(flags & 0xF) << 28,
                       fpsr: flags & flagFPSR != 0 ? try r.u32() : nil,
                       memory: flags & flagMemory != 0 ? try memoryRuns(&r) : [])
        if flags & flagV != 0 {
            for _ in 0..<(try r.u8()) {
                let id = try r.u8()
                let low = try r.u64()
                let high = id & vHighZero != 0 ? 0 : try r.u64()
                v.v.append((id & 31, low, high))
            }
        }
        return v
    }

    @_optimize(speed)
    static func readAArch32(_ r: inout ByteReader, _ kind: Kind) throws -> Vector {
        let group = try r.u8(), word = try r.u32(), seed = try r.u64()
        let mode: UInt8 = kind.hasMode ? try r.u8() : 0
        let initial = try registers(&r, wide: false), final = try registers(&r, wide: false)
        let flags = try r.u8()
        var v = Vector(group: group, word: word, seed: seed, profile: mode >> 4,
                       thumb: kind == .t32 || mode & modeT32 != 0, initial: initial, registers: final,
                       pc: flags & flagPC != 0 ? UInt64(try r.u32()) : nil, nzcv: UInt32(flags & 0xF) << 28,
                       psr: flags & flagPSR != 0 ? try r.u8() : nil,
                       memory: flags & flagMemory != 0 ? try memoryRuns(&r) : [])
        if kind.hasFP {
            v.fpscr = try r.u32()
            if flags & flagD != 0 {
                for _ in 0..<(try r.u8()) { v.dregs.append((try r.u8(), try r.u64())) }
            }
        }
        return v
    }
}

/// Little-endian reads from a byte buffer.
struct ByteReader {
    let buf: UnsafeRawBufferPointer
    var pos = 0

    mutating func take(_ n: Int) throws -> Int {
        guard pos + n <= buf.count else { throw ReferenceVectorFile.FormatError(description: "truncated file") }
        defer { pos += n }
        return pos
    }

    mutating func u8() throws -> UInt8 { buf[try take(1)] }
    mutating func u16() throws -> UInt16 { UInt16(littleEndian: buf.loadUnaligned(fromByteOffset: try take(2), as: UInt16.self)) }
    mutating func u32() throws -> UInt32 { UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self)) }
    mutating func u64() throws -> UInt64 { UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self)) }

    mutating func string() throws -> String {
        let n = Int(try u8())
        let start = try take(n)
        return String(decoding: UnsafeRawBufferPointer(rebasing: buf[start..<start + n]), as: UTF8.self)
    }
}

/// splitmix64, as scripts/refvectors/refstate.py has it; also the seeded generator of the
/// randomized tests, so that they are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    @_optimize(speed)
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
    static let conversionExponents: [UInt64] = [7, 8, 15, 16, 31, 32, 63, 64]
    static let profileIndex: UInt8 = 4
    static let fpsrMask: UInt64 = 0x0800_009F

    /// X0..X30 then SP (id 31).
    var regs: [UInt64]
    var nzcv: UInt32
    var pc: UInt64
    /// V0..V31: low and high 64 bits.
    var vLow: [UInt64]
    var vHigh: [UInt64]
    var fpcr: UInt64
    var fpsr: UInt64

    /// Derive the registers, and write the window's 4 KiB through `window` (which may be RAM).
    // The replay derives half a million states: @_optimize(speed) keeps a debug `swift test` fast.
    @_optimize(speed)
    init(seed: UInt64, profile: UInt8 = 0, layout: ReferenceVectorFile.Layout, window: UnsafeMutableRawPointer) {
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
        vLow = []
        vHigh = []
        vLow.reserveCapacity(32)
        vHigh.reserveCapacity(32)
        for _ in 0..<32 {
            let (low, high) = Self.vregValue(&rng, profile)
            vLow.append(low)
            vHigh.append(high)
        }
        let c = rng.next()
        fpcr = c & 1 != 0 ? 0 : ((c >> 1) & 0x1F) << 22
        let s = rng.next()
        fpsr = s & 3 != 0 ? 0 : (s >> 2) & Self.fpsrMask
    }

    @_optimize(speed)
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

    /// One V register (refstate.vreg_value): its low and high 64 bits.
    @_optimize(speed)
    static func vregValue(_ rng: inout SplitMix64, _ profile: UInt8) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        if profile == profileIndex {
            for k in 0..<16 {
                let lane = (rng.next() >> 4) % 72
                if k < 8 { low |= lane << UInt64(8 * k) } else { high |= lane << UInt64(8 * (k - 8)) }
            }
            return (low, high)
        }
        let d = rng.next()
        let e: Int
        if profile == 0 { e = 8 << Int(d % 4) } else if d % 4 == 0 { e = 8 << Int((d >> 2) % 4) } else { e = 8 << Int(profile) }
        for k in 0..<(128 / e) {
            let lane = fpLane(&rng, e), bit = k * e
            if bit < 64 { low |= lane << UInt64(bit) } else { high |= lane << UInt64(bit - 64) }
        }
        return (low, high)
    }

    /// One lane of `e` bits (refstate.fp_lane, which documents the cases).
    @_optimize(speed)
    static func fpLane(_ rng: inout SplitMix64, _ e: Int) -> UInt64 {
        let v = rng.next()
        let sel = v & 15, w = v >> 4
        let mask: UInt64 = e == 64 ? ~0 : (1 << UInt64(e)) - 1
        let top: UInt64 = 1 << UInt64(e - 1)
        if sel == 13 {
            switch w % 6 {
            case 0: return 0
            case 1: return 1
            case 2: return mask
            case 3: return mask >> 1
            case 4: return top
            default: return top + 1
            }
        }
        if sel == 14 { return UInt64(bitPattern: Int64(w % 33) - 16) & mask }
        if e == 8 || sel == 0 || sel == 1 || sel == 15 { return w & mask }
        let x: UInt64 = e == 16 ? 5 : e == 32 ? 8 : 11
        let f: UInt64 = e == 16 ? 10 : e == 32 ? 23 : 52
        let bias: UInt64 = (1 << (x - 1)) - 1, emax: UInt64 = (1 << x) - 1
        let sign = ((w >> 59) & 1) << UInt64(e - 1)
        let fmask: UInt64 = (1 << f) - 1
        let frac = w & fmask
        // Each case gives (exponent, fraction); the sign is s for all of them.
        var exp: UInt64 = 0, fr: UInt64 = 0
        switch sel {
        case 2: break
        case 3: exp = emax
        case 4: exp = emax; fr = frac | 1 << (f - 1)
        case 5:
            exp = emax
            fr = frac & (fmask >> 1)
            if fr == 0 { fr = 1 }
        case 6: fr = frac != 0 ? frac : 1
        case 7:
            switch (w >> 40) & 3 {
            case 0: exp = 1
            case 1: exp = emax - 1; fr = fmask
            case 2: fr = 1
            default: fr = fmask
            }
        case 8, 9: exp = bias + (w >> 52) % 17 - 8; fr = frac
        case 10:
            let p = (w >> 52) % (f + 1)
            let low = f > p + 1 ? f - p - 1 : 0
            exp = bias + p
            fr = frac & ~((1 << low) - 1) & fmask
        case 11:
            let p = conversionExponents[Int((w >> 52) % 8)]
            let k = (w >> 50) & 3
            exp = min(bias + p, emax - 1)
            fr = k == 0 ? 0 : k == 1 ? fmask : k == 2 ? 1 : frac
        default: exp = bias + (w >> 52) % 5 - 2
        }
        return sign | exp << f | fr
    }
}
