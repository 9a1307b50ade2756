// The dump compared frame by frame with gdb (function names, offsets) and llvm-symbolizer (file:line, inlined
// frames) for every crash mode of the oracle program, built with swiftc -Onone -g and -O -g (C half: clang -O2
// -g). The numbers are printed; docs/reliability.md records them and explains each kind of difference.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Agreement with gdb and llvm-symbolizer")
struct OracleAgreementTests {
    /// One crash of one build.
    struct Crash: Sendable {
        var configuration: OracleConfiguration
        var mode: String
        var name: String { "\(configuration.rawValue) \(mode)" }
    }

    static let crashes = OracleConfiguration.allCases.flatMap { configuration in
        OraclePrograms.modes.map { Crash(configuration: configuration, mode: $0) }
    }

    /// Runs one crash normally and under gdb, then compares.
    static func compare(_ crash: Crash, programs: OraclePrograms) throws -> CrashComparison {
        let program = try #require(programs.paths[crash.configuration])
        let run = try ChildProcess.run(program, [crash.mode], timeout: 30)
        #expect(run.signal != nil, "\(crash.name) did not die by a signal: \(run)")
        let dump = DumpFrame.frames(in: run.standardError)
        #expect(!dump.isEmpty, "\(crash.name): no frames in \(run)")
        let (gdbFrames, gdbRun) = try GdbOracle.frames(gdb: programs.tools.gdb, program: program, arguments: [crash.mode])
        #expect(!gdbFrames.isEmpty, "\(crash.name): gdb printed no frames: \(gdbRun)")

        var names: [String] = dump.compactMap(\.function)
        for frame in gdbFrames { names += [frame.name, frame.symbol].compactMap { $0 } }
        let demangled = try Demangler.simplified(names, demangler: programs.tools.demangler)

        var byImage: [String: [UInt64]] = [:]
        for frame in gdbFrames where !frame.tailCall {
            if let image = frame.image, let address = frame.address { byImage[image, default: []].append(address) }
        }
        var symbolized: [String: [SymbolizerEntry]] = [:]
        for (image, addresses) in byImage {
            let unique = Array(Set(addresses)).sorted()
            let chains = try SymbolizerOracle.chains(symbolizer: programs.tools.symbolizer, image: image, addresses: unique)
            for (address, chain) in zip(unique, chains) { symbolized[symbolizerKey(image: image, address: address)] = chain }
        }
        return FrameComparison.compare(
            name: crash.name, program: program, dump: dump, gdb: gdbFrames, demangled: demangled, symbolized: symbolized)
    }

    @Test("every frame agrees with gdb and llvm-symbolizer, or differs for a documented reason", .timeLimit(.minutes(3)))
    func agreement() throws {
        let programs: OraclePrograms
        switch OraclePrograms.shared {
        case .success(let built): programs = built
        case .failure(let error):
            Issue.record("the oracle program could not be built: \(error)")
            return
        }
        // Two crashes at a time: one per core.
        let results = ResultBox(count: Self.crashes.count)
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            for index in stride(from: lane, to: Self.crashes.count, by: 2) {
                results.set(index, Result { try Self.compare(Self.crashes[index], programs: programs) })
            }
        }
        var comparisons: [CrashComparison] = []
        for (index, result) in results.values.enumerated() {
            switch result {
            case .success(let comparison): comparisons.append(comparison)
            case .failure(let error): Issue.record("\(Self.crashes[index].name): \(error)")
            case nil: Issue.record("\(Self.crashes[index].name): not run")
            }
        }
        let report = AgreementReport(comparisons)
        print(report.text)

        // Names: every frame both tools can show agrees (no unexplained difference). Counting gdb's synthetic
        // tail-call frames and glibc's inlined frames as well, 100 of 113 frames (88.5%) agree today; below 85%
        // the documented differences have grown (a new kind of frame the dump cannot show) and need a look.
        #expect(report.unexplained.isEmpty, "unexplained differences:\n\(report.unexplained.joined(separator: "\n"))")
        #expect(report.nameRate >= 0.85, "name agreement \(report.nameRate)")
        // File and line: llvm-symbolizer reads the same DWARF; the dump must agree on every matched frame.
        #expect(report.lineRate >= 1.0, "\(report.lineDisagreements.joined(separator: "\n"))")
        #expect(report.offsetRate >= 1.0, "\(report.offsetDisagreements.joined(separator: "\n"))")
        // Every crash shows its crashing function's callers down to main.
        for comparison in comparisons {
            #expect(comparison.matched >= 3, "\(comparison.name): \(comparison.matched) frames agree")
        }
    }
}

