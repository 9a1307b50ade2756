// The demangler's parse state and its node-building primitives. The parser follows the structure of the
// reference demangler (a stack of partially built nodes plus a substitution table) but keeps every node, child
// list and piece of text in the fixed arrays of a `DemanglerWorkspace`.

/// Index of a node in the workspace arena; 0 is "no node".
typealias NodeID = Int32

/// Predicates for `popNode(where:)`.
enum NodePredicate {
    case declName, context, entity, requirement, functionAttr, anyConformance, dependentConformance
    case throwsAnnotation, functionIsolation

    /// Whether `kind` satisfies the predicate.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    @inline(__always)
    func matches(_ kind: NodeKind) -> Bool {
        switch self {
        case .declName: return kind.isDeclName
        case .context: return kind.isContext
        case .entity: return kind.isEntity
        case .requirement: return kind.isRequirement
        case .functionAttr: return kind.isFunctionAttr
        case .anyConformance:
            return kind == .concreteProtocolConformance || kind == .packProtocolConformance
                || kind == .dependentProtocolConformanceRoot || kind == .dependentProtocolConformanceInherited
                || kind == .dependentProtocolConformanceAssociated || kind == .dependentProtocolConformanceOpaque
        case .dependentConformance:
            return kind == .dependentProtocolConformanceRoot || kind == .dependentProtocolConformanceInherited
                || kind == .dependentProtocolConformanceAssociated
        case .throwsAnnotation: return kind == .throwsAnnotation || kind == .typedThrowsAnnotation
        case .functionIsolation:
            return kind == .globalActorFunctionType || kind == .isolatedAnyFunctionType
                || kind == .nonIsolatedCallerFunctionType
        }
    }
}

/// Parse state over one mangled name. All storage comes from the workspace; running out of it sets `failed`,
/// which makes the whole demangling report "not demangled".
struct Parser {
    let ws: DemanglerWorkspace
    let input: UnsafePointer<UInt8>
    let inputCount: Int
    var pos: Int
    var nodeCount: Int
    var childUsed: Int
    var textUsed: Int
    var stackCount: Int
    var substitutionCount: Int
    var wordCount: Int
    /// Top of the scratch stack (type lists of bound generic types being built).
    var scratchTop: Int
    var failed: Bool
    var isOldFunctionTypeMangling: Bool
    /// Recursion depth of the few recursive productions, bounded by `maximumDepth`.
    var depth: Int
    /// The machine-stack bound, checked at each recursive step.
    var stack: StackGuard

    /// - Signal safety: safe. Stores pointers only.
    @_noAllocation @_noLocks
    init(ws: DemanglerWorkspace, input: UnsafePointer<UInt8>, count: Int, stack: StackGuard) {
        self.ws = ws
        self.input = input
        self.inputCount = count
        pos = 0
        nodeCount = 1
        childUsed = 0
        textUsed = 0
        stackCount = 0
        substitutionCount = 0
        wordCount = 0
        scratchTop = 0
        failed = false
        isOldFunctionTypeMangling = false
        depth = 0
        self.stack = stack
    }

    // MARK: Input
    //
    // Read-only helpers of the parser are `mutating` on purpose: an unoptimised build copies the whole parser into
    // a fresh stack slot for every call of a non-mutating method from a mutating one (see `Printer`).

    /// The next byte without consuming it, or 0 at the end.
    ///
    /// - Signal safety: safe. Bounds-checked read of the input.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func peek() -> UInt8 { pos < inputCount ? input[pos] : 0 }

