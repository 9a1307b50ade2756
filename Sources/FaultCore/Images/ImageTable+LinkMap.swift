// The handler-side fallback for images loaded after the last `ImageTable.refresh()`: walk the dynamic linker's
// r_debug link_map list and the images' ELF headers with guarded reads only.
//
// Layouts (glibc <link.h>, x86_64): struct r_debug { int r_version; struct link_map *r_map; ... } puts r_map at
// offset 8; struct link_map { l_addr, l_name, l_ld, l_next, l_prev } is five words. The ELF header is assumed at
// l_addr (the first PT_LOAD of a shared object has p_vaddr 0, which is what every normal DSO and PIE has); a
// non-PIE executable (l_addr 0) is always in the prepared table.

extension ImageTable {
    /// Upper bound on link_map entries visited, so a corrupt or cyclic list ends the walk.
    package static var maximumLinkMapEntries: Int { @_noAllocation @_noLocks get { 4096 } }

    /// Finds the image containing `address` by walking the loader's link_map list (guarded reads), filling
    /// `record` with its segments, eh_frame_hdr, dynamic section and build-id. The record has no `path`; its
    /// `nameAddress` is the loader's l_name (read it with `copyName`). `isDirectlyReadable` is false, so all
    /// later reads of its unwind data stay guarded. Returns false if no listed image contains `address`.
    ///
    /// - Signal safety: safe. Guarded reads only; at most `maximumLinkMapEntries` entries, 64 headers each.
    @_noAllocation @_noLocks
    package static func findUnpreparedImage(containing address: UInt, into record: UnsafeMutablePointer<ImageRecord>) -> Bool {
        let debug = recordedLoaderDebugAddress()
        if debug == 0 { return false }
        var entry: UInt = 0
        if !SafeLibc.readMemory(&entry, from: debug &+ 8, count: 8) { return false }
        var visited = 0
        while entry != 0 && visited < maximumLinkMapEntries {
            visited &+= 1
            // l_addr, l_name, l_ld, l_next.
            var words: (UInt, UInt, UInt, UInt) = (0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &words) { raw in
                SafeLibc.readMemory(raw.baseAddress!, from: entry, count: 32)
            }
            if !ok { return false }
            if words.0 != 0 && describeMappedImage(bias: words.0, containing: address, into: record) {
                record.pointee.nameAddress = words.1
                record.pointee.dynamic = words.2
                return true
            }
            entry = words.3
        }
        return false
    }

    /// Reads the ELF header at `bias` and its program headers (guarded) and, if a PT_LOAD segment contains
    /// `address`, fills `record`.
    ///
    /// - Signal safety: safe. Guarded reads; at most 64 program headers.
    @_noAllocation @_noLocks
    static func describeMappedImage(bias: UInt, containing address: UInt, into record: UnsafeMutablePointer<ImageRecord>) -> Bool {
        // Elf64_Ehdr: e_ident[16], e_type, e_machine, e_version, e_entry, e_phoff (32), ..., e_phentsize (54),
        // e_phnum (56).
        var header: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let readHeader = withUnsafeMutableBytes(of: &header) { raw in
            SafeLibc.readMemory(raw.baseAddress!, from: bias, count: 64)
        }
        if !readHeader { return false }
        let magic = UInt32(truncatingIfNeeded: header.0)
        let programHeaderOffset = header.4
        let entrySize = UInt16(truncatingIfNeeded: header.6 >> 48)
        let entryCount = UInt16(truncatingIfNeeded: header.7)
        // "\x7fELF" little-endian, 56-byte program headers, a sane count.
        if magic != 0x464c_457f || entrySize != 56 || entryCount == 0 || entryCount > 64 { return false }
        if programHeaderOffset > 0x10000 { return false }

        var found = ImageRecord()
        found.loadBias = bias
        var low = UInt.max
        var high: UInt = 0
        var containsAddress = false
        var index = 0
        while index < Int(entryCount) {
            // Elf64_Phdr: p_type (0), p_flags (4), p_offset (8), p_vaddr (16), ..., p_memsz (40), p_align (48).
            var programHeader: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0)
            let location = bias &+ UInt(programHeaderOffset) &+ UInt(index &* 56)
            let ok = withUnsafeMutableBytes(of: &programHeader) { raw in
                SafeLibc.readMemory(raw.baseAddress!, from: location, count: 56)
            }
            if !ok { return false }
            let type = UInt32(truncatingIfNeeded: programHeader.0)
            let flags = UInt32(truncatingIfNeeded: programHeader.0 >> 32)
            let start = bias &+ UInt(programHeader.2)
            let size = UInt(programHeader.5)
            switch type {
            case 1:  // PT_LOAD
                let segment = ImageSegment(start: start, end: start &+ size, flags: flags)
                if segment.contains(address) { containsAddress = true }
                low = min(low, start)
                high = max(high, start &+ size)
                if found.segmentCount < ImageRecord.maximumSegments {
                    found.setSegment(segment, at: found.segmentCount)
                    found.segmentCount &+= 1
                }
            case 0x6474_e550:  // PT_GNU_EH_FRAME
                found.ehFrameHeader = start
                found.ehFrameHeaderSize = size
            case 4 where found.buildIDLength == 0:  // PT_NOTE
                readBuildIDGuarded(notes: start, size: size, alignment: UInt(programHeader.6), into: &found)
            default:
                break
            }
            index &+= 1
        }
        if !containsAddress || high <= low { return false }
        found.startAddress = low
        found.endAddress = high
        record.pointee = found
        return true
    }

    /// Scans a PT_NOTE segment with guarded reads for the GNU build-id (at most 64 notes).
    ///
    /// - Signal safety: safe. Guarded reads; bounded by 64 notes.
    @_noAllocation @_noLocks
    static func readBuildIDGuarded(notes: UInt, size: UInt, alignment: UInt, into record: inout ImageRecord) {
        let align: UInt = alignment == 8 ? 8 : 4
        var offset: UInt = 0
        var notesSeen = 0
        while offset &+ 16 <= size && notesSeen < 64 {
            notesSeen &+= 1
            // namesz, descsz, type, then the name ("GNU\0" for ours).
            var note: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &note) { raw in
                SafeLibc.readMemory(raw.baseAddress!, from: notes &+ offset, count: 16)
            }
            if !ok { return }
            let nameSize = UInt(note.0)
            let descriptorSize = UInt(note.1)
            if nameSize > size || descriptorSize > size { return }
            let descriptorOffset = offset &+ 12 &+ ((nameSize &+ align &- 1) & ~(align &- 1))
            // "GNU\0" little-endian is 0x00554e47.
            if nameSize == 4 && note.2 == 3 && note.3 == 0x0055_4e47 {
                let length = min(Int(descriptorSize), ImageRecord.maximumBuildIDLength)
                let copied = withUnsafeMutableBytes(of: &record.buildID) { raw in
                    SafeLibc.readMemory(raw.baseAddress!, from: notes &+ descriptorOffset, count: length)
                }
                if copied { record.buildIDLength = length }
                return
            }
            offset = descriptorOffset &+ ((descriptorSize &+ align &- 1) & ~(align &- 1))
        }
    }
}
