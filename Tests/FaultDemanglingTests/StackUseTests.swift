// Stack use of the demangler: bytes per nesting level, the deepest symbol of the toolchain on a small thread
// stack, and the stack limit of `demangle(_:into:workspace:stackLimit:)` against a guard page.

#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import FaultDemangling

/// The toolchain symbol that needs the most stack (found by the agreement test's measurement).
let deepestToolchainSymbol =
    "$ss18LazyFilterSequenceVys0a3MapC0VyAByADyADyAByADyADys8StrideToVySiGSVGSVSgGGypXpGs6UInt32V4kind_AN9reserved1S"
    + "bSv_SVAISutXCSg8accessorSu7contextSu9reserved2tSgGGAnO_AnpqRSuASSuATtGGAByxGSTsWL"
/// Its demangling by `swift demangle --simplified`.
let deepestToolchainSymbolDemangled =
    "lazy protocol witness table cache variable for type LazyFilterSequence<LazyMapSequence<LazyFilterSequence<"
    + "LazyMapSequence<LazyMapSequence<LazyFilterSequence<LazyMapSequence<LazyMapSequence<StrideTo<Int>, "
    + "UnsafeRawPointer>, UnsafeRawPointer?>>, Any.Type>, (kind: UInt32, reserved1: UInt32, accessor: "
    + "(@convention(c) (_:_:_:_:))?, context: UInt, reserved2: UInt)?>>, (kind: UInt32, reserved1: UInt32, "
    + "accessor: (@convention(c) (_:_:_:_:))?, context: UInt, reserved2: UInt)>> and conformance "
    + "LazyFilterSequence<A>"

/// Demangles with a stack limit; returns the text (nil when not demangled) and the stack bytes used at the
/// recursion checks.
func demangleMeasuringStack(_ symbol: String, workspace: DemanglerWorkspace,
                            stackLimit: UInt = 0) -> (text: String?, bytes: Int) {
    var name = symbol
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
    defer { output.deallocate() }
    return name.withUTF8 { utf8 in
        var stack = StackGuard(limit: stackLimit)
        let entry = StackGuard.currentAddress()
        let result = SwiftDemangler.demangle(UnsafeRawBufferPointer(utf8), into: output, workspace: workspace,
                                             stack: &stack)
        let bytes = stack.lowest == UInt.max ? 0 : Int(entry) - Int(stack.lowest)
        switch result {
        case .demangled(let length), .truncated(let length):
            return (String(decoding: UnsafeRawBufferPointer(rebasing: output[0..<length]), as: UTF8.self), bytes)
        case .notDemangled:
            return (nil, bytes)
        }
    }
}

