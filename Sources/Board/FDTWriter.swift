import CLibFDT

/// A libfdt call failed. Inside armvm this is a bug (or, for NOSPACE, a cue to retry with a
/// larger buffer), never a problem with the user's input.
struct FDTError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    var isNoSpace: Bool { code == -FDT_ERR_NOSPACE }
    var description: String { "libfdt \(call) failed: \(String(cString: fdt_strerror(code)))" }
}

@discardableResult
func fdtCheck(_ rc: Int32, _ call: @autoclosure () -> String) throws -> Int32 {
    if rc < 0 { throw FDTError(call: call(), code: rc) }
    return rc
}

/// Big-endian bytes of device-tree cells (Devicetree Specification v0.4, 2.2.4: property values
/// are big-endian).
func fdtCells(_ cells: [UInt32]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(cells.count * 4)
    for c in cells { out += [UInt8(c >> 24), UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)] }
    return out
}

/// A 64-bit quantity as two cells, most significant first (#address-cells = 2 / #size-cells = 2).
func fdtCells64(_ v: UInt64) -> [UInt32] { [UInt32(v >> 32), UInt32(truncatingIfNeeded: v)] }

/// Reads a big-endian 32-bit header word of a blob.
func fdtHeaderWord(_ bytes: UnsafeRawPointer, _ offset: Int) -> UInt32 {
    UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

/// libfdt's sequential-write API (fdt_create ... fdt_finish) over a buffer it owns.
final class FDTWriter {
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int

    init(capacity: Int) throws {
        self.capacity = capacity
        buffer = .allocate(byteCount: capacity, alignment: 8)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        try fdtCheck(fdt_create(buffer, Int32(capacity)), "fdt_create")
        // No memory reservations: the kernel reserves its own image, the DTB and the initrd.
        try fdtCheck(fdt_finish_reservemap(buffer), "fdt_finish_reservemap")
    }

    deinit { buffer.deallocate() }

    func node(_ name: String, _ body: () throws -> Void) throws {
        try fdtCheck(fdt_begin_node(buffer, name), "fdt_begin_node(\(name))")
        try body()
        try fdtCheck(fdt_end_node(buffer), "fdt_end_node(\(name))")
    }

    func property(_ name: String, bytes: [UInt8]) throws {
        _ = try bytes.withUnsafeBytes { b in
            try fdtCheck(fdt_property(buffer, name, b.baseAddress, Int32(b.count)), "fdt_property(\(name))")
        }
    }

    /// A property with no value, whose presence is the information (e.g. interrupt-controller).
    func property(_ name: String) throws {
        try fdtCheck(fdt_property(buffer, name, nil, 0), "fdt_property(\(name))")
    }

    func property(_ name: String, string: String) throws {
        try property(name, bytes: Array(string.utf8) + [0])
    }

    /// A string list: NUL-terminated strings back to back (e.g. compatible).
    func property(_ name: String, strings: [String]) throws {
        try property(name, bytes: strings.flatMap { Array($0.utf8) + [0] })
    }

    func property(_ name: String, cells: [UInt32]) throws {
        try property(name, bytes: fdtCells(cells))
    }

    func property(_ name: String, u32: UInt32) throws { try property(name, cells: [u32]) }

    func property(_ name: String, u64: UInt64) throws { try property(name, cells: fdtCells64(u64)) }

    /// Ends the tree and returns the blob, exactly `totalsize` bytes long.
    func finish() throws -> [UInt8] {
        try fdtCheck(fdt_finish(buffer), "fdt_finish")
        let size = Int(fdtHeaderWord(buffer, 4))
        return Array(UnsafeRawBufferPointer(start: buffer, count: size))
    }
}
