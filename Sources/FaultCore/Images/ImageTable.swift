// The table of loaded images, prepared outside signal handlers and read lock-free inside them.
//
// Publication: `ImageTable.prepare()`/`refresh()` build a complete `ImageTableStorage`, then publish its address
// with a release store into `publishedImageTable`. Handlers read it with an acquire load. A table that has been
// replaced is never freed (a handler on another thread may still be reading it): it is kept on the
// `retired` chain of the new table. Memory therefore grows by one table per refresh that observed a loader
// change (a table is about 330 bytes per image plus its paths, roughly 10–20 KiB for a typical Swift program),
// and `ImageTable.maximumRetiredTables` bounds how many such refreshes are honoured; later ones keep the last
// table (images loaded after that are still found through the link_map fallback).

/// A prepared, immutable snapshot of the loaded images, sorted by start address.
package struct ImageTableStorage {
    /// Number of valid records.
    package var count: Int
    /// The records, sorted by `startAddress`, non-overlapping.
    package var records: UnsafeMutablePointer<ImageRecord>
    /// The loader generation (`cfh_loader_generation`) this snapshot was taken at.
    package var generation: UInt64
    /// The table this one replaced (never freed), or nil.
    package var retired: UnsafeMutablePointer<ImageTableStorage>?
    /// How many tables are on the `retired` chain.
    package var retiredCount: Int

    /// The records as a buffer.
    ///
    /// - Signal safety: safe. Builds a buffer view; no copy.
    @_noAllocation @_noLocks
    package func images() -> UnsafeBufferPointer<ImageRecord> {
        UnsafeBufferPointer(start: records, count: count)
    }

    /// The prepared image whose PT_LOAD segments contain `address`, or nil.
    ///
    /// - Signal safety: safe. Binary search over prepared memory, O(log n).
    @_noAllocation @_noLocks
    package func image(containing address: UInt) -> UnsafePointer<ImageRecord>? {
        // Find the last record whose start is <= address.
        var low = 0
        var high = count
        while low < high {
            let middle = low &+ (high &- low) / 2
            if records[middle].startAddress <= address {
                low = middle &+ 1
            } else {
                high = middle
            }
        }
        if low == 0 { return nil }
        let candidate = UnsafePointer(records + (low &- 1))
        return candidate.pointee.contains(address) ? candidate : nil
    }
}

/// Address of the published `ImageTableStorage` (0 before the first `prepare()`); see the file comment.
nonisolated(unsafe) var publishedImageTable: UInt = 0

/// Address of the dynamic linker's `r_debug`, recorded at preparation (0 if unknown).
nonisolated(unsafe) var loaderDebugAddress: UInt = 0

// Debug builds compile each file separately, and the performance checker cannot see another file's global
// accessors; handler-path code elsewhere goes through these annotated functions.

/// The recorded r_debug address (see `loaderDebugAddress`).
///
/// - Signal safety: safe. An atomic load of a word written once, before the first table was published.
@_noAllocation @_noLocks
func recordedLoaderDebugAddress() -> UInt { SafeLibc.atomicLoadAcquire(&loaderDebugAddress) }

/// Entry points for the image table.
package enum ImageTable {
    /// At most this many images are kept per table (the rest are found through the link_map fallback).
    package static var capacity: Int { @_noAllocation @_noLocks get { 1024 } }
    /// At most this many replaced tables are kept alive; refreshes beyond that keep the current table.
    package static var maximumRetiredTables: Int { @_noAllocation @_noLocks get { 256 } }

    /// The published table, or nil before `prepare()`.
    ///
    /// - Signal safety: safe. One atomic load.
    package static var current: UnsafePointer<ImageTableStorage>? {
        @_noAllocation @_noLocks get { currentTable() }
    }

    /// The published table, or nil before `prepare()` (the same as `current`, as a checked function).
    ///
    /// - Signal safety: safe. One atomic load.
    @_noAllocation @_noLocks
    package static func currentTable() -> UnsafePointer<ImageTableStorage>? {
        let address = SafeLibc.atomicLoadAcquire(&publishedImageTable)
        return UnsafePointer(bitPattern: address)
    }

    /// The prepared image containing `address`, or nil (not prepared, or an address in no prepared image).
    ///
    /// - Signal safety: safe. An atomic load and a binary search.
    @_noAllocation @_noLocks
    package static func image(containing address: UInt) -> UnsafePointer<ImageRecord>? {
        guard let table = currentTable() else { return nil }
        return table.pointee.image(containing: address)
    }

    /// Finds the image containing `address`: first in the prepared table, then, if that fails, by walking the
    /// loader's link_map list with guarded reads (for images loaded after the last refresh). On success the
    /// record is copied into `record` (so both cases look the same to the caller) and true is returned.
    ///
    /// - Signal safety: safe. Binary search, then a bounded guarded walk (see `findUnpreparedImage`).
    @_noAllocation @_noLocks
    package static func findImage(containing address: UInt, into record: UnsafeMutablePointer<ImageRecord>) -> Bool {
        if let prepared = image(containing: address) {
            record.pointee = prepared.pointee
            return true
        }
        return findUnpreparedImage(containing: address, into: record)
    }

    /// Copies the image's name as a NUL-terminated string into `buffer` (truncating), returning its length
    /// without the NUL. Prepared images copy `path`; link_map images read the loader's string with guarded
    /// reads. Returns 0 when there is no name (or `buffer` is empty).
    ///
    /// - Signal safety: safe. Bounded by the buffer size; guarded reads for loader memory.
    @_noAllocation @_noLocks
    package static func copyName(of record: UnsafePointer<ImageRecord>, into buffer: UnsafeMutableBufferPointer<CChar>) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var length = 0
        if let path = record.pointee.path {
            length = min(record.pointee.pathLength, buffer.count &- 1)
            UnsafeMutableRawPointer(base).copyMemory(from: path, byteCount: length)
        } else if record.pointee.nameAddress != 0 {
            var byte: CChar = 0
            while length < buffer.count &- 1 {
                if !SafeLibc.readMemory(&byte, from: record.pointee.nameAddress &+ UInt(length), count: 1) { break }
                if byte == 0 { break }
                base[length] = byte
                length &+= 1
            }
        }
        base[length] = 0
        return length
    }
}
