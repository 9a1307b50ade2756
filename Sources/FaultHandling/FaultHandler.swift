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
    /// - Throws: ``FaultHandlerError`` if the output is invalid or a handler cannot be installed.
    public static func enable(output: Output = .standardError, allThreads: Bool = true, chain: Bool = false) throws {
        try state.withLock { state in
            let destination = try output.open()
            Preparation.prepareForDumps()
            Preparation.watchLoadedImages()
            AlternateStack.installForCurrentThread()
            do {
                try FatalSignalHandler.install(fd: destination.fd, allThreads: allThreads, chain: chain)
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
    ///   - allThreads: With `true` the header reads `Current thread 0x… (most recent call first):`; with
    ///     `false`, `Stack (most recent call first):`. Only the calling thread is dumped in this version.
    /// - Throws: ``FaultHandlerError`` if the output is invalid or the dump could not be written.
    public static func dumpTraceback(output: Output = .standardError, allThreads: Bool = true) throws {
        let destination = try output.open()
        defer { destination.close() }
        Preparation.prepareForDumpsAndWait()
        let written = OnDemandDump.dumpCallingThread(fd: destination.fd, allThreads: allThreads)
        if !written {
            throw FaultHandlerError.writeFailed(output: output.description)
        }
    }

    /// State of the API, guarded by a mutex (never touched by signal handlers).
    private struct State: ~Copyable {
        var fatalOutput: OpenedOutput?
    }

    private static let state = Mutex(State())
}
