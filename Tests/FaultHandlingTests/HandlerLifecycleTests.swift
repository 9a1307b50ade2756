// disable(), outputs, chaining and allocation counts, through the crash fixture.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Handler lifecycle and outputs")
struct HandlerLifecycleTests {
    @Test("after disable() a crash prints nothing and still dies by the signal")
    func disabled() throws {
        let result = try FixtureRunner.run(["segv", "--disable"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(!result.standardError.contains("Fatal error: Segmentation fault"), "\(result)")
        #expect(!result.standardError.contains("most recent call first"), "\(result)")
    }

    @Test("disable() restores the previous handler exactly (here: Swift's crash reporter)")
    func disableRestoresPrevious() throws {
        let result = try FixtureRunner.run(["segv", "--disable"], environment: ["SWIFT_BACKTRACE": "enable=yes"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.contains("*** Program crashed"), "\(result)")
    }

    @Test("a dump to a file lands in the file, and nothing on stderr")
    func fileOutput() throws {
        let path = FixtureRunner.temporaryPath("dump.txt")
        defer { unlink(path) }
        let result = try FixtureRunner.run(["segv", "--output-file", path])
        #expect(result.signal == SIGSEGV)
        #expect(!result.standardError.contains("most recent call first"), "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("Fatal error: Segmentation fault"), "\(text)")
        #expect(DumpText.containsInOrder(DumpText.frameLines(text), ["fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(text)")
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }

    @Test("a dump to a descriptor survives the caller closing its own copy")
    func descriptorOutput() throws {
        let path = FixtureRunner.temporaryPath("dump-fd.txt")
        defer { unlink(path) }
        let result = try FixtureRunner.run(["segv", "--output-fd-file", path])
        #expect(result.signal == SIGSEGV)
        #expect(!result.standardError.contains("most recent call first"), "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("Fatal error: Segmentation fault"), "\(text)")
    }

    @Test("chain: true calls the previously installed handler after the dump")
    func chaining() throws {
        let result = try FixtureRunner.run(["segv", "--chain", "--marker-handler"])
        #expect(result.signal == SIGSEGV, "\(result)")
        let dump = try #require(result.standardError.range(of: "Fatal error: Segmentation fault"), "\(result)")
        let marker = try #require(result.standardError.range(of: "previous handler called"), "\(result)")
        #expect(dump.lowerBound < marker.lowerBound)
    }

    @Test("without chain the previous handler is not called")
    func noChaining() throws {
        let result = try FixtureRunner.run(["segv", "--marker-handler"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.contains("Fatal error: Segmentation fault"), "\(result)")
        #expect(!result.standardError.contains("previous handler called"), "\(result)")
    }

    // Modes whose crash path allocates before the signal (fatalError and force-unwrap print a message
    // through the runtime first) are left out: the count starts before the crash, not at the handler.
    @Test("the fatal handler allocates nothing", arguments: ["segv", "abort", "arithmetic-overflow", "fpe"])
    func noAllocations(mode: String) throws {
        let result = try FixtureRunner.run([mode, "--count-mallocs"])
        #expect(result.standardError.contains("most recent call first"), "\(result)")
        #expect(result.standardError.contains("mallocs during dump: 0\n"), "\(result)")
    }

    @Test("crash inside a qsort callback: frames on both sides of libc")
    func qsortCallback() throws {
        let result = try FixtureRunner.run(["qsort"])
        #expect(result.signal == SIGSEGV, "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(DumpText.containsInOrder(frames, ["closure #1 in fixtureLevel3(", "msort", "qsort", "fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(result)")
    }

    @Test("a crash inside a library loaded with dlopen after enable() is symbolised")
    func dlopenedLibrary() throws {
        let result = try FixtureRunner.run(["dlopen"])
        #expect(result.signal == SIGSEGV, "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(frames.first?.contains("File \"libz.so.1\" in crc32") == true, "\(result)")
        #expect(DumpText.containsInOrder(frames, ["crc32", "fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(result)")
    }

    @Test("abort(): frames inside libc, then the Swift callers")
    func abortThroughLibc() throws {
        let result = try FixtureRunner.run(["abort"])
        #expect(result.signal == SIGABRT, "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(DumpText.containsInOrder(frames, ["abort", "fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(result)")
    }

    @Test("dumpTraceback() writes the caller's stack and the program goes on")
    func onDemand() throws {
        let result = try FixtureRunner.run(["dump"])
        #expect(result.exitStatus == 0, "\(result)")
        let lines = result.errorLines
        #expect(lines.first?.hasPrefix("Current thread 0x") == true, "\(result)")
        let frames = DumpText.frameLines(result.standardError)
        #expect(frames.first?.contains(" in fixtureLevel3(") == true, "\(result)")
        #expect(DumpText.containsInOrder(frames, ["fixtureLevel3(", "fixtureLevel2(", "fixtureLevel1("]), "\(result)")
    }
}
