// Steady-state cost of having the handler installed: a CPU-bound workload with and without it.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// A CPU-bound workload with calls, loads and stores: a sieve of Eratosthenes over 200 000 numbers (about a
/// millisecond), returning the number of primes (17 984).
@inline(never)
func sieveWorkload(limit: Int = 200_000) -> Int {
    var composite = [Bool](repeating: false, count: limit + 1)
    var primes = 0
    var n = 2
    while n <= limit {
        if !composite[n] {
            primes += 1
            var multiple = n * n
            while multiple <= limit {
                composite[multiple] = true
                multiple += n
            }
        }
        n += 1
    }
    return primes
}

/// The same workload in two processes: one without the handler, one with it enabled (and its symbol preparation
/// finished). An installed handler costs nothing until a signal arrives, so the two must agree within noise.
func registerOverheadBenchmarks() {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput]
    Benchmark(
        "workload, handler not enabled",
        configuration: .init(metrics: metrics, warmupIterations: 20, maxDuration: .seconds(3), maxIterations: 2_000)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(sieveWorkload())
        }
    }

    Benchmark(
        "workload, handler enabled",
        configuration: .init(
            metrics: metrics,
            warmupIterations: 20,
            maxDuration: .seconds(3),
            maxIterations: 2_000,
            setup: {
                try settlingBackgroundPreparation { try FaultHandler.enable() }
            },
            teardown: { FaultHandler.disable() }
        )
    ) { benchmark in
        precondition(FaultHandler.isEnabled)
        for _ in benchmark.scaledIterations {
            blackHole(sieveWorkload())
        }
    }
}
