// The public API: enable, disable and on-demand dumps.

import FaultCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Dumps the stacks of a Swift program's threads on a crash, on demand, after a timeout or on a signal.
///
/// `FaultHandler` is Python's `faulthandler` for Swift on Linux. Enable it once, early:
///
/// ```swift
/// import FaultHandling
///
/// try FaultHandler.enable()
/// ```
///
/// From then on a fatal signal (SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL, SIGTRAP — including Swift runtime
/// traps such as `fatalError`, force-unwrapping `nil` or an index out of range) writes the faulting thread's
/// stack to standard error before the process dies by that same signal, with the same exit status and core dump
/// it would have had. The dump is produced inside the signal handler without allocating memory or taking locks.
///
/// The output format is described in `docs/output-format.md`.
public enum FaultHandler {
    /// The library version as (major, minor, patch).
    public static let version: (major: Int, minor: Int, patch: Int) = (0, 1, 0)

    /// The library version as text, e.g. `"0.1.0"`.
    public static let versionString = "0.1.0"

    /// Installs the fatal-signal handlers for SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL and SIGTRAP.
    ///
    /// Calling `enable` again replaces the output and options and re-arms the handler, even after an earlier
    /// dump. The calling thread gets an alternate signal stack, so a stack overflow on it is dumped too.
    ///
    /// On Linux, Swift's runtime installs its own crash reporter at startup. By default a dump replaces it: you
    /// see one report, ours, and the process then dies by the signal. Pass `chain: true` to hand the signal to
    /// whatever handler was installed before (Swift's backtracer, a sanitizer, a crash reporter) after our dump.
    /// ``disable()`` restores the previous handlers exactly.
    ///
    /// - Parameters:
    ///   - output: Where dumps go. The descriptor is duplicated (except for standard error), so closing or
    ///     reusing yours later cannot send a dump into an unrelated file.
    ///   - allThreads: Dump every thread (`true`) or only the faulting one.
    ///   - chain: After the dump, call the handler that was installed before instead of dying at once.
    ///   - maxThreads: With `allThreads`, the most thread blocks written (the faulting thread counts as one);
    ///     when more threads exist, a last line `...` says so. 1...10 000.
    /// - Throws: ``FaultHandlerError`` if the output is invalid or a handler cannot be installed.
    ///
    /// While enabled, every thread created afterwards (with `Thread`, `pthread_create`, by libdispatch or the
    /// Swift concurrency pool) also gets an alternate signal stack, so a stack overflow on it is dumped too; see
    /// `docs/threads.md` for exactly what is covered.
    public static func enable(
        output: Output = .standardError, allThreads: Bool = true, chain: Bool = false,
        maxThreads: Int = defaultMaxThreads
    ) throws {
        try validate(maxThreads: maxThreads)
        try state.withLock { state in
            let destination = try output.open()
            Preparation.prepareForDumps()
            Preparation.watchLoadedImages()
            ThreadCapture.prepare(capacity: maxThreads)
            AlternateStack.installForCurrentThread()
            AlternateStack.enableForNewThreads()
            do {
                try FatalSignalHandler.install(
                    fd: destination.fd, allThreads: allThreads, chain: chain, maxThreads: maxThreads)
            } catch let error as SystemError {
                destination.close()
                throw FaultHandlerError.systemCallFailed(operation: error.operation, errno: error.errno)
            }
            state.fatalOutput?.close()
            state.fatalOutput = destination
        }
    }

    /// Removes the fatal-signal handlers and restores the ones that were installed before ``enable(output:allThreads:chain:)``.
    ///
    /// - Returns: `true` if the handlers were enabled.
    @discardableResult
    public static func disable() -> Bool {
        state.withLock { state in
            let wasEnabled = FatalSignalHandler.uninstall()
            AlternateStack.disableForNewThreads()
            state.fatalOutput?.close()
            state.fatalOutput = nil
            return wasEnabled
        }
    }

    /// Whether the fatal-signal handlers are installed.
    public static var isEnabled: Bool {
        state.withLock { _ in FatalSignalHandler.isInstalled }
    }

    /// Writes the calling thread's stack now, and keeps running.
    ///
    /// The dump starts at the caller of `dumpTraceback`. It is produced by the same allocation-free code as a
    /// crash dump, so it is also safe to call from a signal handler of your own.
    ///
    /// - Parameters:
    ///   - output: Where the dump goes.
    ///   - allThreads: With `true`, the calling thread under `Current thread 0x… (most recent call first):`,
    ///     then every other thread under `Thread 0x…` (each is stopped briefly with a signal while its stack is
    ///     read); with `false`, only the calling thread, under `Stack (most recent call first):`.
    ///   - maxThreads: The most thread blocks written (the calling thread counts as one), then `...`.
    /// - Throws: ``FaultHandlerError`` if the output is invalid or the dump could not be written.
    public static func dumpTraceback(
        output: Output = .standardError, allThreads: Bool = true, maxThreads: Int = defaultMaxThreads
    ) throws {
        try validate(maxThreads: maxThreads)
        let destination = try output.open()
        defer { destination.close() }
        Preparation.prepareForDumpsAndWait()
        ThreadCapture.prepare(capacity: maxThreads)
        let written = OnDemandDump.dumpCallingThread(
            fd: destination.fd, allThreads: allThreads, maxThreads: maxThreads)
        if !written {
            throw FaultHandlerError.writeFailed(output: output.description)
        }
    }

    /// The default cap on thread blocks per dump, as in Python's faulthandler.
    public static let defaultMaxThreads = 100

    /// Throws unless `maxThreads` is in 1...10 000.
    static func validate(maxThreads: Int) throws(FaultHandlerError) {
        guard maxThreads >= 1 && maxThreads <= 10_000 else {
            throw .invalidArgument("maxThreads must be between 1 and 10000, not \(maxThreads)")
        }
    }

    /// State of the API, guarded by a mutex (never touched by signal handlers).
    struct State: ~Copyable {
        var fatalOutput: OpenedOutput?
        /// Outputs of registered signals, by signal number.
        var userSignalOutputs: [CInt: OpenedOutput] = [:]
    }

    static let state = Mutex(State())
}
