// The node printer's dispatch over node kinds.

/// How an entity's type is shown.
enum TypePrinting {
    case noType, withColon, functionStyle

    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    static func == (a: TypePrinting, b: TypePrinting) -> Bool {
        switch (a, b) {
        case (.noType, .noType), (.withColon, .withColon), (.functionStyle, .functionStyle): return true
        default: return false
        }
    }

    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    static func != (a: TypePrinting, b: TypePrinting) -> Bool { !(a == b) }
}

extension Printer {
    /// Prints `n`. When `asPrefixContext` is set and the entity cannot be printed as a prefix (`Ctx.name`), it
    /// returns the context to print afterwards as a suffix (`name in Ctx`).
    ///
    /// - Signal safety: safe. Recursion bounded by `maximumDepth`; work bounded by `budget`.
    @_noAllocation @_noLocks
    mutating func print(_ n: NodeID, _ depth: Int, asPrefixContext: Bool = false) -> NodeID {
        if depth > 192 {
            put("<<too complex>>")
            return 0
        }
        budget -= 1
        if budget < 0 || length > capacity {
            // Either the work limit is hit or nothing more can be shown: stop descending.
            if budget < 0 { length = max(length, capacity + 1) }
            return 0
        }
        if n == 0 {
            put("<null node pointer>")
            return 0
        }
        let k = kind(n)
        if let prefix = Printer.simplePrefix(k) {
            put(prefix)
            _ = print(child(n, 0), depth + 1)
            return 0
        }
        switch k {
        case .static:
            put("static ")
            _ = print(child(n, 0), depth + 1)
        case .outlinedCopy, .outlinedConsume:
            put(k == .outlinedCopy ? "outlined copy of " : "outlined consume of ")
            _ = print(child(n, 0), depth + 1)
            if count(n) > 1 { _ = print(child(n, 1), depth + 1) }
        case .outlinedBridgedMethod:
            put("outlined bridged method (")
            putText(n)
            put(") of ")
        case .outlinedVariable:
            put("outlined variable #")
            putDecimal(index(n))
            put(" of ")
        case .outlinedReadOnlyObject:
            put("outlined read-only object #")
            putDecimal(index(n))
            put(" of ")
        case .directness:
            put(index(n) == 0 ? "direct " : "indirect ")
        case .anonymousContext:
            break
        case .extension:
            _ = print(child(n, 1), depth + 1)
            if count(n) == 3 { _ = print(child(n, 2), depth + 1) }
        case .variable:
            return printEntity(n, depth, asPrefixContext, .withColon, hasName: true)
        case .function, .boundGenericFunction:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: true)
        case .subscript:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: false, overwriteName: "subscript")
        case .macro:
            return printEntity(n, depth, asPrefixContext, count(n) == 3 ? .withColon : .functionStyle, hasName: true)
        case .genericTypeParamDecl:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: true)
        case .explicitClosure:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "closure #",
                               extraIndex: Int(index(child(n, 1))) + 1)
        case .implicitClosure:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "implicit closure #",
                               extraIndex: Int(index(child(n, 1))) + 1)
        case .global:
            printChildren(n, depth)
        case .suffix:
            break
        case .initializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "variable initialization expression")
        case .propertyWrapperBackingInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "property wrapper backing initializer")
        case .propertyWrapperInitFromProjectedValue:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "property wrapper init from projected value")
        case .defaultArgumentInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "default argument ",
                               extraIndex: Int(index(child(n, 1))))
        case .declContext, .type:
            _ = print(child(n, 0), depth + 1)
        case .typeMangling:
            if kind(child(n, 0)) == .labelList {
                printFunctionType(child(n, 0), child(child(n, 1), 0), depth)
            } else {
                _ = print(child(n, 0), depth + 1)
            }
        case .class, .structure, .enum, .protocol, .typeAlias, .otherNominalType:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: true)
        case .localDeclName:
            _ = print(child(n, 1), depth + 1)
            put(" #")
            putDecimal(index(child(n, 0)) + 1)
        case .privateDeclName:
            if count(n) > 1 { _ = print(child(n, 1), depth + 1) }
        case .relatedEntityDeclName:
            put("related decl '")
            putText(child(n, 0))
            put("' for ")
            _ = print(child(n, 1), depth + 1)
        case .module:
            break
        case .identifier, .clangType, .builtinTypeName, .metatypeRepresentation, .implConvention,
             .implFunctionAttribute:
            putText(n)
        case .index, .number, .specializationPassID, .integer:
            putDecimal(index(n))
        case .negativeInteger:
            putSigned(Int64(bitPattern: index(n)))
        case .unknownIndex:
            put("unknown index")
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
        case .returnType:
            if count(n) == 0 { putText(n) } else { printChildren(n, depth) }
        case .retroactiveConformance:
            if count(n) == 2 {
                put("retroactive @ ")
                _ = print(child(n, 0), depth + 1)
                _ = print(child(n, 1), depth + 1)
            }
        case .nonObjCAttribute: put("@nonobjc ")
        case .objCAttribute: put("@objc ")
        case .directMethodReferenceAttribute: put("super ")
        case .dynamicAttribute: put("dynamic ")
        case .vTableAttribute: put("override ")
        case .functionSignatureSpecialization, .genericPartialSpecialization,
             .genericPartialSpecializationNotReAbstracted, .genericSpecialization,
             .genericSpecializationInResilienceDomain, .genericSpecializationPrespecialized,
             .genericSpecializationNotReAbstracted, .inlinedGenericFunction:
            if !specializationPrefixPrinted {
                put("specialized ")
                specializationPrefixPrinted = true
            }
        case .isSerialized: put("serialized")
        case .genericSpecializationParam:
            _ = print(child(n, 0), depth + 1)
            var i = 1
            while i < count(n) {
                put(i == 1 ? " with " : " and ")
                _ = print(child(n, i), depth + 1)
                i += 1
            }
        case .functionSignatureSpecializationParamPayload:
            putText(n)
        case .builtinTupleType: put("Builtin.TheTupleType")
        case .builtinFixedArray:
            put("Builtin.FixedArray<")
            _ = print(child(n, 0), depth + 1)
            put(", ")
            _ = print(child(n, 1), depth + 1)
            put(">")
        case .infixOperator:
            putText(n)
            put(" infix")
        case .prefixOperator:
            putText(n)
            put(" prefix")
        case .postfixOperator:
            putText(n)
            put(" postfix")
        case .lazyProtocolWitnessTableAccessor, .lazyProtocolWitnessTableCacheVariable:
            put(k == .lazyProtocolWitnessTableAccessor ? "lazy protocol witness table accessor for type "
                                                       : "lazy protocol witness table cache variable for type ")
            _ = print(child(n, 0), depth + 1)
            put(" and conformance ")
            _ = print(child(n, 1), depth + 1)
        case .vTableThunk:
            put("vtable thunk for ")
            _ = print(child(n, 1), depth + 1)
            put(" dispatching to ")
            _ = print(child(n, 0), depth + 1)
        case .protocolWitness:
            put("protocol witness for ")
            _ = print(child(n, 1), depth + 1)
            put(" in conformance ")
            _ = print(child(n, 0), depth + 1)
        case .partialApplyForwarder, .partialApplyObjCForwarder:
            put("partial apply")
            if count(n) > 0 {
                put(" for ")
                printChildren(n, depth)
            }
        case .keyPathGetterThunkHelper, .keyPathSetterThunkHelper, .keyPathUnappliedMethodThunkHelper,
             .keyPathAppliedMethodThunkHelper:
            switch k {
            case .keyPathGetterThunkHelper: put("key path getter for ")
            case .keyPathSetterThunkHelper: put("key path setter for ")
            case .keyPathUnappliedMethodThunkHelper: put("key path unapplied method ")
            default: put("key path applied method ")
            }
            _ = print(child(n, 0), depth + 1)
            put(" : ")
            var i = 1
            while i < count(n) {
                let c = child(n, i)
                if kind(c) == .isSerialized { put(", ") }
                _ = print(c, depth + 1)
                i += 1
            }
        case .keyPathEqualsThunkHelper, .keyPathHashThunkHelper:
            put(k == .keyPathEqualsThunkHelper ? "key path index equality operator for "
                                               : "key path index hash operator for ")
            var last = count(n)
            guard last > 0 else {
                invalid = true
                return 0
            }
            var lastChild = child(n, last - 1)
            if kind(lastChild) == .isSerialized {
                last -= 1
                lastChild = child(n, last - 1)
            }
            if lastChild != 0 && kind(lastChild) == .dependentGenericSignature {
                _ = print(lastChild, depth + 1)
                last -= 1
            }
            put("(")
            var i = 0
            while i < last {
                if i != 0 { put(", ") }
                _ = print(child(n, i), depth + 1)
                i += 1
            }
            put(")")
        case .fieldOffset:
            _ = print(child(n, 0), depth + 1)
            put("field offset for ")
            _ = print(child(n, 1), depth + 1)
        case .enumCase:
            put("enum case for ")
            _ = print(child(n, 0), depth + 1)
        case .reabstractionThunk, .reabstractionThunkHelper:
            put("thunk for ")
            _ = print(child(n, count(n) - 1), depth + 1)
        case .reabstractionThunkHelperWithGlobalActor:
            _ = print(child(n, 0), depth + 1)
            put(" with global actor constraint ")
            _ = print(child(n, 1), depth + 1)
        case .reabstractionThunkHelperWithSelf:
            put("reabstraction thunk ")
            var idx = 0
            if count(n) == 4 {
                _ = print(child(n, 0), depth + 1)
                put(" ")
                idx = 1
            }
            put("from ")
            _ = print(child(n, idx + 2), depth + 1)
            put(" to ")
            _ = print(child(n, idx + 1), depth + 1)
            put(" self ")
            _ = print(child(n, idx), depth + 1)
        case .autoDiffFunction, .autoDiffDerivativeVTableThunk:
            var prefixEnd = 0
            while prefixEnd < count(n) && kind(child(n, prefixEnd)) != .autoDiffFunctionKind { prefixEnd += 1 }
            if k == .autoDiffDerivativeVTableThunk { put("vtable thunk for ") }
            _ = print(child(n, prefixEnd), depth + 1)
            put(" of ")
            var i = 0
            while i < prefixEnd {
                if i == prefixEnd - 1 && kind(child(n, i)) == .dependentGenericSignature { break }
                _ = print(child(n, i), depth + 1)
                i += 1
            }
        case .autoDiffSelfReorderingReabstractionThunk:
            put("autodiff self-reordering reabstraction thunk for ")
            _ = print(child(n, 0), depth + 1)
        case .autoDiffSubsetParametersThunk:
            put("autodiff subset parameters thunk for ")
            let c = count(n)
            guard c >= 5 else {
                invalid = true
                return 0
            }
            let current = c - 5
            _ = print(child(n, current + 1), depth + 1)
            put(" from ")
            if current == 0 {
                _ = print(child(n, 0), depth + 1)
            } else {
                var i = 0
                while i < current {
                    _ = print(child(n, i), depth + 1)
                    i += 1
                }
            }
        case .autoDiffFunctionKind:
            switch Unicode.Scalar(UInt8(truncatingIfNeeded: index(n))) {
            case "f": put("forward-mode derivative")
            case "r": put("reverse-mode derivative")
            case "d": put("differential")
            default: put("pullback")
            }
        case .differentiabilityWitness:
            printDifferentiabilityWitness(n, depth)
        case .indexSubset:
            put("{")
            let node = ws.nodes[Int(n)]
            var printed = false
            var i = 0
            while i < Int(node.textLength) {
                if ws.text[Int(node.textStart) + i] == UInt8(ascii: "S") {
                    if printed { put(", ") }
                    putDecimal(UInt64(i))
                    printed = true
                }
                i += 1
            }
            put("}")
        case .mergedFunction, .distributedThunk, .distributedAccessor, .accessibleFunctionRecord,
             .dynamicallyReplaceableFunctionKey, .dynamicallyReplaceableFunctionImpl,
             .dynamicallyReplaceableFunctionVar, .backDeploymentThunk, .asyncAwaitResumePartialFunction,
             .asyncSuspendResumePartialFunction, .opaqueReturnTypeIndex, .opaqueReturnTypeParent, .labelList,
             .associatedType:
            break
        case .backDeploymentFallback: put("back deployment fallback for ")
        case .typeSymbolicReference, .opaqueTypeDescriptorSymbolicReference, .protocolSymbolicReference,
             .objectiveCProtocolSymbolicReference, .uniqueExtendedExistentialTypeShapeSymbolicReference,
             .nonUniqueExtendedExistentialTypeShapeSymbolicReference:
            put("symbolic reference 0x")
            putHex(index(n))
        case .associatedConformanceDescriptor, .defaultAssociatedConformanceAccessor:
            put(k == .associatedConformanceDescriptor ? "associated conformance descriptor for "
                                                      : "default associated conformance accessor for ")
            _ = print(child(n, 0), depth + 1)
            put(".")
            _ = print(child(n, 1), depth + 1)
            put(": ")
            _ = print(child(n, 2), depth + 1)
        case .associatedTypeMetadataAccessor:
            put("associated type metadata accessor for ")
            _ = print(child(n, 1), depth + 1)
            put(" in ")
            _ = print(child(n, 0), depth + 1)
        case .baseConformanceDescriptor:
            put("base conformance descriptor for ")
            _ = print(child(n, 0), depth + 1)
            put(": ")
            _ = print(child(n, 1), depth + 1)
        case .associatedTypeWitnessTableAccessor:
            put("associated type witness table accessor for ")
            _ = print(child(n, 1), depth + 1)
            put(" : ")
            _ = print(child(n, 2), depth + 1)
            put(" in ")
            _ = print(child(n, 0), depth + 1)
        case .baseWitnessTableAccessor:
            put("base witness table accessor for ")
            _ = print(child(n, 1), depth + 1)
            put(" in ")
            _ = print(child(n, 0), depth + 1)
        case .valueWitness:
            putValueWitnessName(index(child(n, 0)))
            put(" for ")
            _ = print(child(n, 1), depth + 1)
        case .boundGenericClass, .boundGenericStructure, .boundGenericEnum, .boundGenericProtocol,
             .boundGenericOtherNominalType, .boundGenericTypeAlias:
            printBoundGeneric(n, depth)
        case .dynamicSelf, .constrainedExistentialSelf:
            put("Self")
        case .silBoxType:
            put("@box ")
            _ = print(child(n, 0), depth + 1)
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
        case .owningAddressor, .owningMutableAddressor, .nativeOwningAddressor, .nativeOwningMutableAddressor,
             .nativePinningAddressor, .nativePinningMutableAddressor, .unsafeAddressor, .unsafeMutableAddressor,
             .globalGetter, .getter, .setter, .materializeForSet, .willSet, .didSet, .readAccessor, .read2Accessor,
             .modifyAccessor, .modify2Accessor, .initAccessor:
            return printAbstractStorage(child(n, 0), depth, asPrefixContext, Printer.accessorName(k))
        case .allocator:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__allocating_init" : "init")
        case .constructor:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: count(n) > 2,
                               overwriteName: "init")
        case .destructor:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "deinit")
        case .deallocator:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__deallocating_deinit" : "deinit")
        case .isolatedDeallocator:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__isolated_deallocating_deinit"
                                                                          : "deinit")
        case .iVarInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "__ivar_initializer")
        case .iVarDestroyer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "__ivar_destroyer")
        case .protocolConformance:
            if count(n) == 4 {
                put("property behavior storage of ")
                _ = print(child(n, 2), depth + 1)
                put(" in ")
                _ = print(child(n, 0), depth + 1)
                put(" : ")
                _ = print(child(n, 1), depth + 1)
            } else {
                _ = print(child(n, 0), depth + 1)
            }
        case .typeList:
            printChildren(n, depth)
        case .implDifferentiabilityKind:
            put("@differentiable")
            switch Unicode.Scalar(UInt8(truncatingIfNeeded: index(n))) {
            case "l": put("(_linear)")
            case "f": put("(_forward)")
            case "r": put("(reverse)")
            default: break
            }
        case .implEscaping: put("@escaping")
        case .implErasedIsolation: put("@isolated(any)")
        case .implCoroutineKind:
            if ws.nodes[Int(n)].textLength > 0 {
                put("@")
                putText(n)
            }
        case .implSendingResult: put("sending")
        case .implParameterResultDifferentiability, .implParameterSending, .implParameterIsolated,
             .implParameterImplicitLeading:
            if ws.nodes[Int(n)].textLength > 0 {
                putText(n)
                put(" ")
            }
        case .implFunctionConvention:
            put("@convention(")
            putText(child(n, 0))
            if count(n) == 2 {
                put(", mangledCType: \"")
                _ = print(child(n, 1), depth + 1)
                put("\"")
            }
            put(")")
        case .implErrorResult:
            put("@error ")
            printChildren(n, depth, separator: " ")
        case .implYield:
            put("@yields ")
            printChildren(n, depth, separator: " ")
        case .implParameter, .implResult:
            _ = print(child(n, 0), depth + 1)
            put(" ")
            if count(n) == 3 { _ = print(child(n, 1), depth + 1) }
            if count(n) == 4 {
                _ = print(child(n, 1), depth + 1)
                _ = print(child(n, 2), depth + 1)
            }
            _ = print(child(n, count(n) - 1), depth + 1)
        case .implFunctionType:
            printImplFunctionType(n, depth)
        case .implInvocationSubstitutions:
            put("for <")
            printChildren(child(n, 0), depth, separator: ", ")
            put(">")
        case .implPatternSubstitutions:
            put("@substituted ")
            _ = print(child(n, 0), depth + 1)
            put(" for <")
            printChildren(child(n, 1), depth, separator: ", ")
            put(">")
        case .errorType: put("<ERROR TYPE>")
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
        case .silBoxTypeWithLayout:
            printSILBox(n, depth)
        case .silBoxLayout:
            put("{")
            var i = 0
            while i < count(n) {
                if i > 0 { put(",") }
                put(" ")
                _ = print(child(n, i), depth + 1)
                i += 1
            }
            put(" }")
        case .silBoxImmutableField, .silBoxMutableField:
            put(k == .silBoxImmutableField ? "let " : "var ")
            _ = print(child(n, 0), depth + 1)
        case .assocTypePath:
            printChildren(n, depth, separator: ".")
        case .associatedTypeGenericParamRef:
            put("generic parameter reference for associated type ")
            printChildren(n, depth)
        case .anyProtocolConformanceList:
            if count(n) > 0 {
                put("(")
                printChildren(n, depth, separator: ", ")
                put(")")
            }
        case .concreteProtocolConformance:
            put("concrete protocol conformance ")
            if hasIndex(n) {
                put("#")
                putDecimal(index(n))
                put(" ")
            }
            _ = print(child(n, 0), depth + 1)
            put(" to ")
            _ = print(child(n, 1), depth + 1)
            if count(n) > 2 && count(child(n, 2)) > 0 {
                put(" with conditional requirements: ")
                _ = print(child(n, 2), depth + 1)
            }
        case .packProtocolConformance, .dependentAssociatedConformance, .protocolConformanceRefInTypeModule,
             .protocolConformanceRefInProtocolModule, .protocolConformanceRefInOtherModule:
            switch k {
            case .packProtocolConformance: put("pack protocol conformance ")
            case .dependentAssociatedConformance: put("dependent associated conformance ")
            case .protocolConformanceRefInTypeModule: put("protocol conformance ref (type's module) ")
            case .protocolConformanceRefInProtocolModule: put("protocol conformance ref (protocol's module) ")
            default: put("protocol conformance ref (retroactive) ")
            }
            printChildren(n, depth)
        case .dependentProtocolConformanceAssociated, .dependentProtocolConformanceInherited,
             .dependentProtocolConformanceRoot:
            switch k {
            case .dependentProtocolConformanceAssociated: put("dependent associated protocol conformance ")
            case .dependentProtocolConformanceInherited: put("dependent inherited protocol conformance ")
            default: put("dependent root protocol conformance ")
            }
            let idx = child(n, 2)
            if idx != 0 && hasIndex(idx) {
                put("#")
                putDecimal(index(idx))
                put(" ")
            }
            _ = print(child(n, 0), depth + 1)
            put(" to ")
            _ = print(child(n, 1), depth + 1)
        case .dependentProtocolConformanceOpaque:
            put("opaque result conformance ")
            _ = print(child(n, 0), depth + 1)
            put(" of ")
            _ = print(child(n, 1), depth + 1)
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
        case .accessorFunctionReference:
            put("accessor function at ")
            putDecimal(index(n))
        case .globalVariableOnceToken, .globalVariableOnceFunction:
            put(k == .globalVariableOnceToken ? "one-time initialization token for "
                                              : "one-time initialization function for ")
            _ = print(child(n, 1), depth + 1)
        case .globalVariableOnceDeclList:
            if count(n) == 1 {
                _ = print(child(n, 0), depth + 1)
            } else {
                put("(")
                printChildren(n, depth, separator: ", ")
                put(")")
            }
        case .predefinedObjCAsyncCompletionHandlerImpl, .objCAsyncCompletionHandlerImpl:
            if k == .predefinedObjCAsyncCompletionHandlerImpl { put("predefined ") }
            put("@objc completion handler block implementation for ")
            if count(n) >= 4 { _ = print(child(n, 3), depth + 1) }
            _ = print(child(n, 0), depth + 1)
            put(" with result type ")
            _ = print(child(n, 1), depth + 1)
            switch index(child(n, 2)) {
            case 0: break
            case 1: put(" nonzero on error")
            case 2: put(" zero on error")
            default: put(" <invalid error flag>")
            }
        case .asyncFunctionPointer: put("async function pointer to ")
        case .coroFunctionPointer: put("coro function pointer to ")
        case .defaultOverride: put("default override of ")
        case .hasSymbolQuery: put("#_hasSymbol query for ")
        case .droppedArgument:
            put("param")
            putDecimal(index(n))
            put("-removed")
        case .extendedExistentialTypeShape:
            // The reference printer reads the children at 1 and 2 (an off-by-one kept for identical output).
            put("existential shape for ")
            if count(n) == 2 {
                _ = print(child(n, 1), depth + 1)
                put(" ")
                put("any ")
                put("<null node pointer>")
            } else {
                put("any ")
                put("<null node pointer>")
            }
        case .uniquable:
            put("uniquable ")
            _ = print(child(n, 0), depth + 1)
        case .moduleDescriptor, .anonymousDescriptor, .extensionDescriptor:
            switch k {
            case .moduleDescriptor: put("module descriptor ")
            case .anonymousDescriptor: put("anonymous descriptor ")
            default: put("extension descriptor ")
            }
            _ = print(child(n, 0), depth + 1)
        case .macroExpansionLoc, .macroExpansionUniqueName, .freestandingMacroExpansion,
             .accessorAttachedMacroExpansion, .memberAttributeAttachedMacroExpansion,
             .memberAttachedMacroExpansion, .peerAttachedMacroExpansion, .conformanceAttachedMacroExpansion,
             .extensionAttachedMacroExpansion, .preambleAttachedMacroExpansion, .bodyAttachedMacroExpansion:
            invalid = true
        default:
            invalid = true
        }
        return 0
    }

    /// Node kinds printed as a fixed prefix followed by their first child.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    static func simplePrefix(_ k: NodeKind) -> StaticString? {
        switch k {
        case .asyncRemoved: return "async demotion of "
        case .curryThunk: return "curry thunk of "
        case .silThunkIdentity: return "identity thunk of "
        case .silThunkHopToMainActorIfNeeded: return "hop to main actor thunk of "
        case .dispatchThunk: return "dispatch thunk of "
        case .methodDescriptor: return "method descriptor for "
        case .methodLookupFunction: return "method lookup function for "
        case .objCMetadataUpdateFunction: return "ObjC metadata update function for "
        case .objCResilientClassStub: return "ObjC resilient class stub for "
        case .fullObjCResilientClassStub: return "full ObjC resilient class stub for "
        case .outlinedRetain: return "outlined retain of "
        case .outlinedRelease: return "outlined release of "
        case .outlinedInitializeWithTake, .outlinedInitializeWithTakeNoValueWitness: return "outlined init with take of "
        case .outlinedInitializeWithCopy, .outlinedInitializeWithCopyNoValueWitness: return "outlined init with copy of "
        case .outlinedAssignWithTake, .outlinedAssignWithTakeNoValueWitness: return "outlined assign with take of "
        case .outlinedAssignWithCopy, .outlinedAssignWithCopyNoValueWitness: return "outlined assign with copy of "
        case .outlinedDestroy, .outlinedDestroyNoValueWitness: return "outlined destroy of "
        case .outlinedEnumProjectDataForLoad: return "outlined enum project data for load of "
        case .outlinedEnumTagStore: return "outlined enum tag store of "
        case .outlinedEnumGetTag: return "outlined enum get tag of "
        case .unowned: return "unowned "
        case .weak: return "weak "
        case .unmanaged: return "unowned(unsafe) "
        case .inOut: return "inout "
        case .isolated: return "isolated "
        case .sending: return "sending "
        case .compileTimeLiteral: return "_const "
        case .constValue: return "@const "
        case .shared: return "__shared "
        case .owned: return "__owned "
        case .noDerivative: return "@noDerivative "
        case .protocolSelfConformanceWitnessTable: return "protocol self-conformance witness table for "
        case .protocolWitnessTableAccessor: return "protocol witness table accessor for "
        case .protocolWitnessTable: return "protocol witness table for "
        case .protocolWitnessTablePattern: return "protocol witness table pattern for "
        case .genericProtocolWitnessTable: return "generic protocol witness table for "
        case .genericProtocolWitnessTableInstantiationFunction:
            return "instantiation function for generic protocol witness table for "
        case .resilientProtocolWitnessTable: return "resilient protocol witness table for "
        case .protocolSelfConformanceWitness: return "protocol self-conformance witness for "
        case .genericTypeMetadataPattern: return "generic type metadata pattern for "
        case .metaclass: return "metaclass for "
        case .protocolSelfConformanceDescriptor: return "protocol self-conformance descriptor for "
        case .protocolConformanceDescriptor: return "protocol conformance descriptor for "
        case .protocolConformanceDescriptorRecord: return "protocol conformance descriptor runtime record for "
        case .protocolDescriptor: return "protocol descriptor for "
        case .protocolDescriptorRecord: return "protocol descriptor runtime record for "
        case .protocolRequirementsBaseDescriptor: return "protocol requirements base descriptor for "
        case .fullTypeMetadata: return "full type metadata for "
        case .typeMetadata: return "type metadata for "
        case .typeMetadataAccessFunction: return "type metadata accessor for "
        case .typeMetadataInstantiationCache: return "type metadata instantiation cache for "
        case .typeMetadataInstantiationFunction: return "type metadata instantiation function for "
        case .typeMetadataSingletonInitializationCache: return "type metadata singleton initialization cache for "
        case .typeMetadataCompletionFunction: return "type metadata completion function for "
        case .typeMetadataDemanglingCache: return "demangling cache variable for type metadata for "
        case .typeMetadataLazyCache: return "lazy cache variable for type metadata for "
        case .associatedTypeDescriptor: return "associated type descriptor for "
        case .defaultAssociatedTypeMetadataAccessor: return "default associated type metadata accessor for "
        case .classMetadataBaseOffset: return "class metadata base offset for "
        case .propertyDescriptor: return "property descriptor for "
        case .nominalTypeDescriptor: return "nominal type descriptor for "
        case .nominalTypeDescriptorRecord: return "nominal type descriptor runtime record for "
        case .opaqueTypeDescriptor: return "opaque type descriptor for "
        case .opaqueTypeDescriptorRecord: return "opaque type descriptor runtime record for "
        case .opaqueTypeDescriptorAccessor: return "opaque type descriptor accessor for "
        case .opaqueTypeDescriptorAccessorImpl: return "opaque type descriptor accessor impl for "
        case .opaqueTypeDescriptorAccessorKey: return "opaque type descriptor accessor key for "
        case .opaqueTypeDescriptorAccessorVar: return "opaque type descriptor accessor var for "
        case .coroutineContinuationPrototype: return "coroutine continuation prototype for "
        case .valueWitnessTable: return "value witness table for "
        case .reflectionMetadataBuiltinDescriptor: return "reflection metadata builtin descriptor "
        case .reflectionMetadataFieldDescriptor: return "reflection metadata field descriptor "
        case .reflectionMetadataAssocTypeDescriptor: return "reflection metadata associated type descriptor "
        case .reflectionMetadataSuperclassDescriptor: return "reflection metadata superclass descriptor "
        case .canonicalSpecializedGenericMetaclass: return "specialized generic metaclass for "
        case .canonicalSpecializedGenericTypeMetadataAccessFunction:
            return "canonical specialized generic type metadata accessor for "
        case .metadataInstantiationCache: return "metadata instantiation cache for "
        case .noncanonicalSpecializedGenericTypeMetadata: return "noncanonical specialized generic type metadata for "
        case .noncanonicalSpecializedGenericTypeMetadataCache:
            return "cache variable for noncanonical specialized generic type metadata for "
        case .canonicalPrespecializedGenericTypeCachingOnceToken:
            return "flag for loading of canonical specialized generic type metadata for "
        default: return nil
        }
    }

    /// The accessor word printed after a storage declaration.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    static func accessorName(_ k: NodeKind) -> StaticString {
        switch k {
        case .owningAddressor: return "owningAddressor"
        case .owningMutableAddressor: return "owningMutableAddressor"
        case .nativeOwningAddressor: return "nativeOwningAddressor"
        case .nativeOwningMutableAddressor: return "nativeOwningMutableAddressor"
        case .nativePinningAddressor: return "nativePinningAddressor"
        case .nativePinningMutableAddressor: return "nativePinningMutableAddressor"
        case .unsafeAddressor: return "unsafeAddressor"
        case .unsafeMutableAddressor: return "unsafeMutableAddressor"
        case .globalGetter, .getter: return "getter"
        case .setter: return "setter"
        case .materializeForSet: return "materializeForSet"
        case .willSet: return "willset"
        case .didSet: return "didset"
        case .readAccessor: return "read"
        case .read2Accessor: return "read2"
        case .modifyAccessor: return "modify"
        case .modify2Accessor: return "modify2"
        default: return "init"
        }
    }

    /// Value witness names, indexed as by `valueWitnessKind`.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func putValueWitnessName(_ i: UInt64) {
        switch i {
        case 0: put("allocateBuffer")
        case 1: put("assignWithCopy")
        case 2: put("assignWithTake")
        case 3: put("deallocateBuffer")
        case 4: put("destroy")
        case 5: put("destroyBuffer")
        case 6: put("destroyArray")
        case 7: put("initializeBufferWithCopyOfBuffer")
        case 8: put("initializeBufferWithCopy")
        case 9: put("initializeWithCopy")
        case 10: put("initializeBufferWithTake")
        case 11: put("initializeWithTake")
        case 12: put("projectBuffer")
        case 13: put("initializeBufferWithTakeOfBuffer")
        case 14: put("initializeArrayWithCopy")
        case 15: put("initializeArrayWithTakeFrontToBack")
        case 16: put("initializeArrayWithTakeBackToFront")
        case 17: put("storeExtraInhabitant")
        case 18: put("getExtraInhabitantIndex")
        case 19: put("getEnumTag")
        case 20: put("destructiveProjectEnumData")
        case 21: put("destructiveInjectEnumTag")
        case 22: put("getEnumTagSinglePayload")
        default: put("storeEnumTagSinglePayload")
        }
    }
}
