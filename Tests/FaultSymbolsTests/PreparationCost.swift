// Measuring what symbol preparation costs: resident memory (file pages and anonymous memory), live heap and
// CPU time, per image and per phase. The measurement runs in a child process (this test binary started again
// with a filter), so the numbers do not depend on what other tests have prepared or freed before.

import FaultSymbols
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Memory figures of this process at one moment.
struct MemorySnapshot {
    /// Resident file-backed pages (statm "shared": RssFile + RssShmem), in bytes.
    var filePages: Int
    /// Resident anonymous memory (statm resident - shared), in bytes.
    var anonymous: Int
    /// Bytes in live malloc allocations (mallinfo2 uordblks + hblkhd).
    var liveHeap: Int
    /// CPU time of the calling thread, in nanoseconds.
    var threadCPU: UInt64

    /// The figures now.
    static func now() -> MemorySnapshot {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let fields = statm.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let resident = fields.count > 2 ? fields[1] * page : 0
        let shared = fields.count > 2 ? fields[2] * page : 0
        let heap = mallocStatistics()
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return MemorySnapshot(
            filePages: shared, anonymous: resident - shared, liveHeap: Int(heap.uordblks + heap.hblkhd),
            threadCPU: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }
}

/// glibc's `struct mallinfo2` (ten size_t fields).
struct MallocInfo {
    var arena: Int = 0, ordblks: Int = 0, smblks: Int = 0, hblks: Int = 0, hblkhd: Int = 0
    var usmblks: Int = 0, fsmblks: Int = 0, uordblks: Int = 0, fordblks: Int = 0, keepcost: Int = 0
}

/// glibc's mallinfo2() and malloc_trim(), resolved at run time (Glibc does not import <malloc.h>).
/// The struct (80 bytes) is returned through a hidden result pointer, which the x86_64 System V ABI passes in
/// %rdi exactly like a first pointer argument; hence the one-argument function type.
func mallocStatistics() -> MallocInfo {
    typealias Function = @convention(c) (UnsafeMutableRawPointer) -> Void
    var info = MallocInfo()
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallinfo2") else { return info }
    withUnsafeMutableBytes(of: &info) { unsafeBitCast(symbol, to: Function.self)($0.baseAddress!) }
    return info
}

/// Calls glibc's malloc_trim(0): returns free heap pages to the kernel.
func trimMalloc() {
    typealias Function = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: Function.self)(0)
}

/// The cost of one preparation step.
struct StepCost: Codable {
    var image: String
    /// "symbols", "lines", or "trim" (malloc_trim after everything).
    var phase: String
    var cpuMilliseconds: Double
    var filePagesDelta: Int
    var anonymousDelta: Int
    var liveHeapDelta: Int
    /// Bytes of the index built in this step (symbol records, or the line index).
    var indexBytes: Int
    /// Line rows kept (lines phase only).
    var rows: Int

    /// A table row for docs/symbols.md (sizes in MB).
    var markdown: String {
        func mb(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_048_576) }
        return "| \(image) | \(phase) | \(String(format: "%.0f", cpuMilliseconds)) | \(mb(filePagesDelta)) | "
            + "\(mb(anonymousDelta)) | \(mb(liveHeapDelta)) | \(mb(indexBytes)) | \(rows) |"
    }
}

