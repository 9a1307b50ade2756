// Preparation of one image: map the file, check it is the image that is loaded, find its debug file, build the
// indexes. Everything here may allocate and block; it runs outside signal handlers, possibly on a background
// thread.

/// Why an image could not be prepared.
package enum PreparationError: Error, Sendable {
    /// The file is not a usable ELF file.
    case elf(ELFError)
    /// The file on disk has a different build-id from the loaded image.
    case buildIDMismatch
}

/// Builds the prepared tables for one image.
package enum ImagePreparer {
    /// Maps `path` (kept mapped for the life of the process), validates it against `buildID` when given, and
    /// builds its symbol index, using the separate debug file's .symtab when the image has none.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepare(path: String, buildID: [UInt8]?, lines: Bool = true) throws(PreparationError)
        -> PreparedImage
    {
        let file: MappedFile
        let image: ELFImage
        do {
            file = try MappedFile(path: path)
            image = try ELFImage(bytes: file.bytes)
        } catch {
            throw .elf(error)
        }
        if let buildID, let fileID = image.buildID, fileID != buildID { throw .buildIDMismatch }
        let hasSymtab = image.sections.contains { $0.sh_type == SHT_SYMTAB }
        let hasDebugInfo = image.section(named: ".debug_line") != nil || image.section(named: ".zdebug_line") != nil
        let debugImage = hasSymtab && (hasDebugInfo || !lines) ? nil : DebugFileLocator.debugFile(for: image, path: path)
        let symbols = ELFSymbolTable(image: image, debugImage: debugImage)
        guard lines else { return PreparedImage(symbols: symbols) }
        // Line information comes from whichever file carries .debug_line: the image or its debug file.
        let hasLines = image.section(named: ".debug_line") != nil || image.section(named: ".zdebug_line") != nil
        let dwarfImage = hasLines ? image : (debugImage ?? DebugFileLocator.debugFile(for: image, path: path))
        return PreparedImage(symbols: symbols, lines: dwarfImage.flatMap(DWARFIndexBuilder.build(image:)))
    }

    /// Builds only the file:line index of `path` (the second preparation phase), from the image or its
    /// separate debug file. Nil when neither has line information or the file does not match `buildID`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareLines(path: String, buildID: [UInt8]?) -> DWARFLineIndex? {
        guard let file = try? MappedFile(path: path), let image = try? ELFImage(bytes: file.bytes) else { return nil }
        if let buildID, let fileID = image.buildID, fileID != buildID { return nil }
        let hasLines = image.section(named: ".debug_line") != nil || image.section(named: ".zdebug_line") != nil
        let dwarfImage = hasLines ? image : DebugFileLocator.debugFile(for: image, path: path)
        return dwarfImage.flatMap(DWARFIndexBuilder.build(image:))
    }
}
