import XCTest
@testable import ARMCore
import Bus

/// The host TLB (DecodeCache.swift, `HostTLB`) lives across the run loop's turns: it goes only
/// when something could have changed what it maps. These run the real loop (`CPU.run`), a turn
/// at a time, and change translation between turns from outside, as another CPU or the machine
/// would: each must show in the next turn's loads.
final class HostTLBLifetimeTests: XCTestCase {
    let base = CoreTestMachine.ramBase
    static let page: UInt64 = 1 << 10 | 3 << 8 | 3            // AF, inner shareable, page
    static let block: UInt64 = 1 << 10 | 3 << 8 | 1            // AF, inner shareable, block
    static let notGlobal: UInt64 = 1 << 11
    /// ldr x0, [x1]; b .-4: one load per two instructions, forever.
    static let loadLoop: [UInt32] = [0xF940_0020, 0x17FF_FFFF]
    let va: UInt64 = 0x8000_0000

    /// Stage-1 tables at `at` (L1, L2, L3 in three pages): VA 0x4000_0000 a 1 GiB identity
    /// block (the code), VA 0x8000_0000 a 4 KiB page at `pa` (`attrs` added).
    func tables(at t: UInt64, pa: UInt64, attrs: UInt64 = 0, bus: PhysicalAddressSpace) {
        _ = bus.write(t + 1 * 8, size: 8, value: 0x4000_0000 | Self.block)
        _ = bus.write(t + 2 * 8, size: 8, value: (t + 0x1000) | 3)
        _ = bus.write(t + 0x1000, size: 8, value: (t + 0x2000) | 3)
        _ = bus.write(t + 0x2000, size: 8, value: pa | Self.page | attrs)
    }

    /// A CPU at EL1 with the MMU on through the tables at base + 0x1_0000 (ASID `asid`),
    /// running `loadLoop` with X1 = VA 0x8000_0000, which maps PA 0x4008_0000 (holding 1);
    /// PA 0x4008_1000 holds 2.
    func machine(asid: UInt64 = 0, attrs: UInt64 = 0) -> CoreTestMachine {
        let m = CoreTestMachine(el: 1)
        tables(at: base + 0x1_0000, pa: 0x4008_0000, attrs: attrs, bus: m.bus)
        _ = m.bus.write(0x4008_0000, size: 8, value: 1)
        _ = m.bus.write(0x4008_1000, size: 8, value: 2)
        m.cpu.writeSysReg(.MAIR_EL1, 0xFF)
        m.cpu.writeSysReg(.TTBR0_EL1, asid << 48 | (base + 0x1_0000))
        m.cpu.writeSysReg(.TCR_EL1, 25 | 1 << 23 | 4 << 32)   // T0SZ 25, EPD1, IPS 44 bits
        m.cpu.writeSysReg(.SCTLR_EL1, m.cpu.sysregs[SysReg.SCTLR_EL1] | SCTLR.M)
        m.program(Self.loadLoop)
        m.cpu.x[1] = va
        return m
    }

    /// A second CPU on `m`'s bus and decode cache, in one shareability domain with it, booted
    /// at `el` at base + 0x100, with `m`'s translation registers.
    func secondCPU(of m: CoreTestMachine, el: UInt8 = 1) -> CPU {
        let other = CPU(index: 1, bus: m.bus, decodeCache: m.cache, hasEL2: true, config: CPUConfig())
        other.boot(entry: base + 0x100, el: el)
        for r: SysReg in [.MAIR_EL1, .TTBR0_EL1, .TCR_EL1, .SCTLR_EL1, .VTCR_EL2, .VTTBR_EL2] {
            other.writeSysReg(r, m.cpu.sysregs[r])
        }
        other.writeSysReg(.HCR_EL2, m.cpu.sysregs[SysReg.HCR_EL2])
        _ = ShareabilityDomain(cpus: [m.cpu, other])
        return other
    }

    /// One turn of the loop: a load (and the branch back).
    func turn(_ cpu: CPU) -> UInt64 {
        XCTAssertEqual(cpu.run(budget: 2), .budget)
        return cpu.x[0]
    }

    func hostTLBHolds(_ cpu: CPU, _ va: UInt64) -> Bool {
        let h = cpu.decodeCache.hostTLB(cpu: cpu.index)
        return h.entry(va).pointee.readTag == va | h.epoch
    }

