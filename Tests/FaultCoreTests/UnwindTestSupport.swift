// Helpers shared by the unwinder tests: glibc's backtrace(3) as the reference, and a capture that runs the
// unwinder and backtrace(3) from the same frame.

import CAllocationCounter
import CFaultHandlerSupport
import Glibc
import Testing

@testable import FaultCore

/// glibc's backtrace(3) (execinfo.h is not part of the Glibc module).
@_silgen_name("backtrace")
func systemBacktrace(_ buffer: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ size: CInt) -> CInt

/// The result of unwinding and of backtrace(3) taken in the same function.
struct PairedCapture {
    var frames: [StackFrame]
    var result: UnwindResult
    var reference: [UInt]
    var allocations: UInt64
}

/// Preallocated buffers, so the capture itself allocates nothing while the counter is armed.
final class CaptureBuffers {
    let registers = UnsafeMutablePointer<UInt64>.allocate(capacity: 17)
    let frames = UnsafeMutableBufferPointer<StackFrame>.allocate(capacity: 128)
    let reference = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 128)

    deinit {
        registers.deallocate()
        frames.deallocate()
        reference.deallocate()
    }
}

/// Captures the registers here, unwinds (counting allocations), then calls backtrace(3) from the same frame.
@inline(never)
func captureAndUnwind(_ buffers: CaptureBuffers, cap: Int = 128) -> PairedCapture {
    cfh_capture_registers(buffers.registers)
    allocation_counter_arm()
    let result = Unwinder.unwind(registers: buffers.registers,
                                 into: UnsafeMutableBufferPointer(rebasing: buffers.frames[0..<cap]))
    let allocations = allocation_counter_disarm()
    let referenceCount = Int(systemBacktrace(buffers.reference, 128))
    return PairedCapture(
        frames: Array(buffers.frames[0..<result.count]), result: result,
        reference: (0..<referenceCount).map { UInt(bitPattern: buffers.reference[$0]) },
        allocations: allocations)
}

/// How many frames, from frame 1 on, agree with backtrace(3) (whose frame 0 is a different call site in the
/// same function).
func matchingPrefix(_ capture: PairedCapture) -> Int {
    var index = 1
    while index < capture.frames.count && index < capture.reference.count
        && capture.frames[index].pc == capture.reference[index] {
        index += 1
    }
    return index - 1
}

/// The path of the prepared image containing `address`, or nil.
func imagePath(containing address: UInt) -> String? {
    guard let image = ImageTable.image(containing: address), let path = image.pointee.path else { return nil }
    return String(cString: path)
}

/// A readable description of frames for failure messages.
func describe(_ capture: PairedCapture) -> String {
    var lines: [String] = []
    for index in 0..<max(capture.frames.count, capture.reference.count) {
        let mine = index < capture.frames.count
            ? "0x" + String(capture.frames[index].pc, radix: 16) + " f=\(capture.frames[index].flags.rawValue)"
            : "-"
        let theirs = index < capture.reference.count ? "0x" + String(capture.reference[index], radix: 16) : "-"
        lines.append("#\(index) \(mine)  bt=\(theirs)  \(imagePath(containing: index < capture.frames.count ? capture.frames[index].pc : 0) ?? "?")")
    }
    return lines.joined(separator: "\n") + "\nstop=\(capture.result.stopReason)"
}
