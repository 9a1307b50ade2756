// A program for the all-threads, watchdog, user-signal, startup and stack-overflow tests. Each mode sets up
// threads parked in known functions, then dumps in the way the mode names; tests check the output and the exit
// status from outside.
//
// Usage: ThreadsFixture MODE [OPTIONS…]   (see `modes` below)

import CAllocationCounter
import CThreadsFixtureSupport
import FaultCore
import FaultHandling
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let commandLine = Array(CommandLine.arguments.dropFirst())
let mode = commandLine.first ?? "help"
let arguments = Array(commandLine.dropFirst())

func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func say(_ text: String) {
    print(text)
    fflush(nil)
}

nonisolated(unsafe) var sink = 0
let parkedThreads = Atomic<Int>(0)

// MARK: Parked threads

@inline(never)
func parkForever() -> Never {
    parkedThreads.wrappingAdd(1, ordering: .relaxed)
    while true { pause() }
}

@inline(never) func parkedInAlpha() -> Never { parkForever() }
@inline(never) func parkedInBeta() -> Never { parkForever() }
@inline(never) func parkedInGamma() -> Never { parkForever() }

/// Starts a thread named `name` that runs `body` (a thin function: no context).
func startThread(named name: String, _ body: @convention(c) () -> Void) {
    struct Start {
        var name: String
        var body: @convention(c) () -> Void
    }
    let start = UnsafeMutablePointer<Start>.allocate(capacity: 1)
    start.initialize(to: Start(name: name, body: body))
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        let start = raw!.assumingMemoryBound(to: Start.self)
        threads_fixture_set_name(start.pointee.name)
        start.pointee.body()
        return nil
    }, start)
    precondition(result == 0, "pthread_create failed")
    pthread_detach(thread)
}

/// Starts alpha, beta and gamma and waits until all three are parked.
func startNamedThreads() {
    startThread(named: "alpha-worker") { parkedInAlpha() }
    startThread(named: "beta-worker") { parkedInBeta() }
    startThread(named: "gamma-worker") { parkedInGamma() }
    waitForParked(3)
}

func waitForParked(_ count: Int) {
    var rounds = 0
    while parkedThreads.load(ordering: .relaxed) < count && rounds < 5000 {
        usleep(1000)
        rounds += 1
    }
    usleep(20_000)  // let the last one reach pause()
}

// MARK: Main-thread functions the dumps must show

@inline(never)
func dumpFromMain(maxThreads: Int) {
    do {
        try FaultHandler.dumpTraceback(maxThreads: maxThreads)
    } catch {
        say("dump failed: \(error)")
        exit(3)
    }
    sink += 1
}

/// Sleeps `seconds` on the main thread, resuming after signals (a dump interrupts nanosleep with EINTR).
@inline(never)
func watchdogSleeper(_ seconds: Double) {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
    while true {
        clock_gettime(CLOCK_MONOTONIC, &now)
        let left = deadline - (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
        if left <= 0 { break }
        usleep(UInt32(min(left, 0.05) * 1e6))
    }
    sink += 1
}

@inline(never)
func signalSender(_ signal: CInt) {
    threads_fixture_signal_self(signal)
    sink += 1
}

@inline(never)
func fixtureRecurse(_ depth: Int) -> Int {
    var padding = (depth, depth, depth, depth, depth, depth, depth, depth)
    return withUnsafeMutableBytes(of: &padding) { bytes in
        bytes[0] &+= 1
        return fixtureRecurse(depth + 1) &+ Int(bytes[1])
    }
}

@inline(never)
func crashWithSegv() {
    let pointer = UnsafeMutablePointer<Int>(bitPattern: 8)!
    sink = pointer.pointee
}

let faultGate = Atomic<Int>(0)

/// Waits at the gate, then faults: with several such threads the faults arrive at the same instant.
@inline(never)
func concurrentFaulter() {
    faultGate.wrappingAdd(1, ordering: .relaxed)
    while faultGate.load(ordering: .relaxed) >= 0 {}  // spin until main opens the gate (sets it negative)
    let pointer = UnsafeMutablePointer<Int>(bitPattern: 16)!
    sink = pointer.pointee
}

@inline(never)
func stormWork(_ seed: Int) -> Int {
    var value = seed
    for step in 0..<10_000 { value = value &* 31 &+ step }
    return value
}

@inline(never)
func stormWorker() {
    var rounds = 0
    while true {
        sink &+= stormWork(rounds)
        rounds += 1
    }
}

/// The number of open descriptors (entries of /proc/self/fd).
func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Resident memory in KiB (VmRSS from /proc/self/status).
func residentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
}

