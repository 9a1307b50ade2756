// Fixed storage for the demangler: node arena, child lists, text, parse stacks. Created once, outside signal
// context, and reused for every call.

/// One node of the demangling tree, stored in the workspace's node arena. Children are a slice of the shared
/// child-index pool; text is a slice of the text pool.
struct DemangleNode {
    var kind: NodeKind
    var hasText: Bool
    var hasIndex: Bool
    var childCount: Int32
    var childCapacity: Int32
    var childStart: Int32
    var textStart: Int32
    var textLength: Int32
    var index: UInt64

    /// A node of `kind` with no children, text or index.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    init(kind: NodeKind) {
        self.kind = kind
        hasText = false
        hasIndex = false
        childCount = 0
        childCapacity = 0
        childStart = 0
        textStart = 0
        textLength = 0
        index = 0
    }
}

/// Preallocated storage used by `SwiftDemangler.demangle(_:into:workspace:)`.
///
/// All memory is allocated by `init` and released by `deallocate()`; demangling itself never allocates. A
/// workspace is not thread-safe: use one per thread (or one per signal handler, guarded by the caller).
public struct DemanglerWorkspace {
    /// Longest mangled name accepted (bytes). Longer names are reported as not demangled.
    public let maximumSymbolLength: Int

    let nodes: UnsafeMutablePointer<DemangleNode>
    let nodeCapacity: Int
    let children: UnsafeMutablePointer<Int32>
    let childCapacity: Int
    let text: UnsafeMutablePointer<UInt8>
    let textCapacity: Int
    let stack: UnsafeMutablePointer<Int32>
    let stackCapacity: Int
    let substitutions: UnsafeMutablePointer<Int32>
    let substitutionCapacity: Int
    /// Word substitutions: (start, length) pairs into the mangled name, at most 26.
    let words: UnsafeMutablePointer<Int32>
    /// Scratch bytes (punycode decoding, temporary lists).
    let scratch: UnsafeMutablePointer<Int32>
    let scratchCapacity: Int

    /// Allocates the storage. The defaults handle every symbol of the Swift toolchain's own libraries (mangled
    /// names up to 867 bytes); about 1 MiB in total.
    ///
    /// - Parameter maximumSymbolLength: longest mangled name to accept.
    /// - Signal safety: unsafe. Call outside signal handlers only.
    public init(maximumSymbolLength: Int = 4096) {
        let length = max(64, maximumSymbolLength)
        self.maximumSymbolLength = length
        nodeCapacity = 16 * length
        nodes = .allocate(capacity: nodeCapacity)
        childCapacity = 32 * length
        children = .allocate(capacity: childCapacity)
        textCapacity = 16 * length
        text = .allocate(capacity: textCapacity)
        stackCapacity = 2 * length
        stack = .allocate(capacity: stackCapacity)
        substitutionCapacity = 2 * length
        substitutions = .allocate(capacity: substitutionCapacity)
        words = .allocate(capacity: 64)
        scratchCapacity = 2 * length
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// Releases the storage. The workspace must not be used afterwards.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    public func deallocate() {
        nodes.deallocate()
        children.deallocate()
        text.deallocate()
        stack.deallocate()
        substitutions.deallocate()
        words.deallocate()
        scratch.deallocate()
    }
}

extension DemanglerWorkspace {
    /// Whether the text of node `n` equals `s` (shared by the parser and the printer).
    ///
    /// - Signal safety: safe. Bounded comparison over the workspace's prepared memory.
    @_noAllocation @_noLocks
    func textEquals(_ n: NodeID, _ s: StaticString) -> Bool {
        guard n != 0 else { return false }
        let node = nodes[Int(n)]
        guard node.hasText, Int(node.textLength) == s.utf8CodeUnitCount else { return false }
        var i = 0
        while i < Int(node.textLength) {
            if text[Int(node.textStart) + i] != s.utf8Start[i] { return false }
            i += 1
        }
        return true
    }
}
