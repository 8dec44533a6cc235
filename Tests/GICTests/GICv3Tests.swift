import XCTest
import ARMCore
import Bus
@testable import GIC

/// GICv3 distributor and redistributors (ARM IHI 0069 12.9-12.11) and the ICC_* CPU interface
/// (12.2), with real CPUs reading and writing the system registers.
final class GICv3DistributorTests: XCTestCase {
    func testCTLRHasAffinityRoutingAndOneSecurityStateFixed() {
        let g = V3()
        XCTAssertEqual(g.d(GICD.CTLR), 1 << 4 | 1 << 6, "ARE and DS read as one")
        g.d(GICD.CTLR, 0)
        XCTAssertEqual(g.d(GICD.CTLR), 1 << 4 | 1 << 6)
        g.d(GICD.CTLR, 3)
        XCTAssertEqual(g.d(GICD.CTLR), 3 | 1 << 4 | 1 << 6)
    }

    func testTYPERAndIdentification() {
        let g = V3(spis: 64, cpus: 2)
        let typer = g.d(GICD.TYPER)
        XCTAssertEqual(typer & 0x1F, 2, "96 INTIDs")
        XCTAssertEqual(typer >> 5 & 7, 1)
        XCTAssertEqual(typer >> 19 & 0x1F, 9, "10 INTID bits")
        XCTAssertEqual(typer >> 17 & 1, 0, "no LPIs")
        XCTAssertEqual(g.d(GICD.PIDR2) >> 4 & 0xF, 3, "ArchRev 3")
        XCTAssertEqual(g.d(GICD.IIDR) & 0xFFF, 0x43B)
    }

