// Building the image table on Linux from dl_iterate_phdr (outside signal handlers only).

import CFaultHandlerSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serialises `prepare()`/`refresh()` (never taken by a signal handler).
private let preparationLock = Mutex<Void>(())

/// ELF program header types and note types used here (System V gABI / GNU extensions).
private enum ElfProgramHeader {
    static var PT_LOAD: UInt32 { 1 }
    static var PT_DYNAMIC: UInt32 { 2 }
    static var PT_NOTE: UInt32 { 4 }
    static var PT_GNU_EH_FRAME: UInt32 { 0x6474_e550 }
    static var NT_GNU_BUILD_ID: UInt32 { 3 }
    /// sizeof(Elf64_Phdr).
    static var size: Int { 56 }
}

/// One image while the table is being built.
private struct PendingImage {
    var record: ImageRecord
    var path: [CChar]
}

/// Accumulates images from the dl_iterate_phdr callback.
private final class ImageCollector {
    var images: [PendingImage] = []
    var executablePath: [CChar] = []
}

extension ImageTable {
    /// Captures the loaded images and publishes the table, if none is published yet or the loader generation
    /// changed since. Also records the loader's r_debug address for the handler's link_map fallback and
    /// prepares the guarded-read pipe probe.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepare() {
        _ = refresh()
    }

    /// Rebuilds the table when the loader generation changed (or nothing is published). Returns true when a
    /// new table was published. Replaced tables are retired, never freed (see `ImageTable.swift`).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    @discardableResult
    package static func refresh() -> Bool {
        preparationLock.withLock { _ in
            SafeLibc.prepareMemoryProbe()
            // Written once: r_debug never moves, and handlers read the word concurrently.
            if recordedLoaderDebugAddress() == 0 {
                SafeLibc.atomicStoreRelease(&loaderDebugAddress, UInt(bitPattern: cfh_r_debug()))
            }
            let generation = UInt64(cfh_loader_generation())
            let previous = currentTable()
            if let previous, previous.pointee.generation == generation { return false }
            let retiredCount = previous.map { $0.pointee.retiredCount + 1 } ?? 0
            if retiredCount > maximumRetiredTables { return false }
            let table = buildTable(generation: generation)
            table.pointee.retired = previous.map { UnsafeMutablePointer(mutating: $0) }
            table.pointee.retiredCount = retiredCount
            SafeLibc.atomicStoreRelease(&publishedImageTable, UInt(bitPattern: table))
            return true
        }
    }

    /// Collects every image and lays the table out in one allocation for the records and one for the paths.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func buildTable(generation: UInt64) -> UnsafeMutablePointer<ImageTableStorage> {
        let collector = ImageCollector()
        collector.executablePath = executablePath()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        _ = cfh_iterate_images({ info, context in
            guard let info, let context else { return 0 }
            let collector = Unmanaged<ImageCollector>.fromOpaque(context).takeUnretainedValue()
            collector.images.append(ImageTable.describe(info.pointee, executablePath: collector.executablePath))
            return 0
        }, context)
        withExtendedLifetime(collector) {}

        var pending = collector.images.filter { $0.record.segmentCount > 0 }
        pending.sort { $0.record.startAddress < $1.record.startAddress }
        if pending.count > capacity { pending.removeLast(pending.count - capacity) }

        let records = UnsafeMutablePointer<ImageRecord>.allocate(capacity: max(pending.count, 1))
        let stringBytes = pending.reduce(0) { $0 + $1.path.count + 1 }
        let strings = UnsafeMutablePointer<CChar>.allocate(capacity: max(stringBytes, 1))
        var offset = 0
        for (index, image) in pending.enumerated() {
            var record = image.record
            (strings + offset).initialize(from: image.path, count: image.path.count)
            strings[offset + image.path.count] = 0
            record.path = UnsafePointer(strings + offset)
            record.pathLength = image.path.count
            (records + index).initialize(to: record)
            offset += image.path.count + 1
        }
        let table = UnsafeMutablePointer<ImageTableStorage>.allocate(capacity: 1)
        table.initialize(to: ImageTableStorage(
            count: pending.count, records: records, generation: generation, retired: nil, retiredCount: 0))
        return table
    }

    /// The resolved path of /proc/self/exe, as bytes without a NUL (empty if it cannot be read).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private static func executablePath() -> [CChar] {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        return length > 0 ? Array(buffer[0..<length]) : []
    }

    /// Turns one dl_iterate_phdr entry into a record: PT_LOAD ranges, eh_frame_hdr, dynamic, build-id, path.
    /// The image is mapped and the loader lock is held while this runs, so its headers are read directly.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    fileprivate static func describe(_ info: cfh_image_info, executablePath: [CChar]) -> PendingImage {
        var record = ImageRecord()
        record.loadBias = info.load_bias
        record.isDirectlyReadable = true
        var low = UInt.max
        var high: UInt = 0
        if let headers = info.program_headers {
            for index in 0..<Int(info.program_header_count) {
                let header = headers + index * ElfProgramHeader.size
                let type = header.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
                let flags = header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let address = info.load_bias &+ UInt(header.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                let memorySize = UInt(header.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
                let alignment = UInt(header.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
                switch type {
                case ElfProgramHeader.PT_LOAD:
                    low = min(low, address)
                    high = max(high, address &+ memorySize)
                    if record.segmentCount < ImageRecord.maximumSegments {
                        record.setSegment(
                            ImageSegment(start: address, end: address &+ memorySize, flags: flags),
                            at: record.segmentCount)
                        record.segmentCount += 1
                    }
                case ElfProgramHeader.PT_DYNAMIC:
                    record.dynamic = address
                case ElfProgramHeader.PT_GNU_EH_FRAME:
                    record.ehFrameHeader = address
                    record.ehFrameHeaderSize = memorySize
                case ElfProgramHeader.PT_NOTE where record.buildIDLength == 0:
                    readBuildID(notes: UnsafeRawPointer(bitPattern: address), size: Int(memorySize),
                                alignment: alignment, into: &record)
                default:
                    break
                }
            }
        }
        if high > low {
            record.startAddress = low
            record.endAddress = high
        }
        var path: [CChar] = []
        if let name = info.name, name.pointee != 0 {
            path = Array(UnsafeBufferPointer(start: name, count: strlen(name)))
        } else if low <= high, info.program_headers != nil, path.isEmpty {
            // The main executable is reported with an empty name; the vDSO has its own name.
            path = executablePath
        }
        return PendingImage(record: record, path: path)
    }

    /// Scans a PT_NOTE segment for NT_GNU_BUILD_ID ("GNU") and copies its descriptor into `record`.
    /// Notes are 4-byte aligned, or 8-byte aligned in segments whose p_align is 8.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    private static func readBuildID(notes: UnsafeRawPointer?, size: Int, alignment: UInt,
                                    into record: inout ImageRecord) {
        guard let notes else { return }
        let align = alignment == 8 ? 8 : 4
        func rounded(_ value: Int) -> Int { (value + align - 1) & ~(align - 1) }
        var offset = 0
        while offset + 12 <= size {
            let nameSize = Int(notes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let descriptorSize = Int(notes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let type = notes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let nameOffset = offset + 12
            let descriptorOffset = nameOffset + rounded(nameSize)
            let next = descriptorOffset + rounded(descriptorSize)
            if nameSize > size || descriptorSize > size || next > size || next <= offset { return }
            let isGNU = nameSize == 4
                && notes.load(fromByteOffset: nameOffset, as: UInt8.self) == UInt8(ascii: "G")
                && notes.load(fromByteOffset: nameOffset + 1, as: UInt8.self) == UInt8(ascii: "N")
                && notes.load(fromByteOffset: nameOffset + 2, as: UInt8.self) == UInt8(ascii: "U")
            if isGNU && type == ElfProgramHeader.NT_GNU_BUILD_ID {
                let length = min(descriptorSize, ImageRecord.maximumBuildIDLength)
                withUnsafeMutableBytes(of: &record.buildID) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(start: notes + descriptorOffset, count: length))
                }
                record.buildIDLength = length
                return
            }
            offset = next
        }
    }
}
