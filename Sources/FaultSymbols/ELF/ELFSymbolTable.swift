// A sorted index of the function symbols of one image, built once at preparation time and searched without
// allocation at lookup time.
//
// Sources: the image's own .symtab (not loaded in memory, read from the file), the .symtab of its separate
// debug file when the image is stripped, and .dynsym; all are merged. Kept symbols: STT_FUNC and STT_GNU_IFUNC
// defined in a section, and STT_NOTYPE with a nonzero value in an executable section, with nonempty names.
//
// Duplicates at one address (aliases) keep exactly one record, chosen in this order:
//  1. a name exported in .dynsym before a .symtab-only name,
//  2. STB_GLOBAL/STB_WEAK/STB_GNU_UNIQUE (visible outside the file) before STB_LOCAL,
//  3. fewer leading underscores (up to 3): the public alias rather than the internal one,
//  4. STB_GLOBAL before STB_WEAK,
//  5. a symbol with a size before one without, then STT_FUNC/IFUNC before STT_NOTYPE,
//  6. the earlier entry in its table.
// Rules 1-4 reproduce the names gdb 13 shows for glibc's aliases (`getpid`, a weak alias, rather than the
// global `__getpid`; `malloc` rather than `__libc_malloc`), which are the names users call.
//
// Lookup follows GDB's minimal-symbol rule (`info symbol`), checked against gdb 13 on libc and on Swift
// binaries: take the last symbol at or below the address; zero-sized symbols extend up to the next symbol, but
// a sized symbol at or below them wins if it still contains the address; an address past the end of the
// nearest sized symbol, with no zero-sized symbol in between, has no symbol.

/// One function symbol: its address, size and name (as an offset into one of two string tables). 12 bytes.
package struct SymbolRecord: Sendable {
    /// st_value minus the table's `base` (which is 0 whenever every address fits in 32 bits, as in any real
    /// image: then this is the ELF virtual address itself).
    package var address: UInt32
    /// st_size, saturated at UInt32.max.
    package var size: UInt32
    /// st_name; the top bit selects the secondary string table (.dynstr).
    package var nameOffset: UInt32
}

/// The result of a symbol lookup. `name` points into the mapped file; it is not NUL-terminated.
package struct SymbolMatch: @unchecked Sendable {
    /// The symbol's name bytes (mangled, as stored in the file), at most 4096 bytes.
    package var name: UnsafeRawBufferPointer
    /// The symbol's start, as an ELF virtual address.
    package var address: UInt
    /// The symbol's size (0 if unknown).
    package var size: UInt
    /// The looked-up address minus `address`.
    package var offset: UInt
}

