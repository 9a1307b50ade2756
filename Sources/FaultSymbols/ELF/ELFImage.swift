// A validated view of one ELF file: header checks, the section header table and section lookup by name.
//
// The image borrows its bytes (a file mapped by `MappedFile`, or a test buffer) and validates everything it
// reads: the identification bytes, header sizes, the section header table's placement (with overflow-checked
// arithmetic and the extended section count of section 0), the section name string table, and each section's
// file range before handing it out.

/// Why an ELF file was rejected.
package enum ELFError: Error, Equatable, Sendable {
    /// The file could not be opened or mapped (errno attached).
    case cannotOpen(Int32)
    /// Shorter than an ELF header.
    case truncated
    /// Not an ELF file (bad magic).
    case notELF
    /// Not ELFCLASS64 / little endian / x86_64.
    case unsupported
    /// The section header table is malformed (bad entry size, count overflow, outside the file).
    case badSectionTable
}

/// A parsed, bounds-checked ELF file.
package struct ELFImage: @unchecked Sendable {
    /// All bytes of the file.
    package let bytes: UnsafeRawBufferPointer
    /// e_type (ET_EXEC, ET_DYN, ...).
    package let fileType: UInt16
    /// The section headers, in index order (may be empty: a file without sections is valid but useless here).
    package let sections: [Elf64_Shdr]
    /// The section name string table (empty if missing or malformed).
    let sectionNames: UnsafeRawBufferPointer

    /// Upper bound on the number of section headers accepted (real files have < 100; the extended count of
    /// section 0 could claim billions).
    static let maximumSectionCount = 65_536

    /// Validates `bytes` as a 64-bit little-endian x86_64 ELF file and reads its section table.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package init(bytes: UnsafeRawBufferPointer) throws(ELFError) {
        self.bytes = bytes
        guard bytes.count >= Elf64_Ehdr_size, bytes.baseAddress != nil else { throw .truncated }
        var header = ByteCursor(bytes)
        let magic = header.readU32()
        guard magic == 0x464c_457f else { throw .notELF }  // "\x7fELF"
        guard bytes[EI_CLASS] == ELFCLASS64, bytes[EI_DATA] == ELFDATA2LSB else { throw .unsupported }
        header.offset = 16
        fileType = header.readU16()
        let machine = header.readU16()
        guard machine == EM_X86_64 else { throw .unsupported }
        header.offset = 0x28
        let shoff = header.readU64()
        header.offset = 0x3a
        let shentsize = Int(header.readU16())
        var shnum = Int(header.readU16())
        var shstrndx = Int(header.readU16())

        if shoff == 0 {
            sections = []
            sectionNames = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard shentsize >= Elf64_Shdr_size, shoff < UInt64(bytes.count) else { throw .badSectionTable }
        // Section 0 carries the real count and string-table index when they do not fit in the header.
        var first = ByteCursor(bytes, offset: Int(shoff))
        let zeroth = Elf64_Shdr(index: 0, cursor: &first)
        guard !first.overrun else { throw .badSectionTable }
        if shnum == 0 {
            guard zeroth.sh_size <= UInt64(Self.maximumSectionCount) else { throw .badSectionTable }
            shnum = Int(zeroth.sh_size)
        }
        if shstrndx == Int(SHN_XINDEX) { shstrndx = Int(zeroth.sh_link) }
        let (tableSize, overflow) = shnum.multipliedReportingOverflow(by: shentsize)
        guard !overflow, shnum <= Self.maximumSectionCount,
            tableSize <= bytes.count - Int(shoff)
        else { throw .badSectionTable }

        var headers: [Elf64_Shdr] = []
        headers.reserveCapacity(shnum)
        for index in 0..<shnum {
            var cursor = ByteCursor(bytes, offset: Int(shoff) + index * shentsize)
            headers.append(Elf64_Shdr(index: index, cursor: &cursor))
        }
        sections = headers
        var names = UnsafeRawBufferPointer(start: nil, count: 0)
        if shstrndx > 0 && shstrndx < shnum {
            names = Self.fileRange(of: headers[shstrndx], in: bytes) ?? names
        }
        sectionNames = names
    }

    /// The bytes of a section in the file, or nil for SHT_NOBITS or a range outside the file.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func fileRange(of section: Elf64_Shdr, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard section.sh_type != SHT_NOBITS, section.sh_type != SHT_NULL,
            section.sh_offset <= UInt64(bytes.count),
            section.sh_size <= UInt64(bytes.count) - section.sh_offset,
            let base = bytes.baseAddress
        else { return nil }
        return UnsafeRawBufferPointer(start: base + Int(section.sh_offset), count: Int(section.sh_size))
    }

    /// The raw (possibly compressed) file bytes of `section`, or nil if it has none or they lie outside the
    /// file.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func data(of section: Elf64_Shdr) -> UnsafeRawBufferPointer? {
        Self.fileRange(of: section, in: bytes)
    }

    /// The name of `section` as bytes ("" when the name is missing).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func name(of section: Elf64_Shdr) -> UnsafeRawBufferPointer {
        cString(in: sectionNames, at: UInt64(section.sh_name), limit: 256)
    }

    /// The first section called `name` (for example ".symtab"), if any.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func section(named name: String) -> Elf64_Shdr? {
        let wanted = Array(name.utf8)
        return sections.first { section in
            let candidate = self.name(of: section)
            return candidate.count == wanted.count && candidate.elementsEqual(wanted)
        }
    }

    /// The section at `index`, if it exists.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func section(at index: Int) -> Elf64_Shdr? {
        index >= 0 && index < sections.count ? sections[index] : nil
    }

    /// True if section `index` exists and holds code (SHF_EXECINSTR).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func isExecutableSection(_ index: UInt16) -> Bool {
        guard index != SHN_UNDEF, index < SHN_LORESERVE, let section = section(at: Int(index)) else {
            return false
        }
        return section.sh_flags & SHF_EXECINSTR != 0
    }
}
