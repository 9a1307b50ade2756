// Builds the oracle crash program (Tests/Fixtures/OracleCrashes) in each configuration the comparison covers:
// swiftc -Onone -g and swiftc -O -g, each with the C half compiled by clang -O2 -g, linked against the objects
// SwiftPM built for FaultHandling and its dependencies.

import Foundation

/// One way of compiling the oracle program.
enum OracleConfiguration: String, CaseIterable, Sendable {
    case debug = "Onone"
    case optimized = "O"

    var swiftFlags: [String] { ["-\(rawValue)", "-g"] }
}

/// The tools the comparison needs, found on PATH or next to the Swift toolchain.
struct OracleTools: Sendable {
    var swiftc: String
    var clang: String
    var symbolizer: String
    var demangler: String
    var gdb: String

    /// Finds every tool, or says which is missing.
    static func locate() -> Result<OracleTools, OracleBuildError> {
        guard let swiftc = ChildProcess.findTool("swiftc", extraDirectories: ["/opt/swift/usr/bin"]) else {
            return .failure(.missingTool("swiftc"))
        }
        // The toolchain's own clang, llvm-symbolizer and swift-demangle sit next to swiftc.
        let toolchain = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().path
        func find(_ name: String) -> String? { ChildProcess.findTool(name, extraDirectories: [toolchain]) }
        guard let clang = find("clang") else { return .failure(.missingTool("clang")) }
        guard let symbolizer = find("llvm-symbolizer") else { return .failure(.missingTool("llvm-symbolizer")) }
        guard let demangler = find("swift-demangle") else { return .failure(.missingTool("swift-demangle")) }
        guard let gdb = ChildProcess.findTool("gdb") else { return .failure(.missingTool("gdb")) }
        return .success(OracleTools(swiftc: swiftc, clang: clang, symbolizer: symbolizer, demangler: demangler, gdb: gdb))
    }
}

enum OracleBuildError: Error, CustomStringConvertible {
    case missingTool(String)
    case compileFailed(String)

    var description: String {
        switch self {
        case .missingTool(let name): return "\(name) not found"
        case .compileFailed(let output): return "compilation failed:\n\(output)"
        }
    }
}

/// The built programs, one per configuration.
struct OraclePrograms: Sendable {
    var tools: OracleTools
    var paths: [OracleConfiguration: String]

    /// Built once per test process (a global `let` is initialised once, thread-safely).
    static var shared: Result<OraclePrograms, OracleBuildError> { sharedOraclePrograms }

    /// The crash modes of the program (see oracle.swift).
    static let modes = [
        "segv-generic", "force-unwrap", "index-range", "closure-map", "overflow",
        "c-parse", "c-qsort", "c-abort", "c-divide",
    ]

    static func build() -> Result<OraclePrograms, OracleBuildError> {
        let tools: OracleTools
        switch OracleTools.locate() {
        case .success(let found): tools = found
        case .failure(let error): return .failure(error)
        }
        let sources = ChildProcess.packageRoot.appendingPathComponent("Tests/Fixtures/OracleCrashes").path
        let products = ChildProcess.productsDirectory.path
        let directory = ChildProcess.temporaryPath("oracle")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let cObject = "\(directory)/oracle_c.o"
        if let failure = compile(tools.clang, ["-O2", "-g", "-c", "\(sources)/oracle_c.c", "-o", cObject]) {
            return .failure(failure)
        }
        // FaultHandling and everything it depends on, as SwiftPM compiled them for the tests.
        var objects: [String] = []
        for module in ["FaultHandling", "FaultCore", "FaultSymbols", "FaultDemangling", "CFaultHandlerSupport"] {
            let folder = "\(products)/\(module).build"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            objects += names.filter { $0.hasSuffix(".o") }.sorted().map { "\(folder)/\($0)" }
        }
        var paths: [OracleConfiguration: String] = [:]
        for configuration in OracleConfiguration.allCases {
            let output = "\(directory)/oracle-\(configuration.rawValue)"
            let arguments = configuration.swiftFlags + [
                "\(sources)/oracle.swift", "-import-objc-header", "\(sources)/oracle_c.h", cObject,
                "-I", "\(products)/Modules",
                "-Xcc", "-fmodule-map-file=\(products)/CFaultHandlerSupport.build/module.modulemap",
                "-o", output,
            ] + objects
            if let failure = compile(tools.swiftc, arguments) { return .failure(failure) }
            paths[configuration] = output
        }
        return .success(OraclePrograms(tools: tools, paths: paths))
    }

    private static func compile(_ tool: String, _ arguments: [String]) -> OracleBuildError? {
        do {
            let result = try ChildProcess.run(tool, arguments, timeout: 120)
            guard result.exitStatus == 0 else {
                return .compileFailed("\(tool) \(arguments.joined(separator: " "))\n\(result)")
            }
            return nil
        } catch {
            return .compileFailed("\(tool): \(error)")
        }
    }
}

private let sharedOraclePrograms = OraclePrograms.build()
