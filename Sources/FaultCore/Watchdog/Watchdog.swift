// The watchdog behind `dumpTracebackLater`: one thread that sleeps until a deadline, then dumps every thread.
//
// The API thread never waits for the watchdog. It posts requests into a one-word mailbox (a pointer to a
// heap-allocated request, or `cancelMarker`) and wakes the watchdog with a futex. The watchdog takes the
// mailbox, owns the request from then on (and closes its descriptor when it retires it), computes its deadline
// on CLOCK_MONOTONIC and sleeps on the futex until then. A request posted before the watchdog took the previous
// one replaces it; the poster frees the replaced one. So cancelling never blocks, even during a dump (the dump
// finishes, nothing more is written), and after fork() the child simply starts from an empty state.

import CFaultHandlerSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One arming of the watchdog.
package struct WatchdogRequest {
    /// Time until the (first) dump.
    package var timeoutNanoseconds: UInt64
    /// When the request was made (CLOCK_MONOTONIC): the clock starts here.
    package var armedAt: UInt64
    /// The next dump is due at this time (CLOCK_MONOTONIC).
    package var deadline: UInt64
    package var repeating: Bool
    /// `_exit(1)` after the dump.
    package var exitAfterDump: Bool
    package var fd: CInt
    /// Close `fd` when the request is retired.
    package var ownsFd: Bool
    package var maxThreads: Int

    package init(timeoutNanoseconds: UInt64, repeating: Bool, exitAfterDump: Bool, fd: CInt, ownsFd: Bool, maxThreads: Int) {
        self.timeoutNanoseconds = timeoutNanoseconds
        self.armedAt = SafeLibc.monotonicNanoseconds()
        self.deadline = armedAt &+ timeoutNanoseconds
        self.repeating = repeating
        self.exitAfterDump = exitAfterDump
        self.fd = fd
        self.ownsFd = ownsFd
        self.maxThreads = maxThreads
    }
}

/// Shared between the API and the watchdog thread. Allocated once, never freed.
package struct WatchdogState: ~Copyable {
    /// 0 (empty), `Watchdog.cancelMarker`, or the address of a posted `WatchdogRequest`.
    package let mailbox = Atomic<UInt>(0)
    /// Incremented on every post; the watchdog sleeps on it.
    package let wakeWord = FutexWord.allocate()
    /// 1 while a watchdog thread exists in this process.
    package let threadRunning = Atomic<UInt32>(0)
    /// The kernel tid of the watchdog thread (0 when none).
    package let threadID = Atomic<Int32>(0)
    /// The request the watchdog is working on (owned by the watchdog thread; read by the fork child handler).
    package var current: UnsafeMutablePointer<WatchdogRequest>? = nil
    /// Number of dumps written (for tests and statistics).
    package let dumpCount = Atomic<Int>(0)
}

/// Filled at the first arming; nil before.
nonisolated(unsafe) private var watchdogStateStorage: UnsafeMutablePointer<WatchdogState>? = nil

/// The watchdog's state, or nil before the first `Watchdog.arm`.
package var watchdogState: UnsafeMutablePointer<WatchdogState>? {
    @_noAllocation @_noLocks get { watchdogStateStorage }
    set { watchdogStateStorage = newValue }
}

