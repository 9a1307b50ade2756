// dumpTracebackLater and cancelDumpTracebackLater, through the threads fixture.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Watchdog")
struct WatchdogTests {
    static func timeoutCount(_ text: String) -> Int {
        text.components(separatedBy: "Timeout (").count - 1
    }

    @Test("fires once after 0.5 s: header, then every thread; the main thread is in its sleeping function")
    func firesOnce() throws {
        let result = try ThreadsFixture.run(["watchdog"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardError.hasPrefix("Timeout (0:00:00.500000)!\nThread 0x"), "\(result)")
        #expect(Self.timeoutCount(result.standardError) == 1, "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        #expect(!blocks.contains { $0.header.hasPrefix("Current thread") }, "the watchdog itself is not listed: \(result)")
        #expect(ThreadsFixture.mentions(blocks.first?.frames ?? [], "watchdogSleeper"), "\(result)")
    }

    @Test("repeating fires again and again until cancelled")
    func repeating() throws {
        let result = try ThreadsFixture.run(["watchdog-repeat"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(Self.timeoutCount(result.standardError) >= 2, "\(result)")
        #expect(result.standardError.hasPrefix("Timeout (0:00:00.200000)!\n"), "\(result)")
    }

    @Test("cancel right after arming: no output; cancel twice and with nothing armed is fine")
    func cancel() throws {
        let result = try ThreadsFixture.run(["watchdog-cancel"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardError.isEmpty, "\(result)")
        let unarmed = try ThreadsFixture.run(["cancel-unarmed"])
        #expect(unarmed.exitStatus == 0 && unarmed.standardOutput == "cancelled\n", "\(unarmed)")
    }

    @Test("arming again replaces the pending dump and restarts the clock")
    func rearm() throws {
        let result = try ThreadsFixture.run(["watchdog-rearm"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(Self.timeoutCount(result.standardError) == 1, "\(result)")
        #expect(result.standardError.hasPrefix("Timeout (0:00:00.600000)!\n"), "\(result)")
    }

    @Test("exit: true ends the process with status 1 after the dump")
    func exitAfterDump() throws {
        let result = try ThreadsFixture.run(["watchdog-exit"])
        #expect(result.exitStatus == 1, "\(result)")
        #expect(result.standardError.hasPrefix("Timeout (0:00:00.300000)!\nThread 0x"), "\(result)")
        #expect(!result.standardOutput.contains("not exited"))
    }

    @Test("bad timeouts and thread caps throw invalidArgument")
    func badArguments() throws {
        let result = try ThreadsFixture.run(["watchdog-bad"])
        #expect(result.exitStatus == 0, "\(result)")
        for label in ["zero", "negative", "two years", "max threads"] {
            #expect(result.standardOutput.contains("\(label): threw "), "\(label): \(result)")
        }
        #expect(result.standardError.isEmpty, "\(result)")
    }

    @Test("after fork() the child cancels at once and can arm its own watchdog")
    func fork() throws {
        let result = try ThreadsFixture.run(["watchdog-fork"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput.contains("child cancelled\n"), "\(result)")
        #expect(result.standardOutput.contains("child status 0\n"), "\(result)")
        // The parent cancelled its own before it was due; the child's fired once.
        #expect(Self.timeoutCount(result.standardError) == 1, "\(result)")
        #expect(result.standardError.hasPrefix("Timeout (0:00:00.200000)!\n"), "\(result)")
    }

    @Test("the watchdog's dump allocates nothing on the watchdog thread")
    func noAllocations() throws {
        let result = try ThreadsFixture.run(["watchdog-mallocs"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardError.contains("[alpha-worker]"), "\(result)")
        #expect(result.standardError.contains("watchdog mallocs during dump: 0\n"), "\(result)")
    }

    @Test("soak: a watchdog repeating every 1 ms for 30 s while threads start and exit and children fork")
    func soak() throws {
        let result = try FixtureRunner.run(
            ["watchdog-soak", "--seconds", "30"], executable: ThreadsFixture.path,
            environment: ["SWIFT_BACKTRACE": "enable=no", "SWIFT_FAULTHANDLER": ""], timeout: 120)
        #expect(result.exitStatus == 0, "\(result)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let counts = try #require(lines.first { $0.hasPrefix("threads ") }, "\(result)").split(separator: " ")
        #expect(Int(counts[1]) ?? 0 > 100, "\(result)")
        #expect(Int(counts[3]) ?? 0 > 2, "\(result)")
        // No descriptor leak, and memory stays flat (a little allocator noise aside).
        let descriptors = try #require(lines.first { $0.hasPrefix("descriptors ") }).split(separator: " ")
        #expect(Int(descriptors[3]) ?? Int.max <= Int(descriptors[1]) ?? 0, "\(result)")
        let resident = try #require(lines.first { $0.hasPrefix("resident ") }).split(separator: " ")
        // resident START -> PREPARED -> MIDDLE -> END KiB, measured after the background preparation of symbol
        // tables finished: neither half of the run may grow by more than allocator noise.
        let prepared = Int(resident[3]) ?? 0
        let middle = Int(resident[5]) ?? 0
        let end = Int(resident[7]) ?? Int.max
        #expect(middle - prepared < 6 * 1024, "resident memory grew from \(prepared) to \(middle) KiB")
        #expect(end - middle < 4 * 1024, "resident memory grew from \(middle) to \(end) KiB in the second half")
    }
}
