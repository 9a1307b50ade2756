// Writes dumps: the cause line, thread headers and frames.

import CFaultHandlerSupport

#if canImport(Glibc)
import Glibc
#endif

/// How a thread block is introduced.
package enum ThreadHeaderStyle {
    /// `Current thread 0x… [name] (most recent call first):` — the faulting or calling thread of an
    /// all-threads dump.
    case current
    /// `Thread 0x… [name] (most recent call first):` — another thread.
    case other
    /// `Stack (most recent call first):` — a dump of the current thread only.
    case stackOnly
}

/// Produces the text of dumps. All entry points are signal-safe and allocation-free.
package enum TracebackDumper {
    /// Writes the dump for a fatal signal: cause line, blank line, the faulting thread's stack.
    ///
    /// - Signal safety: safe. Uses the pool's reserved fatal workspace (prepared at enable), guarded memory
    ///   reads and write(2).
    @_noAllocation @_noLocks
    package static func dumpFatal(
        signal: CInt, info: UnsafeMutablePointer<siginfo_t>?, context: UnsafeMutableRawPointer?,
        fd: CInt, allThreads: Bool, maxThreads: Int = AllThreadsDump.defaultMaximumThreads
    ) {
        guard let pool = dumpWorkspacePool else { return }
        let workspace = pool.pointee.fatalWorkspace()
        // Writing to a closed pipe or a full file must not replace the crash signal with SIGPIPE/SIGXFSZ.
        var signalGuard = OutputSignalGuard()
        defer { signalGuard.end() }
        var writer = SignalSafeWriter(fd: fd, buffer: workspace.pointee.output)
        var registers = RegisterFile()
        if let context { registers = RegisterFile(context: context) }
        let cause = makeCause(signal: signal, info: info, registers: registers)
        // A crash right after enable() may arrive while symbols are still being prepared on the background
        // thread: give it a bounded moment to finish.
        SymbolSlots.waitForPreparation(timeoutNanoseconds: 5_000_000_000)
        let reason = cause.isSwiftTrap
            ? FrameSymbolizer.runtimeFailureReason(pc: UInt(cause.pc), workspace: workspace)
            : UnsafeRawBufferPointer(start: nil, count: 0)
        SignalDescription.writeCause(cause, runtimeFailure: reason, to: &writer)
        writer.write("\n\n")
        if allThreads {
            AllThreadsDump.write(
                current: registers, skipOwnFrames: false, maxThreads: maxThreads, keepOthersStopped: true,
                workspace: workspace, writer: &writer)
        } else {
            writeThread(
                style: .stackOnly, tid: SafeLibc.gettid(), pthread: SafeLibc.pthreadSelf(),
                registers: registers, skipOwnFrames: false, workspace: workspace, writer: &writer)
        }
        writer.flush()
    }

    /// Writes the calling thread's stack (then, with `allThreads`, every other thread's), as `dumpTraceback`
    /// and user-signal dumps do: no cause line; our own frames at the top skipped when `skipOwnFrames`.
    /// Returns false if no workspace could be claimed or the output failed.
    ///
    /// - Signal safety: safe. Claims a shared workspace (bounded wait), guarded reads and write(2).
    @_noAllocation @_noLocks
    package static func dumpCurrentThread(
        fd: CInt, allThreads: Bool, registers: RegisterFile, skipOwnFrames: Bool = true,
        maxThreads: Int = AllThreadsDump.defaultMaximumThreads
    ) -> Bool {
        guard let pool = dumpWorkspacePool else { return false }
        let slot = pool.pointee.claim()
        guard slot >= 0 else { return false }
        defer { pool.pointee.release(slot) }
        let workspace = pool.pointee.slots + slot
        // A dump must never end the program it inspects through SIGPIPE/SIGXFSZ from its own writes.
        var signalGuard = OutputSignalGuard()
        defer { signalGuard.end() }
        var writer = SignalSafeWriter(fd: fd, buffer: workspace.pointee.output)
        if allThreads {
            AllThreadsDump.write(
                current: registers, skipOwnFrames: skipOwnFrames, maxThreads: maxThreads, workspace: workspace,
                writer: &writer)
        } else {
            writeThread(
                style: .stackOnly, tid: SafeLibc.gettid(), pthread: SafeLibc.pthreadSelf(),
                registers: registers, skipOwnFrames: skipOwnFrames, workspace: workspace, writer: &writer)
        }
        writer.flush()
        return !writer.failed
    }

    /// Builds the cause from siginfo and registers, reading the instruction bytes at pc with a guarded read.
    ///
    /// - Signal safety: safe. Field reads and process_vm_readv(2).
    @_noAllocation @_noLocks
    package static func makeCause(signal: CInt, info: UnsafeMutablePointer<siginfo_t>?, registers: RegisterFile) -> SignalCause {
        var code: CInt = 0
        var address: UInt64 = 0
        var pid: CInt = 0
        if let info {
            code = info.pointee.si_code
            address = UInt64(UInt(bitPattern: _unsafePerformance { cfh_siginfo_address(info) }))
            pid = _unsafePerformance { cfh_siginfo_pid(info) }
        }
        var instruction: UInt16 = 0
        let pc = registers.pc
        let readable = SafeLibc.readMemory(&instruction, from: UInt(pc), count: 2)
        let isSwiftTrap = signal == SIGILL && readable && instruction == 0x0B0F  // ud2 = 0F 0B
        return SignalCause(
            signal: signal, code: code, address: address, senderPID: pid,
            pc: pc, sp: registers.sp, isSwiftTrap: isSwiftTrap)
    }

    /// Writes one thread block: header line, then its frames (at most 100, then `  ...`).
    ///
    /// - Signal safety: safe. Unwinds with guarded reads into the workspace, symbolises from prepared tables.
    @_noAllocation @_noLocks
    package static func writeThread(
        style: ThreadHeaderStyle, tid: CInt, pthread: UInt, registers: RegisterFile, skipOwnFrames: Bool,
        workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter
    ) {
        writeThreadHeader(style: style, tid: tid, pthread: pthread, workspace: workspace, writer: &writer)
        let frames = workspace.pointee.frames
        var registerCopy = registers
        let result = withUnsafeBytes(of: &registerCopy.storage) { bytes in
            Unwinder.unwind(registers: bytes.baseAddress!.assumingMemoryBound(to: UInt64.self), into: frames)
        }
        let count = result.count
        var index = 0
        if skipOwnFrames {
            // Start after the last frame of this library among the top ones (the stdlib's specialised helpers,
            // such as `withUnsafeMutablePointer`, sit between our frames and are skipped with them).
            var scan = 0
            while scan < count - 1 && scan < 24 {
                if FrameSymbolizer.isOwnFrame(frames[scan], workspace: workspace) { index = scan + 1 }
                scan += 1
            }
        }
        var printed = 0
        while index < count {
            if printed == DumpWorkspace.maximumFrames {
                writer.write("  ...\n")
                return
            }
            FrameSymbolizer.writeFrame(frames[index], workspace: workspace, writer: &writer)
            printed += 1
            index += 1
        }
        if printed == 0 { writer.write("  <no frames>\n") }
        if result.truncated { writer.write("  ...\n") }
    }

    /// Writes `Current thread 0x… [name] (most recent call first):` or one of its variants.
    ///
    /// - Signal safety: safe. The name comes from /proc/self/task/<tid>/comm via open/read/close.
    @_noAllocation @_noLocks
    static func writeThreadHeader(
        style: ThreadHeaderStyle, tid: CInt, pthread: UInt,
        workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter
    ) {
        switch style {
        case .stackOnly:
            writer.write("Stack (most recent call first):\n")
            return
        case .current:
            writer.write("Current thread ")
        case .other:
            writer.write("Thread ")
        }
        writer.writeAddress(UInt64(pthread))
        let name = ThreadName.read(tid: tid, into: workspace.pointee.text)
        if name.count > 0 {
            writer.write(" [")
            writer.writeEscaped(name, limit: 64)
            writer.write("]")
        }
        writer.write(" (most recent call first):\n")
    }
}
