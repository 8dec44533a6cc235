#if canImport(Glibc)
import Glibc
#endif

/// Executable memory for translated blocks: one anonymous read-write-execute mapping, reserved
/// once and committed by the host page by page as blocks are placed (so its cost in RSS is the
/// code actually generated), filled by bumping a cursor. When it is full, the translator
/// forgets every block and starts again at the front (`reset`), which it does only between
/// calls into generated code.
///
/// The buffer starts with the shared epilogue, which every block's exits jump to, and the exit
/// tail most of them jump to first (`JITExitTail`), and the A32 blocks' dispatch.
final class JITCodeBuffer {
    static let capacity = 32 << 20
    let base: UnsafeMutableRawPointer
    private(set) var used = 0
    /// Where the shared epilogue starts (offset 0).
    let epilogue = 0
    private var reserved = 0

    /// nil when the host gives no executable mapping (then armvm interprets).
    init?() {
        let m = mmap(nil, JITCodeBuffer.capacity, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let m, m != MAP_FAILED else { return nil }
        base = m
        var a = X86Assembler(into: base.assumingMemoryBound(to: UInt8.self), capacity: 4096)
        // Each piece at its fixed offset, which blocks jump to (a start-up invariant: their
        // sizes do not depend on the guest).
        BlockTranslator.emitEpilogue(&a)
        precondition(a.count <= JITExitTail.offset, "the epilogue overlaps the exit tail")
        while a.count < JITExitTail.offset { a.raw(0xCC) }
        JITExitTail.emit(&a, epilogue: epilogue, origin: 0)
        precondition(a.count <= A32BlockTranslator.samePageOffset, "the exit tail overlaps the A32 dispatch")
        while a.count < A32BlockTranslator.samePageOffset { a.raw(0xCC) }
        A32BlockTranslator.emitDispatch(&a, epilogue: epilogue, bufferBase: UInt(bitPattern: m))
        // Blocks start on the next host page, so that `reset` can give the rest back.
        used = 4096
        reserved = used
    }

    deinit { munmap(base, JITCodeBuffer.capacity) }

    /// Bytes free at the cursor, where the translator writes a block (X86Assembler(into:)).
    var room: Int { JITCodeBuffer.capacity - used }

    /// Keep the `n` bytes just written at the cursor; returns their offset. The next block
    /// starts 16-byte aligned.
    @discardableResult
    func commit(_ n: Int) -> Int {
        let at = used
        used = min((at + n + 15) & ~15, JITCodeBuffer.capacity)
        return at
    }

    /// The next block's offset.
    var cursor: Int { used }

    /// Forget every block: the cursor goes back to just after the epilogue, and the host may
    /// drop the pages behind it.
    func reset() {
        madvise(base + reserved, JITCodeBuffer.capacity - reserved, MADV_DONTNEED)
        used = reserved
    }
}
