// Stopping the other threads of the process so their stacks can be unwound: each is sent a signal it does not
// block; its handler copies the interrupted registers and pthread_self() into a prepared slot, says so, and waits
// (bounded) until the dumper releases every thread.

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `ThreadCapture.suspendOthers` found.
package struct CaptureResult {
    /// Slots filled (threads listed, captured or not).
    package var count: Int
    /// More threads exist than were listed.
    package var more: Bool

    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    package init(count: Int, more: Bool) {
        self.count = count
        self.more = more
    }
}

/// Suspension of other threads for all-threads dumps.
package enum ThreadCapture {
    /// How long the dumper waits for the interrupted threads to answer, in total.
    package static var answerTimeout: UInt64 { @_noAllocation @_noLocks get { 250_000_000 } }
    /// How long an interrupted thread waits for its release before it resumes anyway.
    package static var holdTimeout: UInt64 { @_noAllocation @_noLocks get { 5_000_000_000 } }

    /// Allocates the session (once) and grows its slot array to at least `capacity` threads.
    ///
    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    package static func prepare(capacity: Int) {
        if captureSession == nil {
            let session = UnsafeMutablePointer<CaptureSession>.allocate(capacity: 1)
            session.initialize(to: CaptureSession(capacity: max(capacity, 100), handler: captureSignalEntry))
            captureSession = session
            return
        }
        guard let session = captureSession, session.pointee.capacity < capacity else { return }
        // Swap the slot array only while no capture runs; the old array is never freed (a late handler may
        // still be reading it).
        guard claim(session, timeoutNanoseconds: 5_000_000_000) else { return }
        if session.pointee.capacity < capacity {
            session.pointee.slots = CaptureSession.allocateSlots(capacity)
            session.pointee.capacity = capacity
        }
        unclaim(session)
    }

    /// Resets the session in a forked child, where the threads that were capturing no longer exist.
    ///
    /// - Signal safety: unsafe. Call from a pthread_atfork child handler only.
    package static func resetAfterFork() {
        guard let session = captureSession else { return }
        // A fork during a parent's capture leaves the capture handler installed on borrowed signals and late
        // answers counted for threads that do not exist here: put the borrowed dispositions back and forget them.
        var candidate = 0
        while candidate < CaptureSignals.count {
            let bit = UInt32(1) << UInt32(candidate)
            if session.pointee.installed.load(ordering: .acquiring) & bit != 0 {
                _ = SafeLibc.sigaction(CaptureSignals.signal(at: candidate), session.pointee.borrowed + candidate, nil)
            }
            (session.pointee.late + candidate).pointee.store(0, ordering: .releasing)
            candidate += 1
        }
        session.pointee.installed.store(0, ordering: .releasing)
        session.pointee.active.store(0, ordering: .releasing)
        session.pointee.slotCount.store(0, ordering: .releasing)
        session.pointee.owner.store(0, ordering: .releasing)
    }

    /// Takes the session for the calling thread, waiting at most `timeoutNanoseconds` for another capture to
    /// end. Fails at once if the caller already holds it (a fault inside its own dump).
    ///
    /// - Signal safety: safe. Atomic compare-exchange and clock_nanosleep(2); bounded.
    @_noAllocation @_noLocks
    package static func claim(_ session: UnsafeMutablePointer<CaptureSession>, timeoutNanoseconds: UInt64) -> Bool {
        let me = UInt32(truncatingIfNeeded: SafeLibc.gettid())
        let start = SafeLibc.monotonicNanoseconds()
        var rounds = 0
        while rounds < 1_000_000 {
            let (exchanged, owner) = session.pointee.owner.compareExchange(
                expected: 0, desired: me, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            if owner == me { return false }
            if SafeLibc.monotonicNanoseconds() &- start >= timeoutNanoseconds { return false }
            SafeLibc.sleep(nanoseconds: 1_000_000)
            rounds += 1
        }
        return false
    }

    /// Gives the session back.
    ///
    /// - Signal safety: safe. An atomic store.
    @_noAllocation @_noLocks
    package static func unclaim(_ session: UnsafeMutablePointer<CaptureSession>) {
        session.pointee.owner.store(0, ordering: .releasing)
    }

    /// Lists the other threads (not the caller, not the watchdog thread), at most `limit` of them, sends each a signal
    /// it does not block, and waits (at most `answerTimeout` in total) until they have stored their registers.
    /// The caller must hold the session, and must call `resumeAll` afterwards.
    ///
    /// - Signal safety: safe. getdents64/open/read/close/sigaction/tgkill/futex system calls; bounded by
    ///   `limit` and the timeouts.
    @_noAllocation @_noLocks
    package static func suspendOthers(_ session: UnsafeMutablePointer<CaptureSession>, limit: Int) -> CaptureResult {
        let me = SafeLibc.gettid()
        let pid = SafeLibc.getpid()
        // The watchdog thread blocks every signal and only ever sleeps or dumps: it is never listed.
        let watchdog = watchdogState?.pointee.threadID.load(ordering: .acquiring) ?? 0
        let slots = session.pointee.slots
        let capacity = min(max(limit, 0), session.pointee.capacity)
        var count = 0
        var more = false
        if var directory = TaskDirectory(buffer: session.pointee.directoryBuffer) {
            var seen = 0
            while let tid = directory.next(), seen < 1_000_000 {
                seen += 1
                if tid == me || tid == watchdog { continue }
                if count >= capacity {
                    more = true
                    break
                }
                (slots + count).pointee.tid = tid
                (slots + count).pointee.signal = 0
                (slots + count).pointee.pthread = 0
                (slots + count).pointee.state.store(CaptureSlot.idle, ordering: .relaxed)
                count += 1
            }
            directory.close()
        }
        // Choose each thread's signal from its blocked mask, then install the capture handler on those needed.
        // glibc blocks every signal in a new thread until its start routine runs: a thread that blocks all
        // candidates is looked at again a few times, 5 ms apart.
        var needed: UInt32 = 0
        var round = 0
        while round < 5 {
            var stillBlocked = 0
            var index = 0
            while index < count {
                let slot = slots + index
                let state = slot.pointee.state.load(ordering: .relaxed)
                if state == CaptureSlot.idle || state == CaptureSlot.blocked {
                    needed |= chooseSignal(slot, buffer: session.pointee.statusBuffer)
                    if slot.pointee.state.load(ordering: .relaxed) == CaptureSlot.blocked { stillBlocked += 1 }
                }
                index += 1
            }
            if stillBlocked == 0 { break }
            SafeLibc.sleep(nanoseconds: 5_000_000)
            round += 1
        }
        installCaptureHandlers(session, needed: needed)
        session.pointee.capturedWord.store(0)
        session.pointee.slotCount.store(count, ordering: .releasing)
        session.pointee.active.store(1, ordering: .releasing)

        var requested: UInt32 = 0
        var index = 0
        while index < count {
            let slot = slots + index
            if slot.pointee.signal != 0 {
                slot.pointee.state.store(CaptureSlot.requested, ordering: .releasing)
                if SafeLibc.tgkill(pid, slot.pointee.tid, slot.pointee.signal) == 0 {
                    requested += 1
                } else {
                    slot.pointee.state.store(CaptureSlot.gone, ordering: .releasing)
                }
            }
            index += 1
        }
        waitForAnswers(session, requested: requested)
        return CaptureResult(count: count, more: more)
    }

    /// Picks the first candidate signal the slot's thread does not block; marks the slot blocked when there is
    /// none, or gone when its status cannot be read. Returns the candidate's bit (0 when none).
    ///
    /// - Signal safety: safe. open/read/close of /proc/self/task/<tid>/status.
    @_noAllocation @_noLocks
    static func chooseSignal(_ slot: UnsafeMutablePointer<CaptureSlot>, buffer: UnsafeMutableRawBufferPointer) -> UInt32 {
        guard let blocked = ThreadSignalMask.blocked(tid: slot.pointee.tid, buffer: buffer) else {
            slot.pointee.state.store(CaptureSlot.gone, ordering: .relaxed)
            return 0
        }
        var candidate = 0
        while candidate < CaptureSignals.count {
            let signal = CaptureSignals.signal(at: candidate)
            if blocked & (UInt64(1) << UInt64(signal - 1)) == 0 {
                slot.pointee.signal = signal
                slot.pointee.state.store(CaptureSlot.idle, ordering: .relaxed)
                return UInt32(1) << UInt32(candidate)
            }
            candidate += 1
        }
        slot.pointee.state.store(CaptureSlot.blocked, ordering: .relaxed)
        return 0
    }

    /// Waits until `requested` threads answered or the time is up, then marks the silent ones abandoned.
    ///
    /// - Signal safety: safe. futex(2) and atomics; bounded by `answerTimeout` plus 10 ms.
    @_noAllocation @_noLocks
    static func waitForAnswers(_ session: UnsafeMutablePointer<CaptureSession>, requested: UInt32) {
        let start = SafeLibc.monotonicNanoseconds()
        var rounds = 0
        while rounds < 100_000 {
            let captured = session.pointee.capturedWord.load()
            if captured >= requested { break }
            let elapsed = SafeLibc.monotonicNanoseconds() &- start
            if elapsed >= answerTimeout { break }
            session.pointee.capturedWord.wait(whileEqualTo: captured, timeoutNanoseconds: max(answerTimeout - elapsed, 1))
            rounds += 1
        }
        let slots = session.pointee.slots
        let count = session.pointee.slotCount.load(ordering: .acquiring)
        var index = 0
        while index < count {
            let slot = slots + index
            let (abandoned, state) = slot.pointee.state.compareExchange(
                expected: CaptureSlot.requested, desired: CaptureSlot.abandoned, ordering: .acquiringAndReleasing)
            if abandoned {
                let candidate = CaptureSignals.index(of: slot.pointee.signal)
                if candidate >= 0 { (session.pointee.late + candidate).pointee.wrappingAdd(1, ordering: .acquiringAndReleasing) }
            } else if state == CaptureSlot.capturing {
                // The handler is between its claim and its store: a few instructions. Give it up to 10 ms.
                var spins = 0
                while spins < 10 && slot.pointee.state.load(ordering: .acquiring) == CaptureSlot.capturing {
                    SafeLibc.sleep(nanoseconds: 1_000_000)
                    spins += 1
                }
            }
            index += 1
        }
    }

    /// Releases every captured thread and puts back the borrowed signal dispositions (except where a signal
    /// is still on its way to a thread that did not answer: there the capture handler stays, to swallow it).
    ///
    /// - Signal safety: safe. Atomics, futex(2) and sigaction(2).
    @_noAllocation @_noLocks
    package static func resumeAll(_ session: UnsafeMutablePointer<CaptureSession>) {
        session.pointee.active.store(0, ordering: .releasing)
        session.pointee.releaseWord.add(1)
        session.pointee.releaseWord.wakeAll()
        var candidate = 0
        while candidate < CaptureSignals.count {
            let bit = UInt32(1) << UInt32(candidate)
            if session.pointee.installed.load(ordering: .acquiring) & bit != 0
                && (session.pointee.late + candidate).pointee.load(ordering: .acquiring) == 0 {
                _ = SafeLibc.sigaction(CaptureSignals.signal(at: candidate), session.pointee.borrowed + candidate, nil)
                session.pointee.installed.bitwiseAnd(~bit, ordering: .acquiringAndReleasing)
            }
            candidate += 1
        }
    }

    /// Releases threads that a fatal dump kept stopped (`AllThreadsDump.write(keepOthersStopped: true)`), when
    /// the caller is the thread that stopped them; does nothing otherwise.
    ///
    /// - Signal safety: safe. Atomics, futex(2) and sigaction(2).
    @_noAllocation @_noLocks
    package static func releaseHeldThreads() {
        guard let session = captureSession else { return }
        let me = UInt32(truncatingIfNeeded: SafeLibc.gettid())
        guard session.pointee.held.load(ordering: .acquiring) == me else { return }
        session.pointee.held.store(0, ordering: .releasing)
        resumeAll(session)
        unclaim(session)
    }

    /// Installs the capture handler on each needed candidate signal that does not have it yet, saving the
    /// disposition it replaces.
    ///
    /// - Signal safety: safe. sigaction(2).
    @_noAllocation @_noLocks
    static func installCaptureHandlers(_ session: UnsafeMutablePointer<CaptureSession>, needed: UInt32) {
        var candidate = 0
        while candidate < CaptureSignals.count {
            let bit = UInt32(1) << UInt32(candidate)
            if needed & bit != 0 && session.pointee.installed.load(ordering: .acquiring) & bit == 0 {
                let result = withUnsafePointer(to: &session.pointee.captureAction) { action in
                    SafeLibc.sigaction(CaptureSignals.signal(at: candidate), action, session.pointee.borrowed + candidate)
                }
                if result == 0 { session.pointee.installed.bitwiseOr(bit, ordering: .acquiringAndReleasing) }
            }
            candidate += 1
        }
    }

    /// Changes the disposition of `signal` for a caller outside the capture machinery (`register`): when the
    /// capture handler currently sits on that signal, the borrowed disposition is exchanged instead, so the
    /// capture puts the new one back when it ends. Returns 0 or -errno.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only (it waits for a running capture).
    package static func exchangeDisposition(
        _ signal: CInt, _ action: UnsafePointer<sigaction>, previous: UnsafeMutablePointer<sigaction>?
    ) -> Int {
        guard let session = captureSession, CaptureSignals.index(of: signal) >= 0 else {
            return SafeLibc.sigaction(signal, action, previous)
        }
        let claimed = claim(session, timeoutNanoseconds: 5_000_000_000)
        defer { if claimed { unclaim(session) } }
        let candidate = CaptureSignals.index(of: signal)
        let bit = UInt32(1) << UInt32(candidate)
        if session.pointee.installed.load(ordering: .acquiring) & bit != 0 {
            if let previous { previous.pointee = session.pointee.borrowed[candidate] }
            session.pointee.borrowed[candidate] = action.pointee
            return 0
        }
        return SafeLibc.sigaction(signal, action, previous)
    }

    /// Called by the fatal-signal handler on entry: records this thread's fault context so that a capture of
    /// this thread (while it waits for another thread's dump) shows the fault, not the handler.
    ///
    /// - Signal safety: safe. Atomic compare-exchange over 16 entries.
    @_noAllocation @_noLocks
    package static func publishFaultContext(_ context: UnsafeMutableRawPointer?) {
        guard let session = captureSession, let context else { return }
        let me = SafeLibc.gettid()
        var index = 0
        while index < CaptureSession.faultEntries {
            let entry = session.pointee.faultTids + index
            let current = entry.pointee.load(ordering: .acquiring)
            if current == me || (current == 0 && entry.pointee.compareExchange(
                expected: 0, desired: me, ordering: .acquiringAndReleasing).exchanged) {
                session.pointee.faultContexts[index] = UInt(bitPattern: context)
                return
            }
            index += 1
        }
    }

    /// Removes this thread's published fault context (the fatal handler returns to the program).
    ///
    /// - Signal safety: safe. Atomic stores over 16 entries.
    @_noAllocation @_noLocks
    package static func withdrawFaultContext() {
        guard let session = captureSession else { return }
        let me = SafeLibc.gettid()
        var index = 0
        while index < CaptureSession.faultEntries {
            let entry = session.pointee.faultTids + index
            if entry.pointee.load(ordering: .acquiring) == me {
                session.pointee.faultContexts[index] = 0
                entry.pointee.store(0, ordering: .releasing)
            }
            index += 1
        }
    }

    /// This thread's published fault context, or nil.
    ///
    /// - Signal safety: safe. Atomic loads over 16 entries.
    @_noAllocation @_noLocks
    static func publishedFaultContext(_ session: UnsafeMutablePointer<CaptureSession>, tid: CInt) -> UnsafeRawPointer? {
        var index = 0
        while index < CaptureSession.faultEntries {
            if (session.pointee.faultTids + index).pointee.load(ordering: .acquiring) == tid {
                return UnsafeRawPointer(bitPattern: session.pointee.faultContexts[index])
            }
            index += 1
        }
        return nil
    }
}
