// Helpers shared by the benchmarks: a stack of known depth, a sink descriptor, dump parsing and memory readings.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// Metrics every dump benchmark reports. `instructions` comes from perf events and is left out where the kernel
/// refuses them (containers and many virtual machines), since the harness would then report nothing useful.
var dumpMetrics: [BenchmarkMetric] {
    var metrics: [BenchmarkMetric] = [.wallClock, .throughput, .cpuTotal, .mallocCountTotal, .syscalls]
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

/// Runs `body` with a descriptor of an unlinked temporary file, then returns what was written to it.
func capturedText(_ body: (CInt) throws -> Void) rethrows -> String {
    var template = Array("/tmp/faulthandler-benchmark-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0, "mkstemp failed")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    defer { close(fd) }
    try body(fd)
    let size = Int(lseek(fd, 0, SEEK_END))
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
    return String(decoding: bytes.prefix(max(read, 0)), as: UTF8.self)
}

/// The depth to pass to `onStack` from a given call site so that a dump there shows `frames` frames.
///
/// Dumps once at depth 0 to count the frames the harness contributes, and returns the difference (the
/// harness's own frames differ between benchmark processes, so this is measured in each one).
///
/// - Signal safety: unsafe. Call outside signal handlers only.
@inline(never)
func calibratedDepth(forFrames frames: Int) throws -> Int {
    // `onStack(0)` from here has the same frames below it as `onStack(n)` called by the benchmark body, plus
    // this function's frame instead of the body's closure frame.
    var base = 0
    let text = try capturedText { fd in
        _ = try onStack(0) { try FaultHandler.dumpTraceback(output: .fileDescriptor(fd), allThreads: false) }
    }
    base = frameLineCount(text)
    precondition(base > 0, "calibration dump has no frames:\n\(text)")
    return max(0, frames - base)
}

/// Pages of resident memory, from /proc/self/statm.
func residentPages() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 128) }
    guard count > 0 else { return 0 }
    let fields = String(decoding: buffer.prefix(count), as: UTF8.self).split(separator: " ")
    return fields.count > 1 ? Int(fields[1]) ?? 0 : 0
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
