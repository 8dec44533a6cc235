import XCTest
@testable import ARMCore

/// AES, SHA1 and SHA256 instructions: single instructions against Unicorn, then whole
/// FIPS-197 / FIPS-180-4 computations driven one instruction at a time. Vector additions and
/// moves between the instructions (ADD/MOV belong to Advanced SIMD) are done by the test.
/// Encodings from aarch64-linux-gnu-as -march=armv8-a+crypto.
final class CryptographicTests: XCTestCase {
    typealias Q = (low: UInt64, high: UInt64)

    func fpMachine() -> LSMachine {
        let m = LSMachine()
        m.cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
        return m
    }

    func exec(_ m: LSMachine, _ word: UInt32, file: StaticString = #filePath, line: UInt = #line) {
        m.exec(word)
        LSAssertCompleted(m, file: file, line: line)
    }

    func v(_ m: LSMachine, _ n: UInt8) -> Q { (m.cpu.vLow(n), m.cpu.vHigh(n)) }
    func set(_ m: LSMachine, _ n: UInt8, _ q: Q) { m.cpu.setV(n, low: q.low, high: q.high) }

    /// Four 32-bit lanes, lane 0 first.
    func lanes(_ q: Q) -> [UInt32] {
        [UInt32(truncatingIfNeeded: q.low), UInt32(truncatingIfNeeded: q.low >> 32),
         UInt32(truncatingIfNeeded: q.high), UInt32(truncatingIfNeeded: q.high >> 32)]
    }
    func q(_ l: [UInt32]) -> Q {
        (UInt64(l[0]) | UInt64(l[1]) << 32, UInt64(l[2]) | UInt64(l[3]) << 32)
    }
    func add(_ a: Q, _ b: Q) -> Q { q(zip(lanes(a), lanes(b)).map { $0 &+ $1 }) }

    // MARK: - Single instructions against Unicorn

    /// V1, V2, V3 before the instruction; the instruction writes V1 (Unicorn 2.1.4, cpu max).
    static let v1: Q = (0xfedc_ba98_7654_3210, 0x0123_4567_89ab_cdef)
    static let v2: Q = (0x8899_aabb_ccdd_eeff, 0x0011_2233_4455_6677)
    static let v3: Q = (0x8796_a5b4_c3d2_e1f0, 0x0f1e_2d3c_4b5a_6978)

    func testEachInstructionMatchesTheReference() {
        let cases: [(UInt32, String, Q)] = [
            (0x4e284841, "aese v1.16b, v2.16b", (0xf423_6226_7cbb_cadf, 0xbd6e_8620_38a7_8546)),
            (0x4e285841, "aesd v1.16b, v2.16b", (0x80a1_9332_0f0c_0a61, 0xc068_0efd_09f2_7ce2)),
            (0x4e286841, "aesmc v1.16b, v2.16b", (0xeebb_cc99_aaff_88dd, 0x6633_4411_2277_0055)),
            (0x4e287841, "aesimc v1.16b, v2.16b", (0x6633_4411_2277_0055, 0xeebb_cc99_aaff_88dd)),
            (0x5e030041, "sha1c q1, s2, v3.4s", (0x8f5a_5ac9_7331_7135, 0x3938_b83b_b935_7e29)),
            (0x5e031041, "sha1p q1, s2, v3.4s", (0x161b_6465_25de_6c6d, 0x7462_d143_9e9a_d78b)),
            (0x5e032041, "sha1m q1, s2, v3.4s", (0xac64_4fb7_18fc_8ef4, 0x3938_b83b_5933_4dd7)),
            (0x5e033041, "sha1su0 v1.4s, v2.4s, v3.4s", (0x7869_5a4b_3c2d_1e0f, 0x86a4_c2e0_0e2c_4a68)),
            (0x5e034041, "sha256h q1, q2, v3.4s", (0xa71b_bdf5_b5e4_c99d, 0x7776_fd52_f571_d174)),
            (0x5e035041, "sha256h2 q1, q2, v3.4s", (0x9207_fe70_60cd_3568, 0xeed5_dbfe_ba7f_7ecd)),
            (0x5e036041, "sha256su1 v1.4s, v2.4s, v3.4s", (0x166c_62f6_786f_d727, 0x8216_7a3a_9b26_38f1)),
            (0x5e280841, "sha1h s1, s2", (0xf337_7bbf, 0)),
            (0x5e281841, "sha1su1 v1.4s, v2.4s", (0x7513_b9df_fd9b_3157, 0xf970_e861_1375_dfb9)),
            (0x5e282841, "sha256su0 v1.4s, v2.4s", (0x3c3a_86e4_76d4_43a1, 0x9ee1_3a9c_a92b_bc5d)),
        ]
        for (word, asm, want) in cases {
            let m = fpMachine()
            set(m, 1, Self.v1); set(m, 2, Self.v2); set(m, 3, Self.v3)
            exec(m, word)
            XCTAssertEqual(m.cpu.vLow(1), want.low, asm)
            XCTAssertEqual(m.cpu.vHigh(1), want.high, asm)
            XCTAssertEqual(v(m, 2).low, Self.v2.low, "\(asm): sources unchanged")
            XCTAssertEqual(v(m, 3).high, Self.v3.high, "\(asm): sources unchanged")
        }
    }

