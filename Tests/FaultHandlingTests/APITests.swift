// The public API in-process: argument validation, state, and on-demand dumps that allocate nothing.

import CAllocationCounter
import FaultHandling
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with a pipe whose read end is drained afterwards; returns what was written to the write end.
private func capture(_ body: (CInt) throws -> Void) rethrows -> String {
    var fds: [CInt] = [0, 0]
    precondition(pipe(&fds) == 0)
    _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
    defer { close(fds[0]) }
    do {
        defer { close(fds[1]) }
        try body(fds[1])
    }
    var data = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fds[0], &chunk, chunk.count)
        if n <= 0 { break }
        data.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: data, as: UTF8.self)
}

@inline(never)
func apiTestsOuterFunction(_ fd: CInt) throws {
    try apiTestsInnerFunction(fd)
}

@inline(never)
func apiTestsInnerFunction(_ fd: CInt) throws {
    try FaultHandler.dumpTraceback(output: .fileDescriptor(fd), allThreads: false)
}

// Serialized: enable/disable change process-wide signal dispositions.
@Suite("Public API", .serialized)
struct APITests {
    @Test("version")
    func version() {
        #expect(FaultHandler.version.major == 0)
        #expect(FaultHandler.versionString == "\(FaultHandler.version.major).\(FaultHandler.version.minor).\(FaultHandler.version.patch)")
    }

    @Test("bad outputs throw clear errors")
    func badOutputs() throws {
        #expect(throws: FaultHandlerError.invalidFileDescriptor(-1, reason: "descriptors are never negative")) {
            try FaultHandler.enable(output: .fileDescriptor(-1))
        }
        // A descriptor number that is not open.
        let closed: CInt = 987
        close(closed)
        #expect {
            try FaultHandler.dumpTraceback(output: .fileDescriptor(closed))
        } throws: { error in
            guard case .invalidFileDescriptor(let fd, let reason) = error as? FaultHandlerError else { return false }
            return fd == closed && reason.contains("not open")
        }
        // A read-only descriptor.
        let readOnly = open("/dev/null", O_RDONLY)
        defer { close(readOnly) }
        #expect(throws: FaultHandlerError.invalidFileDescriptor(readOnly, reason: "it is not open for writing")) {
            try FaultHandler.enable(output: .fileDescriptor(readOnly))
        }
        #expect {
            try FaultHandler.enable(output: .file(path: "/nonexistent-directory/dump.txt"))
        } throws: { error in
            guard case .cannotOpenFile(let path, let reason) = error as? FaultHandlerError else { return false }
            return path == "/nonexistent-directory/dump.txt" && reason == "No such file or directory"
        }
        #expect(!FaultHandler.isEnabled)
    }

    @Test("enable, isEnabled, disable")
    func lifecycle() throws {
        #expect(!FaultHandler.isEnabled)
        #expect(FaultHandler.disable() == false)
        var before = sigaction()
        sigaction(SIGSEGV, nil, &before)
        try FaultHandler.enable()
        #expect(FaultHandler.isEnabled)
        try FaultHandler.enable(output: .file(path: "/dev/null"), allThreads: false)  // replaces the options
        #expect(FaultHandler.isEnabled)
        #expect(FaultHandler.disable() == true)
        #expect(!FaultHandler.isEnabled)
        var after = sigaction()
        sigaction(SIGSEGV, nil, &after)
        #expect(unsafeBitCast(after.__sigaction_handler.sa_sigaction, to: Int.self) == unsafeBitCast(before.__sigaction_handler.sa_sigaction, to: Int.self))
        #expect(after.sa_flags == before.sa_flags)
    }

    @Test("dumpTraceback writes the caller first, then its callers")
    func dumpTraceback() throws {
        let text = try capture { fd in try apiTestsOuterFunction(fd) }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Stack (most recent call first):", "\(text)")
        #expect(lines.count > 3, "\(text)")
        #expect(lines[1].contains(" in apiTestsInnerFunction(_:)"), "\(text)")
        #expect(lines[2].contains(" in apiTestsOuterFunction(_:)"), "\(text)")
        #expect(lines[1].contains("APITests.swift\", line "), "\(text)")
    }

    @Test("an on-demand dump allocates nothing once prepared")
    func dumpAllocatesNothing() throws {
        let fd = open("/dev/null", O_WRONLY)
        defer { close(fd) }
        try FaultHandler.dumpTraceback(output: .fileDescriptor(fd))  // warm up: preparation allocates
        allocation_counter_arm()
        try FaultHandler.dumpTraceback(output: .fileDescriptor(fd))
        let count = allocation_counter_disarm()
        #expect(count == 0)
    }
}
