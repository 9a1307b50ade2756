// Finding the separate debug file of a stripped image (GDB's conventions):
//  1. /usr/lib/debug/.build-id/xx/yyyy.debug, from the NT_GNU_BUILD_ID note (xx = first byte in hex);
//  2. .gnu_debuglink: <dir>/<name>, <dir>/.debug/<name>, /usr/lib/debug/<dir>/<name>, where <dir> is the
//     directory of the image, accepted only if the file's CRC32 matches the link.
// A build-id candidate is accepted only if its own build-id note matches.

/// Locates separate debug files. Call outside signal handlers only.
package enum DebugFileLocator {
    /// The root of the global debug directory (overridable in tests).
    package static let defaultDebugRoot = "/usr/lib/debug"

    /// The debug file for `image` (loaded from `path`), mapped, or nil if there is none. The caller owns the
    /// mapping (`MappedFile.unmap(debug.bytes)` when nothing uses it); rejected candidates are unmapped here.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func debugFile(for image: ELFImage, path: String, debugRoot: String = defaultDebugRoot)
        -> ELFImage?
    {
        if let buildID = image.buildID, buildID.count >= 2 {
            let hex = hexString(buildID)
            let candidate = "\(debugRoot)/.build-id/\(hex.prefix(2))/\(hex.dropFirst(2)).debug"
            if let debug = open(candidate) {
                if debug.buildID == buildID { return debug }
                MappedFile.unmap(debug.bytes)
            }
        }
        if let link = image.debugLink {
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            let candidates = [
                "\(directory)/\(link.fileName)",
                "\(directory)/.debug/\(link.fileName)",
                "\(debugRoot)\(directory.hasPrefix("/") ? "" : "/")\(directory)/\(link.fileName)",
            ]
            for candidate in candidates where candidate != path {
                guard let file = try? MappedFile(path: candidate) else { continue }
                // The checksum reads the whole file: its pages are dropped again whatever the outcome.
                let matches = CRC32.checksum(file.bytes) == link.crc
                MappedFile.releaseResidentPages(file.bytes)
                if matches, let debug = try? ELFImage(bytes: file.bytes) { return debug }
                MappedFile.unmap(file.bytes)
            }
        }
        return nil
    }

    /// Maps and parses `path`, or nil (unmapping what is not an ELF file).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func open(_ path: String) -> ELFImage? {
        guard MappedFile.exists(path), let file = try? MappedFile(path: path) else { return nil }
        guard let image = try? ELFImage(bytes: file.bytes) else {
            MappedFile.unmap(file.bytes)
            return nil
        }
        return image
    }
}

/// CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320), as used by .gnu_debuglink.
package enum CRC32 {
    /// The byte-wise lookup table.
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
            }
        }
        return ~crc
    }
}
