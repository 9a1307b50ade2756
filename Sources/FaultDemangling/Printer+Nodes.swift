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
    /// - Signal safety: safe. Recursion bounded to 192 levels and by the stack guard; work bounded by `budget`.
    @_noAllocation @_noLocks
    mutating func print(_ n: NodeID, _ depth: Int, asPrefixContext: Bool = false) -> NodeID {
        if depth > 192 {
            put("<<too complex>>")
            return 0
        }
        guard stack.hasRoom() else {
            invalid = true
            return 0
        }
        budget -= 1
        if budget < 0 {
            // The work limit is hit: stop descending and report the name as cut.
            length = max(length, capacity + 1)
            return 0
        }
        // Printing goes on past a full buffer (`put` drops the bytes): a tree the printer rejects further on must
        // be rejected whatever the buffer size, not come out as a truncated name (found by fuzzing).
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
        case .anonymousContext, .global, .suffix, .declContext, .type, .typeMangling, .module, .identifier, .clangType,
             .builtinTypeName, .metatypeRepresentation, .implConvention, .implFunctionAttribute, .index, .number,
             .specializationPassID, .integer, .negativeInteger, .unknownIndex, .returnType, .typeList:
            return printWrapperNode(n, k, depth, asPrefixContext)
        case .variable, .function, .boundGenericFunction, .subscript, .macro, .genericTypeParamDecl, .explicitClosure,
             .implicitClosure, .initializer, .propertyWrapperBackingInitializer,
             .propertyWrapperInitFromProjectedValue, .defaultArgumentInitializer, .class, .structure, .enum, .protocol,
             .typeAlias, .otherNominalType, .owningAddressor, .owningMutableAddressor, .nativeOwningAddressor,
             .nativeOwningMutableAddressor, .nativePinningAddressor, .nativePinningMutableAddressor, .unsafeAddressor,
             .unsafeMutableAddressor, .globalGetter, .getter, .setter, .materializeForSet, .willSet, .didSet,
             .readAccessor, .read2Accessor, .modifyAccessor, .modify2Accessor, .initAccessor, .allocator, .constructor,
             .destructor, .deallocator, .isolatedDeallocator, .iVarInitializer, .iVarDestroyer:
            return printEntityNode(n, k, depth, asPrefixContext)
        case .static, .outlinedCopy, .outlinedConsume, .outlinedBridgedMethod, .outlinedVariable,
             .outlinedReadOnlyObject, .directness, .extension, .localDeclName, .privateDeclName,
             .relatedEntityDeclName, .infixOperator, .prefixOperator, .postfixOperator:
            return printContextNode(n, k, depth, asPrefixContext)
        case .functionType, .uncurriedFunctionType, .noEscapeFunctionType, .autoClosureType, .escapingAutoClosureType,
             .thinFunctionType, .cFunctionPointer, .objCBlock, .escapingObjCBlock, .argumentTuple, .tuple,
             .tupleElement, .tupleElementName, .pack, .silPackDirect, .silPackIndirect, .packExpansion, .packElement:
            return printFunctionTypeNode(n, k, depth, asPrefixContext)
        case .builtinTupleType, .builtinFixedArray, .boundGenericClass, .boundGenericStructure, .boundGenericEnum,
             .boundGenericProtocol, .boundGenericOtherNominalType, .boundGenericTypeAlias, .dynamicSelf,
             .constrainedExistentialSelf, .metatype, .existentialMetatype, .constrainedExistential,
             .constrainedExistentialRequirementList, .associatedTypeRef, .protocolList, .protocolListWithClass,
             .protocolListWithAnyObject, .errorType, .sugaredOptional, .sugaredArray, .sugaredInlineArray,
             .sugaredDictionary, .sugaredParen, .opaqueReturnType, .opaqueReturnTypeOf, .opaqueType:
            return printNominalNode(n, k, depth, asPrefixContext)
        case .dependentPseudogenericSignature, .dependentGenericSignature, .dependentGenericConformanceRequirement,
             .dependentGenericInverseConformanceRequirement, .dependentGenericLayoutRequirement,
             .dependentGenericSameTypeRequirement, .dependentGenericSameShapeRequirement, .dependentGenericParamType,
             .dependentGenericType, .dependentMemberType, .dependentAssociatedTypeRef, .assocTypePath,
             .associatedTypeGenericParamRef:
            return printGenericNode(n, k, depth, asPrefixContext)
        case .nonObjCAttribute, .objCAttribute, .directMethodReferenceAttribute, .dynamicAttribute, .vTableAttribute,
             .concurrentFunctionType, .differentiableFunctionType, .globalActorFunctionType, .isolatedAnyFunctionType,
             .nonIsolatedCallerFunctionType, .sendingResultFunctionType, .asyncAnnotation, .throwsAnnotation,
             .typedThrowsAnnotation, .emptyList, .firstElementMarker, .variadicMarker:
            return printAttributeNode(n, k, depth, asPrefixContext)
        case .functionSignatureSpecialization, .genericPartialSpecialization,
             .genericPartialSpecializationNotReAbstracted, .genericSpecialization,
             .genericSpecializationInResilienceDomain, .genericSpecializationPrespecialized,
             .genericSpecializationNotReAbstracted, .inlinedGenericFunction, .isSerialized,
             .genericSpecializationParam, .functionSignatureSpecializationParamPayload,
             .lazyProtocolWitnessTableAccessor, .lazyProtocolWitnessTableCacheVariable, .vTableThunk, .protocolWitness,
             .partialApplyForwarder, .partialApplyObjCForwarder, .reabstractionThunk, .reabstractionThunkHelper,
             .reabstractionThunkHelperWithGlobalActor, .reabstractionThunkHelperWithSelf, .mergedFunction,
             .distributedThunk, .distributedAccessor, .accessibleFunctionRecord, .dynamicallyReplaceableFunctionKey,
             .dynamicallyReplaceableFunctionImpl, .dynamicallyReplaceableFunctionVar, .backDeploymentThunk,
             .asyncAwaitResumePartialFunction, .asyncSuspendResumePartialFunction, .opaqueReturnTypeIndex,
             .opaqueReturnTypeParent, .labelList, .associatedType, .backDeploymentFallback, .typeSymbolicReference,
             .opaqueTypeDescriptorSymbolicReference, .protocolSymbolicReference, .objectiveCProtocolSymbolicReference,
             .uniqueExtendedExistentialTypeShapeSymbolicReference,
             .nonUniqueExtendedExistentialTypeShapeSymbolicReference:
            return printThunkNode(n, k, depth, asPrefixContext)
        case .keyPathGetterThunkHelper, .keyPathSetterThunkHelper, .keyPathUnappliedMethodThunkHelper,
             .keyPathAppliedMethodThunkHelper, .keyPathEqualsThunkHelper, .keyPathHashThunkHelper, .fieldOffset,
             .enumCase, .autoDiffFunction, .autoDiffDerivativeVTableThunk, .autoDiffSelfReorderingReabstractionThunk,
             .autoDiffSubsetParametersThunk, .autoDiffFunctionKind, .differentiabilityWitness, .indexSubset:
            return printKeyPathAutoDiffNode(n, k, depth, asPrefixContext)
        case .retroactiveConformance, .associatedConformanceDescriptor, .defaultAssociatedConformanceAccessor,
             .associatedTypeMetadataAccessor, .baseConformanceDescriptor, .associatedTypeWitnessTableAccessor,
             .baseWitnessTableAccessor, .valueWitness, .protocolConformance, .anyProtocolConformanceList,
             .concreteProtocolConformance, .packProtocolConformance, .dependentAssociatedConformance,
             .protocolConformanceRefInTypeModule, .protocolConformanceRefInProtocolModule,
             .protocolConformanceRefInOtherModule, .dependentProtocolConformanceAssociated,
             .dependentProtocolConformanceInherited, .dependentProtocolConformanceRoot,
             .dependentProtocolConformanceOpaque:
            return printConformanceNode(n, k, depth, asPrefixContext)
        case .accessorFunctionReference, .globalVariableOnceToken, .globalVariableOnceFunction,
             .globalVariableOnceDeclList, .predefinedObjCAsyncCompletionHandlerImpl, .objCAsyncCompletionHandlerImpl,
             .asyncFunctionPointer, .coroFunctionPointer, .defaultOverride, .hasSymbolQuery, .droppedArgument,
             .extendedExistentialTypeShape, .uniquable, .moduleDescriptor, .anonymousDescriptor, .extensionDescriptor,
             .macroExpansionLoc, .macroExpansionUniqueName, .freestandingMacroExpansion,
             .accessorAttachedMacroExpansion, .memberAttributeAttachedMacroExpansion, .memberAttachedMacroExpansion,
             .peerAttachedMacroExpansion, .conformanceAttachedMacroExpansion, .extensionAttachedMacroExpansion,
             .preambleAttachedMacroExpansion, .bodyAttachedMacroExpansion:
            return printGlobalNode(n, k, depth, asPrefixContext)
        case .silBoxType, .implDifferentiabilityKind, .implEscaping, .implErasedIsolation, .implCoroutineKind,
             .implSendingResult, .implParameterResultDifferentiability, .implParameterSending, .implParameterIsolated,
             .implParameterImplicitLeading, .implFunctionConvention, .implErrorResult, .implYield, .implParameter,
             .implResult, .implFunctionType, .implInvocationSubstitutions, .implPatternSubstitutions,
             .silBoxTypeWithLayout, .silBoxLayout, .silBoxImmutableField, .silBoxMutableField:
            return printSILNode(n, k, depth, asPrefixContext)
        default:
            invalid = true
            return 0
        }
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
