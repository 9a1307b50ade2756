// Builds a DWARFLineIndex from an image's DWARF sections: decodes every unit's line program and its function
// and inlining trees, interns file paths and names into one string pool, sorts, and copies everything into
// never-freed buffers. Preparation time only; runs on any thread.

/// Builds the frozen line/inlining index of one image.
package enum DWARFIndexBuilder {
    /// Builds the index for the DWARF of `image`, or nil when it has no .debug_line. `symbols` is the image's
    /// symbol index, if it has one: functions whose every address it names keep no name of their own (their
    /// lookups take the symbol's name, see `PreparedImage.lookupSource`). Sections inflated for the build are
    /// freed before returning.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func build(image: ELFImage, symbols: ELFSymbolTable? = nil) -> DWARFLineIndex? {
        let sections = DWARFSections(image: image)
        defer { sections.releaseInflatedSections(of: image) }
        guard sections.hasLineInfo else { return nil }
        // Code starts at the lowest executable section; ranges below it belong to discarded functions.
        let minimumAddress =
            image.fileType == ET_REL
            ? 0
            : image.sections.filter { $0.sh_flags & SHF_EXECINSTR != 0 && $0.sh_addr != 0 }.map(\.sh_addr).min() ?? 1
        return build(sections: sections, minimumAddress: minimumAddress, symbols: symbols)
    }

    /// Builds the index from already-collected sections. All addresses of the index are kept as 32-bit offsets
    /// from `minimumAddress`; rows and ranges beyond 4 GiB above it are left out.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func build(sections: DWARFSections, minimumAddress: UInt64, symbols: ELFSymbolTable? = nil)
        -> DWARFLineIndex
    {
        let reader = DebugInfoReader(sections: sections, minimumAddress: minimumAddress)
        var pool = StringPool()
        let base = minimumAddress

        // Line tables: per table, DWARF file number -> global file index.
        var fileMaps: [UInt64: [UInt32]] = [:]
        var collector = LineRowCollector()
        for (offset, compDir) in reader.lineTables.sorted(by: { $0.key < $1.key }) {
            guard var program = LineProgram(sections: sections, offset: offset, compDir: compDir) else { continue }
            let firstRow = collector.rowCount
            program.decodeRows(into: &collector) { start in start >= minimumAddress && start < 0xffff_ffff_ffff_fffe }
            let map = program.files.map { pool.fileIndex($0) }
            collector.remapFiles(from: firstRow, map: map)
            fileMaps[offset] = map
        }
        let rows = collector.freeze(base: base, fileCount: pool.files.count)

        /// `address` as an offset from `base`, or nil beyond the 4 GiB window.
        func offset(_ address: UInt64) -> UInt32? {
            address >= base && address - base <= UInt64(UInt32.max) ? UInt32(address - base) : nil
        }

        // Functions and inlined calls.
        var functionRanges: [FunctionRange] = []
        var functions: [FunctionRecord] = []
        var inlines: [InlineRecord] = []
        var inlineRanges: [AddressRange] = []
        for function in reader.functions {
            let rootRanges = reader.ranges(of: function.root)
            let named = symbols.map { table in rootRanges.allSatisfy { table.namesEveryAddress(from: $0.0, to: $0.1) } }
            let inlineScopes = reader.inlines(of: function)
            var index = FunctionRange.namedBySymbols
            if named != true || !inlineScopes.isEmpty {
                index = UInt32(functions.count)
                functions.append(
                    FunctionRecord(
                        name: named == true ? StringRef(offset: 0, length: 0)
                            : pool.intern(reader.resolvedName(function.root.nameDIE)),
                        firstInline: UInt32(inlines.count), inlineCount: UInt32(inlineScopes.count)))
            }
            for (low, high) in rootRanges {
                guard let lowOffset = offset(low) else { continue }
                functionRanges.append(
                    FunctionRange(low: lowOffset, high: offset(high) ?? UInt32.max, function: index))
            }
            let map = function.lineTable.flatMap { fileMaps[$0] } ?? []
            for entry in inlineScopes {
                let first = UInt32(inlineRanges.count)
                for (low, high) in reader.ranges(of: entry) {
                    guard let lowOffset = offset(low) else { continue }
                    inlineRanges.append(AddressRange(low: lowOffset, high: offset(high) ?? UInt32.max))
                }
                inlines.append(
                    InlineRecord(
                        parent: Int32(entry.parent), name: pool.intern(reader.resolvedName(entry.nameDIE)),
                        callFile: entry.callFile < UInt64(map.count) ? map[Int(entry.callFile)] : UInt32.max,
                        callLine: UInt32(clamping: entry.callLine), callColumn: UInt32(clamping: entry.callColumn),
                        firstRange: first, rangeCount: UInt32(inlineRanges.count) - first))
            }
        }
        functionRanges.sort { ($0.low, $0.high) < ($1.low, $1.high) }

        return DWARFLineIndex(
            base: base, rowAddresses: rows.addresses, rowLocations: rows.locations, packing: rows.packing,
            files: freeze(pool.files), functionRanges: freeze(functionRanges), functions: freeze(functions),
            inlines: freeze(inlines), inlineRanges: freeze(inlineRanges),
            strings: UnsafeRawBufferPointer(freeze(pool.bytes)))
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
