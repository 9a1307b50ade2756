// One .debug_abbrev table, parsed into flat arrays: the declarations, their attribute specifications back to
// back, and a code -> declaration index (an array for the small, dense codes compilers emit, a dictionary for
// anything else). Preparation time only.
//
// A library such as libc has thousands of units, each with its own table; keeping every parsed table alive
// cost more than the final line index, so the reader keeps only the table of the unit it is reading (and
// reuses it when consecutive units share it).

/// One attribute specification of a declaration.
struct AttributeSpec {
    var name: UInt64
    var form: UInt64
    /// The value of DW_FORM_implicit_const (0 for other forms).
    var implicit: Int64
}

/// One abbreviation declaration: its tag, children flag and a slice of the table's attribute specifications.
struct Abbreviation {
    var tag: UInt64
    var hasChildren: Bool
    var firstAttribute: Int
    var attributeCount: Int
    /// The size in bytes of a DIE's attributes when every form has a fixed size in the unit, else -1: such
    /// DIEs are stepped over in one skip.
    var fixedSize: Int
}

/// The unit properties that form sizes depend on.
struct UnitFormat: Equatable {
    var offsetSize: Int
    var addressSize: Int
    var version: UInt16

    /// The size of a value of `form`, or nil when it varies (LEB128, strings, blocks, indirect) or the form is
    /// unknown. Must agree with `DWARFFormContext.readForm`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func fixedSize(of form: UInt64) -> Int? {
        switch form {
        case DW_FORM_flag_present, DW_FORM_implicit_const: return 0
        case DW_FORM_data1, DW_FORM_ref1, DW_FORM_flag, DW_FORM_strx1, DW_FORM_addrx1: return 1
        case DW_FORM_data2, DW_FORM_ref2, DW_FORM_strx2, DW_FORM_addrx2: return 2
        case DW_FORM_strx3, DW_FORM_addrx3: return 3
        case DW_FORM_data4, DW_FORM_ref4, DW_FORM_ref_sup4, DW_FORM_strx4, DW_FORM_addrx4: return 4
        case DW_FORM_data8, DW_FORM_ref8, DW_FORM_ref_sig8, DW_FORM_ref_sup8: return 8
        case DW_FORM_data16: return 16
        case DW_FORM_addr: return addressSize
        case DW_FORM_strp, DW_FORM_line_strp, DW_FORM_sec_offset, DW_FORM_strp_sup, DW_FORM_GNU_ref_alt,
            DW_FORM_GNU_strp_alt:
            return offsetSize
        case DW_FORM_ref_addr: return version <= 2 ? addressSize : offsetSize
        default: return nil
        }
    }
}

/// A parsed abbreviation table.
struct AbbreviationTable {
    /// Its offset in .debug_abbrev.
    let offset: UInt64
    /// The unit format its fixed sizes were computed for.
    let format: UnitFormat
    private(set) var declarations: [Abbreviation] = []
    private(set) var attributes: [AttributeSpec] = []
    /// Declaration index + 1 by code, for codes below `denseLimit` (0: no such code).
    private var dense: [Int32] = []
    /// Declaration index by code, for larger codes.
    private var sparse: [UInt64: Int] = [:]

    /// Codes below this go to the dense array (compilers number declarations 1, 2, 3, ...).
    static let denseLimit: UInt64 = 1 << 16

    /// Parses the table at `offset` in `abbrev`. A later declaration with the same code replaces an earlier
    /// one. The walk ends at code 0 or at the end of the section.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    init(abbrev: UnsafeRawBufferPointer, offset: UInt64, format: UnitFormat) {
        self.offset = offset
        self.format = format
        var cursor = ByteCursor(abbrev)
        cursor.skip(offset)
        while !cursor.isAtEnd {
            let code = cursor.readULEB128()
            if code == 0 { break }
            let tag = cursor.readULEB128()
            let hasChildren = cursor.readU8() != 0
            let first = attributes.count
            var fixedSize: Int? = 0
            while !cursor.isAtEnd {
                let name = cursor.readULEB128()
                let form = cursor.readULEB128()
                if name == 0 && form == 0 { break }
                let implicit = form == DW_FORM_implicit_const ? cursor.readSLEB128() : 0
                attributes.append(AttributeSpec(name: name, form: form, implicit: implicit))
                if let size = fixedSize { fixedSize = format.fixedSize(of: form).map { size + $0 } }
            }
            let index = declarations.count
            declarations.append(
                Abbreviation(
                    tag: tag, hasChildren: hasChildren, firstAttribute: first, attributeCount: attributes.count - first,
                    fixedSize: fixedSize ?? -1))
            if code < Self.denseLimit {
                if dense.count <= Int(code) { dense += repeatElement(0, count: Int(code) + 1 - dense.count) }
                dense[Int(code)] = Int32(index + 1)
            } else {
                sparse[code] = index
            }
        }
    }

    /// The declaration with `code`, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func declaration(_ code: UInt64) -> Abbreviation? {
        if code < Self.denseLimit {
            guard Int(code) < dense.count, dense[Int(code)] > 0 else { return nil }
            return declarations[Int(dense[Int(code)]) - 1]
        }
        return sparse[code].map { declarations[$0] }
    }
}
