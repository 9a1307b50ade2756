// Where dumps are written.

import FaultCore

#if canImport(Glibc)
import Glibc
#endif

extension FaultHandler {
    /// Where a dump is written: standard error, a file descriptor, or a file.
    public struct Output: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable {
            case standardError
            case fileDescriptor(CInt)
            case file(String)
        }

        let kind: Kind

        /// Standard error (descriptor 2) as it is when the dump is written.
        ///
        /// This one is not duplicated, so a program that redirects its standard error later (with `dup2`) gets
        /// dumps where its standard error goes then.
        public static var standardError: Output { Output(kind: .standardError) }

        /// An open file descriptor, which must be valid and writable when you pass it.
        ///
        /// It is duplicated (close-on-exec) when you enable or register, so you may close yours.
        public static func fileDescriptor(_ fd: CInt) -> Output { Output(kind: .fileDescriptor(fd)) }

        /// A file, created with mode 0600 if it does not exist, and appended to.
        public static func file(path: String) -> Output { Output(kind: .file(path)) }

        public var description: String {
            switch kind {
            case .standardError: return "standard error"
            case .fileDescriptor(let fd): return "file descriptor \(fd)"
            case .file(let path): return "file \(path)"
            }
        }

        /// Validates the output and returns a descriptor the library owns (or fd 2).
        func open() throws(FaultHandlerError) -> OpenedOutput {
            switch kind {
            case .standardError:
                return OpenedOutput(fd: 2, owned: false)
            case .fileDescriptor(let fd):
                guard fd >= 0 else {
                    throw .invalidFileDescriptor(fd, reason: "descriptors are never negative")
                }
                let flags = fcntl(fd, F_GETFL)
                guard flags >= 0 else {
                    throw .invalidFileDescriptor(fd, reason: "it is not open (\(Self.errnoText(errno)))")
                }
                guard flags & O_ACCMODE == O_WRONLY || flags & O_ACCMODE == O_RDWR else {
                    throw .invalidFileDescriptor(fd, reason: "it is not open for writing")
                }
                let copy = fcntl(fd, F_DUPFD_CLOEXEC, 3)
                guard copy >= 0 else {
                    throw .systemCallFailed(operation: "fcntl(F_DUPFD_CLOEXEC)", errno: errno)
                }
                return OpenedOutput(fd: copy, owned: true)
            case .file(let path):
                guard !path.isEmpty else { throw .cannotOpenFile(path: path, reason: "the path is empty") }
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw .cannotOpenFile(path: path, reason: Self.errnoText(errno)) }
                return OpenedOutput(fd: fd, owned: true)
            }
        }

        static func errnoText(_ code: CInt) -> String {
            String(cString: strerror(code))
        }
    }
}

/// A descriptor resolved from an `Output`, closed by its owner when no longer needed.
struct OpenedOutput {
    let fd: CInt
    let owned: Bool

    func close() {
        if owned { _ = Glibc.close(fd) }
    }
}
