// One crash per fatal signal, each in a child process: the exit signal, the cause line, the header and the
// crashing function with its two callers, in order.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Fatal signals")
struct FatalSignalTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var mode: String
        var signal: CInt
        var cause: String
        var testDescription: String { mode }
    }

    static let cases: [Case] = [
        Case(mode: "segv", signal: SIGSEGV, cause: "Fatal error: Segmentation fault (bad memory access at 0x0000000000000008"),
        Case(mode: "bus", signal: SIGBUS, cause: "Fatal error: Bus error (nonexistent physical address at 0x"),
        Case(mode: "fpe", signal: SIGFPE, cause: "Fatal error: Floating-point exception (integer divide by zero at 0x"),
        Case(mode: "fatal-error", signal: SIGILL, cause: "Fatal error: Illegal instruction (Swift runtime failure"),
        Case(mode: "force-unwrap", signal: SIGILL, cause: "Fatal error: Illegal instruction (Swift runtime failure"),
        Case(mode: "abort", signal: SIGABRT, cause: "Fatal error: Aborted (abort() or raise() in this process)"),
        Case(mode: "trap", signal: SIGTRAP, cause: "Fatal error: Trace/breakpoint trap (sent by raise() or tgkill() in this process)"),
    ]

    @Test("dies by the signal and dumps the crashing function and its callers", arguments: cases)
    func crash(_ testCase: Case) throws {
        let result = try FixtureRunner.run([testCase.mode])
        #expect(result.signal == testCase.signal, "\(result)")
        let lines = result.errorLines
        let causeIndex = try #require(lines.firstIndex { $0.hasPrefix(testCase.cause) }, "\(result)")
        #expect(lines[causeIndex + 1] == "", "\(result)")
        #expect(lines[causeIndex + 2].hasPrefix("Current thread 0x"), "\(result)")
        #expect(lines[causeIndex + 2].hasSuffix("(most recent call first):"), "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(DumpText.containsInOrder(frames, ["fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(result)")
        // One dump only: Swift's own crash reporter is replaced, not run as well.
        #expect(!result.standardError.contains("*** Program crashed"), "\(result)")
        // (Other threads follow as `Thread 0x…` blocks: one `Current thread` block means one dump.)
        #expect(result.standardError.components(separatedBy: "Current thread 0x").count == 2, "\(result)")
    }

    @Test("a stack overflow on the enabling thread is dumped")
    func stackOverflow() throws {
        let result = try FixtureRunner.run(["overflow"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.contains("Fatal error: Segmentation fault (stack overflow: bad memory access at 0x"), "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(frames.count == 101, "\(result)")
        #expect(frames.last == "  ...", "\(result)")
        // Every frame belongs to the recursion: the function, its closure, and the stdlib helper it calls. The
        // newest frame is whatever the recursion was calling when the stack ran out (a runtime helper, say).
        #expect(frames.dropFirst().dropLast().allSatisfy { $0.contains("fixtureRecurse(") || $0.contains(" in withUnsafeMutableBytes") }, "\(result)")
        #expect(frames.dropLast().contains { $0.contains(" in fixtureRecurse(_:)") }, "\(result)")
    }

    @Test("only the faulting thread's header reads 'Stack' with allThreads: false")
    func currentThreadOnly() throws {
        let result = try FixtureRunner.run(["segv", "--current-only"])
        #expect(result.signal == SIGSEGV)
        #expect(result.standardError.contains("\n\nStack (most recent call first):\n"), "\(result)")
    }
}
