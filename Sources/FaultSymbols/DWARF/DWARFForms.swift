// Attribute-form decoding (DWARF 2-5 and the GNU split-DWARF forms) and the unit-relative resolution of
// strings, addresses and references. Preparation time only.

/// A decoded attribute value: the form, its integer payload (constant, offset, index or address) and, for
/// inline strings and blocks, the bytes.
struct DWARFValue {
    var form: UInt64
    var value: UInt64 = 0
    var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
}

/// What decoding a form depends on: the unit's sizes and bases.
struct DWARFFormContext {
    var sections: DWARFSections
    var offsetSize: Int
    var addressSize: Int
    var version: UInt16 = 5
    /// Offset of the unit header in .debug_info (for unit-relative references).
    var unitOffset: UInt64 = 0
    var strOffsetsBase: UInt64 = 8
    var addrBase: UInt64 = 8
    var rnglistsBase: UInt64 = 0

    /// Reads one attribute value of `form`. DW_FORM_indirect is followed at most 4 times.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func readForm(_ form: UInt64, _ cursor: inout ByteCursor, implicit: Int64, depth: Int = 0) -> DWARFValue {
        var result = DWARFValue(form: form)
        switch form {
        case DW_FORM_addr: result.value = cursor.readUnsigned(size: addressSize)
        case DW_FORM_data1, DW_FORM_ref1, DW_FORM_flag, DW_FORM_strx1, DW_FORM_addrx1:
            result.value = UInt64(cursor.readU8())
        case DW_FORM_data2, DW_FORM_ref2, DW_FORM_strx2, DW_FORM_addrx2:
            result.value = UInt64(cursor.readU16())
        case DW_FORM_strx3, DW_FORM_addrx3:
            let low = UInt64(cursor.readU16())
            result.value = low | UInt64(cursor.readU8()) << 16
        case DW_FORM_data4, DW_FORM_ref4, DW_FORM_ref_sup4, DW_FORM_strx4, DW_FORM_addrx4:
            result.value = UInt64(cursor.readU32())
        case DW_FORM_data8, DW_FORM_ref8, DW_FORM_ref_sig8, DW_FORM_ref_sup8:
            result.value = cursor.readU64()
        case DW_FORM_data16: result.bytes = cursor.readBytes(16)
        case DW_FORM_sdata: result.value = UInt64(bitPattern: cursor.readSLEB128())
        case DW_FORM_udata, DW_FORM_ref_udata, DW_FORM_strx, DW_FORM_addrx, DW_FORM_loclistx, DW_FORM_rnglistx,
            DW_FORM_GNU_addr_index, DW_FORM_GNU_str_index:
            result.value = cursor.readULEB128()
        case DW_FORM_string: result.bytes = cursor.readCString()
        case DW_FORM_strp, DW_FORM_line_strp, DW_FORM_sec_offset, DW_FORM_strp_sup, DW_FORM_GNU_ref_alt,
            DW_FORM_GNU_strp_alt:
            result.value = cursor.readUnsigned(size: offsetSize)
        case DW_FORM_ref_addr:
            result.value = cursor.readUnsigned(size: version <= 2 ? addressSize : offsetSize)
        case DW_FORM_block1: result.bytes = cursor.readBytes(Int(cursor.readU8()))
        case DW_FORM_block2: result.bytes = cursor.readBytes(Int(cursor.readU16()))
        case DW_FORM_block4: result.bytes = cursor.readBytes(Int(cursor.readU32()))
        case DW_FORM_block, DW_FORM_exprloc:
            let length = cursor.readULEB128()
            result.bytes = cursor.readBytes(length > UInt64(Int32.max) ? -1 : Int(length))
        case DW_FORM_flag_present: result.value = 1
        case DW_FORM_implicit_const: result.value = UInt64(bitPattern: implicit)
        case DW_FORM_indirect:
            let actual = cursor.readULEB128()
            if depth >= 4 || actual == DW_FORM_indirect {
                cursor.overrun = true
                return result
            }
            return readForm(actual, &cursor, implicit: implicit, depth: depth + 1)
        default:
            cursor.overrun = true  // Unknown form: the rest of the unit cannot be decoded.
        }
        return result
    }

    /// The string an attribute value denotes, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func string(_ value: DWARFValue) -> UnsafeRawBufferPointer? {
        switch value.form {
        case DW_FORM_string: return value.bytes
        case DW_FORM_strp: return cString(in: sections.str, at: value.value)
        case DW_FORM_line_strp: return cString(in: sections.lineStr, at: value.value)
        case DW_FORM_strx, DW_FORM_strx1, DW_FORM_strx2, DW_FORM_strx3, DW_FORM_strx4, DW_FORM_GNU_str_index:
            let (slot, overflow) = value.value.multipliedReportingOverflow(by: UInt64(offsetSize))
            guard !overflow else { return nil }
            var cursor = ByteCursor(sections.strOffsets)
            cursor.skip(strOffsetsBase &+ slot)
            let offset = cursor.readUnsigned(size: offsetSize)
            return cursor.overrun ? nil : cString(in: sections.str, at: offset)
        default: return nil
        }
    }

    /// The address an attribute value denotes (DW_FORM_addr or an index into .debug_addr), or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func address(_ value: DWARFValue) -> UInt64? {
        switch value.form {
        case DW_FORM_addr: return value.value
        case DW_FORM_addrx, DW_FORM_addrx1, DW_FORM_addrx2, DW_FORM_addrx3, DW_FORM_addrx4, DW_FORM_GNU_addr_index:
            return indexedAddress(value.value)
        default: return nil
        }
    }

    /// Entry `index` of this unit's .debug_addr table.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func indexedAddress(_ index: UInt64) -> UInt64? {
        let (slot, overflow) = index.multipliedReportingOverflow(by: UInt64(addressSize))
        guard !overflow else { return nil }
        var cursor = ByteCursor(sections.addr)
        cursor.skip(addrBase &+ slot)
        let address = cursor.readUnsigned(size: addressSize)
        return cursor.overrun ? nil : address
    }

    /// The absolute .debug_info offset a reference value denotes, or nil (type-unit and supplementary-file
    /// references are not followed).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func reference(_ value: DWARFValue) -> UInt64? {
        switch value.form {
        case DW_FORM_ref1, DW_FORM_ref2, DW_FORM_ref4, DW_FORM_ref8, DW_FORM_ref_udata:
            return unitOffset &+ value.value
        case DW_FORM_ref_addr: return value.value
        default: return nil
        }
    }

    /// True if the value is of the constant class (for DW_AT_high_pc as an offset from DW_AT_low_pc).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func isConstant(_ form: UInt64) -> Bool {
        [DW_FORM_data1, DW_FORM_data2, DW_FORM_data4, DW_FORM_data8, DW_FORM_udata, DW_FORM_sdata,
         DW_FORM_implicit_const].contains(form)
    }
}
