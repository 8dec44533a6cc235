/// CRC32B/H/W/X and CRC32CB/H/W/X (ARM DDI 0487, C6.2 "CRC32B, CRC32H, CRC32W, CRC32X" and
/// "CRC32CB, ..."; FEAT_CRC32), decoded with the data-processing (2 source) rows of
/// DataProcessingRegister.swift.
///
/// The pseudocode reverses the bits of the accumulator and of the data, divides by the
/// polynomial and reverses the remainder: that is the reflected CRC without initial or final
/// inversion, so one byte at a time it is `crc = table[(crc ^ byte) & 0xFF] ^ crc >> 8` with
/// the tables of the bit-reversed polynomials 0xEDB88320 (0x04C11DB7) and 0x82F63B78
/// (0x1EDC6F41, Castagnoli). Words and doublewords go 4 or 8 bytes at a time by slicing
/// (table k advances a byte by k more zero bytes).
enum CRC32Tables {
    /// Eight tables of 256 entries for CRC-32, then eight for CRC-32C.
    static let tables: UnsafeMutablePointer<UInt32> = {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * 8 * 256)
        for (p, poly) in [UInt32(0xEDB8_8320), 0x82F6_3B78].enumerated() {
            let base = p * 2048
            for n in 0..<256 {
                var c = UInt32(n)
                for _ in 0..<8 { c = c & 1 != 0 ? poly ^ c >> 1 : c >> 1 }
                t[base + n] = c
            }
            for k in 1..<8 {
                for n in 0..<256 {
                    let prev = t[base + (k - 1) * 256 + n]
                    t[base + k * 256 + n] = t[base + Int(prev & 0xFF)] ^ prev >> 8
                }
            }
        }
        return t
    }()
}

/// The CRC of `size` bytes (1, 2, 4 or 8) of `value`, least significant byte first, continuing
/// from `acc`; `castagnoli` selects CRC-32C.
@inline(__always)
func crc32Update(_ acc: UInt32, _ value: UInt64, size: Int, castagnoli: Bool) -> UInt32 {
    let t = CRC32Tables.tables + (castagnoli ? 2048 : 0)
    switch size {
    case 8:
        let v = value ^ UInt64(acc)
        return t[7 &* 256 &+ Int(v & 0xFF)] ^ t[6 &* 256 &+ Int(v >> 8 & 0xFF)]
            ^ t[5 &* 256 &+ Int(v >> 16 & 0xFF)] ^ t[4 &* 256 &+ Int(v >> 24 & 0xFF)]
            ^ t[3 &* 256 &+ Int(v >> 32 & 0xFF)] ^ t[2 &* 256 &+ Int(v >> 40 & 0xFF)]
            ^ t[256 &+ Int(v >> 48 & 0xFF)] ^ t[Int(v >> 56)]
    case 4:
        let v = UInt32(truncatingIfNeeded: value) ^ acc
        return t[3 &* 256 &+ Int(v & 0xFF)] ^ t[2 &* 256 &+ Int(v >> 8 & 0xFF)]
            ^ t[256 &+ Int(v >> 16 & 0xFF)] ^ t[Int(v >> 24)]
    default:
        var crc = acc
        var v = value
        for _ in 0..<(size == 2 ? 2 : 1) {
            crc = t[Int((crc ^ UInt32(truncatingIfNeeded: v)) & 0xFF)] ^ crc >> 8
            v >>= 8
        }
        return crc
    }
}

extension A64Decoder {
    /// CRC32{C}{B,H,W,X} Wd, Wn, {W,X}m: `a` = sz (log2 of the data size), `imm` = C.
    static func crc32Row(_ w: UInt32) -> Inst {
        Inst(.dataProcessingRegister, op: DPRegOp.crc32.rawValue, rd: Reg.dst(w), rn: Reg.src(w >> 5),
             rm: Reg.src(w >> 16), a: UInt8(bits(w, 11, 10)), b: 0, imm: UInt64(bit(w, 12)))
    }
}
