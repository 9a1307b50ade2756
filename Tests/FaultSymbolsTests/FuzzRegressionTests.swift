// Inputs found by fuzzing (Fuzz/FuzzELF, Fuzz/FuzzDWARF), rebuilt with the test ELF builder and each named after
// the bug it found. The original inputs are in Fuzz/Corpus/<target>/regression-*.

@testable import FaultSymbols
import Testing

@Suite struct SymbolsFuzzRegressionTests {
    /// A .symtab whose sh_entsize is above Int.max trapped when it was converted to Int.
    @Test func hugeSymbolEntrySizeGivesNoSymbols() throws {
        var file = ELFMalformedInputTests.sample.build()
        let symtabHeader = ELFBuilder.sectionTableOffset(file) + 2 * 64
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } > 0)
        patch(&file, at: symtabHeader + 56, UInt64(0xffff_ff00_0000_0018))
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } == 0)
        patch(&file, at: symtabHeader + 56, UInt64.max)
        #expect(try withImage(file) { ELFSymbolTable(image: $0).count } == 0)
    }

    /// A DWARF 5 line table header whose file entry names directory 2^64 - 1: the index was converted to Int
    /// before the range check and trapped.
    @Test func hugeLineTableDirectoryIndexIsIgnored() throws {
        func unit(directoryIndex: [UInt8]) -> [UInt8] {
            var header: [UInt8] = [1, 1, 1, 0xfb, 14, 13]  // min_inst_length ... opcode_base
            header += [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]  // standard_opcode_lengths
            header += [1, 0x01, 0x08, 1] + Array("/d".utf8) + [0]  // directories: path as DW_FORM_string
            header += [2, 0x01, 0x08, 0x02, 0x0f, 1] + Array("a.c".utf8) + [0] + directoryIndex  // files
            var program: [UInt8] = [0, 9, 2] + bytes(UInt64(0x1000))  // DW_LNE_set_address
            program += [1, 2, 4, 0, 1, 1]  // DW_LNS_copy, DW_LNS_advance_pc 4, DW_LNE_end_sequence
            let body = [5, 0, 8, 0] + bytes(UInt32(header.count)) + header + program  // version 5, sizes
            return bytes(UInt32(body.count)) + body
        }
        func files(_ line: [UInt8]) -> [String]? {
            line.withUnsafeBytes { raw in
                var sections = DWARFSections()
                sections.line = raw
                return LineProgram(sections: sections, offset: 0, compDir: [])?.files
                    .map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(files(unit(directoryIndex: [0])) == ["/d/a.c"])
        let maximum: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        #expect(files(unit(directoryIndex: maximum)) == ["a.c"])
    }
}
