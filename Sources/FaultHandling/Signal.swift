// Signals that can be registered for dumps.

import FaultCore

#if canImport(Glibc)
import Glibc
#endif

extension FaultHandler {
    /// A signal number, for ``FaultHandler/register(_:output:allThreads:chain:maxThreads:)``.
    ///
    /// The named constants cover the signals a program commonly uses to ask for a dump. Any other number can be
    /// made with `Signal(rawValue:)`; ``FaultHandler/register(_:output:allThreads:chain:maxThreads:)`` refuses
    /// the fatal signals (use ``FaultHandler/enable(output:allThreads:chain:maxThreads:)``), SIGKILL, SIGSTOP,
    /// the two real-time signals glibc keeps for itself, and numbers outside 1...64.
    public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The signal number.
        public let rawValue: CInt

        /// The signal with number `rawValue`.
        public init(rawValue: CInt) { self.rawValue = rawValue }

        /// SIGUSR1, the usual "dump now" signal (`kill -USR1 <pid>`).
        public static let user1 = Signal(rawValue: SIGUSR1)
        /// SIGUSR2.
        public static let user2 = Signal(rawValue: SIGUSR2)
        /// SIGQUIT (Ctrl-\ in a terminal). Its default action ends the process with a core dump.
        public static let quit = Signal(rawValue: SIGQUIT)
        /// SIGHUP.
        public static let hangup = Signal(rawValue: SIGHUP)
        /// SIGINT (Ctrl-C in a terminal).
        public static let interrupt = Signal(rawValue: SIGINT)
        /// SIGTERM.
        public static let terminate = Signal(rawValue: SIGTERM)
        /// SIGALRM.
        public static let alarm = Signal(rawValue: SIGALRM)
        /// SIGPROF. All-threads dumps borrow it for a moment to stop other threads; a handler registered for
        /// it still gets every SIGPROF that does not come from a dump.
        public static let profilingTimer = Signal(rawValue: SIGPROF)
        /// SIGVTALRM.
        public static let virtualTimer = Signal(rawValue: SIGVTALRM)
        /// SIGWINCH.
        public static let windowChanged = Signal(rawValue: SIGWINCH)
        /// SIGXCPU.
        public static let cpuTimeLimitExceeded = Signal(rawValue: SIGXCPU)
        /// SIGXFSZ.
        public static let fileSizeLimitExceeded = Signal(rawValue: SIGXFSZ)
        /// SIGPIPE.
        public static let brokenPipe = Signal(rawValue: SIGPIPE)
        /// SIGPWR.
        public static let power = Signal(rawValue: SIGPWR)

        /// The real-time signal SIGRTMIN + `offset` (offset 0 ... SIGRTMAX − SIGRTMIN, 0...30 with glibc).
        /// An offset outside that range gives a signal that `register` refuses.
        public static func realtime(_ offset: Int) -> Signal {
            let minimum = Int(SafeLibc.realtimeSignalMinimum())
            let maximum = Int(SafeLibc.realtimeSignalMaximum())
            guard offset >= 0, offset <= maximum - minimum else { return Signal(rawValue: -1) }
            return Signal(rawValue: CInt(minimum + offset))
        }

        /// The C name (`SIGUSR1`, `SIGRTMIN+2`), or `signal N`.
        public var description: String {
            if let name = SignalDescription.constantName(of: rawValue) { return "\(name)" }
            let minimum = SafeLibc.realtimeSignalMinimum()
            if rawValue >= minimum && rawValue <= SafeLibc.realtimeSignalMaximum() {
                return rawValue == minimum ? "SIGRTMIN" : "SIGRTMIN+\(rawValue - minimum)"
            }
            return "signal \(rawValue)"
        }

        /// Parses `USR1`, `SIGUSR1`, `usr1`, `RTMIN+3`, `SIGRTMIN+3` or a number.
        init?(name: String) {
            var text = name.uppercased()
            if let number = CInt(text) {
                self.init(rawValue: number)
                return
            }
            if !text.hasPrefix("SIG") { text = "SIG" + text }
            if text.hasPrefix("SIGRTMIN") {
                let rest = text.dropFirst("SIGRTMIN".count)
                if rest.isEmpty {
                    self = .realtime(0)
                    return
                }
                guard rest.hasPrefix("+"), let offset = Int(rest.dropFirst()) else { return nil }
                self = .realtime(offset)
                return
            }
            for number in CInt(1)...CInt(31) {
                if let constant = SignalDescription.constantName(of: number), "\(constant)" == text {
                    self.init(rawValue: number)
                    return
                }
            }
            return nil
        }
    }
}
