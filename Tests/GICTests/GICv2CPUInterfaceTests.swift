import XCTest
import ARMCore
import Bus
@testable import GIC

/// GICC and delivery to the CPU outputs (ARM IHI 0048B 3.2, 3.3, 4.4).
final class GICv2CPUInterfaceTests: XCTestCase {
    func testNothingPendingReadsSpuriousAndIdlePriority() {
        let g = V2()
        g.start()
        XCTAssertEqual(g.c(GICC.IAR), 1023)
        XCTAssertEqual(g.c(GICC.HPPIR), 1023)
        XCTAssertEqual(g.c(GICC.RPR), 0xFF)
        XCTAssertEqual(g.c(GICC.IIDR), 0x0202_143B)
        XCTAssertEqual(g.sinks[0].inputs, [])
    }

    func testRegistersHoldTheirImplementedBits() {
        let g = V2()
        g.c(GICC.PMR, 0xFF)
        XCTAssertEqual(g.c(GICC.PMR), 0xF8, "5 priority bits")
        g.c(GICC.BPR, 0)
        XCTAssertEqual(g.c(GICC.BPR), 2, "minimum binary point")
        g.c(GICC.ABPR, 1)
        XCTAssertEqual(g.c(GICC.ABPR), 3)
        g.c(GICC.CTLR, 0xFFFF_FFFF)
        XCTAssertEqual(g.c(GICC.CTLR), 0x7FF)
    }

    func testEnabledPendingInterruptRaisesIRQAndIARActivatesIt() {
        let g = V2()
        g.start()
        g.enable(40)
        g.priority(40, 0xA0)
        g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
        XCTAssertEqual(g.c(GICC.HPPIR), 40, "HPPIR does not acknowledge")
        XCTAssertEqual(g.c(GICC.IAR), 40)
        XCTAssertEqual(g.sinks[0].inputs, [], "active, no longer pending")
        XCTAssertTrue(g.isActive(40))
        XCTAssertFalse(g.isPending(40))
        XCTAssertEqual(g.c(GICC.RPR), 0xA0)
        XCTAssertEqual(g.c(GICC.APR0), 1 << (0xA0 >> 3))
        g.c(GICC.EOIR, 40)
        XCTAssertFalse(g.isActive(40))
        XCTAssertEqual(g.c(GICC.RPR), 0xFF)
        XCTAssertEqual(g.c(GICC.APR0), 0)
    }