    func testTheHostTLBSurvivesBetweenTurns() {
        let m = machine()
        XCTAssertEqual(turn(m.cpu), 1)
        XCTAssertTrue(hostTLBHolds(m.cpu, va))
        let epoch = m.cache.hostTLB(cpu: 0).epoch
        for _ in 0..<3 { XCTAssertEqual(turn(m.cpu), 1) }
        XCTAssertEqual(m.cache.hostTLB(cpu: 0).epoch, epoch, "no flush while nothing changed")
        XCTAssertTrue(hostTLBHolds(m.cpu, va))
    }

    /// CPU 1's TLBI VMALLE1IS and TLBI VAE1IS (D8.13.4) reach CPU 0's host TLB while CPU 0 is
    /// between turns: its next load walks the new tables. The local form leaves CPU 0 alone.
    func testABroadcastTLBIFromCPU1MakesCPU0sNextAccessMiss() {
        let m = machine()
        let other = secondCPU(of: m)
        // tlbi vmalle1; tlbi vmalle1is; tlbi vae1is, x2; tlbi vae1is, x3
        m.program([0xD508_871F, 0xD508_831F, 0xD508_8322, 0xD508_8323], at: base + 0x100)
        other.x[2] = va >> 12
        other.x[3] = (va + 0x1000) >> 12
        let l3 = base + 0x1_2000
        XCTAssertEqual(turn(m.cpu), 1)
        _ = m.bus.write(l3, size: 8, value: 0x4008_1000 | Self.page)
        other.step()
        XCTAssertEqual(turn(m.cpu), 1, "a local TLBI on CPU 1 leaves CPU 0's entries")
        other.step()
        // TLBI VMALLE1IS took CPU 0's fetch page: its next turn starts with an empty host TLB.
        XCTAssertEqual(m.cpu.fetchPageVA, 1)
        XCTAssertEqual(turn(m.cpu), 2)
        _ = m.bus.write(l3, size: 8, value: 0x4008_0000 | Self.page)
        other.step()
        XCTAssertFalse(hostTLBHolds(m.cpu, va), "TLBI VAE1IS of the page on CPU 1 drops it from CPU 0's")
        XCTAssertEqual(turn(m.cpu), 1)
        _ = m.bus.write(l3, size: 8, value: 0x4008_1000 | Self.page)
        other.step()
        XCTAssertEqual(turn(m.cpu), 1, "TLBI VAE1IS of another page leaves this one")
    }

    /// A TTBR0_EL1 write between turns (as a debugger makes, or the guest's context switch)
    /// takes the host TLB's entries with it; non-global entries of an ASID come back when that
    /// ASID does, from the architectural TLB.
    func testATTBRAndASIDSwitchBetweenTurns() {
        let m = machine(asid: 1, attrs: Self.notGlobal)
        let tablesA = 1 << 48 | (base + 0x1_0000)
        let tablesB = 2 << 48 | (base + 0x3_0000)
        tables(at: base + 0x3_0000, pa: 0x4008_1000, attrs: Self.notGlobal, bus: m.bus)
        XCTAssertEqual(turn(m.cpu), 1)
        m.cpu.writeSysReg(.TTBR0_EL1, tablesB)
        XCTAssertEqual(turn(m.cpu), 2, "ASID 2's tables")
        // ASID 1's tables now say PA 0x4008_1000, but without a TLBI its entry stands.
        _ = m.bus.write(base + 0x1_2000, size: 8, value: 0x4008_1000 | Self.page | Self.notGlobal)
        m.cpu.writeSysReg(.TTBR0_EL1, tablesA)
        XCTAssertEqual(turn(m.cpu), 1, "ASID 1's cached entry")
        // The guest's own switch, in the loop: msr ttbr0_el1, x2; isb; ldr x3, [x1]; b .
        m.program([0xD518_2002, 0xD503_3FDF, 0xF940_0023, 0x1400_0000], at: base + 0x200)
        m.cpu.x[2] = tablesB
        m.cpu.pc = base + 0x200
        XCTAssertEqual(m.cpu.run(budget: 4), .budget)
        XCTAssertEqual(m.cpu.x[3], 2)
    }

