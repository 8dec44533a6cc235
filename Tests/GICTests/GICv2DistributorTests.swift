import XCTest
import ARMCore
@testable import GIC

/// GICD of the GIC-400, one register behaviour per test (ARM IHI 0048B 4.3).
final class GICv2DistributorTests: XCTestCase {
    func testTYPERReportsInterruptLinesAndCPUs() {
        XCTAssertEqual(V2(spis: 64, cpus: 4).d(GICD.TYPER), 2 | 3 << 5, "96 INTIDs: ITLinesNumber 2; CPUNumber 3")
        XCTAssertEqual(V2(spis: 256).d(GICD.TYPER), 8)
        XCTAssertEqual(V2().d(GICD.IIDR), 0x0200_043B)
    }

    func testCTLRKeepsOnlyTheGroupEnables() {
        let g = V2()
        g.d(GICD.CTLR, 0xFFFF_FFFF)
        XCTAssertEqual(g.d(GICD.CTLR), 3)
    }

    func testSGIsAreAlwaysEnabledAndSPIEnablesSetAndClear() {
        let g = V2()
        XCTAssertEqual(g.d(GICD.ISENABLER), 0xFFFF)
        g.d(GICD.ICENABLER, 0xFFFF_FFFF)
        XCTAssertEqual(g.d(GICD.ISENABLER), 0xFFFF, "SGI enables are RAO/WI on the GIC-400")
        g.d(GICD.ISENABLER + 4, 0x8000_0001)
        g.d(GICD.ISENABLER + 4, 0x10)
        XCTAssertEqual(g.d(GICD.ICENABLER + 4), 0x8000_0011, "writing 0 changes nothing; both views read the same")
        g.d(GICD.ICENABLER + 4, 1)
        XCTAssertEqual(g.d(GICD.ISENABLER + 4), 0x8000_0010)
    }

    func testPendingIsSetAndClearedButNotForSGIs() {
        let g = V2()
        g.d(GICD.ISPENDR + 4, 0x6)
        XCTAssertEqual(g.d(GICD.ICPENDR + 4), 0x6)
        g.d(GICD.ICPENDR + 4, 0x2)
        XCTAssertEqual(g.d(GICD.ISPENDR + 4), 0x4)
        g.d(GICD.ISPENDR, 0x0001_0001)
        XCTAssertEqual(g.d(GICD.ISPENDR), 0x0001_0000, "SGI pending bits are set only through SGIR/SPENDSGIR")
    }

    func testActiveIsSetAndCleared() {
        let g = V2()
        g.d(GICD.ISACTIVER + 4, 0x30)
        XCTAssertEqual(g.d(GICD.ICACTIVER + 4), 0x30)
        g.d(GICD.ICACTIVER + 4, 0x10)
        XCTAssertEqual(g.d(GICD.ISACTIVER + 4), 0x20)
    }

    func testPrioritiesHoldFiveBitsInByteAndWordAccess() {
        let g = V2()
        g.d(GICD.IPRIORITYR + 0x20, 0xA0A0_A0A7)
        XCTAssertEqual(g.d(GICD.IPRIORITYR + 0x20), 0xA0A0_A0A0)
        g.priority(0x21, 0x17)
        XCTAssertEqual(g.gic.distributor.read(offset: GICD.IPRIORITYR + 0x21, size: 1), 0x10)
        XCTAssertEqual(g.d(GICD.IPRIORITYR + 0x20), 0xA0A0_10A0)
    }

    func testPrivatePrioritiesAreBankedPerCPU() {
        let g = V2(cpus: 2)
        g.on(1).priority(27, 0x40)
        XCTAssertEqual(g.on(0).d(GICD.IPRIORITYR + 24), 0)
        XCTAssertEqual(g.on(1).d(GICD.IPRIORITYR + 24), 0x4000_0000)
    }

    func testITARGETSRHoldsImplementedCPUsAndBanksSGIPPIBytesAsOwnMask() {
        let g = V2(cpus: 2)
        g.d(GICD.ITARGETSR + 0x20, 0x0302_01FF)
        XCTAssertEqual(g.d(GICD.ITARGETSR + 0x20), 0x0302_0103)
        XCTAssertEqual(g.on(0).d(GICD.ITARGETSR), 0x0101_0101)
        XCTAssertEqual(g.on(1).d(GICD.ITARGETSR + 0x1C), 0x0202_0202)
        g.d(GICD.ITARGETSR, 0)
        XCTAssertEqual(g.d(GICD.ITARGETSR), 0x0202_0202, "read-only")
        XCTAssertEqual(V2(cpus: 1).d(GICD.ITARGETSR + 0x20), 0, "uniprocessor: RAZ/WI")
    }

    func testICFGRSGIsEdgeReadOnlyAndSPIsKeepTheEdgeBit() {
        let g = V2()
        XCTAssertEqual(g.d(GICD.ICFGR), 0xAAAA_AAAA)
        g.d(GICD.ICFGR, 0)
        XCTAssertEqual(g.d(GICD.ICFGR), 0xAAAA_AAAA)
        g.d(GICD.ICFGR + 8, 0xFFFF_FFFF)
        XCTAssertEqual(g.d(GICD.ICFGR + 8), 0xAAAA_AAAA)
        g.d(GICD.ICFGR + 8, 0x0000_0008)
        XCTAssertEqual(g.d(GICD.ICFGR + 8), 0x8)
    }

