// One timed run of the crash fixture in a child process.

#if canImport(Glibc)
import Glibc
#endif

/// The CLOCK_MONOTONIC time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// What one run of the fixture measured.
struct ChildRun {
    /// From just before posix_spawn to waitpid's return, in nanoseconds.
    var startToExit: UInt64
    /// From the fixture's timestamp just before the fault to waitpid's return, in nanoseconds (nil if the fixture
    /// died before writing it).
    var faultToExit: UInt64?
    /// User + system CPU time of the child and the children it waited for (Swift's swift-backtrace), in ns.
    var cpu: UInt64
    /// The signal that ended the child, or nil if it exited.
    var signal: CInt?
    /// What the child wrote to standard error.
    var standardError: String
}

/// Runs `arguments` (the first is the executable path) with `environment`, standard output to /dev/null, standard
/// error to `errorPath`, and a pipe as descriptor 3 for the fault timestamp.
func runChild(_ arguments: [String], environment: [String], errorPath: String) -> ChildRun {
    var pipeEnds: [CInt] = [0, 0]
    precondition(pipe(&pipeEnds) == 0, "pipe failed")
    for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 3)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }

    var pid = pid_t()
    let start = monotonicNanoseconds()
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    precondition(spawned == 0, "posix_spawn \(arguments[0]) failed: \(spawned)")
    close(pipeEnds[1])

    var faultTime: UInt64 = 0
    let got = withUnsafeMutableBytes(of: &faultTime) { read(pipeEnds[0], $0.baseAddress, 8) }
    var status: CInt = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let end = monotonicNanoseconds()
    close(pipeEnds[0])

    let cpu = nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
    let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
    return ChildRun(
        startToExit: end - start,
        faultToExit: got == 8 && faultTime <= end ? end - faultTime : nil,
        cpu: cpu,
        signal: signaled ? status & 0x7f : nil,
        standardError: readText(errorPath)
    )
}

/// A timeval in nanoseconds.
func nanoseconds(_ value: timeval) -> UInt64 {
    UInt64(value.tv_sec) * 1_000_000_000 + UInt64(value.tv_usec) * 1_000
}

/// The whole content of a file as text (empty if it cannot be read).
func readText(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk.prefix(count)
    }
    return String(decoding: bytes, as: UTF8.self)
}