    // MARK: - FIPS-197 AES-128 (Appendix B: the example cipher)

    /// The round keys of 2b7e1516 28aed2a6 abf71588 09cf4f3c (FIPS-197 Appendix A.1), each as
    /// the register a `ld1 {v.16b}` of its bytes gives.
    static let roundKeys: [Q] = [
        (0xa6d2_ae28_1615_7e2b, 0x3c4f_cf09_8815_f7ab), (0xb12c_5488_17fe_faa0, 0x0576_6c2a_3939_a323),
        (0x43b9_967a_f295_c2f2, 0x7ff6_5973_7a80_3559), (0x3efe_1647_7d47_803d, 0x3b88_7a6d_447e_231e),
        (0x7f5b_52a8_41a5_44ef, 0x00ad_0bdb_3b25_71b6), (0x879d_837c_f8c6_d1d4, 0xbc15_f911_bcb8_f2ca),
        (0xfd3e_0b11_7aa3_886d, 0xfd93_00ca_4186_f9db), (0xf3c9_5f5f_0ef7_544e, 0x4fdc_a64e_b24f_a684),
        (0xd2ba_8db5_2173_d2ea, 0x2f29_8d7f_60f5_2b31), (0x21dc_fa19_f366_77ac, 0x6e00_5c57_4129_d128),
        (0x8925_eec9_a8f9_14d0, 0xa60c_63b6_c80c_3fe1),
    ]
    /// 3243f6a8 885a308d 313198a2 e0370734 and 3925841d 02dc09fb dc118597 196a0b32.
    static let plaintext: Q = (0x8d30_5a88_a8f6_4332, 0x3407_37e0_a298_3131)
    static let ciphertext: Q = (0xfb09_dc02_1d84_2539, 0x320b_6a19_9785_11dc)

    func testAES128EncryptsTheFIPS197Example() {
        let m = fpMachine()
        set(m, 0, Self.plaintext)
        for r in 0..<9 {
            set(m, 1, Self.roundKeys[r])
            exec(m, 0x4e284820) // aese v0.16b, v1.16b
            exec(m, 0x4e286800) // aesmc v0.16b, v0.16b
        }
        set(m, 1, Self.roundKeys[9])
        exec(m, 0x4e284820)     // aese v0.16b, v1.16b
        let out = v(m, 0)
        XCTAssertEqual(out.low ^ Self.roundKeys[10].low, Self.ciphertext.low)
        XCTAssertEqual(out.high ^ Self.roundKeys[10].high, Self.ciphertext.high)
    }

    func testAES128DecryptsTheFIPS197Example() {
        // The equivalent inverse cipher: the middle round keys go through InvMixColumns.
        let m = fpMachine()
        set(m, 0, Self.ciphertext)
        set(m, 1, Self.roundKeys[10])
        exec(m, 0x4e285820)     // aesd v0.16b, v1.16b
        for r in stride(from: 9, through: 1, by: -1) {
            exec(m, 0x4e287800) // aesimc v0.16b, v0.16b
            set(m, 1, Self.roundKeys[r])
            exec(m, 0x4e287821) // aesimc v1.16b, v1.16b
            exec(m, 0x4e285820) // aesd v0.16b, v1.16b
        }
        let out = v(m, 0)
        XCTAssertEqual(out.low ^ Self.roundKeys[0].low, Self.plaintext.low)
        XCTAssertEqual(out.high ^ Self.roundKeys[0].high, Self.plaintext.high)
    }

    // MARK: - FIPS-180-4 "abc"

    /// The single padded block of "abc" as sixteen big-endian words.
    static let abcBlock: [UInt32] = [0x6162_6380] + Array(repeating: 0, count: 14) + [0x18]

