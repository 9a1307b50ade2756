// What preparation leaves mapped, and what it no longer holds resident: the mapping that symbol names point
// into stays (a binary replaced on disk keeps symbolicating) with its pages released; the mappings read only to
// build a line index are gone.

import FaultSymbols
import Foundation
import Testing

/// The mappings of `path` in this process (resident bytes each).
func mappings(of path: String) -> [Int] {
    fileMappings().filter { $0.path == path }.map(\.resident)
}

@Suite struct MappingLifetimeTests {
    /// A deploy renames a new binary over the old path (and may delete it): lookups keep the old contents.
    @Test func replacedBinaryStillSymbolicates() throws {
        let binary = try compileFixture("deploy-check", flags: ["-O2", "-g"])
        let outer = try #require(nmTextSymbols(binary).first { $0.name == "outer" })
        let slot = try #require(SymbolRegistry.register(path: binary, buildID: nil, loadBias: 0))
        #expect(SymbolRegistry.prepare(image: slot, lines: false) == .ready)
        #expect(SymbolRegistry.prepareLines(image: slot) == .ready)
        let frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 8)
        defer { frames.deallocate() }
        frames.initialize(repeating: SourceFrame())
        func describe() -> [String] {
            var result = [nameString(SymbolRegistry.lookupSymbol(image: slot, pc: UInt(outer.address + 2))) ?? "nil"]
            let count = SymbolRegistry.lookupSource(image: slot, pc: UInt(outer.address + 2), into: frames)
            for frame in frames[0..<count] {
                result.append(
                    "\(String(decoding: frame.function, as: UTF8.self)) \(String(decoding: frame.file, as: UTF8.self)):\(frame.line)")
            }
            return result
        }
        let before = describe()
        #expect(before.first == "outer")
        #expect(before.count >= 2)

        // Another file renamed over the path, then the path removed altogether.
        let replacement = binary + ".new"
        try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, binary) == 0)
        #expect(describe() == before)
        try FileManager.default.removeItem(atPath: binary)
        #expect(describe() == before)
    }

    /// Symbols keep their mapping, without resident pages; lines keep no mapping at all.
    @Test func preparationKeepsNoResidentFilePages() throws {
        let binary = try compileFixture("mapping-check", flags: ["-O2", "-g"])
        #expect(mappings(of: binary).isEmpty)
        let lines = try #require(ImagePreparer.prepareLines(path: binary, buildID: nil))
        defer { lines.deallocate() }
        #expect(lines.rowCount > 0)
        #expect(mappings(of: binary).isEmpty)

        let prepared = try ImagePreparer.prepare(path: binary, buildID: nil, lines: true)
        let kept = mappings(of: binary)
        #expect(kept.count == 1)
        #expect(kept.allSatisfy { $0 == 0 })
        // Names are read back through the released mapping.
        let outer = try #require(nmTextSymbols(binary).first { $0.name == "outer" })
        #expect(nameString(prepared.symbols.lookup(address: UInt(outer.address))) == "outer")
    }
}