/// Results written by concurrent lanes, each to its own slot.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<CrashComparison, any Error>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<CrashComparison, any Error>) {
        lock.withLock { storage[index] = value }
    }

    var values: [Result<CrashComparison, any Error>?] { lock.withLock { storage } }
}

/// Totals over all crashes, and the table printed with the test's output.
struct AgreementReport {
    var comparisons: [CrashComparison]

    init(_ comparisons: [CrashComparison]) { self.comparisons = comparisons }

    var compared: Int { comparisons.reduce(0) { $0 + $1.matched + $1.explained.count + $1.unexplained.count } }
    var matched: Int { comparisons.reduce(0) { $0 + $1.matched } }
    var explained: [String] { comparisons.flatMap { c in c.explained.map { "\(c.name): \($0)" } } }
    var unexplained: [String] { comparisons.flatMap { c in c.unexplained.map { "\(c.name): \($0)" } } }
    var lineDisagreements: [String] { comparisons.flatMap { c in c.lineDisagreements.map { "\(c.name): \($0)" } } }
    var offsetDisagreements: [String] { comparisons.flatMap { c in c.offsetDisagreements.map { "\(c.name): \($0)" } } }
    var gdbLineDisagreements: [String] { comparisons.flatMap { c in c.gdbLineDisagreements.map { "\(c.name): \($0)" } } }
    var explainedLines: [String] { comparisons.flatMap { c in c.explainedLines.map { "\(c.name): \($0)" } } }

    /// Frames whose names agree, over all frames either side shows (through main).
    var nameRate: Double { compared == 0 ? 0 : Double(matched) / Double(compared) }
    var lineRate: Double { rate(\.lineChecks, \.lineAgreements) }
    var offsetRate: Double { rate(\.offsetChecks, \.offsetAgreements) }
    var gdbLineRate: Double { rate(\.gdbLineChecks, \.gdbLineAgreements) }

    private func rate(_ checks: KeyPath<CrashComparison, Int>, _ agreements: KeyPath<CrashComparison, Int>) -> Double {
        let total = comparisons.reduce(0) { $0 + $1[keyPath: checks] }
        return total == 0 ? 1 : Double(comparisons.reduce(0) { $0 + $1[keyPath: agreements] }) / Double(total)
    }

    var text: String {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        var lines = ["crash                 dump  gdb  names  explained  unexplained  lines  offsets  gdb-lines"]
        for c in comparisons {
            lines.append(
                c.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + "\(c.dumpFrames)".leftPad(4) + "\(c.gdbFrames)".leftPad(5) + "\(c.matched)".leftPad(7)
                    + "\(c.explained.count)".leftPad(11) + "\(c.unexplained.count)".leftPad(13)
                    + "\(c.lineAgreements)/\(c.lineChecks)".leftPad(7) + "\(c.offsetAgreements)/\(c.offsetChecks)".leftPad(9)
                    + "\(c.gdbLineAgreements)/\(c.gdbLineChecks)".leftPad(11))
        }
        lines.append(
            "names agree: \(matched)/\(compared) = \(percent(nameRate)); explained differences: \(explained.count); "
                + "unexplained: \(unexplained.count)")
        lines.append(
            "file:line vs llvm-symbolizer: \(percent(lineRate)) (\(explainedLines.count) explained); offsets vs gdb: \(percent(offsetRate)); "
                + "lines vs gdb: \(percent(gdbLineRate))")
        lines += explained.map { "  explained: \($0)" }
        lines += unexplained.map { "  UNEXPLAINED: \($0)" }
        lines += explainedLines.map { "  explained line: \($0)" }
        lines += lineDisagreements.map { "  line vs llvm-symbolizer: \($0)" }
        lines += offsetDisagreements.map { "  offset vs gdb: \($0)" }
        lines += gdbLineDisagreements.map { "  line vs gdb: \($0)" }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
