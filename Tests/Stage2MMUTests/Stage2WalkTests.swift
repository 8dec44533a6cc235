import XCTest
import Bus
@testable import Stage2MMU

/// Stage-2 walks (D8.2.7): start levels from SL0, concatenated start tables, stage-2 faults,
/// stage-2 permissions, the combined stage-1+2 walk and faults on stage-1 table walks (S1PTW).
final class Stage2WalkTests: XCTestCase {
    let data: UInt64 = 0x4080_0000
    let m = TableMemory()

    /// 40-bit IPA, 4 KiB granule, start at level 1 with two concatenated tables.
    let vtcr40 = Reg.vtcr(t0sz: 24, sl0: 1)
    lazy var s2root = m.root(.size4KB, inputSize: 40, startLevel: 1)

    func s2map(_ ipa: UInt64, to pa: UInt64, level: Int, attrs: UInt64 = Attr.s2RW) {
        m.map(ipa, to: pa, root: s2root, granule: .size4KB, inputSize: 40, startLevel: 1, leafLevel: level, attrs: attrs)
    }

    func s2config(vmid: UInt64 = 1) -> Stage2Config {
        Stage2Config(vtcr: vtcr40, vttbr: Reg.vttbr(s2root, vmid: vmid))
    }

    func s2Fault(_ kind: FaultKind, _ level: UInt8, ipa: UInt64, s1ptw: Bool = false) -> FaultRecord {
        FaultRecord(kind: kind, level: level, secondStage: true, s1ptw: s1ptw, ipa: ipa)
    }

    // MARK: - Stage 2 alone

