// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for every parser of untrusted bytes in swift-faulthandler. A separate package, so that users
// and `swift test` never build them. The library targets are the root package's own sources (Sources/<Module> are
// symlinks to ../../Sources/<Module>), compiled here with -enable-testing so that the fuzz targets can reach the
// internal parsers through `@testable import` without widening the library's API.
//
// Build and run with ../scripts/fuzz.sh (it passes --sanitize=fuzzer and -parse-as-library).
let testable: [SwiftSetting] = [.unsafeFlags(["-enable-testing"])]

let package = Package(
    name: "swift-faulthandler-fuzz",
    products: [
        .executable(name: "FuzzDemangler", targets: ["FuzzDemangler"]),
        .executable(name: "FuzzELF", targets: ["FuzzELF"]),
        .executable(name: "FuzzDWARF", targets: ["FuzzDWARF"]),
        .executable(name: "FuzzCFI", targets: ["FuzzCFI"]),
    ],
    targets: [
        .target(name: "CFaultHandlerSupport"),
        .target(name: "FaultDemangling", swiftSettings: testable),
        .target(name: "FaultSymbols", dependencies: ["CFaultHandlerSupport"], swiftSettings: testable),
        .target(
            name: "FaultCore", dependencies: ["CFaultHandlerSupport", "FaultSymbols", "FaultDemangling"],
            swiftSettings: testable),

        .executableTarget(name: "FuzzDemangler", dependencies: ["FaultDemangling"]),
        .executableTarget(name: "FuzzELF", dependencies: ["FaultSymbols"]),
        .executableTarget(name: "FuzzDWARF", dependencies: ["FaultSymbols"]),
        .executableTarget(name: "FuzzCFI", dependencies: ["FaultCore"]),
    ]
)