    func testSGIAndPPIWordsAreTheRedistributorsUnderAffinityRouting() {
        let g = V3()
        g.d(GICD.ISENABLER, 0xFFFF_FFFF)
        XCTAssertEqual(g.d(GICD.ISENABLER), 0)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ISENABLER), 0)
        g.d(GICD.ISENABLER + 4, 0x5)
        XCTAssertEqual(g.d(GICD.ICENABLER + 4), 0x5)
        XCTAssertEqual(g.d(GICD.ITARGETSR + 0x20), 0, "ITARGETSR is RAZ/WI with ARE")
    }

    func testIROUTERIs64BitOrTwoHalves() {
        let g = V3(cpus: 2)
        let o = GICD.IROUTER + 8 * 40
        XCTAssertTrue(g.gic.distributor.write(offset: o, size: 8, value: 0xFF_FFFF_FFFF_FFFF))
        XCTAssertEqual(g.gic.distributor.read(offset: o, size: 8), 0xFF_8000_0000 | 0xFF_FFFF, "Aff3, IRM, Aff2-Aff0")
        g.d(o + 4, 0x12)
        XCTAssertEqual(g.d(o + 4), 0x12)
        g.d(o, 0x0001)
        XCTAssertEqual(g.gic.distributor.read(offset: o, size: 8), 0x12_0000_0001)
        XCTAssertEqual(g.gic.distributor.read(offset: GICD.IROUTER + 8 * 10, size: 8), 0, "no IROUTER for SGIs/PPIs")
        XCTAssertNil(g.gic.distributor.read(offset: o, size: 2))
    }

    func testSPIGoesToTheCPUWhoseAffinityMatches() {
        let g = V3(cpus: 2)
        g.start()
        g.spi(40, to: 1)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(g.cpus[0].interruptInputs, [])
        XCTAssertEqual(g.cpus[1].interruptInputs, .irq)
        XCTAssertEqual(g.cpus[0].readSysReg(.ICC_IAR1_EL1), 1023)
        XCTAssertEqual(g.cpus[1].readSysReg(.ICC_IAR1_EL1), 40)
    }

    func testOneOfNPicksTheLowestAwakeCPUWithTheGroupEnabled() {
        let g = V3(cpus: 3)
        g.start()
        g.spi(40)
        XCTAssertTrue(g.gic.distributor.write(offset: GICD.IROUTER + 8 * 40, size: 8, value: 1 << 31))
        g.cpus[0].writeSysReg(.ICC_IGRPEN1_EL1, 0)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(g.cpus.map(\.interruptInputs), [[], .irq, []])
        g.r(1, GICR.WAKER, 2)                               // CPU 1 goes to sleep
        XCTAssertEqual(g.cpus.map(\.interruptInputs), [[], [], .irq])
    }

    func testRedistributorTYPERCarriesAffinityNumberAndLast() {
        let g = V3(cpus: 2)
        let t0 = g.gic.redistributors.read(offset: GICR.TYPER, size: 8)
        let t1 = g.gic.redistributors.read(offset: GICR.stride + GICR.TYPER, size: 8)
        XCTAssertEqual(t0, 0)
        XCTAssertEqual(t1, 1 << 32 | 1 << 8 | 1 << 4, "Aff0 1, Processor_Number 1, Last")
        XCTAssertEqual(g.r(1, GICR.TYPER + 4), 1)
        XCTAssertNil(g.gic.redistributors.read(offset: 2 * GICR.stride, size: 4), "no third redistributor")
        let custom = GICv3(spiCount: 32, affinities: [0x0100, 0x01_0002_0301])
        XCTAssertEqual(custom.redistributors.read(offset: GICR.stride + GICR.TYPER + 4, size: 4), 0x0102_0301)
        XCTAssertEqual(custom.redistributorRegionSize, 0x40000)
    }

    func testWAKERHandshakeReadsBackAndDeliveryIgnoresProcessorSleep() {
        let g = V3()
        g.start()
        g.spi(40)
        g.r(0, GICR.WAKER, 2)
        XCTAssertEqual(g.r(0, GICR.WAKER), 6, "ProcessorSleep, ChildrenAsleep")
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(g.cpus[0].interruptInputs, .irq, "delivered while asleep, as QEMU and KVM do")
        g.r(0, GICR.WAKER, 0)
        XCTAssertEqual(g.r(0, GICR.WAKER), 0)
        XCTAssertEqual(g.cpus[0].interruptInputs, .irq)
    }

    func testRedistributorSGIFrameIsPerCPU() {
        let g = V3(cpus: 2)
        g.r(1, GICR.SGI + GICD.ISENABLER, 0x8000_0001)
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.ICENABLER), 0x8000_0001)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ISENABLER), 0)
        g.r(1, GICR.SGI + GICD.ICENABLER, 1)
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.ISENABLER), 0x8000_0000)
        g.r(1, GICR.SGI + GICD.IPRIORITYR + 28, 0x1122_3344)
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.IPRIORITYR + 28), 0x1020_3040)
        XCTAssertEqual(g.gic.redistributors.read(offset: GICR.stride + GICR.SGI + GICD.IPRIORITYR + 31, size: 1), 0x10)
        g.r(1, GICR.SGI + GICD.ISACTIVER, 0x10)
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.ICACTIVER), 0x10)
        g.r(1, GICR.SGI + GICD.IGROUPR, 0xFFFF_FFFF)
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.IGROUPR), 0xFFFF_FFFF)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.IGROUPR), 0)
    }

    func testRedistributorICFGR0IsReadOnlyEdgeAndICFGR1IsWritable() {
        let g = V3()
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ICFGR), 0xAAAA_AAAA)
        g.r(0, GICR.SGI + GICD.ICFGR, 0)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ICFGR), 0xAAAA_AAAA)
        g.r(0, GICR.SGI + GICD.ICFGR + 4, 0xFFFF_FFFF)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ICFGR + 4), 0xAAAA_AAAA)
    }

    func testPPIInputOfOneCPU() {
        let g = V3(cpus: 2)
        g.start()
        g.privateInterrupt(27, cpu: 1)
        g.gic.inputLine(ppi: 11, cpu: 1).set(true)         // INTID 27, the virtual timer on virt
        XCTAssertEqual(g.cpus[1].interruptInputs, .irq)
        XCTAssertEqual(g.cpus[0].interruptInputs, [])
        XCTAssertEqual(g.r(1, GICR.SGI + GICD.ISPENDR), 1 << 27)
    }
}

