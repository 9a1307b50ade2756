// The CFI unwinder on real stacks, compared with glibc's backtrace(3) (libgcc's unwinder) from the same frame.

import CAllocationCounter
import CFaultHandlerSupport
import Glibc
import Testing

@testable import FaultCore

@inline(never) func chainLevel1(_ buffers: CaptureBuffers) -> PairedCapture { keep(chainLevel2(buffers)) }
@inline(never) func chainLevel2(_ buffers: CaptureBuffers) -> PairedCapture { keep(chainLevel3(buffers)) }
@inline(never) func chainLevel3(_ buffers: CaptureBuffers) -> PairedCapture { keep(chainLevel4(buffers)) }
@inline(never) func chainLevel4(_ buffers: CaptureBuffers) -> PairedCapture { keep(captureAndUnwind(buffers)) }

/// Recursion to a given depth, for the 20-frame timing.
@inline(never) func recurse(_ depth: Int, _ buffers: CaptureBuffers, _ body: (CaptureBuffers) -> UInt64) -> UInt64 {
    if depth == 0 { return body(buffers) }
    return keep(recurse(depth - 1, buffers, body))
}

/// Keeps a value opaque to the optimiser so the calls above are not tail calls.
@inline(never) func keep<T>(_ value: T) -> T { value }

/// State for the qsort comparator (a C function pointer cannot capture context).
nonisolated(unsafe) var comparatorBuffers: CaptureBuffers?
nonisolated(unsafe) var comparatorCapture: PairedCapture?

/// A type whose description is requested from inside libswiftCore: print(_:) is not inlinable and reaches
/// `description` through an existential, so the capture has runtime frames below it in every build mode.
struct DescribedFromTheRuntime: CustomStringConvertible {
    let buffers: CaptureBuffers
    nonisolated(unsafe) static var capture: PairedCapture?
    var description: String {
        DescribedFromTheRuntime.capture = captureAndUnwind(buffers)
        return ""  // print(_:terminator: "") then writes nothing
    }
}

@Suite struct UnwindRealFramesTests {
    init() { ImageTable.prepare() }

    @Test(.disabled(if: runningUnderSanitizer, "the sanitizer intercepts backtrace(3)")) func matchesBacktraceThroughSwiftFrames() {
        let buffers = CaptureBuffers()
        let capture = chainLevel1(buffers)
        #expect(capture.frames.count >= 6, "\(describe(capture))")
        // Frames 1... are return addresses and must be exactly what libgcc's unwinder reports.
        let matching = matchingPrefix(capture)
        #expect(matching >= 5, "\(describe(capture))")
        #expect(matching + 1 == min(capture.frames.count, capture.reference.count), "\(describe(capture))")
        #expect(capture.frames[0].flags.rawValue == 0)
        #expect(capture.frames[1].flags.contains(.returnAddress))
        #expect(capture.frames[1].flags.contains(.viaCFI))
        #expect(capture.result.stopReason == .endOfStack, "\(describe(capture))")
        #expect(!capture.result.truncated)
    }

    @Test func unwindAllocatesNothing() {
        let buffers = CaptureBuffers()
        let capture = chainLevel1(buffers)
        #expect(capture.allocations == 0)
        #expect(capture.frames.count >= 6)
    }

    @Test func truncatesAtTheBufferCapacity() {
        let buffers = CaptureBuffers()
        let capture = keep(captureAndUnwind(buffers, cap: 3))
        #expect(capture.frames.count == 3)
        #expect(capture.result.truncated)
        #expect(capture.result.stopReason == .bufferFull)
    }

    @Test(.disabled(if: runningUnderSanitizer, "the sanitizer intercepts qsort(3) and backtrace(3)")) func unwindsThroughLibcQsort() {
        let buffers = CaptureBuffers()
        comparatorBuffers = buffers
        comparatorCapture = nil
        var values: [Int32] = [5, 3, 9, 1]
        values.withUnsafeMutableBufferPointer { pointer in
            qsort(pointer.baseAddress!, pointer.count, 4) { left, right in
                if comparatorCapture == nil, let buffers = comparatorBuffers {
                    comparatorCapture = captureAndUnwind(buffers)
                }
                let a = left!.load(as: Int32.self)
                let b = right!.load(as: Int32.self)
                return a < b ? -1 : (a > b ? 1 : 0)
            }
        }
        #expect(values == [1, 3, 5, 9])
        let capture = try! #require(comparatorCapture)
        let paths = capture.frames.map { imagePath(containing: $0.lookupPC) ?? "?" }
        let libcIndex = paths.firstIndex { $0.hasSuffix("/libc.so.6") }
        #expect(libcIndex != nil, "\(describe(capture))")
        // Below libc (towards the caller) the test's own frames must appear again.
        if let libcIndex {
            #expect(paths[(libcIndex + 1)...].contains { $0 == paths[0] }, "\(describe(capture))")
        }
        let matching = matchingPrefix(capture)
        #expect(matching + 1 == min(capture.frames.count, capture.reference.count), "\(describe(capture))")
        #expect(capture.allocations == 0)
    }

    @Test(.disabled(if: runningUnderSanitizer, "the sanitizer intercepts backtrace(3)")) func unwindsThroughLibswiftCore() throws {
        let buffers = CaptureBuffers()
        DescribedFromTheRuntime.capture = nil
        print(DescribedFromTheRuntime(buffers: buffers), terminator: "")
        let capture = try #require(DescribedFromTheRuntime.capture)
        let paths = capture.frames.map { imagePath(containing: $0.lookupPC) ?? "?" }
        #expect(paths.contains { $0.hasSuffix("/libswiftCore.so") }, "\(describe(capture))")
        #expect(matchingPrefix(capture) + 1 == min(capture.frames.count, capture.reference.count), "\(describe(capture))")
        #expect(capture.result.stopReason == .endOfStack)
    }

    @Test func twentyFrameUnwindTiming() {
        let buffers = CaptureBuffers()
        let elapsed = recurse(20, buffers) { buffers in
            cfh_capture_registers(buffers.registers)
            let start = SafeLibc.monotonicNanoseconds()
            var count = 0
            for _ in 0..<100 {
                count = Unwinder.unwind(registers: buffers.registers, into: buffers.frames).count
            }
            let total = SafeLibc.monotonicNanoseconds() - start
            #expect(count >= 22)
            return total / 100
        }
        print("unwind of a 20+ frame stack: \(elapsed / 1000) us")
        #expect(elapsed < 50_000_000)
    }
}
