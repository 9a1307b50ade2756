// Symbol lookups compared with nm and gdb on real images: the test binary, libswiftCore and libc (whose static
// functions are only in the libc6-dbg debug file).

import CAllocationCounter
import FaultSymbols
import Foundation
import Testing

/// A function whose address the tests look up in the test binary.
@inline(never)
@_cdecl("fault_symbols_test_target")
func faultSymbolsTestTarget(_ value: Int) -> Int {
    value &* 31 &+ 7
}

/// The runtime address of `fault_symbols_test_target`.
let testTargetAddress: UInt = unsafeBitCast(
    faultSymbolsTestTarget as @convention(c) (Int) -> Int, to: UInt.self)

/// Maps and indexes the file at `path` (with its debug file when stripped).
func symbolTable(_ path: String) throws -> ELFSymbolTable {
    try ImagePreparer.prepare(path: path, buildID: nil, lines: false).symbols
}

/// Checks `count` evenly spread sized nm symbols of `path` against our lookups: the address inside each
/// function must resolve to a symbol at the same start whose name is one of nm's names at that address.
func compareWithNM(path: String, nmPath: String, count: Int) throws -> (checked: Int, agreed: Int) {
    let table = try symbolTable(path)
    let symbols = nmTextSymbols(nmPath).filter { $0.size > 0 }
    let namesByAddress = Dictionary(grouping: symbols, by: \.address).mapValues { Set($0.map(\.name)) }
    let starts = Set(symbols.map(\.address)).sorted()
    let stride = max(1, starts.count / count)
    var checked = 0
    var agreed = 0
    for index in Swift.stride(from: 0, to: starts.count, by: stride) {
        let start = starts[index]
        let size = symbols.first { $0.address == start }!.size
        let probe = start + size / 2
        // Skip functions that contain another symbol before the probe (nested or overlapping symbols).
        if index + 1 < starts.count && starts[index + 1] <= probe { continue }
        checked += 1
        let match = table.lookup(address: UInt(probe))
        if let match, UInt64(match.address) == start, namesByAddress[start]!.contains(nameString(match)!),
            UInt64(match.offset) == probe - start
        {
            agreed += 1
        } else {
            Issue.record("0x\(String(probe, radix: 16)): ours \(nameString(match) ?? "nil"), nm \(namesByAddress[start]!)")
        }
    }
    return (checked, agreed)
}

@Suite struct ELFSymbolTableTests {
    @Test func findsFunctionInTestBinary() throws {
        let main = try #require(loadedImages().first)
        let table = try symbolTable(main.path)
        #expect(table.count > 1000)
        let match = try #require(table.lookup(address: testTargetAddress - main.loadBias + 3))
        #expect(nameString(match) == "fault_symbols_test_target")
        #expect(match.offset == 3)
        #expect(faultSymbolsTestTarget(1) == 38)
    }

    @Test(.disabled(if: runningUnderSanitizer, "the instrumented binary has sanitizer symbols nm reports differently")) func agreesWithNMOnTestBinary() throws {
        let path = try #require(loadedImages().first).path
        let result = try compareWithNM(path: path, nmPath: path, count: 300)
        #expect(result.checked > 200)
        #expect(result.agreed == result.checked)
    }

    @Test func agreesWithNMOnLibswiftCore() throws {
        let path = try #require(loadedImage(containing: "libswiftCore.so")).path
        let clock = ContinuousClock()
        var table: ELFSymbolTable?
        let elapsed = clock.measure { table = try? symbolTable(path) }
        print("libswiftCore: \(table?.count ?? 0) function symbols prepared in \(elapsed)")
        #expect(try #require(table).count > 20_000)
        let result = try compareWithNM(path: path, nmPath: path, count: 400)
        #expect(result.checked > 300)
        #expect(result.agreed == result.checked)
    }

    @Test func resolvesLibcStaticsThroughDebugFile() throws {
        let path = try #require(loadedImage(containing: "libc.so.6")).path
        let debugPath = "/usr/lib/debug/.build-id/"
            + runTool("/usr/bin/readelf", ["-n", path]).split(separator: "\n")
            .first { $0.contains("Build ID:") }
            .map { line -> String in
                let hex = String(line.split(separator: " ").last!)
                return "\(hex.prefix(2))/\(hex.dropFirst(2)).debug"
            }!
        try #require(FileManager.default.fileExists(atPath: debugPath), "libc6-dbg is not installed")
        let table = try symbolTable(path)
        let start = try #require(nmTextSymbols(debugPath).first { $0.name == "__libc_start_call_main" })
        let match = try #require(table.lookup(address: UInt(start.address + 5)))
        #expect(nameString(match) == "__libc_start_call_main")
        #expect(match.offset == 5)
        let result = try compareWithNM(path: path, nmPath: debugPath, count: 300)
        #expect(result.agreed == result.checked)
    }

