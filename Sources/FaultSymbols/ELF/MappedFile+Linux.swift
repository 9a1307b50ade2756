// Read-only file mappings.
//
// Symbol names point straight into these mappings, so a mapping that a symbol index uses is never unmapped: a
// binary replaced on disk during a deploy (a new file renamed over the old path) keeps its old contents in our
// mapping, because the kernel keeps the old inode alive while it is mapped, and lookups stay valid for the life
// of the process.
//
// Once an index is built, its mapping's pages are handed back with `releaseResidentPages` (MADV_DONTNEED):
// the pages leave this process's resident set (they stay in the page cache, shared and reclaimable), and a
// later lookup faults in only the few string-table pages it reads. Mappings that no index uses (the second
// mapping made to read DWARF, rejected debug-file candidates) are unmapped with `unmap`.

#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only (MAP_PRIVATE).
package struct MappedFile: @unchecked Sendable {
    /// The mapped bytes (empty for an empty file).
    package let bytes: UnsafeRawBufferPointer

    /// Opens and maps `path`. Fails with `.cannotOpen(errno)`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package init(path: String) throws(ELFError) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(errno) }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(EINVAL) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw .cannotOpen(errno)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Drops the resident pages of `bytes`, a whole mapping made by `init(path:)` (or a part of it starting at a
    /// page boundary), from this process's resident set. The mapping stays valid: reading it again faults the
    /// pages back in from the same (possibly unlinked) file. Nothing in a read-only private file mapping is
    /// lost, because nothing was ever written to it.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func releaseResidentPages(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED)
    }

    /// Unmaps `bytes`, a whole mapping made by `init(path:)`. Nothing may point into it afterwards.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func unmap(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    }

    /// True if `path` names an existing regular file.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The target of /proc/self/exe: the main executable's path.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
