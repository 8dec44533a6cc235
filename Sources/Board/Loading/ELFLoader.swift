/// Loads ELF executables (System V gABI): ELF64 for AArch64 (the AArch64 ELF ABI, "aaelf64",
/// e_machine = EM_AARCH64 = 183) and ELF32 for AArch32 ("aaelf32", e_machine = EM_ARM = 40).
/// Each PT_LOAD segment goes to its physical address p_paddr, since the CPU starts with the MMU
/// off, and is zero-filled from p_filesz to p_memsz. Both classes go through the same checks.
enum ELFLoader {
    static let EI_CLASS = 4, EI_DATA = 5
    static let ELFCLASS32: UInt8 = 1, ELFCLASS64: UInt8 = 2
    static let ELFDATA2MSB: UInt8 = 2
    static let ET_EXEC: UInt16 = 2, ET_DYN: UInt16 = 3
    static let EM_AARCH64: UInt16 = 183, EM_ARM: UInt16 = 40
    static let PT_LOAD: UInt32 = 1
    /// aaelf32: e_flags bit 23, EF_ARM_BE8, marks big-endian (BE-8) code.
    static let EF_ARM_BE8: UInt32 = 0x0080_0000
    // Fields at the same place in both classes.
    static let e_type = 16, e_machine = 18, p_type = 0

    /// Where the class-dependent fields sit (Elf64_Ehdr/Elf32_Ehdr, Elf64_Phdr/Elf32_Phdr).
    struct Format {
        let is64: Bool
        let machine: UInt16
        let headerSize, programHeaderSize: Int
        let e_entry, e_phoff, e_flags, e_phentsize, e_phnum: Int
        let p_offset, p_vaddr, p_paddr, p_filesz, p_memsz: Int
        /// The end of the virtual address space a segment must not wrap past.
        var addressLimit: UInt64 { is64 ? .max : 0xFFFF_FFFF }
        var name: String { is64 ? "ELF64" : "ELF32" }

        func word(_ b: [UInt8], _ at: Int) -> UInt64 { is64 ? b.le64(at) : UInt64(b.le32(at)) }

        static let elf64 = Format(is64: true, machine: EM_AARCH64, headerSize: 64, programHeaderSize: 56,
                                  e_entry: 24, e_phoff: 32, e_flags: 48, e_phentsize: 54, e_phnum: 56,
                                  p_offset: 8, p_vaddr: 16, p_paddr: 24, p_filesz: 32, p_memsz: 40)
        static let elf32 = Format(is64: false, machine: EM_ARM, headerSize: 52, programHeaderSize: 32,
                                  e_entry: 24, e_phoff: 28, e_flags: 36, e_phentsize: 42, e_phnum: 44,
                                  p_offset: 4, p_vaddr: 8, p_paddr: 12, p_filesz: 16, p_memsz: 20)
    }

