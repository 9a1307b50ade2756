// An error from a system call made during setup (never from a signal handler).

#if canImport(Glibc)
import Glibc
#endif

/// A failed system call during setup: which call, and errno.
package struct SystemError: Error, CustomStringConvertible {
    /// The call that failed, e.g. "sigaction".
    package var operation: String
    /// The errno it reported.
    package var errno: CInt

    package init(operation: String, errno: CInt) {
        self.operation = operation
        self.errno = errno
    }

    package var description: String {
        "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
