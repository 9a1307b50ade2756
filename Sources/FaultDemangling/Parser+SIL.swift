// SIL-level types (impl function types, boxes) and the special `X` types.

extension Parser {
    /// A length-prefixed mangled Clang type.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleClangType() -> NodeID {
        let n = demangleNatural()
        guard n > 0, pos + n <= inputCount else { return 0 }
        let node = create(.clangType, inputText: pos, length: n)
        pos += n
        return node
    }

    /// A parameter convention, or 0 (not consumed).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleImplParamConvention(_ kind: NodeKind) -> NodeID {
        let attr: StaticString
        switch Unicode.Scalar(next()) {
        case "i": attr = "@in"
        case "c": attr = "@in_constant"
        case "l": attr = "@inout"
        case "b": attr = "@inout_aliasable"
        case "n": attr = "@in_guaranteed"
        case "X": attr = "@in_cxx"
        case "x": attr = "@owned"
        case "g": attr = "@guaranteed"
        case "e": attr = "@deallocating"
        case "y": attr = "@unowned"
        case "v": attr = "@pack_owned"
        case "p": attr = "@pack_guaranteed"
        case "m": attr = "@pack_inout"
        default:
            pushBack()
            return 0
        }
        return with(kind, create(.implConvention, attr))
    }

    /// A result convention, or 0 (not consumed).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleImplResultConvention(_ kind: NodeKind) -> NodeID {
        let attr: StaticString
        switch Unicode.Scalar(next()) {
        case "r": attr = "@out"
        case "o": attr = "@owned"
        case "d": attr = "@unowned"
        case "u": attr = "@unowned_inner_pointer"
        case "a": attr = "@autoreleased"
        case "k": attr = "@pack_out"
        case "l": attr = "@guaranteed_address"
        case "g": attr = "@guaranteed"
        case "m": attr = "@inout"
        default:
            pushBack()
            return 0
        }
        return with(kind, create(.implConvention, attr))
    }

    /// `I...`: a SIL function type.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleImplFunctionType() -> NodeID {
        var fn = create(.implFunctionType)
        if nextIf("s") {
            var retroactive: NodeID = 0
            let base = scratchTop
            guard demangleBoundGenerics(&retroactive), scratchTop > base else {
                scratchTop = base
                return 0
            }
            let list = ws.scratch[base]
            scratchTop = base
            let sig = pop(.dependentGenericSignature)
            if sig == 0 { return 0 }
            let subs = create(.implPatternSubstitutions)
            appendChild(subs, sig)
            appendChild(subs, list)
            addChild(subs, retroactive)
            appendChild(fn, subs)
        }
        if nextIf("I") {
            var retroactive: NodeID = 0
            let base = scratchTop
            guard demangleBoundGenerics(&retroactive), scratchTop > base else {
                scratchTop = base
                return 0
            }
            let list = ws.scratch[base]
            scratchTop = base
            let subs = create(.implInvocationSubstitutions)
            appendChild(subs, list)
            addChild(subs, retroactive)
            appendChild(fn, subs)
        }
        var sig = pop(.dependentGenericSignature)
        if sig != 0 && nextIf("P") { sig = changeKind(sig, .dependentPseudogenericSignature) }
        if nextIf("e") { appendChild(fn, create(.implEscaping)) }
        if nextIf("A") { appendChild(fn, create(.implErasedIsolation)) }
        let d = peek()
        if d == UInt8(ascii: "d") || d == UInt8(ascii: "l") || d == UInt8(ascii: "f") || d == UInt8(ascii: "r") {
            appendChild(fn, create(.implDifferentiabilityKind, index: UInt64(next())))
        }
        let callee: StaticString
        switch Unicode.Scalar(next()) {
        case "y": callee = "@callee_unowned"
        case "g": callee = "@callee_guaranteed"
        case "x": callee = "@callee_owned"
        case "t": callee = "@convention(thin)"
        default: return 0
        }
        appendChild(fn, create(.implConvention, callee))
        var conv: StaticString = ""
        var hasConv = false
        var hasClangType = false
        switch Unicode.Scalar(next()) {
        case "B": conv = "block"; hasConv = true
        case "C": conv = "c"; hasConv = true
        case "z":
            switch Unicode.Scalar(next()) {
            case "B": conv = "block"; hasConv = true; hasClangType = true
            case "C": conv = "c"; hasConv = true; hasClangType = true
            default:
                pushBack()
                pushBack()
            }
        case "M": conv = "method"; hasConv = true
        case "O": conv = "objc_method"; hasConv = true
        case "K": conv = "closure"; hasConv = true
        case "W": conv = "witness_method"; hasConv = true
        default: pushBack()
        }
        if hasConv {
            let attr = create(.implFunctionConvention)
            appendChild(attr, create(.implFunctionConventionName, conv))
            if hasClangType { appendChild(attr, demangleClangType()) }
            appendChild(fn, attr)
        }
        if nextIf("A") {
            appendChild(fn, create(.implCoroutineKind, "yield_once"))
        } else if nextIf("I") {
            appendChild(fn, create(.implCoroutineKind, "yield_once_2"))
        } else if nextIf("G") {
            appendChild(fn, create(.implCoroutineKind, "yield_many"))
        }
        if nextIf("h") { appendChild(fn, create(.implFunctionAttribute, "@Sendable")) }
        if nextIf("H") { appendChild(fn, create(.implFunctionAttribute, "@async")) }
        if nextIf("T") { appendChild(fn, create(.implSendingResult)) }
        addChild(fn, sig)
        var typesToAdd = 0
        while !failed {
            let param = demangleImplParamConvention(.implParameter)
            if param == 0 { break }
            fn = addChild(fn, param)
            addChild(param, demangleImplDifferentiability())
            if nextIf("T") { addChild(param, create(.implParameterSending, "sending")) }
            if nextIf("I") { addChild(param, create(.implParameterIsolated, "isolated")) }
            if nextIf("L") { addChild(param, create(.implParameterImplicitLeading, "sil_implicit_leading_param")) }
            typesToAdd += 1
        }
        while !failed {
            let result = demangleImplResultConvention(.implResult)
            if result == 0 { break }
            fn = addChild(fn, result)
            addChild(result, demangleImplDifferentiability())
            typesToAdd += 1
        }
        while nextIf("Y") && !failed {
            let yield = demangleImplParamConvention(.implYield)
            if yield == 0 { return 0 }
            fn = addChild(fn, yield)
            typesToAdd += 1
        }
        if nextIf("z") {
            let error = demangleImplResultConvention(.implErrorResult)
            if error == 0 { return 0 }
            fn = addChild(fn, error)
            typesToAdd += 1
        }
        if !nextIf("_") || fn == 0 { return 0 }
        var i = 0
        while i < typesToAdd {
            let ty = pop(.type)
            if ty == 0 { return 0 }
            appendChild(child(fn, count(fn) - i - 1), ty)
            i += 1
        }
        return type(fn)
    }

    /// The `w` (no derivative) marker of a SIL parameter or result; always a node (possibly empty text).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleImplDifferentiability() -> NodeID {
        if nextIf("w") { return create(.implParameterResultDifferentiability, "@noDerivative") }
        return create(.implParameterResultDifferentiability, "")
    }

    /// `@thin`, `@thick`, `@objc_metatype`.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleMetatypeRepresentation() -> NodeID {
        switch Unicode.Scalar(next()) {
        case "t": return create(.metatypeRepresentation, "@thin")
        case "T": return create(.metatypeRepresentation, "@thick")
        case "o": return create(.metatypeRepresentation, "@objc_metatype")
        default: return 0
        }
    }

    /// `X`: special types.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleSpecialType() -> NodeID {
        let special = next()
        switch Unicode.Scalar(special) {
        case "E": return popFunctionType(.noEscapeFunctionType)
        case "A": return popFunctionType(.escapingAutoClosureType)
        case "f": return popFunctionType(.thinFunctionType)
        case "K": return popFunctionType(.autoClosureType)
        case "U": return popFunctionType(.uncurriedFunctionType)
        case "L": return popFunctionType(.escapingObjCBlock)
        case "B": return popFunctionType(.objCBlock)
        case "C": return popFunctionType(.cFunctionPointer)
        case "z":
            switch Unicode.Scalar(next()) {
            case "B": return popFunctionType(.objCBlock, hasClangType: true)
            case "C": return popFunctionType(.cFunctionPointer, hasClangType: true)
            default: return 0
            }
        case "o": return type(with(.unowned, pop(.type)))
        case "u": return type(with(.unmanaged, pop(.type)))
        case "w": return type(with(.weak, pop(.type)))
        case "b": return type(with(.silBoxType, pop(.type)))
        case "D": return type(with(.dynamicSelf, pop(.type)))
        case "M":
            let repr = demangleMetatypeRepresentation()
            let ty = pop(.type)
            return type(with(.metatype, repr, ty))
        case "m":
            let repr = demangleMetatypeRepresentation()
            let ty = pop(.type)
            return type(with(.existentialMetatype, repr, ty))
        case "p": return type(with(.existentialMetatype, pop(.type)))
        case "P":
            let reqs = popConstrainedExistentialRequirementList()
            let base = pop(.type)
            return type(with(.constrainedExistential, base, reqs))
        case "c":
            let superclass = pop(.type)
            let protocols = demangleProtocolList()
            return type(with(.protocolListWithClass, protocols, superclass))
        case "l":
            let protocols = demangleProtocolList()
            return type(with(.protocolListWithAnyObject, protocols))
        case "X", "x":
            var signature: NodeID = 0
            var genericArgs: NodeID = 0
            if special == UInt8(ascii: "X") {
                signature = pop(.dependentGenericSignature)
                if signature == 0 { return 0 }
                genericArgs = popTypeList()
                if genericArgs == 0 { return 0 }
            }
            let fields = popTypeList()
            if fields == 0 { return 0 }
            let layout = create(.silBoxLayout)
            var i = 0
            while i < count(fields) {
                var fieldType = child(fields, i)
                var isMutable = false
                if kind(child(fieldType, 0)) == .inOut {
                    isMutable = true
                    fieldType = type(child(child(fieldType, 0), 0))
                }
                let field = create(isMutable ? .silBoxMutableField : .silBoxImmutableField)
                appendChild(field, fieldType)
                appendChild(layout, field)
                i += 1
            }
            let box = create(.silBoxTypeWithLayout)
            appendChild(box, layout)
            if signature != 0 {
                appendChild(box, signature)
                appendChild(box, genericArgs)
            }
            return type(box)
        case "Y": return demangleAnyGenericType(.otherNominalType)
        case "Z":
            let types = popTypeList()
            let name = pop(.identifier)
            let parent = popContext()
            var anon = create(.anonymousContext)
            anon = addChild(anon, name)
            anon = addChild(anon, parent)
            anon = addChild(anon, types)
            return anon
        case "e": return type(create(.errorType))
        case "G", "g":
            let ty = pop(.type)
            if ty == 0 { return 0 }
            if special == UInt8(ascii: "G") {
                let sig = pop(.dependentGenericSignature)
                if sig != 0 { return with(.extendedExistentialTypeShape, sig, ty) }
            }
            return with(.extendedExistentialTypeShape, ty)
        case "S":
            switch Unicode.Scalar(next()) {
            case "q": return type(with(.sugaredOptional, pop(.type)))
            case "a": return type(with(.sugaredArray, pop(.type)))
            case "D":
                let value = pop(.type)
                let key = pop(.type)
                return type(with(.sugaredDictionary, key, value))
            case "p": return type(with(.sugaredParen, pop(.type)))
            case "A":
                let element = pop(.type)
                let countType = pop(.type)
                return type(with(.sugaredInlineArray, countType, element))
            default: return 0
            }
        default:
            return 0
        }
    }

    /// Requirements of a constrained existential (`XP`).
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func popConstrainedExistentialRequirementList() -> NodeID {
        let list = create(.constrainedExistentialRequirementList)
        var firstElem = false
        repeat {
            firstElem = pop(.firstElementMarker) != 0
            let req = pop(where: .requirement)
            if req == 0 { return 0 }
            appendChild(list, req)
        } while !firstElem && !failed
        reverseChildren(list)
        return list
    }
}
