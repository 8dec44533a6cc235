import XCTest
@testable import ARMCore
import Bus

/// What the host commits for guest RAM: DC ZVA over memory that already reads as zeros writes
/// nothing, so a guest clearing pages it never used (every kernel does) costs the host none.
final class HostMemoryTests: XCTestCase {
    let base = CoreTestMachine.ramBase

    // loop: DC ZVA, X4; ADD X4, X4, #64; SUBS X5, X5, #1; B.NE loop; B .
    static let clearLoop: [UInt32] = [0xD50B_7424, 0x9101_0084, 0xF100_04A5, 0x54FF_FFA1, 0x1400_0000]

    func testDCZVAOfAPageNeverWrittenCommitsNothing() throws {
        for fast in [true, false] {
            let m = CoreTestMachine(el: 1)
            m.program(Self.clearLoop)
            // A page never written, and one that holds data.
            let fresh = base + 0x1_0000, used = base + 0x2_0000
            for k in stride(from: 0, to: 4096, by: 512) { _ = m.bus.write(used + UInt64(k), size: 8, value: 0xFF) }
            for page in [fresh, used] {
                m.cpu.boot(entry: base, el: 1)
                m.cpu.x[4] = page
                m.cpu.x[5] = 64
                if fast { _ = m.cpu.run(budget: 257) } else { m.steps(257) }
                XCTAssertEqual(m.cpu.x[4], page + 4096)
                for k in stride(from: 0, to: 4096, by: 8) { XCTAssertEqual(m.bus.read(page + UInt64(k), size: 8), 0) }
            }
            let committed = try XCTUnwrap(committedPrivately(m.bus.ram + 0x1_0000))
            XCTAssertFalse(committed, "a page that read as zeros stays uncommitted (fast path: \(fast))")
            XCTAssertEqual(committedPrivately(m.bus.ram + 0x2_0000), true)
        }
    }
}
