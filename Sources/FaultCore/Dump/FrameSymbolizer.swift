// Turns a frame's address into a line of the dump.

/// Writes frame lines from prepared symbol data.
package enum FrameSymbolizer {
    /// Writes one frame line.
    ///
    /// - Signal safety: safe. Lookups in prepared tables only.
    @_noAllocation @_noLocks
    package static func writeFrame(_ frame: DumpFrame, workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter) {
        writer.write("  File ??? at ")
        writer.writeAddress(frame.pc)
        writer.write("\n")
    }

    /// True when the frame belongs to this library (skipped at the top of on-demand dumps).
    ///
    /// - Signal safety: safe. Lookups in prepared tables only.
    @_noAllocation @_noLocks
    package static func isOwnFrame(_ frame: DumpFrame, workspace: UnsafeMutablePointer<DumpWorkspace>) -> Bool {
        false
    }
}