final class GICv3CPUInterfaceTests: XCTestCase {
    func testSREReadsOnesAndCTLRReportsItsFields() {
        let g = V3()
        let c = g.cpus[0]
        XCTAssertEqual(c.readSysReg(.ICC_SRE_EL1), 7)
        c.writeSysReg(.ICC_SRE_EL1, 0)
        XCTAssertEqual(c.readSysReg(.ICC_SRE_EL1), 7, "only the system-register interface exists")
        XCTAssertEqual(c.readSysReg(.ICC_CTLR_EL1), 4 << 8 | 1 << 15, "PRIbits 4, A3V")
        c.writeSysReg(.ICC_CTLR_EL1, 3)
        XCTAssertEqual(c.readSysReg(.ICC_CTLR_EL1), 4 << 8 | 1 << 15 | 3)
    }

    func testIAR1AcknowledgesAndEOIR1Completes() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        g.spi(40, priority: 0x80)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(c.interruptInputs, .irq)
        XCTAssertEqual(c.readSysReg(.ICC_HPPIR1_EL1), 40)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 40)
        XCTAssertEqual(c.interruptInputs, [])
        XCTAssertEqual(c.readSysReg(.ICC_RPR_EL1), 0x80)
        XCTAssertEqual(c.readSysReg(.ICC_AP1R0_EL1), 1 << 16)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 1 << 8)
        c.writeSysReg(.ICC_EOIR1_EL1, 40)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 0)
        XCTAssertEqual(c.readSysReg(.ICC_RPR_EL1), 0xFF)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 1023)
    }

    func testGroup0IsFIQAndOnlyIAR0TakesIt() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        g.privateInterrupt(20, group1: false)
        g.r(0, GICR.SGI + GICD.ISPENDR, 1 << 20)
        XCTAssertEqual(c.interruptInputs, .fiq)
        XCTAssertEqual(c.readSysReg(.ICC_HPPIR1_EL1), 1023)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 1023, "Group 0 is not acknowledged by IAR1")
        XCTAssertEqual(c.readSysReg(.ICC_HPPIR0_EL1), 20)
        XCTAssertEqual(c.readSysReg(.ICC_IAR0_EL1), 20)
        XCTAssertEqual(c.readSysReg(.ICC_AP0R0_EL1), 1 << 20)
        c.writeSysReg(.ICC_EOIR0_EL1, 20)
        XCTAssertEqual(c.readSysReg(.ICC_AP0R0_EL1), 0)
    }

    func testIGRPEN1GatesGroup1() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        g.spi(40)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        c.writeSysReg(.ICC_IGRPEN1_EL1, 0)
        XCTAssertEqual(c.readSysReg(.ICC_IGRPEN1_EL1), 0)
        XCTAssertEqual(c.interruptInputs, [])
        c.writeSysReg(.ICC_IGRPEN1_EL1, 1)
        XCTAssertEqual(c.interruptInputs, .irq)
    }

    func testPMRAndBPRHoldTheirImplementedBits() {
        let g = V3()
        let c = g.cpus[0]
        c.writeSysReg(.ICC_PMR_EL1, 0xFF)
        XCTAssertEqual(c.readSysReg(.ICC_PMR_EL1), 0xF8)
        c.writeSysReg(.ICC_BPR0_EL1, 0)
        XCTAssertEqual(c.readSysReg(.ICC_BPR0_EL1), 2)
        c.writeSysReg(.ICC_BPR1_EL1, 0)
        XCTAssertEqual(c.readSysReg(.ICC_BPR1_EL1), 3)
        c.writeSysReg(.ICC_BPR1_EL1, 6)
        XCTAssertEqual(c.readSysReg(.ICC_BPR1_EL1), 6)
        c.writeSysReg(.ICC_CTLR_EL1, 1)                     // CBPR
        XCTAssertEqual(c.readSysReg(.ICC_BPR1_EL1), 2, "reads the Group 0 binary point")
    }

    func testPriorityMaskAndPreemption() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        g.spi(40, priority: 0x80)
        g.spi(41, priority: 0x60)
        c.writeSysReg(.ICC_PMR_EL1, 0x80)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(c.interruptInputs, [])
        c.writeSysReg(.ICC_PMR_EL1, 0xF8)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 40)
        g.d(GICD.ISPENDR + 4, 1 << 9)
        XCTAssertEqual(c.interruptInputs, .irq, "0x60 preempts 0x80")
        c.writeSysReg(.ICC_PMR_EL1, 0x60)
        XCTAssertEqual(c.interruptInputs, [], "the mask applies to preempting interrupts too")
    }

    func testEOImodeSplitsDropAndDIR() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        c.writeSysReg(.ICC_CTLR_EL1, 2)
        g.spi(40)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 40)
        c.writeSysReg(.ICC_EOIR1_EL1, 40)
        XCTAssertEqual(c.readSysReg(.ICC_RPR_EL1), 0xFF)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 1 << 8)
        c.writeSysReg(.ICC_DIR_EL1, 40)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 0)
    }

    func testLevelPPIStaysPendingWhileHigh() {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        g.privateInterrupt(30)
        let line = g.gic.inputLine(ppi: 14, cpu: 0)
        line.set(true)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 30)
        c.writeSysReg(.ICC_EOIR1_EL1, 30)
        XCTAssertEqual(c.interruptInputs, .irq)
        line.set(false)
        XCTAssertEqual(c.interruptInputs, [])
    }

    func testSGI1RTargetsByAffinityList() {
        let g = V3(cpus: 4)
        g.start()
        for i in 0..<4 { g.privateInterrupt(5, cpu: i) }
        g.cpus[0].writeSysReg(.ICC_SGI1R_EL1, 5 << 24 | 0b1010)   // Aff0 1 and 3
        XCTAssertEqual(g.cpus.map(\.interruptInputs), [[], .irq, [], .irq])
        XCTAssertEqual(g.cpus[3].readSysReg(.ICC_IAR1_EL1), 5, "no source CPU in the INTID")
        g.cpus[2].writeSysReg(.ICC_SGI1R_EL1, 5 << 24 | 1 << 16 | 0xF)   // Aff1 1: nobody
        XCTAssertEqual(g.cpus[0].interruptInputs, [])
    }

    func testSGI1RInterruptRoutingModeTargetsAllButSelf() {
        let g = V3(cpus: 3)
        g.start()
        for i in 0..<3 { g.privateInterrupt(1, cpu: i) }
        g.cpus[1].writeSysReg(.ICC_SGI1R_EL1, 1 << 40 | 1 << 24)
        XCTAssertEqual(g.cpus.map(\.interruptInputs), [.irq, [], .irq])
    }
}

