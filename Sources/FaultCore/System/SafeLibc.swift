// The one audited wrapper around the C library for code a signal handler or the watchdog can reach.
//
// Rules for this file:
// - Every function here calls only functions listed as async-signal-safe in signal-safety(7), or a raw system
//   call through CFaultHandlerSupport. Each says which, and why it is needed.
// - Each is annotated `@_noAllocation @_noLocks` so that callers in this module stay compiler-checked. The C
//   call itself is wrapped in `_unsafePerformance`, because the checker cannot see into C; that is the one
//   deliberate exception, and it lives only here.
// - Errors come back as negative errno values (`-EINTR`), never through the global errno, so that a handler's
//   saved errno is not clobbered.

import CFaultHandlerSupport

#if canImport(Glibc)
import Glibc
#endif

/// Namespace for the async-signal-safe system interface used by the handler path.
package enum SafeLibc {
    /// write(2), retrying on EINTR (at most 1000 times). Returns the number of bytes written (which may be short)
    /// or -errno.
    ///
    /// - Signal safety: safe. write(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func write(_ fd: CInt, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        // A storm of interrupting signals must not keep a dump here forever: at most 1000 retries.
        var attempts = 0
        while true {
            let result = _unsafePerformance { Glibc.write(fd, buffer, count) }
            if result >= 0 { return result }
            let error = _unsafePerformance { cfh_errno() }
            attempts += 1
            if error != EINTR || attempts >= 1000 { return -Int(error) }
        }
    }

    /// Writes all `count` bytes, looping over partial writes and EINTR. Gives up (returning false) on any other
    /// error or after a write makes no progress, so a full disk or a closed pipe never hangs the caller.
    ///
    /// - Signal safety: safe. Only write(2); bounded by `count` iterations at worst.
    @_noAllocation @_noLocks
    package static func writeAll(_ fd: CInt, _ buffer: UnsafeRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let result = write(fd, buffer + done, count - done)
            if result <= 0 { return false }
            done += result
        }
        return true
    }

    /// read(2), retrying on EINTR (at most 1000 times). Returns bytes read or -errno.
    ///
    /// - Signal safety: safe. read(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func read(_ fd: CInt, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        // A storm of interrupting signals must not keep a dump here forever: at most 1000 retries.
        var attempts = 0
        while true {
            let result = _unsafePerformance { Glibc.read(fd, buffer, count) }
            if result >= 0 { return result }
            let error = _unsafePerformance { cfh_errno() }
            attempts += 1
            if error != EINTR || attempts >= 1000 { return -Int(error) }
        }
    }

    /// open(2) of a NUL-terminated path. Returns a descriptor or -errno.
    ///
    /// - Signal safety: safe. open(2) is async-signal-safe (raw openat system call).
    @_noAllocation @_noLocks
    package static func open(_ path: UnsafePointer<CChar>, _ flags: CInt, _ mode: UInt32 = 0) -> CInt {
        _unsafePerformance { cfh_open(path, flags, mode) }
    }

    /// close(2).
    ///
    /// - Signal safety: safe. close(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func close(_ fd: CInt) {
        _ = _unsafePerformance { Glibc.close(fd) }
    }

    /// The calling thread's errno.
    ///
    /// - Signal safety: safe. A thread-local read.
    @_noAllocation @_noLocks
    package static func errno() -> CInt { _unsafePerformance { cfh_errno() } }

    /// Sets the calling thread's errno (used to restore it when a handler returns).
    ///
    /// - Signal safety: safe. A thread-local write.
    @_noAllocation @_noLocks
    package static func setErrno(_ value: CInt) { _unsafePerformance { cfh_set_errno(value) } }

    /// getpid(2).
    ///
    /// - Signal safety: safe. getpid(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func getpid() -> CInt { _unsafePerformance { Glibc.getpid() } }

    /// gettid(2): the kernel thread id of the caller.
    ///
    /// - Signal safety: safe. A raw system call.
    @_noAllocation @_noLocks
    package static func gettid() -> CInt { CInt(truncatingIfNeeded: _unsafePerformance { cfh_gettid() }) }

    /// pthread_self(3): the caller's pthread_t, printed in thread headers like CPython does.
    ///
    /// - Signal safety: safe in practice: glibc returns the thread pointer register (%fs:0x10); no lock.
    @_noAllocation @_noLocks
    package static func pthreadSelf() -> UInt { UInt(_unsafePerformance { pthread_self() }) }

    /// tgkill(2). Returns 0 or -errno.
    ///
    /// - Signal safety: safe. A raw system call.
    @_noAllocation @_noLocks
    package static func tgkill(_ pid: CInt, _ tid: CInt, _ signal: CInt) -> Int {
        _unsafePerformance { cfh_tgkill(Int(pid), Int(tid), signal) }
    }

    /// getdents64(2). Returns bytes read, 0 at the end, or -errno.
    ///
    /// - Signal safety: safe. A raw system call (opendir/readdir are not async-signal-safe).
    @_noAllocation @_noLocks
    package static func getdents64(_ fd: CInt, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        _unsafePerformance { cfh_getdents64(fd, buffer, count) }
    }

    /// Copies `count` bytes at `source` of this process into `destination` without faulting.
    /// Returns true only if every byte was copied.
    ///
    /// process_vm_readv(2) on our own pid reports unmapped memory as EFAULT instead of raising SIGSEGV. When
    /// the system call is unavailable (ENOSYS, or EPERM under seccomp) and `prepareMemoryProbe()` ran, this
    /// falls back to the write-to-pipe probe (`readMemoryThroughPipe`).
    ///
    /// - Signal safety: safe. A raw system call (or write/read on a pipe); no fault on bad addresses.
    @_noAllocation @_noLocks
    package static func readMemory(_ destination: UnsafeMutableRawPointer, from source: UInt, count: Int) -> Bool {
        guard source != 0, count >= 0, source &+ UInt(count) >= source,
              let pointer = UnsafeRawPointer(bitPattern: source) else { return false }
        if count == 0 { return true }
        if !memoryProbeUsesPipe {
            let result = _unsafePerformance { cfh_read_own_memory(destination, pointer, count) }
            if result == count { return true }
            if result != -Int(ENOSYS) && result != -Int(EPERM) { return false }
        }
        return readMemoryThroughPipe(destination, from: pointer, count: count)
    }

    /// sigaction(2). Returns 0 or -errno.
    ///
    /// - Signal safety: safe. sigaction(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func sigaction(
        _ signal: CInt,
        _ action: UnsafePointer<Glibc.sigaction>?,
        _ previous: UnsafeMutablePointer<Glibc.sigaction>?
    ) -> Int {
        Int(_unsafePerformance { cfh_sigaction(signal, action, previous) })
    }

    /// raise(3) via tgkill to the calling thread, so the re-raised signal is thread-directed like the original.
    ///
    /// - Signal safety: safe. getpid/gettid/tgkill are async-signal-safe system calls.
    @_noAllocation @_noLocks
    package static func raise(_ signal: CInt) {
        _ = tgkill(getpid(), gettid(), signal)
    }

    /// Changes the calling thread's signal mask with the raw system call. Returns 0 or -errno.
    ///
    /// - Signal safety: safe. rt_sigprocmask(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func sigprocmask(
        _ how: CInt, _ set: UnsafePointer<sigset_t>?, _ old: UnsafeMutablePointer<sigset_t>?
    ) -> Int {
        _unsafePerformance { cfh_sigprocmask(how, set, old) }
    }

    /// Unblocks `signal` (1...64) for the calling thread.
    ///
    /// - Signal safety: safe. rt_sigprocmask(2); the set is built in place (bit n-1 of the first word).
    @_noAllocation @_noLocks
    package static func unblock(_ signal: CInt) {
        guard signal >= 1 && signal <= 64 else { return }
        var set = sigset_t()
        withUnsafeMutableBytes(of: &set) { bytes in
            bytes.storeBytes(of: UInt64(1) << UInt64(signal - 1), toByteOffset: 0, as: UInt64.self)
        }
        _ = sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// glibc's SIGRTMIN (the first real-time signal an application may use).
    ///
    /// - Signal safety: safe. Reads a constant.
    @_noAllocation @_noLocks
    package static func realtimeSignalMinimum() -> CInt { _unsafePerformance { cfh_sigrtmin() } }

    /// glibc's SIGRTMAX.
    ///
    /// - Signal safety: safe. Reads a constant.
    @_noAllocation @_noLocks
    package static func realtimeSignalMaximum() -> CInt { _unsafePerformance { cfh_sigrtmax() } }

    /// clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
    ///
    /// - Signal safety: safe. clock_gettime(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        _ = _unsafePerformance { clock_gettime(CLOCK_MONOTONIC, &now) }
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// Sleeps for `nanoseconds` on the monotonic clock (resuming after EINTR until the time has passed).
    ///
    /// - Signal safety: safe. clock_nanosleep(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func sleep(nanoseconds: UInt64) {
        var request = timespec(
            tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while _unsafePerformance({ clock_nanosleep(CLOCK_MONOTONIC, 0, &request, &remaining) }) == EINTR {
            request = remaining
        }
    }

    /// futex wait (private). Returns 0, or -errno (-ETIMEDOUT, -EAGAIN when `*address != expected`).
    ///
    /// - Signal safety: safe. futex(2) is a raw system call; it takes no userspace lock.
    @_noAllocation @_noLocks
    package static func futexWait(_ address: UnsafeMutablePointer<UInt32>, expected: UInt32, timeoutNanoseconds: Int64) -> Int {
        _unsafePerformance { cfh_futex_wait(address, expected, timeoutNanoseconds) }
    }

    /// futex wake (private). Returns the number of woken waiters or -errno.
    ///
    /// - Signal safety: safe. futex(2) is a raw system call.
    @_noAllocation @_noLocks
    package static func futexWake(_ address: UnsafeMutablePointer<UInt32>, count: CInt = CInt.max) -> Int {
        _unsafePerformance { cfh_futex_wake(address, count) }
    }

    /// Stores the caller's registers (DWARF numbering) into `registers` (17 values).
    ///
    /// - Signal safety: safe. Register moves in assembly (C shim); no call into libc.
    @_noAllocation @_noLocks
    package static func captureRegisters(into registers: UnsafeMutablePointer<UInt64>) {
        _unsafePerformance { cfh_capture_registers(registers) }
    }

    /// Captures the caller's registers and calls `callback` with them while the caller's frames are still live
    /// (so the stack can be walked from them). See `cfh_capture_and_call`.
    ///
    /// - Signal safety: safe. Register moves in assembly and a call of `callback`, which must itself be safe.
    @_noAllocation @_noLocks
    package static func captureRegistersAndCall(
        _ callback: @convention(c) (UnsafePointer<UInt64>?, UnsafeMutableRawPointer?) -> Void,
        context: UnsafeMutableRawPointer
    ) {
        _unsafePerformance { cfh_capture_and_call(callback, context) }
    }

    /// The number of bytes left below `stackPointer` on the alternate signal stack, when the caller is running
    /// on one; nil otherwise.
    ///
    /// - Signal safety: safe. sigaltstack(2) is async-signal-safe (here it only queries).
    @_noAllocation @_noLocks
    package static func remainingAlternateStack(below stackPointer: UInt) -> Int? {
        var current = stack_t()
        let result = _unsafePerformance { sigaltstack(nil, &current) }
        guard result == 0, current.ss_flags & Int32(SS_ONSTACK) != 0, let base = current.ss_sp else { return nil }
        let low = UInt(bitPattern: base)
        guard stackPointer > low, stackPointer <= low &+ UInt(current.ss_size) else { return nil }
        return Int(stackPointer &- low)
    }

    /// Blocks SIGPIPE and SIGXFSZ in the calling thread while a dump writes (see `cfh_begin_output_signal_guard`).
    ///
    /// - Signal safety: safe. sigpending(2) and rt_sigprocmask(2).
    @_noAllocation @_noLocks
    package static func beginOutputSignalGuard(_ previous: UnsafeMutablePointer<sigset_t>, _ pending: UnsafeMutablePointer<CInt>) {
        _unsafePerformance { cfh_begin_output_signal_guard(previous, pending) }
    }

    /// Discards SIGPIPE/SIGXFSZ raised by the dump's writes and restores the mask.
    ///
    /// - Signal safety: safe. sigpending(2), rt_sigtimedwait(2) with a zero timeout, rt_sigprocmask(2).
    @_noAllocation @_noLocks
    package static func endOutputSignalGuard(_ previous: UnsafePointer<sigset_t>, _ pending: CInt) {
        _unsafePerformance { cfh_end_output_signal_guard(previous, pending) }
    }

    /// _exit(2): ends the process without running atexit handlers or flushing stdio.
    ///
    /// - Signal safety: safe. _exit(2) is async-signal-safe.
    @_noAllocation @_noLocks
    package static func exit(_ status: CInt) -> Never {
        _unsafePerformance { _exit(status) }
    }

    // MARK: Guarded memory reads without process_vm_readv, and atomics

    /// Copies as many leading bytes of `[source, source + count)` as are mapped into `destination` and
    /// returns how many (0 if the first byte is unmapped). Lets a caller read a window of stack in one system
    /// call even when the window runs past the end of the mapping. With the pipe probe it copies at most 8.
    ///
    /// - Signal safety: safe. process_vm_readv(2) stops at the first unmapped byte (or the pipe probe).
    @_noAllocation @_noLocks
    package static func readMemoryPrefix(_ destination: UnsafeMutableRawPointer, from source: UInt, count: Int) -> Int {
        guard source != 0, count > 0, source &+ UInt(count) >= source,
              let pointer = UnsafeRawPointer(bitPattern: source) else { return 0 }
        if !memoryProbeUsesPipe {
            let result = _unsafePerformance { cfh_read_own_memory(destination, pointer, count) }
            if result >= 0 { return result }
            if result != -Int(ENOSYS) && result != -Int(EPERM) { return 0 }
        }
        let small = min(count, 8)
        return readMemoryThroughPipe(destination, from: pointer, count: small) ? small : 0
    }

    /// Reads `count` bytes at `source` by first writing them to a pipe prepared by `prepareMemoryProbe()`:
    /// write(2) reports unmapped memory as EFAULT instead of faulting. The probe writes at most 512 bytes at a
    /// time (below PIPE_BUF, so each write is atomic), drains the pipe, and then copies from the now known
    /// readable source. Returns false if no pipe was prepared or any chunk is unreadable (or the pipe is full
    /// because another thread is probing at the same moment).
    ///
    /// - Signal safety: safe. write(2) and read(2) on a non-blocking pipe; bounded by `count / 512` rounds.
    @_noAllocation @_noLocks
    package static func readMemoryThroughPipe(
        _ destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int
    ) -> Bool {
        let writeEnd = memoryProbePipeWrite
        let readEnd = memoryProbePipeRead
        guard writeEnd >= 0, readEnd >= 0 else { return false }
        var done = 0
        while done < count {
            let chunk = min(512, count - done)
            let written = write(writeEnd, source + done, chunk)
            if written <= 0 { return false }
            // Drain what this write put in (into the destination, overwritten below).
            var drained = 0
            var rounds = 0
            while drained < written && rounds < 16 {
                let got = read(readEnd, destination + done + drained, written - drained)
                if got <= 0 { break }
                drained += got
                rounds += 1
            }
            if written != chunk { return false }
            (destination + done).copyMemory(from: source + done, byteCount: chunk)
            done += chunk
        }
        return true
    }

    /// Creates the non-blocking pipe used by `readMemoryThroughPipe`, once. Idempotent.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareMemoryProbe() {
        if memoryProbePipeWrite >= 0 { return }
        var fds: (CInt, CInt) = (-1, -1)
        let result = withUnsafeMutableBytes(of: &fds) { raw in
            cfh_pipe_nonblocking(raw.baseAddress!.assumingMemoryBound(to: CInt.self))
        }
        if result == 0 {
            memoryProbePipeRead = fds.0
            memoryProbePipeWrite = fds.1
        }
    }

    /// Forces every `readMemory` through the pipe probe (true) or back to process_vm_readv (false), so tests
    /// can exercise the fallback. Prepares the pipe if needed.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func setMemoryProbeUsesPipe(_ usePipe: Bool) {
        prepareMemoryProbe()
        memoryProbeUsesPipe = usePipe
    }

    /// Loads the word at `address` with acquire ordering (pairs with `atomicStoreRelease`).
    ///
    /// - Signal safety: safe. A single atomic load.
    @_noAllocation @_noLocks
    package static func atomicLoadAcquire(_ address: UnsafePointer<UInt>) -> UInt {
        _unsafePerformance { cfh_atomic_load_acquire(address) }
    }

    /// Stores `value` at `address` with release ordering, publishing everything written before it.
    ///
    /// - Signal safety: safe. A single atomic store.
    @_noAllocation @_noLocks
    package static func atomicStoreRelease(_ address: UnsafeMutablePointer<UInt>, _ value: UInt) {
        _unsafePerformance { cfh_atomic_store_release(address, value) }
    }
}

/// Read end of the memory-probe pipe (-1 until `SafeLibc.prepareMemoryProbe()`).
nonisolated(unsafe) var memoryProbePipeRead: CInt = -1
/// Write end of the memory-probe pipe (-1 until `SafeLibc.prepareMemoryProbe()`).
nonisolated(unsafe) var memoryProbePipeWrite: CInt = -1
/// When true, `SafeLibc.readMemory` skips process_vm_readv and uses the pipe probe directly.
nonisolated(unsafe) var memoryProbeUsesPipe = false
