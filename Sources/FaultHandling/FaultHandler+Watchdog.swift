// Dumps after a timeout: dumpTracebackLater and cancelDumpTracebackLater.

import FaultCore

#if canImport(Glibc)
import Glibc
#endif

extension FaultHandler {
    /// Dumps every thread after `timeout`, unless cancelled first: a watchdog for hangs.
    ///
    /// ```swift
    /// try FaultHandler.dumpTracebackLater(after: .seconds(30), exit: true)
    /// runStepThatMayHang()
    /// FaultHandler.cancelDumpTracebackLater()
    /// ```
    ///
    /// The dump starts with `Timeout (H:MM:SS.ffffff)!` and lists every thread under `Thread 0x…` (the
    /// watchdog thread itself is not listed). It is written by a dedicated thread that sleeps on the monotonic
    /// clock (so changes of the wall clock do not matter; the resolution is well below a millisecond), with the
    /// same allocation-free code as a crash dump.
    ///
    /// Calling it again replaces the pending dump and restarts the clock. After `fork()`, the child starts
    /// with nothing armed; arming there starts a new watchdog thread in the child.
    ///
    /// - Parameters:
    ///   - timeout: Time until the dump; more than zero and at most a year.
    ///   - repeating: Dump again every `timeout` (measured from the end of the previous dump) until cancelled.
    ///   - output: Where the dump goes.
    ///   - exit: End the process with `_exit(1)` after the dump (no atexit handlers, no buffer flushing).
    ///   - maxThreads: The most thread blocks per dump, then `...`.
    /// - Throws: ``FaultHandlerError/invalidArgument(_:)`` for a bad timeout; other ``FaultHandlerError``
    ///   cases if the output is invalid or the watchdog thread cannot be started.
    public static func dumpTracebackLater(
        after timeout: Duration, repeating: Bool = false, output: Output = .standardError, exit: Bool = false,
        maxThreads: Int = defaultMaxThreads
    ) throws {
        let nanoseconds = try validatedNanoseconds(timeout)
        try validate(maxThreads: maxThreads)
        try state.withLock { _ in
            let destination = try output.open()
            Preparation.prepareForDumps()
            ThreadCapture.prepare(capacity: maxThreads)
            let request = WatchdogRequest(
                timeoutNanoseconds: nanoseconds, repeating: repeating, exitAfterDump: exit, fd: destination.fd,
                ownsFd: destination.owned, maxThreads: maxThreads)
            do {
                try Watchdog.arm(request)
            } catch let error as SystemError {
                destination.close()
                throw FaultHandlerError.systemCallFailed(operation: error.operation, errno: error.errno)
            }
        }
    }

    /// Cancels the dump armed by ``dumpTracebackLater(after:repeating:output:exit:maxThreads:)``.
    ///
    /// Returns at once: it never waits for the watchdog, so it cannot deadlock, also while a dump is being
    /// written (that dump completes; nothing follows it) and in a forked child. Does nothing when nothing is
    /// armed.
    public static func cancelDumpTracebackLater() {
        state.withLock { _ in Watchdog.cancel() }
    }

    /// The timeout in nanoseconds, rounded up; throws unless it is in (0, 1 year].
    static func validatedNanoseconds(_ timeout: Duration) throws(FaultHandlerError) -> UInt64 {
        let (seconds, attoseconds) = timeout.components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else {
            throw .invalidArgument("timeout must be greater than 0, not \(timeout)")
        }
        let maximum = Watchdog.maximumTimeoutNanoseconds
        guard UInt64(seconds) <= maximum / 1_000_000_000 else {
            throw .invalidArgument("timeout must be at most one year, not \(timeout)")
        }
        let nanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64((attoseconds + 999_999_999) / 1_000_000_000)
        guard nanoseconds <= maximum else {
            throw .invalidArgument("timeout must be at most one year, not \(timeout)")
        }
        return nanoseconds
    }
}
