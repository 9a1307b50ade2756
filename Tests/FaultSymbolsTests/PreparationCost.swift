// Measuring what symbol preparation costs: resident memory (file pages, anonymous memory, the peak), live heap
// and CPU time, per image and per phase. The measurement runs in a child process (this test binary started
// again with a filter), so the numbers do not depend on what other tests have prepared or freed before.
// `PreparationCostTests` holds the budget; `PreparationCostReport` prints the table of docs/symbols.md.

import FaultSymbols
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Memory figures of this process at one moment.
struct MemorySnapshot {
    /// Resident pages (statm "resident"), in bytes.
    var resident: Int
    /// Resident file-backed pages (statm "shared": RssFile + RssShmem), in bytes. Includes code pages that
    /// run for the first time.
    var filePages: Int
    /// Resident bytes of the file mappings that did not exist in `baseline` (the mappings preparation made).
    var newMappings: Int
    /// The peak resident size since the last `resetPeak()` (VmHWM), in bytes.
    var peak: Int
    /// Bytes in live malloc allocations (mallinfo2 uordblks + hblkhd).
    var liveHeap: Int

    /// Resident anonymous memory, in bytes.
    var anonymous: Int { resident - filePages }

    /// The figures now; `baseline` is the set of mapping start addresses to leave out of `newMappings`.
    static func now(baseline: Set<String>) -> MemorySnapshot {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let statm = readProcFile("/proc/self/statm")
        let fields = statm.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let status = readProcFile("/proc/self/status")
        let peakLine = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        let peakKiB = Int(peakLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        let heap = mallocStatistics()
        let mappings = fileMappings().filter { !baseline.contains($0.start) }
        return MemorySnapshot(
            resident: fields.count > 2 ? fields[1] * page : 0, filePages: fields.count > 2 ? fields[2] * page : 0,
            newMappings: mappings.map(\.resident).reduce(0, +), peak: peakKiB * 1024,
            liveHeap: heap.uordblks + heap.hblkhd)
    }

    /// CPU time of the calling thread, in nanoseconds.
    static func threadCPU() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Restarts the peak (VmHWM) at the current resident size (Linux: "5" to /proc/self/clear_refs).
    static func resetPeak() {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return }
        _ = write(descriptor, "5", 1)
        close(descriptor)
    }
}

/// The whole text of a /proc file. (Foundation's `String(contentsOfFile:)` trusts the size that stat reports,
/// which is 0 for /proc files, and returned only part of /proc/self/smaps.)
func readProcFile(_ path: String) -> String {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return "" }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The file-backed mappings of this process (start address, path, resident bytes), from /proc/self/smaps.
func fileMappings() -> [(start: String, path: String, resident: Int)] {
    let smaps = readProcFile("/proc/self/smaps")
    var result: [(start: String, path: String, resident: Int)] = []
    var current: (start: String, path: String)?
    for line in smaps.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if let first = fields.first, first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
            let path = fields.count >= 6 ? String(fields[5]) : ""
            current = path.hasPrefix("/") ? (String(first.split(separator: "-")[0]), path) : nil
        } else if line.hasPrefix("Rss:"), let mapping = current, fields.count >= 2, let kiB = Int(fields[1]) {
            result.append((mapping.start, mapping.path, kiB * 1024))
        }
    }
    return result
}

/// glibc's `struct mallinfo2` (ten size_t fields).
struct MallocInfo {
    var arena = 0, ordblks = 0, smblks = 0, hblks = 0, hblkhd = 0
    var usmblks = 0, fsmblks = 0, uordblks = 0, fordblks = 0, keepcost = 0
}

/// glibc's mallinfo2(), resolved at run time (Glibc does not import <malloc.h>). The struct (80 bytes) is
/// returned through a hidden result pointer, which the x86_64 System V ABI passes in %rdi exactly like a
/// first pointer argument; hence the one-argument function type.
func mallocStatistics() -> MallocInfo {
    typealias Function = @convention(c) (UnsafeMutableRawPointer) -> Void
    var info = MallocInfo()
    guard let symbol = dlsym(nil, "mallinfo2") else { return info }
    withUnsafeMutableBytes(of: &info) { unsafeBitCast(symbol, to: Function.self)($0.baseAddress!) }
    return info
}

/// The cost of one preparation step.
struct StepCost: Codable {
    var image: String
    /// "symbols" or "lines".
    var phase: String
    var cpuMilliseconds: Double
    /// Change of all resident file pages (mappings made by preparation and first-run code pages).
    var filePagesDelta: Int
    /// Resident bytes of the mappings preparation made, after the step.
    var mappings: Int
    var anonymousDelta: Int
    /// Peak resident size during the step, above the resident size before it.
    var peakDelta: Int
    var liveHeapDelta: Int
    /// Bytes of the index built in this step (symbol records, or the line index).
    var indexBytes: Int
    /// Line rows kept (lines phase only).
    var rows: Int

