// Prints a demangled node tree in the simplified form of `swift demangle --simplified`
// (DemangleOptions::SimplifiedUIDemangleOptions: no module names, no types of entities, no specialization
// details, shortened thunks) into a caller-provided buffer.

/// Writes the text of a node tree to a fixed buffer. Output past the buffer's end is counted but dropped, so
/// callers can tell that it was cut. The total work is bounded by `budget` node visits, which keeps shared
/// subtrees (substitutions) from blowing up the time.
struct Printer {
    let ws: DemanglerWorkspace
    let out: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes produced so far, including those that did not fit.
    var length = 0
    /// Remaining node visits.
    var budget = 200_000
    /// Set when the tree has a shape the printer does not accept; the caller reports "not demangled".
    var invalid = false
    var specializationPrefixPrinted = false
    /// The machine-stack bound, checked at each recursive step (`print`).
    var stack: StackGuard

    /// - Signal safety: safe. Stores pointers only.
    @_noAllocation @_noLocks
    init(ws: DemanglerWorkspace, out: UnsafeMutablePointer<UInt8>, capacity: Int, stack: StackGuard) {
        self.ws = ws
        self.out = out
        self.capacity = capacity
        self.stack = stack
    }

    // MARK: Tree access
    //
    // The read-only helpers below are `mutating` on purpose: an unoptimised build copies the whole printer (about
    // 150 bytes) into a fresh stack slot for every call of a non-mutating method from a mutating one, which made
    // the recursive printer's frames tens of KiB. A mutating method receives `self` by address instead.

    @_noAllocation @_noLocks
    @inline(__always) mutating func kind(_ n: NodeID) -> NodeKind { ws.nodes[Int(n)].kind }
    @_noAllocation @_noLocks
    @inline(__always) mutating func count(_ n: NodeID) -> Int { n == 0 ? 0 : Int(ws.nodes[Int(n)].childCount) }
    @_noAllocation @_noLocks
    @inline(__always) mutating func index(_ n: NodeID) -> UInt64 { ws.nodes[Int(n)].index }
    @_noAllocation @_noLocks
    @inline(__always) mutating func hasIndex(_ n: NodeID) -> Bool { ws.nodes[Int(n)].hasIndex }
    @_noAllocation @_noLocks
    @inline(__always) mutating func hasText(_ n: NodeID) -> Bool { ws.nodes[Int(n)].hasText }

