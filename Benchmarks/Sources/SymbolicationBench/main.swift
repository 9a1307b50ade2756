// Runs the symbolication probes (SymbolicationProbe, LargeSymbolicationProbe) in many processes and prints the
// results as Markdown tables (scripts/large-binary-bench.sh).
//
//   SymbolicationBench --probe <label>=<path> [--probe …] [--enable-runs N] [--measure-runs N]
//                      [--crash-runs N] [--iterations N] [--work-dir DIR]
//
//   --enable-runs N    processes per probe that time a first enable() and exit (default 40)
//   --measure-runs N   processes per probe that wait for preparation, read memory and time dumps (default 3)
//   --crash-runs N     processes per probe that crash right after enable() (default 5)
//   --iterations N     dumps of 100 frames per measure process (3 × N of 20 frames; default 300)
//
// Runs of the probes are interleaved (small, large, small, …) so drift of the shared machine hits them alike.
// Exits non-zero when a probe fails, a crash does not die by SIGSEGV or prints no stack, or a dump allocates.

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var probes: [(label: String, path: String)] = []
    var enableRuns = 40
    var measureRuns = 3
    var crashRuns = 5
    var iterations = 300
    var workDirectory = "/tmp"
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let name = arguments.popFirst() {
        guard let value = arguments.popFirst() else { usage("missing value for \(name)") }
        switch name {
        case "--probe":
            let parts = value.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { usage("--probe wants <label>=<path>") }
            options.probes.append((String(parts[0]), String(parts[1])))
        case "--enable-runs": options.enableRuns = count(value)
        case "--measure-runs": options.measureRuns = count(value)
        case "--crash-runs": options.crashRuns = count(value)
        case "--iterations": options.iterations = count(value)
        case "--work-dir": options.workDirectory = value
        default: usage("unknown option \(name)")
        }
    }
    if options.probes.isEmpty { usage("no --probe given") }
    return options
}

func count(_ text: String) -> Int {
    guard let value = Int(text), value >= 0, value <= 100_000 else { usage("bad count \(text)") }
    return value
}

func usage(_ message: String) -> Never {
    writeError(message)
    exit(2)
}

/// Writes a line to standard error.
func writeError(_ message: String) {
    let text = "SymbolicationBench: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

nonisolated(unsafe) var failures = 0

/// Reports a failed check (the run goes on; the exit status says it failed).
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        failures += 1
        writeError(message())
    }
}

let options = parseOptions()
let errorPath = "\(options.workDirectory)/symbolication-bench-stderr-\(getpid()).txt"
defer { unlink(errorPath) }
var results = [String: ProbeResults]()
for probe in options.probes { results[probe.label] = ProbeResults() }

func progress(_ text: String) {
    writeError(text)
}

progress("\(options.enableRuns) enable runs per probe")
for _ in 0..<options.enableRuns {
    for probe in options.probes {
        let run = runProbe([probe.path, "enable"], deadlineSeconds: 60, errorPath: errorPath)
        let values = run.values
        check(run.exitStatus == 0 && values["enable_ns"] != nil, "\(probe.label) enable run failed: \(run.standardError)")
        results[probe.label]!.enableRuns.append(values)
    }
}

for index in 0..<options.measureRuns {
    for probe in options.probes {
        progress("measure run \(index + 1)/\(options.measureRuns): \(probe.label)")
        let run = runProbe([probe.path, "measure", "\(options.iterations)"], deadlineSeconds: 900, errorPath: errorPath)
        let values = run.values
        check(run.exitStatus == 0 && values["preparation_ns"] != nil,
              "\(probe.label) measure run failed (status \(run.exitStatus)): \(run.standardError.prefix(4000))")
        for key in values.keys where key.hasSuffix("_allocations") && key.hasPrefix("dump_") {
            check(values[key] == 0, "\(probe.label): \(key) = \(values[key]!), expected 0")
        }
        results[probe.label]!.measureRuns.append(values)
    }
}

for index in 0..<options.crashRuns {
    for probe in options.probes {
        progress("crash run \(index + 1)/\(options.crashRuns): \(probe.label)")
        let run = runProbe([probe.path, "crash", "20"], deadlineSeconds: 60, errorPath: errorPath)
        let crash = CrashRun(run)
        check(run.signal == SIGSEGV, "\(probe.label) crash run: signal \(run.signal.map(String.init) ?? "none")")
        check(crash.frames > 0 && crash.recursionFrames >= 20,
              "\(probe.label) crash run: no full stack in the dump:\n\(run.standardError.prefix(4000))")
        results[probe.label]!.crashRuns.append(crash)
    }
}

printReport(options: options, results: results)
exit(failures == 0 ? 0 : 1)
