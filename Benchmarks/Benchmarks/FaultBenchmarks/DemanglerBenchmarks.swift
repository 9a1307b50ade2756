// Throughput of the allocation-free Swift demangler over real symbols of the toolchain's libraries.

import Benchmark
import FaultDemangling

#if canImport(Glibc)
import Glibc
#endif

/// The mangled names of Data/mangled-names.txt, one NUL-free buffer each, and the demangler's storage.
///
/// All memory is allocated before the measurement and never freed (the benchmark process ends after it).
struct DemanglerSetup: @unchecked Sendable {
    let names: [UnsafeRawBufferPointer]
    let output: UnsafeMutableRawBufferPointer
    let workspace: DemanglerWorkspace
}

/// Where the symbol list lives: Benchmarks/Data/mangled-names.txt, found from this source file's path.
let mangledNamesPath: String = {
    var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)  // this file's name, FaultBenchmarks, Benchmarks: leaves the package folder
    return components.joined(separator: "/") + "/Data/mangled-names.txt"
}()

/// Reads the symbol list into separate buffers.
func loadMangledNames() -> DemanglerSetup {
    let fd = open(mangledNamesPath, O_RDONLY | O_CLOEXEC)
    precondition(fd >= 0, "cannot open \(mangledNamesPath)")
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += chunk.prefix(count)
    }
    let names = bytes.split(separator: UInt8(ascii: "\n")).map { line -> UnsafeRawBufferPointer in
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: line.count, alignment: 1)
        copy.copyBytes(from: line)
        return UnsafeRawBufferPointer(copy)
    }
    precondition(names.count >= 100, "too few names in \(mangledNamesPath)")
    return DemanglerSetup(
        names: names,
        output: .allocate(byteCount: 1024, alignment: 1),
        workspace: DemanglerWorkspace(maximumSymbolLength: 4096)
    )
}

/// Custom metrics of the demangler benchmark.
enum DemanglerMetrics {
    /// Names of the list that demangled (the rest print mangled); shows the list is real Swift symbols.
    static var demangledPercent: BenchmarkMetric {
        .custom("demangled (%)", polarity: .prefersLarger, useScalingFactor: false)
    }
}

/// One iteration demangles the next name of the list (1000 names from libswiftCore, FoundationEssentials and
/// swift_Concurrency), so throughput is symbols per second and wall clock is time per symbol.
func registerDemanglerBenchmarks() {
    Benchmark(
        "demangle, toolchain symbols",
        configuration: .init(
            metrics: dumpMetrics + [DemanglerMetrics.demangledPercent],
            warmupIterations: 1000,
            scalingFactor: .kilo,
            maxDuration: .seconds(3),
            maxIterations: 10_000
        ),
        closure: { (benchmark: Benchmark, setup: DemanglerSetup) in
            let names = setup.names
            var next = 0
            var demangled = 0
            for _ in benchmark.scaledIterations {
                let result = SwiftDemangler.demangle(names[next], into: setup.output, workspace: setup.workspace)
                if case .notDemangled = result {} else { demangled += 1 }
                next += 1
                if next == names.count { next = 0 }
            }
            benchmark.measurement(DemanglerMetrics.demangledPercent, demangled * 100 / benchmark.scaledIterations.count)
        },
        setup: { loadMangledNames() }
    )
}
