// Runs a program in a child process with a timeout and collects how it ended, what it printed and how long it
// took.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended and what it wrote.
struct ChildResult: CustomStringConvertible, Sendable {
    /// The signal that killed it, or nil if it exited.
    var signal: CInt?
    /// The exit status, or nil if a signal killed it.
    var exitStatus: CInt?
    var standardOutput: String
    var standardError: String
    /// Wall-clock seconds from start to exit.
    var seconds: Double
    /// Whether the timeout expired and the child was killed with SIGKILL.
    var timedOut: Bool

    var description: String {
        "signal: \(signal.map(String.init) ?? "none"), exit: \(exitStatus.map(String.init) ?? "none"), "
            + "\(String(format: "%.2f", seconds)) s\(timedOut ? " (timed out)" : "")\n"
            + "--- stdout\n\(standardOutput)--- stderr\n\(standardError)---"
    }
}

enum ChildProcess {
    /// The directory holding the test bundle and the package's other products (.build/<config>/).
    static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The package's root directory (this file is Tests/IntegrationTests/ChildProcess.swift).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Path of an executable product built with the tests.
    static func product(_ name: String) -> String {
        productsDirectory.appendingPathComponent(name).path
    }

    /// The first executable called `name` on PATH (or in the extra directories), or nil.
    static func findTool(_ name: String, extraDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in extraDirectories + path.split(separator: ":").map(String.init) {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, waiting at most `timeout` seconds (then the child is killed with
    /// SIGKILL and the result says so). `environment` is added to this process's environment; Swift's own crash
    /// reporter is always turned off (it would take signals the tests expect to kill the child).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        workingDirectory: String? = nil, timeout: Double = 60
    ) throws -> ChildResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["SWIFT_BACKTRACE"] = "enable=no"
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try withEmptySignalMask { try process.run() }
        // Drain both pipes concurrently so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = error.fileHandleForReading.readDataToEndOfFile() }
        let deadline = start.addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() >= deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        group.wait()
        let text = { (data: Data) in String(decoding: data, as: UTF8.self) }
        let bySignal = process.terminationReason == .uncaughtSignal
        return ChildResult(
            signal: bySignal ? process.terminationStatus : nil, exitStatus: bySignal ? nil : process.terminationStatus,
            standardOutput: text(outData), standardError: text(errData), seconds: seconds, timedOut: timedOut)
    }

    /// Runs `body` with no signal blocked on the calling thread, then restores the thread's mask.
    ///
    /// A child inherits the signal mask of the thread that spawns it, and the test runner's worker threads block
    /// almost every signal (all but the synchronous ones). A child started from one would run with SIGCHLD,
    /// SIGPIPE, SIGXFSZ, SIGTERM and the user signals blocked: gdb then never sees its inferior stop, and a
    /// fixture never dies of SIGPIPE. Programs normally start with an empty mask; so do these children.
    static func withEmptySignalMask<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// A fresh path in the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.path
        return "\(directory)/faulthandler-it-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
    }
}
