// Dumps requested by the program itself (`FaultHandler.dumpTraceback`).

/// On-demand dumps of the calling thread.
package enum OnDemandDump {
    /// Captures the caller's registers and writes its stack to `fd`. Frames of this library at the top are
    /// skipped, so the dump starts at the code that asked for it.
    ///
    /// - Signal safety: safe. Register capture in assembly, then `TracebackDumper.dumpCurrentThread`.
    @inline(never) @_noAllocation @_noLocks
    package static func dumpCallingThread(fd: CInt, allThreads: Bool) -> Bool {
        let registers = RegisterFile(capturingCurrent: ())
        return TracebackDumper.dumpCurrentThread(fd: fd, allThreads: allThreads, registers: registers)
    }
}
