// Crash-to-dump latency: our handler vs Swift's runtime backtracer vs no reporter, on the same fixture binary,
// interleaved in the same run. Prints a Markdown table (scripts/compare.sh adds the machine description).
//
//   CrashLatency --fixture PATH [--runs N] [--threads N] [--settle-ms N]
//
// Each scenario runs the fixture `runs` times per reporter, reporters interleaved (ours, Swift's, none, ours, …),
// so drift on a shared machine touches all three alike. Every run is checked: it must die by SIGSEGV, and its
// standard error must hold the reporter's dump of the 20-frame crashing stack (or nothing, without reporter).

#if canImport(Glibc)
import Glibc
#endif

/// Who reports the crash.
enum Reporter: CaseIterable {
    case ours, swiftRuntime, none

    var label: String {
        switch self {
        case .ours: return "swift-faulthandler"
        case .swiftRuntime: return "Swift runtime backtracer"
        case .none: return "no reporter"
        }
    }

    /// The fixture's first argument.
    var fixtureMode: String { self == .ours ? "ours" : "none" }

    /// SWIFT_BACKTRACE for the run: the runtime's reporter is on (its default on Linux) except without reporter.
    /// With ours it is installed at startup and then replaced by `enable()`, as in any program that enables it.
    var swiftBacktrace: String { self == .none ? "enable=no" : "enable=yes" }

    /// Why a run's output is wrong for this reporter, or nil.
    func problem(with output: String, signal: CInt?) -> String? {
        guard signal == SIGSEGV else { return "ended by \(signal.map { "signal \($0)" } ?? "exit") instead of SIGSEGV" }
        let ourHeader = output.contains("(most recent call first):")
        let theirHeader = output.contains("Program crashed")
        switch self {
        case .ours:
            if !ourHeader || theirHeader { return "no swift-faulthandler dump (or also a runtime one)" }
        case .swiftRuntime:
            if !theirHeader || ourHeader { return "no runtime backtrace (or also a swift-faulthandler one)" }
        case .none:
            if ourHeader || theirHeader { return "a dump although no reporter was enabled" }
        }
        if self != .none && descendFrames(output) < 19 { return "fewer than 19 descend(_:) frames" }
        return nil
    }
}

/// Frames of the fixture's recursion that a dump shows.
func descendFrames(_ output: String) -> Int {
    output.split(separator: "\n").count { $0.contains("descend(") }
}

/// A crash situation to measure.
struct Scenario {
    let label: String
    let threads: Int
    let settleMilliseconds: Int
}

/// Measurements of one reporter in one scenario.
struct Series {
    var startToExit: [UInt64] = []
    var faultToExit: [UInt64] = []
    var cpu: [UInt64] = []
    var outputBytes: [UInt64] = []
    var frames: [UInt64] = []
    var failures: [String] = []
}

/// Command-line options.
struct Options {
    var fixture = ""
    var runs = 30
    var threads = 100
    var settleMilliseconds = 0

    init(_ arguments: ArraySlice<String>) {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { Options.usage("missing value for \(flag)") }
            switch flag {
            case "--fixture": fixture = value
            case "--runs": runs = Int(value) ?? 0
            case "--threads": threads = Int(value) ?? -1
            case "--settle-ms": settleMilliseconds = Int(value) ?? -1
            default: Options.usage("unknown option \(flag)")
            }
        }
        if fixture.isEmpty || runs < 1 || threads < 0 || settleMilliseconds < 0 { Options.usage("bad options") }
    }

    static func usage(_ problem: String) -> Never {
        let text = "CrashLatency: \(problem)\n"
            + "usage: CrashLatency --fixture PATH [--runs N] [--threads N] [--settle-ms N]\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
}