func expectThrow(_ label: String, _ body: () throws -> Void) {
    do {
        try body()
        say("\(label): accepted")
    } catch {
        say("\(label): threw \(error)")
    }
}

func enableOrExit() {
    do { try FaultHandler.enable() } catch {
        say("enable failed: \(error)")
        exit(3)
    }
}

// MARK: Modes

// A child started from a test inherits the signal mask of the thread that spawned it; Swift Testing runs on
// libdispatch threads, which block SIGUSR1 and others. Start from an empty mask, as a program run from a shell.
var emptyMask = sigset_t()
sigemptyset(&emptyMask)
pthread_sigmask(SIG_SETMASK, &emptyMask, nil)

switch mode {
case "threads":
    startNamedThreads()
    dumpFromMain(maxThreads: Int(option("--max") ?? "100") ?? 100)
case "many":
    let count = Int(option("--count") ?? "150") ?? 150
    for index in 0..<count { startThread(named: "parked-\(index)") { parkedInBeta() } }
    waitForParked(count)
    dumpFromMain(maxThreads: Int(option("--max") ?? "100") ?? 100)
case "concurrent-faults":
    // Several threads fault at the same instant: one dump, the first as the current thread, the process dies
    // by SIGSEGV.
    enableOrExit()
    let count = Int(option("--count") ?? "8") ?? 8
    for index in 0..<count { startThread(named: "faulter-\(index)") { concurrentFaulter() } }
    while faultGate.load(ordering: .relaxed) < count { usleep(100) }
    faultGate.store(-1, ordering: .relaxed)
    sleep(30)  // the faults end the process long before
    say("still alive")
case "signal-storm":
    // Registered for SIGUSR1 while three threads compute; the test sends thousands of SIGUSR1. The program must
    // keep working and finish normally.
    let path = option("--output") ?? "/dev/null"
    let allThreads = option("--all-threads") == "1"
    do {
        try FaultHandler.register(.user1, output: .file(path: path), allThreads: allThreads)
    } catch {
        say("register failed: \(error)")
        exit(3)
    }
    for index in 0..<3 { startThread(named: "worker-\(index)") { stormWorker() } }
    say("ready \(getpid())")
    let seconds = Double(option("--seconds") ?? "4") ?? 4
    let start = Date.timeIntervalSinceReferenceDate
    var rounds = 0
    while Date.timeIntervalSinceReferenceDate - start < seconds {
        sink &+= stormWork(rounds)
        rounds += 1
    }
    say("finished \(rounds) rounds")
    exit(0)
case "watchdog-soak":
    // The watchdog dumps every millisecond while threads start and exit and forked children cancel and re-arm.
    // Prints descriptor and memory figures at the start and the end, then exits normally.
    let seconds = Double(option("--seconds") ?? "30") ?? 30
    if option("--no-watchdog") == nil {
        try FaultHandler.dumpTracebackLater(after: .milliseconds(1), repeating: true, output: .file(path: "/dev/null"))
    }
    if option("--enable") != nil { enableOrExit() }
    let startDescriptors = openDescriptorCount()
    let startResident = residentKiB()
    let start = Date.timeIntervalSinceReferenceDate
    var threads = 0
    var children = 0
    // Symbol and line tables are prepared in the background after arming; they are part of the baseline.
    if !SymbolSlots.waitUntilFullyPrepared(timeoutNanoseconds: 120_000_000_000) { say("preparation did not finish") }
    let preparedResident = residentKiB()
    var middleResident = -1
    while Date.timeIntervalSinceReferenceDate - start < seconds {
        if middleResident < 0 && Date.timeIntervalSinceReferenceDate - start >= seconds / 2 {
            middleResident = residentKiB()
        }
        var thread = pthread_t()
        if pthread_create(&thread, nil, { _ in sink &+= stormWork(1); return nil }, nil) == 0 {
            pthread_join(thread, nil)
            threads += 1
        }
        if threads % 50 == 0 {
            let child = fork()
            if child == 0 {
                FaultHandler.cancelDumpTracebackLater()
                try? FaultHandler.dumpTracebackLater(after: .milliseconds(2), output: .file(path: "/dev/null"))
                usleep(10_000)
                FaultHandler.cancelDumpTracebackLater()
                _exit(0)
            }
            var status: CInt = 0
            var waited = 0
            while waitpid(child, &status, WNOHANG) == 0 && waited < 5000 {
                usleep(1000)
                waited += 1
            }
            if waited >= 5000 {
                say("child \(child) hung")
                kill(child, SIGKILL)
                exit(5)
            }
            if status != 0 {
                say("child exited with status \(status)")
                exit(6)
            }
            children += 1
        }
    }
    FaultHandler.cancelDumpTracebackLater()
    usleep(50_000)
    say("threads \(threads) children \(children)")
    say("descriptors \(startDescriptors) -> \(openDescriptorCount())")
    say("resident \(startResident) -> \(preparedResident) -> \(middleResident) -> \(residentKiB()) KiB")
    let maps = (try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8))?.split(separator: "\n").count ?? -1
    say("mappings \(maps)")
    exit(0)