/// The ICH_* registers and the ICV_* view EL1 gets with HCR_EL2.IMO/FMO (IHI 0069 chapter 6, 12.4, 12.5).
final class GICv3VirtualizationTests: XCTestCase {
    /// A GICv3 whose CPU 0 runs a guest at EL1 under HCR_EL2.IMO|FMO, the virtual interface
    /// enabled with virtual Group 1 on and the virtual mask open.
    func guest() -> (V3, CPU) {
        let g = V3()
        g.start()
        let c = g.cpus[0]
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.HCR_EL2, HCR.IMO | HCR.FMO | HCR.RW)
        c.writeSysReg(.ICH_HCR_EL2, 1)
        c.writeSysReg(.ICH_VMCR_EL2, 0xF8 << 24 | 2)      // VPMR 0xF8, VENG1
        c.boot(entry: 0x4000_0000, el: 1)
        return (g, c)
    }

    func testVTRAndEmptyListRegisters() {
        let g = V3()
        let c = g.cpus[0]
        c.boot(entry: 0x4000_0000, el: 2)
        XCTAssertEqual(c.readSysReg(.ICH_VTR_EL2), 0x9000_0003)
        XCTAssertEqual(c.readSysReg(.ICH_ELRSR_EL2), 0xF)
        XCTAssertEqual(c.readSysReg(.ICC_SRE_EL2), 0xF)
        c.writeSysReg(.ICH_LR2_EL2, v3LR(99, priority: 0xFF))
        XCTAssertEqual(c.readSysReg(.ICH_LR2_EL2), v3LR(99, priority: 0xF8), "5 priority bits")
        XCTAssertEqual(c.readSysReg(.ICH_ELRSR_EL2), 0xB)
    }

    func testEL1AccessesBecomeVirtualUnderIMO() {
        let (_, c) = guest()
        XCTAssertEqual(c.readSysReg(.ICC_PMR_EL1), 0xF8, "ICV_PMR_EL1 is ICH_VMCR_EL2.VPMR")
        XCTAssertEqual(c.readSysReg(.ICC_IGRPEN1_EL1), 1)
        c.writeSysReg(.ICC_PMR_EL1, 0x40)
        c.boot(entry: 0x4000_0000, el: 2)
        XCTAssertEqual(c.readSysReg(.ICH_VMCR_EL2) >> 24, 0x40)
        XCTAssertEqual(c.readSysReg(.ICC_PMR_EL1), 0xF8, "EL2 sees the physical PMR")
    }

    func testInjectedInterruptThroughICV() {
        let (g, c) = guest()
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICH_LR0_EL2, v3LR(27, priority: 0xA0))
        c.boot(entry: 0x4000_0000, el: 1)
        XCTAssertEqual(c.interruptInputs, .virq)
        XCTAssertEqual(c.readSysReg(.ICC_HPPIR1_EL1), 27)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 27)
        XCTAssertEqual(c.interruptInputs, [])
        XCTAssertEqual(c.readSysReg(.ICC_RPR_EL1), 0xA0)
        XCTAssertEqual(c.readSysReg(.ICC_AP1R0_EL1), 1 << 20)
        XCTAssertEqual(g.gic.core.virt[0].lr[0] >> 62, 2, "active")
        c.writeSysReg(.ICC_EOIR1_EL1, 27)
        XCTAssertEqual(g.gic.core.virt[0].lr[0] >> 62, 0, "invalid")
        XCTAssertEqual(c.readSysReg(.ICC_RPR_EL1), 0xFF)
    }

    func testVirtualGroup0IsVFIQUnderFMO() {
        let (_, c) = guest()
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICH_VMCR_EL2, 0xF8 << 24 | 1)      // VENG0
        c.writeSysReg(.ICH_LR0_EL2, v3LR(20, group1: false))
        c.boot(entry: 0x4000_0000, el: 1)
        XCTAssertEqual(c.interruptInputs, .vfiq)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 1023)
        XCTAssertEqual(c.readSysReg(.ICC_IAR0_EL1), 20)
    }

    func testHardwareListRegisterDeactivatesThePhysicalInterrupt() {
        let (g, c) = guest()
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICC_CTLR_EL1, 2)                   // the hypervisor uses EOImode 1
        g.spi(40)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 40)
        c.writeSysReg(.ICC_EOIR1_EL1, 40)
        c.writeSysReg(.ICH_LR0_EL2, v3LR(40, hw: 40))
        c.boot(entry: 0x4000_0000, el: 1)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 40)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 1 << 8)
        c.writeSysReg(.ICC_EOIR1_EL1, 40)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 0, "the guest's EOI deactivated the physical SPI")
    }

    func testVirtualEOImodeAndICV_DIR() {
        let (g, c) = guest()
        c.writeSysReg(.ICC_CTLR_EL1, 2)                   // ICV_CTLR_EL1.EOImode
        c.boot(entry: 0x4000_0000, el: 2)
        XCTAssertEqual(c.readSysReg(.ICH_VMCR_EL2) >> 9 & 1, 1, "VEOIM")
        XCTAssertEqual(c.readSysReg(.ICC_CTLR_EL1) & 2, 0, "the physical EOImode is untouched")
        c.writeSysReg(.ICH_LR0_EL2, v3LR(27))
        c.boot(entry: 0x4000_0000, el: 1)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 27)
        c.writeSysReg(.ICC_EOIR1_EL1, 27)
        XCTAssertEqual(g.gic.core.virt[0].lr[0] >> 62, 2)
        c.writeSysReg(.ICC_DIR_EL1, 27)
        XCTAssertEqual(g.gic.core.virt[0].lr[0] >> 62, 0)
    }

    func testMaintenanceInterruptOnEOIAndMISR() {
        let (g, c) = guest()
        g.privateInterrupt(25)                              // the maintenance PPI, Group 1
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICH_LR0_EL2, v3LR(27, eoi: true))
        c.boot(entry: 0x4000_0000, el: 1)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 27)
        c.writeSysReg(.ICC_EOIR1_EL1, 27)
        XCTAssertEqual(c.interruptInputs, .irq, "PPI 25 is pending for the hypervisor")
        c.boot(entry: 0x4000_0000, el: 2)
        XCTAssertEqual(c.readSysReg(.ICH_MISR_EL2), 1)
        XCTAssertEqual(c.readSysReg(.ICH_EISR_EL2), 1)
        XCTAssertEqual(c.readSysReg(.ICC_IAR1_EL1), 25)
        c.writeSysReg(.ICH_LR0_EL2, 0)
        XCTAssertEqual(c.readSysReg(.ICH_MISR_EL2), 0)
        XCTAssertEqual(g.r(0, GICR.SGI + GICD.ISPENDR) >> 25 & 1, 0)
    }

    func testUnderflowAndNoPendingMaintenance() {
        let (_, c) = guest()
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICH_HCR_EL2, 1 | 2 | 8)            // En, UIE, NPIE
        XCTAssertEqual(c.readSysReg(.ICH_MISR_EL2), 2 | 8, "no valid LR, none pending")
        c.writeSysReg(.ICH_LR0_EL2, v3LR(27))
        c.writeSysReg(.ICH_LR1_EL2, v3LR(28))
        XCTAssertEqual(c.readSysReg(.ICH_MISR_EL2), 0)
    }

    func testUnmatchedVirtualEOICountsInICH_HCR() {
        let (_, c) = guest()
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.ICH_HCR_EL2, 1 | 4)                 // En, LRENPIE
        c.writeSysReg(.ICH_AP1R0_EL2, 1 << 20)             // an interrupt the LRs no longer hold
        c.boot(entry: 0x4000_0000, el: 1)
        c.writeSysReg(.ICC_EOIR1_EL1, 99)
        c.boot(entry: 0x4000_0000, el: 2)
        XCTAssertEqual(c.readSysReg(.ICH_HCR_EL2) >> 27, 1)
        XCTAssertEqual(c.readSysReg(.ICH_MISR_EL2), 4)
        XCTAssertEqual(c.readSysReg(.ICH_AP1R0_EL2), 0)
    }
}

