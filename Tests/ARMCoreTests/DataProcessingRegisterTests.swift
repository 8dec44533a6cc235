import XCTest
@testable import ARMCore
import Bus

/// Data processing -- register (ARM DDI 0487, C4.1.95). Encodings were produced with
/// aarch64-linux-gnu-as and checked with objdump; the assembly is beside each word.
final class DataProcessingRegisterTests: XCTestCase {
    var h: DPTestHarness!
    override func setUp() { h = DPTestHarness() }
    override func tearDown() { h = nil }

    let sp = Int(Reg.sp)
    let min64: UInt64 = 0x8000_0000_0000_0000
    let max64: UInt64 = 0x7FFF_FFFF_FFFF_FFFF

    // MARK: Logical (shifted register)

    func testLogicalShiftedRegister() {
        XCTAssertEqual(h.x0(0x8a021020, x: [1: 0xFFFF_0000_FFFF_0000, 2: 0x0123_4567_89AB_CDEF]),
                       0x1234_0000_9ABC_0000)                                            // and x0, x1, x2, lsl #4
        XCTAssertEqual(h.x0(0x8a220020, x: [1: 0xFF, 2: 0x0F]), 0xF0)                   // bic x0, x1, x2
        XCTAssertEqual(h.x0(0xaa422020, x: [1: 1, 2: min64]), 0x0080_0000_0000_0001)   // orr x0, x1, x2, lsr #8
        XCTAssertEqual(h.x0(0xca82fc20, x: [1: 0x1234, 2: min64]), 0xFFFF_FFFF_FFFF_EDCB) // eor x0, x1, x2, asr #63
        XCTAssertEqual(h.x0(0xaac20420, x: [1: 0, 2: 1]), min64)                        // orr x0, x1, x2, ror #1
        XCTAssertEqual(h.x0(0xaa0103e0, x: [1: 0xDEAD_BEEF_CAFE_F00D]), 0xDEAD_BEEF_CAFE_F00D) // mov x0, x1
    }

    func testLogicalShiftedRegister32Bit() {
        XCTAssertEqual(h.x0(0x2ae21020, x: [1: 0, 2: 0xFFFF_FFFF_0000_000F]), 0x0FFF_FFFF) // orn w0, w1, w2, ror #4
        XCTAssertEqual(h.x0(0x4a220020, x: [1: 0xFFFF_FFFF_0000_FFFF, 2: 0]), 0xFFFF_0000) // eon w0, w1, w2
        XCTAssertEqual(h.x0(0x2a2103e0, x: [1: 0x1234_5678]), 0xEDCB_A987)              // mvn w0, w1
        XCTAssertEqual(h.x0(0x4a827c20, x: [1: 0, 2: 0x8000_0000]), 0xFFFF_FFFF)       // eor w0, w1, w2, asr #31
        XCTAssertEqual(h.x0(0x4a827c20, x: [1: 0, 2: 0x1_0000_0000]), 0)
    }

    func testLogicalShiftedRegisterFlags() {
        XCTAssertEqual(h.x0(0xea020020, x: [1: 0x8000_0000_0000_0001, 2: ~0]), 0x8000_0000_0000_0001) // ands x0, x1, x2
        XCTAssertEqual(h.flagsAfter(0xea020020, x: [1: 0x8000_0000_0000_0001, 2: ~0], nzcv: "nzCV"), "Nzcv")
        XCTAssertEqual(h.flagsAfter(0x6a220020, x: [1: 0xF0, 2: 0xFF], nzcv: "NzCV"), "nZcv")          // bics w0, w1, w2
        XCTAssertEqual(h.x0(0x6a220020, x: [0: 5, 1: 0xF0, 2: 0xFF]), 0)
        XCTAssertEqual(h.flagsAfter(0x6a02003f, x: [1: 0x8000_0000, 2: 0xFFFF_FFFF_8000_0000]), "Nzcv") // tst w1, w2
        XCTAssertEqual(h.x0(0x6a027c20, x: [1: ~0, 2: 1]), 0x8000_0000)                 // ands w0, w1, w2, lsl #31
        XCTAssertEqual(h.flagsAfter(0x6a027c20, x: [1: ~0, 2: 1]), "Nzcv")
    }

    // MARK: AddWithCarry

