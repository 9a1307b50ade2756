// The handler an interrupted thread runs during an all-threads dump.

#if canImport(Glibc)
import Glibc
#endif

/// The SA_SIGINFO entry point installed on a borrowed signal (SIGPROF, SIGUSR1 or SIGUSR2) during a capture.
///
/// If this thread has a slot in the running capture, it stores its interrupted registers (or, inside the fatal
/// handler, the fault's) and pthread_self(), counts itself in, and waits for the release (at most
/// `ThreadCapture.holdTimeout`). Otherwise the signal is either a late one for an abandoned capture (swallowed)
/// or a real one, passed to the disposition the capture borrowed the signal from.
///
/// - Signal safety: safe. Atomics, futex(2), and the borrowed handler (see `CaptureSignalForwarding`).
@_noAllocation @_noLocks
func captureSignalEntry(_ signal: CInt, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let savedErrno = SafeLibc.errno()
    defer { SafeLibc.setErrno(savedErrno) }
    guard let session = captureSession else { return }
    if let context, session.pointee.active.load(ordering: .acquiring) != 0,
       CaptureSignalForwarding.answer(session, signal: signal, context: context) {
        return
    }
    CaptureSignalForwarding.forward(session, signal: signal, info: info, context: context)
}

/// The two halves of `captureSignalEntry`.
enum CaptureSignalForwarding {
    /// Answers a capture request addressed to this thread. Returns false when there is none.
    ///
    /// - Signal safety: safe. Atomics and futex(2); the wait is bounded by `ThreadCapture.holdTimeout`.
    @_noAllocation @_noLocks
    static func answer(_ session: UnsafeMutablePointer<CaptureSession>, signal: CInt, context: UnsafeMutableRawPointer) -> Bool {
        let me = SafeLibc.gettid()
        let slots = session.pointee.slots
        let count = min(session.pointee.slotCount.load(ordering: .acquiring), session.pointee.capacity)
        var index = 0
        while index < count {
            let slot = slots + index
            if slot.pointee.tid == me && slot.pointee.signal == signal {
                // Read the release generation before answering, so a release cannot slip in between.
                let generation = session.pointee.releaseWord.load()
                let (claimed, _) = slot.pointee.state.compareExchange(
                    expected: CaptureSlot.requested, desired: CaptureSlot.capturing, ordering: .acquiringAndReleasing)
                if !claimed { return false }  // abandoned: too late, treated as a late signal
                if let fault = ThreadCapture.publishedFaultContext(session, tid: me) {
                    slot.pointee.registers = RegisterFile(context: fault)
                } else {
                    slot.pointee.registers = RegisterFile(context: UnsafeRawPointer(context))
                }
                slot.pointee.pthread = SafeLibc.pthreadSelf()
                slot.pointee.state.store(CaptureSlot.captured, ordering: .releasing)
                session.pointee.capturedWord.add(1)
                session.pointee.capturedWord.wakeAll()
                let start = SafeLibc.monotonicNanoseconds()
                var rounds = 0
                while session.pointee.releaseWord.load() == generation && rounds < 100_000 {
                    let elapsed = SafeLibc.monotonicNanoseconds() &- start
                    if elapsed >= ThreadCapture.holdTimeout { break }
                    session.pointee.releaseWord.wait(
                        whileEqualTo: generation, timeoutNanoseconds: max(ThreadCapture.holdTimeout - elapsed, 1))
                    rounds += 1
                }
                return true
            }
            index += 1
        }
        return false
    }

    /// A signal that is not a capture request: swallows one late capture signal if any is outstanding,
    /// otherwise hands the signal to the disposition that was in place before the capture borrowed it.
    ///
    /// - Signal safety: safe. Atomics, sigaction(2), and the borrowed handler (called through the C trampoline;
    ///   it is as safe as that handler is).
    @_noAllocation @_noLocks
    static func forward(
        _ session: UnsafeMutablePointer<CaptureSession>, signal: CInt,
        info: UnsafeMutablePointer<siginfo_t>?, context: UnsafeMutableRawPointer?
    ) {
        let candidate = CaptureSignals.index(of: signal)
        guard candidate >= 0 else { return }
        let late = session.pointee.late + candidate
        var rounds = 0
        while rounds < 64 {
            let pending = late.pointee.load(ordering: .acquiring)
            if pending == 0 { break }
            if late.pointee.compareExchange(expected: pending, desired: pending - 1, ordering: .acquiringAndReleasing).exchanged {
                return
            }
            rounds += 1
        }
        let borrowed = session.pointee.borrowed + candidate
        if PreviousHandler.call(borrowed, signal: signal, info: info, context: context) { return }
        DefaultAction.perform(signal: signal, disposition: borrowed) {
            withUnsafePointer(to: &session.pointee.captureAction) { action in
                _ = SafeLibc.sigaction(signal, action, nil)
            }
        }
    }
}

/// Carrying out a signal's default action from inside our handler, for chaining to SIG_DFL.
package enum DefaultAction {
    /// When `disposition` is SIG_DFL: installs it, unblocks `signal` for this thread and raises it, so the
    /// default action happens now (for most signals the process ends here); then, if the process survives (a
    /// signal whose default is to be ignored, or to stop), calls `reinstall` to put our handler back. Does
    /// nothing for SIG_IGN or a handler function.
    ///
    /// - Signal safety: safe. sigaction(2), rt_sigprocmask(2) and tgkill(2); `reinstall` is a non-escaping
    ///   closure the caller annotates.
    @_noAllocation @_noLocks
    package static func perform(signal: CInt, disposition: UnsafeMutablePointer<sigaction>, reinstall: () -> Void) {
        guard disposition.pointee.sa_flags & SA_SIGINFO == 0 else { return }
        let handler = disposition.pointee.__sigaction_handler.sa_handler
        let raw = handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
        guard raw == 0 else { return }  // SIG_IGN (1) or a function
        _ = SafeLibc.sigaction(signal, disposition, nil)
        SafeLibc.unblock(signal)
        SafeLibc.raise(signal)
        reinstall()
    }
}