/// Runs in the child: prepares `paths` (symbols of all, then lines of all) and records each step.
func measurePreparation(paths: [String]) -> [StepCost] {
    // Allocate the registry's slots first so that the first image does not pay for them.
    _ = SymbolRegistry.register(path: "/nonexistent/warm-up", buildID: nil, loadBias: 0)
    var costs: [StepCost] = []
    var slots: [(String, Int)] = []
    for path in paths {
        guard let slot = SymbolRegistry.register(path: path, buildID: nil, loadBias: 0) else { continue }
        slots.append((path, slot))
    }
    func step(_ path: String, _ phase: String, _ body: () -> (Int, Int)) {
        let before = MemorySnapshot.now()
        let (indexBytes, rows) = body()
        let after = MemorySnapshot.now()
        costs.append(
            StepCost(
                image: URL(fileURLWithPath: path).lastPathComponent, phase: phase,
                cpuMilliseconds: Double(after.threadCPU - before.threadCPU) / 1e6,
                filePagesDelta: after.filePages - before.filePages, anonymousDelta: after.anonymous - before.anonymous,
                liveHeapDelta: after.liveHeap - before.liveHeap, indexBytes: indexBytes, rows: rows))
    }
    for (path, slot) in slots {
        step(path, "symbols") {
            SymbolRegistry.prepare(image: slot, lines: false)
            return (SymbolRegistry.prepared(image: slot)?.pointee?.symbols.byteCount ?? 0, 0)
        }
    }
    for (path, slot) in slots {
        step(path, "lines") {
            SymbolRegistry.prepareLines(image: slot)
            let lines = SymbolRegistry.lineIndex(image: slot)
            return (lines?.byteCount ?? 0, lines?.rowCount ?? 0)
        }
    }
    step("all", "trim") {
        trimMalloc()
        return (0, 0)
    }
    return costs
}

/// The environment variable that turns `PreparationCostChild.run` on, naming the output file.
let costChildVariable = "FAULTSYMBOLS_COST_OUTPUT"
/// Colon-separated image paths for the child (default: the test binary, libswiftCore, libc).
let costImagesVariable = "FAULTSYMBOLS_COST_IMAGES"

/// The default images measured: the test binary, libswiftCore and libc (with libc6-dbg's debug file).
func defaultCostImages() -> [String] {
    var paths = [loadedImages().first?.path ?? ""]
    for fragment in ["libswiftCore.so", "libc.so.6"] {
        if let image = loadedImage(containing: fragment) { paths.append(image.path) }
    }
    return paths
}

/// Starts this test binary again to measure `paths` in a fresh process; returns its step costs.
func measureInChild(paths: [String]) throws -> [StepCost] {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = ["--testing-library", "swift-testing", "--filter", "PreparationCostChild"]
    var environment = ProcessInfo.processInfo.environment
    environment[costChildVariable] = output.path
    environment[costImagesVariable] = paths.joined(separator: ":")
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "measurement child failed")
    return try JSONDecoder().decode([StepCost].self, from: Data(contentsOf: output))
}

/// The child side: only enabled in the measurement child.
@Suite struct PreparationCostChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[costChildVariable] != nil))
    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = environment[costImagesVariable].map { $0.split(separator: ":").map(String.init) }
            ?? defaultCostImages()
        let costs = measurePreparation(paths: paths)
        try JSONEncoder().encode(costs).write(to: URL(fileURLWithPath: environment[costChildVariable]!))
    }
}

/// Prints the per-image table for docs/symbols.md. Runs only with FAULTSYMBOLS_COST_REPORT set (a list of
/// extra image paths, colon-separated, or "1").
@Suite struct PreparationCostReport {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTSYMBOLS_COST_REPORT"] != nil))
    func report() throws {
        var paths = defaultCostImages()
        for fragment in ["libFoundation.so", "libFoundationEssentials.so", "libFoundationInternationalization.so",
                         "lib_FoundationICU.so"] {
            if let image = loadedImage(containing: fragment) { paths.append(image.path) }
        }
        let extra = ProcessInfo.processInfo.environment["FAULTSYMBOLS_COST_REPORT"]!
        if extra != "1" { paths += extra.split(separator: ":").map(String.init) }
        let costs = try measureInChild(paths: paths)
        print("| image | phase | CPU ms | file pages MB | anonymous MB | live heap MB | index MB | rows |")
        print("|---|---|---|---|---|---|---|---|")
        for cost in costs { print(cost.markdown) }
        let total = costs.filter { $0.phase != "trim" }
        print(String(format: "total before trim: file %.2f MB, anonymous %.2f MB, CPU %.0f ms",
                     Double(total.map(\.filePagesDelta).reduce(0, +)) / 1_048_576,
                     Double(total.map(\.anonymousDelta).reduce(0, +)) / 1_048_576,
                     total.map(\.cpuMilliseconds).reduce(0, +)))
    }
}
