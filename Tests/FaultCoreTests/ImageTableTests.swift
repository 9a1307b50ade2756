// The image table: prepared images, their ranges and build-ids (checked against readelf), lookups, and images
// loaded after preparation (through refresh and through the handler's link_map fallback).

import CAllocationCounter
import Foundation
import Glibc
import Testing

@testable import FaultCore

/// The build-id of `path` as printed by `readelf -n` ("Build ID: <hex>"), or nil.
func readelfBuildID(_ path: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/readelf")
    process.arguments = ["-n", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    for line in text.split(separator: "\n") where line.contains("Build ID:") {
        return line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    return nil
}

/// The build-id bytes of a record as lowercase hex.
func buildIDHex(_ record: ImageRecord) -> String {
    (0..<record.buildIDLength).map { String(format: "%02x", record.buildIDByte(at: $0)) }.joined()
}

/// The address of a symbol in the process (dlsym on the global scope), or 0.
func symbolAddress(_ name: String, in handle: UnsafeMutableRawPointer? = dlopen(nil, RTLD_NOW)) -> UInt {
    UInt(bitPattern: dlsym(handle, name))
}

@Suite struct ImageTableTests {
    init() { ImageTable.prepare() }

    /// Checks what every prepared record must satisfy.
    func expectSane(_ record: ImageRecord, _ label: String) {
        #expect(record.startAddress < record.endAddress, "\(label)")
        #expect(record.segmentCount > 0, "\(label)")
        var executable = false
        for index in 0..<record.segmentCount {
            let segment = record.segment(at: index)
            #expect(segment.start >= record.startAddress && segment.end <= record.endAddress, "\(label)")
            executable = executable || segment.isExecutable
        }
        #expect(executable, "\(label)")
        if record.ehFrameHeader != 0 {
            #expect(record.contains(record.ehFrameHeader), "\(label)")
        }
    }

    @Test(.disabled(if: runningUnderSanitizer, "the sanitizer runtime is loaded first and changes the image order")) func findsTheTestBinaryLibswiftCoreAndLibc() throws {
        let table = try #require(ImageTable.current)
        #expect(table.pointee.count > 5)
        let images = table.pointee.images()
        for index in 1..<images.count {
            #expect(images[index - 1].endAddress <= images[index].startAddress, "sorted and disjoint")
        }

        let executablePath = try #require(FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") as String?)
        let function: @convention(c) () -> Void = {}
        let here = unsafeBitCast(function, to: UInt.self)
        let cases: [(String, UInt, String?)] = [
            ("test binary", here, executablePath),
            ("libswiftCore", symbolAddress("swift_retain"), nil),
            ("libc", symbolAddress("qsort"), nil),
        ]
        for (label, address, expectedPath) in cases {
            #expect(address != 0, "\(label)")
            let image = try #require(ImageTable.image(containing: address), "\(label)")
            let record = image.pointee
            let path = String(cString: try #require(record.path))
            if let expectedPath { #expect(path == expectedPath) }
            if label == "libswiftCore" { #expect(path.hasSuffix("/libswiftCore.so")) }
            if label == "libc" { #expect(path.hasSuffix("/libc.so.6")) }
            #expect(record.isExecutable(address), "\(label)")
            #expect(record.ehFrameHeader != 0, "\(label)")
            #expect(record.dynamic != 0, "\(label)")
            expectSane(record, label)
            #expect(record.buildIDLength == 20, "\(label)")
            #expect(buildIDHex(record) == readelfBuildID(path), "\(label) \(path)")
        }
    }

    @Test func addressesOutsideEveryImageAreNotFound() throws {
        #expect(ImageTable.image(containing: 0) == nil)
        #expect(ImageTable.image(containing: 0x10) == nil)
        #expect(ImageTable.image(containing: UInt.max) == nil)
        let page = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        defer { munmap(page, 4096) }
        let address = UInt(bitPattern: page)
        #expect(ImageTable.image(containing: address) == nil)
        var record = ImageRecord()
        #expect(!ImageTable.findImage(containing: address, into: &record))
    }

    @Test func theVdsoIsAnImage() throws {
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let line = try #require(maps.split(separator: "\n").first { $0.hasSuffix("[vdso]") })
        let vdso = try #require(UInt(line.prefix { $0 != "-" }, radix: 16))
        let image = try #require(ImageTable.image(containing: vdso))
        #expect(String(cString: try #require(image.pointee.path)).contains("vdso"))
    }

    @Test func copyNameTruncates() throws {
        let image = try #require(ImageTable.image(containing: symbolAddress("qsort")))
        var buffer = [CChar](repeating: 1, count: 8)
        let length = buffer.withUnsafeMutableBufferPointer { ImageTable.copyName(of: image, into: $0) }
        #expect(length == 7)
        #expect(buffer[7] == 0)
        #expect(String(cString: buffer) == String(String(cString: image.pointee.path!).prefix(7)))
    }

    @Test func libraryLoadedAfterPreparationIsFound() throws {
        ImageTable.prepare()
        let handle = try #require(dlopen("libbz2.so.1.0", RTLD_NOW | RTLD_LOCAL))
        defer { dlclose(handle) }
        let address = UInt(bitPattern: dlsym(handle, "BZ2_bzlibVersion"))
        try #require(address != 0)

        // The handler-side fallback: the loader's link_map list, with guarded reads.
        var record = ImageRecord()
        allocation_counter_arm()
        let found = ImageTable.findUnpreparedImage(containing: address, into: &record)
        let allocations = allocation_counter_disarm()
        #expect(found)
        #expect(allocations == 0)
        #expect(!record.isDirectlyReadable)
        #expect(record.isExecutable(address))
        #expect(record.ehFrameHeader != 0)
        var name = [CChar](repeating: 0, count: 256)
        _ = withUnsafePointer(to: &record) { pointer in
            name.withUnsafeMutableBufferPointer { ImageTable.copyName(of: pointer, into: $0) }
        }
        let path = String(cString: name)
        #expect(path.contains("libbz2.so.1.0"))
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map {
            $0.hasPrefix("/") ? $0 : (path as NSString).deletingLastPathComponent + "/" + $0
        } ?? path
        #expect(buildIDHex(record) == readelfBuildID(resolved))

        // Unwind data of such an image is usable through guarded reads.
        let fde = withUnsafePointer(to: &record) { FDELookup.find(pc: address, image: $0) }
        #expect(fde != nil)
        #expect(fde.map { $0.pcBegin <= address && address < $0.pcEnd } == true)

        // After a refresh the prepared table has it, with the same build-id.
        ImageTable.refresh()
        let prepared = try #require(ImageTable.image(containing: address))
        #expect(prepared.pointee.path.map { String(cString: $0) }?.contains("libbz2") == true)
        #expect(buildIDHex(prepared.pointee) == buildIDHex(record))
    }

    @Test func unloadedImageInAStaleTableDoesNotFault() throws {
        let handle = try #require(dlopen("libexpat.so.1", RTLD_NOW | RTLD_LOCAL))
        let address = UInt(bitPattern: dlsym(handle, "XML_ParserCreate"))
        try #require(address != 0)
        ImageTable.refresh()
        let stale = try #require(ImageTable.image(containing: address))
        let ehFrameHeader = stale.pointee.ehFrameHeader
        dlclose(handle)
        var probe: UInt8 = 0
        // Only meaningful if the loader really unmapped it (nothing else holds a reference).
        if !SafeLibc.readMemory(&probe, from: ehFrameHeader, count: 1) {
            var stack = [UInt64](repeating: 0, count: 8)
            let frames = UnsafeMutableBufferPointer<StackFrame>.allocate(capacity: 8)
            defer { frames.deallocate() }
            let result = stack.withUnsafeMutableBufferPointer { slots -> UnwindResult in
                var registers = [UInt64](repeating: 0, count: 17)
                registers[16] = UInt64(address)
                registers[7] = UInt64(UInt(bitPattern: slots.baseAddress))
                return Unwinder.unwind(registers: registers, into: frames)
            }
            #expect(result.count >= 1)
            #expect(frames[0].pc == address)
        }
        ImageTable.refresh()
    }

    @Test func prepareIsIdempotentWithoutLoaderChanges() throws {
        ImageTable.prepare()
        let first = try #require(ImageTable.current)
        let rebuilt = ImageTable.refresh()
        let second = try #require(ImageTable.current)
        // Another test may dlopen concurrently; only without a rebuild must the table stay the same.
        if !rebuilt { #expect(first == second) }
    }
}

@Suite struct ImageTableTimingTests {
    @Test func buildingATableIsFast() {
        ImageTable.prepare()
        let start = SafeLibc.monotonicNanoseconds()
        let table = ImageTable.buildTable(generation: 0)  // never published; leaked on purpose (tiny)
        let elapsed = SafeLibc.monotonicNanoseconds() - start
        print("image table build: \(table.pointee.count) images in \(elapsed / 1000) us")
        // Another test may have a library loaded for a moment; the counts differ by at most that one.
        #expect(abs(table.pointee.count - (ImageTable.current?.pointee.count ?? 0)) <= 1)
        #expect(table.pointee.count > 5)
        #expect(elapsed < 1_000_000_000)
    }
}

/// True when scripts/sanitizers.sh runs the tests (it sets FAULTHANDLER_SANITIZER): tests that compare with a
/// system oracle the sanitizer runtime intercepts are skipped then.
let runningUnderSanitizer = getenv("FAULTHANDLER_SANITIZER") != nil
