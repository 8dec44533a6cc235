import XCTest
import ARMCore
@testable import GIC

/// GICH and GICV (ARM IHI 0048B chapter 5): list registers feeding the virtual CPU interface.
final class GICv2VirtualInterfaceTests: XCTestCase {
    /// A GIC with the virtual interface on, virtual Group 0 enabled and the virtual mask open.
    func started(cpus: Int = 1) -> V2 {
        let g = V2(cpus: cpus)
        g.start()
        for c in 0..<cpus {
            g.on(c)
            g.h(GICH.HCR, GICH.En)
            g.v(GICC.CTLR, 1)
            g.v(GICC.PMR, 0xF8)
        }
        g.on(0)
        return g
    }

    func testVTRAndResetState() {
        let g = V2()
        XCTAssertEqual(g.h(GICH.VTR), 0x9000_0003, "4 LRs, 5 priority and preemption bits")
        XCTAssertEqual(g.h(GICH.ELRSR0), 0xF, "every LR empty")
        XCTAssertEqual(g.h(GICH.EISR0), 0)
        XCTAssertEqual(g.h(GICH.VMCR), 0x004C_0000, "VMBP 2, VMABP 3 (GIC-400 reset)")
        XCTAssertEqual(g.v(GICC.IAR), 1023)
        XCTAssertEqual(g.v(GICC.IIDR), 0x0202_143B)
    }

    func testListRegistersHoldTheirFieldsAndELRSRFollows() {
        let g = V2()
        let lr = v2LR(27, priority: 0xA0)
        g.h(GICH.LR0 + 4, lr)
        XCTAssertEqual(g.h(GICH.LR0 + 4), lr)
        XCTAssertEqual(g.h(GICH.ELRSR0), 0xD)
        g.h(GICH.LR0 + 8, 0xFFFF_FFFF)
        XCTAssertEqual(g.h(GICH.LR0 + 8), 0xFF8F_FFFF, "bits 22:20 reserved")
        XCTAssertEqual(g.h(GICH.LR0 + 0x10), 0, "no fifth LR")
    }

    func testGICVRegistersAreViewsOfVMCR() {
        let g = V2()
        g.v(GICC.PMR, 0xF0)
        g.v(GICC.CTLR, 1 | 1 << 9)
        g.v(GICC.BPR, 4)
        g.v(GICC.ABPR, 6)
        XCTAssertEqual(g.h(GICH.VMCR), 0xF0 << 24 | 4 << 21 | 6 << 18 | 1 << 9 | 1)
        g.h(GICH.VMCR, 0x8000_0000 | 3)
        XCTAssertEqual(g.v(GICC.PMR), 0x80)
        XCTAssertEqual(g.v(GICC.CTLR), 3)
        XCTAssertEqual(g.v(GICC.BPR), 2, "below the minimum reads as the minimum")
        XCTAssertEqual(g.v(GICC.ABPR), 3)
    }

