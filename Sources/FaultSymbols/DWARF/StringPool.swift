// The deduplicated string pool of a line index under construction: function names and file paths, each stored
// once. Interning hashes the bytes (FNV-1a) into an open-addressing table of references into the pool itself,
// so a lookup neither allocates nor copies; only a new string is appended. Preparation time only.

#if canImport(Glibc)
import Glibc
#endif

/// Interned byte strings and the file table of one line index.
struct StringPool {
    /// All interned strings, back to back (not NUL-terminated).
    private(set) var bytes: [UInt8] = []
    /// File paths, indexed by global file number.
    private(set) var files: [StringRef] = []
    /// Open-addressing table of interned strings: a reference, or length `UInt32.max` for an empty slot.
    private var slots: [StringRef] = Array(repeating: StringRef(offset: 0, length: .max), count: 1024)
    private var count = 0
    /// Open-addressing table of file numbers by path reference (`UInt32.max` for an empty slot).
    private var fileSlots: [UInt32] = Array(repeating: .max, count: 256)

    /// Interns `text` (nil or empty gives an empty reference).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func intern(_ text: UnsafeRawBufferPointer?) -> StringRef {
        guard let text, !text.isEmpty, text.count < Int(UInt32.max) else { return StringRef(offset: 0, length: 0) }
        if count * 2 >= slots.count { growStrings() }
        let mask = slots.count - 1
        var slot = Self.hash(text) & mask
        while slots[slot].length != .max {
            if equals(slots[slot], text) { return slots[slot] }
            slot = (slot + 1) & mask
        }
        let reference = StringRef(offset: UInt32(clamping: bytes.count), length: UInt32(text.count))
        guard bytes.count + text.count <= Int(UInt32.max) else { return StringRef(offset: 0, length: 0) }
        bytes.append(contentsOf: text)
        slots[slot] = reference
        count += 1
        return reference
    }

    /// Interns `text`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func intern(_ text: [UInt8]) -> StringRef {
        text.withUnsafeBytes { intern($0) }
    }

    /// The global file number of path `path` (a new one for a path not seen before).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func fileIndex(_ path: [UInt8]) -> UInt32 {
        let reference = intern(path)
        if files.count * 2 >= fileSlots.count { growFiles() }
        let mask = fileSlots.count - 1
        var slot = Self.mix(reference) & mask
        while fileSlots[slot] != .max {
            let existing = files[Int(fileSlots[slot])]
            if existing.offset == reference.offset && existing.length == reference.length { return fileSlots[slot] }
            slot = (slot + 1) & mask
        }
        let index = UInt32(files.count)
        files.append(reference)
        fileSlots[slot] = index
        return index
    }

    /// True if the pool's string `reference` has the bytes `text`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private func equals(_ reference: StringRef, _ text: UnsafeRawBufferPointer) -> Bool {
        guard Int(reference.length) == text.count else { return false }
        return bytes.withUnsafeBytes { pool in
            memcmp(pool.baseAddress! + Int(reference.offset), text.baseAddress!, text.count) == 0
        }
    }

    /// FNV-1a over `text`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private static func hash(_ text: UnsafeRawBufferPointer) -> Int {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: value ^ value >> 32)
    }

    /// A hash of a pool reference (interned strings are unique, so the reference identifies the path).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private static func mix(_ reference: StringRef) -> Int {
        Int(truncatingIfNeeded: (UInt64(reference.offset) &* 0x9e37_79b9_7f4a_7c15) >> 20)
    }

    /// Doubles the string table and re-inserts every string.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private mutating func growStrings() {
        let old = slots
        slots = Array(repeating: StringRef(offset: 0, length: .max), count: old.count * 2)
        let mask = slots.count - 1
        bytes.withUnsafeBytes { pool in
            for reference in old where reference.length != .max {
                let text = UnsafeRawBufferPointer(rebasing: pool[Int(reference.offset)..<Int(reference.offset + reference.length)])
                var slot = Self.hash(text) & mask
                while slots[slot].length != .max { slot = (slot + 1) & mask }
                slots[slot] = reference
            }
        }
    }

    /// Doubles the file table and re-inserts every file.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private mutating func growFiles() {
        fileSlots = Array(repeating: .max, count: fileSlots.count * 2)
        let mask = fileSlots.count - 1
        for (index, reference) in files.enumerated() {
            var slot = Self.mix(reference) & mask
            while fileSlots[slot] != .max { slot = (slot + 1) & mask }
            fileSlots[slot] = UInt32(index)
        }
    }
}
