import XCTest
@testable import ARMCore
import Bus

/// Data processing -- immediate (ARM DDI 0487, C4.1.86). Encodings were produced with
/// aarch64-linux-gnu-as and checked with objdump; the assembly is beside each word.
final class DataProcessingImmediateTests: XCTestCase {
    var h: DPTestHarness!
    override func setUp() { h = DPTestHarness() }
    override func tearDown() { h = nil }

    let sp = Int(Reg.sp)

    // MARK: PC-relative addressing

    func testADR() {
        let base = DPTestHarness.base
        XCTAssertEqual(h.exec(0x300091a0, at: 0x100).x[0], base + 0x100 + 0x1235)      // adr x0, .+0x1235
        XCTAssertEqual(h.exec(0x10800000, at: 0x100).x[0], base + 0x100 &- 0x100000)   // adr x0, .-0x100000
        XCTAssertEqual(h.exec(0x10000000, at: 0x44).x[0], base + 0x44)                 // adr x0, .
    }

    func testADRP() {
        let base = DPTestHarness.base
        XCTAssertEqual(h.exec(0xb0000020, at: 0x234).x[0], base + 0x5000)               // adrp x0, .+0x5000 (page)
        XCTAssertEqual(h.exec(0xf0ffffe0, at: 0x10).x[0], base - 0x1000)                // adrp x0, .-0x1000 (page)
        XCTAssertEqual(h.exec(0x90800000, at: 0xABC).x[0], base &- 0x1_0000_0000)      // adrp x0, .-4GiB
    }

    // MARK: Add/subtract (immediate)

    func testAddSubImmediate() {
        XCTAssertEqual(h.x0(0x91048c20, x: [1: 0x1000]), 0x1123)                        // add x0, x1, #0x123
        XCTAssertEqual(h.x0(0x91400420, x: [1: 5]), 0x1005)                             // add x0, x1, #1, lsl #12
        XCTAssertEqual(h.x0(0xd13ffc20, x: [1: 0x1000]), 1)                             // sub x0, x1, #0xfff
        XCTAssertEqual(h.x0(0xd13ffc20, x: [1: 0]), 0xFFFF_FFFF_FFFF_F001)              // sub x0, x1, #0xfff
    }

    func testAddSubImmediate32BitZeroExtends() {
        XCTAssertEqual(h.x0(0x11000420, x: [1: ~0]), 0)                                 // add w0, w1, #1
        XCTAssertEqual(h.x0(0x11000420, x: [1: 0x1234_5678_0000_0001]), 2)             // add w0, w1, #1
        XCTAssertEqual(h.x0(0x51000820, x: [1: 1]), 0xFFFF_FFFF)                        // sub w0, w1, #2
    }

    func testAddSubImmediateStackPointer() {
        var c = h.exec(0x910043ff, x: [sp: 0x1000])                                     // add sp, sp, #16
        XCTAssertEqual(c.x[sp], 0x1010)
        c = h.exec(0xd10043ff, x: [sp: 0x1000])                                         // sub sp, sp, #0x10
        XCTAssertEqual(c.x[sp], 0xFF0)
        XCTAssertEqual(h.x0(0x910003e0, x: [sp: 0x8000]), 0x8000)                       // mov x0, sp
        XCTAssertEqual(h.x0(0xb10007e0, x: [sp: 0x8000]), 0x8001)                       // adds x0, sp, #1
    }

    func testADDSImmediateFlags() {
        XCTAssertEqual(h.flagsAfter(0xb1000420, x: [1: ~0]), "nZCv")                    // adds x0, x1, #1
        XCTAssertEqual(h.x0(0xb1000420, x: [1: ~0]), 0)
        XCTAssertEqual(h.flagsAfter(0xb1000420, x: [1: 0x7FFF_FFFF_FFFF_FFFF]), "NzcV")
        XCTAssertEqual(h.flagsAfter(0xb1000420, x: [1: 1], nzcv: "NZCV"), "nzcv")
        XCTAssertEqual(h.flagsAfter(0x31000420, x: [1: 0x7FFF_FFFF]), "NzcV")          // adds w0, w1, #1
        XCTAssertEqual(h.x0(0x31000420, x: [1: 0x7FFF_FFFF]), 0x8000_0000)
        XCTAssertEqual(h.flagsAfter(0x31000420, x: [1: 0xAAAA_AAAA_FFFF_FFFF]), "nZCv")
        XCTAssertEqual(h.x0(0x31000420, x: [1: 0xAAAA_AAAA_FFFF_FFFF]), 0)
        XCTAssertEqual(h.flagsAfter(0x3100043f, x: [1: 0xFFFF_FFFF]), "nZCv")          // cmn w1, #1
    }

