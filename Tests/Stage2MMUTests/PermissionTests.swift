import XCTest
import Bus
@testable import Stage2MMU

/// Stage-1 access permissions of the EL1&0 regime (D8.4): AP[2:1], UXN, PXN, the hierarchical
/// table controls, SCTLR_EL1.WXN, and the check of one access at an Exception level.
final class PermissionTests: XCTestCase {
    let data: UInt64 = 0x4080_0000
    let m = TableMemory()
    lazy var root = m.root(.size4KB, inputSize: 39, startLevel: 1)

    /// Maps `va` as a page with `attrs` and walks it.
    func page(_ va: UInt64, _ attrs: UInt64, tableBits: UInt64 = 0, wxn: Bool = false,
              file: StaticString = #filePath, line: UInt = #line) -> TranslationResult? {
        m.map(va, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: attrs, tableBits: tableBits)
        let r = TranslationRegime(stage1: Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: 25), ttbr0: root, ttbr1: 0,
                                                      mair: Reg.mair, sctlr: Reg.sctlr(wxn: wxn)))
        return expectSuccess({ () throws(FaultRecord) in try r.walk(va, bus: m.bus) }, file: file, line: line)
    }

    let read: AccessKind = []
    let write: AccessKind = [.write]
    let fetch: AccessKind = [.fetch]
    let permissionL3 = FaultRecord(kind: .permission, level: 3)

    func testAPEncodings() {
        // AP = 00: EL1 read/write, no EL0 data access.
        let p00 = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b00))!
        XCTAssertNil(p00.permissionFault(for: read, el: 1))
        XCTAssertNil(p00.permissionFault(for: write, el: 1))
        XCTAssertEqual(p00.permissionFault(for: read, el: 0), permissionL3)
        XCTAssertEqual(p00.permissionFault(for: write, el: 0), permissionL3)
        // AP = 01: read/write at both.
        let p01 = page(0x2000, Attr.kernelRW | DescriptorBits.ap(0b01))!
        XCTAssertNil(p01.permissionFault(for: read, el: 0))
        XCTAssertNil(p01.permissionFault(for: write, el: 0))
        XCTAssertNil(p01.permissionFault(for: write, el: 1))
        // AP = 10: EL1 read-only, no EL0 access.
        let p10 = page(0x3000, Attr.kernelRW | DescriptorBits.ap(0b10))!
        XCTAssertNil(p10.permissionFault(for: read, el: 1))
        XCTAssertEqual(p10.permissionFault(for: write, el: 1), permissionL3)
        XCTAssertEqual(p10.permissionFault(for: read, el: 0), permissionL3)
        // AP = 11: read-only at both.
        let p11 = page(0x4000, Attr.kernelRW | DescriptorBits.ap(0b11))!
        XCTAssertNil(p11.permissionFault(for: read, el: 0))
        XCTAssertNil(p11.permissionFault(for: read, el: 1))
        XCTAssertEqual(p11.permissionFault(for: write, el: 0), permissionL3)
        XCTAssertEqual(p11.permissionFault(for: write, el: 1), permissionL3)
    }

    func testExecuteNeverBits() {
        let uxn = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b11) | DescriptorBits.uxn)!
        XCTAssertEqual(uxn.permissionFault(for: fetch, el: 0), permissionL3)
        XCTAssertNil(uxn.permissionFault(for: fetch, el: 1))
        let pxn = page(0x2000, Attr.kernelRW | DescriptorBits.ap(0b11) | DescriptorBits.pxn)!
        XCTAssertEqual(pxn.permissionFault(for: fetch, el: 1), permissionL3)
        XCTAssertNil(pxn.permissionFault(for: fetch, el: 0))
        // Fetching needs no read permission: AP = 00 with UXN clear is executable at EL0.
        let xo = page(0x3000, Attr.kernelRW | DescriptorBits.ap(0b00) | DescriptorBits.pxn)!
        XCTAssertNil(xo.permissionFault(for: fetch, el: 0))
        XCTAssertEqual(xo.permissionFault(for: read, el: 0), permissionL3)
    }

    /// Memory writable at EL0 is never executable at EL1, whatever PXN says.
    func testEL0WritableIsPrivilegedExecuteNever() {
        let p = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b01))!
        XCTAssertEqual(p.permissionFault(for: fetch, el: 1), permissionL3)
        XCTAssertNil(p.permissionFault(for: fetch, el: 0))
    }

    func testWXN() {
        let rw = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b00), wxn: true)!
        XCTAssertEqual(rw.permissionFault(for: fetch, el: 1), permissionL3)
        let userRW = page(0x2000, Attr.kernelRW | DescriptorBits.ap(0b01), wxn: true)!
        XCTAssertEqual(userRW.permissionFault(for: fetch, el: 0), permissionL3)
        let ro = page(0x3000, Attr.kernelRW | DescriptorBits.ap(0b11), wxn: true)!
        XCTAssertNil(ro.permissionFault(for: fetch, el: 1))
        XCTAssertNil(ro.permissionFault(for: fetch, el: 0))
        // Without WXN the same writable page is executable at EL1.
        let plain = page(0x4000, Attr.kernelRW | DescriptorBits.ap(0b00))!
        XCTAssertNil(plain.permissionFault(for: fetch, el: 1))
    }

    func testHierarchicalTableControls() {
        // APTable[1]: read-only below, even for AP = 01.
        let ro = page(0x0000_1000, Attr.kernelRW | DescriptorBits.ap(0b01), tableBits: DescriptorBits.apTableReadOnly)!
        XCTAssertEqual(ro.permissionFault(for: write, el: 1), permissionL3)
        XCTAssertEqual(ro.permissionFault(for: write, el: 0), permissionL3)
        XCTAssertNil(ro.permissionFault(for: read, el: 0))
        // APTable[0]: no EL0 access below.
        let noEL0 = page(0x4000_1000, Attr.kernelRW | DescriptorBits.ap(0b01), tableBits: DescriptorBits.apTableNoEL0)!
        XCTAssertEqual(noEL0.permissionFault(for: read, el: 0), permissionL3)
        XCTAssertNil(noEL0.permissionFault(for: write, el: 1))
        // No longer EL0-writable, so EL1 may execute it again.
        XCTAssertNil(noEL0.permissionFault(for: fetch, el: 1))
        // UXNTable and PXNTable.
        let uxn = page(0x8000_1000, Attr.kernelRW | DescriptorBits.ap(0b11), tableBits: DescriptorBits.uxnTable)!
        XCTAssertEqual(uxn.permissionFault(for: fetch, el: 0), permissionL3)
        XCTAssertNil(uxn.permissionFault(for: fetch, el: 1))
        let pxn = page(0xC000_1000, Attr.kernelRW | DescriptorBits.ap(0b11), tableBits: DescriptorBits.pxnTable)!
        XCTAssertEqual(pxn.permissionFault(for: fetch, el: 1), permissionL3)
        XCTAssertNil(pxn.permissionFault(for: fetch, el: 0))
    }

    /// A control set on the level 1 table descriptor reaches a level 2 block, whose level the
    /// fault reports.
    func testTableControlsOnABlockReportTheBlockLevel() {
        m.map(0x20_0000, to: 0x40A0_0000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 2,
              attrs: Attr.kernelRW | DescriptorBits.ap(0b01), tableBits: DescriptorBits.apTableReadOnly)
        let r = TranslationRegime(stage1: Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: 25), ttbr0: root, ttbr1: 0,
                                                      mair: Reg.mair, sctlr: 1))
        let b = expectSuccess { () throws(FaultRecord) in try r.walk(0x20_0000, bus: m.bus) }
        XCTAssertEqual(b?.permissionFault(for: write, el: 1), FaultRecord(kind: .permission, level: 2))
    }

    func testUnprivilegedAccessAtEL1UsesEL0Permissions() {
        let kernel = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b00))!
        XCTAssertEqual(kernel.permissionFault(for: [.unprivileged], el: 1), permissionL3)
        XCTAssertEqual(kernel.permissionFault(for: [.unprivileged, .write], el: 1), permissionL3)
        let user = page(0x2000, Attr.kernelRW | DescriptorBits.ap(0b01))!
        XCTAssertNil(user.permissionFault(for: [.unprivileged, .write], el: 1))
        let userRO = page(0x3000, Attr.kernelRW | DescriptorBits.ap(0b11))!
        XCTAssertEqual(userRO.permissionFault(for: [.unprivileged, .write], el: 1), permissionL3)
    }

    /// DC by VA other than DC IVAC cannot take a stage-1 permission fault above EL0.
    func testCacheMaintenanceIsExemptAboveEL0() {
        let kernel = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b00))!
        XCTAssertNil(kernel.permissionFault(for: [.cacheMaintenance], el: 1))
        XCTAssertEqual(kernel.permissionFault(for: [.cacheMaintenance], el: 0), permissionL3)
        let ro = page(0x2000, Attr.kernelRW | DescriptorBits.ap(0b10))!
        XCTAssertEqual(ro.permissionFault(for: [.cacheMaintenance, .write], el: 1), permissionL3)
    }

    func testPermissionsDescription() {
        let p = page(0x1000, Attr.kernelRW | DescriptorBits.ap(0b11) | DescriptorBits.uxn)!
        XCTAssertEqual(p.permissions.description, "EL0 r-- priv r-x")
    }
}
