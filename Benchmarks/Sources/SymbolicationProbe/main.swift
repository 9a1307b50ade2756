// The small symbolication probe: the probe alone (see SymbolicationProbeKit/ProbeMain.swift).

import SymbolicationProbeKit

#if canImport(Glibc)
import Glibc
#endif

exit(SymbolicationProbe.main(
    arguments: CommandLine.arguments, binary: ProbeBinary(generatedCFunctions: 0, generatedSwift: false)))
