// Hand-built ELF files, well-formed and corrupt: parsing must either succeed with sane results or fail with a
// clean error, never read out of bounds or loop.

import FaultSymbols
import Testing

@Suite struct ELFMalformedInputTests {
    /// A valid file with three functions, one of them zero-sized, and one local alias.
    static var sample: ELFBuilder {
        var builder = ELFBuilder()
        builder.symbols = [
            ("alpha", 0x1000, 0x10, STB_GLOBAL << 4 | STT_FUNC),
            ("_alpha_alias", 0x1000, 0x10, STB_LOCAL << 4 | STT_FUNC),
            ("beta", 0x1020, 0, STB_GLOBAL << 4 | STT_NOTYPE),
            ("gamma", 0x1030, 0x8, STB_WEAK << 4 | STT_FUNC),
            ("data", 0x1038, 0x8, STB_GLOBAL << 4 | STT_OBJECT),
        ]
        return builder
    }

    @Test func builtSampleParses() throws {
        let names = try withImage(Self.sample.build()) { image -> [String?] in
            let table = ELFSymbolTable(image: image)
            return [0x1000, 0x100f, 0x1010, 0x1020, 0x102f, 0x1034, 0x1038].map {
                nameString(table.lookup(address: $0))
            }
        }
        #expect(names == ["alpha", "alpha", nil, "beta", "beta", "gamma", nil])
    }

    @Test func truncatedFilesFailCleanly() {
        let file = Self.sample.build()
        for length in [0, 1, 4, 16, 63] {
            #expect(throws: ELFError.truncated) { try withImage(Array(file.prefix(length))) { _ in 0 } }
        }
        // Cutting into the section header table is a bad section table.
        let shoff = ELFBuilder.sectionTableOffset(file)
        #expect(throws: ELFError.badSectionTable) { try withImage(Array(file.prefix(shoff + 100))) { _ in 0 } }
    }

    @Test func wrongIdentificationIsRejected() {
        var notELF = Self.sample.build()
        notELF[1] = 0x46
        #expect(throws: ELFError.notELF) { try withImage(notELF) { _ in 0 } }
        var class32 = Self.sample.build()
        class32[4] = 1
        #expect(throws: ELFError.unsupported) { try withImage(class32) { _ in 0 } }
        var bigEndian = Self.sample.build()
        bigEndian[5] = 2
        #expect(throws: ELFError.unsupported) { try withImage(bigEndian) { _ in 0 } }
        var arm = Self.sample.build()
        patch(&arm, at: 18, UInt16(183))
        #expect(throws: ELFError.unsupported) { try withImage(arm) { _ in 0 } }
    }

    @Test func sectionTableOutsideFileIsRejected() {
        var file = Self.sample.build()
        patch(&file, at: 0x28, UInt64(file.count + 8))
        #expect(throws: ELFError.badSectionTable) { try withImage(file) { _ in 0 } }
        patch(&file, at: 0x28, UInt64.max - 10)
        #expect(throws: ELFError.badSectionTable) { try withImage(file) { _ in 0 } }
    }

    @Test func sectionCountOverflowIsRejected() {
        // e_shnum = 0 means "read the count from section 0's sh_size": claim 2^63 sections.
        var file = Self.sample.build()
        let shoff = ELFBuilder.sectionTableOffset(file)
        patch(&file, at: 0x3c, UInt16(0))
        patch(&file, at: shoff + 32, UInt64(1) << 63)
        #expect(throws: ELFError.badSectionTable) { try withImage(file) { _ in 0 } }
        // A claimed count that fits the limit but not the file.
        patch(&file, at: shoff + 32, UInt64(60_000))
        #expect(throws: ELFError.badSectionTable) { try withImage(file) { _ in 0 } }
    }

    @Test func smallSectionEntrySizeIsRejected() {
        var file = Self.sample.build()
        patch(&file, at: 0x3a, UInt16(10))
        #expect(throws: ELFError.badSectionTable) { try withImage(file) { _ in 0 } }
    }

    @Test func symbolTableOutsideFileGivesNoSymbols() throws {
        var file = Self.sample.build()
        let shoff = ELFBuilder.sectionTableOffset(file)
        let symtabHeader = shoff + 2 * 64
        patch(&file, at: symtabHeader + 24, UInt64(file.count - 10))  // sh_offset near the end
        let count = try withImage(file) { ELFSymbolTable(image: $0).count }
        #expect(count == 0)
        patch(&file, at: symtabHeader + 24, UInt64.max)
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } == 0)
    }

    @Test func badStringTableLinkGivesNoSymbols() throws {
        var file = Self.sample.build()
        let shoff = ELFBuilder.sectionTableOffset(file)
        patch(&file, at: shoff + 2 * 64 + 40, UInt32(999))  // .symtab sh_link
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } == 0)
    }

    @Test func nameOffsetsOutsideStringTableAreDropped() throws {
        var file = Self.sample.build()
        let shoff = ELFBuilder.sectionTableOffset(file)
        // Find .symtab's data and corrupt the first real symbol's st_name.
        let symtabOffset = Int(file[shoff + 2 * 64 + 24]) | Int(file[shoff + 2 * 64 + 25]) << 8
        patch(&file, at: symtabOffset + 24, UInt32(0xffff_fff0))
        let names = try withImage(file) { image -> [String?] in
            let table = ELFSymbolTable(image: image)
            return [nameString(table.lookup(address: 0x1000)), nameString(table.lookup(address: 0x1030))]
        }
        #expect(names == ["_alpha_alias", "gamma"])
    }

    @Test func unterminatedStringTableIsCut() throws {
        var file = Self.sample.build()
        let shoff = ELFBuilder.sectionTableOffset(file)
        // Shrink .strtab ("...gamma\0data\0") so that "gamma" loses its last two letters and its terminator.
        let sizeField = shoff + 3 * 64 + 32
        let size = Int(file[sizeField]) | Int(file[sizeField + 1]) << 8
        patch(&file, at: sizeField, UInt64(size - 8))
        let name = try withImage(file) { nameString(ELFSymbolTable(image: $0).lookup(address: 0x1030)) }
        #expect(name == "gam")
    }

    @Test func fileWithoutSectionsHasNoSymbols() throws {
        var file = Self.sample.build()
        patch(&file, at: 0x28, UInt64(0))
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } == 0)
    }
}