    /// The flag helpers against the pseudocode's wide-integer AddWithCarry.
    func testAddWithCarryMatchesPseudocode() {
        var rng = SplitMix64(seed: 0xA64F0)
        let specials: [UInt64] = [0, 1, 2, ~0, ~0 - 1, min64, max64, min64 + 1, 0x8000_0000, 0x7FFF_FFFF, 0xFFFF_FFFF,
                                  0x1_0000_0000, 0xFFFF_FFFF_8000_0000]
        func pick() -> UInt64 {
            Bool.random(using: &rng) ? UInt64.random(in: 0...UInt64.max, using: &rng)
                                     : specials[Int.random(in: 0..<specials.count, using: &rng)]
        }
        for _ in 0..<50_000 {
            let x = pick(), y = pick(), c = UInt64.random(in: 0...1, using: &rng)
            for n in [32, 64] {
                let mask: UInt64 = n == 64 ? ~0 : 0xFFFF_FFFF
                let xs = x & mask, ys = y & mask
                let usum = UInt128(xs) + UInt128(ys) + UInt128(c)
                let sx = n == 64 ? Int128(Int64(bitPattern: xs)) : Int128(Int32(truncatingIfNeeded: xs))
                let sy = n == 64 ? Int128(Int64(bitPattern: ys)) : Int128(Int32(truncatingIfNeeded: ys))
                let ssum = sx + sy + Int128(c)
                let result = UInt64(truncatingIfNeeded: usum) & mask
                let sres = n == 64 ? Int128(Int64(bitPattern: result)) : Int128(Int32(truncatingIfNeeded: result))
                let flagN = result >> UInt64(n - 1) & 1 == 1, flagZ = result == 0
                let flagC = UInt128(result) != usum, flagV = sres != ssum
                let want = (flagN ? 1 << 31 : 0) | (flagZ ? 1 << 30 : 0) | (flagC ? 1 << 29 : 0) | (flagV ? 1 << 28 : 0) as UInt32
                let got = n == 64 ? addWithCarry64(x, y, c) : addWithCarry32(x, y, c)
                if got.result != result || got.nzcv != want {
                    XCTFail(String(format: "AddWithCarry%d(%016llx, %016llx, %llu): got %016llx %08x want %016llx %08x",
                                   n, x, y, c, got.result, got.nzcv, result, want))
                    return
                }
            }
        }
    }

    // MARK: Add/subtract (shifted register)

    func testAddSubShiftedRegister() {
        XCTAssertEqual(h.x0(0x8b020c20, x: [1: 1, 2: 2]), 17)                           // add x0, x1, x2, lsl #3
        XCTAssertEqual(h.x0(0x0b420420, x: [1: 0xFFFF_FFFF, 2: 4]), 1)                  // add w0, w1, w2, lsr #1
        XCTAssertEqual(h.x0(0xcb820820, x: [1: 0, 2: 0 &- 8]), 2)                       // sub x0, x1, x2, asr #2
        XCTAssertEqual(h.x0(0x8b82fc20, x: [1: 5, 2: min64]), 4)                        // add x0, x1, x2, asr #63
        XCTAssertEqual(h.x0(0x4b827c20, x: [1: 5, 2: 0x8000_0000]), 6)                  // sub w0, w1, w2, asr #31
        XCTAssertEqual(h.x0(0xcb0103e0, x: [1: 1]), ~0)                                  // neg x0, x1
    }

    func testADDSRegisterFlags64() {
        XCTAssertEqual(h.flagsAfter(0xab020020, x: [1: ~0, 2: 1]), "nZCv")               // adds x0, x1, x2
        XCTAssertEqual(h.flagsAfter(0xab020020, x: [1: max64, 2: 1]), "NzcV")
        XCTAssertEqual(h.flagsAfter(0xab020020, x: [1: min64, 2: min64]), "nZCV")
        XCTAssertEqual(h.flagsAfter(0xab020020, x: [1: 1, 2: 2], nzcv: "NZCV"), "nzcv")
    }

    func testADDSRegisterFlags32() {
        XCTAssertEqual(h.flagsAfter(0x2b020020, x: [1: 0xFFFF_FFFF, 2: 1]), "nZCv")      // adds w0, w1, w2
        XCTAssertEqual(h.x0(0x2b020020, x: [1: 0xFFFF_FFFF, 2: 1]), 0)
        XCTAssertEqual(h.flagsAfter(0x2b020020, x: [1: 0x7FFF_FFFF, 2: 0x1_0000_0001]), "NzcV")
        XCTAssertEqual(h.x0(0x2b020020, x: [1: 0x7FFF_FFFF, 2: 0x1_0000_0001]), 0x8000_0000)
        XCTAssertEqual(h.flagsAfter(0x2b020020, x: [1: 0x8000_0000, 2: 0x8000_0000]), "nZCV")
    }

