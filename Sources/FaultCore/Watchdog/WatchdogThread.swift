// The watchdog thread's loop and its dump.

import CFaultHandlerSupport

#if canImport(Glibc)
import Glibc
#endif

/// The body of the watchdog thread.
enum WatchdogThread {
    /// Takes requests from the mailbox, sleeps until the current one is due, dumps, and repeats. Never returns
    /// (the thread lives as long as the process; it sleeps without a timeout while nothing is armed).
    ///
    /// - Signal safety: unsafe. Runs on its own thread, not in a signal handler; the dump itself
    ///   (`WatchdogDump.write`) is allocation-free and lock-free.
    static func run() {
        guard let state = watchdogState else { return }
        state.pointee.threadID.store(SafeLibc.gettid(), ordering: .releasing)
        while true {
            let word = state.pointee.wakeWord.load()
            takeMailbox(state)
            guard let request = state.pointee.current else {
                state.pointee.wakeWord.wait(whileEqualTo: word, timeoutNanoseconds: 0)
                continue
            }
            let now = SafeLibc.monotonicNanoseconds()
            if now < request.pointee.deadline {
                state.pointee.wakeWord.wait(whileEqualTo: word, timeoutNanoseconds: request.pointee.deadline - now)
                continue
            }
            cfh_watchdog_observe(0)
            WatchdogDump.write(request)
            cfh_watchdog_observe(1)
            state.pointee.dumpCount.wrappingAdd(1, ordering: .acquiringAndReleasing)
            // A request posted during the dump (cancel or re-arm) wins over exit and repeat.
            if state.pointee.mailbox.load(ordering: .acquiring) != 0 { continue }
            if request.pointee.exitAfterDump { SafeLibc.exit(1) }
            if request.pointee.repeating {
                request.pointee.deadline = SafeLibc.monotonicNanoseconds() &+ request.pointee.timeoutNanoseconds
            } else {
                retireCurrent(state)
            }
        }
    }

    /// Replaces the current request with a posted one (or none, for a cancel).
    ///
    /// - Signal safety: unsafe. Closes descriptors and frees memory; watchdog thread only.
    static func takeMailbox(_ state: UnsafeMutablePointer<WatchdogState>) {
        let posted = state.pointee.mailbox.exchange(0, ordering: .acquiringAndReleasing)
        guard posted != 0 else { return }
        retireCurrent(state)
        if posted != Watchdog.cancelMarker {
            state.pointee.current = UnsafeMutablePointer<WatchdogRequest>(bitPattern: posted)
        }
    }

    /// Closes and frees the current request.
    ///
    /// - Signal safety: unsafe. Watchdog thread only.
    static func retireCurrent(_ state: UnsafeMutablePointer<WatchdogState>) {
        guard let current = state.pointee.current else { return }
        state.pointee.current = nil
        Watchdog.retire(UInt(bitPattern: current))
    }
}

/// The dump the watchdog writes.
package enum WatchdogDump {
    /// Writes `Timeout (H:MM:SS[.ffffff])!` and every thread except the watchdog itself, all under
    /// `Thread 0x…` headers.
    ///
    /// - Signal safety: safe. A shared prepared workspace (bounded claim), the all-threads capture, write(2).
    @_noAllocation @_noLocks
    static func write(_ request: UnsafeMutablePointer<WatchdogRequest>) {
        guard let pool = dumpWorkspacePool else { return }
        let slot = pool.pointee.claim()
        guard slot >= 0 else { return }
        defer { pool.pointee.release(slot) }
        let workspace = pool.pointee.slots + slot
        var signalGuard = OutputSignalGuard()  // a closed output pipe must not kill the program
        defer { signalGuard.end() }
        // Symbols still being prepared right after arming: wait a little, not long (the dump is due now).
        SymbolSlots.waitForPreparation(timeoutNanoseconds: 250_000_000)
        var writer = SignalSafeWriter(fd: request.pointee.fd, buffer: workspace.pointee.output)
        writeHeader(timeoutNanoseconds: request.pointee.timeoutNanoseconds, to: &writer)
        AllThreadsDump.write(
            current: nil, skipOwnFrames: false, maxThreads: request.pointee.maxThreads, workspace: workspace,
            writer: &writer)
        writer.flush()
    }

    /// Writes `Timeout (0:00:05.500000)!` and a newline: hours without a limit, then minutes and seconds, and
    /// microseconds (rounded up) unless the timeout is a whole number of seconds — Python's format.
    ///
    /// - Signal safety: safe. Arithmetic and the writer.
    @_noAllocation @_noLocks
    package static func writeHeader(timeoutNanoseconds: UInt64, to writer: inout SignalSafeWriter) {
        let microseconds = (timeoutNanoseconds &+ 999) / 1000
        let seconds = microseconds / 1_000_000
        let fraction = microseconds % 1_000_000
        writer.write("Timeout (")
        writer.writeDecimal(seconds / 3600)
        writer.write(":")
        writeTwoDigits((seconds / 60) % 60, to: &writer)
        writer.write(":")
        writeTwoDigits(seconds % 60, to: &writer)
        if fraction != 0 {
            writer.write(".")
            var divisor: UInt64 = 100_000
            while divisor > 0 {
                writer.writeByte(UInt8(truncatingIfNeeded: (fraction / divisor) % 10) &+ 0x30)
                divisor /= 10
            }
        }
        writer.write(")!\n")
    }

    /// - Signal safety: safe. Arithmetic and the writer.
    @_noAllocation @_noLocks
    static func writeTwoDigits(_ value: UInt64, to writer: inout SignalSafeWriter) {
        writer.writeByte(UInt8(truncatingIfNeeded: value / 10 % 10) &+ 0x30)
        writer.writeByte(UInt8(truncatingIfNeeded: value % 10) &+ 0x30)
    }
}
