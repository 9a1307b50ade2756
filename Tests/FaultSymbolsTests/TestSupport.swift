// Helpers shared by the FaultSymbols tests: running the oracle tools, finding loaded images, building ELF files
// in memory.

import CFaultHandlerSupport
import FaultSymbols
import Foundation

/// Runs a tool and returns its standard output ("" if it cannot be run).
func runTool(_ path: String, _ arguments: [String]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// One loaded image as reported by the loader.
struct LoadedImage {
    var path: String
    var loadBias: UInt
}

/// The loaded images (the main executable first, with its resolved path).
func loadedImages() -> [LoadedImage] {
    final class Box { var images: [LoadedImage] = [] }
    let box = Box()
    _ = cfh_iterate_images({ info, context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
        let name = info!.pointee.name.map { String(cString: $0) } ?? ""
        box.images.append(LoadedImage(path: name, loadBias: UInt(info!.pointee.load_bias)))
        return 0
    }, Unmanaged.passUnretained(box).toOpaque())
    if !box.images.isEmpty, box.images[0].path.isEmpty {
        box.images[0].path = MappedFile.executablePath() ?? ""
    }
    return box.images
}

/// The loaded image whose path contains `fragment`.
func loadedImage(containing fragment: String) -> LoadedImage? {
    loadedImages().first { $0.path.contains(fragment) }
}

/// A symbol as nm prints it with `-S`.
struct NMSymbol {
    var address: UInt64
    var size: UInt64
    var type: Character
    var name: String
}

/// `nm -S --defined-only` of a file (text symbols only: t, T, W, w, i).
func nmTextSymbols(_ path: String, dynamic: Bool = false) -> [NMSymbol] {
    let output = runTool("/usr/bin/nm", (dynamic ? ["-D"] : []) + ["-S", "--defined-only", path])
    var symbols: [NMSymbol] = []
    for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 4, let address = UInt64(fields[0], radix: 16), let size = UInt64(fields[1], radix: 16)
        else { continue }
        let type = fields[2].first!
        guard "tTWwi".contains(type) else { continue }
        var name = String(fields[3])
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        symbols.append(NMSymbol(address: address, size: size, type: type, name: name))
    }
    return symbols
}

/// A symbol match's name as a String.
func nameString(_ match: SymbolMatch?) -> String? {
    match.map { String(decoding: $0.name, as: UTF8.self) }
}

/// Builds a small ELF64 x86_64 file in memory: sections .text, .symtab, .strtab, .shstrtab.
struct ELFBuilder {
    /// Symbols to emit: (name, value, size, st_info).
    var symbols: [(name: String, value: UInt64, size: UInt64, info: UInt8)] = []

    /// The serialized file.
    func build() -> [UInt8] {
        var strtab: [UInt8] = [0]
        var symtab = [UInt8](repeating: 0, count: 24)
        for symbol in symbols {
            let nameOffset = UInt32(strtab.count)
            strtab += Array(symbol.name.utf8) + [0]
            symtab += bytes(nameOffset) + [symbol.info, 0] + bytes(UInt16(1)) + bytes(symbol.value)
                + bytes(symbol.size)
        }
        let shstrtab: [UInt8] = Array("\0.text\0.symtab\0.strtab\0.shstrtab\0".utf8)
        let text = [UInt8](repeating: 0xcc, count: 64)
        var file = [UInt8](repeating: 0, count: 64)
        let textOffset = file.count; file += text
        let symtabOffset = file.count; file += symtab
        let strtabOffset = file.count; file += strtab
        let shstrtabOffset = file.count; file += shstrtab
        while file.count % 8 != 0 { file.append(0) }
        let shoff = file.count
        func section(_ name: UInt32, _ type: UInt32, _ flags: UInt64, _ addr: UInt64, _ offset: Int, _ size: Int,
                     _ link: UInt32, _ entsize: UInt64) -> [UInt8] {
            bytes(name) + bytes(type) + bytes(flags) + bytes(addr) + bytes(UInt64(offset)) + bytes(UInt64(size))
                + bytes(link) + bytes(UInt32(0)) + bytes(UInt64(1)) + bytes(entsize)
        }
        file += [UInt8](repeating: 0, count: 64)
        file += section(1, 1, 0x6, 0x1000, textOffset, text.count, 0, 0)
        file += section(7, 2, 0, 0, symtabOffset, symtab.count, 3, 24)
        file += section(15, 3, 0, 0, strtabOffset, strtab.count, 0, 0)
        file += section(23, 3, 0, 0, shstrtabOffset, shstrtab.count, 0, 0)
        // ELF header.
        var header: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        header += bytes(UInt16(3)) + bytes(UInt16(62)) + bytes(UInt32(1)) + bytes(UInt64(0x1000))
        header += bytes(UInt64(0)) + bytes(UInt64(shoff)) + bytes(UInt32(0)) + bytes(UInt16(64))
        header += bytes(UInt16(56)) + bytes(UInt16(0)) + bytes(UInt16(64)) + bytes(UInt16(5)) + bytes(UInt16(4))
        file.replaceSubrange(0..<64, with: header)
        return file
    }

    /// Offset of the section header table in a built file.
    static func sectionTableOffset(_ file: [UInt8]) -> Int {
        Int(file[0x28..<0x30].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}

/// Little-endian bytes of an integer.
func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// Writes a little-endian integer into `file` at `offset`.
func patch<T: FixedWidthInteger>(_ file: inout [UInt8], at offset: Int, _ value: T) {
    file.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: bytes(value))
}

/// Parses `file` and builds its symbol table, or returns the error.
func withImage<R>(_ file: [UInt8], _ body: (ELFImage) -> R) throws -> R {
    try file.withUnsafeBytes { raw in
        let image = try ELFImage(bytes: raw)
        return body(image)
    }
}