    func testConcatenatedStartTables() {
        XCTAssertEqual(s2config().concatenatedTables, 2)
        // IPA bit 39 set: the entry lives in the second concatenated table.
        let ipa: UInt64 = 0x80_1234_5000
        s2map(ipa, to: data + 0x6000, level: 3)
        let o = RecordingObserver()
        let r = expectSuccess { () throws(FaultRecord) in
            try Stage2Walk.walk(ipa + 0x10, self.s2config(), bus: self.m.bus, observer: o)
        }
        XCTAssertEqual(r?.outputAddress, data + 0x6010)
        XCTAssertEqual(r?.level, 3)
        XCTAssertEqual(r?.permissions, .all)
        XCTAssertEqual(r?.memAttr, 0xF)
        XCTAssertEqual(o.reads.first?.address, s2root + 512 * 8)  // ipa[39:30] = 0x200
        XCTAssertEqual(o.reads.map { $0.stage }, [2, 2, 2])
        XCTAssertEqual(o.reads.map { $0.level }, [1, 2, 3])
        // Beyond the 40-bit input size: level 0 translation fault.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(1 << 40, self.s2config(), bus: self.m.bus) },
                       s2Fault(.translation, 0, ipa: 1 << 40))
    }

    func testEveryGranuleAndStartLevel() {
        struct Case { var tg0: UInt64; var granule: Granule; var sl0: UInt64; var t0sz: UInt64; var start: Int }
        let cases = [
            Case(tg0: 0b00, granule: .size4KB, sl0: 0, t0sz: 34, start: 2),
            Case(tg0: 0b00, granule: .size4KB, sl0: 0, t0sz: 30, start: 2),   // 16 tables
            Case(tg0: 0b00, granule: .size4KB, sl0: 1, t0sz: 21, start: 1),   // 16 tables
            Case(tg0: 0b00, granule: .size4KB, sl0: 2, t0sz: 20, start: 0),
            Case(tg0: 0b10, granule: .size16KB, sl0: 0, t0sz: 39, start: 3),
            Case(tg0: 0b10, granule: .size16KB, sl0: 1, t0sz: 24, start: 2),  // 16 tables
            Case(tg0: 0b10, granule: .size16KB, sl0: 2, t0sz: 20, start: 1),
            Case(tg0: 0b01, granule: .size64KB, sl0: 0, t0sz: 34, start: 3),  // 2 tables
            Case(tg0: 0b01, granule: .size64KB, sl0: 1, t0sz: 20, start: 2),  // 4 tables
            Case(tg0: 0b01, granule: .size64KB, sl0: 2, t0sz: 20, start: 1),
        ]
        for c in cases {
            let m = TableMemory()
            let n = 64 - Int(c.t0sz)
            let g = c.granule
            let root = m.root(g, inputSize: n, startLevel: c.start)
            let config = Stage2Config(vtcr: Reg.vtcr(t0sz: c.t0sz, sl0: c.sl0, tg0: c.tg0), vttbr: root)
            let what = "TG0 \(c.tg0) SL0 \(c.sl0) T0SZ \(c.t0sz)"
            XCTAssertTrue(config.startLevelValid, what)
            XCTAssertEqual(config.startLevel, c.start, what)
            // The last page of the IPA space: the last entry of the last concatenated table.
            let top = (UInt64(1) << UInt64(n)) - (UInt64(1) << UInt64(g.shift))
            m.map(top, to: data, root: root, granule: g, inputSize: n, startLevel: c.start, leafLevel: 3, attrs: Attr.s2RW)
            let r = expectSuccess { () throws(FaultRecord) in try Stage2Walk.walk(top + 8, config, bus: m.bus) }
            XCTAssertEqual(r?.outputAddress, data + 8, what)
            XCTAssertEqual(r?.blockShift, UInt8(g.shift), what)
            // A block at the first level that allows one, or at the start level if lower.
            let blockLevel = max(g.firstBlockLevel, c.start)
            if blockLevel <= 2 {
                let shift = (3 - blockLevel) * g.stride + g.shift
                let ipa = UInt64(1) << UInt64(shift)  // the second block of the IPA space
                m.map(ipa, to: 0x4000_0000, root: root, granule: g, inputSize: n, startLevel: c.start,
                      leafLevel: blockLevel, attrs: Attr.s2RW)
                let b = expectSuccess { () throws(FaultRecord) in try Stage2Walk.walk(ipa + 0x123, config, bus: m.bus) }
                XCTAssertEqual(b?.outputAddress, 0x4000_0123, what)
                XCTAssertEqual(b?.level, UInt8(blockLevel), what)
                XCTAssertEqual(b?.blockShift, UInt8(shift), what)
            }
            // A block one level above the first block level is a translation fault there.
            if g.firstBlockLevel - 1 >= c.start {
                let level = g.firstBlockLevel - 1
                let shift = (3 - level) * g.stride + g.shift
                let ipa = UInt64(2) << UInt64(shift)
                m.map(ipa, to: 0, root: root, granule: g, inputSize: n, startLevel: c.start, leafLevel: level,
                      attrs: Attr.s2RW)
                XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(ipa, config, bus: m.bus) },
                               s2Fault(.translation, UInt8(level), ipa: ipa), what)
            }
        }
    }

    func testIllegalStartLevelIsLevel0TranslationFault() {
        for vtcr in [Reg.vtcr(t0sz: 20, sl0: 3), Reg.vtcr(t0sz: 20, sl0: 0), Reg.vtcr(t0sz: 34, sl0: 1),
                     Reg.vtcr(t0sz: 20, sl0: 3, tg0: 0b10), Reg.vtcr(t0sz: 16, sl0: 2)] {
            let c = Stage2Config(vtcr: vtcr, vttbr: s2root)
            XCTAssertFalse(c.startLevelValid)
            XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x1000, c, bus: self.m.bus) },
                           s2Fault(.translation, 0, ipa: 0x1000))
        }
    }

    func testStage2AccessFlagAddressSizeAndExternalAbort() {
        s2map(0x1000, to: data, level: 3, attrs: Attr.s2RW & ~DescriptorBits.af)
        s2map(0x20_0000, to: 0x40A0_0000, level: 2, attrs: Attr.s2RW & ~DescriptorBits.af)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x1000, self.s2config(), bus: self.m.bus) },
                       s2Fault(.accessFlag, 3, ipa: 0x1000))
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x20_0010, self.s2config(), bus: self.m.bus) },
                       s2Fault(.accessFlag, 2, ipa: 0x20_0010))
        // PS = 32 bits: an output address needing 33 bits.
        s2map(0x2000, to: 0x1_0000_0000, level: 3)
        let ps32 = Stage2Config(vtcr: Reg.vtcr(t0sz: 24, sl0: 1, ps: 0b000), vttbr: s2root)
        XCTAssertEqual(ps32.outputSize, 32)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x2000, ps32, bus: self.m.bus) },
                       s2Fault(.addressSize, 3, ipa: 0x2000))
        let high = Stage2Config(vtcr: Reg.vtcr(t0sz: 24, sl0: 1, ps: 0b000), vttbr: s2root | 0x1_0000_0000)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x2000, high, bus: self.m.bus) },
                       s2Fault(.addressSize, 0, ipa: 0x2000))
        // VTTBR pointing where nothing answers.
        let nowhere = Stage2Config(vtcr: vtcr40, vttbr: 0x1000_0000)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage2Walk.walk(0x2000, nowhere, bus: self.m.bus) },
                       s2Fault(.synchronousExternalOnWalk, 1, ipa: 0x2000))
    }

    // MARK: - Stage 1 off, stage 2 on

    func flatS1(vmid: UInt64 = 1) -> TranslationRegime {
        .el10(tcr: 0, ttbr0: 0, ttbr1: 0, mair: 0, sctlr: Reg.sctlr(m: false),
              vtcr: vtcr40, vttbr: Reg.vttbr(s2root, vmid: vmid), stage2Enabled: true)
    }

    func testStage2PermissionsS2APAndXN() {
        let cases: [(s2ap: UInt64, xn: Bool, read: Bool, write: Bool, fetch: Bool)] = [
            (0b00, false, false, false, true),
            (0b01, false, true, false, true),
            (0b10, false, false, true, true),
            (0b11, false, true, true, true),
            (0b11, true, true, true, false),
        ]
        for (i, c) in cases.enumerated() {
            let ipa = UInt64(0x10_0000 + i * 0x1000)
            s2map(ipa, to: data, level: 3, attrs: DescriptorBits.af | DescriptorBits.memAttr(0xF)
                  | DescriptorBits.s2ap(c.s2ap) | (c.xn ? DescriptorBits.xn : 0))
            let r = expectSuccess { () throws(FaultRecord) in try self.flatS1().walk(ipa + 4, bus: self.m.bus) }!
            XCTAssertEqual(r.hasStage2, true)
            XCTAssertEqual(r.intermediatePhysicalAddress, ipa + 4)
            XCTAssertEqual(r.physicalAddress, data + 4)
            let denied = s2Fault(.permission, 3, ipa: ipa + 4)
            for el: UInt8 in [0, 1] {
                XCTAssertEqual(r.permissionFault(for: [], el: el), c.read ? nil : denied, "case \(i) read")
                XCTAssertEqual(r.permissionFault(for: [.write], el: el), c.write ? nil : denied, "case \(i) write")
                XCTAssertEqual(r.permissionFault(for: [.fetch], el: el), c.fetch ? nil : denied, "case \(i) fetch")
            }
            // DC by VA from EL1 cannot fault on stage-2 permissions either.
            XCTAssertNil(r.permissionFault(for: [.cacheMaintenance], el: 1))
        }
        // A stage-2 block: the fault reports its level.
        s2map(0x40_0000, to: 0x40A0_0000, level: 2, attrs: DescriptorBits.af | DescriptorBits.s2ap(0b01))
        let b = expectSuccess { () throws(FaultRecord) in try self.flatS1().walk(0x40_0008, bus: self.m.bus) }
        XCTAssertEqual(b?.permissionFault(for: [.write], el: 1), s2Fault(.permission, 2, ipa: 0x40_0008))
        XCTAssertEqual(b?.stage2MemAttr, 0)
    }

    func testStage1OffIPAOutsideStage2RangeFaultsAtStage2() {
        let r = flatS1()
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x100_0000_0000, bus: self.m.bus) },
                       s2Fault(.translation, 0, ipa: 0x100_0000_0000))
        // Beyond the PA size is a stage-1 address size fault first.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(1 << 44, bus: self.m.bus) },
                       FaultRecord(kind: .addressSize, level: 0))
    }

    // MARK: - Stage 1 under stage 2

    /// Stage-1 tables at IPA = PA in the table area (a 1 GiB stage-2 block maps it 1:1), data at
    /// IPA 0x8000_0000 mapped by stage-2 pages to `data`.
    func combinedSetup(s1Root: UInt64) -> TranslationRegime {
        s2map(0x4000_0000, to: 0x4000_0000, level: 1)
        return .el10(tcr: Reg.tcrEL1(t0sz: 25), ttbr0: s1Root, ttbr1: 0, mair: Reg.mair, sctlr: Reg.sctlr(),
                     vtcr: vtcr40, vttbr: Reg.vttbr(s2root, vmid: 1), stage2Enabled: true)
    }

    func testCombinedWalkResult() {
        let s1 = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let r = combinedSetup(s1Root: s1)
        m.map(0x1000, to: 0x8000_0000, root: s1, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.userRW | DescriptorBits.nG)
        s2map(0x8000_0000, to: data + 0x5000, level: 3, attrs: Attr.s2RW | DescriptorBits.xn)
        let t = expectSuccess { () throws(FaultRecord) in try r.walk(0x1ABC, bus: self.m.bus) }
        XCTAssertEqual(t?.physicalAddress, data + 0x5ABC)
        XCTAssertEqual(t?.intermediatePhysicalAddress, 0x8000_0ABC)
        XCTAssertEqual(t?.level, 3)
        XCTAssertEqual(t?.stage2Level, 3)
        XCTAssertEqual(t?.pageShift, 12)
        XCTAssertEqual(t?.global, false)
        XCTAssertEqual(t?.hasStage2, true)
        XCTAssertEqual(t?.stage2Permissions, [.read, .write])
        XCTAssertEqual(t?.permissions, [.el0Read, .el0Write, .el0Execute, .privilegedRead, .privilegedWrite])
        XCTAssertEqual(t?.effectivePermissions, [.el0Read, .el0Write, .privilegedRead, .privilegedWrite])
        XCTAssertEqual(t?.isDevice, false)
        XCTAssertEqual(t?.memoryAttributes, 0xFF)
        XCTAssertEqual(t?.stage2MemAttr, 0xF)
        // Stage 1 allows EL0 fetch, stage 2 forbids it: a stage-2 fault at stage 2's level.
        XCTAssertEqual(t?.permissionFault(for: [.fetch], el: 0), s2Fault(.permission, 3, ipa: 0x8000_0ABC))
        // Stage 1 denies EL1 fetch (EL0-writable): the stage-1 fault comes first.
        XCTAssertEqual(t?.permissionFault(for: [.fetch], el: 1), FaultRecord(kind: .permission, level: 3))

        // A 2 MiB stage-1 block over a 1 GiB stage-2 block: the region is 2 MiB.
        m.map(0x20_0000, to: 0x4060_0000, root: s1, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 2,
              attrs: Attr.kernelRW)
        let big = expectSuccess { () throws(FaultRecord) in try r.walk(0x2F_0000, bus: self.m.bus) }
        XCTAssertEqual(big?.physicalAddress, 0x406F_0000)
        XCTAssertEqual(big?.pageShift, 21)
        XCTAssertEqual(big?.stage1PageShift, 21)
        XCTAssertEqual(big?.stage2Level, 1)
        // A 1 GiB stage-1 block over 4 KiB stage-2 pages: the region is 4 KiB.
        m.map(0x4000_0000, to: 0x8000_0000, root: s1, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 1,
              attrs: Attr.kernelRW)
        let small = expectSuccess { () throws(FaultRecord) in try r.walk(0x4000_0010, bus: self.m.bus) }
        XCTAssertEqual(small?.physicalAddress, data + 0x5010)
        XCTAssertEqual(small?.pageShift, 12)
        XCTAssertEqual(small?.stage1PageShift, 30)
        // Normal memory at stage 1 made Device by stage 2 (MemAttr 0000).
        s2map(0x8000_2000, to: data, level: 3, attrs: DescriptorBits.af | DescriptorBits.s2ap(0b11))
        let dev = expectSuccess { () throws(FaultRecord) in try r.walk(0x4000_2000, bus: self.m.bus) }
        XCTAssertEqual(dev?.memoryAttributes, 0xFF)
        XCTAssertEqual(dev?.isDevice, true)
        // The final IPA unmapped at stage 2: a stage-2 fault that is not on a table walk.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x4000_3010, bus: self.m.bus) },
                       s2Fault(.translation, 3, ipa: 0x8000_3010))
    }

    func testStage1TableWalkFaultsAtStage2AreS1PTW() {
        // The stage-1 level 1 table at an IPA stage 2 does not map (its level 1 entry is empty).
        let s1 = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let r = combinedSetup(s1Root: 0x9000_0000)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x4000_1000, bus: self.m.bus) },
                       s2Fault(.translation, 1, ipa: 0x9000_0008, s1ptw: true))

        // The level 1 table is reachable; its entry points at a level 2 table at IPA 0xA000_0000.
        m.write(s1, 0xA000_0000 | DescriptorBits.table)
        let r2 = combinedSetup(s1Root: s1)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r2.walk(0x20_1000, bus: self.m.bus) },
                       s2Fault(.translation, 1, ipa: 0xA000_0008, s1ptw: true))

        // Stage 2 maps that table write-only: reading it is a stage-2 permission fault.
        let l2 = m.allocate(0x1000)
        s2map(0xA000_0000, to: l2, level: 3, attrs: DescriptorBits.af | DescriptorBits.s2ap(0b10))
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r2.walk(0x20_1000, bus: self.m.bus) },
                       s2Fault(.permission, 3, ipa: 0xA000_0008, s1ptw: true))

        // Stage 2 maps it read-only and execute-never: fine for a table walk. The level 2 entry
        // is empty, so stage 1 reports its own translation fault.
        s2map(0xA000_0000, to: l2, level: 3, attrs: DescriptorBits.af | DescriptorBits.s2ap(0b01) | DescriptorBits.xn)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r2.walk(0x20_1000, bus: self.m.bus) },
                       FaultRecord(kind: .translation, level: 2))

        // Access flag clear on the stage-2 page holding the table.
        s2map(0xA000_0000, to: l2, level: 3, attrs: Attr.s2RW & ~DescriptorBits.af)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r2.walk(0x20_1000, bus: self.m.bus) },
                       s2Fault(.accessFlag, 3, ipa: 0xA000_0008, s1ptw: true))

        // Stage 2 maps the table to nothing: an external abort on the stage-1 walk.
        s2map(0xA000_0000, to: 0x2000_0000, level: 3)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r2.walk(0x20_1000, bus: self.m.bus) },
                       FaultRecord(kind: .synchronousExternalOnWalk, level: 2))
    }

    func testObserverSeesBothStagesInOrder() {
        let s1 = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let r = combinedSetup(s1Root: s1)
        m.map(0x1000, to: 0x8000_0000, root: s1, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        s2map(0x8000_0000, to: data, level: 3)
        let o = RecordingObserver()
        _ = expectSuccess { () throws(FaultRecord) in try r.walk(0x1000, bus: self.m.bus, observer: o) }
        // Each stage-1 table read is preceded by its stage-2 walk (1 GiB block: one read), then the
        // final IPA is walked at stage 2 (three reads for a page).
        XCTAssertEqual(o.reads.map { $0.stage }, [2, 1, 2, 1, 2, 1, 2, 2, 2])
        XCTAssertEqual(o.reads.map { $0.level }, [1, 1, 1, 2, 1, 3, 1, 2, 3])
    }
}
