/// The cryptographic extension: AES, SHA1, SHA256 (ARM DDI 0487, C4.1 "Cryptographic AES",
/// "Cryptographic three-register SHA", "Cryptographic two-register SHA"; FEAT_AES, FEAT_SHA1,
/// FEAT_SHA256, as ID_AA64ISAR0_EL1 reports). PMULL/PMULL2 (also FEAT_PMULL) live with the
/// Advanced SIMD three-different class. Each row names one instruction with every field but
/// the registers fixed; the other size and opcode values are unallocated and match no row.
///
/// Inst use: `op` = CryptoOp; `rd`, `rn`, `rm` = SIMD&FP register numbers (0...31).
enum CryptoOp: UInt8 {
    case aese, aesd, aesmc, aesimc
    case sha1c, sha1p, sha1m, sha1su0, sha256h, sha256h2, sha256su1
    case sha1h, sha1su1, sha256su0
}

extension A64Decoder {
    static let cryptographic: [Encoding] = [
        // Cryptographic AES: 01001110 size=00 10100 opcode 10 Rn Rd.
        Encoding(.a64, "AESE", "0100111000101000010010nnnnnddddd") { w in crypto(w, .aese) },
        Encoding(.a64, "AESD", "0100111000101000010110nnnnnddddd") { w in crypto(w, .aesd) },
        Encoding(.a64, "AESMC", "0100111000101000011010nnnnnddddd") { w in crypto(w, .aesmc) },
        Encoding(.a64, "AESIMC", "0100111000101000011110nnnnnddddd") { w in crypto(w, .aesimc) },
        // Cryptographic three-register SHA: 01011110 size=00 0 Rm 0 opcode 00 Rn Rd.
        Encoding(.a64, "SHA1C", "01011110000mmmmm000000nnnnnddddd") { w in crypto(w, .sha1c) },
        Encoding(.a64, "SHA1P", "01011110000mmmmm000100nnnnnddddd") { w in crypto(w, .sha1p) },
        Encoding(.a64, "SHA1M", "01011110000mmmmm001000nnnnnddddd") { w in crypto(w, .sha1m) },
        Encoding(.a64, "SHA1SU0", "01011110000mmmmm001100nnnnnddddd") { w in crypto(w, .sha1su0) },
        Encoding(.a64, "SHA256H", "01011110000mmmmm010000nnnnnddddd") { w in crypto(w, .sha256h) },
        Encoding(.a64, "SHA256H2", "01011110000mmmmm010100nnnnnddddd") { w in crypto(w, .sha256h2) },
        Encoding(.a64, "SHA256SU1", "01011110000mmmmm011000nnnnnddddd") { w in crypto(w, .sha256su1) },
        // Cryptographic two-register SHA: 01011110 size=00 10100 opcode 10 Rn Rd.
        Encoding(.a64, "SHA1H", "0101111000101000000010nnnnnddddd") { w in crypto(w, .sha1h) },
        Encoding(.a64, "SHA1SU1", "0101111000101000000110nnnnnddddd") { w in crypto(w, .sha1su1) },
        Encoding(.a64, "SHA256SU0", "0101111000101000001010nnnnnddddd") { w in crypto(w, .sha256su0) },
    ]

    static func crypto(_ w: UInt32, _ op: CryptoOp) -> Inst {
        Inst(.cryptographic, op: op.rawValue, rd: UInt8(bits(w, 4, 0)), rn: UInt8(bits(w, 9, 5)),
             rm: UInt8(bits(w, 20, 16)))
    }
}

/// The AES S-box and its inverse (FIPS-197, 5.1.1), computed once from their definition: the
/// multiplicative inverse in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, then the affine map.
enum AESTables {
    /// sbox at 0..255, inverse sbox at 256..511.
    static let tables: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
        // Powers of the generator 3 give the logarithm table; inverse(x) = 3^(255 - log x).
        var exp = [UInt8](repeating: 0, count: 256), log = [UInt8](repeating: 0, count: 256)
        var p: UInt8 = 1
        for k in 0..<255 {
            exp[k] = p
            log[Int(p)] = UInt8(k)
            p ^= aesXtime(p)   // p * 3
        }
        for k in 0..<256 {
            let inv: UInt8 = k == 0 ? 0 : exp[(255 - Int(log[k])) % 255]
            var s = inv
            for r in 1...4 { s ^= inv << UInt8(r) | inv >> UInt8(8 - r) }
            s ^= 0x63
            t[k] = s
            t[256 + Int(s)] = UInt8(k)
        }
        return t
    }()
}

/// Multiplication by x in GF(2^8) (FIPS-197, 4.2.1).
@inline(__always)
func aesXtime(_ b: UInt8) -> UInt8 { b << 1 ^ (b >> 7) &* 0x1B }