    func testSUBSRegisterFlags() {
        XCTAssertEqual(h.flagsAfter(0xeb020020, x: [1: 5, 2: 5]), "nZCv")                // subs x0, x1, x2
        XCTAssertEqual(h.flagsAfter(0xeb020020, x: [1: 5, 2: 6]), "Nzcv")
        XCTAssertEqual(h.x0(0xeb020020, x: [1: 5, 2: 6]), ~0)
        XCTAssertEqual(h.flagsAfter(0xeb020020, x: [1: min64, 2: 1]), "nzCV")
        XCTAssertEqual(h.flagsAfter(0xeb020020, x: [1: max64, 2: ~0]), "NzcV")
        XCTAssertEqual(h.flagsAfter(0x6b02003f, x: [1: 0x1_0000_0003, 2: 3]), "nZCv")    // cmp w1, w2
        XCTAssertEqual(h.flagsAfter(0x6b0103e0, x: [1: 0x8000_0000]), "NzcV")             // negs w0, w1
        XCTAssertEqual(h.x0(0x6b0103e0, x: [1: 0x8000_0000]), 0x8000_0000)
        XCTAssertEqual(h.flagsAfter(0x6b0103e0, x: [1: 0]), "nZCv")
    }

    func testZeroRegisterDestinationIsDiscarded() {
        let c = h.exec(0x8b02003f, x: [1: 1, 2: 2, sp: 0x777])                           // add xzr, x1, x2
        XCTAssertEqual(c.x[Int(Reg.zr)], 0)
        XCTAssertEqual(c.x[sp], 0x777)
        // Reading the zero register after writing it still gives 0.
        XCTAssertEqual(h.x0(0xaa1f03e0, x: [0: 9]), 0)                                   // mov x0, xzr
    }

    // MARK: Add/subtract (extended register)

    func testAddSubExtendedRegister() {
        XCTAssertEqual(h.x0(0x8b228020, x: [1: 0x100, 2: 0x80]), 0x80)                  // add x0, x1, w2, sxtb
        XCTAssertEqual(h.x0(0x8b22a420, x: [1: 0, 2: 0xFFFF_FFFF_FFFF_8000]), 0xFFFF_FFFF_FFFF_0000) // add x0, x1, w2, sxth #1
        XCTAssertEqual(h.x0(0xcb22d020, x: [1: 0, 2: 0xFFFF_FFFF]), 16)                 // sub x0, x1, w2, sxtw #4
        XCTAssertEqual(h.x0(0x8b22e420, x: [1: 1, 2: 0x8000_0000_0000_0001]), 3)       // add x0, x1, x2, sxtx #1
        XCTAssertEqual(h.x0(0x8b223020, x: [1: 0, 2: 0xF_FFFF]), 0xF_FFF0)              // add x0, x1, w2, uxth #4
        XCTAssertEqual(h.x0(0x0b220820, x: [1: 0xFFFF_FFFF_0000_0001, 2: 0x1FF]), 0x3FD) // add w0, w1, w2, uxtb #2
    }

    func testAddSubExtendedRegisterStackPointer() {
        XCTAssertEqual(h.x0(0x8b2143e0, x: [sp: 0x1000, 1: ~0]), 0x1_0000_0FFF)         // add x0, sp, w1, uxtw
        var c = h.exec(0x8b22683f, x: [1: 0x100, 2: 0x10])                               // add sp, x1, x2, uxtx #2
        XCTAssertEqual(c.x[sp], 0x140)
        XCTAssertEqual(h.x0(0x0b2143e0, x: [sp: 0x1_0000_0010, 1: 0x1_0000_0005]), 0x15) // add w0, wsp, w1
        c = h.exec(0xcb216fff, x: [sp: 0x1000, 1: 2])                                    // sub sp, sp, x1, uxtx #3
        XCTAssertEqual(c.x[sp], 0xFF0)
    }

    func testAddSubExtendedRegisterFlags() {
        XCTAssertEqual(h.x0(0xab220020, x: [1: ~0, 2: 0x101]), 0)                        // adds x0, x1, w2, uxtb
        XCTAssertEqual(h.flagsAfter(0xab220020, x: [1: ~0, 2: 0x101]), "nZCv")
        let c = h.exec(0xeb2163ff, x: [sp: 0x100, 1: 0x100])                             // cmp sp, x1
        XCTAssertEqual(c.nzcv, DPTestHarness.flags("nZCv"))
        XCTAssertEqual(c.x[sp], 0x100)
        XCTAssertEqual(h.flagsAfter(0x2b22a03f, x: [1: 1, 2: 0xFFFF]), "nZCv")           // cmn w1, w2, sxth
        XCTAssertEqual(h.x0(0xeb21c3e0, x: [sp: 0, 1: 0xFFFF_FFFF]), 1)                 // subs x0, sp, w1, sxtw
        XCTAssertEqual(h.flagsAfter(0xeb21c3e0, x: [sp: 0, 1: 0xFFFF_FFFF]), "nzcv")
    }

