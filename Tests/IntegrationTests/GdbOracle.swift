// Runs a program under gdb until its fatal signal stops it, and reads the frames scripts/gdb-frames.py prints.

import Foundation

/// One frame of gdb's backtrace (see scripts/gdb-frames.py for the fields).
struct GdbFrame: Decodable, Sendable {
    var level: Int
    var inlined: Bool
    var tailCall: Bool
    var name: String?
    var file: String?
    var line: Int
    var image: String?
    var address: UInt64?
    var symbol: String?
    var symbolOffset: UInt64?
}

enum GdbOracle {
    /// The frames of the thread that received the first fatal signal of `program` run with `arguments`.
    static func frames(gdb: String, program: String, arguments: [String]) throws -> (frames: [GdbFrame], output: ChildResult) {
        let script = ChildProcess.packageRoot.appendingPathComponent("scripts/gdb-frames.py").path
        let result = try ChildProcess.run(
            gdb,
            [
                "-batch", "-nx", "-x", script,
                "-ex", "set startup-with-shell off",
                "-ex", "set debuginfod enabled off",
                "-ex", "run",
                "-ex", "oracle-frames",
                "--args", program,
            ] + arguments,
            timeout: 30)
        let decoder = JSONDecoder()
        let prefix = "ORACLE-FRAME "
        let frames = result.standardOutput.split(separator: "\n").compactMap { line -> GdbFrame? in
            guard line.hasPrefix(prefix) else { return nil }
            return try? decoder.decode(GdbFrame.self, from: Data(line.dropFirst(prefix.count).utf8))
        }
        return (frames, result)
    }
}

/// llvm-symbolizer's answer for one address: the inlining chain, innermost first.
struct SymbolizerEntry: Sendable {
    var function: String
    var file: String
    var line: Int
}

enum SymbolizerOracle {
    /// Symbolizes `addresses` (image-relative) of `image` with `--inlining`; one chain per address.
    static func chains(symbolizer: String, image: String, addresses: [UInt64]) throws -> [[SymbolizerEntry]] {
        guard !addresses.isEmpty else { return [] }
        let result = try ChildProcess.run(
            symbolizer,
            ["--inlining", "--functions=linkage", "--obj=\(image)"] + addresses.map { "0x" + String($0, radix: 16) },
            timeout: 60)
        // Each address: pairs of lines (function, file:line:column), then a blank line.
        var chains: [[SymbolizerEntry]] = []
        for block in result.standardOutput.components(separatedBy: "\n\n") where !block.isEmpty {
            let lines = block.split(separator: "\n").map(String.init)
            var chain: [SymbolizerEntry] = []
            var index = 0
            while index + 1 < lines.count {
                let location = lines[index + 1].split(separator: ":", omittingEmptySubsequences: false)
                let file = location.count >= 3 ? location.dropLast(2).joined(separator: ":") : lines[index + 1]
                let line = location.count >= 3 ? Int(location[location.count - 2]) ?? 0 : 0
                chain.append(SymbolizerEntry(function: lines[index], file: file, line: line))
                index += 2
            }
            chains.append(chain)
        }
        return chains
    }
}

enum Demangler {
    /// Whether `name` is a mangled Swift symbol (others are passed through: swift-demangle alters some C names,
    /// e.g. it prints `__GI_raise` as `_GI_raise`).
    static func isSwiftSymbol(_ name: String) -> Bool {
        ["$s", "_$s", "$S", "_$S", "$e", "_$e"].contains { name.hasPrefix($0) }
    }

    /// `swift demangle --simplified` of each name; names that are not Swift symbols map to themselves.
    static func simplified(_ names: [String], demangler: String) throws -> [String: String] {
        let unique = Array(Set(names)).sorted()
        var map: [String: String] = [:]
        for name in unique { map[name] = name }
        let swiftNames = unique.filter(isSwiftSymbol)
        guard !swiftNames.isEmpty else { return map }
        let result = try ChildProcess.run(demangler, ["--simplified"] + swiftNames, timeout: 60)
        // One "mangled ---> demangled" line per argument, in order.
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        for (name, line) in zip(swiftNames, lines) {
            guard let arrow = line.range(of: " ---> ") else { continue }
            map[name] = String(line[arrow.upperBound...])
        }
        return map
    }
}