/// The MRS/MSR path in ARMCore reaches the GIC (or not) as the architecture says.
final class GICv3SystemInstructionTests: XCTestCase {
    func run(_ words: [UInt32], on c: CPU, bus: PhysicalAddressSpace) {
        for (i, w) in words.enumerated() { _ = bus.write(0x4000_0000 + UInt64(4 * i), size: 4, value: UInt64(w)) }
        for _ in words { c.step() }
    }

    func testICCRegistersAreUndefinedWithoutAGICv3() {
        let bus = PhysicalAddressSpace(ramBase: 0x4000_0000, ramSize: 1 << 20)!
        let c = CPU(index: 0, bus: bus, decodeCache: DecodeCache(bus: bus), hasEL2: true, config: CPUConfig())
        c.boot(entry: 0x4000_0000, el: 1)
        c.writeSysReg(.VBAR_EL1, 0x4000_8000)
        run([0xD538_CC00], on: c, bus: bus)                 // mrs x0, icc_iar1_el1
        XCTAssertEqual(c.sysregs[SysReg.ESR_EL1] >> 26, 0, "UNDEFINED")
        XCTAssertEqual(c.pc, 0x4000_8200)
        XCTAssertEqual(c.readSysReg(.ID_AA64PFR0_EL1) >> 24 & 0xF, 0)
    }

