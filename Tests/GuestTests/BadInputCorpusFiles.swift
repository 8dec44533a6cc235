import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Builders for the bad-input corpus (BadInputCorpusTests.swift): a valid base of each kind of
// file armvm reads, which each case then breaks in one place. The bases themselves are checked
// to boot (testCorpusBasesAreAccepted), so a case fails only for the field it changes.

/// `b .`: the base images spin here until --max-instructions stops them.
let spinInstruction: [UInt8] = [0x00, 0x00, 0x00, 0x14]

/// Where the base images sit: the Arndale's and virt's RAM starts at 0x40000000 (512 MiB by
/// default), and 0x40200000 is the first 2 MiB block above its start.
let corpusLoadAddress: UInt64 = 0x4020_0000

func le(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func be(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }

extension Array where Element == UInt8 {
    /// A copy with `bytes` written at `offset` (the array grows if needed).
    func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
        var b = self
        if b.count < offset + bytes.count { b += [UInt8](repeating: 0, count: offset + bytes.count - b.count) }
        b.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        return b
    }
}

/// An ELF64 file, every header field settable. The default is a valid AArch64 executable: one
/// PT_LOAD of spinning code at 0x40200000, entered at its start.
struct CorpusELF {
    struct Header {
        var type: UInt32 = 1                // PT_LOAD
        var offset: UInt64? = nil           // nil: where `data` lands in the file
        var vaddr: UInt64 = corpusLoadAddress
        var paddr: UInt64 = corpusLoadAddress
        var filesz: UInt64? = nil           // nil: data.count
        var memsz: UInt64 = 0x1000
        var data: [UInt8] = spinInstruction + [UInt8](repeating: 0, count: 12)
    }
    var elfClass: UInt8 = 2                 // ELFCLASS64
    var dataEncoding: UInt8 = 1             // ELFDATA2LSB
    var type: UInt16 = 2                    // ET_EXEC
    var machine: UInt16 = 183               // EM_AARCH64
    var entry: UInt64 = corpusLoadAddress
    var phoff: UInt64 = 64
    var phentsize: UInt16 = 56
    var phnum: UInt16? = nil                // nil: headers.count
    var headers: [Header] = [Header()]

    var bytes: [UInt8] {
        var b: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, elfClass, dataEncoding, 1, 0] + [UInt8](repeating: 0, count: 8)
        b += le(type) + le(machine) + le(UInt32(1))
        b += le(entry) + le(phoff) + le(UInt64(0))                  // e_entry, e_phoff, e_shoff
        b += le(UInt32(0)) + le(UInt16(64)) + le(phentsize)          // e_flags, e_ehsize, e_phentsize
        b += le(phnum ?? UInt16(headers.count)) + le(UInt16(64)) + le(UInt16(0)) + le(UInt16(0))
        var dataOffset = UInt64(64 + 56 * headers.count)
        for h in headers {
            b += le(h.type) + le(UInt32(7)) + le(h.offset ?? dataOffset) + le(h.vaddr) + le(h.paddr)
            b += le(h.filesz ?? UInt64(h.data.count)) + le(h.memsz) + le(UInt64(0x1000))
            dataOffset += UInt64(h.data.count)
        }
        for h in headers { b += h.data }
        return b
    }

    static let base = CorpusELF().bytes
}

/// The base ELF with `change` applied.
func elf(_ change: (inout CorpusELF) -> Void) -> [UInt8] {
    var e = CorpusELF()
    change(&e)
    return e.bytes
}

/// An ELF with two PT_LOAD segments of 0x1000 bytes at `first` and `second`.
func twoSegmentELF(_ first: UInt64, _ second: UInt64) -> [UInt8] {
    elf { $0.headers = [.init(vaddr: first, paddr: first), .init(vaddr: second, paddr: second)]; $0.entry = first }
}

/// An arm64 Image (Linux Documentation/arch/arm64/booting.rst): code0 spins, then text_offset,
/// image_size, flags, three reserved words, the magic "ARM\x64" at 0x38 and res5. The default
/// is valid: text_offset 0, image_size 64 KiB, flags 0xA (little-endian, 4 KiB pages, anywhere).
func arm64Image(textOffset: UInt64 = 0, imageSize: UInt64 = 0x1_0000, flags: UInt64 = 0xA,
                magic: UInt32 = 0x644D_5241, size: Int = 0x1000) -> [UInt8] {
    var b = spinInstruction + le(UInt32(0)) + le(textOffset) + le(imageSize) + le(flags)
    b += le(UInt64(0)) + le(UInt64(0)) + le(UInt64(0)) + le(magic) + le(UInt32(0))
    return b + [UInt8](repeating: 0, count: Swift.max(0, size - b.count))
}

