// Writes of a dump must not raise signals that kill the process: SIGPIPE (a pipe nobody reads) and SIGXFSZ (a
// file at its size limit). A crashing process must die by its own signal, and a watchdog or user-signal dump
// must never end a running program.

#if canImport(Glibc)
import Glibc
#endif

/// Blocks SIGPIPE and SIGXFSZ in the dumping thread from `init` until `end()`, then discards any that the dump's
/// writes raised (one already pending before is left alone).
package struct OutputSignalGuard {
    private var previous = sigset_t()
    private var pending: CInt = 0

    /// Starts suppressing.
    ///
    /// - Signal safety: safe. See `SafeLibc.beginOutputSignalGuard`.
    @_noAllocation @_noLocks
    package init() {
        SafeLibc.beginOutputSignalGuard(&previous, &pending)
    }

    /// Discards what the dump raised and restores the thread's signal mask.
    ///
    /// - Signal safety: safe. See `SafeLibc.endOutputSignalGuard`.
    @_noAllocation @_noLocks
    package mutating func end() {
        SafeLibc.endOutputSignalGuard(&previous, pending)
    }
}
