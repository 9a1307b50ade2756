// Aggregation of the probe runs and the Markdown tables.

#if canImport(Glibc)
import Glibc
#endif

/// What a crash run's dump showed.
struct CrashRun {
    /// From the fault to the process's end, in nanoseconds.
    var faultToExit: UInt64?
    /// `  File` lines of the crashing thread (the other threads, such as the preparing one, are not counted).
    var frames = 0
    /// Of those, frames with a file:line.
    var framesWithLine = 0
    /// Frames naming the recursion (`plainRecursion`), i.e. frames symbolised with the executable's symbols.
    var recursionFrames = 0
    /// Whether the process died by SIGSEGV, as it would have without the handler.
    var diedBySegmentationFault = false

    init(_ run: ChildResult) {
        faultToExit = run.faultToExit
        diedBySegmentationFault = run.signal == SIGSEGV
        // The crashing thread's section: from "Current thread" to the first blank line.
        let section = run.standardError.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("Current thread") }.prefix { !$0.isEmpty }
        let lines = section.filter { $0.hasPrefix("  File ") }
        frames = lines.count
        framesWithLine = lines.count { $0.contains("\", line ") }
        recursionFrames = lines.count { $0.contains("plainRecursion") }
    }
}

/// Every run of one probe.
struct ProbeResults {
    var enableRuns: [[String: Double]] = []
    var measureRuns: [[String: Double]] = []
    var crashRuns: [CrashRun] = []

    /// The values of `key` over the measure runs.
    func measured(_ key: String) -> [Double] { measureRuns.compactMap { $0[key] } }
}

/// The `fraction` percentile (nearest rank) of `values`, or nil when empty.
func percentile(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// `value` with `digits` decimals, or "–".
func format(_ value: Double?, _ digits: Int = 1) -> String {
    guard let value else { return "–" }
    var text = ""
    let scale = pow(10.0, Double(digits))
    let rounded = (value * scale).rounded() / scale
    text = digits == 0 ? "\(Int(rounded))" : "\(rounded)"
    if digits > 0, let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

func printReport(options: Options, results: [String: ProbeResults]) {
    let labels = options.probes.map(\.label)

    print("#### enable() and symbol preparation")
    print()
    print("| binary | generated C functions | enable() on the caller, p50 (ms) | p99 | max | mallocs in enable() | "
          + "background preparation, median (s) | max | RSS before enable() (MiB) | RSS added, anonymous (MiB) | "
          + "RSS added, file-backed (MiB) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in labels {
        let probe = results[label]!
        let enable = probe.enableRuns.compactMap { $0["enable_ns"] }.map { $0 / 1e6 }
        let mallocs = probe.enableRuns.compactMap { $0["enable_allocations"] }
        let preparation = probe.measured("preparation_ns").map { $0 / 1e9 }
        func mebibytes(_ key: String) -> [Double] { probe.measured(key).map { $0 / 1024 } }
        let before = zip(mebibytes("rss_before_anon_kib"), mebibytes("rss_before_file_kib")).map { $0 + $1 }
        let anonymous = zip(mebibytes("rss_after_anon_kib"), mebibytes("rss_before_anon_kib")).map { $0 - $1 }
        let file = zip(mebibytes("rss_after_file_kib"), mebibytes("rss_before_file_kib")).map { $0 - $1 }
        let generated = probe.measured("generated_c_functions").first
        print("| \(label) | \(format(generated, 0)) | \(format(percentile(enable, 0.5), 2)) | "
              + "\(format(percentile(enable, 0.99), 2)) | \(format(enable.max(), 2)) | "
              + "\(format(percentile(mallocs, 0.5), 0)) | \(format(percentile(preparation, 0.5), 2)) | "
              + "\(format(preparation.max(), 2)) | \(format(percentile(before, 0.5))) | "
              + "\(format(percentile(anonymous, 0.5))) | \(format(percentile(file, 0.5))) | "
              + "\(format(percentile(mebibytes("rss_peak_kib"), 0.5))) |")
    }
    print()
    print("\(options.enableRuns) processes per binary for enable() (each times its first call, then exits); "
          + "\(options.measureRuns) processes per binary for the rest (preparation ends when the "
          + "`faulthandler-sy` thread has exited; memory from /proc/self/status).")
    print()

    print("#### Dumps once prepared (calling thread, to /dev/null)")
    print()
    print("| binary | stack | frames (inlined) | with file:line | p50 per dump (µs) | p99 | per frame, p50 (µs) | "
          + "mallocs in all dumps |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for label in labels {
        let probe = results[label]!
        for (shape, frames) in [("plain", 20), ("plain", 100), ("inlined", 100)] {
            let key = "dump_\(shape)_\(frames)"
            let p50 = percentile(probe.measured("\(key)_p50_ns"), 0.5).map { $0 / 1000 }
            let p99 = percentile(probe.measured("\(key)_p99_ns"), 0.5).map { $0 / 1000 }
            let shown = probe.measured("\(key)_frames").first
            let inlined = probe.measured("\(key)_inlined").first
            let withLine = probe.measured("\(key)_with_line").first
            let samples = probe.measured("\(key)_samples").reduce(0, +)
            let mallocs = probe.measured("\(key)_allocations").reduce(0, +)
            print("| \(label) | \(shape) | \(format(shown, 0)) (\(format(inlined, 0))) | \(format(withLine, 0)) | "
                  + "\(format(p50)) | \(format(p99)) | \(format(p50.flatMap { s in shown.map { s / $0 } }, 2)) | "
                  + "\(format(mallocs, 0)) in \(format(samples, 0)) |")
        }
    }
    print()
    print("p50 and p99 within each process, median over processes. *plain*: one unoptimised recursion frame per level; "
          + "*inlined*: an optimised recursion whose every level is a frame plus an `[inlined]` frame.")
    for label in labels {
        let probe = results[label]!
        let twenty = percentile(probe.measured("dump_plain_20_p50_ns"), 0.5)
        let hundred = percentile(probe.measured("dump_plain_100_p50_ns"), 0.5)
        if let twenty, let hundred {
            print("Marginal cost per frame (\(label), (100 frames − 20 frames) / 80): "
                  + "\(format((hundred - twenty) / 80 / 1000, 2)) µs.")
        }
    }
    print()

    print("#### A crash right after enable(), while preparation is running")
    print()
    print("| binary | fault → exit, p50 (ms) | p90 | max | crashing thread's frames | with file:line (median) | "
          + "died by SIGSEGV |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in labels {
        let crashes = results[label]!.crashRuns
        let latency = crashes.compactMap(\.faultToExit).map { Double($0) / 1e6 }
        let withLine = crashes.map { Double($0.framesWithLine) }
        let frames = crashes.map { Double($0.frames) }
        print("| \(label) | \(format(percentile(latency, 0.5))) | \(format(percentile(latency, 0.9))) | "
              + "\(format(latency.max())) | \(format(percentile(frames, 0.5), 0)) | "
              + "\(format(percentile(withLine, 0.5), 0)) | \(crashes.count { $0.diedBySegmentationFault }) of \(crashes.count) |")
    }
    print()
    print("\(options.crashRuns) processes per binary: enable() to standard error, then at once a bad pointer store "
          + "under 20 frames. The fatal handler waits for the symbol tables and the executable's line table "
          + "(at most 5 s), then dumps.")
}
