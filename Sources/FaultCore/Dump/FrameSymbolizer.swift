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
        if writeSourceFrames(record: &record, lookupPC: lookupPC, workspace: workspace, writer: &writer) {
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

    /// Writes `File "<path>", line N in <function>` lines for the address: first the calls the compiler
    /// inlined there (marked ` [inlined]`), innermost first, then the function that contains them. Returns
    /// false (writing nothing) when there is no line information for the address.
    ///
    /// - Signal safety: safe. Lookups in prepared line tables; no allocation.
    @_noAllocation @_noLocks
    static func writeSourceFrames(
        record: inout ImageRecord, lookupPC: UInt, workspace: UnsafeMutablePointer<DumpWorkspace>,
        writer: inout SignalSafeWriter
    ) -> Bool {
        let count = lookupSource(record: &record, pc: lookupPC, into: workspace.pointee.sourceFrames)
        guard count > 0 else { return false }
        let frames = workspace.pointee.sourceFrames
        // Code without a line (thunks, compiler-generated helpers) is better described by symbol and offset.
        if count == 1 && frames[0].line == 0 { return false }
        var index = 0
        while index < count {
            let frame = frames[index]
            writer.write("  File \"")
            if hasSuffix(frame.file, "<compiler-generated>") {
                writer.write("<compiler-generated>")
            } else if frame.file.count > 0 {
                writer.writeEscaped(frame.file)
            } else {
                writer.write("???")
            }
            writer.write("\"")
            if frame.line > 0 {
                writer.write(", line ")
                writer.writeDecimal(UInt64(frame.line))
            }
            writer.write(" in ")
            if frame.function.count > 0 {
                NameDemangling.writeName(frame.function, workspace: workspace, writer: &writer)
            } else {
                writer.write("???")
            }
            if frame.isInlined { writer.write(" [inlined]") }
            writer.write("\n")
            index += 1
        }
        return true
    }

    /// The source frames for `pc` (already adjusted for return addresses) in a prepared image.
    ///
    /// - Signal safety: safe. Binary searches over published tables.
    @_noAllocation @_noLocks
    static func lookupSource(record: inout ImageRecord, pc: UInt, into frames: UnsafeMutableBufferPointer<SourceFrame>) -> Int {
        guard let map = SymbolSlots.current else { return 0 }
        let slot = map.pointee.slot(forImageStartingAt: record.startAddress)
        guard slot >= 0 else { return 0 }
        return _unsafePerformance { SymbolRegistry.lookupSource(image: slot, pc: pc, into: frames) }
    }

    /// The reason a Swift runtime trap at `pc` failed, from the inlined pseudo-frame the compiler records
    /// ("Swift runtime failure: arithmetic overflow"), or an empty buffer.
    ///
    /// - Signal safety: safe. Lookups in prepared line tables.
    @_noAllocation @_noLocks
    package static func runtimeFailureReason(pc: UInt, workspace: UnsafeMutablePointer<DumpWorkspace>) -> UnsafeRawBufferPointer {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        var record = ImageRecord()
        guard ImageTable.findImage(containing: pc, into: &record) else { return empty }
        let count = lookupSource(record: &record, pc: pc, into: workspace.pointee.sourceFrames)
        var index = 0
        while index < count {
            let name = workspace.pointee.sourceFrames[index].function
            if hasPrefix(name, "Swift runtime failure: ") { return name }
            index += 1
        }
        return empty
    }

    /// True when the frame belongs to this library (skipped at the top of on-demand dumps): its symbol is a
    /// Swift symbol of module FaultCore or FaultHandling, or a C support function.
    ///
    /// - Signal safety: safe. Lookups in prepared tables only.
    @_noAllocation @_noLocks
    package static func isOwnFrame(_ frame: StackFrame, workspace: UnsafeMutablePointer<DumpWorkspace>) -> Bool {
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
    static func hasSuffix(_ bytes: UnsafeRawBufferPointer, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let start = bytes.count - count
        var index = 0
        while index < count {
            if bytes[start + index] != suffix.utf8Start[index] { return false }
            index += 1
        }
        return true
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
