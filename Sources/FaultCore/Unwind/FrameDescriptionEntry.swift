// CIE and FDE records of .eh_frame (LSB "Exception Frames", DWARF 4 §6.4.1), parsed with bounded cursors.
//
// Entry layout: a 4-byte length (0xffffffff then an 8-byte length for 64-bit entries; 0 terminates the
// section), then a 4-byte id: 0 for a CIE, otherwise the distance back from this field to the FDE's CIE.

/// The fields of a Common Information Entry the unwinder needs.
struct CommonInformationEntry {
    /// Factor applied to DW_CFA_advance_loc deltas.
    var codeAlignment: UInt64 = 1
    /// Factor applied to DW_CFA_offset-style offsets.
    var dataAlignment: Int64 = 0
    /// The column holding the return address (16, rip, on x86_64).
    var returnAddressRegister: UInt64 = 16
    /// Encoding of the FDE's pc_begin / pc_range ('R' augmentation; absptr without it).
    var pointerEncoding: UInt8 = 0
    /// Whether the augmentation string has 'z' (the FDE then carries augmentation data to skip).
    var hasAugmentationData = false
    /// 'S': frames of this CIE are signal frames (the pc is exact, not a return address).
    var isSignalFrame = false
    /// The initial instructions: `[instructionsStart, instructionsEnd)`.
    var instructionsStart: UInt = 0
    /// One past the last initial instruction.
    var instructionsEnd: UInt = 0

    /// Creates an empty CIE (filled by `parse`).
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    init() {}
}

/// The fields of a Frame Description Entry the unwinder needs.
struct FrameDescriptionEntry {
    /// First pc covered.
    var pcBegin: UInt = 0
    /// One past the last pc covered.
    var pcEnd: UInt = 0
    /// The FDE's instructions: `[instructionsStart, instructionsEnd)`.
    var instructionsStart: UInt = 0
    /// One past the last instruction.
    var instructionsEnd: UInt = 0
    /// Its CIE.
    var cie = CommonInformationEntry()

    /// Creates an empty FDE (filled by `parse`).
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    init() {}
}

/// What an .eh_frame entry header says.
struct EhFrameEntryHeader {
    /// Address of the first byte after the id field.
    var contentStart: UInt = 0
    /// One past the entry's last byte (the next entry's start).
    var entryEnd: UInt = 0
    /// Address of the id / CIE pointer field.
    var idAddress: UInt = 0
    /// The id field: 0 for a CIE.
    var id: UInt32 = 0
    /// True for the zero-length terminator.
    var isTerminator = false

    /// Creates an empty header.
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    init() {}

    /// Reads an entry header at `address`, bounded by `limit`. Nil if unreadable or out of bounds.
    ///
    /// - Signal safety: safe. At most three guarded reads.
    @_noAllocation @_noLocks
    static func read(at address: UInt, limit: UInt, image: UnsafePointer<ImageRecord>?) -> EhFrameEntryHeader? {
        var cursor = DwarfCursor(address: address, end: limit, image: image)
        var header = EhFrameEntryHeader()
        var length = UInt64(cursor.u32())
        if cursor.failed { return nil }
        if length == 0 {
            header.isTerminator = true
            header.entryEnd = cursor.address
            return header
        }
        if length == 0xffff_ffff { length = cursor.u64() }
        if cursor.failed { return nil }
        let bodyStart = cursor.address
        if bodyStart > limit || length > UInt64(limit &- bodyStart) || length < 4 { return nil }
        header.entryEnd = bodyStart &+ UInt(length)
        header.idAddress = bodyStart
        header.id = cursor.u32()
        if cursor.failed { return nil }
        header.contentStart = cursor.address
        return header
    }
}

