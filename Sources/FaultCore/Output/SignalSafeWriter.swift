// A buffered writer for dumps: fixed buffer, write(2) loop, number formatting and ASCII escaping, with no
// allocation. One writer per dump; it is a value type over memory the caller owns.

/// Formats text into a caller-provided fixed buffer and flushes it to a file descriptor with write(2).
///
/// Nothing here allocates or locks. When a write fails (closed descriptor, full disk, broken pipe) the writer
/// stops writing for the rest of the dump (`failed` becomes true) instead of retrying, so a dump never hangs on
/// a broken output.
package struct SignalSafeWriter: ~Copyable {
    /// Longest string written by `writeEscaped` before it is cut with `...`, as in Python's faulthandler.
    package static var maximumStringLength: Int { @_noAllocation @_noLocks get { 500 } }

    private let fd: CInt
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var count = 0
    /// True once a write to the descriptor failed; later output is dropped.
    package private(set) var failed = false
    /// Bytes handed to write(2) so far (for tests and statistics).
    package private(set) var bytesWritten = 0

    /// Creates a writer over `buffer` (at least 64 bytes) that flushes to `fd`.
    ///
    /// - Signal safety: safe. Stores its arguments only.
    @_noAllocation @_noLocks
    package init(fd: CInt, buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 64, "writer buffer too small")
        self.fd = fd
        self.buffer = buffer.baseAddress!
        self.capacity = buffer.count
    }

    /// Writes buffered bytes to the descriptor.
    ///
    /// - Signal safety: safe. write(2) through SafeLibc.writeAll, which gives up on errors and never loops on
    ///   a write that makes no progress.
    @_noAllocation @_noLocks
    package mutating func flush() {
        defer { count = 0 }
        guard count > 0, !failed else { return }
        if SafeLibc.writeAll(fd, buffer, count) {
            bytesWritten += count
        } else {
            failed = true
        }
    }

    /// Appends one byte.
    ///
    /// - Signal safety: safe. Memory store; flushes with write(2) when the buffer is full.
    @_noAllocation @_noLocks
    package mutating func writeByte(_ byte: UInt8) {
        if count == capacity { flush() }
        buffer.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Appends raw bytes unchanged.
    ///
    /// - Signal safety: safe. Memory copies and write(2).
    @_noAllocation @_noLocks
    package mutating func write(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { writeByte(byte) }
    }

    /// Appends a static string (ASCII text known at compile time).
    ///
    /// - Signal safety: safe. Reads the string's static storage only.
    @_noAllocation @_noLocks
    package mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` in decimal.
    ///
    /// - Signal safety: safe. Arithmetic and writeByte only.
    @_noAllocation @_noLocks
    package mutating func writeDecimal(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            writeByte(UInt8(truncatingIfNeeded: (value / divisor) % 10) &+ 0x30)
            divisor /= 10
        }
    }

    /// Appends a signed `value` in decimal.
    ///
    /// - Signal safety: safe. See `writeDecimal(_: UInt64)`.
    @_noAllocation @_noLocks
    package mutating func writeDecimal(_ value: Int64) {
        if value < 0 {
            writeByte(UInt8(ascii: "-"))
            writeDecimal(UInt64(bitPattern: 0 &- value))
        } else {
            writeDecimal(UInt64(value))
        }
    }

    /// Appends `value` as lower-case hexadecimal without prefix, left-padded with zeros to `width` digits
    /// (no padding when `width` is 0).
    ///
    /// - Signal safety: safe. Arithmetic and writeByte only.
    @_noAllocation @_noLocks
    package mutating func writeHex(_ value: UInt64, width: Int = 0) {
        var significant = 1
        while significant < 16 && (value >> (UInt64(significant) * 4)) != 0 { significant += 1 }
        var pad = width - significant
        while pad > 0 {
            writeByte(UInt8(ascii: "0"))
            pad -= 1
        }
        var shift = significant * 4
        while shift > 0 {
            shift -= 4
            writeByte(Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF))
        }
    }

    /// Appends `0x` followed by `value` in 16 zero-padded hex digits (the format of addresses and thread ids).
    ///
    /// - Signal safety: safe. See `writeHex`.
    @_noAllocation @_noLocks
    package mutating func writeAddress(_ value: UInt64) {
        write("0x")
        writeHex(value, width: 16)
    }

    /// Appends text from outside the program's control (paths, symbol names, thread names): printable ASCII
    /// (0x20–0x7E) as is, every other byte as `\xHH`, cut after `limit` bytes with `...` appended. Stops at a
    /// NUL byte.
    ///
    /// - Signal safety: safe. Reads `bytes`, which the caller guarantees readable.
    @_noAllocation @_noLocks
    package mutating func writeEscaped(_ bytes: UnsafeRawBufferPointer, limit: Int = maximumStringLength) {
        var written = 0
        for byte in bytes {
            if byte == 0 { return }
            if written == limit {
                write("...")
                return
            }
            if byte >= 0x20 && byte <= 0x7E {
                writeByte(byte)
            } else {
                writeByte(UInt8(ascii: "\\"))
                writeByte(UInt8(ascii: "x"))
                writeByte(Self.hexDigit(byte >> 4))
                writeByte(Self.hexDigit(byte & 0xF))
            }
            written += 1
        }
    }

    /// Appends a NUL-terminated C string with `writeEscaped` rules, reading at most `limit + 1` bytes.
    ///
    /// - Signal safety: safe. Reads the string byte by byte.
    @_noAllocation @_noLocks
    package mutating func writeEscaped(cString: UnsafePointer<CChar>, limit: Int = maximumStringLength) {
        var length = 0
        while length <= limit && cString[length] != 0 { length += 1 }
        writeEscaped(UnsafeRawBufferPointer(start: cString, count: length), limit: limit)
    }

    /// - Signal safety: safe. Pure arithmetic.
    @_noAllocation @_noLocks
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ 0x30 : nibble &- 10 &+ 0x61
    }
}