/// Runs `body` on a new thread with about `usable` bytes of stack left below the caller's frame: everything
/// below that is made inaccessible, and `body` gets the lowest usable address. Touching the inaccessible part
/// kills the test process (SIGSEGV).
func onGuardedStack(usable: Int, _ body: @escaping (UInt) -> Void) {
    let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    let total = 1024 * 1024
    let mapping = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
    defer { munmap(mapping, total) }

    final class Context {
        let body: (UInt) -> Void
        let usable: UInt
        let mapping: UInt
        let page: UInt
        init(_ body: @escaping (UInt) -> Void, _ usable: Int, _ mapping: UnsafeMutableRawPointer, _ page: UInt) {
            self.body = body
            self.usable = UInt(usable)
            self.mapping = UInt(bitPattern: mapping)
            self.page = page
        }

        /// Protects the stack below `usable` bytes under the current frame and runs the body.
        func run() {
            let here = StackGuard.currentAddress()
            let limit = (here - usable) & ~(page - 1)
            precondition(limit > mapping + page)
            mprotect(UnsafeMutableRawPointer(bitPattern: mapping), Int(limit - mapping), PROT_NONE)
            body(limit)
            mprotect(UnsafeMutableRawPointer(bitPattern: mapping), Int(limit - mapping), PROT_READ | PROT_WRITE)
        }
    }
    let context = Unmanaged.passRetained(Context(body, usable, mapping, page)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstack(&attributes, mapping, total)
    var thread = pthread_t()
    let created = pthread_create(&thread, &attributes, { raw in
        let context = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Context
        context.run()
        return nil
    }, context)
    pthread_attr_destroy(&attributes)
    precondition(created == 0)
    pthread_join(thread, nil)
}

@Suite struct StackUseTests {
    /// Stack bytes per nesting level of the symbol, from two depths of the same shape.
    func bytesPerLevel(_ make: (Int) -> String, workspace: DemanglerWorkspace) -> Int {
        let shallow = demangleMeasuringStack(make(8), workspace: workspace)
        let deep = demangleMeasuringStack(make(40), workspace: workspace)
        #expect(shallow.text != nil && deep.text != nil)
        return (deep.bytes - shallow.bytes) / 32
    }

    @Test(.disabled(if: runningUnderSanitizer, "instrumentation makes every frame larger")) func stackUsePerNestingLevel() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        // [[[Int]]]: bound generic types inside each other.
        let arrays = { (n: Int) in "$s" + String(repeating: "Say", count: n) + "Si" + String(repeating: "G", count: n) + "D" }
        // closure #1 in closure #1 in ... f(): entities as contexts of entities.
        let closures = { (n: Int) in "$s4main1fyyF" + String(repeating: "yycfU_", count: n) }
        #expect(SwiftDemangler.demangle(arrays(3)) == "[[[Int]]]")
        #expect(SwiftDemangler.demangle(closures(2)) == "closure #1 in closure #1 in f()")
        let arrayLevel = bytesPerLevel(arrays, workspace: workspace)
        let closureLevel = bytesPerLevel(closures, workspace: workspace)
        let deepest = demangleMeasuringStack(deepestToolchainSymbol, workspace: workspace)
        print("demangler stack: \(arrayLevel) bytes per nested generic type, \(closureLevel) bytes per nested closure,"
              + " \(deepest.bytes) bytes for the deepest toolchain symbol (at the recursion checks)")
        #expect(deepest.text == deepestToolchainSymbolDemangled)
        #if DEBUG
        #expect(arrayLevel > 0 && arrayLevel <= 2048)
        #expect(closureLevel > 0 && closureLevel <= 4096)
        #expect(deepest.bytes <= 48 * 1024)
        #else
        #expect(arrayLevel > 0 && arrayLevel <= 512)
        #expect(closureLevel > 0 && closureLevel <= 1024)
        #expect(deepest.bytes <= 12 * 1024)
        #endif
    }

    @Test(.disabled(if: runningUnderSanitizer, "instrumentation makes every frame larger"))
    func deepestToolchainSymbolOnSmallThreadStack() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        #if DEBUG
        let usable = 64 * 1024
        #else
        let usable = 24 * 1024
        #endif
        nonisolated(unsafe) var text: String?
        onGuardedStack(usable: usable) { low in
            text = demangleMeasuringStack(deepestToolchainSymbol, workspace: workspace, stackLimit: low).text
        }
        #expect(text == deepestToolchainSymbolDemangled)
    }

    /// With a limit anywhere from a few KiB to plenty below the thread's start, the result is either right or
    /// "not demangled"; the inaccessible stack right below the limit is never touched.
    @Test(.disabled(if: runningUnderSanitizer, "instrumentation makes every frame larger"))
    func stackLimitNeverOverflows() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        // Everything the body needs is prepared here, so that only the demangler runs near the limit.
        let symbol = UnsafeMutableRawBufferPointer.allocate(byteCount: deepestToolchainSymbol.utf8.count, alignment: 1)
        defer { symbol.deallocate() }
        symbol.copyBytes(from: deepestToolchainSymbol.utf8)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { output.deallocate() }
        let results = UnsafeMutablePointer<DemangleResult>.allocate(capacity: 64)
        defer { results.deallocate() }
        var count = 0
        for kib in stride(from: 4, through: 96, by: 2) {
            let slot = results + count
            onGuardedStack(usable: kib * 1024) { limit in
                slot.initialize(to: SwiftDemangler.demangle(UnsafeRawBufferPointer(symbol), into: output,
                                                            workspace: workspace, stackLimit: limit))
            }
            count += 1
        }
        let expected = DemangleResult.demangled(length: deepestToolchainSymbolDemangled.utf8.count)
        let outcomes = (0..<count).map { results[$0] }
        print("stack limit: not demangled below \(2 * (outcomes.firstIndex(of: expected) ?? 0) + 4) KiB of stack")
        #expect(outcomes.allSatisfy { $0 == .notDemangled || $0 == expected })
        #expect(outcomes.first! == .notDemangled)
        #expect(outcomes.last! == expected)
    }

    @Test func limitAboveStackPointerIsNotDemangled() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let here = StackGuard.currentAddress()
        #expect(demangleMeasuringStack("$sSaySiGD", workspace: workspace, stackLimit: here).text == nil)
        #expect(demangleMeasuringStack("$sSaySiGD", workspace: workspace, stackLimit: 0).text == "[Int]")
        #expect(demangleMeasuringStack("$sSaySiGD", workspace: workspace, stackLimit: here - 1024 * 1024).text == "[Int]")
    }
}

/// True when scripts/sanitizers.sh runs the tests (it sets FAULTHANDLER_SANITIZER): tests that compare with a
/// system oracle the sanitizer runtime intercepts are skipped then.
let runningUnderSanitizer = getenv("FAULTHANDLER_SANITIZER") != nil
