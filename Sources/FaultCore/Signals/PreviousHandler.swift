// Calling a handler that was installed before ours (chaining).

import CFaultHandlerSupport

#if canImport(Glibc)
import Glibc
#endif

/// Chaining to saved dispositions.
package enum PreviousHandler {
    /// Calls the saved disposition `action` for `signal` if it is a handler function (not SIG_DFL/SIG_IGN).
    /// Returns true if a handler was called.
    ///
    /// The previous handler runs with our handler's signal mask; that is what a chained handler gets in
    /// CPython too.
    ///
    /// - Signal safety: safe as far as the previous handler is: we only call it through a C trampoline
    ///   (the checker cannot see through a function pointer).
    @_noAllocation @_noLocks
    package static func call(
        _ action: UnsafeMutablePointer<sigaction>, signal: CInt,
        info: UnsafeMutablePointer<siginfo_t>?, context: UnsafeMutableRawPointer?
    ) -> Bool {
        let flags = action.pointee.sa_flags
        if flags & SA_SIGINFO != 0 {
            guard let handler = action.pointee.__sigaction_handler.sa_sigaction else { return false }
            _unsafePerformance { cfh_call_sigaction(handler, signal, info, context) }
            return true
        }
        guard let handler = action.pointee.__sigaction_handler.sa_handler else { return false }
        let raw = unsafeBitCast(handler, to: Int.self)
        if raw == 0 || raw == 1 { return false }  // SIG_DFL, SIG_IGN
        _unsafePerformance { cfh_call_handler(handler, signal) }
        return true
    }
}
