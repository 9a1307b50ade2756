// Symbol names as printed in dumps: demangled Swift names, other names unchanged.

import FaultDemangling

/// Writes symbol names.
package enum NameDemangling {
    /// Writes `name` demangled (the simplified form `swift demangle --simplified` prints) when it is a Swift
    /// symbol, else as it is; escaped and cut at 500 bytes either way.
    ///
    /// - Signal safety: safe. Demangles into the workspace's name buffer with its prepared demangler arena.
    @_noAllocation @_noLocks
    package static func writeName(_ name: UnsafeRawBufferPointer, workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter) {
        let output = workspace.pointee.name
        guard hasStackForDemangling() else {
            writer.writeEscaped(name)
            return
        }
        switch demangle(name, into: output, workspace: workspace.pointee.demangler) {
        case .demangled(let length):
            writer.writeEscaped(UnsafeRawBufferPointer(start: output.baseAddress, count: length))
        case .truncated(let length):
            writer.writeEscaped(UnsafeRawBufferPointer(start: output.baseAddress, count: length))
        case .notDemangled:
            writer.writeEscaped(name)
        }
    }

    /// Stack the demangler may need at its deepest: unoptimised builds use frames of tens of KiB.
    static var demanglerStackBudget: Int {
        @_noAllocation @_noLocks get {
            #if DEBUG
            return 768 * 1024
            #else
            return 64 * 1024
            #endif
        }
    }

    /// False when running on an alternate signal stack with too little room left for the demangler; the
    /// mangled name is printed then (a stack overflow inside the dump would lose the rest of it).
    ///
    /// - Signal safety: safe. sigaltstack(2) query and arithmetic.
    @_noAllocation @_noLocks
    static func hasStackForDemangling() -> Bool {
        var marker: UInt8 = 0
        let stackPointer = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard let remaining = SafeLibc.remainingAlternateStack(below: stackPointer) else { return true }
        return remaining >= demanglerStackBudget
    }

    /// Crosses into FaultDemangling. The checker cannot see across modules; `SwiftDemangler.demangle` is
    /// compiled with `@_noAllocation @_noLocks` in its own module.
    ///
    /// - Signal safety: safe. See above.
    @_noAllocation @_noLocks
    static func demangle(
        _ name: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, workspace: DemanglerWorkspace
    ) -> DemangleResult {
        _unsafePerformance { SwiftDemangler.demangle(name, into: output, workspace: workspace) }
    }
}
