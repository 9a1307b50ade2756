// Cost of enabling and disabling the fatal-signal handlers, and the memory enabling adds.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// Custom metrics of the lifecycle benchmarks.
enum LifecycleMetrics {
    /// Resident memory added by the first `enable()` once symbol preparation has finished, in KiB.
    static var residentKiB: BenchmarkMetric {
        .custom("RSS added by enable (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
    }
}

/// `enable()`: the first call in a process (which prepares the image table, dump workspaces and the main
/// executable's symbols, and starts preparing the libraries' symbols in the background), and the steady-state
/// `enable()` + `disable()` pair (re-arming: nothing left to prepare).
///
/// The first-call benchmark measures one call per process; the harness runs each benchmark in its own process, and
/// `--iterations`-style repetition of a first call is what the crash-latency comparison (scripts/compare.sh) does.
func registerLifecycleBenchmarks() {
    Benchmark(
        "enable, first call in the process",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResidentDelta, LifecycleMetrics.residentKiB],
            warmupIterations: 0,
            maxIterations: 1
        )
    ) { benchmark in
        let pageKiB = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        let before = residentPages()
        benchmark.startMeasurement()
        do {
            try FaultHandler.enable(output: .standardError)
        } catch {
            benchmark.error("enable failed: \(error)")
        }
        benchmark.stopMeasurement()
        // A dump waits for background symbol preparation; after it, everything enable() will ever add is there.
        let sink = openDevNull()
        defer { close(sink) }
        try? FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: false)
        let after = residentPages()
        benchmark.measurement(LifecycleMetrics.residentKiB, (after - before) * pageKiB)
        FaultHandler.disable()
    }

    Benchmark(
        "enable + disable, steady state",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal, .syscalls],
            warmupIterations: 10,
            maxDuration: .seconds(3),
            maxIterations: 20_000,
            setup: {
                try FaultHandler.enable()
                let sink = openDevNull()
                try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: false)
                close(sink)
                FaultHandler.disable()
            }
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                try FaultHandler.enable()
            } catch {
                benchmark.error("enable failed: \(error)")
            }
            blackHole(FaultHandler.disable())
        }
    }
}
