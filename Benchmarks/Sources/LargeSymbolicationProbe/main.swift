// The large symbolication probe: the same probe, linked with the generated C and Swift code (tens of thousands of
// functions, ≥ 50 MB of DWARF once scripts/generate-large-sources.py has run). The generated code runs only for
// `run-generated`, which keeps all of it reachable so the linker keeps it.

import LargeGeneratedC
import SymbolicationProbeKit

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "run-generated" {
    let total = large_generated_c_count() + (large_generated_swift_present() != 0 ? 20_000 : 0)
    var accumulator: Int64 = 0
    for index in 0..<total { accumulator = accumulator &+ large_generated_run(Int64(arguments.count), index) }
    print(accumulator)
    exit(0)
}
exit(SymbolicationProbe.main(
    arguments: arguments,
    binary: ProbeBinary(
        generatedCFunctions: Int(large_generated_c_count()), generatedSwift: large_generated_swift_present() != 0)))
