// Node printing for types: function types, nominal and sugared types, generics, attributes (split from `print`
// so that each function's frame stays small in unoptimised builds).

extension Printer {
    /// Prints function types, tuples and packs.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printFunctionTypeNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .functionType, .uncurriedFunctionType, .noEscapeFunctionType, .autoClosureType,
             .escapingAutoClosureType, .thinFunctionType, .cFunctionPointer, .objCBlock, .escapingObjCBlock:
            printFunctionType(0, n, depth)
        case .argumentTuple:
            printFunctionParameters(0, n, depth, showTypes: false)
        case .tuple:
            put("(")
            printChildren(n, depth, separator: ", ")
            put(")")
        case .tupleElement:
            let label = childOfKind(n, .tupleElementName)
            if label != 0 {
                putText(label)
                put(": ")
            }
            let ty = childOfKind(n, .type)
            if ty == 0 {
                invalid = true
                return 0
            }
            _ = print(ty, depth + 1)
            if childOfKind(n, .variadicMarker) != 0 { put("...") }
        case .tupleElementName:
            putText(n)
            put(": ")
        case .pack:
            put("Pack{")
            printChildren(n, depth, separator: ", ")
            put("}")
        case .silPackDirect, .silPackIndirect:
            put(k == .silPackDirect ? "@direct Pack{" : "@indirect Pack{")
            printChildren(n, depth, separator: ", ")
            put("}")
        case .packExpansion:
            put("repeat ")
            _ = print(child(n, 0), depth + 1)
        case .packElement:
            put("/* level: ")
            putDecimal(index(child(n, 1)))
            put(" */ each ")
            _ = print(child(n, 0), depth + 1)
        default:
            invalid = true
        }
        return 0
    }

    /// Prints bound generic, sugared, metatype and existential types.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printNominalNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .builtinTupleType: put("Builtin.TheTupleType")
        case .builtinFixedArray:
            put("Builtin.FixedArray<")
            _ = print(child(n, 0), depth + 1)
            put(", ")
            _ = print(child(n, 1), depth + 1)
            put(">")
        case .boundGenericClass, .boundGenericStructure, .boundGenericEnum, .boundGenericProtocol,
             .boundGenericOtherNominalType, .boundGenericTypeAlias:
            printBoundGeneric(n, depth)
        case .dynamicSelf, .constrainedExistentialSelf:
            put("Self")
        case .metatype, .existentialMetatype:
            var idx = 0
            if count(n) == 2 {
                _ = print(child(n, 0), depth + 1)
                put(" ")
                idx = 1
            }
            if k == .metatype {
                let ty = child(child(n, idx), 0)
                printWithParens(ty, depth)
                let tk = ty == 0 ? NodeKind.type : kind(ty)
                if tk == .existentialMetatype || tk == .protocolList || tk == .protocolListWithClass
                    || tk == .protocolListWithAnyObject {
                    put(".Protocol")
                } else {
                    put(".Type")
                }
            } else {
                _ = print(child(n, idx), depth + 1)
                put(".Type")
            }
        case .constrainedExistential:
            put("any ")
            _ = print(child(n, 0), depth + 1)
            put("<")
            _ = print(child(n, 1), depth + 1)
            put(">")
        case .constrainedExistentialRequirementList:
            printChildren(n, depth, separator: ", ")
        case .associatedTypeRef:
            _ = print(child(n, 0), depth + 1)
            put(".")
            putText(child(n, 1))
        case .protocolList:
            let list = child(n, 0)
            if list == 0 { return 0 }
            if count(list) == 0 { put("Any") } else { printChildren(list, depth, separator: " & ") }
        case .protocolListWithClass:
            if count(n) < 2 { return 0 }
            _ = print(child(n, 1), depth + 1)
            put(" & ")
            let protocols = child(n, 0)
            if count(protocols) < 1 { return 0 }
            printChildren(child(protocols, 0), depth, separator: " & ")
        case .protocolListWithAnyObject:
            if count(n) < 1 { return 0 }
            let protocols = child(n, 0)
            if count(protocols) < 1 { return 0 }
            let list = child(protocols, 0)
            if count(list) > 0 {
                printChildren(list, depth, separator: " & ")
                put(" & ")
            }
            put("Swift.AnyObject")
        case .errorType: put("<ERROR TYPE>")
        case .sugaredOptional:
            printWithParens(child(n, 0), depth)
            put("?")
        case .sugaredArray:
            put("[")
            _ = print(child(n, 0), depth + 1)
            put("]")
        case .sugaredInlineArray:
            put("[")
            _ = print(child(n, 0), depth + 1)
            put(" of ")
            _ = print(child(n, 1), depth + 1)
            put("]")
        case .sugaredDictionary:
            put("[")
            _ = print(child(n, 0), depth + 1)
            put(" : ")
            _ = print(child(n, 1), depth + 1)
            put("]")
        case .sugaredParen:
            put("(")
            _ = print(child(n, 0), depth + 1)
            put(")")
        case .opaqueReturnType:
            put("some")
        case .opaqueReturnTypeOf:
            put("<<opaque return type of ")
            printChildren(n, depth)
            put(">>")
        case .opaqueType:
            _ = print(child(n, 0), depth + 1)
            put(".")
            _ = print(child(n, 1), depth + 1)
        default:
            invalid = true
        }
        return 0
    }

    /// Prints generic signatures, requirements and dependent types.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printGenericNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .dependentPseudogenericSignature, .dependentGenericSignature:
            printGenericSignature(n, depth)
        case .dependentGenericConformanceRequirement:
            _ = print(child(n, 0), depth + 1)
            put(": ")
            _ = print(child(n, 1), depth + 1)
        case .dependentGenericInverseConformanceRequirement:
            _ = print(child(n, 0), depth + 1)
            put(": ~")
            switch index(child(n, 1)) {
            case 0: put("Swift.Copyable")
            case 1: put("Swift.Escapable")
            default:
                put("Swift.<bit ")
                putDecimal(index(child(n, 1)))
                put(">")
            }
        case .dependentGenericLayoutRequirement:
            printLayoutRequirement(n, depth)
        case .dependentGenericSameTypeRequirement:
            _ = print(child(n, 0), depth + 1)
            put(" == ")
            _ = print(child(n, 1), depth + 1)
        case .dependentGenericSameShapeRequirement:
            _ = print(child(n, 0), depth + 1)
            put(".shape == ")
            _ = print(child(n, 1), depth + 1)
            put(".shape")
        case .dependentGenericParamType:
            putGenericParameterName(depth: index(child(n, 0)), index: index(child(n, 1)))
        case .dependentGenericType:
            let sig = child(n, 0)
            let ty = child(n, 1)
            _ = print(sig, depth + 1)
            if needSpaceBeforeType(ty) { put(" ") }
            _ = print(ty, depth + 1)
        case .dependentMemberType:
            _ = print(child(n, 0), depth + 1)
            put(".")
            _ = print(child(n, 1), depth + 1)
        case .dependentAssociatedTypeRef:
            if count(n) > 1 {
                _ = print(child(n, 1), depth + 1)
                put(".")
            }
            _ = print(child(n, 0), depth + 1)
        case .assocTypePath:
            printChildren(n, depth, separator: ".")
        case .associatedTypeGenericParamRef:
            put("generic parameter reference for associated type ")
            printChildren(n, depth)
        default:
            invalid = true
        }
        return 0
    }

    /// Prints function type attributes and declaration attributes.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printAttributeNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .nonObjCAttribute: put("@nonobjc ")
        case .objCAttribute: put("@objc ")
        case .directMethodReferenceAttribute: put("super ")
        case .dynamicAttribute: put("dynamic ")
        case .vTableAttribute: put("override ")
        case .concurrentFunctionType: put("@Sendable ")
        case .differentiableFunctionType:
            put("@differentiable")
            switch Unicode.Scalar(UInt8(truncatingIfNeeded: index(n))) {
            case "f": put("(_forward)")
            case "r": put("(reverse)")
            case "l": put("(_linear)")
            default: break
            }
            put(" ")
        case .globalActorFunctionType:
            if count(n) > 0 {
                put("@")
                _ = print(child(n, 0), depth + 1)
                put(" ")
            }
        case .isolatedAnyFunctionType: put("@isolated(any) ")
        case .nonIsolatedCallerFunctionType: put("nonisolated(nonsending) ")
        case .sendingResultFunctionType: put("sending ")
        case .asyncAnnotation: put(" async")
        case .throwsAnnotation: put(" throws")
        case .typedThrowsAnnotation:
            put(" throws(")
            if count(n) == 1 { _ = print(child(n, 0), depth + 1) }
            put(")")
        case .emptyList: put(" empty-list ")
        case .firstElementMarker: put(" first-element-marker ")
        case .variadicMarker: put(" variadic-marker ")
        default:
            invalid = true
        }
        return 0
    }
}
