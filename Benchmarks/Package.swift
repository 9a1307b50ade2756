// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for swift-faulthandler (see docs/benchmarks.md). A package of its own, so the library itself never
// depends on the benchmark harness.
let package = Package(
    name: "swift-faulthandler-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-faulthandler", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FaultBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FaultHandling", package: "swift-faulthandler"),
                .product(name: "FaultDemangling", package: "swift-faulthandler"),
            ],
            path: "Benchmarks/FaultBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),

        // The crash-latency comparison (scripts/compare.sh): a crashing program and the runner that times it.
        .executableTarget(
            name: "CrashLatencyFixture",
            dependencies: [.product(name: "FaultHandling", package: "swift-faulthandler")],
            path: "Fixtures/CrashLatencyFixture"
        ),
        .executableTarget(name: "CrashLatency", path: "Sources/CrashLatency"),

        // Symbolication on a small and on a large binary (scripts/large-binary-bench.sh): two probes running the
        // same measurements, and the runner that starts them and prints the table. The large probe links the
        // generated modules, which hold only a placeholder until scripts/generate-large-sources.py has run.
        .target(name: "CProbeAllocations", path: "Sources/CProbeAllocations"),
        .target(
            name: "SymbolicationProbeKit",
            dependencies: [.product(name: "FaultHandling", package: "swift-faulthandler"), "CProbeAllocations"],
            path: "Sources/SymbolicationProbeKit"
        ),
        .executableTarget(
            name: "SymbolicationProbe",
            dependencies: ["SymbolicationProbeKit"],
            path: "Sources/SymbolicationProbe"
        ),
        .target(name: "LargeGeneratedSwift", path: "Sources/LargeGeneratedSwift"),
        .target(name: "LargeGeneratedC", path: "Sources/LargeGeneratedC"),
        .executableTarget(
            name: "LargeSymbolicationProbe",
            dependencies: ["SymbolicationProbeKit", "LargeGeneratedC", "LargeGeneratedSwift"],
            path: "Sources/LargeSymbolicationProbe"
        ),
        .executableTarget(name: "SymbolicationBench", path: "Sources/SymbolicationBench"),
    ]
)
