// The all-threads part of a dump: the current thread's block, then every other thread's.

#if canImport(Glibc)
import Glibc
#endif

/// Writes one block per thread of the process.
package enum AllThreadsDump {
    /// The default cap on thread blocks, as in Python's faulthandler.
    package static var defaultMaximumThreads: Int { @_noAllocation @_noLocks get { 100 } }
    /// How long a dump waits for another all-threads dump to finish before it lists the current thread only.
    package static var sessionTimeout: UInt64 { @_noAllocation @_noLocks get { 3_000_000_000 } }

    /// Writes the current thread's block (when `current` is not nil) under `Current thread 0x…`, then each other
    /// thread under `Thread 0x…`, separated by blank lines; at most `maxThreads` blocks in total, then `...`.
    /// The other threads are stopped while they are unwound and released before this returns (with
    /// `keepOthersStopped`, only by `ThreadCapture.releaseHeldThreads()` or their own hold timeout). Symbols are used
    /// as far as they are prepared; a caller that wants to wait for preparation does so before calling.
    ///
    /// A thread that could not be stopped is listed as `Thread tid <N> [<name>] (most recent call first):`
    /// followed by a line saying why.
    ///
    /// - Signal safety: safe. See `ThreadCapture.suspendOthers`; symbolisation from prepared tables; write(2).
    @_noAllocation @_noLocks
    package static func write(
        current: RegisterFile?, skipOwnFrames: Bool, maxThreads: Int, keepOthersStopped: Bool = false,
        workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter
    ) {
        var blocks = 0
        guard let session = captureSession,
              ThreadCapture.claim(session, timeoutNanoseconds: sessionTimeout) else {
            if let current {
                writeCurrent(current, skipOwnFrames: skipOwnFrames, workspace: workspace, writer: &writer)
                blocks += 1
            }
            if blocks > 0 { writer.write("\n") }
            writer.write("<other threads not dumped: another dump is stopping them>\n")
            writer.flush()
            return
        }
        let limit = max(maxThreads, 1) - (current == nil ? 0 : 1)
        let result = ThreadCapture.suspendOthers(session, limit: limit)
        if let current {
            writeCurrent(current, skipOwnFrames: skipOwnFrames, workspace: workspace, writer: &writer)
            blocks += 1
        }
        var index = 0
        while index < result.count {
            let slot = session.pointee.slots + index
            if blocks > 0 { writer.write("\n") }
            writeOther(slot, workspace: workspace, writer: &writer)
            blocks += 1
            index += 1
        }
        if result.more {
            if blocks > 0 { writer.write("\n") }
            writer.write("...\n")
        }
        writer.flush()
        if keepOthersStopped {
            // A fatal dump: the process is about to die by the signal. Released threads would run meanwhile
            // (a sleep interrupted by the capture returns early), and could even end the process normally
            // first. They stay stopped (each at most `ThreadCapture.holdTimeout`) unless the fatal handler
            // releases them with `ThreadCapture.releaseHeldThreads()` before chaining.
            session.pointee.active.store(0, ordering: .releasing)
            session.pointee.held.store(UInt32(truncatingIfNeeded: SafeLibc.gettid()), ordering: .releasing)
            return
        }
        ThreadCapture.resumeAll(session)
        ThreadCapture.unclaim(session)
    }

    /// - Signal safety: safe. See `TracebackDumper.writeThread`.
    @_noAllocation @_noLocks
    static func writeCurrent(
        _ registers: RegisterFile, skipOwnFrames: Bool,
        workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter
    ) {
        TracebackDumper.writeThread(
            style: .current, tid: SafeLibc.gettid(), pthread: SafeLibc.pthreadSelf(), registers: registers,
            skipOwnFrames: skipOwnFrames, workspace: workspace, writer: &writer)
    }

    /// Writes one other thread's block: its stack when it was captured, else its tid, name and the reason.
    ///
    /// - Signal safety: safe. See `TracebackDumper.writeThread`; the name comes from /proc via open/read/close.
    @_noAllocation @_noLocks
    static func writeOther(
        _ slot: UnsafeMutablePointer<CaptureSlot>,
        workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter
    ) {
        let state = slot.pointee.state.load(ordering: .acquiring)
        if state == CaptureSlot.captured {
            TracebackDumper.writeThread(
                style: .other, tid: slot.pointee.tid, pthread: slot.pointee.pthread,
                registers: slot.pointee.registers, skipOwnFrames: false, workspace: workspace, writer: &writer)
            return
        }
        writer.write("Thread tid ")
        writer.writeDecimal(Int64(slot.pointee.tid))
        let name = ThreadName.read(tid: slot.pointee.tid, into: workspace.pointee.text)
        if name.count > 0 {
            writer.write(" [")
            writer.writeEscaped(name, limit: 64)
            writer.write("]")
        }
        writer.write(" (most recent call first):\n")
        if state == CaptureSlot.blocked {
            writer.write("  <not captured: it blocks SIGPROF, SIGUSR1 and SIGUSR2>\n")
        } else if state == CaptureSlot.gone {
            writer.write("  <not captured: the thread exited>\n")
        } else {
            writer.write("  <not captured: no answer within 250 ms>\n")
        }
    }
}
