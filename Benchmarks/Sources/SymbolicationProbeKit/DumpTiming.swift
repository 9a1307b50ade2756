// Timed on-demand dumps of a stack of known depth, with the allocations they make.

import CProbeAllocations
import FaultHandling

/// What the measured dumps of one stack shape showed and cost.
struct DumpMeasurement {
    /// `  File` lines of one dump (frames printed; at most 100).
    var frames = 0
    /// Of those, `[inlined]` frames.
    var inlinedFrames = 0
    /// Of those, frames with a file:line.
    var framesWithLine = 0
    /// Wall time of each dump, in nanoseconds.
    var samples: [UInt64] = []
    /// Allocation calls made by the process during all measured dumps together.
    var allocations: UInt64 = 0
}

/// The `  File` lines of a dump.
func frameLines(_ text: String) -> [Substring] {
    text.split(separator: "\n").filter { $0.hasPrefix("  File ") }
}

/// Dumps the calling thread `iterations` times to `sink` under a `shape` stack deep enough for `targetFrames`
/// printed frames, timing each `dumpTraceback` call alone.
///
/// The depth is calibrated first (dumps into `probe` at depth 0 and 4, to count the frames above the recursion
/// and the frames each level adds); the calibrated dump's text is kept for checking. Symbol preparation must
/// have finished, so every dump resolves the same names.
func measureDumps(
    shape: StackShape, targetFrames: Int, iterations: Int, sink: CInt, probe: CInt
) throws -> (DumpMeasurement, String) {
    var failure: (any Error)? = nil
    func dumpText(depth: Int) throws -> String {
        _ = shape.run(depth: depth) {
            do {
                try FaultHandler.dumpTraceback(output: .fileDescriptor(probe), allThreads: false)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return takeText(probe)
    }
    let base = frameLines(try dumpText(depth: 0)).count
    let perLevel = max(1, (frameLines(try dumpText(depth: 4)).count - base) / 4)
    let depth = max(0, (targetFrames - base + perLevel - 1) / perLevel)
    let text = try dumpText(depth: depth)
    let lines = frameLines(text)

    var measurement = DumpMeasurement()
    measurement.frames = lines.count
    measurement.inlinedFrames = lines.count { $0.hasSuffix("[inlined]") }
    measurement.framesWithLine = lines.count { $0.contains("\", line ") }

    // Everything the timed leaf touches is allocated here, so the measured loop allocates nothing of its own.
    let samples = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(iterations, 1))
    defer { samples.deallocate() }
    let taken = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    defer { taken.deallocate() }
    taken.initialize(to: 0)
    let output = FaultHandler.Output.fileDescriptor(sink)
    let leaf: () -> Void = {
        let start = monotonicNanoseconds()
        do {
            try FaultHandler.dumpTraceback(output: output, allThreads: false)
        } catch {
            failure = error
        }
        if taken.pointee < samples.count {
            samples[taken.pointee] = monotonicNanoseconds() - start
            taken.pointee += 1
        }
    }
    let allocationsBefore = probe_allocation_count()
    for _ in 0..<iterations {
        _ = shape.run(depth: depth, leaf)
    }
    measurement.allocations = probe_allocation_count() - allocationsBefore
    if let failure { throw failure }
    measurement.samples = Array(samples.prefix(taken.pointee))
    return (measurement, text)
}

/// The `fraction` percentile (nearest rank) of `values`, or 0 when empty.
func percentile(_ values: [UInt64], _ fraction: Double) -> UInt64 {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}