    /// A table row for docs/symbols.md (sizes in MB).
    var markdown: String {
        func mb(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_048_576) }
        return "| \(image) | \(phase) | \(String(format: "%.0f", cpuMilliseconds)) | \(mb(filePagesDelta)) | "
            + "\(mb(mappings)) | \(mb(anonymousDelta)) | \(mb(peakDelta)) | \(mb(indexBytes)) | \(rows) |"
    }
}

/// What the child measured: each step, and the totals from before the first step to after the last.
struct PreparationCost: Codable {
    var steps: [StepCost] = []
    var residentDelta = 0
    var anonymousDelta = 0
    /// Resident bytes of the mappings preparation made, at the end.
    var mappings = 0
    /// The mappings preparation made that are still there at the end ("path: resident bytes").
    var mappingList: [String] = []
    var cpuMilliseconds = 0.0
}

/// Runs in the child: prepares `paths` (symbols of all, then lines of all, as the background thread does)
/// and records each step.
func measurePreparation(paths: [String]) -> PreparationCost {
    // Allocate the registry's slots first so that the first image does not pay for them.
    _ = SymbolRegistry.register(path: "/nonexistent/warm-up", buildID: nil, loadBias: 0)
    let baseline = Set(fileMappings().map(\.start))
    var cost = PreparationCost()
    var cpu: UInt64 = 0
    var slots: [(String, Int)] = []
    for path in paths {
        guard let slot = SymbolRegistry.register(path: path, buildID: nil, loadBias: 0) else { continue }
        slots.append((path, slot))
    }
    func step(_ path: String, _ phase: String, _ body: () -> (Int, Int)) {
        MemorySnapshot.resetPeak()
        let before = MemorySnapshot.now(baseline: baseline)
        let startTime = MemorySnapshot.threadCPU()
        let (indexBytes, rows) = body()
        let time = MemorySnapshot.threadCPU() - startTime
        cpu += time
        let after = MemorySnapshot.now(baseline: baseline)
        cost.steps.append(
            StepCost(
                image: URL(fileURLWithPath: path).lastPathComponent, phase: phase,
                cpuMilliseconds: Double(time) / 1e6,
                filePagesDelta: after.filePages - before.filePages, mappings: after.newMappings,
                anonymousDelta: after.anonymous - before.anonymous, peakDelta: max(after.peak - before.resident, 0),
                liveHeapDelta: after.liveHeap - before.liveHeap, indexBytes: indexBytes, rows: rows))
    }
    let start = MemorySnapshot.now(baseline: baseline)
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
    let end = MemorySnapshot.now(baseline: baseline)
    cost.residentDelta = end.resident - start.resident
    cost.anonymousDelta = end.anonymous - start.anonymous
    cost.mappings = end.newMappings
    cost.mappingList = fileMappings().filter { !baseline.contains($0.start) }.map { "\($0.path): \($0.resident)" }
    cost.cpuMilliseconds = Double(cpu) / 1e6
    return cost
}

/// The environment variable that turns `PreparationCostChild.run` on, naming the output file.
let costChildVariable = "FAULTSYMBOLS_COST_OUTPUT"
/// Colon-separated image paths for the child.
let costImagesVariable = "FAULTSYMBOLS_COST_IMAGES"

/// The test binary, libswiftCore and libc (whose symbols and lines come from libc6-dbg's debug file).
func defaultCostImages() -> [String] {
    var paths = [loadedImages().first?.path ?? ""]
    for fragment in ["libswiftCore.so", "libc.so.6"] {
        if let image = loadedImage(containing: fragment) { paths.append(image.path) }
    }
    return paths
}

/// Starts this test binary again to measure `paths` in a fresh process.
func measureInChild(paths: [String]) throws -> PreparationCost {
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
    return try JSONDecoder().decode(PreparationCost.self, from: Data(contentsOf: output))
}

/// The child side: enabled only in the measurement child.
@Suite struct PreparationCostChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[costChildVariable] != nil))
    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = environment[costImagesVariable].map { $0.split(separator: ":").map(String.init) }
            ?? defaultCostImages()
        let cost = measurePreparation(paths: paths)
        try JSONEncoder().encode(cost).write(to: URL(fileURLWithPath: environment[costChildVariable]!))
    }
}

/// Prints the per-image table for docs/symbols.md. Runs only with FAULTSYMBOLS_COST_REPORT set (extra image
/// paths, colon-separated, or "1").
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
        let cost = try measureInChild(paths: paths)
        print("| image | phase | CPU ms | file pages MB | kept mappings MB | anonymous MB | peak MB | index MB | rows |")
        print("|---|---|---|---|---|---|---|---|---|")
        for step in cost.steps where step.cpuMilliseconds >= 1 || step.indexBytes > 0 { print(step.markdown) }
        print(String(format: "total: resident %.2f MB (anonymous %.2f MB), kept mappings %.2f MB, CPU %.0f ms",
                     Double(cost.residentDelta) / 1_048_576, Double(cost.anonymousDelta) / 1_048_576,
                     Double(cost.mappings) / 1_048_576, cost.cpuMilliseconds))
        print("kept mappings: \(cost.mappingList)")
    }
}