    /// Stage 1 off, stage 2 on (VMID 7): IPA 0x8000_0000 is a 4 KiB stage-2 page. The
    /// hypervisor on CPU 1 (at EL2) moves it and runs TLBI IPAS2E1IS, VMALLE1IS as Xen does;
    /// CPU 0's next turn reads the new page. A VTTBR_EL2 switch to other tables goes too.
    func testAStage2ChangeByTheHypervisorReachesTheOtherCPU() {
        let m = CoreTestMachine(el: 1)
        let s2 = base + 0x2_0000
        let s2Page: UInt64 = 1 << 10 | 3 << 8 | 3 << 6 | 0xF << 2 | 3   // AF, SH, S2AP RW, normal WB
        let s2Block: UInt64 = s2Page & ~2                                 // the same as a block
        for t in [s2, base + 0x5_0000] {
            _ = m.bus.write(t + 1 * 8, size: 8, value: 0x4000_0000 | s2Block)   // the code
            _ = m.bus.write(t + 2 * 8, size: 8, value: (t + 0x1000) | 3)
            _ = m.bus.write(t + 0x1000, size: 8, value: (t + 0x2000) | 3)
        }
        _ = m.bus.write(s2 + 0x2000, size: 8, value: 0x4008_0000 | s2Page)
        _ = m.bus.write(base + 0x5_2000, size: 8, value: 0x4008_2000 | s2Page)
        _ = m.bus.write(0x4008_0000, size: 8, value: 1)
        _ = m.bus.write(0x4008_1000, size: 8, value: 2)
        _ = m.bus.write(0x4008_2000, size: 8, value: 3)
        m.cpu.writeSysReg(.VTCR_EL2, 25 | 1 << 6 | 4 << 16)    // T0SZ 25, SL0 = level 1, 4K, PS 44 bits
        m.cpu.writeSysReg(.VTTBR_EL2, 7 << 48 | s2)
        m.cpu.writeSysReg(.HCR_EL2, HCR.VM | HCR.RW)
        m.program(Self.loadLoop)
        m.cpu.x[1] = va
        let hyp = secondCPU(of: m, el: 2)
        // tlbi ipas2e1is, x2; tlbi vmalle1is
        m.program([0xD50C_8022, 0xD508_831F], at: base + 0x100)
        hyp.x[2] = va >> 12
        XCTAssertEqual(turn(m.cpu), 1)
        _ = m.bus.write(s2 + 0x2000, size: 8, value: 0x4008_1000 | s2Page)
        XCTAssertEqual(turn(m.cpu), 1, "no TLBI yet")
        hyp.step()
        hyp.step()
        XCTAssertEqual(turn(m.cpu), 2)
        m.cpu.writeSysReg(.VTTBR_EL2, 8 << 48 | (base + 0x5_0000))
        XCTAssertEqual(turn(m.cpu), 3, "VMID 8's stage 2")
    }

    /// 2,048 pages, twice the architectural TLB: after one pass that walks each page once,
    /// every page is in the host TLB (the full path's walk fills it, `hostTLBFillHint`), so the
    /// second pass walks none.
    func testAWorkingSetLargerThanTheArchitecturalTLBStaysInTheHostTLB() {
        let m = machine()
        let t = base + 0x1_0000
        let pages = 2048
        XCTAssertGreaterThan(pages, m.cpu.mmu.tlb.capacity)
        for k in 0..<pages / 512 { _ = m.bus.write(t + 0x1000 + UInt64(k * 8), size: 8, value: (t + 0x2000 + UInt64(k) * 0x1000) | 3) }
        for k in 0..<pages { _ = m.bus.write(t + 0x2000 + UInt64(k * 8), size: 8, value: 0x4008_0000 | Self.page) }
        // ldr x0, [x1]; add x1, x1, #1, lsl #12; sub x3, x3, #1; cbnz x3, .-12; b .
        m.program([0xF940_0020, 0x9140_0421, 0xD100_0463, 0xB5FF_FFA3, 0x1400_0000], at: base + 0x300)
        for pass in 0..<2 {
            m.cpu.pc = base + 0x300
            m.cpu.x[1] = va
            m.cpu.x[3] = UInt64(pages)
            m.cpu.mmu.tlb.invalidateAll()   // no help from the architectural TLB in pass 2
            XCTAssertEqual(m.cpu.run(budget: UInt64(4 * pages)), .budget)
            XCTAssertEqual(m.cpu.x[3], 0)
            let held = (0..<pages).filter { hostTLBHolds(m.cpu, va + UInt64($0) << 12) }.count
            XCTAssertEqual(held, pages, "pass \(pass)")
        }
        XCTAssertEqual(m.cpu.mmu.tlb.validEntryCount, 0, "pass 2 walked nothing")
    }

