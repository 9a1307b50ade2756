// Prepared state for stopping the other threads of the process during an all-threads dump.

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One other thread during a capture: which signal it was sent, and what its handler copied.
package struct CaptureSlot: ~Copyable {
    /// Progress of the capture (`CaptureSlot.idle` ... `CaptureSlot.blocked`).
    package let state = Atomic<UInt32>(0)
    /// The thread's kernel id.
    package var tid: CInt = 0
    /// The signal sent to it (0 when none could be used).
    package var signal: CInt = 0
    /// Its pthread_self(), stored by the thread itself.
    package var pthread: UInt = 0
    /// The registers of the interrupted code, stored by the thread itself.
    package var registers = RegisterFile()

    /// Not in use.
    package static var idle: UInt32 { @_noAllocation @_noLocks get { 0 } }
    /// A signal was sent; the thread has not answered yet.
    package static var requested: UInt32 { @_noAllocation @_noLocks get { 1 } }
    /// The thread's handler is copying its registers.
    package static var capturing: UInt32 { @_noAllocation @_noLocks get { 2 } }
    /// Registers and pthread_t are stored; the thread waits for the release.
    package static var captured: UInt32 { @_noAllocation @_noLocks get { 3 } }
    /// The thread did not answer in time; a late handler returns at once.
    package static var abandoned: UInt32 { @_noAllocation @_noLocks get { 4 } }
    /// The thread blocks every signal that could interrupt it.
    package static var blocked: UInt32 { @_noAllocation @_noLocks get { 5 } }
    /// The signal could not be sent (the thread exited).
    package static var gone: UInt32 { @_noAllocation @_noLocks get { 6 } }
}

/// Everything one capture needs, allocated once at preparation. Only one capture runs at a time (`owner`).
package struct CaptureSession: ~Copyable {
    /// Kernel tid of the thread running a capture (or preparing the session), 0 when free.
    package let owner = Atomic<UInt32>(0)
    /// The tid of a fatal dump that keeps the other threads stopped until the process dies, or 0.
    package let held = Atomic<UInt32>(0)
    /// 1 while other threads are being captured (slots valid).
    package let active = Atomic<UInt32>(0)
    /// Number of slots in use in the current capture.
    package let slotCount = Atomic<Int>(0)
    /// Counts captured threads; the dumper sleeps on it.
    package let capturedWord = FutexWord.allocate()
    /// Incremented to release captured threads; they sleep on it.
    package let releaseWord = FutexWord.allocate()
    /// Slots, `capacity` of them (replaced by a larger array at preparation; old arrays are never freed).
    package var slots: UnsafeMutablePointer<CaptureSlot>
    package var capacity: Int
    /// getdents64 buffer for /proc/self/task.
    package let directoryBuffer: UnsafeMutableRawBufferPointer
    /// Buffer for /proc/self/task/<tid>/status.
    package let statusBuffer: UnsafeMutableRawBufferPointer
    /// The disposition installed on a borrowed signal while capturing (prepared: sigfillset is not used in
    /// the handler).
    package var captureAction = sigaction()
    /// The dispositions replaced while capturing, indexed like `CaptureSignals`.
    package let borrowed: UnsafeMutablePointer<sigaction>
    /// Bit i set: the capture handler is installed on `CaptureSignals.signal(at: i)`.
    package let installed = Atomic<UInt32>(0)
    /// Per borrowed signal: signals sent to threads that did not answer in time, still to be swallowed.
    package let late: UnsafeMutablePointer<Atomic<UInt32>>
    /// Threads inside the fatal-signal handler publish their fault context here (tid, ucontext address), so a
    /// capture of such a thread shows where it faulted rather than the handler waiting for its turn.
    package let faultTids: UnsafeMutablePointer<Atomic<Int32>>
    package let faultContexts: UnsafeMutablePointer<UInt>

    /// Number of `faultTids` entries.
    package static var faultEntries: Int { @_noAllocation @_noLocks get { 16 } }

    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    init(capacity: Int, handler: @escaping @convention(c) (CInt, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void) {
        self.capacity = capacity
        slots = Self.allocateSlots(capacity)
        directoryBuffer = .allocate(byteCount: 8192, alignment: 16)
        statusBuffer = .allocate(byteCount: 4096, alignment: 16)
        borrowed = .allocate(capacity: CaptureSignals.count)
        borrowed.initialize(repeating: sigaction(), count: CaptureSignals.count)
        late = .allocate(capacity: CaptureSignals.count)
        for index in 0..<CaptureSignals.count { (late + index).initialize(to: Atomic(0)) }
        faultTids = .allocate(capacity: Self.faultEntries)
        for index in 0..<Self.faultEntries { (faultTids + index).initialize(to: Atomic(0)) }
        faultContexts = .allocate(capacity: Self.faultEntries)
        faultContexts.initialize(repeating: 0, count: Self.faultEntries)
        // While a thread copies its registers and waits, every asynchronous signal stays blocked for it (they are
        // delivered after the release); faults are not blocked, so a fault there still dies at once.
        captureAction.__sigaction_handler.sa_sigaction = handler
        captureAction.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK
        sigfillset(&captureAction.sa_mask)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT] { sigdelset(&captureAction.sa_mask, signal) }
    }

    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    static func allocateSlots(_ capacity: Int) -> UnsafeMutablePointer<CaptureSlot> {
        let slots = UnsafeMutablePointer<CaptureSlot>.allocate(capacity: capacity)
        for index in 0..<capacity { (slots + index).initialize(to: CaptureSlot()) }
        return slots
    }
}

/// The signals an all-threads dump may borrow to interrupt another thread, in order of preference.
///
/// SIGPROF first: libdispatch and Swift concurrency worker threads block SIGUSR1, SIGUSR2 and most real-time
/// signals but not SIGPROF; some threads block SIGPROF, so SIGUSR1 and SIGUSR2 are the fallbacks (the set Swift's
/// runtime uses to suspend threads).
package enum CaptureSignals {
    /// Number of candidate signals.
    package static var count: Int { @_noAllocation @_noLocks get { 3 } }

    /// The candidate at `index` (SIGPROF, SIGUSR1, SIGUSR2), or 0.
    ///
    /// - Signal safety: safe. A switch over constants.
    @_noAllocation @_noLocks
    package static func signal(at index: Int) -> CInt {
        switch index {
        case 0: return SIGPROF
        case 1: return SIGUSR1
        case 2: return SIGUSR2
        default: return 0
        }
    }

    /// The index of `signal` among the candidates, or -1.
    ///
    /// - Signal safety: safe. A bounded loop over constants.
    @_noAllocation @_noLocks
    package static func index(of signal: CInt) -> Int {
        var index = 0
        while index < count {
            if self.signal(at: index) == signal { return index }
            index += 1
        }
        return -1
    }
}

/// Filled at preparation; nil before. Statically initialised, so handlers read it without a lock.
nonisolated(unsafe) private var captureSessionStorage: UnsafeMutablePointer<CaptureSession>? = nil

/// The prepared capture session, or nil before the first preparation (annotated accessor: see
/// `dumpWorkspacePool`).
package var captureSession: UnsafeMutablePointer<CaptureSession>? {
    @_noAllocation @_noLocks get { captureSessionStorage }
    set { captureSessionStorage = newValue }
}
