// The frozen, allocation-free lookup structure for file:line and inlined frames of one image.
//
// Built once by `DWARFIndexBuilder` outside signal context; afterwards only read. Lookup is two binary searches
// (line rows, function ranges) and one scan over the inlined calls of the function found, capped by a work
// budget, all over never-freed memory.

/// A span of the index's string arena.
package struct StringRef: Sendable {
    var offset: UInt32
    var length: UInt32
}

/// One line-table row: the rows of all sequences, sorted by address; `isEnd` marks a sequence end.
package struct LineRow: Sendable {
    package var address: UInt64
    package var file: UInt32
    package var line: UInt32
    package var column: UInt32
    package var isEnd: UInt32
}

/// One code range of a concrete function.
package struct FunctionRange: Sendable {
    package var low: UInt64
    package var high: UInt64
    package var function: UInt32
}

/// A concrete function: its name and its inlined calls (a slice of `inlines`, in DIE pre-order).
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

/// A half-open address range [low, high).
package struct AddressRange: Sendable {
    package var low: UInt64
    package var high: UInt64
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
    package let rows: UnsafeBufferPointer<LineRow>
    let files: UnsafeBufferPointer<StringRef>
    package let functionRanges: UnsafeBufferPointer<FunctionRange>
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

    /// The bytes this index keeps (all of its arrays and its string pool), for measurements.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package var byteCount: Int {
        rows.count * MemoryLayout<LineRow>.stride + files.count * MemoryLayout<StringRef>.stride
            + functionRanges.count * MemoryLayout<FunctionRange>.stride
            + functions.count * MemoryLayout<FunctionRecord>.stride + inlines.count * MemoryLayout<InlineRecord>.stride
            + inlineRanges.count * MemoryLayout<AddressRange>.stride + strings.count
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

    /// The line row covering `address`, or nil.
    ///
    /// - Signal safety: safe. A binary search over prepared memory.
    @_noAllocation @_noLocks
    package func row(at address: UInt64) -> LineRow? {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = low + (high - low) / 2
            if rows[middle].address <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0, rows[low - 1].isEnd == 0 else { return nil }
        return rows[low - 1]
    }

    /// The index of the function whose ranges contain `address`, or nil.
    ///
    /// - Signal safety: safe. A binary search and a bounded walk over prepared memory.
    @_noAllocation @_noLocks
    func function(at address: UInt64) -> Int? {
        var low = 0
        var high = functionRanges.count
        while low < high {
            let middle = low + (high - low) / 2
            if functionRanges[middle].low <= address { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        var steps = 0
        while index >= 0 && steps < Self.functionWalkBack {
            let range = functionRanges[index]
            if address < range.high { return Int(range.function) }
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
        let end = Int(record.firstRange) + Int(record.rangeCount)
        guard end <= inlineRanges.count else { return false }
        for index in Int(record.firstRange)..<end {
            let range = inlineRanges[index]
            if range.low <= address && address < range.high { return true }
        }
        return false
    }

    /// Writes the logical frames at `address` (an ELF virtual address; pass pc-1 for return addresses) into
    /// `frames`, innermost first: the deepest inlined callee with the line-table location, then each caller
    /// with the call site of its callee, ending with the concrete function. Returns the number written (0 if
    /// the address has neither line information nor a function). Frames beyond the buffer's capacity are
    /// dropped from the outer end.
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
        guard let functionIndex = function(at: target), functionIndex < functions.count else {
            if first.file.isEmpty && first.line == 0 { return 0 }
            frames[0] = first
            return 1
        }
        let function = functions[functionIndex]
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
