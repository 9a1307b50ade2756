// All-threads dumps through the threads fixture: named parked threads, the thread cap, fatal dumps, stack
// overflow on secondary threads and on a Swift concurrency task.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the threads fixture and its output.
enum ThreadsFixture {
    static var path: String { FixtureRunner.productsDirectory.appendingPathComponent("ThreadsFixture").path }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildResult {
        var merged = ["SWIFT_BACKTRACE": "enable=no", "SWIFT_FAULTHANDLER": ""]
        for (key, value) in environment { merged[key] = value }
        return try FixtureRunner.run(arguments, executable: path, environment: merged, timeout: 20)
    }

    /// The thread blocks of a dump: each header line with the lines that follow it up to the next blank line.
    static func blocks(_ text: String) -> [(header: String, frames: [String])] {
        var result: [(header: String, frames: [String])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasSuffix("(most recent call first):") {
                result.append((line, []))
            } else if line.hasPrefix("  "), !result.isEmpty {
                result[result.count - 1].frames.append(line)
            }
        }
        return result
    }

    /// True when some frame line names `function` (mangled or demangled names both contain it).
    static func mentions(_ frames: [String], _ function: String) -> Bool {
        frames.contains { $0.contains(function) }
    }
}

@Suite("All threads")
struct AllThreadsTests {
    @Test("dumpTraceback lists the caller first, then each named thread in the function it is parked in")
    func namedThreads() throws {
        let result = try ThreadsFixture.run(["threads"])
        #expect(result.exitStatus == 0, "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        let first = try #require(blocks.first, "\(result)")
        #expect(first.header.hasPrefix("Current thread 0x"), "\(result)")
        #expect(ThreadsFixture.mentions(first.frames, "dumpFromMain"), "\(result)")
        for (name, function) in [("alpha-worker", "parkedInAlpha"), ("beta-worker", "parkedInBeta"), ("gamma-worker", "parkedInGamma")] {
            let block = try #require(blocks.first { $0.header.contains("[\(name)]") }, "\(name): \(result)")
            #expect(block.header.hasPrefix("Thread 0x"), "\(result)")
            #expect(block.header.range(of: #"^Thread 0x[0-9a-f]{16} \[[^\]]+\] \(most recent call first\):$"#, options: .regularExpression) != nil)
            #expect(ThreadsFixture.mentions(block.frames, function), "\(name): \(result)")
            #expect(ThreadsFixture.mentions(block.frames, "pause"), "\(name): \(result)")
        }
        #expect(blocks.filter { $0.header.hasPrefix("Current thread") }.count == 1)
        // Blocks are separated by one blank line each.
        #expect(result.standardError.contains("\n\nThread 0x"), "\(result)")
    }

    @Test("150 threads: 100 blocks, then '...'")
    func defaultCap() throws {
        let result = try ThreadsFixture.run(["many", "--count", "150"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(ThreadsFixture.blocks(result.standardError).count == 100)
        #expect(result.standardError.hasSuffix("\n\n...\n"), "\(result.standardError.suffix(300))")
    }

    @Test("maxThreads caps the blocks, the calling thread included")
    func configuredCap() throws {
        let result = try ThreadsFixture.run(["many", "--count", "10", "--max", "5"])
        #expect(result.exitStatus == 0, "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        #expect(blocks.count == 5, "\(result)")
        #expect(blocks.first?.header.hasPrefix("Current thread") == true)
        #expect(result.standardError.hasSuffix("\n\n...\n"))
    }

    @Test("a fatal signal dumps the faulting thread as current, then the others, and still dies by the signal")
    func fatalAllThreads() throws {
        let result = try ThreadsFixture.run(["segv-threads"])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.hasPrefix("Fatal error: Segmentation fault"), "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        #expect(blocks.first?.header.hasPrefix("Current thread") == true, "\(result)")
        #expect(ThreadsFixture.mentions(blocks.first?.frames ?? [], "crashWithSegv"), "\(result)")
        let alpha = try #require(blocks.first { $0.header.contains("[alpha-worker]") }, "\(result)")
        #expect(ThreadsFixture.mentions(alpha.frames, "parkedInAlpha"))
    }

    @Test("stack overflow on a secondary pthread is dumped", arguments: ["overflow-thread", "overflow-task"])
    func overflowOnSecondaryThread(mode: String) throws {
        let result = try ThreadsFixture.run([mode])
        #expect(result.signal == SIGSEGV, "\(result)")
        #expect(result.standardError.contains("Fatal error: Segmentation fault (stack overflow: bad memory access at 0x"), "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        let current = try #require(blocks.first, "\(result)")
        #expect(current.header.hasPrefix("Current thread 0x"), "\(result)")
        if mode == "overflow-thread" { #expect(current.header.contains("[recursing]"), "\(result)") }
        // Debug builds interleave the recursion with stdlib frames (withUnsafeMutableBytes): most frames, not all.
        #expect(current.frames.prefix(60).filter { $0.contains("fixtureRecurse") }.count >= 30, "\(result)")
        // The main thread is listed too.
        #expect(blocks.contains { $0.header.hasPrefix("Thread 0x") && $0.header.contains("[ThreadsFixture]") }, "\(result)")
    }

    @Test("8 threads fault at the same instant: one complete dump, no hang, death by the signal (50 runs)")
    func concurrentFaults() throws {
        for run in 0..<50 {
            let result = try ThreadsFixture.run(["concurrent-faults", "--count", "8"])
            #expect(result.signal == SIGSEGV, "run \(run): \(result)")
            let text = result.standardError
            #expect(text.components(separatedBy: "Fatal error: Segmentation fault").count == 2, "run \(run): \(text)")
            let blocks = ThreadsFixture.blocks(text)
            #expect(blocks.filter { $0.header.hasPrefix("Current thread") }.count == 1, "run \(run): \(text)")
            // The thread that claimed the dump is one of the faulters; so are at least some of the others,
            // stopped where they faulted.
            let current = blocks.first { $0.header.hasPrefix("Current thread") }
            #expect(current?.header.contains("[faulter-") == true, "run \(run): \(text)")
            #expect(ThreadsFixture.mentions(current?.frames ?? [], "concurrentFaulter()"), "run \(run): \(text)")
            let faulters = blocks.filter { ThreadsFixture.mentions($0.frames, "concurrentFaulter()") }
            #expect(faulters.count >= 2, "run \(run): \(text)")
            #expect(!text.contains("still alive"))
            if result.signal != SIGSEGV { break }
        }
    }
}
