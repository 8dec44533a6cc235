import XCTest
import Bus
@testable import Stage2MMU

/// TLB semantics through the MMU (D8.13): entries outlive their descriptors until the matching
/// TLBI; ASID, VMID and regime keep entries apart; global entries match every ASID.
final class TLBTests: XCTestCase {
    let pageA: UInt64 = 0x4080_0000
    let pageB: UInt64 = 0x4090_0000
    let pageC: UInt64 = 0x40A0_0000
    let m = TableMemory()
    lazy var mmu = MMU(bus: m.bus)

    func newRoot() -> UInt64 { m.root(.size4KB, inputSize: 39, startLevel: 1) }

    @discardableResult
    func map(_ va: UInt64, to pa: UInt64, root: UInt64, level: Int = 3, attrs: UInt64 = Attr.kernelRW) -> UInt64 {
        m.map(va, to: pa, root: root, granule: .size4KB, inputSize: 39, startLevel: 1, leafLevel: level, attrs: attrs)
    }

    func el10(root: UInt64, asid: UInt64 = 1, ttbr1: UInt64 = 0, tcr: UInt64 = Reg.tcrEL1(t0sz: 25, t1sz: 25),
              vmid: UInt64 = 0) -> TranslationRegime {
        .el10(tcr: tcr, ttbr0: Reg.ttbr(root, asid: asid), ttbr1: ttbr1, mair: Reg.mair, sctlr: Reg.sctlr(),
              vtcr: 0, vttbr: Reg.vttbr(0, vmid: vmid), stage2Enabled: false)
    }

    /// The PA `va` translates to for an EL1 read, or nil on a fault.
    func pa(_ va: UInt64, _ r: TranslationRegime, _ access: AccessKind = [], el: UInt8 = 1) -> UInt64? {
        do {
            return try mmu.translate(va, access, el: el, regime: r).physicalAddress
        } catch {
            return nil
        }
    }

    /// Xt of a TLBI by VA: VA[55:12] in bits 43:0, ASID in bits 63:48.
    func operand(_ va: UInt64, asid: UInt64 = 0) -> UInt64 { (va >> 12) & 0xFFF_FFFF_FFFF | asid << 48 }

    // MARK: - Staleness

    func testStaleMappingStaysUntilTLBIVAE1() {
        let root = newRoot()
        let leaf = map(0x1000, to: pageA, root: root, attrs: Attr.kernelRW | DescriptorBits.nG)
        map(0x2000, to: pageC, root: root)
        let r = el10(root: root, asid: 5)
        XCTAssertEqual(pa(0x1234, r), pageA + 0x234)
        XCTAssertEqual(pa(0x2000, r), pageC)
        m.write(leaf, pageB | Attr.kernelRW | DescriptorBits.nG | DescriptorBits.page)
        XCTAssertEqual(pa(0x1234, r), pageA + 0x234, "stale until invalidated")
        // Another VA, or the right VA with another ASID, leaves it.
        mmu.tlb.invalidate(.vae1, operand: operand(0x3000, asid: 5), vmid: 0)
        mmu.tlb.invalidate(.vae1, operand: operand(0x1000, asid: 6), vmid: 0)
        mmu.tlb.invalidate(.vae1, operand: operand(0x1000, asid: 5), vmid: 1)
        XCTAssertEqual(pa(0x1234, r), pageA + 0x234)
        mmu.tlb.invalidate(.vae1, operand: operand(0x1FFF, asid: 5), vmid: 0)
        XCTAssertEqual(pa(0x1234, r), pageB + 0x234)
        XCTAssertEqual(pa(0x2000, r), pageC, "other pages stay")
    }

    func testUnmappedPageStillTranslatesUntilInvalidated() {
        let root = newRoot()
        let leaf = map(0x1000, to: pageA, root: root)
        let r = el10(root: root)
        XCTAssertEqual(pa(0x1000, r), pageA)
        m.write(leaf, 0)
        XCTAssertEqual(pa(0x1000, r), pageA)
        mmu.tlb.invalidate(.vale1, operand: operand(0x1000, asid: 1), vmid: 0)
        XCTAssertNil(pa(0x1000, r))
    }

