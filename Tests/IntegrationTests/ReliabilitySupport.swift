// Helpers shared by the reliability tests: running the fixtures and reading their dumps.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

enum Fixture {
    /// Runs ReliabilityFixture with `arguments`; hostile cases get a short timeout so a hang fails fast.
    static func reliability(_ arguments: [String], timeout: Double = 20) throws -> ChildResult {
        try ChildProcess.run(ChildProcess.product("ReliabilityFixture"), arguments, timeout: timeout)
    }

    /// Runs the existing CrashFixture with `arguments`.
    static func crash(_ arguments: [String], timeout: Double = 20) throws -> ChildResult {
        try ChildProcess.run(ChildProcess.product("CrashFixture"), arguments, timeout: timeout)
    }
}

extension ChildResult {
    /// The frame lines of the first thread block on standard error.
    var frames: [DumpFrame] { DumpFrame.frames(in: standardError) }

    /// True when `names` appear in the frames in this order (each in a later frame than the one before).
    func framesContainInOrder(_ names: [String], in text: String? = nil) -> Bool {
        let frames = text.map(DumpFrame.frames(in:)) ?? self.frames
        var index = 0
        for name in names {
            guard let found = frames[index...].firstIndex(where: { $0.text.contains(name) }) else { return false }
            index = found + 1
        }
        return true
    }
}

/// Whether `text` matches the regular expression `pattern` anywhere (Foundation's syntax; `^`/`$` match at line
/// boundaries).
func matches(_ text: String, _ pattern: String) -> Bool {
    guard let expression = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return false }
    return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
}

/// CPython's CURRENT_THREAD_HEADER, with this library's 16-digit thread id and optional ` [name]`.
let currentThreadHeader = #"Current thread 0x[0-9a-f]{16}( \[.*\])? \(most recent call first\):"#
