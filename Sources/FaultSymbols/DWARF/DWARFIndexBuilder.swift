// Builds a DWARFLineIndex from an image's DWARF sections: decodes every unit's line program and its function
// and inlining trees, interns file paths and names into one string arena, sorts, and copies everything into
// never-freed buffers. Preparation time only; runs on any thread.

/// Builds the frozen line/inlining index of one image.
package enum DWARFIndexBuilder {
    /// Builds the index for the DWARF of `image`, or nil when it has no .debug_line.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func build(image: ELFImage) -> DWARFLineIndex? {
        let sections = DWARFSections(image: image)
        guard sections.hasLineInfo else { return nil }
        // Code starts at the lowest executable section; ranges below it belong to discarded functions.
        let minimumAddress =
            image.fileType == ET_REL
            ? 0
            : image.sections.filter { $0.sh_flags & SHF_EXECINSTR != 0 && $0.sh_addr != 0 }.map(\.sh_addr).min() ?? 1
        let index = build(sections: sections, minimumAddress: minimumAddress)
        sections.releaseInflatedSections(of: image)
        return index
    }

    /// Builds the index from already-collected sections.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func build(sections: DWARFSections, minimumAddress: UInt64) -> DWARFLineIndex {
        let reader = DebugInfoReader(sections: sections, minimumAddress: minimumAddress)
        var arena = StringArena()

        // Line tables: per table, DWARF file number -> global file index.
        var fileMaps: [UInt64: [UInt32]] = [:]
        var sequences: [[LineRow]] = []
        for (offset, compDir) in reader.lineTables.sorted(by: { $0.key < $1.key }) {
            guard let program = LineProgram(sections: sections, offset: offset, compDir: compDir) else { continue }
            let map = program.files.map { arena.fileIndex($0) }
            fileMaps[offset] = map
            for sequence in program.sequences {
                guard let first = sequence.first, first.address >= minimumAddress,
                    first.address < 0xffff_ffff_ffff_fffe
                else { continue }
                sequences.append(
                    sequence.map { row in
                        LineRow(
                            address: row.address,
                            file: row.file < UInt64(map.count) ? map[Int(row.file)] : UInt32.max,
                            line: row.line, column: row.column, isEnd: row.isEndSequence ? 1 : 0)
                    })
            }
        }
        sequences.sort { $0[0].address < $1[0].address }
        let rows = sequences.flatMap { $0 }

        // Functions and inlined calls.
        var functionRanges: [FunctionRange] = []
        var functions: [FunctionRecord] = []
        var inlines: [InlineRecord] = []
        var inlineRanges: [AddressRange] = []
        for function in reader.functions {
            let map = function.lineTable.flatMap { fileMaps[$0] } ?? []
            let index = UInt32(functions.count)
            functions.append(
                FunctionRecord(
                    name: arena.intern(reader.resolvedName(function.root.nameDIE)),
                    firstInline: UInt32(inlines.count), inlineCount: UInt32(function.inlines.count)))
            for (low, high) in function.root.ranges {
                functionRanges.append(FunctionRange(low: low, high: high, function: index))
            }
            for entry in function.inlines {
                inlines.append(
                    InlineRecord(
                        parent: Int32(entry.parent), name: arena.intern(reader.resolvedName(entry.nameDIE)),
                        callFile: entry.callFile < UInt64(map.count) ? map[Int(entry.callFile)] : UInt32.max,
                        callLine: UInt32(clamping: entry.callLine), callColumn: UInt32(clamping: entry.callColumn),
                        firstRange: UInt32(inlineRanges.count), rangeCount: UInt32(entry.ranges.count)))
                inlineRanges += entry.ranges.map { AddressRange(low: $0.0, high: $0.1) }
            }
        }
        functionRanges.sort { ($0.low, $0.high) < ($1.low, $1.high) }

        return DWARFLineIndex(
            rows: freeze(rows), files: freeze(arena.files), functionRanges: freeze(functionRanges),
            functions: freeze(functions), inlines: freeze(inlines), inlineRanges: freeze(inlineRanges),
            strings: UnsafeRawBufferPointer(freeze(arena.bytes)))
    }

    /// Copies an array into a never-freed buffer.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func freeze<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return UnsafeBufferPointer(rebasing: buffer[0..<array.count])
    }
}

/// Interned byte strings and file paths for one index.
struct StringArena {
    var bytes: [UInt8] = []
    var files: [StringRef] = []
    private var strings: [[UInt8]: StringRef] = [:]
    private var fileIndices: [[UInt8]: UInt32] = [:]

    /// Interns `text` (nil or empty gives an empty reference).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func intern(_ text: UnsafeRawBufferPointer?) -> StringRef {
        guard let text, !text.isEmpty else { return StringRef(offset: 0, length: 0) }
        return intern(Array(text))
    }

    /// Interns `text`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func intern(_ text: [UInt8]) -> StringRef {
        if let existing = strings[text] { return existing }
        let reference = StringRef(offset: UInt32(bytes.count), length: UInt32(text.count))
        bytes += text
        strings[text] = reference
        return reference
    }

    /// The global index of file path `path`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func fileIndex(_ path: [UInt8]) -> UInt32 {
        if let existing = fileIndices[path] { return existing }
        let index = UInt32(files.count)
        files.append(intern(path))
        fileIndices[path] = index
        return index
    }
}
