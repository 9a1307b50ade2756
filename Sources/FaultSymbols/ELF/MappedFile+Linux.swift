// Read-only file mappings that live for the rest of the process.
//
// Symbol and line data point straight into these mappings, so they are never unmapped: a binary replaced on
// disk during a deploy keeps its old contents in our mapping (the kernel keeps the old inode alive), and
// lookups stay valid for the life of the process.

#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only (MAP_PRIVATE), never unmapped.
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