    // MARK: Add/subtract (with carry)

    func testADCAndSBC() {
        XCTAssertEqual(h.x0(0x9a020020, x: [1: 1, 2: 2], nzcv: "nzCv"), 4)              // adc x0, x1, x2
        XCTAssertEqual(h.x0(0x9a020020, x: [1: 1, 2: 2], nzcv: "NZcV"), 3)
        XCTAssertEqual(h.x0(0xda020020, x: [1: 10, 2: 3], nzcv: "nzcv"), 6)              // sbc x0, x1, x2
        XCTAssertEqual(h.x0(0xda020020, x: [1: 10, 2: 3], nzcv: "nzCv"), 7)
        XCTAssertEqual(h.x0(0xda0103e0, x: [1: 5], nzcv: "nzCv"), 0 &- 5)                // ngc x0, x1
        XCTAssertEqual(h.x0(0xda0103e0, x: [1: 5], nzcv: "nzcv"), 0 &- 6)
    }

    func testADCSAndSBCSFlags() {
        XCTAssertEqual(h.x0(0xba020020, x: [1: ~0, 2: 0], nzcv: "nzCv"), 0)              // adcs x0, x1, x2
        XCTAssertEqual(h.flagsAfter(0xba020020, x: [1: ~0, 2: 0], nzcv: "nzCv"), "nZCv")
        XCTAssertEqual(h.flagsAfter(0xba020020, x: [1: max64, 2: 0], nzcv: "nzCv"), "NzcV")
        XCTAssertEqual(h.x0(0x3a020020, x: [1: 0xFFFF_FFFF, 2: 0xFFFF_FFFF], nzcv: "nzCv"), 0xFFFF_FFFF) // adcs w0, w1, w2
        XCTAssertEqual(h.flagsAfter(0x3a020020, x: [1: 0xFFFF_FFFF, 2: 0xFFFF_FFFF], nzcv: "nzCv"), "NzCv")
        XCTAssertEqual(h.x0(0x7a020020, x: [1: 0, 2: 0], nzcv: "nzcv"), 0xFFFF_FFFF)    // sbcs w0, w1, w2
        XCTAssertEqual(h.flagsAfter(0x7a020020, x: [1: 0, 2: 0], nzcv: "nzcv"), "Nzcv")
        XCTAssertEqual(h.flagsAfter(0x7a020020, x: [1: 0, 2: 0], nzcv: "nzCv"), "nZCv")
        XCTAssertEqual(h.x0(0xfa020020, x: [1: min64, 2: 0], nzcv: "nzcv"), max64)       // sbcs x0, x1, x2
        XCTAssertEqual(h.flagsAfter(0xfa020020, x: [1: min64, 2: 0], nzcv: "nzcv"), "nzCV")
    }

    // MARK: Conditional compare

    func testConditionalCompareRegister() {
        XCTAssertEqual(h.flagsAfter(0xfa420024, x: [1: 3, 2: 5], nzcv: "nZcv"), "Nzcv")  // ccmp x1, x2, #4, eq
        XCTAssertEqual(h.flagsAfter(0xfa420024, x: [1: 3, 2: 5], nzcv: "nzcv"), "nZcv")
        XCTAssertEqual(h.flagsAfter(0xba42802f, x: [1: max64, 2: 1], nzcv: "nzCv"), "NzcV") // ccmn x1, x2, #15, hi
        XCTAssertEqual(h.flagsAfter(0xba42802f, x: [1: max64, 2: 1], nzcv: "nZCv"), "NZCV")
        XCTAssertEqual(h.flagsAfter(0x7a42b022, x: [1: 5, 2: 0x1_0000_0005], nzcv: "Nzcv"), "nZCv") // ccmp w1, w2, #2, lt
        XCTAssertEqual(h.flagsAfter(0x7a42b022, x: [1: 5, 2: 0x1_0000_0005], nzcv: "nzcv"), "nzCv")
    }

