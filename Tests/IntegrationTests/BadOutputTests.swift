// Dumps into outputs that fail: a pipe nobody reads, a full device, a file-size limit, closed descriptors. The
// process must not hang and must still die by the signal that crashed it. And a crash right after enable(),
// while symbols are still being prepared, is still dumped in bounded time.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Bad outputs and early crashes")
struct BadOutputTests {
    @Test("pipe without a reader, SIGPIPE ignored: the write fails with EPIPE, SIGSEGV kills the process")
    func brokenPipeIgnored() throws {
        let result = try Fixture.reliability(["segv", "--broken-pipe", "--ignore-sigpipe"])
        #expect(!result.timedOut && result.signal == SIGSEGV, "\(result)")
        #expect(result.standardOutput.contains("ready"), "\(result)")
    }

    // The write raises SIGPIPE inside the fatal handler; the handler blocks it for the dump and discards it, so
    // the process still dies by the original signal.
    @Test("pipe without a reader, SIGPIPE default: the original signal still kills the process")
    func brokenPipeDefault() throws {
        let result = try Fixture.reliability(["segv", "--broken-pipe"])
        #expect(!result.timedOut, "\(result)")
        #expect(result.signal == SIGSEGV, "\(result)")
    }

    @Test("a full device (/dev/full): ENOSPC, no hang, SIGSEGV")
    func fullDevice() throws {
        let result = try Fixture.reliability(["segv", "--output-file", "/dev/full"])
        #expect(!result.timedOut && result.signal == SIGSEGV, "\(result)")
    }

    @Test("RLIMIT_FSIZE of 100 bytes, SIGXFSZ ignored: the dump is cut at 100 bytes, SIGABRT")
    func fileSizeLimitIgnored() throws {
        let path = ChildProcess.temporaryPath("fsize.txt")
        defer { unlink(path) }
        let result = try Fixture.reliability(["abort", "--output-file", path, "--fsize-limit", "100", "--ignore-sigxfsz"])
        #expect(!result.timedOut && result.signal == SIGABRT, "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.utf8.count == 100, "\(text)")
        #expect(text.hasPrefix("Fatal error: Aborted"), "\(text)")
    }

    // Like SIGPIPE: the write past the limit raises SIGXFSZ, which the handler blocks and discards.
    @Test("RLIMIT_FSIZE of 100 bytes, SIGXFSZ default: the original signal still kills the process")
    func fileSizeLimitDefault() throws {
        let path = ChildProcess.temporaryPath("fsize-default.txt")
        defer { unlink(path) }
        let result = try Fixture.reliability(["abort", "--output-file", path, "--fsize-limit", "100"])
        #expect(!result.timedOut, "\(result)")
        #expect(result.signal == SIGABRT, "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("Fatal error: Aborted"), "\(text)")
    }

    @Test("standard error closed after enable(): nothing written, no hang, SIGSEGV")
    func closedStandardError() throws {
        let result = try Fixture.reliability(["segv", "--close-stderr"])
        #expect(!result.timedOut && result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.isEmpty, "\(result)")
    }

    @Test("the handler's own descriptor closed behind its back: EBADF, no hang, SIGFPE")
    func closedOwnDescriptor() throws {
        let path = ChildProcess.temporaryPath("closed.txt")
        defer { unlink(path) }
        let result = try Fixture.reliability(["fpe", "--output-file", path, "--close-descriptors"])
        #expect(!result.timedOut && result.signal == SIGFPE, "\(result)")
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.isEmpty, "\(text)")
    }

    @Test("abort() right after enable(), while library symbols are prepared in the background: dumped within ~2 s")
    func crashDuringPreparation() throws {
        let result = try Fixture.reliability(["abort"])
        #expect(!result.timedOut && result.signal == SIGABRT, "\(result)")
        #expect(result.standardError.contains("Fatal error: Aborted"), "\(result)")
        #expect(result.framesContainInOrder(["reliabilityLevel3(", "reliabilityLevel2(", "reliabilityLevel1("]), "\(result)")
        // Process start, enable(), at most 2 s of waiting for the preparation, the dump.
        #expect(result.seconds < 3.5, "\(result)")
    }
}
