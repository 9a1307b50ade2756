// Node printing for thunks, specializations, conformances and other special symbols (split from `print` so
// that each function's frame stays small in unoptimised builds).

extension Printer {
    /// Prints specializations and thunks.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printThunkNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
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
        default:
            invalid = true
        }
        return 0
    }

    /// Prints key path helpers, field offsets and automatic differentiation.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printKeyPathAutoDiffNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
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
        default:
            invalid = true
        }
        return 0
    }

    /// Prints protocol conformances, witness tables and their accessors.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printConformanceNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .retroactiveConformance:
            if count(n) == 2 {
                put("retroactive @ ")
                _ = print(child(n, 0), depth + 1)
                _ = print(child(n, 1), depth + 1)
            }
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
        default:
            invalid = true
        }
        return 0
    }

    /// Prints global variables, descriptors and other rarely seen symbols.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printGlobalNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
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
}
