// The threads of this process, from /proc/self/task, read with getdents64 (opendir/readdir are not
// async-signal-safe), and each thread's blocked-signal mask from /proc/self/task/<tid>/status.

#if canImport(Glibc)
import Glibc
#endif

/// Iterates over the kernel thread ids in /proc/self/task, in the order the kernel lists them (ascending tid:
/// the main thread first). Uses a caller-provided buffer; call `close()` when done.
package struct TaskDirectory {
    private let fd: CInt
    private let buffer: UnsafeMutableRawBufferPointer
    private var offset = 0
    private var length = 0
    private var reads = 0

    /// Opens /proc/self/task. Returns nil when /proc is not mounted or the buffer is too small.
    ///
    /// - Signal safety: safe. open(2); the path is built in `buffer`.
    @_noAllocation @_noLocks
    package init?(buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count >= 512, let base = buffer.baseAddress else { return nil }
        var length = 0
        PathBuilder.add("/proc/self/task", to: base, length: &length, capacity: 64)
        base.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        let fd = SafeLibc.open(base.assumingMemoryBound(to: CChar.self), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.buffer = buffer
    }

    /// The next thread id, or nil at the end (or on a read error or a malformed record).
    ///
    /// - Signal safety: safe. getdents64(2); bounded by the directory size (at most 100 000 reads).
    @_noAllocation @_noLocks
    package mutating func next() -> CInt? {
        guard let base = buffer.baseAddress else { return nil }
        while true {
            if offset >= length {
                if reads >= 100_000 { return nil }
                let count = SafeLibc.getdents64(fd, base, buffer.count)
                if count <= 0 { return nil }
                length = count
                offset = 0
                reads += 1
            }
            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            guard offset + 20 <= length else { return nil }
            let recordLength = Int(base.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
            guard recordLength >= 20, offset + recordLength <= length else { return nil }
            let name = UnsafeRawBufferPointer(start: base + offset + 19, count: recordLength - 19)
            offset += recordLength
            if let tid = Self.parseDecimal(name) { return tid }
        }
    }

    /// Closes the directory.
    ///
    /// - Signal safety: safe. close(2).
    @_noAllocation @_noLocks
    package func close() { SafeLibc.close(fd) }

    /// A positive decimal number terminated by NUL (or the end), or nil ("." and "..").
    ///
    /// - Signal safety: safe. Arithmetic only; at most 10 digits.
    @_noAllocation @_noLocks
    static func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> CInt? {
        var value: Int64 = 0
        var digits = 0
        for byte in bytes {
            if byte == 0 { break }
            guard byte >= 0x30 && byte <= 0x39, digits < 10 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
        }
        guard digits > 0, value > 0, value <= Int64(CInt.max) else { return nil }
        return CInt(value)
    }
}

/// Reads a thread's blocked-signal mask.
package enum ThreadSignalMask {
    /// The `SigBlk:` mask of thread `tid` (bit n-1 set = signal n blocked), or nil when the status file cannot
    /// be read (the thread has exited). `buffer` must hold at least 1024 bytes.
    ///
    /// - Signal safety: safe. open(2)/read(2)/close(2); the parse is bounded by the bytes read.
    @_noAllocation @_noLocks
    package static func blocked(tid: CInt, buffer: UnsafeMutableRawBufferPointer) -> UInt64? {
        guard buffer.count >= 1024, let base = buffer.baseAddress else { return nil }
        var length = 0
        PathBuilder.add("/proc/self/task/", to: base, length: &length, capacity: 64)
        PathBuilder.addDecimal(UInt64(tid), to: base, length: &length, capacity: 64)
        PathBuilder.add("/status", to: base, length: &length, capacity: 64)
        base.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        let fd = SafeLibc.open(base.assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { SafeLibc.close(fd) }
        let text = base + 64
        let capacity = buffer.count - 64
        var total = 0
        var reads = 0
        while total < capacity && reads < 16 {
            let count = SafeLibc.read(fd, text + total, capacity - total)
            if count <= 0 { break }
            total += count
            reads += 1
        }
        return parseBlocked(UnsafeRawBufferPointer(start: text, count: total))
    }

    /// Finds `SigBlk:` at the start of a line and parses the hexadecimal mask after it.
    ///
    /// - Signal safety: safe. A bounded scan of `status`.
    @_noAllocation @_noLocks
    package static func parseBlocked(_ status: UnsafeRawBufferPointer) -> UInt64? {
        let key: StaticString = "SigBlk:"
        let keyLength = key.utf8CodeUnitCount
        var index = 0
        while index + keyLength <= status.count {
            if index == 0 || status[index - 1] == 0x0A {
                var matches = true
                var k = 0
                while k < keyLength {
                    if status[index + k] != key.utf8Start[k] { matches = false; break }
                    k += 1
                }
                if matches {
                    var position = index + keyLength
                    while position < status.count && (status[position] == 0x09 || status[position] == 0x20) { position += 1 }
                    var value: UInt64 = 0
                    var digits = 0
                    while position < status.count && digits < 16 {
                        let byte = status[position]
                        let nibble: UInt8
                        if byte >= 0x30 && byte <= 0x39 { nibble = byte - 0x30 }
                        else if byte >= 0x61 && byte <= 0x66 { nibble = byte - 0x61 + 10 }
                        else if byte >= 0x41 && byte <= 0x46 { nibble = byte - 0x41 + 10 }
                        else { break }
                        value = value << 4 | UInt64(nibble)
                        digits += 1
                        position += 1
                    }
                    return digits > 0 ? value : nil
                }
            }
            index += 1
        }
        return nil
    }
}