case "user-signal-broken-pipe":
    // Dumps into a pipe whose reader is gone (SIGPIPE at its default action): the program must go on.
    var ends: [CInt] = [0, 0]
    precondition(pipe(&ends) == 0)
    close(ends[0])
    try FaultHandler.register(.user1, output: .fileDescriptor(ends[1]))
    try FaultHandler.dumpTracebackLater(after: .milliseconds(50), output: .fileDescriptor(ends[1]))
    raise(SIGUSR1)
    usleep(300_000)
    say("survived")
    exit(0)
case "segv-threads":
    startNamedThreads()
    enableOrExit()
    crashWithSegv()
case "watchdog":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(500))
    watchdogSleeper(1.5)
case "watchdog-repeat":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(200), repeating: true)
    watchdogSleeper(1.1)
    FaultHandler.cancelDumpTracebackLater()
    watchdogSleeper(0.4)
case "watchdog-cancel":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(300))
    FaultHandler.cancelDumpTracebackLater()
    FaultHandler.cancelDumpTracebackLater()
    watchdogSleeper(0.8)
case "watchdog-rearm":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(300))
    watchdogSleeper(0.15)
    try FaultHandler.dumpTracebackLater(after: .milliseconds(600))
    watchdogSleeper(1.2)
case "watchdog-exit":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(300), exit: true)
    watchdogSleeper(3)
    say("not exited")
case "watchdog-bad":
    expectThrow("zero") { try FaultHandler.dumpTracebackLater(after: .zero) }
    expectThrow("negative") { try FaultHandler.dumpTracebackLater(after: .seconds(-1)) }
    expectThrow("two years") { try FaultHandler.dumpTracebackLater(after: .seconds(2 * 365 * 24 * 3600)) }
    expectThrow("max threads") { try FaultHandler.dumpTracebackLater(after: .seconds(1), maxThreads: 0) }
    FaultHandler.cancelDumpTracebackLater()
case "cancel-unarmed":
    FaultHandler.cancelDumpTracebackLater()
    say("cancelled")
case "watchdog-fork":
    try FaultHandler.dumpTracebackLater(after: .milliseconds(400))
    let child = fork()
    if child == 0 {
        FaultHandler.cancelDumpTracebackLater()
        say("child cancelled")
        try FaultHandler.dumpTracebackLater(after: .milliseconds(200))
        watchdogSleeper(0.6)
        exit(0)
    }
    FaultHandler.cancelDumpTracebackLater()
    var status: CInt = 0
    waitpid(child, &status, 0)
    say("child status \(status)")
case "watchdog-mallocs":
    threads_fixture_enable_watchdog_hook()
    startNamedThreads()
    try FaultHandler.dumpTracebackLater(after: .milliseconds(200))
    watchdogSleeper(0.8)
case "user-signal":
    try FaultHandler.register(.user1)
    signalSender(SIGUSR1)
    say("continued")
case "user-signal-unregister":
    try FaultHandler.register(.user1)
    say("unregister: \(FaultHandler.unregister(.user1)), again: \(FaultHandler.unregister(.user1))")
    signalSender(SIGUSR1)
    say("survived")