    func testEachEL1InvalidationRemovesTheEntry() {
        for op in [TLBIOperation.vale1, .vaae1, .vaale1, .vmalle1, .vmalls12e1, .alle1, .ipas2e1] {
            let m = TableMemory()
            let mmu = MMU(bus: m.bus)
            let root = m.root(.size4KB, inputSize: 39, startLevel: 1)
            let leaf = m.map(0x1000, to: pageA, root: root, granule: .size4KB, inputSize: 39, startLevel: 1,
                             leafLevel: 3, attrs: Attr.kernelRW | DescriptorBits.nG)
            let r = el10(root: root, asid: 3, vmid: 4)
            XCTAssertEqual(try? mmu.translate(0x1000, [], el: 1, regime: r).physicalAddress, pageA)
            m.write(leaf, pageB | Attr.kernelRW | DescriptorBits.page)
            XCTAssertEqual(try? mmu.translate(0x1000, [], el: 1, regime: r).physicalAddress, pageA)
            // EL2 operations leave EL1&0 entries.
            mmu.tlb.invalidate(.alle2, operand: 0, vmid: 4)
            mmu.tlb.invalidate(.vae2, operand: operand(0x1000), vmid: 4)
            XCTAssertEqual(try? mmu.translate(0x1000, [], el: 1, regime: r).physicalAddress, pageA, "\(op)")
            mmu.tlb.invalidate(op, operand: operand(0x1000, asid: 3), vmid: 4)
            XCTAssertEqual(try? mmu.translate(0x1000, [], el: 1, regime: r).physicalAddress, pageB, "\(op)")
        }
    }

    func testFaultsAreNotCached() {
        let root = newRoot()
        let leaf = map(0x1000, to: pageA, root: root, attrs: Attr.kernelRW & ~DescriptorBits.af)
        let r = el10(root: root)
        XCTAssertThrowsError(try mmu.translate(0x1000, [], el: 1, regime: r))
        XCTAssertEqual(mmu.tlb.validEntryCount, 0)
        m.write(leaf, pageA | Attr.kernelRW | DescriptorBits.page)
        XCTAssertEqual(pa(0x1000, r), pageA)
    }

    func testPermissionsAreCheckedOnEveryHit() {
        let root = newRoot()
        map(0x1000, to: pageA, root: root, attrs: Attr.kernelRW | DescriptorBits.ap(0b10))
        let r = el10(root: root)
        XCTAssertEqual(pa(0x1000, r), pageA)
        XCTAssertEqual(mmu.tlb.validEntryCount, 1)
        do {
            _ = try mmu.translate(0x1000, [.write], el: 1, regime: r)
            XCTFail("write to a read-only page")
        } catch {
            XCTAssertEqual(error, FaultRecord(kind: .permission, level: 3))
        }
        XCTAssertNil(pa(0x1000, r, el: 0))
        XCTAssertEqual(mmu.tlb.validEntryCount, 1, "the denied accesses hit the cached entry")
    }

    // MARK: - ASIDs and global entries

    func testASIDsKeepEntriesApart() {
        let root1 = newRoot(), root2 = newRoot()
        let leaf1 = map(0x1000, to: pageA, root: root1, attrs: Attr.kernelRW | DescriptorBits.nG)
        map(0x1000, to: pageB, root: root2, attrs: Attr.kernelRW | DescriptorBits.nG)
        let r1 = el10(root: root1, asid: 1), r2 = el10(root: root2, asid: 2)
        XCTAssertEqual(pa(0x1000, r1), pageA)
        XCTAssertEqual(pa(0x1000, r2), pageB)
        XCTAssertEqual(pa(0x1000, r1), pageA)
        XCTAssertEqual(mmu.tlb.validEntryCount, 2)
        m.write(leaf1, pageC | Attr.kernelRW | DescriptorBits.nG | DescriptorBits.page)
        mmu.tlb.invalidate(.aside1, operand: 2 << 48, vmid: 0)
        XCTAssertEqual(pa(0x1000, r1), pageA, "ASIDE1 of ASID 2 leaves ASID 1")
        mmu.tlb.invalidate(.aside1, operand: 1 << 48, vmid: 0)
        XCTAssertEqual(pa(0x1000, r1), pageC)
        XCTAssertEqual(pa(0x1000, r2), pageB)
    }

