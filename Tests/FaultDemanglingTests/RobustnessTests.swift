// Truncation, malformed and hostile input.

import Testing
import FaultDemangling

/// Runs the signal-safe entry point with an output buffer of `capacity` bytes.
func demangle(_ symbol: String, capacity: Int, workspace: DemanglerWorkspace) -> (DemangleResult, [UInt8]) {
    var output = [UInt8](repeating: 0, count: capacity)
    var name = symbol
    let result = name.withUTF8 { input in
        output.withUnsafeMutableBytes { out in
            SwiftDemangler.demangle(UnsafeRawBufferPointer(input), into: out, workspace: workspace)
        }
    }
    switch result {
    case .demangled(let length), .truncated(let length): return (result, Array(output[0..<length]))
    case .notDemangled: return (result, [])
    }
}

@Suite struct RobustnessTests {
    let symbol = "$s10Foundation12NotificationVSbIeghnr_ACSbIeghnd_TRTA.22"
    let full = "partial apply for thunk for @escaping @callee_guaranteed @Sendable (@in_guaranteed Notification) -> (@out Bool)"

    @Test func fitsExactly() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let (result, bytes) = demangle(symbol, capacity: full.utf8.count, workspace: workspace)
        #expect(result == .demangled(length: full.utf8.count))
        #expect(String(decoding: bytes, as: UTF8.self) == full)
    }

    @Test(arguments: [1, 2, 3, 4, 10, 40, 105])
    func truncatesCleanly(capacity: Int) {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let (result, bytes) = demangle(symbol, capacity: capacity, workspace: workspace)
        #expect(result == .truncated(length: bytes.count))
        #expect(bytes.count <= capacity)
        let text = String(decoding: bytes, as: UTF8.self)
        if capacity >= 3 {
            #expect(text.hasSuffix("..."))
            #expect(full.hasPrefix(String(text.dropLast(3))))
        }
    }

    @Test func truncationNeverSplitsUTF8() {
        // A punycoded identifier decodes to multi-byte UTF-8; cut inside it at every position.
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let symbol = "$s1m0019cafxber_dyaGoxHBECcyyF"  // café😀xüber()
        guard case .demangled(let length) = demangle(symbol, capacity: 256, workspace: workspace).0 else {
            Issue.record("punycode symbol did not demangle")
            return
        }
        for capacity in 3..<length {
            let (result, bytes) = demangle(symbol, capacity: capacity, workspace: workspace)
            #expect(result == .truncated(length: bytes.count))
            #expect(String(validating: bytes, as: UTF8.self) != nil, "invalid UTF-8 at capacity \(capacity)")
        }
    }

    @Test func rejectsTooLongAndEmpty() {
        let workspace = DemanglerWorkspace(maximumSymbolLength: 64)
        defer { workspace.deallocate() }
        #expect(demangle("$s" + String(repeating: "4main", count: 40), capacity: 64, workspace: workspace).0 == .notDemangled)
        #expect(demangle("", capacity: 64, workspace: workspace).0 == .notDemangled)
    }

    @Test func hostileInputsTerminate() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        let hostile = [
            "$s" + String(repeating: "Sa", count: 1500),           // deep nesting
            "$s" + String(repeating: "SiSi", count: 500) + "t",     // long tuple
            "$s4main" + String(repeating: "AA", count: 1000),      // substitution repeats
            "$s" + String(repeating: "1a", count: 1000) + "F",      // many identifiers
            "$s999999999999999999999a",                            // overflowing length
            "$s4mainAAAA" + String(repeating: "2047A", count: 200), // repeat counts
            "$s" + String(repeating: "y", count: 3000) + "lF",
            "$sxq_IgHrzr_BAxq_IegHgILrzr_s5ErrorR_r0_lTR",
        ]
        for symbol in hostile {
            let (result, bytes) = demangle(symbol, capacity: 1024, workspace: workspace)
            switch result {
            case .demangled(let n), .truncated(let n): #expect(n == bytes.count && n <= 1024)
            case .notDemangled: break
            }
        }
    }

    @Test func workspaceIsReusable() {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        for _ in 0..<3 {
            #expect(SwiftDemangler.demangle("$s4main6level3yySSF", workspace: workspace) == "level3(_:)")
            #expect(SwiftDemangler.demangle("garbage", workspace: workspace) == nil)
        }
    }
}

/// Inputs found by fuzzing (Fuzz/FuzzDemangler), each named after the bug it found.
@Suite struct DemanglerFuzzRegressionTests {
    /// Demangles into a buffer of `capacity` bytes.
    func demangle(_ symbol: String, capacity: Int) -> DemangleResult {
        let workspace = DemanglerWorkspace()
        defer { workspace.deallocate() }
        var name = symbol
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        defer { output.deallocate() }
        return name.withUTF8 { SwiftDemangler.demangle(UnsafeRawBufferPointer($0), into: output, workspace: workspace) }
    }

    /// The printer stopped at a full buffer and never reached the node that makes the tree invalid, so a small
    /// buffer gave a truncated name where a large one (and `swift demangle`) gave none.
    @Test func invalidTreeIsNotDemangledWhateverTheBufferSize() {
        let symbol = "$sSaySaySiGSGsSaySaySiD"
        #expect(demangle(symbol, capacity: 4096) == .notDemangled)
        #expect(demangle(symbol, capacity: 48) == .notDemangled)
        #expect(demangle(symbol, capacity: 4) == .notDemangled)
    }
}
