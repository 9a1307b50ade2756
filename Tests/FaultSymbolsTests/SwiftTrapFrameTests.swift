// Swift traps carry their reason in DWARF as an inlined pseudo-frame named "Swift runtime failure: ...";
// the index must expose it at the ud2 instruction, as llvm-symbolizer does.

import FaultSymbols
import Foundation
import Testing

@Suite struct SwiftTrapFrameTests {
    @Test func runtimeFailurePseudoFrameIsExposed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fault-trap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("trap.swift")
        try """
            @inline(never) func add(_ a: Int, _ b: Int) -> Int { a + b }
            print(add(Int(CommandLine.arguments.count), Int.max))
            """.write(to: source, atomically: true, encoding: .utf8)
        let binary = directory.appendingPathComponent("trap").path
        _ = runTool("/opt/swift/usr/bin/swiftc", ["-O", "-g", source.path, "-o", binary])
        try #require(FileManager.default.fileExists(atPath: binary))
        // The ud2 (0f 0b) inside add(_:_:).
        let add = try #require(nmTextSymbols(binary).first { $0.name.hasPrefix("$s4trap3addyS2i_SitF") })
        let disassembly = runTool("/usr/bin/objdump", [
            "-d", "--start-address=0x\(String(add.address, radix: 16))",
            "--stop-address=0x\(String(add.address + add.size, radix: 16))", binary,
        ])
        let trapLine = try #require(disassembly.split(separator: "\n").first { $0.contains("ud2") })
        let trap = try #require(UInt64(trapLine.split(separator: ":")[0].trimmingCharacters(in: .whitespaces), radix: 16))
        let index = try lineIndex(binary)
        let ours = ourFrames(index, trap)
        #expect(ours.first?.hasPrefix("Swift runtime failure: arithmetic overflow|") == true)
        #expect(ours.count >= 2)
        #expect(ours == symbolizerFrames(binary: binary, addresses: [trap]).first)
    }
}