    func testSUBSImmediateFlags() {
        XCTAssertEqual(h.flagsAfter(0xf1000420, x: [1: 0]), "Nzcv")                     // subs x0, x1, #1
        XCTAssertEqual(h.x0(0xf1000420, x: [1: 0]), ~0)
        XCTAssertEqual(h.flagsAfter(0xf1000420, x: [1: 0x8000_0000_0000_0000]), "nzCV")
        XCTAssertEqual(h.flagsAfter(0xf1000420, x: [1: 1]), "nZCv")
        XCTAssertEqual(h.flagsAfter(0x71000420, x: [1: 0x1_0000_0000]), "Nzcv")       // subs w0, w1, #1
        XCTAssertEqual(h.x0(0x71000420, x: [1: 0x1_0000_0000]), 0xFFFF_FFFF)
        XCTAssertEqual(h.flagsAfter(0x71000420, x: [1: 0x8000_0000]), "nzCV")
        XCTAssertEqual(h.x0(0x71000420, x: [1: 0x8000_0000]), 0x7FFF_FFFF)
    }

    func testCMPImmediateWritesNeitherZeroRegisterNorSP() {
        var c = h.exec(0xf100143f, x: [1: 5, sp: 0x1234])                               // cmp x1, #5
        XCTAssertEqual(c.nzcv, DPTestHarness.flags("nZCv"))
        XCTAssertEqual(c.x[sp], 0x1234)
        c = h.exec(0xf100143f, x: [1: 3, sp: 0x1234])
        XCTAssertEqual(c.nzcv, DPTestHarness.flags("Nzcv"))
        XCTAssertEqual(c.x[sp], 0x1234)
        c = h.exec(0xf10007ff, x: [sp: 1])                                               // cmp sp, #1
        XCTAssertEqual(c.nzcv, DPTestHarness.flags("nZCv"))
        XCTAssertEqual(c.x[sp], 1)
    }

    // MARK: Logical (immediate)

    func testLogicalImmediate() {
        XCTAssertEqual(h.x0(0x92401c20, x: [1: 0x1234_5678_9ABC_DEF0]), 0xF0)           // and x0, x1, #0xff
        XCTAssertEqual(h.x0(0x1200cc20, x: [1: ~0]), 0x0F0F_0F0F)                       // and w0, w1, #0x0f0f0f0f
        XCTAssertEqual(h.x0(0xb200f3e0, x: [0: 7]), 0x5555_5555_5555_5555)              // mov x0, #0x5555555555555555
        XCTAssertEqual(h.x0(0xd27ff820, x: [1: 0x0F]), 0xFFFF_FFFF_FFFF_FFF1)          // eor x0, x1, #0xfffffffffffffffe
        XCTAssertEqual(h.x0(0xb27f1420, x: [1: 0x8000_0000_0000_0001]), 0x8000_0000_0000_007F) // orr x0, x1, #0x7e
    }

    func testLogicalImmediate32BitZeroExtends() {
        XCTAssertEqual(h.x0(0x52010020, x: [1: 0xFFFF_FFFF_0000_0001]), 0x8000_0001)   // eor w0, w1, #0x80000000
        XCTAssertEqual(h.x0(0x32103c20, x: [1: 0xFFFF_FFFF_0000_1234]), 0xFFFF_1234)   // orr w0, w1, #0xffff0000
    }

