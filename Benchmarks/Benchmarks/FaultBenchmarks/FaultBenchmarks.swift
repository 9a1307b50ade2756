// Entry point of the benchmark target: every benchmark of swift-faulthandler, registered by concept.
//
// Run with `swift package --package-path Benchmarks benchmark` (see docs/benchmarks.md). Each benchmark runs in a
// process of its own, so a benchmark that measures a first `enable()` really measures a first one.

import Benchmark

let benchmarks: @Sendable () -> Void = {
    registerDumpBenchmarks()
    registerLifecycleBenchmarks()
    registerDemanglerBenchmarks()
    registerOverheadBenchmarks()
    // All-thread dumps, the watchdog and user signals (ThreadBenchmarks.swift).
    registerThreadBenchmarks()
}
