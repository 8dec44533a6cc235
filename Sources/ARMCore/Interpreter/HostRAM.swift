/// Guest RAM through a host pointer, for the A64 loop's fast loads and stores
/// (docs/PERFORMANCE.md, "Hot-path rules"). Each helper is `@_transparent` down to the host
/// load or store: the standard library's `loadUnaligned`, `storeBytes` and `littleEndian` are
/// only `@inlinable`, and the optimiser stops inlining those into a caller as large as
/// `runA64`, so every fast load was two calls.
///
/// A guest access may be misaligned (SCTLR_ELx.A clear): the pointer is typed only for the
/// length of one scalar host load or store, which x86-64 and AArch64 hosts perform at any
/// address of ordinary memory such as the RAM mapping. Guest data is little-endian on the fast
/// path, as the host is.
#if !_endian(little)
#error("the fast path's loads and stores assume a little-endian host")
#endif

enum HostRAM {
    @_transparent
    static func load8(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(p.assumingMemoryBound(to: UInt8.self).pointee)
    }

    @_transparent
    static func load16(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(p.assumingMemoryBound(to: UInt16.self).pointee)
    }

    @_transparent
    static func load32(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(p.assumingMemoryBound(to: UInt32.self).pointee)
    }

    @_transparent
    static func load64(_ p: UnsafeMutableRawPointer) -> UInt64 {
        p.assumingMemoryBound(to: UInt64.self).pointee
    }

    /// A load of 1, 2, 4 or 8 bytes, zero-extended.
    @_transparent
    static func load(_ p: UnsafeMutableRawPointer, size: UInt64) -> UInt64 {
        switch size {
        case 1: return load8(p)
        case 2: return load16(p)
        case 4: return load32(p)
        default: return load64(p)
        }
    }

    @_transparent
    static func store8(_ p: UnsafeMutableRawPointer, _ v: UInt64) {
        p.assumingMemoryBound(to: UInt8.self).pointee = UInt8(truncatingIfNeeded: v)
    }

    @_transparent
    static func store16(_ p: UnsafeMutableRawPointer, _ v: UInt64) {
        p.assumingMemoryBound(to: UInt16.self).pointee = UInt16(truncatingIfNeeded: v)
    }

    @_transparent
    static func store32(_ p: UnsafeMutableRawPointer, _ v: UInt64) {
        p.assumingMemoryBound(to: UInt32.self).pointee = UInt32(truncatingIfNeeded: v)
    }

    @_transparent
    static func store64(_ p: UnsafeMutableRawPointer, _ v: UInt64) {
        p.assumingMemoryBound(to: UInt64.self).pointee = v
    }

    /// A store of the low 1, 2, 4 or 8 bytes of `v`.
    @_transparent
    static func store(_ p: UnsafeMutableRawPointer, size: UInt64, _ v: UInt64) {
        switch size {
        case 1: store8(p, v)
        case 2: store16(p, v)
        case 4: store32(p, v)
        default: store64(p, v)
        }
    }

    /// DC ZVA's block on RAM (aligned, 4 bytes to 2 KiB): zeroed, unless it already reads as
    /// zeros, and then left unwritten. Kernels clear every page they allocate and Xen scrubs all
    /// free memory at boot, mostly pages the guest never wrote: reading one maps the host's
    /// shared zero page, writing it would make the host commit memory for it
    /// (docs/PERFORMANCE.md, "Memory"). A block that holds data costs one load more.
    @inline(never)
    static func zeroBlock(_ p: UnsafeMutableRawPointer, size: Int) {
        if size >= 8 {
            let w = p.assumingMemoryBound(to: UInt64.self)
            var i = 0
            while i < size >> 3 && w[i] == 0 { i += 1 }
            if i == size >> 3 { return }
        }
        p.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }
}
