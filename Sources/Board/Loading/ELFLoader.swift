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

    static let ELFDATA2LSB: UInt8 = 1
    static let ET_NONE: UInt16 = 0, ET_REL: UInt16 = 1, ET_CORE: UInt16 = 4
    static let PT_INTERP: UInt32 = 3
    /// e_phnum's escape value: the real count is in section header 0 (gABI "Extended numbering").
    static let PN_XNUM = 0xFFFF

    struct Segment { let paddr: UInt64, vaddr: UInt64, offset: UInt64, filesz: UInt64, memsz: UInt64 }

    static func load(_ b: [UInt8], into target: LoadTarget) throws -> LoadedImage {
        let path = target.path
        guard b.count > EI_DATA else { throw HostInputError("\(path): truncated ELF header (\(b.count) of \(headerSize) bytes)") }
        switch b[EI_CLASS] {
        case ELFCLASS64: break
        case ELFCLASS32: throw HostInputError("\(path) is a 32-bit ELF; armvm runs AArch64 ELF64 images")
        default: throw HostInputError("\(path): invalid ELF class \(b[EI_CLASS])")
        }
        switch b[EI_DATA] {
        case ELFDATA2LSB: break
        case ELFDATA2MSB: throw HostInputError("\(path) is a big-endian ELF; armvm runs little-endian AArch64 images")
        default: throw HostInputError("\(path): invalid ELF data encoding \(b[EI_DATA])")
        }
        guard b.count >= headerSize else { throw HostInputError("\(path): truncated ELF header (\(b.count) of \(headerSize) bytes)") }
        let machine = b.le16(e_machine)
        guard machine == EM_AARCH64 else {
            let name = machineNames[machine] ?? "an e_machine \(machine)"
            throw HostInputError("\(path) is \(name) ELF, not AArch64")
        }
        let type = b.le16(e_type)
        switch type {
        case ET_EXEC, ET_DYN: break
        case ET_REL: throw HostInputError("\(path) is a relocatable object (ELF type ET_REL); link it into an executable first")
        case ET_CORE: throw HostInputError("\(path) is a core dump (ELF type ET_CORE), not an executable")
        default: throw HostInputError("\(path): ELF type \(type) is not an executable (need ET_EXEC or ET_DYN)")
        }

        let headers = try programHeaders(b, path: path)
        if headers.contains(where: { $0.type == PT_INTERP }) {
            throw HostInputError("\(path) is a dynamically linked program (it names an interpreter); armvm boots kernels and bare-metal images")
        }
        // Check everything before copying anything, so a bad image leaves RAM untouched.
        var segments: [Segment] = []
        for h in headers where h.type == PT_LOAD {
            let s = h.segment
            guard s.filesz <= s.memsz else {
                throw HostInputError("\(path): segment at \(hex(s.paddr)) has p_filesz \(hex(s.filesz)) larger than p_memsz \(hex(s.memsz))")
            }
            if s.memsz == 0 { continue }   // occupies nothing
            guard s.offset <= UInt64(b.count), UInt64(b.count) - s.offset >= s.filesz else {
                throw HostInputError("\(path): truncated segment at \(hex(s.paddr)) (file offset \(hex(s.offset)), \(hex(s.filesz)) bytes; file has \(hex(UInt64(b.count))))")
            }
            // The entry point is looked up by virtual address, so that range must not wrap.
            guard s.vaddr.addingReportingOverflow(s.memsz).overflow == false else {
                throw HostInputError("\(path): segment at virtual address \(hex(s.vaddr)) (size \(hex(s.memsz))) wraps past the end of the 64-bit address space")
            }
            try target.requireRAM("segment", at: s.paddr, size: s.memsz)
            // One segment's bytes would overwrite another's: the file is corrupt.
            if let other = segments.first(where: { s.paddr < $0.paddr + $0.memsz && $0.paddr < s.paddr + s.memsz }) {
                throw HostInputError("\(path): segments at \(hex(other.paddr)) (size \(hex(other.memsz))) and \(hex(s.paddr)) (size \(hex(s.memsz))) overlap")
            }
            segments.append(s)
        }
        guard let lowest = segments.map(\.paddr).min(),
              let highest = segments.map({ $0.paddr + $0.memsz }).max() else {
            throw HostInputError("\(path): ELF has no loadable segments")
        }

        // e_entry is a virtual address; where the linker gave a segment different virtual and
        // physical addresses, start at the physical copy.
        var entry = b.le64(e_entry)
        let byVirtual = segments.first(where: { entry >= $0.vaddr && entry - $0.vaddr < $0.memsz })
        if let s = byVirtual {
            entry = entry - s.vaddr + s.paddr
        }
        guard target.bus.contains(ramRange: entry, size: 4) else {
            throw HostInputError("\(path): entry point \(hex(entry)) is not in \(target.ramDescription)")
        }
        guard entry % 4 == 0 else {
            throw HostInputError("\(path): entry point \(hex(entry)) is not 4-byte aligned")
        }
        // Outside every segment the CPU would start in RAM the image never wrote.
        guard byVirtual != nil || segments.contains(where: { entry >= $0.paddr && entry - $0.paddr < $0.memsz }) else {
            throw HostInputError("\(path): entry point \(hex(entry)) is outside every loadable segment")
        }

        for s in segments {
            target.copy(b[Int(s.offset)..<Int(s.offset + s.filesz)], to: s.paddr)
            target.zero(at: s.paddr + s.filesz, size: s.memsz - s.filesz)
        }
        return LoadedImage(kind: .elf, entry: entry, lowest: lowest, highest: highest)
    }

    struct ProgramHeader {
        let type: UInt32
        let segment: Segment
    }

    static func programHeaders(_ b: [UInt8], path: String) throws -> [ProgramHeader] {
        let phoff = b.le64(e_phoff)
        let phnum = Int(b.le16(e_phnum))
        let phentsize = Int(b.le16(e_phentsize))
        guard phnum > 0 else { return [] }
        guard phnum != PN_XNUM else {
            throw HostInputError("\(path): ELF has 65535 or more program headers (extended numbering), which armvm does not read")
        }
        guard phentsize >= programHeaderSize else {
            throw HostInputError("\(path): ELF program header entries are \(phentsize) bytes, expected \(programHeaderSize)")
        }
        // Both factors are 16-bit, so the product fits an Int; checked all the same.
        let (tableSize, overflow) = phnum.multipliedReportingOverflow(by: phentsize)
        guard !overflow, phoff <= UInt64(b.count), UInt64(b.count) - phoff >= UInt64(tableSize) else {
            throw HostInputError("\(path): truncated program headers (\(phnum) at file offset \(hex(phoff)); file has \(hex(UInt64(b.count))) bytes)")
        }
        var out: [ProgramHeader] = []
        for i in 0..<phnum {
            let h = Int(phoff) + i * phentsize
            out.append(ProgramHeader(type: b.le32(h + p_type),
                                     segment: Segment(paddr: b.le64(h + p_paddr), vaddr: b.le64(h + p_vaddr), offset: b.le64(h + p_offset),
                                                      filesz: b.le64(h + p_filesz), memsz: b.le64(h + p_memsz))))
        }
        return out
    }
}
