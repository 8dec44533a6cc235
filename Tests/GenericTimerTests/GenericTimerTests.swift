import XCTest
import ARMCore
import Bus
@testable import GenericTimer

final class GenericTimerTests: XCTestCase {
    let bus = PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: 1 << 20)!

    func cpu(hasEL2: Bool = true, frequency: UInt64 = 62_500_000) -> (CPU, GenericTimer) {
        var c = CPUConfig()
        c.counterFrequency = frequency
        let cpu = CPU(index: 0, bus: bus, decodeCache: DecodeCache(bus: bus), hasEL2: hasEL2, config: c)
        let t = GenericTimer(counter: SystemCounter(frequency: frequency))
        cpu.timerRegisters = t
        return (cpu, t)
    }

    func testCounterFollowsRetiredInstructionsAtTheBoardFrequency() {
        let (c, t) = cpu()
        XCTAssertEqual(c.readSysReg(.CNTPCT_EL0), 0)
        c.instret = 1_000_000_000          // one virtual second
        XCTAssertEqual(c.readSysReg(.CNTPCT_EL0), 62_500_000)
        XCTAssertEqual(t.counter.count(atNanos: 16), 1, "62.5 MHz: one tick per 16 ns")
        let (a, _) = cpu(frequency: 24_000_000)
        a.instret = 1_000_000_000
        XCTAssertEqual(a.readSysReg(.CNTPCT_EL0), 24_000_000)
        a.idleNanos = 1_000_000_000        // time skipped in WFI counts too
        XCTAssertEqual(a.readSysReg(.CNTPCT_EL0), 48_000_000)
    }

    func testVirtualCountSubtractsCNTVOFF() {
        let (c, _) = cpu()
        c.instret = 1_600
        c.sysregs[SysReg.CNTVOFF_EL2] = 40
        XCTAssertEqual(c.readSysReg(.CNTPCT_EL0), 100)
        XCTAssertEqual(c.readSysReg(.CNTVCT_EL0), 60)
    }

    func testTVALWritesCVALAndISTATUSFollowsTheCount() {
        let (c, t) = cpu()
        c.writeSysReg(.CNTV_TVAL_EL0, 10)
        c.writeSysReg(.CNTV_CTL_EL0, 1)
        XCTAssertEqual(c.readSysReg(.CNTV_CVAL_EL0), 10)
        XCTAssertEqual(c.readSysReg(.CNTV_CTL_EL0), 1, "not yet met")
        c.instret = 160                    // count 10
        XCTAssertEqual(c.readSysReg(.CNTV_CTL_EL0), 5, "ENABLE | ISTATUS")
        XCTAssertTrue(t.outputAsserted(.virtual, cpu: c))
        c.writeSysReg(.CNTV_CTL_EL0, 3)    // masked
        XCTAssertFalse(t.outputAsserted(.virtual, cpu: c))
        XCTAssertEqual(c.readSysReg(.CNTV_TVAL_EL0), 0)
        c.instret = 320
        XCTAssertEqual(c.readSysReg(.CNTV_TVAL_EL0), 0xFFFF_FFF6, "TVAL is the signed distance, -10")
    }

    func testNextDeadlineIsTheEarliestUnmaskedTimer() {
        let (c, t) = cpu()
        XCTAssertNil(t.nextDeadline(cpu: c))
        c.writeSysReg(.CNTP_CVAL_EL0, 1000)
        c.writeSysReg(.CNTP_CTL_EL0, 1)
        c.writeSysReg(.CNTV_CVAL_EL0, 100)
        c.writeSysReg(.CNTV_CTL_EL0, 3)    // masked: no deadline from it
        XCTAssertEqual(t.nextDeadline(cpu: c), 16_000)
    }

    func testIMASKHidesTheOutputButNotISTATUS() {
        let (c, t) = cpu()
        c.writeSysReg(.CNTP_CVAL_EL0, 10)
        c.writeSysReg(.CNTP_CTL_EL0, 3)          // ENABLE | IMASK
        c.instret = 1_000                        // count 62 >= 10
        XCTAssertEqual(c.readSysReg(.CNTP_CTL_EL0), 7, "ISTATUS set, IMASK kept")
        XCTAssertFalse(t.outputAsserted(.physical, cpu: c), "masked: no interrupt")
        XCTAssertNil(t.nextDeadline(cpu: c), "a masked timer is no reason to wake")
        c.writeSysReg(.CNTP_CTL_EL0, 1)
        XCTAssertTrue(t.outputAsserted(.physical, cpu: c))
        XCTAssertNil(t.nextDeadline(cpu: c), "a timer that has fired is a level in the GIC, not a deadline")
    }

    func testDisabledTimerNeverFires() {
        let (c, t) = cpu()
        c.writeSysReg(.CNTV_CVAL_EL0, 0)
        c.instret = 1_000_000
        XCTAssertEqual(c.readSysReg(.CNTV_CTL_EL0), 0, "ISTATUS is 0 while ENABLE is 0")
        XCTAssertFalse(t.outputAsserted(.virtual, cpu: c))
    }

    func testTVALReadsAsASigned32BitDistance() {
        let (c, _) = cpu()
        c.writeSysReg(.CNTP_CVAL_EL0, 100)
        c.instret = 200 * 16                     // count 200: 100 ticks past CVAL
        XCTAssertEqual(c.readSysReg(.CNTP_TVAL_EL0), UInt64(UInt32(bitPattern: -100)))
        c.writeSysReg(.CNTP_TVAL_EL0, UInt64(UInt32(bitPattern: -5)))
        XCTAssertEqual(c.readSysReg(.CNTP_CVAL_EL0), 195, "TVAL writes sign-extend")
    }

    func testVirtualDeadlineHonoursCNTVOFF() {
        let (c, t) = cpu()
        c.sysregs[SysReg.CNTVOFF_EL2] = 1_000
        c.instret = 1_000 * 16                   // virtual count 0 (before, it wraps below zero)
        c.writeSysReg(.CNTV_CVAL_EL0, 500)       // virtual 500 = physical 1,500
        c.writeSysReg(.CNTV_CTL_EL0, 1)
        XCTAssertEqual(t.nextDeadline(cpu: c), 1_500 * 16)
        c.instret = 1_500 * 16 - 1
        XCTAssertFalse(t.outputAsserted(.virtual, cpu: c))
        c.instret = 1_500 * 16
        XCTAssertTrue(t.outputAsserted(.virtual, cpu: c))
    }

    func testHypervisorTimerAndWritesReportChanges() {
        let (c, t) = cpu()
        var changes = 0
        t.onChange = { changes += 1 }
        c.writeSysReg(.CNTHP_TVAL_EL2, 64)
        c.writeSysReg(.CNTHP_CTL_EL2, 1)
        XCTAssertEqual(changes, 2, "each timer write tells the board")
        XCTAssertEqual(t.nextDeadline(cpu: c), 64 * 16)
        c.idleNanos = 64 * 16                    // WFI fast-forward to the deadline
        XCTAssertTrue(t.outputAsserted(.hypervisor, cpu: c))
    }
}
