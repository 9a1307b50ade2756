// The frozen, allocation-free lookup structure for file:line and inlined frames of one image.
//
// Built once by `DWARFIndexBuilder` outside signal context; afterwards only read. Lookup is two binary searches
// (line rows, function ranges) and one scan over the inlined calls of the function found, capped by a work
// budget, all over never-freed memory.
//
// The index keeps only what lookups read, compactly: addresses are 32-bit offsets from the lowest code address
// (`base`), a line row is 12 bytes (a 32-bit address and a 64-bit packed location, in two parallel arrays),
// rows that cannot change a lookup's answer are not kept (a row shadowed by the next one at the same address, a
// row repeating the location of the one before), file paths and names are deduplicated into one string pool, and
// a concrete function whose every address the symbol table names needs neither its name nor, without inlined
// calls, a record at all.

/// A span of the index's string pool.
package struct StringRef: Sendable {
    var offset: UInt32
    var length: UInt32
}

/// One line-table row, unpacked (as returned by `DWARFLineIndex.row(at:)`).
package struct LineRow: Sendable {
    /// The ELF virtual address where the row starts.
    package var address: UInt64
    /// The file index (an index into the index's file table; out of range for "no file").
    package var file: UInt32
    package var line: UInt32
    package var column: UInt32
    /// Nonzero for the end-of-sequence row (the first address after a sequence).
    package var isEnd: UInt32
}

/// How a row's file, line and column share 64 bits. The widths are chosen per index from the largest values;
/// the file field's all-ones value marks an end-of-sequence row.
package struct LocationPacking: Sendable {
    /// Field widths in bits; their sum is at most 64.
    var fileBits: UInt64
    var lineBits: UInt64
    var columnBits: UInt64

    /// The widths needed for `fileCount` files (plus the "no file" and end markers), `maximumLine` and
    /// `maximumColumn`. Should they need more than 64 bits together (never for real images), columns and then
    /// lines are saturated to what fits.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init(fileCount: Int, maximumLine: UInt32, maximumColumn: UInt32) {
        func width(_ value: UInt64) -> UInt64 { UInt64(64 - value.leadingZeroBitCount) }
        fileBits = max(width(UInt64(fileCount) + 1), 1)
        lineBits = min(width(UInt64(maximumLine)), 64 - fileBits)
        columnBits = min(width(UInt64(maximumColumn)), 64 - fileBits - lineBits)
    }

    /// The all-ones value of the file field: an end-of-sequence row.
    var endMarker: UInt64 {
        @_noAllocation @_noLocks get { fileBits >= 64 ? ~0 : (1 << fileBits) - 1 }
    }

    /// Packs a row; `file` values at or above the file count mean "no file".
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func pack(file: UInt32, line: UInt32, column: UInt32, isEnd: Bool) -> UInt64 {
        func saturated(_ value: UInt32, _ bits: UInt64) -> UInt64 {
            bits >= 32 ? UInt64(value) : min(UInt64(value), (1 << bits) - 1)
        }
        let fileField = isEnd ? endMarker : min(UInt64(file), endMarker - 1)
        return fileField | saturated(line, lineBits) << fileBits | saturated(column, columnBits) << (fileBits + lineBits)
    }

    /// Unpacks a row starting at ELF virtual `address`.
    ///
    /// - Signal safety: safe. Shifts and masks only.
    @_noAllocation @_noLocks
    func unpack(_ packed: UInt64, address: UInt64) -> LineRow {
        func field(_ shift: UInt64, _ bits: UInt64) -> UInt32 {
            guard bits > 0, shift < 64 else { return 0 }
            let shifted = packed >> shift
            return UInt32(truncatingIfNeeded: bits >= 64 ? shifted : shifted & ((1 << bits) - 1))
        }
        let file = packed & endMarker
        return LineRow(
            address: address, file: file == endMarker ? UInt32.max : UInt32(truncatingIfNeeded: file),
            line: field(fileBits, lineBits), column: field(fileBits + lineBits, columnBits),
            isEnd: file == endMarker ? 1 : 0)
    }
}

/// One code range of a concrete function, as 32-bit offsets from the index's base.
package struct FunctionRange: Sendable {
    package var low: UInt32
    package var high: UInt32
    /// An index into `functions`, or `FunctionRange.namedBySymbols`.
    package var function: UInt32

    /// A function with no record: no inlined calls, and the symbol table names each of its addresses.
    static let namedBySymbols = UInt32.max
}

/// A concrete function: its name (empty when the symbol table names all its addresses) and its inlined calls
/// (a slice of `inlines`, in DIE pre-order).
package struct FunctionRecord: Sendable {
    var name: StringRef
    var firstInline: UInt32
    var inlineCount: UInt32
}

/// An inlined call: the callee's name, where it was called from, its ranges, and its parent (an index relative
/// to the function's first inline, or -1 for the function itself).
package struct InlineRecord: Sendable {
    var parent: Int32
    var name: StringRef
    var callFile: UInt32
    var callLine: UInt32
    var callColumn: UInt32
    var firstRange: UInt32
    var rangeCount: UInt32
}

