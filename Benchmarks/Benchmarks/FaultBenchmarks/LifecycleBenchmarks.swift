// Cost of enabling and disabling the fatal-signal handlers, and the memory enabling adds.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// Custom metrics of the first-enable benchmark (single values, not scaled).
enum LifecycleMetrics {
    /// Private (anonymous) resident memory added by the first `enable()` once symbol preparation has finished.
    static var anonymousKiB: BenchmarkMetric {
        .custom("RSS added, anonymous (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
    }
    /// File-backed resident memory added (mapped ELF and debug files; shared with the page cache).
    static var fileKiB: BenchmarkMetric {
        .custom("RSS added, file-backed (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
    }
    /// From `enable()` returning until the background symbol-preparation thread has finished.
    static var backgroundMilliseconds: BenchmarkMetric {
        .custom("background preparation (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    }
}

/// `enable()`: the first call in a process (which prepares the image table, the dump workspaces and the main
/// executable's symbols, and starts preparing the libraries' symbols and line tables on a background thread),
/// and the steady-state `enable()` + `disable()` pair (re-arming, with nothing left to prepare).
///
/// The harness runs each benchmark in a process of its own, so the first-call benchmark measures one real first
/// call (one sample per run). Its wall clock is the time the caller waits; the background work is reported apart.
func registerLifecycleBenchmarks() {
    Benchmark(
        "enable, first call in the process",
        configuration: .init(
            metrics: [
                .wallClock, .mallocCountTotal, LifecycleMetrics.backgroundMilliseconds,
                LifecycleMetrics.anonymousKiB, LifecycleMetrics.fileKiB,
            ],
            warmupIterations: 0,
            maxIterations: 1
        )
    ) { benchmark in
        let anonymousBefore = processStatus("RssAnon"), fileBefore = processStatus("RssFile")
        var waited: UInt64 = 0
        benchmark.startMeasurement()
        waited = settlingBackgroundPreparation {
            do {
                try FaultHandler.enable(output: .standardError)
            } catch {
                benchmark.error("enable failed: \(error)")
            }
            benchmark.stopMeasurement()
        }
        benchmark.measurement(LifecycleMetrics.backgroundMilliseconds, Int(waited / 1_000_000))
        benchmark.measurement(LifecycleMetrics.anonymousKiB, processStatus("RssAnon") - anonymousBefore)
        benchmark.measurement(LifecycleMetrics.fileKiB, processStatus("RssFile") - fileBefore)
        FaultHandler.disable()
    }

    Benchmark(
        "enable + disable, steady state",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            warmupIterations: 10,
            maxDuration: .seconds(3),
            maxIterations: 20_000,
            setup: {
                try settlingBackgroundPreparation { try FaultHandler.enable() }
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