let options = Options(CommandLine.arguments.dropFirst())
var scenarios = [Scenario(label: "crash at once", threads: 0, settleMilliseconds: 0)]
if options.threads > 0 {
    scenarios.append(Scenario(label: "\(options.threads) threads alive", threads: options.threads, settleMilliseconds: 0))
}
if options.settleMilliseconds > 0 {
    scenarios.append(Scenario(
        label: "crash \(options.settleMilliseconds) ms after start", threads: 0,
        settleMilliseconds: options.settleMilliseconds))
}

let baseEnvironment = environmentWithout("SWIFT_BACKTRACE")
let errorPath = "/tmp/crash-latency-\(getpid()).stderr"
defer { unlink(errorPath) }

print("| scenario | reporter | start → exit, median (ms) | p90 | fault → exit, median (ms) | p90 | CPU, median (ms) | dump (bytes) | recursion frames shown |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
var ratios: [String] = []
var failures = 0
for scenario in scenarios {
    var series = [Reporter: Series]()
    for _ in 0..<options.runs {
        for reporter in Reporter.allCases {
            let run = runChild(
                [options.fixture, reporter.fixtureMode, "\(scenario.threads)", "\(scenario.settleMilliseconds)"],
                environment: baseEnvironment + ["SWIFT_BACKTRACE=\(reporter.swiftBacktrace)"],
                errorPath: errorPath
            )
            var entry = series[reporter, default: Series()]
            if let problem = reporter.problem(with: run.standardError, signal: run.signal) {
                entry.failures.append(problem)
                if entry.failures.count == 1 {
                    let report = "\(scenario.label), \(reporter.label): \(problem)\n\(run.standardError.prefix(2000))\n"
                    _ = report.withCString { write(2, $0, strlen($0)) }
                }
            }
            entry.startToExit.append(run.startToExit)
            if let dump = run.faultToExit { entry.faultToExit.append(dump) }
            entry.cpu.append(run.cpu)
            entry.outputBytes.append(UInt64(run.standardError.utf8.count))
            entry.frames.append(UInt64(descendFrames(run.standardError)))
            series[reporter] = entry
        }
    }
    for reporter in Reporter.allCases {
        let entry = series[reporter]!
        failures += entry.failures.count
        let total = Samples(entry.startToExit), dump = Samples(entry.faultToExit)
        let cells = [
            scenario.label, reporter.label,
            milliseconds(total.median), milliseconds(Double(total.percentile(90))),
            milliseconds(dump.median), milliseconds(Double(dump.percentile(90))),
            milliseconds(Samples(entry.cpu).median),
            "\(Int(Samples(entry.outputBytes).median))", "\(Int(Samples(entry.frames).median))",
        ]
        print("| " + cells.joined(separator: " | ") + " |")
    }
    let ours = series[.ours]!, theirs = series[.swiftRuntime]!, neither = series[.none]!
    let oursDump = Samples(ours.faultToExit).median, theirsDump = Samples(theirs.faultToExit).median
    let baseDump = Samples(neither.faultToExit).median
    ratios.append(
        "- \(scenario.label): start → exit \(ratio(Samples(theirs.startToExit).median, Samples(ours.startToExit).median))"
            + " slower with Swift's backtracer; fault → exit \(ratio(theirsDump, oursDump));"
            + " fault → exit minus the no-reporter baseline \(ratio(theirsDump - baseDump, oursDump - baseDump))"
            + " (\(milliseconds(theirsDump - baseDump)) ms vs \(milliseconds(oursDump - baseDump)) ms)"
    )
}
print("")
print("\(options.runs) runs per reporter and scenario, interleaved. Ratios are Swift's runtime backtracer over swift-faulthandler (medians):")
print(ratios.joined(separator: "\n"))
if failures > 0 {
    print("\n**\(failures) runs failed their output check (details on standard error).**")
    exit(1)
}

/// This process's environment without `name`.
func environmentWithout(_ name: String) -> [String] {
    var result: [String] = []
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if !text.hasPrefix(name + "=") { result.append(text) }
        entry += 1
    }
    return result
}