extension CommonInformationEntry {
    /// Parses the CIE at `address` (its length field). Nil if malformed, unsupported or unreadable.
    ///
    /// - Signal safety: safe. Bounded by the entry length; at most 16 augmentation characters.
    @_noAllocation @_noLocks
    static func parse(at address: UInt, limit: UInt, image: UnsafePointer<ImageRecord>?) -> CommonInformationEntry? {
        guard let header = EhFrameEntryHeader.read(at: address, limit: limit, image: image),
              !header.isTerminator, header.id == 0 else { return nil }
        var cursor = DwarfCursor(address: header.contentStart, end: header.entryEnd, image: image)
        var cie = CommonInformationEntry()
        let version = cursor.u8()
        if version != 1 && version != 3 && version != 4 { return nil }
        // The augmentation string: remember where it is, note 'z', 'S' and "eh" now, and interpret the
        // augmentation data in the string's order below.
        let augmentationStart = cursor.address
        var hasZ = false, hasEH = false
        var previous: UInt8 = 0
        var length = 0
        while true {
            let character = cursor.u8()
            if cursor.failed || length > 16 { return nil }
            if character == 0 { break }
            if character == UInt8(ascii: "z") && length == 0 { hasZ = true }
            if character == UInt8(ascii: "S") { cie.isSignalFrame = true }
            if character == UInt8(ascii: "h") && previous == UInt8(ascii: "e") { hasEH = true }
            previous = character
            length &+= 1
        }
        if hasEH { cursor.skip(8) }  // Old GCC "eh": a pointer to exception data.
        if version == 4 {
            let addressSize = cursor.u8()
            let segmentSize = cursor.u8()
            if addressSize != 8 || segmentSize != 0 { return nil }
        }
        cie.codeAlignment = cursor.uleb128()
        cie.dataAlignment = cursor.sleb128()
        cie.returnAddressRegister = version == 1 ? UInt64(cursor.u8()) : cursor.uleb128()
        if cursor.failed { return nil }
        if hasZ {
            cie.hasAugmentationData = true
            let dataLength = cursor.uleb128()
            if cursor.failed { return nil }
            var data = DwarfCursor(address: cursor.address, end: cursor.end, image: image)
            var string = DwarfCursor(address: augmentationStart &+ 1, end: augmentationStart &+ UInt(length),
                                     image: image)
            var index = 1
            while index < length && !string.failed && !data.failed {
                switch string.u8() {
                case UInt8(ascii: "P"):
                    let encoding = data.u8()
                    _ = data.encodedPointer(encoding)
                case UInt8(ascii: "L"): _ = data.u8()
                case UInt8(ascii: "R"): cie.pointerEncoding = data.u8()
                case UInt8(ascii: "S"), UInt8(ascii: "B"), UInt8(ascii: "G"): break
                default: index = length  // Unknown: the rest is skipped with the data length.
                }
                index &+= 1
            }
            if data.failed { return nil }
            cursor.skip(dataLength)
        } else {
            // Without 'z' only "eh" and 'S' can be understood.
            var string = DwarfCursor(address: augmentationStart, end: augmentationStart &+ UInt(length),
                                     image: image)
            while !string.isAtEnd {
                let character = string.u8()
                if character != UInt8(ascii: "e") && character != UInt8(ascii: "h")
                    && character != UInt8(ascii: "S") { return nil }
            }
        }
        if cursor.failed { return nil }
        cie.instructionsStart = cursor.address
        cie.instructionsEnd = header.entryEnd
        return cie
    }
}

extension FrameDescriptionEntry {
    /// Parses the FDE at `address` (its length field) and its CIE. `dataBase` is the .eh_frame_hdr address
    /// (for datarel encodings). Nil if it is a CIE, the terminator, malformed or unreadable.
    ///
    /// - Signal safety: safe. Bounded by the entry lengths.
    @_noAllocation @_noLocks
    static func parse(at address: UInt, limit: UInt, dataBase: UInt,
                      image: UnsafePointer<ImageRecord>?) -> FrameDescriptionEntry? {
        guard let header = EhFrameEntryHeader.read(at: address, limit: limit, image: image),
              !header.isTerminator, header.id != 0 else { return nil }
        // The CIE pointer is relative to its own field and points backwards.
        let distance = UInt(header.id)
        if distance > header.idAddress { return nil }
        let cieAddress = header.idAddress &- distance
        // A CIE precedes its FDEs in the same section; bound it by this FDE.
        guard let cie = CommonInformationEntry.parse(at: cieAddress, limit: header.idAddress, image: image) else {
            return nil
        }
        var cursor = DwarfCursor(address: header.contentStart, end: header.entryEnd, image: image)
        var fde = FrameDescriptionEntry()
        fde.cie = cie
        fde.pcBegin = cursor.encodedPointer(cie.pointerEncoding, dataBase: dataBase)
        // pc_range uses only the value format, never the application bits.
        let range = cursor.encodedPointer(cie.pointerEncoding & 0x0f)
        if cursor.failed { return nil }
        let (end, overflow) = fde.pcBegin.addingReportingOverflow(range)
        if overflow { return nil }
        fde.pcEnd = end
        if cie.hasAugmentationData {
            let dataLength = cursor.uleb128()
            cursor.skip(dataLength)
        }
        if cursor.failed { return nil }
        fde.instructionsStart = cursor.address
        fde.instructionsEnd = header.entryEnd
        return fde
    }
}
