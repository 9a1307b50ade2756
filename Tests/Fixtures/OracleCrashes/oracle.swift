// The oracle crash program: each mode crashes in a different way, so the integration tests can compare the
// dump frame by frame with gdb's backtrace and llvm-symbolizer. The tests compile this file twice with swiftc
// (-Onone -g and -O -g, no frame pointers forced) together with oracle_c.c (clang -O2 -g), linked against the
// package's FaultHandling objects.
//
// Usage: oracle MODE       (prints the modes without one)

import FaultHandling

#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) var oracleSink = 0

/// A ledger of counts read through a raw pointer; `nil` storage makes `read(at:)` fault.
struct Ledger {
    var storage: UnsafeMutablePointer<Int>?

    @inline(never)
    func read(at index: Int) -> Int {
        let base = storage ?? UnsafeMutablePointer<Int>(bitPattern: 0x10)!
        return base[index]
    }

    /// Sums the entries through a generic helper (specialised and partly inlined at -O).
    func checksum(count: Int) -> Int {
        accumulate(0..<count) { read(at: $0) }
    }
}

@inline(never)
func accumulate<S: Sequence>(_ values: S, _ body: (S.Element) -> Int) -> Int {
    var total = 0
    for value in values { total &+= body(value) }
    return total
}

/// A linked list walked with a force-unwrap that meets `nil`.
final class Node {
    var next: Node?
    var value: Int

    init(value: Int, next: Node?) {
        self.value = value
        self.next = next
    }

    @inline(never)
    func value(hops: Int) -> Int {
        var node = self
        for _ in 0..<hops { node = node.next! }
        return node.value
    }
}

@inline(never)
func lookUp(_ table: [Int], _ index: Int) -> Int {
    table[index] &* 2
}

@inline(never)
func transform(_ values: [Int]) -> [Int] {
    values.map { value in
        if value == 3 { return UnsafePointer<Int>(bitPattern: 0x20)!.pointee }
        return value &* 2
    }
}

@inline(never)
func addAll(_ values: [Int]) -> Int {
    var total = Int.max - 10
    for value in values { total += value }
    return total
}

/// The qsort(3) comparator: a C function pointer made from a Swift closure that faults.
let faultingComparator: @convention(c) (UnsafeRawPointer?, UnsafeRawPointer?) -> Int32 = { left, _ in
    let value = left!.load(as: Int32.self)
    return Int32(UnsafePointer<Int32>(bitPattern: Int(value) &* 8)!.pointee)
}

@inline(never)
func runMode(_ mode: String) {
    switch mode {
    case "segv-generic":
        oracleSink = Ledger(storage: nil).checksum(count: 3)
    case "force-unwrap":
        oracleSink = Node(value: 1, next: Node(value: 2, next: nil)).value(hops: 3)
    case "index-range":
        oracleSink = lookUp([1, 2, 3], 3 + oracleSink)
    case "closure-map":
        oracleSink = transform([1, 2, 3, 4]).count
    case "overflow":
        oracleSink = addAll([4, 5, 6])
    case "c-parse":
        oracleSink = Int(oracle_c_parse("ab;c"))
    case "c-qsort":
        oracle_c_sort(faultingComparator)
    case "c-abort":
        oracle_c_abort(1)
    case "c-divide":
        oracleSink = Int(oracle_c_divide(7, Int32(oracleSink)))
    default:
        print("modes: segv-generic force-unwrap index-range closure-map overflow c-parse c-qsort c-abort c-divide")
        exit(2)
    }
    oracleSink += 1
}

let arguments = CommandLine.arguments
do {
    try FaultHandler.enable()
    // An on-demand dump waits until symbols and line tables are prepared (enable() prepares them in the
    // background): the comparison is about the steady state, not about a crash during preparation, which
    // BadOutputTests covers.
    try FaultHandler.dumpTraceback(output: .file(path: "/dev/null"))
} catch {
    print("enable failed: \(error)")
    exit(3)
}
runMode(arguments.count > 1 ? arguments[1] : "")
exit(0)