    func testGlobalEntriesMatchEveryASID() {
        let root1 = newRoot(), root2 = newRoot()
        map(0x1000, to: pageA, root: root1)  // global
        map(0x1000, to: pageB, root: root2, attrs: Attr.kernelRW | DescriptorBits.nG)
        let r1 = el10(root: root1, asid: 1), r2 = el10(root: root2, asid: 2)
        XCTAssertEqual(pa(0x1000, r1), pageA)
        XCTAssertEqual(pa(0x1000, r2), pageA, "the global entry answers for ASID 2")
        // ASIDE1 never removes global entries.
        mmu.tlb.invalidate(.aside1, operand: 1 << 48, vmid: 0)
        mmu.tlb.invalidate(.aside1, operand: 2 << 48, vmid: 0)
        XCTAssertEqual(pa(0x1000, r2), pageA)
        // VAE1 removes global entries for the VA whatever the ASID given.
        mmu.tlb.invalidate(.vae1, operand: operand(0x1000, asid: 77), vmid: 0)
        XCTAssertEqual(pa(0x1000, r2), pageB)
    }

    func testSixteenBitASIDs() {
        let root1 = newRoot(), root2 = newRoot()
        map(0x1000, to: pageA, root: root1, attrs: Attr.kernelRW | DescriptorBits.nG)
        map(0x1000, to: pageB, root: root2, attrs: Attr.kernelRW | DescriptorBits.nG)
        let tcr = Reg.tcrEL1(t0sz: 25, t1sz: 25, as16: true)
        let r1 = el10(root: root1, asid: 0x0101, tcr: tcr), r2 = el10(root: root2, asid: 0x0201, tcr: tcr)
        XCTAssertEqual(pa(0x1000, r1), pageA)
        XCTAssertEqual(pa(0x1000, r2), pageB, "ASIDs differing in the upper byte are distinct")
        // With 8-bit ASIDs the upper byte is ignored: both name ASID 1.
        let n1 = el10(root: root1, asid: 0x0101), n2 = el10(root: root2, asid: 0x0201)
        XCTAssertEqual(pa(0x1000, n1), pageA)
        XCTAssertEqual(pa(0x1000, n2), pageA)
    }

    // MARK: - VMIDs and stage 2

    func testVMIDsKeepEntriesApart() {
        // Stage 1 off; each VMID has its own stage 2 mapping IPA 0x1000.
        let s2a = m.root(.size4KB, inputSize: 40, startLevel: 1)
        let s2b = m.root(.size4KB, inputSize: 40, startLevel: 1)
        let vtcr = Reg.vtcr(t0sz: 24, sl0: 1)
        let leafA = m.map(0x1000, to: pageA, root: s2a, granule: .size4KB, inputSize: 40, startLevel: 1,
                          leafLevel: 3, attrs: Attr.s2RW)
        m.map(0x1000, to: pageB, root: s2b, granule: .size4KB, inputSize: 40, startLevel: 1, leafLevel: 3,
              attrs: Attr.s2RW)
        func regime(_ root: UInt64, vmid: UInt64) -> TranslationRegime {
            .el10(tcr: 0, ttbr0: 0, ttbr1: 0, mair: 0, sctlr: Reg.sctlr(m: false), vtcr: vtcr,
                  vttbr: Reg.vttbr(root, vmid: vmid), stage2Enabled: true)
        }
        let v1 = regime(s2a, vmid: 1), v2 = regime(s2b, vmid: 2)
        XCTAssertEqual(pa(0x1000, v1), pageA)
        XCTAssertEqual(pa(0x1000, v2), pageB)
        m.write(leafA, pageC | Attr.s2RW | DescriptorBits.page)
        mmu.tlb.invalidate(.vmalls12e1, operand: 0, vmid: 2)
        XCTAssertEqual(pa(0x1000, v1), pageA, "VMID 2's flush leaves VMID 1")
        mmu.tlb.invalidate(.ipas2e1, operand: 0x1000 >> 12, vmid: 1)
        XCTAssertEqual(pa(0x1000, v1), pageC)
        XCTAssertEqual(pa(0x1000, v2), pageB)
        mmu.tlb.invalidate(.alle1, operand: 0, vmid: 0)
        XCTAssertEqual(mmu.tlb.validEntryCount, 0)
    }

