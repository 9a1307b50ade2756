// file:line and inlined frames compared with llvm-symbolizer (--inlining --no-demangle) on the test binary
// (Swift DWARF 4 and clang DWARF 5 units) and on C programs built here with clang: -O2 -g (DWARF 5),
// -gdwarf-4, and -gz (SHF_COMPRESSED sections).

import CAllocationCounter
import FaultSymbols
import Foundation
import Testing

let symbolizerPath = "/opt/swift/usr/bin/llvm-symbolizer"
let clangPath = "/opt/swift/usr/bin/clang"

/// One frame as text: "function|file|line|column".
typealias FrameText = String

/// Runs llvm-symbolizer on `addresses` of `binary` and returns, per address, its frames innermost first.
func symbolizerFrames(binary: String, addresses: [UInt64]) -> [[FrameText]] {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("addresses-\(UUID().uuidString).txt")
    try? addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n")
        .write(to: input, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: input) }
    let output = runTool("/bin/sh", ["-c", "\(symbolizerPath) --inlining --no-demangle --obj=\(binary) < \(input.path)"])
    var result: [[FrameText]] = []
    for block in output.components(separatedBy: "\n\n") where !block.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        let lines = block.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var frames: [FrameText] = []
        var index = 0
        while index + 1 < lines.count {
            let function = lines[index]
            let parts = lines[index + 1].split(separator: ":", omittingEmptySubsequences: false)
            let column = parts.count >= 3 ? String(parts[parts.count - 1]) : "0"
            let line = parts.count >= 3 ? String(parts[parts.count - 2]) : "0"
            let file = parts.count >= 3 ? parts[0..<(parts.count - 2)].joined(separator: ":") : "??"
            frames.append("\(function)|\(file)|\(line)|\(column)")
            index += 2
        }
        result.append(frames)
    }
    return result
}

/// Our frames for `address` in the same text form.
func ourFrames(_ index: PreparedImage, _ address: UInt64) -> [FrameText] {
    let buffer = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 64)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: SourceFrame())
    let count = index.lookupSource(address: UInt(address), into: buffer)
    if count == 0 { return ["??|??|0|0"] }
    return buffer[0..<count].map { frame in
        let function = frame.function.isEmpty ? "??" : String(decoding: frame.function, as: UTF8.self)
        let file = frame.file.isEmpty ? "??" : String(decoding: frame.file, as: UTF8.self)
        return "\(function)|\(file)|\(frame.line)|\(frame.column)"
    }
}

/// Maps and indexes the symbols and DWARF of the file at `path`.
func lineIndex(_ path: String) throws -> PreparedImage {
    let prepared = try ImagePreparer.prepare(path: path, buildID: nil, lines: true)
    _ = try #require(prepared.lines)
    return prepared
}

/// Addresses to probe: for every `stride`-th sized text symbol, a few offsets inside it.
func probeAddresses(_ path: String, limit: Int) -> [UInt64] {
    let symbols = nmTextSymbols(path).filter { $0.size > 4 }
    let step = max(1, symbols.count / max(limit / 3, 1))
    var addresses: [UInt64] = []
    for index in stride(from: 0, to: symbols.count, by: step) {
        let symbol = symbols[index]
        addresses += [symbol.address, symbol.address + symbol.size / 3, symbol.address + symbol.size * 2 / 3]
    }
    return Array(addresses.prefix(limit))
}

