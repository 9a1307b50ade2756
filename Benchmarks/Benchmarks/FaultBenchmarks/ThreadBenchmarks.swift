// Benchmarks of the all-threads dump, user-signal dumps and the watchdog.
//

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

import Synchronization

/// Threads parked in pause(2) for the all-threads benchmarks; started once per process, never stopped.
let parkedBenchmarkThreads = Atomic<Int>(0)

/// Makes sure `count` parked threads exist in this process (benchmarks may share a process, so threads started
/// for an earlier one count), starting the missing ones and waiting until they have all started.
func startParkedThreads(_ count: Int) {
    let missing = max(0, count - parkedBenchmarkThreads.load(ordering: .acquiring))
    for _ in 0..<missing {
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

/// State of the user-signal benchmarks: where dumps go, and whether the first one was checked.
final class SignalState: @unchecked Sendable {
    let sink = openDevNull()
    let probe = openTemporaryFile()
    var checked = false
}

/// State of the watchdog benchmark.
struct PipeSetup: @unchecked Sendable {
    /// Read and write ends of a pipe the dumps go to.
    let readEnd: CInt
    let writeEnd: CInt
    /// Where `drain` reads to (allocated in setup, so the measurement sees only the library's mallocs).
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
}

/// Reads what is in `pipe` until `marker` has been seen (bounded: 10 000 reads).
func drain(_ pipe: PipeSetup, until marker: UInt8 = UInt8(ascii: ":")) {
    for _ in 0..<10_000 {
        let count = read(pipe.readEnd, pipe.buffer.baseAddress, pipe.buffer.count)
        if count <= 0 || pipe.buffer.prefix(count).contains(marker) { return }
    }
}

func registerThreadBenchmarks() {
    // All-thread on-demand dumps of 1, 10 and 100 threads (the calling thread plus parked ones), to /dev/null.
    for others in [0, 9, 99] {
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
    // SIGUSR1 is unblocked on the benchmark thread first (harness threads may block it, and a blocked signal
    // would be handled later on another thread); the first raise goes to a file whose content is checked.
    for allThreads in [false, true] {
        Benchmark(
            "register(.user1), raise, \(allThreads ? "all threads" : "calling thread")",
            configuration: .init(
                metrics: dumpMetrics, warmupIterations: 5, maxDuration: .seconds(3), maxIterations: 5_000
            ),
            closure: { (benchmark: Benchmark, state: SignalState) throws in
                var unblock = sigset_t()
                sigemptyset(&unblock)
                sigaddset(&unblock, SIGUSR1)
                pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
                if !state.checked {
                    raise(SIGUSR1)
                    let text = takeText(state.probe)
                    guard text.contains("most recent call first") else {
                        benchmark.error("raise(SIGUSR1) wrote no dump: \(text.prefix(200))")
                        return
                    }
                    try FaultHandler.register(.user1, output: .fileDescriptor(state.sink), allThreads: allThreads)
                    state.checked = true
                }
                for _ in benchmark.scaledIterations {
                    raise(SIGUSR1)
                }
            },
            setup: {
                if allThreads { startParkedThreads(1) }
                let state = SignalState()
                try settlingBackgroundPreparation {
                    try FaultHandler.register(.user1, output: .fileDescriptor(state.probe), allThreads: allThreads)
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(state.sink), allThreads: false)
                }
                return state
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
                drain(pipe)
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
            // F_SETPIPE_SZ (1031; a _GNU_SOURCE constant Glibc does not export): room for a whole dump.
            _ = fcntl(ends[1], 1031, 1 << 20)
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
        setup: {
            let sink = openDevNull()
            try settlingBackgroundPreparation {
                try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: true)
            }
            return sink
        }
    )
}
