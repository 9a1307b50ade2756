// Readings of the probe's own process: the clock, /proc/self/status fields and the symbol-preparation thread.

#if canImport(Glibc)
import Glibc
#endif

/// The CLOCK_MONOTONIC time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The whole content of a small file (at most 64 KiB), or "" if it cannot be read.
func readSmallFile(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
}

/// A numeric field of /proc/self/status (`Threads`, `RssAnon`, `RssFile`, `VmHWM`, … in its unit: a count or
/// KiB), or 0.
func processStatus(_ field: String) -> Int {
    for line in readSmallFile("/proc/self/status").split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == field else { continue }
        return Int(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
    return 0
}

/// Resident memory of the process, in KiB.
struct ResidentMemory {
    var anonymous = processStatus("RssAnon")
    var fileBacked = processStatus("RssFile")
    var peak = processStatus("VmHWM")
}

/// Whether a thread of this process is named `name` (its /proc/self/task/<tid>/comm).
func threadNamed(_ name: String) -> Bool {
    guard let directory = opendir("/proc/self/task") else { return false }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let tid = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard tid.first?.isNumber == true else { continue }
        let comm = readSmallFile("/proc/self/task/\(tid)/comm")
        if comm.hasPrefix(name) { return true }
    }
    return false
}

/// Name the library gives its background symbol-preparation thread (15 bytes, the kernel's limit).
let preparationThreadName = "faulthandler-sy"

/// Waits until the background symbol preparation started by `enable()` has finished: no thread is named
/// `faulthandler-sy` and the thread count is back to `threadsBefore` (a new thread has its parent's name until
/// it names itself, so both are needed). Polls every 0.5 ms for at most `timeoutSeconds`; returns whether it
/// finished in time.
func waitForPreparationThread(threadsBefore: Int, timeoutSeconds: Int) -> Bool {
    let deadline = monotonicNanoseconds() + UInt64(timeoutSeconds) * 1_000_000_000
    while monotonicNanoseconds() < deadline {
        if processStatus("Threads") <= threadsBefore && !threadNamed(preparationThreadName) { return true }
        usleep(500)
    }
    return false
}

/// A descriptor open for writing on /dev/null.
func openDevNull() -> CInt {
    let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
    precondition(fd >= 0, "cannot open /dev/null")
    return fd
}

/// A new temporary file, already unlinked, open for reading and writing.
func openTemporaryFile() -> CInt {
    var template = Array("/tmp/faulthandler-probe-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0, "mkstemp failed")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
}

/// Returns what was written to `fd` (a regular file) and empties it.
func takeText(_ fd: CInt) -> String {
    let size = Int(lseek(fd, 0, SEEK_END))
    var bytes = [UInt8](repeating: 0, count: max(size, 0))
    let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    _ = ftruncate(fd, 0)
    _ = lseek(fd, 0, SEEK_SET)
    return String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self)
}
