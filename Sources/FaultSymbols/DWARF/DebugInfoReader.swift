// The .debug_info walk that finds, for every unit: its line table (DW_AT_stmt_list, DW_AT_comp_dir), its
// concrete functions (DW_TAG_subprogram with code ranges) and the DW_TAG_inlined_subroutine trees inside them,
// plus the names of all subprograms so that DW_AT_abstract_origin / DW_AT_specification can be followed across
// units. Preparation time only. Malformed units stop at their end; a bad unit length stops the walk.

/// A function or inlined call found in .debug_info, before freezing. Its ranges are a slice of the reader's
/// range store.
struct ScopeEntry {
    /// Index of the enclosing inlined entry within the function, or -1 for the function itself.
    var parent: Int
    var firstRange: Int
    var rangeCount: Int
    /// The DIE whose name is used (the function itself, or the inline's abstract origin).
    var nameDIE: UInt64
    var callFile: UInt64 = 0
    var callLine: UInt64 = 0
    var callColumn: UInt64 = 0
    /// The owning function (inlined calls only).
    var function: Int = -1
}

/// A concrete function: its own entry (parent -1) and its inlined calls, a slice of the reader's inline store
/// in DIE pre-order.
struct FunctionEntry {
    var root: ScopeEntry
    var firstInline = 0
    var inlineCount = 0
    /// The unit's line table (its .debug_line offset), for DW_AT_call_file.
    var lineTable: UInt64?
}

/// Names recorded for subprogram DIEs (empty buffers for missing names, `UInt64.max` for no reference).
struct NameEntry {
    var offset: UInt64
    var linkageName: UnsafeRawBufferPointer
    var name: UnsafeRawBufferPointer
    var reference: UInt64
}

