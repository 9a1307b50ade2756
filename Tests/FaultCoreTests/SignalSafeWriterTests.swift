// The dump writer: formatting, escaping, truncation, and writes that are interrupted or partial.

import CAllocationCounter
import FaultCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with a writer whose output is collected from a pipe, and returns the text written.
private func written(bufferSize: Int = 256, _ body: (inout SignalSafeWriter) -> Void) -> String {
    var fds: [CInt] = [0, 0]
    precondition(pipe(&fds) == 0)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    defer { buffer.deallocate() }
    var writer = SignalSafeWriter(fd: fds[1], buffer: buffer)
    body(&writer)
    writer.flush()
    close(fds[1])
    var data = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fds[0], &chunk, chunk.count)
        if n <= 0 { break }
        data.append(contentsOf: chunk[0..<n])
    }
    close(fds[0])
    return String(decoding: data, as: UTF8.self)
}

@Suite("SignalSafeWriter")
struct SignalSafeWriterTests {
    @Test("decimal numbers", arguments: [(UInt64(0), "0"), (7, "7"), (10, "10"), (1234567890, "1234567890"), (UInt64.max, "18446744073709551615")])
    func decimal(value: UInt64, expected: String) {
        #expect(written { $0.writeDecimal(value) } == expected)
    }

    @Test("signed decimal numbers")
    func signedDecimal() {
        #expect(written { $0.writeDecimal(Int64(-42)) } == "-42")
        #expect(written { $0.writeDecimal(Int64.min) } == "-9223372036854775808")
    }

    @Test("hexadecimal with and without padding")
    func hexadecimal() {
        #expect(written { $0.writeHex(0) } == "0")
        #expect(written { $0.writeHex(0xdeadbeef) } == "deadbeef")
        #expect(written { $0.writeHex(0x1f, width: 4) } == "001f")
        #expect(written { $0.writeHex(UInt64.max, width: 4) } == "ffffffffffffffff")
        #expect(written { $0.writeAddress(0x7f3a1c2b5740) } == "0x00007f3a1c2b5740")
    }

    @Test("printable ASCII passes, other bytes become \\xHH")
    func escaping() {
        let input: [UInt8] = Array("caf".utf8) + [0xC3, 0xA9, 0x09, 0x7F, 0x41]
        let text = written { writer in input.withUnsafeBytes { writer.writeEscaped($0) } }
        #expect(text == "caf\\xc3\\xa9\\x09\\x7fA")
    }

    @Test("escaping stops at a NUL byte")
    func stopsAtNul() {
        let input: [UInt8] = [0x61, 0x62, 0, 0x63]
        #expect(written { writer in input.withUnsafeBytes { writer.writeEscaped($0) } } == "ab")
    }

    @Test("strings are cut at 500 bytes with ...")
    func truncation() {
        let long = [UInt8](repeating: 0x78, count: 550)
        let text = written { writer in long.withUnsafeBytes { writer.writeEscaped($0) } }
        #expect(text == String(repeating: "x", count: 500) + "...")
        let exact = [UInt8](repeating: 0x79, count: 500)
        #expect(written { writer in exact.withUnsafeBytes { writer.writeEscaped($0) } } == String(repeating: "y", count: 500))
    }

    @Test("output larger than the buffer is flushed in pieces, in order")
    func largeOutput() {
        let text = written(bufferSize: 64) { writer in
            for index in 0..<1000 {
                writer.writeDecimal(UInt64(index))
                writer.write("\n")
            }
        }
        let expected = (0..<1000).map { "\($0)\n" }.joined()
        #expect(text == expected)
    }

    @Test("a write to a closed descriptor fails once and drops the rest, without hanging")
    func closedDescriptor() {
        var fds: [CInt] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        signal(SIGPIPE, SIG_IGN)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { buffer.deallocate() }
        var writer = SignalSafeWriter(fd: fds[1], buffer: buffer)
        for _ in 0..<100 { writer.write("some text that fills the buffer quickly\n") }
        writer.flush()
        let failed = writer.failed
        #expect(failed)
        let bytesWritten = writer.bytesWritten
        #expect(bytesWritten == 0)
        close(fds[1])
    }

    @Test("partial writes into a small pipe and EINTR from a signal are retried until everything is written")
    func partialAndInterruptedWrites() throws {
        var fds: [CInt] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, 4096)  // small pipe: writes block and complete partially
        // A handler without SA_RESTART makes a blocked write return EINTR (or a short count).
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        // A real-time signal no other test (nor the all-threads capture, which borrows SIGPROF/SIGUSR1/SIGUSR2)
        // uses; the handler stays installed for the rest of the test process, so a late signal is harmless.
        let interrupt: CInt = 42  // SIGRTMIN + 8 with glibc
        sigaction(interrupt, &action, &previous)

        let total = 256 * 1024
        let writerThread = pthread_self()
        let readEnd = fds[0]
        let reader = Thread {
            var received = 0
            var chunk = [UInt8](repeating: 0, count: 1000)
            var interrupts = 0
            while received < total {
                if interrupts < 50 {
                    pthread_kill(writerThread, interrupt)
                    interrupts += 1
                }
                usleep(200)
                let n = read(readEnd, &chunk, chunk.count)
                if n <= 0 { break }
                for index in 0..<n where chunk[index] != UInt8(truncatingIfNeeded: (received + index) % 251) {
                    received = -1
                    break
                }
                if received < 0 { break }
                received += n
            }
            ReaderResult.shared.set(received)
        }
        reader.start()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8192, alignment: 16)
        defer { buffer.deallocate() }
        var writer = SignalSafeWriter(fd: fds[1], buffer: buffer)
        for index in 0..<total { writer.writeByte(UInt8(truncatingIfNeeded: index % 251)) }
        writer.flush()
        let failed = writer.failed
        let bytesWritten = writer.bytesWritten
        #expect(!failed)
        #expect(bytesWritten == total)
        let deadline = Date().addingTimeInterval(20)
        while ReaderResult.shared.get() == nil && Date() < deadline { usleep(1000) }
        #expect(ReaderResult.shared.get() == total)
        close(fds[0])
        close(fds[1])
    }

    @Test("formatting allocates nothing")
    func noAllocations() {
        var fds: [CInt] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 16)
        defer { buffer.deallocate() }
        let name: StaticString = "function"
        allocation_counter_arm()
        var writer = SignalSafeWriter(fd: fds[1], buffer: buffer)
        writer.write("  File ")
        writer.writeDecimal(UInt64(12345))
        writer.writeHex(0xabcdef, width: 8)
        writer.writeEscaped(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        writer.flush()
        let count = allocation_counter_disarm()
        #expect(count == 0)
    }
}

/// Cross-thread result of the pipe reader in the partial-write test.
final class ReaderResult: @unchecked Sendable {
    static let shared = ReaderResult()
    private let lock = NSLock()
    private var value: Int?
    func set(_ newValue: Int) { lock.withLock { value = newValue } }
    func get() -> Int? { lock.withLock { value } }
}
