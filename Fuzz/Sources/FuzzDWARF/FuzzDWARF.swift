// libFuzzer target for the DWARF readers (FaultSymbols): .debug_line programs (DWARF 2-5), .debug_info units and
// abbreviations, range lists (.debug_ranges, .debug_rnglists), string and address tables, and the index built
// from them, followed by lookups in the index.
//
// Input, first byte:
// - even: an ELF file; its DWARF sections are collected (and inflated when compressed) as at preparation time;
// - odd: raw sections: nine little-endian UInt16 lengths (info, abbrev, line, str, line_str, str_offsets, addr,
//   ranges, rnglists), then the section bytes in that order (a section gets what is left if its length runs
//   past the end).

@testable import FaultSymbols

/// Reused buffers for the input (page-aligned, like a mapping) and for lookups.
nonisolated(unsafe) var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
nonisolated(unsafe) var frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: 64)

/// Releases a buffer the index builder allocated for good (the fuzzer builds thousands of indexes).
func release<T>(_ pointer: UnsafeBufferPointer<T>) {
    UnsafeMutableRawPointer(mutating: UnsafeRawPointer(pointer.baseAddress))?.deallocate()
}

/// Releases a section buffer if it was inflated (not a slice of the input).
func releaseIfInflated(_ section: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer) {
    // Inflated sections are never empty; an empty slice may point just past the input.
    guard let start = section.baseAddress, let base = input.baseAddress, !section.isEmpty else { return }
    if start < base || start >= base + input.count { UnsafeMutableRawPointer(mutating: start).deallocate() }
}

/// The sections of the raw-section input format.
func rawSections(_ input: UnsafeRawBufferPointer) -> DWARFSections {
    var sections = DWARFSections()
    let headerSize = 9 * 2
    guard input.count >= headerSize else { return sections }
    var offset = headerSize
    func next(_ index: Int) -> UnsafeRawBufferPointer {
        let length = Int(input[2 * index]) | Int(input[2 * index + 1]) << 8
        let start = min(offset, input.count)
        let end = min(start + length, input.count)
        offset = end
        return UnsafeRawBufferPointer(rebasing: input[start..<end])
    }
    sections.info = next(0)
    sections.abbrev = next(1)
    sections.line = next(2)
    sections.str = next(3)
    sections.lineStr = next(4)
    sections.strOffsets = next(5)
    sections.addr = next(6)
    sections.ranges = next(7)
    sections.rnglists = next(8)
    return sections
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDWARF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1, size <= buffer.count else { return 0 }
    buffer.baseAddress!.copyMemory(from: data + 1, byteCount: size - 1)
    let input = UnsafeRawBufferPointer(rebasing: buffer[0..<(size - 1)])

    let sections: DWARFSections
    var minimumAddress: UInt64 = 0
    if data[0] & 1 == 0 {
        guard let image = try? ELFImage(bytes: input) else { return 0 }
        sections = DWARFSections(image: image)
        minimumAddress = image.sections.filter { $0.sh_flags & SHF_EXECINSTR != 0 && $0.sh_addr != 0 }
            .map(\.sh_addr).min() ?? 0
    } else {
        sections = rawSections(input)
    }
    defer {
        for section in [sections.info, sections.abbrev, sections.line, sections.str, sections.lineStr,
                        sections.strOffsets, sections.addr, sections.ranges, sections.rnglists] {
            releaseIfInflated(section, input: input)
        }
    }
    guard sections.hasLineInfo || !sections.info.isEmpty else { return 0 }

    let index = DWARFIndexBuilder.build(sections: sections, minimumAddress: minimumAddress)
    defer { index.deallocate() }

    // Look up the first addresses of rows and function ranges, their neighbours, and a few fixed addresses.
    var probes: [UInt64] = [0, 1, 0x1000, UInt64.max]
    for i in 0..<min(index.rowCount, 4) {
        let address = index.rowAddress(at: i)
        probes += [address, address &- 1, address &+ 1]
    }
    for range in index.functionRanges.prefix(4) {
        let low = index.base + UInt64(range.low)
        let high = index.base + UInt64(range.high)
        probes += [low, high &- 1, high]
    }
    for address in probes {
        let count = index.lookup(address: UInt(address), into: frames)
        precondition(count >= 0 && count <= frames.count, "lookup wrote \(count) frames")
        var total = 0
        for frame in frames.prefix(count) { total &+= frame.function.count &+ frame.file.count }
        _ = total
    }
    return 0
}