    /// gdb (`info symbol`) reports "No symbol matches" for an address past the end of a sized function and
    /// before the next one; so do we.
    @Test func gapAfterSizedFunctionHasNoSymbol() throws {
        let path = try #require(loadedImage(containing: "libc.so.6")).path
        let table = try symbolTable(path)
        let debugSymbols = nmTextSymbols(
            "/usr/lib/debug/.build-id/" + (runTool("/usr/bin/readelf", ["-n", path]).split(separator: "\n")
                .first { $0.contains("Build ID:") }.map { line -> String in
                    let hex = String(line.split(separator: " ").last!)
                    return "\(hex.prefix(2))/\(hex.dropFirst(2)).debug"
                } ?? ""))
        let sorted = debugSymbols.sorted { $0.address < $1.address }
        var gaps = 0
        for (current, next) in zip(sorted, sorted.dropFirst())
        where current.size > 0 && current.address + current.size < next.address && gaps < 50 {
            let probe = current.address + current.size
            if sorted.contains(where: { $0.address < probe && $0.address + max($0.size, 1) > probe }) { continue }
            #expect(table.lookup(address: UInt(probe)) == nil, "0x\(String(probe, radix: 16))")
            #expect(nameString(table.lookup(address: UInt(probe - 1))) != nil)
            gaps += 1
        }
        #expect(gaps >= 20)
    }

    @Test func registryLooksUpRuntimeAddresses() throws {
        let libc = try #require(loadedImage(containing: "libc.so.6"))
        let main = try #require(loadedImages().first)
        let libcSlot = try #require(SymbolRegistry.register(path: libc.path, buildID: nil, loadBias: libc.loadBias))
        let mainSlot = try #require(SymbolRegistry.register(path: main.path, buildID: nil, loadBias: main.loadBias))
        #expect(SymbolRegistry.prepare(image: libcSlot, lines: false) == .ready)
        #expect(SymbolRegistry.prepare(image: mainSlot) == .ready)
        let getpidAddress = unsafeBitCast(getpid as @convention(c) () -> pid_t, to: UInt.self)
        #expect(nameString(SymbolRegistry.lookupSymbol(image: libcSlot, pc: getpidAddress + 1)) == "getpid")
        #expect(nameString(SymbolRegistry.lookupSymbol(image: mainSlot, pc: testTargetAddress))
            == "fault_symbols_test_target")
        #expect(SymbolRegistry.lookupSymbol(image: 1000, pc: testTargetAddress) == nil)
    }

    @Test func registryRejectsFileWithOtherBuildID() throws {
        let libc = try #require(loadedImage(containing: "libc.so.6"))
        let slot = try #require(
            SymbolRegistry.register(path: libc.path, buildID: [1, 2, 3, 4], loadBias: libc.loadBias &+ 4096))
        #expect(SymbolRegistry.prepare(image: slot) == .failed)
        #expect(SymbolRegistry.lookupSymbol(image: slot, pc: libc.loadBias + 0x30000) == nil)
    }

    @Test func lookupDoesNotAllocate() throws {
        let main = try #require(loadedImages().first)
        let slot = try #require(SymbolRegistry.register(path: main.path, buildID: nil, loadBias: main.loadBias))
        SymbolRegistry.prepare(image: slot)
        var found = 0
        allocation_counter_arm()
        for step in 0..<1000 {
            if SymbolRegistry.lookupSymbol(image: slot, pc: testTargetAddress &+ UInt(step)) != nil { found += 1 }
        }
        let allocations = allocation_counter_disarm()
        #expect(allocations == 0)
        #expect(found > 0)
    }

    @Test func lookupLatency() throws {
        let path = try #require(loadedImage(containing: "libswiftCore.so")).path
        let table = try symbolTable(path)
        let last = UInt(table.base + UInt64(table.records[table.count - 1].address))
        let clock = ContinuousClock()
        var hits = 0
        let rounds = 200_000
        let elapsed = clock.measure {
            for step in 0..<rounds where table.lookup(address: UInt(step &* 7919) % last) != nil { hits += 1 }
        }
        print("symbol lookup: \(elapsed / rounds) per lookup over \(table.count) symbols")
        #expect(hits > 0)
    }
}

/// True when scripts/sanitizers.sh runs the tests (it sets FAULTHANDLER_SANITIZER): tests that compare with a
/// system oracle the sanitizer runtime intercepts are skipped then.
let runningUnderSanitizer = getenv("FAULTHANDLER_SANITIZER") != nil
