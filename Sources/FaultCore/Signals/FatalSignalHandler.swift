// The fatal-signal handler: dump once, then let the process die exactly as it would have.

import CFaultHandlerSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// State shared between `FatalSignalHandler.install` and the handler. Allocated once, never freed.
package struct FatalHandlerState: ~Copyable {
    /// 0 while no thread is dumping; otherwise the kernel tid of the thread that claimed the dump.
    package let claim = Atomic<UInt32>(0)
    /// The signal that started the current dump (so a fault inside the dump still dies by it).
    package let firstSignal = Atomic<Int32>(0)
    /// Descriptor the dump goes to (owned by the caller of `install`).
    package var fd: CInt = 2
    /// Dump every thread, or only the faulting one.
    package var allThreads = true
    /// Most thread blocks in an all-threads dump.
    package var maxThreads = 100
    /// After the dump, hand the signal to the handler that was installed before us.
    package var chain = false
    /// Whether our handlers are installed.
    package var installed = false
    /// The dispositions we replaced, indexed like `FatalSignals`.
    package var previous: UnsafeMutablePointer<sigaction>

    init() {
        previous = .allocate(capacity: FatalSignals.count)
        previous.initialize(repeating: sigaction(), count: FatalSignals.count)
    }
}

/// Filled by `FatalSignalHandler.install`; nil until the first install. Statically initialised, so the
/// handler can read it without a lazy-initialisation lock.
nonisolated(unsafe) private var fatalHandlerStateStorage: UnsafeMutablePointer<FatalHandlerState>? = nil

/// The fatal handler's state, or nil before the first install (annotated accessor: see `dumpWorkspacePool`).
package var fatalHandlerState: UnsafeMutablePointer<FatalHandlerState>? {
    @_noAllocation @_noLocks get { fatalHandlerStateStorage }
    set { fatalHandlerStateStorage = newValue }
}

/// Installs, removes and implements the fatal-signal handler.
package enum FatalSignalHandler {
    /// Installs the handler for SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL and SIGTRAP, or updates its
    /// settings when it is already installed. Re-arms after an earlier dump. The previous dispositions are
    /// saved on the first install only, so `uninstall` restores what was there before us.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func install(fd: CInt, allThreads: Bool, chain: Bool, maxThreads: Int = 100) throws(SystemError) {
        if fatalHandlerState == nil {
            let state = UnsafeMutablePointer<FatalHandlerState>.allocate(capacity: 1)
            state.initialize(to: FatalHandlerState())
            fatalHandlerState = state
        }
        let state = fatalHandlerState!
        state.pointee.fd = fd
        state.pointee.allThreads = allThreads
        state.pointee.maxThreads = maxThreads
        state.pointee.chain = chain
        state.pointee.claim.store(0, ordering: .releasing)
        if state.pointee.installed { return }

        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = fatalSignalEntry
        // SA_ONSTACK: run on the alternate stack (stack overflow). SA_NODEFER: a fault inside the dump is
        // delivered at once (and ends it) instead of being blocked until the handler returns.
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER
        sigemptyset(&action.sa_mask)
        var index = 0
        while index < FatalSignals.count {
            let signal = FatalSignals.signal(at: index)
            let result = SafeLibc.sigaction(signal, &action, state.pointee.previous + index)
            if result != 0 {
                // Put back what we already replaced, then report.
                var undo = 0
                while undo < index {
                    _ = SafeLibc.sigaction(FatalSignals.signal(at: undo), state.pointee.previous + undo, nil)
                    undo += 1
                }
                throw SystemError(operation: "sigaction", errno: CInt(-result))
            }
            index += 1
        }
        state.pointee.installed = true
    }

    /// Restores the dispositions that were in place before `install`. Returns false if nothing was installed.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    @discardableResult
    package static func uninstall() -> Bool {
        guard let state = fatalHandlerState, state.pointee.installed else { return false }
        restorePrevious(state)
        state.pointee.installed = false
        return true
    }

    /// True while the handler is installed.
    package static var isInstalled: Bool { fatalHandlerState?.pointee.installed ?? false }

    /// Puts back the saved dispositions of every fatal signal.
    ///
    /// - Signal safety: safe. sigaction(2) only.
    @_noAllocation @_noLocks
    static func restorePrevious(_ state: UnsafeMutablePointer<FatalHandlerState>) {
        var index = 0
        while index < FatalSignals.count {
            _ = SafeLibc.sigaction(FatalSignals.signal(at: index), state.pointee.previous + index, nil)
            index += 1
        }
    }

    /// Sets every fatal signal to SIG_DFL, so the next one kills the process (with a core dump where the
    /// system is configured for it).
    ///
    /// - Signal safety: safe. sigaction(2) only.
    @_noAllocation @_noLocks
    static func restoreDefaults() {
        var action = sigaction()  // zeroed: SIG_DFL, no flags, empty mask
        var index = 0
        while index < FatalSignals.count {
            _ = SafeLibc.sigaction(FatalSignals.signal(at: index), &action, nil)
            index += 1
        }
    }
}

