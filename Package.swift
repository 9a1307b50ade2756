// swift-tools-version: 6.1
import PackageDescription

// Three tiers (see docs/architecture.md):
//  1. FaultCore            - everything a signal handler or the watchdog can reach; allocation- and lock-free,
//                            checked by the compiler with @_noAllocation / @_noLocks.
//  2. FaultSymbols,        - symbol data: ELF symbol tables, DWARF line tables, the Swift demangler. Preparation may
//     FaultDemangling        allocate; lookup never does.
//  3. FaultHandling        - the thin public API (`FaultHandler`), plus the demo executable.
let package = Package(
    name: "swift-faulthandler",
    products: [
        .library(name: "FaultHandling", targets: ["FaultHandling"]),
        .library(name: "FaultDemangling", targets: ["FaultDemangling"]),
        .executable(name: "faulthandler-demo", targets: ["faulthandler-demo"]),
    ],
    targets: [
        // C, only for what Swift cannot express: variadic syscalls, ucontext_t access, errno, constructors.
        .target(name: "CFaultHandlerSupport"),

        // Tier 2: symbol data.
        .target(name: "FaultDemangling"),
        .target(name: "FaultSymbols", dependencies: ["CFaultHandlerSupport"]),

        // Tier 1: the signal-safe core.
        .target(name: "FaultCore", dependencies: ["CFaultHandlerSupport", "FaultSymbols", "FaultDemangling"]),

        // Tier 3: public API and tools.
        .target(name: "FaultHandling", dependencies: ["FaultCore"]),
        .executableTarget(name: "faulthandler-demo", dependencies: ["FaultHandling", "FaultDemangling"]),

        // Test support.
        .target(name: "CAllocationCounter", path: "Tests/Support/CAllocationCounter"),
        .target(name: "CFixtureSupport", dependencies: ["CAllocationCounter"], path: "Tests/Fixtures/CFixtureSupport"),
        .executableTarget(
            name: "CrashFixture",
            dependencies: ["FaultHandling", "CFixtureSupport", "CAllocationCounter"],
            path: "Tests/Fixtures/CrashFixture"
        ),

        .target(
            name: "CThreadsFixtureSupport", dependencies: ["CAllocationCounter"],
            path: "Tests/Fixtures/CThreadsFixtureSupport"),
        .executableTarget(
            name: "ThreadsFixture",
            dependencies: ["FaultHandling", "FaultCore", "CThreadsFixtureSupport", "CAllocationCounter"],
            path: "Tests/Fixtures/ThreadsFixture"
        ),
        // Integration tests: comparison with gdb and llvm-symbolizer (they compile Tests/Fixtures/OracleCrashes
        // against FaultHandling's objects) and the reliability suite (hostile stacks, bad outputs, CPython's
        // test_faulthandler behaviours) run through ReliabilityFixture and CrashFixture.
        .target(name: "CReliabilitySupport", path: "Tests/Fixtures/CReliabilitySupport"),
        .executableTarget(
            name: "ReliabilityFixture",
            dependencies: ["FaultHandling", "CReliabilitySupport"],
            path: "Tests/Fixtures/ReliabilityFixture"
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["FaultHandling", "CrashFixture", "ReliabilityFixture"]
        ),

        .testTarget(name: "FaultDemanglingTests", dependencies: ["FaultDemangling"]),
        .testTarget(name: "FaultSymbolsTests", dependencies: ["FaultSymbols", "CAllocationCounter"]),
        .testTarget(name: "FaultCoreTests", dependencies: ["FaultCore", "CAllocationCounter"]),
        .testTarget(
            name: "FaultHandlingTests",
            dependencies: ["FaultHandling", "CrashFixture", "ThreadsFixture", "CAllocationCounter"]
        ),
    ]
)