    /// Names for the machines people are most likely to hand armvm by mistake.
    static let machineNames: [UInt16: String] = [
        2: "a SPARC", 3: "an x86 (i386)", 8: "a MIPS", 20: "a PowerPC", 21: "a PowerPC64", 22: "an s390",
        40: "a 32-bit Arm", 43: "a SPARC64", 62: "an x86-64", 183: "an AArch64", 243: "a RISC-V", 258: "a LoongArch",
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
        guard b.count > EI_DATA else { throw HostInputError("\(path): truncated ELF header (\(b.count) bytes)") }
        let f: Format
        switch b[EI_CLASS] {
        case ELFCLASS64: f = .elf64
        case ELFCLASS32: f = .elf32
        default: throw HostInputError("\(path): invalid ELF class \(b[EI_CLASS])")
        }
        switch b[EI_DATA] {
        case ELFDATA2LSB: break
        case ELFDATA2MSB: throw HostInputError("\(path) is a big-endian ELF; armvm runs little-endian images")
        default: throw HostInputError("\(path): invalid ELF data encoding \(b[EI_DATA])")
        }
        guard b.count >= f.headerSize else {
            throw HostInputError("\(path): truncated ELF header (\(b.count) of \(f.headerSize) bytes)")
        }
        let machine = b.le16(e_machine)
        guard machine == f.machine else {
            let name = machineNames[machine] ?? "an e_machine \(machine)"
            if f.is64 { throw HostInputError("\(path) is \(name) ELF, not AArch64") }
            throw HostInputError("\(path) is \(name) 32-bit ELF, not 32-bit Arm")
        }
        if !f.is64 && b.le32(f.e_flags) & EF_ARM_BE8 != 0 {
            throw HostInputError("\(path) holds big-endian (BE-8) Arm code; armvm runs little-endian images")
        }
        let type = b.le16(e_type)
        switch type {
        case ET_EXEC, ET_DYN: break
        case ET_REL: throw HostInputError("\(path) is a relocatable object (ELF type ET_REL); link it into an executable first")
        case ET_CORE: throw HostInputError("\(path) is a core dump (ELF type ET_CORE), not an executable")
        default: throw HostInputError("\(path): ELF type \(type) is not an executable (need ET_EXEC or ET_DYN)")
        }

        let headers = try programHeaders(b, f, path: path)
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
            let (vend, wraps) = s.vaddr.addingReportingOverflow(s.memsz)
            guard !wraps, vend - 1 <= f.addressLimit else {
                throw HostInputError("\(path): segment at virtual address \(hex(s.vaddr)) (size \(hex(s.memsz))) wraps past the end of the \(f.is64 ? 64 : 32)-bit address space")
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
        // In ELF32, bit 0 of e_entry selects T32 (aaelf32, "Symbol values").
        var entry = f.word(b, f.e_entry)
        let thumb = !f.is64 && entry & 1 != 0
        if thumb { entry &= ~1 }
        let byVirtual = segments.first(where: { entry >= $0.vaddr && entry - $0.vaddr < $0.memsz })
        if let s = byVirtual {
            entry = entry - s.vaddr + s.paddr
        }
        guard target.bus.contains(ramRange: entry, size: 4) else {
            throw HostInputError("\(path): entry point \(hex(entry)) is not in \(target.ramDescription)")
        }
        guard entry % (thumb ? 2 : 4) == 0 else {
            throw HostInputError("\(path): entry point \(hex(entry)) is not \(thumb ? 2 : 4)-byte aligned")
        }
        // Outside every segment the CPU would start in RAM the image never wrote.
        guard byVirtual != nil || segments.contains(where: { entry >= $0.paddr && entry - $0.paddr < $0.memsz }) else {
            throw HostInputError("\(path): entry point \(hex(entry)) is outside every loadable segment")
        }

        for s in segments {
            target.copy(b[Int(s.offset)..<Int(s.offset + s.filesz)], to: s.paddr)
            target.zero(at: s.paddr + s.filesz, size: s.memsz - s.filesz)
        }
        return LoadedImage(kind: .elf, entry: entry, lowest: lowest, highest: highest,
                           state: f.is64 ? .aarch64 : thumb ? .t32 : .a32)
    }

    struct ProgramHeader {
        let type: UInt32
        let segment: Segment
    }

    static func programHeaders(_ b: [UInt8], _ f: Format, path: String) throws -> [ProgramHeader] {
        let phoff = f.word(b, f.e_phoff)
        let phnum = Int(b.le16(f.e_phnum))
        let phentsize = Int(b.le16(f.e_phentsize))
        guard phnum > 0 else { return [] }
        guard phnum != PN_XNUM else {
            throw HostInputError("\(path): ELF has 65535 or more program headers (extended numbering), which armvm does not read")
        }
        guard phentsize >= f.programHeaderSize else {
            throw HostInputError("\(path): \(f.name) program header entries are \(phentsize) bytes, expected \(f.programHeaderSize)")
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
                                     segment: Segment(paddr: f.word(b, h + f.p_paddr), vaddr: f.word(b, h + f.p_vaddr),
                                                      offset: f.word(b, h + f.p_offset), filesz: f.word(b, h + f.p_filesz),
                                                      memsz: f.word(b, h + f.p_memsz))))
        }
        return out
    }
}
