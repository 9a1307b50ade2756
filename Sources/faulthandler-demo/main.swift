// faulthandler-demo: shows what a dump looks like.
//
//   swift run faulthandler-demo segfault      a bad pointer dereference (SIGSEGV)
//   swift run faulthandler-demo abort         abort() (SIGABRT)
//   swift run faulthandler-demo fatal-error   fatalError() (a Swift runtime trap: SIGILL)
//   swift run faulthandler-demo force-unwrap  force-unwrapping nil (SIGILL)
//   swift run faulthandler-demo overflow      unbounded recursion (stack overflow: SIGSEGV)
//   swift run faulthandler-demo dump          a dump on demand; the program keeps running
//   swift run faulthandler-demo demangle SYMBOL…   demangle Swift symbols (or stdin, one per line)

import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

struct Record {
    var name: String
    var score: Int?
}

struct Loader {
    var records: [Record]

    @inline(never)
    func totalScore(crash: String) -> Int {
        var total = 0
        for record in records {
            total += score(of: record, crash: crash)
        }
        return total
    }

    @inline(never)
    func score(of record: Record, crash: String) -> Int {
        switch crash {
        case "segfault":
            let pointer = UnsafePointer<Int>(bitPattern: 0x8)!
            return pointer.pointee
        case "abort":
            abort()
        case "fatal-error":
            fatalError("record \(record.name) is corrupt")
        case "force-unwrap":
            return record.score!
        case "overflow":
            return deepScore(record, depth: 0)
        default:
            do {
                try FaultHandler.dumpTraceback()
            } catch {
                print("dump failed: \(error)")
            }
            return record.score ?? 0
        }
    }

    @inline(never)
    func deepScore(_ record: Record, depth: Int) -> Int {
        var scratch = (depth, depth, depth, depth)
        return withUnsafeMutableBytes(of: &scratch) { $0[0] &+= 1; return deepScore(record, depth: depth + 1) &+ Int($0[1]) }
    }
}

let usage = """
    usage: faulthandler-demo COMMAND
      segfault | abort | fatal-error | force-unwrap | overflow   crash, and dump the stack first
      dump                                                       dump the stack and keep running
      demangle [SYMBOL…]                                         demangle Swift symbols (stdin if none)
    """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    print(usage)
    exit(2)
}

switch command {
case "segfault", "abort", "fatal-error", "force-unwrap", "overflow", "dump":
    do {
        try FaultHandler.enable()
    } catch {
        print("cannot enable the fault handler: \(error)")
        exit(1)
    }
    let loader = Loader(records: [Record(name: "first", score: nil)])
    let total = loader.totalScore(crash: command)
    print("total score: \(total)")
case "demangle":
    exit(runDemangleCommand(Array(arguments.dropFirst())))
default:
    print(usage)
    exit(2)
}
