// Thread names from /proc, read without opendir/fopen.

#if canImport(Glibc)
import Glibc
#endif

/// Reads a thread's name (its `comm`, at most 15 bytes on Linux).
package enum ThreadName {
    /// Reads `/proc/self/task/<tid>/comm` into the front of `scratch` (which must hold ≥ 96 bytes) and returns
    /// the name without its newline (empty when unreadable).
    ///
    /// - Signal safety: safe. open(2), read(2) and close(2) only; the path is built in `scratch`.
    @_noAllocation @_noLocks
    package static func read(tid: CInt, into scratch: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        guard scratch.count >= 96, let base = scratch.baseAddress else { return empty }
        let path = base + 32
        var length = 0
        PathBuilder.add("/proc/self/task/", to: path, length: &length, capacity: 64)
        PathBuilder.addDecimal(UInt64(tid), to: path, length: &length, capacity: 64)
        PathBuilder.add("/comm", to: path, length: &length, capacity: 64)
        path.storeBytes(of: 0, toByteOffset: min(length, 63), as: UInt8.self)
        let fd = SafeLibc.open(path.assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return empty }
        defer { SafeLibc.close(fd) }
        var count = SafeLibc.read(fd, base, 31)
        guard count > 0 else { return empty }
        while count > 0 && (base.load(fromByteOffset: count - 1, as: UInt8.self) == 0x0A) { count -= 1 }
        return UnsafeRawBufferPointer(start: base, count: count)
    }
}

/// Builds short NUL-free byte strings (paths) in fixed buffers.
package enum PathBuilder {
    /// Appends `text`, stopping at `capacity - 1` bytes so a terminator always fits.
    ///
    /// - Signal safety: safe. Memory stores only.
    @_noAllocation @_noLocks
    package static func add(_ text: StaticString, to buffer: UnsafeMutableRawPointer, length: inout Int, capacity: Int) {
        let source = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        add(source, to: buffer, length: &length, capacity: capacity)
    }

    /// Appends raw bytes, stopping at `capacity - 1` bytes.
    ///
    /// - Signal safety: safe. Memory stores only.
    @_noAllocation @_noLocks
    package static func add(_ bytes: UnsafeRawBufferPointer, to buffer: UnsafeMutableRawPointer, length: inout Int, capacity: Int) {
        for byte in bytes {
            if length >= capacity - 1 { return }
            buffer.storeBytes(of: byte, toByteOffset: length, as: UInt8.self)
            length += 1
        }
    }

    /// Appends `value` in decimal.
    ///
    /// - Signal safety: safe. Arithmetic and memory stores only.
    @_noAllocation @_noLocks
    package static func addDecimal(_ value: UInt64, to buffer: UnsafeMutableRawPointer, length: inout Int, capacity: Int) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            if length >= capacity - 1 { return }
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: (value / divisor) % 10) &+ 0x30, toByteOffset: length, as: UInt8.self)
            length += 1
            divisor /= 10
        }
    }
}