    func testLogicalImmediateWritesSP() {
        var c = h.exec(0xb2781fff, x: [sp: 0x1111])                                      // mov sp, #0xff00
        XCTAssertEqual(c.x[sp], 0xFF00)
        c = h.exec(0x927cec3f, x: [1: 0x1234_5678_9ABC_DEFF])                            // and sp, x1, #0xfffffffffffffff0
        XCTAssertEqual(c.x[sp], 0x1234_5678_9ABC_DEF0)
    }

    func testANDSImmediateFlags() {
        XCTAssertEqual(h.x0(0xf2410020, x: [1: ~0]), 0x8000_0000_0000_0000)            // ands x0, x1, #0x8000000000000000
        XCTAssertEqual(h.flagsAfter(0xf2410020, x: [1: ~0], nzcv: "nzCV"), "Nzcv")
        XCTAssertEqual(h.flagsAfter(0xf2410020, x: [1: 0x7FFF_FFFF_FFFF_FFFF], nzcv: "nzCV"), "nZcv")
        XCTAssertEqual(h.flagsAfter(0x72010020, x: [1: 0x8000_0000]), "Nzcv")          // ands w0, w1, #0x80000000
        XCTAssertEqual(h.flagsAfter(0x7200003f, x: [1: 2]), "nZcv")                     // tst w1, #1
        XCTAssertEqual(h.flagsAfter(0x7200003f, x: [1: 0x1_0000_0001], nzcv: "NZCV"), "nzcv")
    }

    // MARK: Move wide (immediate)

    func testMoveWide() {
        XCTAssertEqual(h.x0(0xd2e24680, x: [0: ~0]), 0x1234_0000_0000_0000)            // movz x0, #0x1234, lsl #48
        XCTAssertEqual(h.x0(0x52b579a0, x: [0: ~0]), 0xABCD_0000)                       // movz w0, #0xabcd, lsl #16
        XCTAssertEqual(h.x0(0x92800000), ~0)                                             // movn x0, #0
        XCTAssertEqual(h.x0(0x12800000), 0xFFFF_FFFF)                                    // movn w0, #0
        XCTAssertEqual(h.x0(0x92a24680), 0xFFFF_FFFF_EDCB_FFFF)                          // movn x0, #0x1234, lsl #16
        XCTAssertEqual(h.x0(0xf2d7dde0, x: [0: 0x1111_2222_3333_4444]), 0x1111_BEEF_3333_4444) // movk x0, #0xbeef, lsl #32
        XCTAssertEqual(h.x0(0x72824680, x: [0: ~0]), 0xFFFF_1234)                       // movk w0, #0x1234
        let c = h.exec(0xd280003f, x: [sp: 0x40])                                        // movz xzr, #1
        XCTAssertEqual(c.x[sp], 0x40)
    }

    // MARK: Bitfield

    func testSBFM() {
        XCTAssertEqual(h.x0(0x9344fc20, x: [1: 0x8000_0000_0000_00F0]), 0xF800_0000_0000_000F) // asr x0, x1, #4
        XCTAssertEqual(h.x0(0x93401c20, x: [1: 0x1234_5680]), 0xFFFF_FFFF_FFFF_FF80)   // sxtb x0, w1
        XCTAssertEqual(h.x0(0x93401c20, x: [1: 0x7F]), 0x7F)
        XCTAssertEqual(h.x0(0x93407c20, x: [1: 0x1_8000_0000]), 0xFFFF_FFFF_8000_0000) // sxtw x0, w1
        XCTAssertEqual(h.x0(0x93407c20, x: [1: 0xFFFF_FFFF_7FFF_FFFF]), 0x7FFF_FFFF)
        XCTAssertEqual(h.x0(0x937c1c20, x: [1: 0xFF80]), 0xFFFF_FFFF_FFFF_F800)        // sbfiz x0, x1, #4, #8
        XCTAssertEqual(h.x0(0x93410020, x: [1: 1]), 0x8000_0000_0000_0000)             // sbfiz x0, x1, #63, #1
        XCTAssertEqual(h.x0(0x9340fc20, x: [1: 0x8765_4321]), 0x8765_4321)             // asr x0, x1, #0
        XCTAssertEqual(h.x0(0x13042c20, x: [1: 0x0F80]), 0xFFFF_FFF8)                   // sbfx w0, w1, #4, #8
        XCTAssertEqual(h.x0(0x131f7c20, x: [1: 0x8000_0000]), 0xFFFF_FFFF)             // asr w0, w1, #31
        XCTAssertEqual(h.x0(0x131f7c20, x: [1: 0x1_7FFF_FFFF]), 0)
        XCTAssertEqual(h.x0(0x13003c20, x: [1: 0x8001]), 0xFFFF_8001)                  // sxth w0, w1
    }