    func testStageEnablesArePartOfTheTag() {
        // VMID 1, stage 2 maps IPA 0x1000 → A and IPA 0x8000 → B; stage 1 maps VA 0x1000 → IPA 0x8000.
        let s2 = m.root(.size4KB, inputSize: 40, startLevel: 1)
        for (ipa, pa) in [(UInt64(0x1000), pageA), (0x8000, pageB)] {
            m.map(ipa, to: pa, root: s2, granule: .size4KB, inputSize: 40, startLevel: 1, leafLevel: 3, attrs: Attr.s2RW)
        }
        m.map(0x4000_0000, to: 0x4000_0000, root: s2, granule: .size4KB, inputSize: 40, startLevel: 1, leafLevel: 1,
              attrs: Attr.s2RW)
        let s1 = newRoot()
        map(0x1000, to: 0x8000, root: s1)
        func regime(mmuOn: Bool) -> TranslationRegime {
            .el10(tcr: Reg.tcrEL1(t0sz: 25), ttbr0: s1, ttbr1: 0, mair: Reg.mair, sctlr: Reg.sctlr(m: mmuOn),
                  vtcr: Reg.vtcr(t0sz: 24, sl0: 1), vttbr: Reg.vttbr(s2, vmid: 1), stage2Enabled: true)
        }
        XCTAssertEqual(pa(0x1000, regime(mmuOn: false)), pageA)
        XCTAssertEqual(pa(0x1000, regime(mmuOn: true)), pageB, "the MMU-off entry is not used once it is on")
        XCTAssertEqual(pa(0x1000, regime(mmuOn: false)), pageA)
    }

    // MARK: - Regimes

    func testEL2AndEL1EntriesAreSeparate() {
        let root1 = newRoot(), root2 = newRoot()
        let leaf2 = map(0x1000, to: pageB, root: root2)
        map(0x1000, to: pageA, root: root1)
        let r1 = el10(root: root1)
        let r2 = TranslationRegime.el2(tcr: Reg.tcrEL2(t0sz: 25), ttbr0: root2, mair: Reg.mair, sctlr: Reg.sctlr())
        XCTAssertEqual(pa(0x1000, r1), pageA)
        XCTAssertEqual(pa(0x1000, r2, el: 2), pageB)
        m.write(leaf2, pageC | Attr.kernelRW | DescriptorBits.page)
        mmu.tlb.invalidate(.alle1, operand: 0, vmid: 0)
        mmu.tlb.invalidate(.vae1, operand: operand(0x1000, asid: 1), vmid: 0)
        XCTAssertEqual(pa(0x1000, r2, el: 2), pageB, "EL1 operations leave EL2 entries")
        mmu.tlb.invalidate(.vae2, operand: operand(0x1000), vmid: 0)
        XCTAssertEqual(pa(0x1000, r2, el: 2), pageC)
        m.write(leaf2, pageA | Attr.kernelRW | DescriptorBits.page)
        mmu.tlb.invalidate(.alle2, operand: 0, vmid: 0)
        XCTAssertEqual(pa(0x1000, r2, el: 2), pageA)
    }

