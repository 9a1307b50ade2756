// libFuzzer target for the ELF reader (FaultSymbols): headers, section table, names, notes, symbol tables.
//
// Each input is an ELF file. It is copied to a page-aligned buffer (as a mapped file would be). Parsing must
// throw or succeed; every lookup result must point inside the file.

@testable import FaultSymbols

/// Reused buffer for the input (page-aligned, like a mapping).
nonisolated(unsafe) var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)

/// Whether `inner` lies inside `outer` (empty ranges always do).
func within(_ inner: UnsafeRawBufferPointer, _ outer: UnsafeRawBufferPointer) -> Bool {
    guard let start = inner.baseAddress, !inner.isEmpty else { return true }
    guard let base = outer.baseAddress else { return false }
    return start >= base && start + inner.count <= base + outer.count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size <= buffer.count else { return 0 }
    buffer.baseAddress!.copyMemory(from: data, byteCount: size)
    let file = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
    guard let image = try? ELFImage(bytes: file) else { return 0 }

    for index in 0..<min(image.sections.count, 256) {
        guard let section = image.section(at: index) else { continue }
        precondition(within(image.name(of: section), file), "section name outside the file")
        if let contents = image.data(of: section) { precondition(within(contents, file), "section outside the file") }
    }
    _ = image.section(named: ".symtab")
    _ = image.buildID
    _ = image.debugLink

    let table = ELFSymbolTable(image: image)
    defer { UnsafeMutableRawPointer(mutating: table.records.baseAddress)?.deallocate() }
    var probes: [UInt] = [0, 1, 0x1000, UInt.max]
    if table.count > 0 {
        for index in [0, table.count / 2, table.count - 1] {
            let address = UInt(truncatingIfNeeded: table.base &+ UInt64(table.records[index].address))
            probes += [address, address &- 1, address &+ 1, address &+ UInt(table.records[index].size)]
        }
    }
    for address in probes {
        guard let match = table.lookup(address: address) else { continue }
        precondition(within(match.name, file), "symbol name outside the file")
        precondition(match.offset == address &- match.address, "offset does not match")
    }
    return 0
}
