// One loaded image (executable, shared object or the vDSO) as the signal handler sees it: plain values and
// pointers into prepared storage, so every field can be read without allocating.

/// One PT_LOAD segment of an image, as absolute addresses in this process.
package struct ImageSegment {
    /// First mapped address (load bias + p_vaddr).
    package var start: UInt
    /// One past the last mapped address (start + p_memsz).
    package var end: UInt
    /// The segment's p_flags (PF_X = 1, PF_W = 2, PF_R = 4).
    package var flags: UInt32

    /// Creates a segment from absolute bounds and p_flags.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    package init(start: UInt, end: UInt, flags: UInt32) {
        self.start = start
        self.end = end
        self.flags = flags
    }

    /// Whether the segment holds code (PF_X).
    package var isExecutable: Bool { @_noAllocation @_noLocks get { flags & 1 != 0 } }
    /// Whether the segment is mapped readable (PF_R).
    package var isReadable: Bool { @_noAllocation @_noLocks get { flags & 4 != 0 } }

    /// Whether `address` lies inside the segment.
    ///
    /// - Signal safety: safe. Two comparisons.
    @_noAllocation @_noLocks
    package func contains(_ address: UInt) -> Bool { address >= start && address < end }
}

/// Everything the unwinder and the dump need to know about one image.
///
/// Records of prepared images live in an `ImageTableStorage` and are never mutated after publication; their
/// `path` points into the same storage. Records found in the handler through the loader's link_map list are
/// filled on the caller's stack, have no `path` (see `nameAddress`) and are read only through guarded reads.
package struct ImageRecord {
    /// The loader's load bias: runtime address minus link-time (ELF) address.
    package var loadBias: UInt = 0
    /// NUL-terminated path of the file (the resolved /proc/self/exe for the main executable), or nil.
    package var path: UnsafePointer<CChar>? = nil
    /// Length of `path` in bytes, without the NUL.
    package var pathLength: Int = 0
    /// Address of the loader's own copy of the name (link_map l_name), for images found in the handler.
    package var nameAddress: UInt = 0
    /// Lowest address of any PT_LOAD segment.
    package var startAddress: UInt = 0
    /// One past the highest address of any PT_LOAD segment.
    package var endAddress: UInt = 0
    /// The first `ImageRecord.maximumSegments` PT_LOAD segments (see `segmentCount`).
    package var segments: SegmentStorage
    /// How many entries of `segments` are valid.
    package var segmentCount: Int = 0
    /// Absolute address of `.eh_frame_hdr` (PT_GNU_EH_FRAME), or 0.
    package var ehFrameHeader: UInt = 0
    /// Size of `.eh_frame_hdr` in bytes (p_memsz of PT_GNU_EH_FRAME).
    package var ehFrameHeaderSize: UInt = 0
    /// Absolute address of the dynamic section (PT_DYNAMIC), or 0.
    package var dynamic: UInt = 0
    /// The GNU build-id (NT_GNU_BUILD_ID descriptor), first `buildIDLength` bytes valid.
    package var buildID: BuildIDStorage = (0, 0, 0, 0)
    /// Number of valid bytes in `buildID` (0 if the image has none; at most 32).
    package var buildIDLength: Int = 0
    /// True for prepared images: unwind data inside their readable segments may be read directly.
    package var isDirectlyReadable: Bool = false

    /// Maximum number of PT_LOAD segments kept per image (real images have 2–5).
    package static var maximumSegments: Int { @_noAllocation @_noLocks get { 8 } }
    /// Maximum number of build-id bytes kept (SHA-1 ids are 20 bytes).
    package static var maximumBuildIDLength: Int { @_noAllocation @_noLocks get { 32 } }

    /// Eight inline segments (a tuple, so the record stays a plain value with no heap storage).
    package typealias SegmentStorage = (
        ImageSegment, ImageSegment, ImageSegment, ImageSegment,
        ImageSegment, ImageSegment, ImageSegment, ImageSegment
    )
    /// Thirty-two inline build-id bytes.
    package typealias BuildIDStorage = (
        UInt64, UInt64, UInt64, UInt64
    )

    /// Creates an empty record.
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    package init() {
        let empty = ImageSegment(start: 0, end: 0, flags: 0)
        segments = (empty, empty, empty, empty, empty, empty, empty, empty)
    }

    /// The segment at `index` (0 ..< segmentCount).
    ///
    /// - Signal safety: safe. Reads the inline tuple.
    @_noAllocation @_noLocks
    package func segment(at index: Int) -> ImageSegment {
        precondition(index >= 0 && index < ImageRecord.maximumSegments)
        return withUnsafeBytes(of: segments) { raw in
            raw.load(fromByteOffset: index &* MemoryLayout<ImageSegment>.stride, as: ImageSegment.self)
        }
    }

    /// Stores `segment` at `index` (0 ..< maximumSegments).
    ///
    /// - Signal safety: safe. Writes the inline tuple.
    @_noAllocation @_noLocks
    package mutating func setSegment(_ segment: ImageSegment, at index: Int) {
        precondition(index >= 0 && index < ImageRecord.maximumSegments)
        withUnsafeMutableBytes(of: &segments) { raw in
            raw.storeBytes(of: segment, toByteOffset: index &* MemoryLayout<ImageSegment>.stride, as: ImageSegment.self)
        }
    }

    /// The build-id byte at `index` (0 ..< buildIDLength).
    ///
    /// - Signal safety: safe. Reads the inline tuple.
    @_noAllocation @_noLocks
    package func buildIDByte(at index: Int) -> UInt8 {
        precondition(index >= 0 && index < ImageRecord.maximumBuildIDLength)
        return withUnsafeBytes(of: buildID) { $0[index] }
    }

    /// Whether any PT_LOAD segment contains `address`.
    ///
    /// - Signal safety: safe. A bounded loop over the inline segments.
    @_noAllocation @_noLocks
    package func contains(_ address: UInt) -> Bool {
        if address < startAddress || address >= endAddress { return false }
        if segmentCount == 0 { return true }
        var index = 0
        while index < segmentCount {
            if segment(at: index).contains(address) { return true }
            index &+= 1
        }
        // More segments than kept: the span test above is the best we know.
        return segmentCount >= ImageRecord.maximumSegments
    }

    /// Whether `address` lies in an executable PT_LOAD segment.
    ///
    /// - Signal safety: safe. A bounded loop over the inline segments.
    @_noAllocation @_noLocks
    package func isExecutable(_ address: UInt) -> Bool {
        var index = 0
        while index < segmentCount {
            let segment = segment(at: index)
            if segment.contains(address) { return segment.isExecutable }
            index &+= 1
        }
        return false
    }

    /// Whether `count` bytes at `address` may be read with a plain load: only for prepared images, and only
    /// inside one readable PT_LOAD segment.
    ///
    /// - Signal safety: safe. A bounded loop over the inline segments.
    @_noAllocation @_noLocks
    package func allowsDirectRead(at address: UInt, count: Int) -> Bool {
        guard isDirectlyReadable, count >= 0 else { return false }
        let (last, overflow) = address.addingReportingOverflow(UInt(count))
        if overflow { return false }
        var index = 0
        while index < segmentCount {
            let segment = segment(at: index)
            if segment.isReadable && address >= segment.start && last <= segment.end { return true }
            index &+= 1
        }
        return false
    }
}
