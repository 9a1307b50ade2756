// Frame-by-frame comparison of a dump with gdb's backtrace (function names) and llvm-symbolizer (file:line).
//
// The two frame lists are aligned by name with a longest-common-subsequence match, so one missing frame does
// not shift every later comparison. Frames left unmatched are classified: a known, documented difference
// between what gdb shows and what an in-process unwinder can show (docs/reliability.md) is "explained";
// anything else is a disagreement the tests count against the threshold.

/// The outcome of comparing one crash.
struct CrashComparison: Sendable {
    var name: String
    var dumpFrames = 0
    var gdbFrames = 0
    /// Frames whose names agree.
    var matched = 0
    /// Unmatched frames with a documented reason, as "reason: frame".
    var explained: [String] = []
    /// Unmatched frames without one.
    var unexplained: [String] = []
    /// File and line (or the absence of a line) checked against llvm-symbolizer.
    var lineChecks = 0
    var lineDisagreements: [String] = []
    /// Frames of other images where llvm-symbolizer finds a line (in a separate debug file) and the dump does not.
    var explainedLines: [String] = []
    /// Source lines also checked against gdb's own line table reading.
    var gdbLineChecks = 0
    var gdbLineDisagreements: [String] = []
    /// `+ 0x…` offsets of symbol-form frames checked against gdb's `info symbol`.
    var offsetChecks = 0
    var offsetDisagreements: [String] = []

    var lineAgreements: Int { lineChecks - lineDisagreements.count }
    var offsetAgreements: Int { offsetChecks - offsetDisagreements.count }
    var gdbLineAgreements: Int { gdbLineChecks - gdbLineDisagreements.count }
}

/// Reasons for unmatched frames that are differences between the tools, not errors (see docs/reliability.md).
enum ExplainedDifference: String {
    case tailCall = "gdb tail-call frame"
    case libraryInlining = "inlined frame in a library without line info in the dump"
    case trapFrame = "artificial Swift runtime failure frame"
    case separateDebugLines = "line table in a separate debug file, not read by the dump"
}

enum FrameComparison {
    /// GCC clone suffixes (`.part.0`, `.isra.0`, `.constprop.0`, `.cold`) name the same source function; glibc's
    /// `__GI_` prefix marks its internal alias of a public function.
    static func canonical(_ name: String) -> String {
        var result = Substring(name)
        while result.hasPrefix("__GI_") { result = result.dropFirst(5) }
        for marker in [".part.", ".isra.", ".constprop.", ".cold", ".lto_priv."] {
            if let range = result.range(of: marker) { result = result[..<range.lowerBound] }
        }
        if result.hasSuffix(".part") { result = result.dropLast(5) }
        return String(result)
    }

    /// Frames up to and including `main` (gdb stops there by default; the C runtime frames below it are not
    /// compared).
    static func throughMain<T>(_ frames: [T], name: (T) -> String?) -> [T] {
        guard let index = frames.firstIndex(where: { name($0) == "main" }) else { return frames }
        return Array(frames[...index])
    }

