#if canImport(Glibc)
import Glibc
#endif

// Guest RAM is an anonymous mapping that the host commits page by page on first touch, and a
// page stays committed once written, even when all the guest wrote was zeros: a kernel clears
// its BSS, page tables and every page it allocates, and many of those pages are still zero
// when it has booted (7 MB of a Debian arm64 boot's 77). Giving such a page back
// (MADV_DONTNEED) changes nothing the guest can see: the host fills it with zeros again on its
// next touch, at the same host address, so host pointers into RAM (host TLBs, loaders) stay
// valid. docs/PERFORMANCE.md, "Memory", has the numbers.

extension PhysicalAddressSpace {
    /// Pages looked at per `mincore` call: 64 MiB of RAM, a 16 KiB residency vector.
    static let zeroScanWindow = 1 << 14

    /// Give the host back every committed RAM page that holds only zeros, and return how many
    /// there were. Only where nothing else touches RAM meanwhile: no CPU inside its run loop
    /// (a store between the test and the release would be lost).
    @discardableResult
    public func releaseZeroPages() -> Int {
        let pageCount = Int(ramSize >> Self.pageShift)
        var resident = [UInt8](repeating: 0, count: min(pageCount, Self.zeroScanWindow))
        var released = 0
        var first = 0
        while first < pageCount {
            let n = min(Self.zeroScanWindow, pageCount - first)
            let base = ram + first << Self.pageShift
            let ok = resident.withUnsafeMutableBufferPointer { mincore(base, n << Self.pageShift, $0.baseAddress) == 0 }
            guard ok else { return released }
            // Runs of zero pages go back with one call each.
            var run = -1
            for k in 0...n {
                if k < n && resident[k] & 1 != 0 && Self.isZeroPage(base + k << Self.pageShift) {
                    if run < 0 { run = k }
                    continue
                }
                if run >= 0 {
                    madvise(base + run << Self.pageShift, (k - run) << Self.pageShift, MADV_DONTNEED)
                    released += k - run
                    run = -1
                }
            }
            first += n
        }
        return released
    }

    /// Whether the 4 KiB at `p` are all zero: two words first, which settle most pages that
    /// hold anything, then the whole page.
    static func isZeroPage(_ p: UnsafeMutableRawPointer) -> Bool {
        let w = p.assumingMemoryBound(to: UInt64.self)
        if w[0] | w[511] != 0 { return false }
        var acc: UInt64 = 0
        var i = 0
        while i < 512 {
            acc |= w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7]
            if acc != 0 { return false }
            i += 8
        }
        return true
    }
}
