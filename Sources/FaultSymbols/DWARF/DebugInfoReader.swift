// The .debug_info walk that finds, for every unit: its line table (DW_AT_stmt_list, DW_AT_comp_dir), its
// concrete functions (DW_TAG_subprogram with code ranges) and the DW_TAG_inlined_subroutine trees inside them,
// plus the names of all subprograms so that DW_AT_abstract_origin / DW_AT_specification can be followed across
// units. Preparation time only. Malformed units stop at their end; a bad unit length stops the walk.

/// One abbreviation declaration.
struct Abbreviation {
    var tag: UInt64
    var hasChildren: Bool
    var attributes: [(name: UInt64, form: UInt64, implicit: Int64)]
}

/// A function or inlined call found in .debug_info, before freezing.
struct ScopeEntry {
    /// Index of the enclosing inlined entry within the function, or -1 for the function itself.
    var parent: Int
    var ranges: [(UInt64, UInt64)]
    /// The DIE whose name is used (the function itself, or the inline's abstract origin).
    var nameDIE: UInt64
    var callFile: UInt64 = 0
    var callLine: UInt64 = 0
    var callColumn: UInt64 = 0
}

/// A concrete function: its own entry (parent -1) and its inlined calls in DIE pre-order.
struct FunctionEntry {
    var root: ScopeEntry
    var inlines: [ScopeEntry] = []
    /// The unit's line table (its .debug_line offset), for DW_AT_call_file.
    var lineTable: UInt64?
}

/// Names recorded for subprogram DIEs.
struct NameEntry {
    var linkageName: UnsafeRawBufferPointer?
    var name: UnsafeRawBufferPointer?
    var reference: UInt64?
}

/// Walks all units of .debug_info.
struct DebugInfoReader {
    let sections: DWARFSections
    /// Ranges starting below this address are discarded functions (tombstoned or relocated to 0).
    let minimumAddress: UInt64
    var functions: [FunctionEntry] = []
    var names: [UInt64: NameEntry] = [:]
    /// Line tables to decode: .debug_line offset -> comp dir.
    var lineTables: [UInt64: [UInt8]] = [:]
    private var abbreviationCache: [UInt64: [UInt64: Abbreviation]] = [:]