/// The SA_SIGINFO entry point for fatal signals.
///
/// Order of work: save errno; claim the dump atomically (a second fault in the same thread means the dump
/// itself crashed: die by the first signal at once; a fault in another thread waits, bounded, for the first
/// dump to end the process); write the dump; restore the previous or default dispositions; restore errno;
/// then chain, return to re-fault, or re-raise, so the process dies by the original signal.
///
/// - Signal safety: safe. Everything it calls is annotated and uses only async-signal-safe system calls.
@_noAllocation @_noLocks
func fatalSignalEntry(_ signal: CInt, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let savedErrno = SafeLibc.errno()
    defer { SafeLibc.setErrno(savedErrno) }
    guard let state = fatalHandlerState else {
        FatalSignalHandler.restoreDefaults()
        SafeLibc.raise(signal)
        return
    }
    // Another thread's all-threads dump may stop this one while it waits below: show it where it faulted.
    ThreadCapture.publishFaultContext(context)
    defer { ThreadCapture.withdrawFaultContext() }
    let me = UInt32(truncatingIfNeeded: SafeLibc.gettid())
    let (claimed, owner) = state.pointee.claim.compareExchange(expected: 0, desired: me, ordering: .acquiringAndReleasing)
    if !claimed {
        if owner == me {
            // A fault inside our own dump: stop dumping and die by the signal that started it.
            FatalSignalHandler.restoreDefaults()
            SafeLibc.raise(state.pointee.firstSignal.load(ordering: .acquiring))
            SafeLibc.raise(signal)
            return
        }
        // Another thread is dumping and will end the process; give it time (bounded: 10 s), then die anyway.
        var waited = 0
        while waited < 1000 && state.pointee.claim.load(ordering: .acquiring) != 0 {
            SafeLibc.sleep(nanoseconds: 10_000_000)
            waited += 1
        }
        FatalSignalHandler.restoreDefaults()
        SafeLibc.raise(signal)
        return
    }
    state.pointee.firstSignal.store(signal, ordering: .releasing)
    let code = info?.pointee.si_code ?? 0
    TracebackDumper.dumpFatal(
        signal: signal, info: info, context: context,
        fd: state.pointee.fd, allThreads: state.pointee.allThreads, maxThreads: state.pointee.maxThreads)

    let chain = state.pointee.chain
    let index = FatalSignals.index(of: signal) ?? 0
    if chain {
        FatalSignalHandler.restorePrevious(state)
    } else {
        FatalSignalHandler.restoreDefaults()
    }
    // The other threads stay stopped until the process dies, except when another handler takes over.
    if chain { ThreadCapture.releaseHeldThreads() }
    if chain && PreviousHandler.call(state.pointee.previous + index, signal: signal, info: info, context: context) {
        return
    }
    if FatalSignals.refaultsOnReturn(signal: signal, code: code) {
        return  // the faulting instruction runs again under the restored disposition
    }
    SafeLibc.raise(signal)
    ThreadCapture.releaseHeldThreads()  // still alive: the signal did not end the process
}
