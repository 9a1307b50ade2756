// Top-level symbol parsing and the operator dispatch of the mangling grammar (docs/ABI/Mangling.rst).

extension Parser {
    /// Consumes `c` if it is next.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    @inline(__always)
    mutating func nextIf(_ c: Unicode.Scalar) -> Bool { nextIf(UInt8(truncatingIfNeeded: c.value)) }

    /// Parses a whole symbol (after its prefix) into a Global node; 0 when it does not parse.
    ///
    /// - Signal safety: safe. Bounded by the input length and the workspace capacities.
    @_noAllocation @_noLocks
    mutating func demangleSymbol(prefixLength: Int) -> NodeID {
        pos = prefixLength
        while pos < inputCount {
            let start = pos
            let n = demangleOperator()
            if n == 0 || failed { return 0 }
            push(n)
            if pos == start { return 0 }
        }
        let top = create(.global)
        let suffix = pop(.suffix)
        var parent = top
        while true {
            let attr = pop(where: .functionAttr)
            if attr == 0 { break }
            appendChild(parent, attr)
            if kind(attr) == .partialApplyForwarder || kind(attr) == .partialApplyObjCForwarder { parent = attr }
        }
        var i = 0
        while i < stackCount {
            let n = ws.stack[i]
            if kind(n) == .type { appendChild(parent, child(n, 0)) } else { appendChild(parent, n) }
            i += 1
        }
        if suffix != 0 { appendChild(top, suffix) }
        if failed || count(top) == 0 { return 0 }
        return top
    }