    /// The table is committed by the host page as entries are filled, and an emptying flush
    /// gives it back once more than `keptHostPages` hold entries.
    func testTheTableCommitsWhatItFillsAndGivesItBack() throws {
        let m = machine()
        XCTAssertEqual(turn(m.cpu), 1)
        let h = m.cache.hostTLB(cpu: 0)
        guard let filled = committedPrivately(h.entry(va)) else { throw XCTSkip("no /proc/self/pagemap") }
        XCTAssertTrue(filled)
        XCTAssertEqual(committedPrivately(h.entry(va + 0x100_0000)), false, "a page of entries never filled")
        for k in 0...HostTLB.keptHostPages {
            let e = h.entryToFill(UInt64(k * HostTLB.entriesPerHostPage) << 12)
            e.pointee.readTag = 1
        }
        XCTAssertGreaterThan(h.filledPageCount, HostTLB.keptHostPages)
        h.flush()
        XCTAssertEqual(h.filledPageCount, 0)
        XCTAssertEqual(committedPrivately(h.entry(va)), false, "given back")
        XCTAssertEqual(turn(m.cpu), 1)
    }

    /// An AArch32 TLBIMVAA (Linux's `local_flush_tlb_kernel_page`, run twice per text patch)
    /// drops its page and leaves the host TLB's other pages; the next load of the page walks
    /// the changed tables. Its entries once all went at each one.
    func testAnAArch32TLBIByMVADropsOnlyItsPage() {
        let m = CoreTestMachine(el: 1)
        let t = base + 0x1_0000
        // VA 0x8010_0000 and 0x8010_1000 (L3 entries 0x100 and 0x101): host TLB entries apart
        // from the code's (the entry is picked by the page number's low 16 bits).
        tables(at: t, pa: 0x4008_0000, bus: m.bus)
        _ = m.bus.write(t + 0x2800, size: 8, value: 0x4008_0000 | Self.page)
        _ = m.bus.write(t + 0x2808, size: 8, value: 0x4008_1000 | Self.page)
        _ = m.bus.write(0x4008_0000, size: 4, value: 1)
        _ = m.bus.write(0x4008_1000, size: 4, value: 2)
        _ = m.bus.write(0x4008_2000, size: 4, value: 3)
        m.program([
            0xE591_0000,    // 0: ldr r0, [r1]
            0xE593_2000,    // 4: ldr r2, [r3]
            0xEAFF_FFFC,    // 8: b 0
            0xEE08_4F77,    // c: mcr p15, 0, r4, c8, c7, 3   (TLBIMVAA)
            0xEAFF_FFFA,    // 10: b 0
        ])
        m.cpu.bootAArch32(entry: UInt32(base), mode: .svc)
        m.cpu.writeSysReg(.MAIR_EL1, 0xFF)
        m.cpu.writeSysReg(.TTBR0_EL1, t)
        m.cpu.writeSysReg(.TCR_EL1, 1 << 31)   // TTBCR.EAE, T0SZ 0: TTBR0 maps all 4 GiB
        m.cpu.writeSysReg(.SCTLR_EL1, m.cpu.sysregs[SysReg.SCTLR_EL1] | SCTLR.M)
        m.cpu.setR(1, 0x8010_0000)
        m.cpu.setR(3, 0x8010_1000)
        m.cpu.setR(4, 0x8010_0000)
        XCTAssertEqual(m.cpu.run(budget: 30), .budget)
        XCTAssertEqual([m.cpu.r(0), m.cpu.r(2)], [1, 2])
        XCTAssertTrue(hostTLBHolds(m.cpu, 0x8010_0000) && hostTLBHolds(m.cpu, 0x8010_1000))
        // The first page now maps PA 0x4008_2000; the TLBI makes the next load see it.
        _ = m.bus.write(t + 0x2800, size: 8, value: 0x4008_2000 | Self.page)
        m.cpu.pc = base + 0xC
        XCTAssertEqual(m.cpu.run(budget: 2), .budget)
        XCTAssertFalse(hostTLBHolds(m.cpu, 0x8010_0000), "the page invalidated")
        XCTAssertTrue(hostTLBHolds(m.cpu, 0x8010_1000), "another page stays")
        XCTAssertEqual(m.cpu.run(budget: 2), .budget)
        XCTAssertEqual([m.cpu.r(0), m.cpu.r(2)], [3, 2])
    }
}