    /// Compares a dump's frames with gdb's and llvm-symbolizer's view of the same crash of `program`.
    static func compare(
        name: String, program: String, dump dumpFrames: [DumpFrame], gdb gdbFrames: [GdbFrame],
        demangled: [String: String], symbolized: [String: [SymbolizerEntry]]
    ) -> CrashComparison {
        let ours = throughMain(dumpFrames) { $0.function }
        let theirs = throughMain(gdbFrames) { $0.name }
        var result = CrashComparison(name: name, dumpFrames: ours.count, gdbFrames: theirs.count)

        func names(_ frame: GdbFrame) -> Set<String> {
            var set: Set<String> = []
            if let name = frame.name { set.insert(canonical(demangled[name] ?? name)) }
            if !frame.inlined, let symbol = frame.symbol { set.insert(canonical(demangled[symbol] ?? symbol)) }
            return set
        }
        let candidates = theirs.map(names)
        // An inlined frame corresponds only to an inlined frame: a frame in symbol form is a machine frame.
        let pairs = align(ours.count, theirs.count) { i, j in
            guard let function = ours[i].function, ours[i].inlined == theirs[j].inlined else { return false }
            return candidates[j].contains(canonical(function))
        }
        result.matched = pairs.count
        let matchedOurs = Set(pairs.map(\.0))
        let matchedTheirs = Dictionary(uniqueKeysWithValues: pairs.map { ($0.1, $0.0) })

        // The machine frame each gdb frame belongs to: inlined frames precede the frame they were inlined into.
        var physical = Array(repeating: 0, count: theirs.count)
        var groupStart = Array(repeating: 0, count: theirs.count)
        var start = 0
        for index in theirs.indices where !theirs[index].inlined || index == theirs.count - 1 {
            for member in start...index {
                physical[member] = index
                groupStart[member] = start
            }
            start = index + 1
        }

        for (index, frame) in ours.enumerated() where !matchedOurs.contains(index) {
            if frame.function?.hasPrefix("Swift runtime failure") == true {
                result.explained.append("\(ExplainedDifference.trapFrame.rawValue): \(frame.text)")
            } else {
                result.unexplained.append("dump only: \(frame.text)")
            }
        }
        for (index, frame) in theirs.enumerated() where matchedTheirs[index] == nil {
            let text = "#\(frame.level) \(frame.name ?? "??") (\(frame.file ?? "no file"):\(frame.line))"
            if frame.tailCall {
                result.explained.append("\(ExplainedDifference.tailCall.rawValue): \(text)")
            } else if frame.inlined, let ourIndex = matchedTheirs[physical[index]], !ours[ourIndex].isSourceForm {
                result.explained.append("\(ExplainedDifference.libraryInlining.rawValue): \(text)")
            } else if frame.name?.hasPrefix("Swift runtime failure") == true {
                result.explained.append("\(ExplainedDifference.trapFrame.rawValue): \(text)")
            } else {
                result.unexplained.append("gdb only: \(text)")
            }
        }

        for (ourIndex, theirIndex) in pairs {
            let frame = ours[ourIndex]
            let gdbFrame = theirs[theirIndex]
            // llvm-symbolizer: the entry of the inlining chain at this frame's depth in its machine frame.
            let machine = theirs[physical[theirIndex]]
            if !gdbFrame.tailCall, let image = machine.image, let address = machine.address {
                let entries = symbolized[symbolizerKey(image: image, address: address)] ?? []
                // Counted from the machine frame (the chain's last entry): gdb leaves out the artificial trap
                // frame llvm-symbolizer shows innermost.
                let fromEnd = physical[theirIndex] - theirIndex
                let entry = fromEnd < entries.count ? entries[entries.count - 1 - fromEnd] : nil
                let agrees: Bool
                if frame.isSourceForm {
                    agrees = entry.map { sameFile(frame.file, $0.file) && (frame.line ?? 0) == $0.line } ?? false
                } else {
                    agrees = entry.map { $0.line == 0 } ?? false
                }
                if !agrees && !frame.isSourceForm && image != program && entry != nil {
                    result.explainedLines.append(
                        "\(ExplainedDifference.separateDebugLines.rawValue): \(frame.text) | llvm-symbolizer: "
                            + (entry.map { "\($0.file):\($0.line)" } ?? ""))
                } else {
                    result.lineChecks += 1
                }
                if !agrees && (frame.isSourceForm || image == program || entry == nil) {
                    let expected = entry.map { "\($0.file):\($0.line)" } ?? "no entry"
                    result.lineDisagreements.append("\(frame.text) | llvm-symbolizer: \(expected)")
                }
            }
            if let line = frame.line, gdbFrame.line > 0 {
                result.gdbLineChecks += 1
                let gdbFile = gdbFrame.file.map(lastComponent) ?? ""
                let ourFile = frame.file.map(lastComponent) ?? ""
                if line != gdbFrame.line || gdbFile != ourFile {
                    result.gdbLineDisagreements.append("\(frame.text) | gdb: \(gdbFrame.file ?? "?"):\(gdbFrame.line)")
                }
            }
            if let offset = frame.symbolOffset, !gdbFrame.inlined, let gdbOffset = gdbFrame.symbolOffset {
                result.offsetChecks += 1
                if offset != gdbOffset {
                    result.offsetDisagreements.append("\(frame.text) | gdb: \(gdbFrame.symbol ?? "?") + \(gdbOffset)")
                }
            }
        }
        return result
    }

    /// Paths as the dump prints them and as llvm-symbolizer does (`/<compiler-generated>`).
    static func sameFile(_ ours: String?, _ theirs: String) -> Bool {
        guard let ours else { return false }
        if ours == "<compiler-generated>" { return theirs.hasSuffix("<compiler-generated>") }
        return ours == theirs
    }

    /// Longest common subsequence of two sequences under `matches`: index pairs in order.
    static func align(_ count: Int, _ otherCount: Int, matches: (Int, Int) -> Bool) -> [(Int, Int)] {
        var table = Array(repeating: Array(repeating: 0, count: otherCount + 1), count: count + 1)
        for i in stride(from: count - 1, through: 0, by: -1) {
            for j in stride(from: otherCount - 1, through: 0, by: -1) {
                table[i][j] = matches(i, j) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var pairs: [(Int, Int)] = []
        var i = 0
        var j = 0
        while i < count && j < otherCount {
            if matches(i, j) && table[i][j] == table[i + 1][j + 1] + 1 {
                pairs.append((i, j))
                i += 1
                j += 1
            } else if table[i + 1][j] >= table[i][j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return pairs
    }
}

/// The last component of a path.
func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// The key of an llvm-symbolizer answer: image path and image-relative address.
func symbolizerKey(image: String, address: UInt64) -> String {
    "\(image)@\(address)"
}
