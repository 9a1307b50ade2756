// The set of fatal signals and the saved dispositions we replace.

#if canImport(Glibc)
import Glibc
#endif

/// The fatal signals a fault handler catches, in a fixed order (indices 0..<count).
package enum FatalSignals {
    /// How many fatal signals there are.
    package static var count: Int { @_noAllocation @_noLocks get { 6 } }

    /// The signal at `index` (SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL, SIGTRAP), or 0 when out of range.
    ///
    /// - Signal safety: safe. A switch over constants.
    @_noAllocation @_noLocks
    package static func signal(at index: Int) -> CInt {
        switch index {
        case 0: return SIGSEGV
        case 1: return SIGFPE
        case 2: return SIGABRT
        case 3: return SIGBUS
        case 4: return SIGILL
        case 5: return SIGTRAP
        default: return 0
        }
    }

    /// The index of `signal` in the fatal set, or nil.
    ///
    /// - Signal safety: safe. A bounded loop over constants.
    @_noAllocation @_noLocks
    package static func index(of signal: CInt) -> Int? {
        var index = 0
        while index < count {
            if self.signal(at: index) == signal { return index }
            index += 1
        }
        return nil
    }

    /// True for a signal raised by the faulting instruction itself (a kernel-generated SEGV/BUS/ILL/FPE): when
    /// the handler returns with the default disposition restored, the instruction runs again and the process
    /// dies by the same signal with the original registers, so its core dump shows the real fault.
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    package static func refaultsOnReturn(signal: CInt, code: CInt) -> Bool {
        guard code > 0 && code != 0x80 else { return false }  // sent by kill/tgkill/sigqueue or SI_KERNEL
        return signal == SIGSEGV || signal == SIGBUS || signal == SIGILL || signal == SIGFPE
    }
}
