/// Loads ELF64 little-endian AArch64 executables (System V gABI; the AArch64 ELF ABI, "aaelf64",
/// fixes e_machine = EM_AARCH64 = 183). Each PT_LOAD segment goes to its physical address
/// p_paddr, since the CPU starts with the MMU off, and is zero-filled from p_filesz to p_memsz.
enum ELFLoader {
    static let EI_CLASS = 4, EI_DATA = 5
    static let ELFCLASS32: UInt8 = 1, ELFCLASS64: UInt8 = 2
    static let ELFDATA2MSB: UInt8 = 2
    static let ET_EXEC: UInt16 = 2, ET_DYN: UInt16 = 3
    static let EM_AARCH64: UInt16 = 183
    static let PT_LOAD: UInt32 = 1
    static let headerSize = 64          // sizeof(Elf64_Ehdr)
    static let programHeaderSize = 56   // sizeof(Elf64_Phdr)

    // Elf64_Ehdr field offsets.
    static let e_type = 16, e_machine = 18, e_entry = 24, e_phoff = 32, e_phentsize = 54, e_phnum = 56
    // Elf64_Phdr field offsets.
    static let p_type = 0, p_offset = 8, p_vaddr = 16, p_paddr = 24, p_filesz = 32, p_memsz = 40

    /// Names for the machines people are most likely to hand armvm by mistake.
    static let machineNames: [UInt16: String] = [
        2: "a SPARC", 3: "an x86 (i386)", 8: "a MIPS", 20: "a PowerPC", 21: "a PowerPC64", 22: "an s390",
        40: "a 32-bit Arm", 43: "a SPARC64", 62: "an x86-64", 243: "a RISC-V", 258: "a LoongArch",
    ]

    static func hasMagic(_ b: [UInt8]) -> Bool { b.count >= 4 && b[0] == 0x7F && b[1] == 0x45 && b[2] == 0x4C && b[3] == 0x46 }

    struct Segment { let paddr: UInt64, vaddr: UInt64, offset: UInt64, filesz: UInt64, memsz: UInt64 }

    static func load(_ b: [UInt8], into target: LoadTarget) throws -> LoadedImage {
        let path = target.path
        guard b.count > EI_CLASS else { throw HostInputError("\(path): truncated ELF header (\(b.count) bytes)") }
        switch b[EI_CLASS] {
        case ELFCLASS64: break
        case ELFCLASS32: throw HostInputError("\(path) is a 32-bit ELF; armvm runs AArch64 ELF64 images")
        default: throw HostInputError("\(path): invalid ELF class \(b[EI_CLASS])")
        }
        guard b.count >= headerSize else { throw HostInputError("\(path): truncated ELF header (\(b.count) of \(headerSize) bytes)") }
        if b[EI_DATA] == ELFDATA2MSB {
            throw HostInputError("\(path) is a big-endian ELF; armvm runs little-endian AArch64 images")
        }
        let machine = b.le16(e_machine)
        guard machine == EM_AARCH64 else {
            let name = machineNames[machine] ?? "an e_machine \(machine)"
            throw HostInputError("\(path) is \(name) ELF, not AArch64")
        }
        let type = b.le16(e_type)
        guard type == ET_EXEC || type == ET_DYN else {
            throw HostInputError("\(path): ELF type \(type) is not an executable (need ET_EXEC or ET_DYN)")
        }

        let segments = try programHeaders(b, path: path).filter { $0.memsz > 0 }
        guard !segments.isEmpty else { throw HostInputError("\(path): ELF has no loadable segments") }
        // Check everything before copying anything, so a bad image leaves RAM untouched.
        for s in segments {
            guard s.filesz <= s.memsz else {
                throw HostInputError("\(path): segment at \(hex(s.paddr)) has p_filesz \(hex(s.filesz)) larger than p_memsz \(hex(s.memsz))")
            }
            guard s.offset <= UInt64(b.count), UInt64(b.count) - s.offset >= s.filesz else {
                throw HostInputError("\(path): truncated segment at \(hex(s.paddr)) (file offset \(hex(s.offset)), \(hex(s.filesz)) bytes; file has \(hex(UInt64(b.count))))")
            }
            try target.requireRAM("segment", at: s.paddr, size: s.memsz)
        }
        for s in segments {
            target.copy(b[Int(s.offset)..<Int(s.offset + s.filesz)], to: s.paddr)
            target.zero(at: s.paddr + s.filesz, size: s.memsz - s.filesz)
        }

        // e_entry is a virtual address; where the linker gave a segment different virtual and
        // physical addresses, start at the physical copy.
        var entry = b.le64(e_entry)
        if let s = segments.first(where: { entry >= $0.vaddr && entry - $0.vaddr < $0.memsz }) {
            entry = entry - s.vaddr + s.paddr
        }
        guard target.bus.contains(ramRange: entry, size: 4) else {
            throw HostInputError("\(path): entry point \(hex(entry)) is not in \(target.ramDescription)")
        }
        return LoadedImage(kind: .elf, entry: entry,
                           lowest: segments.map(\.paddr).min()!,
                           highest: segments.map { $0.paddr + $0.memsz }.max()!)
    }

    static func programHeaders(_ b: [UInt8], path: String) throws -> [Segment] {
        let phoff = b.le64(e_phoff)
        let phnum = Int(b.le16(e_phnum))
        let phentsize = Int(b.le16(e_phentsize))
        guard phnum > 0 else { return [] }
        guard phentsize >= programHeaderSize else {
            throw HostInputError("\(path): ELF program header entries are \(phentsize) bytes, expected \(programHeaderSize)")
        }
        let tableSize = UInt64(phnum * phentsize)
        guard phoff <= UInt64(b.count), UInt64(b.count) - phoff >= tableSize else {
            throw HostInputError("\(path): truncated program headers (\(phnum) at file offset \(hex(phoff)); file has \(hex(UInt64(b.count))) bytes)")
        }
        var out: [Segment] = []
        for i in 0..<phnum {
            let h = Int(phoff) + i * phentsize
            guard b.le32(h + p_type) == PT_LOAD else { continue }
            out.append(Segment(paddr: b.le64(h + p_paddr), vaddr: b.le64(h + p_vaddr), offset: b.le64(h + p_offset),
                               filesz: b.le64(h + p_filesz), memsz: b.le64(h + p_memsz)))
        }
        return out
    }
}