/// A half-open address range [low, high), as 32-bit offsets from the index's base.
package struct AddressRange: Sendable {
    package var low: UInt32
    package var high: UInt32
}

/// One logical frame at an address. Byte ranges point into never-freed memory and are not NUL-terminated.
package struct SourceFrame: @unchecked Sendable {
    /// The function's linkage (mangled) name, else its plain name; empty if unknown.
    package var function: UnsafeRawBufferPointer
    /// The source file path (compilation dir + include dir + file name); empty if unknown.
    package var file: UnsafeRawBufferPointer
    package var line: UInt32
    package var column: UInt32
    /// True if this frame was inlined into the next frame of the result.
    package var isInlined: Bool

    /// An empty frame (for preallocated buffers).
    ///
    /// - Signal safety: safe. Stores fields only.
    @_noAllocation @_noLocks
    package init() {
        function = UnsafeRawBufferPointer(start: nil, count: 0)
        file = UnsafeRawBufferPointer(start: nil, count: 0)
        line = 0
        column = 0
        isInlined = false
    }
}

/// The file:line and inlining index of one image.
package struct DWARFLineIndex: @unchecked Sendable {
    /// The ELF virtual address all 32-bit addresses of the index are relative to.
    package let base: UInt64
    /// Row start addresses (offsets from `base`), sorted; parallel to `rowLocations`.
    let rowAddresses: UnsafeBufferPointer<UInt32>
    /// Row locations packed with `packing`.
    let rowLocations: UnsafeBufferPointer<UInt64>
    let packing: LocationPacking
    let files: UnsafeBufferPointer<StringRef>
    /// Function ranges sorted by (low, high).
    let functionRanges: UnsafeBufferPointer<FunctionRange>
    let functions: UnsafeBufferPointer<FunctionRecord>
    let inlines: UnsafeBufferPointer<InlineRecord>
    let inlineRanges: UnsafeBufferPointer<AddressRange>
    let strings: UnsafeRawBufferPointer

    /// The most inlined calls examined per lookup (the work budget).
    static let inlineBudget = 1 << 16
    /// The deepest inlining chain reported.
    static let maximumDepth = 32
    /// How many preceding function ranges a lookup checks when the nearest one does not contain the address.
    static let functionWalkBack = 16

    /// The number of line rows kept.
    ///
    /// - Signal safety: safe. Reads a prepared field.
    package var rowCount: Int {
        @_noAllocation @_noLocks get { rowAddresses.count }
    }

    /// The number of function ranges.
    ///
    /// - Signal safety: safe. Reads a prepared field.
    package var functionRangeCount: Int {
        @_noAllocation @_noLocks get { functionRanges.count }
    }

    /// The start address (ELF virtual) of row `index`, which must be below `rowCount`.
    ///
    /// - Signal safety: safe. One read of prepared memory.
    @_noAllocation @_noLocks
    package func rowAddress(at index: Int) -> UInt64 {
        base &+ UInt64(rowAddresses[index])
    }

    /// The bytes of a string reference.
    ///
    /// - Signal safety: safe. Bounds-checked pointer arithmetic.
    @_noAllocation @_noLocks
    func bytes(_ reference: StringRef) -> UnsafeRawBufferPointer {
        guard let base = strings.baseAddress,
            UInt64(reference.offset) + UInt64(reference.length) <= UInt64(strings.count)
        else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + Int(reference.offset), count: Int(reference.length))
    }

    /// The path of file `index` (empty if out of range).
    ///
    /// - Signal safety: safe. Bounds-checked reads.
    @_noAllocation @_noLocks
    func filePath(_ index: UInt32) -> UnsafeRawBufferPointer {
        Int(index) < files.count ? bytes(files[Int(index)]) : UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// `address` as an offset from `base`, or nil outside the 4 GiB the index covers.
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    func offset(of address: UInt64) -> UInt32? {
        guard address >= base, address - base <= UInt64(UInt32.max) else { return nil }
        return UInt32(address - base)
    }

    /// The line row covering `address`, or nil.
    ///
    /// - Signal safety: safe. A binary search over prepared memory.
    @_noAllocation @_noLocks
    package func row(at address: UInt64) -> LineRow? {
        guard let target = offset(of: address) else { return nil }
        var low = 0
        var high = rowAddresses.count
        while low < high {
            let middle = low + (high - low) / 2
            if rowAddresses[middle] <= target { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let row = packing.unpack(rowLocations[low - 1], address: base &+ UInt64(rowAddresses[low - 1]))
        return row.isEnd == 0 ? row : nil
    }

    /// The `functions` index (or `FunctionRange.namedBySymbols`) of the function whose ranges contain `address`,
    /// or nil.
    ///
    /// - Signal safety: safe. A binary search and a bounded walk over prepared memory.
    @_noAllocation @_noLocks
    func function(at address: UInt64) -> UInt32? {
        guard let target = offset(of: address) else { return nil }
        var low = 0
        var high = functionRanges.count
        while low < high {
            let middle = low + (high - low) / 2
            if functionRanges[middle].low <= target { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        var steps = 0
        while index >= 0 && steps < Self.functionWalkBack {
            let range = functionRanges[index]
            if target < range.high { return range.function }
            index -= 1
            steps += 1
        }
        return nil
    }

    /// True if inline record `index` covers `address`.
    ///
    /// - Signal safety: safe. Bounds-checked reads.
    @_noAllocation @_noLocks
    func inline(_ record: InlineRecord, contains address: UInt64) -> Bool {
        guard let target = offset(of: address) else { return false }
        let end = Int(record.firstRange) + Int(record.rangeCount)
        guard end <= inlineRanges.count else { return false }
        for index in Int(record.firstRange)..<end {
            let range = inlineRanges[index]
            if range.low <= target && target < range.high { return true }
        }
        return false
    }

    /// Writes the logical frames at `address` (an ELF virtual address; pass pc-1 for return addresses) into
    /// `frames`, innermost first: the deepest inlined callee with the line-table location, then each caller
    /// with the call site of its callee, ending with the concrete function. Returns the number written (0 if
    /// the address has neither line information nor a function). Frames beyond the buffer's capacity are
    /// dropped from the outer end. The concrete function's name is empty when the index left it to the symbol
    /// table (`PreparedImage.lookupSource` fills it in).
    ///
    /// - Signal safety: safe. Binary searches and a scan bounded by `inlineBudget`, no allocation, no locks.
    @_noAllocation @_noLocks
    package func lookup(address: UInt, into frames: UnsafeMutableBufferPointer<SourceFrame>) -> Int {
        guard frames.count > 0 else { return 0 }
        let target = UInt64(address)
        var first = SourceFrame()
        if let row = row(at: target) {
            first.file = filePath(row.file)
            first.line = row.line
            first.column = row.column
        }
        guard let functionIndex = function(at: target) else {
            if first.file.isEmpty && first.line == 0 { return 0 }
            frames[0] = first
            return 1
        }
        guard Int(functionIndex) < functions.count else {
            // No record (`namedBySymbols`), or a corrupt index: the location with an unnamed function.
            frames[0] = first
            return 1
        }
        let function = functions[Int(functionIndex)]
        // The chain of inlined calls containing the address, outermost first (indices relative to the
        // function's first inline). Pre-order guarantees parents come before their children.
        var chain: (
            Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
            Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
            Int32, Int32, Int32, Int32
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var depth = 0
        let start = Int(function.firstInline)
        let count = min(min(Int(function.inlineCount), Self.inlineBudget), max(inlines.count - start, 0))
        withUnsafeMutableBytes(of: &chain) { chainBytes in
            var relative = 0
            while relative < count && depth < Self.maximumDepth {
                let record = inlines[start + relative]
                let expectedParent =
                    depth == 0 ? Int32(-1) : chainBytes.load(fromByteOffset: (depth - 1) * 4, as: Int32.self)
                if record.parent == expectedParent && inline(record, contains: target) {
                    chainBytes.storeBytes(of: Int32(relative), toByteOffset: depth * 4, as: Int32.self)
                    depth += 1
                }
                relative += 1
            }
        }
        // Emit innermost first.
        var written = 0
        var location = first
        withUnsafeBytes(of: &chain) { chainBytes in
            var level = depth
            while level >= 0 && written < frames.count {
                var frame = location
                if level > 0 {
                    let record = inlines[start + Int(chainBytes.load(fromByteOffset: (level - 1) * 4, as: Int32.self))]
                    frame.function = bytes(record.name)
                    frame.isInlined = true
                    location = SourceFrame()
                    location.file = filePath(record.callFile)
                    location.line = record.callLine
                    location.column = record.callColumn
                } else {
                    frame.function = bytes(function.name)
                    frame.isInlined = false
                }
                frames[written] = frame
                written += 1
                level -= 1
            }
        }
        return written
    }
}

extension DWARFLineIndex {
    /// The bytes this index keeps (all of its arrays and its string pool), for measurements.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package var byteCount: Int {
        rowAddresses.count * MemoryLayout<UInt32>.stride + rowLocations.count * MemoryLayout<UInt64>.stride
            + files.count * MemoryLayout<StringRef>.stride
            + functionRanges.count * MemoryLayout<FunctionRange>.stride
            + functions.count * MemoryLayout<FunctionRecord>.stride + inlines.count * MemoryLayout<InlineRecord>.stride
            + inlineRanges.count * MemoryLayout<AddressRange>.stride + strings.count
    }

    /// Frees the index's buffers. Only for an index no handler can reach (tests and fuzzing build thousands);
    /// published indexes are never freed.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func deallocate() {
        func free<T>(_ buffer: UnsafeBufferPointer<T>) {
            UnsafeMutableRawPointer(mutating: UnsafeRawPointer(buffer.baseAddress))?.deallocate()
        }
        free(rowAddresses)
        free(rowLocations)
        free(files)
        free(functionRanges)
        free(functions)
        free(inlines)
        free(inlineRanges)
        UnsafeMutableRawPointer(mutating: strings.baseAddress)?.deallocate()
    }
}