/// A 32-bit Arm zImage's start (arch/arm/boot/compressed/head.S): eight `mov r0, r0`, a branch,
/// then the magic 0x016F2818, start and end at 0x24..0x2B.
func zImage(byteSwapped: Bool = false, size: Int = 0x1000) -> [UInt8] {
    let nop: [UInt8] = [0x00, 0x00, 0xA0, 0xE1]
    var b = Array([[UInt8]](repeating: nop, count: 8).joined()) + [0x05, 0x00, 0x00, 0xEA]
    let magic: UInt32 = 0x016F_2818
    b += le(byteSwapped ? magic.byteSwapped : magic) + le(UInt32(0)) + le(UInt32(size))
    return b + [UInt8](repeating: 0, count: Swift.max(0, size - b.count))
}

/// A flattened device tree written by hand (Devicetree Specification v0.4, chapter 5), so that
/// the corpus can break each header field without trusting armvm's own writer.
struct CorpusFDT {
    struct Node {
        var name: String
        var properties: [(String, [UInt8])] = []
        var children: [Node] = []
    }

    static func string(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }
    static func cells(_ c: [UInt32]) -> [UInt8] { c.flatMap(be) }

    /// Root with 2-cell addresses, /memory covering the default 512 MiB, and an empty /chosen.
    static var baseTree: Node {
        Node(name: "", properties: [
            ("#address-cells", cells([2])), ("#size-cells", cells([2])),
            ("compatible", string("armvm,corpus")), ("model", string("armvm corpus")),
        ], children: [
            Node(name: "memory@40000000", properties: [
                ("device_type", string("memory")), ("reg", cells([0, 0x4000_0000, 0, 0x2000_0000])),
            ]),
            Node(name: "chosen"),
        ])
    }

    /// The blob: header (40 bytes), an empty reservation map, the structure block, the strings.
    /// `endToken` replaces the final FDT_END (9), to leave the structure unterminated.
    static func blob(_ root: Node, version: UInt32 = 17, endToken: UInt32 = 9) -> [UInt8] {
        var structure: [UInt8] = [], strings: [UInt8] = []
        var nameOffsets: [String: Int] = [:]
        func token(_ t: UInt32) { structure += be(t) }
        func pad() { while structure.count % 4 != 0 { structure.append(0) } }
        func emit(_ n: Node) {
            token(1)                                            // FDT_BEGIN_NODE
            structure += string(n.name); pad()
            for (name, value) in n.properties {
                let off = nameOffsets[name] ?? strings.count
                if nameOffsets[name] == nil { nameOffsets[name] = off; strings += string(name) }
                token(3); token(UInt32(value.count)); token(UInt32(off))   // FDT_PROP len nameoff
                structure += value; pad()
            }
            n.children.forEach(emit)
            token(2)                                            // FDT_END_NODE
        }
        emit(root)
        token(endToken)                                         // FDT_END
        let headerSize = 40, reserveMap = 16
        let structOffset = headerSize + reserveMap
        let stringsOffset = structOffset + structure.count
        let total = stringsOffset + strings.count
        var b = be(0xD00D_FEED) + be(UInt32(total)) + be(UInt32(structOffset)) + be(UInt32(stringsOffset))
        b += be(UInt32(headerSize)) + be(version) + be(16) + be(0)
        b += be(UInt32(strings.count)) + be(UInt32(structure.count))
        b += [UInt8](repeating: 0, count: reserveMap)
        return b + structure + strings
    }

    static let base = blob(baseTree)

    /// Header word offsets (struct fdt_header).
    static let magic = 0, totalsize = 4, offDtStruct = 8, offDtStrings = 12, offMemRsvmap = 16,
               version = 20, lastCompVersion = 24, sizeDtStrings = 32, sizeDtStruct = 36

    /// Where the base blob's strings block starts: non-zero bytes, so a reservation map pointed
    /// there never reaches its terminating zero entry.
    static var baseStringsOffset: UInt32 { base[offDtStrings..<offDtStrings + 4].reduce(0) { $0 << 8 | UInt32($1) } }

    /// The base blob with one header word replaced.
    static func header(_ offset: Int, _ value: UInt32) -> [UInt8] { base.patched(offset, be(value)) }

    /// The base tree with `change` applied to its root.
    static func tree(_ change: (inout Node) -> Void) -> [UInt8] {
        var root = baseTree
        change(&root)
        return blob(root)
    }

    /// A valid blob of about `size` bytes: the base tree with one large property.
    static func sized(_ size: Int) -> [UInt8] {
        let filler = Swift.max(0, size - base.count - 32)
        return tree { $0.properties.append(("armvm,filler", [UInt8](repeating: 0x5A, count: filler))) }
    }
}

/// A gzip stream's first bytes (RFC 1952): magic 1F 8B, deflate, no flags.
let gzipHeader: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]

/// A U-Boot legacy uImage header (include/image.h): ih_magic 0x27051956, big-endian, then 60
/// more header bytes.
let uImageHeader: [UInt8] = be(0x2705_1956) + [UInt8](repeating: 0, count: 60)
