// Turns a frame's address into a line of the dump.

import FaultSymbols

/// Writes frame lines from prepared symbol data.
///
/// A frame line is one of (see docs/output-format.md):
///
///     File "<image>" in <function> + 0x<offset>      a symbol was found
///     File "<image>" at 0x<offset in image>          the image is known, the symbol is not
///     File ??? at 0x<address>                        the address is in no known image
package enum FrameSymbolizer {
    /// Writes one frame line.
    ///
    /// - Signal safety: safe. Image lookup (binary search, then a bounded guarded link_map walk), symbol
    ///   lookup in prepared tables, demangling into the workspace; no allocation.
    @_noAllocation @_noLocks
    package static func writeFrame(_ frame: StackFrame, workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter) {
        let pc = frame.pc
        let lookupPC = frame.lookupPC
        var record = ImageRecord()
        guard ImageTable.findImage(containing: lookupPC, into: &record) else {
            writer.write("  File ??? at ")
            writer.writeAddress(UInt64(frame.pc))
            writer.write("\n")
            return
        }
        writer.write("  File \"")
        writeImageName(&record, workspace: workspace, writer: &writer)
        writer.write("\"")
        if let symbol = lookupSymbol(record: &record, pc: lookupPC) {
            writer.write(" in ")
            NameDemangling.writeName(symbol.name, workspace: workspace, writer: &writer)
            let start = symbol.address &+ record.loadBias
            writer.write(" + 0x")
            writer.writeHex(UInt64(pc &- start))
        } else {
            writer.write(" at 0x")
            writer.writeHex(UInt64(pc &- record.loadBias))
        }
        writer.write("\n")
    }

    /// True when the frame belongs to this library (skipped at the top of on-demand dumps): its symbol is a
    /// Swift symbol of module FaultCore or FaultHandling, or a C support function.
    ///
    /// - Signal safety: safe. Lookups in prepared tables only.
    @_noAllocation @_noLocks
    package static func isOwnFrame(_ frame: StackFrame, workspace: UnsafeMutablePointer<DumpWorkspace>) -> Bool {
        let pc = frame.pc
        let lookupPC = frame.lookupPC
        var record = ImageRecord()
        guard ImageTable.findImage(containing: lookupPC, into: &record),
            let symbol = lookupSymbol(record: &record, pc: lookupPC)
        else { return false }
        return hasPrefix(symbol.name, "$s9FaultCore") || hasPrefix(symbol.name, "$s13FaultHandling")
            || hasPrefix(symbol.name, "cfh_")
    }

    /// The symbol for `pc` in a prepared image, or nil.
    ///
    /// - Signal safety: safe. Binary searches over published tables.
    @_noAllocation @_noLocks
    static func lookupSymbol(record: inout ImageRecord, pc: UInt) -> SymbolMatch? {
        guard let map = SymbolSlots.current else { return nil }
        let slot = map.pointee.slot(forImageStartingAt: record.startAddress)
        guard slot >= 0 else { return nil }
        return lookupInRegistry(slot: slot, pc: pc)
    }

    /// Crosses into FaultSymbols. The checker cannot see across modules; `SymbolRegistry.lookupSymbol` is
    /// itself compiled with `@_noAllocation @_noLocks` in its own module.
    ///
    /// - Signal safety: safe. See above.
    @_noAllocation @_noLocks
    static func lookupInRegistry(slot: Int, pc: UInt) -> SymbolMatch? {
        _unsafePerformance { SymbolRegistry.lookupSymbol(image: slot, pc: pc) }
    }

    /// Writes the last path component of the image's file name.
    ///
    /// - Signal safety: safe. Copies at most the workspace's text buffer.
    @_noAllocation @_noLocks
    static func writeImageName(_ record: inout ImageRecord, workspace: UnsafeMutablePointer<DumpWorkspace>, writer: inout SignalSafeWriter) {
        let text = workspace.pointee.text
        let buffer = UnsafeMutableBufferPointer<CChar>(
            start: text.baseAddress!.assumingMemoryBound(to: CChar.self), count: text.count)
        let length = withUnsafePointer(to: &record) { ImageTable.copyName(of: $0, into: buffer) }
        if length == 0 {
            writer.write("???")
            return
        }
        var start = length
        while start > 0 && buffer[start - 1] != 0x2F { start -= 1 }  // after the last "/"
        writer.writeEscaped(UnsafeRawBufferPointer(start: buffer.baseAddress! + start, count: length - start))
    }

    /// - Signal safety: safe. Byte comparisons.
    @_noAllocation @_noLocks
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        var index = 0
        while index < count {
            if bytes[index] != prefix.utf8Start[index] { return false }
            index += 1
        }
        return true
    }
}