    /// Child `i` of `n`, or 0.
    ///
    /// - Signal safety: safe. Bounds-checked read.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func child(_ n: NodeID, _ i: Int) -> NodeID {
        guard n != 0 else { return 0 }
        let node = ws.nodes[Int(n)]
        guard i >= 0, i < Int(node.childCount) else { return 0 }
        return ws.children[Int(node.childStart) + i]
    }

    /// The first child of `n` with the given kind, or 0.
    ///
    /// - Signal safety: safe. Bounded by the child count.
    @_noAllocation @_noLocks
    mutating func childOfKind(_ n: NodeID, _ k: NodeKind) -> NodeID {
        var i = 0
        while i < count(n) {
            let c = child(n, i)
            if kind(c) == k { return c }
            i += 1
        }
        return 0
    }

    /// Whether the text of `n` equals `s`.
    ///
    /// - Signal safety: safe. Bounded comparison.
    @_noAllocation @_noLocks
    mutating func textEquals(_ n: NodeID, _ s: StaticString) -> Bool {
        ws.textEquals(n, s)
    }

    // MARK: Output

    /// Appends one byte (dropped past the end of the buffer).
    ///
    /// - Signal safety: safe. Bounds-checked write.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func put(_ b: UInt8) {
        if length < capacity { out[length] = b }
        length += 1
    }

    /// Appends a static string.
    ///
    /// - Signal safety: safe. Bounded by the string length.
    @_noAllocation @_noLocks
    mutating func put(_ s: StaticString) {
        var i = 0
        let p = s.utf8Start
        while i < s.utf8CodeUnitCount {
            put(p[i])
            i += 1
        }
    }

    /// Appends the text of a node.
    ///
    /// - Signal safety: safe. Bounded by the text length.
    @_noAllocation @_noLocks
    mutating func putText(_ n: NodeID) {
        guard n != 0 else { return }
        let node = ws.nodes[Int(n)]
        guard node.hasText else { return }
        var i = 0
        while i < Int(node.textLength) {
            put(ws.text[Int(node.textStart) + i])
            i += 1
        }
    }

    /// Appends an unsigned decimal number.
    ///
    /// - Signal safety: safe. At most 20 digits.
    @_noAllocation @_noLocks
    mutating func putDecimal(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var v = value
        while divisor > 0 {
            put(UInt8(truncatingIfNeeded: 48 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }

    /// Appends a signed decimal number.
    ///
    /// - Signal safety: safe. At most 20 digits.
    @_noAllocation @_noLocks
    mutating func putSigned(_ value: Int64) {
        if value < 0 {
            put(UInt8(ascii: "-"))
            putDecimal(UInt64(0 &- UInt64(bitPattern: value)))
        } else {
            putDecimal(UInt64(value))
        }
    }

    /// Appends an uppercase hexadecimal number.
    ///
    /// - Signal safety: safe. At most 16 digits.
    @_noAllocation @_noLocks
    mutating func putHex(_ value: UInt64) {
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            let d = UInt8((value >> UInt64(shift)) & 0xF)
            put(d < 10 ? 48 + d : 55 + d)
            shift -= 4
        }
    }

    /// The name of generic parameter `(depth, index)`: `A`, `B`, ..., `A1`, ...
    ///
    /// - Signal safety: safe. Bounded by the digits of `index`.
    @_noAllocation @_noLocks
    mutating func putGenericParameterName(depth: UInt64, index: UInt64) {
        var i = index
        repeat {
            put(UInt8(65 + i % 26))
            i /= 26
        } while i > 0
        if depth != 0 { putDecimal(depth) }
    }

    // MARK: Children

    /// Prints all children of `n`, separated by `separator` when given.
    ///
    /// - Signal safety: safe. Bounded by the child count and the visit budget.
    @_noAllocation @_noLocks
    mutating func printChildren(_ n: NodeID, _ depth: Int, separator: StaticString? = nil) {
        var i = 0
        let c = count(n)
        while i < c {
            _ = print(child(n, i), depth + 1)
            i += 1
            if let separator, i < c { put(separator) }
        }
    }

    /// Prints `n` in parentheses unless it is a simple type.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printWithParens(_ n: NodeID, _ depth: Int) {
        let needsParens = !isSimpleType(n)
        if needsParens { put("(") }
        _ = print(n, depth + 1)
        if needsParens { put(")") }
    }

    /// `isSimpleType` of the reference printer.
    ///
    /// - Signal safety: safe. Loop bounded by the tree depth limit.
    @_noAllocation @_noLocks
    mutating func isSimpleType(_ nIn: NodeID) -> Bool {
        var n = nIn
        var steps = 0
        while n != 0 && kind(n) == .type && steps < 64 {
            n = child(n, 0)
            steps += 1
        }
        guard n != 0 else { return false }
        switch kind(n) {
        case .associatedType, .associatedTypeRef, .boundGenericClass, .boundGenericEnum, .boundGenericStructure,
             .boundGenericProtocol, .boundGenericOtherNominalType, .boundGenericTypeAlias, .boundGenericFunction,
             .builtinTypeName, .builtinTupleType, .builtinFixedArray, .class, .dependentGenericType,
             .dependentMemberType, .dependentGenericParamType, .dynamicSelf, .enum, .errorType,
             .existentialMetatype, .metatype, .metatypeRepresentation, .module, .tuple, .pack, .silPackDirect,
             .silPackIndirect, .constrainedExistentialRequirementList, .constrainedExistentialSelf, .protocol,
             .protocolSymbolicReference, .returnType, .silBoxType, .silBoxTypeWithLayout, .structure,
             .otherNominalType, .tupleElementName, .typeAlias, .typeList, .labelList, .typeSymbolicReference,
             .sugaredOptional, .sugaredArray, .sugaredInlineArray, .sugaredDictionary, .sugaredParen, .integer,
             .negativeInteger:
            return true
        case .protocolList:
            return count(child(n, 0)) <= 1
        case .protocolListWithAnyObject:
            return count(child(child(n, 0), 0)) == 0
        default:
            return false
        }
    }

    /// Whether a space goes between a generic signature and the type after it.
    ///
    /// - Signal safety: safe. Loop bounded by the tree depth limit.
    @_noAllocation @_noLocks
    mutating func needSpaceBeforeType(_ nIn: NodeID) -> Bool {
        var n = nIn
        var steps = 0
        while n != 0 && kind(n) == .type && steps < 64 {
            n = child(n, 0)
            steps += 1
        }
        guard n != 0 else { return true }
        switch kind(n) {
        case .functionType, .noEscapeFunctionType, .uncurriedFunctionType, .dependentGenericType: return false
        default: return true
        }
    }
}
