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
        switch demangle(name, into: output, workspace: workspace.pointee.demangler, stackLimit: stackLimit()) {
        case .demangled(let length):
            writer.writeEscaped(UnsafeRawBufferPointer(start: output.baseAddress, count: length))
        case .truncated(let length):
            writer.writeEscaped(UnsafeRawBufferPointer(start: output.baseAddress, count: length))
        case .notDemangled:
            writer.writeEscaped(name)
        }
    }

    /// The lowest stack address the demangler may use. On an alternate signal stack: its base plus a margin.
    /// On an ordinary thread stack, whose size a handler cannot learn safely: 192 KiB below the current frame
    /// (thread stacks are 512 KiB or more; a symbol nested deeper than that allows prints mangled).
    ///
    /// - Signal safety: safe. sigaltstack(2) query and arithmetic.
    @_noAllocation @_noLocks
    static func stackLimit() -> UInt {
        var marker: UInt8 = 0
        let stackPointer = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if let remaining = SafeLibc.remainingAlternateStack(below: stackPointer) {
            return stackPointer &- UInt(remaining) &+ 16 * 1024
        }
        return stackPointer > 192 * 1024 ? stackPointer &- 192 * 1024 : 0
    }

    /// Crosses into FaultDemangling. The checker cannot see across modules; `SwiftDemangler.demangle` is
    /// compiled with `@_noAllocation @_noLocks` in its own module.
    ///
    /// - Signal safety: safe. See above.
    @_noAllocation @_noLocks
    static func demangle(
        _ name: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, workspace: DemanglerWorkspace,
        stackLimit: UInt
    ) -> DemangleResult {
        _unsafePerformance { SwiftDemangler.demangle(name, into: output, workspace: workspace, stackLimit: stackLimit) }
    }
}
