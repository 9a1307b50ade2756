// Dumps requested by the program itself (`FaultHandler.dumpTraceback`).

/// On-demand dumps of the calling thread.
package enum OnDemandDump {
    /// Parameters and result of one on-demand dump, passed through the C register-capture trampoline.
    struct Request {
        var fd: CInt
        var allThreads: Bool
        var maxThreads: Int
        var written: Bool
    }

    /// Captures the caller's registers and writes its stack to `fd`. Frames of this library at the top are
    /// skipped, so the dump starts at the code that asked for it.
    ///
    /// - Signal safety: safe. Register capture in assembly, then `TracebackDumper.dumpCurrentThread`, called
    ///   while the captured frames are still live.
    @_noAllocation @_noLocks
    package static func dumpCallingThread(
        fd: CInt, allThreads: Bool, maxThreads: Int = AllThreadsDump.defaultMaximumThreads
    ) -> Bool {
        var request = Request(fd: fd, allThreads: allThreads, maxThreads: maxThreads, written: false)
        withUnsafeMutablePointer(to: &request) { pointer in
            SafeLibc.captureRegistersAndCall(onDemandDumpCallback, context: UnsafeMutableRawPointer(pointer))
        }
        return request.written
    }
}

/// Runs inside `cfh_capture_and_call`, below the frames it dumps.
///
/// - Signal safety: safe. See `TracebackDumper.dumpCurrentThread`.
@_noAllocation @_noLocks
private func onDemandDumpCallback(_ registers: UnsafePointer<UInt64>?, _ context: UnsafeMutableRawPointer?) {
    guard let registers, let context else { return }
    let request = context.assumingMemoryBound(to: OnDemandDump.Request.self)
    let file = RegisterFile(copying: registers)
    request.pointee.written = TracebackDumper.dumpCurrentThread(
        fd: request.pointee.fd, allThreads: request.pointee.allThreads, registers: file,
        maxThreads: request.pointee.maxThreads)
}
