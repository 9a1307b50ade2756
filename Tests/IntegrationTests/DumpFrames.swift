// Parses the frame lines of a dump (docs/output-format.md) into values the comparison can use.

/// One frame line of a dump.
struct DumpFrame: Equatable, CustomStringConvertible, Sendable {
    /// The source path (source form) or the image name (symbol form); nil for `File ???`.
    var file: String?
    /// The line, when the frame is in source form with a line.
    var line: Int?
    /// The function, when one is named.
    var function: String?
    /// `+ 0x…` of the symbol form: the frame's address minus the symbol's.
    var symbolOffset: UInt64?
    /// Whether the frame carries the ` [inlined]` marker.
    var inlined: Bool
    /// The line as printed.
    var text: String

    /// True for `File "<path>", line N in …` and `File "<compiler-generated>" in …`: the debug info described it.
    var isSourceForm: Bool { line != nil || file == "<compiler-generated>" }

    var description: String { text }

    /// Parses one `  File …` line; nil for anything else (`  ...`, `  <no frames>`).
    init?(line text: String) {
        guard text.hasPrefix("  File ") else { return nil }
        self.text = text
        var rest = Substring(text.dropFirst("  File ".count))
        inlined = rest.hasSuffix(" [inlined]")
        if inlined { rest = rest.dropLast(" [inlined]".count) }
        line = nil
        function = nil
        symbolOffset = nil
        if rest.hasPrefix("???") {
            file = nil
            return
        }
        guard rest.hasPrefix("\""), let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        file = String(rest[rest.index(after: rest.startIndex)..<close])
        rest = rest[rest.index(after: close)...]
        if rest.hasPrefix(", line ") {
            rest = rest.dropFirst(", line ".count)
            let digits = rest.prefix { $0.isNumber }
            line = Int(digits)
            rest = rest.dropFirst(digits.count)
        }
        guard rest.hasPrefix(" in ") else { return }  // ` at 0x…`: no function
        var name = rest.dropFirst(" in ".count)
        if line == nil, file != "<compiler-generated>", let plus = name.range(of: " + 0x", options: .backwards) {
            symbolOffset = UInt64(name[plus.upperBound...], radix: 16)
            name = name[..<plus.lowerBound]
        }
        function = String(name)
    }

    /// The frame lines of the first thread block in `text`, parsed.
    static func frames(in text: String) -> [DumpFrame] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasSuffix("(most recent call first):") }) else { return [] }
        var frames: [DumpFrame] = []
        for line in lines[(header + 1)...] {
            guard line.hasPrefix("  ") else { break }
            if let frame = DumpFrame(line: line) { frames.append(frame) }
        }
        return frames
    }
}
