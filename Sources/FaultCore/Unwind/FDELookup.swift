// Finding the FDE that covers a pc: binary search in .eh_frame_hdr's sorted table (LSB "The .eh_frame_hdr
// section"), or a bounded linear scan of .eh_frame when the header has no usable table.
//
// .eh_frame_hdr layout: version (1), eh_frame_ptr_enc, fde_count_enc, table_enc, eh_frame_ptr, fde_count,
// then fde_count pairs (initial_location, fde_address) sorted by initial_location. Linkers emit
// table_enc = DW_EH_PE_datarel | DW_EH_PE_sdata4, relative to the start of .eh_frame_hdr.

enum FDELookup {
    /// Upper bound on entries visited by the linear .eh_frame scan (libswiftCore has about 30 000 FDEs).
    static var maximumLinearEntries: Int { @_noAllocation @_noLocks get { 1 << 20 } }

    /// Finds and parses the FDE of `image` that covers `pc`. Nil if the image has no .eh_frame_hdr, no FDE
    /// covers `pc`, or the data is malformed.
    ///
    /// - Signal safety: safe. O(log n) guarded reads, or a scan bounded by `maximumLinearEntries`.
    @_noAllocation @_noLocks
    static func find(pc: UInt, image: UnsafePointer<ImageRecord>) -> FrameDescriptionEntry? {
        let header = image.pointee.ehFrameHeader
        if header == 0 { return nil }
        let headerSize = image.pointee.ehFrameHeaderSize
        let headerEnd = headerSize > 0 ? header &+ headerSize : image.pointee.endAddress
        if headerEnd <= header { return nil }
        var cursor = DwarfCursor(address: header, end: headerEnd, image: image)
        let version = cursor.u8()
        let frameEncoding = cursor.u8()
        let countEncoding = cursor.u8()
        let tableEncoding = cursor.u8()
        if cursor.failed || version != 1 { return nil }
        let ehFrame = cursor.encodedPointer(frameEncoding, dataBase: header)
        if cursor.failed || ehFrame == 0 { return nil }
        // .eh_frame lies in the same image; bound reads of it by the image's span.
        let frameLimit = image.pointee.endAddress > ehFrame ? image.pointee.endAddress : ehFrame
        let entrySize = DwarfCursor.fixedSize(of: tableEncoding)
        if countEncoding != DW_EH_PE.omit && tableEncoding != DW_EH_PE.omit && entrySize > 0
            && tableEncoding & 0x70 == DW_EH_PE.datarel {
            let count = cursor.encodedPointer(countEncoding, dataBase: header)
            if cursor.failed { return nil }
            let tableStart = cursor.address
            // The table must fit in the section (when its size is known).
            let available = headerEnd > tableStart ? headerEnd &- tableStart : 0
            if count == 0 || count > available / UInt(2 &* entrySize) { return nil }
            return searchTable(pc: pc, tableStart: tableStart, count: Int(count), entrySize: entrySize,
                               encoding: tableEncoding, header: header, frameLimit: frameLimit, image: image)
        }
        return linearScan(pc: pc, ehFrame: ehFrame, limit: frameLimit, dataBase: header, image: image)
    }

    /// Binary search over the sorted (initial_location, fde_address) table.
    ///
    /// - Signal safety: safe. O(log count) guarded reads.
    @_noAllocation @_noLocks
    static func searchTable(pc: UInt, tableStart: UInt, count: Int, entrySize: Int, encoding: UInt8,
                            header: UInt, frameLimit: UInt, image: UnsafePointer<ImageRecord>) -> FrameDescriptionEntry? {
        let stride = UInt(2 &* entrySize)
        let tableEnd = tableStart &+ UInt(count) &* stride
        var low = 0
        var high = count
        var steps = 0
        // Find the last entry whose initial_location <= pc.
        while low < high && steps < 64 {
            steps &+= 1
            let middle = low &+ (high &- low) / 2
            var cursor = DwarfCursor(address: tableStart &+ UInt(middle) &* stride, end: tableEnd, image: image)
            let location = cursor.encodedPointer(encoding, dataBase: header)
            if cursor.failed { return nil }
            if location <= pc {
                low = middle &+ 1
            } else {
                high = middle
            }
        }
        if low == 0 { return nil }
        var cursor = DwarfCursor(address: tableStart &+ UInt(low &- 1) &* stride, end: tableEnd, image: image)
        _ = cursor.encodedPointer(encoding, dataBase: header)
        let fdeAddress = cursor.encodedPointer(encoding, dataBase: header)
        if cursor.failed { return nil }
        guard let fde = FrameDescriptionEntry.parse(at: fdeAddress, limit: max(frameLimit, fdeAddress),
                                                    dataBase: header, image: image) else { return nil }
        return pc >= fde.pcBegin && pc < fde.pcEnd ? fde : nil
    }

    /// Walks .eh_frame entry by entry until an FDE covers `pc`, the terminator, `limit` or the entry bound.
    ///
    /// - Signal safety: safe. At most `maximumLinearEntries` entries.
    @_noAllocation @_noLocks
    static func linearScan(pc: UInt, ehFrame: UInt, limit: UInt, dataBase: UInt,
                           image: UnsafePointer<ImageRecord>?) -> FrameDescriptionEntry? {
        var address = ehFrame
        var visited = 0
        while address < limit && visited < maximumLinearEntries {
            visited &+= 1
            guard let header = EhFrameEntryHeader.read(at: address, limit: limit, image: image) else { return nil }
            if header.isTerminator { return nil }
            if header.id != 0,
               let fde = FrameDescriptionEntry.parse(at: address, limit: limit, dataBase: dataBase, image: image),
               pc >= fde.pcBegin && pc < fde.pcEnd {
                return fde
            }
            if header.entryEnd <= address { return nil }
            address = header.entryEnd
        }
        return nil
    }
}