extension CPU {
    @inline(never)   // rare: keep the interpreter loop small
    func executeCryptographic(_ i: Inst) throws(ArchException) {
        try checkFPEnabled()
        switch i.opcode(as: CryptoOp.self) {
        case .aese, .aesd:
            // AESE: AESSubBytes(AESShiftRows(Vd EOR Vn)); AESD: the inverses. The state is
            // column-major, byte 4c + r of the register being row r of column c; ShiftRows
            // rotates row r left by r columns.
            let state = vec16(i.rd) ^ vec16(i.rn)
            let inverse = i.op == CryptoOp.aesd.rawValue
            let box = AESTables.tables + (inverse ? 256 : 0)
            var out = SIMD16<UInt8>()
            for k in 0..<16 {
                let r = k & 3, c = k >> 2
                let src = r | ((inverse ? c &- r : c &+ r) & 3) << 2
                out[k] = box[Int(state[src])]
            }
            setVec16(i.rd, out)
        case .aesmc, .aesimc:
            let s = vec16(i.rn)
            var out = SIMD16<UInt8>()
            let inverse = i.op == CryptoOp.aesimc.rawValue
            for c in 0..<4 {
                let a0 = s[4 &* c], a1 = s[4 &* c &+ 1], a2 = s[4 &* c &+ 2], a3 = s[4 &* c &+ 3]
                if inverse {
                    // InvMixColumns: the circulant (0e 0b 0d 09).
                    out[4 &* c] = aesMul(a0, 14) ^ aesMul(a1, 11) ^ aesMul(a2, 13) ^ aesMul(a3, 9)
                    out[4 &* c &+ 1] = aesMul(a0, 9) ^ aesMul(a1, 14) ^ aesMul(a2, 11) ^ aesMul(a3, 13)
                    out[4 &* c &+ 2] = aesMul(a0, 13) ^ aesMul(a1, 9) ^ aesMul(a2, 14) ^ aesMul(a3, 11)
                    out[4 &* c &+ 3] = aesMul(a0, 11) ^ aesMul(a1, 13) ^ aesMul(a2, 9) ^ aesMul(a3, 14)
                } else {
                    // MixColumns: the circulant (02 03 01 01).
                    let t = a0 ^ a1 ^ a2 ^ a3
                    out[4 &* c] = a0 ^ t ^ aesXtime(a0 ^ a1)
                    out[4 &* c &+ 1] = a1 ^ t ^ aesXtime(a1 ^ a2)
                    out[4 &* c &+ 2] = a2 ^ t ^ aesXtime(a2 ^ a3)
                    out[4 &* c &+ 3] = a3 ^ t ^ aesXtime(a3 ^ a0)
                }
            }
            setVec16(i.rd, out)

        case .sha1c, .sha1p, .sha1m:
            // SHA1C/SHA1P/SHA1M Qd, Sn, Vm.4S: four rounds; X = Qd (a, b, c, d in elements 0..3),
            // Y = Sn (e), W = Vm. After each round <Y, X> = ROL(Y:X, 32).
            var xs = vec4(i.rd), y = UInt32(truncatingIfNeeded: vLow(i.rn)), wv = vec4(i.rm)
            for e in 0..<4 {
                let t: UInt32
                switch i.opcode(as: CryptoOp.self) {
                case .sha1c: t = shaChoose(xs[1], xs[2], xs[3])
                case .sha1p: t = xs[1] ^ xs[2] ^ xs[3]
                default: t = shaMajority(xs[1], xs[2], xs[3])
                }
                y = y &+ rol32(xs[0], 5) &+ t &+ wv[e]
                xs[1] = rol32(xs[1], 30)
                let top = xs[3]
                xs = SIMD4(y, xs[0], xs[1], xs[2])
                y = top
            }
            setVec4(i.rd, xs)
        case .sha1su0:
            // result = Vn<63:0> : Vd<127:64>, EOR Vd EOR Vm.
            let d = vec4(i.rd), n = vec4(i.rn), m = vec4(i.rm)
            setVec4(i.rd, SIMD4(d[2], d[3], n[0], n[1]) ^ d ^ m)
        case .sha1su1:
            // T = Vd EOR (Vn >> 32); W[k] = ROL(T[k], 1), and W[3] also EOR ROL(T[0], 2).
            let d = vec4(i.rd), n = vec4(i.rn)
            let t = d ^ SIMD4(n[1], n[2], n[3], 0)
            setVec4(i.rd, SIMD4(rol32(t[0], 1), rol32(t[1], 1), rol32(t[2], 1), rol32(t[3], 1) ^ rol32(t[0], 2)))
        case .sha1h:
            // SHA1H Sd, Sn: ROL(Sn, 30), the rest of Vd cleared.
            setV(i.rd, low: UInt64(rol32(UInt32(truncatingIfNeeded: vLow(i.rn)), 30)), high: 0)

        case .sha256h:
            setVec4(i.rd, sha256Hash(vec4(i.rd), vec4(i.rn), vec4(i.rm), part1: true))
        case .sha256h2:
            setVec4(i.rd, sha256Hash(vec4(i.rn), vec4(i.rd), vec4(i.rm), part1: false))
        case .sha256su0:
            // T = Vn<31:0> : Vd<127:32>; result[e] = sigma0(T[e]) + Vd[e].
            let d = vec4(i.rd), n = vec4(i.rn)
            let t = SIMD4(d[1], d[2], d[3], n[0])
            var r = SIMD4<UInt32>()
            for e in 0..<4 {
                let x = t[e]
                r[e] = (ror32(x, 7) ^ ror32(x, 18) ^ x >> 3) &+ d[e]
            }
            setVec4(i.rd, r)
        case .sha256su1:
            // T0 = Vm<31:0> : Vn<127:32>; the first two results feed the last two (sigma1 of
            // Vm<127:64>, then of the new elements 0 and 1).
            let d = vec4(i.rd), n = vec4(i.rn), m = vec4(i.rm)
            let t0 = SIMD4(n[1], n[2], n[3], m[0])
            var r = SIMD4<UInt32>()
            for e in 0..<4 {
                let x = e < 2 ? m[e &+ 2] : r[e &- 2]
                r[e] = (ror32(x, 17) ^ ror32(x, 19) ^ x >> 10) &+ d[e] &+ t0[e]
            }
            setVec4(i.rd, r)
        }
    }

