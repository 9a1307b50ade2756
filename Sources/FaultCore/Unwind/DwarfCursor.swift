// A bounded reader over unwind data (.eh_frame_hdr, .eh_frame, CFA programs, DWARF expressions).
//
// A cursor never reads at or past `end`, and every read is guarded (`UnwindMemory.read`). A failed read sets
// `failed` and yields 0, so parsers can run straight-line code and check `failed` at decision points.

/// Pointer encodings of the LSB / DWARF exception-handling extensions (DW_EH_PE_*).
enum DW_EH_PE {
    static var absptr: UInt8 { @_noAllocation @_noLocks get { 0x00 } }
    static var uleb128: UInt8 { @_noAllocation @_noLocks get { 0x01 } }
    static var udata2: UInt8 { @_noAllocation @_noLocks get { 0x02 } }
    static var udata4: UInt8 { @_noAllocation @_noLocks get { 0x03 } }
    static var udata8: UInt8 { @_noAllocation @_noLocks get { 0x04 } }
    static var sleb128: UInt8 { @_noAllocation @_noLocks get { 0x09 } }
    static var sdata2: UInt8 { @_noAllocation @_noLocks get { 0x0a } }
    static var sdata4: UInt8 { @_noAllocation @_noLocks get { 0x0b } }
    static var sdata8: UInt8 { @_noAllocation @_noLocks get { 0x0c } }
    static var pcrel: UInt8 { @_noAllocation @_noLocks get { 0x10 } }
    static var textrel: UInt8 { @_noAllocation @_noLocks get { 0x20 } }
    static var datarel: UInt8 { @_noAllocation @_noLocks get { 0x30 } }
    static var funcrel: UInt8 { @_noAllocation @_noLocks get { 0x40 } }
    static var aligned: UInt8 { @_noAllocation @_noLocks get { 0x50 } }
    static var indirect: UInt8 { @_noAllocation @_noLocks get { 0x80 } }
    static var omit: UInt8 { @_noAllocation @_noLocks get { 0xff } }
}

/// A forward-only reader over `[address, end)`.
struct DwarfCursor {
    /// The next byte to read.
    var address: UInt
    /// One past the last readable byte.
    var end: UInt
    /// The image whose segments may be read directly (see `UnwindMemory`), or nil for guarded reads only.
    let image: UnsafePointer<ImageRecord>?
    /// Set by the first read that failed or ran past `end`; sticky.
    var failed: Bool = false
    /// The readable segment of a prepared image that contains the start address: reads inside it are plain
    /// loads (empty when reads must be guarded).
    var directStart: UInt = 0
    /// One past the end of the direct-read window.
    var directEnd: UInt = 0

    /// Creates a cursor over `[address, end)`.
    ///
    /// - Signal safety: safe. A bounded loop over the image's segments.
    @_noAllocation @_noLocks
    init(address: UInt, end: UInt, image: UnsafePointer<ImageRecord>?) {
        self.address = address
        self.end = end
        self.image = image
        if let image, image.pointee.isDirectlyReadable {
            var index = 0
            while index < image.pointee.segmentCount {
                let segment = image.pointee.segment(at: index)
                if segment.isReadable && segment.contains(address) {
                    directStart = segment.start
                    directEnd = segment.end
                    break
                }
                index &+= 1
            }
        }
    }

    /// Whether every byte has been consumed (or the cursor failed).
    var isAtEnd: Bool { @_noAllocation @_noLocks get { failed || address >= end } }

