// The memory budget of symbol preparation: preparing the test binary, libswiftCore and libc (symbols, then
// line tables, libc's from the libc6-dbg debug file) in a fresh child process must not add more resident
// memory than the indexes justify. Numbers are in docs/symbols.md ("Preparation cost").

import FaultSymbols
import Foundation
import Testing

@Suite struct PreparationBudgetTests {
    /// Resident growth allowed for the three images, in MiB. Measured (debug build): 9 MiB, of which 4 MiB
    /// are the indexes themselves (1.5 test binary lines, 2.2 libc lines, 0.5 symbols), 1-2 MiB code pages
    /// run for the first time, the rest allocator slack. Before the indexes were compacted and the mappings
    /// released, the same preparation added 65 MiB; keeping the inflated libc sections alone would add 8.5.
    static let residentBudget = 14.0
    /// Resident bytes allowed in the file mappings preparation leaves behind (libz, loaded to inflate libc's
    /// debug sections, about 0.1 MiB; the symbol tables' mappings hold none). Without releasing and unmapping,
    /// 14 MiB.
    static let mappingBudget = 1.0

    @Test(.disabled(if: runningUnderSanitizer, "sanitizer shadow memory dominates the resident size"))
    func preparingStaysWithinBudget() throws {
        let cost = try measureInChild(paths: defaultCostImages())
        let mib = 1_048_576.0
        print(String(format: "preparation: resident +%.2f MiB (anonymous %.2f), mappings %.2f MiB, CPU %.0f ms",
                     Double(cost.residentDelta) / mib, Double(cost.anonymousDelta) / mib, Double(cost.mappings) / mib,
                     cost.cpuMilliseconds))
        // The measurement itself worked: all three images have symbols, two have line tables.
        #expect(cost.steps.filter { $0.phase == "symbols" && $0.indexBytes > 0 }.count == 3)
        #expect(cost.steps.filter { $0.phase == "lines" && $0.rows > 0 }.count == 2)
        #expect(Double(cost.residentDelta) / mib < Self.residentBudget, "\(cost.steps.map(\.markdown))")
        #expect(Double(cost.mappings) / mib < Self.mappingBudget, "\(cost.mappingList)")
    }
}
