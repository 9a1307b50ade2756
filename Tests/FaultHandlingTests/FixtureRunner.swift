// Runs the CrashFixture executable in a child process and collects how it ended and what it printed.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended and what it wrote.
struct ChildResult: CustomStringConvertible {
    /// The signal that killed it, or nil if it exited.
    var signal: CInt?
    /// The exit status, or nil if a signal killed it.
    var exitStatus: CInt?
    var standardOutput: String
    var standardError: String

    var description: String {
        "signal: \(signal.map(String.init) ?? "none"), exit: \(exitStatus.map(String.init) ?? "none")\n"
            + "--- stdout\n\(standardOutput)--- stderr\n\(standardError)---"
    }

    /// Lines of standard error.
    var errorLines: [String] { standardError.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
}

enum FixtureRunner {
    /// The directory holding the test bundle and the package's other products (.build/<config>/).
    static var productsDirectory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }

    /// Path of the CrashFixture executable built with the tests.
    static var fixturePath: String {
        productsDirectory.appendingPathComponent("CrashFixture").path
    }

    /// Runs `executable` (the crash fixture by default) with `arguments`, waiting at most `timeout` seconds
    /// (then the child is killed with SIGKILL and the result says so).
    static func run(
        _ arguments: [String], executable: String = fixturePath, environment: [String: String] = [:],
        timeout: Double = 60
    ) throws -> ChildResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes concurrently so a large dump cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = error.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        let text = { (data: Data) in String(decoding: data, as: UTF8.self) }
        switch process.terminationReason {
        case .uncaughtSignal:
            return ChildResult(signal: process.terminationStatus, exitStatus: nil, standardOutput: text(outData), standardError: text(errData))
        default:
            return ChildResult(signal: nil, exitStatus: process.terminationStatus, standardOutput: text(outData), standardError: text(errData))
        }
    }

    /// A fresh path in the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.path
        return "\(directory)/faulthandler-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
    }
}

/// Checks on dump text.
enum DumpText {
    /// The frame lines (two-space indent, `File …`) of the first thread block in `text`.
    static func frameLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasSuffix("(most recent call first):") }) else { return [] }
        var frames: [String] = []
        for line in lines[(header + 1)...] {
            guard line.hasPrefix("  ") else { break }
            frames.append(line)
        }
        return frames
    }

    /// True when `names` appear in `frames`, in this order, each in a different frame line ("in NAME").
    static func containsInOrder(_ frames: [String], _ names: [String]) -> Bool {
        var index = frames.startIndex
        for name in names {
            guard let found = frames[index...].firstIndex(where: { $0.contains(" in \(name)") }) else { return false }
            index = found + 1
        }
        return true
    }
}
