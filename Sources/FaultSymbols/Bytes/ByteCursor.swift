// A bounds-checked little-endian reader over a borrowed byte range.
//
// Every read of ELF or DWARF data goes through this type. A read that would cross the end of the range returns
// zero and sets `overrun`; parsers check `overrun` at their natural checkpoints instead of after every field,
// which keeps the parsing code linear while making hostile input harmless: nothing is ever read outside
// `bytes`, and the cursor never moves backwards unless a caller seeks explicitly.

/// A cursor over a byte range that never reads outside it.
///
/// The range is borrowed: the owner of the memory (a mapped file, a decompressed section, a test buffer) must
/// outlive the cursor.
package struct ByteCursor {
    /// The bytes being read.
    package let bytes: UnsafeRawBufferPointer
    /// The position of the next read, relative to `bytes.baseAddress`.
    package var offset: Int
    /// Set once any read or skip went past the end. Stays set.
    package var overrun: Bool = false

    /// A cursor at `offset` in `bytes`.
    ///
    /// - Signal safety: safe. Stores fields only.
    @_noAllocation @_noLocks
    package init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        if offset < 0 || offset > bytes.count { overrun = true }
    }

    /// The number of bytes left after the cursor (0 after an overrun).
    ///
    /// - Signal safety: safe. Arithmetic only.
    package var remaining: Int {
        @_noAllocation @_noLocks get { overrun ? 0 : bytes.count - offset }
    }

    /// True when the cursor is at (or past) the end.
    ///
    /// - Signal safety: safe. Arithmetic only.
    package var isAtEnd: Bool {
        @_noAllocation @_noLocks get { remaining <= 0 }
    }

    /// Reserves `count` bytes and returns their start offset, or nil (setting `overrun`) if they do not fit.
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func take(_ count: Int) -> Int? {
        if overrun || count < 0 || count > bytes.count - offset {
            overrun = true
            return nil
        }
        let start = offset
        offset += count
        return start
    }

    /// Reads an unaligned little-endian fixed-width integer.
    ///
    /// - Signal safety: safe. A bounds-checked load from borrowed memory.
    @_noAllocation @_noLocks
    @inline(__always)
    package mutating func readU8() -> UInt8 {
        guard let at = take(1), let base = bytes.baseAddress else { return 0 }
        return base.load(fromByteOffset: at, as: UInt8.self)
    }

    /// Reads a little-endian UInt16 (0 on overrun).
    ///
    /// - Signal safety: safe. A bounds-checked load from borrowed memory.
    @_noAllocation @_noLocks
    @inline(__always)
    package mutating func readU16() -> UInt16 {
        guard let at = take(2), let base = bytes.baseAddress else { return 0 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }

    /// Reads a little-endian UInt32 (0 on overrun).
    ///
    /// - Signal safety: safe. A bounds-checked load from borrowed memory.
    @_noAllocation @_noLocks
    @inline(__always)
    package mutating func readU32() -> UInt32 {
        guard let at = take(4), let base = bytes.baseAddress else { return 0 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    /// Reads a little-endian UInt64 (0 on overrun).
    ///
    /// - Signal safety: safe. A bounds-checked load from borrowed memory.
    @_noAllocation @_noLocks
    @inline(__always)
    package mutating func readU64() -> UInt64 {
        guard let at = take(8), let base = bytes.baseAddress else { return 0 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// Reads an unsigned integer of `size` bytes (1, 2, 4 or 8); any other size is an overrun.
    ///
    /// - Signal safety: safe. Bounds-checked loads only.
    @_noAllocation @_noLocks
    package mutating func readUnsigned(size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(readU8())
        case 2: return UInt64(readU16())
        case 4: return UInt64(readU32())
        case 8: return readU64()
        default:
            overrun = true
            return 0
        }
    }

    /// Reads an unsigned LEB128 number. Bits beyond 64 are dropped; at most 16 bytes are consumed before the
    /// number is declared malformed (overrun), so a run of continuation bytes cannot stall a parser.
    ///
    /// - Signal safety: safe. At most 16 bounded loads.
    @_noAllocation @_noLocks
    package mutating func readULEB128() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<16 {
            let byte = readU8()
            if overrun { return 0 }
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 { return result }
        }
        overrun = true
        return 0
    }

    /// Reads a signed LEB128 number, with the same bounds as `readULEB128`.
    ///
    /// - Signal safety: safe. At most 16 bounded loads.
    @_noAllocation @_noLocks
    package mutating func readSLEB128() -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<16 {
            let byte = readU8()
            if overrun { return 0 }
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            shift += 7
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 { result |= ~0 << shift }
                return Int64(bitPattern: result)
            }
        }
        overrun = true
        return 0
    }

    /// Skips `count` bytes (overrun if they are not there).
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    package mutating func skip(_ count: Int) {
        _ = take(count)
    }

    /// Skips `count` bytes given as an unsigned 64-bit length (overrun if it does not fit).
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    package mutating func skip(_ count: UInt64) {
        if count > UInt64(Int.max) {
            overrun = true
            return
        }
        _ = take(Int(count))
    }

    /// Reads a NUL-terminated string and returns its bytes without the terminator; the cursor moves past the
    /// NUL. An unterminated string is an overrun and returns an empty range.
    ///
    /// - Signal safety: safe. A bounded scan (at most the remaining bytes).
    @_noAllocation @_noLocks
    package mutating func readCString() -> UnsafeRawBufferPointer {
        guard !overrun, let base = bytes.baseAddress else {
            overrun = true
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        var end = offset
        while end < bytes.count {
            if base.load(fromByteOffset: end, as: UInt8.self) == 0 {
                let result = UnsafeRawBufferPointer(start: base + offset, count: end - offset)
                offset = end + 1
                return result
            }
            end += 1
        }
        overrun = true
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// Returns the next `count` bytes as a sub-range and moves past them (empty range and overrun if short).
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    package mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer {
        guard let at = take(count), let base = bytes.baseAddress else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base + at, count: count)
    }
}

/// Returns the NUL-terminated string at `offset` in `table` (without the NUL), bounded by the table's end and
/// by `limit` bytes. An offset outside the table gives an empty range; a string with no NUL before the bound
/// is cut at the bound.
///
/// - Signal safety: safe. A bounded scan over borrowed memory.
@_noAllocation @_noLocks
package func cString(in table: UnsafeRawBufferPointer, at offset: UInt64, limit: Int = 4096)
    -> UnsafeRawBufferPointer
{
    guard let base = table.baseAddress, offset < UInt64(table.count) else {
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    let start = Int(offset)
    let end = Swift.min(table.count, start + limit)
    var cursor = start
    while cursor < end && base.load(fromByteOffset: cursor, as: UInt8.self) != 0 {
        cursor += 1
    }
    return UnsafeRawBufferPointer(start: base + start, count: cursor - start)
}