    func testUBFM() {
        XCTAssertEqual(h.x0(0xd374cc20, x: [1: 0xFFF0_0000_0000_0ABC]), 0xAB_C000)     // lsl x0, x1, #12
        XCTAssertEqual(h.x0(0xd37cfc20, x: [1: 0xA000_0000_0000_0001]), 0xA)           // lsr x0, x1, #60
        XCTAssertEqual(h.x0(0xd340fc20, x: [1: 0xDEAD_BEEF]), 0xDEAD_BEEF)             // lsr x0, x1, #0
        XCTAssertEqual(h.x0(0xd3485c20, x: [1: 0x1234_5678_9ABC_DEF0]), 0xBCDE)        // ubfx x0, x1, #8, #16
        XCTAssertEqual(h.x0(0x53001c20, x: [1: 0xFFFF_FFFF_FFFF_FF85]), 0x85)          // uxtb w0, w1
        XCTAssertEqual(h.x0(0x53003c20, x: [1: 0xFFFF_FFFF_FFFF_FF85]), 0xFF85)        // uxth w0, w1
        XCTAssertEqual(h.x0(0x53010020, x: [1: 3]), 0x8000_0000)                        // lsl w0, w1, #31
        XCTAssertEqual(h.x0(0x53040c20, x: [1: 0xFFFF_FFFF_FFFF_FFF5]), 0x5000_0000)   // ubfiz w0, w1, #28, #4
    }

    func testBFM() {
        XCTAssertEqual(h.x0(0xb3783c20, x: [0: ~0, 1: 0x1234]), 0xFFFF_FFFF_FF12_34FF) // bfi x0, x1, #8, #16
        XCTAssertEqual(h.x0(0x33042c20, x: [0: 0xFFFF_FFFF_AAAA_AAAA, 1: 0x0AB0]), 0xAAAA_AAAB) // bfxil w0, w1, #4, #8
        XCTAssertEqual(h.x0(0xb37cfc20, x: [0: 0, 1: 0xC000_0000_0000_0000]), 0xC)    // bfxil x0, x1, #60, #4
        XCTAssertEqual(h.x0(0x33010020, x: [0: 0x1_0000_0001, 1: 1]), 0x8000_0001)    // bfi w0, w1, #31, #1
        XCTAssertEqual(h.x0(0xb340fc20, x: [0: 5, 1: 0x1234_5678_9ABC_DEF0]), 0x1234_5678_9ABC_DEF0) // bfxil x0, x1, #0, #64
    }

    // MARK: Extract

    func testEXTR() {
        XCTAssertEqual(h.x0(0x93c22020, x: [1: 0x1122_3344_5566_7788, 2: 0x99AA_BBCC_DDEE_FF00]),
                       0x8899_AABB_CCDD_EEFF)                                            // extr x0, x1, x2, #8
        XCTAssertEqual(h.x0(0x13821020, x: [1: 0xFFFF_FFFF_1234_5678, 2: 0xFFFF_FFFF_9ABC_DEF0]),
                       0x89AB_CDEF)                                                      // extr w0, w1, w2, #4
        XCTAssertEqual(h.x0(0x93c10020, x: [1: 0x0123_4567_89AB_CDEF]), 0x0123_4567_89AB_CDEF) // ror x0, x1, #0
        XCTAssertEqual(h.x0(0x93c20020, x: [1: 1, 2: 0xFEDC_BA98_7654_3210]), 0xFEDC_BA98_7654_3210) // extr x0, x1, x2, #0
        XCTAssertEqual(h.x0(0x13820020, x: [1: 1, 2: 0xFFFF_FFFF_8765_4321]), 0x8765_4321) // extr w0, w1, w2, #0
        XCTAssertEqual(h.x0(0x13817c20, x: [1: 0xFFFF_FFFF_8000_0001]), 3)             // ror w0, w1, #31
        XCTAssertEqual(h.x0(0x93c2fc20, x: [1: 1, 2: 0x8000_0000_0000_0000]), 3)       // extr x0, x1, x2, #63
    }

