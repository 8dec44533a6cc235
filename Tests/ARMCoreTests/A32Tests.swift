import XCTest
@testable import ARMCore
import Bus

/// A32 instructions, one class at a time, on a CPU booted in AArch32 SVC mode under an AArch64
/// EL2 (HCR_EL2.RW = 0). Encodings carry their assembly in a comment.
final class A32Tests: XCTestCase {
    func machine(_ words: [UInt32], mode: AArch32Mode = .svc) -> CoreTestMachine {
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: UInt32(CoreTestMachine.ramBase), mode: mode)
        m.program(words)
        return m
    }

    func r(_ m: CoreTestMachine, _ n: UInt32) -> UInt32 { m.cpu.r(n) }

    func testDataProcessingImmediateAndFlags() {
        let m = machine([
            0xE3A0_0005,   // mov r0, #5
            0xE280_1003,   // add r1, r0, #3
            0xE251_2008,   // subs r2, r1, #8
            0x03A0_3001,   // moveq r3, #1
            0x13A0_3002,   // movne r3, #2
            0xE3E0_4000,   // mvn r4, #0
            0xE294_5001,   // adds r5, r4, #1   (carry out, zero)
        ])
        m.steps(7)
        XCTAssertEqual(r(m, 0), 5)
        XCTAssertEqual(r(m, 1), 8)
        XCTAssertEqual(r(m, 2), 0)
        XCTAssertEqual(r(m, 3), 1, "MOVEQ ran and MOVNE did not")
        XCTAssertEqual(r(m, 4), 0xFFFF_FFFF)
        XCTAssertEqual(r(m, 5), 0)
        XCTAssertEqual(m.cpu.nzcv, CPSR.Z | CPSR.C)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 28)
    }

    func testShiftsMovwMovtAndRegisterShift() {
        let m = machine([
            0xE301_3234,   // movw r3, #0x1234
            0xE345_3678,   // movt r3, #0x5678
            0xE1A0_4203,   // mov r4, r3, lsl #4
            0xE1B0_5FA3,   // movs r5, r3, lsr #31  (carry = bit 30)
            0xE3A0_6008,   // mov r6, #8
            0xE1A0_7633,   // mov r7, r3, lsr r6
            0xE1A0_8063,   // mov r8, r3, rrx
            0xE1A0_9C43,   // mov r9, r3, asr #24
        ])
        m.steps(8)
        XCTAssertEqual(r(m, 3), 0x5678_1234)
        XCTAssertEqual(r(m, 4), 0x6781_2340)
        XCTAssertEqual(r(m, 5), 0)
        XCTAssertEqual(m.cpu.nzcv & CPSR.C, CPSR.C, "LSR #31 shifts bit 30 (1) out")
        XCTAssertEqual(r(m, 7), 0x0056_7812)
        XCTAssertEqual(r(m, 8), 0xAB3C_091A, "RRX brings the carry in at the top")
        XCTAssertEqual(r(m, 9), 0x56)
    }

    func testMultiplyDivideAndBitOperations() {
        let m = machine([
            0xE3A0_0007,   // mov r0, #7
            0xE3A0_1006,   // mov r1, #6
            0xE002_0190,   // mul r2, r0, r1
            0xE736_F112,   // udiv r6, r2, r1
            0xE3E0_3000,   // mvn r3, #0
            0xE0C5_4390,   // smull r4, r5, r0, r3   (7 * -1)
            0xE16F_7F10,   // clz r7, r0
            0xE6BF_8F30,   // rev r8, r0
            0xE7E4_9050,   // ubfx r9, r0, #0, #5
            0xE7C7_A010,   // bfi r10, r0, #0, #8
        ])
        m.steps(10)
        XCTAssertEqual(r(m, 2), 42)
        XCTAssertEqual(r(m, 6), 7)
        XCTAssertEqual(r(m, 4), 0xFFFF_FFF9)
        XCTAssertEqual(r(m, 5), 0xFFFF_FFFF)
        XCTAssertEqual(r(m, 7), 29)
        XCTAssertEqual(r(m, 8), 0x0700_0000)
        XCTAssertEqual(r(m, 9), 7)
        XCTAssertEqual(r(m, 10), 7)
    }

    func testLoadsStoresAndBlockTransfers() {
        let stack = UInt32(CoreTestMachine.ramBase) + 0x8000
        let m = machine([
            0xE59F_D018,   // ldr sp, [pc, #24]     (literal at +32)
            0xE3A0_0011,   // mov r0, #0x11
            0xE3A0_1022,   // mov r1, #0x22
            0xE92D_0003,   // push {r0, r1}
            0xE3A0_0000,   // mov r0, #0
            0xE8BD_000C,   // pop {r2, r3}
            0xE52D_3004,   // str r3, [sp, #-4]!
            0xE1DD_40B0,   // ldrh r4, [sp]
            stack,
        ])
        m.steps(8)
        XCTAssertEqual(r(m, 13), stack - 4)
        XCTAssertEqual(r(m, 2), 0x11)
        XCTAssertEqual(r(m, 3), 0x22)
        XCTAssertEqual(r(m, 4), 0x22)
        XCTAssertEqual(m.bus.read(UInt64(stack - 8), size: 4), 0x11, "PUSH stores the lowest register lowest")
    }

    func testBranchAndLinkAndReturn() {
        let m = machine([
            0xEB00_0001,   // bl +12 (to +12)
            0xE3A0_0001,   // mov r0, #1        (after return)
            0xEAFF_FFFE,   // b .
            0xE3A0_1002,   // mov r1, #2
            0xE12F_FF1E,   // bx lr
        ])
        m.steps(4)
        XCTAssertEqual(r(m, 1), 2)
        XCTAssertEqual(r(m, 14), UInt32(CoreTestMachine.ramBase) + 4)
        XCTAssertEqual(r(m, 0), 1)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 8)
    }

    func testBankedStackPointersLiveWhereTheMappingPutsThem() {
        let m = machine([
            0xE3A0_D010,   // mov sp, #0x10      (SP_svc)
            0xF102_0013,   // cps #0x13 (no change: svc)
            0xF102_0012,   // cps #0x12 (irq)
            0xE3A0_D020,   // mov sp, #0x20      (SP_irq)
            0xE3A0_E030,   // mov lr, #0x30      (LR_irq)
            0xF102_0013,   // cps #0x13
        ])
        m.steps(6)
        XCTAssertEqual(m.cpu.x[19], 0x10, "SP_svc is X19")
        XCTAssertEqual(m.cpu.x[17], 0x20, "SP_irq is X17")
        XCTAssertEqual(m.cpu.x[16], 0x30, "LR_irq is X16")
        XCTAssertEqual(m.cpu.mode32, .svc)
        XCTAssertEqual(r(m, 13), 0x10)
    }

    func testSVCAndUndefinedEnterTheirModesAndReturn() {
        let base = UInt32(CoreTestMachine.ramBase)
        var words = [UInt32](repeating: 0xE320_F000, count: 16)   // nop
        words[0] = 0xEA00_0008         // b +40 (reset "vector" jumps to the code at 0x28)
        words[2] = 0xE1B0_F00E         // vector +8 (SVC): movs pc, lr
        words[1] = 0xE25E_F004         // vector +4 (UND): subs pc, lr, #4 ... retried: see below
        words[10] = 0xEF00_0042        // 0x28: svc #0x42
        words[11] = 0xE3A0_0009        // 0x2C: mov r0, #9
        let m = machine(words)
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base)
        m.steps(2)                     // b, svc
        XCTAssertEqual(m.cpu.mode32, .svc)
        XCTAssertEqual(m.cpu.pc, UInt64(base + 8), "the SVC vector")
        XCTAssertEqual(r(m, 14), base + 0x2C, "LR_svc is the next instruction")
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL1] & 0x1F, 0x13)
        m.steps(2)                     // movs pc, lr; mov r0, #9
        XCTAssertEqual(r(m, 0), 9)

        let u = machine([0xE7F0_00F0]) // udf #0
        u.cpu.sysregs[SysReg.VBAR_EL1] = 0x4000_1000
        u.steps(1)
        XCTAssertEqual(u.cpu.mode32, .und)
        XCTAssertEqual(u.cpu.pc, 0x4000_1004)
        XCTAssertEqual(u.cpu.r(14), base + 4, "LR_und is the next instruction")
        XCTAssertEqual(u.cpu.sysregs[SysReg.SPSR_und] & 0x1F, 0x13, "SPSR_und holds the svc CPSR")
    }

    /// HVC from an AArch32 EL1 to the AArch64 EL2: EC 0x12, the lower-EL AArch32 vector, an
    /// AArch32-format SPSR_EL2, and ERET back into AArch32 state.
    func testHVCToAArch64EL2AndBack() {
        let base = UInt32(CoreTestMachine.ramBase)
        let m = machine([
            0xE3A0_C002,   // mov r12, #2
            0xE140_0070,   // hvc #0
            0xE3A0_0007,   // mov r0, #7
        ])
        m.cpu.sysregs[SysReg.VBAR_EL2] = 0x4000_2000
        m.program([0xD69F_03E0], at: 0x4000_2600)   // eret at the lower-EL AArch32 synchronous vector
        m.steps(2)
        XCTAssertFalse(m.cpu.aarch32)
        XCTAssertEqual(m.cpu.el, 2)
        XCTAssertEqual(m.esr2EC, 0x12)
        XCTAssertEqual(m.cpu.pc, 0x4000_2600)
        XCTAssertEqual(m.cpu.sysregs[SysReg.ELR_EL2], UInt64(base + 8))
        XCTAssertEqual(m.cpu.sysregs[SysReg.SPSR_EL2] & 0x1F, 0x13, "M[4] = 1: AArch32 svc")
        XCTAssertEqual(m.cpu.x[12], 2, "EL2 sees R12 in X12")
        m.steps(2)                     // eret, mov r0, #7
        XCTAssertTrue(m.cpu.aarch32)
        XCTAssertEqual(m.cpu.mode32, .svc)
        XCTAssertEqual(r(m, 0), 7)
    }

    func testCP15ReadsAndTrapsUnderHCR() {
        let m = machine([
            0xEE10_0F10,   // mrc p15, 0, r0, c0, c0, 0   (MIDR)
            0xEE11_1F10,   // mrc p15, 0, r1, c1, c0, 0   (SCTLR)
            0xEE0C_2F10,   // mcr p15, 0, r2, c12, c0, 0  (VBAR)
        ])
        m.cpu.x[2] = 0x4000_8000
        m.steps(3)
        XCTAssertEqual(UInt64(r(m, 0)), m.cpu.sysregs[SysReg.VPIDR_EL2] & 0xFFFF_FFFF)
        XCTAssertEqual(UInt64(r(m, 1)), m.cpu.sysregs[SysReg.SCTLR_EL1] & 0xFFFF_FFFF)
        XCTAssertEqual(m.cpu.sysregs[SysReg.VBAR_EL1], 0x4000_8000)

        // HCR_EL2.TVM traps the SCTLR write to EL2 with EC 0x03 and the AArch32 ISS.
        let t = machine([0xEE01_2F10])   // mcr p15, 0, r2, c1, c0, 0
        t.cpu.sysregs[SysReg.HCR_EL2] |= HCR.TVM
        t.steps(1)
        XCTAssertEqual(t.esr2EC, 0x03)
        let iss = t.cpu.sysregs[SysReg.ESR_EL2] & 0x1FF_FFFF
        XCTAssertEqual((iss >> 10) & 0xF, 1, "CRn")
        XCTAssertEqual((iss >> 5) & 0x1F, 2, "Rt")
        XCTAssertEqual(iss & 1, 0, "a write")
    }

    func testExclusivesAndConditionFailsAreHarmless() {
        let m = machine([
            0xE59F_0010,   // ldr r0, [pc, #16] (address at +24)
            0xE190_1F9F,   // ldrex r1, [r0]
            0xE281_1001,   // add r1, r1, #1
            0xE180_2F91,   // strex r2, r1, [r0]
            0xE180_3F91,   // strex r3, r1, [r0]   (monitor now clear: fails)
            0x0000_0000,   // andeq r0, r0, r0 (condition fails: Z clear)
            UInt32(CoreTestMachine.ramBase) + 0x100,
        ])
        m.steps(6)
        XCTAssertEqual(r(m, 2), 0, "first STREX succeeds")
        XCTAssertEqual(r(m, 3), 1, "second STREX fails")
        XCTAssertEqual(m.bus.read(CoreTestMachine.ramBase + 0x100, size: 4), 1)
    }

    /// The long-descriptor (LPAE) regime: TTBR0 identity-maps the code, TTBR1 (T1SZ = 2, the
    /// top 1 GiB, as Linux's 3G/1G split sets it) maps 0xC0000000 onto RAM with a 2 MiB block.
    func testLongDescriptorTranslationWithTwoTTBRs() {
        let m = machine([
            0xEE02_0F50,   // mcr p15, 0, r0, c2, c0, 2     (TTBCR = EAE | T1SZ=2)
            0xEC41_8F02,   // mcrr p15, 0, r8, r1, c2       (TTBR0)
            0xEC43_2F12,   // mcrr p15, 1, r2, r3, c2       (TTBR1)
            0xEE11_4F10,   // mrc p15, 0, r4, c1, c0, 0     (SCTLR)
            0xE384_4001,   // orr r4, r4, #1                (M)
            0xEE01_4F10,   // mcr p15, 0, r4, c1, c0, 0
            0xF57F_F06F,   // isb
            0xE596_5000,   // ldr r5, [r6]
            0xE597_7000,   // ldr r7, [r7]                  (an unmapped address: translation fault)
        ])
        let base = CoreTestMachine.ramBase
        m.cpu.setR(0, 0x8002_0000)
        m.cpu.setR(8, UInt32(base) + 0x1_0000); m.cpu.setR(1, 0)
        m.cpu.setR(2, UInt32(base) + 0x1_1000); m.cpu.setR(3, 0)
        m.cpu.setR(6, 0xC000_0100)
        m.cpu.setR(7, 0x8000_0000)                       // in TTBR0's range, its L1 entry empty
        _ = m.bus.write(base + 0x1_0000 + 8, size: 8, value: base | 0x401)        // L1[1]: 1 GiB block
        _ = m.bus.write(base + 0x1_1000, size: 8, value: base | 0x401)            // L2[0]: 2 MiB block
        _ = m.bus.write(base + 0x100, size: 4, value: 0xCAFE_F00D)
        m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0x8000
        m.steps(9)
        XCTAssertEqual(m.cpu.r(5), 0xCAFE_F00D, "0xC0000100 reads RAM through TTBR1")
        XCTAssertEqual(m.cpu.mode32, .abt, "an empty L1 entry: a data abort")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL1] & 0xFFFF_FFFF, 0x8000_0000, "DFAR")
        XCTAssertEqual(m.cpu.sysregs[SysReg.ESR_EL1] & 0x23F, 0x205, "DFSR: LPAE format, level 1 translation fault")
    }

    /// The short-descriptor format: a section in a Client domain, a small page in a domain DACR
    /// first denies (a page domain fault, DFSR.FS = 0b01011), then makes a Manager.
    func testShortDescriptorSectionsPagesAndDomains() {
        let words: [UInt32] = [
            0xEE03_0F10,   // mcr p15, 0, r0, c3, c0, 0     (DACR)
            0xEE02_1F10,   // mcr p15, 0, r1, c2, c0, 0     (TTBR0)
            0xEE11_4F10,   // mrc p15, 0, r4, c1, c0, 0     (SCTLR)
            0xE384_4001,   // orr r4, r4, #1
            0xEE01_4F10,   // mcr p15, 0, r4, c1, c0, 0
            0xF57F_F06F,   // isb
            0xE596_5000,   // ldr r5, [r6]                  (section, domain 0: client, AP = RW)
            0xE598_7000,   // ldr r7, [r8]                  (small page, domain 1)
        ]
        let base = CoreTestMachine.ramBase
        func run(dacr: UInt32) -> CoreTestMachine {
            let m = machine(words)
            m.cpu.setR(0, dacr)
            m.cpu.setR(1, UInt32(base) + 0x4000)
            m.cpu.setR(6, 0x4000_0100)
            m.cpu.setR(8, 0x0010_0100)
            _ = m.bus.write(base + 0x4000 + 0x400 * 4, size: 4, value: base | 0xC02)    // section, AP 011
            _ = m.bus.write(base + 0x4000 + 1 * 4, size: 4, value: (base + 0x8000) | 0x21) // table, domain 1
            _ = m.bus.write(base + 0x8000, size: 4, value: base | 0x32)                // small page, AP 011
            _ = m.bus.write(base + 0x100, size: 4, value: 0x1234_5678)
            m.cpu.sysregs[SysReg.VBAR_EL1] = base + 0xC000
            m.steps(8)
            return m
        }
        let denied = run(dacr: 0b01)
        XCTAssertEqual(denied.cpu.r(5), 0x1234_5678, "the section translates")
        XCTAssertEqual(denied.cpu.mode32, .abt)
        XCTAssertEqual(denied.cpu.sysregs[SysReg.ESR_EL1] & 0x40F, 0x00B, "DFSR: page domain fault")
        let manager = run(dacr: 0b1101)
        XCTAssertEqual(manager.cpu.mode32, .svc)
        XCTAssertEqual(manager.cpu.r(7), 0x1234_5678, "the page translates for a Manager domain")
    }

    /// VFP on the shared V registers: arithmetic, conversions, compare to APSR, immediates,
    /// loads, stores, VPUSH/VPOP and the fused multiply-add. Encodings from binutils.
    func testVFP() {
        let m = machine([
            0xEEE8_0A10,   // vmsr fpexc, r0
            0xEE00_1A10,   // vmov s0, r1
            0xEE00_2A90,   // vmov s1, r2
            0xEE30_1A20,   // vadd.f32 s2, s0, s1
            0xEE61_1A01,   // vmul.f32 s3, s2, s2
            0xEE81_2AA0,   // vdiv.f32 s4, s3, s1
            0xEEB7_3AC2,   // vcvt.f64.f32 d3, s4
            0xEEB1_4BC3,   // vsqrt.f64 d4, d3
            0xEEB4_4B43,   // vcmp.f64 d4, d3
            0xEEF1_FA10,   // vmrs APSR_nzcv, fpscr
            0xEE12_3A10,   // vmov r3, s4
            0xEEBD_5BC4,   // vcvt.s32.f64 s10, d4
            0xEE15_6A10,   // vmov r6, s10
            0xEEB0_5B04,   // vmov.f64 d5, #2.5
            0xED87_5B00,   // vstr d5, [r7]
            0xED97_6B00,   // vldr d6, [r7]
            0xEC59_8B16,   // vmov r8, r9, d6
            0xEEA0_0A81,   // vfma.f32 s0, s1, s2
            0xEE10_AA10,   // vmov r10, s0
            0xED2D_4B04,   // vpush {d4-d5}
            0xECBD_7B04,   // vpop {d7-d8}
            0xEC5C_BB18,   // vmov r11, r12, d8
        ])
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.setR(0, 0x4000_0000)              // FPEXC.EN
        m.cpu.setR(1, Float(1.5).bitPattern)
        m.cpu.setR(2, Float(2.5).bitPattern)
        m.cpu.setR(7, UInt32(CoreTestMachine.ramBase) + 0x800)
        m.cpu.setR(13, UInt32(CoreTestMachine.ramBase) + 0x1000)
        m.steps(22)
        XCTAssertEqual(m.cpu.mode32, .svc, "no exception")
        XCTAssertEqual(m.cpu.sreg(2), Float(4).bitPattern)
        XCTAssertEqual(m.cpu.r(3), Float(6.4).bitPattern, "16 / 2.5 rounded to single")
        XCTAssertEqual(m.cpu.dreg(3), Double(Float(6.4)).bitPattern, "single to double is exact")
        XCTAssertEqual(m.cpu.vHigh(1), Double(Float(6.4)).bitPattern, "D3 is the high half of V1")
        XCTAssertEqual(m.cpu.dreg(4), Double(Float(6.4)).squareRoot().bitPattern)
        XCTAssertEqual(m.cpu.nzcv, CPSR.N, "sqrt(6.4) < 6.4")
        XCTAssertEqual(m.cpu.r(6), 2, "VCVT rounds toward zero")
        XCTAssertEqual(m.cpu.r(8), 0)
        XCTAssertEqual(m.cpu.r(9), 0x4004_0000, "2.5 through memory")
        XCTAssertEqual(m.cpu.r(10), Float(11.5).bitPattern, "1.5 + 2.5 * 4 fused")
        XCTAssertEqual(m.cpu.r(12), 0x4004_0000, "VPUSH/VPOP")
        XCTAssertEqual(m.cpu.r(13), UInt32(CoreTestMachine.ramBase) + 0x1000)
    }

    func testVFPIsUndefinedUntilFPEXCEnables() {
        let m = machine([0xEE30_1A20])          // vadd.f32 s2, s0, s1
        m.cpu.sysregs[SysReg.CPACR_EL1] = 0xF << 20
        m.cpu.sysregs[SysReg.VBAR_EL1] = 0x4000_2000
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .und)
    }

    /// Fixes to the shared executors found while adding T32: banked registers are SYSm = M:M1,
    /// SBFX/UBFX read Rn, LDRD's Rt2 is explicit, and ERET outside Hyp mode returns like
    /// MOVS PC, LR.
    func testBankedRegistersBitFieldExtractsAndLDRD() {
        let m = machine([
            0xE105_0200,   // mrs r0, sp_usr
            0xE120_F301,   // msr lr_irq, r1
            0xE146_2300,   // mrs r2, spsr_und
            0xE3A0_3050,   // mov r3, #0x50
            0xE7A2_4253,   // sbfx r4, r3, #4, #3
            0xE7E3_5253,   // ubfx r5, r3, #4, #4
            0xE1C8_60D0,   // ldrd r6, r7, [r8]
        ])
        m.cpu.x[13] = 0x1313
        m.cpu.x[1] = 0x1616
        m.cpu.x[8] = CoreTestMachine.ramBase + 0x100
        m.cpu.sysregs[SysReg.SPSR_und] = 0x2000_01DB
        m.program([0x1111_1111, 0x2222_2222], at: CoreTestMachine.ramBase + 0x100)
        m.steps(7)
        XCTAssertEqual(r(m, 0), 0x1313, "SP_usr is SYSm 0b00101")
        XCTAssertEqual(m.cpu.x[16], 0x1616, "LR_irq is SYSm 0b10000")
        XCTAssertEqual(r(m, 2), 0x2000_01DB)
        XCTAssertEqual(r(m, 4), 0xFFFF_FFFD, "SBFX of Rn = r3, not r0")
        XCTAssertEqual(r(m, 5), 5)
        XCTAssertEqual(r(m, 6), 0x1111_1111)
        XCTAssertEqual(r(m, 7), 0x2222_2222)
    }

    func testERETAtEL1ReturnsWithLRAndSPSR() {
        let base = UInt32(CoreTestMachine.ramBase)
        var words = [UInt32](repeating: 0xE320_F000, count: 16)   // nop
        words[2] = 0xE160_006E         // vector +8 (SVC): eret
        words[10] = 0xEF00_0001        // 0x28: svc #1
        words[11] = 0xE3A0_0009        // 0x2C: mov r0, #9
        let m = machine(words)
        m.cpu.pc = UInt64(base + 0x28)
        m.cpu.sysregs[SysReg.VBAR_EL1] = UInt64(base)
        m.steps(3)                     // svc, eret, mov
        XCTAssertEqual(r(m, 0), 9)
        XCTAssertEqual(m.cpu.pc, UInt64(base + 0x30))

        let u = machine([0xE160_006E], mode: .usr)   // eret in User mode: UNDEFINED
        u.cpu.sysregs[SysReg.VBAR_EL1] = 0x4000_1000
        u.steps(1)
        XCTAssertEqual(u.cpu.mode32, .und)
    }

    /// Fetching from an address with no memory is a Prefetch Abort (an instruction abort), not
    /// a Data Abort.
    func testFetchFromNothingIsAPrefetchAbort() {
        let end = UInt32(CoreTestMachine.ramBase) + (1 << 20)
        let m = CoreTestMachine(el: 2)
        m.cpu.bootAArch32(entry: end, mode: .svc)
        m.cpu.sysregs[SysReg.VBAR_EL1] = CoreTestMachine.ramBase
        m.steps(1)
        XCTAssertEqual(m.cpu.mode32, .abt)
        XCTAssertEqual(m.cpu.pc, CoreTestMachine.ramBase + 0x0C, "the Prefetch Abort vector")
        XCTAssertEqual(m.cpu.sysregs[SysReg.FAR_EL1] >> 32, UInt64(end), "IFAR")
        XCTAssertEqual(r(m, 14), end + 4)
    }
}
