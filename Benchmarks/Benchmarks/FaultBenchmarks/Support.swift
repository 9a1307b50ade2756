// Helpers shared by the benchmarks: a stack of known depth, a sink descriptor, dump parsing and memory readings.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// Metrics every dump benchmark reports. `instructions` comes from perf events and is left out where the kernel
/// refuses them (containers and many virtual machines), since the harness would then report nothing useful.
/// CPU time is left out too: it is sampled by a harness thread that allocates (which the process-wide malloc
/// counter would see) and its 10 ms resolution says nothing about microsecond iterations.
var dumpMetrics: [BenchmarkMetric] {
    var metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    if PerfCounters.instructionsAvailable { metrics.append(.instructions) }
    return metrics
}

/// A descriptor open for writing on /dev/null, for dumps whose text is not wanted.
///
/// - Signal safety: unsafe. Call outside signal handlers only.
func openDevNull() -> CInt {
    let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
    precondition(fd >= 0, "cannot open /dev/null")
    return fd
}

/// Calls `body` with `depth` more frames of this function on the stack than `onStack(0, body)` has.
///
/// Neither inlined nor turned into a loop (unoptimized: the optimizer turns `f(n - 1) + 1` into a loop).
///
/// - Signal safety: unsafe. Call outside signal handlers only.
@inline(never) @_optimize(none)
func onStack(_ depth: Int, _ body: () throws -> Void) rethrows -> Int {
    if depth <= 0 {
        try body()
        return 0
    }
    let below = try onStack(depth - 1, body)
    return below &+ 1
}

/// Counts the frame lines (`  File …`) of a dump.
func frameLineCount(_ text: String) -> Int {
    text.split(separator: "\n", omittingEmptySubsequences: true).count { $0.hasPrefix("  File ") }
}

/// A new temporary file, already unlinked, open for reading and writing.
func openTemporaryFile() -> CInt {
    var template = Array("/tmp/faulthandler-benchmark-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0, "mkstemp failed")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}

/// Returns what was written to `fd` (a regular file) and empties it.
func takeText(_ fd: CInt) -> String {
    let size = Int(lseek(fd, 0, SEEK_END))
    var bytes = [UInt8](repeating: 0, count: max(size, 0))
    let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    _ = ftruncate(fd, 0)
    _ = lseek(fd, 0, SEEK_SET)
    return String(decoding: bytes.prefix(max(read, 0)), as: UTF8.self)
}

/// A numeric field of /proc/self/status (`Threads`, `RssAnon`, `RssFile`, … in their unit: count or KiB), or 0.
func processStatus(_ field: String) -> Int {
    let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 8192)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    for line in String(decoding: buffer.prefix(count), as: UTF8.self).split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == field else { continue }
        return Int(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
    return 0
}

/// Runs `prepare` (an `enable()` or a dump) and waits until the symbol-preparation thread it may start has
/// finished, so later measurements see neither its CPU use nor its allocations (the harness counts mallocs of
/// the whole process). The thread is recognised by the thread count going back to what it was; waits 30 s at
/// most. Returns the nanoseconds waited.
///
/// - Signal safety: unsafe. Call outside signal handlers only.
@discardableResult
func settlingBackgroundPreparation(_ prepare: () throws -> Void) rethrows -> UInt64 {
    let threadsBefore = processStatus("Threads")
    try prepare()
    let start = MonotonicClock.now()
    for _ in 0..<30_000 {
        if processStatus("Threads") <= threadsBefore { break }
        usleep(1000)
    }
    return MonotonicClock.now() - start
}

/// The CLOCK_MONOTONIC time in nanoseconds.
enum MonotonicClock {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// Whether hardware performance counters exist here, so the harness can count retired instructions.
///
/// Virtual machines without a virtual PMU (and most containers) have no `cpu` event source; perf then answers
/// "not supported" and the harness would report nothing useful for `instructions`.
enum PerfCounters {
    static let instructionsAvailable: Bool = {
        let sources = ["cpu", "cpu_core", "cpu_atom"]
        return sources.contains { access("/sys/bus/event_source/devices/\($0)", F_OK) == 0 }
    }()
}
