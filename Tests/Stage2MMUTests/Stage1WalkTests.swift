import XCTest
import Bus
@testable import Stage2MMU

/// Stage-1 walks of the EL1&0 and EL2 regimes (D8.2.6, D8.3, D8.4).
final class Stage1WalkTests: XCTestCase {
    let data: UInt64 = 0x4080_0000  // data pages live above the table area

    func el10(_ tcr: UInt64, ttbr0: UInt64, ttbr1: UInt64 = 0, sctlr: UInt64 = Reg.sctlr()) -> TranslationRegime {
        TranslationRegime(stage1: Stage1Config(tcrEL1: tcr, ttbr0: ttbr0, ttbr1: ttbr1, mair: Reg.mair, sctlr: sctlr))
    }

    // MARK: - Granules, start levels, blocks

    func test4KStartAtLevel0PagesAndBlocksAtLevels1And2() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 48, startLevel: 0)
        let g = Granule.size4KB
        m.map(0x0000_0000_1234_5000, to: data + 0x3000, root: root, granule: g, inputSize: 48, startLevel: 0,
              leafLevel: 3, attrs: Attr.kernelRW)
        m.map(0x0000_0080_0000_0000, to: 0x4000_0000, root: root, granule: g, inputSize: 48, startLevel: 0,
              leafLevel: 1, attrs: Attr.kernelRW)
        m.map(0x0000_0100_0020_0000, to: 0x4060_0000, root: root, granule: g, inputSize: 48, startLevel: 0,
              leafLevel: 2, attrs: Attr.kernelRW | DescriptorBits.nG)
        m.map(0x0000_7F80_0000_0000, to: 0, root: root, granule: g, inputSize: 48, startLevel: 0,
              leafLevel: 0, attrs: Attr.kernelRW)
        let r = el10(Reg.tcrEL1(t0sz: 16), ttbr0: root)

        let page = expectSuccess { () throws(FaultRecord) in try r.walk(0x0000_0000_1234_5678, bus: m.bus) }
        XCTAssertEqual(page?.physicalAddress, data + 0x3678)
        XCTAssertEqual(page?.intermediatePhysicalAddress, data + 0x3678)
        XCTAssertEqual(page?.level, 3)
        XCTAssertEqual(page?.pageShift, 12)
        XCTAssertEqual(page?.global, true)
        XCTAssertEqual(page?.hasStage2, false)
        XCTAssertEqual(page?.attrIndex, 1)
        XCTAssertEqual(page?.memoryAttributes, 0xFF)
        XCTAssertEqual(page?.shareability, 3)
        XCTAssertEqual(page?.isDevice, false)
        // AP = 00, UXN = PXN = 0: privileged read/write/execute, EL0 execute only.
        XCTAssertEqual(page?.permissions, [.privilegedRead, .privilegedWrite, .privilegedExecute, .el0Execute])

        let gig = expectSuccess { () throws(FaultRecord) in try r.walk(0x0000_0080_0312_3456, bus: m.bus) }
        XCTAssertEqual(gig?.physicalAddress, 0x4312_3456)
        XCTAssertEqual(gig?.level, 1)
        XCTAssertEqual(gig?.pageShift, 30)

        let two = expectSuccess { () throws(FaultRecord) in try r.walk(0x0000_0100_003F_FFFF, bus: m.bus) }
        XCTAssertEqual(two?.physicalAddress, 0x407F_FFFF)
        XCTAssertEqual(two?.level, 2)
        XCTAssertEqual(two?.pageShift, 21)
        XCTAssertEqual(two?.global, false)

        // A block descriptor at level 0 is not allowed with 4 KiB pages.
        let f = expectFault { () throws(FaultRecord) in try r.walk(0x0000_7F80_0000_1000, bus: m.bus) }
        XCTAssertEqual(f, FaultRecord(kind: .translation, level: 0))
        // Nothing mapped below an existing level 0 entry: level 1 translation fault.
        let f1 = expectFault { () throws(FaultRecord) in try r.walk(0x0000_0000_8000_0000, bus: m.bus) }
        XCTAssertEqual(f1, FaultRecord(kind: .translation, level: 1))
        // An empty level 0 entry.
        let f0 = expectFault { () throws(FaultRecord) in try r.walk(0x0000_0200_0000_0000, bus: m.bus) }
        XCTAssertEqual(f0, FaultRecord(kind: .translation, level: 0))
    }

    func test4KStartAtLevel1And2() {
        for (t0sz, start) in [(UInt64(25), 1), (UInt64(33), 1), (UInt64(34), 2), (UInt64(39), 2)] {
            let m = TableMemory()
            let n = 64 - Int(t0sz)
            let root = m.root(.size4KB, inputSize: n, startLevel: start)
            m.map(0x1000_0000 & ((1 << UInt64(n)) - 1) | 0x5000, to: data + 0x5000, root: root, granule: .size4KB,
                  inputSize: n, startLevel: start, leafLevel: 3, attrs: Attr.kernelRW)
            m.map(0x0060_0000, to: 0x40A0_0000, root: root, granule: .size4KB, inputSize: n, startLevel: start,
                  leafLevel: 2, attrs: Attr.kernelRW)
            let r = el10(Reg.tcrEL1(t0sz: t0sz), ttbr0: root)
            let va: UInt64 = 0x1000_0000 & ((1 << UInt64(n)) - 1) | 0x5ABC
            let p = expectSuccess { () throws(FaultRecord) in try r.walk(va, bus: m.bus) }
            XCTAssertEqual(p?.physicalAddress, data + 0x5ABC, "T0SZ \(t0sz)")
            XCTAssertEqual(p?.level, 3)
            let b = expectSuccess { () throws(FaultRecord) in try r.walk(0x0070_0000, bus: m.bus) }
            XCTAssertEqual(b?.physicalAddress, 0x40B0_0000, "T0SZ \(t0sz)")
            XCTAssertEqual(b?.level, 2)
            // One past the input range: a level 0 translation fault whatever the start level.
            let f = expectFault { () throws(FaultRecord) in try r.walk(1 << UInt64(n), bus: m.bus) }
            XCTAssertEqual(f, FaultRecord(kind: .translation, level: 0))
            if start == 1 {
                m.map(0x4000_0000, to: 0x4000_0000, root: root, granule: .size4KB, inputSize: n, startLevel: start,
                      leafLevel: 1, attrs: Attr.kernelRW)
                let gb = expectSuccess { () throws(FaultRecord) in try r.walk(0x7FFF_FFFF, bus: m.bus) }
                XCTAssertEqual(gb?.physicalAddress, 0x7FFF_FFFF)
                XCTAssertEqual(gb?.level, 1)
            }
        }
    }

    func test16KEveryStartLevelAndLevel2BlocksOnly() {
        let g = Granule.size16KB
        for (t0sz, start) in [(UInt64(16), 0), (UInt64(17), 1), (UInt64(28), 2), (UInt64(39), 3)] {
            let m = TableMemory()
            let n = 64 - Int(t0sz)
            let root = m.root(g, inputSize: n, startLevel: start)
            let r = el10(Reg.tcrEL1(t0sz: t0sz, tg0: 0b10), ttbr0: root)
            XCTAssertEqual(r.stage1.lower.startLevel, start)
            let pageVA: UInt64 = 0x0100_C000
            m.map(pageVA, to: data + 0x8000, root: root, granule: g, inputSize: n, startLevel: start,
                  leafLevel: 3, attrs: Attr.kernelRW)
            let p = expectSuccess { () throws(FaultRecord) in try r.walk(pageVA + 0x3FFF, bus: m.bus) }
            XCTAssertEqual(p?.physicalAddress, data + 0xBFFF, "T0SZ \(t0sz)")
            XCTAssertEqual(p?.pageShift, 14)
            XCTAssertEqual(p?.level, 3)
            if start <= 2 {
                // 32 MiB blocks at level 2.
                m.map(0x0400_0000, to: 0x4200_0000, root: root, granule: g, inputSize: n, startLevel: start,
                      leafLevel: 2, attrs: Attr.kernelRW)
                let b = expectSuccess { () throws(FaultRecord) in try r.walk(0x0500_0010, bus: m.bus) }
                XCTAssertEqual(b?.physicalAddress, 0x4300_0010)
                XCTAssertEqual(b?.level, 2)
                XCTAssertEqual(b?.pageShift, 25)
            }
            if start <= 1 {
                // No level 1 blocks with 16 KiB pages in ARMv8.0.
                let va: UInt64 = 0x10_0000_0000
                m.map(va, to: 0, root: root, granule: g, inputSize: n, startLevel: start, leafLevel: 1,
                      attrs: Attr.kernelRW)
                let f = expectFault { () throws(FaultRecord) in try r.walk(va, bus: m.bus) }
                XCTAssertEqual(f, FaultRecord(kind: .translation, level: 1))
            }
            if start == 0 {
                let va: UInt64 = 0x8000_0000_0000
                m.map(va, to: 0, root: root, granule: g, inputSize: n, startLevel: 0, leafLevel: 0,
                      attrs: Attr.kernelRW)
                let f = expectFault { () throws(FaultRecord) in try r.walk(va, bus: m.bus) }
                XCTAssertEqual(f, FaultRecord(kind: .translation, level: 0))
            }
        }
    }

    func test64KStartLevelsAndLevel2Blocks() {
        let g = Granule.size64KB
        for (t0sz, start) in [(UInt64(16), 1), (UInt64(22), 2), (UInt64(39), 3)] {
            let m = TableMemory()
            let n = 64 - Int(t0sz)
            let root = m.root(g, inputSize: n, startLevel: start)
            let r = el10(Reg.tcrEL1(t0sz: t0sz, tg0: 0b01), ttbr0: root)
            XCTAssertEqual(r.stage1.lower.startLevel, start)
            m.map(0x0123_0000, to: data + 0x1_0000, root: root, granule: g, inputSize: n, startLevel: start,
                  leafLevel: 3, attrs: Attr.kernelRW)
            let p = expectSuccess { () throws(FaultRecord) in try r.walk(0x0123_FFFF, bus: m.bus) }
            XCTAssertEqual(p?.physicalAddress, data + 0x1_FFFF, "T0SZ \(t0sz)")
            XCTAssertEqual(p?.pageShift, 16)
            if start <= 2 {
                // 512 MiB blocks at level 2.
                m.map(0x4000_0000, to: 0x4000_0000, root: root, granule: g, inputSize: n, startLevel: start,
                      leafLevel: 2, attrs: Attr.kernelRW)
                let b = expectSuccess { () throws(FaultRecord) in try r.walk(0x5FFF_FFF0, bus: m.bus) }
                XCTAssertEqual(b?.physicalAddress, 0x5FFF_FFF0)
                XCTAssertEqual(b?.level, 2)
                XCTAssertEqual(b?.pageShift, 29)
            }
            if start == 1 {
                // Level 1 blocks (4 TiB) need FEAT_LPA.
                let va: UInt64 = 0x400_0000_0000
                m.map(va, to: 0, root: root, granule: g, inputSize: n, startLevel: 1, leafLevel: 1,
                      attrs: Attr.kernelRW)
                let f = expectFault { () throws(FaultRecord) in try r.walk(va, bus: m.bus) }
                XCTAssertEqual(f, FaultRecord(kind: .translation, level: 1))
            }
        }
    }

    func testReservedAndInvalidDescriptors() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let leaf = m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1,
                         leafLevel: 3, attrs: Attr.kernelRW)
        let r = el10(Reg.tcrEL1(t0sz: 25), ttbr0: root)
        // Block encoding (01) at level 3 is reserved.
        m.write(leaf, data | Attr.kernelRW | 0b01)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 3))
        // Bit 0 clear, whatever else is set.
        m.write(leaf, data | Attr.kernelRW | 0b10)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 3))
        // An invalid level 2 entry.
        let l2 = m.descriptorAddress(0x1000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, level: 2)
        m.write(l2, 0xFFFF_FFFF_FFFF_FFF0)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 2))
    }

    func testContiguousHintIsAccepted() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW | DescriptorBits.contiguous)
        let r = el10(Reg.tcrEL1(t0sz: 25), ttbr0: root)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(0x1234, bus: m.bus) }?.physicalAddress,
                       data + 0x234)
    }

    // MARK: - Access flag, address size, external abort

    func testAccessFlagFaultAtLeafLevel() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW & ~DescriptorBits.af)
        m.map(0x20_0000, to: 0x40A0_0000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 2,
              attrs: Attr.kernelRW & ~DescriptorBits.af)
        m.map(0x4000_0000, to: 0x4000_0000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1,
              leafLevel: 1, attrs: Attr.kernelRW & ~DescriptorBits.af)
        let r = el10(Reg.tcrEL1(t0sz: 25), ttbr0: root)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .accessFlag, level: 3))
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x20_0000, bus: m.bus) },
                       FaultRecord(kind: .accessFlag, level: 2))
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x4000_0000, bus: m.bus) },
                       FaultRecord(kind: .accessFlag, level: 1))
        // No hardware update of the flag in ARMv8.0: the descriptor is unchanged.
        let leaf = m.descriptorAddress(0x1000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, level: 3)
        XCTAssertEqual(m.read(leaf) & DescriptorBits.af, 0)
    }

    func testAddressSizeFaultsAgainstIPS() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        // 32-bit output size: the tables (at 0x4000_0000) fit.
        let tcr = Reg.tcrEL1(t0sz: 25, ips: 0b000)
        m.map(0x1000, to: 0x1_0000_0000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        m.map(0x2000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        m.map(0x4000_0000, to: 0x1_4000_0000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1,
              leafLevel: 1, attrs: Attr.kernelRW)
        let r = el10(tcr, ttbr0: root)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(0x2000, bus: m.bus) }?.physicalAddress, data)
        // A page whose output address needs 33 bits.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 3))
        // A block whose output address needs 33 bits.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x4000_0000, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 1))
        // A table descriptor pointing beyond 32 bits: fault at the level of that descriptor.
        m.write(root + 8 * 2, 0x1_0000_0000 | DescriptorBits.table)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x8000_0000, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 1))
        // The base register beyond 32 bits: level 0, whatever the start level.
        let high = el10(tcr, ttbr0: 0x1_0000_0000 | root)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try high.walk(0x2000, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 0))
        // With IPS at the 44-bit maximum, bit 44 of an output address still faults.
        m.map(0x3000, to: 1 << 44, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        let wide = el10(Reg.tcrEL1(t0sz: 25, ips: 0b101), ttbr0: root)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try wide.walk(0x3000, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 3))
    }

    func testExternalAbortOnWalk() {
        let m = TableMemory()
        // Tables where nothing answers: the first read aborts, at the start level.
        let r1 = el10(Reg.tcrEL1(t0sz: 25), ttbr0: 0x1000_0000)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r1.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .synchronousExternalOnWalk, level: 1))
        let r0 = el10(Reg.tcrEL1(t0sz: 16), ttbr0: 0x1000_0000)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r0.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .synchronousExternalOnWalk, level: 0))
        // A level 1 table descriptor pointing at nothing: abort at level 2.
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.write(root, 0x2000_0000 | DescriptorBits.table)
        let r = el10(Reg.tcrEL1(t0sz: 25), ttbr0: root)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .synchronousExternalOnWalk, level: 2))
    }

    // MARK: - VA ranges and top byte ignore

    func testTTBR1RangeWithItsOwnGranuleAndAddressesInNeitherRange() {
        let m = TableMemory()
        let low = m.root(.size4KB, inputSize: 48, startLevel: 0)
        let high = m.root(.size16KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: low, granule: .size4KB, inputSize: 48, startLevel: 0, leafLevel: 3,
              attrs: Attr.kernelRW)
        let kva: UInt64 = 0xFFFF_FFC0_1234_4000
        m.map(kva, to: data + 0x4000, root: high, granule: .size16KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        // TG1 = 0b01 is 16 KiB (the same value in TG0 would mean 64 KiB).
        let r = el10(Reg.tcrEL1(t0sz: 16, tg0: 0b00, t1sz: 25, tg1: 0b01), ttbr0: low, ttbr1: high)
        XCTAssertEqual(r.stage1.upper.startLevel, 1)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(kva + 0x123, bus: m.bus) }?.physicalAddress,
                       data + 0x4123)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(0x1008, bus: m.bus) }?.physicalAddress,
                       data + 8)
        for va: UInt64 in [0x0001_0000_0000_0000, 0x8000_0000_0000_0000, 0xFFFF_FF7F_FFFF_F000, 0x00FF_FFC0_1234_4000] {
            XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(va, bus: m.bus) },
                           FaultRecord(kind: .translation, level: 0), "VA \(String(va, radix: 16))")
        }
        // EPD1 stops walks of the TTBR1 range, EPD0 of the TTBR0 range.
        let noHigh = el10(Reg.tcrEL1(t0sz: 16, t1sz: 25, tg1: 0b01, epd1: true), ttbr0: low, ttbr1: high)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try noHigh.walk(kva, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        let noLow = el10(Reg.tcrEL1(t0sz: 16, t1sz: 25, tg1: 0b01, epd0: true), ttbr0: low, ttbr1: high)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try noLow.walk(0x1000, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        XCTAssertNotNil(expectSuccess { () throws(FaultRecord) in try noLow.walk(kva, bus: m.bus) })
    }

    func testTopByteIgnore() {
        let m = TableMemory()
        let low = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let high = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: low, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        m.map(0xFFFF_FFC0_0000_2000, to: data + 0x2000, root: high, granule: .size4KB, inputSize: 39, startLevel: 1,
              leafLevel: 3, attrs: Attr.kernelRW)
        let tagged: UInt64 = 0x5A00_0000_0000_1010
        let taggedHigh: UInt64 = 0x12FF_FFC0_0000_2010
        let plain = el10(Reg.tcrEL1(t0sz: 25, t1sz: 25), ttbr0: low, ttbr1: high)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try plain.walk(tagged, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try plain.walk(taggedHigh, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        let tbi0 = el10(Reg.tcrEL1(t0sz: 25, t1sz: 25, tbi0: true), ttbr0: low, ttbr1: high)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try tbi0.walk(tagged, bus: m.bus) }?.physicalAddress,
                       data + 0x10)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try tbi0.walk(taggedHigh, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        let tbi1 = el10(Reg.tcrEL1(t0sz: 25, t1sz: 25, tbi1: true), ttbr0: low, ttbr1: high)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try tbi1.walk(taggedHigh, bus: m.bus) }?.physicalAddress,
                       data + 0x2010)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try tbi1.walk(tagged, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
    }

    func testBigEndianDescriptors() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW)
        let addresses = (1...3).map {
            m.descriptorAddress(0x1000, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, level: $0)
        }
        for a in addresses { m.write(a, m.read(a).byteSwapped) }
        let be = el10(Reg.tcrEL1(t0sz: 25), ttbr0: root, sctlr: Reg.sctlr(ee: true))
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try be.walk(0x1000, bus: m.bus) }?.physicalAddress, data)
    }

    func testStage1DisabledIsFlatWithAddressSizeCheck() {
        let m = TableMemory()
        let r = el10(Reg.tcrEL1(), ttbr0: 0, sctlr: Reg.sctlr(m: false))
        XCTAssertTrue(r.isFlat)
        let s1 = expectSuccess { () throws(FaultRecord) in try Stage1Walk.walk(0xFFF_FFFF_F000, r.stage1, bus: m.bus) }
        XCTAssertEqual(s1?.outputAddress, 0xFFF_FFFF_F000)
        XCTAssertEqual(s1?.permissions, .all)
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try Stage1Walk.walk(1 << 44, r.stage1, bus: m.bus) },
                       FaultRecord(kind: .addressSize, level: 0))
    }

    func testMAIRAttributeResolution() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: DescriptorBits.af | DescriptorBits.attrIndex(0))
        m.map(0x2000, to: data, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: DescriptorBits.af | DescriptorBits.attrIndex(7))
        let r = TranslationRegime(stage1: Stage1Config(tcrEL1: Reg.tcrEL1(t0sz: 25), ttbr0: root, ttbr1: 0,
                                                      mair: 0x4400_0000_0000_FF04, sctlr: 1))
        let dev = expectSuccess { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) }
        XCTAssertEqual(dev?.memoryAttributes, 0x04)
        XCTAssertEqual(dev?.isDevice, true)
        let nc = expectSuccess { () throws(FaultRecord) in try r.walk(0x2000, bus: m.bus) }
        XCTAssertEqual(nc?.attrIndex, 7)
        XCTAssertEqual(nc?.memoryAttributes, 0x44)
        XCTAssertEqual(nc?.isDevice, false)
    }

    func testObserverSeesEveryDescriptorRead() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 48, startLevel: 0)
        m.map(0x1000, to: data, root: root, granule: .size4KB, inputSize: 48, startLevel: 0, leafLevel: 3,
              attrs: Attr.kernelRW)
        let r = el10(Reg.tcrEL1(t0sz: 16), ttbr0: root)
        let o = RecordingObserver()
        _ = expectSuccess { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus, observer: o) }
        XCTAssertEqual(o.reads.map { $0.level }, [0, 1, 2, 3])
        XCTAssertEqual(o.reads.map { $0.stage }, [1, 1, 1, 1])
        XCTAssertEqual(o.reads.first?.address, root)
        XCTAssertEqual(o.reads.last?.value, data | Attr.kernelRW | DescriptorBits.page)
    }

    // MARK: - EL2 regime

    func testEL2RegimeSinglePrivilegeRules() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let g = Granule.size4KB
        // AP[1] = 0 (no EL0 in EL1&0 terms), nG and PXN set: all ignored at EL2.
        m.map(0x1000, to: data, root: root, granule: g, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW | DescriptorBits.nG | DescriptorBits.pxn)
        m.map(0x2000, to: data, root: root, granule: g, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW | DescriptorBits.ap(0b10))
        m.map(0x3000, to: data, root: root, granule: g, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW | DescriptorBits.xn)
        let r = TranslationRegime.el2(tcr: Reg.tcrEL2(t0sz: 25), ttbr0: root, mair: Reg.mair, sctlr: Reg.sctlr())
        let a = expectSuccess { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) }
        XCTAssertEqual(a?.global, true)
        XCTAssertEqual(a?.permissions, [.privilegedRead, .privilegedWrite, .privilegedExecute])
        XCTAssertNil(a?.permissionFault(for: [.fetch], el: 2))
        XCTAssertNil(a?.permissionFault(for: [.write], el: 2))
        // LDTR/STTR at EL2 are ordinary accesses.
        XCTAssertNil(a?.permissionFault(for: [.write, .unprivileged], el: 2))

        let ro = expectSuccess { () throws(FaultRecord) in try r.walk(0x2000, bus: m.bus) }
        XCTAssertEqual(ro?.permissionFault(for: [.write], el: 2), FaultRecord(kind: .permission, level: 3))
        XCTAssertNil(ro?.permissionFault(for: [], el: 2))
        let xn = expectSuccess { () throws(FaultRecord) in try r.walk(0x3000, bus: m.bus) }
        XCTAssertEqual(xn?.permissionFault(for: [.fetch], el: 2), FaultRecord(kind: .permission, level: 3))

        // One range only: an address with the top bits set is a level 0 translation fault.
        XCTAssertEqual(expectFault { () throws(FaultRecord) in try r.walk(0xFFFF_FFC0_0000_1000, bus: m.bus) },
                       FaultRecord(kind: .translation, level: 0))
        // TCR_EL2.TBI ignores the top byte.
        let tbi = TranslationRegime.el2(tcr: Reg.tcrEL2(t0sz: 25, tbi: true), ttbr0: root, mair: Reg.mair, sctlr: 1)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try tbi.walk(0xA500_0000_0000_1000, bus: m.bus) }?
            .physicalAddress, data)
    }

    func testEL2RegimeTableControlsAndWXN() {
        let m = TableMemory()
        let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
        let g = Granule.size4KB
        // APTable[0] and PXNTable are RES0 at EL2: no effect. XNTable and APTable[1] apply.
        m.map(0x1000, to: data, root: root, granule: g, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW, tableBits: DescriptorBits.apTableNoEL0 | DescriptorBits.pxnTable)
        m.map(0x4000_1000, to: data, root: root, granule: g, inputSize: 39, startLevel: 1, leafLevel: 3,
              attrs: Attr.kernelRW, tableBits: DescriptorBits.uxnTable | DescriptorBits.apTableReadOnly)
        let r = TranslationRegime.el2(tcr: Reg.tcrEL2(t0sz: 25), ttbr0: root, mair: Reg.mair, sctlr: 1)
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(0x1000, bus: m.bus) }?.permissions,
                       [.privilegedRead, .privilegedWrite, .privilegedExecute])
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try r.walk(0x4000_1000, bus: m.bus) }?.permissions,
                       [.privilegedRead])
        let wxn = TranslationRegime.el2(tcr: Reg.tcrEL2(t0sz: 25), ttbr0: root, mair: Reg.mair, sctlr: Reg.sctlr(wxn: true))
        XCTAssertEqual(expectSuccess { () throws(FaultRecord) in try wxn.walk(0x1000, bus: m.bus) }?.permissions,
                       [.privilegedRead, .privilegedWrite])
    }
}
