// The .debug_line reader (DWARF 2-5, 32- and 64-bit): header, directory and file tables, and the line-number
// state machine. It runs at preparation time and hands its rows to a LineRowCollector, which freezes them
// into the DWARFLineIndex.
// Every loop consumes input bytes, so hostile input ends at the end of the unit.

/// One decoded line-number program header, able to run its state machine.
struct LineProgram {
    /// File paths indexed by the DWARF file number used in the program and in DW_AT_call_file (DWARF 5:
    /// 0-based; DWARF 2-4: 1-based, entry 0 is empty). Paths are joined with the compilation directory.
    /// `decodeRows` appends the files that DW_LNE_define_file defines.
    var files: [[UInt8]] = []
    /// What the state machine needs from the header.
    private var directories: [[UInt8]] = []
    private let compDir: [UInt8]
    private let program: UnsafeRawBufferPointer
    private let programStart: Int
    private let minimumInstructionLength: UInt64
    private let lineBase: Int64
    private let lineRange: UInt64
    private let opcodeBase: UInt8
    private var standardLengths = [UInt8](repeating: 0, count: 256)

    /// Decodes the header of the program at `offset` in `sections.line`. `compDir` is the unit's DW_AT_comp_dir.
    /// Returns nil if the header is malformed.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init?(sections: DWARFSections, offset: UInt64, compDir: [UInt8]) {
        guard offset < UInt64(sections.line.count) else { return nil }
        var cursor = ByteCursor(sections.line, offset: Int(offset))
        var unitLength = UInt64(cursor.readU32())
        var offsetSize = 4
        if unitLength == 0xffff_ffff {
            unitLength = cursor.readU64()
            offsetSize = 8
        }
        guard !cursor.overrun, unitLength <= UInt64(cursor.remaining) else { return nil }
        let unitEnd = cursor.offset + Int(unitLength)
        let version = cursor.readU16()
        guard (2...5).contains(version) else { return nil }
        var addressSize = 8
        if version >= 5 {
            addressSize = Int(cursor.readU8())
            _ = cursor.readU8()  // segment_selector_size
        }
        let headerLength = cursor.readUnsigned(size: offsetSize)
        guard !cursor.overrun, cursor.offset <= unitEnd, headerLength <= UInt64(unitEnd - cursor.offset) else {
            return nil
        }
        self.compDir = compDir
        program = UnsafeRawBufferPointer(rebasing: sections.line[..<unitEnd])
        programStart = cursor.offset + Int(headerLength)
        minimumInstructionLength = UInt64(cursor.readU8())
        if version >= 4 { _ = cursor.readU8() }  // maximum_operations_per_instruction (VLIW only)
        let defaultIsStmt = cursor.readU8()
        _ = defaultIsStmt
        lineBase = Int64(Int8(bitPattern: cursor.readU8()))
        lineRange = UInt64(cursor.readU8())
        opcodeBase = cursor.readU8()
        guard lineRange != 0, opcodeBase != 0 else { return nil }
        for index in 1..<Int(opcodeBase) { standardLengths[index] = cursor.readU8() }
        guard !cursor.overrun else { return nil }