    /// Reads every unit.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init(sections: DWARFSections, minimumAddress: UInt64) {
        self.sections = sections
        self.minimumAddress = minimumAddress
        var offset = 0
        while offset < sections.info.count {
            guard let next = readUnit(at: offset), next > offset else { break }
            offset = next
        }
    }

    /// Parses an abbreviation table (cached by offset).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func abbreviations(at offset: UInt64) -> [UInt64: Abbreviation] {
        if let cached = abbreviationCache[offset] { return cached }
        var table: [UInt64: Abbreviation] = [:]
        var cursor = ByteCursor(sections.abbrev)
        cursor.skip(offset)
        while !cursor.isAtEnd {
            let code = cursor.readULEB128()
            if code == 0 { break }
            var abbreviation = Abbreviation(tag: cursor.readULEB128(), hasChildren: cursor.readU8() != 0, attributes: [])
            while !cursor.isAtEnd {
                let name = cursor.readULEB128()
                let form = cursor.readULEB128()
                if name == 0 && form == 0 { break }
                let implicit = form == DW_FORM_implicit_const ? cursor.readSLEB128() : 0
                abbreviation.attributes.append((name, form, implicit))
            }
            table[code] = abbreviation
        }
        abbreviationCache[offset] = table
        return table
    }

    /// Reads the unit at `offset` and returns the offset of the next one, or nil if the header is unusable.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func readUnit(at offset: Int) -> Int? {
        var cursor = ByteCursor(sections.info, offset: offset)
        var length = UInt64(cursor.readU32())
        var offsetSize = 4
        if length == 0xffff_ffff {
            length = cursor.readU64()
            offsetSize = 8
        }
        guard !cursor.overrun, length <= UInt64(cursor.remaining), length >= 2 else { return nil }
        let end = cursor.offset + Int(length)
        let version = cursor.readU16()
        var context = DWARFFormContext(sections: sections, offsetSize: offsetSize, addressSize: 8)
        context.version = version
        context.unitOffset = UInt64(offset)
        var abbreviationOffset: UInt64 = 0
        var unitType = DW_UT_compile
        switch version {
        case 2, 3, 4:
            abbreviationOffset = cursor.readUnsigned(size: offsetSize)
            context.addressSize = Int(cursor.readU8())
        case 5:
            unitType = cursor.readU8()
            context.addressSize = Int(cursor.readU8())
            abbreviationOffset = cursor.readUnsigned(size: offsetSize)
            switch unitType {
            case DW_UT_skeleton, DW_UT_split_compile: cursor.skip(8)
            case DW_UT_type, DW_UT_split_type: cursor.skip(8 + offsetSize)
            default: break
            }
        default:
            return end  // Unknown version: skip the unit.
        }
        guard !cursor.overrun, [4, 8].contains(context.addressSize),
            unitType == DW_UT_compile || unitType == DW_UT_partial
        else { return end }
        let abbreviations = abbreviations(at: abbreviationOffset)
        var units = ByteCursor(UnsafeRawBufferPointer(rebasing: sections.info[..<end]), offset: cursor.offset)
        walkDIEs(&units, abbreviations: abbreviations, context: &context)
        return end
    }

    /// Walks the DIE tree of one unit.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func walkDIEs(
        _ cursor: inout ByteCursor, abbreviations: [UInt64: Abbreviation], context: inout DWARFFormContext
    ) {
        var depth = 0
        var unitBase: UInt64 = 0
        var lineTable: UInt64?
        // Open scopes: (depth of the DIE, function index, inline index or -1).
        var scopes: [(depth: Int, function: Int, inline: Int)] = []
        var isUnitDIE = true
        while !cursor.isAtEnd {
            let dieOffset = UInt64(cursor.offset)
            let code = cursor.readULEB128()
            if code == 0 {
                depth -= 1
                if depth <= 0 { break }
                while let last = scopes.last, last.depth > depth { scopes.removeLast() }
                continue
            }
            guard let abbreviation = abbreviations[code] else { return }
            var values: [(name: UInt64, value: DWARFValue)] = []
            values.reserveCapacity(abbreviation.attributes.count)
            for attribute in abbreviation.attributes {
                values.append((attribute.name, context.readForm(attribute.form, &cursor, implicit: attribute.implicit)))
            }
            if cursor.overrun { return }
            func value(_ name: UInt64) -> DWARFValue? { values.first { $0.name == name }?.value }

            if isUnitDIE {
                isUnitDIE = false
                if let base = value(DW_AT_str_offsets_base) { context.strOffsetsBase = base.value }
                if let base = value(DW_AT_addr_base) ?? value(DW_AT_GNU_addr_base) { context.addrBase = base.value }
                if let base = value(DW_AT_rnglists_base) { context.rnglistsBase = base.value }
                unitBase = value(DW_AT_low_pc).flatMap(context.address) ?? 0
                let compDir = value(DW_AT_comp_dir).flatMap(context.string).map { Array($0) } ?? []
                if let statements = value(DW_AT_stmt_list) {
                    lineTable = statements.value
                    lineTables[statements.value] = compDir
                }
            }

            let tag = abbreviation.tag
            if tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine {
                if tag == DW_TAG_subprogram {
                    names[dieOffset] = NameEntry(
                        linkageName: (value(DW_AT_linkage_name) ?? value(DW_AT_MIPS_linkage_name))
                            .flatMap(context.string),
                        name: value(DW_AT_name).flatMap(context.string),
                        reference: (value(DW_AT_specification) ?? value(DW_AT_abstract_origin))
                            .flatMap(context.reference))
                }
                let ranges = codeRanges(value: value, context: context, unitBase: unitBase)
                if !ranges.isEmpty {
                    let origin = value(DW_AT_abstract_origin).flatMap(context.reference) ?? dieOffset
                    if tag == DW_TAG_subprogram {
                        functions.append(
                            FunctionEntry(root: ScopeEntry(parent: -1, ranges: ranges, nameDIE: origin),
                                          lineTable: lineTable))
                        if abbreviation.hasChildren { scopes.append((depth + 1, functions.count - 1, -1)) }
                    } else if let scope = scopes.last {
                        var entry = ScopeEntry(parent: scope.inline, ranges: ranges, nameDIE: origin)
                        entry.callFile = value(DW_AT_call_file)?.value ?? 0
                        entry.callLine = value(DW_AT_call_line)?.value ?? 0
                        entry.callColumn = value(DW_AT_call_column)?.value ?? 0
                        functions[scope.function].inlines.append(entry)
                        let index = functions[scope.function].inlines.count - 1
                        if abbreviation.hasChildren { scopes.append((depth + 1, scope.function, index)) }
                    }
                }
            }
            if abbreviation.hasChildren { depth += 1 }
            if depth == 0 { break }
        }
    }

    /// The code ranges of a DIE: [low_pc, high_pc) or DW_AT_ranges, without discarded (tombstoned) ranges.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func codeRanges(value: (UInt64) -> DWARFValue?, context: DWARFFormContext, unitBase: UInt64)
        -> [(UInt64, UInt64)]
    {
        var result: [(UInt64, UInt64)] = []
        if let low = value(DW_AT_low_pc).flatMap(context.address), let highValue = value(DW_AT_high_pc) {
            let high = DWARFFormContext.isConstant(highValue.form) ? low &+ highValue.value : context.address(highValue)
            if let high { result.append((low, high)) }
        } else if let rangesValue = value(DW_AT_ranges) {
            result = RangeListReader(context: context, unitBase: unitBase).ranges(rangesValue)
        }
        return result.filter { $0.0 < $0.1 && $0.0 >= minimumAddress && $0.0 < 0xffff_ffff_ffff_fffe }
    }

    /// The name of the subprogram DIE at `offset`: DW_AT_linkage_name, else DW_AT_name, following
    /// DW_AT_specification / DW_AT_abstract_origin (at most 8 steps) for whichever is missing.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func resolvedName(_ offset: UInt64) -> UnsafeRawBufferPointer? {
        var current: UInt64? = offset
        var shortName: UnsafeRawBufferPointer?
        for _ in 0..<8 {
            guard let at = current, let entry = names[at] else { break }
            if let linkage = entry.linkageName, !linkage.isEmpty { return linkage }
            if shortName == nil, let name = entry.name, !name.isEmpty { shortName = name }
            current = entry.reference
        }
        return shortName
    }
}
