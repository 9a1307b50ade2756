// DW_AT_ranges: DWARF 2-4 .debug_ranges lists and DWARF 5 .debug_rnglists lists (DW_FORM_sec_offset or
// DW_FORM_rnglistx). Preparation time only; each list is capped at `maximumEntries`.

/// Decodes one range list.
struct RangeListReader {
    let context: DWARFFormContext
    /// The unit's base address (its DW_AT_low_pc).
    let unitBase: UInt64
    /// Upper bound on entries read from one list.
    static let maximumEntries = 100_000

    /// The ranges of a DW_AT_ranges value.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func ranges(_ value: DWARFValue) -> [(UInt64, UInt64)] {
        if context.version < 5 {
            return legacyRanges(at: value.value)
        }
        var offset = value.value
        if value.form == DW_FORM_rnglistx {
            var cursor = ByteCursor(context.sections.rnglists)
            cursor.skip(context.rnglistsBase &+ value.value &* UInt64(context.offsetSize))
            let relative = cursor.readUnsigned(size: context.offsetSize)
            if cursor.overrun { return [] }
            offset = context.rnglistsBase &+ relative
        }
        return rangeList(at: offset)
    }

    /// A .debug_ranges list (pairs of addresses; all-ones start selects a new base; 0,0 ends).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func legacyRanges(at offset: UInt64) -> [(UInt64, UInt64)] {
        var cursor = ByteCursor(context.sections.ranges)
        cursor.skip(offset)
        let size = context.addressSize
        let baseMarker: UInt64 = size == 4 ? 0xffff_ffff : .max
        var base = unitBase
        var result: [(UInt64, UInt64)] = []
        for _ in 0..<Self.maximumEntries {
            let start = cursor.readUnsigned(size: size)
            let end = cursor.readUnsigned(size: size)
            if cursor.overrun || (start == 0 && end == 0) { break }
            if start == baseMarker {
                base = end
                continue
            }
            result.append((base &+ start, base &+ end))
        }
        return result
    }

    /// A .debug_rnglists list.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    func rangeList(at offset: UInt64) -> [(UInt64, UInt64)] {
        var cursor = ByteCursor(context.sections.rnglists)
        cursor.skip(offset)
        var base = unitBase
        var result: [(UInt64, UInt64)] = []
        let size = context.addressSize
        for _ in 0..<Self.maximumEntries {
            let kind = cursor.readU8()
            if cursor.overrun { break }
            switch kind {
            case DW_RLE_end_of_list:
                return result
            case DW_RLE_base_addressx:
                base = context.indexedAddress(cursor.readULEB128()) ?? 0
            case DW_RLE_startx_endx:
                let start = context.indexedAddress(cursor.readULEB128())
                let end = context.indexedAddress(cursor.readULEB128())
                if let start, let end { result.append((start, end)) }
            case DW_RLE_startx_length:
                let start = context.indexedAddress(cursor.readULEB128())
                let length = cursor.readULEB128()
                if let start { result.append((start, start &+ length)) }
            case DW_RLE_offset_pair:
                let start = cursor.readULEB128()
                let end = cursor.readULEB128()
                result.append((base &+ start, base &+ end))
            case DW_RLE_base_address:
                base = cursor.readUnsigned(size: size)
            case DW_RLE_start_end:
                let start = cursor.readUnsigned(size: size)
                result.append((start, cursor.readUnsigned(size: size)))
            case DW_RLE_start_length:
                let start = cursor.readUnsigned(size: size)
                result.append((start, start &+ cursor.readULEB128()))
            default:
                return result
            }
        }
        return result
    }
}
