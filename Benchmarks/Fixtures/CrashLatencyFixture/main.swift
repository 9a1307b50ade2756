// The program the crash-latency comparison runs (scripts/compare.sh, the `CrashLatency` runner): it crashes with
// a bad pointer dereference under a 20-frame Swift stack, optionally with many threads alive.
//
//   CrashLatencyFixture <ours|none> <threads> <settle-ms>
//
//   ours        call FaultHandler.enable() first (Swift's own backtracer is then replaced);
//               none leaves whatever SWIFT_BACKTRACE selects.
//   threads     threads to start and park (blocked in pause(2), a few frames deep) before crashing.
//   settle-ms   milliseconds to sleep before crashing (0: crash at once).
//
// Just before the fault it writes the CLOCK_MONOTONIC time in nanoseconds (8 bytes, native order) to
// descriptor 3 when that is open, so the runner can time the dump alone (fault to exit).

import FaultHandling
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Threads that reached their parking place.
let parkedThreads = Atomic<Int>(0)

/// The address dereferenced; a global so the optimizer cannot see it is constant.
nonisolated(unsafe) var faultAddress = 8

/// Writes the current CLOCK_MONOTONIC time to descriptor 3 (ignored when it is not open).
@inline(never)
func reportFaultTime() {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    var nanoseconds = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    _ = withUnsafeBytes(of: &nanoseconds) { write(3, $0.baseAddress, 8) }
}

/// The faulting frame: a store to address 8.
@inline(never)
func crashHere() -> Int {
    reportFaultTime()
    let pointer = UnsafeMutablePointer<Int>(bitPattern: faultAddress)!
    pointer.pointee = 42
    return pointer.pointee
}

/// Recurses `depth` frames, then crashes. Unoptimized so that the recursion stays a recursion (the optimizer
/// turns `f(n - 1) + 1` into a loop).
@inline(never) @_optimize(none)
func descend(_ depth: Int) -> Int {
    if depth <= 0 { return crashHere() }
    return descend(depth - 1) &+ 1
}

/// A parked thread's innermost frame.
@inline(never)
func parkForever() -> Int {
    parkedThreads.add(1, ordering: .releasing)
    while true { pause() }
}

/// Two frames above `parkForever`, so each parked thread has a small Swift stack of its own.
@inline(never) @_optimize(none)
func parkedThreadBody(_ depth: Int) -> Int {
    if depth <= 0 { return parkForever() }
    return parkedThreadBody(depth - 1) &+ 1
}

/// Starts `count` parked threads and waits until all are parked.
func startParkedThreads(_ count: Int) {
    for _ in 0..<count {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            _ = parkedThreadBody(2)
            return nil
        }, nil)
        precondition(started == 0, "pthread_create failed: \(started)")
        pthread_detach(thread)
    }
    while parkedThreads.load(ordering: .acquiring) < count { usleep(100) }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let threads = Int(arguments[2]), let settle = Int(arguments[3]) else {
    let message = "usage: CrashLatencyFixture <ours|none> <threads> <settle-ms>\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
startParkedThreads(threads)
if arguments[1] == "ours" {
    try FaultHandler.enable(output: .standardError)
}
if settle > 0 { usleep(UInt32(settle) * 1000) }
// 19 frames of `descend` plus `crashHere`, under the program's entry point.
exit(Int32(truncatingIfNeeded: descend(18)))