    /// Every allocated SBFM/BFM/UBFM (both sizes, all immr/imms) against a literal transcription
    /// of the Arm ARM pseudocode, including a bit-by-bit DecodeBitMasks written independently of
    /// the one in ARMCore.
    func testBitfieldMatchesPseudocode() {
        var rng = SplitMix64(seed: 0xA64E0)
        for sf: UInt32 in [0, 1] {
            let datasize = sf == 1 ? 64 : 32
            for opc: UInt32 in 0...2 {
                for immr in 0..<UInt32(datasize) {
                    for imms in 0..<UInt32(datasize) {
                        let w = sf << 31 | opc << 29 | 0b100110 << 23 | sf << 22 | immr << 16 | imms << 10 | 1 << 5
                        let i = A64Decoder.decode(w)
                        XCTAssertEqual(i.group, .dataProcessingImmediate)
                        let (wmask, tmask) = Self.referenceBitMasks(n: sf, imms: imms, immr: immr, datasize: datasize)
                        for _ in 0..<3 {
                            let src = UInt64.random(in: 0...UInt64.max, using: &rng)
                            let dst = UInt64.random(in: 0...UInt64.max, using: &rng)
                            h.cpu.x[0] = dst
                            h.cpu.x[1] = src
                            try? h.cpu.executeDataProcessingImmediate(i)
                            let expected = Self.referenceBitfield(opc: opc, datasize: datasize, r: Int(immr), s: Int(imms),
                                                                  wmask: wmask, tmask: tmask, src: src, dst: dst)
                            if h.cpu.x[0] != expected {
                                XCTFail(String(format: "0x%08x src %016llx dst %016llx: got %016llx want %016llx",
                                               w, src, dst, h.cpu.x[0], expected))
                                return
                            }
                        }
                    }
                }
            }
        }
    }

    /// DecodeBitMasks(immN, imms, immr, FALSE, M), one bit at a time.
    static func referenceBitMasks(n: UInt32, imms: UInt32, immr: UInt32, datasize: Int) -> (UInt64, UInt64) {
        let combined = Int(n) << 6 | Int(~imms & 0x3F)
        var len = -1
        for b in 0..<7 where combined >> b & 1 == 1 { len = b }
        let esize = 1 << len, levels = esize - 1
        let s = Int(imms) & levels, r = Int(immr) & levels
        let diff = (s - r) & 0x3F, d = diff & levels
        var welem = [Bool](repeating: false, count: esize), telem = welem
        for b in 0...s { welem[b] = true }
        for b in 0...d { telem[b] = true }
        var wmask: UInt64 = 0, tmask: UInt64 = 0
        for b in 0..<datasize {
            if welem[(b % esize + r) % esize] { wmask |= 1 << UInt64(b) }   // ROR(welem, r)
            if telem[b % esize] { tmask |= 1 << UInt64(b) }
        }
        return (wmask, tmask)
    }

    /// The shared bitfield-move pseudocode (SBFM: opc 00, BFM: 01, UBFM: 10).
    static func referenceBitfield(opc: UInt32, datasize: Int, r: Int, s: Int, wmask: UInt64, tmask: UInt64,
                                  src: UInt64, dst: UInt64) -> UInt64 {
        let mask: UInt64 = datasize == 64 ? ~0 : 0xFFFF_FFFF
        let srcd = src & mask, dstd = opc == 0b01 ? dst & mask : 0
        var rot: UInt64 = 0
        for b in 0..<datasize where srcd >> UInt64((b + r) % datasize) & 1 == 1 { rot |= 1 << UInt64(b) }
        let bot = (dstd & ~wmask) | (rot & wmask)
        let top: UInt64 = opc == 0b00 ? (srcd >> UInt64(s) & 1 == 1 ? ~0 : 0) : dstd
        return ((top & ~tmask) | (bot & tmask)) & mask
    }