    /// One operator of the grammar.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleOperator() -> NodeID {
        var c = next()
        var padding = 0
        while c == 0xFF && padding < inputCount {
            c = next()
            padding += 1
        }
        if c >= 1 && c <= 0x17 { return 0 }  // symbolic references need a resolver
        switch Unicode.Scalar(c) {
        case "A": return demangleMultiSubstitutions()
        case "B": return demangleBuiltinType()
        case "C": return demangleAnyGenericType(.class)
        case "D": return demangleTypeMangling()
        case "E": return demangleExtensionContext()
        case "F": return demanglePlainFunction()
        case "G": return demangleBoundGenericType()
        case "H":
            let c2 = next()
            switch Unicode.Scalar(c2) {
            case "A": return demangleDependentProtocolConformanceAssociated()
            case "C": return demangleConcreteProtocolConformance()
            case "D": return demangleDependentProtocolConformanceRoot()
            case "I": return demangleDependentProtocolConformanceInherited()
            case "O": return demangleDependentProtocolConformanceOpaque()
            case "P": return with(.protocolConformanceRefInTypeModule, popProtocol())
            case "p": return with(.protocolConformanceRefInProtocolModule, popProtocol())
            case "X": return demanglePackProtocolConformance()
            case "c": return with(.protocolConformanceDescriptorRecord, popProtocolConformance())
            case "n": return withPoppedType(.nominalTypeDescriptorRecord)
            case "o": return with(.opaqueTypeDescriptorRecord, pop())
            case "r": return with(.protocolDescriptorRecord, popProtocol())
            case "F": return create(.accessibleFunctionRecord)
            default:
                pushBack()
                if c2 != 0 { pushBack() }
                return demangleIdentifier()
            }
        case "I": return demangleImplFunctionType()
        case "K": return create(.throwsAnnotation)
        case "L": return demangleLocalIdentifier()
        case "M": return demangleMetatype()
        case "N": return with(.typeMetadata, pop(.type))
        case "O": return demangleAnyGenericType(.enum)
        case "P": return demangleAnyGenericType(.protocol)
        case "Q": return demangleArchetype()
        case "R": return demangleGenericRequirement()
        case "S": return demangleStandardSubstitution()
        case "T": return demangleThunkOrSpecialization()
        case "V": return demangleAnyGenericType(.structure)
        case "W": return demangleWitness()
        case "X": return demangleSpecialType()
        case "Y": return demangleTypeAnnotation()
        case "Z": return with(.static, pop(where: .entity))
        case "a": return demangleAnyGenericType(.typeAlias)
        case "c": return popFunctionType(.functionType)
        case "d": return create(.variadicMarker)
        case "f": return demangleFunctionEntity()
        case "g": return demangleRetroactiveConformance()
        case "h": return type(with(.shared, popTypeAndGetChild()))
        case "i": return demangleSubscript()
        case "l": return demangleGenericSignature(hasParamCounts: false)
        case "m": return type(with(.metatype, pop(.type)))
        case "n": return type(with(.owned, popTypeAndGetChild()))
        case "o": return demangleOperatorIdentifier()
        case "p": return type(demangleProtocolList())
        case "q": return type(demangleGenericParamIndex())
        case "r": return demangleGenericSignature(hasParamCounts: true)
        case "s": return create(.module, "Swift")
        case "t": return popTuple()
        case "u": return demangleGenericType()
        case "v": return demangleVariable()
        case "w": return demangleValueWitness()
        case "x": return type(dependentGenericParamType(depth: 0, index: 0))
        case "y": return create(.emptyList)
        case "z": return type(with(.inOut, popTypeAndGetChild()))
        case "_": return create(.firstElementMarker)
        case "$": return demangleIntegerValue()
        case ".":
            pushBack()
            let start = pos
            pos = inputCount
            return create(.suffix, inputText: start, length: inputCount - start)
        default:
            pushBack()
            return demangleIdentifier()
        }
    }

    /// `$N` (integer) and `$nN` (negative integer) value-generic arguments.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleIntegerValue() -> NodeID {
        if nextIf("n") {
            let v = demangleIndex()
            if v < 0 { return 0 }
            return type(create(.negativeInteger, index: UInt64(bitPattern: Int64(-v))))
        }
        let v = demangleIndex()
        if v < 0 { return 0 }
        return type(create(.integer, index: UInt64(v)))
    }

    /// `A`-substitutions, possibly several with repeat counts.
    ///
    /// - Signal safety: safe. Bounded by the input length and the repeat-count limit.
    @_noAllocation @_noLocks
    mutating func demangleMultiSubstitutions() -> NodeID {
        var repeatCount = -1
        while pos < inputCount {
            let c = next()
            if isLower(c) {
                let n = pushMultiSubstitutions(repeatCount, Int(c) - 97)
                if n == 0 { return 0 }
                push(n)
                repeatCount = -1
                continue
            }
            if isUpper(c) { return pushMultiSubstitutions(repeatCount, Int(c) - 65) }
            if c == UInt8(ascii: "_") {
                let idx = repeatCount + 27
                if idx < 0 || idx >= substitutionCount { return 0 }
                return ws.substitutions[idx]
            }
            pushBack()
            repeatCount = demangleNatural()
            if repeatCount < 0 { return 0 }
        }
        return 0
    }

    /// Pushes substitution `index` `repeatCount - 1` times and returns it.
    ///
    /// - Signal safety: safe. Bounded by the repeat-count limit.
    @_noAllocation @_noLocks
    mutating func pushMultiSubstitutions(_ repeatCount: Int, _ index: Int) -> NodeID {
        guard index < substitutionCount, repeatCount <= 2048 else { return 0 }
        let n = ws.substitutions[index]
        var r = repeatCount
        while r > 1 && !failed {
            push(n)
            r -= 1
        }
        return n
    }

    /// A type `Swift.<name>` of the given kind.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func swiftType(_ kind: NodeKind, _ name: StaticString) -> NodeID {
        type(with(kind, create(.module, "Swift"), create(.identifier, name)))
    }

    /// `S` substitutions: known standard library types and modules.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleStandardSubstitution() -> NodeID {
        let c = next()
        switch Unicode.Scalar(c) {
        case "o": return create(.module, "__C")
        case "C": return create(.module, "__C_Synthesized")
        case "g":
            let optional = type(with(.boundGenericEnum, swiftType(.enum, "Optional"), with(.typeList, pop(.type))))
            addSubstitution(optional)
            return optional
        default:
            pushBack()
            var repeatCount = demangleNatural()
            if repeatCount > 2048 { return 0 }
            let second = nextIf("c")
            let n = standardSubstitution(next(), secondLevel: second)
            if n == 0 { return 0 }
            while repeatCount > 1 && !failed {
                push(n)
                repeatCount -= 1
            }
            return n
        }
    }

    /// The table of standard types (StandardTypesMangling.def).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func standardSubstitution(_ c: UInt8, secondLevel: Bool) -> NodeID {
        if secondLevel {
            switch Unicode.Scalar(c) {
            case "A": return swiftType(.protocol, "Actor")
            case "C": return swiftType(.structure, "CheckedContinuation")
            case "c": return swiftType(.structure, "UnsafeContinuation")
            case "E": return swiftType(.structure, "CancellationError")
            case "e": return swiftType(.structure, "UnownedSerialExecutor")
            case "F": return swiftType(.protocol, "Executor")
            case "f": return swiftType(.protocol, "SerialExecutor")
            case "G": return swiftType(.structure, "TaskGroup")
            case "g": return swiftType(.structure, "ThrowingTaskGroup")
            case "h": return swiftType(.protocol, "TaskExecutor")
            case "I": return swiftType(.protocol, "AsyncIteratorProtocol")
            case "i": return swiftType(.protocol, "AsyncSequence")
            case "J": return swiftType(.structure, "UnownedJob")
            case "M": return swiftType(.class, "MainActor")
            case "P": return swiftType(.structure, "TaskPriority")
            case "S": return swiftType(.structure, "AsyncStream")
            case "s": return swiftType(.structure, "AsyncThrowingStream")
            case "T": return swiftType(.structure, "Task")
            case "t": return swiftType(.structure, "UnsafeCurrentTask")
            default: return 0
            }
        }
        switch Unicode.Scalar(c) {
        case "A": return swiftType(.structure, "AutoreleasingUnsafeMutablePointer")
        case "a": return swiftType(.structure, "Array")
        case "B": return swiftType(.protocol, "BinaryFloatingPoint")
        case "b": return swiftType(.structure, "Bool")
        case "c": return swiftType(.structure, "UnicodeScalar")
        case "D": return swiftType(.structure, "Dictionary")
        case "d": return swiftType(.structure, "Double")
        case "E": return swiftType(.protocol, "Encodable")
        case "e": return swiftType(.protocol, "Decodable")
        case "F": return swiftType(.protocol, "FloatingPoint")
        case "f": return swiftType(.structure, "Float")
        case "G": return swiftType(.protocol, "RandomNumberGenerator")
        case "H": return swiftType(.protocol, "Hashable")
        case "h": return swiftType(.structure, "Set")
        case "I": return swiftType(.structure, "DefaultIndices")
        case "i": return swiftType(.structure, "Int")
        case "J": return swiftType(.structure, "Character")
        case "j": return swiftType(.protocol, "Numeric")
        case "K": return swiftType(.protocol, "BidirectionalCollection")
        case "k": return swiftType(.protocol, "RandomAccessCollection")
        case "L": return swiftType(.protocol, "Comparable")
        case "l": return swiftType(.protocol, "Collection")
        case "M": return swiftType(.protocol, "MutableCollection")
        case "m": return swiftType(.protocol, "RangeReplaceableCollection")
        case "N": return swiftType(.structure, "ClosedRange")
        case "n": return swiftType(.structure, "Range")
        case "O": return swiftType(.structure, "ObjectIdentifier")
        case "P": return swiftType(.structure, "UnsafePointer")
        case "p": return swiftType(.structure, "UnsafeMutablePointer")
        case "Q": return swiftType(.protocol, "Equatable")
        case "q": return swiftType(.enum, "Optional")
        case "R": return swiftType(.structure, "UnsafeBufferPointer")
        case "r": return swiftType(.structure, "UnsafeMutableBufferPointer")
        case "S": return swiftType(.structure, "String")
        case "s": return swiftType(.structure, "Substring")
        case "T": return swiftType(.protocol, "Sequence")
        case "t": return swiftType(.protocol, "IteratorProtocol")
        case "U": return swiftType(.protocol, "UnsignedInteger")
        case "u": return swiftType(.structure, "UInt")
        case "V": return swiftType(.structure, "UnsafeRawPointer")
        case "v": return swiftType(.structure, "UnsafeMutableRawPointer")
        case "W": return swiftType(.structure, "UnsafeRawBufferPointer")
        case "w": return swiftType(.structure, "UnsafeMutableRawBufferPointer")
        case "X": return swiftType(.protocol, "RangeExpression")
        case "x": return swiftType(.protocol, "Strideable")
        case "Y": return swiftType(.protocol, "RawRepresentable")
        case "y": return swiftType(.protocol, "StringProtocol")
        case "Z": return swiftType(.protocol, "SignedInteger")
        case "z": return swiftType(.protocol, "BinaryInteger")
        default: return 0
        }
    }

    /// An identifier: plain, with word substitutions (`0...`), or punycoded (`00...`).
    ///
    /// - Signal safety: safe. Bounded by the input length; text goes to the text pool.
    @_noAllocation @_noLocks
    mutating func demangleIdentifier() -> NodeID {
        var hasWordSubsts = false
        var isPunycoded = false
        let c = peek()
        guard isDigit(c) else { return 0 }
        if c == UInt8(ascii: "0") {
            _ = next()
            if peek() == UInt8(ascii: "0") {
                _ = next()
                isPunycoded = true
            } else {
                hasWordSubsts = true
            }
        }
        let start = textUsed
        repeat {
            while hasWordSubsts && isLetter(peek()) {
                let w = next()
                var wordIndex = 0
                if isLower(w) {
                    wordIndex = Int(w) - 97
                } else {
                    wordIndex = Int(w) - 65
                    hasWordSubsts = false
                }
                guard wordIndex < wordCount else { return 0 }
                appendText(input + Int(ws.words[2 * wordIndex]), Int(ws.words[2 * wordIndex + 1]))
            }
            if nextIf("0") { break }
            let numChars = demangleNatural()
            guard numChars > 0 else { return 0 }
            if isPunycoded { _ = nextIf("_") }
            guard pos + numChars <= inputCount else { return 0 }
            if isPunycoded {
                guard decodePunycode(from: pos, count: numChars) else { return 0 }
            } else {
                appendText(input + pos, numChars)
                recordWords(from: pos, count: numChars)
            }
            pos += numChars
        } while hasWordSubsts && !failed
        let length = textUsed - start
        guard length > 0, !failed else { return 0 }
        let ident = create(.identifier, poolText: start, length: length)
        addSubstitution(ident)
        return ident
    }

    /// Records the words of an identifier slice for later word substitutions.
    ///
    /// - Signal safety: safe. Bounded by `count`.
    @_noAllocation @_noLocks
    mutating func recordWords(from start: Int, count: Int) {
        var wordStart = -1
        var i = 0
        while i <= count {
            let c: UInt8 = i < count ? input[start + i] : 0
            if wordStart >= 0 && isWordEnd(c, input[start + i - 1]) {
                if i - wordStart >= 2 && wordCount < 26 {
                    ws.words[2 * wordCount] = Int32(start + wordStart)
                    ws.words[2 * wordCount + 1] = Int32(i - wordStart)
                    wordCount += 1
                }
                wordStart = -1
            }
            if wordStart < 0 && isWordStart(c) { wordStart = i }
            i += 1
        }
    }

    /// An operator name (`o` after an identifier of encoded operator characters).
    ///
    /// - Signal safety: safe. Bounded by the identifier length.
    @_noAllocation @_noLocks
    mutating func demangleOperatorIdentifier() -> NodeID {
        let ident = pop(.identifier)
        if ident == 0 { return 0 }
        let node = ws.nodes[Int(ident)]
        let start = textUsed
        var i = 0
        while i < Int(node.textLength) {
            let c = ws.text[Int(node.textStart) + i]
            i += 1
            if c >= 0x80 {
                appendByte(c)
                continue
            }
            guard isLower(c) else { return 0 }
            let o = operatorCharacter(c)
            if o == 0 { return 0 }
            appendByte(o)
        }
        let length = textUsed - start
        switch Unicode.Scalar(next()) {
        case "i": return create(.infixOperator, poolText: start, length: length)
        case "p": return create(.prefixOperator, poolText: start, length: length)
        case "P": return create(.postfixOperator, poolText: start, length: length)
        default: return 0
        }
    }

    /// Local, private and related-entity declaration names (`L...`).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleLocalIdentifier() -> NodeID {
        if nextIf("L") {
            let discriminator = pop(.identifier)
            let name = pop(where: .declName)
            return with(.privateDeclName, discriminator, name)
        }
        if nextIf("l") {
            return with(.privateDeclName, pop(.identifier))
        }
        let p = peek()
        if (p >= UInt8(ascii: "a") && p <= UInt8(ascii: "j")) || (p >= UInt8(ascii: "A") && p <= UInt8(ascii: "J")) {
            let start = pos
            _ = next()
            let kindNode = create(.identifier, inputText: start, length: 1)
            let name = pop()
            let result = create(.relatedEntityDeclName)
            addChild(result, kindNode)
            return addChild(result, name)
        }
        let discriminator = demangleIndexAsNode()
        let name = pop(where: .declName)
        return with(.localDeclName, discriminator, name)
    }
}

