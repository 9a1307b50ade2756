// The symbolication probe: one process measures one thing and prints it as `key=value` pairs on one line of
// standard output, for the runner (SymbolicationBench) to aggregate over many processes.
//
//   <probe> enable                 time the first FaultHandler.enable() on the calling thread, then exit at once
//   <probe> measure <iterations>   first enable(), the background preparation it starts (until its thread has
//                                  exited), resident memory after it, then timed dumps of 20 and 100 frames
//   <probe> crash <depth>          enable(), then at once a bad pointer store under <depth> frames, while
//                                  symbol preparation is still running (the fault time goes to descriptor 3)
//
// With PROBE_SHOW_DUMPS set, `measure` also writes one dump of each measured stack to standard error.

import CProbeAllocations
import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

/// What the executable running the probe links besides the probe itself.
public struct ProbeBinary {
    /// Generated C functions linked in (0 for the small probe).
    public var generatedCFunctions: Int
    /// Whether the generated Swift module is linked in.
    public var generatedSwift: Bool

    public init(generatedCFunctions: Int, generatedSwift: Bool) {
        self.generatedCFunctions = generatedCFunctions
        self.generatedSwift = generatedSwift
    }
}

public enum SymbolicationProbe {
    /// Runs the mode named by `arguments[1]` and returns the exit status.
    public static func main(arguments: [String], binary: ProbeBinary) -> Int32 {
        let mode = arguments.count > 1 ? arguments[1] : ""
        let value = arguments.count > 2 ? Int(arguments[2]) : nil
        do {
            switch mode {
            case "enable":
                try measureEnable()
            case "measure":
                try measureAll(iterations: value ?? 300, binary: binary)
            case "crash":
                try crash(depth: value ?? 20)
            default:
                fail("usage: \(arguments.first ?? "probe") enable | measure [iterations] | crash [depth]")
                return 2
            }
        } catch {
            fail("\(mode) failed: \(error)")
            return 1
        }
        return 0
    }

    /// The first `enable()` of the process, on the calling thread; exits without waiting for the background
    /// preparation it started.
    static func measureEnable() throws {
        let devNull = openDevNull()
        let allocationsBefore = probe_allocation_count()
        let start = monotonicNanoseconds()
        try FaultHandler.enable(output: .fileDescriptor(devNull))
        let elapsed = monotonicNanoseconds() - start
        report(["enable_ns": elapsed, "enable_allocations": probe_allocation_count() - allocationsBefore])
        _exit(0)
    }

    /// Everything measured in a process that lives until its symbols are prepared.
    static func measureAll(iterations: Int, binary: ProbeBinary) throws {
        let devNull = openDevNull()
        let probe = openTemporaryFile()
        var values: [String: UInt64] = [
            "generated_c_functions": UInt64(binary.generatedCFunctions),
            "generated_swift": binary.generatedSwift ? 1 : 0,
        ]
        let memoryBefore = ResidentMemory()
        let threadsBefore = processStatus("Threads")

        let allocationsBefore = probe_allocation_count()
        let start = monotonicNanoseconds()
        try FaultHandler.enable(output: .fileDescriptor(devNull))
        let enabled = monotonicNanoseconds()
        values["enable_ns"] = enabled - start
        values["enable_allocations"] = probe_allocation_count() - allocationsBefore
        guard waitForPreparationThread(threadsBefore: threadsBefore, timeoutSeconds: 300) else {
            fail("symbol preparation did not finish within 300 s")
            exit(1)
        }
        values["preparation_ns"] = monotonicNanoseconds() - enabled

        let memoryAfter = ResidentMemory()
        values["rss_before_anon_kib"] = UInt64(memoryBefore.anonymous)
        values["rss_before_file_kib"] = UInt64(memoryBefore.fileBacked)
        values["rss_after_anon_kib"] = UInt64(memoryAfter.anonymous)
        values["rss_after_file_kib"] = UInt64(memoryAfter.fileBacked)
        values["rss_peak_kib"] = UInt64(memoryAfter.peak)

        for (shape, frames) in [(StackShape.plain, 20), (.plain, 100), (.inlined, 100)] {
            let count = frames == 20 ? iterations * 3 : iterations
            let (measurement, text) = try measureDumps(
                shape: shape, targetFrames: frames, iterations: count, sink: devNull, probe: probe)
            let key = "dump_\(shape.rawValue)_\(frames)"
            if getenv("PROBE_SHOW_DUMPS") != nil { fail("\(key):\n\(text)") }
            if measurement.frames != frames || measurement.framesWithLine < frames / 2 {
                fail("\(key): unexpected dump (\(measurement.frames) frames):\n\(text)")
                exit(1)
            }
            values["\(key)_frames"] = UInt64(measurement.frames)
            values["\(key)_inlined"] = UInt64(measurement.inlinedFrames)
            values["\(key)_with_line"] = UInt64(measurement.framesWithLine)
            values["\(key)_p50_ns"] = percentile(measurement.samples, 0.5)
            values["\(key)_p99_ns"] = percentile(measurement.samples, 0.99)
            values["\(key)_samples"] = UInt64(measurement.samples.count)
            values["\(key)_allocations"] = measurement.allocations
        }
        report(values)
    }

    /// `enable()` to standard error, then a bad pointer store under `depth` frames of `plainRecursion`, at once.
    static func crash(depth: Int) throws {
        try FaultHandler.enable(output: .standardError)
        _ = StackShape.plain.run(depth: depth) { crashHere() }
    }

    /// Prints `values` as one line of sorted `key=value` pairs.
    static func report(_ values: [String: UInt64]) {
        let line = values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("probe: \(line)")
        fflush(nil)
    }

    static func fail(_ message: String) {
        let text = "probe: \(message)\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}

/// The address the crash stores to; a global so the optimiser cannot see it is constant.
nonisolated(unsafe) var faultAddress = 8

/// Writes the CLOCK_MONOTONIC time (8 bytes, native order) to descriptor 3 when it is open, then stores to
/// address 8.
@inline(never)
func crashHere() {
    var now = monotonicNanoseconds()
    _ = withUnsafeBytes(of: &now) { write(3, $0.baseAddress, 8) }
    UnsafeMutablePointer<Int>(bitPattern: faultAddress)!.pointee = 42
}
