// A program that crashes on purpose, in the way its first argument names, so tests can check the dump and the
// exit signal from outside. Every crash happens in `fixtureLevel3`, called by `fixtureLevel2`, called by
// `fixtureLevel1`: the dump must show those three in that order.
//
// Usage: CrashFixture MODE [OPTIONS…]
//   Options: --output-file PATH | --output-fd N   where the dump goes (default stderr)
//            --disable          enable, then disable before crashing
//            --chain            enable with chain: true
//            --current-only     enable with allThreads: false
//            --output-fd-file PATH   open PATH, pass the descriptor, then close it before crashing
//            --count-mallocs    chain to a handler that reports allocations made during the dump
//            --marker-handler   install a plain SIGSEGV handler first (to check chaining)

import CAllocationCounter
import CFixtureSupport
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

nonisolated(unsafe) var sink: Int = 0
nonisolated(unsafe) var openedDescriptors: [CInt] = []

@inline(never)
func fixtureLevel3(_ mode: String) {
    switch mode {
    case "segv":
        let pointer = UnsafeMutablePointer<Int>(bitPattern: 8)!
        sink = pointer.pointee
    case "bus":
        sink = Int(fixture_read_past_end_of_mapped_file("/tmp"))
    case "fpe":
        sink = Int(fixture_divide(7, CInt(sink)))
    case "fatal-error":
        fatalError("fixture fatal error")
    case "force-unwrap":
        let value: Int? = sink == 0 ? nil : sink
        sink = value!
    case "arithmetic-overflow":
        sink = Int.max - sink
        sink += 1 + sink % 2  // traps: Int.max + 1
    case "abort":
        abort()
    case "trap":
        raise(SIGTRAP)
    case "qsort":
        fixture_qsort { _, _ in
            let pointer = UnsafeMutablePointer<Int>(bitPattern: 16)!
            sink = pointer.pointee
            return 0
        }
    case "overflow":
        sink = fixtureRecurse(1)
    case "dlopen":
        // A library loaded after enable(): a crash inside it must still be symbolised.
        guard let library = dlopen("libz.so.1", RTLD_NOW), let symbol = dlsym(library, "crc32") else {
            print("cannot load libz.so.1")
            exit(4)
        }
        typealias CRC32 = @convention(c) (UInt, UnsafePointer<UInt8>?, UInt32) -> UInt
        let crc32 = unsafeBitCast(symbol, to: CRC32.self)
        sink = Int(crc32(0, UnsafePointer(bitPattern: 8), 64))
    case "dump":
        do {
            try FaultHandler.dumpTraceback(output: dumpOutput(), allThreads: !flag("--current-only"))
        } catch {
            print("dump failed: \(error)")
            exit(3)
        }
    default:
        print("unknown mode \(mode)")
        exit(2)
    }
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
func fixtureLevel2(_ mode: String) {
    fixtureLevel3(mode)
    sink += 2
}

@inline(never)
func fixtureLevel1(_ mode: String) {
    fixtureLevel2(mode)
    sink += 3
}

func dumpOutput() -> FaultHandler.Output {
    if let path = option("--output-file") { return .file(path: path) }
    if let fd = option("--output-fd").flatMap({ CInt($0) }) { return .fileDescriptor(fd) }
    if let path = option("--output-fd-file") {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        openedDescriptors.append(fd)
        return .fileDescriptor(fd)
    }
    return .standardError
}

// A child started from a test inherits the spawning thread's signal mask (libdispatch threads block most
// signals); start from an empty mask, as a program run from a shell does.
var emptyMask = sigset_t()
sigemptyset(&emptyMask)
pthread_sigmask(SIG_SETMASK, &emptyMask, nil)

if mode == "help" {
    print("usage: CrashFixture segv|bus|fpe|fatal-error|force-unwrap|abort|trap|qsort|overflow|dump [options]")
    exit(0)
}

if flag("--count-mallocs") {
    for signal in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP] {
        fixture_install_allocation_reporter(signal)
    }
}
if flag("--marker-handler") {
    fixture_install_marker_handler(SIGSEGV)
}
if mode != "dump" {
    do {
        try FaultHandler.enable(
            output: dumpOutput(), allThreads: !flag("--current-only"),
            chain: flag("--chain") || flag("--count-mallocs"))
    } catch {
        print("enable failed: \(error)")
        exit(3)
    }
    // The handler keeps its own duplicate: closing ours must not matter.
    for fd in openedDescriptors { close(fd) }
    if flag("--disable") {
        FaultHandler.disable()
    }
}
if flag("--count-mallocs") {
    allocation_counter_arm()
}
fixtureLevel1(mode)
exit(0)