    func testConditionalCompareImmediate() {
        XCTAssertEqual(h.flagsAfter(0x3a431828, x: [1: 0xFFFF_FFFD], nzcv: "nzcv"), "nZCv") // ccmn w1, #3, #8, ne
        XCTAssertEqual(h.flagsAfter(0x3a431828, x: [1: 0xFFFF_FFFD], nzcv: "nZcv"), "Nzcv")
        XCTAssertEqual(h.flagsAfter(0xfa5fa820, x: [1: 31], nzcv: "nzcv"), "nZCv")       // ccmp x1, #31, #0, ge
        XCTAssertEqual(h.flagsAfter(0xfa5fa820, x: [1: 31], nzcv: "Nzcv"), "nzcv")
        XCTAssertEqual(h.flagsAfter(0xfa5fa820, x: [1: 30], nzcv: "NzcV"), "Nzcv")
    }

    // MARK: Conditional select

    func testConditionalSelect() {
        XCTAssertEqual(h.x0(0x9a820020, x: [1: 11, 2: 22], nzcv: "nZcv"), 11)            // csel x0, x1, x2, eq
        XCTAssertEqual(h.x0(0x9a820020, x: [1: 11, 2: 22], nzcv: "nzcv"), 22)
        XCTAssertEqual(h.x0(0x1a821420, x: [1: 0xFFFF_FFFF_0000_0007, 2: 0xFFFF_FFFF], nzcv: "nzcv"), 7) // csinc w0, w1, w2, ne
        XCTAssertEqual(h.x0(0x1a821420, x: [1: 0xFFFF_FFFF_0000_0007, 2: 0xFFFF_FFFF], nzcv: "nZcv"), 0)
        XCTAssertEqual(h.x0(0x1a9f17e0, nzcv: "nZcv"), 1)                                // cset w0, eq
        XCTAssertEqual(h.x0(0x1a9f17e0, x: [0: 9], nzcv: "nzcv"), 0)
        XCTAssertEqual(h.x0(0xda82b020, x: [1: 11, 2: 22], nzcv: "Nzcv"), 11)            // csinv x0, x1, x2, lt
        XCTAssertEqual(h.x0(0xda82b020, x: [1: 11, 2: 22], nzcv: "nzcv"), ~22)
        XCTAssertEqual(h.x0(0xda9fb3e0, nzcv: "nzcv"), ~0)                               // csetm x0, ge
        XCTAssertEqual(h.x0(0xda9fb3e0, x: [0: 9], nzcv: "Nzcv"), 0)
        XCTAssertEqual(h.x0(0xda824420, x: [1: 11, 2: 5], nzcv: "Nzcv"), 11)             // csneg x0, x1, x2, mi
        XCTAssertEqual(h.x0(0xda824420, x: [1: 11, 2: 5], nzcv: "nzcv"), 0 &- 5)
        XCTAssertEqual(h.x0(0x5a810420, x: [1: 5], nzcv: "nzcv"), 0xFFFF_FFFB)           // cneg w0, w1, ne
        XCTAssertEqual(h.x0(0x5a810420, x: [1: 5], nzcv: "nZcv"), 5)
        XCTAssertEqual(h.x0(0x1a82e020, x: [1: 0xFFFF_FFFF_1234_5678, 2: 1]), 0x1234_5678) // csel w0, w1, w2, al
    }

    // MARK: Data-processing (1 source)

    func testRBITAndREV() {
        XCTAssertEqual(h.x0(0xdac00020, x: [1: 1]), min64)                               // rbit x0, x1
        XCTAssertEqual(h.x0(0xdac00020, x: [1: 0x0123_4567_89AB_CDEF]), 0xF7B3_D591_E6A2_C480)
        XCTAssertEqual(h.x0(0x5ac00020, x: [1: 0xFFFF_FFFF_0000_0001]), 0x8000_0000)   // rbit w0, w1
        XCTAssertEqual(h.x0(0xdac00420, x: [1: 0x0011_2233_4455_6677]), 0x1100_3322_5544_7766) // rev16 x0, x1
        XCTAssertEqual(h.x0(0x5ac00420, x: [1: 0xAABB_CCDD_1122_3344]), 0x2211_4433)   // rev16 w0, w1
        XCTAssertEqual(h.x0(0xdac00820, x: [1: 0x0011_2233_4455_6677]), 0x3322_1100_7766_5544) // rev32 x0, x1
        XCTAssertEqual(h.x0(0xdac00c20, x: [1: 0x0011_2233_4455_6677]), 0x7766_5544_3322_1100) // rev x0, x1
        XCTAssertEqual(h.x0(0x5ac00820, x: [1: 0xAABB_CCDD_1122_3344]), 0x4433_2211)   // rev w0, w1
    }

