import Foundation

/// The initial state of an AArch32 vector (A32, T32, VFP, Advanced SIMD, CRC32) derived from its seed: the same computation as
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

    /// 32 / `width` lanes, lane k: e = (v >> 3k) & 7, edges[e], or bits 32 + k * width of v when e = 7.
    @_optimize(speed)
    static func lanes(_ v: UInt64, width: Int, edges: [UInt32]) -> UInt32 {
        var out: UInt32 = 0
        for k in 0..<(32 / width) {
            let e = Int((v >> UInt64(3 * k)) & 7)
            let lane = e < 7 ? edges[e] : UInt32(truncatingIfNeeded: (v >> UInt64(32 + width * k)) & ((1 << UInt64(width)) - 1))
            out |= lane << UInt32(width * k)
        }
        return out
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
        case 12: return lanes(v, width: 8, edges: byteEdges)
        case 13: return lanes(v, width: 16, edges: halfEdges)
        case 14: return UInt32(truncatingIfNeeded: (v >> 8) & (v & 1 != 0 ? 0xFF : 0xFFFF))
        default: return UInt32(truncatingIfNeeded: layout.windowBase + v % layout.windowSize)
        }
    }
}
