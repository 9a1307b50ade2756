// On-demand dumps of the calling thread: the same allocation-free code path a fatal signal runs.

import Benchmark
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// State of a dump benchmark, calibrated during its warm-up iterations.
///
/// The harness calls the benchmark body from a call depth of its own, so the number of frames above the
/// recursion is found by dumping from the body itself: first at depth 0 (counting the frames), then at the
/// computed depth (checking the count). Both dumps go to `probe` through the same call as the measured ones.
final class DumpState: @unchecked Sendable {
    /// /dev/null, where measured dumps go.
    let sink: CInt
    /// An unlinked temporary file the calibration dumps go to.
    let probe: CInt
    /// Frames the dump should show.
    let target: Int
    /// Recursion depth passed to `onStack`.
    var depth = 0
    /// 0: counting at depth 0; 1: checking at `depth`; 2: calibrated.
    var phase = 0
    /// Frames the checking dump showed.
    var framesShown = 0

    init(target: Int) {
        self.target = target
        sink = openDevNull()
        probe = openTemporaryFile()
    }

    /// The descriptor the next dump goes to.
    var output: CInt { phase == 2 ? sink : probe }

    /// Reads the probe dump just written and moves to the next phase.
    func advance() {
        let frames = frameLineCount(takeText(probe))
        if phase == 0 {
            depth = max(0, target - frames)
        } else {
            framesShown = frames
        }
        phase += 1
    }
}

/// Custom metric: frames in the measured dumps (checked once during warm-up).
var framesMetric: BenchmarkMetric {
    .custom("frames in the dump", polarity: .prefersLarger, useScalingFactor: false)
}

/// `dumpTraceback` of a 20-frame and a 100-frame stack (100 is the most a dump prints) to /dev/null.
///
/// Setup dumps once and waits for all symbol preparation, line tables included (so the measured dumps resolve
/// every name and file:line, as they would in a long-running program, and no background work overlaps the
/// measurement). The warm-up calibrates the recursion so each dump really has 20 or 100 frames. The malloc count
/// must be 0 for every measured iteration.
func registerDumpBenchmarks() {
    for frames in [20, 100] {
        Benchmark(
            "dumpTraceback, \(frames) frames, to /dev/null",
            configuration: .init(
                metrics: dumpMetrics + [framesMetric],
                warmupIterations: 20,
                maxDuration: .seconds(3),
                maxIterations: 20_000
            ),
            closure: { (benchmark: Benchmark, state: DumpState) throws in
                for _ in benchmark.scaledIterations {
                    let output = FaultHandler.Output.fileDescriptor(state.output)
                    let depth = try onStack(state.depth) {
                        try FaultHandler.dumpTraceback(output: output, allThreads: false)
                    }
                    blackHole(depth)
                    if state.phase < 2 { state.advance() }
                }
                if state.phase == 2 && state.framesShown != frames {
                    benchmark.error("calibrated dump shows \(state.framesShown) frames, not \(frames)")
                }
                benchmark.measurement(framesMetric, state.framesShown)
            },
            setup: {
                let state = DumpState(target: frames)
                try settlingBackgroundPreparation {
                    try FaultHandler.dumpTraceback(output: .fileDescriptor(state.sink), allThreads: false)
                }
                return state
            }
        )
    }
}