    func testCLZAndCLS() {
        XCTAssertEqual(h.x0(0xdac01020, x: [1: 0]), 64)                                  // clz x0, x1
        XCTAssertEqual(h.x0(0xdac01020, x: [1: 1]), 63)
        XCTAssertEqual(h.x0(0xdac01020, x: [1: min64]), 0)
        XCTAssertEqual(h.x0(0x5ac01020, x: [1: 0xFFFF_FFFF_0000_0000]), 32)             // clz w0, w1
        XCTAssertEqual(h.x0(0x5ac01020, x: [1: 0x1_0000]), 15)
        XCTAssertEqual(h.x0(0xdac01420, x: [1: 0]), 63)                                  // cls x0, x1
        XCTAssertEqual(h.x0(0xdac01420, x: [1: ~0]), 63)
        XCTAssertEqual(h.x0(0xdac01420, x: [1: 1]), 62)
        XCTAssertEqual(h.x0(0xdac01420, x: [1: min64]), 0)
        XCTAssertEqual(h.x0(0xdac01420, x: [1: 0xC000_0000_0000_0000]), 1)
        XCTAssertEqual(h.x0(0xdac01420, x: [1: 0x4000_0000_0000_0000]), 0)
        XCTAssertEqual(h.x0(0x5ac01420, x: [1: ~0]), 31)                                 // cls w0, w1
        XCTAssertEqual(h.x0(0x5ac01420, x: [1: 0xFFFF_FFFF_0000_0000]), 31)
        XCTAssertEqual(h.x0(0x5ac01420, x: [1: 0xFFFF_FFFF_0000_00FF]), 23)
        XCTAssertEqual(h.x0(0x5ac01420, x: [1: 0xFFFF_FF00]), 23)
    }

    // MARK: Data-processing (2 source)

    func testUDIV() {
        XCTAssertEqual(h.x0(0x9ac20820, x: [1: 100, 2: 7]), 14)                          // udiv x0, x1, x2
        XCTAssertEqual(h.x0(0x9ac20820, x: [1: ~0, 2: 1]), ~0)
        XCTAssertEqual(h.x0(0x9ac20820, x: [0: 9, 1: 100, 2: 0]), 0)
        XCTAssertEqual(h.x0(0x1ac20820, x: [1: 0x1_0000_0064, 2: 0x1_0000_0007]), 14)   // udiv w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac20820, x: [0: 9, 1: 100, 2: 0x1_0000_0000]), 0)
        XCTAssertEqual(h.x0(0x1ac20820, x: [1: 0xFFFF_FFFF, 2: 1]), 0xFFFF_FFFF)
    }

    func testSDIV() {
        XCTAssertEqual(h.x0(0x9ac20c20, x: [1: 0 &- 7, 2: 2]), 0 &- 3)                   // sdiv x0, x1, x2
        XCTAssertEqual(h.x0(0x9ac20c20, x: [1: 7, 2: 0 &- 2]), 0 &- 3)
        XCTAssertEqual(h.x0(0x9ac20c20, x: [1: min64, 2: ~0]), min64)
        XCTAssertEqual(h.x0(0x9ac20c20, x: [0: 9, 1: 5, 2: 0]), 0)
        XCTAssertEqual(h.x0(0x1ac20c20, x: [1: 0x8000_0000, 2: 0xFFFF_FFFF]), 0x8000_0000) // sdiv w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac20c20, x: [1: 0xFFFF_FFF9, 2: 2]), 0xFFFF_FFFD)
        XCTAssertEqual(h.x0(0x1ac20c20, x: [0: 9, 1: 0xFFFF_FFF9, 2: 0xFFFF_FFFF_0000_0000]), 0)
    }

    func testVariableShifts() {
        XCTAssertEqual(h.x0(0x9ac22020, x: [1: 1, 2: 65]), 2)                            // lsl x0, x1, x2
        XCTAssertEqual(h.x0(0x9ac22020, x: [1: 1, 2: 63]), min64)
        XCTAssertEqual(h.x0(0x9ac22020, x: [1: 1, 2: 64]), 1)
        XCTAssertEqual(h.x0(0x1ac22020, x: [1: 1, 2: 33]), 2)                            // lsl w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac22020, x: [1: 0xFFFF_FFFF, 2: 4]), 0xFFFF_FFF0)
        XCTAssertEqual(h.x0(0x9ac22420, x: [1: min64, 2: 127]), 1)                       // lsr x0, x1, x2
        XCTAssertEqual(h.x0(0x1ac22420, x: [1: 0xFFFF_FFFF_8000_0000, 2: 31]), 1)       // lsr w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac22420, x: [1: 0xFFFF_FFFF_8000_0000, 2: 32]), 0x8000_0000)
        XCTAssertEqual(h.x0(0x9ac22820, x: [1: min64, 2: 63]), ~0)                       // asr x0, x1, x2
        XCTAssertEqual(h.x0(0x9ac22820, x: [1: min64, 2: 68]), 0xF800_0000_0000_0000)
        XCTAssertEqual(h.x0(0x1ac22820, x: [1: 0x8000_0000, 2: 4]), 0xF800_0000)        // asr w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac22820, x: [1: 0xFFFF_FFFF_7000_0000, 2: 4]), 0x0700_0000)
        XCTAssertEqual(h.x0(0x9ac22c20, x: [1: 1, 2: 1]), min64)                         // ror x0, x1, x2
        XCTAssertEqual(h.x0(0x9ac22c20, x: [1: 1, 2: 64]), 1)
        XCTAssertEqual(h.x0(0x1ac22c20, x: [1: 1, 2: 1]), 0x8000_0000)                   // ror w0, w1, w2
        XCTAssertEqual(h.x0(0x1ac22c20, x: [1: 0xFFFF_FFFF_0000_0001, 2: 33]), 0x8000_0000)
    }

