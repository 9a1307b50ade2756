// Collects the rows of all line-number programs of an image, then freezes them into the index's two parallel
// arrays (32-bit addresses, packed locations). Preparation time only.
//
// Rows that cannot change a lookup's answer are dropped as they arrive and again while freezing: a lookup
// returns the last row at or below the address, so a row followed by another at the same address is never
// returned (shadowed), and a row with the same file, line and column as the row kept before it gives the same
// answer as that row. Sequences stay contiguous and are ordered by their first address, as before dropping.

/// The line rows of one image under construction.
struct LineRowCollector {
    /// A row as collected: file is a program-local DWARF file number until `remapFiles` runs.
    struct Row {
        var address: UInt64
        var file: UInt32
        var line: UInt32
        var column: UInt32
        var isEnd: Bool
    }

    /// A complete sequence: its first address (the sort key) and its rows.
    struct Sequence {
        var start: UInt64
        var first: Int
        var count: Int
    }

    private(set) var rows: [Row] = []
    private(set) var sequences: [Sequence] = []
    /// Index of the first row of the open sequence, and its first address (nil before its first row).
    private var openFirst = 0
    private var openStart: UInt64?
    private(set) var maximumLine: UInt32 = 0
    private(set) var maximumColumn: UInt32 = 0

    /// The index the next row will get.
    var rowCount: Int { rows.count }

    /// Adds a row to the open sequence, dropping what it makes redundant.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func append(_ row: Row) {
        if openStart == nil { openStart = row.address }
        while rows.count > openFirst && rows[rows.count - 1].address == row.address { rows.removeLast() }
        if rows.count > openFirst {
            let last = rows[rows.count - 1]
            if !last.isEnd && !row.isEnd && last.file == row.file && last.line == row.line
                && last.column == row.column
            {
                return
            }
        }
        maximumLine = max(maximumLine, row.line)
        maximumColumn = max(maximumColumn, row.column)
        rows.append(row)
    }

    /// Closes the open sequence: keeps it if `keep(start)` says so, else drops its rows.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func endSequence(keep: (UInt64) -> Bool) {
        if let start = openStart, rows.count > openFirst, keep(start) {
            sequences.append(Sequence(start: start, first: openFirst, count: rows.count - openFirst))
        } else {
            rows.removeSubrange(openFirst...)
        }
        openFirst = rows.count
        openStart = nil
    }

    /// Drops the rows of a sequence that was never closed (a program that broke off).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func discardOpenSequence() {
        rows.removeSubrange(openFirst...)
        openStart = nil
    }

    /// Replaces the program-local file numbers of rows `from...` with global ones (`UInt32.max` for numbers the
    /// program does not define).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func remapFiles(from start: Int, map: [UInt32]) {
        for index in start..<rows.count {
            let file = rows[index].file
            rows[index].file = Int(file) < map.count ? map[Int(file)] : .max
        }
    }

    /// The frozen rows: sequences ordered by first address (ties in collection order), rows outside
    /// [base, base + 4 GiB) left out, redundant rows dropped once more across sequence boundaries.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func freeze(base: UInt64, fileCount: Int)
        -> (addresses: UnsafeBufferPointer<UInt32>, locations: UnsafeBufferPointer<UInt64>, packing: LocationPacking)
    {
        let packing = LocationPacking(fileCount: fileCount, maximumLine: maximumLine, maximumColumn: maximumColumn)
        let order = sequences.indices.sorted {
            (sequences[$0].start, $0) < (sequences[$1].start, $1)
        }
        let capacity = max(rows.count, 1)
        let addresses = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        let locations = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: capacity)
        let end = packing.endMarker
        var kept = 0
        for sequence in order.lazy.map({ sequences[$0] }) {
            for row in rows[sequence.first..<sequence.first + sequence.count] {
                guard row.address >= base, row.address - base <= UInt64(UInt32.max) else { continue }
                let address = UInt32(row.address - base)
                let location = packing.pack(file: row.file, line: row.line, column: row.column, isEnd: row.isEnd)
                while kept > 0 && addresses[kept - 1] == address { kept -= 1 }
                if kept > 0 && location & end != end && locations[kept - 1] == location { continue }
                addresses[kept] = address
                locations[kept] = location
                kept += 1
            }
        }
        return (
            UnsafeBufferPointer(rebasing: addresses[0..<kept]), UnsafeBufferPointer(rebasing: locations[0..<kept]),
            packing
        )
    }
}
