// Dumps on a user signal (`FaultHandler.register`): write the stacks, then keep running.

#if canImport(Glibc)
import Glibc
#endif

/// Settings of one registered signal. Read by the handler; written only by `UserSignalHandler`.
package struct UserSignalEntry {
    /// Whether our handler is installed for this signal.
    package var installed = false
    /// Where the dump goes.
    package var fd: CInt = 2
    package var allThreads = true
    package var chain = false
    package var maxThreads = 100
    /// The disposition replaced by the first registration (kept across re-registrations).
    package var previous = sigaction()
}

/// Filled at the first `register`; nil before. Statically initialised (no lazy-initialisation lock).
nonisolated(unsafe) private var userSignalTableStorage: UnsafeMutablePointer<UserSignalEntry>? = nil

/// The table of registered signals, indexed by signal number (0...64), or nil before the first registration.
package var userSignalTable: UnsafeMutablePointer<UserSignalEntry>? {
    @_noAllocation @_noLocks get { userSignalTableStorage }
    set { userSignalTableStorage = newValue }
}

/// Installs and removes the user-signal handler.
package enum UserSignalHandler {
    /// Table size: signals 1...64 (index 0 unused).
    package static var tableSize: Int { @_noAllocation @_noLocks get { 65 } }

    /// Why a signal cannot be registered, or nil if it can.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func refusal(for signal: CInt) -> String? {
        if signal < 1 || signal > 64 { return "signal number \(signal) is out of range (1...64)" }
        if FatalSignals.index(of: signal) != nil {
            return "signal \(signal) is a fatal signal: use enable() to dump on it"
        }
        if signal == SIGKILL || signal == SIGSTOP { return "signal \(signal) cannot be caught" }
        if signal > 31 && signal < SafeLibc.realtimeSignalMinimum() {
            return "signal \(signal) is reserved by the C library"
        }
        return nil
    }

    /// Installs the handler for `signal` or, when it is already installed, only updates the settings (so the
    /// disposition saved by the first registration is the one `uninstall` restores). Returns the descriptor of
    /// the previous settings when it was replaced (the caller closes it when it owns it), or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func install(
        signal: CInt, fd: CInt, allThreads: Bool, chain: Bool, maxThreads: Int
    ) throws(SystemError) -> CInt? {
        if userSignalTable == nil {
            let table = UnsafeMutablePointer<UserSignalEntry>.allocate(capacity: tableSize)
            table.initialize(repeating: UserSignalEntry(), count: tableSize)
            userSignalTable = table
        }
        let entry = userSignalTable! + Int(signal)
        let replacedFd: CInt? = entry.pointee.installed ? entry.pointee.fd : nil
        entry.pointee.fd = fd
        entry.pointee.allThreads = allThreads
        entry.pointee.chain = chain
        entry.pointee.maxThreads = maxThreads
        if entry.pointee.installed { return replacedFd }

        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = userSignalEntry
        // SA_RESTART: a read() interrupted in the receiving thread is restarted, not failed with EINTR.
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK
        sigemptyset(&action.sa_mask)
        let result = ThreadCapture.exchangeDisposition(signal, &action, previous: &entry.pointee.previous)
        if result != 0 { throw SystemError(operation: "sigaction", errno: CInt(-result)) }
        entry.pointee.installed = true
        return nil
    }

    /// Restores the disposition saved by the first `install`. Returns the descriptor the dumps went to, or
    /// nil if the signal was not registered.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func uninstall(signal: CInt) -> CInt? {
        guard signal >= 1 && signal <= 64, let table = userSignalTable else { return nil }
        let entry = table + Int(signal)
        guard entry.pointee.installed else { return nil }
        var previous = entry.pointee.previous
        _ = ThreadCapture.exchangeDisposition(signal, &previous, previous: nil)
        entry.pointee.installed = false
        return entry.pointee.fd
    }

    /// Whether `signal` is registered.
    package static func isInstalled(_ signal: CInt) -> Bool {
        guard signal >= 1 && signal <= 64, let table = userSignalTable else { return false }
        return table[Int(signal)].installed
    }
}

/// The SA_SIGINFO entry point for registered signals: dumps the receiving thread (the interrupted code, from the
/// signal context) and, with `allThreads`, every other thread; then chains if asked; the program goes on.
///
/// - Signal safety: safe. The dump uses a shared prepared workspace (claimed atomically with a bounded wait);
///   chaining calls the previous handler through the C trampoline or performs the default action.
@_noAllocation @_noLocks
func userSignalEntry(_ signal: CInt, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let savedErrno = SafeLibc.errno()
    defer { SafeLibc.setErrno(savedErrno) }
    guard signal >= 1 && signal <= 64, let table = userSignalTable else { return }
    let entry = table + Int(signal)
    guard entry.pointee.installed else { return }
    var registers = RegisterFile()
    if let context { registers = RegisterFile(context: context) }
    // A signal right after register() may arrive while symbols are still being prepared: wait, bounded.
    SymbolSlots.waitForPreparation(timeoutNanoseconds: 5_000_000_000)
    _ = TracebackDumper.dumpCurrentThread(
        fd: entry.pointee.fd, allThreads: entry.pointee.allThreads, registers: registers,
        skipOwnFrames: context == nil, maxThreads: entry.pointee.maxThreads)
    guard entry.pointee.chain else { return }
    if PreviousHandler.call(&entry.pointee.previous, signal: signal, info: info, context: context) { return }
    DefaultAction.perform(signal: signal, disposition: &entry.pointee.previous) {
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = userSignalEntry
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK
        _ = SafeLibc.sigaction(signal, &action, nil)
    }
}