    func testInjectedInterruptGoesPendingActiveInvalid() {
        let g = started()
        g.h(GICH.LR0, v2LR(27, priority: 0xA0))
        XCTAssertEqual(g.sinks[0].inputs, .virq)
        XCTAssertEqual(g.v(GICC.HPPIR), 27)
        XCTAssertEqual(g.v(GICC.IAR), 27)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 2, "active")
        XCTAssertEqual(g.sinks[0].inputs, [])
        XCTAssertEqual(g.v(GICC.RPR), 0xA0)
        XCTAssertEqual(g.h(GICH.APR), 1 << (0xA0 >> 3))
        g.v(GICC.EOIR, 27)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 0, "invalid")
        XCTAssertEqual(g.h(GICH.ELRSR0), 0xF)
        XCTAssertEqual(g.v(GICC.RPR), 0xFF)
    }

    func testVirtualInterfaceDisabledSignalsNothing() {
        let g = started()
        g.h(GICH.HCR, 0)
        g.h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.sinks[0].inputs, [])
        g.h(GICH.HCR, GICH.En)
        XCTAssertEqual(g.sinks[0].inputs, .virq)
    }

    func testVirtualPriorityMaskAndPreemption() {
        let g = started()
        g.v(GICC.PMR, 0x80)
        g.h(GICH.LR0, v2LR(30, priority: 0x80))
        XCTAssertEqual(g.sinks[0].inputs, [], "masked")
        XCTAssertEqual(g.v(GICC.IAR), 1023)
        g.v(GICC.PMR, 0xF8)
        XCTAssertEqual(g.v(GICC.IAR), 30)
        g.h(GICH.LR0 + 4, v2LR(31, priority: 0x90))
        XCTAssertEqual(g.sinks[0].inputs, [], "0x90 does not preempt 0x80")
        g.h(GICH.LR0 + 8, v2LR(32, priority: 0x40))
        XCTAssertEqual(g.sinks[0].inputs, .virq)
        XCTAssertEqual(g.v(GICC.IAR), 32, "the more urgent of the pending LRs")
    }

    func testVirtualGroup0IsVFIQWithFIQEnAndGroup1NeedsAckCtl() {
        let g = started()
        g.v(GICC.CTLR, 1 | 8)
        g.h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.sinks[0].inputs, .vfiq)
        g.h(GICH.LR0, v2LR(27, group1: true))
        XCTAssertEqual(g.sinks[0].inputs, [], "virtual Group 1 disabled")
        g.v(GICC.CTLR, 2)
        XCTAssertEqual(g.sinks[0].inputs, .virq)
        XCTAssertEqual(g.v(GICC.IAR), 1022)
        XCTAssertEqual(g.v(GICC.AIAR), 27)
    }

    func testVirtualSGICarriesItsSourceCPU() {
        let g = started()
        g.h(GICH.LR0, v2LR(2, cpuid: 3))
        XCTAssertEqual(g.v(GICC.IAR), 2 | 3 << 10)
        g.v(GICC.EOIR, 2 | 1 << 10)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 2, "another source's EOI does not match")
        g.v(GICC.EOIR, 2 | 3 << 10)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 0)
    }

    func testHardwareListRegisterDeactivatesThePhysicalInterrupt() {
        let g = started()
        g.c(GICC.CTLR, 1 | 1 << 9)                         // the hypervisor runs with EOImode 1
        g.enable(40); g.pend(40)
        XCTAssertEqual(g.c(GICC.IAR), 40)
        g.c(GICC.EOIR, 40)                                 // priority drop only
        XCTAssertTrue(g.isActive(40))
        g.h(GICH.LR0, v2LR(40, hw: 40))
        XCTAssertEqual(g.v(GICC.IAR), 40)
        g.v(GICC.EOIR, 40)
        XCTAssertFalse(g.isActive(40), "the guest's EOI deactivated the physical interrupt")
        XCTAssertEqual(g.h(GICH.ELRSR0), 0xF)
    }

    func testVirtualEOImodeLeavesDeactivationToGICV_DIR() {
        let g = started()
        g.v(GICC.CTLR, 1 | 1 << 9)
        g.h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.v(GICC.IAR), 27)
        g.v(GICC.EOIR, 27)
        XCTAssertEqual(g.v(GICC.RPR), 0xFF)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 2, "still active")
        g.v(GICC.DIR, 27)
        XCTAssertEqual(g.h(GICH.LR0) >> 28 & 3, 0)
    }

    func testEOIMaintenanceInterrupt() {
        let g = started()
        g.enable(25)                                        // the maintenance PPI
        g.h(GICH.LR0, v2LR(27, eoi: true))
        XCTAssertEqual(g.h(GICH.EISR0), 0)
        XCTAssertEqual(g.v(GICC.IAR), 27)
        g.v(GICC.EOIR, 27)
        XCTAssertEqual(g.h(GICH.EISR0), 1)
        XCTAssertEqual(g.h(GICH.ELRSR0), 0xE, "an LR waiting for EOI maintenance is not empty")
        XCTAssertEqual(g.h(GICH.MISR) & 1, 1)
        XCTAssertTrue(g.isPending(25))
        XCTAssertEqual(g.sinks[0].inputs, .irq)
        XCTAssertEqual(g.c(GICC.IAR), 25)
        g.h(GICH.LR0, 0)                                    // the hypervisor handles it
        XCTAssertFalse(g.isPending(25))
    }

    func testUnderflowMaintenance() {
        let g = started()
        g.h(GICH.LR0, v2LR(27))
        g.h(GICH.LR0 + 4, v2LR(28))
        g.h(GICH.HCR, GICH.En | GICH.UIE)
        XCTAssertEqual(g.h(GICH.MISR), 0, "two valid LRs")
        XCTAssertEqual(g.v(GICC.IAR), 27)
        g.v(GICC.EOIR, 27)
        XCTAssertEqual(g.h(GICH.MISR), 2, "one valid LR left")
        XCTAssertTrue(g.isPending(25))
    }

    func testNoPendingMaintenance() {
        let g = started()
        g.h(GICH.HCR, GICH.En | GICH.NPIE)
        XCTAssertEqual(g.h(GICH.MISR), 8)
        g.h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.h(GICH.MISR), 0)
        XCTAssertEqual(g.v(GICC.IAR), 27)
        XCTAssertEqual(g.h(GICH.MISR), 8, "the only interrupt is active now")
    }

    func testUnmatchedEOIsCountAndRaiseLRENP() {
        let g = started()
        g.h(GICH.HCR, GICH.En | GICH.LRENPIE)
        g.h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.v(GICC.IAR), 27)
        g.h(GICH.LR0, 0)                                    // the hypervisor took the LR back
        g.v(GICC.EOIR, 27)
        XCTAssertEqual(g.h(GICH.HCR) >> 27, 1, "EOICount")
        XCTAssertEqual(g.h(GICH.MISR), 4)
        g.h(GICH.HCR, GICH.En | GICH.LRENPIE)
        XCTAssertEqual(g.h(GICH.MISR), 0)
    }

    func testGroupEnableAndDisableMaintenance() {
        let g = started()
        g.h(GICH.HCR, GICH.En | GICH.VGrp0EIE | GICH.VGrp0DIE | GICH.VGrp1EIE | GICH.VGrp1DIE)
        XCTAssertEqual(g.h(GICH.MISR), 0x10 | 0x80, "Group 0 enabled, Group 1 disabled")
        g.v(GICC.CTLR, 2)
        XCTAssertEqual(g.h(GICH.MISR), 0x20 | 0x40)
    }

    func testMaintenanceNeedsTheInterfaceEnabled() {
        let g = started()
        g.h(GICH.HCR, GICH.NPIE)
        XCTAssertEqual(g.h(GICH.MISR), 8)
        XCTAssertFalse(g.isPending(25))
    }

    func testVirtualInterfaceIsBankedPerCPU() {
        let g = started(cpus: 2)
        g.on(1).h(GICH.LR0, v2LR(27))
        XCTAssertEqual(g.sinks[1].inputs, .virq)
        XCTAssertEqual(g.sinks[0].inputs, [])
        XCTAssertEqual(g.on(0).h(GICH.ELRSR0), 0xF)
        XCTAssertEqual(g.on(0).v(GICC.IAR), 1023)
        XCTAssertEqual(g.on(1).v(GICC.IAR), 27)
    }
}
