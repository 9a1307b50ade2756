// Preparation of one image: map the file, check it is the image that is loaded, find its debug file, build the
// indexes, then give back the memory the indexes do not need. Everything here may allocate and block; it runs
// outside signal handlers, possibly on a background thread.
//
// What stays after preparation:
//  * phase 1 (symbols): the mapping whose string tables the symbol index names (the image, and for a stripped
//    image its debug file), with its resident pages released; lookups fault in only the names they read;
//  * phase 2 (lines): nothing but the line index, which holds copies of everything it needs; the mappings read
//    to build it are unmapped and inflated sections are freed.

/// Why an image could not be prepared.
package enum PreparationError: Error, Sendable {
    /// The file is not a usable ELF file.
    case elf(ELFError)
    /// The file on disk has a different build-id from the loaded image.
    case buildIDMismatch
}

/// Builds the prepared tables for one image.
package enum ImagePreparer {
    /// Maps `path`, validates it against `buildID` when given, and builds its symbol index (using the separate
    /// debug file's .symtab when the image has none) and, if `lines`, its line index. The mappings the symbol
    /// index names stay mapped for the life of the process, with their resident pages released.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepare(path: String, buildID: [UInt8]?, lines: Bool = true) throws(PreparationError)
        -> PreparedImage
    {
        let image = try open(path: path, buildID: buildID)
        let hasSymtab = image.sections.contains { $0.sh_type == SHT_SYMTAB }
        let hasLines = hasLineTable(image)
        let needsDebugFile = !hasSymtab || (lines && !hasLines)
        let debugImage = needsDebugFile ? DebugFileLocator.debugFile(for: image, path: path) : nil
        let symbols = ELFSymbolTable(image: image, debugImage: debugImage)
        var lineIndex: DWARFLineIndex?
        if lines {
            // Line information comes from whichever file carries .debug_line: the image or its debug file.
            lineIndex = (hasLines ? image : debugImage).flatMap { DWARFIndexBuilder.build(image: $0, symbols: symbols) }
        }
        keepOrUnmap(image, for: symbols)
        if let debugImage { keepOrUnmap(debugImage, for: symbols) }
        if lineIndex != nil { HeapTrim.releaseFreePages() }
        return PreparedImage(symbols: symbols, lines: lineIndex, hasOwnLineTable: hasLines)
    }

    /// Builds only the file:line index of `path` (the second preparation phase), from the image or its
    /// separate debug file. Nil when neither has line information or the file does not match `buildID`. The
    /// files are mapped only while the index is built. `symbols` is the image's symbol index from the first
    /// phase (see `DWARFIndexBuilder.build(image:symbols:)`).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareLines(path: String, buildID: [UInt8]?, symbols: ELFSymbolTable? = nil)
        -> DWARFLineIndex?
    {
        guard let image = try? open(path: path, buildID: buildID) else { return nil }
        defer { MappedFile.unmap(image.bytes) }
        var debugImage: ELFImage?
        if !hasLineTable(image) {
            debugImage = DebugFileLocator.debugFile(for: image, path: path)
            if debugImage == nil { return nil }
        }
        defer { if let debugImage { MappedFile.unmap(debugImage.bytes) } }
        let index = DWARFIndexBuilder.build(image: debugImage ?? image, symbols: symbols)
        if index != nil { HeapTrim.releaseFreePages() }
        return index
    }

    /// Maps and validates `path` (unmapping it again when it is rejected).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func open(path: String, buildID: [UInt8]?) throws(PreparationError) -> ELFImage {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw .elf(error)
        }
        let image: ELFImage
        do {
            image = try ELFImage(bytes: file.bytes)
        } catch {
            MappedFile.unmap(file.bytes)
            throw .elf(error)
        }
        if let buildID, let fileID = image.buildID, fileID != buildID {
            MappedFile.unmap(file.bytes)
            throw .buildIDMismatch
        }
        return image
    }

    /// True if `image` has a (possibly compressed) .debug_line section.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func hasLineTable(_ image: ELFImage) -> Bool {
        image.section(named: ".debug_line") != nil || image.section(named: ".zdebug_line") != nil
    }

    /// Releases the resident pages of a mapping the symbol index names, or unmaps one it does not.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func keepOrUnmap(_ image: ELFImage, for symbols: ELFSymbolTable) {
        if symbols.usesNames(in: image.bytes) {
            MappedFile.releaseResidentPages(image.bytes)
        } else {
            MappedFile.unmap(image.bytes)
        }
    }
}