    func testDisabledInterruptIsNotSignalled() {
        let g = V2()
        g.start()
        g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, [])
        XCTAssertEqual(g.c(GICC.IAR), 1023)
        g.enable(40)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testDistributorAndCPUInterfaceGroupEnablesGateDelivery() {
        let g = V2()
        g.start()
        g.enable(40)
        g.pend(40)
        g.d(GICD.CTLR, 0)
        XCTAssertEqual(g.sinks[0].inputs, [])
        g.d(GICD.CTLR, 1)
        g.c(GICC.CTLR, 0)
        XCTAssertEqual(g.sinks[0].inputs, [])
        XCTAssertEqual(g.c(GICC.IAR), 1023)
        g.c(GICC.CTLR, 1)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testPriorityMaskBlocksEqualAndLowerPriorities() {
        let g = V2()
        g.start()
        g.enable(40)
        g.priority(40, 0x80)
        g.pend(40)
        g.c(GICC.PMR, 0x80)
        XCTAssertEqual(g.sinks[0].inputs, [], "priority must be strictly higher than the mask")
        XCTAssertEqual(g.c(GICC.IAR), 1023)
        XCTAssertEqual(g.c(GICC.HPPIR), 40, "HPPIR ignores the mask")
        g.c(GICC.PMR, 0x88)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testHighestPriorityWinsAndTiesGoToTheLowestINTID() {
        let g = V2()
        g.start()
        for id in [40, 41, 42] { g.enable(id); g.pend(id) }
        g.priority(40, 0x80); g.priority(41, 0x40); g.priority(42, 0x40)
        XCTAssertEqual(g.c(GICC.IAR), 41)
        g.c(GICC.EOIR, 41)
        XCTAssertEqual(g.c(GICC.IAR), 42)
    }

    func testMoreUrgentInterruptPreemptsAnActiveOne() {
        let g = V2()
        g.start()
        g.enable(40); g.priority(40, 0x80); g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        g.enable(41); g.priority(41, 0x40); g.pend(41)
        XCTAssertEqual(g.sinks[0].inputs, .irq, "0x40 preempts running priority 0x80")
        XCTAssertEqual(g.c(GICC.IAR), 41)
        XCTAssertEqual(g.c(GICC.RPR), 0x40)
        g.enable(42); g.priority(42, 0x60); g.pend(42)
        XCTAssertEqual(g.sinks[0].inputs, [], "0x60 does not preempt 0x40")
        g.c(GICC.EOIR, 41)
        XCTAssertEqual(g.c(GICC.RPR), 0x80, "the drop reveals the interrupted level")
        XCTAssertEqual(g.sinks[0].inputs, .irq, "0x60 preempts 0x80")
    }

    func testBinaryPointGroupsPrioritiesSoSubpriorityDoesNotPreempt() {
        let g = V2()
        g.start()
        g.c(GICC.BPR, 4)                                  // group priority bits [7:5]
        g.enable(40); g.priority(40, 0x98); g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        XCTAssertEqual(g.c(GICC.RPR), 0x80, "the running priority is the group priority")
        g.enable(41); g.priority(41, 0x88); g.pend(41)
        XCTAssertEqual(g.sinks[0].inputs, [], "0x88 is in the same group as 0x98")
        g.enable(42); g.priority(42, 0x60); g.pend(42)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testEOImodeSplitsPriorityDropFromDeactivation() {
        let g = V2()
        g.start()
        g.c(GICC.CTLR, 1 | 1 << 9)                        // EnableGrp0, EOImodeS
        g.enable(40); g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        g.c(GICC.EOIR, 40)
        XCTAssertEqual(g.c(GICC.RPR), 0xFF, "priority dropped")
        XCTAssertTrue(g.isActive(40), "still active until GICC_DIR")
        g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, [], "an active interrupt is not signalled again")
        g.c(GICC.DIR, 40)
        XCTAssertFalse(g.isActive(40))
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testLevelInterruptIsActiveAndPendingWhileTheLineStaysHigh() {
        let g = V2()
        g.start()
        g.enable(33)
        let line = g.gic.distributor.inputLine(spi: 1)
        line.set(true)
        XCTAssertEqual(g.c(GICC.IAR), 33)
        XCTAssertTrue(g.isActive(33) && g.isPending(33))
        g.c(GICC.EOIR, 33)
        XCTAssertEqual(g.sinks[0].inputs, .irq, "still asserted: signalled again")
        line.set(false)
        XCTAssertEqual(g.sinks[0].inputs, [])
    }

    func testEdgeInterruptAcknowledgedIsNoLongerPending() {
        let g = V2()
        g.start()
        g.d(GICD.ICFGR + 8, 2 << 2)
        g.enable(33)
        g.gic.setLevel(intid: 33, cpu: 0, level: true)
        XCTAssertEqual(g.c(GICC.IAR), 33)
        XCTAssertFalse(g.isPending(33), "the line is still high, but an edge is consumed")
        g.c(GICC.EOIR, 33)
        XCTAssertEqual(g.sinks[0].inputs, [])
    }

    func testSGIAcknowledgeReportsTheSourceCPU() {
        let g = V2(cpus: 2)
        g.start()
        g.on(1).d(GICD.SGIR, 1 << 16 | 3)                  // CPU 1 -> CPU 0, SGI 3
        XCTAssertEqual(g.sinks[0].inputs, .irq)
        XCTAssertEqual(g.sinks[1].inputs, [])
        XCTAssertEqual(g.on(0).c(GICC.HPPIR), 3 | 1 << 10)
        XCTAssertEqual(g.c(GICC.IAR), 3 | 1 << 10)
        g.c(GICC.EOIR, 3 | 1 << 10)
        XCTAssertFalse(g.isActive(3))
    }

    func testSGIFromTwoSourcesIsTakenOncePerSource() {
        let g = V2(cpus: 3)
        g.start()
        g.on(2).d(GICD.SGIR, 1 << 16 | 4)
        g.on(1).d(GICD.SGIR, 1 << 16 | 4)
        g.on(0)
        XCTAssertEqual(g.c(GICC.IAR), 4 | 1 << 10, "lowest source first")
        XCTAssertTrue(g.isPending(4) && g.isActive(4), "still pending from CPU 2")
        g.c(GICC.EOIR, 4 | 1 << 10)
        XCTAssertEqual(g.c(GICC.IAR), 4 | 2 << 10)
        g.c(GICC.EOIR, 4 | 2 << 10)
        XCTAssertEqual(g.c(GICC.IAR), 1023)
    }

    func testGroup1NeedsAckCtlOnIARAndIsAcknowledgedThroughAIAR() {
        let g = V2()
        g.start()
        g.c(GICC.CTLR, 3)                                  // both groups
        g.d(GICD.IGROUPR + 4, 1 << 8)                      // INTID 40 Group 1
        g.enable(40); g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
        XCTAssertEqual(g.c(GICC.HPPIR), 1022)
        XCTAssertEqual(g.c(GICC.IAR), 1022, "Group 1 without AckCtl")
        XCTAssertEqual(g.c(GICC.AHPPIR), 40)
        XCTAssertEqual(g.c(GICC.AIAR), 40)
        XCTAssertEqual(g.c(GICC.NSAPR0), 1 << (0xA0 >> 3), "Group 1's active priority")
        XCTAssertEqual(g.c(GICC.APR0), 0)
        g.c(GICC.AEOIR, 40)
        XCTAssertFalse(g.isActive(40))
        g.c(GICC.CTLR, 3 | 4)                              // AckCtl
        g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
    }

    func testGroup1UsesABPRUnlessCBPR() {
        let g = V2()
        g.start()
        g.c(GICC.CTLR, 3 | 4)
        g.d(GICD.IGROUPR + 4, 0x3 << 8)                    // 40, 41 Group 1
        g.c(GICC.ABPR, 5)                                  // Group 1: group priority bits [7:5]
        g.enable(40); g.priority(40, 0x90); g.pend(40)
        g.enable(41); g.priority(41, 0x88)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        XCTAssertEqual(g.c(GICC.RPR), 0x80)
        g.pend(41)
        XCTAssertEqual(g.sinks[0].inputs, [], "0x88 and 0x90 share group priority 0x80 under ABPR")
        g.d(GICD.ICPENDR + 4, 1 << 9)
        g.c(GICC.EOIR, 40)
        g.c(GICC.CTLR, 3 | 4 | 16)                         // CBPR: Group 1 uses BPR (2)
        g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        XCTAssertEqual(g.c(GICC.RPR), 0x90)
        g.pend(41)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testFIQEnSignalsGroup0AsFIQ() {
        let g = V2()
        g.start()
        g.enable(40); g.pend(40)
        g.c(GICC.CTLR, 1 | 8)
        XCTAssertEqual(g.sinks[0].inputs, .fiq)
        g.c(GICC.CTLR, 1)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
    }

    func testSPIGoesOnlyToItsTargetCPU() {
        let g = V2(cpus: 2)
        g.start()
        g.enable(40)
        XCTAssertTrue(g.gic.distributor.write(offset: GICD.ITARGETSR + 40, size: 1, value: 0x2))
        g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, [])
        XCTAssertEqual(g.sinks[1].inputs, .irq)
        XCTAssertEqual(g.on(0).c(GICC.IAR), 1023)
        XCTAssertEqual(g.on(1).c(GICC.IAR), 40)
    }

    func testOneOfNTargetsTheFirstCPUToAcknowledge() {
        let g = V2(cpus: 2)
        g.start()
        g.enable(40)
        XCTAssertTrue(g.gic.distributor.write(offset: GICD.ITARGETSR + 40, size: 1, value: 0x3))
        g.pend(40)
        XCTAssertEqual(g.sinks[0].inputs, .irq)
        XCTAssertEqual(g.sinks[1].inputs, .irq)
        XCTAssertEqual(g.on(1).c(GICC.IAR), 40)
        XCTAssertEqual(g.sinks[0].inputs, [], "taken by CPU 1")
        XCTAssertEqual(g.on(0).c(GICC.IAR), 1023)
    }

    func testCPUInterfaceIsBankedPerCPU() {
        let g = V2(cpus: 2)
        g.on(1).c(GICC.PMR, 0x40)
        XCTAssertEqual(g.on(0).c(GICC.PMR), 0)
        XCTAssertEqual(g.on(1).c(GICC.PMR), 0x40)
    }

    func testSpuriousEOIIsIgnored() {
        let g = V2()
        g.start()
        g.enable(40); g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        g.c(GICC.EOIR, 1023)
        XCTAssertEqual(g.c(GICC.RPR), 0xA0, "no priority drop for a special INTID")
        XCTAssertTrue(g.isActive(40))
    }

    func testOutputsReachARealCPU() {
        let bus = PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: 1 << 20)!
        let cpu = CPU(index: 0, bus: bus, decodeCache: DecodeCache(bus: bus), hasEL2: true, config: CPUConfig())
        let gic = GICv2(spiCount: 32)
        gic.connect(cpu)
        _ = gic.distributor.write(offset: GICD.CTLR, size: 4, value: 1)
        _ = gic.cpuInterface.write(offset: GICC.CTLR, size: 4, value: 1)
        _ = gic.cpuInterface.write(offset: GICC.PMR, size: 4, value: 0xF0)
        _ = gic.distributor.write(offset: GICD.ISENABLER + 4, size: 4, value: 1)
        let line = gic.inputLine(spi: 0)
        line.set(true)
        XCTAssertEqual(cpu.interruptInputs, .irq)
        XCTAssertTrue(cpu.attention, "the CPU looks at the next instruction boundary")
        line.set(false)
        XCTAssertEqual(cpu.interruptInputs, [])
    }
}