    func testMRSAndMSRReachTheGIC() {
        let g = V3()
        g.start()
        g.spi(40)
        g.d(GICD.ISPENDR + 4, 1 << 8)
        let c = g.cpus[0]
        run([0xD538_CC00,                                   // mrs x0, icc_iar1_el1
             0xD518_CC20,                                   // msr icc_eoir1_el1, x0
             0xD538_CCA2,                                   // mrs x2, icc_sre_el1
             0xD538_0403], on: c, bus: g.bus)               // mrs x3, id_aa64pfr0_el1
        XCTAssertEqual(c.x[0], 40)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 0, "EOIR1 deactivated it")
        XCTAssertEqual(c.x[2], 7)
        XCTAssertEqual(c.x[3] >> 24 & 0xF, 1, "ID_AA64PFR0_EL1.GIC: system registers implemented")
    }

    func testSGI1RAtEL1TrapsToEL2UnderIMO() {
        let g = V3(cpus: 2)
        let c = g.cpus[0]
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.HCR_EL2, HCR.IMO | HCR.RW)
        c.writeSysReg(.VBAR_EL2, 0x4000_8000)
        c.boot(entry: 0x4000_0000, el: 1)
        run([0xD518_CBA1], on: c, bus: g.bus)               // msr icc_sgi1r_el1, x1
        XCTAssertEqual(c.el, 2)
        XCTAssertEqual(c.sysregs[SysReg.ESR_EL2] >> 26, 0x18, "trapped MSR")
    }

    func testICHRegistersAreUndefinedAtEL1() {
        let g = V3()
        let c = g.cpus[0]
        c.writeSysReg(.VBAR_EL1, 0x4000_8000)
        run([0xD51C_CC04], on: c, bus: g.bus)               // msr ich_lr0_el2, x4
        XCTAssertEqual(c.el, 1)
        XCTAssertEqual(c.sysregs[SysReg.ESR_EL1] >> 26, 0)
    }

    /// Runs `word` at EL1 with ICH_HCR_EL2 = `ich` (IMO set, so EL2 owns the interface), and
    /// returns ESR_EL2 if it trapped.
    func ichTrapped(_ word: UInt32, ich: UInt64) -> UInt64? {
        let g = V3()
        let c = g.cpus[0]
        c.boot(entry: 0x4000_0000, el: 2)
        c.writeSysReg(.HCR_EL2, HCR.IMO | HCR.FMO | HCR.RW)
        c.writeSysReg(.ICH_HCR_EL2, ich)
        c.writeSysReg(.VBAR_EL2, 0x4000_8000)
        c.boot(entry: 0x4000_0000, el: 1)
        run([word], on: c, bus: g.bus)
        return c.el == 2 ? c.sysregs[SysReg.ESR_EL2] : nil
    }

    func testICH_HCR_TALL1TrapsGroup1Registers() {
        XCTAssertNil(ichTrapped(0xD538_CC00, ich: 1))                      // mrs x0, icc_iar1_el1
        let esr = ichTrapped(0xD538_CC00, ich: 1 | 1 << 12)
        XCTAssertEqual(esr.map { $0 >> 26 }, 0x18)
        XCTAssertEqual(esr.map { $0 & 1 }, 1, "a read")
        XCTAssertNil(ichTrapped(0xD538_C800, ich: 1 | 1 << 12), "TALL1 leaves ICC_IAR0_EL1 alone")
    }

    func testICH_HCR_TALL0TrapsGroup0Registers() {
        XCTAssertNotNil(ichTrapped(0xD538_C800, ich: 1 << 11))              // mrs x0, icc_iar0_el1
    }

    func testICH_HCR_TCTrapsTheCommonRegisters() {
        XCTAssertNotNil(ichTrapped(0xD518_4600, ich: 1 << 10))              // msr icc_pmr_el1, x0
        XCTAssertNil(ichTrapped(0xD538_CCA2, ich: 1 << 10), "ICC_SRE_EL1 is not trapped")
    }

    func testICH_HCR_TDIRTrapsDIR() {
        XCTAssertNotNil(ichTrapped(0xD518_CB20, ich: 1 << 14))              // msr icc_dir_el1, x0
        XCTAssertNil(ichTrapped(0xD518_4600, ich: 1 << 14), "TDIR is DIR alone")
    }

}