/// Compares ours with llvm-symbolizer for `addresses` and returns (agreeing, total) counts.
func compareWithSymbolizer(binary: String, index: PreparedImage, addresses: [UInt64], label: String)
    -> (agreed: Int, total: Int)
{
    let expected = symbolizerFrames(binary: binary, addresses: addresses)
    guard expected.count == addresses.count else {
        Issue.record("\(label): llvm-symbolizer gave \(expected.count) results for \(addresses.count) addresses")
        return (0, addresses.count)
    }
    var agreed = 0
    var reported = 0
    // Aliases (several symbols at one address) are named differently by design: llvm-symbolizer takes the
    // lexically smallest name, we take gdb's choice. Compare them by symbol address.
    let aliases = Dictionary(
        (nmTextSymbols(binary) + nmTextSymbols(binary, dynamic: true)).map { ($0.name, $0.address) },
        uniquingKeysWith: { first, _ in first })
    func normalised(_ frames: [FrameText]) -> [FrameText] {
        frames.map { frame in
            var fields = frame.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if let address = aliases[fields[0]] { fields[0] = "symbol@" + String(address, radix: 16) }
            return fields.joined(separator: "|")
        }
    }
    for (address, want) in zip(addresses, expected) {
        let got = ourFrames(index, address)
        if got != want && normalised(got) == normalised(want) {
            agreed += 1
            continue
        }
        if got == want {
            agreed += 1
        } else if reported < 10 {
            reported += 1
            print("\(label) 0x\(String(address, radix: 16)):\n  ours \(got)\n  llvm \(want)")
        }
    }
    print("\(label): \(agreed)/\(addresses.count) addresses agree with llvm-symbolizer")
    return (agreed, addresses.count)
}

/// A C program with inlining across files, compiled by the tests with various flags.
let inliningSource = """
    static volatile int sink;
    static inline __attribute__((always_inline)) int leaf(int x) {
        sink = x * 3;
        return x + sink;
    }
    static inline __attribute__((always_inline)) int middle(int x) {
        int y = leaf(x + 1);
        return y * leaf(y);
    }
    __attribute__((noinline)) int outer(int x) {
        int total = 0;
        for (int i = 0; i < x; i++) total += middle(i);
        return total;
    }
    int main(int argc, char **argv) {
        (void)argv;
        return outer(argc) & 1;
    }
    """

