// Runs one probe process: its standard output and descriptor 3 through pipes, standard error to a file, with a
// deadline after which it is killed.

#if canImport(Glibc)
import Glibc
#endif

/// The CLOCK_MONOTONIC time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// What one probe process did.
struct ChildResult {
    /// Standard output.
    var output: String
    /// Standard error.
    var standardError: String
    /// The signal that ended it, or nil if it exited.
    var signal: CInt?
    /// Its exit status when it exited.
    var exitStatus: CInt
    /// From the probe's timestamp on descriptor 3 (just before its fault) to waitpid's return, in nanoseconds.
    var faultToExit: UInt64?
    /// Whether it was killed at the deadline.
    var timedOut: Bool

    /// The `key=value` pairs of the `probe:` line of its output.
    var values: [String: Double] {
        var values: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("probe: ") {
            for pair in line.dropFirst(7).split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
            }
        }
        return values
    }
}

/// Runs `arguments` (the first is the probe's path) with `SWIFT_BACKTRACE=enable=no` added to the environment;
/// kills it after `deadlineSeconds`.
func runProbe(_ arguments: [String], deadlineSeconds: Int, errorPath: String) -> ChildResult {
    var outputPipe: [CInt] = [0, 0], timePipe: [CInt] = [0, 0]
    precondition(pipe(&outputPipe) == 0 && pipe(&timePipe) == 0, "pipe failed")
    for end in outputPipe + timePipe { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, timePipe[1], 3)

    var environment = [String]()
    var index = 0
    while let entry = environ[index] {
        let text = String(cString: entry)
        if !text.hasPrefix("SWIFT_BACKTRACE=") { environment.append(text) }
        index += 1
    }
    environment.append("SWIFT_BACKTRACE=enable=no")
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    precondition(spawned == 0, "posix_spawn \(arguments[0]) failed: \(spawned)")
    close(outputPipe[1])
    close(timePipe[1])

    let deadline = monotonicNanoseconds() + UInt64(deadlineSeconds) * 1_000_000_000
    var output: [UInt8] = [], timeBytes: [UInt8] = []
    var open = [outputPipe[0], timePipe[0]]
    var timedOut = false
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while !open.isEmpty {
        let now = monotonicNanoseconds()
        if now >= deadline {
            timedOut = true
            kill(pid, SIGKILL)
            break
        }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&fds, nfds_t(fds.count), CInt(min((deadline - now) / 1_000_000, 1000)))
        if ready < 0 && errno != EINTR { break }
        for item in fds where item.revents != 0 {
            let count = chunk.withUnsafeMutableBytes { read(item.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if item.fd == outputPipe[0] { output += chunk.prefix(count) } else { timeBytes += chunk.prefix(count) }
            } else {
                open.removeAll { $0 == item.fd }
            }
        }
    }
    var status: CInt = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let end = monotonicNanoseconds()
    close(outputPipe[0])
    close(timePipe[0])

    var faultTime: UInt64 = 0
    if timeBytes.count >= 8 {
        withUnsafeMutableBytes(of: &faultTime) { $0.copyBytes(from: timeBytes.prefix(8)) }
    }
    let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    return ChildResult(
        output: String(decoding: output, as: UTF8.self),
        standardError: readText(errorPath),
        signal: signaled ? status & 0x7f : nil,
        exitStatus: (status >> 8) & 0xff,
        faultToExit: timeBytes.count >= 8 && faultTime <= end ? end - faultTime : nil,
        timedOut: timedOut
    )
}

/// The whole content of a file as text (empty if it cannot be read).
func readText(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    for _ in 0..<4096 {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk.prefix(count)
    }
    return String(decoding: bytes, as: UTF8.self)
}