/// A sorted function-symbol index over one image. Copies share storage; the storage is never freed.
package struct ELFSymbolTable: @unchecked Sendable {
    /// Records sorted by address, one per address.
    package let records: UnsafeBufferPointer<SymbolRecord>
    /// What record addresses are relative to: 0, or the lowest symbol address when some address does not fit
    /// in 32 bits (symbols more than 4 GiB above the lowest are then left out).
    package let base: UInt64
    /// The primary (.symtab's) and secondary (.dynsym's) string tables.
    let primaryStrings: UnsafeRawBufferPointer
    let secondaryStrings: UnsafeRawBufferPointer

    /// The top bit of `SymbolRecord.nameOffset`.
    static let secondaryFlag: UInt32 = 0x8000_0000
    /// How many zero-sized symbols a lookup walks back over before giving up on finding a sized one.
    static let walkBackLimit = 64

    /// Builds the index for `image`, taking .symtab from `debugImage` when given (and from `image` when it has
    /// one of its own), merged with `image`'s .dynsym.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package init(image: ELFImage, debugImage: ELFImage? = nil) {
        var candidates: [Candidate] = []
        var primary = UnsafeRawBufferPointer(start: nil, count: 0)
        var secondary = UnsafeRawBufferPointer(start: nil, count: 0)
        var order: UInt32 = 0

        func collect(from file: ELFImage, table: Elf64_Shdr, secondaryTable: Bool) -> UnsafeRawBufferPointer {
            guard let data = file.data(of: table), let strings = file.section(at: Int(table.sh_link)),
                let stringData = file.data(of: strings), stringData.count < Int(Self.secondaryFlag)
            else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            // sh_entsize comes from the file: bound it before converting (a value above Int.max trapped in the
            // conversion; found by fuzzing). No real entry is larger than the table.
            guard table.sh_entsize <= UInt64(data.count) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let entrySize = Int(table.sh_entsize == 0 ? UInt64(Elf64_Sym_size) : table.sh_entsize)
            guard entrySize >= Elf64_Sym_size else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let count = data.count / entrySize
            candidates.reserveCapacity(candidates.count + count)
            for index in 1..<max(count, 1) {
                var cursor = ByteCursor(data, offset: index * entrySize)
                let symbol = Elf64_Sym(cursor: &cursor)
                guard Self.isFunction(symbol, in: file), symbol.st_name != 0,
                    UInt64(symbol.st_name) < UInt64(stringData.count)
                else { continue }

                let source: UInt32 = secondaryTable ? 0 : 1
                let local: UInt32 = symbol.binding == STB_LOCAL ? 1 : 0
                var underscores: UInt32 = 0
                while underscores < 3 && Int(symbol.st_name) + Int(underscores) < stringData.count
                    && stringData[Int(symbol.st_name) + Int(underscores)] == UInt8(ascii: "_")
                {
                    underscores += 1
                }
                let weak: UInt32 = symbol.binding == STB_WEAK ? 1 : 0
                let unsized: UInt32 = symbol.st_size > 0 ? 0 : 1
                let untyped: UInt32 = symbol.type == STT_NOTYPE ? 1 : 0
                order += 1
                let rank = source << 31 | local << 30 | underscores << 28 | weak << 27 | unsized << 26
                    | untyped << 25 | min(order, 1 << 25 - 1)
                candidates.append(
                    Candidate(
                        address: symbol.st_value, size: UInt32(clamping: symbol.st_size),
                        nameOffset: symbol.st_name | (secondaryTable ? Self.secondaryFlag : 0), rank: rank))
            }
            return stringData
        }

        let symtabOwner = debugImage.flatMap { $0.section(named: ".symtab") != nil ? $0 : nil } ?? image
        if let symtab = symtabOwner.sections.first(where: { $0.sh_type == SHT_SYMTAB }) {
            primary = collect(from: symtabOwner, table: symtab, secondaryTable: false)
        }
        if let dynsym = image.sections.first(where: { $0.sh_type == SHT_DYNSYM }) {
            secondary = collect(from: image, table: dynsym, secondaryTable: true)
        }

        candidates.sort { ($0.address, $0.rank) < ($1.address, $1.rank) }
        let first = candidates.first?.address ?? 0
        let tableBase = (candidates.last?.address ?? 0) <= UInt64(UInt32.max) ? 0 : first
        let storage = UnsafeMutableBufferPointer<SymbolRecord>.allocate(capacity: max(candidates.count, 1))
        var kept = 0
        var previous: UInt64?
        for candidate in candidates where candidate.address != previous {
            previous = candidate.address
            guard candidate.address - tableBase <= UInt64(UInt32.max) else { break }
            storage[kept] = SymbolRecord(
                address: UInt32(candidate.address - tableBase), size: candidate.size, nameOffset: candidate.nameOffset)
            kept += 1
        }
        records = UnsafeBufferPointer(rebasing: storage[0..<kept])
        base = tableBase
        primaryStrings = primary
        secondaryStrings = secondary
    }

    /// A symbol before deduplication: its record fields with the full address, and its rank among aliases.
    private struct Candidate {
        var address: UInt64
        var size: UInt32
        var nameOffset: UInt32
        var rank: UInt32
    }

    /// True for symbols the index keeps (see the file comment).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    static func isFunction(_ symbol: Elf64_Sym, in file: ELFImage) -> Bool {
        guard symbol.st_shndx != SHN_UNDEF, symbol.st_value != 0 else { return false }
        switch symbol.type {
        case STT_FUNC, STT_GNU_IFUNC:
            return true
        case STT_NOTYPE:
            return file.isExecutableSection(symbol.st_shndx)
        default:
            return false
        }
    }

    /// The number of indexed symbols.
    ///
    /// - Signal safety: safe. Reads a prepared field.
    package var count: Int {
        @_noAllocation @_noLocks get { records.count }
    }

    /// True if `lookup` finds a symbol for every address in [low, high) (without reading any name). The answer
    /// of `lookup` can only change at a record's address or at the end of a sized record, so it is evaluated at
    /// `low` and at each such point inside the range (records up to `walkBackLimit` before the range can reach
    /// into it). False when that takes more than `coverageProbeLimit` probes.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func namesEveryAddress(from low: UInt64, to high: UInt64) -> Bool {
        guard low < high, recordIndex(containing: UInt(low)) != nil else { return false }
        // First record at or above `low`, then back by the walk-back window.
        var first = 0
        var last = records.count
        while first < last {
            let middle = first + (last - first) / 2
            if base + UInt64(records[middle].address) < low { first = middle + 1 } else { last = middle }
        }
        var probes = 0
        var index = max(first - Self.walkBackLimit - 1, 0)
        while index < records.count && base + UInt64(records[index].address) < high {
            let record = (address: base + UInt64(records[index].address), size: records[index].size)
            let end = record.address &+ UInt64(record.size)
            if record.address > low {
                probes += 1
                if probes > Self.coverageProbeLimit || recordIndex(containing: UInt(record.address)) == nil { return false }
            }
            if end > low && end < high {
                probes += 1
                if probes > Self.coverageProbeLimit || recordIndex(containing: UInt(end)) == nil { return false }
            }
            index += 1
        }
        return true
    }

    /// The most lookups `namesEveryAddress` spends on one range.
    static let coverageProbeLimit = 4096

    /// True if the index's names point into `bytes` (a mapped file that must then stay mapped).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package func usesNames(in bytes: UnsafeRawBufferPointer) -> Bool {
        func inside(_ table: UnsafeRawBufferPointer) -> Bool {
            guard let table = table.baseAddress, let start = bytes.baseAddress else { return false }
            return table >= start && table < start + bytes.count
        }
        return inside(primaryStrings) || inside(secondaryStrings)
    }

    /// The bytes this index keeps (its records; names stay in the mapped file), for measurements.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package var byteCount: Int { records.count * MemoryLayout<SymbolRecord>.stride }

    /// Finds the function containing `address` (an ELF virtual address: pc minus the load bias).
    ///
    /// - Signal safety: safe. A binary search and a bounded walk over prepared, never-freed memory.
    @_noAllocation @_noLocks
    package func lookup(address: UInt) -> SymbolMatch? {
        guard let index = recordIndex(containing: address) else { return nil }
        return match(index, UInt32(UInt64(address) - base))
    }

    /// The index of the record `lookup` names for `address`, or nil; reads no name.
    ///
    /// - Signal safety: safe. A binary search and a bounded walk over prepared, never-freed memory.
    @_noAllocation @_noLocks
    func recordIndex(containing address: UInt) -> Int? {
        guard UInt64(address) >= base, UInt64(address) - base <= UInt64(UInt32.max) else { return nil }
        let target = UInt32(UInt64(address) - base)
        // Last record with record.address <= target.
        var low = 0
        var high = records.count
        while low < high {
            let middle = low + (high - low) / 2
            if records[middle].address <= target { low = middle + 1 } else { high = middle }
        }
        var index = low - 1
        var zeroSized = -1
        var steps = 0
        while index >= 0 && steps < Self.walkBackLimit {
            let record = records[index]
            if record.size == 0 {
                if zeroSized < 0 { zeroSized = index }
            } else {
                if target - record.address < record.size { return index }
                break
            }
            index -= 1
            steps += 1
        }
        return zeroSized >= 0 ? zeroSized : nil
    }

    /// Builds the match for record `index`.
    ///
    /// - Signal safety: safe. Reads prepared memory; the name scan is bounded.
    @_noAllocation @_noLocks
    func match(_ index: Int, _ target: UInt32) -> SymbolMatch {
        let record = records[index]
        let secondary = record.nameOffset & Self.secondaryFlag != 0
        let table = secondary ? secondaryStrings : primaryStrings
        let name = cString(in: table, at: UInt64(record.nameOffset & ~Self.secondaryFlag))
        return SymbolMatch(
            name: name, address: UInt(base &+ UInt64(record.address)), size: UInt(record.size),
            offset: UInt(target - record.address))
    }
}