/// Walks all units of .debug_info.
struct DebugInfoReader {
    let sections: DWARFSections
    /// Ranges starting below this address are discarded functions (tombstoned or relocated to 0).
    let minimumAddress: UInt64
    var functions: [FunctionEntry] = []
    /// All inlined calls, grouped by function once the walk is over.
    private var inlineStore: [ScopeEntry] = []
    /// All code ranges of functions and inlined calls.
    private var rangeStore: [(UInt64, UInt64)] = []
    /// Subprogram names, in increasing DIE offset order (the walk's order), for binary search.
    private var names: [NameEntry] = []
    /// Line tables to decode: .debug_line offset -> comp dir.
    var lineTables: [UInt64: [UInt8]] = [:]
    /// The abbreviation table of the unit being read (kept while consecutive units share it).
    private var abbreviations: AbbreviationTable?
    /// The attribute values of the DIE being read (reused from DIE to DIE).
    private var values: [(name: UInt64, value: DWARFValue)] = []

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
        groupInlines()
    }

    /// Reorders the inline store so that each function's inlined calls are contiguous (a stable counting sort:
    /// pre-order within a function is kept, so parent indices stay valid).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private mutating func groupInlines() {
        var next = 0
        for index in functions.indices {
            functions[index].firstInline = next
            next += functions[index].inlineCount
        }
        var positions = functions.map(\.firstInline)
        var grouped = [ScopeEntry](repeating: ScopeEntry(parent: 0, firstRange: 0, rangeCount: 0, nameDIE: 0), count: next)
        for entry in inlineStore {
            grouped[positions[entry.function]] = entry
            positions[entry.function] += 1
        }
        inlineStore = grouped
    }

    /// The inlined calls of `function`, in DIE pre-order.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func inlines(of function: FunctionEntry) -> ArraySlice<ScopeEntry> {
        inlineStore[function.firstInline..<function.firstInline + function.inlineCount]
    }

    /// The code ranges of `scope`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func ranges(of scope: ScopeEntry) -> ArraySlice<(UInt64, UInt64)> {
        rangeStore[scope.firstRange..<scope.firstRange + scope.rangeCount]
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
        let format = UnitFormat(offsetSize: offsetSize, addressSize: context.addressSize, version: version)
        if abbreviations?.offset != abbreviationOffset || abbreviations?.format != format {
            abbreviations = AbbreviationTable(abbrev: sections.abbrev, offset: abbreviationOffset, format: format)
        }
        var units = ByteCursor(UnsafeRawBufferPointer(rebasing: sections.info[..<end]), offset: cursor.offset)
        walkDIEs(&units, abbreviations: abbreviations!, context: &context)
        return end
    }

    /// Walks the DIE tree of one unit.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func walkDIEs(
        _ cursor: inout ByteCursor, abbreviations: AbbreviationTable, context: inout DWARFFormContext
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
            guard let abbreviation = abbreviations.declaration(code) else { return }
            let specs = abbreviations.attributes[
                abbreviation.firstAttribute..<abbreviation.firstAttribute + abbreviation.attributeCount]
            let tag = abbreviation.tag
            let wanted = isUnitDIE || tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine
            if !wanted {
                // Most DIEs (types, variables, parameters) are only stepped over.
                if abbreviation.fixedSize >= 0 {
                    cursor.skip(abbreviation.fixedSize)
                } else {
                    for attribute in specs { _ = context.readForm(attribute.form, &cursor, implicit: attribute.implicit) }
                }
                if cursor.overrun { return }
                if abbreviation.hasChildren { depth += 1 }
                if depth == 0 { break }
                continue
            }
            values.removeAll(keepingCapacity: true)
            for attribute in specs {
                values.append((attribute.name, context.readForm(attribute.form, &cursor, implicit: attribute.implicit)))
            }
            if cursor.overrun { return }
            let current = values
            func value(_ name: UInt64) -> DWARFValue? { current.first { $0.name == name }?.value }

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

            if tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine {
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                if tag == DW_TAG_subprogram {
                    names.append(
                        NameEntry(
                            offset: dieOffset,
                            linkageName: (value(DW_AT_linkage_name) ?? value(DW_AT_MIPS_linkage_name))
                                .flatMap(context.string) ?? empty,
                            name: value(DW_AT_name).flatMap(context.string) ?? empty,
                            reference: (value(DW_AT_specification) ?? value(DW_AT_abstract_origin))
                                .flatMap(context.reference) ?? .max))
                }
                let firstRange = rangeStore.count
                appendCodeRanges(value: value, context: context, unitBase: unitBase)
                let rangeCount = rangeStore.count - firstRange
                if rangeCount > 0 {
                    let origin = value(DW_AT_abstract_origin).flatMap(context.reference) ?? dieOffset
                    if tag == DW_TAG_subprogram {
                        functions.append(
                            FunctionEntry(
                                root: ScopeEntry(
                                    parent: -1, firstRange: firstRange, rangeCount: rangeCount, nameDIE: origin),
                                lineTable: lineTable))
                        if abbreviation.hasChildren { scopes.append((depth + 1, functions.count - 1, -1)) }
                    } else if let scope = scopes.last {
                        var entry = ScopeEntry(
                            parent: scope.inline, firstRange: firstRange, rangeCount: rangeCount, nameDIE: origin)
                        entry.callFile = value(DW_AT_call_file)?.value ?? 0
                        entry.callLine = value(DW_AT_call_line)?.value ?? 0
                        entry.callColumn = value(DW_AT_call_column)?.value ?? 0
                        entry.function = scope.function
                        inlineStore.append(entry)
                        let index = functions[scope.function].inlineCount
                        functions[scope.function].inlineCount += 1
                        if abbreviation.hasChildren { scopes.append((depth + 1, scope.function, index)) }
                    } else {
                        rangeStore.removeSubrange(firstRange...)  // an inlined call outside any function
                    }
                }
            }
            if abbreviation.hasChildren { depth += 1 }
            if depth == 0 { break }
        }
    }

    /// Appends the code ranges of a DIE to the range store: [low_pc, high_pc) or DW_AT_ranges, without
    /// discarded (tombstoned) ranges.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    mutating func appendCodeRanges(value: (UInt64) -> DWARFValue?, context: DWARFFormContext, unitBase: UInt64) {
        func append(_ low: UInt64, _ high: UInt64) {
            if low < high && low >= minimumAddress && low < 0xffff_ffff_ffff_fffe { rangeStore.append((low, high)) }
        }
        if let low = value(DW_AT_low_pc).flatMap(context.address), let highValue = value(DW_AT_high_pc) {
            let high = DWARFFormContext.isConstant(highValue.form) ? low &+ highValue.value : context.address(highValue)
            if let high { append(low, high) }
        } else if let rangesValue = value(DW_AT_ranges) {
            for (low, high) in RangeListReader(context: context, unitBase: unitBase).ranges(rangesValue) {
                append(low, high)
            }
        }
    }

    /// The name of the subprogram DIE at `offset`: DW_AT_linkage_name, else DW_AT_name, following
    /// DW_AT_specification / DW_AT_abstract_origin (at most 8 steps) for whichever is missing.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func resolvedName(_ offset: UInt64) -> UnsafeRawBufferPointer? {
        var current = offset
        var shortName: UnsafeRawBufferPointer?
        for _ in 0..<8 {
            guard let entry = name(at: current) else { break }
            if !entry.linkageName.isEmpty { return entry.linkageName }
            if shortName == nil, !entry.name.isEmpty { shortName = entry.name }
            guard entry.reference != .max else { break }
            current = entry.reference
        }
        return shortName
    }

    /// The names recorded for the subprogram DIE at `offset`, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func name(at offset: UInt64) -> NameEntry? {
        var low = 0
        var high = names.count
        while low < high {
            let middle = low + (high - low) / 2
            if names[middle].offset < offset { low = middle + 1 } else { high = middle }
        }
        return low < names.count && names[low].offset == offset ? names[low] : nil
    }
}
