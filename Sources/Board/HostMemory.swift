import ARMCore
import Bus

// What the machine gives back to the host as it runs (docs/PERFORMANCE.md, "Memory"). Both
// kinds run between rounds, where no CPU is inside its run loop: a CPU there holds a pointer
// into its decode-cache page, and a store of its could land between a zero test and the
// release of that page.

extension Machine {
    /// Retired instructions between two looks for zero pages of guest RAM: one per 16 bytes of
    /// RAM (64 M for 1 GiB), so that the look (a residency byte per page, and the committed
    /// pages read until their first non-zero word) stays a small fraction of the run.
    var zeroPageScanPeriod: UInt64 { max(1 << 24, prepared.bus.ramSize >> 4) }

    /// Empty the decode cache when it is over its budget (`DecodeCache.recycleIfFull`), and
    /// release guest RAM pages that hold only zeros once per `zeroPageScanPeriod`.
    func releaseHostMemory() {
        decodeCache.recycleIfFull()
        let retired = instructionsRetired
        if retired >= nextZeroPageScan {
            if nextZeroPageScan != 0 { prepared.bus.releaseZeroPages() }
            nextZeroPageScan = retired &+ zeroPageScanPeriod
        }
    }
}