/// Compiles `inliningSource` with `flags` into a temporary executable and returns its path.
func compileFixture(_ name: String, flags: [String]) throws -> String {
    // A directory per call: tests run in parallel and may compile the same fixture at the same time.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fault-symbols-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let source = directory.appendingPathComponent("inlining.c")
    try inliningSource.write(to: source, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent(name).path
    _ = runTool(clangPath, flags + [source.path, "-o", output])
    try #require(FileManager.default.fileExists(atPath: output), "clang failed for \(flags)")
    return output
}

@Suite struct DWARFLineTableTests {
    @Test(.disabled(if: runningUnderSanitizer, "the instrumented test binary carries sanitizer line entries the comparison does not model")) func agreesWithSymbolizerOnTestBinary() throws {
        let path = try #require(loadedImages().first).path
        let clock = ContinuousClock()
        var index: PreparedImage?
        let elapsed = clock.measure { index = try? lineIndex(path) }
        let lines = try #require(index)
        print("test binary: \(lines.lines!.rowCount) line rows, \(lines.lines!.functionRangeCount) function ranges in \(elapsed)")
        let result = compareWithSymbolizer(
            binary: path, index: lines, addresses: probeAddresses(path, limit: 1500), label: "test binary")
        #expect(result.total > 1000)
        #expect(Double(result.agreed) >= 0.99 * Double(result.total))
    }

    @Test(arguments: [
        ("dwarf5-O2", ["-O2", "-g"]),
        ("dwarf4-O2", ["-O2", "-gdwarf-4"]),
        ("dwarf5-O0", ["-O0", "-gdwarf-5"]),
        ("dwarf5-O2-gz", ["-O2", "-g", "-gz=zlib"]),
        ("dwarf4-O2-dwarf64", ["-O2", "-gdwarf-4", "-gdwarf64"]),
    ])
    func agreesWithSymbolizerOnClangFixture(name: String, flags: [String]) throws {
        let binary = try compileFixture(name, flags: flags)
        let index = try lineIndex(binary)
        let symbols = nmTextSymbols(binary).filter { ["outer", "main"].contains($0.name) }
        try #require(symbols.count == 2)
        var addresses: [UInt64] = []
        for symbol in symbols { addresses += (0..<symbol.size).map { symbol.address + $0 } }
        let result = compareWithSymbolizer(binary: binary, index: index, addresses: addresses, label: name)
        #expect(result.agreed == result.total)
    }

    /// libc's DWARF 5 lives, zlib-compressed, in the libc6-dbg build-id debug file.
    @Test func agreesWithSymbolizerOnLibcDebugFile() throws {
        let path = try #require(loadedImage(containing: "libc.so.6")).path
        let clock = ContinuousClock()
        var index: PreparedImage?
        let elapsed = clock.measure { index = try? lineIndex(path) }
        let lines = try #require(index, "libc6-dbg is not installed")
        print("libc: \(lines.lines!.rowCount) line rows, \(lines.lines!.functionRangeCount) function ranges in \(elapsed)")
        let symbols = nmTextSymbols(path, dynamic: true).filter { $0.size > 4 }
        let step = max(1, symbols.count / 100)
        var addresses: [UInt64] = []
        for index in stride(from: 0, to: symbols.count, by: step) {
            let symbol = symbols[index]
            addresses += [symbol.address + symbol.size / 3, symbol.address + symbol.size * 2 / 3]
        }
        let result = compareWithSymbolizer(binary: path, index: lines, addresses: addresses, label: "libc")
        #expect(result.total > 150)
        #expect(Double(result.agreed) >= 0.98 * Double(result.total))
    }

    @Test func inlinedFramesAreReported() throws {
        let binary = try compileFixture("inline-check", flags: ["-O2", "-g"])
        let index = try lineIndex(binary)
        let outer = try #require(nmTextSymbols(binary).first { $0.name == "outer" })
        var deepest: [FrameText] = []
        for offset in 0..<outer.size {
            let frames = ourFrames(index, outer.address + offset)
            if frames.count > deepest.count { deepest = frames }
        }
        let names = deepest.map { $0.split(separator: "|")[0] }
        #expect(names == ["leaf", "middle", "outer"])
        #expect(deepest.allSatisfy { $0.contains("inlining.c") })
    }

    @Test func lookupDoesNotAllocate() throws {
        let main = try #require(loadedImages().first)
        let slot = try #require(SymbolRegistry.register(path: main.path, buildID: nil, loadBias: main.loadBias))
        SymbolRegistry.prepare(image: slot)
        let frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 16)
        defer { frames.deallocate() }
        frames.initialize(repeating: SourceFrame())
        var found = 0
        allocation_counter_arm()
        for step in 0..<2000 {
            found += SymbolRegistry.lookupSource(image: slot, pc: testTargetAddress &+ UInt(step % 40), into: frames)
        }
        let allocations = allocation_counter_disarm()
        #expect(allocations == 0)
        #expect(found > 0)
        let count = SymbolRegistry.lookupSource(image: slot, pc: testTargetAddress, into: frames)
        // The @_cdecl entry point is a compiler-generated thunk; llvm-symbolizer says the same.
        #expect(count == 1)
        #expect(String(decoding: frames[0].function, as: UTF8.self) == "fault_symbols_test_target")
        #expect(String(decoding: frames[0].file, as: UTF8.self) == "/<compiler-generated>")
    }

    @Test func lookupLatency() throws {
        let path = try #require(loadedImages().first).path
        let index = try #require(try lineIndex(path).lines)
        let frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 16)
        defer { frames.deallocate() }
        frames.initialize(repeating: SourceFrame())
        let low = index.rowAddress(at: 0)
        let span = index.rowAddress(at: index.rowCount - 1) - low
        let rounds = 100_000
        var total = 0
        let elapsed = ContinuousClock().measure {
            for step in 0..<rounds {
                total += index.lookup(address: UInt(low + UInt64(step &* 7919) % span), into: frames)
            }
        }
        print("line lookup: \(elapsed / rounds) per lookup over \(index.rowCount) rows")
        #expect(total > 0)
    }
}