    // MARK: Data-processing (3 source)

    func testMADDAndMSUB() {
        XCTAssertEqual(h.x0(0x9b020c20, x: [1: 3, 2: 4, 3: 5]), 17)                      // madd x0, x1, x2, x3
        XCTAssertEqual(h.x0(0x9b020c20, x: [1: 0x8000_0000_0000_0001, 2: 2, 3: 0]), 2)
        XCTAssertEqual(h.x0(0x9b028c20, x: [1: 3, 2: 4, 3: 5]), 0 &- 7)                  // msub x0, x1, x2, x3
        XCTAssertEqual(h.x0(0x1b027c20, x: [1: 0x10000, 2: 0x10001]), 0x10000)           // mul w0, w1, w2
        XCTAssertEqual(h.x0(0x1b027c20, x: [1: 0xFFFF_FFFF_0000_0003, 2: 3]), 9)
        XCTAssertEqual(h.x0(0x1b020c20, x: [1: 2, 2: 3, 3: ~0]), 5)                      // madd w0, w1, w2, w3
        XCTAssertEqual(h.x0(0x1b028c20, x: [1: 1, 2: 1, 3: 0]), 0xFFFF_FFFF)             // msub w0, w1, w2, w3
    }

    func testLongMultiplies() {
        XCTAssertEqual(h.x0(0x9b220c20, x: [1: 0xFFFF_FFFF, 2: 5, 3: 10]), 5)            // smaddl x0, w1, w2, x3
        XCTAssertEqual(h.x0(0x9b220c20, x: [1: 0x8000_0000, 2: 0x8000_0000, 3: 0]), 0x4000_0000_0000_0000)
        XCTAssertEqual(h.x0(0x9b228c20, x: [1: 0xFFFF_FFFE, 2: 3, 3: 0]), 6)             // smsubl x0, w1, w2, x3
        XCTAssertEqual(h.x0(0x9b227c20, x: [1: 0x1_FFFF_FFFF, 2: 0x7FFF_FFFF]), 0xFFFF_FFFF_8000_0001) // smull x0, w1, w2
        XCTAssertEqual(h.x0(0x9ba20c20, x: [1: ~0, 2: 0xFFFF_FFFF, 3: 1]), 0xFFFF_FFFE_0000_0002) // umaddl x0, w1, w2, x3
        XCTAssertEqual(h.x0(0x9ba28c20, x: [1: 2, 2: 0xFFFF_FFFF, 3: 0]), 0xFFFF_FFFE_0000_0002) // umsubl x0, w1, w2, x3
    }

    func testMultiplyHigh() {
        XCTAssertEqual(h.x0(0x9b427c20, x: [1: ~0, 2: 1]), ~0)                           // smulh x0, x1, x2
        XCTAssertEqual(h.x0(0x9b427c20, x: [1: 0x4000_0000_0000_0000, 2: 4]), 1)
        XCTAssertEqual(h.x0(0x9b427c20, x: [1: min64, 2: min64]), 0x4000_0000_0000_0000)
        XCTAssertEqual(h.x0(0x9bc27c20, x: [1: ~0, 2: ~0]), 0xFFFF_FFFF_FFFF_FFFE)       // umulh x0, x1, x2
        XCTAssertEqual(h.x0(0x9bc27c20, x: [1: min64, 2: 2]), 1)
    }

    // MARK: Decoding

