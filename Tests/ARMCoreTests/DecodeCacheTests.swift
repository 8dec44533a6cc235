import XCTest
@testable import ARMCore
import Bus

/// The decode cache's memory: it counts the host pages its decoded slots take, and once over
/// its budget it is emptied between runs (`recycleIfFull`). A guest must not notice either:
/// runs cut by recycles end where stepping does, and code written after a recycle runs as
/// written.
final class DecodeCacheTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    func testCommittedBytesCountTheHostPagesOfDecodedSlots() {
        let m = CoreTestMachine()
        XCTAssertEqual(m.cache.committedBytes, 0, "a new CPU decodes nothing")
        // MOVZ X0, #1; B +0x800 (slot 514, the array's third host page); there: ADD; B .
        m.program([0xD280_0020, 0x1400_0200 - 1])
        m.program([0x9100_0421, 0x1400_0000], at: base + 0x7FC + 4)
        _ = m.cpu.run(budget: 2)
        XCTAssertEqual(m.cache.committedBytes, 4096, "two slots in one host page")
        _ = m.cpu.run(budget: 3)
        XCTAssertEqual(m.cpu.x[1], 1)
        XCTAssertEqual(m.cache.committedBytes, 8192, "slots 512 and 513 are in the array's third host page")
        // Stores over slots that were never decoded (the array's second host page) leave
        // that host page uncommitted.
        for a in stride(from: base + 0x400, to: base + 0x800, by: 8) { _ = m.bus.write(a, size: 8, value: 0) }
        XCTAssertEqual(m.cache.committedBytes, 8192)
        let array = UnsafeRawPointer(m.cache.page(ramOffset: 0))
        XCTAssertEqual(committedPrivately(array + 2 * 4096), true, "slots 512 and 513 were written")
        XCTAssertEqual(committedPrivately(array + 4096), false, "the host page of slots 256..<512 was never written")
    }

    func testRecycleEmptiesTheCacheOnlyOverItsBudget() {
        let m = CoreTestMachine()
        m.program(RunLoopTests.countdown(5))
        _ = m.cpu.run(budget: 4)
        XCTAssertFalse(m.cache.recycleIfFull(), "4 KiB is within the default budget")
        m.cache.budgetBytes = 0
        XCTAssertTrue(m.cache.recycleIfFull())
        XCTAssertEqual(m.cache.committedBytes, 0)
        XCTAssertEqual(m.cache.recycles, 1)
        XCTAssertEqual(m.bus.codePages[0], 0, "the page no longer holds decoded slots")
        XCTAssertFalse(m.cache.recycleIfFull(), "nothing decoded since")
    }

    func testRunsCutByRecyclesEndWhereSteppingDoes() {
        // 3000 loop instructions; the cache emptied between every pair of runs, wherever they
        // stop (inside the loop, between a fused compare and its B.cond).
        let program = RunLoopTests.countdown(1000)
        let stepped = CoreTestMachine()
        stepped.program(program)
        stepped.steps(3005)
        let m = CoreTestMachine()
        m.program(program)
        m.cache.budgetBytes = 0
        for n in [700, 1, 2, 1500, 3, 799] {
            _ = m.cpu.run(budget: UInt64(n))
            XCTAssertTrue(m.cache.recycleIfFull())
        }
        XCTAssertEqual(m.architecturalState, stepped.architecturalState)
        XCTAssertEqual(m.cache.recycles, 6)
    }

    func testCodeWrittenAfterARecycleRunsAsWritten() {
        let m = CoreTestMachine()
        m.program(RunLoopTests.countdown(3))
        _ = m.cpu.run(budget: 20)
        XCTAssertEqual(m.cpu.x[2], 3)
        m.cache.budgetBytes = 0
        XCTAssertTrue(m.cache.recycleIfFull())
        // Decoded again from the new arrays, then rewritten: the ADD X2 becomes ADD X2, X2, #5.
        m.cpu.boot(entry: base, el: 1)
        _ = m.cpu.run(budget: 20)
        XCTAssertEqual(m.cpu.x[2], 3)
        _ = m.bus.write(base + 16, size: 4, value: 0x9100_1442)
        m.cpu.boot(entry: base, el: 1)
        _ = m.cpu.run(budget: 20)
        XCTAssertEqual(m.cpu.x[2], 5, "the rewritten instruction ran")
    }

    func testARecycleReachesEveryCPUOfTheCache() {
        // Two CPUs share one cache; the second keeps a fetch page across the first's recycle.
        let m = CoreTestMachine()
        let other = CPU(index: 1, bus: m.bus, decodeCache: m.cache, hasEL2: true, config: CPUConfig())
        other.boot(entry: base + 0x2000, el: 1)
        m.program(RunLoopTests.countdown(3), at: base + 0x2000)
        _ = other.run(budget: 4)
        m.cache.budgetBytes = 0
        XCTAssertTrue(m.cache.recycleIfFull())
        // A new array for another page may reuse the old one's memory: the other CPU must not
        // run from it as its old page.
        m.program([0xD280_00E7, 0x1400_0000])   // MOVZ X7, #7; B .
        _ = m.cpu.run(budget: 2)
        _ = other.run(budget: 8)
        XCTAssertEqual(other.x[7], 0)
        XCTAssertEqual(other.x[2], 3)
        XCTAssertEqual(other.pc, base + 0x2014)
    }
}
