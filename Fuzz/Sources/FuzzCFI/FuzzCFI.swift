// libFuzzer target for the CFI unwinder (FaultCore/Unwind): .eh_frame_hdr search, CIE and FDE parsing, CFA
// programs, DWARF expressions and the application of a row to registers.
//
// Input: a little-endian UInt32 pc offset, a UInt16 .eh_frame_hdr size, one flag byte, then the image bytes,
// which start with .eh_frame_hdr (as in a linked file, .eh_frame usually follows it). The bytes are copied to
// a page-aligned buffer described to the unwinder as one readable, executable segment of a prepared image, so
// reads inside it are direct and reads outside go through the guarded read, exactly as for a real image.
// The registers point into the buffer. Flag bits: 1 also evaluates the image bytes as one DWARF expression;
// 2 also scans .eh_frame linearly from the start of the image.

import CFaultHandlerSupport
@testable import FaultCore

/// Reused buffer for the image bytes (page-aligned, like a mapping).
nonisolated(unsafe) var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCFI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let headerSize = 7
    guard let data, size > headerSize, size - headerSize <= buffer.count else { return 0 }
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let pcOffset = UInt(raw.loadUnaligned(as: UInt32.self).littleEndian)
    let ehFrameHeaderSize = UInt(raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian)
    let flags = data[6]
    let count = size - headerSize
    buffer.baseAddress!.copyMemory(from: data + headerSize, byteCount: count)
    let base = UInt(bitPattern: buffer.baseAddress!)

    var image = ImageRecord()
    image.startAddress = base
    image.endAddress = base + UInt(count)
    image.setSegment(ImageSegment(start: base, end: base + UInt(count), flags: 5), at: 0)
    image.segmentCount = 1
    image.ehFrameHeader = base
    image.ehFrameHeaderSize = ehFrameHeaderSize
    image.isDirectlyReadable = true

    // Register n points n * 24 bytes into the image (rsp in the middle), so rules that read memory read the
    // input; rip is the pc.
    var words = (0..<17).map { UInt64(base) &+ UInt64($0 &* 24 % max(count, 1)) }
    words[DwarfRegister.rsp] = UInt64(base) &+ UInt64(count / 2)
    words[DwarfRegister.rip] = UInt64(base &+ pcOffset)
    var registers = words.withUnsafeBufferPointer { UnwindRegisters(copying: $0.baseAddress!) }

    var window = StackWindow()
    _ = withUnsafePointer(to: &image) { record in
        Unwinder.stepWithCFI(&registers, lookupPC: base &+ pcOffset, image: record, window: &window)
    }
    if flags & 1 != 0 {
        _ = withUnsafePointer(to: &image) { record in
            DwarfExpression.evaluate(address: base, length: UInt32(count), registers: registers,
                                     initial: UInt64(base), image: record)
        }
    }
    if flags & 2 != 0 {
        _ = withUnsafePointer(to: &image) { record in
            FDELookup.linearScan(pc: base &+ pcOffset, ehFrame: base, limit: base + UInt(count), dataBase: base,
                                 image: record)
        }
    }
    return 0
}
