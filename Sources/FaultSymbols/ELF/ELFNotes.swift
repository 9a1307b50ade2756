// The two ELF sections that identify a separate debug file: the GNU build-id note and .gnu_debuglink.

extension ELFImage {
    /// The NT_GNU_BUILD_ID descriptor bytes (usually 20), found in any SHT_NOTE section named like a build-id
    /// note, or nil. Note walking is bounded by the section size; malformed notes stop the walk.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package var buildID: [UInt8]? {
        for section in sections where section.sh_type == SHT_NOTE {
            guard let data = data(of: section) else { continue }
            var cursor = ByteCursor(data)
            while cursor.remaining >= 12 {
                let nameSize = Int(cursor.readU32())
                let descriptorSize = Int(cursor.readU32())
                let type = cursor.readU32()
                let name = cursor.readBytes(nameSize)
                cursor.skip((4 - nameSize % 4) % 4)
                let descriptor = cursor.readBytes(descriptorSize)
                cursor.skip((4 - descriptorSize % 4) % 4)
                if cursor.overrun && descriptor.isEmpty { break }
                if type == NT_GNU_BUILD_ID && name.count == 4 && name.elementsEqual("GNU\0".utf8)
                    && !descriptor.isEmpty
                {
                    return Array(descriptor)
                }
            }
        }
        return nil
    }

    /// The .gnu_debuglink file name and CRC32, or nil.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package var debugLink: (fileName: String, crc: UInt32)? {
        guard let section = section(named: ".gnu_debuglink"), let data = data(of: section) else { return nil }
        var cursor = ByteCursor(data)
        let name = cursor.readCString()
        guard !cursor.overrun, !name.isEmpty else { return nil }
        cursor.offset = (cursor.offset + 3) & ~3
        let crc = cursor.readU32()
        guard !cursor.overrun else { return nil }
        return (String(decoding: name, as: UTF8.self), crc)
    }
}

/// Hex string of a build-id ("93ac61ec...").
///
/// - Signal safety: unsafe. Call outside signal handlers only.
package func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}