    /// Consumes and returns the next byte, or 0 at the end (without moving).
    ///
    /// - Signal safety: safe. Bounds-checked read of the input.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func next() -> UInt8 {
        guard pos < inputCount else { return 0 }
        let c = input[pos]
        pos += 1
        return c
    }

    /// Consumes `c` if it is next.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func nextIf(_ c: UInt8) -> Bool {
        if pos < inputCount && input[pos] == c {
            pos += 1
            return true
        }
        return false
    }

    /// Steps back one byte (after a `next()` that consumed one).
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func pushBack() { if pos > 0 { pos -= 1 } }

    // MARK: Nodes

    /// A new node without children, text or index; 0 when the arena is full.
    ///
    /// - Signal safety: safe. Writes into the preallocated arena.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind) -> NodeID {
        guard nodeCount < ws.nodeCapacity else {
            failed = true
            return 0
        }
        let id = nodeCount
        nodeCount += 1
        ws.nodes[id] = DemangleNode(kind: kind)
        return NodeID(id)
    }

    /// A new node carrying an integer payload.
    ///
    /// - Signal safety: safe. Writes into the preallocated arena.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind, index: UInt64) -> NodeID {
        let id = create(kind)
        if id != 0 {
            ws.nodes[Int(id)].hasIndex = true
            ws.nodes[Int(id)].index = index
        }
        return id
    }

    /// A new node whose text is `textStart..<textStart+length` of the text pool (already written).
    ///
    /// - Signal safety: safe. Writes into the preallocated arena.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind, poolText start: Int, length: Int) -> NodeID {
        let id = create(kind)
        if id != 0 {
            ws.nodes[Int(id)].hasText = true
            ws.nodes[Int(id)].textStart = Int32(start)
            ws.nodes[Int(id)].textLength = Int32(length)
        }
        return id
    }

    /// A new node with a copy of a static string as its text.
    ///
    /// - Signal safety: safe. Copies into the preallocated text pool.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind, _ text: StaticString) -> NodeID {
        let start = textUsed
        appendText(text.utf8Start, text.utf8CodeUnitCount)
        return create(kind, poolText: start, length: textUsed - start)
    }

    /// A new node with a copy of `length` input bytes starting at `inputStart` as its text.
    ///
    /// - Signal safety: safe. Copies into the preallocated text pool.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind, inputText inputStart: Int, length: Int) -> NodeID {
        let start = textUsed
        appendText(input + inputStart, length)
        return create(kind, poolText: start, length: textUsed - start)
    }

    /// A new node of `kind` sharing the text of `node` (text is immutable once written).
    ///
    /// - Signal safety: safe. Writes into the preallocated arena.
    @_noAllocation @_noLocks
    mutating func create(_ kind: NodeKind, textOf node: NodeID) -> NodeID {
        let n = ws.nodes[Int(node)]
        return create(kind, poolText: Int(n.textStart), length: Int(n.textLength))
    }

    /// Appends bytes to the text pool (sets `failed` when it is full).
    ///
    /// - Signal safety: safe. Bounded copy into preallocated memory.
    @_noAllocation @_noLocks
    mutating func appendText(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard count >= 0, textUsed + count <= ws.textCapacity else {
            failed = true
            return
        }
        var i = 0
        while i < count {
            ws.text[textUsed + i] = bytes[i]
            i += 1
        }
        textUsed += count
    }

    /// Appends one byte to the text pool.
    ///
    /// - Signal safety: safe. Bounded write into preallocated memory.
    @_noAllocation @_noLocks
    mutating func appendByte(_ byte: UInt8) {
        guard textUsed < ws.textCapacity else {
            failed = true
            return
        }
        ws.text[textUsed] = byte
        textUsed += 1
    }

    /// Appends the decimal digits of `value` to the text pool.
    ///
    /// - Signal safety: safe. Bounded writes into preallocated memory.
    @_noAllocation @_noLocks
    mutating func addDecimal(_ value: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value < 0 ? 0 : value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[n] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 20
        }
        while n > 0 {
            n -= 1
            let d = withUnsafeBytes(of: &digits) { $0[n] }
            appendByte(d)
        }
    }

    @_noAllocation @_noLocks
    @inline(__always) mutating func kind(_ n: NodeID) -> NodeKind { ws.nodes[Int(n)].kind }
    @_noAllocation @_noLocks
    @inline(__always) mutating func count(_ n: NodeID) -> Int { Int(ws.nodes[Int(n)].childCount) }
    @_noAllocation @_noLocks
    @inline(__always) mutating func index(_ n: NodeID) -> UInt64 { ws.nodes[Int(n)].index }
    @_noAllocation @_noLocks
    @inline(__always) mutating func hasText(_ n: NodeID) -> Bool { ws.nodes[Int(n)].hasText }
    @_noAllocation @_noLocks
    @inline(__always) mutating func hasIndex(_ n: NodeID) -> Bool { ws.nodes[Int(n)].hasIndex }

    /// Child `i` of `n`, or 0 when out of range.
    ///
    /// - Signal safety: safe. Bounds-checked read of the arena.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func child(_ n: NodeID, _ i: Int) -> NodeID {
        let node = ws.nodes[Int(n)]
        guard n != 0, i >= 0, i < Int(node.childCount) else { return 0 }
        return ws.children[Int(node.childStart) + i]
    }

    /// Appends `c` to the children of `n`, growing the child list inside the pool.
    ///
    /// - Signal safety: safe. Writes into preallocated memory; sets `failed` when the pool is full.
    @_noAllocation @_noLocks
    mutating func appendChild(_ n: NodeID, _ c: NodeID) {
        guard n != 0, c != 0 else { return }
        var node = ws.nodes[Int(n)]
        if node.childCount == node.childCapacity {
            let end = Int(node.childStart) + Int(node.childCapacity)
            if node.childCapacity > 0 && end == childUsed && childUsed + 4 <= ws.childCapacity {
                // The list is the last block of the pool: grow it in place.
                node.childCapacity += 4
                childUsed += 4
            } else {
                let newCapacity = max(4, Int(node.childCapacity) * 2)
                guard childUsed + newCapacity <= ws.childCapacity else {
                    failed = true
                    return
                }
                var i = 0
                while i < Int(node.childCount) {
                    ws.children[childUsed + i] = ws.children[Int(node.childStart) + i]
                    i += 1
                }
                node.childStart = Int32(childUsed)
                node.childCapacity = Int32(newCapacity)
                childUsed += newCapacity
            }
        }
        ws.children[Int(node.childStart) + Int(node.childCount)] = c
        node.childCount += 1
        ws.nodes[Int(n)] = node
    }

    /// `addChild` of the reference demangler: nil in, nil out.
    ///
    /// - Signal safety: safe. See `appendChild`.
    @discardableResult
    @_noAllocation @_noLocks
    mutating func addChild(_ parent: NodeID, _ c: NodeID) -> NodeID {
        if parent == 0 || c == 0 { return 0 }
        appendChild(parent, c)
        return parent
    }

    /// Reverses the children of `n` from position `start` on.
    ///
    /// - Signal safety: safe. In-place swaps.
    @_noAllocation @_noLocks
    mutating func reverseChildren(_ n: NodeID, from start: Int = 0) {
        guard n != 0 else { return }
        let node = ws.nodes[Int(n)]
        var lo = Int(node.childStart) + start
        var hi = Int(node.childStart) + Int(node.childCount) - 1
        while lo < hi {
            let t = ws.children[lo]
            ws.children[lo] = ws.children[hi]
            ws.children[hi] = t
            lo += 1
            hi -= 1
        }
    }

    /// Removes child `i` of `n`.
    ///
    /// - Signal safety: safe. In-place moves.
    @_noAllocation @_noLocks
    mutating func removeChild(_ n: NodeID, at i: Int) {
        let node = ws.nodes[Int(n)]
        guard i >= 0, i < Int(node.childCount) else { return }
        var j = i
        while j + 1 < Int(node.childCount) {
            ws.children[Int(node.childStart) + j] = ws.children[Int(node.childStart) + j + 1]
            j += 1
        }
        ws.nodes[Int(n)].childCount -= 1
    }

    /// A node of `kind` with one child; 0 when the child is 0.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func with(_ kind: NodeKind, _ c: NodeID) -> NodeID {
        if c == 0 { return 0 }
        let n = create(kind)
        appendChild(n, c)
        return n
    }

    /// A node of `kind` with two children; 0 when either is 0.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func with(_ kind: NodeKind, _ a: NodeID, _ b: NodeID) -> NodeID {
        if a == 0 || b == 0 { return 0 }
        let n = create(kind)
        appendChild(n, a)
        appendChild(n, b)
        return n
    }

    /// A node of `kind` with three children; 0 when any is 0.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func with(_ kind: NodeKind, _ a: NodeID, _ b: NodeID, _ c: NodeID) -> NodeID {
        if a == 0 || b == 0 || c == 0 { return 0 }
        let n = create(kind)
        appendChild(n, a)
        appendChild(n, b)
        appendChild(n, c)
        return n
    }

    /// A node of `kind` with four children; 0 when any is 0.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func with(_ kind: NodeKind, _ a: NodeID, _ b: NodeID, _ c: NodeID, _ d: NodeID) -> NodeID {
        if a == 0 || b == 0 || c == 0 || d == 0 { return 0 }
        let n = create(kind)
        appendChild(n, a)
        appendChild(n, b)
        appendChild(n, c)
        appendChild(n, d)
        return n
    }

    /// `createType`: wraps `c` in a Type node.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func type(_ c: NodeID) -> NodeID { with(.type, c) }

    /// `createWithPoppedType`.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func withPoppedType(_ kind: NodeKind) -> NodeID { with(kind, pop(.type)) }

    /// `changeKind`: a copy of `n` with another kind and the same text, index and children.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func changeKind(_ n: NodeID, _ newKind: NodeKind) -> NodeID {
        if n == 0 { return 0 }
        let old = ws.nodes[Int(n)]
        let m: NodeID
        if old.hasText {
            m = create(newKind, poolText: Int(old.textStart), length: Int(old.textLength))
        } else if old.hasIndex {
            m = create(newKind, index: old.index)
        } else {
            m = create(newKind)
        }
        var i = 0
        while i < Int(old.childCount) {
            appendChild(m, ws.children[Int(old.childStart) + i])
            i += 1
        }
        return m
    }

    /// Whether the text of `n` equals `s`.
    ///
    /// - Signal safety: safe. Bounded comparison.
    @_noAllocation @_noLocks
    mutating func textEquals(_ n: NodeID, _ s: StaticString) -> Bool {
        ws.textEquals(n, s)
    }

    // MARK: Stack and substitutions

    /// Pushes a node on the parse stack.
    ///
    /// - Signal safety: safe. Bounded write.
    @_noAllocation @_noLocks
    mutating func push(_ n: NodeID) {
        guard stackCount < ws.stackCapacity else {
            failed = true
            return
        }
        ws.stack[stackCount] = n
        stackCount += 1
    }

    /// Pops any node.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func pop() -> NodeID {
        guard stackCount > 0 else { return 0 }
        stackCount -= 1
        return ws.stack[stackCount]
    }

    /// Pops the top node if it has `kind`.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func pop(_ kind: NodeKind) -> NodeID {
        guard stackCount > 0, self.kind(ws.stack[stackCount - 1]) == kind else { return 0 }
        stackCount -= 1
        return ws.stack[stackCount]
    }

    /// Pops the top node if its kind satisfies `predicate`.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func pop(where predicate: NodePredicate) -> NodeID {
        guard stackCount > 0, predicate.matches(kind(ws.stack[stackCount - 1])) else { return 0 }
        stackCount -= 1
        return ws.stack[stackCount]
    }

    /// Records a substitution candidate.
    ///
    /// - Signal safety: safe. Bounded write.
    @_noAllocation @_noLocks
    mutating func addSubstitution(_ n: NodeID) {
        guard n != 0 else { return }
        guard substitutionCount < ws.substitutionCapacity else {
            failed = true
            return
        }
        ws.substitutions[substitutionCount] = n
        substitutionCount += 1
    }

    // MARK: Numbers

    /// A decimal natural number, or -1000 when there is none or it overflows.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleNatural() -> Int {
        guard isDigit(peek()) else { return -1000 }
        var num = 0
        while isDigit(peek()) {
            let newNum = 10 * num + Int(next() - 48)
            if newNum > Int(Int32.max) { return -1000 }
            num = newNum
        }
        return num
    }

    /// `_` is 0, `N_` is N+1, otherwise -1000.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleIndex() -> Int {
        if nextIf(UInt8(ascii: "_")) { return 0 }
        let num = demangleNatural()
        if num >= 0 && nextIf(UInt8(ascii: "_")) { return num + 1 }
        return -1000
    }

    /// An index as a Number node, or 0.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleIndexAsNode() -> NodeID {
        let i = demangleIndex()
        return i >= 0 ? create(.number, index: UInt64(i)) : 0
    }
}

@_noAllocation @_noLocks
@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
@_noAllocation @_noLocks
@inline(__always) func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
@_noAllocation @_noLocks
@inline(__always) func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
@_noAllocation @_noLocks
@inline(__always) func isLetter(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) }