/// Arms, re-arms and cancels the watchdog.
package enum Watchdog {
    /// The mailbox value meaning "cancel".
    package static var cancelMarker: UInt { @_noAllocation @_noLocks get { 1 } }
    /// The longest timeout accepted: one year.
    package static var maximumTimeoutNanoseconds: UInt64 { 365 * 24 * 3600 * 1_000_000_000 }

    /// Posts `request` (replacing an armed one and restarting the clock), starting the watchdog thread if there
    /// is none in this process. Ownership of the request's descriptor passes to the watchdog.
    ///
    /// - Signal safety: unsafe. Allocates and may start a thread; call outside signal handlers only.
    package static func arm(_ request: WatchdogRequest) throws(SystemError) {
        let state = prepareState()
        if state.pointee.threadRunning.load(ordering: .acquiring) == 0 {
            try startThread(state)
        }
        let pointer = UnsafeMutablePointer<WatchdogRequest>.allocate(capacity: 1)
        pointer.initialize(to: request)
        post(UInt(bitPattern: pointer), state: state)
    }

    /// Cancels a pending dump. Never waits: a dump already being written completes, nothing follows it.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only (it may free a request).
    package static func cancel() {
        guard let state = watchdogState else { return }
        post(cancelMarker, state: state)
        if state.pointee.threadRunning.load(ordering: .acquiring) == 0 {
            // No watchdog (e.g. in a forked child): nobody takes the mailbox, so empty it here.
            retire(state.pointee.mailbox.exchange(0, ordering: .acquiringAndReleasing))
        }
    }

    /// Whether a request is posted or being worked on.
    package static var isArmed: Bool {
        guard let state = watchdogState else { return false }
        let posted = state.pointee.mailbox.load(ordering: .acquiring)
        if posted == cancelMarker { return false }
        return posted != 0 || state.pointee.current != nil
    }

    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func post(_ value: UInt, state: UnsafeMutablePointer<WatchdogState>) {
        let replaced = state.pointee.mailbox.exchange(value, ordering: .acquiringAndReleasing)
        retire(replaced)
        state.pointee.wakeWord.add(1)
        state.pointee.wakeWord.wakeAll()
    }

    /// Closes and frees a request that left the mailbox without being used.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func retire(_ value: UInt) {
        guard value > cancelMarker, let request = UnsafeMutablePointer<WatchdogRequest>(bitPattern: value) else { return }
        if request.pointee.ownsFd { _ = Glibc.close(request.pointee.fd) }
        request.deallocate()
    }

    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    static func prepareState() -> UnsafeMutablePointer<WatchdogState> {
        if let state = watchdogState { return state }
        let state = UnsafeMutablePointer<WatchdogState>.allocate(capacity: 1)
        state.initialize(to: WatchdogState())
        watchdogState = state
        pthread_atfork(nil, nil, { Watchdog.resetAfterFork() })
        return state
    }

    /// pthread_atfork child handler: the child has no watchdog thread and no other threads. Closes the
    /// inherited descriptors of the parent's requests and frees nothing else (the memory is the parent's
    /// copy); resets the capture session and workspace claims that a parent thread may have held.
    ///
    /// - Signal safety: unsafe. Runs in the child right after fork().
    static func resetAfterFork() {
        ThreadCapture.resetAfterFork()
        dumpWorkspacePool?.pointee.resetAfterFork()
        guard let state = watchdogState else { return }
        state.pointee.threadRunning.store(0, ordering: .releasing)
        state.pointee.threadID.store(0, ordering: .releasing)
        if let current = state.pointee.current, current.pointee.ownsFd { _ = Glibc.close(current.pointee.fd) }
        state.pointee.current = nil
        retire(state.pointee.mailbox.exchange(0, ordering: .acquiringAndReleasing))
    }

    /// Starts the watchdog thread (detached, every signal blocked).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func startThread(_ state: UnsafeMutablePointer<WatchdogState>) throws(SystemError) {
        // Block every signal before creating the thread, so it starts with them blocked (no window in which
        // a process-directed signal could land on it); restore our own mask afterwards.
        var all = sigset_t()
        var saved = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        state.pointee.threadRunning.store(1, ordering: .releasing)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { _ in
            WatchdogThread.run()
            return nil
        }, nil)
        if result != 0 {
            state.pointee.threadRunning.store(0, ordering: .releasing)
            throw SystemError(operation: "pthread_create", errno: result)
        }
        pthread_detach(thread)
        // Wait (briefly) until the thread has published its tid, so dumps from now on leave it out.
        var rounds = 0
        while state.pointee.threadID.load(ordering: .acquiring) == 0 && rounds < 1000 {
            usleep(1000)
            rounds += 1
        }
    }
}
