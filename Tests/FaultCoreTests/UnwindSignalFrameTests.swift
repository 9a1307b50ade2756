// Unwinding from inside a signal handler: through glibc's __restore_rt into the interrupted code, and from the
// handler's ucontext directly.

import CAllocationCounter
import CFaultHandlerSupport
import Glibc
import Testing

@testable import FaultCore

/// A real-time signal no other test uses (SIGRTMIN is 34 with glibc; 34 and 35 are glibc-internal).
private let testSignal: CInt = 40

/// Everything the handler writes; prepared before the signal, so the handler allocates nothing.
private final class SignalCapture {
    let registers = UnsafeMutablePointer<UInt64>.allocate(capacity: 17)
    let contextRegisters = UnsafeMutablePointer<UInt64>.allocate(capacity: 17)
    let frames = UnsafeMutableBufferPointer<StackFrame>.allocate(capacity: 128)
    let contextFrames = UnsafeMutableBufferPointer<StackFrame>.allocate(capacity: 128)
    let reference = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 128)
    var result = UnwindResult(count: 0, truncated: false, stopReason: .endOfStack)
    var contextResult = UnwindResult(count: 0, truncated: false, stopReason: .endOfStack)
    var referenceCount = 0
    var allocations: UInt64 = 99
    var ran = false
}

nonisolated(unsafe) private var activeCapture: SignalCapture?

/// Raises the test signal at this thread; the handler runs when the tgkill system call returns.
@inline(never) private func raiseFromHere() -> Int {
    SafeLibc.raise(testSignal)
    return keep(1)
}

@Suite struct UnwindSignalFrameTests {
    init() { ImageTable.prepare() }

    @Test(.disabled(if: runningUnderSanitizer, "the sanitizer delivers signals through its own trampoline")) func unwindsThroughTheSignalTrampoline() throws {
        let capture = SignalCapture()
        activeCapture = capture
        var warm = [UnsafeMutableRawPointer?](repeating: nil, count: 4)
        _ = systemBacktrace(&warm, 4)  // libgcc is loaded lazily by the first call; not in the handler.

        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { _, _, context in
            guard let capture = activeCapture else { return }
            cfh_capture_registers(capture.registers)
            allocation_counter_arm()
            capture.result = Unwinder.unwind(registers: capture.registers, into: capture.frames)
            cfh_ucontext_registers(context, capture.contextRegisters)
            capture.contextResult = Unwinder.unwind(registers: capture.contextRegisters, into: capture.contextFrames)
            capture.allocations = allocation_counter_disarm()
            capture.referenceCount = Int(systemBacktrace(capture.reference, 128))
            capture.ran = true
        }
        action.sa_flags = SA_SIGINFO
        var previous = sigaction()
        #expect(SafeLibc.sigaction(testSignal, &action, &previous) == 0)
        var unblock = sigset_t()
        var oldMask = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, testSignal)
        #expect(SafeLibc.sigprocmask(SIG_UNBLOCK, &unblock, &oldMask) == 0)
        _ = raiseFromHere()
        _ = SafeLibc.sigprocmask(SIG_SETMASK, &oldMask, nil)
        _ = SafeLibc.sigaction(testSignal, &previous, nil)
        activeCapture = nil

        try #require(capture.ran)
        #expect(capture.allocations == 0)
        let frames = Array(capture.frames[0..<capture.result.count])
        let reference = (0..<capture.referenceCount).map { UInt(bitPattern: capture.reference[$0]) }
        let paired = PairedCapture(frames: frames, result: capture.result, reference: reference, allocations: 0)

        // One trampoline frame, followed by the exact interrupted pc.
        let trampoline = try #require(frames.firstIndex { $0.flags.contains(.signalTrampoline) }, "\(describe(paired))")
        #expect(frames.filter { $0.flags.contains(.signalTrampoline) }.count == 1)
        #expect(imagePath(containing: frames[trampoline].pc)?.hasSuffix("/libc.so.6") == true)
        #expect(!frames[trampoline].flags.contains(.returnAddress))
        #expect(frames[trampoline].lookupPC == frames[trampoline].pc)
        let interrupted = frames[trampoline + 1]
        #expect(interrupted.flags.contains(.viaSignalContext))
        #expect(!interrupted.flags.contains(.returnAddress))
        #expect(capture.result.stopReason == .endOfStack, "\(describe(paired))")

        // libgcc's unwinder (through glibc's CFI for __restore_rt) agrees on every frame after frame 0.
        #expect(matchingPrefix(paired) + 1 == min(frames.count, reference.count), "\(describe(paired))")
        #expect(frames.count > trampoline + 5)

        // Unwinding from the ucontext gives the same stack as everything after the trampoline.
        let fromContext = Array(capture.contextFrames[0..<capture.contextResult.count])
        #expect(fromContext.map(\.pc) == frames[(trampoline + 1)...].map(\.pc))
        #expect(fromContext.first?.flags.rawValue == 0)
    }

    @Test func machineContextLayoutMatchesTheCHeader() throws {
        let size = cfh_ucontext_size()
        let context = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { context.deallocate() }
        for index in 0..<(size / 8) {
            context.storeBytes(of: 0x1000 + UInt64(index), toByteOffset: index * 8, as: UInt64.self)
        }
        var expected = [UInt64](repeating: 0, count: 17)
        cfh_ucontext_registers(context, &expected)
        var file = UnwindRegisters(copying: [UInt64](repeating: 0, count: 17))
        #expect(Unwinder.loadMachineContext(at: UInt(bitPattern: context), into: &file))
        #expect((0..<17).map { file.value($0) } == expected)
    }
}