/// Word boundaries for word substitutions (ManglingUtils.h).
///
/// - Signal safety: safe. Pure computation.
@_noAllocation @_noLocks
@inline(__always)
func isWordStart(_ c: UInt8) -> Bool { !isDigit(c) && c != UInt8(ascii: "_") && c != 0 }

/// - Signal safety: safe. Pure computation.
@_noAllocation @_noLocks
@inline(__always)
func isWordEnd(_ c: UInt8, _ previous: UInt8) -> Bool {
    if c == UInt8(ascii: "_") || c == 0 { return true }
    if !isUpper(previous) && isUpper(c) { return true }
    return false
}

/// The operator character encoded by a lowercase letter, or 0.
///
/// - Signal safety: safe. Pure computation.
@_noAllocation @_noLocks
func operatorCharacter(_ c: UInt8) -> UInt8 {
    switch Unicode.Scalar(c) {
    case "a": return UInt8(ascii: "&")
    case "c": return UInt8(ascii: "@")
    case "d": return UInt8(ascii: "/")
    case "e": return UInt8(ascii: "=")
    case "g": return UInt8(ascii: ">")
    case "l": return UInt8(ascii: "<")
    case "m": return UInt8(ascii: "*")
    case "n": return UInt8(ascii: "!")
    case "o": return UInt8(ascii: "|")
    case "p": return UInt8(ascii: "+")
    case "q": return UInt8(ascii: "?")
    case "r": return UInt8(ascii: "%")
    case "s": return UInt8(ascii: "-")
    case "t": return UInt8(ascii: "~")
    case "x": return UInt8(ascii: "^")
    case "z": return UInt8(ascii: ".")
    default: return 0
    }
}
