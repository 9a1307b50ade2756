// The DWARF sections of one ELF file, decompressed at preparation time when needed.
//
// SHF_COMPRESSED sections (Elf64_Chdr + zlib stream, ELFCOMPRESS_ZLIB) and legacy `.zdebug_*` sections
// ("ZLIB" + 8-byte big-endian size + zlib stream) are inflated into buffers that live for the rest of the
// process. zlib's `uncompress` is taken from libz.so.1 through dlopen, so the package needs no link-time zlib;
// without it, compressed sections are treated as missing.

#if canImport(Glibc)
import Glibc
#endif

/// The sections the line and inlining readers use. Missing sections are empty.
package struct DWARFSections: @unchecked Sendable {
    package var info = UnsafeRawBufferPointer(start: nil, count: 0)
    package var abbrev = UnsafeRawBufferPointer(start: nil, count: 0)
    package var line = UnsafeRawBufferPointer(start: nil, count: 0)
    package var str = UnsafeRawBufferPointer(start: nil, count: 0)
    package var lineStr = UnsafeRawBufferPointer(start: nil, count: 0)
    package var strOffsets = UnsafeRawBufferPointer(start: nil, count: 0)
    package var addr = UnsafeRawBufferPointer(start: nil, count: 0)
    package var ranges = UnsafeRawBufferPointer(start: nil, count: 0)
    package var rnglists = UnsafeRawBufferPointer(start: nil, count: 0)

    /// True if there is a line table to read.
    package var hasLineInfo: Bool { !line.isEmpty }

    /// Collects (and decompresses) the DWARF sections of `image`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package init(image: ELFImage) {
        func load(_ name: String) -> UnsafeRawBufferPointer {
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            if let section = image.section(named: name), let data = image.data(of: section) {
                if section.sh_flags & SHF_COMPRESSED == 0 { return data }
                return Decompressor.inflateELFCompressed(data) ?? empty
            }
            let legacy = ".z" + name.dropFirst()
            if let section = image.section(named: legacy), let data = image.data(of: section) {
                return Decompressor.inflateLegacy(data) ?? empty
            }
            return empty
        }
        info = load(".debug_info")
        abbrev = load(".debug_abbrev")
        line = load(".debug_line")
        str = load(".debug_str")
        lineStr = load(".debug_line_str")
        strOffsets = load(".debug_str_offsets")
        addr = load(".debug_addr")
        ranges = load(".debug_ranges")
        rnglists = load(".debug_rnglists")
    }

    /// Frees the sections that were inflated into buffers of their own (everything outside `image`'s bytes).
    /// Nothing may point into them afterwards: the line index copies what it keeps.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func releaseInflatedSections(of image: ELFImage) {
        let fileStart = UInt(bitPattern: image.bytes.baseAddress)
        let fileEnd = fileStart + UInt(image.bytes.count)
        for section in [info, abbrev, line, str, lineStr, strOffsets, addr, ranges, rnglists] {
            guard let base = section.baseAddress else { continue }
            let address = UInt(bitPattern: base)
            if address >= fileStart && address < fileEnd { continue }
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// An empty set of sections (for tests and images without DWARF).
    package init() {}
}

/// zlib inflation through libz.so.1, loaded on first use. Preparation-time only.
enum Decompressor {
    /// zlib's `uncompress(dest, &destLen, source, sourceLen)`.
    typealias Uncompress = @convention(c) (
        UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt>?, UnsafeRawPointer?, UInt
    ) -> Int32

    /// The resolved `uncompress`, or nil when libz.so.1 is not available.
    static let uncompress: Uncompress? = {
        guard let handle = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL),
            let symbol = dlsym(handle, "uncompress")
        else { return nil }
        return unsafeBitCast(symbol, to: Uncompress.self)
    }()

    /// The largest decompressed section accepted (1 GiB), so a corrupt size cannot exhaust memory.
    static let maximumSize: UInt64 = 1 << 30

    /// Inflates an SHF_COMPRESSED section. Returns a never-freed buffer, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func inflateELFCompressed(_ data: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var cursor = ByteCursor(data)
        let type = cursor.readU32()
        _ = cursor.readU32()  // ch_reserved
        let size = cursor.readU64()
        _ = cursor.readU64()  // ch_addralign
        guard !cursor.overrun, type == ELFCOMPRESS_ZLIB else { return nil }
        return inflate(UnsafeRawBufferPointer(rebasing: data[Elf64_Chdr_size...]), size: size)
    }

    /// Inflates a legacy `.zdebug_*` section. Returns a never-freed buffer, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func inflateLegacy(_ data: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard data.count > 12, data.prefix(4).elementsEqual("ZLIB".utf8) else { return nil }
        let size = data[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return inflate(UnsafeRawBufferPointer(rebasing: data[12...]), size: size)
    }

    /// Inflates a zlib stream into a buffer of exactly `size` bytes.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func inflate(_ stream: UnsafeRawBufferPointer, size: UInt64) -> UnsafeRawBufferPointer? {
        guard let uncompress, size > 0, size <= maximumSize else { return nil }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Int(size), alignment: 16)
        var length = UInt(size)
        let status = uncompress(buffer, &length, stream.baseAddress, UInt(stream.count))
        guard status == 0, length == UInt(size) else {
            buffer.deallocate()
            return nil
        }
        return UnsafeRawBufferPointer(start: buffer, count: Int(size))
    }
}