        // Directory and file tables.
        if version >= 5 {
            let context = DWARFFormContext(sections: sections, offsetSize: offsetSize, addressSize: addressSize)
            guard let dirs = Self.readEntries(&cursor, context: context, end: programStart) else { return nil }
            directories = dirs.map(\.path)
            guard let names = Self.readEntries(&cursor, context: context, end: programStart) else { return nil }
            for entry in names {
                // Compared as UInt64: a directory index above Int.max trapped in a conversion (found by fuzzing).
                let directory = entry.directory < UInt64(directories.count) ? directories[Int(entry.directory)] : []
                // Directory 0 of DWARF 5 is the compilation directory itself: do not prepend it twice.
                files.append(Self.join(entry.directory == 0 ? [] : compDir, directory, entry.path))
            }
        } else {
            directories.append([])  // index 0: the compilation directory, which join() prepends anyway
            while cursor.offset < programStart {
                let directory = cursor.readCString()
                if directory.isEmpty || cursor.overrun { break }
                directories.append(Array(directory))
            }
            files.append([])
            while cursor.offset < programStart {
                let name = cursor.readCString()
                if name.isEmpty || cursor.overrun { break }
                let directory = cursor.readULEB128()
                _ = cursor.readULEB128()  // modification time
                _ = cursor.readULEB128()  // length
                let directoryPath = directory < UInt64(directories.count) ? directories[Int(directory)] : []
                files.append(Self.join(compDir, directoryPath, Array(name)))
            }
        }
    }

    /// Runs the state machine, appending rows (with program-local file numbers) to `collector`. A sequence is
    /// kept if `keep(first address)` says so; a program that breaks off keeps the sequences completed before.
    /// Every opcode consumes input, so the loop ends at the end of the unit.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func decodeRows(into collector: inout LineRowCollector, keep: (UInt64) -> Bool) {
        var cursor = ByteCursor(program, offset: programStart)
        var address: UInt64 = 0
        var file: UInt64 = 1
        var line: Int64 = 1
        var column: UInt64 = 0
        func emit(end: Bool = false) {
            collector.append(
                LineRowCollector.Row(
                    address: address, file: UInt32(clamping: file), line: UInt32(clamping: max(line, 0)),
                    column: UInt32(clamping: column), isEnd: end))
        }
        func reset() {
            address = 0; file = 1; line = 1; column = 0
        }
        while !cursor.isAtEnd {
            let opcode = cursor.readU8()
            if opcode >= opcodeBase {
                let adjusted = UInt64(opcode - opcodeBase)
                address &+= (adjusted / lineRange) &* minimumInstructionLength
                line &+= lineBase &+ Int64(adjusted % lineRange)
                emit()
                continue
            }
            switch opcode {
            case 0:
                let length = cursor.readULEB128()
                guard length > 0, length <= UInt64(cursor.remaining) else { cursor.overrun = true; break }
                let next = cursor.offset + Int(length)
                let extended = cursor.readU8()
                switch extended {
                case DW_LNE_end_sequence:
                    emit(end: true)
                    collector.endSequence(keep: keep)
                    reset()
                case DW_LNE_set_address:
                    address = cursor.readUnsigned(size: Int(length) - 1)
                case DW_LNE_define_file:
                    let name = cursor.readCString()
                    let directory = cursor.readULEB128()
                    let directoryPath = directory < UInt64(directories.count) ? directories[Int(directory)] : []
                    files.append(Self.join(compDir, directoryPath, Array(name)))
                default:
                    break  // DW_LNE_set_discriminator and vendor extensions
                }
                cursor.offset = next
            case DW_LNS_copy:
                emit()
            case DW_LNS_advance_pc:
                address &+= cursor.readULEB128() &* minimumInstructionLength
            case DW_LNS_advance_line:
                line &+= cursor.readSLEB128()
            case DW_LNS_set_file:
                file = cursor.readULEB128()
            case DW_LNS_set_column:
                column = cursor.readULEB128()
            case DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_set_prologue_end, DW_LNS_set_epilogue_begin:
                break
            case DW_LNS_const_add_pc:
                address &+= (UInt64(255 - opcodeBase) / lineRange) &* minimumInstructionLength
            case DW_LNS_fixed_advance_pc:
                address &+= UInt64(cursor.readU16())
            default:
                // Unknown standard opcode: skip its ULEB128 operands as the header declares.
                for _ in 0..<standardLengths[Int(opcode)] { _ = cursor.readULEB128() }
            }
        }
        collector.discardOpenSequence()
    }

    /// One DWARF 5 directory or file entry.
    struct Entry {
        var path: [UInt8] = []
        var directory: UInt64 = 0
    }

    /// Reads a DWARF 5 entry-format description and its entries.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func readEntries(_ cursor: inout ByteCursor, context: DWARFFormContext, end: Int) -> [Entry]? {
        let formatCount = Int(cursor.readU8())
        var format: [(content: UInt64, form: UInt64)] = []
        for _ in 0..<formatCount { format.append((cursor.readULEB128(), cursor.readULEB128())) }
        let count = cursor.readULEB128()
        guard !cursor.overrun, count <= UInt64(max(end - cursor.offset, 0)) else { return nil }
        var entries: [Entry] = []
        for _ in 0..<count {
            var entry = Entry()
            for (content, form) in format {
                let value = context.readForm(form, &cursor, implicit: 0)
                if content == DW_LNCT_path { entry.path = Array(context.string(value) ?? UnsafeRawBufferPointer(start: nil, count: 0)) }
                if content == DW_LNCT_directory_index { entry.directory = value.value }
            }
            if cursor.overrun { return nil }
            entries.append(entry)
        }
        return entries
    }

    /// Joins compilation directory, include directory and file name the way llvm-symbolizer does: an absolute
    /// component discards what precedes it; components are separated by exactly one "/".
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func join(_ compDir: [UInt8], _ directory: [UInt8], _ name: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        var path: [UInt8] = []
        for component in [compDir, directory, name] where !component.isEmpty {
            if component.first == slash {
                path = component
            } else {
                if !path.isEmpty && path.last != slash { path.append(slash) }
                path += component
            }
        }
        return path
    }
}