    // MARK: - Addresses

    func testInvalidationByVAInsideABlock() {
        let root = newRoot()
        let block = map(0x20_0000, to: 0x4060_0000, root: root, level: 2)
        map(0x1000, to: pageA, root: root)
        let r = el10(root: root)
        XCTAssertEqual(pa(0x20_0000, r), 0x4060_0000)
        XCTAssertEqual(pa(0x3F_F008, r), 0x407F_F008)
        XCTAssertEqual(pa(0x1000, r), pageA)
        m.write(block, 0x40A0_0000 | Attr.kernelRW | DescriptorBits.block)
        // Any address in the block invalidates every page cached from it.
        mmu.tlb.invalidate(.vae1, operand: operand(0x21_0000, asid: 1), vmid: 0)
        XCTAssertEqual(pa(0x20_0000, r), 0x40A0_0000)
        XCTAssertEqual(pa(0x3F_F008, r), 0x40BF_F008)
        XCTAssertEqual(mmu.tlb.validEntryCount, 3, "the unrelated page stays")
    }

    /// A block used through many pages sits in many sets; a by-VA invalidation anywhere in it
    /// reaches every one (TLB keeps a bit per set that holds a large entry), and a second use
    /// after that is cached and invalidated again.
    func testABlockCachedInManySetsGoesAtOnce() {
        let root = newRoot()
        let block = map(0x20_0000, to: 0x4060_0000, root: root, level: 2)
        map(0x1000, to: pageA, root: root)
        let r = el10(root: root)
        XCTAssertEqual(pa(0x1000, r), pageA)
        for k in 0..<64 as Range<UInt64> { XCTAssertEqual(pa(0x20_0000 + k * 0x5000, r), 0x4060_0000 + k * 0x5000) }
        XCTAssertEqual(mmu.tlb.validEntryCount, 65)
        m.write(block, 0x40A0_0000 | Attr.kernelRW | DescriptorBits.block)
        mmu.tlb.invalidate(.vae1, operand: operand(0x3F_F000, asid: 1), vmid: 0)
        XCTAssertEqual(mmu.tlb.validEntryCount, 1, "only the page outside the block stays")
        XCTAssertEqual(pa(0x20_5000, r), 0x40A0_5000)
        m.write(block, 0x4060_0000 | Attr.kernelRW | DescriptorBits.block)
        mmu.tlb.invalidate(.vae1, operand: operand(0x20_0000, asid: 1), vmid: 0)
        XCTAssertEqual(pa(0x20_5000, r), 0x4060_5000)
    }

    /// Large mappings in two places (a kernel's linear map and its image) leave the VAs between
    /// them uncovered, so that their TLBIs look at one set; a ninth place grows the nearest region.
    func testLargeRegionsStaySeparate() {
        var r = LargeRegion()
        r.include(0xFFFF_0000_4000_0000, shift: 21)
        r.include(0xFFFF_0000_4020_0000, shift: 21)
        r.include(0xFFFF_8000_0800_0000, shift: 21)
        XCTAssertTrue(r.covers(0xFFFF_0000_4030_0000))
        XCTAssertTrue(r.covers(0xFFFF_8000_081F_F000))
        XCTAssertFalse(r.covers(0xFFFF_8000_0900_0000), "vmalloc, between the two")
        XCTAssertFalse(r.covers(0xFFFF_0000_8000_0000))
        r.include(0x1000_0000, shift: 30)
        r.include(0x2000_0000_0000, shift: 21)
        r.include(0x2000_0040_0000, shift: 21)
        XCTAssertTrue(r.covers(0x1000_0000) && r.covers(0x2000_0000_0000) && r.covers(0x2000_0040_0000))
        XCTAssertTrue(r.covers(0xFFFF_0000_4030_0000) && r.covers(0xFFFF_8000_0800_1000), "nothing is forgotten")
        XCTAssertFalse(r.covers(0x3000_0000_0000))
        let more: [UInt64] = [0x4000_0000_0000, 0x5000_0000_0000, 0x6000_0000_0000, 0x7000_0000_0000, 0x7100_0000_0000]
        for v in more { r.include(v, shift: 21) }
        XCTAssertTrue(more.allSatisfy { r.covers($0) })
        XCTAssertTrue(r.covers(0x1000_0000) && r.covers(0xFFFF_8000_0800_1000), "merged, still nothing forgotten")
    }

