// Names and causes of signals, in words, for the first line of a dump.

#if canImport(Glibc)
import Glibc
#endif

/// The facts about a signal that the cause line reports, gathered from `siginfo_t` and the machine context.
package struct SignalCause {
    /// The signal number.
    package var signal: CInt
    /// `si_code`.
    package var code: CInt
    /// `si_addr` (the faulting address for SEGV/BUS, the faulting instruction for ILL/FPE/TRAP).
    package var address: UInt64
    /// `si_pid` for signals sent by a process (`code <= 0`).
    package var senderPID: CInt
    /// The program counter and stack pointer at the fault (0 when unknown).
    package var pc: UInt64
    package var sp: UInt64
    /// True when the instruction at `pc` is `ud2` (0F 0B): Swift's runtime traps compile to it.
    package var isSwiftTrap: Bool

    /// - Signal safety: safe. Stores values only.
    @_noAllocation @_noLocks
    package init(signal: CInt, code: CInt, address: UInt64, senderPID: CInt, pc: UInt64, sp: UInt64, isSwiftTrap: Bool) {
        self.signal = signal
        self.code = code
        self.address = address
        self.senderPID = senderPID
        self.pc = pc
        self.sp = sp
        self.isSwiftTrap = isSwiftTrap
    }
}

/// Signal names and cause descriptions.
package enum SignalDescription {
    /// The conventional name of a signal (what strsignal(3) says, as Python's faulthandler prints), or nil.
    ///
    /// - Signal safety: safe. Returns static strings.
    @_noAllocation @_noLocks
    package static func name(of signal: CInt) -> StaticString? {
        switch signal {
        case SIGSEGV: return "Segmentation fault"
        case SIGBUS: return "Bus error"
        case SIGILL: return "Illegal instruction"
        case SIGABRT: return "Aborted"
        case SIGFPE: return "Floating-point exception"
        case SIGTRAP: return "Trace/breakpoint trap"
        case SIGQUIT: return "Quit"
        case SIGUSR1: return "User defined signal 1"
        case SIGUSR2: return "User defined signal 2"
        case SIGHUP: return "Hangup"
        case SIGINT: return "Interrupt"
        case SIGTERM: return "Terminated"
        case SIGALRM: return "Alarm clock"
        case SIGPROF: return "Profiling timer expired"
        case SIGVTALRM: return "Virtual timer expired"
        case SIGXCPU: return "CPU time limit exceeded"
        case SIGXFSZ: return "File size limit exceeded"
        case SIGSYS: return "Bad system call"
        case SIGPIPE: return "Broken pipe"
        case SIGWINCH: return "Window changed"
        default: return nil
        }
    }

    /// The C constant's name (`SIGSEGV`), or nil for signals without a fixed name.
    ///
    /// - Signal safety: safe. Returns static strings.
    @_noAllocation @_noLocks
    package static func constantName(of signal: CInt) -> StaticString? {
        switch signal {
        case SIGSEGV: return "SIGSEGV"
        case SIGBUS: return "SIGBUS"
        case SIGILL: return "SIGILL"
        case SIGABRT: return "SIGABRT"
        case SIGFPE: return "SIGFPE"
        case SIGTRAP: return "SIGTRAP"
        case SIGQUIT: return "SIGQUIT"
        case SIGUSR1: return "SIGUSR1"
        case SIGUSR2: return "SIGUSR2"
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGALRM: return "SIGALRM"
        case SIGPROF: return "SIGPROF"
        case SIGVTALRM: return "SIGVTALRM"
        case SIGXCPU: return "SIGXCPU"
        case SIGXFSZ: return "SIGXFSZ"
        case SIGSYS: return "SIGSYS"
        case SIGPIPE: return "SIGPIPE"
        case SIGWINCH: return "SIGWINCH"
        case SIGKILL: return "SIGKILL"
        case SIGSTOP: return "SIGSTOP"
        case SIGCHLD: return "SIGCHLD"
        case SIGCONT: return "SIGCONT"
        case SIGTSTP: return "SIGTSTP"
        case SIGTTIN: return "SIGTTIN"
        case SIGTTOU: return "SIGTTOU"
        case SIGURG: return "SIGURG"
        case SIGIO: return "SIGIO"
        case SIGPWR: return "SIGPWR"
        case SIGSTKFLT: return "SIGSTKFLT"
        default: return nil
        }
    }

    /// Writes the signal's name, or `signal N` for one without a name.
    ///
    /// - Signal safety: safe. Static strings and decimal formatting.
    @_noAllocation @_noLocks
    package static func writeName(of signal: CInt, to writer: inout SignalSafeWriter) {
        if let name = name(of: signal) {
            writer.write(name)
        } else {
            writer.write("signal ")
            writer.writeDecimal(Int64(signal))
        }
    }

    /// Writes the cause line without its trailing newline, e.g.
    /// `Fatal error: Segmentation fault (bad memory access at 0x0000000000000008)`.
    ///
    /// `runtimeFailure`, when not empty, is the reason the compiler recorded for a Swift trap
    /// ("Swift runtime failure: arithmetic overflow"), found in the debug info by the caller.
    ///
    /// - Signal safety: safe. Static strings, number formatting and the given bytes only.
    @_noAllocation @_noLocks
    package static func writeCause(_ cause: SignalCause, runtimeFailure: UnsafeRawBufferPointer, to writer: inout SignalSafeWriter) {
        writer.write("Fatal error: ")
        writeName(of: cause.signal, to: &writer)
        writer.write(" (")
        writeDetail(cause, runtimeFailure: runtimeFailure, to: &writer)
        writer.write(")")
    }

    /// - Signal safety: safe. See `writeCause`.
    @_noAllocation @_noLocks
    private static func writeDetail(_ cause: SignalCause, runtimeFailure: UnsafeRawBufferPointer, to writer: inout SignalSafeWriter) {
        if cause.code <= 0 || cause.code == 0x80 {
            writeSender(cause, to: &writer)
            return
        }
        switch cause.signal {
        case SIGSEGV:
            if isLikelyStackOverflow(cause) {
                writer.write("stack overflow: ")
            }
            writer.write("bad memory access at ")
            writer.writeAddress(cause.address)
            switch cause.code {
            case 2: writer.write(", invalid permissions")  // SEGV_ACCERR
            case 3: writer.write(", failed bounds check")  // SEGV_BNDERR
            case 4: writer.write(", protection key check failed")  // SEGV_PKUERR
            default: break
            }
        case SIGBUS:
            switch cause.code {
            case 1: writer.write("invalid address alignment")  // BUS_ADRALN
            case 2: writer.write("nonexistent physical address")  // BUS_ADRERR: e.g. past the end of a mapped file
            case 3: writer.write("object-specific hardware error")  // BUS_OBJERR
            case 4, 5: writer.write("hardware memory error")  // BUS_MCEERR_AR/AO
            default: writer.write("bus error")
            }
            writer.write(" at ")
            writer.writeAddress(cause.address)
        case SIGFPE:
            switch cause.code {
            case 1: writer.write("integer divide by zero")  // FPE_INTDIV
            case 2: writer.write("integer overflow")  // FPE_INTOVF
            case 3: writer.write("floating-point divide by zero")  // FPE_FLTDIV
            case 4: writer.write("floating-point overflow")  // FPE_FLTOVF
            case 5: writer.write("floating-point underflow")  // FPE_FLTUND
            case 6: writer.write("floating-point inexact result")  // FPE_FLTRES
            case 7: writer.write("invalid floating-point operation")  // FPE_FLTINV
            case 8: writer.write("subscript out of range")  // FPE_FLTSUB
            default: writer.write("arithmetic error")
            }
            writer.write(" at ")
            writer.writeAddress(cause.address)
        case SIGILL:
            if cause.isSwiftTrap {
                if runtimeFailure.count > 0 {
                    writer.writeEscaped(runtimeFailure)
                } else {
                    writer.write("Swift runtime failure")
                }
                writer.write(": trap at ")
            } else {
                switch cause.code {
                case 1: writer.write("illegal opcode")  // ILL_ILLOPC
                case 2: writer.write("illegal operand")  // ILL_ILLOPN
                case 3: writer.write("illegal addressing mode")  // ILL_ILLADR
                case 4: writer.write("illegal trap")  // ILL_ILLTRP
                case 5: writer.write("privileged opcode")  // ILL_PRVOPC
                case 6: writer.write("privileged register")  // ILL_PRVREG
                case 7: writer.write("coprocessor error")  // ILL_COPROC
                case 8: writer.write("internal stack error")  // ILL_BADSTK
                default: writer.write("illegal instruction")
                }
                writer.write(" at ")
            }
            writer.writeAddress(cause.address)
        case SIGTRAP:
            switch cause.code {
            case 1: writer.write("breakpoint")  // TRAP_BRKPT
            case 2: writer.write("trace trap")  // TRAP_TRACE
            default: writer.write("trap")
            }
            writer.write(" at ")
            writer.writeAddress(cause.pc)
        default:
            writer.write("code ")
            writer.writeDecimal(Int64(cause.code))
        }
    }

    /// Describes a signal that was sent rather than raised by a fault (`si_code <= 0`, or SI_KERNEL).
    ///
    /// - Signal safety: safe. Static strings and getpid(2).
    @_noAllocation @_noLocks
    private static func writeSender(_ cause: SignalCause, to writer: inout SignalSafeWriter) {
        if cause.code == 0x80 {  // SI_KERNEL: e.g. a general-protection fault on a non-canonical address
            if cause.signal == SIGSEGV || cause.signal == SIGBUS {
                writer.write("bad memory access: general protection fault at pc ")
                writer.writeAddress(cause.pc)
            } else {
                writer.write("sent by the kernel")
            }
            return
        }
        switch cause.code {
        case 0: writer.write("sent by kill()")  // SI_USER
        case -1: writer.write("sent by sigqueue()")  // SI_QUEUE
        case -2: writer.write("sent by a timer")  // SI_TIMER
        case -6: writer.write(cause.signal == SIGABRT ? "abort() or raise()" : "sent by raise() or tgkill()")  // SI_TKILL
        default: writer.write("sent by a process")
        }
        if cause.senderPID == SafeLibc.getpid() {
            writer.write(" in this process")
        } else if cause.senderPID > 0 {
            writer.write(" from pid ")
            writer.writeDecimal(Int64(cause.senderPID))
        }
    }

    /// A bad access just below the stack pointer (within 64 KiB under it, or at it) is a stack overflow: the
    /// guard page below a thread stack was hit.
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    package static func isLikelyStackOverflow(_ cause: SignalCause) -> Bool {
        // An instruction fetch from the stack (address == pc) is not an overflow.
        guard cause.signal == SIGSEGV, cause.sp != 0, cause.address != 0, cause.address != cause.pc else { return false }
        let lowest = cause.sp >= 65536 ? cause.sp - 65536 : 0
        return cause.address >= lowest && cause.address <= cause.sp &+ 256
    }
}
