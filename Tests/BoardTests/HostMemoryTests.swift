import XCTest
@testable import Board
import Bus
#if canImport(Glibc)
import Glibc
#endif

/// Guest RAM pages that hold only zeros go back to the host (`releaseZeroPages`), and the
/// guest reads the same bytes afterwards.
final class HostMemoryTests: XCTestCase {
    func testZeroPagesGoBackToTheHostAndStillReadAsZeros() throws {
        let base: UInt64 = 0x4000_0000
        let bus = try XCTUnwrap(PhysicalAddressSpace(ramBase: base, ramSize: 1 << 20))
        // Page 1 holds data; pages 2 and 3 were written with zeros; page 4 was written and
        // then cleared; page 5 has data in its last word only.
        _ = bus.write(base + 0x1000, size: 8, value: 0x1234)
        for a in stride(from: base + 0x2000, to: base + 0x4000, by: 8) { _ = bus.write(a, size: 8, value: 0) }
        _ = bus.write(base + 0x4800, size: 8, value: 7)
        _ = bus.write(base + 0x4800, size: 8, value: 0)
        _ = bus.write(base + 0x5FF8, size: 8, value: 1)
        XCTAssertEqual(bus.releaseZeroPages(), 3)
        for page in 0..<8 {
            var resident: UInt8 = 0
            XCTAssertEqual(mincore(bus.ram + page * 4096, 4096, &resident), 0)
            XCTAssertEqual(resident & 1 == 1, page == 1 || page == 5, "page \(page)")
        }
        XCTAssertEqual(bus.read(base + 0x1000, size: 8), 0x1234)
        XCTAssertEqual(bus.read(base + 0x4800, size: 8), 0)
        XCTAssertEqual(bus.read(base + 0x5FF8, size: 8), 1)
    }
}
