// CPython's Lib/test/test_faulthandler.py, ported to this library's API and output on Linux. Each test names
// the CPython test it follows. Tests that need APIs not in this version (all-thread dumps, the watchdog,
// user signals, the environment variable) are listed as pending in docs/reliability.md.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CPython test_faulthandler, ported")
struct CPythonPortTests {
    /// CPython's check_error: the cause line, a blank line, the header, then the crashing frame; exit by signal.
    func checkFatal(
        _ result: ChildResult, signal: CInt, cause: String, header: String = currentThreadHeader,
        firstFrames: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.signal == signal, "\(result)", sourceLocation: sourceLocation)
        let pattern = "^" + NSRegularExpression.escapedPattern(for: cause) + ".*\\n\\n" + header + "\\n"
        #expect(matches(result.standardError, pattern), "\(result)", sourceLocation: sourceLocation)
        #expect(result.framesContainInOrder(firstFrames), "\(result)", sourceLocation: sourceLocation)
    }

    static let levels = ["reliabilityLevel3(", "reliabilityLevel2(", "reliabilityLevel1("]

    // test_read_null
    @Test func readNull() throws {
        let result = try Fixture.reliability(["segv"])
        checkFatal(result, signal: SIGSEGV, cause: "Fatal error: Segmentation fault (bad memory access at 0x0000000000000008)", firstFrames: Self.levels)
        #expect(result.frames.first?.text.contains("main.swift\", line ") == true, "\(result)")
    }

    // test_sigsegv (raise(SIGSEGV))
    @Test func sigsegv() throws {
        let result = try Fixture.reliability(["raise-sigsegv"])
        checkFatal(result, signal: SIGSEGV, cause: "Fatal error: Segmentation fault (sent by raise() or tgkill() in this process)", firstFrames: ["raise"] + Self.levels)
    }

    // test_sigabrt
    @Test func sigabrt() throws {
        let result = try Fixture.reliability(["abort"])
        checkFatal(result, signal: SIGABRT, cause: "Fatal error: Aborted", firstFrames: ["abort"] + Self.levels)
    }

    // test_sigfpe
    @Test func sigfpe() throws {
        let result = try Fixture.reliability(["fpe"])
        checkFatal(result, signal: SIGFPE, cause: "Fatal error: Floating-point exception (integer divide by zero at 0x", firstFrames: ["reliability_divide"] + Self.levels)
    }

    // test_sigbus (signal.raise_signal(SIGBUS))
    @Test func sigbus() throws {
        let result = try Fixture.reliability(["raise-sigbus"])
        checkFatal(result, signal: SIGBUS, cause: "Fatal error: Bus error (sent by raise() or tgkill() in this process)", firstFrames: Self.levels)
    }

    // test_sigill (signal.raise_signal(SIGILL))
    @Test func sigill() throws {
        let result = try Fixture.reliability(["raise-sigill"])
        checkFatal(result, signal: SIGILL, cause: "Fatal error: Illegal instruction (sent by raise() or tgkill() in this process)", firstFrames: Self.levels)
    }

    // test_stack_overflow
    @Test func stackOverflow() throws {
        let result = try Fixture.reliability(["overflow"])
        checkFatal(result, signal: SIGSEGV, cause: "Fatal error: Segmentation fault (stack overflow: bad memory access at 0x", firstFrames: ["recurse("])
        // 100 frames, then "  ..." (the line is not a frame).
        #expect(result.frames.count == 100, "\(result)")
        #expect(result.standardError.contains("\n  ...\n"), "\(result)")
    }

    // test_fatal_error_c_thread, as far as it applies: a fault on a thread the program started, named with
    // pthread_setname_np, is dumped under that thread's header.
    @Test func faultOnOtherThread() throws {
        let result = try Fixture.reliability(["thread-segv"])
        checkFatal(
            result, signal: SIGSEGV, cause: "Fatal error: Segmentation fault (bad memory access at 0x0000000000000008)",
            header: #"Current thread 0x[0-9a-f]{16} \[crash-worker\] \(most recent call first\):"#, firstFrames: Self.levels)
    }

    // test_enable_file
    @Test func enableFile() throws {
        let path = ChildProcess.temporaryPath("enable-file.txt")
        defer { unlink(path) }
        let result = try Fixture.reliability(["segv", "--output-file", path])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(!result.standardError.contains("Fatal error"), "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(matches(text, "^Fatal error: Segmentation fault.*\\n\\n" + currentThreadHeader + "\\n"), "\(text)")
        #expect(result.framesContainInOrder(Self.levels, in: text), "\(text)")
    }

    // test_enable_fd (the descriptor is the child's standard output)
    @Test func enableFileDescriptor() throws {
        let result = try Fixture.reliability(["segv", "--output-fd", "1"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(!result.standardError.contains("Fatal error"), "\(result)")
        #expect(matches(result.standardOutput, "^Fatal error: Segmentation fault.*\\n\\n" + currentThreadHeader), "\(result)")
    }

    // test_enable_single_thread
    @Test func enableSingleThread() throws {
        let result = try Fixture.reliability(["segv", "--current-only"])
        checkFatal(result, signal: SIGSEGV, cause: "Fatal error: Segmentation fault", header: #"Stack \(most recent call first\):"#, firstFrames: Self.levels)
    }

    // test_disable
    @Test func disable() throws {
        let result = try Fixture.crash(["segv", "--disable"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(!result.standardError.contains("Fatal error"), "\(result)")
    }

    // test_is_enabled and test_disabled_by_default (and disable() returning true, then false)
    @Test func isEnabled() throws {
        let result = try Fixture.reliability(["is-enabled"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput == "before=false enabled=true disable=true after=false disableAgain=false\n", "\(result)")
    }

    /// The lines the dump mode recorded for funcB, funcA, runDumpMode and main.
    func recordedLines(_ result: ChildResult) -> [Int] {
        guard let line = result.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix("lines ") }) else { return [] }
        return line.split(separator: " ").dropFirst().compactMap { Int($0) }
    }

    /// CPython's expected_traceback: exactly these frames, in this order, at these lines.
    func checkDumpTraceback(_ text: String, _ result: ChildResult, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = recordedLines(result)
        #expect(lines.count == 4, "\(result)", sourceLocation: sourceLocation)
        guard lines.count == 4 else { return }
        let file = ChildProcess.packageRoot.appendingPathComponent("Tests/Fixtures/ReliabilityFixture/main.swift").path
        let expected = [
            "Stack (most recent call first):",
            "  File \"\(file)\", line \(lines[0]) in static DumpChain.funcB()",
            "  File \"\(file)\", line \(lines[1]) in static DumpChain.funcA()",
            "  File \"\(file)\", line \(lines[2]) in runDumpMode()",
            "  File \"\(file)\", line \(lines[3]) in ReliabilityFixture_main",
        ]
        let actual = Array(text.split(separator: "\n").map(String.init).prefix(5))
        #expect(actual == expected, "\(result)", sourceLocation: sourceLocation)
        #expect(result.exitStatus == 0, "\(result)", sourceLocation: sourceLocation)
    }

    // test_dump_traceback
    @Test func dumpTraceback() throws {
        let result = try Fixture.reliability(["dump", "--current-only"])
        checkDumpTraceback(result.standardError, result)
    }

    // test_dump_traceback_file
    @Test func dumpTracebackFile() throws {
        let path = ChildProcess.temporaryPath("dump-file.txt")
        defer { unlink(path) }
        let result = try Fixture.reliability(["dump", "--current-only", "--output-file", path])
        checkDumpTraceback(try String(contentsOfFile: path, encoding: .utf8), result)
        #expect(result.standardError.isEmpty, "\(result)")
    }

    // test_dump_traceback_fd
    @Test func dumpTracebackFileDescriptor() throws {
        let result = try Fixture.reliability(["dump", "--current-only", "--output-fd", "2"])
        checkDumpTraceback(result.standardError, result)
    }

    // test_truncate: a name longer than 500 bytes is cut at 500 and ends with "..."
    @Test func truncate() throws {
        let result = try Fixture.reliability(["dump-long-name"])
        #expect(result.exitStatus == 0, "\(result)")
        let frame = result.frames.first { $0.text.contains(" in xxx") }
        #expect(frame?.text.hasSuffix(" in " + String(repeating: "x", count: 500) + "...") == true, "\(result)")
    }

    // Not in test_faulthandler, but in CPython's observed behaviour: non-ASCII bytes are escaped as \xHH.
    @Test func nonASCIIName() throws {
        let result = try Fixture.reliability(["dump-non-ascii"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardError.contains(#" in entr\xc3\xa9e()"#), "\(result)")
    }

    // test_stderr_None: CPython refuses sys.stderr = None; here standard error is closed, and dumpTraceback
    // reports that the dump could not be written.
    @Test func closedStandardError() throws {
        let result = try Fixture.reliability(["dump", "--close-stderr"])
        #expect(result.exitStatus == 3, "\(result)")
        #expect(result.standardOutput.contains("dump failed: the dump could not be written to standard error"), "\(result)")
    }
}
