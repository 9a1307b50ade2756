// Enabling the handlers from the environment, before main: SWIFT_FAULTHANDLER.

import FaultCore

#if canImport(Glibc)
import Glibc
#endif

/// The settings SWIFT_FAULTHANDLER asks for. See `docs/threads.md` ("Enabling from the environment").
///
/// The value is a comma-separated list. `1` (or any list) enables the fatal-signal handlers; empty or `0`
/// leaves everything off. Items:
///
/// | item | meaning |
/// |---|---|
/// | `1` | enable with the defaults (also `yes`, `true`, `on`) |
/// | `all_threads=0` / `all_threads=1` | dump only the faulting thread / every thread (default 1) |
/// | `chain` / `chain=1` | call the previously installed handler after a dump |
/// | `max_threads=N` | at most N thread blocks per dump (default 100) |
/// | `output=PATH` | append dumps to PATH instead of standard error (`output=stderr` for the default) |
/// | `fd=N` | write dumps to the inherited descriptor N |
/// | `timeout=SECONDS` | also dump every thread after SECONDS (decimal, e.g. `30` or `2.5`), as `dumpTracebackLater` |
/// | `repeat` / `repeat=1` | with `timeout`: dump again every SECONDS |
/// | `exit` / `exit=1` | with `timeout`: `_exit(1)` after the dump |
/// | `signal=NAME` | also dump on this signal, as `register` (`USR1`, `SIGUSR2`, `QUIT`, `RTMIN+2`, `10`); may repeat |
///
/// Unknown items and bad values are reported in one warning line on standard error and otherwise ignored.
struct StartupOptions: Equatable {
    var allThreads = true
    var chain = false
    var maxThreads = FaultHandler.defaultMaxThreads
    var output: FaultHandler.Output = .standardError
    var timeout: Duration?
    var repeating = false
    var exit = false
    var signals: [FaultHandler.Signal] = []
    /// Items that were not understood, as written.
    var problems: [String] = []

    /// Parses the value of SWIFT_FAULTHANDLER; nil when it means "off" (empty or `0`).
    init?(parsing value: String) {
        let trimmed = value.trimmingSpaces
        if trimmed.isEmpty || trimmed == "0" { return nil }
        for rawItem in trimmed.split(separator: ",") {
            let item = String(rawItem).trimmingSpaces
            if item.isEmpty { continue }
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            let key = parts[0].lowercased()
            let argument = parts.count > 1 ? parts[1] : nil
            if !apply(key: key, argument: argument) { problems.append(item) }
        }
    }

    /// Applies one item; false when it is unknown or its value is invalid.
    private mutating func apply(key: String, argument: String?) -> Bool {
        switch key {
        case "1", "yes", "true", "on":
            return argument == nil
        case "all_threads":
            guard let flag = Self.flag(argument) else { return false }
            allThreads = flag
        case "chain":
            guard let flag = Self.flag(argument) else { return false }
            chain = flag
        case "repeat":
            guard let flag = Self.flag(argument) else { return false }
            repeating = flag
        case "exit":
            guard let flag = Self.flag(argument) else { return false }
            exit = flag
        case "max_threads":
            guard let text = argument, let count = Int(text), count >= 1, count <= 10_000 else { return false }
            maxThreads = count
        case "output":
            guard let path = argument, !path.isEmpty else { return false }
            output = path == "stderr" ? .standardError : .file(path: path)
        case "fd":
            guard let text = argument, let fd = CInt(text), fd >= 0 else { return false }
            output = fd == 2 ? .standardError : .fileDescriptor(fd)
        case "timeout":
            guard let text = argument, let seconds = Double(text), seconds.isFinite, seconds > 0,
                  seconds <= 365 * 24 * 3600 else { return false }
            timeout = .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
        case "signal":
            guard let name = argument, let signal = FaultHandler.Signal(name: name),
                  UserSignalHandler.refusal(for: signal.rawValue) == nil else { return false }
            signals.append(signal)
        default:
            return false
        }
        return true
    }

    /// `nil` argument (a bare key) means true; `1`/`0`, `yes`/`no`, `true`/`false`, `on`/`off`.
    private static func flag(_ argument: String?) -> Bool? {
        guard let argument else { return true }
        switch argument.lowercased() {
        case "1", "yes", "true", "on": return true
        case "0", "no", "false", "off": return false
        default: return nil
        }
    }
}

extension FaultHandler {
    /// Applies SWIFT_FAULTHANDLER's options: enables the fatal handlers, arms the watchdog and registers
    /// signals as asked. Every problem is reported in one line on standard error, never as a crash.
    static func enableFromEnvironment(_ value: String) {
        guard let options = StartupOptions(parsing: value) else { return }
        var problems = options.problems.map { "ignored '\($0)'" }
        do {
            try enable(
                output: options.output, allThreads: options.allThreads, chain: options.chain,
                maxThreads: options.maxThreads)
        } catch {
            problems.append("enable failed: \(error)")
        }
        if let timeout = options.timeout {
            do {
                try dumpTracebackLater(
                    after: timeout, repeating: options.repeating, output: options.output, exit: options.exit,
                    maxThreads: options.maxThreads)
            } catch {
                problems.append("timeout failed: \(error)")
            }
        }
        for signal in options.signals {
            do {
                try register(signal, output: options.output, allThreads: options.allThreads, maxThreads: options.maxThreads)
            } catch {
                problems.append("signal failed: \(error)")
            }
        }
        if !problems.isEmpty {
            let line = "swift-faulthandler: SWIFT_FAULTHANDLER: " + problems.joined(separator: "; ") + "\n"
            _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
        }
    }
}

/// Called before main by the constructor in CFaultHandlerSupport when SWIFT_FAULTHANDLER is set (not empty,
/// not `0`) and the process is not running with elevated privileges.
@_cdecl("swift_faulthandler_startup")
func swiftFaultHandlerStartup(_ options: UnsafePointer<CChar>?) {
    guard let options else { return }
    FaultHandler.enableFromEnvironment(String(cString: options))
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
