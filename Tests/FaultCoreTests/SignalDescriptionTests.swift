// The cause line: signal names, si_code details and Swift trap recognition.

import FaultCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

private func causeLine(_ cause: SignalCause, runtimeFailure: String = "") -> String {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 16)
    defer { buffer.deallocate() }
    var fds: [CInt] = [0, 0]
    precondition(pipe(&fds) == 0)
    var writer = SignalSafeWriter(fd: fds[1], buffer: buffer)
    var failure = Array(runtimeFailure.utf8)
    failure.withUnsafeMutableBytes { SignalDescription.writeCause(cause, runtimeFailure: UnsafeRawBufferPointer($0), to: &writer) }
    writer.flush()
    close(fds[1])
    var bytes = [UInt8](repeating: 0, count: 1024)
    let n = read(fds[0], &bytes, bytes.count)
    close(fds[0])
    return String(decoding: bytes[0..<max(n, 0)], as: UTF8.self)
}

private func cause(_ signal: CInt, code: CInt, address: UInt64 = 0, pid: CInt = 0, pc: UInt64 = 0x1000, sp: UInt64 = 0x7fff0000, trap: Bool = false) -> SignalCause {
    SignalCause(signal: signal, code: code, address: address, senderPID: pid, pc: pc, sp: sp, isSwiftTrap: trap)
}

@Suite("Cause line")
struct SignalDescriptionTests {
    @Test("bad memory access")
    func segv() {
        #expect(causeLine(cause(SIGSEGV, code: 1, address: 8)) == "Fatal error: Segmentation fault (bad memory access at 0x0000000000000008)")
        #expect(causeLine(cause(SIGSEGV, code: 2, address: 0x1000)) == "Fatal error: Segmentation fault (bad memory access at 0x0000000000001000, invalid permissions)")
    }

    @Test("a fault just below the stack pointer is a stack overflow")
    func stackOverflow() {
        let line = causeLine(cause(SIGSEGV, code: 2, address: 0x7ffeffe0, sp: 0x7fff0000))
        #expect(line == "Fatal error: Segmentation fault (stack overflow: bad memory access at 0x000000007ffeffe0, invalid permissions)")
    }

    @Test("bus errors, arithmetic errors and breakpoints")
    func otherFaults() {
        #expect(causeLine(cause(SIGBUS, code: 2, address: 0x7f0000001000)) == "Fatal error: Bus error (nonexistent physical address at 0x00007f0000001000)")
        #expect(causeLine(cause(SIGFPE, code: 1, address: 0x5555)) == "Fatal error: Floating-point exception (integer divide by zero at 0x0000000000005555)")
        #expect(causeLine(cause(SIGTRAP, code: 1, pc: 0x4242)) == "Fatal error: Trace/breakpoint trap (breakpoint at 0x0000000000004242)")
        #expect(causeLine(cause(SIGILL, code: 1, address: 0x10)) == "Fatal error: Illegal instruction (illegal opcode at 0x0000000000000010)")
    }

    @Test("Swift traps (ud2) are reported as runtime failures, with the reason when the debug info has it")
    func swiftTraps() {
        #expect(causeLine(cause(SIGILL, code: 2, address: 0x1234, trap: true)) == "Fatal error: Illegal instruction (Swift runtime failure: trap at 0x0000000000001234)")
        #expect(causeLine(cause(SIGILL, code: 2, address: 0x1234, trap: true), runtimeFailure: "Swift runtime failure: arithmetic overflow")
            == "Fatal error: Illegal instruction (Swift runtime failure: arithmetic overflow: trap at 0x0000000000001234)")
    }

    @Test("signals sent by a process name the sender")
    func sentSignals() {
        #expect(causeLine(cause(SIGABRT, code: -6, pid: getpid())) == "Fatal error: Aborted (abort() or raise() in this process)")
        #expect(causeLine(cause(SIGSEGV, code: 0, pid: 4321)) == "Fatal error: Segmentation fault (sent by kill() from pid 4321)")
        #expect(causeLine(cause(SIGSEGV, code: 0x80, pc: 0x99)) == "Fatal error: Segmentation fault (bad memory access: general protection fault at pc 0x0000000000000099)")
    }

    @Test("unknown signals are printed by number")
    func unknownSignal() {
        #expect(causeLine(cause(63, code: -1, pid: 1)) == "Fatal error: signal 63 (sent by sigqueue() from pid 1)")
    }
}
