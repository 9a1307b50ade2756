// Dumps on a user signal: register and unregister.

import FaultCore

#if canImport(Glibc)
import Glibc
#endif

extension FaultHandler {
    /// Dumps the stacks whenever `signal` arrives, and keeps the program running.
    ///
    /// ```swift
    /// try FaultHandler.register(.user1)      // then: kill -USR1 <pid>
    /// ```
    ///
    /// The thread that receives the signal is dumped first (under `Current thread 0x…`, starting at the code the
    /// signal interrupted), then, with `allThreads`, every other thread. The handler is installed with
    /// `SA_RESTART`, so a `read()` or `write()` the signal interrupts is restarted rather than failing with
    /// `EINTR` (calls the kernel never restarts, such as `poll()` or `nanosleep()`, still return `EINTR`, as they
    /// do for any signal).
    ///
    /// Registering a signal again changes its output and options but keeps the disposition saved the first
    /// time, so ``unregister(_:)`` restores what was installed before the first registration.
    ///
    /// - Parameters:
    ///   - signal: The signal. Not a fatal signal (SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL, SIGTRAP: use
    ///     ``enable(output:allThreads:chain:maxThreads:)``), not SIGKILL or SIGSTOP, not glibc's reserved
    ///     real-time signals, and within 1...64.
    ///   - output: Where dumps go.
    ///   - allThreads: Dump every thread, or only the one that received the signal (`Stack (most recent call
    ///     first):`).
    ///   - chain: After the dump, call the handler that was installed before. If that was the default action,
    ///     it is carried out (for SIGUSR1, SIGTERM and most others: the process ends).
    ///   - maxThreads: The most thread blocks per dump, then `...`.
    /// - Throws: ``FaultHandlerError/invalidArgument(_:)`` for a signal that cannot be registered; other
    ///   ``FaultHandlerError`` cases if the output is invalid or the handler cannot be installed.
    public static func register(
        _ signal: Signal, output: Output = .standardError, allThreads: Bool = true, chain: Bool = false,
        maxThreads: Int = defaultMaxThreads
    ) throws {
        if let reason = UserSignalHandler.refusal(for: signal.rawValue) {
            throw FaultHandlerError.invalidArgument("cannot register \(signal): \(reason)")
        }
        try validate(maxThreads: maxThreads)
        try state.withLock { state in
            let destination = try output.open()
            Preparation.prepareForDumps()
            ThreadCapture.prepare(capacity: maxThreads)
            do {
                _ = try UserSignalHandler.install(
                    signal: signal.rawValue, fd: destination.fd, allThreads: allThreads, chain: chain,
                    maxThreads: maxThreads)
            } catch let error as SystemError {
                destination.close()
                throw FaultHandlerError.systemCallFailed(operation: error.operation, errno: error.errno)
            }
            state.userSignalOutputs[signal.rawValue]?.close()
            state.userSignalOutputs[signal.rawValue] = destination
        }
    }

    /// Stops dumping on `signal` and restores the disposition it had before the first
    /// ``register(_:output:allThreads:chain:maxThreads:)``.
    ///
    /// - Returns: `true` if the signal was registered, `false` otherwise (including for signals that can never
    ///   be registered).
    @discardableResult
    public static func unregister(_ signal: Signal) -> Bool {
        state.withLock { state in
            guard UserSignalHandler.uninstall(signal: signal.rawValue) != nil else { return false }
            state.userSignalOutputs[signal.rawValue]?.close()
            state.userSignalOutputs[signal.rawValue] = nil
            return true
        }
    }
}