    func testSHA1OfABC() {
        let m = fpMachine()
        let h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        set(m, 0, q(Array(h[0..<4])))                  // abcd
        m.cpu.setV(1, low: UInt64(h[4]), high: 0)      // e
        for k: UInt8 in 0..<4 { set(m, 4 + k, q(Array(Self.abcBlock[Int(k) * 4..<Int(k) * 4 + 4]))) }
        let constants: [UInt32] = [0x5A82_7999, 0x6ED9_EBA1, 0x8F1B_BCDC, 0xCA62_C1D6]
        for g in 0..<20 {
            let kq = q(Array(repeating: constants[g / 5], count: 4))
            set(m, 2, add(v(m, 4), kq))                // wk = W + K
            exec(m, 0x5e280803)                        // sha1h s3, s0: e of the next group
            switch g / 5 {
            case 0: exec(m, 0x5e020020)                // sha1c q0, s1, v2.4s
            case 2: exec(m, 0x5e022020)                // sha1m q0, s1, v2.4s
            default: exec(m, 0x5e021020)               // sha1p q0, s1, v2.4s
            }
            set(m, 1, v(m, 3))
            // Schedule: W[t..t+3] for the group four ahead, then rotate v4..v7.
            exec(m, 0x5e0630a4)                        // sha1su0 v4.4s, v5.4s, v6.4s
            exec(m, 0x5e2818e4)                        // sha1su1 v4.4s, v7.4s
            let next = v(m, 4)
            set(m, 4, v(m, 5)); set(m, 5, v(m, 6)); set(m, 6, v(m, 7)); set(m, 7, next)
        }
        let abcd = lanes(v(m, 0)), e = UInt32(truncatingIfNeeded: m.cpu.vLow(1))
        let digest = zip(abcd + [e], h).map { $0 &+ $1 }
        XCTAssertEqual(digest, [0xA999_3E36, 0x4706_816A, 0xBA3E_2571, 0x7850_C26C, 0x9CD0_D89D])
    }

    func testSHA256OfABC() {
        let m = fpMachine()
        let h: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
                           0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
        let k: [UInt32] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ]
        set(m, 0, q(Array(h[0..<4])))      // abcd
        set(m, 1, q(Array(h[4..<8])))      // efgh
        for j: UInt8 in 0..<4 { set(m, 4 + j, q(Array(Self.abcBlock[Int(j) * 4..<Int(j) * 4 + 4]))) }
        for g in 0..<16 {
            set(m, 2, add(v(m, 4), q(Array(k[g * 4..<g * 4 + 4]))))
            set(m, 3, v(m, 0))
            exec(m, 0x5e024020)            // sha256h q0, q1, v2.4s
            exec(m, 0x5e025061)            // sha256h2 q1, q3, v2.4s
            exec(m, 0x5e2828a4)            // sha256su0 v4.4s, v5.4s
            exec(m, 0x5e0760c4)            // sha256su1 v4.4s, v6.4s, v7.4s
            let next = v(m, 4)
            set(m, 4, v(m, 5)); set(m, 5, v(m, 6)); set(m, 6, v(m, 7)); set(m, 7, next)
        }
        let digest = zip(lanes(v(m, 0)) + lanes(v(m, 1)), h).map { $0 &+ $1 }
        XCTAssertEqual(digest, [0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad])
    }

    // MARK: - Traps and decoding

    func testFPENTrapsCryptographicInstructions() {
        let m = LSMachine()
        m.cpu.setV(1, low: 1, high: 2)
        m.exec(0x4e284841) // aese v1.16b, v2.16b
        LSAssertException(m, ec: 0x07)
        XCTAssertEqual(m.cpu.vLow(1), 1)
    }

    func testUnallocatedEncodingsAreUndefined() {
        let words: [UInt32] = [
            0x4e684841, // AESE with size 01
            0x4e280841, // AES opcode 00000
            0x4e288841, // AES opcode 01000
            0x5e037041, // three-register SHA opcode 111
            0x5e430041, // three-register SHA with size 01
            0x5e283841, // two-register SHA opcode 00011
            0x5e680841, // two-register SHA with size 01
        ]
        for w in words { XCTAssertEqual(A64Decoder.decode(w), .undefined, String(format: "0x%08x", w)) }
        for row in A64Decoder.cryptographic {
            let i = row.decode(row.value | ~row.mask)
            XCTAssertEqual(i.group, .cryptographic, row.name)
            XCTAssertEqual(A64Decoder.decode(row.value).group, .cryptographic, row.name)
        }
        assertRowsDoNotOverlap(A64Decoder.cryptographic)
    }
}
