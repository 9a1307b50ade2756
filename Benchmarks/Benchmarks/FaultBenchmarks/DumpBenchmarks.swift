// On-demand dumps of the calling thread: the same allocation-free code path a fatal signal runs.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// State prepared before a dump benchmark's iterations.
struct DumpSetup: @unchecked Sendable {
    /// /dev/null, open for writing.
    let sink: CInt
    /// Frames added by `onStack` so that each dump shows the wanted number of frames.
    let depth: Int
}

/// `dumpTraceback` of a 20-frame and a 100-frame stack (100 is the most a dump prints) to /dev/null.
///
/// Setup dumps once and waits for all symbol preparation, line tables included (so the measured dumps resolve
/// every name and file:line, as they would in a long-running program, and no background work overlaps the
/// measurement), and calibrates the recursion so the dump really has
/// 20 or 100 frames. The malloc count must be 0 for every measured iteration.
func registerDumpBenchmarks() {
    for frames in [20, 100] {
        Benchmark(
            "dumpTraceback, \(frames) frames, to /dev/null",
            configuration: .init(
                metrics: dumpMetrics,
                warmupIterations: 20,
                maxDuration: .seconds(3),
                maxIterations: 20_000
            ),
            closure: { (benchmark: Benchmark, setup: DumpSetup) throws in
                let output = FaultHandler.Output.fileDescriptor(setup.sink)
                for _ in benchmark.scaledIterations {
                    let depth = try onStack(setup.depth) {
                        try FaultHandler.dumpTraceback(output: output, allThreads: false)
                    }
                    blackHole(depth)
                }
            },
            setup: {
                let sink = openDevNull()
                try settlingBackgroundPreparation {
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(sink), allThreads: false)
                }
                return DumpSetup(sink: sink, depth: try calibratedDepth(forFrames: frames))
            }
        )
    }
}