    /// A kernel image mapped with 2 MiB blocks fills the regions; its fixmap's block then takes a
    /// region freed by merging two image blocks, not one grown over half the address space,
    /// so a TLBI of the fixmap's text-patching slot looks at one set.
    func testAFarBlockMergesNeighboursInstead() {
        var r = LargeRegion()
        for k in 0..<UInt64(12) { r.include(0xFFFF_8000_0800_0000 + k << 21, shift: 21) }
        r.include(0xFFFF_FBFF_FDC0_0000, shift: 21)
        XCTAssertTrue(r.covers(0xFFFF_8000_0800_0000) && r.covers(0xFFFF_8000_0960_0000))
        XCTAssertTrue(r.covers(0xFFFF_FBFF_FDC0_1000))
        XCTAssertFalse(r.covers(0xFFFF_FBFF_FDA0_0000), "the text-patching slot, 2 MiB below")
        XCTAssertFalse(r.covers(0xFFFF_8000_1000_0000), "vmalloc, past the image")
    }

    func testTTBR1AddressesInTheOperand() {
        let low = newRoot(), high = newRoot()
        let kva: UInt64 = 0xFFFF_FFC0_0000_1000
        let leaf = map(kva, to: pageA, root: high)
        let r = el10(root: low, ttbr1: high)
        XCTAssertEqual(pa(kva, r), pageA)
        m.write(leaf, pageB | Attr.kernelRW | DescriptorBits.page)
        // The same low VA bits in the TTBR0 range do not match.
        mmu.tlb.invalidate(.vaae1, operand: operand(0x0000_0040_0000_1000), vmid: 0)
        XCTAssertEqual(pa(kva, r), pageA)
        mmu.tlb.invalidate(.vaae1, operand: operand(kva), vmid: 0)
        XCTAssertEqual(pa(kva, r), pageB)

        // A 2 MiB block in the TTBR1 range, cached twice, invalidated through a third address.
        let kblock: UInt64 = 0xFFFF_FFC0_0020_0000
        let block = map(kblock, to: 0x4060_0000, root: high, level: 2)
        XCTAssertEqual(pa(kblock + 0x1000, r), 0x4060_1000)
        XCTAssertEqual(pa(kblock + 0x1F_F000, r), 0x407F_F000)
        m.write(block, 0x40A0_0000 | Attr.kernelRW | DescriptorBits.block)
        mmu.tlb.invalidate(.vae1, operand: operand(kblock + 0x8_0000, asid: 1), vmid: 0)
        XCTAssertEqual(pa(kblock + 0x1000, r), 0x40A0_1000)
        XCTAssertEqual(pa(kblock + 0x1F_F000, r), 0x40BF_F000)
    }

    func testTaggedAddressesShareOneEntry() {
        let root = newRoot()
        let leaf = map(0x1000, to: pageA, root: root)
        let r = el10(root: root, tcr: Reg.tcrEL1(t0sz: 25, t1sz: 25, tbi0: true))
        XCTAssertEqual(pa(0x5A00_0000_0000_1004, r), pageA + 4)
        XCTAssertEqual(pa(0x0000_0000_0000_1008, r), pageA + 8)
        XCTAssertEqual(mmu.tlb.validEntryCount, 1)
        m.write(leaf, pageB | Attr.kernelRW | DescriptorBits.page)
        mmu.tlb.invalidate(.vae1, operand: operand(0x1000, asid: 1), vmid: 0)
        XCTAssertEqual(pa(0x7700_0000_0000_1004, r), pageB + 4)
    }