case "user-signal-chain":
    startNamedThreads()
    threads_fixture_install_counting_handler(SIGUSR1)
    try FaultHandler.register(.user1, chain: true)
    try FaultHandler.register(.user1, chain: true)  // twice: the counting handler stays the previous one
    allocation_counter_arm()
    signalSender(SIGUSR1)
    _ = allocation_counter_disarm()
    say("previous handler calls: \(threads_fixture_counting_handler_calls())")
    say("mallocs during dump: \(threads_fixture_counting_handler_mallocs())")
    FaultHandler.unregister(.user1)
    signalSender(SIGUSR1)  // the counting handler again, restored by unregister
    say("previous handler calls after unregister: \(threads_fixture_counting_handler_calls())")
case "user-signal-refuse":
    expectThrow("SIGSEGV") { try FaultHandler.register(FaultHandler.Signal(rawValue: SIGSEGV)) }
    expectThrow("SIGABRT") { try FaultHandler.register(FaultHandler.Signal(rawValue: SIGABRT)) }
    expectThrow("SIGKILL") { try FaultHandler.register(FaultHandler.Signal(rawValue: SIGKILL)) }
    expectThrow("SIGSTOP") { try FaultHandler.register(FaultHandler.Signal(rawValue: SIGSTOP)) }
    expectThrow("zero") { try FaultHandler.register(FaultHandler.Signal(rawValue: 0)) }
    expectThrow("65") { try FaultHandler.register(FaultHandler.Signal(rawValue: 65)) }
    expectThrow("realtime 99") { try FaultHandler.register(.realtime(99)) }
    expectThrow("realtime 2") { try FaultHandler.register(.realtime(2)) }
    say("unregister SIGSEGV: \(FaultHandler.unregister(FaultHandler.Signal(rawValue: SIGSEGV)))")
case "env-segv":
    crashWithSegv()
case "env-signal":
    signalSender(SIGUSR1)
    say("continued")
case "overflow-thread":
    enableOrExit()
    startThread(named: "recursing") { sink = fixtureRecurse(1) }
    sleep(10)
case "overflow-task":
    enableOrExit()
    Task.detached { sink = fixtureRecurse(1) }
    sleep(10)
case "nondisturb":
    try nonDisturbance()
default:
    say("unknown mode \(mode)")
    exit(2)
}
exit(0)

// MARK: Non-disturbance

/// The pipe reader's counters.
enum Reader {
    static let bytes = Atomic<Int>(0)
    static let interrupted = Atomic<Int>(0)
    static let done = Atomic<Int>(0)
    nonisolated(unsafe) static var fd: CInt = -1
}

/// A thread blocked in read() on a pipe while 100 user-signal dumps and repeated watchdog dumps run: it must
/// see every byte and no EINTR.
func nonDisturbance() throws {
    let dumpPath = option("--dump-file") ?? "/dev/null"
    var fds: [CInt] = [-1, -1]
    guard pipe(&fds) == 0 else { exit(4) }
    Reader.fd = fds[0]
    startThread(named: "pipe-reader") {
        var byte: UInt8 = 0
        while true {
            let result = read(Reader.fd, &byte, 1)
            if result == 1 { Reader.bytes.wrappingAdd(1, ordering: .relaxed); continue }
            if result < 0 && errno == EINTR { Reader.interrupted.wrappingAdd(1, ordering: .relaxed); continue }
            break
        }
        Reader.done.store(1, ordering: .releasing)
    }
    // Symbols ready first, so each watchdog dump is fast and many of them overlap the reads.
    try FaultHandler.dumpTraceback(output: .file(path: "/dev/null"), allThreads: false)
    try FaultHandler.register(.user1, output: .file(path: dumpPath))
    try FaultHandler.dumpTracebackLater(after: .milliseconds(5), repeating: true, output: .file(path: dumpPath))
    var byte: UInt8 = 0x2A
    for _ in 0..<100 {
        signalSender(SIGUSR1)
        _ = write(fds[1], &byte, 1)
        usleep(2000)
    }
    FaultHandler.cancelDumpTracebackLater()
    close(fds[1])
    var rounds = 0
    while Reader.done.load(ordering: .acquiring) == 0 && rounds < 2000 {
        usleep(1000)
        rounds += 1
    }
    say("bytes read: \(Reader.bytes.load(ordering: .relaxed)), EINTR: \(Reader.interrupted.load(ordering: .relaxed))")
}
