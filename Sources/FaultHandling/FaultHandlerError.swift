// Errors thrown by the public API.

#if canImport(Glibc)
import Glibc
#endif

/// An error from ``FaultHandler``: bad input, or a system call that failed while setting up.
public enum FaultHandlerError: Error, Equatable, CustomStringConvertible {
    /// The descriptor passed as output cannot be used.
    case invalidFileDescriptor(CInt, reason: String)
    /// The file passed as output cannot be opened for appending.
    case cannotOpenFile(path: String, reason: String)
    /// A system call failed while installing handlers or starting a thread.
    case systemCallFailed(operation: String, errno: CInt)
    /// An argument is out of range (for example a timeout that is not positive).
    case invalidArgument(String)
    /// The dump could not be written to its output.
    case writeFailed(output: String)

    public var description: String {
        switch self {
        case .invalidFileDescriptor(let fd, let reason):
            return "file descriptor \(fd) cannot be used for dumps: \(reason)"
        case .cannotOpenFile(let path, let reason):
            return "cannot open '\(path)' for dumps: \(reason)"
        case .systemCallFailed(let operation, let code):
            return "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .invalidArgument(let message):
            return message
        case .writeFailed(let output):
            return "the dump could not be written to \(output)"
        }
    }
}