    /// SHA256hash (ARM DDI 0487, shared pseudocode): four rounds on X = (a, b, c, d) and
    /// Y = (e, f, g, h) with schedule words W; part1 returns X (SHA256H), else Y (SHA256H2).
    @inline(__always)
    func sha256Hash(_ x0: SIMD4<UInt32>, _ y0: SIMD4<UInt32>, _ w: SIMD4<UInt32>, part1: Bool) -> SIMD4<UInt32> {
        var xs = x0, ys = y0
        for e in 0..<4 {
            let chs = shaChoose(ys[0], ys[1], ys[2])
            let maj = shaMajority(xs[0], xs[1], xs[2])
            let y0 = ys[0]
            let t = ys[3] &+ (ror32(y0, 6) ^ ror32(y0, 11) ^ ror32(y0, 25)) &+ chs &+ w[e]
            let x3 = t &+ xs[3]
            let y3 = t &+ (ror32(xs[0], 2) ^ ror32(xs[0], 13) ^ ror32(xs[0], 22)) &+ maj
            // <Y, X> = ROL(Y : X, 32): X takes Y's top element, Y takes X's.
            xs = SIMD4(y3, xs[0], xs[1], xs[2])
            ys = SIMD4(x3, ys[0], ys[1], ys[2])
        }
        return part1 ? xs : ys
    }

    @inline(__always)
    func vec16(_ n: UInt8) -> SIMD16<UInt8> { vreg(n).loadUnaligned(as: SIMD16<UInt8>.self) }
    @inline(__always)
    func setVec16(_ n: UInt8, _ v: SIMD16<UInt8>) { vreg(n).storeBytes(of: v, as: SIMD16<UInt8>.self) }
    @inline(__always)
    func vec4(_ n: UInt8) -> SIMD4<UInt32> { vreg(n).loadUnaligned(as: SIMD4<UInt32>.self) }
    @inline(__always)
    func setVec4(_ n: UInt8, _ v: SIMD4<UInt32>) { vreg(n).storeBytes(of: v, as: SIMD4<UInt32>.self) }
}

/// Multiplication in GF(2^8) by a small constant (9, 11, 13, 14 for InvMixColumns).
@inline(__always)
func aesMul(_ a: UInt8, _ k: UInt8) -> UInt8 {
    let a2 = aesXtime(a), a4 = aesXtime(a2), a8 = aesXtime(a4)
    var r: UInt8 = k & 1 != 0 ? a : 0
    if k & 2 != 0 { r ^= a2 }
    if k & 4 != 0 { r ^= a4 }
    if k & 8 != 0 { r ^= a8 }
    return r
}

/// SHAchoose and SHAmajority (ARM DDI 0487, shared pseudocode).
@inline(__always)
func shaChoose(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { ((y ^ z) & x) ^ z }
@inline(__always)
func shaMajority(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | ((x | y) & z) }
@inline(__always)
func rol32(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 &- n) }
@inline(__always)
func ror32(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 &- n) }