    // MARK: Decoding

    func testUnallocatedEncodingsAreUndefined() {
        let words: [UInt32] = [
            0x12400000,  // logical immediate, sf = 0 and N = 1
            0x1240f000,  // logical immediate, sf = 0 and N = 1 (otherwise a valid pattern)
            0x9240fc00,  // logical immediate, all-ones 64-bit element
            0x9200fc00,  // logical immediate, N = 0 imms = 111111 (no element size)
            0x9200f800,  // logical immediate, N = 0 imms = 111110 (element size 1)
            0x9200f400,  // logical immediate, all-ones 2-bit element
            0x1200fc00,  // logical immediate, 32-bit, N = 0 imms = 111111
            0x32800000,  // move wide, opc = 01
            0x52c00000,  // movz w0 with hw = 2
            0x52e00000,  // movz w0 with hw = 3
            0x73000000,  // bitfield, opc = 11
            0x93000000,  // bitfield, sf = 1 and N = 0
            0x13400000,  // bitfield, sf = 0 and N = 1
            0x13008000,  // bitfield, sf = 0 and imms<5> = 1
            0x13200000,  // bitfield, sf = 0 and immr<5> = 1
            0x93800000,  // extr, sf = 1 and N = 0
            0x13808000,  // extr, sf = 0 and imms<5> = 1
            0x93e00000,  // extr, o0 = 1
            0xb3c00000,  // extr, op21 = 01
            0x91800000,  // addg (add/subtract with tags, ARMv8.5): not in ARMv8.0
        ]
        for w in words {
            XCTAssertEqual(A64Decoder.decode(w).group, .undefined, String(format: "0x%08x", w))
        }
        // Neighbours that are allocated.
        for w: UInt32 in [0x9200f000, 0x1200f000, 0x52a00000, 0x93c08000, 0x13007c00] {
            XCTAssertEqual(A64Decoder.decode(w).group, .dataProcessingImmediate, String(format: "0x%08x", w))
        }
    }

    func testUndefinedInstructionTakesException() {
        // An unallocated word must raise UNDEFINED: the PC goes to the vector, not to the next word.
        _ = h.bus.write(DPTestHarness.base, size: 4, value: 0x73000000)
        h.cpu.boot(entry: DPTestHarness.base, el: 1)
        h.cpu.step()
        XCTAssertNotEqual(h.cpu.pc, DPTestHarness.base + 4)
    }

    func testTableHasNoOverlappingRows() {
        assertRowsDoNotOverlap(A64Decoder.dataProcessingImmediate)
    }

    func testEveryRowIsReachableThroughTheTopLevelDecoder() {
        for e in A64Decoder.dataProcessingImmediate {
            XCTAssertEqual(A64Decoder.decode(e.value).group, .dataProcessingImmediate, e.name)
        }
    }

    /// Every word of the group decodes without trapping, and every decoded word executes
    /// without trapping on arbitrary register values.
    func testRandomWordsDecodeAndExecute() {
        var rng = SplitMix64(seed: 0xA64E1)
        for _ in 0..<20_000 {
            let w = (UInt32.random(in: 0...UInt32.max, using: &rng) & ~(0b111 << 26)) | (0b100 << 26)
            let i = A64Decoder.decode(w)
            XCTAssertTrue(i.group == .dataProcessingImmediate || i.group == .undefined)
            if i.group == .undefined { continue }
            for r in 0..<31 { h.cpu.x[r] = UInt64.random(in: 0...UInt64.max, using: &rng) }
            h.cpu.x[Int(Reg.zr)] = 0
            try? h.cpu.executeDataProcessingImmediate(i)
            XCTAssertEqual(h.cpu.x[Int(Reg.zr)], 0, String(format: "0x%08x wrote the zero register", w))
            if i.b == 0 && i.op != DPImmOp.adr.rawValue && i.op != DPImmOp.adrp.rawValue && i.rd != Reg.discard {
                XCTAssertEqual(h.cpu.x[Int(i.rd)] >> 32, 0, String(format: "0x%08x: 32-bit result not zero-extended", w))
            }
        }
    }
}