    func testCapacityReplacementKeepsTranslationsRight() {
        let root = newRoot()
        let count: UInt64 = 3000
        for i in 0..<count { map(0x100_0000 + i << 12, to: 0x1_0000_0000 + i << 12, root: root) }
        let r = el10(root: root, tcr: Reg.tcrEL1(t0sz: 25, t1sz: 25, ips: 0b101))
        for round in 0..<2 {
            for i in 0..<count {
                XCTAssertEqual(pa(0x100_0000 + i << 12 + 0x10, r), 0x1_0000_0000 + i << 12 + 0x10, "round \(round)")
            }
        }
        XCTAssertLessThanOrEqual(mmu.tlb.validEntryCount, mmu.tlb.capacity)
        XCTAssertEqual(mmu.tlb.capacity, 1024)
        mmu.tlb.invalidateAll()
        XCTAssertEqual(mmu.tlb.validEntryCount, 0)
    }

    func testFlatTranslationBypassesTheTLB() {
        let r = TranslationRegime.el10(tcr: 0, ttbr0: 0, ttbr1: 0, mair: 0, sctlr: 0, vtcr: 0, vttbr: 0,
                                       stage2Enabled: false)
        XCTAssertEqual(pa(0x1234_5678, r), 0x1234_5678)
        XCTAssertEqual(mmu.tlb.validEntryCount, 0)
        XCTAssertNil(pa(1 << 44, r))
    }

    func testObserverOnlySeesMisses() {
        let root = newRoot()
        map(0x1000, to: pageA, root: root)
        let o = RecordingObserver()
        mmu.observer = o
        let r = el10(root: root)
        XCTAssertEqual(pa(0x1000, r), pageA)
        XCTAssertEqual(o.reads.count, 3)
        XCTAssertEqual(pa(0x1008, r), pageA + 8)
        XCTAssertEqual(o.reads.count, 3)
    }

    // MARK: - Decoding

    func testTLBIDecoding() {
        let cases: [(UInt32, UInt32, UInt32, TLBIOperation, Bool)] = [
            (0, 7, 0, .vmalle1, false), (0, 3, 0, .vmalle1, true),
            (0, 7, 1, .vae1, false), (0, 3, 1, .vae1, true),
            (0, 7, 2, .aside1, false), (0, 3, 2, .aside1, true),
            (0, 7, 3, .vaae1, false), (0, 7, 5, .vale1, false), (0, 3, 7, .vaale1, true),
            (4, 4, 1, .ipas2e1, false), (4, 0, 1, .ipas2e1, true), (4, 4, 5, .ipas2le1, false), (4, 0, 5, .ipas2le1, true),
            (4, 7, 0, .alle2, false), (4, 3, 0, .alle2, true), (4, 7, 1, .vae2, false), (4, 3, 1, .vae2, true),
            (4, 7, 4, .alle1, false), (4, 3, 4, .alle1, true), (4, 7, 5, .vale2, false), (4, 3, 5, .vale2, true),
            (4, 7, 6, .vmalls12e1, false), (4, 3, 6, .vmalls12e1, true),
        ]
        for (op1, crm, op2, op, inner) in cases {
            XCTAssertEqual(TLBIInstruction(op1: op1, crm: crm, op2: op2), TLBIInstruction(operation: op, innerShareable: inner),
                           "op1 \(op1) CRm \(crm) op2 \(op2)")
        }
        XCTAssertNil(TLBIInstruction(op1: 6, crm: 7, op2: 0), "ALLE3: no EL3")
        XCTAssertNil(TLBIInstruction(op1: 0, crm: 7, op2: 4))
        XCTAssertNil(TLBIInstruction(op1: 4, crm: 4, op2: 2))
        XCTAssertEqual(TLBIOperation.vae1.minimumEL, 1)
        XCTAssertEqual(TLBIOperation.vmalls12e1.minimumEL, 2)
    }
}
