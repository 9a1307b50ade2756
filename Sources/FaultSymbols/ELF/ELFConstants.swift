// ELF constants and record layouts (System V gABI, x86_64 psABI), spelled as in the specification so they can
// be grepped against it. Only the 64-bit little-endian form is supported; records are decoded field by field
// through ByteCursor rather than by binding memory to C structs, so misaligned or truncated input is harmless.

/// e_ident indices and values.
package let EI_CLASS = 4
package let EI_DATA = 5
package let EI_VERSION = 6
package let ELFCLASS64: UInt8 = 2
package let ELFDATA2LSB: UInt8 = 1
package let EV_CURRENT: UInt8 = 1

/// e_type values.
package let ET_EXEC: UInt16 = 2
package let ET_DYN: UInt16 = 3
package let ET_REL: UInt16 = 1

/// e_machine for x86_64.
package let EM_X86_64: UInt16 = 62

/// Size of Elf64_Ehdr, Elf64_Shdr, Elf64_Sym, Elf64_Chdr.
package let Elf64_Ehdr_size = 64
package let Elf64_Shdr_size = 64
package let Elf64_Sym_size = 24
package let Elf64_Chdr_size = 24

/// Special section indices.
package let SHN_UNDEF: UInt16 = 0
package let SHN_LORESERVE: UInt16 = 0xff00
package let SHN_ABS: UInt16 = 0xfff1
package let SHN_XINDEX: UInt16 = 0xffff

/// sh_type values.
package let SHT_NULL: UInt32 = 0
package let SHT_PROGBITS: UInt32 = 1
package let SHT_SYMTAB: UInt32 = 2
package let SHT_STRTAB: UInt32 = 3
package let SHT_NOTE: UInt32 = 7
package let SHT_NOBITS: UInt32 = 8
package let SHT_DYNSYM: UInt32 = 11

/// sh_flags bits.
package let SHF_ALLOC: UInt64 = 0x2
package let SHF_EXECINSTR: UInt64 = 0x4
package let SHF_COMPRESSED: UInt64 = 0x800

/// ch_type of Elf64_Chdr.
package let ELFCOMPRESS_ZLIB: UInt32 = 1

/// Symbol binding (high nibble of st_info).
package let STB_LOCAL: UInt8 = 0
package let STB_GLOBAL: UInt8 = 1
package let STB_WEAK: UInt8 = 2
package let STB_GNU_UNIQUE: UInt8 = 10

/// Symbol type (low nibble of st_info).
package let STT_NOTYPE: UInt8 = 0
package let STT_OBJECT: UInt8 = 1
package let STT_FUNC: UInt8 = 2
package let STT_SECTION: UInt8 = 3
package let STT_FILE: UInt8 = 4
package let STT_GNU_IFUNC: UInt8 = 10

/// Note type of the GNU build-id note.
package let NT_GNU_BUILD_ID: UInt32 = 3

/// One decoded Elf64_Shdr, plus the section's index.
package struct Elf64_Shdr: Sendable {
    package var index: Int
    package var sh_name: UInt32
    package var sh_type: UInt32
    package var sh_flags: UInt64
    package var sh_addr: UInt64
    package var sh_offset: UInt64
    package var sh_size: UInt64
    package var sh_link: UInt32
    package var sh_info: UInt32
    package var sh_addralign: UInt64
    package var sh_entsize: UInt64

    /// Decodes a section header at the cursor (64 bytes).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init(index: Int, cursor: inout ByteCursor) {
        self.index = index
        sh_name = cursor.readU32()
        sh_type = cursor.readU32()
        sh_flags = cursor.readU64()
        sh_addr = cursor.readU64()
        sh_offset = cursor.readU64()
        sh_size = cursor.readU64()
        sh_link = cursor.readU32()
        sh_info = cursor.readU32()
        sh_addralign = cursor.readU64()
        sh_entsize = cursor.readU64()
    }
}

/// One decoded Elf64_Sym.
package struct Elf64_Sym: Sendable {
    package var st_name: UInt32
    package var st_info: UInt8
    package var st_other: UInt8
    package var st_shndx: UInt16
    package var st_value: UInt64
    package var st_size: UInt64

    /// The binding (STB_*).
    package var binding: UInt8 { st_info >> 4 }
    /// The type (STT_*).
    package var type: UInt8 { st_info & 0xf }

    /// Decodes a symbol at the cursor (24 bytes).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init(cursor: inout ByteCursor) {
        st_name = cursor.readU32()
        st_info = cursor.readU8()
        st_other = cursor.readU8()
        st_shndx = cursor.readU16()
        st_value = cursor.readU64()
        st_size = cursor.readU64()
    }
}
