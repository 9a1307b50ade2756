// Public entry points of the allocation-free Swift demangler.

/// The outcome of one demangling.
public enum DemangleResult: Equatable, Sendable {
    /// The whole demangled name was written; `length` bytes.
    case demangled(length: Int)
    /// The demangled name did not fit: `length` bytes were written, ending in `...` (never in the middle of a
    /// UTF-8 sequence).
    case truncated(length: Int)
    /// Not a Swift symbol, or one that does not parse: print the mangled name instead.
    case notDemangled
}

/// Demangles Swift symbols (`$s`, `_$s`, `$S`, `_$S`, `_T0`) to the simplified form printed by
/// `swift demangle --simplified`, e.g. `closure #1 in Parser.parse(_:)`.
public enum SwiftDemangler {
    /// Demangles `symbol` into `output` using only `workspace` for storage.
    ///
    /// - Parameters:
    ///   - symbol: the mangled name, without a trailing NUL.
    ///   - output: where the demangled name goes (not NUL-terminated).
    ///   - workspace: storage created beforehand; not shared between threads.
    /// - Returns: how many bytes of `output` hold the name, or `.notDemangled`.
    /// - Signal safety: safe. No allocation, no locks, bounded recursion and time; reads only `symbol` and writes
    ///   only `output` and `workspace`. Stack use is not limited (see `demangle(_:into:workspace:stackLimit:)`).
    @_noAllocation @_noLocks
    public static func demangle(_ symbol: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                                workspace: DemanglerWorkspace) -> DemangleResult {
        var stack = StackGuard(limit: 0)
        return demangle(symbol, into: output, workspace: workspace, stack: &stack)
    }

    /// Demangles `symbol` into `output` without using the stack below `stackLimit`.
    ///
    /// The demangler recurses (about 0.5 KiB of stack per nesting level of the symbol in optimised builds, about
    /// 2 KiB in unoptimised ones). Inside a signal handler on an alternate stack, pass that stack's lowest address
    /// (plus any margin the caller wants to keep): when the next recursive step would need stack below it, the
    /// call stops and returns `.notDemangled` instead of overflowing. The check is a comparison with the address of
    /// a local at every recursive step.
    ///
    /// - Parameters:
    ///   - symbol: the mangled name, without a trailing NUL.
    ///   - output: where the demangled name goes (not NUL-terminated).
    ///   - workspace: storage created beforehand; not shared between threads.
    ///   - stackLimit: the lowest stack address the demangler may use (the stack grows down); 0 for no limit.
    /// - Returns: how many bytes of `output` hold the name, or `.notDemangled` (also when the stack ran short).
    /// - Signal safety: safe. No allocation, no locks, bounded recursion, time and stack; reads only `symbol` and
    ///   writes only `output`, `workspace` and the stack above `stackLimit`.
    @_noAllocation @_noLocks
    public static func demangle(_ symbol: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                                workspace: DemanglerWorkspace, stackLimit: UInt) -> DemangleResult {
        var stack = StackGuard(limit: stackLimit)
        return demangle(symbol, into: output, workspace: workspace, stack: &stack)
    }

    /// The implementation of both entry points; `stack` also reports the lowest address seen (for tests).
    ///
    /// - Signal safety: safe. See `demangle(_:into:workspace:stackLimit:)`.
    @_noAllocation @_noLocks
    static func demangle(_ symbol: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                         workspace: DemanglerWorkspace, stack: inout StackGuard) -> DemangleResult {
        guard let base = symbol.baseAddress, let outBase = output.baseAddress else { return .notDemangled }
        let count = symbol.count
        guard count > 0, count <= workspace.maximumSymbolLength else { return .notDemangled }
        guard stack.hasRoom() else { return .notDemangled }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let prefix = manglingPrefixLength(bytes, count)
        guard prefix > 0 else { return .notDemangled }
        var parser = Parser(ws: workspace, input: bytes, count: count, stack: stack)
        parser.isOldFunctionTypeMangling = bytes[0] == UInt8(ascii: "_") && bytes[1] == UInt8(ascii: "T")
        let root = parser.demangleSymbol(prefixLength: prefix)
        stack = parser.stack
        guard root != 0, !parser.failed, !stack.exhausted else { return .notDemangled }
        let out = outBase.assumingMemoryBound(to: UInt8.self)
        var printer = Printer(ws: workspace, out: out, capacity: output.count, stack: stack)
        _ = printer.print(root, 0)
        stack = printer.stack
        guard !printer.invalid, !stack.exhausted, printer.length > 0 else { return .notDemangled }
        if printer.length <= output.count { return .demangled(length: printer.length) }
        return .truncated(length: markTruncation(out, output.count))
    }

    /// Ends a full buffer with `...` at a UTF-8 character boundary; returns the new length.
    ///
    /// - Signal safety: safe. Bounded by the buffer size.
    @_noAllocation @_noLocks
    static func markTruncation(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        guard capacity >= 3 else {
            var i = 0
            while i < capacity {
                out[i] = UInt8(ascii: ".")
                i += 1
            }
            return capacity
        }
        var cut = capacity - 3
        // out[cut] is the first byte dropped; if it continues a sequence, drop the whole sequence.
        while cut > 0 && out[cut] & 0xC0 == 0x80 { cut -= 1 }
        out[cut] = UInt8(ascii: ".")
        out[cut + 1] = UInt8(ascii: ".")
        out[cut + 2] = UInt8(ascii: ".")
        return cut + 3
    }

    /// The length of a Swift mangling prefix at the start of `bytes`, or 0.
    ///
    /// - Signal safety: safe. Reads at most 3 bytes.
    @_noAllocation @_noLocks
    static func manglingPrefixLength(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let dollar = UInt8(ascii: "$"), underscore = UInt8(ascii: "_")
        let s = UInt8(ascii: "s"), bigS = UInt8(ascii: "S")
        if count >= 3 && bytes[0] == underscore && bytes[1] == UInt8(ascii: "T") && bytes[2] == UInt8(ascii: "0") {
            return 3
        }
        if count >= 2 && bytes[0] == dollar && (bytes[1] == s || bytes[1] == bigS) { return 2 }
        if count >= 3 && bytes[0] == underscore && bytes[1] == dollar && (bytes[2] == s || bytes[2] == bigS) {
            return 3
        }
        return 0
    }

    /// Demangles a symbol to a `String` (for tools and tests; allocates). Returns nil when it is not a Swift
    /// symbol or does not parse.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    public static func demangle(_ symbol: String) -> String? {
        let workspace = DemanglerWorkspace(maximumSymbolLength: max(256, symbol.utf8.count))
        defer { workspace.deallocate() }
        return demangle(symbol, workspace: workspace)
    }

    /// Demangles a symbol to a `String` reusing `workspace` (for tools and tests; allocates the result).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    public static func demangle(_ symbol: String, workspace: DemanglerWorkspace,
                                outputCapacity: Int = 16384) -> String? {
        var name = symbol
        return name.withUTF8 { utf8 -> String? in
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: outputCapacity, alignment: 1)
            defer { out.deallocate() }
            switch demangle(UnsafeRawBufferPointer(utf8), into: out, workspace: workspace) {
            case .demangled(let length), .truncated(let length):
                return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<length]), as: UTF8.self)
            case .notDemangled:
                return nil
            }
        }
    }
}