    func testUnallocatedEncodingsAreUndefined() {
        let words: [UInt32] = [
            0x0a028020,  // logical (shifted register), sf = 0 and imm6 = 32
            0x8bc20020,  // add (shifted register) with shift = ROR
            0x0b028020,  // add (shifted register), sf = 0 and imm6 = 32
            0x8b600000,  // add (extended register) with opt = 01
            0x8b201400,  // add (extended register) with imm3 = 5
            0x5a400000,  // conditional compare with S = 0
            0x7a400010,  // conditional compare with o3 = 1
            0x7a400400,  // conditional compare with o2 = 1
            0x3a800000,  // conditional select with S = 1
            0x1a800800,  // conditional select with op2 = 10
            0x1ac00000,  // 2-source, opcode 000000
            0x1ac01400,  // 2-source, opcode 000101
            0x9ac01000,  // irg (ARMv8.5)
            0x1ac24c20,  // crc32x with sf = 0
            0x9ac24020,  // crc32b with sf = 1
            0x9ac25820,  // crc32cw with sf = 1
            0x5ac00c00,  // 1-source, opcode 000011 with sf = 0
            0xdac10000,  // pacia (ARMv8.3)
            0xfac00000,  // 1-source with S = 1
            0xdac01800,  // ctz (FEAT_CSSC)
            0x1b200000,  // smaddl with sf = 0
            0x1b400000,  // smulh with sf = 0
            0xbb000000,  // 3-source with op54 = 01
            0x9b600000,  // 3-source with op31 = 011
            0x9b408000,  // smulh with o0 = 1
            0x9be00000,  // 3-source with op31 = 111
            0x9b800000,  // 3-source with op31 = 100
            0xba000400,  // rmif (ARMv8.4)
            0x3a00080d,  // setf8 (ARMv8.4)
        ]
        for w in words {
            XCTAssertEqual(A64Decoder.decode(w).group, .undefined, String(format: "0x%08x", w))
        }
        // Neighbours that are allocated.
        for w: UInt32 in [0x0a027c20, 0x8b800000, 0x8b201000, 0x7a400000, 0x1a800400, 0x5ac00800, 0x9b407c00] {
            XCTAssertEqual(A64Decoder.decode(w).group, .dataProcessingRegister, String(format: "0x%08x", w))
        }
    }

    func testTableHasNoOverlappingRows() {
        assertRowsDoNotOverlap(A64Decoder.dataProcessingRegister)
    }

    func testEveryRowIsReachableThroughTheTopLevelDecoder() {
        for e in A64Decoder.dataProcessingRegister {
            XCTAssertEqual(A64Decoder.decode(e.value).group, .dataProcessingRegister, e.name)
        }
    }

    /// Every word of the group decodes without trapping, and every decoded word executes
    /// without trapping on arbitrary register values (division included).
    func testRandomWordsDecodeAndExecute() {
        var rng = SplitMix64(seed: 0xA64F1)
        let specials: [UInt64] = [0, 1, ~0, min64, max64, 0x8000_0000, 0xFFFF_FFFF, 0x7FFF_FFFF]
        for k in 0..<20_000 {
            let w = (UInt32.random(in: 0...UInt32.max, using: &rng) & ~(0b111 << 25)) | (0b101 << 25)
            let i = A64Decoder.decode(w)
            XCTAssertTrue(i.group == .dataProcessingRegister || i.group == .undefined)
            if i.group == .undefined { continue }
            for r in 0..<31 {
                h.cpu.x[r] = k % 2 == 0 ? UInt64.random(in: 0...UInt64.max, using: &rng)
                                        : specials[Int.random(in: 0..<specials.count, using: &rng)]
            }
            h.cpu.x[Int(Reg.zr)] = 0
            h.cpu.nzcv = UInt32.random(in: 0...15, using: &rng) << 28
            try? h.cpu.executeDataProcessingRegister(i)
            XCTAssertEqual(h.cpu.x[Int(Reg.zr)], 0, String(format: "0x%08x wrote the zero register", w))
            XCTAssertEqual(h.cpu.nzcv & 0x0FFF_FFFF, 0, String(format: "0x%08x: stray PSTATE bits", w))
            // Long multiplies write X registers whatever sf says; conditional compares write no register.
            let noWRegister = [DPRegOp.smaddl, .smsubl, .umaddl, .umsubl, .smulh, .umulh,
                               .ccmnReg, .ccmpReg, .ccmnImm, .ccmpImm].map(\.rawValue).contains(i.op)
            if i.b == 0 && !noWRegister && i.rd != Reg.discard {
                XCTAssertEqual(h.cpu.x[Int(i.rd)] >> 32, 0, String(format: "0x%08x: 32-bit result not zero-extended", w))
            }
        }
    }
}
