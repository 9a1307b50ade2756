// Corrupt DWARF must never crash, hang or read out of bounds: the fixture's debug sections are damaged in
// many ways (truncation, random bytes, bad lengths) and the index is built and queried each time.

import FaultSymbols
import Foundation
import Testing

@Suite struct DWARFMalformedInputTests {
    /// The DWARF sections of a clang -O2 -g fixture, copied into owned buffers so they can be corrupted.
    static func fixtureSections() throws -> (sections: [String: [UInt8]], text: (UInt64, UInt64)) {
        let binary = try compileFixture("malformed-base", flags: ["-O2", "-g"])
        let file = try MappedFile(path: binary)
        let image = try ELFImage(bytes: file.bytes)
        var result: [String: [UInt8]] = [:]
        for name in [".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str",
                     ".debug_str_offsets", ".debug_addr", ".debug_rnglists"] {
            if let section = image.section(named: name), let data = image.data(of: section) {
                result[name] = Array(data)
            }
        }
        let text = try #require(image.section(named: ".text"))
        return (result, (text.sh_addr, text.sh_addr + text.sh_size))
    }

    /// Builds and queries an index over `sections`; returns the number of frames found over the text range.
    static func buildAndQuery(_ sections: [String: [UInt8]], text: (UInt64, UInt64)) -> Int {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        func buffer(_ name: String) -> UnsafeRawBufferPointer {
            guard let bytes = sections[name] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
            copy.copyBytes(from: bytes)
            buffers.append(copy)
            return UnsafeRawBufferPointer(rebasing: copy[0..<bytes.count])
        }
        var dwarf = DWARFSections()
        dwarf.info = buffer(".debug_info")
        dwarf.abbrev = buffer(".debug_abbrev")
        dwarf.line = buffer(".debug_line")
        dwarf.str = buffer(".debug_str")
        dwarf.lineStr = buffer(".debug_line_str")
        dwarf.strOffsets = buffer(".debug_str_offsets")
        dwarf.addr = buffer(".debug_addr")
        dwarf.rnglists = buffer(".debug_rnglists")
        let index = DWARFIndexBuilder.build(sections: dwarf, minimumAddress: 1)
        defer { index.deallocate() }
        let frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 8)
        defer { frames.deallocate() }
        frames.initialize(repeating: SourceFrame())
        var total = 0
        for address in text.0..<text.1 { total += index.lookup(address: UInt(address), into: frames) }
        return total
    }

    @Test func intactSectionsResolve() throws {
        let (sections, text) = try Self.fixtureSections()
        #expect(Self.buildAndQuery(sections, text: text) > 0)
    }

    @Test func truncatedSectionsDoNotCrash() throws {
        let (sections, text) = try Self.fixtureSections()
        for name in sections.keys.sorted() {
            let original = sections[name]!
            for length in Set([0, 1, 3, 7, 11, original.count / 3, original.count / 2, original.count - 1]) {
                var damaged = sections
                damaged[name] = Array(original.prefix(max(length, 0)))
                _ = Self.buildAndQuery(damaged, text: text)
            }
        }
    }

    @Test func randomCorruptionDoesNotCrash() throws {
        let (sections, text) = try Self.fixtureSections()
        var generator = SplitMix64(seed: 0x5eed)
        for round in 0..<300 {
            var damaged = sections
            let names = sections.keys.sorted()
            let name = names[round % names.count]
            var bytes = damaged[name]!
            guard !bytes.isEmpty else { continue }
            for _ in 0..<(1 + Int(generator.next() % 8)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                bytes[position] = [0x00, 0xff, 0x80, 0x7f, UInt8(truncatingIfNeeded: generator.next())][
                    Int(generator.next() % 5)]
            }
            damaged[name] = bytes
            _ = Self.buildAndQuery(damaged, text: text)
        }
    }

    /// A unit length claiming 2^64-1 bytes (64-bit DWARF escape followed by all ones) stops the walk cleanly.
    @Test func hugeUnitLengthIsRejected() throws {
        var (sections, text) = try Self.fixtureSections()
        sections[".debug_info"]!.replaceSubrange(0..<4, with: [0xff, 0xff, 0xff, 0xff])
        sections[".debug_info"]!.insert(contentsOf: [UInt8](repeating: 0xff, count: 8), at: 4)
        sections[".debug_line"]!.replaceSubrange(0..<4, with: [0xff, 0xff, 0xff, 0xf0])
        #expect(Self.buildAndQuery(sections, text: text) == 0)
    }

    /// Endless LEB128 continuation bytes in the abbreviation table must not stall or crash the reader.
    @Test func endlessLEB128IsRejected() throws {
        var (sections, text) = try Self.fixtureSections()
        sections[".debug_abbrev"] = [UInt8](repeating: 0x80, count: 4096)
        _ = Self.buildAndQuery(sections, text: text)
    }
}

/// A small deterministic generator for corruption tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