    func testIGROUPRIsBankedForPrivateInterrupts() {
        let g = V2(cpus: 2)
        g.on(1).d(GICD.IGROUPR, 0x8000_0001)
        g.d(GICD.IGROUPR + 4, 0x1234_5678)
        XCTAssertEqual(g.on(0).d(GICD.IGROUPR), 0)
        XCTAssertEqual(g.on(1).d(GICD.IGROUPR), 0x8000_0001)
        XCTAssertEqual(g.on(0).d(GICD.IGROUPR + 4), 0x1234_5678)
    }

    func testRegistersBeyondTheImplementedInterruptsAreRAZWI() {
        let g = V2(spis: 32)
        g.d(GICD.ISENABLER + 8, 0xFFFF_FFFF)
        XCTAssertEqual(g.d(GICD.ISENABLER + 8), 0)
        g.priority(100, 0x80)
        XCTAssertEqual(g.d(GICD.IPRIORITYR + 100), 0)
    }

    func testUnsupportedAccessSizesAreBusErrors() {
        let g = V2()
        XCTAssertNil(g.gic.distributor.read(offset: GICD.TYPER, size: 8))
        XCTAssertNil(g.gic.distributor.read(offset: GICD.TYPER, size: 1))
        XCTAssertFalse(g.gic.distributor.write(offset: GICD.ISENABLER, size: 1, value: 1))
        XCTAssertNil(g.gic.distributor.read(offset: 0x1000, size: 4))
        XCTAssertNil(g.gic.cpuInterface.read(offset: GICC.IAR, size: 2))
        XCTAssertNil(g.gic.virtualInterfaceControl.read(offset: GICH.VTR, size: 1))
        XCTAssertFalse(g.gic.virtualCPUInterface.write(offset: GICC.EOIR, size: 8, value: 0))
    }

    // MARK: SGIs

    func testSGIRTargetListSetsPendingWithTheSourceCPU() {
        let g = V2(cpus: 4)
        g.on(2).d(GICD.SGIR, 0 << 24 | 0b1010 << 16 | 5)    // to CPUs 1 and 3
        XCTAssertEqual(g.on(1).d(GICD.SPENDSGIR + 4), 0x0000_0400, "SGI 5 on CPU 1 pending from CPU 2")
        XCTAssertEqual(g.on(3).d(GICD.CPENDSGIR + 4), 0x0000_0400)
        XCTAssertEqual(g.on(0).d(GICD.SPENDSGIR + 4), 0)
        XCTAssertTrue(g.on(3).isPending(5))
    }

    func testSGIRFilterAllButSelfAndSelfOnly() {
        let g = V2(cpus: 3)
        g.on(1).d(GICD.SGIR, 1 << 24 | 7)
        XCTAssertEqual(g.on(0).d(GICD.SPENDSGIR + 4) >> 24, 0x02)
        XCTAssertEqual(g.on(2).d(GICD.SPENDSGIR + 4) >> 24, 0x02)
        XCTAssertEqual(g.on(1).d(GICD.SPENDSGIR + 4) >> 24, 0)
        g.on(1).d(GICD.SGIR, 2 << 24 | 0xFF << 16 | 8)
        XCTAssertEqual(g.on(1).d(GICD.SPENDSGIR + 8) & 0xFF, 0x02, "self only: the target list is ignored")
        XCTAssertEqual(g.on(0).d(GICD.SPENDSGIR + 8) & 0xFF, 0)
    }

    func testSPENDSGIRAndCPENDSGIRSetAndClearPerSource() {
        let g = V2(cpus: 2)
        XCTAssertTrue(g.gic.distributor.write(offset: GICD.SPENDSGIR + 3, size: 1, value: 0xFF))
        XCTAssertEqual(g.gic.distributor.read(offset: GICD.SPENDSGIR + 3, size: 1), 0x3, "only implemented CPUs")
        XCTAssertTrue(g.isPending(3))
        XCTAssertTrue(g.gic.distributor.write(offset: GICD.CPENDSGIR + 3, size: 1, value: 0x1))
        XCTAssertEqual(g.gic.distributor.read(offset: GICD.CPENDSGIR + 3, size: 1), 0x2)
        XCTAssertTrue(g.isPending(3))
        g.d(GICD.CPENDSGIR, 0x0200_0000)
        XCTAssertFalse(g.isPending(3), "no source left")
    }

    // MARK: Inputs

    func testLevelInputIsPendingWhileHighAndICPENDRDoesNotClearIt() {
        let g = V2()
        let line = g.gic.distributor.inputLine(spi: 1)   // INTID 33, level-sensitive at reset
        line.set(true)
        XCTAssertEqual(g.d(GICD.ISPENDR + 4), 0x2)
        g.d(GICD.ICPENDR + 4, 0x2)
        XCTAssertEqual(g.d(GICD.ISPENDR + 4), 0x2, "still asserted")
        line.set(false)
        XCTAssertEqual(g.d(GICD.ISPENDR + 4), 0)
    }

    func testEdgeInputLatchesTheRisingEdge() {
        let g = V2()
        g.d(GICD.ICFGR + 8, 2 << 2)                       // INTID 33 edge-triggered
        g.gic.setLevel(intid: 33, cpu: 0, level: true)
        g.gic.setLevel(intid: 33, cpu: 0, level: false)
        XCTAssertTrue(g.isPending(33), "the edge stays latched after the line drops")
        g.d(GICD.ICPENDR + 4, 0x2)
        XCTAssertFalse(g.isPending(33))
    }

    func testPPIInputsAreBankedPerCPU() {
        let g = V2(cpus: 2)
        g.gic.inputLine(ppi: 14, cpu: 1).set(true)          // INTID 30 of CPU 1
        XCTAssertEqual(g.on(1).d(GICD.ISPENDR), 1 << 30)
        XCTAssertEqual(g.on(0).d(GICD.ISPENDR), 0)
    }
}
