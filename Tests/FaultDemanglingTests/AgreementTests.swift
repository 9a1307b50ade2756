// Compares the demangler with `swift demangle --simplified` on every Swift symbol of the toolchain's libraries.

import Foundation
import Testing
@testable import FaultDemangling

/// Runs a program and returns its standard output (feeding `input` on stdin).
func runTool(_ path: String, _ arguments: [String], input: Data? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let inputPipe = Pipe()
    if input != nil { process.standardInput = inputPipe }
    try process.run()
    if let input {
        // Write on another thread so a full output pipe cannot deadlock us.
        let writer = inputPipe.fileHandleForWriting
        Thread.detachNewThread {
            writer.write(input)
            try? writer.close()
        }
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

/// The toolchain's `usr` directory: from the `swift` on PATH, else /opt/swift/usr.
func toolchainUsr() -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":") {
        let candidate = "\(dir)/swift"
        if FileManager.default.isExecutableFile(atPath: candidate) {
            let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath()
            let usr = resolved.deletingLastPathComponent().deletingLastPathComponent().path
            if FileManager.default.fileExists(atPath: "\(usr)/lib/swift/linux") { return usr }
        }
    }
    return "/opt/swift/usr"
}

@Suite struct AgreementTests {
    @Test func agreesWithSwiftDemangleOnToolchainLibraries() throws {
        let usr = toolchainUsr()
        let libDir = "\(usr)/lib/swift/linux"
        let libraries = try FileManager.default.contentsOfDirectory(atPath: libDir)
            .filter { $0.hasSuffix(".so") }
            .sorted()
        #expect(libraries.count >= 5)
        let nm = FileManager.default.isExecutableFile(atPath: "/usr/bin/nm") ? "/usr/bin/nm" : "\(usr)/bin/llvm-nm"
        var symbols = Set<String>()
        for library in libraries {
            for arguments in [["-a", "\(libDir)/\(library)"], ["-D", "\(libDir)/\(library)"]] {
                let text = String(decoding: try runTool(nm, arguments), as: UTF8.self)
                for line in text.split(separator: "\n") {
                    guard let name = line.split(separator: " ").last else { continue }
                    if name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S") || name.hasPrefix("_T0") {
                        symbols.insert(String(name))
                    }
                }
            }
        }
        let sorted = symbols.sorted()
        #expect(sorted.count > 100_000)
        let input = Data((sorted.joined(separator: "\n") + "\n").utf8)
        let reference = String(decoding: try runTool("\(usr)/bin/swift-demangle", ["--simplified"], input: input),
                               as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        try #require(reference.count >= sorted.count)

        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 1)
        defer { output.deallocate() }
        var same = 0
        var differences: [String] = []
        var deepest = (bytes: 0, symbol: "")
        for (index, symbol) in sorted.enumerated() {
            var name = symbol
            let ours = name.withUTF8 { utf8 -> String in
                var stack = StackGuard(limit: 0)
                let entry = StackGuard.currentAddress()
                let result = SwiftDemangler.demangle(UnsafeRawBufferPointer(utf8), into: output, workspace: workspace,
                                                     stack: &stack)
                if stack.lowest != UInt.max, Int(entry) - Int(stack.lowest) > deepest.bytes {
                    deepest = (Int(entry) - Int(stack.lowest), symbol)
                }
                switch result {
                case .demangled(let length), .truncated(let length):
                    return String(decoding: UnsafeRawBufferPointer(rebasing: output[0..<length]), as: UTF8.self)
                case .notDemangled:
                    return symbol
                }
            }
            if ours == reference[index] {
                same += 1
            } else if differences.count < 50 {
                differences.append("\(symbol)\n  reference: \(reference[index])\n  ours:      \(ours)")
            }
        }
        let rate = Double(same) / Double(sorted.count) * 100
        print("demangler agreement: \(same)/\(sorted.count) = \(String(format: "%.4f", rate)) %")
        for difference in differences { print(difference) }
        // Stack measured at the recursion checks (the frames of the helpers below the last check are not included).
        print("deepest stack use: \(deepest.bytes) bytes at the checks for \(deepest.symbol)")
        #expect(rate >= 99.9, "agreement \(rate) % is below 99.9 %")
    }
}
