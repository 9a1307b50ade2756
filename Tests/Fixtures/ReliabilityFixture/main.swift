// A program for the reliability suite: hostile stacks, bad outputs, and the behaviours of CPython's
// test_faulthandler. Every crash happens in `reliabilityLevel3`, called by `reliabilityLevel2`, called by
// `reliabilityLevel1`.
//
// Usage: ReliabilityFixture MODE [OPTIONS…]
//   Crash modes:   segv, abort, fpe, overflow, raise-sigsegv, raise-sigbus, raise-sigill, thread-segv,
//                  clobbered-frame, frame-cycle, garbage-sp, call-unmapped, call-noncanonical, execute-stack,
//                  smashed-stack
//   Other modes:   dump, dump-long-name, dump-non-ascii, is-enabled
//   Options:       --output-file PATH | --output-fd N   where dumps go (default stderr)
//                  --current-only       allThreads: false
//                  --broken-pipe        dump into a pipe whose reader is gone
//                  --ignore-sigpipe     SIGPIPE ignored (otherwise default)
//                  --fsize-limit N      RLIMIT_FSIZE = N bytes (with --output-file)
//                  --ignore-sigxfsz     SIGXFSZ ignored (otherwise default)
//                  --close-stderr       close descriptor 2 after enabling
//                  --close-descriptors  close descriptors 3…1023 after enabling (the handler's copy too)
// Before crashing it prints `ready` on stdout, so a test knows enable() returned.

import CReliabilitySupport
import FaultHandling

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

func flag(_ name: String) -> Bool { arguments.contains(name) }

nonisolated(unsafe) var sink = 0

/// Writes `text` to stdout at once (stdout may be a pipe: buffered text would be lost in a crash).
func say(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

@inline(never)
func reliabilityLevel3(_ mode: String) {
    switch mode {
    case "segv":
        sink = UnsafePointer<Int>(bitPattern: 8)!.pointee
    case "abort":
        abort()
    case "fpe":
        sink = Int(reliability_divide(7, CInt(sink)))
    case "overflow":
        sink = recurse(1)
    case "raise-sigsegv":
        raise(SIGSEGV)
    case "raise-sigbus":
        raise(SIGBUS)
    case "raise-sigill":
        raise(SIGILL)
    case "clobbered-frame":
        reliability_fault_with_clobbered_frame()
    case "frame-cycle":
        reliability_fault_in_frame_cycle()
    case "garbage-sp":
        reliability_fault_with_garbage_stack_pointer()
    case "call-unmapped":
        reliability_call_address(0x4141_4141)
    case "call-noncanonical":
        reliability_call_address(0xdead_0000_0000_beef)
    case "execute-stack":
        reliability_execute_stack()
    case "smashed-stack":
        reliability_fault_with_smashed_stack(0x7fff_0000_1000)
    default:
        say("unknown mode \(mode)")
        exit(2)
    }
    sink += 1
}

@inline(never)
func reliabilityLevel2(_ mode: String) {
    reliabilityLevel3(mode)
    sink += 2
}

@inline(never)
func reliabilityLevel1(_ mode: String) {
    reliabilityLevel2(mode)
    sink += 3
}

@inline(never)
func recurse(_ depth: Int) -> Int {
    var padding = (depth, depth, depth, depth)
    return withUnsafeMutableBytes(of: &padding) { bytes in
        bytes[0] &+= 1
        return recurse(depth + 1) &+ Int(bytes[1])
    }
}

func output() -> FaultHandler.Output {
    if let path = option("--output-file") { return .file(path: path) }
    if let fd = option("--output-fd").flatMap({ CInt($0) }) { return .fileDescriptor(fd) }
    if flag("--broken-pipe") { return .fileDescriptor(reliability_broken_pipe()) }
    return .standardError
}

/// Runs the on-demand dump modes: each prints the line numbers the dump must show on stdout first.
func runDumpMode() {
    switch mode {
    case "dump":
        DumpChain.lines.append(#line); DumpChain.funcA()
        say("lines " + DumpChain.lines.reversed().map(String.init).joined(separator: " "))
    case "dump-long-name":
        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx()
    case "dump-non-ascii":
        entrée()
    default:
        break
    }
}

/// funcB → funcA → runDumpMode → main, as in CPython's test_dump_traceback. Each records the line of its call
/// on that same line, and the mode prints them after the dump.
enum DumpChain {
    nonisolated(unsafe) static var lines: [Int] = []

    @inline(never)
    static func funcB() {
        do {
            lines.append(#line); try FaultHandler.dumpTraceback(output: output(), allThreads: !flag("--current-only"))
        } catch {
            say("dump failed: \(error)")
            exit(3)
        }
    }

    @inline(never)
    static func funcA() {
        lines.append(#line); funcB()
        sink += 1
    }
}

/// Dumps the calling thread where the options say; exits 3 when the dump throws.
@inline(never)
func dump() {
    do {
        try FaultHandler.dumpTraceback(output: output(), allThreads: !flag("--current-only"))
    } catch {
        say("dump failed: \(error)")
        exit(3)
    }
}

/// A function whose name (550 characters) is longer than the dump's 500-byte limit (CPython's test_truncate).
@inline(never)
func xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx() {
    dump()
}

/// A function whose name is not ASCII: the dump escapes its bytes as \xHH.
@inline(never)
func entrée() {
    dump()
}

/// In-process state of the API, as CPython's test_is_enabled and test_disabled_by_default check it.
func runIsEnabled() {
    var report = "before=\(FaultHandler.isEnabled)"
    do { try FaultHandler.enable() } catch { say("enable failed: \(error)"); exit(3) }
    report += " enabled=\(FaultHandler.isEnabled)"
    report += " disable=\(FaultHandler.disable())"
    report += " after=\(FaultHandler.isEnabled)"
    report += " disableAgain=\(FaultHandler.disable())"
    say(report)
}

/// Crashes on a second, named thread (the main thread waits for it).
func crashOnThread() -> Never {
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { _ in
        reliability_set_thread_name("crash-worker")
        reliabilityLevel1("segv")
        return nil
    }, nil)
    guard created == 0 else { say("pthread_create failed"); exit(4) }
    pthread_join(thread, nil)
    exit(0)
}

switch mode {
case "help":
    say("see the comment at the top of main.swift")
    exit(0)
case "is-enabled":
    runIsEnabled()
    exit(0)
case "dump", "dump-long-name", "dump-non-ascii":
    if flag("--close-stderr") { close(2) }
    DumpChain.lines.append(#line); runDumpMode()
    exit(0)
default:
    break
}

if flag("--ignore-sigpipe") { signal(SIGPIPE, SIG_IGN) }
if flag("--ignore-sigxfsz") { signal(SIGXFSZ, SIG_IGN) }
if let limit = option("--fsize-limit").flatMap({ UInt($0) }) {
    _ = reliability_limit_file_size(limit)
}
do {
    try FaultHandler.enable(output: output(), allThreads: !flag("--current-only"))
} catch {
    say("enable failed: \(error)")
    exit(3)
}
if flag("--close-stderr") { close(2) }
if flag("--close-descriptors") { reliability_close_descriptors_from(3) }
say("ready")
if mode == "thread-segv" { crashOnThread() }
reliabilityLevel1(mode)
exit(0)
