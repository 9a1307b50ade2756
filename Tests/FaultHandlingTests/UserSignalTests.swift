// register/unregister, the startup environment variable, and non-disturbance of other threads.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("User signals and startup")
struct UserSignalTests {
    @Test("register(.user1): SIGUSR1 dumps and the program continues")
    func register() throws {
        let result = try ThreadsFixture.run(["user-signal"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput == "continued\n", "\(result)")
        let blocks = ThreadsFixture.blocks(result.standardError)
        #expect(blocks.first?.header.hasPrefix("Current thread 0x") == true, "\(result)")
        // The dump starts at the interrupted code: the sender is on the stack.
        #expect(ThreadsFixture.mentions(blocks.first?.frames ?? [], "signalSender"), "\(result)")
        #expect(!result.standardError.contains("<not captured"), "\(result)")
    }

    @Test("unregister restores the default action: SIGUSR1 then ends the process")
    func unregister() throws {
        let result = try ThreadsFixture.run(["user-signal-unregister"])
        #expect(result.signal == SIGUSR1, "\(result)")
        #expect(result.standardOutput == "unregister: true, again: false\n", "\(result)")
        #expect(result.standardError.isEmpty, "\(result)")
    }

    @Test("chain: true calls the previous handler after an allocation-free dump; unregister restores it")
    func chain() throws {
        let result = try ThreadsFixture.run(["user-signal-chain"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput.contains("previous handler calls: 1\n"), "\(result)")
        #expect(result.standardOutput.contains("mallocs during dump: 0\n"), "\(result)")
        #expect(result.standardOutput.contains("previous handler calls after unregister: 2\n"), "\(result)")
        #expect(result.standardError.contains("[beta-worker]"), "\(result)")
        // Exactly one dump: the second signal went to the restored handler only.
        #expect(result.standardError.components(separatedBy: "Current thread").count == 2, "\(result)")
    }

    @Test("fatal signals, SIGKILL, SIGSTOP and out-of-range numbers are refused")
    func refused() throws {
        let result = try ThreadsFixture.run(["user-signal-refuse"])
        #expect(result.exitStatus == 0, "\(result)")
        for label in ["SIGSEGV", "SIGABRT", "SIGKILL", "SIGSTOP", "zero", "65", "realtime 99"] {
            #expect(result.standardOutput.contains("\(label): threw "), "\(label): \(result)")
        }
        #expect(result.standardOutput.contains("SIGSEGV: threw cannot register SIGSEGV: signal 11 is a fatal signal: use enable()"))
        #expect(result.standardOutput.contains("realtime 2: accepted"), "\(result)")
        #expect(result.standardOutput.contains("unregister SIGSEGV: false"), "\(result)")
    }

    @Test("SWIFT_FAULTHANDLER=1 enables the handler before main; without it nothing is printed")
    func environment() throws {
        let enabled = try ThreadsFixture.run(["env-segv"], environment: ["SWIFT_FAULTHANDLER": "1"])
        #expect(enabled.signal == SIGSEGV, "\(enabled)")
        #expect(enabled.standardError.hasPrefix("Fatal error: Segmentation fault (bad memory access at 0x0000000000000008)"), "\(enabled)")
        #expect(ThreadsFixture.mentions(ThreadsFixture.blocks(enabled.standardError).first?.frames ?? [], "crashWithSegv"))
        for off in ["", "0"] {
            let disabled = try ThreadsFixture.run(["env-segv"], environment: ["SWIFT_FAULTHANDLER": off])
            #expect(disabled.signal == SIGSEGV, "\(disabled)")
            #expect(disabled.standardError.isEmpty, "'\(off)': \(disabled)")
        }
    }

    @Test("SWIFT_FAULTHANDLER options: unknown items give one warning line; signal= registers")
    func environmentOptions() throws {
        let warned = try ThreadsFixture.run(
            ["env-segv"], environment: ["SWIFT_FAULTHANDLER": "1,bogus=3,timeout=abc,all_threads=0"])
        #expect(warned.signal == SIGSEGV, "\(warned)")
        let lines = warned.errorLines
        #expect(lines.first == "swift-faulthandler: SWIFT_FAULTHANDLER: ignored 'bogus=3'; ignored 'timeout=abc'", "\(warned)")
        #expect(lines.dropFirst().first?.hasPrefix("Fatal error: Segmentation fault") == true, "\(warned)")
        #expect(warned.standardError.contains("\n\nStack (most recent call first):\n"), "all_threads=0: \(warned)")

        let signal = try ThreadsFixture.run(["env-signal"], environment: ["SWIFT_FAULTHANDLER": "signal=USR1"])
        #expect(signal.exitStatus == 0, "\(signal)")
        #expect(signal.standardOutput == "continued\n", "\(signal)")
        #expect(ThreadsFixture.mentions(ThreadsFixture.blocks(signal.standardError).first?.frames ?? [], "signalSender"), "\(signal)")
    }

    @Test("a thread blocked in read() sees no EINTR and loses no data during 100 user-signal and many watchdog dumps")
    func nonDisturbance() throws {
        let path = FixtureRunner.temporaryPath("nondisturb.txt")
        defer { unlink(path) }
        let result = try ThreadsFixture.run(["nondisturb", "--dump-file", path])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput == "bytes read: 100, EINTR: 0\n", "\(result)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The reader really was stopped and dumped each time (100 user-signal dumps and the watchdog's).
        let readerBlocks = text.components(separatedBy: "[pipe-reader] (most recent call first):").count - 1
        #expect(readerBlocks >= 110, "\(readerBlocks) reader blocks")
        // (Another thread may be listed as not captured: glibc blocks every signal in a thread that is exiting,
        // such as the library's symbol-preparation thread when it finishes.)
        #expect(!text.contains("[pipe-reader] (most recent call first):\n  <not captured"), "\(text.prefix(2000))")
    }

    @Test("a storm of 10 000 SIGUSR1 while the program works: it keeps running, no deadlock, dumps well-formed",
          arguments: [false, true])
    func signalStorm(allThreads: Bool) throws {
        let path = FixtureRunner.temporaryPath("storm.txt")
        defer { unlink(path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ThreadsFixture.path)
        process.arguments = ["signal-storm", "--output", path, "--all-threads", allThreads ? "1" : "0", "--seconds", "6"]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["SWIFT_FAULTHANDLER"] = ""
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for "ready", then send the storm.
        let reader = output.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("ready") && Date() < deadline {
            text += String(decoding: reader.availableData, as: UTF8.self)
        }
        #expect(text.contains("ready"))
        var sent = 0
        while sent < 10_000 && process.isRunning {
            kill(process.processIdentifier, SIGUSR1)
            sent += 1
            if sent % 10 == 0 { usleep(500) }
        }
        #expect(sent == 10_000)
        let end = Date().addingTimeInterval(30)
        while process.isRunning && Date() < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)")
        #expect(text.contains("finished"), "\(text)")
        // Dumps coalesce (a pending signal is delivered once), but every dump is complete and none interleave.
        let dump = try String(contentsOfFile: path, encoding: .utf8)
        let lines = dump.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headers = lines.filter { $0.hasSuffix("(most recent call first):") }
        #expect(headers.count >= 5, "only \(headers.count) dumps")
        for line in lines where !line.isEmpty {
            let wellFormed = line.hasSuffix("(most recent call first):") || line.hasPrefix("  File ")
                || line == "  ..." || line.hasPrefix("  <")
            #expect(wellFormed, "malformed line: \(line)")
            if !wellFormed { break }
        }
    }

    @Test("user-signal and watchdog dumps into a pipe without a reader do not kill the program (SIGPIPE)")
    func brokenPipeDoesNotKill() throws {
        let result = try ThreadsFixture.run(["user-signal-broken-pipe"])
        #expect(result.exitStatus == 0, "\(result)")
        #expect(result.standardOutput.contains("survived"), "\(result)")
    }
}
