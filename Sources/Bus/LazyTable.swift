#if canImport(Glibc)
import Glibc
#endif

/// A table of `count` zero-filled elements whose host memory is committed only where it is
/// written: anonymous mmap with MAP_NORESERVE, which the kernel fills with zeros page by page on
/// first touch. Per-page bookkeeping of guest RAM (code-page bytes, decode-cache indexes) uses
/// it, so `--memory 1T` costs nothing until the guest touches its pages. The element type must
/// be one whose all-zero bit pattern is a valid value (integers, optional pointers).
public struct LazyTable<Element> {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int
    /// False when the host refused the mapping and an ordinary zeroed allocation stands in.
    private let mapped: Bool

    public init(count: Int) {
        self.count = count
        let bytes = MemoryLayout<Element>.stride * max(count, 1)
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if let p, p != MAP_FAILED {
            base = p.bindMemory(to: Element.self, capacity: max(count, 1))
            mapped = true
        } else {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: MemoryLayout<Element>.alignment)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
            base = raw.bindMemory(to: Element.self, capacity: max(count, 1))
            mapped = false
        }
    }

    /// Call once, when the owner goes away.
    public func deallocate() {
        if mapped {
            munmap(UnsafeMutableRawPointer(base), MemoryLayout<Element>.stride * max(count, 1))
        } else {
            UnsafeMutableRawPointer(base).deallocate()
        }
    }
}
