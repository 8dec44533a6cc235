import CLibFDT
import Foundation
import XCTest

/// Reads a DTB back through libfdt, the way a guest's boot code would.
struct FDTReader {
    let blob: [UInt8]

    func offset(_ path: String) -> Int32 {
        blob.withUnsafeBytes { fdt_path_offset($0.baseAddress!, path) }
    }

    func exists(_ path: String) -> Bool { offset(path) >= 0 }

    func property(_ path: String, _ name: String) -> [UInt8]? {
        blob.withUnsafeBytes { raw -> [UInt8]? in
            let node = fdt_path_offset(raw.baseAddress!, path)
            guard node >= 0 else { return nil }
            var len: Int32 = 0
            guard let p = fdt_getprop(raw.baseAddress!, node, name, &len), len >= 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: p, count: Int(len)))
        }
    }

    func strings(_ path: String, _ name: String) -> [String]? {
        guard var bytes = property(path, name) else { return nil }
        if bytes.last == 0 { bytes.removeLast() }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    func string(_ path: String, _ name: String) -> String? { strings(path, name)?.first }

    func cells(_ path: String, _ name: String) -> [UInt32]? {
        guard let b = property(path, name), b.count % 4 == 0 else { return nil }
        return stride(from: 0, to: b.count, by: 4).map { (i: Int) -> UInt32 in
            let hi = UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16
            return hi | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
        }
    }

    /// reg as (address, size) pairs with two cells each.
    func reg64(_ path: String) -> [(UInt64, UInt64)]? {
        guard let c = cells(path, "reg"), c.count % 4 == 0 else { return nil }
        return stride(from: 0, to: c.count, by: 4).map { (i: Int) -> (UInt64, UInt64) in
            let address: UInt64 = UInt64(c[i]) << 32 | UInt64(c[i + 1])
            let size: UInt64 = UInt64(c[i + 2]) << 32 | UInt64(c[i + 3])
            return (address, size)
        }
    }

    func u64(_ path: String, _ name: String) -> UInt64? {
        guard let c = cells(path, name), c.count == 2 else { return nil }
        return UInt64(c[0]) << 32 | UInt64(c[1])
    }
}

/// Files the tests hand to the loaders; removed when the test ends.
final class TempFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("armvm-board-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// A hand-written ELF64 file: the 64-byte header, one program header per segment, the data.
struct ELFBuilder {
    struct Segment { var paddr: UInt64; var vaddr: UInt64; var data: [UInt8]; var memsz: UInt64 }
    var elfClass: UInt8 = 2          // ELFCLASS64
    var machine: UInt16 = 183        // EM_AARCH64
    var type: UInt16 = 2             // ET_EXEC
    var entry: UInt64
    var segments: [Segment]

    init(entry: UInt64, segments: [Segment]) { self.entry = entry; self.segments = segments }

    /// One segment of code at `address`, entered at its start.
    init(at address: UInt64, code: [UInt8], memsz: UInt64? = nil) {
        self.init(entry: address, segments: [Segment(paddr: address, vaddr: address, data: code,
                                                      memsz: memsz ?? UInt64(code.count))])
    }

    var bytes: [UInt8] {
        var b: [UInt8] = []
        func u16(_ v: UInt16) { b += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u32(_ v: UInt32) { b += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u64(_ v: UInt64) { b += withUnsafeBytes(of: v.littleEndian, Array.init) }
        b += [0x7F, 0x45, 0x4C, 0x46, elfClass, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        u16(type); u16(machine); u32(1)
        u64(entry); u64(64); u64(0)         // e_entry, e_phoff, e_shoff
        u32(0); u16(64); u16(56)            // e_flags, e_ehsize, e_phentsize
        u16(UInt16(segments.count)); u16(64); u16(0); u16(0)
        var offset = UInt64(64 + 56 * segments.count)
        for s in segments {
            u32(1); u32(5)                  // PT_LOAD, R+X
            u64(offset); u64(s.vaddr); u64(s.paddr)
            u64(UInt64(s.data.count)); u64(s.memsz); u64(0x1000)
            offset += UInt64(s.data.count)
        }
        for s in segments { b += s.data }
        return b
    }
}

/// An arm64 Image: the 64-byte header of booting.rst followed by `body`.
func makeLinuxImage(textOffset: UInt64, imageSize: UInt64, flags: UInt64 = 0, body: [UInt8]) -> [UInt8] {
    var b: [UInt8] = []
    func u32(_ v: UInt32) { b += withUnsafeBytes(of: v.littleEndian, Array.init) }
    func u64(_ v: UInt64) { b += withUnsafeBytes(of: v.littleEndian, Array.init) }
    u32(0x1400_0010)                        // code0: b +0x40 (over the header)
    u32(0)                                  // code1
    u64(textOffset); u64(imageSize); u64(flags)
    u64(0); u64(0); u64(0)                  // res2-res4
    u32(0x644D_5241)                        // "ARM\x64"
    u32(0)                                  // res5
    return b + body
}

/// Asserts that `body` throws an error whose description is exactly `message`.
func XCTAssertThrowsMessage<T>(_ body: @autoclosure () throws -> T, _ message: String,
                               file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual("\(error)", message, file: file, line: line)
    }
}
