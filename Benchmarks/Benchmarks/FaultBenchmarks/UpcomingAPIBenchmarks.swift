// Benchmarks of the all-threads dump, user-signal dumps and the watchdog.
//
// They use API that lands with the all-threads work (`dumpTraceback(allThreads: true)` dumping every thread,
// `register(_:output:allThreads:chain:maxThreads:)`, `dumpTracebackLater(after:repeating:output:exit:maxThreads:)`).
// To turn them on once it is merged, define FAULTHANDLER_THREADS_API for the FaultBenchmarks target in
// Benchmarks/Package.swift:
//
//     swiftSettings: [.define("FAULTHANDLER_THREADS_API")]
//
// Without the define, `registerUpcomingAPIBenchmarks()` registers nothing.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

#if FAULTHANDLER_THREADS_API
import Synchronization

/// Threads parked in pause(2) for the all-threads benchmarks; started once per process, never stopped.
let parkedBenchmarkThreads = Atomic<Int>(0)

/// Starts `count` threads that block in pause(2) and waits until they are all blocked (roughly: until they
/// have all started).
func startParkedThreads(_ count: Int) {
    for _ in 0..<count {
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { _ in
            parkedBenchmarkThreads.add(1, ordering: .releasing)
            while true { pause() }
        }, nil)
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_detach(thread)
    }
    while parkedBenchmarkThreads.load(ordering: .acquiring) < count { usleep(100) }
    usleep(10_000)
}

/// State of the user-signal and watchdog benchmarks.
struct PipeSetup: @unchecked Sendable {
    /// Read and write ends of a pipe the dumps go to.
    let readEnd: CInt
    let writeEnd: CInt
}

/// Reads what is in `fd` until `marker` has been seen (bounded: 10 000 reads).
func drain(_ fd: CInt, until marker: UInt8 = UInt8(ascii: ":")) {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    for _ in 0..<10_000 {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 || buffer.prefix(count).contains(marker) { return }
    }
}

func registerUpcomingAPIBenchmarks() {
    // All-thread on-demand dumps: the calling thread plus 1 or 100 parked threads, to /dev/null.
    for others in [1, 100] {
        Benchmark(
            "dumpTraceback, all threads, \(others + 1) threads",
            configuration: .init(
                metrics: dumpMetrics, warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 5_000
            ),
            closure: { (benchmark: Benchmark, sink: CInt) throws in
                for _ in benchmark.scaledIterations {
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: true)
                }
            },
            setup: {
                startParkedThreads(others)
                let sink = openDevNull()
                try settlingBackgroundPreparation {
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: true)
                }
                return sink
            }
        )
    }

    // A registered user signal, raised on the benchmark thread: raise(3) returns once the dump is written.
    for allThreads in [false, true] {
        Benchmark(
            "register(.user1), raise, \(allThreads ? "all threads (2)" : "calling thread")",
            configuration: .init(
                metrics: dumpMetrics, warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 5_000
            ),
            closure: { (benchmark: Benchmark, sink: CInt) throws in
                for _ in benchmark.scaledIterations {
                    raise(SIGUSR1)
                }
            },
            setup: {
                if allThreads { startParkedThreads(1) }
                let sink = openDevNull()
                try settlingBackgroundPreparation {
                    try FaultHandler.register(.user1, output: .fileDescriptor(sink), allThreads: allThreads)
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: false)
                }
                return sink
            },
            teardown: { FaultHandler.unregister(.user1) }
        )
    }

    // The watchdog: arm with a 1 ms timeout, then wait until its dump arrives in a pipe. Wall clock is timeout
    // plus the watchdog's wake-up and dump; the arm + cancel pair alone is measured separately.
    Benchmark(
        "dumpTracebackLater(after: 1 ms), until the dump arrives",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], warmupIterations: 5, maxDuration: .seconds(3),
            maxIterations: 1_000
        ),
        closure: { (benchmark: Benchmark, pipe: PipeSetup) throws in
            for _ in benchmark.scaledIterations {
                try FaultHandler.dumpTracebackLater(after: .milliseconds(1), output: .fileDescriptor(pipe.writeEnd))
                drain(pipe.readEnd)
            }
        },
        setup: {
            let sink = openDevNull()
            try settlingBackgroundPreparation {
                try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: true)
            }
            close(sink)
            var ends: [CInt] = [0, 0]
            precondition(pipe(&ends) == 0)
            fcntl(ends[1], F_SETPIPE_SZ, 1 << 20)
            return PipeSetup(readEnd: ends[0], writeEnd: ends[1])
        },
        teardown: { FaultHandler.cancelDumpTracebackLater() }
    )

    Benchmark(
        "dumpTracebackLater + cancelDumpTracebackLater",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 10,
            maxDuration: .seconds(3), maxIterations: 20_000
        ),
        closure: { (benchmark: Benchmark, sink: CInt) throws in
            for _ in benchmark.scaledIterations {
                try FaultHandler.dumpTracebackLater(after: .seconds(3600), output: .fileDescriptor(sink))
                FaultHandler.cancelDumpTracebackLater()
            }
        },
        setup: { openDevNull() }
    )
}
#else
/// Registers nothing until FAULTHANDLER_THREADS_API is defined (see the top of this file).
func registerUpcomingAPIBenchmarks() {}
#endif