    /// Reads `count` (≤ 8) bytes little-endian into the low bytes of a word.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    mutating func readBytes(_ count: Int) -> UInt64 {
        if failed { return 0 }
        if count < 0 || count > 8 || address > end || UInt(count) > end &- address {
            failed = true
            return 0
        }
        var value: UInt64 = 0
        if address >= directStart && address < directEnd && UInt(count) <= directEnd &- address,
           let source = UnsafeRawPointer(bitPattern: address) {
            // Inside the prepared segment: a plain, bounds-checked load.
            withUnsafeMutableBytes(of: &value) { raw in
                raw.baseAddress!.copyMemory(from: source, byteCount: count)
            }
            address &+= UInt(count)
            return value
        }
        if !UnwindMemory.read(&value, at: address, count: count, image: image) {
            failed = true
            return 0
        }
        address &+= UInt(count)
        return value
    }

    /// One unsigned byte.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    mutating func u8() -> UInt8 { UInt8(truncatingIfNeeded: readBytes(1)) }

    /// A 16-bit little-endian value.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    mutating func u16() -> UInt16 { UInt16(truncatingIfNeeded: readBytes(2)) }

    /// A 32-bit little-endian value.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: readBytes(4)) }

    /// A 64-bit little-endian value.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    mutating func u64() -> UInt64 { readBytes(8) }

    /// An unsigned LEB128 number (at most 10 bytes; longer encodings fail).
    ///
    /// - Signal safety: safe. At most 10 guarded reads.
    @_noAllocation @_noLocks
    mutating func uleb128() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            let byte = u8()
            if failed { return 0 }
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            if byte & 0x80 == 0 { return result }
            shift &+= 7
        }
        failed = true
        return 0
    }

    /// A signed LEB128 number (at most 10 bytes; longer encodings fail).
    ///
    /// - Signal safety: safe. At most 10 guarded reads.
    @_noAllocation @_noLocks
    mutating func sleb128() -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            let byte = u8()
            if failed { return 0 }
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            shift &+= 7
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 { result |= ~UInt64(0) << shift }
                return Int64(bitPattern: result)
            }
        }
        failed = true
        return 0
    }

    /// Skips `count` bytes (fails if that passes `end`).
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    mutating func skip(_ count: UInt64) {
        if failed { return }
        if address > end || count > UInt64(end &- address) {
            failed = true
            return
        }
        address &+= UInt(count)
    }

    /// Reads a pointer in the DW_EH_PE `encoding`. `dataBase` is the base for datarel (the .eh_frame_hdr
    /// address) and `functionBase` for funcrel. textrel and unknown formats fail; `omit` yields 0.
    ///
    /// - Signal safety: safe. A bounded number of guarded reads.
    @_noAllocation @_noLocks
    mutating func encodedPointer(_ encoding: UInt8, dataBase: UInt = 0, functionBase: UInt = 0) -> UInt {
        if encoding == DW_EH_PE.omit { return 0 }
        if encoding & 0x70 == DW_EH_PE.aligned {
            address = (address &+ 7) & ~UInt(7)
        }
        let fieldAddress = address
        var value: UInt
        switch encoding & 0x0f {
        case DW_EH_PE.absptr: value = UInt(u64())
        case DW_EH_PE.uleb128: value = UInt(uleb128())
        case DW_EH_PE.udata2: value = UInt(u16())
        case DW_EH_PE.udata4: value = UInt(u32())
        case DW_EH_PE.udata8: value = UInt(u64())
        case DW_EH_PE.sleb128: value = UInt(bitPattern: Int(sleb128()))
        case DW_EH_PE.sdata2: value = UInt(bitPattern: Int(Int16(bitPattern: u16())))
        case DW_EH_PE.sdata4: value = UInt(bitPattern: Int(Int32(bitPattern: u32())))
        case DW_EH_PE.sdata8: value = UInt(u64())
        default:
            failed = true
            return 0
        }
        if failed { return 0 }
        switch encoding & 0x70 {
        case DW_EH_PE.absptr, DW_EH_PE.aligned: break
        case DW_EH_PE.pcrel: value = value &+ fieldAddress
        case DW_EH_PE.datarel:
            if dataBase == 0 { failed = true; return 0 }
            value = value &+ dataBase
        case DW_EH_PE.funcrel:
            if functionBase == 0 { failed = true; return 0 }
            value = value &+ functionBase
        default:
            failed = true
            return 0
        }
        if encoding & DW_EH_PE.indirect != 0 {
            guard let target = UnwindMemory.readWord(at: value) else {
                failed = true
                return 0
            }
            value = UInt(target)
        }
        return value
    }

    /// The size in bytes of a fixed-size encoding (for binary search tables), or 0 for variable sizes.
    ///
    /// - Signal safety: safe. A switch.
    @_noAllocation @_noLocks
    static func fixedSize(of encoding: UInt8) -> Int {
        switch encoding & 0x0f {
        case DW_EH_PE.udata2, DW_EH_PE.sdata2: return 2
        case DW_EH_PE.udata4, DW_EH_PE.sdata4: return 4
        case DW_EH_PE.absptr, DW_EH_PE.udata8, DW_EH_PE.sdata8: return 8
        default: return 0
        }
    }
}
